/*
 * store.c - the connection's public functions of store.h: the operations
 * still written per engine call the backend their connection belongs to
 * (store_backend.h); savepoints and the time limits' checks are written
 * once. The backend is chosen once, by mc_store_open from the URL:
 * "postgresql://…" or "postgres://…" for PostgreSQL (store_pg.c), anything
 * else a SQLite file (store_sqlite.c).
 */
#include "store/store_backend.h"

#include <string.h>

#include "store/db.h"

#include "store/store_pg_int.h"
#include "store/store_rollup.h"
#include "store/store_sqlite_int.h"

bool mc_store_url_is_pg(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

int mc_store_open(mc_store **out, const char *url)
{
	int rc;

	*out = NULL;
	if (!url)
		return MC_EINVAL;
	if (mc_store_url_is_pg(url)) {
		mc_pg *pg = NULL;

		rc = mc_pg_open(&pg, url);
		if (rc == 0)
			*out = &pg->base;
	} else {
		mc_sqlite *sq = NULL;

		rc = mc_sqlite_open(&sq, url);
		if (rc == 0)
			*out = &sq->base;
	}
	return rc;
}

void mc_store_close(mc_store *st)
{
	if (!st)
		return;
	mc_db_cache_free(st);
	if (st->backend == MC_BACKEND_PG)
		mc_pg_close((mc_pg *)st);
	else
		mc_sqlite_close((mc_sqlite *)st);
}

const char *mc_store_path(const mc_store *st)
{
	if (st->backend == MC_BACKEND_PG)
		return mc_pg_path((const mc_pg *)st);
	return mc_sqlite_path((const mc_sqlite *)st);
}

bool mc_store_row_locks(const mc_store *st)
{
	return st->backend == MC_BACKEND_PG;
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

/* The time limits bound waits for row locks and statements on PostgreSQL;
 * SQLite's one writer holds the whole database, and its busy timeout is the
 * bound there. */
int mc_store_set_limits(mc_store *st, const mc_store_limits *limits)
{
	if (limits->lock_timeout_ms < 0 || limits->statement_timeout_ms < 0 ||
	    limits->idle_in_transaction_timeout_ms < 0)
		return MC_EINVAL;
	return mc_db_is_pg(st) ? mc_pg_set_limits((mc_pg *)st, limits) : 0;
}

int mc_store_lock_wait(mc_store *st, int ms)
{
	if (ms <= 0)
		return MC_EINVAL;
	return mc_db_is_pg(st) ? mc_pg_lock_wait((mc_pg *)st, ms) : 0;
}

/* The connection struct of each backend starts with its struct mc_store, so
 * the casts below are to the object's real type. */
#define DISPATCH0(name)                                                                                      \
	int mc_store_##name(mc_store *st)                                                                    \
	{                                                                                                    \
		if (st->backend == MC_BACKEND_PG)                                                            \
			return mc_pg_##name((mc_pg *)st);                                                    \
		return mc_sqlite_##name((mc_sqlite *)st);                                                    \
	}

#define DISPATCH(name, params, args)                                                                         \
	int mc_store_##name(mc_store *st, MC_UNPAREN params)                                                 \
	{                                                                                                    \
		if (st->backend == MC_BACKEND_PG)                                                            \
			return mc_pg_##name((mc_pg *)st, MC_UNPAREN args);                                   \
		return mc_sqlite_##name((mc_sqlite *)st, MC_UNPAREN args);                                   \
	}

MC_STORE_OPS0(DISPATCH0)
MC_STORE_OPS(DISPATCH)


