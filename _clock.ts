/**
 * {@linkcode nowNs}: the one clock of the library's timings. Private to the
 * library.
 *
 * @module
 */

/**
 * The monotonic time in nanoseconds, as a float (`performance.now()` scaled):
 * what every timed acquire, release and wait subtracts. Read only when timing
 * is on.
 *
 * @returns Nanoseconds since the time origin.
 *
 * @example
 * ```ts
 * import { nowNs } from "./_clock.ts";
 *
 * const start = nowNs();
 * console.log(nowNs() >= start); // true
 * ```
 */
export function nowNs(): number {
  return performance.now() * 1e6;
}
