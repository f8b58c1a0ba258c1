/**
 * {@linkcode StatsReporter}: turns a {@linkcode PoolStats} snapshot into
 * JSON, a multi-line text report, a one-line summary, or the Prometheus text
 * exposition format for a `/metrics` endpoint.
 *
 * @module
 */

import type { PoolStats } from "./pool_stats.ts";
import { checkOptionKeys, isOptions } from "../config/_option_keys.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import { checkStats } from "./_check_stats.ts";
import { hookInspect } from "../_inspect.ts";

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

/** The kinds of metric the exposition uses. */
type MetricKind = "counter" | "gauge";

/**
 * One exported metric: its name after the prefix, its kind, its help text,
 * the field it reads and the divisor that turns the field into the metric's
 * unit (nanoseconds become seconds, the Prometheus base unit; dividing keeps
 * whole nanoseconds exact in decimal).
 */
interface MetricSpec {
  readonly suffix: string;
  readonly kind: MetricKind;
  readonly help: string;
  readonly field: Exclude<keyof PoolStats, "enabled">;
  readonly divisor: number;
}

// Pure: lets a bundler drop the metric tables below when nothing uses them.
/* @__NO_SIDE_EFFECTS__ */
function metric(
  suffix: string,
  kind: MetricKind,
  field: MetricSpec["field"],
  help: string,
  divisor = 1,
): MetricSpec {
  return { suffix, kind, field, help, divisor };
}

/** Known with statistics off too: shown always. */
const CURRENT_METRICS: readonly MetricSpec[] = [
  metric("in_use", "gauge", "currentInUse", "Objects lent now."),
  metric("capacity", "gauge", "currentCapacity", "The capacity now."),
];

/** Collected only with statistics on: left out when they are off. */
const COLLECTED_METRICS: readonly MetricSpec[] = [
  metric("pending", "gauge", "pending", "Acquires waiting now."),
  metric("in_use_peak", "gauge", "peakInUse", "The most objects lent at once."),
  metric("capacity_peak", "gauge", "peakCapacity", "The highest capacity."),
  metric(
    "acquires_total",
    "counter",
    "totalAllocations",
    "Successful acquires.",
  ),
  metric(
    "releases_total",
    "counter",
    "totalReleases",
    "Returns of borrowed objects (releases, leaked handles, failed resets).",
  ),
  metric("resets_total", "counter", "totalResets", "Successful resets."),
  metric(
    "growth_events_total",
    "counter",
    "growthEvents",
    "Times the pool grew.",
  ),
  metric("created_total", "counter", "created", "Objects created."),
  metric("destroyed_total", "counter", "destroyed", "Objects destroyed."),
  metric(
    "waits_total",
    "counter",
    "waits",
    "Acquires that could not be served at once and waited.",
  ),
  metric(
    "wait_seconds_total",
    "counter",
    "totalWaitTimeNs",
    "Time acquires spent waiting.",
    1e9,
  ),
  metric(
    "exhaustions_total",
    "counter",
    "exhaustions",
    "Acquires that found the pool at capacity (they failed or waited).",
  ),
  metric(
    "timeouts_total",
    "counter",
    "timeouts",
    "Acquires that gave up because their timeout ran out.",
  ),
  metric(
    "leaks_total",
    "counter",
    "leaks",
    "Owned handles garbage-collected unreleased.",
  ),
  metric(
    "reset_failures_total",
    "counter",
    "resetFailures",
    "Resets that threw.",
  ),
  metric(
    "create_failures_total",
    "counter",
    "createFailures",
    "Factory calls that threw, rejected or timed out.",
  ),
  metric(
    "acquire_seconds_total",
    "counter",
    "totalAllocationTimeNs",
    "Estimated time spent in acquire (sampled; 0 without timing).",
    1e9,
  ),
  metric(
    "release_seconds_total",
    "counter",
    "totalReleaseTimeNs",
    "Estimated time spent in release (sampled; 0 without timing).",
    1e9,
  ),
  metric(
    "acquire_seconds_mean",
    "gauge",
    "avgAllocationTimeNs",
    "Mean time of the sampled acquires (0 without timing).",
    1e9,
  ),
  metric(
    "release_seconds_mean",
    "gauge",
    "avgReleaseTimeNs",
    "Mean time of the sampled releases (0 without timing).",
    1e9,
  ),
];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Escapes a label value: backslash, double quote and line feed. */
function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => c === "\n" ? "\\n" : `\\${c}`);
}

/**
 * Validates `toOpenMetrics` options, reading each once (a getter cannot
 * answer the check and the writer differently), and returns the metric-name
 * prefix and the label block to put after every metric name (`""` when
 * there are no labels).
 */
function checkOpenMetrics(
  options: unknown,
): { prefix: string; labels: string } {
  const where = "write OpenMetrics";
  if (!isOptions(options)) {
    throw new PoolConfigurationError(
      `Cannot ${where}: options ${quote(options)} are not an object`,
    );
  }
  for (const key of Object.keys(options)) {
    if (key !== "name" && key !== "labels") {
      throw new PoolConfigurationError(
        `Cannot ${where}: option ${quote(key)} is unknown`,
      );
    }
  }
  const { name, labels } = options as Record<string, unknown>;
  if (typeof name !== "string") {
    throw new PoolConfigurationError(
      name === undefined
        ? `Cannot ${where}: the name option is missing`
        : `Cannot ${where}: name ${quote(name)} is not a string`,
    );
  }
  if (!METRIC_NAME.test(name)) {
    throw new PoolConfigurationError(
      `Cannot ${where}: name ${
        quote(name)
      } is not a metric name (letters, digits, "_" and ":", not starting with a digit)`,
    );
  }
  if (labels === undefined) return { prefix: name, labels: "" };
  if (!isOptions(labels) || Array.isArray(labels)) {
    throw new PoolConfigurationError(
      `Cannot ${where}: labels ${quote(labels)} are not an object`,
    );
  }
  if (labels instanceof Map) {
    // A Map has no own keys: its labels would be dropped without a word.
    throw new PoolConfigurationError(
      `Cannot ${where}: labels are a Map, not an object of label names (Object.fromEntries makes one)`,
    );
  }
  const pairs: string[] = [];
  for (const key of Object.keys(labels)) {
    if (!LABEL_NAME.test(key)) {
      throw new PoolConfigurationError(
        `Cannot ${where}: label name ${
          quote(key)
        } is not a label name (letters, digits and "_", not starting with a digit)`,
      );
    }
    if (key.startsWith("__")) {
      throw new PoolConfigurationError(
        `Cannot ${where}: label name ${
          quote(key)
        } starts with "__", which Prometheus reserves`,
      );
    }
    const value = (labels as Record<string, unknown>)[key];
    if (typeof value !== "string") {
      throw new PoolConfigurationError(
        `Cannot ${where}: label ${quote(key)} has value ${
          quote(value)
        }, which is not a string`,
      );
    }
    if (!value.isWellFormed()) {
      throw new PoolConfigurationError(
        `Cannot ${where}: label ${
          quote(key)
        } has a value with a lone surrogate, which UTF-8 cannot carry`,
      );
    }
    pairs.push(`${key}="${escapeLabelValue(value)}"`);
  }
  return {
    prefix: name,
    labels: pairs.length === 0 ? "" : `{${pairs.join(",")}}`,
  };
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
   * call per `name`: to serve several pools at one `/metrics`, give each its
   * own `name` (two calls with the same `name` and different labels repeat
   * the `# HELP` and `# TYPE` lines, which the format forbids).
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
    const { prefix, labels } = checkOpenMetrics(options);
    const s = this.#stats;
    let out = "";
    const write = (
      suffix: string,
      kind: MetricKind,
      help: string,
      value: number,
    ): void => {
      const name = `${prefix}_${suffix}`;
      // A number's JavaScript form (1e-7, 1e+21) is valid Go float syntax.
      out +=
        `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n${name}${labels} ${value}\n`;
    };
    write(
      "statistics_enabled",
      "gauge",
      "Whether statistics are collected (1) or not (0).",
      s.enabled ? 1 : 0,
    );
    for (const m of CURRENT_METRICS) {
      write(m.suffix, m.kind, m.help, s[m.field] / m.divisor);
    }
    if (s.enabled) {
      for (const m of COLLECTED_METRICS) {
        write(m.suffix, m.kind, m.help, s[m.field] / m.divisor);
      }
    }
    return out;
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
