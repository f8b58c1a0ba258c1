/**
 * The worker side of `tests/spawn_worker.ts`: one message API in a web
 * worker (Deno, Bun) and a `node:worker_threads` worker (Node). Listens
 * first, then posts `{ ready: true }`.
 *
 * @module
 */

/** A worker's link to the thread that spawned it. */
export interface Port {
  /** Sends a message to the parent. */
  post(message: unknown): void;
}

/**
 * Starts listening with `handler`, then tells the parent the worker is ready.
 *
 * @param handler Called with each message's data.
 * @returns The port, to post replies.
 */
export async function listen(
  handler: (data: unknown, port: Port) => void | Promise<void>,
): Promise<Port> {
  const self = globalThis as unknown as {
    postMessage?: (message: unknown) => void;
    addEventListener?: (
      type: string,
      fn: (event: MessageEvent) => void,
    ) => void;
  };
  let port: Port;
  if (
    typeof self.postMessage === "function" &&
    typeof self.addEventListener === "function"
  ) {
    const post = self.postMessage.bind(self);
    port = { post };
    self.addEventListener("message", (event) => void handler(event.data, port));
  } else {
    const { parentPort } = await import("node:worker_threads");
    if (parentPort === null) throw new Error("Not running in a worker");
    port = { post: (message) => parentPort.postMessage(message) };
    parentPort.on("message", (data: unknown) => void handler(data, port));
  }
  port.post({ ready: true });
  return port;
}
