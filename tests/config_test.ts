import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  checkBoolean,
  checkCapacity,
  checkFunction,
  checkNumber,
  checkOptionKeys,
  validateGrowingPoolOptions,
  validatePoolOptions,
  validateStatistics,
} from "../config/_options.ts";
import {
  exponentialGrowth,
  type GrowthConfig,
  linearGrowth,
} from "../config/growth.ts";
import { validateGrowth } from "../config/_growth.ts";
import { InvalidCapacityError, PoolConfigurationError } from "../errors.ts";
import { FixedPool } from "../pools/fixed_pool.ts";
import { GrowingPool } from "../pools/growing_pool.ts";
import { quote } from "../quote.ts";
import { throwsExactly } from "./_state.ts";

class Vec {
  x = 0;
  clear(): void {
    this.x = 0;
  }
}

const BAD_CAPACITIES: unknown[] = [
  0,
  -1,
  1.5,
  Number.NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  "10",
  null,
  undefined,
  true,
  {},
];

// deno-lint-ignore no-explicit-any
type AnyOptions = any;

describe("capacity validation", () => {
  const makers: [string, (capacity: unknown) => unknown][] = [
    [
      "FixedPool with a factory",
      (capacity) =>
        new FixedPool({ capacity, factory: () => ({}) } as AnyOptions),
    ],
    [
      "FixedPool with a type",
      (capacity) => new FixedPool(Vec, { capacity } as AnyOptions),
    ],
    [
      "GrowingPool capacity",
      (capacity) =>
        new GrowingPool({ capacity, factory: () => ({}) } as AnyOptions),
    ],
    ["GrowingPool maxCapacity", (maxCapacity) =>
      new GrowingPool(
        { capacity: 1, maxCapacity, factory: () => ({}) } as AnyOptions,
      )],
  ];

  for (const [label, make] of makers) {
    const values = label.endsWith("maxCapacity")
      ? BAD_CAPACITIES.filter((v) => v !== undefined) // absent means unbounded
      : BAD_CAPACITIES;
    it(`${label}: every bad value throws InvalidCapacityError quoting it`, () => {
      for (const value of values) {
        const error = throwsExactly(
          () => make(value),
          InvalidCapacityError,
          "InvalidCapacityError",
        );
        assert.ok(Object.is(error.capacity, value), `capacity of ${value}`);
        assert.ok(
          error.message.includes(quote(value)),
          `${error.message} should quote ${quote(value)}`,
        );
        assert.match(error.message, /is not a positive safe integer$/);
      }
    });
  }

  it("names the option in the message", () => {
    const error = throwsExactly(
      () =>
        new GrowingPool({ capacity: 2, maxCapacity: 0, factory: () => ({}) }),
      InvalidCapacityError,
      "InvalidCapacityError",
    );
    assert.equal(
      error.message,
      "Cannot create GrowingPool: maxCapacity 0 is not a positive safe integer",
    );
    const fixed = throwsExactly(
      () =>
        new FixedPool({ capacity: "10", factory: () => ({}) } as AnyOptions),
      InvalidCapacityError,
      "InvalidCapacityError",
    );
    assert.equal(
      fixed.message,
      'Cannot create FixedPool: capacity "10" is not a positive safe integer',
    );
  });

  it("maxCapacity below capacity throws InvalidCapacityError", () => {
    const error = throwsExactly(
      () =>
        new GrowingPool({ capacity: 5, maxCapacity: 4, factory: () => ({}) }),
      InvalidCapacityError,
      "InvalidCapacityError",
      /maxCapacity 4 is less than capacity 5/,
    );
    assert.equal(error.capacity, 4);
  });

  it("accepts the extremes: 1, MAX_SAFE_INTEGER, maxCapacity equal to capacity", () => {
    assert.equal(
      new FixedPool({ capacity: 1, factory: () => ({}) }).capacity,
      1,
    );
    assert.equal(
      new FixedPool({ capacity: Number.MAX_SAFE_INTEGER, factory: () => ({}) })
        .capacity,
      Number.MAX_SAFE_INTEGER,
    );
    const pool = new GrowingPool({
      capacity: 3,
      maxCapacity: 3,
      factory: () => ({}),
    });
    assert.equal(pool.maxCapacity, 3);
  });

  it("checkCapacity returns good values", () => {
    assert.equal(checkCapacity(7, "capacity", "X"), 7);
  });
});

describe("option validation", () => {
  const factory = () => ({ x: 0 });
  const bad: [string, () => unknown, RegExp][] = [
    [
      "unknown key",
      () => new FixedPool({ capacity: 1, factory, capacty: 2 } as AnyOptions),
      /^Cannot create FixedPool: option "capacty" is unknown$/,
    ],
    [
      "growth on a FixedPool",
      () =>
        new FixedPool(
          {
            capacity: 1,
            factory,
            growth: linearGrowth({ increment: 1 }),
          } as AnyOptions,
        ),
      /option "growth" is unknown/,
    ],
    [
      "unknown key on a GrowingPool",
      () => new GrowingPool({ capacity: 1, factory, min: 1 } as AnyOptions),
      /^Cannot create GrowingPool: option "min" is unknown$/,
    ],
    [
      "factory not a function",
      () => new FixedPool({ capacity: 1, factory: 5 } as AnyOptions),
      /factory 5 is not a function/,
    ],
    [
      "reset naming a missing method",
      () => new FixedPool(Vec, { capacity: 1, reset: "reset" }),
      /reset method "reset" is not a method of "Vec"/,
    ],
    [
      "reset neither a function nor a string",
      () => new FixedPool({ capacity: 1, factory, reset: 3 } as AnyOptions),
      /reset 3 is not a function/,
    ],
    [
      "destroy not a function",
      () => new FixedPool({ capacity: 1, factory, destroy: "x" } as AnyOptions),
      /destroy "x" is not a function/,
    ],
    [
      "onLeak not a function",
      () => new FixedPool({ capacity: 1, factory, onLeak: {} } as AnyOptions),
      /onLeak an object is not a function/,
    ],
    [
      "preInitialize not a boolean",
      () =>
        new FixedPool({ capacity: 1, factory, preInitialize: 1 } as AnyOptions),
      /preInitialize 1 is not a boolean/,
    ],
    [
      "unknown allocator",
      () =>
        new FixedPool(
          { capacity: 1, factory, allocator: "heap" } as AnyOptions,
        ),
      /allocator "heap" is not one of "stack", "freelist", "deque"/,
    ],
    [
      "allocator not a string",
      () => new FixedPool({ capacity: 1, factory, allocator: 1 } as AnyOptions),
      /allocator 1 is not one of/,
    ],
    [
      "enableStatistics a string",
      () =>
        new FixedPool(
          { capacity: 1, factory, enableStatistics: "yes" } as AnyOptions,
        ),
      /"yes"/,
    ],
    [
      "sampleRate 0",
      () =>
        new FixedPool({
          capacity: 1,
          factory,
          enableStatistics: { timing: true, sampleRate: 0 },
        }),
      /sampleRate 0 is not a number in \(0, 1\]/,
    ],
    [
      "sampleRate above 1",
      () =>
        new FixedPool({
          capacity: 1,
          factory,
          enableStatistics: { sampleRate: 1.5 },
        }),
      /sampleRate 1.5/,
    ],
    [
      "sampleRate NaN",
      () =>
        new FixedPool({
          capacity: 1,
          factory,
          enableStatistics: { sampleRate: Number.NaN },
        }),
      /sampleRate NaN/,
    ],
    [
      "sampleRate a string",
      () =>
        new FixedPool({
          capacity: 1,
          factory,
          enableStatistics: { sampleRate: "0.5" },
        } as AnyOptions),
      /sampleRate "0.5"/,
    ],
    [
      "timing not a boolean",
      () =>
        new FixedPool({
          capacity: 1,
          factory,
          enableStatistics: { timing: "on" },
        } as AnyOptions),
      /timing "on" is not a boolean/,
    ],
    [
      "unknown statistics key",
      () =>
        new FixedPool({
          capacity: 1,
          factory,
          enableStatistics: { timming: true },
        } as AnyOptions),
      /option "timming" is unknown/,
    ],
    [
      "missing type and factory",
      () => new FixedPool({ capacity: 1 } as AnyOptions),
      /^Cannot create FixedPool: it needs a type or a factory$/,
    ],
    [
      "missing type and factory on a GrowingPool",
      () => new GrowingPool({ capacity: 1 } as AnyOptions),
      /^Cannot create GrowingPool: it needs a type or a factory$/,
    ],
    [
      "options missing after a type",
      () => new (FixedPool as AnyOptions)(Vec),
      /options undefined are not an object/,
    ],
    [
      "options null",
      () => new FixedPool(null as AnyOptions),
      /options null are not an object/,
    ],
    [
      "growth without its methods",
      () =>
        new GrowingPool(
          {
            capacity: 1,
            factory,
            growth: { nextCapacity: () => 2 },
          } as AnyOptions,
        ),
      /it needs nextCapacity and canGrow functions/,
    ],
    [
      "growth not an object",
      () => new GrowingPool({ capacity: 1, factory, growth: 2 } as AnyOptions),
      /Cannot use growth 2/,
    ],
  ];

  for (const [label, make, message] of bad) {
    it(`${label} throws PoolConfigurationError`, () => {
      throwsExactly(
        make,
        PoolConfigurationError,
        "PoolConfigurationError",
        message,
      );
    });
  }

  it("a bad option creates nothing", () => {
    let made = 0;
    throwsExactly(
      () =>
        new FixedPool({
          capacity: 2,
          factory: () => ({ n: made++ }),
          preInitialize: true,
          allocator: "ring",
        } as AnyOptions),
      PoolConfigurationError,
      "PoolConfigurationError",
    );
    assert.equal(made, 0);
  });

  it("validatePoolOptions rejects a type that is not a class", () => {
    throwsExactly(
      () => validatePoolOptions({} as AnyOptions, { capacity: 1 }, "FixedPool"),
      PoolConfigurationError,
      "PoolConfigurationError",
      /type an object is not a class/,
    );
  });

  it("validatePoolOptions fills in every default", () => {
    const settings = validatePoolOptions(Vec, { capacity: 4 }, "FixedPool");
    assert.equal(settings.capacity, 4);
    assert.equal(settings.type, Vec);
    assert.equal(settings.reset, undefined);
    assert.equal(settings.resetMethod, undefined);
    assert.equal(settings.destroy, undefined);
    assert.equal(settings.preInitialize, false);
    assert.equal(settings.allocator, "stack");
    assert.deepEqual(settings.statistics, {
      enabled: false,
      timing: false,
      sampleRate: 0.01,
    });
    assert.equal(settings.onLeak, undefined);
    assert.ok(settings.create() instanceof Vec);
  });

  it("validatePoolOptions turns a method name into a reset call", () => {
    const settings = validatePoolOptions(
      Vec,
      { capacity: 4, reset: "clear" },
      "FixedPool",
    );
    assert.equal(settings.resetMethod, "clear");
    const v = new Vec();
    v.x = 9;
    settings.reset!(v);
    assert.equal(v.x, 0);
  });

  it("validateGrowingPoolOptions defaults to linear growth by max(1, floor(capacity / 2))", () => {
    const cases: [number, number][] = [[1, 2], [2, 3], [3, 4], [4, 6], [5, 7], [
      10,
      15,
    ]];
    for (const [capacity, next] of cases) {
      const settings = validateGrowingPoolOptions(
        undefined,
        { capacity, factory: () => ({}) },
        "GrowingPool",
      );
      assert.equal(settings.growth.strategy, "linear");
      assert.equal(
        settings.growth.nextCapacity(capacity),
        next,
        `from ${capacity}`,
      );
      assert.equal(settings.maxCapacity, Number.MAX_SAFE_INTEGER);
    }
    const bounded = validateGrowingPoolOptions(
      undefined,
      { capacity: 4, maxCapacity: 5, factory: () => ({}) },
      "GrowingPool",
    );
    assert.equal(bounded.growth.nextCapacity(4), 5);
    assert.equal(bounded.growth.canGrow(5), false);
  });
});

describe("small validators", () => {
  it("checkOptionKeys accepts known keys and rejects the rest", () => {
    checkOptionKeys({ a: 1, b: 2 }, ["a", "b", "c"], "Thing");
    throwsExactly(
      () => checkOptionKeys({ a: 1, d: 2 }, ["a"], "Thing"),
      PoolConfigurationError,
      "PoolConfigurationError",
      /^Cannot create Thing: option "d" is unknown$/,
    );
    throwsExactly(
      () => checkOptionKeys(7, ["a"], "Thing"),
      PoolConfigurationError,
      "PoolConfigurationError",
      /options 7 are not an object/,
    );
  });

  it("checkFunction", () => {
    const fn = () => 1;
    assert.equal(checkFunction(fn, "f", "X"), fn);
    assert.equal(checkFunction(undefined, "f", "X"), undefined);
    throwsExactly(
      () => checkFunction(null, "f", "X"),
      PoolConfigurationError,
      "PoolConfigurationError",
      /f null is not a function/,
    );
  });

  it("checkBoolean", () => {
    assert.equal(checkBoolean(undefined, "b", "X", true), true);
    assert.equal(checkBoolean(false, "b", "X", true), false);
    throwsExactly(
      () => checkBoolean("true", "b", "X", false),
      PoolConfigurationError,
      "PoolConfigurationError",
      /b "true" is not a boolean/,
    );
  });

  it("checkNumber", () => {
    assert.equal(checkNumber(undefined, "n", "X"), undefined);
    assert.equal(checkNumber(0, "n", "X"), 0);
    assert.equal(checkNumber(2.5, "n", "X"), 2.5);
    assert.equal(
      checkNumber(Infinity, "n", "X", { allowInfinity: true }),
      Infinity,
    );
    const rejects: [unknown, Parameters<typeof checkNumber>[3]][] = [
      [-1, {}],
      [Number.NaN, {}],
      [Infinity, {}],
      ["1", {}],
      [0, { positive: true }],
      [1.5, { integer: true }],
      [2 ** 53, { integer: true }],
    ];
    for (const [value, options] of rejects) {
      const error = throwsExactly(
        () => checkNumber(value, "n", "X", options),
        PoolConfigurationError,
        "PoolConfigurationError",
      );
      assert.ok(error.message.includes(quote(value)));
    }
  });

  it("validateStatistics", () => {
    assert.deepEqual(validateStatistics(undefined, "X"), {
      enabled: false,
      timing: false,
      sampleRate: 0.01,
    });
    assert.equal(validateStatistics(false, "X").enabled, false);
    assert.deepEqual(validateStatistics(true, "X"), {
      enabled: true,
      timing: false,
      sampleRate: 0.01,
    });
    assert.deepEqual(validateStatistics({ timing: true, sampleRate: 1 }, "X"), {
      enabled: true,
      timing: true,
      sampleRate: 1,
    });
    assert.deepEqual(validateStatistics({}, "X"), {
      enabled: true,
      timing: false,
      sampleRate: 0.01,
    });
  });
});

describe("growth strategies", () => {
  it("linearGrowth steps by the increment and clamps to maxCapacity", () => {
    const growth = linearGrowth({ increment: 5, maxCapacity: 20 });
    assert.equal(growth.strategy, "linear");
    const seen = [5];
    while (growth.canGrow(seen.at(-1)!)) {
      seen.push(growth.nextCapacity(seen.at(-1)!));
    }
    assert.deepEqual(seen, [5, 10, 15, 20]);
    assert.equal(growth.nextCapacity(18), 20);
    assert.ok(Object.isFrozen(growth));
  });

  it("linearGrowth without a maximum is unbounded", () => {
    const growth = linearGrowth({ increment: 3 });
    assert.equal(growth.nextCapacity(1_000_000), 1_000_003);
    assert.equal(growth.canGrow(1_000_000_000), true);
  });

  it("exponentialGrowth multiplies, adding at least one, clamped", () => {
    const doubling = exponentialGrowth({ factor: 2, maxCapacity: 20 });
    assert.equal(doubling.strategy, "exponential");
    const seen = [1];
    while (doubling.canGrow(seen.at(-1)!)) {
      seen.push(doubling.nextCapacity(seen.at(-1)!));
    }
    assert.deepEqual(seen, [1, 2, 4, 8, 16, 20]);
    const slow = exponentialGrowth({ factor: 1.5 });
    const steps = [1];
    for (let i = 0; i < 6; i++) steps.push(slow.nextCapacity(steps.at(-1)!));
    assert.deepEqual(steps, [1, 2, 3, 4, 6, 9, 13]);
    const tiny = exponentialGrowth({ factor: 1.0001 });
    assert.equal(tiny.nextCapacity(10), 11);
  });

  const badLinear: [unknown, RegExp][] = [
    [{ increment: 0 }, /increment 0 is not a positive safe integer/],
    [{ increment: -1 }, /increment -1/],
    [{ increment: 1.5 }, /increment 1.5/],
    [{ increment: Number.NaN }, /increment NaN/],
    [{ increment: "5" }, /increment "5"/],
    [{}, /increment undefined/],
    [
      { increment: 1, maxCapacity: 0 },
      /maxCapacity 0 is not a positive safe integer/,
    ],
    [{ increment: 1, maxCapacity: 2.5 }, /maxCapacity 2.5/],
    [null, /options null are not an object/],
  ];
  for (const [options, message] of badLinear) {
    it(`linearGrowth(${JSON.stringify(options)}) throws PoolConfigurationError`, () => {
      throwsExactly(
        () => linearGrowth(options as AnyOptions),
        PoolConfigurationError,
        "PoolConfigurationError",
        message,
      );
    });
  }

  const badExponential: [unknown, RegExp][] = [
    [{ factor: 1 }, /factor 1 is not a finite number above 1/],
    [{ factor: 0.5 }, /factor 0.5/],
    [{ factor: Number.NaN }, /factor NaN/],
    [{ factor: Infinity }, /factor Infinity/],
    [{ factor: "2" }, /factor "2"/],
    [{ factor: 2, maxCapacity: -4 }, /maxCapacity -4/],
    [undefined, /options undefined are not an object/],
  ];
  for (const [options, message] of badExponential) {
    it(`exponentialGrowth(${JSON.stringify(options)}) throws PoolConfigurationError`, () => {
      throwsExactly(
        () => exponentialGrowth(options as AnyOptions),
        PoolConfigurationError,
        "PoolConfigurationError",
        message,
      );
    });
  }

  it("validateGrowth accepts a user object with both methods", () => {
    const custom: GrowthConfig = {
      nextCapacity: (c) => c + 100,
      canGrow: () => true,
    };
    assert.equal(validateGrowth(custom), custom);
    for (
      const value of [null, 1, {}, { canGrow: () => true }, {
        nextCapacity: 1,
        canGrow: () => true,
      }]
    ) {
      throwsExactly(
        () => validateGrowth(value),
        PoolConfigurationError,
        "PoolConfigurationError",
        /it needs nextCapacity and canGrow functions$/,
      );
    }
  });
});
