#!/usr/bin/env bash
# The store's two statements of the registers' search (the bounded count and
# the newest page of 20, store_document.c) under EXPLAIN (ANALYZE, BUFFERS)
# on PostgreSQL, planned for their values as the store runs them, for each
# scope and query given: prints the execution time of each and the plan's
# top lines. OLD=1 runs the statements of migration 028 (before 047).
#
#   bash bench/docs_pg_explain.sh URL 'path…' 'query…'   e.g.
#   bash bench/docs_pg_explain.sh "$url" '/1/ /1/34/ /1/34/68/ /1/11/' 'giao|cai cach hanh'
set -euo pipefail
url=$1; paths=$2; IFS='|' read -r -a queries <<<"$3"
cond="(d.unit_id IN (SELECT id FROM unit WHERE path >= \$1 AND path < \$2) OR d.drafting_unit_id IN (SELECT id FROM unit WHERE path >= \$1 AND path < \$2)) AND (\$3 = 0 OR d.register_id = \$3) AND (\$4 = 0 OR d.box = \$4) AND (\$5 = 0 OR d.year = \$5) AND (\$6 = 0 OR d.state = \$6) AND (\$7 = 0 OR d.number > 0)"
if [ -n "${OLD:-}" ]; then
  match="AND d.search @@ (SELECT string_agg('''' || replace(replace(w, '\\', '\\\\'), '''', '''''') || ''':*', ' & ')::tsquery FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, \$8))) AS w)"
else
  match="AND d.search_terms @@ document_search_query(\$8, \$1) AND (document_search_long(\$8) IS NULL OR d.search @@ document_search_long(\$8))"
fi
cols="d.id, d.province_code, d.box, d.register_id, d.unit_id, d.drafting_unit_id, d.state, d.version, d.type, d.normative, d.urgency, d.secrecy, d.subject, d.body, d.drafting_abbr, d.place, d.signer_position, d.signer_name, d.recipients, d.recipient_units, d.year, d.series, d.number, d.notation, d.organ_name, d.issued_at, d.received_at, d.source_id, d.assigned_unit_id, d.assignee_id, d.deadline, d.direction, d.note, d.created_by, d.created_at, d.updated_at, d.cooperating_units, coalesce(d.task_id, 0) AS task_id"
count="SELECT count(*) FROM (SELECT 1 FROM document d WHERE $cond $match LIMIT 1001) c"
page="SELECT $cols FROM document d WHERE $cond $match ORDER BY d.id DESC LIMIT 20 OFFSET 0"
for p in $paths; do
  hi="${p%/}0"
  for q in "${queries[@]}"; do
    for which in count page; do
      sql=${!which}
      # Below the province, 047's count asks the index alone (store_document.c).
      if [ "$which" = count ] && [ -z "${OLD:-}" ] && [ "$(tr -cd / <<<"$p" | wc -c)" -gt 2 ]; then
        sql="SELECT count(*) FROM (SELECT FROM document d WHERE d.search_terms @@ document_search_query(\$8, \$1) AND (document_search_long(\$8) IS NULL OR d.search @@ document_search_long(\$8)) AND \$2 <> '' AND \$3 + \$4 + \$5 + \$6 + \$7 = 0 LIMIT 1001) c"
      fi
      # plan_cache_mode: planned for the values, as the store's unnamed statements.
      out=$(psql -X -A -t "$url" -v ON_ERROR_STOP=1 <<SQL
SET plan_cache_mode = force_custom_plan;
PREPARE s(text, text, bigint, bigint, bigint, bigint, bigint, text) AS $sql;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE s('$p', '$hi', 0, 0, 0, 0, 0, '$q');
SQL
)
      ms=$(grep -o 'Execution Time: [0-9.]*' <<<"$out" | grep -o '[0-9.]*$')
      pl=$(grep -o 'Planning Time: [0-9.]*' <<<"$out" | grep -o '[0-9.]*$')
      rows=$(grep -m1 -o 'actual time=[0-9.]*\.\.[0-9.]* rows=[0-9]*' <<<"$out" | sed 's/.*rows=//')
      top=$(grep -E 'Scan|Sort|Limit' <<<"$out" | grep -v 'SubPlan\|Buffers' | head -3 | sed 's/^ *//; s/  (cost=[^)]*)//' | cut -c1-110 | tr '\n' ';')
      printf '%s\t%s\t%s\t%s ms (plan %s)\trows %s\t%s\n' "$p" "$q" "$which" "$ms" "$pl" "$rows" "$top"
      [ -n "${VERBOSE:-}" ] && echo "$out" >&2
    done
  done
done
