#!/usr/bin/env bash
# Installs Debian's `chromium` package when /usr/bin/chromium is missing (the
# browser tests drive it through playwright-core; no browser is ever
# downloaded any other way). Needs root, as on CI; idempotent.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing: install Debian's chromium package (apt-get install chromium) as root" >&2
  exit 1
fi
echo "Installing Debian's chromium ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
