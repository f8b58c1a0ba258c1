/**
 * {@linkcode FreelistAllocator}: an intrusive singly linked free list of slot
 * numbers. Each slot's `next` link lives in one `Int32Array`, so `push` and
 * `pop` touch a single link, and membership is known per slot: pushing a slot
 * that is already free is refused instead of corrupting the list.
 *
 * @module
 */

import type { Allocator } from "./allocator.ts";
import { checkAllocatorCapacity, checkGrowth } from "./_check.ts";
import { AlreadyReleasedError, InvalidCapacityError } from "../errors.ts";
import { quote } from "../_quote.ts";

const END = -1;
/** Marks a slot that is not in the list. */
const ABSENT = -2;

/**
 * A LIFO free list threaded through a `next` array, one link per slot.
 *
 * @example
 * ```ts
 * import { FreelistAllocator } from "@fastalloc/fastalloc/allocators";
 *
 * const free = new FreelistAllocator(4);
 * free.push(3);
 * free.push(1);
 * console.log(free.has(3), free.pop(), free.pop(), free.pop()); // true 1 3 undefined
 * ```
 */
export class FreelistAllocator implements Allocator {
  #next: Int32Array;
  #head = END;
  #size = 0;

  /**
   * Makes an empty free list.
   *
   * @param capacity The number of slots (slot numbers run from 0 to capacity - 1).
   */
  constructor(capacity: number) {
    this.#next = new Int32Array(
      checkAllocatorCapacity(capacity, "FreelistAllocator"),
    ).fill(ABSENT);
  }

  /** Always `"freelist"`. */
  get kind(): string {
    return "freelist";
  }

  /** How many slot numbers it holds. */
  get size(): number {
    return this.#size;
  }

  /** Whether it holds none. */
  get isEmpty(): boolean {
    return this.#size === 0;
  }

  /** The number of slots. */
  get capacity(): number {
    return this.#next.length;
  }

  /**
   * Whether `slot` is in the list.
   *
   * @param slot A slot number.
   * @returns `true` when it is free.
   */
  has(slot: number): boolean {
    return this.#next[slot] !== undefined && this.#next[slot] !== ABSENT;
  }

  /**
   * Adds a slot at the head.
   *
   * @param slot A slot number below `capacity`.
   * @throws {InvalidCapacityError} If `slot` is out of range.
   * @throws {AlreadyReleasedError} If `slot` is already in the list.
   */
  push(slot: number): void {
    const link = this.#next[slot];
    if (link !== ABSENT) {
      if (link === undefined || !Number.isInteger(slot)) {
        throw new InvalidCapacityError(
          `Cannot push slot ${quote(slot)}: it is outside 0..${
            this.#next.length - 1
          }`,
          slot,
        );
      }
      throw new AlreadyReleasedError(
        `Cannot push slot ${quote(slot)}: it is already free`,
      );
    }
    this.#next[slot] = this.#head;
    this.#head = slot;
    this.#size++;
  }

  /**
   * Removes the slot at the head.
   *
   * @returns The slot number, or `undefined` when empty.
   */
  pop(): number | undefined {
    const slot = this.#head;
    if (slot === END) return undefined;
    this.#head = this.#next[slot]!;
    this.#next[slot] = ABSENT;
    this.#size--;
    return slot;
  }

  /** Removes every slot number. */
  clear(): void {
    this.#next.fill(ABSENT);
    this.#head = END;
    this.#size = 0;
  }

  /**
   * Raises the number of slots, keeping the list.
   *
   * @param capacity The new number of slots, at least the current one.
   */
  grow(capacity: number): void {
    checkGrowth(capacity, this.#next.length, "FreelistAllocator");
    const next = new Int32Array(capacity).fill(ABSENT);
    next.set(this.#next);
    this.#next = next;
  }
}
