// Smoke test of the npm form of @fastalloc/fastalloc (built by `deno pack`),
// as Node and Bun users get it through JSR's npm layer: plain JavaScript, no
// TypeScript, no decorator syntax. Run by scripts/npm_smoke.sh on Node 22,
// Node 24 and Bun.
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import {
  AlreadyReleasedError,
  AsyncPool,
  FixedPool,
  GrowingPool,
  installPool,
  Pool,
  pooled,
  PoolEmptyError,
  StatsReporter,
  ThreadLocalPool,
  ThreadSafePool,
} from "@fastalloc/fastalloc";

const runtime = typeof Bun !== "undefined"
  ? `bun ${Bun.version}`
  : `node ${process.version}`;
const checked = [];

// FixedPool: the raw path, misuse detection, handles, statistics.
class Particle {
  x = 0;
  reset() {
    this.x = 0;
  }
}
const fixed = new FixedPool(Particle, {
  capacity: 2,
  reset: "reset",
  enableStatistics: true,
});
const p = fixed.acquire();
p.x = 3;
fixed.release(p);
assert.equal(p.x, 0);
assert.throws(() => fixed.release(p), AlreadyReleasedError);
const handle = fixed.allocate();
handle.value.x = 1;
handle.release();
assert.equal(handle.released, true);
assert.equal(fixed.use((q) => (q.x = 5)), 5);
assert.equal(fixed.stats().totalAllocations, 3);
assert.match(new StatsReporter(fixed.stats()).summary(), /3 acquires/);
checked.push("FixedPool");

// GrowingPool.
const growing = new GrowingPool({
  capacity: 1,
  maxCapacity: 2,
  factory: () => ({}),
});
growing.acquire();
growing.acquire();
assert.equal(growing.capacity, 2);
assert.throws(() => growing.acquire(), PoolEmptyError);
checked.push("GrowingPool");

// AsyncPool.
const asyncPool = new AsyncPool({
  capacity: 1,
  factory: () => Promise.resolve({ n: 0 }),
});
const conn = await asyncPool.acquire();
const waiting = asyncPool.acquire();
await asyncPool.release(conn);
assert.equal(await waiting, conn);
await asyncPool.release(conn);
await asyncPool.close();
checked.push("AsyncPool");

// ThreadLocalPool.
const local = new ThreadLocalPool({
  capacity: 2,
  factory: () => ({}),
  enableStatistics: true,
});
local.release(local.acquire());
const other = ThreadLocalPool.attach(local.share(), { factory: () => ({}) });
other.acquire();
assert.equal(local.stats().totalAllocations, 2);
checked.push("ThreadLocalPool");

// Builder, as in DESIGN.md's seed example.
class MyObject {
  value = 0;
}
const built = Pool.builder().type(MyObject).capacity(1000).threadSafe(true)
  .enableStatistics(true).build();
assert.ok(built instanceof ThreadSafePool);
built.release(built.acquire());
checked.push("Pool.builder()");

// The decorator, applied without decorator syntax.
class Job {
  id = 0;
}
const initializers = [];
pooled({ capacity: 4 })(Job, {
  kind: "class",
  name: "Job",
  addInitializer: (init) => initializers.push(init),
  metadata: {},
});
for (const init of initializers) init.call(Job);
const job = Job.pool.get();
assert.ok(job instanceof Job);
Job.pool.release(job);
checked.push("pooled()");

// installPool: the by-hand form, no decorator context at all.
class Task {
  done = false;
}
const tasks = installPool(Task, {
  capacity: 2,
  reset: (t) => {
    t.done = false;
  },
});
assert.equal(tasks, Task.pool);
const task = Task.pool.acquire();
task.done = true;
Task.pool.release(task);
assert.equal(task.done, false);
checked.push("installPool()");

// The npm form declares itself free of side effects (bundlers rely on it),
// and no entry point exports the library's plumbing.
const { readFileSync } = await import("node:fs");
const manifest = JSON.parse(readFileSync(
  new URL("./package.json", import.meta.resolve("@fastalloc/fastalloc")),
  "utf8",
));
assert.equal(
  manifest.sideEffects,
  false,
  "package.json has sideEffects: false",
);
const plumbing = [
  "buildPool",
  "checkBlueprint",
  "createAllocator",
  "disabledStats",
  "slotByteLength",
  "validateGrowth",
  "validateStatistics",
];
for (const entry of ["", "/allocators", "/config", "/pools", "/stats"]) {
  const names = Object.keys(await import(`@fastalloc/fastalloc${entry}`));
  const leaked = names.filter((n) =>
    plumbing.includes(n) || /^check[A-Z]|^validate.*Options$/.test(n)
  );
  assert.deepEqual(
    leaked,
    [],
    `@fastalloc/fastalloc${entry} exports no plumbing`,
  );
}
checked.push("package.json and exports");

// ThreadSafePool shared with a worker (node:worker_threads on Node and Bun).
const shared = new ThreadSafePool({ capacity: 4, slotBytes: 8 });
const bytes = shared.acquire();
bytes.set([1, 2, 3, 4, 5, 6, 7, 8]);
const worker = new Worker(new URL("./worker.mjs", import.meta.url));
const reply = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("worker timed out")), 20_000);
  worker.once("message", (message) => {
    clearTimeout(timer);
    resolve(message);
  });
  worker.once("error", reject);
  worker.postMessage({
    descriptor: shared.share(),
    index: shared.indexOf(bytes),
  });
});
await worker.terminate();
assert.equal(reply.sum, 36, "the worker read the bytes written here");
assert.deepEqual([...bytes], [8, 7, 6, 5, 4, 3, 2, 1], "and wrote back");
assert.equal(shared.inUse, 0, "the worker released the slot");
assert.equal(shared.available, 4);
checked.push("ThreadSafePool + worker");

console.log(
  `npm smoke on ${runtime}: ${checked.length} passed, 0 failed (${
    checked.join(", ")
  })`,
);
