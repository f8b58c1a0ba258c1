/**
 * Configuration: growth strategies and the validation of every pool option.
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
export { exponentialGrowth, linearGrowth, validateGrowth } from "./growth.ts";
export type {
  AllocatorKind,
  GrowingPoolOptions,
  GrowingPoolSettings,
  LeakInfo,
  PoolOptions,
  PoolSettings,
  PoolType,
  StatisticsOptions,
  StatisticsSettings,
} from "./options.ts";
export {
  checkAllocator,
  checkBoolean,
  checkCapacity,
  checkFunction,
  checkNumber,
  checkOptionKeys,
  checkType,
  validateGrowingPoolOptions,
  validatePoolOptions,
  validateStatistics,
} from "./options.ts";
export {
  type AcquireOptions,
  type AsyncPoolOptions,
  type AsyncPoolSettings,
  type DrainOptions,
  validateAcquireOptions,
  validateAsyncPoolOptions,
  validateDrainOptions,
} from "./async_options.ts";
export {
  slotByteLength,
  type SlotFactory,
  type SlotType,
  type ThreadSafeAttachOptions,
  type ThreadSafeAttachSettings,
  type ThreadSafePoolOptions,
  type ThreadSafePoolSettings,
  validateThreadSafeAttachOptions,
  validateThreadSafePoolOptions,
} from "./thread_safe_options.ts";
