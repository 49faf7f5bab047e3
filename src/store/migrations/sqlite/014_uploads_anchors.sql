-- Uploads and their owners, and the anchors of the event log.
--
-- 1. An upload belongs to the account that sent it until a dossier holds the
--    file: one row per (account, file), which the quotas count and the
--    hourly expiry removes a day later (app/upload.h). A file that no dossier
--    holds and no upload row keeps is deleted: its attachment row here, the
--    file itself by the next sweep of file_gc (the disk cannot join a
--    transaction, so the name waits there until the deletion has committed).
CREATE TABLE upload (
	id INTEGER PRIMARY KEY,
	user_id INTEGER REFERENCES app_user(id) ON DELETE CASCADE, -- NULL: uploaded before this migration
	sha256 TEXT NOT NULL REFERENCES attachment(sha256) ON DELETE CASCADE,
	size INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX upload_owner ON upload(user_id, sha256);
CREATE INDEX upload_user_time ON upload(user_id, created_at);
CREATE INDEX upload_time ON upload(created_at);
CREATE INDEX upload_sha256 ON upload(sha256);

CREATE TABLE file_gc (
	sha256 TEXT PRIMARY KEY,
	at INTEGER NOT NULL
) WITHOUT ROWID;

-- Files uploaded before this migration that no dossier holds start their day now.
INSERT INTO upload (user_id, sha256, size, created_at)
	SELECT NULL, a.sha256, a.size, a.created_at FROM attachment a
	WHERE NOT EXISTS (SELECT 1 FROM dossier_document d WHERE d.sha256 = a.sha256);

-- 2. Anchors (core/audit.h). Each dossier keeps the head of its chain and its
--    length, moved by a trigger in the transaction of every event, and the
--    anchor that last covered them (0: changed since). An anchor holds a
--    SHA-256 over the previous anchor's root and the (dossier, head, length,
--    state) of every dossier changed since, listed in audit_anchor_entry;
--    anchors and entries are append-only, like events.
ALTER TABLE dossier ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE dossier ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossier ADD COLUMN anchor_id INTEGER NOT NULL DEFAULT 0;
UPDATE dossier SET
	event_count = (SELECT count(*) FROM event e WHERE e.dossier_id = dossier.id),
	head_hash = coalesce((SELECT hash FROM event e WHERE e.dossier_id = dossier.id ORDER BY e.id DESC LIMIT 1), '');
CREATE INDEX dossier_unanchored ON dossier(id) WHERE anchor_id = 0;

CREATE TRIGGER event_moves_head AFTER INSERT ON event BEGIN
	UPDATE dossier SET head_hash = NEW.hash, event_count = event_count + 1, anchor_id = 0
	WHERE id = NEW.dossier_id;
END;

CREATE TABLE audit_anchor (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	prev_root TEXT NOT NULL,
	root TEXT NOT NULL,
	dossiers INTEGER NOT NULL,
	public_key TEXT NOT NULL DEFAULT '', -- Ed25519, hex; '' unsigned
	signature TEXT NOT NULL DEFAULT ''
);

CREATE TABLE audit_anchor_entry (
	anchor_id INTEGER NOT NULL,
	dossier_id INTEGER NOT NULL,
	province_code TEXT NOT NULL DEFAULT '',
	head_hash TEXT NOT NULL,
	event_count INTEGER NOT NULL,
	state INTEGER NOT NULL,
	PRIMARY KEY (anchor_id, dossier_id)
) WITHOUT ROWID;
CREATE INDEX audit_anchor_entry_dossier ON audit_anchor_entry(dossier_id, event_count);

CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE ON audit_anchor BEGIN
	SELECT RAISE(ABORT, 'anchors are append-only');
END;
CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor BEGIN
	SELECT RAISE(ABORT, 'anchors are append-only');
END;
CREATE TRIGGER audit_anchor_entry_no_update BEFORE UPDATE ON audit_anchor_entry BEGIN
	SELECT RAISE(ABORT, 'anchors are append-only');
END;
CREATE TRIGGER audit_anchor_entry_no_delete BEFORE DELETE ON audit_anchor_entry BEGIN
	SELECT RAISE(ABORT, 'anchors are append-only');
END;
