/*
 * store_pg_files.c - content-addressed attachments and the official calendar
 * in the PostgreSQL store. The files live on disk as in the SQLite store
 * (store_files.h), in the folder named by the URL's files= parameter.
 */
#include "store/store_pg_int.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/store_files.h"

int mc_pg_attachment_write(mc_pg *st, char sha256_out[65], const void *data, size_t len)
{
	char digest[65];
	int rc;

	sha256_out[0] = '\0';
	if (len > MC_ATTACHMENT_MAX)
		return MC_ETOOBIG;
	rc = mc_files_sha256(digest, data, len);
	if (rc == 0)
		rc = mc_files_put(st->files_dir, digest, data, len);
	if (rc == 0)
		memcpy(sha256_out, digest, 65);
	return rc;
}

int mc_pg_attachment_record(mc_pg *st, const char *sha256, int64_t size, const char *mime)
{
	static const char sql[] =
	    "INSERT INTO attachment (sha256, size, mime, created_at) "
	    "VALUES ($1::text, $2::bigint, $3::text, $4::bigint) ON CONFLICT (sha256) DO NOTHING";
	struct mc_pq_params p = {0};
	int rc;

	if (!mc_files_sha256_valid(sha256) || size < 0 || (uint64_t)size > MC_ATTACHMENT_MAX)
		return MC_EINVAL;
	mc_pq_set_text(&p, 1, sha256);
	mc_pq_set_int(&p, 2, size);
	mc_pq_set_text(&p, 3, mime ? mime : "application/octet-stream");
	mc_pq_set_int(&p, 4, mc_now());
	rc = mc_pq_write(st, NULL, sql, &p, "record attachment");
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_attachment_put(mc_pg *st, char sha256_out[65], const void *data, size_t len, const char *mime)
{
	/* The file first: a row must never point at a file that is not there. */
	int rc = mc_pg_attachment_write(st, sha256_out, data, len);

	if (rc == 0)
		rc = mc_pg_attachment_record(st, sha256_out, (int64_t)len, mime);
	if (rc)
		sha256_out[0] = '\0';
	return rc;
}

static int attachment_row(mc_pg *st, int64_t *size, char *mime, size_t mime_cap, const char *sha256)
{
	static const char sql[] = "SELECT size, mime FROM attachment WHERE sha256 = $1::text";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_text(&p, 1, sha256);
	rc = mc_pq_run(st, &r, sql, &p, "read attachment");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0) {
		if (size)
			*size = mc_pq_get_i64(r, 0, 0);
		if (mime && mime_cap)
			mc_pq_get_text(mime, mime_cap, r, 0, 1);
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_attachment_stat(mc_pg *st, int64_t *size, char *mime, size_t mime_cap, const char *sha256)
{
	if (!mc_files_sha256_valid(sha256))
		return MC_EINVAL;
	return attachment_row(st, size, mime, mime_cap, sha256);
}

int mc_pg_attachment_get(mc_pg *st, void **data, size_t *len, char *mime, size_t mime_cap, const char *sha256)
{
	int64_t size = 0;
	int rc;

	*data = NULL;
	*len = 0;
	if (!mc_files_sha256_valid(sha256))
		return MC_ENOTFOUND;
	rc = attachment_row(st, &size, mime, mime_cap, sha256);
	if (rc == 0)
		rc = mc_files_read(st->files_dir, sha256, (size_t)size, data);
	if (rc == 0)
		*len = (size_t)size;
	return rc;
}

int mc_pg_attachment_open(mc_pg *st, int *fd, int64_t *size, char *mime, size_t mime_cap, const char *sha256)
{
	int rc = mc_pg_attachment_stat(st, size, mime, mime_cap, sha256);
	*fd = -1;
	if (rc == MC_EINVAL)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		rc = mc_files_open(st->files_dir, sha256, *size, fd);
	return rc;
}

/* ---- calendar --------------------------------------------------------- */

int mc_pg_calendar_set_year(mc_pg *st, int year, const mc_day_entry *days, size_t n, const char *source)
{
	static const char year_sql[] =
	    "INSERT INTO calendar_year (year, source) VALUES ($1::integer, $2::text) "
	    "ON CONFLICT (year) DO UPDATE SET source = excluded.source";
	static const char del_sql[] = "DELETE FROM calendar_day WHERE year = $1::integer";
	static const char day_sql[] = "INSERT INTO calendar_day (year, day, kind, name) "
				      "VALUES ($1::integer, $2::integer, $3::integer, $4::text)";
	struct mc_pq_params p = {0};
	int kind = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		int y;

		mc_civil_from_days(days[i].day, &y, NULL, NULL);
		if (y != year)
			return MC_EINVAL;
	}
	rc = mc_pq_op_begin(st, &kind);
	if (rc)
		return rc;
	mc_pq_set_int(&p, 1, year);
	mc_pq_set_text(&p, 2, source ? source : "");
	rc = mc_pq_run(st, NULL, year_sql, &p, "record calendar year");
	mc_pq_params_clear(&p);
	if (rc == 0) {
		mc_pq_set_int(&p, 1, year);
		rc = mc_pq_run(st, NULL, del_sql, &p, "delete calendar days");
		mc_pq_params_clear(&p);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		mc_pq_set_int(&p, 1, year);
		mc_pq_set_int(&p, 2, days[i].day);
		mc_pq_set_int(&p, 3, (int64_t)days[i].kind);
		MC_PQ_SET_FIELD(&p, 4, days[i].name);
		rc = mc_pq_run(st, NULL, day_sql, &p, "record calendar day");
		mc_pq_params_clear(&p);
	}
	return mc_pq_op_end(st, kind, rc);
}

int mc_pg_calendar_delete_year(mc_pg *st, int year)
{
	/* calendar_day rows go with the year (ON DELETE CASCADE). */
	static const char sql[] = "DELETE FROM calendar_year WHERE year = $1::integer";
	struct mc_pq_params p = {0};
	int rc;

	mc_pq_set_int(&p, 1, year);
	rc = mc_pq_write(st, NULL, sql, &p, "delete calendar year");
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_calendar_each(mc_pg *st,
			int (*cb)(int year, const mc_day_entry *days, size_t n, const char *source,
				  void *payload),
			void *payload)
{
	static const char year_sql[] = "SELECT year, source FROM calendar_year ORDER BY year";
	static const char day_sql[] = "SELECT year, day, kind, name FROM calendar_day ORDER BY year, day";
	PGresult *years = NULL;
	PGresult *days = NULL;
	mc_day_entry *list = NULL;
	int row = 0;
	int rc = mc_pq_run(st, &years, year_sql, NULL, "list calendar years");

	/* Both results are read before the first callback, so that a callback
	 * may use the store freely. */
	if (rc == 0)
		rc = mc_pq_run(st, &days, day_sql, NULL, "list calendar days");
	if (rc)
		goto cleanup;
	list = mc_xcalloc((size_t)PQntuples(days) + 1, sizeof(*list));
	for (int y = 0; rc == 0 && y < PQntuples(years); y++) {
		int64_t year = mc_pq_get_i64(years, y, 0);
		size_t n = 0;

		/* Both lists are ordered by year, so one forward walk pairs them. */
		while (row < PQntuples(days) && mc_pq_get_i64(days, row, 0) < year)
			row++;
		for (; row < PQntuples(days) && mc_pq_get_i64(days, row, 0) == year; row++) {
			mc_day_entry *e = &list[n++];

			memset(e, 0, sizeof(*e));
			e->day = (int32_t)mc_pq_get_i64(days, row, 1);
			e->kind = (mc_day_kind)mc_pq_get_i64(days, row, 2);
			MC_PQ_GET_FIELD(e->name, days, row, 3);
		}
		rc = cb((int)year, list, n, PQgetvalue(years, y, 1), payload);
	}
cleanup:
	free(list);
	PQclear(years);
	PQclear(days);
	return rc;
}

/* ---- cache generation (moved by the triggers of migration 011) -------- */

int mc_pg_generation(mc_pg *st, int64_t *out)
{
	static const char sql[] = "SELECT value FROM cache_generation WHERE id = 1";
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, sql, NULL, "read the cache generation");

	if (rc == 0 && PQntuples(r) != 1)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		*out = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	return rc;
}
