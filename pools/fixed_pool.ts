/**
 * {@linkcode FixedPool}: a pool of at most `capacity` objects that never grows.
 *
 * @module
 */

import type { PoolOptions, PoolType } from "../config/options.ts";
import { validatePoolOptions } from "../config/_options.ts";
import { BasePool } from "./base_pool.ts";
import { validateArguments } from "./_overloads.ts";

/**
 * A single-thread pool of at most `capacity` objects. Objects are created on
 * demand (or all up front with `preInitialize`), reused LIFO by default, and
 * never more than `capacity` exist. The raw `acquire`/`release` path detects
 * double and foreign releases and still costs only a few nanoseconds.
 *
 * @typeParam T The pooled object type.
 *
 * @example From a class
 * ```ts
 * import { FixedPool } from "@fastalloc/fastalloc";
 *
 * class Particle {
 *   x = 0;
 *   y = 0;
 *   reset() { this.x = this.y = 0; }
 * }
 * const pool = new FixedPool(Particle, { capacity: 1000, reset: "reset" });
 * const p = pool.acquire();
 * p.x = 5;
 * pool.release(p); // reset runs here
 * ```
 *
 * @example From a factory (the type is inferred)
 * ```ts
 * import { FixedPool } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 64, factory: () => ({ x: 0, y: 0 }) });
 * const total = pool.use((v) => (v.x = 1) + (v.y = 2));
 * console.log(total); // 3
 * ```
 */
export class FixedPool<T extends object> extends BasePool<T> {
  /**
   * Makes a pool whose objects are `new type()` (or `options.factory()`).
   *
   * @param type The class of the pooled objects; `release` rejects other types.
   * @param options Capacity and the other pool options.
   * @throws {InvalidCapacityError} If `capacity` is not a positive safe integer.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(type: PoolType<T>, options: PoolOptions<T>);
  /**
   * Makes a pool whose objects come from `options.factory`.
   *
   * @param options Capacity, factory and the other pool options.
   * @throws {InvalidCapacityError} If `capacity` is not a positive safe integer.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(options: PoolOptions<T> & { factory: () => T });
  constructor(first: unknown, second?: unknown) {
    super(
      validateArguments(first, second, validatePoolOptions<T>, "FixedPool"),
    );
  }
}
