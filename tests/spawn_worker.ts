/**
 * Spawns a module worker the same way on Deno, Bun and Node, for tests and
 * examples: the web `Worker` (`type: "module"`) where there is one, else
 * `node:worker_threads` (Node 24 runs the `.ts` entry by type stripping).
 * Every wait is bounded, so a hung worker fails a test instead of blocking
 * CI. The worker side uses `tests/workers/listen.ts` and first posts
 * `{ ready: true }`, which `spawnWorker` waits for.
 *
 * @module
 */

/** The default bound on every wait for a message, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 20_000;

/** A spawned worker with one message API on every runtime. */
export interface SpawnedWorker {
  /** Sends a structured-cloneable message (shared memory is shared, not copied). */
  postMessage(message: unknown): void;
  /** The next message from the worker; rejects on a worker error, exit or timeout. */
  nextMessage(timeoutMs?: number): Promise<unknown>;
  /** Posts `message`, then gives the next message. */
  request(message: unknown, timeoutMs?: number): Promise<unknown>;
  /** Stops the worker at once; resolves when it is gone. */
  terminate(): Promise<void>;
  /**
   * Resolves `true` once the runtime reports that the worker's thread has
   * stopped (Node's `exit`, Bun's `close` event), `false` after `timeoutMs`
   * without such a report. Deno reports nothing, and its `terminate()` only
   * takes effect when the worker next returns to its event loop: a worker
   * blocked in synchronous code keeps running until then.
   */
  stopped(timeoutMs?: number): Promise<boolean>;
}

interface Endpoint {
  post(message: unknown): void;
  terminate(): Promise<void>;
  stopped: Promise<void>;
}

/**
 * Starts `url` as a module worker and waits until it says it is ready.
 *
 * @param url The worker's entry module.
 * @param timeoutMs The bound on the start-up wait.
 * @returns The worker.
 */
export async function spawnWorker(
  url: URL,
  timeoutMs: number = DEFAULT_TIMEOUT_MS,
): Promise<SpawnedWorker> {
  const queue: unknown[] = [];
  let failure: Error | undefined;
  let waiter:
    | { resolve(value: unknown): void; reject(error: Error): void }
    | undefined;
  const deliver = (message: unknown): void => {
    if (waiter === undefined) {
      queue.push(message);
      return;
    }
    const w = waiter;
    waiter = undefined;
    w.resolve(message);
  };
  const fail = (error: Error): void => {
    failure ??= error;
    const w = waiter;
    waiter = undefined;
    w?.reject(error);
  };
  const endpoint = await open(url, deliver, fail);
  const nextMessage = (ms: number = DEFAULT_TIMEOUT_MS): Promise<unknown> => {
    if (queue.length > 0) return Promise.resolve(queue.shift());
    if (failure !== undefined) return Promise.reject(failure);
    if (waiter !== undefined) {
      return Promise.reject(
        new Error("Cannot wait for a message: another wait is pending"),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter = undefined;
        reject(
          new Error(`Worker ${url.pathname} sent nothing within ${ms} ms`),
        );
      }, ms);
      waiter = {
        resolve(value) {
          clearTimeout(timer);
          resolve(value);
        },
        reject(error) {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  };
  const worker: SpawnedWorker = {
    postMessage: (message) => endpoint.post(message),
    nextMessage,
    request(message, ms) {
      endpoint.post(message);
      return nextMessage(ms);
    },
    terminate: () => endpoint.terminate(),
    stopped: (ms = DEFAULT_TIMEOUT_MS) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      });
      return Promise.race([endpoint.stopped.then(() => true), late]).finally(
        () => clearTimeout(timer),
      );
    },
  };
  try {
    const ready = await nextMessage(timeoutMs) as { ready?: boolean };
    if (ready?.ready !== true) {
      throw new Error("Worker did not start with a ready message");
    }
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return worker;
}

async function open(
  url: URL,
  deliver: (message: unknown) => void,
  fail: (error: Error) => void,
): Promise<Endpoint> {
  const WebWorker = (globalThis as { Worker?: typeof Worker }).Worker;
  if (typeof WebWorker === "function") {
    const worker = new WebWorker(url, { type: "module" });
    let reportStopped = (): void => {};
    const stopped = new Promise<void>((resolve) => {
      reportStopped = resolve;
    });
    // Bun fires "close" once the thread is gone; Deno fires nothing.
    worker.addEventListener("close", () => reportStopped());
    worker.onmessage = (event: MessageEvent) => deliver(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      fail(new Error(`Worker ${url.pathname} failed: ${event.message}`));
    };
    worker.onmessageerror = () =>
      fail(new Error("Worker message could not be read"));
    return {
      post: (message) => worker.postMessage(message),
      terminate: () => {
        worker.terminate();
        fail(new Error("Worker was terminated"));
        return Promise.resolve();
      },
      stopped,
    };
  }
  const { Worker: NodeWorker } = await import("node:worker_threads");
  const worker = new NodeWorker(url);
  const stopped = new Promise<void>((resolve) => {
    worker.once("exit", () => resolve());
  });
  worker.on("message", deliver);
  worker.on("error", (error: Error) => fail(error));
  worker.on(
    "exit",
    (code: number) => fail(new Error(`Worker exited with code ${code}`)),
  );
  return {
    post: (message) => worker.postMessage(message),
    terminate: async () => {
      await worker.terminate();
    },
    stopped,
  };
}
