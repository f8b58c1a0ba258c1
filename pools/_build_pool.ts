/**
 * The table of pool kinds (after Stormpot's `PoolBuilderImpl.PERMISSIONS`):
 * for each kind, the settings that choose it, the class that makes it, and
 * the settings it refuses. {@linkcode checkBlueprint} and
 * {@linkcode buildPool} read only this table, so a new pool kind is one new
 * row. Private to the library: users call `Pool.builder()` or `pooled`.
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import { AsyncPool } from "./async_pool.ts";
import { FixedPool } from "./fixed_pool.ts";
import { GrowingPool } from "./growing_pool.ts";
import type { PoolBlueprint } from "./pool_blueprint.ts";
import { ThreadLocalPool } from "./thread_local_pool.ts";
import { ThreadSafePool } from "./thread_safe_pool.ts";

/** The settings passed on to the pool's constructor (it validates their values). */
const OPTION_KEYS = [
  "factory",
  "capacity",
  "maxCapacity",
  "growth",
  "preInitialize",
  "reset",
  "destroy",
  "allocator",
  "enableStatistics",
] as const;

/** The settings that only choose the pool kind (never passed on). */
const FLAG_KEYS = ["type", "threadSafe", "threadLocal", "async"] as const;

/** The kind-choosing settings that must be booleans. */
const BOOLEAN_FLAGS = ["threadSafe", "threadLocal", "async"] as const;

type BlueprintKey = keyof PoolBlueprint<object>;

/**
 * Any pool the table makes. (Not `Pool<T> | AsyncPool<T>`: the `Pool`
 * module imports this one; `PoolBuilder.build()` checks that each class is a
 * `Pool` by assigning this union to `Pool<T> | AsyncPool<T>`.)
 */
export type MadePool<T extends object> =
  | FixedPool<T>
  | GrowingPool<T>
  | ThreadSafePool<T>
  | ThreadLocalPool<T>
  | AsyncPool<T>;

/** Settings that go together in a message: any one of them set counts. */
interface SettingGroup {
  /** The settings. */
  readonly keys: readonly BlueprintKey[];
  /** How messages name the group. */
  readonly label: string;
}

/** A setting group a kind cannot be built with. */
interface Refusal {
  /** The refused settings. */
  readonly group: SettingGroup;
  /** Why, after the conflict (e.g. `" (its capacity is already its maximum)"`). */
  readonly why?: string;
  /** The whole reason, where it is not "<group> cannot be combined with <kind>". */
  readonly says?: string;
}

/** One row of the table. */
interface PoolKind {
  /** The settings that choose this kind; empty for the default kind. */
  readonly chosenBy: SettingGroup;
  /** The pool class: `new make(type, options)` or `new make(options)`. */
  // deno-lint-ignore no-explicit-any
  readonly make: new (...args: any[]) => MadePool<object>;
  /** The settings this kind cannot use; every other option reaches `make`. */
  readonly refuses: readonly Refusal[];
}

const GROWS: SettingGroup = {
  keys: ["growth", "maxCapacity"],
  label: "growth and maxCapacity",
};
const ASYNC: SettingGroup = { keys: ["async"], label: "async" };
const THREAD_SAFE: SettingGroup = { keys: ["threadSafe"], label: "threadSafe" };
const THREAD_LOCAL: SettingGroup = {
  keys: ["threadLocal"],
  label: "threadLocal",
};

/**
 * The pool kinds. The first row chosen by the blueprint is built; every
 * chosen row's refusals are checked first, in table order (so with several
 * conflicts the first one here is named).
 */
const KINDS: readonly PoolKind[] = [
  {
    chosenBy: THREAD_LOCAL,
    make: ThreadLocalPool,
    refuses: [
      {
        group: THREAD_SAFE,
        says: "threadSafe and threadLocal cannot both be set",
      },
      { group: ASYNC },
      { group: GROWS },
    ],
  },
  {
    chosenBy: THREAD_SAFE,
    make: ThreadSafePool,
    refuses: [{ group: ASYNC }, { group: GROWS }],
  },
  {
    chosenBy: ASYNC,
    make: AsyncPool,
    refuses: [{ group: GROWS, why: " (its capacity is already its maximum)" }],
  },
  { chosenBy: GROWS, make: GrowingPool, refuses: [] },
  { chosenBy: { keys: [], label: "" }, make: FixedPool, refuses: [] },
];

/** Whether the blueprint sets any setting of the group (a flag set to `false` does not count). */
function isSet<T>(blueprint: PoolBlueprint<T>, group: SettingGroup): boolean {
  for (const key of group.keys) {
    const value: unknown = blueprint[key];
    const flag = (BOOLEAN_FLAGS as readonly string[]).includes(key);
    if (flag ? value === true : value !== undefined) return true;
  }
  return false;
}

/** Whether a row is chosen: the default row (no settings) always is. */
function isChosen<T>(blueprint: PoolBlueprint<T>, kind: PoolKind): boolean {
  return kind.chosenBy.keys.length === 0 || isSet(blueprint, kind.chosenBy);
}

/**
 * Checks a blueprint for missing and conflicting settings.
 *
 * @typeParam T The pooled object type.
 * @param blueprint The settings.
 * @param where What is being built, for messages (e.g. `"pool"`, `"@pooled class"`).
 * @throws {PoolConfigurationError} When a setting is unknown, the type is not
 * a class, a flag (threadSafe, threadLocal, async) is not a boolean, type and
 * factory are both missing, capacity is missing, or the blueprint sets what
 * its pool kind refuses (both thread flags, async with a thread flag,
 * growth/maxCapacity with a thread flag or async).
 *
 * @example
 * ```ts
 * import { checkBlueprint } from "./_build_pool.ts";
 *
 * try {
 *   checkBlueprint({ capacity: 2, factory: () => ({}), async: true, maxCapacity: 4 }, "pool");
 * } catch (error) {
 *   console.log((error as Error).message);
 *   // Cannot build pool: growth and maxCapacity cannot be combined with async (its capacity is already its maximum)
 * }
 * ```
 */
export function checkBlueprint<T>(
  blueprint: PoolBlueprint<T>,
  where: string,
): void {
  const fail = (why: string): never => {
    throw new PoolConfigurationError(`Cannot build ${where}: ${why}`);
  };
  for (const key of Object.keys(blueprint)) {
    if (
      !(OPTION_KEYS as readonly string[]).includes(key) &&
      !(FLAG_KEYS as readonly string[]).includes(key)
    ) {
      fail(`setting ${quote(key)} is unknown`);
    }
  }
  if (blueprint.type !== undefined && typeof blueprint.type !== "function") {
    fail(`type ${quote(blueprint.type)} is not a class`);
  }
  for (const flag of BOOLEAN_FLAGS) {
    const value: unknown = blueprint[flag];
    if (value !== undefined && typeof value !== "boolean") {
      fail(`${flag} ${quote(value)} is not a boolean`);
    }
  }
  if (blueprint.type === undefined && blueprint.factory === undefined) {
    fail("it needs a type or a factory");
  }
  if (blueprint.capacity === undefined) fail("capacity was not set");
  for (const kind of KINDS) {
    if (!isChosen(blueprint, kind)) continue;
    for (const refusal of kind.refuses) {
      if (isSet(blueprint, refusal.group)) {
        fail(
          refusal.says ??
            `${refusal.group.label} cannot be combined with ${kind.chosenBy.label}${
              refusal.why ?? ""
            }`,
        );
      }
    }
  }
}

/**
 * Builds the pool a blueprint describes: the first kind of the table the
 * blueprint chooses (threadLocal → `ThreadLocalPool`; threadSafe →
 * `ThreadSafePool`; async → `AsyncPool`; growth or maxCapacity →
 * `GrowingPool`; else `FixedPool`). Every setting given reaches the pool,
 * whose own validation rejects values it cannot use.
 *
 * @typeParam T The pooled object type.
 * @param blueprint The settings.
 * @param where What is being built, for messages.
 * @returns The pool.
 * @throws {PoolConfigurationError} For conflicts (see {@linkcode checkBlueprint}) or bad values.
 *
 * @example
 * ```ts
 * import { buildPool } from "./_build_pool.ts";
 * import { GrowingPool } from "./growing_pool.ts";
 *
 * const pool = buildPool({ capacity: 2, maxCapacity: 8, factory: () => ({ n: 0 }) }, "pool");
 * console.log(pool instanceof GrowingPool); // true
 * ```
 */
export function buildPool<T extends object>(
  blueprint: PoolBlueprint<T>,
  where: string,
): MadePool<T> {
  checkBlueprint(blueprint, where);
  const options: Record<string, unknown> = {};
  for (const key of OPTION_KEYS) {
    if (blueprint[key] !== undefined) options[key] = blueprint[key];
  }
  // The last row (no settings) is always chosen, so find() never misses.
  const { make } = KINDS.find((kind) => isChosen(blueprint, kind))!;
  const pool = blueprint.type === undefined
    ? new make(options)
    : new make(blueprint.type, options);
  return pool as unknown as MadePool<T>;
}
