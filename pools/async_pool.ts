/**
 * {@linkcode AsyncPool}: a pool of expensive resources (connections,
 * browsers, sockets) whose acquires wait, first come first served, when every
 * object is lent.
 *
 * This class is the public face: its documentation and the two fast paths.
 * When an idle object is ready and nothing optional is configured, `acquire`
 * is a pop plus one already-resolved promise and `release` a push that
 * returns a shared resolved promise. Everything else is a part's job (the
 * private `_async_*.ts` files), reached through the core
 * (`_async_core.ts`: the state, the wiring, the serving of available
 * objects): other acquires go to `_async_acquires.ts`, other ends of a
 * borrow (reset, limits, discard, misuse, leaks) to `_async_returns.ts`,
 * `drain` and `close` to `_async_shutdown.ts`, listeners to
 * `_async_listening.ts` (through `_event_listeners.ts`), and handles get
 * their lender from `_async_lender.ts`.
 *
 * Re-entrancy, "state first, then the callback": the pool commits its
 * bookkeeping before it calls `factory`, `reset`, `destroy`, `validate` or
 * `onLeak`, so a callback may call any method of its own pool and each call
 * behaves as it would from outside.
 *
 * @module
 */

import type {
  AcquireOptions,
  AsyncPoolOptions,
  DrainOptions,
} from "../config/async_options.ts";
import type { PoolType } from "../config/options.ts";
import { typeAndOptions } from "./_overloads.ts";
import {
  AsyncContextHandle,
  AsyncOwnedHandle,
} from "../handles/async_handle.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { quote } from "../quote.ts";
import { AsyncCore } from "./_async_core.ts";
import { RESOLVED } from "./_async_returns.ts";
import { ListenerRegistry } from "./_event_listeners.ts";
import type { PoolEvent, PoolEventType } from "./pool_event.ts";
import { hookInspect } from "../_inspect.ts";
import { asyncLender } from "./_async_lender.ts";

/** Whether the inspect hooks are on the prototype (installed by the first constructor). */
let inspectable = false;

// Re-exported so this module's documentation is complete on its own.
export type { AcquireOptions, AsyncPoolOptions, DrainOptions, PoolStats };
export { AsyncContextHandle, AsyncOwnedHandle };

/**
 * A listener of an {@linkcode AsyncPool}'s events: a function of the
 * {@linkcode PoolEvent}, or an object with a `handleEvent` method.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { AsyncPool, type PoolEventListener } from "@fastalloc/fastalloc";
 *
 * const pool = new AsyncPool({ capacity: 1, factory: () => ({ id: 7 }) });
 * const onAcquire: PoolEventListener<{ id: number }> = (event) =>
 *   console.log(`lent #${event.object?.id} after ${event.waitMs} ms`);
 * pool.addEventListener("acquire", onAcquire);
 * await pool.use(() => {});
 * await pool.close();
 * ```
 */
export type PoolEventListener<T extends object> =
  | ((event: PoolEvent<T>) => void)
  | { handleEvent(event: PoolEvent<T>): void };

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
export class AsyncPool<T extends object> extends EventTarget {
  #core: AsyncCore<T>;
  #listeners: ListenerRegistry;
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
    super();
    if (!inspectable) {
      inspectable = hookInspect(
        AsyncPool.prototype,
        (h: AsyncPool<object>) => h.#describe(),
      );
    }
    const split = typeAndOptions<PoolType<T>, AsyncPoolOptions<T>>(
      typeOrOptions,
      options,
    );
    const core = new AsyncCore<T>(split.type, split.options!);
    this.#core = core;
    core.events.target = this;
    // Acquire and release listeners move those calls off the fast paths.
    this.#listeners = new ListenerRegistry({
      register: (t, l, o) => super.addEventListener(t, l, o),
      unregister: (t, l, o) => super.removeEventListener(t, l, o),
      changed: () => core.listening.follow(this.#listeners.mask),
    });
    const slots = core.slots;
    const lender = asyncLender(core, (obj) => this.release(obj));
    this.#wrapContext = (obj) =>
      new AsyncContextHandle(lender, obj, slots.generationOf(obj));
    this.#wrapOwned = (obj) =>
      new AsyncOwnedHandle(lender, obj, slots.generationOf(obj));
  }

  /**
   * Borrows an object: an idle one at once, else a new one while fewer than
   * `capacity` exist, else the next one released, first come first served.
   * While it waits it keeps the process alive.
   *
   * @param options `signal` to abort the wait, `timeout` (ms) to bound it
   * (default: the pool's `acquireTimeout`; 0 does not wait: it rejects at
   * once with {@linkcode PoolTimeoutError} unless it is served without
   * waiting).
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
    const core = this.#core;
    if (
      core.acquireMode === 0 && options === undefined &&
      core.waiters.head === undefined
    ) {
      const idle = core.idle;
      const count = idle.count;
      if (count !== 0) {
        const slot = idle.slots[count - 1]!;
        idle.count = count - 1;
        const slots = core.slots;
        const generations = slots.generations;
        generations[slot] = generations[slot]! + 1;
        core.inUse++;
        return slots.ready[slot]!;
      }
    }
    return core.acquires.acquire(options);
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
    return this.#core.acquires.tryAcquire();
  }

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
    const core = this.#core;
    const slots = core.slots;
    const slot = slots.borrowedSlot(obj);
    if (slot < 0) return core.returns.reject(obj, "release");
    if (core.releaseMode !== 0) return core.returns.release(obj, slot);
    const generations = slots.generations;
    generations[slot] = generations[slot]! + 1;
    core.inUse--;
    if (core.waiters.head === undefined) core.idle.put(slot);
    else core.serve(slot, true);
    return RESOLVED;
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
    return this.#core.returns.discard(obj);
  }

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
    const core = this.#core;
    const obj = await this.acquire(options);
    const generation = core.slots.generationOf(obj);
    let result: R;
    try {
      result = await fn(obj);
    } catch (error) {
      if (core.slots.isLive(obj, generation)) {
        await this.release(obj).catch(() => {
          // fn's error is the one to report.
        });
      }
      throw error;
    }
    if (core.slots.isLive(obj, generation)) await this.release(obj);
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

  /** How many objects may exist at once. */
  get capacity(): number {
    return this.#core.capacity;
  }

  /** How many objects the pool keeps at least. */
  get min(): number {
    return this.#core.min;
  }

  /** Objects lent now. */
  get inUse(): number {
    return this.#core.inUse;
  }

  /** Idle objects ready to lend. */
  get available(): number {
    return this.#core.idle.count;
  }

  /** Acquires waiting now (for a release, a creation or a validation). */
  get pending(): number {
    return this.#core.waiters.pending;
  }

  /** Whether {@linkcode AsyncPool.close} was called (or a `drain` timed out). */
  get closed(): boolean {
    return this.#core.closed;
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
    return this.#core.stats();
  }

  /**
   * Stops lending to new acquires (they reject with
   * {@linkcode PoolClosedError}) and waits until every acquire already
   * waiting has been served and every borrow has come back. Idle objects are
   * kept; `close()` destroys them. The pool cannot lend again afterwards.
   *
   * @param options `timeout` (ms): when it runs out, the pool closes (as
   * `close()`: objects returned later are destroyed) and this rejects (with
   * 0, at once unless nothing is out).
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
    return this.#core.shutdown.drain(options);
  }

  /**
   * Closes the pool: acquires reject from now on, waiting acquires reject
   * with {@linkcode PoolClosedError}, creations in flight are given up (their
   * signals abort; they are not waited for, so a hung factory cannot hold
   * close up, and what they still produce is destroyed when it arrives, its
   * destroy errors not reported here), idle objects are destroyed at once
   * and borrowed ones when they come back. Resolves when every object the
   * pool holds has been destroyed (each exactly once). Calling it again,
   * also from inside a callback, returns the same promise (its options are
   * ignored then).
   *
   * @param options `timeout` (ms) to bound the wait for borrows still out
   * (0: reject at once unless nothing is out).
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
    return this.#core.shutdown.close(options);
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
   * Listens to the pool's events. Each is a {@linkcode PoolEvent} with the
   * fields its type carries (see {@linkcode PoolEventType}): `create`,
   * `createerror` (background refills to `min` included), `destroy`,
   * `destroyerror`, `acquire` (with `waitMs`), `release` (with `heldMs`; a
   * `discard` ends a borrow too), `timeout` (with the `error` the acquire
   * got), `overdue` (a borrow held past `leakTimeout`, reported once, with
   * the `stack` of its acquire) and `leak`; or any other event, as
   * `EventTarget` does. Listeners run synchronously, after the pool has
   * settled its state, so they may call the pool.
   *
   * A type with no listener costs the pool nothing: no event is built, no
   * clock is read, no stack is taken. An `acquire` or `release` listener
   * (or `overdue` with `leakTimeout`) moves those calls off their fastest
   * path; `heldMs` and `stack` exist only for borrows made while such a
   * listener was added (see `bench/async_bench.ts`, "async events").
   *
   * @param type The event type.
   * @param listener A function or an object with `handleEvent` (`null` does
   * nothing).
   * @param options `once`, `signal`, `capture`, `passive`.
   *
   * @example Log borrows held too long
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 2, factory: () => ({ id: 1 }), leakTimeout: 10 });
   * pool.addEventListener("overdue", (event) => {
   *   console.warn(`connection ${event.object?.id} held ${event.heldMs} ms, taken at\n${event.stack}`);
   * });
   * pool.addEventListener("create", (event) => console.log(event.object?.id)); // 1
   * const conn = await pool.acquire();
   * await new Promise((resolve) => setTimeout(resolve, 30)); // reported meanwhile
   * await pool.release(conn);
   * await pool.close();
   * ```
   */
  override addEventListener(
    type: PoolEventType,
    listener: PoolEventListener<T> | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /**
   * Listens to events of another type, as any `EventTarget` does.
   *
   * @param type The event type.
   * @param listener A function or an object with `handleEvent`.
   * @param options `once`, `signal`, `capture`, `passive`.
   */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    this.#listeners.add(type, listener, options);
  }

  /**
   * Stops listening, as `EventTarget` does.
   *
   * @param type The event type.
   * @param listener The listener given to `addEventListener`.
   * @param options `capture`, as given to `addEventListener`.
   *
   * @example
   * ```ts
   * import { AsyncPool } from "@fastalloc/fastalloc";
   *
   * const pool = new AsyncPool({ capacity: 1, factory: () => ({}) });
   * const log = () => console.log("acquired");
   * pool.addEventListener("acquire", log);
   * await pool.use(() => {}); // acquired
   * pool.removeEventListener("acquire", log);
   * await pool.use(() => {}); // (nothing)
   * await pool.close();
   * ```
   */
  override removeEventListener(
    type: PoolEventType,
    listener: PoolEventListener<T> | null,
    options?: boolean | EventListenerOptions,
  ): void;
  /**
   * Stops a listener of another type, as any `EventTarget` does.
   *
   * @param type The event type.
   * @param listener The listener given to `addEventListener`.
   * @param options `capture`, as given to `addEventListener`.
   */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    this.#listeners.remove(type, listener, options);
  }

  #describe(): string {
    const core = this.#core;
    return `AsyncPool { capacity: ${core.capacity}, min: ${core.min}, inUse: ${core.inUse}, available: ${core.idle.count}, pending: ${core.waiters.pending}, closed: ${core.closed}, statistics: ${core.stats().enabled} }`;
  }
}
