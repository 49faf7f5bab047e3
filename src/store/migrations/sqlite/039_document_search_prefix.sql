-- 039_document_search_prefix.sql - the registers' word index of 028 rebuilt
-- to answer a common word in a few milliseconds at any scope
-- (docs/performance.md, "Document search"). What a search finds is
-- unchanged.
--
-- A prefix index for every length up to 7 characters (028 had 1 to 3). Every
-- searched word is a prefix (store_document.c). FTS5 answers a prefix whose
-- length has its own index by reading one entry, newest first and stopping
-- at the page; any other prefix makes it merge the doclists of every term
-- the prefix starts before the first row (`giao`, in 160,000 of the bench's
-- 1,000,000 documents: 26-41 ms against under 1 ms). A folded Vietnamese
-- syllable has at most 7 letters (`nghieng`), so every whole word people
-- type is covered; a longer token (a number, a foreign word) still works the
-- old way.
--
-- The document's unit and drafting unit as tokens ("u" and the id) in a
-- second column, search_units, so that a unit's scope is asked of the index
-- with the words: a common word in one commune is then the intersection of
-- two lists rather than every match of the word looked up in document. The
-- words are matched in search_folded only (the store's query names the
-- column). Ids, not unit paths: a unit moved in the tree keeps its id, and
-- the scope's ids are read from unit at each search.
ALTER TABLE document ADD COLUMN search_units TEXT GENERATED ALWAYS AS
	('u' || unit_id || ' u' || coalesce(drafting_unit_id, unit_id)) VIRTUAL;
DROP TABLE document_fts;
CREATE VIRTUAL TABLE document_fts USING fts5(
	search_folded, search_units,
	content='document', content_rowid='id',
	tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4 5 6 7');
INSERT INTO document_fts(document_fts) VALUES ('rebuild');

DROP TRIGGER document_fts_ai;
DROP TRIGGER document_fts_ad;
DROP TRIGGER document_fts_au;
CREATE TRIGGER document_fts_ai AFTER INSERT ON document BEGIN
	INSERT INTO document_fts(rowid, search_folded, search_units)
	VALUES (new.id, new.search_folded, new.search_units);
END;
CREATE TRIGGER document_fts_ad AFTER DELETE ON document BEGIN
	INSERT INTO document_fts(document_fts, rowid, search_folded, search_units)
	VALUES ('delete', old.id, old.search_folded, old.search_units);
END;
CREATE TRIGGER document_fts_au AFTER UPDATE OF search_folded, unit_id, drafting_unit_id ON document BEGIN
	INSERT INTO document_fts(document_fts, rowid, search_folded, search_units)
	VALUES ('delete', old.id, old.search_folded, old.search_units);
	INSERT INTO document_fts(rowid, search_folded, search_units)
	VALUES (new.id, new.search_folded, new.search_units);
END;
