-- 028_document_search.sql - the registers searched by word, not by scanning
-- every row: a tsvector over document.search_folded (number and notation,
-- subject, sender, folded by the store) with a GIN index, as the procedure
-- catalogue's (001_init.sql). SQLite's is an FTS5 table
-- (migrations/sqlite/028_document_search.sql).
ALTER TABLE document ADD COLUMN search tsvector
	GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_folded)) STORED;
CREATE INDEX document_search ON document USING gin (search);
