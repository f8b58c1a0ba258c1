/**
 * Growth strategies for {@linkcode GrowingPool}: how far a full pool grows.
 *
 * ```ts
 * import { exponentialGrowth, linearGrowth } from "@fastalloc/fastalloc/config";
 *
 * const linear = linearGrowth({ increment: 5, maxCapacity: 20 });
 * console.log(linear.nextCapacity(5)); // 10
 * const doubling = exponentialGrowth({ factor: 2 });
 * console.log(doubling.nextCapacity(3)); // 6
 * ```
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import { checkOptionKeys } from "./_option_keys.ts";

/**
 * How a growing pool chooses its next capacity. A user object with
 * `nextCapacity` and `canGrow` is accepted as a custom strategy.
 *
 * @example A custom strategy: grow in steps of 100, up to 1000
 * ```ts
 * import { GrowingPool, type GrowthConfig } from "@fastalloc/fastalloc";
 *
 * const steps: GrowthConfig = {
 *   strategy: "steps of 100",
 *   nextCapacity: (current) => Math.min(current + 100, 1000),
 *   canGrow: (current) => current < 1000,
 * };
 * const pool = new GrowingPool({ capacity: 100, growth: steps, factory: () => ({}) });
 * console.log(pool.capacity); // 100
 * ```
 */
export interface GrowthConfig {
  /** A short name for reports: `"linear"`, `"exponential"` or your own. */
  readonly strategy?: string;
  /**
   * The capacity this strategy never grows past, if it has one; a growing
   * pool's `maxCapacity` is the smaller of this and its own option.
   */
  readonly maxCapacity?: number | undefined;
  /**
   * The capacity to grow to from `current`. Must be greater than `current`
   * whenever {@linkcode GrowthConfig.canGrow} says the pool can grow.
   *
   * Re-entrancy: it may call any method of its own pool, which behaves as it
   * would from outside. If that grew the pool (an acquire), the acquire that
   * asked decides again on the pool as it is, so `maxCapacity` always holds;
   * otherwise it grows as asked (a `close()` from here fails it with
   * `PoolClosedError`, and the object made for it is destroyed).
   */
  nextCapacity(current: number): number;
  /**
   * Whether a pool of capacity `current` may grow at all. May call its own
   * pool, as {@linkcode GrowthConfig.nextCapacity} may.
   */
  canGrow(current: number): boolean;
}

/**
 * Options of {@linkcode linearGrowth}.
 *
 * @example Grow by 10, never past 25
 * ```ts
 * import { linearGrowth, type LinearGrowthOptions } from "@fastalloc/fastalloc/config";
 *
 * const options: LinearGrowthOptions = { increment: 10, maxCapacity: 25 };
 * const growth = linearGrowth(options);
 * console.log(growth.nextCapacity(10), growth.nextCapacity(20)); // 20 25
 * ```
 */
export interface LinearGrowthOptions {
  /** How many objects to add at each growth: a positive safe integer. */
  increment: number;
  /** The capacity never grows past this (unbounded when absent). */
  maxCapacity?: number;
}

/**
 * Options of {@linkcode exponentialGrowth}.
 *
 * @example Grow by half, never past 100
 * ```ts
 * import { exponentialGrowth, type ExponentialGrowthOptions } from "@fastalloc/fastalloc/config";
 *
 * const options: ExponentialGrowthOptions = { factor: 1.5, maxCapacity: 100 };
 * const growth = exponentialGrowth(options);
 * console.log(growth.nextCapacity(10), growth.canGrow(100)); // 15 false
 * ```
 */
export interface ExponentialGrowthOptions {
  /** The capacity is multiplied by this (> 1) at each growth, adding at least 1. */
  factor: number;
  /** The capacity never grows past this (unbounded when absent). */
  maxCapacity?: number;
}

function checkMax(maxCapacity: number | undefined, where: string): number {
  if (maxCapacity === undefined) return Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(maxCapacity) || maxCapacity < 1) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: maxCapacity ${
        quote(maxCapacity)
      } is not a positive safe integer`,
    );
  }
  return maxCapacity;
}

/**
 * Grows by a fixed number of objects each time, clamped to `maxCapacity`.
 *
 * @param options The increment and the optional maximum.
 * @returns A growth config.
 * @throws {PoolConfigurationError} If `options` is not an object or has an
 * unknown key, `increment` is not a positive safe integer or `maxCapacity`
 * is not a positive safe integer.
 *
 * @example
 * ```ts
 * import { linearGrowth } from "@fastalloc/fastalloc";
 *
 * const growth = linearGrowth({ increment: 5, maxCapacity: 12 });
 * console.log(growth.nextCapacity(5), growth.nextCapacity(10), growth.canGrow(12)); // 10 12 false
 * ```
 */
export function linearGrowth(options: LinearGrowthOptions): GrowthConfig {
  checkOptionKeys(options, ["increment", "maxCapacity"], "linear growth");
  const { increment } = options;
  if (!Number.isSafeInteger(increment) || increment < 1) {
    throw new PoolConfigurationError(
      `Cannot create linear growth: increment ${
        quote(increment)
      } is not a positive safe integer`,
    );
  }
  const max = checkMax(options.maxCapacity, "linear growth");
  return Object.freeze({
    strategy: "linear",
    maxCapacity: options.maxCapacity,
    nextCapacity: (current: number): number =>
      Math.min(max, current + increment),
    canGrow: (current: number): boolean => current < max,
  });
}

/**
 * Multiplies the capacity by `factor` each time (adding at least one object),
 * clamped to `maxCapacity`.
 *
 * @param options The factor and the optional maximum.
 * @returns A growth config.
 * @throws {PoolConfigurationError} If `options` is not an object or has an
 * unknown key, `factor` is not a finite number above 1 or `maxCapacity` is
 * not a positive safe integer.
 *
 * @example
 * ```ts
 * import { exponentialGrowth } from "@fastalloc/fastalloc";
 *
 * const growth = exponentialGrowth({ factor: 1.5, maxCapacity: 100 });
 * console.log(growth.nextCapacity(1), growth.nextCapacity(10)); // 2 15
 * ```
 */
export function exponentialGrowth(
  options: ExponentialGrowthOptions,
): GrowthConfig {
  checkOptionKeys(options, ["factor", "maxCapacity"], "exponential growth");
  const { factor } = options;
  if (typeof factor !== "number" || !Number.isFinite(factor) || factor <= 1) {
    throw new PoolConfigurationError(
      `Cannot create exponential growth: factor ${
        quote(factor)
      } is not a finite number above 1`,
    );
  }
  const max = checkMax(options.maxCapacity, "exponential growth");
  return Object.freeze({
    strategy: "exponential",
    maxCapacity: options.maxCapacity,
    nextCapacity: (current: number): number =>
      Math.min(max, Math.max(current + 1, Math.floor(current * factor))),
    canGrow: (current: number): boolean => current < max,
  });
}
