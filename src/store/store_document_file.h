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
/* Stores the prepared pdf and the request of document_id (replacing one). */
int mc_store_document_sign_request_put(mc_store *st, int64_t document_id, int64_t user_id, int64_t version,
				       const void *pdf, size_t len, const char *cms_hex,
				       const char *certificate, int64_t at);
/* MC_ENOTFOUND when none waits. */
int mc_store_document_sign_request_get(mc_store *st, int64_t document_id, mc_document_sign_request *out);
int mc_store_document_sign_request_delete(mc_store *st, int64_t document_id);

#endif
