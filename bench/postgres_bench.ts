/**
 * Real connections: `select 1` on a real PostgreSQL through the `pg` client,
 * 64 concurrent callers on 8 connections, pooled by AsyncPool (set up as the
 * README recommends: `examples/postgres_pool.ts`), by `pg.Pool` (the
 * baseline: pg's own pool, `pool.query`), by generic-pool and by tarn; plus
 * AsyncPool with a `validate` that runs `select 1` on every acquire, the
 * costly way to catch dead connections that the cheap `validate` and
 * `healthCheckInterval` replace.
 *
 * Each pool runs 20,000 queries (after 2,000 to warm up) in 40 slices of 500,
 * and the slices are interleaved: round r runs one slice of every pool,
 * starting with a different pool each round. `deno bench` would run each
 * pool's iterations back to back, so on a shared machine a burst of other
 * work could land on one pool only; interleaved, it hits all alike, and the
 * ratios to `pg.Pool` are comparable. The table gives each pool's throughput
 * (queries over the time its slices took), its ratio to `pg.Pool`, and the
 * p50/p99 latency of one query (acquire, query, release). The load average is
 * printed before and after, to judge the noise.
 *
 * It needs a server; one command starts one, runs the bench, and stops it:
 *
 * ```sh
 * bash scripts/postgres.sh run .tools/node_modules/.bin/deno run -A bench/postgres_bench.ts
 * ```
 *
 * Without the `PG*` variables (as under `deno task bench`, which runs every
 * `*_bench.ts` with `deno bench`) it does nothing and says so on stderr.
 *
 * @module
 */

import os from "node:os";
import process from "node:process";
import pg from "pg"; // untyped here: see PgClient in examples/postgres_pool.ts
import { createPool } from "npm:generic-pool@3.9.0";
import { Pool as TarnPool } from "npm:tarn@3.1.2";
import {
  connectClient,
  createPgPool,
  type PgClient,
  query,
} from "../examples/postgres_pool.ts";

const CONNECTIONS = 8;
const CALLERS = 64;
const SLICE = 500;
const ROUNDS = 40; // 40 × 500 = 20,000 queries per pool
const WARM_UP = 2_000;

interface Contender {
  name: string;
  run: () => Promise<unknown>;
  close: () => Promise<unknown>;
  latencies: number[];
  ms: number;
}

/** Runs `total` calls of `run` from `CALLERS` loops; records each latency. */
async function load(
  contender: Contender,
  total: number,
  record: boolean,
): Promise<void> {
  let left = total;
  const { run, latencies } = contender;
  const caller = async () => {
    while (left > 0) {
      left--;
      const start = performance.now();
      await run();
      if (record) latencies.push(performance.now() - start);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CALLERS }, caller));
  if (record) contender.ms += performance.now() - start;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function connect(name: string): Promise<PgClient> {
  return connectClient(
    pg.Client,
    { application_name: name },
    new AbortController().signal,
  );
}

function loadAverage(): string {
  return os.loadavg().map((x) => x.toFixed(2)).join(" ");
}

async function main(): Promise<void> {
  const fast = createPgPool(
    pg.Client,
    { application_name: "bench_fastalloc" },
    {
      capacity: CONNECTIONS,
      min: CONNECTIONS,
      createTimeout: 10_000,
    },
  );
  const roundTrip = createPgPool(
    pg.Client,
    { application_name: "bench_fastalloc_select1" },
    {
      capacity: CONNECTIONS,
      min: CONNECTIONS,
      createTimeout: 10_000,
      validate: async (client) => {
        await client.query("select 1");
        return true;
      },
    },
  );
  const pgPool = new pg.Pool({
    max: CONNECTIONS,
    application_name: "bench_pg_pool",
  });
  pgPool.on("error", () => {});
  const generic = createPool({
    create: () => connect("bench_generic_pool"),
    destroy: (client) => client.end(),
  }, { max: CONNECTIONS, min: CONNECTIONS });
  const tarn = new TarnPool<PgClient>({
    create: () => connect("bench_tarn"),
    destroy: (client) => client.end(),
    min: CONNECTIONS,
    max: CONNECTIONS,
  });

  const contenders: Contender[] = [
    {
      name: "`pg.Pool` (`pool.query`), the baseline",
      run: () => pgPool.query("select 1"),
      close: () => pgPool.end(),
    },
    {
      name: "AsyncPool, README setup (cheap `validate`, `discard`)",
      run: () => query(fast, "select 1"),
      close: () => fast.close(),
    },
    {
      name: "AsyncPool, `validate` runs `select 1` on every acquire",
      run: () => query(roundTrip, "select 1"),
      close: () => roundTrip.close(),
    },
    {
      name: "generic-pool",
      run: async () => {
        const client = await generic.acquire();
        try {
          return await client.query("select 1");
        } finally {
          await generic.release(client);
        }
      },
      close: () => generic.drain().then(() => generic.clear()),
    },
    {
      name: "tarn",
      run: async () => {
        const client = await tarn.acquire().promise;
        try {
          return await client.query("select 1");
        } finally {
          tarn.release(client);
        }
      },
      close: () => tarn.destroy(),
    },
  ].map((c) => ({ ...c, latencies: [], ms: 0 }));

  const loadBefore = loadAverage();
  try {
    for (const contender of contenders) {
      await load(contender, WARM_UP, false);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < contenders.length; i++) {
        const contender = contenders[(round + i) % contenders.length]!;
        await load(contender, SLICE, true);
      }
    }
  } finally {
    for (const contender of contenders) await contender.close();
  }

  const baseline = contenders[0]!;
  const rows = contenders.map((c) => {
    const sorted = [...c.latencies].sort((a, b) => a - b);
    return `| ${c.name} | ${Math.round(sorted.length / (c.ms / 1000))} | ` +
      `${(baseline.ms / c.ms).toFixed(2)}× | ${
        percentile(sorted, 0.5).toFixed(2)
      } ms | ${percentile(sorted, 0.99).toFixed(2)} ms |`;
  });
  console.log(
    `select 1 on PostgreSQL (${
      process.env.PGHOST ?? "?"
    }), ${CALLERS} callers on ${CONNECTIONS} connections,` +
      ` ${
        ROUNDS * SLICE
      } queries per pool in ${ROUNDS} interleaved slices of ${SLICE};` +
      ` Deno ${Deno.version.deno}, load average ${loadBefore} before, ${loadAverage()} after\n\n` +
      "| pool | queries/s | vs pg.Pool | p50 | p99 |\n" +
      "| --- | ---: | ---: | ---: | ---: |\n" +
      rows.join("\n"),
  );
}

if (!process.env.PGHOST || !process.env.PGPORT) {
  // On stderr: `deno bench --json` output on stdout must stay JSON.
  console.error(
    "postgres_bench: no server (PGHOST/PGPORT unset), nothing to run; run it as " +
      "bash scripts/postgres.sh run deno run -A bench/postgres_bench.ts",
  );
} else {
  await main();
}
