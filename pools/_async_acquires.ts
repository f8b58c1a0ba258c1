/**
 * The acquires of {@linkcode AsyncPool} that its fast path does not take,
 * private to `pools/`: with options, statistics, validation, limits,
 * listeners, FIFO order, while others wait or while it drains; and
 * `tryAcquire`. An acquire is served at once when nobody is ahead (an idle
 * object that passes its checks, or a new one while there is room), else it
 * waits in the queue, bounded by its `timeout` and `signal` and by
 * `maxWaiters`.
 *
 * @module
 */

import type { AcquireOptions } from "../config/async_options.ts";
import { validateWaitOptions } from "../config/_wait_options.ts";
import { PoolEmptyError } from "../errors.ts";
import type { StatsCollector } from "../stats/stats_collector.ts";
import { quote } from "../quote.ts";
import { nowNs } from "../_clock.ts";
import { captureStack } from "./_async_borrows.ts";
import type { Checker } from "./_async_checks.ts";
import { type Creations, FAILED, GIVEN_UP } from "./_async_creations.ts";
import type { Destroyer } from "./_async_destroyer.ts";
import { EV, type EventSink } from "./_async_events.ts";
import type { IdleStore } from "./_async_idle.ts";
import type { Listening } from "./_async_listening.ts";
import type { Shutdown } from "./_async_shutdown.ts";
import type { SlotTable } from "./_async_slots.ts";
import {
  closedForAcquire,
  NO_TIMING,
  type Timing,
  type Waiter,
  type WaiterOwner,
  type WaiterQueue,
} from "./_async_waiters.ts";
import { isThenable } from "./_thenable.ts";

/**
 * What the acquire paths ask of their pool (the core is one).
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { AsyncCore } from "./_async_core.ts";
 * import type { AcquiresOwner } from "./_async_acquires.ts";
 *
 * const core = new AsyncCore(undefined, { capacity: 1, factory: () => ({}) });
 * const owner: AcquiresOwner<object> = core;
 * console.log(owner.hasRoom(), owner.capacity); // true 1
 * ```
 */
export interface AcquiresOwner<T extends object> {
  readonly capacity: number;
  readonly min: number;
  readonly closed: boolean;
  readonly slots: SlotTable<T>;
  readonly idle: IdleStore;
  readonly waiters: WaiterQueue<T>;
  readonly events: EventSink<T>;
  readonly listening: Listening<T>;
  readonly shutdown: Shutdown;
  /** Marks the idle or fresh object in `slot` lent and counts it. */
  lend(slot: number, timing: Timing): number;
  /** Puts an available object to use; `checked` skips validate and limits. */
  serve(slot: number, checked: boolean): void;
  /** Serves waiters from idle objects, then covers the rest with creations. */
  dispatch(): void;
  /** Replaces retired objects: waiters first, then up to `min`. */
  replenish(): void;
  /** Creates up to `target` objects. */
  fillTo(target: number, rethrow: boolean): void;
  /** Whether one more object may be made. */
  hasRoom(): boolean;
  /** Something settled: drain and close may be done now. */
  settled(): void;
}

/**
 * The parts and settings the acquire paths use.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import type { AcquiresParts } from "./_async_acquires.ts";
 *
 * type Needs = keyof AcquiresParts<object>;
 * const limit: Needs = "maxWaiters";
 * console.log(limit); // maxWaiters
 * ```
 */
export interface AcquiresParts<T extends object> {
  readonly checker: Checker<T>;
  readonly creations: Creations<T>;
  readonly destroyer: Destroyer<T>;
  readonly stats: StatsCollector | undefined;
  /** Waiters whose object is being validated (out of the queue). */
  readonly assigned: Set<Waiter<T>>;
  readonly waiterOwner: WaiterOwner<T>;
  readonly acquireTimeout: number | undefined;
  readonly maxWaiters: number;
}

/**
 * The general acquire paths of one pool.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { AsyncCore } from "./_async_core.ts";
 *
 * const core = new AsyncCore(undefined, { capacity: 1, factory: () => ({ id: 1 }) });
 * const obj = await core.acquires.acquire({ timeout: 10 });
 * console.log(obj.id, core.acquires.tryAcquire()); // 1 undefined
 * ```
 */
export class Acquires<T extends object> {
  readonly #core: AcquiresOwner<T>;
  readonly #parts: AcquiresParts<T>;

  constructor(core: AcquiresOwner<T>, parts: AcquiresParts<T>) {
    this.#core = core;
    this.#parts = parts;
  }

  /** `AsyncPool.acquire` off its fast path; never throws, only rejects. */
  acquire(options: AcquireOptions | undefined): Promise<T> {
    let signal: AbortSignal | undefined;
    let timeout = this.#parts.acquireTimeout;
    if (options !== undefined) {
      try {
        ({ signal, timeout } = validateWaitOptions(
          options,
          "acquire from pool",
          timeout,
        ));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#core.shutdown.draining) {
      return Promise.reject(closedForAcquire(this.#core.closed));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const promise = this.#acquireOrWait(
      signal,
      timeout,
      this.#timing(Acquires.prototype.acquire),
    );
    // Objects retired on the way (expired, invalid) are replaced up to min.
    this.#core.fillTo(this.#core.min, false);
    return promise;
  }

  #acquireOrWait(
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    timing: Timing,
  ): Promise<T> {
    if (this.#core.waiters.head === undefined) {
      // Nobody is ahead: an idle object, or a new one, may serve at once.
      while (this.#core.idle.count > 0) {
        const slot = this.#core.idle.take();
        if (this.#parts.checker.expired(slot)) {
          this.#parts.destroyer.slot(slot);
        } else if (!this.#parts.checker.needsCheck(slot)) {
          return this.#core.slots.ready[this.#core.lend(slot, timing)]!;
        } else {
          const verdict = this.#parts.checker.check(slot);
          if (isThenable(verdict)) {
            const waiter = this.#open(signal, timeout, timing);
            this.#parts.assigned.add(waiter);
            this.#parts.checker.await(slot, verdict, waiter);
            return this.#waited(waiter, timeout);
          }
          if (verdict && !this.#core.shutdown.draining) {
            return this.#core.slots.ready[this.#core.lend(slot, timing)]!;
          }
          if (verdict) this.#core.serve(slot, true);
          else this.#parts.destroyer.slot(slot);
        }
        // A callback may have closed the pool: this acquire fails at once.
        if (this.#core.shutdown.draining) {
          this.#core.settled();
          return Promise.reject(closedForAcquire(this.#core.closed));
        }
      }
      if (this.#parts.creations.spare.size === 0 && this.#core.hasRoom()) {
        const made = this.#parts.creations.make();
        if (made >= 0) {
          if (this.#core.shutdown.draining) {
            // A "create" listener closed the pool: this acquire fails as it
            // would had the factory closed it, and the new object goes.
            this.#parts.destroyer.slot(made);
            this.#core.settled();
            return Promise.reject(closedForAcquire(this.#core.closed));
          }
          return this.#core.slots.ready[this.#core.lend(made, timing)]!;
        }
        if (made === FAILED) {
          const error = this.#parts.creations.takeFailure();
          this.#core.dispatch(); // for acquires the factory made re-entrantly
          return Promise.reject(error);
        }
        if (made === GIVEN_UP) {
          return Promise.reject(closedForAcquire(this.#core.closed));
        }
        const waiter = this.#open(signal, timeout, timing);
        this.#core.waiters.push(waiter);
        this.#parts.creations.track(waiter);
        return this.#waited(waiter, timeout);
      }
    }
    const room = this.#parts.creations.spare.size > 0 || this.#core.hasRoom();
    if (!room) {
      this.#parts.stats?.recordExhaustion();
      if (this.#core.waiters.pending >= this.#parts.maxWaiters) {
        return Promise.reject(
          new PoolEmptyError(
            `Cannot acquire from pool: all ${
              quote(this.#core.capacity)
            } objects are in use and ${
              quote(this.#core.waiters.pending)
            } acquires are already waiting (maxWaiters ${
              quote(this.#parts.maxWaiters)
            })`,
          ),
        );
      }
    }
    const waiter = this.#open(signal, timeout, timing);
    this.#core.waiters.push(waiter);
    if (room) this.#core.dispatch();
    return this.#waited(waiter, timeout);
  }

  /**
   * The promise of a waiter just set up; with `timeout` 0 (do not wait) its
   * time runs out at once, as a timer would end it.
   */
  #waited(waiter: Waiter<T>, timeout: number | undefined): Promise<T> {
    if (timeout === 0 && !waiter.settled) {
      this.#parts.waiterOwner.timedOut(waiter);
    }
    return waiter.promise;
  }

  /** `AsyncPool.tryAcquire`. */
  tryAcquire(): T | undefined {
    if (this.#core.shutdown.draining) throw closedForAcquire(this.#core.closed);
    if (this.#core.waiters.head !== undefined) return undefined;
    const timing = this.#timing(Acquires.prototype.tryAcquire);
    while (this.#core.idle.count > 0) {
      const slot = this.#core.idle.take();
      let verdict: boolean | PromiseLike<unknown> = !this.#parts.checker
        .expired(
          slot,
        );
      if (verdict && this.#parts.checker.needsCheck(slot)) {
        verdict = this.#parts.checker.check(slot);
      }
      if (isThenable(verdict)) {
        this.#parts.checker.await(slot, verdict, undefined);
        return undefined;
      }
      if (verdict && !this.#core.shutdown.draining) {
        return this.#core.slots.objects[this.#core.lend(slot, timing)];
      }
      if (verdict) {
        this.#core.serve(slot, true);
      } else {
        this.#parts.destroyer.slot(slot);
        this.#core.replenish();
      }
      if (this.#core.shutdown.draining) {
        this.#core.settled();
        throw closedForAcquire(this.#core.closed);
      }
    }
    if (!this.#core.hasRoom()) this.#parts.stats?.recordExhaustion();
    return undefined;
  }

  /**
   * The timing of one acquire; with `leakTimeout` and an `overdue` listener
   * also its caller's stack (without the pool's frames, from `entry` up).
   */
  #timing(entry: unknown): Timing {
    const stats = this.#parts.stats;
    const stack = this.#core.listening.stacks ? captureStack(entry) : undefined;
    // Without statistics the clock is read only once an acquire waits
    // (`#open`): one served at once waited 0 ms.
    if (stats === undefined) {
      return stack === undefined
        ? NO_TIMING
        : { started: 0, sampled: false, stack };
    }
    return stack === undefined
      ? { started: nowNs(), sampled: stats.sampleAllocation() }
      : { started: nowNs(), sampled: stats.sampleAllocation(), stack };
  }

  #open(
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    timing: Timing,
  ): Waiter<T> {
    if (timing.started === 0 && (this.#core.events.mask & EV.acquire) !== 0) {
      // An acquire listener wants this wait's length: it starts now.
      timing = { started: nowNs(), sampled: false, stack: timing.stack };
    }
    return this.#core.waiters.open(
      this.#parts.waiterOwner,
      signal,
      timeout,
      timing,
    );
  }
}
