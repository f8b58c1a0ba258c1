/**
 * Handles: generation-checked borrows of pooled objects.
 * {@linkcode ContextHandle} for `using`, {@linkcode OwnedHandle} for explicit
 * ownership with leak tracking, {@linkcode WeakHandle} for watching a borrow
 * without owning it.
 *
 * ```ts
 * import { FixedPool } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 1, factory: () => ({ x: 0 }) });
 * const handle = pool.allocate();
 * const obj = handle.value;
 * handle.release();
 * const again = pool.acquire(); // the same object, a new borrow
 * console.log(again === obj, handle.released); // true true
 * ```
 *
 * @module
 */

export type { Lender } from "./lender.ts";
export { ContextHandle } from "./context_handle.ts";
export { OwnedHandle } from "./owned_handle.ts";
export { WeakHandle } from "./weak_handle.ts";
export { AsyncContextHandle, AsyncOwnedHandle } from "./async_handle.ts";
