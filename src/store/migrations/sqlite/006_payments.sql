-- 006_payments.sql - fees paid online (dịch vụ công mức độ 4), docs/payments.md.

-- What an applicant owes for a dossier and how it was settled. A row is written
-- when a dossier goes to awaiting_payment with an amount (request_payment), and
-- again when the applicant starts over after a failed attempt; its reference is
-- what the payment provider knows the payment by (random, unguessable). The
-- provider's confirmation (its callback) is kept as the receipt.
CREATE TABLE payment (
	id INTEGER PRIMARY KEY,
	province_code TEXT NOT NULL DEFAULT '',
	dossier_id INTEGER NOT NULL REFERENCES dossier(id),
	reference TEXT NOT NULL UNIQUE,
	amount INTEGER NOT NULL CHECK (amount > 0),
	currency TEXT NOT NULL DEFAULT 'VND' CHECK (currency = 'VND'),
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'paid', 'failed', 'cancelled')),
	created_at INTEGER NOT NULL,
	paid_at INTEGER,
	provider TEXT NOT NULL DEFAULT '',
	provider_txn TEXT NOT NULL DEFAULT '',
	receipt TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payment_dossier ON payment(dossier_id, id);
-- A dossier owes at most one amount at a time.
CREATE UNIQUE INDEX payment_pending ON payment(dossier_id) WHERE state = 'pending';
CREATE INDEX payment_province ON payment(province_code, created_at);
