/**
 * {@linkcode WeakHandle}: a non-owning watcher of one borrow.
 *
 * @module
 */

import { staleHandleError } from "../pools/_misuse.ts";
import type { Lender } from "./lender.ts";
import { checkBorrow } from "./_check_borrow.ts";
import { hookInspect } from "../_inspect.ts";

/** Whether the inspect hooks are on the prototype (installed by the first constructor). */
let inspectable = false;

/**
 * Watches one borrow without owning it: `deref()` gives the object while that
 * borrow is live and `undefined` after it ended, even if the same object has
 * been lent again. It keeps neither the object nor the pool alive.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { FixedPool } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 1, factory: () => ({ hp: 10 }) });
 * const enemy = pool.acquire();
 * const target = pool.weak(enemy);
 * console.log(target.deref()?.hp); // 10
 * pool.release(enemy);
 * console.log(target.deref(), target.alive); // undefined false
 * ```
 */
export class WeakHandle<T extends object> {
  #object: WeakRef<T>;
  #lender: WeakRef<Lender<T>>;
  #generation: number;

  /**
   * Watches one borrow. Pools make these (`pool.weak(obj)`); this
   * constructor is for custom pools implementing {@linkcode Lender}.
   *
   * @param lender The pool's borrow ledger (held weakly).
   * @param object The borrowed object (held weakly).
   * @param generation The borrow's generation number.
   * @throws {TypeError} If `lender` lacks a {@linkcode Lender} method,
   * `object` is not an object, or `generation` is not an integer.
   */
  constructor(lender: Lender<T>, object: T, generation: number) {
    checkBorrow("weak handle", lender, object, generation, true);
    this.#object = new WeakRef(object);
    this.#lender = new WeakRef(lender);
    this.#generation = generation;
    if (!inspectable) {
      inspectable = hookInspect(
        WeakHandle.prototype,
        (h: WeakHandle<object>) => h.#describe(),
      );
    }
  }

  /** The watched borrow's generation number. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * The object while the watched borrow is live.
   *
   * @returns The object, or `undefined` once that borrow ended.
   */
  deref(): T | undefined {
    const object = this.#object.deref();
    const lender = this.#lender.deref();
    if (object === undefined || lender === undefined) return undefined;
    return lender.isLive(object, this.#generation) ? object : undefined;
  }

  /**
   * The object while the watched borrow is live.
   *
   * @returns The object.
   * @throws {AlreadyReleasedError} Where `deref()` would give `undefined`.
   */
  get(): T {
    const object = this.deref();
    if (object === undefined) {
      throw staleHandleError("get weak handle value", this.#generation);
    }
    return object;
  }

  /** Whether the watched borrow is still live. */
  get alive(): boolean {
    return this.deref() !== undefined;
  }

  /**
   * Releases the watched borrow if it is still live.
   *
   * @returns `true` if it released, `false` if the borrow had already ended.
   */
  release(): boolean {
    const object = this.deref();
    if (object === undefined) return false;
    void this.#lender.deref()?.release(object, this.#generation);
    return true;
  }

  #describe(): string {
    return `WeakHandle { generation: ${this.#generation}, alive: ${this.alive} }`;
  }
}
