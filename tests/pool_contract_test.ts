/**
 * The `Pool<T>` contract (tests/_pool_contract.ts) on every pool of its list,
 * `CONTRACT_POOLS`.
 *
 * @module
 */

import { CONTRACT_POOLS, poolContract } from "./_pool_contract.ts";

for (const pool of CONTRACT_POOLS) poolContract(pool);
