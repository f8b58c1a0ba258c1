/**
 * What a slot core is made from beyond the validated pool options
 * ({@linkcode CoreExtras}), and what it reports to ({@linkcode Recorder}).
 * Private to `pools/`.
 *
 * @module
 */

/**
 * What the core records; `StatsCollector` and ThreadLocalPool's row both fit.
 *
 * @example A recorder that counts acquires only
 * ```ts
 * import type { Recorder } from "./_slot_settings.ts";
 *
 * let acquires = 0;
 * const none = () => {};
 * const recorder: Recorder = {
 *   sampleAllocation: () => false,
 *   sampleRelease: () => false,
 *   recordAllocation: () => { acquires++; },
 *   recordRelease: none,
 *   recordAllocationTime: none,
 *   recordReleaseTime: none,
 *   recordReset: none,
 *   recordResetFailure: none,
 *   recordGrowth: none,
 *   recordCapacity: none,
 *   recordExhaustion: none,
 *   recordCreated: none,
 *   recordDestroyed: none,
 *   recordLeak: none,
 * };
 * recorder.recordAllocation();
 * console.log(acquires); // 1
 * ```
 */
export interface Recorder {
  /** Whether to time the next acquire. */
  sampleAllocation(): boolean;
  /** Whether to time the next release. */
  sampleRelease(): boolean;
  /** A successful acquire. */
  recordAllocation(): void;
  /** A borrow ended (release, discard, a leak taken back). */
  recordRelease(): void;
  /** A sampled acquire's duration. */
  recordAllocationTime(ns: number): void;
  /** A sampled release's duration. */
  recordReleaseTime(ns: number): void;
  /** A reset that worked. */
  recordReset(): void;
  /** A reset that threw. */
  recordResetFailure(): void;
  /** A growth to `capacity`. */
  recordGrowth(capacity: number): void;
  /** The capacity now. */
  recordCapacity(capacity: number): void;
  /** An acquire that found nothing. */
  recordExhaustion(): void;
  /** An object created. */
  recordCreated(): void;
  /** An object destroyed. */
  recordDestroyed(): void;
  /** A leaked handle. */
  recordLeak(): void;
}

/**
 * Extra settings of the core beyond the validated pool options.
 *
 * @example A growing pool's extras
 * ```ts
 * import type { CoreExtras } from "./_slot_settings.ts";
 * import { grower } from "./_grow.ts";
 * import { linearGrowth } from "../config/growth.ts";
 *
 * const extras: CoreExtras = {
 *   name: "GrowingPool",
 *   nextCapacity: grower(linearGrowth({ increment: 4 }), 64),
 *   maxCapacity: 64,
 * };
 * console.log(extras.maxCapacity); // 64
 * ```
 */
export interface CoreExtras {
  /**
   * From the capacity now, the capacity to grow to, or 0 (see `_grow.ts`):
   * growing pools only.
   */
  readonly nextCapacity?: ((current: number) => number) | undefined;
  /** The most the capacity may grow to (the capacity for fixed pools). */
  readonly maxCapacity?: number | undefined;
  /** A recorder to use instead of a StatsCollector (ThreadLocalPool's row). */
  readonly recorder?: Recorder | undefined;
  /** A shared cell array and index that mirror `inUse` (ThreadLocalPool). */
  readonly row?: Float64Array | undefined;
  /** The index of the in-use cell in `row`. */
  readonly rowAt?: number | undefined;
  /** Called once a closed pool has nothing lent any more. */
  readonly onDrained?: (() => void) | undefined;
  /** The pool's class name, for `onLeak`. */
  readonly name: string;
  /** The object to keep the hot state on: the pool (see `Hot` in `_slot_table.ts`). */
  readonly hot?: object | undefined;
}
