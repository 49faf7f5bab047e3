-- 031_apology_warning.sql - the leaders warned of an apology due (docs/forms.md,
-- form 04): a dossier that comes within one working day of its due time with
-- no apology gets one message to its unit's leaders, once (app/apology.h
-- mc_app_apology_warn). A row here says that message was queued.
CREATE TABLE apology_warning (
	dossier_id bigint PRIMARY KEY REFERENCES dossier(id),
	due_at bigint NOT NULL,
	warned_at bigint NOT NULL
);
