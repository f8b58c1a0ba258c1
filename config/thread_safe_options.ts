/**
 * The options of a `ThreadSafePool` and of `ThreadSafePool.attach`, and
 * their validation. The pool's shape (capacity, slot size, statistics) is
 * fixed by the thread that creates it; each attaching thread brings only its
 * own callbacks (factory, reset, destroy, onLeak), since functions cannot
 * cross threads.
 *
 * ```ts
 * import { validateThreadSafePoolOptions } from "./thread_safe_options.ts";
 *
 * const settings = validateThreadSafePoolOptions(undefined, { capacity: 8, slotBytes: 16 }, "ThreadSafePool");
 * console.log(settings.capacity, settings.slotBytes); // 8 16
 * ```
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import {
  checkCapacity,
  checkFunction,
  checkNumber,
  checkOptionKeys,
  checkType,
  type LeakInfo,
  type PoolOptions,
  type PoolType,
  type StatisticsOptions,
  type StatisticsSettings,
  validatePoolOptions,
  validateStatistics,
} from "./options.ts";

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
 * Validated callbacks of one thread.
 *
 * @example A byte pool's default wrapper
 * ```ts
 * import { type ThreadSafeAttachSettings, validateThreadSafeAttachOptions } from "./thread_safe_options.ts";
 *
 * const settings: ThreadSafeAttachSettings<Uint8Array> =
 *   validateThreadSafeAttachOptions(undefined, { preInitialize: true }, 16, "ThreadSafePool.attach");
 * const view = settings.create(new SharedArrayBuffer(64), 16);
 * console.log(settings.preInitialize, view.byteOffset, view.length); // true 16 16
 * ```
 */
export interface ThreadSafeAttachSettings<T> {
  /** Makes this thread's wrapper of a slot. */
  readonly create: SlotFactory<T>;
  /** The type wrappers must be instances of (none for a factory pool). */
  readonly type: PoolType<T> | undefined;
  /** The reset function (a method name already turned into a call), if any. */
  readonly reset: ((obj: T) => void) | undefined;
  /** The reset option when it names a method (checked on each new wrapper). */
  readonly resetMethod: string | undefined;
  /** The destroy callback, if any. */
  readonly destroy: ((obj: T) => void) | undefined;
  /** Whether to make every wrapper up front. */
  readonly preInitialize: boolean;
  /** The leak callback, if any. */
  readonly onLeak: ((info: LeakInfo<unknown>) => void) | undefined;
}

/**
 * Validated options of a new thread-safe pool.
 *
 * @example
 * ```ts
 * import { type ThreadSafePoolSettings, validateThreadSafePoolOptions } from "./thread_safe_options.ts";
 *
 * const options = { capacity: 8, slotBytes: 16, enableStatistics: true };
 * const settings: ThreadSafePoolSettings<Uint8Array> = validateThreadSafePoolOptions(undefined, options, "ThreadSafePool");
 * console.log(settings.capacity, settings.slotBytes, settings.maxThreads); // 8 16 64
 * ```
 */
export interface ThreadSafePoolSettings<T> extends ThreadSafeAttachSettings<T> {
  /** The number of slots. */
  readonly capacity: number;
  /** Bytes of shared memory per slot. */
  readonly slotBytes: number;
  /** The statistics settings. */
  readonly statistics: StatisticsSettings;
  /** The most threads attached at once (entries in shared memory). */
  readonly maxThreads: number;
}

/** The most shared memory one pool may take. */
const MAX_SHARED_BYTES = 2147483648; // 2 ** 31, a literal: no top-level arithmetic

const ATTACH_KEYS = [
  "factory",
  "reset",
  "destroy",
  "preInitialize",
  "onLeak",
] as const;

/**
 * Returns `Type.byteLength` as a validated slot size (0 when absent).
 *
 * @param type The slot class.
 * @param where The name of what is being created, for messages.
 * @returns The byte length.
 * @throws {PoolConfigurationError} If `type` is not a class or its
 * `byteLength` is not a non-negative safe integer.
 *
 * @example
 * ```ts
 * import { slotByteLength } from "./thread_safe_options.ts";
 *
 * class Vec { static byteLength = 12; }
 * console.log(slotByteLength(Vec, "ThreadSafePool")); // 12
 * ```
 */
export function slotByteLength(type: unknown, where: string): number {
  checkType(type, where);
  const length = (type as { byteLength?: unknown }).byteLength;
  if (length === undefined) return 0;
  if (
    typeof length !== "number" || !Number.isSafeInteger(length) || length < 0
  ) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: ${(type as { name: string }).name}.byteLength ${
        quote(length)
      } is not a non-negative integer`,
    );
  }
  return length;
}

/**
 * Validates the callbacks a thread attaches with.
 *
 * @typeParam T The wrapper type.
 * @param type The slot class, or `undefined` for a factory or byte pool.
 * @param options The callbacks as given.
 * @param slotBytes The pool's bytes per slot (byte pools make `Uint8Array`s of it).
 * @param where The name of what is being created, for messages.
 * @returns The settings.
 * @throws {PoolConfigurationError} For an unknown option or a bad callback.
 *
 * @example
 * ```ts
 * import { validateThreadSafeAttachOptions } from "./thread_safe_options.ts";
 *
 * const settings = validateThreadSafeAttachOptions(undefined, {}, 8, "ThreadSafePool.attach");
 * console.log(settings.type === Uint8Array); // true
 * ```
 */
export function validateThreadSafeAttachOptions<T>(
  type: SlotType<T> | undefined,
  options: ThreadSafeAttachOptions<T>,
  slotBytes: number,
  where: string,
): ThreadSafeAttachSettings<T> {
  checkOptionKeys(options, ATTACH_KEYS, where);
  return attachSettings(type, options, slotBytes, where);
}

function attachSettings<T>(
  type: SlotType<T> | undefined,
  options: ThreadSafeAttachOptions<T>,
  slotBytes: number,
  where: string,
): ThreadSafeAttachSettings<T> {
  if (type !== undefined) slotByteLength(type, where);
  const factory = checkFunction<SlotFactory<T>>(
    options.factory,
    "factory",
    where,
  );
  if (type === undefined && factory === undefined && slotBytes === 0) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: it needs a type, a factory or a positive slotBytes`,
    );
  }
  // A byte pool lends Uint8Array views; release checks for that type.
  const checked = (type ?? (factory === undefined ? Uint8Array : undefined)) as
    | PoolType<T>
    | undefined;
  const base = validatePoolOptions<T>(
    checked,
    {
      capacity: 1,
      reset: options.reset,
      destroy: options.destroy,
      preInitialize: options.preInitialize,
      onLeak: options.onLeak,
      factory: factory as unknown as () => T,
    } as PoolOptions<T>,
    where,
  );
  const create: SlotFactory<T> = factory ??
    (type !== undefined
      ? (buffer, byteOffset) => new type(buffer, byteOffset)
      : ((buffer, byteOffset) =>
        new Uint8Array(buffer, byteOffset, slotBytes) as T));
  return {
    create,
    type: checked,
    reset: base.reset,
    resetMethod: base.resetMethod,
    destroy: base.destroy,
    preInitialize: base.preInitialize,
    onLeak: base.onLeak,
  };
}

/**
 * Validates the options of a new thread-safe pool.
 *
 * @typeParam T The wrapper type.
 * @param type The slot class, or `undefined` for a factory or byte pool.
 * @param options The options as given.
 * @param where The pool's class name, for messages.
 * @returns The settings, defaults filled in.
 * @throws {InvalidCapacityError} For a bad `capacity`.
 * @throws {PoolConfigurationError} For any other bad or unknown option
 * (`allocator` included: the shared free list is the only one), or a pool
 * that would need more than 2 GiB of shared memory.
 *
 * @example
 * ```ts
 * import { validateThreadSafePoolOptions } from "./thread_safe_options.ts";
 *
 * class Vec {
 *   static byteLength = 8;
 *   constructor(_buffer: SharedArrayBuffer, _byteOffset: number) {}
 * }
 * console.log(validateThreadSafePoolOptions(Vec, { capacity: 4 }, "ThreadSafePool").slotBytes); // 8
 * ```
 */
export function validateThreadSafePoolOptions<T>(
  type: SlotType<T> | undefined,
  options: ThreadSafePoolOptions<T>,
  where: string,
): ThreadSafePoolSettings<T> {
  if (
    options !== null && typeof options === "object" && "allocator" in options
  ) {
    // DESIGN lists allocator among the common options, but free slots live
    // in one shared bitmap here: say so rather than "unknown option".
    throw new PoolConfigurationError(
      `Cannot create ${where}: option ${
        quote("allocator")
      } does not apply (free slots are kept in a shared lock-free bitmap)`,
    );
  }
  checkOptionKeys(options, [
    ...ATTACH_KEYS,
    "capacity",
    "slotBytes",
    "enableStatistics",
    "maxThreads",
  ], where);
  const capacity = checkCapacity(options.capacity, "capacity", where);
  let slotBytes = checkNumber(options.slotBytes, "slotBytes", where, {
    integer: true,
  });
  if (type !== undefined) {
    const length = slotByteLength(type, where);
    if (slotBytes !== undefined && slotBytes !== length) {
      throw new PoolConfigurationError(
        `Cannot create ${where}: slotBytes ${
          quote(slotBytes)
        } differs from ${type.name}.byteLength ${quote(length)}`,
      );
    }
    slotBytes = length;
  }
  slotBytes ??= 0;
  const maxThreads = checkNumber(options.maxThreads, "maxThreads", where, {
    integer: true,
    positive: true,
  }) ?? 64;
  const statistics = validateStatistics(options.enableStatistics, where);
  // Checked before anything is allocated: per slot its data (rounded up to
  // 8 bytes), its record (8) and its share of the free list (2); per thread
  // an entry (64) and with statistics a row of counters (128), plus 64
  // bytes of late counters.
  const rows = statistics.enabled ? maxThreads : 0;
  const bytes = capacity * (Math.ceil(slotBytes / 8) * 8 + 10) +
    maxThreads * 64 + rows * 128 + 64;
  if (bytes > MAX_SHARED_BYTES) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: ${quote(capacity)} slots of ${
        quote(slotBytes)
      } bytes${
        rows === 0
          ? ` and ${quote(maxThreads)} thread entries (maxThreads)`
          : ` and ${
            quote(rows)
          } thread entries with statistics rows (maxThreads)`
      } need more than 2 GiB of shared memory`,
    );
  }
  return {
    ...attachSettings(type, options, slotBytes, where),
    capacity,
    slotBytes,
    statistics,
    maxThreads,
  };
}
