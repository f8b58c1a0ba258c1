/**
 * The shared-memory layout of a `ThreadSafePool`, and its statistics rows.
 * Private to `pools/`.
 *
 * One `SharedArrayBuffer`, in cache-line-aligned regions:
 *
 * | region | contents |
 * | --- | --- |
 * | header (256 bytes) | shape and flags; the closed flag, the in-use count and its peak each on their own cache line |
 * | free list | a {@linkcode SharedFreeList} of the slots |
 * | slot records | per slot, two `Int32`s: the borrow generation and the thread that acquired it |
 * | statistics rows | with statistics on, `maxThreads` rows of 16 `Float64` counters, one row per thread, written only by it |
 * | slot data | `capacity` slots of `stride` bytes (`slotBytes` rounded up to 8) |
 *
 * @module
 */

import { SharedFreeList } from "../allocators/shared_freelist.ts";
import type { PoolStats } from "../stats/pool_stats.ts";

/** Int32 words per 64-byte cache line. */
const LINE = 16;

/** "FTSP" + layout version 1. */
export const MAGIC = 0x46545350;
/** The layout version, bumped on any change. */
export const VERSION = 1;

// Header Int32 word indices.
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_CAPACITY = 2;
export const H_SLOT_BYTES = 3;
export const H_FLAGS = 4;
export const H_SAMPLE_INTERVAL = 5;
export const H_MAX_THREADS = 6;
/** The last thread id handed out (creator: 1). */
export const H_THREADS = 7;
export const H_CLOSED = LINE;
export const H_IN_USE = 2 * LINE;
export const H_PEAK = 3 * LINE;
export const HEADER_WORDS = 4 * LINE;

export const FLAG_STATS = 1;
export const FLAG_TIMING = 2;

// Statistics row Float64 indices.
export const S_ALLOCATIONS = 0;
export const S_RELEASES = 1;
export const S_RESETS = 2;
export const S_RESET_FAILURES = 3;
export const S_EXHAUSTIONS = 4;
export const S_CREATED = 5;
export const S_DESTROYED = 6;
export const S_LEAKS = 7;
export const S_WAITS = 8;
export const S_TIMEOUTS = 9;
export const S_WAIT_NS = 10;
export const S_ALLOCATION_NS = 11;
export const S_TIMED_ALLOCATIONS = 12;
export const S_RELEASE_NS = 13;
export const S_TIMED_RELEASES = 14;
export const ROW = 16;

/** Byte offsets of every region for one pool shape. */
export interface Layout {
  readonly freeList: number;
  readonly records: number;
  readonly rows: number;
  readonly rowCount: number;
  readonly data: number;
  readonly stride: number;
  readonly byteLength: number;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** Computes the regions of a pool of this shape. */
export function layout(
  capacity: number,
  slotBytes: number,
  rowCount: number,
): Layout {
  const freeList = HEADER_WORDS * 4;
  const records = freeList + SharedFreeList.byteLengthFor(capacity);
  const rows = align(records + capacity * 8, 64);
  const data = align(rows + rowCount * ROW * 8, 64);
  const stride = align(slotBytes, 8);
  return {
    freeList,
    records,
    rows,
    rowCount,
    data,
    stride,
    byteLength: data + stride * capacity,
  };
}

/**
 * Totals every thread's row into a snapshot. Counters are written by their
 * own thread without atomics, so a snapshot taken while threads work may
 * trail them by a few operations; once they stop it is exact.
 */
export function totalStats(
  rows: Float64Array,
  header: Int32Array,
  capacity: number,
): PoolStats {
  const t = new Float64Array(ROW);
  for (let base = 0; base < rows.length; base += ROW) {
    for (let i = 0; i < ROW; i++) t[i]! += rows[base + i]!;
  }
  const avgAllocation = t[S_TIMED_ALLOCATIONS] === 0
    ? 0
    : t[S_ALLOCATION_NS]! / t[S_TIMED_ALLOCATIONS]!;
  const avgRelease = t[S_TIMED_RELEASES] === 0
    ? 0
    : t[S_RELEASE_NS]! / t[S_TIMED_RELEASES]!;
  return Object.freeze({
    enabled: true,
    totalAllocations: t[S_ALLOCATIONS]!,
    totalReleases: t[S_RELEASES]!,
    totalResets: t[S_RESETS]!,
    growthEvents: 0,
    peakInUse: Atomics.load(header, H_PEAK),
    peakCapacity: capacity,
    currentInUse: Atomics.load(header, H_IN_USE),
    currentCapacity: capacity,
    totalAllocationTimeNs: avgAllocation * t[S_ALLOCATIONS]!,
    totalReleaseTimeNs: avgRelease * t[S_RELEASES]!,
    avgAllocationTimeNs: avgAllocation,
    avgReleaseTimeNs: avgRelease,
    exhaustions: t[S_EXHAUSTIONS]!,
    created: t[S_CREATED]!,
    destroyed: t[S_DESTROYED]!,
    leaks: t[S_LEAKS]!,
    resetFailures: t[S_RESET_FAILURES]!,
    waits: t[S_WAITS]!,
    timeouts: t[S_TIMEOUTS]!,
    totalWaitTimeNs: t[S_WAIT_NS]!,
    pending: 0,
    createFailures: 0,
  });
}
