-- 018_documents.sql - official documents (văn bản): registers, numbering,
-- drafting and approval, issue and arrival (Nghị định 30/2020/NĐ-CP;
-- docs/documents.md).
--
-- A register (sổ đăng ký) belongs to one issuing body and box: outgoing
-- (văn bản đi, box 1) or incoming (văn bản đến, box 2). Its numbers run from
-- 01 each year per series (art. 16: general, secret, each normative kind;
-- art. 22: incoming) in doc_counter, taken in the transaction that gives the
-- number: a job that is undone gives its number back with its document, so
-- numbers are neither skipped nor given twice.
CREATE TABLE doc_register (
	id INTEGER PRIMARY KEY,
	province_code TEXT NOT NULL DEFAULT '',
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	box INTEGER NOT NULL CHECK (box IN (1, 2)),
	name TEXT NOT NULL,
	organ_abbr TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (unit_id, box)
);

CREATE TABLE doc_counter (
	register_id INTEGER NOT NULL REFERENCES doc_register(id),
	year INTEGER NOT NULL,
	series TEXT NOT NULL,
	last INTEGER NOT NULL CHECK (last > 0),
	PRIMARY KEY (register_id, year, series)
);

-- unit_id is the issuing body (outgoing) or the receiving one (incoming);
-- number and notation are 0 and '' until the clerk issues or registers it.
-- For an incoming document notation is the sender's ("345/UBND-VP") and
-- number the số đến.
CREATE TABLE document (
	id INTEGER PRIMARY KEY,
	province_code TEXT NOT NULL DEFAULT '',
	box INTEGER NOT NULL CHECK (box IN (1, 2)),
	register_id INTEGER NOT NULL REFERENCES doc_register(id),
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	drafting_unit_id INTEGER REFERENCES unit(id),
	state INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	type TEXT NOT NULL,
	normative INTEGER NOT NULL DEFAULT 0,
	urgency INTEGER NOT NULL DEFAULT 0,
	secrecy INTEGER NOT NULL DEFAULT 0,
	subject TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	drafting_abbr TEXT NOT NULL DEFAULT '',
	place TEXT NOT NULL DEFAULT '',
	signer_position TEXT NOT NULL DEFAULT '',
	signer_name TEXT NOT NULL DEFAULT '',
	recipients TEXT NOT NULL DEFAULT '',
	recipient_units TEXT NOT NULL DEFAULT '',
	year INTEGER NOT NULL DEFAULT 0,
	series TEXT NOT NULL DEFAULT '',
	number INTEGER NOT NULL DEFAULT 0,
	notation TEXT NOT NULL DEFAULT '',
	organ_name TEXT NOT NULL DEFAULT '',
	issued_at INTEGER NOT NULL DEFAULT 0,
	received_at INTEGER NOT NULL DEFAULT 0,
	source_id INTEGER REFERENCES document(id),
	assigned_unit_id INTEGER REFERENCES unit(id),
	assignee_id INTEGER REFERENCES app_user(id),
	deadline INTEGER NOT NULL DEFAULT 0,
	direction TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	search_folded TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES app_user(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
-- One number per series and year of a register (art. 16, 22) ...
CREATE UNIQUE INDEX document_number ON document(register_id, year, series, number) WHERE number > 0;
-- ... and one number and notation per body and year (art. 16.1); secret
-- documents, numbered apart (art. 16.2), are unique within their series.
CREATE UNIQUE INDEX document_notation ON document(register_id, year, notation)
	WHERE box = 1 AND number > 0 AND secrecy = 0;
CREATE INDEX document_unit ON document(unit_id, box, id);
CREATE INDEX document_drafting ON document(drafting_unit_id, id);
CREATE INDEX document_register ON document(register_id, year, number);

-- Every step of a document, append-only as the dossiers' events.
CREATE TABLE document_event (
	id INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL REFERENCES document(id),
	at INTEGER NOT NULL,
	user_id INTEGER REFERENCES app_user(id),
	user_name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL DEFAULT '',
	unit_id INTEGER REFERENCES unit(id),
	action TEXT NOT NULL,
	from_state INTEGER NOT NULL DEFAULT 0,
	to_state INTEGER NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX document_event_doc ON document_event(document_id, id);
CREATE TRIGGER document_event_no_update BEFORE UPDATE ON document_event BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER document_event_no_delete BEFORE DELETE ON document_event BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
