/**
 * The load test of `examples/http_service.ts`: the example runs under Deno
 * (it uses `Deno.serve`) on the loopback interface, and this file, run by
 * `node --test` (autocannon is a Node program), loads it and checks it.
 * `scripts/test.sh` runs it as its own step ("example load test"); it is not
 * a `*_test.ts` file, so the three-runtime suite does not pick it up.
 *
 * Every request goes to 127.0.0.1 and every loop is bounded in count and in
 * time: autocannon sends a fixed number of requests, each wait for the
 * service polls at most `WAIT_MS`, and the whole test has a timeout.
 *
 * It checks that:
 * - under load (autocannon, 16 connections, `LOAD_REQUESTS` requests) every
 *   request is served, and requests served = acquires = releases;
 * - `/metrics` has the Prometheus content type and parses with a real
 *   parser (`parse-prometheus-text-format`);
 * - clients that hang up while waiting for a renderer never take one, and
 *   clients that hang up mid-render give theirs back at once (their renders
 *   would take a minute), so no abandoned request holds a renderer;
 * - a request that holds a renderer past `--leak-timeout` is logged as
 *   `overdue`, with the stack of the acquire (in the service's `handle`);
 * - the service shuts down cleanly on SIGTERM;
 * - a renderer that cannot be opened in time (`--open-ms` past the pool's
 *   `createTimeout`) is logged as `createerror`, the request is answered
 *   busy, and the text report lists it under problems.
 *
 * @module
 */

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import http from "node:http";
import autocannon from "autocannon";
import { type ParsedFamily, parseExposition } from "../_prometheus.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DENO = `${ROOT}.tools/node_modules/.bin/deno`;
const LOAD_REQUESTS = 2_000;
const WAIT_MS = 10_000;
const HOLDERS = 4; // the pool's capacity
const WAITERS = 10;
const LEAK_TIMEOUT = 150;

/** A running copy of the service, and everything it printed. */
interface Service {
  readonly child: ChildProcess;
  readonly base: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

/** The service under load. */
let service: ChildProcess;
let base = "";
let stdout: () => string = () => "";
let stderr: () => string = () => "";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true; fails after `WAIT_MS`. */
async function until(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/** The service's `/metrics`, parsed, with its content type checked. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${base}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(
    response.headers.get("content-type"),
    "text/plain; version=0.0.4; charset=utf-8",
  );
  const families: ParsedFamily[] = parseExposition(await response.text());
  const values = new Map<string, number>();
  for (const family of families) {
    assert.ok(family.type === "COUNTER" || family.type === "GAUGE");
    for (const sample of family.metrics) {
      const outcome = sample.labels?.outcome;
      const key = outcome === undefined
        ? family.name
        : `${family.name}{${outcome}}`;
      values.set(key, Number(sample.value));
    }
  }
  return values;
}

/** One metric of a scrape; fails if it is missing. */
function value(metrics: Map<string, number>, name: string): number {
  const n = metrics.get(name);
  assert.ok(n !== undefined, `${name} is in /metrics`);
  return n;
}

/**
 * Starts the example on a free loopback port with `args` and waits until it
 * listens.
 */
async function start(args: string[]): Promise<Service> {
  const child = spawn(DENO, [
    "run",
    "--allow-net",
    "--unstable-no-legacy-abort",
    "examples/http_service.ts",
    "--port=0",
    ...args,
  ], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (s) => (out += s));
  child.stderr!.setEncoding("utf8").on("data", (s) => (err += s));
  let url = "";
  await until("the service to listen", () => {
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
    if (match) url = match[1]!;
    if (child.exitCode !== null) {
      assert.fail(`the service exited: ${out}${err}`);
    }
    return Promise.resolve(match !== null);
  });
  return { child, base: url, stdout: () => out, stderr: () => err };
}

/**
 * Starts a page request that the test can hang up on: resolves once the
 * request is sent, with a function that destroys its socket.
 */
function openRequest(path: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${base}${path}`, (response) => {
      response.resume();
    });
    request.on("error", () => {}); // the hang-up itself
    request.on("socket", (socket) => {
      socket.on("connect", () => resolve(() => request.destroy()));
      socket.on("error", reject);
    });
  });
}

describe(
  "examples/http_service.ts under load (Deno server, autocannon client)",
  {
    timeout: 120_000,
  },
  () => {
    before(async () => {
      ({ child: service, base, stdout, stderr } = await start([
        `--leak-timeout=${LEAK_TIMEOUT}`,
      ]));
    });

    after(() => {
      if (service.exitCode === null) service.kill("SIGKILL");
    });

    it("serves every request, and requests served = acquires = releases", async () => {
      const result = await autocannon({
        url: `${base}/page`,
        connections: 16,
        amount: LOAD_REQUESTS,
        timeout: 10,
      });
      assert.equal(result.errors, 0, "no connection errors");
      assert.equal(result.timeouts, 0, "no timeouts");
      assert.equal(result.non2xx, 0, "no error responses");
      assert.equal(result["2xx"], LOAD_REQUESTS);
      const metrics = await scrape();
      const served = value(metrics, "http_service_pages_total{served}");
      assert.equal(served, LOAD_REQUESTS);
      assert.equal(value(metrics, "renderer_pool_acquires_total"), served);
      assert.equal(value(metrics, "renderer_pool_releases_total"), served);
      assert.equal(value(metrics, "renderer_pool_in_use"), 0);
      assert.equal(value(metrics, "renderer_pool_pending"), 0);
      assert.equal(value(metrics, "renderer_pool_capacity"), HOLDERS);
      assert.ok(value(metrics, "renderer_pool_in_use_peak") <= HOLDERS);
      assert.ok(value(metrics, "renderer_pool_waits_total") > 0, "it was busy");
      assert.equal(value(metrics, "http_service_pages_total{abandoned}"), 0);
    });

    it("abandoned requests do not hold a renderer", async () => {
      const before = await scrape();
      const acquires = value(before, "renderer_pool_acquires_total");
      const served = value(before, "http_service_pages_total{served}");
      const exhaustions = value(before, "renderer_pool_exhaustions_total");

      // Four requests whose renders would take a minute take every renderer.
      const holders = [];
      for (let i = 0; i < HOLDERS; i++) {
        holders.push(await openRequest(`/slow/${i}?ms=60000`));
      }
      await until(
        "the slow requests to hold every renderer",
        async () => value(await scrape(), "renderer_pool_in_use") === HOLDERS,
      );
      // Ten more wait for a renderer ...
      const waiters = [];
      for (let i = 0; i < WAITERS; i++) {
        waiters.push(await openRequest(`/waiting/${i}`));
      }
      await until("the ten requests to wait", async () => {
        const m = await scrape();
        return value(m, "renderer_pool_pending") === WAITERS &&
          value(m, "renderer_pool_exhaustions_total") - exhaustions === WAITERS;
      });
      // ... and hang up: each gives its place in the queue back.
      for (const hangUp of waiters) hangUp();
      await until("the waiting requests to be dropped", async () => {
        const m = await scrape();
        return value(m, "http_service_pages_total{abandoned}") === WAITERS;
      });
      let m = await scrape();
      assert.equal(value(m, "renderer_pool_pending"), 0);
      assert.equal(value(m, "renderer_pool_in_use"), HOLDERS);
      // The slow requests hang up mid-render: their renderers come back now,
      // not in a minute, and nobody took the dropped waiters' places.
      for (const hangUp of holders) hangUp();
      await until("the renderers to come back", async () => {
        const m = await scrape();
        return value(m, "renderer_pool_in_use") === 0 &&
          value(m, "http_service_pages_total{abandoned}") === WAITERS + HOLDERS;
      });
      m = await scrape();
      assert.equal(
        value(m, "renderer_pool_acquires_total") - acquires,
        HOLDERS,
        "only the slow requests ever acquired",
      );
      assert.equal(
        value(m, "renderer_pool_releases_total"),
        value(m, "renderer_pool_acquires_total"),
      );
      assert.equal(value(m, "http_service_pages_total{served}"), served);
      assert.equal(value(m, "renderer_pool_timeouts_total"), 0);
      // The service still serves.
      const response = await fetch(`${base}/after`);
      assert.equal(response.status, 200);
      await response.text();
    });

    it("logs a renderer held past leakTimeout, with the stack of its acquire", async () => {
      const response = await fetch(`${base}/held?ms=${LEAK_TIMEOUT * 4}`);
      assert.equal(response.status, 200);
      await response.text();
      const overdue = stderr().split("overdue: ").slice(1);
      assert.ok(overdue.length >= 1, `an overdue line in: ${stderr()}`);
      for (const report of overdue) {
        assert.match(
          report,
          new RegExp(
            String
              .raw`^renderer #\d+ held for \d+ ms \(leakTimeout ${LEAK_TIMEOUT} ms\), taken at\n {4}at handle \(`,
          ),
        );
      }
    });

    it("lists waiting as load in its text report", async () => {
      const text = await (await fetch(`${base}/stats?text`)).text();
      assert.match(text, /^ {2}load {9}0 waiting now, \d[\d,]* waits/m);
      assert.match(text, /^ {2}problems {5}0 timeouts, 0 create failures/m);
    });

    it("shuts down cleanly on SIGTERM", async () => {
      const exited = new Promise<number | null>((resolve) =>
        service.once("exit", (code) => resolve(code))
      );
      service.kill("SIGTERM");
      assert.equal(await exited, 0, stderr());
      assert.match(stdout(), /renderer pool: 0\/\d in use/);
    });
  },
);

describe(
  "examples/http_service.ts when renderers cannot be opened",
  { timeout: 60_000 },
  () => {
    let broken: Service;

    before(async () => {
      // Opening takes longer than the pool's createTimeout (1,000 ms).
      broken = await start(["--open-ms=60000"]);
    });

    after(() => {
      if (broken.child.exitCode === null) broken.child.kill("SIGKILL");
    });

    it("logs each failed opening as createerror and answers busy", async () => {
      const response = await fetch(`${broken.base}/page`);
      assert.equal(response.status, 503);
      assert.equal(await response.text(), "busy, try again\n");
      // The request waited for the opening started for min: 1, which gave
      // up after createTimeout and was logged.
      await until(
        "a createerror line",
        () => Promise.resolve(broken.stderr().includes("createerror: ")),
      );
      for (const line of broken.stderr().split("createerror: ").slice(1)) {
        assert.match(
          line,
          /^could not open a renderer: Cannot create object: the factory did not settle within 1000 ms\n/,
        );
      }
      const text = await (await fetch(`${broken.base}/stats?text`)).text();
      assert.match(
        text,
        /^ {2}problems {5}0 timeouts, [1-9]\d* create failures/m,
      );
    });
  },
);
