/**
 * Test helpers: a pool's observable state, and an assertion that a failed
 * call left it unchanged. Private to the tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { PoolStats } from "../stats/pool_stats.ts";
import { FastAllocError } from "../errors.ts";

/** What the helpers read from a pool. */
export interface Observable {
  readonly inUse: number;
  readonly available: number;
  readonly capacity: number;
  readonly closed: boolean;
  stats(): PoolStats;
}

/** Counters a failed call is allowed to change. */
const FAILURE_COUNTERS = ["exhaustions", "resetFailures", "leaks", "timeouts"];

/** The pool's state: sizes, capacity and every non-failure counter. */
export function stateOf(pool: Observable): Record<string, unknown> {
  const stats: Record<string, unknown> = { ...pool.stats() };
  for (const key of FAILURE_COUNTERS) delete stats[key];
  return {
    total: pool.inUse + pool.available,
    inUse: pool.inUse,
    available: pool.available,
    capacity: pool.capacity,
    closed: pool.closed,
    stats,
  };
}

/** An error class, for `instanceof` checks. */
// deno-lint-ignore no-explicit-any
export type ErrorClass = new (...args: any[]) => Error;

/**
 * Asserts that `fn` throws an instance of `type` whose `name` is exactly
 * `name` (so a subclass is not mistaken for its parent), that the message
 * matches `message` when given, and that `pool` is unchanged afterwards.
 *
 * @returns The error, for further checks.
 */
export function throwsUnchanged<E extends Error>(
  pool: Observable,
  fn: () => unknown,
  type: new (...args: never[]) => E,
  name: string,
  message?: RegExp,
): E {
  const before = stateOf(pool);
  const error = throwsExactly(fn, type, name, message);
  assert.deepEqual(stateOf(pool), before);
  return error;
}

/**
 * Asserts that `fn` throws an instance of `type` named `name`, with a
 * message matching `message` (when given); the library's own errors must be
 * in the std style (sentence case, no trailing period).
 *
 * @returns The error.
 */
export function throwsExactly<E extends Error>(
  fn: () => unknown,
  type: new (...args: never[]) => E,
  name: string,
  message?: RegExp,
): E {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${name} to be thrown`);
  assert.ok(caught instanceof type, `expected ${name}, got ${String(caught)}`);
  assert.equal((caught as E).name, name);
  const text = (caught as E).message;
  if (caught instanceof FastAllocError || caught instanceof TypeError) {
    // The library's own messages: std style.
    assert.ok(!text.endsWith("."), `message ends with a period: ${text}`);
    assert.match(text, /^[A-Z]/);
  }
  if (message !== undefined) assert.match(text, message);
  return caught as E;
}
