/**
 * {@linkcode Pool}: the synchronous pool interface that `FixedPool`,
 * `GrowingPool`, `ThreadSafePool` and `ThreadLocalPool` implement, and the
 * `Pool.builder()` entry point.
 *
 * @module
 */

import type { ContextHandle } from "../handles/context_handle.ts";
import type { OwnedHandle } from "../handles/owned_handle.ts";
import type { WeakHandle } from "../handles/weak_handle.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { PoolBuilder } from "./builder.ts";
// TEMPORARY (sync branch only): see the file; delete at merge.

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
