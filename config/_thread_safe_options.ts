/**
 * Validation of the options of a `ThreadSafePool` and of
 * `ThreadSafePool.attach`, private to the library.
 *
 * ```ts
 * import { validateThreadSafePoolOptions } from "./_thread_safe_options.ts";
 *
 * const settings = validateThreadSafePoolOptions(undefined, { capacity: 8, slotBytes: 16 }, "ThreadSafePool");
 * console.log(settings.capacity, settings.slotBytes); // 8 16
 * ```
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { className, quote } from "../quote.ts";
import { isOptions } from "./_option_keys.ts";
import type {
  LeakInfo,
  PoolOptions,
  PoolType,
  StatisticsSettings,
} from "./options.ts";
import {
  checkCapacity,
  checkFunction,
  checkNumber,
  checkOptionKeys,
  checkType,
  validatePoolOptions,
  validateStatistics,
} from "./_options.ts";
import type {
  SlotFactory,
  SlotType,
  ThreadSafeAttachOptions,
  ThreadSafePoolOptions,
} from "./thread_safe_options.ts";

/**
 * Validated callbacks of one thread.
 *
 * @example A byte pool's default wrapper
 * ```ts
 * import { type ThreadSafeAttachSettings, validateThreadSafeAttachOptions } from "./_thread_safe_options.ts";
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
 * import { type ThreadSafePoolSettings, validateThreadSafePoolOptions } from "./_thread_safe_options.ts";
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
 * import { slotByteLength } from "./_thread_safe_options.ts";
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
 * import { validateThreadSafeAttachOptions } from "./_thread_safe_options.ts";
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
 * import { validateThreadSafePoolOptions } from "./_thread_safe_options.ts";
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
  if (isOptions(options) && "allocator" in options) {
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
        `Cannot create ${where}: slotBytes ${quote(slotBytes)} differs from ${
          className(type)
        }.byteLength ${quote(length)}`,
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
