/**
 * An HTTP service over a pooled PostgreSQL, written the way the README
 * recommends (the pool itself is `examples/postgres_pool.ts`):
 *
 * - each client gets an `error` listener as it is made (a backend that dies
 *   while its client is idle would otherwise crash the process), which marks
 *   it broken;
 * - `validate` only reads that mark (no round trip), and
 *   `healthCheckInterval` runs it on idle clients in the background;
 * - a query that fails for a connection reason gives its client back with
 *   `discard`, any other failure with `release`;
 * - `createTimeout` bounds a connect (a database that accepts and never
 *   answers costs one bounded wait, and the connect is aborted), and
 *   `acquireTimeout` bounds a request's wait for a client;
 * - on SIGINT or SIGTERM it stops accepting, lets requests in flight finish,
 *   and closes the pool with `close({ timeout })`, so a stuck borrow cannot
 *   hold the shutdown forever.
 *
 * Routes: `/` (the server's time), `/add?a=1&b=2` (a parameterised query),
 * `/stats` (the pool's statistics; `?text` for text).
 *
 * Run it against a server (the `PG*` variables say which; scripts/postgres.sh
 * starts a throw-away one):
 *
 * ```sh
 * bash scripts/postgres.sh run .tools/node_modules/.bin/deno run -A examples/postgres_service.ts --requests=500
 * ```
 *
 * Options: `--port=N` (default 8000, 0 for any free port), `--requests=N`
 * (serve, send N requests to itself, print the statistics, shut down).
 *
 * @module
 */

import process from "node:process";
import pg from "pg"; // untyped here: see PgClient in examples/postgres_pool.ts
import {
  PoolClosedError,
  PoolEmptyError,
  PoolTimeoutError,
  StatsReporter,
} from "../mod.ts";
import { createPgPool, query } from "./postgres_pool.ts";

function option(name: string, fallback: number): number {
  const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.split("=")[1]);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot start service: --${name} "${value}" is not a non-negative integer`,
    );
  }
  return value;
}

const port = option("port", 8000);
const selfTestRequests = option("requests", 0);

const pool = createPgPool(pg.Client, {
  application_name: "fastalloc_example",
  // pg reads host, port, user, password and database from the PG* variables.
}, {
  capacity: 8,
  min: 2,
  createTimeout: 5_000, // a connect that takes longer is aborted
  healthCheckInterval: 10_000, // idle clients are checked every 10 s
  acquireTimeout: 2_000, // a request waits at most 2 s for a client
  maxWaiters: 500,
  idleTimeout: 30_000, // idle clients above `min` are closed after 30 s
  maxLifetime: 3_600_000,
  enableStatistics: true,
});

async function route(url: URL): Promise<Response> {
  switch (url.pathname) {
    case "/": {
      // query() acquires, runs, and gives the client back: discarded when
      // the query failed for a connection reason, else released.
      const { rows: [row] } = await query<{ now: Date }>(
        pool,
        "select now() as now",
      );
      return Response.json({ now: row!.now });
    }
    case "/add": {
      const { rows: [row] } = await query<{ sum: number }>(
        pool,
        "select $1::int + $2::int as sum",
        [url.searchParams.get("a"), url.searchParams.get("b")],
      );
      return Response.json({ sum: row!.sum });
    }
    case "/stats": {
      const reporter = new StatsReporter(pool.stats(), {
        title: "postgres pool",
      });
      return url.searchParams.has("text")
        ? new Response(reporter.toText() + "\n")
        : Response.json(reporter.toJSON());
    }
    default:
      return new Response("not found\n", { status: 404 });
  }
}

async function handle(request: Request): Promise<Response> {
  try {
    return await route(new URL(request.url));
  } catch (error) {
    if (error instanceof PoolTimeoutError || error instanceof PoolEmptyError) {
      return new Response("busy, try again\n", { status: 503 });
    }
    if (error instanceof PoolClosedError) {
      return new Response("shutting down\n", { status: 503 });
    }
    const code = (error as { code?: unknown }).code;
    if (code === "22P02") { // invalid_text_representation: a bad number
      return new Response("a and b must be integers\n", { status: 400 });
    }
    console.error("request failed:", error);
    return new Response("database error\n", { status: 500 });
  }
}

const stopServing = new AbortController();
const server = Deno.serve({
  hostname: "127.0.0.1",
  port,
  signal: stopServing.signal,
  onListen: ({ hostname, port }) =>
    console.log(
      `listening on http://${hostname}:${port}/ (database ${
        process.env.PGHOST ?? "localhost"
      }:${process.env.PGPORT ?? 5432})`,
    ),
}, handle);

let shuttingDown: Promise<void> | undefined;

/**
 * Stops accepting, lets requests in flight finish, then closes the pool,
 * waiting at most 5 s for borrows to come back.
 */
function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    stopServing.abort();
    await server.finished;
    try {
      await pool.close({ timeout: 5_000 });
    } catch (error) {
      // The pool is closed all the same; late returns are destroyed.
      if (!(error instanceof PoolTimeoutError)) throw error;
      console.error(error.message);
    }
    console.log(
      new StatsReporter(pool.stats(), { title: "postgres pool" }).summary(),
    );
  })();
  return shuttingDown;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  try {
    Deno.addSignalListener(signal, () => void shutdown());
  } catch {
    // Not every platform has every signal (Windows has no SIGTERM).
  }
}

if (selfTestRequests > 0) {
  const base = `http://127.0.0.1:${server.addr.port}`;
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: selfTestRequests }, async (_, i) => {
      const response = await fetch(`${base}/add?a=${i}&b=1`);
      const body = await response.json() as { sum: number };
      return response.status === 200 && body.sum === i + 1;
    }),
  );
  const ok = statuses.filter(Boolean).length;
  const bad = await fetch(`${base}/add?a=x&b=1`);
  await bad.body?.cancel();
  console.log(
    `${ok} of ${selfTestRequests} requests answered right in ${
      (performance.now() - started).toFixed(0)
    } ms; a bad number got ${bad.status}`,
  );
  console.log(await (await fetch(`${base}/stats?text`)).text());
  await shutdown();
  if (ok !== selfTestRequests || bad.status !== 400) Deno.exit(1);
}
