/**
 * Worker entry modules for the tests (each started by `spawnWorker`), and the
 * pieces they share: {@linkcode listen}, the worker side of the message API,
 * and {@linkcode Cell}, the shared-memory type the thread-safe tests pool.
 *
 * @module
 */

export { listen, type Port } from "./listen.ts";
export { Cell } from "./cell.ts";
