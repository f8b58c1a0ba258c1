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
 * destroy, never to lend.
 *
 * @module
 */

import { clearTimer, setUnrefTimeout } from "./_async_timers.ts";
import type { Waiter } from "./_async_waiters.ts";

/** What a creation calls back into its pool with. */
export interface CreationOwner<T> {
  created(creation: Creation<T>, obj: T): void;
  failed(creation: Creation<T>, error: unknown): void;
  timedOut(creation: Creation<T>): void;
}

/** One factory call whose place is reserved. */
export class Creation<T> {
  readonly owner: CreationOwner<T>;
  /** The waiter it is for (only once it returned a promise). */
  waiter: Waiter<T> | undefined = undefined;
  readonly controller: AbortController = new AbortController();
  timer: unknown = undefined;
  /** Given up: its place is free and what it still produces is destroyed. */
  abandoned = false;

  constructor(owner: CreationOwner<T>) {
    this.owner = owner;
  }

  /** Follows the factory's promise; arms `timeout` (ms) when set. */
  follow(made: PromiseLike<T>, timeout: number | undefined): void {
    if (timeout !== undefined) {
      this.timer = setUnrefTimeout(onCreateTimeout, timeout, this);
    }
    Promise.resolve(made).then(
      (obj) => this.owner.created(this, obj),
      (error) => this.owner.failed(this, error),
    );
  }
}

function onCreateTimeout<T>(creation: Creation<T>): void {
  creation.timer = undefined;
  creation.owner.timedOut(creation);
}

/** The reserved places: every creation in flight, and the spare ones. */
export class Creations<T> {
  /** Places reserved by creations in flight. */
  count = 0;
  /** Creations in flight that no waiter is waiting for. */
  readonly spare: Set<Creation<T>> = new Set();
  readonly #all: Set<Creation<T>> = new Set();

  /** Reserves a place for a factory call about to run. */
  start(owner: CreationOwner<T>): Creation<T> {
    const creation = new Creation(owner);
    this.count++;
    this.#all.add(creation);
    return creation;
  }

  /** Binds `creation` to `waiter`, or makes it spare when there is none. */
  bind(creation: Creation<T>, waiter: Waiter<T> | undefined): void {
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
  end(creation: Creation<T>): Waiter<T> | undefined {
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
