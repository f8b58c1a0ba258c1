// The worker half of smoke.mjs: attaches to the shared pool, reads the slot
// it was handed by index, writes it back reversed, and releases it here.
import { parentPort } from "node:worker_threads";
import { ThreadSafePool } from "@fastalloc/fastalloc";

parentPort.once("message", ({ descriptor, index }) => {
  const pool = ThreadSafePool.attach(descriptor);
  const bytes = pool.at(index);
  const sum = bytes.reduce((a, b) => a + b, 0);
  bytes.reverse();
  pool.release(bytes);
  parentPort.postMessage({ sum });
});
