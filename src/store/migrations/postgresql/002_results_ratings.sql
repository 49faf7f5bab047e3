-- 002_results_ratings.sql - result documents and satisfaction ratings (as
-- migrations/sqlite/002_results_ratings.sql).

ALTER TABLE dossier_document ADD COLUMN kind text COLLATE "C" NOT NULL DEFAULT 'input'
	CHECK (kind IN ('input', 'result'));

CREATE TABLE rating (
	dossier_id bigint PRIMARY KEY REFERENCES dossier(id),
	province_code text COLLATE "C" NOT NULL DEFAULT '',
	unit_id bigint REFERENCES unit(id),
	at bigint NOT NULL,
	total_time integer NOT NULL CHECK (total_time BETWEEN 0 AND 2),
	agency_time integer NOT NULL CHECK (agency_time BETWEEN 0 AND 2),
	contacts integer NOT NULL CHECK (contacts BETWEEN 0 AND 2),
	agencies integer NOT NULL CHECK (agencies BETWEEN 0 AND 2),
	reception integer NOT NULL CHECK (reception BETWEEN 0 AND 2),
	transparency integer NOT NULL CHECK (transparency BETWEEN 0 AND 2),
	attitude integer NOT NULL CHECK (attitude BETWEEN 0 AND 2),
	overall text COLLATE "C" NOT NULL CHECK (overall IN ('very_satisfied', 'satisfied', 'not_satisfied')),
	comment text COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX rating_unit ON rating(unit_id, at);
CREATE INDEX rating_province ON rating(province_code, at);
