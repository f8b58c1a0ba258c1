/**
 * The `Pool<T>` contract (tests/_pool_contract.ts) on every pool of its list,
 * `CONTRACT_POOLS`, which must name all four synchronous pools.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CONTRACT_POOLS, poolContract } from "./_pool_contract.ts";

describe("the Pool<T> contract", () => {
  it("runs on every synchronous pool", () => {
    assert.deepEqual(
      CONTRACT_POOLS.map((pool) => pool.name).sort(),
      ["FixedPool", "GrowingPool", "ThreadLocalPool", "ThreadSafePool"],
    );
  });
});

for (const pool of CONTRACT_POOLS) poolContract(pool);
