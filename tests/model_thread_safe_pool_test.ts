/**
 * Model-based property tests of {@linkcode ThreadSafePool}, on one thread
 * (the multi-worker side is tested elsewhere): random sequences of acquires,
 * `acquireWait(0)`, releases (valid, double, foreign, of destroyed
 * wrappers), `at`, handle use after release, `use` with throwing callbacks
 * and failing resets, keys (`acquireKey`, `keyOf`, `objectOf`, `releaseKey`,
 * `discardKey`, `isLive`; live, stale and never-issued keys), `discard`,
 * re-entrant resets (a reset that releases its own wrapper again: a double
 * release, so a failed reset), and `close`, run against the pool and a
 * reference model side by side. The
 * model also predicts every key's exact value from its layout.
 *
 * The slot an acquire takes is the free list's choice; the model checks
 * that it was free, and that its wrapper is the one this thread made for it
 * before (or a new one, counted in `created`). After each step it compares
 * sizes, the closed flag and the whole statistics snapshot, and checks that
 * `destroy` ran exactly for the wrappers the pool dropped, once each.
 *
 * Replay a failure with the `FC_SEED`/`FC_PATH` it prints; `FC_RUNS` sets
 * the number of runs.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AlreadyReleasedError,
  FastAllocError,
  ForeignObjectError,
  PoolClosedError,
  PoolEmptyError,
  PoolTimeoutError,
  TypeMismatchError,
} from "../errors.ts";
import { ThreadSafePool } from "../pools/thread_safe_pool.ts";
import { SharedFreeList } from "../allocators/shared_freelist.ts";
import type { ThreadSafePoolOptions } from "../config/thread_safe_options.ts";
import type { ContextHandle } from "../handles/context_handle.ts";
import type { WeakHandle } from "../handles/weak_handle.ts";
import {
  checkProperty,
  fc,
  pick,
  ResetFault,
  runsFor,
  Step,
  UseFault,
} from "./_fc.ts";
import { throwsExactly } from "./_state.ts";

const RUNS = 200;

interface TsConfig {
  capacity: number;
  slotBytes: 0 | 8;
  typed: boolean;
  statistics: "off" | "on" | "timing";
  reset: "none" | "function" | "method";
  frozen: boolean;
  preInitialize: boolean;
}

const configArb: fc.Arbitrary<TsConfig> = fc.record({
  capacity: fc.integer({ min: 1, max: 5 }),
  slotBytes: fc.constantFrom(0 as const, 8 as const),
  typed: fc.boolean(),
  statistics: fc.constantFrom("off", "on", "timing") as fc.Arbitrary<
    TsConfig["statistics"]
  >,
  reset: fc.constantFrom("none", "function", "method") as fc.Arbitrary<
    TsConfig["reset"]
  >,
  frozen: fc.boolean(),
  preInitialize: fc.boolean(),
});

/** A wrapper: the slot's shared bytes (if any) and the id the test gave it. */
interface Cell {
  id: number;
  bytes: Uint8Array | undefined;
  clear?: () => void;
}

const TIMING_FIELDS = [
  "totalAllocationTimeNs",
  "totalReleaseTimeNs",
  "avgAllocationTimeNs",
  "avgReleaseTimeNs",
] as const;

interface ModelStats {
  totalAllocations: number;
  totalReleases: number;
  totalResets: number;
  peakInUse: number;
  exhaustions: number;
  created: number;
  destroyed: number;
  resetFailures: number;
  waits: number;
  timeouts: number;
}

type Entry<H> = { handle: H; id: number; serial: number };

/** The pool, a same-shaped sibling (for foreign wrappers) and the model. */
class TsSim {
  readonly config: TsConfig;
  readonly pool: ThreadSafePool<Cell>;
  readonly sibling: ThreadSafePool<Cell>;
  /** Every wrapper this thread made, by id. */
  readonly objects: Cell[] = [];
  /** The class of typed pools (an instance that is no wrapper is foreign). */
  readonly type: new (buffer: SharedArrayBuffer, offset: number) => Cell;
  readonly violations: string[] = [];
  readonly destroyedActual: Set<number> = new Set();
  lastResetError: unknown;

  // ---- the model ----
  closed = false;
  free: Set<number>;
  /** Lent slots: the wrapper's id and the borrow's serial. */
  lent: Map<number, { id: number; serial: number }> = new Map();
  /** This thread's wrapper (id) of each slot that has one. */
  wrappers: Map<number, number> = new Map();
  /** Ids of wrappers lent before and not lent now. */
  released: Set<number> = new Set();
  poisoned: Set<number> = new Set();
  /** Wrappers whose reset releases them again (a re-entrant call). */
  reentrant: Set<number> = new Set();
  destroyedExpected: Set<number> = new Set();
  serial = 0;
  stats: ModelStats = {
    totalAllocations: 0,
    totalReleases: 0,
    totalResets: 0,
    peakInUse: 0,
    exhaustions: 0,
    created: 0,
    destroyed: 0,
    resetFailures: 0,
    waits: 0,
    timeouts: 0,
  };
  /** Lends of each slot so far (the generation of its next key). */
  lends: number[];
  /** Keys issued, with the borrow each one named. */
  keys: { key: number; slot: number; serial: number }[] = [];
  handles: Entry<ContextHandle<Cell>>[] = [];
  weaks: Entry<WeakHandle<Cell>>[] = [];
  steps = 0;

  constructor(config: TsConfig) {
    this.config = config;
    this.free = new Set(Array.from({ length: config.capacity }, (_, i) => i));
    this.lends = new Array<number>(config.capacity).fill(0);
    // deno-lint-ignore no-this-alias
    const sim = this;
    const onReset = (cell: Cell) => {
      if (sim.reentrant.has(cell.id)) {
        // The borrow has ended before reset runs: a double release, which
        // thrown out of reset makes the reset a failed one.
        let inner: unknown;
        try {
          sim.pool.release(cell);
        } catch (error) {
          inner = error;
        }
        if (!(inner instanceof AlreadyReleasedError)) {
          sim.violations.push(
            `release of ${cell.id} from its own reset did not fail as a double release`,
          );
        }
        sim.lastResetError = inner;
        throw inner;
      }
      if (sim.poisoned.has(cell.id)) {
        sim.lastResetError = new ResetFault(cell.id);
        throw sim.lastResetError;
      }
    };
    let making: "main" | "sibling" | "none" = "none";
    class TypedCell implements Cell {
      static readonly byteLength = config.slotBytes;
      id: number;
      bytes: Uint8Array | undefined;
      constructor(buffer: SharedArrayBuffer, offset: number) {
        this.bytes = config.slotBytes === 0
          ? undefined
          : new Uint8Array(buffer, offset, config.slotBytes);
        this.id = making === "main"
          ? sim.objects.length
          : making === "sibling"
          ? 1_000_000 + offset
          : -1;
        if (making === "main") sim.objects.push(this);
        if (config.frozen && making !== "none") Object.preventExtensions(this);
      }
      clear(): void {
        onReset(this);
      }
    }
    this.type = TypedCell;
    const make =
      (which: "main" | "sibling") =>
      (buffer: SharedArrayBuffer, offset: number): Cell => {
        making = which;
        try {
          if (config.typed) return new TypedCell(buffer, offset);
          const cell: Cell = {
            id: which === "main" ? sim.objects.length : 1_000_000 + offset,
            bytes: config.slotBytes === 0
              ? undefined
              : new Uint8Array(buffer, offset, config.slotBytes),
          };
          if (config.reset === "method") cell.clear = () => onReset(cell);
          if (config.frozen) Object.preventExtensions(cell);
          if (which === "main") sim.objects.push(cell);
          return cell;
        } finally {
          making = "none";
        }
      };
    const options = (which: "main" | "sibling") => {
      const o: ThreadSafePoolOptions<Cell> & {
        factory: (b: SharedArrayBuffer, o: number) => Cell;
      } = {
        capacity: config.capacity,
        slotBytes: config.slotBytes,
        factory: make(which),
        preInitialize: which === "main" && config.preInitialize,
        enableStatistics: config.statistics === "off"
          ? false
          : config.statistics === "on"
          ? true
          : { timing: true, sampleRate: 0.5 },
        destroy: (cell: Cell) => {
          if (which !== "main") return;
          if (this.destroyedActual.has(cell.id)) {
            this.violations.push(`wrapper ${cell.id} destroyed twice`);
          }
          this.destroyedActual.add(cell.id);
        },
      };
      if (config.reset === "function") o.reset = onReset;
      if (config.reset === "method") o.reset = "clear";
      return o;
    };
    this.pool = config.typed
      ? new ThreadSafePool<Cell>(TypedCell, options("main"))
      : new ThreadSafePool<Cell>(options("main"));
    this.sibling = config.typed
      ? new ThreadSafePool<Cell>(TypedCell, options("sibling"))
      : new ThreadSafePool<Cell>(options("sibling"));
    if (config.preInitialize) {
      assert.equal(this.objects.length, config.capacity);
      for (const cell of this.objects) {
        this.wrappers.set(this.pool.indexOf(cell), cell.id);
        this.stats.created++;
      }
    }
    this.verify();
  }

  // ---- model primitives ---------------------------------------------------

  #slotOfId(id: number): number {
    for (const [slot, wid] of this.wrappers) if (wid === id) return slot;
    return -1;
  }

  #detach(slot: number): void {
    const id = this.wrappers.get(slot)!;
    this.wrappers.delete(slot);
    this.destroyedExpected.add(id);
    this.stats.destroyed++;
  }

  /** Records the real lend of `cell`; checks it against the model. */
  #lend(cell: Cell): void {
    const slot = this.pool.indexOf(cell);
    assert.ok(this.free.has(slot), `slot ${slot} lent while not free`);
    for (const { id } of this.lent.values()) {
      assert.notEqual(id, cell.id, `wrapper ${cell.id} lent twice`);
    }
    const known = this.wrappers.get(slot);
    if (known === undefined) {
      assert.equal(cell.id, this.objects.length - 1, "a new wrapper");
      this.wrappers.set(slot, cell.id);
      this.stats.created++;
    } else {
      assert.equal(cell.id, known, "the slot's wrapper is reused");
    }
    this.free.delete(slot);
    this.lends[slot]!++;
    this.lent.set(slot, { id: cell.id, serial: ++this.serial });
    this.released.delete(cell.id);
    this.stats.totalAllocations++;
    this.stats.peakInUse = Math.max(this.stats.peakInUse, this.lent.size);
  }

  /** "closed", "empty" or "ok": what an acquire now does (counts exhaustion). */
  #acquireOutcome(): "closed" | "empty" | "ok" {
    if (this.closed) return "closed";
    if (this.free.size === 0) {
      this.stats.exhaustions++;
      return "empty";
    }
    return "ok";
  }

  /** The model's release of a lent slot; returns the error release must throw. */
  #modelRelease(slot: number): Error | undefined {
    const { id } = this.lent.get(slot)!;
    this.lent.delete(slot);
    this.released.add(id);
    this.free.add(slot);
    this.stats.totalReleases++;
    if (this.closed) {
      this.#detach(slot);
      return undefined;
    }
    if (this.config.reset !== "none") {
      if (this.poisoned.has(id) || this.reentrant.has(id)) {
        this.stats.resetFailures++;
        this.#detach(slot);
        return this.reentrant.has(id)
          ? new AlreadyReleasedError("re-entrant release")
          : new ResetFault(id);
      }
      this.stats.totalResets++;
    }
    return undefined;
  }

  #expectRelease(slot: number, call: () => unknown): unknown {
    const expected = this.#modelRelease(slot);
    if (expected === undefined) return call();
    let caught: unknown;
    try {
      call();
    } catch (error) {
      caught = error;
    }
    assert.ok(
      caught instanceof expected.constructor,
      `expected ${expected.message}`,
    );
    assert.equal(caught, this.lastResetError);
    return undefined;
  }

  #rejection(obj: unknown, kind: "double" | "foreign"): [
    new (...args: never[]) => Error,
    string,
  ] {
    if (this.config.typed && !(obj instanceof this.type)) {
      return [TypeMismatchError, "TypeMismatchError"];
    }
    return kind === "double"
      ? [AlreadyReleasedError, "AlreadyReleasedError"]
      : [ForeignObjectError, "ForeignObjectError"];
  }

  #foreign(choice: number): unknown {
    switch (choice % 4) {
      case 0:
        return { id: -1, bytes: undefined };
      case 1:
        return this.config.typed
          ? Object.assign(Object.create(this.type.prototype), { id: -2 })
          : { id: -2, bytes: undefined };
      case 2:
        return this.sibling.tryAcquire() ?? { id: -3, bytes: undefined };
      default:
        return null;
    }
  }

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
      closed: this.pool.closed,
      stats,
    };
  }

  #isLive(entry: { id: number; serial: number }): boolean {
    const slot = this.#slotOfId(entry.id);
    return slot >= 0 && this.lent.get(slot)?.serial === entry.serial;
  }

  /** Slot bits of a key: ceil(log2(capacity)). */
  get #slotBits(): number {
    const c = this.config.capacity;
    return c <= 1 ? 0 : 32 - Math.clz32(c - 1);
  }

  /** The key the layout gives the current borrow of `slot`. */
  #expectedKey(slot: number): number {
    const bits = this.#slotBits;
    const mask = 2 ** (31 - bits) - 1;
    return ((this.lends[slot]! & mask) << bits) | slot;
  }

  #keyIsLive(entry: { slot: number; serial: number }): boolean {
    return this.lent.get(entry.slot)?.serial === entry.serial;
  }

  /** The model's discard of a lent slot: no reset, the wrapper destroyed. */
  #modelDiscard(slot: number): void {
    const { id } = this.lent.get(slot)!;
    this.lent.delete(slot);
    this.released.add(id);
    this.free.add(slot);
    this.stats.totalReleases++;
    this.#detach(slot);
  }

  // ---- steps --------------------------------------------------------------

  acquireKey(): void {
    const outcome = this.#acquireOutcome();
    const call = () => this.pool.acquireKey();
    if (outcome === "closed") {
      throwsExactly(call, PoolClosedError, "PoolClosedError");
    } else if (outcome === "empty") {
      throwsExactly(call, PoolEmptyError, "PoolEmptyError");
    } else {
      const key = call();
      const cell = this.pool.objectOf(key);
      this.#lend(cell);
      const slot = this.pool.indexOf(cell);
      assert.equal(key, this.#expectedKey(slot), "the key's layout");
      assert.ok(this.pool.isLive(key));
      this.keys.push({ key, slot, serial: this.serial });
    }
  }

  keyOf(index: number, which: "lent" | "released"): void {
    if (which === "released") {
      const id = pick([...this.released], index);
      if (id === undefined) return;
      const cell = this.objects[id]!;
      const [type, name] = this.#rejection(cell, "double");
      this.#unchanged(() =>
        throwsExactly(() => this.pool.keyOf(cell), type, name)
      );
      return;
    }
    const slot = pick([...this.lent.keys()], index);
    if (slot === undefined) return;
    const { id, serial } = this.lent.get(slot)!;
    const key = this.pool.keyOf(this.objects[id]!);
    assert.equal(key, this.#expectedKey(slot));
    assert.equal(this.pool.objectOf(key), this.objects[id]);
    this.keys.push({ key, slot, serial });
  }

  keyUse(
    index: number,
    how: "objectOf" | "releaseKey" | "discardKey" | "isLive",
  ): void {
    const entry = pick(this.keys, index);
    if (entry === undefined) return;
    const { key, slot } = entry;
    const live = this.#keyIsLive(entry);
    assert.equal(this.pool.isLive(key), live, `isLive(${key})`);
    if (how === "isLive") return;
    if (!live) {
      this.#unchanged(() =>
        throwsExactly(
          () => this.pool[how](key),
          AlreadyReleasedError,
          "AlreadyReleasedError",
        )
      );
      return;
    }
    if (how === "objectOf") {
      assert.equal(
        this.pool.objectOf(key),
        this.objects[this.lent.get(slot)!.id],
      );
    } else if (how === "releaseKey") {
      this.#expectRelease(slot, () => this.pool.releaseKey(key));
    } else {
      this.#modelDiscard(slot);
      this.pool.discardKey(key);
    }
    assert.equal(this.pool.isLive(key), how === "objectOf");
  }

  /** A number this pool never issued: every key call refuses it. */
  foreignKey(choice: number): void {
    const bits = this.#slotBits;
    const mask = 2 ** (31 - bits) - 1;
    const capacity = this.config.capacity;
    const slot = choice % capacity;
    const candidates: number[] = [-1, 0.5, NaN, 2 ** 31, Infinity];
    // A generation this slot has not reached yet.
    if (this.lends[slot]! + 1 <= mask) {
      candidates.push(((this.lends[slot]! + 1) << bits) | slot);
    }
    // Generation 0 is never issued (the first lend is generation 1).
    candidates.push(slot);
    // A slot number past the capacity, inside the slot bits.
    if (capacity < 2 ** bits) candidates.push((1 << bits) | capacity);
    const key = candidates[choice % candidates.length]!;
    assert.equal(this.pool.isLive(key), false);
    this.#unchanged(() => {
      for (const how of ["objectOf", "releaseKey", "discardKey"] as const) {
        throwsExactly(
          () => this.pool[how](key),
          ForeignObjectError,
          "ForeignObjectError",
        );
      }
    });
  }

  discard(index: number, which: "lent" | "released" | "foreign"): void {
    if (which === "foreign") {
      const obj = this.#foreign(index);
      const [type, name] = this.#rejection(obj, "foreign");
      this.#unchanged(() =>
        throwsExactly(() => this.pool.discard(obj as Cell), type, name)
      );
      return;
    }
    if (which === "released") {
      const id = pick([...this.released], index);
      if (id === undefined) return;
      const cell = this.objects[id]!;
      const [type, name] = this.#rejection(cell, "double");
      this.#unchanged(() =>
        throwsExactly(() => this.pool.discard(cell), type, name)
      );
      return;
    }
    const slot = pick([...this.lent.keys()], index);
    if (slot === undefined) return;
    const cell = this.objects[this.lent.get(slot)!.id]!;
    if (cell.bytes !== undefined) cell.bytes.fill(7);
    this.#modelDiscard(slot);
    this.pool.discard(cell);
    // The slot's bytes were zeroed: the next wrapper of it sees zeros.
    if (cell.bytes !== undefined) assert.ok(cell.bytes.every((b) => b === 0));
  }

  acquire(method: "acquire" | "get" | "tryAcquire"): void {
    const outcome = this.#acquireOutcome();
    const call = () => this.pool[method]();
    if (outcome === "closed") {
      throwsExactly(call, PoolClosedError, "PoolClosedError");
    } else if (outcome === "empty") {
      if (method === "tryAcquire") assert.equal(call(), undefined);
      else throwsExactly(call, PoolEmptyError, "PoolEmptyError");
    } else {
      this.#lend(call()!);
    }
  }

  acquireWait(): void {
    const outcome = this.#acquireOutcome();
    const call = () => this.pool.acquireWait(0);
    if (outcome === "closed") {
      throwsExactly(call, PoolClosedError, "PoolClosedError");
    } else if (outcome === "ok") {
      this.#lend(call());
    } else if (!SharedFreeList.canBlock) {
      throwsExactly(call, FastAllocError, "FastAllocError");
    } else {
      this.stats.waits++;
      this.stats.timeouts++;
      throwsExactly(call, PoolTimeoutError, "PoolTimeoutError");
    }
  }

  releaseLent(index: number): void {
    const slot = pick([...this.lent.keys()], index);
    if (slot === undefined) return;
    const cell = this.objects[this.lent.get(slot)!.id]!;
    this.#expectRelease(slot, () => this.pool.release(cell));
  }

  releaseAgain(index: number): void {
    const id = pick([...this.released], index);
    if (id === undefined) return;
    const cell = this.objects[id]!;
    const [type, name] = this.#rejection(cell, "double");
    this.#unchanged(() =>
      throwsExactly(() => this.pool.release(cell), type, name)
    );
  }

  releaseForeign(choice: number): void {
    const obj = this.#foreign(choice);
    const [type, name] = this.#rejection(obj, "foreign");
    this.#unchanged(() =>
      throwsExactly(() => this.pool.release(obj as Cell), type, name)
    );
  }

  at(index: number): void {
    const slot = index % this.config.capacity;
    const lent = this.lent.get(slot);
    if (lent !== undefined) {
      assert.equal(this.pool.at(slot), this.objects[lent.id]);
      return;
    }
    this.#unchanged(() => {
      throwsExactly(
        () => this.pool.at(slot),
        AlreadyReleasedError,
        "AlreadyReleasedError",
      );
      throwsExactly(() => this.pool.at(-1), RangeError, "RangeError");
    });
  }

  makeReentrant(index: number): void {
    const slot = pick([...this.lent.keys()], index);
    if (slot !== undefined) this.reentrant.add(this.lent.get(slot)!.id);
  }

  poison(index: number): void {
    const slot = pick([...this.lent.keys()], index);
    if (slot !== undefined) this.poisoned.add(this.lent.get(slot)!.id);
  }

  allocate(owned: boolean): void {
    const outcome = this.#acquireOutcome();
    const call = () => owned ? this.pool.allocateOwned() : this.pool.allocate();
    if (outcome === "closed") {
      throwsExactly(call, PoolClosedError, "PoolClosedError");
      return;
    }
    if (outcome === "empty") {
      throwsExactly(call, PoolEmptyError, "PoolEmptyError");
      return;
    }
    const handle = call();
    this.#lend(handle.value);
    this.handles.push({ handle, id: handle.value.id, serial: this.serial });
  }

  handleUse(index: number): void {
    const entry = pick(this.handles, index);
    if (entry === undefined) return;
    const { handle } = entry;
    if (this.#isLive(entry)) {
      assert.equal(handle.released, false);
      assert.equal(handle.value, this.objects[entry.id]);
    } else {
      assert.equal(handle.released, true);
      this.#unchanged(() =>
        throwsExactly(
          () => handle.value,
          AlreadyReleasedError,
          "AlreadyReleasedError",
        )
      );
    }
  }

  handleRelease(index: number, dispose: boolean): void {
    const entry = pick(this.handles, index);
    if (entry === undefined) return;
    const { handle } = entry;
    if (this.#isLive(entry)) {
      this.#expectRelease(
        this.#slotOfId(entry.id),
        () => dispose ? handle[Symbol.dispose]() : handle.release(),
      );
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

  weak(index: number, which: "lent" | "released"): void {
    if (which === "released") {
      const id = pick([...this.released], index);
      if (id === undefined) return;
      const cell = this.objects[id]!;
      const [type, name] = this.#rejection(cell, "double");
      this.#unchanged(() =>
        throwsExactly(() => this.pool.weak(cell), type, name)
      );
      return;
    }
    const slot = pick([...this.lent.keys()], index);
    if (slot === undefined) return;
    const { id, serial } = this.lent.get(slot)!;
    this.weaks.push({ handle: this.pool.weak(this.objects[id]!), id, serial });
  }

  weakUse(index: number): void {
    const entry = pick(this.weaks, index);
    if (entry === undefined) return;
    const { handle } = entry;
    if (this.#isLive(entry)) {
      assert.equal(handle.alive, true);
      assert.equal(handle.deref(), this.objects[entry.id]);
    } else {
      assert.equal(handle.alive, false);
      assert.equal(handle.deref(), undefined);
      throwsExactly(
        () => handle.get(),
        AlreadyReleasedError,
        "AlreadyReleasedError",
      );
    }
  }

  weakRelease(index: number): void {
    const entry = pick(this.weaks, index);
    if (entry === undefined) return;
    if (this.#isLive(entry)) {
      this.#expectRelease(
        this.#slotOfId(entry.id),
        () => entry.handle.release(),
      );
    } else {
      this.#unchanged(() => assert.equal(entry.handle.release(), false));
    }
  }

  use(mode: "ok" | "throw" | "poison" | "throw+poison"): void {
    const fault = new UseFault();
    const poison = mode === "poison" || mode === "throw+poison";
    const throws = mode === "throw" || mode === "throw+poison";
    let called = 0;
    let resetError: Error | undefined;
    let lentId = -1;
    const outcome = this.#acquireOutcome();
    const fn = (cell: Cell): number => {
      called++;
      this.#lend(cell);
      lentId = cell.id;
      if (poison) this.poisoned.add(cell.id);
      resetError = this.#modelRelease(this.pool.indexOf(cell));
      assert.equal(this.pool.inUse, this.lent.size + 1);
      if (throws) throw fault;
      return cell.id + 1;
    };
    if (outcome === "closed") {
      throwsExactly(
        () => this.pool.use(fn),
        PoolClosedError,
        "PoolClosedError",
      );
    } else if (outcome === "empty") {
      throwsExactly(() => this.pool.use(fn), PoolEmptyError, "PoolEmptyError");
    } else {
      let caught: unknown;
      let result: unknown;
      try {
        result = this.pool.use(fn);
      } catch (error) {
        caught = error;
      }
      if (throws) assert.equal(caught, fault);
      else if (resetError !== undefined) {
        assert.ok(caught instanceof resetError.constructor);
        assert.equal(caught, this.lastResetError);
      } else {
        assert.equal(caught, undefined);
        assert.equal(result, lentId + 1);
      }
    }
    assert.equal(called, outcome === "ok" ? 1 : 0);
  }

  close(dispose: boolean): void {
    if (!this.closed) {
      this.closed = true;
      for (const slot of [...this.wrappers.keys()]) {
        if (this.free.has(slot)) this.#detach(slot);
      }
    }
    if (dispose) this.pool[Symbol.dispose]();
    else this.pool.close();
  }

  // ---- checks -------------------------------------------------------------

  verify(): void {
    this.steps++;
    const pool = this.pool;
    const capacity = this.config.capacity;
    assert.deepEqual(this.violations, []);
    assert.equal(pool.capacity, capacity);
    assert.equal(pool.inUse, this.lent.size, "inUse");
    assert.equal(pool.available, this.closed ? 0 : this.free.size);
    assert.equal(pool.closed, this.closed);
    assert.ok(pool.inUse + pool.available <= capacity);
    const stats: Record<string, unknown> = { ...pool.stats() };
    for (const key of TIMING_FIELDS) {
      const value = stats[key] as number;
      assert.ok(Number.isFinite(value) && value >= 0, `${key} ${value}`);
      if (this.config.statistics !== "timing") assert.equal(value, 0, key);
      delete stats[key];
    }
    const waitNs = stats.totalWaitTimeNs as number;
    assert.ok(Number.isFinite(waitNs) && waitNs >= 0);
    delete stats.totalWaitTimeNs;
    const expected = this.config.statistics === "off"
      ? {
        enabled: false,
        totalAllocations: 0,
        totalReleases: 0,
        totalResets: 0,
        growthEvents: 0,
        peakInUse: 0,
        peakCapacity: 0,
        currentInUse: this.lent.size,
        currentCapacity: capacity,
        exhaustions: 0,
        created: 0,
        destroyed: 0,
        leaks: 0,
        resetFailures: 0,
        waits: 0,
        timeouts: 0,
        pending: 0,
        createFailures: 0,
      }
      : {
        enabled: true,
        ...this.stats,
        growthEvents: 0,
        peakCapacity: capacity,
        currentInUse: this.lent.size,
        currentCapacity: capacity,
        leaks: 0,
        pending: 0,
        createFailures: 0,
      };
    assert.deepEqual(stats, expected);
    assert.deepEqual(
      [...this.destroyedActual].sort((a, b) => a - b),
      [...this.destroyedExpected].sort((a, b) => a - b),
      "destroyed wrappers",
    );
    assert.ok(this.wrappers.size <= capacity);
  }

  finish(): void {
    this.poisoned.clear();
    this.reentrant.clear();
    for (const slot of [...this.lent.keys()]) {
      const cell = this.objects[this.lent.get(slot)!.id]!;
      this.#expectRelease(slot, () => this.pool.release(cell));
    }
    this.close(false);
    this.verify();
    assert.equal(this.pool.inUse, 0);
    // Every wrapper made was destroyed exactly once.
    assert.equal(this.destroyedActual.size, this.objects.length);
    this.sibling.close();
  }
}

function commands(): fc.Arbitrary<Iterable<fc.Command<TsSim, TsSim>>> {
  const index = fc.nat({ max: 30 });
  const step = (label: string, action: (sim: TsSim) => void) =>
    new Step<TsSim>(label, action);
  return fc.commands([
    fc.constantFrom("acquire", "get", "tryAcquire").map((m) =>
      step(`${m}()`, (s) => s.acquire(m as "acquire"))
    ),
    fc.constant(step("acquireWait(0)", (s) => s.acquireWait())),
    index.map((i) => step(`release(lent ${i})`, (s) => s.releaseLent(i))),
    index.map((i) => step(`release(lent ${i})`, (s) => s.releaseLent(i))),
    index.map((i) => step(`release(released ${i})`, (s) => s.releaseAgain(i))),
    index.map((i) =>
      step(`release(foreign ${i % 4})`, (s) => s.releaseForeign(i))
    ),
    index.map((i) => step(`at(${i})`, (s) => s.at(i))),
    index.map((i) => step(`poison(lent ${i})`, (s) => s.poison(i))),
    index.map((i) =>
      step(`reset releases again (lent ${i})`, (s) => s.makeReentrant(i))
    ),
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
    fc.tuple(index, fc.constantFrom("lent", "released")).map(([i, which]) =>
      step(`weak(${which} ${i})`, (s) => s.weak(i, which as "lent"))
    ),
    index.map((i) => step(`weak ${i}.deref()`, (s) => s.weakUse(i))),
    index.map((i) => step(`weak ${i}.release()`, (s) => s.weakRelease(i))),
    fc.constantFrom("ok", "throw", "poison", "throw+poison").map((mode) =>
      step(`use(${mode})`, (s) => s.use(mode as "ok"))
    ),
    fc.constant(step("acquireKey()", (s) => s.acquireKey())),
    fc.tuple(index, fc.constantFrom("lent", "released")).map(([i, which]) =>
      step(`keyOf(${which} ${i})`, (s) => s.keyOf(i, which as "lent"))
    ),
    fc.tuple(
      index,
      fc.constantFrom("objectOf", "releaseKey", "discardKey", "isLive"),
    ).map(([i, how]) =>
      step(`${how}(key ${i})`, (s) => s.keyUse(i, how as "objectOf"))
    ),
    index.map((i) => step(`foreignKey(${i})`, (s) => s.foreignKey(i))),
    fc.tuple(index, fc.constantFrom("lent", "released", "foreign")).map((
      [i, which],
    ) => step(`discard(${which} ${i})`, (s) => s.discard(i, which as "lent"))),
    fc.nat({ max: 9 }).map((n) =>
      n === 0
        ? step("close()", (s) => s.close(false))
        : n === 1
        ? step("[Symbol.dispose]()", (s) => s.close(true))
        : step("acquire()", (s) => s.acquire("acquire"))
    ),
  ], { maxCommands: 50, size: "max" });
}

describe("ThreadSafePool model (one thread)", () => {
  it("ThreadSafePool follows its model under random command sequences", () => {
    let runs = 0;
    let steps = 0;
    const passed = checkProperty(
      "ThreadSafePool follows its model under random command sequences",
      fc.property(configArb, commands(), (config, cmds) => {
        const sim = new TsSim(config);
        fc.modelRun(() => ({ model: sim, real: sim }), cmds);
        sim.finish();
        runs++;
        steps += sim.steps;
      }),
      RUNS,
    );
    assert.equal(passed, runsFor(RUNS));
    assert.ok(runs >= passed && steps > runs, `${runs} runs, ${steps} steps`);
  });
});
