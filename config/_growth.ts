/**
 * Validation of a growth strategy, private to the library.
 *
 * ```ts
 * import { validateGrowth } from "./_growth.ts";
 *
 * const growth = validateGrowth({ nextCapacity: (c: number) => c + 1, canGrow: () => true });
 * console.log(growth.nextCapacity(1)); // 2
 * ```
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import type { GrowthConfig } from "./growth.ts";

/**
 * Checks that `value` is a usable growth config: an object with
 * `nextCapacity` and `canGrow` functions.
 *
 * @param value The candidate, e.g. a user's custom strategy.
 * @returns The same object, typed.
 * @throws {PoolConfigurationError} If it lacks either method.
 *
 * @example
 * ```ts
 * import { validateGrowth } from "./_growth.ts";
 *
 * const growth = validateGrowth({ nextCapacity: (c: number) => c * 3, canGrow: () => true });
 * console.log(growth.nextCapacity(2)); // 6
 * ```
 */
export function validateGrowth(value: unknown): GrowthConfig {
  const candidate = value as Partial<GrowthConfig> | null;
  if (
    candidate === null || typeof candidate !== "object" ||
    typeof candidate.nextCapacity !== "function" ||
    typeof candidate.canGrow !== "function"
  ) {
    throw new PoolConfigurationError(
      `Cannot use growth ${
        quote(value)
      }: it needs nextCapacity and canGrow functions`,
    );
  }
  return candidate as GrowthConfig;
}
