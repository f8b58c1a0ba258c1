import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertNoSharedMemoryErrors } from "./_no_shared_memory.ts";
import {
  ForeignObjectError,
  InvalidCapacityError,
  PoolClosedError,
  PoolConfigurationError,
  PoolEmptyError,
  type PoolStats,
  ThreadLocalPool,
  type ThreadPoolStats,
} from "../mod.ts";
import { spawnWorker } from "./spawn_worker.ts";
import { runModule } from "./_child.ts";

const WORKER = new URL("./workers/thread_local_worker.ts", import.meta.url);

class Scratch {
  n = 0;
  reset(): void {
    this.n = 0;
  }
}

describe("ThreadLocalPool in one thread", () => {
  it("lends plain objects, per-thread capacity, and counts as a pool", () => {
    const pool = new ThreadLocalPool(Scratch, {
      capacity: 2,
      enableStatistics: true,
      reset: "reset",
    });
    const a = pool.acquire();
    const b = pool.acquire();
    assert.ok(a instanceof Scratch);
    assert.notEqual(a, b);
    assert.throws(() => pool.acquire(), PoolEmptyError);
    assert.equal(pool.tryAcquire(), undefined);
    a.n = 5;
    pool.release(a);
    assert.equal(a.n, 0, "reset ran on release");
    pool.release(b);
    const stats = pool.stats();
    assert.equal(stats.totalAllocations, 2);
    assert.equal(stats.totalReleases, 2);
    assert.equal(stats.totalResets, 2);
    assert.equal(stats.exhaustions, 2);
    assert.equal(stats.created, 2);
    assert.equal(stats.peakInUse, 2);
    assert.equal(stats.currentInUse, 0);
    assert.equal(stats.currentCapacity, 2);
    assert.equal(pool.threadId, 0);
  });

  it("totals every attached pool and gives a row per thread", () => {
    const first = new ThreadLocalPool(Scratch, {
      capacity: 3,
      enableStatistics: true,
    });
    const second = ThreadLocalPool.attach(Scratch, first.share());
    assert.equal(second.threadId, 1);
    first.acquire();
    second.release(second.acquire());
    second.acquire();
    const total = second.stats();
    assert.equal(total.totalAllocations, 3);
    assert.equal(total.totalReleases, 1);
    assert.equal(total.currentInUse, 2);
    assert.equal(total.currentCapacity, 6);
    const rows = first.threadStats();
    assert.deepEqual(rows.map((r) => r.threadId), [0, 1]);
    assert.deepEqual(rows.map((r) => r.totalAllocations), [1, 2]);
  });

  it("keeps currentInUse and capacity right with statistics off", () => {
    const first = new ThreadLocalPool({ capacity: 4, factory: () => ({}) });
    const second = ThreadLocalPool.attach(first.share(), {
      factory: () => ({}),
    });
    first.acquire();
    second.acquire();
    second.acquire();
    const stats = first.stats();
    assert.equal(stats.enabled, false);
    assert.equal(stats.currentInUse, 3);
    assert.equal(stats.currentCapacity, 8);
    assert.equal(stats.totalAllocations, 0);
  });

  it("counts reset failures, leaks of the discarded object and destroys", () => {
    let fail = false;
    const destroyed: object[] = [];
    const pool = new ThreadLocalPool({
      capacity: 2,
      factory: () => ({ v: 0 }),
      reset: () => {
        if (fail) throw new Error("reset broke");
      },
      destroy: (obj) => destroyed.push(obj),
      enableStatistics: true,
    });
    const obj = pool.acquire();
    fail = true;
    assert.throws(() => pool.release(obj), /reset broke/);
    assert.deepEqual(destroyed, [obj]);
    const stats = pool.stats();
    assert.equal(stats.resetFailures, 1);
    assert.equal(stats.totalReleases, 1);
    assert.equal(stats.destroyed, 1);
    assert.equal(stats.currentInUse, 0);
    assert.equal(pool.inUse, 0);
  });

  it("times a sample of operations when timing is on", () => {
    const pool = new ThreadLocalPool({
      capacity: 2,
      factory: () => ({}),
      enableStatistics: { timing: true, sampleRate: 1 },
    });
    for (let i = 0; i < 10; i++) pool.release(pool.acquire());
    const stats = pool.stats();
    assert.equal(stats.totalAllocations, 10);
    assert.ok(stats.avgAllocationTimeNs > 0);
    assert.ok(stats.avgReleaseTimeNs > 0);
  });

  it("rejects bad options and descriptors with clear errors", () => {
    assert.throws(
      () => new ThreadLocalPool({ capacity: 0, factory: () => ({}) }),
      InvalidCapacityError,
    );
    assert.throws(
      () =>
        new ThreadLocalPool({
          capacity: 1,
          factory: () => ({}),
          maxThreads: -1,
        }),
      InvalidCapacityError,
    );
    assert.throws(
      () => ThreadLocalPool.attach(Scratch, { kind: "nope" } as never),
      (error: unknown) =>
        error instanceof PoolConfigurationError &&
        /not a descriptor from ThreadLocalPool\.share\(\)/.test(error.message),
    );
    const pool = new ThreadLocalPool(Scratch, { capacity: 1, maxThreads: 2 });
    ThreadLocalPool.attach(Scratch, pool.share());
    assert.throws(
      () => ThreadLocalPool.attach(Scratch, pool.share()),
      /all 2 thread rows are taken/,
    );
  });

  it("attaches only through attach: a failed attach leaves nothing for the next constructor, and options cannot name a family", () => {
    const first = new ThreadLocalPool(Scratch, { capacity: 1, maxThreads: 2 });
    assert.throws(
      () =>
        ThreadLocalPool.attach(first.share(), {
          factory: "not a function" as never,
        }),
      PoolConfigurationError,
    );
    const fresh = new ThreadLocalPool(Scratch, { capacity: 1 });
    assert.equal(
      fresh.threadId,
      0,
      "a new family, not the one attach failed on",
    );
    assert.notEqual(fresh.share().buffer, first.share().buffer);
    assert.throws(
      () =>
        new ThreadLocalPool(Scratch, {
          capacity: 1,
          descriptor: first.share(),
        } as never),
      /option "descriptor" is unknown/,
    );
    const copied = { ...first.share() };
    const attached = ThreadLocalPool.attach(Scratch, copied);
    assert.equal(attached.threadId, 1, "a cloned descriptor attaches");
  });

  it("closes one thread's pool, keeps its counts in the totals and frees its row", () => {
    const first = new ThreadLocalPool({
      capacity: 2,
      factory: () => ({}),
      enableStatistics: true,
    });
    const second = ThreadLocalPool.attach(first.share(), {
      factory: () => ({}),
    });
    second.release(second.acquire());
    second.close();
    assert.equal(second.closed, true);
    assert.equal(first.closed, false);
    first.acquire();
    // The closed thread's row was given back; its counts stay in the totals.
    assert.deepEqual(first.threadStats().map((r) => r.threadId), [0]);
    const stats = first.stats();
    assert.equal(stats.totalAllocations, 2);
    assert.equal(stats.totalReleases, 1);
    assert.equal(stats.created, 2);
    assert.equal(stats.currentInUse, 1);
    assert.equal(stats.currentCapacity, 2);
    const third = ThreadLocalPool.attach(first.share(), {
      factory: () => ({}),
    });
    assert.equal(third.threadId, 1, "the freed row is claimed again");
  });

  it("lets workers come and go without running out of thread rows", () => {
    const first = new ThreadLocalPool({
      capacity: 2,
      factory: () => ({}),
      enableStatistics: true,
      maxThreads: 4,
    });
    for (let i = 0; i < 200; i++) {
      const worker = ThreadLocalPool.attach(first.share(), {
        factory: () => ({}),
      });
      const held = worker.acquire();
      worker.close(); // one object still lent: the row waits for it
      worker.release(held);
    }
    const stats = first.stats();
    assert.equal(stats.totalAllocations, 200);
    assert.equal(stats.totalReleases, 200);
    assert.equal(stats.currentInUse, 0);
    assert.equal(first.threadStats().length, 1);
  });

  // Issue 11 #8: a timed release that brought a closed pool to zero never
  // gave its row back, so later attaches failed.
  for (
    const [how, last] of [
      ["a timed release", "release"],
      ["a key release", "releaseKey"],
      ["a discard", "discard"],
    ] as const
  ) {
    it(`gives a closed pool's row back when ${how} returns its last object`, () => {
      const first = new ThreadLocalPool({
        capacity: 2,
        factory: () => ({ n: 0 }),
        enableStatistics: { timing: true, sampleRate: 1 },
        maxThreads: 2,
      });
      for (let i = 0; i < 50; i++) {
        const worker = ThreadLocalPool.attach(first.share(), {
          factory: () => ({ n: 0 }),
        });
        const held = worker.acquire();
        worker.close();
        if (last === "releaseKey") worker.releaseKey(worker.keyOf(held));
        else if (last === "discard") worker.discard(held);
        else worker.release(held);
        assert.equal(worker.inUse, 0);
      }
      const stats = first.stats();
      assert.equal(stats.totalAllocations, 50);
      assert.equal(stats.totalReleases, 50);
      assert.equal(stats.currentInUse, 0);
      assert.equal(first.threadStats().length, 1);
    });
  }
});

describe("ThreadLocalPool rows come back on every path that empties a closed pool", () => {
  // Before the fix, the retire of the last object told the pool it was
  // drained only after destroy returned: a destroy that threw there, or a
  // factory that closed the pool (its new object retired at once), left
  // the row taken for good, and the second attach on maxThreads 2 failed.
  it("when destroy throws for the last object a closed pool gets back", () => {
    const first = new ThreadLocalPool({
      capacity: 2,
      factory: () => ({ n: 0 }),
      maxThreads: 2,
      enableStatistics: true,
    });
    for (let i = 0; i < 20; i++) {
      const worker = ThreadLocalPool.attach(first.share(), {
        factory: () => ({ n: 0 }),
        destroy: () => {
          throw new Error("destroy");
        },
      });
      const held = worker.acquire();
      worker.close();
      assert.throws(() => worker.release(held), /destroy/);
      assert.equal(worker.inUse, 0);
    }
    assert.equal(first.threadStats().length, 1);
    assert.equal(first.stats().totalAllocations, 20);
  });

  it("when a factory closes its own pool", () => {
    const first = new ThreadLocalPool({
      capacity: 2,
      factory: () => ({ n: 0 }),
      maxThreads: 2,
    });
    for (let i = 0; i < 20; i++) {
      const worker: ThreadLocalPool<{ n: number }> = ThreadLocalPool.attach(
        first.share(),
        {
          factory: () => {
            worker.close();
            return { n: 0 };
          },
        },
      );
      assert.throws(() => worker.acquire(), PoolClosedError);
      assert.equal(worker.inUse, 0);
    }
    assert.equal(first.threadStats().length, 1);
  });
});

describe("ThreadLocalPool across workers", () => {
  it("totals three workers' cycles exactly and keeps their objects apart", async () => {
    const main = new ThreadLocalPool({
      capacity: 8,
      factory: () => ({ id: -1, owner: -1 }),
      enableStatistics: true,
    });
    const workers = await Promise.all([0, 1, 2].map(() => spawnWorker(WORKER)));
    try {
      const ids = await Promise.all(
        workers.map((w) =>
          w.request({ op: "attach", descriptor: main.share() })
        ),
      ) as { threadId: number }[];
      assert.deepEqual(ids.map((r) => r.threadId).sort(), [1, 2, 3]);
      const plan = [
        { cycles: 1000, hold: 1 },
        { cycles: 2500, hold: 2 },
        { cycles: 4000, hold: 3 },
      ];
      const results = await Promise.all(
        workers.map((w, i) => w.request({ op: "cycles", ...plan[i] })),
      ) as {
        threadId: number;
        ids: number[];
        owners: number[];
        inUse: number;
      }[];
      for (const [i, result] of results.entries()) {
        // Each thread only ever saw its own objects, stamped with its own id.
        assert.deepEqual(result.owners, [result.threadId]);
        assert.equal(result.ids.length, plan[i]!.hold + 1);
        assert.equal(result.inUse, plan[i]!.hold);
      }
      const stats: PoolStats = main.stats();
      const cycles = plan.reduce((sum, p) => sum + p.cycles, 0);
      const held = plan.reduce((sum, p) => sum + p.hold, 0);
      assert.equal(stats.totalAllocations, cycles + held);
      assert.equal(stats.totalReleases, cycles);
      assert.equal(stats.currentInUse, held);
      assert.equal(stats.created, held + 3);
      assert.equal(stats.currentCapacity, 8 * 4);
      const rows: ThreadPoolStats[] = main.threadStats();
      assert.equal(rows.length, 4);
      for (const result of results) {
        const row = rows.find((r) => r.threadId === result.threadId)!;
        const p = plan[results.indexOf(result)]!;
        assert.equal(row.totalAllocations, p.cycles + p.hold);
        assert.equal(row.currentInUse, p.hold);
      }
      // A worker's view of the totals is the same.
      const view = await workers[0]!.request({ op: "stats" }) as {
        stats: PoolStats;
      };
      assert.equal(view.stats.totalAllocations, stats.totalAllocations);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });

  it("rejects the release of another thread's object", async () => {
    const main = new ThreadLocalPool({
      capacity: 2,
      factory: () => ({ id: -1, owner: -1 }),
      enableStatistics: true,
    });
    const worker = await spawnWorker(WORKER);
    try {
      await worker.request({ op: "attach", descriptor: main.share() });
      const { item } = await worker.request({ op: "handOver" }) as {
        item: { id: number; owner: number };
      };
      const before = main.stats();
      assert.throws(() => main.release(item), ForeignObjectError);
      const after = main.stats();
      assert.equal(after.totalReleases, before.totalReleases);
      assert.equal(after.currentInUse, before.currentInUse);
    } finally {
      await worker.terminate();
    }
  });
});

describe("ThreadLocalPool without SharedArrayBuffer", () => {
  it("throws PoolConfigurationError naming both headers, on create and attach", async () => {
    const library = new URL("../mod.ts", import.meta.url).href;
    const { code, output } = await runModule(
      `const { ThreadLocalPool } = await import(${JSON.stringify(library)});
const descriptor = new ThreadLocalPool({ capacity: 1, factory: () => ({}) }).share();
delete globalThis.SharedArrayBuffer; // as on a page that is not cross-origin isolated
for (const make of [
  () => new ThreadLocalPool({ capacity: 1, factory: () => ({}) }),
  () => ThreadLocalPool.attach(descriptor, { factory: () => ({}) }),
]) {
  try {
    make();
    console.log("no error");
  } catch (e) {
    console.log(e.name + ": " + e.message);
  }
}
`,
    );
    assert.equal(code, 0, output);
    const lines = output.split("\n").filter((l) => l.trim() !== "");
    assertNoSharedMemoryErrors(lines, "ThreadLocalPool", output);
  });
});
