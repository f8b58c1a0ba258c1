/**
 * How {@linkcode AsyncPool} follows its event listeners, private to `pools/`:
 * which calls leave the fast paths while someone listens, the borrow records
 * kept for them (`heldMs`, overdue borrows), and the `acquire`, `release`
 * and `overdue` events. With no listener none of this runs.
 *
 * @module
 */

import { nowNs } from "../_clock.ts";
import { BorrowWatch } from "./_async_borrows.ts";
import { EV, type EventSink } from "./_async_events.ts";
import type { SlotTable } from "./_async_slots.ts";
import type { Timing } from "./_async_waiters.ts";
import { MODE_EVENTS } from "./_modes.ts";

/**
 * The mode bits listeners switch: the pool's fast-path gates.
 *
 * @example
 * ```ts
 * import type { Modes } from "./_async_listening.ts";
 *
 * const modes: Modes = { acquireMode: 0, releaseMode: 0 };
 * console.log(modes.acquireMode === 0); // true: the fast path is open
 * ```
 */
export interface Modes {
  /** Non-zero when acquire must take the general path. */
  acquireMode: number;
  /** Non-zero when release must take the general path. */
  releaseMode: number;
}

/**
 * The listeners of one pool, as they affect its paths: the event mask, the
 * mode bits, and the borrow records while a listener needs them.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { Listening } from "./_async_listening.ts";
 * import { EV, EventSink } from "./_async_events.ts";
 * import { SlotTable } from "./_async_slots.ts";
 *
 * const modes = { acquireMode: 0, releaseMode: 0 };
 * const listening = new Listening(modes, {
 *   slots: new SlotTable(4, false),
 *   events: new EventSink(),
 *   leakTimeout: undefined,
 * });
 * listening.follow(EV.acquire);
 * console.log(modes.acquireMode !== 0, modes.releaseMode); // true 0
 * ```
 */
export class Listening<T extends object> {
  readonly #modes: Modes;
  readonly #slots: SlotTable<T>;
  readonly #events: EventSink<T>;
  readonly #leakTimeout: number | undefined;
  /** Borrow records (lend times, stacks), while a listener needs them. */
  #watch: BorrowWatch | undefined = undefined;

  /**
   * @param modes Where the mode bits live (the pool's core).
   * @param parts The slot table, the event sink and `leakTimeout`.
   */
  constructor(modes: Modes, parts: {
    slots: SlotTable<T>;
    events: EventSink<T>;
    leakTimeout: number | undefined;
  }) {
    this.#modes = modes;
    this.#slots = parts.slots;
    this.#events = parts.events;
    this.#leakTimeout = parts.leakTimeout;
  }

  /** Whether acquires capture their stack (`leakTimeout` and an `overdue` listener). */
  get stacks(): boolean {
    return this.#watch?.leakTimeout !== undefined;
  }

  /**
   * Follows the listeners (on every change of their mask): which calls
   * leave the fast paths, and whether borrows are recorded and watched.
   */
  follow(mask: number): void {
    this.#events.mask = mask;
    const overdue = this.#leakTimeout !== undefined &&
      (mask & EV.overdue) !== 0;
    // Acquire listeners, and borrows to record (release's heldMs, overdue),
    // move acquire off the fast path; release listeners move release.
    const a = (mask & (EV.acquire | EV.release)) !== 0 || overdue
      ? MODE_EVENTS
      : 0;
    const r = (mask & EV.release) !== 0 ? MODE_EVENTS : 0;
    const modes = this.#modes;
    modes.acquireMode = (modes.acquireMode & ~MODE_EVENTS) | a;
    modes.releaseMode = (modes.releaseMode & ~MODE_EVENTS) | r;
    if (overdue || (mask & EV.release) !== 0) {
      this.#watch ??= new BorrowWatch({
        generations: () => this.#slots.generations,
        overdue: (slot, heldMs, stack) => {
          const object = this.#slots.objects[slot]!;
          this.#events.send(
            "overdue",
            stack === undefined
              ? { object, heldMs }
              : { object, heldMs, stack },
          );
        },
      });
    }
    const watch = this.#watch;
    if (watch !== undefined) {
      watch.leakTimeout = overdue ? this.#leakTimeout : undefined;
      if (overdue) watch.resume();
      else watch.stop();
    }
  }

  /** Tells `acquire` listeners; records the borrow for `heldMs` and overdue. */
  lent(slot: number, timing: Timing, mask: number): void {
    const watch = this.#watch;
    // Recorded for a release listener (heldMs) or watched for overdue.
    const record = watch !== undefined &&
      ((mask & EV.release) !== 0 || watch.leakTimeout !== undefined);
    // The clock is read only when a time is needed: a record (for heldMs and
    // overdue), or the wait of an acquire that waited (or is timed).
    const now = record || timing.started !== 0 ? nowNs() : 0;
    if (record) {
      const generation = this.#slots.generations[slot]!;
      watch.lent(slot, generation, timing.stack, now / 1e6);
    }
    if ((mask & EV.acquire) !== 0) {
      this.#events.acquired(this.#slots.objects[slot]!, timing.started, now);
    }
  }

  /**
   * The borrow of `generation` in `slot` ended: forgets its record and tells
   * `release` listeners how long it was held.
   */
  ended(slot: number, generation: number): void {
    const watch = this.#watch;
    if (watch === undefined) return;
    if ((this.#events.mask & EV.release) === 0) {
      // Only overdue is watched: no release listener, no clock read.
      watch.ended(slot);
      return;
    }
    const heldMs = watch.heldMs(slot, generation);
    watch.ended(slot);
    const object = this.#slots.objects[slot]!;
    this.#events.send(
      "release",
      heldMs === undefined ? { object } : { object, heldMs },
    );
  }
}
