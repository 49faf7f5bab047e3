-- 034_document_versions.sql - drafts uploaded as files, with their versions
-- (docs/documents.md §3b), and the body in the registers' search.
--
-- document_version: each PDF or DOCX the drafter uploads is a new version of
-- the draft (1, 2, …), its file in the content-addressed file store
-- (attachment, by SHA-256). Kept for good: no version is changed or removed.
CREATE TABLE document_version (
	id INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL REFERENCES document(id),
	number INTEGER NOT NULL,
	kind TEXT NOT NULL,
	filename TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	uploaded_by INTEGER NOT NULL REFERENCES app_user(id),
	created_at INTEGER NOT NULL,
	UNIQUE (document_id, number)
);
CREATE TRIGGER document_version_no_update BEFORE UPDATE ON document_version BEGIN
	SELECT RAISE(ABORT, 'document versions are kept as uploaded');
END;
CREATE TRIGGER document_version_no_delete BEFORE DELETE ON document_version BEGIN
	SELECT RAISE(ABORT, 'document versions are kept as uploaded');
END;

-- The version an event refers to (the one uploaded, commented on, approved,
-- signed, issued) and its SHA-256; 0 and '' when the draft has none. Both
-- are in the event's hash when set (core/audit.h).
ALTER TABLE document_event ADD COLUMN file_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE document_event ADD COLUMN file_sha256 TEXT NOT NULL DEFAULT '';

-- The text of the draft's latest DOCX version, folded, for search (not the
-- PDF's: no PDF text library is linked). Appended to search_folded.
ALTER TABLE document ADD COLUMN file_folded TEXT NOT NULL DEFAULT '';

-- document.search_folded now holds the body too: the store folds it again
-- for every existing document in this migration's transaction (utf8proc
-- folding is C, not SQL: store_migrate.c), and the FTS5 triggers of 028
-- keep document_fts in step.
