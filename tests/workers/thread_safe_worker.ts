/**
 * A worker the thread-safe pool tests drive by messages: each request
 * `{ cmd, ...args }` gets one reply, `{ ok: true, value }` or
 * `{ ok: false, name, message }` when the pool threw.
 *
 * @module
 */

import {
  ThreadSafePool,
  type ThreadSafePoolDescriptor,
} from "../../pools/thread_safe_pool.ts";
import { Cell } from "./cell.ts";
import { listen, type Port } from "./listen.ts";

type Request =
  | { cmd: "attach"; descriptor: ThreadSafePoolDescriptor }
  | { cmd: "acquire"; count?: number }
  | { cmd: "write"; index: number; value: number }
  | { cmd: "read"; index: number }
  | { cmd: "release"; index: number }
  | { cmd: "releaseTwice"; index: number }
  | { cmd: "releaseLater"; index: number; delayMs: number }
  | { cmd: "acquireWait"; timeoutMs: number }
  | { cmd: "acquireAsync"; timeoutMs: number }
  | { cmd: "hammer"; cycles: number; hold: number; marks: SharedArrayBuffer }
  | { cmd: "stats" }
  | { cmd: "acquireKey" }
  | { cmd: "objectOf"; key: number; value?: number }
  | { cmd: "releaseKey"; key: number }
  | { cmd: "discardKey"; key: number }
  | { cmd: "isLive"; key: number }
  | { cmd: "keyOf"; index: number }
  | { cmd: "detach" };

let pool: ThreadSafePool<Cell> | undefined;

function shared(): ThreadSafePool<Cell> {
  if (pool === undefined) throw new Error("attach first");
  return pool;
}

/** Acquires and releases `cycles` times, holding up to `hold` slots, checking ownership. */
function hammer(cycles: number, hold: number, marks: Int32Array) {
  const p = shared();
  const me = p.threadId;
  const held: Cell[] = [];
  const touched = new Set<number>();
  let violations = 0;
  let empties = 0;
  for (let i = 0; i < cycles; i++) {
    let cell = p.tryAcquire();
    while (cell === undefined) {
      empties++;
      if (held.length > 0) {
        release(held.shift()!);
      }
      cell = p.tryAcquire();
    }
    const index = p.indexOf(cell);
    touched.add(index);
    // Nobody else may hold this slot now.
    if (Atomics.compareExchange(marks, index, 0, me) !== 0) violations++;
    cell.value[0] = me;
    cell.value[1] = i;
    held.push(cell);
    if (held.length >= hold) release(held.shift()!);
  }
  while (held.length > 0) release(held.shift()!);
  return { violations, empties, touched: touched.size };

  function release(cell: Cell): void {
    const index = p.indexOf(cell);
    if (cell.value[0] !== me) violations++;
    if (Atomics.compareExchange(marks, index, me, 0) !== me) violations++;
    p.release(cell);
  }
}

async function handle(request: Request, port: Port): Promise<void> {
  try {
    let value: unknown;
    switch (request.cmd) {
      case "attach":
        pool = ThreadSafePool.attach(Cell, request.descriptor);
        value = pool.threadId;
        break;
      case "acquire": {
        const indices: number[] = [];
        for (let i = 0; i < (request.count ?? 1); i++) {
          indices.push(shared().indexOf(shared().acquire()));
        }
        value = indices;
        break;
      }
      case "write":
        shared().at(request.index).value[0] = request.value;
        break;
      case "read":
        value = shared().at(request.index).value[0];
        break;
      case "release":
        shared().release(shared().at(request.index));
        break;
      case "releaseTwice": {
        const cell = shared().at(request.index);
        shared().release(cell);
        shared().release(cell);
        break;
      }
      case "releaseLater": {
        const cell = shared().at(request.index);
        setTimeout(() => shared().release(cell), request.delayMs);
        break;
      }
      case "acquireWait":
        value = shared().indexOf(shared().acquireWait(request.timeoutMs));
        break;
      case "acquireAsync":
        value = shared().indexOf(
          await shared().acquireAsync({ timeout: request.timeoutMs }),
        );
        break;
      case "hammer":
        value = hammer(
          request.cycles,
          request.hold,
          new Int32Array(request.marks),
        );
        break;
      case "stats":
        value = { ...shared().stats() };
        break;
      case "acquireKey":
        value = shared().acquireKey();
        break;
      case "objectOf": {
        // Reads the slot's first int32, and writes `value` there if given.
        const cell = shared().objectOf(request.key);
        value = cell.value[0];
        if (request.value !== undefined) cell.value[0] = request.value;
        break;
      }
      case "releaseKey":
        shared().releaseKey(request.key);
        break;
      case "discardKey":
        shared().discardKey(request.key);
        break;
      case "isLive":
        value = shared().isLive(request.key);
        break;
      case "keyOf":
        value = shared().keyOf(shared().at(request.index));
        break;
      case "detach":
        shared().detach();
        break;
    }
    port.post({ ok: true, value });
  } catch (error) {
    const e = error as Error;
    port.post({ ok: false, name: e?.name, message: e?.message });
  }
}

await listen((data, port) => handle(data as Request, port));
