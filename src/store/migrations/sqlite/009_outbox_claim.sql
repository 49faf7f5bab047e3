-- Delivery claims: a delivery pass marks the messages it is about to send as
-- taken until claimed_until (a lease), so that two passes - on one server or
-- on several - never send the same message; a pass that dies leaves its
-- claims to expire. Recording the outcome clears the claim.
ALTER TABLE outbox ADD COLUMN claimed_until INTEGER;
