-- 030_document_event_chain.sql - the official documents' events hash-chained
-- as the dossiers' are (core/audit.h; migrations/sqlite/030_document_event_chain.sql).
-- Rows written before this migration keep hash '' and are not chained;
-- document_event_chain remembers where the chain starts.
ALTER TABLE document_event ADD COLUMN hash text COLLATE "C" NOT NULL DEFAULT '';
CREATE TABLE document_event_chain (chained_from bigint NOT NULL);
INSERT INTO document_event_chain (chained_from) SELECT coalesce(max(id), 0) + 1 FROM document_event;
CREATE TRIGGER document_event_chain_no_update BEFORE UPDATE OR DELETE ON document_event_chain
	FOR EACH ROW EXECUTE FUNCTION event_append_only();
