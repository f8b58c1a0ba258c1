/**
 * How a `ThreadSafePool` takes back what a dead thread held: every slot it
 * acquired and still holds (zeroed, freed), its thread-table entry (its
 * statistics stay in the totals) and the waits it registered. Private to
 * `pools/`.
 *
 * It can find every such slot because the free list records which thread
 * took a slot in the same step as the take (`SharedFreeList`'s `claims`):
 * a thread terminated at any point never holds a slot not recorded as its
 * own.
 *
 * @module
 */

import { quote } from "../quote.ts";
import { findEntry, freeEntry } from "./_thread_safe_attach.ts";
import type { ThreadSafeSlots } from "./_thread_safe_slots.ts";

/**
 * Takes back every slot thread `threadId` acquired and still holds, and
 * gives back its thread-table entry.
 *
 * @param s This thread's slots.
 * @param threadId The dead thread's id.
 * @returns How many slots were taken back.
 * @throws {RangeError} If `threadId` is not a positive integer, or is this
 * thread's own id.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { reclaim } from "./_thread_safe_reclaim.ts";
 *
 * const slots = openSlots(undefined, { capacity: 2, slotBytes: 4 }, undefined);
 * console.log(reclaim(slots, 2)); // 0: thread 2 holds nothing
 * ```
 */
export function reclaim<T extends object>(
  s: ThreadSafeSlots<T>,
  threadId: number,
): number {
  if (!Number.isSafeInteger(threadId) || threadId < 1) {
    throw new RangeError(
      `Cannot reclaim slots: threadId ${
        quote(threadId)
      } is not a positive integer`,
    );
  }
  if (threadId === s.threadId) {
    throw new RangeError(
      `Cannot reclaim slots: threadId ${quote(threadId)} is this thread's own`,
    );
  }
  const records = s.records;
  let taken = 0;
  for (let slot = 0; slot < s.capacity; slot++) {
    if (
      Atomics.load(records, (slot << 1) + 1) === threadId &&
      !s.free.isFree(slot)
    ) {
      s.zero(slot);
      if (s.freeCounted(slot)) taken++;
    }
  }
  // Its place in the thread table, its statistics and the waits it had
  // registered (a thread killed while waiting never ends them) go back.
  const entry = findEntry(s.threads, threadId);
  if (entry >= 0) freeEntry(s.threads, entry, s.free);
  return taken;
}
