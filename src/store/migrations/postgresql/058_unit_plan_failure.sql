-- 058_unit_plan_failure.sql - why a scheduled reorganisation plan could not
-- be applied on its day (docs/units.md): the units changed after it was
-- scheduled, so its check refuses it now. The server marks it `failed` with
-- that refusal and applies the other plans of the day; '' for every other plan.
ALTER TABLE unit_plan ADD COLUMN failure TEXT NOT NULL DEFAULT '';
