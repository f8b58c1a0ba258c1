/**
 * The thenable test every pool uses (`use`, async factories, validators,
 * destroyers). Private to `pools/`.
 *
 * `releaseQuietly` and `releaseWhenSettled` are the old slow-path pieces of
 * ThreadSafePool's `use`; `_lending.ts` (`useBorrow`) replaces them: delete
 * them once ThreadSafePool calls it.
 *
 * @module
 */

/**
 * What the helpers need of a pool.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import type { Releasing } from "./_scoped.ts";
 * import { FixedPool } from "./fixed_pool.ts";
 *
 * const pool: Releasing<object> = new FixedPool({ capacity: 1, factory: () => ({}) });
 * console.log(typeof pool.release); // function
 * ```
 */
export interface Releasing<T> {
  /** Returns a borrowed object. */
  release(obj: T): void;
}

/**
 * Whether `value` looks like a promise (has a callable `then`).
 *
 * @param value Anything.
 * @returns `true` for promises and other thenables.
 *
 * @example
 * ```ts
 * import { isThenable } from "./_scoped.ts";
 *
 * console.log(isThenable(Promise.resolve()), isThenable({ then: 1 })); // true false
 * ```
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}

/**
 * Releases `obj` after `fn` threw: `fn`'s error is the one to report, so a
 * failing release (a reset that threw, counted in the pool's statistics) is
 * not allowed to replace it.
 *
 * @typeParam T The pooled object type.
 * @param pool The pool that lent `obj`.
 * @param obj The borrowed object.
 *
 * @example
 * ```ts
 * import { releaseQuietly } from "./_scoped.ts";
 *
 * releaseQuietly({ release: () => { throw new Error("reset failed"); } }, {}); // does not throw
 * ```
 */
export function releaseQuietly<T>(pool: Releasing<T>, obj: T): void {
  try {
    pool.release(obj);
  } catch {
    // Reported through the pool's statistics; fn's error wins.
  }
}

/**
 * Releases `obj` when `pending` settles, passing its outcome through.
 *
 * @typeParam T The pooled object type.
 * @param pool The pool that lent `obj`.
 * @param obj The borrowed object.
 * @param pending What `fn` returned.
 * @returns A promise of `pending`'s value, settled after the release.
 *
 * @example
 * ```ts
 * import { releaseWhenSettled } from "./_scoped.ts";
 *
 * let released = false;
 * const pool = { release: () => { released = true; } };
 * console.log(await releaseWhenSettled(pool, {}, Promise.resolve(3)), released); // 3 true
 * ```
 */
export function releaseWhenSettled<T>(
  pool: Releasing<T>,
  obj: T,
  pending: PromiseLike<unknown>,
): Promise<unknown> {
  return Promise.resolve(pending).then(
    (value) => {
      pool.release(obj);
      return value;
    },
    (error) => {
      releaseQuietly(pool, obj);
      throw error;
    },
  );
}
