/**
 * Lending a borrow, written once for every synchronous pool (the slot core
 * behind FixedPool, GrowingPool and ThreadLocalPool, and ThreadSafePool):
 * the one {@linkcode Lender} behind their handles ({@linkcode lenderFor})
 * and the general body of `use(fn)` ({@linkcode useBorrow} and its two
 * endings). A pool names a borrow its own way (a key, or a slot's
 * generation); these helpers only ever see the pair `(object, generation)`
 * and the pool's {@linkcode Ledger}. Private to `pools/`.
 *
 * Why `use` stays a small body in each pool: a single shared body would call
 * every pool's `acquire`/`release` (and every caller's `fn`) from one call
 * site, which V8 then optimises only megamorphically. So the plain path
 * (`_fast_ops.ts`) calls `fn` itself and comes here only to end a borrow
 * whose `fn` threw or returned a promise; a pool without a fast path calls
 * {@linkcode useBorrow} for the whole of it.
 *
 * @module
 */

import type { Lender } from "../handles/lender.ts";
import { quote } from "../quote.ts";
import { staleHandleError } from "./_misuse.ts";
import { isThenable } from "./_thenable.ts";

/**
 * What a pool tells the lending helpers about its borrows. Plain functions
 * (arrow functions over the pool's own state), not methods: they are handed
 * on unbound as the {@linkcode Lender}'s `isLive` and `leaked`.
 *
 * @typeParam T The pooled object type.
 *
 * @example A ledger of one object, lent once
 * ```ts
 * import type { Ledger } from "./_lending.ts";
 *
 * const thing = { n: 1 };
 * let lent = true;
 * const ledger: Ledger<typeof thing> = {
 *   isLive: (obj, generation) => lent && obj === thing && generation === 1,
 *   end: () => { lent = false; },
 *   leaked: () => { lent = false; },
 * };
 * console.log(ledger.isLive(thing, 1)); // true
 * ```
 */
export interface Ledger<T> {
  /** Whether the borrow `(obj, generation)` is still outstanding; never throws. */
  readonly isLive: (obj: T, generation: number) => boolean;
  /** Ends the live borrow `(obj, generation)` as `pool.release(obj)` does. */
  readonly end: (obj: T, generation: number) => void;
  /** Takes back a leaked borrow (see {@linkcode Lender.leaked}); never throws. */
  readonly leaked: (obj: T, generation: number) => void;
}

/**
 * The pool's {@linkcode Lender}: what its handles call. Its `release` refuses
 * a borrow that already ended (through another handle, `pool.release`, or
 * another thread) with the one stale-handle error.
 *
 * @typeParam T The pooled object type.
 * @param ledger The pool's borrows.
 * @returns The lender to give every handle of the pool.
 *
 * @example
 * ```ts
 * import { lenderFor } from "./_lending.ts";
 *
 * let live = true;
 * const lender = lenderFor<object>({
 *   isLive: () => live,
 *   end: () => { live = false; },
 *   leaked: () => {},
 * });
 * lender.release({}, 4);
 * try { lender.release({}, 4); } catch (e) { console.log((e as Error).message); }
 * // Cannot release handle: its borrow (generation 4) was already released
 * ```
 */
export function lenderFor<T>(ledger: Ledger<T>): Lender<T> {
  const { isLive, end } = ledger;
  return {
    isLive,
    release: (obj: T, generation: number): void => {
      if (!isLive(obj, generation)) {
        throw staleHandleError("release handle", generation);
      }
      end(obj, generation);
    },
    leaked: ledger.leaked,
  };
}

/**
 * The error for a `use` argument that is not a function.
 *
 * @param fn What the caller passed.
 * @returns The error to throw.
 *
 * @example
 * ```ts
 * import { useFnError } from "./_lending.ts";
 *
 * console.log(useFnError(42).message); // Cannot use pool: fn 42 is not a function
 * ```
 */
export function useFnError(fn: unknown): TypeError {
  return new TypeError(`Cannot use pool: fn ${quote(fn)} is not a function`);
}

/**
 * Calls `fn` with a borrow made for `use` and ends the borrow afterwards:
 * at once, or when the promise `fn` returned settles. If `fn` ended the
 * borrow itself (release, discard), it is not ended again; if `fn` threw,
 * its error is the one thrown (see {@linkcode endUseQuietly}).
 *
 * @typeParam T The pooled object type.
 * @typeParam R What `fn` returns.
 * @param lender The pool's lender.
 * @param obj The borrowed object.
 * @param generation Its borrow's generation.
 * @param fn The caller's function.
 * @returns What `fn` returned (a promise settled after the borrow ended, for
 * a promise).
 *
 * @example
 * ```ts
 * import { lenderFor, useBorrow } from "./_lending.ts";
 *
 * let live = true;
 * const lender = lenderFor<{ n: number }>({
 *   isLive: () => live,
 *   end: () => { live = false; },
 *   leaked: () => {},
 * });
 * console.log(useBorrow(lender, { n: 2 }, 1, (o) => o.n * 2), live); // 4 false
 * ```
 */
export function useBorrow<T, R>(
  lender: Lender<T>,
  obj: T,
  generation: number,
  fn: (obj: T) => R,
): R {
  let result: R;
  try {
    result = fn(obj);
  } catch (error) {
    endUseQuietly(lender, obj, generation);
    throw error;
  }
  if (isThenable(result)) {
    return endUseWhenSettled(lender, obj, generation, result) as R;
  }
  endUse(lender, obj, generation);
  return result;
}

/**
 * Ends a `use` borrow after `fn` returned, if `fn` did not end it itself.
 *
 * @typeParam T The pooled object type.
 * @param lender The pool's lender.
 * @param obj The borrowed object.
 * @param generation Its borrow's generation.
 * @throws What the pool's release throws (a reset that threw).
 *
 * @example
 * ```ts
 * import { endUse, lenderFor } from "./_lending.ts";
 *
 * let live = true;
 * const lender = lenderFor<object>({
 *   isLive: () => live,
 *   end: () => { live = false; },
 *   leaked: () => {},
 * });
 * endUse(lender, {}, 1);
 * endUse(lender, {}, 1); // already ended: nothing to do
 * console.log(live); // false
 * ```
 */
export function endUse<T>(lender: Lender<T>, obj: T, generation: number): void {
  if (lender.isLive(obj, generation)) lender.release(obj, generation);
}

/**
 * Ends a `use` borrow after `fn` threw, if `fn` did not end it itself. A
 * failing release (a reset that threw, counted in the pool's statistics) is
 * swallowed: `fn`'s error is the one to report.
 *
 * @typeParam T The pooled object type.
 * @param lender The pool's lender.
 * @param obj The borrowed object.
 * @param generation Its borrow's generation.
 *
 * @example
 * ```ts
 * import { endUseQuietly, lenderFor } from "./_lending.ts";
 *
 * const lender = lenderFor<object>({
 *   isLive: () => true,
 *   end: () => { throw new Error("reset failed"); },
 *   leaked: () => {},
 * });
 * endUseQuietly(lender, {}, 1); // does not throw
 * ```
 */
export function endUseQuietly<T>(
  lender: Lender<T>,
  obj: T,
  generation: number,
): void {
  if (!lender.isLive(obj, generation)) return;
  try {
    lender.release(obj, generation);
  } catch {
    // fn's error wins.
  }
}

/**
 * Ends a `use` borrow when the promise `fn` returned settles (unless `fn`
 * ended it by then), passing the promise's outcome through.
 *
 * @typeParam T The pooled object type.
 * @param lender The pool's lender.
 * @param obj The borrowed object.
 * @param generation Its borrow's generation.
 * @param pending What `fn` returned.
 * @returns A promise of `pending`'s value, settled after the borrow ended.
 *
 * @example
 * ```ts
 * import { endUseWhenSettled, lenderFor } from "./_lending.ts";
 *
 * let live = true;
 * const lender = lenderFor<object>({
 *   isLive: () => live,
 *   end: () => { live = false; },
 *   leaked: () => {},
 * });
 * console.log(await endUseWhenSettled(lender, {}, 1, Promise.resolve(7)), live); // 7 false
 * ```
 */
export function endUseWhenSettled<T>(
  lender: Lender<T>,
  obj: T,
  generation: number,
  pending: PromiseLike<unknown>,
): Promise<unknown> {
  return Promise.resolve(pending).then(
    (value) => {
      endUse(lender, obj, generation);
      return value;
    },
    (error) => {
      endUseQuietly(lender, obj, generation);
      throw error;
    },
  );
}
