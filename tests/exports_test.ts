// Only what users call is exported: no entry point of the package (deno.json
// "exports") carries the library's plumbing (option validators, builders'
// internals, stats and allocator factories).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import manifest from "../deno.json" with { type: "json" };

/** The helpers that were once exported and are private now. */
const PLUMBING = [
  "buildPool",
  "checkAllocator",
  "checkBlueprint",
  "checkBoolean",
  "checkCapacity",
  "checkFunction",
  "checkNumber",
  "checkOptionKeys",
  "checkType",
  "createAllocator",
  "disabledStats",
  "slotByteLength",
  "validateAcquireOptions",
  "validateAsyncPoolOptions",
  "validateGrowingPoolOptions",
  "validateGrowth",
  "validatePoolOptions",
  "validateStatistics",
  "validateThreadSafeAttachOptions",
  "validateThreadSafePoolOptions",
];

const entries = Object.entries(manifest.exports as Record<string, string>);

describe("package entry points", () => {
  it("lists the 20 private helpers once each", () => {
    assert.equal(new Set(PLUMBING).size, 20);
  });

  for (const [entry, file] of entries) {
    it(`${entry} exports no plumbing`, async () => {
      const names = Object.keys(
        await import(new URL(`../${file}`, import.meta.url).href),
      );
      assert.ok(names.length > 0, `${file} exports something`);
      const leaked = names.filter((name) =>
        PLUMBING.includes(name) || /^(check|validate)[A-Z]/.test(name)
      );
      assert.deepEqual(leaked, []);
    });
  }

  it("exports what users call, the by-hand form of pooled included", async () => {
    const root = await import("../mod.ts");
    for (
      const name of [
        "FixedPool",
        "GrowingPool",
        "AsyncPool",
        "ThreadSafePool",
        "ThreadLocalPool",
        "Pool",
        "PoolBuilder",
        "pooled",
        "installPool",
        "linearGrowth",
        "exponentialGrowth",
        "StatsCollector",
        "StatsReporter",
        "ContextHandle",
        "PoolConfigurationError",
      ]
    ) {
      assert.equal(
        typeof (root as Record<string, unknown>)[name] !== "undefined",
        true,
        name,
      );
    }
  });
});
