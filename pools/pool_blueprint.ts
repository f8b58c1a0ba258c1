/**
 * {@linkcode PoolBlueprint}: every setting a pool description can hold —
 * what {@linkcode PoolBuilder} collects and `pooled` takes — before a pool
 * kind is chosen.
 *
 * @module
 */

import type { GrowthConfig } from "../config/growth.ts";
import type {
  AllocatorKind,
  PoolType,
  StatisticsOptions,
} from "../config/options.ts";

/**
 * Everything a {@linkcode PoolBuilder} or `@pooled` can be told.
 *
 * @example
 * ```ts
 * import { GrowingPool, installPool, type PoolBlueprint } from "@fastalloc/fastalloc";
 *
 * class Item { id = 0; }
 * const settings: PoolBlueprint<Item> = {
 *   capacity: 4,
 *   maxCapacity: 16,
 *   reset: (item) => { item.id = 0; },
 * };
 * const pool = installPool(Item, settings);
 * console.log(pool instanceof GrowingPool, pool.acquire() instanceof Item); // true true
 * ```
 */
export interface PoolBlueprint<T> {
  /** The class of the pooled objects. */
  type?: PoolType<T> | undefined;
  /** Makes a new object; overrides `new Type()`. */
  factory?: (() => T) | undefined;
  /** How many objects may be lent at once (per thread for a thread-local pool). */
  capacity?: number | undefined;
  /** Makes a growing pool that never grows past this. */
  maxCapacity?: number | undefined;
  /** Makes a growing pool that grows this way. */
  growth?: GrowthConfig | undefined;
  /** Create every object up front. */
  preInitialize?: boolean | undefined;
  /** Cleans an object on release: a function or a method name. */
  reset?: ((obj: T) => void) | string | undefined;
  /** Called for every object the pool retires (it leaves the pool for good). */
  destroy?: ((obj: T) => void) | undefined;
  /** The idle-object structure. */
  allocator?: AllocatorKind | undefined;
  /** Collect statistics. */
  enableStatistics?: boolean | StatisticsOptions | undefined;
  /** Build a {@linkcode ThreadSafePool}. */
  threadSafe?: boolean | undefined;
  /** Build a {@linkcode ThreadLocalPool}. */
  threadLocal?: boolean | undefined;
  /** Build an {@linkcode AsyncPool}. */
  async?: boolean | undefined;
}
