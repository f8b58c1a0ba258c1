/**
 * {@linkcode ThreadSafePool}: one pool shared by many workers, in a
 * `SharedArrayBuffer` changed only with `Atomics`. This file holds the public
 * class and its plain paths; its parts are the private `_thread_safe_*.ts`
 * modules beside it. The shared-memory layout, its costs and why it holds
 * across threads: docs/architecture.md, "ThreadSafePool".
 *
 * @module
 */

import type { SharedFreeList } from "../allocators/shared_freelist.ts";
import type {
  SlotFactory,
  SlotType,
  ThreadSafeAttachOptions,
  ThreadSafePoolDescriptor,
  ThreadSafePoolOptions,
} from "../config/thread_safe_options.ts";
import type { AcquireOptions } from "../config/wait_options.ts";
import { ContextHandle } from "../handles/context_handle.ts";
import type { Lender } from "../handles/lender.ts";
import { OwnedHandle } from "../handles/owned_handle.ts";
import { WeakHandle } from "../handles/weak_handle.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { hookInspect } from "../_inspect.ts";
import { MODE_CLOSED, MODE_RESET, MODE_STATS } from "./_modes.ts";
import { useBorrow, useFnError } from "./_lending.ts";
import {
  type AttachTicket,
  attachView,
  descriptorOf,
  leaveView,
  openPool,
} from "./_thread_safe_attach.ts";
import {
  checkKeys,
  endKey,
  KEY_SLOT_BITS,
  keyOfObject,
  keyOfSlot,
  keyState,
  objectOfKey,
} from "./_thread_safe_keys.ts";
import { H_CLOSED } from "./_thread_safe_layout.ts";
import { reclaim } from "./_thread_safe_reclaim.ts";
import {
  discardObject,
  lenderOf,
  releaseGeneral,
} from "./_thread_safe_release.ts";
import { startBorrow, type ThreadSafeSlots } from "./_thread_safe_slots.ts";
import { slotOfWrapper } from "./_thread_safe_stamp.ts";
import { acquireWaiting, acquireWaitingAsync } from "./_thread_safe_waits.ts";

export type { ThreadSafePoolDescriptor };

/** Whether the inspect hooks are on the prototype (installed by the first constructor). */
let inspectable = false;

/**
 * How long {@linkcode ThreadSafePool.acquireAsync} waits, and how to stop it: the library's
 * one wait-options type, {@linkcode AcquireOptions} (`timeout` in ms; `signal`).
 *
 * @example Abort a wait
 * ```ts
 * import { type AcquireAsyncOptions, ThreadSafePool } from "@fastalloc/fastalloc";
 *
 * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
 * pool.acquire(); // the only slot is lent: the next acquire waits
 * const options: AcquireAsyncOptions = { signal: AbortSignal.timeout(10), timeout: 1_000 };
 * await pool.acquireAsync(options).catch((error) => console.log(error.name)); // TimeoutError
 * ```
 */
export type AcquireAsyncOptions = AcquireOptions;

/**
 * A pool of shared-memory slots that any number of threads acquire from and
 * release to at once: create it in one thread, send
 * {@linkcode ThreadSafePool.share} to workers, open it there with
 * {@linkcode ThreadSafePool.attach}. A borrowed slot can be handed to another
 * thread by index or key and released there; double releases are detected
 * across threads. `capacity` never changes; `reset` runs in the releasing
 * thread; `close()` in any thread closes the pool for all. (Member examples
 * import `ThreadSafePool` as this one does.)
 *
 * @typeParam T The wrapper type: what `new Type(buffer, byteOffset)` makes,
 * `Uint8Array` for a byte pool (`{ capacity, slotBytes }`, no type).
 * @example Slots with typed views, shared with a worker
 * ```ts
 * import { ThreadSafePool } from "@fastalloc/fastalloc";
 *
 * class Particle {
 *   static readonly byteLength = 24; // three float64s of shared state
 *   data: Float64Array;
 *   constructor(buffer: SharedArrayBuffer, offset: number) {
 *     this.data = new Float64Array(buffer, offset, 3);
 *   }
 * }
 * const pool = new ThreadSafePool(Particle, { capacity: 1024 });
 * const p = pool.acquire();
 * p.data[0] = 1.5;
 * const descriptor = pool.share(); // worker.postMessage(descriptor); in the worker:
 * const seen = ThreadSafePool.attach(Particle, descriptor).at(pool.indexOf(p));
 * console.log(seen.data[0]); // 1.5
 * ```
 */
export class ThreadSafePool<T extends object = Uint8Array> {
  // The plain paths read these directly; everything else is in #s.
  /** Non-zero when acquire must take the general path (statistics, detached). */
  #acquireMode: number;
  /** Non-zero when release must take the general path (statistics, reset, detached). */
  #releaseMode: number;
  #header: Int32Array;
  #records: Int32Array;
  #borrowGenerations: Int32Array;
  #objects: (T | undefined)[];
  #free: SharedFreeList;
  #capacity: number;
  #slotBits: number;
  #genMask: number;
  #slotMask: number;
  /** This thread's slots: the state every other path shares. */
  #s: ThreadSafeSlots<T>;
  /** Whether this thread's instance ran `close()` (its wrappers are gone). */
  #closedHere = false;
  #lender: Lender<T>;
  /**
   * Creates a pool of `capacity` slots of `type.byteLength` shared bytes,
   * whose wrappers are `new type(buffer, byteOffset)`.
   * @param type The slot class; `release` rejects other types.
   * @param options Capacity, statistics and this thread's callbacks.
   * @throws {InvalidCapacityError | PoolConfigurationError} For a bad `capacity` or other option.
   */
  constructor(type: SlotType<T>, options: ThreadSafePoolOptions<T>);
  /**
   * Creates a pool whose wrappers come from `options.factory(buffer, byteOffset)`.
   * @param options Capacity, factory, `slotBytes` (default 0) and callbacks.
   * @throws {InvalidCapacityError | PoolConfigurationError} For a bad `capacity` or other option.
   */
  constructor(options: ThreadSafePoolOptions<T> & { factory: SlotFactory<T> });
  /**
   * Creates a pool lending `Uint8Array` views of `options.slotBytes` bytes.
   * @param options Capacity, slot size, statistics and callbacks.
   * @throws {InvalidCapacityError | PoolConfigurationError} For a bad `capacity` or other option.
   */
  constructor(options: ThreadSafePoolOptions<T> & { slotBytes: number });
  constructor(
    typeOrOptions: SlotType<T> | ThreadSafePoolOptions<T>,
    options?: ThreadSafePoolOptions<T> | ThreadSafeAttachOptions<T>,
    ticket?: AttachTicket,
  ) {
    if (!inspectable) {
      inspectable = hookInspect(
        ThreadSafePool.prototype,
        (h: ThreadSafePool<object>) => h.#s.describe(h.inUse, h.available),
      );
    }
    const s = openPool<T>(typeOrOptions, options, ticket);
    this.#s = s;
    this.#header = s.header;
    this.#records = s.records;
    this.#borrowGenerations = s.borrowGenerations;
    this.#objects = s.objects;
    this.#free = s.free;
    this.#capacity = s.capacity;
    this.#slotBits = s.slotBits;
    this.#genMask = s.genMask;
    this.#slotMask = s.slotMask;
    this.#acquireMode = s.counters.on ? MODE_STATS : 0;
    this.#releaseMode = this.#acquireMode |
      (s.settings.reset !== undefined ? MODE_RESET : 0);
    this.#lender = lenderOf(s, this);
  }
  /**
   * Opens in this thread the pool whose {@linkcode ThreadSafePool.share} was sent here.
   * @typeParam T The wrapper type.
   * @param type The slot class: the creator's, or one with its `byteLength`.
   * @param descriptor What `share()` returned.
   * @param options This thread's callbacks (reset, destroy, factory, onLeak, preInitialize).
   * @returns This thread's view of the pool, with its own `threadId`.
   * @throws {PoolConfigurationError} For a bad descriptor or option, another
   * slot size, or (with statistics) more than `maxThreads` threads at once.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 8, slotBytes: 4 });
   * const shared = ThreadSafePool.attach(pool.share()); // in a worker
   * console.log(shared.threadId, shared.capacity, shared.slotBytes); // 2 8 4
   * ```
   */
  static attach<T extends object>(
    type: SlotType<T>,
    descriptor: ThreadSafePoolDescriptor,
    options?: ThreadSafeAttachOptions<T>,
  ): ThreadSafePool<T>;
  /**
   * Opens a factory pool: wrappers come from `options.factory`.
   * @typeParam T The wrapper type.
   * @param descriptor What `share()` returned.
   * @param options This thread's callbacks, `factory` included.
   * @returns This thread's view of the pool.
   * @throws {PoolConfigurationError} For a bad descriptor or option.
   */
  static attach<T extends object>(
    descriptor: ThreadSafePoolDescriptor,
    options: ThreadSafeAttachOptions<T> & { factory: SlotFactory<T> },
  ): ThreadSafePool<T>;
  /**
   * Opens a byte pool: wrappers are `Uint8Array` views of each slot.
   * @param descriptor What `share()` returned.
   * @param options This thread's callbacks.
   * @returns This thread's view of the pool.
   * @throws {PoolConfigurationError} For a bad descriptor or option.
   */
  static attach(
    descriptor: ThreadSafePoolDescriptor,
    options?: ThreadSafeAttachOptions<Uint8Array>,
  ): ThreadSafePool<Uint8Array>;
  static attach<T extends object>(
    typeOrDescriptor: SlotType<T> | ThreadSafePoolDescriptor,
    descriptorOrOptions?: ThreadSafePoolDescriptor | ThreadSafeAttachOptions<T>,
    options?: ThreadSafeAttachOptions<T>,
  ): ThreadSafePool<T> {
    return attachView<ThreadSafePool<T>>(
      ThreadSafePool,
      typeOrDescriptor,
      descriptorOrOptions,
      options,
    );
  }
  /**
   * Lends a free slot's wrapper. Safe from any thread at once.
   * @returns This thread's wrapper of the slot, now borrowed.
   * @throws {PoolEmptyError | PoolClosedError} If every slot is taken, or the
   * pool is closed (in any thread).
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * pool.release(pool.acquire()); // a Uint8Array of 4 shared bytes
   * ```
   */
  acquire(): T {
    if (this.#acquireMode === 0 && this.#header[H_CLOSED] === 0) {
      const slot = this.#free.pop();
      if (slot >= 0) return this.#lend(slot);
    }
    return this.#s.acquireGeneral(true)!;
  }
  /** Lends a slot just taken (the plain path's ThreadSafeSlots.lend). */
  #lend(slot: number): T {
    startBorrow(this.#records, this.#borrowGenerations, slot);
    return this.#objects[slot] ?? this.#s.wrapLent(slot);
  }
  /**
   * The same as {@linkcode ThreadSafePool.acquire}.
   * @returns The wrapper, now borrowed.
   * @throws {PoolEmptyError | PoolClosedError} If every slot is taken, or the pool is closed.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * pool.release(pool.get());
   * ```
   */
  get(): T {
    return this.acquire();
  }
  /**
   * As {@linkcode ThreadSafePool.acquire}, but `undefined` when every slot is taken.
   * @returns The wrapper, or `undefined`.
   * @throws {PoolClosedError} If the pool is closed.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * console.log(pool.tryAcquire() !== undefined, pool.tryAcquire()); // true undefined
   * ```
   */
  tryAcquire(): T | undefined {
    if (this.#acquireMode === 0 && this.#header[H_CLOSED] === 0) {
      const slot = this.#free.pop();
      if (slot >= 0) return this.#lend(slot);
    }
    return this.#s.acquireGeneral(false);
  }
  /**
   * As `acquire`, but when every slot is taken, blocks this thread until one is free.
   * @param timeoutMs The longest wait in milliseconds (default: no limit).
   * @returns The wrapper, now borrowed (an `Atomics.wait`, counted in `stats().waits`).
   * @throws {PoolTimeoutError | PoolClosedError} If no slot came free in time, or the pool closed.
   * @throws {FastAllocError} Where this thread may not block (a browser's main thread).
   * @throws {RangeError} If `timeoutMs` is not 0 to 2147483647 ms or `Infinity`.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * pool.acquire();
   * try { pool.acquireWait(20); } catch (e) { console.log((e as Error).name); } // PoolTimeoutError
   * ```
   */
  acquireWait(timeoutMs?: number): T {
    return acquireWaiting(this.#s, this, timeoutMs);
  }
  /**
   * As `acquire`, but when every slot is taken, waits without blocking until one is free.
   * @param options `timeout` in milliseconds and an abort `signal`.
   * @returns The wrapper, now borrowed (the wait keeps the event loop alive; in `stats().waits`).
   * @throws {PoolTimeoutError | PoolClosedError} If no slot came free in time, or the pool closed
   * (rejects).
   * @throws {unknown} `signal.reason` if the signal aborts (rejects; no slot is taken).
   * @throws {TypeError} If `options` is not an object, has an unknown key or a bad `signal`
   * (rejects).
   * @throws {RangeError} If `timeout` is not 0 to 2147483647 ms or `Infinity` (rejects).
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const held = pool.acquire();
   * setTimeout(() => pool.release(held), 10);
   * console.log(await pool.acquireAsync({ timeout: 1000 }) === held); // true
   * ```
   */
  acquireAsync(options: AcquireAsyncOptions = {}): Promise<T> {
    return acquireWaitingAsync(this.#s, this, options);
  }
  /**
   * Returns a borrowed wrapper's slot, from any thread. `reset` runs first, here; if it
   * throws, the slot is zeroed and freed, the wrapper destroyed and the error rethrown.
   * After `close()` the wrapper is destroyed.
   * @param obj This thread's wrapper of a borrowed slot (see `at` for another thread's).
   * @throws {AlreadyReleasedError} If the slot is not borrowed (released already, anywhere).
   * @throws {ForeignObjectError | TypeMismatchError} If `obj` is not this pool's wrapper (or type).
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const view = pool.acquire();
   * pool.release(view);
   * try { pool.release(view); } catch (e) { console.log((e as Error).name); } // AlreadyReleasedError
   * ```
   */
  release(obj: T): void {
    const slot = slotOfWrapper(obj);
    if (
      slot >= 0 && this.#objects[slot] === obj &&
      this.#releaseMode === 0 && this.#header[H_CLOSED] === 0 &&
      this.#records[slot << 1] === this.#borrowGenerations[slot] &&
      this.#free.push(slot)
    ) {
      return;
    }
    releaseGeneral(this.#s, obj);
  }
  /**
   * Borrows a slot like `acquire` and returns the borrow's key, valid in every thread.
   * @returns The key (a plain number; stale keys are detected: docs/architecture.md).
   * @throws {PoolEmptyError | PoolClosedError} If every slot is taken, or the pool is closed.
   * @throws {PoolConfigurationError} If `capacity` is over 2^20.
   * @example Hand a borrow to another thread by key
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8 });
   * const key = pool.acquireKey(); // a plain number: postMessage(key)
   * ThreadSafePool.attach(pool.share()).releaseKey(key); // in the other thread
   * console.log(pool.isLive(key), pool.inUse); // false 0
   * ```
   */
  acquireKey(): number {
    if (this.#slotBits > KEY_SLOT_BITS) checkKeys(this.#s);
    if (this.#acquireMode === 0 && this.#header[H_CLOSED] === 0) {
      const slot = this.#free.pop();
      if (slot >= 0) {
        // As lend, without making a wrapper: objectOf makes it if needed.
        const generation = startBorrow(
          this.#records,
          this.#borrowGenerations,
          slot,
        );
        return ((generation & this.#genMask) << this.#slotBits) | slot;
      }
    }
    const s = this.#s;
    return keyOfSlot(s, s.slotOf(s.acquireGeneral(true)!));
  }
  /**
   * This thread's wrapper of the slot a live key names; this thread may then `release` it.
   * @param key A key from `acquireKey` or `keyOf`, from any thread.
   * @returns The wrapper.
   * @throws {AlreadyReleasedError | ForeignObjectError} If the key is stale, or not this pool's.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * pool.release(pool.objectOf(pool.acquireKey())); // a borrow is a borrow
   * ```
   */
  objectOf(key: number): T {
    return objectOfKey(this.#s, key);
  }
  /**
   * Ends the borrow a key names, from any thread (as `release`; `reset` runs here).
   * @param key A live key of this pool.
   * @throws {AlreadyReleasedError | ForeignObjectError} If the key is stale, or not this pool's.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const key = pool.acquireKey();
   * pool.releaseKey(key);
   * try { pool.releaseKey(key); } catch (e) { console.log((e as Error).name); } // AlreadyReleasedError
   * ```
   */
  releaseKey(key: number): void {
    if (
      typeof key === "number" && this.#releaseMode === 0 &&
      this.#header[H_CLOSED] === 0 && (key | 0) === key && key >= 0
    ) {
      // The plain path: the generation matches and the slot was lent (the
      // push, which fails for a free slot, is the double-release check).
      const slot = key & this.#slotMask;
      if (
        slot < this.#capacity &&
        (this.#records[slot << 1]! & this.#genMask) ===
          key >>> this.#slotBits &&
        this.#free.push(slot)
      ) {
        return;
      }
    }
    endKey(this.#s, key, false);
  }
  /**
   * Ends the borrow a key names by discarding it, from any thread (as `discard`).
   * @param key A live key of this pool.
   * @throws {AlreadyReleasedError | ForeignObjectError} If the key is stale, or not this pool's.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const key = pool.acquireKey();
   * pool.objectOf(key)[0] = 9;
   * pool.discardKey(key);
   * console.log(pool.acquire()[0]); // 0: the slot's bytes were zeroed
   * ```
   */
  discardKey(key: number): void {
    endKey(this.#s, key, true);
  }
  /**
   * The key of the current borrow of one of this thread's wrappers.
   * @param obj This thread's wrapper of a borrowed slot.
   * @returns The borrow's key.
   * @throws {AlreadyReleasedError} If the borrow ended.
   * @throws {ForeignObjectError | TypeMismatchError} If `obj` is not this pool's wrapper (or type).
   * @throws {PoolConfigurationError} If `capacity` is over 2^20.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const view = pool.acquire();
   * console.log(pool.objectOf(pool.keyOf(view)) === view); // true
   * ```
   */
  keyOf(obj: T): number {
    return keyOfObject(this.#s, obj);
  }
  /**
   * Whether `key` names a borrow of this pool that has not ended, in any thread; never throws.
   * @param key Any value.
   * @returns `true` only for a live key of this pool.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * console.log(pool.isLive(pool.acquireKey()), pool.isLive(-1)); // true false
   * ```
   */
  isLive(key: number): boolean {
    return keyState(this.#s, key) >= 0;
  }
  /**
   * Ends a borrow by discarding it: the slot is zeroed, the wrapper destroyed (no `reset`).
   * @param obj This thread's wrapper of a borrowed slot.
   * @throws {AlreadyReleasedError} If the slot is not borrowed, or was lent again since.
   * @throws {ForeignObjectError | TypeMismatchError} If `obj` is not this pool's wrapper (or type).
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const broken = pool.acquire();
   * pool.discard(broken);
   * console.log(pool.acquire() === broken); // false: a fresh wrapper
   * ```
   */
  discard(obj: T): void {
    discardObject(this.#s, obj);
  }
  /**
   * A structured-cloneable description of the pool, for `attach` in a worker.
   * @returns The descriptor (the buffer is shared, not copied).
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 8 });
   * console.log(ThreadSafePool.attach(structuredClone(pool.share())).capacity); // 2
   * ```
   */
  share(): ThreadSafePoolDescriptor {
    return descriptorOf(this.#s);
  }
  /**
   * The slot index of one of this thread's wrappers, for another thread's `at`.
   * @param obj A wrapper of this pool.
   * @returns Its slot index, or `-1` if `obj` is not this thread's wrapper of a slot.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * console.log(pool.indexOf(pool.acquire()), pool.indexOf(new Uint8Array(4))); // 0 -1
   * ```
   */
  indexOf(obj: T): number {
    return this.#s.slotOf(obj);
  }
  /**
   * This thread's wrapper of a slot another thread borrowed, by index; it may be released here.
   * @param index A slot index from {@linkcode ThreadSafePool.indexOf}.
   * @returns The wrapper (made now if this thread has none yet).
   * @throws {RangeError} If `index` is not an integer in `[0, capacity)`.
   * @throws {AlreadyReleasedError} If the slot is not borrowed.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const index = pool.indexOf(pool.acquire()); // sent to another thread
   * const there = ThreadSafePool.attach(pool.share()); // that thread's view
   * there.release(there.at(index));
   * console.log(pool.inUse); // 0
   * ```
   */
  at(index: number): T {
    return this.#s.takeOver(this.#s.borrowedAt(index));
  }
  /** This thread's id in the pool: 1 where created, 2, 3, … per `attach` (see its example). */
  get threadId(): number {
    return this.#s.threadId;
  }
  /** Bytes of shared state per slot (see the `attach` example). */
  get slotBytes(): number {
    return this.#s.slotBytes;
  }
  /**
   * Takes back every slot a dead thread acquired and still holds (zeroed, no `reset`), its
   * thread-table entry and waits; only once it has stopped, and not while others release its
   * slots (on Deno a worker blocked in `acquireWait` runs until it ends: docs/architecture.md).
   * @param threadId The dead thread's {@linkcode ThreadSafePool.threadId}.
   * @returns How many slots were taken back.
   * @throws {RangeError} If `threadId` is not a positive integer, or is this thread's.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8 });
   * const worker = ThreadSafePool.attach(pool.share()); // stands in for a dead worker
   * worker.acquire();
   * console.log(pool.reclaim(worker.threadId), pool.available); // 1 4
   * ```
   */
  reclaim(threadId: number): number {
    return reclaim(this.#s, threadId);
  }
  /**
   * Acquires, calls `fn`, and releases afterwards even if it throws (once a returned promise
   * settles); a borrow `fn` ended itself is not ended again.
   * @typeParam R What `fn` returns.
   * @param fn Works with the wrapper; must not keep it after returning.
   * @returns What `fn` returned.
   * @throws {TypeError} If `fn` is not a function.
   * @throws {PoolEmptyError | PoolClosedError} If every slot is taken, or the pool is closed.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * console.log(pool.use((view) => view.length), pool.inUse); // 4 0
   * ```
   */
  use<R>(fn: (obj: T) => R): R {
    if (typeof fn !== "function") throw useFnError(fn);
    const obj = this.acquire();
    // The borrow, so a borrow fn ended itself is not ended again.
    const generation = this.#borrowGenerations[this.#s.slotOf(obj)]!;
    return useBorrow(this.#lender, obj, generation, fn);
  }
  /**
   * Borrows a slot through a handle, for `using`.
   * @returns A handle; disposing it releases the slot.
   * @throws {PoolEmptyError | PoolClosedError} If every slot is taken, or the pool is closed.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * { using h = pool.allocate(); h.value[0] = 1; }
   * console.log(pool.available); // 1
   * ```
   */
  allocate(): ContextHandle<T> {
    const obj = this.acquire();
    return new ContextHandle(this.#lender, obj, this.#s.generationOf(obj));
  }
  /**
   * Borrows a slot through a leak-tracked handle.
   * @returns The handle (collected unreleased, it counts a leak, calls `onLeak`, frees the slot).
   * @throws {PoolEmptyError | PoolClosedError} If every slot is taken, or the pool is closed.
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * pool.allocateOwned().release();
   * ```
   */
  allocateOwned(): OwnedHandle<T> {
    const obj = this.acquire();
    return new OwnedHandle(this.#lender, obj, this.#s.generationOf(obj));
  }
  /**
   * Watches the current borrow of a slot without owning it (it may end in any thread).
   * @param obj This thread's wrapper of a borrowed slot.
   * @returns A weak handle to that borrow.
   * @throws {AlreadyReleasedError} If the slot is not borrowed.
   * @throws {ForeignObjectError | TypeMismatchError} If `obj` is not this pool's wrapper (or type).
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const view = pool.acquire();
   * const watcher = pool.weak(view);
   * pool.release(view); // in any thread
   * console.log(watcher.alive); // false
   * ```
   */
  weak(obj: T): WeakHandle<T> {
    this.#s.checkWatchable(obj);
    return new WeakHandle(this.#lender, obj, this.#s.generationOf(obj));
  }
  /** The number of slots; it never changes (see the `attach` example). */
  get capacity(): number {
    return this.#capacity;
  }
  /** Slots borrowed now in all threads, exact even after one died (see the `at` example). */
  get inUse(): number {
    return this.#capacity - this.#free.size;
  }
  /** Free slots now, in all threads; 0 once closed (see the `reclaim` example). */
  get available(): number {
    return this.closed ? 0 : this.#free.size;
  }
  /** Whether the pool was closed, in any thread (see the `close` example). */
  get closed(): boolean {
    return Atomics.load(this.#header, H_CLOSED) !== 0;
  }
  /**
   * A frozen statistics snapshot over every thread, those that left included.
   * @returns The statistics (with statistics off: `enabled`, `currentInUse`, `currentCapacity`).
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4, enableStatistics: true });
   * pool.release(pool.acquire());
   * console.log(pool.stats().totalAllocations); // 1
   * ```
   */
  stats(): PoolStats {
    return this.#s.counters.snapshot(this.#capacity, this.inUse);
  }
  /**
   * Closes the pool for every thread (acquires and waits fail with `PoolClosedError`; slots
   * may still be released) and destroys this thread's idle wrappers; once per thread.
   * @throws {AggregateError} If `destroy` threw for any wrapper (all are still retired).
   * @example
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const other = ThreadSafePool.attach(pool.share());
   * pool.close();
   * console.log(other.closed, other.available); // true 0
   * ```
   */
  close(): void {
    if (this.#closedHere) return;
    this.#closedHere = true;
    leaveView(this.#s, true);
  }
  /**
   * Leaves the pool in this thread only (after releasing its slots and ending its waits): its
   * entry is given back for another thread, its idle wrappers are destroyed, and this view's
   * later acquire, release, discard and key calls throw `PoolClosedError`.
   * @throws {AggregateError} If `destroy` threw for any wrapper (all are still retired).
   * @example A worker leaves, and its place is free again
   * ```ts
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4, maxThreads: 2 });
   * for (let i = 0; i < 3; i++) ThreadSafePool.attach(pool.share()).detach(); // 2 at once at most
   * console.log(pool.closed); // false
   * ```
   */
  detach(): void {
    const s = this.#s;
    if (s.detached) return;
    s.detached = true;
    // Closed for this view: the general paths throw.
    this.#acquireMode |= MODE_CLOSED;
    this.#releaseMode |= MODE_CLOSED;
    leaveView(s, false);
  }
  /** Closes the pool, for `using pool = new ThreadSafePool(...)`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
