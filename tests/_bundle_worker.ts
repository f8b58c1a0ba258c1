/**
 * Bundles a worker entry (TypeScript, with its imports) into one plain
 * `.mjs` file in a temporary directory, once per process, with esbuild.
 * Starting a worker from the bundle skips what makes starting one from
 * `.ts` slow: Node strips the types of every module again in each worker,
 * and `deno test` type-checks each worker it starts. The tests that start
 * hundreds of workers use it. Private to the tests.
 *
 * @module
 */

import { build, stop } from "esbuild";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const bundles = new Map<string, Promise<URL>>();

/**
 * The URL of `entry` bundled into one ES module (built on the first call
 * for that entry, then reused).
 *
 * @param entry A worker entry module.
 * @returns The bundle's file URL, to give to `spawnWorker`.
 */
export function bundleWorker(entry: URL): Promise<URL> {
  let bundle = bundles.get(entry.href);
  if (bundle === undefined) {
    bundle = bundleOnce(entry);
    bundles.set(entry.href, bundle);
  }
  return bundle;
}

async function bundleOnce(entry: URL): Promise<URL> {
  const dir = mkdtempSync(join(tmpdir(), "fastalloc-bundle-"));
  const outfile = join(dir, "worker.mjs");
  try {
    await build({
      entryPoints: [fileURLToPath(entry)],
      outfile,
      bundle: true,
      format: "esm",
      // `node:` modules (imported only on Node) stay imports.
      platform: "node",
      target: "es2022",
      logLevel: "error",
    });
  } finally {
    // esbuild's service process would otherwise outlive the build.
    await stop();
  }
  // Named by content, so runs reuse one file instead of leaving one each;
  // the rename is atomic, so concurrent runs never see a half-written file.
  const hash = createHash("sha256").update(readFileSync(outfile)).digest("hex");
  const bundle = join(tmpdir(), `fastalloc-worker-${hash.slice(0, 16)}.mjs`);
  renameSync(outfile, bundle);
  rmSync(dir, { recursive: true, force: true });
  return pathToFileURL(bundle);
}
