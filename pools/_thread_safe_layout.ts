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
 * | statistics rows | with statistics on, `maxThreads` rows of 16 `Float64` counters, one per thread-table entry, written only by the thread attached there; then one cache line of 16 `Int32` "late" counters, added to with `Atomics.add` |
 * | slot data | `capacity` slots of `stride` bytes (`slotBytes` rounded up to 8) |
 *
 * Counters that must not drift when a thread dies between two updates are
 * not kept as running counts: the number of slots in use is counted from the
 * free list's bitmap when read, and `totalReleases` is derived from it
 * (`totalAllocations - currentInUse`). A thread-table entry is given back
 * when its thread closes, detaches or is reclaimed, so `maxThreads` bounds
 * the threads attached at once, not the threads ever attached. Its
 * statistics row keeps its counts: the next thread attached there adds to
 * them, so the totals (the sum of every row) never lose a departed
 * thread's work, and no lock is needed (a lock held by a thread that dies
 * would stop every other thread's `stats()`). What a thread counts after it
 * left (a release after its `close()`) goes to the late counters, with an
 * atomic add; timings are not kept then.
 *
 * @module
 */

import { SharedFreeList } from "../allocators/shared_freelist.ts";

/** Int32 words per 64-byte cache line. */
const LINE = 16;

/** "FTSP". */
export const MAGIC = 0x46545350;
/** The layout version, bumped on any change. */
export const VERSION = 2;

// Header Int32 word indices.
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_CAPACITY = 2;
export const H_SLOT_BYTES = 3;
export const H_FLAGS = 4;
export const H_SAMPLE_INTERVAL = 5;
export const H_MAX_THREADS = 6;
/** The last thread id handed out (creator: 1). */
export const H_THREADS = 7;
export const H_CLOSED = LINE;
// Literals, not `n * LINE`: esbuild keeps top-level arithmetic on names.
export const H_IN_USE = 32; // 2 * LINE
export const H_PEAK = 48; // 3 * LINE
export const HEADER_WORDS = 64; // 4 * LINE

// Thread-table entry Int32 word indices (one entry per cache line).
/** The thread id attached at this entry, 0 when free. */
export const T_OWNER = 0;
/** Waits this thread has registered with the free list now. */
export const T_WAITERS = 1;
/** Int32 words per thread-table entry. */
export const T_WORDS = LINE;

export const FLAG_STATS = 1;
export const FLAG_TIMING = 2;

// Statistics row Float64 indices.
export const S_ALLOCATIONS = 0;
export const S_RELEASES = 1;
export const S_RESETS = 2;
export const S_RESET_FAILURES = 3;
export const S_EXHAUSTIONS = 4;
export const S_CREATED = 5;
export const S_DESTROYED = 6;
export const S_LEAKS = 7;
export const S_WAITS = 8;
export const S_TIMEOUTS = 9;
export const S_WAIT_NS = 10;
export const S_ALLOCATION_NS = 11;
export const S_TIMED_ALLOCATIONS = 12;
export const S_RELEASE_NS = 13;
export const S_TIMED_RELEASES = 14;
export const ROW = 16;

/** Byte offsets of every region for one pool shape. */
export interface Layout {
  readonly freeList: number;
  readonly records: number;
  readonly threads: number;
  readonly threadCount: number;
  readonly rows: number;
  readonly rowCount: number;
  /** The late counters (`Int32`), right after the rows (with statistics). */
  readonly late: number;
  readonly data: number;
  readonly stride: number;
  readonly byteLength: number;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/**
 * Computes the regions of a pool of this shape: `threadCount` thread-table
 * entries, and as many statistics rows plus the late counters when
 * `statistics` is on.
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
  const data = late + (statistics ? ROW * 4 : 0);
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
