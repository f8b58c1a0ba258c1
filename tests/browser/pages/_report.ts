/// <reference lib="dom" />
/**
 * The page side of the browser tests: named checks, run in order, each
 * recorded with the page's own message when it fails. When all have run,
 * `globalThis.fastallocReport` holds `{ done: true, results }`, which
 * `tests/browser/chromium.ts` reads through Chromium.
 *
 * @module
 */

/** One check's outcome. */
export interface CheckResult {
  name: string;
  ok: boolean;
  message: string;
}

const results: CheckResult[] = [];

/** Fails a check with `message` unless `condition` holds. */
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Fails unless `actual === expected`. */
export function same(actual: unknown, expected: unknown, what: string): void {
  if (!Object.is(actual, expected)) {
    throw new Error(
      `${what}: got ${String(actual)}, expected ${String(expected)}`,
    );
  }
}

/** Runs `fn`; fails unless it throws an error named `name` whose message matches. */
export async function rejects(
  fn: () => unknown,
  name: string,
  pattern: RegExp,
  what: string,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    const e = error as Error;
    expect(
      e?.name === name,
      `${what}: threw ${e?.name} "${e?.message}", expected ${name}`,
    );
    expect(
      pattern.test(e.message),
      `${what}: message "${e.message}" does not match ${pattern}`,
    );
    return e;
  }
  throw new Error(`${what}: did not throw ${name}`);
}

/** Runs one named check (sync or async) and records its outcome. */
export async function check(
  name: string,
  fn: () => unknown,
): Promise<void> {
  try {
    await fn();
    results.push({ name, ok: true, message: "" });
  } catch (error) {
    const e = error as Error;
    results.push({
      name,
      ok: false,
      message: `${e?.name ?? "Error"}: ${e?.message ?? String(error)}\n${
        e?.stack ?? ""
      }`,
    });
  }
}

/** Publishes the results for the test runner. */
export function finish(): void {
  (globalThis as { fastallocReport?: unknown }).fastallocReport = {
    done: true,
    results,
  };
  document.title = `done: ${
    results.filter((r) => r.ok).length
  }/${results.length}`;
}
