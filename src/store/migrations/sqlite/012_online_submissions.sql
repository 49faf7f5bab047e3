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

-- Who filed each online dossier a citizen submitted, and from which client
-- address: the filing limits count these rows per account and per address in
-- the last hour and day (app/filing.h), and the desk finds a flood's dossiers
-- by them (GET /api/v1/dossiers/submissions). Dossiers filed before this
-- table have no row.
CREATE TABLE dossier_filing (
	dossier_id INTEGER PRIMARY KEY REFERENCES dossier(id),
	province_code TEXT NOT NULL DEFAULT '',
	user_id INTEGER NOT NULL REFERENCES app_user(id),
	peer TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL
);
CREATE INDEX dossier_filing_user ON dossier_filing(user_id, at);
CREATE INDEX dossier_filing_peer ON dossier_filing(peer, at);
