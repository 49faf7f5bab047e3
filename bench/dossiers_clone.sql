-- dossiers_clone.sql - a large statistics database for bench/run.sh (part
-- fields with STATS_N of a million or more), made in minutes from a demo
-- database instead of hours of `motcua demo`: the demo's dossiers (their
-- procedures, channels, states, times, pauses and due times, as the demo's
-- lives left them) are copied :copies - 1 times, copy k received at another
-- unit of the same level that receives dossiers in the demo (the k-th
-- after it, in id order, round the level), so that the copies fill the
-- (unit, procedure) pairs a province of this shape can have instead of
-- repeating the demo's. Of the event log only the supplement requests are
-- copied (the statistics read no other event), and the issued apologies
-- (without their signed letters). The roll-up is then counted again from the
-- dossiers with `motcua stats rebuild`.
-- :copies is replaced by bench/run.sh. One transaction, without a write-ahead
-- log, with a cache that holds the indexes (with SQLite's default 2 MB each
-- row of 3,000,000 went to disk for each of the dossier's indexes).
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -6000000;
PRAGMA temp_store = MEMORY;
BEGIN;
CREATE TEMP TABLE clone_k AS
WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < :copies - 1)
SELECT k FROM k;

CREATE TEMP TABLE clone_unit AS
SELECT u.id, u.level, row_number() OVER (PARTITION BY u.level ORDER BY u.id) - 1 AS r,
	count(*) OVER (PARTITION BY u.level) AS n
FROM unit u WHERE u.id IN (SELECT DISTINCT receiving_unit_id FROM dossier);

CREATE TEMP TABLE clone_map (k INTEGER, from_id INTEGER, to_id INTEGER, PRIMARY KEY (k, from_id));
INSERT INTO clone_map
SELECT k.k, a.id, b.id FROM clone_k k JOIN clone_unit a
JOIN clone_unit b ON b.level = a.level AND b.r = (a.r + k.k) % a.n;

CREATE TEMP TABLE clone_base AS SELECT max(id) AS m FROM dossier;

INSERT INTO dossier (id, code, province_code, procedure_id, receiving_unit_id, current_unit_id,
	handler_id, step, channel, state, resume_state, outcome, applicant_name, applicant_name_folded,
	applicant_id_number, applicant_phone, applicant_email, applicant_address, owner_id,
	duration_hours, submitted_at, received_at, due_at, paused_at, finished_at, returned_at,
	updated_at, version, note, statutory_due_at, pseudonymised_at, reception_unit_id,
	return_unit_id)
SELECT d.id + k.k * b.m, d.code || '-' || k.k, d.province_code, d.procedure_id,
	coalesce(m1.to_id, d.receiving_unit_id), coalesce(m2.to_id, d.current_unit_id),
	d.handler_id, d.step, d.channel, d.state, d.resume_state, d.outcome, d.applicant_name,
	d.applicant_name_folded, d.applicant_id_number, d.applicant_phone, d.applicant_email,
	d.applicant_address, d.owner_id, d.duration_hours, d.submitted_at, d.received_at, d.due_at,
	d.paused_at, d.finished_at, d.returned_at, d.updated_at, d.version, d.note,
	d.statutory_due_at, d.pseudonymised_at, NULL, NULL
FROM clone_k k JOIN clone_base b JOIN dossier d ON d.id <= b.m
LEFT JOIN clone_map m1 ON m1.k = k.k AND m1.from_id = d.receiving_unit_id
LEFT JOIN clone_map m2 ON m2.k = k.k AND m2.from_id = d.current_unit_id
ORDER BY k.k, d.id;

INSERT INTO event (dossier_id, province_code, at, actor_id, actor_name, unit_id, action,
	from_state, to_state, step, note)
SELECT e.dossier_id + k.k * b.m, e.province_code, e.at, e.actor_id, e.actor_name,
	coalesce(m.to_id, e.unit_id), e.action, e.from_state, e.to_state, e.step, e.note
FROM clone_k k JOIN clone_base b JOIN event e ON e.action = 'request_supplement' AND e.dossier_id <= b.m
LEFT JOIN clone_map m ON m.k = k.k AND m.from_id = e.unit_id
ORDER BY k.k, e.dossier_id, e.id;

INSERT INTO apology (province_code, dossier_id, unit_id, reason, old_due, new_due, prepared_by,
	prepared_by_name, prepared_at, issued_by, issued_by_name, issued_at, signed_as)
SELECT a.province_code, a.dossier_id + k.k * b.m, coalesce(m.to_id, a.unit_id), a.reason, a.old_due,
	a.new_due, a.prepared_by, a.prepared_by_name, a.prepared_at, a.issued_by, a.issued_by_name,
	a.issued_at, a.signed_as
FROM clone_k k JOIN clone_base b JOIN apology a ON a.issued_at > 0 AND a.dossier_id <= b.m
LEFT JOIN clone_map m ON m.k = k.k AND m.from_id = a.unit_id
ORDER BY k.k, a.id;

COMMIT;
PRAGMA journal_mode = WAL;
