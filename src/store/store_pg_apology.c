/*
 * store_pg_apology.c - apologies for late dossiers (QĐ 876/2017) in the
 * PostgreSQL store: prepared, issued, and the public register of the issued ones.
 */
#include "store/store_pg_int.h"

#include <stdlib.h>

#define APOLOGY_COLS                                                                                         \
	"a.id, a.province_code, a.dossier_id, a.unit_id, a.reason, a.old_due, a.new_due, "                   \
	"coalesce(a.prepared_by, 0), a.prepared_by_name, a.prepared_at, coalesce(a.issued_by, 0), "          \
	"a.issued_by_name, a.issued_at"

static void apology_read(mc_apology *a, const PGresult *r, int row)
{
	memset(a, 0, sizeof(*a));
	a->id = mc_pq_get_i64(r, row, 0);
	MC_PQ_GET_FIELD(a->province_code, r, row, 1);
	a->dossier_id = mc_pq_get_i64(r, row, 2);
	a->unit_id = mc_pq_get_i64(r, row, 3);
	MC_PQ_GET_FIELD(a->reason, r, row, 4);
	a->old_due = mc_pq_get_i64(r, row, 5);
	a->new_due = mc_pq_get_i64(r, row, 6);
	a->prepared_by = mc_pq_get_i64(r, row, 7);
	MC_PQ_GET_FIELD(a->prepared_by_name, r, row, 8);
	a->prepared_at = mc_pq_get_i64(r, row, 9);
	a->issued_by = mc_pq_get_i64(r, row, 10);
	MC_PQ_GET_FIELD(a->issued_by_name, r, row, 11);
	a->issued_at = mc_pq_get_i64(r, row, 12);
}

int mc_pg_apology_add(mc_pg *st, mc_apology *a)
{
	static const char sql[] =
	    "INSERT INTO apology (province_code, dossier_id, unit_id, reason, old_due, new_due, prepared_by, "
	    "prepared_by_name, prepared_at) VALUES (coalesce((SELECT province_code FROM dossier WHERE id = "
	    "$1::bigint), ''), $1::bigint, $2::bigint, $3::text, $4::bigint, $5::bigint, $6::bigint, "
	    "$7::text, "
	    "$8::bigint) RETURNING id, province_code";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	if (a->new_due <= a->old_due)
		return MC_EINVAL;
	mc_pq_set_int(&p, 1, a->dossier_id);
	mc_pq_set_int(&p, 2, a->unit_id);
	MC_PQ_SET_FIELD(&p, 3, a->reason);
	mc_pq_set_int(&p, 4, a->old_due);
	mc_pq_set_int(&p, 5, a->new_due);
	mc_pq_set_ref(&p, 6, a->prepared_by);
	MC_PQ_SET_FIELD(&p, 7, a->prepared_by_name);
	mc_pq_set_int(&p, 8, a->prepared_at);
	rc = mc_pq_write(st, &r, sql, &p, "record apology");
	if (rc == 0) {
		a->id = mc_pq_get_i64(r, 0, 0);
		MC_PQ_GET_FIELD(a->province_code, r, 0, 1);
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_apology_get(mc_pg *st, mc_apology *out, int64_t dossier_id, int64_t id)
{
	static const char sql[] =
	    "SELECT " APOLOGY_COLS " FROM apology a WHERE a.id = $1::bigint AND a.dossier_id = $2::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_int(&p, 1, id);
	mc_pq_set_int(&p, 2, dossier_id);
	rc = mc_pq_run(st, &r, sql, &p, "read apology");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		apology_read(out, r, 0);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_apology_issue(mc_pg *st, int64_t id, int64_t old_due, int64_t issued_by, const char *issued_by_name,
			int64_t at)
{
	static const char sql[] =
	    "UPDATE apology SET old_due = $2::bigint, issued_by = $3::bigint, "
	    "issued_by_name = $4::text, issued_at = $5::bigint WHERE id = $1::bigint AND issued_at = 0";
	static const char exists[] = "SELECT 1 FROM apology WHERE id = $1::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_int(&p, 1, id);
	mc_pq_set_int(&p, 2, old_due);
	mc_pq_set_ref(&p, 3, issued_by);
	mc_pq_set_text(&p, 4, issued_by_name ? issued_by_name : "");
	mc_pq_set_int(&p, 5, at);
	rc = mc_pq_write(st, &r, sql, &p, "issue apology");
	mc_pq_params_clear(&p);
	if (rc == 0 && mc_pq_changes(r) == 0) {
		PQclear(r);
		r = NULL;
		mc_pq_set_int(&p, 1, id);
		rc = mc_pq_run(st, &r, exists, &p, "read apology");
		if (rc == 0)
			rc = PQntuples(r) ? MC_ECONFLICT : MC_ENOTFOUND;
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_apology_list(mc_pg *st, mc_apology **out, size_t *n, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT " APOLOGY_COLS " FROM apology a WHERE a.dossier_id = $1::bigint ORDER BY a.id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	mc_pq_set_int(&p, 1, dossier_id);
	rc = mc_pq_run(st, &r, sql, &p, "list apologies");
	if (rc == 0) {
		int rows = PQntuples(r);

		*out = rows ? mc_xcalloc((size_t)rows, sizeof(**out)) : NULL;
		for (int i = 0; i < rows; i++)
			apology_read(&(*out)[i], r, i);
		*n = (size_t)rows;
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

/* $1, $2 the subtree of the apologising unit; $3, $4 the period of issue. */
#define REGISTER_FROM " FROM apology a JOIN unit u ON u.id = a.unit_id"
#define REGISTER_WHERE                                                                                       \
	" WHERE a.issued_at > 0 AND a.issued_at >= $3::bigint AND a.issued_at < $4::bigint"                  \
	" AND u.path >= $1::text AND u.path < $2::text"

int mc_pg_apology_register(mc_pg *st, mc_apology_entry **out, size_t *n, int64_t *total, int64_t unit_id,
			   int64_t from, int64_t to, int limit, int offset)
{
	static const char count_sql[] = "SELECT count(*)" REGISTER_FROM REGISTER_WHERE;
	static const char rows_sql[] =
	    "SELECT " APOLOGY_COLS ", d.code, d.applicant_name, p.code, p.name" REGISTER_FROM
	    " JOIN dossier d ON d.id = a.dossier_id JOIN procedure p ON p.id = d.procedure_id" REGISTER_WHERE
	    " ORDER BY a.issued_at DESC, a.id DESC LIMIT $5::bigint OFFSET $6::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char lo[256];
	char hi[256];
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (limit < 1 || limit > 200 || offset < 0 || from >= to)
		return MC_EINVAL;
	rc = mc_pq_unit_range(st, lo, hi, unit_id);
	if (rc)
		return rc;
	mc_pq_set_text(&p, 1, lo);
	mc_pq_set_text(&p, 2, hi);
	mc_pq_set_int(&p, 3, from);
	mc_pq_set_int(&p, 4, to);
	rc = mc_pq_run(st, &r, count_sql, &p, "count apologies");
	if (rc)
		goto cleanup;
	*total = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	r = NULL;
	mc_pq_set_int(&p, 5, limit);
	mc_pq_set_int(&p, 6, offset);
	rc = mc_pq_run(st, &r, rows_sql, &p, "list the apology register");
	if (rc == 0) {
		int rows = PQntuples(r);

		*out = rows ? mc_xcalloc((size_t)rows, sizeof(**out)) : NULL;
		for (int i = 0; i < rows; i++) {
			mc_apology_entry *x = &(*out)[i];

			apology_read(&x->a, r, i);
			MC_PQ_GET_FIELD(x->dossier_code, r, i, 13);
			MC_PQ_GET_FIELD(x->applicant_name, r, i, 14);
			MC_PQ_GET_FIELD(x->procedure_code, r, i, 15);
			MC_PQ_GET_FIELD(x->procedure_name, r, i, 16);
		}
		*n = (size_t)rows;
	}
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}
