/*
 * demo_cmd.c - `motcua demo`: realistic volumes of dossiers for an
 * initialised demo database (`motcua init --demo`), for benchmarks and load
 * tests. The lives are the demo generator's (demo/demo.h), decided by the app
 * layer's rules and written in bulk; --via-app takes each action through the
 * app layer one by one instead (slow; the reference the bulk path is tested
 * against).
 */
#include "cli/cli.h"

#include "app/dossier.h"
#include "core/mc.h"
#include "demo/demo.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *demo_opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++) {
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	}
	return NULL;
}

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int mc_cli_demo(int argc, char **argv)
{
	static const char *const with_value[] = {"--db", "--dossiers", "--year", "--seed", NULL};
	const char *db = demo_opt(argc, argv, "--db");
	const char *count_s = demo_opt(argc, argv, "--dossiers");
	const char *year_s = demo_opt(argc, argv, "--year");
	const char *seed_s = demo_opt(argc, argv, "--seed");
	bool via_app = false;
	mc_store *st = NULL;
	mc_time_ctx *tc = NULL;
	int status = 1, rc;

	for (int i = 0; i < argc; i++) {
		bool known = strcmp(argv[i], "--via-app") == 0;
		for (const char *const *k = with_value; *k && !known; k++) {
			if (strcmp(argv[i], *k) == 0) {
				known = true;
				i++;
			}
		}
		if (!known) {
			fprintf(stderr, "motcua demo: unknown argument %s\n", argv[i]);
			return 2;
		}
		via_app = via_app || strcmp(argv[i], "--via-app") == 0;
	}
	long count = count_s ? strtol(count_s, NULL, 10) : 0;
	long year = year_s ? strtol(year_s, NULL, 10) : 2017;
	unsigned long seed = seed_s ? strtoul(seed_s, NULL, 10) : 2017;
	if (!db || count < 1 || count > 20000000 || year < 2000 || year > 2100) {
		fprintf(stderr,
			"usage: motcua demo --db PATH --dossiers N (1..20000000) [--year YYYY] [--seed S] "
			"[--via-app]\n");
		return 2;
	}
	char from_s[32], to_s[32];
	int64_t from = 0, to = 0;
	snprintf(from_s, sizeof from_s, "%04ld-01-01T00:00", year);
	snprintf(to_s, sizeof to_s, "%04ld-12-31T17:00", year);
	if (mc_time_parse(&from, from_s) != 0 || mc_time_parse(&to, to_s) != 0)
		return 2;

	/* The indexes of millions of rows: a page cache that holds their hot pages. */
	setenv("MOTCUA_SQLITE_CACHE_MB", "1024", 0);
	rc = mc_store_open(&st, db);
	if (rc == 0)
		rc = mc_store_migrate(st);
	if (rc != 0) {
		fprintf(stderr, "motcua demo: could not open the database %s\n", mc_cli_shown(db));
		goto cleanup;
	}
	if (mc_time_ctx_load(&tc, st) != 0)
		goto cleanup;
	double t0 = seconds_now();
	rc = via_app ? mc_demo_dossiers(st, tc, (int)count, (uint32_t)seed, from, to, stdout)
		     : mc_demo_dossiers_bulk(st, tc, (int)count, (uint32_t)seed, from, to, stdout);
	if (rc != 0) {
		fprintf(stderr,
			"motcua demo: could not generate the dossiers (%d); run motcua init --demo first\n",
			rc);
		goto cleanup;
	}
	double dt = seconds_now() - t0;
	printf("motcua demo: %ld dossiers of %ld in %.1f s (%.0f/s)\n", count, year, dt, (double)count / dt);
	if (mc_cli_anchor_all(st) != 0)
		goto cleanup;
	status = 0;
cleanup:
	mc_time_ctx_free(tc);
	mc_store_close(st);
	return status;
}
