import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { disabledStats, type PoolStats } from "../stats/pool_stats.ts";
import { StatsCollector } from "../stats/stats_collector.ts";
import { StatsReporter } from "../stats/stats_reporter.ts";
import { PoolConfigurationError, PoolEmptyError } from "../errors.ts";
import { FixedPool } from "../pools/fixed_pool.ts";
import { GrowingPool } from "../pools/growing_pool.ts";
import { linearGrowth } from "../config/growth.ts";
import { throwsExactly } from "./_state.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Every field of a fresh, enabled snapshot. */
function zeroStats(capacity = 0): Mutable<PoolStats> {
  return {
    enabled: true,
    totalAllocations: 0,
    totalReleases: 0,
    totalResets: 0,
    growthEvents: 0,
    peakInUse: 0,
    peakCapacity: capacity,
    currentInUse: 0,
    currentCapacity: capacity,
    totalAllocationTimeNs: 0,
    totalReleaseTimeNs: 0,
    avgAllocationTimeNs: 0,
    avgReleaseTimeNs: 0,
    exhaustions: 0,
    created: 0,
    destroyed: 0,
    leaks: 0,
    resetFailures: 0,
    waits: 0,
    timeouts: 0,
    totalWaitTimeNs: 0,
    pending: 0,
    createFailures: 0,
  };
}

const FIELDS = Object.keys(zeroStats()).sort();

describe("disabledStats", () => {
  it("fills in only enabled, currentInUse and currentCapacity", () => {
    const stats = disabledStats(2, 8);
    assert.deepEqual(Object.keys(stats).sort(), FIELDS);
    assert.deepEqual(stats, {
      ...zeroStats(),
      enabled: false,
      currentInUse: 2,
      currentCapacity: 8,
      peakCapacity: 0,
    });
    assert.ok(Object.isFrozen(stats));
  });
});

describe("StatsCollector on its own", () => {
  it("starts at zero with the given capacity", () => {
    assert.deepEqual(new StatsCollector().snapshot(), zeroStats());
    assert.deepEqual(
      new StatsCollector({ capacity: 4 }).snapshot(),
      zeroStats(4),
    );
  });

  it("every record* moves exactly its own fields", () => {
    const c = new StatsCollector({ capacity: 4 });
    const expected = zeroStats(4);
    const step = (record: () => void, change: Partial<PoolStats>) => {
      record();
      Object.assign(expected, change);
      assert.deepEqual(c.snapshot(), expected);
    };
    step(() => c.recordAllocation(), {
      totalAllocations: 1,
      currentInUse: 1,
      peakInUse: 1,
    });
    step(() => c.recordAllocation(), {
      totalAllocations: 2,
      currentInUse: 2,
      peakInUse: 2,
    });
    step(() => c.recordRelease(), { totalReleases: 1, currentInUse: 1 });
    step(() => c.recordAllocation(), {
      totalAllocations: 3,
      currentInUse: 2,
    }); // peak stays 2
    step(() => c.recordReset(), { totalResets: 1 });
    step(() => c.recordResetFailure(), { resetFailures: 1 });
    step(() => c.recordGrowth(8), {
      growthEvents: 1,
      currentCapacity: 8,
      peakCapacity: 8,
    });
    step(() => c.recordCapacity(6), { currentCapacity: 6 }); // peak stays 8
    step(() => c.recordExhaustion(), { exhaustions: 1 });
    step(() => c.recordCreated(), { created: 1 });
    step(() => c.recordDestroyed(), { destroyed: 1 });
    step(() => c.recordLeak(), { leaks: 1 });
    step(() => c.recordWait(50), { waits: 1, totalWaitTimeNs: 50 });
    step(() => c.recordWait(25), { waits: 2, totalWaitTimeNs: 75 });
    step(() => c.recordTimeout(), { timeouts: 1 });
    step(() => c.recordAllocationTime(100), {
      avgAllocationTimeNs: 100,
      totalAllocationTimeNs: 300, // the sampled mean times 3 allocations
    });
    step(() => c.recordAllocationTime(300), {
      avgAllocationTimeNs: 200,
      totalAllocationTimeNs: 600,
    });
    step(() => c.recordReleaseTime(40), {
      avgReleaseTimeNs: 40,
      totalReleaseTimeNs: 40,
    });
  });

  it("snapshots are frozen and do not change afterwards", () => {
    const c = new StatsCollector();
    c.recordAllocation();
    const snap = c.snapshot();
    assert.ok(Object.isFrozen(snap));
    assert.throws(() => {
      (snap as Mutable<PoolStats>).totalAllocations = 99;
    }, TypeError);
    c.recordAllocation();
    assert.equal(snap.totalAllocations, 1);
    assert.equal(c.snapshot().totalAllocations, 2);
  });

  it("merge sums counts and current values, and keeps the peaks", () => {
    const a = new StatsCollector({ capacity: 2 });
    a.recordAllocation();
    a.recordAllocation();
    a.recordRelease();
    a.recordCreated();
    a.recordExhaustion();
    a.recordWait(10);
    const b = new StatsCollector({ capacity: 3 });
    for (let i = 0; i < 3; i++) b.recordAllocation();
    b.recordRelease();
    b.recordRelease();
    b.recordLeak();
    b.recordWait(5);
    b.recordGrowth(5);
    const total = new StatsCollector();
    assert.equal(total.merge(a).merge(b.snapshot()), total);
    const s = total.snapshot();
    assert.equal(s.totalAllocations, 5);
    assert.equal(s.totalReleases, 3);
    assert.equal(s.currentInUse, 2);
    assert.equal(s.currentCapacity, 7);
    assert.equal(s.created, 1);
    assert.equal(s.exhaustions, 1);
    assert.equal(s.leaks, 1);
    assert.equal(s.waits, 2);
    assert.equal(s.totalWaitTimeNs, 15);
    assert.equal(s.growthEvents, 1);
    assert.equal(s.peakInUse, 3); // the larger peak, not the sum
    // Peaks are maxima, but never below the current (summed) values.
    assert.ok(s.peakCapacity >= s.currentCapacity);
    assert.ok(s.peakInUse >= s.currentInUse);
  });

  it("merge of the pools' snapshots reports peaks no lower than the totals", () => {
    const a = new FixedPool({
      capacity: 2,
      factory: () => ({}),
      enableStatistics: true,
    });
    const b = new FixedPool({
      capacity: 3,
      factory: () => ({}),
      enableStatistics: true,
    });
    a.acquire();
    a.acquire();
    b.acquire();
    b.acquire();
    const s = new StatsCollector().merge(a.stats()).merge(b.stats()).snapshot();
    assert.equal(s.currentCapacity, 5);
    assert.equal(s.currentInUse, 4);
    assert.equal(s.peakCapacity, 5);
    assert.equal(s.peakInUse, 4);
  });

  it("merge weights the averages by their operation counts", () => {
    const a = new StatsCollector();
    a.recordAllocation();
    a.recordAllocationTime(100);
    const b = new StatsCollector();
    for (let i = 0; i < 3; i++) b.recordAllocation();
    b.recordAllocationTime(200);
    const s = new StatsCollector().merge(a).merge(b).snapshot();
    assert.equal(s.avgAllocationTimeNs, (100 * 1 + 200 * 3) / 4);
    assert.equal(s.totalAllocationTimeNs, 700);
  });

  it("merge of disabled statistics adds only the current values", () => {
    const total = new StatsCollector({ capacity: 1 });
    total.recordAllocation();
    total.merge(disabledStats(2, 8));
    const s = total.snapshot();
    assert.equal(s.currentInUse, 3);
    assert.equal(s.currentCapacity, 9);
    assert.equal(s.peakCapacity, 9);
    assert.equal(s.totalAllocations, 1);
  });

  it("reset zeroes the counters but keeps capacity and objects in use", () => {
    const c = new StatsCollector({ capacity: 4 });
    for (let i = 0; i < 3; i++) c.recordAllocation();
    c.recordRelease();
    c.recordGrowth(10);
    c.recordCapacity(6);
    c.recordLeak();
    c.recordAllocationTime(5);
    c.reset();
    assert.deepEqual(c.snapshot(), {
      ...zeroStats(6),
      currentInUse: 2,
      peakInUse: 2,
    });
    c.recordAllocation();
    assert.equal(c.snapshot().peakInUse, 3);
  });

  it("sampleAllocation() picks one acquire in 1 / sampleRate, only with timing", () => {
    const calls = (c: StatsCollector, n: number) =>
      Array.from({ length: n }, () => c.sampleAllocation());
    assert.deepEqual(calls(new StatsCollector(), 5), Array(5).fill(false));
    assert.deepEqual(
      calls(new StatsCollector({ sampleRate: 1 }), 3),
      Array(3).fill(false),
    );
    assert.deepEqual(
      calls(new StatsCollector({ timing: true, sampleRate: 1 }), 3),
      [true, true, true],
    );
    const quarter = new StatsCollector({ timing: true, sampleRate: 0.25 });
    assert.deepEqual(calls(quarter, 8), [
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
    quarter.sampleAllocation();
    quarter.reset(); // restarts the countdown
    assert.deepEqual(calls(quarter, 4), [false, false, false, true]);
    const fallback = new StatsCollector({ timing: true });
    assert.equal(fallback.sampleRate, 0.01);
    assert.equal(calls(fallback, 100).filter(Boolean).length, 1);
  });

  it("samples acquires and releases on separate countdowns", () => {
    // One shared countdown put every sample on a release when the interval
    // was even and acquires and releases alternated (the normal loop).
    for (const sampleRate of [0.5, 0.25, 0.01]) {
      const c = new StatsCollector({ timing: true, sampleRate });
      let acquires = 0;
      let releases = 0;
      for (let i = 0; i < 400; i++) {
        if (c.sampleAllocation()) acquires++;
        if (c.sampleRelease()) releases++;
      }
      const expected = Math.floor(400 / Math.round(1 / sampleRate));
      assert.equal(acquires, expected, `acquires at ${sampleRate}`);
      assert.equal(releases, expected, `releases at ${sampleRate}`);
    }
  });

  it("rejects bad options", () => {
    for (
      const options of [
        { sampleRate: 0 },
        { sampleRate: 2 },
        { timing: 1 },
        { every: 2 },
      ]
    ) {
      throwsExactly(
        () => new StatsCollector(options as never),
        PoolConfigurationError,
        "PoolConfigurationError",
      );
    }
  });
});

class Thing {
  n = 0;
}

describe("pool statistics", () => {
  it("off: only enabled, currentInUse and currentCapacity, whatever happens", () => {
    let fail = false;
    const pool = new GrowingPool(Thing, {
      capacity: 2,
      maxCapacity: 3,
      reset: (t) => {
        if (fail) throw new Error("reset failed");
        t.n = 0;
      },
    });
    const held = [pool.acquire(), pool.acquire(), pool.acquire()]; // grows
    assert.throws(() => pool.acquire(), PoolEmptyError);
    assert.equal(pool.tryAcquire(), undefined);
    pool.release(held.pop()!);
    fail = true;
    assert.throws(() => pool.release(held.pop()!), /reset failed/);
    fail = false;
    pool.use(() => {});
    const stats = pool.stats();
    assert.deepEqual(stats, {
      ...zeroStats(),
      enabled: false,
      peakCapacity: 0,
      currentInUse: 1,
      currentCapacity: 3,
    });
    assert.ok(Object.isFrozen(stats));
  });

  it("on: every counter matches what happened, exactly", () => {
    let fail = false;
    const destroyed: Thing[] = [];
    const pool = new FixedPool(Thing, {
      capacity: 3,
      enableStatistics: true,
      reset: (t) => {
        if (fail) throw new Error("reset failed");
        t.n = 0;
      },
      destroy: (t) => destroyed.push(t),
    });
    const expected = zeroStats(3);
    const check = (change: Partial<PoolStats>) => {
      Object.assign(expected, change);
      const s = pool.stats();
      assert.deepEqual(s, expected);
      assert.equal(s.currentInUse, s.totalAllocations - s.totalReleases);
      assert.equal(s.currentInUse, pool.inUse);
    };
    check({});
    const a = pool.acquire();
    const b = pool.get();
    check({ totalAllocations: 2, created: 2, currentInUse: 2, peakInUse: 2 });
    pool.release(a);
    check({ totalReleases: 1, totalResets: 1, currentInUse: 1 });
    const a2 = pool.tryAcquire()!; // reuses a: nothing created
    assert.equal(a2, a);
    check({ totalAllocations: 3, currentInUse: 2 });
    const c = pool.acquire();
    check({ totalAllocations: 4, created: 3, currentInUse: 3, peakInUse: 3 });
    assert.throws(() => pool.acquire(), PoolEmptyError);
    check({ exhaustions: 1 });
    assert.equal(pool.tryAcquire(), undefined);
    check({ exhaustions: 2 });
    fail = true;
    assert.throws(() => pool.release(c), /reset failed/);
    fail = false;
    check({
      totalReleases: 2,
      resetFailures: 1,
      destroyed: 1,
      currentInUse: 2,
    });
    assert.deepEqual(destroyed, [c]);
    pool.use((t) => (t.n = 1)); // creates a fresh third object
    check({
      totalAllocations: 5,
      totalReleases: 3,
      totalResets: 2,
      created: 4,
      peakInUse: 3,
    });
    pool.release(a2);
    pool.release(b);
    check({ totalReleases: 5, totalResets: 4, currentInUse: 0 });
    pool.close();
    check({ destroyed: 4 });
    assert.equal(destroyed.length, 4);
  });

  it("on: a growing pool counts growth events and the peak capacity", () => {
    const pool = new GrowingPool({
      capacity: 2,
      growth: linearGrowth({ increment: 2 }),
      maxCapacity: 6,
      factory: () => ({}),
      enableStatistics: true,
    });
    const held = Array.from({ length: 5 }, () => pool.acquire());
    let s = pool.stats();
    assert.equal(s.growthEvents, 2);
    assert.equal(s.currentCapacity, 6);
    assert.equal(s.peakCapacity, 6);
    assert.equal(s.created, 5);
    for (const obj of held) pool.release(obj);
    assert.equal(pool.trim(), 3);
    s = pool.stats();
    assert.equal(s.currentCapacity, 2);
    assert.equal(s.peakCapacity, 6);
    assert.equal(s.destroyed, 3);
    assert.equal(s.growthEvents, 2);
  });

  it("timing is zero unless enabled, and sampled", () => {
    const run = (
      enableStatistics: boolean | { timing?: boolean; sampleRate?: number },
    ) => {
      const pool = new FixedPool({
        capacity: 4,
        factory: () => ({ n: 0 }),
        enableStatistics,
      });
      // 40 acquires + 40 releases: fewer than the 100 operations (one
      // countdown for both) after which the default rate samples one.
      for (let i = 0; i < 40; i++) {
        const obj = pool.acquire();
        obj.n++;
        pool.release(obj);
      }
      return pool.stats();
    };
    for (
      const s of [run(true), run({ sampleRate: 1 }), run({ timing: true })]
    ) {
      assert.equal(s.totalAllocations, 40);
      assert.equal(s.avgAllocationTimeNs, 0);
      assert.equal(s.avgReleaseTimeNs, 0);
      assert.equal(s.totalAllocationTimeNs, 0);
      assert.equal(s.totalReleaseTimeNs, 0);
    }
  });

  it("timing with { timing: true, sampleRate: 1 } measures acquires and releases", () => {
    const pool = new FixedPool({
      capacity: 4,
      factory: () => ({ n: 0 }),
      enableStatistics: { timing: true, sampleRate: 1 },
    });
    for (let i = 0; i < 2000; i++) {
      const obj = pool.acquire();
      obj.n++;
      pool.release(obj);
    }
    const s = pool.stats();
    assert.ok(s.avgAllocationTimeNs > 0);
    assert.ok(s.avgReleaseTimeNs > 0);
    assert.ok(
      Math.abs(s.totalAllocationTimeNs - s.avgAllocationTimeNs * 2000) <=
        1e-6 * s.totalAllocationTimeNs,
    );
    assert.ok(s.totalReleaseTimeNs > 0);
    assert.equal(s.totalAllocations, 2000);
    assert.equal(s.totalReleases, 2000);
  });
});

describe("StatsReporter", () => {
  const stats: PoolStats = Object.freeze({
    ...zeroStats(10),
    totalAllocations: 1_234_567,
    totalReleases: 1_234_564,
    totalResets: 1_000,
    growthEvents: 2,
    peakInUse: 5,
    peakCapacity: 16,
    currentInUse: 3,
    created: 12,
    destroyed: 2,
    exhaustions: 4,
    leaks: 1,
    resetFailures: 6,
    waits: 7,
    timeouts: 8,
    totalWaitTimeNs: 2_500_000,
    pending: 2,
    createFailures: 9,
  });

  it("toJSON is a plain copy of every field", () => {
    const reporter = new StatsReporter(stats);
    const json = reporter.toJSON();
    assert.deepEqual(json, stats);
    assert.notEqual(json, stats);
    assert.deepEqual(JSON.parse(JSON.stringify(reporter)), stats);
  });

  it("toText is a multi-line report with every topic, waiting as load", () => {
    const text = new StatsReporter(stats).toText();
    assert.equal(
      text,
      [
        "Pool statistics",
        "  in use       3 of 10 (peak 5, peak capacity 16)",
        "  acquires     1,234,567, releases 1,234,564, resets 1,000",
        "  objects      12 created, 2 destroyed, 2 growth events",
        "  load         2 waiting now, 7 waits (2.50 ms in all), 4 found the pool full",
        "  problems     8 timeouts, 9 create failures, 6 reset failures, 1 leaks",
      ].join("\n"),
    );
  });

  it("toText adds a timing line, in readable units, when timing was measured", () => {
    const cases: [number, number, string][] = [
      [12.25, 999, "acquire 12.3 ns, release 999.0 ns"],
      [1_500, 25_000, "acquire 1.50 µs, release 25.00 µs"],
      [3e9, 4.5e6, "acquire 3.00 s, release 4.50 ms"],
    ];
    for (const [allocation, release, line] of cases) {
      const text = new StatsReporter({
        ...stats,
        avgAllocationTimeNs: allocation,
        avgReleaseTimeNs: release,
      }).toText();
      const lines = text.split("\n");
      assert.equal(lines.length, 7);
      assert.equal(lines[6], `  timing       ${line} on average (sampled)`);
    }
  });

  it("toText and summary say when statistics are off", () => {
    const reporter = new StatsReporter(disabledStats(2, 8), {
      title: "bullets",
    });
    assert.equal(
      reporter.toText(),
      "bullets\n  in use       2 of 8\n  statistics   off (enable with enableStatistics: true)",
    );
    assert.equal(reporter.summary(), "bullets: 2/8 in use (statistics off)");
  });

  it("summary is one line with the key counts", () => {
    assert.equal(
      new StatsReporter(stats).summary(),
      "Pool statistics: 3/10 in use (peak 5), 1,234,567 acquires, 1,234,564 releases, 4 exhaustions, 1 leaks",
    );
    assert.equal(
      new StatsReporter(stats, { title: "particles" }).summary().split(":")[0],
      "particles",
    );
  });

  it("reports a live pool", () => {
    const pool = new FixedPool({
      capacity: 4,
      factory: () => ({}),
      enableStatistics: true,
    });
    const held = pool.acquire();
    pool.release(pool.acquire());
    const reporter = new StatsReporter(pool.stats());
    assert.equal(
      reporter.summary(),
      "Pool statistics: 1/4 in use (peak 2), 2 acquires, 1 releases, 0 exhaustions, 0 leaks",
    );
    assert.match(reporter.toText(), /^ {2}objects {6}2 created, 0 destroyed/m);
    pool.release(held);
  });

  it("prints as its text report in console.log on every runtime", () => {
    const reporter = new StatsReporter(stats, { title: "shown" });
    assert.equal(inspect(reporter), reporter.toText());
    assert.match(inspect({ reporter }), /shown/);
    const deno = (globalThis as {
      Deno?: { inspect(value: unknown): string };
    }).Deno;
    if (deno !== undefined) {
      assert.equal(deno.inspect(reporter), reporter.toText());
    }
  });
});
