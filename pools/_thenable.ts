/**
 * The thenable test every pool uses (`use`, async factories, validators,
 * destroyers). Private to `pools/`.
 *
 * @module
 */

/**
 * Whether `value` looks like a promise (has a callable `then`).
 *
 * @param value Anything.
 * @returns `true` for promises and other thenables.
 *
 * @example
 * ```ts
 * import { isThenable } from "./_thenable.ts";
 *
 * console.log(isThenable(Promise.resolve()), isThenable({ then: 1 })); // true false
 * ```
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}
