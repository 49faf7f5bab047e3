/*
 * db_int.h - the connection and the statement of the driver (db.h) as the
 * engines see them. Private to db.c, store.c and the two engines' files:
 * db_sqlite.c and db_pg.c hold what each engine does its own way (opening
 * and configuring a connection, preparing and running a statement, mapping
 * its errors, transactions, the schema's number and running a migration's
 * script, the health checks, backup; a lost connection made again on
 * PostgreSQL, the change detector behind the lookup cache on SQLite).
 * Everything else is written once: statements, their parameters and columns
 * in db.c, the connection's public functions in store.c.
 */
#ifndef MC_STORE_DB_INT_H
#define MC_STORE_DB_INT_H

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/db.h"

#define MC_DB_MAX_PARAMS 48 /* the document insert binds 34 (store_document.c) */
#define MC_DB_MAX_COLS 64
#define MC_DB_MAX_LATER 256
#define MC_DB_UNIT_PATHS 512

/* A connection of either engine: one struct with a part for each. */
struct mc_store {
	bool pg;	    /* PostgreSQL, else SQLite */
	char *files_dir;    /* the attachment folder */
	mc_seq_marks marks; /* see seq_marks.h */
	/* The prepared statements (db.c), keyed by the address of their SQL and
	 * a variant: open addressing, a power-of-two size, at most half full. */
	mc_q **qs;
	size_t n_qs, used_qs;
	/* mc_store_undo_all: the caller undoes the whole transaction on any
	 * failure, so operations open no savepoint of their own; a failed
	 * operation or statement sets undo_needed. */
	bool undo_all, undo_needed;
	/* Keys of the transaction-level locks taken in the current transaction
	 * (mc_db_lock_held); forgotten at its end and at any ROLLBACK TO. */
	int64_t held[16];
	int n_held;
	/* PostgreSQL: writes sent in pipeline mode whose answers are not read
	 * yet (mc_q_exec_later), by what they do, for the log. */
	const char *later[MC_DB_MAX_LATER];
	int n_later;
	/* The roll-up's cells summed under undo_all on PostgreSQL (store_rollup.c). */
	struct mc_rollup_pending *rollup_pending;
	/* The units' paths read on this connection (mc_db_unit_path_kept), by id
	 * modulo the size; path NULL when the slot is empty. */
	struct {
		int64_t id;
		char *path;
	} unit_paths[MC_DB_UNIT_PATHS];

	/* SQLite */
	sqlite3 *db;
	char *path; /* the database file */
	/* What mc_sqlite_data_changed last saw: the WAL index's header words once
	 * it is mapped, data_version and own changes until then. */
	const volatile uint32_t *wal_index;
	uint32_t seen_header[12];
	int64_t seen_version, seen_changes;
	int seen; /* 0 nothing yet, 1 seen_version and seen_changes, 2 seen_header */

	/* PostgreSQL */
	PGconn *conn;
	char *url;		/* as given but for a password, for mc_store_path */
	char *conninfo;		/* the URL without our files= parameter */
	unsigned session;	/* counts the sessions: a new one has no prepared statement */
	unsigned next_id;	/* the last statement prepared, as "mc<id>" */
	bool tx_open;		/* between mc_store_begin (or an operation's own) and its end */
	int down;		/* 0; 1 once a lost connection is logged, 2 once a failed reconnection too */
	bool read_only;		/* a write found the server read-only: connect again before the next use */
	mc_store_limits limits; /* set again on every new session (mc_store_set_limits) */
	bool limits_set;	/* else the server's and role's own settings stay */
};

/* A statement of a connection, cached by db.c. */
struct mc_q {
	mc_store *st;
	const void *key;
	unsigned variant;
	const char *sql; /* as written ($n) */
	/* SQLite: prepared once, bound and stepped in place */
	sqlite3_stmt *s;
	/* PostgreSQL: the parameters as text (NULL for SQL NULL) and their types
	 * until the run, which prepares the statement on its first in a session,
	 * then its result */
	int n_params;
	char *values[MC_DB_MAX_PARAMS];
	Oid types[MC_DB_MAX_PARAMS];
	unsigned id, session; /* prepared as "mc<id>" in that session, 0 not yet */
	bool each_run;	      /* planned at every run, never prepared (mc_q_plan_each_run) */
	PGresult *r;
	int row; /* the current row, -1 before the first */
	bool ran;
	/* the last table of columns read, resolved to positions */
	const mc_col *cols;
	int pos[MC_DB_MAX_COLS];
};

/* Frees the statements of a connection, before the engine closes it. */
void mc_db_cache_free(mc_store *st);

/* ---- SQLite (db_sqlite.c) ------------------------------------------------ */

/* A new connection to the file at path. */
int mc_sqlite_open(mc_store **out, const char *path);
/* Closes the connection (its statements freed before). */
void mc_sqlite_close(mc_store *st);
/* Prepares q->sql into q->s: 0 or MC_ERROR. */
int mc_sqlite_prepare(mc_q *q);
/* Steps q->s: 1 for a row, 0 when done, or a code as mc_q_row's. */
int mc_sqlite_step(mc_q *q, const char *what);
int mc_sqlite_begin(mc_store *st);
int mc_sqlite_commit(mc_store *st);
int mc_sqlite_rollback(mc_store *st);
int mc_sqlite_schema_version(mc_store *st, int *out);
int mc_sqlite_migration_apply(mc_store *st, int version, const char *path, const char *sql);
int mc_sqlite_data_changed(mc_store *st, bool *changed, bool *known);
int mc_sqlite_check_integrity(mc_store *st, bool *complete, char *problem, size_t cap, int64_t budget_ms);
int mc_sqlite_writable(mc_store *st, bool *out);
int mc_sqlite_backup(mc_store *st, const char *dest);
int mc_sqlite_restore(mc_store *st, const char *src);

/* ---- PostgreSQL (db_pg.c) ------------------------------------------------ */

/* deferred: a server that cannot be reached is no failure; the connection
 * is made at its first use (store.h mc_store_open_deferred). */
int mc_pg_open(mc_store **out, const char *url, bool deferred);
void mc_pg_close(mc_store *st);
/* Runs q with its parameters into q->r: 0 or a code as mc_q_row's. */
int mc_pg_run(mc_q *q, const char *what);
/* Sends q's run in pipeline mode without waiting for its answer (db.c:
 * mc_q_exec_later); mc_pg_flush waits for every answer sent so, and returns
 * the first failure's code. Every other call on the connection flushes
 * first. */
int mc_pg_run_later(mc_q *q, const char *what);
int mc_pg_flush(mc_store *st);
/* Runs constant SQL without parameters through the simple protocol. */
int mc_pg_sql(mc_store *st, const char *sql, const char *what);
/* Whether a transaction is open: the caller's, an operation's own, or one
 * the server still holds (failed, or lost with the connection). */
bool mc_pg_in_transaction(mc_store *st);
int mc_pg_begin(mc_store *st);
int mc_pg_commit(mc_store *st);
int mc_pg_rollback(mc_store *st);
int mc_pg_schema_version(mc_store *st, int *out);
int mc_pg_migration_apply(mc_store *st, int version, const char *path, const char *sql);
int mc_pg_check_integrity(mc_store *st, bool *complete, char *problem, size_t cap);
int mc_pg_writable(mc_store *st, bool *out);
int mc_pg_wal_position(mc_store *st, uint64_t *out);
int mc_pg_replay_position(mc_store *st, uint64_t *out, bool *standby);
void mc_pg_conn_stats(uint64_t *lost, uint64_t *reconnected, uint64_t *failed);
int mc_pg_set_limits(mc_store *st, const mc_store_limits *limits);
int mc_pg_lock_wait(mc_store *st, int ms);
int mc_pg_backup(mc_store *st, const char *dest);
int mc_pg_restore(mc_store *st, const char *src);

#endif
