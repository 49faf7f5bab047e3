#!/usr/bin/env bash
# The registers' search on PostgreSQL one request at a time, as bench/run.sh
# PARTS=docsearch measures it on SQLite: `GET /api/v1/documents?q=…&limit=20`
# with the queries of QUERIES (one URL-encoded query a line, as run.sh
# makes them) in four scopes, the province's supervisor (giamsat), a
# district's leader (lanhdao, 31 units), a commune's (lanhdao.xa, added if
# missing) and a department's (lanhdao.stnmt), in ROUNDS alternated rounds.
# Prints per scope the medians over rounds of p50, p99 and the slowest (ms).
#
#   bash bench/docs_pg_time.sh BIN URL QUERIES [N]
#
# URL is a database made by bench/docs_pg_load.sh (and migrated by BIN).
# MOTCUA_DEMO_PASSWORD as when it was made (bench-password by default).
set -euo pipefail

bin=$1; url=$2; queries=$3; n=${4:-300}
ROUNDS=${ROUNDS:-3}
export MOTCUA_DEMO_PASSWORD=${MOTCUA_DEMO_PASSWORD:-bench-password}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
median() { sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else printf "%g\n", (v[NR/2]+v[NR/2+1])/2}'; }

if [ "$(psql -X -A -t "$url" -c "SELECT count(*) FROM app_user WHERE username = 'lanhdao.xa'")" = 0 ]; then
  "$bin" user add --db "$url" --username lanhdao.xa --role leader --unit 000.03.33.H56 \
    --name "Lãnh đạo xã Quảng Bình" --password "$MOTCUA_DEMO_PASSWORD" >/dev/null
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
MOTCUA_PUBLIC_URL="http://127.0.0.1:$port" "$bin" serve --db "$url" --listen "127.0.0.1:$port" \
  >"$work/server.out" 2>"$work/server.err" &
pid=$!
for _ in $(seq 600); do grep -q listening "$work/server.out" && break; sleep 0.1; done
b="http://127.0.0.1:$port"
users=(giamsat lanhdao lanhdao.xa lanhdao.stnmt)
declare -A token=()
for u in "${users[@]}"; do
  token[$u]=$(curl -s -X POST "$b/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$u\",\"password\":\"$MOTCUA_DEMO_PASSWORD\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
done
# Warm the caches once in the province's scope.
head -"$n" "$queries" | while read -r q; do
  curl -s -o /dev/null -H "Authorization: Bearer ${token[giamsat]}" "$b/api/v1/documents?q=$q&limit=20"
done
for r in $(seq "$ROUNDS"); do
  order=("${users[@]}")
  [ $((r % 2)) -eq 0 ] && order=($(printf '%s\n' "${users[@]}" | tac))
  for u in "${order[@]}"; do
    head -"$n" "$queries" | while read -r q; do
      curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer ${token[$u]}" "$b/api/v1/documents?q=$q&limit=20"
    done | awk '{printf "%.1f\n", $1*1000}' | sort -g |
      awk '{v[NR]=$1} END {printf "%s %s %s\n", v[int(NR*0.5)], v[int(NR*0.99)], v[NR]}' >>"$work/single-$u"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
for u in "${users[@]}"; do
  echo "$u p50/p99/max ms: $(cut -d' ' -f1 "$work/single-$u" | median) / $(cut -d' ' -f2 "$work/single-$u" | median) / $(cut -d' ' -f3 "$work/single-$u" | median)  (rounds: $(tr '\n' ';' <"$work/single-$u"))"
done
grep -v "GET /api/v1/documents\|POST /api/v1/session" "$work/server.err" | head -5 >&2 || true
