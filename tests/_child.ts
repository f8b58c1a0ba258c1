/**
 * Runs a small ES module in a child process of the current runtime (Deno,
 * Bun or Node), for tests of whether a process exits on its own. Bounded: a
 * child still running after 20 s is killed and the test fails.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/** Which runtime runs the tests. */
export function runtime(): "deno" | "bun" | "node" {
  if ("Deno" in globalThis) return "deno";
  if ((process.versions as { bun?: string }).bun) return "bun";
  return "node";
}

/** How a child process ended. */
export interface ChildResult {
  code: number | null;
  output: string;
  ms: number;
}

/**
 * Writes `source` to a temporary `.mjs` file, runs it, and gives its exit
 * code and output. `source` may import the library by absolute file URL
 * (`new URL("../mod.ts", import.meta.url).href`). `options.v8Flags` go to
 * V8 on Deno and Node (ignored on Bun).
 */
export async function runModule(
  source: string,
  options: { readonly v8Flags?: readonly string[] } = {},
): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), "fastalloc-"));
  const script = join(dir, "child.mjs");
  writeFileSync(script, source);
  // V8 flags (Deno and Node only: Bun's engine takes none of them).
  const flags = options.v8Flags ?? [];
  const args = runtime() === "deno"
    ? ["run", "-A", ...flags.map((f) => `--v8-flags=${f}`), script]
    : runtime() === "node"
    ? [...flags, script]
    : [script];
  const started = Date.now();
  try {
    return await new Promise<ChildResult>((resolve, reject) => {
      const child = spawn(process.execPath, args, {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const killer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`child still running after 20 s: ${output}`));
      }, 20_000);
      child.on("error", reject);
      child.on("exit", (code) => {
        clearTimeout(killer);
        resolve({ code, output, ms: Date.now() - started });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
