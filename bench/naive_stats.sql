-- naive_stats.sql - the reference for the statistics figure of bench/run.sh:
-- the counters of docs/statistics.md §4 for the children of a unit over a
-- period, computed the straightforward way, from the event log: each
-- dossier's reception, finish and supplement requests are aggregated from its
-- events (GROUP BY dossier), then the counters are summed per child unit
-- (GROUP BY child). The log holds no due times, channel or pause, so those
-- come from the dossier row. No index is added for it.
-- :path, :from, :to, :at are replaced by bench/run.sh (the unit's path, the
-- period [from, to) and the evaluation instant, UTC seconds).
-- Columns: child unit id (0: the unit's own desk), carried_over, received
-- online, direct, postal, total, resolved early, on time, late, total, in
-- progress within time, overdue, total, withdrawn, stopped, not_accepted,
-- supplement_requested.
WITH life AS (
	SELECT e.dossier_id,
		coalesce(min(CASE WHEN e.to_state = 2 AND e.action IN ('create', 'receive') THEN e.at END), 0) AS received_at,
		coalesce(max(CASE WHEN e.action IN ('resolve', 'refuse', 'withdraw', 'stop') THEN e.at END), 0) AS finished_at,
		max(e.action = 'request_supplement' AND e.at >= :from AND e.at < :to) AS supplement,
		(SELECT x.to_state FROM event x WHERE x.dossier_id = e.dossier_id ORDER BY x.id DESC LIMIT 1) AS state
	FROM event e
	GROUP BY e.dossier_id
), d AS (
	SELECT l.*, o.channel,
		CASE WHEN o.statutory_due_at > 0 THEN o.statutory_due_at ELSE o.due_at END AS due,
		CASE WHEN o.paused_at > 0 AND o.paused_at <= :at THEN o.paused_at ELSE :at END AS judged,
		CASE WHEN length(u.path) = length(:path) THEN 0 ELSE CAST(substr(u.path, length(:path) + 1,
			instr(substr(u.path, length(:path) + 1), '/') - 1) AS INTEGER) END AS child
	FROM life l JOIN dossier o ON o.id = l.dossier_id JOIN unit u ON u.id = o.receiving_unit_id
	WHERE substr(u.path, 1, length(:path)) = :path
), c AS (
	SELECT child,
		received_at > 0 AND received_at < :from AND (finished_at = 0 OR finished_at >= :from) AS carried,
		received_at >= :from AND received_at < :to AS received,
		state IN (9, 10) AND finished_at >= :from AND finished_at < :to AS resolved,
		received_at > 0 AND received_at < :to AND (finished_at = 0 OR finished_at >= :to) AS open,
		channel, due, judged, finished_at, state, supplement
	FROM d
)
SELECT child,
	sum(carried),
	sum(received AND channel = 2), sum(received AND channel = 1), sum(received AND channel = 3), sum(received),
	sum(resolved AND finished_at <= due AND (finished_at + 25200) / 86400 < (due + 25200) / 86400),
	sum(resolved AND finished_at <= due AND NOT (finished_at + 25200) / 86400 < (due + 25200) / 86400),
	sum(resolved AND finished_at > due),
	sum(resolved),
	sum(open AND judged <= due), sum(open AND judged > due), sum(open),
	sum(state = 7 AND finished_at >= :from AND finished_at < :to),
	sum(state = 8 AND finished_at >= :from AND finished_at < :to),
	sum(state = 3 AND finished_at >= :from AND finished_at < :to),
	sum(supplement)
FROM c
GROUP BY child
ORDER BY child;
