/**
 * {@linkcode ThreadLocalPool}: a pool per thread, statistics for all.
 *
 * JavaScript objects cannot cross threads, so each thread (the main thread
 * and every worker that attaches) gets its own pool of plain objects, with no
 * lock and no atomic operation on `acquire`/`release`. What the threads share
 * is one small `SharedArrayBuffer` of counter rows, one row per thread, each
 * written only by its owner with plain stores; any thread can read every row,
 * so `stats()` from any thread returns the total over all attached threads.
 *
 * @module
 */

import type {
  PoolOptions,
  PoolType,
  StatisticsSettings,
} from "../config/options.ts";
import {
  checkCapacity,
  checkOptionKeys,
  type PoolSettings,
  validatePoolOptions,
} from "../config/_options.ts";
import type { AllocatorKind, LeakInfo } from "../config/options.ts";
import { InvalidCapacityError, PoolConfigurationError } from "../errors.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import {
  CAPACITY,
  foldRow,
  IN_USE,
  PEAK_CAPACITY,
  ROW,
  RowRecorder,
  rowStats,
} from "../stats/_counter_rows.ts";
import { quote } from "../quote.ts";
import { BasePool } from "./base_pool.ts";
import { hookInspect } from "../_inspect.ts";

/** Whether the inspect hooks are on the prototype (installed by the first constructor). */
let inspectable = false;

/**
 * Options of a {@linkcode ThreadLocalPool}: the common ones, per thread.
 *
 * @example
 * ```ts
 * import { ThreadLocalPool, type ThreadLocalPoolOptions } from "@fastalloc/fastalloc";
 *
 * class Scratch { sum = 0; }
 * const options: ThreadLocalPoolOptions<Scratch> = { capacity: 32, maxThreads: 8, enableStatistics: true };
 * const pool = new ThreadLocalPool(Scratch, options);
 * console.log(pool.capacity, pool.share().maxThreads); // 32 8
 * ```
 */
export interface ThreadLocalPoolOptions<T> extends PoolOptions<T> {
  /** How many threads may attach, the creating one included (default 64, at most 65536). */
  maxThreads?: number;
}

/**
 * The options a worker may give {@linkcode ThreadLocalPool.attach}: the functions, which cannot be shared.
 *
 * @example
 * ```ts
 * import { type ThreadLocalAttachOptions, ThreadLocalPool } from "@fastalloc/fastalloc";
 *
 * class Scratch { sum = 0; }
 * const pool = new ThreadLocalPool(Scratch, { capacity: 4 });
 * const options: ThreadLocalAttachOptions<Scratch> = { reset: (s) => { s.sum = 0; } };
 * const local = ThreadLocalPool.attach(Scratch, pool.share(), options); // as a worker would
 * const s = local.acquire();
 * s.sum = 5;
 * local.release(s);
 * console.log(s.sum); // 0
 * ```
 */
export interface ThreadLocalAttachOptions<T> {
  /** Makes a new object in this thread; overrides `new Type()`. */
  factory?: () => T;
  /** Cleans an object on release (overrides a method name shared by the creator). */
  reset?: ((obj: T) => void) | string;
  /** Called for every object this thread's pool drops. */
  destroy?: (obj: T) => void;
  /** Called when an `OwnedHandle` of this thread is collected unreleased. */
  onLeak?: (info: LeakInfo<T>) => void;
}

/**
 * What `share()` returns: structured-cloneable, for `postMessage`.
 *
 * @example
 * ```ts
 * import { ThreadLocalPool, type ThreadLocalPoolDescriptor } from "@fastalloc/fastalloc";
 *
 * const pool = new ThreadLocalPool({ capacity: 8, factory: () => ({}) });
 * const descriptor: ThreadLocalPoolDescriptor = structuredClone(pool.share()); // as postMessage delivers it
 * console.log(descriptor.kind, descriptor.capacity, descriptor.allocator); // fastalloc.ThreadLocalPool 8 stack
 * const local = ThreadLocalPool.attach(descriptor, { factory: () => ({}) }); // in the worker
 * console.log(local.threadId); // 1
 * ```
 */
export interface ThreadLocalPoolDescriptor {
  /** Always `"fastalloc.ThreadLocalPool"`. */
  readonly kind: "fastalloc.ThreadLocalPool";
  /** The counter rows. */
  readonly buffer: SharedArrayBuffer;
  /** The per-thread capacity. */
  readonly capacity: number;
  /** How many rows the buffer has. */
  readonly maxThreads: number;
  /** The allocator kind every thread uses. */
  readonly allocator: AllocatorKind;
  /** Whether each thread creates its objects up front. */
  readonly preInitialize: boolean;
  /** The statistics settings every thread uses. */
  readonly statistics: StatisticsSettings;
  /** The reset method name, when the creator gave one. */
  readonly resetMethod: string | undefined;
}

/**
 * One thread's statistics, from {@linkcode ThreadLocalPool.threadStats}.
 *
 * @example
 * ```ts
 * import { ThreadLocalPool, type ThreadPoolStats } from "@fastalloc/fastalloc";
 *
 * class Scratch { sum = 0; }
 * const pool = new ThreadLocalPool(Scratch, { capacity: 4, enableStatistics: true });
 * const local = ThreadLocalPool.attach(Scratch, pool.share()); // as a worker would
 * local.use((s) => (s.sum = 1));
 * const rows: ThreadPoolStats[] = pool.threadStats();
 * for (const row of rows) console.log(row.threadId, row.totalAllocations); // 0 0, then 1 1
 * ```
 */
export interface ThreadPoolStats extends PoolStats {
  /** The thread's row number (0 for the creating thread). */
  readonly threadId: number;
  /** Whether that thread's pool was closed. */
  readonly closed: boolean;
}

// The rows are counter rows (stats/_counter_rows.ts), after an Int32
// header: the next never-used row, the fold lock, then one state per row
// (0 while never attached; compare-exchanged, so a detached row can be
// attached again).
const H_NEXT = 0;
const H_LOCK = 1;
const H_STATES = 2;
/** Taken by a pool still being constructed (not listed yet). */
const ROW_ATTACHING = 1;
/** Given back: its counts were folded into the detached totals. */
const ROW_DETACHED = 2;
/** In use by an open pool. */
const ROW_ATTACHED = 3;
/** Its pool closed, with borrows still out. */
const ROW_CLOSED = 4;

/** Header bytes for `maxThreads` rows, rounded up to a cache line so rows start on one. */
function headerBytes(maxThreads: number): number {
  return Math.ceil(((H_STATES + maxThreads) * 4) / 64) * 64;
}

/** The whole buffer: header, one row per thread, one row of detached totals. */
function familyBytes(maxThreads: number): number {
  return headerBytes(maxThreads) + (maxThreads + 1) * ROW * 8;
}

const KIND = "fastalloc.ThreadLocalPool";
/** The most threads a family may have (its rows take 192 bytes each). */
const MAX_THREADS = 65_536;
const OWN_KEYS = ["maxThreads"];

/** Set by `attach` for the constructor it calls: the family to join. */
let joining: ThreadLocalPoolDescriptor | undefined;

function checkDescriptor(value: unknown): ThreadLocalPoolDescriptor {
  const d = value as Partial<ThreadLocalPoolDescriptor> | null;
  if (
    d === null || typeof d !== "object" || d.kind !== KIND ||
    !(d.buffer instanceof SharedArrayBuffer) ||
    typeof d.maxThreads !== "number" ||
    d.buffer.byteLength !== familyBytes(d.maxThreads)
  ) {
    throw new PoolConfigurationError(
      `Cannot attach ThreadLocalPool: ${
        quote(value)
      } is not a descriptor from ThreadLocalPool.share()`,
    );
  }
  return d as ThreadLocalPoolDescriptor;
}

/**
 * A pool per thread with statistics totalled over every thread. `capacity`
 * is per thread. Objects stay in the thread that made them: an object posted
 * to another thread arrives as a copy, and releasing that copy there is
 * rejected with `ForeignObjectError`.
 *
 * @typeParam T The pooled object type.
 *
 * @example In the main thread and in a worker
 * ```ts
 * import { ThreadLocalPool } from "@fastalloc/fastalloc";
 *
 * class Scratch { sum = 0; }
 * const pool = new ThreadLocalPool(Scratch, { capacity: 100, enableStatistics: true });
 * pool.use((s) => (s.sum = 1));
 * const descriptor = pool.share(); // worker.postMessage(descriptor)
 *
 * // In a worker: its own pool, the same statistics block.
 * const local = ThreadLocalPool.attach(Scratch, descriptor);
 * local.use((s) => (s.sum = 2));
 * console.log(pool.stats().totalAllocations); // 2
 * ```
 */
export class ThreadLocalPool<T extends object> extends BasePool<T> {
  #rows: Float64Array;
  #header: Int32Array;
  #base: number;
  #threadId: number;
  #descriptor: ThreadLocalPoolDescriptor;
  #counting: boolean;

  /**
   * Makes the first pool of a thread-local family (the calling thread's),
   * whose objects are `new type()` (or `options.factory()`).
   *
   * @param type The class of the pooled objects.
   * @param options Per-thread capacity, `maxThreads` and the common options.
   * @throws {InvalidCapacityError} For a bad `capacity` or `maxThreads`.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(type: PoolType<T>, options: ThreadLocalPoolOptions<T>);
  /**
   * Makes the first pool of a thread-local family from a factory.
   *
   * @param options Per-thread capacity, factory, `maxThreads` and the common options.
   * @throws {InvalidCapacityError} For a bad `capacity` or `maxThreads`.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(options: ThreadLocalPoolOptions<T> & { factory: () => T });
  constructor(
    typeOrOptions: PoolType<T> | ThreadLocalPoolOptions<T>,
    options?: ThreadLocalPoolOptions<T>,
  ) {
    // With a second argument the first is the type, even when it is not a
    // class, so validation names the real mistake.
    const type = typeof typeOrOptions === "function" || options !== undefined
      ? typeOrOptions as PoolType<T>
      : undefined;
    const given = (type === undefined ? typeOrOptions : options) as
      | ThreadLocalPoolOptions<T>
      | undefined;
    const join = joining;
    joining = undefined;
    const settings = validatePoolOptions(
      type,
      given as PoolOptions<T>,
      "ThreadLocalPool",
      OWN_KEYS,
    );
    const descriptor = join ?? createFamily(settings, given?.maxThreads);
    const rows = new Float64Array(
      descriptor.buffer,
      headerBytes(descriptor.maxThreads),
    );
    const header = new Int32Array(
      descriptor.buffer,
      0,
      H_STATES + descriptor.maxThreads,
    );
    const threadId = claimRow(header, descriptor.maxThreads);
    const base = threadId * ROW;
    const counting = settings.statistics.enabled;
    // The row mirrors inUse on every path (the fast one included, one
    // predictable branch); with statistics on, the row is the recorder.
    let retire: () => void = () => {};
    super(settings, undefined, {
      row: rows,
      rowAt: base + IN_USE,
      recorder: counting
        ? new RowRecorder(rows, base, settings.statistics)
        : undefined,
      // Once a closed pool has nothing lent, its row goes back to the family.
      onDrained: () => retire(),
    });
    if (!inspectable) {
      inspectable = hookInspect(
        ThreadLocalPool.prototype,
        (h: ThreadLocalPool<object>) => h.#describe(),
      );
    }
    this.#rows = rows;
    this.#header = header;
    this.#base = base;
    this.#threadId = threadId;
    this.#descriptor = descriptor;
    this.#counting = counting;
    retire = () => this.#retireRow();
    rows[base + CAPACITY] = rows[base + PEAK_CAPACITY] = settings.capacity;
    // Objects made up front were counted by the recorder already.
    Atomics.store(header, H_STATES + threadId, ROW_ATTACHED);
  }

  /**
   * Joins the family of `descriptor` from this thread: a new pool of this
   * thread's own objects (`new type()`), counted in the shared statistics.
   *
   * @typeParam U The pooled object type.
   * @param type The class of the pooled objects.
   * @param descriptor What `share()` returned in another thread.
   * @param options The functions, which cannot be shared (factory, reset, destroy, onLeak).
   * @returns This thread's pool.
   * @throws {PoolConfigurationError} For a bad descriptor, or when every thread row is taken.
   *
   * @example
   * ```ts
   * import { ThreadLocalPool } from "@fastalloc/fastalloc";
   *
   * class Scratch { n = 0; }
   * const main = new ThreadLocalPool(Scratch, { capacity: 4 });
   * const other = ThreadLocalPool.attach(Scratch, main.share());
   * console.log(other.threadId); // 1
   * ```
   */
  static attach<U extends object>(
    type: PoolType<U>,
    descriptor: ThreadLocalPoolDescriptor,
    options?: ThreadLocalAttachOptions<U>,
  ): ThreadLocalPool<U>;
  /**
   * Joins the family of `descriptor` from this thread, making objects with
   * `options.factory`.
   *
   * @typeParam U The pooled object type.
   * @param descriptor What `share()` returned in another thread.
   * @param options This thread's functions, `factory` included.
   * @returns This thread's pool.
   * @throws {PoolConfigurationError} For a bad descriptor, or when every thread row is taken.
   */
  static attach<U extends object>(
    descriptor: ThreadLocalPoolDescriptor,
    options: ThreadLocalAttachOptions<U> & { factory: () => U },
  ): ThreadLocalPool<U>;
  static attach<U extends object>(
    typeOrDescriptor: PoolType<U> | ThreadLocalPoolDescriptor,
    descriptorOrOptions?:
      | ThreadLocalPoolDescriptor
      | ThreadLocalAttachOptions<U>,
    options: ThreadLocalAttachOptions<U> = {},
  ): ThreadLocalPool<U> {
    const type = typeof typeOrDescriptor === "function"
      ? typeOrDescriptor
      : undefined;
    const d = checkDescriptor(
      type === undefined ? typeOrDescriptor : descriptorOrOptions,
    );
    const given = (type === undefined ? descriptorOrOptions : options) ?? {};
    checkOptionKeys(
      given,
      ["factory", "reset", "destroy", "onLeak"],
      "ThreadLocalPool.attach",
    );
    const shared: PoolOptions<U> = {
      capacity: d.capacity,
      allocator: d.allocator,
      preInitialize: d.preInitialize,
      enableStatistics: d.statistics.enabled
        ? { timing: d.statistics.timing, sampleRate: d.statistics.sampleRate }
        : false,
    };
    if (d.resetMethod !== undefined) shared.reset = d.resetMethod;
    const merged = { ...shared, ...given } as PoolOptions<U>;
    joining = d;
    try {
      return type === undefined
        ? new ThreadLocalPool<U>(
          merged as PoolOptions<U> & { factory: () => U },
        )
        : new ThreadLocalPool<U>(type, merged);
    } finally {
      joining = undefined;
    }
  }

  /**
   * A structured-cloneable descriptor of this family, for `postMessage`.
   *
   * @returns The descriptor; pass it to {@linkcode ThreadLocalPool.attach} in a worker.
   *
   * @example
   * ```ts
   * import { ThreadLocalPool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadLocalPool({ capacity: 8, factory: () => ({}) });
   * console.log(pool.share().capacity); // 8
   * ```
   */
  share(): ThreadLocalPoolDescriptor {
    return this.#descriptor;
  }

  /** This thread's row number in the family (0 for the creating thread). */
  get threadId(): number {
    return this.#threadId;
  }

  /**
   * The statistics totalled over every attached thread: counts and current
   * values are sums, peaks are maxima. Other threads' rows are read without
   * a lock, so while they run the total is a moment's approximation; once
   * they are quiet it is exact.
   *
   * @returns A frozen snapshot.
   *
   * @example
   * ```ts
   * import { ThreadLocalPool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadLocalPool({ capacity: 2, factory: () => ({}), enableStatistics: true });
   * pool.acquire();
   * console.log(pool.stats().currentInUse); // 1
   * ```
   */
  override stats(): PoolStats {
    const bases = this.#listedRows();
    // Threads whose pools closed gave their rows back; their counts live on
    // in the detached totals row (never current values: nothing of theirs is lent).
    bases.push(this.#descriptor.maxThreads * ROW);
    return rowStats(this.#rows, { bases, enabled: this.#counting });
  }

  /**
   * One row of statistics per attached thread (threads whose pools closed
   * and gave their rows back are no longer listed; `stats()` still counts them).
   *
   * @returns The rows, by thread id.
   *
   * @example
   * ```ts
   * import { ThreadLocalPool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadLocalPool({ capacity: 2, factory: () => ({}) });
   * console.log(pool.threadStats().map((row) => row.threadId)); // [ 0 ]
   * ```
   */
  threadStats(): ThreadPoolStats[] {
    return this.#listedRows().map((base) =>
      Object.freeze({
        ...rowStats(this.#rows, { bases: [base], enabled: this.#counting }),
        threadId: base / ROW,
        closed: Atomics.load(this.#header, H_STATES + base / ROW) ===
          ROW_CLOSED,
      })
    );
  }

  /** The rows of attached threads (closed ones still lending included). */
  #listedRows(): number[] {
    const bases: number[] = [];
    for (let id = 0; id < this.#descriptor.maxThreads; id++) {
      const state = Atomics.load(this.#header, H_STATES + id);
      if (state === ROW_ATTACHED || state === ROW_CLOSED) bases.push(id * ROW);
    }
    return bases;
  }

  #describe(): string {
    return `ThreadLocalPool { threadId: ${this.#threadId}, capacity: ${this.capacity}, inUse: ${this.inUse}, available: ${this.available}, closed: ${this.closed}, threads: ${this.threadStats().length}, statistics: ${this.#counting} }`;
  }

  /**
   * Closes this thread's pool (the other threads' pools stay open). Once
   * nothing it lent is still out, its row is given back for the next
   * `attach` and its counts move into the family's retired totals, so
   * `stats()` stays exact while workers come and go.
   *
   * @throws {AggregateError} If `destroy` threw for any object.
   */
  override close(): void {
    if (this.closed) return;
    Atomics.store(this.#header, H_STATES + this.#threadId, ROW_CLOSED);
    // The core calls #retireRow once nothing lent is out (at once when
    // nothing is), whichever path the last release takes.
    super.close();
  }

  /** Folds this row's counts into the detached totals and frees the row (once). */
  #retireRow(): void {
    const header = this.#header;
    const state = H_STATES + this.#threadId;
    if (Atomics.load(header, state) !== ROW_CLOSED) return;
    // A few additions, rarely: a spin lock is enough.
    while (Atomics.compareExchange(header, H_LOCK, 0, 1) !== 0) { /* spin */ }
    foldRow(this.#rows, this.#base, this.#descriptor.maxThreads * ROW);
    Atomics.store(header, H_LOCK, 0);
    Atomics.store(header, state, ROW_DETACHED);
  }
}

function createFamily<T>(
  settings: PoolSettings<T>,
  maxThreads: number | undefined,
): ThreadLocalPoolDescriptor {
  const threads = maxThreads === undefined
    ? 64
    : checkCapacity(maxThreads, "maxThreads", "ThreadLocalPool");
  if (threads > MAX_THREADS) {
    throw new InvalidCapacityError(
      `Cannot create ThreadLocalPool: maxThreads ${
        quote(threads)
      } is more than ${quote(MAX_THREADS)}`,
      threads,
    );
  }
  if (typeof SharedArrayBuffer !== "function") {
    throw new PoolConfigurationError(
      "Cannot create ThreadLocalPool: SharedArrayBuffer is not available (browsers need cross-origin isolation)",
    );
  }
  return {
    kind: KIND,
    buffer: new SharedArrayBuffer(familyBytes(threads)),
    capacity: settings.capacity,
    maxThreads: threads,
    allocator: settings.allocator,
    preInitialize: settings.preInitialize,
    statistics: settings.statistics,
    resetMethod: settings.resetMethod,
  };
}

/** Claims a row for this thread: a detached one if any, else the next unused. */
function claimRow(header: Int32Array, maxThreads: number): number {
  const used = Math.min(Atomics.load(header, H_NEXT), maxThreads);
  for (let id = 0; id < used; id++) {
    const state = H_STATES + id;
    if (
      Atomics.compareExchange(header, state, ROW_DETACHED, ROW_ATTACHING) ===
        ROW_DETACHED
    ) {
      return id;
    }
  }
  const id = Atomics.add(header, H_NEXT, 1);
  if (id < maxThreads) {
    Atomics.store(header, H_STATES + id, ROW_ATTACHING);
  } else {
    Atomics.sub(header, H_NEXT, 1);
    throw new PoolConfigurationError(
      `Cannot attach ThreadLocalPool: all ${
        quote(maxThreads)
      } thread rows are taken (raise maxThreads)`,
    );
  }
  return id;
}
