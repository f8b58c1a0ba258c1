/**
 * {@linkcode FreelistAllocator}: an intrusive singly linked free list. The
 * link to the next idle object is stored on each object itself (under a
 * private symbol), so the list needs no array at all, `push` and `pop` write
 * one link each, and membership is known per object: pushing an object that
 * is already in the list is refused instead of corrupting it. The link is a
 * non-enumerable property, so it never shows in `Object.keys`, spreads,
 * `JSON.stringify` or `console.log`; items must therefore be extensible the
 * first time they are pushed.
 *
 * @module
 */

import type { Allocator } from "./allocator.ts";
import { AlreadyReleasedError } from "../errors.ts";
import { quote } from "../quote.ts";

/**
 * The link to the next item: an object or `null` (the end) while in a list,
 * `undefined` once popped, absent before the first push.
 */
const NEXT: unique symbol = Symbol("fastalloc.next");

type Linked = { [NEXT]?: object | null | undefined };

/**
 * A LIFO free list threaded through the items.
 *
 * @typeParam T The item type (objects: the link is stored on them).
 *
 * @example
 * ```ts
 * import { FreelistAllocator } from "@fastalloc/fastalloc/allocators";
 *
 * const free = new FreelistAllocator<{ id: number }>();
 * const a = { id: 1 }, b = { id: 2 };
 * free.push(a);
 * free.push(b);
 * console.log(free.has(a), free.pop()?.id, free.pop()?.id, free.pop()); // true 2 1 undefined
 * ```
 */
export class FreelistAllocator<T extends object> implements Allocator<T> {
  #head: T | null = null;
  #size = 0;

  /** Always `"freelist"`. */
  get kind(): string {
    return "freelist";
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
   * Whether `item` is in this list (or another free list).
   *
   * @param item An item.
   * @returns `true` when it is linked in.
   */
  has(item: T): boolean {
    return (item as Linked)[NEXT] !== undefined;
  }

  /**
   * Adds an item at the head.
   *
   * @param item The item (extensible, the first time it is pushed).
   * @throws {AlreadyReleasedError} If `item` is already in a free list.
   * @throws {TypeError} If `item` is not an object, or was never pushed and
   * is not extensible.
   */
  push(item: T): void {
    const linked = item as Linked;
    if (item !== null && typeof item === "object" && NEXT in linked) {
      if (linked[NEXT] !== undefined) throw alreadyLinked(item);
      linked[NEXT] = this.#head;
    } else {
      this.#link(item);
    }
    this.#head = item;
    this.#size++;
  }

  /** Links an item that carries no link yet (or a function): checks it first. */
  #link(item: T): void {
    if (
      item === null || (typeof item !== "object" && typeof item !== "function")
    ) {
      throw new TypeError(`Cannot push ${quote(item)}: it is not an object`);
    }
    const linked = item as Linked;
    if (NEXT in linked) {
      if (linked[NEXT] !== undefined) throw alreadyLinked(item);
      linked[NEXT] = this.#head;
      return;
    }
    if (!Object.isExtensible(item)) {
      throw new TypeError(
        `Cannot push ${
          quote(item)
        }: it is not extensible, and the free list links items through a property`,
      );
    }
    // First push: add the link once, hidden from enumeration.
    Object.defineProperty(item, NEXT, {
      value: this.#head,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }

  /**
   * Removes the item at the head.
   *
   * @returns The item, or `undefined` when empty.
   */
  pop(): T | undefined {
    const item = this.#head;
    if (item === null) return undefined;
    const linked = item as Linked;
    this.#head = linked[NEXT] as T | null;
    linked[NEXT] = undefined;
    this.#size--;
    return item;
  }

  /** Removes every item (unlinking each, so they can be pushed again). */
  clear(): void {
    while (this.pop() !== undefined) { /* unlink */ }
  }
}

function alreadyLinked(item: unknown): AlreadyReleasedError {
  return new AlreadyReleasedError(
    `Cannot push ${quote(item)}: it is already in a free list`,
  );
}
