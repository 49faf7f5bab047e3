/*
 * store_sqlite_backup.c - a consistent copy of a live SQLite database, and
 * the database replaced by one (store_backup.c copies the attachments): the
 * online backup API sees one snapshot while the server keeps writing.
 */
#include "store/store_sqlite_int.h"

#include <stdio.h>

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

int mc_sq_backup(mc_sqlite *st, const char *dest)
{
	sqlite3 *to = NULL;
	int rc = MC_ERROR;

	if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) == SQLITE_OK)
		rc = backup_db(st->db, to);
	/* The copy is a plain database file, self-contained (no WAL beside it). */
	if (rc == 0)
		sqlite3_exec(to, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	else if (to)
		fprintf(stderr, "could not copy the database: %s\n", sqlite3_errmsg(to));
	sqlite3_close(to);
	return rc;
}

int mc_sq_restore(mc_sqlite *st, const char *src)
{
	sqlite3 *from = NULL;
	int rc = MC_ERROR;

	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		rc = backup_db(from, st->db);
	else
		fprintf(stderr, "could not open the backup %s\n", src);
	if (rc == 0)
		sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	sqlite3_close(from);
	return rc;
}
