/**
 * Bad inputs, table-driven: every public constructor, function, option and
 * method argument fed wrong types, out-of-range numbers, missing or
 * conflicting settings (the table is in `tests/_bad_inputs.ts` and listed in
 * `tests/README.md`). Each must be answered with its documented error (by a
 * rejected promise, never a synchronous throw, for a method that returns a
 * promise), in
 * the std style (sentence case, no trailing period) with the bad value in
 * double quotes, and leave what it was called on unchanged.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { quote } from "../quote.ts";
import { type BadInput, badInputs } from "./_bad_inputs.ts";
import { stateOf } from "./_state.ts";

/**
 * How many bad inputs the table tries. Changing the table changes this
 * number: update it (and `tests/README.md`) on purpose, never by accident.
 */
const EXPECTED_BAD_INPUTS = 2104;

/**
 * The methods that return a promise: misuse of one must reject, never throw
 * (a caller's `.catch` or `await` is the only handler it has).
 */
const ASYNC_METHOD = /^AsyncPool(\(Vec\))?#|#acquireAsync\(|#popAsync\(/;

/**
 * Calls a row; gives what it threw or rejected with (`undefined` if it did
 * neither), and whether it threw synchronously.
 */
async function outcome(
  row: BadInput,
): Promise<{ error: unknown; threw: boolean }> {
  let result: unknown;
  try {
    result = row.run();
  } catch (error) {
    return { error, threw: true };
  }
  if (result instanceof Promise) {
    try {
      await result;
    } catch (error) {
      return { error, threw: false };
    }
  }
  return { error: undefined, threw: false };
}

/** The problems with one row's answer, as text (empty when it is right). */
async function check(row: BadInput): Promise<string[]> {
  const problems: string[] = [];
  const before = row.subject === undefined ? undefined : stateOf(row.subject);
  const { error, threw } = await outcome(row);
  if (error === undefined) return ["nothing was thrown"];
  if (threw && ASYNC_METHOD.test(row.target)) {
    problems.push(`threw synchronously instead of rejecting: ${error}`);
  }
  if (!(error instanceof row.error) || (error as Error).name !== row.name) {
    return [`threw ${String(error)}, expected ${row.name}`];
  }
  const message = (error as Error).message;
  if (!/^[A-Z]/.test(message)) problems.push(`not sentence case: ${message}`);
  if (message.endsWith(".")) problems.push(`ends with a period: ${message}`);
  if (row.quotes !== undefined && !message.includes(quote(row.quotes.value))) {
    problems.push(
      `message does not quote ${quote(row.quotes.value)}: ${message}`,
    );
  }
  if (row.subject !== undefined) {
    try {
      assert.deepEqual(stateOf(row.subject), before);
    } catch {
      problems.push("left its pool changed");
    }
  }
  return problems;
}

describe("bad inputs", () => {
  const rows = badInputs();

  it(`tries exactly ${EXPECTED_BAD_INPUTS} bad inputs`, () => {
    console.log(`bad inputs tried: ${rows.length}`);
    assert.equal(rows.length, EXPECTED_BAD_INPUTS);
    const targets = new Set(rows.map((row) => row.target.split(/[#.( ]/)[0]));
    assert.ok(targets.size > 10, "the table covers every kind of API");
  });

  // One test per API, so a failure names it; every row is checked.
  const byTarget = new Map<string, BadInput[]>();
  for (const row of rows) {
    const list = byTarget.get(row.target) ?? [];
    list.push(row);
    byTarget.set(row.target, list);
  }
  for (const [target, list] of byTarget) {
    it(`${target}: ${list.length} bad inputs`, async () => {
      const failures: string[] = [];
      for (const row of list) {
        for (const problem of await check(row)) {
          failures.push(`${row.input}: ${problem}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }
});
