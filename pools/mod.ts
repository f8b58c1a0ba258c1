/**
 * Pools: {@linkcode FixedPool} and {@linkcode GrowingPool} (single thread,
 * synchronous), sharing {@linkcode BasePool}, behind the {@linkcode Pool}
 * interface.
 *
 * ```ts
 * import { FixedPool } from "@fastalloc/fastalloc/pools";
 *
 * const pool = new FixedPool({ capacity: 16, factory: () => ({ x: 0 }) });
 * pool.release(pool.acquire());
 * ```
 *
 * @module
 */

export type { BuiltPool, PoolStatic } from "./builder.ts";
export { Pool, PoolBuilder } from "./builder.ts";
export { BasePool } from "./base_pool.ts";
export { FixedPool } from "./fixed_pool.ts";
export { GrowingPool } from "./growing_pool.ts";
export { AsyncPool, type PoolEventListener } from "./async_pool.ts";
export type {
  ThreadLocalAttachOptions,
  ThreadLocalPoolDescriptor,
  ThreadLocalPoolOptions,
  ThreadPoolStats,
} from "./thread_local_pool.ts";
export { ThreadLocalPool } from "./thread_local_pool.ts";
export {
  type AcquireAsyncOptions,
  ThreadSafePool,
  type ThreadSafePoolDescriptor,
} from "./thread_safe_pool.ts";
export type { PoolBlueprint } from "./pool_blueprint.ts";
export type { PooledDecorator, PooledOptions, PooledPool } from "./pooled.ts";
export { installPool, pooled } from "./pooled.ts";
export type { PoolEventInit, PoolEventType } from "./pool_event.ts";
export { PoolEvent } from "./pool_event.ts";
