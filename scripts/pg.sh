#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for tests (Debian's postgresql
# package): a temporary folder, a free port on 127.0.0.1, trust
# authentication for the user motcua, and a database "motcua".
#
#   scripts/pg.sh                  prints the URL and keeps the cluster up until Ctrl-C
#   scripts/pg.sh COMMAND [ARG...] runs COMMAND with the cluster up, then stops it
#
# COMMAND sees MC_TEST_PG_URL (postgresql://motcua@127.0.0.1:PORT/motcua, for the
# store contract suite) and MOTCUA_TEST_DB_URL_BASE (the same server without a
# database, for the API test harness, which creates one database per server).
# The cluster is stopped and its folder removed on exit, whatever happens.
# initdb refuses to run as root: as root, the cluster belongs to the postgres
# system user that the package creates.
set -euo pipefail

bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then bindir="$d"; fi
  done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BINDIR)" >&2
  exit 1
fi

tmp="$(mktemp -d /tmp/motcua-pg.XXXXXX)"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$tmp"
  as_owner=(runuser -u postgres --)
fi

cleanup() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"

"${as_owner[@]}" "$bindir/initdb" -D "$tmp/data" -U motcua --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log" >&2; exit 1; }
# fsync stays on: the tests check durable commits as production runs them.
"${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null ||
  { cat "$tmp/server.log" >&2; exit 1; }
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U motcua motcua

export MOTCUA_TEST_DB_URL_BASE="postgresql://motcua@127.0.0.1:$port"
export MC_TEST_PG_URL="$MOTCUA_TEST_DB_URL_BASE/motcua"
export MOTCUA_PG_BINDIR="$bindir"

if [ $# -eq 0 ]; then
  echo "$MC_TEST_PG_URL"
  echo "pg.sh: cluster in $tmp; Ctrl-C stops and removes it" >&2
  while true; do sleep 3600; done
fi
"$@"
