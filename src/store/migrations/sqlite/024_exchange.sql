-- 024_exchange.sql - edXML exchange with other document systems (QCVN
-- 102:2016/BTTTT; docs/documents.md §9): every package sent to a peer or
-- received from one, a document or a status message.
--
-- Outgoing rows (direction 1) are the exchange's outbox: written in the
-- transaction that sends the document or the status, delivered by a
-- background pass with retries (state pending → sent | failed), claimed as
-- the e-mail outbox is. package holds the unsigned package until it is
-- sent, then the signed one as it was posted. Incoming rows (direction 2)
-- hold the signed package as received; the unique index makes the same
-- package twice one document (its sender's organ_id and DocumentId).
CREATE TABLE exchange_message (
	id INTEGER PRIMARY KEY,
	province_code TEXT NOT NULL DEFAULT '',
	direction INTEGER NOT NULL CHECK (direction IN (1, 2)),
	kind INTEGER NOT NULL CHECK (kind IN (1, 2)),
	organ_id TEXT NOT NULL,
	local_organ_id TEXT NOT NULL DEFAULT '',
	message_id TEXT NOT NULL,
	document_id INTEGER REFERENCES document(id),
	business INTEGER NOT NULL DEFAULT 0,
	ref_message_id TEXT NOT NULL DEFAULT '',
	response_for_id INTEGER REFERENCES document(id),
	status_code INTEGER NOT NULL DEFAULT 0,
	description TEXT NOT NULL DEFAULT '',
	package TEXT NOT NULL,
	state TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL DEFAULT 0,
	claimed_until INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	sent_at INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX exchange_message_once ON exchange_message(direction, organ_id, local_organ_id, message_id);
CREATE INDEX exchange_message_due ON exchange_message(next_at) WHERE direction = 1 AND state = 'pending';
CREATE INDEX exchange_message_document ON exchange_message(document_id, id);
