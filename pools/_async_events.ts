/**
 * Where {@linkcode AsyncPool}'s parts send their events, private to
 * `pools/`. The mask mirrors which event types have listeners (kept by
 * `_event_listeners.ts`); every sender checks its bit first, so a type with
 * no listener costs one `&` and builds nothing.
 *
 * @module
 */

import { EVENT_BITS } from "./_event_listeners.ts";
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
