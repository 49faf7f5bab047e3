-- 020_account_actions.sql - the officers' reads of dossier lists, and the
-- administrators' account actions.
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
