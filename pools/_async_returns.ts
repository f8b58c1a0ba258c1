/**
 * How a borrow of {@linkcode AsyncPool} ends when the fast release path
 * cannot end it, private to `pools/`: a release with statistics, `reset`,
 * limits, idle timing, listeners or after close; a `discard`; a misuse (the
 * rejection that says why); a leak (an owned handle collected unreleased).
 *
 * State first, then the callback: the borrow is ended (generation, counts,
 * event) before `reset` or `destroy` runs.
 *
 * @module
 */

import type { LeakInfo, PoolType } from "../config/options.ts";
import { nowNs } from "../_clock.ts";
import type { StatsCollector } from "../stats/stats_collector.ts";
import type { Checker } from "./_async_checks.ts";
import type { Destroyer } from "./_async_destroyer.ts";
import type { EventSink } from "./_async_events.ts";
import type { Listening } from "./_async_listening.ts";
import type { SlotTable } from "./_async_slots.ts";
import { misuseError } from "./_misuse.ts";
import { isThenable } from "./_thenable.ts";

/**
 * Shared by every release that finishes synchronously: no allocation.
 *
 * @example
 * ```ts
 * import { RESOLVED } from "./_async_returns.ts";
 *
 * await RESOLVED; // already settled
 * console.log(RESOLVED instanceof Promise); // true
 * ```
 */
export const RESOLVED: Promise<void> = /* @__PURE__ */ Promise.resolve();

/**
 * What the ends of borrows ask of their pool (the core is one).
 *
 * @example
 * ```ts
 * import { AsyncCore } from "./_async_core.ts";
 * import type { ReturnsOwner } from "./_async_returns.ts";
 *
 * const core = new AsyncCore(undefined, { capacity: 1, factory: () => ({}) });
 * const owner: ReturnsOwner = core;
 * console.log(owner.inUse, owner.closed); // 0 false
 * ```
 */
export interface ReturnsOwner {
  /** Objects lent now (a return counts it down). */
  inUse: number;
  /** Whether the pool is closed (returned objects are destroyed then). */
  readonly closed: boolean;
  /** Puts an available object to use; `checked` skips validate and limits. */
  serve(slot: number, checked: boolean): void;
  /** Replaces retired objects: waiters first, then up to `min`. */
  replenish(): void;
  /** Something settled: the pool may be quiet now (drain, close). */
  settled(): void;
}

/**
 * The callbacks and parts the ends of borrows use.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import type { ReturnsParts } from "./_async_returns.ts";
 *
 * type Needs = keyof ReturnsParts<object>;
 * const reset: Needs = "reset";
 * console.log(reset); // reset
 * ```
 */
export interface ReturnsParts<T extends object> {
  readonly slots: SlotTable<T>;
  readonly stats: StatsCollector | undefined;
  readonly checker: Checker<T>;
  readonly destroyer: Destroyer<T>;
  readonly events: EventSink<T>;
  readonly listening: Listening<T>;
  readonly type: PoolType<T> | undefined;
  readonly reset: ((obj: T) => void | Promise<void>) | undefined;
  readonly onLeak: ((info: LeakInfo<unknown>) => void) | undefined;
}

/**
 * Ends borrows of one pool: release, discard, misuse, leak.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { AsyncCore } from "./_async_core.ts";
 *
 * const core = new AsyncCore(undefined, { capacity: 1, factory: () => ({}), reset: () => {} });
 * const obj = await core.acquires.acquire(undefined);
 * await core.returns.release(obj, core.slots.borrowedSlot(obj)); // reset, then idle
 * await core.returns.reject(obj, "release").catch((e) => console.log(e.message));
 * // Cannot release object: it was already released
 * ```
 */
export class Returns<T extends object> {
  readonly #owner: ReturnsOwner;
  readonly #parts: ReturnsParts<T>;

  constructor(owner: ReturnsOwner, parts: ReturnsParts<T>) {
    this.#owner = owner;
    this.#parts = parts;
  }

  /** Release with statistics, reset, limits, idle timing, or while closing. */
  release(obj: T, slot: number): Promise<void> {
    const { stats, checker, reset } = this.#parts;
    const started = stats !== undefined && stats.sampleRelease() ? nowNs() : 0;
    this.#end(slot);
    if (this.#owner.closed || checker.expired(slot)) return this.#retire(slot);
    if (reset !== undefined) {
      // Busy while it runs: neither lent nor idle, and close() waits for it.
      checker.busy++;
      let result: void | Promise<void>;
      try {
        result = reset(obj);
      } catch {
        checker.busy--;
        return this.#resetFailed(slot);
      }
      if (isThenable(result)) {
        return Promise.resolve(result).then(() => {
          checker.busy--;
          stats?.recordReset();
          this.#returned(slot, started);
        }, () => {
          checker.busy--;
          return this.#resetFailed(slot);
        });
      }
      checker.busy--;
      stats?.recordReset();
    }
    this.#returned(slot, started);
    return RESOLVED;
  }

  /** `AsyncPool.discard`. */
  discard(obj: T): Promise<void> {
    const slot = this.#parts.slots.borrowedSlot(obj);
    if (slot < 0) return this.reject(obj, "discard");
    this.#end(slot);
    return this.#retire(slot);
  }

  /** The rejection that explains why `obj` is not a live borrow. */
  reject(obj: unknown, action: "release" | "discard"): Promise<never> {
    const { slots, type } = this.#parts;
    return Promise.reject(
      misuseError(obj, action, type, slots.lentBefore(obj)),
    );
  }

  /** Counts a leaked borrow and calls `onLeak`; never throws (GC callback). */
  leaked(obj: T, generation: number): void {
    const { stats, events, onLeak } = this.#parts;
    stats?.recordLeak();
    if (events.wants("leak")) events.send("leak", { object: obj });
    try {
      onLeak?.({ object: obj, generation, pool: "AsyncPool" });
    } catch (error) {
      console.error("fastalloc: onLeak threw", error);
    }
  }

  /** Ends the borrow in `slot` before any callback runs (state first). */
  #end(slot: number): void {
    const generations = this.#parts.slots.generations;
    const generation = generations[slot]!;
    generations[slot] = generation + 1;
    this.#owner.inUse--;
    this.#parts.stats?.recordRelease();
    this.#parts.listening.ended(slot, generation);
  }

  #returned(slot: number, started: number): void {
    this.#owner.serve(slot, false);
    if (started !== 0) this.#parts.stats!.recordReleaseTime(nowNs() - started);
    this.#owner.settled();
  }

  #resetFailed(slot: number): Promise<void> {
    // release() rejects only for misuse; the failure is counted instead.
    this.#parts.stats?.recordResetFailure();
    return this.#retire(slot);
  }

  /** Retires a returned object (destroys it) and replaces it when needed. */
  #retire(slot: number): Promise<void> {
    const destroyed = this.#parts.destroyer.slot(slot);
    if (!this.#owner.closed) this.#owner.replenish();
    this.#owner.settled();
    return destroyed;
  }
}
