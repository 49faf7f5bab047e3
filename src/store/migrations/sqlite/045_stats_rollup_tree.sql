-- 045_stats_rollup_tree.sql - the roll-up by procedure summed up the unit
-- tree (issue 13; docs/statistics.md §6, src/core/rollup.h): beside each
-- unit's own cells, stats_rollup_proc holds for every unit the month (grain
-- 3, period year * 12 + month - 1) and year (grain 4, period the year) cells
-- of its whole subtree, itself included, by procedure. A question by field
-- or by procedure over a subtree reads its root's cells instead of a month
-- cell per unit of the subtree. The store keeps them in the transaction of
-- every write that changes a figure, and `motcua stats rebuild` builds them
-- with the rest; here they are summed from the units' month cells: every
-- unit of a subtree (a range of paths) into the subtree's root, then the
-- months of a year into the year.
WITH anc (unit_id, root_id) AS (
	SELECT u.id, a.id FROM unit a JOIN unit u
	ON u.path >= a.path AND u.path < substr(a.path, 1, length(a.path) - 1) || '0'
	WHERE a.path <> ''
)
INSERT INTO stats_rollup_proc (unit_id, grain, period, procedure_id, aux, recv_online, recv_direct,
	recv_postal, recv_total, res_early, res_on_time, res_late, withdrawn, stopped, not_accepted,
	in_progress_change, overdue_change, supplements, apologies)
SELECT anc.root_id, 3, r.period, r.procedure_id, 0, sum(r.recv_online), sum(r.recv_direct),
	sum(r.recv_postal), sum(r.recv_total), sum(r.res_early), sum(r.res_on_time), sum(r.res_late),
	sum(r.withdrawn), sum(r.stopped), sum(r.not_accepted), sum(r.in_progress_change),
	sum(r.overdue_change), sum(r.supplements), sum(r.apologies)
FROM anc JOIN stats_rollup_proc r ON r.unit_id = anc.unit_id AND r.grain = 1
GROUP BY anc.root_id, r.period, r.procedure_id;

INSERT INTO stats_rollup_proc (unit_id, grain, period, procedure_id, aux, recv_online, recv_direct,
	recv_postal, recv_total, res_early, res_on_time, res_late, withdrawn, stopped, not_accepted,
	in_progress_change, overdue_change, supplements, apologies)
SELECT unit_id, 4, period / 12, procedure_id, 0, sum(recv_online), sum(recv_direct),
	sum(recv_postal), sum(recv_total), sum(res_early), sum(res_on_time), sum(res_late),
	sum(withdrawn), sum(stopped), sum(not_accepted), sum(in_progress_change),
	sum(overdue_change), sum(supplements), sum(apologies)
FROM stats_rollup_proc WHERE grain = 3
GROUP BY unit_id, period / 12, procedure_id;
