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

import type { LeakInfo, PoolOptions, PoolType } from "../config/options.ts";
import { checkOptionKeys, validatePoolOptions } from "../config/_options.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { IN_USE, ROW, RowRecorder, rowStats } from "../stats/_counter_rows.ts";
import { BasePool } from "./base_pool.ts";
import { hookInspect } from "../_inspect.ts";
import { attachArguments, typeAndOptions } from "./_overloads.ts";
import {
  attachOptions,
  checkDescriptor,
  newDescriptor,
  type ThreadLocalPoolDescriptor,
} from "./_thread_local_descriptor.ts";
import { ThreadRows } from "./_thread_local_rows.ts";

export type { ThreadLocalPoolDescriptor } from "./_thread_local_descriptor.ts";

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
  /**
   * How many threads may be attached at once, the creating one included
   * (default 64, at most 65536). A thread's row comes back once its pool is
   * closed and its last object returned; a worker terminated without
   * `close()` keeps its row (there is no `reclaim` for this pool).
   */
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

const OWN_KEYS = ["maxThreads"];
const ATTACH_KEYS = ["factory", "reset", "destroy", "onLeak"];

/**
 * The options `attach` hands the constructor: a worker's pool options that
 * also carry the family to attach to, in a private field user code cannot
 * forge (and `#descriptor in` reads without running user code).
 */
class AttachingOptions {
  #descriptor: ThreadLocalPoolDescriptor;

  private constructor(descriptor: ThreadLocalPoolDescriptor, options: object) {
    Object.assign(this, options);
    this.#descriptor = descriptor;
  }

  /** `options`, carrying `descriptor`. */
  static make<U>(
    descriptor: ThreadLocalPoolDescriptor,
    options: PoolOptions<U>,
  ): PoolOptions<U> {
    return new AttachingOptions(descriptor, options) as unknown as PoolOptions<
      U
    >;
  }

  /** The family `options` attach to, when `attach` made them. */
  static familyOf(options: unknown): ThreadLocalPoolDescriptor | undefined {
    return typeof options === "object" && options !== null &&
        #descriptor in options
      ? options.#descriptor
      : undefined;
  }
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
  #family: ThreadRows;
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
   * @throws {PoolConfigurationError} For any other bad option, or where
   * `SharedArrayBuffer` is missing (a page that is not cross-origin isolated).
   */
  constructor(type: PoolType<T>, options: ThreadLocalPoolOptions<T>);
  /**
   * Makes the first pool of a thread-local family from a factory.
   *
   * @param options Per-thread capacity, factory, `maxThreads` and the common options.
   * @throws {InvalidCapacityError} For a bad `capacity` or `maxThreads`.
   * @throws {PoolConfigurationError} For any other bad option, or where
   * `SharedArrayBuffer` is missing (a page that is not cross-origin isolated).
   */
  constructor(options: ThreadLocalPoolOptions<T> & { factory: () => T });
  constructor(
    typeOrOptions: PoolType<T> | ThreadLocalPoolOptions<T>,
    options?: ThreadLocalPoolOptions<T>,
  ) {
    const { type, options: given } = typeAndOptions<
      PoolType<T>,
      ThreadLocalPoolOptions<T>
    >(typeOrOptions, options);
    const settings = validatePoolOptions(
      type,
      given as PoolOptions<T>,
      "ThreadLocalPool",
      OWN_KEYS,
    );
    const descriptor = AttachingOptions.familyOf(given) ??
      newDescriptor(settings, given?.maxThreads);
    const family = new ThreadRows(descriptor.buffer, descriptor.maxThreads);
    const threadId = family.attach();
    const base = threadId * ROW;
    const counting = settings.statistics.enabled;
    // The row mirrors inUse on every path (the fast one included, one
    // predictable branch); with statistics on, the row is the recorder.
    super(settings, undefined, {
      row: family.rows,
      rowAt: base + IN_USE,
      recorder: counting
        ? new RowRecorder(family.rows, base, settings.statistics)
        : undefined,
      // Once a closed pool has nothing lent, its row goes back to the family.
      onDrained: () => family.detach(threadId),
    });
    if (!inspectable) {
      inspectable = hookInspect(
        ThreadLocalPool.prototype,
        (h: ThreadLocalPool<object>) => h.#describe(),
      );
    }
    this.#family = family;
    this.#threadId = threadId;
    this.#descriptor = descriptor;
    this.#counting = counting;
    // Objects made up front were counted by the recorder already.
    family.open(threadId, settings.capacity);
  }

  /**
   * Attaches this thread to the family of `descriptor`: a new pool of this
   * thread's own objects (`new type()`), counted in the shared statistics.
   *
   * @typeParam U The pooled object type.
   * @param type The class of the pooled objects.
   * @param descriptor What `share()` returned in another thread.
   * @param options The functions, which cannot be shared (factory, reset, destroy, onLeak).
   * @returns This thread's pool.
   * @throws {PoolConfigurationError} For a bad descriptor, when every thread row is taken,
   * or where `SharedArrayBuffer` is missing.
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
   * Attaches this thread to the family of `descriptor`, making objects
   * with `options.factory`.
   *
   * @typeParam U The pooled object type.
   * @param descriptor What `share()` returned in another thread.
   * @param options This thread's functions, `factory` included.
   * @returns This thread's pool.
   * @throws {PoolConfigurationError} For a bad descriptor, when every thread row is taken,
   * or where `SharedArrayBuffer` is missing.
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
    options?: ThreadLocalAttachOptions<U>,
  ): ThreadLocalPool<U> {
    const split = attachArguments<PoolType<U>, ThreadLocalAttachOptions<U>>(
      typeOrDescriptor,
      descriptorOrOptions,
      options,
    );
    const d = checkDescriptor(split.descriptor);
    const given: ThreadLocalAttachOptions<U> = split.options ?? {};
    checkOptionKeys(given, ATTACH_KEYS, "ThreadLocalPool.attach");
    const merged = AttachingOptions.make(d, attachOptions<U>(d, given));
    return split.type === undefined
      ? new ThreadLocalPool<U>(merged as PoolOptions<U> & { factory: () => U })
      : new ThreadLocalPool<U>(split.type, merged);
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
    const bases = this.#family.listed();
    // Threads whose pools closed gave their rows back; their counts live on
    // in the totals row (never current values: nothing of theirs is lent).
    bases.push(this.#family.totalsBase);
    return rowStats(this.#family.rows, { bases, enabled: this.#counting });
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
    const family = this.#family;
    return family.listed().map((base) =>
      Object.freeze({
        ...rowStats(family.rows, { bases: [base], enabled: this.#counting }),
        threadId: base / ROW,
        closed: family.isClosed(base / ROW),
      })
    );
  }

  #describe(): string {
    return `ThreadLocalPool { threadId: ${this.#threadId}, capacity: ${this.capacity}, inUse: ${this.inUse}, available: ${this.available}, closed: ${this.closed}, threads: ${this.threadStats().length}, statistics: ${this.#counting} }`;
  }

  /**
   * Closes this thread's pool (the other threads' pools stay open). Once
   * nothing it lent is still out, its row is given back for the next
   * `attach` and its counts move into the family's totals of detached
   * threads, so
   * `stats()` stays exact while workers come and go.
   *
   * @throws {AggregateError} If `destroy` threw for any object.
   */
  override close(): void {
    if (this.closed) return;
    this.#family.close(this.#threadId);
    // The core detaches the row once nothing lent is out (at once when
    // nothing is), whichever path the last release takes.
    super.close();
  }
}
