-- 007_reform.sql - what the semi-annual administrative-reform report reads
-- beside the dossiers (docs/statistics.md §8).
--
-- Since when a unit runs the one-stop mechanism (cơ chế một cửa, một cửa liên
-- thông) and the electronic one-stop system (hệ thống một cửa điện tử), as a
-- local day (days since 1970-01-01); NULL while it does not. A report counts,
-- per level, the units whose day is on or before the end of its period.
ALTER TABLE unit ADD COLUMN one_stop_since INTEGER;
ALTER TABLE unit ADD COLUMN electronic_one_stop_since INTEGER;

-- The publications of a period (new, modified, standardised, abolished) are
-- one range of this index.
CREATE INDEX procedure_publication_day ON procedure_publication(day, kind, procedure_id);
