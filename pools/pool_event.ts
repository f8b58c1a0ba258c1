/**
 * {@linkcode PoolEvent}: the event an `AsyncPool` dispatches (it is an
 * `EventTarget`) for each step of an object's life: created, lent, returned,
 * held too long, leaked, destroyed, and the failures among them.
 *
 * @module
 */

import { quote, typeName } from "../quote.ts";
import { hookInspect } from "../_inspect.ts";

/** Whether the inspect hooks are on the prototype (installed by the first constructor). */
let inspectable = false;

/**
 * The types of {@linkcode PoolEvent}, and the fields each one carries:
 *
 * | type           | when                                                        | fields                      |
 * | -------------- | ----------------------------------------------------------- | --------------------------- |
 * | `create`       | the factory made an object                                  | `object`                    |
 * | `createerror`  | the factory threw, rejected or timed out (refills included) | `error`                     |
 * | `destroy`      | an object was destroyed                                     | `object`                    |
 * | `destroyerror` | `destroy` threw or rejected                                 | `object`, `error`           |
 * | `acquire`      | an object was lent                                          | `object`, `waitMs`          |
 * | `release`      | a borrowed object came back                                 | `object`, `heldMs`          |
 * | `timeout`      | an acquire gave up waiting                                  | `waitMs`, `error`           |
 * | `overdue`      | a borrow was held longer than `leakTimeout` (once)          | `object`, `heldMs`, `stack` |
 * | `leak`         | an owned handle was garbage-collected unreleased            | `object`                    |
 *
 * @example
 * ```ts
 * import type { PoolEventType } from "@fastalloc/fastalloc";
 *
 * const watched: PoolEventType[] = ["overdue", "createerror"];
 * console.log(watched.length); // 2
 * ```
 */
export type PoolEventType =
  | "create"
  | "createerror"
  | "destroy"
  | "destroyerror"
  | "acquire"
  | "release"
  | "timeout"
  | "overdue"
  | "leak";

const TYPES: readonly string[] = [
  "create",
  "createerror",
  "destroy",
  "destroyerror",
  "acquire",
  "release",
  "timeout",
  "overdue",
  "leak",
];

/**
 * The fields of a {@linkcode PoolEvent}; each is absent where it does not
 * apply to the event's type.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { PoolEvent, type PoolEventInit } from "@fastalloc/fastalloc";
 *
 * const init: PoolEventInit<{ id: number }> = { object: { id: 1 }, heldMs: 12 };
 * console.log(new PoolEvent("release", init).heldMs); // 12
 * ```
 */
export interface PoolEventInit<T> {
  /** The object the event is about. */
  object?: T;
  /** What a factory, a `destroy` or an acquire failed with. */
  error?: unknown;
  /** How long the acquire waited, in milliseconds. */
  waitMs?: number;
  /** How long the borrow has been held, in milliseconds. */
  heldMs?: number;
  /** The stack of the `acquire` that took the object (`overdue` only). */
  stack?: string;
}

function checkMs(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !(value >= 0) || value === Infinity) {
    throw new TypeError(
      `Cannot create PoolEvent: ${field} ${
        quote(value)
      } is not a non-negative finite number`,
    );
  }
  return value;
}

/**
 * An event of an `AsyncPool`'s life. Listen with
 * `pool.addEventListener(type, listener)`; the fields that do not apply to
 * an event's type are `undefined` (see {@linkcode PoolEventType}).
 *
 * @typeParam T The pooled object type.
 *
 * @example Dispatch and receive one
 * ```ts
 * import { PoolEvent } from "@fastalloc/fastalloc";
 *
 * const target = new EventTarget();
 * target.addEventListener("overdue", (event) => {
 *   const { object, heldMs } = event as PoolEvent<{ id: number }>;
 *   console.log(`connection ${object?.id} held for ${heldMs} ms`); // connection 7 held for 5000 ms
 * });
 * target.dispatchEvent(new PoolEvent("overdue", { object: { id: 7 }, heldMs: 5000 }));
 * ```
 */
export class PoolEvent<T = unknown> extends Event {
  #object: T | undefined;
  #error: unknown;
  #waitMs: number | undefined;
  #heldMs: number | undefined;
  #stack: string | undefined;

  /**
   * Makes an event.
   *
   * @param type One of the {@linkcode PoolEventType}s.
   * @param init The fields that apply to `type`.
   * @throws {TypeError} If `type` is not a pool event type, `init` is not
   * an object, `waitMs` or `heldMs` is not a non-negative finite number, or
   * `stack` is not a string.
   */
  constructor(type: PoolEventType, init: PoolEventInit<T> = {}) {
    if (!TYPES.includes(type)) {
      throw new TypeError(
        `Cannot create PoolEvent: type ${quote(type)} is not a pool event type`,
      );
    }
    if (init === null || typeof init !== "object") {
      throw new TypeError(
        `Cannot create PoolEvent: init ${quote(init)} is not an object`,
      );
    }
    const { object, error, waitMs, heldMs, stack } = init;
    if (stack !== undefined && typeof stack !== "string") {
      throw new TypeError(
        `Cannot create PoolEvent: stack ${quote(stack)} is not a string`,
      );
    }
    const wait = checkMs(waitMs, "waitMs");
    const held = checkMs(heldMs, "heldMs");
    super(type);
    if (!inspectable) {
      inspectable = hookInspect(
        PoolEvent.prototype,
        (h: PoolEvent) => h.#describe(),
      );
    }
    this.#object = object;
    this.#error = error;
    this.#waitMs = wait;
    this.#heldMs = held;
    this.#stack = stack;
  }

  /** The object the event is about (all but `createerror` and `timeout`). */
  get object(): T | undefined {
    return this.#object;
  }

  /** The failure (`createerror`, `destroyerror`, `timeout`). */
  get error(): unknown {
    return this.#error;
  }

  /** How long the acquire waited, in milliseconds (`acquire`, `timeout`). */
  get waitMs(): number | undefined {
    return this.#waitMs;
  }

  /** How long the borrow was held, in milliseconds (`release`, `overdue`). */
  get heldMs(): number | undefined {
    return this.#heldMs;
  }

  /**
   * The stack of the `acquire` that took the object (`overdue`, and only
   * when the pool has a `leakTimeout`).
   */
  get stack(): string | undefined {
    return this.#stack;
  }

  #describe(): string {
    const parts = [`type: "${this.type}"`];
    if (this.#object !== undefined) {
      parts.push(`object: ${typeName(this.#object)}`);
    }
    if (this.#error !== undefined) {
      parts.push(`error: ${typeName(this.#error)}`);
    }
    if (this.#waitMs !== undefined) parts.push(`waitMs: ${this.#waitMs}`);
    if (this.#heldMs !== undefined) parts.push(`heldMs: ${this.#heldMs}`);
    if (this.#stack !== undefined) {
      parts.push(`stack: ${this.#stack.split("\n").length} lines`);
    }
    return `PoolEvent { ${parts.join(", ")} }`;
  }
}
