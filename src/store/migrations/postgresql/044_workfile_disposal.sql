-- 044_workfile_disposal.sql - the end of a work file's retention and its
-- disposal, as migrations/sqlite/044_workfile_disposal.sql.
ALTER TABLE workfile ADD COLUMN expires_at bigint NOT NULL DEFAULT 0;
ALTER TABLE workfile ADD COLUMN disposal integer NOT NULL DEFAULT 0 CHECK (disposal BETWEEN 0 AND 2);
ALTER TABLE workfile ADD COLUMN proposed_at bigint NOT NULL DEFAULT 0;
ALTER TABLE workfile ADD COLUMN proposed_by bigint REFERENCES app_user(id);
ALTER TABLE workfile ADD COLUMN decision TEXT NOT NULL DEFAULT '';
ALTER TABLE workfile ADD COLUMN decision_date bigint NOT NULL DEFAULT 0;
ALTER TABLE workfile ADD COLUMN disposed_at bigint NOT NULL DEFAULT 0;
ALTER TABLE workfile ADD COLUMN disposed_by bigint REFERENCES app_user(id);
UPDATE workfile SET expires_at =
	extract(epoch FROM make_date(extract(year FROM to_timestamp(closed_at + 25200) AT TIME ZONE 'UTC')::integer
		+ retention_years + 1, 1, 1)::timestamp)::bigint - 25200
	WHERE closed_at > 0 AND retention_years > 0;
CREATE INDEX workfile_expires ON workfile(unit_id, expires_at) WHERE expires_at > 0;
