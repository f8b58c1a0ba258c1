/**
 * How a `ThreadSafePool` finds the slot of one of its wrappers without
 * running user code: a private field stamped onto the wrapper. Private to
 * `pools/`.
 *
 * A private field is the wrapper's own and exact: `#slot in x` is false for
 * an object that inherits from a wrapper (`Object.create(wrapper)`) or
 * forwards to it (`new Proxy(wrapper, …)`, revoked or not), and neither
 * reading nor testing it ever runs a getter or a proxy trap. A stamp cannot
 * be deleted, so a retired wrapper is stamped -1 ("not lent by any pool").
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
 *
 * @param value Anything.
 * @returns The slot, or -1.
 *
 * @example
 * ```ts
 * import { slotOfWrapper, stampWrapper } from "./_thread_safe_stamp.ts";
 *
 * const wrapper = {};
 * stampWrapper(wrapper, 3);
 * console.log(slotOfWrapper(wrapper), slotOfWrapper(Object.create(wrapper))); // 3 -1
 * ```
 */
export function slotOfWrapper(value: unknown): number {
  return value !== null && typeof value === "object"
    ? SlotStamp.read(value)
    : typeof value === "function"
    ? SlotStamp.read(value)
    : -1;
}

/**
 * Stamps a wrapper with its slot (or -1 when it is retired).
 *
 * @param target The wrapper.
 * @param slot Its slot, or -1.
 * @returns `false` if the object cannot take the stamp (the caller then
 * keeps the slot in a side table).
 *
 * @example
 * ```ts
 * import { slotOfWrapper, stampWrapper } from "./_thread_safe_stamp.ts";
 *
 * const wrapper = {};
 * console.log(stampWrapper(wrapper, 0), stampWrapper(wrapper, -1), slotOfWrapper(wrapper)); // true true -1
 * ```
 */
export function stampWrapper(target: object, slot: number): boolean {
  return SlotStamp.write(target, slot);
}

/**
 * `value instanceof type`; `true` when asking runs into a throwing proxy
 * trap (such a value cannot be told apart, so it is reported as foreign,
 * not as a type mismatch).
 *
 * @param value Anything.
 * @param type The pool's type.
 * @returns Whether `value` is an instance, or asking threw.
 *
 * @example
 * ```ts
 * import { safeInstanceOf } from "./_thread_safe_stamp.ts";
 *
 * const revocable = Proxy.revocable({}, {});
 * revocable.revoke();
 * console.log(safeInstanceOf([], Array), safeInstanceOf({}, Array), safeInstanceOf(revocable.proxy, Array)); // true false true
 * ```
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
