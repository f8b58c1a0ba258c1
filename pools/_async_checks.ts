/**
 * The checks of {@linkcode AsyncPool}, private to `pools/`: whether an
 * object has reached `maxUses` or `maxLifetime`, and `validate` run on an
 * object that is neither lent nor idle (busy while the verdict is out) —
 * before a loan, and in the background for health checks.
 *
 * @module
 */

import type { SlotTable } from "./_async_slots.ts";
import type { Waiter } from "./_async_waiters.ts";
import { isThenable } from "./_thenable.ts";

/** Where a verdict goes: `ok` or not, for the waiter it was asked for. */
export type Verdict<T extends object> = (
  slot: number,
  ok: boolean,
  waiter: Waiter<T> | undefined,
) => void;

/** Limits and validation over one slot table. */
export class Checker<T extends object> {
  /** Objects being reset or validated: neither lent nor idle. */
  busy = 0;
  readonly #slots: SlotTable<T>;
  readonly #validate: ((obj: T) => boolean | Promise<boolean>) | undefined;
  readonly #maxUses: number | undefined;
  readonly #maxLifetime: number | undefined;
  readonly #verdict: Verdict<T>;

  constructor(
    slots: SlotTable<T>,
    limits: {
      validate: ((obj: T) => boolean | Promise<boolean>) | undefined;
      maxUses: number | undefined;
      maxLifetime: number | undefined;
    },
    verdict: Verdict<T>,
  ) {
    this.#slots = slots;
    this.#validate = limits.validate;
    this.#maxUses = limits.maxUses;
    this.#maxLifetime = limits.maxLifetime;
    this.#verdict = verdict;
  }

  /** Whether the object in `slot` has reached `maxUses` or `maxLifetime`. */
  expired(slot: number): boolean {
    const slots = this.#slots;
    if (this.#maxUses !== undefined && slots.uses[slot]! >= this.#maxUses) {
      return true;
    }
    return this.#maxLifetime !== undefined &&
      performance.now() - slots.bornAt![slot]! >= this.#maxLifetime;
  }

  /** Whether the object in `slot` must pass `validate` before it is lent. */
  needsCheck(slot: number): boolean {
    return this.#validate !== undefined && this.#slots.uses[slot]! > 0;
  }

  /**
   * Runs `validate` (busy while it runs): a verdict (a throw is `false`), or
   * a promise of one, the object staying busy until the caller sees it settle.
   */
  check(slot: number): boolean | PromiseLike<unknown> {
    this.busy++;
    let verdict: unknown;
    try {
      verdict = this.#validate!(this.#slots.objects[slot]!);
    } catch {
      verdict = false;
    }
    if (isThenable(verdict)) return verdict;
    this.busy--;
    return Boolean(verdict);
  }

  /** Waits for a verdict `check` gave as a promise, then reports it. */
  await(
    slot: number,
    verdict: PromiseLike<unknown>,
    waiter: Waiter<T> | undefined,
  ): void {
    Promise.resolve(verdict).then(
      (ok) => this.#settled(slot, Boolean(ok), waiter),
      () => this.#settled(slot, false, waiter),
    );
  }

  #settled(slot: number, ok: boolean, waiter: Waiter<T> | undefined): void {
    this.busy--;
    this.#verdict(slot, ok, waiter);
  }

  /** Health check: validates idle slots taken out of the store, reporting each. */
  checkIdle(slots: number[]): void {
    for (const slot of slots) {
      const verdict = this.check(slot);
      if (isThenable(verdict)) this.await(slot, verdict, undefined);
      else this.#verdict(slot, verdict, undefined);
    }
  }
}
