-- 057_sign_prepares.sql - each preparation of a signature on the signer's
-- device (POST /api/v1/documents/{id}/signature/prepare), by its account
-- and time: what the hourly limit on one account's preparations counts in
-- each write (MC_LIMIT_SIGN_PREPARES_PER_HOUR in src/core/limits.h;
-- docs/documents.md §3a). Each preparation renders and writes a file; the
-- request of a document keeps only the last one, so it cannot count them.
-- Rows older than the hour are removed by the account's next preparation.
CREATE TABLE document_sign_prepare (
	user_id INTEGER NOT NULL REFERENCES app_user(id),
	at INTEGER NOT NULL
);
CREATE INDEX document_sign_prepare_user ON document_sign_prepare (user_id, at);
