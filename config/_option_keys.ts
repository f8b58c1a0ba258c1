/**
 * {@linkcode checkOptionKeys}: the one check that an options object is an
 * object and names no unknown option, private to the library (every pool,
 * growth strategy and statistics option uses it).
 *
 * @module
 */

import { PoolConfigurationError } from "../errors.ts";
import { quote } from "../quote.ts";

/**
 * Whether `options` can be read as an options object: an object, and not a
 * revoked Proxy (every read of one throws an engine `TypeError` that names
 * no option). Runs no user code: a live Proxy's traps are not called.
 *
 * @param options The options as given.
 * @returns `false` when they must be refused as "not an object".
 *
 * @example
 * ```ts
 * import { isOptions } from "./_option_keys.ts";
 *
 * const { proxy, revoke } = Proxy.revocable({}, {});
 * revoke();
 * console.log(isOptions({}), isOptions(null), isOptions(proxy)); // true false false
 * ```
 */
export function isOptions(options: unknown): options is object {
  return typeof options === "object" && options !== null &&
    quote(options) !== "a revoked Proxy";
}

/**
 * Throws unless `options` is a plain options object whose keys are all in
 * `allowed`: a misspelt option is an error, not silently ignored.
 *
 * @param options The options as given.
 * @param allowed Every key the caller accepts.
 * @param where The name of what is being created, for the message.
 * @throws {PoolConfigurationError} If `options` is not an object or has an unknown key.
 *
 * @example
 * ```ts
 * import { checkOptionKeys } from "./_option_keys.ts";
 *
 * checkOptionKeys({ capacity: 1 }, ["capacity"], "FixedPool"); // fine
 * ```
 */
export function checkOptionKeys(
  options: unknown,
  allowed: readonly string[],
  where: string,
): asserts options is Record<string, unknown> {
  if (!isOptions(options)) {
    throw new PoolConfigurationError(
      `Cannot create ${where}: options ${quote(options)} are not an object`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new PoolConfigurationError(
        `Cannot create ${where}: option ${quote(key)} is unknown`,
      );
    }
  }
}
