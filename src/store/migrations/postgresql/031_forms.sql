-- 031_forms.sql - the leaders warned of an apology due (docs/forms.md,
-- form 04): a dossier that comes within one working day of its due time with
-- no apology gets one message to its unit's leaders, once (app/apology.h
-- mc_app_apology_warn). A row here says that message was queued.
CREATE TABLE apology_warning (
	dossier_id bigint PRIMARY KEY REFERENCES dossier(id),
	due_at bigint NOT NULL,
	warned_at bigint NOT NULL
);

-- The numbers (Số) of forms 02 (supplement request) and 04 (apology), given
-- by the system when the act is recorded, in a series per kind, unit and
-- local year (docs/forms.md): form_counter holds the last one given, so a
-- number is never reused, and it is taken in the act's transaction, so none
-- is skipped. ref names the act: the request's time for 02, the apology's
-- id for 04.
CREATE TABLE form_counter (
	kind INTEGER NOT NULL,
	unit_id bigint NOT NULL REFERENCES unit(id),
	year INTEGER NOT NULL,
	last INTEGER NOT NULL,
	PRIMARY KEY (kind, unit_id, year)
);
CREATE TABLE form_number (
	kind INTEGER NOT NULL,
	dossier_id bigint NOT NULL REFERENCES dossier(id),
	ref bigint NOT NULL,
	unit_id bigint NOT NULL REFERENCES unit(id),
	year INTEGER NOT NULL,
	number INTEGER NOT NULL,
	PRIMARY KEY (kind, dossier_id, ref),
	UNIQUE (kind, unit_id, year, number)
);
