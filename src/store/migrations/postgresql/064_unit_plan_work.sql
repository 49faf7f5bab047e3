-- 064_unit_plan_work.sql - what an applied reorganisation plan handed to the
-- successors besides the dossiers: the open tasks and the documents still in
-- hand of the units it ended (docs/units.md §6). Plans applied before count
-- none: they moved none.
ALTER TABLE unit_plan ADD COLUMN moved_tasks bigint NOT NULL DEFAULT 0;
ALTER TABLE unit_plan ADD COLUMN moved_documents bigint NOT NULL DEFAULT 0;
