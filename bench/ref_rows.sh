#!/usr/bin/env bash
# The reference rows of the creation figures (bench/run.sh for SQLite,
# bench/pg_create.sh for PostgreSQL): what a filing writes - the dossier, its
# document and its create event - as SQL for the shell of either database,
# COUNT dossiers numbered from FIRST, BATCH per transaction.
#
#   bench/ref_rows.sh FIRST COUNT BATCH PROCEDURE_ID UNIT_ID
set -euo pipefail
first=$1; count=$2; batch=$3; proc_id=$4; unit_id=$5
for i in $(seq "$first" $((first + count - 1))); do
  [ $((i % batch)) -eq 0 ] && echo "BEGIN;"
  echo "INSERT INTO dossier (id, code, province_code, procedure_id, receiving_unit_id, current_unit_id, step, channel, state, applicant_name, applicant_name_folded, applicant_id_number, duration_hours, received_at, due_at, updated_at) VALUES ($i, '000.00.33.H56-170301-$i', 'H56', $proc_id, $unit_id, $unit_id, 1, 2, 2, 'Nguyễn Văn An', 'nguyen van an', '038090001234', 120, 1488336000, 1488844800, 1488336000);"
  echo "INSERT INTO dossier_document (dossier_id, ord, province_code, seq, name, originals) VALUES ($i, 0, 'H56', 1, 'Tờ khai', 1);"
  echo "INSERT INTO event (dossier_id, province_code, at, actor_name, unit_id, action, from_state, to_state, step, hash) VALUES ($i, 'H56', 1488336000, 'Bộ phận một cửa', $unit_id, 'create', 0, 2, 1, '$(printf '%064d' "$i")');"
  [ $(((i + 1) % batch)) -eq 0 ] && echo "COMMIT;"
done
exit 0
