#!/usr/bin/env bash
# motcua benchmarks: each figure beside a reference measured in the same run
# on the same machine, as the median of ROUNDS alternated rounds (motcua,
# then the reference, then motcua again …), in the configuration a user runs
# (the access log on, for motcua and for nginx). Prints Markdown tables;
# `make bench` runs it.
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
#   statistics by field and   GET /api/v1/stats for the province, a year of
#   by procedure                 STATS_N dossiers, group=field and group=procedure
#                                 (from the roll-up by procedure), vs the live
#                                 count the server ran before (bench/live_by_field.sql)
#   task figures               GET /api/v1/tasks/stats for the province, a year
#                                 of TASKS_N tasks (bench/tasks_gen.sql), vs the
#                                 naive GROUP BY over the task rows in sqlite3
#                                 (bench/naive_tasks.sql)
#   resident memory of the server, idle, under the lookup load, and its peak
#   document search            GET /api/v1/documents?q=… over DOCS_N official
#                                 documents (bench/docs_gen.py) in three scopes,
#                                 the province's, a district's (its 31 units)
#                                 and a commune's, each vs nginx serving a static
#                                 file of the same size; and the search the
#                                 registers had before (a LIKE over every row),
#                                 in sqlite3. DOCS_DB and DOCS_BIN: an existing
#                                 database and the build it belongs to (an older
#                                 schema's, for a before/after)
#
# BEFORE=/path/to/an/older/motcua measures that build too, in the same rounds
# (its own servers on copies of the same data), for a before/after in one
# sitting (not for the tasks: the older figures took minutes a request; for
# the statistics by field and by procedure, a third column, the replies of the
# two builds compared but for evaluated_at).
# PARTS=lookup,create,pg,stats,docsearch,fields,tasks picks the parts (all by default).
# A round of a figure runs each contender once, in an order that alternates
# from round to round; the machine's load moves single runs by ±20 %, the
# medians much less.
#
# Loads go to 127.0.0.1 only, bounded in time. Needs wrk, nginx and sqlite3
# (installed here from Debian's packages when missing). The generated
# databases are kept in $BENCH_DATA (build/bench-data) and reused by later
# runs of the same schema; generating 3,000,000 dossiers takes many minutes.
# BENCH_QUICK=1 uses 100,000 / 300,000 dossiers.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CREATE_SECONDS=${CREATE_SECONDS:-5}
ROUNDS=${ROUNDS:-5}
CONNS=${CONNS:-64}
DOSSIERS=${DOSSIERS:-2000} # the database the creations go to
BATCH=${BATCH:-64}
PARTS=${PARTS:-lookup,create,pg,stats,docsearch,fields,tasks}
TASKS_N=${TASKS_N:-200000}
BEFORE=${BEFORE:-}
if [ -n "${BENCH_QUICK:-}" ]; then
  LOOKUP_N=${LOOKUP_N:-100000}; STATS_N=${STATS_N:-300000}; DOCS_N=${DOCS_N:-100000}
else
  LOOKUP_N=${LOOKUP_N:-1000000}; STATS_N=${STATS_N:-3000000}; DOCS_N=${DOCS_N:-1000000}
fi
BENCH_DATA=${BENCH_DATA:-build/bench-data}
part() { [[ ",$PARTS," == *",$1,"* ]]; }

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
if [ -n "$BEFORE" ]; then
  BEFORE=$(readlink -f "$BEFORE")
  [ -x "$BEFORE" ] || { echo "bench: BEFORE=$BEFORE is not an executable" >&2; exit 2; }
fi

work=$(mktemp -d)
declare -A pid_of=() base_of=()
cleanup() {
  for k in "${!pid_of[@]}"; do kill "${pid_of[$k]}" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "bench: $*" >&2; }
. bench/lib.sh
rate() { awk '/Requests\/sec/ {print $2}' "$1"; }

# The kept databases' demo accounts share this password (loopback only).
export MOTCUA_DEMO_PASSWORD=${BENCH_PASSWORD:-bench-password}

start_server() { # key binary db
  local port; port=$(free_port)
  # The default configuration: the access log on (stderr, to a file here).
  MOTCUA_PUBLIC_URL="http://127.0.0.1:$port" "$2" serve --db "$3" --listen "127.0.0.1:$port" \
    >"$work/server-$1.out" 2>"$work/server-$1.err" &
  pid_of[$1]=$!
  # (a database of millions of dossiers takes seconds to open under load)
  for _ in $(seq 600); do grep -q listening "$work/server-$1.out" && break; sleep 0.1; done
  base_of[$1]="http://127.0.0.1:$port"
}
stop_server() { # key
  if [ -n "${pid_of[$1]:-}" ]; then
    kill "${pid_of[$1]}" 2>/dev/null || true
    wait "${pid_of[$1]}" 2>/dev/null || true
    unset "pid_of[$1]"
  fi
}
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/${pid_of[$1]}/status"; }
hwm() { awk '/VmHWM/ {print int($2/1024)}' "/proc/${pid_of[$1]}/status"; }
login() { # key username
  curl -s -X POST "${base_of[$1]}/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$MOTCUA_DEMO_PASSWORD\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/'
}

# A demo database with n dossiers of 2017, generated once (`motcua demo`) and
# kept: the larger one extends a copy of the smaller one.
schema=$(ls src/store/migrations/sqlite/*.sql | wc -l)
demo_db() { # n [from-db [binary schema]]
  local n=$1 maker=${3:-$bin} s=${4:-$schema}
  local db="$BENCH_DATA/demo-$1-s$s.db" have=0
  mkdir -p "$BENCH_DATA"
  if [ ! -f "$db" ]; then
    rm -f "$db.tmp"
    if [ -n "${2:-}" ]; then
      cp "$2" "$db.tmp"
      have=$(sqlite3 "$db.tmp" "SELECT count(*) FROM dossier")
    else
      "$maker" init --db "$db.tmp" --demo --dossiers 0 >/dev/null
    fi
    local t; t=$(now)
    "$maker" demo --db "$db.tmp" --dossiers $((n - have)) --year 2017 --seed "$n" >"$work/demo.log"
    log "generated $((n - have)) dossiers in $(since "$t") s: $(tail -1 "$work/demo.log")"
    sqlite3 "$db.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    mv "$db.tmp" "$db"
  fi
  echo "$db"
}

# From a million dossiers on, the statistics by field and by procedure use a
# database cloned from the demo's (bench/dossiers_clone.sql: copies of its
# dossiers received at the other units of their level, then `motcua stats
# rebuild`): minutes instead of the demo generator's hours. CLONE=0 generates
# it with `motcua demo` instead.
clone_db() { # n from-db
  local n=$1 db="$BENCH_DATA/clone-$1-s$schema.db" have copies t
  if [ ! -f "$db" ]; then
    rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
    sqlite3 "$2" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    cp "$2" "$db.tmp"
    have=$(sqlite3 "$db.tmp" "SELECT count(*) FROM dossier")
    copies=$(((n + have - 1) / have))
    t=$(now)
    sed "s/:copies/$copies/g" bench/dossiers_clone.sql | sqlite3 "$db.tmp" >/dev/null
    log "cloned $have dossiers $copies times in $(since "$t") s: $(sqlite3 "$db.tmp" "SELECT count(*) FROM dossier") dossiers"
    t=$(now)
    "$bin" stats rebuild --db "$db.tmp" >"$work/rebuild.log" 2>&1
    log "statistics roll-up rebuilt in $(since "$t") s: $(tail -1 "$work/rebuild.log")"
    sqlite3 "$db.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    mv "$db.tmp" "$db"
  fi
  echo "$db"
}
stats_db_of() { # n from-db
  if [ "$1" -ge 1000000 ] && [ "${CLONE:-1}" != 0 ]; then clone_db "$@"; else demo_db "$@"; fi
}

contenders=(motcua)
[ -n "$BEFORE" ] && contenders+=(before)
binary_of() { if [ "$1" = before ]; then echo "$BEFORE"; else echo "$bin"; fi; }
# An older build refuses a database of a newer schema: when BEFORE's schema is
# older, it serves its own database, made by itself from the same seed.
schema_of() { "$(binary_of "$1")" --version | sed -n 's/.*schema \([0-9]*\).*/\1/p'; }

load=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average at the start: $load; $ROUNDS rounds; contenders: ${contenders[*]}"
out="$work/tables.md"
: >"$out"

# ---- public lookup on LOOKUP_N dossiers, and memory -------------------------

if part lookup; then
  lookup_db=$(demo_db "$LOOKUP_N")
  sqlite3 "$lookup_db" "SELECT code FROM dossier ORDER BY random() LIMIT 20000" >"$work/codes.txt"
  for c in "${contenders[@]}"; do
    db=$lookup_db
    [ "$(schema_of "$c")" = "$schema" ] || db=$(demo_db "$LOOKUP_N" "" "$(binary_of "$c")" "$(schema_of "$c")")
    start_server "$c" "$(binary_of "$c")" "$db"
    echo "$(rss "$c")" >"$work/rss-idle-$c"
  done
  b=${base_of[motcua]}
  # the mean size of a reply, over 200 codes
  avg=$(head -200 "$work/codes.txt" | while read -r c; do curl -s "$b/api/v1/public/dossiers/$c" | wc -c; done |
    awk '{s+=$1} END {printf "%.0f", s/NR}')
  cat >"$work/lookup.lua" <<LUA
local codes = {}
for line in io.lines("$work/codes.txt") do codes[#codes + 1] = line end
math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
request = function()
  return wrk.format("GET", "/api/v1/public/dossiers/" .. codes[math.random(#codes)])
end
LUA

  # The reference: nginx serving a static JSON file of the same size, with
  # its access log on (its default format, to a file), asked by the same
  # client as motcua: the same wrk script, the same random codes in the same
  # URLs (every one answered with that file). A client without the script
  # costs less CPU, and client and servers share the machine's two cores.
  nport=$(free_port)
  mkdir -p "$work/www"
  head -c "$avg" /dev/zero | tr '\0' ' ' >"$work/www/lookup.json"
  cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server {
    listen 127.0.0.1:$nport; root $work/www; default_type application/json;
    location /api/v1/public/dossiers/ { try_files /lookup.json =404; }
  }
}
NGINX
  nginx -c "$work/nginx.conf"
  sleep 0.3
  base_of[nginx]="http://127.0.0.1:$nport"

  # The warm-up of each server: every sampled code once (a few seconds;
  # longer when the database is not in the OS's page cache), then 2 s at
  # random.
  for c in "${contenders[@]}"; do
    sed "s|^|${base_of[$c]}/api/v1/public/dossiers/|" "$work/codes.txt" | xargs -P 4 -n 500 curl -s >/dev/null
    wrk -t2 -c"$CONNS" -d2s -s "$work/lookup.lua" "${base_of[$c]}" >/dev/null
  done
  wrk -t2 -c"$CONNS" -d2s -s "$work/lookup.lua" "${base_of[nginx]}" >/dev/null

  for r in $(seq "$ROUNDS"); do
    for c in $(order "$r" "${contenders[@]}" nginx); do
      f="$work/wrk-lookup-$c-$r.txt"
      if [ "$c" = nginx ]; then
        wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$work/lookup.lua" "${base_of[nginx]}" >"$f"
      else
        wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$work/lookup.lua" "${base_of[$c]}" >"$f" &
        wrk_pid=$!
        sleep $((DURATION / 2))
        rss "$c" >>"$work/rss-load-$c"
        wait "$wrk_pid"
      fi
    done
    log "lookup round $r: $(for c in "${contenders[@]}" nginx; do printf '%s %s  ' "$c" "$(rate "$work/wrk-lookup-$c-$r.txt")"; done)"
  done
  for c in "${contenders[@]}"; do hwm "$c" >"$work/rss-peak-$c"; stop_server "$c"; done
  kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -f "$work/nginx.pid"

  med() { for r in $(seq "$ROUNDS"); do "$2" "$work/wrk-lookup-$1-$r.txt" ${3:+"$3"}; echo; done | median; }
  nginx_rps=$(med nginx rate)
  {
    echo "Public lookup: $CONNS connections, random codes of $LOOKUP_N dossiers (${avg} B mean reply), access log on for all; medians of $ROUNDS alternated rounds of ${DURATION} s (load average at the start: $load)."
    echo
    echo "| server | req/s | ratio to nginx | per round (req/s) | p50 ms | p99 ms | memory idle / under load / peak, MiB |"
    echo "|---|---|---|---|---|---|---|"
    for c in "${contenders[@]}" nginx; do
      rps=$(med "$c" rate)
      rounds=$(for r in $(seq "$ROUNDS"); do printf '%s ' "$(rate "$work/wrk-lookup-$c-$r.txt" | cut -d. -f1)"; done)
      mem="-"
      [ "$c" != nginx ] && mem="$(cat "$work/rss-idle-$c") / $(median <"$work/rss-load-$c") / $(cat "$work/rss-peak-$c")"
      name=$c; [ "$c" = before ] && name="motcua before ($(basename "$BEFORE"))"
      echo "| $name | $rps | $(ratio "$rps" "$nginx_rps") | $rounds | $(med "$c" lat 50%) | $(med "$c" lat 99%) | $mem |"
    done
    echo
    echo "Ratio to nginx per round (motcua): $(for r in $(seq "$ROUNDS"); do printf '%s ' "$(ratio "$(rate "$work/wrk-lookup-motcua-$r.txt")" "$(rate "$work/wrk-lookup-nginx-$r.txt")")"; done)"
    echo
  } >>"$out"
fi

# ---- durable creations through the API, SQLite -------------------------------

district=000.00.33.H56
first_code() { sed 's/.*"items":\[{"code":"\([^"]*\)".*/\1/'; }
post_lua() { # key db-for-units -> the wrk script of creations for that server
  local c=$1 token u p
  token=$(login "$c" tiepnhan)
  {
    echo 'wrk.method = "POST"'
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo "wrk.headers[\"Authorization\"] = \"Bearer $token\""
    echo 'local bodies = {}'
    # A unit numbers at most 9,999 dossiers a day: spread over the district and its communes.
    for u in $units; do
      p=$(curl -s "${base_of[$c]}/api/v1/procedures?unit=$u&limit=1" | first_code)
      echo "table.insert(bodies, '{\"procedure_code\":\"$p\",\"unit\":\"$u\",\"channel\":\"direct\",\"applicant\":{\"name\":\"Nguyễn Văn An\",\"id_number\":\"038090001234\"},\"documents\":[{\"name\":\"Tờ khai\",\"originals\":1}]}')"
    done
    echo 'local i = 0'
    echo 'request = function() i = i + 1; return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1]) end'
  } >"$work/post-$c.lua"
}

if part create || part pg; then
  "$bin" init --db "$work/units.db" --demo --dossiers 0 >/dev/null
  units=$(sqlite3 "$work/units.db" "SELECT code FROM unit WHERE code = '$district' OR parent_id = (SELECT id FROM unit WHERE code = '$district')")
fi

if part create; then
  creators=("${contenders[@]}")
  for c in "${contenders[@]}"; do
    # each made by its own build (an older one refuses a newer schema)
    "$(binary_of "$c")" init --db "$work/m-$c.db" --demo --dossiers "$DOSSIERS" >/dev/null
    # Every database measured as a province's is between two anchors: its
    # event log anchored up to now (the server's job anchors the changes
    # of the last seconds), not a backlog of every dossier to work through
    # while the rounds run.
    "$(binary_of "$c")" audit anchor --db "$work/m-$c.db" >/dev/null
    start_server "$c" "$(binary_of "$c")" "$work/m-$c.db"
    post_lua "$c"
  done
  # LARGE_DB=path: the same creations by this build on a copy of a large
  # database (a demo database of `motcua demo`, same password), beside the
  # small one in the same rounds.
  if [ -n "${LARGE_DB:-}" ]; then
    large_n=$(sqlite3 "$LARGE_DB" "SELECT count(*) FROM dossier")
    cp "$LARGE_DB" "$work/m-large.db"
    t=$(now)
    "$bin" audit anchor --db "$work/m-large.db" >/dev/null
    log "the large database's event log anchored in $(since "$t") s"
    start_server large "$bin" "$work/m-large.db"
    post_lua large
    creators+=(large)
    log "creations also on a copy of $LARGE_DB ($large_n dossiers, $(du -m "$LARGE_DB" | cut -f1) MB)"
  fi
  # Reference: the same rows (a dossier, its document and its event) written by
  # the sqlite3 shell into the same schema with the same durability (WAL,
  # synchronous=FULL): one transaction per dossier, then BATCH per transaction.
  "$bin" init --db "$work/ref.db" --demo --dossiers 0 >/dev/null
  ids=$(sqlite3 "$work/ref.db" "SELECT p.id, u.id FROM procedure p JOIN unit u ON u.code = '$district' WHERE p.unit_id IS NULL AND p.levels LIKE 'district%' LIMIT 1")
  proc_id=${ids%|*}; unit_id=${ids#*|}
  ref_rows() { echo "PRAGMA synchronous=FULL;"; bash bench/ref_rows.sh "$1" "$2" "$3" "$proc_id" "$unit_id"; }
  for r in $(seq "$ROUNDS"); do
    for c in $(order "$r" "${creators[@]}" sqlite3); do
      if [ "$c" = sqlite3 ]; then
        ref_rows $((1000000 + r * 10000)) 1000 1 >"$work/ref1.sql"
        t=$(now); sqlite3 "$work/ref.db" <"$work/ref1.sql" >/dev/null
        awk -v s="$(since "$t")" 'BEGIN {printf "%.0f\n", 1000/s}' >>"$work/create-ref1"
        ref_rows $((2000000 + r * BATCH * 1000)) $((BATCH * 200)) "$BATCH" >"$work/refb.sql"
        t=$(now); sqlite3 "$work/ref.db" <"$work/refb.sql" >/dev/null
        awk -v s="$(since "$t")" -v n=$((BATCH * 200)) 'BEGIN {printf "%.0f\n", n/s}' >>"$work/create-refb"
      else
        before_n=$(sqlite3 "$work/m-$c.db" "SELECT count(*) FROM dossier")
        wrk -t2 -c"$CONNS" -d"${CREATE_SECONDS}s" --latency -s "$work/post-$c.lua" "${base_of[$c]}/api/v1/dossiers" >"$work/wrk-create-$c-$r.txt"
        after_n=$(sqlite3 "$work/m-$c.db" "SELECT count(*) FROM dossier")
        awk -v a="$after_n" -v b="$before_n" -v s="$CREATE_SECONDS" 'BEGIN {printf "%.0f\n", (a-b)/s}' >>"$work/create-$c"
      fi
    done
    log "creation round $r (SQLite): $(for c in "${creators[@]}"; do printf '%s %s  ' "$c" "$(tail -1 "$work/create-$c")"; done)sqlite3 $(tail -1 "$work/create-ref1") / $(tail -1 "$work/create-refb")"
  done
  for c in "${creators[@]}"; do stop_server "$c"; done
  ref1=$(median <"$work/create-ref1"); refb=$(median <"$work/create-refb")
  {
    echo "Durable creations through the API on SQLite ($CONNS connections, ${CREATE_SECONDS} s a round, medians of $ROUNDS alternated rounds; access log on):"
    echo
    echo "| server | creations/s | per round | ratio to sqlite3, one transaction each ($ref1/s) | ratio to sqlite3, $BATCH per transaction ($refb/s) | p50 ms | p99 ms |"
    echo "|---|---|---|---|---|---|---|"
    for c in "${creators[@]}"; do
      v=$(median <"$work/create-$c")
      p50=$(for r in $(seq "$ROUNDS"); do lat "$work/wrk-create-$c-$r.txt" 50%; echo; done | median)
      p99=$(for r in $(seq "$ROUNDS"); do lat "$work/wrk-create-$c-$r.txt" 99%; echo; done | median)
      name=$c; [ "$c" = before ] && name="motcua before"
      [ "$c" = large ] && name="motcua, on $large_n dossiers"
      [ "$c" = motcua ] && [ -n "${LARGE_DB:-}" ] && name="motcua, on $DOSSIERS dossiers"
      echo "| $name | $v | $(tr '\n' ' ' <"$work/create-$c") | $(ratio "$v" "$ref1" %.1f) | $(ratio "$v" "$refb") | $p50 | $p99 |"
    done
    echo
    echo "sqlite3 per round: one each $(tr '\n' ' ' <"$work/create-ref1"); $BATCH each $(tr '\n' ' ' <"$work/create-refb")"
    echo
  } >>"$out"
fi

# ---- the same on PostgreSQL (a throwaway cluster, fsync on) -----------------

if part pg; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v psql >/dev/null; then
    ROUNDS=$ROUNDS BATCH=$BATCH CONNS=$CONNS DOSSIERS=$DOSSIERS CREATE_SECONDS=$CREATE_SECONDS BEFORE=$BEFORE \
      UNITS="$units" bash scripts/pg.sh bash bench/pg_create.sh "$bin" "$work" >>"$out" ||
      log "the PostgreSQL creations failed"
  else
    log "PostgreSQL not installed (make setup installs it): its creation figures are skipped"
  fi
fi

# ---- statistics of a province-year of STATS_N dossiers ----------------------

if part stats; then
  lookup_db=$(demo_db "$LOOKUP_N")
  stats_db=$(demo_db "$STATS_N" "$lookup_db")
  start_server motcua "$bin" "$stats_db"
  token=$(login motcua giamsat)
  stats_url="${base_of[motcua]}/api/v1/stats?unit=000.00.00.H56&from=2017-01-01&to=2018-01-01&group=unit"
  curl -s -H "Authorization: Bearer $token" "$stats_url" >"$work/stats.json"
  stats_ms=$(for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$stats_url"
  done | awk '{printf "%.0f\n", $1*1000}' | median)
  stop_server motcua
  # the reference: the naive aggregate over the event log, in the sqlite3 shell
  root_path=$(sqlite3 "$stats_db" "SELECT path FROM unit WHERE code = '000.00.00.H56'")
  from=$(date -d '2017-01-01 00:00 +07' +%s); to=$(date -d '2018-01-01 00:00 +07' +%s)
  sed -e "s|:path|'$root_path'|g" -e "s|:from|$from|g" -e "s|:to|$to|g" -e "s|:at|$to|g" \
    bench/naive_stats.sql >"$work/naive.sql"
  naive_ms=$(for _ in 1 2 3; do
    t=$(now); sqlite3 "$stats_db" <"$work/naive.sql" >"$work/naive.txt"; since "$t"; echo
  done | awk '{printf "%.0f\n", $1*1000}' | median)
  # both must count the same: received and resolved of the whole province
  api_totals=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); t=j["totals"]; print(t["received"]["total"], t["resolved"]["total"], t["in_progress"]["total"])' "$work/stats.json" 2>/dev/null) ||
    { api_totals="(no figures)"; log "stats reply: $(head -c 300 "$work/stats.json")"; }
  naive_totals=$(awk -F'|' '{r+=$6; s+=$10; p+=$13} END {print r, s, p}' "$work/naive.txt")
  agree=no; [ "$api_totals" = "$naive_totals" ] && agree=yes
  stats_rows=$(wc -l <"$work/naive.txt")
  {
    echo "| statistics | motcua | reference | ratio |"
    echo "|---|---|---|---|"
    echo "| province, year 2017, by unit ($STATS_N dossiers; $stats_rows rows), median of 5 | $stats_ms ms | naive GROUP BY over the event log, median of 3: $naive_ms ms | $(ratio "$naive_ms" "$stats_ms" %.1f)× faster |"
    echo "| totals agree (received, resolved, in progress) | $api_totals | $naive_totals | $agree |"
    echo
  } >>"$out"
fi

# ---- document search over DOCS_N documents ----------------------------------

if part docsearch; then
  docs_db="${DOCS_DB:-$BENCH_DATA/docs-$DOCS_N-s$schema.db}"
  docs_bin=$(readlink -f "${DOCS_BIN:-$bin}")
  if [ ! -f "$docs_db" ]; then
    mkdir -p "$BENCH_DATA"
    rm -rf "$docs_db.tmp"*
    "$docs_bin" init --db "$docs_db.tmp" --demo --dossiers 0 >/dev/null
    t=$(now)
    python3 bench/docs_gen.py "$docs_db.tmp" "$DOCS_N" 1
    log "generated $DOCS_N documents in $(since "$t") s"
    sqlite3 "$docs_db.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    mv "$docs_db.tmp" "$docs_db"
  fi
  # A commune's leader (the demo has none): UBND xã Quảng Bình, in lanhdao's
  # district, one of the communes bench/docs_gen.py gives documents.
  if [ "$(sqlite3 "$docs_db" "SELECT count(*) FROM app_user WHERE username = 'lanhdao.xa'")" = 0 ]; then
    "$docs_bin" user add --db "$docs_db" --username lanhdao.xa --role leader --unit 000.03.33.H56 \
      --name "Lãnh đạo xã Quảng Bình" --password "$MOTCUA_DEMO_PASSWORD" >/dev/null
  fi
  # What people type: one to three words of a subject, with or without
  # diacritics, and numbers with their notation.
  python3 - "$docs_db" >"$work/doc-queries.txt" <<'PY'
import random, sqlite3, sys, unicodedata, urllib.parse
con = sqlite3.connect(sys.argv[1])
rnd = random.Random(7)
subjects = [r[0] for r in con.execute("SELECT subject FROM document ORDER BY random() LIMIT 3000")]
notations = [r[0] for r in con.execute("SELECT notation FROM document WHERE box = 1 ORDER BY random() LIMIT 500")]
def fold(t):
    t = unicodedata.normalize("NFD", t.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in t if unicodedata.category(c) != "Mn").lower()
for i in range(2000):
    if i % 5 == 4:
        q = rnd.choice(notations)
    else:
        w = rnd.choice(subjects).split()
        k = rnd.randint(1, 3)
        start = rnd.randint(0, max(0, len(w) - k))
        q = " ".join(w[start:start + k])
        if i % 2:
            q = fold(q)
    print(urllib.parse.quote(q))
PY
  docs_load=$(cut -d' ' -f1-3 /proc/loadavg)
  start_server motcua "$docs_bin" "$docs_db"
  b=${base_of[motcua]}
  # The scopes: the province (the supervisor), a district with its 30
  # communes (its leader), a commune (its leader).
  doc_scopes=(giamsat lanhdao lanhdao.xa)
  declare -A doc_token=()
  for user in "${doc_scopes[@]}" lanhdao.stnmt; do doc_token[$user]=$(login motcua "$user"); done
  token=${doc_token[giamsat]}
  first=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$b/api/v1/documents?q=cai%20cach")
  [ "$first" = 200 ] || log "document search answered $first for giamsat"
  avg=$(head -200 "$work/doc-queries.txt" | while read -r q; do
    curl -s -H "Authorization: Bearer $token" "$b/api/v1/documents?q=$q&limit=20" | wc -c
  done | awk '{s+=$1} END {printf "%.0f", s/NR}')
  for user in "${doc_scopes[@]}"; do
    cat >"$work/docsearch-$user.lua" <<LUA
local qs = {}
for line in io.lines("$work/doc-queries.txt") do qs[#qs + 1] = line end
math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
wrk.headers["Authorization"] = "Bearer ${doc_token[$user]}"
request = function()
  return wrk.format("GET", "/api/v1/documents?limit=20&q=" .. qs[math.random(#qs)])
end
LUA
  done
  nport=$(free_port)
  mkdir -p "$work/www"
  head -c "$avg" /dev/zero | tr '\0' ' ' >"$work/www/docs.json"
  cat >"$work/nginx-docs.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:$nport; root $work/www; default_type application/json; }
}
NGINX
  nginx -c "$work/nginx-docs.conf"
  sleep 0.3
  ngx="http://127.0.0.1:$nport"
  DOC_CONNS=${DOC_CONNS:-16}
  wrk -t2 -c"$DOC_CONNS" -d3s -s "$work/docsearch-giamsat.lua" "$b" >/dev/null
  wrk -t2 -c"$DOC_CONNS" -d2s "$ngx/docs.json" >/dev/null
  # Each round: every scope and nginx, in an order that alternates.
  for r in $(seq "$ROUNDS"); do
    for c in $(order "$r" "${doc_scopes[@]}" nginx); do
      f="$work/wrk-docs-$c-$r.txt"
      if [ "$c" = nginx ]; then
        wrk -t2 -c"$DOC_CONNS" -d"${DURATION}s" --latency "$ngx/docs.json" >"$f"
      else
        wrk -t2 -c"$DOC_CONNS" -d"${DURATION}s" --latency -s "$work/docsearch-$c.lua" "$b" >"$f"
      fi
    done
    log "document search round $r: province $(rate "$work/wrk-docs-giamsat-$r.txt"), district $(rate "$work/wrk-docs-lanhdao-$r.txt"), commune $(rate "$work/wrk-docs-lanhdao.xa-$r.txt"), nginx $(rate "$work/wrk-docs-nginx-$r.txt") req/s"
  done
  docs_rss=$(hwm motcua)
  # One request at a time, the latency a clerk sees without queueing: the
  # same 300 queries in each scope, and a department's (one unit), in
  # ROUNDS alternated rounds; p50, p99 and slowest are medians over rounds.
  for r in $(seq "$ROUNDS"); do
    for user in $(order "$r" "${doc_scopes[@]}" lanhdao.stnmt); do
      head -300 "$work/doc-queries.txt" | while read -r q; do
        curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer ${doc_token[$user]}" "$b/api/v1/documents?q=$q&limit=20"
      done | awk '{printf "%.1f\n", $1*1000}' | sort -g |
        awk '{v[NR]=$1} END {printf "%s %s %s\n", v[int(NR*0.5)], v[int(NR*0.99)], v[NR]}' >>"$work/single-$user"
    done
  done
  stop_server motcua
  kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -f "$work/nginx.pid"
  # The search of the registers before migration 028: LIKE over every row.
  like_ms=$(for _ in 1 2 3; do
    t=$(now); sqlite3 "$docs_db" "SELECT count(*) FROM document WHERE search_folded LIKE '%cai cach%'" >/dev/null; since "$t"; echo
  done | awk '{printf "%.0f\n", $1*1000}' | median)
  fts_ms=$(for _ in 1 2 3; do
    t=$(now); sqlite3 "$docs_db" "SELECT count(*) FROM document_fts WHERE document_fts MATCH '\"cai\"* AND \"cach\"*'" >/dev/null; since "$t"; echo
  done | awk '{printf "%.0f\n", $1*1000}' | median)
  dmed() { for r in $(seq "$ROUNDS"); do "$2" "$work/wrk-docs-$1-$r.txt" ${3:+"$3"}; echo; done | median; }
  smed() { cut -d' ' -f"$2" "$work/single-$1" | median; }
  declare -A scope_name=([giamsat]="province (giamsat, 692 units)" [lanhdao]="district (lanhdao, 31 units)"
    [lanhdao.xa]="commune (lanhdao.xa, 1 unit)" [lanhdao.stnmt]="department (lanhdao.stnmt, 1 unit)")
  {
    echo "Document search: GET /api/v1/documents?q=…&limit=20 over $(sqlite3 "$docs_db" "SELECT count(*) FROM document") documents, 2,000 queries people type (one to three words of a subject, with or without diacritics; one in five a number and notation), in three scopes, $DOC_CONNS connections, ${avg} B mean reply (the province's); access log on; medians of $ROUNDS alternated rounds of ${DURATION} s (load average at the start of the part: $docs_load; $(nproc) cores)."
    echo
    echo "| scope | req/s | ratio to nginx | p50 ms | p99 ms |"
    echo "|---|---|---|---|---|"
    n=$(dmed nginx rate)
    for user in "${doc_scopes[@]}"; do
      m=$(dmed "$user" rate)
      echo "| motcua, ${scope_name[$user]} | $m | $(ratio "$m" "$n" %.4f) | $(dmed "$user" lat 50%) | $(dmed "$user" lat 99%) |"
    done
    echo "| nginx, static file of the same size | $n | 1 | $(dmed nginx lat 50%) | $(dmed nginx lat 99%) |"
    echo
    echo "Peak memory of the server: $docs_rss MiB. One search at a time (the same 300 queries with curl, medians of $ROUNDS alternated rounds):"
    echo
    echo "| scope | p50 ms | p99 ms | slowest ms |"
    echo "|---|---|---|---|"
    for user in "${doc_scopes[@]}" lanhdao.stnmt; do
      echo "| ${scope_name[$user]} | $(smed "$user" 1) | $(smed "$user" 2) | $(smed "$user" 3) |"
    done
    echo
    echo "The count behind 'cai cach' in the sqlite3 shell: $fts_ms ms through the index (migration 028), $like_ms ms by the LIKE over every row the registers used before."
    echo
  } >>"$out"
fi

# ---- statistics by field and by procedure, a province-year ------------------

if part fields; then
  lookup_db=$(demo_db "$LOOKUP_N")
  stats_db=$(stats_db_of "$STATS_N" "$lookup_db")
  log "statistics database: $(sqlite3 "$stats_db" "SELECT count(*) FROM dossier") dossiers, $(du -m "$stats_db" | cut -f1) MB"
  declare -A token_of=()
  for c in "${contenders[@]}"; do
    start_server "$c" "$(binary_of "$c")" "$stats_db"
    token_of[$c]=$(login "$c" giamsat)
  done
  root_path=$(sqlite3 "$stats_db" "SELECT path FROM unit WHERE code = '000.00.00.H56'")
  from=$(date -d '2017-01-01 00:00 +07' +%s); to=$(date -d '2018-01-01 00:00 +07' +%s)
  fields_load=$(cut -d' ' -f1-3 /proc/loadavg)
  {
    echo "Statistics by field and by procedure, $STATS_N dossiers (load average at the start of the part: $fields_load):"
    echo
    if [ -n "$BEFORE" ]; then
      echo "| statistics, province, year 2017 ($STATS_N dossiers) | motcua (roll-up) | before (BEFORE) | live count (before the roll-up) | ratio to live |"
      echo "|---|---|---|---|---|"
    else
      echo "| statistics, province, year 2017 ($STATS_N dossiers) | motcua (roll-up) | live count (before) | ratio |"
      echo "|---|---|---|---|"
    fi
  } >>"$out"
  for group in field procedure; do
    path_q="/api/v1/stats?unit=000.00.00.H56&from=2017-01-01&to=2018-01-01&group=$group"
    key=p.field; [ "$group" = procedure ] && key=p.id
    sed -e "s|:path|'$root_path'|g" -e "s|:from|$from|g" -e "s|:to|$to|g" -e "s|:at|$to|g" -e "s|:key|$key|g" \
      bench/live_by_field.sql >"$work/live-$group.sql"
    for c in "${contenders[@]}"; do
      curl -s -H "Authorization: Bearer ${token_of[$c]}" "${base_of[$c]}$path_q" >"$work/stats-$group-$c.json"
      : >"$work/$c-$group.ms"
    done
    : >"$work/live-$group.ms"
    # alternated rounds: each build's API and the live statement, in turn
    for r in $(seq "$ROUNDS"); do
      for who in $(order "$r" "${contenders[@]}" live); do
        if [ "$who" != live ]; then
          curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer ${token_of[$who]}" "${base_of[$who]}$path_q" |
            awk '{printf "%.1f\n", $1*1000}' >>"$work/$who-$group.ms"
        else
          t=$(now); sqlite3 "$stats_db" <"$work/live-$group.sql" >"$work/live-$group.txt"
          since "$t" | awk '{printf "%.1f\n", $1*1000}' >>"$work/live-$group.ms"
        fi
      done
    done
    api_ms=$(median <"$work/motcua-$group.ms"); live_ms=$(median <"$work/live-$group.ms")
    rows=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rows"]))' "$work/stats-$group-motcua.json" 2>/dev/null || echo "-")
    api_recv=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["received"]["total"])' "$work/stats-$group-motcua.json" 2>/dev/null || echo "-")
    live_recv=$(awk -F'|' '{r+=$3} END {print r}' "$work/live-$group.txt")
    agree=no; [ "$api_recv" = "$live_recv" ] && agree=yes
    if [ -n "$BEFORE" ]; then
      before_ms=$(median <"$work/before-$group.ms")
      # the two builds' replies, but for the time of evaluation
      same=no
      python3 -c 'import json,sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for j in (a, b): j.pop("evaluated_at", None)
sys.exit(a != b)' "$work/stats-$group-motcua.json" "$work/stats-$group-before.json" && same=yes
      echo "| by $group ($rows rows), median of $ROUNDS alternated rounds; received agree with live ($api_recv): $agree; replies identical to before: $same | $api_ms ms | $before_ms ms | $live_ms ms | $(ratio "$live_ms" "$api_ms" %.1f)× faster |" >>"$out"
    else
      echo "| by $group ($rows rows), median of $ROUNDS alternated rounds; received agree ($api_recv): $agree | $api_ms ms | $live_ms ms | $(ratio "$live_ms" "$api_ms" %.1f)× faster |" >>"$out"
    fi
  done
  echo >>"$out"
  for c in "${contenders[@]}"; do stop_server "$c"; done
fi

# ---- task figures over TASKS_N tasks ----------------------------------------

if part tasks; then
  tasks_db="$BENCH_DATA/tasks-$TASKS_N-s$schema.db"
  if [ ! -f "$tasks_db" ]; then
    mkdir -p "$BENCH_DATA"; rm -f "$tasks_db.tmp"
    "$bin" init --db "$tasks_db.tmp" --demo --dossiers 0 >/dev/null
    t=$(now); sqlite3 "$tasks_db.tmp" -cmd ".parameter set :N $TASKS_N" <bench/tasks_gen.sql
    log "generated $TASKS_N tasks in $(since "$t") s"
    # written by the shell, not the server: the roll-up is counted from them (docs/tasks.md §5)
    t=$(now); "$bin" stats rebuild --db "$tasks_db.tmp" >/dev/null
    log "built the tasks' roll-up in $(since "$t") s"
    sqlite3 "$tasks_db.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    mv "$tasks_db.tmp" "$tasks_db"
  fi
  tasks_load=$(cut -d' ' -f1-3 /proc/loadavg)
  start_server motcua "$bin" "$tasks_db"
  token=$(login motcua giamsat)
  tasks_url="${base_of[motcua]}/api/v1/tasks/stats?unit=000.00.00.H56&from=2017-01-01&to=2017-12-31"
  today=$(( ($(date +%s) + 7 * 3600) / 86400 ))
  sed -e "s|:today|$today|g" bench/naive_tasks.sql >"$work/naive_tasks.sql"
  : >"$work/tasks-api.ms"; : >"$work/tasks-naive.ms"
  for r in $(seq "$ROUNDS"); do # alternated rounds: the API and the reference, in turn
    for c in $(order "$r" api naive); do
      if [ "$c" = api ]; then
        curl -s -o "$work/tasks.json" -w '%{time_total}\n' -H "Authorization: Bearer $token" "$tasks_url" |
          awk '{printf "%.0f\n", $1*1000}' >>"$work/tasks-api.ms"
      else
        t=$(now); sqlite3 "$tasks_db" <"$work/naive_tasks.sql" >"$work/naive_tasks.txt"
        since "$t" | awk '{printf "%.0f\n", $1*1000}' >>"$work/tasks-naive.ms"
      fi
    done
  done
  stop_server motcua
  api_ms=$(median <"$work/tasks-api.ms"); naive_ms=$(median <"$work/tasks-naive.ms")
  # the figures that do not depend on the periods of recurring tasks must agree
  api_f=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(*[j[k] for k in ("assigned","done_on_time","done_extended","done_late","waiting_confirmation","suspended")])' "$work/tasks.json" 2>/dev/null) ||
    { api_f="(no figures)"; log "tasks reply: $(head -c 300 "$work/tasks.json")"; }
  naive_f=$(awk -F'|' '{a+=$2; o+=$3; e+=$4; l+=$5; w+=$7; s+=$8} END {print a, o, e, l, w, s}' "$work/naive_tasks.txt")
  agree=no; [ "$api_f" = "$naive_f" ] && agree=yes
  {
    echo "Task figures: GET /api/v1/tasks/stats for the province over 2017, $TASKS_N tasks ($(wc -l <"$work/naive_tasks.txt") units in charge), medians of $ROUNDS alternated rounds (load average at the start: $tasks_load)."
    echo
    echo "| task figures | motcua | reference | ratio |"
    echo "|---|---|---|---|"
    echo "| province, year 2017, total, by unit and by leader | $api_ms ms | naive GROUP BY over the rows in sqlite3: $naive_ms ms | $(ratio "$naive_ms" "$api_ms" %.2f) |"
    echo "| figures agree (assigned, done on time, extended, late, waiting, suspended) | $api_f | $naive_f | $agree |"
    echo
  } >>"$out"
fi

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out"
cat "$out"
