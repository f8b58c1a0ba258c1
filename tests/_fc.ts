/**
 * Runs fast-check properties with settings from the environment, and makes
 * every failure replayable. Private to the tests.
 *
 * - `FC_RUNS`: runs per property (default: each property's own).
 * - `FC_SEED`: the seed to start from (default: random, printed on failure).
 * - `FC_PATH`: the shrink path of a failure, to replay its counterexample at
 *   once (use it together with the `FC_SEED` it was printed with).
 *
 * A failure's message ends with the exact environment to replay it and how
 * to run only that test on each runtime.
 *
 * @module
 */

import process from "node:process";
import fc from "fast-check";

/** Parses an integer environment variable, or `undefined` when unset. */
function intFromEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} ${JSON.stringify(text)} is not an integer`);
  }
  return value;
}

/** How many runs a property gets: `FC_RUNS`, else `runs`. */
export function runsFor(runs: number): number {
  return intFromEnv("FC_RUNS") ?? runs;
}

/** The fast-check parameters: seed, path and runs from the environment. */
export function parameters<Ts>(runs: number): fc.Parameters<Ts> {
  const seed = intFromEnv("FC_SEED");
  const path = process.env.FC_PATH;
  return {
    numRuns: runsFor(runs),
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined || path === "" ? {} : { path }),
    endOnFailure: path !== undefined && path !== "",
  };
}

/** The message of a failed run, with the way to replay it appended. */
function replayMessage(
  title: string,
  report: string,
  seed: number,
  path: string | undefined,
): string {
  const env = `FC_SEED=${seed}${path ? ` FC_PATH="${path}"` : ""}`;
  return `${report}\n\nReplay this counterexample: ${env} and run only "${title}":\n` +
    `  ${env} deno test -A --v8-flags=--expose-gc --filter "${title}" <file>\n` +
    `  ${env} node --expose-gc --test --test-name-pattern "${title}" <file>\n` +
    `  ${env} bun test -t "${title}" ./<file>`;
}

/**
 * Checks a synchronous property; throws a replayable report on failure.
 *
 * @param title The test's name (used in the replay instructions).
 * @param property The property.
 * @param runs The default number of runs.
 * @returns How many runs passed.
 */
export function checkProperty<Ts>(
  title: string,
  property: fc.IProperty<Ts>,
  runs: number,
): number {
  const details = fc.check(property, parameters<Ts>(runs));
  if (details.failed) {
    throw new Error(
      replayMessage(
        title,
        fc.defaultReportMessage(details) ?? "Property failed",
        details.seed,
        details.counterexamplePath ?? undefined,
      ),
      { cause: details.errorInstance },
    );
  }
  return details.numRuns;
}

/**
 * Checks an asynchronous property; rejects with a replayable report on failure.
 *
 * @param title The test's name (used in the replay instructions).
 * @param property The property.
 * @param runs The default number of runs.
 * @returns How many runs passed.
 */
export async function checkAsyncProperty<Ts>(
  title: string,
  property: fc.IAsyncProperty<Ts>,
  runs: number,
): Promise<number> {
  const details = await fc.check(property, parameters<Ts>(runs));
  if (details.failed) {
    throw new Error(
      replayMessage(
        title,
        (await fc.asyncDefaultReportMessage(details)) ?? "Property failed",
        details.seed,
        details.counterexamplePath ?? undefined,
      ),
      { cause: details.errorInstance },
    );
  }
  return details.numRuns;
}

/**
 * A command that runs one step against a simulation holding both the pool
 * and its reference model (so `model` and `real` are the same object), then
 * lets the simulation compare them.
 */
export class Step<S extends { verify(): void }> implements fc.Command<S, S> {
  readonly label: string;
  readonly action: (sim: S) => void;

  /**
   * @param label What `toString` shows in a counterexample.
   * @param action The step.
   */
  constructor(label: string, action: (sim: S) => void) {
    this.label = label;
    this.action = action;
  }

  check(): boolean {
    return true;
  }

  run(_model: S, sim: S): void {
    this.action(sim);
    sim.verify();
  }

  toString(): string {
    return this.label;
  }
}

/** The asynchronous {@linkcode Step}: `action` may return a promise. */
export class AsyncStep<S extends { verify(): void | Promise<void> }>
  implements fc.AsyncCommand<S, S> {
  readonly label: string;
  readonly action: (sim: S) => Promise<void> | void;

  /**
   * @param label What `toString` shows in a counterexample.
   * @param action The step.
   */
  constructor(label: string, action: (sim: S) => Promise<void> | void) {
    this.label = label;
    this.action = action;
  }

  check(): boolean {
    return true;
  }

  async run(_model: S, sim: S): Promise<void> {
    await this.action(sim);
    await sim.verify();
  }

  toString(): string {
    return this.label;
  }
}

/** The error a poisoned object's reset throws in the model tests. */
export class ResetFault extends Error {
  readonly id: number;
  constructor(id: number) {
    super(`reset of object ${id} failed`);
    this.name = "ResetFault";
    this.id = id;
  }
}

/** The error a `use` callback throws in the model tests. */
export class UseFault extends Error {
  constructor() {
    super("fn failed");
    this.name = "UseFault";
  }
}

/** The value a command's random `index` picks from `values`, if any. */
export function pick<V>(values: readonly V[], index: number): V | undefined {
  return values.length === 0 ? undefined : values[index % values.length];
}

export { fc };
