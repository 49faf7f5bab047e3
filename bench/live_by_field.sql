-- live_by_field.sql - the reference for the by-field and by-procedure figures
-- of bench/run.sh: the statement the server ran for group=field (and, with
-- :key = p.id, group=procedure) before those groupings were answered from the
-- roll-up by procedure (src/store/store_stats.c, SCAN and COUNTERS), counted
-- live from the dossiers through the covering index dossier_stats. The
-- supplement requests and apologies, two smaller statements, are left out, so
-- the reference is somewhat faster than the live count was.
-- :path, :from, :to, :at, :key are replaced by bench/run.sh.
-- Columns: key, carried_over, received, resolved, in_progress.
SELECT :key AS k,
	sum(CASE WHEN d.received_at > 0 AND d.received_at < :from AND (d.finished_at = 0 OR d.finished_at >= :from) THEN 1 ELSE 0 END),
	sum(CASE WHEN d.received_at >= :from AND d.received_at < :to THEN 1 ELSE 0 END),
	sum(CASE WHEN d.state IN (9, 10) AND d.finished_at >= :from AND d.finished_at < :to THEN 1 ELSE 0 END),
	sum(CASE WHEN d.received_at > 0 AND d.received_at < :to AND (d.finished_at = 0 OR d.finished_at >= :to) THEN 1 ELSE 0 END),
	sum(CASE WHEN d.received_at > 0 AND d.received_at < :to AND (d.finished_at = 0 OR d.finished_at >= :to)
		AND (CASE WHEN d.paused_at > 0 AND d.paused_at <= :at THEN d.paused_at ELSE :at END)
		> (CASE WHEN d.statutory_due_at > 0 THEN d.statutory_due_at ELSE d.due_at END) THEN 1 ELSE 0 END),
	sum(CASE WHEN d.state = 7 AND d.finished_at >= :from AND d.finished_at < :to THEN 1 ELSE 0 END),
	sum(CASE WHEN d.state = 8 AND d.finished_at >= :from AND d.finished_at < :to THEN 1 ELSE 0 END),
	sum(CASE WHEN d.state = 3 AND d.finished_at >= :from AND d.finished_at < :to THEN 1 ELSE 0 END)
FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id JOIN procedure p ON p.id = d.procedure_id
WHERE u.path >= :path AND u.path < substr(:path, 1, length(:path) - 1) || '0'
	AND d.received_at < :to AND (d.finished_at = 0 OR d.finished_at >= :from)
	AND (d.received_at > 0 OR d.finished_at < :to)
GROUP BY :key;
