/**
 * Validates a pool constructor's arguments in either of its two call forms,
 * `(type, options)` and `(options)`, telling them apart once for every pool
 * that has both. Private to `pools/`.
 *
 * @module
 */

/**
 * Sorts a pool constructor's arguments into the class (if one was given)
 * and the options, and validates them. With a second argument the first is
 * the type, even when it is not a class, so validation names the real
 * mistake; with one, it is the type only if it is a function.
 *
 * @typeParam S The validated settings.
 * @param first The constructor's first argument.
 * @param second Its second argument, if any.
 * @param validate The pool's options validator.
 * @param where The pool's class name, for the validator's messages.
 * @returns What `validate` returns.
 *
 * @example
 * ```ts
 * import { validateArguments } from "./_pool_arguments.ts";
 * import { validatePoolOptions } from "../config/_options.ts";
 *
 * class Point { x = 0; }
 * const settings = validateArguments(Point, { capacity: 2 }, validatePoolOptions, "FixedPool");
 * console.log(settings.type === Point, settings.capacity); // true 2
 * ```
 */
export function validateArguments<S>(
  first: unknown,
  second: unknown,
  validate: (type: never, options: never, where: string) => S,
  where: string,
): S {
  const type = typeof first === "function" || second !== undefined
    ? first
    : undefined;
  return validate(
    type as never,
    (type === undefined ? first : second) as never,
    where,
  );
}
