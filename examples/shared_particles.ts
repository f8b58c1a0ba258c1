/**
 * Particles in one {@linkcode ThreadSafePool}, shared by the main thread and
 * two workers. The main thread acquires particles and sets them up; worker A
 * simulates them for a second; worker B spawns more and simulates them all
 * for another second; worker A then releases every particle that reached
 * the ground — including ones the main thread and worker B acquired. Only
 * slot indices cross threads: the particles themselves are shared memory.
 *
 * Run: `deno run -A examples/shared_particles.ts`
 * (also `node examples/shared_particles.ts` on Node 24, `bun examples/shared_particles.ts`).
 *
 * @module
 */

import { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import { StatsReporter } from "../stats/stats_reporter.ts";
import { type SpawnedWorker, spawnWorker } from "../tests/spawn_worker.ts";
import { Particle } from "./workers/particle.ts";

const pool = new ThreadSafePool(Particle, {
  capacity: 64,
  enableStatistics: true,
});

const url = new URL("./workers/particle_worker.ts", import.meta.url);
const workers: SpawnedWorker[] = [];
try {
  workers.push(await spawnWorker(url), await spawnWorker(url));
  const [a, b] = workers as [SpawnedWorker, SpawnedWorker];
  const idA = await a.request({ cmd: "attach", descriptor: pool.share() });
  const idB = await b.request({ cmd: "attach", descriptor: pool.share() });
  console.log(
    `main is thread ${pool.threadId}, worker A ${idA}, worker B ${idB}`,
  );

  // The main thread launches 8 particles from different heights.
  let indices: number[] = [];
  for (let i = 0; i < 8; i++) {
    const p = pool.acquire();
    p.x = i;
    p.y = 2 + 3 * i;
    p.vx = 1;
    p.vy = 0;
    indices.push(pool.indexOf(p));
  }
  console.log(
    `main acquired ${indices.length} particles: slots ${indices.join(", ")}`,
  );

  indices = await a.request({ cmd: "step", indices, seconds: 1 }) as number[];
  console.log("worker A simulated them for 1 s");

  const spawned = await b.request({ cmd: "spawn", count: 3 }) as number[];
  indices = [...indices, ...spawned];
  console.log(`worker B spawned 3 more: slots ${spawned.join(", ")}`);

  indices = await b.request({ cmd: "step", indices, seconds: 1 }) as number[];
  console.log("worker B simulated all of them for 1 more s");

  const alive = await a.request({ cmd: "cull", indices }) as number[];
  console.log(
    `worker A released ${
      indices.length - alive.length
    } grounded particles; ${alive.length} still fly`,
  );

  console.log("\nslot  acquired by   x (m)    y (m)   vy (m/s)");
  for (const index of alive) {
    const p = pool.at(index); // the same memory the workers wrote
    const by = spawned.includes(index) ? "worker B" : "main";
    console.log(
      `${String(index).padStart(4)}  ${by.padEnd(11)} ${
        p.x.toFixed(2).padStart(6)
      } ${p.y.toFixed(2).padStart(8)} ${p.vy.toFixed(2).padStart(9)}`,
    );
  }

  // The main thread releases the survivors, whoever acquired them.
  for (const index of alive) pool.release(pool.at(index));
  console.log();
  console.log(pool);
  console.log(new StatsReporter(pool.stats()).summary());
  if (pool.inUse !== 0) throw new Error("a particle was not returned");
} finally {
  await Promise.all(workers.map((w) => w.terminate()));
  pool.close();
}
