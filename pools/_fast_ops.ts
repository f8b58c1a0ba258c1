/**
 * The plain `acquire`, `tryAcquire`, `release` and `use` of the synchronous
 * pools, made once per pool. Private to `pools/`.
 *
 * Why per pool: V8 keeps one set of inline caches (and one inlining
 * decision) per function for all of its callers, and closures made at the
 * same site share them. `release` must read one property of the user's
 * object (its slot number), so a function shared by every pool sees every
 * pooled class and goes megamorphic past four. So where code generation
 * from strings is allowed, each pool compiles its own copy of
 * {@linkcode fastOps} with `new Function` (its source made unique by a
 * serial number: identical source would share feedback through the eval
 * cache), and every pool's functions see only that pool's class.
 *
 * Where code generation is forbidden (a Content-Security-Policy without
 * `'unsafe-eval'`, `--disallow-code-generation-from-strings`, some embedded
 * engines), the pool uses {@linkcode fastOps} itself: the same code, the
 * same behaviour, only slower when a program pools many classes. The first
 * refusal is remembered, so it is asked once per process.
 *
 * @module
 */

import type { SlotCore } from "./_slot_core.ts";
import { type Fixed, type Hot, SLOT, SlotTable } from "./_slot_table.ts";

/**
 * The functions a pool installs as its own `acquire`, `tryAcquire`,
 * `release`, `use`.
 *
 * @typeParam T The pooled object type.
 *
 * @example
 * ```ts
 * import type { FastOps } from "./_fast_ops.ts";
 * import { FixedPool } from "./fixed_pool.ts";
 *
 * const pool = new FixedPool({ capacity: 1, factory: () => ({ n: 0 }) });
 * const ops: FastOps<{ n: number }> = pool; // a pool has all four
 * ops.release(ops.acquire());
 * ```
 */
export interface FastOps<T extends object> {
  /** The plain acquire. */
  acquire: () => T;
  /** The plain tryAcquire. */
  tryAcquire: () => T | undefined;
  /** The plain release. */
  release: (obj: T) => void;
  /** The plain use. */
  use: <R>(fn: (obj: T) => R) => R;
}

/**
 * Makes the fast functions of one pool. Its source is compiled again per
 * pool, so it must refer to nothing but its parameters and literals (no
 * module constants, no imports), so it writes the one mode number it tests
 * as a literal: 1 is `MODE_STATS` of `_modes.ts` (`mode <= 1`: nothing but
 * counting is on; `mode !== 0`: counting is on).
 *
 * @typeParam T The pooled object type.
 * @param core The pool's state (its general paths).
 * @param hot The live state: only its idle count (`$top`) is read here.
 * @param fixed The rest of the state the fast paths read: the table's
 * copy, or the pool's own copy of it (see {@linkcode makeFastOps}).
 * @param slotKey The slot property symbol.
 * @returns The functions.
 *
 * @example The shared copy, as a pool without code generation uses it
 * ```ts
 * import { fastOps } from "./_fast_ops.ts";
 * import { SlotCore } from "./_slot_core.ts";
 * import { SLOT } from "./_slot_table.ts";
 * import { validatePoolOptions } from "../config/_options.ts";
 *
 * const settings = validatePoolOptions(undefined, { capacity: 1, factory: () => ({}) }, "FixedPool");
 * const core = new SlotCore(settings, { name: "FixedPool" });
 * const ops = fastOps(core, core.hot, core.fixed, SLOT);
 * ops.release(ops.acquire());
 * console.log(core.inUse); // 0
 * ```
 */
export function fastOps<T extends object>(
  core: SlotCore<T>,
  hot: Hot<T>,
  fixed: Fixed<T>,
  slotKey: typeof SLOT,
): FastOps<T> {
  function acquire(): T {
    const mode = fixed.$amode;
    if (mode <= 1) {
      const t = hot.$top - 1;
      if (t >= 0) {
        hot.$top = t;
        const obj = fixed.$idleObj[t]!;
        const slot = fixed.$idleSlots[t]!;
        const state = fixed.$state;
        state[slot] = ~state[slot]!;
        const row = fixed.$row;
        if (row !== null) row[fixed.$rowAt]!++;
        if (mode !== 0) fixed.$stats!.recordAllocation();
        return obj;
      }
    }
    return fixed.$objects[core.acquireSlot(true)]!;
  }

  function tryAcquire(): T | undefined {
    // The plain path is acquire's (one copy of it: a helper shared by both
    // measured 10% slower on Bun with 16 pools); only running out differs.
    if (fixed.$amode <= 1 && hot.$top > 0) return acquire();
    const slot = core.acquireSlot(false);
    return slot < 0 ? undefined : fixed.$objects[slot];
  }

  /** Makes `slot` idle again: the plain path of a release of a lent slot. */
  function idle(obj: T, slot: number, key: number, mode: number): void {
    // Above the count first (a stale entry until it counts), then the
    // count: on a frozen pool that write throws, before the state changes.
    const top = hot.$top;
    // A loop's acquire left this very pair behind: no store (see Hot).
    const idleSlots = fixed.$idleSlots;
    if (idleSlots[top] !== slot) {
      fixed.$idleObj[top] = obj;
      idleSlots[top] = slot;
    }
    hot.$top = top + 1;
    const state = fixed.$state;
    state[slot] = ~((key + fixed.$step) & 0x7fffffff);
    const row = fixed.$row;
    if (row !== null) row[fixed.$rowAt]!--;
    if (mode !== 0) fixed.$stats!.recordRelease();
  }

  function release(obj: T): void {
    let slot: number;
    try {
      slot = (obj as unknown as { [SLOT]: number })[slotKey];
    } catch {
      // null, undefined, a revoked Proxy: the general path explains.
      slot = -1;
    }
    const key = fixed.$state[slot]!;
    if (key >= 0 && fixed.$objects[slot] === obj) {
      const mode = fixed.$rmode;
      if (mode <= 1) idle(obj, slot, key, mode);
      // A reset, timing, a closed pool: found here, where reading the stamp
      // sees one class, and ended on the general path.
      else core.releaseSlot(slot, false);
      return;
    }
    core.releaseGeneral(obj);
  }

  function use<R>(fn: (obj: T) => R): R {
    if (typeof fn !== "function") core.notAFunction(fn);
    let slot: number;
    let obj: T;
    const mode = fixed.$amode;
    const t = hot.$top - 1;
    if (mode <= 1 && t >= 0) {
      hot.$top = t;
      obj = fixed.$idleObj[t]!;
      slot = fixed.$idleSlots[t]!;
      const state = fixed.$state;
      state[slot] = ~state[slot]!;
      const row = fixed.$row;
      if (row !== null) row[fixed.$rowAt]!++;
      if (mode !== 0) fixed.$stats!.recordAllocation();
    } else {
      slot = core.acquireSlot(true);
      obj = fixed.$objects[slot]!;
    }
    const key = fixed.$state[slot]!;
    let result: R;
    try {
      result = fn(obj);
    } catch (error) {
      core.endUse(obj, key, true);
      throw error;
    }
    // An object may be a promise: the general path asks (safely: reading
    // `then` can throw) and waits for it, or ends the borrow now.
    if (
      result !== null &&
      (typeof result === "object" || typeof result === "function")
    ) {
      return core.settleUse(obj, key, result) as R;
    }
    const rmode = fixed.$rmode;
    // fn may have released or discarded the object itself: then it is not ours to release.
    if (rmode <= 1 && fixed.$state[slot] === key) idle(obj, slot, key, rmode);
    else core.endUse(obj, key, false);
    return result;
  }

  return {
    acquire,
    tryAcquire,
    release,
    use,
  };
}

/** How many pools compiled their own copy (makes each source unique). */
let serial = 0;
/** Whether code generation works here: undefined until first asked. */
let generating: boolean | undefined;
/** The source of {@linkcode fastOps}, read once. */
let source: string | undefined;

/** Whether a compiled copy of {@linkcode fastOps} runs: lends, takes back and uses one object. */
function probe(make: typeof fastOps<object>): boolean {
  try {
    const table = new SlotTable<object>("stack", { slotBits: 1 });
    table.stamp({}, table.takeSlot());
    table.pushIdle(0);
    const ops = make(null as never, table.hot, table.fixed, SLOT);
    ops.release(ops.acquire());
    return ops.use(() => table.hot.$top === 0);
  } catch {
    return false;
  }
}

/** A copy of {@linkcode fastOps} compiled from its source, unique by a serial number. */
function compile<T extends object>(): typeof fastOps<T> {
  return new Function(
    `"use strict";\nreturn (${source});\n// fastalloc pool ${++serial}`,
  )();
}

/**
 * A copy of `hot`'s `$` fields (the {@linkcode Fixed} state) with a hidden
 * class of its own (a unique first key), for one pool's compiled fast paths.
 * Why: V8 tracks per hidden class whether a
 * field was ever written after its object was made, and folds a field never
 * written into the compiled code as a constant. With one hidden class for
 * every pool's state, one pool that grows (or any set-up write) makes
 * `state`, `idleSlots` and the modes variable for all of them, and every pool's
 * fast path reloads them from memory on each call; with a copy per pool, a
 * pool's settled fields stay constants in its own code (measured, Deno and
 * Node 24, 1 pool among others: 2.65× a bare array before, 2.06× after).
 * The idle count changes on every call, so it stays on the pool.
 */
function ownHiddenClass<T>(hot: Hot<T>, id: number): Fixed<T> {
  return new Function(
    "h",
    `return { fastalloc${id}: 0, ${
      Object.getOwnPropertyNames(hot).filter((n) => n[0] === "$").map((n) =>
        `${n}: h.${n}`
      )
    } };`,
  )(hot);
}

/**
 * The fast functions for one pool: its own compiled copy where code
 * generation is allowed, else the shared {@linkcode fastOps}.
 *
 * @typeParam T The pooled object type.
 * @param core The pool's state.
 * @returns The functions.
 *
 * @example
 * ```ts
 * import { makeFastOps } from "./_fast_ops.ts";
 * import { SlotCore } from "./_slot_core.ts";
 * import { validatePoolOptions } from "../config/_options.ts";
 *
 * const settings = validatePoolOptions(undefined, { capacity: 1, factory: () => ({}) }, "FixedPool");
 * const core = new SlotCore(settings, { name: "FixedPool" });
 * const ops = makeFastOps(core);
 * console.log(ops.use(() => core.inUse), core.inUse); // 1 0
 * ```
 */
export function makeFastOps<T extends object>(core: SlotCore<T>): FastOps<T> {
  try {
    source ??= fastOps.toString();
    // Once per process, run a copy of its own on a probe (a tool that
    // rewrote the source, coverage counters naming its own module variables
    // say, fails here, not in the user's first acquire); its own, because
    // closures of one compiled copy share their type feedback.
    generating ??= probe(compile<object>());
    if (generating) {
      const fixed = ownHiddenClass(core.hot, serial);
      const ops = compile<T>()(core, core.hot, fixed, SLOT);
      core.fixed = fixed;
      return ops;
    }
  } catch {
    // EvalError (CSP, --disallow-code-generation-from-strings) or an
    // engine that hides function sources: use the shared copy.
    generating = false;
  }
  return fastOps(core, core.hot, core.fixed, SLOT);
}

/**
 * Whether pools made so far compiled their own fast functions (`true`), use
 * the shared ones because code generation is forbidden (`false`), or none
 * was made yet (`undefined`). For tests and benchmarks.
 *
 * @returns The state.
 *
 * @example
 * ```ts
 * import { generatesCode } from "./_fast_ops.ts";
 * import { FixedPool } from "./fixed_pool.ts";
 *
 * new FixedPool({ capacity: 1, factory: () => ({}) });
 * console.log(typeof generatesCode()); // boolean
 * ```
 */
export function generatesCode(): boolean | undefined {
  return generating;
}

/**
 * Makes every pool made from now on use the shared fast functions, as if
 * code generation were forbidden. For benchmarks that measure that path in
 * a process that can generate code; not for applications.
 *
 * @example In a benchmark of the shared path
 * ```ts ignore
 * import { forbidCodeGeneration } from "./_fast_ops.ts";
 *
 * forbidCodeGeneration(); // every pool made from now on shares one copy
 * ```
 */
export function forbidCodeGeneration(): void {
  generating = false;
}
