#!/usr/bin/env bash
# The reform index's full table of a year (docs/par-index.md; issue 12: 57
# units × ~100 criteria, with computed criteria over a province-year of data,
# in under 200 ms): a framework of 10 areas × 10 criteria for the demo's 57
# rated units (20 departments, 27 districts, 10 public service units), every
# mark present, on a demo database of DOSSIERS dossiers; the median of ROUNDS
# timed requests of
#
#   GET  /api/v1/par/frameworks/{id}/results   the table: totals, indices, ranks, ratings
#   GET  /api/v1/par/frameworks/{id}/results.xlsx
#   POST /api/v1/par/frameworks/{id}/compute   the computed criteria (4 × 57) from the year's data
#
# Prints a Markdown table. Needs curl, sqlite3 and python3. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-15}
DOSSIERS=${DOSSIERS:-5000}
DATA=${BENCH_DATA:-build/bench-data}
[ -x build/motcua ] || make build >/dev/null
bin=$PWD/build/motcua
mkdir -p "$DATA"
db=$DATA/par.db
rm -f "$db" "$db"-*
export MOTCUA_DEMO_PASSWORD=bench-password-par
"$bin" init --db "$db" --demo --dossiers "$DOSSIERS" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
MOTCUA_PUBLIC_URL="http://127.0.0.1:$port" MOTCUA_ACCESS_LOG=false "$bin" serve --db "$db" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 50); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
login() {
  curl -fs -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"$MOTCUA_DEMO_PASSWORD\"}" \
    "$base/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
admin=$(login admin)
council=$(login giamsat)
# The framework: 10 areas of 10 points, each of 10 criteria of 1 point; four computed.
body=$(python3 - "$db" <<'PY'
import json, sqlite3, sys
units = [r[0] for r in sqlite3.connect(sys.argv[1]).execute(
    "SELECT u.code FROM par_unit p JOIN unit u ON u.id = p.unit_id JOIN par_framework f ON f.id = p.framework_id "
    "WHERE f.year = 2016 ORDER BY u.code")]
formulas = ['dossiers_on_time', 'dossiers_online', 'apologies', 'satisfaction']
crit = []
for a in range(1, 11):
    crit.append({'code': str(a), 'name': f'Lĩnh vực {a}', 'max': 10})
    for c in range(1, 11):
        leaf = {'code': f'{a}.{c}', 'parent': str(a), 'name': f'Tiêu chí {a}.{c}', 'max': 1, 'method': 'appraised'}
        if a == 3 and c <= 4:
            leaf.update(method='computed', formula=formulas[c - 1])
        crit.append(leaf)
print(json.dumps({'year': 2017, 'group': 'commune', 'units': units, 'criteria': crit}))
PY
)
fw=$(curl -fs -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$body" "$base/api/v1/par/frameworks" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
# Every mark present: the council's points behind the server's back, in one transaction.
sqlite3 "$db" "INSERT INTO par_score (framework_id, unit_id, code, council_cp, updated_at)
  SELECT $fw, p.unit_id, c.code, 50 + (p.unit_id * 7 + c.seq * 13) % 51, 0 FROM par_unit p JOIN par_criterion c
  ON c.framework_id = p.framework_id WHERE p.framework_id = $fw AND c.method = 2"
units=$(sqlite3 "$db" "SELECT count(*) FROM par_unit WHERE framework_id = $fw")
leaves=$(sqlite3 "$db" "SELECT count(*) FROM par_criterion WHERE framework_id = $fw AND method > 0")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] * 1000}'; }
timed() { # method path token
  for _ in $(seq "$ROUNDS"); do
    curl -fs -o /dev/null -w '%{time_total}\n' -X "$1" -H "Authorization: Bearer $3" "$base$2"
  done | median
}
compute=$(timed POST "/api/v1/par/frameworks/$fw/compute" "$council")
results=$(timed GET "/api/v1/par/frameworks/$fw/results" "$council")
xlsx=$(timed GET "/api/v1/par/frameworks/$fw/results.xlsx" "$council")
echo "## Reform index: the table of a year ($units units × $leaves criteria, $DOSSIERS dossiers; median of $ROUNDS, ms)"
echo
echo "| request | ms |"
echo "|---|---:|"
echo "| GET results (totals, indices, ranks, ratings) | $results |"
echo "| GET results.xlsx | $xlsx |"
echo "| POST compute (4 computed criteria × $units units) | $compute |"
