/**
 * Checks the arguments of a handle's constructor. Private to `handles/`.
 *
 * @module
 */

import { quote } from "../quote.ts";
import { isOptions } from "../config/_option_keys.ts";

/**
 * Throws unless `lender` has the three {@linkcode Lender} methods, `object`
 * is present (an object, for a weak handle) and `generation` is an integer.
 *
 * @param kind What is being made, for the message (`"handle"`...).
 * @param lender The pool's borrow ledger.
 * @param object The borrowed object.
 * @param generation The borrow's generation.
 * @param needsObject Whether `object` must be an object (weak handles).
 * @throws {TypeError} Otherwise.
 *
 * @example
 * ```ts
 * import { checkBorrow } from "./_check_borrow.ts";
 *
 * try { checkBorrow("handle", {}, 1, 0, false); } catch (e) { console.log((e as Error).message); }
 * // Cannot create handle: lender an object does not have isLive, release and leaked methods
 * ```
 */
export function checkBorrow(
  kind: string,
  lender: unknown,
  object: unknown,
  generation: unknown,
  needsObject: boolean,
): void {
  const l = lender as Record<string, unknown> | null;
  if (
    !isOptions(l) || typeof l.isLive !== "function" ||
    typeof l.release !== "function" || typeof l.leaked !== "function"
  ) {
    throw new TypeError(
      `Cannot create ${kind}: lender ${
        quote(lender)
      } does not have isLive, release and leaked methods`,
    );
  }
  if (
    object === undefined ||
    (needsObject && typeof object !== "function" && !isOptions(object))
  ) {
    throw new TypeError(
      `Cannot create ${kind}: object ${quote(object)} is not ${
        needsObject ? "an object" : "a borrowed value"
      }`,
    );
  }
  if (typeof generation !== "number" || !Number.isInteger(generation)) {
    throw new TypeError(
      `Cannot create ${kind}: generation ${
        quote(generation)
      } is not an integer`,
    );
  }
}
