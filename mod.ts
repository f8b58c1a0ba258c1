/**
 * fastalloc: object pools for TypeScript that make hot loops garbage-free,
 * build expensive objects once, and hand shared-memory objects between
 * workers — close to the speed of a bare array, and safe: double releases,
 * foreign objects, stale handles and leaks are all caught.
 *
 * ## Quick start
 *
 * ```ts
 * import { FixedPool, StatsReporter } from "@fastalloc/fastalloc";
 *
 * class Bullet {
 *   x = 0;
 *   y = 0;
 *   reset() { this.x = this.y = 0; }
 * }
 *
 * const bullets = new FixedPool(Bullet, { capacity: 256, reset: "reset", enableStatistics: true });
 *
 * // The fast path: acquire and release by hand …
 * const b = bullets.acquire();
 * b.x = 10;
 * bullets.release(b);
 *
 * // … or scoped, allocation-free:
 * bullets.use((bullet) => { bullet.y = 3; });
 *
 * // … or with a handle and `using`:
 * {
 *   using h = bullets.allocate();
 *   h.value.x = 1;
 * }
 *
 * console.log(new StatsReporter(bullets.stats()).summary());
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./allocators/mod.ts";
export * from "./config/mod.ts";
export * from "./handles/mod.ts";
export * from "./stats/mod.ts";
export * from "./pools/mod.ts";
