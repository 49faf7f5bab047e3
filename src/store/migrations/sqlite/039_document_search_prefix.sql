-- 039_document_search_prefix.sql - the registers' word index of 028 rebuilt
-- with a prefix index for every length up to 7 characters (028 had 1 to 3).
-- Every searched word is a prefix (store_document.c). FTS5 answers a prefix
-- whose length has its own index by reading one entry, newest first and
-- stopping at the page; any other prefix makes it merge the doclists of
-- every term the prefix starts before the first row (`giao` matches 160,000
-- of the bench's 1,000,000 documents: 40 ms against under 1 ms). A folded
-- Vietnamese syllable has at most 7 letters (`nghieng`), so every whole word
-- people type is covered; a longer token (rare: a number, a foreign word)
-- still works the old way. The index grows by about 8 % (docs/performance.md).
-- What a search finds is unchanged. The triggers of 028 name the table and
-- keep it in step as before.
DROP TABLE document_fts;
CREATE VIRTUAL TABLE document_fts USING fts5(
	search_folded,
	content='document', content_rowid='id',
	tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4 5 6 7');
INSERT INTO document_fts(document_fts) VALUES ('rebuild');
