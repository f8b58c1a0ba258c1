/**
 * The statistics of a `ThreadSafePool`: this thread's counter row (the
 * library's one row layout and recorder, `stats/_counter_rows.ts`), the
 * sampling of timings, the shared in-use count behind `peakInUse`, and the
 * totals of every row as a `PoolStats`. Private to `pools/`.
 *
 * Each thread writes only its own row (one per thread-table entry); what a
 * thread counts after it left its entry (a release after its `close()`)
 * goes to the late row with an atomic add, and its timings are dropped
 * then. A row keeps its counts when its thread leaves: the next thread
 * attached there adds to them, so the totals never lose a departed thread's
 * work and no lock is needed (a lock held by a thread that dies would stop
 * every other thread's `stats()`). The number of slots in use is counted
 * from the free list when read, and releases are derived from it, so no
 * count drifts when a thread dies between two updates.
 *
 * @module
 */

import { nowNs } from "../_clock.ts";
import {
  ALLOCATIONS,
  LATE_WORDS,
  ROW,
  RowRecorder,
  rowStats,
} from "../stats/_counter_rows.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import {
  FLAG_TIMING,
  H_FLAGS,
  H_IN_USE,
  H_PEAK,
  H_SAMPLE_INTERVAL,
  type Layout,
} from "./_thread_safe_layout.ts";

/**
 * This thread's counters of a `ThreadSafePool` (all no-ops with statistics
 * off), and the totals of every thread's.
 *
 * @example
 * ```ts
 * import { ThreadSafeCounters } from "./_thread_safe_stats.ts";
 * import { H_FLAGS, H_SAMPLE_INTERVAL, HEADER_WORDS, layout } from "./_thread_safe_layout.ts";
 * import { CREATED } from "../stats/_counter_rows.ts";
 *
 * const shape = layout(4, 8, 2, true);
 * const buffer = new SharedArrayBuffer(shape.byteLength);
 * const header = new Int32Array(buffer, 0, HEADER_WORDS);
 * header[H_FLAGS] = 1;
 * header[H_SAMPLE_INTERVAL] = 1;
 * const counters = new ThreadSafeCounters(buffer, shape, header);
 * counters.attachRow(0);
 * counters.count(CREATED);
 * console.log(counters.snapshot(4, 0).created); // 1
 * ```
 */
export class ThreadSafeCounters {
  #rows: Float64Array | undefined;
  #late: Int32Array | undefined;
  /** Writes this thread's row; undefined with statistics off. */
  #recorder: RowRecorder | undefined;
  #header: Int32Array;

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
      const rows = new Float64Array(buffer, shape.rows, shape.rowCount * ROW);
      const late = new Int32Array(buffer, shape.late, LATE_WORDS);
      this.#rows = rows;
      this.#late = late;
      this.#recorder = new RowRecorder(rows, -1, {
        timing: (header[H_FLAGS]! & FLAG_TIMING) !== 0,
        sampleRate: 1 / header[H_SAMPLE_INTERVAL]!,
        late,
      });
    }
  }

  /** Whether statistics are on. */
  get on(): boolean {
    return this.#recorder !== undefined;
  }

  /**
   * Counts in the row of thread-table entry `entry` from now on.
   *
   * @param entry This thread's entry.
   */
  attachRow(entry: number): void {
    this.#recorder?.moveTo(entry * ROW);
  }

  /** Counts in the late row from now on (this thread left its entry). */
  detachRow(): void {
    this.#recorder?.moveTo(-1);
  }

  /**
   * Adds 1 to one of this thread's counters.
   *
   * @param field The field (`stats/_counter_rows.ts`), such as `CREATED`.
   */
  count(field: number): void {
    this.#recorder?.add(field, 1);
  }

  /**
   * The start of a timed acquire, or 0 when this one is not timed (its own
   * countdown, apart from releases).
   *
   * @returns `nowNs()` or 0.
   */
  startAcquire(): number {
    return this.#recorder?.sampleAllocation() === true ? nowNs() : 0;
  }

  /**
   * The start of a timed release, or 0 when this one is not timed.
   *
   * @returns `nowNs()` or 0.
   */
  startRelease(): number {
    return this.#recorder?.sampleRelease() === true ? nowNs() : 0;
  }

  /**
   * Counts a lend: the allocation, the shared in-use count and its peak,
   * and its time when `started` is not 0.
   *
   * @param started What {@linkcode ThreadSafeCounters.startAcquire} gave.
   */
  countLend(started: number): void {
    const recorder = this.#recorder;
    if (recorder === undefined) return;
    // Not recordAllocation(): the peak is the shared one, below.
    recorder.add(ALLOCATIONS, 1);
    const header = this.#header;
    const inUse = Atomics.add(header, H_IN_USE, 1) + 1;
    let peak = Atomics.load(header, H_PEAK);
    while (inUse > peak) {
      const seen = Atomics.compareExchange(header, H_PEAK, peak, inUse);
      if (seen === peak) break;
      peak = seen;
    }
    if (started !== 0) recorder.recordAllocationTime(nowNs() - started);
  }

  /**
   * Counts the time of a release when `started` is not 0.
   *
   * @param started What {@linkcode ThreadSafeCounters.startRelease} gave.
   */
  countRelease(started: number): void {
    if (started !== 0) this.#recorder?.recordReleaseTime(nowNs() - started);
  }

  /**
   * Counts a wait that ended (with a slot or not).
   *
   * @param start When the wait started (`performance.now()`, in ms).
   */
  countWait(start: number): void {
    this.#recorder?.recordWait((performance.now() - start) * 1e6);
  }

  /**
   * Lowers the shared in-use count before a slot is freed (so it never
   * exceeds the slots really lent), or raises it back when the free failed.
   *
   * @param by -1 before the free, 1 to undo it.
   */
  moveInUse(by: number): void {
    if (this.#recorder !== undefined) Atomics.add(this.#header, H_IN_USE, by);
  }

  /**
   * Totals every thread's row and the late row into a frozen snapshot
   * (`rowStats`). `inUse` is counted from the free list by the caller, and
   * releases are derived from it; the peak is the shared one, at least
   * `inUse` (a thread killed between its take and its count may leave it
   * one short).
   *
   * @param capacity The pool's capacity.
   * @param inUse Slots lent now.
   * @returns The statistics.
   */
  snapshot(capacity: number, inUse: number): PoolStats {
    return rowStats(this.#rows ?? new Float64Array(0), {
      enabled: this.#recorder !== undefined,
      late: this.#late,
      inUse,
      capacity,
      peakInUse: Math.max(Atomics.load(this.#header, H_PEAK), inUse),
    });
  }
}
