/// <reference lib="dom" />
/**
 * Checks on a page that is NOT cross-origin isolated (no COOP/COEP headers):
 * every single-thread pool and handle, `using` and `await using` as Chromium
 * runs them natively, and the clear `PoolConfigurationError` of the
 * shared-memory pools where `SharedArrayBuffer` does not exist.
 *
 * @module
 */

import {
  AlreadyReleasedError,
  type AsyncContextHandle,
  AsyncPool,
  type ContextHandle,
  exponentialGrowth,
  FixedPool,
  ForeignObjectError,
  GrowingPool,
  installPool,
  OwnedHandle,
  Pool,
  PoolConfigurationError,
  PoolEmptyError,
  PoolTimeoutError,
  StatsCollector,
  StatsReporter,
  ThreadLocalPool,
  ThreadSafePool,
  WeakHandle,
} from "../../../mod.ts";
import { check, expect, finish, rejects, same } from "./_report.ts";

class Vec {
  x = 0;
  y = 0;
  reset(): void {
    this.x = this.y = 0;
  }
}

await check("page is not cross-origin isolated", () => {
  same(globalThis.crossOriginIsolated, false, "crossOriginIsolated");
  same(typeof SharedArrayBuffer, "undefined", "typeof SharedArrayBuffer");
});

await check(
  "FixedPool: acquire, reset on release, exhaustion, misuse",
  async () => {
    const pool = new FixedPool(Vec, {
      capacity: 2,
      reset: "reset",
      enableStatistics: true,
    });
    const a = pool.acquire();
    a.x = 5;
    pool.release(a);
    same(a.x, 0, "reset ran on release");
    const b = pool.acquire();
    const c = pool.acquire();
    same(pool.tryAcquire(), undefined, "tryAcquire on a full pool");
    await rejects(
      () => pool.acquire(),
      "PoolEmptyError",
      /all "?2"? objects are in use/,
      "acquire on a full pool",
    );
    pool.release(b);
    await rejects(
      () => pool.release(b),
      "AlreadyReleasedError",
      /already released/,
      "double release",
    );
    await rejects(
      () => pool.release(new Vec()),
      "ForeignObjectError",
      /./,
      "foreign release",
    );
    same(pool.use((v) => (v.y = 3) + 1), 4, "use(fn)");
    pool.release(c);
    same(pool.stats().totalAllocations, 4, "totalAllocations");
    expect(
      new StatsReporter(pool.stats()).summary().length > 0,
      "a summary line",
    );
    pool.close();
    await rejects(
      () => pool.acquire(),
      "PoolClosedError",
      /./,
      "acquire after close",
    );
    expect(PoolEmptyError.name === "PoolEmptyError", "error classes load");
  },
);

await check("GrowingPool: grows under a burst, trims afterwards", () => {
  const pool = new GrowingPool({
    capacity: 2,
    maxCapacity: 8,
    growth: exponentialGrowth({ factor: 2 }),
    factory: () => new Float32Array(16),
  });
  const taken = Array.from({ length: 5 }, () => pool.acquire());
  same(pool.capacity, 8, "capacity after growing 2 → 4 → 8");
  for (const t of taken) pool.release(t);
  expect(
    pool.trim() > 0,
    "trim destroyed idle objects above the initial capacity",
  );
  same(pool.stats().growthEvents, 0, "statistics off: growthEvents 0");
});

await check("ContextHandle with a native `using` block", () => {
  const pool = new FixedPool(Vec, { capacity: 1 });
  let handle: ContextHandle<Vec>;
  {
    using h = pool.allocate();
    handle = h;
    h.value.x = 1;
    same(pool.inUse, 1, "inUse inside the block");
  }
  same(pool.inUse, 0, "released at the end of the block");
  expect(handle.released, "handle reports released");
  let threw = false;
  try {
    handle.value;
  } catch (error) {
    threw = error instanceof AlreadyReleasedError;
  }
  expect(threw, "a stale handle throws AlreadyReleasedError");
});

await check("OwnedHandle and WeakHandle", () => {
  const pool = new FixedPool(Vec, { capacity: 1 });
  const owned = pool.allocateOwned();
  expect(owned instanceof OwnedHandle, "allocateOwned gives an OwnedHandle");
  const watcher = pool.weak(owned.value);
  expect(watcher instanceof WeakHandle, "weak() gives a WeakHandle");
  same(watcher.deref(), owned.value, "deref while borrowed");
  owned.release();
  same(watcher.deref(), undefined, "deref after release");
  pool.acquire();
  same(watcher.deref(), undefined, "deref after the object is lent again");
});

await check("AsyncPool: waiters, timeout, `await using`", async () => {
  let made = 0;
  const pool = new AsyncPool({ capacity: 1, factory: () => ({ id: ++made }) });
  let handle: AsyncContextHandle<{ id: number }>;
  let waiting: Promise<{ id: number }>;
  {
    await using h = await pool.allocate();
    handle = h;
    same(h.value.id, 1, "first object");
    await rejects(
      () => pool.acquire({ timeout: 20 }),
      "PoolTimeoutError",
      /./,
      "acquire with a timeout on a full pool",
    );
    waiting = pool.acquire();
  }
  expect(handle.released, "await using released the handle");
  const obj = await waiting;
  same(obj.id, 1, "the waiter got the object released by `await using`");
  await pool.release(obj);
  const owned = await pool.allocateOwned();
  same(owned.value.id, 1, "allocateOwned lends the same object");
  await owned.release();
  expect(owned.released, "the owned handle is released");
  same(
    await pool.use((obj) => Promise.resolve(obj.id)),
    1,
    "the same object, reused",
  );
  expect(PoolTimeoutError.name === "PoolTimeoutError", "error classes load");
  await pool.close();
  same(pool.closed, true, "closed");
});

await check("Pool.builder, installPool and StatsCollector", () => {
  const pool = Pool.builder<Vec>().type(Vec).capacity(4).maxCapacity(8).build();
  expect(pool instanceof GrowingPool, "the builder picks GrowingPool");
  class Job {
    declare static pool: Pool<Job>;
    n = 0;
  }
  installPool(Job, { capacity: 2 });
  expect(Job.pool.acquire() instanceof Job, "installPool installs Job.pool");
  const collector = new StatsCollector({ capacity: 4 });
  collector.recordAllocation();
  same(collector.snapshot().totalAllocations, 1, "collector counts");
  expect(
    ForeignObjectError.name === "ForeignObjectError",
    "error classes load",
  );
});

/** The clear error of a thread pool where SharedArrayBuffer is unavailable: both headers named. */
async function rejectsWithoutSharedMemory(
  what: string,
  fn: () => unknown,
): Promise<void> {
  const error = await rejects(
    fn,
    "PoolConfigurationError",
    /SharedArrayBuffer is unavailable.*"Cross-Origin-Opener-Policy: same-origin".*"Cross-Origin-Embedder-Policy: require-corp"/,
    what,
  );
  expect(
    error instanceof PoolConfigurationError,
    `${what}: instanceof PoolConfigurationError`,
  );
}

await check(
  "ThreadLocalPool without SharedArrayBuffer: PoolConfigurationError naming both headers",
  async () => {
    // What share() gives, as far as a page without SharedArrayBuffer can
    // make one: attach must not reach `instanceof SharedArrayBuffer`.
    const descriptor = {
      kind: "fastalloc.ThreadLocalPool",
      buffer: new ArrayBuffer(64),
      maxThreads: 1,
    };
    for (
      const [what, fn] of [
        [
          "new ThreadLocalPool",
          () => new ThreadLocalPool(Vec, { capacity: 2 }),
        ],
        [
          "ThreadLocalPool.attach",
          () => ThreadLocalPool.attach(Vec, descriptor as never),
        ],
      ] as const
    ) {
      await rejectsWithoutSharedMemory(what, fn);
    }
  },
);

await check(
  "ThreadSafePool without SharedArrayBuffer: PoolConfigurationError naming both headers",
  async () => {
    for (
      const [what, fn] of [
        [
          "new ThreadSafePool",
          () => new ThreadSafePool({ capacity: 4, slotBytes: 8 }),
        ],
        ["ThreadSafePool.attach", () => ThreadSafePool.attach({} as never)],
      ] as const
    ) {
      await rejectsWithoutSharedMemory(what, fn);
    }
  },
);

finish();
