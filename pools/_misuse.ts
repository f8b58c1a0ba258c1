/**
 * Why a release, discard or key lookup is refused: the one place that
 * chooses the error and words it, for every pool and handle. Private to
 * `pools/`.
 *
 * The order of the checks is the contract's: an object of the wrong class is
 * a {@linkcode TypeMismatchError} (when the pool has a type); one the pool
 * lent before and took back (or retired) is an
 * {@linkcode AlreadyReleasedError}; anything else is a
 * {@linkcode ForeignObjectError}.
 *
 * @module
 */

import {
  AlreadyReleasedError,
  ForeignObjectError,
  TypeMismatchError,
} from "../errors.ts";
import { className, quote, typeName } from "../quote.ts";
import { isInstance } from "./_check_created.ts";
import type { PoolType } from "../config/options.ts";

/**
 * The error for an object that is not a live borrow of the pool.
 *
 * @param obj What the caller passed.
 * @param action The refused call, for the message: `"release"`, `"discard"`,
 * `"get key of"`...
 * @param type The pool's type, if it has one.
 * @param wasLent Whether the pool lent `obj` before (it is idle or retired).
 * @returns The error to throw or reject with.
 *
 * @example
 * ```ts
 * import { misuseError } from "./_misuse.ts";
 *
 * console.log(misuseError({}, "release", undefined, true).message);
 * // Cannot release object: it was already released
 * ```
 */
export function misuseError(
  obj: unknown,
  action: string,
  type: PoolType<unknown> | undefined,
  wasLent: boolean,
): Error {
  if (type !== undefined && !wasLent && !isInstance(obj, type)) {
    const actual = typeName(obj);
    return new TypeMismatchError(
      `Cannot ${action} object: expected a ${
        quote(className(type))
      } instance, got ${quote(actual)}`,
      { expectedType: className(type), actualType: actual },
    );
  }
  if (wasLent) {
    return new AlreadyReleasedError(
      `Cannot ${action} object: it was already released`,
    );
  }
  return new ForeignObjectError(
    `Cannot ${action} object: ${quote(obj)} was never lent by this pool`,
  );
}

/**
 * The error for a key that does not name a live borrow.
 *
 * @param key What the caller passed.
 * @param action The refused call, for the message: `"release key"`...
 * @param issued Whether the pool issued `key` (its borrow has ended).
 * @returns The error to throw or reject with.
 *
 * @example
 * ```ts
 * import { keyMisuseError } from "./_misuse.ts";
 *
 * console.log(keyMisuseError(7, "release key", false).message);
 * // Cannot release key: key 7 was never issued by this pool
 * ```
 */
export function keyMisuseError(
  key: unknown,
  action: string,
  issued: boolean,
): Error {
  return issued
    ? new AlreadyReleasedError(
      `Cannot ${action}: key ${quote(key)} was already released`,
    )
    : new ForeignObjectError(
      `Cannot ${action}: key ${quote(key)} was never issued by this pool`,
    );
}

/**
 * The error for a handle whose borrow has ended.
 *
 * @param action The refused call, for the message: `"use handle"`,
 * `"release handle"`...
 * @param generation The borrow's generation (or key) the handle holds.
 * @returns The error to throw or reject with.
 *
 * @example
 * ```ts
 * import { staleHandleError } from "./_misuse.ts";
 *
 * console.log(staleHandleError("use handle", 3).message);
 * // Cannot use handle: its borrow (generation 3) was already released
 * ```
 */
export function staleHandleError(
  action: string,
  generation: number,
): AlreadyReleasedError {
  return new AlreadyReleasedError(
    `Cannot ${action}: its borrow (generation ${
      quote(generation)
    }) was already released`,
  );
}
