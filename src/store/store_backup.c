/*
 * store_backup.c - consistent copies of a live store and their restoration
 * (store.h), on either engine: the database copied by the engine's own means
 * (db_sqlite.c, db_pg.c: mc_db_backup, mc_db_restore),
 * and the attachments, immutable content-addressed files, copied beside it
 * as "<copy>.files".
 */
#include "store/db.h"

#include <stdio.h>
#include <sys/stat.h>

#include "store/store_files.h"

int mc_store_backup(mc_store *st, const char *dest)
{
	char files[4096];
	struct stat sb;
	int rc;

	if (stat(dest, &sb) == 0) {
		fprintf(stderr, "could not back up to %s: it exists already\n", dest);
		return MC_ECONFLICT;
	}
	/* The database first: a file it names was there before the copy began. */
	rc = mc_db_backup(st, dest);
	if (rc == 0) {
		snprintf(files, sizeof files, "%s.files", dest);
		rc = mc_files_copy_tree(mc_db_files_dir(st), files);
	}
	if (rc)
		fprintf(stderr, "could not back up %s to %s\n", mc_store_path(st), dest);
	return rc;
}

int mc_store_restore(mc_store *st, const char *src)
{
	char files[4096];
	int rc;

	snprintf(files, sizeof files, "%s.files", src);
	/* Files first: a restored row must find its file. */
	rc = mc_files_copy_tree(files, mc_db_files_dir(st));
	if (rc == 0)
		rc = mc_db_restore(st, src);
	if (rc)
		fprintf(stderr, "could not restore %s from %s\n", mc_store_path(st), src);
	return rc;
}
