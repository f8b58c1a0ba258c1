import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Allocator } from "../allocators/allocator.ts";
import { createAllocator } from "../allocators/_create_allocator.ts";
import { DequeAllocator } from "../allocators/deque_allocator.ts";
import { FreelistAllocator } from "../allocators/freelist_allocator.ts";
import { StackAllocator } from "../allocators/stack_allocator.ts";
import { AlreadyReleasedError, PoolConfigurationError } from "../errors.ts";
import { throwsExactly } from "./_state.ts";
import { gcUntil } from "./_gc.ts";

type Item = { id: number };
const items = (n: number): Item[] =>
  Array.from({ length: n }, (_, id) => ({ id }));

function drain<T>(allocator: Allocator<T>): T[] {
  const out: T[] = [];
  for (let item = allocator.pop(); item !== undefined; item = allocator.pop()) {
    out.push(item);
  }
  return out;
}

const kinds = [
  ["stack", () => new StackAllocator<Item>(), "lifo"],
  ["freelist", () => new FreelistAllocator<Item>(), "lifo"],
  ["deque", () => new DequeAllocator<Item>(), "fifo"],
] as const;

for (const [kind, make, order] of kinds) {
  describe(`${kind} allocator`, () => {
    it("starts empty", () => {
      const a = make();
      assert.equal(a.kind, kind);
      assert.equal(a.size, 0);
      assert.equal(a.isEmpty, true);
      assert.equal(a.pop(), undefined);
      assert.equal(a.size, 0);
    });

    it(`push, pop, size and isEmpty (${order.toUpperCase()})`, () => {
      const a = make();
      const xs = items(10);
      for (const [i, x] of xs.entries()) {
        a.push(x);
        assert.equal(a.size, i + 1);
        assert.equal(a.isEmpty, false);
      }
      const expected = order === "lifo" ? [...xs].reverse() : xs;
      assert.deepEqual(drain(a).map((x) => x.id), expected.map((x) => x.id));
      assert.equal(a.size, 0);
      assert.equal(a.isEmpty, true);
    });

    it("interleaves pushes and pops", () => {
      const a = make();
      const [x0, x1, x2, x3] = items(4) as [Item, Item, Item, Item];
      a.push(x0);
      a.push(x1);
      assert.equal(a.pop(), order === "lifo" ? x1 : x0);
      a.push(x2);
      a.push(x3);
      const rest = drain(a);
      assert.deepEqual(rest, order === "lifo" ? [x3, x2, x0] : [x1, x2, x3]);
    });

    it("clear empties it and it works again afterwards", () => {
      const a = make();
      const xs = items(6);
      for (const x of xs) a.push(x);
      a.clear();
      assert.equal(a.size, 0);
      assert.equal(a.isEmpty, true);
      assert.equal(a.pop(), undefined);
      for (const x of xs) a.push(x); // no "already in a list" after clear
      assert.equal(a.size, 6);
      assert.equal(drain(a).length, 6);
    });

    it("keeps no reference to a popped item", async () => {
      const a = make();
      const ref = ((): WeakRef<Item> => {
        const x = { id: 1 };
        a.push(x);
        a.push({ id: 2 });
        a.clear();
        a.push(x);
        a.pop();
        return new WeakRef(x);
      })();
      assert.ok(await gcUntil(() => ref.deref() === undefined));
      assert.equal(a.size, 0);
    });

    it("createAllocator makes this kind", () => {
      const a = createAllocator<Item>(kind);
      assert.equal(a.kind, kind);
      assert.ok(a instanceof make().constructor);
    });
  });
}

describe("DequeAllocator specifics", () => {
  it("stays FIFO across wraparound", () => {
    const q = new DequeAllocator<number>();
    let next = 0;
    let expected = 0;
    // Keep 3 items in a 4-slot ring while the head walks around it many times.
    for (let i = 0; i < 3; i++) q.push(next++);
    for (let round = 0; round < 20; round++) {
      assert.equal(q.pop(), expected++);
      q.push(next++);
      assert.equal(q.size, 3);
    }
    assert.deepEqual(drain(q), [expected, expected + 1, expected + 2]);
  });

  it("grows past its initial 4 slots while wrapped, keeping the order", () => {
    const q = new DequeAllocator<number>();
    for (let i = 0; i < 3; i++) q.push(i);
    q.pop();
    q.pop(); // head is now at slot 2
    for (let i = 3; i < 40; i++) q.push(i); // grows 4 -> 8 -> 16 -> 32 -> 64 while wrapped
    assert.equal(q.size, 38);
    assert.deepEqual(drain(q), Array.from({ length: 38 }, (_, i) => i + 2));
  });

  it("pushFront and popBack work the other ends", () => {
    const q = new DequeAllocator<string>();
    q.push("b");
    q.pushFront("a");
    q.push("c");
    q.pushFront("z");
    assert.equal(q.size, 4);
    assert.equal(q.popBack(), "c");
    assert.equal(q.pop(), "z");
    assert.equal(q.popBack(), "b");
    assert.equal(q.popBack(), "a");
    assert.equal(q.popBack(), undefined);
    assert.equal(q.isEmpty, true);
  });

  it("pushFront grows too, and popBack alone is LIFO", () => {
    const q = new DequeAllocator<number>();
    for (let i = 0; i < 9; i++) q.pushFront(i);
    assert.equal(q.size, 9);
    assert.deepEqual(
      Array.from({ length: 9 }, () => q.pop()),
      [8, 7, 6, 5, 4, 3, 2, 1, 0],
    );
    for (let i = 0; i < 6; i++) q.push(i);
    assert.deepEqual(
      Array.from({ length: 6 }, () => q.popBack()),
      [5, 4, 3, 2, 1, 0],
    );
  });
});

describe("FreelistAllocator specifics", () => {
  it("refuses a double push and stays intact", () => {
    const free = new FreelistAllocator<Item>();
    const [a, b] = items(2) as [Item, Item];
    free.push(a);
    free.push(b);
    throwsExactly(
      () => free.push(a),
      AlreadyReleasedError,
      "AlreadyReleasedError",
      /^Cannot push an object: it is already in a free list$/,
    );
    throwsExactly(
      () => free.push(b),
      AlreadyReleasedError,
      "AlreadyReleasedError",
    );
    assert.equal(free.size, 2);
    assert.deepEqual(drain(free), [b, a]);
  });

  it("a frozen item cannot be pushed, and the list is unchanged", () => {
    const free = new FreelistAllocator<Item>();
    const [a] = items(1) as [Item];
    free.push(a);
    assert.throws(() => free.push(Object.freeze({ id: 9 })), TypeError);
    assert.equal(free.size, 1);
    assert.equal(free.pop(), a);
  });

  it("has() tracks membership, and a popped item can be pushed again", () => {
    const free = new FreelistAllocator<Item>();
    const [a] = items(1) as [Item];
    assert.equal(free.has(a), false);
    free.push(a);
    assert.equal(free.has(a), true);
    assert.equal(free.pop(), a);
    assert.equal(free.has(a), false);
    free.push(a);
    assert.equal(free.size, 1);
  });

  it("an item is in at most one free list at a time", () => {
    const one = new FreelistAllocator<Item>();
    const two = new FreelistAllocator<Item>();
    const [a] = items(1) as [Item];
    one.push(a);
    assert.throws(() => two.push(a), AlreadyReleasedError);
    assert.equal(two.size, 0);
    one.clear();
    two.push(a);
    assert.equal(two.pop(), a);
  });

  it("keeps its link out of the item's enumerable keys", () => {
    const free = new FreelistAllocator<Item>();
    const [a] = items(1) as [Item];
    free.push(a);
    assert.deepEqual(Object.keys(a), ["id"]);
    assert.equal(JSON.stringify(a), '{"id":0}');
    assert.deepEqual({ ...a }, { id: 0 }); // spreads copy enumerable symbols
    for (const symbol of Object.getOwnPropertySymbols(a)) {
      assert.equal(
        Object.prototype.propertyIsEnumerable.call(a, symbol),
        false,
      );
    }
    free.pop();
    free.push(a);
    assert.deepEqual({ ...a }, { id: 0 });
  });
});

describe("createAllocator", () => {
  it("rejects unknown kinds", () => {
    for (const kind of ["heap", "", "Stack", undefined, 3]) {
      throwsExactly(
        () => createAllocator(kind as "stack"),
        PoolConfigurationError,
        "PoolConfigurationError",
        /^Cannot create allocator: kind .+ is not one of "stack", "freelist", "deque"$/,
      );
    }
  });
});
