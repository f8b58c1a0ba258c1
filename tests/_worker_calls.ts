/**
 * Request/reply helpers for the tests that drive ThreadSafePool workers
 * (`tests/workers/thread_safe_worker.ts`, `reliability_worker.ts`), which
 * answer every request with a {@linkcode Reply}.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import { type SpawnedWorker, spawnWorker } from "./spawn_worker.ts";
import type { Cell } from "./workers/cell.ts";

/** A worker's answer: its value, or the error it threw. */
export interface Reply {
  ok: boolean;
  value?: unknown;
  name?: string;
  message?: string;
}

/** Sends a request and gives its value; fails the test if the worker threw. */
export async function call(
  worker: SpawnedWorker,
  request: unknown,
  timeoutMs?: number,
): Promise<unknown> {
  const reply = await worker.request(request, timeoutMs) as Reply;
  if (!reply.ok) assert.fail(`worker threw ${reply.name}: ${reply.message}`);
  return reply.value;
}

/** Sends a request that must fail; gives the error's name and message. */
export async function callFailing(
  worker: SpawnedWorker,
  request: unknown,
): Promise<Reply> {
  const reply = await worker.request(request) as Reply;
  assert.equal(reply.ok, false, "the worker's call should have thrown");
  return reply;
}

/**
 * Runs `fn` with `count` workers started from `url`, each attached to `pool`
 * (they answer `{ cmd: "attach", descriptor }` with their thread id); always
 * terminates them.
 */
export async function withWorkers(
  url: URL,
  pool: ThreadSafePool<Cell>,
  count: number,
  fn: (workers: SpawnedWorker[], ids: number[]) => Promise<void>,
): Promise<void> {
  const workers: SpawnedWorker[] = [];
  try {
    for (let i = 0; i < count; i++) workers.push(await spawnWorker(url));
    const ids: number[] = [];
    for (const w of workers) {
      ids.push(
        await call(w, { cmd: "attach", descriptor: pool.share() }) as number,
      );
    }
    await fn(workers, ids);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
