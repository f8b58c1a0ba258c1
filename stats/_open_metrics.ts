/**
 * The Prometheus text exposition of pool statistics, written for
 * `StatsReporter`: the metric table, the checks of names and labels, and
 * the writer, which puts each metric family's `# HELP` and `# TYPE` once
 * and then one sample per pool. Private to `stats/`.
 *
 * @module
 */

import type { PoolStats } from "./pool_stats.ts";
import { isOptions } from "../config/_option_keys.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import { checkStats } from "./_check_stats.ts";

/** What every error of this module starts with. */
const WHERE = "Cannot write OpenMetrics";

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
 * One pool's part of an exposition: its snapshot and its label block (`""`
 * or `{a="x",...}`, every sample of the pool carries it).
 */
interface Part {
  readonly stats: PoolStats;
  readonly labels: string;
}

/** Checks the `name` option: a string that is a metric name. */
function checkName(name: unknown): string {
  if (typeof name !== "string") {
    throw new PoolConfigurationError(
      name === undefined
        ? `${WHERE}: the name option is missing`
        : `${WHERE}: name ${quote(name)} is not a string`,
    );
  }
  if (!METRIC_NAME.test(name)) {
    throw new PoolConfigurationError(
      `${WHERE}: name ${
        quote(name)
      } is not a metric name (letters, digits, "_" and ":", not starting with a digit)`,
    );
  }
  return name;
}

/**
 * Checks a labels object (`owner` says whose, for the messages) and
 * returns its `name="value"` pairs, values escaped, each value read once
 * (a getter cannot answer the check and the writer differently).
 */
function labelPairs(labels: unknown, owner: string): Map<string, string> {
  const pairs = new Map<string, string>();
  if (labels === undefined) return pairs;
  if (!isOptions(labels) || Array.isArray(labels)) {
    throw new PoolConfigurationError(
      `${WHERE}: ${owner} ${quote(labels)} are not an object`,
    );
  }
  if (labels instanceof Map) {
    // A Map has no own keys: its labels would be dropped without a word.
    throw new PoolConfigurationError(
      `${WHERE}: ${owner} are a Map, not an object of label names (Object.fromEntries makes one)`,
    );
  }
  for (const key of Object.keys(labels)) {
    if (!LABEL_NAME.test(key)) {
      throw new PoolConfigurationError(
        `${WHERE}: label name ${
          quote(key)
        } is not a label name (letters, digits and "_", not starting with a digit)`,
      );
    }
    if (key.startsWith("__")) {
      throw new PoolConfigurationError(
        `${WHERE}: label name ${
          quote(key)
        } starts with "__", which Prometheus reserves`,
      );
    }
    const value = (labels as Record<string, unknown>)[key];
    if (typeof value !== "string") {
      throw new PoolConfigurationError(
        `${WHERE}: label ${quote(key)} has value ${
          quote(value)
        }, which is not a string`,
      );
    }
    if (!value.isWellFormed()) {
      throw new PoolConfigurationError(
        `${WHERE}: label ${
          quote(key)
        } has a value with a lone surrogate, which UTF-8 cannot carry`,
      );
    }
    pairs.set(key, `${key}="${escapeLabelValue(value)}"`);
  }
  return pairs;
}

/** Checks the options object (`name`, `labels`); returns the prefix and the shared labels. */
function checkOptions(
  options: unknown,
): { prefix: string; shared: Map<string, string> } {
  if (!isOptions(options)) {
    throw new PoolConfigurationError(
      `${WHERE}: options ${quote(options)} are not an object`,
    );
  }
  for (const key of Object.keys(options)) {
    if (key !== "name" && key !== "labels") {
      throw new PoolConfigurationError(
        `${WHERE}: option ${quote(key)} is unknown`,
      );
    }
  }
  const { name, labels } = options as Record<string, unknown>;
  return { prefix: checkName(name), shared: labelPairs(labels, "labels") };
}

/** The label block of a set of pairs: `""` when empty. */
function block(pairs: Iterable<string>): string {
  const list = [...pairs];
  return list.length === 0 ? "" : `{${list.join(",")}}`;
}

/**
 * Writes the families of `parts`: `statistics_enabled` and the metrics
 * known with statistics off for every pool, the collected ones for the
 * pools that collect them (a family no pool has is left out).
 */
function write(prefix: string, parts: readonly Part[]): string {
  let out = "";
  const family = (
    suffix: string,
    kind: MetricKind,
    help: string,
    value: (stats: PoolStats) => number,
    collected: boolean,
  ): void => {
    const name = `${prefix}_${suffix}`;
    let samples = "";
    for (const part of parts) {
      if (collected && !part.stats.enabled) continue;
      // A number's JavaScript form (1e-7, 1e+21) is valid Go float syntax.
      samples += `${name}${part.labels} ${value(part.stats)}\n`;
    }
    if (samples !== "") {
      out += `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n${samples}`;
    }
  };
  family(
    "statistics_enabled",
    "gauge",
    "Whether statistics are collected (1) or not (0).",
    (s) => s.enabled ? 1 : 0,
    false,
  );
  for (const m of CURRENT_METRICS) {
    family(m.suffix, m.kind, m.help, (s) => s[m.field] / m.divisor, false);
  }
  for (const m of COLLECTED_METRICS) {
    family(m.suffix, m.kind, m.help, (s) => s[m.field] / m.divisor, true);
  }
  return out;
}

/**
 * One pool's exposition: `StatsReporter#toOpenMetrics`.
 *
 * @param stats The checked snapshot.
 * @param options The name and labels, checked here.
 * @returns The exposition.
 */
export function openMetricsOf(stats: PoolStats, options: unknown): string {
  const { prefix, shared } = checkOptions(options);
  return write(prefix, [{ stats, labels: block(shared.values()) }]);
}

/**
 * Several pools' exposition: `StatsReporter.combineOpenMetrics`. Every
 * part is checked before anything is written; two pools may not end with
 * the same labels (their samples would be one series twice).
 *
 * @param pools The `{ stats, labels }` of each pool.
 * @param options The name and the labels every pool shares.
 * @returns The exposition.
 */
export function combinedOpenMetrics(pools: unknown, options: unknown): string {
  const { prefix, shared } = checkOptions(options);
  // isOptions first: Array.isArray throws on a revoked Proxy.
  if (!isOptions(pools) || !Array.isArray(pools)) {
    throw new PoolConfigurationError(
      `${WHERE}: pools ${quote(pools)} are not an array of { stats, labels }`,
    );
  }
  const parts: Part[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < pools.length; i++) {
    const entry: unknown = pools[i];
    if (!isOptions(entry)) {
      throw new PoolConfigurationError(
        `${WHERE}: pool ${i} ${
          quote(entry)
        } is not an object of { stats, labels }`,
      );
    }
    for (const key of Object.keys(entry)) {
      if (key !== "stats" && key !== "labels") {
        throw new PoolConfigurationError(
          `${WHERE}: pool ${i} has the unknown key ${quote(key)}`,
        );
      }
    }
    const { stats, labels } = entry as Record<string, unknown>;
    const checked = checkStats(stats, `write OpenMetrics of pool ${i}`);
    const own = labelPairs(labels, `the labels of pool ${i}`);
    const pairs = new Map(shared);
    for (const [key, pair] of own) {
      if (shared.has(key)) {
        throw new PoolConfigurationError(
          `${WHERE}: label ${
            quote(key)
          } is given both to every pool and to pool ${i}`,
        );
      }
      pairs.set(key, pair);
    }
    // One series per label set, whatever the order the labels were given in.
    const identity = [...pairs.values()].sort().join(",");
    const twin = seen.get(identity);
    if (twin !== undefined) {
      throw new PoolConfigurationError(
        `${WHERE}: pools ${twin} and ${i} have the same labels ${
          quote(block(pairs.values()))
        }, so their samples could not be told apart`,
      );
    }
    seen.set(identity, i);
    parts.push({ stats: checked, labels: block(pairs.values()) });
  }
  return write(prefix, parts);
}
