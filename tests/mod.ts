/**
 * The test suite's shared helpers, for tests and examples: spawning a worker
 * the same way on Deno, Bun and Node, forcing a garbage collection on each,
 * and checking that a failed call left a pool unchanged. The tests
 * themselves are the `*_test.ts` files beside this module (listed, with what
 * each covers, in `tests/README.md`); they run unchanged under `deno test`,
 * `bun test` and `node --test`.
 *
 * @module
 */

export {
  DEFAULT_TIMEOUT_MS,
  type SpawnedWorker,
  spawnWorker,
} from "./spawn_worker.ts";
export { listen, type Port } from "./workers/listen.ts";
