-- 028_document_search.sql - the registers searched by word, not by scanning
-- every row: an FTS5 index over document.search_folded (number and notation,
-- subject, sender, folded by the store), kept in step by triggers (external
-- content: the text lives once, in document). PostgreSQL's is a tsvector
-- (migrations/postgresql/028_document_search.sql).
CREATE VIRTUAL TABLE document_fts USING fts5(
	search_folded,
	content='document', content_rowid='id',
	tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
INSERT INTO document_fts(document_fts) VALUES ('rebuild');

CREATE TRIGGER document_fts_ai AFTER INSERT ON document BEGIN
	INSERT INTO document_fts(rowid, search_folded) VALUES (new.id, new.search_folded);
END;
CREATE TRIGGER document_fts_ad AFTER DELETE ON document BEGIN
	INSERT INTO document_fts(document_fts, rowid, search_folded)
	VALUES ('delete', old.id, old.search_folded);
END;
CREATE TRIGGER document_fts_au AFTER UPDATE OF search_folded ON document BEGIN
	INSERT INTO document_fts(document_fts, rowid, search_folded)
	VALUES ('delete', old.id, old.search_folded);
	INSERT INTO document_fts(rowid, search_folded) VALUES (new.id, new.search_folded);
END;
