/**
 * {@linkcode StackAllocator}: a LIFO stack of slot numbers, the default
 * allocator. The most recently released object is lent next, so it is still
 * in the CPU cache.
 *
 * @module
 */

import type { Allocator } from "./allocator.ts";
import { checkAllocatorCapacity, checkGrowth, full } from "./_check.ts";

/**
 * A LIFO stack of slot numbers in an `Int32Array`.
 *
 * @example
 * ```ts
 * import { StackAllocator } from "@fastalloc/fastalloc/allocators";
 *
 * const stack = new StackAllocator(3);
 * stack.push(0);
 * stack.push(1);
 * console.log(stack.pop(), stack.size); // 1 1
 * ```
 */
export class StackAllocator implements Allocator {
  #slots: Int32Array;
  #top = 0;

  /**
   * Makes an empty stack.
   *
   * @param capacity How many slot numbers it can hold (it can {@linkcode StackAllocator.grow}).
   */
  constructor(capacity: number) {
    this.#slots = new Int32Array(
      checkAllocatorCapacity(capacity, "StackAllocator"),
    );
  }

  /** Always `"stack"`. */
  get kind(): string {
    return "stack";
  }

  /** How many slot numbers it holds. */
  get size(): number {
    return this.#top;
  }

  /** Whether it holds none. */
  get isEmpty(): boolean {
    return this.#top === 0;
  }

  /** How many slot numbers it can hold. */
  get capacity(): number {
    return this.#slots.length;
  }

  /**
   * Pushes a slot number on top.
   *
   * @param slot The slot number.
   * @throws {InvalidCapacityError} If the stack is full.
   */
  push(slot: number): void {
    if (this.#top === this.#slots.length) throw full("StackAllocator", slot);
    this.#slots[this.#top++] = slot;
  }

  /**
   * Pops the slot number on top.
   *
   * @returns The slot number, or `undefined` when empty.
   */
  pop(): number | undefined {
    if (this.#top === 0) return undefined;
    return this.#slots[--this.#top];
  }

  /** Removes every slot number. */
  clear(): void {
    this.#top = 0;
  }

  /**
   * Raises the capacity, keeping the contents.
   *
   * @param capacity The new capacity, at least the current one.
   */
  grow(capacity: number): void {
    checkGrowth(capacity, this.#slots.length, "StackAllocator");
    const slots = new Int32Array(capacity);
    slots.set(this.#slots.subarray(0, this.#top));
    this.#slots = slots;
  }
}
