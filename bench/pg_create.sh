#!/usr/bin/env bash
# Durable dossier creations through the API on PostgreSQL, beside psql
# writing the same rows with the same durability (fsync and
# synchronous_commit on: the cluster of scripts/pg.sh), as the medians of
# ROUNDS alternated rounds. Run by bench/run.sh inside scripts/pg.sh:
#
#   UNITS="code…" scripts/pg.sh bash bench/pg_create.sh BIN WORK
#
# BIN is the motcua binary (BEFORE=an older one is measured in the same
# rounds, on a database of its own); WORK a scratch folder; UNITS the
# receiving units the filings rotate over. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$1; work=$2
BATCH=${BATCH:-64}; CONNS=${CONNS:-64}; DOSSIERS=${DOSSIERS:-2000}; ROUNDS=${ROUNDS:-5}
CREATE_SECONDS=${CREATE_SECONDS:-5}; BEFORE=${BEFORE:-}
log() { echo "bench (PostgreSQL): $*" >&2; }
. bench/lib.sh

db_url() { echo "$MOTCUA_TEST_DB_URL_BASE/$1"; }
psql_q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$(db_url "$1")" "${@:2}"; }

contenders=(motcua)
[ -n "$BEFORE" ] && contenders+=(before)
declare -A pids=() bases=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

mkdir -p "$work/pg-files"
psql -X -q "$MC_TEST_PG_URL" -c "CREATE DATABASE bench_ref" >/dev/null
"$bin" init --db "$(db_url bench_ref)?files=$work/pg-files" --demo --dossiers 0 >/dev/null
for c in "${contenders[@]}"; do
  b=$bin; [ "$c" = before ] && b=$BEFORE
  psql -X -q "$MC_TEST_PG_URL" -c "CREATE DATABASE bench_$c" >/dev/null
  url="$(db_url "bench_$c")?files=$work/pg-files"
  "$b" init --db "$url" --demo --dossiers "$DOSSIERS" >/dev/null
  port=$(free_port)
  # The default configuration: the access log on.
  MOTCUA_PUBLIC_URL="http://127.0.0.1:$port" "$b" serve --db "$url" --listen "127.0.0.1:$port" \
    >"$work/pg-server-$c.out" 2>"$work/pg-server-$c.err" &
  pids[$c]=$!
  for _ in $(seq 100); do grep -q listening "$work/pg-server-$c.out" && break; sleep 0.1; done
  base="http://127.0.0.1:$port"
  bases[$c]=$base
  token=$(curl -s -X POST "$base/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"tiepnhan\",\"password\":\"$MOTCUA_DEMO_PASSWORD\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
  {
    echo 'wrk.method = "POST"'
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo "wrk.headers[\"Authorization\"] = \"Bearer $token\""
    echo 'local bodies = {}'
    for u in $UNITS; do
      p=$(curl -s "$base/api/v1/procedures?unit=$u&limit=1" | sed 's/.*"items":\[{"code":"\([^"]*\)".*/\1/')
      echo "table.insert(bodies, '{\"procedure_code\":\"$p\",\"unit\":\"$u\",\"channel\":\"direct\",\"applicant\":{\"name\":\"Nguyễn Văn An\",\"id_number\":\"038090001234\"},\"documents\":[{\"name\":\"Tờ khai\",\"originals\":1}]}')"
    done
    echo 'local i = 0'
    echo 'request = function() i = i + 1; return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1]) end'
  } >"$work/pg-post-$c.lua"
done

# The reference: the rows of a filing (the dossier, its document, its create
# event) from psql into the same schema, a transaction per dossier, then
# BATCH per transaction; each COMMIT waits for the WAL flush, as the server's.
district=000.00.33.H56
ids=$(psql_q bench_ref -F' ' -c "SELECT p.id, u.id FROM procedure p JOIN unit u ON u.code = '$district' WHERE p.unit_id IS NULL AND p.levels LIKE 'district%' LIMIT 1")
proc_id=${ids% *}; unit_id=${ids#* }
ref_rows() { bash bench/ref_rows.sh "$1" "$2" "$3" "$proc_id" "$unit_id"; }

for r in $(seq "$ROUNDS"); do
  for c in $(order "$r" "${contenders[@]}" psql); do
    if [ "$c" = psql ]; then
      ref_rows $((1000000 + r * 10000)) 1000 1 >"$work/pg-ref1.sql"
      t=$(now); psql_q bench_ref -f "$work/pg-ref1.sql" >/dev/null
      awk -v s="$(since "$t")" 'BEGIN {printf "%.0f\n", 1000/s}' >>"$work/pg-create-ref1"
      ref_rows $((2000000 + r * BATCH * 1000)) $((BATCH * 100)) "$BATCH" >"$work/pg-refb.sql"
      t=$(now); psql_q bench_ref -f "$work/pg-refb.sql" >/dev/null
      awk -v s="$(since "$t")" -v n=$((BATCH * 100)) 'BEGIN {printf "%.0f\n", n/s}' >>"$work/pg-create-refb"
    else
      before=$(psql_q "bench_$c" -c "SELECT count(*) FROM dossier")
      wrk -t2 -c"$CONNS" -d"${CREATE_SECONDS}s" --latency -s "$work/pg-post-$c.lua" "${bases[$c]}/api/v1/dossiers" \
        >"$work/wrk-pg-create-$c-$r.txt"
      after=$(psql_q "bench_$c" -c "SELECT count(*) FROM dossier")
      awk -v a="$after" -v b="$before" -v s="$CREATE_SECONDS" 'BEGIN {printf "%.0f\n", (a-b)/s}' >>"$work/pg-create-$c"
    fi
  done
  log "round $r: $(for c in "${contenders[@]}"; do printf '%s %s  ' "$c" "$(tail -1 "$work/pg-create-$c")"; done)psql $(tail -1 "$work/pg-create-ref1") / $(tail -1 "$work/pg-create-refb")"
done

ref1=$(median <"$work/pg-create-ref1"); refb=$(median <"$work/pg-create-refb")
echo "Durable creations through the API on PostgreSQL ($CONNS connections, ${CREATE_SECONDS} s a round, medians of $ROUNDS alternated rounds; access log on):"
echo
echo "| server | creations/s | per round | ratio to psql, one transaction each ($ref1/s) | ratio to psql, $BATCH per transaction ($refb/s) | p50 ms | p99 ms |"
echo "|---|---|---|---|---|---|---|"
for c in "${contenders[@]}"; do
  v=$(median <"$work/pg-create-$c")
  p50=$(for r in $(seq "$ROUNDS"); do lat "$work/wrk-pg-create-$c-$r.txt" 50%; echo; done | median)
  p99=$(for r in $(seq "$ROUNDS"); do lat "$work/wrk-pg-create-$c-$r.txt" 99%; echo; done | median)
  name=$c; [ "$c" = before ] && name="motcua before"
  echo "| $name | $v | $(tr '\n' ' ' <"$work/pg-create-$c") | $(ratio "$v" "$ref1" %.1f) | $(ratio "$v" "$refb") | $p50 | $p99 |"
done
echo
echo "psql per round: one each $(tr '\n' ' ' <"$work/pg-create-ref1"); $BATCH each $(tr '\n' ' ' <"$work/pg-create-refb")"
echo
