/*
 * store.c - the connection's public functions of store.h. The engine is
 * chosen once, by mc_store_open from the URL: "postgresql://…" or
 * "postgres://…" for PostgreSQL (db_pg.c), anything else a SQLite file
 * (db_sqlite.c). What the engines do their own way is a call into the
 * connection's; savepoints and the time limits' checks are written once.
 */
#include "store/db_int.h"
#include "store/store_rollup.h"

#include <stdlib.h>
#include <string.h>

bool mc_store_url_is_pg(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

int mc_store_open(mc_store **out, const char *url)
{
	*out = NULL;
	if (!url)
		return MC_EINVAL;
	return mc_store_url_is_pg(url) ? mc_pg_open(out, url, false) : mc_sqlite_open(out, url);
}

int mc_store_open_deferred(mc_store **out, const char *url)
{
	*out = NULL;
	if (!url)
		return MC_EINVAL;
	return mc_store_url_is_pg(url) ? mc_pg_open(out, url, true) : mc_sqlite_open(out, url);
}

void mc_store_close(mc_store *st)
{
	if (!st)
		return;
	mc_store_rollup_drop(st);
	mc_db_cache_free(st);
	mc_db_unit_paths_forget(st);
	if (st->pg)
		mc_pg_close(st);
	else
		mc_sqlite_close(st);
	mc_seq_marks_free(&st->marks);
	free(st->files_dir);
	free(st);
}

const char *mc_store_path(const mc_store *st)
{
	return st->pg ? st->url : st->path;
}

bool mc_store_row_locks(const mc_store *st)
{
	return st->pg;
}

int mc_store_schema_version(mc_store *st, int *out)
{
	return st->pg ? mc_pg_schema_version(st, out) : mc_sqlite_schema_version(st, out);
}

int mc_store_begin(mc_store *st)
{
	return st->pg ? mc_pg_begin(st) : mc_sqlite_begin(st);
}

int mc_store_commit(mc_store *st)
{
	int rc = st->pg ? mc_pg_commit(st) : mc_sqlite_commit(st);

	/* A failed commit undid the transaction (or leaves it to be undone). */
	if (rc)
		mc_db_unit_paths_forget(st);
	return rc;
}

int mc_store_rollback(mc_store *st)
{
	mc_db_unit_paths_forget(st);
	return st->pg ? mc_pg_rollback(st) : mc_sqlite_rollback(st);
}

/* The group committer's level (store.h), the same SQL on both engines. */
int mc_store_savepoint(mc_store *st)
{
	return mc_db_sql(st, "SAVEPOINT mc_sp", "open savepoint");
}

int mc_store_savepoint_release(mc_store *st)
{
	return mc_db_sql(st, "RELEASE SAVEPOINT mc_sp", "release savepoint");
}

int mc_store_savepoint_rollback(mc_store *st)
{
	int rc = mc_db_sql(st, "ROLLBACK TO SAVEPOINT mc_sp", "roll back savepoint");

	/* ROLLBACK TO keeps the savepoint on the stack; pop it so that the
	 * caller's next savepoint starts at the same nesting level. */
	if (rc == 0)
		rc = mc_db_sql(st, "RELEASE SAVEPOINT mc_sp", "release savepoint");
	return rc;
}

void mc_store_undo_all(mc_store *st, bool on)
{
	/* Cells summed and not written by mc_store_undo_needed(st, true): the
	 * run failed and is undone. */
	mc_store_rollup_drop(st);
	st->undo_all = on;
	if (on)
		st->undo_needed = false;
}

bool mc_store_undo_needed(mc_store *st, bool wait)
{
	bool needed;

	/* The day sequences and roll-up's cells kept during the run are written
	 * with the rest. */
	if (wait && (mc_store_dossier_seq_flush(st) != 0 || mc_store_rollup_flush(st) != 0))
		st->undo_needed = true;
	if (wait && st->pg)
		mc_pg_flush(st);
	needed = st->undo_needed;

	st->undo_needed = false;
	return needed;
}

/* The time limits bound waits for row locks and statements on PostgreSQL;
 * SQLite's one writer holds the whole database, and its busy timeout is the
 * bound there. */
int mc_store_set_limits(mc_store *st, const mc_store_limits *limits)
{
	if (limits->lock_timeout_ms < 0 || limits->statement_timeout_ms < 0 ||
	    limits->idle_in_transaction_timeout_ms < 0)
		return MC_EINVAL;
	return st->pg ? mc_pg_set_limits(st, limits) : 0;
}

int mc_store_lock_wait(mc_store *st, int ms)
{
	if (ms <= 0)
		return MC_EINVAL;
	return st->pg ? mc_pg_lock_wait(st, ms) : 0;
}

int mc_store_data_changed(mc_store *st, bool *changed, bool *known)
{
	if (!st->pg)
		return mc_sqlite_data_changed(st, changed, known);
	/* Other servers commit to the same database and nothing tells this one
	 * without a round trip: callers read the versions they need. */
	*changed = true;
	*known = false;
	return 0;
}

int mc_store_check_integrity(mc_store *st, bool *complete, char *problem, size_t cap, int64_t budget_ms)
{
	if (st->pg)
		return mc_pg_check_integrity(st, complete, problem, cap);
	return mc_sqlite_check_integrity(st, complete, problem, cap, budget_ms);
}

int mc_store_writable(mc_store *st, bool *out)
{
	return st->pg ? mc_pg_writable(st, out) : mc_sqlite_writable(st, out);
}

int mc_store_wal_position(mc_store *st, uint64_t *out)
{
	*out = 0;
	return st->pg ? mc_pg_wal_position(st, out) : MC_EINVAL;
}

int mc_store_replay_position(mc_store *st, uint64_t *out, bool *standby)
{
	*out = 0;
	*standby = false;
	return st->pg ? mc_pg_replay_position(st, out, standby) : MC_EINVAL;
}

void mc_store_conn_stats_get(mc_store_conn_stats *out)
{
	mc_pg_conn_stats(&out->lost, &out->reconnected, &out->failed);
}
