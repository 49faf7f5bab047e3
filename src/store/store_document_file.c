/*
 * store_document_file.c - the PDF of an official document on either engine
 * (store_document_file.h).
 */
#include "store/store_document_file.h"

#include "store/db.h"
#include "store/store_files.h"

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
	int rc = mc_store_attachment_put(st, sha256, pdf, len, "application/pdf");

	if (rc == 0)
		rc = mc_db_run(
		    st, sql, "record a document's file",
		    MC_ARGS(MC_I(document_id), MC_T(sha256), MC_I((int64_t)len), MC_I(signatures), MC_I(at)));
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

static const mc_col sign_request_cols[] = {
    MC_COL(MC_COL_I64, mc_document_sign_request, user_id, "user_id"),
    MC_COL_ARRAY(mc_document_sign_request, sha256, "sha256"),
    MC_COL(MC_COL_I64, mc_document_sign_request, size, "size"),
    MC_COL(MC_COL_STR, mc_document_sign_request, cms, "cms"),
    MC_COL(MC_COL_STR, mc_document_sign_request, certificate, "certificate"),
    MC_COL(MC_COL_I64, mc_document_sign_request, created_at, "created_at"),
    MC_COL(MC_COL_I64, mc_document_sign_request, version, "version"),
};

void mc_document_sign_request_clear(mc_document_sign_request *q)
{
	mc_row_clear(MC_COLS(sign_request_cols), q, sizeof *q);
}

/* The file the request of document_id prepared (sha256 empty when none
 * waits), read before the request is replaced or removed. */
static int sign_request_file(mc_store *st, int64_t document_id, char sha256[65])
{
	mc_document_sign_request old = {0};
	int rc = mc_store_document_sign_request_get(st, document_id, &old);

	sha256[0] = '\0';
	if (rc == 0)
		memcpy(sha256, old.sha256, 65);
	mc_document_sign_request_clear(&old);
	return rc == MC_ENOTFOUND ? 0 : rc;
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
	static const char prune_sql[] = "DELETE FROM document_sign_prepare WHERE user_id = $1 AND at < $2";
	static const char log_sql[] = "INSERT INTO document_sign_prepare (user_id, at) VALUES ($1, $2)";
	char sha256[65], old[65];
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	/* The file a former preparation left, released below once replaced. */
	rc = sign_request_file(st, document_id, old);
	if (rc == 0)
		rc = mc_store_attachment_put(st, sha256, pdf, len, "application/pdf");
	if (rc == 0)
		rc = mc_db_run(st, sql, "record a signature request",
			       MC_ARGS(MC_I(document_id), MC_I(user_id), MC_T(sha256), MC_I((int64_t)len),
				       MC_T(cms_hex), MC_T(certificate), MC_I(at), MC_I(version)));
	/* The same bytes again (prepared within the same second) are kept. */
	if (rc == 0 && old[0] && strcmp(old, sha256) != 0)
		rc = mc_files_release(st, old, at);
	/* Counted for the hour's limit; what is past it is forgotten. */
	if (rc == 0)
		rc = mc_db_run(st, prune_sql, "forget an account's former preparations",
			       MC_ARGS(MC_I(user_id), MC_I(at - 3600)));
	if (rc == 0)
		rc = mc_db_run(st, log_sql, "count a preparation", MC_ARGS(MC_I(user_id), MC_I(at)));
	return mc_db_op_end(st, kind, rc);
}

int mc_store_document_sign_prepares_by(mc_store *st, int64_t *out, int64_t user_id, int64_t since)
{
	static const char sql[] =
	    "SELECT count(*) FROM document_sign_prepare WHERE user_id = $1 AND at >= $2";
	int rc = mc_db_lock_account(st, user_id, "lock an account's preparations");

	*out = 0;
	return rc ? rc
		  : mc_db_int(st, sql, "count an account's preparations", out,
			      MC_ARGS(MC_I(user_id), MC_I(since)));
}

int mc_store_document_sign_request_get(mc_store *st, int64_t document_id, mc_document_sign_request *out)
{
	static const char sql[] = "SELECT user_id, sha256, size, cms, certificate, created_at, version FROM "
				  "document_sign_request WHERE document_id = $1";
	int rc;

	memset(out, 0, sizeof *out);
	rc = mc_db_read_by_id(st, sql, document_id, "read a signature request", MC_COLS(sign_request_cols),
			      out);
	if (rc)
		mc_document_sign_request_clear(out);
	return rc;
}

int mc_store_document_sign_request_delete(mc_store *st, int64_t document_id, int64_t at)
{
	static const char sql[] = "DELETE FROM document_sign_request WHERE document_id = $1";
	char old[65];
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	rc = sign_request_file(st, document_id, old);
	if (rc == 0)
		rc = mc_db_run(st, sql, "remove a signature request", MC_ARGS(MC_I(document_id)));
	/* The prepared file goes with its request, unless something else keeps
	 * the same bytes. */
	if (rc == 0 && old[0])
		rc = mc_files_release(st, old, at);
	return mc_db_op_end(st, kind, rc);
}

/* ---- versions of a draft (migration 034) -------------------------------- */

#define VERSION_COLS                                                                                         \
	"v.id, v.document_id, v.number, v.kind, v.filename, v.sha256, v.size, v.uploaded_by, "               \
	"coalesce(u.full_name, '') AS uploaded_by_name, v.created_at"
#define VERSION_FROM " FROM document_version v LEFT JOIN app_user u ON u.id = v.uploaded_by "

static const mc_col version_cols[] = {
    MC_COL(MC_COL_I64, mc_document_version, id, "id"),
    MC_COL(MC_COL_I64, mc_document_version, document_id, "document_id"),
    MC_COL(MC_COL_INT, mc_document_version, number, "number"),
    MC_COL(MC_COL_STR, mc_document_version, kind, "kind"),
    MC_COL(MC_COL_STR, mc_document_version, filename, "filename"),
    MC_COL_ARRAY(mc_document_version, sha256, "sha256"),
    MC_COL(MC_COL_I64, mc_document_version, size, "size"),
    MC_COL(MC_COL_I64, mc_document_version, uploaded_by, "uploaded_by"),
    MC_COL(MC_COL_STR, mc_document_version, uploaded_by_name, "uploaded_by_name"),
    MC_COL(MC_COL_I64, mc_document_version, created_at, "created_at"),
};

void mc_document_version_clear(mc_document_version *v)
{
	mc_row_clear(version_cols, MC_ARRAY_LEN(version_cols), v, sizeof *v);
}

void mc_document_version_free_list(mc_document_version *list, size_t n)
{
	mc_rows_free(version_cols, MC_ARRAY_LEN(version_cols), list, n, sizeof *list);
}

int mc_store_document_version_add(mc_store *st, mc_document_version *v, const char *mime)
{
	/* The next number in the same statement: the writer's transaction
	 * orders the uploads of a node, the unique (document_id, number) those
	 * of servers sharing a database. */
	static const char sql[] =
	    "INSERT INTO document_version (document_id, number, kind, filename, sha256, size, uploaded_by, "
	    "created_at) SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7 FROM "
	    "document_version "
	    "WHERE document_id = $1 RETURNING number";
	mc_q *q = NULL;
	int64_t number = 0;
	int rc = mc_store_attachment_record(st, v->sha256, v->size, mime);

	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, v->document_id);
		mc_q_text(q, 2, v->kind ? v->kind : "");
		mc_q_text(q, 3, v->filename ? v->filename : "");
		mc_q_text(q, 4, v->sha256);
		mc_q_int(q, 5, v->size);
		mc_q_int(q, 6, v->uploaded_by);
		mc_q_int(q, 7, v->created_at);
		rc = mc_q_insert_id(q, "record a document version", &number);
		if (rc == 0)
			v->number = (int)number;
	}
	mc_q_done(q);
	return rc;
}

int mc_store_document_versions(mc_store *st, mc_document_version **out, size_t *n, int64_t document_id)
{
	static const char sql[] =
	    "SELECT " VERSION_COLS VERSION_FROM "WHERE v.document_id = $1 ORDER BY v.number";
	return mc_db_read_list_by(st, sql, document_id, "list document versions", MC_COLS(version_cols),
				  sizeof **out, out, n);
}

int mc_store_document_version_get(mc_store *st, mc_document_version *out, int64_t document_id, int number)
{
	static const char sql[] =
	    "SELECT " VERSION_COLS VERSION_FROM "WHERE v.document_id = $1 AND ($2 = 0 OR v.number = $2) "
	    "ORDER BY v.number DESC LIMIT 1";
	int rc;

	memset(out, 0, sizeof *out);
	rc = mc_db_read(st, sql, "read a document version", MC_COLS(version_cols), out,
			MC_ARGS(MC_I(document_id), MC_I(number)));
	if (rc)
		mc_document_version_clear(out);
	return rc;
}

/* ---- attachments of a document (migration 041) -------------------------- */

#define ATTACHMENT_COLS                                                                                      \
	"a.id, a.document_id, a.number, a.sealed, a.filename, a.sha256, a.size, "                            \
	"coalesce(a.uploaded_by, 0) AS uploaded_by, "                                                        \
	"coalesce(u.full_name, '') AS uploaded_by_name, a.created_at"

static const mc_col attachment_cols[] = {
    MC_COL(MC_COL_I64, mc_document_attachment, id, "id"),
    MC_COL(MC_COL_I64, mc_document_attachment, document_id, "document_id"),
    MC_COL(MC_COL_INT, mc_document_attachment, number, "number"),
    MC_COL(MC_COL_INT, mc_document_attachment, sealed, "sealed"),
    MC_COL(MC_COL_STR, mc_document_attachment, filename, "filename"),
    MC_COL_ARRAY(mc_document_attachment, sha256, "sha256"),
    MC_COL(MC_COL_I64, mc_document_attachment, size, "size"),
    MC_COL(MC_COL_I64, mc_document_attachment, uploaded_by, "uploaded_by"),
    MC_COL(MC_COL_STR, mc_document_attachment, uploaded_by_name, "uploaded_by_name"),
    MC_COL(MC_COL_I64, mc_document_attachment, created_at, "created_at"),
};

void mc_document_attachment_clear(mc_document_attachment *a)
{
	mc_row_clear(attachment_cols, MC_ARRAY_LEN(attachment_cols), a, sizeof *a);
}

void mc_document_attachment_free_list(mc_document_attachment *list, size_t n)
{
	mc_rows_free(attachment_cols, MC_ARRAY_LEN(attachment_cols), list, n, sizeof *list);
}

int mc_store_document_attachment_add(mc_store *st, mc_document_attachment *a)
{
	/* The next number in the same statement, as versions: the unique
	 * (document_id, number, sealed) orders servers sharing a database. */
	static const char sql[] =
	    "INSERT INTO document_attachment (document_id, number, sealed, filename, sha256, size, "
	    "uploaded_by, created_at) SELECT $1, CASE WHEN $2 = 0 THEN coalesce(max(number), 0) + 1 ELSE $3 "
	    "END, $2, $4, $5, $6, nullif($7, 0), $8 FROM document_attachment WHERE document_id = $1 AND "
	    "sealed = 0 "
	    "RETURNING number";
	mc_q *q = NULL;
	int64_t number = 0;
	int rc = mc_store_attachment_record(st, a->sha256, a->size, "application/pdf");

	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, a->document_id);
		mc_q_int(q, 2, a->sealed ? 1 : 0);
		mc_q_int(q, 3, a->number);
		mc_q_text(q, 4, a->filename ? a->filename : "");
		mc_q_text(q, 5, a->sha256);
		mc_q_int(q, 6, a->size);
		mc_q_int(q, 7, a->uploaded_by);
		mc_q_int(q, 8, a->created_at);
		rc = mc_q_insert_id(q, "record a document attachment", &number);
		if (rc == 0)
			a->number = (int)number;
	}
	mc_q_done(q);
	return rc;
}

int mc_store_document_attachments(mc_store *st, mc_document_attachment **out, size_t *n, int64_t document_id)
{
	static const char sql[] =
	    "SELECT " ATTACHMENT_COLS
	    " FROM document_attachment a LEFT JOIN app_user u ON u.id = a.uploaded_by "
	    "WHERE a.document_id = $1 AND NOT EXISTS (SELECT 1 FROM document_attachment_removal x "
	    "WHERE x.document_id = a.document_id AND x.number = a.number) "
	    "ORDER BY a.number, a.sealed";
	return mc_db_read_list_by(st, sql, document_id, "list document attachments", MC_COLS(attachment_cols),
				  sizeof **out, out, n);
}

int mc_store_document_attachment_remove(mc_store *st, int64_t document_id, int number, int64_t user_id,
					int64_t at)
{
	static const char sql[] = "INSERT INTO document_attachment_removal (document_id, number, removed_by, "
				  "removed_at) VALUES ($1, $2, $3, $4)";
	return mc_db_try(st, sql, "remove a document attachment",
			 MC_ARGS(MC_I(document_id), MC_I(number), MC_I(user_id), MC_I(at)));
}
