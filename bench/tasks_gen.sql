-- tasks_gen.sql - :N tasks of 2017 for the bench (bench/run.sh, PARTS=tasks),
-- added by the sqlite3 shell to a demo database: given by the province (unit
-- 1) to any unit of H56, in every state and kind of deadline, some done late,
-- some extended, the open ones spread around today. Only the task rows: the
-- figures read nothing else. The same :N gives the same tasks (no random()).
CREATE TEMP TABLE u AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM unit WHERE id > 1 AND path LIKE '/1/%';
CREATE TEMP TABLE leaders AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM app_user ORDER BY id LIMIT 5;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :N),
r AS (SELECT i, (i * 2654435761) % 1000003 AS h FROM s)
INSERT INTO task (province_code, directive, title, assigner_unit_id, assigned_by, unit_id, state, due_kind, period,
                  assigned_day, original_due, due, next_report_period, done_day, created_at, updated_at)
SELECT 'H56', 'Chỉ thị bench', 'Nhiệm vụ ' || i, 1,
       (SELECT id FROM leaders WHERE k = h % (SELECT count(*) FROM leaders)),
       (SELECT id FROM u WHERE k = h % (SELECT count(*) FROM u)),
       CASE WHEN h % 100 < 45 THEN 4 WHEN h % 100 < 70 THEN 2 WHEN h % 100 < 78 THEN 1 WHEN h % 100 < 84 THEN 3
            WHEN h % 100 < 88 THEN 5 WHEN h % 100 < 92 THEN 6 WHEN h % 100 < 96 THEN 7 ELSE 8 END,
       CASE WHEN h % 17 = 0 THEN 0 WHEN h % 13 = 0 THEN 2 ELSE 1 END,
       CASE WHEN h % 13 = 0 AND h % 17 <> 0 THEN 2 ELSE 0 END,
       17167 + i % 365,
       17167 + i % 365 + 10 + h % 60,
       17167 + i % 365 + 10 + h % 60 + CASE WHEN h % 5 = 1 THEN 40 ELSE 0 END,
       CASE WHEN h % 13 = 0 AND h % 17 <> 0 THEN 17348 ELSE 0 END,
       CASE WHEN h % 100 < 45 THEN 17167 + i % 365 + h % 90 ELSE 0 END,
       (17167 + i % 365) * 86400, (17167 + i % 365) * 86400
FROM r;
