-- 019_form_templates.sql - the file of a document's form template (mẫu đơn,
-- tờ khai), where the catalogue has one (issue 15): an attachment, kept under
-- its digest like every file, and the name it is downloaded as. '' while the
-- catalogue names the form without its file.
ALTER TABLE procedure_document ADD COLUMN template_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE procedure_document ADD COLUMN template_filename TEXT NOT NULL DEFAULT '';
