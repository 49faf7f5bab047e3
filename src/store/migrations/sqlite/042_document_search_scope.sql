-- 042_document_search_scope.sql - every scope of the registers' search is
-- one token of the word index (docs/performance.md, "Document search").
--
-- 039 indexed a document under its own unit and drafting unit, so a scope of
-- many units (a district and its communes) was either an "or" of their
-- tokens or a walk through every match of the words, the scope checked per
-- row: a district's p99 was 91-106 ms over 1,000,000 documents. Now a
-- document is indexed under every unit on the path of its unit and of its
-- drafting unit, the units themselves included ("u" and the id, in column
-- search_scope): the scope of unit X (every unit whose path starts with X's,
-- store_document.c's LIST_COND) is exactly the documents holding token uX.
--
-- search_scope is a stored column, not a generated one: it is read from
-- unit, which a generated column cannot do, and the index's 'delete' must be
-- given exactly what was indexed. NULL until the row's insert trigger sets it
-- (the row is not in the index before). The triggers keep it in step when a
-- document's units change and when a unit's path changes (a unit is never
-- moved in place, docs/units.md: a move ends it and creates a successor,
-- whose documents are its own; the trigger is there so that the index cannot
-- go wrong if that ever changes).
DROP TRIGGER document_fts_ai;
DROP TRIGGER document_fts_ad;
DROP TRIGGER document_fts_au;
DROP TABLE document_fts;
ALTER TABLE document DROP COLUMN search_units;
ALTER TABLE document ADD COLUMN search_scope TEXT;

UPDATE document SET search_scope = coalesce((SELECT group_concat('u' || replace(trim(u.path, '/'), '/', ' u'), ' ')
	FROM unit u WHERE u.id IN (document.unit_id, document.drafting_unit_id)), '');

CREATE VIRTUAL TABLE document_fts USING fts5(
	search_folded, search_scope,
	content='document', content_rowid='id',
	tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4 5 6 7');
INSERT INTO document_fts(document_fts) VALUES ('rebuild');

-- The index follows the row: its text, its scope, its units. One trigger, so
-- that what it deletes is always what was indexed: it writes the scope read
-- from unit now into the row, then indexes the row as it stands; that write
-- does not fire it again (SQLite's recursive_triggers is off, as db_sqlite.c
-- leaves it). A new row is indexed by the first write of its scope (NULL
-- before: not in the index).
CREATE TRIGGER document_fts_ai AFTER INSERT ON document BEGIN
	UPDATE document SET search_scope = coalesce((SELECT group_concat('u' || replace(trim(u.path, '/'), '/', ' u'), ' ')
		FROM unit u WHERE u.id IN (new.unit_id, new.drafting_unit_id)), '')
	WHERE id = new.id;
END;
CREATE TRIGGER document_fts_ad AFTER DELETE ON document BEGIN
	INSERT INTO document_fts(document_fts, rowid, search_folded, search_scope)
	SELECT 'delete', old.id, old.search_folded, old.search_scope WHERE old.search_scope IS NOT NULL;
END;
CREATE TRIGGER document_fts_au AFTER UPDATE OF search_folded, search_scope, unit_id, drafting_unit_id
ON document BEGIN
	INSERT INTO document_fts(document_fts, rowid, search_folded, search_scope)
	SELECT 'delete', old.id, old.search_folded, old.search_scope WHERE old.search_scope IS NOT NULL;
	UPDATE document SET search_scope = coalesce((SELECT group_concat('u' || replace(trim(u.path, '/'), '/', ' u'), ' ')
		FROM unit u WHERE u.id IN (new.unit_id, new.drafting_unit_id)), '')
	WHERE id = new.id;
	INSERT INTO document_fts(rowid, search_folded, search_scope)
	SELECT id, search_folded, search_scope FROM document WHERE id = new.id;
END;
-- A unit whose path changes (never done in place today, see above): its
-- documents are indexed again (document_fts_au); a subtree's move changes
-- each unit's path, so each unit's documents.
CREATE TRIGGER unit_document_scope_au AFTER UPDATE OF path ON unit
WHEN old.path IS NOT NULL AND old.path IS NOT new.path BEGIN
	UPDATE document SET search_scope = NULL WHERE unit_id = new.id OR drafting_unit_id = new.id;
END;
