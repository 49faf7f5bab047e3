-- The outbox: every message to an applicant (e-mail, SMS) is a row written in
-- the same transaction as the event that causes it, so nothing is lost if the
-- process dies; a background job delivers it with retries and records the outcome.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	province_code TEXT NOT NULL DEFAULT '',
	dossier_id INTEGER REFERENCES dossier(id) ON DELETE SET NULL,
	channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
	recipient TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL,
	sent_at INTEGER,
	last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(next_at) WHERE state = 'pending';
CREATE INDEX outbox_dossier ON outbox(dossier_id);
