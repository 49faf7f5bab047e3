-- 019_form_templates.sql - the file of a document's form template, as
-- migrations/sqlite/019_form_templates.sql.
ALTER TABLE procedure_document ADD COLUMN template_sha256 text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE procedure_document ADD COLUMN template_filename text NOT NULL DEFAULT '';
