/**
 * Splitting the arguments of the pools' overloaded entry points, where a
 * class may come first: `(type, options)` or `(options)` for constructors,
 * `(type, descriptor, options)` or `(descriptor, options)` for `attach`;
 * and the validation of a constructor's arguments in either form.
 * Private to `pools/`.
 *
 * @module
 */

/**
 * The arguments of an overloaded constructor, split.
 *
 * @typeParam C The class type.
 * @typeParam O The options type.
 *
 * @example
 * ```ts
 * import { type TypeAndOptions, typeAndOptions } from "./_overloads.ts";
 *
 * const split: TypeAndOptions<never, { capacity: number }> = typeAndOptions<never, { capacity: number }>({ capacity: 2 }, undefined);
 * console.log(split.type, split.options); // undefined { capacity: 2 }
 * ```
 */
export interface TypeAndOptions<C, O> {
  /** The class, when one came first. */
  readonly type: C | undefined;
  /** The options. */
  readonly options: O | undefined;
}

// typeAndOptions asks validateArguments, which decides which form a call
// used: the decision is written once.
function pair<C, O>(
  type: C | undefined,
  options: O | undefined,
): TypeAndOptions<C, O> {
  return { type, options };
}

/**
 * Splits `(type, options)` from `(options)`. With a second argument the
 * first is the type even when it is not a class, so that validation names
 * the real mistake (a bad type, not bad options).
 *
 * @typeParam C The class type.
 * @typeParam O The options type.
 * @param typeOrOptions The first argument.
 * @param options The second argument.
 * @returns The class (or `undefined`) and the options.
 *
 * @example
 * ```ts
 * import { typeAndOptions } from "./_overloads.ts";
 *
 * class Point { x = 0; }
 * console.log(typeAndOptions(Point, { capacity: 2 }).type === Point); // true
 * console.log(typeAndOptions({ capacity: 2 }, undefined).type); // undefined
 * ```
 */
export function typeAndOptions<C, O>(
  typeOrOptions: C | O,
  options: O | undefined,
): TypeAndOptions<C, O> {
  return validateArguments<TypeAndOptions<C, O>>(
    typeOrOptions,
    options,
    pair,
    "",
  );
}

/**
 * The arguments of an overloaded `attach`, split. The descriptor is not
 * checked yet: the caller does.
 *
 * @typeParam C The class type.
 * @typeParam O The options type.
 *
 * @example
 * ```ts
 * import { type AttachArguments, attachArguments } from "./_overloads.ts";
 *
 * const split: AttachArguments<never, object> = attachArguments<never, object>({ kind: "x" }, {}, undefined);
 * console.log(split.type, split.descriptor); // undefined { kind: "x" }
 * ```
 */
export interface AttachArguments<C, O> {
  /** The class, when one came first. */
  readonly type: C | undefined;
  /** What should be a descriptor from `share()`. */
  readonly descriptor: unknown;
  /** The options. */
  readonly options: O | undefined;
}

/**
 * Splits `(type, descriptor, options)` from `(descriptor, options)`: a
 * function first is the type.
 *
 * @typeParam C The class type.
 * @typeParam O The options type.
 * @param first The type or the descriptor.
 * @param second The descriptor or the options.
 * @param third The options after a type and a descriptor.
 * @returns The class (or `undefined`), the descriptor and the options.
 *
 * @example
 * ```ts
 * import { attachArguments } from "./_overloads.ts";
 *
 * class Cell { n = 0; }
 * const descriptor = { kind: "x" };
 * const split = attachArguments(Cell, descriptor, { reset: "clear" });
 * console.log(split.type === Cell, split.descriptor === descriptor, split.options); // true true { reset: "clear" }
 * ```
 */
export function attachArguments<C, O>(
  first: unknown,
  second: unknown,
  third: O | undefined,
): AttachArguments<C, O> {
  return typeof first === "function"
    ? { type: first as C, descriptor: second, options: third }
    : { type: undefined, descriptor: first, options: second as O | undefined };
}

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
 * import { validateArguments } from "./_overloads.ts";
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
  return typeof first === "function" || second !== undefined
    ? validate(first as never, second as never, where)
    : validate(undefined as never, first as never, where);
}
