import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AlreadyReleasedError,
  FastAllocError,
  ForeignObjectError,
  InvalidCapacityError,
  PoolClosedError,
  PoolConfigurationError,
  PoolEmptyError,
  PoolTimeoutError,
  TypeMismatchError,
} from "../errors.ts";
import { FixedPool } from "../pools/fixed_pool.ts";
import * as errorsModule from "../errors.ts";
import { quote, typeName } from "../quote.ts";

describe("error classes", () => {
  const simple = [
    [FastAllocError, "FastAllocError"],
    [PoolEmptyError, "PoolEmptyError"],
    [PoolClosedError, "PoolClosedError"],
    [AlreadyReleasedError, "AlreadyReleasedError"],
    [ForeignObjectError, "ForeignObjectError"],
    [PoolConfigurationError, "PoolConfigurationError"],
  ] as const;

  for (const [ErrorType, name] of simple) {
    it(`${name} sets name, message and cause, and extends FastAllocError`, () => {
      const cause = new Error("root");
      const error = new ErrorType("Cannot do it: because", { cause });
      assert.equal(error.name, name);
      assert.equal(error.message, "Cannot do it: because");
      assert.equal(error.cause, cause);
      assert.ok(error instanceof FastAllocError);
      assert.ok(error instanceof Error);
      assert.equal(typeof error.stack, "string");
    });
  }

  it("ForeignObjectError extends AlreadyReleasedError, not the other way round", () => {
    assert.ok(new ForeignObjectError("x") instanceof AlreadyReleasedError);
    assert.ok(!(new AlreadyReleasedError("x") instanceof ForeignObjectError));
    assert.ok(!(new PoolEmptyError("x") instanceof PoolClosedError));
  });

  it("PoolTimeoutError carries timeoutMs", () => {
    const error = new PoolTimeoutError("Cannot acquire: timed out", 50);
    assert.equal(error.name, "PoolTimeoutError");
    assert.equal(error.timeoutMs, 50);
    assert.ok(error instanceof FastAllocError);
  });

  it("TypeMismatchError carries expectedType and actualType", () => {
    const error = new TypeMismatchError("Cannot release", {
      expectedType: "Vec",
      actualType: "Object",
    });
    assert.equal(error.name, "TypeMismatchError");
    assert.equal(error.expectedType, "Vec");
    assert.equal(error.actualType, "Object");
    assert.ok(error instanceof FastAllocError);
  });

  it("InvalidCapacityError carries the rejected value as given", () => {
    const error = new InvalidCapacityError("Cannot create", "10");
    assert.equal(error.name, "InvalidCapacityError");
    assert.equal(error.capacity, "10");
    assert.ok(error instanceof FastAllocError);
  });

  it("the module exports exactly the documented classes", () => {
    assert.deepEqual(Object.keys(errorsModule).sort(), [
      "AlreadyReleasedError",
      "FastAllocError",
      "ForeignObjectError",
      "InvalidCapacityError",
      "PoolClosedError",
      "PoolConfigurationError",
      "PoolEmptyError",
      "PoolTimeoutError",
      "TypeMismatchError",
    ]);
  });
});

describe("quote and typeName", () => {
  class Particle {}

  it("shows values as code would write them: strings quoted, numbers bare, the rest by kind", () => {
    assert.equal(quote(1.5), "1.5");
    assert.equal(quote(Number.NaN), "NaN");
    assert.equal(quote(Infinity), "Infinity");
    assert.equal(quote(-1), "-1");
    assert.equal(quote(-0), "-0");
    assert.equal(quote(2 ** 53), "9007199254740992");
    assert.equal(quote(10n), "10n");
    assert.equal(quote("10"), '"10"');
    assert.equal(quote(""), '""');
    assert.equal(quote('say "hi"\n'), '"say \\"hi\\"\\n"');
    assert.equal(quote(null), "null");
    assert.equal(quote(undefined), "undefined");
    assert.equal(quote(true), "true");
    assert.equal(quote(Symbol("s")), "a symbol");
    assert.equal(quote(function named() {}), "a function");
    assert.equal(quote(class Named {}), "a function");
    assert.equal(quote(new Particle()), "an object");
    assert.equal(quote({}), "an object");
    assert.equal(quote(Object.create(null)), "an object");
    assert.equal(quote([1, 2, 3]), "an array");
    assert.equal(quote(new Proxy([], {})), "an array");
  });

  it("shortens long strings", () => {
    const long = "x".repeat(100);
    assert.equal(quote(long), `"${"x".repeat(37)}..."`);
    assert.equal(quote("y".repeat(40)), `"${"y".repeat(40)}"`);
  });

  it("never runs user code: no getter, no proxy trap, no conversion", () => {
    let ran = 0;
    const count = (): never => {
      ran++;
      throw new Error("user code ran");
    };
    const traps: ProxyHandler<object> = {
      get: count,
      getPrototypeOf: count,
      getOwnPropertyDescriptor: count,
      has: count,
      ownKeys: count,
      apply: count,
    };
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const hostile = {
      toString: count,
      valueOf: count,
      [Symbol.toPrimitive]: count,
      get name() {
        return count();
      },
    };
    const cases: [unknown, string][] = [
      [new Proxy({}, traps), "an object"],
      [new Proxy(function f() {}, traps), "a function"],
      [revoked, "a revoked Proxy"],
      [hostile, "an object"],
      [
        Object.defineProperty(() => 0, "name", { get: count }),
        "a function",
      ],
    ];
    for (const [value, shown] of cases) assert.equal(quote(value), shown);
    assert.equal(ran, 0);
  });

  it("typeName gives constructor names and typeof for primitives", () => {
    assert.equal(typeName(new Particle()), "Particle");
    assert.equal(typeName({}), "Object");
    assert.equal(typeName(Object.create(null)), "Object");
    assert.equal(typeName([]), "Array");
    assert.equal(typeName(null), "null");
    assert.equal(typeName(undefined), "undefined");
    assert.equal(typeName(5), "number");
    assert.equal(typeName("s"), "string");
    assert.equal(typeName(Particle), "Function");
  });
});

describe("messages thrown by pools follow the std style", () => {
  it("sentence case, no trailing period, the value quoted", () => {
    const messages: string[] = [];
    const record = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        assert.ok(error instanceof FastAllocError);
        messages.push(error.message);
        return;
      }
      assert.fail("expected an error");
    };
    record(() => new FixedPool({ capacity: 1.5, factory: () => ({}) }));
    const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
    const obj = pool.acquire();
    record(() => pool.acquire());
    pool.release(obj);
    record(() => pool.release(obj));
    record(() => pool.release({ a: 1 }));
    pool.close();
    record(() => pool.acquire());
    assert.deepEqual(messages, [
      "Cannot create FixedPool: capacity 1.5 is not a positive safe integer",
      "Cannot acquire from pool: all 1 objects are in use",
      "Cannot release object: it was already released",
      "Cannot release object: an object was never lent by this pool",
      "Cannot acquire from pool: it is closed",
    ]);
  });
});
