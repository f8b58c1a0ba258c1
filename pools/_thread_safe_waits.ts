/**
 * How a `ThreadSafePool` acquire waits for a slot when every slot is taken:
 * blocking this thread (`acquireWait`, `Atomics.wait`) or not
 * (`acquireAsync`, `Atomics.waitAsync`), in slices of the free list's wait,
 * until another thread releases one, the time runs out, the pool closes or
 * the signal aborts. Private to `pools/`.
 *
 * Each wait is registered in this thread's thread-table entry before the
 * free list counts it and ended there after, so the entry never shows fewer
 * waits than this thread has registered with the free list: `reclaim`
 * settles exactly those if the thread dies while waiting.
 *
 * @module
 */

import { SharedFreeList } from "../allocators/shared_freelist.ts";
import type { AcquireOptions } from "../config/wait_options.ts";
import {
  validateTimeout,
  validateWaitOptions,
} from "../config/_wait_options.ts";
import {
  FastAllocError,
  PoolClosedError,
  PoolTimeoutError,
} from "../errors.ts";
import { quote } from "../quote.ts";
import { H_CLOSED, T_WAITERS, T_WORDS } from "./_thread_safe_layout.ts";
import { TIMEOUTS } from "../stats/_counter_rows.ts";
import type { ThreadSafeSlots } from "./_thread_safe_slots.ts";

/**
 * Waits, blocking this thread, until a slot comes free, and lends it.
 * Call it after a take found none.
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param timeout The longest wait in ms (`Infinity`: no limit).
 * @returns The wrapper, now borrowed.
 * @throws {PoolTimeoutError} If no slot came free in time.
 * @throws {PoolClosedError} If the pool is or becomes closed.
 * @throws {FastAllocError} Where this thread may not block.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { waitBlocking } from "./_thread_safe_waits.ts";
 *
 * const slots = openSlots(undefined, { capacity: 1, slotBytes: 4 }, undefined);
 * slots.acquireGeneral(true);
 * try {
 *   waitBlocking(slots, 5);
 * } catch (e) {
 *   console.log((e as Error).name); // PoolTimeoutError
 * }
 * ```
 */
export function waitBlocking<T extends object>(
  s: ThreadSafeSlots<T>,
  timeout: number,
): T {
  if (!SharedFreeList.canBlock) {
    throw new FastAllocError(
      "Cannot acquire and wait: this thread may not block (Atomics.wait is not allowed here, as on a browser main thread); use acquireAsync",
    );
  }
  const start = performance.now();
  for (;;) {
    const left = start + timeout - performance.now();
    checkWaitEnd(s, left, timeout, start);
    // Registered in this thread's entry first and ended there last, so
    // the entry never shows fewer waits than this thread has registered
    // with the free list: reclaim settles exactly those if it dies here.
    const waiters = s.entry * T_WORDS + T_WAITERS;
    Atomics.add(s.threads, waiters, 1);
    const slot = s.free.popWait(left);
    Atomics.sub(s.threads, waiters, 1);
    if (slot >= 0) return lendAfterWait(s, slot, undefined, start);
  }
}

/**
 * Waits without blocking until a slot comes free, and lends it. Call it
 * after a take found none.
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param timeout The longest wait in ms (`Infinity`: no limit).
 * @param signal Stops the wait: rejects with `signal.reason`.
 * @returns The wrapper, now borrowed.
 * @throws {PoolTimeoutError} If no slot came free in time (rejects).
 * @throws {PoolClosedError} If the pool is or becomes closed (rejects).
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { waitAsync } from "./_thread_safe_waits.ts";
 *
 * const slots = openSlots(undefined, { capacity: 1, slotBytes: 4 }, undefined);
 * slots.acquireGeneral(true);
 * await waitAsync(slots, 5, undefined).catch((e) => console.log(e.name)); // PoolTimeoutError
 * ```
 */
export async function waitAsync<T extends object>(
  s: ThreadSafeSlots<T>,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  const start = performance.now();
  for (;;) {
    const left = start + timeout - performance.now();
    checkWaitEnd(s, left, timeout, start);
    let slot: number;
    // As in waitBlocking: the entry counts this wait before the free list
    // does. If this thread gives its entry back meanwhile (close, detach),
    // the entry's count was settled then: leave the entry alone.
    const entry = s.entry;
    const waiters = entry * T_WORDS + T_WAITERS;
    Atomics.add(s.threads, waiters, 1);
    try {
      slot = await s.free.popAsync({
        timeout: left,
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (s.entry === entry) Atomics.sub(s.threads, waiters, 1);
      s.counters.countWait(start);
      throw error;
    }
    if (s.entry === entry) Atomics.sub(s.threads, waiters, 1);
    if (slot >= 0) return lendAfterWait(s, slot, signal, start);
  }
}

/** Throws when a wait must end without a slot: detached, closed or out of time. */
function checkWaitEnd<T extends object>(
  s: ThreadSafeSlots<T>,
  left: number,
  timeout: number,
  start: number,
): void {
  if (s.detached) s.counters.countWait(start);
  s.checkAttached("acquire from pool");
  if (Atomics.load(s.header, H_CLOSED) !== 0) {
    s.counters.countWait(start);
    throw new PoolClosedError("Cannot acquire from pool: it is closed");
  }
  if (left <= 0) {
    s.counters.countWait(start);
    s.counters.count(TIMEOUTS);
    throw new PoolTimeoutError(
      `Cannot acquire from pool: timed out after ${quote(timeout)} ms`,
      timeout,
    );
  }
}

/** Lends a slot a wait got, unless the waiter gave up or the pool closed meanwhile. */
function lendAfterWait<T extends object>(
  s: ThreadSafeSlots<T>,
  slot: number,
  signal: AbortSignal | undefined,
  start: number,
): T {
  if (signal?.aborted === true || Atomics.load(s.header, H_CLOSED) !== 0) {
    s.free.push(slot);
    s.counters.countWait(start);
    signal?.throwIfAborted();
    throw new PoolClosedError("Cannot acquire from pool: it is closed");
  }
  s.counters.countWait(start);
  return s.lendCounted(slot, 0);
}

/**
 * `ThreadSafePool.acquireWait`: checks the time limit, then takes a slot at
 * once or waits for one blocking this thread ({@linkcode waitBlocking}).
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param pool What takes a slot at once (the pool itself).
 * @param timeoutMs The caller's time limit in ms (`undefined`: no limit).
 * @returns The wrapper, now borrowed.
 * @throws {RangeError} If `timeoutMs` is not 0 to 2147483647 ms or `Infinity`.
 * @throws {PoolTimeoutError} If no slot came free in time.
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { acquireWaiting } from "./_thread_safe_waits.ts";
 *
 * const slots = openSlots(undefined, { capacity: 1, slotBytes: 4 }, undefined);
 * const pool = { tryAcquire: () => slots.acquireGeneral(false) };
 * console.log(acquireWaiting(slots, pool, 5) !== undefined); // true
 * ```
 */
export function acquireWaiting<T extends object>(
  s: ThreadSafeSlots<T>,
  pool: { tryAcquire(): T | undefined },
  timeoutMs: number | undefined,
): T {
  const timeout = validateTimeout(timeoutMs, "acquire from pool") ?? Infinity;
  return pool.tryAcquire() ?? waitBlocking(s, timeout);
}

/**
 * `ThreadSafePool.acquireAsync`: checks the options, then takes a slot at
 * once or waits for one without blocking ({@linkcode waitAsync}).
 *
 * @typeParam T The wrapper type.
 * @param s This thread's slots.
 * @param pool What takes a slot at once (the pool itself).
 * @param options The caller's `timeout` and `signal`.
 * @returns The wrapper, now borrowed.
 * @throws {TypeError} If `options` is not valid wait options (rejects).
 * @throws {PoolTimeoutError} If no slot came free in time (rejects).
 *
 * @example
 * ```ts
 * import { openSlots } from "./_thread_safe_attach.ts";
 * import { acquireWaitingAsync } from "./_thread_safe_waits.ts";
 *
 * const slots = openSlots(undefined, { capacity: 1, slotBytes: 4 }, undefined);
 * const pool = { tryAcquire: () => slots.acquireGeneral(false) };
 * console.log(await acquireWaitingAsync(slots, pool, {}) !== undefined); // true
 * ```
 */
export async function acquireWaitingAsync<T extends object>(
  s: ThreadSafeSlots<T>,
  pool: { tryAcquire(): T | undefined },
  options: AcquireOptions,
): Promise<T> {
  const { signal, timeout } = validateWaitOptions(
    options,
    "acquire from pool",
  );
  signal?.throwIfAborted();
  return pool.tryAcquire() ?? await waitAsync(s, timeout ?? Infinity, signal);
}
