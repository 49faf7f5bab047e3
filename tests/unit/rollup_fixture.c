/*
 * rollup_fixture.c - the throwaway store and the random draws of the roll-up
 * tests (rollup_fixture.h).
 */
#include "rollup_fixture.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
	char dir[512];
	char url[1024];
	char dbname[64];
	const char *pg_url;
} fx;

static int pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(fx.pg_url);
	PGresult *r = PQexec(c, sql);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;

	if (rc)
		fprintf(stderr, "test: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

int mc_rollup_fixture_backend(const char *name)
{
	const char *backend = getenv("MC_TEST_STORE");

	if (backend && strcmp(backend, "pg") == 0) {
		fx.pg_url = getenv("MC_TEST_PG_URL");
		if (!fx.pg_url || !*fx.pg_url) {
			printf("%s: MC_TEST_PG_URL is not set, PostgreSQL run skipped (scripts/pg.sh)\n",
			       name);
			return 77;
		}
	}
	return 0;
}

int mc_rollup_fixture_open(mc_store **st, const char *name)
{
	const char *tmp = getenv("MC_TEST_TMP");
	char cmd[700];

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", tmp);
	if (system(cmd) != 0)
		return -1;
	snprintf(fx.dir, sizeof fx.dir, "%s/%s.XXXXXX", tmp, name);
	if (!mkdtemp(fx.dir))
		return -1;
	if (fx.pg_url) {
		const char *rest = strstr(fx.pg_url, "://");
		const char *slash = rest ? strchr(rest + 3, '/') : NULL;
		int head = slash ? (int)(slash - fx.pg_url) : (int)strcspn(fx.pg_url, "?");
		char sql[128];

		snprintf(fx.dbname, sizeof fx.dbname, "mc_%s_%d", name, (int)getpid());
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", fx.dbname);
		if (pg_admin(sql) != 0)
			return -1;
		snprintf(fx.url, sizeof fx.url, "%.*s/%s?files=%s/files", head, fx.pg_url, fx.dbname, fx.dir);
	} else {
		snprintf(fx.url, sizeof fx.url, "%s/m.db", fx.dir);
	}
	if (mc_store_open(st, fx.url) != 0 || mc_store_migrate(*st) != 0)
		return -1;
	return 0;
}

int mc_rollup_fixture_close(mc_store *st)
{
	char cmd[700];

	mc_store_close(st);
	if (fx.pg_url) {
		snprintf(cmd, sizeof cmd, "DROP DATABASE IF EXISTS %s WITH (FORCE)", fx.dbname);
		pg_admin(cmd);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx.dir);
	return system(cmd) == 0 ? 0 : -1;
}

int64_t mc_rollup_pick(int64_t n)
{
	static uint64_t rng = 0x9E3779B97F4A7C15u;

	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (int64_t)(rng % (uint64_t)n);
}
