/**
 * Statistics: {@linkcode PoolStats} snapshots, the {@linkcode StatsCollector}
 * that counts them, and the {@linkcode StatsReporter} that prints them.
 *
 * ```ts
 * import { StatsCollector, StatsReporter } from "@fastalloc/fastalloc/stats";
 *
 * const collector = new StatsCollector({ capacity: 4 });
 * collector.recordAllocation();
 * console.log(new StatsReporter(collector.snapshot()).summary());
 * ```
 *
 * @module
 */

export type { PoolStats } from "./pool_stats.ts";
export type { StatsCollectorOptions } from "./stats_collector.ts";
export { StatsCollector } from "./stats_collector.ts";
export type {
  OpenMetricsOptions,
  OpenMetricsPool,
  StatsReporterOptions,
} from "./stats_reporter.ts";
export { StatsReporter } from "./stats_reporter.ts";
