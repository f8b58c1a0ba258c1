/**
 * Configuration: growth strategies and the option types of every pool (their
 * validation is the library's own business and is not exported).
 *
 * ```ts
 * import { linearGrowth } from "@fastalloc/fastalloc/config";
 *
 * console.log(linearGrowth({ increment: 5 }).nextCapacity(5)); // 10
 * ```
 *
 * @module
 */

export type {
  ExponentialGrowthOptions,
  GrowthConfig,
  LinearGrowthOptions,
} from "./growth.ts";
export { exponentialGrowth, linearGrowth } from "./growth.ts";
export type {
  AllocatorKind,
  GrowingPoolOptions,
  LeakInfo,
  PoolOptions,
  PoolType,
  StatisticsOptions,
  StatisticsSettings,
} from "./options.ts";
export type { AcquireOptions } from "./wait_options.ts";
export type { AsyncPoolOptions, DrainOptions } from "./async_options.ts";
export type {
  SlotFactory,
  SlotType,
  ThreadSafeAttachOptions,
  ThreadSafePoolOptions,
} from "./thread_safe_options.ts";
