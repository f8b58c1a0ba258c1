/**
 * Zero garbage per cycle, checked by the engine: runs 2,000,000 acquire +
 * release cycles of every synchronous pool (FixedPool, GrowingPool,
 * ThreadLocalPool, ThreadSafePool, `use(fn)` and the key path) in a child
 * process started with `--trace-gc`, and counts the garbage collections V8
 * reports inside each measured window (after a warm-up, so compiling the
 * loops is not counted). Every window must show 0, and a control loop of
 * `new` must show some (proof the trace is read).
 *
 *     deno run -A bench/gc_trace.ts          # or: node bench/gc_trace.ts
 *
 * Prints one line per pool and exits 1 if any window saw a collection; with
 * `--json FILE` it also writes the counts.
 *
 * @module
 */

import {
  FixedPool,
  GrowingPool,
  ThreadLocalPool,
  ThreadSafePool,
} from "../mod.ts";

const CYCLES = 2_000_000;

class P {
  x = 0;
  y = 0;
}

declare const Deno:
  | {
    args: string[];
    execPath(): string;
    writeTextFileSync(p: string, s: string): void;
  }
  | undefined;

/** The child: runs each pool's loop between markers. */
function child(): void {
  const log = (line: string) => console.log(line);
  const fixed = new FixedPool(P, { capacity: 64, preInitialize: true });
  const growing = new GrowingPool(P, { capacity: 64, preInitialize: true });
  const local = new ThreadLocalPool(P, { capacity: 64, preInitialize: true });
  const shared = new ThreadSafePool({
    capacity: 64,
    slotBytes: 16,
    factory: () => new P(),
  });
  const keyed = new FixedPool(P, { capacity: 64, preInitialize: true });
  const used = new FixedPool(P, { capacity: 64, preInitialize: true });
  let tick = 0;
  const touch = (p: P): void => {
    p.x = tick++;
  };
  const loops: [string, (n: number) => void][] = [
    ["FixedPool", (n) => {
      for (let i = 0; i < n; i++) {
        const p = fixed.acquire();
        p.x = i;
        fixed.release(p);
      }
    }],
    ["GrowingPool", (n) => {
      for (let i = 0; i < n; i++) {
        const p = growing.acquire();
        p.x = i;
        growing.release(p);
      }
    }],
    ["ThreadLocalPool", (n) => {
      for (let i = 0; i < n; i++) {
        const p = local.acquire();
        p.x = i;
        local.release(p);
      }
    }],
    ["ThreadSafePool", (n) => {
      for (let i = 0; i < n; i++) {
        const p = shared.acquire();
        p.x = i;
        shared.release(p);
      }
    }],
    ["FixedPool keys", (n) => {
      for (let i = 0; i < n; i++) {
        const k = keyed.acquireKey();
        keyed.objectOf(k).x = i;
        keyed.releaseKey(k);
      }
    }],
    ["FixedPool use(fn)", (n) => {
      for (let i = 0; i < n; i++) used.use(touch);
    }],
    // The control: `new` makes garbage, so its window must show collections
    // (else the trace is not being read and the zeros above mean nothing).
    ["new (control)", (n) => {
      let keep: P | undefined;
      for (let i = 0; i < n; i++) {
        const p = new P();
        p.x = i;
        if (p.x === -1) keep = p;
      }
      if (keep !== undefined) log("impossible");
    }],
  ];
  for (const [, loop] of loops) loop(200_000); // warm-up: compile first
  for (const [name, loop] of loops) {
    log(`BEGIN ${name}`);
    loop(CYCLES);
    log(`END ${name}`);
  }
}

async function parent(): Promise<void> {
  const { spawnSync } = await import("node:child_process");
  const self = new URL(import.meta.url).pathname;
  const isDeno = typeof Deno !== "undefined";
  const exec = isDeno
    ? Deno.execPath()
    : (globalThis as unknown as { process: { execPath: string } }).process
      .execPath;
  const args = isDeno
    ? ["run", "-A", "--v8-flags=--trace-gc", self, "--child"]
    : ["--trace-gc", self, "--child"];
  const run = spawnSync(exec, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr);
    throw new Error(`gc_trace child failed with ${run.status}`);
  }
  const counts: Record<string, number> = {};
  let current: string | undefined;
  for (const line of run.stdout.split("\n")) {
    const begin = /^BEGIN (.+)$/.exec(line);
    if (begin) {
      current = begin[1]!;
      counts[current] = 0;
      continue;
    }
    if (/^END /.test(line)) current = undefined;
    else if (
      current !== undefined && /Scavenge|Mark-Compact|Minor/.test(line)
    ) {
      counts[current]!++;
    }
  }
  const runtime = isDeno ? "deno" : "node";
  let bad = false;
  for (const [name, n] of Object.entries(counts)) {
    console.log(`${runtime}: ${name}: ${CYCLES} cycles, ${n} GCs`);
    if (name === "new (control)" ? n === 0 : n !== 0) bad = true;
  }
  const argv = isDeno
    ? Deno.args
    : (globalThis as unknown as { process: { argv: string[] } }).process.argv
      .slice(2);
  const at = argv.indexOf("--json");
  if (at >= 0) {
    const text = JSON.stringify({ runtime, cycles: CYCLES, gcs: counts });
    if (isDeno) Deno.writeTextFileSync(argv[at + 1]!, text);
    else (await import("node:fs")).writeFileSync(argv[at + 1]!, text);
  }
  if (bad) {
    throw new Error(
      "gc_trace: a pool made garbage (or the control made none: trace unread)",
    );
  }
}

const argv = typeof Deno !== "undefined"
  ? Deno.args
  : (globalThis as unknown as { process: { argv: string[] } }).process.argv
    .slice(2);
if (argv.includes("--child")) child();
else await parent();
