/**
 * How a thread waits for a slot of a {@linkcode SharedFreeList} to come
 * free: the waiter count and the sequence word in the list's control block,
 * one blocking or async sleep of at most {@linkcode WAIT_SLICE_MS}, and the
 * wake-up a return sends. Private to `allocators/`.
 *
 * A wait registers in the waiter count, then sleeps on the sequence word
 * with `Atomics.wait`/`Atomics.waitAsync`; a return wakes one sleeper only
 * when the count is non-zero, so returns cost nothing extra while nobody
 * waits. A registration never drops below 0 (each end is a clamped
 * decrement), so settling the registrations of a dead thread is safe.
 *
 * @module
 */

/** Int32 words per 64-byte cache line. */
const LINE = 16;
/** The control word counting registered waits (on its own cache line). */
export const C_WAITERS = LINE;
/** The control word a return bumps to wake sleepers (on its own cache line). */
export const C_SEQUENCE = 32; // 2 * LINE: a literal, esbuild keeps top-level arithmetic
/** The longest single sleep of a waiter before it looks again. */
export const WAIT_SLICE_MS = 20;

/** What a wait takes a slot from: the list's own `pop` and `interrupt`. */
export interface Poppable {
  /** Takes a free slot, or -1. */
  pop(): number;
  /** Wakes every sleeper. */
  interrupt(): void;
}

let blockingAllowed: boolean | undefined;

/**
 * Whether this thread may block in `Atomics.wait` (not on a browser's main
 * thread). Asked once, then cached.
 *
 * @returns `true` where blocking is allowed.
 *
 * @example
 * ```ts
 * import { canBlock } from "./_shared_waits.ts";
 *
 * console.log(typeof canBlock()); // boolean
 * ```
 */
export function canBlock(): boolean {
  if (blockingAllowed === undefined) {
    try {
      // Returns "not-equal" at once where waiting is allowed; throws where not.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockingAllowed = true;
    } catch {
      blockingAllowed = false;
    }
  }
  return blockingAllowed;
}

/**
 * Ends one waiter registration; never takes the count below 0.
 *
 * @param control The list's control words.
 *
 * @example
 * ```ts
 * import { C_WAITERS, unregister } from "./_shared_waits.ts";
 *
 * const control = new Int32Array(new SharedArrayBuffer(48 * 4));
 * unregister(control); // nothing registered: stays 0
 * console.log(control[C_WAITERS]); // 0
 * ```
 */
export function unregister(control: Int32Array): void {
  let seen = Atomics.load(control, C_WAITERS);
  while (seen > 0) {
    const was = Atomics.compareExchange(control, C_WAITERS, seen, seen - 1);
    if (was === seen) return;
    seen = was;
  }
}

/**
 * Wakes sleepers on the sequence word: `count` of them (default: all).
 *
 * @param control The list's control words.
 * @param count How many sleepers to wake.
 *
 * @example
 * ```ts
 * import { C_SEQUENCE, wake } from "./_shared_waits.ts";
 *
 * const control = new Int32Array(new SharedArrayBuffer(48 * 4));
 * wake(control, 1);
 * console.log(control[C_SEQUENCE]); // 1
 * ```
 */
export function wake(control: Int32Array, count?: number): void {
  Atomics.add(control, C_SEQUENCE, 1);
  Atomics.notify(control, C_SEQUENCE, count);
}

/**
 * One blocking wait of at most {@linkcode WAIT_SLICE_MS}: registers, looks
 * once more, sleeps until a return wakes it or the slice ends, looks again.
 *
 * @param list The list to take from.
 * @param control Its control words.
 * @param timeoutMs The time left to wait, in ms.
 * @returns A slot, or -1 if none was had in this slice.
 *
 * @example
 * ```ts
 * import { SharedFreeList } from "../allocators/shared_freelist.ts";
 * import { blockOnce } from "./_shared_waits.ts";
 *
 * const list = new SharedFreeList(1);
 * const control = new Int32Array(list.buffer, 0, 48);
 * console.log(blockOnce(list, control, 5)); // 0: free at once
 * ```
 */
export function blockOnce(
  list: Poppable,
  control: Int32Array,
  timeoutMs: number,
): number {
  Atomics.add(control, C_WAITERS, 1);
  // Registered before the second look: a slot returned after it wakes us.
  const seen = Atomics.load(control, C_SEQUENCE);
  let slot = list.pop();
  if (slot < 0) {
    Atomics.wait(
      control,
      C_SEQUENCE,
      seen,
      Math.max(0, Math.min(timeoutMs, WAIT_SLICE_MS)),
    );
    slot = list.pop();
  }
  unregister(control);
  return slot;
}

/**
 * One async wait of at most {@linkcode WAIT_SLICE_MS}, with
 * `Atomics.waitAsync` where the runtime has it, else by polling on a
 * backing-off timer until `timeout`.
 *
 * @param list The list to take from.
 * @param control Its control words.
 * @param options The time left (ms) and the signal that stops the wait.
 * @returns A slot, or -1 if none was had; rejects with `signal.reason`.
 *
 * @example
 * ```ts
 * import { SharedFreeList } from "../allocators/shared_freelist.ts";
 * import { waitOnceAsync } from "./_shared_waits.ts";
 *
 * const list = new SharedFreeList(1);
 * const slot = list.pop();
 * const control = new Int32Array(list.buffer, 0, 48);
 * console.log(await waitOnceAsync(list, control, { timeout: 5, signal: undefined })); // -1
 * list.push(slot);
 * ```
 */
export function waitOnceAsync(
  list: Poppable,
  control: Int32Array,
  options: { timeout: number; signal: AbortSignal | undefined },
): Promise<number> {
  const waitAsync = (Atomics as { waitAsync?: typeof Atomics.waitAsync })
    .waitAsync;
  return typeof waitAsync === "function"
    ? sleepAsync(list, control, options.timeout, options.signal)
    : poll(list, options.timeout, options.signal);
}

function sleepAsync(
  list: Poppable,
  control: Int32Array,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  Atomics.add(control, C_WAITERS, 1);
  const seen = Atomics.load(control, C_SEQUENCE);
  const slot = list.pop();
  const result = slot >= 0 ? undefined : Atomics.waitAsync(
    control,
    C_SEQUENCE,
    seen,
    Math.min(timeout, WAIT_SLICE_MS),
  );
  if (result === undefined || !result.async) {
    unregister(control);
    return Promise.resolve(slot >= 0 ? slot : list.pop());
  }
  return new Promise<number>((resolve, reject) => {
    let done = false;
    // Deno neither counts a pending waitAsync as work nor always delivers
    // its timeout, so a wake from this very thread (a timer that releases)
    // or the end of the slice could be lost when the event loop ends
    // first. An awaited acquire is real work: a timer keeps the loop alive
    // and, if the wait has not ended by then, ends the slice itself (the
    // caller looks again and waits another slice until its deadline).
    const endSlice = (): void => {
      if (done) return;
      done = true;
      signal?.removeEventListener("abort", onAbort);
      unregister(control);
      resolve(list.pop());
    };
    const keepAlive = setTimeout(
      endSlice,
      Math.min(timeout, WAIT_SLICE_MS) + 1,
    );
    const onAbort = (): void => {
      if (done) return;
      done = true;
      clearTimeout(keepAlive);
      unregister(control);
      // The abandoned wait cannot be cancelled, and it might swallow a
      // wake meant for a live waiter: wake everyone; they look again.
      list.interrupt();
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    void result.value.then(() => {
      clearTimeout(keepAlive);
      endSlice();
    });
  });
}

/** The fallback without `Atomics.waitAsync`: look again on a backing-off timer. */
function poll(
  list: Poppable,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const deadline = performance.now() + timeout;
  return new Promise<number>((resolve, reject) => {
    let delay = 1;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const look = (): void => {
      const slot = list.pop();
      const left = deadline - performance.now();
      if (slot >= 0 || left <= 0) {
        signal?.removeEventListener("abort", onAbort);
        resolve(slot);
        return;
      }
      timer = setTimeout(look, Math.min(delay, left));
      delay = Math.min(delay * 2, 16);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    timer = setTimeout(look, Math.min(delay, timeout));
  });
}
