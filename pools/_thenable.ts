/**
 * The thenable test every pool uses (`use`, async factories, validators,
 * destroyers). Private to `pools/`.
 *
 * @module
 */

/**
 * Whether `value` looks like a promise (has a callable `then`). Never
 * throws: a value whose `then` cannot be read (a revoked Proxy, a throwing
 * getter or trap) is not a thenable, so a callback returning one cannot
 * break the pool between two of its updates.
 *
 * @param value Anything.
 * @returns `true` for promises and other thenables.
 *
 * @example
 * ```ts
 * import { isThenable } from "./_thenable.ts";
 *
 * const { proxy, revoke } = Proxy.revocable({}, {});
 * revoke();
 * console.log(isThenable(Promise.resolve()), isThenable({ then: 1 }), isThenable(proxy)); // true false false
 * ```
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (
    value === null || (typeof value !== "object" && typeof value !== "function")
  ) {
    return false;
  }
  try {
    return typeof (value as { then?: unknown }).then === "function";
  } catch {
    return false;
  }
}
