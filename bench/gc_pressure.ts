/**
 * GC pressure: a particle simulation run with `new` and with a
 * {@linkcode FixedPool}, comparing frame times and garbage collections.
 *
 * ```sh
 * deno run --allow-read --allow-run --allow-write=bench/results bench/gc_pressure.ts
 * deno run … bench/gc_pressure.ts --frames 200 --spawn 20000 --repeat 3 --check
 * ```
 *
 * ## The simulation
 *
 * Every frame spawns `--spawn` particles (default 20,000). A particle has six
 * numbers (position, velocity), a remaining life, and a `Float64Array(16)`
 * (its transform matrix); it lives 2–6 frames (a seeded random number, the
 * same sequence in both modes). Each frame first updates every live particle
 * (gravity, integration, a bounce on the floor, the whole matrix rewritten)
 * and retires those whose life ran out, then spawns the new ones. About
 * 80,000 particles are alive at a time, at most 120,000.
 *
 * - `new` mode: a spawn is `new Particle()` (which makes the `Float64Array`),
 *   a retired particle is dropped for the GC.
 * - `pool` mode: a `FixedPool` of 120,000 particles, made up front
 *   (`preInitialize`, timed separately as setup); a spawn is `acquire()`, a
 *   retired particle goes back with `release()`. Both modes initialise every
 *   field on spawn, so they do the same work apart from where the object
 *   comes from.
 *
 * `--warmup` frames (default 20) run first and are not measured, so the JIT
 * and the heap reach their steady state; then the `--frames` measured frames
 * (default 200).
 *
 * ## Measuring
 *
 * Each mode runs in its own process (this script spawns itself with
 * `Deno.command`, the mode as an argument) with
 * `--v8-flags=--trace-gc,--expose-gc`, so neither mode's heap or JIT state
 * affects the other. The child forces a full GC right before the measured
 * frames and another right after; V8 prints those with the reason
 * `testing`, and only the `--trace-gc` lines between the two are counted:
 * scavenges (young generation: `Scavenge`, `Minor Mark-Sweep`) and
 * mark-compacts (full: `Mark-Compact`, incremental or not) separately, with
 * their summed pause times. (V8 writes trace lines through C stdio, which a
 * pipe buffers, so a marker printed by the script itself would not land
 * where it was printed; the forced GCs' own lines do.)
 *
 * Each mode runs `--repeat` times (default 3), alternating, and the run
 * with the median p99 frame time is kept per mode, which tames a noisy
 * machine. The whole script takes about 15 s per repeat on a busy 2-core
 * machine.
 *
 * Output: a table on stdout and `bench/results/gc_pressure.json` (or
 * `--out FILE`), with p50, p99 and max frame times, total time, GC counts,
 * the pool/new ratios and whether the targets hold: pool p99 frame time
 * ≤ 0.5× and GC count ≤ 0.2× those of `new`. `--check` exits with 1 when a
 * target is missed.
 *
 * @module
 */

import { FixedPool } from "../mod.ts";

type Mode = "new" | "pool";

interface Config {
  frames: number;
  warmup: number;
  spawnPerFrame: number;
  minLife: number;
  maxLife: number;
  seed: number;
}

/** What one child process measured. */
interface ModeResult {
  mode: Mode;
  setupMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  totalMs: number;
  scavenges: number;
  markCompacts: number;
  gcs: number;
  gcPauseMs: number;
  /** Live particles after the last frame (a checksum of the work done). */
  liveAtEnd: number;
  checksum: number;
}

const RESULT_TAG = "GC_PRESSURE_RESULT ";

// ---- the simulation (child process) ---------------------------------------

class Particle {
  x = 0;
  y = 0;
  z = 0;
  vx = 0;
  vy = 0;
  vz = 0;
  life = 0;
  readonly m: Float64Array = new Float64Array(16);
}

/** xorshift32: the same sequence in both modes, no allocation. */
let rngState = 1;
function random(): number {
  let s = rngState;
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  rngState = s;
  return (s >>> 0) / 4294967296;
}

const DT = 1 / 60;
const GRAVITY = -9.81;

function spawn(p: Particle, cfg: Config): void {
  p.x = random() * 10 - 5;
  p.y = random() * 2;
  p.z = random() * 10 - 5;
  p.vx = random() * 4 - 2;
  p.vy = random() * 8;
  p.vz = random() * 4 - 2;
  p.life = cfg.minLife +
    Math.floor(random() * (cfg.maxLife - cfg.minLife + 1));
  writeMatrix(p);
}

/** A scale-and-translate matrix, column-major: all 16 entries written. */
function writeMatrix(p: Particle): void {
  const m = p.m;
  const s = 0.5 + p.life * 0.1;
  m[0] = s;
  m[1] = 0;
  m[2] = 0;
  m[3] = 0;
  m[4] = 0;
  m[5] = s;
  m[6] = 0;
  m[7] = 0;
  m[8] = 0;
  m[9] = 0;
  m[10] = s;
  m[11] = 0;
  m[12] = p.x;
  m[13] = p.y;
  m[14] = p.z;
  m[15] = 1;
}

function update(p: Particle): void {
  p.vy += GRAVITY * DT;
  p.x += p.vx * DT;
  p.y += p.vy * DT;
  p.z += p.vz * DT;
  if (p.y < 0) {
    p.y = -p.y;
    p.vy = -p.vy * 0.6;
  }
  writeMatrix(p);
}

function percentile(sorted: Float64Array, q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

function simulate(mode: Mode, cfg: Config): Omit<
  ModeResult,
  "scavenges" | "markCompacts" | "gcs" | "gcPauseMs"
> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    throw new Error("gc_pressure: the child needs --v8-flags=--expose-gc");
  }
  rngState = cfg.seed;
  const maxLive = cfg.spawnPerFrame * cfg.maxLife;
  const setupStart = performance.now();
  const pool = mode === "pool"
    ? new FixedPool(Particle, { capacity: maxLive, preInitialize: true })
    : undefined;
  const live: Particle[] = new Array<Particle>(maxLive).fill(
    new Particle(),
  );
  const setupMs = performance.now() - setupStart;
  let count = 0;

  const frame = (): void => {
    // Update every live particle; retire the ones whose life ran out.
    for (let i = 0; i < count; i++) {
      const p = live[i]!;
      if (--p.life <= 0) {
        if (pool !== undefined) pool.release(p);
        live[i] = live[--count]!;
        i--;
      } else {
        update(p);
      }
    }
    for (let i = 0; i < cfg.spawnPerFrame; i++) {
      const p = pool !== undefined ? pool.acquire() : new Particle();
      spawn(p, cfg);
      live[count++] = p;
    }
  };

  for (let f = 0; f < cfg.warmup; f++) frame();
  const times = new Float64Array(cfg.frames);
  gc(); // marks the start of the measured frames in the --trace-gc output
  for (let f = 0; f < cfg.frames; f++) {
    const t0 = performance.now();
    frame();
    times[f] = performance.now() - t0;
  }
  gc(); // marks the end
  let checksum = 0;
  for (let i = 0; i < count; i++) checksum += live[i]!.m[12]!;
  let totalMs = 0;
  for (const t of times) totalMs += t;
  const sorted = times.slice().sort();
  return {
    mode,
    setupMs,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1]!,
    meanMs: totalMs / cfg.frames,
    totalMs,
    liveAtEnd: count,
    checksum,
  };
}

// ---- counting GCs (parent) -------------------------------------------------

/** What one `--trace-gc` line says, or `undefined` for other lines. */
export function parseTraceGcLine(
  line: string,
): { kind: "minor" | "major"; pauseMs: number; forced: boolean } | undefined {
  // [pid:0xisolate]   123 ms: Scavenge 3.2 (4.5) -> 3.2 (5.5) MB, pooled: 0.0 MB, 1.53 / 0.00 ms (…) allocation failure;
  const match =
    /^\[\d+:0x[0-9a-f]+\]\s+[\d.]+ ms: (.+?) [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/
      .exec(line);
  if (match === null) return undefined;
  const name = match[1]!;
  const kind = /Scavenge|Minor/.test(name)
    ? "minor"
    : /Mark-Compact|Mark-Sweep/.test(name)
    ? "major"
    : undefined;
  if (kind === undefined) return undefined;
  return {
    kind,
    pauseMs: Number(match[2]),
    forced: / testing[;,]/.test(line),
  };
}

/** Counts the GCs between the first two forced (`testing`) collections. */
export function countGcs(
  output: string,
): { scavenges: number; markCompacts: number; pauseMs: number } {
  let markers = 0;
  let scavenges = 0;
  let markCompacts = 0;
  let pauseMs = 0;
  for (const line of output.split("\n")) {
    const gc = parseTraceGcLine(line);
    if (gc === undefined) continue;
    if (gc.forced) {
      if (++markers === 2) break;
      continue;
    }
    if (markers !== 1) continue;
    if (gc.kind === "minor") scavenges++;
    else markCompacts++;
    pauseMs += gc.pauseMs;
  }
  if (markers < 2) {
    throw new Error(
      "gc_pressure: the child's --trace-gc output lacks the two forced GCs that bracket the measured frames",
    );
  }
  return { scavenges, markCompacts, pauseMs };
}

async function runChild(mode: Mode, cfg: Config): Promise<ModeResult> {
  const args = [
    "run",
    "--no-check",
    "--v8-flags=--trace-gc,--expose-gc",
    new URL(import.meta.url).pathname,
    "--child",
    mode,
    "--frames",
    String(cfg.frames),
    "--warmup",
    String(cfg.warmup),
    "--spawn",
    String(cfg.spawnPerFrame),
  ];
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  if (code !== 0) {
    throw new Error(
      `gc_pressure: the ${mode} child failed (exit ${code}):\n${err}`,
    );
  }
  const line = err.split("\n").find((l) => l.startsWith(RESULT_TAG));
  if (line === undefined) {
    throw new Error(`gc_pressure: the ${mode} child printed no result`);
  }
  const result = JSON.parse(line.slice(RESULT_TAG.length)) as ModeResult;
  const gcs = countGcs(out);
  return {
    ...result,
    scavenges: gcs.scavenges,
    markCompacts: gcs.markCompacts,
    gcs: gcs.scavenges + gcs.markCompacts,
    gcPauseMs: gcs.pauseMs,
  };
}

// ---- command line ------------------------------------------------------------

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} takes a positive integer, got ${args[at + 1]}`);
  }
  return value;
}

function configFrom(args: string[]): Config {
  return {
    frames: option(args, "--frames", 200),
    warmup: option(args, "--warmup", 20),
    spawnPerFrame: option(args, "--spawn", 20_000),
    minLife: 2,
    maxLife: 6,
    seed: 0x9e3779b9 | 0,
  };
}

function medianBy<T>(items: T[], key: (t: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[(items.length - 1) >> 1]!;
}

function ratio(pool: number, base: number): number {
  if (base === 0) return pool === 0 ? 1 : Infinity;
  return pool / base;
}

async function main(args: string[]): Promise<void> {
  const childAt = args.indexOf("--child");
  if (childAt >= 0) {
    const mode = args[childAt + 1];
    if (mode !== "new" && mode !== "pool") {
      throw new Error(`--child takes new or pool, got ${mode}`);
    }
    const result = simulate(mode, configFrom(args));
    // On stderr: --trace-gc owns stdout, and its C-stdio buffer may flush in
    // the middle of any line written there.
    console.error(RESULT_TAG + JSON.stringify(result));
    return;
  }

  const cfg = configFrom(args);
  const repeat = option(args, "--repeat", 3);
  const outAt = args.indexOf("--out");
  const outFile = outAt >= 0
    ? args[outAt + 1]!
    : new URL("./results/gc_pressure.json", import.meta.url).pathname;
  const runs: Record<Mode, ModeResult[]> = { new: [], pool: [] };
  const started = performance.now();
  for (let r = 0; r < repeat; r++) {
    for (const mode of ["new", "pool"] as const) {
      const result = await runChild(mode, cfg);
      runs[mode].push(result);
      console.error(
        `gc_pressure: ${mode} run ${r + 1}/${repeat}: p99 ${
          result.p99Ms.toFixed(2)
        } ms, ${result.gcs} GCs`,
      );
    }
  }
  const modes = {
    new: medianBy(runs.new, (m) => m.p99Ms),
    pool: medianBy(runs.pool, (m) => m.p99Ms),
  };
  if (modes.new.checksum !== modes.pool.checksum) {
    throw new Error(
      "gc_pressure: the two modes simulated different particles (checksums differ)",
    );
  }
  const ratios = {
    p50: ratio(modes.pool.p50Ms, modes.new.p50Ms),
    p99: ratio(modes.pool.p99Ms, modes.new.p99Ms),
    max: ratio(modes.pool.maxMs, modes.new.maxMs),
    total: ratio(modes.pool.totalMs, modes.new.totalMs),
    gcs: ratio(modes.pool.gcs, modes.new.gcs),
    scavenges: ratio(modes.pool.scavenges, modes.new.scavenges),
    markCompacts: ratio(modes.pool.markCompacts, modes.new.markCompacts),
  };
  const targets = {
    p99: { limit: 0.5, met: ratios.p99 <= 0.5 },
    gcs: { limit: 0.2, met: ratios.gcs <= 0.2 },
  };
  const report = {
    date: new Date().toISOString(),
    runtime:
      `Deno/${Deno.version.deno} (V8 ${Deno.version.v8}) ${Deno.build.target}`,
    cpus: navigator.hardwareConcurrency,
    config: { ...cfg, repeat },
    modes,
    ratios,
    targets,
    wallMs: performance.now() - started,
  };

  const row = (m: ModeResult): string =>
    `| ${m.mode.padEnd(4)} | ${m.p50Ms.toFixed(2).padStart(8)} | ${
      m.p99Ms.toFixed(2).padStart(8)
    } | ${m.maxMs.toFixed(2).padStart(8)} | ${
      m.totalMs.toFixed(0).padStart(8)
    } | ${String(m.scavenges).padStart(9)} | ${
      String(m.markCompacts).padStart(13)
    } | ${m.gcPauseMs.toFixed(1).padStart(11)} | ${
      m.setupMs.toFixed(0).padStart(8)
    } |`;
  console.log(
    `gc_pressure: ${cfg.frames} frames (+${cfg.warmup} warm-up), ${cfg.spawnPerFrame} particles spawned per frame, ${report.runtime}`,
  );
  console.log(
    "| mode |  p50 ms  |  p99 ms  |  max ms  | total ms | scavenges | mark-compacts | GC pause ms | setup ms |",
  );
  console.log(row(modes.new));
  console.log(row(modes.pool));
  console.log(
    `pool/new: p99 ${ratios.p99.toFixed(3)} (target ≤ 0.5: ${
      targets.p99.met ? "met" : "MISSED"
    }), GCs ${ratios.gcs.toFixed(3)} (target ≤ 0.2: ${
      targets.gcs.met ? "met" : "MISSED"
    }), p50 ${ratios.p50.toFixed(3)}, total ${ratios.total.toFixed(3)}`,
  );
  const dir = outFile.includes("/")
    ? outFile.slice(0, outFile.lastIndexOf("/"))
    : ".";
  await Deno.mkdir(dir || "/", { recursive: true });
  await Deno.writeTextFile(outFile, JSON.stringify(report, null, 2) + "\n");
  console.log(`gc_pressure: wrote ${outFile}`);
  if (args.includes("--check") && !(targets.p99.met && targets.gcs.met)) {
    Deno.exit(1);
  }
}

if (import.meta.main) await main(Deno.args);
