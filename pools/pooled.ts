/**
 * {@linkcode pooled}: a TC39 class decorator that gives a class its own pool
 * as a static `pool` property, and {@linkcode installPool}, the same without
 * decorator syntax or a decorator context.
 *
 * @module
 */

import type { PoolType } from "../config/options.ts";
import { PoolConfigurationError } from "../errors.ts";
import { className, quote } from "../quote.ts";
import { isOptions } from "../config/_option_keys.ts";
import type { AsyncPool } from "./async_pool.ts";
import type { BuiltPool, Pool } from "./builder.ts";
import type { PoolBlueprint } from "./pool_blueprint.ts";
import { buildPool, checkBlueprint } from "./_build_pool.ts";

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
 * can use the `@` syntax. Where there is no decorator syntax (Node's type
 * stripping, a plain JavaScript build), call {@linkcode installPool} instead:
 * it needs no decorator context. The decorator installs the pool from the
 * context's `addInitializer`; until that initializer has run, reading the
 * class's `pool` throws `PoolConfigurationError` (so a hand-made context whose
 * `addInitializer` does nothing fails loudly instead of leaving `pool`
 * undefined).
 *
 * @typeParam O The settings' type (so `async: true` types the pool as `AsyncPool`).
 * @param options The pool settings.
 * @returns The class decorator.
 * @throws {PoolConfigurationError} If `options` is not an object, or for
 * unknown, missing or conflicting settings; the decorator itself throws it
 * when its context is not a class decorator context.
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
 * @example Without decorator syntax: {@linkcode installPool}
 * ```ts
 * import { installPool, type Pool } from "@fastalloc/fastalloc";
 *
 * class Job {
 *   declare static pool: Pool<Job>;
 *   id = 0;
 *   reset() { this.id = 0; }
 * }
 * installPool(Job, { capacity: 16, reset: "reset" });
 * Job.pool.release(Job.pool.acquire());
 * ```
 */
export function pooled<const O extends PooledOptions<object>>(
  options: O,
): PooledDecorator<O> {
  checkPooledOptions(options, "@pooled class");
  return <C extends PoolType<object>>(
    target: C & { pool: PooledPool<InstanceType<C>, O> },
    context: ClassDecoratorContext<C>,
  ): void => {
    const kind: unknown = context !== null && typeof context === "object"
      ? context.kind
      : undefined;
    const addInitializer: unknown = kind === "class"
      ? context.addInitializer
      : undefined;
    if (typeof addInitializer !== "function") {
      throw new PoolConfigurationError(
        `Cannot build @pooled class: context ${
          quote(context)
        } is not a class decorator context (without decorator syntax, call installPool(Class, options))`,
      );
    }
    if (typeof target !== "function") {
      throw new PoolConfigurationError(
        `Cannot build @pooled class: target ${quote(target)} is not a class`,
      );
    }
    const name = describeClass(target);
    // Until the initializer runs, `pool` says why it is missing: a context
    // whose addInitializer does nothing must not leave it undefined.
    Object.defineProperty(target, "pool", {
      get(): never {
        throw new PoolConfigurationError(
          `Cannot use the pool of @pooled ${name}: the decorator's initializer has not run (the context's addInitializer did nothing; without decorator syntax, call installPool(Class, options))`,
        );
      },
      enumerable: false,
      configurable: true,
    });
    context.addInitializer(function (this: C): void {
      definePool(target, options, `@pooled ${name}`);
    });
  };
}

/**
 * Gives a class its pool as a static `pool`, exactly as `@pooled(options)`
 * would, without decorator syntax or a decorator context: the by-hand form
 * for Node's type stripping and plain JavaScript. Declare the property so
 * TypeScript checks it: `declare static pool: Pool<Job>`.
 *
 * @typeParam C The class.
 * @typeParam O The settings' type (so `async: true` types the pool as `AsyncPool`).
 * @param type The class; its instances are the pooled objects.
 * @param options The pool settings, as for {@linkcode pooled}.
 * @returns The pool now installed as `type.pool`.
 * @throws {PoolConfigurationError} If `type` is not a class, already has its
 * own static `pool`, or for unknown, missing or conflicting settings.
 * @throws {InvalidCapacityError} For a bad capacity.
 *
 * @example
 * ```ts
 * import { AsyncPool, installPool, type Pool } from "@fastalloc/fastalloc";
 *
 * class Vec {
 *   declare static pool: Pool<Vec>;
 *   x = 0;
 * }
 * const pool = installPool(Vec, { capacity: 64 });
 * console.log(pool === Vec.pool, Vec.pool.acquire() instanceof Vec); // true true
 *
 * class Conn {
 *   declare static pool: AsyncPool<Conn>;
 * }
 * installPool(Conn, { capacity: 2, async: true });
 * console.log(Conn.pool instanceof AsyncPool); // true
 * await Conn.pool.close();
 * ```
 */
export function installPool<
  C extends PoolType<object>,
  const O extends PooledOptions<InstanceType<C>>,
>(type: C, options: O): PooledPool<InstanceType<C>, O> {
  if (typeof type !== "function") {
    throw new PoolConfigurationError(
      `Cannot install pool: type ${quote(type)} is not a class`,
    );
  }
  const where = `pool of ${describeClass(type)}`;
  checkPooledOptions(options, where);
  if (Object.hasOwn(type, "pool")) {
    throw new PoolConfigurationError(
      `Cannot build ${where}: it already has a static "pool"`,
    );
  }
  return definePool(type, options, where) as PooledPool<InstanceType<C>, O>;
}

/**
 * `class "Name"`, or `a class` when it has no plain name: read without
 * running a user's `static get name()`.
 */
function describeClass(type: PoolType<object>): string {
  const name = className(type);
  return name !== "" ? `class ${quote(name)}` : "a class";
}

/** Rejects settings `pooled` and `installPool` cannot use, before any class. */
function checkPooledOptions(options: unknown, where: string): void {
  if (!isOptions(options)) {
    throw new PoolConfigurationError(
      `Cannot build ${where}: options ${quote(options)} are not an object`,
    );
  }
  if ("type" in options) {
    // The class is the type; a second one would be dropped.
    throw new PoolConfigurationError(
      `Cannot build ${where}: option ${
        quote("type")
      } is unknown (the class is the type)`,
    );
  }
  checkBlueprint({ ...options, type: Object }, where);
}

/** Builds the class's pool and installs it as its static `pool`. */
function definePool(
  type: PoolType<object>,
  options: object,
  where: string,
): Pool<object> | AsyncPool<object> {
  const pool = buildPool<object>(
    { ...options, type } as PoolBlueprint<object>,
    where,
  );
  Object.defineProperty(type, "pool", {
    value: pool,
    writable: false,
    enumerable: true,
    configurable: true,
  });
  return pool;
}
