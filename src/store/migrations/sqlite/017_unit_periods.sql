-- 017_unit_periods.sql - units that change over time (issue 13).
--
-- A unit is in force from valid_from (a local day, days since 1970-01-01;
-- NULL: since before the system knew it) to the day before valid_to (NULL:
-- still in force). Its code belongs to that period: a unit that is renamed,
-- moved under another parent, merged or split ends, and what takes its place
-- is a new row with its own code, so that the tree of any past day (and the
-- figures of the 2017 report) stays as it was.
--
-- successor_id is the unit that took over its open dossiers (and, by the
-- administrator's choice, its officers); unit_successor holds every link
-- (a split has several successors), with the kind of change and its plan.
ALTER TABLE unit ADD COLUMN valid_from INTEGER;
ALTER TABLE unit ADD COLUMN valid_to INTEGER;
ALTER TABLE unit ADD COLUMN successor_id INTEGER REFERENCES unit(id);

-- A reorganisation plan: the operations as the administrator wrote them
-- (JSON, checked by src/app/unit_plan.c), applied once on effective_day.
-- status: draft (previewed, not applied), scheduled (applied by the server
-- when its day comes), applied.
CREATE TABLE unit_plan (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	effective_day INTEGER NOT NULL,
	body TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft',
	created_by INTEGER REFERENCES app_user(id),
	created_at INTEGER NOT NULL,
	applied_at INTEGER NOT NULL DEFAULT 0,
	moved_dossiers INTEGER NOT NULL DEFAULT 0,
	moved_users INTEGER NOT NULL DEFAULT 0,
	deactivated_users INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX unit_plan_due ON unit_plan(status, effective_day);

CREATE TABLE unit_successor (
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	successor_id INTEGER NOT NULL REFERENCES unit(id),
	kind TEXT NOT NULL,
	plan_id INTEGER REFERENCES unit_plan(id),
	PRIMARY KEY (unit_id, successor_id)
) WITHOUT ROWID;
CREATE INDEX unit_successor_to ON unit_successor(successor_id);
