-- 021_user_identity.sql - accounts linked to an identity at an OpenID Connect
-- provider (the national identity platform, issue 13): the provider's issuer
-- and its subject name one person at that provider, and one account here.
-- A citizen's link is made at the first sign-in through the provider; an
-- official's only by an administrator (docs/operations.md).
CREATE TABLE user_identity (
	issuer TEXT NOT NULL,
	subject TEXT NOT NULL,
	user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
	linked_at INTEGER NOT NULL,
	PRIMARY KEY (issuer, subject)
) WITHOUT ROWID;
CREATE INDEX user_identity_user ON user_identity(user_id);
