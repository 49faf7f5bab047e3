/*
 * test_store_pg_reconnect.c - the PostgreSQL store when the server ends its
 * connection (src/store/db_pg.c), as a restart or an administrator's
 * pg_terminate_backend does:
 *
 *   - a connection closed while idle is made again before the next call,
 *     which succeeds: nothing was sent on the dead one;
 *   - a connection lost inside a transaction is not: every call fails with
 *     MC_EBUSY until the rollback (the rest of the transaction must not run
 *     on a new connection, each statement committed alone), nothing of the
 *     transaction is stored, and the call after the rollback connects again.
 *
 * Needs a server: MC_TEST_PG_URL (scripts/pg.sh sets it; scripts/test_pg.sh
 * runs this test there). Without it the tests pass without testing anything,
 * so that the plain unit test run stays green.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

static const char *pg_url; /* MC_TEST_PG_URL */

struct fixture {
	char dbname[64];
	mc_store *st;
};

/* Runs sql on the server's maintenance connection; returns the first value
 * of the first row as a number (0 when there is none), -1 on an error. */
static long admin(const char *sql)
{
	PGconn *c = PQconnectdb(pg_url);
	PGresult *r = NULL;
	long v = -1;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "test: could not connect to %s: %s", pg_url, PQerrorMessage(c));
		goto cleanup;
	}
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "test: %s: %s", sql, PQerrorMessage(c));
		goto cleanup;
	}
	v = PQntuples(r) > 0 && PQnfields(r) > 0 ? strtol(PQgetvalue(r, 0, 0), NULL, 10) : 0;
cleanup:
	PQclear(r);
	PQfinish(c);
	return v;
}

/* Ends every session on the test's database, as an administrator would, and
 * waits until they are gone. */
static void end_sessions(struct fixture *f)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '%s'",
		 f->dbname);
	assert_true(admin(sql) > 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_stat_activity WHERE datname = '%s'", f->dbname);
	for (int i = 0; admin(sql) != 0; i++) {
		assert_true(i < 200); /* 10 s */
		nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
	}
}

static int64_t add_unit(mc_store *st, const char *code, int expect)
{
	mc_unit u = {0};

	u.code = (char *)code;
	char u_name[256];
	snprintf(u_name, sizeof u_name, "UBND %s", code);
	u.name = u_name;
	u.level = "province";
	u.province_code = "H56";
	assert_int_equal(mc_store_unit_create(st, &u), expect);
	return u.id;
}

static int setup(void **state)
{
	static int counter;
	struct fixture *f = calloc(1, sizeof(*f));
	char sql[128];
	char url[1200];
	const char *rest;
	const char *slash;
	size_t head;

	*state = f;
	if (!pg_url)
		return 0;
	/* The server of MC_TEST_PG_URL with a database of the test's own; no attachments. */
	rest = strstr(pg_url, "://");
	slash = rest ? strchr(rest + 3, '/') : NULL;
	head = slash ? (size_t)(slash - pg_url) : strcspn(pg_url, "?");
	snprintf(f->dbname, sizeof(f->dbname), "mc_reconnect_%d_%d", (int)getpid(), ++counter);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->dbname);
	if (admin(sql) != 0)
		return -1;
	snprintf(url, sizeof(url), "%.*s/%s?files=/nonexistent/motcua-files", (int)head, pg_url, f->dbname);
	if (mc_store_open(&f->st, url) != 0 || mc_store_migrate(f->st) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char sql[128];

	mc_store_close(f->st);
	if (pg_url && f->dbname[0]) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
		admin(sql);
	}
	free(f);
	return 0;
}

static void test_closed_while_idle(void **state)
{
	struct fixture *f = *state;
	mc_unit u;
	int version = 0;

	if (!pg_url)
		skip();
	int64_t a = add_unit(f->st, "000.00.00.H56", 0);
	end_sessions(f);
	/* A read, then a write, each on a new connection made before it. */
	assert_int_equal(mc_store_unit_get(f->st, &u, a), 0);
	assert_string_equal(u.code, "000.00.00.H56");
	mc_unit_clear(&u);
	end_sessions(f);
	add_unit(f->st, "000.00.00.H40", 0);
	/* And a transaction. */
	end_sessions(f);
	assert_int_equal(mc_store_begin(f->st), 0);
	add_unit(f->st, "000.00.00.H41", 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(mc_store_schema_version(f->st, &version), 0);
	assert_true(version > 0);
}

static void test_lost_inside_transaction(void **state)
{
	struct fixture *f = *state;
	mc_unit u;

	if (!pg_url)
		skip();
	int64_t a = add_unit(f->st, "000.00.00.H56", 0);
	assert_int_equal(mc_store_begin(f->st), 0);
	add_unit(f->st, "000.00.00.H40", 0);
	end_sessions(f);
	/* The rest of the transaction fails, reads included: none of it may run
	 * on a new connection outside the transaction. */
	add_unit(f->st, "000.00.00.H41", MC_EBUSY);
	assert_int_equal(mc_store_unit_get(f->st, &u, a), MC_EBUSY);
	assert_int_equal(mc_store_savepoint(f->st), MC_EBUSY);
	assert_int_not_equal(mc_store_commit(f->st), 0);
	mc_store_rollback(f->st);
	/* After the rollback: a new connection, and nothing of the transaction. */
	assert_int_equal(mc_store_unit_get(f->st, &u, a), 0);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "000.00.00.H40"), MC_ENOTFOUND);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "000.00.00.H41"), MC_ENOTFOUND);
	add_unit(f->st, "000.00.00.H40", 0);
}

/* A primary made read-only in a failover (or a standby the URL reached)
 * refuses writes with 25006 while its sessions live on: the write fails
 * (MC_EBUSY, the job can be tried again), and the next use connects again,
 * so that a multi-host URL with target_session_attrs=read-write reaches the
 * new primary without a restart. Made read-only here for every session by
 * the server's own setting, reloaded. */
static void test_read_only_primary(void **state)
{
	struct fixture *f = *state;
	mc_store_conn_stats before, after;
	mc_unit u;

	if (!pg_url)
		skip();
	int64_t a = add_unit(f->st, "000.00.00.H56", 0);
	assert_true(admin("ALTER SYSTEM SET default_transaction_read_only = on") == 0);
	assert_true(admin("SELECT pg_reload_conf()") >= 0);
	/* The reload reaches the store's session at its next command. */
	bool refused = false;
	for (int i = 0; i < 100 && !refused; i++) {
		char code[32];
		snprintf(code, sizeof code, "000.00.01.H%02d", i);
		mc_unit w = {.code = code, .name = "UBND", .level = "province", .province_code = "H40"};
		int rc = mc_store_unit_create(f->st, &w);
		if (rc == 0) {
			nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
			continue;
		}
		assert_int_equal(rc, MC_EBUSY);
		refused = true;
	}
	assert_true(admin("ALTER SYSTEM RESET default_transaction_read_only") == 0);
	assert_true(admin("SELECT pg_reload_conf()") >= 0);
	assert_true(refused);
	/* The next use is on a new connection, and writes again. */
	mc_store_conn_stats_get(&before);
	assert_int_equal(mc_store_unit_get(f->st, &u, a), 0);
	mc_unit_clear(&u);
	mc_store_conn_stats_get(&after);
	assert_true(after.reconnected == before.reconnected + 1);
	add_unit(f->st, "000.00.00.H41", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_closed_while_idle, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lost_inside_transaction, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_only_primary, setup, teardown),
	};

	pg_url = getenv("MC_TEST_PG_URL");
	if (pg_url && !*pg_url)
		pg_url = NULL;
	if (!pg_url)
		printf(
		    "test_store_pg_reconnect: MC_TEST_PG_URL is not set, nothing tested (scripts/pg.sh)\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
