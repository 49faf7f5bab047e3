-- 043_document_handoff.sql - an incoming document's assignment handed to
-- the tasks module (docs/documents.md §4, docs/tasks.md §2).
--
-- cooperating_units: the units that cooperate (phối hợp, art. 23), their
-- ids comma-separated in the order the leader gave them ('' = none).
-- task_id: the task the assignment created and keeps up to date (NULL =
-- not tracked); the task names the document as its source_document_id.
ALTER TABLE document ADD COLUMN cooperating_units TEXT NOT NULL DEFAULT '';
ALTER TABLE document ADD COLUMN task_id INTEGER REFERENCES task(id);
