-- 056_par_log_pages.sql - the reform index's log by its author and time, and
-- a unit's log by row: what the hourly limit on one account's log lines
-- counts in each write (MC_LIMIT_PAR_MARKS_PER_HOUR in src/core/limits.h;
-- docs/par-index.md) and the pages of a unit's log (newest first, by id),
-- without reading a framework's whole log.
CREATE INDEX par_log_user ON par_log (user_id, at);
DROP INDEX par_log_framework;
CREATE INDEX par_log_unit ON par_log (framework_id, unit_id, id);
