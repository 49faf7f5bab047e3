-- 007_reform.sql - what the semi-annual reform report reads beside the
-- dossiers, as migrations/sqlite/007_reform.sql.
ALTER TABLE unit ADD COLUMN one_stop_since integer;
ALTER TABLE unit ADD COLUMN electronic_one_stop_since integer;
CREATE INDEX procedure_publication_day ON procedure_publication(day, kind, procedure_id);
