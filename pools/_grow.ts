/**
 * {@linkcode grower}: how a growing pool picks its next capacity. A module
 * of its own, imported by `GrowingPool` alone, so a program that pools with
 * `FixedPool` bundles none of it. Private to `pools/`.
 *
 * @module
 */

import type { GrowthConfig } from "../config/growth.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";

/**
 * The next-capacity function of a growing pool: from the capacity now, the
 * capacity the strategy allows next (never past `maxCapacity`), or 0 when
 * the pool cannot grow. Changes nothing: the caller commits the growth.
 *
 * @param growth The growth strategy (a user's own included).
 * @param maxCapacity The most the capacity may grow to.
 * @returns The function.
 * @throws {PoolConfigurationError} (from the function) If the strategy
 * proposes something other than an integer above the current capacity.
 *
 * @example
 * ```ts
 * import { grower } from "./_grow.ts";
 * import { linearGrowth } from "../config/growth.ts";
 *
 * const next = grower(linearGrowth({ increment: 4 }), 10);
 * console.log(next(4), next(8), next(10)); // 8 10 0
 * ```
 */
export function grower(
  growth: GrowthConfig,
  maxCapacity: number,
): (current: number) => number {
  return (current) => {
    if (current >= maxCapacity || !growth.canGrow(current)) return 0;
    const proposed = growth.nextCapacity(current);
    if (!Number.isSafeInteger(proposed) || proposed <= current) {
      throw new PoolConfigurationError(
        `Cannot grow pool: growth.nextCapacity(${quote(current)}) returned ${
          quote(proposed)
        }, not an integer above ${quote(current)}`,
      );
    }
    return Math.min(proposed, maxCapacity);
  };
}
