/**
 * Runnable programs, each a real use of fastalloc:
 *
 * - `quickstart.ts`: a tour of every pool with its statistics report
 *   (`deno run examples/quickstart.ts`; Node 24 and Bun run it too).
 * - `http_service.ts`: a `Deno.serve` service that pools an expensive
 *   resource per request with `await using`, frees the place of a client that
 *   hangs up, serves `/metrics` in the Prometheus text format and reports
 *   statistics at `/stats` (`deno run -A examples/http_service.ts`).
 * - `postgres_service.ts`: a `Deno.serve` service over pooled PostgreSQL
 *   connections (`pg`), set up as the README recommends in
 *   `postgres_pool.ts` (which the integration test and the pg bench share);
 *   it needs a server: `bash scripts/postgres.sh run deno run -A
 *   examples/postgres_service.ts --requests=500`.
 * - `shared_particles.ts`: a main thread and two workers updating particles in
 *   one `ThreadSafePool`, handing them over by index
 *   (`deno run -A examples/shared_particles.ts`).
 * - `browser/`: the same particles in a browser — a page and a module worker
 *   sharing one `ThreadSafePool`, drawn on a canvas, with a tiny server that
 *   sends the cross-origin isolation headers
 *   (`deno run -A examples/browser/serve.ts`, then open http://127.0.0.1:8000/).
 *
 * They are programs, so this module exports only the pieces they share.
 *
 * @module
 */

export { Particle } from "./workers/particle.ts";
