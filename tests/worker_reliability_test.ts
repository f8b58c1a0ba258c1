/**
 * ThreadSafePool under worker failure and sustained load, on Deno, Bun and
 * Node: workers terminated while holding slots or while blocked in
 * `acquireWait`, and a soak of 4 workers with ownership stamps and
 * hand-overs by index. Every wait is bounded.
 *
 * The soak runs `FASTALLOC_SOAK_CYCLES` acquires per worker (default 20,000;
 * `deno task soak` runs 200,000).
 *
 * Deno's `worker.terminate()` only takes effect when the worker next returns
 * to its event loop, so a worker blocked in `acquireWait` there keeps waiting
 * (and may still take a slot) until its wait ends. These tests reclaim only
 * once the dying worker can no longer touch the pool: the runtime reported
 * its thread gone (Node, Bun), or its wait has returned (Deno).
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import type { SpawnedWorker } from "./spawn_worker.ts";
import { call, withWorkers } from "./_worker_calls.ts";
import { Cell } from "./workers/cell.ts";
import type { SoakRequest, SoakResult } from "./workers/reliability_worker.ts";

const WORKER = new URL("./workers/reliability_worker.ts", import.meta.url);

/** Acquires per worker in the soak. */
const SOAK_CYCLES = soakCycles();
const SOAK_WORKERS = 4;

function soakCycles(): number {
  const raw = process.env.FASTALLOC_SOAK_CYCLES;
  if (raw === undefined || raw === "") return 20_000;
  const cycles = Number(raw);
  if (!Number.isSafeInteger(cycles) || cycles < 1) {
    throw new Error(
      `FASTALLOC_SOAK_CYCLES "${raw}" is not a positive integer`,
    );
  }
  return cycles;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `done` every few ms, up to `timeoutMs`; never hangs. */
async function until(done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) assert.fail("condition not met in time");
    await delay(5);
  }
}

/**
 * Waits until a terminated worker that was blocked in `acquireWait` can no
 * longer touch the pool: its runtime reported it stopped, or (Deno) its wait
 * returned (`state[0] === 2`), after which it only posts its reply.
 */
async function untilGone(
  worker: SpawnedWorker,
  state: Int32Array,
): Promise<"stopped" | "returned"> {
  let stopped = false;
  void worker.stopped(15_000).then((yes) => (stopped = yes));
  await until(() => stopped || Atomics.load(state, 0) === 2);
  return stopped ? "stopped" : "returned";
}

/** Asserts the statistics of a quiet pool add up. */
function assertConsistent(pool: ThreadSafePool<Cell>): void {
  const s = pool.stats();
  assert.equal(s.currentInUse, pool.inUse);
  assert.equal(s.totalAllocations - s.totalReleases, s.currentInUse);
  assert.equal(pool.inUse + pool.available, pool.capacity);
  assert.ok(s.peakInUse <= pool.capacity);
  assert.equal(s.leaks, 0);
  assert.equal(s.destroyed, 0);
}

describe("ThreadSafePool when a worker dies", () => {
  it("reclaims exactly the slots a terminated worker held", async () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 8,
      enableStatistics: true,
    });
    const mine = pool.acquire();
    await withWorkers(
      WORKER,
      pool,
      2,
      async ([dying, living], [dyingId, livingId]) => {
        const taken = await call(dying!, {
          cmd: "acquire",
          count: 4,
        }) as number[];
        const kept = await call(living!, {
          cmd: "acquire",
          count: 2,
        }) as number[];
        // One of the dying worker's slots was handed over and released already.
        const [handed, ...held] = taken as [number, ...number[]];
        assert.deepEqual(await call(living!, { cmd: "read", index: handed }), [
          dyingId,
          0,
        ]);
        await call(living!, { cmd: "release", index: handed });
        await dying!.terminate();
        assert.equal(pool.available, 8 - 1 - 2 - 3);

        assert.equal(pool.reclaim(dyingId!), 3);
        assert.equal(pool.available, 8 - 1 - 2);
        assert.equal(pool.reclaim(dyingId!), 0, "nothing is reclaimed twice");
        assertConsistent(pool);
        assert.equal(pool.stats().totalReleases, 1 + 3);
        // The others' borrows are untouched.
        assert.equal(pool.at(pool.indexOf(mine)), mine);
        for (const index of kept) {
          assert.deepEqual(await call(living!, { cmd: "read", index }), [
            livingId,
            0,
          ]);
        }
        // The reclaimed slots are lent again, with their bytes zeroed.
        const again = [];
        for (let i = 0; i < 5; i++) again.push(pool.acquire());
        const indices = again.map((cell) => pool.indexOf(cell));
        for (const index of held) assert.ok(indices.includes(index));
        for (const cell of again) assert.deepEqual([...cell.value], [0, 0]);
        assert.equal(pool.tryAcquire(), undefined);
        for (const cell of again) pool.release(cell);
        // And another worker can take them.
        const theirs = await call(living!, {
          cmd: "acquire",
          count: 5,
        }) as number[];
        assert.deepEqual(
          [...theirs].sort(),
          [...indices].sort(),
          "the living worker gets exactly the free slots",
        );
        for (const index of [...theirs, ...kept]) {
          await call(living!, { cmd: "release", index });
        }
        pool.release(mine);
        assert.equal(pool.available, 8);
        assertConsistent(pool);
        const s = pool.stats();
        assert.equal(s.totalAllocations, 1 + 4 + 2 + 5 + 5);
        assert.equal(s.totalReleases, s.totalAllocations);
      },
    );
  });

  it("reclaims the slots of a worker terminated while blocked in acquireWait", async () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 4,
      enableStatistics: true,
    });
    const mine = [pool.acquire(), pool.acquire()];
    const state = new Int32Array(new SharedArrayBuffer(4));
    await withWorkers(WORKER, pool, 2, async ([dying, living], [dyingId]) => {
      const taken = await call(dying!, {
        cmd: "acquire",
        count: 2,
      }) as number[];
      assert.equal(pool.available, 0);
      // Its wait ends on its own after 1.5 s: Deno stops the worker only then.
      dying!.postMessage({
        cmd: "blockInAcquireWait",
        timeoutMs: 1_500,
        state: state.buffer,
      });
      await until(() => Atomics.load(state, 0) === 1);
      await delay(50);
      await dying!.terminate();
      await untilGone(dying!, state);
      assert.equal(pool.available, 0, "the dying waiter took nothing");

      assert.equal(pool.reclaim(dyingId!), 2);
      assert.equal(pool.available, 2);
      assertConsistent(pool);
      // The pool keeps working: the freed slots are lent to another worker,
      // and a waiter that comes after the dead one is still woken.
      const theirs = await call(living!, {
        cmd: "acquire",
        count: 2,
      }) as number[];
      assert.deepEqual([...theirs].sort(), [...taken].sort());
      living!.postMessage({ cmd: "acquireWait", timeoutMs: 15_000 });
      await delay(30);
      const index = pool.indexOf(mine[0]!);
      pool.release(mine[0]!);
      assert.deepEqual(await living!.nextMessage(), { ok: true, value: index });
      for (const i of [...theirs, index]) {
        await call(living!, { cmd: "release", index: i });
      }
      pool.release(mine[1]!);
      assert.equal(pool.available, 4);
      assertConsistent(pool);
      const s = pool.stats();
      assert.equal(s.totalReleases, s.totalAllocations);
      assert.ok(s.waits >= 1, "the living worker's wait is counted");
    });
  });

  it("reclaims exactly, even when the dying waiter took a slot on its way out", async () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 4,
      enableStatistics: true,
    });
    const mine = [pool.acquire(), pool.acquire()];
    const state = new Int32Array(new SharedArrayBuffer(4));
    await withWorkers(WORKER, pool, 1, async ([dying], [dyingId]) => {
      await call(dying!, { cmd: "acquire", count: 2 });
      dying!.postMessage({
        cmd: "blockInAcquireWait",
        timeoutMs: 1_500,
        state: state.buffer,
      });
      await until(() => Atomics.load(state, 0) === 1);
      await delay(50);
      await dying!.terminate();
      // Released before the worker is known to be gone: on Deno the dying
      // waiter wakes and takes it; where terminate stops it at once, it stays free.
      pool.release(mine[0]!);
      await untilGone(dying!, state);
      const heldByDead = pool.capacity - pool.available - 1;
      assert.ok(heldByDead === 2 || heldByDead === 3);
      assert.equal(pool.reclaim(dyingId!), heldByDead);
      assert.equal(pool.available, 3);
      assertConsistent(pool);
      const cells = [pool.acquire(), pool.acquire(), pool.acquire()];
      for (const cell of cells) assert.deepEqual([...cell.value], [0, 0]);
      for (const cell of [...cells, mine[1]!]) pool.release(cell);
      assert.equal(pool.available, 4);
      const s = pool.stats();
      assert.equal(s.totalReleases, s.totalAllocations);
    });
  });
});

describe("ThreadSafePool soak", () => {
  it(`${SOAK_WORKERS} workers x ${SOAK_CYCLES} cycles: no slot held twice, nothing lost`, async () => {
    const capacity = 8;
    const pool = new ThreadSafePool(Cell, { capacity, enableStatistics: true });
    const marks = new SharedArrayBuffer(capacity * 4);
    const mailboxes = new SharedArrayBuffer(SOAK_WORKERS * 4);
    const control = new SharedArrayBuffer(4);
    // Generous bounds: a stuck soak fails instead of hanging.
    const deadlineMs = Math.max(60_000, SOAK_CYCLES * 2);
    await withWorkers(
      WORKER,
      pool,
      SOAK_WORKERS,
      async (workers, threadIds) => {
        const started = performance.now();
        const results = await Promise.all(
          workers.map((w, worker) =>
            call(
              w,
              {
                cmd: "soak",
                cycles: SOAK_CYCLES,
                worker,
                threadIds,
                marks,
                mailboxes,
                control,
                seed: 0x9e3779b9 * (worker + 1),
                deadlineMs,
              } satisfies SoakRequest,
              deadlineMs + 15_000,
            )
          ),
        ) as SoakResult[];
        const ms = performance.now() - started;
        const sum = (key: keyof SoakResult): number =>
          results.reduce((total, r) => total + (r[key] as number), 0);

        for (const r of results) {
          assert.deepEqual(r.notes, []);
          assert.equal(r.violations, 0);
          assert.equal(r.acquired, SOAK_CYCLES);
        }
        assert.equal(sum("sent"), sum("received"), "every hand-over arrived");
        assert.ok(sum("sent") > 0, "slots were handed between workers");
        assert.ok(
          Math.max(...results.map((r) => r.maxHeld)) >= 2,
          "several slots were held at once",
        );
        assert.deepEqual(
          [...new Int32Array(marks)],
          new Array(capacity).fill(0),
        );
        assert.deepEqual(
          [...new Int32Array(mailboxes)],
          new Array(SOAK_WORKERS).fill(0),
        );
        assert.equal(pool.available, capacity);
        assert.equal(pool.inUse, 0);

        const s = pool.stats();
        const total = SOAK_WORKERS * SOAK_CYCLES;
        assert.equal(s.totalAllocations, total);
        assert.equal(sum("acquired"), total);
        assert.equal(s.totalReleases, total);
        assert.equal(sum("released"), total);
        assert.equal(s.totalResets, total, "every release ran the reset");
        assert.equal(s.currentInUse, 0);
        assert.ok(s.peakInUse >= 2 && s.peakInUse <= capacity);
        assert.equal(s.created, sum("touched"));
        assert.equal(s.destroyed, 0);
        assert.equal(s.leaks, 0);
        assert.equal(s.resetFailures, 0);
        assert.equal(s.timeouts, sum("timeouts"));
        assert.ok(s.waits >= s.timeouts && s.waits <= sum("waitCalls"));
        // An exhaustion is a tryAcquire that found nothing, or an acquireWait
        // that had to wait.
        assert.equal(s.exhaustions, sum("empties") + s.waits);

        // The slots come back clean: every stamp was cleared by the reset.
        const cells = Array.from({ length: capacity }, () => pool.acquire());
        for (const cell of cells) assert.deepEqual([...cell.value], [0, 0]);
        for (const cell of cells) pool.release(cell);
        assert.equal(pool.available, capacity);
        console.log(
          `soak: ${SOAK_WORKERS} workers x ${SOAK_CYCLES} cycles = ${total} acquires in ${
            Math.round(ms)
          } ms; ${sum("sent")} hand-overs, ${
            sum("empties")
          } empty tries, ${s.waits} waits (${s.timeouts} timed out), peak ${s.peakInUse}/${capacity} in use; 0 violations, ${pool.available}/${capacity} slots back`,
        );
      },
    );
  });
});
