/**
 * A tiny static file server for browser pages that use fastalloc, on
 * `127.0.0.1` only. With `isolated` (the default) every response carries the
 * two headers that make a page cross-origin isolated, so `SharedArrayBuffer`
 * (and with it `ThreadSafePool` and `ThreadLocalPool`) exists there:
 *
 * ```
 * Cross-Origin-Opener-Policy: same-origin
 * Cross-Origin-Embedder-Policy: require-corp
 * ```
 *
 * It uses only `node:http`, `node:fs` and `node:path`, so it runs on Node,
 * Deno and Bun. `serve.ts` beside it builds and serves the particle example;
 * the browser tests serve their pages with it too.
 *
 * @module
 */

import { createServer, type Server } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";

/** Options of {@linkcode serveStatic}. */
export interface ServeStaticOptions {
  /** The folder served as `/`. */
  root: string;
  /** Send the two cross-origin isolation headers (default `true`). */
  isolated?: boolean;
  /** The port on 127.0.0.1 (default `0`: any free port). */
  port?: number;
}

/** A running server. */
export interface StaticServer {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
  /** Stops the server and closes its connections. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/**
 * Serves the files under `root` on 127.0.0.1.
 *
 * @param options Where, and whether the page is cross-origin isolated.
 * @returns The running server and its URL.
 */
export async function serveStatic(
  options: ServeStaticOptions,
): Promise<StaticServer> {
  const root = resolve(options.root);
  const isolated = options.isolated ?? true;
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(
      new URL(request.url ?? "/", "http://127.0.0.1").pathname,
    );
    let file = normalize(join(root, path));
    const headers: Record<string, string> = { "Cache-Control": "no-store" };
    if (isolated) {
      headers["Cross-Origin-Opener-Policy"] = "same-origin";
      headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    }
    try {
      if (file !== root && !file.startsWith(root + sep)) {
        throw new Error("outside");
      }
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      headers["Content-Type"] = TYPES[extname(file)] ??
        "application/octet-stream";
      response.writeHead(200, headers);
      response.end(body);
    } catch {
      response.writeHead(404, headers);
      response.end("not found");
    }
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => done());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null
    ? address.port
    : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
