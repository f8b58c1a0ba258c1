/**
 * What {@linkcode AsyncPool} knows about each borrow while someone listens to
 * its events, private to `pools/`: when the object was lent (for `heldMs`),
 * the stack of the acquire that took it (for `overdue`, only with
 * `leakTimeout` and an `overdue` listener), and whether it was already
 * reported overdue. Nothing here exists or runs while nobody listens.
 *
 * @module
 */

import { clearTimer, setUnrefTimeout } from "./_async_timers.ts";

/** Where a captured stack is kept; V8 formats it only when it is read. */
export interface StackHolder {
  stack?: string;
}

/** V8's and JavaScriptCore's `Error.captureStackTrace`, read where used (no top-level side effect). */
function stackCapturer():
  | ((holder: object, above?: unknown) => void)
  | undefined {
  return (Error as {
    captureStackTrace?: (holder: object, above?: unknown) => void;
  }).captureStackTrace;
}

/**
 * Whether `Error.captureStackTrace(holder, above)` leaves out the frames
 * from `above` up (V8 does; Bun's JavaScriptCore gives no frames at all).
 * Found out on first use.
 */
let aboveWorks: boolean | undefined;

function probeInner(): StackHolder {
  const holder: StackHolder = {};
  stackCapturer()!(holder, probeOuter);
  return holder;
}

function probeOuter(): StackHolder {
  return probeInner();
}

/** The pool's own frames, dropped from the top of a stack. */
const OWN_FRAME = /[/\\](?:async_pool|_async_[a-z_]+)\.[jt]s:\d/;

/**
 * Captures the current stack, without the frames of `above` and what it
 * called (the pool's own frames) where the engine can leave them out, else
 * whole (they are dropped when it is read). `Error.captureStackTrace` where
 * there is one (V8, JavaScriptCore), else a plain `Error`.
 */
export function captureStack(above: unknown): StackHolder {
  const captureStackTrace = stackCapturer();
  if (captureStackTrace === undefined) return new Error();
  const holder: StackHolder = {};
  aboveWorks ??= (probeInner().stack ?? "").includes("\n");
  if (aboveWorks) captureStackTrace(holder, above);
  else captureStackTrace(holder);
  return holder;
}

/**
 * The frames of a captured stack, one a line: without its header line
 * (`Error`) and without the pool's own frames on top.
 */
export function stackLines(
  holder: StackHolder | undefined,
): string | undefined {
  const stack = holder?.stack;
  if (typeof stack !== "string") return undefined;
  const lines = stack.split("\n");
  let first = 0;
  // V8 and JavaScriptCore start with a header; SpiderMonkey does not.
  if (lines.length > 0 && !/^\s*at |@/.test(lines[0]!)) first = 1;
  while (first < lines.length && OWN_FRAME.test(lines[first]!)) first++;
  return lines.slice(first).join("\n");
}

/** What the watch calls back into its pool with. */
export interface BorrowWatchOwner {
  /** The borrow generation of each slot (odd while lent). */
  generations(): Uint32Array;
  /** Reports the borrow in `slot`, held `heldMs`, overdue. */
  overdue(slot: number, heldMs: number, stack: string | undefined): void;
}

/**
 * Per-slot borrow records, grown on demand, and the timer that looks for
 * overdue borrows every half `leakTimeout` while any is watched.
 */
export class BorrowWatch {
  /** When each slot's current borrow began (`performance.now()`), or NaN. */
  lentAt: Float64Array = new Float64Array(8).fill(NaN);
  /** The generation of the borrow each record is about. */
  lentGeneration: Uint32Array = new Uint32Array(8);
  /** The stack of each borrow's acquire, while `overdue` is watched. */
  stacks: (StackHolder | undefined)[] = [];
  /** Whether each borrow was reported overdue already. */
  reported: Uint8Array = new Uint8Array(8);
  readonly #owner: BorrowWatchOwner;
  #timer: unknown = undefined;
  /** The leak timeout in ms, or undefined when not watching for overdue. */
  leakTimeout: number | undefined = undefined;

  constructor(owner: BorrowWatchOwner) {
    this.#owner = owner;
  }

  /** Records the borrow that just began in `slot` (its generation is odd). */
  lent(
    slot: number,
    generation: number,
    stack: StackHolder | undefined,
    now: number,
  ): void {
    if (slot >= this.lentAt.length) this.#grow(slot);
    this.lentAt[slot] = now;
    this.lentGeneration[slot] = generation;
    this.reported[slot] = 0;
    this.stacks[slot] = stack;
    if (this.leakTimeout !== undefined && this.#timer === undefined) {
      this.#timer = setUnrefTimeout(sweep, this.leakTimeout / 2, this);
    }
  }

  /**
   * How long the borrow of `generation` in `slot` was held, if it was
   * recorded (the clock is read only then).
   */
  heldMs(slot: number, generation: number): number | undefined {
    if (slot >= this.lentAt.length) return undefined;
    if (this.lentGeneration[slot] !== generation) return undefined;
    const at = this.lentAt[slot]!;
    return at === at ? Math.max(0, performance.now() - at) : undefined;
  }

  /** Forgets the borrow in `slot` (released or discarded). */
  ended(slot: number): void {
    if (slot >= this.lentAt.length) return;
    this.lentAt[slot] = NaN;
    this.stacks[slot] = undefined;
  }

  /**
   * Looks for overdue borrows again (a listener came back): borrows
   * recorded before are checked without waiting for the next acquire.
   */
  resume(): void {
    if (this.leakTimeout === undefined || this.#timer !== undefined) return;
    this.#timer = setUnrefTimeout(sweep, this.leakTimeout / 2, this);
  }

  /** Stops the timer (the pool closed, or nobody listens any more). */
  stop(): void {
    if (this.#timer !== undefined) clearTimer(this.#timer);
    this.#timer = undefined;
  }

  /** Reports each borrow held past `leakTimeout` once; rearms while any is out. */
  check(): void {
    this.#timer = undefined;
    const limit = this.leakTimeout;
    if (limit === undefined) return;
    const generations = this.#owner.generations();
    const now = performance.now();
    let watching = false;
    const n = Math.min(this.lentAt.length, generations.length);
    for (let slot = 0; slot < n; slot++) {
      const at = this.lentAt[slot]!;
      if (at !== at) continue; // no borrow recorded
      const generation = this.lentGeneration[slot]!;
      if (generations[slot] !== generation) {
        // Ended without being told (the fast release path): forget it.
        this.lentAt[slot] = NaN;
        this.stacks[slot] = undefined;
        continue;
      }
      if (this.reported[slot] === 1) continue;
      const held = now - at;
      if (held >= limit) {
        this.reported[slot] = 1;
        const stack = stackLines(this.stacks[slot]);
        this.stacks[slot] = undefined;
        this.#owner.overdue(slot, held, stack);
      } else {
        watching = true;
      }
    }
    if (watching && this.#timer === undefined) {
      this.#timer = setUnrefTimeout(sweep, limit / 2, this);
    }
  }

  #grow(slot: number): void {
    let size = this.lentAt.length * 2;
    while (size <= slot) size *= 2;
    const lentAt = new Float64Array(size).fill(NaN);
    lentAt.set(this.lentAt);
    this.lentAt = lentAt;
    const generations = new Uint32Array(size);
    generations.set(this.lentGeneration);
    this.lentGeneration = generations;
    const reported = new Uint8Array(size);
    reported.set(this.reported);
    this.reported = reported;
  }
}

function sweep(watch: BorrowWatch): void {
  watch.check();
}
