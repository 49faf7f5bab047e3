/*
 * store_document_file.c - the PDF of an official document on either engine
 * (store_document_file.h).
 */
#include "store/store_document_file.h"

#include "store/db.h"

#include <stdlib.h>
#include <string.h>

int mc_store_document_file_put(mc_store *st, int64_t document_id, const void *pdf, size_t len, int signatures,
			       int64_t at)
{
	static const char sql[] =
	    "INSERT INTO document_file (document_id, sha256, size, signatures, created_at) "
	    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (document_id) DO UPDATE SET sha256 = excluded.sha256, "
	    "size = excluded.size, signatures = excluded.signatures, created_at = excluded.created_at";
	char sha256[65];
	mc_q *q = NULL;
	int rc = mc_store_attachment_put(st, sha256, pdf, len, "application/pdf");

	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, document_id);
		mc_q_text(q, 2, sha256);
		mc_q_int(q, 3, (int64_t)len);
		mc_q_int(q, 4, signatures);
		mc_q_int(q, 5, at);
		rc = mc_q_exec(q, "record a document's file");
	}
	mc_q_done(q);
	return rc;
}

int mc_store_document_file_get(mc_store *st, int64_t document_id, mc_document_file *out)
{
	static const char sql[] =
	    "SELECT sha256, size, signatures, created_at FROM document_file WHERE document_id = $1";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	memset(out, 0, sizeof *out);
	if (rc == 0) {
		mc_q_int(q, 1, document_id);
		rc = mc_q_row(q, "read a document's file");
		if (rc == 1) {
			const char *s = mc_q_col_text(q, 0);
			if (s && strlen(s) == 64)
				memcpy(out->sha256, s, 65);
			out->size = mc_q_col_int(q, 1);
			out->signatures = (int)mc_q_col_int(q, 2);
			out->created_at = mc_q_col_int(q, 3);
			rc = 0;
		} else if (rc == 0) {
			rc = MC_ENOTFOUND;
		}
	}
	mc_q_done(q);
	return rc;
}

void mc_document_sign_request_clear(mc_document_sign_request *q)
{
	if (!q)
		return;
	free(q->cms);
	free(q->certificate);
	memset(q, 0, sizeof *q);
}

int mc_store_document_sign_request_put(mc_store *st, int64_t document_id, int64_t user_id, int64_t version,
				       const void *pdf, size_t len, const char *cms_hex,
				       const char *certificate, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO document_sign_request (document_id, user_id, sha256, size, cms, certificate, "
	    "created_at, "
	    "version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (document_id) DO UPDATE SET "
	    "user_id = excluded.user_id, version = excluded.version, sha256 = excluded.sha256, size = "
	    "excluded.size, cms = excluded.cms, certificate = excluded.certificate, created_at = "
	    "excluded.created_at";
	char sha256[65];
	mc_q *q = NULL;
	int rc = mc_store_attachment_put(st, sha256, pdf, len, "application/pdf");

	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, document_id);
		mc_q_int(q, 2, user_id);
		mc_q_text(q, 3, sha256);
		mc_q_int(q, 4, (int64_t)len);
		mc_q_text(q, 5, cms_hex);
		mc_q_text(q, 6, certificate);
		mc_q_int(q, 7, at);
		mc_q_int(q, 8, version);
		rc = mc_q_exec(q, "record a signature request");
	}
	mc_q_done(q);
	return rc;
}

int mc_store_document_sign_request_get(mc_store *st, int64_t document_id, mc_document_sign_request *out)
{
	static const char sql[] = "SELECT user_id, sha256, size, cms, certificate, created_at, version FROM "
				  "document_sign_request WHERE document_id = $1";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	memset(out, 0, sizeof *out);
	if (rc == 0) {
		mc_q_int(q, 1, document_id);
		rc = mc_q_row(q, "read a signature request");
		if (rc == 1) {
			const char *s = mc_q_col_text(q, 1);
			out->user_id = mc_q_col_int(q, 0);
			if (s && strlen(s) == 64)
				memcpy(out->sha256, s, 65);
			out->size = mc_q_col_int(q, 2);
			out->cms = mc_xstrdup(mc_q_col_text(q, 3) ? mc_q_col_text(q, 3) : "");
			out->certificate = mc_xstrdup(mc_q_col_text(q, 4) ? mc_q_col_text(q, 4) : "");
			out->created_at = mc_q_col_int(q, 5);
			out->version = mc_q_col_int(q, 6);
			rc = 0;
		} else if (rc == 0) {
			rc = MC_ENOTFOUND;
		}
	}
	mc_q_done(q);
	return rc;
}

int mc_store_document_sign_request_delete(mc_store *st, int64_t document_id)
{
	static const char sql[] = "DELETE FROM document_sign_request WHERE document_id = $1";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, document_id);
		rc = mc_q_exec(q, "remove a signature request");
	}
	mc_q_done(q);
	return rc;
}
