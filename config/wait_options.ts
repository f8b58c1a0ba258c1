/**
 * {@linkcode AcquireOptions}: how long a call may wait for an object, and what
 * stops it. One type for every wait of the library: `AsyncPool.acquire`,
 * `ThreadSafePool.acquireAsync` and `SharedFreeList.popAsync` (their option
 * types `AcquireAsyncOptions` and `SharedFreeListWaitOptions` are this one).
 *
 * @module
 */

/**
 * The options of a wait for an object: `AsyncPool.acquire`,
 * `ThreadSafePool.acquireAsync`, `SharedFreeList.popAsync`.
 *
 * @example
 * ```ts
 * import { AsyncPool, type AcquireOptions } from "@fastalloc/fastalloc";
 *
 * const pool = new AsyncPool({ capacity: 1, factory: () => ({ id: 1 }) });
 * const options: AcquireOptions = { timeout: 100, signal: AbortSignal.timeout(1_000) };
 * const conn = await pool.acquire(options);
 * await pool.release(conn);
 * await pool.close();
 * ```
 */
export interface AcquireOptions {
  /**
   * Aborting it stops the wait: the call rejects with `signal.reason`, and
   * nothing is lost.
   */
  signal?: AbortSignal;
  /**
   * The time limit in milliseconds: a number from 0 to 2147483647, or
   * `Infinity` for none (for `AsyncPool.acquire`, the default is the pool's
   * `acquireTimeout`). When it runs out the call rejects with
   * `PoolTimeoutError` (`SharedFreeList.popAsync` resolves with -1). A
   * waiting `AsyncPool.acquire` keeps the process alive until it settles.
   */
  timeout?: number;
}
