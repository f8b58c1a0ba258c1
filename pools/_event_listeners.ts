/**
 * Which pool event types have listeners, kept exact as listeners come and
 * go, so a pool builds and dispatches an event only when someone listens.
 * Private to `pools/`.
 *
 * An `EventTarget` cannot be asked whether it has listeners, so the pool
 * overrides `addEventListener`/`removeEventListener` and mirrors them here.
 * The mirror follows the DOM rules: a listener is keyed by itself and its
 * capture flag (adding it twice adds it once), a listener whose `signal`
 * aborts is gone, and a `once` listener is gone once it has run (it is
 * registered through a small wrapper that forgets it first, as the DOM does).
 * Counting is by type, so the check on a hot path is one `&` of a mask.
 *
 * @module
 */

import type { PoolEventType } from "./pool_event.ts";

/** One bit per pool event type, for a single-`&` check on hot paths. */
export const EVENT_BITS: Readonly<Record<PoolEventType, number>> = {
  create: 1,
  createerror: 2,
  destroy: 4,
  destroyerror: 8,
  acquire: 16,
  release: 32,
  timeout: 64,
  overdue: 128,
  leak: 256,
};

type Listener = EventListenerOrEventListenerObject;
/** The options of an `addEventListener` call. */
type Added = boolean | AddEventListenerOptions | undefined;
/** The options of a `removeEventListener` call. */
type Removed = boolean | EventListenerOptions | undefined;

/** What was registered with the `EventTarget` for one listener. */
interface Entry {
  /** The listener itself, or its `once` wrapper. */
  readonly registered: Listener;
}

/** The `EventTarget` method a registration goes through. */
export type Register = (
  type: string,
  listener: Listener | null,
  options?: boolean | AddEventListenerOptions | EventListenerOptions,
) => void;

function bitOf(type: unknown): number {
  return typeof type === "string" && Object.hasOwn(EVENT_BITS, type)
    ? EVENT_BITS[type as PoolEventType]
    : 0;
}

function captureOf(
  options: boolean | EventListenerOptions | undefined,
): boolean {
  return typeof options === "boolean"
    ? options
    : options !== null && typeof options === "object" &&
      Boolean(options.capture);
}

/**
 * How a registry reaches its target, and whom it tells of changes.
 *
 * @example
 * ```ts
 * import { ListenerRegistry, type RegistryOptions } from "./_event_listeners.ts";
 *
 * const target = new EventTarget();
 * const options: RegistryOptions = {
 *   register: (t, l, o) => target.addEventListener(t, l, o),
 *   unregister: (t, l, o) => target.removeEventListener(t, l, o),
 * };
 * const registry = new ListenerRegistry(options);
 * registry.add("acquire", () => {}, undefined);
 * console.log(registry.mask); // 16
 * ```
 */
export interface RegistryOptions {
  /** The target's own `addEventListener` (its `super` method). */
  register: Register;
  /** The target's own `removeEventListener` (its `super` method). */
  unregister: Register;
  /**
   * Called after the mask changed, whoever changed it (an add, a remove, a
   * `once` listener that ran, a signal that aborted).
   */
  changed?: () => void;
}

/**
 * The pool event types that have listeners now, as a bit mask.
 *
 * @example
 * ```ts
 * import { EVENT_BITS, ListenerRegistry } from "./_event_listeners.ts";
 *
 * const target = new EventTarget();
 * const registry = new ListenerRegistry({
 *   register: (t, l, o) => target.addEventListener(t, l, o),
 *   unregister: (t, l, o) => target.removeEventListener(t, l, o),
 * });
 * const log = () => {};
 * registry.add("release", log, { once: true });
 * console.log(registry.mask === EVENT_BITS.release); // true
 * registry.remove("release", log, undefined);
 * console.log(registry.mask); // 0
 * ```
 */
export class ListenerRegistry {
  /** Per event type: the listeners without capture, then those with. */
  #byType = new Map<string, [Map<Listener, Entry>, Map<Listener, Entry>]>();
  #mask = 0;
  readonly #options: RegistryOptions;

  /**
   * @param options The target's own add and remove methods, and whom to
   * tell when the mask changes.
   */
  constructor(options: RegistryOptions) {
    this.#options = options;
  }

  /** The {@linkcode EVENT_BITS} of the types with at least one listener. */
  get mask(): number {
    return this.#mask;
  }

  /**
   * Registers `listener` with the target (its `super.addEventListener`) and
   * counts it. Anything the target rejects throws before it is counted.
   */
  add(type: string, listener: Listener | null, options: Added): void {
    const register = this.#options.register;
    const bit = bitOf(type);
    if (
      bit === 0 ||
      (typeof listener !== "function" &&
        (typeof listener !== "object" || listener === null))
    ) {
      // Not a type the pool dispatches, or nothing to add: nothing to count.
      register(type, listener, options);
      return;
    }
    const capture = captureOf(options);
    const lists = this.#lists(type);
    const list = capture ? lists[1] : lists[0];
    if (list.has(listener)) return; // the target would ignore it too
    const object = typeof options === "object" && options !== null
      ? options
      : undefined;
    const signal = object?.signal;
    const once = Boolean(object?.once);
    let registered: Listener = listener;
    if (once || signal !== undefined) {
      // A wrapper of its own per registration: `once` forgets it before it
      // runs (as the DOM removes it), and an old signal's abort can then
      // only remove its own registration (Node's EventTarget removes by
      // listener, so it would also drop the listener added again since).
      registered = function (this: unknown, event: Event): void {
        if (once) forget();
        if (typeof listener === "function") listener.call(this, event);
        else listener.handleEvent(event);
      };
    }
    const forget = (): void => this.#forget(type, capture, listener, entry);
    register(
      type,
      registered,
      registered === listener
        ? options
        : { capture, passive: object?.passive, signal, once },
    );
    if (signal?.aborted) return; // the target added nothing
    const entry: Entry = { registered };
    list.set(listener, entry);
    if ((this.#mask & bit) === 0) {
      this.#mask |= bit;
      this.#options.changed?.();
    }
    signal?.addEventListener(
      "abort",
      () => this.#forget(type, capture, listener, entry),
      { once: true },
    );
  }

  /**
   * Unregisters `listener` from the target (its `super.removeEventListener`)
   * and stops counting it.
   */
  remove(type: string, listener: Listener | null, options: Removed): void {
    const unregister = this.#options.unregister;
    const bit = bitOf(type);
    const capture = bit === 0 ? false : captureOf(options);
    const entry = bit === 0 || listener === null || listener === undefined
      ? undefined
      : this.#byType.get(type)?.[capture ? 1 : 0].get(listener);
    if (entry === undefined) {
      unregister(type, listener, options);
      return;
    }
    // As an object: Node's EventTarget ignores a boolean here.
    unregister(type, entry.registered, { capture });
    this.#forget(type, capture, listener!, entry);
  }

  #lists(type: string): [Map<Listener, Entry>, Map<Listener, Entry>] {
    let lists = this.#byType.get(type);
    if (lists === undefined) {
      lists = [new Map(), new Map()];
      this.#byType.set(type, lists);
    }
    return lists;
  }

  /** Stops counting `listener` if `entry` is still its registration. */
  #forget(type: string, capture: boolean, listener: Listener, entry: Entry) {
    const lists = this.#byType.get(type);
    if (lists === undefined) return;
    const list = capture ? lists[1] : lists[0];
    if (list.get(listener) !== entry) return; // removed, maybe added again
    list.delete(listener);
    if (lists[0].size === 0 && lists[1].size === 0) {
      this.#mask &= ~bitOf(type);
      this.#options.changed?.();
    }
  }
}
