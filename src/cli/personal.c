/*
 * personal.c - `motcua personal`: a data subject's export, erasure at their
 * request, and the retention of personal data (app/personal.h), for the
 * operator (docs/operations.md, "Personal data").
 */
#include "cli/cli.h"
#include "cli/config.h"

#include "app/personal.h"
#include "core/err.h"
#include "core/mc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: motcua personal export (--db URL | --config FILE) --citizen USERNAME|ID_NUMBER --out "
	    "FILE\n"
	    "       motcua personal erase (--db URL | --config FILE) --citizen USERNAME|ID_NUMBER\n"
	    "       motcua personal purge (--db URL | --config FILE) [--at YYYY-MM-DDTHH:MM] [--dry-run]\n");
}

static int open_store(mc_store **st, int argc, char **argv)
{
	char db[1024];

	if (mc_cli_database(db, sizeof db, argc, argv) != 0)
		return MC_EINVAL;
	if (mc_store_open(st, db) != 0 || mc_store_migrate(*st) != 0) {
		fprintf(stderr, "motcua personal: could not open the database %s\n", mc_cli_shown(db));
		mc_store_close(*st);
		*st = NULL;
		return MC_ERROR;
	}
	return 0;
}

/* Writes len bytes to path, created 0600 (it holds personal data) and never
 * over an existing file. */
static int write_new(const char *path, const unsigned char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	size_t done = 0;

	if (fd < 0) {
		fprintf(stderr, "motcua personal export: could not create %s: %s\n", path, strerror(errno));
		return MC_ERROR;
	}
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n <= 0) {
			fprintf(stderr, "motcua personal export: could not write %s: %s\n", path,
				strerror(errno));
			close(fd);
			unlink(path);
			return MC_ERROR;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fprintf(stderr, "motcua personal export: could not write %s: %s\n", path, strerror(errno));
		unlink(path);
		return MC_ERROR;
	}
	return 0;
}

static int export_cmd(int argc, char **argv)
{
	const char *key = mc_cli_opt(argc, argv, "--citizen", true);
	const char *out_path = mc_cli_opt(argc, argv, "--out", true);
	mc_store *st = NULL;
	mc_user u = {0};
	unsigned char *out = NULL;
	size_t len = 0;
	int status = 1;

	if (!key || !*key || !out_path || !*out_path) {
		usage();
		return 2;
	}
	if (open_store(&st, argc, argv) != 0)
		return 1;
	int rc = mc_store_user_citizen(st, &u, key);
	if (rc == MC_ENOTFOUND) {
		memset(&u, 0, sizeof u);
		rc = 0;
	}
	const char *id_number = u.id ? u.id_number : key;
	char **codes = NULL;
	size_t n = 0;
	if (rc == 0 && !u.id) {
		rc = mc_store_personal_dossiers(st, &codes, &n, 0, id_number, 1);
		for (size_t i = 0; i < n; i++)
			free(codes[i]);
		free(codes);
		if (rc == 0 && n == 0) {
			fprintf(stderr,
				"motcua personal export: no citizen account or dossier is known by %s\n",
				key);
			goto cleanup;
		}
	}
	if (rc == 0)
		rc = mc_app_personal_export(st, u.id ? &u : NULL, id_number, mc_now(), &out, &len);
	if (rc != 0) {
		fprintf(stderr, "motcua personal export: could not make the export (%d)\n", rc);
		goto cleanup;
	}
	if (write_new(out_path, out, len) != 0)
		goto cleanup;
	printf("motcua personal: the data of %s written to %s (%zu bytes, tar.gz with manifest.json)\n",
	       u.id ? u.username : key, out_path, len);
	status = 0;
cleanup:
	free(out);
	mc_user_clear(&u);
	mc_store_close(st);
	return status;
}

static int erase_cmd(int argc, char **argv)
{
	const char *key = mc_cli_opt(argc, argv, "--citizen", true);
	mc_store *st = NULL;
	mc_user u = {0};
	mc_personal_counts c;
	int status = 1;

	if (!key || !*key) {
		usage();
		return 2;
	}
	if (open_store(&st, argc, argv) != 0)
		return 1;
	int rc = mc_store_user_citizen(st, &u, key);
	if (rc == MC_ENOTFOUND) {
		fprintf(stderr, "motcua personal erase: no citizen account is known by %s\n", key);
		goto cleanup;
	}
	if (rc == 0)
		rc = mc_store_begin(st);
	if (rc == 0) {
		int64_t now = mc_now();
		rc = mc_app_personal_erase(st, u.id, now, &c);
		if (rc == 0)
			rc = mc_app_personal_erase_record(st, NULL, u.id, &c, now);
		if (rc == 0)
			rc = mc_store_commit(st);
		else
			mc_store_rollback(st);
	}
	if (rc == MC_ECONFLICT) {
		fprintf(stderr, "motcua personal erase: %s\n", mc_err_last()->msg);
		goto cleanup;
	}
	if (rc != 0) {
		fprintf(stderr, "motcua personal erase: could not erase the account (%d)\n", rc);
		goto cleanup;
	}
	printf(
	    "motcua personal: account %s erased; %lld dossiers and %lld events pseudonymised, %lld messages "
	    "emptied\n",
	    u.username, (long long)c.dossiers, (long long)c.events, (long long)c.messages);
	status = 0;
cleanup:
	mc_user_clear(&u);
	mc_store_close(st);
	return status;
}

static int purge_cmd(int argc, char **argv)
{
	const char *at_s = mc_cli_opt(argc, argv, "--at", true);
	bool dry = mc_cli_opt(argc, argv, "--dry-run", false) != NULL;
	mc_config cfg;
	mc_store *st = NULL;
	mc_personal_purge_report rep, total = {0};
	int64_t at = mc_now();
	int rc;

	if (at_s && mc_time_parse(&at, at_s) != 0) {
		fprintf(stderr, "motcua personal purge: --at must be a time like 2030-07-01T08:00\n");
		return 2;
	}
	if (mc_config_load(&cfg, mc_cli_opt(argc, argv, "--config", true)) != 0)
		return 2;
	mc_retention r = {.dossier_years = (int)cfg.retention_dossier_years,
			  .message_days = (int)cfg.retention_message_days,
			  .read_log_days = (int)cfg.retention_read_log_days};
	if (open_store(&st, argc, argv) != 0)
		return 1;
	/* In slices of a thousand dossiers, each committed; a dry run takes
	 * them all in one transaction and rolls it back. */
	do {
		rc = mc_store_begin(st);
		if (rc)
			break;
		rc = mc_app_personal_purge(st, &r, at, dry ? (size_t)INT32_MAX : 1000, &rep);
		if (rc == 0 && !dry)
			rc = mc_store_commit(st);
		else
			mc_store_rollback(st);
		total.pseudonymised.dossiers += rep.pseudonymised.dossiers;
		total.pseudonymised.events += rep.pseudonymised.events;
		total.pseudonymised.events_v1 += rep.pseudonymised.events_v1;
		total.pseudonymised.messages += rep.pseudonymised.messages;
		total.messages_emptied += rep.messages_emptied;
		total.reads_deleted += rep.reads_deleted;
	} while (rc == 0 && !dry && rep.pseudonymised.dossiers >= 1000);
	mc_store_close(st);
	if (rc != 0) {
		fprintf(stderr, "motcua personal purge: could not finish (%d)\n", rc);
		return 1;
	}
	printf("motcua personal%s: %lld dossiers pseudonymised (%lld events, %lld messages; %lld events of "
	       "hash version 1 kept as they are), %lld old messages emptied, %lld reads deleted\n",
	       dry ? " (dry run: nothing was changed)" : "", (long long)total.pseudonymised.dossiers,
	       (long long)total.pseudonymised.events, (long long)total.pseudonymised.messages,
	       (long long)total.pseudonymised.events_v1, (long long)total.messages_emptied,
	       (long long)total.reads_deleted);
	return 0;
}

int mc_cli_personal(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--config",	 "--citizen", "--out",
					    "--at", "--dry-run", NULL};

	if (argc < 1) {
		usage();
		return 2;
	}
	if (mc_cli_check_opts(argc, argv, known, 1) != 0)
		return 2;
	if (strcmp(argv[0], "export") == 0)
		return export_cmd(argc, argv);
	if (strcmp(argv[0], "erase") == 0)
		return erase_cmd(argc, argv);
	if (strcmp(argv[0], "purge") == 0)
		return purge_cmd(argc, argv);
	usage();
	return 2;
}
