/**
 * Leaks, with forced garbage collection on Deno, Bun and Node
 * (`tests/_gc.ts`; every loop bounded): an `OwnedHandle` dropped unreleased
 * is counted in `stats().leaks`, `onLeak` gets its object, and the object
 * comes back to the pool, for every pool kind; and a closed pool holds no
 * references to its objects.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LeakInfo } from "../config/options.ts";
import { AsyncPool } from "../pools/async_pool.ts";
import { FixedPool } from "../pools/fixed_pool.ts";
import { GrowingPool } from "../pools/growing_pool.ts";
import { ThreadLocalPool } from "../pools/thread_local_pool.ts";
import { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import type { OwnedHandle } from "../handles/owned_handle.ts";
import { gcUntil } from "./_gc.ts";

/** How many handles each test leaks. */
const LEAKED = 3;

interface Item {
  id: number;
}

/** An object with an id, so the test can name it without holding it. */
function items(): () => Item {
  let next = 0;
  return () => ({ id: ++next });
}

/** What a leak test needs from a synchronous pool. */
interface SyncPool<T extends object> {
  allocateOwned(): OwnedHandle<T>;
  acquire(): T;
  release(obj: T): void;
  readonly inUse: number;
  readonly available: number;
  stats(): { leaks: number; totalAllocations: number; totalReleases: number };
}

/**
 * Takes `count` owned handles and drops them unreleased; returns the ids of
 * their objects. Runs in its own frame so nothing here keeps a handle alive.
 */
function leakOwned<T extends object>(
  pool: SyncPool<T>,
  count: number,
  idOf: (obj: T) => number,
): number[] {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(idOf(pool.allocateOwned().value));
  return ids;
}

/** Checks one synchronous pool kind's leak handling. */
async function checkSyncLeaks<T extends object>(
  pool: SyncPool<T>,
  leaks: LeakInfo<T>[],
  idOf: (obj: T) => number,
  kind: string,
): Promise<void> {
  const ids = leakOwned(pool, LEAKED, idOf);
  assert.equal(pool.inUse, LEAKED);
  assert.ok(
    await gcUntil(() => leaks.length === LEAKED && pool.inUse === 0),
    `${kind}: only ${leaks.length} of ${LEAKED} leaks were reported`,
  );
  assert.equal(pool.stats().leaks, LEAKED);
  assert.deepEqual(
    leaks.map((info) => idOf(info.object)).sort(),
    [...ids].sort(),
    "onLeak got each leaked object",
  );
  for (const info of leaks) {
    assert.equal(info.pool, kind);
    assert.equal(
      Number.isInteger(info.generation),
      true,
      "a borrow's generation (its key, for the sync pools)",
    );
  }
  // The objects came back: all idle, and lent again.
  assert.equal(pool.inUse, 0);
  assert.ok(pool.available >= LEAKED);
  const again = Array.from({ length: LEAKED }, () => pool.acquire());
  assert.deepEqual(again.map(idOf).sort(), [...ids].sort());
  for (const obj of again) pool.release(obj);
  const s = pool.stats();
  assert.equal(s.totalAllocations, s.totalReleases);
  // Released handles are no leak.
  pool.allocateOwned().release();
  assert.ok(await gcUntil(() => false, 5) === false);
  assert.equal(pool.stats().leaks, LEAKED);
}

class Slot {
  static readonly byteLength = 4;
  readonly id: Int32Array;
  constructor(buffer: SharedArrayBuffer, byteOffset: number) {
    this.id = new Int32Array(buffer, byteOffset, 1);
  }
}

describe("leaked OwnedHandles", () => {
  it("FixedPool counts them, reports each object and takes it back", async () => {
    const leaks: LeakInfo<Item>[] = [];
    const pool = new FixedPool({
      capacity: 4,
      factory: items(),
      enableStatistics: true,
      onLeak: (info) => leaks.push(info),
    });
    await checkSyncLeaks(pool, leaks, (item) => item.id, "FixedPool");
  });

  it("GrowingPool counts them, reports each object and takes it back", async () => {
    const leaks: LeakInfo<Item>[] = [];
    const pool = new GrowingPool({
      capacity: 1,
      factory: items(),
      enableStatistics: true,
      onLeak: (info) => leaks.push(info),
    });
    await checkSyncLeaks(pool, leaks, (item) => item.id, "GrowingPool");
    assert.ok(pool.capacity >= LEAKED, "it grew to lend them");
  });

  it("ThreadLocalPool counts them, reports each object and takes it back", async () => {
    const leaks: LeakInfo<Item>[] = [];
    const pool = new ThreadLocalPool({
      capacity: 4,
      factory: items(),
      enableStatistics: true,
      onLeak: (info) => leaks.push(info),
    });
    await checkSyncLeaks(pool, leaks, (item) => item.id, "ThreadLocalPool");
    assert.equal(pool.threadStats()[0]!.leaks, LEAKED);
  });

  it("ThreadSafePool counts them, reports each slot and frees it", async () => {
    const leaks: LeakInfo<Slot>[] = [];
    const pool = new ThreadSafePool(Slot, {
      capacity: 4,
      enableStatistics: true,
      onLeak: (info) => leaks.push(info),
    });
    await checkSyncLeaks(
      pool,
      leaks,
      (slot) => pool.indexOf(slot),
      "ThreadSafePool",
    );
    assert.equal(pool.available, 4);
  });

  it("AsyncPool.allocateOwned counts them, reports each object and takes it back", async () => {
    const leaks: LeakInfo<Item>[] = [];
    const pool = new AsyncPool({
      capacity: 4,
      factory: items(),
      enableStatistics: true,
      onLeak: (info) => leaks.push(info),
    });
    const leak = async (): Promise<number> =>
      (await pool.allocateOwned()).value.id;
    const ids: number[] = [];
    for (let i = 0; i < LEAKED; i++) ids.push(await leak());
    assert.equal(pool.inUse, LEAKED);
    assert.ok(
      await gcUntil(() => leaks.length === LEAKED && pool.inUse === 0),
      `AsyncPool: only ${leaks.length} of ${LEAKED} leaks were reported`,
    );
    assert.equal(pool.stats().leaks, LEAKED);
    assert.deepEqual(leaks.map((info) => info.object.id).sort(), ids.sort());
    assert.ok(leaks.every((info) => info.pool === "AsyncPool"));
    assert.equal(pool.available, LEAKED);
    const again = [];
    for (let i = 0; i < LEAKED; i++) again.push(await pool.acquire());
    assert.deepEqual(again.map((item) => item.id).sort(), ids.sort());
    for (const item of again) await pool.release(item);
    const s = pool.stats();
    assert.equal(s.totalAllocations, s.totalReleases);
    await pool.close();
  });
});

/** Makes `count` objects through `borrow`, and WeakRefs to them. */
function watch<T extends object>(
  count: number,
  borrow: () => T,
): { refs: WeakRef<T>[]; objects: T[] } {
  const objects = Array.from({ length: count }, borrow);
  return { refs: objects.map((obj) => new WeakRef(obj)), objects };
}

/** Whether every watched object was collected. */
function allGone(refs: WeakRef<object>[]): () => boolean {
  return () => refs.every((ref) => ref.deref() === undefined);
}

describe("a closed pool holds no references to its objects", () => {
  const syncKinds: [
    string,
    () => SyncPool<object> & { close(): void; readonly closed: boolean },
  ][] = [
    [
      "FixedPool",
      () =>
        new FixedPool({
          capacity: 4,
          factory: items(),
          enableStatistics: true,
        }),
    ],
    [
      "FixedPool (freelist)",
      () =>
        new FixedPool({ capacity: 4, factory: items(), allocator: "freelist" }),
    ],
    [
      "FixedPool (deque, frozen objects)",
      () =>
        new FixedPool({
          capacity: 4,
          factory: () => Object.freeze({ id: 0 }),
          allocator: "deque",
        }),
    ],
    [
      "GrowingPool",
      () =>
        new GrowingPool({
          capacity: 1,
          factory: items(),
          enableStatistics: true,
        }),
    ],
    [
      "ThreadLocalPool",
      () =>
        new ThreadLocalPool({
          capacity: 4,
          factory: items(),
          enableStatistics: true,
        }),
    ],
    [
      "ThreadSafePool",
      () => new ThreadSafePool(Slot, { capacity: 4, enableStatistics: true }),
    ],
    [
      "ThreadSafePool (frozen wrappers)",
      () =>
        new ThreadSafePool({
          capacity: 4,
          factory: () => Object.freeze({ id: 0 }),
        }),
    ],
  ];
  for (const [kind, make] of syncKinds) {
    it(`${kind}: idle and later-released objects are collectable after close`, async () => {
      const pool = make();
      // Two come back before close (idle), two after (destroyed on release).
      const { refs, objects } = watch(4, () => pool.acquire());
      pool.release(objects[0]!);
      pool.release(objects[1]!);
      pool.close();
      pool.release(objects[2]!);
      pool.release(objects[3]!);
      objects.length = 0;
      assert.equal(pool.inUse, 0);
      assert.ok(
        await gcUntil(allGone(refs)),
        `${kind} still references ${
          refs.filter((ref) => ref.deref() !== undefined).length
        } objects`,
      );
      assert.equal(pool.closed, true, "the pool itself is still alive");
    });
  }

  it("AsyncPool: objects are collectable after close", async () => {
    const pool = new AsyncPool({
      capacity: 4,
      min: 1,
      factory: items(),
      enableStatistics: true,
    });
    const objects: Item[] = [];
    for (let i = 0; i < 4; i++) objects.push(await pool.acquire());
    const refs = objects.map((obj) => new WeakRef(obj));
    await pool.release(objects[0]!);
    await pool.release(objects[1]!);
    const closing = pool.close(); // waits for the two still borrowed
    await pool.release(objects[2]!);
    await pool.release(objects[3]!);
    await closing;
    objects.length = 0;
    assert.ok(
      await gcUntil(allGone(refs)),
      `AsyncPool still references ${
        refs.filter((ref) => ref.deref() !== undefined).length
      } objects`,
    );
    assert.equal(pool.closed, true, "the pool itself is still alive");
  });

  it("a closed pool's handles keep nothing alive either", async () => {
    const pool = new FixedPool({ capacity: 2, factory: items() });
    const handle = pool.allocate();
    const owned = pool.allocateOwned();
    const weak = pool.weak(handle.value);
    const refs = [new WeakRef(handle.value), new WeakRef(owned.value)];
    handle.release();
    owned.release();
    pool.close();
    assert.ok(
      await gcUntil(allGone(refs)),
      "released handles still hold objects",
    );
    assert.equal(weak.alive, false);
    assert.equal(handle.released && owned.released, true);
  });
});

describe("an open pool holds no references to objects it dropped", () => {
  for (const Pool of [FixedPool, GrowingPool, ThreadLocalPool]) {
    it(`${Pool.name}: discarded objects and objects whose reset threw are collectable`, async () => {
      let failReset = false;
      const pool = new Pool({
        capacity: 8,
        factory: items(),
        reset: () => {
          if (failReset) throw new Error("reset failed");
        },
      });
      // Every object idles and is lent again first: the fast acquire
      // leaves copies in the idle stack above its top.
      for (let i = 0; i < 4; i++) pool.release(pool.acquire());
      const lent = watch(4, () => pool.acquire());
      const { refs, objects } = lent;
      for (const obj of objects) pool.release(obj);
      objects.length = 0;
      for (let i = 0; i < 4; i++) objects.push(pool.acquire());
      // The same four, in the order the refs watch them.
      objects.sort((a, b) =>
        refs.findIndex((r) => r.deref() === a) -
        refs.findIndex((r) => r.deref() === b)
      );
      const key = pool.acquireKey();
      refs.push(new WeakRef(pool.objectOf(key)));
      pool.discard(objects[0]!);
      pool.discardKey(key);
      failReset = true;
      assert.throws(() => pool.release(objects[1]!), /reset failed/);
      failReset = false;
      pool.release(objects[2]!);
      const kept = objects[3]!;
      objects.length = 0;
      assert.ok(
        await gcUntil(() =>
          [0, 1, 4].every((i) => refs[i]!.deref() === undefined)
        ),
        `${Pool.name} still references dropped objects`,
      );
      assert.equal(refs[3]!.deref(), kept, "a lent object stays");
      assert.equal(pool.inUse, 1);
      pool.release(kept);
    });
  }
});
