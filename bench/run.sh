#!/usr/bin/env bash
# motcua benchmarks: each figure beside a reference measured in the same run
# on the same machine. Prints a Markdown table; `make bench` runs it.
#
#   public lookup by code      random codes of a database of LOOKUP_N dossiers
#                                 vs nginx serving a static file of the same size
#   dossier creation (durable) vs raw SQLite inserts of the same rows with the
#                                 same durability: one transaction per row, and
#                                 batched (BATCH rows per transaction); the same
#                                 on PostgreSQL (bench/pg_create.sh, psql)
#   statistics report          GET /api/v1/stats for the province, a year of
#                                 STATS_N dossiers, by unit, vs the naive GROUP BY
#                                 over the event log (bench/naive_stats.sql)
#   resident memory of the server, idle and under the lookup load
#
# Loads go to 127.0.0.1 only, bounded in time. Needs wrk, nginx and sqlite3
# (installed here from Debian's packages when missing). The generated
# databases are kept in $BENCH_DATA (build/bench-data) and reused by later
# runs of the same schema; generating 3,000,000 dossiers takes several
# minutes. BENCH_QUICK=1 uses 100,000 / 300,000 dossiers.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
DOSSIERS=${DOSSIERS:-2000}   # the database the creations go to
BATCH=${BATCH:-64}
if [ -n "${BENCH_QUICK:-}" ]; then
  LOOKUP_N=${LOOKUP_N:-100000}; STATS_N=${STATS_N:-300000}
else
  LOOKUP_N=${LOOKUP_N:-1000000}; STATS_N=${STATS_N:-3000000}
fi
BENCH_DATA=${BENCH_DATA:-build/bench-data}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v sqlite3 >/dev/null || need+=(sqlite3)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x build/motcua ] || make build >/dev/null
bin=$PWD/build/motcua

work=$(mktemp -d)
server_pid=""
cleanup() {
  stop_server
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "bench: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
rate() { awk '/Requests\/sec/ {print $2}'; }
lat() { awk -v q="$1" '$1==q {print $2}'; }
ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN {printf f, a/b}'; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN {printf "%.1f", e-s}'; }

# The kept databases' demo accounts share this password (loopback only).
export MOTCUA_DEMO_PASSWORD=${BENCH_PASSWORD:-bench-password}

start_server() { # db
  port=$(free_port)
  MOTCUA_ACCESS_LOG=false MOTCUA_PUBLIC_URL="http://127.0.0.1:$port" "$bin" serve --db "$1" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do grep -q listening "$work/server.log" && break; sleep 0.1; done
  base="http://127.0.0.1:$port"
}
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
login() { # username
  curl -s -X POST "$base/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$MOTCUA_DEMO_PASSWORD\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/'
}

# A demo database with n dossiers of 2017, generated once (`motcua demo`) and
# kept: the larger one extends a copy of the smaller one.
schema=$(ls src/store/migrations/sqlite/*.sql | wc -l)
demo_db() { # n [from-db]
  local n=$1 db="$BENCH_DATA/demo-$1-s$schema.db" have=0
  mkdir -p "$BENCH_DATA"
  if [ ! -f "$db" ]; then
    rm -f "$db.tmp"
    if [ -n "${2:-}" ]; then
      cp "$2" "$db.tmp"
      have=$(sqlite3 "$db.tmp" "SELECT count(*) FROM dossier")
    else
      "$bin" init --db "$db.tmp" --demo --dossiers 0 >/dev/null
    fi
    local t=$(now)
    "$bin" demo --db "$db.tmp" --dossiers $((n - have)) --year 2017 --seed "$n" >"$work/demo.log"
    log "generated $((n - have)) dossiers in $(since "$t") s: $(tail -1 "$work/demo.log")"
    sqlite3 "$db.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    mv "$db.tmp" "$db"
  fi
  echo "$db"
}

# ---- public lookup on LOOKUP_N dossiers, and memory -------------------------

lookup_db=$(demo_db "$LOOKUP_N")
start_server "$lookup_db"
rss_idle=$(rss)
sqlite3 "$lookup_db" "SELECT code FROM dossier ORDER BY random() LIMIT 20000" >"$work/codes.txt"
code=$(head -1 "$work/codes.txt")
curl -s "$base/api/v1/public/dossiers/$code" >"$work/lookup.json"
size=$(stat -c %s "$work/lookup.json")
# the mean size of a reply, over 200 codes
avg=$(head -200 "$work/codes.txt" | while read -r c; do curl -s "$base/api/v1/public/dossiers/$c" | wc -c; done |
  awk '{s+=$1} END {printf "%.0f", s/NR}')
cat >"$work/lookup.lua" <<LUA
local codes = {}
for line in io.lines("$work/codes.txt") do codes[#codes + 1] = line end
math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
request = function()
  return wrk.format("GET", "/api/v1/public/dossiers/" .. codes[math.random(#codes)])
end
LUA

# The reference: nginx serving a static JSON file of the same size.
nport=$(free_port)
mkdir -p "$work/www"
head -c "$avg" /dev/zero | tr '\0' ' ' >"$work/www/lookup.json"
cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:$nport; root $work/www; default_type application/json; }
}
NGINX
nginx -c "$work/nginx.conf"
sleep 0.3

# The warm-up: every sampled code once (a few seconds; longer when the
# database is not in the OS's page cache, which 2 s at random did not get
# through on 1,000,000 dossiers), then 2 s at random; then the measured run,
# with the memory read in the middle of it.
sed "s|^|$base/api/v1/public/dossiers/|" "$work/codes.txt" | xargs -P 4 -n 500 curl -s >/dev/null
wrk -t2 -c"$CONNS" -d2s -s "$work/lookup.lua" "$base" >/dev/null
wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$work/lookup.lua" "$base" >"$work/wrk-lookup.txt" &
wrk_pid=$!
sleep $((DURATION / 2))
rss_load=$(rss)
wait "$wrk_pid"
rss_peak=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$nport/lookup.json" >"$work/wrk-nginx.txt"
stop_server

# ---- statistics of a province-year of STATS_N dossiers ----------------------

stats_db=$(demo_db "$STATS_N" "$lookup_db")
start_server "$stats_db"
token=$(login giamsat)
stats_url="$base/api/v1/stats?unit=000.00.00.H56&from=2017-01-01&to=2018-01-01&group=unit"
curl -s -H "Authorization: Bearer $token" "$stats_url" >"$work/stats.json"
stats_times=$(for _ in 1 2 3 4 5; do
  curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$stats_url"
done | sort -n)
stats_ms=$(echo "$stats_times" | sed -n 3p | awk '{printf "%.0f", $1*1000}')
stop_server
# the reference: the naive aggregate over the event log, in the sqlite3 shell
root_path=$(sqlite3 "$stats_db" "SELECT path FROM unit WHERE code = '000.00.00.H56'")
from=$(date -d '2017-01-01 00:00 +07' +%s); to=$(date -d '2018-01-01 00:00 +07' +%s)
sed -e "s|:path|'$root_path'|g" -e "s|:from|$from|g" -e "s|:to|$to|g" -e "s|:at|$to|g" \
  bench/naive_stats.sql >"$work/naive.sql"
naive_times=$(for _ in 1 2 3; do
  t=$(now); sqlite3 "$stats_db" <"$work/naive.sql" >"$work/naive.txt"; since "$t"; echo
done | sort -n)
naive_ms=$(echo "$naive_times" | sed -n 2p | awk '{printf "%.0f", $1*1000}')
# both must count the same: received and resolved of the whole province
api_totals=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); t=j["totals"]; print(t["received"]["total"], t["resolved"]["total"], t["in_progress"]["total"])' "$work/stats.json" 2>/dev/null) ||
  { api_totals="(no figures)"; log "stats reply: $(head -c 300 "$work/stats.json")"; }
naive_totals=$(awk -F'|' '{r+=$6; s+=$10; p+=$13} END {print r, s, p}' "$work/naive.txt")
agree=no; [ "$api_totals" = "$naive_totals" ] && agree=yes
stats_rows=$(wc -l <"$work/naive.txt")

# ---- durable creations through the API --------------------------------------

"$bin" init --db "$work/m.db" --demo --dossiers "$DOSSIERS" >/dev/null
start_server "$work/m.db"
token=$(login tiepnhan)
first_code() { sed 's/.*"items":\[{"code":"\([^"]*\)".*/\1/'; }
district=000.00.33.H56
# A unit numbers at most 9,999 dossiers a day: spread over the district and its communes.
units=$(sqlite3 "$work/m.db" "SELECT code FROM unit WHERE code = '$district' OR parent_id = (SELECT id FROM unit WHERE code = '$district')")
{
  echo 'wrk.method = "POST"'
  echo 'wrk.headers["Content-Type"] = "application/json"'
  echo "wrk.headers[\"Authorization\"] = \"Bearer $token\""
  echo 'local bodies = {}'
  for u in $units; do
    p=$(curl -s "$base/api/v1/procedures?unit=$u&limit=1" | first_code)
    echo "table.insert(bodies, '{\"procedure_code\":\"$p\",\"unit\":\"$u\",\"channel\":\"direct\",\"applicant\":{\"name\":\"Nguyễn Văn An\",\"id_number\":\"038090001234\"},\"documents\":[{\"name\":\"Tờ khai\",\"originals\":1}]}')"
  done
  echo 'local i = 0'
  echo 'request = function() i = i + 1; return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1]) end'
} >"$work/post.lua"
before=$(sqlite3 "$work/m.db" "SELECT count(*) FROM dossier")
wrk -t2 -c"$CONNS" -d5s --latency -s "$work/post.lua" "$base/api/v1/dossiers" >"$work/wrk-create.txt"
after=$(sqlite3 "$work/m.db" "SELECT count(*) FROM dossier")
created_rate=$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.0f", (a-b)/5}')
stop_server

# Reference: the same rows (a dossier, its document and its event) written by
# the sqlite3 shell into the same schema with the same durability (WAL,
# synchronous=FULL): one transaction per dossier, then BATCH per transaction.
"$bin" init --db "$work/ref.db" --demo --dossiers 0 >/dev/null
ids=$(sqlite3 "$work/ref.db" "SELECT p.id, u.id FROM procedure p JOIN unit u ON u.code = '$district' WHERE p.unit_id IS NULL AND p.levels LIKE 'district%' LIMIT 1")
proc_id=${ids%|*}; unit_id=${ids#*|}
ref_rows() { echo "PRAGMA synchronous=FULL;"; bash bench/ref_rows.sh "$1" "$2" "$3" "$proc_id" "$unit_id"; }
ref_rows 1000000 1000 1 >"$work/ref1.sql"
t=$(now); sqlite3 "$work/ref.db" <"$work/ref1.sql" >/dev/null
ref_rate=$(awk -v s="$(since "$t")" 'BEGIN {printf "%.0f", 1000/s}')
ref_rows 2000000 $((BATCH * 200)) "$BATCH" >"$work/refb.sql"
t=$(now); sqlite3 "$work/ref.db" <"$work/refb.sql" >/dev/null
refb_rate=$(awk -v s="$(since "$t")" -v n=$((BATCH * 200)) 'BEGIN {printf "%.0f", n/s}')

# ---- the same on PostgreSQL (a throwaway cluster, fsync on) -----------------

pg_line="- - - - -"
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v psql >/dev/null; then
  pg_line=$(bash scripts/pg.sh bash bench/pg_create.sh "$bin" "$work") || pg_line="- - - - -"
else
  log "PostgreSQL not installed (make setup installs it): its creation figures are skipped"
fi
read -r pg_rate pg_p50 pg_p99 pg_ref pg_refb <<<"$pg_line"
pg_ratio() { [ "$pg_rate" = - ] && echo - || ratio "$pg_rate" "$1" "${2:-%.2f}"; }

lookup_rps=$(rate <"$work/wrk-lookup.txt"); nginx_rps=$(rate <"$work/wrk-nginx.txt")
cat <<TABLE
| measure | motcua | reference | ratio |
|---|---|---|---|
| public lookup, req/s ($CONNS connections, random codes of $LOOKUP_N dossiers, ${avg} B mean reply) | $lookup_rps | nginx, static file of ${avg} B: $nginx_rps | $(ratio "$lookup_rps" "$nginx_rps") |
| public lookup latency p50 / p99 | $(lat 50% <"$work/wrk-lookup.txt") / $(lat 99% <"$work/wrk-lookup.txt") | $(lat 50% <"$work/wrk-nginx.txt") / $(lat 99% <"$work/wrk-nginx.txt") | |
| durable dossier creations/s through the API | $created_rate | sqlite3, same rows, one durable transaction each: $ref_rate | $(ratio "$created_rate" "$ref_rate" %.1f) |
| | | sqlite3, same rows, $BATCH per durable transaction: $refb_rate | $(ratio "$created_rate" "$refb_rate") |
| creation latency p50 / p99 | $(lat 50% <"$work/wrk-create.txt") / $(lat 99% <"$work/wrk-create.txt") | | |
| durable dossier creations/s through the API, PostgreSQL | $pg_rate | psql, same rows, one durable transaction each: $pg_ref | $(pg_ratio "$pg_ref" %.1f) |
| | | psql, same rows, $BATCH per durable transaction: $pg_refb | $(pg_ratio "$pg_refb") |
| creation latency p50 / p99, PostgreSQL | $pg_p50 / $pg_p99 | | |
| statistics, province, year 2017, by unit ($STATS_N dossiers; $stats_rows rows), median of 5 | $stats_ms ms | naive GROUP BY over the event log, median of 3: $naive_ms ms | $(ratio "$naive_ms" "$stats_ms" %.1f)× faster |
| statistics totals agree (received, resolved, in progress) | $api_totals | $naive_totals | $agree |
| server resident memory: idle / under lookup load / peak | $((rss_idle / 1024)) / $((rss_load / 1024)) / $((rss_peak / 1024)) MiB | | |
TABLE
