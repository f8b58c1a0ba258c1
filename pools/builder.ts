/**
 * The {@linkcode PoolBuilder}, and the public {@linkcode Pool} it builds:
 * the synchronous pool interface (as a type) and `Pool.builder()` (as a
 * value). They are one module because they name each other (`Pool.builder()`
 * returns a `PoolBuilder`, whose `build()` returns a `Pool`); the pool
 * classes do not import this module (the table of pool kinds in
 * `_build_pool.ts` checks that each one is a `Pool`), so loading a pool never
 * loads the builder and no import cycle runs through here.
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
import type { ContextHandle } from "../handles/context_handle.ts";
import type { OwnedHandle } from "../handles/owned_handle.ts";
import type { WeakHandle } from "../handles/weak_handle.ts";
import { quote } from "../quote.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import type { AsyncPool } from "./async_pool.ts";
import type { PoolBlueprint } from "./pool_blueprint.ts";
import { buildPool } from "./_build_pool.ts";

/**
 * A synchronous object pool.
 *
 * @typeParam T The pooled object type.
 *
 * @example Write code against any pool
 * ```ts
 * import { FixedPool, type Pool } from "@fastalloc/fastalloc";
 *
 * function sum(pool: Pool<{ n: number }>): number {
 *   return pool.use((obj) => (obj.n = 2) + 1);
 * }
 * console.log(sum(new FixedPool({ capacity: 1, factory: () => ({ n: 0 }) }))); // 3
 * ```
 */
export interface Pool<T extends object> {
  /**
   * An idle object, else a new one while `inUse < capacity`.
   * Throws `PoolEmptyError` when none can be had, `PoolClosedError` once closed.
   */
  acquire(): T;
  /** The same as {@linkcode Pool.acquire}. */
  get(): T;
  /** As `acquire`, but `undefined` instead of `PoolEmptyError`. */
  tryAcquire(): T | undefined;
  /**
   * Returns `obj` to the pool. Throws `AlreadyReleasedError` on a double
   * release, `ForeignObjectError` for an object this pool never lent, and
   * `TypeMismatchError` when the pool has a type and `obj` is not an instance.
   */
  release(obj: T): void;
  /**
   * Acquires, calls `fn`, releases (when the returned promise settles, if it
   * returns one). Allocation-free: the fast scoped form.
   */
  use<R>(fn: (obj: T) => R): R;
  /** A handle for `using h = pool.allocate()`. */
  allocate(): ContextHandle<T>;
  /** A leak-tracked handle. */
  allocateOwned(): OwnedHandle<T>;
  /** A non-owning watcher of a currently borrowed object. */
  weak(obj: T): WeakHandle<T>;
  /**
   * Ends a borrow of an object that must not be lent again: `destroy` runs
   * (no `reset`) and its place is freed, so a fresh object can be created
   * later. The same misuse checks as `release`; counts in `totalReleases`
   * and `destroyed`.
   */
  discard(obj: T): void;
  /**
   * Borrows like `acquire` and returns the borrow's key: an integer in
   * [0, 2^31) that encodes the slot and the borrow's generation (each pool
   * documents its layout and how many reuses of a slot it tells apart, at
   * least 2^10). Throws as `acquire` does.
   */
  acquireKey(): number;
  /**
   * The object of a live key. Throws `AlreadyReleasedError` for a key whose
   * borrow ended (even if the slot was lent again since) and
   * `ForeignObjectError` for a number this pool never issued.
   */
  objectOf(key: number): T;
  /**
   * Ends the borrow named by `key`, as `release` does (a borrow made with
   * `acquire` can end here, and one made with `acquireKey` by `release`).
   * Throws as `objectOf` does; a failed call changes nothing.
   */
  releaseKey(key: number): void;
  /** Ends the borrow named by `key` by discarding its object, as `discard` does. Throws as `objectOf` does. */
  discardKey(key: number): void;
  /**
   * The key of the current borrow of `obj`. Throws `AlreadyReleasedError`
   * when `obj` is not borrowed now and `ForeignObjectError` for an object
   * this pool never lent.
   */
  keyOf(obj: T): number;
  /** `true` only for a live key of this pool; `false` for anything else. Never throws. */
  isLive(key: number): boolean;
  /** How many objects may be lent at once. */
  readonly capacity: number;
  /** Objects lent now. */
  readonly inUse: number;
  /** Idle objects already created. */
  readonly available: number;
  /** Whether {@linkcode Pool.close} was called. */
  readonly closed: boolean;
  /** A frozen statistics snapshot. */
  stats(): PoolStats;
  /** Stops lending and destroys idle objects. */
  close(): void;
  /** The same as {@linkcode Pool.close}, for `using pool = ...`. */
  [Symbol.dispose](): void;
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
   * Called for every object the pool retires (it leaves the pool for good).
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
    // Assigning the table's classes to `Pool` is the check that each one is a Pool.
    const pool: Pool<T> | AsyncPool<T> = buildPool<T>(
      { ...this.#blueprint },
      "pool",
    );
    return pool as BuiltPool<T, Async>;
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

/**
 * The `Pool` value: where builders come from.
 *
 * @example
 * ```ts
 * import { Pool, type PoolStatic } from "@fastalloc/fastalloc";
 *
 * const entry: PoolStatic = Pool;
 * const pool = entry.builder().factory(() => ({ id: 1 })).capacity(4).build();
 * console.log(pool.capacity); // 4
 * ```
 */
export interface PoolStatic {
  /**
   * Starts a fluent pool description.
   *
   * @typeParam T The pooled object type (or let `type()`/`factory()` infer it).
   * @returns A new builder.
   */
  builder<T extends object = object>(): PoolBuilder<T>;
}

/**
 * Both the synchronous pool interface (as a type) and the entry point to
 * {@linkcode PoolBuilder} (as a value).
 *
 * @example
 * ```ts
 * import { FixedPool, Pool } from "@fastalloc/fastalloc";
 *
 * const pool: Pool<{ n: number }> = Pool.builder()
 *   .factory(() => ({ n: 0 })).capacity(8).build();
 * console.log(pool instanceof FixedPool); // true
 * ```
 */
export const Pool: PoolStatic = /* @__PURE__ */ Object.freeze({
  builder<T extends object = object>(): PoolBuilder<T> {
    return new PoolBuilder<T>();
  },
});
