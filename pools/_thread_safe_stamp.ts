/**
 * How a `ThreadSafePool` finds the slot of one of its wrappers without
 * running user code: a private field stamped onto the wrapper. Private to
 * `pools/`.
 *
 * A private field is the wrapper's own and exact: `#slot in x` is false for
 * an object that inherits from a wrapper (`Object.create(wrapper)`) or
 * forwards to it (`new Proxy(wrapper, …)`, revoked or not), and neither
 * reading nor testing it ever runs a getter or a proxy trap. A stamp cannot
 * be deleted, so a dropped wrapper is stamped -1 ("not lent by any pool").
 *
 * @module
 */

/** Returns its argument from `super()`, so a subclass stamps any object. */
class Stampable {
  constructor(target: object) {
    return target;
  }
}

/** Adds the private slot field to an existing object. */
class SlotStamp extends Stampable {
  #slot: number;

  constructor(target: object, slot: number) {
    super(target);
    this.#slot = slot;
  }

  /** The stamp of `target`, or -1 when it has none. */
  static read(target: object): number {
    return #slot in target ? target.#slot : -1;
  }

  /** Stamps `target` (again); `false` if the engine refuses the field. */
  static write(target: object, slot: number): boolean {
    if (#slot in target) {
      target.#slot = slot;
      return true;
    }
    try {
      new SlotStamp(target, slot);
      return true;
    } catch {
      // An engine where non-extensible objects refuse new private fields.
      return false;
    }
  }
}

/**
 * The slot a wrapper is stamped with: -1 for anything else (a primitive, an
 * unstamped object, an object inheriting from or proxying a wrapper).
 */
export function slotOfWrapper(value: unknown): number {
  return value !== null && typeof value === "object"
    ? SlotStamp.read(value)
    : typeof value === "function"
    ? SlotStamp.read(value)
    : -1;
}

/**
 * Stamps a wrapper with its slot (or -1 when it is dropped).
 *
 * @returns `false` if the object cannot take the stamp (the caller then
 * keeps the slot in a side table).
 */
export function stampWrapper(target: object, slot: number): boolean {
  return SlotStamp.write(target, slot);
}

/**
 * A key argument for an error message, without running user code: numbers
 * bare, strings quoted, everything else by its kind.
 */
export function describeKey(value: unknown): string {
  switch (typeof value) {
    case "number":
      return String(value);
    case "string":
      return JSON.stringify(
        value.length > 40 ? `${value.slice(0, 37)}...` : value,
      );
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "undefined";
    case "boolean":
      return String(value);
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      return value === null ? "null" : "an object";
  }
}

/**
 * The constructor name of an object for an error message, read only from
 * data properties, and "Object" whenever that would run user code or fails
 * (a getter, a proxy trap that throws, a revoked proxy).
 */
export function safeTypeName(value: unknown): string {
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
    return "Object";
  }
}

/**
 * `value instanceof type`; `true` when asking runs into a throwing proxy
 * trap (such a value cannot be told apart, so it is reported as foreign,
 * not as a type mismatch).
 */
export function safeInstanceOf(
  value: unknown,
  type: abstract new (...args: never[]) => unknown,
): boolean {
  try {
    return value instanceof type;
  } catch {
    return true;
  }
}

/** A value for an error message, quoted as `quote()` does, without user code. */
export function safeQuote(value: unknown): string {
  switch (typeof value) {
    case "object": {
      if (value === null) return `"null"`;
      try {
        if (Array.isArray(value)) {
          const length = Object.getOwnPropertyDescriptor(value, "length")
            ?.value;
          if (typeof length === "number") return `"array of ${length}"`;
        }
      } catch {
        // A revoked proxy: described by kind below.
      }
      return `"${safeTypeName(value)} instance"`;
    }
    case "function": {
      let name: unknown;
      try {
        name = Object.getOwnPropertyDescriptor(value, "name")?.value;
      } catch {
        // A revoked proxy of a function.
      }
      return typeof name === "string" && name !== ""
        ? `"function ${name}"`
        : `"anonymous function"`;
    }
    case "symbol":
      return `"Symbol(${value.description ?? ""})"`;
    case "string":
      return `"${value.length > 40 ? `${value.slice(0, 37)}...` : value}"`;
    default:
      return `"${String(value)}"`;
  }
}
