/**
 * ThreadSafePool: behaviour across real workers (Deno, Bun and Node), and
 * every Pool<T> member in one thread. Every worker wait is bounded.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertNoSharedMemoryErrors } from "./_no_shared_memory.ts";
import {
  AlreadyReleasedError,
  ForeignObjectError,
  InvalidCapacityError,
  PoolClosedError,
  PoolConfigurationError,
  PoolEmptyError,
  PoolTimeoutError,
  TypeMismatchError,
} from "../errors.ts";
import { SharedFreeList } from "../allocators/shared_freelist.ts";
import { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import { HEADER_WORDS, layout } from "../pools/_thread_safe_layout.ts";
import { throwsExactly, throwsUnchanged } from "./_state.ts";

import { call, callFailing, type Reply, withWorkers } from "./_worker_calls.ts";
import { Cell } from "./workers/cell.ts";
import { runModule } from "./_child.ts";

const WORKER = new URL("./workers/thread_safe_worker.ts", import.meta.url);

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("ThreadSafePool across workers", () => {
  it("shows data written into a slot in one worker to another", async () => {
    const pool = new ThreadSafePool(Cell, { capacity: 8 });
    await withWorkers(WORKER, pool, 2, async ([a, b]) => {
      const [index] = await call(a!, { cmd: "acquire" }) as number[];
      await call(a!, { cmd: "write", index, value: 1234 });
      assert.equal(await call(b!, { cmd: "read", index }), 1234);
      assert.equal(pool.at(index!).value[0], 1234);
      pool.at(index!).value[0] = 99;
      assert.equal(await call(b!, { cmd: "read", index }), 99);
    });
  });

  it("releases in one thread what another acquired, by index", async () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 4,
      enableStatistics: true,
    });
    await withWorkers(WORKER, pool, 2, async ([a, b]) => {
      const [index] = await call(a!, { cmd: "acquire" }) as number[];
      assert.equal(pool.inUse, 1);
      await call(b!, { cmd: "release", index });
      assert.equal(pool.inUse, 0);
      assert.equal(pool.available, 4);
      assert.throws(() => pool.at(index!), AlreadyReleasedError);
      // And a slot acquired here is released in a worker.
      const mine = pool.acquire();
      await call(a!, { cmd: "release", index: pool.indexOf(mine) });
      assert.equal(pool.available, 4);
      const stats = pool.stats();
      assert.equal(stats.totalAllocations, 2);
      assert.equal(stats.totalReleases, 2);
    });
  });

  it("never lends one slot twice: 4 workers x 20,000 cycles", async () => {
    const capacity = 6;
    const cycles = 20_000;
    const pool = new ThreadSafePool(Cell, { capacity, enableStatistics: true });
    const marks = new SharedArrayBuffer(capacity * 4);
    await withWorkers(WORKER, pool, 4, async (workers) => {
      const results = await Promise.all(
        workers.map((w) => call(w, { cmd: "hammer", cycles, hold: 2, marks })),
      ) as { violations: number; empties: number; touched: number }[];
      for (const r of results) assert.equal(r.violations, 0);
      assert.equal(pool.available, capacity);
      assert.equal(pool.inUse, 0);
      assert.deepEqual([...new Int32Array(marks)], new Array(capacity).fill(0));
      const stats = pool.stats();
      assert.equal(stats.totalAllocations, 4 * cycles);
      assert.equal(stats.totalReleases, 4 * cycles);
      assert.equal(stats.currentInUse, 0);
      assert.equal(
        stats.exhaustions,
        results.reduce((sum, r) => sum + r.empties, 0),
      );
      assert.equal(
        stats.created,
        results.reduce((sum, r) => sum + r.touched, 0),
      );
      assert.ok(stats.peakInUse >= 2 && stats.peakInUse <= capacity);
      assert.equal(stats.destroyed, 0);
      // Any thread sees the same totals.
      const seen = await call(workers[0]!, { cmd: "stats" }) as {
        totalAllocations: number;
      };
      assert.equal(seen.totalAllocations, 4 * cycles);
    });
  });

  it("rejects a double release from a second thread", async () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 4,
      enableStatistics: true,
    });
    await withWorkers(WORKER, pool, 1, async ([w]) => {
      const cell = pool.acquire();
      const index = pool.indexOf(cell);
      const reply = await callFailing(w!, { cmd: "releaseTwice", index });
      assert.equal(reply.name, "AlreadyReleasedError");
      assert.throws(() => pool.release(cell), AlreadyReleasedError);
      const stats = pool.stats();
      assert.equal(stats.totalReleases, 1);
      assert.equal(pool.available, 4);
    });
  });

  it("reclaims exactly a terminated worker's slots", async () => {
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
        await call(dying!, { cmd: "acquire", count: 3 });
        const [kept] = await call(living!, { cmd: "acquire" }) as number[];
        await dying!.terminate();
        assert.equal(pool.available, 3);
        assert.equal(pool.reclaim(dyingId!), 3);
        assert.equal(pool.available, 7 - 1);
        assert.equal(pool.reclaim(dyingId!), 0);
        assert.equal(pool.stats().currentInUse, 2);
        // The living worker's and this thread's borrows are untouched.
        assert.equal(pool.at(kept!) !== undefined, true);
        pool.release(mine);
        await call(living!, { cmd: "release", index: kept });
        assert.equal(pool.available, 8);
        assert.notEqual(livingId, dyingId);
      },
    );
  });

  it("wakes acquireWait in a worker when this thread releases, and times out", async () => {
    const pool = new ThreadSafePool(Cell, { capacity: 2 });
    await withWorkers(WORKER, pool, 1, async ([w]) => {
      const a = pool.acquire();
      pool.acquire();
      const timedOut = await callFailing(w!, {
        cmd: "acquireWait",
        timeoutMs: 30,
      });
      assert.equal(timedOut.name, "PoolTimeoutError");
      w!.postMessage({ cmd: "acquireWait", timeoutMs: 15_000 });
      await delay(50);
      const index = pool.indexOf(a);
      pool.release(a);
      const reply = await w!.nextMessage() as Reply;
      assert.deepEqual(reply, { ok: true, value: index });
      assert.equal(pool.available, 0);
    });
  });

  it("wakes acquireWait in this thread when a worker releases", async () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 2,
      enableStatistics: true,
    });
    await withWorkers(WORKER, pool, 1, async ([w]) => {
      const [first] = await call(w!, { cmd: "acquire", count: 2 }) as number[];
      await call(w!, { cmd: "releaseLater", index: first, delayMs: 30 });
      const cell = pool.acquireWait(15_000);
      assert.equal(pool.indexOf(cell), first);
      assert.throws(() => pool.acquireWait(20), PoolTimeoutError);
      const stats = pool.stats();
      assert.equal(stats.waits, 2);
      assert.equal(stats.timeouts, 1);
      assert.ok(stats.totalWaitTimeNs > 0);
    });
  });

  it("wakes acquireAsync when another thread releases, and times out", async () => {
    const pool = new ThreadSafePool(Cell, { capacity: 2 });
    await withWorkers(WORKER, pool, 1, async ([w]) => {
      const [first] = await call(w!, { cmd: "acquire", count: 2 }) as number[];
      await assert.rejects(
        pool.acquireAsync({ timeout: 20 }),
        PoolTimeoutError,
      );
      await call(w!, { cmd: "releaseLater", index: first, delayMs: 30 });
      const cell = await pool.acquireAsync({ timeout: 15_000 });
      assert.equal(pool.indexOf(cell), first);
      // And in the worker, woken by this thread.
      w!.postMessage({ cmd: "acquireAsync", timeoutMs: 15_000 });
      await delay(30);
      pool.release(cell);
      assert.deepEqual(await w!.nextMessage(), { ok: true, value: first });
      const timedOut = await callFailing(w!, {
        cmd: "acquireAsync",
        timeoutMs: 20,
      });
      assert.equal(timedOut.name, "PoolTimeoutError");
    });
  });

  it("rejects an aborted acquireAsync with the reason and loses no slot", async () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 2,
      enableStatistics: true,
    });
    await withWorkers(WORKER, pool, 1, async ([w]) => {
      const [first, second] = await call(w!, {
        cmd: "acquire",
        count: 2,
      }) as number[];
      const controller = new AbortController();
      const reason = new Error("no longer needed");
      const aborted = pool.acquireAsync({ signal: controller.signal });
      const patient = pool.acquireAsync({ timeout: 15_000 });
      await delay(20);
      controller.abort(reason);
      await assert.rejects(aborted, (error) => error === reason);
      assert.equal(pool.inUse, 2);
      assert.equal(pool.available, 0);
      await call(w!, { cmd: "release", index: first });
      const cell = await patient;
      assert.equal(pool.indexOf(cell), first);
      pool.release(cell);
      await call(w!, { cmd: "release", index: second });
      assert.equal(pool.available, 2);
      const stats = pool.stats();
      assert.equal(stats.currentInUse, 0);
      assert.equal(stats.totalAllocations, stats.totalReleases);
      // An already aborted signal rejects at once.
      await assert.rejects(
        pool.acquireAsync({ signal: AbortSignal.abort(reason) }),
        (error) => error === reason,
      );
      assert.equal(pool.available, 2);
    });
  });

  it("wakes waiting threads with PoolClosedError when closed", async () => {
    const pool = new ThreadSafePool(Cell, { capacity: 1 });
    await withWorkers(WORKER, pool, 1, async ([w]) => {
      const held = pool.acquire();
      w!.postMessage({ cmd: "acquireWait", timeoutMs: 15_000 });
      const waiting = assert.rejects(
        pool.acquireAsync({ timeout: 15_000 }),
        PoolClosedError,
      );
      await delay(40);
      pool.close();
      const reply = await w!.nextMessage() as Reply;
      assert.equal(reply.name, "PoolClosedError");
      await waiting;
      pool.release(held);
      assert.equal(pool.inUse, 0);
    });
  });
});

describe("ThreadSafePool in one thread", () => {
  it("lends wrappers of shared slots: acquire, get, tryAcquire, release", () => {
    const pool = new ThreadSafePool(Cell, { capacity: 3 });
    assert.equal(pool.capacity, 3);
    assert.equal(pool.available, 3);
    assert.equal(pool.threadId, 1);
    assert.equal(pool.slotBytes, 8);
    const a = pool.acquire();
    const b = pool.get();
    const c = pool.tryAcquire()!;
    assert.ok(a instanceof Cell && b instanceof Cell && c instanceof Cell);
    assert.equal(new Set([a, b, c]).size, 3);
    assert.equal(pool.inUse, 3);
    assert.equal(pool.available, 0);
    assert.equal(pool.tryAcquire(), undefined);
    assert.throws(() => pool.acquire(), PoolEmptyError);
    a.value[0] = 7;
    pool.release(a);
    const again = pool.acquire();
    assert.equal(again, a, "the wrapper is made once per slot");
    assert.equal(again.value[0], 7);
    for (const x of [again, b, c]) pool.release(x);
    assert.equal(pool.available, 3);
  });

  it("pools Uint8Array views with slotBytes, and factory objects", () => {
    const bytes = new ThreadSafePool({ capacity: 2, slotBytes: 16 });
    const view = bytes.acquire();
    assert.ok(view instanceof Uint8Array);
    assert.equal(view.length, 16);
    assert.equal(view.buffer, bytes.share().buffer);
    bytes.release(view);
    let made = 0;
    const ids = new ThreadSafePool({
      capacity: 2,
      factory: () => ({ made: ++made }),
    });
    const id = ids.acquire();
    assert.equal(id.made, 1);
    ids.release(id);
    assert.throws(() => ids.release({ made: 9 }), ForeignObjectError);
    // A type without byteLength lends slot identities.
    class Token {}
    const tokens = new ThreadSafePool(Token, { capacity: 2 });
    const t = tokens.acquire();
    assert.ok(t instanceof Token);
    assert.equal(tokens.slotBytes, 0);
    assert.equal(
      ThreadSafePool.attach(Token, tokens.share()).at(
        tokens.indexOf(t),
      ) instanceof Token,
      true,
    );
  });

  it("shares a structured-cloneable descriptor that attach opens", () => {
    const pool = new ThreadSafePool(Cell, { capacity: 4 });
    const descriptor = structuredClone(pool.share());
    assert.ok(descriptor.buffer instanceof SharedArrayBuffer);
    assert.equal(descriptor.kind, "fastalloc.ThreadSafePool");
    const other = ThreadSafePool.attach(Cell, descriptor);
    assert.equal(other.threadId, 2);
    assert.equal(ThreadSafePool.attach(Cell, descriptor).threadId, 3);
    const cell = pool.acquire();
    cell.value[1] = 5;
    assert.equal(other.at(pool.indexOf(cell)).value[1], 5);
    assert.equal(other.inUse, 1);
    const bytes = new ThreadSafePool({ capacity: 1, slotBytes: 3 });
    assert.ok(
      ThreadSafePool.attach(bytes.share()).acquire() instanceof Uint8Array,
    );
  });

  it("rejects bad releases and leaves the pool unchanged", () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 2,
      enableStatistics: true,
    });
    const other = new ThreadSafePool(Cell, { capacity: 2 });
    const cell = pool.acquire();
    const before = { ...pool.stats(), available: pool.available };
    const foreign = other.acquire();
    assert.throws(() => pool.release(foreign), ForeignObjectError);
    assert.throws(
      () => pool.release({ value: new Int32Array(2) } as Cell),
      (e: unknown) =>
        e instanceof TypeMismatchError && e.expectedType === "Cell" &&
        e.actualType === "Object",
    );
    assert.throws(
      () => pool.release(null as unknown as Cell),
      TypeMismatchError,
    );
    const spare = pool.acquire();
    pool.release(spare);
    assert.throws(() => pool.release(spare), AlreadyReleasedError);
    assert.throws(() => pool.weak(spare), AlreadyReleasedError);
    const after = pool.stats();
    assert.equal(pool.available, before.available);
    assert.equal(after.currentInUse, before.currentInUse);
    assert.equal(after.totalReleases, before.totalReleases + 1);
    pool.release(cell);
    assert.equal(pool.available, 2);
  });

  it("rejects bad arguments to at, reclaim, acquireWait and acquireAsync", async () => {
    const pool = new ThreadSafePool(Cell, { capacity: 2 });
    const cell = pool.acquire();
    assert.throws(() => pool.at(2), RangeError);
    assert.throws(() => pool.at(-1), RangeError);
    assert.throws(() => pool.at(0.5), RangeError);
    assert.throws(() => pool.at(1), AlreadyReleasedError);
    assert.equal(pool.at(0), cell);
    assert.equal(pool.indexOf(new Cell(new SharedArrayBuffer(8), 0)), -1);
    assert.throws(() => pool.reclaim(0), RangeError);
    assert.throws(() => pool.reclaim(1.5), RangeError);
    assert.throws(() => pool.reclaim(pool.threadId), RangeError);
    assert.equal(pool.reclaim(7), 0);
    assert.throws(() => pool.acquireWait(-1), RangeError);
    await assert.rejects(
      pool.acquireAsync({ timeout: Number.NaN }),
      RangeError,
    );
    assert.equal(pool.inUse, 1);
    assert.equal(pool.available, 1);
  });

  it("rejects bad options with the documented errors", () => {
    assert.throws(
      () => new ThreadSafePool(Cell, { capacity: 0 }),
      InvalidCapacityError,
    );
    assert.throws(
      () => new ThreadSafePool(Cell, { capacity: 1.5 }),
      InvalidCapacityError,
    );
    assert.throws(
      () =>
        new ThreadSafePool(Cell, { capacity: 2, allocator: "stack" } as never),
      PoolConfigurationError,
    );
    assert.throws(
      () => new ThreadSafePool(Cell, { capacity: 2, slotBytes: 4 }),
      PoolConfigurationError,
    );
    assert.throws(
      () => new ThreadSafePool({ capacity: 2 } as never),
      PoolConfigurationError,
    );
    assert.throws(
      () => new ThreadSafePool({ capacity: 2, slotBytes: -1 }),
      PoolConfigurationError,
    );
    class Bad {
      static byteLength = "8";
    }
    assert.throws(
      () => new ThreadSafePool(Bad as never, { capacity: 2 }),
      PoolConfigurationError,
    );
    assert.throws(
      () => new ThreadSafePool(Cell, { capacity: 2, reset: "nope" }),
      PoolConfigurationError,
    );
    assert.throws(
      () =>
        new ThreadSafePool(Cell, {
          capacity: 2,
          enableStatistics: { sampleRate: 2 },
        }),
      PoolConfigurationError,
    );
    assert.throws(
      () => ThreadSafePool.attach(Cell, {} as never),
      PoolConfigurationError,
    );
    const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
    assert.throws(
      () => ThreadSafePool.attach(Cell, pool.share()),
      PoolConfigurationError,
    );
    assert.throws(
      () => ThreadSafePool.attach(pool.share(), { capacity: 3 } as never),
      PoolConfigurationError,
    );
    const limited = new ThreadSafePool(Cell, {
      capacity: 2,
      enableStatistics: true,
      maxThreads: 2,
    });
    ThreadSafePool.attach(Cell, limited.share());
    assert.throws(
      () => ThreadSafePool.attach(Cell, limited.share()),
      PoolConfigurationError,
    );
  });

  it("runs reset on release, and discards the slot's object when reset throws", () => {
    const destroyed: Cell[] = [];
    let failNext = false;
    const pool = new ThreadSafePool(Cell, {
      capacity: 1,
      enableStatistics: true,
      reset: (cell) => {
        if (failNext) throw new Error("reset failed");
        cell.value[0] = 0;
      },
      destroy: (cell) => destroyed.push(cell),
    });
    const cell = pool.acquire();
    cell.value[0] = 5;
    pool.release(cell);
    assert.equal(cell.value[0], 0);
    const again = pool.acquire();
    again.value[1] = 9;
    failNext = true;
    assert.throws(() => pool.release(again), /reset failed/);
    failNext = false;
    assert.deepEqual(destroyed, [again]);
    assert.equal(pool.available, 1);
    const fresh = pool.acquire();
    assert.notEqual(fresh, again, "a new wrapper replaces the discarded one");
    assert.equal(fresh.value[1], 0, "the slot's bytes were zeroed");
    const stats = pool.stats();
    assert.equal(stats.resetFailures, 1);
    assert.equal(stats.totalResets, 1);
    assert.equal(stats.destroyed, 1);
    assert.equal(stats.created, 2);
    assert.equal(stats.currentInUse, 1);
    class Resettable extends Cell {
      reset(): void {
        this.value[0] = -1;
      }
    }
    const named = new ThreadSafePool(Resettable, {
      capacity: 1,
      reset: "reset",
    });
    const r = named.acquire();
    named.release(r);
    assert.equal(r.value[0], -1);
  });

  it("use() releases after fn returns, throws, or its promise settles", async () => {
    const pool = new ThreadSafePool(Cell, { capacity: 1 });
    assert.equal(pool.use((cell) => (cell.value[0] = 3)), 3);
    assert.equal(pool.available, 1);
    assert.throws(() =>
      pool.use(() => {
        throw new Error("boom");
      }), /boom/);
    assert.equal(pool.available, 1);
    const pending = pool.use(async (cell) => {
      await delay(1);
      return cell.value[0];
    });
    assert.equal(pool.available, 0);
    assert.equal(await pending, 3);
    assert.equal(pool.available, 1);
    assert.throws(() => pool.use(5 as never), TypeError);
  });

  it("lends through generation-checked handles", () => {
    const pool = new ThreadSafePool(Cell, { capacity: 1 });
    const handle = pool.allocate();
    const cell = handle.value;
    assert.equal(handle.get(), cell);
    assert.equal(handle.released, false);
    const watcher = pool.weak(cell);
    assert.equal(watcher.deref(), cell);
    handle.release();
    assert.equal(handle.released, true);
    assert.throws(() => handle.value, AlreadyReleasedError);
    assert.throws(() => handle.release(), AlreadyReleasedError);
    const relent = pool.acquire();
    assert.equal(relent, cell, "the same wrapper, lent again");
    assert.equal(
      watcher.deref(),
      undefined,
      "a new borrow is not the watched one",
    );
    assert.throws(() => watcher.get(), AlreadyReleasedError);
    const next = pool.weak(relent);
    assert.equal(next.release(), true);
    assert.equal(pool.available, 1);
    {
      const owned = pool.allocateOwned();
      owned.value.value[0] = 1;
      owned[Symbol.dispose]();
      assert.equal(owned.released, true);
    }
    const scoped = pool.allocate();
    scoped[Symbol.dispose]();
    scoped[Symbol.dispose]();
    assert.equal(pool.available, 1);
  });

  it("counts a leaked OwnedHandle and takes its slot back", async (t) => {
    const gc = (globalThis as { gc?: () => void }).gc ??
      (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc.bind(
        null,
        true,
      );
    if (gc === undefined) {
      t.skip("needs --expose-gc");
      return;
    }
    const leaked: number[] = [];
    const pool = new ThreadSafePool(Cell, {
      capacity: 1,
      enableStatistics: true,
      onLeak: (info) => leaked.push(info.generation),
    });
    (() => {
      pool.allocateOwned();
    })();
    for (let i = 0; i < 100 && pool.available === 0; i++) {
      gc();
      await delay(10);
    }
    assert.equal(pool.available, 1);
    assert.equal(pool.stats().leaks, 1);
    assert.equal(leaked.length, 1);
  });

  it("closes for every thread: acquires fail, releases destroy", async () => {
    const destroyed: Cell[] = [];
    const pool = new ThreadSafePool(Cell, {
      capacity: 3,
      preInitialize: true,
      destroy: (cell) => destroyed.push(cell),
    });
    const other = ThreadSafePool.attach(Cell, pool.share());
    const held = pool.acquire();
    pool.close();
    assert.equal(pool.closed, true);
    assert.equal(other.closed, true);
    assert.equal(destroyed.length, 2, "idle wrappers destroyed");
    assert.equal(pool.available, 0);
    assert.throws(() => pool.acquire(), PoolClosedError);
    assert.throws(() => other.tryAcquire(), PoolClosedError);
    assert.throws(() => other.acquireWait(10), PoolClosedError);
    await assert.rejects(other.acquireAsync(), PoolClosedError);
    pool.release(held);
    assert.equal(destroyed.length, 3);
    assert.equal(pool.inUse, 0);
    pool.close();
    pool[Symbol.dispose]();
    assert.equal(destroyed.length, 3);
  });

  it("reports statistics, or only the current state when they are off", () => {
    const off = new ThreadSafePool(Cell, { capacity: 4 });
    off.acquire();
    const s = off.stats();
    assert.equal(s.enabled, false);
    assert.equal(s.currentInUse, 1);
    assert.equal(s.currentCapacity, 4);
    assert.equal(s.totalAllocations, 0);
    assert.ok(Object.isFrozen(s));
    const on = new ThreadSafePool(Cell, {
      capacity: 4,
      enableStatistics: { timing: true, sampleRate: 1 },
    });
    for (let i = 0; i < 100; i++) on.release(on.acquire());
    on.acquire();
    const t = on.stats();
    assert.equal(t.enabled, true);
    assert.equal(t.totalAllocations, 101);
    assert.equal(t.totalReleases, 100);
    assert.equal(t.peakInUse, 1);
    assert.equal(t.peakCapacity, 4);
    assert.equal(t.created, 1);
    assert.ok(t.avgAllocationTimeNs >= 0);
    assert.equal(t.totalAllocationTimeNs, t.avgAllocationTimeNs * 101);
  });

  it("prints its state in console.log", () => {
    const pool = new ThreadSafePool(Cell, { capacity: 4 });
    pool.acquire();
    const inspect = (pool as unknown as Record<symbol, () => string>)[
      Symbol.for("nodejs.util.inspect.custom")
    ]!;
    const text = inspect.call(pool);
    assert.match(
      text,
      /^ThreadSafePool \{ capacity: 4, inUse: 1, available: 3, closed: false, threadId: 1/,
    );
    const deno = (pool as unknown as Record<symbol, () => string>)[
      Symbol.for("Deno.customInspect")
    ]!;
    assert.equal(deno.call(pool), text);
  });

  it("waits asynchronously by polling where Atomics.waitAsync is missing", async () => {
    const pool = new ThreadSafePool(Cell, { capacity: 1 });
    const held = pool.acquire();
    const atomics = Atomics as { waitAsync?: unknown };
    const original = atomics.waitAsync;
    atomics.waitAsync = undefined;
    try {
      setTimeout(() => pool.release(held), 20);
      const cell = await pool.acquireAsync({ timeout: 15_000 });
      assert.equal(cell, held);
      await assert.rejects(
        pool.acquireAsync({ timeout: 10 }),
        PoolTimeoutError,
      );
      const controller = new AbortController();
      const waiting = pool.acquireAsync({ signal: controller.signal });
      controller.abort("stop");
      await assert.rejects(waiting, (e) => e === "stop");
      assert.equal(pool.inUse, 1);
    } finally {
      atomics.waitAsync = original;
    }
  });

  it("SharedFreeList hands each slot out once and detects double frees", () => {
    const list = new SharedFreeList(70, { home: 3 });
    const other = SharedFreeList.attach(list.buffer, {
      byteOffset: list.byteOffset,
    });
    const seen = new Set<number>();
    for (let slot = list.pop(); slot >= 0; slot = list.pop()) seen.add(slot);
    assert.equal(seen.size, 70);
    assert.equal(Math.max(...seen), 69);
    assert.equal(other.size, 0);
    assert.equal(other.push(69), true);
    assert.equal(list.push(69), false);
    assert.equal(list.isFree(69), true);
    assert.throws(() => list.push(70), RangeError);
    assert.equal(list.popWait(5), 69);
    assert.equal(list.popWait(5), -1);
    assert.throws(
      () => SharedFreeList.attach(new SharedArrayBuffer(1024)),
      PoolConfigurationError,
    );
  });
});

describe("ThreadSafePool: stale releases and lone waits", () => {
  it("rejects a stale release after the slot was lent again elsewhere", () => {
    const a = new ThreadSafePool({ capacity: 1, slotBytes: 8 });
    const b = ThreadSafePool.attach(a.share()); // another thread's view
    const x = a.acquire();
    a.release(x);
    const y = b.acquire(); // the same slot, a new borrow
    assert.throws(
      () => a.release(x),
      (error: unknown) =>
        error instanceof AlreadyReleasedError &&
        /stale release/.test(error.message),
    );
    assert.equal(b.inUse, 1, "the other thread's borrow is untouched");
    assert.equal(b.indexOf(y), 0);
    b.release(y);
    assert.equal(a.available, 1);
  });

  it("lets a thread release a borrow it was handed by index", () => {
    const a = new ThreadSafePool({ capacity: 1, slotBytes: 8 });
    const b = ThreadSafePool.attach(a.share());
    const x = a.acquire();
    b.release(b.at(a.indexOf(x)));
    assert.equal(a.inUse, 0);
    assert.throws(() => a.release(x), AlreadyReleasedError);
  });

  it("rejects an acquireAsync timeout even when nothing else keeps the process alive", async () => {
    const library = new URL("../mod.ts", import.meta.url).href;
    const { code, output } = await runModule(
      `import { ThreadSafePool } from ${JSON.stringify(library)};
const pool = new ThreadSafePool({ capacity: 1, slotBytes: 8 });
pool.acquire();
const outcome = await pool.acquireAsync({ timeout: 100 }).then(() => "got", (e) => e.name);
console.log("outcome", outcome);
`,
    );
    assert.equal(code, 0, output);
    assert.match(output, /outcome PoolTimeoutError/);
  });
});

/** The pool's free list, opened on its buffer (to read its waiter count). */
function freeListOf(
  pool: { share(): { buffer: SharedArrayBuffer } },
): SharedFreeList {
  return SharedFreeList.attach(pool.share().buffer, {
    byteOffset: HEADER_WORDS * 4,
  });
}

describe("ThreadSafePool keys and discard (one thread)", () => {
  it("lends by key; a borrow is a borrow whichever way it ends", () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 4,
      enableStatistics: true,
    });
    const key = pool.acquireKey();
    assert.ok(Number.isInteger(key) && key >= 0 && key < 2 ** 31);
    assert.equal(pool.isLive(key), true);
    const cell = pool.objectOf(key);
    assert.equal(pool.keyOf(cell), key);
    assert.equal(pool.inUse, 1);
    pool.release(cell); // release(obj) ends a key borrow
    assert.equal(pool.isLive(key), false);
    const other = pool.acquire();
    const otherKey = pool.keyOf(other);
    pool.releaseKey(otherKey); // releaseKey ends an acquire borrow
    assert.equal(pool.inUse, 0);
    const s = pool.stats();
    assert.equal(s.totalAllocations, 2);
    assert.equal(s.totalReleases, 2);
  });

  it("lays keys out as (generation << slotBits) | slot", () => {
    const pool = new ThreadSafePool({ capacity: 3, slotBytes: 4 }); // 2 slot bits
    const first = pool.acquireKey(); // slot 0, first lend: generation 1
    assert.equal(first, (1 << 2) | 0);
    pool.releaseKey(first);
    assert.equal(pool.acquireKey(), (2 << 2) | 0);
    const single = new ThreadSafePool({ capacity: 1, slotBytes: 4 }); // 0 slot bits
    assert.equal(single.acquireKey(), 1);
  });

  it("detects a stale key after the slot was lent again, through 2047 reuses at capacity 2^20", () => {
    const pool = new ThreadSafePool({
      capacity: 2 ** 20,
      factory: () => ({}),
    });
    const stale = pool.acquireKey();
    pool.releaseKey(stale);
    for (let i = 0; i < 2046; i++) pool.releaseKey(pool.acquireKey());
    const live = pool.acquireKey(); // slot 0 lent again for the 2047th time
    for (const how of ["objectOf", "releaseKey", "discardKey"] as const) {
      throwsUnchanged(
        pool,
        () => pool[how](stale),
        AlreadyReleasedError,
        "AlreadyReleasedError",
        new RegExp(`key ${stale} was already released$`),
      );
    }
    assert.equal(pool.isLive(stale), false);
    assert.equal(pool.isLive(live), true);
    // The 2048th re-lend wraps the 11-bit generation field onto the old key.
    pool.releaseKey(live);
    assert.equal(pool.acquireKey(), stale);
  });

  it("refuses keys on pools too large to detect 2^10 reuses", () => {
    const pool = new ThreadSafePool({
      capacity: 2 ** 20 + 1,
      factory: () => ({}),
    });
    throwsUnchanged(
      pool,
      () => pool.acquireKey(),
      PoolConfigurationError,
      "PoolConfigurationError",
      /capacity 1048577/,
    );
    assert.equal(pool.isLive(1 << 21), false);
  });

  it("rejects numbers it never issued with ForeignObjectError, and isLive never throws", () => {
    const pool = new ThreadSafePool({ capacity: 3, slotBytes: 4 });
    const key = pool.acquireKey(); // slot 0, generation 1
    const never = [
      -1,
      0.5,
      NaN,
      Infinity,
      2 ** 31,
      0, // generation 0 is never issued
      (2 << 2) | 0, // generation 2 of slot 0: not reached
      (1 << 2) | 1, // slot 1 was never lent
      (1 << 2) | 3, // slot 3 does not exist
      "4" as unknown as number,
      null as unknown as number,
      {} as unknown as number,
      10n as unknown as number,
    ];
    for (const k of never) {
      assert.equal(pool.isLive(k), false);
      for (const how of ["objectOf", "releaseKey", "discardKey"] as const) {
        throwsUnchanged(
          pool,
          () => pool[how](k),
          ForeignObjectError,
          "ForeignObjectError",
          /was never issued by this pool$/,
        );
      }
    }
    assert.throws(() => pool.releaseKey(99), {
      message: "Cannot release key: key 99 was never issued by this pool",
    });
    assert.throws(() => pool.objectOf(-1), {
      message: "Cannot get object of key: key -1 was never issued by this pool",
    });
    assert.throws(() => pool.discardKey({} as never), {
      message:
        "Cannot discard key: key an object was never issued by this pool",
    });
    assert.equal(pool.isLive(key), true);
    pool.releaseKey(key);
    assert.throws(() => pool.releaseKey(key), {
      name: "AlreadyReleasedError",
      message: `Cannot release key: key ${key} was already released`,
    });
  });

  it("discard zeroes and frees the slot, destroys the wrapper, skips reset, and counts it", () => {
    const events: string[] = [];
    const pool: ThreadSafePool<Cell> = new ThreadSafePool(Cell, {
      capacity: 2,
      enableStatistics: true,
      reset: () => events.push("reset"),
      destroy: (cell) => {
        // State first: the borrow is over before destroy runs.
        events.push(`destroy inUse ${pool.inUse}`);
        assert.throws(() => pool.release(cell), AlreadyReleasedError);
      },
    });
    const cell = pool.acquire();
    cell.value[0] = 42;
    pool.discard(cell);
    assert.deepEqual(events, ["destroy inUse 0"]);
    assert.equal(cell.value[0], 0, "the slot's bytes were zeroed");
    const s = pool.stats();
    assert.equal(s.totalReleases, 1);
    assert.equal(s.destroyed, 1);
    assert.equal(s.totalResets, 0);
    throwsUnchanged(
      pool,
      () => pool.discard(cell),
      AlreadyReleasedError,
      "AlreadyReleasedError",
      /^Cannot discard object: it was already released$/,
    );
    const fresh = pool.acquire();
    assert.notEqual(fresh, cell);
    const key = pool.keyOf(fresh);
    fresh.value[1] = 5;
    pool.discardKey(key);
    assert.equal(fresh.value[1], 0);
    assert.equal(pool.stats().destroyed, 2);
    assert.equal(pool.inUse, 0);
    throwsUnchanged(
      pool,
      () => pool.discardKey(key),
      AlreadyReleasedError,
      "AlreadyReleasedError",
      /^Cannot discard key: key \d+ was already released$/,
    );
  });

  it("accepts only the very wrapper it lent: inherited objects and proxies are foreign", () => {
    const pool = new ThreadSafePool(Cell, { capacity: 2 });
    const cell = pool.acquire();
    const revocable = Proxy.revocable(cell, {});
    revocable.revoke();
    const hostile = new Proxy(cell, {
      get() {
        throw new Error("get trap ran");
      },
      getPrototypeOf() {
        throw new Error("getPrototypeOf trap ran");
      },
      getOwnPropertyDescriptor() {
        throw new Error("getOwnPropertyDescriptor trap ran");
      },
    });
    const fakes: [string, Cell][] = [
      ["Object.create(wrapper)", Object.create(cell)],
      ["new Proxy(wrapper, {})", new Proxy(cell, {})],
      ["a revoked proxy", revocable.proxy],
      ["a proxy whose traps throw", hostile],
    ];
    for (const [label, fake] of fakes) {
      for (const how of ["release", "discard", "keyOf", "weak"] as const) {
        const error = throwsUnchanged(
          pool,
          () => pool[how](fake),
          ForeignObjectError,
          "ForeignObjectError",
        );
        assert.doesNotMatch(error.message, /trap ran/, label);
      }
      assert.equal(pool.indexOf(fake), -1, label);
    }
    pool.release(cell); // the real one still releases, once
    assert.equal(pool.inUse, 0);
  });

  it("builds messages without running getters: a throwing constructor getter", () => {
    const pool = new ThreadSafePool({
      capacity: 1,
      factory: () => ({ n: 0 }),
    });
    const proto = {
      get constructor(): never {
        throw new Error("getter ran");
      },
    };
    const obj = Object.create(proto) as { n: number };
    throwsUnchanged(
      pool,
      () => pool.release(obj),
      ForeignObjectError,
      "ForeignObjectError",
      /^Cannot release object: an object was never lent by this pool$/,
    );
    // A typed pool names the mismatch, again without running the getter.
    const typed = new ThreadSafePool(Cell, { capacity: 1 });
    throwsUnchanged(
      typed,
      () => typed.release(obj as unknown as Cell),
      TypeMismatchError,
      "TypeMismatchError",
      /^Cannot release object: expected a "Cell" instance, got "Object"$/,
    );
  });
});

describe("ThreadSafePool thread entries", () => {
  it("maxThreads bounds threads attached at once: close, detach and reclaim give entries back", () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 4,
      maxThreads: 2,
      enableStatistics: true,
    });
    const descriptor = pool.share();
    for (let i = 0; i < 100; i++) {
      const view = ThreadSafePool.attach(Cell, descriptor);
      view.release(view.acquire());
      if (i % 2 === 0) view.detach();
      else pool.reclaim(view.threadId); // as for a worker that died
    }
    const s = pool.stats();
    assert.equal(
      s.totalAllocations,
      100,
      "counts of threads that left are kept",
    );
    assert.equal(s.totalReleases, 100);
    // Two at once is the bound.
    const second = ThreadSafePool.attach(Cell, descriptor);
    throwsUnchanged(
      pool,
      () => ThreadSafePool.attach(Cell, descriptor),
      PoolConfigurationError,
      "PoolConfigurationError",
      /all 2 thread rows \(maxThreads\) are taken/,
    );
    // close() closes the pool for all, and gives back this thread's entry.
    second.close();
    ThreadSafePool.attach(Cell, descriptor);
  });

  it("bounds attaches without statistics too, and recycles entries", () => {
    const pool = new ThreadSafePool({
      capacity: 1,
      slotBytes: 4,
      maxThreads: 3,
    });
    for (let i = 0; i < 50; i++) {
      ThreadSafePool.attach(pool.share()).detach();
    }
    const a = ThreadSafePool.attach(pool.share());
    ThreadSafePool.attach(pool.share());
    assert.throws(
      () => ThreadSafePool.attach(pool.share()),
      PoolConfigurationError,
    );
    a.detach();
    ThreadSafePool.attach(pool.share());
  });

  it("a detached view refuses further use; the pool stays open for others", async () => {
    const destroyed: Cell[] = [];
    const pool = new ThreadSafePool(Cell, { capacity: 2 });
    const view = ThreadSafePool.attach(Cell, pool.share(), {
      destroy: (cell) => destroyed.push(cell),
    });
    const held = view.acquire();
    const idle = view.acquire();
    view.release(idle);
    view.detach();
    view.detach(); // again: nothing
    assert.deepEqual(destroyed, [idle], "its idle wrappers are destroyed");
    assert.equal(pool.closed, false);
    for (
      const call of [
        () => view.acquire(),
        () => view.tryAcquire(),
        () => view.acquireKey(),
        () => view.release(held),
        () => view.discard(held),
        () => view.keyOf(held),
      ]
    ) {
      throwsExactly(call, PoolClosedError, "PoolClosedError", /detached/);
    }
    await assert.rejects(view.acquireAsync(), PoolClosedError);
    // The borrow it held is still a borrow: another thread ends it.
    pool.release(pool.at(pool.indexOf(pool.at(view.indexOf(held)))));
    assert.equal(pool.inUse, 0);
  });

  it("reclaim settles the waits a dead thread had registered", async () => {
    const pool = new ThreadSafePool({ capacity: 1, slotBytes: 4 });
    const list = freeListOf(pool);
    const held = pool.acquire();
    const dying = ThreadSafePool.attach(pool.share());
    const controller = new AbortController();
    const waiting = dying.acquireAsync({ signal: controller.signal });
    assert.equal(list.waiters, 1);
    // The thread "dies" with its wait registered: reclaim settles it.
    pool.reclaim(dying.threadId);
    assert.equal(list.waiters, 0);
    controller.abort(new Error("gone"));
    await assert.rejects(waiting, /gone/);
    assert.equal(list.waiters, 0, "never below zero");
    pool.release(held);
  });
});

describe("ThreadSafePool keys across workers", () => {
  it("hands a borrow over by key both ways, and detects a stale key in every thread", async () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 1,
      enableStatistics: true,
    });
    await withWorkers(WORKER, pool, 1, async ([w]) => {
      // Made here, written and released there.
      const key = pool.acquireKey();
      pool.objectOf(key).value[0] = 11;
      assert.equal(await call(w!, { cmd: "objectOf", key, value: 12 }), 11);
      assert.equal(pool.objectOf(key).value[0], 12);
      await call(w!, { cmd: "releaseKey", key });
      assert.equal(pool.isLive(key), false);
      // Made there, released here.
      const theirs = await call(w!, { cmd: "acquireKey" }) as number;
      assert.notEqual(theirs, key);
      assert.equal(pool.isLive(theirs), true);
      // The old key is stale here and there, though its slot is lent again.
      throwsUnchanged(
        pool,
        () => pool.releaseKey(key),
        AlreadyReleasedError,
        "AlreadyReleasedError",
      );
      const reply = await callFailing(w!, { cmd: "releaseKey", key });
      assert.equal(reply.name, "AlreadyReleasedError");
      assert.equal(await call(w!, { cmd: "isLive", key }), false);
      const foreign = await callFailing(w!, { cmd: "objectOf", key: 4096 });
      assert.equal(foreign.name, "ForeignObjectError");
      pool.releaseKey(theirs);
      assert.equal(await call(w!, { cmd: "isLive", key: theirs }), false);
      // keyOf in a worker names the same borrow as here.
      const [index] = await call(w!, { cmd: "acquire" }) as number[];
      const k = await call(w!, { cmd: "keyOf", index }) as number;
      assert.equal(pool.keyOf(pool.at(index!)), k);
      pool.discardKey(k);
      assert.equal(await call(w!, { cmd: "isLive", key: k }), false);
      const s = pool.stats();
      assert.equal(s.totalAllocations, 3);
      assert.equal(s.totalReleases, 3);
      assert.equal(s.currentInUse, 0);
    });
  });
});

describe("ThreadSafePool without SharedArrayBuffer", () => {
  it("throws PoolConfigurationError naming both headers, on create and attach", async () => {
    const library = new URL("../mod.ts", import.meta.url).href;
    const { code, output } = await runModule(
      `const { ThreadSafePool, FixedPool } = await import(${
        JSON.stringify(library)
      });
const descriptor = new ThreadSafePool({ capacity: 1, slotBytes: 4 }).share();
delete globalThis.SharedArrayBuffer; // as on a page that is not cross-origin isolated
for (const make of [
  () => new ThreadSafePool({ capacity: 1, slotBytes: 4 }),
  () => ThreadSafePool.attach(descriptor),
]) {
  try {
    make();
    console.log("no error");
  } catch (e) {
    console.log(e.name + ": " + e.message);
  }
}
console.log("FixedPool still works:", new FixedPool({ capacity: 1, factory: () => ({}) }).capacity);
`,
    );
    assert.equal(code, 0, output);
    const lines = output.split("\n").filter((l) => l.startsWith("Pool"));
    assertNoSharedMemoryErrors(lines, "ThreadSafePool", output);
    assert.match(output, /FixedPool still works: 1/);
  });
});

describe("ThreadSafePool callbacks that call back into the pool", () => {
  it("a reset that releases its own wrapper again is a failed reset: the slot is freed once", () => {
    const inside: string[] = [];
    const pool: ThreadSafePool<Cell> = new ThreadSafePool(Cell, {
      capacity: 2,
      enableStatistics: true,
      reset: (cell) => {
        inside.push(`isLive ${pool.isLive(key)}`);
        pool.release(cell); // the borrow has ended: a double release
      },
    });
    const cell = pool.acquire();
    const key = pool.keyOf(cell);
    throwsExactly(
      () => pool.release(cell),
      AlreadyReleasedError,
      "AlreadyReleasedError",
      /already released/,
    );
    assert.deepEqual(inside, ["isLive false"]);
    const s = pool.stats();
    assert.equal(s.resetFailures, 1);
    assert.equal(s.destroyed, 1);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 2);
    // Never lent twice: two acquires give two different slots.
    const a = pool.acquire();
    const b = pool.acquire();
    assert.notEqual(pool.indexOf(a), pool.indexOf(b));
    assert.equal(pool.tryAcquire(), undefined);
  });

  it("a factory that closes the pool fails the acquire with PoolClosedError and drops the wrapper", () => {
    const destroyed: Cell[] = [];
    let made: Cell | undefined;
    const pool: ThreadSafePool<Cell> = new ThreadSafePool({
      capacity: 2,
      enableStatistics: true,
      slotBytes: 8,
      factory: (buffer, byteOffset) => {
        made = new Cell(buffer, byteOffset);
        pool.close();
        return made;
      },
      destroy: (cell) => destroyed.push(cell),
    });
    throwsExactly(() => pool.acquire(), PoolClosedError, "PoolClosedError");
    assert.deepEqual(destroyed, [made]);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.stats().currentInUse, 0);
  });

  it("a factory's re-entrant acquire sees its slot taken; a throwing factory gives the slot back", () => {
    let inner: unknown;
    let fail = false;
    const pool: ThreadSafePool<Cell> = new ThreadSafePool({
      capacity: 1,
      slotBytes: 8,
      factory: (buffer, byteOffset) => {
        if (fail) throw new Error("factory failed");
        try {
          pool.acquire();
        } catch (error) {
          inner = error;
        }
        return new Cell(buffer, byteOffset);
      },
    });
    const cell = pool.acquire();
    assert.ok(inner instanceof PoolEmptyError);
    assert.equal(pool.inUse, 1);
    pool.discard(cell);
    fail = true;
    assert.throws(() => pool.acquire(), /factory failed/);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 1);
  });
});

describe("ThreadSafePool use() when fn ends the borrow itself", () => {
  it("does not release again what fn discarded or released, sync or async", async () => {
    const pool = new ThreadSafePool(Cell, {
      capacity: 2,
      enableStatistics: true,
    });
    assert.equal(pool.use((cell) => pool.discard(cell)), undefined);
    pool.use((cell) => pool.release(cell));
    await pool.use(async (cell) => {
      await delay(1);
      pool.discard(cell);
    });
    assert.throws(
      () =>
        pool.use((cell) => {
          pool.releaseKey(pool.keyOf(cell));
          throw new Error("fn failed");
        }),
      /fn failed/,
    );
    const s = pool.stats();
    assert.equal(pool.inUse, 0);
    assert.equal(s.totalAllocations, 4);
    assert.equal(s.totalReleases, 4);
    assert.equal(s.destroyed, 2);
  });
});

describe("ThreadSafePool reclaim after a death right after a take", () => {
  it("finds a slot whose take was the last thing the dead thread did", () => {
    const pool = new ThreadSafePool(Cell, { capacity: 4, maxThreads: 4 });
    const dying = ThreadSafePool.attach(Cell, pool.share());
    dying.release(dying.acquire()); // the slot's record now names `dying`...
    pool.release(pool.acquire()); // ...and then this thread
    // Stand in for `dying` killed between its take and anything after it:
    // a bare take through the free list, with the same claims the pool uses.
    const shape = layout(4, Cell.byteLength, 4, false);
    const records = new Int32Array(pool.share().buffer, shape.records, 8);
    const list = SharedFreeList.attach(pool.share().buffer, {
      byteOffset: shape.freeList,
      claims: records,
      claimId: dying.threadId,
    });
    const slot = list.pop();
    assert.ok(slot >= 0);
    assert.equal(pool.inUse, 1);
    assert.equal(pool.reclaim(dying.threadId), 1, "the taken slot is found");
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 4);
  });
});

describe("ThreadSafePool and SharedFreeList open without module-level state", () => {
  it("a constructor's extra argument cannot make it attach: only attach() opens another pool", () => {
    const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
    pool.acquire();
    const descriptor = pool.share();
    // Whatever user code passes after the options, the constructor creates
    // a pool of its own (thread 1, every slot free), never opens `descriptor`.
    const Open = ThreadSafePool as unknown as new (
      options: unknown,
      more: unknown,
      ticket: unknown,
    ) => ThreadSafePool;
    for (const ticket of [descriptor, { descriptor }, Symbol("attach"), true]) {
      const made = new Open({ capacity: 2, slotBytes: 4 }, undefined, ticket);
      assert.equal(made.threadId, 1);
      assert.equal(made.available, 2);
      assert.notEqual(made.share().buffer, descriptor.buffer);
    }
    const attached = ThreadSafePool.attach(descriptor);
    assert.equal(attached.threadId, 2);
    assert.equal(attached.inUse, 1);
  });

  it("an attach that fails leaves the next constructor creating, not attaching", () => {
    const pool = new ThreadSafePool({ capacity: 2, slotBytes: 4 });
    assert.throws(
      () => ThreadSafePool.attach(pool.share(), { factory: 5 as never }),
      PoolConfigurationError,
    );
    const fresh = new ThreadSafePool({ capacity: 3, slotBytes: 4 });
    assert.equal(fresh.threadId, 1);
    assert.equal(fresh.capacity, 3);
    assert.notEqual(fresh.share().buffer, pool.share().buffer);
  });

  it("SharedFreeList's constructor initializes whatever third argument it gets; attach() only opens", () => {
    const list = new SharedFreeList(4);
    const slot = list.pop();
    const Make = SharedFreeList as unknown as new (
      capacity: number,
      options: unknown,
      open: unknown,
    ) => SharedFreeList;
    for (const open of [Symbol("open"), "open", true]) {
      const copy = new Make(4, {
        buffer: new SharedArrayBuffer(list.buffer.byteLength),
      }, open);
      assert.equal(copy.size, 4, "a new list has every slot free");
    }
    assert.equal(
      SharedFreeList.attach(list.buffer).size,
      3,
      "attach sees the taken slot",
    );
    assert.equal(list.push(slot), true);
  });
});
