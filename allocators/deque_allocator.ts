/**
 * {@linkcode DequeAllocator}: a FIFO ring buffer of slot numbers. The object
 * idle the longest is lent next, which spreads wear evenly over every object
 * (useful with `maxUses`-style policies or when objects warm caches).
 *
 * @module
 */

import type { Allocator } from "./allocator.ts";
import { checkAllocatorCapacity, checkGrowth, full } from "./_check.ts";

/**
 * A FIFO ring buffer of slot numbers; `push` appends at the back, `pop` takes
 * from the front, `pushFront`/`popBack` work the other ends.
 *
 * @example
 * ```ts
 * import { DequeAllocator } from "@fastalloc/fastalloc/allocators";
 *
 * const queue = new DequeAllocator(4);
 * queue.push(1);
 * queue.push(2);
 * console.log(queue.pop(), queue.pop()); // 1 2
 * ```
 */
export class DequeAllocator implements Allocator {
  #slots: Int32Array;
  #head = 0;
  #size = 0;

  /**
   * Makes an empty deque.
   *
   * @param capacity How many slot numbers it can hold (it can {@linkcode DequeAllocator.grow}).
   */
  constructor(capacity: number) {
    this.#slots = new Int32Array(
      checkAllocatorCapacity(capacity, "DequeAllocator"),
    );
  }

  /** Always `"deque"`. */
  get kind(): string {
    return "deque";
  }

  /** How many slot numbers it holds. */
  get size(): number {
    return this.#size;
  }

  /** Whether it holds none. */
  get isEmpty(): boolean {
    return this.#size === 0;
  }

  /** How many slot numbers it can hold. */
  get capacity(): number {
    return this.#slots.length;
  }

  /**
   * Appends a slot number at the back.
   *
   * @param slot The slot number.
   * @throws {InvalidCapacityError} If the deque is full.
   */
  push(slot: number): void {
    const length = this.#slots.length;
    if (this.#size === length) throw full("DequeAllocator", slot);
    let tail = this.#head + this.#size;
    if (tail >= length) tail -= length;
    this.#slots[tail] = slot;
    this.#size++;
  }

  /**
   * Prepends a slot number at the front.
   *
   * @param slot The slot number.
   * @throws {InvalidCapacityError} If the deque is full.
   */
  pushFront(slot: number): void {
    if (this.#size === this.#slots.length) {
      throw full("DequeAllocator", slot);
    }
    const head = this.#head === 0 ? this.#slots.length - 1 : this.#head - 1;
    this.#slots[head] = slot;
    this.#head = head;
    this.#size++;
  }

  /**
   * Takes the slot number at the front (the oldest).
   *
   * @returns The slot number, or `undefined` when empty.
   */
  pop(): number | undefined {
    if (this.#size === 0) return undefined;
    const slot = this.#slots[this.#head];
    this.#head = this.#head + 1 === this.#slots.length ? 0 : this.#head + 1;
    this.#size--;
    return slot;
  }

  /**
   * Takes the slot number at the back (the newest).
   *
   * @returns The slot number, or `undefined` when empty.
   */
  popBack(): number | undefined {
    if (this.#size === 0) return undefined;
    this.#size--;
    let index = this.#head + this.#size;
    if (index >= this.#slots.length) index -= this.#slots.length;
    return this.#slots[index];
  }

  /** Removes every slot number. */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
  }

  /**
   * Raises the capacity, keeping the order.
   *
   * @param capacity The new capacity, at least the current one.
   */
  grow(capacity: number): void {
    checkGrowth(capacity, this.#slots.length, "DequeAllocator");
    const slots = new Int32Array(capacity);
    for (let i = 0; i < this.#size; i++) {
      slots[i] = this.#slots[(this.#head + i) % this.#slots.length]!;
    }
    this.#slots = slots;
    this.#head = 0;
  }
}
