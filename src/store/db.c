/*
 * db.c - the driver of db.h over the two engines' helpers
 * (store_sqlite.c: mc_sq_*, store_pg.c: mc_pq_*).
 */
#include "store/db.h"

#include "store/store_pg_int.h"
#include "store/store_sqlite_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS MC_PQ_MAX_PARAMS
#define MAX_COLS 64

struct mc_q {
	mc_store *st;
	const void *key;
	unsigned variant;
	const char *sql;        /* as written ($n), for PostgreSQL */
	/* SQLite */
	sqlite3_stmt *s;
	/* PostgreSQL */
	struct mc_pq_params p;
	Oid types[MAX_PARAMS];
	PGresult *r;
	int row;                /* the current row, -1 before the first */
	bool ran;
	/* the last table of columns read, resolved to positions */
	const mc_col *cols;
	int pos[MAX_COLS];
};

/* The statements of a connection, keyed like the engines' own caches. */
struct mc_qcache {
	mc_q **slots;
	size_t n, used;
};

bool mc_db_is_pg(const mc_store *st)
{
	return st->backend == MC_BACKEND_PG;
}

static mc_sqlite *sq(const mc_store *st)
{
	return (mc_sqlite *)st;
}

static mc_pg *pg(const mc_store *st)
{
	return (mc_pg *)st;
}

/* ---- the cache of statements ------------------------------------------ */

static size_t hash(const void *key, unsigned variant)
{
	uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15u;
	h ^= (uint64_t)variant * 0xc2b2ae3d27d4eb4fu;
	return (size_t)(h ^ (h >> 29));
}

static mc_q **find(struct mc_qcache *c, const void *key, unsigned variant)
{
	size_t mask = c->n - 1;
	size_t i = hash(key, variant) & mask;
	while (c->slots[i] && !(c->slots[i]->key == key && c->slots[i]->variant == variant))
		i = (i + 1) & mask;
	return &c->slots[i];
}

static void grow(struct mc_qcache *c)
{
	mc_q **old = c->slots;
	size_t n_old = c->n;
	c->n = n_old ? n_old * 2 : 64;
	c->slots = mc_xcalloc(c->n, sizeof *c->slots);
	for (size_t i = 0; i < n_old; i++) {
		if (old[i])
			*find(c, old[i]->key, old[i]->variant) = old[i];
	}
	free(old);
}

void mc_db_cache_free(mc_store *st)
{
	struct mc_qcache *c = st->qs;
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		mc_q *q = c->slots[i];
		if (!q)
			continue;
		PQclear(q->r);
		mc_pq_params_clear(&q->p);
		free(q);
	}
	free(c->slots);
	free(c);
	st->qs = NULL;
}

/* $1 … $n written ?1 … ?n for SQLite, outside string literals and quoted names. */
static char *for_sqlite(const char *sql)
{
	char *out = mc_xstrdup(sql);
	char quote = 0;
	for (char *p = out; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			*p = '?';
		}
	}
	return out;
}

int mc_db_prepare_as(mc_store *st, mc_q **out, const void *key, unsigned variant, const char *sql)
{
	int rc = 0;
	*out = NULL;
	if (!st->qs)
		st->qs = mc_xcalloc(1, sizeof *st->qs);
	struct mc_qcache *c = st->qs;
	if ((c->used + 1) * 2 > c->n)
		grow(c);
	mc_q **slot = find(c, key, variant);
	mc_q *q = *slot;
	if (!q) {
		q = mc_xcalloc(1, sizeof *q);
		q->st = st;
		q->key = key;
		q->variant = variant;
		q->sql = sql;
		q->row = -1;
		if (!mc_db_is_pg(st)) {
			char *text = for_sqlite(sql);
			rc = mc_sq_prepare_as(sq(st), &q->s, key, variant, text);
			free(text);
			if (rc) {
				free(q);
				return rc;
			}
		}
		*slot = q;
		c->used++;
	}
	/* The caller's text of this call: an assembled one may live in a buffer
	 * of the caller's that is gone by its next call. */
	q->sql = sql;
	*out = q;
	return rc;
}

int mc_db_prepare(mc_store *st, mc_q **out, const char *sql)
{
	return mc_db_prepare_as(st, out, sql, 0, sql);
}

/* ---- binding ----------------------------------------------------------- */

static void check_index(mc_q *q, int i)
{
	if (i < 1 || i > MAX_PARAMS) {
		fprintf(stderr, "could not bind parameter $%d: out of range\n%s\n", i, q->sql);
		abort();
	}
}

void mc_q_int(mc_q *q, int i, int64_t v)
{
	check_index(q, i);
	if (q->s) {
		mc_sq_bind_int(q->s, i, v);
		return;
	}
	mc_pq_set_int(&q->p, i, v);
	q->types[i - 1] = MC_PQ_INT8;
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
	if (q->s) {
		mc_sq_bind_null(q->s, i);
		return;
	}
	mc_pq_set_null(&q->p, i);
	q->types[i - 1] = MC_PQ_INT8;
}

void mc_q_textn(mc_q *q, int i, const char *v, size_t len)
{
	check_index(q, i);
	if (q->s) {
		mc_sq_bind_textn(q->s, i, v, len);
		return;
	}
	/* A cap equal to the text's own length makes the parameter a copy. */
	mc_pq_set_textn(&q->p, i, v, strnlen(v, len));
	q->types[i - 1] = MC_PQ_TEXT;
}

void mc_q_text(mc_q *q, int i, const char *v)
{
	check_index(q, i);
	if (q->s) {
		mc_sq_bind_text(q->s, i, v);
		return;
	}
	/* Copied: the caller's string may be gone before the statement runs. */
	if (v)
		mc_pq_set_textn(&q->p, i, v, strlen(v));
	else
		mc_pq_set_null(&q->p, i);
	q->types[i - 1] = MC_PQ_TEXT;
}

void mc_q_bool(mc_q *q, int i, bool v)
{
	check_index(q, i);
	if (q->s) {
		mc_sq_bind_int(q->s, i, v ? 1 : 0);
		return;
	}
	mc_pq_set_bool(&q->p, i, v);
	q->types[i - 1] = MC_PQ_BOOL;
}

void mc_q_double(mc_q *q, int i, double v)
{
	check_index(q, i);
	if (q->s) {
		if (sqlite3_bind_double(q->s, i, v) != SQLITE_OK)
			abort();
		return;
	}
	char text[40];
	snprintf(text, sizeof text, "%.17g", v);
	mc_pq_set_textn(&q->p, i, text, strlen(text));
	q->types[i - 1] = 701; /* float8 */
}

/* ---- running ----------------------------------------------------------- */

static int run_pg(mc_q *q, bool try_alone, const char *what)
{
	mc_pg *st = pg(q->st);
	int rc;
	PQclear(q->r);
	q->r = NULL;
	if (try_alone) {
		int kind = 0;
		rc = mc_pq_op_begin(st, &kind);
		if (rc == 0)
			rc = mc_pq_run_typed(st, &q->r, q->key, q->variant, q->sql, q->p.n, q->types, &q->p, what);
		rc = mc_pq_op_end(st, kind, rc);
	} else {
		rc = mc_pq_run_typed(st, &q->r, q->key, q->variant, q->sql, q->p.n, q->types, &q->p, what);
	}
	q->ran = true;
	q->row = -1;
	return rc;
}

int mc_q_row(mc_q *q, const char *what)
{
	if (q->s)
		return mc_sq_row(sq(q->st), q->s, what);
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
	if (q->s) {
		int rc;
		do
			rc = mc_sq_row(sq(q->st), q->s, what);
		while (rc == 1);
		return rc;
	}
	return run_pg(q, false, what);
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

int64_t mc_q_changes(mc_q *q)
{
	if (q->s)
		return sqlite3_changes64(sqlite3_db_handle(q->s));
	return q->r ? mc_pq_changes(q->r) : 0;
}

void mc_q_done(mc_q *q)
{
	if (!q)
		return;
	if (q->s) {
		mc_sq_done(q->s);
		return;
	}
	PQclear(q->r);
	q->r = NULL;
	q->ran = false;
	q->row = -1;
	mc_pq_params_clear(&q->p);
	memset(q->types, 0, sizeof q->types);
}

/* ---- columns ----------------------------------------------------------- */

bool mc_q_col_null(mc_q *q, int col)
{
	if (q->s)
		return sqlite3_column_type(q->s, col) == SQLITE_NULL;
	return PQgetisnull(q->r, q->row, col);
}

int64_t mc_q_col_int(mc_q *q, int col)
{
	if (q->s)
		return sqlite3_column_int64(q->s, col);
	return mc_pq_get_i64(q->r, q->row, col);
}

bool mc_q_col_bool(mc_q *q, int col)
{
	if (q->s)
		return sqlite3_column_int64(q->s, col) != 0;
	if (PQgetisnull(q->r, q->row, col))
		return false;
	const char *v = PQgetvalue(q->r, q->row, col);
	/* A boolean column reads "t"; an integer one (a count, a flag kept as a number) "1". */
	return v[0] == 't' || (v[0] >= '1' && v[0] <= '9') || (v[0] == '-' && v[1]);
}

double mc_q_col_double(mc_q *q, int col)
{
	if (q->s)
		return sqlite3_column_double(q->s, col);
	return mc_pq_get_double(q->r, q->row, col);
}

const char *mc_q_col_text(mc_q *q, int col)
{
	const char *v;
	if (q->s)
		v = (const char *)sqlite3_column_text(q->s, col);
	else
		v = PQgetisnull(q->r, q->row, col) ? NULL : PQgetvalue(q->r, q->row, col);
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
	if (n > MAX_COLS) {
		fprintf(stderr, "could not read a row: %zu columns (at most %d)\n", n, MAX_COLS);
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
		case MC_COL_I64: *(int64_t *)at = mc_q_col_int(q, c); break;
		case MC_COL_I32: *(int32_t *)at = (int32_t)mc_q_col_int(q, c); break;
		case MC_COL_INT: *(int *)at = (int)mc_q_col_int(q, c); break;
		case MC_COL_BOOL: *(bool *)at = mc_q_col_bool(q, c); break;
		case MC_COL_DOUBLE: *(double *)at = mc_q_col_double(q, c); break;
		case MC_COL_STR: {
			char **s = at;
			free(*s);
			*s = mc_q_col_dup(q, c);
			break;
		}
		case MC_COL_CHARS:
			if (mc_strlcpy(at, mc_q_col_text(q, c), cols[i].size) != 0) {
				fprintf(stderr, "could not read a row: %s is longer than its field (%zu bytes)\n",
					cols[i].name, cols[i].size - 1);
				rc = MC_ETOOBIG;
			}
			break;
		case MC_COL_CUT: {
			const char *v = mc_q_col_text(q, c);
			size_t len = strlen(v);
			if (len >= cols[i].size) {
				len = cols[i].size - 1;
				/* Back off continuation bytes (10xxxxxx) to the start of a character. */
				while (len > 0 && ((unsigned char)v[len] & 0xc0) == 0x80)
					len--;
			}
			memcpy(at, v, len);
			((char *)at)[len] = '\0';
			break;
		}
		}
	}
	return rc;
}

/* ---- the rest ---------------------------------------------------------- */

int mc_db_sql(mc_store *st, const char *sql, const char *what)
{
	if (mc_db_is_pg(st))
		return mc_pq_exec_sql(pg(st), sql, what);
	return mc_sq_exec_sql(sq(st), sql, what);
}

int mc_db_op_begin(mc_store *st, int *kind)
{
	if (mc_db_is_pg(st))
		return mc_pq_op_begin(pg(st), kind);
	*kind = 0;
	return mc_sq_op_begin(sq(st));
}

int mc_db_op_end(mc_store *st, int kind, int rc)
{
	if (mc_db_is_pg(st))
		return mc_pq_op_end(pg(st), kind, rc);
	return mc_sq_op_end(sq(st), rc);
}

int mc_db_unit_range(mc_store *st, char lo[256], char hi[256], int64_t unit_id)
{
	static const char sql[] = "SELECT path FROM unit WHERE id = $1";
	mc_q *q = NULL;
	const char *path;
	size_t len;
	int rc = mc_db_prepare(st, &q, sql);

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
	if (len == 0 || len >= 256 || path[len - 1] != '/') {
		rc = MC_ERROR;
		fprintf(stderr, "could not read unit path: unit %" PRId64 " has path \"%s\"\n", unit_id,
			path);
		goto cleanup;
	}
	memcpy(lo, path, len + 1);
	memcpy(hi, path, len + 1);
	hi[len - 1] = '0'; /* '0' is the byte after '/' */
cleanup:
	mc_q_done(q);
	return rc;
}

int64_t mc_db_unit_child(const char *lo, const char *path)
{
	size_t n = strlen(lo);

	if (strncmp(path, lo, n) != 0 || path[n] == '\0')
		return 0;
	return strtoll(path + n, NULL, 10);
}

const char *mc_db_files_dir(const mc_store *st)
{
	return mc_db_is_pg(st) ? pg(st)->files_dir : sq(st)->files_dir;
}

mc_seq_marks *mc_db_seq_marks(mc_store *st)
{
	return mc_db_is_pg(st) ? &pg(st)->marks : &sq(st)->marks;
}

int mc_db_lock(mc_store *st, int64_t key, const char *what)
{
	static const char sql[] = "SELECT pg_advisory_xact_lock($1)";
	mc_q *q = NULL;
	int rc = 0;

	if (!mc_db_is_pg(st))
		return 0;
	/* Outside a transaction it would be let go at once. */
	PGTransactionStatusType t = PQtransactionStatus(pg(st)->conn);
	if (!pg(st)->tx_open && t != PQTRANS_INTRANS && t != PQTRANS_INERROR)
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
	if (mc_db_is_pg(st))
		return mc_pq_migration_apply(pg(st), version, path, sql);
	return mc_sq_migration_apply(sq(st), version, path, sql);
}

int mc_db_backup(mc_store *st, const char *dest)
{
	if (mc_db_is_pg(st))
		return mc_pq_backup(pg(st), dest);
	return mc_sq_backup(sq(st), dest);
}

int mc_db_restore(mc_store *st, const char *src)
{
	if (mc_db_is_pg(st))
		return mc_pq_restore(pg(st), src);
	return mc_sq_restore(sq(st), src);
}
