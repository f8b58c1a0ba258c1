/**
 * Turns `deno bench --json` output into a markdown table and an SVG chart.
 *
 * ```sh
 * deno bench --json --v8-flags=--expose-gc bench/ > run.json
 * deno run --allow-read --allow-write=bench/results bench/report.ts \
 *   --ops "sync cycle=1000" --ops "sync burst=256" run.json
 * ```
 *
 * Input: the files named on the command line (`-` or none: standard input).
 * A file may hold several JSON documents one after another (runs appended
 * with `>>`). When the same bench appears in several runs, its figure is the
 * median of the runs' averages, and the spread (fastest and slowest run) is
 * shown beside it; see `bench/run_all.sh` for why several runs are worth it.
 *
 * Output, in `bench/results/` (or `--out DIR`):
 * - `latest.md`: per group, each bench's time per iteration, time per
 *   operation (when `--ops "GROUP=N"` says how many operations one iteration
 *   does), and its ratio to the group's baseline (the bench marked
 *   `baseline: true`, else the fastest), with the runtime and CPU.
 * - `latest.svg`: one bar per bench, grouped, on a log scale of the ratio to
 *   the group's baseline, labelled with the time per operation and the ratio.
 *   Its background is transparent and its colours are mid-tones, so it reads
 *   on GitHub's light and dark themes alike. Bars are grey for baselines,
 *   blue for benches naming a fastalloc pool, orange for the rest (`new`,
 *   other libraries).
 *
 * With `--gc FILE` (the JSON that `bench/gc_pressure.ts` writes), both also
 * get the GC pressure results. With `--real FILE` (repeatable: the JSON
 * that `bench/real_programs.ts` writes, one per runtime and run), the
 * markdown gets the real-program tables (every K, both call-site shapes,
 * each runtime, medians over runs) and the issue-10 targets checked against
 * them, and the chart gets the 8-class groups. With `--gc-trace FILE`
 * (repeatable: `bench/gc_trace.ts --json`), the garbage-per-cycle check.
 *
 * No dependencies: the SVG is written by hand.
 *
 * @module
 */

/** One bench's result in `deno bench --json` (version 1). */
interface BenchJson {
  origin: string;
  group: string | null;
  name: string;
  baseline: boolean;
  results: Array<
    { ok: { n: number; avg: number; min: number; max: number } } | {
      failed: unknown;
    }
  >;
}

/** One `deno bench --json` document. */
interface RunJson {
  runtime: string;
  cpu: string;
  benches: BenchJson[];
}

/** A bench over every run it appeared in. */
interface Row {
  group: string;
  name: string;
  baseline: boolean;
  /** Average time per iteration (ns), one per run. */
  runs: number[];
  failed: boolean;
}

/** What `bench/gc_pressure.ts` writes (the part shown here). */
interface GcPressure {
  config: { frames: number; spawnPerFrame: number };
  modes: Record<string, {
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    totalMs: number;
    scavenges: number;
    markCompacts: number;
    gcPauseMs: number;
  }>;
  ratios: Record<string, number>;
  targets: Record<string, { limit: number; met: boolean }>;
}

const USAGE =
  `Usage: deno run --allow-read --allow-write bench/report.ts [--ops "GROUP=N"]... [--gc FILE] [--real FILE]... [--gc-trace FILE]... [--out DIR] [FILE|-]...`;

/** What `bench/real_programs.ts` writes. */
interface RealJson {
  runtime: string;
  version: string;
  codegen: boolean | undefined;
  rows: { contender: string; k: number; shape: string; ns: number }[];
}

/** What `bench/gc_trace.ts --json` writes. */
interface GcTraceJson {
  runtime: string;
  cycles: number;
  gcs: Record<string, number>;
}

function parseArgs(args: string[]): {
  files: string[];
  ops: Map<string, number>;
  gc: string | undefined;
  real: string[];
  gcTrace: string[];
  out: string;
} {
  const files: string[] = [];
  const ops = new Map<string, number>();
  const real: string[] = [];
  const gcTrace: string[] = [];
  let gc: string | undefined;
  let out = new URL("./results/", import.meta.url).pathname;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === "--ops") {
      const spec = value();
      const at = spec.lastIndexOf("=");
      const n = Number(spec.slice(at + 1));
      if (at <= 0 || !Number.isInteger(n) || n <= 0) {
        throw new Error(`--ops takes "GROUP=N", got "${spec}"`);
      }
      ops.set(spec.slice(0, at), n);
    } else if (arg === "--gc") gc = value();
    else if (arg === "--real") real.push(value());
    else if (arg === "--gc-trace") gcTrace.push(value());
    else if (arg === "--out") out = value();
    else if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      Deno.exit(0);
    } else files.push(arg);
  }
  return {
    files,
    ops,
    gc,
    real,
    gcTrace,
    out: out.endsWith("/") ? out : out + "/",
  };
}

/** Splits text holding one or more JSON documents one after another. */
export function splitJsonDocuments(text: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if (c === "}" || c === "]") {
      if (--depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return docs;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Merges runs: rows in first-seen order, grouped (benches without a group by file). */
export function collect(runs: RunJson[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  const byKey = new Map<string, Row>();
  for (const run of runs) {
    for (const bench of run.benches) {
      const file = bench.origin.slice(bench.origin.lastIndexOf("/") + 1);
      const group = bench.group ?? file;
      const key = `${group}\u0000${bench.name}`;
      let row = byKey.get(key);
      if (row === undefined) {
        row = {
          group,
          name: bench.name,
          baseline: bench.baseline,
          runs: [],
          failed: false,
        };
        byKey.set(key, row);
        const rows = groups.get(group) ?? [];
        rows.push(row);
        groups.set(group, rows);
      }
      const result = bench.results[0];
      if (result !== undefined && "ok" in result) row.runs.push(result.ok.avg);
      else row.failed = true;
    }
  }
  return groups;
}

/** The group's baseline time per iteration: the marked one, else the fastest. */
function baselineOf(rows: Row[]): number | undefined {
  const timed = rows.filter((r) => r.runs.length > 0);
  const marked = timed.find((r) => r.baseline);
  if (marked !== undefined) return median(marked.runs);
  if (timed.length === 0) return undefined;
  return Math.min(...timed.map((r) => median(r.runs)));
}

/** Formats nanoseconds with a unit and three significant digits or so. */
export function formatNs(ns: number): string {
  if (ns < 10) return `${ns.toFixed(2)} ns`;
  if (ns < 1000) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

function formatRatio(ratio: number): string {
  return `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)}×`;
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(
    ">",
    "&gt;",
  ).replaceAll('"', "&quot;");
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|");
}

interface Context {
  runtime: string;
  cpu: string;
  runCount: number;
  date: string;
  ops: Map<string, number>;
}

export function markdown(
  groups: Map<string, Row[]>,
  ctx: Context,
  gc: GcPressure | undefined,
): string {
  const lines: string[] = [
    "# fastalloc benchmarks",
    "",
    `${ctx.runtime} · CPU: ${ctx.cpu} · ${ctx.date}`,
    "",
    ctx.runCount > 1
      ? `Each figure is the median over ${ctx.runCount} runs (separate processes); "runs" shows the fastest and slowest run.`
      : "One run; re-run on a quiet machine before quoting a figure.",
    "Ratios are to the group's baseline (marked ★): lower is faster.",
    "",
  ];
  for (const [group, rows] of groups) {
    const ops = ctx.ops.get(group);
    const base = baselineOf(rows);
    lines.push(
      `## ${group}`,
      "",
      ops === undefined
        ? "Time per iteration of the bench function."
        : `One iteration does ${ops} operations; time per operation = time per iteration / ${ops}.`,
      "",
    );
    const header = ["benchmark", "time/iter"];
    if (ops !== undefined) header.push("time/op");
    header.push("vs baseline");
    if (ctx.runCount > 1) header.push("runs (min … max)");
    lines.push(
      `| ${header.join(" | ")} |`,
      `| ${header.map((_, i) => i === 0 ? "---" : "---:").join(" | ")} |`,
    );
    for (const row of rows) {
      const name = escapeCell(row.baseline ? `${row.name} ★` : row.name);
      if (row.runs.length === 0) {
        lines.push(`| ${name} | failed |${" |".repeat(header.length - 2)}`);
        continue;
      }
      const t = median(row.runs);
      const cells = [name, formatNs(t)];
      if (ops !== undefined) cells.push(formatNs(t / ops));
      cells.push(base === undefined ? "" : formatRatio(t / base));
      if (ctx.runCount > 1) {
        const lo = Math.min(...row.runs) / (ops ?? 1);
        const hi = Math.max(...row.runs) / (ops ?? 1);
        cells.push(`${formatNs(lo)} … ${formatNs(hi)}`);
      }
      lines.push(`| ${cells.join(" | ")} |`);
    }
    lines.push("");
  }
  if (gc !== undefined) lines.push(...gcMarkdown(gc));
  lines.push("![benchmark chart](latest.svg)", "");
  return lines.join("\n");
}

function gcMarkdown(gc: GcPressure): string[] {
  const lines = [
    "## GC pressure (bench/gc_pressure.ts)",
    "",
    `${gc.config.frames} frames, ${gc.config.spawnPerFrame} particles spawned per frame; each mode in its own process.`,
    "",
    "| mode | p50 frame | p99 frame | max frame | total | scavenges | mark-compacts | GC pause |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const [mode, m] of Object.entries(gc.modes)) {
    lines.push(
      `| ${mode} | ${m.p50Ms.toFixed(2)} ms | ${m.p99Ms.toFixed(2)} ms | ${
        m.maxMs.toFixed(2)
      } ms | ${
        m.totalMs.toFixed(0)
      } ms | ${m.scavenges} | ${m.markCompacts} | ${
        m.gcPauseMs.toFixed(1)
      } ms |`,
    );
  }
  lines.push(
    "",
    "| pool / new | ratio | target | met |",
    "| --- | ---: | ---: | :-: |",
  );
  for (const [name, ratio] of Object.entries(gc.ratios)) {
    const target = gc.targets[name];
    lines.push(
      `| ${name} | ${ratio.toFixed(3)} | ${
        target ? `≤ ${target.limit}` : ""
      } | ${target ? (target.met ? "yes" : "**no**") : ""} |`,
    );
  }
  lines.push("");
  return lines;
}

// ---- real programs (bench/real_programs.ts) ----------------------------------

const REAL_CONTENDERS = [
  "bare",
  "new",
  "reusify",
  "FixedPool",
  "GrowingPool",
  "use(fn)",
  "keys",
  "ThreadLocalPool",
];

/** Median ns per cycle of each (runtime, shape, k, contender) over the runs. */
function realMedians(real: RealJson[]): Map<string, number> {
  const all = new Map<string, number[]>();
  for (const run of real) {
    for (const r of run.rows) {
      const key = `${run.runtime}|${r.shape}|${r.k}|${r.contender}`;
      all.set(key, [...(all.get(key) ?? []), r.ns]);
    }
  }
  return new Map([...all].map(([k, v]) => [k, median(v)]));
}

/**
 * The median over runs of `contender`'s time over `base`'s, each ratio taken
 * within one run (one process): a process's figures move together with the
 * machine's state and its JIT's decisions, so a ratio of two medians taken
 * from different processes can pair a fast run with a slow one.
 */
function realRatio(
  real: RealJson[],
  at: { runtime: string; shape: string; k: number },
  contender: string,
  base: string,
): number {
  const ratios: number[] = [];
  for (const run of real) {
    if (run.runtime !== at.runtime) continue;
    const ns = (c: string) =>
      run.rows.find((r) =>
        r.shape === at.shape && r.k === at.k && r.contender === c
      )?.ns;
    const a = ns(contender);
    const b = ns(base);
    if (a !== undefined && b !== undefined) ratios.push(a / b);
  }
  return ratios.length === 0 ? NaN : median(ratios);
}

/** The runtimes the issue-10 targets are for; the others are listed for reference. */
const TARGET_RUNTIMES = new Set(["deno", "node"]);

/** The real-program tables and the issue-10 targets, for latest.md. */
export function realMarkdown(real: RealJson[]): string[] {
  if (real.length === 0) return [];
  const med = realMedians(real);
  const runtimes = [...new Set(real.map((r) => r.runtime))];
  const lines = [
    "## Real programs (bench/real_programs.ts)",
    "",
    "K pooled classes in ONE process, every contender's pools alive at once; `separate`: each class from its own loop function, `shared`: one loop drives all K (`pools[i % K]`). ns per acquire + release (median over runs) and × bare arrays of the same K and shape (the median over runs of each run's own ratio).",
    "",
  ];
  const at = (rt: string, shape: string, k: number, c: string) =>
    med.get(`${rt}|${shape}|${k}|${c}`) ?? NaN;
  for (const rt of runtimes) {
    const runs = real.filter((r) => r.runtime === rt);
    const codegen = runs[0]?.codegen;
    for (const shape of ["separate", "shared"]) {
      lines.push(
        `### ${rt} ${
          runs[0]?.version ?? ""
        }, ${shape} call sites (${runs.length} runs, per-pool code ${
          codegen ? "generated" : "shared"
        })`,
        "",
        `| K | ${REAL_CONTENDERS.join(" | ")} |`,
        `| --- | ${REAL_CONTENDERS.map(() => "---:").join(" | ")} |`,
      );
      const ks = [...new Set(runs.flatMap((r) => r.rows.map((x) => x.k)))]
        .sort((a, b) => a - b);
      for (const k of ks) {
        const cells = REAL_CONTENDERS.map((c) => {
          const ratio = realRatio(real, { runtime: rt, shape, k }, c, "bare");
          return `${at(rt, shape, k, c).toFixed(1)} (${ratio.toFixed(2)}×)`;
        });
        lines.push(`| ${k} | ${cells.join(" | ")} |`);
      }
      lines.push("");
    }
  }
  lines.push(
    "### Issue 10 targets",
    "",
    "Each ratio is the median over runs of that run's own ratio. The targets are for Deno and Node 24; the other rows are for reference (Bun is to be no worse than before the per-pool design, and the shared-code path to behave identically, only slower).",
    "",
    "| runtime | target | measured | met |",
    "| --- | --- | ---: | :-: |",
  );
  for (const rt of runtimes) {
    const check = (
      label: string,
      at: { shape: string; k: number },
      ratio: [string, string],
      limit: number,
    ) => {
      const value = realRatio(real, { runtime: rt, ...at }, ...ratio);
      const met = value <= limit ? "yes" : "no";
      lines.push(
        `| ${rt} | ${label} ≤ ${limit} | ${value.toFixed(2)} | ${
          !TARGET_RUNTIMES.has(rt) ? `(${met})` : met === "yes" ? met : "**no**"
        } |`,
      );
    };
    const eight = { shape: "separate", k: 8 };
    for (const c of ["FixedPool", "GrowingPool", "use(fn)"]) {
      check(`${c}, 8 classes, separate: × bare`, eight, [c, "bare"], 2.5);
      check(`${c}, 8 classes, separate: × new`, eight, [c, "new"], 0.8);
      check(`${c}, 8 classes, separate: × reusify`, eight, [c, "reusify"], 1);
      check(
        `${c}, 1 class among coexisting pools: × bare`,
        { shape: "separate", k: 1 },
        [c, "bare"],
        2,
      );
    }
    for (const shape of ["separate", "shared"]) {
      for (const k of [1, 8, 16]) {
        check(
          `keys, ${k} ${k === 1 ? "class" : "classes"}, ${shape}: × bare`,
          { shape, k },
          ["keys", "bare"],
          2.5,
        );
      }
    }
  }
  lines.push("");
  return lines;
}

/**
 * Chart groups for the real programs: the 8-class rows of each runtime and
 * shape. A bar's time is the median bare time times its median ratio (see
 * {@linkcode realRatio}), so the chart's ratios are the table's.
 */
export function realChartGroups(real: RealJson[]): Map<string, Row[]> {
  const med = realMedians(real);
  const groups = new Map<string, Row[]>();
  for (const rt of [...new Set(real.map((r) => r.runtime))]) {
    for (const shape of ["separate", "shared"]) {
      const group = `real, 8 classes, ${shape} (${rt})`;
      const bare = med.get(`${rt}|${shape}|8|bare`) ?? NaN;
      const at = { runtime: rt, shape, k: 8 };
      groups.set(
        group,
        REAL_CONTENDERS.map((name) => ({
          group,
          name: name === "bare" ? "bare arrays" : name,
          baseline: name === "bare",
          runs: [bare * realRatio(real, at, name, "bare")],
          failed: false,
        })).filter((r) => Number.isFinite(r.runs[0])),
      );
    }
  }
  return groups;
}

/** The `--trace-gc` check, for latest.md. */
export function gcTraceMarkdown(traces: GcTraceJson[]): string[] {
  if (traces.length === 0) return [];
  const lines = [
    "## Garbage per cycle (bench/gc_trace.ts, --trace-gc)",
    "",
    "| runtime | loop | cycles | GCs |",
    "| --- | --- | ---: | ---: |",
  ];
  for (const t of traces) {
    for (const [loop, n] of Object.entries(t.gcs)) {
      lines.push(`| ${t.runtime} | ${loop} | ${t.cycles} | ${n} |`);
    }
  }
  lines.push("");
  return lines;
}

// ---- SVG -------------------------------------------------------------------

/** Mid-tone colours: legible on white and on GitHub's dark #0d1117. */
const TEXT = "#7d8590";
const STRONG = "#8b949e";
const GRID = "#8b949e";
const BAR_BASE = "#8b949e";
const BAR_POOL = "#2f81f7";
const BAR_OTHER = "#db6d28";

/** Bench names that measure fastalloc itself (the rest are its rivals). */
const FASTALLOC =
  /\b(?:FixedPool|GrowingPool|AsyncPool|ThreadSafePool|ThreadLocalPool|BasePool|fastalloc)\b/;

const FONT =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif";

/** A rough width of `text` at `size` px in a proportional sans-serif. */
function textWidth(text: string, size: number): number {
  return text.length * size * 0.56;
}

export function svg(groups: Map<string, Row[]>, ctx: Context): string {
  const rowH = 22;
  const groupH = 30;
  const top = 70;
  const allRows = [...groups.values()].flat();
  const nameW = Math.min(
    420,
    Math.max(
      200,
      ...allRows.map((r) => textWidth(r.name + (r.baseline ? " ★" : ""), 12)),
    ) + 16,
  );
  const chartW = 420;
  const valueW = 200;
  const left = 16;
  const x0 = left + nameW;
  const width = x0 + chartW + valueW;

  // The log scale: from half the smallest ratio (at most 1×) to the largest.
  const ratios: number[] = [];
  for (const rows of groups.values()) {
    const base = baselineOf(rows);
    if (base === undefined) continue;
    for (const r of rows) if (r.runs.length) ratios.push(median(r.runs) / base);
  }
  const lo = Math.min(0.5, ...ratios.map((r) => r / 1.5));
  const hi = Math.max(2, ...ratios) * 1.05;
  const scale = (ratio: number): number =>
    (Math.log(ratio / lo) / Math.log(hi / lo)) * chartW;

  const body: string[] = [];
  let y = top;
  for (const [group, rows] of groups) {
    const ops = ctx.ops.get(group);
    const base = baselineOf(rows);
    body.push(
      `<text x="${left}" y="${y + 20}" class="group">${escapeXml(group)}${
        ops
          ? ` <tspan class="note">(per operation = iteration / ${ops})</tspan>`
          : ""
      }</text>`,
    );
    y += groupH;
    for (const row of rows) {
      const label = row.baseline ? `${row.name} ★` : row.name;
      body.push(
        `<text x="${x0 - 8}" y="${y + 15}" text-anchor="end" class="name">${
          escapeXml(label)
        }</text>`,
      );
      if (row.runs.length === 0 || base === undefined) {
        body.push(
          `<text x="${x0 + 4}" y="${y + 15}" class="value">failed</text>`,
        );
        y += rowH;
        continue;
      }
      const t = median(row.runs);
      const ratio = t / base;
      const w = Math.max(2, scale(ratio));
      const fill = row.baseline
        ? BAR_BASE
        : FASTALLOC.test(row.name)
        ? BAR_POOL
        : BAR_OTHER;
      body.push(
        `<rect x="${x0}" y="${y + 4}" width="${w.toFixed(1)}" height="${
          rowH - 8
        }" rx="2" fill="${fill}"><title>${
          escapeXml(`${row.name}: ${formatNs(t)}/iter, ${formatRatio(ratio)}`)
        }</title></rect>`,
      );
      const value = `${formatNs(ops ? t / ops : t)}${ops ? "/op" : "/iter"} · ${
        formatRatio(ratio)
      }`;
      body.push(
        `<text x="${x0 + w + 6}" y="${y + 15}" class="value">${
          escapeXml(value)
        }</text>`,
      );
      y += rowH;
    }
    y += 6;
  }
  const bottom = y;

  // Grid lines at powers of two, the 1× line stronger.
  const grid: string[] = [];
  for (let p = Math.ceil(Math.log2(lo)); 2 ** p <= hi; p++) {
    const r = 2 ** p;
    const x = x0 + scale(r);
    grid.push(
      `<line x1="${x.toFixed(1)}" y1="${top}" x2="${
        x.toFixed(1)
      }" y2="${bottom}" stroke="${GRID}" stroke-opacity="${
        p === 0 ? 0.9 : 0.25
      }" stroke-width="${p === 0 ? 1.5 : 1}"${
        p === 0 ? "" : ' stroke-dasharray="3 3"'
      }/>`,
      `<text x="${x.toFixed(1)}" y="${
        bottom + 16
      }" text-anchor="middle" class="tick">${r < 1 ? `1/${1 / r}` : r}×</text>`,
    );
  }
  const height = bottom + 58;
  const legend = [
    [BAR_BASE, "baseline"],
    [BAR_POOL, "fastalloc"],
    [BAR_OTHER, "new / other libraries"],
  ] as const;
  let lx = left;
  const legendSvg = legend.map(([color, label]) => {
    const s = `<rect x="${lx}" y="${
      height - 27
    }" width="10" height="10" rx="2" fill="${color}"/><text x="${lx + 14}" y="${
      height - 18
    }" class="note">${label}</text>`;
    lx += 24 + textWidth(label, 11);
    return s;
  }).join("");

  const runs = ctx.runCount > 1 ? ` · median of ${ctx.runCount} runs` : "";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${
    Math.ceil(width)
  }" height="${height}" viewBox="0 0 ${
    Math.ceil(width)
  } ${height}" font-family="${FONT}">
<style>
  text { fill: ${TEXT}; font-size: 12px; }
  .title { fill: ${STRONG}; font-size: 16px; font-weight: 600; }
  .group { fill: ${STRONG}; font-size: 13px; font-weight: 600; }
  .name { fill: ${STRONG}; }
  .value { fill: ${STRONG}; font-variant-numeric: tabular-nums; }
  .note, .tick { font-size: 11px; }
</style>
<text x="${left}" y="24" class="title">fastalloc benchmarks — time relative to each group's baseline (log scale, lower is faster)</text>
<text x="${left}" y="44" class="note">${
    escapeXml(`${ctx.runtime} · CPU: ${ctx.cpu} · ${ctx.date}${runs}`)
  }</text>
${grid.join("\n")}
${body.join("\n")}
${legendSvg}
<text x="${Math.ceil(width) - 16}" y="${
    height - 18
  }" text-anchor="end" class="note">★ baseline</text>
</svg>
`;
}

async function readInput(files: string[]): Promise<string[]> {
  if (files.length === 0 || (files.length === 1 && files[0] === "-")) {
    return [await new Response(Deno.stdin.readable).text()];
  }
  return await Promise.all(
    files.map((f) =>
      f === "-"
        ? new Response(Deno.stdin.readable).text()
        : Deno.readTextFile(f)
    ),
  );
}

if (import.meta.main) {
  const { files, ops, gc: gcFile, real: realFiles, gcTrace, out } = parseArgs(
    Deno.args,
  );
  const real = await Promise.all(
    realFiles.map(async (f) =>
      JSON.parse(await Deno.readTextFile(f)) as RealJson
    ),
  );
  const traces = await Promise.all(
    gcTrace.map(async (f) =>
      JSON.parse(await Deno.readTextFile(f)) as GcTraceJson
    ),
  );
  const runs = (await readInput(files)).flatMap(splitJsonDocuments).filter(
    (doc): doc is RunJson =>
      typeof doc === "object" && doc !== null && "benches" in doc,
  );
  if (runs.length === 0) {
    console.error(`report: no deno bench --json output found\n${USAGE}`);
    Deno.exit(1);
  }
  const groups = collect(runs);
  for (const [name, rows] of realChartGroups(real)) {
    groups.set(name, rows);
    ops.set(name, 1); // figures are already per cycle
  }
  // Runs of different bench files are different documents; count the most
  // documents any one bench appeared in.
  const runCount = Math.max(
    ...[...groups.values()].flat().map((r) => r.runs.length),
  );
  const ctx: Context = {
    runtime: runs[0]!.runtime,
    cpu: runs[0]!.cpu,
    runCount,
    date: new Date().toISOString().slice(0, 10),
    ops,
  };
  const gc = gcFile === undefined
    ? undefined
    : JSON.parse(await Deno.readTextFile(gcFile)) as GcPressure;
  await Deno.mkdir(out, { recursive: true });
  const md = markdown(groups, ctx, gc).replace(
    "![benchmark chart](latest.svg)",
    [...realMarkdown(real), ...gcTraceMarkdown(traces)].join("\n") +
      "\n![benchmark chart](latest.svg)",
  );
  await Deno.writeTextFile(`${out}latest.md`, md);
  await Deno.writeTextFile(`${out}latest.svg`, svg(groups, ctx));
  console.log(`report: wrote ${out}latest.md and ${out}latest.svg`);
}
