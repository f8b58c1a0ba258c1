/**
 * A worker for the worker-death tests of `tests/worker_reliability_test.ts`:
 * it attaches to a ThreadSafePool and then either churns (a random mix of
 * acquire, release, keys and discard, for ever, until it is terminated at a
 * random point) or waits (an `acquireAsync` on a pool with nothing free, a
 * waiter registration that only `reclaim` can settle once the worker is
 * killed) or leaves cleanly (`detach`). It yields to its event loop between
 * chunks of work, so `terminate()` stops it on Deno too (there only between
 * chunks; Node and Bun stop it anywhere).
 *
 * @module
 */

import {
  ThreadSafePool,
  type ThreadSafePoolDescriptor,
} from "../../pools/thread_safe_pool.ts";
import { Cell } from "./cell.ts";
import { listen, type Port } from "./listen.ts";

/** What the worker is told to do. */
export interface ChurnRequest {
  descriptor: ThreadSafePoolDescriptor;
  mode: "churn" | "wait" | "detach";
  /** Int32 [0]: chunks of churn done, across every worker (a heartbeat). */
  beat: SharedArrayBuffer;
  seed: number;
}

function churn(pool: ThreadSafePool<Cell>, beat: Int32Array, seed: number) {
  let state = seed | 1;
  const random = (n: number): number => {
    // xorshift32: cheap and allocation-free.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const held: Cell[] = [];
  const keys: number[] = [];
  const chunk = (): void => {
    for (let i = 0; i < 200; i++) {
      switch (random(6)) {
        case 0:
        case 1: {
          const cell = pool.tryAcquire();
          if (cell !== undefined) held.push(cell);
          break;
        }
        case 2: {
          const cell = held.pop();
          if (cell !== undefined) pool.release(cell);
          break;
        }
        case 3:
          if (pool.available > 0) keys.push(pool.acquireKey());
          break;
        case 4: {
          const key = keys.pop();
          if (key !== undefined) {
            if (random(2) === 0) pool.releaseKey(key);
            else pool.discardKey(key);
          }
          break;
        }
        default: {
          const cell = held.pop();
          if (cell !== undefined) pool.discard(cell);
        }
      }
    }
    Atomics.add(beat, 0, 1);
    setTimeout(chunk, 0);
  };
  chunk();
}

function handle(request: ChurnRequest, port: Port): void {
  try {
    const pool = ThreadSafePool.attach(Cell, request.descriptor);
    const beat = new Int32Array(request.beat);
    if (request.mode === "wait") {
      // Registers its wait at once, then never ends it: it is killed. The
      // heartbeat tells a Deno test when the worker has really stopped.
      void pool.acquireAsync({ timeout: 60_000 }).catch(() => {});
      setInterval(() => Atomics.add(beat, 0, 1), 2);
    } else if (request.mode === "detach") {
      pool.detach();
    }
    // Replies once its mode is under way (a detached worker has left).
    port.post({ ok: true, value: pool.threadId });
    if (request.mode === "churn") churn(pool, beat, request.seed);
  } catch (error) {
    const e = error as Error;
    port.post({ ok: false, name: e?.name, message: e?.message });
  }
}

await listen((data, port) => handle(data as ChurnRequest, port));
