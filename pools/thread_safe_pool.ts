/**
 * {@linkcode ThreadSafePool}: one pool shared by many workers, in a
 * `SharedArrayBuffer` changed only with `Atomics`.
 *
 * JavaScript objects cannot cross threads; shared memory can. The pool's
 * buffer holds `capacity` slots of `slotBytes` bytes plus its bookkeeping:
 * a lock-free free list ({@linkcode SharedFreeList}, a bitmap: see its module
 * documentation for the design and the measurements behind it), one record
 * per slot (borrow generation, acquiring thread), the closed flag, and with
 * statistics one row of counters per thread. Each thread makes its own
 * wrapper object per slot (`new Type(buffer, byteOffset)`) once, the first
 * time the slot is lent there, so `acquire` allocates nothing afterwards; the
 * slot's data is the same memory in every thread.
 *
 * Costs: an acquire is one atomic compare-exchange, a release one atomic
 * or (which is also the double-release check), and a release wakes a waiting
 * thread only when one waits. Statistics add one shared atomic add per
 * operation for the in-use count behind `peakInUse`.
 *
 * Keys ({@linkcode ThreadSafePool.acquireKey} and the other key methods)
 * name a slot and one borrow of it as a plain integer that any thread may
 * use: `(generation << slotBits) | slot`, where the generation (how many
 * times the slot was lent) lives in shared memory, so a key made in one
 * thread can be released in another and a stale key is detected in every
 * thread (see `acquireKey` for the exact bound).
 *
 * Threads that die are part of the design: the free list records which
 * thread took a slot in the same step as the take, so
 * {@linkcode ThreadSafePool.reclaim} finds every slot a terminated thread
 * held; counts that a thread killed between two updates could corrupt are
 * derived when read (`inUse` from the free list's bitmap, `totalReleases`
 * as `totalAllocations - currentInUse`); and a thread's entry in the shared
 * thread table (its statistics row, the waits it registered) is given back
 * when it closes, detaches or is reclaimed, so `maxThreads` bounds the
 * threads attached at once.
 *
 * Identity: `release`, `discard`, `keyOf` and `weak` accept only the very
 * wrapper the pool lent in this thread. The slot is found through a private
 * field stamped on the wrapper, which an object inheriting from it or a
 * proxy of it does not have, and no error message runs user code (getters,
 * proxy traps).
 *
 * Closing is shared: `close()` in any thread sets a closed flag in shared
 * memory, so acquires in every thread fail with `PoolClosedError` from then
 * on and every waiting thread wakes with that error. Releases are still
 * accepted everywhere; the released wrapper is destroyed. Each thread's own
 * idle wrappers are destroyed when that thread calls `close()` on its
 * instance (calling it in a thread whose pool another thread closed does just
 * that).
 *
 * @module
 */

import { SharedFreeList } from "../allocators/shared_freelist.ts";
import type { LeakInfo, PoolType } from "../config/options.ts";
import type {
  SlotFactory,
  SlotType,
  ThreadSafeAttachOptions,
  ThreadSafePoolOptions,
} from "../config/thread_safe_options.ts";
import {
  slotByteLength,
  type ThreadSafeAttachSettings,
  validateThreadSafeAttachOptions,
  validateThreadSafePoolOptions,
} from "../config/_thread_safe_options.ts";
import {
  AlreadyReleasedError,
  FastAllocError,
  ForeignObjectError,
  PoolClosedError,
  PoolConfigurationError,
  PoolEmptyError,
  PoolTimeoutError,
  TypeMismatchError,
} from "../errors.ts";
import { ContextHandle } from "../handles/context_handle.ts";
import type { Lender } from "../handles/lender.ts";
import { OwnedHandle } from "../handles/owned_handle.ts";
import { WeakHandle } from "../handles/weak_handle.ts";
import { disabledStats } from "../stats/_disabled_stats.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import type { Pool } from "./pool.ts";
import { isThenable, releaseQuietly, releaseWhenSettled } from "./_scoped.ts";
import {
  addLate,
  claimThread,
  findThread,
  FLAG_STATS,
  FLAG_TIMING,
  H_CAPACITY,
  H_CLOSED,
  H_FLAGS,
  H_IN_USE,
  H_MAGIC,
  H_MAX_THREADS,
  H_PEAK,
  H_SAMPLE_INTERVAL,
  H_SLOT_BYTES,
  H_THREADS,
  H_VERSION,
  HEADER_WORDS,
  type Layout,
  layout,
  MAGIC,
  retireThread,
  ROW,
  S_ALLOCATION_NS,
  S_ALLOCATIONS,
  S_CREATED,
  S_DESTROYED,
  S_EXHAUSTIONS,
  S_LEAKS,
  S_RELEASE_NS,
  S_RESET_FAILURES,
  S_RESETS,
  S_TIMED_ALLOCATIONS,
  S_TIMED_RELEASES,
  S_TIMEOUTS,
  S_WAIT_NS,
  S_WAITS,
  T_WAITERS,
  T_WORDS,
  totalStats,
  VERSION,
} from "./_thread_safe_layout.ts";
import {
  safeInstanceOf,
  slotOfWrapper,
  stampWrapper,
} from "./_thread_safe_stamp.ts";
import { quote, typeName } from "../quote.ts";
import { hookInspect } from "../_inspect.ts";
import { checkCreated } from "./_check_created.ts";
import {
  validateTimeout,
  validateWaitOptions,
} from "../config/_wait_options.ts";
import type { AcquireOptions } from "../config/wait_options.ts";

/** Whether the inspect hooks are on the prototype (installed by the first constructor). */
let inspectable = false;

const DESCRIPTOR_KIND = "fastalloc.ThreadSafePool";

/**
 * What {@linkcode ThreadSafePool.share} returns: a structured-cloneable
 * description of a pool (its buffer and shape) to `postMessage` to a worker,
 * which opens it with {@linkcode ThreadSafePool.attach}.
 *
 * @example
 * ```ts
 * import { ThreadSafePool, type ThreadSafePoolDescriptor } from "@fastalloc/fastalloc";
 *
 * const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8 });
 * const descriptor: ThreadSafePoolDescriptor = structuredClone(pool.share()); // as postMessage delivers it
 * console.log(descriptor.kind, descriptor.capacity, descriptor.slotBytes); // fastalloc.ThreadSafePool 4 8
 * const view = ThreadSafePool.attach(descriptor); // in the worker: the same slots
 * console.log(view.available); // 4
 * ```
 */
export interface ThreadSafePoolDescriptor {
  /** Always `"fastalloc.ThreadSafePool"`. */
  readonly kind: "fastalloc.ThreadSafePool";
  /** The layout version. */
  readonly version: number;
  /** The pool's shared memory. */
  readonly buffer: SharedArrayBuffer;
  /** The number of slots. */
  readonly capacity: number;
  /** Bytes of shared state per slot. */
  readonly slotBytes: number;
}

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

/** The most slot bits a key may use: leaves at least 10 generation bits. */
const KEY_SLOT_BITS = 20;
/** {@linkcode ThreadSafePool} key states below 0 (a live key gives its slot). */
const STALE = -1;
const FOREIGN = -2;

/** Set while {@linkcode ThreadSafePool.attach} constructs. */
let attaching: ThreadSafePoolDescriptor | undefined;

function nowNs(): number {
  return performance.now() * 1e6;
}

/**
 * Throws the clear error of a runtime without `SharedArrayBuffer` (a browser
 * page that is not cross-origin isolated) instead of a bare `ReferenceError`.
 */
function checkSharedMemory(action: "create" | "attach"): void {
  if (typeof SharedArrayBuffer !== "function") {
    throw new PoolConfigurationError(
      `Cannot ${action} ThreadSafePool: SharedArrayBuffer is unavailable here; a browser page has it only when cross-origin isolated, served with the headers "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"`,
    );
  }
}

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
export class ThreadSafePool<T extends object = Uint8Array> implements Pool<T> {
  /** Non-zero when acquire must take the general path (statistics). */
  #acquireMode: number;
  /** Non-zero when release must take the general path (statistics, reset). */
  #releaseMode: number;
  #header: Int32Array;
  #records: Int32Array;
  /**
   * Per slot, the generation of the borrow this thread holds or was handed
   * (`at`): a release whose slot has since been lent again is stale.
   */
  #borrowGenerations: Int32Array;
  /** Per slot, 1 while this thread's reset of it runs (its borrow has ended). */
  #ending: Uint8Array;
  #rows: Float64Array | undefined;
  /** The late counters (with statistics), for counts after this thread left. */
  #late: Int32Array | undefined;
  /** This thread's statistics row offset, or -1 once its entry is given back. */
  #row: number;
  /** The thread table (one entry per attached thread). */
  #threads: Int32Array;
  /** This thread's entry in the thread table, or -1 once given back. */
  #entry: number;
  /** Whether this thread's view was detached (every further call fails). */
  #detached = false;
  /** Bits of a key that hold the slot number. */
  #slotBits: number;
  /** The mask of a key's generation field (after shifting out the slot). */
  #genMask: number;
  /** The mask of a key's slot field. */
  #slotMask: number;
  #free: SharedFreeList;
  #objects: (T | undefined)[];
  /** Slots of wrappers that cannot carry the slot symbol (non-extensible). */
  #slotsByObject: Map<T, number> | undefined;
  /**
   * Wrappers this thread dropped (close, failed reset), so releasing one
   * again is reported as the double release it is, not as a foreign object.
   */
  #dropped: WeakSet<object> = new WeakSet();
  #buffer: SharedArrayBuffer;
  #bytes: Uint8Array;
  #layout: Layout;
  #capacity: number;
  #slotBytes: number;
  #threadId: number;
  #create: SlotFactory<T>;
  #type: PoolType<T> | undefined;
  #reset: ((obj: T) => void) | undefined;
  /** The reset option when it names a method, checked on each new wrapper. */
  #resetMethod: string | undefined;
  #destroy: ((obj: T) => void) | undefined;
  #onLeak: ((info: LeakInfo<unknown>) => void) | undefined;
  #timing: boolean;
  #interval: number;
  #acquireCountdown: number;
  #releaseCountdown: number;
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
  ) {
    // With a second argument the first is the type, even when it is not a
    // class, so validation names the real mistake.
    const type = typeof typeOrOptions === "function" || options !== undefined
      ? typeOrOptions as PoolType<T>
      : undefined;
    const given = type === undefined ? typeOrOptions : options;
    if (!inspectable) {
      inspectable = hookInspect(
        ThreadSafePool.prototype,
        (h: ThreadSafePool<object>) => h.#describe(),
      );
    }
    const descriptor = attaching;
    attaching = undefined;
    if (descriptor === undefined) checkSharedMemory("create");
    let settings: ThreadSafeAttachSettings<T>;
    if (descriptor === undefined) {
      const full = validateThreadSafePoolOptions(
        type,
        given as ThreadSafePoolOptions<T>,
        "ThreadSafePool",
      );
      const stats = full.statistics;
      const shape = layout(
        full.capacity,
        full.slotBytes,
        full.maxThreads,
        stats.enabled,
      );
      this.#buffer = new SharedArrayBuffer(shape.byteLength);
      const header = new Int32Array(this.#buffer, 0, HEADER_WORDS);
      header[H_CAPACITY] = full.capacity;
      header[H_SLOT_BYTES] = full.slotBytes;
      header[H_FLAGS] = (stats.enabled ? FLAG_STATS : 0) |
        (stats.timing ? FLAG_TIMING : 0);
      header[H_SAMPLE_INTERVAL] = Math.max(1, Math.round(1 / stats.sampleRate));
      header[H_MAX_THREADS] = full.maxThreads;
      header[H_THREADS] = 1;
      header[H_VERSION] = VERSION;
      new SharedFreeList(full.capacity, {
        buffer: this.#buffer,
        byteOffset: shape.freeList,
      });
      Atomics.store(header, H_MAGIC, MAGIC);
      this.#threadId = 1;
      settings = full;
    } else {
      this.#buffer = descriptor.buffer;
      const header = new Int32Array(this.#buffer, 0, HEADER_WORDS);
      settings = validateThreadSafeAttachOptions(
        type,
        (given ?? {}) as ThreadSafeAttachOptions<T>,
        header[H_SLOT_BYTES]!,
        "ThreadSafePool.attach",
      );
      this.#threadId = Atomics.add(header, H_THREADS, 1) + 1;
    }
    const header = new Int32Array(this.#buffer, 0, HEADER_WORDS);
    this.#header = header;
    this.#capacity = header[H_CAPACITY]!;
    this.#slotBytes = header[H_SLOT_BYTES]!;
    const flags = header[H_FLAGS]!;
    const shape = layout(
      this.#capacity,
      this.#slotBytes,
      header[H_MAX_THREADS]!,
      (flags & FLAG_STATS) !== 0,
    );
    this.#layout = shape;
    this.#threads = new Int32Array(
      this.#buffer,
      shape.threads,
      shape.threadCount * T_WORDS,
    );
    this.#records = new Int32Array(
      this.#buffer,
      shape.records,
      this.#capacity * 2,
    );
    // The list records the taking thread in each slot's record itself, in
    // the same step as the take, so reclaim finds every slot a thread
    // terminated at any point still held.
    this.#free = SharedFreeList.attach(this.#buffer, {
      byteOffset: shape.freeList,
      home: this.#threadId - 1,
      claims: this.#records,
      claimId: this.#threadId,
    });
    this.#bytes = new Uint8Array(this.#buffer, shape.data);
    if ((flags & FLAG_STATS) !== 0) {
      this.#rows = new Float64Array(
        this.#buffer,
        shape.rows,
        shape.rowCount * ROW,
      );
      this.#late = new Int32Array(this.#buffer, shape.late, ROW);
    }
    this.#entry = -1;
    this.#row = -1;
    this.#slotBits = this.#capacity <= 1
      ? 0
      : 32 - Math.clz32(this.#capacity - 1);
    this.#genMask = 2 ** (31 - this.#slotBits) - 1;
    this.#slotMask = 2 ** this.#slotBits - 1;
    this.#timing = (flags & FLAG_TIMING) !== 0;
    this.#interval = header[H_SAMPLE_INTERVAL]!;
    this.#acquireCountdown = this.#releaseCountdown = this.#interval;
    this.#objects = new Array<T | undefined>(this.#capacity).fill(undefined);
    this.#borrowGenerations = new Int32Array(this.#capacity);
    this.#ending = new Uint8Array(this.#capacity);
    this.#create = settings.create;
    this.#type = settings.type;
    this.#reset = settings.reset;
    this.#resetMethod = settings.resetMethod;
    this.#destroy = settings.destroy;
    this.#onLeak = settings.onLeak;
    this.#acquireMode = this.#rows !== undefined ? 1 : 0;
    this.#releaseMode = this.#acquireMode | (this.#reset !== undefined ? 2 : 0);
    this.#lender = {
      isLive: (obj: T, generation: number): boolean =>
        this.#isLive(obj, generation),
      release: (obj: T, generation: number): void => {
        if (!this.#isLive(obj, generation)) {
          throw new AlreadyReleasedError(
            `Cannot release handle: its borrow (generation ${
              quote(generation)
            }) was already released`,
          );
        }
        this.release(obj);
      },
      leaked: (obj: T, generation: number): void =>
        this.#takeBackLeak(obj, generation),
    };
    // Last, so nothing after it can fail and leave the entry taken.
    this.#entry = claimThread(this.#threads, this.#threadId);
    if (this.#entry < 0) {
      throw new PoolConfigurationError(
        `Cannot attach ThreadSafePool: all ${shape.threadCount} thread rows (maxThreads) are taken by attached threads; close or detach a thread's pool, or reclaim a dead thread`,
      );
    }
    this.#row = this.#entry * ROW;
    if (settings.preInitialize) {
      try {
        this.#fill();
      } catch (error) {
        this.#leave();
        throw error;
      }
    }
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
    const where = "Cannot attach ThreadSafePool";
    checkSharedMemory("attach");
    const type = typeof typeOrDescriptor === "function"
      ? typeOrDescriptor
      : undefined;
    const descriptor =
      (type === undefined
        ? typeOrDescriptor
        : descriptorOrOptions) as ThreadSafePoolDescriptor;
    const given = type === undefined ? descriptorOrOptions : options;
    const buffer = (descriptor as { buffer?: unknown } | null)?.buffer;
    if (
      descriptor === null || typeof descriptor !== "object" ||
      descriptor.kind !== DESCRIPTOR_KIND ||
      !(buffer instanceof SharedArrayBuffer) ||
      buffer.byteLength < HEADER_WORDS * 4
    ) {
      throw new PoolConfigurationError(
        `${where}: ${
          quote(descriptor)
        } is not a descriptor from ThreadSafePool.share()`,
      );
    }
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    if (
      Atomics.load(header, H_MAGIC) !== MAGIC ||
      header[H_VERSION] !== descriptor.version ||
      header[H_CAPACITY] !== descriptor.capacity ||
      header[H_SLOT_BYTES] !== descriptor.slotBytes
    ) {
      throw new PoolConfigurationError(
        `${where}: the descriptor (capacity ${
          quote(descriptor.capacity)
        }, slotBytes ${quote(descriptor.slotBytes)}, version ${
          quote(descriptor.version)
        }) does not match its buffer`,
      );
    }
    if (type !== undefined) {
      const length = slotByteLength(type, "ThreadSafePool.attach");
      if (length !== descriptor.slotBytes) {
        throw new PoolConfigurationError(
          `${where}: ${type.name}.byteLength ${
            quote(length)
          } differs from the pool's slotBytes ${quote(descriptor.slotBytes)}`,
        );
      }
    }
    attaching = descriptor;
    try {
      return type === undefined
        ? new ThreadSafePool<T>(
          (given ?? {}) as ThreadSafePoolOptions<T> & { slotBytes: number },
        )
        : new ThreadSafePool<T>(type, given as ThreadSafePoolOptions<T>);
    } finally {
      attaching = undefined;
    }
  }

  /**
   * Makes this thread's wrapper of every slot; on a factory error, destroys
   * every wrapper made and rethrows (combined with a destroy error, if any).
   */
  #fill(): void {
    try {
      for (let slot = 0; slot < this.#capacity; slot++) {
        if (this.#objects[slot] === undefined) this.#wrap(slot);
      }
    } catch (error) {
      // Drop every wrapper even if a destroy throws; report the first such
      // failure (an AggregateError that carries the factory's error first).
      let failure: unknown = error;
      for (let slot = 0; slot < this.#capacity; slot++) {
        if (this.#objects[slot] !== undefined) {
          try {
            this.#callDestroy(this.#detach(slot), error);
          } catch (destroyError) {
            if (failure === error) failure = destroyError;
          }
        }
      }
      throw failure;
    }
  }

  // ---- acquire -----------------------------------------------------------

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
    return this.#acquireGeneral(true)!;
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
    return this.#acquireGeneral(false);
  }

  /** Records the borrow of a slot just taken, and returns its wrapper. */
  #lend(slot: number): T {
    const records = this.#records;
    const at = slot << 1;
    // The slot is exclusively ours now: plain writes suffice.
    const generation = (records[at]! + 1) | 0;
    records[at] = generation;
    this.#borrowGenerations[slot] = generation;
    return this.#objects[slot] ?? this.#wrapLent(slot);
  }

  /** Makes the wrapper of a slot just taken; gives the slot back if that fails. */
  #wrapLent(slot: number): T {
    let obj: T;
    try {
      obj = this.#wrap(slot);
    } catch (error) {
      this.#free.push(slot);
      throw error;
    }
    // The factory may have closed the pool (any thread may have): close
    // takes effect at once, so this acquire fails and its object goes.
    if (Atomics.load(this.#header, H_CLOSED) !== 0) {
      this.#free.push(slot);
      this.#callDestroy(this.#detach(slot));
      throw new PoolClosedError("Cannot acquire from pool: it is closed");
    }
    return obj;
  }

  /** Makes this thread's wrapper of `slot`. */
  #wrap(slot: number): T {
    const obj = this.#create(
      this.#buffer,
      this.#layout.data + slot * this.#layout.stride,
    );
    // Found at creation, as every pool does, not at the first release.
    checkCreated(obj, undefined, this.#resetMethod);
    if (slotOfWrapper(obj) >= 0 || this.#slotsByObject?.has(obj)) {
      throw new PoolConfigurationError(
        `Cannot create object: the factory returned ${
          quote(obj)
        }, which already belongs to a pool`,
      );
    }
    if (!stampWrapper(obj, slot)) {
      (this.#slotsByObject ??= new Map()).set(obj, slot);
    }
    this.#objects[slot] = obj;
    this.#count(S_CREATED);
    return obj;
  }

  /** Every case the plain path does not take: closed, statistics, empty. */
  #acquireGeneral(throwWhenEmpty: boolean): T | undefined {
    this.#checkAttached("acquire from pool");
    if (Atomics.load(this.#header, H_CLOSED) !== 0) {
      throw new PoolClosedError("Cannot acquire from pool: it is closed");
    }
    const started = this.#sampleAcquire() ? nowNs() : 0;
    const slot = this.#free.pop();
    if (slot < 0) {
      this.#count(S_EXHAUSTIONS);
      if (!throwWhenEmpty) return undefined;
      throw new PoolEmptyError(
        `Cannot acquire from pool: all ${
          quote(this.#capacity)
        } slots are in use`,
      );
    }
    return this.#lendCounted(slot, started);
  }

  /** Lends `slot` and counts it; `started` is the sampled start time or 0. */
  #lendCounted(slot: number, started: number): T {
    const obj = this.#lend(slot);
    const rows = this.#rows;
    if (rows !== undefined) {
      this.#add(S_ALLOCATIONS, 1);
      const header = this.#header;
      const inUse = Atomics.add(header, H_IN_USE, 1) + 1;
      let peak = Atomics.load(header, H_PEAK);
      while (inUse > peak) {
        const seen = Atomics.compareExchange(header, H_PEAK, peak, inUse);
        if (seen === peak) break;
        peak = seen;
      }
      if (started !== 0) {
        this.#add(S_ALLOCATION_NS, nowNs() - started);
        this.#add(S_TIMED_ALLOCATIONS, 1);
      }
    }
    return obj;
  }

  #count(counter: number): void {
    this.#add(counter, 1);
  }

  /**
   * Adds to one of this thread's counters: its own row while it has one,
   * else (after close or detach) the shared totals row, under its lock.
   */
  #add(counter: number, value: number): void {
    const rows = this.#rows;
    if (rows === undefined) return;
    if (this.#row >= 0) rows[this.#row + counter]! += value;
    else addLate(this.#late!, counter, value);
  }

  /** Whether to time this acquire (its own countdown, apart from releases). */
  #sampleAcquire(): boolean {
    if (!this.#timing || --this.#acquireCountdown !== 0) return false;
    this.#acquireCountdown = this.#interval;
    return true;
  }

  /** Whether to time this release. */
  #sampleRelease(): boolean {
    if (!this.#timing || --this.#releaseCountdown !== 0) return false;
    this.#releaseCountdown = this.#interval;
    return true;
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
    const obj = this.tryAcquire();
    if (obj !== undefined) return obj;
    if (!SharedFreeList.canBlock) {
      throw new FastAllocError(
        "Cannot acquire and wait: this thread may not block (Atomics.wait is not allowed here, as on a browser main thread); use acquireAsync",
      );
    }
    const start = performance.now();
    for (;;) {
      const left = start + timeout - performance.now();
      this.#checkWaitEnd(left, timeout, start);
      // Registered in this thread's entry first and ended there last, so
      // the entry never shows fewer waits than this thread has registered
      // with the free list: reclaim settles exactly those if it dies here.
      const waiters = this.#entry * T_WORDS + T_WAITERS;
      Atomics.add(this.#threads, waiters, 1);
      const slot = this.#free.popWait(left);
      Atomics.sub(this.#threads, waiters, 1);
      if (slot >= 0) return this.#lendAfterWait(slot, undefined, start);
    }
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
    const { signal, timeout: limit } = validateWaitOptions(
      options,
      "acquire from pool",
    );
    const timeout = limit ?? Infinity;
    signal?.throwIfAborted();
    const obj = this.tryAcquire();
    if (obj !== undefined) return obj;
    const start = performance.now();
    for (;;) {
      const left = start + timeout - performance.now();
      this.#checkWaitEnd(left, timeout, start);
      let slot: number;
      // As in acquireWait: the entry counts this wait before the free list
      // does. If this thread gives its entry back meanwhile (close, detach),
      // the entry's count was settled then: leave the entry alone.
      const entry = this.#entry;
      const waiters = entry * T_WORDS + T_WAITERS;
      Atomics.add(this.#threads, waiters, 1);
      try {
        slot = await this.#free.popAsync({
          timeout: left,
          ...(signal === undefined ? {} : { signal }),
        });
      } catch (error) {
        if (this.#entry === entry) Atomics.sub(this.#threads, waiters, 1);
        this.#recordWait(start);
        throw error;
      }
      if (this.#entry === entry) Atomics.sub(this.#threads, waiters, 1);
      if (slot >= 0) return this.#lendAfterWait(slot, signal, start);
    }
  }

  /** Throws when a wait must end without a slot: closed or out of time. */
  #checkWaitEnd(left: number, timeout: number, start: number): void {
    if (this.#detached) this.#recordWait(start);
    this.#checkAttached("acquire from pool");
    if (Atomics.load(this.#header, H_CLOSED) !== 0) {
      this.#recordWait(start);
      throw new PoolClosedError("Cannot acquire from pool: it is closed");
    }
    if (left <= 0) {
      this.#recordWait(start);
      this.#count(S_TIMEOUTS);
      throw new PoolTimeoutError(
        `Cannot acquire from pool: timed out after ${quote(timeout)} ms`,
        timeout,
      );
    }
  }

  /** Lends a slot a wait got, unless the waiter gave up or the pool closed meanwhile. */
  #lendAfterWait(
    slot: number,
    signal: AbortSignal | undefined,
    start: number,
  ): T {
    if (
      signal?.aborted === true || Atomics.load(this.#header, H_CLOSED) !== 0
    ) {
      this.#free.push(slot);
      this.#recordWait(start);
      signal?.throwIfAborted();
      throw new PoolClosedError("Cannot acquire from pool: it is closed");
    }
    this.#recordWait(start);
    return this.#lendCounted(slot, 0);
  }

  #recordWait(start: number): void {
    const rows = this.#rows;
    if (rows === undefined) return;
    this.#add(S_WAITS, 1);
    this.#add(S_WAIT_NS, (performance.now() - start) * 1e6);
  }

  // ---- release -----------------------------------------------------------

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
    this.#releaseGeneral(obj);
  }

  // ---- keys and discard --------------------------------------------------

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
    if (this.#slotBits > KEY_SLOT_BITS) this.#keysUnsupported();
    if (this.#acquireMode === 0 && this.#header[H_CLOSED] === 0) {
      const slot = this.#free.pop();
      if (slot >= 0) {
        // As #lend, without making a wrapper: objectOf makes it if needed.
        const records = this.#records;
        const generation = (records[slot << 1]! + 1) | 0;
        records[slot << 1] = generation;
        this.#borrowGenerations[slot] = generation;
        return ((generation & this.#genMask) << this.#slotBits) | slot;
      }
    }
    return this.#keyOfSlot(this.#slotOf(this.#acquireGeneral(true)!));
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
    this.#checkAttached("get object of key");
    const slot = this.#liveSlot(key, "get object of key");
    this.#borrowGenerations[slot] = Atomics.load(this.#records, slot << 1);
    return this.#objects[slot] ?? this.#wrap(slot);
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
    this.#endKeyBorrow(this.#liveSlot(key, "release key"), key, false);
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
    const slot = this.#liveSlot(key, "discard key");
    this.#endKeyBorrow(slot, key, true);
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
    this.#checkAttached("get key of object");
    if (this.#slotBits > KEY_SLOT_BITS) this.#keysUnsupported();
    const slot = this.#slotOf(obj);
    if (slot < 0) return this.#reject(obj, "get key of");
    this.#checkBorrowed(slot, "get key of");
    return this.#keyOfSlot(slot);
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
    return this.#keyState(key) >= 0;
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
    this.#checkAttached("discard object");
    const slot = this.#slotOf(obj);
    if (slot < 0) return this.#reject(obj, "discard");
    this.#checkBorrowed(slot, "discard");
    this.#discardSlot(slot, "Cannot discard object: it was already released");
  }

  /** Throws unless this thread's borrow of `slot` is the current one. */
  #checkBorrowed(slot: number, action: string): void {
    if (this.#free.isFree(slot) || this.#ending[slot] !== 0) {
      throw new AlreadyReleasedError(
        `Cannot ${action} object: it was already released`,
      );
    }
    if (
      Atomics.load(this.#records, slot << 1) !== this.#borrowGenerations[slot]
    ) {
      throw new AlreadyReleasedError(
        `Cannot ${action} object: slot ${slot} was released and lent again since this borrow (a stale ${action})`,
      );
    }
  }

  /** Zeroes, frees and drops a borrowed slot: state first, then `destroy`. */
  #discardSlot(slot: number, doubleMessage: string): void {
    // Zeroed while still ours: once freed, another thread may write it.
    this.#zero(slot);
    if (!this.#freeCounted(slot)) {
      throw new AlreadyReleasedError(doubleMessage);
    }
    const obj = this.#objects[slot];
    if (obj === undefined) {
      this.#count(S_DESTROYED);
      return;
    }
    this.#callDestroy(this.#detach(slot));
  }

  /** Ends a key's borrow on the general path (statistics, reset, closed, discard). */
  #endKeyBorrow(slot: number, key: number, discard: boolean): void {
    this.#checkAttached(discard ? "discard key" : "release key");
    const stale = `Cannot ${discard ? "discard" : "release"} key: key ${
      quote(key)
    } was already released`;
    if (discard) return this.#discardSlot(slot, stale);
    if (
      this.#reset !== undefined || Atomics.load(this.#header, H_CLOSED) !== 0
    ) {
      // Reset and destroy act on this thread's wrapper: release through it.
      this.#borrowGenerations[slot] = Atomics.load(this.#records, slot << 1);
      this.#releaseGeneral(this.#objects[slot] ?? this.#wrap(slot));
      return;
    }
    const started = this.#sampleRelease() ? nowNs() : 0;
    if (!this.#freeCounted(slot)) throw new AlreadyReleasedError(stale);
    if (started !== 0) {
      this.#add(S_RELEASE_NS, nowNs() - started);
      this.#add(S_TIMED_RELEASES, 1);
    }
  }

  /** The key of the current borrow of `slot`. */
  #keyOfSlot(slot: number): number {
    return ((Atomics.load(this.#records, slot << 1) & this.#genMask) <<
      this.#slotBits) | slot;
  }

  /**
   * Where a key stands: its slot if it is live, `STALE` if its borrow
   * ended, `FOREIGN` if this pool never issued it.
   */
  #keyState(key: unknown): number {
    if (typeof key !== "number" || (key | 0) !== key || key < 0) {
      return FOREIGN;
    }
    const slot = key & this.#slotMask;
    if (slot >= this.#capacity) return FOREIGN;
    const field = key >>> this.#slotBits;
    // Lends of this slot so far, as an unsigned count.
    const lends = Atomics.load(this.#records, slot << 1) >>> 0;
    if ((lends & this.#genMask) === field && lends !== 0) {
      return this.#free.isFree(slot) || this.#ending[slot] !== 0 ? STALE : slot;
    }
    // Before the generation field wraps, only 1..lends were ever issued.
    if (lends <= this.#genMask && (field === 0 || field > lends)) {
      return FOREIGN;
    }
    return STALE;
  }

  /** The slot of a live key, or the error that says why it is not one. */
  #liveSlot(key: number, action: string): number {
    const slot = this.#keyState(key);
    if (slot >= 0) return slot;
    throw slot === STALE
      ? new AlreadyReleasedError(
        `Cannot ${action}: key ${quote(key)} was already released`,
      )
      : new ForeignObjectError(
        `Cannot ${action}: key ${quote(key)} was never issued by this pool`,
      );
  }

  #keysUnsupported(): never {
    throw new PoolConfigurationError(
      `Cannot use keys: capacity ${this.#capacity} needs more than ${KEY_SLOT_BITS} slot bits, which would leave fewer than 10 generation bits (keys need capacity at most 1048576)`,
    );
  }

  /** Release with statistics, reset, a closed pool, or an error to explain. */
  #releaseGeneral(obj: T): void {
    this.#checkAttached("release object");
    const slot = this.#slotOf(obj);
    if (slot < 0) return this.#reject(obj, "release");
    if (this.#free.isFree(slot) || this.#ending[slot] !== 0) {
      throw new AlreadyReleasedError(
        "Cannot release object: it was already released",
      );
    }
    if (
      Atomics.load(this.#records, slot << 1) !== this.#borrowGenerations[slot]
    ) {
      throw new AlreadyReleasedError(
        `Cannot release object: slot ${
          quote(slot)
        } was released and lent again since this borrow (a stale release)`,
      );
    }
    const started = this.#sampleRelease() ? nowNs() : 0;
    if (Atomics.load(this.#header, H_CLOSED) !== 0) {
      this.#returnSlot(slot);
      this.#callDestroy(this.#detach(slot));
      return;
    }
    if (this.#reset !== undefined) {
      // State first: in this thread the borrow has ended before reset runs
      // (releasing, discarding or keying it again from reset is a double
      // release), though the slot is freed only once reset is done with it.
      this.#ending[slot] = 1;
      try {
        this.#reset(obj);
      } catch (error) {
        this.#ending[slot] = 0;
        this.#count(S_RESET_FAILURES);
        this.#zero(slot);
        const dropped = this.#detach(slot);
        this.#returnSlot(slot);
        this.#callDestroy(dropped, error);
        throw error;
      }
      this.#ending[slot] = 0;
      this.#count(S_RESETS);
      if (Atomics.load(this.#header, H_CLOSED) !== 0) {
        // Reset closed the pool: the wrapper is dropped, as any release
        // after close drops it (close skipped it while reset held it).
        this.#returnSlot(slot);
        this.#callDestroy(this.#detach(slot));
        return;
      }
    }
    this.#returnSlot(slot);
    if (started !== 0) {
      this.#add(S_RELEASE_NS, nowNs() - started);
      this.#add(S_TIMED_RELEASES, 1);
    }
  }

  /** Frees a borrowed slot and counts it; throws if another thread freed it first. */
  #returnSlot(slot: number): void {
    if (!this.#freeCounted(slot)) {
      throw new AlreadyReleasedError(
        "Cannot release object: it was already released",
      );
    }
  }

  /** Frees a borrowed slot and counts it; `false` if it was already free. */
  #freeCounted(slot: number): boolean {
    const rows = this.#rows;
    if (rows === undefined) return this.#free.push(slot);
    // Lower the in-use count first, so it never exceeds the slots really lent.
    Atomics.sub(this.#header, H_IN_USE, 1);
    if (!this.#free.push(slot)) {
      Atomics.add(this.#header, H_IN_USE, 1);
      return false;
    }
    return true;
  }

  /** The slot of `obj` if it is this thread's wrapper of a slot, else -1. */
  #slotOf(obj: T): number {
    const slot = slotOfWrapper(obj);
    if (slot >= 0 && this.#objects[slot] === obj) return slot;
    return this.#slotsByObject?.get(obj) ?? -1;
  }

  /** Throws the error that explains why `obj` is not a wrapper of this pool. */
  #reject(obj: unknown, action: string): never {
    const type = this.#type;
    if (type !== undefined && !safeInstanceOf(obj, type)) {
      const actual = typeName(obj);
      throw new TypeMismatchError(
        `Cannot ${action} object: expected a ${
          quote(type.name)
        } instance, got ${quote(actual)}`,
        { expectedType: type.name, actualType: actual },
      );
    }
    if (obj !== null && typeof obj === "object" && this.#dropped.has(obj)) {
      throw new AlreadyReleasedError(
        `Cannot ${action} object: it was already released`,
      );
    }
    throw new ForeignObjectError(
      `Cannot ${action} object: ${quote(obj)} was never lent by this pool`,
    );
  }

  /** Removes this thread's wrapper of `slot` and counts it destroyed. */
  #detach(slot: number): T {
    const obj = this.#objects[slot]!;
    this.#objects[slot] = undefined;
    if (this.#slotsByObject?.delete(obj) !== true) stampWrapper(obj, -1);
    this.#dropped.add(obj);
    this.#count(S_DESTROYED);
    return obj;
  }

  /**
   * Calls `destroy`. When `cause` is given (an error being rethrown), a
   * destroy error is combined with it instead of hiding it.
   */
  #callDestroy(obj: T, cause?: unknown): void {
    if (this.#destroy === undefined) return;
    try {
      this.#destroy(obj);
    } catch (error) {
      if (cause === undefined) throw error;
      throw new AggregateError(
        [cause, error],
        "Cannot release object: its reset and then its destroy threw",
      );
    }
  }

  #zero(slot: number): void {
    const stride = this.#layout.stride;
    this.#bytes.fill(0, slot * stride, (slot + 1) * stride);
  }

  #isLive(obj: T, generation: number): boolean {
    const slot = this.#slotOf(obj);
    return slot >= 0 && !this.#free.isFree(slot) && this.#ending[slot] === 0 &&
      Atomics.load(this.#records, slot << 1) === generation;
  }

  /** Takes back a leaked borrow; never throws (it runs in a GC callback). */
  #takeBackLeak(obj: T, generation: number): void {
    if (!this.#isLive(obj, generation)) return;
    this.#count(S_LEAKS);
    try {
      this.#onLeak?.({ object: obj, generation, pool: "ThreadSafePool" });
    } catch (error) {
      console.error("fastalloc: onLeak threw", error);
    }
    try {
      this.release(obj);
    } catch (error) {
      console.error("fastalloc: releasing a leaked object failed", error);
    }
  }

  // ---- threads -----------------------------------------------------------

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
      buffer: this.#buffer,
      capacity: this.#capacity,
      slotBytes: this.#slotBytes,
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
    return this.#slotOf(obj);
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
    // This thread may release the borrow it was handed: remember which one.
    this.#borrowGenerations[index] = Atomics.load(this.#records, index << 1);
    return this.#objects[index] ?? this.#wrap(index);
  }

  /**
   * This thread's id in the pool: 1 in the creating thread, 2, 3, … in
   * attaching ones (each `attach` takes a new id). Pass it to
   * {@linkcode ThreadSafePool.reclaim} when the thread dies.
   */
  get threadId(): number {
    return this.#threadId;
  }

  /** Bytes of shared state per slot. */
  get slotBytes(): number {
    return this.#slotBytes;
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
    if (!Number.isSafeInteger(threadId) || threadId < 1) {
      throw new RangeError(
        `Cannot reclaim slots: threadId ${
          quote(threadId)
        } is not a positive integer`,
      );
    }
    if (threadId === this.#threadId) {
      throw new RangeError(
        `Cannot reclaim slots: threadId ${
          quote(threadId)
        } is this thread's own`,
      );
    }
    const records = this.#records;
    let taken = 0;
    for (let slot = 0; slot < this.#capacity; slot++) {
      if (
        Atomics.load(records, (slot << 1) + 1) === threadId &&
        !this.#free.isFree(slot)
      ) {
        this.#zero(slot);
        if (this.#freeCounted(slot)) taken++;
      }
    }
    // Its place in the thread table, its statistics and the waits it had
    // registered (a thread killed while waiting never ends them) go back.
    const entry = findThread(this.#threads, threadId);
    if (entry >= 0) {
      retireThread(this.#threads, entry, this.#free);
    }
    return taken;
  }

  // ---- scoped use and handles -------------------------------------------

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
    if (typeof fn !== "function") {
      throw new TypeError(
        `Cannot use pool: fn ${quote(fn)} is not a function`,
      );
    }
    const obj = this.acquire();
    // The borrow, so a borrow fn ended itself (discard, release) is not
    // ended again.
    const generation = this.#borrowGenerations[this.#slotOf(obj)]!;
    let result: R;
    try {
      result = fn(obj);
    } catch (error) {
      if (this.#isLive(obj, generation)) releaseQuietly(this, obj);
      throw error;
    }
    if (isThenable(result)) {
      return releaseWhenSettled(
        { release: (o: T) => this.#isLive(o, generation) && this.release(o) },
        obj,
        result,
      ) as R;
    }
    if (this.#isLive(obj, generation)) this.release(obj);
    return result;
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
    const slot = this.#slotOf(obj);
    if (slot < 0) return this.#reject(obj, "watch");
    if (this.#free.isFree(slot) || this.#ending[slot] !== 0) {
      throw new AlreadyReleasedError(
        "Cannot watch object: it was already released",
      );
    }
    return new WeakHandle(this.#lender, obj, this.#generationOf(obj));
  }

  #generationOf(obj: T): number {
    return Atomics.load(this.#records, this.#slotOf(obj) << 1);
  }

  // ---- state -------------------------------------------------------------

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
    const rows = this.#rows;
    return rows === undefined
      ? disabledStats(this.inUse, this.#capacity)
      : totalStats(rows, this.#late!, this.#header, this.#capacity, this.inUse);
  }

  /**
   * Closes the pool for every thread: acquires fail from now on everywhere,
   * threads waiting to acquire wake with `PoolClosedError`, and this
   * thread's idle wrappers are destroyed. Borrowed slots may still be
   * released (their wrappers are destroyed then). Other threads' idle
   * wrappers are destroyed when they call `close()` on their own instance.
   * Calling it again in the same thread does nothing.
   *
   * @throws {AggregateError} If `destroy` threw for any wrapper (all are still dropped).
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
    this.#leave();
    this.#dropIdle();
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
   * @throws {AggregateError} If `destroy` threw for any wrapper (all are still dropped).
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
    if (this.#detached) return;
    this.#detached = true;
    this.#acquireMode |= 4;
    this.#releaseMode |= 4;
    this.#leave();
    this.#dropIdle();
  }

  /** Gives back this thread's table entry and statistics row (once). */
  #leave(): void {
    const entry = this.#entry;
    if (entry < 0) return;
    this.#entry = -1;
    this.#row = -1;
    retireThread(this.#threads, entry, this.#free);
  }

  /** Throws when this thread's view was detached. */
  #checkAttached(action: string): void {
    if (this.#detached) {
      throw new PoolClosedError(
        `Cannot ${action}: this thread's view of the pool was detached`,
      );
    }
  }

  /** Destroys this thread's idle wrappers (close, detach). */
  #dropIdle(): void {
    const errors: unknown[] = [];
    for (let slot = 0; slot < this.#capacity; slot++) {
      if (this.#objects[slot] === undefined || !this.#free.isFree(slot)) {
        continue;
      }
      try {
        this.#callDestroy(this.#detach(slot));
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) {
      throw new AggregateError(
        errors,
        `Cannot destroy objects: destroy threw for ${
          quote(errors.length)
        } of them`,
      );
    }
  }

  /** Closes the pool, for `using pool = new ThreadSafePool(...)`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #describe(): string {
    return `ThreadSafePool { capacity: ${this.#capacity}, inUse: ${this.inUse}, available: ${this.available}, closed: ${this.closed}, threadId: ${this.#threadId}, slotBytes: ${this.#slotBytes}, statistics: ${
      this.#rows !== undefined
    } }`;
  }
}
