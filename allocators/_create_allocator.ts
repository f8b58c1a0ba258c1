/**
 * {@linkcode createAllocator}: makes the allocator a pool's `allocator`
 * option names (private to the library: pools call it with their
 * `allocator` option).
 *
 * @module
 */

import type { Allocator } from "./allocator.ts";
import { DequeAllocator } from "./deque_allocator.ts";
import { FreelistAllocator } from "./freelist_allocator.ts";
import { StackAllocator } from "./stack_allocator.ts";
import type { AllocatorKind } from "../config/options.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";

/**
 * Makes an empty allocator of the given kind.
 *
 * @typeParam T The item type.
 * @param kind `"stack"` (LIFO), `"freelist"` (LIFO, linked through the items) or `"deque"` (FIFO).
 * @returns The allocator.
 * @throws {PoolConfigurationError} For an unknown kind.
 */
export function createAllocator<T extends object>(
  kind: AllocatorKind,
): Allocator<T> {
  switch (kind) {
    case "stack":
      return new StackAllocator<T>();
    case "freelist":
      return new FreelistAllocator<T>();
    case "deque":
      return new DequeAllocator<T>();
    default:
      throw new PoolConfigurationError(
        `Cannot create allocator: kind ${
          quote(kind)
        } is not one of "stack", "freelist", "deque"`,
      );
  }
}
