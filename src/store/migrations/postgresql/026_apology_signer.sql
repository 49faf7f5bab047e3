-- 026_apology_signer.sql - how the leader who issued an apology signed it
-- (docs/forms.md, form 04): 'head' (the head of the agency: CHỦ TỊCH,
-- GIÁM ĐỐC) or 'deputy' (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH). '' while prepared
-- only, and for apologies issued before this migration.
ALTER TABLE apology ADD COLUMN signed_as TEXT NOT NULL DEFAULT '';
