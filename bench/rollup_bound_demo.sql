-- bench/rollup_bound_demo.sql (docs/performance.md, issue 13): every (unit, procedure the demo uses at the unit's level) pair, a cell in
-- every month of 2017 and January 2018, and day cells on 1 January 2017 and
-- 1 January 2018: the most cells the demo's procedures can make for the year
-- (zeros: the figures do not change).
CREATE TEMP TABLE pairs AS
  SELECT DISTINCT u.id AS unit_id, pp.procedure_id FROM unit u JOIN
    (SELECT DISTINCT u2.level, d.procedure_id FROM dossier d JOIN unit u2 ON u2.id = d.receiving_unit_id) pp
    ON pp.level = u.level;
WITH RECURSIVE m(p) AS (SELECT 24204 UNION ALL SELECT p + 1 FROM m WHERE p < 24216)
INSERT OR IGNORE INTO stats_rollup_proc (unit_id, grain, period, procedure_id, aux)
  SELECT unit_id, 1, p, procedure_id, 0 FROM pairs, m;
INSERT OR IGNORE INTO stats_rollup_proc (unit_id, grain, period, procedure_id, aux)
  SELECT unit_id, 0, d, procedure_id, 0 FROM pairs, (SELECT 17167 AS d UNION ALL SELECT 17532);
SELECT grain, count(*) FROM stats_rollup_proc GROUP BY grain;
