/**
 * One thread's view of the slots of a `ThreadSafePool`: the shared arrays it
 * reads (header, slot records, free list, slot bytes), this thread's
 * wrapper of each slot and the borrow it holds of it, and the moves every
 * path of the pool shares: lend a slot, make or retire its wrapper, free it
 * counted, tell a bad object apart. Private to `pools/`.
 *
 * A wrapper is made once per slot and thread (`new Type(buffer, byteOffset)`
 * or the factory), the first time the slot is lent or handed over there, and
 * stamped with its slot (`_thread_safe_stamp.ts`), so `release` finds the
 * slot without running user code. The slot's data is the same memory in
 * every thread.
 *
 * @module
 */

import { SharedFreeList } from "../allocators/shared_freelist.ts";
import type { ThreadSafeAttachSettings } from "../config/_thread_safe_options.ts";
import {
  AlreadyReleasedError,
  PoolClosedError,
  PoolConfigurationError,
  PoolEmptyError,
} from "../errors.ts";
import { quote } from "../quote.ts";
import { checkCreated } from "./_check_created.ts";
import { misuseError } from "./_misuse.ts";
import { destroyAfter, throwDestroyErrors } from "./_slot_destroy.ts";
import {
  FLAG_STATS,
  H_CAPACITY,
  H_CLOSED,
  H_FLAGS,
  H_MAX_THREADS,
  H_SLOT_BYTES,
  HEADER_WORDS,
  type Layout,
  layout,
  T_WORDS,
} from "./_thread_safe_layout.ts";
import { CREATED, DESTROYED, EXHAUSTIONS } from "../stats/_counter_rows.ts";
import { ThreadSafeCounters } from "./_thread_safe_stats.ts";
import {
  safeInstanceOf,
  slotOfWrapper,
  stampWrapper,
} from "./_thread_safe_stamp.ts";

/**
 * Starts a borrow of a slot this thread just took: its generation (in
 * shared memory, so every thread sees it) goes up by one, and this thread
 * remembers it as the borrow it holds.
 *
 * @param records The slot records.
 * @param generations This thread's borrow generations.
 * @param slot The slot, just taken from the free list.
 * @returns The new borrow's generation.
 *
 * @example
 * ```ts
 * import { startBorrow } from "./_thread_safe_slots.ts";
 *
 * const records = new Int32Array(2);
 * console.log(startBorrow(records, new Int32Array(1), 0), records[0]); // 1 1
 * ```
 */
export function startBorrow(
  records: Int32Array,
  generations: Int32Array,
  slot: number,
): number {
  const at = slot << 1;
  // The slot is exclusively ours now: plain writes suffice.
  const generation = (records[at]! + 1) | 0;
  records[at] = generation;
  generations[slot] = generation;
  return generation;
}

/**
 * This thread's slots of a `ThreadSafePool`. Its fields are read by the
 * pool's other private parts (keys, waits, release, reclaim), which is why
 * they are not `#private`.
 *
 * @typeParam T The wrapper type.
 *
 * @example
 * ```ts
 * import { ThreadSafePool } from "@fastalloc/fastalloc";
 *
 * // Made by the pool's constructor (see `_thread_safe_attach.ts`).
 * const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
 * console.log(pool.available); // 2
 * ```
 */
export class ThreadSafeSlots<T extends object> {
  /** The pool's buffer. */
  readonly buffer: SharedArrayBuffer;
  /** Its layout. */
  readonly layout: Layout;
  /** Its header words (the closed flag among them). */
  readonly header: Int32Array;
  /** Per slot: borrow generation (at `2 * slot`) and acquiring thread id. */
  readonly records: Int32Array;
  /** The thread table. */
  readonly threads: Int32Array;
  /** This thread's view of the free list. */
  readonly free: SharedFreeList;
  /** This thread's counters. */
  readonly counters: ThreadSafeCounters;
  /** The slot data. */
  readonly bytes: Uint8Array;
  /** The number of slots. */
  readonly capacity: number;
  /** Bytes of shared state per slot. */
  readonly slotBytes: number;
  /** This thread's id in the pool. */
  readonly threadId: number;
  /** This thread's wrapper of each slot, once made. */
  readonly objects: (T | undefined)[];
  /**
   * Per slot, the generation of the borrow this thread holds or was handed
   * (`at`): a release whose slot has since been lent again is stale.
   */
  readonly borrowGenerations: Int32Array;
  /** Per slot, 1 while this thread's reset of it runs (its borrow has ended). */
  readonly ending: Uint8Array;
  /** Slots of wrappers that cannot carry the stamp (non-extensible). */
  slotsByObject: Map<T, number> | undefined;
  /**
   * Wrappers this thread retired (close, failed reset, discard), so
   * releasing one again is reported as the double release it is, not as a
   * foreign object.
   */
  readonly retired: WeakSet<object> = new WeakSet();
  /** Bits of a key that hold the slot number. */
  readonly slotBits: number;
  /** The mask of a key's generation field (after shifting out the slot). */
  readonly genMask: number;
  /** The mask of a key's slot field. */
  readonly slotMask: number;
  /** This thread's entry in the thread table, or -1 once given back. */
  entry = -1;
  /** Whether this thread's view was detached (every further call fails). */
  detached = false;
  /** This thread's callbacks (factory, reset, destroy, onLeak). */
  readonly settings: ThreadSafeAttachSettings<T>;

  /**
   * Opens this thread's view of the pool in `buffer`.
   *
   * @param buffer The pool's buffer, its header written.
   * @param threadId This thread's id in the pool.
   * @param settings This thread's callbacks.
   */
  constructor(
    buffer: SharedArrayBuffer,
    threadId: number,
    settings: ThreadSafeAttachSettings<T>,
  ) {
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    const capacity = header[H_CAPACITY]!;
    const shape = layout(
      capacity,
      header[H_SLOT_BYTES]!,
      header[H_MAX_THREADS]!,
      (header[H_FLAGS]! & FLAG_STATS) !== 0,
    );
    this.buffer = buffer;
    this.layout = shape;
    this.header = header;
    this.records = new Int32Array(buffer, shape.records, capacity * 2);
    this.threads = new Int32Array(
      buffer,
      shape.threads,
      shape.threadCount * T_WORDS,
    );
    // The list records the taking thread in each slot's record itself, in
    // the same step as the take, so reclaim finds every slot a thread
    // terminated at any point still held.
    this.free = SharedFreeList.attach(buffer, {
      byteOffset: shape.freeList,
      home: threadId - 1,
      claims: this.records,
      claimId: threadId,
    });
    this.counters = new ThreadSafeCounters(buffer, shape, header);
    this.bytes = new Uint8Array(buffer, shape.data);
    this.capacity = capacity;
    this.slotBytes = header[H_SLOT_BYTES]!;
    this.threadId = threadId;
    this.slotBits = capacity <= 1 ? 0 : 32 - Math.clz32(capacity - 1);
    this.genMask = 2 ** (31 - this.slotBits) - 1;
    this.slotMask = 2 ** this.slotBits - 1;
    this.objects = new Array<T | undefined>(capacity).fill(undefined);
    this.borrowGenerations = new Int32Array(capacity);
    this.ending = new Uint8Array(capacity);
    this.settings = settings;
  }

  /**
   * Records the borrow of a slot just taken, and returns its wrapper.
   *
   * @param slot A slot this thread just took from the free list.
   * @returns This thread's wrapper of it (made now if needed).
   */
  lend(slot: number): T {
    startBorrow(this.records, this.borrowGenerations, slot);
    return this.objects[slot] ?? this.wrapLent(slot);
  }

  /**
   * Makes the wrapper of a slot just lent; gives the slot back if that
   * fails, or if the factory closed the pool.
   *
   * @param slot The slot.
   * @returns The new wrapper.
   */
  wrapLent(slot: number): T {
    let obj: T;
    try {
      obj = this.wrap(slot);
    } catch (error) {
      this.free.push(slot);
      throw error;
    }
    // The factory may have closed the pool (any thread may have): close
    // takes effect at once, so this acquire fails and its object goes.
    if (Atomics.load(this.header, H_CLOSED) !== 0) {
      this.free.push(slot);
      this.callDestroy(this.retire(slot));
      throw new PoolClosedError("Cannot acquire from pool: it is closed");
    }
    return obj;
  }

  /**
   * Makes this thread's wrapper of `slot`.
   *
   * @param slot The slot.
   * @returns The new wrapper.
   */
  wrap(slot: number): T {
    const obj = this.settings.create(
      this.buffer,
      this.layout.data + slot * this.layout.stride,
    );
    // Found at creation, as every pool does, not at the first release.
    checkCreated(obj, undefined, this.settings.resetMethod);
    if (slotOfWrapper(obj) >= 0 || this.slotsByObject?.has(obj)) {
      throw new PoolConfigurationError(
        `Cannot create object: the factory returned ${
          quote(obj)
        }, which already belongs to a pool`,
      );
    }
    if (!stampWrapper(obj, slot)) {
      (this.slotsByObject ??= new Map()).set(obj, slot);
    }
    this.objects[slot] = obj;
    this.counters.count(CREATED);
    return obj;
  }

  /**
   * Every acquire the plain path does not take: detached, closed,
   * statistics, empty.
   *
   * @param throwWhenEmpty Throw `PoolEmptyError` (else give `undefined`).
   * @returns The wrapper, now borrowed.
   */
  acquireGeneral(throwWhenEmpty: boolean): T | undefined {
    this.checkAttached("acquire from pool");
    if (Atomics.load(this.header, H_CLOSED) !== 0) {
      throw new PoolClosedError("Cannot acquire from pool: it is closed");
    }
    const started = this.counters.startAcquire();
    const slot = this.free.pop();
    if (slot < 0) {
      this.counters.count(EXHAUSTIONS);
      if (!throwWhenEmpty) return undefined;
      throw new PoolEmptyError(
        `Cannot acquire from pool: all ${
          quote(this.capacity)
        } slots are in use`,
      );
    }
    return this.lendCounted(slot, started);
  }

  /**
   * Lends `slot` and counts it.
   *
   * @param slot A slot this thread just took.
   * @param started The sampled start time, or 0.
   * @returns The wrapper.
   */
  lendCounted(slot: number, started: number): T {
    const obj = this.lend(slot);
    this.counters.countLend(started);
    return obj;
  }

  /**
   * Removes this thread's wrapper of `slot`, marks it retired and counts it
   * destroyed.
   *
   * @param slot The slot.
   * @returns The wrapper, for `destroy`.
   */
  retire(slot: number): T {
    const obj = this.objects[slot]!;
    this.objects[slot] = undefined;
    if (this.slotsByObject?.delete(obj) !== true) stampWrapper(obj, -1);
    this.retired.add(obj);
    this.counters.count(DESTROYED);
    return obj;
  }

  /**
   * Calls `destroy`. When `cause` is given (an error being rethrown), a
   * destroy error is combined with it instead of hiding it.
   *
   * @param obj The retired wrapper.
   * @param cause The error being rethrown, if any.
   */
  callDestroy(obj: T, cause?: unknown): void {
    destroyAfter(this.settings.destroy, obj, cause);
  }

  /**
   * Zeroes a slot's bytes (while it is still this thread's).
   *
   * @param slot The slot.
   */
  zero(slot: number): void {
    const stride = this.layout.stride;
    this.bytes.fill(0, slot * stride, (slot + 1) * stride);
  }

  /**
   * The slot of `obj` if it is this thread's wrapper of a slot.
   *
   * @param obj Any value.
   * @returns The slot, or -1.
   */
  slotOf(obj: T): number {
    const slot = slotOfWrapper(obj);
    if (slot >= 0 && this.objects[slot] === obj) return slot;
    return this.slotsByObject?.get(obj) ?? -1;
  }

  /**
   * Whether the borrow `generation` of `obj`'s slot is still on.
   *
   * @param obj This thread's wrapper.
   * @param generation The borrow.
   * @returns `true` while it lasts.
   */
  isLive(obj: T, generation: number): boolean {
    const slot = this.slotOf(obj);
    return slot >= 0 && !this.free.isFree(slot) && this.ending[slot] === 0 &&
      Atomics.load(this.records, slot << 1) === generation;
  }

  /**
   * The generation of the borrow of `obj`'s slot (read from shared memory).
   *
   * @param obj This thread's wrapper of a borrowed slot.
   * @returns The generation.
   */
  generationOf(obj: T): number {
    return Atomics.load(this.records, this.slotOf(obj) << 1);
  }

  /**
   * This thread's wrapper of a borrowed slot, which it may now end: it
   * remembers the slot's current borrow as the one it holds (`at`, `objectOf`).
   *
   * @param slot A borrowed slot.
   * @returns The wrapper (made now if this thread has none yet).
   */
  takeOver(slot: number): T {
    this.borrowGenerations[slot] = Atomics.load(this.records, slot << 1);
    return this.objects[slot] ?? this.wrap(slot);
  }

  /**
   * Checks a slot index handed over from another thread (`at`).
   *
   * @param index What the caller passed.
   * @returns The index, a borrowed slot.
   * @throws {RangeError} If `index` is not an integer in `[0, capacity)`.
   * @throws {AlreadyReleasedError} If the slot is not borrowed.
   */
  borrowedAt(index: number): number {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.capacity) {
      throw new RangeError(
        `Cannot get slot: index ${quote(index)} is not an integer in [0, ${
          quote(this.capacity)
        })`,
      );
    }
    if (this.free.isFree(index)) {
      throw new AlreadyReleasedError(
        `Cannot get slot ${quote(index)}: it is not borrowed`,
      );
    }
    return index;
  }

  /**
   * Throws unless `obj` is this thread's wrapper of a borrowed slot whose
   * borrow has not begun to end (`weak`).
   *
   * @param obj What the caller passed.
   */
  checkWatchable(obj: T): void {
    const slot = this.slotOf(obj);
    if (slot < 0) this.reject(obj, "watch");
    if (this.free.isFree(slot) || this.ending[slot] !== 0) {
      throw misuseError(obj, "watch", undefined, true);
    }
  }

  /**
   * The text `Deno.inspect` and Node's `util.inspect` show for the pool.
   *
   * @param inUse Slots borrowed now.
   * @param available Free slots now (0 once closed).
   * @returns The description.
   */
  describe(inUse: number, available: number): string {
    const closed = Atomics.load(this.header, H_CLOSED) !== 0;
    return `ThreadSafePool { capacity: ${this.capacity}, inUse: ${inUse}, available: ${available}, closed: ${closed}, threadId: ${this.threadId}, slotBytes: ${this.slotBytes}, statistics: ${this.counters.on} }`;
  }

  /**
   * Frees a borrowed slot and counts it.
   *
   * @param slot The slot.
   * @returns `false` if it was already free.
   */
  freeCounted(slot: number): boolean {
    if (!this.counters.on) return this.free.push(slot);
    // Lower the in-use count first, so it never exceeds the slots really lent.
    this.counters.moveInUse(-1);
    if (!this.free.push(slot)) {
      this.counters.moveInUse(1);
      return false;
    }
    return true;
  }

  /**
   * Frees a borrowed slot and counts it; throws if another thread freed it
   * first.
   *
   * @param slot The slot.
   */
  returnSlot(slot: number): void {
    if (!this.freeCounted(slot)) {
      throw misuseError(undefined, "release", undefined, true);
    }
  }

  /**
   * Throws when this thread's view was detached.
   *
   * @param action The refused call, for the message.
   */
  checkAttached(action: string): void {
    if (this.detached) {
      throw new PoolClosedError(
        `Cannot ${action}: this thread's view of the pool was detached`,
      );
    }
  }

  /**
   * Throws unless this thread's borrow of `slot` is the current one.
   *
   * @param slot The slot of this thread's wrapper.
   * @param action The refused call, for the message.
   */
  checkBorrowed(slot: number, action: string): void {
    if (this.free.isFree(slot) || this.ending[slot] !== 0) {
      throw misuseError(undefined, action, undefined, true);
    }
    if (
      Atomics.load(this.records, slot << 1) !== this.borrowGenerations[slot]
    ) {
      throw new AlreadyReleasedError(
        `Cannot ${action} object: slot ${
          quote(slot)
        } was released and lent again since this borrow (a stale ${action})`,
      );
    }
  }

  /**
   * The slot of `obj` when it is this thread's wrapper of its current borrow;
   * otherwise throws the error that says why (release, discard, keyOf).
   *
   * @param obj What the caller passed.
   * @param action The refused call, for the message.
   * @returns The slot.
   */
  borrowedSlotOf(obj: T, action: string): number {
    const slot = this.slotOf(obj);
    if (slot < 0) this.reject(obj, action);
    this.checkBorrowed(slot, action);
    return slot;
  }

  /**
   * Throws the error that explains why `obj` is not a wrapper of this pool
   * (`_misuse.ts` words it).
   *
   * @param obj What the caller passed.
   * @param action The refused call, for the message.
   */
  reject(obj: unknown, action: string): never {
    const type = this.settings.type;
    // An object whose instanceof check throws (a revoked proxy, a throwing
    // trap) cannot be told apart: it is foreign, not mistyped.
    const mistyped = type !== undefined && !safeInstanceOf(obj, type);
    const wasLent = obj !== null && typeof obj === "object" &&
      this.retired.has(obj);
    throw misuseError(obj, action, mistyped ? type : undefined, wasLent);
  }

  /**
   * Makes this thread's wrapper of every slot; on a factory error, destroys
   * every wrapper made and rethrows (combined with a destroy error, if any).
   */
  fill(): void {
    try {
      for (let slot = 0; slot < this.capacity; slot++) {
        if (this.objects[slot] === undefined) this.wrap(slot);
      }
    } catch (error) {
      // Retire every wrapper even if a destroy throws; report the first
      // such failure (an AggregateError that carries the factory's error).
      let failure: unknown = error;
      for (let slot = 0; slot < this.capacity; slot++) {
        if (this.objects[slot] !== undefined) {
          try {
            this.callDestroy(this.retire(slot), error);
          } catch (destroyError) {
            if (failure === error) failure = destroyError;
          }
        }
      }
      throw failure;
    }
  }

  /** Destroys this thread's idle wrappers (close, detach). */
  retireIdle(): void {
    const errors: unknown[] = [];
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.objects[slot] === undefined || !this.free.isFree(slot)) {
        continue;
      }
      try {
        this.callDestroy(this.retire(slot));
      } catch (error) {
        errors.push(error);
      }
    }
    throwDestroyErrors(errors, "destroy objects");
  }
}
