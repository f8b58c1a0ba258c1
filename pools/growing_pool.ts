/**
 * {@linkcode GrowingPool}: a pool that grows when an acquire finds it full.
 *
 * @module
 */

import type { GrowingPoolOptions, PoolType } from "../config/options.ts";
import { validateGrowingPoolOptions } from "../config/_options.ts";
import type { GrowthConfig } from "../config/growth.ts";
import { BasePool } from "./base_pool.ts";
import { grower } from "./_grow.ts";
import { validateArguments } from "./_overloads.ts";

/**
 * A single-thread pool that starts at `capacity` and grows when an acquire
 * finds every object lent: by default linearly by `max(1, floor(capacity / 2))`
 * up to `maxCapacity` (unbounded when no maximum is given anywhere). Each
 * growth is counted in `stats().growthEvents`. {@linkcode GrowingPool.trim}
 * gives memory back after a burst.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { GrowingPool, linearGrowth } from "@fastalloc/fastalloc";
 *
 * const pool = new GrowingPool({
 *   capacity: 5,
 *   maxCapacity: 20,
 *   growth: linearGrowth({ increment: 5 }),
 *   factory: () => ({ id: 0 }),
 * });
 * const held = Array.from({ length: 7 }, () => pool.acquire());
 * console.log(pool.capacity); // 10
 * for (const obj of held) pool.release(obj);
 * console.log(pool.trim(), pool.capacity); // 2 5
 * ```
 */
export class GrowingPool<T extends object> extends BasePool<T> {
  #initialCapacity: number;
  #growth: GrowthConfig;

  /**
   * Makes a growing pool whose objects are `new type()` (or `options.factory()`).
   *
   * @param type The class of the pooled objects; `release` rejects other types.
   * @param options Capacity, growth and the other pool options.
   * @throws {InvalidCapacityError} For a bad `capacity` or `maxCapacity`.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(type: PoolType<T>, options: GrowingPoolOptions<T>);
  /**
   * Makes a growing pool whose objects come from `options.factory`.
   *
   * @param options Capacity, factory, growth and the other pool options.
   * @throws {InvalidCapacityError} For a bad `capacity` or `maxCapacity`.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(options: GrowingPoolOptions<T> & { factory: () => T });
  constructor(first: unknown, second?: unknown) {
    const settings = validateArguments(
      first,
      second,
      validateGrowingPoolOptions<T>,
      "GrowingPool",
    );
    super(settings, {
      nextCapacity: grower(settings.growth, settings.maxCapacity),
      maxCapacity: settings.maxCapacity,
    });
    this.#initialCapacity = settings.capacity;
    this.#growth = settings.growth;
  }

  /** The capacity the pool started with; `trim` never goes below it. */
  get initialCapacity(): number {
    return this.#initialCapacity;
  }

  /** The capacity the pool never grows past. */
  get maxCapacity(): number {
    return this.maximumCapacity;
  }

  /** The growth strategy in use. */
  get growth(): GrowthConfig {
    return this.#growth;
  }

  /**
   * Destroys idle objects above the initial capacity and lowers `capacity`
   * back to `max(initialCapacity, objects still alive)`, so the next burst
   * grows (and is counted) again.
   *
   * @returns How many objects were destroyed.
   * @throws {AggregateError} If `destroy` threw (every object is still retired).
   *
   * @example
   * ```ts
   * import { GrowingPool } from "@fastalloc/fastalloc";
   *
   * const pool = new GrowingPool({ capacity: 2, factory: () => ({}) });
   * const objs = [pool.acquire(), pool.acquire(), pool.acquire()];
   * objs.forEach((o) => pool.release(o));
   * console.log(pool.trim()); // 1
   * ```
   */
  trim(): number {
    return this.trimTo(this.#initialCapacity);
  }
}
