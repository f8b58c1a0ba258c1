/**
 * The checks every pool runs on what its factory returned, and a safe
 * `instanceof`. Private to `pools/`.
 *
 * @module
 */

import type { PoolType } from "../config/options.ts";
import { PoolConfigurationError, TypeMismatchError } from "../errors.ts";
import { quote, typeName } from "../quote.ts";

/** `obj instanceof type`, false where the check itself throws (a revoked Proxy). */
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
 */
export function checkCreated(
  obj: unknown,
  type: PoolType<unknown> | undefined,
  resetMethod: string | undefined,
): void {
  if (
    obj === null || (typeof obj !== "object" && typeof obj !== "function")
  ) {
    throw new PoolConfigurationError(
      `Cannot create object: the factory returned ${quote(obj)}, not an object`,
    );
  }
  if (type !== undefined && !isInstance(obj, type)) {
    // A typed pool promises instances of its type: release checks it.
    throw new TypeMismatchError(
      `Cannot create object: the factory returned a ${
        quote(typeName(obj))
      } instance, not a ${quote(type.name)} instance`,
      { expectedType: type.name, actualType: typeName(obj) },
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
