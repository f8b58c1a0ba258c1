/**
 * Tests of `StatsReporter#toOpenMetrics`: the statistics of every pool type
 * in the Prometheus text exposition format, read back by a real parser from
 * npm (`parse-prometheus-text-format`, see `_prometheus.ts`) and checked
 * line by line against the format's grammar.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { disabledStats } from "../stats/_disabled_stats.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { StatsReporter } from "../stats/stats_reporter.ts";
import { PoolConfigurationError, PoolTimeoutError } from "../errors.ts";
import { FixedPool } from "../pools/fixed_pool.ts";
import { GrowingPool } from "../pools/growing_pool.ts";
import { AsyncPool } from "../pools/async_pool.ts";
import { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import { ThreadLocalPool } from "../pools/thread_local_pool.ts";
import { quote } from "../quote.ts";
import { Cell } from "./workers/cell.ts";
import { type ParsedFamily, parseExposition } from "./_prometheus.ts";

/**
 * What each metric must be, written out here (not taken from the library):
 * its name after the prefix, its type, and the value it must carry.
 */
const EXPECTED: readonly {
  name: string;
  type: "COUNTER" | "GAUGE";
  value: (s: PoolStats) => number;
}[] = [
  { name: "statistics_enabled", type: "GAUGE", value: (s) => +s.enabled },
  { name: "in_use", type: "GAUGE", value: (s) => s.currentInUse },
  { name: "capacity", type: "GAUGE", value: (s) => s.currentCapacity },
  { name: "pending", type: "GAUGE", value: (s) => s.pending },
  { name: "in_use_peak", type: "GAUGE", value: (s) => s.peakInUse },
  { name: "capacity_peak", type: "GAUGE", value: (s) => s.peakCapacity },
  { name: "acquires_total", type: "COUNTER", value: (s) => s.totalAllocations },
  { name: "releases_total", type: "COUNTER", value: (s) => s.totalReleases },
  { name: "resets_total", type: "COUNTER", value: (s) => s.totalResets },
  {
    name: "growth_events_total",
    type: "COUNTER",
    value: (s) => s.growthEvents,
  },
  { name: "created_total", type: "COUNTER", value: (s) => s.created },
  { name: "destroyed_total", type: "COUNTER", value: (s) => s.destroyed },
  { name: "waits_total", type: "COUNTER", value: (s) => s.waits },
  {
    name: "wait_seconds_total",
    type: "COUNTER",
    value: (s) => s.totalWaitTimeNs / 1e9,
  },
  { name: "exhaustions_total", type: "COUNTER", value: (s) => s.exhaustions },
  { name: "timeouts_total", type: "COUNTER", value: (s) => s.timeouts },
  { name: "leaks_total", type: "COUNTER", value: (s) => s.leaks },
  {
    name: "reset_failures_total",
    type: "COUNTER",
    value: (s) => s.resetFailures,
  },
  {
    name: "create_failures_total",
    type: "COUNTER",
    value: (s) => s.createFailures,
  },
  {
    name: "acquire_seconds_total",
    type: "COUNTER",
    value: (s) => s.totalAllocationTimeNs / 1e9,
  },
  {
    name: "release_seconds_total",
    type: "COUNTER",
    value: (s) => s.totalReleaseTimeNs / 1e9,
  },
  {
    name: "acquire_seconds_mean",
    type: "GAUGE",
    value: (s) => s.avgAllocationTimeNs / 1e9,
  },
  {
    name: "release_seconds_mean",
    type: "GAUGE",
    value: (s) => s.avgReleaseTimeNs / 1e9,
  },
];

/** Known with statistics off. */
const ALWAYS = new Set(["statistics_enabled", "in_use", "capacity"]);

/** Label values that need every escape, and some that need none. */
const TRICKY_LABELS = {
  quoted: 'say "hi"',
  path: "C:\\temp\\new",
  note: "two\nlines",
  mixed: '\\"\n\\n end\\',
  unicode: "grüße 🎉 — ok",
  empty: "",
  spaces: "  a , b = c }{ ",
};

/**
 * Every line of an exposition, checked against the text format's grammar:
 * `# HELP name text`, `# TYPE name counter|gauge`, then one or more samples
 * `name{label="value",...} number` (`samplesOf(family)` of them), each
 * family's lines together and each family once; the text ends with a line
 * feed.
 */
function checkGrammar(
  text: string,
  samplesOf: (family: string) => number = () => 1,
): void {
  assert.ok(text.endsWith("\n"), "ends with a line feed");
  const lines = text.slice(0, -1).split("\n");
  const name = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const labelValue = String.raw`"(?:[^"\\\n]|\\[\\"n])*"`;
  const labels = String
    .raw`\{(?:[a-zA-Z_][a-zA-Z0-9_]*=${labelValue}(?:,[a-zA-Z_][a-zA-Z0-9_]*=${labelValue})*)?\}`;
  const number = String.raw`[0-9]+(?:\.[0-9]+)?(?:e[+-][0-9]+)?`;
  const sample = new RegExp(`^(${name})(?:${labels})? (${number})$`);
  const seen = new Set<string>();
  let i = 0;
  while (i < lines.length) {
    const help = /^# HELP ([^ ]+) (\S.*)$/.exec(lines[i]!);
    assert.ok(help, `a HELP line: ${lines[i]}`);
    const family = help[1]!;
    assert.match(family, new RegExp(`^${name}$`));
    assert.ok(!help[2]!.includes("\\"), "help text needs no escapes");
    assert.ok(!seen.has(family), `${family} appears once`);
    seen.add(family);
    const type = /^# TYPE ([^ ]+) (counter|gauge)$/.exec(lines[i + 1]!);
    assert.ok(type, `a TYPE line: ${lines[i + 1]}`);
    assert.equal(type[1], family);
    assert.equal(type[2] === "counter", family.endsWith("_total"));
    const samples = samplesOf(family);
    assert.ok(samples >= 1, `${family} has samples`);
    for (let k = 0; k < samples; k++) {
      const s = sample.exec(lines[i + 2 + k]!);
      assert.ok(s, `a sample line of ${family}: ${lines[i + 2 + k]}`);
      assert.equal(s[1], family);
      assert.ok(Number.isFinite(Number(s[2])));
    }
    i += 2 + samples;
  }
}

/**
 * Checks `stats` as written by `toOpenMetrics` and read back by the parser:
 * every expected family (and no other), its type, help, labels and value.
 */
function checkExposition(
  stats: PoolStats,
  prefix: string,
  labels?: Record<string, string>,
): ParsedFamily[] {
  const text = new StatsReporter(stats).toOpenMetrics(
    labels === undefined ? { name: prefix } : { name: prefix, labels },
  );
  checkGrammar(text);
  const families = parseExposition(text);
  const expected = EXPECTED.filter((m) => stats.enabled || ALWAYS.has(m.name));
  assert.deepEqual(
    families.map((f) => f.name).sort(),
    expected.map((m) => `${prefix}_${m.name}`).sort(),
  );
  for (const m of expected) {
    const family = families.find((f) => f.name === `${prefix}_${m.name}`)!;
    assert.equal(family.type, m.type, family.name);
    assert.ok(family.help.length > 10, `${family.name} has help`);
    assert.equal(family.metrics.length, 1, `${family.name}: one sample`);
    const sample = family.metrics[0]!;
    assert.equal(Number(sample.value), m.value(stats), family.name);
    if (labels === undefined || Object.keys(labels).length === 0) {
      assert.equal(sample.labels, undefined);
    } else {
      assert.deepEqual(sample.labels, labels, `${family.name} labels`);
    }
  }
  return families;
}

class Thing {
  n = 0;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("StatsReporter#toOpenMetrics", () => {
  it("writes a hand-made snapshot with every field distinct, read back exactly", () => {
    const stats: PoolStats = Object.freeze({
      enabled: true,
      totalAllocations: 1_234_567,
      totalReleases: 1_234_560,
      totalResets: 1_000,
      growthEvents: 2,
      peakInUse: 9,
      peakCapacity: 16,
      currentInUse: 7,
      currentCapacity: 12,
      totalAllocationTimeNs: 3_700_000_123,
      totalReleaseTimeNs: 45,
      avgAllocationTimeNs: 125.5,
      avgReleaseTimeNs: 0.25,
      exhaustions: 4,
      created: 13,
      destroyed: 3,
      leaks: 1,
      resetFailures: 6,
      waits: 8,
      timeouts: 5,
      totalWaitTimeNs: 2_500_000,
      pending: 11,
      createFailures: 10,
    });
    const families = checkExposition(stats, "db_pool", { pool: "primary" });
    const value = (name: string) =>
      families.find((f) => f.name === `db_pool_${name}`)!.metrics[0]!.value;
    // Nanoseconds become seconds, the Prometheus base unit.
    assert.equal(value("wait_seconds_total"), "0.0025");
    assert.equal(value("acquire_seconds_total"), "3.700000123");
    assert.equal(value("release_seconds_mean"), "2.5e-10");
    assert.equal(value("pending"), "11");
    assert.equal(value("create_failures_total"), "10");
  });

  it("writes every pool type's statistics, read back by the parser", async () => {
    const snapshots: [string, PoolStats][] = [];

    let failReset = false;
    const fixed = new FixedPool(Thing, {
      capacity: 2,
      enableStatistics: { timing: true, sampleRate: 1 },
      reset: (t) => {
        if (failReset) throw new Error("reset failed");
        t.n = 0;
      },
    });
    const a = fixed.acquire();
    fixed.release(fixed.acquire());
    failReset = true;
    assert.throws(() => fixed.release(a), /reset failed/);
    failReset = false;
    fixed.acquire();
    fixed.acquire();
    assert.equal(fixed.tryAcquire(), undefined); // an exhaustion
    snapshots.push(["fixed_pool", fixed.stats()]);

    const growing = new GrowingPool({
      capacity: 1,
      maxCapacity: 4,
      factory: () => ({}),
      enableStatistics: true,
    });
    const held = [growing.acquire(), growing.acquire(), growing.acquire()];
    growing.release(held.pop()!);
    growing.trim();
    snapshots.push(["growing_pool", growing.stats()]);

    let failCreate = true;
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => {
        if (failCreate) throw new Error("connect failed");
        return { id: 1 };
      },
      enableStatistics: true,
    });
    await assert.rejects(pool.acquire(), /connect failed/);
    failCreate = false;
    const conn = await pool.acquire();
    // The delay keeps the event loop alive while the acquire times out.
    await Promise.all([
      assert.rejects(pool.acquire({ timeout: 5 }), PoolTimeoutError),
      delay(20),
    ]);
    const waiter = pool.acquire();
    await delay(1);
    snapshots.push(["async_pool_waiting", pool.stats()]);
    await pool.release(conn);
    await pool.release(await waiter);
    await pool.close();
    snapshots.push(["async_pool", pool.stats()]);

    const shared = new ThreadSafePool(Cell, {
      capacity: 4,
      enableStatistics: true,
    });
    const cell = shared.acquire();
    shared.release(shared.acquire());
    assert.equal(shared.acquireWait(1) !== undefined, true);
    snapshots.push(["thread_safe_pool", shared.stats()]);
    shared.release(cell);

    const local = new ThreadLocalPool({
      capacity: 2,
      factory: () => ({}),
      enableStatistics: true,
    });
    local.acquire();
    local.release(local.acquire());
    snapshots.push(["thread_local_pool", local.stats()]);

    for (const [name, stats] of snapshots) {
      assert.equal(stats.enabled, true, name);
      assert.ok(stats.totalAllocations > 0, name);
      checkExposition(stats, name, { pool: name, ...TRICKY_LABELS });
      checkExposition(stats, `app:${name}`);
    }
    const waiting = snapshots.find(([n]) => n === "async_pool_waiting")![1];
    assert.ok(waiting.timeouts >= 1 && waiting.waits >= 1);
  });

  it("with statistics off writes only what is known", () => {
    const pool = new FixedPool({ capacity: 3, factory: () => ({}) });
    pool.acquire();
    const families = checkExposition(pool.stats(), "off", { a: "b" });
    assert.equal(families.length, 3);
    assert.deepEqual(
      families.map((f) => [f.name, f.metrics[0]!.value]),
      [["off_statistics_enabled", "0"], ["off_in_use", "1"], [
        "off_capacity",
        "3",
      ]],
    );
    checkExposition(disabledStats(0, 0), "none");
  });

  it("escapes label values: backslash, double quote and line feed", () => {
    const text = new StatsReporter(disabledStats(1, 2)).toOpenMetrics({
      name: "x",
      labels: { a: 'back\\slash "quoted"\nnext line', b: "plain" },
    });
    assert.ok(
      text.includes(
        'x_in_use{a="back\\\\slash \\"quoted\\"\\nnext line",b="plain"} 1\n',
      ),
      text,
    );
    for (const family of parseExposition(text)) {
      assert.deepEqual(family.metrics[0]!.labels, {
        a: 'back\\slash "quoted"\nnext line',
        b: "plain",
      });
    }
  });

  it("no labels, or an empty labels object, writes bare samples", () => {
    const reporter = new StatsReporter(disabledStats(1, 2));
    const bare = reporter.toOpenMetrics({ name: "p" });
    assert.equal(reporter.toOpenMetrics({ name: "p", labels: {} }), bare);
    assert.equal(
      bare,
      [
        "# HELP p_statistics_enabled Whether statistics are collected (1) or not (0).",
        "# TYPE p_statistics_enabled gauge",
        "p_statistics_enabled 0",
        "# HELP p_in_use Objects lent now.",
        "# TYPE p_in_use gauge",
        "p_in_use 1",
        "# HELP p_capacity The capacity now.",
        "# TYPE p_capacity gauge",
        "p_capacity 2",
        "",
      ].join("\n"),
    );
  });

  it("names the content type it matches", () => {
    assert.equal(
      StatsReporter.contentType,
      "text/plain; version=0.0.4; charset=utf-8",
    );
  });

  it("rejects invalid metric and label names with a clear error", () => {
    const reporter = new StatsReporter(disabledStats(0, 1));
    const cases: [unknown, string][] = [
      [{ name: "1pool" }, `name ${quote("1pool")} is not a metric name`],
      [{ name: "my-pool" }, `name ${quote("my-pool")} is not a metric name`],
      [{ name: "" }, `name ${quote("")} is not a metric name`],
      [{}, "the name option is missing"],
      [{ name: 5 }, `name ${quote(5)} is not a string`],
      [
        { name: "p", labels: { "a-b": "x" } },
        `label name ${quote("a-b")} is not a label name`,
      ],
      [
        { name: "p", labels: { __name__: "x" } },
        `label name ${quote("__name__")} starts with "__"`,
      ],
      [
        { name: "p", labels: { a: 1 } },
        `label ${quote("a")} has value ${quote(1)}, which is not a string`,
      ],
      [
        { name: "p", labels: { a: "\ud800" } },
        `label ${quote("a")} has a value with a lone surrogate`,
      ],
      [
        { name: "p", labels: "a=b" },
        `labels ${quote("a=b")} are not an object`,
      ],
      [{ name: "p", label: {} }, `option ${quote("label")} is unknown`],
      [
        { name: "p", labels: new Map([["pool", "a"]]) },
        "labels are a Map, not an object of label names",
      ],
      [null, `options ${quote(null)} are not an object`],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => reporter.toOpenMetrics(options as never),
        (error: unknown) => {
          assert.ok(error instanceof PoolConfigurationError);
          assert.ok(
            error.message.startsWith(`Cannot write OpenMetrics: ${message}`),
            error.message,
          );
          return true;
        },
      );
    }
  });

  it("reads each option once: a getter cannot pass the check and then change", () => {
    const reporter = new StatsReporter(disabledStats(1, 2));
    let nameReads = 0;
    let labelsReads = 0;
    const text = reporter.toOpenMetrics({
      get name() {
        return nameReads++ === 0 ? "ok" : "bad name\n# injected";
      },
      get labels() {
        return labelsReads++ === 0 ? { a: "b" } : { "bad-label": "x" };
      },
    });
    assert.equal(nameReads, 1);
    assert.equal(labelsReads, 1);
    checkGrammar(text);
    assert.deepEqual(
      parseExposition(text).map((f) => [f.name, f.metrics[0]!.labels]),
      [
        ["ok_statistics_enabled", { a: "b" }],
        ["ok_in_use", { a: "b" }],
        ["ok_capacity", { a: "b" }],
      ],
    );
  });
});

describe("StatsReporter.combineOpenMetrics", () => {
  /** Three pools: two collecting statistics, one not. */
  function threePools(): { name: string; stats: PoolStats }[] {
    const bullets = new FixedPool(Thing, {
      capacity: 4,
      enableStatistics: true,
    });
    bullets.release(bullets.acquire());
    bullets.acquire();
    const sparks = new GrowingPool(Thing, {
      capacity: 1,
      enableStatistics: true,
    });
    sparks.acquire();
    sparks.acquire(); // grows
    const quiet = new FixedPool(Thing, { capacity: 3 });
    quiet.acquire();
    return [
      { name: "bullets", stats: bullets.stats() },
      { name: "sparks", stats: sparks.stats() },
      { name: "quiet", stats: quiet.stats() },
    ];
  }

  it("writes each family once, one sample per pool, read back by the parser", () => {
    const pools = threePools();
    const shared = { app: "game", ...TRICKY_LABELS };
    const text = StatsReporter.combineOpenMetrics(
      pools.map((p) => ({ stats: p.stats, labels: { pool: p.name } })),
      { name: "game_pool", labels: shared },
    );
    const collecting = pools.filter((p) => p.stats.enabled);
    assert.equal(collecting.length, 2);
    checkGrammar(
      text,
      (family) =>
        ALWAYS.has(family.slice("game_pool_".length))
          ? pools.length
          : collecting.length,
    );
    const families = parseExposition(text);
    assert.deepEqual(
      families.map((f) => f.name).sort(),
      EXPECTED.map((m) => `game_pool_${m.name}`).sort(),
    );
    for (const m of EXPECTED) {
      const family = families.find((f) => f.name === `game_pool_${m.name}`)!;
      assert.equal(family.type, m.type, family.name);
      const expected = ALWAYS.has(m.name) ? pools : collecting;
      assert.equal(family.metrics.length, expected.length, family.name);
      for (const [i, p] of expected.entries()) {
        const sample = family.metrics[i]!;
        assert.deepEqual(sample.labels, { ...shared, pool: p.name });
        assert.equal(Number(sample.value), m.value(p.stats), family.name);
      }
    }
    // The figures are the pools' own, not mixed up.
    const inUse = families.find((f) => f.name === "game_pool_in_use")!;
    assert.deepEqual(inUse.metrics.map((s) => s.value), ["1", "2", "1"]);
    const growth = families.find((f) =>
      f.name === "game_pool_growth_events_total"
    )!;
    assert.deepEqual(growth.metrics.map((s) => s.value), ["0", "1"]);
  });

  it("puts the shared labels first, then each pool's own, on every sample", () => {
    const text = StatsReporter.combineOpenMetrics([
      { stats: disabledStats(1, 2), labels: { pool: "a", zone: "eu" } },
      { stats: disabledStats(3, 4), labels: { pool: "b" } },
    ], { name: "p", labels: { app: "x" } });
    assert.equal(
      text,
      [
        "# HELP p_statistics_enabled Whether statistics are collected (1) or not (0).",
        "# TYPE p_statistics_enabled gauge",
        'p_statistics_enabled{app="x",pool="a",zone="eu"} 0',
        'p_statistics_enabled{app="x",pool="b"} 0',
        "# HELP p_in_use Objects lent now.",
        "# TYPE p_in_use gauge",
        'p_in_use{app="x",pool="a",zone="eu"} 1',
        'p_in_use{app="x",pool="b"} 3',
        "# HELP p_capacity The capacity now.",
        "# TYPE p_capacity gauge",
        'p_capacity{app="x",pool="a",zone="eu"} 2',
        'p_capacity{app="x",pool="b"} 4',
        "",
      ].join("\n"),
    );
  });

  it("for one pool writes what toOpenMetrics writes; for none, nothing", () => {
    for (const { stats } of threePools()) {
      const labels = { pool: "only" };
      assert.equal(
        StatsReporter.combineOpenMetrics([{ stats, labels }], { name: "one" }),
        new StatsReporter(stats).toOpenMetrics({ name: "one", labels }),
      );
      assert.equal(
        StatsReporter.combineOpenMetrics([{ stats }], {
          name: "one",
          labels,
        }),
        new StatsReporter(stats).toOpenMetrics({ name: "one", labels }),
      );
    }
    assert.equal(StatsReporter.combineOpenMetrics([], { name: "none" }), "");
  });

  it("refuses pools it could not tell apart, or a label given twice, before writing", () => {
    const s = disabledStats(0, 1);
    const cases: [unknown, unknown, string][] = [
      [
        [{ stats: s, labels: { pool: "a" } }, {
          stats: s,
          labels: { pool: "a" },
        }],
        { name: "p" },
        `pools 0 and 1 have the same labels ${quote('{pool="a"}')}`,
      ],
      [
        [
          { stats: s, labels: { a: "1", b: "2" } },
          { stats: s, labels: { pool: "x" } },
          { stats: s, labels: { b: "2", a: "1" } },
        ],
        { name: "p" },
        `pools 0 and 2 have the same labels ${quote('{b="2",a="1"}')}`,
      ],
      [
        [{ stats: s }, { stats: s, labels: {} }],
        { name: "p", labels: { app: "x" } },
        `pools 0 and 1 have the same labels ${quote('{app="x"}')}`,
      ],
      [
        [{ stats: s, labels: { app: "y" } }],
        { name: "p", labels: { app: "x" } },
        `label ${quote("app")} is given both to every pool and to pool 0`,
      ],
      [
        [{ stats: s, labels: { pool: "a" } }, {
          stats: s,
          labels: { "a-b": "x" },
        }],
        { name: "p" },
        `label name ${quote("a-b")} is not a label name`,
      ],
      [
        [{ stats: s, labels: "pool=a" }],
        { name: "p" },
        `the labels of pool 0 ${quote("pool=a")} are not an object`,
      ],
      [
        [{ stats: s, label: { pool: "a" } }],
        { name: "p" },
        `pool 0 has the unknown key ${quote("label")}`,
      ],
      [[null], { name: "p" }, `pool 0 ${quote(null)} is not an object`],
      [{ 0: { stats: s } }, { name: "p" }, "pools"],
      [
        [{ stats: s }],
        { name: "1p" },
        `name ${quote("1p")} is not a metric name`,
      ],
      [[{ stats: s }], null, `options ${quote(null)} are not an object`],
    ];
    for (const [pools, options, message] of cases) {
      assert.throws(
        () =>
          StatsReporter.combineOpenMetrics(pools as never, options as never),
        (error: unknown) => {
          assert.ok(error instanceof PoolConfigurationError, String(error));
          assert.ok(
            error.message.startsWith(`Cannot write OpenMetrics: ${message}`),
            error.message,
          );
          return true;
        },
      );
    }
    assert.throws(
      () =>
        StatsReporter.combineOpenMetrics(
          [{ stats: s, labels: { pool: "a" } }, {
            stats: { enabled: true },
            labels: { pool: "b" },
          }] as never,
          { name: "p" },
        ),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.startsWith("Cannot write OpenMetrics of pool 1: "),
    );
  });
});
