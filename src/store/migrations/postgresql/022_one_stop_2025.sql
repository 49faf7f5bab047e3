-- 022_one_stop_2025.sql - the one-stop rules of today, as
-- migrations/sqlite/022_one_stop_2025.sql.
ALTER TABLE procedure ADD COLUMN anywhere boolean NOT NULL DEFAULT false;
ALTER TABLE dossier ADD COLUMN reception_unit_id bigint REFERENCES unit(id);
CREATE INDEX dossier_reception ON dossier(reception_unit_id, received_at)
	WHERE reception_unit_id IS NOT NULL;

ALTER TABLE procedure ADD COLUMN online_class text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE procedure ADD COLUMN online_class_since integer NOT NULL DEFAULT 0;
