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

-- Signing on the signer's own device (two steps): the file prepared with an
-- empty signature (in the file store), the CMS waiting for the device's
-- signature value, the certificate it was prepared for and the document's
-- version then (a document changed since cannot take it). One per document;
-- a new preparation replaces it, the completed signature removes it.
CREATE TABLE document_sign_request (
	document_id INTEGER PRIMARY KEY REFERENCES document(id),
	user_id INTEGER NOT NULL REFERENCES app_user(id),
	version INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	cms TEXT NOT NULL,
	certificate TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
