/**
 * The slot table of {@linkcode AsyncPool}, private to `pools/`: which object
 * lives in which slot, each slot's borrow generation (odd while lent), its
 * use count and birth time, and the promise already resolved with its object.
 *
 * Identity is exact: an object's slot number is kept in a private field
 * (`#slot in obj` never runs a proxy trap or a getter and is not inherited),
 * and a lookup also checks `objects[slot] === obj` against this table. So an
 * object that inherits from a lent one (`Object.create(lent)`) or forwards to
 * it (`new Proxy(lent, {})`), or a revoked proxy, is simply not found.
 *
 * Bookkeeping grows with use (doubling), never with `capacity`: a pool of
 * capacity `Number.MAX_SAFE_INTEGER` costs what its live objects cost.
 *
 * @module
 */

/** Lets a subclass's private fields be installed on any object. */
class Carrier {
  constructor(obj: object) {
    return obj as Carrier;
  }
}

/**
 * The private mark every async pool puts on its objects: the slot number
 * in the pool that owns it, `-1` once no pool does.
 */
class Stamp extends Carrier {
  #slot = -1;

  /** The slot stamped on `obj`, or -1 (also for primitives, never throws). */
  static of(obj: unknown): number {
    return (typeof obj === "object" || typeof obj === "function") &&
        obj !== null && #slot in obj
      ? obj.#slot
      : -1;
  }

  /** Whether `obj` carries a stamp (a slot or -1). */
  static marked(obj: object): boolean {
    return #slot in obj;
  }

  /** Stamps `obj` with `slot`; `false` when it cannot carry a private field. */
  static put(obj: object, slot: number): boolean {
    if (!(#slot in obj)) {
      try {
        new Stamp(obj);
      } catch {
        return false;
      }
    }
    (obj as Stamp).#slot = slot;
    return true;
  }
}

function grown<A extends Uint32Array | Float64Array>(
  array: A,
  size: number,
): A {
  const bigger = new (array.constructor as new (n: number) => A)(size);
  bigger.set(array);
  return bigger;
}

/**
 * Objects by slot. Slots are reused (vacant ones first), so the table is as
 * large as the most objects the pool ever held at once.
 *
 * @typeParam T The pooled object type.
 */
export class SlotTable<T extends object> {
  objects: (T | undefined)[] = [];
  /** A promise already resolved with each slot's object (the fast acquire). */
  ready: (Promise<T> | undefined)[] = [];
  /** Borrow generation per slot: odd while lent. */
  generations: Uint32Array;
  /** Borrows per slot since its object was made (0: fresh). */
  uses: Uint32Array;
  /** When each slot's object was made, in ms (with `maxLifetime`). */
  bornAt: Float64Array | undefined;
  /** Objects alive in the table (lent, idle or busy). */
  live = 0;
  #vacant: number[] = [];
  #next = 0;
  /** Objects that cannot carry a private field (none on today's engines). */
  #byObject: Map<T, number> | undefined;
  /** Objects this table held and retired, to tell a late release from a foreign one. */
  #retired: WeakSet<T> = new WeakSet();

  constructor(capacity: number, lifetimes: boolean) {
    const size = Math.min(capacity, 8);
    this.generations = new Uint32Array(size);
    this.uses = new Uint32Array(size);
    if (lifetimes) this.bornAt = new Float64Array(size);
  }

  /** Whether `obj` belongs to a pool now (this one or another). */
  owned(obj: T): boolean {
    return Stamp.of(obj) >= 0 || this.#byObject?.has(obj) === true;
  }

  /** Gives `obj` a slot, idle (even generation). */
  add(obj: T): number {
    const slot = this.#vacant.pop() ?? this.#grow();
    if (!Stamp.put(obj, slot)) (this.#byObject ??= new Map()).set(obj, slot);
    this.#retired.delete(obj);
    this.objects[slot] = obj;
    this.ready[slot] = Promise.resolve(obj);
    this.uses[slot] = 0;
    if (this.bornAt !== undefined) this.bornAt[slot] = performance.now();
    this.live++;
    return slot;
  }

  #grow(): number {
    const slot = this.#next++;
    if (slot >= this.generations.length) {
      const size = this.generations.length * 2 || 1;
      this.generations = grown(this.generations, size);
      this.uses = grown(this.uses, size);
      if (this.bornAt !== undefined) this.bornAt = grown(this.bornAt, size);
    }
    return slot;
  }

  /** Empties `slot`; gives back the object it held. */
  remove(slot: number): T {
    const obj = this.objects[slot]!;
    this.objects[slot] = undefined;
    this.ready[slot] = undefined;
    if (this.#byObject?.delete(obj) !== true) Stamp.put(obj, -1);
    this.#retired.add(obj);
    this.#vacant.push(slot);
    this.live--;
    return obj;
  }

  /** The slot of `obj` if it is a live borrow of this table, else -1. */
  borrowedSlot(obj: T): number {
    const slot = this.slotOf(obj);
    return slot >= 0 && (this.generations[slot]! & 1) === 1 ? slot : -1;
  }

  /** The slot of `obj` if this table holds it (lent, idle or busy), else -1. */
  slotOf(obj: T): number {
    const slot = Stamp.of(obj);
    if (slot >= 0 && this.objects[slot] === obj) return slot;
    return this.#byObject?.get(obj) ?? -1;
  }

  /** Whether `(obj, generation)` is a live borrow of this table. */
  isLive(obj: T, generation: number): boolean {
    const slot = this.slotOf(obj);
    return slot >= 0 && this.generations[slot] === generation;
  }

  /** The borrow generation of an object this table holds. */
  generationOf(obj: T): number {
    return this.generations[this.slotOf(obj)]!;
  }

  /**
   * Whether this table lent `obj` before: it holds it now (idle or busy, so a
   * release of it is a second one) or retired it (a late release).
   */
  lentBefore(obj: unknown): boolean {
    return this.slotOf(obj as T) >= 0 ||
      ((typeof obj === "object" || typeof obj === "function") &&
        obj !== null && this.#retired.has(obj as T));
  }
}
