/*
 * store_sqlite_rating.c - satisfaction ratings of returned dossiers in the
 * SQLite store, and their summary per unit subtree and period.
 */
#include "store/store_sqlite_int.h"

int mc_sqlite_rating_put(mc_sqlite *st, const mc_rating *r)
{
	static const char sql[] =
	    "INSERT INTO rating (dossier_id, province_code, unit_id, at, total_time, agency_time, contacts, "
	    "agencies, reception, transparency, attitude, overall, comment) VALUES (?1, coalesce((SELECT "
	    "province_code FROM dossier WHERE id = ?1), ''), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, r->dossier_id);
	mc_sq_bind_ref(s, 2, r->unit_id);
	mc_sq_bind_int(s, 3, r->at);
	for (int i = 0; i < MC_RATE_COUNT_; i++)
		mc_sq_bind_int(s, 4 + i, r->criteria[i]);
	MC_SQ_BIND_FIELD(s, 11, r->overall);
	MC_SQ_BIND_FIELD(s, 12, r->comment);
	rc = mc_sq_exec(st, s, "record rating");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_rating_get(mc_sqlite *st, mc_rating *out, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT dossier_id, province_code, unit_id, at, total_time, agency_time, contacts, agencies, "
	    "reception, transparency, attitude, overall, comment FROM rating WHERE dossier_id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, dossier_id);
	rc = mc_sq_row(st, s, "read rating");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	rc = 0;
	memset(out, 0, sizeof(*out));
	out->dossier_id = sqlite3_column_int64(s, 0);
	MC_SQ_COL_FIELD(out->province_code, s, 1);
	out->unit_id = sqlite3_column_int64(s, 2);
	out->at = sqlite3_column_int64(s, 3);
	for (int i = 0; i < MC_RATE_COUNT_; i++)
		out->criteria[i] = sqlite3_column_int(s, 4 + i);
	MC_SQ_COL_FIELD(out->overall, s, 11);
	MC_SQ_COL_FIELD(out->comment, s, 12);
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_rating_summary(mc_sqlite *st, mc_rating_summary *out, int64_t unit_id, int64_t from, int64_t to)
{
	/* ?1, ?2 the subtree's path range; ?3, ?4 the period, 0 = unbounded. */
	static const char sql[] =
	    "SELECT count(*), coalesce(avg(total_time), 0), coalesce(avg(agency_time), 0), "
	    "coalesce(avg(contacts), 0), coalesce(avg(agencies), 0), coalesce(avg(reception), 0), "
	    "coalesce(avg(transparency), 0), coalesce(avg(attitude), 0), "
	    "coalesce(sum(overall = 'very_satisfied'), 0), coalesce(sum(overall = 'satisfied'), 0), "
	    "coalesce(sum(overall = 'not_satisfied'), 0) FROM rating "
	    "WHERE unit_id IN (SELECT id FROM unit WHERE path >= ?1 AND path < ?2) "
	    "AND (?3 = 0 OR at >= ?3) AND (?4 = 0 OR at < ?4)";
	char lo[256];
	char hi[256];
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_unit_range(st, lo, hi, unit_id);

	memset(out, 0, sizeof(*out));
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, lo);
	mc_sq_bind_text(s, 2, hi);
	mc_sq_bind_int(s, 3, from);
	mc_sq_bind_int(s, 4, to);
	rc = mc_sq_row(st, s, "summarise ratings");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc < 0)
		goto cleanup;
	rc = 0;
	out->count = sqlite3_column_int64(s, 0);
	for (int i = 0; i < MC_RATE_COUNT_; i++)
		out->criteria[i] = sqlite3_column_double(s, 1 + i);
	out->very_satisfied = sqlite3_column_int64(s, 8);
	out->satisfied = sqlite3_column_int64(s, 9);
	out->not_satisfied = sqlite3_column_int64(s, 10);
cleanup:
	mc_sq_done(s);
	return rc;
}
