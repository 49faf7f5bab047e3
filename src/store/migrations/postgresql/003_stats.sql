-- 003_stats.sql - indexes for the dossier statistics (docs/statistics.md), as
-- migrations/sqlite/003_stats.sql.
CREATE INDEX dossier_stats ON dossier(receiving_unit_id, received_at, finished_at, state, channel, due_at,
	paused_at, procedure_id);
CREATE INDEX event_action_at ON event(action, at, dossier_id);
