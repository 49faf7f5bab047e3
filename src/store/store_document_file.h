/*
 * store_document_file.h - the PDF of an official document (migration 023):
 * a file of the attachment store (by SHA-256) named per document, with the
 * number of signatures it carries.
 */
#ifndef MC_STORE_DOCUMENT_FILE_H
#define MC_STORE_DOCUMENT_FILE_H

#include "store/store.h"

typedef struct {
	char sha256[65];
	int64_t size;
	int signatures;
	int64_t created_at;
} mc_document_file;

/* Stores pdf in the file store and names it document_id's file (replacing
 * the one it had). Inside the caller's transaction. */
int mc_store_document_file_put(mc_store *st, int64_t document_id, const void *pdf, size_t len, int signatures,
			       int64_t at);

/* The file of document_id; MC_ENOTFOUND when it has none. */
int mc_store_document_file_get(mc_store *st, int64_t document_id, mc_document_file *out);

/* A signature prepared for the signer's device (two steps). */
typedef struct {
	int64_t user_id; /* who asked */
	int64_t version; /* the document's version it was prepared from */
	char sha256[65]; /* the prepared file */
	int64_t size;
	char *cms;	   /* hex of the CMS waiting for its signature value */
	char *certificate; /* PEM */
	int64_t created_at;
} mc_document_sign_request;

void mc_document_sign_request_clear(mc_document_sign_request *q);
/* Stores the prepared pdf and the request of document_id (replacing one),
 * in one transaction: the file a replaced request prepared is released
 * (mc_files_release: deleted unless something else keeps the same bytes),
 * and the preparation counted for user_id (mc_store_document_sign_prepares_by). */
int mc_store_document_sign_request_put(mc_store *st, int64_t document_id, int64_t user_id, int64_t version,
				       const void *pdf, size_t len, const char *cms_hex,
				       const char *certificate, int64_t at);
/* The preparations user_id made from time since (*out): each put counts
 * one for its user (migration 057), and forgets theirs older than an hour.
 * Counted under the account's lock (db.h mc_db_lock_account). */
int mc_store_document_sign_prepares_by(mc_store *st, int64_t *out, int64_t user_id, int64_t since);
/* MC_ENOTFOUND when none waits. */
int mc_store_document_sign_request_get(mc_store *st, int64_t document_id, mc_document_sign_request *out);
/* Removes the request of document_id (none is no error) and releases its
 * prepared file as a replacement does, the deletion named from time at. */
int mc_store_document_sign_request_delete(mc_store *st, int64_t document_id, int64_t at);

/*
 * The versions of a draft uploaded as a file (migration 034): each upload a
 * new number from 1, its file in the file store, kept for good (the tables
 * refuse a change or a removal).
 */
typedef struct {
	int64_t id;
	int64_t document_id;
	int number;
	char *kind;	/* "pdf", "docx" (core/document.h) */
	char *filename; /* as uploaded */
	char sha256[65];
	int64_t size;
	int64_t uploaded_by;
	char *uploaded_by_name; /* the uploader's full name */
	int64_t created_at;
} mc_document_version;

void mc_document_version_clear(mc_document_version *v);
void mc_document_version_free_list(mc_document_version *list, size_t n);
/* Records the file sha256 (written to the file store by
 * mc_store_attachment_write, of v->size bytes, its type from v->kind) as
 * the next version of v->document_id; sets v->id and v->number. Inside the
 * caller's transaction. */
int mc_store_document_version_add(mc_store *st, mc_document_version *v, const char *mime);
/* The versions of document_id, oldest first. */
int mc_store_document_versions(mc_store *st, mc_document_version **out, size_t *n, int64_t document_id);
/* Version number of document_id, or its latest when number is 0.
 * MC_ENOTFOUND when there is none. Clear *out. */
int mc_store_document_version_get(mc_store *st, mc_document_version *out, int64_t document_id, int number);

/*
 * An attachment of an official document (migration 041): a PDF attached to
 * the draft (sealed 0, numbered from 1) or its copy sealed at issue (sealed
 * 1, the same number). Kept for good, like versions.
 */
typedef struct {
	int64_t id;
	int64_t document_id;
	int number;
	int sealed;
	char *filename;
	char sha256[65];
	int64_t size;
	int64_t uploaded_by;
	char *uploaded_by_name;
	int64_t created_at;
} mc_document_attachment;

void mc_document_attachment_clear(mc_document_attachment *a);
void mc_document_attachment_free_list(mc_document_attachment *list, size_t n);
/* Records a->sha256 (in the file store, a->size bytes, a PDF) as an
 * attachment of a->document_id: when a->sealed is 0 the next number, set in
 * a->number; when 1 the sealed copy of attachment a->number. Inside the
 * caller's transaction; MC_ECONFLICT when that copy exists. */
int mc_store_document_attachment_add(mc_store *st, mc_document_attachment *a);
/* The attachments of document_id, both kinds, by number then sealed; those
 * removed from the draft left out. */
int mc_store_document_attachments(mc_store *st, mc_document_attachment **out, size_t *n, int64_t document_id);
/* Takes attachment number of document_id off its draft (migration 051): its
 * rows stay, the lists leave it out and its number is not given again.
 * Inside the caller's transaction; MC_ECONFLICT when it was removed already. */
int mc_store_document_attachment_remove(mc_store *st, int64_t document_id, int number, int64_t user_id,
					int64_t at);

#endif
