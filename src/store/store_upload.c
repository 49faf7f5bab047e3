/*
 * store_upload.c - uploads, their owners and expiry, and the deletion of
 * files no row names any more (store.h, "uploads"), on either engine (db.h).
 *
 * A sweep that finds no attachment row for a file and deletes it must not
 * interleave with a record that finds the file and inserts its row. On
 * SQLite one writer at a time holds the database, and every writer of a
 * server is its group committer. On PostgreSQL several servers may share
 * the database and the attachment folder, each with its own writer: a file
 * is recorded and swept under a lock of its digest (mc_db_lock) taken
 * before the file is looked at, so that the second of the two sees what the
 * first committed.
 */
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_files.h"

/* The spaces of the locks: a file, by the first 32 bits of its digest; an
 * account's uploads, by its id. */
#define LOCK_FILE 1835230070
#define LOCK_ACCOUNT 1835230071

static int lock(mc_store *st, int64_t space, uint32_t key, const char *what)
{
	return mc_db_lock(st, (space << 32) | (int64_t)key, what);
}

int mc_db_lock_account(mc_store *st, int64_t user_id, const char *what)
{
	return user_id > 0 ? lock(st, LOCK_ACCOUNT, (uint32_t)user_id, what) : 0;
}

int mc_files_lock(mc_store *st, const char *sha256)
{
	char head[9];

	snprintf(head, sizeof head, "%.8s", sha256);
	return lock(st, LOCK_FILE, (uint32_t)strtoul(head, NULL, 16), "lock a file");
}

int mc_files_record(mc_store *st, const char *sha256, int64_t size, const char *mime, int64_t at)
{
	static const char sql[] = "INSERT INTO attachment (sha256, size, mime, created_at) "
				  "VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING";
	int rc = mc_files_lock(st, sha256);

	if (rc == 0 && !mc_files_whole(mc_db_files_dir(st), sha256, size))
		rc = MC_EBUSY;
	if (rc == 0)
		rc = mc_db_run(st, sql, "record attachment",
			       MC_ARGS(MC_T(sha256), MC_I(size),
				       MC_T(mime ? mime : "application/octet-stream"), MC_I(at)));
	return rc;
}

int mc_files_recorded(mc_store *st, bool *out, const char *sha256)
{
	static const char sql[] = "SELECT 1 FROM attachment WHERE sha256 = $1";
	int64_t found = 0;
	int rc = mc_db_int(st, sql, "read attachment", &found, MC_ARGS(MC_T(sha256)));

	*out = found == 1;
	return rc;
}

/* A file no longer to be deleted: recorded again, or deleted. */
static const char unname_sql[] = "DELETE FROM file_gc WHERE sha256 = $1";

int mc_files_name_for_deletion(mc_store *st, const char *sha256, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO file_gc (sha256, at) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING";
	return mc_db_run(st, sql, "name a file for deletion", MC_ARGS(MC_T(sha256), MC_I(at)));
}

/* Each row of a list of files one owned string of the array. */
static const mc_col name_cols[] = {{"sha256", MC_COL_STR, 0, 0}};

int mc_store_upload_usage(mc_store *st, mc_upload_usage *out, int64_t user_id, int64_t since)
{
	static const char sql[] =
	    "SELECT count(*), coalesce(sum(u.size), 0), "
	    "(SELECT coalesce(sum(r.size), 0) FROM upload r WHERE r.user_id = $1 AND r.created_at >= $2) + "
	    "(SELECT coalesce(sum(v.size), 0) FROM document_version v "
	    "WHERE v.uploaded_by = $1 AND v.created_at >= $2) + "
	    "(SELECT coalesce(sum(a.size), 0) FROM document_attachment a "
	    "WHERE a.uploaded_by = $1 AND a.created_at >= $2 AND a.sealed = 0) "
	    "FROM upload u WHERE u.user_id = $1 "
	    "AND NOT EXISTS (SELECT 1 FROM dossier_document d WHERE d.sha256 = u.sha256)";
	mc_q *q = NULL;
	int rc = mc_db_lock_account(st, user_id, "lock an account's uploads");

	memset(out, 0, sizeof *out);
	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, user_id);
	mc_q_int(q, 2, since);
	rc = mc_q_row(q, "read upload usage");
	if (rc == 1) {
		out->unattached_files = mc_q_col_int(q, 0);
		out->unattached_bytes = mc_q_col_int(q, 1);
		out->recent_bytes = mc_q_col_int(q, 2);
		rc = 0;
	}
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_upload_record(mc_store *st, int64_t user_id, const char *sha256, int64_t size, const char *mime,
			   int64_t at)
{
	static const char upload_sql[] =
	    "INSERT INTO upload (user_id, sha256, size, created_at) VALUES ($1, $2, $3, $4) "
	    "ON CONFLICT (user_id, sha256) DO UPDATE SET created_at = excluded.created_at";
	int kind = 0;
	int rc;

	if (!mc_files_sha256_valid(sha256) || size < 0 || (uint64_t)size > MC_ATTACHMENT_MAX || user_id <= 0)
		return MC_EINVAL;
	rc = mc_db_op_begin(st, &kind);
	if (rc)
		return rc;
	rc = mc_files_record(st, sha256, size, mime, at);
	if (rc == 0)
		rc = mc_db_run(st, upload_sql, "record upload",
			       MC_ARGS(MC_I(user_id), MC_T(sha256), MC_I(size), MC_I(at)));
	if (rc == 0)
		rc = mc_db_run(st, unname_sql, "keep a file", MC_ARGS(MC_T(sha256)));
	return mc_db_op_end(st, kind, rc);
}

int mc_store_upload_owned(mc_store *st, bool *out, int64_t user_id, const char *sha256)
{
	static const char sql[] = "SELECT 1 FROM upload WHERE user_id = $1 AND sha256 = $2";
	int64_t found = 0;
	int rc;

	*out = false;
	if (!mc_files_sha256_valid(sha256))
		return 0;
	rc = mc_db_int(st, sql, "read upload", &found, MC_ARGS(MC_I(user_id), MC_T(sha256)));
	*out = found != 0;
	return rc;
}

int mc_store_upload_discard(mc_store *st, const char *sha256, int64_t at)
{
	if (!mc_files_sha256_valid(sha256))
		return MC_EINVAL;
	return mc_files_name_for_deletion(st, sha256, at);
}

/* Removes the row of the recorded file sha256 when nothing keeps it, and
 * names it for the sweep's deletion from time at; a file still used stays. */
int mc_files_release(mc_store *st, const char *sha256, int64_t at)
{
	static const char del_file_sql[] =
	    "DELETE FROM attachment WHERE sha256 = $1 "
	    "AND NOT EXISTS (SELECT 1 FROM dossier_document d WHERE d.sha256 = $1) "
	    "AND NOT EXISTS (SELECT 1 FROM procedure_document p WHERE p.template_sha256 = $1) "
	    "AND NOT EXISTS (SELECT 1 FROM document_file f WHERE f.sha256 = $1) "
	    "AND NOT EXISTS (SELECT 1 FROM document_version v WHERE v.sha256 = $1) "
	    "AND NOT EXISTS (SELECT 1 FROM document_attachment a WHERE a.sha256 = $1) "
	    "AND NOT EXISTS (SELECT 1 FROM document_sign_request s WHERE s.sha256 = $1) "
	    "AND NOT EXISTS (SELECT 1 FROM par_evidence e WHERE e.sha256 = $1) "
	    "AND NOT EXISTS (SELECT 1 FROM upload u WHERE u.sha256 = $1)";
	int rc;

	if (!mc_files_sha256_valid(sha256))
		return 0;
	/* Under the file's lock, like a record of it on another server. */
	rc = mc_files_lock(st, sha256);
	if (rc == 0) {
		/* 1, no code of a failure: no row deleted, the file is still used. */
		rc = mc_db_change(st, del_file_sql, "remove an unused attachment", MC_SOME, 1,
				  MC_ARGS(MC_T(sha256)));
		if (rc == 0)
			rc = mc_files_name_for_deletion(st, sha256, at);
		else if (rc == 1)
			rc = 0;
	}
	return rc;
}

int mc_store_upload_expire(mc_store *st, int64_t *expired, int64_t before, int limit)
{
	static const char list_sql[] =
	    "SELECT DISTINCT sha256 FROM upload WHERE created_at < $2 ORDER BY sha256 LIMIT $1";
	static const char del_upload_sql[] = "DELETE FROM upload WHERE sha256 = $1 AND created_at < $2";
	char **list = NULL;
	size_t n = 0;
	int kind = 0;
	int rc;

	*expired = 0;
	rc = mc_db_op_begin(st, &kind);
	if (rc)
		return rc;
	rc = mc_db_list(st, list_sql, "list expired uploads", MC_COLS(name_cols), sizeof *list, &list, &n,
			MC_ARGS(MC_I(limit > 0 ? limit : 1000), MC_I(before)));
	if (rc == 0)
		*expired = (int64_t)n;
	for (size_t i = 0; i < n && rc == 0; i++) {
		/* Under the file's lock, like a record of it on another server. */
		rc = mc_files_lock(st, list[i]);
		if (rc == 0)
			rc = mc_db_run(st, del_upload_sql, "remove an expired upload",
				       MC_ARGS(MC_T(list[i]), MC_I(before)));
		if (rc == 0)
			rc = mc_files_release(st, list[i], before);
	}
	mc_rows_free(MC_COLS(name_cols), list, n, sizeof *list);
	return mc_db_op_end(st, kind, rc);
}

int mc_store_files_sweep(mc_store *st, int64_t *removed, int limit)
{
	static const char list_sql[] = "SELECT sha256 FROM file_gc ORDER BY at, sha256 LIMIT $1";
	char **list = NULL;
	size_t n = 0;
	int kind = 0;
	int rc;

	*removed = 0;
	rc = mc_db_op_begin(st, &kind);
	if (rc)
		return rc;
	rc = mc_db_list(st, list_sql, "list files to delete", MC_COLS(name_cols), sizeof *list, &list, &n,
			MC_ARGS(MC_I(limit > 0 ? limit : 1000)));
	for (size_t i = 0; i < n && rc == 0; i++) {
		/* A name that is no digest names no file: it is only forgotten. */
		if (mc_files_sha256_valid(list[i])) {
			bool recorded = false;

			rc = mc_files_lock(st, list[i]);
			if (rc == 0)
				rc = mc_files_recorded(st, &recorded, list[i]);
			if (rc)
				break;
			/* Recorded again since: the file is in use. */
			if (!recorded) {
				rc = mc_files_remove(mc_db_files_dir(st), list[i]);
				if (rc)
					break;
				(*removed)++;
			}
		}
		rc = mc_db_run(st, unname_sql, "forget a deleted file", MC_ARGS(MC_T(list[i])));
	}
	mc_rows_free(MC_COLS(name_cols), list, n, sizeof *list);
	return mc_db_op_end(st, kind, rc);
}

int mc_store_files_clean_tmp(mc_store *st, int64_t *removed, int64_t before)
{
	return mc_files_clean_tmp(mc_db_files_dir(st), before, removed);
}
