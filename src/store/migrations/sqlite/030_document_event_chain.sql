-- 030_document_event_chain.sql - the official documents' events hash-chained
-- as the dossiers' are (core/audit.h): each row carries a SHA-256 over its
-- fields and its document's previous event's hash, which `motcua audit verify`
-- recomputes. Rows written before this migration keep hash '' and are not
-- chained; document_event_chain remembers where the chain starts, so that a
-- later row with its hash blanked is not taken for an old one.
ALTER TABLE document_event ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE document_event_chain (chained_from INTEGER NOT NULL);
INSERT INTO document_event_chain (chained_from) SELECT coalesce(max(id), 0) + 1 FROM document_event;
CREATE TRIGGER document_event_chain_no_update BEFORE UPDATE ON document_event_chain BEGIN
	SELECT RAISE(ABORT, 'the start of the chain is fixed');
END;
CREATE TRIGGER document_event_chain_no_delete BEFORE DELETE ON document_event_chain BEGIN
	SELECT RAISE(ABORT, 'the start of the chain is fixed');
END;
