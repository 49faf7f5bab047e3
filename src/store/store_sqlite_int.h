/*
 * store_sqlite_int.h - what the files of the SQLite store share: the
 * connection, its cache of prepared statements, and small helpers for binding,
 * stepping and copying columns. Private to src/store/store_sqlite*.c.
 *
 * Statements are prepared once per connection (SQLITE_PREPARE_PERSISTENT) and
 * kept in a cache keyed by the address of their SQL text (a static string in
 * the file that uses it) and a variant number, so the SQL stays beside the code
 * that runs it. Queries whose WHERE clause depends on which filters are set
 * are assembled from constant fragments only, never from input, and cached
 * under one key with the set of filters as the variant.
 */
#ifndef MC_STORE_SQLITE_INT_H
#define MC_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <string.h>

#include "store/seq_marks.h"
#include "store/store_backend.h"


struct mc_stmt_slot {
	const void *key;
	unsigned variant;
	sqlite3_stmt *stmt;
};

typedef struct mc_sqlite mc_sqlite;

/* A connection of the SQLite backend (store_backend.h). */
struct mc_sqlite {
	struct mc_store base; /* first: names the backend */
	sqlite3 *db;
	char *path;		    /* the database file */
	char *files_dir;	    /* "<path>.files", the attachment folder */
	struct mc_stmt_slot *slots; /* open addressing, power-of-two size */
	size_t n_slots, used_slots;
	mc_seq_marks marks;        /* see seq_marks.h */
	/* What mc_sqlite_data_changed last saw: the WAL index's header words once it
	 * is mapped, data_version and own changes until then. */
	const volatile uint32_t *wal_index;
	uint32_t seen_header[12];
	int64_t seen_version, seen_changes;
	int seen; /* 0 nothing yet, 1 seen_version and seen_changes, 2 seen_header */
};

/* The cached statement for sql (keyed by its address), prepared on first use.
 * Returns 0 or MC_ERROR. The statement is borrowed: finish with mc_sq_done. */
int mc_sq_prepare(mc_sqlite *st, sqlite3_stmt **out, const char *sql);
/* The cached statement under (key, variant), or NULL when not yet prepared. */
sqlite3_stmt *mc_sq_cached(mc_sqlite *st, const void *key, unsigned variant);
/* Prepares sql and caches it under (key, variant). */
int mc_sq_prepare_as(mc_sqlite *st, sqlite3_stmt **out, const void *key, unsigned variant, const char *sql);
/* Resets a cached statement and clears its bindings, ready for the next use.
 * NULL-safe, so that cleanup paths can call it unconditionally. */
void mc_sq_done(sqlite3_stmt *s);

/* Maps an SQLite result to an MC code: busy/locked → MC_EBUSY, unique or
 * primary key → MC_ECONFLICT, foreign key → MC_ENOTFOUND, other constraints →
 * MC_EINVAL, anything else → MC_ERROR, logged as "could not <what>: <why>". */
int mc_sq_error(mc_sqlite *st, int rc, const char *what);
/* Steps s expecting no row: 0 or a mapped error. */
int mc_sq_exec(mc_sqlite *st, sqlite3_stmt *s, const char *what);
/* Steps s: 1 for a row, 0 when done, or a mapped error. */
int mc_sq_row(mc_sqlite *st, sqlite3_stmt *s, const char *what);
/* Runs a one-off statement from constant SQL text (transactions, pragmas). */
int mc_sq_exec_sql(mc_sqlite *st, const char *sql, const char *what);

/* Binding. A failed bind means out of memory or a wrong index, which the
 * project treats like a failed allocation: it aborts. */
void mc_sq_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Binds a fixed char array, reading at most cap bytes of it. */
void mc_sq_bind_textn(sqlite3_stmt *s, int i, const char *v, size_t cap);
#define MC_SQ_BIND_FIELD(s, i, field) mc_sq_bind_textn((s), (i), (field), sizeof(field))
void mc_sq_bind_int(sqlite3_stmt *s, int i, int64_t v);
/* Binds NULL for 0, for optional references (parent, handler, owner). */
void mc_sq_bind_ref(sqlite3_stmt *s, int i, int64_t v);
void mc_sq_bind_null(sqlite3_stmt *s, int i);

/* Copies column col into dst of size cap; NULL reads as "". A value longer
 * than the field is a bug elsewhere; it is cut at a UTF-8 character boundary
 * rather than overflow. */
void mc_sq_col_text(char *dst, size_t cap, sqlite3_stmt *s, int col);
#define MC_SQ_COL_FIELD(field, s, col) mc_sq_col_text((field), sizeof(field), (s), (col))

/* Bounded copy that truncates at a character boundary instead of failing. */
void mc_sq_copy(char *dst, size_t cap, const char *src);

/* Folds text for search (NFC, lower case, Vietnamese diacritics off). Caller
 * frees *out. Returns 0 or a negative code. */
int mc_sq_fold(char **out, const char *s, size_t len);

/* An internal savepoint around an operation of several statements, so that it
 * is all-or-nothing whether or not the caller opened a transaction. */
int mc_sq_op_begin(mc_sqlite *st);
int mc_sq_op_end(mc_sqlite *st, int rc);

/* The subtree of a unit as a range of paths [lo, hi): lo is the unit's path
 * "/1/5/", hi the same with its last '/' replaced by '0' (the next byte), so
 * that "path >= lo AND path < hi" uses the index on path. MC_ENOTFOUND when
 * the unit does not exist. */
int mc_sq_unit_range(mc_sqlite *st, char lo[256], char hi[256], int64_t unit_id);
/* In a statement over "unit u" whose ?1 is such a lo: the direct child of
 * that unit which holds u, as its id; 0 for the unit itself. */
#define MC_SQ_CHILD_KEY                                                                                      \
	"(CASE WHEN length(u.path) = length(?1) THEN 0 ELSE CAST(substr(u.path, length(?1) + 1, "            \
	"instr(substr(u.path, length(?1) + 1), '/') - 1) AS INTEGER) END)"

/* What db.c asks of the engine (db.h). */
int mc_sq_migration_apply(mc_sqlite *st, int version, const char *path, const char *sql);
int mc_sq_backup(mc_sqlite *st, const char *dest); /* store_sqlite_backup.c */
int mc_sq_restore(mc_sqlite *st, const char *src);

/* The backend's entry points, called by store.c (store_backend.h). */
int mc_sqlite_open(mc_sqlite **out, const char *url);
void mc_sqlite_close(mc_sqlite *st);
const char *mc_sqlite_path(const mc_sqlite *st);
#define MC_SQLITE_DECLARE0(name) MC_STORE_DECLARE0_(mc_sqlite, mc_sqlite, name)
#define MC_SQLITE_DECLARE(name, params, args) MC_STORE_DECLARE_(mc_sqlite, mc_sqlite, name, params)
MC_STORE_OPS0(MC_SQLITE_DECLARE0)
MC_STORE_OPS(MC_SQLITE_DECLARE)
#undef MC_SQLITE_DECLARE0
#undef MC_SQLITE_DECLARE

#endif
