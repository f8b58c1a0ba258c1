/**
 * {@linkcode ThreadRows}: the shared buffer of a `ThreadLocalPool` family,
 * and a thread attaching to, closing and detaching from its row there.
 * Private to `pools/`.
 *
 * The buffer is an `Int32` header (the next never-used row, the fold lock,
 * then one state per row), padded to a cache line, then `maxThreads`
 * counter rows (`stats/_counter_rows.ts`), one per attached thread, and one
 * last row that keeps the totals of the threads that detached.
 *
 * Why it is safe without a lock on the hot path: a row's state changes only
 * by atomic operations (a row is attached by compare-exchange, so two
 * threads never get one row), and its counters are written only by the
 * thread attached to it. Readers read every row without a lock (a total
 * may trail running threads by a few operations). Only detaching writes
 * another thread's row, the totals row, under a spin lock: it is rare and
 * a few additions long.
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import {
  CAPACITY,
  foldRow,
  PEAK_CAPACITY,
  ROW,
} from "../stats/_counter_rows.ts";

// Int32 header word indices.
const H_NEXT = 0;
const H_LOCK = 1;
const H_STATES = 2;
// Row states (0 while never attached).
/** Taken by a pool still being constructed (not listed yet). */
const ROW_ATTACHING = 1;
/** Given back: its counts were folded into the totals row. */
const ROW_DETACHED = 2;
/** In use by an open pool. */
const ROW_ATTACHED = 3;
/** Its pool closed, with borrows still out. */
const ROW_CLOSED = 4;

/** Header bytes for `maxThreads` rows, rounded up to a cache line so rows start on one. */
function headerBytes(maxThreads: number): number {
  return Math.ceil(((H_STATES + maxThreads) * 4) / 64) * 64;
}

/**
 * The size of a family's buffer: header, one row per thread, the totals row.
 *
 * @param maxThreads How many threads may attach at once.
 * @returns Its length in bytes.
 *
 * @example
 * ```ts
 * import { familyBytes } from "./_thread_local_rows.ts";
 *
 * console.log(familyBytes(4)); // 1024 (a 64-byte header, five rows of 192 bytes)
 * ```
 */
export function familyBytes(maxThreads: number): number {
  return headerBytes(maxThreads) + (maxThreads + 1) * ROW * 8;
}

/**
 * One thread's view of a family's buffer: its counter rows and the state of
 * each. A thread attaches to a row ({@linkcode ThreadRows.attach}), opens it
 * once its pool is built, closes it with its pool, and detaches once
 * nothing it lent is out; its counts then live on in the totals row.
 *
 * @example
 * ```ts
 * import { familyBytes, ThreadRows } from "./_thread_local_rows.ts";
 * import { ALLOCATIONS, ROW } from "../stats/_counter_rows.ts";
 *
 * const family = new ThreadRows(new SharedArrayBuffer(familyBytes(2)), 2);
 * const id = family.attach();
 * family.open(id, 8);
 * family.rows[id * ROW + ALLOCATIONS] = 3;
 * family.close(id);
 * family.detach(id); // its counts move to the totals row
 * console.log(family.listed(), family.rows[family.totalsBase + ALLOCATIONS]); // [] 3
 * console.log(family.attach()); // 0: the detached row is attached again
 * ```
 */
export class ThreadRows {
  /** Every counter row, the totals row last. */
  readonly rows: Float64Array;
  /** How many threads may attach at once. */
  readonly maxThreads: number;
  #header: Int32Array;

  /**
   * A view of a family's buffer.
   *
   * @param buffer The family's buffer, {@linkcode familyBytes} long.
   * @param maxThreads Its row count.
   */
  constructor(buffer: SharedArrayBuffer, maxThreads: number) {
    this.rows = new Float64Array(buffer, headerBytes(maxThreads));
    this.maxThreads = maxThreads;
    this.#header = new Int32Array(buffer, 0, H_STATES + maxThreads);
  }

  /** The index in `rows` of the totals row of detached threads. */
  get totalsBase(): number {
    return this.maxThreads * ROW;
  }

  /**
   * Attaches this thread to a row: a detached one if any, else the next
   * never used. It is not listed until {@linkcode ThreadRows.open}.
   *
   * @returns The row's number, the thread's id in the family.
   * @throws {PoolConfigurationError} When every row is taken.
   */
  attach(): number {
    const header = this.#header;
    const maxThreads = this.maxThreads;
    const used = Math.min(Atomics.load(header, H_NEXT), maxThreads);
    for (let id = 0; id < used; id++) {
      if (
        Atomics.compareExchange(
          header,
          H_STATES + id,
          ROW_DETACHED,
          ROW_ATTACHING,
        ) === ROW_DETACHED
      ) {
        return id;
      }
    }
    const id = Atomics.add(header, H_NEXT, 1);
    if (id >= maxThreads) {
      Atomics.sub(header, H_NEXT, 1);
      throw new PoolConfigurationError(
        `Cannot attach ThreadLocalPool: all ${
          quote(maxThreads)
        } thread rows are taken (raise maxThreads)`,
      );
    }
    Atomics.store(header, H_STATES + id, ROW_ATTACHING);
    return id;
  }

  /**
   * Lists a row this thread attached to, once its pool is built.
   *
   * @param id The row.
   * @param capacity Its pool's capacity (current and peak).
   */
  open(id: number, capacity: number): void {
    const base = id * ROW;
    this.rows[base + CAPACITY] = this.rows[base + PEAK_CAPACITY] = capacity;
    Atomics.store(this.#header, H_STATES + id, ROW_ATTACHED);
  }

  /** @param id This thread's row, whose pool closed (still listed). */
  close(id: number): void {
    Atomics.store(this.#header, H_STATES + id, ROW_CLOSED);
  }

  /**
   * @param id A row.
   * @returns Whether its pool closed.
   */
  isClosed(id: number): boolean {
    return Atomics.load(this.#header, H_STATES + id) === ROW_CLOSED;
  }

  /**
   * Detaches from a closed row: folds its counts into the totals row and
   * frees it for the next attach. Does nothing unless the row is closed, so
   * a second call is harmless.
   *
   * @param id This thread's row.
   */
  detach(id: number): void {
    const header = this.#header;
    if (Atomics.load(header, H_STATES + id) !== ROW_CLOSED) return;
    // A few additions, rarely: a spin lock is enough.
    while (Atomics.compareExchange(header, H_LOCK, 0, 1) !== 0) { /* spin */ }
    foldRow(this.rows, id * ROW, this.totalsBase);
    Atomics.store(header, H_LOCK, 0);
    Atomics.store(header, H_STATES + id, ROW_DETACHED);
  }

  /** @returns The index in `rows` of every open or closed row, by thread id. */
  listed(): number[] {
    const header = this.#header;
    const bases: number[] = [];
    for (let id = 0; id < this.maxThreads; id++) {
      // A plain read: a listing is a moment's view anyway, and an aligned
      // Int32 is never torn (Atomics.load here costs stats() a third).
      const state = header[H_STATES + id];
      if (state === ROW_ATTACHED || state === ROW_CLOSED) bases.push(id * ROW);
    }
    return bases;
  }
}
