/**
 * An {@linkcode AsyncPool} of `pg` clients set up the way the README
 * recommends, shared by `examples/postgres_service.ts`, the PostgreSQL
 * integration test and `bench/postgres_bench.ts`:
 *
 * - every client gets an `error` listener at once: a backend that dies while
 *   its client sits idle makes the client emit `error`, which would otherwise
 *   crash the process. The listener (and `end`) marks the client broken;
 * - `validate` is cheap — it reads that mark, no round trip — so it costs
 *   nothing measurable per acquire; `healthCheckInterval` runs it on idle
 *   clients in the background, so a client whose backend died while idle is
 *   replaced before any caller gets it;
 * - the factory takes the pool's `AbortSignal` and ends the client when the
 *   pool gives the connect up (`createTimeout`, or `close()`), so a database
 *   that accepts TCP and never answers costs one bounded wait, not a socket
 *   kept forever;
 * - {@linkcode query} gives a client back with `discard` when its query
 *   failed for a connection reason, and with `release` otherwise, so a
 *   killed backend costs at most the one query that was on it.
 *
 * It takes the `Client` class as an argument (and imports only pg's types) so
 * that it loads from any folder on Node as well as Deno.
 *
 * @module
 */

import net from "node:net";
import { AsyncPool, type AsyncPoolOptions } from "../mod.ts";

// The part of pg's API used here, typed by hand: pg's own types
// (@types/pg) bring @types/node along, whose declarations would replace
// Deno's built-in node types for every file of a `deno check` run.

/** A row of a query result. */
export type PgRow = Record<string, unknown>;

/** The part of a pg query result used here. */
export interface PgResult<R extends PgRow = PgRow> {
  /** The rows. */
  rows: R[];
  /** Rows the command returned or changed (`null` when it does not say). */
  rowCount: number | null;
}

/** Connection settings for a pg `Client` (pg takes more; unset ones come from the `PG*` variables). */
export interface PgClientConfig {
  /** The server's host name or address. */
  host?: string;
  /** The server's port. */
  port?: number;
  /** Shown in `pg_stat_activity`. */
  application_name?: string;
  /** Makes the socket pg connects through. */
  stream?: () => unknown;
}

/** The part of a pg `Client` used here. */
export interface PgClient {
  /** Opens the connection. */
  connect(): Promise<unknown>;
  /** Closes it. */
  end(): Promise<void>;
  /** Listens to `error` (the connection failed) or `end` (it closed). */
  on(event: "error" | "end", listener: (this: PgClient) => void): unknown;
  /** Runs a query (promise form). */
  query<R extends PgRow = PgRow>(
    text: string,
    values?: unknown[],
  ): Promise<PgResult<R>>;
  /** Runs a query (callback form; `values` undefined when it has none). */
  query<R extends PgRow = PgRow>(
    text: string,
    values: unknown[] | undefined,
    callback: (error: Error | null, result: PgResult<R>) => void,
  ): void;
}

/** The `pg.Client` class, or one compatible with it. */
export type ClientClass = new (config?: PgClientConfig) => PgClient;

/** Pool options that {@linkcode createPgPool} does not set itself. */
export type PgPoolOptions = Omit<
  AsyncPoolOptions<PgClient>,
  "factory" | "destroy"
>;

/** Clients whose connection reported an error or ended. */
const broken = new WeakSet<PgClient>();

function markBroken(this: PgClient): void {
  broken.add(this);
}

/**
 * Whether a client can still run queries as far as it knows, without a round
 * trip: the pool's `validate`.
 *
 * @param client A client made by {@linkcode connectClient}.
 * @returns `false` once its connection reported an error or ended.
 */
export function isUsable(client: PgClient): boolean {
  return !broken.has(client);
}

/**
 * Whether a failed query means the client's connection is gone (so the
 * client must be discarded), rather than an error of the query itself (a
 * syntax error, a constraint), after which the client is fine.
 *
 * Connection errors: the client saw its connection fail or end; the server
 * reported SQLSTATE class 08 (connection exception) or 57P01–57P03 (the
 * backend was terminated, the server is shutting down or restarting); or the
 * error has no SQLSTATE at all, which is how pg reports errors of its own
 * ("Connection terminated unexpectedly", "Client has encountered a
 * connection error and is not queryable").
 *
 * @param error What the query rejected with.
 * @param client The client it ran on.
 * @returns `true` when the client must be discarded.
 */
export function isConnectionError(error: unknown, client: PgClient): boolean {
  if (broken.has(client)) return true;
  const code = typeof error === "object" && error !== null && "code" in error
    ? error.code
    : undefined;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith("08") || code === "57P01" || code === "57P02" ||
    code === "57P03";
}

function endQuietly(client: PgClient): Promise<void> {
  return client.end().catch(() => {});
}

/**
 * Connects a new client, closing its socket if `signal` aborts first (the
 * pool gave the connect up), which rejects the connect. Its `error` and `end`
 * listeners mark it broken.
 *
 * @param Client The `pg.Client` class.
 * @param config Connection settings (pg falls back on the `PG*` variables).
 * @param signal The pool's signal for this creation.
 * @returns The connected client.
 */
export async function connectClient(
  Client: ClientClass,
  config: PgClientConfig,
  signal: AbortSignal,
): Promise<PgClient> {
  // The socket is ours so that a connect the pool gave up can be cut off:
  // `client.end()` during a connect only half-closes it, which a server that
  // never answers never completes.
  const socket = new net.Socket();
  const client = new Client({ ...config, stream: () => socket });
  client.on("error", markBroken);
  client.on("end", markBroken);
  const abort = () => void socket.destroy();
  signal.addEventListener("abort", abort, { once: true });
  try {
    await client.connect();
  } catch (error) {
    await endQuietly(client);
    throw error;
  } finally {
    signal.removeEventListener("abort", abort);
  }
  return client;
}

/**
 * An {@linkcode AsyncPool} of connected `pg` clients: the factory is
 * {@linkcode connectClient}, `destroy` ends the client, and `validate` is
 * {@linkcode isUsable} unless `options` give another.
 *
 * @param Client The `pg.Client` class.
 * @param config Connection settings for every client.
 * @param options The pool's options (`capacity`, `createTimeout`,
 * `healthCheckInterval`, ...).
 * @returns The pool.
 */
export function createPgPool(
  Client: ClientClass,
  config: PgClientConfig,
  options: PgPoolOptions,
): AsyncPool<PgClient> {
  return new AsyncPool<PgClient>({
    validate: isUsable,
    ...options,
    factory: (signal) => connectClient(Client, config, signal),
    destroy: endQuietly,
  });
}

/**
 * Runs one query on a pooled client, then gives the client back: with
 * `discard` when the query failed for a connection reason
 * ({@linkcode isConnectionError}), else with `release`.
 *
 * It uses pg's callback form of `client.query`: the promise form costs about
 * 10% more CPU per query (measured beside it: 26.7 against 23.5 µs on Deno,
 * 36.7 against 31.2 µs on Node, for `select 1`), and its extra promise hop
 * between the answer and the client's release would leave the connection
 * idle a little longer under load. `pg.Pool.query` uses the callback form too.
 *
 * @typeParam R The row type.
 * @param pool A pool from {@linkcode createPgPool}.
 * @param text The SQL text.
 * @param values Its parameters, if it has any. Without them the query goes
 * to pg as `pg.Pool.query` sends it (no `values` key on pg's query config),
 * so code that uses both keeps one shape of query object.
 * @returns The query's result.
 * @throws What `acquire` or the query threw.
 */
export function query<R extends PgRow = PgRow>(
  pool: AsyncPool<PgClient>,
  text: string,
  values?: unknown[],
): Promise<PgResult<R>> {
  // One promise for the caller, made first; the acquire's callback does not
  // return a promise (a promise resolved with a promise costs one more
  // promise and two more microtask turns per query).
  return new Promise<PgResult<R>>((resolve, reject) => {
    pool.acquire().then((client) => {
      client.query<R>(
        text,
        values,
        (error: Error | null, result: PgResult<R>) => {
          if (!error) {
            // The next waiter gets the client inside release(), at once.
            pool.release(client).then(() => resolve(result), reject);
          } else {
            const back = isConnectionError(error, client)
              ? pool.discard(client)
              : pool.release(client);
            back.then(() => reject(error), reject);
          }
        },
      );
    }, reject);
  });
}
