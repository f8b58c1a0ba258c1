/**
 * {@linkcode AsyncContextHandle} and {@linkcode AsyncOwnedHandle}: the
 * handles `AsyncPool` lends, made for `await using`.
 *
 * @module
 */

import { ContextHandle } from "./context_handle.ts";
import { OwnedHandle } from "./owned_handle.ts";

// Re-exported so this module's documentation is complete on its own.
export { ContextHandle, OwnedHandle };

/**
 * Releases through `release` and turns a synchronous throw into a rejection,
 * so an async handle's release always answers with a promise.
 */
function releaseAsync(release: () => void | Promise<void>): Promise<void> {
  try {
    return Promise.resolve(release());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * One borrow from an async pool, for `await using`. As
 * {@linkcode ContextHandle}, but `release()` returns the pool's release
 * promise (and rejects with `AlreadyReleasedError` instead of throwing once
 * the borrow has ended), and `[Symbol.asyncDispose]()` releases unless
 * already released and waits for the object to be back.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { AsyncPool } from "@fastalloc/fastalloc";
 *
 * const pool = new AsyncPool({ capacity: 2, factory: async () => ({ n: 0 }) });
 * {
 *   await using handle = await pool.allocate();
 *   handle.value.n = 42;
 * } // released here, and awaited
 * console.log(pool.inUse); // 0
 * await pool.close();
 * ```
 */
export class AsyncContextHandle<T> extends ContextHandle<T> {
  /**
   * Returns the object to its pool.
   *
   * @returns A promise that settles when the object is back; it rejects with
   * `AlreadyReleasedError` if the borrow had already ended.
   */
  override release(): Promise<void> {
    return releaseAsync(() => super.release());
  }

  /**
   * Releases unless already released, and waits until the object is back:
   * what `await using` calls.
   *
   * @returns A promise that settles when the object is back.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.released ? Promise.resolve() : this.release();
  }
}

/**
 * An explicit borrow from an async pool, tracked for leaks: if the handle is
 * garbage-collected while its borrow is live, the pool counts a leak, calls
 * `onLeak` and takes the object back. Otherwise as
 * {@linkcode AsyncContextHandle}.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { AsyncPool } from "@fastalloc/fastalloc";
 *
 * const pool = new AsyncPool({
 *   capacity: 2,
 *   factory: async () => ({ id: 0 }),
 *   onLeak: (info) => console.warn("leaked", info.object),
 * });
 * const owned = await pool.allocateOwned();
 * owned.value.id = 7;
 * await owned.release();
 * await pool.close();
 * ```
 */
export class AsyncOwnedHandle<T> extends OwnedHandle<T> {
  /**
   * Returns the object to its pool and stops leak tracking.
   *
   * @returns A promise that settles when the object is back; it rejects with
   * `AlreadyReleasedError` if the borrow had already ended.
   */
  override release(): Promise<void> {
    return releaseAsync(() => super.release());
  }

  /**
   * Releases unless already released, and waits until the object is back:
   * what `await using` calls.
   *
   * @returns A promise that settles when the object is back.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.released ? Promise.resolve() : this.release();
  }
}
