/**
 * {@linkcode SharedFreeList}: the set of free slots of a pool shared between
 * threads, kept in a `SharedArrayBuffer` and changed only with `Atomics`, so
 * any number of threads may take and return slots at once.
 *
 * ## Design: a lock-free bitmap, chosen by measurement
 *
 * One bit per slot, set while the slot is free, in 32-bit words. Taking a
 * slot is one `Atomics.compareExchange` that clears the lowest set bit of a
 * word; returning one is one `Atomics.or` that sets its bit. Three
 * designs were measured on a 2-core machine (Deno 2.9.6, capacity 1024, one
 * take + return + a field write per cycle):
 *
 * | design | one thread | one worker | two workers |
 * | --- | --- | --- | --- |
 * | this bitmap | ≈ 30 ns | ≈ 33 M cycles/s | ≈ 33–36 M cycles/s |
 * | Treiber stack, tagged 32-bit head | ≈ 60 ns | ≈ 18–20 M/s | ≈ 15–18 M/s |
 * | futex lock (`Atomics.wait`/`notify`) around an array | ≈ 47 ns | ≈ 22–24 M/s | ≈ 17–24 M/s |
 * | naive spin lock around an array | ≈ 44 ns | ≈ 26 M/s | ≈ 15–17 M/s |
 *
 * Why the bitmap wins, and why it is safe:
 * - No ABA problem at all: a compare-exchange on a word succeeds only if the
 *   word still has the observed bits, and a set bit always means "free now",
 *   whatever happened in between. A Treiber stack needs a tag in its head to
 *   be safe, and a 32-bit head leaves only ~21 bits of tag (wrap-around is
 *   unlikely but possible); a 64-bit head means `BigInt`s, which allocate.
 * - Two atomic operations per cycle (the floor for a shared list whose
 *   every free slot any thread may take), against 3–4 for the others.
 * - Little contention: each word sits on its own 64-byte cache line and each
 *   thread starts searching at its own "home" word (spread by thread number)
 *   and stays on the last word it found a slot in. Returned slots go back to
 *   their own word, so a thread mostly reuses the same few cache lines while
 *   another thread works elsewhere. A single list head, locked or not, is one
 *   cache line every operation of every thread fights over.
 * - Returning is also the double-free check: `Atomics.or` gives the old
 *   word, so returning a slot that is already free is detected and changes
 *   nothing.
 *
 * No per-thread cache sits in front: slots hidden in one thread's cache
 * would make another thread's take fail while slots are free, and making
 * them stealable costs the atomic operation the cache was meant to save.
 * Finding a free slot when most words are empty scans words (a full scan,
 * `capacity / 32` reads, before reporting the list empty).
 *
 * Waiting ({@linkcode SharedFreeList.popWait},
 * {@linkcode SharedFreeList.popAsync}: `_shared_waits.ts`) registers in a
 * waiter count, then sleeps on a sequence word with
 * `Atomics.wait`/`Atomics.waitAsync`; a return wakes one sleeper only when
 * the count is non-zero, so returns cost nothing extra while nobody
 * waits. The return reads the count with a plain load
 * (an `Atomics.load` measured ≈ 6 ns, a quarter of a release); its locked
 * `or` orders that load on x86, and on weaker memory models a sleeper
 * wakes every 20 ms anyway and looks again, so a missed wake only delays.
 *
 * A waiter registration never drops below 0 (each end is a clamped
 * decrement), and {@linkcode SharedFreeList.settleWaiters} ends the
 * registrations of a thread that died while waiting, so a killed waiter does
 * not make every later return pay for a wake-up.
 *
 * With `claims`, a take records who made it in the same step: everything
 * the record needs is computed before the compare-exchange, and a single
 * store follows it, with no call, property read or loop in between (the
 * places a terminating thread can stop), so a slot is never held by a dead
 * thread without its record saying so.
 *
 * The first look of `pop` is a plain read of the word where this thread
 * last found a slot, then the compare-exchange (which checks that read):
 * ≈ 6 ns less than a general search.
 *
 * @module
 */

import { FastAllocError, PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import {
  checkListCapacity,
  checkListOptions,
  checkOffset,
  isSlot,
  outOfRange,
  type SharedFreeListOptions,
} from "./_shared_list_options.ts";
import type { AcquireOptions } from "../config/wait_options.ts";
import {
  validateTimeout,
  validateWaitOptions,
} from "../config/_wait_options.ts";
import {
  blockOnce,
  C_SEQUENCE,
  C_WAITERS,
  canBlock,
  unregister,
  waitOnceAsync,
  wake,
} from "./_shared_waits.ts";

/** Int32 words per 64-byte cache line. */
const LINE = 16;
const MAGIC = 0x46534c31; // "FSL1"
// Control words, each on its own cache line.
const C_MAGIC = 0;
const C_CAPACITY = 1;
// The waiter count and the sequence word (C_WAITERS, C_SEQUENCE) follow,
// each on its own cache line: see `_shared_waits.ts`.
const CONTROL_WORDS = 48; // 3 * LINE: a literal, esbuild keeps top-level arithmetic
/** Spreads home words of consecutive thread numbers over the bitmap. */
const GOLDEN = 0.6180339887498949;
/**
 * The constructor's hidden third argument when {@linkcode SharedFreeList.attach}
 * calls it: open the list, don't initialize it. User code cannot make it.
 */
const OPEN: symbol = /* @__PURE__ */ Symbol("open");
/** The constructor as `attach` calls it, with the hidden third argument. */
type Opening = new (
  capacity: number,
  options: SharedFreeListOptions,
  open: symbol,
) => SharedFreeList;
const WAIT_ACTION = "wait for a free slot";

export type { SharedFreeListOptions };

/**
 * How long {@linkcode SharedFreeList.popAsync} waits, and how to stop it:
 * the library's one wait-options type, {@linkcode AcquireOptions} (`timeout`
 * in ms from 0 to 2147483647 or `Infinity`; `signal`).
 *
 * @example
 * ```ts
 * import { SharedFreeList, type SharedFreeListWaitOptions } from "@fastalloc/fastalloc/allocators";
 *
 * const list = new SharedFreeList(1);
 * const slot = list.pop();
 * const options: SharedFreeListWaitOptions = { timeout: 5 };
 * console.log(await list.popAsync(options)); // -1: nothing came free in time
 * list.push(slot);
 * ```
 */
export type SharedFreeListWaitOptions = AcquireOptions;

/**
 * A lock-free set of free slot numbers in shared memory (a bitmap, one word
 * per cache line; see the module documentation for why). Every thread makes
 * its own `SharedFreeList` object over the same memory: one thread creates it
 * (all slots free), the others {@linkcode SharedFreeList.attach} to its
 * buffer. `pop` and `push` never allocate.
 *
 * @example Take and return slots from two views of one list
 * ```ts
 * import { SharedFreeList } from "@fastalloc/fastalloc/allocators";
 *
 * const list = new SharedFreeList(4);
 * const other = SharedFreeList.attach(list.buffer, { home: 1 }); // as a worker would
 * const slot = list.pop();
 * console.log(slot, other.isFree(slot), other.size); // 0 false 3
 * console.log(other.push(slot), list.push(slot)); // true false (already free)
 * ```
 */
export class SharedFreeList {
  #control: Int32Array;
  #bits: Int32Array;
  #words: number;
  #capacity: number;
  #cursor: number;
  #byteOffset: number;
  #claims: Int32Array | undefined;
  #claimId: number;

  /**
   * The bytes a list of `capacity` slots takes in a buffer (a multiple of 64).
   *
   * @param capacity The number of slots.
   * @returns The byte length to reserve.
   * @throws {PoolConfigurationError} If `capacity` is not a positive safe integer.
   *
   * @example
   * ```ts
   * import { SharedFreeList } from "@fastalloc/fastalloc/allocators";
   *
   * console.log(SharedFreeList.byteLengthFor(64)); // 320
   * ```
   */
  static byteLengthFor(capacity: number): number {
    checkListCapacity(capacity);
    return (CONTROL_WORDS + Math.ceil(capacity / 32) * LINE) * 4;
  }

  /**
   * Opens, in this thread, a list another thread created in `buffer`.
   *
   * @param buffer The buffer the list was created in.
   * @param options Its `byteOffset` and this thread's `home` number.
   * @returns A view of the same list.
   * @throws {PoolConfigurationError} If `options` is not an object, or no
   * list is at that offset.
   *
   * @example
   * ```ts
   * import { SharedFreeList } from "@fastalloc/fastalloc/allocators";
   *
   * const list = new SharedFreeList(8);
   * const view = SharedFreeList.attach(list.buffer);
   * console.log(view.capacity); // 8
   * ```
   */
  static attach(
    buffer: SharedArrayBuffer,
    options: Omit<SharedFreeListOptions, "buffer"> = {},
  ): SharedFreeList {
    if (options === null || typeof options !== "object") {
      throw new PoolConfigurationError(
        `Cannot attach SharedFreeList: options ${
          quote(options)
        } are not an object`,
      );
    }
    const byteOffset = checkOffset(options.byteOffset, buffer);
    if (buffer.byteLength - byteOffset < CONTROL_WORDS * 4) {
      throw new PoolConfigurationError(
        `Cannot attach SharedFreeList: the buffer is too small for a list at byteOffset ${
          quote(byteOffset)
        }`,
      );
    }
    const control = new Int32Array(buffer, byteOffset, CONTROL_WORDS);
    const capacity = Atomics.load(control, C_CAPACITY);
    if (Atomics.load(control, C_MAGIC) !== MAGIC || capacity < 1) {
      throw new PoolConfigurationError(
        `Cannot attach SharedFreeList: no list at byteOffset ${
          quote(byteOffset)
        } of the buffer`,
      );
    }
    return new (SharedFreeList as unknown as Opening)(capacity, {
      buffer,
      byteOffset,
      home: options.home === undefined ? 0 : options.home,
      ...(options.claims === undefined ? {} : { claims: options.claims }),
      ...(options.claimId === undefined ? {} : { claimId: options.claimId }),
    }, OPEN);
  }

  /**
   * Creates a list of `capacity` slots, all free: in `options.buffer` at
   * `options.byteOffset` (overwriting what is there), else in a new buffer.
   *
   * @param capacity The number of slots, numbered `0` to `capacity - 1`.
   * @param options Where to put the list, and this thread's home number.
   * @throws {PoolConfigurationError} For a bad capacity, offset or home, or
   * a buffer too small (see {@linkcode SharedFreeList.byteLengthFor}).
   */
  constructor(capacity: number, options?: SharedFreeListOptions);
  constructor(
    capacity: number,
    options: SharedFreeListOptions = {},
    open?: symbol,
  ) {
    const { buffer, byteOffset, home, claims, claimId } = checkListOptions(
      capacity,
      options,
      SharedFreeList.byteLengthFor(capacity),
    );
    this.#claims = claims;
    this.#claimId = claimId;
    this.#capacity = capacity;
    this.#words = Math.ceil(capacity / 32);
    this.#byteOffset = byteOffset;
    this.#control = new Int32Array(buffer, byteOffset, CONTROL_WORDS);
    this.#bits = new Int32Array(
      buffer,
      byteOffset + CONTROL_WORDS * 4,
      this.#words * LINE,
    );
    this.#cursor = Math.floor(((home * GOLDEN) % 1) * this.#words);
    if (open === OPEN) return;
    for (let w = 0; w < this.#words; w++) {
      const bitsInWord = Math.min(32, capacity - w * 32);
      Atomics.store(
        this.#bits,
        w * LINE,
        bitsInWord === 32 ? -1 : (1 << bitsInWord) - 1,
      );
    }
    Atomics.store(this.#control, C_WAITERS, 0);
    Atomics.store(this.#control, C_SEQUENCE, 0);
    Atomics.store(this.#control, C_CAPACITY, capacity);
    Atomics.store(this.#control, C_MAGIC, MAGIC);
  }

  /** The number of slots. */
  get capacity(): number {
    return this.#capacity;
  }

  /** The buffer holding the list (pass it to other threads). */
  get buffer(): SharedArrayBuffer {
    return this.#control.buffer as SharedArrayBuffer;
  }

  /** The list's offset in {@linkcode SharedFreeList.buffer}. */
  get byteOffset(): number {
    return this.#byteOffset;
  }

  /**
   * How many slots are free now: a count over every word, so O(capacity / 32),
   * and only a snapshot while other threads work.
   */
  get size(): number {
    const bits = this.#bits;
    let count = 0;
    for (let i = 0; i < bits.length; i += LINE) {
      let v = Atomics.load(bits, i);
      // Population count of a 32-bit word.
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      count += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    return count;
  }

  /**
   * How many waits are registered now, in every thread (a snapshot): while
   * it is not 0, each return wakes a sleeper.
   */
  get waiters(): number {
    return Atomics.load(this.#control, C_WAITERS);
  }

  /** Whether every slot is taken (a snapshot, as `size`). */
  get isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * Whether this thread may block in {@linkcode SharedFreeList.popWait}:
   * `false` where `Atomics.wait` is not allowed, such as a browser's main
   * thread.
   */
  static get canBlock(): boolean {
    return canBlock();
  }

  /**
   * Takes a free slot: lock-free, allocation-free, one compare-exchange when
   * uncontended.
   *
   * @returns The slot number, or `-1` when every slot is taken.
   *
   * @example
   * ```ts
   * import { SharedFreeList } from "@fastalloc/fastalloc/allocators";
   *
   * const list = new SharedFreeList(1);
   * console.log(list.pop(), list.pop()); // 0 -1
   * ```
   */
  pop(): number {
    // First look where this thread last found a slot: usually one read and
    // one compare-exchange. A plain read is enough; the exchange checks it.
    const bits = this.#bits;
    const w = this.#cursor;
    const v = bits[w * LINE]!;
    if (v !== 0) {
      const low = v & -v;
      // Everything the record needs is ready before the exchange, so only
      // one store follows it: no call, property read or loop (where a
      // terminating thread could stop) lies between the two.
      const slot = w * 32 + 31 - Math.clz32(low);
      const claims = this.#claims;
      const claimId = this.#claimId;
      if (Atomics.compareExchange(bits, w * LINE, v, v ^ low) === v) {
        if (claims !== undefined) claims[(slot << 1) + 1] = claimId;
        return slot;
      }
    }
    return this.#search();
  }

  /** Visits every word from the cursor on, until one yields a slot. */
  #search(): number {
    const bits = this.#bits;
    const words = this.#words;
    const claims = this.#claims;
    const claimId = this.#claimId;
    let w = this.#cursor;
    for (let n = 0; n < words; n++) {
      const i = w * LINE;
      let v = Atomics.load(bits, i);
      while (v !== 0) {
        const low = v & -v;
        const slot = w * 32 + 31 - Math.clz32(low);
        const seen = Atomics.compareExchange(bits, i, v, v ^ low);
        if (seen === v) {
          // One store after the exchange, as in pop.
          if (claims !== undefined) claims[(slot << 1) + 1] = claimId;
          this.#cursor = w;
          return slot;
        }
        v = seen;
      }
      if (++w === words) w = 0;
    }
    return -1;
  }

  /**
   * Returns a slot, and wakes one waiting thread if any waits.
   *
   * @param slot A slot number below `capacity`.
   * @returns `true`, or `false` if the slot was already free (nothing changes).
   * @throws {RangeError} If `slot` is not an integer in `[0, capacity)`.
   *
   * @example
   * ```ts
   * import { SharedFreeList } from "@fastalloc/fastalloc/allocators";
   *
   * const list = new SharedFreeList(2);
   * const slot = list.pop();
   * console.log(list.push(slot), list.push(slot)); // true false
   * ```
   */
  push(slot: number): boolean {
    if (!isSlot(slot, this.#capacity)) throw outOfRange(slot, this.#capacity);
    const bit = 1 << (slot & 31);
    if ((Atomics.or(this.#bits, (slot >>> 5) * LINE, bit) & bit) !== 0) {
      return false;
    }
    // A plain read: `Atomics.load` costs ≈ 6 ns here, a quarter of a whole
    // release. The locked `or` above orders it on x86; where the memory
    // model is weaker a wake could be missed, so sleepers wake every
    // WAIT_SLICE_MS (`_shared_waits.ts`) and look again.
    if (this.#control[C_WAITERS] !== 0) wake(this.#control, 1);
    return true;
  }

  /**
   * Whether `slot` is free now.
   *
   * @param slot A slot number below `capacity`.
   * @returns `true` if free.
   * @throws {RangeError} If `slot` is not an integer in `[0, capacity)`.
   *
   * @example
   * ```ts
   * import { SharedFreeList } from "@fastalloc/fastalloc/allocators";
   *
   * const list = new SharedFreeList(2);
   * console.log(list.isFree(list.pop())); // false
   * ```
   */
  isFree(slot: number): boolean {
    if (!isSlot(slot, this.#capacity)) throw outOfRange(slot, this.#capacity);
    const bit = 1 << (slot & 31);
    return (Atomics.load(this.#bits, (slot >>> 5) * LINE) & bit) !== 0;
  }

  /**
   * Takes a free slot, blocking this thread with `Atomics.wait` for up to
   * `timeoutMs` until one is returned. It waits once, for at most 20 ms: it
   * may give `-1` early (after that slice, when another thread took the
   * returned slot first, or when {@linkcode SharedFreeList.interrupt} was
   * called), so callers loop with the time left.
   *
   * @param timeoutMs The longest wait in milliseconds (default: no limit).
   * @returns The slot number, or `-1` if none was had.
   * @throws {RangeError} If `timeoutMs` is not a number of ms from 0 to
   * 2147483647, or `Infinity`.
   * @throws {FastAllocError} Where this thread may not block (see
   * {@linkcode SharedFreeList.canBlock}).
   *
   * @example
   * ```ts
   * import { SharedFreeList } from "@fastalloc/fastalloc/allocators";
   *
   * const list = new SharedFreeList(1);
   * list.pop();
   * console.log(list.popWait(10)); // -1, after 10 ms
   * ```
   */
  popWait(timeoutMs: number = Infinity): number {
    // NaN would make Atomics.wait wait forever.
    const timeout = validateTimeout(timeoutMs, WAIT_ACTION) ?? Infinity;
    const slot = this.pop();
    if (slot >= 0) return slot;
    if (!canBlock()) {
      throw new FastAllocError(
        "Cannot wait for a free slot: this thread may not block (Atomics.wait is not allowed here, as on a browser main thread); use popAsync",
      );
    }
    return blockOnce(this, this.#control, timeout);
  }

  /**
   * Ends `count` waiter registrations of a thread that died while waiting
   * (its own wait will never end them), so returns stop paying for wake-ups
   * nobody needs. The count never goes below 0: settling more than are
   * registered only makes live waiters rely on their 20 ms re-look until
   * they end their own wait.
   *
   * @param count How many waits the dead thread had registered.
   * @throws {RangeError} If `count` is not a non-negative integer.
   *
   * @example
   * ```ts
   * import { SharedFreeList } from "@fastalloc/fastalloc/allocators";
   *
   * const list = new SharedFreeList(1);
   * list.settleWaiters(0); // nothing to settle
   * console.log(list.size); // 1
   * ```
   */
  settleWaiters(count: number): void {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(
        `Cannot settle waiters: count ${
          quote(count)
        } is not a non-negative integer`,
      );
    }
    for (let i = 0; i < count; i++) unregister(this.#control);
  }

  /**
   * Takes a free slot, waiting without blocking (`Atomics.waitAsync`, or
   * polling where that is missing) until one is returned, the timeout runs
   * out or the signal aborts. Like {@linkcode SharedFreeList.popWait} it
   * waits once, at most 20 ms, and may resolve `-1` early; callers loop with
   * the time left.
   *
   * @param options `timeout` in milliseconds and an abort `signal`.
   * @returns The slot number, or `-1` if none was had. It rejects with
   * `TypeError` if `options` is not an object, has an unknown key, or
   * `signal` is not an `AbortSignal`, and with `RangeError` if `timeout` is
   * not a number of ms from 0 to 2147483647, or `Infinity`.
   *
   * @example
   * ```ts
   * import { SharedFreeList } from "@fastalloc/fastalloc/allocators";
   *
   * const list = new SharedFreeList(1);
   * const slot = list.pop();
   * setTimeout(() => list.push(slot), 5);
   * console.log(await list.popAsync({ timeout: 1000 })); // 0
   * ```
   */
  popAsync(options: SharedFreeListWaitOptions = {}): Promise<number> {
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    try {
      ({ timeout, signal } = validateWaitOptions(options, WAIT_ACTION));
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const slot = this.pop();
    if (slot >= 0) return Promise.resolve(slot);
    return waitOnceAsync(this, this.#control, {
      timeout: timeout ?? Infinity,
      signal,
    });
  }

  /**
   * Wakes every thread waiting in {@linkcode SharedFreeList.popWait} or
   * {@linkcode SharedFreeList.popAsync}; each looks once more and returns
   * (`-1` if still nothing is free). A pool calls it when it closes.
   *
   * @example
   * ```ts
   * import { SharedFreeList } from "@fastalloc/fastalloc/allocators";
   *
   * const list = new SharedFreeList(1);
   * list.interrupt(); // nobody waits: nothing happens
   * ```
   */
  interrupt(): void {
    wake(this.#control);
  }
}
