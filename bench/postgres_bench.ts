/**
 * Real connections: `select 1` on a real PostgreSQL through the `pg` client,
 * 64 concurrent callers on 8 connections, pooled by AsyncPool (set up as the
 * README recommends: `examples/postgres_pool.ts`), by `pg.Pool` (the
 * baseline: pg's own pool, `pool.query`), by generic-pool and by tarn; plus
 * AsyncPool with a `validate` that runs `select 1` on every acquire, the
 * costly way to catch dead connections that the cheap `validate` and
 * `healthCheckInterval` replace.
 *
 * Each iteration runs 2,000 queries (10 iterations after a warm-up, so 20,000
 * per pool). `deno bench` reports the time per iteration; at the end a table
 * gives each pool's throughput and the p50/p99 latency of one query
 * (acquire, query, release), over every query it ran.
 *
 * It needs a server; one command starts one, runs the bench, and stops it:
 *
 * ```sh
 * bash scripts/postgres.sh run .tools/node_modules/.bin/deno bench -A bench/postgres_bench.ts
 * ```
 *
 * Without the `PG*` variables (as under `deno task bench`) it registers no
 * bench and says so.
 *
 * @module
 */

import process from "node:process";
// @ts-types="@types/pg"
import pg from "pg";
import { createPool } from "npm:generic-pool@3.9.0";
import { Pool as TarnPool } from "npm:tarn@3.1.2";
import {
  connectClient,
  createPgPool,
  query,
} from "../examples/postgres_pool.ts";

const CONNECTIONS = 8;
const CALLERS = 64;
const PER_ITERATION = 2_000;
const GROUP = "postgres select 1, 64 callers on 8 connections";

/** Runs `total` calls of `run` from `CALLERS` loops, recording each latency. */
async function load(
  run: () => Promise<unknown>,
  latencies: number[],
): Promise<void> {
  let left = PER_ITERATION;
  const caller = async () => {
    while (left > 0) {
      left--;
      const start = performance.now();
      await run();
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
}

interface Contender {
  name: string;
  run: () => Promise<unknown>;
  close: () => Promise<unknown>;
  latencies: number[];
  ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function connect(name: string): Promise<pg.Client> {
  return connectClient(
    pg.Client,
    { application_name: name },
    new AbortController().signal,
  );
}

if (!process.env.PGHOST || !process.env.PGPORT) {
  // On stderr: `deno bench --json` output on stdout must stay JSON.
  console.error(
    "postgres_bench: no server (PGHOST/PGPORT unset), nothing to run; " +
      "run it as bash scripts/postgres.sh run deno bench -A bench/postgres_bench.ts",
  );
} else {
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
  const tarn = new TarnPool<pg.Client>({
    create: () => connect("bench_tarn"),
    destroy: (client) => client.end(),
    min: CONNECTIONS,
    max: CONNECTIONS,
  });

  const contenders: Contender[] = [
    {
      name: "pg.Pool (pool.query)",
      run: () => pgPool.query("select 1"),
      close: () => pgPool.end(),
    },
    {
      name:
        "AsyncPool (README setup: cheap validate, discard on connection errors)",
      run: () => query(fast, "select 1"),
      close: () => fast.close(),
    },
    {
      name: "AsyncPool, validate runs select 1 on every acquire",
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

  for (const [i, contender] of contenders.entries()) {
    Deno.bench({
      name: contender.name,
      group: GROUP,
      baseline: i === 0,
      n: 10,
      warmup: 2,
      async fn() {
        const start = performance.now();
        await load(contender.run, contender.latencies);
        contender.ms += performance.now() - start;
      },
    });
  }

  // The table, then the pools closed, once every bench has run (deno bench
  // always runs a warm-up call first: the second call does nothing).
  let closed = false;
  Deno.bench({
    name: "(close the pools and print the latency table)",
    group: "postgres teardown",
    n: 1,
    warmup: 0,
    async fn() {
      if (closed) return;
      closed = true;
      const rows = contenders.map((c) => {
        const sorted = [...c.latencies].sort((a, b) => a - b);
        return `| ${c.name} | ${Math.round(sorted.length / (c.ms / 1000))} |` +
          ` ${percentile(sorted, 0.5).toFixed(2)} ms | ${
            percentile(sorted, 0.99).toFixed(2)
          } ms |`;
      });
      console.log(
        `\n${GROUP} (${contenders[0]!.latencies.length} queries each)\n\n` +
          "| pool | queries/s | p50 | p99 |\n|---|---:|---:|---:|\n" +
          rows.join("\n") + "\n",
      );
      for (const c of contenders) await c.close();
    },
  });
}
