import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FixedPool } from "../pools/fixed_pool.ts";
import { BasePool } from "../pools/base_pool.ts";
import type { Pool } from "../pools/builder.ts";
import { PoolEmptyError } from "../errors.ts";
import { Vec } from "./_pool_contract.ts";
import { stateOf, throwsUnchanged } from "./_state.ts";

describe("FixedPool", () => {
  it("is a BasePool and a Pool", () => {
    const pool: Pool<Vec> = new FixedPool(Vec, { capacity: 1 });
    assert.ok(pool instanceof BasePool);
    assert.equal(pool.use((v) => v instanceof Vec), true);
  });

  it("acquire, release and use work detached from the pool (own functions, no this)", () => {
    const pool = new FixedPool({ capacity: 2, factory: () => ({ n: 0 }) });
    const { acquire, release, use, tryAcquire } = pool;
    const a = acquire();
    const b = tryAcquire();
    assert.ok(b !== undefined && a !== b);
    release(a);
    release(b!);
    assert.equal(use((o) => (o.n = 4)), 4);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 2);
    // Each pool has its own functions, of one shape.
    const other = new FixedPool({ capacity: 1, factory: () => ({ n: 0 }) });
    assert.notEqual(other.acquire, pool.acquire);
    assert.deepEqual(Object.keys(other), Object.keys(pool));
  });

  it("keeps its state on itself, hidden from Object.keys, JSON and spreading", () => {
    const pool = new FixedPool({ capacity: 2, factory: () => ({ n: 1 }) });
    pool.acquire();
    assert.deepEqual(Object.keys(pool), [
      "acquire",
      "tryAcquire",
      "release",
      "use",
    ]);
    assert.equal(JSON.stringify(pool), "{}");
    assert.deepEqual(Object.keys({ ...pool }).length, 4);
    assert.equal(pool.inUse, 1);
  });

  it("frozen, refuses to acquire and release and changes nothing (the borrows stay live)", () => {
    const plain = () =>
      new FixedPool({ capacity: 3, factory: () => ({ n: 1 }) });
    const withReset = () =>
      new FixedPool({
        capacity: 3,
        factory: () => ({ n: 1 }),
        reset: (o) => {
          o.n = 0;
        },
      });
    for (const make of [plain, withReset]) {
      const pool = make();
      const obj = pool.acquire();
      const key = pool.acquireKey();
      Object.freeze(pool);
      const before = stateOf(pool);
      // The engine's own TypeError: the pool's state is read-only now.
      assert.throws(() => pool.release(obj), TypeError);
      assert.throws(() => pool.releaseKey(key), TypeError);
      assert.throws(() => pool.discard(obj), TypeError);
      assert.throws(() => pool.acquire(), TypeError);
      assert.throws(() => pool.acquireKey(), TypeError);
      assert.throws(() => pool.close(), TypeError);
      assert.deepEqual(stateOf(pool), before);
      assert.equal(pool.isLive(key), true);
      assert.equal(pool.keyOf(obj) >= 0, true);
      assert.equal(pool.closed, false);
    }
  });

  it("lends a pooled Proxy whose traps throw without running them (acquire reads only the pool's arrays)", () => {
    let hostile = false;
    const { proxy, revoke } = Proxy.revocable({ n: 1 }, {
      get(target, key, receiver) {
        if (hostile) throw new Error("trap ran");
        return Reflect.get(target, key, receiver);
      },
    });
    const pool = new FixedPool({ capacity: 1, factory: () => proxy });
    pool.release(pool.acquire());
    hostile = true;
    assert.equal(pool.acquire(), proxy);
    assert.equal(pool.inUse, 1);
    assert.equal(pool.available, 0);
    hostile = false;
    pool.release(proxy);
    revoke();
    assert.equal(pool.acquire(), proxy);
    assert.equal(pool.inUse, 1);
  });

  it("never grows", () => {
    const pool = new FixedPool({
      capacity: 3,
      factory: () => ({}),
      enableStatistics: true,
    });
    for (let i = 0; i < 3; i++) pool.acquire();
    for (let i = 0; i < 5; i++) {
      throwsUnchanged(
        pool,
        () => pool.acquire(),
        PoolEmptyError,
        "PoolEmptyError",
      );
    }
    assert.equal(pool.capacity, 3);
    const s = pool.stats();
    assert.equal(s.growthEvents, 0);
    assert.equal(s.peakCapacity, 3);
    assert.equal(s.exhaustions, 5);
  });

  it("infers T from the factory", () => {
    const pool = new FixedPool({ capacity: 1, factory: () => ({ hp: 10 }) });
    const enemy = pool.acquire();
    const hp: number = enemy.hp;
    assert.equal(hp, 10);
  });
});
