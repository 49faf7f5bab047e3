/*
 * store_sqlite_stats.c - the dossier figures of a unit and period, counted in
 * SQL with the rules of docs/statistics.md, and the list of overdue dossiers.
 *
 * A dossier belongs to a unit's figures when its receiving unit lies in the
 * unit's subtree. The counting is one grouped scan of the covering index
 * dossier_stats (migration 003) per unit of the subtree, plus one grouped
 * range of the event log for the supplement requests; nothing is read per
 * dossier from C. The issued apologies of the period are one more grouped
 * range (apology_issued, migration 005).
 */
#include "store/store_sqlite_int.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * Parameters: ?1, ?2 the subtree's path range; ?3 from; ?4 to; ?5 the
 * evaluation instant. Times are UTC seconds; a local calendar day is
 * (t + 7 h) / 1 day, as in core/deadline.c (times here are after 1970, so the
 * integer division rounds down).
 *
 * The due time is the statutory one: due_at, or statutory_due_at once an
 * apology moved due_at to a new appointment (an apology does not make a late
 * dossier on time).
 *
 * resolved: state resolved (9) or returned (10), finished in the period;
 * late when finished after the due time, early when finished on a local day
 * before the due day, else on time (mc_deadline_classify_finished).
 * in progress at the end: received before `to`, not finished before it;
 * overdue when the instant it is judged at is after the due time: the start
 * of its pause if paused at or before the evaluation instant, else that
 * instant (mc_api_timeliness).
 */
/* clang-format off */
#define DUE " (CASE WHEN d.statutory_due_at > 0 THEN d.statutory_due_at ELSE d.due_at END)"
#define RESOLVED " d.state IN (9, 10) AND d.finished_at >= ?3 AND d.finished_at < ?4"
#define SAME_OR_EARLIER " d.finished_at <=" DUE
#define EARLIER_DAY " (d.finished_at + 25200) / 86400 < (" DUE " + 25200) / 86400"
#define IN_PROGRESS " d.received_at > 0 AND d.received_at < ?4 AND (d.finished_at = 0 OR d.finished_at >= ?4)"
#define JUDGED_AT " (CASE WHEN d.paused_at > 0 AND d.paused_at <= ?5 THEN d.paused_at ELSE ?5 END)"
#define RECEIVED " d.received_at >= ?3 AND d.received_at < ?4"
#define FINISHED_AS(state) " d.state = " state " AND d.finished_at >= ?3 AND d.finished_at < ?4"

#define COUNTERS \
	"sum(d.received_at > 0 AND d.received_at < ?3 AND (d.finished_at = 0 OR d.finished_at >= ?3)), " \
	"sum(" RECEIVED " AND d.channel = 2), " \
	"sum(" RECEIVED " AND d.channel = 1), " \
	"sum(" RECEIVED " AND d.channel = 3), " \
	"sum(" RECEIVED "), " \
	"sum(" RESOLVED " AND" SAME_OR_EARLIER " AND" EARLIER_DAY "), " \
	"sum(" RESOLVED " AND" SAME_OR_EARLIER " AND NOT" EARLIER_DAY "), " \
	"sum(" RESOLVED " AND d.finished_at >" DUE "), " \
	"sum(" RESOLVED "), " \
	"sum(" IN_PROGRESS " AND" JUDGED_AT " <=" DUE "), " \
	"sum(" IN_PROGRESS " AND" JUDGED_AT " >" DUE "), " \
	"sum(" IN_PROGRESS "), " \
	"sum(" FINISHED_AS("7") "), " \
	"sum(" FINISHED_AS("8") "), " \
	"sum(" FINISHED_AS("3") ")"
/* clang-format on */
#define N_COUNTERS 15

/* Every dossier that counts: received before the end and not finished
 * before the start, or never received but finished (refused, withdrawn) in
 * the period. */
#define SCAN(join)                                                                                           \
	" FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id" join                                     \
	" WHERE u.path >= ?1 AND u.path < ?2 AND d.received_at < ?4"                                         \
	" AND (d.finished_at = 0 OR d.finished_at >= ?3) AND (d.received_at > 0 OR d.finished_at < ?4)"
#define WITH_PROCEDURE " JOIN procedure p ON p.id = d.procedure_id"

#define CHILD_KEY MC_SQ_CHILD_KEY

/* Supplement requests of the period (event log), one count per dossier. */
#define SUPPLEMENT_SCAN(join)                                                                                \
	" FROM event e JOIN dossier d ON d.id = e.dossier_id JOIN unit u ON u.id = d.receiving_unit_id" join \
	" WHERE e.action = 'request_supplement' AND e.at >= ?3 AND e.at < ?4"                                \
	" AND u.path >= ?1 AND u.path < ?2"

/* Apologies issued in the period (QĐ 876/2017), counted at the dossier's
 * receiving unit like every other figure. */
#define APOLOGY_SCAN(join)                                                                                   \
	" FROM apology a JOIN dossier d ON d.id = a.dossier_id JOIN unit u ON u.id = d.receiving_unit_id" join \
	" WHERE a.issued_at > 0 AND a.issued_at >= ?3 AND a.issued_at < ?4"                                  \
	" AND u.path >= ?1 AND u.path < ?2"

/* Each grouping: key columns (an integer, a text, two more texts), then the
 * counters. By unit, the scan is grouped by the receiving unit's path, the
 * order it walks the subtree in (no temporary B-tree over the year's
 * dossiers); the few hundred unit rows are then folded into the chosen unit's
 * children by count_rows, which adds the rows of the same key. */
static const char *const sql_counts[] = {
    [MC_STATS_TOTAL] = "SELECT 0, '', '', '', " COUNTERS SCAN(""),
    [MC_STATS_BY_UNIT] = "SELECT " CHILD_KEY ", '', '', '', " COUNTERS SCAN("") " GROUP BY u.path",
    [MC_STATS_BY_FIELD] = "SELECT 0, p.field, '', '', " COUNTERS SCAN(WITH_PROCEDURE) " GROUP BY 2",
    [MC_STATS_BY_PROCEDURE] =
	"SELECT d.procedure_id, p.field, p.code, p.name, " COUNTERS SCAN(WITH_PROCEDURE) " GROUP BY 1",
};

static const char *const sql_apologies[] = {
    [MC_STATS_TOTAL] = "SELECT 0, '', count(*)" APOLOGY_SCAN(""),
    [MC_STATS_BY_UNIT] = "SELECT " CHILD_KEY ", '', count(*)" APOLOGY_SCAN("") " GROUP BY 1",
    [MC_STATS_BY_FIELD] = "SELECT 0, p.field, count(*)" APOLOGY_SCAN(WITH_PROCEDURE) " GROUP BY 2",
    [MC_STATS_BY_PROCEDURE] = "SELECT d.procedure_id, '', count(*)" APOLOGY_SCAN(WITH_PROCEDURE) " GROUP BY 1",
};

static const char *const sql_supplements[] = {
    [MC_STATS_TOTAL] = "SELECT 0, '', count(DISTINCT d.id)" SUPPLEMENT_SCAN(""),
    [MC_STATS_BY_UNIT] = "SELECT " CHILD_KEY ", '', count(DISTINCT d.id)" SUPPLEMENT_SCAN("") " GROUP BY 1",
    [MC_STATS_BY_FIELD] =
	"SELECT 0, p.field, count(DISTINCT d.id)" SUPPLEMENT_SCAN(WITH_PROCEDURE) " GROUP BY 2",
    [MC_STATS_BY_PROCEDURE] =
	"SELECT d.procedure_id, '', count(DISTINCT d.id)" SUPPLEMENT_SCAN(WITH_PROCEDURE) " GROUP BY 1",
};

/* ?5 (the evaluation instant) is used only by the counting statements. */
static void bind_period(sqlite3_stmt *s, const char *lo, const char *hi, const mc_stats_query *q)
{
	mc_sq_bind_text(s, 1, lo);
	mc_sq_bind_text(s, 2, hi);
	mc_sq_bind_int(s, 3, q->from);
	mc_sq_bind_int(s, 4, q->to);
	if (sqlite3_bind_parameter_count(s) >= 5)
		mc_sq_bind_int(s, 5, q->at);
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

/* The row with this key, added when missing. */
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
		mc_sq_copy(x->field, sizeof x->field, text);
	return x;
}

/* Every direct child of the unit, in code order, as empty rows; the unit's
 * own row goes first and is dropped at the end if nothing counts in it. */
static int rows_children(mc_sqlite *st, struct rows *r, int64_t unit_id)
{
	static const char sql[] = "SELECT id FROM unit WHERE parent_id = ?1 ORDER BY code";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	rows_add(r)->unit_id = 0;
	mc_sq_bind_int(s, 1, unit_id);
	for (;;) {
		rc = mc_sq_row(st, s, "list child units");
		if (rc != 1)
			break;
		rows_add(r)->unit_id = sqlite3_column_int64(s, 0);
	}
cleanup:
	mc_sq_done(s);
	return rc < 0 ? rc : 0;
}

static int count_rows(mc_sqlite *st, struct rows *r, const char *lo, const char *hi, const mc_stats_query *q)
{
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql_counts[q->group]);

	if (rc)
		goto cleanup;
	bind_period(s, lo, hi, q);
	for (;;) {
		int64_t v[N_COUNTERS];
		mc_stats_row *x;

		rc = mc_sq_row(st, s, "count dossiers for statistics");
		if (rc != 1)
			break;
		x = rows_find(r, q->group, sqlite3_column_int64(s, 0),
			      (const char *)sqlite3_column_text(s, 1));
		if (q->group == MC_STATS_BY_PROCEDURE) {
			MC_SQ_COL_FIELD(x->field, s, 1);
			MC_SQ_COL_FIELD(x->procedure_code, s, 2);
			MC_SQ_COL_FIELD(x->procedure_name, s, 3);
		}
		for (int i = 0; i < N_COUNTERS; i++)
			v[i] = sqlite3_column_int64(s, 4 + i);
		/* Added, not set: by unit, several paths fold into one child. */
		x->c.carried_over += v[0];
		x->c.received_online += v[1];
		x->c.received_direct += v[2];
		x->c.received_postal += v[3];
		x->c.received += v[4];
		x->c.resolved_early += v[5];
		x->c.resolved_on_time += v[6];
		x->c.resolved_late += v[7];
		x->c.resolved += v[8];
		x->c.in_progress_within += v[9];
		x->c.in_progress_overdue += v[10];
		x->c.in_progress += v[11];
		x->c.withdrawn += v[12];
		x->c.stopped += v[13];
		x->c.not_accepted += v[14];
	}
cleanup:
	mc_sq_done(s);
	return rc < 0 ? rc : 0;
}

/* A procedure that appears only through a supplement request still needs its
 * code and name. */
static int procedure_names(mc_sqlite *st, struct rows *r)
{
	static const char sql[] = "SELECT code, name, field FROM procedure WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = 0;

	for (size_t i = 0; i < r->len && rc == 0; i++) {
		mc_stats_row *x = &r->list[i];
		if (x->procedure_code[0])
			continue;
		rc = mc_sq_prepare(st, &s, sql);
		if (rc)
			break;
		mc_sq_bind_int(s, 1, x->procedure_id);
		rc = mc_sq_row(st, s, "read procedure for statistics");
		if (rc == 1) {
			MC_SQ_COL_FIELD(x->procedure_code, s, 0);
			MC_SQ_COL_FIELD(x->procedure_name, s, 1);
			MC_SQ_COL_FIELD(x->field, s, 2);
			rc = 0;
		}
		mc_sq_done(s);
		s = NULL;
	}
	mc_sq_done(s);
	return rc < 0 ? rc : 0;
}

static int count_supplements(mc_sqlite *st, struct rows *r, const char *lo, const char *hi,
			     const mc_stats_query *q)
{
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql_supplements[q->group]);

	if (rc)
		goto cleanup;
	bind_period(s, lo, hi, q);
	for (;;) {
		rc = mc_sq_row(st, s, "count supplement requests");
		if (rc != 1)
			break;
		rows_find(r, q->group, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1))
		    ->c.supplement_requested = sqlite3_column_int64(s, 2);
	}
cleanup:
	mc_sq_done(s);
	return rc < 0 ? rc : 0;
}

static int count_apologies(mc_sqlite *st, struct rows *r, const char *lo, const char *hi, const mc_stats_query *q)
{
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql_apologies[q->group]);

	if (rc)
		goto cleanup;
	bind_period(s, lo, hi, q);
	for (;;) {
		rc = mc_sq_row(st, s, "count apologies");
		if (rc != 1)
			break;
		rows_find(r, q->group, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1))
		    ->c.apologies = sqlite3_column_int64(s, 2);
	}
cleanup:
	mc_sq_done(s);
	return rc < 0 ? rc : 0;
}

/* Every dossier scanned counts somewhere; this keeps a row of zeros out all
 * the same, should a rule change. */
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

int mc_sqlite_stats(mc_sqlite *st, mc_stats_row **out, size_t *n, const mc_stats_query *q)
{
	struct rows r = {0};
	char lo[256];
	char hi[256];
	int rc;

	*out = NULL;
	*n = 0;
	if (q->from >= q->to || q->group < MC_STATS_TOTAL || q->group > MC_STATS_BY_PROCEDURE) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_sq_unit_range(st, lo, hi, q->unit_id);
	if (rc)
		goto cleanup;
	if (q->group == MC_STATS_BY_UNIT)
		rc = rows_children(st, &r, q->unit_id);
	else if (q->group == MC_STATS_TOTAL)
		rows_add(&r);
	if (rc)
		goto cleanup;
	rc = count_rows(st, &r, lo, hi, q);
	if (rc)
		goto cleanup;
	rc = count_supplements(st, &r, lo, hi, q);
	if (rc)
		goto cleanup;
	rc = count_apologies(st, &r, lo, hi, q);
	if (rc)
		goto cleanup;
	switch (q->group) {
	case MC_STATS_TOTAL:
		r.list[0].unit_id = q->unit_id;
		break;
	case MC_STATS_BY_UNIT:
		/* Key 0 is the unit's own desk; rows_children put it first. */
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
	if (rc < 0) {
		free(r.list);
		return rc;
	}
	*out = r.list;
	*n = r.len;
	return 0;
}

void mc_stats_row_free_list(mc_stats_row *list)
{
	free(list);
}

/* ---- overdue ---------------------------------------------------------- */

#define OVERDUE_WHERE                                                                                        \
	" WHERE u.path >= ?1 AND u.path < ?2 AND d.state IN (2, 4) AND d.paused_at = 0"                      \
	" AND d.due_at > 0 AND" DUE " < ?3"

int mc_sqlite_stats_overdue(mc_sqlite *st, mc_stats_overdue **out, size_t *n, int64_t *total, int64_t unit_id,
			   int64_t now, int limit, int offset)
{
	static const char count_sql[] =
	    "SELECT count(*) FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id" OVERDUE_WHERE;
	static const char rows_sql[] =
	    "SELECT d.code, p.code, p.name, d.receiving_unit_id, d.current_unit_id, d.state, d.received_at, "
	    DUE " FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id "
	    "JOIN procedure p ON p.id = d.procedure_id" OVERDUE_WHERE
	    " ORDER BY" DUE ", d.id LIMIT ?4 OFFSET ?5";
	sqlite3_stmt *s = NULL;
	mc_stats_overdue *list = NULL;
	size_t len = 0;
	size_t cap = 0;
	char lo[256];
	char hi[256];
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (limit < 1 || limit > 200 || offset < 0) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_sq_unit_range(st, lo, hi, unit_id);
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, count_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, lo);
	mc_sq_bind_text(s, 2, hi);
	mc_sq_bind_int(s, 3, now);
	rc = mc_sq_row(st, s, "count overdue dossiers");
	if (rc < 0)
		goto cleanup;
	*total = rc ? sqlite3_column_int64(s, 0) : 0;
	mc_sq_done(s);
	s = NULL;
	rc = mc_sq_prepare(st, &s, rows_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, lo);
	mc_sq_bind_text(s, 2, hi);
	mc_sq_bind_int(s, 3, now);
	mc_sq_bind_int(s, 4, limit);
	mc_sq_bind_int(s, 5, offset);
	for (;;) {
		mc_stats_overdue *x;

		rc = mc_sq_row(st, s, "list overdue dossiers");
		if (rc != 1)
			break;
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		x = &list[len++];
		memset(x, 0, sizeof(*x));
		MC_SQ_COL_FIELD(x->code, s, 0);
		MC_SQ_COL_FIELD(x->procedure_code, s, 1);
		MC_SQ_COL_FIELD(x->procedure_name, s, 2);
		x->receiving_unit_id = sqlite3_column_int64(s, 3);
		x->current_unit_id = sqlite3_column_int64(s, 4);
		x->state = sqlite3_column_int(s, 5);
		x->received_at = sqlite3_column_int64(s, 6);
		x->due_at = sqlite3_column_int64(s, 7);
	}
cleanup:
	mc_sq_done(s);
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}

void mc_stats_overdue_free_list(mc_stats_overdue *list)
{
	free(list);
}

/* ---- the public register of results ----------------------------------- */

int mc_sqlite_stats_months(mc_sqlite *st, mc_stats_month **out, size_t *n, int64_t unit_id, int year)
{
	/* ?1, ?2 the subtree; ?3, ?4 the year's local midnights. Resolved as in
	 * the statistics (RESOLVED), on time = early + on time (not late); the
	 * month is the local month of finished_at. */
	static const char sql[] =
	    "SELECT " CHILD_KEY ", CAST(strftime('%m', d.finished_at + 25200, 'unixepoch') AS INTEGER), "
	    "count(*), sum(d.finished_at <=" DUE ")"
	    " FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id"
	    " WHERE u.path >= ?1 AND u.path < ?2 AND d.received_at > 0 AND d.received_at < ?4"
	    " AND d.finished_at >= ?3 AND" RESOLVED " GROUP BY 1, 2";
	static const char children[] = "SELECT id FROM unit WHERE parent_id = ?1 ORDER BY code";
	sqlite3_stmt *s = NULL;
	mc_stats_month *rows = NULL;
	int64_t *order = NULL;
	size_t len = 0, cap = 0, n_order = 0, cap_order = 0;
	char lo[256];
	char hi[256];
	int rc;

	*out = NULL;
	*n = 0;
	if (year < 1970 || year > 9999) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_sq_unit_range(st, lo, hi, unit_id);
	if (rc)
		goto cleanup;
	/* The order of the rows: the unit's own desk, then its children by code. */
	rc = mc_sq_prepare(st, &s, children);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, unit_id);
	order = mc_xmalloc(16 * sizeof(*order));
	cap_order = 16;
	order[n_order++] = 0;
	while ((rc = mc_sq_row(st, s, "list child units")) == 1) {
		if (n_order == cap_order) {
			cap_order *= 2;
			order = mc_xrealloc(order, cap_order * sizeof(*order));
		}
		order[n_order++] = sqlite3_column_int64(s, 0);
	}
	if (rc < 0)
		goto cleanup;
	mc_sq_done(s);
	s = NULL;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, lo);
	mc_sq_bind_text(s, 2, hi);
	mc_sq_bind_int(s, 3, (int64_t)mc_days_from_civil(year, 1, 1) * 86400 - MC_TZ_OFFSET);
	mc_sq_bind_int(s, 4, (int64_t)mc_days_from_civil(year + 1, 1, 1) * 86400 - MC_TZ_OFFSET);
	while ((rc = mc_sq_row(st, s, "count resolved dossiers per month")) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			rows = mc_xrealloc(rows, cap * sizeof(*rows));
		}
		int64_t key = sqlite3_column_int64(s, 0);
		rows[len++] = (mc_stats_month){.unit_id = key ? key : unit_id,
					       .month = sqlite3_column_int(s, 1),
					       .resolved = sqlite3_column_int64(s, 2),
					       .on_time = sqlite3_column_int64(s, 3)};
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	/* Twelve months per unit, in the units' order, zeros included; the own
	 * desk only when it resolved anything. Children are few, so a pass per
	 * unit and month is cheap. */
	mc_stats_month *sorted = mc_xcalloc(n_order * 12, sizeof(*sorted));
	size_t k = 0;
	for (size_t u = 0; u < n_order; u++) {
		int64_t id = order[u] ? order[u] : unit_id;
		int64_t sum = 0;
		for (int m = 1; m <= 12; m++) {
			mc_stats_month *x = &sorted[k + (size_t)m - 1];
			x->unit_id = id;
			x->month = m;
			for (size_t i = 0; i < len; i++) {
				if (rows[i].unit_id == id && rows[i].month == m)
					*x = rows[i];
			}
			sum += x->resolved;
		}
		if (order[u] || sum)
			k += 12;
	}
	free(rows);
	rows = sorted;
	len = k;
cleanup:
	mc_sq_done(s);
	free(order);
	if (rc < 0) {
		free(rows);
		return rc;
	}
	*out = rows;
	*n = len;
	return 0;
}
