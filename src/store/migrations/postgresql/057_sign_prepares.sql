-- 057_sign_prepares.sql - each preparation of a signature on the signer's
-- device, by its account and time, as migrations/sqlite/057_sign_prepares.sql.
CREATE TABLE document_sign_prepare (
	user_id bigint NOT NULL REFERENCES app_user(id),
	at bigint NOT NULL
);
CREATE INDEX document_sign_prepare_user ON document_sign_prepare (user_id, at);
