/**
 * The waiters of {@linkcode AsyncPool}, private to `pools/`: one
 * {@linkcode Waiter} per acquire that could not be served at once, kept in a
 * doubly linked first-in first-out {@linkcode WaiterQueue}. A waiter may be
 * bound to the creation made for it (`creation`). While any waiter is
 * unsettled the queue holds the process alive (an awaited acquire is work),
 * though the waiters' own timers do not.
 *
 * @module
 */

import { PoolClosedError, PoolTimeoutError } from "../errors.ts";
import { quote } from "../quote.ts";
import type { StackHolder } from "./_async_borrows.ts";
import type { Creation } from "./_async_creations.ts";
import { clearTimer, KeepAlive, setUnrefTimeout } from "./_async_timers.ts";

/** What a waiter calls back into its pool with. */
export interface WaiterOwner<T extends object> {
  timedOut(waiter: Waiter<T>): void;
  aborted(waiter: Waiter<T>): void;
}

/** Whether an acquire is timed, and since when (ns; 0 without statistics). */
export interface Timing {
  readonly started: number;
  readonly sampled: boolean;
  /** The stack of the acquire call, while `overdue` is watched. */
  readonly stack?: StackHolder | undefined;
}

/** The timing of an acquire without statistics. */
export const NO_TIMING: Timing = { started: 0, sampled: false };

/** One acquire that could not be served at once. */
export class Waiter<T extends object> {
  readonly owner: WaiterOwner<T>;
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number;
  /** When it started waiting, in ns; 0 without statistics. */
  readonly started: number;
  /** Whether its acquire time is sampled. */
  readonly sampled: boolean;
  /** The stack of its acquire call, while `overdue` is watched. */
  readonly stack: StackHolder | undefined;
  prev: Waiter<T> | undefined = undefined;
  next: Waiter<T> | undefined = undefined;
  queued = false;
  settled = false;
  /** The creation made for it, if any. */
  creation: Creation<T> | undefined = undefined;
  timer: unknown = undefined;

  constructor(
    owner: WaiterOwner<T>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    timing: Timing,
  ) {
    // An executor, not Promise.withResolvers: V8 inlines it (≈ 1.5× faster).
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.owner = owner;
    this.signal = signal;
    this.timeoutMs = timeoutMs ?? 0;
    this.started = timing.started;
    this.sampled = timing.sampled;
    this.stack = timing.stack;
    // A timeout of 0 is run out by the pool at once, without a timer.
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.timer = setUnrefTimeout(onWaiterTimeout, timeoutMs, this);
    }
    // The waiter is its own listener (handleEvent): no closure per wait.
    signal?.addEventListener("abort", this, { once: true });
  }

  /** The abort listener. */
  handleEvent(): void {
    this.owner.aborted(this);
  }
}

/** The error of an acquire whose `timeout` ran out. */
export function timedOutWaiting(ms: number): PoolTimeoutError {
  return new PoolTimeoutError(
    `Cannot acquire from pool: timed out after ${quote(ms)} ms`,
    ms,
  );
}

/**
 * The error of an acquire refused because its pool is closed or draining.
 *
 * @param closed Whether it is closed (else draining).
 * @returns The error to reject with.
 *
 * @example
 * ```ts
 * import { closedForAcquire } from "./_async_waiters.ts";
 *
 * console.log(closedForAcquire(false).message);
 * // Cannot acquire from pool: it is draining
 * ```
 */
export function closedForAcquire(closed: boolean): PoolClosedError {
  return new PoolClosedError(
    closed
      ? "Cannot acquire from pool: it is closed"
      : "Cannot acquire from pool: it is draining",
  );
}

/** The error of an acquire still waiting when its pool closed. */
export function closedWhileWaiting(): PoolClosedError {
  return new PoolClosedError(
    "Cannot acquire from pool: it was closed while waiting",
  );
}

function onWaiterTimeout<T extends object>(waiter: Waiter<T>): void {
  waiter.timer = undefined;
  waiter.owner.timedOut(waiter);
}

/**
 * Waiters in arrival order, plus the count of unsettled waiters (queued or
 * out of the queue while their object is validated).
 */
export class WaiterQueue<T extends object> {
  head: Waiter<T> | undefined = undefined;
  tail: Waiter<T> | undefined = undefined;
  /** Unsettled waiters, queued or not. */
  pending = 0;
  readonly #keepAlive: KeepAlive = new KeepAlive();

  /** Makes a waiter and counts it pending (it holds the process alive). */
  open(
    owner: WaiterOwner<T>,
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    timing: Timing,
  ): Waiter<T> {
    this.pending++;
    this.#keepAlive.hold();
    return new Waiter(owner, signal, timeout, timing);
  }

  /** Ends a waiter's wait: clears its timer and listener. */
  settle(waiter: Waiter<T>): void {
    waiter.settled = true;
    this.pending--;
    this.#keepAlive.let();
    if (waiter.timer !== undefined) {
      clearTimer(waiter.timer);
      waiter.timer = undefined;
    }
    waiter.signal?.removeEventListener("abort", waiter);
  }

  /** Puts `waiter` last. */
  push(waiter: Waiter<T>): void {
    this.#link(waiter, this.tail, undefined);
  }

  /** Puts `waiter` first again (it was first when its object was taken). */
  unshift(waiter: Waiter<T>): void {
    this.#link(waiter, undefined, this.head);
  }

  /** Links `waiter` in between `prev` and `next` (the undoing of `remove`). */
  #link(
    waiter: Waiter<T>,
    prev: Waiter<T> | undefined,
    next: Waiter<T> | undefined,
  ): void {
    waiter.queued = true;
    waiter.prev = prev;
    waiter.next = next;
    if (prev === undefined) this.head = waiter;
    else prev.next = waiter;
    if (next === undefined) this.tail = waiter;
    else next.prev = waiter;
  }

  /** Takes `waiter` out of the queue (its creation is the caller's business). */
  remove(waiter: Waiter<T>): void {
    const { prev, next } = waiter;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    waiter.prev = waiter.next = undefined;
    waiter.queued = false;
  }

  /** The first queued waiter with no creation made for it. */
  firstUncovered(): Waiter<T> | undefined {
    let waiter = this.head;
    while (waiter !== undefined && waiter.creation !== undefined) {
      waiter = waiter.next;
    }
    return waiter;
  }
}
