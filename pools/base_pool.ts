/**
 * {@linkcode BasePool}: the single-thread pool implementation that
 * {@linkcode FixedPool}, {@linkcode GrowingPool} and `ThreadLocalPool` share.
 *
 * How it stays fast in real programs (many pooled classes, many pools): the
 * pool owns its objects in slots and keeps each slot's generation (odd while
 * lent) and the idle slot numbers in its own typed arrays; each object
 * carries one hidden property, its slot number, written once. Nothing on the
 * hot path writes to user objects, and `release` checks
 * `objects[slot] === obj`, so only the very object the pool lent is accepted.
 * `acquire`, `tryAcquire`, `release` and `use` are compiled per pool where
 * code generation is allowed (see `_fast_ops.ts`), so each pool's code sees
 * one class; elsewhere every pool shares one copy of the same code. The key
 * methods touch only typed arrays, so they stay monomorphic even when one
 * call site drives pools of many classes. Everything optional (timing,
 * reset, FIFO order, the closed state) sits behind one mode check, so the
 * plain path does no extra work; plain statistics counting rides the fast
 * path behind one more predictable branch.
 *
 * Re-entrancy: state first, then the callback. The pool commits its
 * bookkeeping before it calls `factory`, `reset`, `destroy` or `onLeak`, so a
 * callback may call any method of its own pool; each call behaves exactly as
 * it would from outside (it works, or it throws the error it would throw).
 *
 * @module
 */

import type { PoolSettings } from "../config/_options.ts";
import { ContextHandle } from "../handles/context_handle.ts";
import { OwnedHandle } from "../handles/owned_handle.ts";
import { WeakHandle } from "../handles/weak_handle.ts";
import { disabledStats } from "../stats/_disabled_stats.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { SlotCore } from "./_slot_core.ts";
import { isLiveKey, keyAt, liveSlot } from "./_slot_keys.ts";
import type { CoreExtras } from "./_slot_settings.ts";
import { makeFastOps } from "./_fast_ops.ts";
import type { Hot } from "./_slot_table.ts";
import { hookInspect } from "../_inspect.ts";

/** Whether the inspect hooks are on the prototype (installed by the first constructor). */
let inspectable = false;

/** What a growing pool adds: how it grows (see `_grow.ts`) and how far. */
type Growth = Required<Pick<CoreExtras, "nextCapacity" | "maxCapacity">>;

/**
 * What a subclass may add to the core's settings (ThreadLocalPool: its shared
 * row and recorder).
 *
 * @example
 * ```ts
 * import type { BasePoolHooks } from "./base_pool.ts";
 *
 * const hooks: BasePoolHooks = { onDrained: () => console.log("drained") };
 * hooks.onDrained?.(); // drained
 * ```
 */
export type BasePoolHooks = Omit<
  CoreExtras,
  "name" | "nextCapacity" | "maxCapacity"
>;

/**
 * The synchronous single-thread pool behind {@linkcode FixedPool},
 * {@linkcode GrowingPool} and `ThreadLocalPool`. Construct one of those; this
 * class holds what they share and documents the behaviour of every
 * {@linkcode Pool} member.
 *
 * Keys: a key is `(generation << slotBits) | slot`, a non-negative integer
 * below 2^31, where `slotBits` is the number of bits of `maxCapacity - 1`
 * (at least 1, at most 21) and `generation` counts the slot's borrows modulo
 * 2^(31 − slotBits). So a stale key is told apart from a later borrow of the
 * same slot for 2^(31 − slotBits) borrows of that slot: 2^26 for a capacity
 * of 32, 2^21 for 1024, 2^10 for capacities above 2^21 (see
 * {@linkcode BasePool.keyGenerations}). A pool whose maximum capacity is
 * above 2^21 issues keys for its first 2^21 slots only.
 *
 * `acquire`, `tryAcquire`, `release` and `use` are own read-only properties
 * of each pool (its own compiled functions where code generation is
 * allowed), not prototype methods, so `const { acquire } = pool` works and a
 * subclass method of the same name would be shadowed: wrap a pool (compose)
 * instead of overriding them.
 *
 * @typeParam T The pooled object type.
 *
 * @example Any synchronous pool is a BasePool
 * ```ts
 * import { BasePool, FixedPool, GrowingPool } from "@fastalloc/fastalloc";
 *
 * const pools: BasePool<{ n: number }>[] = [
 *   new FixedPool({ capacity: 2, factory: () => ({ n: 0 }) }),
 *   new GrowingPool({ capacity: 2, factory: () => ({ n: 0 }) }),
 * ];
 * for (const pool of pools) pool.release(pool.acquire());
 * ```
 */
export abstract class BasePool<T extends object> {
  /**
   * Lends an idle object, or creates one while fewer than `capacity` are
   * lent; a growing pool grows first when full. The place is reserved before
   * the factory runs (a re-entrant acquire sees it taken); if the factory
   * throws, the error is rethrown and the pool, its capacity and its
   * counters are unchanged. If the factory closes the pool, the new object is
   * destroyed and `PoolClosedError` thrown.
   *
   * An own property of every pool (its own compiled function where code
   * generation is allowed), so `const { acquire } = pool` works too.
   *
   * @returns The object, now borrowed.
   * @throws {PoolEmptyError} If nothing is idle and no object can be created.
   * @throws {PoolClosedError} If the pool is closed.
   * @throws {PoolConfigurationError} If the factory returned something that
   * cannot be pooled (not an object, an object another pool owns, an object
   * without the `reset` method), or a custom growth strategy returned a bad
   * capacity.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 8, factory: () => ({ x: 0, y: 0 }) });
   * const point = pool.acquire();
   * point.x = 3;
   * pool.release(point);
   * ```
   */
  declare readonly acquire: () => T;

  /**
   * As {@linkcode BasePool.acquire}, but returns `undefined` instead of
   * throwing when the pool is exhausted.
   *
   * @returns The object, or `undefined` when none can be had.
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
   * pool.acquire();
   * console.log(pool.tryAcquire()); // undefined
   * ```
   */
  declare readonly tryAcquire: () => T | undefined;

  /**
   * Returns a borrowed object (one lent by `acquire` or `acquireKey`). The
   * borrow ends first; then, with a `reset`, the object is reset (a
   * re-entrant release of it from `reset` is a double release); if the reset
   * throws, the object is destroyed, its place freed, and the error
   * rethrown. After `close()` the object is destroyed instead of kept.
   * Only the very object the pool lent is accepted: an object inheriting
   * from it (`Object.create(obj)`) or a Proxy of it is foreign.
   *
   * @param obj An object this pool lent and that is still borrowed.
   * @throws {AlreadyReleasedError} If `obj` was already released (also when
   * the pool has since retired it: after `close`, `trim`, `discard` or a
   * failed reset).
   * @throws {ForeignObjectError} If this pool never lent `obj`.
   * @throws {TypeMismatchError} If the pool has a type and `obj` is not an instance.
   *
   * @example
   * ```ts
   * import { AlreadyReleasedError, FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
   * const obj = pool.acquire();
   * pool.release(obj);
   * try { pool.release(obj); } catch (e) { console.log(e instanceof AlreadyReleasedError); } // true
   * ```
   */
  declare readonly release: (obj: T) => void;

  /**
   * Acquires an object, calls `fn` with it, and releases it afterwards, even
   * if `fn` throws. If `fn` returns a promise, the object is released when
   * the promise settles. If `fn` released or discarded the object itself, it
   * is not released again. This is the fast scoped form: no handle, no
   * `using` cost. If `fn` throws and the release fails too, `fn`'s error is
   * thrown (the failed reset still shows in `stats().resetFailures`).
   *
   * @typeParam R What `fn` returns.
   * @param fn Works with the object; must not keep it after returning.
   * @returns What `fn` returned.
   * @throws {TypeError} If `fn` is not a function.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 4, factory: () => ({ sum: 0 }) });
   * const total = pool.use((acc) => {
   *   acc.sum = 1 + 2;
   *   return acc.sum;
   * });
   * console.log(total, pool.inUse); // 3 0
   * ```
   */
  declare readonly use: <R>(fn: (obj: T) => R) => R;

  #core: SlotCore<T>;

  /**
   * Sets the pool up from validated settings; subclasses validate first.
   *
   * @param settings Validated options (see `validatePoolOptions`).
   * @param growth How to grow, for growing pools; absent for fixed ones.
   * @param hooks What a subclass adds (ThreadLocalPool's shared row).
   */
  protected constructor(
    settings: PoolSettings<T>,
    growth?: Growth,
    hooks?: BasePoolHooks,
  ) {
    const core = new SlotCore<T>(settings, {
      ...hooks,
      name: new.target.name,
      // The pool object itself carries the state its methods touch.
      hot: this,
      nextCapacity: growth?.nextCapacity,
      maxCapacity: growth?.maxCapacity,
    });
    // Filled first: the compiled fast paths copy the pool's settled state.
    if (settings.preInitialize) core.fill();
    const ops = makeFastOps(core);
    // Always the same four own properties in the same order: every pool
    // keeps one hidden class whichever copy of the code it runs.
    this.acquire = ops.acquire;
    this.tryAcquire = ops.tryAcquire;
    this.release = ops.release;
    this.use = ops.use;
    this.#core = core;
    if (!inspectable) {
      inspectable = hookInspect(
        BasePool.prototype,
        (h: BasePool<object>) => h.#describe(),
      );
    }
  }

  /**
   * The same as {@linkcode BasePool.acquire}.
   *
   * @returns The object, now borrowed.
   * @throws {PoolEmptyError} If nothing is idle and no object can be created.
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
   * pool.release(pool.get());
   * ```
   */
  get(): T {
    return this.acquire();
  }

  // ---- keys ----------------------------------------------------------------

  /**
   * Borrows like {@linkcode BasePool.acquire} and returns the borrow's key
   * instead of the object: an integer in [0, 2^31) that allocates nothing.
   * The key path reads and writes only the pool's own arrays, never a
   * property of a pooled object, so one method serves every pool: a loop
   * that drives many pools from one call site (`pools[i % k]`) calls one
   * function, which the engine inlines.
   *
   * @returns The key of the new borrow.
   * @throws {PoolEmptyError} If nothing is idle and no object can be created.
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 4, factory: () => ({ x: 0 }) });
   * const key = pool.acquireKey();
   * pool.objectOf(key).x = 5;
   * pool.releaseKey(key);
   * console.log(pool.isLive(key)); // false
   * ```
   */
  acquireKey(): number {
    const hot = this as unknown as Hot<T>;
    const t = hot.$top - 1;
    // 4 is MODE_RESET: a reset runs on release only.
    if ((hot.$kmode & ~4) === 0 && t >= 0) {
      hot.$top = t;
      // The stale idle entry stays (see Hot in _slot_table.ts).
      const slot = hot.$idleSlots[t]!;
      const state = hot.$state;
      const key = ~state[slot]!;
      state[slot] = key;
      // Stack slots are below 2^21 but in pools that big (checked there).
      if (slot <= hot.$slotMask) return key;
      return this.#core.keyOrRefuse(slot);
    }
    return this.#core.keyOrRefuse(this.#core.acquireSlot(true));
  }

  /**
   * The object of a live key.
   *
   * @param key A key from {@linkcode BasePool.acquireKey} or
   * {@linkcode BasePool.keyOf} whose borrow has not ended.
   * @returns The borrowed object.
   * @throws {AlreadyReleasedError} If the key's borrow ended (even if its
   * slot was lent again since).
   * @throws {ForeignObjectError} If this pool never issued `key`.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({ n: 1 }) });
   * const key = pool.acquireKey();
   * console.log(pool.objectOf(key).n); // 1
   * ```
   */
  objectOf(key: number): T {
    const hot = this as unknown as Hot<T>;
    // Numbers only: `&` on an object would run its valueOf.
    if (typeof key === "number") {
      const slot = key & hot.$slotMask;
      if (hot.$state[slot] === key) return hot.$objects[slot]!;
    }
    return hot.$objects[liveSlot(this.#core, key, "get object of key")]!;
  }

  /**
   * Ends the borrow named by `key`, as {@linkcode BasePool.release} ends
   * one named by its object (either ends a borrow made either way).
   *
   * @param key A live key of this pool.
   * @throws {AlreadyReleasedError} If the key's borrow already ended.
   * @throws {ForeignObjectError} If this pool never issued `key`.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
   * pool.releaseKey(pool.acquireKey());
   * console.log(pool.available); // 1
   * ```
   */
  releaseKey(key: number): void {
    const hot = this as unknown as Hot<T>;
    if (typeof key === "number") {
      const slot = key & hot.$slotMask;
      const state = hot.$state;
      if (state[slot] === key) {
        if (hot.$kmode === 0) {
          // Above the count first (a stale entry until it counts), then the
          // count: on a frozen pool that write throws, before the state changes.
          const next = ~((key + hot.$step) & 0x7fffffff);
          const top = hot.$top;
          // The object path's acquire reads the object back from
          // `$idleObj`; an entry of this slot there is its object (see Hot).
          const idleSlots = hot.$idleSlots;
          if (idleSlots[top] !== slot) {
            hot.$idleObj[top] = hot.$objects[slot];
            idleSlots[top] = slot;
          }
          hot.$top = top + 1;
          state[slot] = next;
        } else {
          // Counting, a reset, a closed pool...: the general path.
          this.#core.releaseSlot(slot, false);
        }
        return;
      }
    }
    this.#core.releaseSlot(
      liveSlot(this.#core, key, "release key"),
      false,
    );
  }

  /**
   * Ends the borrow named by `key` by discarding its object, as
   * {@linkcode BasePool.discard} does.
   *
   * @param key A live key of this pool.
   * @throws {AlreadyReleasedError} If the key's borrow already ended.
   * @throws {ForeignObjectError} If this pool never issued `key`.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({}), destroy: () => console.log("gone") });
   * pool.discardKey(pool.acquireKey()); // gone
   * ```
   */
  discardKey(key: number): void {
    const c = this.#core;
    c.releaseSlot(liveSlot(c, key, "discard key"), true);
  }

  /**
   * The key of the current borrow of `obj`.
   *
   * @param obj An object this pool lent that is still borrowed.
   * @returns Its borrow's key.
   * @throws {AlreadyReleasedError} If `obj` is not borrowed now.
   * @throws {ForeignObjectError} If this pool never lent `obj`.
   * @throws {TypeMismatchError} If the pool has a type and `obj` is not an instance.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
   * const obj = pool.acquire();
   * console.log(pool.objectOf(pool.keyOf(obj)) === obj); // true
   * ```
   */
  keyOf(obj: T): number {
    const c = this.#core;
    return keyAt(c, c.lentSlot(obj, "get key of"));
  }

  /**
   * Whether `key` names a live borrow of this pool. Never throws: `false`
   * for a stale key and for anything this pool never issued.
   *
   * @param key Any value.
   * @returns `true` only for a live key of this pool.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
   * const key = pool.acquireKey();
   * console.log(pool.isLive(key), pool.isLive(-1)); // true false
   * ```
   */
  isLive(key: number): boolean {
    return isLiveKey(this.#core, key);
  }

  /**
   * How many borrows of one slot its keys tell apart: a stale key is
   * detected until its slot has been lent this many times since
   * (2^(31 − slotBits), at least 2^10).
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * console.log(new FixedPool({ capacity: 1024, factory: () => ({}) }).keyGenerations); // 2097152
   * ```
   */
  get keyGenerations(): number {
    return this.#core.generations;
  }

  // ---- discard, handles ------------------------------------------------------

  /**
   * Ends the borrow of an object that must not be lent again (it broke, or
   * holds state that cannot be reset): its place is freed, then `destroy`
   * runs (no `reset`), so a fresh object can be created later. Counts in
   * `totalReleases` and `destroyed`.
   *
   * @param obj An object this pool lent that is still borrowed.
   * @throws {AlreadyReleasedError} If `obj` is not borrowed now.
   * @throws {ForeignObjectError} If this pool never lent `obj`.
   * @throws {TypeMismatchError} If the pool has a type and `obj` is not an instance.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({ ok: true }) });
   * const obj = pool.acquire();
   * obj.ok = false; // broken: never lend it again
   * pool.discard(obj);
   * console.log(pool.acquire() !== obj); // true
   * ```
   */
  discard(obj: T): void {
    const c = this.#core;
    c.releaseSlot(c.lentSlot(obj, "discard"), true);
  }

  /**
   * Borrows an object through a handle, for `using`.
   *
   * @returns A handle; disposing it releases the object.
   * @throws {PoolEmptyError} If nothing can be had.
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({ x: 0 }) });
   * {
   *   using h = pool.allocate();
   *   h.value.x = 1;
   * }
   * console.log(pool.available); // 1
   * ```
   */
  allocate(): ContextHandle<T> {
    const key = this.acquireKey();
    return new ContextHandle(this.#core.lender, this.objectOf(key), key);
  }

  /**
   * Borrows an object through a leak-tracked handle: if the handle is
   * garbage-collected unreleased, the pool counts a leak, calls `onLeak`, and
   * takes the object back.
   *
   * @returns The handle.
   * @throws {PoolEmptyError} If nothing can be had.
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
   * const owned = pool.allocateOwned();
   * owned.release();
   * ```
   */
  allocateOwned(): OwnedHandle<T> {
    const key = this.acquireKey();
    return new OwnedHandle(this.#core.lender, this.objectOf(key), key);
  }

  /**
   * Watches the current borrow of `obj` without owning it.
   *
   * @param obj A currently borrowed object of this pool.
   * @returns A weak handle to that borrow.
   * @throws {AlreadyReleasedError} If `obj` is idle.
   * @throws {ForeignObjectError} If this pool never lent `obj`.
   * @throws {TypeMismatchError} If the pool has a type and `obj` is not an instance.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
   * const obj = pool.acquire();
   * const watcher = pool.weak(obj);
   * pool.release(obj);
   * console.log(watcher.alive); // false
   * ```
   */
  weak(obj: T): WeakHandle<T> {
    const c = this.#core;
    const key = keyAt(c, c.lentSlot(obj, "watch"));
    return new WeakHandle(c.lender, obj, key);
  }

  // ---- state -------------------------------------------------------------

  /** How many objects may be lent at once. */
  get capacity(): number {
    return this.#core.capacity;
  }

  /** Objects lent now. */
  get inUse(): number {
    return this.#core.inUse;
  }

  /** Idle objects already created. */
  get available(): number {
    return this.#core.hot.$top;
  }

  /** Whether the pool is closed. */
  get closed(): boolean {
    return this.#core.closed;
  }

  /** The allocator kind keeping idle objects: `"stack"`, `"freelist"` or `"deque"`. */
  get allocator(): string {
    return this.#core.kind;
  }

  /**
   * A frozen statistics snapshot. With statistics off, only `enabled`,
   * `currentInUse` and `currentCapacity` are filled in.
   *
   * @returns The statistics.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 2, factory: () => ({}), enableStatistics: true });
   * pool.acquire();
   * console.log(pool.stats().peakInUse); // 1
   * ```
   */
  stats(): PoolStats {
    const c = this.#core;
    return c.collector?.snapshot() ?? disabledStats(c.inUse, c.capacity);
  }

  /**
   * Closes the pool: acquires fail from now on, idle objects are destroyed at
   * once, and borrowed ones are destroyed when released. Calling it again
   * (also from inside `destroy`) does nothing. Called from inside a
   * callback, it takes effect at once. If `destroy` throws, every object is
   * still retired and the errors are thrown together afterwards.
   *
   * @throws {AggregateError} If `destroy` threw for any object.
   *
   * @example
   * ```ts
   * import { FixedPool } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 2, factory: () => ({}), preInitialize: true });
   * pool.close();
   * console.log(pool.closed, pool.available); // true 0
   * ```
   */
  close(): void {
    this.#core.close();
  }

  /** Closes the pool, for `using pool = new FixedPool(...)`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Destroys idle objects until at most `keep` objects exist; for subclasses.
   *
   * @param keep How many objects (lent and idle) to keep at most.
   * @returns How many objects were destroyed.
   */
  protected trimTo(keep: number): number {
    return this.#core.trimTo(keep);
  }

  /** The effective maximum capacity (the capacity itself for fixed pools). */
  protected get maximumCapacity(): number {
    return this.#core.maxCapacity;
  }

  #describe(): string {
    const c = this.#core;
    return `${this.constructor.name} { capacity: ${c.capacity}, inUse: ${c.inUse}, available: ${c.hot.$top}, closed: ${c.closed}, allocator: "${c.kind}", statistics: ${
      c.collector !== undefined
    } }`;
  }
}
