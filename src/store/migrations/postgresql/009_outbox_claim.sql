-- 009_outbox_claim.sql - delivery claims (a lease per message), as
-- migrations/sqlite/009_outbox_claim.sql.
ALTER TABLE outbox ADD COLUMN claimed_until bigint;
