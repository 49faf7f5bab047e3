-- 008_event_chain.sql - the tamper-evident log (core/audit.h), as
-- migrations/sqlite/008_event_chain.sql.
ALTER TABLE event ADD COLUMN hash text COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX event_chain ON event(dossier_id, id);
