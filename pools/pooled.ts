/**
 * {@linkcode pooled}: a TC39 class decorator that gives a class its own pool
 * as a static `pool` property.
 *
 * @module
 */

import type { PoolType } from "../config/options.ts";
import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";
import type { AsyncPool } from "./async_pool.ts";
import type { Pool } from "./pool.ts";
import {
  buildPool,
  type BuiltPool,
  checkBlueprint,
  type PoolBlueprint,
} from "./builder.ts";

/**
 * The settings of {@linkcode pooled}: a {@linkcode PoolBlueprint} without the type (the class is the type).
 *
 * @example
 * ```ts
 * import { type Pool, pooled, type PooledOptions } from "@fastalloc/fastalloc";
 *
 * const options: PooledOptions<object> = { capacity: 8, reset: "reset" };
 * @pooled(options)
 * class Job {
 *   declare static pool: Pool<Job>;
 *   id = 0;
 *   reset() { this.id = 0; }
 * }
 * console.log(Job.pool.capacity); // 8
 * ```
 */
export type PooledOptions<T> = Omit<PoolBlueprint<T>, "type">;

/**
 * The pool `@pooled(options)` installs for instances of type `I`.
 *
 * @example An async pool, from `async: true`
 * ```ts
 * import { pooled, type PooledPool } from "@fastalloc/fastalloc";
 *
 * const options = { capacity: 2, async: true } as const;
 * @pooled(options)
 * class Conn {
 *   declare static pool: PooledPool<Conn, typeof options>; // an AsyncPool<Conn>
 * }
 * console.log(await Conn.pool.use((conn) => conn instanceof Conn)); // true
 * await Conn.pool.close();
 * ```
 */
export type PooledPool<I extends object, O> = BuiltPool<
  I,
  O extends { async: true } ? true : false
>;

/**
 * The decorator `pooled(options)` returns.
 *
 * @example
 * ```ts
 * import { type Pool, pooled, type PooledDecorator } from "@fastalloc/fastalloc";
 *
 * const options = { capacity: 4 };
 * const decorate: PooledDecorator<typeof options> = pooled(options);
 * @decorate
 * class Vec {
 *   declare static pool: Pool<Vec>;
 *   x = 0;
 * }
 * console.log(Vec.pool.acquire() instanceof Vec); // true
 * ```
 */
export type PooledDecorator<O> = <C extends PoolType<object>>(
  target: C & { pool: PooledPool<InstanceType<C>, O> },
  context: ClassDecoratorContext<C>,
) => void;

/**
 * Installs a pool of the decorated class as its static `pool`, built as
 * `Pool.builder()` would from the same settings with `type` set to the class.
 * Declare the property so TypeScript checks it:
 * `declare static pool: Pool<Worker>` (`AsyncPool<Worker>` with `async: true`).
 * Conflicting settings throw `PoolConfigurationError` when `pooled(...)` is
 * evaluated; values the chosen pool rejects throw when the class is defined.
 *
 * Runtimes that run decorators natively (Deno, Bun, TypeScript's compiler)
 * can use the `@` syntax; elsewhere call it by hand (see the second example).
 *
 * @typeParam O The settings' type (so `async: true` types the pool as `AsyncPool`).
 * @param options The pool settings.
 * @returns The class decorator.
 * @throws {PoolConfigurationError} If `options` is not an object, or for
 * unknown, missing or conflicting settings.
 *
 * @example With decorator syntax (Deno, Bun)
 * ```ts
 * import { type Pool, pooled } from "@fastalloc/fastalloc";
 *
 * @pooled({ capacity: 1000, threadSafe: true })
 * class Worker {
 *   declare static pool: Pool<Worker>;
 * }
 * const w = Worker.pool.get();
 * Worker.pool.release(w);
 * ```
 *
 * @example Without decorator syntax (Node's type stripping)
 * ```ts
 * import { type Pool, pooled } from "@fastalloc/fastalloc";
 *
 * class Job {
 *   declare static pool: Pool<Job>;
 *   id = 0;
 *   reset() { this.id = 0; }
 * }
 * pooled({ capacity: 16, reset: "reset" })(Job, {
 *   kind: "class",
 *   name: "Job",
 *   addInitializer: (init) => init.call(Job),
 *   metadata: {},
 * } as ClassDecoratorContext<typeof Job>);
 * Job.pool.release(Job.pool.acquire());
 * ```
 */
export function pooled<const O extends PooledOptions<object>>(
  options: O,
): PooledDecorator<O> {
  if (options === null || typeof options !== "object") {
    throw new PoolConfigurationError(
      `Cannot build @pooled class: options ${quote(options)} are not an object`,
    );
  }
  if ("type" in options) {
    // The decorated class is the type; a second one would be dropped.
    throw new PoolConfigurationError(
      `Cannot build @pooled class: option ${
        quote("type")
      } is unknown (the decorated class is the type)`,
    );
  }
  const settings = { ...options, type: Object } as PoolBlueprint<object>;
  checkBlueprint(settings, "@pooled class");
  return <C extends PoolType<object>>(
    target: C & { pool: PooledPool<InstanceType<C>, O> },
    context: ClassDecoratorContext<C>,
  ): void => {
    context.addInitializer(function (this: C): void {
      const pool = buildPool<InstanceType<C>>(
        { ...options, type: target } as unknown as PoolBlueprint<
          InstanceType<C>
        >,
        `@pooled class ${String(context.name)}`,
      );
      Object.defineProperty(this, "pool", {
        value: pool as Pool<object> | AsyncPool<object>,
        writable: false,
        enumerable: true,
        configurable: true,
      });
    });
  };
}
