/**
 * The worker side of `bench/thread_safe_bench.ts`: `thread_safe_bench_worker.ts`
 * is its entry module; {@linkcode Particle} is the pooled shared-memory type
 * and {@linkcode SpinLockPool} the naive spin-locked baseline.
 *
 * @module
 */

export { Particle, SpinLockPool } from "./spin_lock_pool.ts";
