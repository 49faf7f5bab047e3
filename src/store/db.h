/*
 * db.h - the thin driver under the store: one way to run SQL on either
 * engine, so that each store operation is written once (store_<resource>.c).
 * Private to src/store.
 *
 * SQL is written once, with $1, $2 … placeholders and no engine-specific
 * casts: SQLite gets it with ?1, ?2 … (the same numbers) when it is prepared;
 * PostgreSQL gets the types of the parameters from the values bound the first
 * time the statement runs on a connection (bigint for integers, text, boolean,
 * double precision). Where the two dialects truly differ, a store file holds
 * one text per engine and picks with mc_db_is_pg.
 *
 * A statement is prepared once per connection, cached under the address of
 * its SQL text (and a variant number, for SQL put together from constant
 * fragments), and run with mc_q_row or mc_q_exec. Only one run of a given
 * statement may be under way at a time on a connection; mc_q_done ends it
 * (NULL-safe, for cleanup paths). Rows are read by column name with a table
 * of columns (mc_col), the shape of Taler's result specs, or one column at a
 * time by position.
 *
 *   static const char sql[] = "SELECT id, name FROM unit WHERE code = $1";
 *   mc_q *q = NULL;
 *   int rc = mc_db_prepare(st, &q, sql);
 *   if (rc == 0) {
 *           mc_q_text(q, 1, code);
 *           rc = mc_q_row(q, "read unit");
 *           if (rc == 1)
 *                   rc = mc_q_read(q, unit_cols, MC_ARRAY_LEN(unit_cols), out);
 *           else if (rc == 0)
 *                   rc = MC_ENOTFOUND;
 *   }
 *   mc_q_done(q);
 */
#ifndef MC_STORE_DB_H
#define MC_STORE_DB_H

#include "core/buf.h"
#include "store/seq_marks.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mc_q mc_q;

/* Whether the connection is PostgreSQL (else SQLite). */
bool mc_db_is_pg(const mc_store *st);

/* The cached statement for sql, prepared on first use. Returns 0 or MC_ERROR
 * (the SQL is ours: a bug, or a schema older than the code), or MC_EBUSY. */
int mc_db_prepare(mc_store *st, mc_q **out, const char *sql);
/* The same for SQL put together from constant fragments (never from input),
 * cached under (key, variant). sql is read when the statement is prepared,
 * which on PostgreSQL may be at its run (again after a reconnection): it must
 * stay valid until mc_q_done, and may be a buffer the caller fills anew on
 * every call. */
int mc_db_prepare_as(mc_store *st, mc_q **out, const void *key, unsigned variant, const char *sql);

/* PostgreSQL plans q for the values bound at every run (an unnamed
 * statement) instead of preparing it once, whose plan would be chosen for
 * any value after five runs: for a statement whose best plan depends on the
 * values (the registers' word search, whose words may be in a dozen
 * documents or in 160,000). Set after mc_db_prepare, before the run. SQLite:
 * nothing. */
void mc_q_plan_each_run(mc_q *q);

/* Binding: i counts from 1, as $i. Text is copied. */
void mc_q_int(mc_q *q, int i, int64_t v);
/* NULL for 0, for optional references (a parent, a handler, an owner). */
void mc_q_ref(mc_q *q, int i, int64_t v);
/* NULL for a NULL pointer. */
void mc_q_text(mc_q *q, int i, const char *v);
/* At most len bytes of v. */
void mc_q_textn(mc_q *q, int i, const char *v, size_t len);
void mc_q_bool(mc_q *q, int i, bool v);
void mc_q_double(mc_q *q, int i, double v);
/* An integer NULL. */
void mc_q_null(mc_q *q, int i);

/* Runs the statement (on the first call) and moves to the next row: 1 for a
 * row, 0 when there is none left, or an MC_E… code: busy or lost connection
 * → MC_EBUSY, unique or primary key → MC_ECONFLICT, foreign key →
 * MC_ENOTFOUND, other constraints → MC_EINVAL, an append-only trigger →
 * MC_EFORBIDDEN, anything else MC_ERROR (logged as "could not <what>: …"). */
int mc_q_row(mc_q *q, const char *what);
/* Runs the statement to its end: 0 or a code as mc_q_row. */
int mc_q_exec(mc_q *q, const char *what);
/* As mc_q_exec, for a write whose failure is an expected answer (a
 * duplicate, an unknown reference): inside a transaction on PostgreSQL it
 * runs in a savepoint of its own, so that the transaction stays usable. */
int mc_q_try(mc_q *q, const char *what);
/* As mc_q_row for the first row, for a write with RETURNING whose failure is
 * an expected answer (as mc_q_try). */
int mc_q_try_row(mc_q *q, const char *what);
/* As mc_q_exec, for a write whose rows and count nobody reads and whose
 * failure is the whole transaction's: during a group commit's first run on
 * PostgreSQL (mc_store_undo_all) it is sent in pipeline mode without waiting
 * for its answer, which comes with the next statement that waits (or the
 * commit); a failure then fails that statement and the run is done again
 * job by job, where every write waits for its answer. Elsewhere it is
 * mc_q_exec. */
int mc_q_exec_later(mc_q *q, const char *what);
/* Whether mc_q_exec_later sends without waiting on this connection now. */
bool mc_db_defers(const mc_store *st);
/* Rows changed by the statement just run (an INSERT, UPDATE or DELETE). */
int64_t mc_q_changes(mc_q *q);
/* Ends the run: the statement is ready for its next use. NULL-safe. */
void mc_q_done(mc_q *q);

/* Columns of the current row, by position from 0. NULL reads as 0, false, ""
 * (mc_q_col_text: borrowed until the next row or mc_q_done). */
bool mc_q_col_null(mc_q *q, int col);
int64_t mc_q_col_int(mc_q *q, int col);
bool mc_q_col_bool(mc_q *q, int col);
double mc_q_col_double(mc_q *q, int col);
const char *mc_q_col_text(mc_q *q, int col);
/* An owned copy of a text column ("" for NULL); caller frees. */
char *mc_q_col_dup(mc_q *q, int col);

/* ---- a statement run whole, its values given at once ---------------- */

/* A value bound by mc_db_run and mc_db_change, each made by its macro from
 * a value of its own type (the compiler checks it): MC_I an integer, MC_REF
 * an integer bound as NULL when 0 (mc_q_ref), MC_T a text (NULL as NULL),
 * MC_B a truth value, MC_D a number, MC_NULL() an integer NULL. */
typedef struct {
	enum { MC_ARG_INT, MC_ARG_REF, MC_ARG_TEXT, MC_ARG_BOOL, MC_ARG_DOUBLE, MC_ARG_NULL } type;
	int64_t i;
	bool b;
	double d;
	const char *s;
} mc_arg;

/* clang-format off */
#define MC_I(v) ((mc_arg){.type = MC_ARG_INT, .i = (v)})
#define MC_REF(v) ((mc_arg){.type = MC_ARG_REF, .i = (v)})
#define MC_T(v) ((mc_arg){.type = MC_ARG_TEXT, .s = (v)})
#define MC_B(v) ((mc_arg){.type = MC_ARG_BOOL, .b = (v)})
#define MC_D(v) ((mc_arg){.type = MC_ARG_DOUBLE, .d = (v)})
#define MC_NULL() ((mc_arg){.type = MC_ARG_NULL})
/* The values of $1, $2 … in order, as the last two arguments. */
#define MC_ARGS(...) (const mc_arg[]){__VA_ARGS__}, MC_ARRAY_LEN(((const mc_arg[]){__VA_ARGS__}))
/* clang-format on */

/* Prepares sql, binds the n values of a as $1 … $n and runs it to its end
 * (mc_q_exec): 0 or a code as mc_q_exec. For a write nobody reads back. */
int mc_db_run(mc_store *st, const char *sql, const char *what, const mc_arg *a, size_t n);

/* As mc_db_run with mc_q_try: for a write whose failure is an expected
 * answer (a duplicate), which leaves the caller's transaction usable. */
int mc_db_try(mc_store *st, const char *sql, const char *what, const mc_arg *a, size_t n);

/* The one integer the query sql answers with the values a (a count, a
 * sum) in *out, 0 when it answers no row: 0 or a code as mc_q_row. */
int mc_db_int(mc_store *st, const char *sql, const char *what, int64_t *out, const mc_arg *a, size_t n);

/* How many rows mc_db_change expects the write to change. */
typedef enum {
	MC_ONE,	 /* exactly one */
	MC_SOME, /* at least one */
} mc_changes;
/* As mc_db_run, then none_rc when the write changed other than expected
 * (no such row, or not at the version given). */
int mc_db_change(mc_store *st, const char *sql, const char *what, mc_changes expect, int none_rc,
		 const mc_arg *a, size_t n);

/* ---- rows read by column name ----------------------------------------- */

typedef enum {
	MC_COL_I64,    /* int64_t */
	MC_COL_I32,    /* int32_t */
	MC_COL_INT,    /* int */
	MC_COL_BOOL,   /* bool */
	MC_COL_DOUBLE, /* double */
	MC_COL_STR,    /* char *, owned: a copy ("" for NULL) the caller frees */
	MC_COL_CHARS,  /* char[size]: a value longer than the array fails with MC_ETOOBIG */
	MC_COL_CUT,    /* char[size]: a longer value is cut at a character's start, for
			* a log read as it is to be checked (store_audit.c) */
} mc_col_type;

typedef struct {
	const char *name; /* the result column's name (its alias in the SELECT) */
	mc_col_type type;
	size_t offset; /* into the struct read */
	size_t size;   /* MC_COL_CHARS, MC_COL_CUT: the array's size */
} mc_col;

/* clang-format off */
#define MC_COL(type_, st_, field_, name_) {(name_), (type_), offsetof(st_, field_), 0}
#define MC_COL_ARRAY(st_, field_, name_) {(name_), MC_COL_CHARS, offsetof(st_, field_), sizeof(((st_ *)0)->field_)}
#define MC_COL_ARRAY_CUT(st_, field_, name_) {(name_), MC_COL_CUT, offsetof(st_, field_), sizeof(((st_ *)0)->field_)}
/* A table of columns and its length, as the two arguments that take it. */
#define MC_COLS(t) (t), MC_ARRAY_LEN(t)
/* clang-format on */

/* Reads the current row into row (a struct) by the table cols: each column is
 * found by name in the result (once per statement and table). MC_ERROR when
 * a name is not a column of the result (a bug beside the call). On failure
 * the strings already copied stay in row for its clear function to free. */
int mc_q_read(mc_q *q, const mc_col *cols, size_t n, void *row);
/* Frees the owned strings of row (its MC_COL_STR columns in cols) and zeroes
 * its size bytes: the clear function of a struct whose every owned string is
 * a column of its table. NULL-safe. */
void mc_row_clear(const mc_col *cols, size_t n, void *row, size_t size);
/* mc_row_clear on each of count rows of size bytes, then the array. */
void mc_rows_free(const mc_col *cols, size_t n, void *list, size_t count, size_t size);
/* Runs q (bound; a query of at most one row) and reads its row into row by
 * cols: 0, MC_ENOTFOUND when there is none, or a code as mc_q_row and
 * mc_q_read (the caller clears row on failure). */
int mc_q_read_one(mc_q *q, const char *what, const mc_col *cols, size_t n, void *row);
/* Prepares sql (a query of at most one row with the id as $1), binds id and
 * reads the row into row by cols, as mc_q_read_one: "one row by its id". */
int mc_db_read_by_id(mc_store *st, const char *sql, int64_t id, const char *what, const mc_col *cols,
		     size_t n, void *row);
/* The same with a text as $1 (a code, a username). */
int mc_db_read_by_text(mc_store *st, const char *sql, const char *key, const char *what, const mc_col *cols,
		       size_t n, void *row);
/* Prepares sql (a query of at most one row), binds the n values of a as
 * $1 … $n and reads the row into row by cols, as mc_q_read_one. */
int mc_db_read(mc_store *st, const char *sql, const char *what, const mc_col *cols, size_t n_cols, void *row,
	       const mc_arg *a, size_t n);
/* Prepares sql, binds the n values of a and reads its rows as
 * mc_q_read_list into *out (T **) and *count. */
int mc_db_list(mc_store *st, const char *sql, const char *what, const mc_col *cols, size_t n_cols,
	       size_t size, void *out, size_t *count, const mc_arg *a, size_t n);
/* A page of a log read newest first: sql orders its rows by id DESC, takes
 * the log's owner as $1, the page's upper bound as $2 (0: the newest) and
 * its LIMIT as $3, which is bound to limit + 1. Reads the rows as
 * mc_db_list, then keeps `limit` of them, oldest first, in *out and
 * *count, and sets *more when the extra row showed that older ones are
 * left. MC_EINVAL, with nothing read, for a limit below 1 or a negative
 * bound. */
int mc_db_list_page(mc_store *st, const char *sql, const char *what, const mc_col *cols, size_t n_cols,
		    size_t size, void *out, size_t *count, bool *more, int64_t key, int64_t before,
		    int limit);
/* mc_db_list_page for a log owned by two keys: sql takes them as $1 and $2,
 * the bound as $3 and its LIMIT (limit + 1) as $4. */
int mc_db_list_page2(mc_store *st, const char *sql, const char *what, const mc_col *cols, size_t n_cols,
		     size_t size, void *out, size_t *count, bool *more, int64_t key1, int64_t key2,
		     int64_t before, int limit);
/* Prepares sql (a write with RETURNING of one integer), binds the n values
 * of a, runs it (mc_q_row: its failure is the transaction's, no savepoint
 * of its own) and puts the integer in *id: 0, MC_ERROR when no row came
 * back, or the code of the failure. mc_q_insert_id is the one whose failure
 * is an expected answer. */
int mc_db_insert(mc_store *st, const char *sql, const char *what, int64_t *id, const mc_arg *a, size_t n);
/* Runs a write with RETURNING of one integer (the new row's id, a number
 * taken) as mc_q_try_row and puts it in *id: 0, MC_ERROR when no row came
 * back, or the code of the failure. */
int mc_q_insert_id(mc_q *q, const char *what, int64_t *id);
/* Reads the rows left in q (bound; run by the first row) into a new array of
 * structs of size bytes, each zeroed then read by cols: out is the address of
 * the caller's pointer to them (T **), NULL when there is no row; the caller
 * frees the array. On failure *out is NULL and *n 0. */
int mc_q_read_list(mc_q *q, const char *what, const mc_col *cols, size_t n_cols, size_t size, void *out,
		   size_t *n);
/* Prepares sql (a query with one integer as $1: an id, a bound), binds key
 * and reads its rows as mc_q_read_list: "the rows of one key". */
int mc_db_read_list_by(mc_store *st, const char *sql, int64_t key, const char *what, const mc_col *cols,
		       size_t n_cols, size_t size, void *out, size_t *n);

/* ---- the rest of the connection --------------------------------------- */

/* Runs constant SQL without parameters (transaction control, pragmas). */
int mc_db_sql(mc_store *st, const char *sql, const char *what);
/* An operation of several statements, all or nothing: its own transaction
 * when none is open, else a savepoint. *kind remembers which for op_end. */
int mc_db_op_begin(mc_store *st, int *kind);
int mc_db_op_end(mc_store *st, int kind, int rc);

/* The path of a unit ("/1/5/23/", at most 255 bytes, ending in '/'; ""
 * between its insert and its path's). MC_ENOTFOUND when the unit does not
 * exist. */
int mc_db_unit_path(mc_store *st, int64_t unit_id, char out[256]);
/* The same, kept by the connection: a unit's path never changes once it is
 * stored (docs/units.md), so the connection asks again only for a unit it
 * has not seen, or after a transaction or savepoint was undone (the unit may
 * have been made in it, and SQLite may give its id to the next). A filing's
 * roll-up (store_rollup.c) then reads nothing to know the units above its
 * own: on PostgreSQL that read was the one wait of a filing in a batch. */
int mc_db_unit_path_kept(mc_store *st, int64_t unit_id, char out[256]);
/* Forgets the paths kept: what was read may have been undone. */
void mc_db_unit_paths_forget(mc_store *st);
/* The subtree of a unit as a range of paths [lo, hi): lo is the unit's path
 * "/1/5/", hi the same with its last '/' replaced by '0' (the next byte), so
 * that "path >= lo AND path < hi" uses the index on path. MC_ENOTFOUND when
 * the unit does not exist. */
int mc_db_unit_range(mc_store *st, char lo[256], char hi[256], int64_t unit_id);
/* mc_db_prepare for a query on the subtree of a unit: its path range
 * (mc_db_unit_range) bound as $1 and $2, the caller binds the rest from $3.
 * MC_ENOTFOUND when the unit does not exist. */
int mc_db_prepare_in_unit(mc_store *st, mc_q **out, const char *sql, int64_t unit_id);
/* The direct child of the unit whose range starts at lo that the unit at
 * path lies under (its id, the number after lo), 0 when path is lo itself:
 * the key of figures grouped by child unit. */
int64_t mc_db_unit_child(const char *lo, const char *path);
/* The unit a path ends with ("/1/5/23/": 23). */
int64_t mc_db_unit_last(const char *path);

/* The attachment folder of the connection (borrowed). */
const char *mc_db_files_dir(const mc_store *st);

/* The sequence numbers the connection has handed out (seq_marks.h; borrowed). */
mc_seq_marks *mc_db_seq_marks(mc_store *st);

/* Holds the lock `key` until the current transaction ends, so that a writer
 * on another connection that takes it waits for this one's commit
 * (PostgreSQL: servers sharing the database, pg_advisory_xact_lock). Nothing
 * on SQLite, whose writer holds the whole database, nor outside a
 * transaction. */
int mc_db_lock(mc_store *st, int64_t key, const char *what);
/* mc_db_lock of the account user_id's counted writes: its uploads, and what
 * the hourly limits count of it (steps on documents and tasks, work files,
 * signature preparations, the reform index's log lines). Taken before the
 * count, so that on PostgreSQL a second server counts after the first's
 * write commits and no two both pass the limit. Nothing for user_id 0. */
int mc_db_lock_account(mc_store *st, int64_t user_id, const char *what);
/* Whether the lock key was already taken in the current transaction, as
 * noted by an earlier call; notes it if not (the caller then takes it). A
 * group commit's batch takes a unit's lock once, not once per request. */
bool mc_db_lock_held(mc_store *st, int64_t key);
/* The roll-up's cells waiting for the commit (store_rollup.c owns them). */
struct mc_rollup_pending *mc_db_rollup_pending(mc_store *st);
void mc_db_set_rollup_pending(mc_store *st, struct mc_rollup_pending *p);
/* Forgets the locks noted: the transaction ended or was rolled back to a
 * savepoint (which may have let them go). */
void mc_db_locks_forget(mc_store *st);

/* ---- what each engine does its own way (db_sqlite.c, db_pg.c) --------- */

/* Runs the migration script sql (the file path) and records version as the
 * schema's, inside the caller's transaction (store_migrate.c). */
int mc_db_migration_apply(mc_store *st, int version, const char *path, const char *sql);
/* A consistent copy of the live database alone into the new file dest, and
 * the database replaced by such a copy (store_backup.c adds the files). */
int mc_db_backup(mc_store *st, const char *dest);
int mc_db_restore(mc_store *st, const char *src);

#endif
