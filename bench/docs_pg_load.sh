#!/usr/bin/env bash
# Loads the official documents of a SQLite bench database (made by
# `motcua init --demo --dossiers 0` and bench/docs_gen.py, as bench/run.sh
# PARTS=docsearch does) into a new PostgreSQL database made the same way, for
# the registers' search on PostgreSQL (docs/performance.md, "Document
# search"). Run with a cluster up (scripts/pg.sh; MOTCUA_TEST_DB_URL_BASE):
#
#   bash bench/docs_pg_load.sh BIN SQLITE_DB NAME
#
# BIN makes the database and its schema (an older binary gives an older
# schema; `motcua migrate` brings it up to date later, as an upgrade would).
# The demo's units, registers and documents are BIN's own and must be the
# same as the SQLite database's (checked); the generated registers and
# documents are copied with their ids (COPY from sqlite3's CSV), the word
# index built after the load, then VACUUM ANALYZE. Prints the URL.
set -euo pipefail

bin=$1; src=$2; name=$3
base=${MOTCUA_TEST_DB_URL_BASE:?run inside scripts/pg.sh}
url="$base/$name"
log() { echo "docs_pg_load: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN {printf "%.1f", e-s}'; }
psql_q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$url" "$@"; }

psql -X -q -v ON_ERROR_STOP=1 "$base/postgres" -c "CREATE DATABASE \"$name\""
"$bin" init --db "$url" --demo --dossiers 0 >/dev/null

same() {
  local what=$1 lite=$2 pg=$3
  if [ "$(sqlite3 "$src" "$lite" | md5sum)" != "$(psql_q -c "$pg" | md5sum)" ]; then
    log "the demo's $what differ between $src and $name"
    exit 1
  fi
}
same units "SELECT group_concat(id || ':' || path, ',') FROM (SELECT id, path FROM unit ORDER BY id)" \
  "SELECT string_agg(id || ':' || path, ',' ORDER BY id) FROM unit"
max_reg=$(psql_q -c "SELECT coalesce(max(id), 0) FROM doc_register")
max_doc=$(psql_q -c "SELECT coalesce(max(id), 0) FROM document")
same registers "SELECT group_concat(id || ':' || unit_id || ':' || box, ',') FROM (SELECT * FROM doc_register WHERE id <= $max_reg ORDER BY id)" \
  "SELECT string_agg(id || ':' || unit_id || ':' || box, ',' ORDER BY id) FROM doc_register"
same documents "SELECT count(*) FROM document WHERE id <= $max_doc" "SELECT count(*) FROM document"

t=$(now)
# The word index is built once after the load, not row by row (028's or 047's).
index=$(psql_q -c "SELECT indexname FROM pg_indexes WHERE tablename = 'document' AND indexdef LIKE '%USING gin%'")
indexdef=$(psql_q -c "SELECT indexdef FROM pg_indexes WHERE indexname = '$index'")
psql_q -c "DROP INDEX $index"
sqlite3 -csv "$src" "SELECT id, unit_id, box, name, organ_abbr, created_at FROM doc_register WHERE id > $max_reg" |
  psql_q -c "\\copy doc_register (id, unit_id, box, name, organ_abbr, created_at) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (name, organ_abbr))"
cols="id, box, register_id, unit_id, state, type, subject, year, series, number, notation, organ_name, issued_at, received_at, search_folded, created_at, updated_at"
sqlite3 -csv "$src" "SELECT $cols FROM document WHERE id > $max_doc ORDER BY id" |
  psql_q -c "\\copy document ($cols) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (type, subject, series, notation, organ_name, search_folded))"
for t_ in doc_register document; do
  psql_q -c "SELECT setval(pg_get_serial_sequence('$t_', 'id'), (SELECT max(id) FROM $t_))" >/dev/null
done
log "copied $(psql_q -c "SELECT count(*) FROM document") documents in $(since "$t") s"
t=$(now)
psql_q -c "$indexdef"
log "built $index in $(since "$t") s"
t=$(now)
psql_q -c "VACUUM ANALYZE"
log "VACUUM ANALYZE in $(since "$t") s"
echo "$url"
