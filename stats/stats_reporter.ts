/**
 * {@linkcode StatsReporter}: turns a {@linkcode PoolStats} snapshot into
 * JSON, a multi-line text report, or a one-line summary.
 *
 * @module
 */

import type { PoolStats } from "./pool_stats.ts";
import { checkOptionKeys } from "../config/options.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import { checkStats } from "./_check_stats.ts";

/**
 * Options of a {@linkcode StatsReporter}.
 *
 * @example
 * ```ts
 * import { FixedPool, StatsReporter, type StatsReporterOptions } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 2, factory: () => ({}), enableStatistics: true });
 * const options: StatsReporterOptions = { title: "bullets" };
 * console.log(new StatsReporter(pool.stats(), options).summary()); // bullets: 0/2 in use (peak 0), ...
 * ```
 */
export interface StatsReporterOptions {
  /** The report's heading (default `"Pool statistics"`). */
  title?: string;
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function duration(ns: number): string {
  if (ns < 1_000) return `${ns.toFixed(1)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(2)} µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(2)} ms`;
  return `${(ns / 1_000_000_000).toFixed(2)} s`;
}

/**
 * Formats pool statistics for people and for logs.
 *
 * @example
 * ```ts
 * import { FixedPool, StatsReporter } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 4, factory: () => ({}), enableStatistics: true });
 * pool.release(pool.acquire());
 * const reporter = new StatsReporter(pool.stats(), { title: "particles" });
 * console.log(reporter.summary());
 * console.log(reporter.toText());
 * ```
 */
export class StatsReporter {
  #stats: PoolStats;
  #title: string;

  /**
   * Makes a reporter for one snapshot.
   *
   * @param stats A snapshot from `pool.stats()`.
   * @param options The report's title.
   * @throws {TypeError} If `stats` is not a statistics snapshot.
   * @throws {PoolConfigurationError} If `options` is not an object, has an
   * unknown key, or `title` is not a string.
   */
  constructor(stats: PoolStats, options: StatsReporterOptions = {}) {
    this.#stats = checkStats(stats, "create StatsReporter");
    checkOptionKeys(options, ["title"], "StatsReporter");
    const { title } = options;
    if (title !== undefined && typeof title !== "string") {
      throw new PoolConfigurationError(
        `Cannot create StatsReporter: title ${quote(title)} is not a string`,
      );
    }
    this.#title = title ?? "Pool statistics";
  }

  /**
   * The statistics as a plain object, for `JSON.stringify`.
   *
   * @returns A copy of every field.
   */
  toJSON(): PoolStats {
    return { ...this.#stats };
  }

  /**
   * A multi-line report, one topic a line.
   *
   * @returns The report, without a trailing newline.
   */
  toText(): string {
    const s = this.#stats;
    const lines = [`${this.#title}`];
    if (!s.enabled) {
      // Peaks were never collected: show only what is known.
      lines.push(
        `  in use       ${count(s.currentInUse)} of ${
          count(s.currentCapacity)
        }`,
        "  statistics   off (enable with enableStatistics: true)",
      );
      return lines.join("\n");
    }
    lines.push(
      `  in use       ${count(s.currentInUse)} of ${
        count(s.currentCapacity)
      } (peak ${count(s.peakInUse)}, peak capacity ${count(s.peakCapacity)})`,
    );
    lines.push(
      `  acquires     ${count(s.totalAllocations)}, releases ${
        count(s.totalReleases)
      }, resets ${count(s.totalResets)}`,
      `  objects      ${count(s.created)} created, ${
        count(s.destroyed)
      } destroyed, ${count(s.growthEvents)} growth events`,
      `  problems     ${count(s.exhaustions)} exhaustions, ${
        count(s.leaks)
      } leaks, ${count(s.resetFailures)} reset failures`,
      `  waiting      ${count(s.waits)} waits (${
        duration(s.totalWaitTimeNs)
      } in all), ${count(s.timeouts)} timeouts`,
    );
    if (s.avgAllocationTimeNs > 0 || s.avgReleaseTimeNs > 0) {
      lines.push(
        `  timing       acquire ${duration(s.avgAllocationTimeNs)}, release ${
          duration(s.avgReleaseTimeNs)
        } on average (sampled)`,
      );
    }
    return lines.join("\n");
  }

  /**
   * A one-line summary for logs.
   *
   * @returns e.g. `Pool statistics: 3/10 in use (peak 5), 120 acquires, 117 releases, 0 exhaustions, 0 leaks`.
   */
  summary(): string {
    const s = this.#stats;
    const head = `${this.#title}: ${count(s.currentInUse)}/${
      count(s.currentCapacity)
    } in use`;
    if (!s.enabled) return `${head} (statistics off)`;
    return `${head} (peak ${count(s.peakInUse)}), ${
      count(s.totalAllocations)
    } acquires, ${count(s.totalReleases)} releases, ${
      count(s.exhaustions)
    } exhaustions, ${count(s.leaks)} leaks`;
  }

  /** Node's and Bun's `console.log` show the text report. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toText();
  }

  /** Deno's `console.log` shows the text report. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toText();
  }
}
