-- 022_one_stop_2025.sql - the one-stop rules of today (issue 13,
-- docs/province-2026.md).
--
-- Nghị định 118/2025/NĐ-CP (in force 1 July 2025): the desks are the public
-- administration service centres of the province and of the communes; a
-- procedure marked "tiếp nhận không phụ thuộc địa giới hành chính" is
-- received at any centre of the province and goes to its competent unit.
-- procedure.anywhere marks it (0/1). A dossier so received keeps the
-- competent unit as its receiving unit (its code, its office hours, its
-- statistics) and the centre that took it in reception_unit_id (NULL: the
-- competent unit's own desk).
ALTER TABLE procedure ADD COLUMN anywhere INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossier ADD COLUMN reception_unit_id INTEGER REFERENCES unit(id);
CREATE INDEX dossier_reception ON dossier(reception_unit_id, received_at)
	WHERE reception_unit_id IS NOT NULL;

-- Nghị định 42/2022/NĐ-CP: online public services are "toàn trình" (full)
-- or "một phần" (partial) instead of levels 2-4. online_class is the class
-- ('full', 'partial'; '' none: the procedure is not offered online) in force
-- from online_class_since (a local day, days since 1970-01-01; 0: no class
-- yet); before that day the procedure's online_level is the one in force.
ALTER TABLE procedure ADD COLUMN online_class TEXT NOT NULL DEFAULT '';
ALTER TABLE procedure ADD COLUMN online_class_since INTEGER NOT NULL DEFAULT 0;

-- The statistics roll-up by procedure (docs/statistics.md §6): the cells of
-- stats_rollup (migration 010) with the dossier's procedure in the key, so
-- that the figures by field and by procedure are sums of cells too. Kept in
-- the same transactions; built with stats_rollup at the next start (the
-- state is reset).
CREATE TABLE stats_rollup_proc (
	unit_id INTEGER NOT NULL,
	grain INTEGER NOT NULL,
	period INTEGER NOT NULL,
	procedure_id INTEGER NOT NULL,
	aux INTEGER NOT NULL DEFAULT 0,
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
	PRIMARY KEY (unit_id, grain, period, procedure_id, aux)
) WITHOUT ROWID;
UPDATE stats_rollup_state SET built = 0;
