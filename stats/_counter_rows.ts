/**
 * Counter rows: statistics kept in shared memory, one row of `Float64`
 * counters per thread. This module is the one field order of a row, the
 * {@linkcode RowRecorder} that writes one row, and {@linkcode rowStats}, the
 * one function that totals rows into a {@linkcode PoolStats} snapshot.
 * Private to the library (`ThreadLocalPool`, `ThreadSafePool`).
 *
 * A row is written only by the thread it belongs to, with plain stores (no
 * atomic operation on the hot path); any thread reads every row, without a
 * lock. So a total taken while other threads work may trail them by a few
 * operations (a `Float64` store is never torn, so a field is always a value
 * its owner wrote), and once they are quiet it is exact.
 *
 * A thread that has given its row back (after `close()` or `detach()`) but
 * still counts something (a release of an object it lent) adds to a "late"
 * row: {@linkcode LATE_WORDS} `Int32` counters indexed like a row's first
 * {@linkcode COUNTS} fields and added to with `Atomics.add`, since several
 * threads may share it. Timings are not kept there.
 *
 * | fields | kind | totalled as |
 * | --- | --- | --- |
 * | `ALLOCATIONS` … `GROWTHS` (0 – 10) | counts | sums (the late row too) |
 * | `WAIT_NS` … `TIMED_RELEASES` (11 – 15) | sampled timings: a sum of ns and how many were timed | sums, then means = sum / count |
 * | `IN_USE`, `CAPACITY` (16, 17) | the thread's current values | sums |
 * | `PEAK_IN_USE`, `PEAK_CAPACITY` (18, 19) | the thread's peaks | maxima |
 *
 * @module
 */

import { disabledStats } from "./_disabled_stats.ts";
import type { PoolStats } from "./pool_stats.ts";

// Field indices of a row. Literals, not arithmetic on names: a bundler
// keeps top-level arithmetic, and these are read on hot paths.
/** Successful acquires. */
export const ALLOCATIONS = 0;
/** Borrows ended (release, discard, a leak taken back, a failed reset). */
export const RELEASES = 1;
/** Resets that worked. */
export const RESETS = 2;
/** Resets that threw. */
export const RESET_FAILURES = 3;
/** Acquires that found nothing free. */
export const EXHAUSTIONS = 4;
/** Objects created. */
export const CREATED = 5;
/** Objects destroyed. */
export const DESTROYED = 6;
/** `OwnedHandle`s collected unreleased. */
export const LEAKS = 7;
/** Acquires that waited. */
export const WAITS = 8;
/** Waits that ran out of time. */
export const TIMEOUTS = 9;
/** Growths of the capacity. */
export const GROWTHS = 10;
/** How many leading fields are counts: the ones a late row keeps. */
export const COUNTS = 11;
/** Total nanoseconds waited (every wait, not sampled). */
export const WAIT_NS = 11;
/** Sum of the sampled acquires' nanoseconds. */
export const ALLOCATION_NS = 12;
/** How many acquires were timed. */
export const TIMED_ALLOCATIONS = 13;
/** Sum of the sampled releases' nanoseconds. */
export const RELEASE_NS = 14;
/** How many releases were timed. */
export const TIMED_RELEASES = 15;
/** Objects the thread has lent now. */
export const IN_USE = 16;
/** The thread's capacity now. */
export const CAPACITY = 17;
/** The most objects the thread had lent at once. */
export const PEAK_IN_USE = 18;
/** The highest capacity the thread had. */
export const PEAK_CAPACITY = 19;
/** The fields a row uses. */
export const FIELDS = 20;
/**
 * `Float64`s from one row to the next: {@linkcode FIELDS} rounded up to
 * whole 64-byte cache lines, so that two threads never write one line
 * (when the first row starts on a line).
 */
export const ROW = 24;
/** `Int32` words of a late row: one cache line ({@linkcode COUNTS} used). */
export const LATE_WORDS = 16;

/**
 * The sampling settings of a {@linkcode RowRecorder}, and where counts go
 * once its thread has no row.
 *
 * @example
 * ```ts
 * import { type RowRecorderOptions } from "./_counter_rows.ts";
 *
 * const options: RowRecorderOptions = { timing: true, sampleRate: 0.25 };
 * console.log(options.sampleRate); // 0.25
 * ```
 */
export interface RowRecorderOptions {
  /** Whether a sample of acquires and releases is timed. */
  readonly timing: boolean;
  /** The fraction timed: one operation in `round(1 / sampleRate)`. */
  readonly sampleRate: number;
  /** The late row, for counts made while detached (see {@linkcode RowRecorder.moveTo}). */
  readonly late?: Int32Array | undefined;
}

/**
 * Writes one thread's counters into its row (plain stores: only this thread
 * writes the row). It has the methods the slot core calls on a recorder
 * (`sampleAllocation` … `recordLeak`), and {@linkcode RowRecorder.add} for
 * any field. `IN_USE` is the caller's to keep (the slot core mirrors it
 * before `recordAllocation`, which raises the peak from it).
 *
 * @example
 * ```ts
 * import { ALLOCATIONS, IN_USE, ROW, RowRecorder, rowStats } from "./_counter_rows.ts";
 *
 * const rows = new Float64Array(new SharedArrayBuffer(2 * ROW * 8)); // two threads
 * const second = new RowRecorder(rows, ROW, { timing: false, sampleRate: 1 });
 * rows[ROW + IN_USE] = 1; // what the pool mirrors
 * second.recordAllocation();
 * second.add(ALLOCATIONS, 2);
 * console.log(rowStats(rows).totalAllocations, rowStats(rows).peakInUse); // 3 1
 * ```
 */
export class RowRecorder {
  #rows: Float64Array;
  #base: number;
  #late: Int32Array | undefined;
  #timing: boolean;
  #interval: number;
  #acquireCountdown: number;
  #releaseCountdown: number;

  /**
   * A recorder of the row that starts at index `base` of `rows`.
   *
   * @param rows Every row, as one `Float64Array` over the shared buffer.
   * @param base The index of this thread's row in `rows` (a multiple of {@linkcode ROW}), or -1 for none yet.
   * @param options Sampling, and the late row.
   */
  constructor(rows: Float64Array, base: number, options: RowRecorderOptions) {
    this.#rows = rows;
    this.#base = base;
    this.#late = options.late;
    this.#timing = options.timing;
    this.#interval = Math.max(1, Math.round(1 / options.sampleRate));
    this.#acquireCountdown = this.#releaseCountdown = this.#interval;
  }

  /** The index of the row written now, or -1 while detached. */
  get base(): number {
    return this.#base;
  }

  /**
   * Writes to the row at `base` from now on, or, with -1, to the late row
   * (counts only, with `Atomics.add`; timings are then dropped).
   *
   * @param base The new row's index, or -1.
   */
  moveTo(base: number): void {
    this.#base = base;
  }

  /**
   * Adds `value` to one field of this thread's row (or to the late row
   * while detached).
   *
   * @param field The field, such as {@linkcode WAITS}.
   * @param value What to add.
   */
  add(field: number, value: number): void {
    const base = this.#base;
    if (base >= 0) this.#rows[base + field]! += value;
    else this.#addLate(field, value);
  }

  /** Counts only (timings dropped), atomically: other threads add too. */
  #addLate(field: number, value: number): void {
    if (field < COUNTS && this.#late !== undefined) {
      Atomics.add(this.#late, field, value);
    }
  }

  /** @returns Whether to time this acquire (one in every interval). */
  sampleAllocation(): boolean {
    if (!this.#timing || --this.#acquireCountdown !== 0) return false;
    this.#acquireCountdown = this.#interval;
    return true;
  }

  /** @returns Whether to time this release (its own countdown). */
  sampleRelease(): boolean {
    if (!this.#timing || --this.#releaseCountdown !== 0) return false;
    this.#releaseCountdown = this.#interval;
    return true;
  }

  /** A successful acquire; raises the peak from the mirrored `IN_USE`. */
  recordAllocation(): void {
    // The hot one: written out, not through add().
    const base = this.#base;
    if (base < 0) return this.#addLate(ALLOCATIONS, 1);
    const rows = this.#rows;
    rows[base + ALLOCATIONS]! += 1;
    const inUse = rows[base + IN_USE]!;
    if (inUse > rows[base + PEAK_IN_USE]!) rows[base + PEAK_IN_USE] = inUse;
  }

  /** A borrow ended. */
  recordRelease(): void {
    const base = this.#base;
    if (base >= 0) this.#rows[base + RELEASES]! += 1;
    else this.#addLate(RELEASES, 1);
  }

  /** @param ns A sampled acquire's nanoseconds. */
  recordAllocationTime(ns: number): void {
    this.add(ALLOCATION_NS, ns);
    this.add(TIMED_ALLOCATIONS, 1);
  }

  /** @param ns A sampled release's nanoseconds. */
  recordReleaseTime(ns: number): void {
    this.add(RELEASE_NS, ns);
    this.add(TIMED_RELEASES, 1);
  }

  /** @param ns How long an acquire waited, in nanoseconds. */
  recordWait(ns: number): void {
    this.add(WAITS, 1);
    this.add(WAIT_NS, ns);
  }

  /** A wait that ran out of time. */
  recordTimeout(): void {
    this.add(TIMEOUTS, 1);
  }

  /** A reset that worked. */
  recordReset(): void {
    this.add(RESETS, 1);
  }

  /** A reset that threw. */
  recordResetFailure(): void {
    this.add(RESET_FAILURES, 1);
  }

  /** @param capacity The capacity after a growth. */
  recordGrowth(capacity: number): void {
    this.add(GROWTHS, 1);
    this.recordCapacity(capacity);
  }

  /** @param capacity The capacity now; raises the peak. */
  recordCapacity(capacity: number): void {
    const base = this.#base;
    if (base < 0) return;
    const rows = this.#rows;
    rows[base + CAPACITY] = capacity;
    if (capacity > rows[base + PEAK_CAPACITY]!) {
      rows[base + PEAK_CAPACITY] = capacity;
    }
  }

  /** An acquire that found nothing free. */
  recordExhaustion(): void {
    this.add(EXHAUSTIONS, 1);
  }

  /** An object created. */
  recordCreated(): void {
    this.add(CREATED, 1);
  }

  /** An object destroyed. */
  recordDestroyed(): void {
    this.add(DESTROYED, 1);
  }

  /** A leaked handle. */
  recordLeak(): void {
    this.add(LEAKS, 1);
  }
}

/**
 * Adds the row at `from` into the row at `into` and clears `from`: counts and
 * timings are summed, peaks raised; current values are not carried (a
 * thread whose row is folded has nothing lent). For a thread that leaves
 * for good, so that its counts outlive its row. The caller keeps other
 * threads from folding into `into` at the same time.
 *
 * @param rows Every row.
 * @param from The index of the row to fold and clear.
 * @param into The index of the row that keeps the totals.
 *
 * @example
 * ```ts
 * import { ALLOCATIONS, foldRow, PEAK_IN_USE, ROW } from "./_counter_rows.ts";
 *
 * const rows = new Float64Array(2 * ROW);
 * rows[ALLOCATIONS] = 3;
 * rows[PEAK_IN_USE] = 2;
 * foldRow(rows, 0, ROW);
 * console.log(rows[ROW + ALLOCATIONS], rows[ROW + PEAK_IN_USE], rows[ALLOCATIONS]); // 3 2 0
 * ```
 */
export function foldRow(rows: Float64Array, from: number, into: number): void {
  for (let field = 0; field < IN_USE; field++) {
    rows[into + field]! += rows[from + field]!;
  }
  for (let field = PEAK_IN_USE; field < FIELDS; field++) {
    rows[into + field] = Math.max(rows[into + field]!, rows[from + field]!);
  }
  rows.fill(0, from, from + ROW);
}

/**
 * What {@linkcode rowStats} totals, and the values a pool keeps outside its
 * rows.
 *
 * @example
 * ```ts
 * import { type RowStatsOptions } from "./_counter_rows.ts";
 *
 * const options: RowStatsOptions = { bases: [0], enabled: true };
 * console.log(options.bases); // [ 0 ]
 * ```
 */
export interface RowStatsOptions {
  /** The index of each row to total (default: every whole row of `rows`). */
  readonly bases?: readonly number[] | undefined;
  /** A late row to add (read with `Atomics.load`). */
  readonly late?: Int32Array | undefined;
  /**
   * Whether statistics are on (default `true`); when off, the snapshot has
   * only `currentInUse` and `currentCapacity`.
   */
  readonly enabled?: boolean | undefined;
  /**
   * Objects lent now, when the pool counts them outside the rows (a
   * `ThreadSafePool` counts its free list). Releases are then derived as
   * allocations − in use, so that a thread that dies between its two
   * counts cannot make them disagree.
   */
  readonly inUse?: number | undefined;
  /** The capacity, when the pool keeps it outside the rows (current and peak). */
  readonly capacity?: number | undefined;
  /** The peak in use, when the pool keeps it outside the rows. */
  readonly peakInUse?: number | undefined;
}

/**
 * Totals counter rows into a snapshot: counts, timings and current values
 * are summed, peaks are maxima, mean times are the timed sums over the
 * timed counts (and the estimated total times those means times the
 * operations). Values the pool keeps elsewhere come in `options`.
 *
 * @param rows Every row.
 * @param options Which rows, the late row, and outside values.
 * @returns A frozen snapshot.
 *
 * @example
 * ```ts
 * import { ALLOCATION_NS, ALLOCATIONS, ROW, rowStats, TIMED_ALLOCATIONS } from "./_counter_rows.ts";
 *
 * const rows = new Float64Array(2 * ROW);
 * rows[ALLOCATIONS] = 10;
 * rows[ROW + ALLOCATIONS] = 30;
 * rows[ALLOCATION_NS] = 400; // 4 of the 40 acquires timed, 100 ns each
 * rows[TIMED_ALLOCATIONS] = 4;
 * const stats = rowStats(rows);
 * console.log(stats.totalAllocations, stats.avgAllocationTimeNs, stats.totalAllocationTimeNs); // 40 100 4000
 * ```
 */
export function rowStats(
  rows: Float64Array,
  options: RowStatsOptions = {},
): PoolStats {
  const t = new Float64Array(FIELDS);
  const bases = options.bases;
  const count = bases === undefined
    ? Math.floor(rows.length / ROW)
    : bases.length;
  for (let i = 0; i < count; i++) {
    const base = bases === undefined ? i * ROW : bases[i]!;
    for (let field = 0; field < PEAK_IN_USE; field++) {
      t[field]! += rows[base + field]!;
    }
    for (let field = PEAK_IN_USE; field < FIELDS; field++) {
      t[field] = Math.max(t[field]!, rows[base + field]!);
    }
  }
  const inUse = options.inUse ?? t[IN_USE]!;
  const capacity = options.capacity ?? t[CAPACITY]!;
  if (options.enabled === false) return disabledStats(inUse, capacity);
  const late = options.late;
  if (late !== undefined) {
    for (let field = 0; field < COUNTS; field++) {
      t[field]! += Atomics.load(late, field);
    }
  }
  const allocations = t[ALLOCATIONS]!;
  const releases = options.inUse === undefined
    ? t[RELEASES]!
    : Math.max(0, allocations - inUse);
  const avgAllocation = mean(t[ALLOCATION_NS]!, t[TIMED_ALLOCATIONS]!);
  const avgRelease = mean(t[RELEASE_NS]!, t[TIMED_RELEASES]!);
  return Object.freeze({
    enabled: true,
    totalAllocations: options.inUse === undefined
      ? allocations
      : releases + inUse,
    totalReleases: releases,
    totalResets: t[RESETS]!,
    growthEvents: t[GROWTHS]!,
    peakInUse: options.peakInUse ?? t[PEAK_IN_USE]!,
    peakCapacity: options.capacity ?? t[PEAK_CAPACITY]!,
    currentInUse: inUse,
    currentCapacity: capacity,
    totalAllocationTimeNs: avgAllocation * allocations,
    totalReleaseTimeNs: avgRelease * releases,
    avgAllocationTimeNs: avgAllocation,
    avgReleaseTimeNs: avgRelease,
    exhaustions: t[EXHAUSTIONS]!,
    created: t[CREATED]!,
    destroyed: t[DESTROYED]!,
    leaks: t[LEAKS]!,
    resetFailures: t[RESET_FAILURES]!,
    waits: t[WAITS]!,
    timeouts: t[TIMEOUTS]!,
    totalWaitTimeNs: t[WAIT_NS]!,
    pending: 0,
    createFailures: 0,
  });
}

/** `sum / count`, or 0 when nothing was counted. */
function mean(sum: number, count: number): number {
  return count === 0 ? 0 : sum / count;
}
