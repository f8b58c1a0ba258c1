/**
 * Where {@linkcode AsyncPool}'s parts send their events, private to
 * `pools/`. The mask mirrors which event types have listeners (kept by
 * `_event_listeners.ts`); every sender checks its bit first, so a type with
 * no listener costs one `&` and builds nothing.
 *
 * @module
 */

import { EVENT_BITS } from "./_event_listeners.ts";
import { clearTimer, setUnrefTimeout } from "./_async_timers.ts";
import {
  PoolEvent,
  type PoolEventInit,
  type PoolEventType,
} from "./pool_event.ts";

/** The event bits senders check before building an event. */
export const EV: Readonly<Record<PoolEventType, number>> = EVENT_BITS;

/** The pool's event target and the types that have listeners. */
export class EventSink<T> {
  /** The `EVENT_BITS` of the types with listeners now. */
  mask = 0;
  target: EventTarget | undefined = undefined;
  /** `leakTimeout`: borrows held longer are reported `overdue`. */
  leakTimeout: number | undefined = undefined;
  /** The overdue watch of each lent slot, if armed. */
  #watches: (Watch<T> | undefined)[] = [];

  /** Whether acquires should capture a stack for `overdue` now. */
  watching(): boolean {
    return this.leakTimeout !== undefined && (this.mask & EV.overdue) !== 0;
  }

  /** A borrow began: report it once if it outlives `leakTimeout`. */
  watch(slot: number, object: T, stack: string | undefined): void {
    if (!this.watching()) return;
    const watch: Watch<T> = {
      sink: this,
      slot,
      object,
      stack,
      since: performance.now(),
      timer: undefined,
    };
    watch.timer = setUnrefTimeout(onOverdue, this.leakTimeout!, watch);
    this.#watches[slot] = watch;
  }

  /** A borrow ended in time (or late: it was already reported). */
  unwatch(slot: number): void {
    const watch = this.#watches[slot];
    if (watch === undefined) return;
    this.#watches[slot] = undefined;
    clearTimer(watch.timer);
  }

  /** A watched borrow ran past `leakTimeout`. */
  overdue(watch: Watch<T>): void {
    if (this.#watches[watch.slot] !== watch) return;
    this.#watches[watch.slot] = undefined;
    const init: PoolEventInit<T> = {
      object: watch.object,
      heldMs: performance.now() - watch.since,
    };
    if (watch.stack !== undefined) init.stack = watch.stack;
    this.send("overdue", init);
  }

  /** Whether `type` has a listener. */
  wants(type: PoolEventType): boolean {
    return (this.mask & EV[type]) !== 0;
  }

  /** An `acquire` event; `started` is when the acquire began, in ns (0: unknown). */
  acquired(object: T, started: number, now: number): void {
    const waitMs = started > 0 ? (now - started) / 1e6 : 0;
    this.send("acquire", { object, waitMs });
  }

  /** Dispatches a `type` event if it has a listener (check `wants` first on hot paths). */
  send(type: PoolEventType, init: PoolEventInit<T>): void {
    if ((this.mask & EV[type]) !== 0) {
      this.target?.dispatchEvent(new PoolEvent<T>(type, init));
    }
  }
}

/** One watched borrow. */
interface Watch<T> {
  readonly sink: EventSink<T>;
  readonly slot: number;
  readonly object: T;
  readonly stack: string | undefined;
  readonly since: number;
  timer: unknown;
}

function onOverdue<T>(watch: Watch<T>): void {
  watch.sink.overdue(watch);
}
