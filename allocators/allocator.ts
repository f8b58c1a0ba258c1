/**
 * The interface every allocator implements. An allocator keeps the slot
 * numbers of a pool's idle objects and decides which one is lent next; the
 * pool maps a slot number to its object. Slot numbers are small non-negative
 * integers, so allocators store them in typed arrays and never allocate on
 * `push` or `pop` (they grow only when asked to).
 *
 * @module
 */

/**
 * A container of slot numbers (non-negative integers below its capacity).
 *
 * @example
 * ```ts
 * import { type Allocator, StackAllocator } from "@fastalloc/fastalloc/allocators";
 *
 * const free: Allocator = new StackAllocator(4);
 * free.push(2);
 * console.log(free.pop(), free.pop()); // 2 undefined
 * ```
 */
export interface Allocator {
  /** `"stack"`, `"freelist"` or `"deque"`. */
  readonly kind: string;
  /** How many slot numbers it holds now. */
  readonly size: number;
  /** Whether it holds none. */
  readonly isEmpty: boolean;
  /** The largest slot number it can hold, plus one. */
  readonly capacity: number;
  /** Adds a slot number. */
  push(slot: number): void;
  /** Removes and returns the next slot number, or `undefined` when empty. */
  pop(): number | undefined;
  /** Removes every slot number. */
  clear(): void;
  /** Raises the capacity, keeping every slot number held. */
  grow(capacity: number): void;
}
