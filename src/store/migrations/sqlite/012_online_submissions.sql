-- Online submissions number in a space of their own (core/code.h,
-- docs/domain.md §5): six digits and more, so that a flood of them can use up
-- neither the desk's four-digit numbers of the day nor their own. The last
-- number given out per unit and local day, as dossier_seq for the desk.
CREATE TABLE dossier_online_seq (
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	day INTEGER NOT NULL,
	province_code TEXT NOT NULL DEFAULT '',
	last INTEGER NOT NULL,
	PRIMARY KEY (unit_id, day)
) WITHOUT ROWID;
