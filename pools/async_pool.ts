/**
 * {@linkcode AsyncPool}: a pool of expensive resources (connections,
 * browsers, sockets) whose acquires wait, first come first served, when every
 * object is lent.
 *
 * The pool is told as a story of four private parts: the slot table
 * (`_async_slots.ts`: which object is where, and each borrow's generation),
 * the idle store (`_async_idle.ts`), the waiter queue (`_async_waiters.ts`)
 * and the creations in flight (`_async_creations.ts`), with the reaper
 * (`_async_reaper.ts`) running idle eviction and health checks in the
 * background. When an idle object is ready and nothing optional is
 * configured, `acquire` is a pop plus one already-resolved promise and
 * `release` a push that returns a shared resolved promise; everything else
 * takes a general path.
 *
 * Re-entrancy, "state first, then the callback": the pool commits its
 * bookkeeping before it calls `factory`, `reset`, `destroy`, `validate` or
 * `onLeak`, so a callback may call any method of its own pool and each call
 * behaves as it would from outside.
 *
 * @module
 */

import {
  type AcquireOptions,
  type AsyncPoolOptions,
  type DrainOptions,
  validateAcquireOptions,
  validateAsyncPoolOptions,
  validateDrainOptions,
} from "../config/async_options.ts";
import type { LeakInfo, PoolType } from "../config/options.ts";
import {
  AlreadyReleasedError,
  ForeignObjectError,
  PoolClosedError,
  PoolConfigurationError,
  PoolEmptyError,
  PoolTimeoutError,
  TypeMismatchError,
} from "../errors.ts";
import {
  AsyncContextHandle,
  AsyncOwnedHandle,
} from "../handles/async_handle.ts";
import type { Lender } from "../handles/lender.ts";
import { disabledStats, type PoolStats } from "../stats/pool_stats.ts";
import { StatsCollector } from "../stats/stats_collector.ts";
import { quote, typeName } from "../quote.ts";
import { isThenable } from "./_scoped.ts";
import { SlotTable } from "./_async_slots.ts";
import { IdleStore } from "./_async_idle.ts";
import {
  NO_TIMING,
  type Timing,
  type Waiter,
  type WaiterOwner,
  WaiterQueue,
} from "./_async_waiters.ts";
import {
  type Creation,
  type CreationOwner,
  Creations,
} from "./_async_creations.ts";
import { Reaper } from "./_async_reaper.ts";

// Re-exported so this module's documentation is complete on its own.
export type { AcquireOptions, AsyncPoolOptions, DrainOptions, PoolStats };
export { AsyncContextHandle, AsyncOwnedHandle };

const MODE_CLOSED = 1;
const MODE_STATS = 2;
const MODE_VALIDATE = 4;
const MODE_LIMITS = 8;
const MODE_RESET = 16;
const MODE_IDLE = 32;
const MODE_FIFO = 64;

/** `#make` results besides a slot number. */
const PENDING = -1;
const FAILED = -2;
const GIVEN_UP = -3;

/** Shared by every release that finishes synchronously: no allocation. */
const RESOLVED: Promise<void> = Promise.resolve();

function nowNs(): number {
  return performance.now() * 1e6;
}

/** `obj instanceof type` that can neither throw nor be fooled into throwing. */
function isInstance(obj: unknown, type: PoolType<unknown>): boolean {
  try {
    return obj instanceof type;
  } catch {
    return false;
  }
}

/**
 * A pool of resources that are slow to make or must be limited in number:
 * database connections, browser pages, sockets. `acquire()` resolves with an
 * idle object, else a new one while fewer than `capacity` exist, else waits
 * (first come, first served) for one to be released. Waits can be bounded
 * (`acquireTimeout`, `timeout`, `signal`, `maxWaiters`), creations too
 * (`createTimeout`, with an `AbortSignal` for the factory); objects can be
 * checked before reuse (`validate`) and while idle (`healthCheckInterval`),
 * thrown out when broken (`discard`), evicted when idle (`idleTimeout`) and
 * retired (`maxUses`, `maxLifetime`); `min` objects are kept ready.
 *
 * Guarantees: a waiter that gave up never receives an object afterwards, and
 * no object is lost because of it; a failing or timed-out creation rejects
 * the acquire it was creating for (the oldest waiter without a creation of
 * its own, which may be one that a refill to `min` was passed to) and is
 * never retried by the pool on its own; every object is destroyed exactly
 * once; an acquire that waits keeps the process alive until it settles,
 * while the pool's own timers never do.
 *
 * Pooled objects must not be thenables (have a `then` method).
 *
 * @typeParam T The pooled object type.
 *
 * @example A connection pool
 * ```ts
 * import { AsyncPool } from "@fastalloc/fastalloc";
 *
 * class Connection {
 *   open = true;
 *   async query(sql: string): Promise<string> { return `result of ${sql}`; }
 *   async close(): Promise<void> { this.open = false; }
 * }
 *
 * const pool = new AsyncPool({
 *   capacity: 10,
 *   min: 2,
 *   factory: async (_signal) => new Connection(),
 *   validate: (conn) => conn.open,
 *   destroy: (conn) => conn.close(),
 *   createTimeout: 5_000,
 *   acquireTimeout: 1_000,
 * });
 * const rows = await pool.use((conn) => conn.query("select 2"));
 * console.log(rows); // result of select 2
 * await pool.close({ timeout: 10_000 });
 * ```
 */
export class AsyncPool<T extends object> {
  /** Non-zero when acquire must take the general path. */
  #acquireMode: number;
  /** Non-zero when release must take the general path. */
  #releaseMode: number;
  #capacity: number;
  #min: number;
  #factory: (signal: AbortSignal) => T | Promise<T>;
  #type: PoolType<T> | undefined;
  #reset: ((obj: T) => void | Promise<void>) | undefined;
  #destroy: ((obj: T) => void | Promise<void>) | undefined;
  #validate: ((obj: T) => boolean | Promise<boolean>) | undefined;
  #onLeak: ((info: LeakInfo<unknown>) => void) | undefined;
  #acquireTimeout: number | undefined;
  #createTimeout: number | undefined;
  #maxWaiters: number;
  #maxUses: number | undefined;
  #maxLifetime: number | undefined;
  #stats: StatsCollector | undefined;

  #slots: SlotTable<T>;
  #idle: IdleStore;
  #waiters: WaiterQueue<T> = new WaiterQueue();
  #creations: Creations<T> = new Creations();
  #reaper: Reaper | undefined;
  #inUse = 0;
  /** Objects being reset or validated: neither lent nor idle. */
  #busy = 0;
  /** Destroy calls in flight. */
  #destroying = 0;
  /** Waiters whose object is being validated (out of the queue). */
  #assigned: Set<Waiter<T>> = new Set();
  /** The creation `#make` just started, and its promise, when it answered `PENDING`. */
  #started: Creation<T> | undefined = undefined;
  #startedMade: PromiseLike<T> | undefined = undefined;
  /** The error `#make` met, when it answered `FAILED`. */
  #failure: unknown = undefined;

  #draining = false;
  #closed = false;
  #closing: Promise<void> | undefined = undefined;
  #closeErrors: unknown[] = [];
  #quiet: PromiseWithResolvers<void> | undefined = undefined;

  #lender: Lender<T>;
  #waiterOwner: WaiterOwner<T>;
  #creationOwner: CreationOwner<T>;
  #wrapContext: (obj: T) => AsyncContextHandle<T>;
  #wrapOwned: (obj: T) => AsyncOwnedHandle<T>;

  /**
   * Makes a pool whose objects are `new type()` (or `options.factory()`).
   *
   * @param type The class of the pooled objects; `release` rejects other types.
   * @param options Capacity and the other pool options.
   * @throws {InvalidCapacityError} For a bad `capacity` or `min`.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(type: PoolType<T>, options: AsyncPoolOptions<T>);
  /**
   * Makes a pool whose objects come from `options.factory`.
   *
   * @param options Capacity, factory and the other pool options.
   * @throws {InvalidCapacityError} For a bad `capacity` or `min`.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(
    options: AsyncPoolOptions<T> & {
      factory: (signal: AbortSignal) => T | Promise<T>;
    },
  );
  constructor(
    typeOrOptions: PoolType<T> | AsyncPoolOptions<T>,
    options?: AsyncPoolOptions<T>,
  ) {
    // With a second argument the first is the type, even when it is not a
    // class, so validation names the real mistake.
    const type = typeof typeOrOptions === "function" || options !== undefined
      ? typeOrOptions as PoolType<T>
      : undefined;
    const settings = validateAsyncPoolOptions(
      type,
      (type === undefined ? typeOrOptions : options) as AsyncPoolOptions<T>,
      "AsyncPool",
    );
    const capacity = settings.capacity;
    this.#capacity = capacity;
    this.#min = settings.min;
    this.#factory = settings.create;
    this.#type = settings.type;
    this.#reset = settings.reset;
    this.#destroy = settings.destroy;
    this.#validate = settings.validate;
    this.#onLeak = settings.onLeak;
    this.#acquireTimeout = settings.acquireTimeout;
    this.#createTimeout = settings.createTimeout;
    this.#maxWaiters = settings.maxWaiters;
    this.#maxUses = settings.maxUses;
    this.#maxLifetime = settings.maxLifetime;
    const timed = settings.idleTimeout !== undefined ||
      settings.healthCheckInterval !== undefined;
    this.#slots = new SlotTable(capacity, settings.maxLifetime !== undefined);
    this.#idle = new IdleStore(settings.allocator === "deque", timed);
    if (settings.statistics.enabled) {
      this.#stats = new StatsCollector({
        timing: settings.statistics.timing,
        sampleRate: settings.statistics.sampleRate,
        capacity,
      });
    }
    const limits = settings.maxUses !== undefined ||
        settings.maxLifetime !== undefined
      ? MODE_LIMITS
      : 0;
    const common = (this.#stats ? MODE_STATS : 0) |
      (settings.validate ? MODE_VALIDATE : 0) | limits;
    this.#acquireMode = common |
      (settings.allocator === "deque" ? MODE_FIFO : 0);
    this.#releaseMode = common | (settings.reset ? MODE_RESET : 0) |
      (timed ? MODE_IDLE : 0);
    this.#waiterOwner = {
      timedOut: (waiter) => {
        if (waiter.settled) return;
        this.#stats?.recordTimeout();
        this.#giveUp(
          waiter,
          new PoolTimeoutError(
            `Cannot acquire from pool: timed out after ${
              quote(waiter.timeoutMs)
            } ms`,
            waiter.timeoutMs,
          ),
        );
      },
      aborted: (waiter) => this.#giveUp(waiter, waiter.signal!.reason),
    };
    this.#creationOwner = {
      created: (creation, obj) => this.#created(creation, obj),
      failed: (creation, error) => {
        if (creation.abandoned) return;
        this.#stats?.recordCreateFailure();
        this.#failCreation(this.#creations.end(creation), error);
      },
      timedOut: (creation) => this.#createTimedOut(creation),
    };
    this.#lender = {
      isLive: (obj, generation) => this.#isLive(obj, generation),
      release: (obj, generation) =>
        this.#isLive(obj, generation) ? this.release(obj) : Promise.reject(
          new AlreadyReleasedError(
            `Cannot release handle: its borrow (generation ${
              quote(generation)
            }) was already released`,
          ),
        ),
      reclaim: (obj, generation) => this.#reclaim(obj, generation),
    };
    this.#wrapContext = (obj) =>
      new AsyncContextHandle(this.#lender, obj, this.#generationOf(obj));
    this.#wrapOwned = (obj) =>
      new AsyncOwnedHandle(this.#lender, obj, this.#generationOf(obj));
    if (timed) {
      this.#reaper = new Reaper(
        {
          surplus: () => this.#slots.live - this.#min,
          evict: (slots) => {
            for (const slot of slots) this.#destroySlot(slot);
          },
          check: (slots) => this.#checkIdle(slots),
        },
        this.#idle,
        settings.idleTimeout,
        settings.healthCheckInterval,
      );
    }
    this.#fillTo(settings.preInitialize ? capacity : this.#min, true);
  }

  // ---- acquire -----------------------------------------------------------

  /**
   * Borrows an object: an idle one at once, else a new one while fewer than
   * `capacity` exist, else the next one released, first come first served.
   * While it waits it keeps the process alive.
   *
   * @param options `signal` to abort the wait, `timeout` (ms) to bound it
   * (default: the pool's `acquireTimeout`).
   * @returns A promise of the object, now borrowed. It rejects with
   * `signal.reason` when the signal aborts, {@linkcode PoolTimeoutError} when
   * the time runs out (or the creation made for it ran past
   * `createTimeout`), {@linkcode PoolClosedError} when the pool is closed or
   * draining (or closes while waiting), {@linkcode PoolEmptyError} when
   * `maxWaiters` acquires already wait, with the factory's error when the
   * object made for it could not be made, and with `TypeError`/`RangeError`
   * for bad options. Once it rejects, it never receives an object.
   *
   * @example
   * ```ts
   * import { AsyncPool, PoolTimeoutError } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 1, factory: async () => ({ id: 1 }) });
   * const conn = await pool.acquire();
   * try {
   *   await pool.acquire({ timeout: 20 });
   * } catch (error) {
   *   console.log(error instanceof PoolTimeoutError); // true
   * }
   * await pool.release(conn);
   * await pool.close();
   * ```
   */
  acquire(options?: AcquireOptions): Promise<T> {
    if (
      this.#acquireMode === 0 && options === undefined &&
      this.#waiters.head === undefined
    ) {
      const idle = this.#idle;
      const count = idle.count;
      if (count !== 0) {
        const slot = idle.slots[count - 1]!;
        idle.count = count - 1;
        const slots = this.#slots;
        const generations = slots.generations;
        generations[slot] = generations[slot]! + 1;
        this.#inUse++;
        return slots.ready[slot]!;
      }
    }
    return this.#acquireGeneral(options);
  }

  /** Every case the plain path does not take; never throws, only rejects. */
  #acquireGeneral(options: AcquireOptions | undefined): Promise<T> {
    let signal: AbortSignal | undefined;
    let timeout = this.#acquireTimeout;
    if (options !== undefined) {
      try {
        ({ signal, timeout } = validateAcquireOptions(options, timeout));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#draining) return Promise.reject(this.#closedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const stats = this.#stats;
    const timing = stats === undefined
      ? NO_TIMING
      : { started: nowNs(), sampled: stats.sampleAllocation() };
    const promise = this.#acquireOrWait(signal, timeout, timing);
    // Objects dropped on the way (expired, invalid) are replaced up to min.
    this.#fillTo(this.#min, false);
    return promise;
  }

  #acquireOrWait(
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    timing: Timing,
  ): Promise<T> {
    if (this.#waiters.head === undefined) {
      // Nobody is ahead: an idle object, or a new one, may serve at once.
      while (this.#idle.count > 0) {
        const slot = this.#idle.take();
        if (this.#expired(slot)) {
          this.#destroySlot(slot);
        } else if (!this.#needsCheck(slot)) {
          return this.#slots.ready[this.#lend(slot, timing)]!;
        } else {
          const verdict = this.#check(slot);
          if (isThenable(verdict)) {
            const waiter = this.#open(signal, timeout, timing);
            this.#checkFor(waiter, slot, verdict);
            return waiter.promise;
          }
          if (verdict && !this.#draining) {
            return this.#slots.ready[this.#lend(slot, timing)]!;
          }
          if (verdict) this.#serve(slot, true);
          else this.#destroySlot(slot);
        }
        // A callback may have closed the pool: this acquire fails at once.
        if (this.#draining) {
          this.#checkQuiet();
          return Promise.reject(this.#closedError());
        }
      }
      if (this.#creations.spare.size === 0 && this.#hasRoom()) {
        const made = this.#make();
        if (made >= 0) return this.#slots.ready[this.#lend(made, timing)]!;
        if (made === FAILED) {
          const error = this.#failure;
          this.#failure = undefined;
          this.#dispatch();
          return Promise.reject(error);
        }
        if (made === GIVEN_UP) return Promise.reject(this.#closedError());
        const waiter = this.#open(signal, timeout, timing);
        this.#waiters.push(waiter);
        this.#track(waiter);
        return waiter.promise;
      }
    }
    const room = this.#creations.spare.size > 0 || this.#hasRoom();
    if (!room) {
      this.#stats?.recordExhaustion();
      if (this.#waiters.pending >= this.#maxWaiters) {
        return Promise.reject(
          new PoolEmptyError(
            `Cannot acquire from pool: all ${
              quote(this.#capacity)
            } objects are in use and ${
              quote(this.#waiters.pending)
            } acquires are already waiting (maxWaiters ${
              quote(this.#maxWaiters)
            })`,
          ),
        );
      }
    }
    const waiter = this.#open(signal, timeout, timing);
    this.#waiters.push(waiter);
    if (room) this.#dispatch();
    return waiter.promise;
  }

  /**
   * Borrows an idle object synchronously, if one is ready and nobody is
   * waiting. Never creates or waits. With `validate`, the object is checked
   * first; when `validate` answers with a promise, the object is checked in
   * the background (and becomes available again if it passes) and this call
   * returns `undefined`.
   *
   * @returns The object, now borrowed, or `undefined`.
   * @throws {PoolClosedError} If the pool is closed or draining.
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 1, min: 1, factory: () => ({ id: 1 }) });
   * const conn = pool.tryAcquire();
   * console.log(conn?.id, pool.tryAcquire()); // 1 undefined
   * await pool.release(conn!);
   * await pool.close();
   * ```
   */
  tryAcquire(): T | undefined {
    if (this.#draining) throw this.#closedError();
    if (this.#waiters.head !== undefined) return undefined;
    const stats = this.#stats;
    const timing = stats === undefined
      ? NO_TIMING
      : { started: nowNs(), sampled: stats.sampleAllocation() };
    while (this.#idle.count > 0) {
      const slot = this.#idle.take();
      let verdict: boolean | PromiseLike<unknown> = !this.#expired(slot);
      if (verdict && this.#needsCheck(slot)) verdict = this.#check(slot);
      if (isThenable(verdict)) {
        this.#checkIdle([slot], verdict);
        return undefined;
      }
      if (verdict && !this.#draining) {
        return this.#slots.objects[this.#lend(slot, timing)];
      }
      if (verdict) {
        this.#serve(slot, true);
      } else {
        this.#destroySlot(slot);
        this.#replenish();
      }
      if (this.#draining) {
        this.#checkQuiet();
        throw this.#closedError();
      }
    }
    if (!this.#hasRoom()) stats?.recordExhaustion();
    return undefined;
  }

  // ---- lending, checking, serving -----------------------------------------

  #hasRoom(): boolean {
    return this.#slots.live + this.#creations.count < this.#capacity;
  }

  #open(
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    timing: Timing,
  ): Waiter<T> {
    return this.#waiters.open(this.#waiterOwner, signal, timeout, timing);
  }

  #closedError(): PoolClosedError {
    return new PoolClosedError(
      this.#closed
        ? "Cannot acquire from pool: it is closed"
        : "Cannot acquire from pool: it is draining",
    );
  }

  /** Marks the idle or fresh object in `slot` lent and counts it. */
  #lend(slot: number, timing: Timing): number {
    const slots = this.#slots;
    slots.generations[slot]! += 1;
    slots.uses[slot]! += 1;
    this.#inUse++;
    const stats = this.#stats;
    if (stats !== undefined) {
      stats.recordAllocation();
      if (timing.sampled) stats.recordAllocationTime(nowNs() - timing.started);
    }
    return slot;
  }

  /** Whether the object in `slot` must pass `validate` before it is lent. */
  #needsCheck(slot: number): boolean {
    return this.#validate !== undefined && this.#slots.uses[slot]! > 0;
  }

  /**
   * Runs `validate` on a slot that is neither lent nor idle (busy while it
   * runs): a verdict, or a promise of one (still busy).
   */
  #check(slot: number): boolean | PromiseLike<unknown> {
    this.#busy++;
    let verdict: unknown;
    try {
      verdict = this.#validate!(this.#slots.objects[slot]!);
    } catch {
      verdict = false;
    }
    if (isThenable(verdict)) return verdict;
    this.#busy--;
    return Boolean(verdict);
  }

  /** Waits for an asynchronous verdict on `slot` on behalf of `waiter`. */
  #checkFor(waiter: Waiter<T>, slot: number, verdict: PromiseLike<unknown>) {
    this.#assigned.add(waiter);
    const done = (ok: boolean) => {
      this.#busy--;
      this.#assigned.delete(waiter);
      if (!ok) {
        this.#destroySlot(slot);
        // It was first in line when its object was taken: it stays first.
        if (!waiter.settled) this.#waiters.unshift(waiter);
        this.#replenish();
      } else if (waiter.settled) {
        this.#serve(slot, true);
      } else {
        this.#settle(waiter);
        waiter.resolve(this.#slots.objects[this.#lend(slot, waiter)]!);
      }
      this.#checkQuiet();
    };
    Promise.resolve(verdict).then((ok) => done(Boolean(ok)), () => done(false));
  }

  /**
   * Validates idle slots taken out of the store (health checks, and
   * `tryAcquire` meeting an async `validate`): valid ones come back, invalid
   * ones are destroyed and replaced. `pending` is a verdict already asked for.
   */
  #checkIdle(slots: number[], pending?: PromiseLike<unknown>): void {
    let dropped = false;
    for (const slot of slots) {
      const verdict = pending ?? this.#check(slot);
      if (isThenable(verdict)) {
        const done = (ok: boolean) => {
          this.#busy--;
          if (ok) {
            this.#serve(slot, true);
          } else {
            this.#destroySlot(slot);
            this.#replenish();
          }
          this.#checkQuiet();
        };
        Promise.resolve(verdict).then(
          (ok) => done(Boolean(ok)),
          () => done(false),
        );
      } else if (verdict) {
        this.#serve(slot, true);
      } else {
        this.#destroySlot(slot);
        dropped = true;
      }
    }
    if (dropped) this.#replenish();
    this.#checkQuiet();
  }

  /** Whether the object in `slot` has reached `maxUses` or `maxLifetime`. */
  #expired(slot: number): boolean {
    const slots = this.#slots;
    if (this.#maxUses !== undefined && slots.uses[slot]! >= this.#maxUses) {
      return true;
    }
    return this.#maxLifetime !== undefined &&
      performance.now() - slots.bornAt![slot]! >= this.#maxLifetime;
  }

  /** Ends `waiter`'s wait: timer, listener, keep-alive and statistics. */
  #settle(waiter: Waiter<T>): void {
    this.#waiters.settle(waiter);
    if (this.#stats !== undefined) {
      this.#stats.recordWait(nowNs() - waiter.started);
    }
  }

  /** Takes `waiter` out of the queue; its creation passes to the next uncovered waiter. */
  #dequeue(waiter: Waiter<T>): void {
    this.#waiters.remove(waiter);
    const creation = waiter.creation;
    if (creation !== undefined) {
      waiter.creation = undefined;
      this.#creations.bind(creation, this.#waiters.firstUncovered());
    }
  }

  /** Rejects a waiter that gave up or cannot be served; it never gets an object. */
  #giveUp(waiter: Waiter<T>, reason: unknown): void {
    if (waiter.settled) return;
    this.#settle(waiter);
    if (waiter.queued) this.#dequeue(waiter);
    waiter.reject(reason);
    this.#checkQuiet();
  }

  /**
   * Puts the available object in `slot` to use: to the first waiter, else
   * idle. `checked` skips `validate` and the limits (fresh or just checked).
   */
  #serve(slot: number, checked: boolean): void {
    if (this.#closed || (!checked && this.#expired(slot))) {
      this.#destroySlot(slot);
      if (!this.#closed) this.#replenish();
      return;
    }
    const waiter = this.#waiters.head;
    if (waiter === undefined) {
      this.#idle.put(slot);
      this.#reaper?.idled();
      return;
    }
    this.#dequeue(waiter);
    if (!checked && this.#needsCheck(slot)) {
      const verdict = this.#check(slot);
      if (isThenable(verdict)) return this.#checkFor(waiter, slot, verdict);
      if (this.#closed) {
        // validate closed the pool: this waiter was out of the queue.
        this.#giveUp(waiter, this.#closedError());
        this.#destroySlot(slot);
        return;
      }
      if (!verdict) {
        if (!waiter.settled) this.#waiters.unshift(waiter);
        this.#destroySlot(slot);
        this.#replenish();
        return;
      }
      if (waiter.settled) return this.#serve(slot, true);
    }
    this.#settle(waiter);
    waiter.resolve(this.#slots.objects[this.#lend(slot, waiter)]!);
  }

  /**
   * Serves waiters from idle objects, then covers the rest with creations
   * while there is room. Each waiter gets at most one creation at a time.
   */
  #dispatch(): void {
    const waiters = this.#waiters;
    while (waiters.head !== undefined && this.#idle.count > 0) {
      this.#serve(this.#idle.take(), false);
    }
    let waiter = waiters.head;
    while (waiter !== undefined && !this.#closed) {
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
      const made = this.#make();
      if (made === PENDING) {
        // The factory may have changed the queue (re-entrant calls).
        const target = waiter.queued && waiter.creation === undefined
          ? waiter
          : waiters.firstUncovered();
        this.#track(target);
        waiter = waiter.queued ? waiter.next : waiters.head;
        continue;
      }
      if (made >= 0) this.#serve(made, true);
      else if (made === FAILED) this.#giveUp(waiter, this.#takeFailure());
      waiter = waiters.head;
    }
  }

  /** Destroyed objects are replaced: waiters first, then up to `min`. */
  #replenish(): void {
    this.#dispatch();
    this.#fillTo(this.#min, false);
  }

  // ---- creation ----------------------------------------------------------

  /**
   * Creates objects until `target` exist or are being made. In the
   * constructor a synchronous factory error is thrown; later, failures are
   * counted and left for the next acquire to meet (no retry on its own).
   */
  #fillTo(target: number, rethrow: boolean): void {
    while (
      !this.#draining && this.#slots.live + this.#creations.count < target
    ) {
      const made = this.#make();
      if (made >= 0) {
        this.#serve(made, true);
      } else if (made === PENDING) {
        this.#track(undefined);
      } else {
        const error = this.#takeFailure();
        if (!rethrow || made !== FAILED) return;
        for (const slot of this.#idle.takeAll()) this.#destroySlot(slot);
        throw error;
      }
    }
  }

  /**
   * Calls the factory with a place reserved. Returns the slot of an object
   * made synchronously; `PENDING` for a promise (the creation and its
   * promise wait in `#started` for `#track`); `FAILED` (the error in
   * `#failure`); `GIVEN_UP` when the pool closed during the call.
   */
  #make(): number {
    const creation = this.#creations.start(this.#creationOwner);
    let made: T | Promise<T>;
    try {
      made = this.#factory(creation.controller.signal);
    } catch (error) {
      this.#creations.end(creation);
      return this.#createFailed(error);
    }
    if (isThenable(made)) {
      if (creation.abandoned) {
        creation.follow(made, undefined);
        return GIVEN_UP;
      }
      this.#started = creation;
      this.#startedMade = made;
      return PENDING;
    }
    this.#creations.end(creation);
    if (creation.abandoned) {
      this.#destroyLate(made);
      return GIVEN_UP;
    }
    try {
      return this.#adopt(made);
    } catch (error) {
      return this.#createFailed(error);
    }
  }

  #createFailed(error: unknown): number {
    this.#stats?.recordCreateFailure();
    this.#failure = error;
    return FAILED;
  }

  /**
   * Binds the creation `#make` started to `waiter` (or makes it spare), then
   * follows its promise: in that order, so its outcome always finds it bound
   * (some hosts run promise jobs when a timer is made).
   */
  #track(waiter: Waiter<T> | undefined): void {
    const creation = this.#started!;
    const made = this.#startedMade!;
    this.#started = this.#startedMade = undefined;
    this.#creations.bind(creation, waiter);
    creation.follow(made, this.#createTimeout);
  }

  #takeFailure(): unknown {
    const error = this.#failure;
    this.#failure = undefined;
    return error;
  }

  #created(creation: Creation<T>, obj: T): void {
    if (creation.abandoned) return this.#destroyLate(obj);
    const waiter = this.#creations.end(creation);
    let slot: number;
    try {
      slot = this.#adopt(obj);
    } catch (error) {
      this.#stats?.recordCreateFailure();
      return this.#failCreation(waiter, error);
    }
    // The first waiter gets it (first come, first served); if that was not
    // the waiter this was made for, the first waiter's own creation passes on.
    this.#serve(slot, true);
    this.#checkQuiet();
  }

  #createTimedOut(creation: Creation<T>): void {
    const ms = this.#createTimeout!;
    const error = new PoolTimeoutError(
      `Cannot create object: the factory did not settle within ${ms} ms`,
      ms,
    );
    const waiter = this.#creations.end(creation);
    creation.abandoned = true;
    creation.controller.abort(error);
    this.#stats?.recordCreateFailure();
    this.#failCreation(waiter, error);
  }

  #failCreation(waiter: Waiter<T> | undefined, error: unknown): void {
    if (waiter !== undefined) this.#giveUp(waiter, error);
    // Room was freed: cover waiters that could not be covered before. Each
    // attempt is for a waiter that asked, so this never loops on its own.
    this.#dispatch();
    this.#checkQuiet();
  }

  /** Gives a new object a slot (idle, even generation); checks it first. */
  #adopt(obj: T): number {
    if (
      obj === null || (typeof obj !== "object" && typeof obj !== "function")
    ) {
      throw new PoolConfigurationError(
        `Cannot create object: the factory returned ${
          quote(obj)
        }, not an object`,
      );
    }
    if (this.#slots.owned(obj)) {
      throw new PoolConfigurationError(
        "Cannot create object: the factory returned an object that already belongs to a pool",
      );
    }
    const slot = this.#slots.add(obj);
    this.#stats?.recordCreated();
    return slot;
  }

  // ---- release and discard ------------------------------------------------

  /**
   * Returns a borrowed object. It is reset (when a `reset` is set) and then
   * handed straight to the first waiter, or kept idle. An object that has
   * reached `maxUses` or `maxLifetime`, or whose reset fails, is destroyed
   * instead (and replaced when someone is waiting or `min` requires it).
   * After `close()` (or a timed-out `drain`) the object is destroyed.
   *
   * @param obj An object this pool lent and that is still borrowed: that
   * very object, not one inheriting from it or a proxy of it.
   * @returns A promise that resolves when the object is back (reset, handed
   * on, kept or destroyed). It rejects only for misuse:
   * {@linkcode AlreadyReleasedError} if `obj` was already released,
   * {@linkcode ForeignObjectError} if this pool never lent it,
   * {@linkcode TypeMismatchError} if the pool has a type and `obj` is not an
   * instance. A failed reset or destroy does not reject it.
   *
   * @example
   * ```ts
   * import { AlreadyReleasedError, AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 1, factory: async () => ({}) });
   * const obj = await pool.acquire();
   * await pool.release(obj);
   * await pool.release(obj).catch((e) => console.log(e instanceof AlreadyReleasedError)); // true
   * await pool.close();
   * ```
   */
  release(obj: T): Promise<void> {
    const slots = this.#slots;
    const slot = slots.borrowedSlot(obj);
    if (slot < 0) return this.#rejectMisuse(obj, "release");
    if (this.#releaseMode === 0) {
      const generations = slots.generations;
      generations[slot] = generations[slot]! + 1;
      this.#inUse--;
      if (this.#waiters.head === undefined) this.#idle.put(slot);
      else this.#serve(slot, true);
      return RESOLVED;
    }
    return this.#releaseGeneral(obj, slot);
  }

  /** Release with statistics, reset, limits, idle timing, or while closing. */
  #releaseGeneral(obj: T, slot: number): Promise<void> {
    const stats = this.#stats;
    const started = stats !== undefined && stats.sampleRelease() ? nowNs() : 0;
    this.#endBorrow(slot);
    if (this.#closed || this.#expired(slot)) return this.#drop(slot);
    const reset = this.#reset;
    if (reset !== undefined) {
      // Busy while it runs: neither lent nor idle, and close() waits for it.
      this.#busy++;
      let result: void | Promise<void>;
      try {
        result = reset(obj);
      } catch {
        this.#busy--;
        return this.#resetFailed(slot);
      }
      if (isThenable(result)) {
        return Promise.resolve(result).then(
          () => {
            this.#busy--;
            this.#stats?.recordReset();
            this.#returned(slot, started);
          },
          () => {
            this.#busy--;
            return this.#resetFailed(slot);
          },
        );
      }
      this.#busy--;
      stats?.recordReset();
    }
    this.#returned(slot, started);
    return RESOLVED;
  }

  /** Ends the borrow in `slot` before any callback runs (state first). */
  #endBorrow(slot: number): void {
    this.#slots.generations[slot]! += 1;
    this.#inUse--;
    this.#stats?.recordRelease();
  }

  #returned(slot: number, started: number): void {
    this.#serve(slot, false);
    if (started !== 0) this.#stats!.recordReleaseTime(nowNs() - started);
    this.#checkQuiet();
  }

  #resetFailed(slot: number): Promise<void> {
    // release() rejects only for misuse; the failure is counted instead.
    this.#stats?.recordResetFailure();
    return this.#drop(slot);
  }

  /** Destroys a returned object and replaces it when needed. */
  #drop(slot: number): Promise<void> {
    const destroyed = this.#destroySlot(slot);
    if (!this.#closed) this.#replenish();
    this.#checkQuiet();
    return destroyed;
  }

  /**
   * Ends a borrow by throwing the object away: it is broken (a dead
   * connection, say). `destroy` runs (no `reset`), its place is freed, and
   * the pool refills to `min` and serves waiters. It counts in
   * `totalReleases` and `destroyed`.
   *
   * @param obj An object this pool lent and that is still borrowed.
   * @returns A promise that resolves once `destroy` has finished (a failed
   * destroy does not reject it). It rejects, as `release` does, only for
   * misuse: {@linkcode AlreadyReleasedError}, {@linkcode ForeignObjectError},
   * {@linkcode TypeMismatchError}.
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 2, min: 1, factory: () => ({ ok: true }) });
   * const conn = await pool.acquire();
   * conn.ok = false; // say the connection broke
   * await pool.discard(conn);
   * console.log(pool.inUse, pool.available); // 0 1
   * await pool.close();
   * ```
   */
  discard(obj: T): Promise<void> {
    const slot = this.#slots.borrowedSlot(obj);
    if (slot < 0) return this.#rejectMisuse(obj, "discard");
    this.#endBorrow(slot);
    return this.#drop(slot);
  }

  #isLive(obj: T, generation: number): boolean {
    const slot = this.#slots.slotOf(obj);
    return slot >= 0 && this.#slots.generations[slot] === generation;
  }

  #generationOf(obj: T): number {
    return this.#slots.generations[this.#slots.slotOf(obj)]!;
  }

  /** The rejection that explains why `obj` is not a live borrow; runs no user code in the message. */
  #rejectMisuse(obj: unknown, verb: "release" | "discard"): Promise<never> {
    const type = this.#type;
    const where = `Cannot ${verb} object`;
    let error: Error;
    if (type !== undefined && !isInstance(obj, type)) {
      const actual = typeName(obj);
      error = new TypeMismatchError(
        `${where}: expected a ${quote(type.name)} instance, got ${
          quote(actual)
        }`,
        { expectedType: type.name, actualType: actual },
      );
    } else if (
      this.#slots.slotOf(obj as T) >= 0 || this.#slots.retired(obj)
    ) {
      error = new AlreadyReleasedError(`${where}: it was already released`);
    } else {
      error = new ForeignObjectError(
        `${where}: ${quote(obj)} was never lent by this pool`,
      );
    }
    return Promise.reject(error);
  }

  /** Takes back a leaked borrow; never throws (it runs in a GC callback). */
  #reclaim(obj: T, generation: number): void {
    if (!this.#isLive(obj, generation)) return;
    this.#stats?.recordLeak();
    try {
      this.#onLeak?.({ object: obj, generation, pool: "AsyncPool" });
    } catch (error) {
      console.error("fastalloc: onLeak threw", error);
    }
    // onLeak may have released it (state first: it was still lent).
    if (!this.#isLive(obj, generation)) return;
    this.release(obj).catch((error) => {
      console.error("fastalloc: releasing a leaked object failed", error);
    });
  }

  // ---- destruction ---------------------------------------------------------

  /**
   * Drops the object in a slot that is neither lent nor idle; calls
   * `destroy` exactly once. The promise settles when `destroy` has finished
   * and never rejects: errors are reported by `close()` when it is closing.
   */
  #destroySlot(slot: number): Promise<void> {
    const obj = this.#slots.remove(slot);
    this.#stats?.recordDestroyed();
    const destroyed = this.#runDestroy(obj);
    this.#checkQuiet();
    return destroyed;
  }

  /** Destroys what a given-up creation still produced (never lent; counted made and destroyed). */
  #destroyLate(obj: T): void {
    if (
      obj !== null && (typeof obj === "object" || typeof obj === "function")
    ) {
      this.#stats?.recordCreated();
      this.#stats?.recordDestroyed();
      this.#runDestroy(obj);
    }
  }

  #runDestroy(obj: T): Promise<void> {
    const destroy = this.#destroy;
    if (destroy === undefined) return RESOLVED;
    let result: void | Promise<void>;
    try {
      result = destroy(obj);
    } catch (error) {
      this.#destroyFailed(error);
      return RESOLVED;
    }
    if (!isThenable(result)) return RESOLVED;
    this.#destroying++;
    return Promise.resolve(result).then(
      () => {
        this.#destroying--;
        this.#checkQuiet();
      },
      (error) => {
        this.#destroying--;
        this.#destroyFailed(error);
        this.#checkQuiet();
      },
    );
  }

  #destroyFailed(error: unknown): void {
    // Before close there is no caller to tell; close() reports its own.
    if (this.#closed) this.#closeErrors.push(error);
  }

  // ---- scoped use and handles ----------------------------------------------

  /**
   * Acquires an object, awaits `fn` with it, and releases it afterwards, even
   * if `fn` throws or rejects, unless `fn` ended the borrow itself (a
   * `discard` of a broken object, say). If `fn` fails and the release fails
   * too, `fn`'s error is the one reported.
   *
   * @typeParam R What `fn` returns (or its promise resolves to).
   * @param fn Works with the object; must not keep it after it settles.
   * @param options Acquire options: `signal`, `timeout`.
   * @returns What `fn` returned, once the object is back.
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 2, factory: async () => ({ hits: 0 }) });
   * const hits = await pool.use(async (counter) => ++counter.hits);
   * console.log(hits, pool.inUse); // 1 0
   * await pool.close();
   * ```
   */
  async use<R>(
    fn: (obj: T) => R | Promise<R>,
    options?: AcquireOptions,
  ): Promise<R> {
    if (typeof fn !== "function") {
      throw new TypeError(`Cannot use pool: fn ${quote(fn)} is not a function`);
    }
    const obj = await this.acquire(options);
    const generation = this.#generationOf(obj);
    let result: R;
    try {
      result = await fn(obj);
    } catch (error) {
      if (this.#isLive(obj, generation)) {
        await this.release(obj).catch(() => {
          // fn's error is the one to report.
        });
      }
      throw error;
    }
    if (this.#isLive(obj, generation)) await this.release(obj);
    return result;
  }

  /**
   * Borrows an object through a handle, for `await using`.
   *
   * @param options Acquire options: `signal`, `timeout`.
   * @returns A promise of the handle; disposing it releases the object. It
   * rejects as {@linkcode AsyncPool.acquire} does.
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 1, factory: async () => ({ x: 0 }) });
   * {
   *   await using h = await pool.allocate();
   *   h.value.x = 1;
   * }
   * console.log(pool.available); // 1
   * await pool.close();
   * ```
   */
  allocate(options?: AcquireOptions): Promise<AsyncContextHandle<T>> {
    return this.acquire(options).then(this.#wrapContext);
  }

  /**
   * Borrows an object through a leak-tracked handle: if the handle is
   * garbage-collected unreleased, the pool counts a leak
   * (`stats().leaks`), calls `onLeak`, and takes the object back.
   *
   * @param options Acquire options: `signal`, `timeout`.
   * @returns A promise of the handle. It rejects as
   * {@linkcode AsyncPool.acquire} does.
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 1, factory: async () => ({}) });
   * const owned = await pool.allocateOwned();
   * await owned.release();
   * await pool.close();
   * ```
   */
  allocateOwned(options?: AcquireOptions): Promise<AsyncOwnedHandle<T>> {
    return this.acquire(options).then(this.#wrapOwned);
  }

  // ---- state ---------------------------------------------------------------

  /** How many objects may exist at once. */
  get capacity(): number {
    return this.#capacity;
  }

  /** How many objects the pool keeps at least. */
  get min(): number {
    return this.#min;
  }

  /** Objects lent now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Idle objects ready to lend. */
  get available(): number {
    return this.#idle.count;
  }

  /** Acquires waiting now (for a release, a creation or a validation). */
  get pending(): number {
    return this.#waiters.pending;
  }

  /** Whether {@linkcode AsyncPool.close} was called (or a `drain` timed out). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * A frozen statistics snapshot. With statistics off, only `enabled`,
   * `currentInUse` and `currentCapacity` are filled in. `waits` counts
   * acquires that had to wait, `pending` those waiting now, `timeouts`
   * acquires whose time ran out, `createFailures` factory calls that threw,
   * rejected or ran past `createTimeout` (background refills included).
   *
   * @returns The statistics.
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 2, factory: async () => ({}), enableStatistics: true });
   * await pool.release(await pool.acquire());
   * console.log(pool.stats().created, pool.stats().totalReleases); // 1 1
   * await pool.close();
   * ```
   */
  stats(): PoolStats {
    const stats = this.#stats;
    if (stats === undefined) return disabledStats(this.#inUse, this.#capacity);
    stats.recordPending(this.#waiters.pending);
    return stats.snapshot();
  }

  // ---- drain and close -------------------------------------------------------

  /**
   * Stops lending to new acquires (they reject with
   * {@linkcode PoolClosedError}) and waits until every acquire already
   * waiting has been served and every borrow has come back. Idle objects are
   * kept; `close()` destroys them. The pool cannot lend again afterwards.
   *
   * @param options `timeout` (ms): when it runs out, the pool closes (as
   * `close()`: objects returned later are destroyed) and this rejects.
   * @returns A promise that resolves when nothing is lent or pending. It
   * rejects with {@linkcode PoolTimeoutError} (saying how many borrows are
   * still out) when the timeout runs out, and with `TypeError`/`RangeError`
   * for bad options (then nothing changes).
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 1, factory: async () => ({}) });
   * const obj = await pool.acquire();
   * setTimeout(() => pool.release(obj), 10);
   * await pool.drain({ timeout: 5_000 });
   * console.log(pool.inUse); // 0
   * await pool.close();
   * ```
   */
  drain(options?: DrainOptions): Promise<void> {
    let timeout: number | undefined;
    try {
      timeout = validateDrainOptions(options, "drain");
    } catch (error) {
      return Promise.reject(error);
    }
    this.#draining = true;
    this.#acquireMode |= MODE_CLOSED;
    this.#releaseMode |= MODE_CLOSED;
    const quiet = this.#whenQuiet();
    return timeout === undefined
      ? quiet
      : this.#deadline(quiet, timeout, "drain");
  }

  /**
   * Closes the pool: acquires reject from now on, waiting acquires reject
   * with {@linkcode PoolClosedError}, creations in flight are given up (their
   * signals abort; what they still produce is destroyed), idle objects are
   * destroyed at once and borrowed ones when they come back. Resolves when
   * every object has been destroyed (each exactly once). Calling it again,
   * also from inside a callback, returns the same promise.
   *
   * @param options `timeout` (ms) to bound the wait for borrows still out.
   * @returns A promise that resolves once everything is destroyed. It
   * rejects with an `AggregateError` if `destroy` failed for any object
   * (every object is still dropped), with {@linkcode PoolTimeoutError} when
   * the timeout runs out first (the pool stays closed; objects returned
   * later are destroyed), and with `TypeError`/`RangeError` for bad options
   * (then the pool is not closed).
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 2, min: 2, factory: () => ({}) });
   * await pool.close({ timeout: 1_000 });
   * console.log(pool.closed, pool.available); // true 0
   * ```
   */
  close(options?: DrainOptions): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    let timeout: number | undefined;
    try {
      timeout = validateDrainOptions(options, "close");
    } catch (error) {
      return Promise.reject(error);
    }
    // The promise exists before any destroy runs: a re-entrant close gets it.
    const done = Promise.withResolvers<void>();
    this.#closing = timeout === undefined
      ? done.promise
      : this.#deadline(done.promise, timeout, "close");
    this.#draining = this.#closed = true;
    this.#acquireMode |= MODE_CLOSED;
    this.#releaseMode |= MODE_CLOSED;
    this.#reaper?.stop();
    this.#creations.abandonAll(
      new PoolClosedError("Cannot create object: the pool was closed"),
    );
    const error = () =>
      new PoolClosedError(
        "Cannot acquire from pool: it was closed while waiting",
      );
    while (this.#waiters.head !== undefined) {
      this.#giveUp(this.#waiters.head, error());
    }
    for (const waiter of this.#assigned) this.#giveUp(waiter, error());
    for (const slot of this.#idle.takeAll()) this.#destroySlot(slot);
    this.#whenQuiet().then(() => {
      const errors = this.#closeErrors;
      if (errors.length === 0) return done.resolve();
      done.reject(
        new AggregateError(
          errors,
          `Cannot close pool: destroy failed for ${
            quote(errors.length)
          } objects`,
        ),
      );
    });
    return this.#closing;
  }

  /**
   * Closes the pool, for `await using pool = new AsyncPool(...)`.
   *
   * @returns The promise of {@linkcode AsyncPool.close}.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * `promise`, or a `PoolTimeoutError` after `ms`: the timer is the
   * caller's deadline, so it keeps the process alive. A timed-out drain
   * closes the pool.
   */
  #deadline(
    promise: Promise<void>,
    ms: number,
    what: "drain" | "close",
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const out = this.#inUse;
        reject(
          new PoolTimeoutError(
            `Cannot ${what} pool: ${out} borrows are still out after ${ms} ms`,
            ms,
          ),
        );
        if (what === "drain") this.close().catch(() => {});
      }, ms);
      promise.then((value) => {
        clearTimeout(timer);
        resolve(value);
      }, (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  #isQuiet(): boolean {
    return this.#inUse === 0 && this.#busy === 0 &&
      this.#creations.count === 0 && this.#waiters.pending === 0 &&
      this.#destroying === 0;
  }

  #whenQuiet(): Promise<void> {
    if (this.#isQuiet()) return Promise.resolve();
    this.#quiet ??= Promise.withResolvers<void>();
    return this.#quiet.promise;
  }

  #checkQuiet(): void {
    const quiet = this.#quiet;
    if (quiet !== undefined && this.#isQuiet()) {
      this.#quiet = undefined;
      quiet.resolve();
    }
  }

  #describe(): string {
    return `AsyncPool { capacity: ${this.#capacity}, min: ${this.#min}, inUse: ${this.#inUse}, available: ${this.#idle.count}, pending: ${this.#waiters.pending}, closed: ${this.#closed}, statistics: ${
      this.#stats !== undefined
    } }`;
  }

  /** Node's and Bun's `console.log` show the pool's state. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.#describe();
  }

  /** Deno's `console.log` shows the pool's state. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.#describe();
  }
}
