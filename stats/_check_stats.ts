/**
 * Checks that a value is a statistics snapshot. Private to `stats/`.
 *
 * @module
 */

import type { PoolStats } from "./pool_stats.ts";
import { quote } from "../quote.ts";
import { isOptions } from "../config/_option_keys.ts";
import { disabledStats } from "./_disabled_stats.ts";

/**
 * Throws unless `value` looks like a {@linkcode PoolStats}: an object with
 * a boolean `enabled` and every counter a non-negative finite number.
 */
export function checkStats(value: unknown, action: string): PoolStats {
  if (!isOptions(value)) {
    throw new TypeError(
      `Cannot ${action}: ${quote(value)} is not a statistics snapshot`,
    );
  }
  const s = value as Record<string, unknown>;
  if (typeof s.enabled !== "boolean") {
    throw new TypeError(
      `Cannot ${action}: its enabled ${quote(s.enabled)} is not a boolean`,
    );
  }
  // The numeric fields are those of any snapshot, read off one (so this list
  // cannot fall behind PoolStats).
  for (const field of Object.keys(disabledStats(0, 0))) {
    if (field === "enabled") continue;
    const n = s[field];
    if (typeof n !== "number" || !(n >= 0) || n === Infinity) {
      throw new TypeError(
        `Cannot ${action}: its ${field} ${
          quote(n)
        } is not a non-negative finite number`,
      );
    }
  }
  return value as PoolStats;
}
