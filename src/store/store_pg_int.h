/*
 * store_pg_int.h - what the files of the PostgreSQL store share: the
 * connection, its named prepared statements, and small helpers for
 * parameters, results and errors. Private to src/store/store_pg*.c.
 *
 * The store is selected by a URL "postgresql://user@host:port/dbname?…" (or
 * "postgres://…"), handed to libpq as it is except for one parameter of our
 * own, files=/path, the folder that holds the attachments (default
 * ./var/files; every server on one database must see the same folder).
 *
 * Statements are prepared once per connection (PQprepare, named "mc<N>") on
 * first use and kept in a cache keyed by the address of their SQL text and a
 * variant number, as the SQLite store does. Parameters are always bound
 * ($1, $2 …, sent as text); SQL text is never built from input. Timestamps are
 * bigint seconds, as in SQLite, so callers see the same values.
 *
 * PostgreSQL aborts a whole transaction on any failed statement, where SQLite
 * fails only the statement. So that an expected failure (a duplicate, an
 * unknown reference) inside a caller's transaction leaves it usable, as the
 * contract requires, every write inside a transaction runs in a savepoint of
 * its own (mc_pq_write, mc_pq_op_begin).
 */
#ifndef MC_STORE_PG_INT_H
#define MC_STORE_PG_INT_H

#include <libpq-fe.h>
#include <string.h>

#include "store/seq_marks.h"
#include "store/store_backend.h"

typedef struct mc_pg mc_pg;


struct mc_pg_stmt {
	const void *key;
	unsigned variant;
	unsigned id; /* prepared as "mc<id>" on this connection; 0 = not yet */
};

/* A connection of the PostgreSQL backend (store_backend.h). */
struct mc_pg {
	struct mc_store base; /* first: names the backend */
	PGconn *conn;
	char *url;		  /* as given but for a password, for mc_store_path */
	char *conninfo;		  /* the URL without our files= parameter */
	char *files_dir;	  /* the attachment folder */
	struct mc_pg_stmt *slots; /* open addressing, power-of-two size */
	size_t n_slots, used_slots;
	unsigned next_id;
	bool tx_open; /* between mc_store_begin (or an operation's own BEGIN) and its end */
	int down;     /* 0; 1 once a lost connection is logged, 2 once a failed reconnection too */
	mc_seq_marks marks;        /* see seq_marks.h */
	mc_store_limits limits;    /* set again on every new session (mc_store_set_limits) */
	bool limits_set;           /* else the server's and role's own settings stay */
};

/* ---- parameters -------------------------------------------------------- */

#define MC_PQ_MAX_PARAMS 32

/* The parameters of one statement, $1 .. $n, as text (NULL for SQL NULL). */
struct mc_pq_params {
	int n;
	const char *values[MC_PQ_MAX_PARAMS];
	char nums[MC_PQ_MAX_PARAMS][24];
	char *owned[MC_PQ_MAX_PARAMS];
};

/* i counts from 1, as $i in the SQL. Text is borrowed until the statement has run. */
void mc_pq_set_text(struct mc_pq_params *p, int i, const char *v);
/* A fixed char array, read up to cap bytes (copied when it has no NUL). */
void mc_pq_set_textn(struct mc_pq_params *p, int i, const char *v, size_t cap);
#define MC_PQ_SET_FIELD(p, i, field) mc_pq_set_textn((p), (i), (field), sizeof(field))
void mc_pq_set_int(struct mc_pq_params *p, int i, int64_t v);
/* NULL for 0, for optional references (parent, handler, owner). */
void mc_pq_set_ref(struct mc_pq_params *p, int i, int64_t v);
void mc_pq_set_bool(struct mc_pq_params *p, int i, bool v);
void mc_pq_set_null(struct mc_pq_params *p, int i);
/* Frees the copies; the struct may then be filled again. */
void mc_pq_params_clear(struct mc_pq_params *p);

/* ---- running statements ------------------------------------------------ */

/* Maps a failed result to an MC code: unique_violation → MC_ECONFLICT,
 * foreign_key_violation → MC_ENOTFOUND, check and not-null violations →
 * MC_EINVAL (as SQLite's other constraints), serialization failure, deadlock,
 * lock timeout and a lost connection → MC_EBUSY, the append-only triggers →
 * MC_EFORBIDDEN, anything else → MC_ERROR, logged as "could not <what>: <why>". */
int mc_pq_error(mc_pg *st, const PGresult *r, const char *what);

/* Runs the statement sql (prepared on first use under its address) with p
 * (NULL for none). On success *out is the result (caller PQclears; NULL when
 * out is NULL) and the return is 0; else a mapped error and *out NULL. */
int mc_pq_run(mc_pg *st, PGresult **out, const char *sql, const struct mc_pq_params *p, const char *what);
/* The same for SQL put together from constant fragments, cached under (key, variant). */
int mc_pq_run_as(mc_pg *st, PGresult **out, const void *key, unsigned variant, const char *sql,
		 const struct mc_pq_params *p, const char *what);
/* The same with the types of the parameters given (OIDs: 20 bigint, 23
 * integer, 25 text, 16 boolean), for statements that leave some of their
 * parameters unused: PostgreSQL cannot infer the type of those. */
#define MC_PQ_INT8 20
#define MC_PQ_INT4 23
#define MC_PQ_TEXT 25
#define MC_PQ_BOOL 16
int mc_pq_run_typed(mc_pg *st, PGresult **out, const void *key, unsigned variant, const char *sql,
		    int n_types, const Oid *types, const struct mc_pq_params *p, const char *what);
/* A write of one statement: inside a transaction it runs in a savepoint of its
 * own, so that its failure leaves the transaction usable. */
int mc_pq_write(mc_pg *st, PGresult **out, const char *sql, const struct mc_pq_params *p, const char *what);
/* Runs constant SQL without parameters through the simple protocol
 * (transaction control, migrations). */
int mc_pq_exec_sql(mc_pg *st, const char *sql, const char *what);

/* Makes the connection again (PQreset) and sets it up as mc_pg_open does;
 * prepared statements and sequence marks are forgotten. MC_EBUSY while the
 * server cannot be reached. The store reconnects by itself before a call that
 * finds the connection lost outside a transaction (store_pg.c). */
int mc_pq_reconnect(mc_pg *st);

/* Rows changed by a command result. */
int64_t mc_pq_changes(const PGresult *r);

/* An operation of several statements, all or nothing: its own transaction
 * when none is open, else a savepoint. *kind remembers which for op_end. */
int mc_pq_op_begin(mc_pg *st, int *kind);
int mc_pq_op_end(mc_pg *st, int kind, int rc);

/* ---- reading results --------------------------------------------------- */

int64_t mc_pq_get_i64(const PGresult *r, int row, int col); /* NULL reads as 0 */
bool mc_pq_get_bool(const PGresult *r, int row, int col);
double mc_pq_get_double(const PGresult *r, int row, int col);
/* Copies a text column into dst of size cap; NULL reads as "". A longer value
 * is cut at a UTF-8 character boundary rather than overflow. */
void mc_pq_get_text(char *dst, size_t cap, const PGresult *r, int row, int col);
#define MC_PQ_GET_FIELD(field, r, row, col) mc_pq_get_text((field), sizeof(field), (r), (row), (col))

/* The subtree of a unit as a range of paths [lo, hi) (see mc_sq_unit_range).
 * MC_ENOTFOUND when the unit does not exist. */
int mc_pq_unit_range(mc_pg *st, char lo[256], char hi[256], int64_t unit_id);
/* In a statement over "unit u" whose $1 is such a lo: the direct child of
 * that unit which holds u, as its id; 0 for the unit itself. */
#define MC_PQ_CHILD_KEY                                                                                      \
	"(CASE WHEN length(u.path) = length($1::text) THEN 0 ELSE CAST(substr(u.path, length($1::text) + 1, " \
	"strpos(substr(u.path, length($1::text) + 1), '/') - 1) AS bigint) END)"

/* ---- what db.c asks of the engine -------------------------------------- */

int mc_pq_migration_apply(mc_pg *st, int version, const char *path, const char *sql);
int mc_pq_backup(mc_pg *st, const char *dest); /* store_pg_backup.c */
int mc_pq_restore(mc_pg *st, const char *src);

/* ---- entry points ------------------------------------------------------ */

/* The backend's entry points, called by store.c (store_backend.h). */
int mc_pg_open(mc_pg **out, const char *url);
void mc_pg_close(mc_pg *st);
const char *mc_pg_path(const mc_pg *st);
/* The time limits, checked by store.c. */
int mc_pg_set_limits(mc_pg *st, const mc_store_limits *limits);
int mc_pg_lock_wait(mc_pg *st, int ms);
#define MC_PG_DECLARE0(name) MC_STORE_DECLARE0_(mc_pg, mc_pg, name)
#define MC_PG_DECLARE(name, params, args) MC_STORE_DECLARE_(mc_pg, mc_pg, name, params)
MC_STORE_OPS0(MC_PG_DECLARE0)
MC_STORE_OPS(MC_PG_DECLARE)
#undef MC_PG_DECLARE0
#undef MC_PG_DECLARE

#endif
