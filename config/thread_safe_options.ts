/**
 * The options of a `ThreadSafePool` and of `ThreadSafePool.attach` (checked
 * in the private `_thread_safe_options.ts`). The pool's shape (capacity, slot size, statistics) is
 * fixed by the thread that creates it; each attaching thread brings only its
 * own callbacks (factory, reset, destroy, onLeak), since functions cannot
 * cross threads.
 *
 * @module
 */

import type { LeakInfo, StatisticsOptions } from "./options.ts";

/**
 * A class whose instances view one slot of a thread-safe pool:
 * `new Type(buffer, byteOffset)`, with `Type.byteLength` bytes of shared
 * state (none when absent). The constructor must only make views of its
 * bytes, never write them: another thread may be using the slot while this
 * thread makes its wrapper.
 *
 * @typeParam T The wrapper type.
 *
 * @example
 * ```ts
 * import type { SlotType } from "@fastalloc/fastalloc/config";
 *
 * class Counter {
 *   static readonly byteLength = 4;
 *   readonly cell: Int32Array;
 *   constructor(buffer: SharedArrayBuffer, byteOffset: number) {
 *     this.cell = new Int32Array(buffer, byteOffset, 1);
 *   }
 * }
 * const type: SlotType<Counter> = Counter;
 * console.log(type.byteLength); // 4
 * ```
 */
export interface SlotType<T> {
  /** Makes the wrapper of the slot at `byteOffset` of `buffer`. */
  new (buffer: SharedArrayBuffer, byteOffset: number): T;
  /** Bytes of shared state per slot; absent or 0 for none. */
  readonly byteLength?: number;
  /** The class name, for messages. */
  readonly name: string;
}

/**
 * Makes this thread's wrapper of the slot at `byteOffset` of `buffer`
 * (`slotBytes` long). Like a {@linkcode SlotType} constructor, it must not
 * write the slot's bytes.
 *
 * @typeParam T The wrapper type.
 *
 * @example Two int32 cells per slot
 * ```ts
 * import { type SlotFactory, ThreadSafePool } from "@fastalloc/fastalloc";
 *
 * const pair: SlotFactory<Int32Array> = (buffer, byteOffset) => new Int32Array(buffer, byteOffset, 2);
 * const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8, factory: pair });
 * const cells = pool.acquire();
 * console.log(cells.length); // 2
 * pool.release(cells);
 * ```
 */
export type SlotFactory<T> = (
  buffer: SharedArrayBuffer,
  byteOffset: number,
) => T;

/**
 * The callbacks each thread gives for its own wrappers of a thread-safe pool's slots.
 *
 * @example
 * ```ts
 * import { type ThreadSafeAttachOptions, ThreadSafePool } from "@fastalloc/fastalloc";
 *
 * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
 * // In a worker, with the descriptor from postMessage: functions cannot be posted.
 * const options: ThreadSafeAttachOptions<Uint8Array> = { reset: (bytes) => bytes.fill(0) };
 * const view = ThreadSafePool.attach(pool.share(), options);
 * const bytes = view.acquire();
 * bytes[0] = 9;
 * view.release(bytes);
 * console.log(bytes[0]); // 0: reset in the releasing thread
 * ```
 */
export interface ThreadSafeAttachOptions<T> {
  /**
   * Makes this thread's wrapper of a slot; overrides `new Type(buffer,
   * byteOffset)` (and the default `Uint8Array` view of a byte pool).
   *
   * State first, then the callback: the slot is taken before the factory
   * runs, so a re-entrant acquire sees it taken (`PoolEmptyError` on a full
   * pool); if the factory throws, the slot is given back; if it closes the
   * pool, the acquire fails with `PoolClosedError` and the new wrapper is
   * destroyed. Any other call behaves as it would from outside.
   */
  factory?: SlotFactory<T>;
  /**
   * Cleans a slot on release, in the releasing thread: a function, or the
   * name of a method of the wrapper. If it throws, the slot's bytes are
   * zeroed, this thread's wrapper is destroyed (a new one is made when the
   * slot is next lent here), the slot is freed, the error is rethrown from
   * `release` and counted in `stats().resetFailures`.
   *
   * State first, then the callback: in this thread the borrow has ended
   * before reset runs, so releasing, discarding or keying the same wrapper
   * again from inside it is a double release (`AlreadyReleasedError`),
   * which, thrown out of reset, counts as a failed reset. Any other call
   * behaves as it would from outside.
   */
  reset?: ((obj: T) => void) | string;
  /**
   * Called for every wrapper this thread drops (close, detach, discard,
   * failed reset). State first, then the callback: the wrapper is no longer
   * this pool's when destroy runs (releasing it again is a double release),
   * and `close()` from inside destroy does nothing more.
   */
  destroy?: (obj: T) => void;
  /** Make this thread's wrapper of every slot at once (default `false`: on first lend). */
  preInitialize?: boolean;
  /**
   * Called when an `OwnedHandle` of this thread is garbage-collected
   * unreleased, before the pool takes the slot back; it may call any method
   * of the pool, which behaves as it would from outside.
   */
  onLeak?: (info: LeakInfo<T>) => void;
}

/**
 * Options of a new `ThreadSafePool`: its shape, plus this thread's callbacks.
 *
 * @example A byte pool with statistics
 * ```ts
 * import { ThreadSafePool, type ThreadSafePoolOptions } from "@fastalloc/fastalloc";
 *
 * const options = { capacity: 8, slotBytes: 32, enableStatistics: true, maxThreads: 4 };
 * const pool = new ThreadSafePool(options satisfies ThreadSafePoolOptions<Uint8Array>);
 * pool.release(pool.acquire());
 * console.log(pool.stats().totalAllocations); // 1
 * ```
 */
export interface ThreadSafePoolOptions<T> extends ThreadSafeAttachOptions<T> {
  /** The number of slots: a positive safe integer. */
  capacity: number;
  /**
   * Bytes of shared memory per slot. Required (positive) for a pool of
   * `Uint8Array` views; taken from `Type.byteLength` for a type (if given, it
   * must be equal); default 0 with a factory.
   */
  slotBytes?: number;
  /**
   * Collect statistics, totalled over every thread (default `false`). On a
   * thread-safe pool they cost one more shared atomic operation per acquire
   * and per release (the in-use count behind `peakInUse`).
   */
  enableStatistics?: boolean | StatisticsOptions;
  /**
   * The most threads attached to the pool at once, this one included
   * (default 64): each has an entry in shared memory (and, with statistics,
   * a row of counters). An entry is given back when its thread calls
   * `close()` or `detach()`, or when another thread calls `reclaim` for it,
   * so workers may come and go without limit.
   */
  maxThreads?: number;
}

/**
 * What `ThreadSafePool.share` returns: a structured-cloneable description
 * of a pool (its buffer and shape) to `postMessage` to a worker, which opens
 * it with `ThreadSafePool.attach`.
 *
 * @example
 * ```ts
 * import { ThreadSafePool, type ThreadSafePoolDescriptor } from "@fastalloc/fastalloc";
 *
 * const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8 });
 * const descriptor: ThreadSafePoolDescriptor = structuredClone(pool.share()); // as postMessage delivers it
 * console.log(descriptor.kind, descriptor.capacity, descriptor.slotBytes); // fastalloc.ThreadSafePool 4 8
 * const view = ThreadSafePool.attach(descriptor); // in the worker: the same slots
 * console.log(view.available); // 4
 * ```
 */
export interface ThreadSafePoolDescriptor {
  /** Always `"fastalloc.ThreadSafePool"`. */
  readonly kind: "fastalloc.ThreadSafePool";
  /** The layout version. */
  readonly version: number;
  /** The pool's shared memory. */
  readonly buffer: SharedArrayBuffer;
  /** The number of slots. */
  readonly capacity: number;
  /** Bytes of shared state per slot. */
  readonly slotBytes: number;
}
