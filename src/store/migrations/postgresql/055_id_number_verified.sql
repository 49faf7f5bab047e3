-- 055_id_number_verified.sql - whether someone vouched for an account's
-- identity number, as migrations/sqlite/055_id_number_verified.sql.
ALTER TABLE app_user ADD COLUMN id_number_verified boolean NOT NULL DEFAULT false;
UPDATE app_user SET id_number_verified = true
	WHERE role != 1 OR id IN (SELECT user_id FROM user_identity)
	   OR id IN (SELECT target_id FROM account_action WHERE action = 'create');
