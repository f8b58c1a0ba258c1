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
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import { type SpawnedWorker, spawnWorker } from "./spawn_worker.ts";
import { SharedFreeList } from "../allocators/shared_freelist.ts";
import { HEADER_WORDS } from "../pools/_thread_safe_layout.ts";
import { runtime } from "./_child.ts";
import type { ChurnRequest } from "./workers/churn_worker.ts";
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

const CHURN = new URL("./workers/churn_worker.ts", import.meta.url);

/**
 * Workers started per runtime, within a few seconds each. A worker costs
 * ≈ 10 ms to start on Bun and ≈ 60 ms on Node (with the compile cache below;
 * ≈ 250 ms without it), measured on the 2-core CI machine under load; on
 * Deno ≈ 30–90 ms alone, but far more inside the whole suite, where `deno
 * test` type-checks each worker it starts. Node and Bun stop a worker
 * anywhere, so the random-kill rounds matter there (100 each); Deno stops
 * one only when it returns to its event loop, so it runs a few rounds as a
 * check of the same bookkeeping. `FASTALLOC_GENERATIONS` /
 * `FASTALLOC_KILL_ROUNDS` set other counts (500 / 100 on every runtime).
 */
const GENERATION_COUNT = countFromEnv(
  "FASTALLOC_GENERATIONS",
  runtime() === "bun" ? 500 : runtime() === "deno" ? 24 : 60,
);
const KILL_ROUNDS = countFromEnv(
  "FASTALLOC_KILL_ROUNDS",
  runtime() === "deno" ? 8 : 100,
);

function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new Error(`${name} "${raw}" is not a positive integer`);
  }
  return n;
}

// Node compiles every TypeScript module again in each worker (≈ 250 ms for
// the pool's modules); its on-disk compile cache, which workers inherit
// through the environment, makes that ≈ 10 ms.
if (runtime() === "node" && process.env.NODE_COMPILE_CACHE === undefined) {
  process.env.NODE_COMPILE_CACHE = join(
    tmpdir(),
    "fastalloc-node-compile-cache",
  );
}

/** The pool's free list, opened on its buffer (to read its waiter count). */
function freeListOf(pool: ThreadSafePool<Cell>): SharedFreeList {
  return SharedFreeList.attach(pool.share().buffer, {
    byteOffset: HEADER_WORDS * 4,
  });
}

/**
 * Waits until terminated workers can no longer touch the pool: Node and Bun
 * report their threads gone; Deno reports nothing, and stops a worker only
 * when it next returns to its event loop (the churn worker does so after
 * every chunk), so there the shared heartbeat must stay still for a while.
 */
async function untilAllGone(
  workers: SpawnedWorker[],
  beat: Int32Array,
): Promise<void> {
  if (runtime() !== "deno") {
    const stopped = await Promise.all(workers.map((w) => w.stopped(15_000)));
    assert.ok(stopped.every((s) => s), "every terminated worker stopped");
    return;
  }
  // A worker still running beats every few ms; 200 ms of silence also
  // covers a worker thread the OS left unscheduled on a loaded machine.
  let last = Atomics.load(beat, 0);
  let quiet = 0;
  const deadline = Date.now() + 15_000;
  while (quiet < 20) {
    await delay(10);
    const now = Atomics.load(beat, 0);
    quiet = now === last ? quiet + 1 : 0;
    last = now;
    if (Date.now() > deadline) assert.fail("terminated workers kept working");
  }
}

/** Starts `count` churn workers at once, each attached; gives them and their ids. */
async function startChurn(
  pool: ThreadSafePool<Cell>,
  count: number,
  mode: ChurnRequest["mode"][],
  beat: Int32Array,
  seed: number,
): Promise<{ workers: SpawnedWorker[]; ids: number[] }> {
  const workers = await Promise.all(
    Array.from({ length: count }, () => spawnWorker(CHURN)),
  );
  try {
    const ids = await Promise.all(workers.map((w, i) =>
      call(
        w,
        {
          descriptor: pool.share(),
          mode: mode[i % mode.length]!,
          beat: beat.buffer as SharedArrayBuffer,
          seed: seed + i,
        } satisfies ChurnRequest,
      ) as Promise<number>
    ));
    return { workers, ids };
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
}

/** Asserts that nothing is held and every count of the pool says so. */
function assertSettled(pool: ThreadSafePool<Cell>, where: string): void {
  const s = pool.stats();
  assert.equal(pool.inUse, 0, where);
  assert.equal(pool.available, pool.capacity, where);
  assert.equal(s.currentInUse, 0, where);
  assert.equal(s.totalAllocations - s.totalReleases, 0, where);
  assert.ok(s.totalReleases >= 0 && s.peakInUse <= pool.capacity, where);
}

describe("ThreadSafePool counters and thread entries when workers die", () => {
  it(
    `counters never drift: ${KILL_ROUNDS} workers terminated at random points of a churn of acquires, keys and discards`,
    { timeout: 120_000 },
    async () => {
      const BATCH = 4;
      const ROUNDS = KILL_ROUNDS;
      const pool = new ThreadSafePool(Cell, {
        capacity: 8,
        enableStatistics: true,
        maxThreads: 1 + BATCH,
      });
      const list = freeListOf(pool);
      const beat = new Int32Array(new SharedArrayBuffer(4));
      let seed = 1;
      let worked = 0;
      for (let round = 0; round < ROUNDS; round += BATCH) {
        const before = Atomics.load(beat, 0);
        const { workers, ids } = await startChurn(
          pool,
          BATCH,
          ["churn"],
          beat,
          seed,
        );
        seed += BATCH;
        // A different moment each round: mid-chunk on Node and Bun.
        await delay(round % 5);
        await Promise.all(workers.map((w) => w.terminate()));
        await untilAllGone(workers, beat);
        if (Atomics.load(beat, 0) > before) worked++;
        for (const id of ids) pool.reclaim(id);
        // Nothing is held now: every count must say so exactly.
        assertSettled(pool, `round ${round}`);
        assert.equal(list.waiters, 0);
      }
      assert.ok(worked > 0, "the workers did churn before they were killed");
      // Every entry came back: a full set of threads can attach again.
      const views = Array.from(
        { length: BATCH },
        () => ThreadSafePool.attach(Cell, pool.share()),
      );
      for (const view of views) view.detach();
    },
  );

  it(
    `${GENERATION_COUNT} worker generations on a 4-entry pool: entries and waits come back, by reclaim or detach`,
    { timeout: 120_000 },
    async () => {
      const GENERATIONS = GENERATION_COUNT;
      const BATCH = 3; // the creator holds the fourth entry
      const pool = new ThreadSafePool(Cell, {
        capacity: 1,
        enableStatistics: true,
        maxThreads: 1 + BATCH,
      });
      const list = freeListOf(pool);
      const beat = new Int32Array(new SharedArrayBuffer(4));
      const held = pool.acquire(); // so every waiting worker really waits
      let registered = 0;
      for (let done = 0; done < GENERATIONS; done += BATCH) {
        const count = Math.min(BATCH, GENERATIONS - done);
        const modes: ChurnRequest["mode"][] = done % 2 === 0
          ? ["wait", "detach", "wait"]
          : ["detach", "wait", "wait"];
        const { workers, ids } = await startChurn(
          pool,
          count,
          modes,
          beat,
          done,
        );
        const waiting = modes.slice(0, count).filter((m) =>
          m === "wait"
        ).length;
        await until(() => list.waiters >= waiting);
        registered += waiting;
        await Promise.all(workers.map((w) => w.terminate()));
        await untilAllGone(workers, beat);
        // A killed waiter never ends its own registration: reclaim does.
        for (let i = 0; i < count; i++) {
          if (modes[i] === "wait") pool.reclaim(ids[i]!);
        }
        assert.equal(list.waiters, 0, `generation ${done}`);
      }
      assert.ok(
        registered >= GENERATIONS / 2,
        `${registered} waits registered`,
      );
      pool.release(held);
      assertSettled(pool, "at the end");
      // The entries are all free again.
      const views = Array.from(
        { length: BATCH },
        () => ThreadSafePool.attach(Cell, pool.share()),
      );
      assert.throws(
        () => ThreadSafePool.attach(Cell, pool.share()),
        /all 4 thread rows/,
      );
      for (const view of views) view.detach();
    },
  );
});
