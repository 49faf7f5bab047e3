-- 023_document_files.sql - the PDF of an official document, as
-- migrations/sqlite/023_document_files.sql.
CREATE TABLE document_file (
	document_id bigint PRIMARY KEY REFERENCES document(id),
	sha256 text COLLATE "C" NOT NULL,
	size bigint NOT NULL,
	signatures integer NOT NULL DEFAULT 0,
	created_at bigint NOT NULL
);

CREATE TABLE document_sign_request (
	document_id bigint PRIMARY KEY REFERENCES document(id),
	user_id bigint NOT NULL REFERENCES app_user(id),
	version bigint NOT NULL,
	sha256 text COLLATE "C" NOT NULL,
	size bigint NOT NULL,
	cms text COLLATE "C" NOT NULL,
	certificate text COLLATE "C" NOT NULL,
	created_at bigint NOT NULL
);
