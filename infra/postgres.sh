#!/usr/bin/env bash
# postgres.sh - a throw-away PostgreSQL server on 127.0.0.1, for tests and for trying a shared silo locally.
#   infra/postgres.sh start PORT   prints "DIR<TAB>CONNECTION-STRING"; the cluster lives in DIR (a new temp dir)
#   infra/postgres.sh stop DIR     stops it and deletes DIR
# Runs the server as the postgres user when called as root (initdb refuses root).
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$bindir/initdb" ]] || { echo "postgres.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    port=${2:?port}
    dir=$(mktemp -d /tmp/activeit-pg.XXXXXX)
    chmod 755 "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
    as_postgres "$bindir/initdb" -D "$dir/data" -A trust -U activeit -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    printf '%s\tHost=127.0.0.1;Port=%s;Username=activeit;Database=postgres\n' "$dir" "$port"
    ;;
  stop)
    dir=${2:?dir}
    as_postgres "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: postgres.sh start PORT | stop DIR" >&2; exit 2 ;;
esac
