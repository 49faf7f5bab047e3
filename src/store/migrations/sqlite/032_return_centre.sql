-- 032_return_centre.sql - the centre the applicant chose to hand back the
-- result of a dossier received regardless of administrative boundary (issue
-- 13, Nghị định 118/2025/NĐ-CP; docs/province-2026.md §2). NULL: the
-- competent unit's own desk returns it.
ALTER TABLE dossier ADD COLUMN return_unit_id INTEGER REFERENCES unit(id);
