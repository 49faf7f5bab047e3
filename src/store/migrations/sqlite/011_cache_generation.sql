-- The generation of what every server keeps in memory: the units (their
-- names, tree and office hours) and the working calendar of each year, which
-- make the time rules of due dates. Triggers move it in the transaction of
-- the edit itself, whoever makes it (the API, the command line, an operator's
-- SQL), so that a server that reads it before loading those tables cannot
-- miss an edit: when it sees the number move, it loads them again.
CREATE TABLE cache_generation (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	value INTEGER NOT NULL
);
INSERT INTO cache_generation (id, value) VALUES (1, 1);

CREATE TRIGGER unit_generation_insert AFTER INSERT ON unit
BEGIN UPDATE cache_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER unit_generation_update AFTER UPDATE ON unit
BEGIN UPDATE cache_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER unit_generation_delete AFTER DELETE ON unit
BEGIN UPDATE cache_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_year_generation_insert AFTER INSERT ON calendar_year
BEGIN UPDATE cache_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_year_generation_update AFTER UPDATE ON calendar_year
BEGIN UPDATE cache_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_year_generation_delete AFTER DELETE ON calendar_year
BEGIN UPDATE cache_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_day_generation_insert AFTER INSERT ON calendar_day
BEGIN UPDATE cache_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_day_generation_update AFTER UPDATE ON calendar_day
BEGIN UPDATE cache_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_day_generation_delete AFTER DELETE ON calendar_day
BEGIN UPDATE cache_generation SET value = value + 1 WHERE id = 1; END;
