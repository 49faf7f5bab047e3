-- 036_task_rollup.sql - the tasks' roll-up (src/core/task_rollup.h,
-- docs/tasks.md §5): per local day (grain 0), month (grain 1, year * 12 +
-- month - 1) and year (grain 2) of assignment, assigning unit, and unit in
-- charge (dim 0) or assigning leader (dim 1, key 0 = not recorded), the
-- tasks done on time, within the extension and late, suspended, and open or
-- proposed without a deadline; the open and proposed ones with a deadline
-- in cells of their own keyed by the months it may fall in (due_from_month
-- to due_month: the day's month, or a recurring task's awaited period), so
-- that overdue is read against the day of the question, never stored. Kept by
-- the store in the transaction of every write of a task; built from the
-- tasks at the first start after this migration, with the statistics'
-- roll-up (stats_rollup_state), and by `motcua stats rebuild`.
CREATE TABLE task_rollup (
	grain INTEGER NOT NULL,
	period INTEGER NOT NULL,
	assigner_unit_id INTEGER NOT NULL,
	dim INTEGER NOT NULL,
	key_id INTEGER NOT NULL,
	due_month INTEGER NOT NULL DEFAULT 0,
	due_from_month INTEGER NOT NULL DEFAULT 0,
	done_on_time INTEGER NOT NULL DEFAULT 0,
	done_extended INTEGER NOT NULL DEFAULT 0,
	done_late INTEGER NOT NULL DEFAULT 0,
	suspended INTEGER NOT NULL DEFAULT 0,
	open_none INTEGER NOT NULL DEFAULT 0,
	proposed_none INTEGER NOT NULL DEFAULT 0,
	open_dated INTEGER NOT NULL DEFAULT 0,
	proposed_dated INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (grain, period, assigner_unit_id, dim, key_id, due_month, due_from_month)
) WITHOUT ROWID;

-- What the roll-up leaves to a live count: the open and proposed tasks due
-- in the month of the question, by their day or their awaited period.
CREATE INDEX task_open_due ON task(due, assigner_unit_id, assigned_day)
	WHERE due_kind = 1 AND state IN (1, 2, 3, 5, 6);
CREATE INDEX task_open_recurring ON task(period, next_report_period, assigner_unit_id, assigned_day)
	WHERE due_kind = 2 AND state IN (1, 2, 3, 5, 6);

-- Built at the next start, with the dossiers' roll-up (store_rollup.c).
UPDATE stats_rollup_state SET built = 0;
