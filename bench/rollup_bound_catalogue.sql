-- bench/rollup_bound_catalogue.sql (docs/performance.md, issue 13): every (unit, catalogue procedure of the unit's level; a department's own
-- procedures) pair, a cell in every month of 2017 and January 2018 and day
-- cells on 1 January 2017 and 2018 (zeros: the figures do not change): the
-- most cells the whole catalogue can make for the year.
CREATE TEMP TABLE pairs AS
  SELECT u.id AS unit_id, p.id AS procedure_id FROM unit u JOIN procedure p
    ON (u.level IN ('commune', 'district', 'province') AND instr(',' || p.levels || ',', ',' || u.level || ',') > 0)
    OR (u.level = 'department' AND p.unit_id = u.id);
WITH RECURSIVE m(p) AS (SELECT 24204 UNION ALL SELECT p + 1 FROM m WHERE p < 24216)
INSERT OR IGNORE INTO stats_rollup_proc (unit_id, grain, period, procedure_id, aux)
  SELECT unit_id, 1, p, procedure_id, 0 FROM pairs, m;
INSERT OR IGNORE INTO stats_rollup_proc (unit_id, grain, period, procedure_id, aux)
  SELECT unit_id, 0, d, procedure_id, 0 FROM pairs, (SELECT 17167 AS d UNION ALL SELECT 17532);
SELECT grain, count(*) FROM stats_rollup_proc GROUP BY grain;
