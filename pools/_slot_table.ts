/**
 * The slot table of a synchronous single-thread pool ({@linkcode SlotTable}):
 * the objects in their slots, one state word per slot, the idle store, the
 * vacant slots, and the stamp that finds an object's slot. The state the
 * fast paths touch is its {@linkcode Hot} part. Private to `pools/`.
 *
 * Layout. The pool owns its objects in `objects[slot]`; an `Int32Array` holds
 * one state word per slot (the borrow's key while lent, the complement of
 * the next key while not: see `Hot.state`), and the idle store is a stack
 * of the idle objects themselves and their slots (for `"deque"`, a ring of
 * slots alone), with an explicit top. Every array grows with
 * use, so a huge capacity costs nothing up front. Each object carries ONE hidden own property, its slot number
 * ({@linkcode SLOT}, the stamp), written once when it is created; nothing
 * else is ever read from or written to user objects. A release reads the
 * slot number and then checks `objects[slot] === obj`: only the very object
 * the pool lent passes (an object inheriting the property, or a Proxy
 * forwarding it, is not in the table). An object that cannot carry the
 * stamp (frozen, sealed) is found through a Map instead, on the general
 * path (`MODE_UNSTAMPED`).
 *
 * Why this layout: V8 keeps one set of inline caches per function for all its
 * callers, so code that reads and writes properties of user objects goes
 * megamorphic once a program pools more than four classes. Here the shared
 * code touches only the pool's own arrays (the key path is monomorphic
 * everywhere), and the one read of a user object (the slot number, in
 * `release`) is specialised per pool where code generation is allowed.
 *
 * @module
 */

import { MODE_UNSTAMPED } from "./_modes.ts";
import type { Recorder } from "./_slot_settings.ts";

/**
 * The hidden own property holding an object's slot number in its pool.
 *
 * @example
 * ```ts
 * import { SLOT } from "./_slot_table.ts";
 * import { FixedPool } from "./fixed_pool.ts";
 *
 * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
 * console.log(Object.hasOwn(pool.acquire(), SLOT)); // true
 * ```
 */
export const SLOT: unique symbol = Symbol("fastalloc.slot");

/** The most slot bits a key uses: leaves at least 2^10 generations. */
const MAX_SLOT_BITS = 21;

/**
 * Bits needed for slot numbers below `n` (at least 1), capped at 21 (so a
 * key keeps at least 10 generation bits).
 *
 * @param n The most slots the pool may use (its maximum capacity).
 * @returns How many low bits of a key name the slot.
 *
 * @example
 * ```ts
 * import { slotBitsFor } from "./_slot_table.ts";
 *
 * console.log(slotBitsFor(1), slotBitsFor(1024), slotBitsFor(2 ** 30)); // 1 10 21
 * ```
 */
export function slotBitsFor(n: number): number {
  if (n > 2 ** MAX_SLOT_BITS) return MAX_SLOT_BITS;
  return Math.max(1, 32 - Math.clz32(n - 1));
}

/** Reads the slot property without letting a Proxy's trap or a revoked Proxy escape (null and undefined throw too: none). */
function readSlot(obj: unknown): unknown {
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

/**
 * A property of the pool's own state: writable, not enumerable (what
 * `Object.keys`, spreading and JSON leave out), not configurable.
 */
function hidden(value: unknown): PropertyDescriptor {
  return { value, writable: true };
}

/** A copy of `old` at least `need` long (doubling, at least 8). */
function grownInt32(old: Int32Array, need: number): Int32Array {
  let length = Math.max(8, old.length);
  while (length < need) length *= 2;
  const next = new Int32Array(length).fill(-1);
  next.set(old);
  return next;
}

/**
 * The state the fast paths touch, as own properties of the pool object
 * itself (or of a plain object, for a table without a pool), named with a
 * leading `$` (rarer in a subclass's own fields than `_`) and not
 * enumerable. Why on the pool: the key methods are prototype methods, one
 * function for every pool, so a call site that drives many pools calls one
 * function, which the engine inlines; and each level between `this` and the
 * state is a load on every call. Measured in
 * one process (Node 24 and Deno, separate call sites): 2.4–3.2× a bare array
 * with the state behind a private field of the pool, 2.3–2.5× on the pool
 * itself. Why not symbol keys: an imported symbol is a module binding, which
 * V8 loads and checks on every access (measured 3.5–3.9×). Defined in one
 * order (in the {@linkcode SlotTable} constructor), so every pool's state
 * has one layout.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { SlotTable } from "./_slot_table.ts";
 *
 * const { hot } = new SlotTable<object>("stack", { slotBits: 4 });
 * console.log(hot.$top, hot.$step, hot.$slotMask); // 0 16 15
 * ```
 */
export interface Hot<T> {
  /** Acquire takes the general path when this is above MODE_STATS. */
  $amode: number;
  /** Release takes the general path when this is above MODE_STATS. */
  $rmode: number;
  /**
   * The key methods take the general path unless this is 0: `$rmode` (which
   * holds every bit of `$amode`, plus `MODE_RESET`), and 1 with a shared row
   * (kept by {@linkcode SlotTable.refresh}); `acquireKey` ignores its
   * `MODE_RESET` bit. One field, so the shared key methods test one thing.
   */
  $kmode: number;
  /** How many slots are idle. */
  $top: number;
  /**
   * The idle objects of a stack (`[top - 1]` next), with their slots beside
   * them in `idleSlots`. Storing the object itself lets the next acquire
   * read back the very reference the release stored (measured in one
   * process against objects looked up by slot: 15–25% faster on Bun; on
   * Deno and Node 24 within a few percent either way).
   * The fast acquire leaves its entry behind (a copy of an object the pool
   * still owns: one store less per cycle), so a loop's next release finds
   * its own slot's pair already there and stores nothing (measured in one
   * process: 7–15% off acquire + release and keys on Deno and Node 24, 20%
   * off keys on Bun). What makes that safe: above `top`, an entry whose
   * slot is `s` holds `objects[s]`; whatever retires objects clears the
   * stack from `top` up (`clearStale`, objects and slots), before a freed
   * slot is used again, so retired objects are neither kept nor lent. A
   * ring (the deque) leaves it empty: its acquires take the general path,
   * which reads `objects`. `size` long.
   */
  $idleObj: (T | undefined)[];
  /** The length of `state`, `idleSlots` and the ring: a power of two. */
  $size: number;
  /**
   * The idle objects' slots, beside `idleObj` (entry `i` is the slot of
   * `idleObj[i]`; in a stack, -1 where that is empty): every push writes
   * one, and the fast acquire reads it instead of the object's stamp. A
   * load of its own, where the stamp is a load through the object just
   * loaded: measured in one process, reading the stamp instead cost the key
   * path 2.4–3.4× a bare array against 1.9–2.3×. The general paths read it
   * too (`popIdle`), so no path reads the stamp of an idle object. (Reading
   * the stamp in the compiled acquire measured 2–4% faster, but a pooled
   * Proxy's trap would then run, and could throw, in the middle of a lend.)
   */
  $idleSlots: Int32Array;
  /**
   * One word per slot: while lent, the borrow's key (>= 0); otherwise
   * `~next`, the complement of the key its next borrow will get (< 0). So a
   * key is live exactly when `state[key & slotMask] === key`: one load and
   * one comparison, no generation arithmetic. (A negative number never
   * matches: `~next & slotMask` is `slotMask - slot`, never `slot`, as
   * `slotMask` is odd.) Every entry, used or not, holds its slot's state.
   */
  $state: Int32Array;
  /** The object in each slot (undefined while the slot is vacant or reserved). */
  $objects: (T | undefined)[];
  /** `1 << slotBits`: adds one generation to a key. */
  $step: number;
  /** `(1 << slotBits) - 1`: a key's slot bits. */
  $slotMask: number;
  /** Mirrors inUse into a shared cell (ThreadLocalPool); null otherwise. */
  $row: Float64Array | null;
  /** The index of the in-use cell in `row`. */
  $rowAt: number;
  /** Where acquires and releases are counted; undefined with statistics off. */
  $stats: Recorder | undefined;
}

/**
 * What a pool's `acquire`, `release` and `use` read besides the idle count:
 * the pool itself, or (where they are compiled per pool) a copy of
 * {@linkcode Hot}'s fields in an object of the pool's own (see
 * `_fast_ops.ts`), kept in step by {@linkcode SlotTable.refresh}. Its
 * `$top` is never read: the idle count is always the pool's.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { SlotTable } from "./_slot_table.ts";
 *
 * const { fixed } = new SlotTable<object>("stack", { slotBits: 4 });
 * console.log(fixed.$step, fixed.$amode); // 16 0
 * ```
 */
export type Fixed<T> = Hot<T>;

/**
 * How a {@linkcode SlotTable} is laid out.
 *
 * @example
 * ```ts
 * import { slotBitsFor, type TableOptions } from "./_slot_table.ts";
 *
 * const options: TableOptions = { slotBits: slotBitsFor(64) };
 * console.log(options.slotBits); // 6
 * ```
 */
export interface TableOptions {
  /** How many low bits of a key name the slot (see {@linkcode slotBitsFor}). */
  readonly slotBits: number;
  /** A shared cell array that mirrors `inUse` (ThreadLocalPool). */
  readonly row?: Float64Array | undefined;
  /** The index of the in-use cell in `row`. */
  readonly rowAt?: number | undefined;
  /**
   * The object to keep the {@linkcode Hot} state on: the pool itself;
   * a new plain object if absent.
   */
  readonly hot?: object | undefined;
}

/**
 * The slots of one pool, their state words, the idle store and the stamps:
 * where every object is and whether it is lent. Knows nothing of factories,
 * resets or errors (see `_slot_objects.ts` and `_slot_core.ts`).
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { SlotTable } from "./_slot_table.ts";
 *
 * const table = new SlotTable<{ n: number }>("stack", { slotBits: 3 });
 * const slot = table.takeSlot();
 * const obj = { n: 1 };
 * table.stamp(obj, slot);
 * table.pushIdle(slot);
 * console.log(table.slotOf(obj), table.hot.$top); // 0 1
 * ```
 */
export class SlotTable<T extends object> {
  /** What the fast paths touch. */
  declare hot: Hot<T>;
  /** What a pool's compiled fast paths read besides the idle count. */
  declare fixed: Fixed<T>;
  /** The ring's front (FIFO only). */
  declare head: number;
  /** Slots ever used (the next new slot number). */
  declare slots: number;
  /** Vacant slots (their object was retired), reused before new ones. */
  declare vacant: Int32Array;
  /** How many entries of `vacant` are in use. */
  declare vacantTop: number;
  /** Whether copies of a retired object may remain above the count (undefined: none retired yet). */
  declare stale: boolean | undefined;
  /** Slots of objects that cannot carry the slot property. */
  declare unstamped: Map<T, number> | undefined;
  /** The allocator kind: `"deque"` keeps a ring, the others a stack. */
  declare kind: string;
  /** How many low bits of a key name the slot. */
  declare slotBits: number;
  /** `(1 << slotBits) - 1`. */
  declare slotMask: number;
  /** The largest generation a key holds (the generations wrap past it). */
  declare genMask: number;

  /**
   * Makes an empty table.
   *
   * @param kind The allocator kind (`"deque"`: a FIFO ring).
   * @param options The key layout and the shared in-use cell.
   */
  constructor(kind: string, options: TableOptions) {
    const bits = options.slotBits;
    // Not enumerable: on a pool they are its hidden state, which JSON,
    // spreading and Object.keys do not see. Always defined in this order,
    // so every pool's state has one layout.
    const fields: Hot<T> = {
      $amode: 0,
      $rmode: 0,
      $kmode: 0, // set by refresh()
      $top: 0,
      // Both start 8 long (a power of two, for the ring).
      $idleObj: new Array(8).fill(undefined),
      $size: 8,
      $idleSlots: new Int32Array(8).fill(-1),
      $state: initialStates(new Int32Array(8), 0, 8),
      $objects: [],
      $step: 1 << bits, // a Smi (2 ** n would be a double)
      $slotMask: (1 << bits) - 1,
      $row: options.row ?? null,
      $rowAt: options.rowAt ?? 0,
      $stats: undefined,
    };
    const hot = (options.hot ?? {}) as Hot<T>;
    for (const name in fields) {
      Object.defineProperty(hot, name, hidden(fields[name as keyof Hot<T>]));
    }
    this.hot = hot;
    this.fixed = hot;
    this.head = 0;
    this.slots = 0;
    this.vacant = new Int32Array(8);
    this.vacantTop = 0;
    this.unstamped = undefined;
    this.kind = kind;
    this.slotBits = bits;
    this.slotMask = this.hot.$slotMask;
    this.genMask = 2 ** (31 - bits) - 1;
  }

  /**
   * Throws the engine's `TypeError` if the pool object was frozen (its state
   * is then read-only), before anything changes: the general paths call it
   * first, and the plain ones write `$top` before anything else.
   */
  writable(): void {
    const hot = this.hot;
    const top = hot.$top;
    hot.$top = top;
  }

  // ---- idle store --------------------------------------------------------

  /** Puts a slot's object in the idle store (back of the ring, or top of the stack). */
  pushIdle(slot: number): void {
    const hot = this.hot;
    if (hot.$top === hot.$size) this.grow(hot.$top + 1);
    let at = hot.$top;
    if (this.kind === "deque") at = (this.head + at) & (hot.$size - 1);
    // Only a stack's objects are read from here (a ring lends on the general path).
    else hot.$idleObj[at] = hot.$objects[slot];
    hot.$idleSlots[at] = slot;
    hot.$top++;
  }

  /** Takes the next idle object out of the store; returns its slot, or -1. */
  popIdle(): number {
    const hot = this.hot;
    if (hot.$top === 0) return -1;
    let at = --hot.$top;
    if (this.kind === "deque") {
      at = this.head;
      this.head = (at + 1) & (hot.$size - 1);
    }
    // A stack's entry stays, as the fast acquire leaves it (see Hot).
    return hot.$idleSlots[at]!;
  }

  /**
   * Clears the stack entries at and above `top`: copies the fast acquire
   * left behind, of objects still lent or just retired (see Hot). Run after
   * objects are retired, so the pool keeps no reference to them (and
   * before a freed slot is reused, if that comes first); costs one pass
   * over the stack, so a bulk retirement runs it once.
   */
  clearStale(): void {
    const hot = this.hot;
    if (this.kind !== "deque") {
      hot.$idleObj.fill(undefined, hot.$top);
      hot.$idleSlots.fill(-1, hot.$top);
    }
    this.stale = false;
  }

  /**
   * Makes `state` and `idleObj` at least `need` long, doubling; the ring is
   * unrolled so its front is at 0. (The fast release stores into the stack
   * without a check: it must have room for every object.)
   */
  grow(need: number): void {
    const hot = this.hot;
    const size = hot.$size;
    if (need <= size) return;
    let next = size * 2;
    while (next < need) next *= 2;
    const state = initialStates(new Int32Array(next), size, next);
    state.set(hot.$state);
    const objs = hot.$idleObj;
    const slots = grownInt32(hot.$idleSlots, next);
    if (this.kind === "deque") {
      // Unrolled, so the ring's front is at 0.
      for (let i = 0; i < size; i++) {
        slots[i] = hot.$idleSlots[(this.head + i) & (size - 1)]!;
      }
      this.head = 0;
    }
    while (objs.length < next) objs.push(undefined);
    hot.$size = next;
    hot.$idleSlots = slots;
    hot.$state = state;
    this.refresh();
  }

  /**
   * Brings what follows from `hot`'s arrays and modes in step after they
   * changed (growth, close, an object that cannot be stamped): `$kmode` and
   * the compiled fast paths' copy ({@linkcode SlotTable.fixed}). Writes only
   * what differs: any write, even of the same value, makes the field
   * variable in the pool's compiled code. (The copy's own first key is not
   * one of `hot`'s fields, hence the test of the first character.)
   */
  refresh(): void {
    const hot = this.hot;
    const fixed = this.fixed;
    const kmode = hot.$rmode | (hot.$row === null ? 0 : 1);
    if (hot.$kmode !== kmode) hot.$kmode = kmode;
    if (fixed === hot) return;
    for (const name in fixed) {
      const field = name as keyof Hot<T>;
      if (name[0] === "$" && fixed[field] !== hot[field]) {
        (fixed as unknown as Record<string, unknown>)[name] = hot[field];
      }
    }
  }

  // ---- slots -------------------------------------------------------------

  /** A slot for a new object: a vacant one, else the next never used. */
  takeSlot(): number {
    if (this.vacantTop > 0) {
      // No copy of a retired object may sit above the count under the slot
      // its successor takes (see Hot); the retiring paths cleared them
      // already, unless a destroy callback made objects in between.
      if (this.stale) this.clearStale();
      return this.vacant[--this.vacantTop]!;
    }
    const slot = this.slots++;
    // Room for its state, and (stack) for every object in the idle store.
    if (slot >= this.hot.$size) {
      this.grow(slot + 1);
    }
    return slot;
  }

  /** Gives a slot back as vacant (its object was retired or never made). */
  vacate(slot: number): void {
    this.hot.$objects[slot] = undefined;
    this.stale = true;
    if (this.vacantTop === this.vacant.length) {
      this.vacant = grownInt32(this.vacant, this.vacantTop + 1);
    }
    this.vacant[this.vacantTop++] = slot;
  }

  /** Marks a lent slot idle: its state becomes `~` its next key. */
  endBorrow(slot: number): void {
    this.hot.$state[slot] =
      ~((this.hot.$state[slot]! + this.hot.$step) & 0x7fffffff);
  }

  // ---- stamps --------------------------------------------------------------

  /**
   * Puts `obj` in `slot` and stamps it with its slot number (or, if it
   * cannot carry the stamp, records it in `unstamped`).
   */
  stamp(obj: T, slot: number): void {
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
      this.hot.$amode |= MODE_UNSTAMPED;
      this.hot.$rmode |= MODE_UNSTAMPED;
      this.refresh();
    }
    this.hot.$objects[slot] = obj;
  }

  /** Takes `obj` (leaving `slot`) out of the table; its stamp stays, harmless. */
  unstamp(obj: T, slot: number): void {
    this.vacate(slot);
    if (this.unstamped?.delete(obj) === true && this.unstamped.size === 0) {
      this.unstamped = undefined;
      this.hot.$amode &= ~MODE_UNSTAMPED;
      this.hot.$rmode &= ~MODE_UNSTAMPED;
      this.refresh();
    }
  }

  /** The slot of `obj` if this pool holds exactly that object (lent or idle), else -1. */
  slotOf(obj: unknown): number {
    const unstamped = this.unstamped;
    if (unstamped !== undefined) {
      const slot = unstamped.get(obj as T);
      if (slot !== undefined) return slot;
    }
    const slot = readSlot(obj);
    return typeof slot === "number" && this.hot.$objects[slot] === obj
      ? slot
      : -1;
  }
}
