/**
 * The slot core of the synchronous single-thread pools: all their state and
 * every path but the plain acquire/release (see `_fast_ops.ts`). Private to
 * `pools/`.
 *
 * Layout. The pool owns its objects in `objects[slot]`; an `Int32Array` holds
 * one generation per slot (odd while lent, even while idle), and the idle
 * store is a stack (or, for `"deque"`, a ring) of slot indices, with an
 * explicit top, in the upper half of that same `Int32Array` (see
 * `Hot.half`), beside the idle objects. Every array grows with use, so a huge
 * capacity costs nothing up front. Each object carries ONE hidden own
 * property, its slot number, written once when it is created; nothing else is
 * ever read from or written to user objects. A release reads the slot number
 * and then checks `objects[slot] === obj`: only the very object the pool lent
 * passes (an object inheriting the property, or a Proxy forwarding it, is not
 * in the table). Whether an object already belongs to a pool is asked of a
 * module `WeakMap`, only when objects are created.
 *
 * Why this layout: V8 keeps one set of inline caches per function for all its
 * callers, so code that reads and writes properties of user objects goes
 * megamorphic once a program pools more than four classes. Here the shared
 * code touches only the pool's own arrays (the key path is monomorphic
 * everywhere), and the one read of a user object (the slot number, in
 * `release`) is specialised per pool where code generation is allowed.
 *
 * Re-entrancy ("state first, then the callback"): the core commits its
 * bookkeeping before it calls `factory`, `reset`, `destroy` or `onLeak`, so a
 * callback may call any method of its own pool and gets what it would get
 * from outside.
 *
 * @module
 */

import type { GrowthConfig } from "../config/growth.ts";
import type { LeakInfo, PoolType } from "../config/options.ts";
import type { PoolSettings } from "../config/_options.ts";
import {
  PoolClosedError,
  PoolConfigurationError,
  PoolEmptyError,
} from "../errors.ts";
import { nowNs } from "../_clock.ts";
import type { Lender } from "../handles/lender.ts";
import { StatsCollector } from "../stats/stats_collector.ts";
import { quote } from "../quote.ts";
import { checkCreated } from "./_check_created.ts";
import { keyMisuseError, misuseError } from "./_misuse.ts";
import {
  MODE_CLOSED,
  MODE_FIFO,
  MODE_RESET,
  MODE_STATS,
  MODE_TIMING,
  MODE_UNSTAMPED,
} from "./_modes.ts";
import {
  endUse,
  endUseQuietly,
  endUseWhenSettled,
  lenderFor,
  useFnError,
} from "./_lending.ts";

/** The hidden own property holding an object's slot number in its pool. */
export const SLOT: unique symbol = Symbol("fastalloc.slot");

/**
 * Every object a pool owns now, asked only when an object is created (to
 * refuse one that another pool still owns). A set, not a map to the pool:
 * an object must not keep its pool alive.
 */
const OWNED = new WeakSet<object>();

/**
 * Objects a pool retired (close, trim, discard, failed reset), mapped to that
 * pool's token (not the pool: a retired object must not keep it alive), so
 * releasing one there again is reported as the double release it is, not as
 * a foreign object.
 */
const RETIRED = new WeakMap<object, object>();

/** The most slot bits a key uses: leaves at least 2^10 generations. */
const MAX_SLOT_BITS = 21;

/** What the core records; `StatsCollector` and ThreadLocalPool's row both fit. */
export interface Recorder {
  /** Whether to time the next acquire. */
  sampleAllocation(): boolean;
  /** Whether to time the next release. */
  sampleRelease(): boolean;
  /** A successful acquire. */
  recordAllocation(): void;
  /** A borrow ended (release, discard, a leak taken back). */
  recordRelease(): void;
  /** A sampled acquire's duration. */
  recordAllocationTime(ns: number): void;
  /** A sampled release's duration. */
  recordReleaseTime(ns: number): void;
  /** A reset that worked. */
  recordReset(): void;
  /** A reset that threw. */
  recordResetFailure(): void;
  /** A growth to `capacity`. */
  recordGrowth(capacity: number): void;
  /** The capacity now. */
  recordCapacity(capacity: number): void;
  /** An acquire that found nothing. */
  recordExhaustion(): void;
  /** An object created. */
  recordCreated(): void;
  /** An object destroyed. */
  recordDestroyed(): void;
  /** A leaked handle. */
  recordLeak(): void;
}

/** Extra settings of the core beyond the validated pool options. */
export interface CoreExtras {
  /** Growth strategy, for growing pools. */
  readonly growth?: GrowthConfig | undefined;
  /** The most the capacity may grow to (the capacity for fixed pools). */
  readonly maxCapacity?: number | undefined;
  /** A recorder to use instead of a StatsCollector (ThreadLocalPool's row). */
  readonly recorder?: Recorder | undefined;
  /** A shared cell array and index that mirror `inUse` (ThreadLocalPool). */
  readonly row?: Float64Array | undefined;
  /** The index of the in-use cell in `row`. */
  readonly rowAt?: number | undefined;
  /** Called once a closed pool has nothing lent any more. */
  readonly onDrained?: (() => void) | undefined;
  /** The pool's class name, for `onLeak`. */
  readonly name: string;
}

/** Bits needed for slot numbers below `n` (at least 1), capped at MAX_SLOT_BITS. */
function slotBitsFor(n: number): number {
  if (n > 2 ** MAX_SLOT_BITS) return MAX_SLOT_BITS;
  return Math.max(1, 32 - Math.clz32(n - 1));
}

/** Reads the slot property without letting a Proxy's trap or a revoked Proxy escape. */
function readSlot(obj: unknown): unknown {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) {
    return undefined;
  }
  try {
    return (obj as { [SLOT]?: unknown })[SLOT];
  } catch {
    return undefined;
  }
}

/** Fills `states` from `from` below `to` with each slot's first state: `~slot` (next key: slot, generation 0). */
function initialStates(
  states: Int32Array,
  from: number,
  to: number,
): Int32Array {
  for (let slot = from; slot < to; slot++) states[slot] = ~slot;
  return states;
}

function grownInt32(old: Int32Array, need: number): Int32Array {
  let length = Math.max(8, old.length);
  while (length < need) length *= 2;
  const next = new Int32Array(length);
  next.set(old);
  return next;
}

/**
 * The state the fast paths touch, in a plain object of its own. Why not
 * fields of {@linkcode SlotCore}: measured on Node 24 and Deno, the same
 * fast functions cost 9.3 ns per cycle reading a class instance's fields and
 * 6.2 ns reading an object literal's (bare array: 2.9). Made by one literal,
 * so every pool's hot state has one hidden class.
 *
 * @typeParam T The pooled object type.
 */
export interface Hot<T> {
  /** Acquire takes the general path when this is above MODE_STATS. */
  amode: number;
  /** Release takes the general path when this is above MODE_STATS. */
  rmode: number;
  /** How many slots are idle. */
  top: number;
  /**
   * The idle store, two parallel arrays: the idle objects and their slot
   * numbers, a stack (`[top - 1]` next) or a ring from `head`. Keeping the
   * object itself (not only its slot) is what makes a release + acquire
   * cycle cheap: the next acquire reads back the very reference the release
   * stored, instead of a chain of loads through the slot number (measured:
   * 5.4 ns against 7.3 for a slot-number stack, bare array 2.9). The fast
   * acquire leaves its entry behind (a copy of an object the pool still
   * owns: one store less per cycle); whatever retires objects clears the
   * stack from `top` up afterwards (`clearStale`), so retired objects are
   * not kept. The ring's entries outside it are always `undefined`.
   * Both are at least as long as `slots` (stack) or the ring.
   */
  idleObj: (T | undefined)[];
  /**
   * Where the idle slot numbers start in `state`: entry `i` of the idle
   * store is `state[half + i]`. One typed array for both, because every
   * distinct typed array costs the fast path its own field, length, data
   * pointer and detach-check loads (measured, Node 24, one pool: 7.4 ns per
   * acquire + release with two arrays, 6.7 with one; bare array 2.6). Both
   * halves are `half` long (a power of two, for the ring).
   */
  half: number;
  /**
   * One word per slot: while lent, the borrow's key (>= 0); otherwise
   * `~next`, the complement of the key its next borrow will get (< 0). So a
   * key is live exactly when `state[key & slotMask] === key`: one load and
   * one comparison, no generation arithmetic. (A negative number never
   * matches: `~next & slotMask` is `slotMask - slot`, never `slot`, as
   * `slotMask` is odd.) Every entry below `half`, used or not, holds its
   * slot's state. The idle half never matches a key either: an entry at
   * index `j >= half` holds a slot number below `half`, so below `j` and
   * below any key whose slot bits are `j`.
   */
  state: Int32Array;
  /** The object in each slot (undefined while the slot is vacant or reserved). */
  objects: (T | undefined)[];
  /** `1 << slotBits`: adds one generation to a key. */
  step: number;
  /** `(1 << slotBits) - 1`: a key's slot bits. */
  slotMask: number;
  /** Mirrors inUse into a shared cell (ThreadLocalPool); null otherwise. */
  row: Float64Array | null;
  rowAt: number;
  stats: Recorder | undefined;
}

/**
 * All state of one synchronous pool but the hot part, and every path but the
 * plain one.
 *
 * @typeParam T The pooled object type.
 */
export class SlotCore<T extends object> {
  /** What the fast paths touch. */
  declare hot: Hot<T>;
  /** The ring's front (FIFO only). */
  declare head: number;
  /** Slots ever used (the next new slot number). */
  declare slots: number;
  /** Vacant slots (their object was retired), reused before new ones. */
  declare vacant: Int32Array;
  declare vacantTop: number;
  /** Objects alive (lent, idle, or being created): inUse = created - top. */
  declare created: number;
  declare capacity: number;
  declare maxCapacity: number;
  declare closed: boolean;
  /** The StatsCollector, when the pool uses one (for `stats()`). */
  declare collector: StatsCollector | undefined;
  declare create: () => T;
  declare type: PoolType<T> | undefined;
  declare reset: ((obj: T) => void) | undefined;
  declare resetMethod: string | undefined;
  declare destroy: ((obj: T) => void) | undefined;
  declare onLeak: ((info: LeakInfo<unknown>) => void) | undefined;
  declare growth: GrowthConfig | undefined;
  /** Slots of objects that cannot carry the slot property. */
  declare unstamped: Map<T, number> | undefined;
  declare kind: string;
  declare slotBits: number;
  declare slotMask: number;
  declare genMask: number;
  declare onDrained: (() => void) | undefined;
  declare name: string;
  declare lender: Lender<T>;
  /** Names this pool in RETIRED. */
  declare token: object;

  /**
   * Sets a core up from validated settings.
   *
   * @param settings Validated pool options.
   * @param extras Growth, recorder and hooks.
   */
  /**
   * Sets a core up from validated settings.
   *
   * @param settings Validated pool options.
   * @param extras Growth, recorder and hooks.
   */
  constructor(settings: PoolSettings<T>, extras: CoreExtras) {
    const bits = slotBitsFor(extras.maxCapacity ?? settings.capacity);
    const hot: Hot<T> = {
      amode: 0,
      rmode: 0,
      top: 0,
      // Both idle arrays start equally long (8: a power of two for the ring).
      idleObj: new Array(8).fill(undefined),
      half: 8,
      state: initialStates(new Int32Array(16), 0, 8),
      objects: [],
      step: 1 << bits, // a Smi (2 ** n would be a double)
      slotMask: (1 << bits) - 1,
      row: extras.row ?? null,
      rowAt: extras.rowAt ?? 0,
      stats: undefined,
    };
    this.hot = hot;
    this.head = 0;
    this.slots = 0;
    this.vacant = new Int32Array(8);
    this.vacantTop = 0;
    this.created = 0;
    this.closed = false;
    this.unstamped = undefined;
    this.token = {};
    this.capacity = settings.capacity;
    this.maxCapacity = extras.maxCapacity ?? settings.capacity;
    if (extras.recorder !== undefined) {
      this.collector = undefined;
      hot.stats = extras.recorder;
    } else if (settings.statistics.enabled) {
      this.collector = new StatsCollector({
        timing: settings.statistics.timing,
        sampleRate: settings.statistics.sampleRate,
        capacity: settings.capacity,
      });
      hot.stats = this.collector;
    } else {
      this.collector = undefined;
      hot.stats = undefined;
    }
    this.create = settings.create;
    this.type = settings.type;
    this.reset = settings.reset;
    this.resetMethod = settings.resetMethod;
    this.destroy = settings.destroy;
    this.onLeak = settings.onLeak;
    this.growth = extras.growth;
    this.kind = settings.allocator;
    const fifo = settings.allocator === "deque" ? MODE_FIFO : 0;
    hot.amode = (hot.stats !== undefined ? MODE_STATS : 0) |
      (settings.statistics.timing ? MODE_TIMING : 0) | fifo;
    hot.rmode = hot.amode | (this.reset !== undefined ? MODE_RESET : 0);
    this.slotBits = bits;
    this.slotMask = hot.slotMask;
    this.genMask = 2 ** (31 - this.slotBits) - 1;
    this.onDrained = extras.onDrained;
    this.name = extras.name;
    this.lender = lenderFor<T>({
      isLive: (obj: T, key: number): boolean =>
        this.isLive(key) && hot.objects[key & this.slotMask] === obj,
      end: (_obj: T, key: number): void =>
        this.releaseSlot(key & this.slotMask, "release", false),
      leaked: (obj: T, key: number): void => this.leaked(obj, key),
    });
  }

  /** Objects lent now. */
  get inUse(): number {
    return this.created - this.hot.top;
  }

  /** The stale-key bound: a slot's keys are told apart for this many borrows. */
  get generations(): number {
    return this.genMask + 1;
  }

  // ---- idle store --------------------------------------------------------

  /** Puts a slot in the idle store (back of the ring, or top of the stack). */
  pushIdle(slot: number): void {
    if (this.hot.top === this.hot.half) this.grow(this.hot.top + 1);
    const at = this.kind === "deque"
      ? (this.head + this.hot.top) & (this.hot.half - 1)
      : this.hot.top;
    this.hot.state[this.hot.half + at] = slot;
    this.hot.idleObj[at] = this.hot.objects[slot];
    this.hot.top++;
  }

  /** Takes the next idle slot, or -1. */
  popIdle(): number {
    if (this.hot.top === 0) return -1;
    this.hot.top--;
    if (this.kind !== "deque") {
      this.hot.idleObj[this.hot.top] = undefined;
      return this.hot.state[this.hot.half + this.hot.top]!;
    }
    const slot = this.hot.state[this.hot.half + this.head]!;
    this.hot.idleObj[this.head] = undefined;
    this.head = (this.head + 1) & (this.hot.half - 1);
    return slot;
  }

  /**
   * Makes both halves of `state` (and `idleObj`) at least `need` long,
   * doubling; the ring is unrolled so its front is at 0. (The fast release
   * stores into the stack without a check: it must have room for every
   * object.)
   */
  grow(need: number): void {
    const hot = this.hot;
    const old = hot.state;
    const half = hot.half;
    if (need <= half) return;
    let next = half * 2;
    while (next < need) next *= 2;
    const state = initialStates(new Int32Array(next * 2), half, next);
    state.set(old.subarray(0, half));
    const objs = hot.idleObj;
    if (this.kind === "deque") {
      const ring = objs.slice();
      for (let i = 0; i < half; i++) {
        const at = (this.head + i) & (half - 1);
        const inside = i < hot.top;
        state[next + i] = inside ? old[half + at]! : 0;
        objs[i] = inside ? ring[at] : undefined;
      }
      this.head = 0;
    } else {
      state.set(old.subarray(half, half * 2), next);
    }
    while (objs.length < next) objs.push(undefined);
    hot.half = next;
    hot.state = state;
  }

  /** A slot for a new object: a vacant one, else the next never used. */
  takeSlot(): number {
    if (this.vacantTop > 0) return this.vacant[--this.vacantTop]!;
    const slot = this.slots++;
    // Room for its state, and (stack) for every object in the idle store.
    if (slot >= this.hot.half) {
      this.grow(slot + 1);
    }
    return slot;
  }

  /** Gives a slot back as vacant (its object was retired or never made). */
  vacate(slot: number): void {
    this.hot.objects[slot] = undefined;
    if (this.vacantTop === this.vacant.length) {
      this.vacant = grownInt32(this.vacant, this.vacantTop + 1);
    }
    this.vacant[this.vacantTop++] = slot;
  }

  // ---- acquire -----------------------------------------------------------

  /** Creates every object up front (preInitialize); on failure retires them and rethrows. */
  fill(): void {
    try {
      while (this.created < this.capacity) {
        const slot = this.createInto();
        this.pushIdle(slot);
      }
    } catch (error) {
      try {
        this.destroyIdle();
      } catch (destroyError) {
        throw new AggregateError(
          [error, destroyError],
          "Cannot pre-initialize pool: the factory and then destroy threw",
        );
      }
      throw error;
    }
  }

  /**
   * Every acquire the fast path does not take (closed, timing, FIFO,
   * unstamped objects, nothing idle).
   *
   * @returns The lent slot, or -1 when empty and `throwWhenEmpty` is false.
   */
  acquireSlot(throwWhenEmpty: boolean): number {
    if (this.closed) {
      throw new PoolClosedError("Cannot acquire from pool: it is closed");
    }
    const stats = this.hot.stats;
    const started = stats !== undefined && stats.sampleAllocation()
      ? nowNs()
      : 0;
    let slot = this.popIdle();
    if (slot < 0) {
      const before = this.capacity;
      if (this.created >= before) {
        const grownTo = this.nextCapacity();
        if (grownTo === 0) {
          stats?.recordExhaustion();
          if (!throwWhenEmpty) return -1;
          throw new PoolEmptyError(
            `Cannot acquire from pool: all ${quote(before)} objects are in use`,
          );
        }
        // Committed before the factory runs (so a re-entrant acquire sees
        // the new capacity), given back if the factory throws.
        this.capacity = grownTo;
        try {
          slot = this.createInto();
        } catch (error) {
          this.capacity = before;
          throw error;
        }
        stats?.recordGrowth(grownTo);
      } else {
        slot = this.createInto();
      }
      if (this.closed) {
        // The factory closed the pool: this acquire fails, the object goes.
        this.retire(slot);
        throw new PoolClosedError("Cannot acquire from pool: it is closed");
      }
    }
    this.hot.state[slot] = ~this.hot.state[slot]!;
    if (this.hot.row !== null) {
      this.hot.row[this.hot.rowAt] = this.hot.row[this.hot.rowAt]! + 1;
    }
    if (stats !== undefined) {
      stats.recordAllocation();
      if (started !== 0) stats.recordAllocationTime(nowNs() - started);
    }
    return slot;
  }

  /**
   * Makes one object into a reserved slot; it is neither idle nor lent when
   * returned (the caller lends it or makes it idle). The place is reserved
   * (`created` counts it) before the factory runs, and given back if the
   * factory throws or returns something that cannot be pooled.
   */
  createInto(): number {
    this.created++;
    const slot = this.takeSlot();
    let obj: T;
    try {
      obj = this.create();
      this.adopt(obj, slot);
    } catch (error) {
      this.created--;
      this.vacate(slot);
      throw error;
    }
    this.hot.stats?.recordCreated();
    return slot;
  }

  /** Checks a new object and binds it to `slot`. */
  adopt(obj: T, slot: number): void {
    checkCreated(obj, this.type, this.resetMethod);
    if (OWNED.has(obj)) {
      throw new PoolConfigurationError(
        `Cannot create object: the factory returned ${
          quote(obj)
        }, which already belongs to a pool`,
      );
    }
    if (Object.hasOwn(obj, SLOT)) {
      // Retired by a pool earlier (its property is ours, writable): adopt it.
      (obj as unknown as { [SLOT]: number })[SLOT] = slot;
    } else if (Object.isExtensible(obj)) {
      Object.defineProperty(obj, SLOT, {
        value: slot,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    } else {
      (this.unstamped ??= new Map()).set(obj, slot);
      this.hot.amode |= MODE_UNSTAMPED;
      this.hot.rmode |= MODE_UNSTAMPED;
    }
    OWNED.add(obj);
    this.hot.objects[slot] = obj;
  }

  /**
   * The capacity the growth strategy allows next, or 0 when the pool cannot
   * grow. Changes nothing: the caller commits the growth.
   */
  nextCapacity(): number {
    const growth = this.growth;
    const current = this.capacity;
    if (
      growth === undefined || current >= this.maxCapacity ||
      !growth.canGrow(current)
    ) {
      return 0;
    }
    const proposed = growth.nextCapacity(current);
    if (!Number.isSafeInteger(proposed) || proposed <= current) {
      throw new PoolConfigurationError(
        `Cannot grow pool: growth.nextCapacity(${quote(current)}) returned ${
          quote(proposed)
        }, not an integer above ${quote(current)}`,
      );
    }
    return Math.min(proposed, this.maxCapacity);
  }

  // ---- lookups -------------------------------------------------------------

  /** The slot of `obj` if this pool holds exactly that object (lent or idle), else -1. */
  slotOf(obj: unknown): number {
    const unstamped = this.unstamped;
    if (unstamped !== undefined) {
      const slot = unstamped.get(obj as T);
      if (slot !== undefined) return slot;
    }
    const slot = readSlot(obj);
    return typeof slot === "number" && this.hot.objects[slot] === obj
      ? slot
      : -1;
  }

  /** The key of the current borrow of a lent slot. */
  keyAt(slot: number): number {
    if (slot > this.slotMask) {
      throw new PoolConfigurationError(
        `Cannot issue key: slot ${slot} is past the ${
          this.slotMask + 1
        } slots a key can name`,
      );
    }
    return this.hot.state[slot]!;
  }

  /** Whether `key` names a live borrow of this pool; never throws. */
  isLive(key: unknown): boolean {
    return typeof key === "number" &&
      this.hot.state[key & this.slotMask] === key;
  }

  /**
   * The slot of a live key; throws the right error otherwise (a failed call
   * changes nothing).
   */
  liveSlot(key: unknown, action: string): number {
    if (this.isLive(key)) return (key as number) & this.slotMask;
    let issued = false;
    if (typeof key === "number" && key === (key & 0x7fffffff)) {
      const k = key as number;
      const slot = k & this.slotMask;
      if (slot < this.slots) {
        // Issued: the generations below the next one (in this lap: older
        // laps are past the documented bound).
        const state = this.hot.state[slot]!;
        const next = state >= 0
          ? (state >>> this.slotBits) + 1
          : ~state >>> this.slotBits;
        issued = k >>> this.slotBits < next;
      }
    }
    throw keyMisuseError(key, action, issued);
  }

  /** The slot of a lent `obj`; throws the error explaining why it is not one. */
  lentSlot(obj: T, action: string): number {
    const slot = this.slotOf(obj);
    if (slot >= 0 && this.hot.state[slot]! >= 0) return slot;
    return this.reject(obj, slot, action);
  }

  /**
   * Throws the error that explains why `obj` is not a live borrow (`slot`:
   * its slot, or -1 when this pool holds no such object now).
   */
  reject(obj: unknown, slot: number, action: string): never {
    throw misuseError(
      obj,
      action,
      this.type,
      slot >= 0 || RETIRED.get(obj as object) === this.token,
    );
  }

  // ---- release -------------------------------------------------------------

  /** Release of anything the fast path did not take (checks failing, reset, closed…). */
  releaseGeneral(obj: T): void {
    const slot = this.slotOf(obj);
    if (slot < 0 || this.hot.state[slot]! < 0) {
      this.reject(obj, slot, "release");
    }
    this.releaseSlot(slot, "release", false);
  }

  /**
   * Ends the borrow of a lent slot: the borrow is over (generation even,
   * counted) before `reset` or `destroy` runs; then the object is reset and
   * made idle, or retired (`discard`, a closed pool, a failed reset).
   */
  releaseSlot(slot: number, _action: string, discard: boolean): void {
    const stats = this.hot.stats;
    const started = stats !== undefined && stats.sampleRelease() ? nowNs() : 0;
    const obj = this.hot.objects[slot]!;
    this.endBorrow(slot);
    if (this.hot.row !== null) {
      this.hot.row[this.hot.rowAt] = this.hot.row[this.hot.rowAt]! - 1;
    }
    stats?.recordRelease();
    if (discard || this.closed) {
      this.clearStale();
      this.retire(slot);
      this.drained();
      return;
    }
    const reset = this.reset;
    if (reset !== undefined) {
      try {
        reset(obj);
      } catch (error) {
        stats?.recordResetFailure();
        try {
          this.clearStale();
          this.retire(slot, error);
        } finally {
          this.drained();
        }
        throw error;
      }
      stats?.recordReset();
      if (this.closed) {
        // The reset closed the pool: the object goes instead of idling.
        this.clearStale();
        this.retire(slot);
        this.drained();
        return;
      }
    }
    this.pushIdle(slot);
    if (started !== 0) stats!.recordReleaseTime(nowNs() - started);
  }

  /**
   * Clears the stack entries at and above `top`: copies the fast acquire
   * left behind, of objects still lent or about to be retired (see Hot). Run
   * before an object is retired, so the pool keeps no reference to it;
   * costs one pass over the stack, so a bulk retirement runs it once.
   */
  clearStale(): void {
    if (this.kind !== "deque") this.hot.idleObj.fill(undefined, this.hot.top);
  }

  /** Marks a lent slot idle: its state becomes `~` its next key. */
  endBorrow(slot: number): void {
    this.hot.state[slot] =
      ~((this.hot.state[slot]! + this.hot.step) & 0x7fffffff);
  }

  /** Tells the owner a closed pool has nothing lent any more. */
  drained(): void {
    if (this.closed && this.created === this.hot.top) this.onDrained?.();
  }

  /**
   * Retires the object of a slot that is neither idle nor lent: its place is
   * freed and it is disowned first, then `destroy` runs. When `cause` is
   * given (a failed reset being rethrown), a destroy error is combined with
   * it instead of hiding it.
   */
  retire(slot: number, cause?: unknown): void {
    const obj = this.hot.objects[slot]!;
    this.vacate(slot);
    if (this.unstamped?.delete(obj) === true && this.unstamped.size === 0) {
      this.unstamped = undefined;
      this.hot.amode &= ~MODE_UNSTAMPED;
      this.hot.rmode &= ~MODE_UNSTAMPED;
    }
    OWNED.delete(obj);
    RETIRED.set(obj, this.token);
    this.created--;
    this.hot.stats?.recordDestroyed();
    const destroy = this.destroy;
    if (destroy === undefined) return;
    try {
      destroy(obj);
    } catch (error) {
      if (cause === undefined) throw error;
      throw new AggregateError(
        [cause, error],
        "Cannot release object: its reset and then its destroy threw",
      );
    }
  }

  /** Takes back a leaked borrow; never throws (it runs in a GC callback). */
  leaked(obj: T, key: number): void {
    if (!this.isLive(key) || this.hot.objects[key & this.slotMask] !== obj) {
      return;
    }
    this.hot.stats?.recordLeak();
    try {
      this.onLeak?.({ object: obj, generation: key, pool: this.name });
    } catch (error) {
      console.error("fastalloc: onLeak threw", error);
    }
    try {
      // onLeak may have ended the borrow itself.
      if (this.isLive(key)) {
        this.releaseSlot(key & this.slotMask, "release", false);
      }
    } catch (error) {
      console.error("fastalloc: releasing a leaked object failed", error);
    }
  }

  // ---- use -------------------------------------------------------------------

  /** Throws for a `use` argument that is not a function. */
  notAFunction(fn: unknown): never {
    throw useFnError(fn);
  }

  /**
   * Ends a `use` borrow on the fast functions' general path, unless `fn`
   * ended it (see `_lending.ts`); when `quiet` (`fn` threw), a failing
   * release is swallowed.
   */
  endUse(obj: T, key: number, quiet: boolean): void {
    if (quiet) endUseQuietly(this.lender, obj, key);
    else endUse(this.lender, obj, key);
  }

  /** Ends a `use` borrow when the promise `fn` returned settles. */
  settleUse(obj: T, key: number, pending: PromiseLike<unknown>): unknown {
    return endUseWhenSettled(this.lender, obj, key, pending);
  }

  // ---- close and trim --------------------------------------------------------

  /** Closes: later acquires fail, idle objects are destroyed now. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hot.amode |= MODE_CLOSED;
    this.hot.rmode |= MODE_CLOSED;
    try {
      this.destroyIdle();
    } finally {
      this.drained();
    }
  }

  /** Destroys every idle object; collects destroy errors and throws them together. */
  destroyIdle(): void {
    const errors: unknown[] = [];
    this.discardIdle(0, errors);
    if (errors.length > 0) {
      throw new AggregateError(
        errors,
        `Cannot destroy objects: destroy threw for ${
          quote(errors.length)
        } of them`,
      );
    }
  }

  /**
   * Destroys idle objects while more than `keep` exist (lent ones count),
   * collecting destroy errors so every object is still retired.
   *
   * @returns How many objects were destroyed.
   */
  discardIdle(keep: number, errors: unknown[]): number {
    let discarded = 0;
    while (this.created > keep) {
      // In lending order: the stack's top, the ring's front.
      const slot = this.popIdle();
      if (slot < 0) break;
      discarded++;
      try {
        this.retire(slot);
      } catch (error) {
        errors.push(error);
      }
    }
    // Once for all: a popped object may have an older copy higher up.
    this.clearStale();
    return discarded;
  }

  /** Destroys idle objects until at most `keep` exist and lowers the capacity. */
  trimTo(keep: number): number {
    const errors: unknown[] = [];
    const trimmed = this.discardIdle(keep, errors);
    if (this.capacity > keep) {
      this.capacity = Math.max(keep, this.created);
      this.hot.stats?.recordCapacity(this.capacity);
    }
    if (errors.length > 0) {
      throw new AggregateError(
        errors,
        `Cannot trim pool: destroy threw for ${quote(errors.length)} objects`,
      );
    }
    return trimmed;
  }
}
