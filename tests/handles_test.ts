import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ContextHandle } from "../handles/context_handle.ts";
import type { Lender } from "../handles/lender.ts";
import { OwnedHandle } from "../handles/owned_handle.ts";
import { WeakHandle } from "../handles/weak_handle.ts";
import {
  AlreadyReleasedError,
  ForeignObjectError,
  PoolClosedError,
  PoolEmptyError,
  TypeMismatchError,
} from "../errors.ts";
import { FixedPool } from "../pools/fixed_pool.ts";
import { GrowingPool } from "../pools/growing_pool.ts";
import type { BasePool } from "../pools/base_pool.ts";
import type { LeakInfo } from "../config/options.ts";
import { stateOf, throwsExactly, throwsUnchanged } from "./_state.ts";
import { gcUntil } from "./_gc.ts";

type Box = { x: number };
const boxes = (capacity = 1) =>
  new FixedPool({
    capacity,
    factory: (): Box => ({ x: 0 }),
    enableStatistics: true,
  });

const STALE = /was already released$/;

describe("ContextHandle", () => {
  it("gives the object while the borrow lasts", () => {
    const pool = boxes(2);
    const h = pool.allocate();
    assert.ok(h instanceof ContextHandle);
    assert.equal(pool.inUse, 1);
    assert.equal(h.released, false);
    assert.equal(h.value, h.get());
    // The generation a pool's handle carries is the borrow's key.
    assert.equal(pool.isLive(h.generation), true);
    assert.equal(pool.objectOf(h.generation), h.value);
    h.value.x = 3;
    assert.equal(h.get().x, 3);
    h.release();
    assert.equal(h.released, true);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 1);
  });

  it("throws AlreadyReleasedError on any use after release, and on a second release", () => {
    const pool = boxes();
    const h = pool.allocate();
    h.release();
    throwsExactly(
      () => h.value,
      AlreadyReleasedError,
      "AlreadyReleasedError",
      STALE,
    );
    throwsExactly(
      () => h.get(),
      AlreadyReleasedError,
      "AlreadyReleasedError",
      STALE,
    );
    throwsUnchanged(
      pool,
      () => h.release(),
      AlreadyReleasedError,
      "AlreadyReleasedError",
      /^Cannot release handle: its borrow \(generation 0\) was already released$/,
    );
  });

  it("detects a stale handle after its object was lent again", () => {
    const pool = boxes(); // one object: it is lent again for sure
    const first = pool.allocate();
    const obj = first.value;
    first.release();
    const second = pool.allocate();
    assert.equal(second.value, obj); // the same object ...
    assert.notEqual(second.generation, first.generation); // ... a new borrow
    assert.equal(first.released, true);
    throwsUnchanged(
      pool,
      () => first.value,
      AlreadyReleasedError,
      "AlreadyReleasedError",
    );
    throwsUnchanged(
      pool,
      () => first.release(),
      AlreadyReleasedError,
      "AlreadyReleasedError",
    );
    assert.equal(second.released, false);
    assert.equal(pool.inUse, 1);
    second.release();
    assert.equal(pool.inUse, 0);
  });

  it("sees a release made through the pool", () => {
    const pool = boxes();
    const h = pool.allocate();
    pool.release(h.value);
    assert.equal(h.released, true);
    throwsUnchanged(
      pool,
      () => h.release(),
      AlreadyReleasedError,
      "AlreadyReleasedError",
    );
    assert.equal(pool.stats().totalReleases, 1);
  });

  it("using releases at the end of the block", () => {
    const pool = boxes(2);
    let seen: Box | undefined;
    {
      using h = pool.allocate();
      seen = h.value;
      seen.x = 1;
      assert.equal(pool.inUse, 1);
    }
    assert.equal(pool.inUse, 0);
    assert.equal(pool.acquire(), seen);
  });

  it("using releases when the block throws", () => {
    const pool = boxes();
    assert.throws(() => {
      using h = pool.allocate();
      h.value.x = 1;
      throw new Error("boom");
    }, /boom/);
    assert.equal(pool.inUse, 0);
  });

  it("a manual release inside using is fine", () => {
    const pool = boxes();
    {
      using h = pool.allocate();
      h.release();
      assert.equal(pool.inUse, 0);
      const other = pool.acquire(); // the same object, lent again inside the block
      assert.equal(pool.inUse, 1);
      void other;
    } // disposing must not release the new borrow
    assert.equal(pool.inUse, 1);
    assert.equal(pool.stats().totalReleases, 1);
  });

  it("disposing twice releases once", () => {
    const pool = boxes();
    const h = pool.allocate();
    h[Symbol.dispose]();
    h[Symbol.dispose]();
    assert.equal(pool.stats().totalReleases, 1);
  });

  it("allocate fails like acquire, leaving the pool unchanged", () => {
    const pool = boxes();
    const h = pool.allocate();
    throwsUnchanged(
      pool,
      () => pool.allocate(),
      PoolEmptyError,
      "PoolEmptyError",
    );
    throwsUnchanged(
      pool,
      () => pool.allocateOwned(),
      PoolEmptyError,
      "PoolEmptyError",
    );
    h.release();
    pool.close();
    throwsUnchanged(
      pool,
      () => pool.allocate(),
      PoolClosedError,
      "PoolClosedError",
    );
  });

  it("works over a custom Lender", () => {
    const thing = { n: 1 };
    let generation = 1;
    const released: number[] = [];
    const lender: Lender<typeof thing> = {
      isLive: (obj, gen) => obj === thing && gen === generation,
      release: (_obj, gen) => {
        released.push(gen);
        generation++;
      },
      leaked: () => {
        generation++;
      },
    };
    const h = new ContextHandle(lender, thing, generation);
    assert.equal(h.value, thing);
    h.release();
    assert.deepEqual(released, [1]);
    assert.equal(h.released, true);
    assert.throws(() => h.release(), AlreadyReleasedError);
    assert.deepEqual(released, [1]);
  });
});

function leakOne(pool: BasePool<Box>, x: number): void {
  const h = pool.allocateOwned();
  h.value.x = x;
}

describe("OwnedHandle", () => {
  it("behaves as a ContextHandle", () => {
    const pool = boxes(2);
    const h = pool.allocateOwned();
    assert.ok(h instanceof OwnedHandle);
    assert.ok(h instanceof ContextHandle);
    h.value.x = 2;
    assert.equal(pool.inUse, 1);
    h.release();
    assert.equal(pool.inUse, 0);
    throwsUnchanged(
      pool,
      () => h.get(),
      AlreadyReleasedError,
      "AlreadyReleasedError",
    );
    throwsUnchanged(
      pool,
      () => h.release(),
      AlreadyReleasedError,
      "AlreadyReleasedError",
    );
    {
      using scoped = pool.allocateOwned();
      scoped.value.x = 1;
    }
    assert.equal(pool.inUse, 0);
  });

  it("a handle dropped unreleased is a leak: counted, reported, taken back", async () => {
    const leaks: LeakInfo<Box>[] = [];
    const pool = new FixedPool({
      capacity: 2,
      factory: (): Box => ({ x: 0 }),
      enableStatistics: true,
      onLeak: (info) => leaks.push(info),
    });
    const kept = pool.acquire();
    leakOne(pool, 42);
    assert.equal(pool.inUse, 2);
    assert.ok(
      await gcUntil(() => leaks.length > 0),
      "the leak was never reported",
    );
    assert.equal(leaks.length, 1);
    const [info] = leaks as [LeakInfo<Box>];
    assert.equal(info.object.x, 42);
    assert.notEqual(info.object, kept);
    assert.equal(info.pool, "FixedPool");
    // The leaked borrow's key, no longer live: the pool took it back.
    assert.equal(Number.isInteger(info.generation), true);
    assert.equal(pool.isLive(info.generation), false);
    assert.equal(pool.inUse, 1); // the object came back
    assert.equal(pool.available, 1);
    const s = pool.stats();
    assert.equal(s.leaks, 1);
    assert.equal(s.totalReleases, 1);
    assert.equal(s.currentInUse, 1);
    assert.equal(pool.acquire(), info.object); // and is lent again
  });

  it("a leak is counted on a pool without onLeak, and on a growing pool", async () => {
    const pool = new GrowingPool({
      capacity: 1,
      factory: (): Box => ({ x: 0 }),
      enableStatistics: true,
    });
    for (let i = 0; i < 3; i++) leakOne(pool, i);
    assert.equal(pool.inUse, 3);
    assert.ok(
      await gcUntil(() => pool.stats().leaks === 3),
      "leaks not all seen",
    );
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 3);
  });

  it("a released handle that is collected is no leak", async () => {
    const pool = boxes(2);
    let collected = false;
    const registry = new FinalizationRegistry(() => {
      collected = true;
    });
    (() => {
      const h = pool.allocateOwned();
      registry.register(h, 0);
      h.release();
    })();
    assert.ok(await gcUntil(() => collected), "the handle was never collected");
    assert.equal(pool.stats().leaks, 0);
    assert.equal(pool.inUse, 0);
  });

  it("a collected handle never takes back a later borrow of its object", async () => {
    const leaks: unknown[] = [];
    const pool = new FixedPool({
      capacity: 1,
      factory: (): Box => ({ x: 0 }),
      onLeak: (info) => leaks.push(info),
    });
    let collected = false;
    const registry = new FinalizationRegistry(() => {
      collected = true;
    });
    (() => {
      const h = pool.allocateOwned();
      registry.register(h, 0);
      pool.release(h.value); // ended through the pool, not the handle
    })();
    const again = pool.acquire(); // the same object, a new borrow
    assert.ok(await gcUntil(() => collected), "the handle was never collected");
    for (let i = 0; i < 3; i++) await gcUntil(() => false, 1);
    assert.deepEqual(leaks, []);
    assert.equal(pool.inUse, 1);
    pool.release(again);
  });
});

describe("WeakHandle", () => {
  it("deref, get and alive follow the watched borrow", () => {
    const pool = boxes(2);
    const obj = pool.acquire();
    const w = pool.weak(obj);
    assert.ok(w instanceof WeakHandle);
    assert.equal(w.deref(), obj);
    assert.equal(w.get(), obj);
    assert.equal(w.alive, true);
    assert.equal(pool.keyOf(obj), w.generation);
    pool.release(obj);
    assert.equal(w.deref(), undefined);
    assert.equal(w.alive, false);
    throwsExactly(
      () => w.get(),
      AlreadyReleasedError,
      "AlreadyReleasedError",
      /^Cannot get weak handle value: its borrow \(generation \d+\) was already released$/,
    );
  });

  it("stays dead when the same object is lent again", () => {
    const pool = boxes();
    const obj = pool.acquire();
    const w = pool.weak(obj);
    pool.release(obj);
    assert.equal(pool.acquire(), obj);
    assert.equal(w.deref(), undefined);
    assert.equal(w.alive, false);
    throwsUnchanged(
      pool,
      () => w.get(),
      AlreadyReleasedError,
      "AlreadyReleasedError",
    );
    const before = stateOf(pool);
    assert.equal(w.release(), false); // must not end the new borrow
    assert.deepEqual(stateOf(pool), before);
    assert.equal(pool.inUse, 1);
  });

  it("release() ends the watched borrow once", () => {
    const pool = boxes();
    const obj = pool.acquire();
    const w = pool.weak(obj);
    const h = pool.weak(obj);
    assert.equal(w.release(), true);
    assert.equal(pool.inUse, 0);
    assert.equal(h.alive, false);
    assert.equal(w.release(), false);
    assert.equal(h.release(), false);
    assert.equal(pool.stats().totalReleases, 1);
  });

  it("watching an idle, foreign or mistyped object throws and changes nothing", () => {
    const pool = boxes(2);
    const obj = pool.acquire();
    pool.release(obj);
    throwsUnchanged(
      pool,
      () => pool.weak(obj),
      AlreadyReleasedError,
      "AlreadyReleasedError",
      /^Cannot watch object: it was already released$/,
    );
    throwsUnchanged(
      pool,
      () => pool.weak({ x: 1 }),
      ForeignObjectError,
      "ForeignObjectError",
      /^Cannot watch object: an object was never lent by this pool$/,
    );
    class Vec {
      x = 0;
    }
    const typed = new FixedPool(Vec, { capacity: 1 });
    const error = throwsUnchanged(
      typed,
      () => typed.weak({ x: 0 } as Vec),
      TypeMismatchError,
      "TypeMismatchError",
    );
    assert.equal(error.expectedType, "Vec");
    assert.equal(error.actualType, "Object");
  });

  it("keeps neither its object nor its pool alive", async () => {
    let watched!: WeakHandle<Box>;
    const refs = (() => {
      const pool = boxes();
      const obj = pool.acquire();
      watched = pool.weak(obj);
      return { pool: new WeakRef(pool), obj: new WeakRef(obj) };
    })();
    assert.ok(
      await gcUntil(() =>
        refs.pool.deref() === undefined && refs.obj.deref() === undefined
      ),
      "the weak handle kept its pool or object alive",
    );
    assert.equal(watched.deref(), undefined);
    assert.equal(watched.alive, false);
    assert.equal(watched.release(), false);
    assert.throws(() => watched.get(), AlreadyReleasedError);
  });

  it("reports a dead pool as a dead borrow even while the object lives", async () => {
    let watched!: WeakHandle<Box>;
    let obj!: Box;
    const ref = (() => {
      const pool = boxes();
      obj = pool.acquire();
      watched = pool.weak(obj);
      return new WeakRef(pool);
    })();
    assert.ok(
      await gcUntil(() => ref.deref() === undefined),
      "pool kept alive",
    );
    assert.equal(obj.x, 0);
    assert.equal(watched.deref(), undefined);
  });
});
