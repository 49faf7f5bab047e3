-- The tamper-evident log (core/audit.h): each event's SHA-256 over its fields
-- and the hash of its dossier's previous event. Events written before this
-- migration keep an empty hash and start no chain; verification reports them.
ALTER TABLE event ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE INDEX event_chain ON event(dossier_id, id);
