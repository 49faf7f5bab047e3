/*
 * store_check.c - the operator's checks of a store (store_check.h), on either
 * engine through the driver (db.h): migrations, other users of the database,
 * the attachment folder against the attachment rows.
 */
#include "store/store_check.h"

#include "core/embed.h"
#include "core/text.h"
#include "store/db.h"
#include "store/store_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <openssl/evp.h>

/* ---- migrations --------------------------------------------------------- */

/* The folders of each engine's migrations (store_migrate.c applies them). */
#define SQLITE_DIR "src/store/migrations/sqlite/"
#define PG_DIR "src/store/migrations/postgresql/"

static int migration_cmp(const void *a, const void *b)
{
	const mc_migration *x = a;
	const mc_migration *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

int mc_store_migrations(mc_migration **out, size_t *n, bool pg)
{
	const char *dir = pg ? PG_DIR : SQLITE_DIR;
	size_t dir_len = strlen(dir);
	mc_migration *list = NULL;
	size_t count = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	for (const struct mc_embedded *e = mc_embedded_files; e->path; e++) {
		const char *name;
		char *end = NULL;
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
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		list[count].version = (int)v;
		list[count].file = name;
		list[count].path = e->path;
		list[count].sql = (const char *)e->data;
		count++;
	}
	if (count > 0)
		qsort(list, count, sizeof(*list), migration_cmp);
	for (size_t i = 1; i < count; i++) {
		if (list[i].version == list[i - 1].version) {
			fprintf(stderr, "could not read the migrations: two are numbered %d\n",
				list[i].version);
			rc = MC_ERROR;
			goto cleanup;
		}
	}
	*out = list;
	*n = count;
	list = NULL;
cleanup:
	free(list);
	return rc;
}

int mc_store_migrations_latest(bool pg)
{
	mc_migration *list = NULL;
	size_t n = 0;
	int latest = 0;

	if (mc_store_migrations(&list, &n, pg) == 0 && n > 0)
		latest = list[n - 1].version;
	free(list);
	return latest;
}

int mc_store_migrations_pending(mc_store *st, int *current, mc_migration **out, size_t *n)
{
	mc_migration *list = NULL;
	size_t count = 0, first = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = mc_store_schema_version(st, current);
	if (rc == 0)
		rc = mc_store_migrations(&list, &count, mc_db_is_pg(st));
	if (rc)
		goto cleanup;
	if (count > 0 && *current > list[count - 1].version) {
		rc = MC_ECONFLICT;
		goto cleanup;
	}
	while (first < count && list[first].version <= *current)
		first++;
	/* The pending ones moved to the front of the same array. */
	memmove(list, list + first, (count - first) * sizeof(*list));
	*n = count - first;
	*out = list;
	list = NULL;
cleanup:
	free(list);
	return rc;
}

/* ---- other users of the database --------------------------------------- */

/* Appends to who the processes other than this one that hold a lock on the
 * file at path (Linux /proc/locks: "1: POSIX ADVISORY READ 1234 08:01:5678 …"),
 * which every SQLite connection of another process does on the database or
 * its -shm file. Says nothing where /proc/locks is not there. */
static void lock_holders(char *who, size_t cap, const char *path)
{
	struct stat sb;
	FILE *f;
	char line[256];

	if (stat(path, &sb) != 0)
		return;
	f = fopen("/proc/locks", "r");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		unsigned int major = 0, minor = 0;
		unsigned long long inode = 0;
		long pid = 0;
		char *p = strchr(line, ':');
		char kind[16], mode[16], access[16];
		char seen[32];

		/* "N: KIND MODE ACCESS PID MAJ:MIN:INODE START END"; a blocked
		 * request is listed as "N: -> KIND …". */
		if (!p || strstr(line, "->"))
			continue;
		if (sscanf(p + 1, "%15s %15s %15s %ld %x:%x:%llu", kind, mode, access, &pid, &major, &minor,
			   &inode) != 7)
			continue;
		if (pid == (long)getpid() || inode != (unsigned long long)sb.st_ino ||
		    major != major(sb.st_dev) || minor != minor(sb.st_dev))
			continue;
		snprintf(seen, sizeof seen, "process %ld", pid);
		if (strstr(who, seen))
			continue;
		size_t len = strlen(who);
		snprintf(who + len, cap - len, "%s%s", len ? ", " : "", seen);
	}
	fclose(f);
}

static int hold_sqlite(mc_store *st, char *who, size_t cap)
{
	char shm[4200];
	/* In exclusive locking mode, the next transaction takes an exclusive
	 * lock on the file that the connection keeps until it closes; another
	 * connection that has the database open, even idle, holds a shared lock
	 * (of the WAL index) that prevents it. */
	int rc = mc_db_sql(st, "PRAGMA locking_mode = EXCLUSIVE", "lock the database");

	if (rc == 0)
		rc = mc_db_sql(st, "BEGIN EXCLUSIVE", "lock the database");
	if (rc == 0)
		rc = mc_db_sql(st, "COMMIT", "lock the database");
	if (rc == MC_EBUSY) {
		lock_holders(who, cap, mc_store_path(st));
		snprintf(shm, sizeof shm, "%s-shm", mc_store_path(st));
		lock_holders(who, cap, shm);
	}
	return rc;
}

#define HOLD_WAIT_MS 3000
#define HOLD_STEP_MS 100

static int hold_pg(mc_store *st, char *who, size_t cap)
{
	/* Client sessions only: autovacuum and the other background workers
	 * also appear with the database's name. */
	static const char sql[] =
	    "SELECT count(*) AS n, coalesce(string_agg('session ' || pid || coalesce(' from ' || "
	    "host(client_addr), ' (local socket)') || coalesce(' (' || nullif(application_name, '') || ')', "
	    "''), "
	    "', ' ORDER BY pid), '') AS who FROM pg_stat_activity WHERE datname = current_database() "
	    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	rc = mc_q_row(q, "list the sessions on the database");
	if (rc == 1) {
		rc = mc_q_col_int(q, 0) > 0 ? MC_EBUSY : 0;
		/* A list for the operator to read: shortened at a character, not
		 * emptied, when it passes the caller's buffer. */
		mc_text_cut(who, cap, mc_q_col_text(q, 1));
	} else if (rc == 0) {
		rc = MC_ERROR;
	}
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_hold_alone(mc_store *st, char *who, size_t cap)
{
	if (cap > 0)
		who[0] = '\0';
	if (!mc_db_is_pg(st))
		return hold_sqlite(st, who, cap);
	/* A server stopped a moment ago has closed its connections, but
	 * PostgreSQL lists their sessions until their backends have exited:
	 * `systemctl stop motcua; motcua restore` would be refused for them.
	 * Asked again for up to HOLD_WAIT_MS before the answer is "in use". */
	int rc = hold_pg(st, who, cap);
	for (int waited = 0; rc == MC_EBUSY && waited < HOLD_WAIT_MS; waited += HOLD_STEP_MS) {
		struct timespec step = {0, HOLD_STEP_MS * 1000000L};
		nanosleep(&step, NULL);
		rc = hold_pg(st, who, cap);
	}
	return rc;
}

/* ---- the attachment folder ---------------------------------------------- */

#define BATCH 512

struct recorded {
	char sha256[65];
	int64_t size;
};

static const mc_col recorded_cols[] = {
    MC_COL_ARRAY(struct recorded, sha256, "sha256"),
    MC_COL(MC_COL_I64, struct recorded, size, "size"),
};

/* Up to BATCH attachment rows named after `after`, by name. */
static int recorded_batch(mc_store *st, struct recorded *out, size_t *n, const char *after)
{
	static const char sql[] =
	    "SELECT sha256, size FROM attachment WHERE sha256 > $1 ORDER BY sha256 LIMIT $2";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	*n = 0;
	if (rc)
		goto cleanup;
	mc_q_text(q, 1, after);
	mc_q_int(q, 2, BATCH);
	while ((rc = mc_q_row(q, "read the attachments")) == 1) {
		rc = mc_q_read(q, recorded_cols, MC_ARRAY_LEN(recorded_cols), &out[*n]);
		if (rc)
			break;
		(*n)++;
	}
cleanup:
	mc_q_done(q);
	return rc;
}

/* The SHA-256 of the open file fd (lower-case hex) and its length. */
static int hash_file(int fd, char out[65], int64_t *len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = MC_ERROR;

	*len = 0;
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto cleanup;
	for (;;) {
		ssize_t got = read(fd, buf, sizeof buf);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			goto cleanup;
		}
		if (got == 0)
			break;
		if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1)
			goto cleanup;
		*len += got;
	}
	if (EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != 32)
		goto cleanup;
	for (unsigned int i = 0; i < md_len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[64] = '\0';
	rc = 0;
cleanup:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* One recorded attachment against its file: the finding, if any, in *f
 * (f->problem 0 when the file is whole). */
static void check_one(mc_file_finding *f, char found[65], const char *path, const struct recorded *r,
		      bool hash)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	memset(f, 0, sizeof *f);
	f->sha256 = r->sha256;
	f->path = path;
	f->size = r->size;
	if (fd < 0) {
		f->problem = errno == ENOENT ? MC_FILE_MISSING : MC_FILE_UNREADABLE;
		f->error = errno;
		return;
	}
	if (fstat(fd, &sb) != 0) {
		f->problem = MC_FILE_UNREADABLE;
		f->error = errno;
	} else if (!S_ISREG(sb.st_mode)) {
		f->problem = MC_FILE_UNREADABLE;
		f->error = EINVAL;
	} else if ((int64_t)sb.st_size != r->size) {
		f->problem = MC_FILE_SIZE;
		f->found_size = (int64_t)sb.st_size;
	} else if (hash) {
		int64_t len = 0;
		int rc = hash_file(fd, found, &len);

		if (rc) {
			f->problem = MC_FILE_UNREADABLE;
			f->error = rc < MC_ERROR ? -rc : EIO;
		} else if (strcmp(found, r->sha256) != 0) {
			f->problem = MC_FILE_DAMAGED;
			f->found_size = len;
			f->found_sha256 = found;
		}
	}
	close(fd);
}

/* Whether the sweep is to delete the file for sha256 (file_gc names it). */
static int awaiting_deletion(mc_store *st, bool *out, const char *sha256)
{
	static const char sql[] = "SELECT 1 FROM file_gc WHERE sha256 = $1";
	int64_t found = 0;
	int rc = mc_db_int(st, sql, "look up a file", &found, MC_ARGS(MC_T(sha256)));

	*out = found == 1;
	return rc;
}

static bool is_hex2(const char *s)
{
	for (int i = 0; i < 2; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[2] == '\0';
}

/* Reports a file of the folder that no attachment row names. */
static int report_unnamed(mc_store *st, mc_files_report *out, const char *name, const char *path,
			  int (*cb)(const mc_file_finding *f, void *payload), void *payload)
{
	mc_file_finding f = {.problem = MC_FILE_UNNAMED, .sha256 = name, .path = path};
	struct stat sb;
	int rc = 0;

	if (lstat(path, &sb) == 0)
		f.found_size = (int64_t)sb.st_size;
	if (mc_files_sha256_valid(name))
		rc = awaiting_deletion(st, &f.awaiting_deletion, name);
	if (rc)
		return rc;
	out->unnamed++;
	return cb(&f, payload);
}

/* The files of one prefix folder (two hex digits) that no row names. */
static int walk_prefix(mc_store *st, mc_files_report *out, const char *dir, const char *prefix,
		       int (*cb)(const mc_file_finding *f, void *payload), void *payload)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "could not read the folder %s: %s\n", dir, strerror(errno));
		return MC_ERROR;
	}
	while (rc == 0 && (e = readdir(d))) {
		char path[4400];
		bool named = false;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strncmp(e->d_name, ".tmp-", 5) == 0) {
			out->partial++;
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		/* A file is found by its name's first two digits: elsewhere it
		 * is as good as unnamed. */
		if (mc_files_sha256_valid(e->d_name) && strncmp(e->d_name, prefix, 2) == 0)
			rc = mc_files_recorded(st, &named, e->d_name);
		if (rc == 0 && !named)
			rc = report_unnamed(st, out, e->d_name, path, cb, payload);
	}
	closedir(d);
	return rc;
}

int mc_store_files_check(mc_store *st, mc_files_report *out, bool hash,
			 int (*cb)(const mc_file_finding *f, void *payload), void *payload)
{
	const char *dir = mc_db_files_dir(st);
	size_t path_cap = strlen(dir) + 80;
	char *path = mc_xmalloc(path_cap);
	struct recorded *batch = mc_xcalloc(BATCH, sizeof(*batch));
	char after[65] = "";
	char found[65];
	size_t n = 0;
	DIR *top = NULL;
	struct dirent *e;
	int rc;

	memset(out, 0, sizeof *out);
	/* 1. Every recorded attachment, in batches by name (no read stays
	 *    open while the files are read). */
	do {
		rc = recorded_batch(st, batch, &n, after);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			mc_file_finding f;

			snprintf(path, path_cap, "%s/%.2s/%s", dir, batch[i].sha256, batch[i].sha256);
			check_one(&f, found, path, &batch[i], hash);
			out->attachments++;
			out->bytes += batch[i].size;
			if (f.problem == MC_FILE_MISSING)
				out->missing++;
			else if (f.problem)
				out->damaged++;
			if (f.problem)
				rc = cb(&f, payload);
		}
		if (n > 0)
			memcpy(after, batch[n - 1].sha256, sizeof after);
	} while (rc == 0 && n == BATCH);
	if (rc)
		goto cleanup;
	/* 2. Every file of the folder: "xx/<sha256>" named by a row. */
	top = opendir(dir);
	if (!top) {
		/* No folder: no file was ever uploaded (any missing ones are reported above). */
		rc = errno == ENOENT ? 0 : MC_ERROR;
		if (rc)
			fprintf(stderr, "could not read the folder %s: %s\n", dir, strerror(errno));
		goto cleanup;
	}
	while (rc == 0 && (e = readdir(top))) {
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strlen(e->d_name) + strlen(dir) + 2 > path_cap)
			path = mc_xrealloc(path, path_cap = strlen(e->d_name) + strlen(dir) + 2);
		snprintf(path, path_cap, "%s/%s", dir, e->d_name);
		if (is_hex2(e->d_name) && lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			rc = walk_prefix(st, out, path, e->d_name, cb, payload);
		else
			rc = report_unnamed(st, out, e->d_name, path, cb, payload);
	}
cleanup:
	if (top)
		closedir(top);
	free(batch);
	free(path);
	return rc;
}
