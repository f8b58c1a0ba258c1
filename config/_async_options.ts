/**
 * Validation of the options of {@linkcode AsyncPool}, private to the library
 * (the options of its `acquire`, `drain` and `close` are checked by
 * `_wait_options.ts`). The pool checks its options once, in its
 * constructor, so a bad value fails early with a message that names the
 * option and quotes the value.
 *
 * ```ts
 * import { validateAsyncPoolOptions } from "./_async_options.ts";
 *
 * const settings = validateAsyncPoolOptions(undefined, {
 *   capacity: 4,
 *   min: 1,
 *   factory: async () => ({ open: true }),
 * }, "AsyncPool");
 * console.log(settings.capacity, settings.min, settings.maxWaiters); // 4 1 Infinity
 * ```
 *
 * @module
 */

import { InvalidCapacityError, PoolConfigurationError } from "../errors.ts";
import { className, quote } from "../quote.ts";
import type {
  AllocatorKind,
  LeakInfo,
  PoolType,
  StatisticsSettings,
} from "./options.ts";
import {
  checkAllocator,
  checkBoolean,
  checkCapacity,
  checkFunction,
  checkNumber,
  checkOptionKeys,
  checkType,
  validateStatistics,
} from "./_options.ts";
import type { AsyncPoolOptions } from "./async_options.ts";
// setTimeout fires at once for a delay above MAX_TIMER_MS, so a longer
// option is rejected, not shortened.
import { MAX_TIMER_MS } from "./_wait_options.ts";

/**
 * {@linkcode AsyncPoolOptions} after validation: every default filled in.
 *
 * @example
 * ```ts
 * import { type AsyncPoolSettings, validateAsyncPoolOptions } from "./_async_options.ts";
 *
 * const options = { capacity: 4, factory: () => ({ id: 1 }), acquireTimeout: 500 };
 * const settings: AsyncPoolSettings<{ id: number }> = validateAsyncPoolOptions(undefined, options);
 * console.log(settings.min, settings.acquireTimeout, settings.maxWaiters); // 0 500 Infinity
 * ```
 */
export interface AsyncPoolSettings<T> {
  /** The validated capacity. */
  readonly capacity: number;
  /** The validated minimum. */
  readonly min: number;
  /** Makes one object: the factory, else `new Type()`. */
  readonly create: (signal: AbortSignal) => T | Promise<T>;
  /** The type objects must be instances of, when the pool was built from one. */
  readonly type: PoolType<T> | undefined;
  /** The reset function (a method name already turned into a call), if any. */
  readonly reset: ((obj: T) => void | Promise<void>) | undefined;
  /** The destroy callback, if any. */
  readonly destroy: ((obj: T) => void | Promise<void>) | undefined;
  /** The validate callback, if any. */
  readonly validate: ((obj: T) => boolean | Promise<boolean>) | undefined;
  /** The statistics settings. */
  readonly statistics: StatisticsSettings;
  /** The leak callback, if any. */
  readonly onLeak: ((info: LeakInfo<unknown>) => void) | undefined;
  /** The default acquire time limit in ms; `undefined` for none. */
  readonly acquireTimeout: number | undefined;
  /** The most waiting acquires (`Infinity` for no limit). */
  readonly maxWaiters: number;
  /** The idle time limit in ms; `undefined` for none. */
  readonly idleTimeout: number | undefined;
  /** The most borrows per object; `undefined` for no limit. */
  readonly maxUses: number | undefined;
  /** The longest an object lives in ms; `undefined` for no limit. */
  readonly maxLifetime: number | undefined;
  /** How long a creation may take in ms; `undefined` for no limit. */
  readonly createTimeout: number | undefined;
  /** How often idle objects are validated in ms; `undefined` for never. */
  readonly healthCheckInterval: number | undefined;
  /** How long a borrow may be held before it is reported overdue, in ms; `undefined` for never. */
  readonly leakTimeout: number | undefined;
  /** Whether every object is created at construction. */
  readonly preInitialize: boolean;
  /** Which idle object is lent next: LIFO (`"stack"`, `"freelist"`) or FIFO (`"deque"`). */
  readonly allocator: AllocatorKind;
}

const ASYNC_KEYS: readonly string[] = [
  "capacity",
  "preInitialize",
  "allocator",
  "factory",
  "reset",
  "destroy",
  "enableStatistics",
  "onLeak",
  "min",
  "validate",
  "acquireTimeout",
  "maxWaiters",
  "idleTimeout",
  "maxUses",
  "maxLifetime",
  "createTimeout",
  "healthCheckInterval",
  "leakTimeout",
];

/**
 * Returns a timer delay in milliseconds: `undefined` when absent or
 * `Infinity`, else a positive number no longer than a timer can wait.
 */
function checkDelay(
  value: unknown,
  name: string,
  where: string,
): number | undefined {
  const ms = checkNumber(value, name, where, {
    positive: true,
    allowInfinity: true,
  });
  if (ms === undefined || ms === Infinity) return undefined;
  if (ms > MAX_TIMER_MS) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: ${name} ${quote(ms)} is longer than ${
        quote(MAX_TIMER_MS)
      } ms, the longest a timer can wait`,
    );
  }
  return ms;
}

/**
 * Validates an {@linkcode AsyncPoolOptions} and the type.
 *
 * @typeParam T The pooled object type.
 * @param type The class objects are made from, if the pool was given one.
 * @param options The options as given.
 * @param where The pool's class name, for messages (default `"AsyncPool"`).
 * @returns The settings with defaults filled in.
 * @throws {InvalidCapacityError} For a bad `capacity` or `min`, or `min > capacity`.
 * @throws {PoolConfigurationError} For any other bad option, an unknown
 * option, neither a type nor a factory, or `healthCheckInterval` without
 * `validate`.
 *
 * @example
 * ```ts
 * import { validateAsyncPoolOptions } from "./_async_options.ts";
 *
 * try {
 *   validateAsyncPoolOptions(undefined, { capacity: 2, factory: () => ({}), idleTimout: 5 } as never);
 * } catch (error) {
 *   console.log((error as Error).message); // Cannot create AsyncPool: option "idleTimout" is unknown
 * }
 * ```
 */
export function validateAsyncPoolOptions<T>(
  type: PoolType<T> | undefined,
  options: AsyncPoolOptions<T>,
  where: string = "AsyncPool",
): AsyncPoolSettings<T> {
  checkOptionKeys(options, ASYNC_KEYS, where);
  if (type !== undefined) checkType(type, where);
  const capacity = checkCapacity(options.capacity, "capacity", where);
  const min = options.min === undefined ? 0 : options.min;
  if (typeof min !== "number" || !Number.isSafeInteger(min) || min < 0) {
    throw new InvalidCapacityError(
      `Cannot create ${where}: min ${
        quote(min)
      } is not a non-negative safe integer`,
      min,
    );
  }
  if (min > capacity) {
    throw new InvalidCapacityError(
      `Cannot create ${where}: min ${quote(min)} is more than capacity ${
        quote(capacity)
      }`,
      min,
    );
  }
  const factory = checkFunction<(signal: AbortSignal) => T | Promise<T>>(
    options.factory,
    "factory",
    where,
  );
  if (factory === undefined && type === undefined) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: it needs a type or a factory`,
    );
  }
  const create = factory ?? ((): T => new (type as PoolType<T>)());
  const validate = checkFunction<(obj: T) => boolean | Promise<boolean>>(
    options.validate,
    "validate",
    where,
  );
  const healthCheckInterval = checkDelay(
    options.healthCheckInterval,
    "healthCheckInterval",
    where,
  );
  if (healthCheckInterval !== undefined && validate === undefined) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: healthCheckInterval needs a validate function`,
    );
  }
  const maxWaiters = checkNumber(options.maxWaiters, "maxWaiters", where, {
    integer: true,
    allowInfinity: true,
  }) ?? Infinity;
  const maxUses = checkNumber(options.maxUses, "maxUses", where, {
    integer: true,
    positive: true,
    allowInfinity: true,
  });
  const maxLifetime = checkNumber(options.maxLifetime, "maxLifetime", where, {
    positive: true,
    allowInfinity: true,
  });
  return {
    capacity,
    min,
    create,
    type,
    reset: checkReset(type, factory, options.reset, where),
    destroy: checkFunction<(obj: T) => void | Promise<void>>(
      options.destroy,
      "destroy",
      where,
    ),
    validate,
    statistics: validateStatistics(options.enableStatistics, where),
    onLeak: checkFunction<(info: LeakInfo<unknown>) => void>(
      options.onLeak,
      "onLeak",
      where,
    ),
    acquireTimeout: checkDelay(options.acquireTimeout, "acquireTimeout", where),
    maxWaiters,
    idleTimeout: checkDelay(options.idleTimeout, "idleTimeout", where),
    createTimeout: checkDelay(options.createTimeout, "createTimeout", where),
    healthCheckInterval,
    leakTimeout: checkDelay(options.leakTimeout, "leakTimeout", where),
    maxUses: maxUses === Infinity ? undefined : maxUses,
    preInitialize: checkBoolean(
      options.preInitialize,
      "preInitialize",
      where,
      false,
    ),
    allocator: checkAllocator(options.allocator, where),
    maxLifetime: maxLifetime === Infinity ? undefined : maxLifetime,
  };
}

/** Turns `reset` into a function; a method name becomes a call that keeps its promise. */
function checkReset<T>(
  type: PoolType<T> | undefined,
  factory: unknown,
  reset: unknown,
  where: string,
): ((obj: T) => void | Promise<void>) | undefined {
  if (typeof reset !== "string") {
    return checkFunction<(obj: T) => void | Promise<void>>(
      reset,
      "reset",
      where,
    );
  }
  if (
    type !== undefined && factory === undefined &&
    typeof type.prototype?.[reset] !== "function"
  ) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: reset method ${
        quote(reset)
      } is not a method of ${quote(className(type))}`,
    );
  }
  return (obj: T): void | Promise<void> => {
    const fn = (obj as Record<string, unknown>)[reset];
    if (typeof fn !== "function") {
      throw new PoolConfigurationError(
        `Cannot reset object: ${quote(reset)} is not a method of it`,
      );
    }
    return fn.call(obj) as void | Promise<void>;
  };
}
