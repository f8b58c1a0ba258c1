/**
 * Worker for `tests/thread_local_pool_test.ts`: attaches to a ThreadLocalPool
 * family and runs a known number of cycles, or hands an object to the parent.
 *
 * @module
 */

import { ThreadLocalPool } from "../../mod.ts";
import { listen } from "./listen.ts";

interface Item {
  id: number;
  owner: number;
}

let pool: ThreadLocalPool<Item> | undefined;

await listen((data, port) => {
  const message = data as {
    op: "attach" | "cycles" | "handOver" | "stats";
    descriptor?: never;
    cycles?: number;
    hold?: number;
  };
  if (message.op === "attach") {
    let next = 0;
    pool = ThreadLocalPool.attach(message.descriptor!, {
      factory: () => ({ id: next++, owner: -1 }),
    });
    port.post({ threadId: pool.threadId });
  } else if (message.op === "cycles") {
    const p = pool!;
    const seen = new Set<Item>();
    const held: Item[] = [];
    for (let i = 0; i < message.hold!; i++) held.push(p.acquire());
    for (let i = 0; i < message.cycles!; i++) {
      const item = p.acquire();
      item.owner = p.threadId;
      seen.add(item);
      p.release(item);
    }
    for (const item of held) {
      item.owner = p.threadId;
      seen.add(item);
    }
    port.post({
      threadId: p.threadId,
      ids: [...seen].map((item) => item.id).sort((a, b) => a - b),
      owners: [...new Set([...seen].map((item) => item.owner))],
      inUse: p.inUse,
    });
  } else if (message.op === "handOver") {
    port.post({ item: pool!.acquire() });
  } else {
    port.post({ stats: pool!.stats(), rows: pool!.threadStats() });
  }
});
