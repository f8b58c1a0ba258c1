/**
 * Model-based property tests of {@linkcode AsyncPool}: random sequences of
 * acquires (plain, with a timeout, abortable, already aborted), `allocate`,
 * `tryAcquire`, releases (valid, double, foreign), discards (valid, double),
 * poisoned resets, objects
 * that fail validation, aborts, timeouts, handle use after release, `use`
 * with throwing callbacks, `drain` and `close`, run against the pool and a
 * reference model side by side.
 *
 * Every callback (factory, reset, validate) is drawn synchronous or
 * asynchronous. The asynchronous ones return already-settled promises, so
 * their continuations run in the order they were started; the model keeps
 * the same first-in first-out queue of pending completions and runs it to
 * the end after every step, while the test lets the real pool's promise jobs
 * run (microtasks only: timers fire only in the `tick` step). Then it
 * compares every acquire's outcome (which object, or which error), sizes,
 * `pending`, the whole statistics snapshot, and the objects created and
 * destroyed (each once).
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
  ForeignObjectError,
  PoolClosedError,
  PoolEmptyError,
  PoolTimeoutError,
  TypeMismatchError,
} from "../errors.ts";
import { AsyncPool } from "../pools/async_pool.ts";
import type { AsyncPoolOptions } from "../config/async_options.ts";
import type { AsyncContextHandle } from "../handles/async_handle.ts";
import {
  AsyncStep,
  checkAsyncProperty,
  fc,
  pick,
  ResetFault,
  runsFor,
  UseFault,
} from "./_fc.ts";
import { throwsExactly } from "./_state.ts";

const RUNS = 150;
/** Re-entrant calls checked over all runs (the test asserts there were some). */
let reentrantChecked = 0;

type Mode = "sync" | "async";

interface AsyncConfig {
  capacity: number;
  min: number;
  factory: Mode;
  reset: "none" | Mode;
  validate: "none" | Mode;
  maxUses: number | undefined;
  maxWaiters: number;
  statistics: boolean;
  typed: boolean;
}

const configArb: fc.Arbitrary<AsyncConfig> = fc.record({
  capacity: fc.integer({ min: 1, max: 4 }),
  minShare: fc.nat({ max: 4 }),
  factory: fc.constantFrom<Mode>("sync", "async"),
  reset: fc.constantFrom<"none" | Mode>("none", "sync", "async"),
  validate: fc.constantFrom<"none" | Mode>("none", "sync", "async"),
  maxUses: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  maxWaiters: fc.constantFrom(Infinity, Infinity, 0, 1, 2),
  statistics: fc.boolean(),
  typed: fc.boolean(),
}).map(({ minShare, ...config }) => ({
  ...config,
  min: minShare % (config.capacity + 1),
}));

class Conn {
  id: number;
  constructor(id: number) {
    this.id = id;
  }
}

type Obj = Conn | { id: number };

/** Lets promise jobs run: enough hops for every chain these pools start. */
async function settle(): Promise<void> {
  for (let i = 0; i < 64; i++) await Promise.resolve();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a request (acquire, allocate, close, drain) is expected to do. */
type Expect =
  | { state: "pending" }
  | { state: "fulfilled"; id?: number }
  | {
    state: "rejected";
    type?: new (...args: never[]) => Error;
    name?: string;
    error?: unknown;
  };

/** One call whose promise the test follows. */
interface Request {
  readonly label: string;
  readonly kind: "acquire" | "allocate" | "close" | "drain";
  expect: Expect;
  actual: { state: "pending" | "fulfilled" | "rejected"; value?: unknown };
  /** The serial of the borrow it got (acquire and allocate). */
  serial?: number;
  controller?: AbortController;
  timeout?: boolean;
}

/** A model waiter. */
interface MWaiter {
  req: Request;
  queued: boolean;
  settled: boolean;
  creation: MCreation | undefined;
  prev: MWaiter | undefined;
  next: MWaiter | undefined;
}

/** A model creation in flight. */
interface MCreation {
  id: number;
  waiter: MWaiter | undefined;
}

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

/** The pool under test and its model, side by side. */
class AsyncSim {
  readonly config: AsyncConfig;
  readonly pool: AsyncPool<Obj>;
  readonly objects: Obj[] = [];
  readonly destroyedActual: Set<number> = new Set();
  readonly violations: string[] = [];
  /**
   * Re-entrant calls made from inside reset, validate and destroy, each a
   * release or discard of the very object the callback got: the borrow has
   * already ended (state first, then the callback), so each must reject with
   * AlreadyReleasedError and change nothing — the model does nothing.
   */
  readonly reentrant: { label: string; promise: Promise<void> }[] = [];
  /** Objects whose next reset or validate calls back into the pool. */
  readonly reenterOn: Set<number> = new Set();
  readonly requests: Request[] = [];
  handles: {
    handle: AsyncContextHandle<Obj>;
    id: number;
    serial: number;
  }[] = [];
  steps = 0;

  // ---- the model ----
  /** Pending completions of asynchronous callbacks, first in first out. */
  jobs: (() => void)[] = [];
  idle: number[] = [];
  lent: Map<number, number> = new Map();
  released: Set<number> = new Set();
  uses: Map<number, number> = new Map();
  poisoned: Set<number> = new Set();
  invalid: Set<number> = new Set();
  destroyedExpected: Set<number> = new Set();
  head: MWaiter | undefined;
  tail: MWaiter | undefined;
  assigned: Set<MWaiter> = new Set();
  spare: Set<MCreation> = new Set();
  live = 0;
  creating = 0;
  busy = 0;
  pending = 0;
  serial = 0;
  draining = false;
  closed = false;
  quietRequests: Request[] = [];
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

  constructor(config: AsyncConfig) {
    this.config = config;
    const make = (): Obj => {
      const id = this.objects.length;
      const obj = config.typed ? new Conn(id) : { id };
      this.objects.push(obj);
      return obj;
    };
    const options: AsyncPoolOptions<Obj> = {
      capacity: config.capacity,
      min: config.min,
      factory: config.factory === "sync" ? make : () => Promise.resolve(make()),
      destroy: (obj) => {
        if (this.destroyedActual.has(obj.id)) {
          this.violations.push(`object ${obj.id} destroyed twice`);
        }
        if (this.lent.has(obj.id) && !this.closed) {
          this.violations.push(`object ${obj.id} destroyed while lent`);
        }
        this.destroyedActual.add(obj.id);
        this.#reenter("destroy", obj, true);
      },
      enableStatistics: config.statistics,
      maxWaiters: config.maxWaiters,
    };
    if (config.maxUses !== undefined) options.maxUses = config.maxUses;
    if (config.reset === "sync") {
      options.reset = (obj) => {
        this.#reenter("reset", obj, false);
        if (this.poisoned.has(obj.id)) throw new ResetFault(obj.id);
      };
    } else if (config.reset === "async") {
      options.reset = (obj) => {
        this.#reenter("reset", obj, false);
        return this.poisoned.has(obj.id)
          ? Promise.reject(new ResetFault(obj.id))
          : Promise.resolve();
      };
    }
    if (config.validate === "sync") {
      options.validate = (obj) => {
        this.#reenter("validate", obj, false);
        if (this.invalid.has(obj.id) && obj.id % 2 === 0) {
          throw new Error("validate threw");
        }
        return !this.invalid.has(obj.id);
      };
    } else if (config.validate === "async") {
      options.validate = (obj) => {
        this.#reenter("validate", obj, false);
        return this.invalid.has(obj.id) && obj.id % 2 === 0
          ? Promise.reject(new Error("validate rejected"))
          : Promise.resolve(!this.invalid.has(obj.id));
      };
    }
    this.pool = config.typed
      ? new AsyncPool<Obj>(Conn, options)
      : new AsyncPool<Obj>(
        options as AsyncPoolOptions<Obj> & { factory: () => Obj },
      );
    this.#fillToMin();
  }

  /** A callback calls release or discard of its own object on its own pool. */
  #reenter(where: string, obj: Obj, always: boolean): void {
    if (!always && !this.reenterOn.delete(obj.id)) return;
    if (always && !this.reenterOn.has(-1)) return;
    const discard = this.reentrant.length % 2 === 1;
    this.reentrant.push({
      label: `${discard ? "discard" : "release"} of ${obj.id} from ${where}`,
      promise: discard ? this.pool.discard(obj) : this.pool.release(obj),
    });
  }

  // ---- model: objects -------------------------------------------------------

  get inUse(): number {
    return this.lent.size;
  }

  #factoryCall(): number {
    return this.nextId++;
  }
  nextId = 0;

  #adopt(id: number): number {
    this.live++;
    this.uses.set(id, 0);
    this.stats.created++;
    return id;
  }

  #destroy(id: number): void {
    this.live--;
    this.stats.destroyed++;
    this.destroyedExpected.add(id);
  }

  #expired(id: number): boolean {
    const max = this.config.maxUses;
    return max !== undefined && this.uses.get(id)! >= max;
  }

  #needsCheck(id: number): boolean {
    return this.config.validate !== "none" && this.uses.get(id)! > 0;
  }

  /** The verdict, decided when validate is called: a boolean, or "async" plus it. */
  #check(id: number): { async: boolean; ok: boolean } {
    return {
      async: this.config.validate === "async",
      ok: !this.invalid.has(id),
    };
  }

  #lendSlot(id: number): number {
    this.uses.set(id, this.uses.get(id)! + 1);
    this.lent.set(id, ++this.serial);
    this.released.delete(id);
    this.stats.totalAllocations++;
    this.stats.peakInUse = Math.max(this.stats.peakInUse, this.lent.size);
    return id;
  }

  #resolveNow(req: Request, id: number): void {
    req.expect = { state: "fulfilled", id };
    req.serial = this.lent.get(id)!;
  }

  // ---- model: waiters -------------------------------------------------------

  #newWaiter(req: Request): MWaiter {
    this.pending++;
    return {
      req,
      queued: false,
      settled: false,
      creation: undefined,
      prev: undefined,
      next: undefined,
    };
  }

  #enqueue(w: MWaiter): void {
    w.queued = true;
    w.prev = this.tail;
    if (this.tail === undefined) this.head = w;
    else this.tail.next = w;
    this.tail = w;
  }

  #enqueueFront(w: MWaiter): void {
    w.queued = true;
    w.next = this.head;
    if (this.head === undefined) this.tail = w;
    else this.head.prev = w;
    this.head = w;
  }

  #dequeue(w: MWaiter): void {
    if (w.prev === undefined) this.head = w.next;
    else w.prev.next = w.next;
    if (w.next === undefined) this.tail = w.prev;
    else w.next.prev = w.prev;
    w.prev = w.next = undefined;
    w.queued = false;
    const c = w.creation;
    if (c !== undefined) {
      w.creation = undefined;
      this.#bind(c, this.#firstUncovered());
    }
  }

  #firstUncovered(): MWaiter | undefined {
    let w = this.head;
    while (w !== undefined && w.creation !== undefined) w = w.next;
    return w;
  }

  #bind(c: MCreation, w: MWaiter | undefined): void {
    c.waiter = w;
    if (w === undefined) this.spare.add(c);
    else w.creation = c;
  }

  #settle(w: MWaiter): void {
    w.settled = true;
    this.pending--;
    this.stats.waits++;
  }

  #giveUp(w: MWaiter, expect: Expect): void {
    if (w.settled) return;
    this.#settle(w);
    if (w.queued) this.#dequeue(w);
    w.req.expect = expect;
  }

  #lendTo(w: MWaiter, id: number): void {
    this.#settle(w);
    this.#lendSlot(id);
    this.#resolveNow(w.req, id);
  }

  #serve(id: number, checked: boolean): void {
    if (this.closed) {
      this.#destroy(id);
      return;
    }
    if (!checked && this.#expired(id)) {
      this.#destroy(id);
      this.#replenish();
      return;
    }
    const w = this.head;
    if (w === undefined) {
      this.idle.push(id);
      return;
    }
    this.#dequeue(w);
    if (!checked && this.#needsCheck(id)) {
      const v = this.#check(id);
      if (!v.async && !v.ok) {
        this.#destroy(id);
        this.#enqueueFront(w);
        this.#replenish();
        return;
      }
      if (v.async) {
        this.#checkAsync(w, id, v.ok);
        return;
      }
    }
    this.#lendTo(w, id);
  }

  #checkAsync(w: MWaiter, id: number, ok: boolean): void {
    this.busy++;
    this.assigned.add(w);
    this.jobs.push(() => {
      this.busy--;
      this.assigned.delete(w);
      if (ok) {
        if (w.settled) this.#serve(id, true);
        else this.#lendTo(w, id);
      } else {
        this.#destroy(id);
        if (!w.settled) this.#enqueueFront(w);
        this.#replenish();
      }
    });
  }

  #dispatch(): void {
    while (this.head !== undefined && this.idle.length > 0) {
      this.#serve(this.idle.pop()!, false);
    }
    let w = this.head;
    while (w !== undefined) {
      if (w.creation !== undefined) {
        w = w.next;
        continue;
      }
      const spare = this.spare.values().next();
      if (!spare.done) {
        this.spare.delete(spare.value);
        this.#bind(spare.value, w);
        w = w.next;
        continue;
      }
      if (this.live + this.creating >= this.config.capacity) return;
      w = this.#startCreation(w) ? this.head : w.next;
    }
  }

  #replenish(): void {
    this.#dispatch();
    this.#fillToMin();
  }

  #fillToMin(): void {
    if (this.draining) return;
    while (this.live + this.creating < this.config.min) {
      const id = this.#factoryCall();
      if (this.config.factory === "sync") this.#serve(this.#adopt(id), true);
      else this.#track(id, undefined);
    }
  }

  #startCreation(w: MWaiter): boolean {
    const id = this.#factoryCall();
    if (this.config.factory === "sync") {
      this.#serve(this.#adopt(id), true);
      return true;
    }
    this.#track(id, w);
    return false;
  }

  #track(id: number, w: MWaiter | undefined): void {
    this.creating++;
    const c: MCreation = { id, waiter: undefined };
    this.#bind(c, w);
    this.jobs.push(() => {
      this.creating--;
      const bound = c.waiter;
      if (bound === undefined) this.spare.delete(c);
      else {
        bound.creation = undefined;
        c.waiter = undefined;
      }
      this.#serve(this.#adopt(c.id), true);
    });
  }

  // ---- model: operations ----------------------------------------------------

  /** The model's acquire; sets `req.expect` (maybe later, as jobs run). */
  #modelAcquire(req: Request, aborted: boolean): void {
    req.expect = { state: "pending" };
    if (this.draining) {
      req.expect = {
        state: "rejected",
        type: PoolClosedError,
        name: "PoolClosedError",
      };
      return;
    }
    if (aborted) {
      req.expect = { state: "rejected", error: req.controller!.signal.reason };
      return;
    }
    this.#acquireOrWait(req);
    if (this.live + this.creating < this.config.min) this.#fillToMin();
  }

  #acquireOrWait(req: Request): void {
    if (this.head === undefined) {
      while (this.idle.length > 0) {
        const id = this.idle.pop()!;
        if (this.#expired(id)) {
          this.#destroy(id);
          continue;
        }
        if (this.#needsCheck(id)) {
          const v = this.#check(id);
          if (!v.async && !v.ok) {
            this.#destroy(id);
            continue;
          }
          if (v.async) {
            this.#checkAsync(this.#newWaiter(req), id, v.ok);
            return;
          }
        }
        this.#resolveNow(req, this.#lendSlot(id));
        return;
      }
      if (
        this.spare.size === 0 &&
        this.live + this.creating < this.config.capacity
      ) {
        const id = this.#factoryCall();
        if (this.config.factory === "sync") {
          this.#resolveNow(req, this.#lendSlot(this.#adopt(id)));
          return;
        }
        const w = this.#newWaiter(req);
        this.#enqueue(w);
        this.#track(id, w);
        return;
      }
    }
    const room = this.spare.size > 0 ||
      this.live + this.creating < this.config.capacity;
    if (!room) {
      this.stats.exhaustions++;
      if (this.pending >= this.config.maxWaiters) {
        req.expect = {
          state: "rejected",
          type: PoolEmptyError,
          name: "PoolEmptyError",
        };
        return;
      }
    }
    const w = this.#newWaiter(req);
    this.#enqueue(w);
    if (room) this.#dispatch();
  }

  /** The model's release of a lent id. */
  #modelRelease(id: number): void {
    this.lent.delete(id);
    this.released.add(id);
    const fast = !this.config.statistics && this.config.validate === "none" &&
      this.config.maxUses === undefined && this.config.reset === "none" &&
      !this.draining;
    if (fast) {
      if (this.head === undefined) this.idle.push(id);
      else this.#serve(id, true);
      return;
    }
    this.stats.totalReleases++;
    if (this.closed || this.#expired(id)) {
      this.#destroy(id);
      this.#replenish();
      return;
    }
    if (this.config.reset !== "none") {
      const fails = this.poisoned.has(id);
      const finish = () => {
        if (fails) {
          this.stats.resetFailures++;
          this.#destroy(id);
          this.#replenish();
        } else {
          this.stats.totalResets++;
          this.#serve(id, false);
        }
      };
      if (this.config.reset === "sync") finish();
      else {
        this.busy++;
        this.jobs.push(() => {
          this.busy--;
          finish();
        });
      }
      return;
    }
    this.#serve(id, false);
  }

  #runJobs(): void {
    for (let guard = 0; this.jobs.length > 0; guard++) {
      assert.ok(guard < 10_000, "the model's jobs never end");
      this.jobs.shift()!();
    }
  }

  #isQuiet(): boolean {
    return this.lent.size === 0 && this.busy === 0 && this.creating === 0 &&
      this.pending === 0;
  }

  // ---- the real side -------------------------------------------------------

  #follow(req: Request, promise: Promise<unknown>): void {
    this.requests.push(req);
    promise.then(
      (value) => {
        if (req.actual.state !== "pending") {
          this.violations.push(`${req.label} settled twice`);
        }
        req.actual = { state: "fulfilled", value };
      },
      (error) => {
        if (req.actual.state !== "pending") {
          this.violations.push(`${req.label} settled twice`);
        }
        req.actual = { state: "rejected", value: error };
      },
    );
  }

  #request(label: string, kind: Request["kind"]): Request {
    return {
      label,
      kind,
      expect: { state: "pending" },
      actual: { state: "pending" },
    };
  }

  // ---- steps ------------------------------------------------------------------

  acquire(
    variant: "plain" | "timeout" | "abortable" | "aborted",
    allocate: boolean,
  ): void {
    const req = this.#request(
      `${
        allocate ? "allocate" : "acquire"
      }(${variant}) #${this.requests.length}`,
      allocate ? "allocate" : "acquire",
    );
    let options: { signal?: AbortSignal; timeout?: number } | undefined;
    if (variant === "timeout") {
      req.timeout = true;
      options = { timeout: 1 };
    } else if (variant === "abortable" || variant === "aborted") {
      req.controller = new AbortController();
      if (variant === "aborted") req.controller.abort(new Error("early"));
      options = { signal: req.controller.signal };
    }
    this.#modelAcquire(req, variant === "aborted");
    this.#follow(
      req,
      allocate ? this.pool.allocate(options) : this.pool.acquire(options),
    );
  }

  tryAcquire(): void {
    if (this.draining) {
      throwsExactly(
        () => this.pool.tryAcquire(),
        PoolClosedError,
        "PoolClosedError",
      );
      return;
    }
    let expected: number | undefined;
    if (this.head === undefined) {
      let done = false;
      while (!done && this.idle.length > 0) {
        const id = this.idle.pop()!;
        if (this.#expired(id)) {
          this.#destroy(id);
          this.#replenish();
          continue;
        }
        if (this.#needsCheck(id)) {
          const v = this.#check(id);
          if (!v.async && !v.ok) {
            this.#destroy(id);
            this.#replenish();
            continue;
          }
          if (v.async) {
            this.busy++;
            this.jobs.push(() => {
              this.busy--;
              if (v.ok) this.#serve(id, true);
              else {
                this.#destroy(id);
                this.#replenish();
              }
            });
            done = true;
            continue;
          }
        }
        expected = this.#lendSlot(id);
        done = true;
      }
      if (
        !done && this.live + this.creating >= this.config.capacity
      ) {
        this.stats.exhaustions++;
      }
    }
    const obj = this.pool.tryAcquire();
    assert.equal(obj?.id, expected, "tryAcquire's object");
  }

  async release(index: number): Promise<void> {
    const id = pick([...this.lent.keys()], index);
    if (id === undefined) return;
    this.#modelRelease(id);
    await this.pool.release(this.objects[id]!);
  }

  /** discard(obj): destroy (no reset), place freed, refill to min. */
  async discard(index: number): Promise<void> {
    const id = pick([...this.lent.keys()], index);
    if (id === undefined) return;
    this.lent.delete(id);
    this.released.add(id);
    this.stats.totalReleases++;
    this.#destroy(id);
    if (!this.closed) this.#replenish();
    await this.pool.discard(this.objects[id]!);
  }

  async discardAgain(index: number): Promise<void> {
    const id = pick([...this.released], index);
    if (id === undefined) return;
    await assert.rejects(this.pool.discard(this.objects[id]!), (e) => {
      assert.ok(e instanceof AlreadyReleasedError);
      assert.equal((e as Error).name, "AlreadyReleasedError");
      return true;
    });
  }

  /** Arms a re-entrant release from the next reset/validate of a lent object (or from every destroy). */
  reenterNext(index: number): void {
    if (index % 5 === 0) {
      this.reenterOn.add(-1); // every destroy from now on
      return;
    }
    const id = pick([...this.lent.keys(), ...this.idle], index);
    if (id !== undefined) this.reenterOn.add(id);
  }

  async releaseAgain(index: number): Promise<void> {
    const id = pick([...this.released], index);
    if (id === undefined) return;
    await assert.rejects(this.pool.release(this.objects[id]!), (e) => {
      assert.ok(e instanceof AlreadyReleasedError);
      assert.equal((e as Error).name, "AlreadyReleasedError");
      return true;
    });
  }

  async releaseForeign(choice: number): Promise<void> {
    const candidates: unknown[] = [
      { id: -1 },
      new Conn(-2),
      null,
      this.objects.length > 0 ? { ...this.objects[0] } : { id: -3 },
    ];
    const obj = candidates[choice % candidates.length];
    const typeMismatch = this.config.typed && !(obj instanceof Conn);
    await assert.rejects(this.pool.release(obj as Obj), (e) => {
      const name = typeMismatch ? "TypeMismatchError" : "ForeignObjectError";
      assert.ok(
        e instanceof (typeMismatch ? TypeMismatchError : ForeignObjectError),
      );
      assert.equal((e as Error).name, name);
      return true;
    });
  }

  poison(index: number): void {
    const id = pick([...this.lent.keys()], index);
    if (id !== undefined) this.poisoned.add(id);
  }

  invalidate(index: number): void {
    const live = [...this.idle, ...this.lent.keys()];
    const id = pick(live, index);
    if (id !== undefined) this.invalid.add(id);
  }

  abort(index: number): void {
    const req = pick(
      this.requests.filter((r) =>
        r.controller !== undefined && !r.controller.signal.aborted
      ),
      index,
    );
    if (req === undefined) return;
    const reason = new Error(`abort ${req.label}`);
    for (let w = this.head; w !== undefined; w = w.next) {
      if (w.req === req) {
        this.#giveUp(w, { state: "rejected", error: reason });
        break;
      }
    }
    req.controller!.abort(reason);
  }

  async tick(): Promise<void> {
    // Only waiters with a timeout still wait; their timers fire now.
    for (let w = this.head; w !== undefined;) {
      const next = w.next;
      if (w.req.timeout === true) {
        this.stats.timeouts++;
        this.#giveUp(w, {
          state: "rejected",
          type: PoolTimeoutError,
          name: "PoolTimeoutError",
        });
      }
      w = next;
    }
    const waiting = this.requests.filter((r) =>
      r.timeout === true && r.actual.state === "pending" &&
      r.expect.state !== "pending"
    );
    const deadline = Date.now() + 2_000;
    await sleep(2);
    while (
      waiting.some((r) => r.actual.state === "pending") &&
      Date.now() < deadline
    ) {
      await sleep(2);
    }
  }

  async use(mode: "ok" | "throw" | "poison"): Promise<void> {
    // Only when it is served at once: a waiting use would block the steps.
    const canServe = this.draining || (this.head === undefined &&
      (this.idle.length > 0 || this.live + this.creating <
          this.config.capacity ||
        this.spare.size > 0));
    if (!canServe) return;
    const req = this.#request(`use(${mode})`, "acquire");
    this.#modelAcquire(req, false);
    this.#runJobs();
    const fault = new UseFault();
    let got = -1;
    const fn = (obj: Obj): number => {
      got = obj.id;
      if (mode === "poison") this.poisoned.add(obj.id);
      if (mode === "throw") throw fault;
      return obj.id + 1;
    };
    const promise = this.pool.use(fn);
    if (req.expect.state === "rejected") {
      await assert.rejects(promise, PoolClosedError);
      return;
    }
    assert.equal(req.expect.state, "fulfilled");
    const id = (req.expect as { id: number }).id;
    if (mode === "poison") this.poisoned.add(id);
    this.#modelRelease(id);
    this.#runJobs();
    if (mode === "throw") await assert.rejects(promise, (e) => e === fault);
    else assert.equal(await promise, id + 1);
    assert.equal(got, id, "use lends the predicted object");
  }

  handleUse(index: number): void {
    const entry = pick(this.handles, index);
    if (entry === undefined) return;
    if (this.lent.get(entry.id) === entry.serial) {
      assert.equal(entry.handle.value, this.objects[entry.id]);
      assert.equal(entry.handle.released, false);
    } else {
      assert.equal(entry.handle.released, true);
      throwsExactly(
        () => entry.handle.value,
        AlreadyReleasedError,
        "AlreadyReleasedError",
      );
    }
  }

  async handleRelease(index: number, dispose: boolean): Promise<void> {
    const entry = pick(this.handles, index);
    if (entry === undefined) return;
    const { handle } = entry;
    if (this.lent.get(entry.id) === entry.serial) {
      this.#modelRelease(entry.id);
      await (dispose ? handle[Symbol.asyncDispose]() : handle.release());
    } else if (dispose) {
      await handle[Symbol.asyncDispose]();
    } else {
      await assert.rejects(handle.release(), (e) => {
        assert.ok(e instanceof AlreadyReleasedError);
        assert.equal((e as Error).name, "AlreadyReleasedError");
        return true;
      });
    }
  }

  close(): void {
    const req = this.#request(`close() #${this.requests.length}`, "close");
    if (!this.closed) {
      this.draining = true;
      this.closed = true;
      const error: Expect = {
        state: "rejected",
        type: PoolClosedError,
        name: "PoolClosedError",
      };
      while (this.head !== undefined) this.#giveUp(this.head, error);
      for (const w of this.assigned) this.#giveUp(w, error);
      while (this.idle.length > 0) this.#destroy(this.idle.pop()!);
    }
    this.quietRequests.push(req);
    this.#follow(req, this.pool.close());
  }

  drain(): void {
    const req = this.#request(`drain() #${this.requests.length}`, "drain");
    this.draining = true;
    this.quietRequests.push(req);
    this.#follow(req, this.pool.drain());
  }

  // ---- checks -------------------------------------------------------------

  /** Lets both sides run their pending work, then compares them. */
  async verify(): Promise<void> {
    this.steps++;
    this.#runJobs();
    await settle();
    for (const req of this.quietRequests) {
      if (this.#isQuiet()) req.expect = { state: "fulfilled" };
    }
    assert.deepEqual(this.violations, []);
    for (const { label, promise } of this.reentrant.splice(0)) {
      reentrantChecked++;
      await assert.rejects(promise, (e) => {
        assert.ok(e instanceof AlreadyReleasedError, label);
        // What close() gave up and destroyed late was never lent: foreign.
        const names = label.endsWith("destroy")
          ? ["AlreadyReleasedError", "ForeignObjectError"]
          : ["AlreadyReleasedError"];
        assert.ok(names.includes((e as Error).name), label);
        return true;
      });
    }
    for (const req of this.requests) this.#compare(req);
    const pool = this.pool;
    assert.equal(pool.inUse, this.lent.size, "inUse");
    assert.equal(pool.available, this.idle.length, "available");
    assert.equal(pool.pending, this.pending, "pending");
    assert.equal(pool.capacity, this.config.capacity);
    assert.equal(pool.closed, this.closed, "closed");
    assert.ok(pool.inUse + pool.available <= pool.capacity);
    assert.equal(this.objects.length, this.nextId, "factory calls");
    const stats: Record<string, unknown> = { ...pool.stats() };
    const waitNs = stats.totalWaitTimeNs as number;
    assert.ok(Number.isFinite(waitNs) && waitNs >= 0);
    delete stats.totalWaitTimeNs;
    const zero = {
      totalAllocationTimeNs: 0,
      totalReleaseTimeNs: 0,
      avgAllocationTimeNs: 0,
      avgReleaseTimeNs: 0,
      growthEvents: 0,
      leaks: 0,
      pending: 0,
      createFailures: 0,
    };
    const expected = this.config.statistics
      ? {
        enabled: true,
        ...zero,
        ...this.stats,
        pending: this.pending,
        peakCapacity: this.config.capacity,
        currentInUse: this.lent.size,
        currentCapacity: this.config.capacity,
      }
      : {
        enabled: false,
        ...zero,
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
        peakCapacity: 0,
        currentInUse: this.lent.size,
        currentCapacity: this.config.capacity,
      };
    assert.deepEqual(stats, expected);
    assert.deepEqual(
      [...this.destroyedActual].sort((a, b) => a - b),
      [...this.destroyedExpected].sort((a, b) => a - b),
      "destroyed objects",
    );
  }

  #compare(req: Request): void {
    const { expect, actual } = req;
    const where = `${req.label}: expected ${expect.state}, got ${actual.state}`;
    assert.equal(actual.state, expect.state, where);
    if (expect.state === "fulfilled" && expect.id !== undefined) {
      if (req.kind === "acquire") {
        assert.equal(actual.value, this.objects[expect.id], req.label);
      } else if (!this.handles.some((h) => h.handle === actual.value)) {
        // Checked once, when it arrives (the borrow may end later).
        const handle = actual.value as AsyncContextHandle<Obj>;
        assert.equal(handle.value, this.objects[expect.id], req.label);
        this.handles.push({ handle, id: expect.id, serial: req.serial! });
      }
    }
    if (expect.state === "rejected") {
      if (expect.error !== undefined) {
        assert.equal(actual.value, expect.error, `${req.label}: the reason`);
      } else {
        assert.ok(actual.value instanceof expect.type!, where);
        assert.equal((actual.value as Error).name, expect.name);
      }
    }
  }

  /** Ends a run: releases every borrow, closes, checks every object was destroyed once. */
  async finish(): Promise<void> {
    this.poisoned.clear();
    this.invalid.clear();
    this.close();
    await this.verify();
    for (const id of [...this.lent.keys()]) {
      this.#modelRelease(id);
      await this.pool.release(this.objects[id]!);
      await this.verify();
    }
    await this.pool.close();
    assert.equal(this.destroyedActual.size, this.objects.length);
    assert.equal(this.pool.inUse + this.pool.available + this.pool.pending, 0);
  }
}

function commands(): fc.Arbitrary<
  Iterable<fc.AsyncCommand<AsyncSim, AsyncSim>>
> {
  const index = fc.nat({ max: 30 });
  const step = (label: string, action: (s: AsyncSim) => Promise<void> | void) =>
    new AsyncStep<AsyncSim>(label, action);
  const acquire = fc.tuple(
    fc.constantFrom("plain", "plain", "timeout", "abortable", "aborted"),
    fc.boolean(),
  ).map(([variant, allocate]) =>
    step(
      `${allocate ? "allocate" : "acquire"}(${variant})`,
      (s) => s.acquire(variant as "plain", allocate),
    )
  );
  return fc.commands([
    acquire,
    acquire,
    acquire,
    acquire,
    fc.constant(step("tryAcquire()", (s) => s.tryAcquire())),
    index.map((i) => step(`release(lent ${i})`, (s) => s.release(i))),
    index.map((i) => step(`release(lent ${i})`, (s) => s.release(i))),
    index.map((i) => step(`release(lent ${i})`, (s) => s.release(i))),
    index.map((i) => step(`release(released ${i})`, (s) => s.releaseAgain(i))),
    index.map((i) => step(`discard(lent ${i})`, (s) => s.discard(i))),
    index.map((i) => step(`reenter(${i})`, (s) => s.reenterNext(i))),
    index.map((i) => step(`discard(released ${i})`, (s) => s.discardAgain(i))),
    index.map((i) =>
      step(`release(foreign ${i % 4})`, (s) => s.releaseForeign(i))
    ),
    index.map((i) => step(`poison(lent ${i})`, (s) => s.poison(i))),
    index.map((i) => step(`invalidate(${i})`, (s) => s.invalidate(i))),
    index.map((i) => step(`abort(${i})`, (s) => s.abort(i))),
    fc.constant(step("tick()", (s) => s.tick())),
    fc.constantFrom("ok", "throw", "poison").map((mode) =>
      step(`use(${mode})`, (s) => s.use(mode as "ok"))
    ),
    index.map((i) => step(`handle ${i}.value`, (s) => s.handleUse(i))),
    fc.tuple(index, fc.boolean()).map(([i, dispose]) =>
      step(
        `handle ${i}.${dispose ? "[Symbol.asyncDispose]" : "release"}()`,
        (s) => s.handleRelease(i, dispose),
      )
    ),
    fc.nat({ max: 19 }).map((n) =>
      n === 0
        ? step("close()", (s) => s.close())
        : n === 1
        ? step("drain()", (s) => s.drain())
        : step("tryAcquire()", (s) => s.tryAcquire())
    ),
  ], { maxCommands: 40, size: "max" });
}

describe("AsyncPool model", () => {
  it("AsyncPool follows its model under random command sequences", async () => {
    let runs = 0;
    let steps = 0;
    const title = "AsyncPool follows its model under random command sequences";
    const keepAlive = setInterval(() => {}, 1_000);
    try {
      const passed = await checkAsyncProperty(
        title,
        fc.asyncProperty(configArb, commands(), async (config, cmds) => {
          const sim = new AsyncSim(config);
          await sim.verify();
          await fc.asyncModelRun(() => ({ model: sim, real: sim }), cmds);
          await sim.finish();
          runs++;
          steps += sim.steps;
        }),
        RUNS,
      );
      assert.equal(passed, runsFor(RUNS));
      assert.ok(runs >= passed && steps > runs, `${runs} runs, ${steps} steps`);
      assert.ok(reentrantChecked > 0, "no re-entrant call was made");
      console.log(
        `re-entrant release/discard calls checked: ${reentrantChecked}`,
      );
    } finally {
      clearInterval(keepAlive);
    }
  });
});
