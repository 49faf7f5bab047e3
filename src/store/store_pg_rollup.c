/*
 * store_pg_rollup.c - the statistics roll-up's table on PostgreSQL: the same
 * operations as store_sqlite_rollup.c (migration 010; core/rollup.h,
 * rollup.c). Cells are added by one upsert over arrays per call, and the
 * rebuild reads the dossiers through a cursor, a slice at a time.
 */
#include "store/store_pg_int.h"

#include <stdio.h>
#include <stdlib.h>

#define COUNTER_COLS                                                                                         \
	"recv_online, recv_direct, recv_postal, recv_total, res_early, res_on_time, res_late, withdrawn, "   \
	"stopped, not_accepted, in_progress_change, overdue_change, supplements, apologies"
#define ADD(c) c " = stats_rollup." c " + excluded." c

#define IN_COLS                                                                                              \
	"d.id, d.province_code, coalesce(d.receiving_unit_id, 0), d.state, d.channel, d.received_at, "       \
	"d.finished_at, d.due_at, d.statutory_due_at, d.paused_at"

static void get_in(mc_rollup_in *out, const PGresult *r, int row)
{
	memset(out, 0, sizeof(*out));
	out->dossier_id = mc_pq_get_i64(r, row, 0);
	MC_PQ_GET_FIELD(out->province_code, r, row, 1);
	out->unit_id = mc_pq_get_i64(r, row, 2);
	out->state = (int)mc_pq_get_i64(r, row, 3);
	out->channel = (int)mc_pq_get_i64(r, row, 4);
	out->received_at = mc_pq_get_i64(r, row, 5);
	out->finished_at = mc_pq_get_i64(r, row, 6);
	out->due_at = mc_pq_get_i64(r, row, 7);
	out->statutory_due_at = mc_pq_get_i64(r, row, 8);
	out->paused_at = mc_pq_get_i64(r, row, 9);
}

int mc_pg_rollup_dossier(mc_pg *st, mc_rollup_in *out, int64_t dossier_id)
{
	static const char sql[] = "SELECT " IN_COLS ", (SELECT max(e.at) FROM event e WHERE e.dossier_id = d.id "
				  "AND e.action = 'request_supplement') FROM dossier d WHERE d.id = $1::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_int(&p, 1, dossier_id);
	rc = mc_pq_run(st, &r, sql, &p, "read a dossier for the statistics");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0) {
		get_in(out, r, 0);
		out->last_supplement_at = mc_pq_get_i64(r, 0, 10);
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_rollup_apology_dossier(mc_pg *st, int64_t *dossier_id, int64_t apology_id)
{
	static const char sql[] = "SELECT dossier_id FROM apology WHERE id = $1::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_int(&p, 1, apology_id);
	rc = mc_pq_run(st, &r, sql, &p, "read an apology's dossier");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		*dossier_id = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

/* A growing string, for the arrays' literals. */
struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = mc_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_int(struct buf *b, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", (long long)v);

	buf_add(b, b->len > 1 ? "," : "", b->len > 1 ? 1 : 0);
	buf_add(b, num, (size_t)n);
}

/* Province codes are letters and digits (unit codes); anything else is
 * left out rather than quoted. */
static void buf_code(struct buf *b, const char *code)
{
	buf_add(b, b->len > 1 ? ",\"" : "\"", b->len > 1 ? 2 : 1);
	for (const char *c = code; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9'))
			buf_add(b, c, 1);
	}
	buf_add(b, "\"", 1);
}

#define N_ARRAYS (5 + MC_ROLLUP_N)

int mc_pg_rollup_add(mc_pg *st, const mc_rollup_cell *cells, size_t n)
{
	static const char sql[] =
	    "INSERT INTO stats_rollup (unit_id, grain, period, aux, province_code, " COUNTER_COLS ") "
	    "SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::int[], $5::text[], $6::bigint[], "
	    "$7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], "
	    "$14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[]) "
	    "ON CONFLICT (unit_id, grain, period, aux) DO UPDATE SET " ADD("recv_online") ", " ADD(
		"recv_direct") ", " ADD("recv_postal") ", " ADD("recv_total") ", " ADD("res_early") ", " ADD("res_on_time") ", " ADD("res_late") ", " ADD("withdrawn") ", " ADD("stopped") ", " ADD("not_accepted") ", " ADD("in_progress_change") ", " ADD("overdue_change") ", " ADD("supplements") ", " ADD("apologies");
	/* Each unit's cells under a lock of the unit, taken before the first
	 * cell and held to the end of the transaction: a transaction adds to
	 * the table several times (the dossier, then its supplement request),
	 * each time in key order, but two transactions of one unit could
	 * otherwise lock the same day and month cells in opposite orders.
	 * The rebuild's large slices (every unit) run before the server
	 * serves, under the state row's lock, and take none. */
	static const char lock_sql[] = "SELECT pg_advisory_xact_lock(1835230069, $1::int)";
	struct buf arrays[N_ARRAYS] = {0};
	struct mc_pq_params p = {0};
	int rc = 0;

	for (size_t i = 0; i < n && n < 64 && rc == 0; i++) {
		if (i > 0 && cells[i].unit_id == cells[i - 1].unit_id)
			continue;
		mc_pq_set_int(&p, 1, cells[i].unit_id);
		rc = mc_pq_run(st, NULL, lock_sql, &p, "lock a unit's statistics");
		mc_pq_params_clear(&p);
	}
	if (rc)
		return rc;
	for (int a = 0; a < N_ARRAYS; a++)
		buf_add(&arrays[a], "{", 1);
	for (size_t i = 0; i < n; i++) {
		const mc_rollup_cell *c = &cells[i];

		buf_int(&arrays[0], c->unit_id);
		buf_int(&arrays[1], c->grain);
		buf_int(&arrays[2], c->period);
		buf_int(&arrays[3], c->aux);
		buf_code(&arrays[4], c->province_code);
		for (int k = 0; k < MC_ROLLUP_N; k++)
			buf_int(&arrays[5 + k], c->v[k]);
	}
	for (int a = 0; a < N_ARRAYS; a++) {
		buf_add(&arrays[a], "}", 1);
		mc_pq_set_text(&p, a + 1, arrays[a].s);
	}
	rc = mc_pq_run(st, NULL, sql, &p, "add to the statistics roll-up");
	mc_pq_params_clear(&p);
	for (int a = 0; a < N_ARRAYS; a++)
		free(arrays[a].s);
	return rc;
}

static int read_cells(const PGresult *r, mc_rollup_cell **list, size_t *len, size_t *cap)
{
	for (int i = 0; i < PQntuples(r); i++) {
		if (*len == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*list = mc_xrealloc(*list, *cap * sizeof(**list));
		}
		mc_rollup_cell *x = &(*list)[(*len)++];
		memset(x, 0, sizeof(*x));
		x->unit_id = mc_pq_get_i64(r, i, 0);
		x->grain = (int32_t)mc_pq_get_i64(r, i, 1);
		x->period = (int32_t)mc_pq_get_i64(r, i, 2);
		x->aux = (int32_t)mc_pq_get_i64(r, i, 3);
		for (int k = 0; k < MC_ROLLUP_N; k++)
			x->v[k] = mc_pq_get_i64(r, i, 4 + k);
	}
	return 0;
}

#define READ(where)                                                                                          \
	"SELECT " MC_PQ_CHILD_KEY ", r.grain, r.period, r.aux, " COUNTER_COLS                                \
	" FROM unit u JOIN stats_rollup r ON r.unit_id = u.id WHERE u.path >= $1::text AND u.path < $2::text " \
	"AND " where

int mc_pg_rollup_read(mc_pg *st, mc_rollup_cell **out, size_t *n, int64_t unit_id, const mc_rollup_span *span)
{
	static const char months[] = READ("r.grain = 1 AND r.period < $4::int AND r.period >= $3::int");
	static const char days[] = READ("r.grain = 0 AND r.period >= $3::int AND r.period < $4::int");
	static const char repeats[] =
	    READ("r.grain = 2 AND r.period >= $3::int AND r.period < $4::int AND r.aux < $3::int");
	const struct {
		const char *sql;
		int64_t lo, hi;
	} parts[] = {
	    {months, INT32_MIN, span->month_end},
	    {days, span->day_lo[0], span->day_hi[0]},
	    {days, span->day_lo[1], span->day_hi[1]},
	    {repeats, span->rep_lo, span->rep_hi},
	};
	mc_rollup_cell *list = NULL;
	size_t len = 0, cap = 0;
	char lo[256], hi[256];
	int rc = mc_pq_unit_range(st, lo, hi, unit_id);

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && rc == 0; i++) {
		struct mc_pq_params p = {0};
		PGresult *r = NULL;

		if (parts[i].lo >= parts[i].hi)
			continue;
		mc_pq_set_text(&p, 1, lo);
		mc_pq_set_text(&p, 2, hi);
		mc_pq_set_int(&p, 3, parts[i].lo);
		mc_pq_set_int(&p, 4, parts[i].hi);
		rc = mc_pq_run(st, &r, parts[i].sql, &p, "read the statistics roll-up");
		if (rc == 0)
			read_cells(r, &list, &len, &cap);
		PQclear(r);
		mc_pq_params_clear(&p);
	}
	if (rc) {
		free(list);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}

int mc_pg_rollup_open_overdue(mc_pg *st, mc_rollup_cell **out, size_t *n, int64_t unit_id, int64_t at)
{
	static const char sql[] =
	    "SELECT " MC_PQ_CHILD_KEY ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), 0, 0"
	    " FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id"
	    " WHERE u.path >= $1::text AND u.path < $2::text AND d.finished_at = 0 AND d.received_at > 0"
	    " AND (CASE WHEN d.paused_at > 0 AND d.paused_at <= $3::bigint THEN d.paused_at ELSE $3::bigint END)"
	    " > (CASE WHEN d.statutory_due_at > 0 THEN d.statutory_due_at ELSE d.due_at END)"
	    " GROUP BY 1";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	mc_rollup_cell *list = NULL;
	size_t len = 0, cap = 0;
	char lo[256], hi[256];
	int rc = mc_pq_unit_range(st, lo, hi, unit_id);

	if (rc == 0) {
		mc_pq_set_text(&p, 1, lo);
		mc_pq_set_text(&p, 2, hi);
		mc_pq_set_int(&p, 3, at);
		rc = mc_pq_run(st, &r, sql, &p, "count overdue open dossiers");
	}
	if (rc == 0)
		read_cells(r, &list, &len, &cap);
	PQclear(r);
	mc_pq_params_clear(&p);
	if (rc) {
		free(list);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}

/* Reads the rows of a declared cursor a slice at a time. */
static int scan_cursor(mc_pg *st, int kind, int (*cb)(int kind, const mc_rollup_in *d, int64_t at, void *payload),
		       void *payload)
{
	int rc = 0;

	for (;;) {
		PGresult *r = PQexec(st->conn, "FETCH 10000 FROM mc_rollup_scan");
		int rows;

		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			rc = mc_pq_error(st, r, "scan dossiers for the statistics");
			PQclear(r);
			break;
		}
		rows = PQntuples(r);
		for (int i = 0; i < rows && rc == 0; i++) {
			mc_rollup_in d;
			get_in(&d, r, i);
			rc = cb(kind, &d, mc_pq_get_i64(r, i, 10), payload);
		}
		PQclear(r);
		if (rc || rows == 0)
			break;
	}
	return rc;
}

int mc_pg_rollup_scan(mc_pg *st, int (*cb)(int kind, const mc_rollup_in *d, int64_t at, void *payload),
		      void *payload)
{
	static const char *const declare[] = {
	    "DECLARE mc_rollup_scan NO SCROLL CURSOR FOR SELECT " IN_COLS ", 0 FROM dossier d",
	    "DECLARE mc_rollup_scan NO SCROLL CURSOR FOR SELECT " IN_COLS
	    ", e.at FROM event e JOIN dossier d ON d.id = e.dossier_id"
	    " WHERE e.action = 'request_supplement' ORDER BY e.dossier_id, e.at, e.id",
	    "DECLARE mc_rollup_scan NO SCROLL CURSOR FOR SELECT " IN_COLS
	    ", a.issued_at FROM apology a JOIN dossier d ON d.id = a.dossier_id WHERE a.issued_at > 0",
	};
	int kind_tx = 0;
	int rc = mc_pq_op_begin(st, &kind_tx);

	for (int kind = 0; kind < 3 && rc == 0; kind++) {
		rc = mc_pq_exec_sql(st, declare[kind], "open a cursor over the dossiers");
		if (rc == 0)
			rc = scan_cursor(st, kind, cb, payload);
		if (rc == 0)
			rc = mc_pq_exec_sql(st, "CLOSE mc_rollup_scan", "close the cursor");
	}
	return mc_pq_op_end(st, kind_tx, rc);
}

int mc_pg_rollup_built(mc_pg *st, bool *out)
{
	/* FOR UPDATE: the server that builds the table holds the row until it
	 * commits; another one starting meanwhile waits, then sees it built. */
	static const char sql[] = "SELECT built FROM stats_rollup_state WHERE id = 1 FOR UPDATE";
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, sql, NULL, "read the statistics roll-up's state");

	*out = rc == 0 && PQntuples(r) == 1 && mc_pq_get_bool(r, 0, 0);
	PQclear(r);
	return rc;
}

int mc_pg_rollup_set_built(mc_pg *st, bool built)
{
	static const char sql[] = "UPDATE stats_rollup_state SET built = $1::boolean WHERE id = 1";
	struct mc_pq_params p = {0};
	int rc;

	mc_pq_set_bool(&p, 1, built);
	rc = mc_pq_run(st, NULL, sql, &p, "record the statistics roll-up's state");
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_rollup_clear(mc_pg *st)
{
	return mc_pq_exec_sql(st, "DELETE FROM stats_rollup", "empty the statistics roll-up");
}

int mc_pg_rollup_atomic_begin(mc_pg *st, int *kind)
{
	return mc_pq_op_begin(st, kind);
}

int mc_pg_rollup_atomic_end(mc_pg *st, int kind, int rc)
{
	return mc_pq_op_end(st, kind, rc);
}
