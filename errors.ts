/**
 * The errors fastalloc throws. Every class extends {@linkcode FastAllocError},
 * names itself in its `name` field, and carries a message in the std style: sentence case, no
 * trailing period, the offending value quoted, what failed then why.
 *
 * ```ts
 * import { FixedPool, PoolEmptyError } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 1, factory: () => ({ x: 0 }) });
 * pool.acquire();
 * try {
 *   pool.acquire();
 * } catch (error) {
 *   console.log(error instanceof PoolEmptyError); // true
 * }
 * ```
 *
 * @module
 */

/**
 * The base class of every error fastalloc throws.
 *
 * @example Catch any pool error
 * ```ts
 * import { FastAllocError, FixedPool } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
 * pool.close();
 * try {
 *   pool.acquire();
 * } catch (error) {
 *   if (!(error instanceof FastAllocError)) throw error;
 * }
 * ```
 */
export class FastAllocError extends Error {
  /**
   * Makes an error with the given message.
   *
   * @param message What failed, then why.
   * @param options Standard error options, e.g. `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FastAllocError";
  }
}

/**
 * Thrown when a synchronous acquire finds nothing idle and cannot create an
 * object (fixed pool full, growing pool at its maximum, thread-safe pool with
 * every slot taken), and when an async acquire would exceed `maxWaiters`.
 *
 * @example
 * ```ts
 * import { FixedPool, PoolEmptyError } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
 * pool.acquire();
 * let empty = false;
 * try { pool.acquire(); } catch (e) { empty = e instanceof PoolEmptyError; }
 * console.log(empty); // true
 * ```
 */
export class PoolEmptyError extends FastAllocError {
  /** Always `"PoolEmptyError"`. */
  override name: string = "PoolEmptyError";
}

/**
 * Thrown by an acquire on a closed pool, and given to async waiters still
 * pending when their pool closes.
 *
 * @example
 * ```ts
 * import { FixedPool, PoolClosedError } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
 * pool.close();
 * let closed = false;
 * try { pool.acquire(); } catch (e) { closed = e instanceof PoolClosedError; }
 * console.log(closed); // true
 * ```
 */
export class PoolClosedError extends FastAllocError {
  /** Always `"PoolClosedError"`. */
  override name: string = "PoolClosedError";
}

/**
 * Thrown when an acquire with a timeout ran out of time.
 *
 * @example
 * ```ts
 * import { PoolTimeoutError } from "@fastalloc/fastalloc";
 *
 * const error = new PoolTimeoutError("Cannot acquire from pool: timed out after 50 ms", 50);
 * console.log(error.timeoutMs); // 50
 * ```
 */
export class PoolTimeoutError extends FastAllocError {
  /** Always `"PoolTimeoutError"`. */
  override name: string = "PoolTimeoutError";
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * Makes the error.
   *
   * @param message What failed, then why.
   * @param timeoutMs The timeout that ran out, in milliseconds.
   * @param options Standard error options.
   */
  constructor(message: string, timeoutMs: number, options?: ErrorOptions) {
    super(message, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Thrown by `release(x)` when the pool was built from a type and `x` is not an
 * instance of it.
 *
 * @example
 * ```ts
 * import { FixedPool, TypeMismatchError } from "@fastalloc/fastalloc";
 *
 * class Vec { x = 0; }
 * const pool = new FixedPool(Vec, { capacity: 4 });
 * try {
 *   pool.release({ x: 0 } as Vec);
 * } catch (e) {
 *   if (e instanceof TypeMismatchError) console.log(e.expectedType, e.actualType); // Vec Object
 * }
 * ```
 */
export class TypeMismatchError extends FastAllocError {
  /** Always `"TypeMismatchError"`. */
  override name: string = "TypeMismatchError";
  /** The name of the type the pool holds. */
  readonly expectedType: string;
  /** The name of the type that was given. */
  readonly actualType: string;

  /**
   * Makes the error.
   *
   * @param message What failed, then why.
   * @param types The expected and the actual type names.
   * @param options Standard error options.
   */
  constructor(
    message: string,
    types: { expectedType: string; actualType: string },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.expectedType = types.expectedType;
    this.actualType = types.actualType;
  }
}

/**
 * Thrown when a capacity, `maxCapacity` or `min` is not a positive safe
 * integer (`min` may be 0), or when `min > capacity` or
 * `maxCapacity < capacity`.
 *
 * @example
 * ```ts
 * import { FixedPool, InvalidCapacityError } from "@fastalloc/fastalloc";
 *
 * try {
 *   new FixedPool({ capacity: 0, factory: () => ({}) });
 * } catch (e) {
 *   if (e instanceof InvalidCapacityError) console.log(e.capacity); // 0
 * }
 * ```
 */
export class InvalidCapacityError extends FastAllocError {
  /** Always `"InvalidCapacityError"`. */
  override name: string = "InvalidCapacityError";
  /** The rejected value, as given. */
  readonly capacity: unknown;

  /**
   * Makes the error.
   *
   * @param message What failed, then why.
   * @param capacity The rejected value, as given.
   * @param options Standard error options.
   */
  constructor(message: string, capacity: unknown, options?: ErrorOptions) {
    super(message, options);
    this.capacity = capacity;
  }
}

/**
 * Thrown on a double release, and on any use of a handle after its release.
 *
 * @example
 * ```ts
 * import { AlreadyReleasedError, FixedPool } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
 * const obj = pool.acquire();
 * pool.release(obj);
 * try { pool.release(obj); } catch (e) { console.log(e instanceof AlreadyReleasedError); } // true
 * ```
 */
export class AlreadyReleasedError extends FastAllocError {
  /** Always `"AlreadyReleasedError"`. */
  override name: string = "AlreadyReleasedError";
}

/**
 * Thrown by `release(x)` when `x` was never handed out by this pool. It
 * extends {@linkcode AlreadyReleasedError}, so code that treats "not mine to
 * release" as one case can catch that class alone.
 *
 * @example
 * ```ts
 * import { FixedPool, ForeignObjectError } from "@fastalloc/fastalloc";
 *
 * const pool = new FixedPool({ capacity: 1, factory: () => ({}) });
 * try { pool.release({}); } catch (e) { console.log(e instanceof ForeignObjectError); } // true
 * ```
 */
export class ForeignObjectError extends AlreadyReleasedError {
  /** Always `"ForeignObjectError"`. */
  override name: string = "ForeignObjectError";
}

/**
 * Thrown for pool, builder, decorator or growth settings that are missing,
 * of the wrong type, conflicting or out of range.
 *
 * @example
 * ```ts
 * import { linearGrowth, PoolConfigurationError } from "@fastalloc/fastalloc";
 *
 * try {
 *   linearGrowth({ increment: 0 });
 * } catch (e) {
 *   console.log(e instanceof PoolConfigurationError); // true
 * }
 * ```
 */
export class PoolConfigurationError extends FastAllocError {
  /** Always `"PoolConfigurationError"`. */
  override name: string = "PoolConfigurationError";
}
