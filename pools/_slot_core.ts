/**
 * The slot core of the synchronous single-thread pools
 * ({@linkcode SlotCore}): the general acquire and release paths, everything
 * the plain ones in `_fast_ops.ts` hand over (timing, reset, FIFO order,
 * unstamped objects, a closed pool, nothing idle, a bad release), and the
 * borrow ledger behind the pool's handles. It stands on the slot table
 * (`_slot_table.ts`: where every object is, whether it is lent) and the
 * objects' life (`_slot_objects.ts`: creating, growing, retiring). Private
 * to `pools/`.
 *
 * Re-entrancy ("state first, then the callback"): the core commits its
 * bookkeeping before it calls `factory`, `reset`, `destroy` or `onLeak`, so a
 * callback may call any method of its own pool and gets what it would get
 * from outside.
 *
 * @module
 */

import type { LeakInfo } from "../config/options.ts";
import type { PoolSettings } from "../config/_options.ts";
import { PoolClosedError, PoolEmptyError } from "../errors.ts";
import { nowNs } from "../_clock.ts";
import type { Lender } from "../handles/lender.ts";
import { StatsCollector } from "../stats/stats_collector.ts";
import { quote } from "../quote.ts";
import {
  endUse,
  endUseQuietly,
  endUseWhenSettled,
  lenderFor,
  useFnError,
} from "./_lending.ts";
import { misuseError } from "./_misuse.ts";
import { isThenable } from "./_thenable.ts";
import { MODE_FIFO, MODE_RESET, MODE_STATS, MODE_TIMING } from "./_modes.ts";
import { isLiveKey, keyAt } from "./_slot_keys.ts";
import { SlotObjects } from "./_slot_objects.ts";
import type { CoreExtras } from "./_slot_settings.ts";

// ThreadLocalPool imports its recorder's type from here.
export type { Recorder } from "./_slot_settings.ts";

/**
 * All state of one synchronous pool, and every path but the plain one.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { SlotCore } from "./_slot_core.ts";
 * import { validatePoolOptions } from "../config/_options.ts";
 *
 * const settings = validatePoolOptions(undefined, {
 *   capacity: 1,
 *   factory: () => ({ n: 0 }),
 * }, "FixedPool");
 * const core = new SlotCore(settings, { name: "FixedPool" });
 * const slot = core.acquireSlot(true);
 * console.log(core.acquireSlot(false), core.inUse); // -1 1
 * core.releaseSlot(slot, false);
 * console.log(core.inUse); // 0
 * ```
 */
export class SlotCore<T extends object> extends SlotObjects<T> {
  /** The StatsCollector, when the pool uses one (for `stats()`). */
  declare collector: StatsCollector | undefined;
  /** Runs on every release, if the pool has a reset. */
  declare reset: ((obj: T) => void) | undefined;
  /** Called for a leaked borrow. */
  declare onLeak: ((info: LeakInfo<unknown>) => void) | undefined;
  /** The pool's class name, for `onLeak`. */
  declare name: string;
  /** The borrow ledger the pool's handles call. */
  declare lender: Lender<T>;

  /**
   * Sets a core up from validated settings.
   *
   * @param settings Validated pool options.
   * @param extras Growth, recorder and hooks.
   */
  constructor(settings: PoolSettings<T>, extras: CoreExtras) {
    super(settings, extras);
    const hot = this.hot;
    if (extras.recorder !== undefined) {
      this.collector = undefined;
      hot.$stats = extras.recorder;
    } else if (settings.statistics.enabled) {
      this.collector = new StatsCollector({
        timing: settings.statistics.timing,
        sampleRate: settings.statistics.sampleRate,
        capacity: settings.capacity,
      });
      hot.$stats = this.collector;
    } else {
      this.collector = undefined;
      hot.$stats = undefined;
    }
    this.reset = settings.reset;
    this.onLeak = settings.onLeak;
    this.name = extras.name;
    const fifo = settings.allocator === "deque" ? MODE_FIFO : 0;
    hot.$amode = (hot.$stats !== undefined ? MODE_STATS : 0) |
      (settings.statistics.timing ? MODE_TIMING : 0) | fifo;
    hot.$rmode = hot.$amode | (this.reset !== undefined ? MODE_RESET : 0);
    this.refresh();
    this.lender = lenderFor<T>({
      isLive: (obj: T, key: number): boolean =>
        isLiveKey(this, key) && hot.$objects[key & this.slotMask] === obj,
      end: (_obj: T, key: number): void =>
        this.releaseSlot(key & this.slotMask, false),
      leaked: (obj: T, key: number): void => this.leaked(obj, key),
    });
  }

  /** The stale-key bound: a slot's keys are told apart for this many borrows. */
  get generations(): number {
    return this.genMask + 1;
  }

  // ---- acquire -----------------------------------------------------------

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
    this.writable();
    const stats = this.hot.$stats;
    const started = stats?.sampleAllocation() ? nowNs() : 0;
    let slot = this.popIdle();
    if (slot < 0) {
      const before = this.capacity;
      if (this.created >= before) {
        const grownTo = this.nextCapacity === undefined
          ? 0
          : this.nextCapacity(before);
        if (this.capacity !== before) {
          // The growth strategy acquired from its own pool, which grew it:
          // decide again on the pool as it is now, never past maxCapacity.
          return this.acquireSlot(throwWhenEmpty);
        }
        if (grownTo === 0) {
          stats?.recordExhaustion();
          if (!throwWhenEmpty) return -1;
          throw new PoolEmptyError(
            `Cannot acquire from pool: all ${quote(before)} objects are in use`,
          );
        }
        // Committed before the factory runs (so a re-entrant acquire sees
        // the new capacity), given back if the factory throws: down to what
        // exists then (a re-entrant acquire may have made more meanwhile).
        this.capacity = grownTo;
        try {
          slot = this.createInto();
        } catch (error) {
          this.capacity = Math.max(before, this.created);
          throw error;
        }
        stats?.recordGrowth(grownTo);
      } else {
        slot = this.createInto();
      }
      if (this.closed) {
        // The factory closed the pool: this acquire fails, the object goes
        // (and the pool may now have nothing lent).
        this.drop(slot);
        throw new PoolClosedError("Cannot acquire from pool: it is closed");
      }
    }
    this.hot.$state[slot] = ~this.hot.$state[slot]!;
    if (this.hot.$row !== null) {
      this.hot.$row[this.hot.$rowAt]!++;
    }
    if (stats !== undefined) {
      stats.recordAllocation();
      if (started !== 0) stats.recordAllocationTime(nowNs() - started);
    }
    return slot;
  }

  // ---- keys ----------------------------------------------------------------

  /** The key of a just-lent slot; a slot past what keys can name is given back and refused. */
  keyOrRefuse(slot: number): number {
    if (slot > this.slotMask) this.releaseSlot(slot, false);
    return keyAt(this, slot);
  }

  // ---- misuse --------------------------------------------------------------

  /** The slot of a lent `obj`; throws the error explaining why it is not one. */
  lentSlot(obj: T, action: string): number {
    const slot = this.slotOf(obj);
    if (slot >= 0 && this.hot.$state[slot]! >= 0) return slot;
    return this.reject(obj, slot, action);
  }

  /**
   * Throws the error that explains why `obj` is not a live borrow (`slot`:
   * its slot, or -1 when this pool holds no such object now).
   */
  reject(obj: unknown, slot: number, action: string): never {
    throw misuseError(obj, action, this.type, slot >= 0 || this.retired(obj));
  }

  // ---- release -------------------------------------------------------------

  /** Release of anything the fast path did not take (checks failing, reset, closed…). */
  releaseGeneral(obj: T): void {
    const slot = this.slotOf(obj);
    if (slot < 0 || this.hot.$state[slot]! < 0) {
      this.reject(obj, slot, "release");
    }
    this.releaseSlot(slot, false);
  }

  /**
   * Ends the borrow of a lent slot: the borrow is over (its state the next
   * key's complement, counted) before `reset` or `destroy` runs; then the
   * object is reset and made idle, or retired (`discard`, a closed pool, a
   * failed reset).
   */
  releaseSlot(slot: number, discard: boolean): void {
    this.writable();
    const stats = this.hot.$stats;
    const started = stats?.sampleRelease() ? nowNs() : 0;
    const obj = this.hot.$objects[slot]!;
    this.endBorrow(slot);
    if (this.hot.$row !== null) {
      this.hot.$row[this.hot.$rowAt]!--;
    }
    stats?.recordRelease();
    const reset = this.reset;
    if (!discard && !this.closed && reset !== undefined) {
      try {
        reset(obj);
      } catch (error) {
        stats?.recordResetFailure();
        this.drop(slot, error);
        throw error;
      }
      stats?.recordReset();
    }
    // Discarded, or the pool is closed (perhaps by the reset): the object
    // goes instead of idling.
    if (discard || this.closed) return this.drop(slot);
    this.pushIdle(slot);
    if (started !== 0) stats!.recordReleaseTime(nowNs() - started);
  }

  /**
   * Retires the object of a slot whose borrow ended; a closed pool then
   * hears that nothing is lent any more, even when destroy throws (a
   * ThreadLocalPool gives its row back then).
   */
  drop(slot: number, cause?: unknown): void {
    try {
      this.retire(slot, cause);
    } finally {
      // After the retirement (which marks copies stale), so one pass clears
      // them and the next reuse of a slot needs none.
      this.clearStale();
      this.drained();
    }
  }

  /** Takes back a leaked borrow; never throws (it runs in a GC callback). */
  leaked(obj: T, key: number): void {
    if (!this.lender.isLive(obj, key)) return;
    this.hot.$stats?.recordLeak();
    try {
      this.onLeak?.({ object: obj, generation: key, pool: this.name });
    } catch (error) {
      console.error("fastalloc: onLeak threw", error);
    }
    try {
      // onLeak may have ended the borrow itself.
      if (isLiveKey(this, key)) this.releaseSlot(key & this.slotMask, false);
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

  /**
   * Ends a `use` borrow whose `fn` returned an object: when the promise it
   * is settles, or now if it is none.
   */
  settleUse(obj: T, key: number, result: unknown): unknown {
    if (isThenable(result)) {
      return endUseWhenSettled(this.lender, obj, key, result);
    }
    this.endUse(obj, key, false);
    return result;
  }
}
