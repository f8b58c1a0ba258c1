/**
 * AsyncPool against the floor (one `await` of a resolved promise) and two
 * well-known resource pools, generic-pool and tarn. Every figure is an inner
 * loop of 1000 acquire + release operations, each writing one field of the
 * object it gets.
 *
 * - "async uncontended": one task, an idle object always ready.
 * - "async contended": 64 tasks share 8 objects (1024 operations in all), so
 *   almost every acquire waits and every release hands its object on.
 * - "async events": the uncontended cycle with no event listener, with
 *   listeners of each kind, and with `leakTimeout` (a stack per acquire).
 *
 * Run with `deno bench -A --v8-flags=--expose-gc bench/async_bench.ts`: a
 * full GC runs before timing so earlier allocations do not distort a figure.
 *
 * @module
 */

import { AsyncPool } from "../mod.ts";
import { createPool } from "npm:generic-pool@3.9.0";
import { Pool as TarnPool } from "npm:tarn@3.1.2";

const INNER = 1000;
const OBJECTS = 8;
const TASKS = 64;
const PER_TASK = 16; // 64 × 16 = 1024 operations per contended run

class Conn {
  x = 0;
  y = 0;
}

function fullGc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const resolved: Promise<Conn> = Promise.resolve(new Conn());

const fast = new AsyncPool(Conn, { capacity: OBJECTS, min: OBJECTS });
// The same pool with a listener for acquire events (issue 13: the cost of
// one listener; with none, the pool does no work for events at all).
const heard = new AsyncPool(Conn, { capacity: OBJECTS, min: OBJECTS });
let acquireEvents = 0;
heard.addEventListener("acquire", () => acquireEvents++);

const generic = createPool(
  {
    create: () => Promise.resolve(new Conn()),
    destroy: () => Promise.resolve(),
  },
  { max: OBJECTS, min: OBJECTS },
);

const tarn = new TarnPool<Conn>({
  create: () => Promise.resolve(new Conn()),
  destroy: () => {},
  min: OBJECTS,
  max: OBJECTS,
});

// Fill every pool before timing.
{
  const warm = async <C>(
    acquire: () => Promise<C>,
    release: (c: C) => unknown,
  ) => {
    const all = await Promise.all(
      Array.from({ length: OBJECTS }, () => acquire()),
    );
    for (const c of all) await release(c);
  };
  await warm(() => fast.acquire(), (c) => fast.release(c));
  await warm(() => heard.acquire(), (c) => heard.release(c));
  await warm(() => generic.acquire(), (c) => generic.release(c));
  await warm(() => tarn.acquire().promise, (c) => tarn.release(c));
}

fullGc();

// ---- uncontended --------------------------------------------------------------

Deno.bench({
  name: "await of a resolved promise (the floor)",
  group: "async uncontended",
  baseline: true,
  async fn() {
    for (let i = 0; i < INNER; i++) {
      const c = await resolved;
      c.x = i;
    }
  },
});

Deno.bench({
  name: "AsyncPool acquire + await release",
  group: "async uncontended",
  async fn() {
    for (let i = 0; i < INNER; i++) {
      const c = await fast.acquire();
      c.x = i;
      await fast.release(c);
    }
  },
});

Deno.bench({
  name: "AsyncPool acquire + await release, one acquire listener",
  group: "async uncontended",
  async fn() {
    for (let i = 0; i < INNER; i++) {
      const c = await heard.acquire();
      c.x = i;
      await heard.release(c);
    }
    if (acquireEvents === 0) throw new Error("no acquire event was heard");
  },
});

Deno.bench({
  name: "AsyncPool acquire + release (not awaited)",
  group: "async uncontended",
  async fn() {
    for (let i = 0; i < INNER; i++) {
      const c = await fast.acquire();
      c.x = i;
      fast.release(c);
    }
  },
});

Deno.bench({
  name: "generic-pool acquire + await release",
  group: "async uncontended",
  async fn() {
    for (let i = 0; i < INNER; i++) {
      const c = await generic.acquire();
      c.x = i;
      await generic.release(c);
    }
  },
});

Deno.bench({
  name: "tarn acquire + release",
  group: "async uncontended",
  async fn() {
    for (let i = 0; i < INNER; i++) {
      const c = await tarn.acquire().promise;
      c.x = i;
      tarn.release(c);
    }
  },
});

// ---- events ----------------------------------------------------------------------
//
// What events cost one uncontended acquire + await release (DESIGN.md: with
// no listener the cycle stays within 10% of its cost without events; it is
// compared here with the same pool's "acquire + await release" above, which
// has no listener either, and with the floor). Each pool below has its own
// listeners, added before timing.

const quiet = new AsyncPool(Conn, { capacity: OBJECTS, min: OBJECTS });
const otherListener = new AsyncPool(Conn, { capacity: OBJECTS, min: OBJECTS });
otherListener.addEventListener("destroy", () => {});
const acquireListener = new AsyncPool(Conn, {
  capacity: OBJECTS,
  min: OBJECTS,
});
acquireListener.addEventListener("acquire", () => {});
const releaseListener = new AsyncPool(Conn, {
  capacity: OBJECTS,
  min: OBJECTS,
});
releaseListener.addEventListener("release", () => {});
const leakUnwatched = new AsyncPool(Conn, {
  capacity: OBJECTS,
  min: OBJECTS,
  leakTimeout: 60_000,
});
const leakWatched = new AsyncPool(Conn, {
  capacity: OBJECTS,
  min: OBJECTS,
  leakTimeout: 60_000,
});
leakWatched.addEventListener("overdue", () => {});

async function cycles(pool: AsyncPool<Conn>): Promise<void> {
  for (let i = 0; i < INNER; i++) {
    const c = await pool.acquire();
    c.x = i;
    await pool.release(c);
  }
}

Deno.bench({
  name: "no listeners",
  group: "async events",
  baseline: true,
  async fn() {
    await cycles(quiet);
  },
});

Deno.bench({
  name: "a destroy listener only (no acquire or release work)",
  group: "async events",
  async fn() {
    await cycles(otherListener);
  },
});

Deno.bench({
  name: "leakTimeout set, no overdue listener",
  group: "async events",
  async fn() {
    await cycles(leakUnwatched);
  },
});

Deno.bench({
  name: "one acquire listener",
  group: "async events",
  async fn() {
    await cycles(acquireListener);
  },
});

Deno.bench({
  name: "one release listener (heldMs: two clock reads)",
  group: "async events",
  async fn() {
    await cycles(releaseListener);
  },
});

Deno.bench({
  name: "leakTimeout + an overdue listener (a stack per acquire)",
  group: "async events",
  async fn() {
    await cycles(leakWatched);
  },
});

// ---- contended ------------------------------------------------------------------

async function fastTask(): Promise<void> {
  for (let i = 0; i < PER_TASK; i++) {
    const c = await fast.acquire();
    c.y = i;
    await fast.release(c);
  }
}

async function genericTask(): Promise<void> {
  for (let i = 0; i < PER_TASK; i++) {
    const c = await generic.acquire();
    c.y = i;
    await generic.release(c);
  }
}

async function tarnTask(): Promise<void> {
  for (let i = 0; i < PER_TASK; i++) {
    const c = await tarn.acquire().promise;
    c.y = i;
    tarn.release(c);
  }
}

async function contend(task: () => Promise<void>): Promise<void> {
  const tasks: Promise<void>[] = [];
  for (let t = 0; t < TASKS; t++) tasks.push(task());
  await Promise.all(tasks);
}

Deno.bench({
  name: "AsyncPool, 64 tasks on 8 objects",
  group: "async contended",
  baseline: true,
  async fn() {
    await contend(fastTask);
  },
});

Deno.bench({
  name: "generic-pool, 64 tasks on 8 objects",
  group: "async contended",
  async fn() {
    await contend(genericTask);
  },
});

Deno.bench({
  name: "tarn, 64 tasks on 8 objects",
  group: "async contended",
  async fn() {
    await contend(tarnTask);
  },
});

addEventListener("unload", () => {
  // Pools hold no ref'd timers, but close them so the run ends tidily.
  void fast.close();
  for (
    const pool of [
      quiet,
      otherListener,
      acquireListener,
      releaseListener,
      leakUnwatched,
      leakWatched,
    ]
  ) void pool.close();
  void generic.drain().then(() => generic.clear());
  void tarn.destroy();
});
