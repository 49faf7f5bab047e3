-- 003_stats.sql - indexes for the dossier statistics (docs/statistics.md).
--
-- The figures of a unit and period read, for each unit of the subtree, the
-- dossiers it received before the end of the period; this index holds every
-- column the counting needs, so the scan never touches the table rows.
CREATE INDEX dossier_stats ON dossier(receiving_unit_id, received_at, finished_at, state, channel, due_at,
	paused_at, procedure_id);

-- "Supplement requested in the period" is read from the event log: the
-- requests of a period are one range of this index.
CREATE INDEX event_action_at ON event(action, at, dossier_id);
