/**
 * An HTTP service that pools an expensive resource per request.
 *
 * Each request borrows a `Renderer` (slow to open, like a database
 * connection or a headless browser page) from an {@linkcode AsyncPool} with
 * `await using`, so it goes back even when rendering throws. `/stats` reports
 * the pool's statistics through {@linkcode StatsReporter} (JSON, or text with
 * `?text`). On SIGINT or SIGTERM the server stops accepting connections,
 * finishes the requests in flight, closes the pool (which waits for every
 * borrow and destroys every renderer), and exits.
 *
 * Run it:
 *
 * ```sh
 * deno run --allow-net examples/http_service.ts              # serves on 127.0.0.1:8000
 * curl localhost:8000/hello && curl 'localhost:8000/stats?text'
 * deno run --allow-net examples/http_service.ts --requests=200  # serves, sends 200 requests to itself, exits
 * ```
 *
 * Options: `--port=N` (default 8000, 0 for any free port), `--requests=N`.
 *
 * @module
 */

import {
  AsyncPool,
  PoolClosedError,
  PoolEmptyError,
  PoolTimeoutError,
  StatsReporter,
} from "../mod.ts";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A resource that is slow to open and cheap to reuse. */
class Renderer {
  static #opened = 0;
  readonly id: number;
  healthy = true;
  #renders = 0;

  private constructor(id: number) {
    this.id = id;
  }

  /** Opening costs 25 ms: the reason to pool renderers. */
  static async open(): Promise<Renderer> {
    await delay(25);
    return new Renderer(++Renderer.#opened);
  }

  async render(path: string): Promise<string> {
    await delay(2);
    this.#renders++;
    return `rendered ${path} with renderer #${this.id} (its render #${this.#renders})\n`;
  }

  async close(): Promise<void> {
    await delay(1);
    this.healthy = false;
  }
}

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

const pool = new AsyncPool({
  capacity: 4,
  min: 1,
  factory: Renderer.open,
  destroy: (renderer) => renderer.close(),
  validate: (renderer) => renderer.healthy,
  acquireTimeout: 2_000,
  maxWaiters: 500,
  idleTimeout: 30_000,
  maxUses: 1_000,
  enableStatistics: true,
});

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/stats") {
    const reporter = new StatsReporter(pool.stats(), {
      title: "renderer pool",
    });
    return url.searchParams.has("text")
      ? new Response(reporter.toText() + "\n")
      : Response.json(reporter.toJSON());
  }
  try {
    // Waits at most acquireTimeout for a renderer; released when the block ends.
    await using renderer = await pool.allocate();
    return new Response(await renderer.value.render(url.pathname));
  } catch (error) {
    if (error instanceof PoolTimeoutError || error instanceof PoolEmptyError) {
      return new Response("busy, try again\n", { status: 503 });
    }
    if (error instanceof PoolClosedError) {
      return new Response("shutting down\n", { status: 503 });
    }
    throw error;
  }
}

const stopServing = new AbortController();
const server = Deno.serve({
  hostname: "127.0.0.1",
  port,
  signal: stopServing.signal,
  onListen: ({ hostname, port }) =>
    console.log(`listening on http://${hostname}:${port}/`),
}, handle);

let shuttingDown: Promise<void> | undefined;

/** Stops accepting, lets requests in flight finish, then closes the pool. */
function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    stopServing.abort();
    await server.finished;
    await pool.close();
    console.log(
      new StatsReporter(pool.stats(), { title: "renderer pool" }).summary(),
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
      const response = await fetch(`${base}/page/${i}`);
      await response.body?.cancel();
      return response.status;
    }),
  );
  const ok = statuses.filter((status) => status === 200).length;
  console.log(
    `${ok} of ${selfTestRequests} requests answered 200 in ${
      (performance.now() - started).toFixed(0)
    } ms`,
  );
  console.log(await (await fetch(`${base}/stats?text`)).text());
  await shutdown();
  if (ok !== selfTestRequests) Deno.exit(1);
}
