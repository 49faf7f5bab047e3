-- 044_workfile_disposal.sql - the end of a work file's retention and its
-- disposal (docs/documents.md §12). expires_at is the moment its retention
-- ends (core/workfile.h mc_wf_retention_end; 0: vĩnh viễn, or not closed),
-- set when the file is closed; disposal says where the file stands after the
-- archive: 1 on the unit's disposal list (proposed), 2 disposed of on the
-- head's decision (its number and date kept). The files' state stays 1..4 in
-- `state` because SQLite cannot widen 040's CHECK without rebuilding a table
-- workfile_doc refers to; the store reads and writes the two as one state.
ALTER TABLE workfile ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workfile ADD COLUMN disposal INTEGER NOT NULL DEFAULT 0 CHECK (disposal BETWEEN 0 AND 2);
ALTER TABLE workfile ADD COLUMN proposed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workfile ADD COLUMN proposed_by INTEGER REFERENCES app_user(id);
ALTER TABLE workfile ADD COLUMN decision TEXT NOT NULL DEFAULT '';
ALTER TABLE workfile ADD COLUMN decision_date INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workfile ADD COLUMN disposed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workfile ADD COLUMN disposed_by INTEGER REFERENCES app_user(id);
-- Files closed before this migration: the same rule as the core's, the year
-- the work ended taken in Vietnam's time (UTC+7).
UPDATE workfile SET expires_at =
	CAST(strftime('%s', printf('%04d-01-01',
		CAST(strftime('%Y', closed_at + 25200, 'unixepoch') AS INTEGER) + retention_years + 1)) AS INTEGER) - 25200
	WHERE closed_at > 0 AND retention_years > 0;
CREATE INDEX workfile_expires ON workfile(unit_id, expires_at) WHERE expires_at > 0;
