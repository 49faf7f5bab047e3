/*
 * store_check.h - what the operator's commands ask of a store besides the
 * business operations of store.h, on either engine: the migrations this
 * binary carries and those a start would apply (`motcua migrate --dry-run`),
 * whether another process is using the database (`motcua restore`), and
 * whether the attachment folder holds every file the database names, whole
 * (`motcua check`). Nothing here writes to the database or the folder.
 */
#ifndef MC_STORE_CHECK_H
#define MC_STORE_CHECK_H

#include "store/store.h"

/* ---- migrations --------------------------------------------------------- */

typedef struct {
	int version;	  /* 14 */
	const char *file; /* "014_uploads_anchors.sql"; borrowed, static */
	const char *path; /* "src/store/migrations/sqlite/014_uploads_anchors.sql"; the same */
	const char *sql;  /* its script, embedded in the binary; the same */
} mc_migration;

/* The migrations this binary carries for PostgreSQL (pg) or SQLite, by
 * version; caller frees *out. MC_ERROR (said on stderr) for a file not named
 * NNN_name.sql or two of one number, which mc_store_migrate refuses too. */
int mc_store_migrations(mc_migration **out, size_t *n, bool pg);
/* The highest of them, 0 when there is none or they are misnamed. */
int mc_store_migrations_latest(bool pg);
/* The database's schema version in *current, and in *out the migrations that
 * mc_store_migrate would apply to it, in order (caller frees; none: *n = 0).
 * Reads only. MC_ECONFLICT when the database's schema is newer than this
 * binary's, which mc_store_migrate refuses to use. */
int mc_store_migrations_pending(mc_store *st, int *current, mc_migration **out, size_t *n);

/* ---- other users of the database --------------------------------------- */

/*
 * Makes sure no other process is using the database. SQLite: takes an
 * exclusive lock on the file (waiting at most the busy timeout), which the
 * connection then keeps until mc_store_close, so no server can open it
 * meanwhile; every open connection, even an idle server's, prevents it.
 * PostgreSQL: finds no other client session on the database in
 * pg_stat_activity (which lists sessions of every role); nothing stops one
 * from connecting afterwards. MC_EBUSY when another is there, with who
 * (cap bytes) naming the processes when it can ("process 1234", "session
 * 5678 from 10.0.0.5"), else "". 0 when alone. On PostgreSQL the sessions
 * are asked for again for up to 3 seconds before MC_EBUSY: those of a server
 * stopped a moment ago are listed until their backends have exited.
 */
int mc_store_hold_alone(mc_store *st, char *who, size_t cap);

/* ---- the attachment folder ---------------------------------------------- */

typedef enum {
	MC_FILE_MISSING = 1, /* a recorded attachment without its file */
	MC_FILE_SIZE,	     /* its file has another size than recorded */
	MC_FILE_DAMAGED,     /* its file's content does not hash to its name */
	MC_FILE_UNREADABLE,  /* its file cannot be read (permissions, I/O error) */
	MC_FILE_UNNAMED,     /* a file in the folder that no attachment row names */
} mc_file_problem;

typedef struct {
	mc_file_problem problem;
	const char *sha256;	  /* the attachment's name; UNNAMED: the file's name (maybe not a digest) */
	const char *path;	  /* the file */
	int64_t size;		  /* recorded (not for UNNAMED) */
	int64_t found_size;	  /* SIZE, DAMAGED, UNNAMED: on disk */
	const char *found_sha256; /* DAMAGED: what the content hashes to */
	bool awaiting_deletion;	  /* UNNAMED: named for deletion by the next sweep (not a problem) */
	int error;		  /* UNREADABLE: errno */
} mc_file_finding;

typedef struct {
	int64_t attachments; /* attachment rows checked */
	int64_t bytes;	     /* their recorded sizes */
	int64_t missing;     /* MC_FILE_MISSING */
	int64_t damaged;     /* MC_FILE_SIZE, MC_FILE_DAMAGED and MC_FILE_UNREADABLE */
	int64_t unnamed;     /* MC_FILE_UNNAMED, awaiting deletion or not */
	int64_t partial;     /* temporary files of uploads being written or cut short (".tmp-*") */
} mc_files_report;

/*
 * Checks the attachment folder against the database: every attachment row's
 * file is there, with its recorded size and, when hash is true, a content
 * whose SHA-256 is its name (the whole folder is read); then every file of
 * the folder is named by a row. Each finding goes to cb (its strings borrowed
 * for the call); a non-zero return from cb stops the check with that code.
 * Safe while servers run: files are written before their rows are committed
 * and deleted after, so a finding about a file being uploaded or expired at
 * that moment may be a passing state (check it again). Returns 0 whatever
 * was found (see *out), or an MC_E… code when the database or the folder
 * could not be read.
 */
int mc_store_files_check(mc_store *st, mc_files_report *out, bool hash,
			 int (*cb)(const mc_file_finding *f, void *payload), void *payload);

#endif
