#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server for the test suite, on a local port.
# Usage: scripts/pgtest.sh start|stop   (prints the DATABASE_URL on start)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir="$here/.pgtest"
port="${PGTEST_PORT:-54329}"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL n'est pas installé (paquet Debian 'postgresql')." >&2
  exit 3
fi
as_pg() {
  # PostgreSQL refuses to run as root: use the postgres account when we are root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
  start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      rm -rf "$dir"; mkdir -p "$dir"
      [ "$(id -u)" = 0 ] && chown postgres: "$dir"
      as_pg "$bindir/initdb" -D "$dir/data" -U ordilien --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || as_pg "$bindir/initdb" -D "$dir/data" -U ordilien --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
    fi
    if ! as_pg "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
    fi
    for db in ordilien_test ordilien_e2e; do
      as_pg "$bindir/psql" -h 127.0.0.1 -p "$port" -U ordilien -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
        || as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U ordilien "$db"
    done
    echo "postgresql+psycopg://ordilien@127.0.0.1:$port/ordilien_test"
    ;;
  stop)
    [ -d "$dir/data" ] && as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
