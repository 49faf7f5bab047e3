-- 027_par_index.sql - the administrative-reform index (chỉ số cải cách hành
-- chính) and the yearly rating of units (docs/par-index.md).
--
-- A framework is one year's tree of criteria for one group of units; points
-- are kept in hundredths (core/par_index.h). state 1: open (self-assessment,
-- appraisal, survey, computation); 2: published, then nothing of it changes.
CREATE TABLE par_framework (
	id INTEGER PRIMARY KEY,
	province_code TEXT NOT NULL DEFAULT '',
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2200),
	grp INTEGER NOT NULL CHECK (grp BETWEEN 1 AND 4),
	state INTEGER NOT NULL DEFAULT 1 CHECK (state IN (1, 2)),
	version INTEGER NOT NULL DEFAULT 1,
	deadline INTEGER NOT NULL DEFAULT 0,
	decision TEXT NOT NULL DEFAULT '',
	published_at INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	UNIQUE (year, grp)
);

CREATE TABLE par_criterion (
	framework_id INTEGER NOT NULL REFERENCES par_framework(id),
	seq INTEGER NOT NULL,
	code TEXT NOT NULL,
	parent TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL,
	max_cp INTEGER NOT NULL CHECK (max_cp > 0),
	method INTEGER NOT NULL DEFAULT 0 CHECK (method BETWEEN 0 AND 4),
	formula TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (framework_id, code),
	UNIQUE (framework_id, seq)
);

-- The units a framework rates, with what their rating reads besides the
-- index: tasks done on time (hundredths of %, -1 unknown), a disciplinary
-- cap and the People's Committee's decision (grades of core/par_index.h).
CREATE TABLE par_unit (
	framework_id INTEGER NOT NULL REFERENCES par_framework(id),
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	submitted_at INTEGER NOT NULL DEFAULT 0,
	tasks INTEGER NOT NULL DEFAULT -1,
	cap INTEGER NOT NULL DEFAULT 0 CHECK (cap BETWEEN 0 AND 4),
	decided INTEGER NOT NULL DEFAULT 0 CHECK (decided BETWEEN 0 AND 4),
	reason TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (framework_id, unit_id)
);
CREATE INDEX par_unit_unit ON par_unit (unit_id);

-- A unit's marks on one leaf: its own score with explanation and evidence
-- (SHA-256 of uploads, comma-separated), the council's, the survey's or the
-- computation's value with the figures it used (JSON). NULL: no score.
CREATE TABLE par_score (
	framework_id INTEGER NOT NULL,
	unit_id INTEGER NOT NULL,
	code TEXT NOT NULL,
	not_applicable INTEGER NOT NULL DEFAULT 0 CHECK (not_applicable IN (0, 1)),
	self_cp INTEGER,
	note TEXT NOT NULL DEFAULT '',
	evidence TEXT NOT NULL DEFAULT '',
	council_cp INTEGER,
	reason TEXT NOT NULL DEFAULT '',
	value_cp INTEGER,
	figures TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	updated_by INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (framework_id, unit_id, code),
	FOREIGN KEY (framework_id, unit_id) REFERENCES par_unit (framework_id, unit_id),
	FOREIGN KEY (framework_id, code) REFERENCES par_criterion (framework_id, code)
);

-- Every change of a score, rating input or publication: who, when, why; each
-- line chained to the framework's previous one by its hash (core/par_index.h).
CREATE TABLE par_log (
	id INTEGER PRIMARY KEY,
	framework_id INTEGER NOT NULL REFERENCES par_framework(id),
	unit_id INTEGER NOT NULL DEFAULT 0,
	code TEXT NOT NULL DEFAULT '',
	what TEXT NOT NULL,
	old_cp INTEGER,
	new_cp INTEGER,
	reason TEXT NOT NULL DEFAULT '',
	user_id INTEGER NOT NULL DEFAULT 0,
	at INTEGER NOT NULL,
	prev_hash TEXT NOT NULL DEFAULT '',
	hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX par_log_framework ON par_log (framework_id, unit_id);
CREATE INDEX par_log_chain ON par_log (framework_id, id);

-- The year's rating rules (core/par_index.h mc_par_rules).
CREATE TABLE par_rules (
	year INTEGER PRIMARY KEY,
	excellent_index INTEGER NOT NULL,
	good_index INTEGER NOT NULL,
	done_index INTEGER NOT NULL,
	excellent_tasks INTEGER NOT NULL DEFAULT 0,
	good_tasks INTEGER NOT NULL DEFAULT 0,
	excellent_share INTEGER NOT NULL DEFAULT 0
);

-- The appraisal council (hội đồng thẩm định): officers the province's
-- administrator names; they see and appraise every unit.
CREATE TABLE par_council (
	user_id INTEGER PRIMARY KEY REFERENCES app_user(id),
	added_at INTEGER NOT NULL
);

-- Public service units (đơn vị sự nghiệp trực thuộc UBND tỉnh) are rated
-- with the departments and districts but are not sở, ban, ngành: the
-- reform report's count of departments leaves them out (store_unit.c).
ALTER TABLE unit ADD COLUMN public_service INTEGER NOT NULL DEFAULT 0;
