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
import { bundleWorker } from "./_bundle_worker.ts";
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
 * Workers started per runtime: 500 generations and 100 kill rounds on each.
 * The churn worker is bundled once into one plain `.mjs`
 * (`_bundle_worker.ts`), so no worker compiles or type-checks TypeScript
 * (from `.ts`, Node took ≈ 250 ms a worker and `deno test` type-checked each
 * one); the next batch starts while the current one works. What remains is
 * each runtime's own start-up cost, ≈ 10 ms a worker on Bun, ≈ 15 on Deno,
 * ≈ 25 on Node, measured on the 2-core machine under load. On Deno, which
 * reports no stop, each killed worker's own heartbeat word must stay still
 * briefly before reclaim, and is checked at the end not to have moved since.
 * `FASTALLOC_GENERATIONS` / `FASTALLOC_KILL_ROUNDS` set other counts.
 */
const GENERATION_COUNT = countFromEnv("FASTALLOC_GENERATIONS", 500);
const KILL_ROUNDS = countFromEnv("FASTALLOC_KILL_ROUNDS", 100);

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
 * every chunk), so there the heartbeat words `watch` of `beat` must stay
 * still for `quietMs` (polled every 5 ms).
 */
async function untilAllGone(
  workers: SpawnedWorker[],
  beat: Int32Array,
  { watch = [0], quietMs = 200 }: { watch?: number[]; quietMs?: number } = {},
): Promise<void> {
  if (runtime() !== "deno") {
    const stopped = await Promise.all(workers.map((w) => w.stopped(15_000)));
    assert.ok(stopped.every((s) => s), "every terminated worker stopped");
    // And the beats say so too: a runtime's report that a worker stopped
    // is not proof that its thread ran no more JavaScript (the silence
    // below is what Deno relies on alone).
  }
  const read = (): number =>
    watch.reduce((sum, i) => sum + Atomics.load(beat, i), 0);
  let last = read();
  let quietSince = Date.now();
  const deadline = Date.now() + 15_000;
  while (Date.now() - quietSince < quietMs) {
    await delay(5);
    const now = read();
    if (now !== last) quietSince = Date.now();
    last = now;
    if (Date.now() > deadline) assert.fail("terminated workers kept working");
  }
}

/** Starts `count` churn workers at once (not attached yet). */
async function spawnChurn(count: number): Promise<SpawnedWorker[]> {
  // One plain bundle for every start: no per-worker compile or type check.
  const entry = await bundleWorker(CHURN);
  const started = await Promise.allSettled(
    Array.from({ length: count }, () => spawnWorker(entry)),
  );
  const workers = started.flatMap((r) =>
    r.status === "fulfilled" ? [r.value] : []
  );
  const failed = started.find((r) => r.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw (failed as PromiseRejectedResult).reason;
  }
  return workers;
}

/** Attaches started churn workers to `pool`; gives their thread ids. */
async function attachChurn(
  workers: SpawnedWorker[],
  pool: ThreadSafePool<Cell>,
  mode: ChurnRequest["mode"][],
  beat: Int32Array,
  seed: number,
  beatIndex?: (i: number) => number,
): Promise<number[]> {
  try {
    return await Promise.all(workers.map((w, i) =>
      call(
        w,
        {
          descriptor: pool.share(),
          mode: mode[i % mode.length]!,
          beat: beat.buffer as SharedArrayBuffer,
          beatIndex: beatIndex?.(i) ?? 0,
          seed: seed + i,
        } satisfies ChurnRequest,
      ) as Promise<number>
    ));
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
      // [0] all beats; [1 + r] round r's own (see untilAllGone).
      const beat = new Int32Array(new SharedArrayBuffer(4 * (1 + ROUNDS)));
      // Each killed worker's own beat when it was reclaimed: checked at the
      // end, so a worker taken for gone too early fails the test.
      const atReclaim = new Map<number, number>();
      let seed = 1;
      let worked = 0;
      for (let round = 0; round < ROUNDS; round += BATCH) {
        const before = Atomics.load(beat, 0);
        const count = Math.min(BATCH, ROUNDS - round);
        const own = (i: number): number => 1 + round + i;
        const workers = await spawnChurn(count);
        const ids = await attachChurn(
          workers,
          pool,
          ["churn"],
          beat,
          seed,
          own,
        );
        seed += BATCH;
        // A different moment each round: mid-chunk on Node and Bun.
        await delay(round % 5);
        await Promise.all(workers.map((w) => w.terminate()));
        // Deno stops a churner at the end of its chunk (200 operations,
        // well under a millisecond), but a loaded machine can deschedule a
        // dying worker for tens of milliseconds: wait for a silence of its
        // own beat that no scheduling gap plausibly spans.
        await untilAllGone(workers, beat, {
          watch: workers.map((_, i) => own(i)),
          quietMs: 250,
        });
        if (Atomics.load(beat, 0) > before) worked++;
        for (const [i, id] of ids.entries()) {
          pool.reclaim(id);
          atReclaim.set(own(i), Atomics.load(beat, own(i)));
        }
        // Nothing is held now: every count must say so exactly.
        assertSettled(pool, `round ${round}`);
        assert.equal(list.waiters, 0);
      }
      for (const [index, value] of atReclaim) {
        assert.equal(
          Atomics.load(beat, index),
          value,
          `worker ${index - 1} ran after it was reclaimed`,
        );
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
      // [0] all beats; [1 + g] generation g's own (see untilAllGone).
      const beat = new Int32Array(new SharedArrayBuffer(4 * (1 + GENERATIONS)));
      // Each killed waiter's own beat when it was reclaimed: checked at the
      // end, so a worker taken for gone too early fails the test.
      const atReclaim = new Map<number, number>();
      const held = pool.acquire(); // so every waiting worker really waits
      let registered = 0;
      // The next two batches start while this one works (starting costs
      // most); a started worker holds no entry until it attaches.
      const ahead: Promise<SpawnedWorker[]>[] = [];
      let spawned = 0;
      const spawnAhead = (): void => {
        while (ahead.length < 2 && spawned < GENERATIONS) {
          const count = Math.min(BATCH, GENERATIONS - spawned);
          ahead.push(spawnChurn(count));
          spawned += count;
        }
      };
      spawnAhead();
      try {
        for (let done = 0; done < GENERATIONS; done += BATCH) {
          const count = Math.min(BATCH, GENERATIONS - done);
          const modes: ChurnRequest["mode"][] = done % 2 === 0
            ? ["wait", "detach", "wait"]
            : ["detach", "wait", "wait"];
          const workers: SpawnedWorker[] = await ahead.shift()!;
          spawnAhead();
          const own = (i: number): number => 1 + done + i;
          const ids = await attachChurn(workers, pool, modes, beat, done, own);
          const waiting = modes.slice(0, count).filter((m) =>
            m === "wait"
          ).length;
          await until(() => list.waiters >= waiting);
          registered += waiting;
          await Promise.all(workers.map((w) => w.terminate()));
          // A waiter idles in its event loop, where Deno stops it at once:
          // a short silence of its own beat (every 2 ms) is enough.
          await untilAllGone(workers, beat, {
            watch: workers.map((_, i) => own(i)),
            quietMs: 20,
          });
          // A killed waiter never ends its own registration: reclaim does.
          for (let i = 0; i < count; i++) {
            if (modes[i] === "wait") {
              pool.reclaim(ids[i]!);
              atReclaim.set(own(i), Atomics.load(beat, own(i)));
            }
          }
          assert.equal(list.waiters, 0, `generation ${done}`);
        }
      } finally {
        const left = await Promise.allSettled(ahead);
        await Promise.all(
          left.flatMap((r) =>
            r.status === "fulfilled" ? r.value.map((w) => w.terminate()) : []
          ),
        );
      }
      for (const [index, value] of atReclaim) {
        assert.equal(
          Atomics.load(beat, index),
          value,
          `generation ${index - 1} ran after it was reclaimed`,
        );
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
