/**
 * A reference model of the synchronous single-thread pools ({@linkcode
 * FixedPool}, {@linkcode GrowingPool}) run side by side with the real pool,
 * and the fast-check commands that drive both. Private to the tests.
 *
 * The model predicts, for every step, which object an acquire returns (by
 * the id the factory gave it), which error a call throws (its exact class,
 * and for a failing reset the very error object), and every counter. After
 * each step {@linkcode SyncSim.verify} compares sizes, capacity, the closed
 * flag and the whole statistics snapshot, checks that the factory and
 * `destroy` were called exactly as predicted, and that no object was lent
 * twice or destroyed twice.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AlreadyReleasedError,
  ForeignObjectError,
  PoolClosedError,
  PoolEmptyError,
  TypeMismatchError,
} from "../errors.ts";
import { FixedPool } from "../pools/fixed_pool.ts";
import { GrowingPool } from "../pools/growing_pool.ts";
import type { BasePool } from "../pools/base_pool.ts";
import {
  exponentialGrowth,
  type GrowthConfig,
  linearGrowth,
} from "../config/growth.ts";
import type {
  AllocatorKind,
  GrowingPoolOptions,
  PoolOptions,
} from "../config/options.ts";
import type { ContextHandle } from "../handles/context_handle.ts";
import type { WeakHandle } from "../handles/weak_handle.ts";
import type { PoolStats } from "../stats/pool_stats.ts";
import { fc, pick, ResetFault, Step, UseFault } from "./_fc.ts";
import { throwsExactly } from "./_state.ts";

/** The pooled class of typed pools; `clear` is the reset method by name. */
export class Item {
  id: number;
  x = 0;
  #onReset: (item: Item) => void;
  constructor(id: number, onReset: (item: Item) => void) {
    this.id = id;
    this.#onReset = onReset;
  }
  clear(): void {
    this.#onReset(this);
    this.x = 0;
  }
}

/** How a growing pool grows. */
export type GrowthChoice =
  | { kind: "default" }
  | { kind: "linear"; increment: number; max: number | undefined }
  | { kind: "exponential"; factor: number; max: number | undefined }
  | { kind: "custom" };

/** One pool configuration. */
export interface SyncConfig {
  kind: "fixed" | "growing";
  capacity: number;
  allocator: AllocatorKind;
  statistics: "off" | "on" | "timing";
  reset: "none" | "function" | "method";
  typed: boolean;
  /** Non-extensible objects (tracked in a Map by the pool). */
  frozen: boolean;
  preInitialize: boolean;
  growth: GrowthChoice;
  maxCapacity: number | undefined;
}

const MAX = Number.MAX_SAFE_INTEGER;

/** The arbitrary of configurations for `kind`. */
export function configArb(kind: "fixed" | "growing"): fc.Arbitrary<SyncConfig> {
  const growth: fc.Arbitrary<GrowthChoice> = kind === "fixed"
    ? fc.constant({ kind: "default" })
    : fc.oneof(
      fc.constant<GrowthChoice>({ kind: "default" }),
      fc.record({
        kind: fc.constant("linear" as const),
        increment: fc.integer({ min: 1, max: 3 }),
        max: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
      }),
      fc.record({
        kind: fc.constant("exponential" as const),
        factor: fc.constantFrom(1.2, 1.5, 2, 3),
        max: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
      }),
      fc.constant<GrowthChoice>({ kind: "custom" }),
    );
  return fc.record({
    kind: fc.constant(kind),
    capacity: fc.integer({ min: 1, max: 5 }),
    allocator: fc.constantFrom<AllocatorKind>("stack", "freelist", "deque"),
    statistics: fc.constantFrom("off", "on", "timing") as fc.Arbitrary<
      SyncConfig["statistics"]
    >,
    reset: fc.constantFrom("none", "function", "method") as fc.Arbitrary<
      SyncConfig["reset"]
    >,
    typed: fc.boolean(),
    frozen: fc.boolean(),
    preInitialize: fc.boolean(),
    growth,
    maxExtra: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  }).map(({ maxExtra, ...config }) => ({
    ...config,
    frozen: config.frozen,
    maxCapacity: kind === "growing" && maxExtra !== undefined
      ? config.capacity + maxExtra
      : undefined,
  }));
}

/** The statistics the model keeps (all of `PoolStats` but timing). */
interface ModelStats {
  totalAllocations: number;
  totalReleases: number;
  totalResets: number;
  growthEvents: number;
  peakInUse: number;
  peakCapacity: number;
  exhaustions: number;
  created: number;
  destroyed: number;
  resetFailures: number;
}

const TIMING_FIELDS = [
  "totalAllocationTimeNs",
  "totalReleaseTimeNs",
  "avgAllocationTimeNs",
  "avgReleaseTimeNs",
] as const;

type Obj = Item | { id: number; x: number };

/** What a model acquire predicts. */
type Acquired =
  | { kind: "object"; id: number }
  | { kind: "empty" }
  | { kind: "closed" };

/** The pool under test and its model, side by side. */
export class SyncSim {
  readonly config: SyncConfig;
  readonly pool: BasePool<Obj>;
  /** A pool of the same configuration, for foreign objects. */
  readonly sibling: BasePool<Obj>;
  readonly objects: Obj[] = [];
  /** Faults seen in callbacks (reported by `verify`, not thrown into the pool). */
  readonly violations: string[] = [];
  readonly destroyedActual: Set<number> = new Set();
  /** Ids of objects whose reset ran, in order. */
  readonly resetCalls: number[] = [];

  // ---- the model ----
  capacity: number;
  readonly initialCapacity: number;
  closed = false;
  /** Idle ids; `push` appends, pop is from the end (LIFO) or the front (deque). */
  idle: number[] = [];
  /** Lent ids, mapped to the serial number of their borrow. */
  lent: Map<number, number> = new Map();
  /** Ids lent at least once and not lent now (releasing one is a double release). */
  released: Set<number> = new Set();
  poisoned: Set<number> = new Set();
  destroyedExpected: Set<number> = new Set();
  nextId = 0;
  serial = 0;
  stats: ModelStats;
  lastResetError: ResetFault | undefined;
  handles: { handle: ContextHandle<Obj>; id: number; serial: number }[] = [];
  weaks: { handle: WeakHandle<Obj>; id: number; serial: number }[] = [];
  /** Keys handed out (by acquireKey or keyOf), with the borrow they name. */
  keys: { key: number; id: number; serial: number }[] = [];
  /** Ids whose next reset releases the object again (a re-entrant double release). */
  rereleasing: Set<number> = new Set();
  /** Armed: the next factory call probes its own pool with tryAcquire. */
  factoryProbe = false;
  /** Armed: destroy calls close() and acquire() on its own pool during close. */
  destroyReenters = false;
  /** How many steps ran (for the report). */
  steps = 0;

  constructor(config: SyncConfig) {
    this.config = config;
    this.capacity = config.capacity;
    this.initialCapacity = config.capacity;
    this.stats = {
      totalAllocations: 0,
      totalReleases: 0,
      totalResets: 0,
      growthEvents: 0,
      peakInUse: 0,
      peakCapacity: config.capacity,
      exhaustions: 0,
      created: 0,
      destroyed: 0,
      resetFailures: 0,
    };
    this.pool = this.#makePool(true);
    this.sibling = this.#makePool(false);
    if (config.preInitialize) {
      for (let i = 0; i < config.capacity; i++) this.#create();
      this.idle = Array.from({ length: config.capacity }, (_, i) => i);
    }
    this.verify();
  }

  #makePool(main: boolean): BasePool<Obj> {
    const config = this.config;
    const onReset = (obj: Obj) => {
      if (!main) return;
      this.resetCalls.push(obj.id);
      if (this.rereleasing.has(obj.id)) {
        // Re-entrant: the borrow already ended, so this is a double release.
        this.rereleasing.delete(obj.id);
        try {
          this.pool.release(obj);
          this.violations.push(`re-entrant release of ${obj.id} accepted`);
        } catch (error) {
          if (!(error instanceof AlreadyReleasedError)) {
            this.violations.push(`re-entrant release threw ${error}`);
          }
          this.lastResetError = error as ResetFault;
          throw error;
        }
      }
      if (this.poisoned.has(obj.id)) {
        this.lastResetError = new ResetFault(obj.id);
        throw this.lastResetError;
      }
    };
    let siblingIds = 1_000_000;
    const factory = (): Obj => {
      const id = main ? this.objects.length : siblingIds++;
      if (main && this.factoryProbe) {
        // Re-entrant: the place being filled is reserved, the pool is full.
        this.factoryProbe = false;
        if (this.pool.inUse !== this.lent.size) {
          this.violations.push("inUse during factory left out the reservation");
        }
        if (this.pool.tryAcquire() !== undefined) {
          this.violations.push("a factory's tryAcquire got an object");
        }
      }
      let obj: Obj;
      if (config.typed) {
        obj = new Item(id, onReset);
      } else if (config.reset === "method") {
        const made = { id, x: 0, clear: () => onReset(made) };
        obj = made;
      } else {
        obj = { id, x: 0 };
      }
      if (config.frozen) Object.preventExtensions(obj);
      if (main) this.objects.push(obj);
      return obj;
    };
    const options: GrowingPoolOptions<Obj> = {
      capacity: config.capacity,
      factory,
      allocator: config.allocator,
      preInitialize: main && config.preInitialize,
      enableStatistics: config.statistics === "off"
        ? false
        : config.statistics === "on"
        ? true
        : { timing: true, sampleRate: 0.5 },
      destroy: (obj: Obj) => {
        if (!main) return;
        if (this.destroyReenters && this.closed) {
          this.pool.close(); // does nothing: already closing
          try {
            this.pool.acquire();
            this.violations.push("acquire during close lent an object");
          } catch (error) {
            if (!(error instanceof PoolClosedError)) {
              this.violations.push(`acquire during close threw ${error}`);
            }
          }
        }
        if (this.destroyedActual.has(obj.id)) {
          this.violations.push(`object ${obj.id} destroyed twice`);
        }
        this.destroyedActual.add(obj.id);
      },
    };
    if (config.reset === "function") options.reset = onReset;
    if (config.reset === "method") options.reset = "clear";
    if (config.kind === "fixed") {
      const fixed = options as PoolOptions<Obj> & { factory: () => Obj };
      return config.typed
        ? new FixedPool<Obj>(Item as never, fixed)
        : new FixedPool<Obj>(fixed);
    }
    if (config.maxCapacity !== undefined) {
      options.maxCapacity = config.maxCapacity;
    }
    const growth = this.#growth();
    if (growth !== undefined) options.growth = growth;
    const growing = options as GrowingPoolOptions<Obj> & { factory: () => Obj };
    return config.typed
      ? new GrowingPool<Obj>(Item as never, growing)
      : new GrowingPool<Obj>(growing);
  }

  #growth(): GrowthConfig | undefined {
    const g = this.config.growth;
    switch (g.kind) {
      case "default":
        return undefined;
      case "linear":
        return linearGrowth(
          g.max === undefined
            ? { increment: g.increment }
            : { increment: g.increment, maxCapacity: g.max },
        );
      case "exponential":
        return exponentialGrowth(
          g.max === undefined
            ? { factor: g.factor }
            : { factor: g.factor, maxCapacity: g.max },
        );
      case "custom":
        return {
          strategy: "doubling to 12",
          nextCapacity: (c: number) => c * 2,
          canGrow: (c: number) => c < 12,
        };
    }
  }

  /** The capacity the model grows to from a full pool, or 0. */
  #modelNextCapacity(): number {
    const config = this.config;
    const cur = this.capacity;
    if (config.kind === "fixed") return 0;
    const poolMax = config.maxCapacity ?? MAX;
    const g = config.growth;
    let proposed: number;
    let canGrow: boolean;
    switch (g.kind) {
      case "default": {
        const increment = Math.max(1, Math.floor(this.initialCapacity / 2));
        canGrow = cur < poolMax;
        proposed = Math.min(poolMax, cur + increment);
        break;
      }
      case "linear": {
        const max = g.max ?? MAX;
        canGrow = cur < max;
        proposed = Math.min(max, cur + g.increment);
        break;
      }
      case "exponential": {
        const max = g.max ?? MAX;
        canGrow = cur < max;
        proposed = Math.min(
          max,
          Math.max(cur + 1, Math.floor(cur * g.factor)),
        );
        break;
      }
      case "custom":
        canGrow = cur < 12;
        proposed = cur * 2;
        break;
    }
    if (cur >= poolMax || !canGrow) return 0;
    return Math.min(proposed, poolMax);
  }

  // ---- model primitives ---------------------------------------------------

  get alive(): number {
    return this.idle.length + this.lent.size;
  }

  #create(): number {
    this.stats.created++;
    return this.nextId++;
  }

  #popIdle(): number | undefined {
    if (this.idle.length === 0) return undefined;
    return this.config.allocator === "deque"
      ? this.idle.shift()
      : this.idle.pop();
  }

  #discard(id: number): void {
    this.destroyedExpected.add(id);
    this.stats.destroyed++;
  }

  /** The model's acquire; mutates the model. */
  #modelAcquire(): Acquired {
    if (this.closed) return { kind: "closed" };
    let id = this.#popIdle();
    if (id === undefined) {
      let grownTo = 0;
      if (this.alive >= this.capacity) {
        grownTo = this.#modelNextCapacity();
        if (grownTo === 0) {
          this.stats.exhaustions++;
          return { kind: "empty" };
        }
      }
      id = this.#create();
      if (grownTo !== 0) {
        this.capacity = grownTo;
        this.stats.growthEvents++;
        this.stats.peakCapacity = Math.max(this.stats.peakCapacity, grownTo);
      }
    }
    this.lent.set(id, ++this.serial);
    this.released.delete(id);
    this.stats.totalAllocations++;
    this.stats.peakInUse = Math.max(this.stats.peakInUse, this.lent.size);
    return { kind: "object", id };
  }

  /**
   * The model's release of a lent id; mutates the model and returns the
   * error the real release must throw (a failing reset's), if any.
   */
  #modelRelease(id: number): ResetFault | undefined {
    assert.ok(this.lent.has(id));
    this.lent.delete(id);
    this.released.add(id);
    this.stats.totalReleases++;
    if (this.closed) {
      this.#discard(id);
      return undefined;
    }
    if (this.config.reset !== "none") {
      if (this.poisoned.has(id) || this.rereleasing.has(id)) {
        this.stats.resetFailures++;
        this.#discard(id);
        return new ResetFault(id);
      }
      this.stats.totalResets++;
    }
    this.idle.push(id);
    return undefined;
  }

  /** Runs a real call that releases `id`, expecting the model's outcome. */
  #expectRelease(id: number, call: () => unknown): unknown {
    const expected = this.#modelRelease(id);
    if (expected === undefined) return call();
    let caught: unknown;
    try {
      call();
    } catch (error) {
      caught = error;
    }
    assert.ok(
      caught instanceof ResetFault || caught instanceof AlreadyReleasedError,
      `expected ${expected.message}`,
    );
    assert.equal(caught, this.lastResetError, "the reset's own error");
    if (caught instanceof ResetFault) assert.equal(caught.id, id);
    return undefined;
  }

  /** Checks a real acquire-like call against the model's prediction. */
  #expectAcquire<R>(
    call: () => R,
    emptyReturns: boolean,
    toObject: (result: R) => Obj = (r) => r as Obj,
  ): R | undefined {
    const lentBefore = new Set(this.lent.keys());
    const predicted = this.#modelAcquire();
    if (predicted.kind === "closed") {
      throwsExactly(call, PoolClosedError, "PoolClosedError");
      return undefined;
    }
    if (predicted.kind === "empty") {
      if (emptyReturns) assert.equal(call(), undefined);
      else throwsExactly(call, PoolEmptyError, "PoolEmptyError");
      return undefined;
    }
    const result = call();
    const obj = toObject(result);
    assert.ok(!lentBefore.has(obj.id), `object ${obj.id} lent twice`);
    assert.equal(obj.id, predicted.id, "the predicted object");
    assert.equal(obj, this.objects[predicted.id]);
    return result;
  }

  /** The error class a release of a non-lent `obj` must throw. */
  #rejection(obj: unknown, kind: "double" | "foreign"): [
    new (...args: never[]) => Error,
    string,
  ] {
    if (this.config.typed && !(obj instanceof Item)) {
      return [TypeMismatchError, "TypeMismatchError"];
    }
    return kind === "double"
      ? [AlreadyReleasedError, "AlreadyReleasedError"]
      : [ForeignObjectError, "ForeignObjectError"];
  }

  #foreign(choice: number): unknown {
    switch (choice % 5) {
      case 0:
        return { id: -1, x: 0 };
      case 1:
        return this.config.typed ? new Item(-2, () => {}) : { id: -2, x: 0 };
      case 2: {
        // An object the sibling pool lent: foreign here.
        const obj = this.sibling.tryAcquire();
        return obj ?? { id: -3, x: 0 };
      }
      case 3:
        return null;
      default:
        return 42;
    }
  }

  // ---- steps --------------------------------------------------------------

  acquire(method: "acquire" | "get" | "tryAcquire"): void {
    this.#expectAcquire(() => this.pool[method](), method === "tryAcquire");
  }

  releaseLent(index: number): void {
    const id = pick([...this.lent.keys()], index);
    if (id === undefined) return;
    this.#expectRelease(id, () => this.pool.release(this.objects[id]!));
  }

  releaseAgain(index: number): void {
    const id = pick([...this.released], index);
    if (id === undefined) return;
    const obj = this.objects[id]!;
    const [type, name] = this.#rejection(obj, "double");
    this.#unchanged(() =>
      throwsExactly(() => this.pool.release(obj), type, name)
    );
  }

  releaseForeign(choice: number): void {
    const obj = this.#foreign(choice);
    const [type, name] = this.#rejection(obj, "foreign");
    this.#unchanged(() =>
      throwsExactly(() => this.pool.release(obj as Obj), type, name)
    );
  }

  poison(index: number): void {
    const id = pick([...this.lent.keys()], index);
    if (id !== undefined) this.poisoned.add(id);
  }

  allocate(owned: boolean): void {
    const serial = this.serial + 1;
    const handle = this.#expectAcquire(
      () => owned ? this.pool.allocateOwned() : this.pool.allocate(),
      false,
      (h) => h.value,
    );
    if (handle === undefined) return;
    assert.equal(handle.released, false);
    // A pool's handle carries its borrow's key.
    assert.equal(
      this.pool.isLive(handle.generation),
      true,
      "a handle's key is live",
    );
    assert.equal(this.pool.objectOf(handle.generation), handle.value);
    this.handles.push({ handle, id: handle.value.id, serial });
  }

  #isLive(entry: { id: number; serial: number }): boolean {
    return this.lent.get(entry.id) === entry.serial;
  }

  handleUse(index: number): void {
    const entry = pick(this.handles, index);
    if (entry === undefined) return;
    const { handle } = entry;
    if (this.#isLive(entry)) {
      assert.equal(handle.released, false);
      assert.equal(handle.value, this.objects[entry.id]);
      assert.equal(handle.get(), this.objects[entry.id]);
    } else {
      assert.equal(handle.released, true);
      this.#unchanged(() => {
        throwsExactly(
          () => handle.value,
          AlreadyReleasedError,
          "AlreadyReleasedError",
        );
        throwsExactly(
          () => handle.get(),
          AlreadyReleasedError,
          "AlreadyReleasedError",
        );
      });
    }
  }

  handleRelease(index: number, dispose: boolean): void {
    const entry = pick(this.handles, index);
    if (entry === undefined) return;
    const { handle } = entry;
    if (this.#isLive(entry)) {
      this.#expectRelease(
        entry.id,
        () => dispose ? handle[Symbol.dispose]() : handle.release(),
      );
      assert.equal(handle.released, true);
    } else if (dispose) {
      this.#unchanged(() => handle[Symbol.dispose]());
    } else {
      this.#unchanged(() =>
        throwsExactly(
          () => handle.release(),
          AlreadyReleasedError,
          "AlreadyReleasedError",
        )
      );
    }
  }

  weak(index: number, which: "lent" | "released" | "foreign"): void {
    if (which === "foreign") {
      const obj = this.#foreign(index);
      const [type, name] = this.#rejection(obj, "foreign");
      this.#unchanged(() =>
        throwsExactly(() => this.pool.weak(obj as Obj), type, name)
      );
      return;
    }
    const id = pick(
      which === "lent" ? [...this.lent.keys()] : [...this.released],
      index,
    );
    if (id === undefined) return;
    const obj = this.objects[id]!;
    if (which === "released") {
      const [type, name] = this.#rejection(obj, "double");
      this.#unchanged(() =>
        throwsExactly(() => this.pool.weak(obj), type, name)
      );
      return;
    }
    const handle = this.pool.weak(obj);
    this.weaks.push({ handle, id, serial: this.lent.get(id)! });
  }

  weakUse(index: number): void {
    const entry = pick(this.weaks, index);
    if (entry === undefined) return;
    const { handle } = entry;
    if (this.#isLive(entry)) {
      assert.equal(handle.alive, true);
      assert.equal(handle.deref(), this.objects[entry.id]);
      assert.equal(handle.get(), this.objects[entry.id]);
    } else {
      assert.equal(handle.alive, false);
      assert.equal(handle.deref(), undefined);
      this.#unchanged(() =>
        throwsExactly(
          () => handle.get(),
          AlreadyReleasedError,
          "AlreadyReleasedError",
        )
      );
    }
  }

  weakRelease(index: number): void {
    const entry = pick(this.weaks, index);
    if (entry === undefined) return;
    if (this.#isLive(entry)) {
      const result = this.#expectRelease(
        entry.id,
        () => entry.handle.release(),
      );
      if (result !== undefined) assert.equal(result, true);
    } else {
      this.#unchanged(() => assert.equal(entry.handle.release(), false));
    }
  }

  use(mode: "ok" | "throw" | "poison" | "throw+poison"): void {
    let called = 0;
    const fault = new UseFault();
    let expectedError: unknown;
    let id = -1;
    const predicted = this.#modelAcquire();
    const poison = mode === "poison" || mode === "throw+poison";
    if (predicted.kind === "object") {
      id = predicted.id;
      if (poison) this.poisoned.add(id);
      const resetError = this.#modelRelease(id);
      this.poisoned.delete(id);
      expectedError = mode === "throw" || mode === "throw+poison"
        ? fault
        : resetError;
    }
    const fn = (obj: Obj): number => {
      called++;
      assert.equal(obj.id, id, "use lends the predicted object");
      assert.equal(this.pool.inUse, this.lent.size + 1);
      if (poison) this.poisoned.add(obj.id);
      if (mode === "throw" || mode === "throw+poison") throw fault;
      return obj.id + 1;
    };
    if (predicted.kind === "closed") {
      throwsExactly(
        () => this.pool.use(fn),
        PoolClosedError,
        "PoolClosedError",
      );
    } else if (predicted.kind === "empty") {
      throwsExactly(() => this.pool.use(fn), PoolEmptyError, "PoolEmptyError");
    } else if (expectedError === undefined) {
      assert.equal(this.pool.use(fn), id + 1);
    } else {
      let caught: unknown;
      try {
        this.pool.use(fn);
      } catch (error) {
        caught = error;
      }
      if (expectedError === fault) assert.equal(caught, fault);
      else {
        assert.ok(caught instanceof ResetFault);
        assert.equal(caught, this.lastResetError);
      }
    }
    this.poisoned.delete(id);
    assert.equal(called, predicted.kind === "object" ? 1 : 0);
  }

  close(dispose: boolean): void {
    if (!this.closed) {
      this.closed = true;
      for (let id = this.#popIdle(); id !== undefined; id = this.#popIdle()) {
        this.#discard(id);
      }
    }
    if (dispose) this.pool[Symbol.dispose]();
    else this.pool.close();
  }

  trim(): void {
    const pool = this.pool as GrowingPool<Obj>;
    let expected = 0;
    while (this.alive > this.initialCapacity) {
      const id = this.#popIdle();
      if (id === undefined) break;
      this.#discard(id);
      expected++;
    }
    if (this.capacity > this.initialCapacity) {
      this.capacity = Math.max(this.initialCapacity, this.alive);
    }
    assert.equal(pool.trim(), expected);
  }

  // ---- keys, discard and re-entrant callbacks --------------------------------

  acquireKey(): void {
    const serial = this.serial + 1;
    const key = this.#expectAcquire(
      () => this.pool.acquireKey(),
      false,
      (k) => this.pool.objectOf(k),
    );
    if (key === undefined) return;
    assert.ok(Number.isInteger(key) && key >= 0 && key < 2 ** 31);
    assert.equal(this.pool.isLive(key), true);
    this.keys.push({ key, id: this.pool.objectOf(key).id, serial });
  }

  keyOf(index: number): void {
    const id = pick([...this.lent.keys()], index);
    if (id === undefined) return;
    const key = this.pool.keyOf(this.objects[id]!);
    assert.equal(this.pool.objectOf(key), this.objects[id]);
    this.keys.push({ key, id, serial: this.lent.get(id)! });
  }

  keyUse(index: number, how: "objectOf" | "releaseKey" | "discardKey"): void {
    const entry = pick(this.keys, index);
    if (entry === undefined) return;
    if (this.#isLive(entry)) {
      assert.equal(this.pool.isLive(entry.key), true);
      if (how === "objectOf") {
        assert.equal(this.pool.objectOf(entry.key), this.objects[entry.id]);
      } else if (how === "releaseKey") {
        this.#expectRelease(entry.id, () => this.pool.releaseKey(entry.key));
      } else {
        this.#modelDiscard(entry.id);
        this.pool.discardKey(entry.key);
      }
      return;
    }
    assert.equal(this.pool.isLive(entry.key), false);
    this.#unchanged(() =>
      throwsExactly(
        () =>
          how === "objectOf"
            ? this.pool.objectOf(entry.key)
            : this.pool[how](entry.key),
        AlreadyReleasedError,
        "AlreadyReleasedError",
      )
    );
  }

  /** The model's discard of a lent id: the borrow ends, the object goes, no reset. */
  #modelDiscard(id: number): void {
    assert.ok(this.lent.has(id));
    this.lent.delete(id);
    this.released.add(id);
    this.stats.totalReleases++;
    this.#discard(id);
  }

  discard(index: number, which: "lent" | "released" | "foreign"): void {
    if (which === "foreign") {
      const obj = this.#foreign(index);
      const [type, name] = this.#rejection(obj, "foreign");
      this.#unchanged(() =>
        throwsExactly(() => this.pool.discard(obj as Obj), type, name)
      );
      return;
    }
    const id = pick(
      which === "lent" ? [...this.lent.keys()] : [...this.released],
      index,
    );
    if (id === undefined) return;
    const obj = this.objects[id]!;
    if (which === "released") {
      const [type, name] = this.#rejection(obj, "double");
      this.#unchanged(() =>
        throwsExactly(() => this.pool.discard(obj), type, name)
      );
      return;
    }
    this.#modelDiscard(id);
    this.pool.discard(obj);
  }

  /** Re-entrant: the next reset of a lent object releases it again. */
  rerelease(index: number): void {
    const id = pick([...this.lent.keys()], index);
    if (id !== undefined) this.rereleasing.add(id);
  }

  /**
   * Re-entrant: an acquire whose factory calls tryAcquire on its own pool,
   * armed only when the model says the reservation fills the pool (so the
   * nested call must find it full).
   */
  acquireWithProbe(): void {
    const full = !this.closed && this.idle.length === 0 &&
      this.alive + 1 >= this.capacity && this.#modelNextCapacity() === 0;
    if (full && this.alive < this.capacity) {
      this.factoryProbe = true;
      this.stats.exhaustions++;
    }
    this.#expectAcquire(() => this.pool.acquire(), false);
    assert.equal(this.factoryProbe, false, "the factory ran");
  }

  /** Re-entrant: destroy calls close() and acquire() during the close. */
  closeReentrant(): void {
    this.destroyReenters = true;
    this.close(false);
  }

  // ---- checks -------------------------------------------------------------

  /** Runs `fn`, which must leave the pool exactly as it was. */
  #unchanged(fn: () => void): void {
    const before = this.#snapshot();
    fn();
    assert.deepEqual(
      this.#snapshot(),
      before,
      "a failed call changed the pool",
    );
  }

  #snapshot(): unknown {
    const stats: Record<string, unknown> = { ...this.pool.stats() };
    for (const key of TIMING_FIELDS) delete stats[key];
    return {
      inUse: this.pool.inUse,
      available: this.pool.available,
      capacity: this.pool.capacity,
      closed: this.pool.closed,
      stats,
    };
  }

  /** The statistics snapshot the model expects (timing fields aside). */
  expectedStats(): Record<string, unknown> {
    const inUse = this.lent.size;
    if (this.config.statistics === "off") {
      return {
        enabled: false,
        totalAllocations: 0,
        totalReleases: 0,
        totalResets: 0,
        growthEvents: 0,
        peakInUse: 0,
        peakCapacity: 0,
        currentInUse: inUse,
        currentCapacity: this.capacity,
        exhaustions: 0,
        created: 0,
        destroyed: 0,
        leaks: 0,
        resetFailures: 0,
        waits: 0,
        timeouts: 0,
        totalWaitTimeNs: 0,
        pending: 0,
        createFailures: 0,
      };
    }
    return {
      enabled: true,
      ...this.stats,
      currentInUse: inUse,
      currentCapacity: this.capacity,
      leaks: 0,
      waits: 0,
      timeouts: 0,
      totalWaitTimeNs: 0,
      pending: 0,
      createFailures: 0,
    };
  }

  /** Compares the pool with the model. */
  verify(): void {
    this.steps++;
    const pool = this.pool;
    assert.deepEqual(this.violations, []);
    assert.equal(pool.inUse, this.lent.size, "inUse");
    assert.equal(pool.available, this.idle.length, "available");
    assert.equal(pool.capacity, this.capacity, "capacity");
    assert.equal(pool.closed, this.closed, "closed");
    assert.ok(pool.inUse + pool.available <= pool.capacity);
    const stats: Record<string, unknown> = { ...pool.stats() };
    assert.ok(Object.isFrozen(pool.stats()));
    for (const key of TIMING_FIELDS) {
      const value = stats[key] as number;
      assert.ok(Number.isFinite(value) && value >= 0, `${key} ${value}`);
      if (this.config.statistics !== "timing") assert.equal(value, 0, key);
      delete stats[key];
    }
    assert.deepEqual(stats, this.expectedStats());
    assert.equal(this.objects.length, this.nextId, "factory calls");
    assert.deepEqual(
      [...this.destroyedActual].sort((a, b) => a - b),
      [...this.destroyedExpected].sort((a, b) => a - b),
      "destroyed objects",
    );
  }

  /**
   * Ends a run: releases every borrow, closes the pool, and checks that
   * every object made was destroyed exactly once.
   */
  finish(): void {
    this.poisoned.clear();
    this.rereleasing.clear();
    for (const id of [...this.lent.keys()]) {
      this.#expectRelease(id, () => this.pool.release(this.objects[id]!));
    }
    this.close(false);
    this.verify();
    assert.equal(this.destroyedActual.size, this.nextId);
    assert.equal(this.pool.inUse + this.pool.available, 0);
    this.sibling.close();
  }
}

/** Statistics-free typing help for callers. */
export type { PoolStats };

/** The commands that drive a {@linkcode SyncSim}. */
export function syncCommands(
  kind: "fixed" | "growing",
): fc.Arbitrary<Iterable<fc.Command<SyncSim, SyncSim>>> {
  const index = fc.nat({ max: 30 });
  const step = (label: string, action: (sim: SyncSim) => void) =>
    new Step<SyncSim>(label, action);
  const commands: fc.Arbitrary<fc.Command<SyncSim, SyncSim>>[] = [
    fc.constantFrom("acquire", "get", "tryAcquire").map((m) =>
      step(`${m}()`, (s) => s.acquire(m as "acquire"))
    ),
    fc.constantFrom("acquire", "tryAcquire").map((m) =>
      step(`${m}()`, (s) => s.acquire(m as "acquire"))
    ),
    index.map((i) => step(`release(lent ${i})`, (s) => s.releaseLent(i))),
    index.map((i) => step(`release(lent ${i})`, (s) => s.releaseLent(i))),
    index.map((i) => step(`release(released ${i})`, (s) => s.releaseAgain(i))),
    index.map((i) =>
      step(`release(foreign ${i % 5})`, (s) => s.releaseForeign(i))
    ),
    index.map((i) => step(`poison(lent ${i})`, (s) => s.poison(i))),
    fc.boolean().map((owned) =>
      step(owned ? "allocateOwned()" : "allocate()", (s) => s.allocate(owned))
    ),
    index.map((i) => step(`handle ${i}.value`, (s) => s.handleUse(i))),
    fc.tuple(index, fc.boolean()).map(([i, dispose]) =>
      step(
        `handle ${i}.${dispose ? "[Symbol.dispose]" : "release"}()`,
        (s) => s.handleRelease(i, dispose),
      )
    ),
    fc.tuple(index, fc.constantFrom("lent", "released", "foreign")).map((
      [i, which],
    ) => step(`weak(${which} ${i})`, (s) => s.weak(i, which as "lent"))),
    index.map((i) => step(`weak ${i}.deref()`, (s) => s.weakUse(i))),
    index.map((i) => step(`weak ${i}.release()`, (s) => s.weakRelease(i))),
    fc.constant(step("acquireKey()", (s) => s.acquireKey())),
    index.map((i) => step(`keyOf(lent ${i})`, (s) => s.keyOf(i))),
    fc.tuple(index, fc.constantFrom("objectOf", "releaseKey", "discardKey"))
      .map(([i, how]) =>
        step(`key ${i} ${how}`, (s) => s.keyUse(i, how as "objectOf"))
      ),
    fc.tuple(index, fc.constantFrom("lent", "lent", "released", "foreign"))
      .map(([i, which]) =>
        step(`discard(${which} ${i})`, (s) => s.discard(i, which as "lent"))
      ),
    index.map((i) =>
      step(`reset re-releases (lent ${i})`, (s) => s.rerelease(i))
    ),
    fc.constant(
      step(
        "acquire() whose factory calls tryAcquire()",
        (s) => s.acquireWithProbe(),
      ),
    ),
    fc.nat({ max: 9 }).map((n) =>
      n === 0
        ? step("close() with destroy re-entering", (s) => s.closeReentrant())
        : step("acquireKey()", (s) => s.acquireKey())
    ),
    fc.constantFrom("ok", "throw", "poison", "throw+poison").map((mode) =>
      step(`use(${mode})`, (s) => s.use(mode as "ok"))
    ),
    fc.nat({ max: 9 }).map((n) =>
      // Rare: most sequences should run long before closing.
      n === 0
        ? step("close()", (s) => s.close(false))
        : n === 1
        ? step("[Symbol.dispose]()", (s) => s.close(true))
        : step("acquire()", (s) => s.acquire("acquire"))
    ),
  ];
  if (kind === "growing") {
    commands.push(fc.constant(step("trim()", (s) => s.trim())));
    commands.push(fc.constant(step("trim()", (s) => s.trim())));
  }
  return fc.commands(commands, { maxCommands: 50, size: "max" });
}

/** The property: any command sequence keeps pool and model in step. */
export function syncModelProperty(
  kind: "fixed" | "growing",
  onRun?: (sim: SyncSim) => void,
): fc.IProperty<[SyncConfig, Iterable<fc.Command<SyncSim, SyncSim>>]> {
  return fc.property(configArb(kind), syncCommands(kind), (config, cmds) => {
    const sim = new SyncSim(config);
    fc.modelRun(() => ({ model: sim, real: sim }), cmds);
    sim.finish();
    onRun?.(sim);
  });
}
