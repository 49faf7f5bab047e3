-- 002_results_ratings.sql - result documents and satisfaction ratings.

-- A dossier's documents are what the applicant handed in ('input') or the
-- result the office hands back ('result': the signed licence, the refusal
-- letter), which the applicant may then download.
ALTER TABLE dossier_document ADD COLUMN kind TEXT NOT NULL DEFAULT 'input'
	CHECK (kind IN ('input', 'result'));

-- The applicant's satisfaction with one returned dossier (khảo sát mức độ hài
-- lòng), at most one per dossier. The seven criteria are scored 0 (not
-- satisfied), 1 (satisfied) or 2 (very satisfied), as in the one-stop
-- systems' surveys; unit_id is the receiving unit, whose desk the applicant
-- dealt with, so a unit's index covers the dossiers it took in.
CREATE TABLE rating (
	dossier_id INTEGER PRIMARY KEY REFERENCES dossier(id),
	province_code TEXT NOT NULL DEFAULT '',
	unit_id INTEGER REFERENCES unit(id),
	at INTEGER NOT NULL,
	total_time INTEGER NOT NULL CHECK (total_time BETWEEN 0 AND 2),
	agency_time INTEGER NOT NULL CHECK (agency_time BETWEEN 0 AND 2),
	contacts INTEGER NOT NULL CHECK (contacts BETWEEN 0 AND 2),
	agencies INTEGER NOT NULL CHECK (agencies BETWEEN 0 AND 2),
	reception INTEGER NOT NULL CHECK (reception BETWEEN 0 AND 2),
	transparency INTEGER NOT NULL CHECK (transparency BETWEEN 0 AND 2),
	attitude INTEGER NOT NULL CHECK (attitude BETWEEN 0 AND 2),
	overall TEXT NOT NULL CHECK (overall IN ('very_satisfied', 'satisfied', 'not_satisfied')),
	comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rating_unit ON rating(unit_id, at);
CREATE INDEX rating_province ON rating(province_code, at);
