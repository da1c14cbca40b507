#!/usr/bin/env bash
# Install (Debian package) and start a throwaway PostgreSQL server on loopback for the tests.
# Prints the SQLAlchemy URL on its last line. Idempotent: a running server is reused.
set -euo pipefail
port=${THRESHOLD_KB_PG_PORT:-55432}
data=${THRESHOLD_KB_PG_DATA:-/tmp/threshold_kb_pg}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "postgres: installing the Debian package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ ! -f "$data/PG_VERSION" ]; then
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres "$data"
  as_postgres "$bindir/initdb" -D "$data" -U postgres --auth=trust >/dev/null
fi
if ! as_postgres "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  as_postgres "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >&2
fi
echo "postgresql+psycopg2://postgres@127.0.0.1:$port/postgres"
