/**
 * The options every pool takes. Each pool checks its options once, in its
 * constructor (the checks are private, in `_options.ts`), so a bad value
 * fails early with a message that names the option and quotes the value.
 *
 * @module
 */

import type { GrowthConfig } from "./growth.ts";

/**
 * Which structure keeps a pool's idle objects: LIFO stack (default), LIFO free list or FIFO deque.
 *
 * @example A FIFO pool lends the longest-idle object first
 * ```ts
 * import { type AllocatorKind, FixedPool } from "@fastalloc/fastalloc";
 *
 * const allocator: AllocatorKind = "deque";
 * const pool = new FixedPool({ capacity: 2, allocator, factory: () => ({}) });
 * const a = pool.acquire();
 * const b = pool.acquire();
 * pool.release(a);
 * pool.release(b);
 * console.log(pool.acquire() === a); // true
 * ```
 */
export type AllocatorKind = "stack" | "freelist" | "deque";

/**
 * A class whose instances a pool makes with `new Type()`.
 *
 * @example
 * ```ts
 * import { FixedPool, type PoolType } from "@fastalloc/fastalloc";
 *
 * class Vec { x = 0; y = 0; }
 * const type: PoolType<Vec> = Vec;
 * const pool = new FixedPool(type, { capacity: 8 });
 * console.log(pool.acquire() instanceof Vec); // true
 * ```
 */
// deno-lint-ignore no-explicit-any
export type PoolType<T> = new (...args: any[]) => T;

/**
 * Fine-grained statistics settings.
 *
 * @example Time one operation in two
 * ```ts
 * import { FixedPool, type StatisticsOptions } from "@fastalloc/fastalloc";
 *
 * const statistics: StatisticsOptions = { timing: true, sampleRate: 0.5 };
 * const pool = new FixedPool({ capacity: 4, factory: () => ({}), enableStatistics: statistics });
 * pool.release(pool.acquire());
 * console.log(pool.stats().totalAllocations); // 1
 * ```
 */
export interface StatisticsOptions {
  /**
   * Measure acquire and release times with `performance.now()`. Off by
   * default: a clock read costs far more than a pooled acquire, so timing is
   * taken on a sample of operations only (see `sampleRate`).
   */
  timing?: boolean;
  /**
   * The fraction of operations timed when `timing` is on, in (0, 1]
   * (default 0.01: one operation in a hundred). Totals are estimated from the
   * sample; averages are the sample's means.
   */
  sampleRate?: number;
}

/**
 * What a pool tells `onLeak` about an `OwnedHandle` collected unreleased.
 *
 * @example A leak handler
 * ```ts
 * import { FixedPool, type LeakInfo } from "@fastalloc/fastalloc";
 *
 * function onLeak(info: LeakInfo<{ id: number }>): void {
 *   console.warn(`${info.pool} leaked #${info.object.id} (borrow ${info.generation})`);
 * }
 * const pool = new FixedPool({ capacity: 4, factory: () => ({ id: 1 }), onLeak });
 * using handle = pool.allocateOwned(); // released at the end of the scope: no leak
 * console.log(handle.value.id); // 1
 * ```
 */
export interface LeakInfo<T> {
  /** The object that was leaked; the pool has already taken it back. */
  readonly object: T;
  /** The borrow's generation number (for the synchronous single-thread pools: the borrow's key). */
  readonly generation: number;
  /** The class name of the pool, e.g. `"FixedPool"`. */
  readonly pool: string;
}

/**
 * Options common to all synchronous pools.
 *
 * @example
 * ```ts
 * import { FixedPool, type PoolOptions } from "@fastalloc/fastalloc";
 *
 * class Vec { x = 0; y = 0; reset() { this.x = this.y = 0; } }
 * const options: PoolOptions<Vec> = { capacity: 64, reset: "reset", preInitialize: true };
 * const pool = new FixedPool(Vec, options);
 * console.log(pool.available); // 64
 * ```
 */
export interface PoolOptions<T> {
  /** How many objects the pool may lend at once: a positive safe integer. */
  capacity: number;
  /**
   * Makes a new object; overrides `new Type()`.
   *
   * Re-entrancy ("state first, then the callback"): the pool commits its
   * bookkeeping before it calls this, so it may call any method of its own
   * pool, and each call behaves exactly as from outside: it works, or it
   * throws the error it would throw from outside. The new object's place is
   * reserved before it runs (a re-entrant acquire on a full pool gets
   * `PoolEmptyError`, and `inUse` never exceeds `capacity`), and given back
   * if it throws; if it closes the pool, the acquire fails with
   * `PoolClosedError` and the new object is destroyed.
   */
  factory?: () => T;
  /**
   * Cleans an object on release, so idle objects hold no stale references:
   * a function, or the name of a method on the object. If it throws, the
   * object is destroyed, its place freed, the error rethrown from `release`
   * and counted in `stats().resetFailures`. A method name is checked on the
   * type's prototype when the pool is built from a type, and on every new
   * object: an object without that method fails its acquire with a
   * `PoolConfigurationError` instead of being lent.
   *
   * Re-entrancy ("state first, then the callback"): the pool commits its
   * bookkeeping before it calls this, so it may call any method of its own
   * pool, and each call behaves exactly as from outside: it works, or it
   * throws the error it would throw from outside. The borrow has ended
   * before it runs: releasing the same object again from here is a double
   * release (`AlreadyReleasedError`), which, thrown out of `reset`, counts
   * as a failed reset, so an object never enters the idle store twice.
   */
  reset?: ((obj: T) => void) | string;
  /**
   * Called for every object the pool retires (close, trim, discard, failed
   * reset).
   *
   * Re-entrancy ("state first, then the callback"): the pool commits its
   * bookkeeping before it calls this, so it may call any method of its own
   * pool, and each call behaves exactly as from outside: it works, or it
   * throws the error it would throw from outside. The object is no longer the
   * pool's when it runs (releasing it is a double release); `close()` from
   * here does nothing if the pool is closing, and otherwise takes effect at
   * once.
   */
  destroy?: (obj: T) => void;
  /** Create every object in the constructor (default `false`). */
  preInitialize?: boolean;
  /**
   * The order idle objects are lent in (default `"stack"`): `"stack"` and
   * `"freelist"` are LIFO (the most recently released object next, likely
   * still in the CPU cache), `"deque"` is FIFO (the longest idle next, which
   * spreads use evenly). The synchronous pools keep idle objects in their
   * own arrays, so every kind takes frozen and sealed objects too.
   */
  allocator?: AllocatorKind;
  /** Collect statistics (default `false`). */
  enableStatistics?: boolean | StatisticsOptions;
  /**
   * Called when an `OwnedHandle` is garbage-collected unreleased, before the
   * pool takes the object back.
   *
   * Re-entrancy ("state first, then the callback"): the pool commits its
   * bookkeeping before it calls this, so it may call any method of its own
   * pool, and each call behaves exactly as from outside: it works, or it
   * throws the error it would throw from outside.
   */
  onLeak?: (info: LeakInfo<T>) => void;
}

/**
 * Options of a {@linkcode GrowingPool}: the common ones plus how it grows.
 *
 * @example
 * ```ts
 * import { GrowingPool, type GrowingPoolOptions, linearGrowth } from "@fastalloc/fastalloc";
 *
 * class Vec { x = 0; }
 * const options: GrowingPoolOptions<Vec> = {
 *   capacity: 2, maxCapacity: 8, growth: linearGrowth({ increment: 2 }),
 * };
 * const pool = new GrowingPool(Vec, options);
 * for (let i = 0; i < 3; i++) pool.acquire(); // the third acquire grows the pool
 * console.log(pool.capacity, pool.maxCapacity); // 4 8
 * ```
 */
export interface GrowingPoolOptions<T> extends PoolOptions<T> {
  /** The capacity never grows past this (unbounded when absent everywhere). */
  maxCapacity?: number;
  /**
   * How to grow (default: linear by `max(1, floor(capacity / 2))`, up to
   * `maxCapacity`).
   */
  growth?: GrowthConfig;
}

/**
 * Statistics settings after validation.
 *
 * @example
 * ```ts
 * import { type StatisticsSettings } from "./options.ts";
 * import { validateStatistics } from "./_options.ts";
 *
 * const settings: StatisticsSettings = validateStatistics(true, "FixedPool");
 * console.log(settings.enabled, settings.timing, settings.sampleRate); // true false 0.01
 * ```
 */
export interface StatisticsSettings {
  /** Whether counters are collected. */
  readonly enabled: boolean;
  /** Whether sampled timing is on. */
  readonly timing: boolean;
  /** The timed fraction of operations. */
  readonly sampleRate: number;
}
