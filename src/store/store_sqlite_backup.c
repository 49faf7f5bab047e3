/*
 * store_sqlite_backup.c - consistent copies of a live SQLite store and their
 * restoration (store.h). The database is copied with SQLite's online backup
 * API, which sees one consistent snapshot while the server keeps writing;
 * attachments are immutable, content-addressed files, copied beside it.
 */
#include "store/store_sqlite_int.h"

#include "store/store_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Runs SQLite's online backup from one open database into another. */
static int backup_db(sqlite3 *from, sqlite3 *to)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b)
		return MC_ERROR;
	int rc;
	/* A page budget per step lets writers in between the steps. */
	while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		sqlite3_sleep(rc == SQLITE_OK ? 0 : 5);
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? 0 : MC_ERROR;
}

int mc_sqlite_backup(mc_sqlite *st, const char *dest)
{
	sqlite3 *to = NULL;
	int rc = MC_ERROR;
	struct stat sb;
	if (stat(dest, &sb) == 0) {
		fprintf(stderr, "could not back up to %s: it exists already\n", dest);
		return MC_ECONFLICT;
	}
	if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto cleanup;
	rc = backup_db(st->db, to);
	if (rc)
		goto cleanup;
	/* The copy is a plain database file, self-contained (no WAL beside it). */
	sqlite3_exec(to, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	char files[4096];
	snprintf(files, sizeof files, "%s.files", dest);
	rc = mc_files_copy_tree(st->files_dir, files);
cleanup:
	if (rc)
		fprintf(stderr, "could not back up %s to %s%s%s\n", st->path, dest, to ? ": " : "",
			to ? sqlite3_errmsg(to) : "");
	sqlite3_close(to);
	return rc;
}

int mc_sqlite_restore(mc_sqlite *st, const char *src)
{
	sqlite3 *from = NULL;
	int rc = MC_ERROR;
	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "could not open the backup %s\n", src);
		goto cleanup;
	}
	char files[4096];
	snprintf(files, sizeof files, "%s.files", src);
	/* Files first: a restored row must find its file. */
	rc = mc_files_copy_tree(files, st->files_dir);
	if (rc == 0)
		rc = backup_db(from, st->db);
	if (rc == 0)
		sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	if (rc)
		fprintf(stderr, "could not restore %s from %s\n", st->path, src);
cleanup:
	sqlite3_close(from);
	return rc;
}
