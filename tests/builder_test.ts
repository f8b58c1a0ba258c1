import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AsyncPool,
  FixedPool,
  GrowingPool,
  InvalidCapacityError,
  linearGrowth,
  Pool,
  PoolConfigurationError,
  ThreadLocalPool,
  ThreadSafePool,
} from "../mod.ts";
import { buildPool } from "../pools/_build_pool.ts";

class MyObject {
  value = 0;
  reset(): void {
    this.value = 0;
  }
}

function configError(pattern: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof PoolConfigurationError && pattern.test(error.message);
}

describe("Pool.builder()", () => {
  it("works as written in the seed example", () => {
    const pool = Pool.builder<MyObject>()
      .type(MyObject).capacity(1000).threadSafe(true).enableStatistics(true)
      .build();
    assert.ok(pool instanceof ThreadSafePool);
    assert.equal(pool.capacity, 1000);
    const obj = pool.acquire();
    assert.ok(obj instanceof MyObject);
    pool.release(obj);
    assert.equal(pool.stats().enabled, true);
    assert.equal(pool.stats().totalAllocations, 1);
    pool.close();
  });

  it("picks the class by precedence: async, threadLocal, threadSafe, growing, fixed", () => {
    const base = () => Pool.builder().type(MyObject).capacity(4);
    assert.ok(base().build() instanceof FixedPool);
    assert.ok(base().maxCapacity(8).build() instanceof GrowingPool);
    assert.ok(
      base().growth(linearGrowth({ increment: 2 })).build() instanceof
        GrowingPool,
    );
    assert.ok(base().threadSafe().build() instanceof ThreadSafePool);
    assert.ok(base().threadLocal().build() instanceof ThreadLocalPool);
    const asyncPool = base().async().build();
    assert.ok(asyncPool instanceof AsyncPool);
    void asyncPool.close();
    assert.ok(base().async(false).build() instanceof FixedPool);
    assert.ok(base().threadSafe(false).build() instanceof FixedPool);
  });

  it("passes every option to the pool it builds", () => {
    const destroyed: MyObject[] = [];
    const pool = Pool.builder()
      .type(MyObject)
      .capacity(2)
      .maxCapacity(5)
      .growth(linearGrowth({ increment: 3 }))
      .preInitialize()
      .reset("reset")
      .destroy((obj) => destroyed.push(obj))
      .allocator("deque")
      .enableStatistics({ timing: true, sampleRate: 1 })
      .build() as GrowingPool<MyObject>;
    assert.ok(pool instanceof GrowingPool);
    assert.equal(pool.available, 2, "preInitialize created both");
    assert.equal(pool.allocator, "deque");
    assert.equal(pool.maxCapacity, 5);
    const held = [pool.acquire(), pool.acquire(), pool.acquire()];
    assert.equal(pool.capacity, 5, "grew by the given increment");
    held[0]!.value = 7;
    for (const obj of held) pool.release(obj);
    assert.equal(held[0]!.value, 0, "reset method ran");
    assert.ok(pool.stats().avgAllocationTimeNs > 0, "timing on");
    pool.close();
    assert.equal(destroyed.length, 3);
  });

  it("infers the type from factory()", () => {
    const pool = Pool.builder().factory(() => ({ x: 1, y: 2 })).capacity(3)
      .build();
    const point = pool.acquire();
    assert.equal(point.x + point.y, 3);
    pool.release(point);
  });

  it("throws PoolConfigurationError for each conflict, nothing dropped", () => {
    const cases: [() => unknown, RegExp][] = [
      [() => Pool.builder().capacity(2).build(), /needs a type or a factory/],
      [() => Pool.builder().type(MyObject).build(), /capacity was not set/],
      [
        () =>
          Pool.builder().type(MyObject).capacity(2).threadSafe().threadLocal()
            .build(),
        /threadSafe and threadLocal cannot both be set/,
      ],
      [
        () =>
          Pool.builder().type(MyObject).capacity(2).threadSafe().async()
            .build(),
        /async cannot be combined with threadSafe/,
      ],
      [
        () =>
          Pool.builder().type(MyObject).capacity(2).threadLocal().async()
            .build(),
        /async cannot be combined with threadLocal/,
      ],
      [
        () =>
          Pool.builder().type(MyObject).capacity(2).maxCapacity(4).threadSafe()
            .build(),
        /growth and maxCapacity cannot be combined with threadSafe/,
      ],
      [
        () =>
          Pool.builder().type(MyObject).capacity(2)
            .growth(linearGrowth({ increment: 1 })).threadLocal().build(),
        /growth and maxCapacity cannot be combined with threadLocal/,
      ],
      [
        () =>
          Pool.builder().type(MyObject).capacity(2).maxCapacity(4).async()
            .build(),
        /cannot be combined with async/,
      ],
    ];
    for (const [build, pattern] of cases) {
      assert.throws(build, configError(pattern), String(pattern));
    }
  });

  it("lets the chosen pool reject values it cannot use", () => {
    assert.throws(
      () => Pool.builder().type(MyObject).capacity(0).build(),
      InvalidCapacityError,
    );
    assert.throws(
      () =>
        Pool.builder().type(MyObject).capacity(2).allocator("heap" as never)
          .build(),
      configError(/allocator "heap"/),
    );
    assert.throws(
      () => Pool.builder().capacity(2).type(undefined as never),
      configError(/Cannot set type/),
    );
  });
});

describe("buildPool()", () => {
  it("builds from a plain blueprint", () => {
    const pool = buildPool({ capacity: 1, factory: () => ({ n: 1 }) }, "pool");
    assert.ok(pool instanceof FixedPool);
  });
});
