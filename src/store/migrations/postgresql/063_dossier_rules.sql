-- 063_dossier_rules.sql - the rules of its procedure a dossier is filed
-- under, kept with it: the cut-off of the day of reception (-1 none) and
-- whether a supplement restarts the whole period. The reception, a
-- supplement and the recomputation after a calendar edit read them from the
-- dossier, so an administrator's later edit of the procedure applies to
-- dossiers filed after it only. Dossiers filed before take the procedure's
-- rules as they are now, the only ones known.
ALTER TABLE dossier ADD COLUMN cutoff_min integer NOT NULL DEFAULT -1;
ALTER TABLE dossier ADD COLUMN restart_on_supplement boolean NOT NULL DEFAULT false;
UPDATE dossier SET cutoff_min = (SELECT p.cutoff_min FROM procedure p WHERE p.id = dossier.procedure_id),
	restart_on_supplement = (SELECT p.restart_on_supplement FROM procedure p WHERE p.id = dossier.procedure_id);
