/*
 * store_stats.c - the dossier figures of a unit and period (docs/statistics.md),
 * the list of overdue dossiers and the public register of results, on either
 * engine (db.h).
 *
 * A dossier belongs to a unit's figures when its receiving unit lies in the
 * unit's subtree. Total and by unit, for whole local days, the figures are
 * sums of the roll-up (store_rollup.c); otherwise they are counted here: one
 * grouped scan of the covering index dossier_stats (migrations 003, 005) per
 * unit of the subtree, one grouped range of the event log for the supplement
 * requests and one of the issued apologies (apology_issued). Nothing is read
 * per dossier from C. What counts as resolved, early, late or overdue, and
 * the local day, are the SQL forms of the rules in core/stats.h.
 */
#include "store/db.h"

#include "core/buf.h"
#include "core/stats.h"
#include "store/store_rollup.h"

#include <stdlib.h>
#include <string.h>

/*
 * $1, $2 the subtree's path range; $3 from; $4 to; $5 the evaluation instant
 * (docs/statistics.md §1), read by the counters only.
 */
#define COUNT(cond) "sum(CASE WHEN " cond " THEN 1 ELSE 0 END)"
#define RECEIVED "d.received_at >= $3 AND d.received_at < $4"
#define FINISHED_IN "d.finished_at >= $3 AND d.finished_at < $4"
#define FINISHED_AS(state) "d.state = " MC_SQL_STATE(state) " AND " FINISHED_IN
#define RESOLVED MC_SQL_HAS_RESULT " AND " FINISHED_IN
#define IN_PROGRESS "d.received_at > 0 AND d.received_at < $4 AND (d.finished_at = 0 OR d.finished_at >= $4)"

/* clang-format off */
#define COUNTERS \
	COUNT("d.received_at > 0 AND d.received_at < $3 AND (d.finished_at = 0 OR d.finished_at >= $3)") " AS carried_over, " \
	COUNT(RECEIVED " AND d.channel = " MC_SQL_CHANNEL(ONLINE)) " AS received_online, " \
	COUNT(RECEIVED " AND d.channel = " MC_SQL_CHANNEL(DIRECT)) " AS received_direct, " \
	COUNT(RECEIVED " AND d.channel = " MC_SQL_CHANNEL(POSTAL)) " AS received_postal, " \
	COUNT(RECEIVED) " AS received, " \
	COUNT(RESOLVED " AND " MC_SQL_FINISHED_EARLY) " AS resolved_early, " \
	COUNT(RESOLVED " AND " MC_SQL_FINISHED_ON_TIME) " AS resolved_on_time, " \
	COUNT(RESOLVED " AND " MC_SQL_FINISHED_LATE) " AS resolved_late, " \
	COUNT(RESOLVED) " AS resolved, " \
	COUNT(IN_PROGRESS " AND NOT " MC_SQL_OVERDUE("$5")) " AS in_progress_within, " \
	COUNT(IN_PROGRESS " AND " MC_SQL_OVERDUE("$5")) " AS in_progress_overdue, " \
	COUNT(IN_PROGRESS) " AS in_progress, " \
	COUNT(FINISHED_AS(WITHDRAWN)) " AS withdrawn, " \
	COUNT(FINISHED_AS(STOPPED)) " AS stopped, " \
	COUNT(FINISHED_AS(NOT_ACCEPTED)) " AS not_accepted"
/* clang-format on */

/* Every dossier that counts: received before the end and not finished
 * before the start, or never received but finished (refused, withdrawn) in
 * the period. */
#define SCAN(join)                                                                                           \
	" FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id" join                                     \
	" WHERE u.path >= $1 AND u.path < $2 AND d.received_at < $4"                                         \
	" AND (d.finished_at = 0 OR d.finished_at >= $3) AND (d.received_at > 0 OR d.finished_at < $4)"

/* Supplement requests of the period (event log), once per dossier. */
#define SUPPLEMENT_SCAN(join)                                                                                \
	" FROM event e JOIN dossier d ON d.id = e.dossier_id JOIN unit u ON u.id = d.receiving_unit_id" join \
	" WHERE e.action = 'request_supplement' AND e.at >= $3 AND e.at < $4"                                \
	" AND u.path >= $1 AND u.path < $2"

/* Apologies issued in the period (QĐ 876/2017), counted at the dossier's
 * receiving unit like every other figure. */
#define APOLOGY_SCAN(join)                                                                                   \
	" FROM apology a JOIN dossier d ON d.id = a.dossier_id"                                              \
	" JOIN unit u ON u.id = d.receiving_unit_id" join                                                    \
	" WHERE a.issued_at > 0 AND a.issued_at >= $3 AND a.issued_at < $4 AND u.path >= $1 AND u.path < $2"

#define WITH_PROCEDURE " JOIN procedure p ON p.id = d.procedure_id"

/* Each grouping's key columns. By unit, the scan is grouped by the receiving
 * unit's path, the order it walks the subtree in (no temporary B-tree over
 * the year's dossiers); the few hundred rows are folded into the unit's
 * children in C (mc_db_unit_child). */
#define KEYS(path, id, field, code, name)                                                                    \
	path " AS path, " id " AS procedure_id, " field " AS field, " code " AS procedure_code, " name       \
	     " AS procedure_name, "
#define GROUPED(what, scan)                                                                                  \
	{                                                                                                    \
		[MC_STATS_TOTAL] = "SELECT " KEYS("''", "0", "''", "''", "''") what scan(""),                \
		[MC_STATS_BY_UNIT] =                                                                         \
		    "SELECT " KEYS("u.path", "0", "''", "''", "''") what scan("") " GROUP BY u.path",        \
		[MC_STATS_BY_FIELD] = "SELECT " KEYS("''", "0", "p.field", "''", "''") what scan(            \
		    WITH_PROCEDURE) " GROUP BY p.field",                                                     \
		[MC_STATS_BY_PROCEDURE] =                                                                    \
		    "SELECT " KEYS("''", "d.procedure_id", "p.field", "p.code", "p.name") what scan(         \
			WITH_PROCEDURE) " GROUP BY d.procedure_id, p.field, p.code, p.name",                 \
	}

static const char *const sql_counts[] = GROUPED(COUNTERS, SCAN);
static const char *const sql_supplements[] =
    GROUPED("count(DISTINCT d.id) AS supplement_requested", SUPPLEMENT_SCAN);
static const char *const sql_apologies[] = GROUPED("count(*) AS apologies", APOLOGY_SCAN);

/* A row of one of the statements above; its strings are owned (counted_clear). */
struct counted {
	char *path;
	int64_t procedure_id;
	char *field;
	char *procedure_code;
	char *procedure_name;
	mc_stats_counts c;
};

static void counted_clear(struct counted *k)
{
	free(k->path);
	free(k->field);
	free(k->procedure_code);
	free(k->procedure_name);
	memset(k, 0, sizeof *k);
}

#define KEY_COLS                                                                                             \
	MC_COL(MC_COL_STR, struct counted, path, "path"),                                                    \
	    MC_COL(MC_COL_I64, struct counted, procedure_id, "procedure_id"),                                \
	    MC_COL(MC_COL_STR, struct counted, field, "field"),                                              \
	    MC_COL(MC_COL_STR, struct counted, procedure_code, "procedure_code"),                            \
	    MC_COL(MC_COL_STR, struct counted, procedure_name, "procedure_name")
#define COUNTER_COL(name) MC_COL(MC_COL_I64, struct counted, c.name, #name)

static const mc_col count_cols[] = {
    KEY_COLS,
    COUNTER_COL(carried_over),
    COUNTER_COL(received_online),
    COUNTER_COL(received_direct),
    COUNTER_COL(received_postal),
    COUNTER_COL(received),
    COUNTER_COL(resolved_early),
    COUNTER_COL(resolved_on_time),
    COUNTER_COL(resolved_late),
    COUNTER_COL(resolved),
    COUNTER_COL(in_progress_within),
    COUNTER_COL(in_progress_overdue),
    COUNTER_COL(in_progress),
    COUNTER_COL(withdrawn),
    COUNTER_COL(stopped),
    COUNTER_COL(not_accepted),
};
static const mc_col supplement_cols[] = {KEY_COLS, COUNTER_COL(supplement_requested)};
static const mc_col apology_cols[] = {KEY_COLS, COUNTER_COL(apologies)};

struct rows {
	mc_stats_row *list;
	size_t len, cap;
};

static void row_clear(mc_stats_row *x)
{
	free(x->procedure_code);
	free(x->procedure_name);
	free(x->field);
	memset(x, 0, sizeof(*x));
}

/* A new row with "" strings. */
static mc_stats_row *rows_add(struct rows *r)
{
	MC_GROW(r->list, r->len, r->cap);
	mc_stats_row *x = &r->list[r->len++];
	memset(x, 0, sizeof(*x));
	x->procedure_code = mc_xstrdup("");
	x->procedure_name = mc_xstrdup("");
	x->field = mc_xstrdup("");
	return x;
}

/* An owned copy of s, "" for NULL. */
static char *dup_or_empty(const char *s)
{
	return mc_xstrdup(s ? s : "");
}

/* The row with this key, added when missing (by unit every row is there
 * from the start, key 0 being the unit's own desk). */
static mc_stats_row *rows_find(struct rows *r, mc_stats_group g, int64_t unit_key, const struct counted *k)
{
	for (size_t i = 0; i < r->len; i++) {
		mc_stats_row *x = &r->list[i];
		if (g == MC_STATS_BY_FIELD ? strcmp(x->field, k->field ? k->field : "") == 0
		    : g == MC_STATS_BY_UNIT || g == MC_STATS_EACH_UNIT
			? x->unit_id == unit_key
			: g == MC_STATS_TOTAL || x->procedure_id == k->procedure_id)
			return x;
	}
	mc_stats_row *x = rows_add(r);
	x->unit_id = unit_key;
	x->procedure_id = k->procedure_id;
	free(x->field);
	free(x->procedure_code);
	free(x->procedure_name);
	x->field = dup_or_empty(k->field);
	x->procedure_code = dup_or_empty(k->procedure_code);
	x->procedure_name = dup_or_empty(k->procedure_name);
	return x;
}

/* The direct children of a unit, in code order. Caller frees *out. */
static int children(mc_store *st, int64_t **out, size_t *n, int64_t unit_id)
{
	static const char sql[] = "SELECT id FROM unit WHERE parent_id = $1 ORDER BY code";
	/* Each row one int64_t of the array. */
	static const mc_col cols[] = {{"id", MC_COL_I64, 0, 0}};
	return mc_db_list(st, sql, "list child units", MC_COLS(cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(unit_id)));
}

/* Adds the rows of one statement to their keys' counters; $5 (the
 * evaluation instant) is read by the counters only. */
static int count(mc_store *st, struct rows *r, const char *sql, const mc_col *cols, size_t n_cols,
		 const char *lo, const char *hi, const mc_stats_query *query)
{
	struct counted k = {0};
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	mc_q_text(q, 1, lo);
	mc_q_text(q, 2, hi);
	mc_q_int(q, 3, query->from);
	mc_q_int(q, 4, query->to);
	if (cols == count_cols)
		mc_q_int(q, 5, query->at);
	while ((rc = mc_q_row(q, "count dossiers for statistics")) == 1) {
		counted_clear(&k);
		rc = mc_q_read(q, cols, n_cols, &k);
		if (rc)
			break;
		int64_t unit_key = query->group == MC_STATS_BY_UNIT	? mc_db_unit_child(lo, k.path)
				   : query->group == MC_STATS_EACH_UNIT ? mc_db_unit_last(k.path)
									: 0;
		/* Added: by unit, several paths fold into one child. */
		mc_stats_add(&rows_find(r, query->group, unit_key, &k)->c, &k.c);
	}
cleanup:
	mc_q_done(q);
	counted_clear(&k);
	return rc < 0 ? rc : 0;
}

/* A procedure as the rows by field and by procedure name it. */
struct proc_key {
	int64_t id;
	char *code;
	char *name;
	char *field;
};

static const mc_col proc_key_cols[] = {
    MC_COL(MC_COL_I64, struct proc_key, id, "id"),
    MC_COL(MC_COL_STR, struct proc_key, code, "code"),
    MC_COL(MC_COL_STR, struct proc_key, name, "name"),
    MC_COL(MC_COL_STR, struct proc_key, field, "field"),
};

/* The procedures of the figures (ids a JSON array), by id: only those the
 * roll-up counted, not the catalogue's thousands on every request. */
static int proc_keys(mc_store *st, struct proc_key **out, size_t *n, const char *ids)
{
	static const char sqlite[] = "SELECT id, code, name, field FROM procedure"
				     " WHERE id IN (SELECT value FROM json_each($1)) ORDER BY id";
	static const char pg[] =
	    "SELECT id, code, name, field FROM procedure WHERE id IN"
	    " (SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST($1 AS json)))"
	    " ORDER BY id";
	return mc_db_list(st, mc_db_is_pg(st) ? pg : sqlite, "list procedures for statistics",
			  MC_COLS(proc_key_cols), sizeof **out, out, n, MC_ARGS(MC_T(ids)));
}

/* The roll-up's figures by procedure, kept until the procedures are read. */
struct by_proc {
	struct {
		int64_t key;
		mc_stats_counts c;
	} * list;
	size_t len, cap;
};

static void keep_by_proc(int64_t key, const mc_stats_counts *c, void *payload)
{
	struct by_proc *b = payload;

	MC_GROW(b->list, b->len, b->cap);
	b->list[b->len].key = key;
	b->list[b->len++].c = *c;
}

static int cmp_proc_key(const void *key, const void *x)
{
	int64_t a = *(const int64_t *)key, b = ((const struct proc_key *)x)->id;
	return (a > b) - (a < b);
}

struct sums {
	struct rows *r;
	mc_stats_group group;
	const struct proc_key *procs; /* by field and by procedure: the keys are procedures */
	size_t n_procs;
};

/* The figures of a child (0: the unit's own desk), or of a procedure, from
 * the roll-up. */
static void add_sums(int64_t key, const mc_stats_counts *c, void *payload)
{
	struct counted k = {0};
	struct sums *s = payload;

	if (s->group == MC_STATS_BY_FIELD || s->group == MC_STATS_BY_PROCEDURE) {
		const struct proc_key *p =
		    bsearch(&key, s->procs, s->n_procs, sizeof(*s->procs), cmp_proc_key);
		/* As the live statements key them: the procedure's id by procedure only. */
		k.procedure_id = s->group == MC_STATS_BY_PROCEDURE ? key : 0;
		k.field = p ? p->field : NULL;
		k.procedure_code = p && s->group == MC_STATS_BY_PROCEDURE ? p->code : NULL;
		k.procedure_name = p && s->group == MC_STATS_BY_PROCEDURE ? p->name : NULL;
		key = 0;
	}
	mc_stats_add(&rows_find(s->r, s->group, key, &k)->c, c);
}

/* Every dossier scanned counts somewhere; this keeps a row of zeros out all
 * the same, should a rule change. */
static void drop_empty(struct rows *r)
{
	size_t kept = 0;

	for (size_t i = 0; i < r->len; i++) {
		if (!mc_stats_is_zero(&r->list[i].c))
			r->list[kept++] = r->list[i]; /* moved, strings and all */
		else
			row_clear(&r->list[i]);
	}
	r->len = kept;
}

static int cmp_unit(const void *a, const void *b)
{
	int64_t x = ((const mc_stats_row *)a)->unit_id, y = ((const mc_stats_row *)b)->unit_id;
	return (x > y) - (x < y);
}

static int cmp_field(const void *a, const void *b)
{
	return strcmp(((const mc_stats_row *)a)->field, ((const mc_stats_row *)b)->field);
}

static int cmp_procedure(const void *a, const void *b)
{
	return strcmp(((const mc_stats_row *)a)->procedure_code, ((const mc_stats_row *)b)->procedure_code);
}

int mc_store_stats_unreceived(mc_store *st, int64_t *out, int64_t unit_id, int64_t from, int64_t to)
{
	static const char sql[] = "SELECT count(*) FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id"
				  " WHERE u.path >= $1 AND u.path < $2 AND d.received_at = 0"
				  " AND d.finished_at >= $3 AND d.finished_at < $4";
	mc_q *q = NULL;
	int rc;

	*out = 0;
	rc = mc_db_prepare_in_unit(st, &q, sql, unit_id);
	if (rc)
		goto cleanup;
	mc_q_int(q, 3, from);
	mc_q_int(q, 4, to);
	rc = mc_q_row(q, "count unreceived dossiers");
	if (rc == 1) {
		*out = mc_q_col_int(q, 0);
		rc = 0;
	}
cleanup:
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

int mc_store_stats_waiting_supplement(mc_store *st, int64_t *out, int64_t unit_id, int64_t at)
{
	/* In progress at `at` (received before it, not finished by it) and left
	 * waiting by its last event before it (the event log's to_state). */
	static const char sql[] =
	    "SELECT count(*) FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id"
	    " WHERE u.path >= $1 AND u.path < $2 AND d.received_at > 0 AND d.received_at < $3"
	    " AND (d.finished_at = 0 OR d.finished_at >= $3) AND (SELECT e.to_state FROM event e WHERE "
	    "e.dossier_id = d.id AND e.at < $3 ORDER BY e.at DESC, e.id DESC LIMIT 1) = " MC_SQL_STATE(
		SUPPLEMENT_REQUESTED);
	mc_q *q = NULL;
	int rc;

	*out = 0;
	rc = mc_db_prepare_in_unit(st, &q, sql, unit_id);
	if (rc)
		goto cleanup;
	mc_q_int(q, 3, at);
	rc = mc_q_row(q, "count dossiers waiting for a supplement");
	if (rc == 1) {
		*out = mc_q_col_int(q, 0);
		rc = 0;
	}
cleanup:
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

int mc_store_stats(mc_store *st, mc_stats_row **out, size_t *n, const mc_stats_query *q)
{
	struct rows r = {0};
	int64_t *kids = NULL;
	size_t n_kids = 0;
	char lo[256], hi[256];
	int rc;

	*out = NULL;
	*n = 0;
	/* Each unit is counted by the statements of the grouping by unit. */
	int sql_group = q->group == MC_STATS_EACH_UNIT ? MC_STATS_BY_UNIT : (int)q->group;

	/* Units named: from the roll-up by procedure only (store.h). */
	bool named = q->n_units > 0 && (!mc_store_rollup_answers(q) ||
					(q->group != MC_STATS_BY_FIELD && q->group != MC_STATS_BY_PROCEDURE));
	if (q->from >= q->to || q->group < MC_STATS_TOTAL || q->group > MC_STATS_EACH_UNIT || named) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_db_unit_range(st, lo, hi, q->unit_id);
	if (rc)
		goto cleanup;
	if (q->group == MC_STATS_TOTAL)
		rows_add(&r);
	if (q->group == MC_STATS_BY_UNIT) {
		/* Key 0, the unit's own desk, first; then every child. */
		rc = children(st, &kids, &n_kids, q->unit_id);
		if (rc)
			goto cleanup;
		rows_add(&r);
		for (size_t i = 0; i < n_kids; i++)
			rows_add(&r)->unit_id = kids[i];
	}
	if (mc_store_rollup_answers(q)) {
		struct sums sums = {&r, q->group, NULL, 0};
		struct proc_key *procs = NULL;
		size_t n_procs = 0;
		if (q->group == MC_STATS_BY_FIELD || q->group == MC_STATS_BY_PROCEDURE) {
			struct by_proc b = {0};
			mc_buf ids;

			rc = mc_store_rollup_stats(st, q, lo, hi, keep_by_proc, &b);
			/* "[", then at most 20 digits and a comma an id, and "]". */
			mc_buf_init(&ids, b.len * 21 + 2);
			if (rc == 0)
				rc = mc_buf_adds(&ids, "[");
			for (size_t i = 0; i < b.len && rc == 0; i++)
				rc = mc_buf_addf(&ids, "%s%lld", i ? "," : "", (long long)b.list[i].key);
			if (rc == 0)
				rc = mc_buf_adds(&ids, "]");
			if (rc == 0)
				rc = proc_keys(st, &procs, &n_procs, ids.data);
			sums.procs = procs;
			sums.n_procs = n_procs;
			for (size_t i = 0; i < b.len && rc == 0; i++)
				add_sums(b.list[i].key, &b.list[i].c, &sums);
			mc_buf_free(&ids);
			free(b.list);
		} else {
			rc = mc_store_rollup_stats(st, q, lo, hi, add_sums, &sums);
		}
		mc_rows_free(MC_COLS(proc_key_cols), procs, n_procs, sizeof *procs);
	} else {
		rc = count(st, &r, sql_counts[sql_group], count_cols, MC_ARRAY_LEN(count_cols), lo, hi, q);
		if (rc == 0)
			rc = count(st, &r, sql_supplements[sql_group], supplement_cols,
				   MC_ARRAY_LEN(supplement_cols), lo, hi, q);
		if (rc == 0)
			rc = count(st, &r, sql_apologies[sql_group], apology_cols, MC_ARRAY_LEN(apology_cols),
				   lo, hi, q);
	}
	if (rc)
		goto cleanup;
	switch (q->group) {
	case MC_STATS_TOTAL:
		r.list[0].unit_id = q->unit_id;
		break;
	case MC_STATS_BY_UNIT:
		if (mc_stats_is_zero(&r.list[0].c)) {
			row_clear(&r.list[0]);
			memmove(&r.list[0], &r.list[1], (r.len - 1) * sizeof(r.list[0]));
			r.len--;
		} else {
			r.list[0].unit_id = q->unit_id;
		}
		break;
	case MC_STATS_EACH_UNIT:
		drop_empty(&r);
		/* None at all for a unit without figures: qsort takes no NULL array. */
		if (r.len > 1)
			qsort(r.list, r.len, sizeof(r.list[0]), cmp_unit);
		break;
	case MC_STATS_BY_FIELD:
		drop_empty(&r);
		/* None at all for a period without figures: qsort takes no NULL array. */
		if (r.len > 1)
			qsort(r.list, r.len, sizeof(r.list[0]), cmp_field);
		break;
	case MC_STATS_BY_PROCEDURE:
		drop_empty(&r);
		if (r.len > 1)
			qsort(r.list, r.len, sizeof(r.list[0]), cmp_procedure);
		break;
	}
cleanup:
	free(kids);
	if (rc < 0) {
		mc_stats_row_free_list(r.list, r.len);
		return rc;
	}
	*out = r.list;
	*n = r.len;
	return 0;
}

void mc_stats_row_free_list(mc_stats_row *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		row_clear(&list[i]);
	free(list);
}

/* ---- received regardless of administrative boundary --------------------- */

int mc_store_stats_reception(mc_store *st, mc_stats_reception *out, int64_t unit_id, int64_t from, int64_t to)
{
	/* The partial index dossier_reception holds only these dossiers: read
	 * whole, whatever the number of the others (the unary + keeps SQLite
	 * from scanning the period's dossiers by received_at instead). A centre
	 * receives only for units outside its scope, so the receiving unit of
	 * the first count lies outside the subtree only when the centre's scope
	 * is narrower than the subtree's; both are tested. */
	static const char sql[] =
	    "SELECT "
	    "sum(CASE WHEN c.path >= $1 AND c.path < $2 AND NOT (u.path >= $1 AND u.path < $2) THEN 1 ELSE 0 "
	    "END), "
	    "sum(CASE WHEN u.path >= $1 AND u.path < $2 AND NOT (c.path >= $1 AND c.path < $2) THEN 1 ELSE 0 "
	    "END) "
	    "FROM dossier d JOIN unit c ON c.id = d.reception_unit_id JOIN unit u ON u.id = "
	    "d.receiving_unit_id "
	    "WHERE d.reception_unit_id IS NOT NULL AND +d.received_at >= $3 AND +d.received_at < $4";
	mc_q *q = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = mc_db_prepare_in_unit(st, &q, sql, unit_id);
	if (rc)
		goto cleanup;
	mc_q_int(q, 3, from);
	mc_q_int(q, 4, to);
	rc = mc_q_row(q, "count dossiers received at other centres");
	if (rc > 0) {
		out->for_other_units = mc_q_col_int(q, 0);
		out->at_other_centres = mc_q_col_int(q, 1);
	}
cleanup:
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

/* ---- overdue ---------------------------------------------------------- */

#define OVERDUE_WHERE " WHERE u.path >= $1 AND u.path < $2 AND " MC_SQL_RUNNING_OVERDUE("$3")

static const mc_col overdue_cols[] = {
    MC_COL(MC_COL_STR, mc_stats_overdue, code, "code"),
    MC_COL(MC_COL_STR, mc_stats_overdue, procedure_code, "procedure_code"),
    MC_COL(MC_COL_STR, mc_stats_overdue, procedure_name, "procedure_name"),
    MC_COL(MC_COL_I64, mc_stats_overdue, receiving_unit_id, "receiving_unit_id"),
    MC_COL(MC_COL_I64, mc_stats_overdue, current_unit_id, "current_unit_id"),
    MC_COL(MC_COL_INT, mc_stats_overdue, state, "state"),
    MC_COL(MC_COL_I64, mc_stats_overdue, received_at, "received_at"),
    MC_COL(MC_COL_I64, mc_stats_overdue, due_at, "due_at"),
    MC_COL(MC_COL_I64, mc_stats_overdue, appointment, "appointment"),
    MC_COL(MC_COL_I64, mc_stats_overdue, apology_id, "apology_id"),
    MC_COL(MC_COL_I64, mc_stats_overdue, apology_issued_at, "apology_issued_at"),
    MC_COL(MC_COL_I64, mc_stats_overdue, apology_new_due, "apology_new_due"),
};

/* The dossier's latest apology, column x of it (0 when it has none). */
#define LATEST_APOLOGY(x)                                                                                    \
	"coalesce((SELECT a." x " FROM apology a WHERE a.dossier_id = d.id ORDER BY a.id DESC LIMIT 1), 0)"
#define OVERDUE_APOLOGY                                                                                      \
	"d.due_at AS appointment, " LATEST_APOLOGY("id") " AS apology_id, " LATEST_APOLOGY(                  \
	    "issued_at") " AS apology_issued_at, " LATEST_APOLOGY("new_due") " AS apology_new_due"

int mc_store_stats_overdue(mc_store *st, mc_stats_overdue **out, size_t *n, int64_t *total, int64_t unit_id,
			   int64_t now, int limit, int offset)
{
	static const char count_sql[] =
	    "SELECT count(*) FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id" OVERDUE_WHERE;
	static const char rows_sql[] =
	    "SELECT d.code AS code, p.code AS procedure_code, p.name AS procedure_name, d.receiving_unit_id, "
	    "d.current_unit_id, d.state, d.received_at, " MC_SQL_DUE " AS due_at, " OVERDUE_APOLOGY
	    " FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id JOIN procedure p ON p.id = "
	    "d.procedure_id" OVERDUE_WHERE " ORDER BY " MC_SQL_DUE ", d.id LIMIT $4 OFFSET $5";
	mc_q *q = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (limit < 1 || limit > 200 || offset < 0)
		return MC_EINVAL;
	rc = mc_db_prepare_in_unit(st, &q, count_sql, unit_id);
	if (rc)
		goto cleanup;
	mc_q_int(q, 3, now);
	rc = mc_q_row(q, "count overdue dossiers");
	if (rc < 0)
		goto cleanup;
	*total = rc ? mc_q_col_int(q, 0) : 0;
	mc_q_done(q);
	q = NULL;
	rc = mc_db_prepare_in_unit(st, &q, rows_sql, unit_id);
	if (rc)
		goto cleanup;
	mc_q_int(q, 3, now);
	mc_q_int(q, 4, limit);
	mc_q_int(q, 5, offset);
	rc = mc_q_read_list(q, "list overdue dossiers", overdue_cols, MC_ARRAY_LEN(overdue_cols),
			    sizeof **out, out, n);
cleanup:
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

void mc_stats_overdue_free_list(mc_stats_overdue *list, size_t n)
{
	mc_rows_free(overdue_cols, MC_ARRAY_LEN(overdue_cols), list, n, sizeof *list);
}

/* ---- the public register of results ----------------------------------- */

int mc_store_stats_months(mc_store *st, mc_stats_month **out, size_t *n, int64_t unit_id, int year)
{
	/* $1, $2 the subtree; $3, $4 the year's local midnights, $5 … $15 those
	 * of February to December: the month is the local month of finished_at.
	 * Resolved as in the statistics (RESOLVED), on time = not late. */
	static const char sql[] =
	    "SELECT u.path AS path, CASE WHEN d.finished_at < $5 THEN 1 WHEN d.finished_at < $6 THEN 2 "
	    "WHEN d.finished_at < $7 THEN 3 WHEN d.finished_at < $8 THEN 4 WHEN d.finished_at < $9 THEN 5 "
	    "WHEN d.finished_at < $10 THEN 6 WHEN d.finished_at < $11 THEN 7 WHEN d.finished_at < $12 THEN 8 "
	    "WHEN d.finished_at < $13 THEN 9 WHEN d.finished_at < $14 THEN 10 WHEN d.finished_at < $15 THEN "
	    "11 "
	    "ELSE 12 END AS month, count(*) AS resolved, " COUNT(
		"NOT " MC_SQL_FINISHED_LATE) " AS on_time"
					     " FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id"
					     " WHERE u.path >= $1 AND u.path < $2 AND d.received_at > 0 AND "
					     "d.received_at < $4 AND " RESOLVED " GROUP BY 1, 2";
	mc_q *q = NULL;
	mc_stats_month *rows = NULL;
	int64_t *kids = NULL;
	size_t n_kids = 0;
	char lo[256], hi[256];
	int rc;

	*out = NULL;
	*n = 0;
	if (year < 1970 || year > 9999)
		return MC_EINVAL;
	rc = mc_db_unit_range(st, lo, hi, unit_id);
	if (rc == 0)
		rc = children(st, &kids, &n_kids, unit_id);
	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	/* Twelve months per unit: the unit's own desk (key 0) first, then its
	 * children in code order, zeros included. */
	rows = mc_xcalloc((n_kids + 1) * 12, sizeof(*rows));
	for (size_t u = 0; u <= n_kids; u++) {
		for (int m = 1; m <= 12; m++)
			rows[u * 12 + (size_t)m - 1] =
			    (mc_stats_month){.unit_id = u ? kids[u - 1] : unit_id, .month = m};
	}
	mc_q_text(q, 1, lo);
	mc_q_text(q, 2, hi);
	mc_q_int(q, 3, mc_local_day_start(mc_days_from_civil(year, 1, 1)));
	mc_q_int(q, 4, mc_local_day_start(mc_days_from_civil(year + 1, 1, 1)));
	for (int m = 2; m <= 12; m++)
		mc_q_int(q, 3 + m, mc_local_day_start(mc_days_from_civil(year, m, 1)));
	while ((rc = mc_q_row(q, "count resolved dossiers per month")) == 1) {
		int64_t key = mc_db_unit_child(lo, mc_q_col_text(q, 0));
		int month = (int)mc_q_col_int(q, 1);
		size_t u = 0;

		while (key && u < n_kids && kids[u] != key)
			u++;
		if (key)
			u++;
		if (u > n_kids || month < 1 || month > 12)
			continue;
		rows[u * 12 + (size_t)month - 1].resolved += mc_q_col_int(q, 2);
		rows[u * 12 + (size_t)month - 1].on_time += mc_q_col_int(q, 3);
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	/* The own desk only when it resolved anything in the year. */
	int64_t own = 0;
	for (int m = 0; m < 12; m++)
		own += rows[m].resolved;
	*n = (n_kids + 1) * 12;
	if (!own) {
		memmove(rows, rows + 12, n_kids * 12 * sizeof(*rows));
		*n -= 12;
	}
	*out = rows;
	rows = NULL;
cleanup:
	mc_q_done(q);
	free(kids);
	free(rows);
	return rc < 0 ? rc : 0;
}
