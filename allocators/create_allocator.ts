/**
 * {@linkcode createAllocator}: makes the allocator a pool's `allocator`
 * option names.
 *
 * @module
 */

import type { Allocator } from "./allocator.ts";
import { DequeAllocator } from "./deque_allocator.ts";
import { FreelistAllocator } from "./freelist_allocator.ts";
import { StackAllocator } from "./stack_allocator.ts";
import type { AllocatorKind } from "../config/options.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../_quote.ts";

/**
 * Makes an empty allocator of the given kind.
 *
 * @param kind `"stack"` (LIFO), `"freelist"` (LIFO, linked) or `"deque"` (FIFO).
 * @param capacity How many slot numbers it can hold.
 * @returns The allocator.
 * @throws {PoolConfigurationError} For an unknown kind.
 *
 * @example
 * ```ts
 * import { createAllocator } from "@fastalloc/fastalloc/allocators";
 *
 * const queue = createAllocator("deque", 8);
 * console.log(queue.kind); // deque
 * ```
 */
export function createAllocator(
  kind: AllocatorKind,
  capacity: number,
): Allocator {
  switch (kind) {
    case "stack":
      return new StackAllocator(capacity);
    case "freelist":
      return new FreelistAllocator(capacity);
    case "deque":
      return new DequeAllocator(capacity);
    default:
      throw new PoolConfigurationError(
        `Cannot create allocator: kind ${
          quote(kind)
        } is not one of "stack", "freelist", "deque"`,
      );
  }
}
