/**
 * The performance suite. The `*_bench.ts` files are `deno bench` suites, each
 * group timed against a baseline in the same run: `sync_bench.ts` (every
 * synchronous pool against a bare array, `new` and reusify), `async_bench.ts`
 * (AsyncPool against an `await` of a resolved promise, generic-pool and tarn)
 * and `thread_safe_bench.ts` (ThreadSafePool on one thread, and one against
 * two workers, against a spin-locked array pool). `gc_pressure.ts` runs a
 * particle simulation with `new` and with a pool in separate processes and
 * counts garbage collections; `run_all.sh` (`deno task bench`) runs it all and
 * `report.ts` writes `bench/results/latest.md` and `latest.svg`.
 *
 * This module exports the report's building blocks.
 *
 * @module
 */

export {
  collect,
  formatNs,
  markdown,
  splitJsonDocuments,
  svg,
} from "./report.ts";
