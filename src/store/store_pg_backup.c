/*
 * store_pg_backup.c - consistent copies of a live PostgreSQL store and their
 * restoration (store.h): pg_dump in its custom format (one snapshot while the
 * servers keep writing) and pg_restore, run as child processes with the
 * connection string as an argument (no shell), and the attachment folder
 * copied beside the dump as "<dest>.files", as the SQLite store does.
 * pg_dump and pg_restore are found on PATH, or in MOTCUA_PG_BINDIR.
 */
#include "store/store_pg_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store_files.h"

/* Runs tool with args (NULL-terminated, args[0] is the tool's name) and waits. */
static int run_tool(const char *tool, char *const args[])
{
	const char *bindir = getenv("MOTCUA_PG_BINDIR");
	char path[4096];
	int status = 0;
	pid_t pid;

	if (bindir && *bindir)
		snprintf(path, sizeof(path), "%s/%s", bindir, tool);
	else
		snprintf(path, sizeof(path), "%s", tool);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "could not start %s: %s\n", tool, strerror(errno));
		return MC_ERROR;
	}
	if (pid == 0) {
		execvp(path, args);
		fprintf(stderr, "could not run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "could not wait for %s: %s\n", tool, strerror(errno));
			return MC_ERROR;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "could not complete %s: it exited with status %d\n", tool,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return MC_ERROR;
	}
	return 0;
}

int mc_pg_backup(mc_pg *st, const char *dest)
{
	char files[4096];
	struct stat sb;
	int rc;

	if (stat(dest, &sb) == 0) {
		fprintf(stderr, "could not back up to %s: it exists already\n", dest);
		return MC_ECONFLICT;
	}
	{
		char *args[] = {"pg_dump",    "--format=custom", "--no-owner", "--file",
				(char *)dest, "--dbname",	 st->conninfo, NULL};

		rc = run_tool("pg_dump", args);
	}
	if (rc == 0) {
		snprintf(files, sizeof(files), "%s.files", dest);
		rc = mc_files_copy_tree(st->files_dir, files);
	}
	if (rc)
		fprintf(stderr, "could not back up the database to %s\n", dest);
	return rc;
}

int mc_pg_restore(mc_pg *st, const char *src)
{
	char files[4096];
	int rc, reconnected;

	snprintf(files, sizeof(files), "%s.files", src);
	/* Files first: a restored row must find its file. */
	rc = mc_files_copy_tree(files, st->files_dir);
	if (rc == 0) {
		/* --clean drops what the backup holds before recreating it; the
		 * whole restore is one transaction, so a failure changes nothing. */
		char *args[] = {
		    "pg_restore", "--clean",	"--if-exists", "--no-owner", "--single-transaction",
		    "--dbname",	  st->conninfo, (char *)src,   NULL};

		rc = run_tool("pg_restore", args);
	}
	/* The schema may have changed under the prepared statements. */
	reconnected = mc_pq_reconnect(st);
	if (rc == 0)
		rc = reconnected;
	if (rc)
		fprintf(stderr, "could not restore the database from %s\n", src);
	return rc;
}
