-- 033_return_centre_list.sql - the "to return here" list of a centre the
-- applicant chose to hand back the result (032_return_centre.sql): the
-- dossiers whose return_unit_id lies in the centre's subtree, found by this
-- index rather than by a scan of every dossier (docs/province-2026.md §2).
CREATE INDEX dossier_return ON dossier(return_unit_id, received_at)
	WHERE return_unit_id IS NOT NULL;
