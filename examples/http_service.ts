/**
 * An HTTP service that pools an expensive resource per request.
 *
 * Each request borrows a `Renderer` (slow to open, like a database
 * connection or a headless browser page) from an {@linkcode AsyncPool} with
 * `await using`, so it goes back even when rendering throws. The request's
 * `signal` goes to the acquire and to the render: a client that hangs up
 * while waiting gives its place in the queue back at once, and one that
 * hangs up mid-render gives its renderer back without waiting for the page.
 *
 * - `/metrics`: the pool's statistics and the service's own counters in the
 *   Prometheus text format ({@linkcode StatsReporter.toOpenMetrics}), for a
 *   scraper.
 * - `/stats`: the statistics as JSON, or as text with `?text` (waiting is
 *   listed as load, failures as problems).
 * - any other path: a page; `?ms=N` makes its render take N ms (default 2,
 *   at most 60,000), to see waiting and hang-ups.
 *
 * On SIGINT or SIGTERM the server stops accepting connections, finishes the
 * requests in flight, closes the pool (which waits for every borrow and
 * destroys every renderer), and exits.
 *
 * Run it:
 *
 * ```sh
 * deno run --allow-net --unstable-no-legacy-abort examples/http_service.ts   # serves on 127.0.0.1:8000
 * curl localhost:8000/hello && curl localhost:8000/metrics && curl 'localhost:8000/stats?text'
 * deno run --allow-net examples/http_service.ts --requests=200  # serves, sends 200 requests to itself, exits
 * ```
 *
 * `--unstable-no-legacy-abort` makes `request.signal` abort only when the
 * client goes away; without it Deno also aborts it after every response
 * (its legacy behaviour, which it warns about once). The service works
 * either way.
 *
 * Options: `--port=N` (default 8000, 0 for any free port), `--requests=N`,
 * `--leak-timeout=N` (ms, default 5,000; 0 for none): a request holding a
 * renderer longer is logged as `overdue` with the stack of its acquire.
 * `--open-ms=N` (default 25): how long opening a renderer takes; past the
 * pool's `createTimeout` (1,000 ms) the opening is given up and logged as
 * `createerror`, as any renderer that cannot be opened is.
 * `tests/load/http_service_load.ts` loads it with autocannon.
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

/** Waits `ms`; rejects with the signal's reason as soon as it aborts. */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener("abort", abort);
      resolve();
    };
    const id = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(id);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
  });
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

  /**
   * Opening costs 25 ms (`--open-ms`): the reason to pool renderers. The
   * pool's signal aborts it when the pool gives the creation up
   * (createTimeout, close).
   */
  static async open(signal: AbortSignal): Promise<Renderer> {
    await delay(openMs, signal);
    return new Renderer(++Renderer.#opened);
  }

  /** Renders a page in `ms`; stops early when `signal` aborts. */
  async render(path: string, ms: number, signal: AbortSignal): Promise<string> {
    await delay(ms, signal);
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
const leakTimeout = option("leak-timeout", 5_000);
const openMs = option("open-ms", 25);

const pool = new AsyncPool({
  capacity: 4,
  min: 1,
  factory: Renderer.open,
  destroy: (renderer) => renderer.close(),
  validate: (renderer) => renderer.healthy,
  acquireTimeout: 2_000,
  createTimeout: 1_000,
  maxWaiters: 500,
  idleTimeout: 30_000,
  maxUses: 1_000,
  // A request that holds a renderer this long is logged with the stack of
  // the code that took it (each acquire then records its stack).
  leakTimeout: leakTimeout || Infinity,
  enableStatistics: true,
});

pool.addEventListener("overdue", (event) => {
  console.warn(
    `overdue: renderer #${event.object?.id} held for ${
      Math.round(event.heldMs ?? 0)
    } ms (leakTimeout ${leakTimeout} ms), taken at\n${event.stack}`,
  );
});
pool.addEventListener("createerror", (event) => {
  const error = event.error;
  console.error(
    `createerror: could not open a renderer: ${
      error instanceof Error ? error.message : typeof error
    }`,
  );
});

/** The service's own counters of page requests, by outcome. */
const pages = { served: 0, busy: 0, abandoned: 0 };

/** The pool's metrics and the service's own, in the Prometheus text format. */
function metrics(): string {
  const lines = [
    "# HELP http_service_pages_total Page requests by outcome.",
    "# TYPE http_service_pages_total counter",
  ];
  for (const [outcome, n] of Object.entries(pages)) {
    lines.push(`http_service_pages_total{outcome="${outcome}"} ${n}`);
  }
  return new StatsReporter(pool.stats()).toOpenMetrics({
    name: "renderer_pool",
    labels: { service: "http_service" },
  }) + lines.join("\n") + "\n";
}

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/metrics") {
    return new Response(metrics(), {
      headers: { "content-type": StatsReporter.contentType },
    });
  }
  if (url.pathname === "/stats") {
    const reporter = new StatsReporter(pool.stats(), {
      title: "renderer pool",
    });
    return url.searchParams.has("text")
      ? new Response(reporter.toText() + "\n")
      : Response.json(reporter.toJSON());
  }
  const ms =
    Math.min(Math.max(Number(url.searchParams.get("ms") ?? 2), 0), 60_000) || 0;
  try {
    // Waits at most acquireTimeout for a renderer, and no longer than the
    // client stays; released when the block ends, even if rendering throws.
    await using renderer = await pool.allocate({ signal: request.signal });
    const page = await renderer.value.render(url.pathname, ms, request.signal);
    pages.served++;
    return new Response(page);
  } catch (error) {
    if (request.signal.aborted) {
      // The client hung up: nobody reads this answer.
      pages.abandoned++;
      return new Response(null, { status: 499 });
    }
    if (error instanceof PoolTimeoutError || error instanceof PoolEmptyError) {
      pages.busy++;
      return new Response("busy, try again\n", { status: 503 });
    }
    if (error instanceof PoolClosedError) {
      pages.busy++;
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
