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
    case "function": {
      // The own data property only: a static `name` getter is user code.
      const name = ownName(value);
      return name ? `function ${name}` : "anonymous function";
    }
    case "symbol":
      return value.toString();
    case "object":
      if (value === null) return "null";
      if (isArray(value)) return `array of ${ownLength(value)}`;
      return `${typeName(value)} instance`;
    default:
      return String(value);
  }
}

/**
 * Returns the constructor name of a value, or its `typeof` for primitives.
 * Safe on any value: it calls no getter (the `constructor` is read from the
 * prototype's own data property only) and turns a Proxy that throws (a
 * revoked one, say) into `"Proxy"`. A Proxy's `getPrototypeOf` and
 * `getOwnPropertyDescriptor` traps are the only user code it can reach;
 * whatever they throw is swallowed.
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
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === null) return "Object";
    const ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
    if (typeof ctor !== "function") return "Object";
    const name = Object.getOwnPropertyDescriptor(ctor, "name")?.value;
    return typeof name === "string" && name !== "" ? name : "Object";
  } catch {
    return "Proxy";
  }
}

function ownName(fn: unknown): string {
  try {
    const name = Object.getOwnPropertyDescriptor(fn, "name")?.value;
    return typeof name === "string" ? name : "";
  } catch {
    return "";
  }
}

function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false; // a revoked Proxy
  }
}

function ownLength(value: unknown): string {
  try {
    return String(Object.getOwnPropertyDescriptor(value, "length")?.value);
  } catch {
    return "unknown length";
  }
}
