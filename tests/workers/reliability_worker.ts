/**
 * A worker for `tests/worker_reliability_test.ts`, driven by messages: each
 * request `{ cmd, ...args }` gets one reply, `{ ok: true, value }` or
 * `{ ok: false, name, message }` when it threw. Besides single operations it
 * runs the soak: many acquire/release cycles with ownership stamps, holding
 * several slots at times and handing slots to other workers by index. Every
 * loop here is bounded by a deadline, so a stuck soak ends (and fails) on its
 * own: Deno's `terminate()` cannot stop a worker that never returns to its
 * event loop.
 *
 * @module
 */

import { PoolTimeoutError } from "../../errors.ts";
import {
  ThreadSafePool,
  type ThreadSafePoolDescriptor,
} from "../../pools/thread_safe_pool.ts";
import { Cell } from "./cell.ts";
import { listen, type Port } from "./listen.ts";

/** What the soak of one worker is told. */
export interface SoakRequest {
  cmd: "soak";
  /** Successful acquires to make. */
  cycles: number;
  /** This worker's number in `[0, workers)`. */
  worker: number;
  /** The thread id of every worker, by number (hand-over targets). */
  threadIds: number[];
  /** One Int32 per slot: the thread id that holds it, or 0. */
  marks: SharedArrayBuffer;
  /** One Int32 per worker: 0 empty, -1 being filled, slot + 1 handed over. */
  mailboxes: SharedArrayBuffer;
  /** Int32 [0]: how many workers finished their cycles. */
  control: SharedArrayBuffer;
  /** The seed of this worker's random choices. */
  seed: number;
  /** Give up (and report it) this many ms after starting. */
  deadlineMs: number;
}

/** What the soak of one worker reports. */
export interface SoakResult {
  acquired: number;
  released: number;
  /** `tryAcquire` calls that found every slot taken. */
  empties: number;
  /** `acquireWait` calls, and how many of them timed out. */
  waitCalls: number;
  timeouts: number;
  /** Slots handed to another worker, and received from one. */
  sent: number;
  received: number;
  /** The most slots held at once. */
  maxHeld: number;
  /** Distinct slots this worker made a wrapper for. */
  touched: number;
  /** Broken ownership rules, with the first few described. */
  violations: number;
  notes: string[];
}

type Request =
  | { cmd: "attach"; descriptor: ThreadSafePoolDescriptor }
  | { cmd: "acquire"; count: number }
  | { cmd: "release"; index: number }
  | { cmd: "read"; index: number }
  | {
    cmd: "blockInAcquireWait";
    timeoutMs: number;
    state: SharedArrayBuffer;
  }
  | { cmd: "acquireWait"; timeoutMs: number }
  | SoakRequest;

let pool: ThreadSafePool<Cell> | undefined;

function shared(): ThreadSafePool<Cell> {
  if (pool === undefined) throw new Error("attach first");
  return pool;
}

/** Clears the ownership stamp when a slot comes back (in the releasing thread). */
function clearStamp(cell: Cell): void {
  cell.value[0] = 0;
  cell.value[1] = 0;
}

/** Acquires and stamps a slot: its first int32 is this thread's id. */
function acquireStamped(p: ThreadSafePool<Cell>, cell: Cell): number {
  cell.value[0] = p.threadId;
  return p.indexOf(cell);
}

function soak(request: SoakRequest): SoakResult {
  const p = shared();
  const me = p.threadId;
  const marks = new Int32Array(request.marks);
  const boxes = new Int32Array(request.mailboxes);
  const control = new Int32Array(request.control);
  const workers = request.threadIds.length;
  const self = request.worker;
  const deadline = performance.now() + request.deadlineMs;
  const held: Cell[] = [];
  const touched = new Set<number>();
  const result: SoakResult = {
    acquired: 0,
    released: 0,
    empties: 0,
    waitCalls: 0,
    timeouts: 0,
    sent: 0,
    received: 0,
    maxHeld: 0,
    touched: 0,
    violations: 0,
    notes: [],
  };
  let state = request.seed | 0 || 1;
  const random = (): number => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const check = (ok: boolean, what: () => string): void => {
    if (ok) return;
    result.violations++;
    if (result.notes.length < 5) result.notes.push(what());
  };
  const hold = (cell: Cell): void => {
    held.push(cell);
    if (held.length > result.maxHeld) result.maxHeld = held.length;
  };
  const take = (cell: Cell): void => {
    const index = p.indexOf(cell);
    touched.add(index);
    const was = Atomics.compareExchange(marks, index, 0, me);
    check(was === 0, () => `slot ${index} lent to ${me} while held by ${was}`);
    check(
      cell.value[0] === 0,
      () => `slot ${index} lent to ${me} with stamp ${cell.value[0]}`,
    );
    cell.value[0] = me;
    cell.value[1] = result.acquired;
    result.acquired++;
    hold(cell);
  };
  const give = (cell: Cell): void => {
    const index = p.indexOf(cell);
    check(
      cell.value[0] === me,
      () => `slot ${index} held by ${me} has stamp ${cell.value[0]}`,
    );
    const was = Atomics.compareExchange(marks, index, me, 0);
    check(was === me, () => `slot ${index} released by ${me}, marked ${was}`);
    p.release(cell);
    result.released++;
  };
  const receive = (): boolean => {
    const box = Atomics.load(boxes, self);
    if (box <= 0 || Atomics.compareExchange(boxes, self, box, 0) !== box) {
      return false;
    }
    const index = box - 1;
    const cell = p.at(index);
    touched.add(index);
    check(
      cell.value[0] === me,
      () => `slot ${index} handed to ${me} has stamp ${cell.value[0]}`,
    );
    check(
      Atomics.load(marks, index) === me,
      () => `slot ${index} handed to ${me} is marked ${marks[index]}`,
    );
    result.received++;
    hold(cell);
    return true;
  };
  const send = (cell: Cell, target: number): boolean => {
    // Reserve the target's mailbox first, so a hand-over never fails half way.
    if (Atomics.compareExchange(boxes, target, 0, -1) !== 0) return false;
    const index = p.indexOf(cell);
    const to = request.threadIds[target]!;
    check(
      cell.value[0] === me,
      () => `slot ${index} handed over by ${me} has stamp ${cell.value[0]}`,
    );
    cell.value[0] = to;
    const was = Atomics.compareExchange(marks, index, me, to);
    check(
      was === me,
      () => `slot ${index} handed over by ${me}, marked ${was}`,
    );
    Atomics.store(boxes, target, index + 1);
    Atomics.notify(boxes, target);
    result.sent++;
    return true;
  };
  const late = (): boolean => {
    if (performance.now() < deadline) return false;
    check(false, () => `worker ${self} ran out of time`);
    return true;
  };

  let finished = false;
  try {
    while (result.acquired < request.cycles) {
      if ((result.acquired & 1023) === 0 && late()) break;
      receive();
      const r = random();
      let cell: Cell | undefined;
      if (r % 64 === 0) {
        result.waitCalls++;
        try {
          cell = p.acquireWait(2);
        } catch (error) {
          if (!(error instanceof PoolTimeoutError)) throw error;
          result.timeouts++;
        }
      } else {
        cell = p.tryAcquire();
        if (cell === undefined) result.empties++;
      }
      if (cell !== undefined) take(cell);
      else if (held.length > 0) give(held.shift()!);
      else if (late()) break;
      // Mostly hold one slot; now and then up to four at once.
      const limit = (r >>> 6) % 8 === 0 ? 4 : 1;
      while (held.length > limit) {
        give(held.splice((r >>> 9) % held.length, 1)[0]!);
      }
      if (workers > 1 && held.length > 0 && (r >>> 12) % 16 === 0) {
        const target = (self + 1 + (r >>> 16) % (workers - 1)) % workers;
        const cell = held.pop()!;
        if (!send(cell, target)) held.push(cell);
      }
    }
    while (held.length > 0) give(held.shift()!);
    Atomics.add(control, 0, 1);
    finished = true;
    // Others may still hand slots here until every worker has finished.
    for (;;) {
      if (receive()) {
        give(held.pop()!);
        continue;
      }
      const box = Atomics.load(boxes, self);
      if (box === 0 && Atomics.load(control, 0) >= workers) break;
      if (late()) break;
      Atomics.wait(boxes, self, box, 1);
    }
  } finally {
    if (!finished) Atomics.add(control, 0, 1);
  }
  result.touched = touched.size;
  return result;
}

function handle(request: Request, port: Port): void {
  try {
    let value: unknown;
    switch (request.cmd) {
      case "attach":
        pool = ThreadSafePool.attach(Cell, request.descriptor, {
          reset: clearStamp,
        });
        value = pool.threadId;
        break;
      case "acquire": {
        const p = shared();
        const indices: number[] = [];
        for (let i = 0; i < request.count; i++) {
          indices.push(acquireStamped(p, p.acquire()));
        }
        value = indices;
        break;
      }
      case "release":
        shared().release(shared().at(request.index));
        break;
      case "read":
        value = [...shared().at(request.index).value];
        break;
      case "blockInAcquireWait": {
        // state[0]: 1 while inside acquireWait, 2 once it returned or threw.
        const state = new Int32Array(request.state);
        const p = shared();
        Atomics.store(state, 0, 1);
        try {
          value = acquireStamped(p, p.acquireWait(request.timeoutMs));
        } finally {
          Atomics.store(state, 0, 2);
        }
        break;
      }
      case "acquireWait": {
        const p = shared();
        value = acquireStamped(p, p.acquireWait(request.timeoutMs));
        break;
      }
      case "soak":
        value = soak(request);
        break;
    }
    port.post({ ok: true, value });
  } catch (error) {
    const e = error as Error;
    port.post({ ok: false, name: e?.name, message: e?.message });
  }
}

await listen((data, port) => handle(data as Request, port));
