/**
 * {@linkcode PoolBuilder}: builds the right pool from a fluent description,
 * and rejects settings that conflict instead of silently dropping them.
 *
 * @module
 */

import type { GrowthConfig } from "../config/growth.ts";
import type {
  AllocatorKind,
  PoolType,
  StatisticsOptions,
} from "../config/options.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import type { AsyncPool } from "./async_pool.ts";
import type { Pool } from "./pool.ts";
import { buildPool } from "./_build_pool.ts";

/**
 * Everything a {@linkcode PoolBuilder} or `@pooled` can be told.
 *
 * @example
 * ```ts
 * import { GrowingPool, installPool, type PoolBlueprint } from "@fastalloc/fastalloc";
 *
 * class Item { id = 0; }
 * const settings: PoolBlueprint<Item> = {
 *   capacity: 4,
 *   maxCapacity: 16,
 *   reset: (item) => { item.id = 0; },
 * };
 * const pool = installPool(Item, settings);
 * console.log(pool instanceof GrowingPool, pool.acquire() instanceof Item); // true true
 * ```
 */
export interface PoolBlueprint<T> {
  /** The class of the pooled objects. */
  type?: PoolType<T> | undefined;
  /** Makes a new object; overrides `new Type()`. */
  factory?: (() => T) | undefined;
  /** How many objects may be lent at once (per thread for a thread-local pool). */
  capacity?: number | undefined;
  /** Makes a growing pool that never grows past this. */
  maxCapacity?: number | undefined;
  /** Makes a growing pool that grows this way. */
  growth?: GrowthConfig | undefined;
  /** Create every object up front. */
  preInitialize?: boolean | undefined;
  /** Cleans an object on release: a function or a method name. */
  reset?: ((obj: T) => void) | string | undefined;
  /** Called for every object the pool drops. */
  destroy?: ((obj: T) => void) | undefined;
  /** The idle-object structure. */
  allocator?: AllocatorKind | undefined;
  /** Collect statistics. */
  enableStatistics?: boolean | StatisticsOptions | undefined;
  /** Build a {@linkcode ThreadSafePool}. */
  threadSafe?: boolean | undefined;
  /** Build a {@linkcode ThreadLocalPool}. */
  threadLocal?: boolean | undefined;
  /** Build an {@linkcode AsyncPool}. */
  async?: boolean | undefined;
}

/**
 * The pool `build()` returns: an `AsyncPool` when async, else a synchronous `Pool`.
 *
 * @example
 * ```ts
 * import { type BuiltPool, Pool } from "@fastalloc/fastalloc";
 *
 * const builder = Pool.builder().factory(() => ({ n: 0 })).capacity(2);
 * const sync: BuiltPool<{ n: number }, false> = builder.build();
 * console.log(sync.use((obj) => obj.n)); // 0
 * const pooled: BuiltPool<{ n: number }, true> = builder.async().build();
 * console.log(await pooled.use((obj) => obj.n)); // 0
 * await pooled.close();
 * ```
 */
export type BuiltPool<T extends object, Async extends boolean> = Async extends
  true ? AsyncPool<T> : Pool<T>;

/**
 * A fluent pool description; `build()` picks the pool class.
 *
 * @typeParam T The pooled object type, inferred from `type()` or `factory()`.
 * @typeParam Async Whether `async()` was called (then `build()` returns an `AsyncPool`).
 *
 * @example
 * ```ts
 * import { Pool, ThreadSafePool } from "@fastalloc/fastalloc";
 *
 * class MyObject { value = 0; }
 * const pool = Pool.builder<MyObject>()
 *   .type(MyObject).capacity(1000).threadSafe(true).enableStatistics(true).build();
 * console.log(pool instanceof ThreadSafePool); // true
 * ```
 */
export class PoolBuilder<T extends object, Async extends boolean = false> {
  #blueprint: PoolBlueprint<T> = {};

  /**
   * Objects are `new type()`, and `release` rejects other types.
   *
   * @typeParam U The class's instance type.
   * @param type The class.
   * @returns This builder, now typed for `U`.
   */
  type<U extends object>(type: PoolType<U>): PoolBuilder<U, Async> {
    const next = this as unknown as PoolBuilder<U, Async>;
    return next.#set("type", type);
  }

  /**
   * Objects come from `factory()`.
   *
   * @typeParam U What the factory makes.
   * @param factory Makes one object.
   * @returns This builder, now typed for `U`.
   */
  factory<U extends object>(factory: () => U): PoolBuilder<U, Async> {
    const next = this as unknown as PoolBuilder<U, Async>;
    return next.#set("factory", factory);
  }

  /**
   * How many objects may be lent at once.
   *
   * @param capacity A positive safe integer.
   * @returns This builder.
   */
  capacity(capacity: number): this {
    return this.#set("capacity", capacity);
  }

  /**
   * Build a growing pool that never grows past `maxCapacity`.
   *
   * @param maxCapacity A positive safe integer, at least `capacity`.
   * @returns This builder.
   */
  maxCapacity(maxCapacity: number): this {
    return this.#set("maxCapacity", maxCapacity);
  }

  /**
   * Build a growing pool that grows this way.
   *
   * @param growth e.g. `linearGrowth({ increment: 10 })`.
   * @returns This builder.
   */
  growth(growth: GrowthConfig): this {
    return this.#set("growth", growth);
  }

  /**
   * Create every object up front (or not).
   *
   * @param on Default `true`.
   * @returns This builder.
   */
  preInitialize(on = true): this {
    return this.#set("preInitialize", on);
  }

  /**
   * Clean each object on release.
   *
   * @param reset A function, or the name of a method on the object.
   * @returns This builder.
   */
  reset(reset: ((obj: T) => void) | string): this {
    return this.#set("reset", reset);
  }

  /**
   * Called for every object the pool drops.
   *
   * @param destroy The callback.
   * @returns This builder.
   */
  destroy(destroy: (obj: T) => void): this {
    return this.#set("destroy", destroy);
  }

  /**
   * The idle-object structure.
   *
   * @param kind `"stack"`, `"freelist"` or `"deque"`.
   * @returns This builder.
   */
  allocator(kind: AllocatorKind): this {
    return this.#set("allocator", kind);
  }

  /**
   * Collect statistics.
   *
   * @param settings `true`, `false`, or `{ timing, sampleRate }` (default `true`).
   * @returns This builder.
   */
  enableStatistics(settings: boolean | StatisticsOptions = true): this {
    return this.#set("enableStatistics", settings);
  }

  /**
   * Build a {@linkcode ThreadSafePool} (one pool shared by workers).
   *
   * @param on Default `true`.
   * @returns This builder.
   */
  threadSafe(on = true): this {
    return this.#set("threadSafe", on);
  }

  /**
   * Build a {@linkcode ThreadLocalPool} (a pool per worker).
   *
   * @param on Default `true`.
   * @returns This builder.
   */
  threadLocal(on = true): this {
    return this.#set("threadLocal", on);
  }

  /**
   * Build an {@linkcode AsyncPool}.
   *
   * @returns This builder, typed so `build()` returns an `AsyncPool`.
   */
  async(): PoolBuilder<T, true>;
  /**
   * Build an {@linkcode AsyncPool} (`true`) or a synchronous pool (`false`).
   *
   * @typeParam A `true` or `false`.
   * @param on Whether to build an async pool.
   * @returns This builder, typed accordingly.
   */
  async<A extends boolean>(on: A): PoolBuilder<T, A>;
  async(on = true): PoolBuilder<T, boolean> {
    return this.#set("async", on) as PoolBuilder<T, boolean>;
  }

  /**
   * Builds the pool: async → `AsyncPool`; threadLocal → `ThreadLocalPool`;
   * threadSafe → `ThreadSafePool`; growth or maxCapacity → `GrowingPool`;
   * else `FixedPool`.
   *
   * @returns The pool.
   * @throws {PoolConfigurationError} For missing or conflicting settings, or
   * a setting the chosen pool cannot use.
   * @throws {InvalidCapacityError} For a bad capacity.
   */
  build(): BuiltPool<T, Async> {
    return buildPool({ ...this.#blueprint }, "pool") as BuiltPool<T, Async>;
  }

  #set<K extends keyof PoolBlueprint<T>>(
    key: K,
    value: PoolBlueprint<T>[K],
  ): this {
    if (value === undefined) {
      throw new PoolConfigurationError(
        `Cannot set ${key} on the pool builder: ${quote(value)} is not a value`,
      );
    }
    this.#blueprint[key] = value;
    return this;
  }
}
