/*
 * store_rating.c - satisfaction ratings of returned dossiers, and their
 * summary per unit subtree and period, on either engine (db.h).
 */
#include "store/db.h"

#include <stdlib.h>
#include <string.h>

static const mc_col rating_cols[] = {
    MC_COL(MC_COL_I64, mc_rating, dossier_id, "dossier_id"),
    MC_COL(MC_COL_STR, mc_rating, province_code, "province_code"),
    MC_COL(MC_COL_I64, mc_rating, unit_id, "unit_id"),
    MC_COL(MC_COL_I64, mc_rating, at, "at"),
    MC_COL(MC_COL_INT, mc_rating, criteria[MC_RATE_TOTAL_TIME], "total_time"),
    MC_COL(MC_COL_INT, mc_rating, criteria[MC_RATE_AGENCY_TIME], "agency_time"),
    MC_COL(MC_COL_INT, mc_rating, criteria[MC_RATE_CONTACTS], "contacts"),
    MC_COL(MC_COL_INT, mc_rating, criteria[MC_RATE_AGENCIES], "agencies"),
    MC_COL(MC_COL_INT, mc_rating, criteria[MC_RATE_RECEPTION], "reception"),
    MC_COL(MC_COL_INT, mc_rating, criteria[MC_RATE_TRANSPARENCY], "transparency"),
    MC_COL(MC_COL_INT, mc_rating, criteria[MC_RATE_ATTITUDE], "attitude"),
    MC_COL(MC_COL_STR, mc_rating, overall, "overall"),
    MC_COL(MC_COL_STR, mc_rating, comment, "comment"),
};

void mc_rating_clear(mc_rating *r)
{
	mc_row_clear(rating_cols, MC_ARRAY_LEN(rating_cols), r, sizeof *r);
}

_Static_assert(MC_RATE_COUNT_ == 7, "the insert's criteria");

int mc_store_rating_put(mc_store *st, const mc_rating *r)
{
	static const char sql[] =
	    "INSERT INTO rating (dossier_id, province_code, unit_id, at, total_time, agency_time, contacts, "
	    "agencies, reception, transparency, attitude, overall, comment) VALUES ($1, coalesce((SELECT "
	    "province_code FROM dossier WHERE id = $1), ''), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
	/* Rated already, a score out of range, an unknown dossier: answers. */
	return mc_db_try(st, sql, "record rating",
			 MC_ARGS(MC_I(r->dossier_id), MC_REF(r->unit_id), MC_I(r->at),
				 MC_I(r->criteria[MC_RATE_TOTAL_TIME]),
				 MC_I(r->criteria[MC_RATE_AGENCY_TIME]), MC_I(r->criteria[MC_RATE_CONTACTS]),
				 MC_I(r->criteria[MC_RATE_AGENCIES]), MC_I(r->criteria[MC_RATE_RECEPTION]),
				 MC_I(r->criteria[MC_RATE_TRANSPARENCY]), MC_I(r->criteria[MC_RATE_ATTITUDE]),
				 MC_T(r->overall), MC_T(r->comment ? r->comment : "")));
}

int mc_store_rating_get(mc_store *st, mc_rating *out, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT dossier_id, province_code, unit_id, at, total_time, agency_time, contacts, agencies, "
	    "reception, transparency, attitude, overall, comment FROM rating WHERE dossier_id = $1";

	mc_rating row = {0};
	int rc = mc_db_read_by_id(st, sql, dossier_id, "read rating", MC_COLS(rating_cols), &row);
	if (rc == 0)
		*out = row;
	else
		mc_rating_clear(&row);
	return rc;
}

int mc_store_rating_summary(mc_store *st, mc_rating_summary *out, int64_t unit_id, int64_t from, int64_t to)
{
	/* $1, $2 the subtree's path range; $3, $4 the period, 0 = unbounded. */
	static const char sql[] =
	    "SELECT count(*), coalesce(avg(total_time), 0), coalesce(avg(agency_time), 0), "
	    "coalesce(avg(contacts), 0), coalesce(avg(agencies), 0), coalesce(avg(reception), 0), "
	    "coalesce(avg(transparency), 0), coalesce(avg(attitude), 0), "
	    "coalesce(sum(CASE WHEN overall = 'very_satisfied' THEN 1 ELSE 0 END), 0), "
	    "coalesce(sum(CASE WHEN overall = 'satisfied' THEN 1 ELSE 0 END), 0), "
	    "coalesce(sum(CASE WHEN overall = 'not_satisfied' THEN 1 ELSE 0 END), 0) FROM rating "
	    "WHERE unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2) "
	    "AND ($3 = 0 OR at >= $3) AND ($4 = 0 OR at < $4)";
	mc_q *q = NULL;
	int rc = mc_db_prepare_in_unit(st, &q, sql, unit_id);

	memset(out, 0, sizeof *out);
	if (rc)
		goto cleanup;
	mc_q_int(q, 3, from);
	mc_q_int(q, 4, to);
	rc = mc_q_row(q, "summarise ratings");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc == 1) {
		out->count = mc_q_col_int(q, 0);
		for (int i = 0; i < MC_RATE_COUNT_; i++)
			out->criteria[i] = mc_q_col_double(q, 1 + i);
		out->very_satisfied = mc_q_col_int(q, 8);
		out->satisfied = mc_q_col_int(q, 9);
		out->not_satisfied = mc_q_col_int(q, 10);
		rc = 0;
	}
cleanup:
	mc_q_done(q);
	return rc;
}
