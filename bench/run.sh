#!/usr/bin/env bash
# motcua benchmarks: each figure beside a reference measured in the same run
# on the same machine. Prints a Markdown table; `make bench` runs it.
#
#   public lookup by code      vs nginx serving a static file of the same bytes
#   dossier creation (durable) vs raw SQLite inserts of the same rows, one
#                                 transaction per row (what a naive server does)
#   resident memory of the server, idle and after the lookup load
#
# Loads go to 127.0.0.1 only, bounded in time. Needs wrk and nginx (installed
# here from Debian's packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
DOSSIERS=${DOSSIERS:-2000}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v sqlite3 >/dev/null || need+=(sqlite3)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x build/motcua ] || make build >/dev/null

work=$(mktemp -d)
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

rate() { awk '/Requests\/sec/ {print $2}'; }
lat() { awk -v q="$1" '$1==q {print $2}'; }

export MOTCUA_DEMO_PASSWORD=bench-password-$$
./build/motcua init --db "$work/m.db" --demo --dossiers "$DOSSIERS" >/dev/null
port=$(free_port)
MOTCUA_ACCESS_LOG=false ./build/motcua serve --db "$work/m.db" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do grep -q listening "$work/server.log" && break; sleep 0.1; done
base="http://127.0.0.1:$port"
rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
rss_idle=$(rss)

code=$(sqlite3 "$work/m.db" "SELECT code FROM dossier WHERE state = 10 LIMIT 1")
curl -s "$base/api/v1/public/dossiers/$code" >"$work/lookup.json"
size=$(stat -c %s "$work/lookup.json")

# The reference: nginx serving the same bytes as a static file.
nport=$(free_port)
mkdir -p "$work/www" && cp "$work/lookup.json" "$work/www/lookup.json"
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

wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$base/api/v1/public/dossiers/$code" >"$work/wrk-lookup.txt"
rss_load=$(rss)
wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$nport/lookup.json" >"$work/wrk-nginx.txt"

# Durable creations through the API. A unit numbers at most 9,999 dossiers a
# day, so the load is spread over the district and its communes.
token=$(curl -s -X POST "$base/api/v1/session" -H 'Content-Type: application/json' \
  -d "{\"username\":\"tiepnhan\",\"password\":\"$MOTCUA_DEMO_PASSWORD\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
first_code() { sed 's/.*"items":\[{"code":"\([^"]*\)".*/\1/'; }
district=000.00.33.H56
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
wrk -t2 -c"$CONNS" -d3s --latency -s "$work/post.lua" "$base/api/v1/dossiers" >"$work/wrk-create.txt"
after=$(sqlite3 "$work/m.db" "SELECT count(*) FROM dossier")
created_rate=$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.0f", (a-b)/3}')

# Reference: the same row inserted by the sqlite3 shell, one durable transaction each.
sqlite3 "$work/ref.db" "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE d(code TEXT PRIMARY KEY, applicant TEXT, received INTEGER, due INTEGER, state INTEGER);" >/dev/null
start=$(date +%s.%N)
for i in $(seq 1 500); do
  echo "PRAGMA synchronous=FULL; INSERT INTO d VALUES ('000.00.33.H56-170301-$i','Nguyễn Văn An',$i,$i,2);"
done | sqlite3 "$work/ref.db" >/dev/null
end=$(date +%s.%N)
ref_rate=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", 500/(e-s)}')

lookup_rps=$(rate <"$work/wrk-lookup.txt"); nginx_rps=$(rate <"$work/wrk-nginx.txt")
cat <<TABLE
| measure | motcua | reference | ratio |
|---|---|---|---|
| public lookup, req/s ($CONNS connections, ${size} B reply) | $lookup_rps | nginx static file: $nginx_rps | $(awk -v a="$lookup_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a/b}') |
| public lookup latency p50 / p99 | $(lat 50% <"$work/wrk-lookup.txt") / $(lat 99% <"$work/wrk-lookup.txt") | $(lat 50% <"$work/wrk-nginx.txt") / $(lat 99% <"$work/wrk-nginx.txt") | |
| durable dossier creations/s through the API | $created_rate | sqlite3, one durable transaction per row: $ref_rate | $(awk -v a="$created_rate" -v b="$ref_rate" 'BEGIN {printf "%.1f", a/b}') |
| creation latency p50 / p99 | $(lat 50% <"$work/wrk-create.txt") / $(lat 99% <"$work/wrk-create.txt") | | |
| server resident memory, idle / after lookup load | $((rss_idle / 1024)) MiB / $((rss_load / 1024)) MiB | | |
TABLE
