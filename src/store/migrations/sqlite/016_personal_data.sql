-- Personal data (Nghị định 13/2023/NĐ-CP; docs/operations.md, "Personal data").
--
-- 1. Events of hash version 2 (core/audit.h) chain a personal-data hash, over
--    a random salt, the actor's name and the note, in place of those texts,
--    so that pseudonymisation may replace the texts (and forget the salt)
--    while every link still verifies. Events written before this migration
--    keep version 1 and their formula; their texts are never changed.
ALTER TABLE event ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE event ADD COLUMN personal_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE event ADD COLUMN personal_salt TEXT NOT NULL DEFAULT '';
ALTER TABLE event ADD COLUMN pseudonymised_at INTEGER NOT NULL DEFAULT 0;

-- Events stay append-only, with one exception: a version 2 event not yet
-- pseudonymised may have its actor's name replaced by the pseudonym, its note
-- and salt emptied and its time of pseudonymisation set, nothing else. So an
-- edit can only erase, never rewrite, what the personal hash covers; the
-- verifier checks that a pseudonymised event holds exactly those values.
DROP TRIGGER event_no_update;
CREATE TRIGGER event_no_update BEFORE UPDATE ON event
WHEN NOT (OLD.hash_version = 2 AND OLD.pseudonymised_at = 0 AND NEW.pseudonymised_at > 0
	AND NEW.actor_name = '(ẩn danh)' AND NEW.note = '' AND NEW.personal_salt = ''
	AND NEW.id = OLD.id AND NEW.dossier_id = OLD.dossier_id AND NEW.province_code = OLD.province_code
	AND NEW.at = OLD.at AND NEW.actor_id IS OLD.actor_id AND NEW.unit_id IS OLD.unit_id
	AND NEW.action = OLD.action AND NEW.from_state = OLD.from_state AND NEW.to_state = OLD.to_state
	AND NEW.step = OLD.step AND NEW.hash = OLD.hash AND NEW.hash_version = OLD.hash_version
	AND NEW.personal_hash = OLD.personal_hash)
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;

-- 2. When a dossier's personal fields were pseudonymised (0: never), and when
--    a citizen account was erased at its owner's request (0: never).
ALTER TABLE dossier ADD COLUMN pseudonymised_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX dossier_finished ON dossier(finished_at) WHERE pseudonymised_at = 0;
ALTER TABLE app_user ADD COLUMN erased_at INTEGER NOT NULL DEFAULT 0;

-- 3. Every read of personal data by an officer: who (reader, their role and
--    unit), when, which dossier (NULL for an export of a citizen) and whose
--    (the citizen account, NULL when none), the dossier's units at the time
--    (the administrators' scope) and what was read through which route.
CREATE TABLE personal_read (
	id INTEGER PRIMARY KEY,
	province_code TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL,
	reader_id INTEGER NOT NULL,
	reader_role INTEGER NOT NULL,
	reader_unit_id INTEGER,
	dossier_id INTEGER,
	subject_id INTEGER,
	unit_id INTEGER,
	receiving_unit_id INTEGER,
	what TEXT NOT NULL,
	route TEXT NOT NULL
);
CREATE INDEX personal_read_at ON personal_read(at);
CREATE INDEX personal_read_dossier ON personal_read(dossier_id, at);
CREATE INDEX personal_read_subject ON personal_read(subject_id, at);
