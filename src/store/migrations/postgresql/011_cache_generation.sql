-- 011_cache_generation.sql - the generation of what every server keeps in
-- memory (units and the working calendar), as
-- migrations/sqlite/011_cache_generation.sql; the triggers run once per
-- statement, and the row lock orders the servers' edits.
CREATE TABLE cache_generation (
	id integer PRIMARY KEY CHECK (id = 1),
	value bigint NOT NULL
);
INSERT INTO cache_generation (id, value) VALUES (1, 1);

CREATE FUNCTION cache_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE cache_generation SET value = value + 1 WHERE id = 1;
	RETURN NULL;
END
$$;
CREATE TRIGGER unit_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit
	FOR EACH STATEMENT EXECUTE FUNCTION cache_generation_bump();
CREATE TRIGGER calendar_year_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_year
	FOR EACH STATEMENT EXECUTE FUNCTION cache_generation_bump();
CREATE TRIGGER calendar_day_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_day
	FOR EACH STATEMENT EXECUTE FUNCTION cache_generation_bump();
