-- naive_tasks.sql - the reference of the bench's task figures (bench/run.sh,
-- PARTS=tasks): every task of 2017 judged row by row in one GROUP BY by unit
-- in charge, in the sqlite3 shell (the rules of core/task.h written out in
-- SQL for dated and undated tasks; :today is today's local day number).
SELECT unit_id, count(*) AS assigned,
       sum(state = 4 AND (due_kind <> 1 OR done_day <= original_due)) AS done_on_time,
       sum(state = 4 AND due_kind = 1 AND done_day > original_due AND done_day <= due) AS done_extended,
       sum(state = 4 AND due_kind = 1 AND done_day > due) AS done_late,
       sum(state IN (1, 2, 3, 5, 6) AND due_kind = 1 AND due < :today) AS in_progress_overdue,
       sum(state = 3) AS waiting_confirmation,
       sum(state = 7) AS suspended
FROM task WHERE state <> 8 AND assigned_day BETWEEN 17167 AND 17531
GROUP BY unit_id;
