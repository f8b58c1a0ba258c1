/**
 * {@linkcode AsyncPool}: a pool of expensive resources (connections,
 * browsers, sockets) whose acquires wait, first come first served, when every
 * object is lent.
 *
 * How it stays fast: like the synchronous pools, every object gets a slot
 * number under a private symbol and each slot a generation counter (odd while
 * lent), so `release` detects double and foreign releases with one property
 * read and one compare, and handles detect stale borrows. Idle slots sit in a
 * typed-array stack. When an idle object is ready and nothing optional is
 * configured, `acquire` is a pop plus one resolved promise and `release` a
 * push that returns a shared resolved promise; everything else (waiters,
 * timers, statistics, reset, validation, lifetimes) takes a general path.
 *
 * Waiters form a doubly linked FIFO list. An object being created is bound to
 * the waiter it is for; when that waiter is served by a release instead, or
 * gives up, the creation passes to the oldest waiter not yet covered, so no
 * object is made for nobody and a failing factory rejects exactly one waiter.
 *
 * @module
 */

import {
  type AcquireOptions,
  type AsyncPoolOptions,
  validateAcquireOptions,
  validateAsyncPoolOptions,
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
import { disabledStats } from "../stats/_disabled_stats.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { StatsCollector } from "../stats/stats_collector.ts";
import { quote, typeName } from "../quote.ts";
import { isThenable } from "./_scoped.ts";

// Re-exported so this module's documentation is complete on its own.
export type { AcquireOptions, AsyncPoolOptions, PoolStats };
export { AsyncContextHandle, AsyncOwnedHandle };

/** Where an object's slot number is kept. Shared by every async pool. */
const SLOT: unique symbol = Symbol("fastalloc.asyncSlot");
/** The stamp of an object no async pool owns any more. */
const NO_SLOT = -1;

type Stamped = { [SLOT]?: number };

const MODE_CLOSED = 1;
const MODE_STATS = 2;
const MODE_VALIDATE = 4;
const MODE_LIMITS = 8;
const MODE_RESET = 16;
const MODE_IDLE = 32;
/** FIFO reuse: acquire takes the oldest idle object (the general path). */
const MODE_FIFO = 64;

/** Shared by every release that finishes synchronously: no allocation. */
const RESOLVED: Promise<void> = Promise.resolve();

function nowNs(): number {
  return performance.now() * 1e6;
}

const deno = (globalThis as {
  Deno?: { unrefTimer?: (id: number) => void };
}).Deno;

/**
 * `setTimeout` that never keeps the process alive: `Deno.unrefTimer` on
 * Deno, `.unref()` on Node and Bun, nothing in browsers (which never wait).
 */
function setUnrefTimeout<A>(
  fn: (arg: A) => void,
  ms: number,
  arg: A,
): unknown {
  const id: unknown = setTimeout(fn, ms, arg);
  if (typeof id === "number") {
    deno?.unrefTimer?.(id);
  } else {
    (id as { unref?: () => void } | undefined)?.unref?.();
  }
  return id;
}

function clearTimer(id: unknown): void {
  clearTimeout(id as number);
}

/** What a waiter calls back into its pool with (kept out of the class's privates). */
interface WaiterOwner<T> {
  timedOut(waiter: Waiter<T>): void;
  aborted(waiter: Waiter<T>): void;
}

/** A creation in flight, bound to the waiter it is for (if any). */
interface Creation<T> {
  waiter: Waiter<T> | undefined;
}

/** One acquire that could not be served at once. */
class Waiter<T> {
  readonly owner: WaiterOwner<T>;
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number;
  /** When it started waiting, in ns; 0 without statistics. */
  readonly started: number;
  /** Whether its acquire time is sampled. */
  readonly sampled: boolean;
  prev: Waiter<T> | undefined = undefined;
  next: Waiter<T> | undefined = undefined;
  queued = false;
  settled = false;
  creation: Creation<T> | undefined = undefined;
  timer: unknown = undefined;

  constructor(
    owner: WaiterOwner<T>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    timing: { started: number; sampled: boolean },
  ) {
    // An executor, not Promise.withResolvers: V8 inlines it (≈ 1.5× faster).
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.owner = owner;
    this.signal = signal;
    this.timeoutMs = timeoutMs ?? 0;
    this.started = timing.started;
    this.sampled = timing.sampled;
    if (timeoutMs !== undefined) {
      this.timer = setUnrefTimeout(onWaiterTimeout, timeoutMs, this);
    }
    // The waiter is its own listener (handleEvent): no closure per wait.
    signal?.addEventListener("abort", this, { once: true });
  }

  /** The abort listener. */
  handleEvent(): void {
    this.owner.aborted(this);
  }
}

function onWaiterTimeout<T>(waiter: Waiter<T>): void {
  waiter.timer = undefined;
  waiter.owner.timedOut(waiter);
}

const NO_TIMING = { started: 0, sampled: false };

/**
 * A pool of resources that are slow to make or must be limited in number:
 * database connections, browser pages, sockets. `acquire()` resolves with an
 * idle object, else a new one while fewer than `capacity` exist, else waits
 * (first come, first served) for one to be released. Waits can be bounded
 * (`acquireTimeout`, `timeout`, `signal`, `maxWaiters`); objects can be
 * checked before reuse (`validate`), evicted when idle (`idleTimeout`) and
 * retired (`maxUses`, `maxLifetime`); `min` objects are kept ready.
 *
 * Guarantees: a waiter that gave up (timeout, abort, close) never receives an
 * object afterwards, and no object is lost because of it; a failing factory
 * rejects the acquire it was creating for and is never retried by the pool on
 * its own; every object is destroyed exactly once; the pool's timers never
 * keep a process alive (so a process with nothing else to do exits rather
 * than wait for an acquire's timeout).
 *
 * Pooled objects must not be thenables (have a `then` method): promises
 * would adopt them.
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
 *   factory: async () => new Connection(),
 *   validate: (conn) => conn.open,
 *   destroy: (conn) => conn.close(),
 *   acquireTimeout: 1_000,
 * });
 * {
 *   await using handle = await pool.allocate();
 *   await handle.value.query("select 1");
 * }
 * const rows = await pool.use((conn) => conn.query("select 2"));
 * console.log(rows); // result of select 2
 * await pool.close();
 * ```
 *
 * @example From a class
 * ```ts
 * import { AsyncPool } from "@fastalloc/fastalloc";
 *
 * class Buffer4k { bytes = new Uint8Array(4096); }
 * await using pool = new AsyncPool(Buffer4k, { capacity: 4 });
 * const buf = await pool.acquire();
 * buf.bytes[0] = 1;
 * await pool.release(buf);
 * ```
 */
export class AsyncPool<T extends object> {
  /** Non-zero when acquire must take the general path. */
  #acquireMode: number;
  /** Non-zero when release must take the general path. */
  #releaseMode: number;
  #capacity: number;
  #min: number;
  #create: () => T | Promise<T>;
  #type: PoolType<T> | undefined;
  #reset: ((obj: T) => void | Promise<void>) | undefined;
  #destroy: ((obj: T) => void | Promise<void>) | undefined;
  #validate: ((obj: T) => boolean | Promise<boolean>) | undefined;
  #onLeak: ((info: LeakInfo<unknown>) => void) | undefined;
  #acquireTimeout: number | undefined;
  #maxWaiters: number;
  #idleTimeout: number | undefined;
  #maxUses: number | undefined;
  #maxLifetime: number | undefined;
  #stats: StatsCollector | undefined;

  #objects: (T | undefined)[];
  /**
   * A promise already resolved with each slot's object, made once per
   * object: a fulfilled promise can be awaited any number of times, so the
   * fast acquire allocates nothing at all.
   */
  #ready: (Promise<T> | undefined)[];
  #generations: Uint32Array;
  /** Borrows per slot since its object was made (0: fresh, never validated). */
  #uses: Uint32Array;
  /** When each slot's object was made, in ms (with `maxLifetime`). */
  #bornAt: Float64Array | undefined;
  /** When each idle slot became idle, in ms (with `idleTimeout`). */
  #idleSince: Float64Array | undefined;
  /** Idle slots, oldest at the bottom: LIFO reuse keeps hot objects hot. */
  #idle: Int32Array;
  #idleCount = 0;
  /** `allocator: "deque"`: lend the object idle longest. */
  #fifo: boolean;
  /** Slot numbers that hold no object. */
  #vacant: number[] = [];
  #nextSlot = 0;
  /** Objects the pool holds (lent, idle or busy). */
  #live = 0;
  #inUse = 0;
  /** Factory calls in flight. */
  #creating = 0;
  /** Objects being reset or validated: neither lent nor idle. */
  #busy = 0;
  /** Destroy calls in flight. */
  #destroying = 0;
  /** Acquires not yet settled that got a waiter. */
  #pending = 0;
  #head: Waiter<T> | undefined = undefined;
  #tail: Waiter<T> | undefined = undefined;
  /** Waiters whose object is being validated (out of the queue). */
  #assigned: Set<Waiter<T>> = new Set();
  /** Creations in flight that no waiter is waiting for. */
  #spare: Set<Creation<T>> = new Set();

  #draining = false;
  #closed = false;
  #closing: Promise<void> | undefined = undefined;
  #closeErrors: unknown[] = [];
  #quiet: PromiseWithResolvers<void> | undefined = undefined;
  #reaper: unknown = undefined;
  #reapNow: (pool: AsyncPool<T>) => void;

  /** Objects that cannot carry the slot symbol (non-extensible). */
  #slotsByObject: Map<T, number> | undefined;
  /** Objects this pool made and destroyed, to tell a late release from a foreign one. */
  #retired: WeakSet<T> = new WeakSet();
  #lender: Lender<T>;
  #owner: WaiterOwner<T>;
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
    options: AsyncPoolOptions<T> & { factory: () => T | Promise<T> },
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
    this.#create = settings.create;
    this.#type = settings.type;
    this.#reset = settings.reset;
    this.#destroy = settings.destroy;
    this.#validate = settings.validate;
    this.#onLeak = settings.onLeak;
    this.#acquireTimeout = settings.acquireTimeout;
    this.#maxWaiters = settings.maxWaiters;
    this.#idleTimeout = settings.idleTimeout;
    this.#maxUses = settings.maxUses;
    this.#maxLifetime = settings.maxLifetime;
    this.#objects = new Array<T | undefined>(capacity).fill(undefined);
    this.#ready = new Array<Promise<T> | undefined>(capacity).fill(undefined);
    this.#generations = new Uint32Array(capacity);
    this.#uses = new Uint32Array(capacity);
    this.#idle = new Int32Array(capacity);
    if (settings.maxLifetime !== undefined) {
      this.#bornAt = new Float64Array(capacity);
    }
    if (settings.idleTimeout !== undefined) {
      this.#idleSince = new Float64Array(capacity);
    }
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
    this.#fifo = settings.allocator === "deque";
    this.#acquireMode = common | (this.#fifo ? MODE_FIFO : 0);
    this.#releaseMode = common | (settings.reset ? MODE_RESET : 0) |
      (settings.idleTimeout !== undefined ? MODE_IDLE : 0);
    this.#reapNow = (pool) => pool.#reap();
    this.#owner = {
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
    this.#lender = {
      isLive: (obj: T, generation: number): boolean => {
        const slot = this.#slotOf(obj);
        return slot >= 0 && this.#generations[slot] === generation;
      },
      release: (obj: T, generation: number): Promise<void> => {
        const slot = this.#slotOf(obj);
        if (slot < 0 || this.#generations[slot] !== generation) {
          return Promise.reject(
            new AlreadyReleasedError(
              `Cannot release handle: its borrow (generation ${
                quote(generation)
              }) was already released`,
            ),
          );
        }
        return this.release(obj);
      },
      reclaim: (obj: T, generation: number): void =>
        this.#reclaim(obj, generation),
    };
    this.#wrapContext = (obj) =>
      new AsyncContextHandle(this.#lender, obj, this.#generationOf(obj));
    this.#wrapOwned = (obj) =>
      new AsyncOwnedHandle(this.#lender, obj, this.#generationOf(obj));
    if (settings.preInitialize) this.#fillTo(capacity, true);
    else if (this.#min > 0) this.#fillTo(this.#min, true);
  }

  // ---- acquire -----------------------------------------------------------

  /**
   * Borrows an object: an idle one at once, else a new one while fewer than
   * `capacity` exist, else the next one released, first come first served.
   *
   * @param options `signal` to abort the wait, `timeout` (ms) to bound it
   * (default: the pool's `acquireTimeout`).
   * @returns A promise of the object, now borrowed. It rejects with
   * `signal.reason` when the signal aborts, {@linkcode PoolTimeoutError} when
   * the time runs out, {@linkcode PoolClosedError} when the pool is closed or
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
   * // The pool's timers never keep a process alive; this one does meanwhile.
   * const work = new Promise((resolve) => setTimeout(resolve, 50));
   * try {
   *   await pool.acquire({ timeout: 20 });
   * } catch (error) {
   *   console.log(error instanceof PoolTimeoutError); // true
   * }
   * await work;
   * await pool.release(conn);
   * await pool.close();
   * ```
   */
  acquire(options?: AcquireOptions): Promise<T> {
    if (
      this.#acquireMode === 0 && options === undefined &&
      this.#head === undefined
    ) {
      const count = this.#idleCount;
      if (count !== 0) {
        const slot = this.#idle[count - 1]!;
        this.#idleCount = count - 1;
        const generations = this.#generations;
        generations[slot] = generations[slot]! + 1;
        this.#inUse++;
        return this.#ready[slot]!;
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
    if (this.#live + this.#creating < this.#min) this.#fillToMin(false);
    return promise;
  }

  #acquireOrWait(
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    timing: { started: number; sampled: boolean },
  ): Promise<T> {
    const stats = this.#stats;
    if (this.#head === undefined) {
      // Nobody is ahead: an idle object, or a new one, may serve at once.
      while (this.#idleCount > 0) {
        const slot = this.#popIdle();
        if (this.#expired(slot)) {
          this.#destroySlot(slot);
          continue;
        }
        if (this.#needsCheck(slot)) {
          const verdict = this.#check(slot);
          if (verdict === false) {
            this.#destroySlot(slot);
            continue;
          }
          if (verdict !== true) {
            const waiter = this.#newWaiter(signal, timeout, timing);
            this.#checkAsync(waiter, slot, verdict);
            return waiter.promise;
          }
        }
        this.#lendSlot(slot, timing);
        return this.#ready[slot]!;
      }
      if (
        this.#spare.size === 0 && this.#live + this.#creating < this.#capacity
      ) {
        let made: T | Promise<T>;
        try {
          made = this.#create();
        } catch (error) {
          return Promise.reject(error);
        }
        if (!isThenable(made)) {
          let slot: number;
          try {
            slot = this.#adopt(made);
          } catch (error) {
            return Promise.reject(error);
          }
          this.#lendSlot(slot, timing);
          return this.#ready[slot]!;
        }
        const waiter = this.#newWaiter(signal, timeout, timing);
        this.#enqueue(waiter);
        this.#track(made, waiter);
        return waiter.promise;
      }
    }
    const room = this.#spare.size > 0 ||
      this.#live + this.#creating < this.#capacity;
    if (!room) {
      stats?.recordExhaustion();
      if (this.#pending >= this.#maxWaiters) {
        return Promise.reject(
          new PoolEmptyError(
            `Cannot acquire from pool: all ${
              quote(this.#capacity)
            } objects are in use and ${
              quote(this.#pending)
            } acquires are already waiting (maxWaiters ${
              quote(this.#maxWaiters)
            })`,
          ),
        );
      }
    }
    const waiter = this.#newWaiter(signal, timeout, timing);
    this.#enqueue(waiter);
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
    if (this.#head !== undefined) return undefined;
    const stats = this.#stats;
    const timing = stats === undefined
      ? NO_TIMING
      : { started: nowNs(), sampled: stats.sampleAllocation() };
    while (this.#idleCount > 0) {
      const slot = this.#popIdle();
      if (this.#expired(slot)) {
        this.#destroySlot(slot);
        this.#replenish();
        continue;
      }
      if (this.#needsCheck(slot)) {
        const verdict = this.#check(slot);
        if (verdict === false) {
          this.#destroySlot(slot);
          this.#replenish();
          continue;
        }
        if (verdict !== true) {
          this.#busy++;
          Promise.resolve(verdict).then(
            (ok) => this.#checkedInBackground(slot, Boolean(ok)),
            () => this.#checkedInBackground(slot, false),
          );
          return undefined;
        }
      }
      return this.#lendSlot(slot, timing);
    }
    if (this.#live + this.#creating >= this.#capacity) {
      stats?.recordExhaustion();
    }
    return undefined;
  }

  #checkedInBackground(slot: number, ok: boolean): void {
    this.#busy--;
    if (ok) {
      this.#serve(slot, true);
    } else {
      this.#destroySlot(slot);
      this.#replenish();
    }
    this.#checkQuiet();
  }

  #newWaiter(
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    timing: { started: number; sampled: boolean },
  ): Waiter<T> {
    this.#pending++;
    return new Waiter(this.#owner, signal, timeout, timing);
  }

  #closedError(): PoolClosedError {
    return new PoolClosedError(
      this.#closed
        ? "Cannot acquire from pool: it is closed"
        : "Cannot acquire from pool: it is draining",
    );
  }

  /** Marks the idle or fresh object in `slot` lent and counts it. */
  #lendSlot(slot: number, timing: { started: number; sampled: boolean }): T {
    const generations = this.#generations;
    generations[slot] = generations[slot]! + 1;
    this.#inUse++;
    this.#uses[slot]!++;
    const stats = this.#stats;
    if (stats !== undefined) {
      stats.recordAllocation();
      if (timing.sampled) stats.recordAllocationTime(nowNs() - timing.started);
    }
    return this.#objects[slot]!;
  }

  /** Whether the object in `slot` must pass `validate` before it is lent. */
  #needsCheck(slot: number): boolean {
    return this.#validate !== undefined && this.#uses[slot]! > 0;
  }

  /** Runs `validate`: `true`/`false`, or a promise of the verdict. */
  #check(slot: number): boolean | PromiseLike<unknown> {
    let verdict: unknown;
    try {
      verdict = this.#validate!(this.#objects[slot]!);
    } catch {
      return false;
    }
    return isThenable(verdict) ? verdict : Boolean(verdict);
  }

  /** Waits for an asynchronous verdict on `slot` on behalf of `waiter`. */
  #checkAsync(
    waiter: Waiter<T>,
    slot: number,
    verdict: PromiseLike<unknown>,
  ): void {
    this.#busy++;
    this.#assigned.add(waiter);
    Promise.resolve(verdict).then(
      (ok) => this.#checked(waiter, slot, Boolean(ok)),
      () => this.#checked(waiter, slot, false),
    );
  }

  #checked(waiter: Waiter<T>, slot: number, ok: boolean): void {
    this.#busy--;
    this.#assigned.delete(waiter);
    if (ok) {
      if (waiter.settled) {
        this.#serve(slot, true);
      } else {
        this.#lendTo(waiter, slot);
      }
    } else {
      this.#destroySlot(slot);
      // The waiter was first in line when its object was taken: it stays first.
      if (!waiter.settled) this.#enqueueFront(waiter);
      this.#replenish();
    }
    this.#checkQuiet();
  }

  /** Whether the object in `slot` has reached `maxUses` or `maxLifetime`. */
  #expired(slot: number): boolean {
    if (this.#maxUses !== undefined && this.#uses[slot]! >= this.#maxUses) {
      return true;
    }
    return this.#maxLifetime !== undefined &&
      performance.now() - this.#bornAt![slot]! >= this.#maxLifetime;
  }

  // ---- waiters -------------------------------------------------------------

  #enqueue(waiter: Waiter<T>): void {
    waiter.queued = true;
    const tail = this.#tail;
    waiter.prev = tail;
    if (tail === undefined) this.#head = waiter;
    else tail.next = waiter;
    this.#tail = waiter;
  }

  #enqueueFront(waiter: Waiter<T>): void {
    waiter.queued = true;
    const head = this.#head;
    waiter.next = head;
    if (head === undefined) this.#tail = waiter;
    else head.prev = waiter;
    this.#head = waiter;
  }

  /** Takes `waiter` out of the queue; its creation passes to the next uncovered waiter. */
  #dequeue(waiter: Waiter<T>): void {
    const { prev, next } = waiter;
    if (prev === undefined) this.#head = next;
    else prev.next = next;
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    waiter.prev = waiter.next = undefined;
    waiter.queued = false;
    const creation = waiter.creation;
    if (creation !== undefined) {
      waiter.creation = undefined;
      this.#bind(creation, this.#firstUncovered());
    }
  }

  #firstUncovered(): Waiter<T> | undefined {
    let waiter = this.#head;
    while (waiter !== undefined && waiter.creation !== undefined) {
      waiter = waiter.next;
    }
    return waiter;
  }

  /** Binds `creation` to `waiter`, or makes it spare when there is none. */
  #bind(creation: Creation<T>, waiter: Waiter<T> | undefined): void {
    creation.waiter = waiter;
    if (waiter === undefined) {
      this.#spare.add(creation);
    } else {
      waiter.creation = creation;
    }
  }

  /** Ends `waiter`'s wait: clears its timer and listener, counts the wait. */
  #settle(waiter: Waiter<T>): void {
    waiter.settled = true;
    this.#pending--;
    if (waiter.timer !== undefined) {
      clearTimer(waiter.timer);
      waiter.timer = undefined;
    }
    waiter.signal?.removeEventListener("abort", waiter);
    if (this.#stats !== undefined) {
      this.#stats.recordWait(nowNs() - waiter.started);
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

  /** Lends the object in `slot` to `waiter` (already out of the queue). */
  #lendTo(waiter: Waiter<T>, slot: number): void {
    this.#settle(waiter);
    waiter.resolve(this.#lendSlot(slot, waiter));
  }

  /**
   * Puts the available object in `slot` to use: to the first waiter, else
   * idle. `checked` skips `validate` (fresh or just validated objects).
   */
  #serve(slot: number, checked: boolean): void {
    if (this.#closed) {
      this.#destroySlot(slot);
      return;
    }
    if (!checked && this.#expired(slot)) {
      this.#destroySlot(slot);
      this.#replenish();
      return;
    }
    const waiter = this.#head;
    if (waiter === undefined) {
      this.#pushIdle(slot);
      return;
    }
    this.#dequeue(waiter);
    if (!checked && this.#needsCheck(slot)) {
      const verdict = this.#check(slot);
      if (verdict === false) {
        this.#destroySlot(slot);
        this.#enqueueFront(waiter);
        this.#replenish();
        return;
      }
      if (verdict !== true) {
        this.#checkAsync(waiter, slot, verdict);
        return;
      }
    }
    this.#lendTo(waiter, slot);
  }

  /**
   * Serves waiters from idle objects, then covers the rest with creations
   * while there is room. Each waiter gets at most one creation at a time.
   */
  #dispatch(): void {
    while (this.#head !== undefined && this.#idleCount > 0) {
      this.#serve(this.#popIdle(), false);
    }
    let waiter = this.#head;
    while (waiter !== undefined) {
      if (waiter.creation !== undefined) {
        waiter = waiter.next;
        continue;
      }
      const spare = this.#spare.values().next();
      if (!spare.done) {
        this.#spare.delete(spare.value);
        this.#bind(spare.value, waiter);
        waiter = waiter.next;
        continue;
      }
      if (this.#live + this.#creating >= this.#capacity) return;
      // A synchronous factory serves (or fails) at once and changes the
      // queue, so start again from its head.
      waiter = this.#startCreation(waiter) ? this.#head : waiter.next;
    }
  }

  /** Destroyed objects are replaced: waiters first, then up to `min`. */
  #replenish(): void {
    this.#dispatch();
    this.#fillToMin(false);
  }

  // ---- creation ----------------------------------------------------------

  /**
   * Creates objects until `min` exist. In the constructor a synchronous
   * factory error is thrown; later, failures are left for the next acquire
   * to meet (the pool never retries on its own).
   */
  #fillToMin(rethrow: boolean): void {
    this.#fillTo(this.#min, rethrow);
  }

  /** Starts creations until `target` objects exist or are being made. */
  #fillTo(target: number, rethrow: boolean): void {
    if (this.#draining) return;
    while (this.#live + this.#creating < target) {
      let made: T | Promise<T>;
      try {
        made = this.#create();
        if (!isThenable(made)) {
          this.#serve(this.#adopt(made), true);
          continue;
        }
      } catch (error) {
        if (!rethrow) return;
        this.#destroyIdle();
        throw error;
      }
      this.#track(made, undefined);
    }
  }

  /**
   * Starts a creation for `waiter`. Returns `true` when it finished at once
   * (synchronous factory), having served or rejected a waiter.
   */
  #startCreation(waiter: Waiter<T>): boolean {
    let made: T | Promise<T>;
    try {
      made = this.#create();
      if (!isThenable(made)) {
        this.#serve(this.#adopt(made), true);
        return true;
      }
    } catch (error) {
      this.#giveUp(waiter, error);
      return true;
    }
    this.#track(made, waiter);
    return false;
  }

  /** Follows an asynchronous creation bound to `waiter` (or spare). */
  #track(made: PromiseLike<T>, waiter: Waiter<T> | undefined): void {
    this.#creating++;
    const creation: Creation<T> = { waiter: undefined };
    this.#bind(creation, waiter);
    Promise.resolve(made).then(
      (obj) => this.#created(creation, obj),
      (error) => this.#createFailed(creation, error),
    );
  }

  #unbind(creation: Creation<T>): Waiter<T> | undefined {
    this.#creating--;
    const waiter = creation.waiter;
    if (waiter === undefined) {
      this.#spare.delete(creation);
    } else {
      waiter.creation = undefined;
      creation.waiter = undefined;
    }
    return waiter;
  }

  #created(creation: Creation<T>, obj: T): void {
    const waiter = this.#unbind(creation);
    let slot: number;
    try {
      slot = this.#adopt(obj);
    } catch (error) {
      this.#failCreation(waiter, error);
      return;
    }
    // The first waiter gets it (first come, first served); if that was not
    // the waiter this was made for, the first waiter's own creation passes on.
    this.#serve(slot, true);
    this.#checkQuiet();
  }

  #createFailed(creation: Creation<T>, error: unknown): void {
    this.#failCreation(this.#unbind(creation), error);
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
    const stamp = (obj as Stamped)[SLOT];
    if (
      (stamp !== undefined && stamp !== NO_SLOT) ||
      this.#slotsByObject?.has(obj)
    ) {
      throw new PoolConfigurationError(
        "Cannot create object: the factory returned an object that already belongs to a pool",
      );
    }
    const slot = this.#vacant.pop() ?? this.#nextSlot++;
    if (Object.isExtensible(obj)) {
      Object.defineProperty(obj, SLOT, {
        value: slot,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    } else {
      (this.#slotsByObject ??= new Map()).set(obj, slot);
    }
    this.#retired.delete(obj);
    this.#objects[slot] = obj;
    this.#ready[slot] = Promise.resolve(obj);
    this.#uses[slot] = 0;
    if (this.#bornAt !== undefined) this.#bornAt[slot] = performance.now();
    this.#live++;
    this.#stats?.recordCreated();
    return slot;
  }

  // ---- release -----------------------------------------------------------

  /**
   * Returns a borrowed object. It is reset (when a `reset` is set) and then
   * handed straight to the first waiter, or kept idle. An object that has
   * reached `maxUses` or `maxLifetime`, or whose reset fails, is destroyed
   * instead (and replaced when someone is waiting or `min` requires it).
   * After `close()` (or during it) the object is destroyed.
   *
   * @param obj An object this pool lent and that is still borrowed.
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
    const slot = this.#borrowedSlot(obj);
    if (slot < 0) return this.#rejectRelease(obj);
    if (this.#releaseMode === 0) {
      const generations = this.#generations;
      generations[slot] = generations[slot]! + 1;
      this.#inUse--;
      if (this.#head === undefined) {
        this.#idle[this.#idleCount++] = slot;
      } else {
        this.#serve(slot, true);
      }
      return RESOLVED;
    }
    return this.#releaseGeneral(obj, slot);
  }

  /** Release with statistics, reset, limits, idle timing, or while closing. */
  #releaseGeneral(obj: T, slot: number): Promise<void> {
    const stats = this.#stats;
    const started = stats !== undefined && stats.sampleRelease() ? nowNs() : 0;
    this.#generations[slot]! += 1;
    this.#inUse--;
    stats?.recordRelease();
    if (this.#closed || this.#expired(slot)) {
      const destroyed = this.#destroySlot(slot);
      this.#replenish();
      this.#checkQuiet();
      return destroyed;
    }
    const reset = this.#reset;
    if (reset !== undefined) {
      let result: void | Promise<void>;
      try {
        result = reset(obj);
      } catch (error) {
        return this.#resetFailed(slot, error);
      }
      if (isThenable(result)) {
        this.#busy++;
        return Promise.resolve(result).then(
          () => {
            this.#busy--;
            this.#stats?.recordReset();
            this.#returned(slot, started);
          },
          (error) => {
            this.#busy--;
            return this.#resetFailed(slot, error);
          },
        );
      }
      stats?.recordReset();
    }
    this.#returned(slot, started);
    return RESOLVED;
  }

  #returned(slot: number, started: number): void {
    this.#serve(slot, false);
    if (started !== 0) this.#stats!.recordReleaseTime(nowNs() - started);
    this.#checkQuiet();
  }

  #resetFailed(slot: number, _error: unknown): Promise<void> {
    // release() rejects only for misuse; the failure is counted instead.
    this.#stats?.recordResetFailure();
    const destroyed = this.#destroySlot(slot);
    this.#replenish();
    this.#checkQuiet();
    return destroyed;
  }

  /** The slot of `obj` if it is a live borrow of this pool, else -1. */
  #borrowedSlot(obj: T): number {
    const slot = obj == null ? undefined : (obj as Stamped)[SLOT];
    if (
      slot !== undefined && this.#objects[slot] === obj &&
      (this.#generations[slot]! & 1) === 1
    ) {
      return slot;
    }
    if (this.#slotsByObject === undefined) return -1;
    const mapped = this.#slotsByObject.get(obj);
    return mapped !== undefined && (this.#generations[mapped]! & 1) === 1
      ? mapped
      : -1;
  }

  /** The slot of `obj` if this pool holds it (lent, idle or busy), else -1. */
  #slotOf(obj: T): number {
    const slot = obj == null ? undefined : (obj as Stamped)[SLOT];
    if (slot !== undefined && slot >= 0 && this.#objects[slot] === obj) {
      return slot;
    }
    return this.#slotsByObject?.get(obj) ?? -1;
  }

  #generationOf(obj: T): number {
    return this.#generations[this.#slotOf(obj)]!;
  }

  /** The rejection that explains why `obj` is not a live borrow. */
  #rejectRelease(obj: unknown): Promise<never> {
    const type = this.#type;
    if (type !== undefined && !(obj instanceof type)) {
      return Promise.reject(
        new TypeMismatchError(
          `Cannot release object: expected a ${
            quote(type.name)
          } instance, got ${quote(typeName(obj))}`,
          { expectedType: type.name, actualType: typeName(obj) },
        ),
      );
    }
    if (
      this.#slotOf(obj as T) >= 0 ||
      (obj !== null && typeof obj === "object" && this.#retired.has(obj as T))
    ) {
      return Promise.reject(
        new AlreadyReleasedError(
          "Cannot release object: it was already released",
        ),
      );
    }
    return Promise.reject(
      new ForeignObjectError(
        `Cannot release object: ${quote(obj)} was never lent by this pool`,
      ),
    );
  }

  /** Takes back a leaked borrow; never throws (it runs in a GC callback). */
  #reclaim(obj: T, generation: number): void {
    const slot = this.#slotOf(obj);
    if (slot < 0 || this.#generations[slot] !== generation) return;
    this.#stats?.recordLeak();
    try {
      this.#onLeak?.({ object: obj, generation, pool: "AsyncPool" });
    } catch (error) {
      console.error("fastalloc: onLeak threw", error);
    }
    this.release(obj).catch((error) => {
      console.error("fastalloc: releasing a leaked object failed", error);
    });
  }

  // ---- idle objects --------------------------------------------------------

  #popIdle(): number {
    if (!this.#fifo) return this.#idle[--this.#idleCount]!;
    // FIFO: the bottom is the object idle longest (the reaper relies on
    // that order too, so it is kept).
    const idle = this.#idle;
    const slot = idle[0]!;
    idle.copyWithin(0, 1, this.#idleCount--);
    return slot;
  }

  #pushIdle(slot: number): void {
    this.#idle[this.#idleCount++] = slot;
    const idleSince = this.#idleSince;
    if (idleSince !== undefined) {
      idleSince[slot] = performance.now();
      if (this.#reaper === undefined && this.#live > this.#min) {
        this.#reaper = setUnrefTimeout(
          this.#reapNow,
          this.#idleTimeout!,
          this,
        );
      }
    }
  }

  /** Destroys objects idle longer than `idleTimeout`, oldest first, down to `min`. */
  #reap(): void {
    this.#reaper = undefined;
    if (this.#closed) return;
    const idle = this.#idle;
    const idleSince = this.#idleSince!;
    const timeout = this.#idleTimeout!;
    const now = performance.now();
    let count = 0;
    while (
      count < this.#idleCount && this.#live - count > this.#min &&
      now - idleSince[idle[count]!]! >= timeout
    ) {
      count++;
    }
    if (count > 0) {
      const victims = Array.from(idle.subarray(0, count));
      idle.copyWithin(0, count, this.#idleCount);
      this.#idleCount -= count;
      for (const slot of victims) this.#destroySlot(slot);
    }
    if (this.#idleCount > 0 && this.#live > this.#min) {
      const due = idleSince[idle[0]!]! + timeout - now;
      this.#reaper = setUnrefTimeout(this.#reapNow, Math.max(1, due), this);
    }
  }

  // ---- destruction ---------------------------------------------------------

  /**
   * Drops the object in a slot that is neither lent nor idle; calls
   * `destroy` exactly once. The promise settles when `destroy` has finished
   * and never rejects: errors are reported by `close()` when it is closing.
   */
  #destroySlot(slot: number): Promise<void> {
    const obj = this.#objects[slot]!;
    this.#objects[slot] = undefined;
    this.#ready[slot] = undefined;
    if (this.#slotsByObject?.delete(obj) !== true) {
      (obj as Stamped)[SLOT] = NO_SLOT;
    }
    this.#retired.add(obj);
    this.#vacant.push(slot);
    this.#live--;
    this.#stats?.recordDestroyed();
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

  #destroyIdle(): void {
    while (this.#idleCount > 0) this.#destroySlot(this.#popIdle());
  }

  // ---- scoped use and handles ----------------------------------------------

  /**
   * Acquires an object, awaits `fn` with it, and releases it afterwards, even
   * if `fn` throws or rejects. If `fn` fails and the release fails too,
   * `fn`'s error is the one reported.
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
    let result: R;
    try {
      result = await fn(obj);
    } catch (error) {
      await this.release(obj).catch(() => {
        // fn's error is the one to report.
      });
      throw error;
    }
    await this.release(obj);
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
    return this.#idleCount;
  }

  /** Acquires waiting now (for a release, a creation or a validation). */
  get pending(): number {
    return this.#pending;
  }

  /** Whether {@linkcode AsyncPool.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * A frozen statistics snapshot. With statistics off, only `enabled`,
   * `currentInUse` and `currentCapacity` are filled in. `waits` counts
   * acquires that had to wait (for a release, a creation or a validation),
   * `totalWaitTimeNs` their total wait, `exhaustions` acquires that found
   * the pool at capacity, `timeouts` acquires whose time ran out.
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
    return this.#stats?.snapshot() ??
      disabledStats(this.#inUse, this.#capacity);
  }

  // ---- drain and close -------------------------------------------------------

  /**
   * Stops lending to new acquires (they reject with
   * {@linkcode PoolClosedError}) and waits until every acquire already
   * waiting has been served and every borrow has come back. Idle objects are
   * kept; `close()` destroys them. The pool cannot lend again afterwards.
   *
   * @returns A promise that resolves when nothing is lent or pending.
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 1, factory: async () => ({}) });
   * const obj = await pool.acquire();
   * setTimeout(() => pool.release(obj), 10);
   * await pool.drain();
   * console.log(pool.inUse); // 0
   * await pool.close();
   * ```
   */
  drain(): Promise<void> {
    this.#stopLending();
    return this.#whenQuiet();
  }

  #stopLending(): void {
    if (this.#draining) return;
    this.#draining = true;
    this.#acquireMode |= MODE_CLOSED;
    this.#releaseMode |= MODE_CLOSED;
  }

  /**
   * Closes the pool: acquires reject from now on, waiting acquires reject
   * with {@linkcode PoolClosedError}, idle objects are destroyed at once and
   * borrowed ones when they come back. Resolves when every object has been
   * destroyed (each exactly once). Calling it again returns the same promise.
   *
   * @returns A promise that resolves once everything is destroyed; it
   * rejects with an `AggregateError` if `destroy` failed for any object
   * (every object is still dropped).
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 2, min: 2, factory: () => ({}) });
   * await pool.close();
   * console.log(pool.closed, pool.available); // true 0
   * ```
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#stopLending();
    this.#closed = true;
    if (this.#reaper !== undefined) {
      clearTimer(this.#reaper);
      this.#reaper = undefined;
    }
    const error = () =>
      new PoolClosedError(
        "Cannot acquire from pool: it was closed while waiting",
      );
    while (this.#head !== undefined) this.#giveUp(this.#head, error());
    for (const waiter of this.#assigned) this.#giveUp(waiter, error());
    this.#destroyIdle();
    this.#closing = this.#whenQuiet().then(() => {
      const errors = this.#closeErrors;
      if (errors.length > 0) {
        throw new AggregateError(
          errors,
          `Cannot close pool: destroy failed for ${
            quote(errors.length)
          } objects`,
        );
      }
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

  #isQuiet(): boolean {
    return this.#inUse === 0 && this.#busy === 0 && this.#creating === 0 &&
      this.#pending === 0 && this.#destroying === 0;
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
    return `AsyncPool { capacity: ${this.#capacity}, min: ${this.#min}, inUse: ${this.#inUse}, available: ${this.#idleCount}, pending: ${this.#pending}, closed: ${this.#closed}, statistics: ${
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
