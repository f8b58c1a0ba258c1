/**
 * Formats values for error messages, in the std style: every value quoted.
 * Shared by every folder of the library, so it is not folder-private; it is
 * not exported from `mod.ts` and not part of the public API.
 *
 * @module
 */

/**
 * Returns `value` as a short quoted string for an error message.
 *
 * @param value Any value, including primitives, functions and objects.
 * @returns The value in double quotes, e.g. `"1.5"`, `"abc"`, `"Foo instance"`.
 */
export function quote(value: unknown): string {
  return `"${describe(value)}"`;
}

function describe(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value.length > 40 ? `${value.slice(0, 37)}...` : value;
    case "function":
      return value.name ? `function ${value.name}` : "anonymous function";
    case "symbol":
      return value.toString();
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return `array of ${value.length}`;
      return `${typeName(value)} instance`;
    default:
      return String(value);
  }
}

/**
 * Returns the constructor name of a value, or its `typeof` for primitives.
 *
 * @param value Any value.
 * @returns A type name such as `"Particle"`, `"Object"`, `"number"` or `"null"`.
 */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object" && typeof value !== "function") {
    return typeof value;
  }
  const proto = Object.getPrototypeOf(value) as
    | { constructor?: unknown }
    | null;
  const ctor = proto?.constructor;
  return typeof ctor === "function" && ctor.name ? ctor.name : "Object";
}
