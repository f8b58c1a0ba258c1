/**
 * The clear error of a runtime without `SharedArrayBuffer` (a browser page
 * that is not cross-origin isolated), for both pools that live in shared
 * memory, instead of a bare `ReferenceError`. Private to `pools/`.
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";

/**
 * Throws `PoolConfigurationError` saying `SharedArrayBuffer` is missing and
 * naming the two headers a page needs, when it is missing.
 *
 * @param action What failed: `"create"` or `"attach"`.
 * @param pool The pool's class name, as the message gives it.
 * @throws {PoolConfigurationError} Without `SharedArrayBuffer`.
 *
 * @example
 * ```ts
 * import { checkSharedMemory } from "./_shared_memory.ts";
 *
 * checkSharedMemory("create", "ThreadSafePool"); // fine where SharedArrayBuffer exists
 * ```
 */
export function checkSharedMemory(
  action: "create" | "attach",
  pool: "ThreadSafePool" | "ThreadLocalPool",
): void {
  if (typeof SharedArrayBuffer !== "function") {
    throw new PoolConfigurationError(
      `Cannot ${action} ${pool}: SharedArrayBuffer is unavailable here; a browser page has it only when cross-origin isolated, served with the headers "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"`,
    );
  }
}
