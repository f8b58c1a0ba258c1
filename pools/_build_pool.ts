/**
 * {@linkcode checkBlueprint} and {@linkcode buildPool}: what
 * {@linkcode PoolBuilder} and `pooled` share (private to the library: users
 * call `Pool.builder()` or `pooled`).
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import { AsyncPool } from "./async_pool.ts";
import type { PoolBlueprint } from "./builder.ts";
import { FixedPool } from "./fixed_pool.ts";
import { GrowingPool } from "./growing_pool.ts";
import type { Pool } from "./pool.ts";
import { ThreadLocalPool } from "./thread_local_pool.ts";
import { ThreadSafePool } from "./thread_safe_pool.ts";

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

/** The settings that choose the pool class. */
const FLAG_KEYS = ["type", "threadSafe", "threadLocal", "async"] as const;

/**
 * Checks a blueprint for missing and conflicting settings.
 *
 * @typeParam T The pooled object type.
 * @param blueprint The settings.
 * @param where What is being built, for messages (e.g. `"pool"`, `"@pooled class"`).
 * @throws {PoolConfigurationError} When a setting is unknown, the type is not
 * a class, a flag (threadSafe, threadLocal, async) is not a boolean, type and
 * factory are both missing, capacity is missing, both thread flags are set,
 * async is combined with a thread flag, or growth/maxCapacity is combined
 * with a thread flag or async.
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
  for (const flag of ["threadSafe", "threadLocal", "async"] as const) {
    const value: unknown = blueprint[flag];
    if (value !== undefined && typeof value !== "boolean") {
      fail(`${flag} ${quote(value)} is not a boolean`);
    }
  }
  if (blueprint.type === undefined && blueprint.factory === undefined) {
    fail("it needs a type or a factory");
  }
  if (blueprint.capacity === undefined) fail("capacity was not set");
  const grows = blueprint.growth !== undefined ||
    blueprint.maxCapacity !== undefined;
  if (blueprint.threadSafe && blueprint.threadLocal) {
    fail("threadSafe and threadLocal cannot both be set");
  }
  const thread = blueprint.threadSafe
    ? "threadSafe"
    : blueprint.threadLocal
    ? "threadLocal"
    : undefined;
  if (blueprint.async && thread !== undefined) {
    fail(`async cannot be combined with ${thread}`);
  }
  if (grows && thread !== undefined) {
    fail(`growth and maxCapacity cannot be combined with ${thread}`);
  }
  if (grows && blueprint.async) {
    fail(
      "growth and maxCapacity cannot be combined with async (its capacity is already its maximum)",
    );
  }
}

/**
 * Builds the pool a blueprint describes: async → `AsyncPool`; threadLocal →
 * `ThreadLocalPool`; threadSafe → `ThreadSafePool`; growth or maxCapacity →
 * `GrowingPool`; else `FixedPool`. Every setting given reaches the pool,
 * whose own validation rejects values it cannot use.
 *
 * @typeParam T The pooled object type.
 * @param blueprint The settings.
 * @param where What is being built, for messages.
 * @returns The pool.
 * @throws {PoolConfigurationError} For conflicts (see {@linkcode checkBlueprint}) or bad values.
 */
export function buildPool<T extends object>(
  blueprint: PoolBlueprint<T>,
  where: string,
): Pool<T> | AsyncPool<T> {
  checkBlueprint(blueprint, where);
  const options: Record<string, unknown> = {};
  for (const key of OPTION_KEYS) {
    if (blueprint[key] !== undefined) options[key] = blueprint[key];
  }
  // deno-lint-ignore no-explicit-any
  const make = <P>(Kind: new (...args: any[]) => P): P =>
    blueprint.type === undefined
      ? new Kind(options)
      : new Kind(blueprint.type, options);
  if (blueprint.async) return make<AsyncPool<T>>(AsyncPool);
  if (blueprint.threadLocal) return make<ThreadLocalPool<T>>(ThreadLocalPool);
  if (blueprint.threadSafe) return make<ThreadSafePool<T>>(ThreadSafePool);
  if (options.growth !== undefined || options.maxCapacity !== undefined) {
    return make<GrowingPool<T>>(GrowingPool);
  }
  return make<FixedPool<T>>(FixedPool);
}
