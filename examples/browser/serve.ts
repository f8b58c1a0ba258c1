/**
 * The browser example in one command:
 *
 * ```sh
 * npx --yes deno@2.9.6 run -A examples/browser/serve.ts
 * ```
 *
 * bundles `page.ts` and `worker.ts` (each with fastalloc and the shared
 * `Particle` class) into `examples/browser/dist/` with `deno bundle`, then
 * serves the folder on http://127.0.0.1:8000/ with the two cross-origin
 * isolation headers. Open that address in a browser: a ThreadSafePool of
 * particles, stepped half by the page and half by a module worker, drawn on
 * a canvas. `PORT=0` picks a free port.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { serveStatic } from "./server.ts";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Bundles the page and its worker into `dist/` with `deno bundle`. */
async function build(): Promise<void> {
  for (const entry of ["page", "worker"]) {
    const { success, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform=browser",
        "--format=esm",
        "-o",
        `${here}dist/${entry}.js`,
        `${here}${entry}.ts`,
      ],
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(
        `Cannot bundle ${entry}.ts: ${new TextDecoder().decode(stderr)}`,
      );
    }
  }
}

if (import.meta.main) {
  await build();
  const server = await serveStatic({
    root: here,
    port: Number(Deno.env.get("PORT") ?? 8000),
  });
  console.log(
    `Particles on ${server.url} (cross-origin isolated); Ctrl+C stops`,
  );
}
