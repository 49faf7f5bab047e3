-- 046_document_copies.sql - as migrations/sqlite/046_document_copies.sql.
CREATE INDEX document_source ON document(source_id) WHERE source_id IS NOT NULL;
