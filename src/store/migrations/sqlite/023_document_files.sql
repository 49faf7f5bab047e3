-- 023_document_files.sql - the PDF of an official document (docs/documents.md):
-- the file motcua rendered and signed when the document was issued, or the
-- one the signer's device signed, in the content-addressed file store
-- (attachment files, by SHA-256). One row per document, replaced as the
-- file gains signatures.
CREATE TABLE document_file (
	document_id INTEGER PRIMARY KEY REFERENCES document(id),
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	signatures INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
