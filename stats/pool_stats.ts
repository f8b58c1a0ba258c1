/**
 * {@linkcode PoolStats}: the frozen statistics snapshot every pool's
 * `stats()` returns.
 *
 * @module
 */

/**
 * A frozen snapshot of a pool's statistics. With statistics off, `enabled`,
 * `currentInUse` and `currentCapacity` are right and every other field is 0.
 *
 * Invariant while statistics are on from the start:
 * `currentInUse === totalAllocations - totalReleases`, where a release is
 * every return of a borrowed object (by the user, a leaked handle
 * the garbage collector ended, or a failed reset that retired it).
 *
 * @example
 * ```ts
 * import { FixedPool, type PoolStats } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 2, factory: () => ({}), enableStatistics: true });
 * pool.release(pool.acquire());
 * const stats: PoolStats = pool.stats();
 * console.log(stats.totalAllocations, stats.totalReleases); // 1 1
 * ```
 */
export interface PoolStats {
  /** Whether statistics were collected. */
  readonly enabled: boolean;
  /** Successful acquires. */
  readonly totalAllocations: number;
  /** Returns of borrowed objects (user releases, leaked handles, failed resets). */
  readonly totalReleases: number;
  /** Successful resets. */
  readonly totalResets: number;
  /** How many times the pool grew. */
  readonly growthEvents: number;
  /** The most objects lent at once. */
  readonly peakInUse: number;
  /** The highest capacity the pool had. */
  readonly peakCapacity: number;
  /** Objects lent now. */
  readonly currentInUse: number;
  /** The capacity now. */
  readonly currentCapacity: number;
  /**
   * Estimated total time spent in acquire, in nanoseconds: the sampled mean
   * times `totalAllocations`. 0 unless statistics were enabled with `{ timing: true }`.
   */
  readonly totalAllocationTimeNs: number;
  /** Estimated total time spent in release, in nanoseconds (sampled, as above). */
  readonly totalReleaseTimeNs: number;
  /** Mean acquire time of the sampled operations, in nanoseconds. */
  readonly avgAllocationTimeNs: number;
  /** Mean release time of the sampled operations, in nanoseconds. */
  readonly avgReleaseTimeNs: number;
  /** Acquires that found nothing idle and failed or had to wait. */
  readonly exhaustions: number;
  /** Objects created. */
  readonly created: number;
  /** Objects destroyed (close, trim, failed reset, failed validation, eviction). */
  readonly destroyed: number;
  /** `OwnedHandle`s garbage-collected unreleased. */
  readonly leaks: number;
  /** Resets that threw. */
  readonly resetFailures: number;
  /** Acquires that waited for an object. */
  readonly waits: number;
  /** Acquires that gave up because their timeout ran out. */
  readonly timeouts: number;
  /** Total time acquires spent waiting, in nanoseconds. */
  readonly totalWaitTimeNs: number;
  /** Acquires waiting now (always 0 for the synchronous pools). */
  readonly pending: number;
  /** Factory calls that threw, rejected or timed out (background refills included). */
  readonly createFailures: number;
}
