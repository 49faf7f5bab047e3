-- 051_document_attachment_removal.sql - an attachment taken off a draft
-- (docs/documents.md §3c). The drafter may remove what was attached while
-- the document is still drafted or returned; document_attachment keeps its
-- rows for good (their triggers refuse a change), so a removal is a row of
-- its own: the attachment's number, who removed it and when. The lists leave
-- it out; its number is not given again; the removal is also an event of the
-- document's hash-chained log ("detach").
CREATE TABLE document_attachment_removal (
	document_id INTEGER NOT NULL REFERENCES document(id),
	number INTEGER NOT NULL,
	removed_by INTEGER NOT NULL REFERENCES app_user(id),
	removed_at INTEGER NOT NULL,
	PRIMARY KEY (document_id, number)
);
