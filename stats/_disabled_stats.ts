/**
 * {@linkcode disabledStats}: the snapshot pools give when statistics are off
 * (private to the library: pools call it, users read `pool.stats()`).
 *
 * @module
 */

import type { PoolStats } from "./pool_stats.ts";

/**
 * The snapshot of a pool whose statistics are off: only `currentInUse` and
 * `currentCapacity` are filled in.
 *
 * @param inUse Objects lent now.
 * @param capacity The capacity now.
 * @returns A frozen {@linkcode PoolStats} with `enabled: false`.
 */
export function disabledStats(inUse: number, capacity: number): PoolStats {
  return Object.freeze({
    enabled: false,
    totalAllocations: 0,
    totalReleases: 0,
    totalResets: 0,
    growthEvents: 0,
    peakInUse: 0,
    peakCapacity: 0,
    currentInUse: inUse,
    currentCapacity: capacity,
    totalAllocationTimeNs: 0,
    totalReleaseTimeNs: 0,
    avgAllocationTimeNs: 0,
    avgReleaseTimeNs: 0,
    exhaustions: 0,
    created: 0,
    destroyed: 0,
    leaks: 0,
    resetFailures: 0,
    waits: 0,
    timeouts: 0,
    totalWaitTimeNs: 0,
    pending: 0,
    createFailures: 0,
  });
}
