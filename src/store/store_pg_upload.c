/*
 * store_pg_upload.c - uploads, their owners and expiry, and the deletion of
 * files no row names any more, in the PostgreSQL store (store.h, "uploads").
 *
 * Several servers may share the database and the attachment folder, each
 * with its own writer. A file is recorded and swept under a transaction lock
 * of its digest (pg_advisory_xact_lock), taken before the file is looked at:
 * a sweep that finds no row and deletes the file, and a record that finds the
 * file and inserts its row, follow one another, and the second sees what the
 * first committed.
 */
#include "store/store_pg_int.h"

#include "store/store_files.h"

#include <stdio.h>
#include <stdlib.h>

#define LOCK_FILE 1835230070	/* a file, by the first 32 bits of its digest */
#define LOCK_ACCOUNT 1835230071 /* an account's uploads, by its id */

static int lock(mc_pg *st, int space, int64_t key, const char *what)
{
	static const char sql[] = "SELECT pg_advisory_xact_lock($1::int, $2::int)";
	struct mc_pq_params p = {0};
	int rc;

	mc_pq_set_int(&p, 1, space);
	mc_pq_set_int(&p, 2, (int32_t)(uint32_t)key);
	rc = mc_pq_run(st, NULL, sql, &p, what);
	mc_pq_params_clear(&p);
	return rc;
}

static int lock_file(mc_pg *st, const char *sha256)
{
	char head[9];

	memcpy(head, sha256, 8);
	head[8] = '\0';
	return lock(st, LOCK_FILE, (int64_t)strtoul(head, NULL, 16), "lock a file");
}

int mc_pg_upload_usage(mc_pg *st, mc_upload_usage *out, int64_t user_id, int64_t since)
{
	static const char sql[] =
	    "SELECT count(*), coalesce(sum(u.size), 0), "
	    "(SELECT coalesce(sum(r.size), 0) FROM upload r WHERE r.user_id = $1::bigint "
	    "AND r.created_at >= $2::bigint) "
	    "FROM upload u WHERE u.user_id = $1::bigint "
	    "AND NOT EXISTS (SELECT 1 FROM dossier_document d WHERE d.sha256 = u.sha256)";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (st->tx_open)
		rc = lock(st, LOCK_ACCOUNT, user_id, "lock an account's uploads");
	if (rc)
		return rc;
	mc_pq_set_int(&p, 1, user_id);
	mc_pq_set_int(&p, 2, since);
	rc = mc_pq_run(st, &r, sql, &p, "read upload usage");
	if (rc == 0 && PQntuples(r) == 1) {
		out->unattached_files = mc_pq_get_i64(r, 0, 0);
		out->unattached_bytes = mc_pq_get_i64(r, 0, 1);
		out->recent_bytes = mc_pq_get_i64(r, 0, 2);
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_upload_record(mc_pg *st, int64_t user_id, const char *sha256, int64_t size, const char *mime,
			int64_t at)
{
	static const char file_sql[] =
	    "INSERT INTO attachment (sha256, size, mime, created_at) "
	    "VALUES ($1::text, $2::bigint, $3::text, $4::bigint) ON CONFLICT (sha256) DO NOTHING";
	static const char upload_sql[] =
	    "INSERT INTO upload (user_id, sha256, size, created_at) VALUES ($1::bigint, $2::text, "
	    "$3::bigint, "
	    "$4::bigint) ON CONFLICT (user_id, sha256) DO UPDATE SET created_at = excluded.created_at";
	static const char keep_sql[] = "DELETE FROM file_gc WHERE sha256 = $1::text";
	struct mc_pq_params p = {0};
	int kind = 0;
	int rc;

	if (!mc_files_sha256_valid(sha256) || size < 0 || (uint64_t)size > MC_ATTACHMENT_MAX || user_id <= 0)
		return MC_EINVAL;
	rc = mc_pq_op_begin(st, &kind);
	if (rc)
		return rc;
	rc = lock_file(st, sha256);
	if (rc)
		goto cleanup;
	/* A sweep may have deleted the file as unused since it was written. */
	if (!mc_files_whole(st->files_dir, sha256, size)) {
		rc = MC_EBUSY;
		goto cleanup;
	}
	mc_pq_set_text(&p, 1, sha256);
	mc_pq_set_int(&p, 2, size);
	mc_pq_set_text(&p, 3, mime ? mime : "application/octet-stream");
	mc_pq_set_int(&p, 4, at);
	rc = mc_pq_run(st, NULL, file_sql, &p, "record attachment");
	mc_pq_params_clear(&p);
	if (rc)
		goto cleanup;
	mc_pq_set_int(&p, 1, user_id);
	mc_pq_set_text(&p, 2, sha256);
	mc_pq_set_int(&p, 3, size);
	mc_pq_set_int(&p, 4, at);
	rc = mc_pq_run(st, NULL, upload_sql, &p, "record upload");
	mc_pq_params_clear(&p);
	if (rc)
		goto cleanup;
	mc_pq_set_text(&p, 1, sha256);
	rc = mc_pq_run(st, NULL, keep_sql, &p, "keep a file");
cleanup:
	mc_pq_params_clear(&p);
	return mc_pq_op_end(st, kind, rc);
}

int mc_pg_upload_owned(mc_pg *st, bool *out, int64_t user_id, const char *sha256)
{
	static const char sql[] = "SELECT 1 FROM upload WHERE user_id = $1::bigint AND sha256 = $2::text";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	*out = false;
	if (!mc_files_sha256_valid(sha256))
		return 0;
	mc_pq_set_int(&p, 1, user_id);
	mc_pq_set_text(&p, 2, sha256);
	rc = mc_pq_run(st, &r, sql, &p, "read upload");
	if (rc == 0)
		*out = PQntuples(r) > 0;
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_upload_discard(mc_pg *st, const char *sha256, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO file_gc (sha256, at) VALUES ($1::text, $2::bigint) ON CONFLICT (sha256) DO NOTHING";
	struct mc_pq_params p = {0};
	int rc;

	if (!mc_files_sha256_valid(sha256))
		return MC_EINVAL;
	mc_pq_set_text(&p, 1, sha256);
	mc_pq_set_int(&p, 2, at);
	rc = mc_pq_write(st, NULL, sql, &p, "name a file for deletion");
	mc_pq_params_clear(&p);
	return rc;
}

/* The first column of every row of r as digests; caller frees *out. */
static void read_digests(const PGresult *r, char (**out)[65], size_t *n)
{
	int rows = PQntuples(r);

	*out = rows ? mc_xcalloc((size_t)rows, sizeof **out) : NULL;
	for (int i = 0; i < rows; i++)
		mc_pq_get_text((*out)[i], sizeof(*out)[i], r, i, 0);
	*n = (size_t)rows;
}

int mc_pg_upload_expire(mc_pg *st, int64_t *expired, int64_t before, int limit)
{
	static const char list_sql[] = "SELECT DISTINCT sha256 FROM upload WHERE created_at < $1::bigint "
				       "ORDER BY sha256 LIMIT $2::bigint";
	static const char del_upload_sql[] =
	    "DELETE FROM upload WHERE sha256 = $1::text AND created_at < $2::bigint";
	static const char del_file_sql[] =
	    "DELETE FROM attachment WHERE sha256 = $1::text "
	    "AND NOT EXISTS (SELECT 1 FROM dossier_document d WHERE d.sha256 = $1::text) "
	    "AND NOT EXISTS (SELECT 1 FROM upload u WHERE u.sha256 = $1::text)";
	static const char gc_sql[] =
	    "INSERT INTO file_gc (sha256, at) VALUES ($1::text, $2::bigint) ON CONFLICT (sha256) DO NOTHING";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char(*list)[65] = NULL;
	size_t n = 0;
	int kind = 0;
	int rc;

	*expired = 0;
	rc = mc_pq_op_begin(st, &kind);
	if (rc)
		return rc;
	mc_pq_set_int(&p, 1, before);
	mc_pq_set_int(&p, 2, limit > 0 ? limit : 1000);
	rc = mc_pq_run(st, &r, list_sql, &p, "list expired uploads");
	mc_pq_params_clear(&p);
	if (rc)
		goto cleanup;
	read_digests(r, &list, &n);
	*expired = (int64_t)n;
	PQclear(r);
	r = NULL;
	for (size_t i = 0; i < n && rc == 0; i++) {
		/* Under the file's lock, like a record of it on another server. */
		rc = lock_file(st, list[i]);
		if (rc)
			break;
		mc_pq_set_text(&p, 1, list[i]);
		mc_pq_set_int(&p, 2, before);
		rc = mc_pq_run(st, NULL, del_upload_sql, &p, "remove an expired upload");
		mc_pq_params_clear(&p);
		if (rc)
			break;
		mc_pq_set_text(&p, 1, list[i]);
		rc = mc_pq_run(st, &r, del_file_sql, &p, "remove an unused attachment");
		mc_pq_params_clear(&p);
		if (rc)
			break;
		bool gone = mc_pq_changes(r) > 0;
		PQclear(r);
		r = NULL;
		if (!gone)
			continue;
		mc_pq_set_text(&p, 1, list[i]);
		mc_pq_set_int(&p, 2, before);
		rc = mc_pq_run(st, NULL, gc_sql, &p, "name a file for deletion");
		mc_pq_params_clear(&p);
	}
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	free(list);
	return mc_pq_op_end(st, kind, rc);
}

int mc_pg_files_sweep(mc_pg *st, int64_t *removed, int limit)
{
	static const char list_sql[] = "SELECT sha256 FROM file_gc ORDER BY at, sha256 LIMIT $1::bigint";
	static const char row_sql[] = "SELECT 1 FROM attachment WHERE sha256 = $1::text";
	static const char done_sql[] = "DELETE FROM file_gc WHERE sha256 = $1::text";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char(*list)[65] = NULL;
	size_t n = 0;
	int kind = 0;
	int rc;

	*removed = 0;
	rc = mc_pq_op_begin(st, &kind);
	if (rc)
		return rc;
	mc_pq_set_int(&p, 1, limit > 0 ? limit : 1000);
	rc = mc_pq_run(st, &r, list_sql, &p, "list files to delete");
	mc_pq_params_clear(&p);
	if (rc)
		goto cleanup;
	read_digests(r, &list, &n);
	PQclear(r);
	r = NULL;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!mc_files_sha256_valid(list[i]))
			continue;
		rc = lock_file(st, list[i]);
		if (rc)
			break;
		mc_pq_set_text(&p, 1, list[i]);
		rc = mc_pq_run(st, &r, row_sql, &p, "read attachment");
		mc_pq_params_clear(&p);
		if (rc)
			break;
		bool named = PQntuples(r) > 0;
		PQclear(r);
		r = NULL;
		/* Recorded again since: the file is in use. */
		if (!named) {
			rc = mc_files_remove(st->files_dir, list[i]);
			if (rc)
				break;
			(*removed)++;
		}
		mc_pq_set_text(&p, 1, list[i]);
		rc = mc_pq_run(st, NULL, done_sql, &p, "forget a deleted file");
		mc_pq_params_clear(&p);
	}
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	free(list);
	return mc_pq_op_end(st, kind, rc);
}

int mc_pg_files_clean_tmp(mc_pg *st, int64_t *removed, int64_t before)
{
	return mc_files_clean_tmp(st->files_dir, before, removed);
}
