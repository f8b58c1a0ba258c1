/**
 * {@linkcode Lender}: what a handle needs from the pool that lent its object.
 * Every pool implements it internally; a custom pool can too.
 *
 * @module
 */

/**
 * The borrow ledger behind handles. Each borrow of an object has a
 * generation number; a handle remembers `(object, generation)`, so a stale
 * handle is detected even after its object has been lent again. The
 * synchronous single-thread pools pass the borrow's key as the generation
 * (see `BasePool.acquireKey`): a key names exactly one borrow.
 *
 * @typeParam T The pooled object type.
 *
 * @example A ledger for a single object
 * ```ts
 * import { ContextHandle, type Lender } from "@fastalloc/fastalloc/handles";
 *
 * const thing = { n: 1 };
 * let generation = 1; // odd: lent
 * const lender: Lender<typeof thing> = {
 *   isLive: (obj, gen) => obj === thing && gen === generation,
 *   release: () => { generation++; },
 *   leaked: () => { generation++; },
 * };
 * const handle = new ContextHandle(lender, thing, generation);
 * handle.release();
 * console.log(handle.released); // true
 * ```
 */
export interface Lender<T> {
  /** Whether the borrow `(obj, generation)` is still outstanding. */
  isLive(obj: T, generation: number): boolean;
  /**
   * Ends the borrow `(obj, generation)`, as `pool.release(obj)` would.
   * Throws `AlreadyReleasedError` when the borrow is not live.
   */
  release(obj: T, generation: number): void | Promise<void>;
  /**
   * Takes back the object of a leaked borrow (its `OwnedHandle` was
   * garbage-collected): counts the leak, calls `onLeak`, releases it. Never
   * throws; does nothing when the borrow already ended.
   */
  leaked(obj: T, generation: number): void;
}
