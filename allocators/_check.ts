/**
 * Argument checks shared by the allocators. They run on construction and
 * growth, never on `push`/`pop`, whose callers (the pools) pass valid slots.
 *
 * @module
 */

import { InvalidCapacityError } from "../errors.ts";
import { quote } from "../_quote.ts";

/** Throws unless `capacity` is a non-negative safe integer. */
export function checkAllocatorCapacity(
  capacity: number,
  where: string,
): number {
  if (!Number.isSafeInteger(capacity) || capacity < 0) {
    throw new InvalidCapacityError(
      `Cannot size ${where}: capacity ${
        quote(capacity)
      } is not a non-negative safe integer`,
      capacity,
    );
  }
  return capacity;
}

/** Throws unless `capacity` is at least `current`. */
export function checkGrowth(
  capacity: number,
  current: number,
  where: string,
): number {
  checkAllocatorCapacity(capacity, where);
  if (capacity < current) {
    throw new InvalidCapacityError(
      `Cannot grow ${where}: capacity ${quote(capacity)} is less than ${
        quote(current)
      }`,
      capacity,
    );
  }
  return capacity;
}

/** The error for a push onto a full allocator. */
export function full(where: string, slot: number): InvalidCapacityError {
  return new InvalidCapacityError(
    `Cannot push slot ${quote(slot)}: the ${where} is full`,
    slot,
  );
}
