/**
 * The module worker of the isolated test page: attaches to the pools the
 * page shares and runs the operations the page asks for, one request at a
 * time (`{ id, op, args }` → `{ id, ok, value }` or `{ id, ok: false, error }`).
 *
 * @module
 */

import {
  ThreadLocalPool,
  type ThreadLocalPoolDescriptor,
  ThreadSafePool,
  type ThreadSafePoolDescriptor,
} from "../../../mod.ts";
import { Scratch } from "./_shared.ts";

interface Request {
  id: number;
  op: string;
  args: Record<string, unknown>;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown): void;
};

let pool: ThreadSafePool<Uint8Array> | undefined;
const held: Uint8Array[] = [];

function shared(): ThreadSafePool<Uint8Array> {
  if (pool === undefined) throw new Error("no pool attached");
  return pool;
}

const ops: Record<string, (args: Record<string, unknown>) => unknown> = {
  attach: ({ descriptor }) => {
    pool = ThreadSafePool.attach(descriptor as ThreadSafePoolDescriptor);
    return { threadId: pool.threadId, blocking: typeof Atomics.wait };
  },
  // Reads the slot the page handed over by index, writes back, releases.
  takeByIndex: ({ index }) => {
    const bytes = shared().at(index as number);
    const seen = [...bytes];
    bytes.reverse();
    shared().release(bytes);
    return seen;
  },
  // Acquires a slot, fills it, hands it to the page by index.
  giveByIndex: ({ values }) => {
    const bytes = shared().acquire();
    bytes.set(values as number[]);
    return shared().indexOf(bytes);
  },
  takeByKey: ({ key }) => {
    const bytes = shared().objectOf(key as number);
    const seen = [...bytes];
    bytes.fill(9);
    shared().releaseKey(key as number);
    return seen;
  },
  giveByKey: ({ values }) => {
    const key = shared().acquireKey();
    shared().objectOf(key).set(values as number[]);
    return key;
  },
  releaseByIndex: ({ index }) => {
    shared().release(shared().at(index as number));
    return true;
  },
  releaseKey: ({ key }) => {
    shared().releaseKey(key as number);
    return true;
  },
  holdAll: () => {
    for (
      let bytes = shared().tryAcquire();
      bytes;
      bytes = shared().tryAcquire()
    ) {
      held.push(bytes);
    }
    return held.length;
  },
  releaseOneLater: ({ ms }) => {
    setTimeout(() => shared().release(held.pop()!), ms as number);
    return true;
  },
  releaseHeld: () => {
    while (held.length > 0) shared().release(held.pop()!);
    return shared().inUse;
  },
  // Blocks this worker (Atomics.wait is allowed in workers) until a slot is free.
  acquireWait: ({ timeout }) => {
    const bytes = shared().acquireWait(timeout as number);
    held.push(bytes);
    return shared().indexOf(bytes);
  },
  threadLocal: ({ descriptor, times }) => {
    const local = ThreadLocalPool.attach(
      Scratch,
      descriptor as ThreadLocalPoolDescriptor,
    );
    for (let i = 0; i < (times as number); i++) local.use((s) => (s.sum += i));
    const total = local.stats().totalAllocations;
    local.close();
    return total;
  },
};

scope.onmessage = async ({ data }) => {
  try {
    const value = await ops[data.op]!(data.args);
    scope.postMessage({ id: data.id, ok: true, value });
  } catch (error) {
    const e = error as Error;
    scope.postMessage({
      id: data.id,
      ok: false,
      error: { name: e?.name, message: e?.message ?? String(error) },
    });
  }
};
scope.postMessage({ ready: true });
