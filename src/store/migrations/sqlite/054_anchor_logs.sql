-- 054_anchor_logs.sql - the anchors cover the official documents' and the
-- tasks' logs too (app/audit.c). Each anchor records the last event id of each
-- log it covers and a digest chained from the previous anchor's over the
-- (id, hash) of every event after the previous anchor's id up to its own: an
-- event removed below an anchor's id, a whole document or task removed with
-- its events, or a log emptied no longer match it. 0 and '': anchors made
-- before this migration, which cover the dossiers only.
ALTER TABLE audit_anchor ADD COLUMN document_events_to INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_anchor ADD COLUMN document_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_anchor ADD COLUMN task_events_to INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_anchor ADD COLUMN task_digest TEXT NOT NULL DEFAULT '';
