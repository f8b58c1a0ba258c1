/**
 * The slot type of the thread-safe benchmarks: six float64s of shared state.
 *
 * @module
 */

/** One particle's position and velocity, in shared memory. */
export class Particle {
  /** Bytes of shared state per slot. */
  static readonly byteLength = 48;
  /** x, y, z, vx, vy, vz. */
  readonly f: Float64Array;

  /**
   * Views the slot at `byteOffset` of `buffer`.
   *
   * @param buffer The pool's memory.
   * @param byteOffset Where this slot starts.
   */
  constructor(buffer: SharedArrayBuffer, byteOffset: number) {
    this.f = new Float64Array(buffer, byteOffset, 6);
  }
}

/**
 * The naive baseline: a stack of slot numbers behind a spin lock, all in one
 * `SharedArrayBuffer` (word 0: the lock, word 1: the stack height, then the
 * stack).
 */
export class SpinLockPool {
  readonly #words: Int32Array;

  /**
   * Views (or, with `fill`, sets up) the pool in `buffer`.
   *
   * @param buffer `(capacity + 2) * 4` bytes.
   * @param fill Put every slot in the stack.
   */
  constructor(buffer: SharedArrayBuffer, fill = false) {
    this.#words = new Int32Array(buffer);
    if (fill) {
      const capacity = this.#words.length - 2;
      for (let i = 0; i < capacity; i++) this.#words[2 + i] = i;
      this.#words[1] = capacity;
    }
  }

  /** Takes a slot number, or -1. */
  acquire(): number {
    const w = this.#words;
    while (Atomics.compareExchange(w, 0, 0, 1) !== 0) { /* spin */ }
    const top = w[1]!;
    const slot = top > 0 ? w[1 + top]! : -1;
    if (top > 0) w[1] = top - 1;
    Atomics.store(w, 0, 0);
    return slot;
  }

  /** Gives a slot number back. */
  release(slot: number): void {
    const w = this.#words;
    while (Atomics.compareExchange(w, 0, 0, 1) !== 0) { /* spin */ }
    const top = w[1]! + 1;
    w[1 + top] = slot;
    w[1] = top;
    Atomics.store(w, 0, 0);
  }
}
