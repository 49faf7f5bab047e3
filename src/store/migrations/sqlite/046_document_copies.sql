-- 046_document_copies.sql - the copies of an outgoing document delivered
-- inside the deployment (document.source_id), found by their source when
-- the sender recalls it (NĐ 30/2020 art. 18; docs/documents.md §9).
CREATE INDEX document_source ON document(source_id) WHERE source_id IS NOT NULL;
