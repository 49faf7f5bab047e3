-- 059_par_evidence.sql - the evidence files of the reform index's marks
-- (docs/par-index.md §4), one row a file: a mark's evidence names uploads by
-- their SHA-256 (par_score.evidence, comma-separated, as the API shows it),
-- and this table is what the store sees as holding them, so that the
-- uploads' expiry and the deletion of unused files (store_upload.c
-- mc_files_release) keep them, and whoever reads the unit's sheet may
-- download them. Every write of a mark's evidence writes both; the marks
-- already kept are read into it here.
CREATE TABLE par_evidence (
	framework_id BIGINT NOT NULL,
	unit_id BIGINT NOT NULL,
	code TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	PRIMARY KEY (framework_id, unit_id, code, sha256),
	FOREIGN KEY (framework_id, unit_id, code) REFERENCES par_score (framework_id, unit_id, code)
);
CREATE INDEX par_evidence_sha256 ON par_evidence (sha256);

INSERT INTO par_evidence (framework_id, unit_id, code, sha256)
SELECT DISTINCT s.framework_id, s.unit_id, s.code, e.sha256
FROM par_score s, unnest(string_to_array(s.evidence, ',')) AS e (sha256)
WHERE s.evidence <> '' AND e.sha256 <> '';
