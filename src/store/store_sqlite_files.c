/*
 * store_sqlite_files.c - content-addressed attachments and the official
 * calendar in the SQLite store.
 *
 * An attachment lives at "<db>.files/<first two hex digits>/<sha256>". It is
 * written to a temporary file in the same folder, flushed, renamed into place
 * and the folder flushed, so after a crash a file is either whole or absent.
 */
#include "store/store_sqlite_int.h"

#include "store/store_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest attachment accepted (API bodies are limited before this). */
#define ATTACHMENT_MAX MC_ATTACHMENT_MAX

int mc_sqlite_attachment_write(mc_sqlite *st, char sha256_out[65], const void *data, size_t len)
{
	char digest[65];
	int rc = 0;

	sha256_out[0] = '\0';
	if (len > ATTACHMENT_MAX) {
		rc = MC_ETOOBIG;
		goto cleanup;
	}
	rc = mc_files_sha256(digest, data, len);
	if (rc)
		goto cleanup;
	rc = mc_files_put(st->files_dir, digest, data, len);
	if (rc)
		goto cleanup;
	memcpy(sha256_out, digest, 65);
cleanup:
	return rc;
}

int mc_sqlite_attachment_record(mc_sqlite *st, const char *sha256, int64_t size, const char *mime)
{
	static const char sql[] =
	    "INSERT INTO attachment (sha256, size, mime, created_at) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT (sha256) DO NOTHING";
	sqlite3_stmt *s = NULL;
	int rc = 0;

	if (!mc_files_sha256_valid(sha256) || size < 0 || (uint64_t)size > ATTACHMENT_MAX) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, sha256);
	mc_sq_bind_int(s, 2, size);
	mc_sq_bind_text(s, 3, mime ? mime : "application/octet-stream");
	mc_sq_bind_int(s, 4, mc_now());
	rc = mc_sq_exec(st, s, "record attachment");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_attachment_put(mc_sqlite *st, char sha256_out[65], const void *data, size_t len, const char *mime)
{
	/* The file first: a row must never point at a file that is not there. */
	int rc = mc_sqlite_attachment_write(st, sha256_out, data, len);
	if (rc == 0)
		rc = mc_sqlite_attachment_record(st, sha256_out, (int64_t)len, mime);
	if (rc)
		sha256_out[0] = '\0';
	return rc;
}

int mc_sqlite_attachment_stat(mc_sqlite *st, int64_t *size, char *mime, size_t mime_cap, const char *sha256)
{
	static const char sql[] = "SELECT size, mime FROM attachment WHERE sha256 = ?1";
	sqlite3_stmt *s = NULL;
	int rc = 0;

	if (!mc_files_sha256_valid(sha256)) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, sha256);
	rc = mc_sq_row(st, s, "read attachment");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	rc = 0;
	if (size)
		*size = sqlite3_column_int64(s, 0);
	if (mime && mime_cap)
		mc_sq_col_text(mime, mime_cap, s, 1);
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_attachment_get(mc_sqlite *st, void **data, size_t *len, char *mime, size_t mime_cap,
			    const char *sha256)
{
	static const char sql[] = "SELECT size, mime FROM attachment WHERE sha256 = ?1";
	sqlite3_stmt *s = NULL;
	char *path = NULL;
	unsigned char *buf = NULL;
	size_t path_len = strlen(st->files_dir) + 70;
	size_t size = 0;
	size_t got = 0;
	int fd = -1;
	int rc = 0;

	*data = NULL;
	*len = 0;
	if (!mc_files_sha256_valid(sha256)) {
		rc = MC_ENOTFOUND;
		goto cleanup;
	}
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, sha256);
	rc = mc_sq_row(st, s, "read attachment");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	rc = 0;
	size = (size_t)sqlite3_column_int64(s, 0);
	if (mime && mime_cap)
		mc_sq_col_text(mime, mime_cap, s, 1);
	path = mc_xmalloc(path_len);
	snprintf(path, path_len, "%s/%.2s/%s", st->files_dir, sha256, sha256);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "could not open %s: %s\n", path, strerror(errno));
		rc = MC_ERROR;
		goto cleanup;
	}
	buf = mc_xmalloc(size ? size : 1);
	while (got < size) {
		ssize_t r = read(fd, buf + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "could not read %s: %s\n", path,
				r < 0 ? strerror(errno) : "file is short");
			rc = MC_ERROR;
			goto cleanup;
		}
		got += (size_t)r;
	}
	*data = buf;
	*len = size;
	buf = NULL;
cleanup:
	mc_sq_done(s);
	if (fd >= 0)
		close(fd);
	free(buf);
	free(path);
	return rc;
}

int mc_sqlite_attachment_open(mc_sqlite *st, int *fd, int64_t *size, char *mime, size_t mime_cap, const char *sha256)
{
	int rc = mc_sqlite_attachment_stat(st, size, mime, mime_cap, sha256);
	*fd = -1;
	if (rc == MC_EINVAL)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		rc = mc_files_open(st->files_dir, sha256, *size, fd);
	return rc;
}

/* ---- calendar --------------------------------------------------------- */

int mc_sqlite_calendar_set_year(mc_sqlite *st, int year, const mc_day_entry *days, size_t n, const char *source)
{
	static const char year_sql[] = "INSERT INTO calendar_year (year, source) VALUES (?1, ?2) "
				       "ON CONFLICT (year) DO UPDATE SET source = excluded.source";
	static const char del_sql[] = "DELETE FROM calendar_day WHERE year = ?1";
	static const char day_sql[] =
	    "INSERT INTO calendar_day (year, day, kind, name) VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *s = NULL;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		int y;

		mc_civil_from_days(days[i].day, &y, NULL, NULL);
		if (y != year)
			return MC_EINVAL;
	}
	rc = mc_sq_op_begin(st);
	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, year_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, year);
	mc_sq_bind_text(s, 2, source ? source : "");
	rc = mc_sq_exec(st, s, "record calendar year");
	mc_sq_done(s);
	s = NULL;
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, del_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, year);
	rc = mc_sq_exec(st, s, "delete calendar days");
	mc_sq_done(s);
	s = NULL;
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, day_sql);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		mc_sq_bind_int(s, 1, year);
		mc_sq_bind_int(s, 2, days[i].day);
		mc_sq_bind_int(s, 3, (int64_t)days[i].kind);
		MC_SQ_BIND_FIELD(s, 4, days[i].name);
		rc = mc_sq_exec(st, s, "record calendar day");
		mc_sq_done(s);
	}
cleanup:
	mc_sq_done(s);
	return mc_sq_op_end(st, rc);
}

int mc_sqlite_calendar_delete_year(mc_sqlite *st, int year)
{
	/* calendar_day rows go with the year (ON DELETE CASCADE). */
	static const char sql[] = "DELETE FROM calendar_year WHERE year = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, year);
	rc = mc_sq_exec(st, s, "delete calendar year");
cleanup:
	mc_sq_done(s);
	return rc;
}

struct cal_year {
	int year;
	char *source;
	mc_day_entry *days;
	size_t n, cap;
};

int mc_sqlite_calendar_each(mc_sqlite *st,
			   int (*cb)(int year, const mc_day_entry *days, size_t n, const char *source,
				     void *payload),
			   void *payload)
{
	static const char year_sql[] = "SELECT year, source FROM calendar_year ORDER BY year";
	static const char day_sql[] = "SELECT year, day, kind, name FROM calendar_day ORDER BY year, day";
	sqlite3_stmt *s = NULL;
	struct cal_year *years = NULL;
	size_t n_years = 0;
	size_t cap = 0;
	size_t at = 0;
	int rc = mc_sq_prepare(st, &s, year_sql);

	/* Everything is read before the first callback, so that a callback may use
	 * the store (and these cached statements) freely. */
	if (rc)
		goto cleanup;
	for (;;) {
		rc = mc_sq_row(st, s, "list calendar years");
		if (rc != 1)
			break;
		if (n_years == cap) {
			cap = cap ? cap * 2 : 16;
			years = mc_xrealloc(years, cap * sizeof(*years));
		}
		years[n_years] = (struct cal_year){.year = sqlite3_column_int(s, 0)};
		years[n_years].source =
		    mc_xstrdup((const char *)(sqlite3_column_text(s, 1) ? sqlite3_column_text(s, 1)
									: (const unsigned char *)""));
		n_years++;
	}
	mc_sq_done(s);
	s = NULL;
	if (rc < 0)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, day_sql);
	if (rc)
		goto cleanup;
	for (;;) {
		struct cal_year *y;
		mc_day_entry *e;
		int year;

		rc = mc_sq_row(st, s, "list calendar days");
		if (rc != 1)
			break;
		year = sqlite3_column_int(s, 0);
		/* Both lists are ordered by year, so one forward walk pairs them. */
		while (at < n_years && years[at].year < year)
			at++;
		if (at == n_years || years[at].year != year)
			continue;
		y = &years[at];
		if (y->n == y->cap) {
			y->cap = y->cap ? y->cap * 2 : 32;
			y->days = mc_xrealloc(y->days, y->cap * sizeof(*y->days));
		}
		e = &y->days[y->n++];
		memset(e, 0, sizeof(*e));
		e->day = sqlite3_column_int(s, 1);
		e->kind = (mc_day_kind)sqlite3_column_int(s, 2);
		MC_SQ_COL_FIELD(e->name, s, 3);
	}
	mc_sq_done(s);
	s = NULL;
	if (rc < 0)
		goto cleanup;
	rc = 0;
	for (size_t i = 0; i < n_years && rc == 0; i++)
		rc = cb(years[i].year, years[i].days, years[i].n, years[i].source, payload);
cleanup:
	mc_sq_done(s);
	for (size_t i = 0; i < n_years; i++) {
		free(years[i].source);
		free(years[i].days);
	}
	free(years);
	return rc;
}

/* ---- cache generation (moved by the triggers of migration 011) -------- */

int mc_sqlite_generation(mc_sqlite *st, int64_t *out)
{
	static const char sql[] = "SELECT value FROM cache_generation WHERE id = 1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	rc = mc_sq_row(st, s, "read the cache generation");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc > 0) {
		*out = sqlite3_column_int64(s, 0);
		rc = 0;
	}
cleanup:
	mc_sq_done(s);
	return rc;
}
