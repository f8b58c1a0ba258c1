/**
 * {@linkcode ThreadLocalPoolDescriptor}: what `ThreadLocalPool.share()`
 * hands to workers, and its life: making a family's descriptor (and
 * buffer), checking one that arrived by `postMessage`, and turning it into
 * a worker's pool options. Private to `pools/` (the type is public, through
 * `thread_local_pool.ts`).
 *
 * @module
 */

import type {
  AllocatorKind,
  PoolOptions,
  StatisticsSettings,
} from "../config/options.ts";
import { checkCapacity, type PoolSettings } from "../config/_options.ts";
import { InvalidCapacityError, PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import { isOptions } from "../config/_option_keys.ts";
import { familyBytes } from "./_thread_local_rows.ts";
import { checkSharedMemory } from "./_shared_memory.ts";

const KIND = "fastalloc.ThreadLocalPool";
/** The most threads a family may have (its rows take 192 bytes each). */
const MAX_THREADS = 65_536;

/**
 * What `share()` returns: structured-cloneable, for `postMessage`.
 *
 * @example
 * ```ts
 * import { ThreadLocalPool, type ThreadLocalPoolDescriptor } from "@fastalloc/fastalloc";
 *
 * const pool = new ThreadLocalPool({ capacity: 8, factory: () => ({}) });
 * const descriptor: ThreadLocalPoolDescriptor = structuredClone(pool.share()); // as postMessage delivers it
 * console.log(descriptor.kind, descriptor.capacity, descriptor.allocator); // fastalloc.ThreadLocalPool 8 stack
 * const local = ThreadLocalPool.attach(descriptor, { factory: () => ({}) }); // in the worker
 * console.log(local.threadId); // 1
 * ```
 */
export interface ThreadLocalPoolDescriptor {
  /** Always `"fastalloc.ThreadLocalPool"`. */
  readonly kind: "fastalloc.ThreadLocalPool";
  /** The counter rows. */
  readonly buffer: SharedArrayBuffer;
  /** The per-thread capacity. */
  readonly capacity: number;
  /** How many rows the buffer has. */
  readonly maxThreads: number;
  /** The allocator kind every thread uses. */
  readonly allocator: AllocatorKind;
  /** Whether each thread creates its objects up front. */
  readonly preInitialize: boolean;
  /** The statistics settings every thread uses. */
  readonly statistics: StatisticsSettings;
  /** The reset method name, when the creator gave one. */
  readonly resetMethod: string | undefined;
}

/**
 * Makes a new family: its buffer and its descriptor.
 *
 * @typeParam T The pooled object type.
 * @param settings The creator's validated options.
 * @param maxThreads The `maxThreads` option (default 64).
 * @returns The descriptor.
 * @throws {InvalidCapacityError} For a bad `maxThreads`.
 * @throws {PoolConfigurationError} Where there is no `SharedArrayBuffer`.
 *
 * @example
 * ```ts
 * import { newDescriptor } from "./_thread_local_descriptor.ts";
 * import { validatePoolOptions } from "../config/_options.ts";
 *
 * const settings = validatePoolOptions(undefined, { capacity: 2, factory: () => ({}) }, "ThreadLocalPool");
 * console.log(newDescriptor(settings, 4).maxThreads); // 4
 * ```
 */
export function newDescriptor<T>(
  settings: PoolSettings<T>,
  maxThreads: number | undefined,
): ThreadLocalPoolDescriptor {
  const threads = maxThreads === undefined
    ? 64
    : checkCapacity(maxThreads, "maxThreads", "ThreadLocalPool");
  if (threads > MAX_THREADS) {
    throw new InvalidCapacityError(
      `Cannot create ThreadLocalPool: maxThreads ${
        quote(threads)
      } is more than ${quote(MAX_THREADS)}`,
      threads,
    );
  }
  checkSharedMemory("create", "ThreadLocalPool");
  return {
    kind: KIND,
    buffer: new SharedArrayBuffer(familyBytes(threads)),
    capacity: settings.capacity,
    maxThreads: threads,
    allocator: settings.allocator,
    preInitialize: settings.preInitialize,
    statistics: settings.statistics,
    resetMethod: settings.resetMethod,
  };
}

/**
 * Checks that `value` is a descriptor from `share()` (its buffer the size
 * its `maxThreads` needs), without running user code.
 *
 * @param value What `attach` was given.
 * @returns The descriptor.
 * @throws {PoolConfigurationError} If it is not one, or where there is no
 * `SharedArrayBuffer`.
 *
 * @example
 * ```ts
 * import { checkDescriptor } from "./_thread_local_descriptor.ts";
 *
 * try {
 *   checkDescriptor({ kind: "nope" });
 * } catch (error) {
 *   console.log((error as Error).message); // Cannot attach ThreadLocalPool: an object is not a descriptor from ThreadLocalPool.share()
 * }
 * ```
 */
export function checkDescriptor(value: unknown): ThreadLocalPoolDescriptor {
  // First: where it is missing, `instanceof SharedArrayBuffer` is a bare ReferenceError.
  checkSharedMemory("attach", "ThreadLocalPool");
  const d = value as Partial<ThreadLocalPoolDescriptor> | null;
  if (
    !isOptions(d) || d.kind !== KIND ||
    !(d.buffer instanceof SharedArrayBuffer) ||
    typeof d.maxThreads !== "number" ||
    d.buffer.byteLength !== familyBytes(d.maxThreads)
  ) {
    throw new PoolConfigurationError(
      `Cannot attach ThreadLocalPool: ${
        quote(value)
      } is not a descriptor from ThreadLocalPool.share()`,
    );
  }
  return d as ThreadLocalPoolDescriptor;
}

/**
 * A worker's pool options: the shared settings of the descriptor, overridden
 * by the functions the worker gives (which cannot be shared).
 *
 * @typeParam T The pooled object type.
 * @param d A checked descriptor.
 * @param given The worker's functions (checked by the caller).
 * @returns The options for the worker's pool.
 *
 * @example
 * ```ts
 * import { attachOptions, newDescriptor } from "./_thread_local_descriptor.ts";
 * import { validatePoolOptions } from "../config/_options.ts";
 *
 * const settings = validatePoolOptions(undefined, { capacity: 2, factory: () => ({}), reset: "clear" }, "ThreadLocalPool");
 * const options = attachOptions(newDescriptor(settings, 4), {});
 * console.log(options.capacity, options.reset, options.enableStatistics); // 2 clear false
 * ```
 */
export function attachOptions<T>(
  d: ThreadLocalPoolDescriptor,
  given: Partial<PoolOptions<T>>,
): PoolOptions<T> {
  const shared: PoolOptions<T> = {
    capacity: d.capacity,
    allocator: d.allocator,
    preInitialize: d.preInitialize,
    enableStatistics: d.statistics.enabled
      ? { timing: d.statistics.timing, sampleRate: d.statistics.sampleRate }
      : false,
  };
  if (d.resetMethod !== undefined) shared.reset = d.resetMethod;
  return { ...shared, ...given };
}
