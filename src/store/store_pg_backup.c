/*
 * store_pg_backup.c - a consistent copy of a live PostgreSQL database, and
 * the database replaced by one (store_backup.c copies the attachments):
 * pg_dump in its custom format (one snapshot while the servers keep writing)
 * and pg_restore, run as child processes with the connection string as an
 * argument (no shell), found on PATH or in MOTCUA_PG_BINDIR.
 */
#include "store/store_pg_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

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

int mc_pq_backup(mc_pg *st, const char *dest)
{
	char *args[] = {"pg_dump",    "--format=custom", "--no-owner", "--file",
			(char *)dest, "--dbname",	 st->conninfo, NULL};

	return run_tool("pg_dump", args);
}

int mc_pq_restore(mc_pg *st, const char *src)
{
	/* --clean drops what the backup holds before recreating it; the whole
	 * restore is one transaction, so a failure changes nothing. */
	char *args[] = {"pg_restore", "--clean",    "--if-exists", "--no-owner", "--single-transaction",
			"--dbname",   st->conninfo, (char *)src,   NULL};
	int rc = run_tool("pg_restore", args);
	/* The schema may have changed under the prepared statements. */
	int reconnected = mc_pq_reconnect(st);

	return rc ? rc : reconnected;
}
