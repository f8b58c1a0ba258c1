/**
 * {@linkcode ThreadSafePool}: one pool shared by many workers, in a
 * `SharedArrayBuffer` changed only with `Atomics`.
 *
 * JavaScript objects cannot cross threads; shared memory can. The pool's
 * buffer holds `capacity` slots of `slotBytes` bytes plus its bookkeeping
 * (`_thread_safe_layout.ts`): a lock-free free list ({@linkcode SharedFreeList}),
 * one record per slot (borrow generation, acquiring thread), the closed
 * flag, a thread table and, with statistics, one row of counters per thread.
 * Each thread makes its own wrapper object per slot once, the first time
 * the slot is lent there, so `acquire` allocates nothing afterwards.
 *
 * Costs: an acquire is one atomic compare-exchange, a release one atomic
 * or (which is also the double-release check), and a release wakes a waiting
 * thread only when one waits. Statistics add one shared atomic add per
 * operation for the in-use count behind `peakInUse`.
 *
 * This file holds the public class and its plain paths; its parts are
 * private modules beside it: opening and the thread table
 * (`_thread_safe_attach.ts`), this thread's slots and wrappers
 * (`_thread_safe_slots.ts`), ending a borrow (`_thread_safe_release.ts`),
 * keys (`_thread_safe_keys.ts`), waits (`_thread_safe_waits.ts`), taking
 * back a dead thread's slots (`_thread_safe_reclaim.ts`) and statistics
 * (`_thread_safe_stats.ts`). Counts that a thread killed between two updates
 * could corrupt are derived when read (`inUse` from the free list's bitmap,
 * `totalReleases` as `totalAllocations - currentInUse`).
 *
 * Closing is shared: `close()` in any thread sets a closed flag in shared
 * memory, so acquires in every thread fail with `PoolClosedError` from then
 * on and every waiting thread wakes with that error. Releases are still
 * accepted everywhere; the released wrapper is destroyed. Each thread's own
 * idle wrappers are destroyed when that thread calls `close()` on its
 * instance.
 *
 * @module
 */

import type { SharedFreeList } from "../allocators/shared_freelist.ts";
import type { PoolType } from "../config/options.ts";
import type {
  SlotFactory,
  SlotType,
  ThreadSafeAttachOptions,
  ThreadSafePoolDescriptor,
  ThreadSafePoolOptions,
} from "../config/thread_safe_options.ts";
import type { AcquireOptions } from "../config/wait_options.ts";
import {
  validateTimeout,
  validateWaitOptions,
} from "../config/_wait_options.ts";
import { AlreadyReleasedError } from "../errors.ts";
import { ContextHandle } from "../handles/context_handle.ts";
import type { Lender } from "../handles/lender.ts";
import { OwnedHandle } from "../handles/owned_handle.ts";
import { WeakHandle } from "../handles/weak_handle.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { hookInspect } from "../_inspect.ts";
import { quote } from "../quote.ts";
import { misuseError } from "./_misuse.ts";
import { MODE_CLOSED, MODE_RESET, MODE_STATS } from "./_modes.ts";
import { lenderFor, useBorrow, useFnError } from "./_lending.ts";
import {
  AttachTicket,
  checkDescriptor,
  checkSharedMemory,
  DESCRIPTOR_KIND,
  detachEntry,
  openSlots,
} from "./_thread_safe_attach.ts";
import {
  checkKeys,
  endKeyBorrow,
  KEY_SLOT_BITS,
  keyOfSlot,
  keyState,
  liveSlot,
} from "./_thread_safe_keys.ts";
import { H_CLOSED, VERSION } from "./_thread_safe_layout.ts";
import { reclaim } from "./_thread_safe_reclaim.ts";
import {
  discardSlot,
  releaseGeneral,
  takeBackLeak,
} from "./_thread_safe_release.ts";
import { startBorrow, type ThreadSafeSlots } from "./_thread_safe_slots.ts";
import { slotOfWrapper } from "./_thread_safe_stamp.ts";
import { waitAsync, waitBlocking } from "./_thread_safe_waits.ts";

export type { ThreadSafePoolDescriptor };

/** Whether the inspect hooks are on the prototype (installed by the first constructor). */
let inspectable = false;

/** The constructor as `attach` calls it, with its hidden third argument. */
type Attaching<T extends object> = new (
  typeOrOptions: unknown,
  options: unknown,
  ticket: AttachTicket,
) => ThreadSafePool<T>;

/**
 * How long {@linkcode ThreadSafePool.acquireAsync} waits, and how to stop it:
 * the library's one wait-options type, {@linkcode AcquireOptions} (`timeout`
 * in ms from 0 to 2147483647 or `Infinity`; `signal`).
 *
 * @example Abort a wait
 * ```ts
 * import { type AcquireAsyncOptions, ThreadSafePool } from "@fastalloc/fastalloc";
 *
 * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
 * const held = pool.acquire();
 * const controller = new AbortController();
 * const options: AcquireAsyncOptions = { signal: controller.signal, timeout: 1_000 };
 * const waiting = pool.acquireAsync(options); // the only slot is lent: it waits
 * controller.abort(new Error("shutting down"));
 * await waiting.catch((error) => console.log(error.message)); // shutting down
 * pool.release(held);
 * ```
 */
export type AcquireAsyncOptions = AcquireOptions;

/**
 * A pool of shared-memory slots that any number of threads acquire from and
 * release to at once. Create it in one thread, send
 * {@linkcode ThreadSafePool.share} to workers, and open it there with
 * {@linkcode ThreadSafePool.attach}. A borrowed slot can be handed to another
 * thread by index ({@linkcode ThreadSafePool.indexOf} /
 * {@linkcode ThreadSafePool.at}) and released there; double releases are
 * detected across threads.
 *
 * It implements {@linkcode Pool}, plus blocking and async waits, thread ids
 * and {@linkcode ThreadSafePool.reclaim} for the slots of a dead worker.
 * `reset` runs in the releasing thread. All slots exist from the start, so
 * `available` is the number of free slots and `capacity` never changes.
 * See the module documentation for what `close()` means across threads.
 *
 * @typeParam T The wrapper type: what `new Type(buffer, byteOffset)` makes,
 * `Uint8Array` for a byte pool.
 *
 * @example Slots with typed views, shared with a worker
 * ```ts
 * import { ThreadSafePool } from "@fastalloc/fastalloc";
 *
 * class Particle {
 *   static readonly byteLength = 24; // three float64s of shared state
 *   readonly data: Float64Array;
 *   constructor(buffer: SharedArrayBuffer, byteOffset: number) {
 *     this.data = new Float64Array(buffer, byteOffset, 3);
 *   }
 * }
 * const pool = new ThreadSafePool(Particle, { capacity: 1024 });
 * const p = pool.acquire();
 * p.data[0] = 1.5;
 * const descriptor = pool.share(); // worker.postMessage(descriptor)
 * // in a worker: ThreadSafePool.attach(Particle, descriptor).at(index)
 * const seen = ThreadSafePool.attach(Particle, descriptor).at(pool.indexOf(p));
 * console.log(seen.data[0]); // 1.5
 * pool.release(p);
 * ```
 *
 * @example A pool of byte views
 * ```ts
 * import { ThreadSafePool } from "@fastalloc/fastalloc";
 *
 * const pool = new ThreadSafePool({ capacity: 16, slotBytes: 64 });
 * const bytes = pool.acquire(); // a Uint8Array of 64 shared bytes
 * bytes[0] = 255;
 * pool.release(bytes);
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
   * Creates a pool of `options.capacity` slots whose wrappers are
   * `new type(buffer, byteOffset)`, with `type.byteLength` shared bytes each.
   *
   * @param type The slot class; `release` rejects other types.
   * @param options Capacity, statistics and this thread's callbacks.
   * @throws {InvalidCapacityError} If `capacity` is not a positive safe integer.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(type: SlotType<T>, options: ThreadSafePoolOptions<T>);
  /**
   * Creates a pool whose wrappers come from `options.factory(buffer, byteOffset)`
   * (`options.slotBytes` shared bytes each, default 0).
   *
   * @param options Capacity, factory, statistics and this thread's callbacks.
   * @throws {InvalidCapacityError} If `capacity` is not a positive safe integer.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(options: ThreadSafePoolOptions<T> & { factory: SlotFactory<T> });
  /**
   * Creates a pool lending `Uint8Array` views of `options.slotBytes` bytes.
   *
   * @param options Capacity, slot size, statistics and callbacks.
   * @throws {InvalidCapacityError} If `capacity` is not a positive safe integer.
   * @throws {PoolConfigurationError} For any other bad option.
   */
  constructor(options: ThreadSafePoolOptions<T> & { slotBytes: number });
  constructor(
    typeOrOptions: SlotType<T> | ThreadSafePoolOptions<T>,
    options?: ThreadSafePoolOptions<T> | ThreadSafeAttachOptions<T>,
    ticket?: AttachTicket,
  ) {
    // With a second argument the first is the type, even when it is not a
    // class, so validation names the real mistake.
    const type = typeof typeOrOptions === "function" || options !== undefined
      ? typeOrOptions as PoolType<T>
      : undefined;
    if (!inspectable) {
      inspectable = hookInspect(
        ThreadSafePool.prototype,
        (h: ThreadSafePool<object>) => h.#describe(),
      );
    }
    const s = openSlots<T>(
      type,
      type === undefined ? typeOrOptions : options,
      ticket,
    );
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
    this.#lender = lenderFor<T>({
      isLive: (obj: T, generation: number): boolean =>
        s.isLive(obj, generation),
      end: (obj: T): void => this.release(obj),
      leaked: (obj: T, generation: number): void =>
        takeBackLeak(s, this, obj, generation),
    });
  }

  /**
   * Opens, in this thread, a pool another thread created, from its
   * {@linkcode ThreadSafePool.share} descriptor. Wrappers are made with
   * `new type(buffer, byteOffset)`, so `type` must have the creator's
   * `byteLength`.
   *
   * @typeParam T The wrapper type.
   * @param type The slot class (the same as the creator's, or one with the same layout).
   * @param descriptor What `share()` returned, received by `postMessage`.
   * @param options This thread's callbacks (reset, destroy, factory, onLeak, preInitialize).
   * @returns This thread's view of the pool, with its own `threadId`.
   * @throws {PoolConfigurationError} For a bad descriptor, a `byteLength`
   * that differs from the pool's slot size, a bad option, or (with
   * statistics) more threads than `maxThreads`.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * class Cell {
   *   static readonly byteLength = 4;
   *   readonly value: Int32Array;
   *   constructor(buffer: SharedArrayBuffer, byteOffset: number) {
   *     this.value = new Int32Array(buffer, byteOffset, 1);
   *   }
   * }
   * const pool = new ThreadSafePool(Cell, { capacity: 8 });
   * // In a worker, with the descriptor from postMessage:
   * const shared = ThreadSafePool.attach(Cell, pool.share());
   * console.log(shared.threadId, shared.capacity); // 2 8
   * ```
   */
  static attach<T extends object>(
    type: SlotType<T>,
    descriptor: ThreadSafePoolDescriptor,
    options?: ThreadSafeAttachOptions<T>,
  ): ThreadSafePool<T>;
  /**
   * Opens a factory pool: wrappers come from `options.factory`.
   *
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
   *
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
    checkSharedMemory("attach");
    const type = typeof typeOrDescriptor === "function"
      ? typeOrDescriptor
      : undefined;
    const descriptor = checkDescriptor(
      type === undefined ? typeOrDescriptor : descriptorOrOptions,
      type,
    );
    const given = (type === undefined ? descriptorOrOptions : options) ?? {};
    return new (ThreadSafePool as unknown as Attaching<T>)(
      type ?? given,
      type === undefined ? undefined : given,
      new AttachTicket(descriptor),
    );
  }

  /**
   * Lends a free slot's wrapper. Safe from any thread at once.
   *
   * @returns This thread's wrapper of the slot, now borrowed.
   * @throws {PoolEmptyError} If every slot is taken.
   * @throws {PoolClosedError} If the pool is closed (in any thread).
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8 });
   * const view = pool.acquire();
   * view[0] = 1;
   * pool.release(view);
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
   *
   * @returns The wrapper, now borrowed.
   * @throws {PoolEmptyError} If every slot is taken.
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * pool.release(pool.get());
   * ```
   */
  get(): T {
    return this.acquire();
  }

  /**
   * As {@linkcode ThreadSafePool.acquire}, but `undefined` when every slot
   * is taken.
   *
   * @returns The wrapper, or `undefined`.
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * pool.acquire();
   * console.log(pool.tryAcquire()); // undefined
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
   * As {@linkcode ThreadSafePool.acquire}, but when every slot is taken,
   * blocks this thread (`Atomics.wait`) until another thread releases one,
   * the timeout runs out, or the pool closes. Counted in `stats().waits`.
   *
   * @param timeoutMs The longest wait in milliseconds (default: no limit).
   * @returns The wrapper, now borrowed.
   * @throws {PoolTimeoutError} If no slot came free in time.
   * @throws {PoolClosedError} If the pool is or becomes closed.
   * @throws {FastAllocError} Where this thread may not block (a browser's
   * main thread): use {@linkcode ThreadSafePool.acquireAsync} there.
   * @throws {RangeError} If `timeoutMs` is not a number of ms from 0 to
   * 2147483647, or `Infinity`.
   *
   * @example
   * ```ts
   * import { PoolTimeoutError, ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * pool.acquire();
   * try {
   *   pool.acquireWait(20);
   * } catch (e) {
   *   console.log(e instanceof PoolTimeoutError); // true
   * }
   * ```
   */
  acquireWait(timeoutMs?: number): T {
    const timeout = validateTimeout(timeoutMs, "acquire from pool") ?? Infinity;
    return this.tryAcquire() ?? waitBlocking(this.#s, timeout);
  }

  /**
   * As {@linkcode ThreadSafePool.acquire}, but when every slot is taken,
   * waits without blocking (`Atomics.waitAsync`; polling where that is
   * missing) until another thread releases one. Counted in `stats().waits`.
   *
   * While it waits, it keeps the event loop alive (it is work the caller
   * awaits), so a release from a timer in this same thread is never missed.
   *
   * @param options `timeout` in milliseconds and an abort `signal`.
   * @returns The wrapper, now borrowed.
   * @throws {PoolTimeoutError} If no slot came free in time (rejects).
   * @throws {PoolClosedError} If the pool is or becomes closed (rejects).
   * @throws {unknown} `signal.reason` if the signal aborts (rejects); no slot
   * is taken because of it.
   * @throws {TypeError} If `options` is not an object, has an unknown key, or
   * `signal` is not an `AbortSignal` (rejects).
   * @throws {RangeError} If `timeout` is not a number of ms from 0 to
   * 2147483647, or `Infinity` (rejects).
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const held = pool.acquire();
   * setTimeout(() => pool.release(held), 10);
   * const next = await pool.acquireAsync({ timeout: 1000 });
   * console.log(next === held); // true: the same slot, lent again
   * pool.release(next);
   * ```
   */
  async acquireAsync(options: AcquireAsyncOptions = {}): Promise<T> {
    const { signal, timeout } = validateWaitOptions(
      options,
      "acquire from pool",
    );
    signal?.throwIfAborted();
    return this.tryAcquire() ??
      await waitAsync(this.#s, timeout ?? Infinity, signal);
  }

  /**
   * Returns a borrowed wrapper's slot, from any thread. With a `reset`, it
   * runs first, in this thread; if it throws, the slot's bytes are zeroed,
   * this thread's wrapper is destroyed, the slot is freed and the error
   * rethrown. After `close()` the wrapper is destroyed and the slot freed.
   *
   * @param obj This thread's wrapper of a borrowed slot (see
   * {@linkcode ThreadSafePool.at} for slots borrowed in another thread).
   * @throws {AlreadyReleasedError} If the slot is not borrowed (released
   * already, in this thread or another).
   * @throws {ForeignObjectError} If `obj` is not a wrapper of this pool.
   * @throws {TypeMismatchError} If `obj` is not an instance of the pool's type.
   *
   * @example
   * ```ts
   * import { AlreadyReleasedError, ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const view = pool.acquire();
   * pool.release(view);
   * try { pool.release(view); } catch (e) { console.log(e instanceof AlreadyReleasedError); } // true
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
   * Borrows a slot like {@linkcode ThreadSafePool.acquire} and returns the
   * borrow's key: an integer that names the slot and this borrow in every
   * thread (send it to a worker as a plain number).
   *
   * Layout: with `s = ceil(log2(capacity))` slot bits (0 for capacity 1),
   * `key = (generation mod 2^(31 - s)) * 2^s + slot`, where `generation`
   * counts the times the slot was lent (kept per slot in shared memory, so
   * every thread sees the same one). A key is below 2^31. A stale key (its
   * borrow ended) is detected in every thread until its slot has been lent
   * again `2^(31 - s) - 1` times (the generation field then wraps round).
   * Keys need `capacity <= 2^20`, which keeps that bound at or above
   * 2^11 - 1 = 2047 reuses; a pool of 1024 slots detects 2^21 - 1.
   *
   * @returns The key of the new borrow.
   * @throws {PoolEmptyError} If every slot is taken.
   * @throws {PoolClosedError} If the pool is closed.
   * @throws {PoolConfigurationError} If `capacity` is over 2^20 (keys would
   * not detect enough reuses).
   *
   * @example Hand a borrow to another thread by key
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8 });
   * const key = pool.acquireKey(); // a plain number: postMessage(key)
   * const there = ThreadSafePool.attach(pool.share()); // the other thread's view
   * there.objectOf(key)[0] = 7;
   * there.releaseKey(key);
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
   * This thread's wrapper of the slot a live key names (made now if this
   * thread has none yet). This thread may then also end the borrow with
   * `release(obj)`.
   *
   * @param key A key from {@linkcode ThreadSafePool.acquireKey} or
   * {@linkcode ThreadSafePool.keyOf}, from any thread.
   * @returns The wrapper.
   * @throws {AlreadyReleasedError} If the key's borrow ended (a stale key).
   * @throws {ForeignObjectError} If this pool never issued `key`.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
   * const key = pool.acquireKey();
   * pool.objectOf(key)[0] = 1;
   * pool.release(pool.objectOf(key)); // a borrow is a borrow
   * ```
   */
  objectOf(key: number): T {
    this.#s.checkAttached("get object of key");
    return this.#takeOver(liveSlot(this.#s, key, "get object of key"));
  }

  /**
   * Ends the borrow a key names, from any thread (as `release`: `reset`
   * runs here, on this thread's wrapper).
   *
   * @param key A live key of this pool.
   * @throws {AlreadyReleasedError} If the key's borrow ended (a stale key).
   * @throws {ForeignObjectError} If this pool never issued `key`.
   *
   * @example
   * ```ts
   * import { AlreadyReleasedError, ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const key = pool.acquireKey();
   * pool.releaseKey(key);
   * try { pool.releaseKey(key); } catch (e) { console.log(e instanceof AlreadyReleasedError); } // true
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
    endKeyBorrow(this.#s, liveSlot(this.#s, key, "release key"), key, false);
  }

  /**
   * Ends the borrow a key names by discarding it, from any thread (as
   * {@linkcode ThreadSafePool.discard}).
   *
   * @param key A live key of this pool.
   * @throws {AlreadyReleasedError} If the key's borrow ended (a stale key).
   * @throws {ForeignObjectError} If this pool never issued `key`.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const key = pool.acquireKey();
   * pool.objectOf(key)[0] = 9;
   * pool.discardKey(key);
   * console.log(pool.acquire()[0]); // 0: the slot's bytes were zeroed
   * ```
   */
  discardKey(key: number): void {
    endKeyBorrow(this.#s, liveSlot(this.#s, key, "discard key"), key, true);
  }

  /**
   * The key of the current borrow of one of this thread's wrappers.
   *
   * @param obj This thread's wrapper of a borrowed slot (lent here, or taken
   * over with `at` or `objectOf`).
   * @returns The borrow's key.
   * @throws {AlreadyReleasedError} If the borrow ended.
   * @throws {ForeignObjectError} If `obj` is not a wrapper of this pool.
   * @throws {TypeMismatchError} If `obj` is not an instance of the pool's type.
   * @throws {PoolConfigurationError} If `capacity` is over 2^20.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
   * const view = pool.acquire();
   * const key = pool.keyOf(view);
   * console.log(pool.objectOf(key) === view); // true
   * ```
   */
  keyOf(obj: T): number {
    const s = this.#s;
    s.checkAttached("get key of object");
    checkKeys(s);
    const slot = s.slotOf(obj);
    if (slot < 0) return s.reject(obj, "get key of");
    s.checkBorrowed(slot, "get key of");
    return keyOfSlot(s, slot);
  }

  /**
   * Whether `key` names a borrow of this pool that has not ended, in any
   * thread. Never throws: `false` for anything else.
   *
   * @param key Any value.
   * @returns `true` only for a live key of this pool.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
   * const key = pool.acquireKey();
   * console.log(pool.isLive(key), pool.isLive(-1), pool.isLive("1" as never)); // true false false
   * pool.releaseKey(key);
   * console.log(pool.isLive(key)); // false
   * ```
   */
  isLive(key: number): boolean {
    return keyState(this.#s, key) >= 0;
  }

  /**
   * Ends a borrow by discarding the slot's contents instead of returning
   * them for reuse: the slot's bytes are zeroed (as `reclaim` does), this
   * thread's wrapper is destroyed (`destroy` runs, `reset` does not) and
   * the slot is freed, so the next borrow gets a fresh wrapper of zeroed
   * memory. Counts in `totalReleases` and `destroyed`. The same misuse
   * checks as `release`. State first, then the callback: the borrow has
   * ended before `destroy` runs, so `destroy` may call any method of the
   * pool (releasing the same wrapper again is a double release).
   *
   * @param obj This thread's wrapper of a borrowed slot.
   * @throws {AlreadyReleasedError} If the slot is not borrowed, or was lent
   * again since this thread's borrow.
   * @throws {ForeignObjectError} If `obj` is not a wrapper of this pool.
   * @throws {TypeMismatchError} If `obj` is not an instance of the pool's type.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const broken = pool.acquire();
   * broken[0] = 42;
   * pool.discard(broken);
   * const fresh = pool.acquire();
   * console.log(fresh === broken, fresh[0]); // false 0
   * ```
   */
  discard(obj: T): void {
    const s = this.#s;
    s.checkAttached("discard object");
    const slot = s.slotOf(obj);
    if (slot < 0) return s.reject(obj, "discard");
    s.checkBorrowed(slot, "discard");
    if (!discardSlot(s, slot)) {
      throw misuseError(obj, "discard", undefined, true);
    }
  }

  /**
   * A structured-cloneable description of the pool, to `postMessage` to a
   * worker that opens it with {@linkcode ThreadSafePool.attach}.
   *
   * @returns The descriptor (the buffer is shared, not copied).
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 8 });
   * const descriptor = structuredClone(pool.share());
   * console.log(ThreadSafePool.attach(descriptor).capacity); // 2
   * ```
   */
  share(): ThreadSafePoolDescriptor {
    return {
      kind: DESCRIPTOR_KIND,
      version: VERSION,
      buffer: this.#s.buffer,
      capacity: this.#capacity,
      slotBytes: this.#s.slotBytes,
    };
  }

  /**
   * The slot index of one of this thread's wrappers, to hand the borrowed
   * slot to another thread (which calls {@linkcode ThreadSafePool.at}).
   *
   * @param obj A wrapper of this pool.
   * @returns Its slot index, or `-1` if `obj` is not a wrapper of this pool
   * in this thread.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8 });
   * const view = pool.acquire();
   * console.log(pool.indexOf(view), pool.indexOf(new Uint8Array(8))); // 0 -1
   * ```
   */
  indexOf(obj: T): number {
    return this.#s.slotOf(obj);
  }

  /**
   * This thread's wrapper of a borrowed slot, by index: how a thread takes
   * over a slot another thread acquired. It may be released here.
   *
   * @param index A slot index from {@linkcode ThreadSafePool.indexOf}.
   * @returns The wrapper (made now if this thread has none yet).
   * @throws {RangeError} If `index` is not an integer in `[0, capacity)`.
   * @throws {AlreadyReleasedError} If the slot is not borrowed.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8 });
   * const index = pool.indexOf(pool.acquire()); // sent to another thread
   * const there = ThreadSafePool.attach(pool.share()); // that thread's view
   * there.release(there.at(index));
   * console.log(pool.inUse); // 0
   * ```
   */
  at(index: number): T {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#capacity) {
      throw new RangeError(
        `Cannot get slot: index ${quote(index)} is not an integer in [0, ${
          quote(this.#capacity)
        })`,
      );
    }
    if (this.#free.isFree(index)) {
      throw new AlreadyReleasedError(
        `Cannot get slot ${quote(index)}: it is not borrowed`,
      );
    }
    return this.#takeOver(index);
  }

  /** This thread's wrapper of a borrowed slot, which it may now end. */
  #takeOver(slot: number): T {
    // This thread may release the borrow it was handed: remember which one.
    this.#borrowGenerations[slot] = Atomics.load(this.#records, slot << 1);
    return this.#objects[slot] ?? this.#s.wrap(slot);
  }

  /**
   * This thread's id in the pool: 1 in the creating thread, 2, 3, … in
   * attaching ones (each `attach` takes a new id). Pass it to
   * {@linkcode ThreadSafePool.reclaim} when the thread dies.
   */
  get threadId(): number {
    return this.#s.threadId;
  }

  /** Bytes of shared state per slot. */
  get slotBytes(): number {
    return this.#s.slotBytes;
  }

  /**
   * Takes back every slot the thread `threadId` acquired and still holds,
   * after that thread died (e.g. `worker.terminate()`): their bytes are
   * zeroed (no `reset` runs: the borrow was abandoned mid-use) and they
   * become free. A slot counts as held by the thread that acquired it, even
   * if it was handed to another thread by index. Call it only for a thread
   * that no longer runs, and not while other threads release its slots.
   *
   * On Deno, `worker.terminate()` takes effect only when the worker next
   * returns to its event loop: a worker blocked in
   * {@linkcode ThreadSafePool.acquireWait} keeps waiting, and may still take
   * a slot, until that wait ends. Give waits in workers a timeout, and
   * reclaim once the worker has stopped (or reclaim again afterwards).
   *
   * It also gives back the dead thread's entry in the thread table (so
   * another thread may attach in its place), moving its statistics into the
   * pool's totals, and ends the waits it had registered (a thread killed
   * while waiting never ends them itself, and every release would otherwise
   * go on paying for a wake-up).
   *
   * @param threadId The dead thread's {@linkcode ThreadSafePool.threadId}.
   * @returns How many slots were taken back.
   * @throws {RangeError} If `threadId` is not a positive integer, or is this
   * thread's own id.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8 });
   * const worker = ThreadSafePool.attach(pool.share()); // stands in for a worker
   * worker.acquire();
   * worker.acquire();
   * console.log(pool.reclaim(worker.threadId), pool.available); // 2 4
   * ```
   */
  reclaim(threadId: number): number {
    return reclaim(this.#s, threadId);
  }

  /**
   * Acquires, calls `fn`, and releases afterwards even if `fn` throws; when
   * `fn` returns a promise, releases when it settles. The fast scoped form.
   * If `fn` throws and the release fails too, `fn`'s error is thrown. If
   * `fn` ended the borrow itself (discard, release), `use` does not end it
   * again.
   *
   * @typeParam R What `fn` returns.
   * @param fn Works with the wrapper; must not keep it after returning.
   * @returns What `fn` returned.
   * @throws {TypeError} If `fn` is not a function.
   * @throws {PoolEmptyError} If every slot is taken.
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
   * console.log(pool.use((view) => view.length), pool.inUse); // 4 0
   * ```
   */
  use<R>(fn: (obj: T) => R): R {
    if (typeof fn !== "function") throw useFnError(fn);
    const obj = this.acquire();
    // The borrow, so a borrow fn ended itself (discard, release) is not
    // ended again.
    const generation = this.#borrowGenerations[this.#s.slotOf(obj)]!;
    return useBorrow(this.#lender, obj, generation, fn);
  }

  /**
   * Borrows a slot through a handle, for `using`.
   *
   * @returns A handle; disposing it releases the slot.
   * @throws {PoolEmptyError} If every slot is taken.
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * {
   *   using h = pool.allocate();
   *   h.value[0] = 1;
   * }
   * console.log(pool.available); // 1
   * ```
   */
  allocate(): ContextHandle<T> {
    const obj = this.acquire();
    return new ContextHandle(this.#lender, obj, this.#generationOf(obj));
  }

  /**
   * Borrows a slot through a leak-tracked handle: if the handle is
   * garbage-collected unreleased, the pool counts a leak, calls `onLeak`
   * and frees the slot (in this thread).
   *
   * @returns The handle.
   * @throws {PoolEmptyError} If every slot is taken.
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const owned = pool.allocateOwned();
   * owned.release();
   * ```
   */
  allocateOwned(): OwnedHandle<T> {
    const obj = this.acquire();
    return new OwnedHandle(this.#lender, obj, this.#generationOf(obj));
  }

  /**
   * Watches the current borrow of a slot without owning it. The borrow may
   * end in any thread; the handle sees it.
   *
   * @param obj This thread's wrapper of a borrowed slot.
   * @returns A weak handle to that borrow.
   * @throws {AlreadyReleasedError} If the slot is not borrowed.
   * @throws {ForeignObjectError} If `obj` is not a wrapper of this pool.
   * @throws {TypeMismatchError} If `obj` is not an instance of the pool's type.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
   * const view = pool.acquire();
   * const watcher = pool.weak(view);
   * pool.release(view);
   * console.log(watcher.alive); // false
   * ```
   */
  weak(obj: T): WeakHandle<T> {
    const s = this.#s;
    const slot = s.slotOf(obj);
    if (slot < 0) return s.reject(obj, "watch");
    if (this.#free.isFree(slot) || s.ending[slot] !== 0) {
      throw misuseError(obj, "watch", undefined, true);
    }
    return new WeakHandle(this.#lender, obj, this.#generationOf(obj));
  }

  #generationOf(obj: T): number {
    return Atomics.load(this.#records, this.#s.slotOf(obj) << 1);
  }

  /** The number of slots; it never changes. */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * Slots borrowed now, in all threads, counted from the free list's bitmap
   * (O(capacity / 32)), so it is exact even after a thread died in the
   * middle of an acquire or release. A snapshot while other threads work.
   */
  get inUse(): number {
    return this.#capacity - this.#free.size;
  }

  /** Free slots now, in all threads (a snapshot); 0 once closed. */
  get available(): number {
    return this.closed ? 0 : this.#free.size;
  }

  /** Whether the pool was closed, in any thread. */
  get closed(): boolean {
    return Atomics.load(this.#header, H_CLOSED) !== 0;
  }

  /**
   * A frozen statistics snapshot, totalled over every thread, including
   * threads that have left. `currentInUse` is counted from the free list
   * and `totalReleases` is `totalAllocations - currentInUse`, so neither can
   * drift when a thread dies mid-operation; `peakInUse` is a shared
   * high-water mark, at least `currentInUse` (a thread killed between its
   * take and its count may leave it one short). Timings of a thread after
   * it closed or detached are not kept. With statistics off, only
   * `enabled`, `currentInUse` and `currentCapacity` are filled in.
   *
   * @returns The statistics.
   *
   * @example
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4, enableStatistics: true });
   * const other = ThreadSafePool.attach(pool.share()); // as in a worker
   * pool.release(pool.acquire());
   * other.release(other.acquire());
   * console.log(pool.stats().totalAllocations); // 2
   * ```
   */
  stats(): PoolStats {
    return this.#s.counters.snapshot(this.#capacity, this.inUse);
  }

  /**
   * Closes the pool for every thread: acquires fail from now on everywhere,
   * threads waiting to acquire wake with `PoolClosedError`, and this
   * thread's idle wrappers are destroyed. Borrowed slots may still be
   * released (their wrappers are destroyed then). Other threads' idle
   * wrappers are destroyed when they call `close()` on their own instance.
   * Calling it again in the same thread does nothing.
   *
   * @throws {AggregateError} If `destroy` threw for any wrapper (all are still retired).
   *
   * @example
   * ```ts
   * import { PoolClosedError, ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
   * const other = ThreadSafePool.attach(pool.share());
   * pool.close();
   * try {
   *   other.acquire();
   * } catch (e) {
   *   console.log(other.closed, e instanceof PoolClosedError); // true true
   * }
   * ```
   */
  close(): void {
    if (this.#closedHere) return;
    this.#closedHere = true;
    if (Atomics.compareExchange(this.#header, H_CLOSED, 0, 1) === 0) {
      this.#free.interrupt();
    }
    detachEntry(this.#s);
    this.#s.retireIdle();
  }

  /**
   * Leaves the pool in this thread only, for a worker that is done with it:
   * this thread's entry in the thread table (and its statistics row, whose
   * counts move into the pool's totals) is given back at once, so another
   * thread can attach in its place, and this thread's idle wrappers are
   * destroyed. The pool stays open for every other thread. Slots this thread
   * still holds stay borrowed (release them first, or hand them over); any
   * further acquire, release, discard or key call on this view throws
   * `PoolClosedError`. Let this thread's waits end first (a wait still
   * pending keeps its registration until it ends). Calling it again does
   * nothing.
   *
   * @throws {AggregateError} If `destroy` threw for any wrapper (all are still retired).
   *
   * @example A worker leaves, and its place is free again
   * ```ts
   * import { ThreadSafePool } from "@fastalloc/fastalloc";
   *
   * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4, maxThreads: 2 });
   * for (let i = 0; i < 3; i++) {
   *   const worker = ThreadSafePool.attach(pool.share()); // stands in for a worker
   *   worker.release(worker.acquire());
   *   worker.detach(); // without it the second attach would fail: 2 threads at once
   * }
   * console.log(pool.closed, pool.available); // false 2
   * ```
   */
  detach(): void {
    const s = this.#s;
    if (s.detached) return;
    s.detached = true;
    // Closed for this view: the general paths throw.
    this.#acquireMode |= MODE_CLOSED;
    this.#releaseMode |= MODE_CLOSED;
    detachEntry(s);
    s.retireIdle();
  }

  /** Closes the pool, for `using pool = new ThreadSafePool(...)`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #describe(): string {
    const s = this.#s;
    return `ThreadSafePool { capacity: ${this.#capacity}, inUse: ${this.inUse}, available: ${this.available}, closed: ${this.closed}, threadId: ${s.threadId}, slotBytes: ${s.slotBytes}, statistics: ${s.counters.on} }`;
  }
}
