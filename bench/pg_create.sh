#!/usr/bin/env bash
# Durable dossier creations through the API on PostgreSQL, beside psql
# writing the same rows with the same durability (fsync and
# synchronous_commit on: the cluster of scripts/pg.sh). Run by bench/run.sh
# inside scripts/pg.sh:
#
#   scripts/pg.sh bash bench/pg_create.sh BIN WORK
#
# BIN is the motcua binary; WORK a folder holding post.lua, the SQLite
# creation bench's wrk script (its token is replaced by one of this server).
# Prints one line: api/s, p50, p99, psql one-per-transaction/s, psql
# BATCH-per-transaction/s.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$1; work=$2
BATCH=${BATCH:-64}; CONNS=${CONNS:-64}; DOSSIERS=${DOSSIERS:-2000}
log() { echo "bench (PostgreSQL): $*" >&2; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN {printf "%.3f", e-s}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

db_url() { echo "$MOTCUA_TEST_DB_URL_BASE/$1"; }
psql_q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$(db_url "$1")" "${@:2}"; }

psql -X -q "$MC_TEST_PG_URL" -c "CREATE DATABASE bench_api" -c "CREATE DATABASE bench_ref" >/dev/null
mkdir -p "$work/pg-files"
"$bin" init --db "$(db_url bench_api)?files=$work/pg-files" --demo --dossiers "$DOSSIERS" >/dev/null
"$bin" init --db "$(db_url bench_ref)?files=$work/pg-files" --demo --dossiers 0 >/dev/null

port=$(free_port)
MOTCUA_ACCESS_LOG=false MOTCUA_PUBLIC_URL="http://127.0.0.1:$port" "$bin" serve --db "$(db_url bench_api)?files=$work/pg-files" \
  --listen "127.0.0.1:$port" >"$work/pg-server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$work/pg-server.log" && break; sleep 0.1; done
base="http://127.0.0.1:$port"
token=$(curl -s -X POST "$base/api/v1/session" -H 'Content-Type: application/json' \
  -d "{\"username\":\"tiepnhan\",\"password\":\"$MOTCUA_DEMO_PASSWORD\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
sed "s/Bearer [^\"]*\"/Bearer $token\"/" "$work/post.lua" >"$work/pg-post.lua"

before=$(psql_q bench_api -c "SELECT count(*) FROM dossier")
wrk -t2 -c"$CONNS" -d5s --latency -s "$work/pg-post.lua" "$base/api/v1/dossiers" >"$work/wrk-pg-create.txt"
after=$(psql_q bench_api -c "SELECT count(*) FROM dossier")
api_rate=$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.0f", (a-b)/5}')
lat() { awk -v q="$1" '$1==q {print $2}' "$work/wrk-pg-create.txt"; }
log "$((after - before)) dossiers created in 5 s"

# The reference: the rows of a filing (the dossier, its document, its create
# event) from psql into the same schema, a transaction per dossier, then
# BATCH per transaction; each COMMIT waits for the WAL flush, as the server's.
district=000.00.33.H56
ids=$(psql_q bench_ref -F' ' -c "SELECT p.id, u.id FROM procedure p JOIN unit u ON u.code = '$district' WHERE p.unit_id IS NULL AND p.levels LIKE 'district%' LIMIT 1")
proc_id=${ids% *}; unit_id=${ids#* }
ref_rows() { bash bench/ref_rows.sh "$1" "$2" "$3" "$proc_id" "$unit_id"; }
ref_rows 1000000 1000 1 >"$work/pg-ref1.sql"
t=$(now); psql_q bench_ref -f "$work/pg-ref1.sql" >/dev/null
ref_rate=$(awk -v s="$(since "$t")" 'BEGIN {printf "%.0f", 1000/s}')
ref_rows 2000000 $((BATCH * 100)) "$BATCH" >"$work/pg-refb.sql"
t=$(now); psql_q bench_ref -f "$work/pg-refb.sql" >/dev/null
refb_rate=$(awk -v s="$(since "$t")" -v n=$((BATCH * 100)) 'BEGIN {printf "%.0f", n/s}')

echo "$api_rate $(lat 50%) $(lat 99%) $ref_rate $refb_rate"
