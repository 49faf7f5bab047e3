-- 001_init.sql - the first schema of motcua on SQLite.
--
-- Identifiers that may be absent (a unit's parent, a dossier's handler) are
-- NULL rather than 0 so that foreign keys hold; the store maps 0 <-> NULL.
-- Tables that grow with use carry province_code, the key by which the data
-- can later be distributed across nodes.

-- Units form a tree. path holds the ids from the root down ("/1/5/23/") so a
-- subtree is one range scan on the path index.
CREATE TABLE unit (
	id INTEGER PRIMARY KEY,
	parent_id INTEGER REFERENCES unit(id),
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	level TEXT NOT NULL,
	province_code TEXT NOT NULL DEFAULT '',
	office_hours TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	path TEXT NOT NULL DEFAULT ''
);
CREATE INDEX unit_parent ON unit(parent_id);
CREATE INDEX unit_path ON unit(path);

CREATE TABLE app_user (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	full_name TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	id_number TEXT NOT NULL DEFAULT '',
	role INTEGER NOT NULL,
	unit_id INTEGER REFERENCES unit(id),
	active INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL
);
CREATE INDEX app_user_unit ON app_user(unit_id);

-- Keyed by the SHA-256 of the token, so a copy of the database lets no one in.
CREATE TABLE session (
	token_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX session_expires ON session(expires_at);
CREATE INDEX session_user ON session(user_id);

-- Procedures (thủ tục hành chính) as in the national database. The *_folded
-- columns hold the text with diacritics off (mc_text_fold) for search.
CREATE TABLE procedure (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	field TEXT NOT NULL DEFAULT '',
	levels TEXT NOT NULL DEFAULT '',
	unit_id INTEGER REFERENCES unit(id),
	duration_hours INTEGER NOT NULL DEFAULT 0,
	online_duration_hours INTEGER NOT NULL DEFAULT 0,
	cutoff_min INTEGER NOT NULL DEFAULT -1,
	restart_on_supplement INTEGER NOT NULL DEFAULT 0,
	online_level INTEGER NOT NULL DEFAULT 2,
	status TEXT NOT NULL DEFAULT 'active',
	target TEXT NOT NULL DEFAULT '',
	result TEXT NOT NULL DEFAULT '',
	legal_basis TEXT NOT NULL DEFAULT '',
	place TEXT NOT NULL DEFAULT '',
	name_folded TEXT NOT NULL DEFAULT '',
	code_folded TEXT NOT NULL DEFAULT '',
	field_folded TEXT NOT NULL DEFAULT ''
);
CREATE INDEX procedure_field ON procedure(field, name);
CREATE INDEX procedure_unit ON procedure(unit_id);

-- Full-text index over the folded columns, kept in step by the triggers below
-- (external content: the text lives once, in procedure).
CREATE VIRTUAL TABLE procedure_fts USING fts5(
	name_folded, code_folded, field_folded,
	content='procedure', content_rowid='id',
	tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');

CREATE TRIGGER procedure_fts_ai AFTER INSERT ON procedure BEGIN
	INSERT INTO procedure_fts(rowid, name_folded, code_folded, field_folded)
	VALUES (new.id, new.name_folded, new.code_folded, new.field_folded);
END;
CREATE TRIGGER procedure_fts_ad AFTER DELETE ON procedure BEGIN
	INSERT INTO procedure_fts(procedure_fts, rowid, name_folded, code_folded, field_folded)
	VALUES ('delete', old.id, old.name_folded, old.code_folded, old.field_folded);
END;
CREATE TRIGGER procedure_fts_au AFTER UPDATE OF name_folded, code_folded, field_folded ON procedure BEGIN
	INSERT INTO procedure_fts(procedure_fts, rowid, name_folded, code_folded, field_folded)
	VALUES ('delete', old.id, old.name_folded, old.code_folded, old.field_folded);
	INSERT INTO procedure_fts(rowid, name_folded, code_folded, field_folded)
	VALUES (new.id, new.name_folded, new.code_folded, new.field_folded);
END;

-- The parts of a procedure keep the order they were given in (ord).
CREATE TABLE procedure_step (
	procedure_id INTEGER NOT NULL REFERENCES procedure(id) ON DELETE CASCADE,
	ord INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	name TEXT NOT NULL,
	role TEXT NOT NULL DEFAULT '',
	unit_level TEXT NOT NULL DEFAULT '',
	hours INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (procedure_id, ord)
) WITHOUT ROWID;

CREATE TABLE procedure_document (
	procedure_id INTEGER NOT NULL REFERENCES procedure(id) ON DELETE CASCADE,
	ord INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	name TEXT NOT NULL,
	originals INTEGER NOT NULL DEFAULT 0,
	copies INTEGER NOT NULL DEFAULT 0,
	form TEXT NOT NULL DEFAULT '',
	required INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (procedure_id, ord)
) WITHOUT ROWID;

CREATE TABLE procedure_fee (
	procedure_id INTEGER NOT NULL REFERENCES procedure(id) ON DELETE CASCADE,
	ord INTEGER NOT NULL,
	code TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL DEFAULT '',
	amount INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (procedure_id, ord)
) WITHOUT ROWID;

CREATE TABLE procedure_publication (
	procedure_id INTEGER NOT NULL REFERENCES procedure(id) ON DELETE CASCADE,
	ord INTEGER NOT NULL,
	kind TEXT NOT NULL,
	decision TEXT NOT NULL DEFAULT '',
	day INTEGER NOT NULL,
	PRIMARY KEY (procedure_id, ord)
) WITHOUT ROWID;

-- Attachments are content-addressed files under "<db>.files/"; this table
-- records which exist and what they are.
CREATE TABLE attachment (
	sha256 TEXT PRIMARY KEY,
	size INTEGER NOT NULL,
	mime TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE dossier (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	province_code TEXT NOT NULL DEFAULT '',
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	receiving_unit_id INTEGER REFERENCES unit(id),
	current_unit_id INTEGER REFERENCES unit(id),
	handler_id INTEGER REFERENCES app_user(id),
	step INTEGER NOT NULL DEFAULT 0,
	channel INTEGER NOT NULL,
	state INTEGER NOT NULL,
	resume_state INTEGER NOT NULL DEFAULT 0,
	outcome INTEGER NOT NULL DEFAULT 0,
	applicant_name TEXT NOT NULL DEFAULT '',
	applicant_name_folded TEXT NOT NULL DEFAULT '',
	applicant_id_number TEXT NOT NULL DEFAULT '',
	applicant_phone TEXT NOT NULL DEFAULT '',
	applicant_email TEXT NOT NULL DEFAULT '',
	applicant_address TEXT NOT NULL DEFAULT '',
	owner_id INTEGER REFERENCES app_user(id),
	duration_hours INTEGER NOT NULL DEFAULT 0,
	submitted_at INTEGER NOT NULL DEFAULT 0,
	received_at INTEGER NOT NULL DEFAULT 0,
	due_at INTEGER NOT NULL DEFAULT 0,
	paused_at INTEGER NOT NULL DEFAULT 0,
	finished_at INTEGER NOT NULL DEFAULT 0,
	returned_at INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	note TEXT NOT NULL DEFAULT ''
);
-- The work queue: a unit's dossiers in a state, most urgent first.
CREATE INDEX dossier_current ON dossier(current_unit_id, state, due_at);
CREATE INDEX dossier_receiving ON dossier(receiving_unit_id, state, due_at);
CREATE INDEX dossier_state_due ON dossier(state, due_at);
CREATE INDEX dossier_owner ON dossier(owner_id, received_at);
CREATE INDEX dossier_handler ON dossier(handler_id, state);
CREATE INDEX dossier_id_number ON dossier(applicant_id_number);
CREATE INDEX dossier_received ON dossier(received_at);
CREATE INDEX dossier_procedure ON dossier(procedure_id);
CREATE INDEX dossier_province ON dossier(province_code, received_at);

CREATE TABLE dossier_document (
	dossier_id INTEGER NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
	ord INTEGER NOT NULL,
	province_code TEXT NOT NULL DEFAULT '',
	seq INTEGER NOT NULL,
	name TEXT NOT NULL,
	originals INTEGER NOT NULL DEFAULT 0,
	copies INTEGER NOT NULL DEFAULT 0,
	sha256 TEXT REFERENCES attachment(sha256),
	filename TEXT NOT NULL DEFAULT '',
	mime TEXT NOT NULL DEFAULT '',
	size INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (dossier_id, ord)
) WITHOUT ROWID;
CREATE INDEX dossier_document_sha256 ON dossier_document(sha256);

-- The last sequence number given out per unit and local day, for dossier
-- codes; a row only ever grows, so a number is never handed out twice.
CREATE TABLE dossier_seq (
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	day INTEGER NOT NULL,
	province_code TEXT NOT NULL DEFAULT '',
	last INTEGER NOT NULL,
	PRIMARY KEY (unit_id, day)
) WITHOUT ROWID;

-- Every change to a dossier. Append-only: the triggers refuse any update or
-- delete, so the history the statistics are derived from cannot be rewritten.
CREATE TABLE event (
	id INTEGER PRIMARY KEY,
	dossier_id INTEGER NOT NULL REFERENCES dossier(id),
	province_code TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL,
	actor_id INTEGER REFERENCES app_user(id),
	actor_name TEXT NOT NULL DEFAULT '',
	unit_id INTEGER REFERENCES unit(id),
	action TEXT NOT NULL,
	from_state INTEGER NOT NULL DEFAULT 0,
	to_state INTEGER NOT NULL,
	step INTEGER NOT NULL DEFAULT 0,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX event_dossier ON event(dossier_id, at, id);
CREATE INDEX event_at ON event(at);
CREATE INDEX event_unit ON event(unit_id, at);

CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;

-- Each year's official schedule of days off and make-up working days, as the
-- Government's notice sets it; a year without a row follows the Labour Code.
CREATE TABLE calendar_year (
	year INTEGER PRIMARY KEY,
	source TEXT NOT NULL DEFAULT ''
);

CREATE TABLE calendar_day (
	year INTEGER NOT NULL REFERENCES calendar_year(year) ON DELETE CASCADE,
	day INTEGER NOT NULL,
	kind INTEGER NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (year, day)
) WITHOUT ROWID;
