/**
 * Forces a full garbage collection on Deno (`--v8-flags=--expose-gc`), Node
 * (`--expose-gc`) and Bun (`Bun.gc(true)`), then yields to the event loop so
 * `FinalizationRegistry` callbacks get to run. Private to the tests.
 *
 * @module
 */

type BunGlobal = { gc(force: boolean): void };

/** Yields to the event loop once (a macrotask, so finalizers can run). */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Forces one full collection and yields a few times. It yields first too:
 * `WeakRef.prototype.deref` and `new WeakRef` keep their target alive until
 * the current job ends, so a collection in the same job would miss it.
 *
 * @throws {Error} If the runtime was started without a way to force GC.
 */
export async function forceGc(): Promise<void> {
  await tick();
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  if (bun !== undefined && typeof bun.gc === "function") {
    bun.gc(true);
  } else {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (typeof gc !== "function") {
      throw new Error(
        "Cannot force garbage collection: run Deno with --v8-flags=--expose-gc or Node with --expose-gc",
      );
    }
    gc();
  }
  for (let i = 0; i < 3; i++) await tick();
}

/**
 * Forces collections (each followed by yields) until `done()` is true or
 * `maxRounds` collections have run. Never hangs.
 *
 * @param done The condition to wait for, e.g. "the leak was reported".
 * @param maxRounds The bound on collections.
 * @returns Whether `done()` became true.
 */
export async function gcUntil(
  done: () => boolean,
  maxRounds = 50,
): Promise<boolean> {
  for (let round = 0; round < maxRounds; round++) {
    if (done()) return true;
    await forceGc();
    if (round > 5) await tick(5);
  }
  return done();
}
