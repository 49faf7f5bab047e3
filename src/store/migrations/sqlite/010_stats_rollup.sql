-- 010_stats_rollup.sql - the statistics roll-up (src/core/rollup.h,
-- docs/statistics.md §5): per receiving unit, the counters each local day
-- (grain 0, period = days since 1970-01-01) and month (grain 1, period =
-- year * 12 + month - 1) add, and the later supplement requests (grain 2,
-- aux = the day of the dossier's previous request). Kept by the store in the
-- transaction of every write that changes a figure; built from the dossiers
-- at the first start after this migration (stats_rollup_state).
CREATE TABLE stats_rollup (
	unit_id INTEGER NOT NULL,
	grain INTEGER NOT NULL,
	period INTEGER NOT NULL,
	aux INTEGER NOT NULL DEFAULT 0,
	province_code TEXT NOT NULL DEFAULT '',
	recv_online INTEGER NOT NULL DEFAULT 0,
	recv_direct INTEGER NOT NULL DEFAULT 0,
	recv_postal INTEGER NOT NULL DEFAULT 0,
	recv_total INTEGER NOT NULL DEFAULT 0,
	res_early INTEGER NOT NULL DEFAULT 0,
	res_on_time INTEGER NOT NULL DEFAULT 0,
	res_late INTEGER NOT NULL DEFAULT 0,
	withdrawn INTEGER NOT NULL DEFAULT 0,
	stopped INTEGER NOT NULL DEFAULT 0,
	not_accepted INTEGER NOT NULL DEFAULT 0,
	in_progress_change INTEGER NOT NULL DEFAULT 0,
	overdue_change INTEGER NOT NULL DEFAULT 0,
	supplements INTEGER NOT NULL DEFAULT 0,
	apologies INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, grain, period, aux)
) WITHOUT ROWID;
CREATE TABLE stats_rollup_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	built INTEGER NOT NULL DEFAULT 0
);
INSERT INTO stats_rollup_state (id, built) VALUES (1, 0);

-- The open dossiers' overdue split of the current period is counted live,
-- over the open dossiers only.
CREATE INDEX dossier_open ON dossier(receiving_unit_id, due_at, statutory_due_at, paused_at)
	WHERE finished_at = 0 AND received_at > 0;
