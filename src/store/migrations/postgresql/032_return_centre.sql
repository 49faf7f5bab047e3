-- 032_return_centre.sql - the centre chosen to hand back the result, as
-- migrations/sqlite/032_return_centre.sql.
ALTER TABLE dossier ADD COLUMN return_unit_id bigint REFERENCES unit(id);
