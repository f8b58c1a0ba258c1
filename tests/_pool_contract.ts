/**
 * The `Pool<T>` contract, run against every synchronous pool: FixedPool,
 * GrowingPool (with `maxCapacity === capacity`, which then behaves the
 * same), ThreadLocalPool and ThreadSafePool (its wrappers made by the same
 * factory options). Each pool comes with a small adapter, {@linkcode
 * ContractPool}, for what differs by design. Private to the tests.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  AlreadyReleasedError,
  ForeignObjectError,
  PoolClosedError,
  PoolConfigurationError,
  PoolEmptyError,
  TypeMismatchError,
} from "../errors.ts";
import type {
  AllocatorKind,
  GrowingPoolOptions,
  PoolOptions,
  PoolType,
} from "../config/options.ts";
import type { Pool } from "../pools/builder.ts";
import { ContextHandle } from "../handles/context_handle.ts";
import { FixedPool } from "../pools/fixed_pool.ts";
import { GrowingPool } from "../pools/growing_pool.ts";
import { ThreadLocalPool } from "../pools/thread_local_pool.ts";
import { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import type {
  SlotFactory,
  SlotType,
  ThreadSafePoolOptions,
} from "../config/thread_safe_options.ts";
import {
  type Observable,
  stateOf,
  throwsExactly,
  throwsUnchanged,
} from "./_state.ts";

/** Makes a pool of the kind under test, from a type or from a factory. */
export type MakePool = <T extends object>(
  options: PoolOptions<T>,
  type?: PoolType<T>,
) => Pool<T>;

/** The allocator kind a pool reports (not part of `Pool<T>`). */
function allocatorOf(pool: object): unknown {
  return (pool as { allocator?: unknown }).allocator;
}

/** A pooled class for type checks. */
export class Vec {
  x = 0;
  y = 0;
  clear(): void {
    this.x = this.y = 0;
  }
}

type Box = { id: number; x: number };

/** A factory that numbers its objects, and counts them. */
function counter(): { factory: () => Box; made: () => number } {
  let n = 0;
  return { factory: () => ({ id: n++, x: 0 }), made: () => n };
}

const KINDS: readonly AllocatorKind[] = ["stack", "freelist", "deque"];

/** An allocator kind in a test name (`undefined`: the pool's own order). */
function label(allocator: AllocatorKind | undefined): string {
  return allocator ?? "its own order";
}

/** The `allocator` option, or none for `undefined`. */
function kind(
  allocator: AllocatorKind | undefined,
): { allocator?: AllocatorKind } {
  return allocator === undefined ? {} : { allocator };
}

/** Pool configurations that take different release paths. */
const MODES: [string, Partial<PoolOptions<Box>>][] = [
  ["plain", {}],
  ["statistics", { enableStatistics: true }],
  ["reset", { reset: (b: Box) => void (b.x = 0) }],
  ["timing", { enableStatistics: { timing: true, sampleRate: 1 } }],
];

/**
 * What the contract needs to know of one pool class: its name, how to make
 * one (from options or a type), and the allocator kinds it takes
 * (`undefined` alone: it has no `allocator` option, the sections that loop
 * over allocators run once on its own order, and the order sections of the
 * three kinds do not apply).
 */
export interface ContractPool {
  readonly name: string;
  readonly make: MakePool;
  readonly allocators: readonly (AllocatorKind | undefined)[];
  /**
   * Every place exists from the start (ThreadSafePool's slots in shared
   * memory): `available` counts the free places, not the idle objects made.
   */
  readonly placesExist: boolean;
  /** What its exhaustion message calls the things it lends. */
  readonly noun: string;
}

/**
 * What `available` must read on `pool` when `made` idle objects were made:
 * `made`, or every free place for a pool whose places exist from the start.
 */
function idleOf(
  subject: ContractPool,
  pool: Observable,
  made: number,
): number {
  return subject.placesExist && !pool.closed
    ? pool.capacity - pool.inUse
    : made;
}

/** Runs the contract for one pool class. */
export function poolContract(subject: ContractPool): void {
  const { name, make, allocators } = subject;
  const idle = (pool: Observable, made: number) => idleOf(subject, pool, made);
  describe(`${name}: normal use`, () => {
    it("acquire creates on demand up to capacity, then reuses", () => {
      const { factory, made } = counter();
      const pool = make({ capacity: 3, factory });
      assert.equal(pool.capacity, 3);
      assert.equal(pool.inUse, 0);
      assert.equal(pool.available, idle(pool, 0));
      assert.equal(pool.closed, false);
      assert.equal(made(), 0);
      const a = pool.acquire();
      const b = pool.get();
      assert.notEqual(a, b);
      assert.equal(made(), 2);
      assert.equal(pool.inUse, 2);
      assert.equal(pool.available, idle(pool, 0));
      pool.release(a);
      assert.equal(pool.inUse, 1);
      assert.equal(pool.available, idle(pool, 1));
      assert.equal(pool.acquire(), a); // reused, not created
      assert.equal(made(), 2);
      const c = pool.tryAcquire();
      assert.ok(c !== undefined && c !== a && c !== b);
      assert.equal(made(), 3);
      assert.equal(pool.tryAcquire(), undefined);
      assert.equal(pool.inUse, 3);
    });

    it("objects made from a type are instances of it; a factory overrides new", () => {
      const pool = make({ capacity: 2 }, Vec);
      const v = pool.acquire();
      assert.ok(v instanceof Vec);
      pool.release(v);
      let calls = 0;
      const viaFactory = make({
        capacity: 1,
        factory: () => {
          calls++;
          const made = new Vec();
          made.x = 7;
          return made;
        },
      }, Vec);
      assert.equal(viaFactory.acquire().x, 7);
      assert.equal(calls, 1);
    });

    it("pooled objects show no extra enumerable keys", () => {
      for (const allocator of allocators) {
        const pool = make({
          capacity: 2,
          factory: () => ({ a: 1 }),
          ...kind(allocator),
        });
        const obj = pool.acquire();
        pool.release(obj);
        assert.deepEqual(Object.keys(obj), ["a"]);
        assert.equal(JSON.stringify(obj), '{"a":1}');
        assert.deepEqual({ ...obj }, { a: 1 });
      }
    });

    // The order each allocator kind promises (pools with the option only).
    if (KINDS.every((kind) => allocators.includes(kind))) {
      it("the default allocator is a LIFO stack", () => {
        const pool = make({ capacity: 3, factory: counter().factory });
        assert.equal(allocatorOf(pool), "stack");
        const [a, b, c] = [pool.acquire(), pool.acquire(), pool.acquire()];
        pool.release(a);
        pool.release(b);
        pool.release(c);
        assert.deepEqual([pool.acquire(), pool.acquire(), pool.acquire()], [
          c,
          b,
          a,
        ]);
      });

      it("the freelist allocator is LIFO too", () => {
        const pool = make({
          capacity: 3,
          factory: counter().factory,
          allocator: "freelist",
        });
        assert.equal(allocatorOf(pool), "freelist");
        const [a, b, c] = [pool.acquire(), pool.acquire(), pool.acquire()];
        pool.release(b);
        pool.release(a);
        pool.release(c);
        assert.deepEqual([pool.acquire(), pool.acquire(), pool.acquire()], [
          c,
          a,
          b,
        ]);
      });

      it("the deque allocator is FIFO: the longest idle object goes next", () => {
        const pool = make({
          capacity: 6,
          factory: counter().factory,
          allocator: "deque",
        });
        assert.equal(allocatorOf(pool), "deque");
        const objs = Array.from({ length: 6 }, () => pool.acquire());
        const order = [3, 0, 5, 1, 4, 2];
        for (const i of order) pool.release(objs[i]!);
        assert.deepEqual(
          Array.from({ length: 6 }, () => pool.acquire()),
          order.map((i) => objs[i]),
        );
      });
    }

    for (const allocator of allocators) {
      it(`many cycles with the ${label(allocator)} allocator keep the counts right`, () => {
        const { factory, made } = counter();
        const pool = make({
          capacity: 5,
          factory,
          ...kind(allocator),
          enableStatistics: true,
        });
        const held: Box[] = [];
        let seed = 7;
        for (let step = 0; step < 500; step++) {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          if (held.length < 5 && (held.length === 0 || seed % 3 !== 0)) {
            const obj = pool.acquire();
            assert.ok(!held.includes(obj), "an object was lent twice");
            held.push(obj);
          } else {
            const [obj] = held.splice(seed % held.length, 1);
            pool.release(obj!);
          }
          assert.equal(pool.inUse, held.length);
          assert.equal(pool.available, idle(pool, made() - pool.inUse));
        }
        assert.ok(made() <= 5);
        const s = pool.stats();
        assert.equal(s.currentInUse, s.totalAllocations - s.totalReleases);
        assert.equal(s.created, made());
      });
    }

    it("preInitialize creates every object in the constructor", () => {
      const { factory, made } = counter();
      const pool = make({
        capacity: 4,
        factory,
        preInitialize: true,
        enableStatistics: true,
      });
      assert.equal(made(), 4);
      assert.equal(pool.available, idle(pool, 4));
      assert.equal(pool.inUse, 0);
      assert.equal(pool.stats().created, 4);
      for (let i = 0; i < 4; i++) pool.acquire();
      assert.equal(made(), 4);
      assert.equal(pool.stats().totalAllocations, 4);
      const lazy = counter();
      make({ capacity: 4, factory: lazy.factory, preInitialize: false });
      assert.equal(lazy.made(), 0);
    });

    it("preInitialize with a failing factory destroys what it made and throws", () => {
      let n = 0;
      const destroyed: number[] = [];
      assert.throws(
        () =>
          make({
            capacity: 5,
            factory: () => {
              if (n === 3) throw new Error("factory failed");
              return { id: n++, x: 0 };
            },
            destroy: (b) => destroyed.push(b.id),
            preInitialize: true,
          }),
        /factory failed/,
      );
      assert.deepEqual(destroyed.sort(), [0, 1, 2]);
    });

    it("reset as a function runs on release, not on acquire", () => {
      const seen: Box[] = [];
      const pool = make({
        capacity: 2,
        factory: counter().factory,
        reset: (b) => {
          seen.push(b);
          b.x = 0;
        },
        enableStatistics: true,
      });
      const obj = pool.acquire();
      obj.x = 9;
      assert.equal(seen.length, 0);
      pool.release(obj);
      assert.deepEqual(seen, [obj]);
      assert.equal(obj.x, 0);
      pool.acquire();
      assert.equal(seen.length, 1);
      assert.equal(pool.stats().totalResets, 1);
    });

    it("reset as a method name calls the object's method", () => {
      const pool = make({ capacity: 2, reset: "clear" }, Vec);
      const v = pool.acquire();
      v.x = 3;
      v.y = 4;
      pool.release(v);
      assert.deepEqual([v.x, v.y], [0, 0]);
      const viaFactory = make({
        capacity: 1,
        factory: () => {
          const o = {
            x: 5,
            wipe(this: { x: number }) {
              this.x = 0;
            },
          };
          return o;
        },
        reset: "wipe",
      });
      const o = viaFactory.acquire();
      viaFactory.release(o);
      assert.equal(o.x, 0);
    });

    it("a reset method name missing on the factory's objects fails at creation", () => {
      const pool = make({
        capacity: 2,
        factory: () => ({ x: 1 }),
        reset: "clear",
      });
      throwsUnchanged(
        pool,
        () => pool.acquire(),
        PoolConfigurationError,
        "PoolConfigurationError",
        /reset method "clear" is not a method of/,
      );
    });

    it("use(fn) lends for the duration of a synchronous call", () => {
      const pool = make({ capacity: 1, factory: counter().factory });
      let inside = -1;
      const result = pool.use((b) => {
        inside = pool.inUse;
        b.x = 5;
        return b.x * 2;
      });
      assert.equal(result, 10);
      assert.equal(inside, 1);
      assert.equal(pool.inUse, 0);
      // Nested uses get different objects.
      const nested = make({ capacity: 2, factory: counter().factory });
      nested.use((a) => nested.use((b) => assert.notEqual(a, b)));
      assert.equal(nested.inUse, 0);
    });

    it("use(fn) releases when fn throws, and rethrows fn's error", () => {
      const pool = make({
        capacity: 1,
        factory: counter().factory,
        enableStatistics: true,
      });
      const boom = new Error("boom");
      assert.throws(
        () =>
          pool.use(() => {
            throw boom;
          }),
        (e) => e === boom,
      );
      assert.equal(pool.inUse, 0);
      assert.equal(pool.stats().totalReleases, 1);
    });

    it("use(fn) with an async fn releases when the promise resolves", async () => {
      const pool = make({ capacity: 1, factory: counter().factory });
      let resolve!: (v: number) => void;
      const pending = pool.use((b) =>
        new Promise<number>((r) => {
          resolve = r;
        }).then((v) => v + b.id)
      );
      assert.ok(pending instanceof Promise);
      assert.equal(pool.inUse, 1);
      assert.equal(pool.tryAcquire(), undefined);
      resolve(41);
      assert.equal(await pending, 41);
      assert.equal(pool.inUse, 0);
    });

    it("use(fn) with an async fn releases when the promise rejects", async () => {
      const pool = make({ capacity: 1, factory: counter().factory });
      const boom = new Error("async boom");
      await assert.rejects(
        pool.use(async () => {
          await Promise.resolve();
          throw boom;
        }),
        (e) => e === boom,
      );
      assert.equal(pool.inUse, 0);
      assert.equal(pool.available, idle(pool, 1));
    });

    it("use(fn) with a thenable result waits for it", async () => {
      const pool = make({ capacity: 1, factory: counter().factory });
      const thenable = {
        then(ok: (v: string) => void) {
          setTimeout(() => ok("done"), 1);
        },
      };
      const pending = pool.use(() => thenable) as unknown as Promise<string>;
      assert.equal(pool.inUse, 1);
      assert.equal(await pending, "done");
      assert.equal(pool.inUse, 0);
    });

    it("use(fn) returning an object that is no promise releases at once; one whose then getter throws too", () => {
      const pool = make({ capacity: 1, factory: counter().factory });
      const plain = { n: 1 };
      assert.equal(pool.use(() => plain), plain);
      assert.equal(pool.inUse, 0);
      const hostile = Object.defineProperty({}, "then", {
        get() {
          throw new Error("then getter ran into trouble");
        },
      });
      // Not a promise (its then cannot be read): returned as is, borrow over.
      assert.equal(pool.use(() => hostile), hostile);
      assert.equal(pool.inUse, 0);
      const again = pool.acquire(); // the object came back
      pool.release(again);
    });

    it("use(fn) rethrows fn's error when the reset fails too, and counts the failure", () => {
      const pool = make({
        capacity: 1,
        factory: counter().factory,
        reset: () => {
          throw new Error("reset failed");
        },
        enableStatistics: true,
      });
      assert.throws(
        () =>
          pool.use(() => {
            throw new Error("fn failed");
          }),
        /fn failed/,
      );
      assert.equal(pool.inUse, 0);
      assert.equal(pool.stats().resetFailures, 1);
      assert.throws(() => pool.use(() => 1), /reset failed/);
      assert.equal(pool.inUse, 0);
    });

    it("use(fn) with a non-function throws TypeError and lends nothing", () => {
      const pool = make({
        capacity: 1,
        factory: counter().factory,
        enableStatistics: true,
      });
      throwsUnchanged(
        pool,
        () => pool.use(42 as never),
        TypeError,
        "TypeError",
        /^Cannot use pool: fn 42 is not a function$/,
      );
    });

    it("use(fn) on a full pool throws PoolEmptyError without calling fn", () => {
      const pool = make({ capacity: 1, factory: counter().factory });
      pool.acquire();
      let called = false;
      throwsUnchanged(
        pool,
        () => pool.use(() => (called = true)),
        PoolEmptyError,
        "PoolEmptyError",
      );
      assert.equal(called, false);
    });

    it("allocate, allocateOwned and weak give handles to live borrows", () => {
      const pool = make({ capacity: 3, factory: counter().factory });
      const h = pool.allocate();
      const o = pool.allocateOwned();
      assert.ok(h instanceof ContextHandle);
      assert.notEqual(h.value, o.value);
      const w = pool.weak(h.value);
      assert.equal(w.deref(), h.value);
      assert.equal(pool.inUse, 2);
      h.release();
      o.release();
      assert.equal(w.alive, false);
      assert.equal(pool.inUse, 0);
    });

    it("close stops lending and destroys idle objects; borrowed ones on release", () => {
      const destroyed: Box[] = [];
      const pool = make({
        capacity: 3,
        factory: counter().factory,
        destroy: (b) => destroyed.push(b),
        enableStatistics: true,
      });
      const [a, b, c] = [pool.acquire(), pool.acquire(), pool.acquire()];
      pool.release(a);
      pool.release(b);
      pool.close();
      assert.equal(pool.closed, true);
      assert.deepEqual(new Set(destroyed), new Set([a, b]));
      assert.equal(destroyed.length, 2);
      assert.equal(pool.available, idle(pool, 0));
      assert.equal(pool.inUse, 1);
      throwsUnchanged(
        pool,
        () => pool.acquire(),
        PoolClosedError,
        "PoolClosedError",
        /^Cannot acquire from pool: it is closed$/,
      );
      throwsUnchanged(
        pool,
        () => pool.tryAcquire(),
        PoolClosedError,
        "PoolClosedError",
      );
      throwsUnchanged(
        pool,
        () => pool.get(),
        PoolClosedError,
        "PoolClosedError",
      );
      throwsUnchanged(
        pool,
        () => pool.use(() => 1),
        PoolClosedError,
        "PoolClosedError",
      );
      throwsUnchanged(
        pool,
        () => pool.allocate(),
        PoolClosedError,
        "PoolClosedError",
      );
      pool.release(c); // accepted after close: destroyed
      assert.equal(destroyed.at(-1), c);
      assert.equal(destroyed.length, 3);
      assert.equal(pool.inUse, 0);
      throwsUnchanged(
        pool,
        () => pool.release(c),
        AlreadyReleasedError,
        "AlreadyReleasedError",
      );
      pool.close(); // again: nothing happens
      assert.equal(destroyed.length, 3);
      const s = pool.stats();
      assert.equal(s.destroyed, 3);
      assert.equal(s.totalReleases, 3);
    });

    it("[Symbol.dispose] closes, so `using` works on a pool", () => {
      const destroyed: Box[] = [];
      let outer!: Pool<Box>;
      {
        using pool = make({
          capacity: 2,
          factory: counter().factory,
          destroy: (b) => destroyed.push(b),
          preInitialize: true,
        });
        outer = pool;
        assert.equal(pool.closed, false);
      }
      assert.equal(outer.closed, true);
      assert.equal(destroyed.length, 2);
      outer[Symbol.dispose](); // idempotent
      assert.equal(destroyed.length, 2);
    });

    it("destroy throwing during close gives an AggregateError, but every object is dropped", () => {
      const attempts: Box[] = [];
      const pool = make({
        capacity: 4,
        factory: counter().factory,
        preInitialize: true,
        enableStatistics: true,
        destroy: (b) => {
          attempts.push(b);
          if (b.id % 2 === 0) throw new Error(`destroy ${b.id} failed`);
        },
      });
      let caught: unknown;
      try {
        pool.close();
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof AggregateError);
      assert.equal(caught.errors.length, 2);
      assert.match(
        caught.message,
        /^Cannot destroy objects: destroy threw for 2 of them$/,
      );
      assert.deepEqual(
        caught.errors.map((e: Error) => e.message).sort(),
        ["destroy 0 failed", "destroy 2 failed"],
      );
      assert.equal(attempts.length, 4);
      assert.equal(new Set(attempts).size, 4);
      assert.equal(pool.available, idle(pool, 0));
      assert.equal(pool.inUse, 0);
      assert.equal(pool.closed, true);
      assert.equal(pool.stats().destroyed, 4);
      pool.close(); // nothing left to destroy, no error
    });

    it("a release after close whose destroy throws still drops the object", () => {
      const pool = make({
        capacity: 1,
        factory: counter().factory,
        destroy: () => {
          throw new Error("destroy failed");
        },
      });
      const obj = pool.acquire();
      pool.close();
      assert.throws(() => pool.release(obj), /destroy failed/);
      assert.equal(pool.inUse, 0);
      throwsUnchanged(
        pool,
        () => pool.release(obj),
        AlreadyReleasedError,
        "AlreadyReleasedError",
      );
    });

    it("stats() is a frozen snapshot", () => {
      const pool = make({
        capacity: 2,
        factory: counter().factory,
        enableStatistics: true,
      });
      const before = pool.stats();
      pool.acquire();
      assert.ok(Object.isFrozen(before));
      assert.equal(before.currentInUse, 0);
      assert.equal(pool.stats().currentInUse, 1);
      assert.equal(pool.stats().currentCapacity, 2);
    });

    it("prints its state in console.log on every runtime", () => {
      const pool = make({
        capacity: 4,
        factory: counter().factory,
        ...kind(allocators.at(-1)),
      });
      const held = pool.acquire();
      pool.release(pool.acquire());
      // Each pool may add its own fields (ThreadLocalPool: its thread).
      const available = idle(pool, 1);
      const expected = new RegExp(
        `^${name} \\{ (threadId: 0, )?capacity: 4, inUse: 1, available: ${available}, closed: false, .*statistics: false \\}$`,
      );
      assert.match(inspect(pool), expected);
      assert.match(
        inspect({ pool }),
        new RegExp(`capacity: 4, inUse: 1, available: ${available}`),
      );
      const deno = (globalThis as {
        Deno?: { inspect(value: unknown): string };
      }).Deno;
      if (deno !== undefined) assert.match(deno.inspect(pool), expected);
      pool.release(held);
      pool.close();
      assert.match(inspect(pool), /inUse: 0, available: 0, closed: true/);
    });
  });

  describe(`${name}: misuse never changes the pool`, () => {
    for (const [mode, extra] of MODES) {
      for (const allocator of allocators) {
        it(`${mode}, ${label(allocator)}: double, foreign and bad releases`, () => {
          const pool = make({
            capacity: 3,
            factory: counter().factory,
            ...kind(allocator),
            ...extra,
          });
          const other = make({
            capacity: 1,
            factory: counter().factory,
            ...kind(allocator),
            ...extra,
          });
          const a = pool.acquire();
          const b = pool.acquire();
          pool.release(a);
          throwsUnchanged(
            pool,
            () => pool.release(a),
            AlreadyReleasedError,
            "AlreadyReleasedError",
            /^Cannot release object: it was already released$/,
          );
          const stranger = other.acquire();
          const foreign: unknown[] = [
            stranger,
            { id: 0, x: 0 },
            Object.freeze({ id: 1, x: 0 }),
            null,
            undefined,
            5,
            "str",
            Symbol("s"),
            [],
          ];
          for (const value of foreign) {
            const error = throwsUnchanged(
              pool,
              () => pool.release(value as Box),
              ForeignObjectError,
              "ForeignObjectError",
              /^Cannot release object: .+ was never lent by this pool$/,
            );
            assert.ok(error instanceof AlreadyReleasedError);
          }
          // The other pool's object is still fine in its own pool.
          other.release(stranger);
          // The pool still works after every failed call.
          pool.release(b);
          assert.equal(pool.inUse, 0);
          assert.equal(pool.available, idle(pool, 2));
          const again = [pool.acquire(), pool.acquire(), pool.acquire()];
          assert.equal(new Set(again).size, 3);
          throwsUnchanged(
            pool,
            () => pool.acquire(),
            PoolEmptyError,
            "PoolEmptyError",
          );
        });
      }

      it(`${mode}: a typed pool throws TypeMismatchError with both type names`, () => {
        const pool = make({
          capacity: 2,
          ...(extra as unknown as Partial<PoolOptions<Vec>>),
        }, Vec);
        const other = make({ capacity: 1 }, Vec);
        pool.acquire();
        const cases: [unknown, string][] = [
          [{ x: 0, y: 0 }, "Object"],
          [null, "null"],
          [undefined, "undefined"],
          [5, "number"],
          ["vec", "string"],
          [new Map(), "Map"],
        ];
        for (const [value, actualType] of cases) {
          const error = throwsUnchanged(
            pool,
            () => pool.release(value as Vec),
            TypeMismatchError,
            "TypeMismatchError",
            /^Cannot release object: expected a "Vec" instance, got ".*"$/,
          );
          assert.equal(error.expectedType, "Vec");
          assert.equal(error.actualType, actualType);
          assert.ok(error.message.includes(`"${actualType}"`));
        }
        // A Vec it never lent is foreign, not a type mismatch.
        throwsUnchanged(
          pool,
          () => pool.release(new Vec()),
          ForeignObjectError,
          "ForeignObjectError",
        );
        throwsUnchanged(
          pool,
          () => pool.release(other.acquire()),
          ForeignObjectError,
          "ForeignObjectError",
        );
        class SubVec extends Vec {}
        throwsUnchanged(
          pool,
          () => pool.release(new SubVec()),
          ForeignObjectError,
          "ForeignObjectError",
        );
      });

      it(`${mode}: acquire on a full pool throws PoolEmptyError; tryAcquire gives undefined`, () => {
        const pool = make({
          capacity: 2,
          factory: counter().factory,
          ...extra,
        });
        pool.acquire();
        pool.acquire();
        throwsUnchanged(
          pool,
          () => pool.acquire(),
          PoolEmptyError,
          "PoolEmptyError",
          new RegExp(
            `^Cannot acquire from pool: all 2 ${subject.noun} are in use$`,
          ),
        );
        throwsUnchanged(
          pool,
          () => pool.get(),
          PoolEmptyError,
          "PoolEmptyError",
        );
        const before = stateOf(pool);
        assert.equal(pool.tryAcquire(), undefined);
        assert.deepEqual(stateOf(pool), before);
      });
    }

    it("a failing factory leaves the pool unchanged and can succeed later", () => {
      let fail = true;
      const pool = make({
        capacity: 2,
        factory: () => {
          if (fail) throw new Error("no resource");
          return { id: 1, x: 0 };
        },
        enableStatistics: true,
      });
      throwsUnchanged(
        pool,
        () => pool.acquire(),
        Error,
        "Error",
        /no resource/,
      );
      throwsUnchanged(
        pool,
        () => pool.tryAcquire(),
        Error,
        "Error",
        /no resource/,
      );
      fail = false;
      assert.equal(pool.acquire().id, 1);
      assert.equal(pool.stats().created, 1);
    });

    it("a factory returning a non-object throws PoolConfigurationError", () => {
      for (const value of [5, null, undefined, "s"]) {
        const pool = make({
          capacity: 1,
          factory: () => value as unknown as Box,
        });
        throwsUnchanged(
          pool,
          () => pool.acquire(),
          PoolConfigurationError,
          "PoolConfigurationError",
          /^Cannot create object: the factory returned .+, not an object$/,
        );
      }
    });

    it("a factory returning a revoked Proxy throws PoolConfigurationError, not the engine's TypeError", () => {
      let calls = 0;
      const pool = make({
        capacity: 1,
        factory: () => {
          if (calls++ > 0) return { id: 1, x: 0 };
          const { proxy, revoke } = Proxy.revocable({ id: 0, x: 0 }, {});
          revoke();
          return proxy;
        },
      });
      throwsUnchanged(
        pool,
        () => pool.acquire(),
        PoolConfigurationError,
        "PoolConfigurationError",
        /^Cannot create object: the factory returned a revoked Proxy, not an object$/,
      );
      assert.equal(pool.acquire().id, 1, "the place was kept");
    });

    it("a factory returning an object that already belongs to a pool throws", () => {
      const shared = { id: 0, x: 0 };
      const pool = make({ capacity: 2, factory: () => shared });
      pool.acquire();
      throwsUnchanged(
        pool,
        () => pool.acquire(),
        PoolConfigurationError,
        "PoolConfigurationError",
        /which already belongs to a pool$/,
      );
      const second = make({ capacity: 1, factory: () => shared });
      throwsUnchanged(
        second,
        () => second.acquire(),
        PoolConfigurationError,
        "PoolConfigurationError",
      );
    });

    it("an object another pool dropped can be adopted, and the first pool no longer takes it", () => {
      const obj = { id: 0, x: 0 };
      const first = make({ capacity: 1, factory: () => obj });
      const held = first.acquire();
      first.release(held);
      first.close(); // drops obj
      const second = make({ capacity: 1, factory: () => obj });
      assert.equal(second.acquire(), obj);
      throwsUnchanged(
        first,
        () => first.release(obj),
        AlreadyReleasedError,
        "AlreadyReleasedError",
      );
      second.release(obj);
      assert.equal(second.available, 1);
    });
  });

  describe(`${name}: reset failures`, () => {
    for (const allocator of allocators) {
      it(`${label(allocator)}: the object is destroyed once, the error rethrown and counted`, () => {
        const { factory, made } = counter();
        const destroyed: Box[] = [];
        const boom = new Error("reset failed");
        let fail = true;
        const pool = make({
          capacity: 2,
          factory,
          ...kind(allocator),
          enableStatistics: true,
          reset: (b) => {
            if (fail && b.id === 0) throw boom;
            b.x = 0;
          },
          destroy: (b) => destroyed.push(b),
        });
        const bad = pool.acquire();
        const good = pool.acquire();
        assert.throws(() => pool.release(bad), (e) => e === boom);
        assert.deepEqual(destroyed, [bad]);
        assert.equal(pool.inUse, 1);
        assert.equal(pool.available, idle(pool, 0));
        let s = pool.stats();
        assert.equal(s.resetFailures, 1);
        assert.equal(s.destroyed, 1);
        assert.equal(s.totalResets, 0);
        assert.equal(s.totalReleases, 1);
        assert.equal(s.currentInUse, 1);
        // The discarded object is no longer the pool's.
        throwsUnchanged(
          pool,
          () => pool.release(bad),
          AlreadyReleasedError,
          "AlreadyReleasedError",
        );
        // A fresh object takes its place.
        fail = false;
        const fresh = pool.acquire();
        assert.notEqual(fresh, bad);
        assert.equal(fresh.id, 2);
        assert.equal(made(), 3);
        pool.release(fresh);
        pool.release(good);
        s = pool.stats();
        assert.equal(s.totalResets, 2);
        assert.equal(s.created, 3);
        assert.equal(destroyed.length, 1); // exactly once
        pool.close();
        assert.equal(destroyed.length, 3);
      });
    }

    it("a reset method that throws is handled the same way", () => {
      class Fragile extends Vec {
        boom(): void {
          throw new Error("method reset failed");
        }
      }
      const destroyed: Fragile[] = [];
      const pool = make({
        capacity: 1,
        reset: "boom",
        destroy: (f) => destroyed.push(f),
        enableStatistics: true,
      }, Fragile);
      const f = pool.acquire();
      assert.throws(() => pool.release(f), /method reset failed/);
      assert.deepEqual(destroyed, [f]);
      assert.equal(pool.stats().resetFailures, 1);
      assert.equal(pool.inUse, 0);
      assert.notEqual(pool.acquire(), f);
    });

    it("a reset failure through a handle ends the borrow", () => {
      const pool = make({
        capacity: 1,
        factory: counter().factory,
        reset: () => {
          throw new Error("reset failed");
        },
      });
      const h = pool.allocate();
      assert.throws(() => h.release(), /reset failed/);
      assert.equal(h.released, true);
      assert.equal(pool.inUse, 0);
      throwsUnchanged(
        pool,
        () => h.release(),
        AlreadyReleasedError,
        "AlreadyReleasedError",
      );
    });

    it("when reset and then destroy throw, both errors are reported and the object dropped", () => {
      const resetError = new Error("reset failed");
      const destroyError = new Error("destroy failed");
      const pool = make({
        capacity: 1,
        factory: counter().factory,
        reset: () => {
          throw resetError;
        },
        destroy: () => {
          throw destroyError;
        },
        enableStatistics: true,
      });
      const obj = pool.acquire();
      let caught: unknown;
      try {
        pool.release(obj);
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof AggregateError);
      assert.deepEqual(caught.errors, [resetError, destroyError]);
      assert.equal(
        caught.message,
        "Cannot release object: its reset and then its destroy threw",
      );
      assert.equal(pool.inUse, 0);
      assert.equal(pool.stats().destroyed, 1);
      assert.equal(pool.stats().resetFailures, 1);
      pool.acquire(); // a fresh one can be made
    });
  });

  describe(`${name}: objects that cannot be stamped (frozen)`, () => {
    for (const allocator of allocators) {
      it(`${label(allocator)}: are tracked all the same`, () => {
        let n = 0;
        const pool = make({
          capacity: 2,
          factory: () => Object.freeze({ id: n++ }),
          ...kind(allocator),
          enableStatistics: true,
        });
        const a = pool.acquire();
        const h = pool.allocate();
        assert.equal(pool.inUse, 2);
        pool.release(a);
        throwsUnchanged(
          pool,
          () => pool.release(a),
          AlreadyReleasedError,
          "AlreadyReleasedError",
        );
        throwsUnchanged(
          pool,
          () => pool.release(Object.freeze({ id: 9 })),
          ForeignObjectError,
          "ForeignObjectError",
        );
        const w = pool.weak(h.value);
        const value = h.value;
        h.release();
        assert.equal(w.alive, false);
        throwsUnchanged(
          pool,
          () => h.value,
          AlreadyReleasedError,
          "AlreadyReleasedError",
        );
        const again = pool.acquire();
        assert.ok(again === value || again === a);
        assert.equal(pool.stats().created, 2);
        pool.close();
        pool.release(again);
        assert.equal(pool.inUse, 0);
        throwsExactly(
          () => pool.release(again),
          AlreadyReleasedError,
          "AlreadyReleasedError",
        );
      });
    }
  });

  keyContract(subject);
  identityContract(subject);
  reentrancyContract(subject);
}

/** Keys and discard (issue 10): the same borrows, named by integers. */
function keyContract(subject: ContractPool): void {
  const { name, make } = subject;
  const idle = (pool: Observable, made: number) => idleOf(subject, pool, made);
  describe(`${name}: keys and discard`, () => {
    it("acquireKey borrows like acquire; objectOf, isLive and releaseKey follow the borrow", () => {
      const { factory } = counter();
      const pool = make({ capacity: 3, factory, enableStatistics: true });
      const key = pool.acquireKey();
      assert.ok(Number.isInteger(key) && key >= 0 && key < 2 ** 31);
      assert.equal(pool.inUse, 1);
      assert.equal(pool.isLive(key), true);
      const obj = pool.objectOf(key);
      assert.equal(obj.id, 0);
      assert.equal(pool.keyOf(obj), key);
      pool.releaseKey(key);
      assert.equal(pool.isLive(key), false);
      assert.equal(pool.inUse, 0);
      assert.equal(pool.available, idle(pool, 1));
      assert.equal(pool.stats().totalAllocations, 1);
      assert.equal(pool.stats().totalReleases, 1);
    });

    it("a borrow is a borrow: release ends a key's borrow, releaseKey an object's", () => {
      const pool = make({ capacity: 2, factory: () => ({ x: 0 }) });
      const key = pool.acquireKey();
      pool.release(pool.objectOf(key));
      assert.equal(pool.isLive(key), false);
      const obj = pool.acquire();
      pool.releaseKey(pool.keyOf(obj));
      assert.equal(pool.inUse, 0);
      throwsUnchanged(
        pool,
        () => pool.release(obj),
        AlreadyReleasedError,
        "AlreadyReleasedError",
      );
    });

    it("a stale key throws AlreadyReleasedError even after its slot was lent again, and changes nothing", () => {
      const pool = make({ capacity: 1, factory: () => ({ x: 0 }) });
      const stale = pool.acquireKey();
      pool.releaseKey(stale);
      const live = pool.acquireKey(); // the same slot, a new borrow
      assert.notEqual(live, stale);
      assert.equal(pool.objectOf(live), pool.objectOf(live));
      for (
        const [call, verb] of [
          [() => pool.releaseKey(stale), "release key"],
          [() => pool.objectOf(stale), "get object of key"],
          [() => pool.discardKey(stale), "discard key"],
        ] as const
      ) {
        const error = throwsUnchanged(
          pool,
          call,
          AlreadyReleasedError,
          "AlreadyReleasedError",
          new RegExp(`^Cannot ${verb}: key ${stale} was already released$`),
        );
        assert.equal(error instanceof ForeignObjectError, false);
      }
      assert.equal(pool.isLive(stale), false);
      assert.equal(pool.isLive(live), true);
    });

    it("numbers the pool never issued throw ForeignObjectError and change nothing", () => {
      const pool = make({ capacity: 4, factory: () => ({ x: 0 }) });
      const k0 = pool.acquireKey();
      pool.releaseKey(k0);
      const k1 = pool.acquireKey(); // same slot, next generation
      const future = k1 + (k1 - k0); // a generation not reached yet
      const bad: unknown[] = [
        -1,
        1.5,
        NaN,
        Infinity,
        2 ** 31,
        -(2 ** 31),
        "0",
        null,
        undefined,
        {},
        future,
        k1 + 1, // a slot never created
      ];
      for (const key of bad) {
        for (
          const [call, verb] of [
            [() => pool.releaseKey(key as number), "release key"],
            [() => pool.objectOf(key as number), "get object of key"],
            [() => pool.discardKey(key as number), "discard key"],
          ] as const
        ) {
          throwsUnchanged(
            pool,
            call,
            ForeignObjectError,
            "ForeignObjectError",
            new RegExp(
              `^Cannot ${verb}: key .+ was never issued by this pool$`,
            ),
          );
        }
        assert.equal(pool.isLive(key as number), false);
      }
      assert.equal(pool.isLive(k1), true);
    });

    it("key arguments never run user code", () => {
      const pool = make({ capacity: 1, factory: () => ({}) });
      pool.acquireKey();
      let ran = 0;
      const sneaky = {
        valueOf() {
          ran++;
          return 0;
        },
        [Symbol.toPrimitive]() {
          ran++;
          return 0;
        },
      };
      assert.equal(pool.isLive(sneaky as unknown as number), false);
      throwsUnchanged(
        pool,
        () => pool.releaseKey(sneaky as unknown as number),
        ForeignObjectError,
        "ForeignObjectError",
      );
      assert.equal(ran, 0);
    });

    it("keyOf names the current borrow; an idle or foreign object throws", () => {
      const pool = make({ capacity: 2, factory: () => ({ x: 0 }) });
      const obj = pool.acquire();
      const key = pool.keyOf(obj);
      assert.equal(pool.objectOf(key), obj);
      pool.release(obj);
      throwsUnchanged(
        pool,
        () => pool.keyOf(obj),
        AlreadyReleasedError,
        "AlreadyReleasedError",
        /^Cannot get key of object: it was already released$/,
      );
      throwsUnchanged(
        pool,
        () => pool.keyOf({ x: 0 }),
        ForeignObjectError,
        "ForeignObjectError",
        /^Cannot get key of object: .+ was never lent by this pool$/,
      );
    });

    for (const [mode, extra] of MODES) {
      it(`${mode}: discard destroys without reset, frees the place and counts`, () => {
        const destroyed: Box[] = [];
        const resets: Box[] = [];
        const { factory, made } = counter();
        const pool = make<Box>({
          capacity: 1,
          factory,
          ...extra,
          reset: (b) => void resets.push(b),
          destroy: (b) => void destroyed.push(b),
          enableStatistics: true,
        });
        const obj = pool.acquire();
        pool.discard(obj);
        assert.deepEqual(destroyed, [obj]);
        assert.deepEqual(resets, []);
        assert.equal(pool.inUse, 0);
        assert.equal(pool.available, idle(pool, 0));
        const stats = pool.stats();
        assert.equal(stats.totalReleases, 1);
        assert.equal(stats.destroyed, 1);
        throwsUnchanged(
          pool,
          () => pool.discard(obj),
          AlreadyReleasedError,
          "AlreadyReleasedError",
          /^Cannot discard object: it was already released$/,
        );
        throwsUnchanged(
          pool,
          () => pool.release(obj),
          AlreadyReleasedError,
          "AlreadyReleasedError",
        );
        throwsUnchanged(
          pool,
          () => pool.discard({ id: -1, x: 0 }),
          ForeignObjectError,
          "ForeignObjectError",
        );
        const fresh = pool.acquire(); // the freed place: a new object
        assert.notEqual(fresh, obj);
        assert.equal(made(), 2);
        const key = pool.keyOf(fresh);
        pool.discardKey(key);
        assert.deepEqual(destroyed, [obj, fresh]);
        assert.equal(pool.isLive(key), false);
        assert.equal(pool.stats().totalReleases, 2);
        assert.equal(pool.inUse, 0);
        assert.equal(pool.available, idle(pool, 0));
      });
    }

    it("use(fn) does not release an object fn discarded or released itself", () => {
      const pool = make({ capacity: 1, factory: () => ({ x: 0 }) });
      pool.use((obj) => pool.discard(obj));
      assert.equal(pool.inUse, 0);
      pool.use((obj) => pool.release(obj));
      assert.equal(pool.inUse, 0);
      assert.equal(pool.available, idle(pool, 1));
    });
  });
}

/** Identity (issue 11): only the very object lent is accepted. */
function identityContract(subject: ContractPool): void {
  const { name, make } = subject;
  const idle = (pool: Observable, made: number) => idleOf(subject, pool, made);
  describe(`${name}: identity, not inherited marks`, () => {
    const fakes: [string, (lent: Box) => unknown][] = [
      ["Object.create(lent)", (lent) => Object.create(lent)],
      ["new Proxy(lent, {})", (lent) => new Proxy(lent, {})],
      ["a revoked Proxy of lent", (lent) => {
        const { proxy, revoke } = Proxy.revocable(lent, {});
        revoke();
        return proxy;
      }],
      ["a Proxy whose traps throw", (lent) =>
        new Proxy(lent, {
          get() {
            throw new Error("trap");
          },
          getPrototypeOf() {
            throw new Error("trap");
          },
        })],
    ];
    for (const [what, fake] of fakes) {
      it(`${what} is foreign to release, discard, keyOf and weak`, () => {
        const { factory } = counter();
        const pool = make({ capacity: 2, factory });
        const lent = pool.acquire();
        const impostor = fake(lent) as Box;
        for (
          const call of [
            () => pool.release(impostor),
            () => pool.discard(impostor),
            () => pool.keyOf(impostor),
            () => pool.weak(impostor),
          ]
        ) {
          throwsUnchanged(pool, call, ForeignObjectError, "ForeignObjectError");
        }
        // The real object is still lent exactly once.
        pool.release(lent);
        assert.equal(pool.inUse, 0);
        assert.equal(pool.available, idle(pool, 1));
        throwsUnchanged(
          pool,
          () => pool.release(lent),
          AlreadyReleasedError,
          "AlreadyReleasedError",
        );
      });
    }

    it("a foreign object whose prototype's constructor getter throws gets ForeignObjectError, the getter never runs", () => {
      const pool = make({ capacity: 1, factory: () => ({ id: 0, x: 0 }) });
      let ran = 0;
      const proto = {};
      Object.defineProperty(proto, "constructor", {
        get() {
          ran++;
          throw new Error("getter");
        },
      });
      const foreign = Object.create(proto) as Box;
      Object.defineProperty(foreign, "x", {
        get() {
          ran++;
          throw new Error("getter");
        },
      });
      throwsUnchanged(
        pool,
        () => pool.release(foreign),
        ForeignObjectError,
        "ForeignObjectError",
      );
      throwsUnchanged(
        pool,
        () => pool.discard(foreign),
        ForeignObjectError,
        "ForeignObjectError",
      );
      assert.equal(ran, 0);
    });

    it("a capacity of Number.MAX_SAFE_INTEGER allocates nothing up front and works, or is refused clearly", () => {
      if (subject.placesExist) {
        // Places made up front cannot be that many: a clear refusal.
        throwsExactly(
          () =>
            make({ capacity: Number.MAX_SAFE_INTEGER, factory: () => ({}) }),
          PoolConfigurationError,
          "PoolConfigurationError",
          /^Cannot create .*: .*9007199254740991.* need more than 2 GiB of shared memory$/,
        );
        return;
      }
      const pool = make({
        capacity: Number.MAX_SAFE_INTEGER,
        factory: () => ({ x: 0 }),
      });
      assert.equal(pool.capacity, Number.MAX_SAFE_INTEGER);
      const held = Array.from({ length: 100 }, () => pool.acquireKey());
      for (const key of held) pool.releaseKey(key);
      assert.equal(pool.available, idle(pool, 100));
    });
  });
}

/**
 * Re-entrancy (issue 11): state first, then the callback. A callback may
 * call its own pool and gets what it would get from outside.
 */
function reentrancyContract(subject: ContractPool): void {
  const { name, make, allocators } = subject;
  const idle = (pool: Observable, made: number) => idleOf(subject, pool, made);
  describe(`${name}: callbacks calling their own pool`, () => {
    it("a factory's acquire on a capacity-1 pool sees the place taken (PoolEmptyError); inUse stays 1", () => {
      const seen: unknown[] = [];
      let n = 0;
      const pool: Pool<Box> = make<Box>({
        capacity: 1,
        factory: () => {
          try {
            pool.acquire();
            seen.push("acquired");
          } catch (error) {
            seen.push(error);
          }
          assert.equal(pool.inUse, 1);
          return { id: n++, x: 0 };
        },
      });
      pool.acquire();
      assert.equal(seen.length, 1);
      assert.ok(seen[0] instanceof PoolEmptyError);
      assert.equal(pool.inUse, 1);
      assert.equal(pool.tryAcquire(), undefined);
    });

    it("a factory that throws gives its reservation back", () => {
      let fail = true;
      const pool = make<Box>({
        capacity: 1,
        factory: () => {
          if (fail) throw new Error("factory");
          return { id: 0, x: 0 };
        },
      });
      assert.throws(() => pool.acquire(), /factory/);
      assert.equal(pool.inUse, 0);
      fail = false;
      pool.acquire();
      assert.equal(pool.inUse, 1);
    });

    it("a factory that closes the pool: the acquire fails with PoolClosedError and the new object is destroyed", () => {
      const destroyed: Box[] = [];
      const pool: Pool<Box> = make<Box>({
        capacity: 2,
        factory: () => {
          pool.close();
          return { id: 0, x: 0 };
        },
        destroy: (b) => void destroyed.push(b),
      });
      throwsExactly(() => pool.acquire(), PoolClosedError, "PoolClosedError");
      assert.equal(destroyed.length, 1);
      assert.equal(pool.inUse, 0);
      assert.equal(pool.available, idle(pool, 0));
      assert.equal(pool.closed, true);
    });

    for (const allocator of allocators) {
      it(`${label(allocator)}: a reset that releases its object again is a double release: the object is destroyed, never idle twice`, () => {
        const destroyed: Box[] = [];
        let n = 0;
        const pool: Pool<Box> = make<Box>({
          capacity: 3,
          ...kind(allocator),
          factory: () => ({ id: n++, x: 0 }),
          reset: (b) => pool.release(b),
          destroy: (b) => void destroyed.push(b),
          enableStatistics: true,
        });
        const obj = pool.acquire();
        throwsExactly(
          () => pool.release(obj),
          AlreadyReleasedError,
          "AlreadyReleasedError",
        );
        assert.deepEqual(destroyed, [obj]);
        assert.equal(pool.inUse, 0);
        assert.equal(pool.available, idle(pool, 0));
        assert.equal(pool.stats().resetFailures, 1);
        const a = pool.acquire();
        const b = pool.acquire();
        assert.notEqual(a, b);
        assert.notEqual(a, obj);
      });
    }

    it("a reset's acquire on a capacity-1 pool sees the place taken", () => {
      const seen: unknown[] = [];
      const pool: Pool<Box> = make<Box>({
        capacity: 1,
        factory: () => ({ id: 0, x: 0 }),
        reset: () => {
          try {
            pool.acquire();
          } catch (error) {
            seen.push(error);
          }
        },
      });
      pool.release(pool.acquire());
      assert.ok(seen[0] instanceof PoolEmptyError);
      assert.equal(pool.inUse, 0);
      assert.equal(pool.available, idle(pool, 1));
    });

    it("a reset that closes the pool: the object is destroyed, not kept", () => {
      const destroyed: Box[] = [];
      const pool: Pool<Box> = make<Box>({
        capacity: 2,
        factory: () => ({ id: 0, x: 0 }),
        reset: () => pool.close(),
        destroy: (b) => void destroyed.push(b),
      });
      const obj = pool.acquire();
      pool.release(obj);
      assert.deepEqual(destroyed, [obj]);
      assert.equal(pool.inUse, 0);
      assert.equal(pool.available, idle(pool, 0));
    });

    it("destroy calling close, release or acquire during close: no second close, the errors it would get", () => {
      const seen: unknown[] = [];
      let n = 0;
      const pool: Pool<Box> = make<Box>({
        capacity: 2,
        preInitialize: true,
        factory: () => ({ id: n++, x: 0 }),
        destroy: (b) => {
          pool.close(); // does nothing: already closing
          for (const call of [() => pool.release(b), () => pool.acquire()]) {
            try {
              call();
            } catch (error) {
              seen.push((error as Error).name);
            }
          }
        },
      });
      pool.close();
      assert.deepEqual(seen, [
        "AlreadyReleasedError",
        "PoolClosedError",
        "AlreadyReleasedError",
        "PoolClosedError",
      ]);
      assert.equal(pool.inUse, 0);
      assert.equal(pool.available, idle(pool, 0));
    });
  });
}

/**
 * The synchronous single-thread pools the contract runs on: the one list
 * (add a pool here and `pool_contract_test.ts` runs the whole contract on it).
 */
export const CONTRACT_POOLS: readonly ContractPool[] = [
  {
    name: "FixedPool",
    allocators: KINDS,
    placesExist: false,
    noun: "objects",
    make: <T extends object>(options: PoolOptions<T>, type?: PoolType<T>) =>
      type === undefined
        ? new FixedPool(options as PoolOptions<T> & { factory: () => T })
        : new FixedPool(type, options),
  },
  {
    // With maxCapacity === capacity a growing pool must behave as a fixed one.
    name: "GrowingPool",
    allocators: KINDS,
    placesExist: false,
    noun: "objects",
    make: <T extends object>(options: PoolOptions<T>, type?: PoolType<T>) => {
      const bounded: GrowingPoolOptions<T> = {
        ...options,
        maxCapacity: options.capacity,
      };
      return type === undefined
        ? new GrowingPool(
          bounded as GrowingPoolOptions<T> & { factory: () => T },
        )
        : new GrowingPool(type, bounded);
    },
  },
  {
    name: "ThreadLocalPool",
    allocators: KINDS,
    placesExist: false,
    noun: "objects",
    make: <T extends object>(options: PoolOptions<T>, type?: PoolType<T>) =>
      type === undefined
        ? new ThreadLocalPool(options as PoolOptions<T> & { factory: () => T })
        : new ThreadLocalPool(type, options),
  },
  {
    // Slots in shared memory, each lent through a wrapper made once per
    // slot in this thread: the factory (or `new Type(buffer, byteOffset)`)
    // makes the wrapper, so the same options describe the same pool. Its
    // free list is a bitmap with no allocator option.
    name: "ThreadSafePool",
    allocators: [undefined],
    placesExist: true,
    noun: "slots",
    make: <T extends object>(options: PoolOptions<T>, type?: PoolType<T>) => {
      const { allocator, ...rest } = options;
      if (allocator !== undefined) {
        throw new Error("ThreadSafePool has no allocator option");
      }
      return type === undefined
        ? new ThreadSafePool(
          rest as ThreadSafePoolOptions<T> & { factory: SlotFactory<T> },
        )
        : new ThreadSafePool(type as SlotType<T>, rest);
    },
  },
];
