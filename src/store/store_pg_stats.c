/*
 * store_pg_stats.c - the dossier figures of a unit and period, the overdue
 * list and the public register of results in the PostgreSQL store: the same
 * queries as store_sqlite_stats.c (see the rules there and in
 * docs/statistics.md), with count(*) FILTER for SQLite's sum(condition).
 */
#include "store/store_pg_int.h"

#include <stdio.h>
#include <stdlib.h>

/* $1, $2 the subtree's path range; $3 from; $4 to; $5 the evaluation instant. */
/* clang-format off */
#define P1 "$1::text"
#define P2 "$2::text"
#define P3 "$3::bigint"
#define P4 "$4::bigint"
#define P5 "$5::bigint"
#define DUE " (CASE WHEN d.statutory_due_at > 0 THEN d.statutory_due_at ELSE d.due_at END)"
#define RESOLVED " d.state IN (9, 10) AND d.finished_at >= " P3 " AND d.finished_at < " P4
#define SAME_OR_EARLIER " d.finished_at <=" DUE
#define EARLIER_DAY " (d.finished_at + 25200) / 86400 < (" DUE " + 25200) / 86400"
#define IN_PROGRESS " d.received_at > 0 AND d.received_at < " P4 " AND (d.finished_at = 0 OR d.finished_at >= " P4 ")"
#define JUDGED_AT " (CASE WHEN d.paused_at > 0 AND d.paused_at <= " P5 " THEN d.paused_at ELSE " P5 " END)"
#define RECEIVED " d.received_at >= " P3 " AND d.received_at < " P4
#define FINISHED_AS(state) " d.state = " state " AND d.finished_at >= " P3 " AND d.finished_at < " P4
#define COUNT(cond) "count(*) FILTER (WHERE " cond ")"

#define COUNTERS \
	COUNT("d.received_at > 0 AND d.received_at < " P3 " AND (d.finished_at = 0 OR d.finished_at >= " P3 ")") ", " \
	COUNT(RECEIVED " AND d.channel = 2") ", " \
	COUNT(RECEIVED " AND d.channel = 1") ", " \
	COUNT(RECEIVED " AND d.channel = 3") ", " \
	COUNT(RECEIVED) ", " \
	COUNT(RESOLVED " AND" SAME_OR_EARLIER " AND" EARLIER_DAY) ", " \
	COUNT(RESOLVED " AND" SAME_OR_EARLIER " AND NOT" EARLIER_DAY) ", " \
	COUNT(RESOLVED " AND d.finished_at >" DUE) ", " \
	COUNT(RESOLVED) ", " \
	COUNT(IN_PROGRESS " AND" JUDGED_AT " <=" DUE) ", " \
	COUNT(IN_PROGRESS " AND" JUDGED_AT " >" DUE) ", " \
	COUNT(IN_PROGRESS) ", " \
	COUNT(FINISHED_AS("7")) ", " \
	COUNT(FINISHED_AS("8")) ", " \
	COUNT(FINISHED_AS("3"))
/* clang-format on */
#define N_COUNTERS 15

#define SCAN(join)                                                                                           \
	" FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id" join " WHERE u.path >= " P1              \
	" AND u.path < " P2 " AND d.received_at < " P4 " AND (d.finished_at = 0 OR d.finished_at >= " P3     \
	") AND (d.received_at > 0 OR d.finished_at < " P4 ")"
#define WITH_PROCEDURE " JOIN procedure p ON p.id = d.procedure_id"

#define CHILD_KEY MC_PQ_CHILD_KEY

#define SUPPLEMENT_SCAN(join)                                                                                \
	" FROM event e JOIN dossier d ON d.id = e.dossier_id JOIN unit u ON u.id = d.receiving_unit_id" join \
	" WHERE e.action = 'request_supplement' AND e.at >= " P3 " AND e.at < " P4 " AND u.path >= " P1      \
	" AND u.path < " P2

#define APOLOGY_SCAN(join)                                                                                   \
	" FROM apology a JOIN dossier d ON d.id = a.dossier_id JOIN unit u ON u.id = "                       \
	"d.receiving_unit_id" join " WHERE a.issued_at > 0 AND a.issued_at >= " P3 " AND a.issued_at < " P4  \
	" AND u.path >= " P1 " AND u.path < " P2

/* Each grouping: key columns (an integer, a text, two more texts), then the counters. */
static const char *const sql_counts[] = {
    [MC_STATS_TOTAL] = "SELECT 0, '', '', '', " COUNTERS SCAN(""),
    [MC_STATS_BY_UNIT] = "SELECT " CHILD_KEY ", '', '', '', " COUNTERS SCAN("") " GROUP BY 1",
    [MC_STATS_BY_FIELD] = "SELECT 0, p.field, '', '', " COUNTERS SCAN(WITH_PROCEDURE) " GROUP BY 2",
    [MC_STATS_BY_PROCEDURE] = "SELECT d.procedure_id, p.field, p.code, p.name, " COUNTERS SCAN(
	WITH_PROCEDURE) " GROUP BY 1, 2, 3, 4",
};

static const char *const sql_apologies[] = {
    [MC_STATS_TOTAL] = "SELECT 0, '', count(*)" APOLOGY_SCAN(""),
    [MC_STATS_BY_UNIT] = "SELECT " CHILD_KEY ", '', count(*)" APOLOGY_SCAN("") " GROUP BY 1",
    [MC_STATS_BY_FIELD] = "SELECT 0, p.field, count(*)" APOLOGY_SCAN(WITH_PROCEDURE) " GROUP BY 2",
    [MC_STATS_BY_PROCEDURE] =
	"SELECT d.procedure_id, '', count(*)" APOLOGY_SCAN(WITH_PROCEDURE) " GROUP BY 1",
};

static const char *const sql_supplements[] = {
    [MC_STATS_TOTAL] = "SELECT 0, '', count(DISTINCT d.id)" SUPPLEMENT_SCAN(""),
    [MC_STATS_BY_UNIT] = "SELECT " CHILD_KEY ", '', count(DISTINCT d.id)" SUPPLEMENT_SCAN("") " GROUP BY 1",
    [MC_STATS_BY_FIELD] =
	"SELECT 0, p.field, count(DISTINCT d.id)" SUPPLEMENT_SCAN(WITH_PROCEDURE) " GROUP BY 2",
    [MC_STATS_BY_PROCEDURE] =
	"SELECT d.procedure_id, '', count(DISTINCT d.id)" SUPPLEMENT_SCAN(WITH_PROCEDURE) " GROUP BY 1",
};

/* The supplement and apology statements do not use $5: its type is given. */
static const Oid period_types[5] = {MC_PQ_TEXT, MC_PQ_TEXT, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT8};

static void period_params(struct mc_pq_params *p, const char *lo, const char *hi, const mc_stats_query *q)
{
	mc_pq_set_text(p, 1, lo);
	mc_pq_set_text(p, 2, hi);
	mc_pq_set_int(p, 3, q->from);
	mc_pq_set_int(p, 4, q->to);
	mc_pq_set_int(p, 5, q->at);
}

struct rows {
	mc_stats_row *list;
	size_t len, cap;
};

static mc_stats_row *rows_add(struct rows *r)
{
	if (r->len == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->list = mc_xrealloc(r->list, r->cap * sizeof(*r->list));
	}
	memset(&r->list[r->len], 0, sizeof(r->list[0]));
	return &r->list[r->len++];
}

static mc_stats_row *rows_find(struct rows *r, mc_stats_group g, int64_t id, const char *text)
{
	for (size_t i = 0; i < r->len; i++) {
		mc_stats_row *x = &r->list[i];
		if (g == MC_STATS_BY_FIELD  ? strcmp(x->field, text) == 0
		    : g == MC_STATS_BY_UNIT ? x->unit_id == id
					    : g == MC_STATS_TOTAL || x->procedure_id == id)
			return x;
	}
	mc_stats_row *x = rows_add(r);
	if (g == MC_STATS_BY_UNIT)
		x->unit_id = id;
	else if (g == MC_STATS_BY_PROCEDURE)
		x->procedure_id = id;
	else if (g == MC_STATS_BY_FIELD)
		mc_strlcpy(x->field, text, sizeof x->field);
	return x;
}

static int children(mc_pg *st, PGresult **out, int64_t unit_id)
{
	static const char sql[] = "SELECT id FROM unit WHERE parent_id = $1::bigint ORDER BY code";
	struct mc_pq_params p = {0};
	int rc;

	mc_pq_set_int(&p, 1, unit_id);
	rc = mc_pq_run(st, out, sql, &p, "list child units");
	mc_pq_params_clear(&p);
	return rc;
}

static int count_rows(mc_pg *st, struct rows *rows, const char *lo, const char *hi, const mc_stats_query *q)
{
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	period_params(&p, lo, hi, q);
	rc = mc_pq_run(st, &r, sql_counts[q->group], &p, "count dossiers for statistics");
	for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
		int64_t v[N_COUNTERS];
		mc_stats_row *x = rows_find(rows, q->group, mc_pq_get_i64(r, i, 0), PQgetvalue(r, i, 1));

		if (q->group == MC_STATS_BY_PROCEDURE) {
			MC_PQ_GET_FIELD(x->field, r, i, 1);
			MC_PQ_GET_FIELD(x->procedure_code, r, i, 2);
			MC_PQ_GET_FIELD(x->procedure_name, r, i, 3);
		}
		for (int k = 0; k < N_COUNTERS; k++)
			v[k] = mc_pq_get_i64(r, i, 4 + k);
		x->c.carried_over = v[0];
		x->c.received_online = v[1];
		x->c.received_direct = v[2];
		x->c.received_postal = v[3];
		x->c.received = v[4];
		x->c.resolved_early = v[5];
		x->c.resolved_on_time = v[6];
		x->c.resolved_late = v[7];
		x->c.resolved = v[8];
		x->c.in_progress_within = v[9];
		x->c.in_progress_overdue = v[10];
		x->c.in_progress = v[11];
		x->c.withdrawn = v[12];
		x->c.stopped = v[13];
		x->c.not_accepted = v[14];
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

/* The supplement requests (which = 0) or the issued apologies (1) of the period. */
static int count_extra(mc_pg *st, struct rows *rows, const char *lo, const char *hi, const mc_stats_query *q,
		       int which)
{
	const char *sql = which == 0 ? sql_supplements[q->group] : sql_apologies[q->group];
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	period_params(&p, lo, hi, q);
	rc = mc_pq_run_typed(st, &r, sql, 0, sql, MC_ARRAY_LEN(period_types), period_types, &p,
			     which == 0 ? "count supplement requests" : "count apologies");
	for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
		mc_stats_row *x = rows_find(rows, q->group, mc_pq_get_i64(r, i, 0), PQgetvalue(r, i, 1));

		if (which == 0)
			x->c.supplement_requested = mc_pq_get_i64(r, i, 2);
		else
			x->c.apologies = mc_pq_get_i64(r, i, 2);
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

static int procedure_names(mc_pg *st, struct rows *rows)
{
	static const char sql[] = "SELECT code, name, field FROM procedure WHERE id = $1::bigint";
	int rc = 0;

	for (size_t i = 0; i < rows->len && rc == 0; i++) {
		mc_stats_row *x = &rows->list[i];
		struct mc_pq_params p = {0};
		PGresult *r = NULL;

		if (x->procedure_code[0])
			continue;
		mc_pq_set_int(&p, 1, x->procedure_id);
		rc = mc_pq_run(st, &r, sql, &p, "read procedure for statistics");
		if (rc == 0 && PQntuples(r) == 1) {
			MC_PQ_GET_FIELD(x->procedure_code, r, 0, 0);
			MC_PQ_GET_FIELD(x->procedure_name, r, 0, 1);
			MC_PQ_GET_FIELD(x->field, r, 0, 2);
		}
		PQclear(r);
		mc_pq_params_clear(&p);
	}
	return rc;
}

static void drop_empty(struct rows *r)
{
	size_t kept = 0;

	for (size_t i = 0; i < r->len; i++) {
		if (!mc_stats_is_zero(&r->list[i].c))
			r->list[kept++] = r->list[i];
	}
	r->len = kept;
}

static int cmp_field(const void *a, const void *b)
{
	return strcmp(((const mc_stats_row *)a)->field, ((const mc_stats_row *)b)->field);
}

static int cmp_procedure(const void *a, const void *b)
{
	return strcmp(((const mc_stats_row *)a)->procedure_code, ((const mc_stats_row *)b)->procedure_code);
}

int mc_pg_stats(mc_pg *st, mc_stats_row **out, size_t *n, const mc_stats_query *q)
{
	struct rows r = {0};
	PGresult *kids = NULL;
	char lo[256];
	char hi[256];
	int rc;

	*out = NULL;
	*n = 0;
	if (q->from >= q->to || q->group < MC_STATS_TOTAL || q->group > MC_STATS_BY_PROCEDURE) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_pq_unit_range(st, lo, hi, q->unit_id);
	if (rc)
		goto cleanup;
	if (q->group == MC_STATS_BY_UNIT) {
		rc = children(st, &kids, q->unit_id);
		if (rc)
			goto cleanup;
		rows_add(&r)->unit_id = 0;
		for (int i = 0; i < PQntuples(kids); i++)
			rows_add(&r)->unit_id = mc_pq_get_i64(kids, i, 0);
	} else if (q->group == MC_STATS_TOTAL) {
		rows_add(&r);
	}
	rc = count_rows(st, &r, lo, hi, q);
	if (rc == 0)
		rc = count_extra(st, &r, lo, hi, q, 0);
	if (rc == 0)
		rc = count_extra(st, &r, lo, hi, q, 1);
	if (rc)
		goto cleanup;
	switch (q->group) {
	case MC_STATS_TOTAL:
		r.list[0].unit_id = q->unit_id;
		break;
	case MC_STATS_BY_UNIT:
		if (mc_stats_is_zero(&r.list[0].c)) {
			memmove(&r.list[0], &r.list[1], (r.len - 1) * sizeof(r.list[0]));
			r.len--;
		} else {
			r.list[0].unit_id = q->unit_id;
		}
		break;
	case MC_STATS_BY_FIELD:
		drop_empty(&r);
		qsort(r.list, r.len, sizeof(r.list[0]), cmp_field);
		break;
	case MC_STATS_BY_PROCEDURE:
		drop_empty(&r);
		rc = procedure_names(st, &r);
		if (rc)
			goto cleanup;
		qsort(r.list, r.len, sizeof(r.list[0]), cmp_procedure);
		break;
	}
cleanup:
	PQclear(kids);
	if (rc) {
		free(r.list);
		return rc;
	}
	*out = r.list;
	*n = r.len;
	return 0;
}

/* ---- overdue ---------------------------------------------------------- */

#define OVERDUE_WHERE                                                                                        \
	" WHERE u.path >= $1::text AND u.path < $2::text AND d.state IN (2, 4) AND d.paused_at = 0"          \
	" AND d.due_at > 0 AND" DUE " < $3::bigint"

int mc_pg_stats_overdue(mc_pg *st, mc_stats_overdue **out, size_t *n, int64_t *total, int64_t unit_id,
			int64_t now, int limit, int offset)
{
	static const char count_sql[] =
	    "SELECT count(*) FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id" OVERDUE_WHERE;
	static const char rows_sql[] =
	    "SELECT d.code, p.code, p.name, d.receiving_unit_id, d.current_unit_id, d.state, "
	    "d.received_at, " DUE " FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id "
	    "JOIN procedure p ON p.id = d.procedure_id" OVERDUE_WHERE " ORDER BY" DUE
	    ", d.id LIMIT $4::bigint "
	    "OFFSET $5::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	mc_stats_overdue *list = NULL;
	char lo[256];
	char hi[256];
	int rows;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (limit < 1 || limit > 200 || offset < 0)
		return MC_EINVAL;
	rc = mc_pq_unit_range(st, lo, hi, unit_id);
	if (rc)
		return rc;
	mc_pq_set_text(&p, 1, lo);
	mc_pq_set_text(&p, 2, hi);
	mc_pq_set_int(&p, 3, now);
	rc = mc_pq_run(st, &r, count_sql, &p, "count overdue dossiers");
	if (rc)
		goto cleanup;
	*total = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	r = NULL;
	mc_pq_set_int(&p, 4, limit);
	mc_pq_set_int(&p, 5, offset);
	rc = mc_pq_run(st, &r, rows_sql, &p, "list overdue dossiers");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	list = rows ? mc_xcalloc((size_t)rows, sizeof(*list)) : NULL;
	for (int i = 0; i < rows; i++) {
		mc_stats_overdue *x = &list[i];

		MC_PQ_GET_FIELD(x->code, r, i, 0);
		MC_PQ_GET_FIELD(x->procedure_code, r, i, 1);
		MC_PQ_GET_FIELD(x->procedure_name, r, i, 2);
		x->receiving_unit_id = mc_pq_get_i64(r, i, 3);
		x->current_unit_id = mc_pq_get_i64(r, i, 4);
		x->state = (int)mc_pq_get_i64(r, i, 5);
		x->received_at = mc_pq_get_i64(r, i, 6);
		x->due_at = mc_pq_get_i64(r, i, 7);
	}
	*out = list;
	*n = (size_t)rows;
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

/* ---- the public register of results ----------------------------------- */

int mc_pg_stats_months(mc_pg *st, mc_stats_month **out, size_t *n, int64_t unit_id, int year)
{
	/* $1, $2 the subtree; $3, $4 the year's local midnights; the month is the
	 * local month of finished_at (UTC+7). */
	static const char sql[] =
	    "SELECT " CHILD_KEY
	    ", CAST(EXTRACT(MONTH FROM to_timestamp(d.finished_at + 25200) AT TIME ZONE 'UTC') "
	    "AS integer), count(*), count(*) FILTER (WHERE d.finished_at <=" DUE ")"
	    " FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id"
	    " WHERE u.path >= $1::text AND u.path < $2::text AND d.received_at > 0 AND d.received_at < "
	    "$4::bigint"
	    " AND d.finished_at >= $3::bigint AND" RESOLVED " GROUP BY 1, 2";
	struct mc_pq_params p = {0};
	PGresult *kids = NULL;
	PGresult *r = NULL;
	mc_stats_month *sorted = NULL;
	char lo[256];
	char hi[256];
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (year < 1970 || year > 9999)
		return MC_EINVAL;
	rc = mc_pq_unit_range(st, lo, hi, unit_id);
	if (rc)
		return rc;
	rc = children(st, &kids, unit_id);
	if (rc)
		goto cleanup;
	mc_pq_set_text(&p, 1, lo);
	mc_pq_set_text(&p, 2, hi);
	mc_pq_set_int(&p, 3, (int64_t)mc_days_from_civil(year, 1, 1) * 86400 - MC_TZ_OFFSET);
	mc_pq_set_int(&p, 4, (int64_t)mc_days_from_civil(year + 1, 1, 1) * 86400 - MC_TZ_OFFSET);
	rc = mc_pq_run(st, &r, sql, &p, "count resolved dossiers per month");
	if (rc)
		goto cleanup;
	/* Twelve months per unit in the units' order (the own desk first, only
	 * when it resolved anything, then the children by code), zeros included. */
	sorted = mc_xcalloc(((size_t)PQntuples(kids) + 1) * 12, sizeof(*sorted));
	for (int u = -1; u < PQntuples(kids); u++) {
		int64_t key = u < 0 ? 0 : mc_pq_get_i64(kids, u, 0);
		int64_t id = key ? key : unit_id;
		int64_t sum = 0;

		for (int m = 1; m <= 12; m++) {
			mc_stats_month *x = &sorted[k + (size_t)m - 1];

			*x = (mc_stats_month){.unit_id = id, .month = m};
			for (int i = 0; i < PQntuples(r); i++) {
				if (mc_pq_get_i64(r, i, 0) == key && mc_pq_get_i64(r, i, 1) == m) {
					x->resolved = mc_pq_get_i64(r, i, 2);
					x->on_time = mc_pq_get_i64(r, i, 3);
				}
			}
			sum += x->resolved;
		}
		if (key || sum)
			k += 12;
	}
	*out = sorted;
	*n = k;
	sorted = NULL;
cleanup:
	free(sorted);
	PQclear(kids);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}
