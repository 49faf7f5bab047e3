-- 033_return_centre_list.sql - the "to return here" list's index, as
-- migrations/sqlite/033_return_centre_list.sql.
CREATE INDEX dossier_return ON dossier(return_unit_id, received_at)
	WHERE return_unit_id IS NOT NULL;
