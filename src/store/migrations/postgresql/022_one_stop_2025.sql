-- 022_one_stop_2025.sql - the one-stop rules of today, as
-- migrations/sqlite/022_one_stop_2025.sql.
ALTER TABLE procedure ADD COLUMN anywhere boolean NOT NULL DEFAULT false;
ALTER TABLE dossier ADD COLUMN reception_unit_id bigint REFERENCES unit(id);
CREATE INDEX dossier_reception ON dossier(reception_unit_id, received_at)
	WHERE reception_unit_id IS NOT NULL;

ALTER TABLE procedure ADD COLUMN online_class text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE procedure ADD COLUMN online_class_since integer NOT NULL DEFAULT 0;

-- The statistics roll-up by procedure, as migrations/sqlite/022.
CREATE TABLE stats_rollup_proc (
	unit_id bigint NOT NULL,
	grain integer NOT NULL,
	period integer NOT NULL,
	procedure_id bigint NOT NULL,
	aux integer NOT NULL DEFAULT 0,
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
	PRIMARY KEY (unit_id, grain, period, procedure_id, aux)
);
UPDATE stats_rollup_state SET built = false;
