-- 050_document_upload_budget.sql - the daily upload budget of an account
-- (upload_daily_bytes, docs/operations.md §11) counts the versions and
-- attachments it uploads to its drafts (docs/documents.md §3b, §3c) as well
-- as its uploads for dossiers: the store sums each table by uploader over the
-- last 24 hours in every such write.
CREATE INDEX document_version_uploader ON document_version(uploaded_by, created_at);
CREATE INDEX document_attachment_uploader ON document_attachment(uploaded_by, created_at);
