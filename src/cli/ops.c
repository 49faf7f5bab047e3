/*
 * ops.c - the operator's commands around the service: what the binary is
 * (--version), the migrations a start would apply (migrate), and whether the
 * attachment folder holds every file the database names (check).
 */
#include "cli/cli.h"

#include "cli/config.h"
#include "core/redact.h"
#include "core/version.h"
#include "store/store.h"
#include "store/store_check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int mc_cli_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int sqlite = mc_store_migrations_latest(false);
	int pg = mc_store_migrations_latest(true);

	/* The engines' migrations go in step (one number, both files). */
	if (sqlite == pg)
		printf("motcua %s (commit %s, schema %d)\n", mc_version, mc_commit, sqlite);
	else
		printf("motcua %s (commit %s, schema %d on SQLite, %d on PostgreSQL)\n", mc_version,
		       mc_commit, sqlite, pg);
	return 0;
}

const char *mc_cli_shown(const char *url)
{
	static char slots[4][1100];
	static unsigned next;
	char *shown = mc_redact_url(url);
	char *slot = slots[next++ % MC_ARRAY_LEN(slots)];

	snprintf(slot, sizeof slots[0], "%s", shown);
	free(shown);
	return slot;
}

int mc_cli_database(char *out, size_t cap, int argc, char **argv)
{
	const char *db = mc_cli_opt(argc, argv, "--db", true);
	mc_config cfg;

	if (!db) {
		if (mc_config_load(&cfg, mc_cli_opt(argc, argv, "--config", true)) != 0)
			return MC_EINVAL;
		db = cfg.db;
	}
	if (!*db || mc_strlcpy(out, db, cap) != 0) {
		fprintf(stderr, "motcua: --db must name a database\n");
		return MC_EINVAL;
	}
	return 0;
}

/* The file of a SQLite database (store.h: a path or "sqlite:PATH"), NULL for PostgreSQL. */
static const char *sqlite_file(const char *db)
{
	if (mc_store_url_is_pg(db))
		return NULL;
	if (strncmp(db, "sqlite://", 9) == 0)
		return db + 9;
	if (strncmp(db, "sqlite:", 7) == 0)
		return db + 7;
	return db;
}

/* "  014 uploads_anchors" for 014_uploads_anchors.sql. */
static void print_migrations(const mc_migration *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *name = strchr(list[i].file, '_');
		const char *dot = strrchr(list[i].file, '.');
		int len = name && dot && dot > name ? (int)(dot - name - 1) : (int)strlen(list[i].file);

		printf("  %03d %.*s\n", list[i].version, len, name ? name + 1 : list[i].file);
	}
}

static int migrate_dry_run(const char *db)
{
	const char *file = sqlite_file(db);
	mc_migration *list = NULL;
	mc_store *st = NULL;
	struct stat sb;
	size_t n = 0;
	int current = 0;
	int status = 1;
	int rc;

	/* Opening a SQLite file that is not there would create it. */
	if (file && stat(file, &sb) != 0 && errno == ENOENT) {
		if (mc_store_migrations(&list, &n, false) != 0)
			goto cleanup;
		printf(
		    "motcua migrate: %s does not exist; a start would create it and apply %zu migrations:\n",
		    mc_cli_shown(db), n);
		print_migrations(list, n);
		status = 0;
		goto cleanup;
	}
	if (mc_store_open(&st, db) != 0) {
		fprintf(stderr, "motcua migrate: could not open the database %s\n", mc_cli_shown(db));
		goto cleanup;
	}
	rc = mc_store_migrations_pending(st, &current, &list, &n);
	if (rc == MC_ECONFLICT) {
		fprintf(stderr,
			"motcua migrate: the database %s has schema %d, newer than this motcua's %d: a start "
			"would "
			"refuse it (install the newer motcua)\n",
			mc_cli_shown(db), current, mc_store_migrations_latest(mc_store_url_is_pg(db)));
		goto cleanup;
	}
	if (rc != 0) {
		fprintf(stderr, "motcua migrate: could not read the schema version of %s\n",
			mc_cli_shown(db));
		goto cleanup;
	}
	if (n == 0)
		printf("motcua migrate: %s is at schema %d, this motcua's newest: nothing to apply\n",
		       mc_cli_shown(db), current);
	else
		printf("motcua migrate: %s is at schema %d; a start would apply %zu migration%s:\n",
		       mc_cli_shown(db), current, n, n == 1 ? "" : "s");
	print_migrations(list, n);
	status = 0;
cleanup:
	free(list);
	mc_store_close(st);
	return status;
}

int mc_cli_migrate(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--config", "--dry-run", NULL};
	char db[1024];
	mc_store *st = NULL;
	int before = 0, after = 0;
	int status = 1;

	if (mc_cli_check_opts(argc, argv, known, 0) != 0)
		return 2;
	if (mc_cli_database(db, sizeof db, argc, argv) != 0)
		return 2;
	if (mc_cli_opt(argc, argv, "--dry-run", false))
		return migrate_dry_run(db);
	if (mc_store_open(&st, db) != 0) {
		fprintf(stderr, "motcua migrate: could not open the database %s\n", mc_cli_shown(db));
		return 1;
	}
	if (mc_store_schema_version(st, &before) != 0 || mc_store_migrate(st) != 0 ||
	    mc_store_schema_version(st, &after) != 0) {
		fprintf(stderr, "motcua migrate: could not migrate the database %s\n", mc_cli_shown(db));
		goto cleanup;
	}
	if (after == before)
		printf("motcua migrate: %s is at schema %d: nothing to apply\n", mc_cli_shown(db), after);
	else
		printf("motcua migrate: %s migrated from schema %d to %d\n", mc_cli_shown(db), before, after);
	status = 0;
cleanup:
	mc_store_close(st);
	return status;
}

static const char *problem_name(mc_file_problem p)
{
	switch (p) {
	case MC_FILE_MISSING:
		return "missing";
	case MC_FILE_SIZE:
		return "wrong size";
	case MC_FILE_DAMAGED:
		return "damaged";
	case MC_FILE_UNREADABLE:
		return "unreadable";
	case MC_FILE_UNNAMED:
		return "unnamed";
	}
	return "?";
}

static int print_finding(const mc_file_finding *f, void *payload)
{
	(void)payload;
	const char *what = problem_name(f->problem);

	switch (f->problem) {
	case MC_FILE_MISSING:
		printf("%s: attachment %s (%lld bytes): no file %s\n", what, f->sha256, (long long)f->size,
		       f->path);
		break;
	case MC_FILE_SIZE:
		printf("%s: attachment %s: %s holds %lld bytes, %lld recorded\n", what, f->sha256, f->path,
		       (long long)f->found_size, (long long)f->size);
		break;
	case MC_FILE_DAMAGED:
		printf("%s: attachment %s: the content of %s hashes to %s\n", what, f->sha256, f->path,
		       f->found_sha256);
		break;
	case MC_FILE_UNREADABLE:
		printf("%s: attachment %s: %s: %s\n", what, f->sha256, f->path, strerror(f->error));
		break;
	case MC_FILE_UNNAMED:
		printf("%s: %s (%lld bytes): no attachment names it%s\n", what, f->path,
		       (long long)f->found_size,
		       f->awaiting_deletion ? " (expired: the next sweep deletes it)" : "");
		break;
	}
	return 0;
}

int mc_cli_check(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--config", "--quick", NULL};
	char db[1024];
	mc_store *st = NULL;
	mc_migration *pending = NULL;
	mc_files_report rep;
	size_t n = 0;
	int current = 0;
	int status = 2;

	if (mc_cli_check_opts(argc, argv, known, 0) != 0)
		return 2;
	if (mc_cli_database(db, sizeof db, argc, argv) != 0)
		return 2;
	bool quick = mc_cli_opt(argc, argv, "--quick", false) != NULL;
	const char *file = sqlite_file(db);
	struct stat sb;
	if (file && stat(file, &sb) != 0) {
		fprintf(stderr, "motcua check: %s: %s\n", file, strerror(errno));
		return 2;
	}
	if (mc_store_open(&st, db) != 0) {
		fprintf(stderr, "motcua check: could not open the database %s\n", mc_cli_shown(db));
		return 2;
	}
	/* The check reads tables of the newest schema; it changes nothing, so
	 * it does not migrate either. */
	int rc = mc_store_migrations_pending(st, &current, &pending, &n);
	if (rc == 0 && n > 0) {
		fprintf(
		    stderr,
		    "motcua check: %s has schema %d, this motcua %d: migrate it first (motcua migrate, or a "
		    "start of the server)\n",
		    mc_cli_shown(db), current, pending[n - 1].version);
		goto cleanup;
	}
	if (rc == MC_ECONFLICT) {
		fprintf(stderr,
			"motcua check: %s has schema %d, newer than this motcua: check it with its own\n",
			mc_cli_shown(db), current);
		goto cleanup;
	}
	if (rc == 0)
		rc = mc_store_files_check(st, &rep, !quick, print_finding, NULL);
	if (rc != 0) {
		fprintf(stderr, "motcua check: could not finish the check of %s (%d)\n", mc_cli_shown(db),
			rc);
		goto cleanup;
	}
	printf(
	    "motcua check: %lld attachments (%lld bytes) %s: %lld missing, %lld damaged; %lld files in the "
	    "folder that no attachment names; %lld uploads being written or cut short\n",
	    (long long)rep.attachments, (long long)rep.bytes,
	    quick ? "checked by size (--quick)" : "checked by size and SHA-256", (long long)rep.missing,
	    (long long)rep.damaged, (long long)rep.unnamed, (long long)rep.partial);
	/* Lost or damaged attachments are a problem; files nothing names only
	 * take room (docs/operations.md §10). */
	status = rep.missing + rep.damaged > 0 ? 1 : 0;
cleanup:
	free(pending);
	mc_store_close(st);
	return status;
}
