/*
 * store_sqlite_rollup.c - the statistics roll-up's table on SQLite
 * (migration 010; what it holds: core/rollup.h; who keeps it: rollup.c).
 */
#include "store/store_sqlite_int.h"

#include <stdlib.h>

#define COUNTER_COLS                                                                                         \
	"recv_online, recv_direct, recv_postal, recv_total, res_early, res_on_time, res_late, withdrawn, "   \
	"stopped, not_accepted, in_progress_change, overdue_change, supplements, apologies"
#define ADD(c) c " = " c " + excluded." c

static void col_in(mc_rollup_in *out, sqlite3_stmt *s)
{
	memset(out, 0, sizeof(*out));
	out->dossier_id = sqlite3_column_int64(s, 0);
	MC_SQ_COL_FIELD(out->province_code, s, 1);
	out->unit_id = sqlite3_column_int64(s, 2);
	out->state = sqlite3_column_int(s, 3);
	out->channel = sqlite3_column_int(s, 4);
	out->received_at = sqlite3_column_int64(s, 5);
	out->finished_at = sqlite3_column_int64(s, 6);
	out->due_at = sqlite3_column_int64(s, 7);
	out->statutory_due_at = sqlite3_column_int64(s, 8);
	out->paused_at = sqlite3_column_int64(s, 9);
}

#define IN_COLS                                                                                              \
	"d.id, d.province_code, coalesce(d.receiving_unit_id, 0), d.state, d.channel, d.received_at, "       \
	"d.finished_at, d.due_at, d.statutory_due_at, d.paused_at"

int mc_sqlite_rollup_dossier(mc_sqlite *st, mc_rollup_in *out, int64_t dossier_id)
{
	static const char sql[] = "SELECT " IN_COLS ", (SELECT max(e.at) FROM event e WHERE e.dossier_id = d.id "
				  "AND e.action = 'request_supplement') FROM dossier d WHERE d.id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		return rc;
	mc_sq_bind_int(s, 1, dossier_id);
	rc = mc_sq_row(st, s, "read a dossier for the statistics");
	if (rc == 1) {
		col_in(out, s);
		out->last_supplement_at = sqlite3_column_int64(s, 10);
		rc = 0;
	} else if (rc == 0) {
		rc = MC_ENOTFOUND;
	}
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_rollup_apology_dossier(mc_sqlite *st, int64_t *dossier_id, int64_t apology_id)
{
	static const char sql[] = "SELECT dossier_id FROM apology WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		return rc;
	mc_sq_bind_int(s, 1, apology_id);
	rc = mc_sq_row(st, s, "read an apology's dossier");
	if (rc == 1) {
		*dossier_id = sqlite3_column_int64(s, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = MC_ENOTFOUND;
	}
	mc_sq_done(s);
	return rc;
}

/* Up to ROWS cells per statement: a dossier's change is one statement. */
#define ROWS 8
#define N_COLS (5 + MC_ROLLUP_N)

static int add_statement(mc_sqlite *st, sqlite3_stmt **out, size_t rows)
{
	static const char head[] = "INSERT INTO stats_rollup (unit_id, grain, period, aux, province_code, " COUNTER_COLS
				   ") VALUES ";
	static const char tail[] =
	    " ON CONFLICT (unit_id, grain, period, aux) DO UPDATE SET " ADD("recv_online") ", " ADD(
		"recv_direct") ", " ADD("recv_postal") ", " ADD("recv_total") ", " ADD("res_early") ", " ADD("res_on_time") ", " ADD("res_late") ", " ADD("withdrawn") ", " ADD("stopped") ", " ADD("not_accepted") ", " ADD("in_progress_change") ", " ADD("overdue_change") ", " ADD("supplements") ", " ADD("apologies");
	char sql[sizeof head + sizeof tail + ROWS * N_COLS * 4 + ROWS * 4];
	size_t len;

	*out = mc_sq_cached(st, head, (unsigned)rows);
	if (*out)
		return 0;
	/* Constant text only: "(?,?,…)" per row, the count from the caller. */
	memcpy(sql, head, sizeof head - 1);
	len = sizeof head - 1;
	for (size_t r = 0; r < rows; r++) {
		sql[len++] = r ? ',' : ' ';
		sql[len++] = '(';
		for (int c = 0; c < N_COLS; c++) {
			if (c)
				sql[len++] = ',';
			sql[len++] = '?';
		}
		sql[len++] = ')';
	}
	memcpy(sql + len, tail, sizeof tail);
	return mc_sq_prepare_as(st, out, head, (unsigned)rows, sql);
}

int mc_sqlite_rollup_add(mc_sqlite *st, const mc_rollup_cell *cells, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i += ROWS) {
		size_t rows = n - i < ROWS ? n - i : ROWS;
		sqlite3_stmt *s = NULL;

		rc = add_statement(st, &s, rows);
		if (rc)
			break;
		for (size_t r = 0; r < rows; r++) {
			const mc_rollup_cell *c = &cells[i + r];
			int at = (int)(r * N_COLS);

			mc_sq_bind_int(s, at + 1, c->unit_id);
			mc_sq_bind_int(s, at + 2, c->grain);
			mc_sq_bind_int(s, at + 3, c->period);
			mc_sq_bind_int(s, at + 4, c->aux);
			MC_SQ_BIND_FIELD(s, at + 5, c->province_code);
			for (int k = 0; k < MC_ROLLUP_N; k++)
				mc_sq_bind_int(s, at + 6 + k, c->v[k]);
		}
		rc = mc_sq_exec(st, s, "add to the statistics roll-up");
		mc_sq_done(s);
	}
	return rc;
}

struct cells {
	mc_rollup_cell *list;
	size_t len, cap;
};

/* Appends the rows of s: key, grain, period, aux, then the counters. */
static int read_cells(mc_sqlite *st, sqlite3_stmt *s, struct cells *c)
{
	int rc;

	while ((rc = mc_sq_row(st, s, "read the statistics roll-up")) == 1) {
		if (c->len == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 256;
			c->list = mc_xrealloc(c->list, c->cap * sizeof(*c->list));
		}
		mc_rollup_cell *x = &c->list[c->len++];
		memset(x, 0, sizeof(*x));
		x->unit_id = sqlite3_column_int64(s, 0);
		x->grain = sqlite3_column_int(s, 1);
		x->period = sqlite3_column_int(s, 2);
		x->aux = sqlite3_column_int(s, 3);
		for (int k = 0; k < MC_ROLLUP_N; k++)
			x->v[k] = sqlite3_column_int64(s, 4 + k);
	}
	return rc < 0 ? rc : 0;
}

/* Each part of the span is one range of the primary key per unit of the
 * subtree: ?1, ?2 the subtree, ?3, ?4 the range of periods. */
#define READ(where)                                                                                          \
	"SELECT " MC_SQ_CHILD_KEY ", r.grain, r.period, r.aux, " COUNTER_COLS                                \
	" FROM unit u JOIN stats_rollup r ON r.unit_id = u.id WHERE u.path >= ?1 AND u.path < ?2 AND " where

int mc_sqlite_rollup_read(mc_sqlite *st, mc_rollup_cell **out, size_t *n, int64_t unit_id,
			  const mc_rollup_span *span)
{
	static const char months[] = READ("r.grain = 1 AND r.period < ?4 AND r.period >= ?3");
	static const char days[] = READ("r.grain = 0 AND r.period >= ?3 AND r.period < ?4");
	static const char repeats[] = READ("r.grain = 2 AND r.period >= ?3 AND r.period < ?4 AND r.aux < ?3");
	const struct {
		const char *sql;
		int64_t lo, hi;
	} parts[] = {
	    {months, INT32_MIN, span->month_end},
	    {days, span->day_lo[0], span->day_hi[0]},
	    {days, span->day_lo[1], span->day_hi[1]},
	    {repeats, span->rep_lo, span->rep_hi},
	};
	struct cells c = {0};
	char lo[256], hi[256];
	int rc = mc_sq_unit_range(st, lo, hi, unit_id);

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && rc == 0; i++) {
		sqlite3_stmt *s = NULL;

		if (parts[i].lo >= parts[i].hi)
			continue;
		rc = mc_sq_prepare(st, &s, parts[i].sql);
		if (rc)
			break;
		mc_sq_bind_text(s, 1, lo);
		mc_sq_bind_text(s, 2, hi);
		mc_sq_bind_int(s, 3, parts[i].lo);
		mc_sq_bind_int(s, 4, parts[i].hi);
		rc = read_cells(st, s, &c);
		mc_sq_done(s);
	}
	if (rc) {
		free(c.list);
		return rc;
	}
	*out = c.list;
	*n = c.len;
	return 0;
}

int mc_sqlite_rollup_open_overdue(mc_sqlite *st, mc_rollup_cell **out, size_t *n, int64_t unit_id, int64_t at)
{
	/* docs/statistics.md: judged at the start of the pause when paused at
	 * or before `at`, else at `at`; overdue after the statutory due time. */
	static const char sql[] =
	    "SELECT " MC_SQ_CHILD_KEY ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), 0, 0"
	    " FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id"
	    " WHERE u.path >= ?1 AND u.path < ?2 AND d.finished_at = 0 AND d.received_at > 0"
	    " AND (CASE WHEN d.paused_at > 0 AND d.paused_at <= ?3 THEN d.paused_at ELSE ?3 END)"
	    " > (CASE WHEN d.statutory_due_at > 0 THEN d.statutory_due_at ELSE d.due_at END)"
	    " GROUP BY u.path";
	struct cells c = {0};
	sqlite3_stmt *s = NULL;
	char lo[256], hi[256];
	int rc = mc_sq_unit_range(st, lo, hi, unit_id);

	if (rc == 0)
		rc = mc_sq_prepare(st, &s, sql);
	if (rc == 0) {
		mc_sq_bind_text(s, 1, lo);
		mc_sq_bind_text(s, 2, hi);
		mc_sq_bind_int(s, 3, at);
		rc = read_cells(st, s, &c);
	}
	mc_sq_done(s);
	if (rc) {
		free(c.list);
		return rc;
	}
	*out = c.list;
	*n = c.len;
	return 0;
}

int mc_sqlite_rollup_scan(mc_sqlite *st, int (*cb)(int kind, const mc_rollup_in *d, int64_t at, void *payload),
			  void *payload)
{
	static const char *const sql[] = {
	    "SELECT " IN_COLS ", 0 FROM dossier d",
	    "SELECT " IN_COLS ", e.at FROM event e JOIN dossier d ON d.id = e.dossier_id"
	    " WHERE e.action = 'request_supplement' ORDER BY e.dossier_id, e.at, e.id",
	    "SELECT " IN_COLS ", a.issued_at FROM apology a JOIN dossier d ON d.id = a.dossier_id"
	    " WHERE a.issued_at > 0",
	};
	int rc = 0;

	for (int kind = 0; kind < 3 && rc == 0; kind++) {
		sqlite3_stmt *s = NULL;

		rc = mc_sq_prepare(st, &s, sql[kind]);
		while (rc == 0 && (rc = mc_sq_row(st, s, "scan dossiers for the statistics")) == 1) {
			mc_rollup_in d;
			col_in(&d, s);
			rc = cb(kind, &d, sqlite3_column_int64(s, 10), payload);
		}
		mc_sq_done(s);
	}
	return rc;
}

int mc_sqlite_rollup_built(mc_sqlite *st, bool *out)
{
	static const char sql[] = "SELECT built FROM stats_rollup_state WHERE id = 1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		return rc;
	rc = mc_sq_row(st, s, "read the statistics roll-up's state");
	*out = rc == 1 && sqlite3_column_int(s, 0) != 0;
	mc_sq_done(s);
	return rc < 0 ? rc : 0;
}

int mc_sqlite_rollup_set_built(mc_sqlite *st, bool built)
{
	static const char sql[] = "UPDATE stats_rollup_state SET built = ?1 WHERE id = 1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		return rc;
	mc_sq_bind_int(s, 1, built ? 1 : 0);
	rc = mc_sq_exec(st, s, "record the statistics roll-up's state");
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_rollup_clear(mc_sqlite *st)
{
	return mc_sq_exec_sql(st, "DELETE FROM stats_rollup", "empty the statistics roll-up");
}

int mc_sqlite_rollup_atomic_begin(mc_sqlite *st, int *kind)
{
	*kind = 0;
	return mc_sq_op_begin(st);
}

int mc_sqlite_rollup_atomic_end(mc_sqlite *st, int kind, int rc)
{
	(void)kind;
	return mc_sq_op_end(st, rc);
}
