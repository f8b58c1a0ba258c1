/// <reference lib="dom" />
/**
 * Checks on a cross-origin-isolated page (COOP + COEP headers): a
 * ThreadSafePool and a ThreadLocalPool shared with a module worker — data
 * both ways, hand-off by index and by key, double release across threads,
 * `acquireAsync` on the main thread, the clear error of `acquireWait` there,
 * and `acquireWait` blocking in the worker.
 *
 * @module
 */

import {
  AlreadyReleasedError,
  FastAllocError,
  PoolTimeoutError,
  ThreadLocalPool,
  ThreadSafePool,
} from "../../../mod.ts";
import { check, expect, finish, rejects, same } from "./_report.ts";
import { Scratch } from "./_shared.ts";

const worker = new Worker(new URL("./worker.js", import.meta.url), {
  type: "module",
});
const replies = new Map<
  number,
  (
    reply: {
      ok: boolean;
      value?: unknown;
      error?: { name: string; message: string };
    },
  ) => void
>();
let ready: () => void;
const started = new Promise<void>((resolve) => (ready = resolve));
worker.onmessage = ({ data }) => {
  if (data.ready) return ready();
  replies.get(data.id)?.(data);
  replies.delete(data.id);
};
worker.onerror = (event) => {
  console.error(`worker error: ${event.message}`);
};
let next = 0;

/** Asks the worker to run `op`; rejects with the worker's own error. */
function ask<R>(op: string, args: Record<string, unknown> = {}): Promise<R> {
  const id = ++next;
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker did not answer ${op} within 10 s`)),
      10_000,
    );
    replies.set(id, (reply) => {
      clearTimeout(timer);
      if (reply.ok) resolve(reply.value as R);
      else {
        const error = new Error(reply.error!.message);
        error.name = reply.error!.name;
        reject(error);
      }
    });
    worker.postMessage({ id, op, args });
  });
}

await check("page is cross-origin isolated", () => {
  same(globalThis.crossOriginIsolated, true, "crossOriginIsolated");
  same(typeof SharedArrayBuffer, "function", "typeof SharedArrayBuffer");
});

const pool = new ThreadSafePool({ capacity: 4, slotBytes: 8 });

await check("module worker attaches to the ThreadSafePool", async () => {
  await started;
  const { threadId } = await ask<{ threadId: number }>("attach", {
    descriptor: pool.share(),
  });
  expect(
    threadId !== pool.threadId,
    `the worker has its own thread id (${threadId} vs ${pool.threadId})`,
  );
});

await check(
  "ThreadSafePool: page → worker by index, data both ways",
  async () => {
    const bytes = pool.acquire();
    bytes.set([1, 2, 3, 4, 5, 6, 7, 8]);
    const seen = await ask<number[]>("takeByIndex", {
      index: pool.indexOf(bytes),
    });
    same(seen.join(), "1,2,3,4,5,6,7,8", "the worker read what the page wrote");
    same(
      [...bytes].join(),
      "8,7,6,5,4,3,2,1",
      "the page reads what the worker wrote",
    );
    same(pool.inUse, 0, "the worker's release is seen here");
    await rejects(
      () => pool.release(bytes),
      "AlreadyReleasedError",
      /already released/,
      "the page's stale release",
    );
  },
);

await check("ThreadSafePool: worker → page by index", async () => {
  const index = await ask<number>("giveByIndex", {
    values: [7, 7, 7, 7, 1, 2, 3, 4],
  });
  const bytes = pool.at(index);
  same(
    [...bytes].join(),
    "7,7,7,7,1,2,3,4",
    "the page reads the worker's slot",
  );
  pool.release(bytes);
  same(pool.inUse, 0, "released on the page");
});

await check(
  "ThreadSafePool: hand-off by key both ways, stale keys caught",
  async () => {
    const key = pool.acquireKey();
    pool.objectOf(key).set([5, 5, 5, 5, 5, 5, 5, 5]);
    const seen = await ask<number[]>("takeByKey", { key });
    same(seen.join(), "5,5,5,5,5,5,5,5", "the worker read the slot by key");
    same(
      pool.isLive(key),
      false,
      "the key is stale after the worker released it",
    );
    await rejects(
      () => pool.objectOf(key),
      "AlreadyReleasedError",
      /./,
      "objectOf(stale key)",
    );
    const back = await ask<number>("giveByKey", {
      values: [1, 1, 2, 2, 3, 3, 4, 4],
    });
    same(
      [...pool.objectOf(back)].join(),
      "1,1,2,2,3,3,4,4",
      "the page reads by the worker's key",
    );
    pool.releaseKey(back);
    await rejects(
      () => ask("releaseKey", { key: back }),
      "AlreadyReleasedError",
      /./,
      "the worker's release of a key the page ended",
    );
    same(pool.inUse, 0, "nothing borrowed");
  },
);

await check("ThreadSafePool: double release across threads", async () => {
  const bytes = pool.acquire();
  const index = pool.indexOf(bytes);
  same(
    await ask<boolean>("releaseByIndex", { index }),
    true,
    "the worker released it",
  );
  let caught: unknown;
  try {
    pool.release(bytes);
  } catch (error) {
    caught = error;
  }
  expect(
    caught instanceof AlreadyReleasedError,
    `second release on the page throws AlreadyReleasedError (got ${
      String(caught)
    })`,
  );
  same(pool.inUse, 0, "the failed release changed nothing");
  same(
    pool.available + pool.inUse <= pool.capacity,
    true,
    "no slot counted twice",
  );
});

await check(
  "ThreadSafePool: acquireWait on the main thread throws the clear error",
  async () => {
    same(await ask<number>("holdAll"), 4, "the worker holds every slot");
    const error = await rejects(
      () => pool.acquireWait(50),
      "FastAllocError",
      /may not block.*use acquireAsync/,
      "acquireWait on the page",
    );
    expect(error instanceof FastAllocError, "instanceof FastAllocError");
    same(
      await ask<number>("releaseHeld"),
      0,
      "the worker gave every slot back",
    );
  },
);

await check(
  "ThreadSafePool: acquireAsync on the main thread waits for the worker's release",
  async () => {
    same(await ask<number>("holdAll"), 4, "the worker holds every slot");
    await rejects(
      () => pool.acquireAsync({ timeout: 30 }),
      "PoolTimeoutError",
      /./,
      "acquireAsync with a short timeout",
    );
    expect(PoolTimeoutError.name === "PoolTimeoutError", "error classes load");
    const waiting = pool.acquireAsync({ timeout: 5_000 });
    await ask("releaseOneLater", { ms: 50 });
    const bytes = await waiting;
    same(pool.inUse, 4, "the page got the slot the worker released");
    pool.release(bytes);
    same(await ask<number>("releaseHeld"), 0, "all back");
  },
);

await check(
  "ThreadSafePool: acquireWait blocks in the worker until the page releases",
  async () => {
    const mine = [
      pool.acquire(),
      pool.acquire(),
      pool.acquire(),
      pool.acquire(),
    ];
    const waited = ask<number>("acquireWait", { timeout: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const last = mine.pop()!;
    const index = pool.indexOf(last);
    pool.release(last);
    same(
      await waited,
      index,
      "the blocked worker got the slot the page released",
    );
    for (const bytes of mine) pool.release(bytes);
    same(await ask<number>("releaseHeld"), 0, "all back");
  },
);

await check(
  "ThreadSafePool handles on the page: `using`, owned and weak",
  () => {
    let index = -1;
    {
      using h = pool.allocate();
      h.value[0] = 42;
      index = pool.indexOf(h.value);
      same(pool.inUse, 1, "borrowed inside the block");
    }
    same(pool.inUse, 0, "released at the end of the block");
    const owned = pool.allocateOwned();
    const watcher = pool.weak(owned.value);
    same(watcher.deref(), owned.value, "weak handle sees the borrow");
    owned.release();
    same(watcher.deref(), undefined, "and not after its release");
    expect(index >= 0, "the handle's slot had an index");
  },
);

await check(
  "ThreadLocalPool shared with a module worker: statistics totalled",
  async () => {
    const local = new ThreadLocalPool(Scratch, {
      capacity: 8,
      enableStatistics: true,
    });
    local.use((s) => (s.sum = 1));
    const theirs = await ask<number>("threadLocal", {
      descriptor: local.share(),
      times: 5,
    });
    same(
      theirs,
      6,
      "stats() in the worker totals both threads (1 here + its 5)",
    );
    same(
      local.stats().totalAllocations,
      6,
      "the page's stats() totals both threads",
    );
    local.close();
  },
);

worker.terminate();
finish();
