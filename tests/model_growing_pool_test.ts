/**
 * Model-based property tests of {@linkcode GrowingPool}: random sequences of
 * acquires, releases (valid, double, foreign), handle use after release,
 * `use` with throwing callbacks and failing resets, and `close` and `trim`, run against
 * the pool and a reference model side by side (see `_sync_model.ts`). Every
 * configuration axis is drawn too: allocator, statistics, reset by function
 * or method name, typed pools, non-extensible objects, pre-initialization, and every growth strategy (default, linear, exponential, custom) with and without `maxCapacity`.
 *
 * Replay a failure with the `FC_SEED`/`FC_PATH` it prints; `FC_RUNS` sets
 * the number of runs.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkProperty, runsFor } from "./_fc.ts";
import { syncModelProperty } from "./_sync_model.ts";

const RUNS = 200;

describe("GrowingPool model", () => {
  it("GrowingPool follows its model under random command sequences", () => {
    let runs = 0;
    let steps = 0;
    const passed = checkProperty(
      "GrowingPool follows its model under random command sequences",
      syncModelProperty("growing", (sim) => {
        runs++;
        steps += sim.steps;
      }),
      RUNS,
    );
    assert.equal(passed, runsFor(RUNS));
    assert.ok(runs >= passed, `${runs} runs finished`);
    assert.ok(steps > runs, `${steps} steps checked`);
  });
});
