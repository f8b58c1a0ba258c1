import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GrowingPool } from "../pools/growing_pool.ts";
import { BasePool } from "../pools/base_pool.ts";
import {
  exponentialGrowth,
  type GrowthConfig,
  linearGrowth,
} from "../config/growth.ts";
import type { GrowingPoolOptions } from "../config/options.ts";
import {
  AlreadyReleasedError,
  PoolClosedError,
  PoolConfigurationError,
  PoolEmptyError,
} from "../errors.ts";
import { Vec } from "./_pool_contract.ts";
import { throwsUnchanged } from "./_state.ts";

type Obj = { id: number };

function numbered(options: Omit<GrowingPoolOptions<Obj>, "factory">): {
  pool: GrowingPool<Obj>;
  made: () => number;
} {
  let n = 0;
  const pool = new GrowingPool({ ...options, factory: () => ({ id: n++ }) });
  return { pool, made: () => n };
}

/** Acquires until `count` are held, returning the capacity seen after each acquire. */
function capacities(
  pool: GrowingPool<Obj>,
  count: number,
  held: Obj[] = [],
): number[] {
  const seen: number[] = [];
  while (held.length < count) {
    held.push(pool.acquire());
    seen.push(pool.capacity);
  }
  return seen;
}

/** The distinct capacities, in order. */
const steps = (seen: number[]): number[] =>
  seen.filter((c, i) => i === 0 || c !== seen[i - 1]);

describe("GrowingPool growth", () => {
  it("linear growth 5 -> 10 -> 15 -> 20 up to its maximum, then PoolEmptyError", () => {
    for (
      const options of [
        { growth: linearGrowth({ increment: 5, maxCapacity: 20 }) },
        { growth: linearGrowth({ increment: 5 }), maxCapacity: 20 },
      ]
    ) {
      const { pool, made } = numbered({
        capacity: 5,
        enableStatistics: true,
        ...options,
      });
      const seen = capacities(pool, 20);
      assert.deepEqual(steps(seen), [5, 10, 15, 20]);
      assert.equal(seen[4], 5); // full at 5 ...
      assert.equal(seen[5], 10); // ... grows on the 6th acquire
      assert.equal(seen[10], 15);
      assert.equal(seen[15], 20);
      assert.equal(made(), 20);
      throwsUnchanged(
        pool,
        () => pool.acquire(),
        PoolEmptyError,
        "PoolEmptyError",
        /^Cannot acquire from pool: all 20 objects are in use$/,
      );
      assert.equal(pool.tryAcquire(), undefined);
      const s = pool.stats();
      assert.equal(s.growthEvents, 3);
      assert.equal(s.peakCapacity, 20);
      assert.equal(s.currentCapacity, 20);
      assert.equal(s.exhaustions, 2);
      assert.equal(s.created, 20);
    }
  });

  it("linear growth is clamped to maxCapacity", () => {
    const { pool } = numbered({
      capacity: 5,
      maxCapacity: 12,
      growth: linearGrowth({ increment: 5 }),
    });
    assert.deepEqual(steps(capacities(pool, 12)), [5, 10, 12]);
    throwsUnchanged(
      pool,
      () => pool.acquire(),
      PoolEmptyError,
      "PoolEmptyError",
    );
  });

  it("the default grows linearly by max(1, floor(capacity / 2))", () => {
    const cases: [number, number | undefined, number, number[]][] = [
      [4, undefined, 10, [4, 6, 8, 10]],
      [5, undefined, 11, [5, 7, 9, 11]],
      [1, undefined, 4, [1, 2, 3, 4]],
      [3, undefined, 6, [3, 4, 5, 6]],
      [4, 7, 7, [4, 6, 7]],
    ];
    for (const [capacity, maxCapacity, count, expected] of cases) {
      const { pool } = numbered(
        maxCapacity === undefined ? { capacity } : { capacity, maxCapacity },
      );
      assert.equal(pool.growth.strategy, "linear");
      assert.deepEqual(
        steps(capacities(pool, count)),
        expected,
        `capacity ${capacity}`,
      );
    }
    const typed = new GrowingPool(Vec, { capacity: 2 });
    for (let i = 0; i < 3; i++) typed.acquire();
    assert.equal(typed.capacity, 3);
  });

  it("is unbounded when no maximum is given anywhere", () => {
    const { pool } = numbered({ capacity: 1, enableStatistics: true });
    assert.equal(pool.maxCapacity, Number.MAX_SAFE_INTEGER);
    capacities(pool, 1000);
    assert.equal(pool.capacity, 1000);
    assert.equal(pool.inUse, 1000);
    assert.equal(pool.stats().growthEvents, 999);
  });

  it("exponential growth with factor 2, clamped to the maximum", () => {
    const { pool } = numbered({
      capacity: 1,
      growth: exponentialGrowth({ factor: 2 }),
      maxCapacity: 10,
      enableStatistics: true,
    });
    assert.deepEqual(steps(capacities(pool, 10)), [1, 2, 4, 8, 10]);
    throwsUnchanged(
      pool,
      () => pool.acquire(),
      PoolEmptyError,
      "PoolEmptyError",
    );
    assert.equal(pool.stats().growthEvents, 4);
  });

  it("exponential growth with factor 1.5 grows by at least one", () => {
    const { pool } = numbered({
      capacity: 1,
      growth: exponentialGrowth({ factor: 1.5 }),
    });
    assert.deepEqual(steps(capacities(pool, 13)), [1, 2, 3, 4, 6, 9, 13]);
  });

  it("accepts a custom strategy object and asks it with the current capacity", () => {
    const asked: number[] = [];
    const triple: GrowthConfig = {
      strategy: "triple",
      nextCapacity: (current) => {
        asked.push(current);
        return current * 3;
      },
      canGrow: (current) => current < 50,
    };
    const { pool } = numbered({ capacity: 2, growth: triple, maxCapacity: 40 });
    assert.equal(pool.growth, triple);
    assert.deepEqual(steps(capacities(pool, 40)), [2, 6, 18, 40]);
    assert.deepEqual(asked, [2, 6, 18]);
    // 40 is the pool's maximum.
    throwsUnchanged(
      pool,
      () => pool.acquire(),
      PoolEmptyError,
      "PoolEmptyError",
    );

    const stopper: GrowthConfig = {
      nextCapacity: (current) => current + 1,
      canGrow: (current) => current < 3,
    };
    const { pool: small } = numbered({ capacity: 2, growth: stopper });
    assert.deepEqual(steps(capacities(small, 3)), [2, 3]);
    throwsUnchanged(
      small,
      () => small.acquire(),
      PoolEmptyError,
      "PoolEmptyError",
    );
    assert.equal(small.tryAcquire(), undefined);
  });

  it("a custom strategy returning a bad next capacity throws PoolConfigurationError", () => {
    for (const bad of [2, 1, 2.5, Number.NaN, Infinity, "7", undefined]) {
      const { pool, made } = numbered({
        capacity: 2,
        enableStatistics: true,
        growth: { nextCapacity: () => bad as number, canGrow: () => true },
      });
      pool.acquire();
      pool.acquire();
      const error = throwsUnchanged(
        pool,
        () => pool.acquire(),
        PoolConfigurationError,
        "PoolConfigurationError",
        /^Cannot grow pool: growth\.nextCapacity\(2\) returned .+, not an integer above 2$/,
      );
      // Strings quoted, numbers and undefined bare.
      const shown = typeof bad === "string" ? `"${bad}"` : String(bad);
      assert.ok(error.message.includes(`returned ${shown},`));
      throwsUnchanged(
        pool,
        () => pool.tryAcquire(),
        PoolConfigurationError,
        "PoolConfigurationError",
      );
      assert.equal(pool.capacity, 2);
      assert.equal(made(), 2);
      assert.equal(pool.stats().growthEvents, 0);
    }
  });

  it("a factory failing while growing leaves the capacity and counters unchanged", () => {
    let fail = false;
    let n = 0;
    const pool = new GrowingPool({
      capacity: 2,
      growth: linearGrowth({ increment: 2 }),
      enableStatistics: true,
      factory: () => {
        if (fail) throw new Error("no resource");
        return { id: n++ };
      },
    });
    pool.acquire();
    pool.acquire();
    fail = true;
    throwsUnchanged(pool, () => pool.acquire(), Error, "Error", /no resource/);
    assert.equal(pool.capacity, 2);
    assert.equal(pool.stats().growthEvents, 0);
    fail = false;
    pool.acquire();
    assert.equal(pool.capacity, 4);
    assert.equal(pool.stats().growthEvents, 1);
  });

  // Re-entrancy: a growth strategy is a callback too. Before the fix the
  // outer acquire committed the capacity it had read before the callback,
  // so an acquire from nextCapacity left 9 objects in a pool of maximum 8.
  it("a growth strategy that acquires from its own pool never takes it past maxCapacity", () => {
    let n = 0;
    let calls = 0;
    const inner: { id: number }[] = [];
    const pool: GrowingPool<{ id: number }> = new GrowingPool({
      capacity: 1,
      maxCapacity: 8,
      factory: () => ({ id: n++ }),
      growth: {
        canGrow: (current) => current < 8,
        nextCapacity: (current) => {
          // Nested: the first three calls each acquire, from inside the last.
          if (calls++ < 3) inner.push(pool.acquire());
          return current + 1;
        },
      },
    });
    const lent: { id: number }[] = [];
    for (;;) {
      const obj = pool.tryAcquire();
      if (obj === undefined) break;
      lent.push(obj);
      assert.ok(pool.inUse <= pool.capacity, `inUse ${pool.inUse}`);
    }
    const all = new Set([...lent, ...inner]);
    assert.equal(inner.length, 3);
    assert.equal(all.size, 8, "every object lent once");
    assert.equal(n, 8, "no object made past maxCapacity");
    assert.equal(pool.capacity, 8);
    assert.equal(pool.inUse, 8);
    for (const obj of all) pool.release(obj);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 8);
  });

  it("a growth strategy that releases or closes its own pool: the pool stays consistent", () => {
    let held: { id: number } | undefined;
    const destroyed: number[] = [];
    let n = 0;
    const pool: GrowingPool<{ id: number }> = new GrowingPool({
      capacity: 1,
      maxCapacity: 4,
      factory: () => ({ id: n++ }),
      destroy: (obj) => void destroyed.push(obj.id),
      growth: {
        canGrow: () => true,
        nextCapacity: (current) => {
          if (held !== undefined) pool.release(held);
          else pool.close();
          return current + 1;
        },
      },
    });
    held = pool.acquire();
    // The strategy released the only object: the pool grows as asked.
    const grown = pool.acquire();
    assert.notEqual(grown, held);
    assert.equal(pool.capacity, 2);
    assert.equal(pool.inUse, 1);
    assert.equal(pool.available, 1);
    held = undefined;
    pool.acquire(); // the idle one
    // The strategy closed the pool: PoolClosedError, the new object goes.
    assert.throws(() => pool.acquire(), PoolClosedError);
    assert.deepEqual(destroyed, [2]);
    assert.equal(pool.inUse, 2);
    assert.equal(pool.available, 0);
    assert.ok(pool.closed);
  });

  it("grows only when nothing is idle", () => {
    const { pool } = numbered({ capacity: 2, enableStatistics: true });
    const a = pool.acquire();
    pool.acquire();
    pool.release(a);
    pool.acquire(); // reuses a: no growth
    assert.equal(pool.capacity, 2);
    assert.equal(pool.stats().growthEvents, 0);
  });
});

describe("GrowingPool.trim", () => {
  it("destroys idle objects above the initial capacity and lowers the capacity", () => {
    const destroyed: Obj[] = [];
    const { pool } = numbered({
      capacity: 5,
      growth: linearGrowth({ increment: 5 }),
      maxCapacity: 20,
      destroy: (o) => destroyed.push(o),
      enableStatistics: true,
    });
    assert.equal(pool.initialCapacity, 5);
    assert.equal(pool.trim(), 0); // nothing to trim yet
    const held: Obj[] = [];
    capacities(pool, 10, held);
    assert.equal(pool.capacity, 10);
    // Release 3: 10 alive, 3 idle. Trim keeps max(initial, alive after trim).
    for (const o of held.splice(0, 3)) pool.release(o);
    assert.equal(pool.trim(), 3);
    assert.equal(destroyed.length, 3);
    assert.equal(pool.capacity, 7);
    assert.equal(pool.available, 0);
    assert.equal(pool.inUse, 7);
    // Release the rest: trim back to the initial capacity.
    for (const o of held.splice(0)) pool.release(o);
    assert.equal(pool.available, 7);
    assert.equal(pool.trim(), 2);
    assert.equal(destroyed.length, 5);
    assert.equal(new Set(destroyed).size, 5);
    assert.equal(pool.capacity, 5);
    assert.equal(pool.available, 5);
    assert.equal(pool.trim(), 0);
    let s = pool.stats();
    assert.equal(s.destroyed, 5);
    assert.equal(s.currentCapacity, 5);
    assert.equal(s.peakCapacity, 10);
    assert.equal(s.growthEvents, 1);
    // The next burst grows again, and is counted.
    capacities(pool, 6, held);
    assert.equal(pool.capacity, 10);
    s = pool.stats();
    assert.equal(s.growthEvents, 2);
  });

  it("trims a pool that grew past its initial capacity with preInitialize", () => {
    const { pool, made } = numbered({ capacity: 3, preInitialize: true });
    assert.equal(made(), 3);
    const held: Obj[] = [];
    capacities(pool, 5, held);
    for (const o of held) pool.release(o);
    assert.equal(pool.trim(), 2);
    assert.equal(pool.available, 3);
    assert.equal(pool.capacity, 3);
  });

  it("a destroy error during trim is an AggregateError, and every object still goes", () => {
    const { pool } = numbered({
      capacity: 1,
      growth: linearGrowth({ increment: 1 }),
      destroy: (o) => {
        if (o.id !== 1) throw new Error(`destroy ${o.id} failed`);
      },
    });
    const held: Obj[] = [];
    capacities(pool, 4, held);
    for (const o of held) pool.release(o);
    let caught: unknown;
    try {
      pool.trim();
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof AggregateError);
    assert.equal(caught.errors.length, 2);
    assert.match(
      caught.message,
      /^Cannot trim pool: destroy threw for 2 objects$/,
    );
    assert.equal(pool.available, 1);
    assert.equal(pool.capacity, 1);
    assert.equal(pool.trim(), 0);
  });

  it("a destroy callback that borrows during trim never gets a retired object back", () => {
    // Stack entries above the idle count are left behind by acquires; trim
    // pops an object whose older entry sits higher up, and a destroy
    // callback that makes a new object in its freed slot must not find it.
    type Item = { id: number };
    let made = 0;
    const destroyed: Item[] = [];
    let lentInDestroy: Item | undefined;
    let madeInDestroy: Item | undefined;
    const pool: GrowingPool<Item> = new GrowingPool({
      capacity: 1,
      growth: linearGrowth({ increment: 1 }),
      factory: () => ({ id: made++ }),
      destroy: (o) => {
        destroyed.push(o);
        if (destroyed.length > 1) return;
        madeInDestroy = pool.acquire(); // new, in the freed slot
        pool.release(a);
        pool.release(madeInDestroy);
        lentInDestroy = pool.acquire();
        pool.release(lentInDestroy);
      },
    });
    const a = pool.acquire();
    const b = pool.acquire();
    const c = pool.acquire();
    pool.release(c);
    pool.release(b);
    assert.equal(pool.acquire(), b); // its entry stays above the count
    assert.equal(pool.acquire(), c);
    pool.release(b); // one entry lower: the older one is now a stale copy
    pool.trim();
    assert.equal(destroyed[0], b);
    assert.equal(madeInDestroy?.id, 3);
    assert.equal(lentInDestroy, madeInDestroy);
    const lent = new Set<Item>();
    while (pool.available > 0) lent.add(pool.acquire());
    for (const o of destroyed) assert.ok(!lent.has(o), `lent retired ${o.id}`);
  });

  it("exposes initialCapacity, maxCapacity and growth", () => {
    const growth = exponentialGrowth({ factor: 2 });
    const pool = new GrowingPool({
      capacity: 3,
      maxCapacity: 30,
      growth,
      factory: () => ({}),
    });
    assert.ok(pool instanceof BasePool);
    assert.equal(pool.initialCapacity, 3);
    assert.equal(pool.maxCapacity, 30);
    assert.equal(pool.growth, growth);
  });
});

describe("GrowingPool keys", () => {
  it("tells a stale key apart for exactly keyGenerations reuses of its slot (2^10 above 2^21 slots)", () => {
    const pool = new GrowingPool({
      capacity: 1,
      maxCapacity: 2 ** 22,
      factory: () => ({ n: 0 }),
    });
    assert.equal(pool.keyGenerations, 2 ** 10);
    const stale = pool.acquireKey();
    pool.releaseKey(stale);
    for (let i = 1; i < pool.keyGenerations; i++) {
      const key = pool.acquireKey(); // the same slot every time
      assert.notEqual(key, stale);
      throwsUnchanged(
        pool,
        () => pool.releaseKey(stale),
        AlreadyReleasedError,
        "AlreadyReleasedError",
      );
      pool.releaseKey(key);
    }
    // The documented bound: one more lap and the number names a borrow again.
    assert.equal(pool.acquireKey(), stale);
  });

  it("a small pool tells keys apart for 2^(31 - slot bits) borrows", () => {
    assert.equal(
      new GrowingPool({ capacity: 4, maxCapacity: 32, factory: () => ({}) })
        .keyGenerations,
      2 ** 26,
    );
  });
});

describe("GrowingPool after its fast paths settled", () => {
  // The compiled fast paths read a per-pool copy of the pool's arrays and
  // modes: growth, close and an unstampable object must reach that copy.
  it("lends every object once and takes each back after growth replaced its arrays, by object and by key", () => {
    const { pool } = numbered({ capacity: 2, preInitialize: true });
    // Warm the fast paths on the settled state first.
    for (let i = 0; i < 1000; i++) pool.release(pool.acquire());
    // Lent before the growth, released after it.
    const early = [pool.acquire(), pool.acquire()];
    const earlyKey = pool.keyOf(early[1]!);
    const held = new Set<Obj>();
    for (let i = 0; i < 150; i++) held.add(pool.acquire()); // grows past 8, 16 … 128 slots
    pool.release(early[0]!);
    pool.releaseKey(earlyKey);
    assert.throws(() => pool.release(early[0]!), AlreadyReleasedError);
    assert.throws(() => pool.release(early[1]!), AlreadyReleasedError);
    assert.throws(() => pool.releaseKey(earlyKey), AlreadyReleasedError);
    assert.equal(pool.available, 2);
    const back = [pool.acquire(), pool.acquire()];
    assert.deepEqual(new Set(back), new Set(early));
    for (const obj of back) held.add(obj);
    const keys: number[] = [];
    for (let i = 0; i < 150; i++) keys.push(pool.acquireKey());
    for (const key of keys) held.add(pool.objectOf(key));
    assert.equal(held.size, 302); // no object lent twice
    assert.equal(pool.inUse, 302);
    for (const key of keys) pool.releaseKey(key);
    for (const key of keys) {
      assert.throws(() => pool.releaseKey(key), AlreadyReleasedError);
    }
    let released = 0;
    for (const obj of held) {
      try {
        pool.release(obj);
        released++;
      } catch (error) {
        assert.ok(error instanceof AlreadyReleasedError); // the keyed half
      }
    }
    assert.equal(released, 152);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 302);
    const again = new Set<Obj>();
    for (let i = 0; i < 302; i++) again.add(pool.acquire());
    assert.equal(again.size, 302);
    assert.deepEqual(again, held);
  });

  it("an object that cannot be stamped, made after the fast paths settled, is lent and taken back", () => {
    let n = 0;
    const pool = new GrowingPool({
      capacity: 1,
      preInitialize: true,
      factory: () => n++ === 0 ? { id: 0 } : Object.freeze({ id: n - 1 }),
    });
    for (let i = 0; i < 1000; i++) pool.release(pool.acquire());
    const first = pool.acquire();
    const frozen = pool.acquire(); // grows: a frozen object
    assert.ok(Object.isFrozen(frozen));
    pool.release(first);
    pool.release(frozen);
    assert.throws(() => pool.release(frozen), AlreadyReleasedError);
    assert.equal(pool.inUse, 0);
    // use() lends the frozen object (the last released) and takes it back.
    assert.equal(pool.use((o) => o), frozen);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 2);
    const key = pool.acquireKey(); // the top of the idle stack: frozen again
    assert.equal(pool.objectOf(key), frozen);
    assert.equal(pool.keyOf(frozen), key);
    pool.releaseKey(key);
    const a = pool.acquire();
    const b = pool.acquire();
    assert.deepEqual(new Set([a, b]), new Set([first, frozen]));
  });

  it("a pool closed after its fast paths settled refuses every borrow and destroys what comes back", () => {
    const destroyed: Obj[] = [];
    const pool = new GrowingPool({
      capacity: 4,
      preInitialize: true,
      factory: () => ({ id: 0 }),
      destroy: (o: Obj) => destroyed.push(o),
    });
    for (let i = 0; i < 1000; i++) pool.releaseKey(pool.acquireKey());
    const held = pool.acquire();
    pool.close();
    assert.throws(() => pool.acquire(), PoolClosedError);
    assert.throws(() => pool.acquireKey(), PoolClosedError);
    assert.throws(() => pool.use(() => 1), PoolClosedError);
    pool.release(held); // a borrow out at close still comes back, to be destroyed
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 0);
    assert.equal(destroyed.length, 4);
    assert.ok(destroyed.includes(held));
  });
});
