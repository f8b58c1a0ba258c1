/**
 * A benchmark worker: attaches to a ThreadSafePool (and a spin-lock pool)
 * and runs acquire + release cycles on request, replying when done.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import {
  ThreadSafePool,
  type ThreadSafePoolDescriptor,
} from "../../pools/thread_safe_pool.ts";
import { Particle, SpinLockPool } from "./spin_lock_pool.ts";

let pool: ThreadSafePool<Particle> | undefined;
let spin: SpinLockPool | undefined;
let spinData: Float64Array | undefined;

function runPool(cycles: number): number {
  const p = pool!;
  let sum = 0;
  for (let i = 0; i < cycles; i++) {
    const particle = p.acquire();
    particle.f[0] = i;
    sum += particle.f[1]!;
    p.release(particle);
  }
  return sum;
}

function runSpin(cycles: number): number {
  const s = spin!;
  const data = spinData!;
  let sum = 0;
  for (let i = 0; i < cycles; i++) {
    const slot = s.acquire();
    data[slot * 6] = i;
    sum += data[slot * 6 + 1]!;
    s.release(slot);
  }
  return sum;
}

self.onmessage = (event: MessageEvent) => {
  const message = event.data as
    | {
      cmd: "init";
      descriptor: ThreadSafePoolDescriptor;
      spin: SharedArrayBuffer;
      spinData: SharedArrayBuffer;
    }
    | { cmd: "run"; mode: "pool" | "spin"; cycles: number };
  if (message.cmd === "init") {
    pool = ThreadSafePool.attach(Particle, message.descriptor);
    spin = new SpinLockPool(message.spin);
    spinData = new Float64Array(message.spinData);
    self.postMessage("ready");
    return;
  }
  const sum = message.mode === "pool"
    ? runPool(message.cycles)
    : runSpin(message.cycles);
  self.postMessage(sum);
};
