/**
 * {@linkcode StackAllocator}: a LIFO stack, the default allocator. The most
 * recently released object is lent next, so it is likely still in the CPU
 * cache.
 *
 * @module
 */

import type { Allocator } from "./allocator.ts";

/**
 * A LIFO stack over a plain array (which keeps its storage as it shrinks, so
 * a warm stack never allocates).
 *
 * @typeParam T The item type.
 *
 * @example
 * ```ts
 * import { StackAllocator } from "@fastalloc/fastalloc/allocators";
 *
 * const stack = new StackAllocator<string>();
 * stack.push("a");
 * stack.push("b");
 * console.log(stack.pop(), stack.size); // b 1
 * ```
 */
export class StackAllocator<T> implements Allocator<T> {
  #items: T[] = [];

  /** Always `"stack"`. */
  get kind(): string {
    return "stack";
  }

  /** How many items it holds. */
  get size(): number {
    return this.#items.length;
  }

  /** Whether it holds none. */
  get isEmpty(): boolean {
    return this.#items.length === 0;
  }

  /**
   * Pushes an item on top.
   *
   * @param item The item.
   */
  push(item: T): void {
    this.#items.push(item);
  }

  /**
   * Pops the item on top.
   *
   * @returns The item, or `undefined` when empty.
   */
  pop(): T | undefined {
    return this.#items.pop();
  }

  /** Removes every item. */
  clear(): void {
    this.#items.length = 0;
  }
}
