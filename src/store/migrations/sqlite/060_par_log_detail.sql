-- 060_par_log_detail.sql - what a line of the reform index's log records
-- besides points (docs/par-index.md §4), as JSON: a rating's grades (cap,
-- decision), tasks share and reason before and after; a self-assessment's
-- evidence files before and after. '' for a line without (every line
-- written before): such a line is hashed as it was (core/par_index.h
-- mc_par_log_hash), so the chains already written still verify.
ALTER TABLE par_log ADD COLUMN detail TEXT NOT NULL DEFAULT '';
