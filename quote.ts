/**
 * Shows values in error messages, the one way every part of the library
 * uses (the README's "Errors"): a value as code would write it — strings in
 * double quotes, numbers, bigints, booleans, `null` and `undefined` bare —
 * and any other value by its kind (`an object`, `an array`, `a function`,
 * `a symbol`, `a revoked Proxy`), never by running user code: no getter,
 * no proxy trap, no `toString`/`valueOf`/`Symbol.toPrimitive` runs.
 * Shared by every folder of the library, so it is not folder-private; it is
 * not exported from `mod.ts` and not part of the public API.
 *
 * @module
 */

/**
 * Returns `value` as an error message shows it, without running user code.
 *
 * @param value Any value, including primitives, functions, objects and
 * proxies (revoked or with throwing traps).
 * @returns `"abc"` (strings in double quotes, longer than 40 characters
 * shortened), `-1.5`, `NaN`, `10n`, `true`, `null`, `undefined`, or the
 * value's kind: `an object`, `an array`, `a function`, `a symbol`,
 * `a revoked Proxy`.
 */
export function quote(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(
        value.length > 40 ? `${value.slice(0, 37)}...` : value,
      );
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
    case "undefined":
      return String(value);
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      if (value === null) return "null";
      // Array.isArray runs no trap; it throws only for a revoked Proxy.
      try {
        return Array.isArray(value) ? "an array" : "an object";
      } catch {
        return "a revoked Proxy";
      }
  }
}

/**
 * Returns the constructor name of a value, or its `typeof` for primitives,
 * for the type names of a `TypeMismatchError`. It calls no getter (the
 * `constructor` is read from the prototype's own data property only) and
 * turns a Proxy that throws (a revoked one, say) into `"Proxy"`. A Proxy's
 * `getPrototypeOf` and `getOwnPropertyDescriptor` traps are the only user
 * code it can reach (no engine can tell a Proxy apart without them);
 * whatever they throw is swallowed. Messages show the name as a string:
 * `quote(typeName(value))`.
 *
 * @param value Any value.
 * @returns A type name such as `"Particle"`, `"Object"`, `"number"` or `"null"`.
 */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object" && typeof value !== "function") {
    return typeof value;
  }
  try {
    // A null prototype has no constructor: "Object", as for a nameless one.
    const proto = (Object.getPrototypeOf(value) ?? {}) as object;
    const ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
    return className(ctor) || "Object";
  } catch {
    return "Proxy";
  }
}

/**
 * Returns a class's name as its own `name` data property holds it, or `""`
 * when it has none (an anonymous class, a `static get name()`, not a
 * function): read without running a user's getter. Messages show it as a
 * string: `quote(className(type))`. A Proxy's `getOwnPropertyDescriptor`
 * trap is the only user code it can reach; what that throws propagates.
 *
 * @param type A class (any value is accepted).
 * @returns The name, or `""`.
 *
 * @example
 * ```ts
 * import { className } from "./quote.ts";
 *
 * class Vec { static get label() { return "v"; } }
 * class Odd { static get name() { throw new Error("user code ran"); } }
 * console.log(className(Vec), JSON.stringify(className(Odd)), className(5)); // Vec "" (empty)
 * ```
 */
export function className(type: unknown): string {
  if (typeof type !== "function") return "";
  const name: unknown = Object.getOwnPropertyDescriptor(type, "name")?.value;
  return typeof name === "string" ? name : "";
}
