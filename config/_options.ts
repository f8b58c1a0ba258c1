/**
 * Validation of the options every pool takes, private to the library. Each
 * pool checks its options once, in its constructor, through the functions
 * here, so a bad value fails early with a message that names the option and
 * quotes the value.
 *
 * ```ts
 * import { validatePoolOptions } from "./_options.ts";
 *
 * const settings = validatePoolOptions(undefined, { capacity: 8, factory: () => ({ x: 0 }) }, "FixedPool");
 * console.log(settings.capacity, settings.allocator); // 8 stack
 * ```
 *
 * @module
 */

import { InvalidCapacityError, PoolConfigurationError } from "../errors.ts";
import { className, quote } from "../quote.ts";
import { checkOptionKeys, isOptions } from "./_option_keys.ts";
import { type GrowthConfig, linearGrowth } from "./growth.ts";
import { validateGrowth } from "./_growth.ts";
import type {
  AllocatorKind,
  GrowingPoolOptions,
  LeakInfo,
  PoolOptions,
  PoolType,
  StatisticsSettings,
} from "./options.ts";

/**
 * Pool options after validation: every default filled in.
 *
 * @example
 * ```ts
 * import { type PoolSettings, validatePoolOptions } from "./_options.ts";
 *
 * class Vec { x = 0; }
 * const settings: PoolSettings<Vec> = validatePoolOptions(Vec, { capacity: 16 }, "FixedPool");
 * console.log(settings.allocator, settings.create() instanceof Vec); // stack true
 * ```
 */
export interface PoolSettings<T> {
  /** The validated capacity. */
  readonly capacity: number;
  /** Makes one object: the factory, else `new Type()`. */
  readonly create: () => T;
  /** The type objects must be instances of, when the pool was built from one. */
  readonly type: PoolType<T> | undefined;
  /** The reset function (a method name already turned into a call), if any. */
  readonly reset: ((obj: T) => void) | undefined;
  /** The reset method name, when `reset` was given as one. */
  readonly resetMethod: string | undefined;
  /** The destroy callback, if any. */
  readonly destroy: ((obj: T) => void) | undefined;
  /** Whether to create every object up front. */
  readonly preInitialize: boolean;
  /** The idle-object structure. */
  readonly allocator: AllocatorKind;
  /** The statistics settings. */
  readonly statistics: StatisticsSettings;
  /** The leak callback, if any. */
  readonly onLeak: ((info: LeakInfo<unknown>) => void) | undefined;
}

/**
 * Growing-pool options after validation.
 *
 * @example
 * ```ts
 * import { type GrowingPoolSettings, validateGrowingPoolOptions } from "./_options.ts";
 *
 * const options = { capacity: 4, maxCapacity: 10, factory: () => ({}) };
 * const settings: GrowingPoolSettings<object> = validateGrowingPoolOptions(undefined, options, "GrowingPool");
 * console.log(settings.maxCapacity, settings.growth.nextCapacity(4)); // 10 6
 * ```
 */
export interface GrowingPoolSettings<T> extends PoolSettings<T> {
  /** The effective maximum capacity. */
  readonly maxCapacity: number;
  /** The growth strategy, default filled in. */
  readonly growth: GrowthConfig;
}

const COMMON_KEYS = [
  "capacity",
  "factory",
  "reset",
  "destroy",
  "preInitialize",
  "allocator",
  "enableStatistics",
  "onLeak",
] as const;

const ALLOCATORS: readonly string[] = ["stack", "freelist", "deque"];

// The one check of an options object's keys lives in its own module because
// growth.ts (which this module imports) uses it too; re-exported for the
// validators that import it from here.
export { checkOptionKeys } from "./_option_keys.ts";

/**
 * Returns the allocator kind `value` names, `"stack"` when absent.
 *
 * @param value The candidate.
 * @param where The name of what is being created.
 * @returns The kind.
 * @throws {PoolConfigurationError} For anything but `"stack"`, `"freelist"` or `"deque"`.
 *
 * @example
 * ```ts
 * import { checkAllocator } from "./_options.ts";
 *
 * console.log(checkAllocator(undefined, "FixedPool")); // stack
 * ```
 */
export function checkAllocator(value: unknown, where: string): AllocatorKind {
  if (value === undefined) return "stack";
  if (typeof value !== "string" || !ALLOCATORS.includes(value)) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: allocator ${
        quote(value)
      } is not one of "stack", "freelist", "deque"`,
    );
  }
  return value as AllocatorKind;
}

/**
 * Throws unless `type` is a class (or another function `new` can call): an
 * arrow function or a method would fail only at the first acquire.
 *
 * @param type The candidate type.
 * @param where The name of what is being created.
 * @throws {PoolConfigurationError} If `type` cannot be constructed.
 *
 * @example
 * ```ts
 * import { checkType } from "./_options.ts";
 *
 * class Vec { x = 0; }
 * checkType(Vec, "FixedPool"); // fine
 * ```
 */
export function checkType(type: unknown, where: string): void {
  if (
    typeof type !== "function" ||
    typeof (type as { prototype?: unknown }).prototype !== "object"
  ) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: type ${quote(type)} is not a class`,
    );
  }
}

/**
 * Returns `value` if it is a positive safe integer.
 *
 * @param value The candidate capacity.
 * @param name The option's name, for the message.
 * @param where The name of what is being created.
 * @returns The value as a number.
 * @throws {InvalidCapacityError} Otherwise.
 *
 * @example
 * ```ts
 * import { checkCapacity } from "./_options.ts";
 *
 * console.log(checkCapacity(10, "capacity", "FixedPool")); // 10
 * ```
 */
export function checkCapacity(
  value: unknown,
  name: string,
  where: string,
): number {
  if (
    typeof value !== "number" || !Number.isSafeInteger(value) || value < 1
  ) {
    throw new InvalidCapacityError(
      `Cannot create ${where}: ${name} ${
        quote(value)
      } is not a positive safe integer`,
      value,
    );
  }
  return value;
}

/**
 * Returns `value`, or `fallback` when it is `undefined`, if it is a function.
 *
 * @typeParam F The function type.
 * @param value The candidate.
 * @param name The option's name, for the message.
 * @param where The name of what is being created.
 * @returns The function, or undefined when absent.
 * @throws {PoolConfigurationError} If present and not a function.
 *
 * @example
 * ```ts
 * import { checkFunction } from "./_options.ts";
 *
 * console.log(checkFunction(undefined, "destroy", "FixedPool")); // undefined
 * ```
 */
export function checkFunction<F extends (...args: never[]) => unknown>(
  value: unknown,
  name: string,
  where: string,
): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") {
    throw new PoolConfigurationError(
      `Cannot create ${where}: ${name} ${quote(value)} is not a function`,
    );
  }
  return value as F;
}

/**
 * Returns `value` as a boolean, `fallback` when it is `undefined`.
 *
 * @param value The candidate.
 * @param name The option's name.
 * @param where The name of what is being created.
 * @param fallback The default.
 * @returns The boolean.
 * @throws {PoolConfigurationError} If present and not a boolean.
 *
 * @example
 * ```ts
 * import { checkBoolean } from "./_options.ts";
 *
 * console.log(checkBoolean(undefined, "preInitialize", "FixedPool", false)); // false
 * ```
 */
export function checkBoolean(
  value: unknown,
  name: string,
  where: string,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new PoolConfigurationError(
      `Cannot create ${where}: ${name} ${quote(value)} is not a boolean`,
    );
  }
  return value;
}

/**
 * Returns `value` if it is a non-negative number (finite, or `Infinity` when
 * `allowInfinity`), `undefined` when absent.
 *
 * @param value The candidate, e.g. a timeout in milliseconds.
 * @param name The option's name.
 * @param where The name of what is being created.
 * @param options `integer`: require a safe integer; `positive`: reject 0;
 * `allowInfinity`: accept `Infinity`.
 * @returns The number or undefined.
 * @throws {PoolConfigurationError} Otherwise.
 *
 * @example
 * ```ts
 * import { checkNumber } from "./_options.ts";
 *
 * console.log(checkNumber(250, "acquireTimeout", "AsyncPool")); // 250
 * ```
 */
export function checkNumber(
  value: unknown,
  name: string,
  where: string,
  options: { integer?: boolean; positive?: boolean; allowInfinity?: boolean } =
    {},
): number | undefined {
  if (value === undefined) return undefined;
  const ok = typeof value === "number" && !Number.isNaN(value) &&
    (options.positive ? value > 0 : value >= 0) &&
    (Number.isFinite(value)
      ? !options.integer || Number.isSafeInteger(value)
      : options.allowInfinity === true);
  if (!ok) {
    const kind = options.integer ? "integer" : "number";
    const sign = options.positive ? "positive" : "non-negative";
    throw new PoolConfigurationError(
      `Cannot create ${where}: ${name} ${
        quote(value)
      } is not a ${sign} ${kind}`,
    );
  }
  return value as number;
}

/**
 * Validates `enableStatistics`.
 *
 * @param value `true`, `false`, `undefined` or a {@linkcode StatisticsOptions}.
 * @param where The name of what is being created.
 * @returns The settings with defaults filled in.
 * @throws {PoolConfigurationError} For any other value, an unknown key, or a
 * `sampleRate` outside (0, 1].
 *
 * @example
 * ```ts
 * import { validateStatistics } from "./_options.ts";
 *
 * console.log(validateStatistics({ timing: true }, "FixedPool").sampleRate); // 0.01
 * ```
 */
export function validateStatistics(
  value: unknown,
  where: string,
): StatisticsSettings {
  if (value === undefined || typeof value === "boolean") {
    return { enabled: value === true, timing: false, sampleRate: 0.01 };
  }
  if (!isOptions(value)) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: enableStatistics ${
        quote(value)
      } is not a boolean or a statistics options object`,
    );
  }
  checkOptionKeys(value, ["timing", "sampleRate"], `${where} statistics`);
  const timing = checkBoolean(value.timing, "timing", where, false);
  const rate = value.sampleRate;
  if (
    rate !== undefined &&
    (typeof rate !== "number" || !(rate > 0 && rate <= 1))
  ) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: sampleRate ${
        quote(rate)
      } is not a number in (0, 1]`,
    );
  }
  return { enabled: true, timing, sampleRate: rate ?? 0.01 };
}

/**
 * Validates the options every synchronous pool shares, and the type.
 *
 * @typeParam T The pooled object type.
 * @param type The class objects are made from, if the pool was given one.
 * @param options The options as given.
 * @param where The pool's class name, for messages.
 * @param extraKeys Further option names the caller accepts and checks itself.
 * @returns The settings with defaults filled in.
 * @throws {InvalidCapacityError} For a bad `capacity`.
 * @throws {PoolConfigurationError} For any other bad option, an unknown
 * option, or neither a type nor a factory.
 *
 * @example
 * ```ts
 * import { validatePoolOptions } from "./_options.ts";
 *
 * class Vec { x = 0; reset() { this.x = 0; } }
 * const settings = validatePoolOptions(Vec, { capacity: 4, reset: "reset" }, "FixedPool");
 * console.log(settings.resetMethod); // reset
 * ```
 */
export function validatePoolOptions<T>(
  type: PoolType<T> | undefined,
  options: PoolOptions<T>,
  where: string,
  extraKeys: readonly string[] = [],
): PoolSettings<T> {
  checkOptionKeys(options, [...COMMON_KEYS, ...extraKeys], where);
  if (type !== undefined) checkType(type, where);
  const capacity = checkCapacity(options.capacity, "capacity", where);
  const factory = checkFunction<() => T>(options.factory, "factory", where);
  if (factory === undefined && type === undefined) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: it needs a type or a factory`,
    );
  }
  const create = factory ?? (() => new (type as PoolType<T>)());
  let reset: ((obj: T) => void) | undefined;
  let resetMethod: string | undefined;
  const resetOption: unknown = options.reset;
  if (typeof resetOption === "string") {
    resetMethod = resetOption;
    const method = type?.prototype?.[resetOption as keyof T];
    if (
      type !== undefined && factory === undefined &&
      typeof method !== "function"
    ) {
      throw new PoolConfigurationError(
        `Cannot create ${where}: reset method ${
          quote(resetOption)
        } is not a method of ${
          quote(className(type))
        } (for a function stored in an instance field, pass reset: (obj) => obj.${resetOption}())`,
      );
    }
    reset = (obj: T): void => {
      const fn = (obj as Record<string, unknown>)[resetOption];
      if (typeof fn !== "function") {
        throw new PoolConfigurationError(
          `Cannot reset object: ${quote(resetOption)} is not a method of it`,
        );
      }
      fn.call(obj);
    };
  } else {
    reset = checkFunction<(obj: T) => void>(resetOption, "reset", where);
  }
  const allocator = checkAllocator(options.allocator, where);
  return {
    capacity,
    create,
    type,
    reset,
    resetMethod,
    destroy: checkFunction<(obj: T) => void>(options.destroy, "destroy", where),
    preInitialize: checkBoolean(
      options.preInitialize,
      "preInitialize",
      where,
      false,
    ),
    allocator,
    statistics: validateStatistics(options.enableStatistics, where),
    onLeak: checkFunction<(info: LeakInfo<unknown>) => void>(
      options.onLeak,
      "onLeak",
      where,
    ),
  };
}

/**
 * Validates a {@linkcode GrowingPoolOptions}: the common options plus
 * `maxCapacity` and `growth`.
 *
 * @typeParam T The pooled object type.
 * @param type The class objects are made from, if any.
 * @param options The options as given.
 * @param where The pool's class name, for messages.
 * @returns The settings, with the default growth when none was given.
 * @throws {InvalidCapacityError} For a bad `capacity` or `maxCapacity`, or
 * `maxCapacity < capacity`.
 * @throws {PoolConfigurationError} For a bad `growth` or any common option.
 *
 * @example
 * ```ts
 * import { validateGrowingPoolOptions } from "./_options.ts";
 *
 * const settings = validateGrowingPoolOptions(undefined, { capacity: 4, factory: () => ({}) }, "GrowingPool");
 * console.log(settings.growth.nextCapacity(4)); // 6
 * ```
 */
export function validateGrowingPoolOptions<T>(
  type: PoolType<T> | undefined,
  options: GrowingPoolOptions<T>,
  where: string,
): GrowingPoolSettings<T> {
  const base = validatePoolOptions(type, options, where, [
    "maxCapacity",
    "growth",
  ]);
  let maxCapacity = Number.MAX_SAFE_INTEGER;
  if (options.maxCapacity !== undefined) {
    maxCapacity = checkCapacity(options.maxCapacity, "maxCapacity", where);
    if (maxCapacity < base.capacity) {
      throw new InvalidCapacityError(
        `Cannot create ${where}: maxCapacity ${
          quote(maxCapacity)
        } is less than capacity ${quote(base.capacity)}`,
        maxCapacity,
      );
    }
  }
  const growth = options.growth === undefined
    ? linearGrowth({
      increment: Math.max(1, Math.floor(base.capacity / 2)),
      maxCapacity,
    })
    : validateGrowth(options.growth);
  // A strategy's own cap counts too, so `pool.maxCapacity` is the real limit.
  const strategyMax = growth.maxCapacity;
  if (
    typeof strategyMax === "number" && Number.isSafeInteger(strategyMax) &&
    strategyMax < maxCapacity
  ) {
    maxCapacity = Math.max(strategyMax, base.capacity);
  }
  return { ...base, maxCapacity, growth };
}
