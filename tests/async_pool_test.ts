/**
 * Tests of {@linkcode AsyncPool}: options, acquire and release, waiting,
 * timeouts, aborts, factories, validation, limits, handles, drain, close,
 * statistics, timers and a concurrency stress run. Runs unchanged under
 * `deno test`, `bun test` and `node --test`.
 *
 * Timing-based tests use short timers (20–50 ms) and poll with generous
 * bounds, so a slow machine makes them slower, not flaky. The pool's timers
 * never keep the process alive, so every test that waits on one also holds
 * a ref'd timer of its own (see `keepAlive`).
 *
 * @module
 */

import { describe, it } from "node:test";
import { runModule, runtime } from "./_child.ts";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  AlreadyReleasedError,
  AsyncContextHandle,
  AsyncOwnedHandle,
  AsyncPool,
  ContextHandle,
  ForeignObjectError,
  InvalidCapacityError,
  PoolClosedError,
  PoolConfigurationError,
  PoolEmptyError,
  PoolEvent,
  PoolTimeoutError,
  StatsReporter,
  TypeMismatchError,
} from "../mod.ts";

// ---- helpers ---------------------------------------------------------------

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Keeps the event loop alive while `promise` settles (pool timers are unref'd). */
async function keepAlive<R>(promise: Promise<R>): Promise<R> {
  const timer = setInterval(() => {}, 1_000);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}

/** Polls `condition` every 5 ms until it holds or `ms` pass. */
async function until(condition: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Condition not met within ${ms} ms`);
    }
    await sleep(5);
  }
}

/** Lets pending promise callbacks run. */
async function ticks(n = 10): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

/** A promise's state, without waiting for it. */
async function state(
  promise: Promise<unknown>,
): Promise<"pending" | "fulfilled" | "rejected"> {
  const marker = {};
  try {
    const winner = await Promise.race([promise, ticks(5).then(() => marker)]);
    return winner === marker ? "pending" : "fulfilled";
  } catch {
    return "rejected";
  }
}

/** Checks a rejection: a PoolTimeoutError, "Cannot <action> pool: <why>". */
function timeoutError(action: string, why: string): (e: unknown) => boolean {
  return (e) =>
    e instanceof PoolTimeoutError &&
    e.message === `Cannot ${action} pool: ${why}`;
}

class Deferred<T> {
  promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

interface Resource {
  id: number;
  value: number;
  closed: boolean;
}

/** A counting resource factory with destroy bookkeeping. */
function resources(): {
  made: Resource[];
  destroyed: Map<Resource, number>;
  factory: () => Promise<Resource>;
  syncFactory: () => Resource;
  destroy: (r: Resource) => void;
} {
  const made: Resource[] = [];
  const destroyed = new Map<Resource, number>();
  const make = (): Resource => {
    const r = { id: made.length + 1, value: 0, closed: false };
    made.push(r);
    return r;
  };
  return {
    made,
    destroyed,
    factory: async () => {
      await Promise.resolve();
      return make();
    },
    syncFactory: make,
    destroy: (r) => {
      r.closed = true;
      destroyed.set(r, (destroyed.get(r) ?? 0) + 1);
    },
  };
}

function assertDestroyedOnce(
  made: Resource[],
  destroyed: Map<Resource, number>,
): void {
  for (const r of made) {
    assert.equal(destroyed.get(r), 1, `resource ${r.id} destroyed once`);
  }
  assert.equal(destroyed.size, made.length);
}

function collectGarbage(): boolean {
  const g = globalThis as {
    gc?: () => void;
    Bun?: { gc(force: boolean): void };
  };
  if (g.Bun) {
    g.Bun.gc(true);
    return true;
  }
  if (typeof g.gc === "function") {
    g.gc();
    return true;
  }
  return false;
}

// ---- construction and options ----------------------------------------------

describe("AsyncPool construction", () => {
  it("builds from a factory and from a type", async () => {
    class Conn {
      open = true;
    }
    const fromType = new AsyncPool(Conn, { capacity: 2 });
    const conn = await fromType.acquire();
    assert.ok(conn instanceof Conn);
    const fromFactory = new AsyncPool({
      capacity: 2,
      factory: () => Promise.resolve({ port: 80 }),
    });
    const obj = await fromFactory.acquire();
    assert.equal(obj.port, 80);
    assert.equal(fromType.capacity, 2);
    assert.equal(fromType.inUse, 1);
    await fromType.release(conn);
    await fromFactory.release(obj);
    await fromType.close();
    await fromFactory.close();
  });

  it("rejects bad capacities and min with InvalidCapacityError", () => {
    const factory = () => ({});
    for (const capacity of [0, -1, 1.5, NaN, "4", undefined]) {
      assert.throws(
        () => new AsyncPool({ capacity: capacity as number, factory }),
        InvalidCapacityError,
      );
    }
    assert.throws(
      () => new AsyncPool({ capacity: 2, min: 3, factory }),
      (e: unknown) =>
        e instanceof InvalidCapacityError &&
        e.message ===
          "Cannot create AsyncPool: min 3 is more than capacity 2",
    );
    for (const min of [-1, 0.5, "1"]) {
      assert.throws(
        () => new AsyncPool({ capacity: 2, min: min as number, factory }),
        InvalidCapacityError,
      );
    }
  });

  it("rejects every other bad option with a clear PoolConfigurationError", () => {
    const factory = () => ({});
    const bad: Record<string, unknown>[] = [
      { factory: 3 },
      { factory, reset: 5 },
      { factory, destroy: "x" },
      { factory, validate: true },
      { factory, onLeak: 1 },
      { factory, enableStatistics: "yes" },
      { factory, acquireTimeout: 0 },
      { factory, acquireTimeout: -5 },
      { factory, acquireTimeout: NaN },
      { factory, acquireTimeout: 3e9 },
      { factory, idleTimeout: "10" },
      { factory, idleTimeout: 0 },
      { factory, maxWaiters: -1 },
      { factory, maxWaiters: 1.5 },
      { factory, maxUses: 0 },
      { factory, maxUses: 2.5 },
      { factory, maxLifetime: -1 },
      { factory, preInitialize: "yes" },
      { factory, allocator: "heap" },
      { factory, idleTimout: 5 },
      {},
    ];
    for (const options of bad) {
      assert.throws(
        () => new AsyncPool({ capacity: 2, ...options } as never),
        (e: unknown) =>
          e instanceof PoolConfigurationError &&
          e.message.startsWith("Cannot create AsyncPool"),
        JSON.stringify(Object.keys(options)),
      );
    }
    assert.throws(
      () => new AsyncPool({ capacity: 2, factory, idleTimout: 5 } as never),
      { message: 'Cannot create AsyncPool: option "idleTimout" is unknown' },
    );
    class NoReset {}
    assert.throws(
      () => new AsyncPool(NoReset, { capacity: 1, reset: "reset" }),
      {
        message:
          'Cannot create AsyncPool: reset method "reset" is not a method of "NoReset"',
      },
    );
  });

  it("accepts Infinity for the time and count limits", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      acquireTimeout: Infinity,
      idleTimeout: Infinity,
      maxWaiters: Infinity,
      maxUses: Infinity,
      maxLifetime: Infinity,
    });
    await pool.release(await pool.acquire());
    assert.equal(pool.available, 1);
    await pool.close();
  });

  it("creates min objects at construction and keeps them", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 4,
      min: 2,
      factory: r.factory,
      enableStatistics: true,
    });
    await until(() => pool.available === 2);
    assert.equal(r.made.length, 2);
    assert.equal(pool.stats().created, 2);
    const sync = new AsyncPool({ capacity: 3, min: 3, factory: r.syncFactory });
    assert.equal(sync.available, 3, "a synchronous factory fills at once");
    await pool.close();
    await sync.close();
  });

  it("throws a synchronous factory's error from the constructor", () => {
    let calls = 0;
    assert.throws(
      () =>
        new AsyncPool({
          capacity: 2,
          min: 2,
          factory: () => {
            if (++calls === 2) throw new Error("no more");
            return {};
          },
        }),
      { message: "no more" },
    );
    assert.equal(calls, 2);
  });

  it("prints its state in console.log", async () => {
    const pool = new AsyncPool({ capacity: 3, min: 1, factory: () => ({}) });
    const text = runtime() === "deno"
      ? (globalThis as unknown as { Deno: { inspect(v: unknown): string } })
        .Deno.inspect(pool)
      : inspect(pool);
    assert.equal(
      text,
      "AsyncPool { capacity: 3, min: 1, inUse: 0, available: 1, pending: 0, closed: false, statistics: false }",
    );
    await pool.close();
  });
});

// ---- acquire and release ---------------------------------------------------

describe("AsyncPool acquire and release", () => {
  it("reuses idle objects and tracks inUse and available", async () => {
    const r = resources();
    const pool = new AsyncPool({ capacity: 2, factory: r.factory });
    const a = await pool.acquire();
    assert.equal(pool.inUse, 1);
    assert.equal(pool.available, 0);
    await pool.release(a);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 1);
    const again = await pool.acquire();
    assert.equal(again, a);
    assert.equal(r.made.length, 1);
    await pool.release(again);
    await pool.close();
  });

  it("creates up to capacity, then waits", async () => {
    const r = resources();
    const pool = new AsyncPool({ capacity: 2, factory: r.factory });
    const a = await pool.acquire();
    const b = await pool.acquire();
    assert.notEqual(a, b);
    const waiting = pool.acquire();
    assert.equal(pool.pending, 1);
    assert.equal(await state(waiting), "pending");
    await pool.release(b);
    assert.equal(await waiting, b);
    assert.equal(r.made.length, 2);
    assert.equal(pool.pending, 0);
    await pool.release(a);
    await pool.release(b);
    await pool.close();
  });

  it("serves waiters first come, first served", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => Promise.resolve({ n: 0 }),
    });
    const held = await pool.acquire();
    const order: number[] = [];
    const waits = [1, 2, 3].map((i) =>
      pool.acquire().then(async (obj) => {
        order.push(i);
        await pool.release(obj);
      })
    );
    assert.equal(pool.pending, 3);
    await pool.release(held);
    await Promise.all(waits);
    assert.deepEqual(order, [1, 2, 3]);
    assert.equal(pool.available, 1);
    await pool.close();
  });

  it("hands a released object to the oldest waiter only after its reset", async () => {
    const gate = new Deferred<void>();
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({ value: 0 }),
      reset: async (obj) => {
        await gate.promise;
        obj.value = 0;
      },
    });
    const obj = await pool.acquire();
    obj.value = 7;
    const waiter = pool.acquire();
    const released = pool.release(obj);
    assert.equal(await state(released), "pending", "reset not done yet");
    assert.equal(await state(waiter), "pending");
    gate.resolve();
    await released;
    const got = await waiter;
    assert.equal(got, obj);
    assert.equal(got.value, 0, "the waiter sees the reset object");
    await pool.release(got);
    await pool.close();
  });

  it("runs a reset method given by name and awaits it", async () => {
    class Conn {
      dirty = false;
      async clean(): Promise<void> {
        await Promise.resolve();
        this.dirty = false;
      }
    }
    const pool = new AsyncPool(Conn, { capacity: 1, reset: "clean" });
    const conn = await pool.acquire();
    conn.dirty = true;
    await pool.release(conn);
    assert.equal(conn.dirty, false);
    await pool.close();
  });

  it("rejects a double release with AlreadyReleasedError, exactly", async () => {
    const pool = new AsyncPool({
      capacity: 2,
      factory: () => ({ n: 0 }),
      enableStatistics: true,
    });
    const obj = await pool.acquire();
    await pool.release(obj);
    const before = pool.stats();
    const second = pool.release(obj);
    assert.ok(second instanceof Promise, "misuse rejects, never throws");
    await assert.rejects(
      second,
      (e: unknown) =>
        e instanceof AlreadyReleasedError &&
        !(e instanceof ForeignObjectError) &&
        e.message === "Cannot release object: it was already released",
    );
    assert.deepEqual(pool.stats(), before, "a failed release changes nothing");
    assert.equal(pool.inUse + pool.available, 1);
    await pool.close();
  });

  it("rejects a release during an async reset as a double release", async () => {
    const gate = new Deferred<void>();
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      reset: () => gate.promise,
    });
    const obj = await pool.acquire();
    const first = pool.release(obj);
    await assert.rejects(pool.release(obj), AlreadyReleasedError);
    gate.resolve();
    await first;
    assert.equal(pool.available, 1);
    await pool.close();
  });

  it("rejects foreign objects and wrong types", async () => {
    class Conn {
      n = 0;
    }
    const pool = new AsyncPool(Conn, { capacity: 1 });
    const other = new AsyncPool(Conn, { capacity: 1 });
    const theirs = await other.acquire();
    await assert.rejects(
      pool.release(theirs),
      (e: unknown) =>
        e instanceof ForeignObjectError &&
        e.message ===
          "Cannot release object: an object was never lent by this pool",
    );
    await assert.rejects(pool.release(new Conn()), ForeignObjectError);
    await assert.rejects(
      pool.release({ n: 0 } as Conn),
      (e: unknown) =>
        e instanceof TypeMismatchError && e.expectedType === "Conn" &&
        e.actualType === "Object",
    );
    const untyped = new AsyncPool({ capacity: 1, factory: () => ({}) });
    await assert.rejects(untyped.release(null as never), ForeignObjectError);
    await assert.rejects(untyped.release(42 as never), ForeignObjectError);
    assert.equal(pool.inUse + pool.available, 0);
    await other.release(theirs);
    await Promise.all([pool.close(), other.close(), untyped.close()]);
  });

  it("knows an object it destroyed was already released", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      maxUses: 1,
    });
    const obj = await pool.acquire();
    await pool.release(obj); // destroyed: it reached maxUses
    assert.equal(pool.available, 0);
    await assert.rejects(
      pool.release(obj),
      (e: unknown) =>
        e instanceof AlreadyReleasedError && !(e instanceof ForeignObjectError),
    );
    await pool.close();
  });

  it("tryAcquire lends idle objects only, synchronously", async () => {
    let made = 0;
    const pool = new AsyncPool({
      capacity: 2,
      factory: () => ({ id: ++made }),
      enableStatistics: true,
    });
    assert.equal(pool.tryAcquire(), undefined, "never creates");
    assert.equal(made, 0);
    const a = await pool.acquire();
    await pool.release(a);
    const got = pool.tryAcquire();
    assert.equal(got, a);
    assert.equal(pool.inUse, 1);
    const b = await pool.acquire();
    assert.equal(pool.tryAcquire(), undefined);
    assert.equal(pool.stats().exhaustions, 1, "at capacity: an exhaustion");
    const waiting = pool.acquire();
    await pool.release(b);
    assert.equal(await waiting, b, "the waiter, not tryAcquire, gets it");
    await pool.release(a);
    await pool.release(b);
    await pool.close();
    assert.throws(() => pool.tryAcquire(), PoolClosedError);
  });

  it("destroys an object released after close", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 1,
      factory: r.factory,
      destroy: r.destroy,
    });
    const obj = await pool.acquire();
    const closing = pool.close();
    assert.equal(pool.closed, true);
    assert.equal(obj.closed, false, "borrowed objects are not destroyed early");
    await pool.release(obj);
    assert.equal(obj.closed, true);
    await closing;
    assertDestroyedOnce(r.made, r.destroyed);
  });
});

// ---- waiting: timeouts, aborts, maxWaiters -----------------------------------

describe("AsyncPool waiting", () => {
  it("times out with PoolTimeoutError, and the waiter never gets an object", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({ n: 0 }),
      enableStatistics: true,
    });
    const held = await pool.acquire();
    const started = Date.now();
    await keepAlive(assert.rejects(
      pool.acquire({ timeout: 30 }),
      (e: unknown) =>
        e instanceof PoolTimeoutError && e.timeoutMs === 30 &&
        e.message === "Cannot acquire from pool: timed out after 30 ms",
    ));
    assert.ok(Date.now() - started >= 25, "it waited for the timeout");
    assert.equal(pool.pending, 0);
    await pool.release(held);
    assert.equal(
      pool.available,
      1,
      "the object went back, not to the dead waiter",
    );
    assert.equal(pool.inUse + pool.available, 1);
    const stats = pool.stats();
    assert.equal(stats.timeouts, 1);
    assert.equal(stats.waits, 1);
    assert.equal(stats.exhaustions, 1);
    assert.ok(stats.totalWaitTimeNs >= 20e6, "wait time counted");
    assert.equal(stats.totalAllocations, 1);
    assert.equal(stats.totalReleases, 1);
    await pool.close();
  });

  it("uses acquireTimeout by default and a per-call timeout over it", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      acquireTimeout: 20,
    });
    const held = await pool.acquire();
    await keepAlive(assert.rejects(pool.acquire(), PoolTimeoutError));
    const patient = pool.acquire({ timeout: Infinity });
    await keepAlive(sleep(60));
    assert.equal(await state(patient), "pending", "Infinity: no time limit");
    await pool.release(held);
    assert.equal(await patient, held);
    await pool.release(held);
    await pool.close();
  });

  it("rejects with signal.reason on abort, and loses no object", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      enableStatistics: true,
    });
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    const reason = new Error("client went away");
    controller.abort(reason);
    await assert.rejects(waiting, (e: unknown) => e === reason);
    assert.equal(pool.pending, 0);
    await pool.release(held);
    assert.equal(pool.available, 1);
    assert.equal(pool.stats().totalAllocations, 1);
    await assert.rejects(
      pool.acquire({ signal: AbortSignal.abort("early") }),
      (e: unknown) => e === "early",
    );
    assert.equal(pool.available, 1, "an aborted signal takes nothing");
    await pool.close();
  });

  it("ignores an abort after the acquire succeeded", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => Promise.resolve({}),
    });
    const controller = new AbortController();
    const obj = await pool.acquire({ signal: controller.signal });
    controller.abort();
    await ticks();
    assert.equal(pool.inUse, 1);
    await pool.release(obj);
    assert.equal(pool.available, 1);
    await pool.close();
  });

  it("a waiter that gave up never receives an object; none is lost", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 2,
      factory: r.factory,
      enableStatistics: true,
    });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const controller = new AbortController();
    const results: string[] = [];
    const track = (p: Promise<Resource>, name: string) =>
      p.then(
        (obj) => {
          results.push(`${name} got ${obj.id}`);
          return pool.release(obj);
        },
        () => results.push(`${name} gave up`),
      );
    const w1 = track(pool.acquire({ timeout: 20 }), "w1");
    const w2 = track(pool.acquire({ signal: controller.signal }), "w2");
    const w3 = track(pool.acquire(), "w3");
    controller.abort();
    await keepAlive(sleep(60));
    await pool.release(a);
    await pool.release(b);
    await Promise.all([w1, w2, w3]);
    assert.deepEqual(results.sort(), ["w1 gave up", "w2 gave up", "w3 got 1"]);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 2);
    const stats = pool.stats();
    assert.equal(stats.created, 2);
    assert.equal(stats.totalAllocations, 3);
    assert.equal(stats.totalReleases, 3);
    assert.equal(stats.timeouts, 1);
    assert.equal(
      stats.waits,
      5,
      "two waited for creation, three for a release",
    );
    assert.equal(stats.exhaustions, 3);
    await pool.close();
  });

  it("a waiter that times out during its object's creation gets nothing; the object is kept", async () => {
    const gate = new Deferred<void>();
    const pool = new AsyncPool({
      capacity: 1,
      factory: async () => {
        await gate.promise;
        return { id: 1 };
      },
      enableStatistics: true,
    });
    await keepAlive(
      assert.rejects(pool.acquire({ timeout: 20 }), PoolTimeoutError),
    );
    gate.resolve();
    await until(() => pool.available === 1);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.stats().created, 1);
    assert.equal(pool.stats().totalAllocations, 0);
    await pool.close();
  });

  it("rejects acquires over maxWaiters with PoolEmptyError", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      maxWaiters: 1,
      enableStatistics: true,
    });
    const held = await pool.acquire();
    const first = pool.acquire();
    await assert.rejects(
      pool.acquire(),
      (e: unknown) =>
        e instanceof PoolEmptyError &&
        e.message ===
          "Cannot acquire from pool: all 1 objects are in use and 1 acquires are already waiting (maxWaiters 1)",
    );
    assert.equal(pool.pending, 1);
    assert.equal(pool.stats().exhaustions, 2);
    await pool.release(held);
    assert.equal(await first, held);
    await pool.release(held);
    const none = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      maxWaiters: 0,
    });
    const only = await none.acquire();
    await assert.rejects(none.acquire(), PoolEmptyError);
    await none.release(only);
    await Promise.all([pool.close(), none.close()]);
  });

  it("timeout 0 does not wait: served when it can be at once, else PoolTimeoutError at once", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      enableStatistics: true,
    });
    const timeouts: unknown[] = [];
    pool.addEventListener("timeout", (event) => timeouts.push(event.waitMs));
    const made = await pool.acquire({ timeout: 0 }); // made at once
    const failed = pool.acquire({ timeout: 0 });
    // Settled before the call returned: no waiter, no timer.
    assert.equal(pool.pending, 0);
    assert.equal(pool.stats().timeouts, 1);
    assert.deepEqual(timeouts, [0]);
    await assert.rejects(
      failed,
      timeoutError("acquire from", "timed out after 0 ms"),
    );
    await pool.release(made);
    assert.equal(await pool.acquire({ timeout: 0 }), made, "idle: served");
    await pool.release(made);
    await pool.close();
  });

  it("timeout 0 with room and an async factory fails at once; the object made is kept", async () => {
    const r = resources();
    const pool = new AsyncPool({ capacity: 1, factory: r.factory });
    await assert.rejects(pool.acquire({ timeout: 0 }), PoolTimeoutError);
    assert.equal(pool.pending, 0);
    await ticks();
    assert.equal(r.made.length, 1);
    assert.equal(pool.available, 1, "the creation it started is kept idle");
    const kept = await pool.acquire({ timeout: 0 });
    assert.equal(kept, r.made[0]);
    await pool.release(kept);
    await pool.close();
  });

  it("rejects bad acquire options without throwing", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => ({}) });
    const bad: [unknown, new (...args: never[]) => Error][] = [
      [{ timeout: -1 }, RangeError],
      [{ timeout: 2 ** 31 }, RangeError],
      [{ timeout: "5" }, RangeError],
      [{ timeout: 3e9 }, RangeError],
      [{ signal: {} }, TypeError],
      [{ timout: 5 }, TypeError],
      [null, TypeError],
    ];
    for (const [options, type] of bad) {
      const result = pool.acquire(options as never);
      await assert.rejects(result, type, JSON.stringify(options));
    }
    assert.equal(pool.inUse + pool.available, 0);
    await pool.close();
  });
});

// ---- factory -----------------------------------------------------------------

describe("AsyncPool factory", () => {
  it("a failing factory rejects the acquire it was creating for; a later acquire succeeds", async () => {
    let calls = 0;
    let failing = true;
    const boom = new Error("connection refused");
    const pool = new AsyncPool({
      capacity: 2,
      factory: async () => {
        calls++;
        await Promise.resolve();
        if (failing) throw boom;
        return { id: calls };
      },
      enableStatistics: true,
    });
    await assert.rejects(pool.acquire(), (e: unknown) => e === boom);
    await ticks(20);
    assert.equal(calls, 1, "no retry on its own");
    assert.equal(pool.inUse + pool.available, 0);
    failing = false;
    const obj = await pool.acquire();
    assert.equal(obj.id, 2);
    assert.equal(pool.stats().created, 1);
    await pool.release(obj);
    await pool.close();
  });

  it("rejects a queued waiter with the error of the creation made for it", async () => {
    let fail = false;
    const pool = new AsyncPool({
      capacity: 1,
      maxUses: 1,
      factory: async () => {
        await Promise.resolve();
        if (fail) throw new Error("factory down");
        return {};
      },
    });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    fail = true;
    await pool.release(held); // destroyed (maxUses): a creation for the waiter
    await assert.rejects(waiting, { message: "factory down" });
    assert.equal(pool.pending, 0);
    fail = false;
    const fresh = await pool.acquire();
    assert.notEqual(fresh, held);
    await pool.release(fresh);
    await pool.close();
  });

  it("a failing synchronous factory rejects instead of throwing", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: (): object => {
        throw new Error("sync failure");
      },
    });
    const result = pool.acquire();
    await assert.rejects(result, { message: "sync failure" });
    await pool.close();
  });

  it("rejects a factory result that is not an object", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => Promise.resolve(42 as unknown as object),
    });
    await assert.rejects(
      pool.acquire(),
      (e: unknown) =>
        e instanceof PoolConfigurationError &&
        e.message ===
          "Cannot create object: the factory returned 42, not an object",
    );
    assert.equal(pool.inUse + pool.available, 0);
    await pool.close();
  });

  it("creates concurrently for concurrent acquires, up to capacity", async () => {
    let inFlight = 0;
    let peak = 0;
    const pool = new AsyncPool({
      capacity: 3,
      factory: async () => {
        peak = Math.max(peak, ++inFlight);
        await sleep(10);
        inFlight--;
        return {};
      },
    });
    const objs = await Promise.all([1, 2, 3].map(() => pool.acquire()));
    assert.equal(new Set(objs).size, 3);
    assert.equal(peak, 3);
    await Promise.all(objs.map((o) => pool.release(o)));
    await pool.close();
  });

  it("gives an object made for a waiter that was served meanwhile to the next one", async () => {
    const gate = new Deferred<void>();
    let made = 0;
    const pool = new AsyncPool({
      capacity: 2,
      factory: async () => {
        made++;
        if (made === 2) await gate.promise;
        return { id: made };
      },
    });
    const first = await pool.acquire();
    const second = pool.acquire(); // its creation is slow
    await ticks();
    await pool.release(first); // serves `second` instead
    assert.equal(await second, first);
    const third = pool.acquire(); // inherits the slow creation
    gate.resolve();
    const got = await third;
    assert.equal(got.id, 2);
    assert.equal(made, 2, "no object was made for nobody");
    await pool.release(first);
    await pool.release(got);
    await pool.close();
  });
});

// ---- validation and limits ---------------------------------------------------

describe("AsyncPool validation and limits", () => {
  it("destroys and replaces an object that fails validation", async () => {
    const r = resources();
    let checks = 0;
    const pool = new AsyncPool({
      capacity: 2,
      factory: r.factory,
      destroy: r.destroy,
      validate: (obj) => {
        checks++;
        return obj.value >= 0;
      },
      enableStatistics: true,
    });
    const obj = await pool.acquire();
    assert.equal(checks, 0, "fresh objects are not validated");
    obj.value = -1; // broken while lent
    await pool.release(obj);
    const replacement = await pool.acquire();
    assert.notEqual(replacement, obj);
    assert.equal(checks, 1);
    assert.equal(obj.closed, true);
    assert.equal(r.destroyed.get(obj), 1);
    const stats = pool.stats();
    assert.equal(stats.created, 2);
    assert.equal(stats.destroyed, 1);
    await pool.release(replacement);
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("awaits an async validate and treats a throw or rejection as invalid", async () => {
    const r = resources();
    let mode: "ok" | "throw" | "reject" = "ok";
    const pool = new AsyncPool({
      capacity: 1,
      factory: r.factory,
      destroy: r.destroy,
      validate: async () => {
        await sleep(1);
        if (mode === "throw") throw new Error("probe failed");
        return mode === "ok";
      },
    });
    const a = await pool.acquire();
    await pool.release(a);
    assert.equal(
      await keepAlive(pool.acquire()),
      a,
      "a valid object is reused",
    );
    await pool.release(a);
    mode = "reject";
    const b = await keepAlive(pool.acquire());
    assert.notEqual(b, a);
    await pool.release(b);
    mode = "throw";
    const c = await keepAlive(pool.acquire());
    assert.notEqual(c, b);
    assert.equal(r.made.length, 3);
    assert.equal(r.destroyed.size, 2);
    await pool.release(c);
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("validates an object handed from a release to a waiter", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 1,
      factory: r.factory,
      destroy: r.destroy,
      validate: (obj) => !obj.closed && obj.value === 0,
    });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    held.value = 1; // will fail validation
    await pool.release(held);
    const got = await waiting;
    assert.notEqual(got, held);
    assert.equal(held.closed, true);
    await pool.release(got);
    await pool.close();
  });

  it("a waiter whose object failed an async validate is rejected when destroy closes the pool", async () => {
    const verdict = new Deferred<boolean>();
    const pool: AsyncPool<object> = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      validate: () => verdict.promise,
      destroy: () => {
        void pool.close();
      },
    });
    await pool.release(await pool.acquire()); // idle, validated when lent again
    const waiting = pool.acquire();
    verdict.resolve(false); // destroyed; its destroy closes the pool
    assert.equal(await state(waiting), "rejected", "it does not wait forever");
    await assert.rejects(waiting, PoolClosedError);
    assert.equal(pool.pending, 0);
    await pool.close();
  });

  it("a waiter that times out during validation gets nothing; the valid object is kept", async () => {
    const gate = new Deferred<boolean>();
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      validate: () => gate.promise,
    });
    const obj = await pool.acquire();
    await pool.release(obj);
    await keepAlive(
      assert.rejects(pool.acquire({ timeout: 20 }), PoolTimeoutError),
    );
    gate.resolve(true);
    await until(() => pool.available === 1);
    assert.equal(pool.inUse, 0);
    await pool.close();
  });

  it("destroys an object after maxUses borrows", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 1,
      factory: r.factory,
      destroy: r.destroy,
      maxUses: 2,
    });
    const a = await pool.acquire();
    await pool.release(a);
    assert.equal(await pool.acquire(), a);
    await pool.release(a);
    assert.equal(a.closed, true, "destroyed on its second return");
    const b = await pool.acquire();
    assert.notEqual(b, a);
    await pool.release(b);
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("destroys an object older than maxLifetime instead of lending it", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 1,
      factory: r.factory,
      destroy: r.destroy,
      maxLifetime: 20,
    });
    const a = await pool.acquire();
    await pool.release(a);
    await sleep(50);
    const b = await pool.acquire();
    assert.notEqual(b, a);
    assert.equal(a.closed, true);
    await sleep(50);
    await pool.release(b); // too old to keep
    assert.equal(b.closed, true);
    assert.equal(pool.available, 0);
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("destroys objects idle longer than idleTimeout, down to min", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 4,
      min: 1,
      factory: r.syncFactory,
      destroy: r.destroy,
      idleTimeout: 30,
      enableStatistics: true,
    });
    const objs = await Promise.all([1, 2, 3, 4].map(() => pool.acquire()));
    await Promise.all(objs.map((o) => pool.release(o)));
    assert.equal(pool.available, 4);
    await keepAlive(until(() => pool.available === 1));
    assert.equal(pool.stats().destroyed, 3);
    await keepAlive(sleep(80));
    assert.equal(pool.available, 1, "min is kept");
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("replaces destroyed objects up to min", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 2,
      min: 1,
      factory: r.factory,
      destroy: r.destroy,
      maxUses: 1,
    });
    await until(() => pool.available === 1);
    const a = await pool.acquire();
    await pool.release(a); // destroyed: maxUses
    await until(() => pool.available === 1);
    assert.equal(r.made.length, 2);
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("destroys an object whose reset fails, counts it, and still resolves release", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 1,
      factory: r.factory,
      destroy: r.destroy,
      reset: (obj) =>
        obj.value < 0
          ? Promise.reject(new Error("cannot reset"))
          : Promise.resolve(),
      enableStatistics: true,
    });
    const obj = await pool.acquire();
    const waiting = pool.acquire();
    obj.value = -1;
    await pool.release(obj);
    assert.equal(obj.closed, true);
    const replacement = await waiting;
    assert.notEqual(replacement, obj);
    const stats = pool.stats();
    assert.equal(stats.resetFailures, 1);
    assert.equal(stats.destroyed, 1);
    await pool.release(replacement);
    assert.equal(pool.stats().totalResets, 1);
    await pool.close();
  });
});

// ---- handles and use ---------------------------------------------------------

describe("AsyncPool handles and use", () => {
  it("allocate() gives a handle for await using", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => Promise.resolve({ x: 0 }),
    });
    let seen: { x: number } | undefined;
    {
      await using handle = await pool.allocate();
      assert.ok(handle instanceof AsyncContextHandle);
      assert.ok(handle instanceof ContextHandle);
      handle.value.x = 5;
      seen = handle.value;
      assert.equal(pool.inUse, 1);
    }
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 1);
    assert.equal(seen?.x, 5);
    await pool.close();
  });

  it("a released handle is stale even after its object is lent again", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => ({ x: 0 }) });
    const handle = await pool.allocate();
    const obj = handle.value;
    const released = handle.release();
    assert.ok(released instanceof Promise);
    await released;
    const again = await pool.acquire();
    assert.equal(again, obj, "same object, new borrow");
    assert.equal(handle.released, true);
    assert.throws(() => handle.value, AlreadyReleasedError);
    await assert.rejects(handle.release(), AlreadyReleasedError);
    await handle[Symbol.asyncDispose](); // disposing a released handle is fine
    assert.equal(pool.inUse, 1, "the new borrow is untouched");
    await pool.release(again);
    await pool.close();
  });

  it("a manual release inside await using is fine", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => ({}) });
    {
      await using handle = await pool.allocate();
      await handle.release();
      assert.equal(pool.available, 1);
    }
    assert.equal(pool.available, 1);
    assert.equal(pool.inUse, 0);
    await pool.close();
  });

  it("an owned handle that is garbage-collected unreleased is reclaimed", async () => {
    const leaks: number[] = [];
    const pool = new AsyncPool({
      capacity: 2,
      factory: () => ({ id: 1 }),
      enableStatistics: true,
      onLeak: (info) => leaks.push(info.generation),
    });
    const owned = await pool.allocateOwned();
    assert.ok(owned instanceof AsyncOwnedHandle);
    await owned.release();
    assert.equal(pool.inUse, 0);
    await (async () => {
      await pool.allocateOwned(); // dropped without release
    })();
    assert.equal(pool.inUse, 1);
    if (!collectGarbage()) return; // needs --expose-gc (Deno, Node) or Bun
    await keepAlive(until(() => {
      collectGarbage();
      return pool.stats().leaks === 1;
    }, 5_000));
    await until(() => pool.inUse === 0);
    assert.equal(leaks.length, 1);
    assert.equal(pool.available, 1);
    await pool.close();
  });

  it("use() releases after fn settles, also when fn throws", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => ({ hits: 0 }) });
    const result = await pool.use(async (obj) => {
      await sleep(1);
      assert.equal(pool.inUse, 1);
      return ++obj.hits;
    });
    assert.equal(result, 1);
    assert.equal(pool.inUse, 0);
    await assert.rejects(
      pool.use(() => {
        throw new Error("inside");
      }),
      { message: "inside" },
    );
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 1);
    await assert.rejects(pool.use(5 as never), TypeError);
    await pool.close();
  });
});

// ---- drain and close ---------------------------------------------------------

describe("AsyncPool drain and close", () => {
  it("close() rejects waiters with PoolClosedError and destroys every object exactly once", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 3,
      min: 1,
      factory: r.factory,
      destroy: async (obj) => {
        await sleep(1);
        r.destroy(obj);
      },
      enableStatistics: true,
    });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const c = await pool.acquire();
    await pool.release(c);
    const w1 = pool.acquire();
    const w2 = pool.acquire();
    const w3 = pool.acquire();
    assert.equal(pool.pending, 2, "the idle c served the first acquire");
    const held = await w1;
    assert.equal(held, c);
    const closing = pool.close();
    assert.equal(pool.close(), closing, "close is idempotent");
    for (const w of [w2, w3]) {
      await assert.rejects(
        w,
        (e: unknown) =>
          e instanceof PoolClosedError &&
          e.message === "Cannot acquire from pool: it was closed while waiting",
      );
    }
    await assert.rejects(pool.acquire(), {
      message: "Cannot acquire from pool: it is closed",
    });
    assert.equal(await state(closing), "pending", "borrows still out");
    await pool.release(a);
    await pool.release(b);
    await pool.release(held);
    await keepAlive(closing);
    assert.equal(pool.inUse + pool.available, 0);
    assert.equal(r.made.length, 3);
    assertDestroyedOnce(r.made, r.destroyed);
    assert.equal(pool.stats().destroyed, 3);
  });

  it("close() aborts a creation in flight, does not wait for it, and destroys what still arrives", async () => {
    const r = resources();
    const gate = new Deferred<void>();
    let signal: AbortSignal | undefined;
    const pool = new AsyncPool({
      capacity: 1,
      factory: async (s) => {
        signal = s;
        await gate.promise;
        return r.syncFactory();
      },
      destroy: r.destroy,
    });
    const waiting = pool.acquire();
    const closing = pool.close();
    assert.equal(signal?.aborted, true);
    assert.ok(signal?.reason instanceof PoolClosedError);
    await assert.rejects(waiting, PoolClosedError);
    await closing; // the hung creation does not hold close() up
    gate.resolve();
    await until(() => r.destroyed.size === 1);
    assert.equal(r.made.length, 1);
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("close() reports failing destroys together, after dropping everything", async () => {
    let destroyed = 0;
    const pool = new AsyncPool({
      capacity: 3,
      min: 3,
      factory: () => ({}),
      destroy: () => {
        destroyed++;
        return Promise.reject(new Error("close failed"));
      },
    });
    await assert.rejects(
      pool.close(),
      (e: unknown) =>
        e instanceof AggregateError && e.errors.length === 3 &&
        e.message === "Cannot close pool: destroy failed for 3 objects",
    );
    assert.equal(destroyed, 3);
    assert.equal(pool.available, 0);
  });

  it("await using closes the pool", async () => {
    const r = resources();
    let outer: AsyncPool<Resource> | undefined;
    {
      await using pool = new AsyncPool({
        capacity: 2,
        min: 2,
        factory: r.syncFactory,
        destroy: r.destroy,
      });
      outer = pool;
    }
    assert.equal(outer.closed, true);
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("drain() stops new acquires, serves waiters, and waits for every borrow", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => ({}) });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    const draining = pool.drain();
    await assert.rejects(pool.acquire(), {
      message: "Cannot acquire from pool: it is draining",
    });
    assert.throws(() => pool.tryAcquire(), PoolClosedError);
    assert.equal(await state(draining), "pending");
    await pool.release(held);
    const got = await waiting;
    assert.equal(got, held, "an accepted waiter is still served");
    assert.equal(await state(draining), "pending");
    await pool.release(got);
    await draining;
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 1, "drain keeps idle objects");
    assert.equal(pool.closed, false);
    await pool.close();
    assert.equal(pool.available, 0);
  });
});

// ---- statistics ------------------------------------------------------------------

describe("AsyncPool statistics", () => {
  it("reports state with statistics off", async () => {
    const pool = new AsyncPool({ capacity: 3, factory: () => ({}) });
    const obj = await pool.acquire();
    const stats = pool.stats();
    assert.equal(stats.enabled, false);
    assert.equal(stats.currentInUse, 1);
    assert.equal(stats.currentCapacity, 3);
    assert.equal(stats.totalAllocations, 0);
    assert.ok(Object.isFrozen(stats));
    await pool.release(obj);
    await pool.close();
  });

  it("counts allocations, waits and wait time, and reports through StatsReporter", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => Promise.resolve({}),
      enableStatistics: { timing: true, sampleRate: 1 },
    });
    const obj = await pool.acquire();
    const waiting = pool.acquire();
    await sleep(10);
    await pool.release(obj);
    await pool.release(await waiting);
    const stats = pool.stats();
    assert.equal(stats.totalAllocations, 2);
    assert.equal(stats.totalReleases, 2);
    assert.equal(stats.waits, 2, "the creation wait and the release wait");
    assert.equal(stats.exhaustions, 1);
    assert.ok(stats.totalWaitTimeNs >= 5e6);
    assert.ok(stats.avgAllocationTimeNs > 0);
    assert.equal(stats.peakInUse, 1);
    const report = new StatsReporter(stats).toText();
    assert.match(report, /2 waits/);
    await pool.close();
  });
});

// ---- concurrency and timers ---------------------------------------------------

describe("AsyncPool under load and timers", () => {
  it("1,000 concurrent acquirers on a pool of 8 all complete with every object returned", async () => {
    let made = 0;
    const pool = new AsyncPool({
      capacity: 8,
      factory: () => Promise.resolve({ id: ++made, users: 0 }),
      enableStatistics: true,
    });
    let active = 0;
    let peak = 0;
    const done = await Promise.all(
      Array.from({ length: 1_000 }, async (_, i) => {
        const obj = await pool.acquire();
        assert.equal(obj.users, 0, "never lent twice at once");
        obj.users++;
        peak = Math.max(peak, ++active);
        if (i % 3 === 0) await sleep(0);
        else await Promise.resolve();
        active--;
        obj.users--;
        await pool.release(obj);
        return i;
      }),
    );
    assert.equal(done.length, 1_000);
    assert.equal(peak, 8);
    assert.equal(made, 8);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 8);
    assert.equal(pool.pending, 0);
    const stats = pool.stats();
    assert.equal(stats.totalAllocations, 1_000);
    assert.equal(stats.totalReleases, 1_000);
    assert.equal(stats.peakInUse, 8);
    await pool.close();
  });

  it("a process whose pool has idle, health-check and create timers exits on its own", async () => {
    const library = new URL("../pools/async_pool.ts", import.meta.url).href;
    const { code, output, ms } = await runModule(
      `import { AsyncPool } from ${JSON.stringify(library)};
const idle = new AsyncPool({ capacity: 4, min: 1, idleTimeout: 60000, factory: () => ({}) });
const objs = [await idle.acquire(), await idle.acquire(), await idle.acquire()];
for (const obj of objs) await idle.release(obj); // idle above min: a 60 s timer
const checked = new AsyncPool({ capacity: 2, min: 2, healthCheckInterval: 60000, validate: () => true, factory: () => ({}) });
// A refill to min whose factory never settles, with a 60 s create timeout.
const hung = new AsyncPool({ capacity: 1, min: 1, createTimeout: 60000, factory: () => new Promise(() => {}) });
console.log("ready", idle.available, checked.available, hung.available);
`,
    );
    assert.equal(code, 0, output);
    assert.match(output, /ready 3 2 0/);
    assert.ok(ms < 20_000);
  });

  it("a program whose only work is a waiting acquire gets its PoolTimeoutError (no early exit)", async () => {
    const library = new URL("../pools/async_pool.ts", import.meta.url).href;
    const errors = new URL("../errors.ts", import.meta.url).href;
    const { code, output } = await runModule(
      `import { AsyncPool } from ${JSON.stringify(library)};
import { PoolTimeoutError } from ${JSON.stringify(errors)};
const pool = new AsyncPool({ capacity: 1, factory: () => ({}) });
await pool.acquire();
try {
  await pool.acquire({ timeout: 200 });
  console.log("acquired");
} catch (error) {
  console.log("rejected", error instanceof PoolTimeoutError, error.name);
}
`,
    );
    assert.equal(code, 0, `${runtime()}: ${output}`);
    assert.match(output, /rejected true PoolTimeoutError/);
  });

  it("a program whose only work is an acquire waiting on a hung factory gets its PoolTimeoutError", async () => {
    const library = new URL("../pools/async_pool.ts", import.meta.url).href;
    const { code, output } = await runModule(
      `import { AsyncPool } from ${JSON.stringify(library)};
let aborted = false;
const pool = new AsyncPool({ capacity: 1, createTimeout: 100, factory: (signal) => {
  signal.addEventListener("abort", () => { aborted = true; });
  return new Promise(() => {});
} });
try {
  await pool.acquire();
} catch (error) {
  console.log("rejected", error.name, aborted, pool.stats().enabled);
}
await pool.close();
console.log("closed", pool.closed);
`,
    );
    assert.equal(code, 0, `${runtime()}: ${output}`);
    assert.match(output, /rejected PoolTimeoutError true false/);
    assert.match(output, /closed true/);
  });
});

describe("AsyncPool common options", () => {
  it("preInitialize creates capacity objects at construction", async () => {
    let made = 0;
    const pool = new AsyncPool({
      capacity: 3,
      preInitialize: true,
      factory: () => Promise.resolve({ id: made++ }),
    });
    for (let i = 0; i < 20 && pool.available < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.equal(pool.available, 3);
    assert.equal(made, 3);
    await pool.close();
  });

  it("allocator deque lends the object idle longest; stack the newest", async () => {
    for (const [allocator, expected] of [["deque", 0], ["stack", 2]] as const) {
      let made = 0;
      const pool = new AsyncPool({
        capacity: 3,
        allocator,
        factory: () => ({ id: made++ }),
      });
      const objs = [
        await pool.acquire(),
        await pool.acquire(),
        await pool.acquire(),
      ];
      for (const obj of objs) await pool.release(obj);
      const next = await pool.acquire();
      assert.equal(next.id, expected, allocator);
      await pool.release(next);
      await pool.close();
    }
  });
});

// ---- issue 12: real connections ----------------------------------------------

describe("AsyncPool createTimeout and the factory's signal", () => {
  it("a hung creation frees its place, rejects its acquire with PoolTimeoutError, aborts its signal, and a late object is destroyed", async () => {
    const r = resources();
    const gates: Deferred<void>[] = [];
    const signals: AbortSignal[] = [];
    let hang = true;
    const pool = new AsyncPool({
      capacity: 1,
      createTimeout: 30,
      enableStatistics: true,
      factory: async (signal) => {
        signals.push(signal);
        if (hang) {
          const gate = new Deferred<void>();
          gates.push(gate);
          await gate.promise;
        }
        return r.syncFactory();
      },
      destroy: r.destroy,
    });
    await keepAlive(
      assert.rejects(pool.acquire(), (e) => {
        assert.ok(e instanceof PoolTimeoutError);
        assert.equal((e as Error).name, "PoolTimeoutError");
        assert.match((e as Error).message, /within 30 ms/);
        return true;
      }),
    );
    assert.equal(signals[0]!.aborted, true);
    assert.ok(signals[0]!.reason instanceof PoolTimeoutError);
    assert.equal(pool.stats().createFailures, 1);
    // The place is free at once: the next acquire calls the factory again.
    hang = false;
    const obj = await pool.acquire();
    assert.equal(signals.length, 2);
    assert.equal(signals[1]!.aborted, false);
    // The hung connect finally answers: that object is destroyed, never lent.
    gates[0]!.resolve();
    await until(() => r.made.length === 2 && r.destroyed.size === 1);
    assert.equal(r.destroyed.has(r.made[1]!), true);
    assert.equal(pool.inUse, 1);
    await pool.release(obj);
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("a factory that never settles wedges neither the pool nor close()", async () => {
    let calls = 0;
    const pool = new AsyncPool<{ id: number }>({
      capacity: 2,
      min: 1,
      createTimeout: 20,
      enableStatistics: true,
      factory: () => {
        calls++;
        return new Promise(() => {});
      },
    });
    for (let i = 0; i < 3; i++) {
      await keepAlive(assert.rejects(pool.acquire(), PoolTimeoutError));
    }
    // The refill to min, then one creation per later acquire: never a retry loop.
    assert.equal(calls, 3);
    assert.equal(pool.stats().createFailures, 3);
    await pool.close();
    assert.equal(pool.closed, true);
  });

  it("counts throws, rejections and failed background refills in createFailures", async () => {
    let mode: "throw" | "reject" | "ok" = "throw";
    const pool = new AsyncPool({
      capacity: 2,
      enableStatistics: true,
      factory: () => {
        if (mode === "throw") throw new Error("boom");
        if (mode === "reject") return Promise.reject(new Error("nope"));
        return Promise.resolve({});
      },
    });
    await assert.rejects(pool.acquire(), /boom/);
    mode = "reject";
    await assert.rejects(pool.acquire(), /nope/);
    assert.equal(pool.stats().createFailures, 2);
    const background = new AsyncPool({
      capacity: 2,
      min: 1,
      enableStatistics: true,
      factory: () => Promise.reject(new Error("refill")),
    });
    await ticks();
    assert.equal(background.stats().createFailures, 1);
    mode = "ok";
    await pool.close();
    await background.close();
  });

  it("stats().pending is the number of waiting acquires", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      enableStatistics: true,
      factory: () => ({}),
    });
    const obj = await pool.acquire();
    const waiting = [pool.acquire(), pool.acquire()];
    assert.equal(pool.stats().pending, 2);
    await pool.release(obj);
    await pool.release(await waiting[0]!);
    await pool.release(await waiting[1]!);
    assert.equal(pool.stats().pending, 0);
    await pool.close();
  });
});

describe("AsyncPool discard", () => {
  it("destroys the object without reset, frees its place and refills to min", async () => {
    const r = resources();
    let resets = 0;
    const pool = new AsyncPool({
      capacity: 2,
      min: 1,
      factory: r.syncFactory,
      reset: () => void resets++,
      destroy: r.destroy,
      enableStatistics: true,
    });
    const broken = await pool.acquire();
    await pool.discard(broken);
    assert.equal(resets, 0);
    assert.equal(r.destroyed.get(broken as Resource), 1);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 1, "refilled to min");
    const s = pool.stats();
    assert.equal(s.totalReleases, 1);
    assert.equal(s.destroyed, 1);
    await assert.rejects(pool.discard(broken), AlreadyReleasedError);
    await assert.rejects(pool.release(broken), AlreadyReleasedError);
    await assert.rejects(
      pool.discard({ id: 0, value: 0, closed: false }),
      ForeignObjectError,
    );
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("hands the freed place to a waiter", async () => {
    const r = resources();
    const pool = new AsyncPool({ capacity: 1, factory: r.factory });
    const first = await pool.acquire();
    const waiting = pool.acquire();
    await pool.discard(first);
    const second = await waiting;
    assert.notEqual(second, first);
    await pool.release(second);
    await pool.close();
  });

  it("inside use(fn), a discard is not followed by a release", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 1,
      factory: r.syncFactory,
      destroy: r.destroy,
    });
    const value = await pool.use(async (conn) => {
      await pool.discard(conn);
      return conn.id;
    });
    assert.equal(value, 1);
    assert.equal(pool.inUse, 0);
    await assert.rejects(
      pool.use(async (conn) => {
        await pool.discard(conn);
        throw new Error("query failed");
      }),
      /query failed/,
    );
    assert.equal(pool.inUse, 0);
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("a failing destroy during discard does not reject it, and close reports none of it", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      factory: () => ({}),
      destroy: () => Promise.reject(new Error("destroy failed")),
    });
    await pool.discard(await pool.acquire());
    assert.equal(pool.inUse, 0);
    await pool.close();
  });
});

describe("AsyncPool health checks", () => {
  it("finds an idle object that died and replaces it before any caller gets it", async () => {
    const r = resources();
    let checks = 0;
    const pool = new AsyncPool({
      capacity: 2,
      min: 2,
      factory: r.syncFactory,
      destroy: r.destroy,
      validate: (conn) => {
        checks++;
        return !conn.closed && conn.value === 0;
      },
      healthCheckInterval: 20,
    });
    assert.equal(pool.available, 2);
    r.made[0]!.value = -1; // the server killed this backend
    // Each object is checked once idle a whole interval: the second one was
    // put idle a moment after the first, so it may be due one sweep later.
    await keepAlive(
      until(() =>
        r.destroyed.size === 1 && pool.available === 2 && checks >= 2
      ),
    );
    assert.ok(checks >= 2);
    assert.equal(r.destroyed.has(r.made[0]!), true);
    const a = await pool.acquire();
    const b = await pool.acquire();
    assert.ok(a !== r.made[0] && b !== r.made[0]);
    await pool.release(a);
    await pool.release(b);
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("an async validate and a failing destroy during a health check leave the pool consistent", async () => {
    let live = 0;
    const pool = new AsyncPool({
      capacity: 3,
      min: 3,
      factory: () => ({ dead: false, n: live++ }),
      validate: (conn) => Promise.resolve(!conn.dead),
      destroy: () => {
        throw new Error("destroy failed");
      },
      healthCheckInterval: 15,
    });
    for (let i = 0; i < 3; i++) {
      const conn = await pool.acquire();
      conn.dead = true;
      await pool.release(conn);
    }
    // The dead one went idle; the checks find it, destroy fails, min holds.
    await keepAlive(until(() => live >= 4 && pool.available === 3));
    assert.equal(pool.inUse, 0);
    await assert.rejects(pool.close(), AggregateError);
  });

  it("requires validate", () => {
    assert.throws(
      () =>
        new AsyncPool({
          capacity: 1,
          factory: () => ({}),
          healthCheckInterval: 1000,
        }),
      (e) => {
        assert.ok(e instanceof PoolConfigurationError);
        assert.match(
          (e as Error).message,
          /^Cannot create AsyncPool: healthCheckInterval needs a validate function$/,
        );
        return true;
      },
    );
  });
});

describe("AsyncPool drain and close deadlines", () => {
  it("close({ timeout }) rejects with PoolTimeoutError saying how many borrows are out; later returns are destroyed", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 3,
      factory: r.syncFactory,
      destroy: r.destroy,
    });
    const a = await pool.acquire();
    const b = await pool.acquire();
    await pool.release(await pool.acquire());
    const closing = pool.close({ timeout: 30 });
    assert.equal(pool.close(), closing, "the same promise");
    await keepAlive(
      assert.rejects(closing, (e) => {
        assert.ok(e instanceof PoolTimeoutError);
        assert.equal(
          (e as Error).message,
          "Cannot close pool: 2 borrows are still out after 30 ms",
        );
        return true;
      }),
    );
    assert.equal(pool.closed, true);
    await pool.release(a);
    await pool.discard(b);
    assertDestroyedOnce(r.made, r.destroyed);
    await assert.rejects(pool.acquire(), PoolClosedError);
  });

  it("drain({ timeout }) rejects with PoolTimeoutError and leaves the pool closed", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 2,
      factory: r.syncFactory,
      destroy: r.destroy,
    });
    const a = await pool.acquire();
    await keepAlive(
      assert.rejects(pool.drain({ timeout: 20 }), (e) => {
        assert.ok(e instanceof PoolTimeoutError);
        assert.match(
          (e as Error).message,
          /1 borrows are still out after 20 ms/,
        );
        return true;
      }),
    );
    assert.equal(pool.closed, true);
    await pool.release(a);
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("timeout 0 does not wait: drain and close reject at once while a borrow is out", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 2,
      factory: r.syncFactory,
      destroy: r.destroy,
    });
    const a = await pool.acquire();
    await pool.release(await pool.acquire());
    let settled = false;
    const draining = pool.drain({ timeout: 0 });
    draining.catch(() => settled = true);
    await ticks(1);
    assert.equal(settled, true, "no timer: rejected at once");
    await assert.rejects(
      draining,
      timeoutError("drain", "1 borrows are still out after 0 ms"),
    );
    assert.equal(pool.closed, true, "a timed-out drain closes the pool");
    await pool.release(a);
    assertDestroyedOnce(r.made, r.destroyed);

    const other = new AsyncPool({ capacity: 1, factory: r.syncFactory });
    const b = await other.acquire();
    await assert.rejects(
      other.close({ timeout: 0 }),
      timeoutError("close", "1 borrows are still out after 0 ms"),
    );
    assert.equal(other.closed, true);
    await other.release(b);
  });

  it("timeout 0 resolves drain and close when nothing is out", async () => {
    const r = resources();
    const pool = new AsyncPool({
      capacity: 2,
      min: 2,
      factory: r.syncFactory,
      destroy: r.destroy,
    });
    await pool.release(await pool.acquire());
    await pool.drain({ timeout: 0 });
    assert.equal(pool.available, 2, "drain keeps idle objects");
    const closing = pool.close({ timeout: 0 });
    assert.equal(pool.close(), closing, "the same promise");
    await closing;
    assert.equal(pool.closed, true);
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("a deadline met in time resolves, and bad options reject without closing", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => ({}) });
    const obj = await pool.acquire();
    setTimeout(() => pool.release(obj), 5);
    await keepAlive(pool.drain({ timeout: 5_000 }));
    await assert.rejects(pool.close({ timeout: -1 }), RangeError);
    await assert.rejects(pool.close({ timout: 1 } as never), TypeError);
    assert.equal(pool.closed, false);
    await pool.close({ timeout: 1_000 });
    assert.equal(pool.closed, true);
  });

  it("a program whose only work is a close({ timeout }) with a borrow out gets its PoolTimeoutError", async () => {
    const library = new URL("../pools/async_pool.ts", import.meta.url).href;
    const { code, output } = await runModule(
      `import { AsyncPool } from ${JSON.stringify(library)};
const pool = new AsyncPool({ capacity: 1, factory: () => ({}) });
await pool.acquire();
await pool.close({ timeout: 100 }).catch((e) => console.log("rejected", e.name, e.message));
`,
    );
    assert.equal(code, 0, `${runtime()}: ${output}`);
    assert.match(
      output,
      /rejected PoolTimeoutError Cannot close pool: 1 borrows/,
    );
  });
});

// ---- issue 11: hostile use ----------------------------------------------------------

describe("AsyncPool re-entrant callbacks (state first, then the callback)", () => {
  it("a synchronous factory that acquires from its own capacity-1 pool never takes it past capacity (issue 11 #3)", async () => {
    let inner: Promise<{ id: number }> | undefined;
    let made = 0;
    const pool: AsyncPool<{ id: number }> = new AsyncPool({
      capacity: 1,
      factory: () => {
        inner ??= pool.acquire();
        return { id: made++ };
      },
    });
    const outer = await pool.acquire();
    assert.equal(pool.inUse, 1);
    assert.equal(pool.pending, 1, "the re-entrant acquire waits");
    assert.equal(made, 1);
    await pool.release(outer);
    const second = await inner!;
    assert.equal(second, outer);
    assert.equal(pool.inUse, 1);
    await pool.release(second);
    await pool.close();
  });

  it("close() from destroy during an acquire fails that acquire with PoolClosedError (issue 11 #5)", async () => {
    let close: Promise<void> | undefined;
    let closeAgain: Promise<void> | undefined;
    const made: object[] = [];
    const pool: AsyncPool<object> = new AsyncPool({
      capacity: 1,
      maxLifetime: 5,
      factory: () => {
        const obj = {};
        made.push(obj);
        return obj;
      },
      destroy: () => {
        close ??= pool.close();
        closeAgain = pool.close();
      },
    });
    await pool.release(await pool.acquire());
    await sleep(15);
    // The idle object is too old: acquire destroys it, destroy closes.
    await assert.rejects(pool.acquire(), PoolClosedError);
    assert.equal(pool.inUse, 0);
    assert.equal(made.length, 1, "no brand-new object after close");
    assert.equal(
      closeAgain,
      close,
      "close() from destroy: the same promise (issue 11 #6)",
    );
    await close;
  });

  it("close() from validate during an acquire fails it and destroys the object (issue 11 #5)", async () => {
    const r = resources();
    const pool: AsyncPool<Resource> = new AsyncPool({
      capacity: 1,
      factory: r.syncFactory,
      destroy: r.destroy,
      validate: () => {
        void pool.close();
        return true;
      },
    });
    await pool.release(await pool.acquire());
    await assert.rejects(pool.acquire(), PoolClosedError);
    assert.equal(pool.inUse, 0);
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("close() from inside a synchronous factory fails the acquire and destroys what it returns", async () => {
    const r = resources();
    const pool: AsyncPool<Resource> = new AsyncPool({
      capacity: 1,
      factory: () => {
        void pool.close();
        return r.syncFactory();
      },
      destroy: r.destroy,
    });
    await assert.rejects(pool.acquire(), PoolClosedError);
    assert.equal(pool.inUse, 0);
    await pool.close();
    assertDestroyedOnce(r.made, r.destroyed);
  });

  it("close() or drain() from a create listener during an acquire fails it with PoolClosedError and destroys the new object", async () => {
    for (const how of ["close", "drain"] as const) {
      const destroyed: object[] = [];
      const pool: AsyncPool<{ id: number }> = new AsyncPool({
        capacity: 2,
        factory: () => ({ id: 1 }),
        destroy: (obj) => void destroyed.push(obj),
      });
      let ending: Promise<void> | undefined;
      pool.addEventListener("create", () => {
        ending ??= pool[how]();
      });
      await assert.rejects(pool.acquire(), PoolClosedError);
      assert.equal(pool.inUse, 0, how);
      assert.equal(destroyed.length, 1, `${how}: the new object goes`);
      await ending;
      await pool.close();
    }
  });

  it("a reset that releases its object again cannot put it in the idle store twice", async () => {
    let again: Promise<void> | undefined;
    const pool: AsyncPool<{ n: number }> = new AsyncPool({
      capacity: 2,
      factory: () => ({ n: 0 }),
      reset: (obj) => {
        again = pool.release(obj);
      },
    });
    const obj = await pool.acquire();
    await pool.release(obj);
    await assert.rejects(again!, AlreadyReleasedError);
    assert.equal(pool.available, 1);
    const a = await pool.acquire();
    const b = await pool.acquire();
    assert.notEqual(a, b);
    await pool.close({ timeout: 1 }).catch(() => {});
  });
});

describe("AsyncPool identity and bad values (issue 11 #11, #12)", () => {
  it("release of a proxy of, or an object inheriting from, a lent object is foreign, and runs no trap", async () => {
    const pool = new AsyncPool({ capacity: 2, factory: () => ({ x: 1 }) });
    const lent = await pool.acquire();
    let traps = 0;
    const proxy = new Proxy(lent, {
      get(target, key, receiver) {
        traps++;
        return Reflect.get(target, key, receiver);
      },
      has(target, key) {
        traps++;
        return Reflect.has(target, key);
      },
    });
    await assert.rejects(pool.release(proxy), ForeignObjectError);
    await assert.rejects(pool.discard(proxy), ForeignObjectError);
    await assert.rejects(pool.release(Object.create(lent)), ForeignObjectError);
    assert.equal(pool.inUse, 1);
    await pool.release(lent);
    assert.equal(pool.available, 1);
    assert.equal(traps, 0, "no get or has trap ran");
    await pool.close();
  });

  it("release(revokedProxy) rejects instead of throwing, also on a typed pool", async () => {
    class Vec {
      x = 0;
    }
    const pool = new AsyncPool({ capacity: 1, factory: () => ({}) });
    const typed = new AsyncPool(Vec, { capacity: 1 });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    let result: Promise<void> | undefined;
    assert.doesNotThrow(() => (result = pool.release(proxy)));
    await assert.rejects(result!, ForeignObjectError);
    await assert.rejects(pool.discard(proxy), ForeignObjectError);
    await assert.rejects(typed.release(proxy as Vec), TypeMismatchError);
    await pool.close();
    await typed.close();
  });

  it("a foreign object with a throwing constructor getter gets ForeignObjectError", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => ({}) });
    const proto = {
      get constructor(): never {
        throw new Error("getter ran");
      },
    };
    const hostile = Object.create(proto);
    await assert.rejects(pool.release(hostile), (e) => {
      assert.ok(e instanceof ForeignObjectError);
      assert.doesNotMatch((e as Error).message, /getter ran/);
      return true;
    });
    await pool.close();
  });

  it("a factory returning a revoked Proxy, or an object whose then throws, fails its acquire with PoolConfigurationError and keeps the place", async () => {
    const hostile = [
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      },
      () =>
        new Proxy({}, {
          get() {
            throw new Error("trap");
          },
        }),
      () => ({
        get then(): never {
          throw new Error("getter");
        },
      }),
    ];
    for (const [i, make] of hostile.entries()) {
      for (const async of [false, true]) {
        let calls = 0;
        const pool = new AsyncPool<object>({
          capacity: 1,
          enableStatistics: true,
          factory: () => {
            if (calls++ > 0) return {};
            return async ? Promise.resolve().then(make) : make();
          },
        });
        await assert.rejects(pool.acquire(), (e) => {
          // From a promise, resolving it with such a value already rejects
          // it (the factory's own failure); returned as is, the pool says so.
          if (async) return true;
          assert.ok(e instanceof PoolConfigurationError, `${i}: ${e}`);
          assert.match((e as Error).message, /^Cannot create object: /);
          return true;
        });
        assert.equal(pool.inUse, 0, `hostile ${i}, async ${async}`);
        assert.equal(pool.stats().createFailures, 1);
        // The place is free: the next acquire gets a fresh object.
        const obj = await pool.acquire({ timeout: 1000 });
        assert.equal(pool.inUse, 1);
        await pool.release(obj);
        await pool.close();
      }
    }
  });

  it("a huge capacity is accepted at once and costs only what is used", async () => {
    for (const capacity of [1e8, 2 ** 32, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      const pool = new AsyncPool({ capacity, factory: () => ({}) });
      assert.equal(pool.capacity, capacity);
      const objs = await Promise.all(
        Array.from({ length: 20 }, () => pool.acquire()),
      );
      assert.equal(pool.inUse, 20);
      for (const obj of objs) await pool.release(obj);
      assert.equal(pool.available, 20);
      await pool.close();
    }
    assert.throws(
      () => new AsyncPool({ capacity: 2 ** 53, factory: () => ({}) }),
      InvalidCapacityError,
    );
  });
});

// ---- issue 13: events ---------------------------------------------------------

describe("AsyncPool events", () => {
  /** Records every pool event of `types` as "type:id" (or "type:error message"). */
  function record(
    pool: AsyncPool<{ id: number }>,
    types: string[],
  ): { log: string[]; events: PoolEvent<{ id: number }>[] } {
    const log: string[] = [];
    const events: PoolEvent<{ id: number }>[] = [];
    for (const type of types) {
      pool.addEventListener(type, (event) => {
        const e = event as PoolEvent<{ id: number }>;
        assert.ok(e instanceof PoolEvent);
        events.push(e);
        const detail = e.error !== undefined
          ? (e.error as Error).message
          : String(e.object?.id);
        log.push(`${e.type}:${detail}`);
      });
    }
    return { log, events };
  }

  it("an AsyncPool is an EventTarget dispatching create, acquire, release and destroy", async () => {
    let next = 1;
    const pool = new AsyncPool({
      capacity: 2,
      factory: () => ({ id: next++ }),
    });
    assert.ok(pool instanceof EventTarget);
    const { log, events } = record(pool, [
      "create",
      "acquire",
      "release",
      "destroy",
    ]);
    const a = await pool.acquire();
    await pool.release(a);
    const b = await pool.acquire();
    await pool.discard(b);
    await pool.close();
    assert.deepEqual(log, [
      "create:1",
      "acquire:1",
      "release:1",
      "acquire:1",
      "release:1",
      "destroy:1",
    ]);
    const acquired = events.filter((e) => e.type === "acquire");
    for (const e of acquired) {
      assert.ok(typeof e.waitMs === "number" && e.waitMs >= 0);
    }
  });

  it("createerror for throws, rejections, timeouts and failed refills; destroyerror with the object", async () => {
    let mode: "throw" | "reject" | "hang" | "ok" = "throw";
    let next = 1;
    const pool = new AsyncPool<{ id: number }>({
      capacity: 2,
      createTimeout: 20,
      factory: () => {
        if (mode === "throw") throw new Error("connect refused");
        if (mode === "reject") return Promise.reject(new Error("auth failed"));
        if (mode === "hang") return new Promise(() => {});
        return { id: next++ };
      },
      destroy: () => {
        throw new Error("close failed");
      },
    });
    const { log } = record(pool, ["createerror", "destroyerror", "timeout"]);
    await assert.rejects(pool.acquire(), /connect refused/);
    mode = "reject";
    await assert.rejects(pool.acquire(), /auth failed/);
    mode = "hang";
    await keepAlive(assert.rejects(pool.acquire(), PoolTimeoutError));
    mode = "ok";
    const obj = await pool.acquire();
    await pool.discard(obj);
    const held = [await pool.acquire(), await pool.acquire()];
    await keepAlive(
      assert.rejects(pool.acquire({ timeout: 10 }), PoolTimeoutError),
    );
    for (const o of held) await pool.release(o);
    await assert.rejects(pool.close(), AggregateError);
    assert.deepEqual(log.slice(0, 5), [
      "createerror:connect refused",
      "createerror:auth failed",
      "createerror:Cannot create object: the factory did not settle within 20 ms",
      "destroyerror:close failed",
      // The timeout event carries the PoolTimeoutError the acquire got.
      "timeout:Cannot acquire from pool: timed out after 10 ms",
    ]);
    // A failed background refill to min leaves a trace too.
    const refill = new AsyncPool({
      capacity: 1,
      min: 1,
      factory: () => Promise.reject(new Error("refill failed")),
    });
    const seen: string[] = [];
    refill.addEventListener("createerror", (e) => {
      seen.push(((e as PoolEvent).error as Error).message);
    });
    await assert.rejects(refill.acquire(), /refill failed/);
    assert.deepEqual(seen, ["refill failed"]);
    await refill.close();
  });

  it("a timeout event carries the time waited; a removed listener hears nothing", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => ({ id: 1 }) });
    const waits: (number | undefined)[] = [];
    const onTimeout = (e: Event) => waits.push((e as PoolEvent).waitMs);
    pool.addEventListener("timeout", onTimeout);
    const obj = await pool.acquire();
    await keepAlive(
      assert.rejects(pool.acquire({ timeout: 15 }), PoolTimeoutError),
    );
    pool.removeEventListener("timeout", onTimeout);
    await keepAlive(
      assert.rejects(pool.acquire({ timeout: 5 }), PoolTimeoutError),
    );
    assert.deepEqual(waits, [15]);
    let acquires = 0;
    const onAcquire = () => acquires++;
    pool.addEventListener("acquire", onAcquire, { once: true });
    await pool.release(obj);
    await pool.release(await pool.acquire());
    await pool.release(await pool.acquire());
    assert.equal(
      acquires,
      1,
      "a once listener runs once, then the fast path is back",
    );
    await pool.close();
  });

  it("a leak event carries the object of an owned handle collected unreleased", async () => {
    const pool = new AsyncPool({ capacity: 2, factory: () => ({ id: 7 }) });
    const leaked: unknown[] = [];
    pool.addEventListener("leak", (e) => leaked.push((e as PoolEvent).object));
    await (async () => {
      await pool.allocateOwned(); // dropped without release
    })();
    if (!collectGarbage()) return; // needs --expose-gc (Deno, Node) or Bun
    await keepAlive(until(() => {
      collectGarbage();
      return leaked.length === 1;
    }, 5_000));
    assert.deepEqual(leaked, [{ id: 7 }]);
    await until(() => pool.inUse === 0);
    await pool.close();
  });
});
