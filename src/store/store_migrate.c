/*
 * store_migrate.c - the schema's migrations, on either engine: the files
 * embedded from src/store/migrations/<engine>/ (listed by
 * mc_store_migrations, store_check.c), applied in the order of their
 * numbers, each once and in a transaction of its own. Running one script and
 * recording its number is the engine's own (mc_db_migration_apply); so is
 * reading the number (mc_store_schema_version).
 */
#include "store/db.h"
#include "store/store_document.h"
#include "store/store_check.h"
#include "store/store_rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Taken for the length of a migration's transaction, so that servers
 * started together apply each migration once ("mc" in ASCII). */
#define LOCK_SCHEMA 0x6d63

/* Times a migration is tried when the database says "try again". */
#define APPLY_TRIES 60
/* What a migration needs done in C after its script, in its transaction:
 * 034 put the body in the documents' search text, which only the store can
 * fold (utf8proc), so every existing document's is folded again. */
static int after_script(mc_store *st, int version)
{
	int64_t n = 0;

	if (version == 34)
		return mc_store_document_search_refold(st, &n);
	return 0;
}

/* One migration, all or nothing. */
static int apply_once(mc_store *st, const mc_migration *m)
{
	int current = 0;
	int rc = mc_store_begin(st);

	if (rc)
		return rc;
	/* Another server may have applied it while this one waited for the
	 * lock (on SQLite, BEGIN IMMEDIATE took the write lock already). */
	rc = mc_db_lock(st, LOCK_SCHEMA, "lock the schema");
	if (rc == 0)
		rc = mc_store_schema_version(st, &current);
	if (rc == 0 && current < m->version)
		rc = mc_db_migration_apply(st, m->version, m->path, m->sql);
	if (rc == 0 && current < m->version)
		rc = after_script(st, m->version);
	if (rc) {
		mc_store_rollback(st);
		return rc;
	}
	return mc_store_commit(st);
}

/* Servers of the previous release may be serving on the same database
 * while this one migrates it. On PostgreSQL a script's lock waits are kept
 * short (mc_pg_migration_apply), and one that ran past them (MC_EBUSY) is
 * rolled back, lets their transactions finish, and runs again: the
 * migration is the side that can wait. Said once, not at each try. */
static int apply(mc_store *st, const mc_migration *m)
{
	int rc = apply_once(st, m);

	for (int i = 1; rc == MC_EBUSY && i < APPLY_TRIES; i++) {
		struct timespec pause = {0, 50000000L + 5000000L * i};

		if (i == 1)
			fprintf(stderr,
				"motcua: migration %03d waits for the transactions of running servers; "
				"trying again\n",
				m->version);
		nanosleep(&pause, NULL);
		rc = apply_once(st, m);
	}
	return rc;
}

int mc_store_backend_migrate(mc_store *st)
{
	mc_migration *list = NULL;
	size_t n = 0;
	int current = 0;
	int rc = mc_store_schema_version(st, &current);

	if (rc == 0)
		rc = mc_store_migrations(&list, &n, mc_db_is_pg(st));
	if (rc)
		goto cleanup;
	/* A database written by a newer motcua has tables this one does not know. */
	if (n > 0 && current > list[n - 1].version) {
		fprintf(
		    stderr,
		    "could not use the database: its schema (version %d) is newer than this motcua (%d)\n",
		    current, list[n - 1].version);
		rc = MC_ERROR;
		goto cleanup;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (list[i].version > current)
			rc = apply(st, &list[i]);
	}
cleanup:
	free(list);
	return rc;
}

int mc_store_schema_latest(mc_store *st, int *out)
{
	mc_migration *list = NULL;
	size_t n = 0;
	int rc = mc_store_migrations(&list, &n, mc_db_is_pg(st));

	*out = n > 0 ? list[n - 1].version : 0;
	free(list);
	return rc;
}
