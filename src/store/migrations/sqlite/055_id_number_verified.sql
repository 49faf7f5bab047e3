-- 055_id_number_verified.sql - whether someone vouched for an account's
-- identity number: an administrator who entered it (from the ID card at the
-- one-stop desk) or the identity provider whose claim it is (app/oidc.c). Only
-- a vouched number finds a citizen's account at a first sign-in through the
-- provider: a number typed at self-registration is not checked, and whoever
-- typed another person's number first would otherwise be given that person's
-- sign-ins. 1 for the accounts that are not citizens' (administrators enter
-- officials' numbers), for the citizens' accounts already linked to the
-- provider, and for those an administrator made (account_action 'create');
-- 0 for the self-registered.
ALTER TABLE app_user ADD COLUMN id_number_verified INTEGER NOT NULL DEFAULT 0;
UPDATE app_user SET id_number_verified = 1
	WHERE role != 1 OR id IN (SELECT user_id FROM user_identity)
	   OR id IN (SELECT target_id FROM account_action WHERE action = 'create');
