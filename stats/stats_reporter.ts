/**
 * {@linkcode StatsReporter}: turns a {@linkcode PoolStats} snapshot into
 * JSON, a multi-line text report, a one-line summary, or the Prometheus text
 * exposition format for a `/metrics` endpoint.
 *
 * @module
 */

import type { PoolStats } from "./pool_stats.ts";
import { checkOptionKeys } from "../config/_option_keys.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import { checkStats } from "./_check_stats.ts";
import { hookInspect } from "../_inspect.ts";
import { combinedOpenMetrics, openMetricsOf } from "./_open_metrics.ts";

/** Whether the inspect hooks are on the prototype (installed by the first constructor). */
let inspectable = false;

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

/**
 * Options of {@linkcode StatsReporter.toOpenMetrics}.
 *
 * @example
 * ```ts
 * import { FixedPool, type OpenMetricsOptions, StatsReporter } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 2, factory: () => ({}), enableStatistics: true });
 * const options: OpenMetricsOptions = { name: "bullets", labels: { scene: "level 1" } };
 * console.log(new StatsReporter(pool.stats()).toOpenMetrics(options));
 * ```
 */
export interface OpenMetricsOptions {
  /**
   * The prefix of every metric name, e.g. `"db_pool"` gives `db_pool_in_use`,
   * `db_pool_acquires_total` ... It must match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
   */
  name: string;
  /**
   * Labels put on every sample, e.g. `{ pool: "primary" }`. Names must match
   * `[a-zA-Z_][a-zA-Z0-9_]*` and not start with `__` (reserved by
   * Prometheus); values are any well-formed strings, escaped as the format
   * requires (`\\`, `\"`, `\n`).
   */
  labels?: Readonly<Record<string, string>>;
}

/**
 * One pool in {@linkcode StatsReporter.combineOpenMetrics}: its snapshot
 * and the labels that tell its samples apart from the other pools'.
 *
 * @example
 * ```ts
 * import { FixedPool, type OpenMetricsPool } from "@fastalloc/fastalloc";
 *
 * const bullets = new FixedPool({ capacity: 2, factory: () => ({}), enableStatistics: true });
 * const part: OpenMetricsPool = { stats: bullets.stats(), labels: { pool: "bullets" } };
 * console.log(part.labels?.pool); // bullets
 * ```
 */
export interface OpenMetricsPool {
  /** A snapshot from `pool.stats()`. */
  stats: PoolStats;
  /**
   * This pool's labels, e.g. `{ pool: "bullets" }`, added to the shared
   * ones of {@linkcode OpenMetricsOptions.labels} (a name may not be in
   * both). Same rules as those. May be left out for at most one pool.
   */
  labels?: Readonly<Record<string, string>>;
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
    if (!inspectable) {
      inspectable = hookInspect(
        StatsReporter.prototype,
        (h: StatsReporter) => h.toText(),
      );
    }
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
      // Waiting is load, not a fault: a busy pool makes acquires wait.
      `  load         ${count(s.pending)} waiting now, ${
        count(s.waits)
      } waits (${duration(s.totalWaitTimeNs)} in all), ${
        count(s.exhaustions)
      } found the pool full`,
      `  problems     ${count(s.timeouts)} timeouts, ${
        count(s.createFailures)
      } create failures, ${count(s.resetFailures)} reset failures, ${
        count(s.leaks)
      } leaks`,
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
   * The snapshot in the Prometheus text exposition format, version 0.0.4
   * (serve it with {@linkcode StatsReporter.contentType}, `text/plain;
   * version=0.0.4; charset=utf-8`), which Prometheus, the OpenTelemetry
   * collector, VictoriaMetrics and other OpenMetrics scrapers all read. Each
   * metric has a `# HELP` and a `# TYPE` line; counters end in `_total`
   * (their `# TYPE` names them so, as this format requires), gauges carry the
   * current values and peaks, and times are in seconds. Every sample has the
   * given labels. With statistics off only what is known is written:
   * `<name>_statistics_enabled` (0), `<name>_in_use` and `<name>_capacity`.
   * Each call writes whole metric families, so one exposition holds one
   * call per `name`: to serve several pools under one `name`, told apart by
   * labels, use {@linkcode StatsReporter.combineOpenMetrics} (two calls with
   * the same `name` would repeat the `# HELP` and `# TYPE` lines, which the
   * format forbids).
   *
   * The metrics, after the `name` prefix: gauges `statistics_enabled`,
   * `in_use`, `capacity`, `pending`, `in_use_peak`, `capacity_peak`,
   * `acquire_seconds_mean`, `release_seconds_mean`; counters
   * `acquires_total`, `releases_total`, `resets_total`,
   * `growth_events_total`, `created_total`, `destroyed_total`,
   * `waits_total`, `wait_seconds_total`, `exhaustions_total`,
   * `timeouts_total`, `leaks_total`, `reset_failures_total`,
   * `create_failures_total`, `acquire_seconds_total`,
   * `release_seconds_total`.
   *
   * @param options The metric-name prefix and the labels of every sample.
   * @returns The exposition, one line per `# HELP`, `# TYPE` and sample,
   * each ending in a line feed.
   * @throws {PoolConfigurationError} If `options` is not an object, has an
   * unknown key, `name` is missing or not a valid metric name, or `labels`
   * is not an object (a `Map` included) of valid label names to
   * well-formed strings.
   *
   * @example
   * ```ts
   * import { FixedPool, StatsReporter } from "@fastalloc/fastalloc";
   *
   * const pool = new FixedPool({ capacity: 4, factory: () => ({}), enableStatistics: true });
   * pool.acquire();
   * const text = new StatsReporter(pool.stats()).toOpenMetrics({
   *   name: "particles",
   *   labels: { scene: "intro" },
   * });
   * console.log(text.includes('particles_in_use{scene="intro"} 1')); // true
   * // In a server: new Response(text, { headers: { "content-type": StatsReporter.contentType } })
   * ```
   */
  toOpenMetrics(options: OpenMetricsOptions): string {
    return openMetricsOf(this.#stats, options);
  }

  /**
   * Several pools' snapshots in one exposition under one metric name, told
   * apart by labels: the way to serve every pool of a program at one
   * `/metrics` endpoint. Each metric family's `# HELP` and `# TYPE` lines
   * come once, followed by one sample per pool (the format allows a family
   * only once, so writing {@linkcode StatsReporter.toOpenMetrics} twice
   * with one name is not valid). Every sample carries the shared
   * `options.labels` and then its pool's own labels. The metrics collected
   * only with statistics on have samples for just the pools that collect
   * them (and no family when none does). Everything is checked before
   * anything is written.
   *
   * @param pools Each pool's `{ stats, labels }`.
   * @param options The metric-name prefix and the labels every pool shares.
   * @returns The exposition, each line ending in a line feed (`""` for no
   * pools).
   * @throws {PoolConfigurationError} If `pools` is not an array of objects
   * with only `stats` and `labels`, two pools end up with the same labels,
   * a label name is both shared and a pool's own, or any name or label
   * breaks the rules of {@linkcode OpenMetricsOptions}.
   * @throws {TypeError} If a `stats` is not a statistics snapshot.
   *
   * @example
   * ```ts
   * import { FixedPool, GrowingPool, StatsReporter } from "@fastalloc/fastalloc";
   *
   * const bullets = new FixedPool({ capacity: 4, factory: () => ({}), enableStatistics: true });
   * const sparks = new GrowingPool({ capacity: 2, factory: () => ({}), enableStatistics: true });
   * bullets.acquire();
   * const text = StatsReporter.combineOpenMetrics([
   *   { stats: bullets.stats(), labels: { pool: "bullets" } },
   *   { stats: sparks.stats(), labels: { pool: "sparks" } },
   * ], { name: "game_pool", labels: { scene: "intro" } });
   * console.log(text.split("\n").filter((line) => line.includes("game_pool_in_use{")));
   * // [ 'game_pool_in_use{scene="intro",pool="bullets"} 1', 'game_pool_in_use{scene="intro",pool="sparks"} 0' ]
   * ```
   */
  static combineOpenMetrics(
    pools: readonly OpenMetricsPool[],
    options: OpenMetricsOptions,
  ): string {
    return combinedOpenMetrics(pools, options);
  }

  /**
   * The HTTP `Content-Type` of {@linkcode StatsReporter.toOpenMetrics}'s
   * output: the Prometheus text format, version 0.0.4.
   *
   * @example
   * ```ts
   * import { StatsReporter } from "@fastalloc/fastalloc";
   *
   * console.log(StatsReporter.contentType); // text/plain; version=0.0.4; charset=utf-8
   * ```
   */
  static readonly contentType: string =
    "text/plain; version=0.0.4; charset=utf-8";

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
}
