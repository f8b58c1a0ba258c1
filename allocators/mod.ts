/**
 * Allocators: the structures that keep a pool's idle objects and decide which
 * one is lent next — {@linkcode StackAllocator} (LIFO, default),
 * {@linkcode FreelistAllocator} (LIFO linked through the objects, with
 * membership checks) and {@linkcode DequeAllocator} (FIFO).
 *
 * ```ts
 * import { DequeAllocator, StackAllocator } from "@fastalloc/fastalloc/allocators";
 *
 * const lifo = new StackAllocator<number>();
 * const fifo = new DequeAllocator<number>();
 * for (const a of [lifo, fifo]) { a.push(0); a.push(1); }
 * console.log(lifo.pop(), fifo.pop()); // 1 0
 * ```
 *
 * @module
 */

export type { Allocator } from "./allocator.ts";
export { StackAllocator } from "./stack_allocator.ts";
export { FreelistAllocator } from "./freelist_allocator.ts";
export { DequeAllocator } from "./deque_allocator.ts";
export {
  SharedFreeList,
  type SharedFreeListOptions,
  type SharedFreeListWaitOptions,
} from "./shared_freelist.ts";
