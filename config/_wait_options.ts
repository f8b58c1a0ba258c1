/**
 * The one check of wait options and time limits, shared by every call that
 * waits (`AsyncPool.acquire`, `drain` and `close`, `ThreadSafePool`'s
 * `acquireWait` and `acquireAsync`, `SharedFreeList`'s `popWait` and
 * `popAsync`). Private to the library.
 *
 * One rule for a time limit: a number of milliseconds from 0 to 2147483647
 * (the most a timer can wait), or `Infinity` for none. 0 means "do not wait":
 * the call fails at once when nothing is free.
 *
 * @module
 */

import { quote } from "../quote.ts";
import { isOptions } from "./_option_keys.ts";
import type { AcquireOptions } from "./wait_options.ts";

/** The longest time a timer can wait, in ms (2^31 - 1). */
export const MAX_TIMER_MS = 2_147_483_647;

/** Checked wait options. */
export interface WaitSettings {
  /** The signal, if any. */
  readonly signal: AbortSignal | undefined;
  /** The time limit in ms; `undefined` for none. */
  readonly timeout: number | undefined;
}

const NO_WAIT_LIMIT: WaitSettings = { signal: undefined, timeout: undefined };

/**
 * Checks a time limit.
 *
 * @param timeout The limit as given (`undefined`: none).
 * @param action The call, for the message: `"acquire from pool"`...
 * @returns The limit in ms, or `undefined` for none (`Infinity`).
 * @throws {RangeError} If it is not a number from 0 to 2147483647 or `Infinity`.
 *
 * @example
 * ```ts
 * import { validateTimeout } from "./_wait_options.ts";
 *
 * console.log(validateTimeout(0, "wait"), validateTimeout(Infinity, "wait")); // 0 undefined
 * try {
 *   validateTimeout(-1, "wait");
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // Cannot wait: timeout -1 is not a number of ms from 0 to 2147483647, or Infinity
 * }
 * ```
 */
export function validateTimeout(
  timeout: unknown,
  action: string,
): number | undefined {
  if (timeout === undefined || timeout === Infinity) return undefined;
  if (
    typeof timeout !== "number" || !(timeout >= 0 && timeout <= MAX_TIMER_MS)
  ) {
    throw new RangeError(
      `Cannot ${action}: timeout ${
        quote(timeout)
      } is not a number of ms from 0 to ${quote(MAX_TIMER_MS)}, or Infinity`,
    );
  }
  return timeout;
}

/**
 * Checks the options of a wait: an object with at most `signal` (an
 * `AbortSignal`) and `timeout` (see {@linkcode validateTimeout}), or
 * `undefined`. With `signal: false` only `timeout` is allowed (`drain`,
 * `close`).
 *
 * @param options The options as given.
 * @param action The call, for the message: `"acquire from pool"`...
 * @param fallback The time limit when none is given (`undefined`: none).
 * @returns The signal and the time limit (`undefined` for none).
 * @throws {TypeError} If `options` is not an object, has an unknown key, or
 * `signal` is not an `AbortSignal`.
 * @throws {RangeError} For a bad `timeout`.
 *
 * @example
 * ```ts
 * import { validateWaitOptions } from "./_wait_options.ts";
 *
 * console.log(validateWaitOptions({ timeout: 50 }, "acquire from pool").timeout); // 50
 * console.log(validateWaitOptions(undefined, "acquire from pool", 20).timeout); // 20
 * ```
 */
export function validateWaitOptions(
  options: AcquireOptions | undefined,
  action: string,
  fallback?: number,
  { signal: allowSignal = true }: { signal?: boolean } = {},
): WaitSettings {
  if (options === undefined) {
    return fallback === undefined
      ? NO_WAIT_LIMIT
      : { signal: undefined, timeout: fallback };
  }
  if (!isOptions(options)) {
    throw new TypeError(
      `Cannot ${action}: options ${quote(options)} are not an object`,
    );
  }
  for (const key of Object.keys(options)) {
    if (key !== "timeout" && (key !== "signal" || !allowSignal)) {
      throw new TypeError(`Cannot ${action}: option ${quote(key)} is unknown`);
    }
  }
  const { signal, timeout } = options;
  if (
    signal !== undefined &&
    (typeof AbortSignal === "undefined" || !(signal instanceof AbortSignal))
  ) {
    throw new TypeError(
      `Cannot ${action}: signal ${quote(signal)} is not an AbortSignal`,
    );
  }
  return {
    signal,
    timeout: timeout === undefined
      ? fallback
      : validateTimeout(timeout, action),
  };
}
