-- 037_task_report_period.sql - the period a recurring task's report answers
-- (docs/tasks.md §2, docs/par-index.md §3 `reports_on_time`): set by the app
-- on the report of the unit in charge that covers the period awaited at that
-- time, as local day numbers: [period_start, period_end) and report_due, the
-- period's reporting deadline (its last working day on the calendar of the
-- day it was made). 0 on every other event and on reports from before this
-- migration, which did not record it.
ALTER TABLE task_event ADD COLUMN period_start integer NOT NULL DEFAULT 0;
ALTER TABLE task_event ADD COLUMN period_end integer NOT NULL DEFAULT 0;
ALTER TABLE task_event ADD COLUMN report_due integer NOT NULL DEFAULT 0;
CREATE INDEX task_event_period ON task_event(period_end, task_id) WHERE period_start > 0;
