/**
 * The slot type the thread-safe pool tests share between threads: two int32s
 * of shared state per slot.
 *
 * @module
 */

/** One slot: `value` is shared memory, the same in every thread. */
export class Cell {
  /** Bytes of shared state per slot. */
  static readonly byteLength = 8;
  /** The slot's two int32s. */
  readonly value: Int32Array;

  /**
   * Views the slot at `byteOffset` of `buffer`.
   *
   * @param buffer The pool's memory.
   * @param byteOffset Where this slot starts.
   */
  constructor(buffer: SharedArrayBuffer, byteOffset: number) {
    this.value = new Int32Array(buffer, byteOffset, 2);
  }
}
