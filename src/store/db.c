/*
 * db.c - the driver of db.h: the cache of statements, parameters and columns
 * on either engine (a call into its library each, side by side below), rows
 * read by a table of columns, and what the store files share. Preparing and
 * running a statement is each engine's own (db_sqlite.c, db_pg.c).
 */
#include "store/db_int.h"

#include "core/text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The PostgreSQL types of the parameters (pg_type's OIDs). */
enum { PG_BOOL = 16, PG_INT8 = 20, PG_TEXT = 25, PG_FLOAT8 = 701 };

bool mc_db_is_pg(const mc_store *st)
{
	return st->pg;
}

/* ---- the cache of statements ------------------------------------------ */

static size_t hash(const void *key, unsigned variant)
{
	uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15u;
	h ^= (uint64_t)variant * 0xc2b2ae3d27d4eb4fu;
	return (size_t)(h ^ (h >> 29));
}

static mc_q **find(mc_store *st, const void *key, unsigned variant)
{
	size_t mask = st->n_qs - 1;
	size_t i = hash(key, variant) & mask;
	while (st->qs[i] && !(st->qs[i]->key == key && st->qs[i]->variant == variant))
		i = (i + 1) & mask;
	return &st->qs[i];
}

/* Keeps the table at most half full so that probes stay short. */
static void grow(mc_store *st)
{
	mc_q **old = st->qs;
	size_t n_old = st->n_qs;
	st->n_qs = n_old ? n_old * 2 : 64;
	st->qs = mc_xcalloc(st->n_qs, sizeof *st->qs);
	for (size_t i = 0; i < n_old; i++) {
		if (old[i])
			*find(st, old[i]->key, old[i]->variant) = old[i];
	}
	free(old);
}

static void params_clear(mc_q *q)
{
	for (int i = 0; i < q->n_params; i++) {
		free(q->values[i]);
		q->values[i] = NULL;
	}
	q->n_params = 0;
	memset(q->types, 0, sizeof q->types);
}

void mc_db_cache_free(mc_store *st)
{
	for (size_t i = 0; i < st->n_qs; i++) {
		mc_q *q = st->qs[i];
		if (!q)
			continue;
		sqlite3_finalize(q->s);
		PQclear(q->r);
		params_clear(q);
		free(q);
	}
	free(st->qs);
	st->qs = NULL;
	st->n_qs = st->used_qs = 0;
}

int mc_db_prepare_as(mc_store *st, mc_q **out, const void *key, unsigned variant, const char *sql)
{
	mc_q **slot;
	int rc = 0;

	*out = NULL;
	if ((st->used_qs + 1) * 2 > st->n_qs)
		grow(st);
	slot = find(st, key, variant);
	if (!*slot) {
		mc_q *q = mc_xcalloc(1, sizeof *q);
		q->st = st;
		q->key = key;
		q->variant = variant;
		q->sql = sql;
		q->row = -1;
		/* SQLite prepares it now, PostgreSQL at its first run in a session. */
		if (!st->pg)
			rc = mc_sqlite_prepare(q);
		if (rc) {
			free(q);
			return rc;
		}
		*slot = q;
		st->used_qs++;
	}
	/* The caller's text of this call: an assembled one may live in a buffer
	 * of the caller's that is gone by its next call. */
	(*slot)->sql = sql;
	*out = *slot;
	return 0;
}

int mc_db_prepare(mc_store *st, mc_q **out, const char *sql)
{
	return mc_db_prepare_as(st, out, sql, 0, sql);
}

void mc_q_plan_each_run(mc_q *q)
{
	q->each_run = true;
}

/* ---- binding ----------------------------------------------------------- */

/* A parameter number out of range is a bug in the SQL beside the call; a
 * failed bind on SQLite is that or out of memory, which the project treats
 * like a failed allocation: it aborts. */
static void bind_failed(mc_q *q, int i, const char *why)
{
	fprintf(stderr, "could not bind parameter $%d: %s\n%s\n", i, why, q->sql);
	abort();
}

static void check_index(mc_q *q, int i)
{
	if (i < 1 || i > MC_DB_MAX_PARAMS)
		bind_failed(q, i, "out of range");
}

static void bind_sqlite(mc_q *q, int i, int rc)
{
	if (rc != SQLITE_OK)
		bind_failed(q, i, sqlite3_errmsg(q->st->db));
}

/* PostgreSQL takes every value as text (v, owned; NULL for SQL NULL), with
 * its type for the statement's preparation. */
static void bind_pg(mc_q *q, int i, char *v, Oid type)
{
	free(q->values[i - 1]);
	q->values[i - 1] = v;
	q->types[i - 1] = type;
	if (i > q->n_params)
		q->n_params = i;
}

void mc_q_int(mc_q *q, int i, int64_t v)
{
	char text[24];

	check_index(q, i);
	if (q->s) {
		bind_sqlite(q, i, sqlite3_bind_int64(q->s, i, v));
		return;
	}
	snprintf(text, sizeof text, "%" PRId64, v);
	bind_pg(q, i, mc_xstrdup(text), PG_INT8);
}

void mc_q_ref(mc_q *q, int i, int64_t v)
{
	if (v)
		mc_q_int(q, i, v);
	else
		mc_q_null(q, i);
}

void mc_q_null(mc_q *q, int i)
{
	check_index(q, i);
	if (q->s)
		bind_sqlite(q, i, sqlite3_bind_null(q->s, i));
	else
		bind_pg(q, i, NULL, PG_INT8);
}

void mc_q_textn(mc_q *q, int i, const char *v, size_t len)
{
	/* Copied: the caller's string may be gone before the statement runs. */
	len = strnlen(v, len);
	check_index(q, i);
	if (q->s)
		bind_sqlite(q, i, sqlite3_bind_text(q->s, i, v, (int)len, SQLITE_TRANSIENT));
	else
		bind_pg(q, i, mc_xstrndup(v, len), PG_TEXT);
}

void mc_q_text(mc_q *q, int i, const char *v)
{
	check_index(q, i);
	if (v)
		mc_q_textn(q, i, v, strlen(v));
	else if (q->s)
		bind_sqlite(q, i, sqlite3_bind_null(q->s, i));
	else
		bind_pg(q, i, NULL, PG_TEXT);
}

void mc_q_bool(mc_q *q, int i, bool v)
{
	check_index(q, i);
	if (q->s)
		bind_sqlite(q, i, sqlite3_bind_int64(q->s, i, v ? 1 : 0));
	else
		bind_pg(q, i, mc_xstrdup(v ? "t" : "f"), PG_BOOL);
}

void mc_q_double(mc_q *q, int i, double v)
{
	char text[40];

	check_index(q, i);
	if (q->s) {
		bind_sqlite(q, i, sqlite3_bind_double(q->s, i, v));
		return;
	}
	snprintf(text, sizeof text, "%.17g", v);
	bind_pg(q, i, mc_xstrdup(text), PG_FLOAT8);
}

/* ---- running ----------------------------------------------------------- */

/* PostgreSQL runs the whole statement at once; alone: in a savepoint of its
 * own inside a transaction (mc_q_try). */
static int op_begin(mc_store *st, int *kind, bool guarded);

static int run_pg(mc_q *q, bool alone, const char *what)
{
	int kind = 0;
	int rc = 0;

	PQclear(q->r);
	q->r = NULL;
	q->ran = true;
	q->row = -1;
	if (alone)
		rc = op_begin(q->st, &kind, true);
	if (rc == 0)
		rc = mc_pg_run(q, what);
	if (alone)
		return mc_db_op_end(q->st, kind, rc);
	/* The transaction is now failed: whatever its caller does next. */
	if (rc)
		q->st->undo_needed = true;
	return rc;
}

int mc_q_row(mc_q *q, const char *what)
{
	if (q->s)
		return mc_sqlite_step(q, what);
	if (!q->ran) {
		int rc = run_pg(q, false, what);
		if (rc)
			return rc;
	}
	if (!q->r || q->row + 1 >= PQntuples(q->r))
		return 0;
	q->row++;
	return 1;
}

int mc_q_exec(mc_q *q, const char *what)
{
	int rc;

	if (!q->s)
		return run_pg(q, false, what);
	do
		rc = mc_sqlite_step(q, what);
	while (rc == 1);
	return rc;
}

int mc_q_try(mc_q *q, const char *what)
{
	if (q->s)
		return mc_q_exec(q, what);
	return run_pg(q, true, what);
}

int mc_q_try_row(mc_q *q, const char *what)
{
	if (q->s)
		return mc_q_row(q, what);
	int rc = run_pg(q, true, what);
	return rc ? rc : mc_q_row(q, what);
}

int mc_q_exec_later(mc_q *q, const char *what)
{
	mc_store *st = q->st;
	int rc;

	if (q->s || !st->undo_all)
		return mc_q_exec(q, what);
	PQclear(q->r);
	q->r = NULL;
	q->ran = true;
	q->row = -1;
	rc = mc_pg_run_later(q, what);
	if (rc)
		st->undo_needed = true;
	return rc;
}

bool mc_db_defers(const mc_store *st)
{
	return st->pg && st->undo_all;
}

int64_t mc_q_changes(mc_q *q)
{
	if (q->s)
		return sqlite3_changes64(sqlite3_db_handle(q->s));
	const char *n = q->r ? PQcmdTuples(q->r) : "";
	return *n ? strtoll(n, NULL, 10) : 0;
}

void mc_q_done(mc_q *q)
{
	if (!q)
		return;
	if (q->s) {
		sqlite3_reset(q->s);
		sqlite3_clear_bindings(q->s);
		return;
	}
	PQclear(q->r);
	q->r = NULL;
	q->ran = false;
	q->row = -1;
	params_clear(q);
}

/* ---- columns ----------------------------------------------------------- */

/* PostgreSQL gives every value as text; NULL for SQL NULL. */
static const char *pg_value(mc_q *q, int col)
{
	return PQgetisnull(q->r, q->row, col) ? NULL : PQgetvalue(q->r, q->row, col);
}

bool mc_q_col_null(mc_q *q, int col)
{
	if (q->s)
		return sqlite3_column_type(q->s, col) == SQLITE_NULL;
	return pg_value(q, col) == NULL;
}

int64_t mc_q_col_int(mc_q *q, int col)
{
	if (q->s)
		return sqlite3_column_int64(q->s, col);
	const char *v = pg_value(q, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

bool mc_q_col_bool(mc_q *q, int col)
{
	if (q->s)
		return sqlite3_column_int64(q->s, col) != 0;
	const char *v = pg_value(q, col);
	/* A boolean column reads "t"; an integer one (a count, a flag kept as a number) "1". */
	return v && (v[0] == 't' || (v[0] >= '1' && v[0] <= '9') || (v[0] == '-' && v[1]));
}

double mc_q_col_double(mc_q *q, int col)
{
	if (q->s)
		return sqlite3_column_double(q->s, col);
	const char *v = pg_value(q, col);
	return v ? strtod(v, NULL) : 0;
}

const char *mc_q_col_text(mc_q *q, int col)
{
	const char *v = q->s ? (const char *)sqlite3_column_text(q->s, col) : pg_value(q, col);
	return v ? v : "";
}

char *mc_q_col_dup(mc_q *q, int col)
{
	return mc_xstrdup(mc_q_col_text(q, col));
}

static int col_count(mc_q *q)
{
	return q->s ? sqlite3_column_count(q->s) : PQnfields(q->r);
}

static const char *col_name(mc_q *q, int col)
{
	return q->s ? sqlite3_column_name(q->s, col) : PQfname(q->r, col);
}

/* Finds each column of cols in the result, once per statement and table. */
static int resolve(mc_q *q, const mc_col *cols, size_t n)
{
	if (q->cols == cols)
		return 0;
	if (n > MC_DB_MAX_COLS) {
		fprintf(stderr, "could not read a row: %zu columns (at most %d)\n", n, MC_DB_MAX_COLS);
		return MC_ERROR;
	}
	int count = col_count(q);
	for (size_t i = 0; i < n; i++) {
		q->pos[i] = -1;
		for (int c = 0; c < count; c++) {
			if (strcmp(col_name(q, c), cols[i].name) == 0) {
				q->pos[i] = c;
				break;
			}
		}
		if (q->pos[i] < 0) {
			fprintf(stderr, "could not read a row: no column %s in\n%s\n", cols[i].name, q->sql);
			return MC_ERROR;
		}
	}
	q->cols = cols;
	return 0;
}

int mc_q_read(mc_q *q, const mc_col *cols, size_t n, void *row)
{
	int rc = resolve(q, cols, n);
	if (rc)
		return rc;
	char *base = row;
	for (size_t i = 0; i < n; i++) {
		int c = q->pos[i];
		void *at = base + cols[i].offset;
		switch (cols[i].type) {
		case MC_COL_I64:
			*(int64_t *)at = mc_q_col_int(q, c);
			break;
		case MC_COL_I32:
			*(int32_t *)at = (int32_t)mc_q_col_int(q, c);
			break;
		case MC_COL_INT:
			*(int *)at = (int)mc_q_col_int(q, c);
			break;
		case MC_COL_BOOL:
			*(bool *)at = mc_q_col_bool(q, c);
			break;
		case MC_COL_DOUBLE:
			*(double *)at = mc_q_col_double(q, c);
			break;
		case MC_COL_STR: {
			char **s = at;
			free(*s);
			*s = mc_q_col_dup(q, c);
			break;
		}
		case MC_COL_CHARS:
			if (mc_strlcpy(at, mc_q_col_text(q, c), cols[i].size) != 0) {
				fprintf(stderr,
					"could not read a row: %s is longer than its field (%zu bytes)\n",
					cols[i].name, cols[i].size - 1);
				rc = MC_ETOOBIG;
			}
			break;
		case MC_COL_CUT:
			mc_text_cut(at, cols[i].size, mc_q_col_text(q, c));
			break;
		}
	}
	return rc;
}

void mc_row_clear(const mc_col *cols, size_t n, void *row, size_t size)
{
	if (!row)
		return;
	for (size_t c = 0; c < n; c++) {
		if (cols[c].type == MC_COL_STR)
			free(*(char **)((char *)row + cols[c].offset));
	}
	memset(row, 0, size);
}

void mc_rows_free(const mc_col *cols, size_t n, void *list, size_t count, size_t size)
{
	for (size_t r = 0; list && r < count; r++)
		mc_row_clear(cols, n, (char *)list + r * size, size);
	free(list);
}

int mc_q_read_one(mc_q *q, const char *what, const mc_col *cols, size_t n, void *row)
{
	int rc = mc_q_row(q, what);
	if (rc == 0)
		return MC_ENOTFOUND;
	if (rc != 1)
		return rc;
	return mc_q_read(q, cols, n, row);
}

int mc_db_read_by_id(mc_store *st, const char *sql, int64_t id, const char *what, const mc_col *cols,
		     size_t n, void *row)
{
	return mc_db_read(st, sql, what, cols, n, row, MC_ARGS(MC_I(id)));
}

int mc_db_read_by_text(mc_store *st, const char *sql, const char *key, const char *what, const mc_col *cols,
		       size_t n, void *row)
{
	return mc_db_read(st, sql, what, cols, n, row, MC_ARGS(MC_T(key)));
}

static void bind_args(mc_q *q, const mc_arg *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int at = (int)i + 1;

		switch (a[i].type) {
		case MC_ARG_INT:
			mc_q_int(q, at, a[i].i);
			break;
		case MC_ARG_REF:
			mc_q_ref(q, at, a[i].i);
			break;
		case MC_ARG_TEXT:
			mc_q_text(q, at, a[i].s);
			break;
		case MC_ARG_BOOL:
			mc_q_bool(q, at, a[i].b);
			break;
		case MC_ARG_DOUBLE:
			mc_q_double(q, at, a[i].d);
			break;
		case MC_ARG_NULL:
			mc_q_null(q, at);
			break;
		}
	}
}

static int run_args(mc_store *st, const char *sql, const char *what, const mc_arg *a, size_t n,
		    int64_t *changes, bool as_try)
{
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc == 0) {
		bind_args(q, a, n);
		rc = as_try ? mc_q_try(q, what) : mc_q_exec(q, what);
		if (rc == 0 && changes)
			*changes = mc_q_changes(q);
	}
	mc_q_done(q);
	return rc;
}

int mc_db_run(mc_store *st, const char *sql, const char *what, const mc_arg *a, size_t n)
{
	return run_args(st, sql, what, a, n, NULL, false);
}

int mc_db_try(mc_store *st, const char *sql, const char *what, const mc_arg *a, size_t n)
{
	return run_args(st, sql, what, a, n, NULL, true);
}

/* Runs sql with the values a to its first row: 1 with the row's first
 * column in *out (untouched otherwise), 0 when there is no row, or a code. */
static int first_int(mc_store *st, const char *sql, const char *what, int64_t *out, const mc_arg *a, size_t n)
{
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc == 0) {
		bind_args(q, a, n);
		rc = mc_q_row(q, what);
		if (rc == 1)
			*out = mc_q_col_int(q, 0);
	}
	mc_q_done(q);
	return rc;
}

int mc_db_int(mc_store *st, const char *sql, const char *what, int64_t *out, const mc_arg *a, size_t n)
{
	*out = 0;
	int rc = first_int(st, sql, what, out, a, n);
	return rc > 0 ? 0 : rc;
}

int mc_db_read(mc_store *st, const char *sql, const char *what, const mc_col *cols, size_t n_cols, void *row,
	       const mc_arg *a, size_t n)
{
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc == 0) {
		bind_args(q, a, n);
		rc = mc_q_read_one(q, what, cols, n_cols, row);
	}
	mc_q_done(q);
	return rc;
}

int mc_db_list(mc_store *st, const char *sql, const char *what, const mc_col *cols, size_t n_cols,
	       size_t size, void *out, size_t *count, const mc_arg *a, size_t n)
{
	static void *const none = NULL;
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc == 0) {
		bind_args(q, a, n);
		rc = mc_q_read_list(q, what, cols, n_cols, size, out, count);
	} else {
		memcpy(out, &none, sizeof none);
		*count = 0;
	}
	mc_q_done(q);
	return rc;
}

/* mc_db_list_page over n_keys owner keys ($1.., then the bound and the LIMIT). */
static int list_page(mc_store *st, const char *sql, const char *what, const mc_col *cols, size_t n_cols,
		     size_t size, void *out, size_t *count, bool *more, const int64_t *keys, size_t n_keys,
		     int64_t before, int limit)
{
	char *list = NULL;
	int rc = MC_EINVAL;
	mc_arg a[4];
	size_t n = 0;

	*count = 0;
	*more = false;
	for (size_t i = 0; i < n_keys && i < 2; i++)
		a[n++] = MC_I(keys[i]);
	a[n++] = MC_I(before);
	a[n++] = MC_I((int64_t)limit + 1);
	if (limit >= 1 && before >= 0)
		rc = mc_db_list(st, sql, what, cols, n_cols, size, &list, count, a, n);
	if (rc == 0 && *count > (size_t)limit) {
		*more = true;
		mc_row_clear(cols, n_cols, list + --*count * size, size);
	}
	if (rc == 0 && *count > 1) {
		char *tmp = mc_xmalloc(size);
		for (size_t i = 0, j = *count - 1; i < j; i++, j--) {
			memcpy(tmp, list + i * size, size);
			memcpy(list + i * size, list + j * size, size);
			memcpy(list + j * size, tmp, size);
		}
		free(tmp);
	}
	memcpy(out, &list, sizeof list);
	return rc;
}

int mc_db_list_page(mc_store *st, const char *sql, const char *what, const mc_col *cols, size_t n_cols,
		    size_t size, void *out, size_t *count, bool *more, int64_t key, int64_t before, int limit)
{
	return list_page(st, sql, what, cols, n_cols, size, out, count, more, &key, 1, before, limit);
}

int mc_db_list_page2(mc_store *st, const char *sql, const char *what, const mc_col *cols, size_t n_cols,
		     size_t size, void *out, size_t *count, bool *more, int64_t key1, int64_t key2,
		     int64_t before, int limit)
{
	const int64_t keys[] = {key1, key2};
	return list_page(st, sql, what, cols, n_cols, size, out, count, more, keys, 2, before, limit);
}

int mc_db_insert(mc_store *st, const char *sql, const char *what, int64_t *id, const mc_arg *a, size_t n)
{
	int rc = first_int(st, sql, what, id, a, n);
	return rc == 1 ? 0 : rc == 0 ? MC_ERROR : rc;
}

int mc_db_change(mc_store *st, const char *sql, const char *what, mc_changes expect, int none_rc,
		 const mc_arg *a, size_t n)
{
	int64_t changes = 0;
	int rc = run_args(st, sql, what, a, n, &changes, false);

	if (rc == 0 && (expect == MC_ONE ? changes != 1 : changes == 0))
		rc = none_rc;
	return rc;
}

int mc_q_insert_id(mc_q *q, const char *what, int64_t *id)
{
	int rc = mc_q_try_row(q, what);
	if (rc == 1) {
		*id = mc_q_col_int(q, 0);
		return 0;
	}
	return rc == 0 ? MC_ERROR : rc;
}

int mc_q_read_list(mc_q *q, const char *what, const mc_col *cols, size_t n_cols, size_t size, void *out,
		   size_t *n)
{
	char *list = NULL;
	size_t len = 0, cap = 0;
	int rc;

	while ((rc = mc_q_row(q, what)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			list = mc_xrealloc(list, cap * size);
		}
		memset(list + len * size, 0, size);
		rc = mc_q_read(q, cols, n_cols, list + len++ * size);
		if (rc)
			break;
	}
	if (rc < 0) {
		/* Nothing comes back: the strings read so far go with their rows. */
		mc_rows_free(cols, n_cols, list, len, size);
		list = NULL;
		len = 0;
	}
	memcpy(out, &list, sizeof list);
	*n = len;
	return rc;
}

int mc_db_read_list_by(mc_store *st, const char *sql, int64_t key, const char *what, const mc_col *cols,
		       size_t n_cols, size_t size, void *out, size_t *n)
{
	return mc_db_list(st, sql, what, cols, n_cols, size, out, n, MC_ARGS(MC_I(key)));
}

/* ---- the rest ---------------------------------------------------------- */

int mc_db_sql(mc_store *st, const char *sql, const char *what)
{
	mc_q *q = NULL;
	int rc;

	if (strncmp(sql, "ROLLBACK", 8) == 0) {
		mc_db_unit_paths_forget(st);
		mc_db_locks_forget(st);
	}
	if (st->pg) {
		rc = mc_pg_sql(st, sql, what);
		if (rc)
			st->undo_needed = true;
		return rc;
	}
	rc = mc_db_prepare(st, &q, sql);
	if (rc == 0)
		rc = mc_q_exec(q, what);
	mc_q_done(q);
	return rc;
}

enum { OP_SAVEPOINT, OP_TRANSACTION, OP_NONE };

/* guarded: a savepoint even under mc_store_undo_all (mc_q_try: a failure
 * its caller expects and answers). */
static int op_begin(mc_store *st, int *kind, bool guarded)
{
	/* PostgreSQL outside a transaction: one of its own, open as the
	 * caller's would be (mc_store_begin), so that a connection lost
	 * half-way is not made again for the rest of the operation. SQLite
	 * opens one with the savepoint. */
	if (st->pg && !mc_pg_in_transaction(st)) {
		*kind = OP_TRANSACTION;
		return mc_store_begin(st);
	}
	/* The caller undoes everything on a failure: nothing to undo to. */
	if (st->undo_all && !guarded) {
		*kind = OP_NONE;
		return 0;
	}
	*kind = OP_SAVEPOINT;
	return mc_db_sql(st, "SAVEPOINT mc_op", "begin operation");
}

int mc_db_op_begin(mc_store *st, int *kind)
{
	return op_begin(st, kind, false);
}

int mc_db_op_end(mc_store *st, int kind, int rc)
{
	if (kind == OP_NONE) {
		if (rc)
			st->undo_needed = true;
		return rc;
	}
	if (kind == OP_TRANSACTION) {
		if (rc == 0)
			rc = mc_store_commit(st);
		if (rc)
			mc_store_rollback(st);
		return rc;
	}
	if (rc == 0) {
		rc = mc_db_sql(st, "RELEASE SAVEPOINT mc_op", "finish operation");
		if (rc == 0)
			return 0;
	}
	/* ROLLBACK TO leaves the savepoint open; RELEASE closes it. */
	mc_db_sql(st, "ROLLBACK TO SAVEPOINT mc_op", "undo operation");
	mc_db_sql(st, "RELEASE SAVEPOINT mc_op", "undo operation");
	return rc;
}

int mc_db_unit_path(mc_store *st, int64_t unit_id, char out[256])
{
	static const char sql[] = "SELECT path FROM unit WHERE id = $1";
	mc_q *q = NULL;
	const char *path;
	size_t len;
	int rc = mc_db_prepare(st, &q, sql);

	out[0] = '\0';
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, unit_id);
	rc = mc_q_row(q, "read unit path");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	rc = 0;
	path = mc_q_col_text(q, 0);
	len = strlen(path);
	/* Empty only between a unit's insert and its path's (store_unit.c). */
	if (len > 0 && (len >= 256 || path[len - 1] != '/')) {
		rc = MC_ERROR;
		fprintf(stderr, "could not read unit path: unit %" PRId64 " has path \"%s\"\n", unit_id,
			path);
		goto cleanup;
	}
	memcpy(out, path, len + 1);
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_db_unit_path_kept(mc_store *st, int64_t unit_id, char out[256])
{
	size_t slot = (uint64_t)unit_id % MC_DB_UNIT_PATHS;
	int rc;

	if (st->unit_paths[slot].path && st->unit_paths[slot].id == unit_id) {
		memcpy(out, st->unit_paths[slot].path, strlen(st->unit_paths[slot].path) + 1);
		return 0;
	}
	rc = mc_db_unit_path(st, unit_id, out);
	if (rc == 0 && out[0]) {
		free(st->unit_paths[slot].path);
		st->unit_paths[slot].id = unit_id;
		st->unit_paths[slot].path = mc_xstrdup(out);
	}
	return rc;
}

void mc_db_unit_paths_forget(mc_store *st)
{
	for (size_t i = 0; i < MC_DB_UNIT_PATHS; i++) {
		free(st->unit_paths[i].path);
		st->unit_paths[i].path = NULL;
	}
}

int mc_db_unit_range(mc_store *st, char lo[256], char hi[256], int64_t unit_id)
{
	int rc = mc_db_unit_path(st, unit_id, lo);
	size_t len = strlen(lo);

	if (rc)
		return rc;
	if (len == 0) {
		fprintf(stderr, "could not read unit path: unit %" PRId64 " has none\n", unit_id);
		return MC_ERROR;
	}
	memcpy(hi, lo, len + 1);
	hi[len - 1] = '0'; /* '0' is the byte after '/' */
	return 0;
}

int mc_db_prepare_in_unit(mc_store *st, mc_q **out, const char *sql, int64_t unit_id)
{
	char lo[256], hi[256];
	int rc = mc_db_unit_range(st, lo, hi, unit_id);

	*out = NULL;
	if (rc == 0)
		rc = mc_db_prepare(st, out, sql);
	if (rc == 0) {
		mc_q_text(*out, 1, lo);
		mc_q_text(*out, 2, hi);
	}
	return rc;
}

int64_t mc_db_unit_child(const char *lo, const char *path)
{
	size_t n = strlen(lo);

	if (strncmp(path, lo, n) != 0 || path[n] == '\0')
		return 0;
	return strtoll(path + n, NULL, 10);
}

int64_t mc_db_unit_last(const char *path)
{
	size_t n = strlen(path);

	if (n < 2)
		return 0;
	n--; /* the final slash */
	while (n > 0 && path[n - 1] != '/')
		n--;
	return strtoll(path + n, NULL, 10);
}

const char *mc_db_files_dir(const mc_store *st)
{
	return st->files_dir;
}

mc_seq_marks *mc_db_seq_marks(mc_store *st)
{
	return &st->marks;
}

struct mc_rollup_pending *mc_db_rollup_pending(mc_store *st)
{
	return st->rollup_pending;
}

void mc_db_set_rollup_pending(mc_store *st, struct mc_rollup_pending *p)
{
	st->rollup_pending = p;
}

bool mc_db_lock_held(mc_store *st, int64_t key)
{
	for (int i = 0; i < st->n_held; i++) {
		if (st->held[i] == key)
			return true;
	}
	/* Past the room, a lock is taken again: harmless, only slower. */
	if (st->n_held < (int)MC_ARRAY_LEN(st->held))
		st->held[st->n_held++] = key;
	return false;
}

void mc_db_locks_forget(mc_store *st)
{
	st->n_held = 0;
}

int mc_db_lock(mc_store *st, int64_t key, const char *what)
{
	static const char sql[] = "SELECT pg_advisory_xact_lock($1)";
	mc_q *q = NULL;
	int rc;

	/* Outside a transaction it would be let go at once. */
	if (!st->pg || !mc_pg_in_transaction(st))
		return 0;
	rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, key);
		rc = mc_q_exec(q, what);
	}
	mc_q_done(q);
	return rc;
}

int mc_db_migration_apply(mc_store *st, int version, const char *path, const char *sql)
{
	if (st->pg)
		return mc_pg_migration_apply(st, version, path, sql);
	return mc_sqlite_migration_apply(st, version, path, sql);
}

int mc_db_backup(mc_store *st, const char *dest)
{
	return st->pg ? mc_pg_backup(st, dest) : mc_sqlite_backup(st, dest);
}

int mc_db_restore(mc_store *st, const char *src)
{
	return st->pg ? mc_pg_restore(st, src) : mc_sqlite_restore(st, src);
}
