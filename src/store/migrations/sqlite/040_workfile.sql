-- 040_workfile.sql - work files (hồ sơ công việc, Nghị định 30/2020/NĐ-CP
-- chương IV; docs/documents.md §12): each unit's yearly list of files
-- (Danh mục hồ sơ, Phụ lục V), the files opened, closed and handed to the
-- unit's archive, and the documents each file gathers. A document lies in at
-- most one file of a unit in a year: unit_id and year are copied onto
-- workfile_doc for that unique index.
CREATE TABLE workfile (
	id INTEGER PRIMARY KEY,
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2999),
	code TEXT NOT NULL,
	title TEXT NOT NULL,
	retention_years INTEGER NOT NULL CHECK (retention_years >= 0), -- 0: vĩnh viễn
	responsible_id INTEGER NOT NULL REFERENCES app_user(id),
	note TEXT NOT NULL DEFAULT '',
	state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),
	version INTEGER NOT NULL DEFAULT 1,
	first_at INTEGER NOT NULL DEFAULT 0,
	last_at INTEGER NOT NULL DEFAULT 0,
	doc_count INTEGER NOT NULL DEFAULT 0,
	pages INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER NOT NULL REFERENCES app_user(id),
	created_at INTEGER NOT NULL,
	opened_at INTEGER NOT NULL DEFAULT 0,
	closed_at INTEGER NOT NULL DEFAULT 0,
	archived_at INTEGER NOT NULL DEFAULT 0,
	archived_by INTEGER REFERENCES app_user(id),
	UNIQUE (unit_id, year, code)
);
CREATE INDEX workfile_responsible ON workfile(responsible_id, year);

CREATE TABLE workfile_doc (
	workfile_id INTEGER NOT NULL REFERENCES workfile(id),
	document_id INTEGER NOT NULL REFERENCES document(id),
	unit_id INTEGER NOT NULL,
	year INTEGER NOT NULL,
	added_by INTEGER NOT NULL REFERENCES app_user(id),
	added_at INTEGER NOT NULL,
	PRIMARY KEY (workfile_id, document_id),
	UNIQUE (unit_id, year, document_id)
);
