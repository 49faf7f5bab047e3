-- 021_user_identity.sql - accounts linked to an identity at an OpenID Connect
-- provider, as migrations/sqlite/021_user_identity.sql.
CREATE TABLE user_identity (
	issuer text COLLATE "C" NOT NULL,
	subject text COLLATE "C" NOT NULL,
	user_id bigint NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
	linked_at bigint NOT NULL,
	PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identity_user ON user_identity(user_id);
