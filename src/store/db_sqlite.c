/*
 * db_sqlite.c - what only SQLite does its own way under the driver
 * (db_int.h): the connection (a file and its pragmas), preparing a
 * statement and stepping it with its errors mapped, transactions (BEGIN
 * IMMEDIATE: one writer holds the whole database), the schema's number
 * (PRAGMA user_version) and running one migration's script, the health
 * checks (quick_check within a time budget, a file opened read-only), the
 * change detector behind the lookup cache (the WAL index), and backup (the
 * online backup API).
 */
#include "store/db_int.h"

#include "core/text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 5000

/* ---- statements --------------------------------------------------------- */

/* Maps an SQLite result to an MC code (db.h's mc_q_row), logging the
 * unexpected ones as "could not <what>: <why>". */
static int sq_error(mc_store *st, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return MC_EBUSY;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return MC_ECONFLICT;
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return MC_ENOTFOUND;
		if (rc == SQLITE_CONSTRAINT_TRIGGER)
			return MC_EFORBIDDEN;
		return MC_EINVAL;
	default:
		fprintf(stderr, "could not %s: %s\n", what, sqlite3_errmsg(st->db));
		return MC_ERROR;
	}
}

/* $1 … $n written ?1 … ?n (the same numbers), outside string literals and
 * quoted names. */
static char *placeholders(const char *sql)
{
	char *out = mc_xstrdup(sql);
	char quote = 0;
	for (char *p = out; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			*p = '?';
		}
	}
	return out;
}

int mc_sqlite_prepare(mc_q *q)
{
	char *sql = placeholders(q->sql);
	/* Kept for the connection's life (the driver's cache). */
	int rc = sqlite3_prepare_v3(q->st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q->s, NULL);

	if (rc != SQLITE_OK) {
		/* The SQL is ours, so this is a bug or a schema older than the code. */
		fprintf(stderr, "could not prepare statement: %s\n%s\n", sqlite3_errmsg(q->st->db), sql);
		rc = MC_ERROR;
	}
	free(sql);
	return rc;
}

int mc_sqlite_step(mc_q *q, const char *what)
{
	int rc = sqlite3_step(q->s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_error(q->st, rc, what);
}

/* ---- connection --------------------------------------------------------- */

void mc_sqlite_close(mc_store *st)
{
	/* close_v2 would leave a zombie on a forgotten statement; every one was
	 * in the driver's cache, freed before, so a plain close must succeed. */
	if (sqlite3_close(st->db) != SQLITE_OK)
		fprintf(stderr, "could not close database %s: %s\n", st->path, sqlite3_errmsg(st->db));
	free(st->path);
}

int mc_sqlite_open(mc_store **out, const char *path)
{
	static const char *const pragmas[] = {
	    "PRAGMA journal_mode = WAL",
	    "PRAGMA foreign_keys = ON",
	    "PRAGMA synchronous = FULL",
	};
	mc_store *st = NULL;
	size_t len;
	int rc = 0;

	if (strncmp(path, "sqlite://", 9) == 0)
		path += 9;
	else if (strncmp(path, "sqlite:", 7) == 0)
		path += 7;
	if (*path == '\0')
		return MC_EINVAL;
	st = mc_xcalloc(1, sizeof(*st));
	st->path = mc_xstrdup(path);
	len = strlen(path);
	st->files_dir = mc_xmalloc(len + sizeof(".files"));
	memcpy(st->files_dir, path, len);
	memcpy(st->files_dir + len, ".files", sizeof(".files"));

	/* A new database holds personal data and password hashes: it is made
	 * readable by its owner only, whatever the umask the command was run
	 * with (SQLite gives its WAL and shared-memory files the database's
	 * mode). An existing one keeps the mode its administrator gave it. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	else if (errno != EEXIST && errno != ENOENT && errno != EACCES) {
		fprintf(stderr, "could not create database %s: %s\n", path, strerror(errno));
		rc = MC_ERROR;
		goto cleanup;
	}
	/* One connection per thread (store.h), so SQLite's own mutexes are not needed. */
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "could not open database %s: %s\n", path,
			st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		rc = (rc & 0xff) == SQLITE_BUSY ? MC_EBUSY : MC_ERROR;
		goto cleanup;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	for (size_t i = 0; i < MC_ARRAY_LEN(pragmas); i++) {
		rc = sqlite3_exec(st->db, pragmas[i], NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			rc = sq_error(st, rc, "configure database");
			goto cleanup;
		}
	}
	/* A larger page cache per connection (MiB) for bulk work such as
	 * `motcua demo`; the default (2 MiB) keeps a server's memory small. */
	const char *cache_mb = getenv("MOTCUA_SQLITE_CACHE_MB");
	if (cache_mb && atoi(cache_mb) > 0) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", atoi(cache_mb) * 1024);
		sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	}
	*out = st;
	st = NULL;
	rc = 0;
cleanup:
	mc_store_close(st);
	return rc;
}

/*
 * The WAL index (the -shm file) begins with a header that every commit, by
 * any connection of any process, rewrites: a change counter, the frames in
 * the WAL, their cumulative checksum, the salts that a restarted WAL changes
 * (https://sqlite.org/walformat.html, 2.1; a stable format, since processes
 * built on different versions of SQLite share it). Each connection maps it
 * for its own reads, and the VFS's xShmMap gives that mapping back without a
 * system call, so looking at the header costs a few loads where PRAGMA
 * data_version costs a read transaction (two fcntl locks and an fstat).
 * A look during a writer's update may see a mix of old and new words: that
 * reads as a change, which is only ever the safe answer.
 */
#define WAL_INDEX_HEADER_WORDS 12 /* the first copy of the header, 48 bytes */
#define WAL_INDEX_REGION 32768	  /* the size SQLite maps its regions with */

static void map_wal_index(mc_store *st)
{
	static const char sql[] = "PRAGMA journal_mode";
	mc_q *q = NULL;
	sqlite3_file *f = NULL;
	void volatile *p = NULL;
	bool wal = false;

	/* Only a WAL database has one (xShmMap would make one otherwise). */
	if (mc_db_prepare(st, &q, sql) == 0 && mc_q_row(q, "read journal mode") == 1)
		wal = sqlite3_stricmp(mc_q_col_text(q, 0), "wal") == 0;
	mc_q_done(q);
	if (!wal || sqlite3_file_control(st->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
	    !f->pMethods || f->pMethods->iVersion < 2 || !f->pMethods->xShmMap)
		return;
	/* Without extending: NULL until SQLite has made the region itself. It
	 * stays mapped, at the same address, until the connection closes. */
	if (f->pMethods->xShmMap(f, 0, WAL_INDEX_REGION, 0, &p) == SQLITE_OK && p)
		st->wal_index = (const volatile uint32_t *)p;
}

int mc_sqlite_data_changed(mc_store *st, bool *changed, bool *known)
{
	static const char sql[] = "PRAGMA data_version";
	mc_q *q = NULL;
	int64_t version, changes;
	int rc;

	*changed = true;
	*known = false;
	/* After a first look through SQLite (which opens the WAL index). */
	if (!st->wal_index && st->seen == 1)
		map_wal_index(st);
	if (st->wal_index) {
		uint32_t now[WAL_INDEX_HEADER_WORDS];
		atomic_thread_fence(memory_order_acquire);
		for (int i = 0; i < WAL_INDEX_HEADER_WORDS; i++)
			now[i] = st->wal_index[i];
		*changed = st->seen != 2 || memcmp(now, st->seen_header, sizeof now) != 0;
		memcpy(st->seen_header, now, sizeof now);
		st->seen = 2;
		*known = true;
		return 0;
	}
	/* data_version moves when another connection, of this process or not,
	 * has committed; this connection's own writes move its count of changes. */
	rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	rc = mc_q_row(q, "read data version");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc < 0)
		goto cleanup;
	version = mc_q_col_int(q, 0);
	changes = sqlite3_total_changes64(st->db);
	*changed = st->seen != 1 || version != st->seen_version || changes != st->seen_changes;
	st->seen_version = version;
	st->seen_changes = changes;
	st->seen = 1;
	*known = true;
	rc = 0;
cleanup:
	mc_q_done(q);
	return rc;
}

/* ---- schema ------------------------------------------------------------- */

int mc_sqlite_schema_version(mc_store *st, int *out)
{
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, "PRAGMA user_version");

	if (rc)
		goto cleanup;
	rc = mc_q_row(q, "read schema version");
	if (rc < 0)
		goto cleanup;
	*out = rc ? (int)mc_q_col_int(q, 0) : 0;
	rc = 0;
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_sqlite_migration_apply(mc_store *st, int version, const char *path, const char *sql)
{
	char pragma[64];
	char *err = NULL;
	/* A script of several statements: sqlite3_exec runs them in turn. */
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &err);

	if (rc == SQLITE_OK) {
		/* PRAGMA takes no parameters; the version is our own number. */
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version);
		rc = sqlite3_exec(st->db, pragma, NULL, NULL, &err);
	}
	if (rc != SQLITE_OK) {
		fprintf(stderr, "could not apply migration %s: %s\n", path, err ? err : sqlite3_errstr(rc));
		rc = MC_ERROR;
	}
	sqlite3_free(err);
	return rc;
}

/* ---- transactions ------------------------------------------------------- */

int mc_sqlite_begin(mc_store *st)
{
	/* IMMEDIATE takes the write lock now, so a transaction never fails half-way
	 * because another connection wrote first. */
	return mc_db_sql(st, "BEGIN IMMEDIATE", "begin transaction");
}

int mc_sqlite_commit(mc_store *st)
{
	return mc_db_sql(st, "COMMIT", "commit transaction");
}

int mc_sqlite_rollback(mc_store *st)
{
	int rc = 0;

	/* SQLite rolls a transaction back by itself on some errors (SQLITE_FULL,
	 * SQLITE_IOERR, a failed COMMIT): then there is nothing left to undo. */
	if (!sqlite3_get_autocommit(st->db))
		rc = mc_db_sql(st, "ROLLBACK", "roll back transaction");
	/* Numbers taken in the transaction were never stored, and the writer
	 * tells every job of it that it failed, so no client holds one: the
	 * stored sequence is the truth again and the next dossier gets the next
	 * stored number, without a gap (see mc_store_dossier_next_seq). */
	if (sqlite3_get_autocommit(st->db))
		mc_seq_marks_forget(&st->marks);
	return rc;
}

/* ---- health ------------------------------------------------------------- */

struct deadline {
	struct timespec end;
	bool passed;
};

/* Called every few thousand virtual machine steps of the check: a non-zero
 * return interrupts it. */
static int past_deadline(void *arg)
{
	struct deadline *d = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > d->end.tv_sec || (now.tv_sec == d->end.tv_sec && now.tv_nsec >= d->end.tv_nsec))
		d->passed = true;
	return d->passed;
}

int mc_sqlite_check_integrity(mc_store *st, bool *complete, char *problem, size_t cap, int64_t budget_ms)
{
	sqlite3_stmt *s = NULL;
	struct deadline d = {0};
	int rc;

	*complete = true;
	if (cap)
		problem[0] = '\0';
	if (budget_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &d.end);
		d.end.tv_sec += budget_ms / 1000;
		d.end.tv_nsec += (budget_ms % 1000) * 1000000;
		if (d.end.tv_nsec >= 1000000000) {
			d.end.tv_sec++;
			d.end.tv_nsec -= 1000000000;
		}
		sqlite3_progress_handler(st->db, 10000, past_deadline, &d);
	}
	/* Not through the statement cache: a damaged schema may not prepare, and
	 * that is an answer too. The first row is "ok" or the first problem. */
	rc = sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		if (v && strcmp(v, "ok") == 0) {
			rc = 0;
		} else {
			mc_text_cut(problem, cap, v ? v : "unknown damage");
			rc = MC_ERROR;
		}
	} else if ((rc & 0xff) == SQLITE_INTERRUPT && d.passed) {
		*complete = false;
		rc = 0;
	} else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		rc = MC_EBUSY;
	} else {
		mc_text_cut(problem, cap, sqlite3_errmsg(st->db));
		rc = MC_ERROR;
	}
	sqlite3_finalize(s);
	sqlite3_progress_handler(st->db, 0, NULL, NULL);
	/* One line, for the log. */
	for (char *c = problem; cap && *c; c++) {
		if (*c == '\n')
			*c = ' ';
	}
	return rc;
}

int mc_sqlite_writable(mc_store *st, bool *out)
{
	*out = sqlite3_db_readonly(st->db, "main") == 0;
	return 0;
}

/* ---- backup: the online backup API sees one snapshot while the server
 * keeps writing (store_backup.c copies the attachments) ------------------- */

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

int mc_sqlite_backup(mc_store *st, const char *dest)
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

int mc_sqlite_restore(mc_store *st, const char *src)
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
