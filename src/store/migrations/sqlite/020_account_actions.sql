-- 020_account_actions.sql - the officers' reads of dossier lists, the
-- administrators' account actions, and the national portal's sync queue.
--
-- 1. How many records a read of personal data showed: 1 for a dossier, a file,
--    a form or an export; the rows of the page for a list (the dossier list,
--    the desk's online submissions), which is logged once per request.
ALTER TABLE personal_read ADD COLUMN records INTEGER NOT NULL DEFAULT 1;

-- 2. Every action of an administrator (or of the operator at the command
--    line: actor_id NULL) on an account: who, when, what, on whom, with what
--    changed in detail. Usernames are kept as they were at the time; no
--    foreign key, so that an erased account's past stays. Append-only.
CREATE TABLE account_action (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor_id INTEGER,
	actor_username TEXT NOT NULL,
	action TEXT NOT NULL,
	target_id INTEGER NOT NULL,
	target_username TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX account_action_at ON account_action(at);
CREATE INDEX account_action_target ON account_action(target_id, at);
CREATE TRIGGER account_action_no_update BEFORE UPDATE ON account_action BEGIN
	SELECT RAISE(ABORT, 'account actions are append-only');
END;
CREATE TRIGGER account_action_no_delete BEFORE DELETE ON account_action BEGIN
	SELECT RAISE(ABORT, 'account actions are append-only');
END;

-- 3. The national public-service portal's sync (app/portal.h): one row per
--    state change of a dossier, queued in the event's transaction, sent in
--    order per dossier (a row waits while an older one of its dossier is not
--    sent), at most once accepted per (dossier code, event id); 'dead' after
--    portal_max_attempts failures, until an administrator retries it.
CREATE TABLE portal_sync (
	id INTEGER PRIMARY KEY,
	dossier_id INTEGER NOT NULL,
	dossier_code TEXT NOT NULL,
	event_id INTEGER NOT NULL,
	action TEXT NOT NULL,
	state_code INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL,
	claimed_until INTEGER NOT NULL DEFAULT 0,
	sent_at INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	UNIQUE (dossier_code, event_id)
);
CREATE INDEX portal_sync_due ON portal_sync(status, next_at);
CREATE INDEX portal_sync_dossier ON portal_sync(dossier_id, id);
