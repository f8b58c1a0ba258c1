/**
 * Timers for {@linkcode AsyncPool}, private to `pools/`: the pool's own
 * timers (idle eviction, health checks, create timeouts, acquire timeouts)
 * never keep a process alive, while a `KeepAlive` holds the process open as
 * long as an acquire (or a `drain`/`close` with a deadline) is awaited, on
 * Deno, Node and Bun alike.
 *
 * @module
 */

import { MAX_TIMER_MS } from "../config/_wait_options.ts";

/** Lets the process exit while `id` is armed (Deno, Node, Bun; browsers never wait). */
export function unrefTimer(id: unknown): void {
  if (typeof id === "number") {
    // Read here, not at the top level: a module-level read of a global is a
    // side effect a bundler must keep.
    (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno
      ?.unrefTimer?.(id);
  } else {
    (id as { unref?: () => void } | undefined)?.unref?.();
  }
}

/**
 * `setTimeout` that never keeps the process alive. The argument is passed
 * through so callers need no closure.
 */
export function setUnrefTimeout<A>(
  fn: (arg: A) => void,
  ms: number,
  arg: A,
): unknown {
  const id: unknown = setTimeout(fn, ms, arg);
  unrefTimer(id);
  return id;
}

/** Clears a timer made by this module (or any `setTimeout`/`setInterval`). */
export function clearTimer(id: unknown): void {
  clearTimeout(id as number);
}

/**
 * `promise`, or a rejection with `onTimeout()`'s error after `ms`. The
 * timer is the caller's own deadline, so it keeps the process alive.
 */
export function deadline(
  promise: Promise<void>,
  ms: number,
  onTimeout: () => Error,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    }, (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function nothing(): void {
  // The keep-alive timer only exists to be waited on.
}

/**
 * Holds the process open while something awaited is outstanding: a
 * long-period interval exists while the count of holders is above zero. It
 * holds no reference to the pool.
 */
export class KeepAlive {
  #timer: unknown = undefined;
  #holders = 0;

  /** One more thing is awaited. */
  hold(): void {
    if (this.#holders++ === 0) {
      this.#timer = setInterval(nothing, MAX_TIMER_MS);
    }
  }

  /** One thing awaited has settled. */
  let(): void {
    if (--this.#holders === 0) {
      clearInterval(this.#timer as number);
      this.#timer = undefined;
    }
  }
}
