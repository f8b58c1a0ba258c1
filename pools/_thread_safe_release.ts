/**
 * How a borrow of a `ThreadSafePool` ends off the plain path: a release with
 * statistics, a `reset`, a closed pool or an error to explain; a discard
 * (the slot zeroed, the wrapper retired); and a leaked borrow taken back
 * when its owned handle was collected. Private to `pools/`.
 *
 * State first, then callbacks: in this thread a borrow has ended before
 * `reset` or `destroy` runs, so a callback that releases, discards or keys
 * the same borrow again makes a double release, though the slot is freed
 * only once `reset` is done with it.
 *
 * @module
 */

import type { Lender } from "../handles/lender.ts";
import { lenderFor } from "./_lending.ts";
import { misuseError } from "./_misuse.ts";
import { H_CLOSED } from "./_thread_safe_layout.ts";
import {
  DESTROYED,
  LEAKS,
  RESET_FAILURES,
  RESETS,
} from "../stats/_counter_rows.ts";
import type { ThreadSafeSlots } from "./_thread_safe_slots.ts";

/**
 * Release with statistics, reset, a closed pool, or an error to explain.
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param obj What the caller passed.
 * @throws {AlreadyReleasedError} If the borrow ended already.
 * @throws {ForeignObjectError} If `obj` is not a wrapper of this pool.
 * @throws {TypeMismatchError} If `obj` is not an instance of the pool's type.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { releaseGeneral } from "./_thread_safe_release.ts";
 *
 * const slots = openSlots<Uint8Array>(undefined, { capacity: 1, slotBytes: 4 }, undefined);
 * releaseGeneral(slots, slots.acquireGeneral(true)!);
 * console.log(slots.free.size); // 1
 * ```
 */
export function releaseGeneral<T extends object>(
  s: ThreadSafeSlots<T>,
  obj: T,
): void {
  s.checkAttached("release object");
  const slot = s.borrowedSlotOf(obj, "release");
  const started = s.counters.startRelease();
  if (Atomics.load(s.header, H_CLOSED) !== 0) {
    s.returnSlot(slot);
    s.callDestroy(s.retire(slot));
    return;
  }
  const reset = s.settings.reset;
  if (reset !== undefined) {
    // State first: in this thread the borrow has ended before reset runs
    // (releasing, discarding or keying it again from reset is a double
    // release), though the slot is freed only once reset is done with it.
    s.ending[slot] = 1;
    try {
      reset(obj);
    } catch (error) {
      s.ending[slot] = 0;
      s.counters.count(RESET_FAILURES);
      s.zero(slot);
      const retired = s.retire(slot);
      s.returnSlot(slot);
      s.callDestroy(retired, error);
      throw error;
    }
    s.ending[slot] = 0;
    s.counters.count(RESETS);
    if (Atomics.load(s.header, H_CLOSED) !== 0) {
      // Reset closed the pool: the wrapper is retired, as any release
      // after close retires it (close skipped it while reset held it).
      s.returnSlot(slot);
      s.callDestroy(s.retire(slot));
      return;
    }
  }
  s.returnSlot(slot);
  s.counters.countRelease(started);
}

/**
 * Zeroes, frees and retires a borrowed slot: state first, then `destroy`.
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param slot The borrowed slot.
 * @returns `false` if another thread freed the slot first (a double
 * release: the caller says which).
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { discardSlot } from "./_thread_safe_release.ts";
 *
 * const slots = openSlots<Uint8Array>(undefined, { capacity: 1, slotBytes: 4 }, undefined);
 * const slot = slots.slotOf(slots.acquireGeneral(true)!);
 * console.log(discardSlot(slots, slot), discardSlot(slots, slot)); // true false
 * ```
 */
export function discardSlot<T extends object>(
  s: ThreadSafeSlots<T>,
  slot: number,
): boolean {
  // Zeroed while still ours: once freed, another thread may write it.
  s.zero(slot);
  if (!s.freeCounted(slot)) return false;
  if (s.objects[slot] === undefined) {
    s.counters.count(DESTROYED);
    return true;
  }
  s.callDestroy(s.retire(slot));
  return true;
}

/**
 * Takes back a leaked borrow (its owned handle was collected unreleased):
 * counts it, calls `onLeak`, releases it. Never throws (it runs in a GC
 * callback); failures are logged.
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param pool What releases `obj` (the pool itself).
 * @param obj The leaked wrapper.
 * @param generation The leaked borrow.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { releaseGeneral, takeBackLeak } from "./_thread_safe_release.ts";
 *
 * const slots = openSlots<Uint8Array>(undefined, { capacity: 1, slotBytes: 4 }, undefined);
 * const obj = slots.acquireGeneral(true)!;
 * const pool = { release: (o: Uint8Array) => releaseGeneral(slots, o) };
 * takeBackLeak(slots, pool, obj, slots.borrowGenerations[0]!);
 * console.log(slots.free.size); // 1
 * ```
 */
export function takeBackLeak<T extends object>(
  s: ThreadSafeSlots<T>,
  pool: { release(obj: T): void },
  obj: T,
  generation: number,
): void {
  if (!s.isLive(obj, generation)) return;
  s.counters.count(LEAKS);
  try {
    s.settings.onLeak?.({ object: obj, generation, pool: "ThreadSafePool" });
  } catch (error) {
    console.error("fastalloc: onLeak threw", error);
  }
  try {
    pool.release(obj);
  } catch (error) {
    console.error("fastalloc: releasing a leaked object failed", error);
  }
}

/**
 * `ThreadSafePool.discard`: checks that `obj` is this thread's current
 * borrow, then discards its slot (see {@linkcode discardSlot}).
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param obj What the caller passed.
 * @throws {AlreadyReleasedError} If the borrow ended.
 * @throws {ForeignObjectError} If `obj` is not a wrapper of this pool.
 * @throws {TypeMismatchError} If `obj` is not an instance of the pool's type.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { discardObject } from "./_thread_safe_release.ts";
 *
 * const slots = openSlots<Uint8Array>(undefined, { capacity: 1, slotBytes: 4 }, undefined);
 * discardObject(slots, slots.acquireGeneral(true)!);
 * console.log(slots.free.size); // 1
 * ```
 */
export function discardObject<T extends object>(
  s: ThreadSafeSlots<T>,
  obj: T,
): void {
  s.checkAttached("discard object");
  const slot = s.borrowedSlotOf(obj, "discard");
  if (!discardSlot(s, slot)) {
    throw misuseError(obj, "discard", undefined, true);
  }
}

/**
 * The lender behind the pool's handles: a borrow is live while its
 * generation is the slot's, ends with `pool.release`, and is taken back by
 * {@linkcode takeBackLeak} when leaked.
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param pool What releases a wrapper (the pool itself).
 * @returns The lender.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { lenderOf, releaseGeneral } from "./_thread_safe_release.ts";
 *
 * const slots = openSlots<Uint8Array>(undefined, { capacity: 1, slotBytes: 4 }, undefined);
 * const lender = lenderOf(slots, { release: (o: Uint8Array) => releaseGeneral(slots, o) });
 * const obj = slots.acquireGeneral(true)!;
 * console.log(lender.isLive(obj, slots.borrowGenerations[0]!)); // true
 * ```
 */
export function lenderOf<T extends object>(
  s: ThreadSafeSlots<T>,
  pool: { release(obj: T): void },
): Lender<T> {
  return lenderFor<T>({
    isLive: (obj: T, generation: number): boolean => s.isLive(obj, generation),
    end: (obj: T): void => pool.release(obj),
    leaked: (obj: T, generation: number): void =>
      takeBackLeak(s, pool, obj, generation),
  });
}
