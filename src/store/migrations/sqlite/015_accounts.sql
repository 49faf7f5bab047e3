-- Accounts: a password change an administrator can require at the next
-- sign-in, the recent sign-ins of each account, and the one-time codes of
-- password recovery.
ALTER TABLE app_user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- The last sign-ins of an account, successful or not (the store keeps the
-- newest 50 of each): when, from which client address and which browser.
CREATE TABLE signin (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
	at INTEGER NOT NULL,
	peer TEXT NOT NULL DEFAULT '',
	device TEXT NOT NULL DEFAULT '',
	ok INTEGER NOT NULL
);
CREATE INDEX signin_user ON signin(user_id, id);

-- At most one recovery code per account, kept as a SHA-256 (never the code):
-- a new request replaces it, a use or too many wrong tries delete it.
CREATE TABLE recovery_code (
	user_id INTEGER PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0
);
