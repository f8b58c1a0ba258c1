/**
 * The bad-input table behind `tests/bad_input_test.ts` (and the table in
 * `tests/README.md`): every public constructor, function, option and method
 * argument of fastalloc, fed values of the wrong type, out of range, missing
 * or conflicting, each with the error it must be answered with. Private to
 * the tests.
 *
 * @module
 */

import { AsyncPool } from "../pools/async_pool.ts";
import { FixedPool } from "../pools/fixed_pool.ts";
import { GrowingPool } from "../pools/growing_pool.ts";
import { ThreadLocalPool } from "../pools/thread_local_pool.ts";
import { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import { Pool } from "../pools/builder.ts";
import { pooled } from "../pools/pooled.ts";
import { PoolEvent } from "../pools/pool_event.ts";
import { exponentialGrowth, linearGrowth } from "../config/growth.ts";
import { StatsCollector } from "../stats/stats_collector.ts";
import { StatsReporter } from "../stats/stats_reporter.ts";
import { createAllocator } from "../allocators/_create_allocator.ts";
import { FreelistAllocator } from "../allocators/freelist_allocator.ts";
import { SharedFreeList } from "../allocators/shared_freelist.ts";
import { ContextHandle } from "../handles/context_handle.ts";
import { OwnedHandle } from "../handles/owned_handle.ts";
import { WeakHandle } from "../handles/weak_handle.ts";
import type { Lender } from "../handles/lender.ts";
import {
  AlreadyReleasedError,
  ForeignObjectError,
  InvalidCapacityError,
  PoolClosedError,
  PoolConfigurationError,
  TypeMismatchError,
} from "../errors.ts";
import type { ErrorClass, Observable } from "./_state.ts";

/** One bad input and the answer it must get. */
export interface BadInput {
  /** The API called, e.g. `new FixedPool(options)` or `FixedPool#release`. */
  readonly target: string;
  /** The bad input, as written in the table. */
  readonly input: string;
  /** Calls the API; a promise means the answer is a rejection. */
  readonly run: () => unknown;
  /** The error it must throw (or reject with), by class and exact name. */
  readonly error: ErrorClass;
  readonly name: string;
  /**
   * The value the message must quote (`quote(value)` must appear in it);
   * absent when the input is a missing or conflicting setting.
   */
  readonly quotes?: { value: unknown };
  /** Something that must be unchanged afterwards (a pool, a collector ...). */
  readonly subject?: Observable;
}

/** Shows a value as it is written in the table. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "function") return "a function";
  if (value === 2 ** 53) return "2 ** 53";
  if (value === 2 ** 31) return "2 ** 31";
  if (value === 2 ** 40) return "2 ** 40";
  if (typeof value === "number") {
    return Object.is(value, -0) ? "-0" : String(value);
  }
  if (value === null || value === undefined) return String(value);
  if (value === revokedOptions) return "a revoked Proxy";
  if (Array.isArray(value)) return "[]";
  if (value instanceof ArrayBuffer) return "an ArrayBuffer";
  if (value instanceof SharedArrayBuffer) return "a SharedArrayBuffer";
  if (Object.isFrozen(value) && Object.keys(value).length === 0) {
    return "a frozen {}";
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const fn = (): void => {};
const sym = Symbol("bad");
const frozen = Object.freeze({});
/** A revoked Proxy: every read of it throws an engine TypeError. */
const revokedOptions: object = (() => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
})();

/** Numbers no count, capacity or size accepts, and numbers in disguise. */
const NOT_COUNTS: unknown[] = [
  0,
  -1,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  "10",
  10n,
  null,
  true,
  sym,
  fn,
  frozen,
];
/** Anything that is not a function. */
const NOT_FUNCTIONS: unknown[] = [5, "f", null, true, sym, frozen, [], 10n];
/** Anything that is not a boolean. */
const NOT_BOOLEANS: unknown[] = [1, 0, "true", null, sym, fn, frozen];
/** Anything that is not an options object. */
const NOT_OBJECTS: unknown[] = [
  undefined,
  null,
  5,
  "x",
  true,
  sym,
  10n,
  revokedOptions,
];
/** Anything that is not a non-negative number (timeouts, sizes). */
const NOT_NON_NEGATIVE: unknown[] = [
  -1,
  NaN,
  -Infinity,
  "10",
  null,
  true,
  sym,
  frozen,
];
/** Bad `enableStatistics` values, with the value each message quotes. */
const BAD_STATISTICS: { value: unknown; quoted: unknown }[] = [
  ...[1, "yes", null, sym, fn].map((v) => ({ value: v, quoted: v })),
  ...[0, 1.5, NaN, "0.5", -1, Infinity].map((v) => ({
    value: { sampleRate: v },
    quoted: v,
  })),
  ...["yes", 1].map((v) => ({ value: { timing: v }, quoted: v })),
  { value: { sample: 1 }, quoted: "sample" },
];

class Vec {
  x = 0;
  reset(): void {
    this.x = 0;
  }
}

class Slot {
  static readonly byteLength = 8;
  readonly view: Int32Array;
  constructor(buffer: SharedArrayBuffer, byteOffset: number) {
    this.view = new Int32Array(buffer, byteOffset, 2);
  }
}

/** Builds every row of the table, with fresh pools to check. */
export function badInputs(): BadInput[] {
  const rows: BadInput[] = [];
  const PCE = PoolConfigurationError;
  const add = (
    target: string,
    input: string,
    run: () => unknown,
    error: ErrorClass,
    quoted?: { value: unknown },
    subject?: Observable,
  ): void => {
    rows.push({
      target,
      input,
      run,
      error,
      name: error.name,
      ...(quoted === undefined ? {} : { quotes: quoted }),
      ...(subject === undefined ? {} : { subject }),
    });
  };
  const q = (value: unknown): { value: unknown } => ({ value });

  // ---- options shared by the synchronous pools -----------------------------
  const syncPools: {
    name: string;
    make: (options: Record<string, unknown>) => unknown;
    makeTyped: (options: Record<string, unknown>) => unknown;
  }[] = [
    {
      name: "FixedPool",
      make: (o) => new FixedPool(o as never),
      makeTyped: (o) => new FixedPool(Vec, o as never),
    },
    {
      name: "GrowingPool",
      make: (o) => new GrowingPool(o as never),
      makeTyped: (o) => new GrowingPool(Vec, o as never),
    },
    {
      name: "ThreadLocalPool",
      make: (o) => new ThreadLocalPool(o as never),
      makeTyped: (o) => new ThreadLocalPool(Vec, o as never),
    },
  ];
  for (const { name, make, makeTyped } of syncPools) {
    const target = `new ${name}(options)`;
    const base = { capacity: 2, factory: () => ({ x: 0 }) };
    for (const v of NOT_COUNTS) {
      add(
        target,
        `capacity: ${show(v)}`,
        () => make({ ...base, capacity: v }),
        InvalidCapacityError,
        q(v),
      );
    }
    add(
      target,
      "capacity: missing",
      () => make({ factory: base.factory }),
      InvalidCapacityError,
      q(undefined),
    );
    for (const v of NOT_FUNCTIONS) {
      add(
        target,
        `factory: ${show(v)}`,
        () => make({ ...base, factory: v }),
        PCE,
        q(v),
      );
    }
    add(target, "no type and no factory", () => make({ capacity: 2 }), PCE);
    for (const v of [5, null, true, sym, frozen, []]) {
      add(
        target,
        `reset: ${show(v)}`,
        () => make({ ...base, reset: v }),
        PCE,
        q(v),
      );
    }
    add(
      `new ${name}(Vec, options)`,
      `reset: "nope" (not a method of Vec)`,
      () => makeTyped({ capacity: 2, reset: "nope" }),
      PCE,
      q("nope"),
    );
    for (const v of NOT_FUNCTIONS) {
      add(
        target,
        `destroy: ${show(v)}`,
        () => make({ ...base, destroy: v }),
        PCE,
        q(v),
      );
      add(
        target,
        `onLeak: ${show(v)}`,
        () => make({ ...base, onLeak: v }),
        PCE,
        q(v),
      );
    }
    for (const v of NOT_BOOLEANS) {
      add(
        target,
        `preInitialize: ${show(v)}`,
        () => make({ ...base, preInitialize: v }),
        PCE,
        q(v),
      );
    }
    for (const v of ["heap", "", "STACK", 5, null, true, sym, fn, frozen]) {
      add(
        target,
        `allocator: ${show(v)}`,
        () => make({ ...base, allocator: v }),
        PCE,
        q(v),
      );
    }
    for (const { value, quoted } of BAD_STATISTICS) {
      add(
        target,
        `enableStatistics: ${show(value)}`,
        () => make({ ...base, enableStatistics: value }),
        PCE,
        q(quoted),
      );
    }
    add(
      target,
      `unknown option "capcity"`,
      () => make({ ...base, capcity: 3 }),
      PCE,
      q("capcity"),
    );
    for (const v of NOT_OBJECTS) {
      add(
        `new ${name}(options)`,
        `options: ${show(v)}`,
        () => make(v as never),
        PCE,
        q(v),
      );
    }
    add(
      `new ${name}(options)`,
      "options: a frozen object with capacity 0",
      () => make(Object.freeze({ ...base, capacity: 0 })),
      InvalidCapacityError,
      q(0),
    );
    for (const v of [5, "Vec", null, sym]) {
      add(
        `new ${name}(type, options)`,
        `type: ${show(v)}`,
        () => {
          const Kind = (name === "FixedPool"
            ? FixedPool
            : name === "GrowingPool"
            ? GrowingPool
            : ThreadLocalPool) as unknown as new (
              type: unknown,
              options: unknown,
            ) => unknown;
          return new Kind(v, base);
        },
        PCE,
        q(v),
      );
    }
  }

  // ---- GrowingPool and ThreadLocalPool's own options -------------------------
  {
    const base = { capacity: 4, factory: () => ({ x: 0 }) };
    const target = "new GrowingPool(options)";
    for (const v of NOT_COUNTS) {
      add(
        target,
        `maxCapacity: ${show(v)}`,
        () => new GrowingPool({ ...base, maxCapacity: v } as never),
        InvalidCapacityError,
        q(v),
      );
    }
    add(
      target,
      "maxCapacity: 2 (< capacity 4)",
      () => new GrowingPool({ ...base, maxCapacity: 2 }),
      InvalidCapacityError,
      q(2),
    );
    for (
      const v of [5, "linear", null, true, sym, fn, frozen, {
        nextCapacity: 5,
        canGrow: fn,
      }, { nextCapacity: fn }]
    ) {
      add(
        target,
        `growth: ${show(v)}`,
        () => new GrowingPool({ ...base, growth: v } as never),
        PCE,
        q(v),
      );
    }
  }
  {
    const base = { capacity: 2, factory: () => ({ x: 0 }) };
    for (const v of [...NOT_COUNTS, 2 ** 40]) {
      add(
        "new ThreadLocalPool(options)",
        `maxThreads: ${show(v)}`,
        () => new ThreadLocalPool({ ...base, maxThreads: v } as never),
        InvalidCapacityError,
        q(v),
      );
    }
    const family = new ThreadLocalPool({ ...base });
    for (
      const v of [undefined, null, 5, "d", sym, revokedOptions, {}, {
        kind: "fastalloc.ThreadLocalPool",
      }, { ...family.share(), buffer: new SharedArrayBuffer(8) }]
    ) {
      add(
        "ThreadLocalPool.attach(descriptor, options)",
        `descriptor: ${show(v)}`,
        () => ThreadLocalPool.attach(v as never, { factory: base.factory }),
        PCE,
        q(v),
      );
    }
    for (const v of [5, "x", sym, revokedOptions]) {
      add(
        "ThreadLocalPool.attach(descriptor, options)",
        `options: ${show(v)}`,
        () => ThreadLocalPool.attach(Vec, family.share(), v as never),
        PCE,
        q(v),
      );
    }
    add(
      "ThreadLocalPool.attach(descriptor, options)",
      `unknown option "capacity"`,
      () =>
        ThreadLocalPool.attach(Vec, family.share(), { capacity: 3 } as never),
      PCE,
      q("capacity"),
    );
    add(
      "ThreadLocalPool.attach(descriptor, options)",
      "factory: 5",
      () => ThreadLocalPool.attach(family.share(), { factory: 5 } as never),
      PCE,
      q(5),
    );
  }

  // ---- ThreadSafePool options and attach --------------------------------------
  {
    const target = "new ThreadSafePool(options)";
    const base = { capacity: 2, slotBytes: 8 };
    const make = (o: Record<string, unknown>) => new ThreadSafePool(o as never);
    for (const v of NOT_COUNTS) {
      add(
        target,
        `capacity: ${show(v)}`,
        () => make({ ...base, capacity: v }),
        InvalidCapacityError,
        q(v),
      );
    }
    add(
      target,
      "capacity: 2 ** 31 (over 2 GiB of shared memory)",
      () => make({ ...base, capacity: 2 ** 31 }),
      PCE,
      q(2 ** 31),
    );
    for (
      const v of [
        -1,
        1.5,
        NaN,
        Infinity,
        -Infinity,
        2 ** 53,
        "8",
        null,
        true,
        sym,
        10n,
      ]
    ) {
      add(
        target,
        `slotBytes: ${show(v)}`,
        () => make({ ...base, slotBytes: v }),
        PCE,
        q(v),
      );
    }
    add(
      target,
      "slotBytes: 2 ** 31 (over 2 GiB of shared memory)",
      () => make({ capacity: 1, slotBytes: 2 ** 31 }),
      PCE,
      q(2 ** 31),
    );
    add(
      target,
      "slotBytes: 0 without type or factory",
      () => make({ capacity: 2, slotBytes: 0 }),
      PCE,
    );
    add(
      "new ThreadSafePool(Slot, options)",
      "slotBytes: 4 (Slot.byteLength is 8)",
      () => new ThreadSafePool(Slot, { capacity: 2, slotBytes: 4 }),
      PCE,
      q(4),
    );
    for (const v of [-1, 1.5, "8", null]) {
      const Bad = class {
        static byteLength = v;
      };
      add(
        "new ThreadSafePool(type, options)",
        `type.byteLength: ${show(v)}`,
        () => new ThreadSafePool(Bad as never, { capacity: 2 }),
        PCE,
        q(v),
      );
    }
    for (const v of [0, -1, 1.5, NaN, Infinity, 2 ** 53, "4", null, sym]) {
      add(
        target,
        `maxThreads: ${show(v)}`,
        () => make({ ...base, maxThreads: v }),
        PCE,
        q(v),
      );
    }
    add(
      target,
      "maxThreads: 2 ** 40 with statistics (over 2 GiB)",
      () => make({ ...base, enableStatistics: true, maxThreads: 2 ** 40 }),
      PCE,
      q(2 ** 40),
    );
    add(
      target,
      `unknown option "allocator"`,
      () => make({ ...base, allocator: "stack" }),
      PCE,
      q("allocator"),
    );
    for (const v of NOT_FUNCTIONS) {
      add(
        target,
        `factory: ${show(v)}`,
        () => make({ ...base, factory: v }),
        PCE,
        q(v),
      );
      add(
        target,
        `destroy: ${show(v)}`,
        () => make({ ...base, destroy: v }),
        PCE,
        q(v),
      );
      add(
        target,
        `onLeak: ${show(v)}`,
        () => make({ ...base, onLeak: v }),
        PCE,
        q(v),
      );
    }
    for (const v of [5, null, true, sym, frozen]) {
      add(
        target,
        `reset: ${show(v)}`,
        () => make({ ...base, reset: v }),
        PCE,
        q(v),
      );
    }
    add(
      "new ThreadSafePool(Slot, options)",
      `reset: "nope" (not a method of Slot)`,
      () => new ThreadSafePool(Slot, { capacity: 2, reset: "nope" }),
      PCE,
      q("nope"),
    );
    for (const v of NOT_BOOLEANS) {
      add(
        target,
        `preInitialize: ${show(v)}`,
        () => make({ ...base, preInitialize: v }),
        PCE,
        q(v),
      );
    }
    for (const { value, quoted } of BAD_STATISTICS) {
      add(
        target,
        `enableStatistics: ${show(value)}`,
        () => make({ ...base, enableStatistics: value }),
        PCE,
        q(quoted),
      );
    }
    for (const v of NOT_OBJECTS) {
      add(target, `options: ${show(v)}`, () => make(v as never), PCE, q(v));
    }
    const pool = new ThreadSafePool({ capacity: 2, slotBytes: 8 });
    const share = pool.share();
    for (
      const v of [
        undefined,
        null,
        5,
        "d",
        sym,
        revokedOptions,
        {},
        { ...share, kind: "other" },
        { ...share, buffer: new ArrayBuffer(512) },
        { ...share, buffer: new SharedArrayBuffer(8) },
      ]
    ) {
      add(
        "ThreadSafePool.attach(descriptor, options)",
        `descriptor: ${show(v)}`,
        () => ThreadSafePool.attach(v as never),
        PCE,
        q(v),
      );
    }
    add(
      "ThreadSafePool.attach(descriptor, options)",
      "descriptor: capacity changed",
      () => ThreadSafePool.attach({ ...share, capacity: 3 }),
      PCE,
      q(3),
    );
    for (const v of [5, "x", sym, revokedOptions]) {
      add(
        "ThreadSafePool.attach(descriptor, options)",
        `options: ${show(v)}`,
        () => ThreadSafePool.attach(share, v as never),
        PCE,
        q(v),
      );
    }
    add(
      "ThreadSafePool.attach(descriptor, options)",
      `unknown option "capacity"`,
      () => ThreadSafePool.attach(share, { capacity: 3 } as never),
      PCE,
      q("capacity"),
    );
    add(
      "ThreadSafePool.attach(type, descriptor)",
      "type: Slot (byteLength 8) on slotBytes 4",
      () =>
        ThreadSafePool.attach(
          Slot,
          new ThreadSafePool({ capacity: 1, slotBytes: 4 }).share(),
        ),
      PCE,
      q(8),
    );
  }

  // ---- AsyncPool options -------------------------------------------------------
  {
    const target = "new AsyncPool(options)";
    const base = { capacity: 2, factory: () => ({ x: 0 }) };
    const make = (o: Record<string, unknown>) => new AsyncPool(o as never);
    for (const v of NOT_COUNTS) {
      add(
        target,
        `capacity: ${show(v)}`,
        () => make({ ...base, capacity: v }),
        InvalidCapacityError,
        q(v),
      );
    }
    for (
      const v of [
        -1,
        1.5,
        NaN,
        Infinity,
        -Infinity,
        2 ** 53,
        "1",
        null,
        true,
        sym,
        10n,
      ]
    ) {
      add(
        target,
        `min: ${show(v)}`,
        () => make({ ...base, min: v }),
        InvalidCapacityError,
        q(v),
      );
    }
    add(
      target,
      "min: 3 (> capacity 2)",
      () => make({ ...base, min: 3 }),
      InvalidCapacityError,
      q(3),
    );
    for (const v of NOT_FUNCTIONS) {
      add(
        target,
        `factory: ${show(v)}`,
        () => make({ ...base, factory: v }),
        PCE,
        q(v),
      );
      add(
        target,
        `destroy: ${show(v)}`,
        () => make({ ...base, destroy: v }),
        PCE,
        q(v),
      );
      add(
        target,
        `validate: ${show(v)}`,
        () => make({ ...base, validate: v }),
        PCE,
        q(v),
      );
      add(
        target,
        `onLeak: ${show(v)}`,
        () => make({ ...base, onLeak: v }),
        PCE,
        q(v),
      );
    }
    for (const v of [5, null, true, sym, frozen]) {
      add(
        target,
        `reset: ${show(v)}`,
        () => make({ ...base, reset: v }),
        PCE,
        q(v),
      );
    }
    add(
      "new AsyncPool(Vec, options)",
      `reset: "nope" (not a method of Vec)`,
      () => new AsyncPool(Vec, { capacity: 2, reset: "nope" }),
      PCE,
      q("nope"),
    );
    for (
      const key of [
        "acquireTimeout",
        "idleTimeout",
        "createTimeout",
        "healthCheckInterval",
      ]
    ) {
      for (const v of [0, -1, NaN, -Infinity, 2 ** 53, "10", null, true, sym]) {
        add(
          target,
          `${key}: ${show(v)}`,
          () => make({ ...base, [key]: v }),
          PCE,
          q(v),
        );
      }
    }
    for (const v of [-1, 1.5, NaN, -Infinity, 2 ** 53, "1", null, sym]) {
      add(
        target,
        `maxWaiters: ${show(v)}`,
        () => make({ ...base, maxWaiters: v }),
        PCE,
        q(v),
      );
    }
    for (const v of [0, -1, 1.5, NaN, "1", null]) {
      add(
        target,
        `maxUses: ${show(v)}`,
        () => make({ ...base, maxUses: v }),
        PCE,
        q(v),
      );
    }
    for (const v of [0, -1, NaN, -Infinity, "1", null]) {
      add(
        target,
        `maxLifetime: ${show(v)}`,
        () => make({ ...base, maxLifetime: v }),
        PCE,
        q(v),
      );
    }
    for (const { value, quoted } of BAD_STATISTICS) {
      add(
        target,
        `enableStatistics: ${show(value)}`,
        () => make({ ...base, enableStatistics: value }),
        PCE,
        q(quoted),
      );
    }
    add(
      target,
      `unknown option "idleTimout"`,
      () => make({ ...base, idleTimout: 5 }),
      PCE,
      q("idleTimout"),
    );
    add(
      target,
      `preInitialize: "yes" (not a boolean)`,
      () => make({ ...base, preInitialize: "yes" }),
      PCE,
      q("yes"),
    );
    add(target, "no type and no factory", () => make({ capacity: 2 }), PCE);
    for (const v of NOT_OBJECTS) {
      add(target, `options: ${show(v)}`, () => make(v as never), PCE, q(v));
    }
  }

  // ---- methods of the synchronous pools ---------------------------------------
  const methodPools: {
    name: string;
    make: () => Observable & Record<string, unknown>;
    typed: boolean;
  }[] = [
    {
      name: "FixedPool",
      make: () =>
        new FixedPool({
          capacity: 4,
          factory: () => ({ x: 0 }),
          enableStatistics: true,
        }) as never,
      typed: false,
    },
    {
      name: "FixedPool(Vec)",
      make: () =>
        new FixedPool(Vec, { capacity: 4, enableStatistics: true }) as never,
      typed: true,
    },
    {
      name: "GrowingPool",
      make: () =>
        new GrowingPool({
          capacity: 2,
          factory: () => ({ x: 0 }),
          enableStatistics: true,
        }) as never,
      typed: false,
    },
    {
      name: "ThreadLocalPool",
      make: () =>
        new ThreadLocalPool({
          capacity: 4,
          factory: () => ({ x: 0 }),
          enableStatistics: true,
        }) as never,
      typed: false,
    },
    {
      name: "ThreadSafePool(Slot)",
      make: () =>
        new ThreadSafePool(Slot, {
          capacity: 4,
          enableStatistics: true,
        }) as never,
      typed: true,
    },
    {
      name: "ThreadSafePool(factory)",
      make: () =>
        new ThreadSafePool({
          capacity: 4,
          factory: () => ({ x: 0 }),
          enableStatistics: true,
        }) as never,
      typed: false,
    },
  ];
  const NOT_MINE: unknown[] = [
    null,
    undefined,
    5,
    "obj",
    true,
    sym,
    10n,
    fn,
    {},
    frozen,
    [],
    new Vec(),
  ];
  for (const { name, make, typed } of methodPools) {
    const pool = make() as unknown as Observable & {
      acquire(): object;
      release(obj: unknown): void;
      weak(obj: unknown): unknown;
      use(fn: unknown): unknown;
    };
    const held = pool.acquire();
    const idle = pool.acquire();
    pool.release(idle);
    for (const v of NOT_MINE) {
      // A typed pool rejects non-instances by type; an instance it never lent is foreign.
      const mismatch = typed && !(v instanceof Vec && name.includes("Vec"));
      const error = mismatch ? TypeMismatchError : ForeignObjectError;
      const quoted = mismatch ? typeNameOf(v) : v;
      add(
        `${name}#release(obj)`,
        show(v),
        () => pool.release(v),
        error,
        q(quoted),
        pool,
      );
      add(
        `${name}#weak(obj)`,
        show(v),
        () => pool.weak(v),
        error,
        q(quoted),
        pool,
      );
    }
    add(
      `${name}#release(obj)`,
      "an object already released",
      () => pool.release(idle),
      AlreadyReleasedError,
      undefined,
      pool,
    );
    add(
      `${name}#weak(obj)`,
      "an object already released",
      () => pool.weak(idle),
      AlreadyReleasedError,
      undefined,
      pool,
    );
    for (const v of [5, "fn", null, undefined, sym, frozen]) {
      add(`${name}#use(fn)`, show(v), () => pool.use(v), TypeError, q(v), pool);
    }
    void held;
  }
  {
    const pool = new ThreadSafePool(Slot, {
      capacity: 4,
      enableStatistics: true,
    });
    pool.acquire();
    const tsp = "ThreadSafePool";
    for (
      const v of [
        -1,
        1.5,
        NaN,
        Infinity,
        4,
        2 ** 53,
        "0",
        null,
        undefined,
        sym,
        10n,
      ]
    ) {
      add(
        `${tsp}#at(index)`,
        show(v),
        () => pool.at(v as never),
        RangeError,
        q(v),
        pool,
      );
    }
    add(
      `${tsp}#at(index)`,
      "1 (a free slot)",
      () => pool.at(1),
      AlreadyReleasedError,
      q(1),
      pool,
    );
    for (
      const v of [0, -1, 1.5, NaN, Infinity, 2 ** 53, "2", null, undefined, sym]
    ) {
      add(
        `${tsp}#reclaim(threadId)`,
        show(v),
        () => pool.reclaim(v as never),
        RangeError,
        q(v),
        pool,
      );
    }
    add(
      `${tsp}#reclaim(threadId)`,
      "1 (its own thread id)",
      () => pool.reclaim(1),
      RangeError,
      q(1),
      pool,
    );
    // The one time-limit rule (config/_wait_options.ts): 0..2147483647 or
    // Infinity, so a finite limit above a timer's longest wait is refused.
    for (const v of [...NOT_NON_NEGATIVE, 2 ** 31]) {
      add(
        `${tsp}#acquireWait(timeoutMs)`,
        show(v),
        () => pool.acquireWait(v as never),
        RangeError,
        q(v),
        pool,
      );
      add(
        `${tsp}#acquireAsync(options)`,
        `timeout: ${show(v)}`,
        () => pool.acquireAsync({ timeout: v as never }),
        RangeError,
        q(v),
        pool,
      );
    }
    for (const v of [null, 5, "x", true, sym, revokedOptions]) {
      add(
        `${tsp}#acquireAsync(options)`,
        show(v),
        () => pool.acquireAsync(v as never),
        TypeError,
        q(v),
        pool,
      );
    }
    for (const v of ["abort", 5, {}, null, frozen]) {
      add(
        `${tsp}#acquireAsync(options)`,
        `signal: ${show(v)}`,
        () => pool.acquireAsync({ signal: v as never }),
        TypeError,
        q(v),
        pool,
      );
    }
    add(
      `${tsp}#acquireAsync(options)`,
      `unknown option "timout"`,
      () => pool.acquireAsync({ timout: 5 } as never),
      TypeError,
      q("timout"),
      pool,
    );
  }

  // ---- methods of AsyncPool -------------------------------------------------------
  {
    const pool = new AsyncPool({
      capacity: 2,
      factory: () => ({ x: 0 }),
      enableStatistics: true,
    });
    const typed = new AsyncPool(Vec, { capacity: 2, enableStatistics: true });
    for (const v of [null, 5, "x", true, sym, revokedOptions]) {
      add(
        "AsyncPool#acquire(options)",
        show(v),
        () => pool.acquire(v as never),
        TypeError,
        q(v),
        pool,
      );
      add(
        "AsyncPool#allocate(options)",
        show(v),
        () => pool.allocate(v as never),
        TypeError,
        q(v),
        pool,
      );
      add(
        "AsyncPool#allocateOwned(options)",
        show(v),
        () => pool.allocateOwned(v as never),
        TypeError,
        q(v),
        pool,
      );
    }
    for (const v of [2 ** 31, -1, NaN, -Infinity, 2 ** 53, "10", null, sym]) {
      add(
        "AsyncPool#acquire(options)",
        `timeout: ${show(v)}`,
        () => pool.acquire({ timeout: v as never }),
        RangeError,
        q(v),
        pool,
      );
    }
    for (const v of ["abort", 5, {}, null]) {
      add(
        "AsyncPool#acquire(options)",
        `signal: ${show(v)}`,
        () => pool.acquire({ signal: v as never }),
        TypeError,
        q(v),
        pool,
      );
    }
    add(
      "AsyncPool#acquire(options)",
      `unknown option "timout"`,
      () => pool.acquire({ timout: 5 } as never),
      TypeError,
      q("timout"),
      pool,
    );
    for (const v of NOT_MINE) {
      add(
        "AsyncPool#release(obj)",
        show(v),
        () => pool.release(v as never),
        ForeignObjectError,
        q(v),
        pool,
      );
      const mismatch = !(v instanceof Vec);
      add(
        "AsyncPool(Vec)#release(obj)",
        show(v),
        () => typed.release(v as never),
        mismatch ? TypeMismatchError : ForeignObjectError,
        q(mismatch ? typeNameOf(v) : v),
        typed,
      );
    }
    for (const v of [5, "fn", null, undefined, sym]) {
      add(
        "AsyncPool#use(fn)",
        show(v),
        () => pool.use(v as never),
        TypeError,
        q(v),
        pool,
      );
    }
    // ---- AsyncPool: discard, deadlines, hostile objects (issues 11, 12) ----
    add(
      "new AsyncPool(options)",
      "healthCheckInterval: 1000 without validate",
      () =>
        new AsyncPool({
          capacity: 2,
          factory: () => ({}),
          healthCheckInterval: 1000,
        }),
      PoolConfigurationError,
    );
    for (const v of [2 ** 53 + 2, 1e300, -(2 ** 53)]) {
      add(
        "new AsyncPool(options)",
        `capacity: ${show(v)} (beyond the safe integers)`,
        () => new AsyncPool({ capacity: v, factory: () => ({}) }),
        InvalidCapacityError,
        q(v),
      );
    }
    for (const v of NOT_MINE) {
      add(
        "AsyncPool#discard(obj)",
        show(v),
        () => pool.discard(v as never),
        ForeignObjectError,
        q(v),
        pool,
      );
      const mismatch = !(v instanceof Vec);
      add(
        "AsyncPool(Vec)#discard(obj)",
        show(v),
        () => typed.discard(v as never),
        mismatch ? TypeMismatchError : ForeignObjectError,
        q(mismatch ? typeNameOf(v) : v),
        typed,
      );
    }
    // Objects that only look like the lent one: a proxy of it, one that
    // inherits from it, a revoked proxy, one whose getters throw.
    const lentPool = new AsyncPool({
      capacity: 2,
      min: 1,
      factory: () => ({}),
    });
    const lent = lentPool.tryAcquire()!;
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const hostile: { input: string; value: unknown }[] = [
      { input: "new Proxy(lent, {})", value: new Proxy(lent, {}) },
      { input: "Object.create(lent)", value: Object.create(lent) },
      { input: "a revoked Proxy", value: revoked.proxy },
      {
        input: "an object whose constructor getter throws",
        value: Object.create({
          get constructor(): never {
            throw new Error("getter ran");
          },
        }),
      },
      {
        input: "a Proxy whose every trap throws",
        value: new Proxy({}, {
          get(): never {
            throw new Error("trap ran");
          },
          getPrototypeOf(): never {
            throw new Error("trap ran");
          },
          has(): never {
            throw new Error("trap ran");
          },
        }),
      },
    ];
    for (const { input, value } of hostile) {
      for (const method of ["release", "discard"] as const) {
        add(
          `AsyncPool#${method}(obj)`,
          input,
          () => lentPool[method](value as never),
          ForeignObjectError,
          q(value),
          lentPool,
        );
      }
    }
    for (const method of ["drain", "close"] as const) {
      for (const v of [null, 5, "x", true, sym, revokedOptions]) {
        add(
          `AsyncPool#${method}(options)`,
          show(v),
          () => pool[method](v as never),
          TypeError,
          q(v),
          pool,
        );
      }
      for (const v of [2 ** 31, -1, NaN, -Infinity, 2 ** 53, "10", null, sym]) {
        add(
          `AsyncPool#${method}(options)`,
          `timeout: ${show(v)}`,
          () => pool[method]({ timeout: v as never }),
          RangeError,
          q(v),
          pool,
        );
      }
      add(
        `AsyncPool#${method}(options)`,
        `unknown option "timout"`,
        () => pool[method]({ timout: 5 } as never),
        TypeError,
        q("timout"),
        pool,
      );
    }
  }

  // ---- PoolBuilder and pooled ----------------------------------------------------------
  {
    const b = () => Pool.builder().factory(() => ({ x: 0 })).capacity(2);
    // preInitialize, enableStatistics and the thread/async flags default to true.
    const setters = [
      "type",
      "factory",
      "capacity",
      "maxCapacity",
      "growth",
      "reset",
      "destroy",
      "allocator",
    ];
    for (const setter of setters) {
      add(
        `PoolBuilder#${setter}(value)`,
        "undefined",
        () =>
          (Pool.builder() as unknown as Record<
            string,
            (v: unknown) => unknown
          >)[setter]!(undefined),
        PCE,
        q(undefined),
      );
    }
    for (const v of NOT_COUNTS) {
      add(
        "PoolBuilder#capacity(n).build()",
        show(v),
        () => b().capacity(v as never).build(),
        InvalidCapacityError,
        q(v),
      );
      add(
        "PoolBuilder#maxCapacity(n).build()",
        show(v),
        () => b().maxCapacity(v as never).build(),
        InvalidCapacityError,
        q(v),
      );
    }
    for (const v of [5, "Vec", null, sym, frozen, true]) {
      add(
        "PoolBuilder#type(type).build()",
        show(v),
        () => Pool.builder().type(v as never).capacity(2).build(),
        PCE,
        q(v),
      );
    }
    for (const v of [5, "f", null, sym, frozen]) {
      add(
        "PoolBuilder#factory(fn).build()",
        show(v),
        () => Pool.builder().factory(v as never).capacity(2).build(),
        PCE,
        q(v),
      );
      add(
        "PoolBuilder#destroy(fn).build()",
        show(v),
        () => b().destroy(v as never).build(),
        PCE,
        q(v),
      );
    }
    for (const v of [5, null, sym, frozen]) {
      add(
        "PoolBuilder#reset(reset).build()",
        show(v),
        () => b().reset(v as never).build(),
        PCE,
        q(v),
      );
    }
    for (const v of [5, "linear", null, sym, frozen]) {
      add(
        "PoolBuilder#growth(growth).build()",
        show(v),
        () => b().growth(v as never).build(),
        PCE,
        q(v),
      );
    }
    for (const v of ["heap", 5, null, sym]) {
      add(
        "PoolBuilder#allocator(kind).build()",
        show(v),
        () => b().allocator(v as never).build(),
        PCE,
        q(v),
      );
    }
    for (const v of ["yes", 1, null, sym]) {
      add(
        "PoolBuilder#preInitialize(on).build()",
        show(v),
        () => b().preInitialize(v as never).build(),
        PCE,
        q(v),
      );
      add(
        "PoolBuilder#enableStatistics(on).build()",
        show(v),
        () => b().enableStatistics(v as never).build(),
        PCE,
        q(v),
      );
      add(
        "PoolBuilder#threadSafe(on).build()",
        show(v),
        () => b().threadSafe(v as never).build(),
        PCE,
        q(v),
      );
      add(
        "PoolBuilder#threadLocal(on).build()",
        show(v),
        () => b().threadLocal(v as never).build(),
        PCE,
        q(v),
      );
      add(
        "PoolBuilder#async(on).build()",
        show(v),
        () => b().async(v as never).build(),
        PCE,
        q(v),
      );
    }
    add(
      "PoolBuilder#build()",
      "no capacity",
      () => Pool.builder().factory(() => ({})).build(),
      PCE,
    );
    add(
      "PoolBuilder#build()",
      "no type and no factory",
      () => Pool.builder().capacity(2).build(),
      PCE,
    );
    add(
      "PoolBuilder#build()",
      "threadSafe and threadLocal",
      () => b().threadSafe().threadLocal().build(),
      PCE,
    );
    add(
      "PoolBuilder#build()",
      "async and threadSafe",
      () => b().async().threadSafe().build(),
      PCE,
    );
    add(
      "PoolBuilder#build()",
      "async and threadLocal",
      () => b().async().threadLocal().build(),
      PCE,
    );
    add(
      "PoolBuilder#build()",
      "growth and threadSafe",
      () => b().growth(linearGrowth({ increment: 1 })).threadSafe().build(),
      PCE,
    );
    add(
      "PoolBuilder#build()",
      "maxCapacity and threadLocal",
      () => b().maxCapacity(4).threadLocal().build(),
      PCE,
    );
    add(
      "PoolBuilder#build()",
      "maxCapacity and async",
      () => b().maxCapacity(4).async().build(),
      PCE,
    );

    for (const v of NOT_OBJECTS) {
      add("pooled(options)", show(v), () => pooled(v as never), PCE, q(v));
    }
    add(
      "pooled(options)",
      `unknown setting "capcity"`,
      () => pooled({ capacity: 2, capcity: 3 } as never),
      PCE,
      q("capcity"),
    );
    add(
      "pooled(options)",
      `unknown setting "onLeak"`,
      () => pooled({ capacity: 2, onLeak: fn } as never),
      PCE,
      q("onLeak"),
    );
    add("pooled(options)", "no capacity", () => pooled({}), PCE);
    add(
      "pooled(options)",
      "threadSafe and threadLocal",
      () => pooled({ capacity: 2, threadSafe: true, threadLocal: true }),
      PCE,
    );
    add(
      "pooled(options)",
      "async and threadSafe",
      () => pooled({ capacity: 2, async: true, threadSafe: true }),
      PCE,
    );
    for (const v of ["yes", 1, null]) {
      add(
        "pooled(options)",
        `threadSafe: ${show(v)}`,
        () => pooled({ capacity: 2, threadSafe: v } as never),
        PCE,
        q(v),
      );
    }
    for (const v of [0, 1.5, "10", NaN]) {
      add(
        "pooled(options) applied to a class",
        `capacity: ${show(v)}`,
        () => decorate(pooled({ capacity: v } as never)),
        InvalidCapacityError,
        q(v),
      );
    }
    add(
      "pooled(options) applied to a class",
      `reset: "nope"`,
      () => decorate(pooled({ capacity: 2, reset: "nope" })),
      PCE,
      q("nope"),
    );
  }

  // ---- growth strategies ----------------------------------------------------------------
  for (
    const [label, make, key] of [
      [
        "linearGrowth(options)",
        (o: unknown) => linearGrowth(o as never),
        "increment",
      ],
      [
        "exponentialGrowth(options)",
        (o: unknown) => exponentialGrowth(o as never),
        "factor",
      ],
    ] as const
  ) {
    for (const v of NOT_OBJECTS) {
      add(
        label,
        `options: ${show(v)}`,
        () => make(v),
        PCE,
        q(v),
      );
    }
    const bad = key === "increment"
      ? [0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, "10", null, sym, 10n]
      : [1, 0, -1, 0.5, NaN, Infinity, -Infinity, "2", null, sym, 10n];
    for (const v of bad) {
      add(
        label,
        `${key}: ${show(v)}`,
        () => make({ [key]: v }),
        PCE,
        q(v),
      );
    }
    add(label, `${key}: missing`, () => make({}), PCE, q(undefined));
    const ok = key === "increment" ? { increment: 1 } : { factor: 2 };
    for (const v of [0, -1, 1.5, NaN, Infinity, 2 ** 53, "10", null, sym]) {
      add(
        label,
        `maxCapacity: ${show(v)}`,
        () => make({ ...ok, maxCapacity: v }),
        PCE,
        q(v),
      );
    }
    add(
      label,
      `unknown option "maxCapcity"`,
      () => make({ ...ok, maxCapcity: 5 }),
      PCE,
      q("maxCapcity"),
    );
  }

  // ---- statistics ------------------------------------------------------------------------
  {
    for (const v of [null, 5, "x", true, sym, revokedOptions]) {
      add(
        "new StatsCollector(options)",
        `options: ${show(v)}`,
        () => new StatsCollector(v as never),
        PCE,
        q(v),
      );
    }
    for (const v of [-1, 1.5, NaN, Infinity, 2 ** 53, "10", null, sym]) {
      add(
        "new StatsCollector(options)",
        `capacity: ${show(v)}`,
        () => new StatsCollector({ capacity: v as never }),
        PCE,
        q(v),
      );
    }
    for (
      const { value, quoted } of BAD_STATISTICS.filter((s) =>
        s.value !== null && typeof s.value === "object"
      )
    ) {
      add(
        "new StatsCollector(options)",
        show(value),
        () => new StatsCollector(value as never),
        PCE,
        q(quoted),
      );
    }
    const collector = new StatsCollector({ capacity: 4 });
    collector.recordAllocation();
    const observed = observeCollector(collector);
    for (
      const method of [
        "recordAllocationTime",
        "recordReleaseTime",
        "recordWait",
        "recordGrowth",
        "recordCapacity",
      ] as const
    ) {
      for (const v of [-1, NaN, Infinity, "10", null, undefined, sym]) {
        add(
          `StatsCollector#${method}(n)`,
          show(v),
          () => collector[method](v as never),
          RangeError,
          q(v),
          observed,
        );
      }
    }
    const snapshot = new StatsCollector().snapshot();
    const merges: [unknown, unknown][] = [
      [null, null],
      [undefined, undefined],
      [5, 5],
      ["x", "x"],
      [sym, sym],
      [revokedOptions, revokedOptions],
      // A Proxy of a collector is no collector (instanceof said it was, and
      // snapshot() then threw the engine's TypeError).
      [new Proxy(new StatsCollector(), {}), undefined],
      [{}, undefined],
      [{ ...snapshot, enabled: "yes" }, "yes"],
      [{ ...snapshot, leaks: NaN }, NaN],
      [{ ...snapshot, currentInUse: -1 }, -1],
      [{ ...snapshot, waits: "3" }, "3"],
    ];
    for (const [v, quoted] of merges) {
      add(
        "StatsCollector#merge(other)",
        show(v),
        () => collector.merge(v as never),
        TypeError,
        q(quoted),
        observed,
      );
    }
    for (
      const v of [null, undefined, 5, "x", sym, {}, {
        ...snapshot,
        totalAllocations: NaN,
      }]
    ) {
      const quoted = v !== null && typeof v === "object"
        ? ("enabled" in v ? NaN : undefined)
        : v;
      add(
        "new StatsReporter(stats, options)",
        `stats: ${show(v)}`,
        () => new StatsReporter(v as never),
        TypeError,
        q(quoted),
      );
    }
    for (const v of [null, 5, "x", sym]) {
      add(
        "new StatsReporter(stats, options)",
        `options: ${show(v)}`,
        () => new StatsReporter(snapshot, v as never),
        PCE,
        q(v),
      );
    }
    for (const v of [5, null, sym, frozen]) {
      add(
        "new StatsReporter(stats, options)",
        `title: ${show(v)}`,
        () => new StatsReporter(snapshot, { title: v as never }),
        PCE,
        q(v),
      );
    }
    add(
      "new StatsReporter(stats, options)",
      `unknown option "titel"`,
      () => new StatsReporter(snapshot, { titel: "x" } as never),
      PCE,
      q("titel"),
    );

    // -- StatsReporter#toOpenMetrics (the "obs" engineer's section) --
    const reporter = new StatsReporter(snapshot);
    const om = "StatsReporter#toOpenMetrics(options)";
    const toOM = (options: unknown) => () =>
      reporter.toOpenMetrics(options as never);
    for (const v of [null, 5, "x", sym, revokedOptions]) {
      add(om, `options: ${show(v)}`, toOM(v), PCE, q(v));
    }
    add(om, "name: missing", toOM({}), PCE);
    for (
      const v of [
        5,
        null,
        sym,
        frozen,
        "",
        "1pool",
        "my-pool",
        "a b",
        "ü",
        "a.b",
      ]
    ) {
      add(om, `name: ${show(v)}`, toOM({ name: v }), PCE, q(v));
    }
    for (const v of [null, 5, "a=b", sym, [], revokedOptions]) {
      add(om, `labels: ${show(v)}`, toOM({ name: "p", labels: v }), PCE, q(v));
    }
    for (const key of ["", "1a", "a-b", "a b", "__name__", "é"]) {
      add(
        om,
        `label name ${show(key)}`,
        toOM({ name: "p", labels: { [key]: "x" } }),
        PCE,
        q(key),
      );
    }
    for (const v of [1, null, true, undefined, sym, frozen]) {
      add(
        om,
        `label value ${show(v)}`,
        toOM({ name: "p", labels: { a: v } }),
        PCE,
        q(v),
      );
    }
    add(
      om,
      'label value "\\ud800" (a lone surrogate)',
      toOM({ name: "p", labels: { a: "\ud800" } }),
      PCE,
      q("a"),
    );
    add(
      om,
      'unknown option "label"',
      toOM({ name: "p", label: {} }),
      PCE,
      q("label"),
    );
    add(
      om,
      "labels: a Map (its entries are no own keys)",
      toOM({ name: "p", labels: new Map([["pool", "a"]]) }),
      PCE,
    );
    // -- StatsReporter.combineOpenMetrics: several pools under one name --
    const cm = "StatsReporter.combineOpenMetrics(pools, options)";
    const combine = (pools: unknown, options: unknown = { name: "p" }) => () =>
      StatsReporter.combineOpenMetrics(pools as never, options as never);
    const part = (labels: unknown) => ({ stats: snapshot, labels });
    for (const v of [null, 5, "x", {}, sym, revokedOptions]) {
      add(cm, `pools: ${show(v)}`, combine(v), PCE, q(v));
    }
    for (const v of [null, 5, "x", sym, revokedOptions]) {
      add(cm, `a pool: ${show(v)}`, combine([v]), PCE, q(v));
    }
    add(
      cm,
      'a pool with the unknown key "label"',
      combine([{ stats: snapshot, label: {} }]),
      PCE,
      q("label"),
    );
    for (const v of [null, 5, { enabled: true }, {}, revokedOptions]) {
      add(cm, `a pool's stats: ${show(v)}`, combine([{ stats: v }]), TypeError);
    }
    for (const v of [5, "a=b", [], new Map([["pool", "a"]])]) {
      add(cm, `a pool's labels: ${show(v)}`, combine([part(v)]), PCE);
    }
    for (const key of ["a-b", "__name__"]) {
      add(
        cm,
        `a pool's label name ${show(key)}`,
        combine([part({ [key]: "x" })]),
        PCE,
        q(key),
      );
    }
    add(cm, "a pool's label value 1", combine([part({ a: 1 })]), PCE, q(1));
    add(
      cm,
      "two pools with the same labels",
      combine([part({ pool: "a" }), part({ pool: "a" })]),
      PCE,
    );
    add(
      cm,
      "two pools without labels of their own",
      combine([part(undefined), part({})]),
      PCE,
    );
    add(
      cm,
      'label "app" both shared and a pool\'s own',
      combine([part({ app: "y" })], { name: "p", labels: { app: "x" } }),
      PCE,
      q("app"),
    );
    for (const v of [null, 5, {}, { name: "1p" }, { name: "p", label: {} }]) {
      add(cm, `options: ${show(v)}`, combine([part({ pool: "a" })], v), PCE);
    }
    // -- AsyncPool leakTimeout (the "obs" engineer's section) --
    for (
      const v of [0, -1, NaN, -Infinity, "10", null, true, 2 ** 31, sym, frozen]
    ) {
      add(
        "new AsyncPool(options)",
        `leakTimeout: ${show(v)}`,
        () =>
          new AsyncPool({
            capacity: 1,
            factory: () => ({}),
            leakTimeout: v as never,
          }),
        PCE,
        q(v),
      );
    }
    // -- new PoolEvent(type, init) (the "obs" engineer's section) --
    const pe = "new PoolEvent(type, init)";
    for (const v of ["acquired", "", "Create", 5, null, undefined, sym]) {
      add(
        pe,
        `type: ${show(v)}`,
        () => new PoolEvent(v as never),
        TypeError,
        q(v),
      );
    }
    for (const v of [null, 5, "x"]) {
      add(
        pe,
        `init: ${show(v)}`,
        () => new PoolEvent("create", v as never),
        TypeError,
        q(v),
      );
    }
    for (const field of ["waitMs", "heldMs"]) {
      for (const v of [-1, NaN, Infinity, "5"]) {
        add(
          pe,
          `${field}: ${show(v)}`,
          () => new PoolEvent("release", { [field]: v } as never),
          TypeError,
          q(v),
        );
      }
    }
    for (const v of [5, null]) {
      add(
        pe,
        `stack: ${show(v)}`,
        () => new PoolEvent("overdue", { stack: v } as never),
        TypeError,
        q(v),
      );
    }
  }

  // ---- allocators ---------------------------------------------------------------------------
  {
    for (const v of ["heap", "", "Stack", 5, null, undefined, sym]) {
      add(
        "createAllocator(kind)",
        show(v),
        () => createAllocator(v as never),
        PCE,
        q(v),
      );
    }
    const list = new FreelistAllocator<object>();
    const item = {};
    list.push(item);
    const observed = observeSize(list);
    for (const v of [5, "x", null, undefined, true, sym, 10n]) {
      add(
        "FreelistAllocator#push(item)",
        show(v),
        () => list.push(v as never),
        TypeError,
        q(v),
        observed,
      );
    }
    add(
      "FreelistAllocator#push(item)",
      "a frozen {} (never pushed)",
      () => list.push(frozen),
      TypeError,
      q(frozen),
      observed,
    );
    add(
      "FreelistAllocator#push(item)",
      "an item already in the list",
      () => list.push(item),
      AlreadyReleasedError,
      q(item),
      observed,
    );

    for (const v of [...NOT_COUNTS, 2 ** 31]) {
      add(
        "new SharedFreeList(capacity)",
        show(v),
        () => new SharedFreeList(v as never),
        PCE,
        q(v),
      );
    }
    for (const v of [-4, 3, NaN, "0", 2 ** 53, null, 1 << 20]) {
      add(
        "new SharedFreeList(capacity, options)",
        `byteOffset: ${show(v)}`,
        () =>
          new SharedFreeList(4, {
            buffer: new SharedArrayBuffer(1024),
            byteOffset: v as never,
          }),
        PCE,
        q(v),
      );
    }
    for (const v of [-1, 1.5, NaN, "1", null]) {
      add(
        "new SharedFreeList(capacity, options)",
        `home: ${show(v)}`,
        () => new SharedFreeList(4, { home: v as never }),
        PCE,
        q(v),
      );
    }
    for (const v of [new ArrayBuffer(1024), 5, "buf", frozen]) {
      add(
        "new SharedFreeList(capacity, options)",
        `buffer: ${show(v)}`,
        () => new SharedFreeList(4, { buffer: v as never }),
        PCE,
        q(v),
      );
    }
    add(
      "new SharedFreeList(capacity, options)",
      "buffer: a SharedArrayBuffer of 16 bytes",
      () => new SharedFreeList(4, { buffer: new SharedArrayBuffer(16) }),
      PCE,
      q(16),
    );
    for (const v of [new ArrayBuffer(1024), null, 5]) {
      add(
        "SharedFreeList.attach(buffer)",
        show(v),
        () => SharedFreeList.attach(v as never),
        PCE,
        q(v),
      );
    }
    for (const v of [null, 5, "x"]) {
      add(
        "SharedFreeList.attach(buffer, options)",
        `options: ${show(v)}`,
        () => SharedFreeList.attach(new SharedFreeList(4).buffer, v as never),
        PCE,
        q(v),
      );
    }
    add(
      "SharedFreeList.attach(buffer)",
      "a SharedArrayBuffer holding no list",
      () => SharedFreeList.attach(new SharedArrayBuffer(1024)),
      PCE,
      q(0),
    );
    const shared = new SharedFreeList(4);
    shared.pop();
    const observedShared = observeSize(shared);
    for (const v of [-1, 1.5, NaN, 4, 2 ** 53, "0", null, undefined, sym]) {
      add(
        "SharedFreeList#push(slot)",
        show(v),
        () => shared.push(v as never),
        RangeError,
        q(v),
        observedShared,
      );
      add(
        "SharedFreeList#isFree(slot)",
        show(v),
        () => shared.isFree(v as never),
        RangeError,
        q(v),
        observedShared,
      );
    }
    // The one time-limit rule, as for ThreadSafePool's waits.
    for (const v of [...NOT_NON_NEGATIVE, 2 ** 31]) {
      add(
        "SharedFreeList#popWait(timeoutMs)",
        show(v),
        () => shared.popWait(v as never),
        RangeError,
        q(v),
        observedShared,
      );
      add(
        "SharedFreeList#popAsync(options)",
        `timeout: ${show(v)}`,
        () => shared.popAsync({ timeout: v as never }),
        RangeError,
        q(v),
        observedShared,
      );
    }
    for (const v of [null, 5, "x", sym]) {
      add(
        "SharedFreeList#popAsync(options)",
        show(v),
        () => shared.popAsync(v as never),
        TypeError,
        q(v),
        observedShared,
      );
    }
    add(
      "SharedFreeList#popAsync(options)",
      'signal: "abort"',
      () => shared.popAsync({ signal: "abort" as never }),
      TypeError,
      q("abort"),
      observedShared,
    );
  }

  // ---- handles --------------------------------------------------------------------------------
  {
    const pool = new FixedPool({
      capacity: 2,
      factory: () => ({ x: 0 }),
      enableStatistics: true,
    });
    const lender: Lender<object> = {
      isLive: () => true,
      release: fn,
      leaked: fn,
    };
    const obj = {};
    for (
      const [label, make] of [
        [
          "new ContextHandle(lender, object, generation)",
          (l: unknown, o: unknown, g: unknown) =>
            new ContextHandle(l as never, o, g as never),
        ],
        [
          "new OwnedHandle(lender, object, generation)",
          (l: unknown, o: unknown, g: unknown) =>
            new OwnedHandle(l as never, o, g as never),
        ],
        [
          "new WeakHandle(lender, object, generation)",
          (l: unknown, o: unknown, g: unknown) =>
            new WeakHandle(l as never, o as never, g as never),
        ],
      ] as const
    ) {
      for (
        const v of [null, undefined, 5, "lender", {}, {
          isLive: fn,
          release: fn,
        }, sym]
      ) {
        add(
          label,
          `lender: ${show(v)}`,
          () => make(v, obj, 1),
          TypeError,
          q(v),
        );
      }
      for (const v of [1.5, NaN, Infinity, "1", null, undefined, sym]) {
        add(
          label,
          `generation: ${show(v)}`,
          () => make(lender, obj, v),
          TypeError,
          q(v),
        );
      }
      add(
        label,
        "object: undefined",
        () => make(lender, undefined, 1),
        TypeError,
        q(undefined),
      );
    }
    for (const v of [5, "x", null, true, sym]) {
      add(
        "new WeakHandle(lender, object, generation)",
        `object: ${show(v)}`,
        () => new WeakHandle(lender, v as never, 1),
        TypeError,
        q(v),
      );
    }
    const context = pool.allocate();
    context.release();
    const owned = pool.allocateOwned();
    owned.release();
    const held = pool.acquire();
    const weak = pool.weak(held);
    pool.release(held);
    add(
      "ContextHandle#value",
      "after release",
      () => context.value,
      AlreadyReleasedError,
      q(context.generation),
      pool,
    );
    add(
      "ContextHandle#get()",
      "after release",
      () => context.get(),
      AlreadyReleasedError,
      q(context.generation),
      pool,
    );
    add(
      "ContextHandle#release()",
      "a second time",
      () => context.release(),
      AlreadyReleasedError,
      q(context.generation),
      pool,
    );
    add(
      "OwnedHandle#value",
      "after release",
      () => owned.value,
      AlreadyReleasedError,
      q(owned.generation),
      pool,
    );
    add(
      "OwnedHandle#release()",
      "a second time",
      () => owned.release(),
      AlreadyReleasedError,
      q(owned.generation),
      pool,
    );
    add(
      "WeakHandle#get()",
      "after its borrow ended",
      () => weak.get(),
      AlreadyReleasedError,
      q(weak.generation),
      pool,
    );
    pool.acquire(); // the same object, a new borrow: the old handles stay stale
    add(
      "ContextHandle#release()",
      "after its object was lent again",
      () => context.release(),
      AlreadyReleasedError,
      q(context.generation),
      pool,
    );
    add(
      "WeakHandle#get()",
      "after its object was lent again",
      () => weak.get(),
      AlreadyReleasedError,
      q(weak.generation),
      pool,
    );
  }
  // ---- keys, discard and identity of FixedPool, GrowingPool, ThreadLocalPool ----
  // (the sync engineer's section: issue 10 keys and discard, issue 11 identity)
  rows.push(...syncKeyRows(add, q));
  // ---- ThreadSafePool: keys, discard, identity, huge capacities (tsp) --------
  {
    const pool = new ThreadSafePool(Slot, {
      capacity: 3, // 2 slot bits: keys are (generation << 2) | slot
      enableStatistics: true,
    });
    const factoryPool = new ThreadSafePool({
      capacity: 3,
      factory: () => ({ x: 0 }),
      enableStatistics: true,
    });
    const tsp = "ThreadSafePool";
    const lent = pool.acquire(); // slot 0, generation 1: key 4
    const stale = pool.acquireKey(); // slot 1, generation 1: key 5
    pool.releaseKey(stale);
    const factoryLent = factoryPool.acquire();
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const revokedLent = Proxy.revocable(lent, {});
    revokedLent.revoke();
    const trapping = (target: object) =>
      new Proxy(target, {
        get() {
          throw new Error("get trap ran");
        },
        getPrototypeOf() {
          throw new Error("getPrototypeOf trap ran");
        },
        getOwnPropertyDescriptor() {
          throw new Error("getOwnPropertyDescriptor trap ran");
        },
        has() {
          throw new Error("has trap ran");
        },
      });
    const throwingGetter = Object.create({
      get constructor(): never {
        throw new Error("constructor getter ran");
      },
    });
    // Numbers (and other values) this pool never issued as keys.
    const neverIssued: [string, unknown][] = [
      ["-1", -1],
      ["0.5", 0.5],
      ["NaN", NaN],
      ["Infinity", Infinity],
      ["2 ** 31", 2 ** 31],
      ["2 ** 53", 2 ** 53],
      ["Number.MAX_SAFE_INTEGER", Number.MAX_SAFE_INTEGER],
      ["0 (generation 0 is never issued)", 0],
      ["(2 << 2) | 0 (a generation slot 0 has not reached)", (2 << 2) | 0],
      ["(1 << 2) | 2 (slot 2 was never lent)", (1 << 2) | 2],
      ["(1 << 2) | 3 (slot 3 does not exist)", (1 << 2) | 3],
      ['"4"', "4"],
      ["null", null],
      ["undefined", undefined],
      ["Symbol(bad)", sym],
      ["10n", 10n],
      ["a frozen {}", frozen],
      ["a function", fn],
      ["a Proxy", new Proxy({}, {})],
      ["a revoked Proxy", revoked.proxy],
      ["a Proxy whose traps throw", trapping({})],
    ];
    for (const method of ["objectOf", "releaseKey", "discardKey"] as const) {
      for (const [input, v] of neverIssued) {
        add(
          `${tsp}#${method}(key)`,
          input,
          () => pool[method](v as number),
          ForeignObjectError,
          undefined,
          pool,
        );
      }
      add(
        `${tsp}#${method}(key)`,
        "a stale key (its borrow ended)",
        () => pool[method](stale),
        AlreadyReleasedError,
        undefined,
        pool,
      );
    }
    // Objects that are not the very wrapper the pool lent.
    const impostors: [string, unknown, boolean][] = [
      // [input, value, is it an instance of Slot as instanceof sees it]
      ["Object.create(lent)", Object.create(lent), true],
      ["new Proxy(lent, {})", new Proxy(lent, {}), true],
      ["a revoked Proxy of lent", revokedLent.proxy, true],
      ["a Proxy of lent whose traps throw", trapping(lent), true],
      ["a Proxy of {}", new Proxy({}, {}), false],
      ["an object whose constructor getter throws", throwingGetter, false],
      ["a revoked Proxy", revoked.proxy, true],
    ];
    for (const method of ["release", "discard", "keyOf", "weak"] as const) {
      for (const [input, v, instance] of impostors) {
        add(
          `${tsp}(Slot)#${method}(obj)`,
          input,
          () => pool[method](v as Slot),
          instance ? ForeignObjectError : TypeMismatchError,
          undefined,
          pool,
        );
        add(
          `${tsp}(factory)#${method}(obj)`,
          input.replace("lent", "factoryLent"),
          () =>
            factoryPool[method](
              (v === throwingGetter
                ? v
                : instance
                ? input.startsWith("Object.create")
                  ? Object.create(factoryLent)
                  : new Proxy(factoryLent, {})
                : v) as { x: number },
            ),
          ForeignObjectError,
          undefined,
          factoryPool,
        );
      }
    }
    for (const v of [null, undefined, 5, "obj", sym, 10n, {}, frozen, []]) {
      const quoted = typeNameOf(v);
      for (const method of ["discard", "keyOf"] as const) {
        add(
          `${tsp}(Slot)#${method}(obj)`,
          show(v),
          () => pool[method](v as Slot),
          TypeMismatchError,
          q(quoted),
          pool,
        );
        add(
          `${tsp}(factory)#${method}(obj)`,
          show(v),
          () => factoryPool[method](v as { x: number }),
          ForeignObjectError,
          q(v),
          factoryPool,
        );
      }
    }
    {
      const gone = pool.acquire();
      pool.discard(gone);
      for (const method of ["discard", "keyOf", "release"] as const) {
        add(
          `${tsp}(Slot)#${method}(obj)`,
          "a wrapper already discarded",
          () => pool[method](gone),
          AlreadyReleasedError,
          undefined,
          pool,
        );
      }
    }
    // Capacities up to Number.MAX_SAFE_INTEGER: refused before anything is
    // allocated (no 2 GiB buffer is ever attempted).
    for (
      const v of [
        2 ** 30 + 1,
        2 ** 31,
        2 ** 32,
        2 ** 40,
        Number.MAX_SAFE_INTEGER,
      ]
    ) {
      for (
        const [kind, extra] of [
          ["slotBytes: 8", { slotBytes: 8 }],
          ["a factory", { factory: () => ({}) }],
        ] as const
      ) {
        add(
          "new ThreadSafePool(options)",
          `capacity: ${
            v === Number.MAX_SAFE_INTEGER
              ? "Number.MAX_SAFE_INTEGER"
              : `2 ** ${Math.log2(v - (v === 2 ** 30 + 1 ? 1 : 0))}${
                v === 2 ** 30 + 1 ? " + 1" : ""
              }`
          } with ${kind} (over 2 GiB)`,
          () => new ThreadSafePool({ capacity: v, ...extra } as never),
          PCE,
          q(v),
        );
      }
    }
    {
      const big = new ThreadSafePool({
        capacity: 2 ** 20 + 1,
        factory: () => ({}),
      });
      add(
        `${tsp}#acquireKey()`,
        "capacity 2 ** 20 + 1 (too few generation bits)",
        () => big.acquireKey(),
        PCE,
        undefined,
        big,
      );
      add(
        `${tsp}#keyOf(obj)`,
        "capacity 2 ** 20 + 1 (too few generation bits)",
        () => big.keyOf(big.acquire()),
        PCE,
      );
    }
    {
      const full = new ThreadSafePool(Slot, { capacity: 1, maxThreads: 2 });
      ThreadSafePool.attach(Slot, full.share());
      add(
        "ThreadSafePool.attach(type, descriptor)",
        "every thread entry taken (maxThreads: 2)",
        () => ThreadSafePool.attach(Slot, full.share()),
        PCE,
        undefined,
        full,
      );
      const detached = ThreadSafePool.attach(
        Slot,
        new ThreadSafePool(Slot, {
          capacity: 1,
        }).share(),
      );
      detached.detach();
      for (
        const [method, run] of [
          ["acquire()", () => detached.acquire()],
          ["acquireKey()", () => detached.acquireKey()],
          ["tryAcquire()", () => detached.tryAcquire()],
        ] as const
      ) {
        add(
          `${tsp}#${method}`,
          "on a detached view",
          run,
          PoolClosedError,
          undefined,
          detached,
        );
      }
    }
    // SharedFreeList: where takes are recorded, and settling waiters.
    for (
      const v of [[], new Int32Array(3), "x", new Uint32Array(8), frozen, 5]
    ) {
      add(
        "new SharedFreeList(capacity, options)",
        `claims: ${
          v instanceof Int32Array
            ? "an Int32Array of 3"
            : v instanceof Uint32Array
            ? "a Uint32Array"
            : show(v)
        }`,
        () => new SharedFreeList(4, { claims: v as Int32Array }),
        PCE,
      );
    }
    for (const v of [1.5, NaN, 2 ** 31, -(2 ** 31) - 1, "1", null]) {
      add(
        "new SharedFreeList(capacity, options)",
        `claimId: ${show(v)}`,
        () => new SharedFreeList(4, { claimId: v as number }),
        PCE,
        q(v),
      );
    }
    const list = new SharedFreeList(2);
    for (const v of [-1, 1.5, NaN, Infinity, "1", null, sym]) {
      add(
        "SharedFreeList#settleWaiters(count)",
        show(v),
        () => list.settleWaiters(v as number),
        RangeError,
        q(v),
        observeSize(list),
      );
    }
  }
  return rows;
}

type Add = (
  target: string,
  input: string,
  run: () => unknown,
  error: ErrorClass,
  quoted?: { value: unknown },
  subject?: Observable,
) => void;

/** Impostors of a lent object: each must be foreign (or mistyped) everywhere. */
function impostors(lent: object): [string, unknown][] {
  const revocable = Proxy.revocable(lent, {});
  revocable.revoke();
  const throwing = new Proxy(lent, {
    get() {
      throw new Error("trap");
    },
    getPrototypeOf() {
      throw new Error("trap");
    },
    getOwnPropertyDescriptor() {
      throw new Error("trap");
    },
  });
  const getter = {};
  Object.defineProperty(getter, "x", {
    get() {
      throw new Error("getter");
    },
  });
  const proto = {};
  Object.defineProperty(proto, "constructor", {
    get() {
      throw new Error("getter");
    },
  });
  return [
    ["Object.create(lent)", Object.create(lent)],
    ["new Proxy(lent, {})", new Proxy(lent, {})],
    ["a revoked Proxy of lent", revocable.proxy],
    ["a Proxy of lent whose traps throw", throwing],
    ["an object whose getter throws", getter],
    [
      "an object whose prototype's constructor getter throws",
      Object.create(proto),
    ],
  ];
}

/** The rows of the section above (returned, so the section stays one call). */
function syncKeyRows(
  add: Add,
  q: (value: unknown) => { value: unknown },
): BadInput[] {
  const before: BadInput[] = [];
  const collect: Add = (...args) => {
    const [target, input, run, error, quoted, subject] = args;
    before.push({
      target,
      input,
      run,
      error,
      name: error.name,
      ...(quoted === undefined ? {} : { quotes: quoted }),
      ...(subject === undefined ? {} : { subject }),
    });
  };
  void add;
  const pools: {
    name: string;
    make: () => Observable & Record<string, unknown>;
    typed: boolean;
  }[] = [
    {
      name: "FixedPool",
      make: () =>
        new FixedPool({
          capacity: 4,
          factory: () => ({ x: 0 }),
          enableStatistics: true,
        }) as never,
      typed: false,
    },
    {
      name: "FixedPool(Vec)",
      make: () =>
        new FixedPool(Vec, { capacity: 4, enableStatistics: true }) as never,
      typed: true,
    },
    {
      name: "GrowingPool",
      make: () =>
        new GrowingPool({
          capacity: 2,
          factory: () => ({ x: 0 }),
          enableStatistics: true,
        }) as never,
      typed: false,
    },
    {
      name: "ThreadLocalPool",
      make: () =>
        new ThreadLocalPool({
          capacity: 4,
          factory: () => ({ x: 0 }),
          enableStatistics: true,
        }) as never,
      typed: false,
    },
  ];
  for (const { name, make, typed } of pools) {
    const pool = make() as unknown as Observable & {
      acquire(): object;
      acquireKey(): number;
      release(obj: unknown): void;
      releaseKey(key: unknown): void;
      objectOf(key: unknown): unknown;
      discardKey(key: unknown): void;
      keyOf(obj: unknown): number;
      discard(obj: unknown): void;
      weak(obj: unknown): unknown;
    };
    const held = pool.acquire();
    const heldKey = pool.keyOf(held);
    const stale = pool.acquireKey();
    pool.releaseKey(stale);
    const idle = pool.acquire();
    pool.release(idle);
    // The next generation of the held slot, and a slot never created.
    const step = 2 ** 31 / (pool as unknown as { keyGenerations: number })
      .keyGenerations;
    const future = heldKey + step;
    const neverCreated = 3;
    const keyMethods = [
      ["releaseKey(key)", (k: unknown) => pool.releaseKey(k)],
      ["objectOf(key)", (k: unknown) => pool.objectOf(k)],
      ["discardKey(key)", (k: unknown) => pool.discardKey(k)],
    ] as const;
    const notKeys: unknown[] = [
      -1,
      1.5,
      NaN,
      Infinity,
      -Infinity,
      2 ** 31,
      2 ** 53,
      -(2 ** 31),
      "0",
      null,
      undefined,
      true,
      sym,
      10n,
      fn,
      frozen,
      {},
      [],
      future,
      neverCreated,
    ];
    for (const [method, call] of keyMethods) {
      for (const v of notKeys) {
        // Integers are shown bare ("key 3"), anything else quoted.
        const quoted = typeof v === "number" && Number.isInteger(v)
          ? undefined
          : q(v);
        collect(
          `${name}#${method}`,
          v === future
            ? "a generation not reached yet"
            : v === neverCreated
            ? "3 (a slot never created)"
            : show(v),
          () => call(v),
          ForeignObjectError,
          quoted,
          pool,
        );
      }
      collect(
        `${name}#${method}`,
        "a stale key (its slot lent again since)",
        () => call(stale),
        AlreadyReleasedError,
        undefined,
        pool,
      );
    }
    const objectMethods = [
      ["keyOf(obj)", (o: unknown) => pool.keyOf(o)],
      ["discard(obj)", (o: unknown) => pool.discard(o)],
    ] as const;
    const notMine: unknown[] = [null, undefined, 5, "obj", sym, fn, {}, frozen];
    for (const [method, call] of objectMethods) {
      for (const v of notMine) {
        const mismatch = typed;
        collect(
          `${name}#${method}`,
          show(v),
          () => call(v),
          mismatch ? TypeMismatchError : ForeignObjectError,
          q(mismatch ? typeNameOf(v) : v),
          pool,
        );
      }
      collect(
        `${name}#${method}`,
        "an object already released",
        () => call(idle),
        AlreadyReleasedError,
        undefined,
        pool,
      );
    }
    const allObjectMethods = [
      ...objectMethods,
      ["release(obj)", (o: unknown) => pool.release(o)],
      ["weak(obj)", (o: unknown) => pool.weak(o)],
    ] as const;
    for (const [what, impostor] of impostors(held)) {
      // Inheriting or forwarding the lent object's marks never makes one lent.
      // A typed pool asks instanceof first: a Proxy that cannot answer, or
      // an object of another class, is a type mismatch.
      let instance = false;
      try {
        instance = impostor instanceof Vec;
      } catch {
        instance = false;
      }
      const mismatch = typed && !instance;
      for (const [method, call] of allObjectMethods) {
        collect(
          `${name}#${method}`,
          what,
          () => call(impostor),
          mismatch ? TypeMismatchError : ForeignObjectError,
          undefined,
          pool,
        );
      }
    }
  }
  // Capacities up to Number.MAX_SAFE_INTEGER are fine (nothing is allocated
  // up front); past it they are bad.
  for (
    const [name, make] of [
      [
        "FixedPool",
        (c: unknown) =>
          new FixedPool({ capacity: c as number, factory: () => ({}) }),
      ],
      [
        "GrowingPool",
        (c: unknown) =>
          new GrowingPool({ capacity: c as number, factory: () => ({}) }),
      ],
      [
        "ThreadLocalPool",
        (c: unknown) =>
          new ThreadLocalPool({ capacity: c as number, factory: () => ({}) }),
      ],
    ] as const
  ) {
    for (const v of [Number.MAX_SAFE_INTEGER + 2, 2 ** 64, Number.MAX_VALUE]) {
      collect(
        `new ${name}(options)`,
        `capacity: ${String(v)}`,
        () => make(v),
        InvalidCapacityError,
        q(v),
      );
    }
  }
  collect(
    "new GrowingPool(options)",
    "maxCapacity: 2 ** 53",
    () =>
      new GrowingPool({
        capacity: 1,
        maxCapacity: 2 ** 53,
        factory: () => ({}),
      }),
    InvalidCapacityError,
    q(2 ** 53),
  );
  return before;
}

function typeNameOf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object" && typeof value !== "function") {
    return typeof value;
  }
  const ctor =
    (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
      ?.constructor;
  return typeof ctor === "function" && ctor.name ? ctor.name : "Object";
}

/** Applies a `pooled` decorator by hand (Node cannot parse decorator syntax). */
function decorate(decorator: (target: never, context: never) => void): void {
  class Job {
    n = 0;
  }
  decorator(Job as never, {
    kind: "class",
    name: "Job",
    addInitializer: (init: () => void) => init.call(Job),
    metadata: {},
  } as never);
}

/** A collector seen as an {@linkcode Observable}, so `stateOf` covers it. */
function observeCollector(collector: StatsCollector): Observable {
  return {
    get inUse() {
      return collector.snapshot().currentInUse;
    },
    available: 0,
    get capacity() {
      return collector.snapshot().currentCapacity;
    },
    closed: false,
    stats: () => collector.snapshot(),
  };
}

/** A container seen as an {@linkcode Observable}: its size is its state. */
function observeSize(container: { readonly size: number }): Observable {
  const stats = new StatsCollector().snapshot();
  return {
    inUse: 0,
    get available() {
      return container.size;
    },
    capacity: 0,
    closed: false,
    stats: () => stats,
  };
}
