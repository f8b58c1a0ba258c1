/**
 * TEMPORARY, for the `sync` branch alone: declares the key members of
 * `Pool<T>` on `ThreadSafePool` so this branch type-checks before the
 * ThreadSafePool branch (which implements them) is merged. Delete this file
 * and its import in `pool.ts` when merging. Private to `pools/`.
 *
 * @module
 */

declare module "./thread_safe_pool.ts" {
  interface ThreadSafePool<T extends object = Uint8Array> {
    discard(obj: T): void;
    acquireKey(): number;
    objectOf(key: number): T;
    releaseKey(key: number): void;
    discardKey(key: number): void;
    keyOf(obj: T): number;
    isLive(key: number): boolean;
    // Repeated here: merging loses the class's own symbol-keyed member in
    // some type-check orders.
    [Symbol.dispose](): void;
  }
}

export {};
