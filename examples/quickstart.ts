/**
 * A tour of fastalloc: each pool in a small real use, then its statistics.
 *
 * Run it with `deno run examples/quickstart.ts` (or, on a machine with only
 * Node and npm, `npx --yes deno@2.9.6 run examples/quickstart.ts`).
 *
 * @module
 */

import {
  AlreadyReleasedError,
  AsyncPool,
  exponentialGrowth,
  FixedPool,
  GrowingPool,
  Pool,
  PoolEmptyError,
  PoolTimeoutError,
  StatsReporter,
  ThreadLocalPool,
  ThreadSafePool,
} from "../mod.ts";

// 1. FixedPool: a particle system that allocates nothing per frame.
class Particle {
  x = 0;
  y = 0;
  vx = 0;
  vy = 0;
  life = 0;
  reset(): void {
    this.x =
      this.y =
      this.vx =
      this.vy =
      this.life =
        0;
  }
}

const particles = new FixedPool(Particle, {
  capacity: 512,
  reset: "reset",
  preInitialize: true,
  enableStatistics: true,
});

const alive: Particle[] = [];
let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

for (let frame = 0; frame < 120; frame++) {
  for (let i = 0; i < 4; i++) {
    const p = particles.tryAcquire(); // no throw when the budget is spent
    if (p === undefined) break;
    p.vx = random() - 0.5;
    p.vy = random() * 2;
    p.life = 30 + Math.floor(random() * 60);
    alive.push(p);
  }
  for (let i = alive.length - 1; i >= 0; i--) {
    const p = alive[i]!;
    p.x += p.vx;
    p.y += p.vy;
    if (--p.life === 0) {
      particles.release(p); // reset runs here
      alive[i] = alive[alive.length - 1]!;
      alive.pop();
    }
  }
}
console.log(`After 120 frames: ${alive.length} particles alive`);

// Misuse is caught, not silently corrupting the pool.
const once = particles.acquire();
particles.release(once);
try {
  particles.release(once);
} catch (error) {
  if (!(error instanceof AlreadyReleasedError)) throw error;
  console.log(`Double release caught: ${error.message}`);
}

// Scoped use: allocation-free, released even if the callback throws.
const speed = particles.use((p) => Math.hypot(p.vx = 3, p.vy = 4));
console.log(`Scoped use computed ${speed}; in use now: ${particles.inUse}`);

// Handles: `using` releases at the end of the block, and a stale handle is
// detected even after its object has been lent again.
const handle = particles.allocate();
handle.value.x = 1;
handle.release();
console.log(`Handle released: ${handle.released}`);
{
  using scoped = particles.allocate();
  scoped.value.life = 10;
}

console.log(
  `\n${
    new StatsReporter(particles.stats(), { title: "FixedPool (particles)" })
      .toText()
  }`,
);

// 2. GrowingPool: request buffers that grow under a burst, then trim back.
const buffers = new GrowingPool({
  capacity: 4,
  maxCapacity: 64,
  growth: exponentialGrowth({ factor: 2 }),
  factory: () => ({ bytes: new Uint8Array(1024), used: 0 }),
  reset: (b) => {
    b.used = 0;
  },
  enableStatistics: true,
});

const burst = Array.from({ length: 40 }, () => buffers.acquire());
console.log(`\nBurst of ${burst.length}: capacity grew to ${buffers.capacity}`);
for (const b of burst) buffers.release(b);
const trimmed = buffers.trim();
console.log(
  `Trimmed ${trimmed} idle buffers; capacity back to ${buffers.capacity}`,
);
const held = Array.from({ length: 64 }, () => buffers.acquire());
try {
  buffers.acquire();
} catch (error) {
  if (!(error instanceof PoolEmptyError)) throw error;
  console.log(`At the maximum: ${error.message}`);
}
for (const b of held) buffers.release(b);

console.log(
  `\n${
    new StatsReporter(buffers.stats(), { title: "GrowingPool (buffers)" })
      .toText()
  }`,
);
console.log(buffers); // pools print their state on Deno, Node and Bun
particles.close();
buffers.close();

// 3. AsyncPool: expensive connections, waiters served first come first served.
let opened = 0;
const connections = new AsyncPool({
  capacity: 2,
  min: 1,
  factory: () => Promise.resolve({ id: ++opened, queries: 0 }),
  destroy: (conn) => {
    conn.queries = -1;
  },
  enableStatistics: true,
});
// Five requests share two connections; three of them wait their turn.
const served = await Promise.all(
  [1, 2, 3, 4, 5].map((n) =>
    connections.use(async (conn) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      conn.queries++;
      return `request ${n} on connection ${conn.id}`;
    })
  ),
);
console.log(`\n${served.join("\n")}`);
const busy = await connections.acquire();
const other = await connections.acquire();
// The pool's own timers never keep a process alive; in a real service other
// work does. Here a plain timer stands in for it while the acquire waits.
const keepAlive = setTimeout(() => {}, 1_000);
try {
  await connections.acquire({ timeout: 20 }); // both are lent: this one gives up
} catch (error) {
  if (!(error instanceof PoolTimeoutError)) throw error;
  console.log(`Timed out: ${error.message}`);
} finally {
  clearTimeout(keepAlive);
}
await connections.release(busy);
await connections.release(other);
console.log(
  `\n${
    new StatsReporter(connections.stats(), { title: "AsyncPool (connections)" })
      .toText()
  }`,
);
await connections.close();

// 4. ThreadSafePool: objects whose state lives in shared memory, so any worker
// can use them (see examples/shared_particles.ts for real workers).
class Body {
  static readonly byteLength = 16;
  readonly position: Float64Array;
  constructor(buffer: SharedArrayBuffer, byteOffset: number) {
    this.position = new Float64Array(buffer, byteOffset, 2);
  }
}
const bodies = Pool.builder<Body>().type(Body).capacity(64).threadSafe(true)
  .enableStatistics(true).build() as ThreadSafePool<Body>;
const body = bodies.acquire();
body.position.set([3, 4]);
const descriptor = { pool: bodies.share(), index: bodies.indexOf(body) }; // postMessage-able
const elsewhere = ThreadSafePool.attach(Body, descriptor.pool);
console.log(
  `\nSlot ${descriptor.index} seen through another view: ${
    elsewhere.at(descriptor.index).position.join(", ")
  }`,
);
elsewhere.release(elsewhere.at(descriptor.index));
console.log(
  new StatsReporter(bodies.stats(), { title: "ThreadSafePool (bodies)" })
    .toText(),
);

// 5. ThreadLocalPool: a pool per thread, statistics for all.
const scratch = new ThreadLocalPool({
  capacity: 16,
  factory: () => ({ sum: 0 }),
  enableStatistics: true,
});
const workerSide = ThreadLocalPool.attach(scratch.share(), {
  factory: () => ({ sum: 0 }),
}); // as a worker would
for (let i = 0; i < 10; i++) scratch.use((s) => (s.sum = i));
for (let i = 0; i < 5; i++) workerSide.use((s) => (s.sum = i));
console.log(
  `\n${
    new StatsReporter(scratch.stats(), { title: "ThreadLocalPool (2 threads)" })
      .summary()
  }`,
);
