/**
 * The life of a synchronous single-thread pool's objects
 * ({@linkcode SlotObjects}): creating one into a reserved slot (the factory's
 * result checked and stamped), the capacity it may grow to, retiring one
 * (`destroy`, and remembering it so a late release is a double release),
 * and retiring many (trim, close). Private to `pools/`.
 *
 * Re-entrancy ("state first, then the callback"): the bookkeeping is
 * committed before `factory` or `destroy` runs, so a callback may call any
 * method of its own pool and gets what it would get from outside.
 *
 * @module
 */

import type { PoolType } from "../config/options.ts";
import type { PoolSettings } from "../config/_options.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import { checkCreated } from "./_check_created.ts";
import { MODE_CLOSED } from "./_modes.ts";
import { destroyAfter, throwDestroyErrors } from "./_slot_destroy.ts";
import type { CoreExtras } from "./_slot_settings.ts";
import { slotBitsFor, SlotTable } from "./_slot_table.ts";

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

/**
 * A pool's slots and the objects in them: how they are made, counted,
 * grown into and retired. The borrow paths are `SlotCore`'s.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { SlotObjects } from "./_slot_objects.ts";
 * import { validatePoolOptions } from "../config/_options.ts";
 *
 * const settings = validatePoolOptions(undefined, {
 *   capacity: 2,
 *   factory: () => ({}),
 *   destroy: () => console.log("destroyed"),
 * }, "FixedPool");
 * const objects = new SlotObjects(settings, { name: "FixedPool" });
 * objects.fill();
 * console.log(objects.created, objects.hot.$top); // 2 2
 * objects.close(); // destroyed (twice)
 * ```
 */
export class SlotObjects<T extends object> extends SlotTable<T> {
  /** Objects alive (lent, idle, or being created): inUse = created - top. */
  declare created: number;
  /** How many objects may be lent at once now. */
  declare capacity: number;
  /** The most the capacity may grow to. */
  declare maxCapacity: number;
  /** Whether the pool is closed. */
  declare closed: boolean;
  /** Makes one object. */
  declare create: () => T;
  /** The type objects must be instances of, if any. */
  declare type: PoolType<T> | undefined;
  /** The reset method's name, which a new object must have. */
  declare resetMethod: string | undefined;
  /** Called for every retired object. */
  declare destroy: ((obj: T) => void) | undefined;
  /**
   * From the capacity now, the capacity to grow to, or 0 (growing pools;
   * absent for fixed ones, which never grow).
   */
  declare nextCapacity: ((current: number) => number) | undefined;
  /** Called once a closed pool has nothing lent any more. */
  declare onDrained: (() => void) | undefined;
  /** Names this pool in RETIRED. */
  declare token: object;

  /**
   * Sets the objects' part of a core up from validated settings.
   *
   * @param settings Validated pool options.
   * @param extras Growth, the maximum capacity and hooks.
   */
  constructor(settings: PoolSettings<T>, extras: CoreExtras) {
    super(settings.allocator, {
      slotBits: slotBitsFor(extras.maxCapacity ?? settings.capacity),
      row: extras.row,
      rowAt: extras.rowAt,
      hot: extras.hot,
    });
    this.created = 0;
    this.capacity = settings.capacity;
    this.maxCapacity = extras.maxCapacity ?? settings.capacity;
    this.closed = false;
    this.create = settings.create;
    this.type = settings.type;
    this.resetMethod = settings.resetMethod;
    this.destroy = settings.destroy;
    this.nextCapacity = extras.nextCapacity;
    this.onDrained = extras.onDrained;
    this.token = {};
  }

  /** Objects lent now. */
  get inUse(): number {
    return this.created - this.hot.$top;
  }

  // ---- creating ------------------------------------------------------------

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
    this.hot.$stats?.recordCreated();
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
    this.stamp(obj, slot);
    OWNED.add(obj);
  }

  // ---- retiring ------------------------------------------------------------

  /** Whether this pool retired `obj` (so releasing it is a double release). */
  retired(obj: unknown): boolean {
    return RETIRED.get(obj as object) === this.token;
  }

  /**
   * Retires the object of a slot that is neither idle nor lent: its place is
   * freed and it is disowned first, then `destroy` runs. When `cause` is
   * given (a failed reset being rethrown), a destroy error is combined with
   * it instead of hiding it.
   */
  retire(slot: number, cause?: unknown): void {
    const obj = this.hot.$objects[slot]!;
    this.unstamp(obj, slot);
    OWNED.delete(obj);
    RETIRED.set(obj, this.token);
    this.created--;
    this.hot.$stats?.recordDestroyed();
    destroyAfter(this.destroy, obj, cause);
  }

  /** Tells the owner a closed pool has nothing lent any more. */
  drained(): void {
    if (this.closed && this.created === this.hot.$top) this.onDrained?.();
  }

  /** Closes: later acquires fail, idle objects are destroyed now. */
  close(): void {
    if (this.closed) return;
    this.hot.$amode |= MODE_CLOSED; // first: a frozen pool throws here
    this.hot.$rmode |= MODE_CLOSED;
    this.closed = true;
    this.refresh();
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
    throwDestroyErrors(errors, "destroy objects");
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
      this.hot.$stats?.recordCapacity(this.capacity);
    }
    throwDestroyErrors(errors, "trim pool", "objects");
    return trimmed;
  }
}
