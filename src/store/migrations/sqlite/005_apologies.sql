-- 005_apologies.sql - public apologies for late dossiers (QĐ 876/2017 of the
-- province; form 04 of Thông tư 01/2018/TT-VPCP) and the public registers.
--
-- An apology is prepared by an officer (issued_at = 0) and issued by a leader:
-- then the dossier's due time moves to new_due (an "apology" event) and the
-- apology appears in the public register. unit_id is the unit that apologises:
-- the one holding the dossier when the apology was prepared.
CREATE TABLE apology (
	id INTEGER PRIMARY KEY,
	province_code TEXT NOT NULL DEFAULT '',
	dossier_id INTEGER NOT NULL REFERENCES dossier(id),
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	reason TEXT NOT NULL,
	old_due INTEGER NOT NULL,
	new_due INTEGER NOT NULL CHECK (new_due > old_due),
	prepared_by INTEGER REFERENCES app_user(id),
	prepared_by_name TEXT NOT NULL DEFAULT '',
	prepared_at INTEGER NOT NULL,
	issued_by INTEGER REFERENCES app_user(id),
	issued_by_name TEXT NOT NULL DEFAULT '',
	issued_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX apology_dossier ON apology(dossier_id, id);
-- The register and the statistics read the issued apologies of a period.
CREATE INDEX apology_issued ON apology(issued_at, unit_id) WHERE issued_at > 0;

-- The due time the law set, kept when an apology moves due_at to the new
-- appointment: lateness is still judged against it (docs/statistics.md). 0
-- while no apology was issued (then due_at is that time).
ALTER TABLE dossier ADD COLUMN statutory_due_at INTEGER NOT NULL DEFAULT 0;

-- The statistics' covering index gains the column, so the scan still never
-- reads the table rows.
DROP INDEX dossier_stats;
CREATE INDEX dossier_stats ON dossier(receiving_unit_id, received_at, finished_at, state, channel, due_at,
	paused_at, procedure_id, statutory_due_at);
