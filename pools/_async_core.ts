/**
 * The engine behind {@linkcode AsyncPool}, private to `pools/`: the pool's
 * state, its parts wired together, and how an available object is served.
 * The parts (`_async_*.ts`): the slot table, the idle store, the waiter
 * queue, the creations in flight, the checks, the destroyer and the reaper;
 * the acquires off the fast path (`_async_acquires.ts`), the ends of borrows
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

import type { AsyncPoolOptions } from "../config/async_options.ts";
import { validateAsyncPoolOptions } from "../config/_async_options.ts";
import type { PoolType } from "../config/options.ts";
import { PoolClosedError } from "../errors.ts";
import { disabledStats } from "../stats/_disabled_stats.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { StatsCollector } from "../stats/stats_collector.ts";
import { nowNs } from "../_clock.ts";
import { isThenable } from "./_thenable.ts";
import { SlotTable } from "./_async_slots.ts";
import { IdleStore } from "./_async_idle.ts";
import {
  closedForAcquire,
  closedWhileWaiting,
  timedOutWaiting,
  type Timing,
  type Waiter,
  type WaiterOwner,
  WaiterQueue,
} from "./_async_waiters.ts";
import { Creations, FAILED, PENDING } from "./_async_creations.ts";
import { Reaper } from "./_async_reaper.ts";
import { Checker } from "./_async_checks.ts";
import { Destroyer } from "./_async_destroyer.ts";
import { EV, EventSink } from "./_async_events.ts";
import { Listening } from "./_async_listening.ts";
import { Returns } from "./_async_returns.ts";
import { Shutdown } from "./_async_shutdown.ts";
import { Acquires } from "./_async_acquires.ts";
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
 * The state of one `AsyncPool`, its parts, and the serving of available
 * objects (fields the fast paths read are plain properties).
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { AsyncCore } from "./_async_core.ts";
 *
 * const core = new AsyncCore(undefined, { capacity: 2, min: 1, factory: () => ({}) });
 * console.log(core.idle.count, core.inUse); // 1 0
 * await core.shutdown.close(undefined);
 * console.log(core.closed, core.idle.count); // true 0
 * ```
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
  readonly shutdown: Shutdown;
  /** The acquires the fast path does not take. */
  readonly acquires: Acquires<T>;

  #creations: Creations<T>;
  #reaper: Reaper | undefined;
  #checker: Checker<T>;
  #destroyer: Destroyer<T>;
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
    // The books every part keeps: objects, statistics, events.
    const books = {
      slots: this.slots,
      stats: this.#stats,
      events: this.events,
    };
    this.#destroyer = new Destroyer(() => this.settled(), {
      ...books,
      destroy: settings.destroy,
    });
    this.#creations = new Creations(
      {
        arrived: (slot) => {
          this.serve(slot, true);
          this.settled();
        },
        failed: (waiter, error) => {
          // Creations only hold the waiters this core bound them to.
          if (waiter !== undefined) this.#giveUp(waiter as Waiter<T>, error);
          // Room was freed: cover waiters not covered before. Each attempt
          // is for a waiter that asked, so this never loops on its own.
          this.dispatch();
          this.settled();
        },
        late: (obj) => this.#destroyer.late(obj),
      },
      { ...books, factory: settings.create, timeout: settings.createTimeout },
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
        if (this.events.wants("timeout")) {
          this.events.send("timeout", { waitMs: waiter.timeoutMs, error });
        }
      },
      aborted: (waiter) => this.#giveUp(waiter, waiter.signal!.reason),
    };
    this.listening = new Listening(this, {
      ...books,
      leakTimeout: settings.leakTimeout,
    });
    const parts = {
      ...books,
      checker: this.#checker,
      destroyer: this.#destroyer,
      creations: this.#creations,
    };
    this.returns = new Returns(this, {
      ...parts,
      listening: this.listening,
      type: settings.type,
      reset: settings.reset,
      onLeak: settings.onLeak,
    });
    this.acquires = new Acquires(this, {
      ...parts,
      assigned: this.#assigned,
      waiterOwner: this.#waiterOwner,
      acquireTimeout: settings.acquireTimeout,
      maxWaiters: settings.maxWaiters,
    });
    this.shutdown = new Shutdown(this);
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
    this.fillTo(settings.preInitialize ? this.capacity : this.min, true);
  }

  // ---- lending ------------------------------------------------------------

  /** Whether one more object may be made. */
  hasRoom(): boolean {
    return this.slots.live + this.#creations.count < this.capacity;
  }

  /** Marks the idle or fresh object in `slot` lent and counts it. */
  lend(slot: number, timing: Timing): number {
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
      if (this.closed) this.#giveUp(waiter, closedForAcquire(this.closed));
    }
    if (!ok) {
      // It was first in line when its object was taken: it stays first. In
      // line before destroy runs (state first), so a close from destroy
      // rejects it with the others.
      if (waiter !== undefined && !waiter.settled) this.waiters.unshift(waiter);
      this.#destroyer.slot(slot);
      this.replenish();
    } else if (waiter === undefined || waiter.settled) {
      this.serve(slot, true);
    } else {
      this.#settle(waiter);
      waiter.resolve(this.slots.objects[this.lend(slot, waiter)]!);
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
        this.#giveUp(waiter, closedForAcquire(this.closed));
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
    waiter.resolve(this.slots.objects[this.lend(slot, waiter)]!);
  }

  /** Serves waiters from idle objects, then covers the rest with one creation each while there is room. */
  dispatch(): void {
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
      if (!this.hasRoom()) return;
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
    this.dispatch();
    this.fillTo(this.min, false);
  }

  /** Creates up to `target` objects; a factory error is thrown only in the constructor. */
  fillTo(target: number, rethrow: boolean): void {
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

  /**
   * Whether nothing is in progress: no borrow out, no reset or validation
   * running, no creation in flight, no waiter, no destroy in flight.
   */
  quiet(): boolean {
    return this.inUse === 0 && this.#checker.busy === 0 &&
      this.#creations.count === 0 && this.waiters.pending === 0 &&
      this.#destroyer.destroying === 0;
  }

  /** What `close` rejects with when some destroy failed while closing. */
  failures(): AggregateError | undefined {
    return this.#destroyer.report();
  }

  /** Something settled: drain and close may be done now. */
  settled(): void {
    this.shutdown.settled();
  }
}
