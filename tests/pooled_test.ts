// `pooled` without decorator syntax: `installPool(Class, options)` and the
// decorator called by hand. No decorator syntax here, so this file runs on
// Node's type stripping as well as on Deno and Bun.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AsyncPool,
  FixedPool,
  GrowingPool,
  installPool,
  InvalidCapacityError,
  type Pool,
  PoolConfigurationError,
  pooled,
  ThreadLocalPool,
  ThreadSafePool,
} from "../mod.ts";

const configError = (pattern: RegExp) => (error: unknown): boolean =>
  error instanceof PoolConfigurationError && pattern.test(error.message);

/** A context as a runtime would pass it, its initializers kept to run later. */
function contextFor<C extends abstract new (...args: never) => unknown>(
  target: C,
  initializers: (() => void)[],
): ClassDecoratorContext<C> {
  return {
    kind: "class",
    name: target.name,
    addInitializer: (init: () => void) => initializers.push(init),
    metadata: {},
  } as unknown as ClassDecoratorContext<C>;
}

describe("installPool()", () => {
  it("installs the pool as the class's static pool and returns it", () => {
    class Job {
      declare static pool: Pool<Job>;
      id = 0;
      reset(): void {
        this.id = 0;
      }
    }
    const pool = installPool(Job, { capacity: 3, reset: "reset" });
    assert.equal(pool, Job.pool);
    assert.ok(Job.pool instanceof FixedPool);
    assert.equal(Job.pool.capacity, 3);
    const job = Job.pool.get();
    assert.ok(job instanceof Job);
    job.id = 9;
    Job.pool.release(job);
    assert.equal(job.id, 0);
    assert.throws(() => Job.pool.release(job), /already released/);
    const descriptor = Object.getOwnPropertyDescriptor(Job, "pool");
    assert.equal(descriptor?.writable, false);
    assert.equal(descriptor?.enumerable, true);
  });

  it("builds every pool kind from its flags, as @pooled does", async () => {
    class A {}
    class B {}
    class C {}
    class D {}
    class E {}
    assert.ok(installPool(A, { capacity: 2 }) instanceof FixedPool);
    assert.ok(
      installPool(B, { capacity: 2, maxCapacity: 4 }) instanceof GrowingPool,
    );
    assert.ok(
      installPool(C, { capacity: 2, threadSafe: true }) instanceof
        ThreadSafePool,
    );
    assert.ok(
      installPool(D, { capacity: 2, threadLocal: true }) instanceof
        ThreadLocalPool,
    );
    const async = installPool(E, { capacity: 2, async: true });
    assert.ok(async instanceof AsyncPool);
    const e = await async.acquire();
    assert.ok(e instanceof E);
    await async.release(e);
    await async.close();
  });

  it("names the class in messages without running a static name getter", () => {
    let ran = false;
    class Named {
      static get name(): string {
        ran = true;
        return "Named";
      }
    }
    installPool(Named, { capacity: 1 });
    assert.throws(
      () => installPool(Named, { capacity: 1 }),
      configError(
        /^Cannot build pool of a class: it already has a static "pool"$/,
      ),
    );
    assert.equal(ran, false);
  });

  it("rejects a second install instead of dropping the first pool", () => {
    class Twice {
      declare static pool: Pool<Twice>;
    }
    const first = installPool(Twice, { capacity: 1 });
    assert.throws(
      () => installPool(Twice, { capacity: 2 }),
      configError(
        /^Cannot build pool of class "Twice": it already has a static "pool"$/,
      ),
    );
    assert.equal(Twice.pool, first);
  });

  it("rejects what is not a class, and bad settings, before touching the class", () => {
    for (const bad of [undefined, null, 7, "Job", {}]) {
      assert.throws(
        () => installPool(bad as never, { capacity: 1 }),
        configError(/^Cannot install pool: type .* is not a class$/),
      );
    }
    class Target {}
    assert.throws(
      () => installPool(Target, null as never),
      configError(/options .* are not an object/),
    );
    assert.throws(
      () => installPool(Target, { capacity: 1, type: Object } as never),
      configError(/option "type" is unknown/),
    );
    assert.throws(
      () => installPool(Target, { capacity: 1, threadSafe: true, async: true }),
      configError(/async cannot be combined with threadSafe/),
    );
    assert.throws(
      () => installPool(Target, { capacity: 1, capcity: 2 } as never),
      configError(/setting "capcity" is unknown/),
    );
    assert.throws(
      () => installPool(Target, { capacity: -1 }),
      (error) => error instanceof InvalidCapacityError,
    );
    assert.equal(Object.hasOwn(Target, "pool"), false);
  });
});

describe("pooled() called by hand", () => {
  it("installs the pool when the context runs its initializer", () => {
    class Job {
      declare static pool: Pool<Job>;
      id = 0;
    }
    const initializers: (() => void)[] = [];
    pooled({ capacity: 3 })(Job, contextFor(Job, initializers));
    assert.equal(initializers.length, 1);
    for (const init of initializers) init.call(Job);
    assert.ok(Job.pool instanceof FixedPool);
    assert.ok(Job.pool.acquire() instanceof Job);
  });

  it("fails loudly, not with undefined, when addInitializer does nothing", () => {
    class Lost {
      declare static pool: Pool<Lost>;
    }
    pooled({ capacity: 2 })(Lost, contextFor(Lost, []));
    assert.throws(
      () => Lost.pool,
      configError(
        /^Cannot use the pool of @pooled class "Lost": the decorator's initializer has not run .*installPool\(Class, options\)\)$/,
      ),
    );
  });

  it("rejects a context that is not a class decorator context", () => {
    class Target {}
    const decorate = pooled({ capacity: 2 });
    for (
      const bad of [
        undefined,
        null,
        {},
        { kind: "method", addInitializer: () => {} },
        { kind: "class" },
      ]
    ) {
      assert.throws(
        () => decorate(Target as never, bad as never),
        configError(/is not a class decorator context/),
      );
    }
    assert.equal(Object.hasOwn(Target, "pool"), false);
    for (const bad of [undefined, null, 3, {}]) {
      assert.throws(
        () => decorate(bad as never, contextFor(Target, [])),
        configError(/^Cannot build @pooled class: target .* is not a class$/),
      );
    }
  });

  it("throws PoolConfigurationError for conflicts when called", () => {
    assert.throws(
      () => pooled({ capacity: 1, threadSafe: true, threadLocal: true }),
      configError(/threadSafe and threadLocal/),
    );
    assert.throws(
      () => pooled({ capacity: 1, async: true, threadSafe: true }),
      configError(/async cannot be combined/),
    );
    assert.throws(
      () => pooled({} as never),
      configError(/capacity was not set/),
    );
    assert.throws(
      () => pooled({ capacity: 2, type: Object } as never),
      configError(/option "type" is unknown/),
    );
  });
});
