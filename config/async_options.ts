/**
 * The options of {@linkcode AsyncPool} and of its `acquire`. The pool checks
 * its options once, in its constructor (the checks are private, in
 * `_async_options.ts`), so a bad value fails early with a message that names
 * the option and quotes the value.
 *
 * @module
 */

import type {
  AllocatorKind,
  LeakInfo,
  PoolType,
  StatisticsOptions,
  StatisticsSettings,
} from "./options.ts";

// Re-exported so this module's documentation is complete on its own.
export type { AcquireOptions } from "./wait_options.ts";
export type {
  AllocatorKind,
  LeakInfo,
  PoolType,
  StatisticsOptions,
  StatisticsSettings,
};

/**
 * Options of an {@linkcode AsyncPool}: the common pool options (whose
 * callbacks may return promises) plus the resource-pool ones.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { AsyncPool, type AsyncPoolOptions } from "@fastalloc/fastalloc";
 *
 * interface Conn { open: boolean }
 * const options = {
 *   capacity: 10,
 *   min: 2,
 *   factory: async (): Promise<Conn> => ({ open: true }),
 *   validate: (conn: Conn) => conn.open,
 *   destroy: (conn: Conn) => { conn.open = false; },
 *   acquireTimeout: 5_000,
 *   idleTimeout: 30_000,
 * } satisfies AsyncPoolOptions<Conn>;
 * await using pool = new AsyncPool(options);
 * ```
 */
export interface AsyncPoolOptions<T> {
  /** How many objects may exist at once (lent, idle or being made): a positive safe integer. */
  capacity: number;
  /**
   * Makes a new object, possibly asynchronously; overrides `new Type()`. It
   * gets an `AbortSignal` that aborts when the pool gives the creation up
   * (`createTimeout` ran out, or the pool closed), so a connect can cancel.
   * Re-entrancy: "state first, then the callback" — the pool reserves the
   * object's place before it calls the factory, so the factory may call any
   * method of its own pool (a re-entrant acquire sees the place taken and
   * waits); `close()` from inside it fails the acquire it was creating for
   * with `PoolClosedError` and destroys the object it returns.
   */
  factory?: (signal: AbortSignal) => T | Promise<T>;
  /**
   * Create `capacity` objects at construction (default `false`); above `min`
   * they may still be evicted by `idleTimeout`.
   */
  preInitialize?: boolean;
  /**
   * Which idle object is lent next: the most recently returned (`"stack"`,
   * the default, and `"freelist"`: both LIFO, keeping hot connections hot) or
   * the one idle longest (`"deque"`, FIFO, spreading use over every object).
   */
  allocator?: AllocatorKind;
  /**
   * Cleans an object on release, possibly asynchronously: a function, or the
   * name of a method on the object. If it throws or rejects, the object is
   * destroyed (and replaced when needed), `stats().resetFailures` counts it,
   * and `release` still resolves. The borrow has ended before `reset` runs
   * ("state first, then the callback"): releasing the same object again from
   * inside it is a double release, and any other pool method works as it
   * would from outside.
   */
  reset?: ((obj: T) => void | Promise<void>) | string;
  /**
   * Called once for every object the pool drops; may return a promise. The
   * object is already out of the pool's books when it runs, so it may call
   * any method of its own pool; `close()` from inside it returns the very
   * promise of a `close()` already under way.
   */
  destroy?: (obj: T) => void | Promise<void>;
  /** Collect statistics (default `false`). */
  enableStatistics?: boolean | StatisticsOptions;
  /**
   * Called when an owned handle is garbage-collected unreleased, after the
   * leak is counted; the object is released right after it returns. State
   * first, then the callback: it may call any method of its own pool, which
   * behaves as it would from outside.
   */
  onLeak?: (info: LeakInfo<T>) => void;
  /**
   * How many objects to create at construction and keep at least (default 0):
   * a non-negative safe integer, at most `capacity`. Idle objects are never
   * evicted below it, and objects destroyed below it are replaced.
   */
  min?: number;
  /**
   * Checks an object before it is lent again (objects fresh from the factory
   * are not checked), and every `healthCheckInterval` while idle. A falsy
   * result, a throw or a rejection destroys the object, and the acquire is
   * served by another one or a new one. The object is neither lent nor idle
   * while it runs, so it may call any method of its own pool; a `close()`
   * from inside it fails the acquire it was checking for with
   * `PoolClosedError`.
   */
  validate?: (obj: T) => boolean | Promise<boolean>;
  /**
   * How long a creation may take, in milliseconds (default: no limit): a
   * positive number up to 2147483647, or `Infinity`. A creation that has not
   * settled in time is given up: its place is freed at once, the acquire it
   * was for rejects with `PoolTimeoutError` (a refill to `min` that a waiting
   * acquire took over is that acquire's creation), `stats().createFailures`
   * counts it, the factory's signal aborts, and an object that still arrives
   * later is destroyed. So a factory that never settles cannot wedge the
   * pool. The pool never retries on its own: the next acquire tries again.
   */
  createTimeout?: number;
  /**
   * Validate idle objects in the background this often, in milliseconds
   * (default: never; needs `validate`): a positive number up to 2147483647,
   * or `Infinity`. Each object idle for a whole interval is validated; an
   * invalid one is destroyed and the pool refills to `min`. Its timer never
   * keeps a process alive.
   */
  healthCheckInterval?: number;
  /**
   * Report a borrow held longer than this, in milliseconds (default: never):
   * a positive number up to 2147483647, or `Infinity`. Each such borrow is
   * reported once, as an `overdue` `PoolEvent` with the object, how long it
   * has been held and the stack of the `acquire` that took it. While an
   * `overdue` listener is added, each acquire captures its caller's stack
   * (about 3 µs per acquire on Deno and Bun, 4 µs on Node, against under
   * 0.1 µs for a whole acquire + release without; see `bench/async_bench.ts`,
   * "async events") and the pool looks for overdue borrows every half
   * `leakTimeout`, so one is reported between one and one and a half
   * `leakTimeout`s after its acquire. The check's timer never keeps a
   * process alive. Without an `overdue` listener, or without this option,
   * no stack is taken. On Bun a function that only returns the acquire's
   * result (`() => pool.acquire()`) leaves no frame of its own (its engine
   * drops tail calls): the stack names its caller.
   */
  leakTimeout?: number;
  /**
   * The default time limit of an acquire, in milliseconds (default: none).
   * A positive number up to 2147483647, or `Infinity`. An acquire that waits
   * keeps the process alive until it settles, so it gets its
   * `PoolTimeoutError` even when nothing else is left to do.
   */
  acquireTimeout?: number;
  /**
   * How many acquires may wait at once (default `Infinity`): one that finds
   * the pool at capacity with this many already waiting is rejected with
   * `PoolEmptyError`. `0` forbids waiting for a release.
   */
  maxWaiters?: number;
  /**
   * Idle objects above `min` are destroyed once idle this long, in
   * milliseconds (default: never). A positive number up to 2147483647, or `Infinity`.
   */
  idleTimeout?: number;
  /** An object is destroyed when it comes back after this many borrows (default: no limit). */
  maxUses?: number;
  /**
   * An object is destroyed instead of lent or kept once it is this old, in
   * milliseconds (default: no limit). Checked when it is released or would be lent.
   */
  maxLifetime?: number;
}

/**
 * The options of `AsyncPool.drain` and `AsyncPool.close`.
 *
 * @example
 * ```ts
 * import { AsyncPool, type DrainOptions } from "@fastalloc/fastalloc";
 *
 * const pool = new AsyncPool({ capacity: 1, factory: () => ({ id: 1 }) });
 * const options: DrainOptions = { timeout: 1_000 };
 * await pool.close(options);
 * ```
 */
export interface DrainOptions {
  /**
   * How long to wait for every borrow to come back, in milliseconds: a
   * number from 0 to 2147483647, or `Infinity` for no limit (the default).
   * When it runs out the call rejects with `PoolTimeoutError`; 0 does not
   * wait: the call rejects at once unless nothing is out.
   */
  timeout?: number;
}
