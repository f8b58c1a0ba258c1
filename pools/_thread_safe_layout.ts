/**
 * The shared-memory layout of a `ThreadSafePool`: where each region of its
 * one buffer starts, and the word indices in each. Private to `pools/`.
 *
 * One `SharedArrayBuffer`, in cache-line-aligned regions:
 *
 * | region | contents |
 * | --- | --- |
 * | header (256 bytes) | shape and flags; the closed flag, the in-use count (behind the peak) and its peak each on their own cache line |
 * | free list | a {@linkcode SharedFreeList} of the slots |
 * | slot records | per slot, two `Int32`s: the borrow generation (how many times the slot was lent, the generation of its keys) and the thread id that acquired it |
 * | thread table | `maxThreads` entries of one cache line: the thread id attached there (0: free) and how many waits that thread has registered |
 * | statistics rows | with statistics on, `maxThreads` counter rows (`stats/_counter_rows.ts`: `ROW` `Float64`s each), one per thread-table entry, written only by the thread attached there; then the late row, one cache line of `Int32`s added to with `Atomics.add` |
 * | slot data | `capacity` slots of `stride` bytes (`slotBytes` rounded up to 8) |
 *
 * A thread-table entry is given back when its thread closes, detaches or is
 * reclaimed, so `maxThreads` bounds the threads attached at once, not the
 * threads ever attached; its statistics row keeps its counts for the next
 * thread there (see `_thread_safe_stats.ts`).
 *
 * @module
 */

import { SharedFreeList } from "../allocators/shared_freelist.ts";
import { LATE_WORDS, ROW } from "../stats/_counter_rows.ts";

/** Int32 words per 64-byte cache line. */
const LINE = 16;

/** "FTSP". */
export const MAGIC = 0x46545350;
/** The layout version, bumped on any change. */
export const VERSION = 3;

// Header Int32 word indices.
/** {@linkcode MAGIC}, written last when a pool is created. */
export const H_MAGIC = 0;
/** {@linkcode VERSION}. */
export const H_VERSION = 1;
/** The number of slots. */
export const H_CAPACITY = 2;
/** Bytes of shared state per slot. */
export const H_SLOT_BYTES = 3;
/** {@linkcode FLAG_STATS} and {@linkcode FLAG_TIMING}. */
export const H_FLAGS = 4;
/** One timed operation in this many. */
export const H_SAMPLE_INTERVAL = 5;
/** Entries of the thread table. */
export const H_MAX_THREADS = 6;
/** The last thread id handed out (creator: 1). */
export const H_THREADS = 7;
/** 1 once any thread closed the pool (its own cache line). */
export const H_CLOSED = LINE;
// Literals, not `n * LINE`: esbuild keeps top-level arithmetic on names.
/** Slots lent now, with statistics: behind the peak (its own cache line). */
export const H_IN_USE = 32; // 2 * LINE
/** The most slots lent at once, with statistics (its own cache line). */
export const H_PEAK = 48; // 3 * LINE
/** Int32 words of the header. */
export const HEADER_WORDS = 64; // 4 * LINE

// Thread-table entry Int32 word indices (one entry per cache line).
/** The thread id attached at this entry, 0 when free. */
export const T_OWNER = 0;
/** Waits this thread has registered with the free list now. */
export const T_WAITERS = 1;
/** Int32 words per thread-table entry. */
export const T_WORDS = LINE;

/** Statistics are on: the buffer has counter rows. */
export const FLAG_STATS = 1;
/** A sample of operations is timed. */
export const FLAG_TIMING = 2;

/** Byte offsets of every region for one pool shape. */
export interface Layout {
  /** The free list. */
  readonly freeList: number;
  /** The slot records (two `Int32`s per slot). */
  readonly records: number;
  /** The thread table. */
  readonly threads: number;
  /** Its entries. */
  readonly threadCount: number;
  /** The counter rows (with statistics). */
  readonly rows: number;
  /** How many rows (0 without statistics). */
  readonly rowCount: number;
  /** The late row (`Int32`), right after the rows (with statistics). */
  readonly late: number;
  /** The slot data. */
  readonly data: number;
  /** Bytes from one slot's data to the next. */
  readonly stride: number;
  /** The whole buffer. */
  readonly byteLength: number;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/**
 * Computes the regions of a pool of this shape: `threadCount` thread-table
 * entries, and as many counter rows plus the late row when `statistics` is
 * on.
 *
 * @param capacity The number of slots.
 * @param slotBytes Bytes of shared state per slot.
 * @param threadCount Entries of the thread table (`maxThreads`).
 * @param statistics Whether statistics are on.
 * @returns The byte offset of each region and the buffer's length.
 *
 * @example
 * ```ts
 * import { layout } from "./_thread_safe_layout.ts";
 *
 * const shape = layout(64, 12, 4, false);
 * console.log(shape.freeList, shape.stride, shape.rowCount); // 256 16 0
 * ```
 */
export function layout(
  capacity: number,
  slotBytes: number,
  threadCount: number,
  statistics: boolean,
): Layout {
  const freeList = HEADER_WORDS * 4;
  const records = freeList + SharedFreeList.byteLengthFor(capacity);
  const threads = align(records + capacity * 8, 64);
  const rows = threads + threadCount * T_WORDS * 4;
  const rowCount = statistics ? threadCount : 0;
  const late = align(rows + rowCount * ROW * 8, 64);
  const data = late + (statistics ? LATE_WORDS * 4 : 0);
  const stride = align(slotBytes, 8);
  return {
    freeList,
    records,
    threads,
    threadCount,
    rows,
    rowCount,
    late,
    data,
    stride,
    byteLength: data + stride * capacity,
  };
}
