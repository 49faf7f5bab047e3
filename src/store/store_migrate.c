/*
 * store_migrate.c - the schema's migrations, on either engine: the files
 * embedded from src/store/migrations/<engine>/, named NNN_name.sql, applied
 * in the order of their numbers, each once and in a transaction of its own.
 * Running one script and recording its number is the engine's own
 * (mc_db_migration_apply); so is reading the number (mc_store_schema_version).
 */
#include "store/db.h"
#include "store/store_rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"

#define SQLITE_DIR "src/store/migrations/sqlite/"
#define PG_DIR "src/store/migrations/postgresql/"
/* Taken for the length of a migration's transaction, so that servers
 * started together apply each migration once ("mc" in ASCII). */
#define LOCK_SCHEMA 0x6d63

struct migration {
	int version;
	const struct mc_embedded *file;
};

static int migration_cmp(const void *a, const void *b)
{
	const struct migration *x = a;
	const struct migration *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* The engine's migrations in order; caller frees *out. MC_ERROR for a file
 * named otherwise or two files with one number (a bug of the build). */
static int migrations(const mc_store *st, struct migration **out, size_t *n)
{
	const char *dir = mc_db_is_pg(st) ? PG_DIR : SQLITE_DIR;
	size_t dir_len = strlen(dir);
	struct migration *list = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	for (const struct mc_embedded *e = mc_embedded_files; e->path; e++) {
		const char *name;
		char *end;
		long v;

		if (strncmp(e->path, dir, dir_len) != 0)
			continue;
		name = e->path + dir_len;
		v = strtol(name, &end, 10);
		if (end == name || *end != '_' || v <= 0 || v > 100000) {
			fprintf(stderr, "could not read migration %s: name must be NNN_name.sql\n", e->path);
			rc = MC_ERROR;
			goto cleanup;
		}
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		list[len].version = (int)v;
		list[len].file = e;
		len++;
	}
	if (len > 0)
		qsort(list, len, sizeof(*list), migration_cmp);
	for (size_t i = 1; i < len; i++) {
		if (list[i].version == list[i - 1].version) {
			fprintf(stderr, "could not migrate: two migrations numbered %d\n", list[i].version);
			rc = MC_ERROR;
			goto cleanup;
		}
	}
cleanup:
	if (rc) {
		free(list);
		list = NULL;
		len = 0;
	}
	*out = list;
	*n = len;
	return rc;
}

/* One migration, all or nothing. */
static int apply(mc_store *st, const struct migration *m)
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
		rc = mc_db_migration_apply(st, m->version, m->file->path, (const char *)m->file->data);
	if (rc) {
		mc_store_rollback(st);
		return rc;
	}
	return mc_store_commit(st);
}

int mc_store_backend_migrate(mc_store *st)
{
	struct migration *list = NULL;
	size_t n = 0;
	int current = 0;
	int rc = mc_store_schema_version(st, &current);

	if (rc == 0)
		rc = migrations(st, &list, &n);
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
	struct migration *list = NULL;
	size_t n = 0;
	int rc = migrations(st, &list, &n);

	*out = n > 0 ? list[n - 1].version : 0;
	free(list);
	return rc;
}
