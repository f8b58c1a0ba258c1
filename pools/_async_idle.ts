/**
 * The idle store of {@linkcode AsyncPool}, private to `pools/`: the slots
 * whose objects are ready to lend, oldest at the bottom, and since when each
 * has been idle (kept only when idle eviction or health checks need it).
 * LIFO reuse (the default) keeps hot objects hot; FIFO (`allocator:
 * "deque"`) lends the object idle longest. Both keep the bottom the oldest,
 * which is what eviction and health checks take from.
 *
 * @module
 */

/** Idle slots, oldest at the bottom. Grows with use. */
export class IdleStore {
  /** The idle slots; only `[0, count)` is meaningful. */
  slots: Int32Array = new Int32Array(8);
  count = 0;
  /** When each slot became idle, in ms (by slot number), if timed. */
  #since: Float64Array | undefined;
  readonly #fifo: boolean;

  constructor(fifo: boolean, timed: boolean) {
    this.#fifo = fifo;
    if (timed) this.#since = new Float64Array(8);
  }

  /** Takes the next slot to lend (LIFO top, or FIFO bottom). Not empty. */
  take(): number {
    if (!this.#fifo) return this.slots[--this.count]!;
    const slots = this.slots;
    const slot = slots[0]!;
    slots.copyWithin(0, 1, this.count--);
    return slot;
  }

  /** Puts `slot` on top, stamping when it became idle. */
  put(slot: number): void {
    if (this.count === this.slots.length) {
      const bigger = new Int32Array(this.count * 2);
      bigger.set(this.slots);
      this.slots = bigger;
    }
    this.slots[this.count++] = slot;
    let since = this.#since;
    if (since !== undefined) {
      if (slot >= since.length) {
        const bigger = new Float64Array(Math.max(slot + 1, since.length * 2));
        bigger.set(since);
        this.#since = since = bigger;
      }
      since[slot] = performance.now();
    }
  }

  /** When the oldest idle object became idle, in ms (`Infinity` when none). */
  oldestSince(): number {
    return this.count === 0 ? Infinity : this.#since![this.slots[0]!]!;
  }

  /**
   * Takes out, oldest first, up to `limit` slots idle since `before` (ms) or
   * earlier; the rest keep their order.
   */
  takeIdleSince(before: number, limit: number): number[] {
    const since = this.#since!;
    const slots = this.slots;
    let count = 0;
    while (
      count < this.count && count < limit && since[slots[count]!]! <= before
    ) {
      count++;
    }
    const taken = Array.from(slots.subarray(0, count));
    slots.copyWithin(0, count, this.count);
    this.count -= count;
    return taken;
  }

  /** Takes out every slot (close). */
  takeAll(): number[] {
    const taken = Array.from(this.slots.subarray(0, this.count));
    this.count = 0;
    return taken;
  }
}
