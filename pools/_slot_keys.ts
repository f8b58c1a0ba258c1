/**
 * Keys: one integer that names one borrow of a synchronous single-thread
 * pool, `(generation << slotBits) | slot`, below 2^31. A slot's state word
 * holds the key of its current borrow (see `Hot.state` in
 * `_slot_table.ts`), so a key is live exactly when its slot's word equals
 * it. Here: reading a slot's key, testing one, and turning one back into its
 * slot or into the error that says why it names no live borrow. Private to
 * `pools/`.
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { keyMisuseError } from "./_misuse.ts";
import type { SlotTable } from "./_slot_table.ts";

/**
 * The key of the current borrow of a lent slot.
 *
 * @param table The pool's slots.
 * @param slot A lent slot.
 * @returns Its borrow's key.
 * @throws {PoolConfigurationError} If `slot` is past the slots a key can
 * name (a pool whose maximum capacity is above 2^21).
 *
 * @example
 * ```ts
 * import { keyAt } from "./_slot_keys.ts";
 * import { SlotTable } from "./_slot_table.ts";
 *
 * const table = new SlotTable<object>("stack", { slotBits: 2 });
 * table.hot.$state[3] = 7; // slot 3 lent, generation 1: key (1 << 2) | 3
 * console.log(keyAt(table, 3)); // 7
 * ```
 */
export function keyAt(table: SlotTable<object>, slot: number): number {
  if (slot > table.slotMask) {
    throw new PoolConfigurationError(
      `Cannot issue key: slot ${slot} is past the ${
        table.slotMask + 1
      } slots a key can name`,
    );
  }
  return table.hot.$state[slot]!;
}

/**
 * Whether `key` names a live borrow of the table's pool; never throws and
 * runs no user code (only a number is ever masked).
 *
 * @param table The pool's slots.
 * @param key Any value.
 * @returns `true` only for a live key.
 *
 * @example
 * ```ts
 * import { isLiveKey } from "./_slot_keys.ts";
 * import { SlotTable } from "./_slot_table.ts";
 *
 * const table = new SlotTable<object>("stack", { slotBits: 2 });
 * table.hot.$state[3] = 7;
 * console.log(isLiveKey(table, 7), isLiveKey(table, 3), isLiveKey(table, "7")); // true false false
 * ```
 */
export function isLiveKey(table: SlotTable<object>, key: unknown): boolean {
  return typeof key === "number" &&
    table.hot.$state[key & table.slotMask] === key;
}

/**
 * The slot of a live key; throws the right error otherwise (a failed call
 * changes nothing): `AlreadyReleasedError` for a key the pool issued whose
 * borrow ended, `ForeignObjectError` for anything else.
 *
 * @param table The pool's slots.
 * @param key What the caller passed.
 * @param action The refused call, for the message (`"release key"`...).
 * @returns The key's slot.
 * @throws {AlreadyReleasedError} If the key's borrow ended.
 * @throws {ForeignObjectError} If the pool never issued `key`.
 *
 * @example
 * ```ts
 * import { liveSlot } from "./_slot_keys.ts";
 * import { SlotTable } from "./_slot_table.ts";
 *
 * const table = new SlotTable<object>("stack", { slotBits: 2 });
 * table.hot.$state[table.takeSlot()] = 4; // slot 0 lent, generation 1
 * console.log(liveSlot(table, 4, "release key")); // 0
 * try { liveSlot(table, 0, "release key"); } catch (e) { console.log((e as Error).message); }
 * // Cannot release key: key 0 was already released
 * ```
 */
export function liveSlot(
  table: SlotTable<object>,
  key: unknown,
  action: string,
): number {
  if (isLiveKey(table, key)) return (key as number) & table.slotMask;
  let issued = false;
  if (typeof key === "number" && key === (key & 0x7fffffff)) {
    const slot = key & table.slotMask;
    if (slot < table.slots) {
      // Issued: the generations below the next one (in this lap: older
      // laps are past the documented bound).
      const state = table.hot.$state[slot]!;
      const next = state >= 0
        ? (state >>> table.slotBits) + 1
        : ~state >>> table.slotBits;
      issued = key >>> table.slotBits < next;
    }
  }
  throw keyMisuseError(key, action, issued);
}
