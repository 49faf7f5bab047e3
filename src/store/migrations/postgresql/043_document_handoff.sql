-- 043_document_handoff.sql - as migrations/sqlite/043_document_handoff.sql.
ALTER TABLE document ADD COLUMN cooperating_units text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE document ADD COLUMN task_id bigint REFERENCES task(id);
