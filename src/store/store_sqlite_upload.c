/*
 * store_sqlite_upload.c - uploads, their owners and expiry, and the deletion
 * of files no row names any more, in the SQLite store (store.h, "uploads").
 *
 * One writer at a time holds the database (BEGIN IMMEDIATE), and every writer
 * of a server is its group committer: a sweep that finds no attachment row
 * for a file and deletes it cannot interleave with a job that records one.
 */
#include "store/store_sqlite_int.h"

#include "store/store_files.h"

#include <stdio.h>
#include <stdlib.h>

int mc_sqlite_upload_usage(mc_sqlite *st, mc_upload_usage *out, int64_t user_id, int64_t since)
{
	static const char sql[] =
	    "SELECT count(*), coalesce(sum(u.size), 0), "
	    "(SELECT coalesce(sum(r.size), 0) FROM upload r WHERE r.user_id = ?1 AND r.created_at >= ?2) "
	    "FROM upload u WHERE u.user_id = ?1 "
	    "AND NOT EXISTS (SELECT 1 FROM dossier_document d WHERE d.sha256 = u.sha256)";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	memset(out, 0, sizeof *out);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, user_id);
	mc_sq_bind_int(s, 2, since);
	rc = mc_sq_row(st, s, "read upload usage");
	if (rc < 0)
		goto cleanup;
	if (rc > 0) {
		out->unattached_files = sqlite3_column_int64(s, 0);
		out->unattached_bytes = sqlite3_column_int64(s, 1);
		out->recent_bytes = sqlite3_column_int64(s, 2);
	}
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_upload_record(mc_sqlite *st, int64_t user_id, const char *sha256, int64_t size,
			    const char *mime, int64_t at)
{
	static const char file_sql[] =
	    "INSERT INTO attachment (sha256, size, mime, created_at) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT (sha256) DO NOTHING";
	static const char upload_sql[] =
	    "INSERT INTO upload (user_id, sha256, size, created_at) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT (user_id, sha256) DO UPDATE SET created_at = excluded.created_at";
	static const char keep_sql[] = "DELETE FROM file_gc WHERE sha256 = ?1";
	sqlite3_stmt *s = NULL;
	int rc;

	if (!mc_files_sha256_valid(sha256) || size < 0 || (uint64_t)size > MC_ATTACHMENT_MAX || user_id <= 0)
		return MC_EINVAL;
	/* A sweep may have deleted the file as unused between its writing and
	 * now; the row must never name a file that is not there. */
	if (!mc_files_whole(st->files_dir, sha256, size))
		return MC_EBUSY;
	rc = mc_sq_op_begin(st);
	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, file_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, sha256);
	mc_sq_bind_int(s, 2, size);
	mc_sq_bind_text(s, 3, mime ? mime : "application/octet-stream");
	mc_sq_bind_int(s, 4, at);
	rc = mc_sq_exec(st, s, "record attachment");
	mc_sq_done(s);
	s = NULL;
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, upload_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, user_id);
	mc_sq_bind_text(s, 2, sha256);
	mc_sq_bind_int(s, 3, size);
	mc_sq_bind_int(s, 4, at);
	rc = mc_sq_exec(st, s, "record upload");
	mc_sq_done(s);
	s = NULL;
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, keep_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, sha256);
	rc = mc_sq_exec(st, s, "keep a file");
cleanup:
	mc_sq_done(s);
	return mc_sq_op_end(st, rc);
}

int mc_sqlite_upload_owned(mc_sqlite *st, bool *out, int64_t user_id, const char *sha256)
{
	static const char sql[] = "SELECT 1 FROM upload WHERE user_id = ?1 AND sha256 = ?2";
	sqlite3_stmt *s = NULL;
	int rc;

	*out = false;
	if (!mc_files_sha256_valid(sha256))
		return 0;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, user_id);
	mc_sq_bind_text(s, 2, sha256);
	rc = mc_sq_row(st, s, "read upload");
	if (rc < 0)
		goto cleanup;
	*out = rc > 0;
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_upload_discard(mc_sqlite *st, const char *sha256, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO file_gc (sha256, at) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING";
	sqlite3_stmt *s = NULL;
	int rc;

	if (!mc_files_sha256_valid(sha256))
		return MC_EINVAL;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, sha256);
	mc_sq_bind_int(s, 2, at);
	rc = mc_sq_exec(st, s, "name a file for deletion");
cleanup:
	mc_sq_done(s);
	return rc;
}

/* Reads the first column of every row of s as a digest; caller frees *out. */
static int read_digests(mc_sqlite *st, sqlite3_stmt *s, char (**out)[65], size_t *n, const char *what)
{
	char(*list)[65] = NULL;
	size_t len = 0, cap = 0;
	int rc;

	while ((rc = mc_sq_row(st, s, what)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			list = mc_xrealloc(list, cap * sizeof *list);
		}
		mc_sq_col_text(list[len], sizeof list[len], s, 0);
		len++;
	}
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}

int mc_sqlite_upload_expire(mc_sqlite *st, int64_t *expired, int64_t before, int limit)
{
	static const char list_sql[] =
	    "SELECT DISTINCT sha256 FROM upload WHERE created_at < ?1 ORDER BY sha256 LIMIT ?2";
	static const char del_upload_sql[] = "DELETE FROM upload WHERE sha256 = ?1 AND created_at < ?2";
	static const char del_file_sql[] =
	    "DELETE FROM attachment WHERE sha256 = ?1 "
	    "AND NOT EXISTS (SELECT 1 FROM dossier_document d WHERE d.sha256 = ?1) "
	    "AND NOT EXISTS (SELECT 1 FROM upload u WHERE u.sha256 = ?1)";
	static const char gc_sql[] =
	    "INSERT INTO file_gc (sha256, at) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING";
	sqlite3_stmt *s = NULL;
	char(*list)[65] = NULL;
	size_t n = 0;
	int rc;

	*expired = 0;
	rc = mc_sq_op_begin(st);
	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, list_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, before);
	mc_sq_bind_int(s, 2, limit > 0 ? limit : 1000);
	rc = read_digests(st, s, &list, &n, "list expired uploads");
	mc_sq_done(s);
	s = NULL;
	if (rc == 0)
		*expired = (int64_t)n;
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = mc_sq_prepare(st, &s, del_upload_sql);
		if (rc)
			break;
		mc_sq_bind_text(s, 1, list[i]);
		mc_sq_bind_int(s, 2, before);
		rc = mc_sq_exec(st, s, "remove an expired upload");
		mc_sq_done(s);
		s = NULL;
		if (rc)
			break;
		rc = mc_sq_prepare(st, &s, del_file_sql);
		if (rc)
			break;
		mc_sq_bind_text(s, 1, list[i]);
		rc = mc_sq_exec(st, s, "remove an unused attachment");
		mc_sq_done(s);
		s = NULL;
		if (rc || sqlite3_changes(st->db) == 0)
			continue;
		rc = mc_sq_prepare(st, &s, gc_sql);
		if (rc)
			break;
		mc_sq_bind_text(s, 1, list[i]);
		mc_sq_bind_int(s, 2, before);
		rc = mc_sq_exec(st, s, "name a file for deletion");
		mc_sq_done(s);
		s = NULL;
	}
cleanup:
	mc_sq_done(s);
	free(list);
	return mc_sq_op_end(st, rc);
}

int mc_sqlite_files_sweep(mc_sqlite *st, int64_t *removed, int limit)
{
	static const char list_sql[] = "SELECT sha256 FROM file_gc ORDER BY at, sha256 LIMIT ?1";
	static const char row_sql[] = "SELECT 1 FROM attachment WHERE sha256 = ?1";
	static const char done_sql[] = "DELETE FROM file_gc WHERE sha256 = ?1";
	sqlite3_stmt *s = NULL;
	char(*list)[65] = NULL;
	size_t n = 0;
	int rc;

	*removed = 0;
	rc = mc_sq_op_begin(st);
	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, list_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, limit > 0 ? limit : 1000);
	rc = read_digests(st, s, &list, &n, "list files to delete");
	mc_sq_done(s);
	s = NULL;
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool named;

		rc = mc_sq_prepare(st, &s, row_sql);
		if (rc)
			break;
		mc_sq_bind_text(s, 1, list[i]);
		rc = mc_sq_row(st, s, "read attachment");
		mc_sq_done(s);
		s = NULL;
		if (rc < 0)
			break;
		named = rc > 0;
		rc = 0;
		/* Recorded again since: the file is in use. */
		if (!named && mc_files_sha256_valid(list[i])) {
			rc = mc_files_remove(st->files_dir, list[i]);
			if (rc)
				break;
			(*removed)++;
		}
		rc = mc_sq_prepare(st, &s, done_sql);
		if (rc)
			break;
		mc_sq_bind_text(s, 1, list[i]);
		rc = mc_sq_exec(st, s, "forget a deleted file");
		mc_sq_done(s);
		s = NULL;
	}
cleanup:
	mc_sq_done(s);
	free(list);
	return mc_sq_op_end(st, rc);
}

int mc_sqlite_files_clean_tmp(mc_sqlite *st, int64_t *removed, int64_t before)
{
	return mc_files_clean_tmp(st->files_dir, before, removed);
}
