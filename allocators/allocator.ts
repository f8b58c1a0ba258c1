/**
 * The interface every allocator implements. An allocator keeps a pool's idle
 * objects and decides which one is lent next. None allocates on `push` or
 * `pop` once warm: the stack and the deque reuse their arrays, and the free
 * list threads its links through the objects themselves.
 *
 * @module
 */

/**
 * A container of idle objects.
 *
 * @typeParam T The item type.
 *
 * @example
 * ```ts
 * import { type Allocator, StackAllocator } from "@fastalloc/fastalloc/allocators";
 *
 * const idle: Allocator<{ id: number }> = new StackAllocator();
 * idle.push({ id: 2 });
 * console.log(idle.pop()?.id, idle.pop()); // 2 undefined
 * ```
 */
export interface Allocator<T> {
  /** `"stack"`, `"freelist"` or `"deque"`. */
  readonly kind: string;
  /** How many items it holds now. */
  readonly size: number;
  /** Whether it holds none. */
  readonly isEmpty: boolean;
  /** Adds an item. */
  push(item: T): void;
  /** Removes and returns the next item, or `undefined` when empty. */
  pop(): T | undefined;
  /** Removes every item. */
  clear(): void;
}
