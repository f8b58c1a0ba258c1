/**
 * ThreadSafePool against the limit and a naive baseline.
 *
 * - "thread-safe single thread": a bare preallocated array pop + push (the
 *   limit for any pool), the floor of the two atomics any shared pool
 *   needs, ThreadSafePool acquire + release on one thread (each writing one
 *   field of the object) and its key path (acquireKey + releaseKey); inner
 *   loops of 1000.
 * - "workers": one worker hammering the pool, two workers hammering it at
 *   once (each does the same number of cycles, so equal times mean twice
 *   the throughput), and two workers hammering a spin-lock-around-an-array
 *   pool written here as the naive baseline.
 *
 * Run: `deno bench -A --v8-flags=--expose-gc bench/thread_safe_bench.ts`
 * (a full GC runs before timing).
 *
 * @module
 */

import { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import { Particle, SpinLockPool } from "./workers/spin_lock_pool.ts";

const INNER = 1000;
const CAPACITY = 1024;
/** Cycles per worker per benchmark iteration. */
const WORKER_CYCLES = 200_000;

function fullGc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

class Plain {
  x = 0;
  y = 0;
  z = 0;
  vx = 0;
  vy = 0;
  vz = 0;
}

const bare: Plain[] = Array.from({ length: CAPACITY }, () => new Plain());
const pool = new ThreadSafePool(Particle, {
  capacity: CAPACITY,
  preInitialize: true,
});

// The spin-lock baseline's shared state: lock, height, stack; and slot data.
const spinBuffer = new SharedArrayBuffer((CAPACITY + 2) * 4);
new SpinLockPool(spinBuffer, true);
const spinData = new SharedArrayBuffer(CAPACITY * Particle.byteLength);

interface BenchWorker {
  worker: Worker;
  next(): Promise<unknown>;
}

function startWorker(): Promise<BenchWorker> {
  const worker = new Worker(
    new URL("./workers/thread_safe_bench_worker.ts", import.meta.url),
    { type: "module" },
  );
  let resolveNext: ((value: unknown) => void) | undefined;
  worker.onmessage = (event) => resolveNext?.(event.data);
  const next = (): Promise<unknown> =>
    new Promise((resolve) => {
      resolveNext = resolve;
    });
  const ready = next();
  worker.postMessage({
    cmd: "init",
    descriptor: pool.share(),
    spin: spinBuffer,
    spinData,
  });
  return ready.then(() => ({ worker, next }));
}

const workers = [await startWorker(), await startWorker()];

function runOn(count: number, mode: "pool" | "spin"): Promise<unknown[]> {
  return Promise.all(
    workers.slice(0, count).map((w) => {
      const done = w.next();
      w.worker.postMessage({ cmd: "run", mode, cycles: WORKER_CYCLES });
      return done;
    }),
  );
}

let sink = 0;
fullGc();

Deno.bench({
  name: "bare array pop + push (the limit)",
  group: "thread-safe single thread",
  baseline: true,
  fn() {
    for (let i = 0; i < INNER; i++) {
      const p = bare.pop()!;
      p.x = i;
      bare.push(p);
    }
  },
});

// The floor of any lock-free shared pool that detects double releases across
// threads: one compare-exchange to take a slot and one atomic OR to give it
// back, uncontended, on a word of shared memory.
const floorBits = new Int32Array(new SharedArrayBuffer(64));
floorBits[0] = -1;

Deno.bench({
  name: "Atomics.compareExchange + Atomics.or (the floor of a shared pool)",
  group: "thread-safe single thread",
  fn() {
    for (let i = 0; i < INNER; i++) {
      const v = floorBits[0]!;
      const low = v & -v;
      Atomics.compareExchange(floorBits, 0, v, v ^ low);
      sink += i;
      Atomics.or(floorBits, 0, low);
    }
  },
});

Deno.bench({
  name: "ThreadSafePool acquire + release",
  group: "thread-safe single thread",
  fn() {
    for (let i = 0; i < INNER; i++) {
      const p = pool.acquire();
      p.f[0] = i;
      pool.release(p);
    }
  },
});

// The key path: a borrow named by an integer (no wrapper is read or
// stamped), as a program that keeps keys in typed arrays or posts them to
// workers uses it.
const keyPool = new ThreadSafePool(Particle, { capacity: CAPACITY });

Deno.bench({
  name: "ThreadSafePool acquireKey + releaseKey",
  group: "thread-safe single thread",
  fn() {
    for (let i = 0; i < INNER; i++) {
      keyPool.releaseKey(keyPool.acquireKey());
    }
  },
});

Deno.bench({
  name: `1 worker x ${WORKER_CYCLES} ThreadSafePool cycles`,
  group: "workers",
  baseline: true,
  n: 40,
  warmup: 5,
  async fn() {
    sink += (await runOn(1, "pool")).length;
  },
});

Deno.bench({
  name: `2 workers x ${WORKER_CYCLES} ThreadSafePool cycles each`,
  group: "workers",
  n: 40,
  warmup: 5,
  async fn() {
    sink += (await runOn(2, "pool")).length;
  },
});

Deno.bench({
  name: `2 workers x ${WORKER_CYCLES} spin-lock array pool cycles each`,
  group: "workers",
  n: 40,
  warmup: 5,
  async fn() {
    sink += (await runOn(2, "spin")).length;
  },
});

addEventListener("unload", () => {
  for (const w of workers) w.worker.terminate();
  if (sink === -1) console.log(sink);
});
