-- 010_stats_rollup.sql - the statistics roll-up (src/core/rollup.h,
-- docs/statistics.md §5): per receiving unit, the counters each local day
-- (grain 0, period = days since 1970-01-01) and month (grain 1, period =
-- year * 12 + month - 1) add, and the later supplement requests (grain 2,
-- aux = the day of the dossier's previous request). Kept by the store in the
-- transaction of every write that changes a figure; built from the dossiers
-- at the first start after this migration (stats_rollup_state).
CREATE TABLE stats_rollup (
	unit_id bigint NOT NULL,
	grain integer NOT NULL,
	period integer NOT NULL,
	aux integer NOT NULL DEFAULT 0,
	province_code text COLLATE "C" NOT NULL DEFAULT '',
	recv_online bigint NOT NULL DEFAULT 0,
	recv_direct bigint NOT NULL DEFAULT 0,
	recv_postal bigint NOT NULL DEFAULT 0,
	recv_total bigint NOT NULL DEFAULT 0,
	res_early bigint NOT NULL DEFAULT 0,
	res_on_time bigint NOT NULL DEFAULT 0,
	res_late bigint NOT NULL DEFAULT 0,
	withdrawn bigint NOT NULL DEFAULT 0,
	stopped bigint NOT NULL DEFAULT 0,
	not_accepted bigint NOT NULL DEFAULT 0,
	in_progress_change bigint NOT NULL DEFAULT 0,
	overdue_change bigint NOT NULL DEFAULT 0,
	supplements bigint NOT NULL DEFAULT 0,
	apologies bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, grain, period, aux)
);
CREATE TABLE stats_rollup_state (
	id integer PRIMARY KEY CHECK (id = 1),
	built boolean NOT NULL DEFAULT false
);
INSERT INTO stats_rollup_state (id, built) VALUES (1, false);

-- The open dossiers' overdue split of the current period is counted live,
-- over the open dossiers only.
CREATE INDEX dossier_open ON dossier(receiving_unit_id, due_at, statutory_due_at, paused_at)
	WHERE finished_at = 0 AND received_at > 0;
