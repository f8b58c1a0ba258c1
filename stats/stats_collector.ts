/**
 * {@linkcode StatsCollector}: the counters behind `pool.stats()`, usable on
 * its own to total the statistics of several pools.
 *
 * @module
 */

import type { PoolStats } from "./pool_stats.ts";
import type { StatisticsOptions } from "../config/options.ts";
import { checkNumber, validateStatistics } from "../config/_options.ts";
import { checkOptionKeys } from "../config/_option_keys.ts";
import { hookInspect } from "../_inspect.ts";
import { quote } from "../quote.ts";
import { checkStats } from "./_check_stats.ts";

/** Whether `console.log` hooks are on the prototype yet (see `_inspect.ts`). */
let inspectable = false;

/**
 * Throws unless `value` is a non-negative finite number (a count, a capacity
 * or a duration). Only the `record*` methods that take a value check it, off
 * every pool's plain path.
 */
function checkAmount(value: unknown, name: string, action: string): void {
  if (typeof value !== "number" || !(value >= 0) || value === Infinity) {
    throw new RangeError(
      `Cannot record ${action}: ${name} ${
        quote(value)
      } is not a non-negative finite number`,
    );
  }
}

/**
 * Options of a {@linkcode StatsCollector}.
 *
 * @example
 * ```ts
 * import { StatsCollector, type StatsCollectorOptions } from "@fastalloc/fastalloc/stats";
 *
 * const options: StatsCollectorOptions = { capacity: 10, timing: true, sampleRate: 0.25 };
 * const collector = new StatsCollector(options);
 * console.log(collector.timing, collector.snapshot().currentCapacity); // true 10
 * ```
 */
export interface StatsCollectorOptions extends StatisticsOptions {
  /** The capacity to start with (default 0). */
  capacity?: number;
}

/**
 * Counts what a pool does. Pools call the `record*` methods; `snapshot()`
 * returns a frozen {@linkcode PoolStats}. Timing is sampled: when `timing` is
 * on, {@linkcode StatsCollector.sampleAllocation} and
 * {@linkcode StatsCollector.sampleRelease} each answer `true` for one
 * operation in every `round(1 / sampleRate)` of their kind (so the rate
 * actually used is `1 / round(1 / sampleRate)`: 0.3 times one in 3), and only
 * those are timed, because a clock read costs far
 * more than a pooled acquire.
 *
 * @example Total two pools' statistics
 * ```ts
 * import { FixedPool, StatsCollector } from "@fastalloc/fastalloc";
 *
 * const a = new FixedPool({ capacity: 2, factory: () => ({}), enableStatistics: true });
 * const b = new FixedPool({ capacity: 3, factory: () => ({}), enableStatistics: true });
 * a.acquire();
 * b.acquire();
 * const total = new StatsCollector().merge(a.stats()).merge(b.stats()).snapshot();
 * console.log(total.totalAllocations, total.currentCapacity); // 2 5
 * ```
 */
export class StatsCollector {
  /** Whether sampled timing is on. */
  readonly timing: boolean;
  /** The fraction of operations timed. */
  readonly sampleRate: number;
  #interval: number;
  #allocationCountdown: number;
  #releaseCountdown: number;
  #allocations = 0;
  #releases = 0;
  #resets = 0;
  #growthEvents = 0;
  /** In use = allocations - releases + this (merges and resets move it). */
  #inUseOffset = 0;
  #peakInUse = 0;
  #capacity = 0;
  #peakCapacity = 0;
  #allocationTimeNs = 0;
  #timedAllocations = 0;
  #releaseTimeNs = 0;
  #timedReleases = 0;
  #exhaustions = 0;
  #created = 0;
  #destroyed = 0;
  #leaks = 0;
  #resetFailures = 0;
  #waits = 0;
  #timeouts = 0;
  #waitTimeNs = 0;
  #pending = 0;
  #createFailures = 0;

  /**
   * Makes an empty collector.
   *
   * @param options Timing, sample rate and starting capacity.
   * @throws {PoolConfigurationError} If `options` is not an object or has an
   * unknown key, or for a bad `sampleRate`, `timing` or `capacity` (a
   * non-negative safe integer).
   */
  constructor(options: StatsCollectorOptions = {}) {
    // console.log shows the counters (hooked here: see _inspect.ts).
    if (!inspectable) {
      inspectable = hookInspect(StatsCollector.prototype, describeCollector);
    }
    checkOptionKeys(
      options,
      ["timing", "sampleRate", "capacity"],
      "StatsCollector",
    );
    const { capacity: given, ...statistics } = options;
    const capacity = checkNumber(given, "capacity", "StatsCollector", {
      integer: true,
    }) ?? 0;
    const settings = validateStatistics(statistics, "StatsCollector");
    this.timing = settings.timing;
    this.sampleRate = settings.sampleRate;
    this.#interval = Math.max(1, Math.round(1 / settings.sampleRate));
    this.#allocationCountdown = this.#releaseCountdown = this.#interval;
    this.recordCapacity(capacity);
  }

  /**
   * Whether to time the next acquire: `true` once every `round(1 / sampleRate)`
   * calls when timing is on, never otherwise.
   *
   * @returns Whether the caller should time this operation.
   */
  sampleAllocation(): boolean {
    if (!this.timing || --this.#allocationCountdown !== 0) return false;
    this.#allocationCountdown = this.#interval;
    return true;
  }

  /**
   * Whether to time the next release: as
   * {@linkcode StatsCollector.sampleAllocation}, with its own countdown, so
   * alternating acquires and releases are both sampled.
   *
   * @returns Whether the caller should time this release.
   */
  sampleRelease(): boolean {
    if (!this.timing || --this.#releaseCountdown !== 0) return false;
    this.#releaseCountdown = this.#interval;
    return true;
  }

  /** Records a successful acquire. */
  recordAllocation(): void {
    // In use is derived, so the hot path writes one counter, not two.
    const inUse = ++this.#allocations - this.#releases + this.#inUseOffset;
    if (inUse > this.#peakInUse) this.#peakInUse = inUse;
  }

  /** Records a borrowed object coming back (release, leaked handle ended by the collector, or discard). */
  recordRelease(): void {
    this.#releases++;
  }

  /** Objects lent now, by these counts. */
  get #inUse(): number {
    return this.#allocations - this.#releases + this.#inUseOffset;
  }

  /**
   * Records how long a sampled acquire took.
   *
   * @param ns The time in nanoseconds.
   * @throws {RangeError} If `ns` is not a non-negative finite number.
   */
  recordAllocationTime(ns: number): void {
    checkAmount(ns, "ns", "allocation time");
    this.#allocationTimeNs += ns;
    this.#timedAllocations++;
  }

  /**
   * Records how long a sampled release took.
   *
   * @param ns The time in nanoseconds.
   * @throws {RangeError} If `ns` is not a non-negative finite number.
   */
  recordReleaseTime(ns: number): void {
    checkAmount(ns, "ns", "release time");
    this.#releaseTimeNs += ns;
    this.#timedReleases++;
  }

  /** Records a successful reset. */
  recordReset(): void {
    this.#resets++;
  }

  /** Records a reset that threw. */
  recordResetFailure(): void {
    this.#resetFailures++;
  }

  /**
   * Records a growth to a new capacity.
   *
   * @param capacity The capacity after growing.
   * @throws {RangeError} If `capacity` is not a non-negative finite number.
   */
  recordGrowth(capacity: number): void {
    checkAmount(capacity, "capacity", "growth");
    this.#growthEvents++;
    this.recordCapacity(capacity);
  }

  /**
   * Records the capacity now (after a trim, say), keeping the peak.
   *
   * @param capacity The capacity now.
   * @throws {RangeError} If `capacity` is not a non-negative finite number.
   */
  recordCapacity(capacity: number): void {
    checkAmount(capacity, "capacity", "capacity");
    this.#capacity = capacity;
    if (capacity > this.#peakCapacity) this.#peakCapacity = capacity;
  }

  /** Records an acquire that found nothing and failed or waited. */
  recordExhaustion(): void {
    this.#exhaustions++;
  }

  /** Records an object created. */
  recordCreated(): void {
    this.#created++;
  }

  /** Records an object destroyed. */
  recordDestroyed(): void {
    this.#destroyed++;
  }

  /** Records a leaked handle. */
  recordLeak(): void {
    this.#leaks++;
  }

  /**
   * Records an acquire that waited, and for how long.
   *
   * @param ns The wait in nanoseconds.
   * @throws {RangeError} If `ns` is not a non-negative finite number.
   */
  recordWait(ns: number): void {
    checkAmount(ns, "ns", "wait");
    this.#waits++;
    this.#waitTimeNs += ns;
  }

  /** Records an acquire that timed out. */
  recordTimeout(): void {
    this.#timeouts++;
  }

  /** Records a factory call that threw, rejected or timed out. */
  recordCreateFailure(): void {
    this.#createFailures++;
  }

  /**
   * Records how many acquires are waiting now (a current value, not a count).
   *
   * @param count The number of waiting acquires.
   * @throws {RangeError} If `count` is negative or not a finite number.
   */
  recordPending(count: number): void {
    checkAmount(count, "count", "pending acquires");
    this.#pending = count;
  }

  /**
   * Adds another collector's or snapshot's counts to this one: counts and
   * current values are summed, averages are weighted, and peaks take the
   * maximum of the two peaks and the summed current value (so a peak is never
   * below its current value).
   *
   * @param other A collector, or a snapshot from `stats()`.
   * @returns This collector, for chaining.
   * @throws {TypeError} If `other` is neither a collector nor a statistics
   * snapshot (nothing is merged then).
   */
  merge(other: StatsCollector | PoolStats): this {
    // A brand check, not instanceof: it runs no Proxy trap and cannot throw
    // for a revoked Proxy (which checkStats then refuses); Object() makes a
    // primitive an object it can ask.
    const s = #inUseOffset in Object(other)
      ? (other as StatsCollector).snapshot()
      : checkStats(other, "merge statistics");
    if (!s.enabled) {
      this.#inUseOffset += s.currentInUse;
      this.#peakInUse = Math.max(this.#peakInUse, this.#inUse);
      this.#capacity += s.currentCapacity;
      this.#peakCapacity = Math.max(this.#peakCapacity, this.#capacity);
      return this;
    }
    this.#allocations += s.totalAllocations;
    this.#releases += s.totalReleases;
    this.#resets += s.totalResets;
    this.#growthEvents += s.growthEvents;
    this.#inUseOffset += s.currentInUse -
      (s.totalAllocations - s.totalReleases);
    this.#peakInUse = Math.max(this.#peakInUse, s.peakInUse, this.#inUse);
    this.#capacity += s.currentCapacity;
    this.#peakCapacity = Math.max(
      this.#peakCapacity,
      s.peakCapacity,
      this.#capacity,
    );
    if (s.avgAllocationTimeNs > 0) {
      this.#allocationTimeNs += s.avgAllocationTimeNs * s.totalAllocations;
      this.#timedAllocations += s.totalAllocations;
    }
    if (s.avgReleaseTimeNs > 0) {
      this.#releaseTimeNs += s.avgReleaseTimeNs * s.totalReleases;
      this.#timedReleases += s.totalReleases;
    }
    this.#exhaustions += s.exhaustions;
    this.#created += s.created;
    this.#destroyed += s.destroyed;
    this.#leaks += s.leaks;
    this.#resetFailures += s.resetFailures;
    this.#waits += s.waits;
    this.#timeouts += s.timeouts;
    this.#waitTimeNs += s.totalWaitTimeNs;
    this.#pending += s.pending;
    this.#createFailures += s.createFailures;
    return this;
  }

  /**
   * Starts counting afresh: every count and time goes back to 0, while the
   * current state stays (objects in use and capacity), and the peaks restart
   * from it.
   */
  reset(): void {
    const capacity = this.#capacity;
    const inUse = this.#inUse;
    this.#allocations = this.#releases = this.#resets = 0;
    this.#growthEvents = this.#allocationTimeNs = this.#timedAllocations = 0;
    this.#releaseTimeNs = this.#timedReleases = this.#exhaustions = 0;
    this.#created =
      this.#destroyed =
      this.#leaks =
      this.#resetFailures =
        0;
    this.#waits =
      this.#timeouts =
      this.#waitTimeNs =
      this.#createFailures =
        0;
    this.#inUseOffset = this.#peakInUse = inUse;
    this.#capacity = this.#peakCapacity = capacity;
    this.#allocationCountdown = this.#releaseCountdown = this.#interval;
  }

  /**
   * A frozen snapshot of the counters.
   *
   * @returns The statistics, `enabled: true`.
   */
  snapshot(): PoolStats {
    const avgAllocation = this.#timedAllocations === 0
      ? 0
      : this.#allocationTimeNs / this.#timedAllocations;
    const avgRelease = this.#timedReleases === 0
      ? 0
      : this.#releaseTimeNs / this.#timedReleases;
    return Object.freeze({
      enabled: true,
      totalAllocations: this.#allocations,
      totalReleases: this.#releases,
      totalResets: this.#resets,
      growthEvents: this.#growthEvents,
      peakInUse: this.#peakInUse,
      peakCapacity: this.#peakCapacity,
      currentInUse: this.#inUse,
      currentCapacity: this.#capacity,
      totalAllocationTimeNs: avgAllocation * this.#allocations,
      totalReleaseTimeNs: avgRelease * this.#releases,
      avgAllocationTimeNs: avgAllocation,
      avgReleaseTimeNs: avgRelease,
      exhaustions: this.#exhaustions,
      created: this.#created,
      destroyed: this.#destroyed,
      leaks: this.#leaks,
      resetFailures: this.#resetFailures,
      waits: this.#waits,
      timeouts: this.#timeouts,
      totalWaitTimeNs: this.#waitTimeNs,
      pending: this.#pending,
      createFailures: this.#createFailures,
    });
  }
}

function describeCollector(collector: StatsCollector): string {
  const s = collector.snapshot();
  return `StatsCollector { inUse: ${s.currentInUse}, capacity: ${s.currentCapacity}, allocations: ${s.totalAllocations}, releases: ${s.totalReleases}, exhaustions: ${s.exhaustions}, leaks: ${s.leaks}, timing: ${collector.timing} }`;
}
