-- 049_file_destroyed.sql - the stored files destroyed with a disposed work
-- file (docs/documents.md §12). When the head's decision to dispose of a
-- file commits, every file of the content-addressed store (attachment, by
-- SHA-256) that only documents of disposed work files use loses its
-- attachment row and is named in file_gc for the sweep that deletes it from
-- disk; this row says which work file's disposal destroyed it and on which
-- decision, so that a download of it answers 410 content-destroyed. The
-- documents' rows (files, versions, attachments, events) stay as they are.
-- A digest recorded again later (the same bytes uploaded elsewhere) keeps
-- this row; a second destruction of it replaces the row.
CREATE TABLE file_destroyed (
	sha256 text COLLATE "C" PRIMARY KEY,
	size bigint NOT NULL,
	workfile_id bigint NOT NULL REFERENCES workfile(id),
	decision TEXT NOT NULL,
	decision_date bigint NOT NULL,
	destroyed_at bigint NOT NULL
);

-- Who else uses a digest, asked for each file of a disposed work file.
CREATE INDEX document_file_sha256 ON document_file(sha256);
CREATE INDEX document_version_sha256 ON document_version(sha256);
CREATE INDEX document_attachment_sha256 ON document_attachment(sha256);
CREATE INDEX document_sign_request_sha256 ON document_sign_request(sha256);
CREATE INDEX document_event_file_sha256 ON document_event(file_sha256) WHERE file_sha256 <> '';
CREATE INDEX workfile_doc_document ON workfile_doc(document_id);
