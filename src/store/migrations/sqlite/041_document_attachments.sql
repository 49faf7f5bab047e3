-- 041_document_attachments.sql - the attachments of an official document
-- (phụ lục, văn bản kèm theo; docs/documents.md §3c).
--
-- document_attachment: each PDF the drafter attaches to a draft (number 1,
-- 2, … per document, sealed = 0) and, at issue, each one sealed by the
-- organisation at the top right of its first page (NĐ 30 Phụ lục I), kept
-- as a row of its own with the same number (sealed = 1). Files in the
-- content-addressed file store (attachment, by SHA-256). Kept for good: no
-- row is changed or removed, so an issued attachment is immutable.
CREATE TABLE document_attachment (
	id INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL REFERENCES document(id),
	number INTEGER NOT NULL,
	sealed INTEGER NOT NULL DEFAULT 0,
	filename TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	uploaded_by INTEGER REFERENCES app_user(id), -- NULL: received from a peer (edXML)
	created_at INTEGER NOT NULL,
	UNIQUE (document_id, number, sealed)
);
CREATE TRIGGER document_attachment_no_update BEFORE UPDATE ON document_attachment BEGIN
	SELECT RAISE(ABORT, 'document attachments are kept as stored');
END;
CREATE TRIGGER document_attachment_no_delete BEFORE DELETE ON document_attachment BEGIN
	SELECT RAISE(ABORT, 'document attachments are kept as stored');
END;
