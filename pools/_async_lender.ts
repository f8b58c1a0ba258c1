/**
 * The {@linkcode Lender} behind {@linkcode AsyncPool}'s handles, private to
 * `pools/`: whether a handle's borrow is still live, its release (a stale
 * handle is refused), and the end of a leaked one (an owned handle collected
 * unreleased).
 *
 * @module
 */

import type { Lender } from "../handles/lender.ts";
import type { Returns } from "./_async_returns.ts";
import type { SlotTable } from "./_async_slots.ts";
import { staleHandleError } from "./_misuse.ts";

/**
 * The parts of a pool its lender uses (the core has them).
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import { AsyncCore } from "./_async_core.ts";
 * import type { LenderParts } from "./_async_lender.ts";
 *
 * const core = new AsyncCore(undefined, { capacity: 1, factory: () => ({}) });
 * const parts: LenderParts<object> = core;
 * console.log(parts.slots.live); // 0
 * ```
 */
export interface LenderParts<T extends object> {
  readonly slots: SlotTable<T>;
  readonly returns: Returns<T>;
}

/**
 * The lender of one pool's handles.
 *
 * @typeParam T The pooled object type.
 * @param parts The pool's slot table and the ends of its borrows.
 * @param release The pool's own `release` (what a handle's release does).
 * @returns The lender to give every handle of the pool.
 *
 * @example
 * ```ts
 * import { AsyncCore } from "./_async_core.ts";
 * import { asyncLender } from "./_async_lender.ts";
 *
 * const core = new AsyncCore(undefined, { capacity: 1, factory: () => ({}) });
 * const release = (obj: object) => core.returns.release(obj, core.slots.borrowedSlot(obj));
 * const lender = asyncLender(core, release);
 * const obj = await core.acquires.acquire(undefined);
 * const generation = core.slots.generationOf(obj);
 * await lender.release(obj, generation);
 * console.log(lender.isLive(obj, generation)); // false
 * ```
 */
export function asyncLender<T extends object>(
  parts: LenderParts<T>,
  release: (obj: T) => Promise<void>,
): Lender<T> {
  const { slots, returns } = parts;
  return {
    isLive: (obj, generation) => slots.isLive(obj, generation),
    release: (obj, generation) =>
      slots.isLive(obj, generation)
        ? release(obj)
        : Promise.reject(staleHandleError("release handle", generation)),
    leaked: (obj, generation) => {
      // A leaked owned handle: count it, tell onLeak, take the object back
      // (unless onLeak released it). Never throws: it runs in a GC callback.
      if (!slots.isLive(obj, generation)) return;
      returns.leaked(obj, generation);
      if (!slots.isLive(obj, generation)) return;
      release(obj).catch((error) => {
        console.error("fastalloc: releasing a leaked object failed", error);
      });
    },
  };
}
