#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (Playwright drives it; no browser download), and
# axe-core (the accessibility checker the phone tests run in the page) into build/axe, pinned.
# Prints the executable's path on its last line. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium: installing the Debian package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
fi
AXE_VERSION=4.14.1
if [ "$(node -p "require('./build/axe/node_modules/axe-core/package.json').version" 2>/dev/null)" != "$AXE_VERSION" ]; then
  echo "chromium: installing axe-core $AXE_VERSION into build/axe" >&2
  npm install --prefix build/axe --no-save --no-audit --no-fund --loglevel=error "axe-core@$AXE_VERSION" >&2
fi
command -v chromium
