/**
 * The destroyer of {@linkcode AsyncPool}, private to `pools/`: retires an
 * object from the slot table and calls `destroy` exactly once, counting the
 * calls in flight (`close()` waits for them) and collecting their failures
 * once the pool is closing (`close()` reports them together; before close
 * there is no caller to tell).
 *
 * @module
 */

import type { StatsCollector } from "../stats/stats_collector.ts";
import type { SlotTable } from "./_async_slots.ts";
import { isThenable } from "./_thenable.ts";
import { quote } from "../quote.ts";
import type { EventSink } from "./_async_events.ts";

/** Shared by every call that finishes synchronously: no allocation. */
const DONE: Promise<void> = /* @__PURE__ */ Promise.resolve();

/**
 * What a destroyer works with.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import type { DestroyerParts } from "./_async_destroyer.ts";
 *
 * type Needs = keyof DestroyerParts<object>;
 * const callback: Needs = "destroy";
 * console.log(callback); // destroy
 * ```
 */
export interface DestroyerParts<T extends object> {
  /** The pool's `destroy` callback, if any. */
  readonly destroy: ((obj: T) => void | Promise<void>) | undefined;
  readonly slots: SlotTable<T>;
  readonly stats: StatsCollector | undefined;
  readonly events: EventSink<T>;
}

/** Runs `destroy` for one pool. */
export class Destroyer<T extends object> {
  /** Destroy calls in flight. */
  destroying = 0;
  /** Set by close: from then on failures are collected. */
  closing = false;
  readonly errors: unknown[] = [];
  readonly #settled: () => void;
  readonly #parts: DestroyerParts<T>;

  /**
   * @param settled Called when a destroy finished (close may be done).
   * @param parts The `destroy` callback and the pool's books.
   */
  constructor(settled: () => void, parts: DestroyerParts<T>) {
    this.#settled = settled;
    this.#parts = parts;
  }

  /** What close() rejects with when some destroy failed while closing. */
  report(): AggregateError | undefined {
    const errors = this.errors;
    return errors.length === 0 ? undefined : new AggregateError(
      errors,
      `Cannot close pool: destroy failed for ${quote(errors.length)} objects`,
    );
  }

  /**
   * Retires the object in a slot that is neither lent nor idle. The promise
   * settles when `destroy` has finished and never rejects.
   */
  slot(slot: number): Promise<void> {
    const obj = this.#parts.slots.remove(slot);
    this.#parts.stats?.recordDestroyed();
    const destroyed = this.#run(obj);
    this.#settled();
    return destroyed;
  }

  /** Destroys what a given-up creation still made (never lent; counted made and destroyed). */
  late(obj: T): void {
    if (
      obj !== null && (typeof obj === "object" || typeof obj === "function")
    ) {
      this.#parts.stats?.recordCreated();
      this.#parts.stats?.recordDestroyed();
      this.#run(obj);
    }
  }

  #run(obj: T): Promise<void> {
    const destroy = this.#parts.destroy;
    if (destroy === undefined) return this.#done(obj);
    let result: void | Promise<void>;
    try {
      result = destroy(obj);
    } catch (error) {
      this.#failed(obj, error);
      return DONE;
    }
    if (!isThenable(result)) return this.#done(obj);
    this.destroying++;
    return Promise.resolve(result).then(() => {
      this.destroying--;
      this.#done(obj);
      this.#settled();
    }, (error) => {
      this.destroying--;
      this.#failed(obj, error);
      this.#settled();
    });
  }

  #done(obj: T): Promise<void> {
    if (this.#parts.events.wants("destroy")) {
      this.#parts.events.send("destroy", { object: obj });
    }
    return DONE;
  }

  #failed(obj: T, error: unknown): void {
    if (this.closing) this.errors.push(error);
    if (this.#parts.events.wants("destroyerror")) {
      this.#parts.events.send("destroyerror", { object: obj, error });
    }
  }
}
