/*
 * store_sqlite.c - what only the SQLite store does its own way: the
 * connection (a file and its pragmas), its transactions (BEGIN IMMEDIATE:
 * one writer holds the whole database), the schema's number (PRAGMA
 * user_version) and running one migration's script, the health checks
 * (quick_check within a time budget, a file opened read-only), and the
 * change detector behind the lookup cache (the WAL index). What both engines
 * do alike is written once: the migrations' order in store_migrate.c,
 * savepoints and the time limits in store.c, statements in db.c and the
 * store_<resource>.c files.
 *
 * The statement cache and the binding and stepping helpers (mc_sq_*) serve
 * db.c, and the store_sqlite_*.c files not yet written on it.
 */
#include "store/store_sqlite_int.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/text.h"
#include "store/db.h"

#define BUSY_TIMEOUT_MS 5000

/* ---- statement cache -------------------------------------------------- */

static size_t slot_hash(const void *key, unsigned variant)
{
	uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15u;
	h ^= (uint64_t)variant * 0xc2b2ae3d27d4eb4fu;
	return (size_t)(h ^ (h >> 29));
}

static struct mc_stmt_slot *slot_find(mc_sqlite *st, const void *key, unsigned variant)
{
	size_t mask = st->n_slots - 1;
	size_t i = slot_hash(key, variant) & mask;

	while (st->slots[i].key) {
		if (st->slots[i].key == key && st->slots[i].variant == variant)
			return &st->slots[i];
		i = (i + 1) & mask;
	}
	return &st->slots[i];
}

/* Keeps the table at most half full so that probes stay short. */
static void slots_grow(mc_sqlite *st)
{
	struct mc_stmt_slot *old = st->slots;
	size_t n_old = st->n_slots;

	st->n_slots = n_old * 2;
	st->slots = mc_xcalloc(st->n_slots, sizeof(*st->slots));
	for (size_t i = 0; i < n_old; i++) {
		if (old[i].key)
			*slot_find(st, old[i].key, old[i].variant) = old[i];
	}
	free(old);
}

sqlite3_stmt *mc_sq_cached(mc_sqlite *st, const void *key, unsigned variant)
{
	return slot_find(st, key, variant)->stmt;
}

int mc_sq_prepare_as(mc_sqlite *st, sqlite3_stmt **out, const void *key, unsigned variant, const char *sql)
{
	struct mc_stmt_slot *slot = slot_find(st, key, variant);
	sqlite3_stmt *s = NULL;
	int rc = 0;

	if (slot->stmt) {
		*out = slot->stmt;
		goto cleanup;
	}
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
	if (rc != SQLITE_OK) {
		/* The SQL is ours, so this is a bug or a schema older than the code. */
		fprintf(stderr, "could not prepare statement: %s\n%s\n", sqlite3_errmsg(st->db), sql);
		rc = MC_ERROR;
		goto cleanup;
	}
	if ((st->used_slots + 1) * 2 > st->n_slots) {
		slots_grow(st);
		slot = slot_find(st, key, variant);
	}
	slot->key = key;
	slot->variant = variant;
	slot->stmt = s;
	st->used_slots++;
	*out = s;
cleanup:
	return rc;
}

int mc_sq_prepare(mc_sqlite *st, sqlite3_stmt **out, const char *sql)
{
	return mc_sq_prepare_as(st, out, sql, 0, sql);
}

void mc_sq_done(sqlite3_stmt *s)
{
	if (!s)
		return;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* ---- errors, stepping, binding ---------------------------------------- */

int mc_sq_error(mc_sqlite *st, int rc, const char *what)
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

int mc_sq_exec(mc_sqlite *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return mc_sq_error(st, rc, what);
}

int mc_sq_row(mc_sqlite *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return mc_sq_error(st, rc, what);
}

int mc_sq_exec_sql(mc_sqlite *st, const char *sql, const char *what)
{
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	rc = mc_sq_exec(st, s, what);
cleanup:
	mc_sq_done(s);
	return rc;
}

static void bind_check(sqlite3_stmt *s, int rc)
{
	if (rc != SQLITE_OK) {
		fprintf(stderr, "could not bind parameter: %s\n", sqlite3_errmsg(sqlite3_db_handle(s)));
		abort();
	}
}

void mc_sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (!v)
		bind_check(s, sqlite3_bind_null(s, i));
	else
		bind_check(s, sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT));
}

void mc_sq_bind_textn(sqlite3_stmt *s, int i, const char *v, size_t cap)
{
	bind_check(s, sqlite3_bind_text(s, i, v, (int)strnlen(v, cap), SQLITE_TRANSIENT));
}

void mc_sq_bind_int(sqlite3_stmt *s, int i, int64_t v)
{
	bind_check(s, sqlite3_bind_int64(s, i, v));
}

void mc_sq_bind_ref(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == 0)
		bind_check(s, sqlite3_bind_null(s, i));
	else
		bind_check(s, sqlite3_bind_int64(s, i, v));
}

void mc_sq_bind_null(sqlite3_stmt *s, int i)
{
	bind_check(s, sqlite3_bind_null(s, i));
}

/* Copies at most cap - 1 bytes of src[0..len), never splitting a UTF-8
 * sequence. */
static void copy_bounded(char *dst, size_t cap, const char *src, size_t len)
{
	assert(cap > 0);
	if (len >= cap) {
		len = cap - 1;
		/* Back off continuation bytes (10xxxxxx) to the start of a character. */
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

void mc_sq_copy(char *dst, size_t cap, const char *src)
{
	if (mc_strlcpy(dst, src ? src : "", cap) == MC_ETOOBIG)
		copy_bounded(dst, cap, src, strlen(src));
}

void mc_sq_col_text(char *dst, size_t cap, sqlite3_stmt *s, int col)
{
	const char *v = (const char *)sqlite3_column_text(s, col);
	size_t len = (size_t)sqlite3_column_bytes(s, col);

	if (!v) {
		dst[0] = '\0';
		return;
	}
	copy_bounded(dst, cap, v, len);
}

int mc_sq_fold(char **out, const char *s, size_t len)
{
	return mc_text_fold(out, s, len);
}

/* ---- internal savepoints ---------------------------------------------- */

int mc_sq_op_begin(mc_sqlite *st)
{
	return mc_sq_exec_sql(st, "SAVEPOINT mc_op", "begin operation");
}

int mc_sq_op_end(mc_sqlite *st, int rc)
{
	if (rc == 0) {
		rc = mc_sq_exec_sql(st, "RELEASE mc_op", "finish operation");
		if (rc == 0)
			return 0;
	}
	/* ROLLBACK TO leaves the savepoint open; RELEASE closes it. */
	mc_sq_exec_sql(st, "ROLLBACK TO mc_op", "undo operation");
	mc_sq_exec_sql(st, "RELEASE mc_op", "undo operation");
	return rc;
}

int mc_sq_unit_range(mc_sqlite *st, char lo[256], char hi[256], int64_t unit_id)
{
	return mc_db_unit_range(&st->base, lo, hi, unit_id);
}

/* ---- connection ------------------------------------------------------- */

const char *mc_sqlite_path(const mc_sqlite *st)
{
	return st->path;
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
#define WAL_INDEX_REGION 32768    /* the size SQLite maps its regions with */

static void map_wal_index(mc_sqlite *st)
{
	static const char sql[] = "PRAGMA journal_mode";
	sqlite3_stmt *s = NULL;
	sqlite3_file *f = NULL;
	void volatile *p = NULL;
	bool wal = false;

	/* Only a WAL database has one (xShmMap would make one otherwise). */
	if (mc_sq_prepare(st, &s, sql) == 0 && mc_sq_row(st, s, "read journal mode") == 1)
		wal = sqlite3_stricmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
	mc_sq_done(s);
	if (!wal || sqlite3_file_control(st->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
	    !f->pMethods || f->pMethods->iVersion < 2 || !f->pMethods->xShmMap)
		return;
	/* Without extending: NULL until SQLite has made the region itself. It
	 * stays mapped, at the same address, until the connection closes. */
	if (f->pMethods->xShmMap(f, 0, WAL_INDEX_REGION, 0, &p) == SQLITE_OK && p)
		st->wal_index = (const volatile uint32_t *)p;
}

int mc_sqlite_data_changed(mc_sqlite *st, bool *changed, bool *known)
{
	static const char sql[] = "PRAGMA data_version";
	sqlite3_stmt *s = NULL;
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
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	rc = mc_sq_row(st, s, "read data version");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc < 0)
		goto cleanup;
	version = sqlite3_column_int64(s, 0);
	changes = sqlite3_total_changes64(st->db);
	*changed = st->seen != 1 || version != st->seen_version || changes != st->seen_changes;
	st->seen_version = version;
	st->seen_changes = changes;
	st->seen = 1;
	*known = true;
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

void mc_sqlite_close(mc_sqlite *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n_slots; i++)
		sqlite3_finalize(st->slots[i].stmt);
	free(st->slots);
	/* close_v2 would leave a zombie on a forgotten statement; every one is
	 * in the cache, so a plain close must succeed. */
	if (sqlite3_close(st->db) != SQLITE_OK)
		fprintf(stderr, "could not close database %s: %s\n", st->path, sqlite3_errmsg(st->db));
	mc_seq_marks_free(&st->marks);
	free(st->files_dir);
	free(st->path);
	free(st);
}

int mc_sqlite_open(mc_sqlite **out, const char *url)
{
	static const char *const pragmas[] = {
	    "PRAGMA journal_mode = WAL",
	    "PRAGMA foreign_keys = ON",
	    "PRAGMA synchronous = FULL",
	};
	mc_sqlite *st = NULL;
	const char *path = url;
	size_t len;
	int rc = 0;

	*out = NULL;
	if (strncmp(path, "sqlite://", 9) == 0)
		path += 9;
	else if (strncmp(path, "sqlite:", 7) == 0)
		path += 7;
	if (*path == '\0') {
		rc = MC_EINVAL;
		goto cleanup;
	}
	st = mc_xcalloc(1, sizeof(*st));
	st->base.backend = MC_BACKEND_SQLITE;
	st->path = mc_xstrdup(path);
	len = strlen(path);
	st->files_dir = mc_xmalloc(len + sizeof(".files"));
	memcpy(st->files_dir, path, len);
	memcpy(st->files_dir + len, ".files", sizeof(".files"));
	st->n_slots = 64;
	st->slots = mc_xcalloc(st->n_slots, sizeof(*st->slots));

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
			rc = mc_sq_error(st, rc, "configure database");
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
	mc_sqlite_close(st);
	return rc;
}

/* ---- schema ----------------------------------------------------------- */

int mc_sqlite_schema_version(mc_sqlite *st, int *out)
{
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, "PRAGMA user_version");

	if (rc)
		goto cleanup;
	rc = mc_sq_row(st, s, "read schema version");
	if (rc < 0)
		goto cleanup;
	*out = rc ? sqlite3_column_int(s, 0) : 0;
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sq_migration_apply(mc_sqlite *st, int version, const char *path, const char *sql)
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

/* ---- transactions ----------------------------------------------------- */

int mc_sqlite_begin(mc_sqlite *st)
{
	/* IMMEDIATE takes the write lock now, so a transaction never fails half-way
	 * because another connection wrote first. */
	return mc_sq_exec_sql(st, "BEGIN IMMEDIATE", "begin transaction");
}

int mc_sqlite_commit(mc_sqlite *st)
{
	return mc_sq_exec_sql(st, "COMMIT", "commit transaction");
}

int mc_sqlite_rollback(mc_sqlite *st)
{
	int rc = 0;

	/* SQLite rolls a transaction back by itself on some errors (SQLITE_FULL,
	 * SQLITE_IOERR, a failed COMMIT): then there is nothing left to undo. */
	if (!sqlite3_get_autocommit(st->db))
		rc = mc_sq_exec_sql(st, "ROLLBACK", "roll back transaction");
	/* Numbers taken in the transaction were never stored, and the writer
	 * tells every job of it that it failed, so no client holds one: the
	 * stored sequence is the truth again and the next dossier gets the next
	 * stored number, without a gap (see mc_store_dossier_next_seq). */
	if (sqlite3_get_autocommit(st->db))
		mc_seq_marks_forget(&st->marks);
	return rc;
}

/* ---- health ----------------------------------------------------------- */

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

int mc_sqlite_check_integrity(mc_sqlite *st, bool *complete, char *problem, size_t cap, int64_t budget_ms)
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
			mc_sq_copy(problem, cap, v ? v : "unknown damage");
			rc = MC_ERROR;
		}
	} else if ((rc & 0xff) == SQLITE_INTERRUPT && d.passed) {
		*complete = false;
		rc = 0;
	} else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		rc = MC_EBUSY;
	} else {
		mc_sq_copy(problem, cap, sqlite3_errmsg(st->db));
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

int mc_sqlite_writable(mc_sqlite *st, bool *out)
{
	*out = sqlite3_db_readonly(st->db, "main") == 0;
	return 0;
}
