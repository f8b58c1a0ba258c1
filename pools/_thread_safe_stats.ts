/**
 * The statistics of a `ThreadSafePool`: this thread's counters in its row of
 * shared memory, the sampling of timings, the shared in-use count behind
 * `peakInUse`, and the totals of every row as a `PoolStats`. Private to
 * `pools/`.
 *
 * Each thread writes only its own row (one per thread-table entry), with
 * plain writes; what a thread counts after it left its entry (a release
 * after its `close()`) goes to the late counters with an atomic add, and its
 * timings are dropped then. A row keeps its counts when its thread leaves:
 * the next thread attached there adds to them, so the totals never lose a
 * departed thread's work and no lock is needed.
 *
 * @module
 */

import { nowNs } from "../_clock.ts";
import { disabledStats } from "../stats/_disabled_stats.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import {
  FLAG_TIMING,
  H_FLAGS,
  H_IN_USE,
  H_PEAK,
  H_SAMPLE_INTERVAL,
  type Layout,
  ROW,
  S_ALLOCATION_NS,
  S_ALLOCATIONS,
  S_CREATED,
  S_DESTROYED,
  S_EXHAUSTIONS,
  S_LEAKS,
  S_RELEASE_NS,
  S_RESET_FAILURES,
  S_RESETS,
  S_TIMED_ALLOCATIONS,
  S_TIMED_RELEASES,
  S_TIMEOUTS,
  S_WAIT_NS,
  S_WAITS,
} from "./_thread_safe_layout.ts";

/**
 * This thread's counters of a `ThreadSafePool` (all no-ops with statistics
 * off), and the totals of every thread's.
 *
 * @example
 * ```ts
 * import { ThreadSafeCounters } from "./_thread_safe_stats.ts";
 * import { H_FLAGS, HEADER_WORDS, layout, S_CREATED } from "./_thread_safe_layout.ts";
 *
 * const shape = layout(4, 8, 2, true);
 * const buffer = new SharedArrayBuffer(shape.byteLength);
 * const header = new Int32Array(buffer, 0, HEADER_WORDS);
 * header[H_FLAGS] = 1;
 * const counters = new ThreadSafeCounters(buffer, shape, header);
 * counters.attachRow(0);
 * counters.count(S_CREATED);
 * console.log(counters.snapshot(4, 0).created); // 1
 * ```
 */
export class ThreadSafeCounters {
  #rows: Float64Array | undefined;
  /** The late counters, for counts after this thread left its entry. */
  #late: Int32Array | undefined;
  /** This thread's row offset, or -1 while it has none. */
  #row = -1;
  #header: Int32Array;
  #timing: boolean;
  #interval: number;
  #acquireCountdown: number;
  #releaseCountdown: number;

  /**
   * Opens the counters of the pool in `buffer` (none without statistics).
   *
   * @param buffer The pool's buffer.
   * @param shape Its layout.
   * @param header Its header words.
   */
  constructor(buffer: SharedArrayBuffer, shape: Layout, header: Int32Array) {
    this.#header = header;
    if (shape.rowCount > 0) {
      this.#rows = new Float64Array(buffer, shape.rows, shape.rowCount * ROW);
      this.#late = new Int32Array(buffer, shape.late, ROW);
    }
    this.#timing = (header[H_FLAGS]! & FLAG_TIMING) !== 0;
    this.#interval = header[H_SAMPLE_INTERVAL]!;
    this.#acquireCountdown = this.#releaseCountdown = this.#interval;
  }

  /** Whether statistics are on. */
  get on(): boolean {
    return this.#rows !== undefined;
  }

  /**
   * Counts in the row of thread-table entry `entry` from now on.
   *
   * @param entry This thread's entry.
   */
  attachRow(entry: number): void {
    this.#row = entry * ROW;
  }

  /** Counts in the late counters from now on (this thread left its entry). */
  detachRow(): void {
    this.#row = -1;
  }

  /**
   * Adds 1 to one of this thread's counters.
   *
   * @param counter The counter (`S_*`).
   */
  count(counter: number): void {
    this.add(counter, 1);
  }

  /**
   * Adds to one of this thread's counters: its own row while it has one,
   * else the late counters (timings are dropped then).
   *
   * @param counter The counter (`S_*`).
   * @param value What to add.
   */
  add(counter: number, value: number): void {
    const rows = this.#rows;
    if (rows === undefined) return;
    if (this.#row >= 0) rows[this.#row + counter]! += value;
    else if (
      counter !== S_WAIT_NS && counter !== S_ALLOCATION_NS &&
      counter !== S_RELEASE_NS && counter !== S_TIMED_ALLOCATIONS &&
      counter !== S_TIMED_RELEASES
    ) {
      Atomics.add(this.#late!, counter, value);
    }
  }

  /**
   * The start of a timed acquire, or 0 when this one is not timed (its own
   * countdown, apart from releases).
   *
   * @returns `nowNs()` or 0.
   */
  startAcquire(): number {
    if (!this.#timing || --this.#acquireCountdown !== 0) return 0;
    this.#acquireCountdown = this.#interval;
    return nowNs();
  }

  /**
   * The start of a timed release, or 0 when this one is not timed.
   *
   * @returns `nowNs()` or 0.
   */
  startRelease(): number {
    if (!this.#timing || --this.#releaseCountdown !== 0) return 0;
    this.#releaseCountdown = this.#interval;
    return nowNs();
  }

  /**
   * Counts a lend: the allocation, the shared in-use count and its peak,
   * and its time when `started` is not 0.
   *
   * @param started What {@linkcode ThreadSafeCounters.startAcquire} gave.
   */
  countLend(started: number): void {
    if (this.#rows === undefined) return;
    this.add(S_ALLOCATIONS, 1);
    const header = this.#header;
    const inUse = Atomics.add(header, H_IN_USE, 1) + 1;
    let peak = Atomics.load(header, H_PEAK);
    while (inUse > peak) {
      const seen = Atomics.compareExchange(header, H_PEAK, peak, inUse);
      if (seen === peak) break;
      peak = seen;
    }
    if (started !== 0) {
      this.add(S_ALLOCATION_NS, nowNs() - started);
      this.add(S_TIMED_ALLOCATIONS, 1);
    }
  }

  /**
   * Counts the time of a release when `started` is not 0.
   *
   * @param started What {@linkcode ThreadSafeCounters.startRelease} gave.
   */
  countRelease(started: number): void {
    if (started === 0) return;
    this.add(S_RELEASE_NS, nowNs() - started);
    this.add(S_TIMED_RELEASES, 1);
  }

  /**
   * Counts a wait that ended (with a slot or not), started at `start`
   * (`performance.now()`).
   *
   * @param start When the wait started, in ms.
   */
  countWait(start: number): void {
    if (this.#rows === undefined) return;
    this.add(S_WAITS, 1);
    this.add(S_WAIT_NS, (performance.now() - start) * 1e6);
  }

  /**
   * Lowers the shared in-use count before a slot is freed (so it never
   * exceeds the slots really lent), or raises it back (`by` 1) when the
   * free failed.
   *
   * @param by -1 before the free, 1 to undo it.
   */
  moveInUse(by: number): void {
    if (this.#rows !== undefined) Atomics.add(this.#header, H_IN_USE, by);
  }

  /**
   * Totals every thread's row and the late counters into a frozen
   * snapshot. `inUse` is counted from the free list by the caller, and
   * releases are derived from it, so no count drifts when a thread dies
   * mid-operation. Rows are written by their own thread without atomics, so
   * a snapshot taken while threads work may trail them by a few
   * operations; once they stop it is exact.
   *
   * @param capacity The pool's capacity.
   * @param inUse Slots lent now.
   * @returns The statistics.
   */
  snapshot(capacity: number, inUse: number): PoolStats {
    const rows = this.#rows;
    if (rows === undefined) return disabledStats(inUse, capacity);
    const late = this.#late!;
    const t = new Float64Array(ROW);
    for (let base = 0; base < rows.length; base += ROW) {
      for (let i = 0; i < ROW; i++) t[i]! += rows[base + i]!;
    }
    for (let i = 0; i < ROW; i++) t[i]! += Atomics.load(late, i);
    const releases = Math.max(0, t[S_ALLOCATIONS]! - inUse);
    const avgAllocation = t[S_TIMED_ALLOCATIONS] === 0
      ? 0
      : t[S_ALLOCATION_NS]! / t[S_TIMED_ALLOCATIONS]!;
    const avgRelease = t[S_TIMED_RELEASES] === 0
      ? 0
      : t[S_RELEASE_NS]! / t[S_TIMED_RELEASES]!;
    return Object.freeze({
      enabled: true,
      totalAllocations: releases + inUse,
      totalReleases: releases,
      totalResets: t[S_RESETS]!,
      growthEvents: 0,
      peakInUse: Math.max(Atomics.load(this.#header, H_PEAK), inUse),
      peakCapacity: capacity,
      currentInUse: inUse,
      currentCapacity: capacity,
      totalAllocationTimeNs: avgAllocation * t[S_ALLOCATIONS]!,
      totalReleaseTimeNs: avgRelease * releases,
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
}
