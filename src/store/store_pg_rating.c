/*
 * store_pg_rating.c - satisfaction ratings of returned dossiers in the
 * PostgreSQL store, and their summary per unit subtree and period.
 */
#include "store/store_pg_int.h"

int mc_pg_rating_put(mc_pg *st, const mc_rating *x)
{
	static const char sql[] =
	    "INSERT INTO rating (dossier_id, province_code, unit_id, at, total_time, agency_time, contacts, "
	    "agencies, reception, transparency, attitude, overall, comment) VALUES ($1::bigint, "
	    "coalesce((SELECT "
	    "province_code FROM dossier WHERE id = $1::bigint), ''), $2::bigint, $3::bigint, $4::integer, "
	    "$5::integer, $6::integer, $7::integer, $8::integer, $9::integer, $10::integer, $11::text, "
	    "$12::text)";
	struct mc_pq_params p = {0};
	int rc;

	mc_pq_set_int(&p, 1, x->dossier_id);
	mc_pq_set_ref(&p, 2, x->unit_id);
	mc_pq_set_int(&p, 3, x->at);
	for (int i = 0; i < MC_RATE_COUNT_; i++)
		mc_pq_set_int(&p, 4 + i, x->criteria[i]);
	MC_PQ_SET_FIELD(&p, 11, x->overall);
	MC_PQ_SET_FIELD(&p, 12, x->comment);
	rc = mc_pq_write(st, NULL, sql, &p, "record rating");
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_rating_get(mc_pg *st, mc_rating *out, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT dossier_id, province_code, unit_id, at, total_time, agency_time, contacts, agencies, "
	    "reception, transparency, attitude, overall, comment FROM rating WHERE dossier_id = $1::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_int(&p, 1, dossier_id);
	rc = mc_pq_run(st, &r, sql, &p, "read rating");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0) {
		memset(out, 0, sizeof(*out));
		out->dossier_id = mc_pq_get_i64(r, 0, 0);
		MC_PQ_GET_FIELD(out->province_code, r, 0, 1);
		out->unit_id = mc_pq_get_i64(r, 0, 2);
		out->at = mc_pq_get_i64(r, 0, 3);
		for (int i = 0; i < MC_RATE_COUNT_; i++)
			out->criteria[i] = (int)mc_pq_get_i64(r, 0, 4 + i);
		MC_PQ_GET_FIELD(out->overall, r, 0, 11);
		MC_PQ_GET_FIELD(out->comment, r, 0, 12);
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_rating_summary(mc_pg *st, mc_rating_summary *out, int64_t unit_id, int64_t from, int64_t to)
{
	/* $1, $2 the subtree's path range; $3, $4 the period, 0 = unbounded. */
	static const char sql[] =
	    "SELECT count(*), coalesce(avg(total_time), 0), coalesce(avg(agency_time), 0), "
	    "coalesce(avg(contacts), 0), coalesce(avg(agencies), 0), coalesce(avg(reception), 0), "
	    "coalesce(avg(transparency), 0), coalesce(avg(attitude), 0), "
	    "count(*) FILTER (WHERE overall = 'very_satisfied'), count(*) FILTER (WHERE overall = "
	    "'satisfied'), "
	    "count(*) FILTER (WHERE overall = 'not_satisfied') FROM rating "
	    "WHERE unit_id IN (SELECT id FROM unit WHERE path >= $1::text AND path < $2::text) "
	    "AND ($3::bigint = 0 OR at >= $3::bigint) AND ($4::bigint = 0 OR at < $4::bigint)";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char lo[256];
	char hi[256];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = mc_pq_unit_range(st, lo, hi, unit_id);
	if (rc)
		return rc;
	mc_pq_set_text(&p, 1, lo);
	mc_pq_set_text(&p, 2, hi);
	mc_pq_set_int(&p, 3, from);
	mc_pq_set_int(&p, 4, to);
	rc = mc_pq_run(st, &r, sql, &p, "summarise ratings");
	if (rc == 0) {
		out->count = mc_pq_get_i64(r, 0, 0);
		for (int i = 0; i < MC_RATE_COUNT_; i++)
			out->criteria[i] = mc_pq_get_double(r, 0, 1 + i);
		out->very_satisfied = mc_pq_get_i64(r, 0, 8);
		out->satisfied = mc_pq_get_i64(r, 0, 9);
		out->not_satisfied = mc_pq_get_i64(r, 0, 10);
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}
