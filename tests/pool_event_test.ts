/**
 * Tests of the {@linkcode PoolEvent} class itself: an `Event` with read-only
 * pool fields, its types, its validation and how it prints.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { PoolEvent, type PoolEventType } from "../pools/pool_event.ts";
import * as root from "../mod.ts";
import { quote } from "../quote.ts";

const TYPES: PoolEventType[] = [
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

class Conn {
  id = 3;
}

describe("PoolEvent", () => {
  it("is an Event of each pool event type, exported from mod.ts", () => {
    assert.equal(root.PoolEvent, PoolEvent);
    for (const type of TYPES) {
      const event = new PoolEvent(type);
      assert.ok(event instanceof Event);
      assert.ok(event instanceof PoolEvent);
      assert.equal(event.type, type);
      assert.equal(event.bubbles, false);
      assert.equal(event.cancelable, false);
      assert.equal(event.object, undefined);
      assert.equal(event.error, undefined);
      assert.equal(event.waitMs, undefined);
      assert.equal(event.heldMs, undefined);
      assert.equal(event.stack, undefined);
    }
  });

  it("carries the fields it was given", () => {
    const conn = new Conn();
    const error = new Error("boom");
    const event = new PoolEvent("overdue", {
      object: conn,
      error,
      waitMs: 0,
      heldMs: 1500.5,
      stack: "Error\n    at handler (file.ts:1:1)",
    });
    assert.equal(event.object, conn);
    assert.equal(event.error, error);
    assert.equal(event.waitMs, 0);
    assert.equal(event.heldMs, 1500.5);
    assert.equal(event.stack, "Error\n    at handler (file.ts:1:1)");
    // Any value may be the error, including undefined-like ones.
    assert.equal(new PoolEvent("createerror", { error: 0 }).error, 0);
  });

  it("has read-only fields", () => {
    const event = new PoolEvent("release", { object: new Conn(), heldMs: 4 });
    for (const field of ["object", "error", "waitMs", "heldMs", "stack"]) {
      assert.throws(() => {
        (event as unknown as Record<string, unknown>)[field] = 1;
      }, TypeError);
    }
    assert.equal(event.heldMs, 4);
    assert.ok(event.object instanceof Conn);
  });

  it("is delivered by an EventTarget to the listeners of its type only", () => {
    const target = new EventTarget();
    const seen: PoolEvent<Conn>[] = [];
    target.addEventListener("acquire", (event) => {
      seen.push(event as PoolEvent<Conn>);
    });
    target.addEventListener("release", () => assert.fail("wrong type"));
    const event = new PoolEvent("acquire", { object: new Conn(), waitMs: 2 });
    assert.equal(target.dispatchEvent(event), true);
    assert.deepEqual(seen, [event]);
    assert.equal(seen[0]!.target, target);
    assert.equal(seen[0]!.object!.id, 3);
  });

  it("rejects an unknown type and bad fields", () => {
    const cases: [() => unknown, string][] = [
      [
        () => new PoolEvent("acquired" as never),
        `type ${quote("acquired")} is not a pool event type`,
      ],
      [
        () => new PoolEvent(5 as never),
        `type ${quote(5)} is not a pool event type`,
      ],
      [
        () => new PoolEvent("create", null as never),
        `init ${quote(null)} is not an object`,
      ],
      [
        () => new PoolEvent("acquire", { waitMs: -1 }),
        `waitMs ${quote(-1)} is not a non-negative finite number`,
      ],
      [
        () => new PoolEvent("release", { heldMs: NaN }),
        `heldMs ${quote(NaN)} is not a non-negative finite number`,
      ],
      [
        () => new PoolEvent("release", { heldMs: "5" as never }),
        `heldMs ${quote("5")} is not a non-negative finite number`,
      ],
      [
        () => new PoolEvent("overdue", { stack: 5 as never }),
        `stack ${quote(5)} is not a string`,
      ],
    ];
    for (const [make, message] of cases) {
      assert.throws(make, (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.equal(error.message, `Cannot create PoolEvent: ${message}`);
        return true;
      });
    }
  });

  it("prints its type and fields, without running user code", () => {
    let touched = false;
    const object = new Proxy(new Conn(), {
      get(target, key, receiver) {
        touched = true;
        return Reflect.get(target, key, receiver);
      },
    });
    const event = new PoolEvent("overdue", {
      object,
      heldMs: 12,
      stack: "Error\n    at a\n    at b",
    });
    const expected =
      'PoolEvent { type: "overdue", object: Conn, heldMs: 12, stack: 3 lines }';
    assert.equal(inspect(event), expected);
    const deno = (globalThis as {
      Deno?: { inspect(value: unknown): string };
    }).Deno;
    if (deno !== undefined) assert.equal(deno.inspect(event), expected);
    assert.equal(touched, false);
  });
});
