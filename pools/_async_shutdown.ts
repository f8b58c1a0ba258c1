/**
 * How {@linkcode AsyncPool} stops, private to `pools/`: `drain` (stop
 * lending, wait until nothing is out) and `close` (that, and give up what
 * waits, destroy every object), each with an optional deadline, and the
 * "quiet" point both wait for: no borrow out, no reset or validation
 * running, no creation in flight, no waiter, no destroy in flight.
 *
 * A timeout of 0 does not wait: the call settles as soon as it has done what
 * it does at once, rejecting if anything is still out then.
 *
 * @module
 */

import type { DrainOptions } from "../config/async_options.ts";
import { validateWaitOptions } from "../config/_wait_options.ts";
import { PoolTimeoutError } from "../errors.ts";
import { deadline } from "./_async_timers.ts";

/** `drain` and `close` take no signal. */
const NO_SIGNAL: { signal: boolean } = { signal: false };

/**
 * What stopping asks of its pool (the core is one).
 *
 * @example
 * ```ts
 * import { AsyncCore } from "./_async_core.ts";
 * import type { ShutdownOwner } from "./_async_shutdown.ts";
 *
 * const core = new AsyncCore(undefined, { capacity: 1, factory: () => ({}) });
 * const owner: ShutdownOwner = core;
 * console.log(owner.quiet(), owner.failures()); // true undefined
 * ```
 */
export interface ShutdownOwner {
  /** Objects lent now. */
  readonly inUse: number;
  /** Sends every call down the general path (draining or closed). */
  stopLending(): void;
  /**
   * What `close` does at once: mark the pool closed, stop its timers, give
   * up creations and waiters, destroy the idle objects.
   */
  closeNow(): void;
  /**
   * Whether nothing is in progress: no borrow out, no reset or validation
   * running, no creation in flight, no waiter, no destroy in flight.
   */
  quiet(): boolean;
  /** What `close` rejects with when some destroy failed while closing. */
  failures(): AggregateError | undefined;
}

/**
 * The time limit of a drain or close (`undefined`: none), or the error its
 * options get.
 */
function timeoutOf(
  options: DrainOptions | undefined,
  action: string,
): number | undefined | Error {
  try {
    return validateWaitOptions(options, action, undefined, NO_SIGNAL).timeout;
  } catch (error) {
    return error as Error;
  }
}

/**
 * Drain, close and the quiet point of one pool.
 *
 * @example
 * ```ts
 * import { AsyncCore } from "./_async_core.ts";
 *
 * const core = new AsyncCore(undefined, { capacity: 1, factory: () => ({}) });
 * const obj = await core.acquires.acquire(undefined);
 * await core.shutdown.close({ timeout: 0 }).catch((e) => console.log(e.message));
 * // Cannot close pool: 1 borrows are still out after 0 ms
 * await core.returns.release(obj, core.slots.borrowedSlot(obj)); // destroyed
 * ```
 */
export class Shutdown {
  /** Set by `drain` and `close`: no new acquire is served. */
  draining = false;
  readonly #owner: ShutdownOwner;
  #closing: Promise<void> | undefined = undefined;
  #quiet: PromiseWithResolvers<void> | undefined = undefined;

  constructor(owner: ShutdownOwner) {
    this.#owner = owner;
  }

  /** `AsyncPool.drain`. */
  drain(options: DrainOptions | undefined): Promise<void> {
    const timeout = timeoutOf(options, "drain pool");
    if (timeout instanceof Error) return Promise.reject(timeout);
    this.#stopLending();
    const quiet = this.#whenQuiet();
    if (timeout === undefined) return quiet;
    if (timeout === 0) {
      // Do not wait: done now, or out of time now.
      return this.#owner.quiet()
        ? quiet
        : Promise.reject(this.#timedOut("drain", 0));
    }
    return deadline(quiet, timeout, () => this.#timedOut("drain", timeout));
  }

  /** `AsyncPool.close`. */
  close(options: DrainOptions | undefined): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const timeout = timeoutOf(options, "close pool");
    if (timeout instanceof Error) return Promise.reject(timeout);
    // The promise exists before any destroy runs: a re-entrant close gets it.
    const done = Promise.withResolvers<void>();
    // With timeout 0 (do not wait) it is settled once this call has done
    // what it does at once: it times out if anything is still out then.
    const now = timeout === 0 ? Promise.withResolvers<void>() : undefined;
    this.#closing = timeout === undefined
      ? done.promise
      : now !== undefined
      ? now.promise
      : deadline(done.promise, timeout, () => this.#timedOut("close", timeout));
    this.#stopLending();
    this.#owner.closeNow();
    this.#whenQuiet().then(() => {
      const failed = this.#owner.failures();
      if (failed === undefined) done.resolve();
      else done.reject(failed);
    });
    if (now !== undefined) {
      if (this.#owner.quiet()) done.promise.then(now.resolve, now.reject);
      else {
        done.promise.catch(() => {}); // reported by nobody: it timed out
        now.reject(this.#timedOut("close", 0));
      }
    }
    return this.#closing;
  }

  /** Something settled: resolves the quiet point once the pool is quiet. */
  settled(): void {
    const quiet = this.#quiet;
    if (quiet !== undefined && this.#owner.quiet()) {
      this.#quiet = undefined;
      quiet.resolve();
    }
  }

  #stopLending(): void {
    this.draining = true;
    this.#owner.stopLending();
  }

  /** A drain or close past its deadline; a timed-out drain closes the pool. */
  #timedOut(what: "drain" | "close", ms: number): PoolTimeoutError {
    const out = this.#owner.inUse;
    if (what === "drain") this.close(undefined).catch(() => {});
    return new PoolTimeoutError(
      `Cannot ${what} pool: ${out} borrows are still out after ${ms} ms`,
      ms,
    );
  }

  #whenQuiet(): Promise<void> {
    if (this.#owner.quiet()) return Promise.resolve();
    this.#quiet ??= Promise.withResolvers<void>();
    return this.#quiet.promise;
  }
}
