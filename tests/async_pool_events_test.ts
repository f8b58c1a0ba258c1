/**
 * AsyncPool's events (DESIGN.md, AsyncPool "Events" and `leakTimeout`):
 * every event type with its fields, `overdue` once per borrow with the stack
 * of the acquire that took it, and no work at all for a type nobody listens
 * to.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AsyncPool } from "../pools/async_pool.ts";
import { PoolEvent, type PoolEventType } from "../pools/pool_event.ts";
import { PoolConfigurationError, PoolTimeoutError } from "../errors.ts";
import { gcUntil, tick } from "./_gc.ts";

class Conn {
  static made = 0;
  readonly id = ++Conn.made;
}

/** Collects the events of the given types a pool dispatches, in order. */
function record<T extends object>(
  pool: AsyncPool<T>,
  types: PoolEventType[],
): PoolEvent<T>[] {
  const events: PoolEvent<T>[] = [];
  for (const type of types) {
    pool.addEventListener(type, (event) => {
      assert.ok(event instanceof PoolEvent);
      events.push(event as PoolEvent<T>);
    });
  }
  return events;
}

/** Waits until `done()` or fails after `ms` (real time, bounded). */
async function until(done: () => boolean, what: string, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await tick(5);
  }
}

const ALL: PoolEventType[] = [
  "create",
  "createerror",
  "destroy",
  "destroyerror",
  "acquire",
  "release",
  "timeout",
  "overdue",
  "leak",
];

describe("AsyncPool events", () => {
  it("is an EventTarget", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => new Conn() });
    assert.ok(pool instanceof EventTarget);
    await pool.close();
  });

  it("create, acquire and release carry the object, waitMs and heldMs", async () => {
    const pool = new AsyncPool({ capacity: 2, factory: () => new Conn() });
    const events = record(pool, ["create", "acquire", "release"]);
    const conn = await pool.acquire();
    assert.deepEqual(events.map((e) => e.type), ["create", "acquire"]);
    assert.equal(events[0]!.object, conn);
    assert.equal(events[1]!.object, conn);
    assert.equal(typeof events[1]!.waitMs, "number");
    assert.ok(events[1]!.waitMs! >= 0);
    assert.equal(events[1]!.target, pool);
    await pool.release(conn);
    assert.equal(events.length, 3);
    const release = events[2]!;
    assert.equal(release.type, "release");
    assert.equal(release.object, conn);
    assert.ok(release.heldMs! >= 0);
    assert.equal(release.stack, undefined, "no stack without leakTimeout");
    // The idle object is lent again: acquire and release, no create.
    await pool.use(() => {});
    assert.deepEqual(events.slice(3).map((e) => [e.type, e.object]), [
      ["acquire", conn],
      ["release", conn],
    ]);
    await pool.close();
  });

  it("an acquire that waited reports its wait, and a timeout its error", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => new Conn() });
    const events = record(pool, ["acquire", "timeout"]);
    const held = await pool.acquire();
    const late = pool.acquire({ timeout: 10 });
    await assert.rejects(late, PoolTimeoutError);
    const timeout = events.find((e) => e.type === "timeout")!;
    assert.ok(timeout.error instanceof PoolTimeoutError);
    assert.ok(timeout.waitMs! > 0);
    assert.equal(timeout.object, undefined);
    const waiting = pool.acquire();
    await tick(2);
    await pool.release(held);
    assert.equal(await waiting, held);
    const acquires = events.filter((e) => e.type === "acquire");
    assert.equal(acquires.length, 2);
    assert.ok(acquires[1]!.waitMs! > 0, "the second acquire waited");
    await pool.release(held);
    await pool.close();
  });

  it("createerror reports a failed factory, with or without a caller", async () => {
    let fail = false;
    const pool = new AsyncPool({
      capacity: 2,
      min: 1,
      factory: () => {
        if (fail) throw new Error("connect refused");
        return new Conn();
      },
    });
    const events = record(pool, ["createerror", "create"]);
    fail = true;
    const conn = await pool.acquire(); // the idle one made for min
    await assert.rejects(pool.acquire(), /connect refused/);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, "createerror");
    assert.match((events[0]!.error as Error).message, /connect refused/);
    assert.equal(events[0]!.object, undefined);
    // A background refill to min, which nobody waits for, is reported too.
    await pool.discard(conn);
    await until(() => events.length === 2, "the refill's createerror");
    assert.equal(events[1]!.type, "createerror");
    assert.match((events[1]!.error as Error).message, /connect refused/);
    fail = false;
    await pool.use(() => {});
    assert.equal(events.at(-1)!.type, "create");
    await pool.close();
  });

  it("createerror reports a creation past createTimeout", async () => {
    const pool = new AsyncPool({
      capacity: 1,
      createTimeout: 10,
      factory: () => new Promise<Conn>(() => {}),
    });
    const events = record(pool, ["createerror"]);
    await assert.rejects(pool.acquire(), PoolTimeoutError);
    assert.equal(events.length, 1);
    assert.ok(events[0]!.error instanceof PoolTimeoutError);
    await pool.close();
  });

  it("destroy and destroyerror carry the object (and the error)", async () => {
    const broken = new Set<Conn>();
    const pool = new AsyncPool({
      capacity: 3,
      factory: () => new Conn(),
      destroy: (conn) => {
        if (broken.has(conn)) throw new Error("close failed");
      },
    });
    const events = record(pool, ["destroy", "destroyerror"]);
    const a = await pool.acquire();
    const b = await pool.acquire();
    broken.add(b);
    await pool.release(a);
    await pool.discard(b);
    await until(() => events.length === 1, "b's destroyerror");
    assert.equal(events[0]!.type, "destroyerror");
    assert.equal(events[0]!.object, b);
    assert.match((events[0]!.error as Error).message, /close failed/);
    await pool.close();
    assert.deepEqual(events.slice(1).map((e) => [e.type, e.object]), [
      ["destroy", a],
    ]);
  });

  it("leak reports an owned handle collected unreleased", async () => {
    const pool = new AsyncPool({ capacity: 2, factory: () => new Conn() });
    const events = record(pool, ["leak"]);
    const leak = async (): Promise<number> =>
      (await pool.allocateOwned()).value.id;
    const id = await leak();
    assert.ok(
      await gcUntil(() => events.length === 1),
      "the leak was reported",
    );
    assert.equal(events[0]!.type, "leak");
    assert.equal((events[0]!.object as Conn).id, id);
    assert.equal(pool.inUse, 0);
    await pool.close();
  });

  it("leakTimeout is validated like the other options", () => {
    for (const leakTimeout of [-1, NaN, "10", null, 0, 2 ** 31]) {
      assert.throws(
        () =>
          new AsyncPool({
            capacity: 1,
            factory: () => new Conn(),
            leakTimeout: leakTimeout as never,
          }),
        PoolConfigurationError,
        String(leakTimeout),
      );
    }
  });
});

describe("AsyncPool overdue borrows (leakTimeout)", () => {
  /** A named function, so the stack of the acquire names it. */
  async function borrowForTheReport(pool: AsyncPool<Conn>): Promise<Conn> {
    return await pool.acquire();
  }

  it("reports a borrow held too long once, with the stack of its acquire", async () => {
    const pool = new AsyncPool({
      capacity: 2,
      factory: () => new Conn(),
      leakTimeout: 20,
    });
    const events = record(pool, ["overdue"]);
    const conn = await borrowForTheReport(pool);
    const quick = await pool.acquire();
    await pool.release(quick); // released in time: never overdue
    await until(() => events.length === 1, "the overdue event");
    const overdue = events[0]!;
    assert.equal(overdue.object, conn);
    assert.ok(overdue.heldMs! >= 20, `held ${overdue.heldMs} ms`);
    assert.match(overdue.stack!, /borrowForTheReport/);
    // Once per borrow: held three more leakTimeouts, still one event.
    await tick(80);
    assert.equal(events.length, 1);
    // A new borrow of the same object is a new borrow.
    await pool.release(conn);
    const again = await borrowForTheReport(pool);
    await until(() => events.length === 2, "the second borrow's event");
    assert.equal(events[1]!.object, again);
    await pool.release(again);
    await pool.close();
  });

  it("reports each of several borrows, and none released in time", async () => {
    const pool = new AsyncPool({
      capacity: 4,
      factory: () => new Conn(),
      leakTimeout: 15,
    });
    const events = record(pool, ["overdue"]);
    const held = [await pool.acquire(), await pool.acquire()];
    for (let i = 0; i < 5; i++) await pool.use(() => {});
    await until(() => events.length === 2, "both overdue events");
    await tick(50);
    assert.equal(events.length, 2);
    assert.deepEqual(new Set(events.map((e) => e.object)), new Set(held));
    for (const conn of held) await pool.release(conn);
    await pool.close();
  });

  it("reports a borrow out when its overdue listener comes back", async () => {
    const pool = new AsyncPool({
      capacity: 2,
      factory: () => new Conn(),
      leakTimeout: 20,
    });
    const events: PoolEvent<Conn>[] = [];
    const listener = (event: PoolEvent<Conn>) => events.push(event);
    pool.addEventListener("overdue", listener);
    const conn = await borrowForTheReport(pool);
    pool.removeEventListener("overdue", listener);
    pool.addEventListener("overdue", listener);
    // No acquire since: the borrow is still watched.
    await until(() => events.length === 1, "the overdue event");
    assert.equal(events[0]!.object, conn);
    assert.match(events[0]!.stack!, /borrowForTheReport/);
    await tick(60);
    assert.equal(events.length, 1, "once");
    await pool.release(conn);
    await pool.close();
  });

  it("without leakTimeout no stack is taken and nothing is overdue", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => new Conn() });
    const events = record(pool, ALL);
    const conn = await pool.acquire();
    await tick(30);
    await pool.release(conn);
    assert.ok(events.every((e) => e.type !== "overdue"));
    assert.ok(events.every((e) => e.stack === undefined));
    await pool.close();
  });
});

/**
 * Counts the calls of `Error.captureStackTrace` and `performance.now` while
 * `run` runs (own properties shadow them; removed after).
 */
async function countWork(
  run: () => Promise<void>,
): Promise<{ stacks: number; clocks: number }> {
  const counts = { stacks: 0, clocks: 0 };
  const capture = (Error as { captureStackTrace?: unknown }).captureStackTrace;
  assert.equal(typeof capture, "function", "the runtime captures stacks");
  const now = performance.now;
  Object.defineProperty(Error, "captureStackTrace", {
    configurable: true,
    writable: true,
    value(this: unknown, ...args: unknown[]) {
      counts.stacks++;
      return (capture as (...a: unknown[]) => unknown).apply(this, args);
    },
  });
  Object.defineProperty(performance, "now", {
    configurable: true,
    writable: true,
    value() {
      counts.clocks++;
      return now.call(performance);
    },
  });
  try {
    await run();
  } finally {
    Object.defineProperty(Error, "captureStackTrace", {
      configurable: true,
      writable: true,
      value: capture,
    });
    delete (performance as { now?: unknown }).now;
    if (performance.now !== now) performance.now = now;
  }
  return counts;
}

describe("AsyncPool events: no listener, no work", () => {
  it("reads no clock and takes no stack for types nobody listens to", async () => {
    const cycles = async (pool: AsyncPool<Conn>) => {
      for (let i = 0; i < 3; i++) {
        const a = await pool.acquire();
        const b = await pool.acquire({ timeout: 60_000 });
        await pool.release(a);
        await pool.use(() => {});
        await pool.discard(b);
        await pool.release(pool.tryAcquire()!);
      }
    };
    // Warm up first: the stack probe runs once per program.
    const warm = new AsyncPool({
      capacity: 2,
      factory: () => new Conn(),
      leakTimeout: 60_000,
    });
    record(warm, ALL);
    await cycles(warm);
    await warm.close();
    const make = (leakTimeout?: number) =>
      new AsyncPool({
        capacity: 2,
        factory: () => new Conn(),
        ...(leakTimeout === undefined ? {} : { leakTimeout }),
      });
    // leakTimeout with no listener, or every listener but overdue and
    // release (which reads the clock for heldMs): no stack, no clock.
    for (
      const types of [
        [],
        ["create", "destroy", "overdue"],
        ALL.filter((t) =>
          t !== "overdue" && t !== "release" && t !== "acquire"
        ),
      ] as PoolEventType[][]
    ) {
      const pool = make(60_000);
      record(pool, types.filter((t) => t !== "overdue"));
      const counts = await countWork(() => cycles(pool));
      assert.deepEqual(counts, { stacks: 0, clocks: 0 }, types.join());
      await pool.close();
    }
    // An overdue listener without leakTimeout: nothing to watch.
    const unset = make();
    record(unset, ["overdue"]);
    assert.deepEqual(await countWork(() => cycles(unset)), {
      stacks: 0,
      clocks: 0,
    });
    await unset.close();
    // leakTimeout and an overdue listener: a stack and a clock read per
    // acquire (12), none when a borrow ends (no release listener).
    const watched = make(60_000);
    record(watched, ["overdue"]);
    assert.deepEqual(await countWork(() => cycles(watched)), {
      stacks: 12,
      clocks: 12,
    });
    await watched.close();
  });

  it("dispatches only the types that have listeners", async () => {
    const pool = new AsyncPool({
      capacity: 2,
      factory: () => new Conn(),
      leakTimeout: 60_000,
    });
    const dispatched: string[] = [];
    const dispatch = pool.dispatchEvent.bind(pool);
    pool.dispatchEvent = (event: Event): boolean => {
      dispatched.push(event.type);
      return dispatch(event);
    };
    const cycle = async () => {
      const a = await pool.acquire();
      const b = await pool.acquire();
      await pool.release(a);
      await pool.discard(b);
      await tick();
    };
    await cycle();
    assert.deepEqual(dispatched, [], "no listener: nothing dispatched");
    const onAcquire = () => {};
    pool.addEventListener("acquire", onAcquire);
    await cycle();
    assert.deepEqual(dispatched, ["acquire", "acquire"]);
    pool.removeEventListener("acquire", onAcquire);
    dispatched.length = 0;
    await cycle();
    assert.deepEqual(dispatched, [], "removed: nothing dispatched");
    pool.addEventListener("release", () => {}, { once: true });
    await cycle();
    await cycle();
    assert.deepEqual(dispatched, ["release"], "once: dispatched once");
    await pool.close();
  });

  it("a listener may use the pool: its state is settled first", async () => {
    const pool = new AsyncPool({ capacity: 1, factory: () => new Conn() });
    const released: Promise<void>[] = [];
    pool.addEventListener("acquire", (event) => {
      const { object } = event as PoolEvent<Conn>;
      assert.equal(pool.inUse, 1);
      released.push(pool.release(object!));
    });
    await pool.acquire();
    await Promise.all(released);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 1);
    await pool.close();
  });
});
