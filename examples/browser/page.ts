/// <reference lib="dom" />
/**
 * The page of the browser example: a ThreadSafePool of particles in one
 * SharedArrayBuffer. The page steps half of them and draws all of them; a
 * module worker steps the other half, handed to it by index.
 *
 * @module
 */

import { ThreadSafePool } from "@fastalloc/fastalloc";
import { advance, COUNT, HEIGHT, launch, Particle, WIDTH } from "./fountain.ts";

const status = document.querySelector("#status")!;
const canvas = document.querySelector("canvas")!;
const context = canvas.getContext("2d")!;
const state = { pageSteps: 0, workerSteps: 0, isolated: crossOriginIsolated };
(globalThis as { fountain?: typeof state }).fountain = state;

if (!crossOriginIsolated) {
  status.textContent =
    "This page is not cross-origin isolated, so SharedArrayBuffer is missing: serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp";
} else {
  const pool = new ThreadSafePool(Particle, { capacity: COUNT });
  const particles: Particle[] = [];
  for (let i = 0; i < COUNT; i++) {
    const p = pool.acquire();
    launch(p, Math.random());
    p.y = Math.random() * HEIGHT * 0.5 + 0.001;
    particles.push(p);
  }
  const mine = particles.filter((_, i) => i % 2 === 0);
  const theirs = particles.filter((_, i) => i % 2 === 1);
  const worker = new Worker(new URL("./worker.js", import.meta.url), {
    type: "module",
  });
  worker.onmessage = (event: MessageEvent<{ steps: number }>) => {
    state.workerSteps = event.data.steps;
  };
  worker.postMessage({
    pool: pool.share(),
    indices: theirs.map((p) => pool.indexOf(p)),
  });

  const scale = canvas.width / WIDTH;
  const draw = (group: Particle[], color: string): void => {
    context.fillStyle = color;
    for (const p of group) {
      context.fillRect(p.x * scale - 2, canvas.height - p.y * scale - 2, 4, 4);
    }
  };
  const frame = (): void => {
    for (const p of mine) advance(p, 1 / 60);
    state.pageSteps++;
    context.fillStyle = "#10131a";
    context.fillRect(0, 0, canvas.width, canvas.height);
    draw(mine, "#4ea1ff");
    draw(theirs, "#ffa040");
    status.textContent =
      `${COUNT} particles in one ThreadSafePool (${pool.inUse} borrowed): page steps the blue ones (${state.pageSteps} frames), a worker the orange ones (${state.workerSteps} steps)`;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
