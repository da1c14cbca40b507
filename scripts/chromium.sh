#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (Playwright drives it; no browser download).
# Prints the executable's path on its last line. Idempotent.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium: installing the Debian package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
fi
command -v chromium
