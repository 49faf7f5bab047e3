/*
 * store_sqlite_backup.c - consistent copies of a live SQLite store and their
 * restoration (store.h). The database is copied with SQLite's online backup
 * API, which sees one consistent snapshot while the server keeps writing;
 * attachments are immutable, content-addressed files, copied beside it.
 */
#include "store/store_sqlite_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copies src to dst (created or truncated) and flushes it. */
static int copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY), out = -1, rc = MC_ERROR;
	char buf[65536];
	if (in < 0)
		goto cleanup;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (out < 0)
		goto cleanup;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto cleanup;
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto cleanup;
			off += w;
		}
	}
	if (fsync(out) == 0)
		rc = 0;
cleanup:
	if (rc)
		fprintf(stderr, "could not copy %s to %s: %s\n", src, dst, strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Copies the attachment folder tree (two levels: prefix/digest); files already
 * there are the same content under the same name and are skipped. */
static int copy_files(const char *src, const char *dst)
{
	DIR *top = opendir(src);
	int rc = 0;
	if (!top)
		return errno == ENOENT ? 0 : MC_ERROR;
	if (mkdir(dst, 0750) != 0 && errno != EEXIST) {
		closedir(top);
		return MC_ERROR;
	}
	struct dirent *p;
	while (rc == 0 && (p = readdir(top))) {
		if (p->d_name[0] == '.')
			continue;
		char sub_src[4096], sub_dst[4096];
		snprintf(sub_src, sizeof sub_src, "%s/%s", src, p->d_name);
		snprintf(sub_dst, sizeof sub_dst, "%s/%s", dst, p->d_name);
		DIR *sub = opendir(sub_src);
		if (!sub)
			continue;
		if (mkdir(sub_dst, 0750) != 0 && errno != EEXIST) {
			closedir(sub);
			rc = MC_ERROR;
			break;
		}
		struct dirent *f;
		while (rc == 0 && (f = readdir(sub))) {
			if (f->d_name[0] == '.' || strlen(f->d_name) != 64)
				continue; /* temporary files of an unfinished upload are not attachments */
			char a[8192], b[8192];
			struct stat sb;
			snprintf(a, sizeof a, "%s/%s", sub_src, f->d_name);
			snprintf(b, sizeof b, "%s/%s", sub_dst, f->d_name);
			if (stat(b, &sb) == 0)
				continue;
			rc = copy_file(a, b);
		}
		closedir(sub);
	}
	closedir(top);
	return rc;
}

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

int mc_store_backup(mc_store *st, const char *dest)
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
	rc = copy_files(st->files_dir, files);
cleanup:
	if (rc)
		fprintf(stderr, "could not back up %s to %s%s%s\n", st->path, dest, to ? ": " : "",
			to ? sqlite3_errmsg(to) : "");
	sqlite3_close(to);
	return rc;
}

int mc_store_restore(mc_store *st, const char *src)
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
	rc = copy_files(files, st->files_dir);
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
