/**
 * The creations in flight of {@linkcode AsyncPool}, private to `pools/`.
 *
 * A place is reserved before the factory runs (so a re-entrant acquire sees
 * it taken), and the factory gets the creation's `AbortSignal`. A creation
 * that returned a promise is bound to the waiter it is for, or is spare (a
 * refill to `min`, or one whose waiter was served otherwise); when its waiter
 * leaves, it passes to the next waiter not yet covered. A creation is given
 * up when its `createTimeout` runs out or the pool closes: its place is freed
 * at once, its signal aborts, and whatever it still produces is the pool's to
 * destroy, never to lend. Factory throws, rejections, bad results and
 * timeouts are counted in `createFailures`.
 *
 * @module
 */

import { PoolConfigurationError, PoolTimeoutError } from "../errors.ts";
import type { StatsCollector } from "../stats/stats_collector.ts";
import type { SlotTable } from "./_async_slots.ts";
import { clearTimer, setUnrefTimeout } from "./_async_timers.ts";
import { isThenable } from "./_thenable.ts";
import type { EventSink } from "./_async_events.ts";
import { checkCreated } from "./_check_created.ts";

/** `make()`: a promise is pending (call `track` next). */
export const PENDING = -1;
/** `make()`: the factory failed (the error is in `takeFailure()`). */
export const FAILED = -2;
/** `make()`: the pool closed during the call; nothing to lend. */
export const GIVEN_UP = -3;

/**
 * A waiter as creations see it: the link to the creation made for it. (The
 * pool's waiters are these; creations need nothing else of them, so this
 * module does not depend on the waiter queue.)
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import type { Covered } from "./_async_creations.ts";
 *
 * const waiter: Covered<object> = { creation: undefined };
 * console.log(waiter.creation === undefined); // true: not covered yet
 * ```
 */
export interface Covered<T extends object> {
  /** The creation made for it, if any. */
  creation: Creation<T> | undefined;
}

/** What creations report back to their pool. */
export interface CreationOwner<T extends object> {
  /** A creation made the object in `slot` (idle, even generation): use it. */
  arrived(slot: number): void;
  /** The creation for `waiter` (if any) failed, or timed out, with `error`. */
  failed(waiter: Covered<T> | undefined, error: unknown): void;
  /** What a given-up creation still produced: destroy it. */
  late(obj: T): void;
}

/**
 * What creations work with.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import type { CreationParts } from "./_async_creations.ts";
 *
 * type Needs = keyof CreationParts<object>;
 * const callback: Needs = "factory";
 * console.log(callback); // factory
 * ```
 */
export interface CreationParts<T extends object> {
  /** Makes one object; gets the creation's signal. */
  readonly factory: (signal: AbortSignal) => T | Promise<T>;
  /** The `createTimeout` in ms, if any. */
  readonly timeout: number | undefined;
  readonly slots: SlotTable<T>;
  readonly stats: StatsCollector | undefined;
  readonly events: EventSink<T>;
}

/** One factory call whose place is reserved. */
export class Creation<T extends object> {
  readonly creations: Creations<T>;
  /** The waiter it is for (only once it returned a promise). */
  waiter: Covered<T> | undefined = undefined;
  readonly controller: AbortController = new AbortController();
  timer: unknown = undefined;
  /** Given up: its place is free and what it still produces is destroyed. */
  abandoned = false;

  constructor(creations: Creations<T>) {
    this.creations = creations;
  }

  /** Follows the factory's promise; arms `timeout` (ms) when set. */
  follow(made: PromiseLike<T>, timeout: number | undefined): void {
    if (timeout !== undefined) {
      this.timer = setUnrefTimeout(onCreateTimeout, timeout, this);
    }
    Promise.resolve(made).then(
      (obj) => this.creations.created(this, obj),
      (error) => this.creations.rejected(this, error),
    );
  }
}

function onCreateTimeout<T extends object>(creation: Creation<T>): void {
  creation.timer = undefined;
  creation.creations.timedOut(creation);
}

/** The reserved places: every creation in flight, and the spare ones. */
export class Creations<T extends object> {
  /** Places reserved by creations in flight. */
  count = 0;
  /** Creations in flight that no waiter is waiting for. */
  readonly spare: Set<Creation<T>> = new Set();
  readonly #all: Set<Creation<T>> = new Set();
  readonly #owner: CreationOwner<T>;
  readonly #parts: CreationParts<T>;
  /** The creation `make` started, and its promise, when it said `PENDING`. */
  #started: Creation<T> | undefined = undefined;
  #startedMade: PromiseLike<T> | undefined = undefined;
  /** The error `make` met, when it said `FAILED`. */
  #failure: unknown = undefined;

  constructor(owner: CreationOwner<T>, parts: CreationParts<T>) {
    this.#owner = owner;
    this.#parts = parts;
  }

  /**
   * Calls the factory with a place reserved. Returns the slot of an object
   * made synchronously; `PENDING` for a promise (then `track` it);
   * `FAILED` (then `takeFailure()`); `GIVEN_UP` when the pool closed during
   * the call (what it made is destroyed).
   */
  make(): number {
    const creation = new Creation(this);
    this.count++;
    this.#all.add(creation);
    let made: T | Promise<T>;
    try {
      made = this.#parts.factory(creation.controller.signal);
    } catch (error) {
      this.end(creation);
      return this.#failed(error);
    }
    if (isThenable(made)) {
      if (creation.abandoned) {
        creation.follow(made, undefined);
        return GIVEN_UP;
      }
      this.#started = creation;
      this.#startedMade = made;
      return PENDING;
    }
    this.end(creation);
    if (creation.abandoned) {
      this.#owner.late(made);
      return GIVEN_UP;
    }
    try {
      return this.#adopt(made);
    } catch (error) {
      return this.#failed(error);
    }
  }

  /**
   * Binds the creation `make` started to `waiter` (or makes it spare), then
   * follows its promise: in that order, so its outcome always finds it bound
   * (some hosts run promise jobs when a timer is made).
   */
  track(waiter: Covered<T> | undefined): void {
    const creation = this.#started!;
    const made = this.#startedMade!;
    this.#started = this.#startedMade = undefined;
    this.bind(creation, waiter);
    creation.follow(made, this.#parts.timeout);
  }

  /**
   * Starts creations until `target` objects exist or are being made, while
   * not `stopped()`. Returns `true` when the factory failed (the error is in
   * `takeFailure()`); it is never called again for this fill.
   */
  fill(target: number, stopped: () => boolean): boolean {
    while (!stopped() && this.#parts.slots.live + this.count < target) {
      const made = this.make();
      if (made >= 0) this.#owner.arrived(made);
      else if (made === PENDING) this.track(undefined);
      else return made === FAILED;
    }
    return false;
  }

  /** The error of the last `make` that said `FAILED`. */
  takeFailure(): unknown {
    const error = this.#failure;
    this.#failure = undefined;
    return error;
  }

  /** Counts a factory call that threw, rejected, timed out or made a non-object. */
  #failedOnce(error: unknown): void {
    this.#parts.stats?.recordCreateFailure();
    if (this.#parts.events.wants("createerror")) {
      this.#parts.events.send("createerror", { error });
    }
  }

  #failed(error: unknown): number {
    this.#failedOnce(error);
    this.#failure = error;
    return FAILED;
  }

  /** Gives a new object a slot (idle, even generation); checks it first. */
  #adopt(obj: T): number {
    checkCreated(obj, undefined, undefined);
    try {
      // Every acquire resolves a promise with it, which reads its `then`: an
      // object whose `then` throws would be counted lent and never arrive.
      void (obj as { then?: unknown }).then;
    } catch {
      throw new PoolConfigurationError(
        `Cannot create object: the factory returned an object whose "then" cannot be read, which no promise can deliver`,
      );
    }
    if (this.#parts.slots.owned(obj)) {
      throw new PoolConfigurationError(
        "Cannot create object: the factory returned an object that already belongs to a pool",
      );
    }
    const slot = this.#parts.slots.add(obj);
    this.#parts.stats?.recordCreated();
    if (this.#parts.events.wants("create")) {
      this.#parts.events.send("create", { object: obj });
    }
    return slot;
  }

  /** A followed creation resolved. */
  created(creation: Creation<T>, obj: T): void {
    if (creation.abandoned) return this.#owner.late(obj);
    const waiter = this.end(creation);
    let slot: number;
    try {
      slot = this.#adopt(obj);
    } catch (error) {
      this.#failedOnce(error);
      return this.#owner.failed(waiter, error);
    }
    // The first waiter gets it (first come, first served); if that was not
    // the waiter this was made for, the first waiter's own creation passes on.
    this.#owner.arrived(slot);
  }

  /** A followed creation rejected. */
  rejected(creation: Creation<T>, error: unknown): void {
    if (creation.abandoned) return;
    this.#failedOnce(error);
    this.#owner.failed(this.end(creation), error);
  }

  /** A followed creation ran past `createTimeout`: give it up. */
  timedOut(creation: Creation<T>): void {
    const ms = this.#parts.timeout!;
    const error = new PoolTimeoutError(
      `Cannot create object: the factory did not settle within ${ms} ms`,
      ms,
    );
    const waiter = this.end(creation);
    creation.abandoned = true;
    creation.controller.abort(error);
    this.#failedOnce(error);
    this.#owner.failed(waiter, error);
  }

  /** Binds `creation` to `waiter`, or makes it spare when there is none. */
  bind(creation: Creation<T>, waiter: Covered<T> | undefined): void {
    creation.waiter = waiter;
    if (waiter === undefined) {
      this.spare.add(creation);
    } else {
      waiter.creation = creation;
    }
  }

  /** A spare creation for a waiter that has none, if there is one. */
  takeSpare(): Creation<T> | undefined {
    const first = this.spare.values().next();
    if (first.done) return undefined;
    this.spare.delete(first.value);
    return first.value;
  }

  /**
   * Ends `creation` (settled, timed out or given up): frees its place, stops
   * its timer, and gives back the waiter it was for. Idempotent.
   */
  end(creation: Creation<T>): Covered<T> | undefined {
    if (!this.#all.delete(creation)) return undefined;
    this.count--;
    if (creation.timer !== undefined) {
      clearTimer(creation.timer);
      creation.timer = undefined;
    }
    const waiter = creation.waiter;
    if (waiter === undefined) {
      this.spare.delete(creation);
    } else {
      waiter.creation = undefined;
      creation.waiter = undefined;
    }
    return waiter;
  }

  /** Gives every creation in flight up (close): places freed, signals aborted. */
  abandonAll(reason: unknown): void {
    for (const creation of [...this.#all]) {
      this.end(creation);
      creation.abandoned = true;
      creation.controller.abort(reason);
    }
  }
}
