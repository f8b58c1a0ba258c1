/**
 * A worker of `examples/shared_particles.ts`. It attaches to the shared
 * particle pool and, on request, steps particles it is handed by index,
 * spawns new ones, or releases the ones that reached the ground — even
 * particles another thread acquired.
 *
 * @module
 */

import {
  ThreadSafePool,
  type ThreadSafePoolDescriptor,
} from "../../pools/thread_safe_pool.ts";
import { listen, type Port } from "../../tests/workers/listen.ts";
import { Particle } from "./particle.ts";

type Request =
  | { cmd: "attach"; descriptor: ThreadSafePoolDescriptor }
  | { cmd: "step"; indices: number[]; seconds: number }
  | { cmd: "spawn"; count: number }
  | { cmd: "cull"; indices: number[] };

let pool: ThreadSafePool<Particle> | undefined;

function handle(request: Request, port: Port): void {
  if (request.cmd === "attach") {
    pool = ThreadSafePool.attach(Particle, request.descriptor);
    port.post(pool.threadId);
    return;
  }
  const particles = pool!;
  switch (request.cmd) {
    case "step": {
      const dt = 1 / 120;
      for (const index of request.indices) {
        const p = particles.at(index);
        for (let t = 0; t < request.seconds / dt; t++) p.step(dt);
      }
      port.post(request.indices);
      break;
    }
    case "spawn": {
      const spawned: number[] = [];
      for (let i = 0; i < request.count; i++) {
        const p = particles.acquire();
        p.x = 0;
        p.y = 30 + 5 * i;
        p.vx = -2;
        p.vy = 3;
        spawned.push(particles.indexOf(p));
      }
      port.post(spawned);
      break;
    }
    case "cull": {
      const alive: number[] = [];
      for (const index of request.indices) {
        const p = particles.at(index);
        if (p.y <= 0) particles.release(p);
        else alive.push(index);
      }
      port.post(alive);
      break;
    }
  }
}

await listen((data, port) => handle(data as Request, port));
