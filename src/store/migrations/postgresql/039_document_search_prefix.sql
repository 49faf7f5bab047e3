-- 039_document_search_prefix.sql - the registers' word index of 028 without
-- GIN's pending list: with fastupdate on, new documents wait in an unsorted
-- list that every search reads whole before the index proper (up to
-- gin_pending_list_limit, 4 MB by default), which a register written all day
-- pays on every search. Off, each insert updates the index itself. SQLite's
-- 039 gives its FTS5 table prefix indexes (migrations/sqlite/039).
ALTER INDEX document_search SET (fastupdate = off);
SELECT gin_clean_pending_list('document_search'::regclass);
