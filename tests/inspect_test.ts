// console.log output through hooks installed at construction (_inspect.ts),
// which keeps the classes free of top-level side effects.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { StatsCollector } from "../mod.ts";
import { hookInspect } from "../_inspect.ts";

const denoInspect = (globalThis as {
  Deno?: { inspect(value: unknown): string };
}).Deno?.inspect;

describe("console.log of a StatsCollector", () => {
  it("shows its counters on every runtime", () => {
    const collector = new StatsCollector({ capacity: 4 });
    collector.recordAllocation();
    const expected =
      "StatsCollector { inUse: 1, capacity: 4, allocations: 1, releases: 0, exhaustions: 0, leaks: 0, timing: false }";
    assert.equal(inspect(collector), expected);
    assert.match(inspect({ collector }), /allocations: 1/);
    if (denoInspect !== undefined) {
      assert.equal(denoInspect(collector), expected);
    }
  });
});

describe("hookInspect", () => {
  it("installs both hooks, not enumerable, and says so with true", () => {
    class Thing {
      n = 2;
    }
    assert.equal(
      hookInspect(Thing.prototype, (t: Thing) => `Thing(${t.n})`),
      true,
    );
    assert.equal(inspect(new Thing()), "Thing(2)");
    if (denoInspect !== undefined) {
      assert.equal(denoInspect(new Thing()), "Thing(2)");
    }
    assert.deepEqual(Object.keys(Thing.prototype), []);
    assert.equal(
      Object.getOwnPropertySymbols(Thing.prototype).map(String).join(),
      "Symbol(nodejs.util.inspect.custom),Symbol(Deno.customInspect)",
    );
  });
});
