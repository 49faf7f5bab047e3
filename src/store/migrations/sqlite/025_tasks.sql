-- 025_tasks.sql - tasks (nhiệm vụ) that directives assign, followed down to
-- the communes (QĐ 42/2014/QĐ-TTg as amended by QĐ 23/2018/QĐ-TTg;
-- docs/tasks.md; rules in core/task.h).
--
-- A task is given by a unit (assigner_unit_id, its leader assigned_by) to a
-- unit in charge (unit_id), with cooperating units in task_unit; it comes
-- from a document (source_document_id) or a directive typed in (directive),
-- and is closed by a report (closing_document_id). parent_id links a part
-- delegated down the tree to the task it is part of. Deadlines are local day
-- numbers (days since 1970-01-01 at UTC+7): original_due is the one first
-- set and kept for judging, due the effective one (an extension granted).
CREATE TABLE task (
	id INTEGER PRIMARY KEY,
	province_code TEXT NOT NULL DEFAULT '',
	parent_id INTEGER REFERENCES task(id),
	source_document_id INTEGER REFERENCES document(id),
	closing_document_id INTEGER REFERENCES document(id),
	directive TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL,
	content TEXT NOT NULL DEFAULT '',
	product TEXT NOT NULL DEFAULT '',
	assigner_unit_id INTEGER NOT NULL REFERENCES unit(id),
	assigned_by INTEGER REFERENCES app_user(id),
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	state INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	due_kind INTEGER NOT NULL DEFAULT 0 CHECK (due_kind IN (0, 1, 2)),
	period INTEGER NOT NULL DEFAULT 0,
	assigned_day INTEGER NOT NULL,
	original_due INTEGER NOT NULL DEFAULT 0,
	due INTEGER NOT NULL DEFAULT 0,
	requested_due INTEGER NOT NULL DEFAULT 0,
	next_report_period INTEGER NOT NULL DEFAULT 0,
	done_day INTEGER NOT NULL DEFAULT 0,
	progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
	note TEXT NOT NULL DEFAULT '',
	-- The deadline (a day) whose due-soon and overdue reminders were queued:
	-- each once per deadline, again after an extension.
	reminded_soon INTEGER NOT NULL DEFAULT 0,
	reminded_overdue INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX task_unit_in_charge ON task(unit_id, state, due);
CREATE INDEX task_assigner ON task(assigner_unit_id, state, due);
CREATE INDEX task_parent ON task(parent_id);
CREATE INDEX task_source ON task(source_document_id);

-- The cooperating units (đơn vị phối hợp) of a task.
CREATE TABLE task_unit (
	task_id INTEGER NOT NULL REFERENCES task(id),
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	PRIMARY KEY (task_id, unit_id)
);
CREATE INDEX task_unit_unit ON task_unit(unit_id, task_id);

-- Every step of a task, append-only and hash-chained per task as the
-- dossiers' events (core/audit.h): progress reports with their percent and
-- the document attached, extensions asked for and answered, completion.
CREATE TABLE task_event (
	id INTEGER PRIMARY KEY,
	task_id INTEGER NOT NULL REFERENCES task(id),
	at INTEGER NOT NULL,
	user_id INTEGER REFERENCES app_user(id),
	user_name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL DEFAULT '',
	unit_id INTEGER REFERENCES unit(id),
	action TEXT NOT NULL,
	from_state INTEGER NOT NULL DEFAULT 0,
	to_state INTEGER NOT NULL,
	percent INTEGER NOT NULL DEFAULT 0,
	due INTEGER NOT NULL DEFAULT 0,
	document_id INTEGER REFERENCES document(id),
	note TEXT NOT NULL DEFAULT '',
	hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX task_event_task ON task_event(task_id, id);
CREATE TRIGGER task_event_no_update BEFORE UPDATE ON task_event BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER task_event_no_delete BEFORE DELETE ON task_event BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
