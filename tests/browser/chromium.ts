/// <reference lib="dom" />
/**
 * The browser tests, in real headless Chromium (Debian's `chromium`, driven
 * by playwright-core; no browser is ever downloaded). Bundles the library,
 * the test pages and the browser example with esbuild, serves them on
 * 127.0.0.1 twice (with and without the cross-origin isolation headers),
 * loads each page, and turns every check the page ran into a test here, its
 * failure message the page's own. Run by `scripts/browser_test.sh` with
 * `node --test`.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import {
  type BrowserContext as Browser,
  chromium,
  type Page,
} from "playwright-core";
import {
  serveStatic,
  type StaticServer,
} from "../../examples/browser/server.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const PAGE_TIMEOUT_MS = 60_000;
const DEATH_GRACE_MS = 2_000;

/** What each page must report, in order: a check missing is a failure. */
const EXPECTED: Record<string, string[]> = {
  plain: [
    "page is not cross-origin isolated",
    "FixedPool: acquire, reset on release, exhaustion, misuse",
    "GrowingPool: grows under a burst, trims afterwards",
    "ContextHandle with a native `using` block",
    "OwnedHandle and WeakHandle",
    "AsyncPool: waiters, timeout, `await using`",
    "Pool.builder, installPool and StatsCollector",
    "ThreadLocalPool without SharedArrayBuffer: PoolConfigurationError naming both headers",
    "ThreadSafePool without SharedArrayBuffer: PoolConfigurationError naming both headers",
  ],
  importmap: ["FixedPool from the npm form through an import map"],
  isolated: [
    "page is cross-origin isolated",
    "module worker attaches to the ThreadSafePool",
    "ThreadSafePool: page → worker by index, data both ways",
    "ThreadSafePool: worker → page by index",
    "ThreadSafePool: hand-off by key both ways, stale keys caught",
    "ThreadSafePool: double release across threads",
    "ThreadSafePool: acquireWait on the main thread throws the clear error",
    "ThreadSafePool: acquireAsync on the main thread waits for the worker's release",
    "ThreadSafePool: acquireWait blocks in the worker until the page releases",
    "ThreadSafePool handles on the page: `using`, owned and weak",
    "ThreadLocalPool shared with a module worker: statistics totalled",
  ],
};

interface CheckResult {
  name: string;
  ok: boolean;
  message: string;
}

interface PageRun {
  results: CheckResult[];
  /** Uncaught errors and console errors, the page's own words. */
  errors: string[];
  /** Set when the page never finished. */
  failure?: string;
}

interface ExampleRun {
  isolated: boolean;
  pageSteps: number;
  workerSteps: number;
  pixels: { lit: number; blue: number; orange: number; total: number };
  screenshot: string;
  plainStatus: string;
  errors: string[];
}

/** Bundles the pages and the example (ESM, modern syntax kept: Chromium runs `using` natively). */
async function build(out: string): Promise<void> {
  await esbuild.build({
    entryPoints: {
      plain: join(here, "pages/plain.ts"),
      isolated: join(here, "pages/isolated.ts"),
      worker: join(here, "pages/worker.ts"),
    },
    outdir: join(out, "pages"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "esnext",
    logLevel: "error",
  });
  for (const page of ["plain.html", "isolated.html", "importmap.html"]) {
    await copyFile(join(here, "pages", page), join(out, "pages", page));
  }
  const example = join(root, "examples/browser");
  await esbuild.build({
    entryPoints: {
      page: join(example, "page.ts"),
      worker: join(example, "worker.ts"),
    },
    outdir: join(out, "example/dist"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "esnext",
    alias: { "@fastalloc/fastalloc": join(root, "mod.ts") },
    logLevel: "error",
  });
  await copyFile(join(example, "index.html"), join(out, "example/index.html"));
  // The npm form (scripts/pack.sh), unbundled, for the import-map page.
  const npm = join(out, "npm/fastalloc");
  await mkdir(npm, { recursive: true });
  execFileSync("bash", [
    join(root, "scripts/pack.sh"),
    join(out, "fastalloc.tgz"),
  ], {
    stdio: "inherit",
  });
  execFileSync("tar", [
    "-xzf",
    join(out, "fastalloc.tgz"),
    "-C",
    npm,
    "--strip-components=1",
  ]);
}

/** Loads a page and waits for its report. */
async function runPage(page: Page, url: string): Promise<PageRun> {
  const errors: string[] = [];
  // A page whose module died never reports: after its first uncaught error
  // it gets a short grace to finish, then fails with that error, not after
  // the whole page timeout.
  let died: (() => void) | undefined;
  const death = new Promise<never>((_, reject) => {
    died = () =>
      setTimeout(
        () =>
          reject(
            new Error(
              `it threw an uncaught error and did not report within ${DEATH_GRACE_MS} ms`,
            ),
          ),
        DEATH_GRACE_MS,
      );
  });
  death.catch(() => {});
  page.on("pageerror", (error) => {
    errors.push(`uncaught: ${error.message}`);
    died?.();
    died = undefined;
  });
  page.on("console", (message) => {
    if (message.type() === "error") {
      errors.push(`console.error: ${message.text()}`);
    }
  });
  page.on(
    "requestfailed",
    (request) =>
      errors.push(
        `request failed: ${request.url()} (${request.failure()?.errorText})`,
      ),
  );
  await page.goto(url);
  const finished = page.waitForFunction(
    () =>
      (globalThis as { fastallocReport?: { done: boolean } }).fastallocReport
        ?.done === true,
    undefined,
    { timeout: PAGE_TIMEOUT_MS },
  );
  finished.catch(() => {});
  try {
    await Promise.race([finished, death]);
  } catch (error) {
    return {
      results: [],
      errors,
      failure: `the page never finished: ${(error as Error).message}`,
    };
  }
  const report = await page.evaluate(() =>
    (globalThis as unknown as { fastallocReport: { results: CheckResult[] } })
      .fastallocReport
  );
  return { results: report.results, errors };
}

/** Counts the canvas's lit pixels in a screenshot, decoded by Chromium itself. */
async function countPixels(
  browser: Browser,
  png: Buffer,
): Promise<ExampleRun["pixels"]> {
  const blank = await browser.newPage();
  try {
    return await blank.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = new OffscreenCanvas(image.width, image.height);
      const context = canvas.getContext("2d")!;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let lit = 0, blue = 0, orange = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (r + g + b > 150) lit++;
        if (b > 200 && r < 120) blue++;
        if (r > 200 && b < 120) orange++;
      }
      return { lit, blue, orange, total: data.length / 4 };
    }, png.toString("base64"));
  } finally {
    await blank.close();
  }
}

/** Runs the example on the isolated server, screenshots its canvas, and loads it unisolated once. */
async function runExample(
  browser: Browser,
  isolated: StaticServer,
  plain: StaticServer,
  out: string,
): Promise<ExampleRun> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${isolated.url}example/`);
  await page.waitForFunction(
    () => {
      const f = (globalThis as {
        fountain?: { pageSteps: number; workerSteps: number };
      }).fountain;
      return f !== undefined && f.pageSteps >= 30 && f.workerSteps >= 30;
    },
    undefined,
    { timeout: PAGE_TIMEOUT_MS },
  ).catch(() => {});
  const state = await page.evaluate(() =>
    (globalThis as unknown as {
      fountain?: { pageSteps: number; workerSteps: number; isolated: boolean };
    })
      .fountain ?? { pageSteps: 0, workerSteps: 0, isolated: false }
  );
  const png = await page.locator("canvas").screenshot();
  const screenshot = join(out, "example.png");
  await writeFile(screenshot, png);
  const pixels = await countPixels(browser, png);
  await page.close();
  const unisolated = await browser.newPage();
  await unisolated.goto(`${plain.url}example/`);
  await unisolated.waitForFunction(
    () => document.querySelector("#status")?.textContent !== "Loading…",
    undefined,
    { timeout: PAGE_TIMEOUT_MS },
  ).catch(() => {});
  const plainStatus = (await unisolated.textContent("#status")) ?? "";
  await unisolated.close();
  return { ...state, pixels, screenshot, plainStatus, errors };
}

/**
 * Runs the README's one command for the example (`deno run -A
 * examples/browser/serve.ts`: `deno bundle`, then the isolating server) and
 * loads what it serves.
 */
async function runOneCommand(
  browser: Browser,
): Promise<
  {
    url: string;
    steps: { pageSteps: number; workerSteps: number; isolated: boolean };
  }
> {
  const deno = join(root, ".tools/node_modules/.bin/deno");
  const child = spawn(deno, ["run", "-A", "examples/browser/serve.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve.ts printed no URL in 120 s: ${output}`)),
        120_000,
      );
      const read = (chunk: Buffer): void => {
        output += chunk.toString();
        const found = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      };
      child.stdout.on("data", read);
      child.stderr.on("data", read);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`serve.ts exited with ${code}: ${output}`));
      });
    });
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(
      () => {
        const f = (globalThis as {
          fountain?: { pageSteps: number; workerSteps: number };
        }).fountain;
        return f !== undefined && f.pageSteps >= 10 && f.workerSteps >= 10;
      },
      undefined,
      { timeout: PAGE_TIMEOUT_MS },
    ).catch(() => {});
    const steps = await page.evaluate(() =>
      (globalThis as unknown as {
        fountain?: {
          pageSteps: number;
          workerSteps: number;
          isolated: boolean;
        };
      })
        .fountain ?? { pageSteps: 0, workerSteps: 0, isolated: false }
    );
    await page.close();
    return { url, steps };
  } finally {
    child.kill();
  }
}

const out = await mkdtemp(
  join(process.env.BROWSER_OUT ?? tmpdir(), "fastalloc-browser-"),
);
await mkdir(out, { recursive: true });
await build(out);
const isolatedServer = await serveStatic({ root: out, isolated: true });
const plainServer = await serveStatic({ root: out, isolated: false });
const userData = await mkdtemp(join(tmpdir(), "fastalloc-chromium-"));
// A fresh profile every run: playwright takes it as the persistent context's directory.
const browser = await chromium.launchPersistentContext(userData, {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
  ],
});
const runs: Record<string, PageRun> = {};
let example: ExampleRun;
let oneCommand: Awaited<ReturnType<typeof runOneCommand>>;
try {
  console.log(
    `# Chromium ${browser.browser()?.version()} (${CHROMIUM}), pages in ${out}`,
  );
  runs.plain = await runPage(
    await browser.newPage(),
    `${plainServer.url}pages/plain.html`,
  );
  runs.importmap = await runPage(
    await browser.newPage(),
    `${plainServer.url}pages/importmap.html`,
  );
  runs.isolated = await runPage(
    await browser.newPage(),
    `${isolatedServer.url}pages/isolated.html`,
  );
  example = await runExample(browser, isolatedServer, plainServer, out);
  oneCommand = await runOneCommand(browser);
} finally {
  await browser.close();
  await isolatedServer.close();
  await plainServer.close();
  await rm(userData, { recursive: true, force: true });
}

const plainBundle = await readFile(join(out, "pages/plain.js"), "utf8");
// The pages, bundles and screenshot go, unless asked for (BROWSER_OUT).
if (process.env.BROWSER_OUT === undefined) {
  await rm(out, { recursive: true, force: true });
}

describe("Chromium runs explicit resource management natively", () => {
  it("the plain page's bundle keeps `using` and `await using` (esbuild did not lower them)", () => {
    assert.match(plainBundle, /^\s*using h = pool\.allocate\(\);$/m);
    assert.match(
      plainBundle,
      /^\s*await using h = await pool\.allocate\(\);$/m,
    );
    assert.doesNotMatch(plainBundle, /__using|__callDispose/);
  });
});

for (const [name, expected] of Object.entries(EXPECTED)) {
  const run = runs[name]!;
  describe(`Chromium, ${name} page`, () => {
    it("ran to the end without uncaught errors", () => {
      assert.equal(
        run.failure,
        undefined,
        [run.failure, ...run.errors].join("\n"),
      );
      assert.deepEqual(run.errors, [], run.errors.join("\n"));
    });
    it("reported every expected check, in order", () => {
      assert.deepEqual(run.results.map((r) => r.name), expected);
    });
    for (const result of run.results) {
      it(result.name, () => {
        assert.ok(result.ok, `${name} page: ${result.message}`);
      });
    }
  });
}

describe("Chromium, examples/browser (particles shared with a worker)", () => {
  it("runs cross-origin isolated, stepped by the page and by the worker", () => {
    assert.deepEqual(example.errors, [], example.errors.join("\n"));
    assert.equal(example.isolated, true);
    assert.ok(example.pageSteps >= 30, `page frames: ${example.pageSteps}`);
    assert.ok(
      example.workerSteps >= 30,
      `worker steps: ${example.workerSteps}`,
    );
  });
  it("draws particles on the canvas: the screenshot is not blank", () => {
    const { lit, blue, orange, total } = example.pixels;
    assert.ok(
      total > 100_000,
      `a canvas-sized screenshot (${total} pixels, ${example.screenshot})`,
    );
    assert.ok(
      blue > 200,
      `page particles drawn: ${blue} blue pixels (${example.screenshot})`,
    );
    assert.ok(
      orange > 200,
      `worker particles drawn: ${orange} orange pixels (${example.screenshot})`,
    );
    assert.ok(
      lit < total / 2,
      `the rest is the dark background: ${lit} of ${total} lit`,
    );
  });
  it("runs from the README's one command (deno run -A examples/browser/serve.ts)", () => {
    assert.equal(
      oneCommand.steps.isolated,
      true,
      `served isolated at ${oneCommand.url}`,
    );
    assert.ok(
      oneCommand.steps.pageSteps >= 10,
      `page frames: ${oneCommand.steps.pageSteps}`,
    );
    assert.ok(
      oneCommand.steps.workerSteps >= 10,
      `worker steps: ${oneCommand.steps.workerSteps}`,
    );
  });
  it("says which headers it needs when served without them", () => {
    assert.match(example.plainStatus, /not cross-origin isolated/);
    assert.match(
      example.plainStatus,
      /Cross-Origin-Opener-Policy: same-origin/,
    );
    assert.match(
      example.plainStatus,
      /Cross-Origin-Embedder-Policy: require-corp/,
    );
  });
});
