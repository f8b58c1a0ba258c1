/**
 * The engine behind {@linkcode AsyncPool}, private to `pools/`: the pool's
 * state, its acquire paths the fast path does not take, and how an available
 * object is served, told as a story of the parts (`_async_*.ts`): the slot
 * table, the idle store, the waiter queue, the creations in flight, the
 * checks, the destroyer and the reaper; the ends of borrows
 * (`_async_returns.ts`), drain and close (`_async_shutdown.ts`) and the
 * listeners (`_async_listening.ts`).
 *
 * An available object is served: to the first waiter, else idle; waiters
 * nothing idle can serve are covered by creations while there is room;
 * destroyed objects are replaced, waiters first, then up to `min`. State
 * first, then the callback: after each callback the engine looks again (a
 * `close()` from inside it fails the acquire in progress).
 *
 * @module
 */

import type {
  AcquireOptions,
  AsyncPoolOptions,
} from "../config/async_options.ts";
import { validateAsyncPoolOptions } from "../config/_async_options.ts";
import { validateWaitOptions } from "../config/_wait_options.ts";
import type { PoolType } from "../config/options.ts";
import { PoolClosedError, PoolEmptyError } from "../errors.ts";
import { disabledStats } from "../stats/_disabled_stats.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { StatsCollector } from "../stats/stats_collector.ts";
import { quote } from "../quote.ts";
import { nowNs } from "../_clock.ts";
import { isThenable } from "./_scoped.ts";
import { SlotTable } from "./_async_slots.ts";
import { IdleStore } from "./_async_idle.ts";
import {
  closedWhileWaiting,
  NO_TIMING,
  timedOutWaiting,
  type Timing,
  type Waiter,
  type WaiterOwner,
  WaiterQueue,
} from "./_async_waiters.ts";
import { Creations, FAILED, GIVEN_UP, PENDING } from "./_async_creations.ts";
import { Reaper } from "./_async_reaper.ts";
import { Checker } from "./_async_checks.ts";
import { Destroyer } from "./_async_destroyer.ts";
import { EV, EventSink } from "./_async_events.ts";
import { captureStack } from "./_async_borrows.ts";
import { Listening } from "./_async_listening.ts";
import { Returns } from "./_async_returns.ts";
import { Shutdown } from "./_async_shutdown.ts";
import {
  MODE_CLOSED,
  MODE_FIFO,
  MODE_IDLE,
  MODE_LIMITS,
  MODE_RESET,
  MODE_STATS,
  MODE_VALIDATE,
} from "./_modes.ts";

/**
 * The state and general paths of one `AsyncPool` (fields the fast paths read
 * are plain properties). `T` is the pooled object type.
 */
export class AsyncCore<T extends object> {
  /** Non-zero when acquire must take the general path. */
  acquireMode: number;
  /** Non-zero when release must take the general path. */
  releaseMode: number;
  readonly capacity: number;
  readonly min: number;
  readonly slots: SlotTable<T>;
  readonly idle: IdleStore;
  readonly waiters: WaiterQueue<T> = new WaiterQueue();
  inUse = 0;
  closed = false;
  readonly events: EventSink<T> = new EventSink();
  /** The listeners, as they affect the paths. */
  readonly listening: Listening<T>;
  /** The ends of borrows the fast release path does not take. */
  readonly returns: Returns<T>;
  /** Drain and close. */
  readonly shutdown: Shutdown<T>;

  #creations: Creations<T>;
  #reaper: Reaper | undefined;
  #checker: Checker<T>;
  #destroyer: Destroyer<T>;
  #acquireTimeout: number | undefined;
  #maxWaiters: number;
  #stats: StatsCollector | undefined;
  /** Waiters whose object is being validated (out of the queue). */
  #assigned: Set<Waiter<T>> = new Set();
  #waiterOwner: WaiterOwner<T>;

  constructor(
    type: PoolType<T> | undefined,
    options: AsyncPoolOptions<T>,
  ) {
    const settings = validateAsyncPoolOptions(type, options, "AsyncPool");
    this.capacity = settings.capacity;
    this.min = settings.min;
    this.#acquireTimeout = settings.acquireTimeout;
    this.#maxWaiters = settings.maxWaiters;
    const timed = settings.idleTimeout !== undefined ||
      settings.healthCheckInterval !== undefined;
    this.slots = new SlotTable(
      settings.capacity,
      settings.maxLifetime !== undefined,
    );
    this.idle = new IdleStore(settings.allocator === "deque", timed);
    if (settings.statistics.enabled) {
      this.#stats = new StatsCollector({
        timing: settings.statistics.timing,
        sampleRate: settings.statistics.sampleRate,
        capacity: settings.capacity,
      });
    }
    this.#checker = new Checker(
      this.slots,
      settings,
      (slot, ok, waiter) => this.#verdict(slot, ok, waiter),
    );
    this.#destroyer = new Destroyer(
      settings.destroy,
      this.slots,
      this.#stats,
      () => this.settled(),
      this.events,
    );
    this.#creations = new Creations(
      settings.create,
      settings.createTimeout,
      this.slots,
      this.#stats,
      {
        arrived: (slot) => {
          this.serve(slot, true);
          this.settled();
        },
        failed: (waiter, error) => {
          if (waiter !== undefined) this.#giveUp(waiter, error);
          // Room was freed: cover waiters not covered before. Each attempt
          // is for a waiter that asked, so this never loops on its own.
          this.#dispatch();
          this.settled();
        },
        late: (obj) => this.#destroyer.late(obj),
      },
      this.events,
    );
    const limits = settings.maxUses !== undefined ||
        settings.maxLifetime !== undefined
      ? MODE_LIMITS
      : 0;
    const common = (this.#stats ? MODE_STATS : 0) |
      (settings.validate ? MODE_VALIDATE : 0) | limits;
    this.acquireMode = common |
      (settings.allocator === "deque" ? MODE_FIFO : 0);
    this.releaseMode = common | (settings.reset ? MODE_RESET : 0) |
      (timed ? MODE_IDLE : 0);
    this.#waiterOwner = {
      timedOut: (waiter) => {
        if (waiter.settled) return;
        this.#stats?.recordTimeout();
        const error = timedOutWaiting(waiter.timeoutMs);
        this.#giveUp(waiter, error);
        this.events.send("timeout", { waitMs: waiter.timeoutMs, error });
      },
      aborted: (waiter) => this.#giveUp(waiter, waiter.signal!.reason),
    };
    this.listening = new Listening(
      this.slots,
      this.events,
      this,
      settings.leakTimeout,
    );
    this.returns = new Returns(this, {
      slots: this.slots,
      stats: this.#stats,
      checker: this.#checker,
      destroyer: this.#destroyer,
      events: this.events,
      listening: this.listening,
      type: settings.type,
      reset: settings.reset,
      onLeak: settings.onLeak,
    });
    this.shutdown = new Shutdown(this, {
      checker: this.#checker,
      creations: this.#creations,
      waiters: this.waiters,
      destroyer: this.#destroyer,
    });
    if (timed) {
      this.#reaper = new Reaper(
        {
          surplus: () => this.slots.live - this.min,
          evict: (slots) => slots.forEach((s) => this.#destroyer.slot(s)),
          check: (slots) => this.#checker.checkIdle(slots),
        },
        this.idle,
        settings.idleTimeout,
        settings.healthCheckInterval,
      );
    }
    this.#fillTo(settings.preInitialize ? this.capacity : this.min, true);
  }

  // ---- acquire -------------------------------------------------------------

  /** Every acquire the fast path does not take; never throws, only rejects. */
  acquireGeneral(options: AcquireOptions | undefined): Promise<T> {
    let signal: AbortSignal | undefined;
    let timeout = this.#acquireTimeout;
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
    if (this.shutdown.draining) return Promise.reject(this.#closedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const promise = this.#acquireOrWait(
      signal,
      timeout,
      this.#timing(AsyncCore.prototype.acquireGeneral),
    );
    // Objects retired on the way (expired, invalid) are replaced up to min.
    this.#fillTo(this.min, false);
    return promise;
  }

  #acquireOrWait(
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    timing: Timing,
  ): Promise<T> {
    if (this.waiters.head === undefined) {
      // Nobody is ahead: an idle object, or a new one, may serve at once.
      while (this.idle.count > 0) {
        const slot = this.idle.take();
        if (this.#checker.expired(slot)) {
          this.#destroyer.slot(slot);
        } else if (!this.#checker.needsCheck(slot)) {
          return this.slots.ready[this.#lend(slot, timing)]!;
        } else {
          const verdict = this.#checker.check(slot);
          if (isThenable(verdict)) {
            const waiter = this.#open(signal, timeout, timing);
            this.#assigned.add(waiter);
            this.#checker.await(slot, verdict, waiter);
            return this.#waited(waiter, timeout);
          }
          if (verdict && !this.shutdown.draining) {
            return this.slots.ready[this.#lend(slot, timing)]!;
          }
          if (verdict) this.serve(slot, true);
          else this.#destroyer.slot(slot);
        }
        // A callback may have closed the pool: this acquire fails at once.
        if (this.shutdown.draining) {
          this.settled();
          return Promise.reject(this.#closedError());
        }
      }
      if (this.#creations.spare.size === 0 && this.#hasRoom()) {
        const made = this.#creations.make();
        if (made >= 0) return this.slots.ready[this.#lend(made, timing)]!;
        if (made === FAILED) {
          const error = this.#creations.takeFailure();
          this.#dispatch(); // for acquires the factory made re-entrantly
          return Promise.reject(error);
        }
        if (made === GIVEN_UP) return Promise.reject(this.#closedError());
        const waiter = this.#open(signal, timeout, timing);
        this.waiters.push(waiter);
        this.#creations.track(waiter);
        return this.#waited(waiter, timeout);
      }
    }
    const room = this.#creations.spare.size > 0 || this.#hasRoom();
    if (!room) {
      this.#stats?.recordExhaustion();
      if (this.waiters.pending >= this.#maxWaiters) {
        return Promise.reject(
          new PoolEmptyError(
            `Cannot acquire from pool: all ${
              quote(this.capacity)
            } objects are in use and ${
              quote(this.waiters.pending)
            } acquires are already waiting (maxWaiters ${
              quote(this.#maxWaiters)
            })`,
          ),
        );
      }
    }
    const waiter = this.#open(signal, timeout, timing);
    this.waiters.push(waiter);
    if (room) this.#dispatch();
    return this.#waited(waiter, timeout);
  }

  /**
   * The promise of a waiter just set up; with `timeout` 0 (do not wait) its
   * time runs out at once, as a timer would end it.
   */
  #waited(waiter: Waiter<T>, timeout: number | undefined): Promise<T> {
    if (timeout === 0 && !waiter.settled) this.#waiterOwner.timedOut(waiter);
    return waiter.promise;
  }

  /** `AsyncPool.tryAcquire`. */
  tryAcquire(): T | undefined {
    if (this.shutdown.draining) throw this.#closedError();
    if (this.waiters.head !== undefined) return undefined;
    const timing = this.#timing(AsyncCore.prototype.tryAcquire);
    while (this.idle.count > 0) {
      const slot = this.idle.take();
      let verdict: boolean | PromiseLike<unknown> = !this.#checker.expired(
        slot,
      );
      if (verdict && this.#checker.needsCheck(slot)) {
        verdict = this.#checker.check(slot);
      }
      if (isThenable(verdict)) {
        this.#checker.await(slot, verdict, undefined);
        return undefined;
      }
      if (verdict && !this.shutdown.draining) {
        return this.slots.objects[this.#lend(slot, timing)];
      }
      if (verdict) {
        this.serve(slot, true);
      } else {
        this.#destroyer.slot(slot);
        this.replenish();
      }
      if (this.shutdown.draining) {
        this.settled();
        throw this.#closedError();
      }
    }
    if (!this.#hasRoom()) this.#stats?.recordExhaustion();
    return undefined;
  }

  /**
   * The timing of one acquire; with `leakTimeout` and an `overdue` listener
   * also its caller's stack (without the pool's frames, from `entry` up).
   */
  #timing(entry: unknown): Timing {
    const stats = this.#stats;
    const stack = this.listening.stacks ? captureStack(entry) : undefined;
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

  #hasRoom(): boolean {
    return this.slots.live + this.#creations.count < this.capacity;
  }

  #open(
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    timing: Timing,
  ): Waiter<T> {
    if (timing.started === 0 && (this.events.mask & EV.acquire) !== 0) {
      // An acquire listener wants this wait's length: it starts now.
      timing = { started: nowNs(), sampled: false, stack: timing.stack };
    }
    return this.waiters.open(this.#waiterOwner, signal, timeout, timing);
  }

  #closedError(): PoolClosedError {
    return new PoolClosedError(
      this.closed
        ? "Cannot acquire from pool: it is closed"
        : "Cannot acquire from pool: it is draining",
    );
  }

  /** Marks the idle or fresh object in `slot` lent and counts it. */
  #lend(slot: number, timing: Timing): number {
    const slots = this.slots;
    slots.generations[slot]! += 1;
    slots.uses[slot]! += 1;
    this.inUse++;
    const stats = this.#stats;
    if (stats !== undefined) {
      stats.recordAllocation();
      if (timing.sampled) stats.recordAllocationTime(nowNs() - timing.started);
    }
    const mask = this.events.mask;
    if ((mask & (EV.acquire | EV.release | EV.overdue)) !== 0) {
      this.listening.lent(slot, timing, mask);
    }
    return slot;
  }

  // ---- validation and limits -------------------------------------------------

  /** A verdict on `slot` came (for `waiter`, if one was waiting on it). */
  #verdict(slot: number, ok: boolean, waiter: Waiter<T> | undefined): void {
    if (waiter !== undefined) {
      this.#assigned.delete(waiter);
      // validate may have closed the pool before this waiter was assigned.
      if (this.closed) this.#giveUp(waiter, this.#closedError());
    }
    if (!ok) {
      this.#destroyer.slot(slot);
      // It was first in line when its object was taken: it stays first.
      if (waiter !== undefined && !waiter.settled) this.waiters.unshift(waiter);
      this.replenish();
    } else if (waiter === undefined || waiter.settled) {
      this.serve(slot, true);
    } else {
      this.#settle(waiter);
      waiter.resolve(this.slots.objects[this.#lend(slot, waiter)]!);
    }
    this.settled();
  }

  // ---- waiters ---------------------------------------------------------------

  /** Ends `waiter`'s wait: timer, listener, keep-alive and statistics. */
  #settle(waiter: Waiter<T>): void {
    this.waiters.settle(waiter);
    if (this.#stats !== undefined) {
      this.#stats.recordWait(nowNs() - waiter.started);
    }
  }

  /** Takes `waiter` out of the queue; its creation passes on. */
  #dequeue(waiter: Waiter<T>): void {
    this.waiters.remove(waiter);
    const creation = waiter.creation;
    if (creation !== undefined) {
      waiter.creation = undefined;
      this.#creations.bind(creation, this.waiters.firstUncovered());
    }
  }

  /** Rejects a waiter that gave up or cannot be served; it never gets an object. */
  #giveUp(waiter: Waiter<T>, reason: unknown): void {
    if (waiter.settled) return;
    this.#settle(waiter);
    if (waiter.queued) this.#dequeue(waiter);
    waiter.reject(reason);
    this.settled();
  }

  /**
   * Puts the available object in `slot` to use: to the first waiter, else
   * idle. `checked` skips `validate` and the limits (fresh or just checked).
   */
  serve(slot: number, checked: boolean): void {
    if (this.closed || (!checked && this.#checker.expired(slot))) {
      this.#destroyer.slot(slot);
      if (!this.closed) this.replenish();
      return;
    }
    const waiter = this.waiters.head;
    if (waiter === undefined) {
      this.idle.put(slot);
      this.#reaper?.idled();
      return;
    }
    this.#dequeue(waiter);
    if (!checked && this.#checker.needsCheck(slot)) {
      const verdict = this.#checker.check(slot);
      if (isThenable(verdict)) {
        this.#assigned.add(waiter);
        return this.#checker.await(slot, verdict, waiter);
      }
      if (this.closed) {
        // validate closed the pool; this waiter was out of the queue.
        this.#giveUp(waiter, this.#closedError());
        this.#destroyer.slot(slot);
        return;
      }
      if (!verdict) {
        if (!waiter.settled) this.waiters.unshift(waiter);
        this.#destroyer.slot(slot);
        this.replenish();
        return;
      }
      if (waiter.settled) return this.serve(slot, true);
    }
    this.#settle(waiter);
    waiter.resolve(this.slots.objects[this.#lend(slot, waiter)]!);
  }

  /** Serves waiters from idle objects, then covers the rest with one creation each while there is room. */
  #dispatch(): void {
    const waiters = this.waiters;
    while (waiters.head !== undefined && this.idle.count > 0) {
      this.serve(this.idle.take(), false);
    }
    let waiter = waiters.head;
    while (waiter !== undefined && !this.closed) {
      if (waiter.creation !== undefined) {
        waiter = waiter.next;
        continue;
      }
      const spare = this.#creations.takeSpare();
      if (spare !== undefined) {
        this.#creations.bind(spare, waiter);
        waiter = waiter.next;
        continue;
      }
      if (!this.#hasRoom()) return;
      const made = this.#creations.make();
      if (made === PENDING) {
        // The factory may have changed the queue (re-entrant calls).
        this.#creations.track(
          waiter.queued && waiter.creation === undefined
            ? waiter
            : waiters.firstUncovered(),
        );
        waiter = waiter.queued ? waiter.next : waiters.head;
        continue;
      }
      if (made >= 0) this.serve(made, true);
      else if (made === FAILED) {
        this.#giveUp(waiter, this.#creations.takeFailure());
      }
      waiter = waiters.head;
    }
  }

  /** Destroyed objects are replaced: waiters first, then up to `min`. */
  replenish(): void {
    this.#dispatch();
    this.#fillTo(this.min, false);
  }

  /** Creates up to `target` objects; a factory error is thrown only in the constructor. */
  #fillTo(target: number, rethrow: boolean): void {
    if (!this.#creations.fill(target, () => this.shutdown.draining)) return;
    const error = this.#creations.takeFailure();
    if (!rethrow) return;
    for (const slot of this.idle.takeAll()) this.#destroyer.slot(slot);
    throw error;
  }

  // ---- statistics, drain and close -------------------------------------------

  /** `AsyncPool.stats`. */
  stats(): PoolStats {
    const stats = this.#stats;
    if (stats === undefined) return disabledStats(this.inUse, this.capacity);
    stats.recordPending(this.waiters.pending);
    return stats.snapshot();
  }

  /** Sends every call down the general path (draining or closed). */
  stopLending(): void {
    this.acquireMode |= MODE_CLOSED;
    this.releaseMode |= MODE_CLOSED;
  }

  /**
   * What `close` does at once: the pool is closed, its timers stop,
   * creations in flight are given up, waiters rejected, idle objects
   * destroyed.
   */
  closeNow(): void {
    this.closed = this.#destroyer.closing = true;
    this.#reaper?.stop();
    this.#creations.abandonAll(
      new PoolClosedError("Cannot create object: the pool was closed"),
    );
    while (this.waiters.head !== undefined) {
      this.#giveUp(this.waiters.head, closedWhileWaiting());
    }
    for (const w of this.#assigned) this.#giveUp(w, closedWhileWaiting());
    for (const slot of this.idle.takeAll()) this.#destroyer.slot(slot);
  }

  /** Something settled: drain and close may be done now. */
  settled(): void {
    this.shutdown.settled();
  }
}
