/*
 * store_rollup.c - the statistics roll-up (core/rollup.h; table stats_rollup,
 * migration 010), kept in step with the dossiers and read for the figures,
 * on either engine (db.h).
 *
 * The public functions of the writes that change a figure call the backend,
 * then add what changed to the roll-up in the same transaction: a new dossier
 * its contribution, a changed one its new contribution less its old one (read
 * before the write), a supplement request or an issued apology one count. So
 * whatever path writes a dossier (the API, the demo generator, the CLI) keeps
 * the table exact, on both engines, with the rules written once in
 * core/rollup.c.
 *
 * Reading a period [from, to) of whole local days asks for the subtree's
 * month cells up to to's month and the day cells of the two months the
 * period's ends fall in; a province-year is then a few thousand rows however
 * many dossiers it holds.
 */
#include "store/store_rollup.h"

#include "core/mc.h"
#include "core/rollup.h"
#include "core/stats.h"
#include "core/text.h"
#include "store/db.h"
#include "store/store_task.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns of a dossier the figures read, and the instant of the
 * supplement request or apology scanned with it. */
#define IN_COLS                                                                                              \
	"d.id AS dossier_id, d.province_code, coalesce(d.receiving_unit_id, 0) AS unit_id, d.state, "        \
	"d.channel, d.received_at, d.finished_at, d.due_at, d.statutory_due_at, d.paused_at, "               \
	"d.procedure_id, coalesce((SELECT u.path FROM unit u WHERE u.id = d.receiving_unit_id), '') AS "     \
	"unit_path"

struct scanned {
	mc_rollup_in in; /* in.province_code points at province_code */
	char *province_code;
	char *unit_path; /* the receiving unit's, for in.tree */
	int64_t at;
};

/* The units a dossier of this path adds tree cells to (core/rollup.h). */
static int tree_of(mc_rollup_in *in, const char *path)
{
	int rc = 0;

	in->n_tree = 0;
	if (in->unit_id && path && *path) {
		rc = mc_rollup_tree_of_path(in, path);
		if (rc == 0 && (in->n_tree == 0 || in->tree[in->n_tree - 1] != in->unit_id))
			rc = MC_EINVAL;
		if (rc)
			fprintf(stderr, "could not read unit path: unit %lld has path \"%s\"\n",
				(long long)in->unit_id, path);
	}
	return rc;
}

/* Reads the current row into x (zeroed or cleared), in.province_code
 * pointing at its own copy, in.tree the units of its path. */
static int scanned_read(mc_q *q, const mc_col *cols, size_t n, struct scanned *x)
{
	int rc = mc_q_read(q, cols, n, x);

	x->in.province_code = x->province_code;
	return rc ? rc : tree_of(&x->in, x->unit_path);
}

static void scanned_clear(struct scanned *x)
{
	free(x->province_code);
	free(x->unit_path);
	memset(x, 0, sizeof(*x));
}

#define IN_COL(type, field) MC_COL(type, struct scanned, in.field, #field)
static const mc_col in_cols[] = {
    IN_COL(MC_COL_I64, dossier_id),
    MC_COL(MC_COL_STR, struct scanned, province_code, "province_code"),
    IN_COL(MC_COL_I64, unit_id),
    IN_COL(MC_COL_INT, state),
    IN_COL(MC_COL_INT, channel),
    IN_COL(MC_COL_I64, received_at),
    IN_COL(MC_COL_I64, finished_at),
    IN_COL(MC_COL_I64, due_at),
    IN_COL(MC_COL_I64, statutory_due_at),
    IN_COL(MC_COL_I64, paused_at),
    IN_COL(MC_COL_I64, procedure_id),
    MC_COL(MC_COL_I64, struct scanned, at, "at"),
    MC_COL(MC_COL_STR, struct scanned, unit_path, "unit_path"),
};

/* The dossier's columns into out->in (out zeroed; clear it with
 * scanned_clear), and its latest supplement request in
 * in.last_supplement_at. */
static int read_dossier(mc_store *st, struct scanned *out, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT " IN_COLS ", coalesce((SELECT max(e.at) FROM event e WHERE e.dossier_id = "
	    "d.id AND e.action = 'request_supplement'), 0) AS at FROM dossier d WHERE d.id = $1";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	memset(out, 0, sizeof(*out));
	if (rc == 0) {
		mc_q_int(q, 1, dossier_id);
		rc = mc_q_row(q, "read a dossier for the statistics");
	}
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc == 1)
		rc = scanned_read(q, in_cols, MC_ARRAY_LEN(in_cols), out);
	mc_q_done(q);
	out->in.last_supplement_at = out->at;
	return rc;
}

/* ---- adding cells --------------------------------------------------------- */

#define COUNTER_COLS                                                                                         \
	"recv_online, recv_direct, recv_postal, recv_total, res_early, res_on_time, res_late, withdrawn, "   \
	"stopped, not_accepted, in_progress_change, overdue_change, supplements, apologies"
#define ADD(c) c " = stats_rollup." c " + excluded." c
#define N(i) "CAST(c.value ->> " #i " AS BIGINT), "

/* The cells come as one JSON text, an array of [unit_id, grain, period, aux,
 * province_code, counters…] in key order, so that a write is one statement
 * whatever its number of cells. The engines read a JSON array differently:
 * SQLite with json_each, PostgreSQL with jsonb_array_elements (and an
 * INSERT … SELECT before an upsert needs a WHERE in SQLite): jsonb, parsed
 * once, as a json value would be parsed again by each of the 19 ->>. */
/* clang-format off */
#define ADD_CELLS(from) \
	"INSERT INTO stats_rollup (unit_id, grain, period, aux, province_code, " COUNTER_COLS ")" \
	" SELECT " N(0) N(1) N(2) N(3) "c.value ->> 4, " N(5) N(6) N(7) N(8) N(9) N(10) N(11) N(12) N(13) \
	N(14) N(15) N(16) N(17) "CAST(c.value ->> 18 AS BIGINT) FROM " from " WHERE true" \
	" ON CONFLICT (unit_id, grain, period, aux) DO UPDATE SET " \
	ADD("recv_online") ", " ADD("recv_direct") ", " ADD("recv_postal") ", " ADD("recv_total") ", " \
	ADD("res_early") ", " ADD("res_on_time") ", " ADD("res_late") ", " ADD("withdrawn") ", " \
	ADD("stopped") ", " ADD("not_accepted") ", " ADD("in_progress_change") ", " \
	ADD("overdue_change") ", " ADD("supplements") ", " ADD("apologies")
/* clang-format on */

/* The cells by procedure: [unit_id, procedure_id, grain, period, aux,
 * counters…] (no province: the table by unit has it). */
/* clang-format off */
#define ADD_PROC_CELLS(from) \
	"INSERT INTO stats_rollup_proc (unit_id, procedure_id, grain, period, aux, " COUNTER_COLS ")" \
	" SELECT " N(0) N(1) N(2) N(3) N(4) N(5) N(6) N(7) N(8) N(9) N(10) N(11) N(12) N(13) N(14) N(15) \
	N(16) N(17) "CAST(c.value ->> 18 AS BIGINT) FROM " from " WHERE true" \
	" ON CONFLICT (unit_id, grain, period, procedure_id, aux) DO UPDATE SET " \
	PADD("recv_online") ", " PADD("recv_direct") ", " PADD("recv_postal") ", " PADD("recv_total") ", " \
	PADD("res_early") ", " PADD("res_on_time") ", " PADD("res_late") ", " PADD("withdrawn") ", " \
	PADD("stopped") ", " PADD("not_accepted") ", " PADD("in_progress_change") ", " \
	PADD("overdue_change") ", " PADD("supplements") ", " PADD("apologies")
#define PADD(c) c " = stats_rollup_proc." c " + excluded." c
/* clang-format on */

static int add_proc_json(mc_buf *b, const mc_rollup_cell *c)
{
	int rc = mc_buf_addf(b, "%s[%lld,%lld,%d,%d,%d", b->len > 1 ? "," : "", (long long)c->unit_id,
			     (long long)c->procedure_id, c->grain, c->period, c->aux);
	for (int k = 0; k < MC_ROLLUP_N && rc == 0; k++)
		rc = mc_buf_addf(b, ",%lld", (long long)c->v[k]);
	return rc ? rc : mc_buf_adds(b, "]");
}

static int add_json(mc_buf *b, const mc_rollup_cell *c)
{
	int rc = mc_buf_addf(b, "%s[%lld,%d,%d,%d,", b->len > 1 ? "," : "", (long long)c->unit_id, c->grain,
			     c->period, c->aux);
	if (rc == 0)
		rc = mc_buf_add_json_string(b, c->province_code);
	for (int k = 0; k < MC_ROLLUP_N && rc == 0; k++)
		rc = mc_buf_addf(b, ",%lld", (long long)c->v[k]);
	return rc ? rc : mc_buf_adds(b, "]");
}

/* Each unit's cells under a lock of the unit on PostgreSQL, taken before the
 * first cell and held to the end of the transaction: a transaction adds to
 * the table several times (the dossier, then its supplement request), each
 * time in key order, but two transactions of one unit could otherwise lock
 * the same day and month cells in opposite orders. SQLite has one writer at a
 * time. The rebuild's large slices (every unit) run before the server
 * serves, under the state row's lock, and take none. */
static int lock_units(mc_store *st, const mc_rollup_cell *cells, size_t n, bool lock)
{
	static const char sql[] = "SELECT pg_advisory_xact_lock(1835230069, CAST($1 AS INTEGER))";
	int rc = 0;

	if (!mc_db_is_pg(st) || (n >= 64 && !lock))
		return 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		mc_q *q = NULL;

		if (i > 0 && cells[i].unit_id == cells[i - 1].unit_id)
			continue;
		/* Held to the end of the transaction: the batch's later filings
		 * of the unit need not ask again. */
		if (mc_db_lock_held(st, (int64_t)1835230069 * 4294967296LL + (uint32_t)cells[i].unit_id))
			continue;
		rc = mc_db_prepare(st, &q, sql);
		if (rc == 0) {
			mc_q_int(q, 1, cells[i].unit_id);
			rc = mc_q_exec_later(q, "lock a unit's statistics");
		}
		mc_q_done(q);
	}
	return rc;
}

/* Adds the cells' counters to the table (stats_rollup_proc for cells by
 * procedure); lock: the units' locks whatever the number of cells (else a
 * slice of 64 or more, the rebuild's, takes none). */
static int add_cells(mc_store *st, const mc_rollup_cell *cells, size_t n, bool by_procedure, bool lock)
{
	static const char sql_sqlite[] = ADD_CELLS("json_each($1) AS c");
	static const char sql_pg[] = ADD_CELLS("jsonb_array_elements(CAST($1 AS jsonb)) AS c(value)");
	static const char proc_sqlite[] = ADD_PROC_CELLS("json_each($1) AS c");
	static const char proc_pg[] = ADD_PROC_CELLS("jsonb_array_elements(CAST($1 AS jsonb)) AS c(value)");
	mc_buf b;
	mc_q *q = NULL;
	int rc = lock_units(st, cells, n, lock);

	mc_buf_init(&b, (n + 1) * 512);
	if (rc == 0)
		rc = mc_buf_adds(&b, "[");
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = by_procedure ? add_proc_json(&b, &cells[i]) : add_json(&b, &cells[i]);
	if (rc == 0)
		rc = mc_buf_adds(&b, "]");
	if (rc == 0 && by_procedure)
		rc = mc_db_prepare(st, &q, mc_db_is_pg(st) ? proc_pg : proc_sqlite);
	else if (rc == 0)
		rc = mc_db_prepare(st, &q, mc_db_is_pg(st) ? sql_pg : sql_sqlite);
	if (rc == 0) {
		mc_q_textn(q, 1, b.data, b.len);
		rc = mc_q_exec_later(q, "add to the statistics roll-up");
	}
	mc_q_done(q);
	mc_buf_free(&b);
	return rc;
}

static int apply_one(mc_store *st, mc_rollup_set *s)
{
	mc_rollup_set_finish(s);
	int rc = s->len ? add_cells(st, s->cells, s->len, s->by_procedure, false) : 0;
	mc_rollup_set_free(s);
	return rc;
}

/* What one write changes: the same contributions by unit (s[0]) and by
 * procedure (s[1]). */
typedef struct {
	mc_rollup_set s[2];
} sets;

static void sets_init(sets *x)
{
	memset(x, 0, sizeof(*x));
	x->s[1].by_procedure = true;
}

/* The units of a dossier's path, root first, locked before its cells on
 * PostgreSQL: every write of a subtree adds to its root's tree cells, so a
 * writer takes the root's lock before any other (lock_units() would take
 * them in id order, and a commune's after its district's in one write but
 * before it in the next could then deadlock). */
static int lock_tree(mc_store *st, const mc_rollup_in *in)
{
	mc_rollup_cell c[MC_ROLLUP_TREE_MAX] = {0};
	int rc = 0;

	for (int i = 0; i < in->n_tree && rc == 0; i++) {
		c[i].unit_id = in->tree[i];
		rc = lock_units(st, &c[i], 1, true);
	}
	return rc;
}

/* In a group commit's first run on PostgreSQL (mc_db_defers), the cells of
 * the batch's writes are summed here and written once, before the commit
 * (mc_store_rollup_flush): a batch of filings adds to the same few day and
 * month cells of each unit, and each INSERT … ON CONFLICT of a filing made a
 * new version of those rows. A failed batch is undone whole and run again
 * with the cells written at each write (mc_store_rollup_drop). */
struct mc_rollup_pending {
	sets x;
};

static void pending_add(mc_store *st, sets *x)
{
	struct mc_rollup_pending *p = mc_db_rollup_pending(st);

	if (!p) {
		p = mc_xcalloc(1, sizeof(*p));
		sets_init(&p->x);
		mc_db_set_rollup_pending(st, p);
	}
	for (int i = 0; i < 2; i++) {
		for (size_t k = 0; k < x->s[i].len; k++) {
			const mc_rollup_cell *c = &x->s[i].cells[k];
			mc_rollup_cell *t =
			    mc_rollup_cell_at_proc(&p->x.s[i], c->unit_id, c->procedure_id, c->province_code,
						   c->grain, c->period, c->aux);
			for (int n = 0; n < MC_ROLLUP_N; n++)
				t->v[n] += c->v[n];
		}
		mc_rollup_set_free(&x->s[i]);
	}
}

void mc_store_rollup_drop(mc_store *st)
{
	struct mc_rollup_pending *p = mc_db_rollup_pending(st);

	if (!p)
		return;
	mc_rollup_set_free(&p->x.s[0]);
	mc_rollup_set_free(&p->x.s[1]);
	free(p);
	mc_db_set_rollup_pending(st, NULL);
}

int mc_store_rollup_flush(mc_store *st)
{
	struct mc_rollup_pending *p = mc_db_rollup_pending(st);
	int rc = 0;

	for (int k = 0; p && k < 2 && rc == 0; k++) {
		mc_rollup_set *s = &p->x.s[k];

		mc_rollup_set_finish(s);
		/* In slices, as the rebuild, each under its units' locks. */
		for (size_t i = 0; i < s->len && rc == 0; i += 1000) {
			size_t n = s->len - i < 1000 ? s->len - i : 1000;
			rc = add_cells(st, s->cells + i, n, s->by_procedure, true);
		}
	}
	mc_store_rollup_drop(st);
	return rc;
}

static int apply(mc_store *st, sets *x, const mc_rollup_in *in)
{
	/* The tree's locks root first in every case, deferred or not: held to
	 * the commit, the flush of a deferred batch then takes only those it
	 * does not hold yet (lock_units). */
	int rc = lock_tree(st, in);

	if (rc == 0 && mc_db_defers(st)) {
		pending_add(st, x);
		return 0;
	}
	if (rc == 0)
		rc = apply_one(st, &x->s[0]);
	else
		mc_rollup_set_free(&x->s[0]);
	if (rc == 0)
		rc = apply_one(st, &x->s[1]);
	else
		mc_rollup_set_free(&x->s[1]);
	return rc;
}

/* ---- the writes that change a figure ---------------------------------------- */

static void in_of(mc_rollup_in *in, const mc_dossier *d)
{
	memset(in, 0, sizeof(*in));
	in->dossier_id = d->id;
	in->province_code = d->province_code;
	in->unit_id = d->receiving_unit_id;
	in->state = d->state;
	in->channel = d->channel;
	in->received_at = d->received_at;
	in->finished_at = d->finished_at;
	in->due_at = d->due_at;
	in->statutory_due_at = d->statutory_due_at;
	in->paused_at = d->paused_at;
	in->procedure_id = d->procedure_id;
}

/* in->tree from the path of in->unit_id (kept by the connection: a
 * filing reads nothing for it but the first of its unit). */
static int read_tree(mc_store *st, mc_rollup_in *in)
{
	char path[256];
	int rc = mc_db_unit_path_kept(st, in->unit_id, path);

	return rc ? rc : tree_of(in, path);
}

static int insert(mc_store *st, mc_dossier *d)
{
	int rc = mc_store_backend_dossier_insert(st, d);

	if (rc == 0 && d->receiving_unit_id) {
		sets x;
		mc_rollup_in in;

		in_of(&in, d);
		rc = read_tree(st, &in);
		if (rc)
			return rc;
		sets_init(&x);
		for (int i = 0; i < 2; i++)
			mc_rollup_dossier(&x.s[i], &in, 1);
		rc = apply(st, &x, &in);
	}
	return rc;
}

static int update(mc_store *st, mc_dossier *d, int64_t expected_version)
{
	struct scanned old;
	int rc = read_dossier(st, &old, d->id);

	if (rc == MC_ENOTFOUND) {
		rc = mc_store_backend_dossier_update(st, d, expected_version);
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	rc = mc_store_backend_dossier_update(st, d, expected_version);
	if (rc == 0) {
		sets x;
		mc_rollup_in now;

		sets_init(&x);
		in_of(&now, d);
		if (!now.province_code || !now.province_code[0])
			now.province_code = old.in.province_code;
		/* A dossier written without its procedure's id keeps the one stored. */
		if (!now.procedure_id)
			now.procedure_id = old.in.procedure_id;
		if (now.unit_id && now.unit_id == old.in.unit_id) {
			memcpy(now.tree, old.in.tree, sizeof(now.tree));
			now.n_tree = old.in.n_tree;
		} else if (now.unit_id) {
			rc = read_tree(st, &now);
			if (rc)
				goto cleanup;
		}
		for (int i = 0; i < 2; i++) {
			if (old.in.unit_id)
				mc_rollup_dossier(&x.s[i], &old.in, -1);
			if (now.unit_id)
				mc_rollup_dossier(&x.s[i], &now, 1);
		}
		/* The new unit's path is locked first: the old one's, when it
		 * differs, after it (a dossier's receiving unit is set once, at
		 * reception, so the old one has none then). lock_units() takes
		 * no lock for a set of 64 cells or more, which a change of a
		 * few days' cells up a path of four units can make. */
		const mc_rollup_in *path = now.unit_id ? &now : &old.in;
		if (now.unit_id && old.in.unit_id && old.in.unit_id != now.unit_id) {
			rc = lock_tree(st, &now);
			path = &old.in;
		}
		if (rc == 0)
			rc = apply(st, &x, path);
		else
			for (int i = 0; i < 2; i++)
				mc_rollup_set_free(&x.s[i]);
	}
cleanup:
	scanned_clear(&old);
	return rc;
}

static int event_append(mc_store *st, mc_event *e)
{
	struct scanned d;
	/* The previous request is read before this one is written. */
	int rc = read_dossier(st, &d, e->dossier_id);

	if (rc == 0)
		rc = mc_store_backend_event_append(st, e);
	if (rc == 0 && d.in.unit_id) {
		sets x;

		sets_init(&x);
		for (int i = 0; i < 2; i++)
			mc_rollup_supplement(&x.s[i], &d.in, e->at);
		rc = apply(st, &x, &d.in);
	}
	scanned_clear(&d);
	return rc;
}

static int apology_issue(mc_store *st, int64_t id, int64_t old_due, int64_t issued_by,
			 const char *issued_by_name, int64_t at)
{
	static const char sql[] = "SELECT dossier_id FROM apology WHERE id = $1";
	int rc = mc_store_backend_apology_issue(st, id, old_due, issued_by, issued_by_name, at);
	int64_t dossier_id = 0;
	struct scanned d = {0};
	mc_q *q = NULL;

	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, id);
		rc = mc_q_row(q, "read an apology's dossier");
		dossier_id = rc == 1 ? mc_q_col_int(q, 0) : 0;
		rc = rc == 1 ? 0 : rc == 0 ? MC_ENOTFOUND : rc;
	}
	mc_q_done(q);
	if (rc == 0)
		rc = read_dossier(st, &d, dossier_id);
	if (rc == 0 && d.in.unit_id) {
		sets x;

		sets_init(&x);
		for (int i = 0; i < 2; i++)
			mc_rollup_apology(&x.s[i], &d.in, at);
		rc = apply(st, &x, &d.in);
	}
	scanned_clear(&d);
	return rc;
}

/* The public functions: the write and its cells, all or nothing, whether
 * or not the caller opened a transaction. */
int mc_store_dossier_insert(mc_store *st, mc_dossier *d)
{
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	return rc ? rc : mc_db_op_end(st, kind, insert(st, d));
}

int mc_store_dossier_update(mc_store *st, mc_dossier *d, int64_t expected_version)
{
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	return rc ? rc : mc_db_op_end(st, kind, update(st, d, expected_version));
}

int mc_store_event_append(mc_store *st, mc_event *e)
{
	int kind = 0;
	int rc;

	if (!e->action || strcmp(e->action, "request_supplement") != 0) /* no cell moves */
		return mc_store_backend_event_append(st, e);
	rc = mc_db_op_begin(st, &kind);
	return rc ? rc : mc_db_op_end(st, kind, event_append(st, e));
}

int mc_store_apology_issue(mc_store *st, int64_t id, int64_t old_due, int64_t issued_by,
			   const char *issued_by_name, int64_t at)
{
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	return rc ? rc
		  : mc_db_op_end(st, kind, apology_issue(st, id, old_due, issued_by, issued_by_name, at));
}

/* ---- building the table ------------------------------------------------------ */

int mc_store_rollup_clear(mc_store *st)
{
	int rc = mc_db_sql(st, "DELETE FROM stats_rollup", "empty the statistics roll-up");
	return rc ? rc : mc_db_sql(st, "DELETE FROM stats_rollup_proc", "empty the roll-up by procedure");
}

/* Every dossier (kind 0), supplement request (1, by dossier then time, at =
 * its time) and issued apology (2, at = issued), a page at a time in key
 * order ($1 … $3 the last key read), so that no engine holds them all. */
#define PAGE 10000
#define LIMIT " LIMIT " MC_STR(PAGE)
static const char *const sql_scan[] = {
    "SELECT " IN_COLS ", 0 AS at, d.id AS k1, 0 AS k2, 0 AS k3 FROM dossier d WHERE d.id > $1"
    " ORDER BY d.id" LIMIT,
    "SELECT " IN_COLS ", e.at AS at, e.dossier_id AS k1, e.at AS k2, e.id AS k3"
    " FROM event e JOIN dossier d ON d.id = e.dossier_id WHERE e.action = 'request_supplement'"
    " AND (e.dossier_id, e.at, e.id) > ($1, $2, $3) ORDER BY e.dossier_id, e.at, e.id" LIMIT,
    "SELECT " IN_COLS ", a.issued_at AS at, a.id AS k1, 0 AS k2, 0 AS k3 FROM apology a"
    " JOIN dossier d ON d.id = a.dossier_id WHERE a.issued_at > 0 AND a.id > $1 ORDER BY a.id" LIMIT,
};

struct rebuild {
	mc_rollup_set set;    /* by unit */
	mc_rollup_set pset;   /* by procedure */
	int64_t last_dossier; /* supplement requests come by dossier, then time */
	int64_t last_at;
	int64_t n;
};

static void rebuild_one(struct rebuild *b, int kind, const mc_rollup_in *d, int64_t at)
{
	if (!d->unit_id)
		return;
	if (kind == 0) {
		mc_rollup_dossier(&b->set, d, 1);
		mc_rollup_dossier(&b->pset, d, 1);
		b->n++;
	} else if (kind == 1) {
		mc_rollup_in x = *d;
		x.last_supplement_at = d->dossier_id == b->last_dossier ? b->last_at : 0;
		mc_rollup_supplement(&b->set, &x, at);
		mc_rollup_supplement(&b->pset, &x, at);
		b->last_dossier = d->dossier_id;
		b->last_at = at;
	} else {
		mc_rollup_apology(&b->set, d, at);
		mc_rollup_apology(&b->pset, d, at);
	}
}

static int scan(mc_store *st, struct rebuild *b)
{
	int rc = 0;

	for (int kind = 0; kind < 3 && rc == 0; kind++) {
		int64_t key[3] = {0, 0, 0};
		int rows = PAGE;

		while (rc == 0 && rows == PAGE) {
			mc_q *q = NULL;

			rows = 0;
			rc = mc_db_prepare(st, &q, sql_scan[kind]);
			for (int i = 0; rc == 0 && i < (kind == 1 ? 3 : 1); i++)
				mc_q_int(q, i + 1, key[i]);
			while (rc == 0 && (rc = mc_q_row(q, "scan dossiers for the statistics")) == 1) {
				struct scanned x = {0};

				rc = scanned_read(q, in_cols, MC_ARRAY_LEN(in_cols), &x);
				for (int i = 0; i < 3; i++)
					key[i] = mc_q_col_int(q, 13 + i); /* k1 … k3 */
				if (rc == 0)
					rebuild_one(b, kind, &x.in, x.at);
				scanned_clear(&x);
				rows++;
			}
			mc_q_done(q);
		}
	}
	return rc < 0 ? rc : 0;
}

static int set_built(mc_store *st, bool built)
{
	static const char sql[] = "UPDATE stats_rollup_state SET built = $1 WHERE id = 1";
	return mc_db_run(st, sql, "record the statistics roll-up's state", MC_ARGS(MC_B(built)));
}

static int rebuild(mc_store *st, int64_t *dossiers);

int mc_store_rollup_rebuild(mc_store *st)
{
	return rebuild(st, NULL);
}

int mc_store_stats_rebuild(mc_store *st, int64_t *dossiers)
{
	int rc = mc_store_begin(st);

	if (rc == 0)
		rc = rebuild(st, dossiers);
	if (rc == 0)
		return mc_store_commit(st);
	mc_store_rollback(st);
	return rc;
}

static int rebuild(mc_store *st, int64_t *dossiers)
{
	struct rebuild b = {.pset.by_procedure = true};
	int rc = mc_store_rollup_clear(st);

	if (rc == 0)
		rc = scan(st, &b);
	for (int k = 0; k < 2 && rc == 0; k++) {
		mc_rollup_set *s = k ? &b.pset : &b.set;

		mc_rollup_set_finish(s);
		/* In slices, so that no statement grows without bound. */
		for (size_t i = 0; i < s->len && rc == 0; i += 1000) {
			size_t n = s->len - i < 1000 ? s->len - i : 1000;
			rc = add_cells(st, s->cells + i, n, s->by_procedure, false);
		}
	}
	/* The tasks' roll-up (migration 036) is built with it. */
	if (rc == 0)
		rc = mc_store_task_rollup_rebuild(st, NULL);
	if (rc == 0)
		rc = set_built(st, true);
	if (rc == 0 && b.n > 0)
		fprintf(stderr,
			"motcua: statistics roll-up built from %lld dossiers (%zu cells, %zu by procedure)\n",
			(long long)b.n, b.set.len, b.pset.len);
	if (dossiers)
		*dossiers = b.n;
	mc_rollup_set_free(&b.set);
	mc_rollup_set_free(&b.pset);
	return rc;
}

/* Migrations create the table empty; the first start after them fills it,
 * once. Reading the state with a write locks its row (PostgreSQL) or the
 * database (SQLite) to the end of the transaction: a second server starting
 * at the same time waits, then finds it built. */
int mc_store_migrate(mc_store *st)
{
	static const char sql[] = "UPDATE stats_rollup_state SET built = built WHERE id = 1 RETURNING built";
	bool built = false;
	mc_q *q = NULL;
	int rc = mc_store_backend_migrate(st);

	if (rc)
		return rc;
	rc = mc_store_begin(st);
	if (rc)
		return rc;
	rc = mc_db_prepare(st, &q, sql);
	if (rc == 0)
		rc = mc_q_row(q, "read the statistics roll-up's state");
	if (rc == 1)
		built = mc_q_col_bool(q, 0);
	mc_q_done(q);
	if (rc >= 0 && !built)
		rc = mc_store_rollup_rebuild(st);
	if (rc < 0) {
		mc_store_rollback(st);
		return rc;
	}
	return mc_store_commit(st);
}

/* ---- reading it ----------------------------------------------------------- */

bool mc_store_rollup_answers(const mc_stats_query *q)
{
	return !q->live &&
	       (q->group == MC_STATS_TOTAL || q->group == MC_STATS_BY_UNIT ||
		q->group == MC_STATS_EACH_UNIT || q->group == MC_STATS_BY_FIELD ||
		q->group == MC_STATS_BY_PROCEDURE) &&
	       q->from < q->to && mc_local_day_start(mc_local_day(q->from)) == q->from &&
	       mc_local_day_start(mc_local_day(q->to)) == q->to && q->at <= q->to;
}

struct acc {
	int64_t key; /* child unit, 0 the unit itself; or each unit; or the procedure */
	mc_stats_counts c;
};

struct accs {
	struct acc *list;
	size_t len, cap;
	bool each; /* keyed by each unit (MC_STATS_EACH_UNIT), not by the child of the subtree's root */
	bool by_procedure; /* keyed by procedure, from stats_rollup_proc (by field and by procedure) */
	bool tree;	   /* the subtree's root's tree cells, months part of years */
	size_t last;	   /* the position found last: rows mostly come grouped by key */
	size_t *slots;	   /* open addressing: position + 1 in list, 0 free; a power of two */
	size_t n_slots;
};

static int64_t key_of(const struct accs *a, const char *lo, const char *path)
{
	return a->each ? mc_db_unit_last(path) : mc_db_unit_child(lo, path);
}

static size_t slot_of(const struct accs *a, int64_t key)
{
	size_t h = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15u >> 17) & (a->n_slots - 1);

	while (a->slots[h] && a->list[a->slots[h] - 1].key != key)
		h = (h + 1) & (a->n_slots - 1);
	return h;
}

/* The counters of a key: the cells by procedure come in unit order, a
 * different key each row, and a province uses thousands of procedures. */
static mc_stats_counts *acc_of(struct accs *a, int64_t key)
{
	if (a->last < a->len && a->list[a->last].key == key)
		return &a->list[a->last].c;
	if (a->n_slots < 2 * (a->len + 1)) {
		size_t n = a->n_slots ? 2 * a->n_slots : 16;

		free(a->slots);
		a->slots = mc_xcalloc(n, sizeof(a->slots[0]));
		a->n_slots = n;
		for (size_t i = 0; i < a->len; i++)
			a->slots[slot_of(a, a->list[i].key)] = i + 1;
	}
	size_t h = slot_of(a, key);
	if (a->slots[h]) {
		a->last = a->slots[h] - 1;
		return &a->list[a->last].c;
	}
	a->last = a->len;
	MC_GROW(a->list, a->len, a->cap);
	memset(&a->list[a->len], 0, sizeof(a->list[0]));
	a->list[a->len].key = key;
	a->slots[h] = a->len + 1;
	return &a->list[a->len++].c;
}

static void add_dated(mc_stats_counts *c, const int64_t *v)
{
	c->received_online += v[MC_RU_RECV_ONLINE];
	c->received_direct += v[MC_RU_RECV_DIRECT];
	c->received_postal += v[MC_RU_RECV_POSTAL];
	c->received += v[MC_RU_RECV_TOTAL];
	c->resolved_early += v[MC_RU_RES_EARLY];
	c->resolved_on_time += v[MC_RU_RES_ON_TIME];
	c->resolved_late += v[MC_RU_RES_LATE];
	c->withdrawn += v[MC_RU_WITHDRAWN];
	c->stopped += v[MC_RU_STOPPED];
	c->not_accepted += v[MC_RU_NOT_ACCEPTED];
	c->supplement_requested += v[MC_RU_SUPPLEMENT];
	c->apologies += v[MC_RU_APOLOGIES];
}

/* Whether a cell of days [a, b] counts for the days [lo, hi): a period is
 * summed from the largest cells that lie wholly in it, so a cell counts when
 * it does and the cell it is part of, of days [pa, pb] (pa > pb: none read),
 * does not. */
static bool counts(int32_t a, int32_t b, int32_t pa, int32_t pb, int32_t lo, int32_t hi)
{
	return a >= lo && b < hi && !(pa <= pb && pa >= lo && pb < hi);
}

static int32_t year_first(int32_t year)
{
	return mc_rollup_month_first(year * 12);
}

/*
 * Folds a cell into its key's counters: the dated counters of the days
 * [fd, td), the state at fd's midnight (the changes of every day up to fd's)
 * and at td's. A month cell is part of its year when the years are read (the
 * tree cells), a day cell of its month.
 */
static void fold(mc_stats_counts *c, const mc_rollup_cell *x, int32_t fd, int32_t td, bool years)
{
	int32_t a, b, pa = 1, pb = 0;

	switch (x->grain) {
	case MC_ROLLUP_REPEAT:
		c->supplement_requested += x->v[MC_RU_SUPPLEMENT];
		return;
	case MC_ROLLUP_TREE_YEAR:
		a = year_first(x->period);
		b = year_first(x->period + 1) - 1;
		break;
	case MC_ROLLUP_MONTH:
	case MC_ROLLUP_TREE_MONTH:
		a = mc_rollup_month_first(x->period);
		b = mc_rollup_month_first(x->period + 1) - 1;
		if (years) {
			pa = year_first(x->period / 12);
			pb = year_first(x->period / 12 + 1) - 1;
		}
		break;
	default: /* a day */
		a = b = x->period;
		pa = mc_rollup_month_first(mc_rollup_month(x->period));
		pb = mc_rollup_month_first(mc_rollup_month(x->period) + 1) - 1;
		break;
	}
	if (counts(a, b, pa, pb, fd, td))
		add_dated(c, x->v);
	if (counts(a, b, pa, pb, INT32_MIN, fd + 1))
		c->carried_over += x->v[MC_RU_IN_PROGRESS];
	if (counts(a, b, pa, pb, INT32_MIN, td + 1)) {
		c->in_progress += x->v[MC_RU_IN_PROGRESS];
		c->in_progress_overdue += x->v[MC_RU_OVERDUE];
	}
}

/* The cells of the subtree [$1, $2) in a range of periods [$3, $4), each
 * part one range of the primary key per unit. */
#define READ(where)                                                                                          \
	"SELECT u.path, r.grain, r.period, r.aux, " COUNTER_COLS                                             \
	" FROM unit u JOIN stats_rollup r ON r.unit_id = u.id WHERE u.path >= $1 AND u.path < $2 AND " where
/* The same by procedure. Each cell is folded as it comes, keyed by its
 * procedure through acc_of()'s hash: summing the units' cells first (GROUP
 * BY) made the engine sort every cell of the subtree, and cost more than
 * the fold. */
#define READ_PROC_IN(where, in)                                                                              \
	"SELECT r.procedure_id, r.grain, r.period, r.aux, " COUNTER_COLS                                     \
	" FROM unit u JOIN stats_rollup_proc r ON r.unit_id = u.id WHERE u.path >= $1 AND u.path < $2 "      \
	"AND " where in
#define READ_PROC(where) READ_PROC_IN(where, "")
/* The tree cells of the subtree's root (the unit at path $1; $2 is the end
 * of its range). */
#define READ_TREE(where)                                                                                     \
	"SELECT r.procedure_id, r.grain, r.period, r.aux, " COUNTER_COLS                                     \
	" FROM unit u JOIN stats_rollup_proc r ON r.unit_id = u.id WHERE u.path = $1 AND u.path < $2 "       \
	"AND " where
/* Only the units of a JSON array (mc_stats_query.units), as each engine
 * reads one. */
#define IN_SQLITE(col, n) " AND " col " IN (SELECT value FROM json_each($" #n "))"
#define IN_PG(col, n)                                                                                        \
	" AND " col " IN (SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST($" #n " AS "       \
	"json)))"

static int read_cells(mc_store *st, struct accs *a, const char *sql, const char *lo, const char *hi,
		      int64_t p_lo, int64_t p_hi, int32_t fd, int32_t td, const char *units)
{
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc == 0) {
		mc_q_text(q, 1, lo);
		mc_q_text(q, 2, hi);
		mc_q_int(q, 3, p_lo);
		mc_q_int(q, 4, p_hi);
		if (units)
			mc_q_text(q, 5, units);
	}
	while (rc == 0 && (rc = mc_q_row(q, "read the statistics roll-up")) == 1) {
		mc_rollup_cell x = {.grain = (int32_t)mc_q_col_int(q, 1),
				    .period = (int32_t)mc_q_col_int(q, 2),
				    .aux = (int32_t)mc_q_col_int(q, 3)};

		for (int k = 0; k < MC_ROLLUP_N; k++)
			x.v[k] = mc_q_col_int(q, 4 + k);
		int64_t key = a->by_procedure ? mc_q_col_int(q, 0) : key_of(a, lo, mc_q_col_text(q, 0));
		fold(acc_of(a, key), &x, fd, td, a->tree);
		rc = 0;
	}
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

/* The current period: the open dossiers' split judged at `at` (docs/statistics.md),
 * counted live over the index dossier_open. Those finished since can no
 * longer be in progress at `to`, which is later. */
static int open_overdue(mc_store *st, struct accs *a, const char *lo, const char *hi, int64_t at,
			const char *units)
{
	static const char sql[] =
	    "SELECT u.path, count(*) FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id"
	    " WHERE u.path >= $1 AND u.path < $2 AND d.finished_at = 0 AND d.received_at > 0"
	    " AND " MC_SQL_OVERDUE("$3") " GROUP BY u.path";
#define OPEN_BY_PROC(in)                                                                                     \
	"SELECT d.procedure_id, count(*) FROM unit u JOIN dossier d ON d.receiving_unit_id = u.id"           \
	" WHERE u.path >= $1 AND u.path < $2 AND d.finished_at = 0 AND d.received_at > 0"                    \
	" AND " MC_SQL_OVERDUE("$3") in " GROUP BY d.procedure_id"
	static const char by_proc[] = OPEN_BY_PROC("");
	static const char in_sqlite[] = OPEN_BY_PROC(IN_SQLITE("d.receiving_unit_id", 4));
	static const char in_pg[] = OPEN_BY_PROC(IN_PG("d.receiving_unit_id", 4));
	const char *text = a->by_procedure ? by_proc : sql;
	mc_q *q = NULL;

	if (units)
		text = mc_db_is_pg(st) ? in_pg : in_sqlite;
	int rc = mc_db_prepare(st, &q, text);

	for (size_t i = 0; i < a->len; i++)
		a->list[i].c.in_progress_overdue = 0;
	if (rc == 0) {
		mc_q_text(q, 1, lo);
		mc_q_text(q, 2, hi);
		mc_q_int(q, 3, at);
		if (units)
			mc_q_text(q, 4, units);
	}
	while (rc == 0 && (rc = mc_q_row(q, "count overdue open dossiers")) == 1) {
		int64_t key = a->by_procedure ? mc_q_col_int(q, 0) : key_of(a, lo, mc_q_col_text(q, 0));
		acc_of(a, key)->in_progress_overdue += mc_q_col_int(q, 1);
		rc = 0;
	}
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

int mc_store_rollup_stats(mc_store *st, const mc_stats_query *q, const char *lo, const char *hi,
			  void (*cb)(int64_t key, const mc_stats_counts *c, void *payload), void *payload)
{
	static const char months[] = READ("r.grain = 1 AND r.period < $4 AND r.period >= $3");
	static const char days[] = READ("r.grain = 0 AND r.period >= $3 AND r.period < $4");
	static const char repeats[] = READ("r.grain = 2 AND r.period >= $3 AND r.period < $4 AND r.aux < $3");
	static const char p_months[] = READ_PROC("r.grain = 1 AND r.period < $4 AND r.period >= $3");
	static const char p_days[] = READ_PROC("r.grain = 0 AND r.period >= $3 AND r.period < $4");
	static const char p_repeats[] =
	    READ_PROC("r.grain = 2 AND r.period >= $3 AND r.period < $4 AND r.aux < $3");
	static const char *const in_parts[2][3] = {
	    {READ_PROC_IN("r.grain = 1 AND r.period < $4 AND r.period >= $3", IN_SQLITE("r.unit_id", 5)),
	     READ_PROC_IN("r.grain = 0 AND r.period >= $3 AND r.period < $4", IN_SQLITE("r.unit_id", 5)),
	     READ_PROC_IN("r.grain = 2 AND r.period >= $3 AND r.period < $4 AND r.aux < $3",
			  IN_SQLITE("r.unit_id", 5))},
	    {READ_PROC_IN("r.grain = 1 AND r.period < $4 AND r.period >= $3", IN_PG("r.unit_id", 5)),
	     READ_PROC_IN("r.grain = 0 AND r.period >= $3 AND r.period < $4", IN_PG("r.unit_id", 5)),
	     READ_PROC_IN("r.grain = 2 AND r.period >= $3 AND r.period < $4 AND r.aux < $3",
			  IN_PG("r.unit_id", 5))},
	};
	static const char t_years[] = READ_TREE("r.grain = 4 AND r.period >= $3 AND r.period < $4");
	static const char t_months[] = READ_TREE("r.grain = 3 AND r.period >= $3 AND r.period < $4");
	bool by_proc = q->group == MC_STATS_BY_FIELD || q->group == MC_STATS_BY_PROCEDURE;
	/* Units named (units=today): the cells of those units only. */
	bool in = by_proc && q->n_units > 0;
	/* Else by procedure the tree cells of the subtree's root (migration
	 * 045) instead of the month cells of every unit of the subtree. */
	bool tree = by_proc && !in;
	const char *const *ip = in_parts[mc_db_is_pg(st) ? 1 : 0];
	const char *pm = in ? ip[0] : p_months, *pd = in ? ip[1] : p_days, *pr = in ? ip[2] : p_repeats;
	char *units = NULL;
	int32_t fd = mc_local_day(q->from), td = mc_local_day(q->to);
	int32_t mf = mc_rollup_month(fd), mt = mc_rollup_month(td);
	/* Month cells before to's month ends, the day cells of the months of the
	 * period's two ends (once when they are one month), and the later
	 * supplement requests made in the period whose previous request was
	 * on a day before it. */
	/* Of a month's day cells only the days up to `to`'s count (fold()), and
	 * of a month wholly in the period only the days up to `from`'s, for the
	 * state at that midnight: a period of whole months reads two days, not
	 * two months, of day cells. */
	int32_t f_first = mc_rollup_month_first(mf), f_end = mc_rollup_month_first(mf + 1);
	bool f_whole = f_first == fd && f_end - 1 < td;
	int32_t f_hi = f_whole ? fd + 1 : (f_end < td + 1 ? f_end : td + 1);
	/* With the tree cells: the years up to to's, and the months of the
	 * years of the two ends up to to's month (fold() takes a month where
	 * its year does not count); the day cells as without them. */
	int32_t yf = mf / 12, yt = mt / 12;
	const struct {
		const char *sql;
		int64_t lo, hi;
	} parts[] = {
	    {tree ? t_years : NULL, INT32_MIN, yt + 1},
	    {tree      ? t_months
	     : by_proc ? pm
		       : months,
	     tree ? yf * 12 : INT32_MIN, tree && yf != yt ? yf * 12 + 12 : mt + 1},
	    {tree && yf != yt ? t_months : NULL, yt * 12, mt + 1},
	    {by_proc ? pd : days, f_first, f_hi},
	    {by_proc ? pd : days, mf == mt ? 0 : mc_rollup_month_first(mt), mf == mt ? 0 : td + 1},
	    {by_proc ? pr : repeats, fd, td},
	};
	struct accs a = {.each = q->group == MC_STATS_EACH_UNIT, .by_procedure = by_proc, .tree = tree};
	/* A write of a group commit reading the figures (a computed criterion)
	 * sees the batch's cells summed so far. */
	int rc = mc_store_rollup_flush(st);

	if (rc)
		return rc;
	if (in) {
		mc_buf b;

		mc_buf_init(&b, q->n_units * 24 + 8);
		rc = mc_buf_adds(&b, "[");
		for (size_t i = 0; i < q->n_units && rc == 0; i++)
			rc = mc_buf_addf(&b, "%s%lld", i ? "," : "", (long long)q->units[i]);
		if (rc == 0)
			rc = mc_buf_adds(&b, "]");
		units = rc == 0 ? mc_xstrdup(b.data) : NULL;
		mc_buf_free(&b);
		if (rc)
			return rc;
	}

	if (!a.each && !a.by_procedure)
		acc_of(&a, 0);
	for (size_t i = 0; i < MC_ARRAY_LEN(parts) && rc == 0; i++) {
		if (parts[i].sql && parts[i].lo < parts[i].hi)
			rc =
			    read_cells(st, &a, parts[i].sql, lo, hi, parts[i].lo, parts[i].hi, fd, td, units);
	}
	if (rc == 0 && q->at < q->to)
		rc = open_overdue(st, &a, lo, hi, q->at, units);
	for (size_t i = 0; i < a.len && rc == 0; i++) {
		mc_stats_counts *c = &a.list[i].c;
		c->resolved = c->resolved_early + c->resolved_on_time + c->resolved_late;
		c->in_progress_within = c->in_progress - c->in_progress_overdue;
		cb(a.list[i].key, c, payload);
	}
	free(a.list);
	free(a.slots);
	free(units);
	return rc;
}
