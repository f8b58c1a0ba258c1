/**
 * The keys of a `ThreadSafePool`: a borrow named by one integer that any
 * thread may use, `(generation << slotBits) | slot`, where the generation
 * (how many times the slot was lent) lives in shared memory, so a key made
 * in one thread can be released in another and a stale key is detected in
 * every thread. Here: what a key stands for (live, stale, never issued), and
 * how a key's borrow ends off the plain path. Private to `pools/`.
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { keyMisuseError } from "./_misuse.ts";
import { H_CLOSED } from "./_thread_safe_layout.ts";
import { discardSlot, releaseGeneral } from "./_thread_safe_release.ts";
import type { ThreadSafeSlots } from "./_thread_safe_slots.ts";

/** The most slot bits a key may use: leaves at least 10 generation bits. */
export const KEY_SLOT_BITS = 20;
/** Key states below 0 (a live key gives its slot). */
const STALE = -1;
const FOREIGN = -2;

/**
 * Throws unless the pool is small enough for keys (`capacity <= 2^20`).
 *
 * @param s This thread's slots.
 * @throws {PoolConfigurationError} If keys would not detect enough reuses.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { checkKeys } from "./_thread_safe_keys.ts";
 *
 * checkKeys(openSlots(undefined, { capacity: 8, slotBytes: 4 }, undefined)); // fine
 * ```
 */
export function checkKeys<T extends object>(s: ThreadSafeSlots<T>): void {
  if (s.slotBits > KEY_SLOT_BITS) {
    throw new PoolConfigurationError(
      `Cannot use keys: capacity ${s.capacity} needs more than ${KEY_SLOT_BITS} slot bits, which would leave fewer than 10 generation bits (keys need capacity at most 1048576)`,
    );
  }
}

/**
 * The key of the current borrow of `slot`.
 *
 * @param s This thread's slots.
 * @param slot A borrowed slot.
 * @returns Its key.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { keyOfSlot } from "./_thread_safe_keys.ts";
 *
 * const slots = openSlots(undefined, { capacity: 4, slotBytes: 4 }, undefined);
 * slots.acquireGeneral(true);
 * console.log(keyOfSlot(slots, 0)); // 4: generation 1, slot 0
 * ```
 */
export function keyOfSlot<T extends object>(
  s: ThreadSafeSlots<T>,
  slot: number,
): number {
  return ((Atomics.load(s.records, slot << 1) & s.genMask) << s.slotBits) |
    slot;
}

/**
 * Where a key stands: its slot if it is live, a negative state if its
 * borrow ended or this pool never issued it.
 *
 * @param s This thread's slots.
 * @param key Any value.
 * @returns The slot, or a number below 0.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { keyState } from "./_thread_safe_keys.ts";
 *
 * const slots = openSlots(undefined, { capacity: 4, slotBytes: 4 }, undefined);
 * console.log(keyState(slots, 4) < 0, keyState(slots, "4") < 0); // true true
 * ```
 */
export function keyState<T extends object>(
  s: ThreadSafeSlots<T>,
  key: unknown,
): number {
  if (typeof key !== "number" || (key | 0) !== key || key < 0) {
    return FOREIGN;
  }
  const slot = key & s.slotMask;
  if (slot >= s.capacity) return FOREIGN;
  const field = key >>> s.slotBits;
  // Lends of this slot so far, as an unsigned count.
  const lends = Atomics.load(s.records, slot << 1) >>> 0;
  if ((lends & s.genMask) === field && lends !== 0) {
    return s.free.isFree(slot) || s.ending[slot] !== 0 ? STALE : slot;
  }
  // Before the generation field wraps, only 1..lends were ever issued.
  if (lends <= s.genMask && (field === 0 || field > lends)) return FOREIGN;
  return STALE;
}

/**
 * The slot of a live key, or the error (`_misuse.ts`) that says why it is
 * not one.
 *
 * @param s This thread's slots.
 * @param key What the caller passed.
 * @param action The call, for the message: `"release key"`...
 * @returns The slot.
 * @throws {AlreadyReleasedError} For a stale key.
 * @throws {ForeignObjectError} For a key this pool never issued.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { liveSlot } from "./_thread_safe_keys.ts";
 *
 * const slots = openSlots(undefined, { capacity: 4, slotBytes: 4 }, undefined);
 * try {
 *   liveSlot(slots, 4, "release key");
 * } catch (e) {
 *   console.log((e as Error).message); // Cannot release key: key 4 was never issued by this pool
 * }
 * ```
 */
export function liveSlot<T extends object>(
  s: ThreadSafeSlots<T>,
  key: number,
  action: string,
): number {
  const slot = keyState(s, key);
  if (slot >= 0) return slot;
  throw keyMisuseError(key, action, slot === STALE);
}

/**
 * Ends a key's borrow off the plain path (statistics, reset, closed,
 * discard).
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param slot The key's slot (live).
 * @param key The key.
 * @param discard Discard instead of release.
 * @throws {AlreadyReleasedError} If another thread ended it first.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { endKeyBorrow, keyOfSlot } from "./_thread_safe_keys.ts";
 *
 * const slots = openSlots(undefined, { capacity: 4, slotBytes: 4 }, undefined);
 * slots.acquireGeneral(true);
 * endKeyBorrow(slots, 0, keyOfSlot(slots, 0), true);
 * console.log(slots.free.size); // 4
 * ```
 */
export function endKeyBorrow<T extends object>(
  s: ThreadSafeSlots<T>,
  slot: number,
  key: number,
  discard: boolean,
): void {
  const action = discard ? "discard key" : "release key";
  s.checkAttached(action);
  if (discard) {
    if (!discardSlot(s, slot)) throw keyMisuseError(key, action, true);
    return;
  }
  if (
    s.settings.reset !== undefined || Atomics.load(s.header, H_CLOSED) !== 0
  ) {
    // Reset and destroy act on this thread's wrapper: release through it.
    s.borrowGenerations[slot] = Atomics.load(s.records, slot << 1);
    releaseGeneral(s, s.objects[slot] ?? s.wrap(slot));
    return;
  }
  const started = s.counters.startRelease();
  if (!s.freeCounted(slot)) throw keyMisuseError(key, action, true);
  s.counters.countRelease(started);
}

/**
 * `ThreadSafePool.keyOf`: the key of the current borrow of one of this
 * thread's wrappers.
 *
 * @param s This thread's slots.
 * @param obj What the caller passed.
 * @returns The borrow's key.
 * @throws {AlreadyReleasedError} If the borrow ended.
 * @throws {ForeignObjectError} If `obj` is not a wrapper of this pool.
 * @throws {PoolConfigurationError} If `capacity` is over 2^20.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { keyOfObject } from "./_thread_safe_keys.ts";
 *
 * const slots = openSlots<Uint8Array>(undefined, { capacity: 4, slotBytes: 4 }, undefined);
 * console.log(keyOfObject(slots, slots.acquireGeneral(true)!)); // 4: generation 1, slot 0
 * ```
 */
export function keyOfObject<T extends object>(
  s: ThreadSafeSlots<T>,
  obj: T,
): number {
  s.checkAttached("get key of object");
  checkKeys(s);
  const slot = s.borrowedSlotOf(obj, "get key of");
  return keyOfSlot(s, slot);
}

/**
 * `ThreadSafePool.releaseKey` off its plain path, and `discardKey`: checks
 * that `key` is live, then ends its borrow ({@linkcode endKeyBorrow}).
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param key What the caller passed.
 * @param discard Discard instead of release.
 * @throws {AlreadyReleasedError} If the key's borrow ended (a stale key).
 * @throws {ForeignObjectError} If this pool never issued `key`.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { endKey, keyOfSlot } from "./_thread_safe_keys.ts";
 *
 * const slots = openSlots(undefined, { capacity: 4, slotBytes: 4 }, undefined);
 * slots.acquireGeneral(true);
 * endKey(slots, keyOfSlot(slots, 0), false);
 * console.log(slots.free.size); // 4
 * ```
 */
export function endKey<T extends object>(
  s: ThreadSafeSlots<T>,
  key: number,
  discard: boolean,
): void {
  const action = discard ? "discard key" : "release key";
  endKeyBorrow(s, liveSlot(s, key, action), key, discard);
}

/**
 * `ThreadSafePool.objectOf`: this thread's wrapper of a live key's slot,
 * taken over so this thread may end the borrow.
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param key What the caller passed.
 * @returns The wrapper.
 * @throws {AlreadyReleasedError} If the key's borrow ended (a stale key).
 * @throws {ForeignObjectError} If this pool never issued `key`.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { keyOfSlot, objectOfKey } from "./_thread_safe_keys.ts";
 *
 * const slots = openSlots(undefined, { capacity: 4, slotBytes: 4 }, undefined);
 * const obj = slots.acquireGeneral(true);
 * console.log(objectOfKey(slots, keyOfSlot(slots, 0)) === obj); // true
 * ```
 */
export function objectOfKey<T extends object>(
  s: ThreadSafeSlots<T>,
  key: number,
): T {
  s.checkAttached("get object of key");
  return s.takeOver(liveSlot(s, key, "get object of key"));
}
