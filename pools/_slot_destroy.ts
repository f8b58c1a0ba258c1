/**
 * Calling `destroy` for retired objects, the same way in every synchronous
 * pool (the slot core and ThreadSafePool): one object at a time, keeping an
 * error already being thrown ({@linkcode destroyAfter}), and the one error
 * for several failed destroys ({@linkcode throwDestroyErrors}). Private to
 * `pools/`.
 *
 * @module
 */

/**
 * Calls `destroy(obj)`. When `cause` is given (a failed reset being
 * rethrown), a destroy error is combined with it instead of hiding it.
 *
 * @typeParam T The pooled object type.
 * @param destroy The pool's destroy callback, if it has one.
 * @param obj The retired object.
 * @param cause The error already on its way out, if any.
 * @throws What `destroy` threw; with a `cause`, an `AggregateError` of both.
 *
 * @example
 * ```ts
 * import { destroyAfter } from "./_slot_destroy.ts";
 *
 * const failing = () => { throw new Error("destroy failed"); };
 * try {
 *   destroyAfter(failing, {}, new Error("reset failed"));
 * } catch (e) {
 *   console.log((e as AggregateError).errors.length); // 2
 * }
 * ```
 */
export function destroyAfter<T>(
  destroy: ((obj: T) => void) | undefined,
  obj: T,
  cause?: unknown,
): void {
  if (destroy === undefined) return;
  try {
    destroy(obj);
  } catch (error) {
    if (cause === undefined) throw error;
    throw new AggregateError(
      [cause, error],
      "Cannot release object: its reset and then its destroy threw",
    );
  }
}

/**
 * Throws the errors several `destroy` calls threw, together, once every
 * object was retired; does nothing when there are none.
 *
 * @param errors What the destroys threw.
 * @param action What failed, for the message (`"destroy objects"`,
 * `"trim pool"`).
 * @param counted How the count reads after the number: `"of them"`
 * (default) or `"objects"`.
 * @throws {AggregateError} `Cannot <action>: destroy threw for <n> <counted>`.
 *
 * @example
 * ```ts
 * import { throwDestroyErrors } from "./_slot_destroy.ts";
 *
 * throwDestroyErrors([], "destroy objects"); // nothing to throw
 * try {
 *   throwDestroyErrors([new Error("a"), new Error("b")], "destroy objects");
 * } catch (e) {
 *   console.log((e as Error).message); // Cannot destroy objects: destroy threw for 2 of them
 * }
 * ```
 */
export function throwDestroyErrors(
  errors: unknown[],
  action: string,
  counted = "of them",
): void {
  if (errors.length === 0) return;
  throw new AggregateError(
    errors,
    `Cannot ${action}: destroy threw for ${errors.length} ${counted}`,
  );
}
