-- 052_event_authors.sql - the events of documents and tasks by their author
-- and time: what the hourly limit on one account's steps counts in each
-- write (MC_LIMIT_DOCUMENT_STEPS_PER_HOUR, MC_LIMIT_TASK_STEPS_PER_HOUR in
-- src/core/limits.h; docs/operations.md), without reading a module's whole log.
CREATE INDEX document_event_user ON document_event(user_id, at);
CREATE INDEX task_event_user ON task_event(user_id, at);
