/**
 * Test helper: the clear errors a thread pool must give where
 * `SharedArrayBuffer` is unavailable, checked the same way for every pool.
 * Private to the tests.
 *
 * @module
 */

import assert from "node:assert/strict";

/**
 * Asserts that `lines` are exactly the two errors of `pool` without
 * `SharedArrayBuffer` (on create, then on attach), each a
 * `PoolConfigurationError` naming both headers a page needs.
 */
export function assertNoSharedMemoryErrors(
  lines: string[],
  pool: string,
  output: string,
): void {
  assert.equal(lines.length, 2, output);
  assert.match(
    lines[0]!,
    new RegExp(
      `^PoolConfigurationError: Cannot create ${pool}: SharedArrayBuffer is unavailable`,
    ),
  );
  assert.match(
    lines[1]!,
    new RegExp(
      `^PoolConfigurationError: Cannot attach ${pool}: SharedArrayBuffer is unavailable`,
    ),
  );
  for (const line of lines) {
    assert.ok(
      line.includes('"Cross-Origin-Opener-Policy: same-origin"'),
      line,
    );
    assert.ok(
      line.includes('"Cross-Origin-Embedder-Policy: require-corp"'),
      line,
    );
  }
}
