/**
 * {@linkcode DequeAllocator}: a FIFO ring buffer. The object idle the longest
 * is lent next, which spreads use evenly over every object (useful when
 * objects age, warm caches, or hold connections that time out when unused).
 *
 * @module
 */

import type { Allocator } from "./allocator.ts";

/**
 * A ring buffer: `push` appends at the back and `pop` takes from the front
 * (FIFO); `pushFront` and `popBack` work the other ends. It doubles its
 * storage when full and never shrinks it, so a warm deque never allocates.
 *
 * @typeParam T The item type.
 *
 * @example
 * ```ts
 * import { DequeAllocator } from "@fastalloc/fastalloc/allocators";
 *
 * const queue = new DequeAllocator<number>();
 * queue.push(1);
 * queue.push(2);
 * console.log(queue.pop(), queue.pop()); // 1 2
 * ```
 */
export class DequeAllocator<T> implements Allocator<T> {
  #items: (T | undefined)[] = [undefined, undefined, undefined, undefined];
  #head = 0;
  #size = 0;

  /** Always `"deque"`. */
  get kind(): string {
    return "deque";
  }

  /** How many items it holds. */
  get size(): number {
    return this.#size;
  }

  /** Whether it holds none. */
  get isEmpty(): boolean {
    return this.#size === 0;
  }

  /**
   * Appends an item at the back.
   *
   * @param item The item.
   */
  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = item;
    this.#size++;
  }

  /**
   * Prepends an item at the front.
   *
   * @param item The item.
   */
  pushFront(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#items.length - 1);
    this.#items[this.#head] = item;
    this.#size++;
  }

  /**
   * Takes the item at the front (the oldest).
   *
   * @returns The item, or `undefined` when empty.
   */
  pop(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#size--;
    return item;
  }

  /**
   * Takes the item at the back (the newest).
   *
   * @returns The item, or `undefined` when empty.
   */
  popBack(): T | undefined {
    if (this.#size === 0) return undefined;
    this.#size--;
    const index = (this.#head + this.#size) & (this.#items.length - 1);
    const item = this.#items[index];
    this.#items[index] = undefined;
    return item;
  }

  /** Removes every item. */
  clear(): void {
    this.#items.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }

  /** Doubles the storage, unrolling the ring so the front is at 0. */
  #grow(): void {
    const old = this.#items;
    const items = new Array<T | undefined>(old.length * 2).fill(undefined);
    for (let i = 0; i < this.#size; i++) {
      items[i] = old[(this.#head + i) & (old.length - 1)];
    }
    this.#items = items;
    this.#head = 0;
  }
}
