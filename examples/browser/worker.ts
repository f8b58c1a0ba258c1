/**
 * The module worker of the browser example: attaches to the page's
 * ThreadSafePool, takes the particles handed to it by index, and steps them
 * 60 times a second, in the same shared memory the page draws from.
 *
 * @module
 */

import {
  ThreadSafePool,
  type ThreadSafePoolDescriptor,
} from "@fastalloc/fastalloc";
import { advance, Particle } from "./fountain.ts";

interface Start {
  pool: ThreadSafePoolDescriptor;
  indices: number[];
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<Start>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const pool = ThreadSafePool.attach(Particle, event.data.pool);
  const mine = event.data.indices.map((index) => pool.at(index));
  let steps = 0;
  setInterval(() => {
    for (const p of mine) advance(p, 1 / 60);
    steps++;
    if (steps % 10 === 0) scope.postMessage({ steps });
  }, 1000 / 60);
};
