-- 038_apology_document.sql - an issued apology (form 04) registered as an
-- outgoing document of the apologising unit (docs/forms.md, form 04): the
-- document it was issued as, when the unit has an outgoing register; NULL
-- for an apology issued without one, or before this migration. One
-- document per apology and one apology per document.
ALTER TABLE apology ADD COLUMN document_id INTEGER REFERENCES document(id);
CREATE UNIQUE INDEX apology_document ON apology(document_id) WHERE document_id IS NOT NULL;
