/**
 * The checks every pool runs on what its factory returned, and a safe
 * `instanceof`. Private to `pools/`.
 *
 * @module
 */

import type { PoolType } from "../config/options.ts";
import { PoolConfigurationError, TypeMismatchError } from "../errors.ts";
import { className, quote, typeName } from "../quote.ts";
import { isOptions } from "../config/_option_keys.ts";

/**
 * `obj instanceof type`, false where the check itself throws (a revoked
 * Proxy).
 *
 * @param obj Anything.
 * @param type A class.
 * @returns Whether `obj` is an instance of `type`.
 *
 * @example
 * ```ts
 * import { isInstance } from "./_check_created.ts";
 *
 * const { proxy, revoke } = Proxy.revocable({}, {});
 * revoke();
 * console.log(isInstance(new Date(), Date), isInstance(proxy, Date)); // true false
 * ```
 */
export function isInstance(obj: unknown, type: PoolType<unknown>): boolean {
  try {
    return obj instanceof type;
  } catch {
    return false;
  }
}

/**
 * Throws unless a factory's result can be pooled: an object (or function),
 * an instance of the pool's `type` when it has one, carrying the `reset`
 * method when reset was given by name. Whether it already belongs to a pool
 * is each pool's own check.
 *
 * @param obj What the factory returned.
 * @param type The pool's type, if it has one.
 * @param resetMethod The reset method's name, when reset was given by name.
 * @throws {PoolConfigurationError} If `obj` is not an object or lacks the
 * reset method.
 * @throws {TypeMismatchError} If `obj` is not an instance of `type`.
 *
 * @example
 * ```ts
 * import { checkCreated } from "./_check_created.ts";
 *
 * checkCreated({ reset() {} }, undefined, "reset"); // fine
 * try { checkCreated(5, undefined, undefined); } catch (e) { console.log((e as Error).message); }
 * // Cannot create object: the factory returned 5, not an object
 * ```
 */
export function checkCreated(
  obj: unknown,
  type: PoolType<unknown> | undefined,
  resetMethod: string | undefined,
): void {
  // A function is an object too; a revoked Proxy is refused here, with the
  // pool's books untouched (every use of one throws the engine's TypeError).
  if (typeof obj !== "function" && !isOptions(obj)) {
    throw new PoolConfigurationError(
      `Cannot create object: the factory returned ${quote(obj)}, not an object`,
    );
  }
  if (type !== undefined && !isInstance(obj, type)) {
    // A typed pool promises instances of its type: release checks it.
    throw new TypeMismatchError(
      `Cannot create object: the factory returned a ${
        quote(typeName(obj))
      } instance, not a ${quote(className(type))} instance`,
      { expectedType: className(type), actualType: typeName(obj) },
    );
  }
  if (
    resetMethod !== undefined &&
    typeof (obj as Record<string, unknown>)[resetMethod] !== "function"
  ) {
    throw new PoolConfigurationError(
      `Cannot create object: reset method ${
        quote(resetMethod)
      } is not a method of ${quote(obj)}`,
    );
  }
}
