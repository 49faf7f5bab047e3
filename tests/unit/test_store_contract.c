/*
 * test_store_contract.c - the contract of store.h, run against one backend
 * on a fresh database for every test:
 *
 *   MC_TEST_STORE unset or "sqlite": a SQLite file in a temporary folder;
 *   MC_TEST_STORE=pg: a new database on the PostgreSQL server of
 *   MC_TEST_PG_URL (postgresql://user@host:port/dbname, a database to connect
 *   to for CREATE DATABASE), dropped afterwards. Without MC_TEST_PG_URL the
 *   run is skipped (exit 77). scripts/pg.sh starts a throwaway server.
 *
 * ctest runs it once per backend (test_store_contract, test_store_contract_pg).
 * Everything goes through store.h; the exceptions are the schema-version and
 * tamper tests, which reach the database directly (raw_exec below) to show
 * that a newer schema is refused and that the event log refuses UPDATE and
 * DELETE even from outside the store, and the test of the driver's list
 * reader (store/db.h), which most of the store's lists use.
 */
/* nftw is XSI. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>
#include <utime.h>

#include "app/audit.h"
#include "app/document.h"
#include "app/dossier.h"
#include "app/par.h"
#include "app/portal.h"
#include "core/audit.h"
#include "core/dossier.h"
#include "core/limits.h"
#include "core/err.h"
#include "store/db.h"
#include "core/par_index.h"
#include "store/store_par.h"
#include "core/task.h"
#include "store/store.h"
#include "store/store_document.h"
#include "store/store_document_file.h"
#include "store/store_files.h"
#include "store/store_workfile.h"
#include "store/store_exchange.h"
#include "store/store_task.h"

struct fixture {
	char dir[512];
	char path[1700];     /* the URL or file the store was opened with */
	char files[600];     /* its attachment folder */
	char conninfo[1024]; /* PostgreSQL: the database, for raw_exec */
	char dbname[64];     /* PostgreSQL: the database created for the test */
	mc_store *st;
	int64_t province, dept, district, commune, commune2, other_province;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static bool use_pg;
static const char *pg_url; /* MC_TEST_PG_URL */

/* The URL with its database name replaced by dbname (and no query). */
static void pg_url_with_db(char *out, size_t cap, const char *url, const char *dbname)
{
	const char *rest = strstr(url, "://");
	const char *slash = rest ? strchr(rest + 3, '/') : NULL;
	size_t head = slash ? (size_t)(slash - url) : strcspn(url, "?");

	snprintf(out, cap, "%.*s/%s", (int)head, url, dbname);
}

static int pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(pg_url);
	PGresult *r = NULL;
	int rc = -1;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "test: could not connect to %s: %s", pg_url, PQerrorMessage(c));
		goto cleanup;
	}
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "test: %s: %s", sql, PQerrorMessage(c));
		goto cleanup;
	}
	rc = 0;
cleanup:
	PQclear(r);
	PQfinish(c);
	return rc;
}

/* A fresh database per test, its attachments in the test's folder. */
static int pg_create_db(struct fixture *f)
{
	static int counter;
	char sql[128];

	snprintf(f->dbname, sizeof(f->dbname), "mc_contract_%d_%d", (int)getpid(), ++counter);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->dbname);
	if (pg_admin(sql) != 0)
		return -1;
	pg_url_with_db(f->conninfo, sizeof(f->conninfo), pg_url, f->dbname);
	snprintf(f->files, sizeof(f->files), "%s/files", f->dir);
	snprintf(f->path, sizeof(f->path), "%s?files=%s", f->conninfo, f->files);
	return 0;
}

static void pg_drop_db(struct fixture *f)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
	pg_admin(sql);
}

/* Runs SQL on the test's database behind the store's back. Returns 0 when it
 * succeeded; else non-zero with the error message in err (cap bytes). */
static int raw_exec(struct fixture *f, const char *sql, char *err, size_t cap)
{
	int rc = -1;

	if (err && cap)
		err[0] = '\0';
	if (use_pg) {
		PGconn *c = PQconnectdb(f->conninfo);
		PGresult *r = PQexec(c, sql);

		if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
			rc = 0;
		else if (err)
			snprintf(err, cap, "%s", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db = NULL;
		char *msg = NULL;

		if (sqlite3_open(f->path, &db) == SQLITE_OK &&
		    sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
			rc = 0;
		else if (err)
			snprintf(err, cap, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		sqlite3_close(db);
	}
	return rc;
}

/* The integer the query's first row and column holds, behind the store's back. */
static int64_t raw_int(struct fixture *f, const char *sql)
{
	int64_t v = -1;

	if (use_pg) {
		PGconn *c = PQconnectdb(f->conninfo);
		PGresult *r = PQexec(c, sql);

		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db = NULL;
		sqlite3_stmt *s = NULL;

		if (sqlite3_open(f->path, &db) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		sqlite3_close(db);
	}
	return v;
}

static int64_t add_unit(mc_store *st, int64_t parent, const char *code, const char *name, const char *level,
			const char *province)
{
	mc_unit u = {0};

	u.parent_id = parent;
	u.code = (char *)code;
	u.name = (char *)name;
	u.level = (char *)level;
	u.province_code = (char *)province;
	assert_int_equal(mc_store_unit_create(st, &u), 0);
	assert_true(u.id > 0);
	return u.id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *base = getenv("MC_TEST_TMP");

	if (!base || !*base)
		base = "/tmp";
	/* The build's tmp folder may not exist yet. */
	if (mkdir(base, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/store-XXXXXX", base);
	if (!mkdtemp(f->dir))
		return -1;
	if (use_pg) {
		if (pg_create_db(f) != 0)
			return -1;
	} else {
		snprintf(f->path, sizeof(f->path), "%s/motcua.db", f->dir);
		snprintf(f->files, sizeof(f->files), "%s/motcua.db.files", f->dir);
	}
	if (mc_store_open(&f->st, f->path) != 0)
		return -1;
	if (mc_store_migrate(f->st) != 0)
		return -1;
	/* A small tree: province → department, district → communes; and a second province. */
	f->province = add_unit(f->st, 0, "000.00.00.H56", "UBND tỉnh Thanh Hóa", "province", "H56");
	f->dept = add_unit(f->st, f->province, "000.00.15.H56", "Sở Tư pháp", "department", "H56");
	f->district =
	    add_unit(f->st, f->province, "000.00.30.H56", "UBND huyện Quảng Xương", "district", "H56");
	f->commune = add_unit(f->st, f->district, "000.31.30.H56", "UBND xã Quảng Bình", "commune", "H56");
	f->commune2 = add_unit(f->st, f->district, "000.32.30.H56", "UBND xã Quảng Hòa", "commune", "H56");
	f->other_province = add_unit(f->st, 0, "000.00.00.H40", "UBND tỉnh Nghệ An", "province", "H40");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	mc_store_close(f->st);
	if (use_pg)
		pg_drop_db(f);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* ---- schema ----------------------------------------------------------- */

/* A database from a newer motcua is refused, not half-understood. */
static void test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(
	    raw_exec(f,
		     use_pg ? "INSERT INTO schema_migration VALUES (9999, 0)" : "PRAGMA user_version = 9999",
		     NULL, 0),
	    0);
	mc_store *st2 = NULL;
	assert_int_equal(mc_store_open(&st2, f->path), 0);
	assert_int_equal(mc_store_migrate(st2), MC_ERROR);
	mc_store_close(st2);
}

static void test_migrate_twice(void **state)
{
	struct fixture *f = *state;
	int v1 = 0;
	int v2 = 0;
	size_t n = 0;
	mc_unit *units = NULL;

	assert_int_equal(mc_store_schema_version(f->st, &v1), 0);
	assert_true(v1 >= 1);
	assert_int_equal(mc_store_migrate(f->st), 0);
	assert_int_equal(mc_store_schema_version(f->st, &v2), 0);
	assert_int_equal(v1, v2);
	/* The data survived the second run. */
	assert_int_equal(mc_store_unit_list(f->st, &units, &n), 0);
	assert_int_equal(n, 6);
	mc_unit_free_list(units, n);
	assert_string_equal(mc_store_path(f->st), f->path);

	/* A second connection on the same file sees the schema and migrates to nothing. */
	mc_store *st2 = NULL;
	char url[2500];

	if (use_pg)
		snprintf(url, sizeof(url), "%s", f->path);
	else
		snprintf(url, sizeof(url), "sqlite:%s", f->path);
	assert_int_equal(mc_store_open(&st2, url), 0);
	assert_int_equal(mc_store_migrate(st2), 0);
	assert_int_equal(mc_store_schema_version(st2, &v2), 0);
	assert_int_equal(v1, v2);
	mc_store_close(st2);
}

/* ---- units ------------------------------------------------------------ */

static void test_units(void **state)
{
	struct fixture *f = *state;
	mc_unit u = {0};
	mc_unit *list = NULL;
	size_t n = 0;
	bool in = false;

	assert_int_equal(mc_store_unit_get(f->st, &u, f->commune), 0);
	assert_string_equal(u.code, "000.31.30.H56");
	assert_string_equal(u.name, "UBND xã Quảng Bình");
	assert_int_equal(u.parent_id, f->district);
	assert_string_equal(u.level, "commune");
	assert_string_equal(u.province_code, "H56");
	mc_unit_clear(&u);

	assert_int_equal(mc_store_unit_by_code(f->st, &u, "000.00.15.H56"), 0);
	assert_int_equal(u.id, f->dept);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "nope"), MC_ENOTFOUND);
	assert_int_equal(mc_store_unit_get(f->st, &u, 99999), MC_ENOTFOUND);

	/* Duplicate code, unknown parent. */
	memset(&u, 0, sizeof(u));
	u.parent_id = f->province;
	u.code = "000.00.15.H56";
	u.name = "again";
	u.level = "department";
	assert_int_equal(mc_store_unit_create(f->st, &u), MC_ECONFLICT);
	u.code = "000.00.99.H56";
	u.parent_id = 99999;
	assert_int_equal(mc_store_unit_create(f->st, &u), MC_ENOTFOUND);

	/* Update changes only the editable fields. */
	assert_int_equal(mc_store_unit_get(f->st, &u, f->dept), 0);
	mc_unit edit = u; /* borrows u's strings, points at others */
	edit.name = "Sở Tư pháp tỉnh Thanh Hóa";
	edit.office_hours = "07:30-11:30,13:30-17:00";
	edit.address = "22 Hạc Thành";
	edit.phone = "0237 3852 186";
	edit.code = "changed";
	assert_int_equal(mc_store_unit_update(f->st, &edit), 0);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_unit_get(f->st, &u, f->dept), 0);
	assert_string_equal(u.name, "Sở Tư pháp tỉnh Thanh Hóa");
	assert_string_equal(u.office_hours, "07:30-11:30,13:30-17:00");
	assert_string_equal(u.address, "22 Hạc Thành");
	assert_string_equal(u.phone, "0237 3852 186");
	assert_string_equal(u.code, "000.00.15.H56");
	/* A field left NULL keeps what is stored (another edit's, perhaps). */
	edit = (mc_unit){.id = u.id, .phone = "0237 3852 999"};
	assert_int_equal(mc_store_unit_update(f->st, &edit), 0);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_unit_get(f->st, &u, f->dept), 0);
	assert_string_equal(u.phone, "0237 3852 999");
	assert_string_equal(u.name, "Sở Tư pháp tỉnh Thanh Hóa");
	assert_string_equal(u.office_hours, "07:30-11:30,13:30-17:00");
	assert_string_equal(u.address, "22 Hạc Thành");
	u.id = 99999;
	assert_int_equal(mc_store_unit_update(f->st, &u), MC_ENOTFOUND);
	mc_unit_clear(&u);

	/* Subtree. */
	assert_int_equal(mc_store_unit_within(f->st, &in, f->commune, f->province), 0);
	assert_true(in);
	assert_int_equal(mc_store_unit_within(f->st, &in, f->commune, f->district), 0);
	assert_true(in);
	assert_int_equal(mc_store_unit_within(f->st, &in, f->commune, f->commune), 0);
	assert_true(in);
	assert_int_equal(mc_store_unit_within(f->st, &in, f->district, f->commune), 0);
	assert_false(in);
	assert_int_equal(mc_store_unit_within(f->st, &in, f->commune, f->dept), 0);
	assert_false(in);
	assert_int_equal(mc_store_unit_within(f->st, &in, f->commune, f->other_province), 0);
	assert_false(in);
	assert_int_equal(mc_store_unit_within(f->st, &in, 99999, f->province), 0);
	assert_false(in);

	/* Ten more units so that ids of two digits share a prefix with one-digit ones
	 * ("/1/" vs "/10/"): the subtree of unit 1 must not take in unit 10's. */
	int64_t last = 0;
	for (int i = 0; i < 10; i++) {
		char code[32];

		snprintf(code, sizeof(code), "X%02d", i);
		last = add_unit(f->st, f->other_province, code, code, "department", "H40");
	}
	assert_true(last >= 10);
	assert_int_equal(mc_store_unit_within(f->st, &in, last, f->province), 0);
	assert_false(in);
	assert_int_equal(mc_store_unit_within(f->st, &in, last, f->other_province), 0);
	assert_true(in);

	/* A root whose id starts with the province's digit ("/1/" and "/17/"): its
	 * users are not in the province's subtree. */
	int64_t root = add_unit(f->st, 0, "R-1", "R", "province", "H99");
	mc_user *users = NULL;
	mc_user usr = {.username = "root.desk", .role = MC_ROLE_DESK, .unit_id = root, .active = true};

	assert_true(root >= 10);
	assert_int_equal(mc_store_unit_within(f->st, &in, root, f->province), 0);
	assert_false(in);
	assert_int_equal(mc_store_user_create(f->st, &usr, "h"), 0);
	assert_int_equal(mc_store_user_list(f->st, &users, &n, f->province), 0);
	assert_int_equal(n, 0);
	mc_user_free_list(users, n);
	assert_int_equal(mc_store_user_list(f->st, &users, &n, root), 0);
	assert_int_equal(n, 1);
	mc_user_free_list(users, n);

	/* Every unit, parents before children. */
	assert_int_equal(mc_store_unit_list(f->st, &list, &n), 0);
	assert_int_equal(n, 17);
	for (size_t i = 0; i < n; i++) {
		bool seen_parent = list[i].parent_id == 0;

		for (size_t j = 0; j < i; j++) {
			if (list[j].id == list[i].parent_id)
				seen_parent = true;
		}
		assert_true(seen_parent);
	}
	mc_unit_free_list(list, n);
}

/* ---- users and sessions ----------------------------------------------- */

static int64_t add_user(mc_store *st, const char *username, int role, int64_t unit)
{
	mc_user u = {0};

	char full_name[128];

	snprintf(full_name, sizeof(full_name), "Người dùng %s", username);
	u.username = (char *)username;
	u.full_name = full_name;
	u.role = role;
	u.unit_id = unit;
	u.active = true;
	u.created_at = 1700000000;
	assert_int_equal(mc_store_user_create(st, &u, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"), 0);
	assert_true(u.id > 0);
	return u.id;
}

static void test_users_sessions(void **state)
{
	struct fixture *f = *state;
	mc_user u = {0};
	mc_user *list = NULL;
	size_t n = 0;
	char hash[128];
	int64_t user_id = 0;
	int64_t expires = 0;

	int64_t desk = add_user(f->st, "mot.cua", MC_ROLE_DESK, f->commune);
	int64_t leader = add_user(f->st, "lanh.dao", MC_ROLE_LEADER, f->district);
	add_user(f->st, "so.tp", MC_ROLE_SPECIALIST, f->dept);
	int64_t citizen = add_user(f->st, "cong.dan", MC_ROLE_CITIZEN, 0);

	memset(&u, 0, sizeof(u));
	u.username = "mot.cua";
	u.role = MC_ROLE_DESK;
	assert_int_equal(mc_store_user_create(f->st, &u, "x"), MC_ECONFLICT);
	u.username = "ghost";
	u.unit_id = 99999;
	assert_int_equal(mc_store_user_create(f->st, &u, "x"), MC_ENOTFOUND);
	memset(&u, 0, sizeof(u));

	assert_int_equal(mc_store_user_get(f->st, &u, desk), 0);
	assert_string_equal(u.username, "mot.cua");
	assert_string_equal(u.full_name, "Người dùng mot.cua");
	assert_int_equal(u.role, MC_ROLE_DESK);
	assert_int_equal(u.unit_id, f->commune);
	assert_true(u.active);
	assert_int_equal(u.created_at, 1700000000);
	mc_user_clear(&u);
	assert_int_equal(mc_store_user_get(f->st, &u, citizen), 0);
	assert_int_equal(u.unit_id, 0);
	mc_user_clear(&u);
	assert_int_equal(mc_store_user_get(f->st, &u, 99999), MC_ENOTFOUND);

	assert_int_equal(mc_store_user_by_username(f->st, &u, hash, sizeof(hash), "lanh.dao"), 0);
	assert_int_equal(u.id, leader);
	assert_string_equal(hash, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
	mc_user_clear(&u);
	assert_int_equal(mc_store_user_by_username(f->st, &u, NULL, 0, "lanh.dao"), 0);
	mc_user_clear(&u);
	assert_int_equal(mc_store_user_by_username(f->st, &u, hash, sizeof(hash), "nobody"), MC_ENOTFOUND);
	assert_int_equal(mc_store_user_set_password(f->st, leader, "$argon2id$new"), 0);
	assert_int_equal(mc_store_user_by_username(f->st, &u, hash, sizeof(hash), "lanh.dao"), 0);
	assert_string_equal(hash, "$argon2id$new");
	mc_user_clear(&u);
	assert_int_equal(mc_store_user_set_password(f->st, 99999, "x"), MC_ENOTFOUND);

	/* By subtree. */
	assert_int_equal(mc_store_user_list(f->st, &list, &n, 0), 0);
	assert_int_equal(n, 4);
	mc_user_free_list(list, n);
	assert_int_equal(mc_store_user_list(f->st, &list, &n, f->district), 0);
	assert_int_equal(n, 2);
	assert_true((list[0].id == desk && list[1].id == leader) ||
		    (list[0].id == leader && list[1].id == desk));
	mc_user_free_list(list, n);
	assert_int_equal(mc_store_user_list(f->st, &list, &n, f->province), 0);
	assert_int_equal(n, 3);
	mc_user_free_list(list, n);
	assert_int_equal(mc_store_user_list(f->st, &list, &n, f->commune2), 0);
	assert_int_equal(n, 0);
	mc_user_free_list(list, n);

	/* Sessions. */
	const char *t1 = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
	const char *t2 = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

	assert_int_equal(mc_store_session_create(f->st, t1, desk, 1000, 2000, NULL), 0);
	assert_int_equal(mc_store_session_create(f->st, t2, citizen, 1000, 5000, NULL), 0);
	/* A token hash in use, an unknown account: nothing is made. */
	assert_int_equal(mc_store_session_create(f->st, t1, citizen, 1000, 5000, NULL), MC_ESTALE);
	assert_int_equal(mc_store_session_create(f->st, "abc", 99999, 1000, 5000, NULL), MC_ESTALE);
	/* Only while the password is still the one the sign-in checked, and
	 * the account active: a change committed meanwhile wins. */
	const char *t3 = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
	assert_int_equal(mc_store_session_create(f->st, t3, leader, 1000, 5000, "$argon2id$old"), MC_ESTALE);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, t3), MC_ENOTFOUND);
	assert_int_equal(mc_store_user_get(f->st, &u, leader), 0);
	u.active = false;
	assert_int_equal(mc_store_user_update(f->st, &u), 0);
	assert_int_equal(mc_store_session_create(f->st, t3, leader, 1000, 5000, "$argon2id$new"), MC_ESTALE);
	assert_int_equal(mc_store_session_create(f->st, t3, leader, 1000, 5000, NULL), MC_ESTALE);
	u.active = true;
	assert_int_equal(mc_store_user_update(f->st, &u), 0);
	mc_user_clear(&u);
	assert_int_equal(mc_store_session_create(f->st, t3, leader, 1000, 5000, "$argon2id$new"), 0);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, t3), 0);
	assert_int_equal(user_id, leader);
	assert_int_equal(mc_store_session_delete(f->st, t3), 0);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, t1), 0);
	assert_int_equal(user_id, desk);
	assert_int_equal(expires, 2000);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, "nope"), MC_ENOTFOUND);
	/* The session's user in one read, with the session's expiry. */
	mc_user su = {0};
	assert_int_equal(mc_store_session_user(f->st, &su, &expires, t2), 0);
	assert_int_equal(su.id, citizen);
	assert_int_equal(expires, 5000);
	assert_true(su.username && su.username[0]);
	mc_user_clear(&su);
	assert_int_equal(mc_store_session_user(f->st, &su, &expires, "nope"), MC_ENOTFOUND);
	assert_null(su.username);
	/* Purge removes the expired one only. */
	assert_int_equal(mc_store_session_purge(f->st, 3000), 0);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, t1), MC_ENOTFOUND);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, t2), 0);
	assert_int_equal(user_id, citizen);
	assert_int_equal(mc_store_session_delete(f->st, t2), 0);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, t2), MC_ENOTFOUND);
	/* Trim keeps an account's newest sessions and leaves others' alone. */
	const char *tok[4] = {"1111111111111111111111111111111111111111111111111111111111111111",
			      "2222222222222222222222222222222222222222222222222222222222222222",
			      "3333333333333333333333333333333333333333333333333333333333333333",
			      "4444444444444444444444444444444444444444444444444444444444444444"};
	for (int i = 0; i < 3; i++)
		assert_int_equal(mc_store_session_create(f->st, tok[i], citizen, 1000 + i, 9000, NULL), 0);
	assert_int_equal(mc_store_session_create(f->st, tok[3], desk, 1000, 9000, NULL), 0);
	assert_int_equal(mc_store_session_trim(f->st, citizen, 2, tok[0]), 0);
	/* tok[0], named the newest, stays with the newest other one (tok[2]). */
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, tok[0]), 0);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, tok[1]), MC_ENOTFOUND);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, tok[2]), 0);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, tok[3]), 0);
	assert_int_equal(user_id, desk);
}

/* An edit read before its transaction writes only while the account is as
 * read; an account's own change writes only its contacts and password, and
 * only while its password, lock and erasure are as checked. */
static void test_account_writes_as_read(void **state)
{
	struct fixture *f = *state;
	static const char hash[] = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
	mc_user u = {0}, was = {0};
	char stored[128];

	int64_t id = add_user(f->st, "doc.truoc", MC_ROLE_LEADER, f->district);
	assert_int_equal(mc_store_user_get(f->st, &was, id), 0);
	/* meanwhile, another write locks it and moves it */
	assert_int_equal(mc_store_user_get(f->st, &u, id), 0);
	mc_user other = u;
	other.active = false;
	other.role = MC_ROLE_SPECIALIST;
	assert_int_equal(mc_store_user_update(f->st, &other), 0);
	mc_user_clear(&u);
	/* the edit made on the old read is refused, and changes nothing */
	mc_user edit = was;
	edit.full_name = "Tên Sửa Muộn";
	assert_int_equal(mc_store_user_update_if(f->st, &was, &edit), MC_ESTALE);
	assert_int_equal(mc_store_user_get(f->st, &u, id), 0);
	assert_false(u.active);
	assert_int_equal(u.role, MC_ROLE_SPECIALIST);
	assert_string_equal(u.full_name, "Người dùng doc.truoc");
	/* on a fresh read it goes through */
	edit = u;
	edit.full_name = "Tên Sửa Đúng";
	edit.email = "dung@example.vn";
	assert_int_equal(mc_store_user_update_if(f->st, &u, &edit), 0);
	mc_user_clear(&u);
	assert_int_equal(mc_store_user_get(f->st, &u, id), 0);
	assert_string_equal(u.full_name, "Tên Sửa Đúng");
	assert_string_equal(u.email, "dung@example.vn");
	assert_false(u.active);

	/* the account's own change: while locked, refused */
	assert_int_equal(mc_store_user_own_change(f->st, id, hash, "moi@example.vn", NULL, NULL), MC_ESTALE);
	mc_user unlocked = u;
	unlocked.active = true;
	unlocked.must_change_password = true;
	assert_int_equal(mc_store_user_update(f->st, &unlocked), 0);
	mc_user_clear(&u);
	/* against another password than its own, refused */
	assert_int_equal(mc_store_user_own_change(f->st, id, "$argon2id$khac", "moi@example.vn", NULL, NULL),
			 MC_ESTALE);
	/* its contacts only: NULL keeps one, "" clears it; role and lock untouched */
	assert_int_equal(mc_store_user_own_change(f->st, id, hash, NULL, "0912 000 222", NULL), 0);
	assert_int_equal(mc_store_user_by_username(f->st, &u, stored, sizeof stored, "doc.truoc"), 0);
	assert_string_equal(u.email, "dung@example.vn");
	assert_string_equal(u.phone, "0912 000 222");
	assert_int_equal(u.role, MC_ROLE_SPECIALIST);
	assert_true(u.active);
	assert_true(u.must_change_password);
	assert_string_equal(stored, hash);
	mc_user_clear(&u);
	/* a new password: stored, and the forced change is done */
	assert_int_equal(mc_store_user_own_change(f->st, id, hash, "", NULL, "$argon2id$moi"), 0);
	assert_int_equal(mc_store_user_by_username(f->st, &u, stored, sizeof stored, "doc.truoc"), 0);
	assert_string_equal(u.email, "");
	assert_false(u.must_change_password);
	assert_string_equal(stored, "$argon2id$moi");
	mc_user_clear(&u);
	/* the old password no longer changes anything */
	assert_int_equal(mc_store_user_own_change(f->st, id, hash, "cu@example.vn", NULL, NULL), MC_ESTALE);
	mc_user_clear(&was);

	/* an erased citizen: neither write brings it back */
	mc_user c = {.username = "cd.da.xoa",
		     .full_name = "Công Dân Xoá",
		     .email = "xoa@example.vn",
		     .role = MC_ROLE_CITIZEN,
		     .active = true,
		     .created_at = 1700000000};
	assert_int_equal(mc_store_user_create(f->st, &c, hash), 0);
	assert_int_equal(mc_store_user_get(f->st, &was, c.id), 0);
	assert_int_equal(mc_store_personal_erase_account(f->st, c.id, 3000), 0);
	edit = was;
	edit.email = "tro.lai@example.vn";
	assert_int_equal(mc_store_user_update_if(f->st, &was, &edit), MC_ESTALE);
	assert_int_equal(mc_store_user_own_change(f->st, c.id, hash, "tro.lai@example.vn", NULL, NULL),
			 MC_ESTALE);
	assert_int_equal(mc_store_user_get(f->st, &u, c.id), 0);
	assert_string_equal(u.email, "");
	assert_false(u.active);
	mc_user_clear(&u);
	mc_user_clear(&was);
}

/* Editing an account, ending its sessions, its sign-ins and its recovery code. */
static void test_accounts(void **state)
{
	struct fixture *f = *state;
	mc_user u = {0};
	mc_signin *list = NULL;
	size_t n = 0;
	mc_recovery c;
	int64_t user_id = 0, expires = 0;

	int64_t desk = add_user(f->st, "mot.cua", MC_ROLE_DESK, f->commune);
	int64_t other = add_user(f->st, "khac", MC_ROLE_DESK, f->commune);
	assert_int_equal(mc_store_user_get(f->st, &u, desk), 0);
	assert_false(u.must_change_password);
	mc_user edit = u;
	edit.full_name = "Nguyễn Văn Sửa";
	edit.email = "";
	edit.phone = "0912 345 678";
	edit.role = MC_ROLE_LEADER;
	edit.unit_id = f->district;
	edit.active = false;
	edit.must_change_password = true;
	assert_int_equal(mc_store_user_update(f->st, &edit), 0);
	mc_user_clear(&u);
	assert_int_equal(mc_store_user_get(f->st, &u, desk), 0);
	assert_string_equal(u.full_name, "Nguyễn Văn Sửa");
	assert_string_equal(u.phone, "0912 345 678");
	assert_int_equal(u.role, MC_ROLE_LEADER);
	assert_int_equal(u.unit_id, f->district);
	assert_false(u.active);
	assert_true(u.must_change_password);
	edit = u;
	edit.id = 99999;
	assert_int_equal(mc_store_user_update(f->st, &edit), MC_ENOTFOUND);
	mc_user_clear(&u);

	/* Revoking keeps the session named and other accounts'; sessions are
	 * made for active accounts only. */
	assert_int_equal(mc_store_user_get(f->st, &u, desk), 0);
	u.active = true;
	assert_int_equal(mc_store_user_update(f->st, &u), 0);
	mc_user_clear(&u);
	const char *tok[3] = {"1111111111111111111111111111111111111111111111111111111111111111",
			      "2222222222222222222222222222222222222222222222222222222222222222",
			      "3333333333333333333333333333333333333333333333333333333333333333"};
	assert_int_equal(mc_store_session_create(f->st, tok[0], desk, 1000, 9000, NULL), 0);
	assert_int_equal(mc_store_session_create(f->st, tok[1], desk, 1000, 9000, NULL), 0);
	assert_int_equal(mc_store_session_create(f->st, tok[2], other, 1000, 9000, NULL), 0);
	assert_int_equal(mc_store_session_revoke(f->st, desk, tok[1]), 0);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, tok[0]), MC_ENOTFOUND);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, tok[1]), 0);
	assert_int_equal(mc_store_session_revoke(f->st, desk, NULL), 0);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, tok[1]), MC_ENOTFOUND);
	assert_int_equal(mc_store_session_get(f->st, &user_id, &expires, tok[2]), 0);

	/* Sign-ins: newest first, the newest MC_SIGNIN_KEEP kept, the device cut
	 * at a character boundary. */
	char device[400];
	memset(device, 0, sizeof device);
	for (size_t i = 0; i + 3 < 300; i += 3)
		memcpy(device + i, "\xe1\xba\xa1", 3); /* ạ: 3 bytes */
	assert_int_equal(mc_store_signin_record(f->st, desk, 5000, "10.0.0.1", device, false), 0);
	for (int i = 1; i <= MC_SIGNIN_KEEP; i++)
		assert_int_equal(mc_store_signin_record(f->st, desk, 5000 + i, "10.0.0.2", "Firefox", i % 2),
				 0);
	assert_int_equal(mc_store_signin_record(f->st, other, 4000, "10.0.0.3", "", true), 0);
	assert_int_equal(mc_store_signin_list(f->st, &list, &n, desk, 100), 0);
	assert_int_equal(n, MC_SIGNIN_KEEP);
	assert_int_equal(list[0].at, 5000 + MC_SIGNIN_KEEP);
	assert_true(list[0].ok == (MC_SIGNIN_KEEP % 2 == 1));
	assert_string_equal(list[0].peer, "10.0.0.2");
	assert_string_equal(list[0].device, "Firefox");
	assert_int_equal(list[n - 1].at, 5001);
	mc_signin_free_list(list, n);
	/* the oldest (with the long device) was forgotten; record it again to read it */
	assert_int_equal(mc_store_signin_record(f->st, desk, 9000, "10.0.0.1", device, false), 0);
	assert_int_equal(mc_store_signin_list(f->st, &list, &n, desk, 1), 0);
	assert_int_equal(n, 1);
	assert_false(list[0].ok);
	assert_int_equal(strlen(list[0].device), 198); /* 66 whole characters of 3 bytes */
	mc_signin_free_list(list, n);
	assert_int_equal(mc_store_signin_list(f->st, &list, &n, other, 100), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].device, "");
	mc_signin_free_list(list, n);

	/* Recovery codes: one per account, replaced, counted, deleted. */
	mc_recovery put = {.user_id = desk, .created_at = 100, .expires_at = 1000};
	memset(put.code_hash, 'a', 64);
	assert_int_equal(mc_store_recovery_get(f->st, &c, desk), MC_ENOTFOUND);
	assert_int_equal(mc_store_recovery_put(f->st, &put), 0);
	assert_int_equal(mc_store_recovery_attempt(f->st, desk), 0);
	assert_int_equal(mc_store_recovery_attempt(f->st, desk), 0);
	assert_int_equal(mc_store_recovery_get(f->st, &c, desk), 0);
	assert_int_equal(c.attempts, 2);
	assert_int_equal(c.expires_at, 1000);
	assert_string_equal(c.code_hash, put.code_hash);
	memset(put.code_hash, 'b', 64);
	put.expires_at = 2000;
	assert_int_equal(mc_store_recovery_put(f->st, &put), 0);
	assert_int_equal(mc_store_recovery_get(f->st, &c, desk), 0);
	assert_int_equal(c.attempts, 0);
	assert_int_equal(c.expires_at, 2000);
	assert_int_equal(c.code_hash[0], 'b');
	assert_int_equal(mc_store_recovery_delete(f->st, desk), 0);
	assert_int_equal(mc_store_recovery_get(f->st, &c, desk), MC_ENOTFOUND);
	put.user_id = 99999;
	assert_int_equal(mc_store_recovery_put(f->st, &put), MC_ENOTFOUND);
}

/* ---- procedures ------------------------------------------------------- */

static void proc_init(mc_procedure *p, const char *code, const char *name, const char *field,
		      const char *levels, int64_t unit_id, int online_level)
{
	/* p borrows the strings (the store only reads them). */
	memset(p, 0, sizeof(*p));
	p->code = (char *)code;
	p->name = (char *)name;
	p->field = (char *)field;
	p->levels = (char *)levels;
	p->unit_id = unit_id;
	p->duration_hours = 24;
	p->cutoff_min = -1;
	p->online_level = online_level;
	p->status = "active";
}

static int64_t add_proc(mc_store *st, const char *code, const char *name, const char *field,
			const char *levels, int64_t unit_id, int online_level)
{
	mc_procedure p;

	proc_init(&p, code, name, field, levels, unit_id, online_level);
	assert_int_equal(mc_store_procedure_create(st, &p), 0);
	assert_true(p.id > 0);
	return p.id;
}

/* Links of accounts to identities at an OpenID Connect provider (store_identity.c). */
static void test_identities(void **state)
{
	struct fixture *f = *state;
	mc_user u = {0};
	int64_t id = 0;
	char subject[16];
	const char *iss = "https://dinhdanh.example.vn";

	int64_t official = add_user(f->st, "can.bo", MC_ROLE_SPECIALIST, f->district);
	/* a self-registration with another person's number, older than the
	 * account of that person: its number is no one's word but its own */
	u.username = "ke.gian";
	u.full_name = "Kẻ Gian";
	u.id_number = "038090001234";
	u.role = MC_ROLE_CITIZEN;
	u.active = true;
	u.created_at = 1700000000;
	assert_int_equal(mc_store_user_create(f->st, &u, "!"), 0);
	int64_t squatter = u.id;
	u.username = "cong.dan.so";
	u.full_name = "Công dân có số";
	u.id_number_verified = true;
	assert_int_equal(mc_store_user_create(f->st, &u, "!"), 0);
	int64_t citizen = u.id;
	u.username = "can.bo.so";
	u.id_number = "038085009999";
	u.role = MC_ROLE_LEADER;
	u.unit_id = f->district;
	assert_int_equal(mc_store_user_create(f->st, &u, "!"), 0);
	/* self-registered: alone with its number, and beside an official's */
	u.id_number_verified = false;
	u.role = MC_ROLE_CITIZEN;
	u.unit_id = 0;
	u.username = "tu.dang.ky";
	u.id_number = "038090005555";
	assert_int_equal(mc_store_user_create(f->st, &u, "!"), 0);
	u.username = "mao.can.bo";
	u.id_number = "038085009999";
	assert_int_equal(mc_store_user_create(f->st, &u, "!"), 0);

	/* the mark is stored as written */
	mc_user got = {0};
	assert_int_equal(mc_store_user_get(f->st, &got, citizen), 0);
	assert_true(got.id_number_verified);
	mc_user_clear(&got);
	assert_int_equal(mc_store_user_get(f->st, &got, squatter), 0);
	assert_false(got.id_number_verified);
	mc_user_clear(&got);

	/* found by the number: a citizen's vouched for (not the older one
	 * that is not); an official's is refused, not found, also beside an
	 * unvouched citizen's; an unvouched number alone is no one's */
	assert_int_equal(mc_store_identity_citizen(f->st, &id, "038090001234"), 0);
	assert_int_equal(id, citizen);
	assert_int_equal(mc_store_identity_citizen(f->st, &id, "038085009999"), MC_EFORBIDDEN);
	assert_int_equal(mc_store_identity_citizen(f->st, &id, "038090005555"), MC_ENOTFOUND);
	assert_int_equal(id, 0);
	assert_int_equal(mc_store_identity_citizen(f->st, &id, "001001001001"), MC_ENOTFOUND);
	assert_int_equal(mc_store_identity_citizen(f->st, &id, ""), MC_ENOTFOUND);
	assert_int_equal(mc_store_identity_citizen(f->st, &id, "cong.dan.so"), MC_ENOTFOUND);
	/* a citizen named by a number at the desk (an export, an erasure): the
	 * vouched account before the older one that is not; a username is its own */
	assert_int_equal(mc_store_user_citizen(f->st, &got, "038090001234"), 0);
	assert_int_equal(got.id, citizen);
	mc_user_clear(&got);
	assert_int_equal(mc_store_user_citizen(f->st, &got, "ke.gian"), 0);
	assert_int_equal(got.id, squatter);
	mc_user_clear(&got);

	/* linked once; the subject is unique per issuer, not across issuers */
	assert_int_equal(mc_store_identity_user(f->st, &id, iss, "sub-1"), MC_ENOTFOUND);
	assert_int_equal(mc_store_identity_link(f->st, iss, "sub-1", citizen, 1700000100), 0);
	assert_int_equal(mc_store_identity_link(f->st, iss, "sub-1", official, 1700000200), MC_ECONFLICT);
	assert_int_equal(mc_store_identity_link(f->st, "https://khac.example", "sub-1", official, 1700000200),
			 0);
	assert_int_equal(mc_store_identity_link(f->st, iss, "sub-x", 999999, 1700000200), MC_ENOTFOUND);
	assert_int_equal(mc_store_identity_user(f->st, &id, iss, "sub-1"), 0);
	assert_int_equal(id, citizen);
	assert_int_equal(mc_store_identity_user(f->st, &id, "https://khac.example", "sub-1"), 0);
	assert_int_equal(id, official);
	assert_int_equal(mc_store_identity_subject(f->st, subject, sizeof subject, iss, citizen), 0);
	assert_string_equal(subject, "sub-1");
	assert_int_equal(mc_store_identity_subject(f->st, subject, 3, iss, citizen), MC_ETOOBIG);
	assert_int_equal(mc_store_identity_subject(f->st, subject, sizeof subject, iss, official),
			 MC_ENOTFOUND);

	/* every link of an account, oldest first; none is an empty list */
	char **subjects = NULL;
	size_t n_subjects = 9;
	assert_int_equal(mc_store_identity_link(f->st, iss, "sub-2", citizen, 1700000300), 0);
	assert_int_equal(mc_store_identity_subjects(f->st, &subjects, &n_subjects, iss, citizen), 0);
	assert_int_equal(n_subjects, 2);
	assert_string_equal(subjects[0], "sub-1");
	assert_string_equal(subjects[1], "sub-2");
	mc_strv_free(subjects, n_subjects);
	assert_int_equal(mc_store_identity_subjects(f->st, &subjects, &n_subjects, iss, official), 0);
	assert_int_equal(n_subjects, 0);
	assert_null(subjects);

	/* unlinked at one issuer only */
	assert_int_equal(mc_store_identity_unlink(f->st, iss, citizen), 0);
	assert_int_equal(mc_store_identity_unlink(f->st, iss, citizen), MC_ENOTFOUND);
	assert_int_equal(mc_store_identity_user(f->st, &id, iss, "sub-1"), MC_ENOTFOUND);
	assert_int_equal(mc_store_identity_user(f->st, &id, iss, "sub-2"), MC_ENOTFOUND);
	assert_int_equal(mc_store_identity_user(f->st, &id, "https://khac.example", "sub-1"), 0);

	/* a number an official holds, seen from another account: the
	 * officials' count (any role but citizen), a citizen's does not, nor
	 * the account itself */
	bool elsewhere = false;
	int64_t officer_so = 0;
	assert_int_equal(mc_store_user_by_username(f->st, &got, NULL, 0, "can.bo.so"), 0);
	officer_so = got.id;
	mc_user_clear(&got);
	assert_int_equal(mc_store_user_number_official(f->st, &elsewhere, "038085009999", official), 0);
	assert_true(elsewhere);
	assert_int_equal(mc_store_user_number_official(f->st, &elsewhere, "038085009999", officer_so), 0);
	assert_false(elsewhere);
	assert_int_equal(mc_store_user_number_official(f->st, &elsewhere, "038090001234", official), 0);
	assert_false(elsewhere);
	assert_int_equal(mc_store_user_number_official(f->st, &elsewhere, "", official), 0);
	assert_false(elsewhere);

	/* an edit writes the number only while it is as read */
	mc_user was = {0}, now = {0};
	assert_int_equal(mc_store_user_get(f->st, &was, official), 0);
	now = was;
	now.id_number = "038085007777";
	assert_int_equal(mc_store_user_update_if(f->st, &was, &now), 0);
	assert_int_equal(mc_store_user_update_if(f->st, &was, &now), MC_ESTALE);
	assert_int_equal(mc_store_user_get(f->st, &got, official), 0);
	assert_string_equal(got.id_number, "038085007777");
	mc_user_clear(&got);
	mc_user_clear(&was);
}

static void test_procedure_crud(void **state)
{
	struct fixture *f = *state;
	mc_proc_step steps[3] = {
	    {1, "Tiếp nhận hồ sơ", "desk", "commune", 4},
	    {2, "Thẩm định", "specialist", "commune", 12},
	    {3, "Phê duyệt", "leader", "commune", 8},
	};
	mc_proc_doc docs[2] = {
	    /* the form's file: a digest and the name it is downloaded as (issue 15) */
	    {1, "Tờ khai đăng ký khai sinh", 1, 0, "TK-KS", true,
	     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	     "Tờ khai đăng ký khai sinh.docx"},
	    {2, "Giấy chứng sinh", 1, 0, "", false, NULL, NULL},
	};
	mc_proc_fee fees[1] = {{"LP-KS", "Lệ phí đăng ký khai sinh", 8000}};
	mc_proc_pub pubs[2] = {
	    {"new", "Quyết định 1234/QĐ-UBND", 17000},
	    {"modified", "Quyết định 2345/QĐ-UBND", 17500},
	};
	mc_procedure p;
	mc_procedure got;

	proc_init(&p, "1.001193", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 3);
	p.online_duration_hours = 16;
	p.cutoff_min = 15 * 60;
	p.restart_on_supplement = true;
	p.target = "Công dân Việt Nam";
	p.result = "Giấy khai sinh";
	p.legal_basis = "Luật Hộ tịch 2014";
	p.place = "UBND cấp xã";
	p.steps = steps;
	p.n_steps = 3;
	p.docs = docs;
	p.n_docs = 2;
	p.fees = fees;
	p.n_fees = 1;
	p.pubs = pubs;
	p.n_pubs = 2;
	assert_int_equal(mc_store_procedure_create(f->st, &p), 0);
	assert_true(p.id > 0);
	assert_int_equal(mc_store_procedure_create(f->st, &p), MC_ECONFLICT);

	assert_int_equal(mc_store_procedure_get(f->st, &got, "1.001193", true), 0);
	assert_int_equal(got.id, p.id);
	assert_string_equal(got.name, "Đăng ký khai sinh");
	assert_string_equal(got.field, "Hộ tịch");
	assert_string_equal(got.levels, "commune");
	assert_int_equal(got.unit_id, 0);
	assert_int_equal(got.duration_hours, 24);
	assert_int_equal(got.online_duration_hours, 16);
	assert_int_equal(got.cutoff_min, 900);
	assert_true(got.restart_on_supplement);
	assert_int_equal(got.online_level, 3);
	assert_string_equal(got.status, "active");
	assert_string_equal(got.target, "Công dân Việt Nam");
	assert_string_equal(got.result, "Giấy khai sinh");
	assert_string_equal(got.legal_basis, "Luật Hộ tịch 2014");
	assert_string_equal(got.place, "UBND cấp xã");
	assert_int_equal(got.n_steps, 3);
	assert_int_equal(got.steps[1].seq, 2);
	assert_string_equal(got.steps[1].name, "Thẩm định");
	assert_string_equal(got.steps[1].role, "specialist");
	assert_string_equal(got.steps[1].unit_level, "commune");
	assert_int_equal(got.steps[1].hours, 12);
	assert_int_equal(got.n_docs, 2);
	assert_string_equal(got.docs[0].name, "Tờ khai đăng ký khai sinh");
	assert_string_equal(got.docs[0].form, "TK-KS");
	assert_int_equal(got.docs[0].originals, 1);
	assert_true(got.docs[0].required);
	assert_false(got.docs[1].required);
	assert_string_equal(got.docs[0].template_sha256,
			    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	assert_string_equal(got.docs[0].template_filename, "Tờ khai đăng ký khai sinh.docx");
	assert_string_equal(got.docs[1].template_sha256, "");
	assert_string_equal(got.docs[1].template_filename, "");
	assert_int_equal(got.n_fees, 1);
	assert_string_equal(got.fees[0].code, "LP-KS");
	assert_int_equal(got.fees[0].amount, 8000);
	assert_int_equal(got.n_pubs, 2);
	assert_string_equal(got.pubs[1].kind, "modified");
	assert_string_equal(got.pubs[1].decision, "Quyết định 2345/QĐ-UBND");
	assert_int_equal(got.pubs[1].day, 17500);
	mc_procedure_clear(&got);
	assert_null(got.steps);

	/* Without parts; by id. */
	assert_int_equal(mc_store_procedure_get_id(f->st, &got, p.id, false), 0);
	assert_string_equal(got.code, "1.001193");
	assert_int_equal(got.n_steps, 0);
	assert_null(got.steps);
	mc_procedure_clear(&got);
	assert_int_equal(mc_store_procedure_get(f->st, &got, "9.999", false), MC_ENOTFOUND);
	assert_int_equal(mc_store_procedure_get_id(f->st, &got, 99999, true), MC_ENOTFOUND);

	/* Update replaces scalars and every part. */
	p.id = 0;
	p.name = "Đăng ký khai sinh lưu động";
	p.duration_hours = 40;
	p.n_steps = 1;
	p.n_docs = 0;
	p.docs = NULL;
	p.n_fees = 0;
	p.n_pubs = 1;
	assert_int_equal(mc_store_procedure_update(f->st, &p), 0);
	assert_true(p.id > 0);
	assert_int_equal(mc_store_procedure_get(f->st, &got, "1.001193", true), 0);
	assert_string_equal(got.name, "Đăng ký khai sinh lưu động");
	assert_int_equal(got.duration_hours, 40);
	assert_int_equal(got.n_steps, 1);
	assert_int_equal(got.n_docs, 0);
	assert_int_equal(got.n_fees, 0);
	assert_int_equal(got.n_pubs, 1);
	mc_procedure_clear(&got);

	/* The index follows the update: the new word is found, by the folded form. */
	mc_proc_query q = {.q = "luu dong", .limit = 10};
	mc_procedure *list = NULL;
	size_t n = 0;
	int64_t total = 0;

	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_string_equal(list[0].code, "1.001193");
	mc_procedure_free_list(list, n);

	p.code = "0.000";
	assert_int_equal(mc_store_procedure_update(f->st, &p), MC_ENOTFOUND);
	/* An owner unit that does not exist. */
	proc_init(&p, "2.000", "x", "y", "department", 99999, 2);
	assert_int_equal(mc_store_procedure_create(f->st, &p), MC_ENOTFOUND);
	assert_int_equal(mc_store_procedure_get(f->st, &got, "2.000", false), MC_ENOTFOUND);
}

static void test_procedure_search(void **state)
{
	struct fixture *f = *state;
	mc_procedure *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	mc_proc_query q;

	add_proc(f->st, "1.001", "Đăng ký khai sinh có yếu tố nước ngoài", "Hộ tịch", "district", 0, 3);
	add_proc(f->st, "1.002", "Đăng ký lại khai sinh", "Hộ tịch", "commune", 0, 3);
	add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	add_proc(f->st, "1.004", "Đăng ký kết hôn", "Hộ tịch", "commune", 0, 3);
	add_proc(f->st, "1.005",
		 "Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
		 "Liên thông", "commune", 0, 2);
	add_proc(f->st, "2.001", "Cấp phiếu lý lịch tư pháp", "Lý lịch tư pháp", "department", f->dept, 4);
	add_proc(f->st, "2.002", "Cấp giấy phép xây dựng", "Xây dựng", "district,department", 0, 2);
	int64_t abolished = add_proc(f->st, "1.006", "Đăng ký khai sinh cũ", "Hộ tịch", "commune", 0, 2);
	mc_procedure p;

	assert_int_equal(mc_store_procedure_get_id(f->st, &p, abolished, false), 0);
	mc_procedure edit = p; /* borrows p's strings */
	edit.status = "abolished";
	assert_int_equal(mc_store_procedure_update(f->st, &edit), 0);
	mc_procedure_clear(&p);

	/* Without diacritics, the exact name comes first among the others. */
	q = (mc_proc_query){.q = "dang ky khai sinh", .limit = 50};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 4);
	assert_int_equal(total, 4);
	assert_string_equal(list[0].name, "Đăng ký khai sinh");
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(list[i].code, "1.006");
	assert_int_equal(list[0].n_steps, 0);
	mc_procedure_free_list(list, n);

	/* With diacritics and capitals, and by prefix. */
	q.q = "ĐĂNG KÝ KHAI SINH";
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 4);
	assert_string_equal(list[0].name, "Đăng ký khai sinh");
	mc_procedure_free_list(list, n);
	q.q = "kết h";
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].code, "1.004");
	mc_procedure_free_list(list, n);
	/* By field words and by code. */
	q.q = "ly lich";
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].code, "2.001");
	mc_procedure_free_list(list, n);
	q.q = "2.002";
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].code, "2.002");
	mc_procedure_free_list(list, n);

	/* Abolished only when asked. */
	q = (mc_proc_query){.q = "dang ky khai sinh", .include_abolished = true, .limit = 50};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 5);
	mc_procedure_free_list(list, n);

	/* FTS5 syntax in the query is plain text, never an error. */
	static const char *const hostile[] = {"\"",	   "dang\" OR \"x",
					      "NEAR(a b)", "a*",
					      "-x",	   "col:dang",
					      "^",	   "AND",
					      "(",	   "'; DROP TABLE procedure; --",
					      "%_\\"};
	for (size_t i = 0; i < MC_ARRAY_LEN(hostile); i++) {
		q = (mc_proc_query){.q = hostile[i], .limit = 10};
		assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
		mc_procedure_free_list(list, n);
	}

	/* All, ordered by field then name; limit, offset and total. */
	q = (mc_proc_query){.limit = 3};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 3);
	assert_int_equal(total, 7);
	assert_string_equal(list[0].field, "Hộ tịch");
	mc_procedure_free_list(list, n);
	q.offset = 6;
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 7);
	assert_string_equal(list[0].field, "Xây dựng");
	mc_procedure_free_list(list, n);
	q.offset = 100;
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 0);
	assert_int_equal(total, 7);
	mc_procedure_free_list(list, n);

	/* Filters. */
	q = (mc_proc_query){.field = "Hộ tịch", .limit = 50};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 4);
	mc_procedure_free_list(list, n);
	q = (mc_proc_query){.level = "department", .limit = 50};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	mc_procedure_free_list(list, n);
	q = (mc_proc_query){.level = "depart", .limit = 50}; /* a whole level, not a part */
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_procedure_free_list(list, n);
	q = (mc_proc_query){.online_level = 3, .limit = 50};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 5);
	mc_procedure_free_list(list, n);
	q = (mc_proc_query){.online_level = 4, .q = "khai sinh", .limit = 50};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_string_equal(list[0].code, "1.003");
	mc_procedure_free_list(list, n);
	/* A unit sees its own and the unowned ones of its level. */
	q = (mc_proc_query){.unit_id = f->dept, .limit = 50};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2); /* 2.001 owned, 2.002 open to departments */
	mc_procedure_free_list(list, n);
	q = (mc_proc_query){.unit_id = f->commune, .limit = 50};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 4);
	mc_procedure_free_list(list, n);
	q = (mc_proc_query){.unit_id = f->district, .q = "xay dung", .limit = 50};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	mc_procedure_free_list(list, n);

	/* Total without asking for it; a bad limit. */
	q = (mc_proc_query){.limit = 2};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, NULL, &q), 0);
	assert_int_equal(n, 2);
	mc_procedure_free_list(list, n);
	q = (mc_proc_query){.limit = 0};
	assert_int_equal(mc_store_procedure_search(f->st, &list, &n, &total, &q), MC_EINVAL);
}

/* ---- text longer than the fixed fields of old ------------------------- */

/* n times the letter "ệ" (U+1EC7, three bytes of UTF-8). */
/* n copies of letter, a new string. */
static char *letters(const char *letter, size_t n)
{
	size_t len = strlen(letter);
	char *s = mc_xmalloc(n * len + 1);

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, letter, len);
	s[n * len] = '\0';
	return s;
}

/* A procedure whose texts are as long as the API lets them be, in
 * Vietnamese letters, is stored and read back whole: each is longer in bytes
 * than the array that held it before the store's strings were owned (name
 * 512 bytes, field 128, target, result and place 256, legal basis 2048, a
 * step's and a fee's name 256, a document's name 512 and form 256, a
 * decision 128), which cut or emptied it. So are a unit's and a user's. */
static void test_long_text(void **state)
{
	struct fixture *f = *state;
	char *name = letters("ệ", MC_LIMIT_PROCEDURE_NAME), *field = letters("ệ", MC_LIMIT_PROCEDURE_FIELD),
	     *target = letters("ệ", MC_LIMIT_PROCEDURE_TARGET),
	     *result = letters("ệ", MC_LIMIT_PROCEDURE_RESULT),
	     *place = letters("ệ", MC_LIMIT_PROCEDURE_PLACE),
	     *legal = letters("ệ", MC_LIMIT_PROCEDURE_LEGAL_BASIS),
	     *step = letters("ệ", MC_LIMIT_PROCEDURE_STEP_NAME),
	     *doc = letters("ệ", MC_LIMIT_PROCEDURE_DOCUMENT_NAME),
	     *form = letters("ệ", MC_LIMIT_PROCEDURE_DOCUMENT_FORM),
	     *fee = letters("ệ", MC_LIMIT_PROCEDURE_FEE_NAME),
	     *decision = letters("ệ", MC_LIMIT_PROCEDURE_PUBLICATION_DECISION),
	     *unit_name = letters("ệ", MC_LIMIT_UNIT_NAME), *address = letters("ệ", MC_LIMIT_UNIT_ADDRESS),
	     *full_name = letters("ệ", MC_LIMIT_USER_FULL_NAME);
	mc_proc_step steps[1] = {{1, step, "desk", "commune", 24}};
	mc_proc_doc docs[1] = {{1, doc, 1, 0, form, true, NULL, NULL}};
	mc_proc_fee fees[1] = {{"LP-1", fee, 8000}};
	mc_proc_pub pubs[1] = {{"new", decision, 17000}};
	mc_procedure p, got;
	mc_proc_field *fields = NULL;
	mc_pub_decision *decisions = NULL;
	size_t n = 0;

	assert_true(strlen(name) > 511 && strlen(legal) > 2047 && strlen(decision) > 127);
	proc_init(&p, "L.1", name, field, "commune", 0, 3);
	p.target = target;
	p.result = result;
	p.place = place;
	p.legal_basis = legal;
	p.steps = steps;
	p.n_steps = 1;
	p.docs = docs;
	p.n_docs = 1;
	p.fees = fees;
	p.n_fees = 1;
	p.pubs = pubs;
	p.n_pubs = 1;
	assert_int_equal(mc_store_procedure_create(f->st, &p), 0);
	assert_int_equal(mc_store_procedure_get(f->st, &got, "L.1", true), 0);
	assert_string_equal(got.name, name);
	assert_string_equal(got.field, field);
	assert_string_equal(got.target, target);
	assert_string_equal(got.result, result);
	assert_string_equal(got.place, place);
	assert_string_equal(got.legal_basis, legal);
	assert_int_equal(got.n_steps, 1);
	assert_string_equal(got.steps[0].name, step);
	assert_int_equal(got.n_docs, 1);
	assert_string_equal(got.docs[0].name, doc);
	assert_string_equal(got.docs[0].form, form);
	assert_int_equal(got.n_fees, 1);
	assert_string_equal(got.fees[0].name, fee);
	assert_int_equal(got.n_pubs, 1);
	assert_string_equal(got.pubs[0].decision, decision);
	mc_procedure_clear(&got);
	assert_null(got.name);

	/* The catalogue's fields and the decisions of a period, whole as well. */
	assert_int_equal(mc_store_procedure_fields(f->st, &fields, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(fields[0].field, field);
	mc_proc_field_free_list(fields, n);
	assert_int_equal(mc_store_procedure_pub_decisions(f->st, &decisions, &n, 16000, 18000), 0);
	assert_int_equal(n, 1);
	assert_string_equal(decisions[0].decision, decision);
	mc_pub_decision_free_list(decisions, n);

	/* A unit and a user at their limits. */
	mc_unit u = {0};
	mc_user usr = {
	    .username = "dai.ten", .full_name = full_name, .role = MC_ROLE_CITIZEN, .active = true};

	add_unit(f->st, f->district, "L-1", unit_name, "commune", "H56");
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "L-1"), 0);
	mc_unit edit = u; /* borrows u's strings */
	edit.address = address;
	assert_int_equal(mc_store_unit_update(f->st, &edit), 0);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "L-1"), 0);
	assert_string_equal(u.name, unit_name);
	assert_string_equal(u.address, address);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_user_create(f->st, &usr, "h"), 0);
	memset(&usr, 0, sizeof(usr));
	assert_int_equal(mc_store_user_by_username(f->st, &usr, NULL, 0, "dai.ten"), 0);
	assert_string_equal(usr.full_name, full_name);
	mc_user_clear(&usr);

	char *all[] = {name, field, target, result,   place,	 legal,	  step,
		       doc,  form,  fee,    decision, unit_name, address, full_name};
	for (size_t i = 0; i < MC_ARRAY_LEN(all); i++)
		free(all[i]);
}

/* ---- dossiers --------------------------------------------------------- */

/* Fills d, which owns its strings (store.h): whatever it held is cleared
 * first, so d must start zeroed; the test clears it when done. */
static void dossier_init(mc_dossier *d, const char *code, int64_t proc, int64_t unit, int state, int64_t due,
			 int64_t received, const char *applicant)
{
	mc_dossier_clear(d);
	d->code = mc_xstrdup(code);
	d->procedure_id = proc;
	d->receiving_unit_id = unit;
	d->current_unit_id = unit;
	d->channel = MC_CH_DIRECT;
	d->state = state;
	d->due_at = due;
	d->received_at = received;
	d->duration_hours = 24;
	d->applicant_name = mc_xstrdup(applicant);
	d->applicant_id_number = mc_xstrdup("038090001234");
	d->updated_at = received;
}

/* Replaces an owned string of a test's struct. */
static void set_str(char **field, const char *value)
{
	free(*field);
	*field = mc_xstrdup(value);
}

/* A dossier keeps the procedure's rules it was filed under: the insert copies
 * them from the procedure's row, and a later edit of the procedure leaves
 * them (the reception, a supplement and a calendar's recomputation read
 * them from the dossier). */
static void test_dossier_keeps_rules(void **state)
{
	struct fixture *f = *state;
	mc_procedure p;
	mc_dossier d = {0}, got = {0};

	proc_init(&p, "1.004", "Cấp giấy phép xây dựng", "Xây dựng", "commune", 0, 3);
	p.cutoff_min = 15 * 60;
	p.restart_on_supplement = true;
	assert_int_equal(mc_store_procedure_create(f->st, &p), 0);
	dossier_init(&d, "000.31.30.H56-250601-0009", p.id, f->commune, MC_ST_RECEIVED, 1750000000,
		     1749000000, "Lê Thị Ba");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	p.cutoff_min = -1;
	p.restart_on_supplement = false;
	assert_int_equal(mc_store_procedure_update(f->st, &p), 0);
	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, false), 0);
	assert_int_equal(got.cutoff_min, 15 * 60);
	assert_true(got.restart_on_supplement);
	/* one filed after the edit takes the new rules */
	dossier_init(&d, "000.31.30.H56-250601-0010", p.id, f->commune, MC_ST_RECEIVED, 1750000000,
		     1749000000, "Lê Thị Ba");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	mc_dossier_clear(&got);
	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, false), 0);
	assert_int_equal(got.cutoff_min, -1);
	assert_false(got.restart_on_supplement);
	mc_dossier_clear(&got);
	mc_dossier_clear(&d);
}

static void test_dossier_crud(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	int64_t desk = add_user(f->st, "desk", MC_ROLE_DESK, f->commune);
	char sha[65];
	mc_dossier_doc docs[2] = {0};
	mc_dossier d = {0};
	mc_dossier got;

	assert_int_equal(mc_store_attachment_put(f->st, sha, "%PDF-1.4 to khai", 16, "application/pdf"), 0);
	/* Lent to the dossier for its insert only: the store just reads them. */
	docs[0].seq = 1;
	docs[0].name = "Tờ khai đăng ký khai sinh";
	docs[0].originals = 1;
	strcpy(docs[0].sha256, sha);
	docs[0].filename = "to-khai.pdf";
	docs[0].mime = "application/pdf";
	docs[0].size = 16;
	docs[1].seq = 2;
	docs[1].name = "Giấy chứng sinh (bản giấy)";
	docs[1].copies = 1;

	dossier_init(&d, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_RECEIVED, 1750000000,
		     1749000000, "Nguyễn Văn An");
	d.handler_id = desk;
	set_str(&d.applicant_phone, "0912345678");
	set_str(&d.applicant_email, "an@example.vn");
	set_str(&d.applicant_address, "Thôn 1, xã Quảng Bình");
	set_str(&d.note, "ghi chú");
	d.docs = docs;
	d.n_docs = 2;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	d.docs = NULL;
	d.n_docs = 0;
	assert_true(d.id > 0);
	assert_int_equal(d.version, 1);
	/* The province comes from the receiving unit when not given. */
	assert_string_equal(d.province_code, "H56");

	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, true), 0);
	assert_int_equal(got.id, d.id);
	assert_string_equal(got.code, "000.31.30.H56-250601-0001");
	assert_string_equal(got.province_code, "H56");
	assert_int_equal(got.procedure_id, proc);
	assert_string_equal(got.procedure_code, "1.003");
	assert_int_equal(got.receiving_unit_id, f->commune);
	assert_int_equal(got.current_unit_id, f->commune);
	assert_int_equal(got.handler_id, desk);
	assert_int_equal(got.channel, MC_CH_DIRECT);
	assert_int_equal(got.state, MC_ST_RECEIVED);
	assert_string_equal(got.applicant_name, "Nguyễn Văn An");
	assert_string_equal(got.applicant_id_number, "038090001234");
	assert_string_equal(got.applicant_phone, "0912345678");
	assert_string_equal(got.applicant_email, "an@example.vn");
	assert_string_equal(got.applicant_address, "Thôn 1, xã Quảng Bình");
	assert_int_equal(got.owner_id, 0);
	assert_int_equal(got.duration_hours, 24);
	assert_int_equal(got.received_at, 1749000000);
	assert_int_equal(got.due_at, 1750000000);
	assert_int_equal(got.version, 1);
	assert_string_equal(got.note, "ghi chú");
	assert_int_equal(got.n_docs, 2);
	assert_string_equal(got.docs[0].sha256, sha);
	assert_string_equal(got.docs[0].filename, "to-khai.pdf");
	assert_string_equal(got.docs[0].mime, "application/pdf");
	assert_int_equal(got.docs[0].size, 16);
	assert_string_equal(got.docs[1].sha256, "");
	assert_int_equal(got.docs[1].copies, 1);
	mc_dossier_clear(&got);
	assert_null(got.docs);

	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, false), 0);
	assert_int_equal(got.n_docs, 0);
	assert_null(got.docs);
	mc_dossier_clear(&got);
	assert_int_equal(mc_store_dossier_get(f->st, &got, "nope", false), MC_ENOTFOUND);

	/* Duplicate code; unknown procedure, unit, attachment. */
	mc_dossier bad = {0};

	dossier_init(&bad, d.code, proc, f->commune, MC_ST_RECEIVED, 0, 0, "B");
	assert_int_equal(mc_store_dossier_insert(f->st, &bad), MC_ECONFLICT);
	dossier_init(&bad, "X-1", 99999, f->commune, MC_ST_RECEIVED, 0, 0, "B");
	assert_int_equal(mc_store_dossier_insert(f->st, &bad), MC_ENOTFOUND);
	dossier_init(&bad, "X-2", proc, 99999, MC_ST_RECEIVED, 0, 0, "B");
	assert_int_equal(mc_store_dossier_insert(f->st, &bad), MC_ENOTFOUND);
	dossier_init(&bad, "X-3", proc, f->commune, MC_ST_RECEIVED, 0, 0, "B");
	mc_dossier_doc ghost = {.seq = 1,
				.name = "x",
				.sha256 = "0000000000000000000000000000000000000000000000000000000000000000"};
	bad.docs = &ghost;
	bad.n_docs = 1;
	assert_int_equal(mc_store_dossier_insert(f->st, &bad), MC_ENOTFOUND);
	bad.docs = NULL;
	bad.n_docs = 0;
	/* None of the failed inserts left a row behind. */
	assert_int_equal(mc_store_dossier_get(f->st, &got, "X-3", false), MC_ENOTFOUND);

	/* Named by procedure code only. */
	dossier_init(&bad, "X-4", 0, f->commune, MC_ST_RECEIVED, 0, 0, "B");
	set_str(&bad.procedure_code, "1.003");
	assert_int_equal(mc_store_dossier_insert(f->st, &bad), 0);
	assert_int_equal(bad.procedure_id, proc);

	/* Update with the right version, then with a stale one. */
	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, false), 0);
	got.state = MC_ST_PROCESSING;
	got.current_unit_id = f->district;
	got.step = 2;
	set_str(&got.applicant_name, "Nguyễn Văn Bình");
	set_str(&got.note, "chuyển huyện");
	got.updated_at = 1749100000;
	assert_int_equal(mc_store_dossier_update(f->st, &got, 1), 0);
	assert_int_equal(got.version, 2);
	/* docs NULL: the documents stay. */
	mc_dossier now;

	assert_int_equal(mc_store_dossier_get(f->st, &now, d.code, true), 0);
	assert_int_equal(now.version, 2);
	assert_int_equal(now.state, MC_ST_PROCESSING);
	assert_int_equal(now.current_unit_id, f->district);
	assert_int_equal(now.receiving_unit_id, f->commune);
	assert_int_equal(now.step, 2);
	assert_string_equal(now.applicant_name, "Nguyễn Văn Bình");
	assert_string_equal(now.note, "chuyển huyện");
	assert_int_equal(now.updated_at, 1749100000);
	assert_int_equal(now.n_docs, 2);
	mc_dossier_clear(&now);

	got.state = MC_ST_RESOLVED;
	set_str(&got.note, "stale");
	assert_int_equal(mc_store_dossier_update(f->st, &got, 1), MC_ECONFLICT);
	assert_int_equal(got.version, 2);
	assert_int_equal(mc_store_dossier_get(f->st, &now, d.code, false), 0);
	assert_int_equal(now.version, 2);
	assert_int_equal(now.state, MC_ST_PROCESSING);
	assert_string_equal(now.note, "chuyển huyện");
	mc_dossier_clear(&now);

	/* Docs replaced when given, here by none. */
	mc_dossier_doc none[1];

	got.docs = none;
	got.n_docs = 0;
	assert_int_equal(mc_store_dossier_update(f->st, &got, 2), 0);
	assert_int_equal(got.version, 3);
	got.docs = NULL;
	assert_int_equal(mc_store_dossier_get(f->st, &now, d.code, true), 0);
	assert_int_equal(now.n_docs, 0);
	assert_int_equal(now.state, MC_ST_RESOLVED);
	mc_dossier_clear(&now);

	got.id = 99999;
	assert_int_equal(mc_store_dossier_update(f->st, &got, 3), MC_ENOTFOUND);
	mc_dossier_clear(&got);
	mc_dossier_clear(&bad);
	mc_dossier_clear(&d);
}

static void test_dossier_list(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	int64_t desk = add_user(f->st, "desk", MC_ROLE_DESK, f->commune);
	int64_t citizen = add_user(f->st, "citizen", MC_ROLE_CITIZEN, 0);
	mc_dossier d = {0};
	mc_dossier *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	mc_dossier_query q;

	/* Open ones with due times 300, 100, none, 200; closed received at 10, 30, 20. */
	dossier_init(&d, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_PROCESSING, 300, 1000,
		     "Nguyễn Văn An");
	d.handler_id = desk;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	dossier_init(&d, "000.31.30.H56-250601-0002", proc, f->commune, MC_ST_RECEIVED, 100, 2000,
		     "Trần Thị Bích");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	dossier_init(&d, "000.32.30.H56-250601-0001", proc, f->commune2, MC_ST_SUBMITTED, 0, 0,
		     "Lê Văn Cường");
	d.channel = MC_CH_ONLINE;
	d.owner_id = citizen;
	set_str(&d.applicant_id_number, "038200009999");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	/* Received at commune2, now at the district. */
	dossier_init(&d, "000.32.30.H56-250602-0001", proc, f->commune2, MC_ST_PROCESSING, 200, 3000,
		     "Phạm Đức Dũng");
	d.current_unit_id = f->district;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	dossier_init(&d, "000.31.30.H56-250501-0001", proc, f->commune, MC_ST_RETURNED, 50, 10,
		     "Hoàng Thị Én");
	d.owner_id = citizen;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	dossier_init(&d, "000.31.30.H56-250501-0002", proc, f->commune, MC_ST_WITHDRAWN, 60, 30,
		     "Vũ Văn Giang");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	dossier_init(&d, "000.31.30.H56-250501-0003", proc, f->commune, MC_ST_NOT_ACCEPTED, 0, 20,
		     "Đỗ Thị Hà");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	/* Another province. */
	dossier_init(&d, "000.00.00.H40-250601-0001", proc, f->other_province, MC_ST_RECEIVED, 1, 1,
		     "Ngô Văn Ích");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	assert_string_equal(d.province_code, "H40");

	/* Everything, in order. */
	q = (mc_dossier_query){.limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 8);
	assert_int_equal(total, 8);
	static const char *const order[] = {
	    "000.00.00.H40-250601-0001", /* open, due 1 */
	    "000.31.30.H56-250601-0002", /* open, due 100 */
	    "000.32.30.H56-250602-0001", /* open, due 200 */
	    "000.31.30.H56-250601-0001", /* open, due 300 */
	    "000.32.30.H56-250601-0001", /* open, no due time */
	    "000.31.30.H56-250501-0002", /* closed, received 30 */
	    "000.31.30.H56-250501-0003", /* closed, received 20 */
	    "000.31.30.H56-250501-0001", /* closed, received 10 */
	};
	for (size_t i = 0; i < n; i++)
		assert_string_equal(list[i].code, order[i]);
	assert_int_equal(list[0].n_docs, 0);
	assert_string_equal(list[1].procedure_code, "1.003");
	mc_dossier_free_list(list, n);

	/* Page. */
	q = (mc_dossier_query){.limit = 2, .offset = 4};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 8);
	assert_string_equal(list[0].code, order[4]);
	assert_string_equal(list[1].code, order[5]);
	mc_dossier_free_list(list, n);

	/* Unit subtree: current or receiving unit within it. */
	q = (mc_dossier_query){.unit_id = f->province, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 7);
	mc_dossier_free_list(list, n);
	q.unit_id = f->district;
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 7);
	mc_dossier_free_list(list, n);
	q.unit_id = f->commune2; /* received there, one moved on to the district */
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	mc_dossier_free_list(list, n);
	q.unit_id = f->dept;
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	assert_int_equal(n, 0);
	mc_dossier_free_list(list, n);
	q.unit_id = f->other_province;
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	mc_dossier_free_list(list, n);

	/* Owner, handler, state, open only. */
	q = (mc_dossier_query){.owner_id = citizen, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	assert_string_equal(list[0].code, "000.32.30.H56-250601-0001");
	mc_dossier_free_list(list, n);
	q = (mc_dossier_query){.handler_id = desk, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	mc_dossier_free_list(list, n);
	q = (mc_dossier_query){.state = MC_ST_PROCESSING, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	mc_dossier_free_list(list, n);
	q = (mc_dossier_query){.open_only = true, .unit_id = f->province, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 4);
	mc_dossier_free_list(list, n);

	/* q: code prefix (any case), folded name part, id number. */
	q = (mc_dossier_query){.q = "000.31.30.h56-2506", .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	mc_dossier_free_list(list, n);
	q.q = "  van an ";
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_string_equal(list[0].applicant_name, "Nguyễn Văn An");
	mc_dossier_free_list(list, n);
	q.q = "ĐỖ THỊ";
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	mc_dossier_free_list(list, n);
	q.q = "038200009999";
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_string_equal(list[0].applicant_name, "Lê Văn Cường");
	mc_dossier_free_list(list, n);
	q.q = "%";
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_dossier_free_list(list, n);

	/* Received range [from, to). */
	q = (mc_dossier_query){.received_from = 20, .received_to = 2000, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 3); /* 20, 30, 1000 */
	mc_dossier_free_list(list, n);
	q = (mc_dossier_query){.received_to = 25, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 3); /* 1, 10, 20; never-received ones are not in a range */
	mc_dossier_free_list(list, n);

	/* Combined. */
	q = (mc_dossier_query){.unit_id = f->commune, .open_only = true, .q = "thi", .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_string_equal(list[0].applicant_name, "Trần Thị Bích");
	mc_dossier_free_list(list, n);

	q = (mc_dossier_query){.limit = 201};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), MC_EINVAL);
	mc_dossier_clear(&d);
}

/* The centres' views (mc_dossier_query.view): the dossiers a centre received
 * for another unit, and those it hands back once their result is ready. */
static void test_dossier_list_views(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.004", "Chứng thực bản sao", "Chứng thực", "commune", 0, 4);
	static const int states[] = {MC_ST_PROCESSING, MC_ST_RESOLVED, MC_ST_RETURNED};
	mc_dossier d = {0};
	mc_dossier *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	mc_dossier_query q;
	char code[40];

	/* Competent commune2, received at commune, returned at dept: being decided,
	 * resolved, returned; and one of commune2's own. */
	for (int i = 0; i < 3; i++) {
		snprintf(code, sizeof code, "000.32.30.H56-250601-000%d", i + 1);
		dossier_init(&d, code, proc, f->commune2, states[i], 100 + i, 1000 + i, "Lê Thị Trả");
		d.reception_unit_id = f->commune;
		d.return_unit_id = f->dept;
		assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	}
	dossier_init(&d, "000.32.30.H56-250601-0004", proc, f->commune2, MC_ST_RESOLVED, 50, 900,
		     "Lê Văn Riêng");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);

	static const struct {
		int view;
		bool open_only;
		int64_t want;
	} cases[] = {
	    {MC_DOSSIER_VIEW_UNIT, false, 4},	   /* commune2's: all four */
	    {MC_DOSSIER_VIEW_RECEPTION, false, 3}, /* received at commune */
	    {MC_DOSSIER_VIEW_RETURN, false, 2},	   /* at dept, result ready */
	    {MC_DOSSIER_VIEW_RETURN, true, 1},	   /* ... still to hand back */
	};
	const int64_t units[] = {f->commune2, f->commune, f->dept, f->dept};
	for (size_t i = 0; i < MC_ARRAY_LEN(cases); i++) {
		q = (mc_dossier_query){.unit_id = units[i],
				       .view = cases[i].view,
				       .open_only = cases[i].open_only,
				       .limit = 200};
		assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
		assert_int_equal(total, cases[i].want);
		assert_int_equal(n, (size_t)cases[i].want);
		mc_dossier_free_list(list, n);
	}
	/* The district above commune sees its receptions; the province, dept's returns. */
	q = (mc_dossier_query){.unit_id = f->district, .view = MC_DOSSIER_VIEW_RECEPTION, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 3);
	mc_dossier_free_list(list, n);
	q = (mc_dossier_query){.unit_id = f->province, .view = MC_DOSSIER_VIEW_RETURN, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	assert_string_equal(list[0].code, "000.32.30.H56-250601-0002"); /* open first */
	assert_int_equal(list[0].return_unit_id, f->dept);
	mc_dossier_free_list(list, n);
	/* None elsewhere: the competent unit, the receiving centre's return view. */
	q = (mc_dossier_query){.unit_id = f->commune2, .view = MC_DOSSIER_VIEW_RECEPTION, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_dossier_free_list(list, n);
	q = (mc_dossier_query){.unit_id = f->commune, .view = MC_DOSSIER_VIEW_RETURN, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_dossier_free_list(list, n);
	/* A view needs a unit. */
	q = (mc_dossier_query){.view = MC_DOSSIER_VIEW_RETURN, .limit = 200};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), MC_EINVAL);
	mc_dossier_clear(&d);
}

static void test_next_seq(void **state)
{
	struct fixture *f = *state;
	int a = 0;
	int b = 0;
	int c = 0;

	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &a, f->commune, 20000, MC_CODE_DESK), 0);
	assert_int_equal(a, 1);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &a, f->commune, 20000, MC_CODE_DESK), 0);
	assert_int_equal(a, 2);
	/* Other unit, other day: their own counters. */
	assert_int_equal(mc_store_dossier_next_seq(f->st, &b, f->commune2, 20000, MC_CODE_DESK), 0);
	assert_int_equal(b, 1);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &b, f->commune, 20001, MC_CODE_DESK), 0);
	assert_int_equal(b, 1);

	/* A savepoint takes 3 and is rolled back: 3 is not handed out again. */
	assert_int_equal(mc_store_savepoint(f->st), 0);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &a, f->commune, 20000, MC_CODE_DESK), 0);
	assert_int_equal(a, 3);
	assert_int_equal(mc_store_savepoint_rollback(f->st), 0);
	assert_int_equal(mc_store_savepoint(f->st), 0);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &b, f->commune, 20000, MC_CODE_DESK), 0);
	assert_true(b > a);
	assert_int_equal(mc_store_savepoint_release(f->st), 0);
	assert_int_equal(mc_store_commit(f->st), 0);

	/* After the commit, and on a new transaction, it keeps growing. */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &c, f->commune, 20000, MC_CODE_DESK), 0);
	assert_true(c > b);
	assert_int_equal(mc_store_rollback(f->st), 0);

	/* A second connection sees the committed counter. */
	mc_store *st2 = NULL;
	int d = 0;

	assert_int_equal(mc_store_open(&st2, f->path), 0);
	assert_int_equal(mc_store_begin(st2), 0);
	assert_int_equal(mc_store_dossier_next_seq(st2, &d, f->commune, 20000, MC_CODE_DESK), 0);
	assert_true(d > b);
	assert_int_equal(mc_store_commit(st2), 0);
	mc_store_close(st2);

	/* An unknown unit. */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &a, 99999, 20000, MC_CODE_DESK), MC_ENOTFOUND);
	assert_int_equal(mc_store_rollback(f->st), 0);
}

/* Online submissions number in their own space (core/code.h): taking past
 * the desk's 9,999 there leaves the desk's numbers of the day untouched. */
static void test_next_seq_online(void **state)
{
	struct fixture *f = *state;
	int a = 0;
	int b = 0;

	assert_int_equal(mc_store_begin(f->st), 0);
	for (int i = 0; i < MC_CODE_DESK_MAX + 1; i++)
		assert_int_equal(mc_store_dossier_next_seq(f->st, &a, f->commune, 20000, MC_CODE_ONLINE), 0);
	assert_int_equal(a, MC_CODE_DESK_MAX + 1);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &b, f->commune, 20000, MC_CODE_DESK), 0);
	assert_int_equal(b, 1);

	/* Each space keeps its own mark across a rolled-back savepoint. */
	assert_int_equal(mc_store_savepoint(f->st), 0);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &a, f->commune, 20000, MC_CODE_ONLINE), 0);
	assert_int_equal(a, MC_CODE_DESK_MAX + 2);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &b, f->commune, 20000, MC_CODE_DESK), 0);
	assert_int_equal(b, 2);
	assert_int_equal(mc_store_savepoint_rollback(f->st), 0);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &a, f->commune, 20000, MC_CODE_ONLINE), 0);
	assert_int_equal(a, MC_CODE_DESK_MAX + 3);
	assert_int_equal(mc_store_dossier_next_seq(f->st, &b, f->commune, 20000, MC_CODE_DESK), 0);
	assert_int_equal(b, 3);
	assert_int_equal(mc_store_commit(f->st), 0);

	/* A second connection continues both. */
	mc_store *st2 = NULL;
	assert_int_equal(mc_store_open(&st2, f->path), 0);
	assert_int_equal(mc_store_begin(st2), 0);
	assert_int_equal(mc_store_dossier_next_seq(st2, &a, f->commune, 20000, MC_CODE_ONLINE), 0);
	assert_int_equal(a, MC_CODE_DESK_MAX + 4);
	assert_int_equal(mc_store_dossier_next_seq(st2, &b, f->commune, 20000, MC_CODE_DESK), 0);
	assert_int_equal(b, 4);
	assert_int_equal(mc_store_commit(st2), 0);
	mc_store_close(st2);
}

/* ---- online filings --------------------------------------------------- */

static int64_t add_submission(struct fixture *f, int64_t proc, const char *code, int64_t unit, int64_t owner,
			      const char *peer, int64_t at)
{
	mc_dossier d = {0};

	dossier_init(&d, code, proc, unit, MC_ST_SUBMITTED, 0, 0, "Nguyễn Văn An");
	d.channel = MC_CH_ONLINE;
	d.owner_id = owner;
	d.submitted_at = at;
	d.updated_at = at;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	if (peer)
		assert_int_equal(mc_store_filing_record(f->st, d.id, owner, peer, at), 0);
	int64_t id = d.id;

	mc_dossier_clear(&d);
	return id;
}

static void test_filings(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	int64_t a = add_user(f->st, "congdan-a", MC_ROLE_CITIZEN, 0);
	int64_t b = add_user(f->st, "congdan-b", MC_ROLE_CITIZEN, 0);
	const int64_t t = 1750000000;
	int64_t at = 0;

	int64_t first = add_submission(f, proc, "000.31.30.H56-250615-000001", f->commune, a, "10.0.0.1", t);
	add_submission(f, proc, "000.31.30.H56-250615-000002", f->commune, a, "10.0.0.1", t + 10);
	add_submission(f, proc, "000.31.30.H56-250615-000003", f->commune, a, "10.0.0.1", t + 20);
	add_submission(f, proc, "000.32.30.H56-250615-000001", f->commune2, b, "10.0.0.1", t + 30);
	add_submission(f, proc, "000.31.30.H56-250615-000004", f->commune, a, "2001:db8:1:2::/64", t + 40);
	/* Filed before filings were recorded: no address. */
	add_submission(f, proc, "000.31.30.H56-250614-000001", f->commune, b, NULL, t - 86400);
	/* Received by the desk: no longer waiting. */
	mc_dossier rec = {0};
	dossier_init(&rec, "000.31.30.H56-250615-0001", proc, f->commune, MC_ST_RECEIVED, t + 9999, t,
		     "Lê Thị Hoa");
	assert_int_equal(mc_store_dossier_insert(f->st, &rec), 0);

	/* The n-th newest filing of an account, of an address, since a time. */
	assert_int_equal(mc_store_filing_nth(f->st, &at, a, NULL, t, 1), 0);
	assert_int_equal(at, t + 40);
	assert_int_equal(mc_store_filing_nth(f->st, &at, a, NULL, t, 4), 0);
	assert_int_equal(at, t);
	assert_int_equal(mc_store_filing_nth(f->st, &at, a, NULL, t, 5), MC_ENOTFOUND);
	assert_int_equal(mc_store_filing_nth(f->st, &at, a, NULL, t + 15, 2), 0);
	assert_int_equal(at, t + 20);
	assert_int_equal(mc_store_filing_nth(f->st, &at, a, NULL, t + 15, 3), MC_ENOTFOUND);
	assert_int_equal(mc_store_filing_nth(f->st, &at, 0, "10.0.0.1", 0, 1), 0);
	assert_int_equal(at, t + 30);
	assert_int_equal(mc_store_filing_nth(f->st, &at, 0, "10.0.0.1", 0, 4), 0);
	assert_int_equal(at, t);
	assert_int_equal(mc_store_filing_nth(f->st, &at, 0, "10.0.0.1", 0, 5), MC_ENOTFOUND);
	assert_int_equal(mc_store_filing_nth(f->st, &at, 0, "10.0.0.2", 0, 1), MC_ENOTFOUND);
	assert_int_equal(mc_store_filing_nth(f->st, &at, 0, "2001:db8:1:2::/64", 0, 1), 0);
	assert_int_equal(at, t + 40);
	assert_int_equal(mc_store_filing_nth(f->st, &at, a, "10.0.0.1", 0, 1), MC_EINVAL);
	assert_int_equal(mc_store_filing_nth(f->st, &at, 0, NULL, 0, 1), MC_EINVAL);
	assert_int_equal(mc_store_filing_nth(f->st, &at, a, NULL, 0, 0), MC_EINVAL);

	/* One record per dossier, of a real account. */
	assert_int_equal(mc_store_filing_record(f->st, first, a, "10.0.0.1", t), MC_ECONFLICT);
	assert_int_equal(mc_store_filing_record(f->st, rec.id, 99999, "10.0.0.1", t), MC_ENOTFOUND);
	assert_int_equal(mc_store_filing_nth(f->st, &at, 0, "10.0.0.1", 0, 5), MC_ENOTFOUND);
	/* The lock is taken inside a write transaction and held to its end. */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_filing_lock(f->st, a, "10.0.0.1"), 0);
	assert_int_equal(mc_store_filing_lock(f->st, a, ""), 0);
	assert_int_equal(mc_store_commit(f->st), 0);

	/* The desk's view: waiting submissions in the unit's subtree, oldest first. */
	mc_submission *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	mc_submission_query q = {.unit_id = f->district, .limit = 500};
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 6);
	assert_int_equal(n, 6);
	assert_string_equal(list[0].code, "000.31.30.H56-250614-000001");
	assert_string_equal(list[0].account, "congdan-b");
	assert_string_equal(list[0].peer, "");
	assert_string_equal(list[1].code, "000.31.30.H56-250615-000001");
	assert_string_equal(list[1].procedure_code, "1.003");
	assert_string_equal(list[1].applicant_name, "Nguyễn Văn An");
	assert_string_equal(list[1].account, "congdan-a");
	assert_string_equal(list[1].peer, "10.0.0.1");
	assert_int_equal(list[1].owner_id, a);
	assert_int_equal(list[1].receiving_unit_id, f->commune);
	assert_int_equal(list[1].submitted_at, t);
	assert_int_equal(list[1].version, 1);
	assert_string_equal(list[5].peer, "2001:db8:1:2::/64");
	mc_submission_free_list(list, n);

	q.limit = 2;
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 6);
	assert_int_equal(n, 2);
	mc_submission_free_list(list, n);
	q.limit = 500;
	q.owner_id = a;
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 4);
	mc_submission_free_list(list, n);
	q.peer = "10.0.0.1";
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 3);
	mc_submission_free_list(list, n);
	q = (mc_submission_query){.unit_id = f->district, .peer = "10.0.0.1", .limit = 500};
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 4);
	mc_submission_free_list(list, n);
	q = (mc_submission_query){.unit_id = f->district, .from = t + 15, .to = t + 35, .limit = 500};
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].code, "000.31.30.H56-250615-000003");
	assert_string_equal(list[1].code, "000.32.30.H56-250615-000001");
	mc_submission_free_list(list, n);
	/* Another commune's desk sees its own only; another province's nothing. */
	q = (mc_submission_query){.unit_id = f->commune2, .limit = 500};
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].code, "000.32.30.H56-250615-000001");
	mc_submission_free_list(list, n);
	q.unit_id = f->other_province;
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	mc_submission_free_list(list, n);
	q.unit_id = 99999;
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 0);
	mc_submission_free_list(list, n);
	q.limit = 0;
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), MC_EINVAL);
	q.limit = MC_SUBMISSION_LIST_MAX + 1;
	assert_int_equal(mc_store_submission_list(f->st, &list, &n, &total, &q), MC_EINVAL);

	/* Counted per account and per address, most first. */
	mc_submission_group *g = NULL;
	q = (mc_submission_query){.unit_id = f->district, .limit = 500};
	assert_int_equal(mc_store_submission_groups(f->st, &g, &n, &q, false, 10), 0);
	assert_int_equal(n, 2);
	assert_string_equal(g[0].key, "congdan-a");
	assert_int_equal(g[0].count, 4);
	assert_int_equal(g[0].first_at, t);
	assert_int_equal(g[0].last_at, t + 40);
	assert_string_equal(g[1].key, "congdan-b");
	assert_int_equal(g[1].count, 2);
	mc_submission_group_free_list(g, n);
	assert_int_equal(mc_store_submission_groups(f->st, &g, &n, &q, true, 10), 0);
	assert_int_equal(n, 3);
	assert_string_equal(g[0].key, "10.0.0.1");
	assert_int_equal(g[0].count, 4);
	/* One each: the oldest first. */
	assert_string_equal(g[1].key, "");
	assert_string_equal(g[2].key, "2001:db8:1:2::/64");
	mc_submission_group_free_list(g, n);
	assert_int_equal(mc_store_submission_groups(f->st, &g, &n, &q, true, 1), 0);
	assert_int_equal(n, 1);
	mc_submission_group_free_list(g, n);
	assert_int_equal(mc_store_submission_groups(f->st, &g, &n, &q, true, 0), MC_EINVAL);
	mc_dossier_clear(&rec);
}

/* ---- events ----------------------------------------------------------- */

static void test_events(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	int64_t desk = add_user(f->st, "desk", MC_ROLE_DESK, f->commune);
	mc_dossier d = {0};
	mc_event e = {0};
	mc_event *list = NULL;
	size_t n = 0;

	dossier_init(&d, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_RECEIVED, 100, 10, "An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);

	e.dossier_id = d.id;
	e.at = 10;
	e.actor_id = desk;
	e.actor_name = "Cán bộ một cửa";
	e.unit_id = f->commune;
	e.action = "receive";
	e.from_state = 0;
	e.to_state = MC_ST_RECEIVED;
	e.note = "tiếp nhận";
	/* Chained by the app layer (core/audit.h): the first link covers "". */
	char head[65];
	char expect[65];

	assert_int_equal(mc_store_event_head(f->st, head, d.id), 0);
	assert_string_equal(head, "");
	assert_int_equal(mc_app_dossier_event_append(f->st, &e), 0);
	int64_t first = e.id;

	assert_true(first > 0);
	/* Version 2: the name and the note through their salted hash. */
	char personal[65];
	assert_int_equal(e.hash_version, MC_AUDIT_V2);
	assert_int_equal(strlen(e.personal_salt), 32);
	mc_audit_personal_hash(personal, e.personal_salt, "Cán bộ một cửa", "tiếp nhận");
	assert_string_equal(e.personal_hash, personal);
	mc_audit_event_hash_v2(expect, "", d.id, 10, desk, f->commune, "receive", 0, MC_ST_RECEIVED, 0,
			       personal);
	assert_string_equal(e.hash, expect);
	assert_int_equal(mc_store_event_head(f->st, head, d.id), 0);
	assert_string_equal(head, expect);

	e.at = 20;
	e.actor_id = 0;
	e.actor_name = "";
	e.unit_id = f->district;
	e.action = "transfer";
	e.from_state = MC_ST_RECEIVED;
	e.to_state = MC_ST_PROCESSING;
	e.step = 2;
	e.note = "";
	/* The store records the hash it is given, and takes no event without one. */
	e.hash[0] = '\0';
	assert_int_equal(mc_store_event_append(f->st, &e), MC_EINVAL);
	/* An event of version 1 (as before migration 016) is stored as given. */
	e.hash_version = MC_AUDIT_V1;
	e.personal_hash[0] = e.personal_salt[0] = '\0';
	mc_audit_event_hash(e.hash, head, d.id, 20, 0, "", f->district, "transfer", MC_ST_RECEIVED,
			    MC_ST_PROCESSING, 2, "");
	snprintf(expect, sizeof expect, "%s", e.hash);
	assert_int_equal(mc_store_event_append(f->st, &e), 0);
	assert_true(e.id > first);
	assert_int_equal(mc_store_event_head(f->st, head, d.id), 0);
	assert_string_equal(head, expect);
	e.dossier_id = 99999;
	assert_int_equal(mc_app_dossier_event_append(f->st, &e), MC_ENOTFOUND);
	assert_int_equal(mc_store_event_head(f->st, head, 99999), 0);
	assert_string_equal(head, "");

	assert_int_equal(mc_store_event_list(f->st, &list, &n, d.id), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, first);
	assert_int_equal(list[0].dossier_id, d.id);
	assert_int_equal(list[0].at, 10);
	assert_int_equal(list[0].actor_id, desk);
	assert_string_equal(list[0].actor_name, "Cán bộ một cửa");
	assert_int_equal(list[0].unit_id, f->commune);
	assert_string_equal(list[0].action, "receive");
	assert_int_equal(list[0].to_state, MC_ST_RECEIVED);
	assert_string_equal(list[0].note, "tiếp nhận");
	assert_int_equal(list[1].actor_id, 0);
	assert_string_equal(list[1].action, "transfer");
	assert_int_equal(list[1].from_state, MC_ST_RECEIVED);
	assert_int_equal(list[1].step, 2);
	assert_string_equal(list[1].hash, expect);
	assert_int_equal(list[0].hash_version, MC_AUDIT_V2);
	assert_string_equal(list[0].personal_hash, personal);
	assert_int_equal(list[0].pseudonymised_at, 0);
	assert_int_equal(list[1].hash_version, MC_AUDIT_V1);
	assert_string_equal(list[1].personal_hash, "");
	mc_event_free_list(list, n);
	assert_int_equal(mc_store_event_list(f->st, &list, &n, 99999), 0);
	assert_int_equal(n, 0);
	mc_event_free_list(list, n);

	/* Tamper from outside the store: the log refuses to change. */
	char err[512];

	assert_int_not_equal(raw_exec(f, "UPDATE event SET note = 'forged'", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "append-only"));
	assert_int_not_equal(raw_exec(f, "DELETE FROM event", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "append-only"));
	/* The rows also carry the province, for distribution by province later. */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM event WHERE province_code = 'H56'"), 2);

	assert_int_equal(mc_store_event_list(f->st, &list, &n, d.id), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].note, "tiếp nhận");
	mc_event_free_list(list, n);
	mc_dossier_clear(&d);
}

/* Every event once, in chain order (dossier, then insertion), page after
 * page; a non-zero answer of the callback stops the scan and is returned. */
struct scan_seen {
	int64_t n, stop_at, disorder;
	int64_t last_dossier, last_id;
};

static int scan_cb(const mc_event *e, void *payload)
{
	struct scan_seen *s = payload;

	if (e->dossier_id < s->last_dossier || (e->dossier_id == s->last_dossier && e->id <= s->last_id))
		s->disorder++;
	s->last_dossier = e->dossier_id;
	s->last_id = e->id;
	s->n++;
	return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

static void test_event_scan(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	mc_dossier a = {0}, b = {0};
	struct scan_seen seen = {0};

	dossier_init(&a, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_RECEIVED, 100, 10, "An");
	assert_int_equal(mc_store_dossier_insert(f->st, &a), 0);
	dossier_init(&b, "000.31.30.H56-250601-0002", proc, f->commune, MC_ST_RECEIVED, 100, 10, "Bình");
	assert_int_equal(mc_store_dossier_insert(f->st, &b), 0);
	/* Interleaved, so that insertion order is not chain order; more than a page. */
	assert_int_equal(mc_store_begin(f->st), 0);
	for (int i = 0; i < 2101; i++) {
		mc_event e = {.dossier_id = i % 2 ? a.id : b.id, .at = 10 + i, .to_state = MC_ST_RECEIVED};

		e.action = "receive";
		assert_int_equal(mc_app_dossier_event_append(f->st, &e), 0);
	}
	assert_int_equal(mc_store_commit(f->st), 0);

	assert_int_equal(mc_store_event_scan(f->st, scan_cb, &seen), 0);
	assert_int_equal(seen.n, 2101);
	assert_int_equal(seen.disorder, 0);
	seen = (struct scan_seen){.stop_at = 1500};
	assert_int_equal(mc_store_event_scan(f->st, scan_cb, &seen), 7);
	assert_int_equal(seen.n, 1500);
	mc_dossier_clear(&a);
	mc_dossier_clear(&b);
}

/* What the public lookup reads at once: the dossier, its procedure's name and
 * the public fields of its events in order. */
static void test_dossier_public(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	mc_dossier d = {0}, quiet = {0}, out;
	mc_event *ev = NULL;
	size_t n = 0;
	char *name = NULL;
	int64_t version = 0;

	dossier_init(&d, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_PROCESSING, 100, 10, "An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	dossier_init(&quiet, "000.31.30.H56-250601-0002", proc, f->commune, MC_ST_RECEIVED, 100, 10, "Bình");
	assert_int_equal(mc_store_dossier_insert(f->st, &quiet), 0);
	mc_event e = {.dossier_id = d.id,
		      .at = 20,
		      .actor_id = 0,
		      .unit_id = f->district,
		      .from_state = MC_ST_RECEIVED,
		      .to_state = MC_ST_PROCESSING,
		      .step = 2};
	e.action = "transfer";
	e.note = "ghi chú nội bộ";
	assert_int_equal(mc_app_dossier_event_append(f->st, &e), 0);
	e = (mc_event){.dossier_id = d.id, .at = 10, .unit_id = f->commune, .to_state = MC_ST_RECEIVED};
	e.action = "receive";
	assert_int_equal(mc_app_dossier_event_append(f->st, &e), 0);

	assert_int_equal(mc_store_dossier_public(f->st, &out, &name, &ev, &n, d.code), 0);
	assert_int_equal(out.id, d.id);
	assert_int_equal(out.state, MC_ST_PROCESSING);
	assert_string_equal(out.procedure_code, "1.003");
	assert_null(out.docs);
	assert_string_equal(name, "Đăng ký khai sinh");
	assert_int_equal(n, 2);
	/* In time order, not insertion order. */
	assert_string_equal(ev[0].action, "receive");
	assert_int_equal(ev[0].at, 10);
	assert_int_equal(ev[0].dossier_id, d.id);
	assert_int_equal(ev[0].to_state, MC_ST_RECEIVED);
	assert_string_equal(ev[1].action, "transfer");
	assert_int_equal(ev[1].unit_id, f->district);
	assert_int_equal(ev[1].from_state, MC_ST_RECEIVED);
	assert_int_equal(ev[1].step, 2);
	assert_true(ev[1].id > 0);
	/* Only the public fields. */
	assert_string_equal(ev[1].note, "");
	assert_string_equal(ev[1].hash, "");
	mc_event_free_list(ev, n);
	mc_dossier_clear(&out);
	free(name);

	assert_int_equal(mc_store_dossier_public(f->st, &out, &name, &ev, &n, quiet.code), 0);
	assert_int_equal(out.id, quiet.id);
	assert_int_equal(n, 0);
	mc_event_free_list(ev, n);
	mc_dossier_clear(&out);
	free(name);
	assert_int_equal(mc_store_dossier_public(f->st, &out, &name, &ev, &n, "nope"), MC_ENOTFOUND);
	assert_int_equal(n, 0);

	assert_int_equal(mc_store_dossier_version(f->st, &version, d.code), 0);
	assert_int_equal(version, 1);
	assert_int_equal(mc_store_dossier_version(f->st, &version, "nope"), MC_ENOTFOUND);
	mc_dossier_clear(&d);
	mc_dossier_clear(&quiet);
}

/* Texts within their character limits (core/limits.h) but longer in bytes
 * than the arrays they were kept in before (e-mail 128 bytes, identity and
 * phone numbers 32, an event's actor 256, a note 4096) are stored and read
 * back whole, by every read: get, list, search, the public lookup, the
 * submissions, the event log. The old arrays could not hold them; a row that
 * held them failed to read (MC_ETOOBIG). */
static void test_dossier_long_texts(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	int64_t citizen = add_user(f->st, "congdan", MC_ROLE_CITIZEN, 0);
	char *name = letters("ễ", 120);	    /* 360 bytes */
	char *email = letters("ữ", 122);    /* + "@x.vn": 127 characters, 371 bytes */
	char *number = letters("ệ", 31);    /* 93 bytes */
	char *address = letters("𠀧", 250); /* a chữ Nôm character of four bytes: 1,000 bytes */
	char *doc_name = letters("𠀧", 120);
	char *note = letters("ờ", 1000); /* 3,000 bytes */
	char *actor = letters("ầ", 120); /* 360 bytes */
	mc_dossier d = {0}, got = {0};
	mc_dossier_doc doc = {.seq = 1, .name = doc_name, .originals = 1};

	dossier_init(&d, "000.31.30.H56-250601-000001", proc, f->commune, MC_ST_SUBMITTED, 0, 0, name);
	d.channel = MC_CH_ONLINE;
	d.owner_id = citizen;
	d.submitted_at = 1750000000;
	set_str(&d.applicant_id_number, number);
	set_str(&d.applicant_phone, number);
	free(d.applicant_email);
	d.applicant_email = mc_xmalloc(strlen(email) + sizeof "@x.vn");
	sprintf(d.applicant_email, "%s@x.vn", email);
	set_str(&d.applicant_address, address);
	set_str(&d.note, note);
	d.docs = &doc; /* lent for the insert */
	d.n_docs = 1;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	d.docs = NULL;
	d.n_docs = 0;
	assert_true(strlen(d.applicant_email) > 128 && strlen(number) > 32);

	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, true), 0);
	assert_string_equal(got.applicant_name, name);
	assert_string_equal(got.applicant_id_number, number);
	assert_string_equal(got.applicant_phone, number);
	assert_string_equal(got.applicant_email, d.applicant_email);
	assert_string_equal(got.applicant_address, address);
	assert_string_equal(got.note, note);
	assert_int_equal(got.n_docs, 1);
	assert_string_equal(got.docs[0].name, doc_name);

	/* Written back by an update. */
	set_str(&got.note, actor);
	assert_int_equal(mc_store_dossier_update(f->st, &got, got.version), 0);
	mc_dossier_clear(&got);
	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, false), 0);
	assert_string_equal(got.note, actor);
	mc_dossier_clear(&got);

	/* Found by its folded name and its identity number, and listed whole. */
	mc_dossier *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	mc_dossier_query q = {.q = name, .limit = 10};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].applicant_email, d.applicant_email);
	mc_dossier_free_list(list, n);
	q = (mc_dossier_query){.q = number, .limit = 10};
	assert_int_equal(mc_store_dossier_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	mc_dossier_free_list(list, n);

	/* The desk's queue of submissions. */
	mc_submission *sub = NULL;
	mc_submission_query sq = {.unit_id = f->commune, .limit = 10};
	assert_int_equal(mc_store_submission_list(f->st, &sub, &n, &total, &sq), 0);
	assert_int_equal(n, 1);
	assert_string_equal(sub[0].applicant_name, name);
	mc_submission_free_list(sub, n);

	/* The event log: a long actor's name and note, hashed and read whole. */
	mc_event e = {.dossier_id = d.id,
		      .at = 1750000100,
		      .actor_name = actor,
		      .action = "refuse",
		      .from_state = MC_ST_SUBMITTED,
		      .to_state = MC_ST_NOT_ACCEPTED,
		      .note = note};
	char expect[65];

	assert_int_equal(mc_app_dossier_event_append(f->st, &e), 0);
	char personal[65];
	mc_audit_personal_hash(personal, e.personal_salt, actor, note);
	mc_audit_event_hash_v2(expect, "", d.id, 1750000100, 0, 0, "refuse", MC_ST_SUBMITTED,
			       MC_ST_NOT_ACCEPTED, 0, personal);
	mc_event *ev = NULL;
	assert_int_equal(mc_store_event_list(f->st, &ev, &n, d.id), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].actor_name, actor);
	assert_string_equal(ev[0].note, note);
	assert_string_equal(ev[0].hash, expect);
	mc_event_free_list(ev, n);

	/* The public lookup. */
	char *proc_name = NULL;
	assert_int_equal(mc_store_dossier_public(f->st, &got, &proc_name, &ev, &n, d.code), 0);
	assert_string_equal(got.applicant_name, name);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].action, "refuse");
	mc_event_free_list(ev, n);
	mc_dossier_clear(&got);
	free(proc_name);

	/* Longer still, written behind the store's back: read whole all the same. */
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE dossier SET note = %s WHERE id = %lld",
		 use_pg ? "repeat('ờ', 3000)" : "replace(hex(zeroblob(3000)), '00', 'ờ')", (long long)d.id);
	assert_int_equal(raw_exec(f, sql, NULL, 0), 0);
	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, false), 0);
	assert_int_equal(strlen(got.note), 9000);
	mc_dossier_clear(&got);

	mc_dossier_clear(&d);
	free(name);
	free(email);
	free(number);
	free(address);
	free(doc_name);
	free(note);
	free(actor);
}

/* ---- payments --------------------------------------------------------- */

/* Creates a payment of what create reads (the reference only read), and
 * frees the strings it sets; its id in *id. */
static int payment_create(mc_store *st, int64_t *id, int64_t dossier, int64_t amount, int64_t at,
			  const char *reference)
{
	mc_payment q = {
	    .dossier_id = dossier, .amount = amount, .created_at = at, .reference = (char *)reference};
	int rc = mc_store_payment_create(st, &q);

	if (id)
		*id = q.id;
	free(q.state);
	free(q.currency);
	return rc;
}

static void test_payments(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	mc_dossier d = {0}, d2 = {0};
	mc_payment p = {0}, got = {0};

	dossier_init(&d, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_AWAITING_PAYMENT, 0, 10, "An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	dossier_init(&d2, "000.31.30.H56-250601-0002", proc, f->commune, MC_ST_AWAITING_PAYMENT, 0, 10,
		     "Bình");
	assert_int_equal(mc_store_dossier_insert(f->st, &d2), 0);

	p.dossier_id = d.id;
	p.amount = 50000;
	p.created_at = 100;
	p.reference = mc_xstrdup("REF-1");
	assert_int_equal(mc_store_payment_create(f->st, &p), 0);
	assert_true(p.id > 0);
	assert_string_equal(p.state, "pending");
	assert_string_equal(p.currency, "VND");

	/* One pending amount per dossier, a reference once, a known dossier, an
	 * amount: refused inside a transaction that stays usable. */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(payment_create(f->st, NULL, d.id, 50000, 100, "REF-2"), MC_ECONFLICT);
	assert_int_equal(payment_create(f->st, NULL, d2.id, 50000, 100, "REF-1"), MC_ECONFLICT);
	assert_int_equal(payment_create(f->st, NULL, 99999, 50000, 100, "REF-3"), MC_ENOTFOUND);
	assert_int_equal(payment_create(f->st, NULL, d2.id, 0, 100, "REF-3"), MC_EINVAL);
	assert_int_equal(mc_store_payment_latest(f->st, &got, d.id), 0);
	mc_payment_clear(&got);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(mc_store_payment_latest(f->st, &got, d2.id), MC_ENOTFOUND);

	assert_int_equal(mc_store_payment_by_reference(f->st, &got, "REF-1"), 0);
	assert_int_equal(got.id, p.id);
	assert_int_equal(got.dossier_id, d.id);
	assert_string_equal(got.dossier_code, d.code);
	assert_string_equal(got.province_code, "H56");
	assert_int_equal(got.amount, 50000);
	assert_string_equal(got.state, "pending");
	assert_int_equal(got.created_at, 100);
	assert_int_equal(got.paid_at, 0);
	assert_string_equal(got.provider, "");
	assert_int_equal(mc_store_payment_by_reference(f->st, &got, "nope"), MC_ENOTFOUND);

	/* Settled once: the second settlement changes nothing. */
	set_str(&got.state, "paid");
	got.paid_at = 200;
	set_str(&got.provider, "test");
	set_str(&got.provider_txn, "T-1");
	set_str(&got.receipt, "{\"amount\":50000}");
	assert_int_equal(mc_store_payment_settle(f->st, &got), 0);
	set_str(&got.state, "failed");
	assert_int_equal(mc_store_payment_settle(f->st, &got), MC_ECONFLICT);
	mc_payment_clear(&got);
	assert_int_equal(mc_store_payment_latest(f->st, &got, d.id), 0);
	assert_string_equal(got.state, "paid");
	assert_int_equal(got.paid_at, 200);
	assert_string_equal(got.provider, "test");
	assert_string_equal(got.provider_txn, "T-1");
	assert_string_equal(got.receipt, "{\"amount\":50000}");
	mc_payment_clear(&got);

	/* A new amount owed after it: the newest is the latest. */
	assert_int_equal(payment_create(f->st, NULL, d.id, 50000, 100, "REF-4"), 0);
	assert_int_equal(mc_store_payment_latest(f->st, &got, d.id), 0);
	assert_string_equal(got.reference, "REF-4");
	mc_dossier_clear(&d);
	mc_dossier_clear(&d2);
	mc_payment_clear(&got);
	mc_payment_clear(&p);
}

/* ---- attachments ------------------------------------------------------ */

static void test_attachments(void **state)
{
	struct fixture *f = *state;
	static const char body[] = "%PDF-1.4\nhello\n";
	char sha[65];
	char sha2[65];
	char mime[64];
	void *data = NULL;
	size_t len = 0;
	char path[1500];
	struct stat sb;

	assert_int_equal(mc_store_attachment_put(f->st, sha, body, sizeof(body) - 1, "application/pdf"), 0);
	assert_int_equal(strlen(sha), 64);
	/* sha256("%PDF-1.4\nhello\n") */
	assert_int_equal(mc_store_attachment_get(f->st, &data, &len, mime, sizeof(mime), sha), 0);
	assert_int_equal(len, sizeof(body) - 1);
	assert_memory_equal(data, body, len);
	assert_string_equal(mime, "application/pdf");
	free(data);

	int64_t size = 0;

	mime[0] = '\0';
	assert_int_equal(mc_store_attachment_stat(f->st, &size, mime, sizeof(mime), sha), 0);
	assert_int_equal(size, (int64_t)(sizeof(body) - 1));
	assert_string_equal(mime, "application/pdf");
	assert_int_equal(
	    mc_store_attachment_stat(f->st, &size, mime, sizeof(mime),
				     "1111111111111111111111111111111111111111111111111111111111111111"),
	    MC_ENOTFOUND);
	assert_int_equal(mc_store_attachment_stat(f->st, &size, mime, sizeof(mime), "../x"), MC_EINVAL);
	assert_int_equal(mc_store_attachment_stat(f->st, &size, mime, sizeof(mime), "ABCDEF"), MC_EINVAL);

	/* The file sits in "<attachment folder>/<2 hex>/<sha>". */
	snprintf(path, sizeof(path), "%s/%.2s/%s", f->files, sha, sha);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, (off_t)(sizeof(body) - 1));

	/* Idempotent. */
	assert_int_equal(mc_store_attachment_put(f->st, sha2, body, sizeof(body) - 1, "application/pdf"), 0);
	assert_string_equal(sha, sha2);
	/* Inside a transaction too; an empty file. */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_attachment_put(f->st, sha2, "", 0, "text/plain"), 0);
	assert_string_equal(sha2, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(mc_store_attachment_get(f->st, &data, &len, NULL, 0, sha2), 0);
	assert_int_equal(len, 0);
	free(data);

	assert_int_equal(
	    mc_store_attachment_get(f->st, &data, &len, mime, sizeof(mime),
				    "0000000000000000000000000000000000000000000000000000000000000000"),
	    MC_ENOTFOUND);
	assert_null(data);
	assert_int_equal(mc_store_attachment_get(f->st, &data, &len, mime, sizeof(mime), "../../etc/passwd"),
			 MC_ENOTFOUND);

	/* Over 20 MiB. */
	size_t big = (size_t)20 * 1024 * 1024 + 1;
	char *huge = calloc(1, big);

	assert_non_null(huge);
	assert_int_equal(mc_store_attachment_put(f->st, sha2, huge, big, "application/octet-stream"),
			 MC_ETOOBIG);
	assert_int_equal(mc_store_attachment_put(f->st, sha2, huge, big - 1, "application/octet-stream"), 0);
	free(huge);
}

/* ---- calendar --------------------------------------------------------- */

struct cal_seen {
	int years[8];
	size_t n_days[8];
	char sources[8][64];
	int32_t first_day[8];
	int kind0[8];
	char name0[8][128];
	size_t n;
	int stop_after;
};

/* Writing the file and recording it are two steps, so the disk work can stay
 * outside the write transaction; who may read a file follows its dossiers. */
static void test_attachment_write_record_and_dossiers(void **state)
{
	struct fixture *f = *state;
	static const char body[] = "\x89PNG\r\n\x1a\nimage";
	char sha[65];
	int64_t size = 0;

	assert_int_equal(mc_store_attachment_write(f->st, sha, body, sizeof(body) - 1), 0);
	/* Written but not recorded: unknown to the tables. */
	assert_int_equal(mc_store_attachment_stat(f->st, &size, NULL, 0, sha), MC_ENOTFOUND);
	assert_int_equal(mc_store_attachment_record(f->st, "not-a-digest", 3, "image/png"), MC_EINVAL);
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_attachment_record(f->st, sha, (int64_t)(sizeof(body) - 1), "image/png"), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(mc_store_attachment_stat(f->st, &size, NULL, 0, sha), 0);
	assert_int_equal(size, (int64_t)(sizeof(body) - 1));

	int64_t proc = add_proc(f->st, "9.000001", "Cấp giấy phép", "Xây dựng", "district", 0, 3);
	mc_dossier d = {0};
	mc_dossier_doc doc = {
	    .seq = 1, .name = "Bản vẽ", .originals = 1, .size = (int64_t)(sizeof(body) - 1)};
	snprintf(doc.sha256, sizeof doc.sha256, "%s", sha);
	dossier_init(&d, "000.00.33.H56-170301-0001", proc, f->district, MC_ST_RECEIVED, 0, 1488330000, "An");
	d.docs = &doc; /* lent for the insert */
	d.n_docs = 1;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	d.docs = NULL;
	d.n_docs = 0;
	mc_dossier *list = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_dossier_by_attachment(f->st, &list, &n, sha), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].code, "000.00.33.H56-170301-0001");
	mc_dossier_free_list(list, n);
	assert_int_equal(
	    mc_store_dossier_by_attachment(
		f->st, &list, &n, "1111111111111111111111111111111111111111111111111111111111111111"),
	    0);
	assert_int_equal(n, 0);
	mc_dossier_clear(&d);
}

/* A procedure name longer than the 512 bytes the rows once had (400 letters,
 * 1200 bytes) is read whole by the statistics and the overdue list, where it
 * once failed them (MC_ETOOBIG). Written behind the store: the procedure's
 * own struct is not this test's. */
static void test_stats_long_names(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.009", "Cấp phép", "Xây dựng", "commune", 0, 4);
	char *name = letters("ắ", 400);
	char sql[2048];
	mc_dossier d = {0};
	mc_stats_query q = {.unit_id = f->province,
			    .from = 1748000000,
			    .to = 1751000000,
			    .at = 1751000000,
			    .group = MC_STATS_BY_PROCEDURE};
	mc_stats_row *rows = NULL;
	mc_stats_overdue *late = NULL;
	size_t n = 0;
	int64_t total = 0;

	snprintf(sql, sizeof sql, "UPDATE procedure SET name = '%s' WHERE id = %lld", name, (long long)proc);
	assert_int_equal(raw_exec(f, sql, NULL, 0), 0);
	dossier_init(&d, "000.31.30.H56-250601-0009", proc, f->commune, MC_ST_PROCESSING, 1750000000,
		     1749000000, "An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	assert_int_equal(mc_store_stats(f->st, &rows, &n, &q), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].procedure_name, name);
	assert_string_equal(rows[0].procedure_code, "1.009");
	assert_string_equal(rows[0].field, "Xây dựng");
	mc_stats_row_free_list(rows, n);
	assert_int_equal(mc_store_stats_overdue(f->st, &late, &n, &total, f->province, 1751000000, 10, 0), 0);
	assert_int_equal(n, 1);
	assert_string_equal(late[0].procedure_name, name);
	assert_string_equal(late[0].code, d.code);
	mc_stats_overdue_free_list(late, n);
	free(name);
	mc_dossier_clear(&d);
}

static int cal_cb(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	struct cal_seen *seen = payload;

	if (seen->n < 8) {
		seen->years[seen->n] = year;
		seen->n_days[seen->n] = n;
		snprintf(seen->sources[seen->n], sizeof(seen->sources[0]), "%s", source ? source : "");
		seen->first_day[seen->n] = n ? days[0].day : 0;
		seen->kind0[seen->n] = n ? (int)days[0].kind : 0;
		snprintf(seen->name0[seen->n], sizeof(seen->name0[0]), "%s", n ? days[0].name : "");
	}
	seen->n++;
	if (seen->stop_after && seen->n == (size_t)seen->stop_after)
		return 42;
	return 0;
}

static void test_calendar(void **state)
{
	struct fixture *f = *state;
	mc_day_entry y2025[3] = {
	    {mc_days_from_civil(2025, 1, 1), MC_DAY_HOLIDAY, "Tết Dương lịch"},
	    {mc_days_from_civil(2025, 1, 27), MC_DAY_COMPENSATORY, "Nghỉ Tết Nguyên đán"},
	    {mc_days_from_civil(2025, 1, 28), MC_DAY_HOLIDAY, "Tết Nguyên đán"},
	};
	mc_day_entry y2024[1] = {{mc_days_from_civil(2024, 2, 10), MC_DAY_HOLIDAY, "Tết Nguyên đán"}};
	mc_day_entry wrong[1] = {{mc_days_from_civil(2026, 1, 1), MC_DAY_HOLIDAY, "x"}};
	/* A day without a name could not be loaded at the next start: refused. */
	mc_day_entry unnamed[1] = {{mc_days_from_civil(2025, 3, 1), MC_DAY_HOLIDAY, ""}};
	struct cal_seen seen = {0};

	assert_int_equal(mc_store_calendar_each(f->st, cal_cb, &seen), 0);
	assert_int_equal(seen.n, 0);

	assert_int_equal(mc_store_calendar_set_year(f->st, 2025, y2025, 3, "Thông báo 6150/TB-LĐTBXH"), 0);
	assert_int_equal(mc_store_calendar_set_year(f->st, 2024, y2024, 1, NULL), 0);
	assert_int_equal(mc_store_calendar_set_year(f->st, 2025, wrong, 1, "x"), MC_EINVAL);
	assert_int_equal(mc_store_calendar_set_year(f->st, 2025, unnamed, 1, "x"), MC_EINVAL);
	assert_int_equal(mc_store_calendar_each(f->st, cal_cb, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.years[0], 2024);
	assert_int_equal(seen.years[1], 2025);
	assert_int_equal(seen.n_days[1], 3);
	assert_string_equal(seen.sources[1], "Thông báo 6150/TB-LĐTBXH");
	assert_int_equal(seen.first_day[1], mc_days_from_civil(2025, 1, 1));
	assert_int_equal(seen.kind0[1], MC_DAY_HOLIDAY);
	assert_string_equal(seen.name0[1], "Tết Dương lịch");

	/* Replacing a year replaces its days and source. */
	assert_int_equal(mc_store_calendar_set_year(f->st, 2025, &y2025[1], 2, "Thông báo mới"), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(mc_store_calendar_each(f->st, cal_cb, &seen), 0);
	assert_int_equal(seen.n_days[1], 2);
	assert_string_equal(seen.sources[1], "Thông báo mới");
	assert_int_equal(seen.kind0[1], MC_DAY_COMPENSATORY);

	/* The callback can stop the walk. */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 1;
	assert_int_equal(mc_store_calendar_each(f->st, cal_cb, &seen), 42);
	assert_int_equal(seen.n, 1);

	/* A year with no days (n = 0) is still a stored year. */
	assert_int_equal(mc_store_calendar_set_year(f->st, 2030, NULL, 0, "empty"), 0);
	assert_int_equal(mc_store_calendar_delete_year(f->st, 2024), 0);
	assert_int_equal(mc_store_calendar_delete_year(f->st, 2030), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(mc_store_calendar_each(f->st, cal_cb, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.years[0], 2025);
}

/* ---- apologies -------------------------------------------------------- */

/* a (zeroed, or made here before) owns its strings: mc_apology_clear. */
static void apology_init(mc_apology *a, int64_t dossier, int64_t unit, int64_t old_due, int64_t new_due,
			 int64_t by, int64_t at)
{
	mc_apology_clear(a);
	a->dossier_id = dossier;
	a->unit_id = unit;
	a->reason = mc_xstrdup("Hồ sơ cần xác minh thêm tại địa phương");
	a->old_due = old_due;
	a->new_due = new_due;
	a->prepared_by = by;
	a->prepared_by_name = mc_xstrdup("Chuyên viên");
	a->prepared_at = at;
}

/* The dossiers owing their leaders a warning of an apology due: running,
 * due in (now, until], with no apology and no warning yet (migration 031). */
static void test_apology_warnings(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	mc_dossier d[5] = {{0}};
	mc_apology a = {0};
	mc_apology_warning *list = NULL;
	size_t n = 0;
	static const struct {
		int state;
		int64_t due;
	} rows[] = {{MC_ST_PROCESSING, 1750000000},
		    {MC_ST_RECEIVED, 1750050000},   /* owe one */
		    {MC_ST_PROCESSING, 1750000000}, /* has an apology */
		    {MC_ST_PROCESSING, 1760000000}, /* later */
		    {MC_ST_RESOLVED, 1750000000}};  /* closed */

	for (int i = 0; i < 5; i++) {
		char code[64];
		snprintf(code, sizeof code, "000.31.30.H56-250601-000%d", i + 1);
		dossier_init(&d[i], code, proc, f->commune, rows[i].state, rows[i].due, 1749000000,
			     "Nguyễn Văn An");
		assert_int_equal(mc_store_dossier_insert(f->st, &d[i]), 0);
	}
	apology_init(&a, d[2].id, f->commune, 1750000000, 1750086400, 0, 1749900000);
	assert_int_equal(mc_store_apology_add(f->st, &a), 0);

	assert_int_equal(mc_store_apology_warnings_due(f->st, &list, &n, 1749990000, 1750100000, 10), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].dossier_id, d[0].id);
	assert_string_equal(list[0].code, "000.31.30.H56-250601-0001");
	assert_string_equal(list[0].province_code, "H56");
	assert_string_equal(list[0].procedure_name, "Đăng ký khai sinh");
	assert_int_equal(list[0].current_unit_id, f->commune);
	assert_int_equal(list[0].due_at, 1750000000);
	assert_int_equal(list[1].dossier_id, d[1].id);
	mc_apology_warning_free_list(list, n);
	/* Past due: none. */
	assert_int_equal(mc_store_apology_warnings_due(f->st, &list, &n, 1750060000, 1750100000, 10), 0);
	assert_int_equal(n, 0);
	mc_apology_warning_free_list(list, n);

	/* Warned once: not listed again; twice is a conflict that leaves the
	 * transaction usable. */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_apology_warned(f->st, d[0].id, 1750000000, 1749990000), 0);
	assert_int_equal(mc_store_apology_warned(f->st, d[0].id, 1750000000, 1749990001), MC_ECONFLICT);
	assert_int_equal(mc_store_apology_warned(f->st, 99999, 1750000000, 1749990001), MC_ENOTFOUND);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(mc_store_apology_warnings_due(f->st, &list, &n, 1749990000, 1750100000, 1), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].dossier_id, d[1].id);
	mc_apology_warning_free_list(list, n);
	assert_int_equal(mc_store_apology_warnings_due(f->st, &list, &n, 1749990000, 1750100000, 0),
			 MC_EINVAL);
	mc_apology_clear(&a);
	for (int i = 0; i < 5; i++)
		mc_dossier_clear(&d[i]);
}

/* An apology issued as an outgoing document (migration 038): linked once,
 * read back from either side. */
static void test_apology_document(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	mc_dossier d = {0};
	mc_apology a = {0}, b = {0}, got = {0};
	char *code = NULL;
	mc_doc_register g = {
	    .unit_id = f->commune, .box = 1, .name = "Sổ", .organ_abbr = "UBND", .created_at = 1};
	mc_document doc = {.box = 1,
			   .unit_id = f->commune,
			   .drafting_unit_id = f->commune,
			   .state = 6,
			   .type = "phieu_xin_loi",
			   .subject = "Xin lỗi",
			   .body = "Lý do",
			   .year = 2025,
			   .series = "general",
			   .number = 1,
			   .notation = "01/PXL-UBND",
			   .issued_at = 1749900000,
			   .created_at = 1749900000,
			   .updated_at = 1749900000};

	dossier_init(&d, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_PROCESSING, 1750000000,
		     1749000000, "Nguyễn Văn An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	apology_init(&a, d.id, f->commune, 1750000000, 1750086400, 0, 1749900000);
	assert_int_equal(mc_store_apology_add(f->st, &a), 0);
	apology_init(&b, d.id, f->commune, 1750000000, 1750086400, 0, 1749900000);
	assert_int_equal(mc_store_apology_add(f->st, &b), 0);
	assert_int_equal(mc_store_doc_register_add(f->st, &g), 0);
	doc.register_id = g.id;
	assert_int_equal(mc_store_document_add(f->st, &doc), 0);

	assert_int_equal(mc_store_apology_of_document(f->st, &got, &code, doc.id), MC_ENOTFOUND);
	assert_null(code);
	assert_int_equal(mc_store_apology_set_document(f->st, a.id, doc.id), 0);
	assert_int_equal(mc_store_apology_get(f->st, &got, d.id, a.id), 0);
	assert_int_equal(got.document_id, doc.id);
	mc_apology_clear(&got);
	assert_int_equal(mc_store_apology_get(f->st, &got, d.id, b.id), 0);
	assert_int_equal(got.document_id, 0);
	mc_apology_clear(&got);
	assert_int_equal(mc_store_apology_of_document(f->st, &got, &code, doc.id), 0);
	assert_int_equal(got.id, a.id);
	assert_string_equal(code, "000.31.30.H56-250601-0001");
	mc_apology_clear(&got);
	free(code);
	code = NULL;
	/* Once only: a linked apology, and a document another apology has. */
	assert_int_equal(mc_store_apology_set_document(f->st, a.id, doc.id), MC_ECONFLICT);
	assert_int_equal(mc_store_apology_set_document(f->st, 99999, doc.id), MC_ECONFLICT);
	assert_int_not_equal(mc_store_apology_set_document(f->st, b.id, doc.id), 0);
	assert_int_equal(mc_store_apology_get(f->st, &got, d.id, b.id), 0);
	assert_int_equal(got.document_id, 0);
	mc_apology_clear(&got);
	mc_apology_clear(&a);
	mc_apology_clear(&b);
	mc_dossier_clear(&d);
}

/* The numbers of forms 02 and 04 (migration 031): a series per kind, unit
 * and year, one number per act, the same when read again. */
static void test_form_numbers(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	mc_dossier d = {0};
	mc_form_number a = {.kind = 4, .ref = 1, .unit_id = f->commune, .year = 2025};
	mc_form_number b = {.kind = 4, .ref = 2, .unit_id = f->commune, .year = 2025};
	mc_form_number c = {.kind = 2, .ref = 1750000000, .unit_id = f->commune, .year = 2025};
	mc_form_number other = {.kind = 4, .ref = 3, .unit_id = f->commune2, .year = 2025};
	mc_form_number got = {0};

	dossier_init(&d, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_PROCESSING, 1750000000,
		     1749000000, "Nguyễn Văn An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	a.dossier_id = b.dossier_id = c.dossier_id = other.dossier_id = d.id;
	assert_int_equal(mc_store_form_number_take(f->st, &a), 0);
	assert_int_equal(mc_store_form_number_take(f->st, &b), 0);
	assert_int_equal(mc_store_form_number_take(f->st, &c), 0);
	assert_int_equal(mc_store_form_number_take(f->st, &other), 0);
	assert_int_equal(a.number, 1);
	assert_int_equal(b.number, 2);
	assert_int_equal(c.number, 1);	   /* another kind: its own series */
	assert_int_equal(other.number, 1); /* another unit: its own series */
	assert_int_equal(mc_store_form_number_get(f->st, &got, 4, d.id, 2), 0);
	assert_int_equal(got.number, 2);
	assert_int_equal(got.unit_id, f->commune);
	assert_int_equal(got.year, 2025);
	assert_int_equal(mc_store_form_number_get(f->st, &got, 4, d.id, 9), MC_ENOTFOUND);
	/* An act numbered once: taken again (two acts of a dossier in the same
	 * second are one paper), it keeps its number and takes none; a rolled
	 * back attempt leaves no gap. */
	mc_form_number again = a;
	again.number = 0;
	assert_int_equal(mc_store_form_number_take(f->st, &again), 0);
	assert_int_equal(again.number, a.number);
	assert_int_equal(mc_store_begin(f->st), 0);
	mc_form_number undone = {
	    .kind = 4, .dossier_id = d.id, .ref = 4, .unit_id = f->commune, .year = 2025};
	assert_int_equal(mc_store_form_number_take(f->st, &undone), 0);
	assert_int_equal(undone.number, 3);
	assert_int_equal(mc_store_rollback(f->st), 0);
	mc_form_number e = {.kind = 4, .dossier_id = d.id, .ref = 5, .unit_id = f->commune, .year = 2025};
	assert_int_equal(mc_store_form_number_take(f->st, &e), 0);
	assert_int_equal(e.number, 3);
	mc_dossier_clear(&d);
}

/* Prepared, issued once, listed by dossier, and shown in the register of
 * the apologising unit's subtree for the period of issue. */
static void test_apologies(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	int64_t specialist = add_user(f->st, "cv", MC_ROLE_SPECIALIST, f->commune);
	int64_t leader = add_user(f->st, "ld", MC_ROLE_LEADER, f->commune);
	mc_dossier d = {0};
	mc_apology a = {0}, b = {0}, got = {0};
	mc_apology *list = NULL;
	mc_apology_entry *reg = NULL;
	size_t n = 0;
	int64_t total = 0;

	dossier_init(&d, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_PROCESSING, 1750000000,
		     1749000000, "Nguyễn Văn An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);

	/* The new appointment must be after the old one; the dossier and the unit must exist. */
	apology_init(&a, d.id, f->commune, 1750000000, 1750000000, specialist, 1749900000);
	assert_int_equal(mc_store_apology_add(f->st, &a), MC_EINVAL);
	/* In a transaction, an unknown dossier is an answer that leaves it usable. */
	assert_int_equal(mc_store_begin(f->st), 0);
	apology_init(&a, 99999, f->commune, 1750000000, 1750086400, specialist, 1749900000);
	assert_int_equal(mc_store_apology_add(f->st, &a), MC_ENOTFOUND);
	apology_init(&a, d.id, f->commune, 1750000000, 1750086400, specialist, 1749900000);
	assert_int_equal(mc_store_apology_add(f->st, &a), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_true(a.id > 0);
	assert_string_equal(a.province_code, "H56");
	apology_init(&b, d.id, f->commune, 1750000000, 1750172800, 0, 1749950000);
	assert_int_equal(mc_store_apology_add(f->st, &b), 0);

	assert_int_equal(mc_store_apology_get(f->st, &got, d.id, a.id), 0);
	assert_int_equal(got.dossier_id, d.id);
	assert_int_equal(got.unit_id, f->commune);
	assert_string_equal(got.reason, "Hồ sơ cần xác minh thêm tại địa phương");
	assert_int_equal(got.new_due, 1750086400);
	assert_int_equal(got.prepared_by, specialist);
	assert_string_equal(got.prepared_by_name, "Chuyên viên");
	assert_int_equal(got.issued_at, 0);
	assert_int_equal(got.issued_by, 0);
	mc_apology_clear(&got);
	assert_int_equal(mc_store_apology_get(f->st, &got, d.id + 1, a.id), MC_ENOTFOUND);

	/* Issued once: again is a conflict, an unknown one not found. */
	assert_int_equal(mc_store_apology_issue(f->st, a.id, 1750000100, leader, "Lãnh đạo", 1750000000), 0);
	assert_int_equal(mc_store_apology_issue(f->st, a.id, 1750000100, leader, "Lãnh đạo", 1750000001),
			 MC_ECONFLICT);
	assert_int_equal(mc_store_apology_issue(f->st, 99999, 1750000100, leader, "Lãnh đạo", 1750000001),
			 MC_ENOTFOUND);
	assert_int_equal(mc_store_apology_get(f->st, &got, d.id, a.id), 0);
	assert_int_equal(got.old_due, 1750000100);
	assert_int_equal(got.issued_by, leader);
	assert_string_equal(got.issued_by_name, "Lãnh đạo");
	assert_int_equal(got.issued_at, 1750000000);
	mc_apology_clear(&got);

	assert_int_equal(mc_store_apology_list(f->st, &list, &n, d.id), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, a.id);
	assert_int_equal(list[0].issued_at, 1750000000);
	assert_int_equal(list[1].id, b.id);
	assert_int_equal(list[1].prepared_by, 0);
	mc_apology_free_list(list, n);
	assert_int_equal(mc_store_apology_list(f->st, &list, &n, d.id + 1), 0);
	assert_int_equal(n, 0);
	mc_apology_free_list(list, n);

	/* The register: issued ones only, in the subtree and the period. */
	assert_int_equal(
	    mc_store_apology_register(f->st, &reg, &n, &total, f->province, 1749000000, 1751000000, 10, 0),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_int_equal(reg[0].a.id, a.id);
	assert_int_equal(reg[0].a.issued_by, leader);
	assert_string_equal(reg[0].dossier_code, "000.31.30.H56-250601-0001");
	assert_string_equal(reg[0].applicant_name, "Nguyễn Văn An");
	assert_string_equal(reg[0].procedure_code, "1.003");
	assert_string_equal(reg[0].procedure_name, "Đăng ký khai sinh");
	mc_apology_entry_free_list(reg, n);
	assert_int_equal(
	    mc_store_apology_register(f->st, &reg, &n, &total, f->commune, 1749000000, 1751000000, 10, 1), 0);
	assert_int_equal(n, 0);
	assert_int_equal(total, 1);
	mc_apology_entry_free_list(reg, n);
	assert_int_equal(
	    mc_store_apology_register(f->st, &reg, &n, &total, f->commune2, 1749000000, 1751000000, 10, 0),
	    0);
	assert_int_equal(total, 0);
	mc_apology_entry_free_list(reg, n);
	assert_int_equal(
	    mc_store_apology_register(f->st, &reg, &n, &total, f->province, 1750000001, 1751000000, 10, 0),
	    0);
	assert_int_equal(total, 0);
	mc_apology_entry_free_list(reg, n);
	assert_int_equal(
	    mc_store_apology_register(f->st, &reg, &n, &total, 99999, 1749000000, 1751000000, 10, 0),
	    MC_ENOTFOUND);
	assert_int_equal(
	    mc_store_apology_register(f->st, &reg, &n, &total, f->province, 1749000000, 1751000000, 0, 0),
	    MC_EINVAL);
	assert_int_equal(
	    mc_store_apology_register(f->st, &reg, &n, &total, f->province, 1751000000, 1751000000, 10, 0),
	    MC_EINVAL);
	mc_dossier_clear(&d);
	mc_apology_clear(&a);
	mc_apology_clear(&b);
}

/* ---- long texts --------------------------------------------------------- */

static int long_cal_cb(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	(void)source;
	if (year == 2027 && n == 1)
		*(char **)payload = mc_xstrdup(days[0].name);
	return 0;
}

/* Texts longer than the arrays the structs once had, within their fields'
 * character limits, are stored and read back whole on both engines: once a
 * day-off name was cut at 128 bytes, an officer's name at 256, a message's
 * subject at 256 and its body at 4096, a transaction number at 64 and a
 * receipt at 2048 (test_stats_long_names: the statistics' rows). */
static void test_long_texts(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.009", "Cấp phép", "Xây dựng", "commune", 0, 4);
	char *day_name = letters("ệ", MC_LIMIT_CALENDAR_DAY_NAME); /* 600 bytes */
	char *officer = letters("ữ", 300);
	char *reason = letters("ậ", MC_LIMIT_APOLOGY_REASON);
	char *comment = letters("ở", MC_LIMIT_RATING_COMMENT);
	char *subject = letters("ơ", 300);
	char *body = letters("ư", 2000);
	char *txn = letters("T", 100);
	char *receipt = letters("ợ", 1000);
	char *proc_name = letters("ắ", 400);
	char *got_name = NULL;
	char sql[4096];

	/* The calendar: what the server loads at start. */
	mc_day_entry day = {mc_days_from_civil(2027, 2, 5), MC_DAY_HOLIDAY, day_name};
	assert_int_equal(mc_store_calendar_set_year(f->st, 2027, &day, 1, "Thông báo"), 0);
	assert_int_equal(mc_store_calendar_each(f->st, long_cal_cb, &got_name), 0);
	assert_non_null(got_name);
	assert_string_equal(got_name, day_name);

	/* A procedure name of 1200 bytes, written behind the store (its struct is another's). */
	snprintf(sql, sizeof sql, "UPDATE procedure SET name = '%s' WHERE id = %lld", proc_name,
		 (long long)proc);
	assert_int_equal(raw_exec(f, sql, NULL, 0), 0);
	mc_dossier d = {0};
	dossier_init(&d, "000.31.30.H56-250601-0009", proc, f->commune, MC_ST_PROCESSING, 1750000000,
		     1749000000, "An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);

	/* An apology, and the register with the procedure's name. */
	mc_apology a = {.dossier_id = d.id,
			.unit_id = f->commune,
			.reason = reason,
			.old_due = 1750000000,
			.new_due = 1750086400,
			.prepared_by_name = officer,
			.prepared_at = 1749900000};
	assert_int_equal(mc_store_apology_add(f->st, &a), 0);
	free(a.province_code);
	assert_int_equal(mc_store_apology_issue(f->st, a.id, 1750000000, 0, officer, 1749950000), 0);
	mc_apology_entry *reg = NULL;
	size_t n = 0;
	int64_t total = 0;
	assert_int_equal(
	    mc_store_apology_register(f->st, &reg, &n, &total, f->province, 1749000000, 1751000000, 10, 0),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(reg[0].a.reason, reason);
	assert_string_equal(reg[0].a.prepared_by_name, officer);
	assert_string_equal(reg[0].a.issued_by_name, officer);
	assert_string_equal(reg[0].procedure_name, proc_name);
	mc_apology_entry_free_list(reg, n);

	/* A rating's comment. */
	mc_rating r = {.dossier_id = d.id,
		       .unit_id = f->commune,
		       .at = 1750000000,
		       .overall = "satisfied",
		       .comment = comment};
	mc_rating got_rating = {0};
	assert_int_equal(mc_store_rating_put(f->st, &r), 0);
	assert_int_equal(mc_store_rating_get(f->st, &got_rating, d.id), 0);
	assert_string_equal(got_rating.comment, comment);
	mc_rating_clear(&got_rating);

	/* A message. */
	mc_message m = {.province_code = "H56",
			.dossier_id = d.id,
			.channel = "email",
			.recipient = "an@example.vn",
			.subject = subject,
			.body = body,
			.created_at = 1000};
	mc_message *msgs = NULL;
	assert_int_equal(mc_store_outbox_add(f->st, &m), 0);
	assert_int_equal(mc_store_outbox_of_dossier(f->st, &msgs, &n, d.id), 0);
	assert_int_equal(n, 1);
	assert_string_equal(msgs[0].subject, subject);
	assert_string_equal(msgs[0].body, body);
	mc_message_free_list(msgs, n);

	/* A payment settled with a long transaction number and receipt. */
	mc_payment pay = {0};
	int64_t pay_id = 0;
	assert_int_equal(payment_create(f->st, &pay_id, d.id, 10000, 100, "REF-LONG"), 0);
	assert_int_equal(mc_store_payment_by_reference(f->st, &pay, "REF-LONG"), 0);
	set_str(&pay.state, "paid");
	set_str(&pay.provider, "gateway");
	set_str(&pay.provider_txn, txn);
	set_str(&pay.receipt, receipt);
	pay.paid_at = 200;
	assert_int_equal(mc_store_payment_settle(f->st, &pay), 0);
	mc_payment_clear(&pay);
	assert_int_equal(mc_store_payment_latest(f->st, &pay, d.id), 0);
	assert_int_equal(pay.id, pay_id);
	assert_string_equal(pay.provider_txn, txn);
	assert_string_equal(pay.receipt, receipt);
	mc_payment_clear(&pay);

	free(got_name);
	free(day_name);
	free(officer);
	free(reason);
	free(comment);
	free(subject);
	free(body);
	free(txn);
	free(receipt);
	free(proc_name);
	mc_dossier_clear(&d);
}

/* ---- transactions ----------------------------------------------------- */

static void test_transactions(void **state)
{
	struct fixture *f = *state;
	mc_unit u;

	/* A rolled-back transaction leaves nothing. */
	assert_int_equal(mc_store_begin(f->st), 0);
	add_unit(f->st, f->district, "T-1", "T1", "commune", "H56");
	assert_int_equal(mc_store_rollback(f->st), 0);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "T-1"), MC_ENOTFOUND);

	/* Savepoints: the rolled-back one only undoes its own part. */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_savepoint(f->st), 0);
	add_unit(f->st, f->district, "T-2", "T2", "commune", "H56");
	assert_int_equal(mc_store_savepoint_release(f->st), 0);
	assert_int_equal(mc_store_savepoint(f->st), 0);
	add_unit(f->st, f->district, "T-3", "T3", "commune", "H56");
	assert_int_equal(mc_store_savepoint_rollback(f->st), 0);
	assert_int_equal(mc_store_savepoint(f->st), 0);
	add_unit(f->st, f->district, "T-4", "T4", "commune", "H56");
	/* A failing operation inside a savepoint leaves the savepoint usable. */
	memset(&u, 0, sizeof(u));
	u.code = "T-4";
	u.name = "dup";
	u.level = "commune";
	assert_int_equal(mc_store_unit_create(f->st, &u), MC_ECONFLICT);
	assert_int_equal(mc_store_savepoint_release(f->st), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "T-2"), 0);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "T-3"), MC_ENOTFOUND);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "T-4"), 0);
	mc_unit_clear(&u);

	/* Two connections on one file: one writes while the other reads. */
	mc_store *st2 = NULL;

	assert_int_equal(mc_store_open(&st2, f->path), 0);
	assert_int_equal(mc_store_begin(f->st), 0);
	/* Reads still work during the other's write (WAL). */
	assert_int_equal(mc_store_unit_by_code(st2, &u, "T-2"), 0);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(mc_store_begin(st2), 0);
	assert_int_equal(mc_store_commit(st2), 0);
	mc_store_close(st2);
	if (!use_pg)
		return;
	/* PostgreSQL: a lost connection fails the call with MC_EBUSY and comes
	 * back for the next one, but not inside a transaction, whose remaining
	 * statements must not run on their own: until the rollback, calls fail. */
	static const char kill_others[] = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
					  "WHERE datname = current_database() AND pid <> pg_backend_pid()";

	assert_int_equal(raw_exec(f, kill_others, NULL, 0), 0);
	/* Outside a transaction the first call fails only if it was sent before
	 * the server's goodbye arrived; if the goodbye came first, the closed
	 * connection is found while idle and made again before the call (the
	 * store's rule), so that call succeeds: which one depends on timing. */
	int first = mc_store_unit_by_code(f->st, &u, "T-2");
	assert_true(first == MC_EBUSY || first == 0);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "T-2"), 0);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(raw_exec(f, kill_others, NULL, 0), 0);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "T-2"), MC_EBUSY);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "T-2"), MC_EBUSY);
	mc_store_rollback(f->st);
	assert_int_equal(mc_store_unit_by_code(f->st, &u, "T-2"), 0);
	mc_unit_clear(&u);
}

static void test_open_errors(void **state)
{
	struct fixture *f = *state;
	mc_store *st = NULL;
	char url[700];

	assert_int_equal(mc_store_open(&st, "sqlite:"), MC_EINVAL);
	assert_null(st);
	/* Nothing listens on port 1. */
	assert_int_not_equal(mc_store_open(&st, "postgresql://motcua@127.0.0.1:1/none?connect_timeout=2"), 0);
	assert_null(st);
	snprintf(url, sizeof(url), "%s/no/such/dir/x.db", f->dir);
	assert_int_not_equal(mc_store_open(&st, url), 0);
	assert_null(st);
	mc_store_close(NULL);
}

/* ---- fields, document kinds, ratings ---------------------------------- */

static void test_procedure_fields(void **state)
{
	struct fixture *f = *state;
	mc_proc_field *list = NULL;
	size_t n = 99;
	mc_procedure p;

	/* An empty catalogue has no fields. */
	assert_int_equal(mc_store_procedure_fields(f->st, &list, &n, NULL), 0);
	assert_int_equal(n, 0);
	mc_proc_field_free_list(list, n);

	add_proc(f->st, "F.1", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 3);
	add_proc(f->st, "F.2", "Đăng ký kết hôn", "Hộ tịch", "commune", 0, 3);
	add_proc(f->st, "F.3", "Đăng ký khai tử", "Hộ tịch", "commune, district", 0, 2);
	add_proc(f->st, "F.4", "Cấp giấy phép xây dựng", "Xây dựng", "district", 0, 2);
	add_proc(f->st, "F.5", "Cấp phép khai thác nước", "Tài nguyên nước", "department", f->dept, 2);
	add_proc(f->st, "F.6", "Không lĩnh vực", "", "commune", 0, 2);
	/* Abolished procedures are not counted. */
	proc_init(&p, "F.7", "Thủ tục đã bãi bỏ", "Xây dựng", "district", 0, 2);
	p.status = "abolished";
	assert_int_equal(mc_store_procedure_create(f->st, &p), 0);

	assert_int_equal(mc_store_procedure_fields(f->st, &list, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].field, "Hộ tịch");
	assert_int_equal(list[0].count, 3);
	/* Equal counts: by name. */
	assert_string_equal(list[1].field, "Tài nguyên nước");
	assert_int_equal(list[1].count, 1);
	assert_string_equal(list[2].field, "Xây dựng");
	assert_int_equal(list[2].count, 1);
	mc_proc_field_free_list(list, n);

	assert_int_equal(mc_store_procedure_fields(f->st, &list, &n, "district"), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].field, "Hộ tịch");
	assert_int_equal(list[0].count, 1);
	assert_string_equal(list[1].field, "Xây dựng");
	mc_proc_field_free_list(list, n);

	assert_int_equal(mc_store_procedure_fields(f->st, &list, &n, "province"), 0);
	assert_int_equal(n, 0);
	mc_proc_field_free_list(list, n);
}

static void test_dossier_doc_kind(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.004", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	mc_dossier_doc docs[2] = {0};
	mc_dossier d = {0};
	mc_dossier got;
	char sha[65];

	assert_int_equal(mc_store_attachment_put(f->st, sha, "%PDF-1.4 giay phep", 18, "application/pdf"), 0);
	docs[0].seq = 1;
	docs[0].name = "Tờ khai";
	docs[0].originals = 1;
	dossier_init(&d, "000.31.30.H56-250601-0002", proc, f->commune, MC_ST_RECEIVED, 0, 1749000000, "An");
	d.docs = docs;
	d.n_docs = 1;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, true), 0);
	/* A document given without a kind is an input. */
	assert_string_equal(got.docs[0].kind, "input");
	mc_dossier_clear(&got);

	docs[1].seq = 2;
	docs[1].name = "Giấy phép";
	docs[1].kind = "result";
	strcpy(docs[1].sha256, sha);
	docs[1].filename = "giay-phep.pdf";
	docs[1].mime = "application/pdf";
	docs[1].size = 18;
	docs[0].kind = "input";
	d.n_docs = 2;
	assert_int_equal(mc_store_dossier_update(f->st, &d, 1), 0);
	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, true), 0);
	assert_int_equal(got.n_docs, 2);
	assert_string_equal(got.docs[0].kind, "input");
	assert_string_equal(got.docs[1].kind, "result");
	assert_string_equal(got.docs[1].sha256, sha);
	mc_dossier_clear(&got);

	/* Only input and result are kinds; nothing is written otherwise. */
	docs[1].kind = "other";
	assert_int_equal(mc_store_dossier_update(f->st, &d, 2), MC_EINVAL);
	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, true), 0);
	assert_int_equal(got.version, 2);
	assert_string_equal(got.docs[1].kind, "result");
	mc_dossier_clear(&got);
	/* The documents were lent to the dossier for its writes. */
	d.docs = NULL;
	d.n_docs = 0;
	mc_dossier_clear(&d);
}

static int64_t rated_dossier(struct fixture *f, int64_t proc, const char *code, int64_t unit)
{
	mc_dossier d = {0};

	dossier_init(&d, code, proc, unit, MC_ST_RETURNED, 0, 1749000000, "An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	int64_t id = d.id;

	mc_dossier_clear(&d);
	return id;
}

/* The rating's strings stay the caller's: the store only reads them. */
static void rating_init(mc_rating *r, int64_t dossier, int64_t unit, int64_t at, int score,
			const char *overall)
{
	memset(r, 0, sizeof(*r));
	r->dossier_id = dossier;
	r->unit_id = unit;
	r->at = at;
	for (int i = 0; i < MC_RATE_COUNT_; i++)
		r->criteria[i] = score;
	r->overall = (char *)overall;
	r->comment = "";
}

static void test_ratings(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.005", "Đăng ký khai sinh", "Hộ tịch", "commune, district", 0, 4);
	int64_t d1 = rated_dossier(f, proc, "000.31.30.H56-250601-0001", f->commune);
	int64_t d2 = rated_dossier(f, proc, "000.32.30.H56-250601-0001", f->commune2);
	int64_t d3 = rated_dossier(f, proc, "000.00.30.H56-250601-0001", f->district);
	int64_t d4 = rated_dossier(f, proc, "000.31.30.H56-250601-0002", f->commune);
	mc_rating r;
	mc_rating got = {0};
	mc_rating_summary sum;

	assert_int_equal(mc_store_rating_get(f->st, &got, d1), MC_ENOTFOUND);
	rating_init(&r, d1, f->commune, 1750000000, 2, "very_satisfied");
	r.criteria[MC_RATE_ATTITUDE] = 1;
	r.comment = "Cán bộ nhiệt tình";
	assert_int_equal(mc_store_rating_put(f->st, &r), 0);
	assert_int_equal(mc_store_rating_get(f->st, &got, d1), 0);
	assert_int_equal(got.dossier_id, d1);
	assert_int_equal(got.unit_id, f->commune);
	assert_int_equal(got.at, 1750000000);
	assert_string_equal(got.province_code, "H56");
	assert_int_equal(got.criteria[MC_RATE_TOTAL_TIME], 2);
	assert_int_equal(got.criteria[MC_RATE_ATTITUDE], 1);
	assert_string_equal(got.overall, "very_satisfied");
	assert_string_equal(got.comment, "Cán bộ nhiệt tình");
	mc_rating_clear(&got);

	/* Once per dossier; scores and overall within their range; a known dossier. */
	assert_int_equal(mc_store_rating_put(f->st, &r), MC_ECONFLICT);
	rating_init(&r, d2, f->commune2, 1750000100, 3, "satisfied");
	assert_int_equal(mc_store_rating_put(f->st, &r), MC_EINVAL);
	rating_init(&r, d2, f->commune2, 1750000100, 1, "happy");
	assert_int_equal(mc_store_rating_put(f->st, &r), MC_EINVAL);
	rating_init(&r, 99999, f->commune2, 1750000100, 1, "satisfied");
	assert_int_equal(mc_store_rating_put(f->st, &r), MC_ENOTFOUND);
	assert_int_equal(mc_store_rating_get(f->st, &got, d2), MC_ENOTFOUND);

	rating_init(&r, d2, f->commune2, 1750000100, 1, "satisfied");
	assert_int_equal(mc_store_rating_put(f->st, &r), 0);
	rating_init(&r, d3, f->district, 1750000200, 0, "not_satisfied");
	assert_int_equal(mc_store_rating_put(f->st, &r), 0);
	rating_init(&r, d4, f->commune, 1760000000, 1, "satisfied");
	assert_int_equal(mc_store_rating_put(f->st, &r), 0);

	/* The district's subtree holds all four. */
	assert_int_equal(mc_store_rating_summary(f->st, &sum, f->district, 0, 0), 0);
	assert_int_equal(sum.count, 4);
	assert_int_equal(sum.very_satisfied, 1);
	assert_int_equal(sum.satisfied, 2);
	assert_int_equal(sum.not_satisfied, 1);
	assert_true(sum.criteria[MC_RATE_TOTAL_TIME] > 0.999 && sum.criteria[MC_RATE_TOTAL_TIME] < 1.001);
	assert_true(sum.criteria[MC_RATE_ATTITUDE] > 0.749 && sum.criteria[MC_RATE_ATTITUDE] < 0.751);

	/* A commune alone, and a period [from, to). */
	assert_int_equal(mc_store_rating_summary(f->st, &sum, f->commune, 0, 0), 0);
	assert_int_equal(sum.count, 2);
	assert_int_equal(mc_store_rating_summary(f->st, &sum, f->commune, 1750000000, 1760000000), 0);
	assert_int_equal(sum.count, 1);
	assert_int_equal(sum.very_satisfied, 1);
	assert_int_equal(mc_store_rating_summary(f->st, &sum, f->district, 1750000100, 0), 0);
	assert_int_equal(sum.count, 3);

	/* Nothing rated: zeros. */
	assert_int_equal(mc_store_rating_summary(f->st, &sum, f->dept, 0, 0), 0);
	assert_int_equal(sum.count, 0);
	assert_true(sum.criteria[MC_RATE_TOTAL_TIME] == 0.0);
	assert_int_equal(mc_store_rating_summary(f->st, &sum, 99999, 0, 0), MC_ENOTFOUND);
}

/* ---- outbox claims ------------------------------------------------------ */

static int64_t add_message(mc_store *st, int64_t at)
{
	mc_message m = {.province_code = "H56",
			.channel = "email",
			.recipient = "a@example.vn",
			.subject = "s",
			.body = "b",
			.created_at = at};

	assert_int_equal(mc_store_outbox_add(st, &m), 0);
	return m.id;
}

/* ---- cache generation ------------------------------------------------- */

/* Every change to the units or the calendar moves the generation (by how
 * much is the backend's business), in the change's own transaction: other
 * connections see it move at the commit, and not at all after a rollback.
 * Other writes leave it. */
static void test_generation(void **state)
{
	struct fixture *f = *state;
	int64_t g0 = 0;
	int64_t g = 0;
	int64_t seen = 0;
	mc_unit u;
	mc_day_entry day = {mc_days_from_civil(2025, 9, 1), MC_DAY_HOLIDAY, "Nghỉ Quốc khánh"};
	mc_store *other = NULL;

	assert_int_equal(mc_store_open(&other, f->path), 0);
	assert_int_equal(mc_store_generation(f->st, &g0), 0);
	assert_int_equal(mc_store_generation(other, &g), 0);
	assert_true(g == g0);

	/* A unit's office hours. */
	assert_int_equal(mc_store_unit_get(f->st, &u, f->district), 0);
	mc_unit edit = u; /* borrows u's strings, points at others */
	edit.office_hours = "07:30-11:30,13:30-17:00";
	assert_int_equal(mc_store_unit_update(f->st, &edit), 0);
	assert_int_equal(mc_store_generation(other, &g), 0);
	assert_true(g != g0);
	/* A new unit; a year's days off set, then removed. */
	g0 = g;
	add_unit(f->st, f->district, "000.33.30.H56", "UBND xã Quảng Ninh", "commune", "H56");
	assert_int_equal(mc_store_generation(other, &g), 0);
	assert_true(g != g0);
	g0 = g;
	assert_int_equal(mc_store_calendar_set_year(f->st, 2025, &day, 1, "Thông báo 6150/TB-LĐTBXH"), 0);
	assert_int_equal(mc_store_generation(other, &g), 0);
	assert_true(g != g0);
	g0 = g;
	assert_int_equal(mc_store_calendar_delete_year(f->st, 2025), 0);
	assert_int_equal(mc_store_generation(other, &g), 0);
	assert_true(g != g0);

	/* Messages, like dossiers and sessions, are not kept in memory. */
	g0 = g;
	add_message(f->st, 1000);
	assert_int_equal(mc_store_generation(other, &g), 0);
	assert_true(g == g0);

	/* Inside a transaction: the writer sees the move at once, others at the commit. */
	assert_int_equal(mc_store_begin(f->st), 0);
	edit.name = "UBND huyện Quảng Xương (mới)";
	assert_int_equal(mc_store_unit_update(f->st, &edit), 0);
	assert_int_equal(mc_store_generation(f->st, &seen), 0);
	assert_true(seen != g0);
	assert_int_equal(mc_store_generation(other, &g), 0);
	assert_true(g == g0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(mc_store_generation(other, &g), 0);
	assert_true(g == seen);

	/* A rolled-back edit leaves it where it was. */
	g0 = g;
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_calendar_set_year(f->st, 2026, NULL, 0, "x"), 0);
	assert_int_equal(mc_store_rollback(f->st), 0);
	assert_int_equal(mc_store_generation(other, &g), 0);
	assert_true(g == g0);

	/* An operator's SQL behind the store's back moves it too. */
	assert_int_equal(
	    raw_exec(f, "UPDATE unit SET phone = '0237 3860 555' WHERE code = '000.00.30.H56'", NULL, 0), 0);
	assert_int_equal(mc_store_generation(other, &g), 0);
	assert_true(g != g0);
	mc_store_close(other);
	mc_unit_clear(&u);
}

/* A due message is taken by one claim at a time, on any connection; the
 * claim expires after its lease, and recording the outcome clears it. */
static void test_outbox_claim(void **state)
{
	struct fixture *f = *state;
	int64_t a = add_message(f->st, 1000);
	int64_t b = add_message(f->st, 1000);
	int64_t c = add_message(f->st, 2000);
	mc_store *other = NULL;
	mc_message *got = NULL;
	size_t n = 0;

	assert_int_equal(mc_store_open(&other, f->path), 0);
	assert_int_equal(mc_store_outbox_claim(f->st, &got, &n, 1500, 10, 60), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].id, a);
	assert_int_equal(got[1].id, b);
	assert_int_equal(got[0].claimed_until, 1560);
	assert_string_equal(got[0].state, "pending");
	mc_message_free_list(got, n);
	/* Held: neither this connection nor another takes them again. */
	assert_int_equal(mc_store_outbox_claim(f->st, &got, &n, 1500, 10, 60), 0);
	assert_int_equal(n, 0);
	mc_message_free_list(got, n);
	assert_int_equal(mc_store_outbox_claim(other, &got, &n, 1559, 10, 60), 0);
	assert_int_equal(n, 0);
	mc_message_free_list(got, n);
	/* a's outcome clears its claim: a failure is due again at its next try. */
	assert_int_equal(mc_store_outbox_done(f->st, a, false, "refused", 1501, 1530), 0);
	assert_int_equal(mc_store_outbox_claim(other, &got, &n, 1530, 10, 60), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].id, a);
	assert_int_equal(got[0].attempts, 1);
	assert_int_equal(got[0].claimed_until, 1590);
	mc_message_free_list(got, n);
	/* b's claim expired (the pass died): taken again, with c now due; limit holds. */
	assert_int_equal(mc_store_outbox_claim(other, &got, &n, 2000, 1, 60), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].id, b);
	mc_message_free_list(got, n);
	assert_int_equal(mc_store_outbox_done(other, b, true, NULL, 2001, 0), 0);
	assert_int_equal(mc_store_outbox_done(other, a, true, NULL, 2001, 0), 0);
	if (use_pg) {
		/* An open transaction holding c's row lock: another claim skips it
		 * rather than waiting, and the claim is the first's once committed. */
		int64_t d = add_message(f->st, 2000);

		assert_int_equal(mc_store_begin(f->st), 0);
		assert_int_equal(mc_store_outbox_claim(f->st, &got, &n, 2010, 1, 60), 0);
		assert_int_equal(n, 1);
		assert_int_equal(got[0].id, c);
		mc_message_free_list(got, n);
		assert_int_equal(mc_store_outbox_claim(other, &got, &n, 2010, 10, 60), 0);
		assert_int_equal(n, 1);
		assert_int_equal(got[0].id, d);
		mc_message_free_list(got, n);
		assert_int_equal(mc_store_commit(f->st), 0);
		assert_int_equal(mc_store_outbox_claim(other, &got, &n, 2010, 10, 60), 0);
		assert_int_equal(n, 0);
		mc_message_free_list(got, n);
	} else {
		assert_int_equal(mc_store_outbox_claim(other, &got, &n, 2010, 10, 60), 0);
		assert_int_equal(n, 1);
		assert_int_equal(got[0].id, c);
		mc_message_free_list(got, n);
	}
	/* Sent and failed messages are never claimed. */
	assert_int_equal(mc_store_outbox_claim(f->st, &got, &n, 999999, 10, 60), 0);
	assert_int_equal(n, use_pg ? 2 : 1);
	mc_message_free_list(got, n);
	mc_store_close(other);
}

/* ---- uploads, their expiry, and the files no row names ----------------- */

static bool file_there(struct fixture *f, const char *sha)
{
	char path[800];
	struct stat sb;

	snprintf(path, sizeof path, "%s/%.2s/%s", f->files, sha, sha);
	return stat(path, &sb) == 0;
}

static void record(struct fixture *f, int64_t user, const char *sha, size_t size, int64_t at, int expected)
{
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_upload_record(f->st, user, sha, (int64_t)size, "application/pdf", at),
			 expected);
	assert_int_equal(expected == 0 ? mc_store_commit(f->st) : mc_store_rollback(f->st), 0);
}

/* One transaction per step, as the server runs them: a sweep never shares
 * the transaction of the expiry that named its files. */
static int64_t step(struct fixture *f, int (*fn)(mc_store *, int64_t *, int64_t, int), int64_t arg)
{
	int64_t n = -1;

	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(fn(f->st, &n, arg, 100), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	return n;
}

static int sweep(mc_store *st, int64_t *n, int64_t unused, int limit)
{
	(void)unused;
	return mc_store_files_sweep(st, n, limit);
}

static void test_uploads(void **state)
{
	struct fixture *f = *state;
	int64_t a = add_user(f->st, "cong.dan.a", MC_ROLE_CITIZEN, 0);
	int64_t b = add_user(f->st, "cong.dan.b", MC_ROLE_CITIZEN, 0);
	static const char one[] = "%PDF-1.4 one", two[] = "%PDF-1.4 two!";
	const int64_t t0 = 1750000000;
	char s1[65], s2[65];
	mc_upload_usage u;
	bool owned = true;
	int64_t size = 0;

	/* Recorded by a: a's, not b's. */
	assert_int_equal(mc_store_attachment_write(f->st, s1, one, sizeof one - 1), 0);
	record(f, a, s1, sizeof one - 1, t0, 0);
	assert_int_equal(mc_store_upload_owned(f->st, &owned, a, s1), 0);
	assert_true(owned);
	assert_int_equal(mc_store_upload_owned(f->st, &owned, b, s1), 0);
	assert_false(owned);
	assert_int_equal(mc_store_upload_owned(f->st, &owned, a, "../etc"), 0);
	assert_false(owned);
	assert_int_equal(mc_store_upload_usage(f->st, &u, a, t0 - 10), 0);
	assert_int_equal(u.unattached_files, 1);
	assert_int_equal(u.unattached_bytes, (int64_t)sizeof one - 1);
	assert_int_equal(u.recent_bytes, (int64_t)sizeof one - 1);
	assert_int_equal(mc_store_upload_usage(f->st, &u, a, t0 + 10), 0);
	assert_int_equal(u.recent_bytes, 0);
	assert_int_equal(mc_store_upload_usage(f->st, &u, b, 0), 0);
	assert_int_equal(u.unattached_files + u.unattached_bytes + u.recent_bytes, 0);
	/* Recording again moves its time; nothing doubles. */
	record(f, a, s1, sizeof one - 1, t0 + 1, 0);
	assert_int_equal(mc_store_upload_usage(f->st, &u, a, t0 - 10), 0);
	assert_int_equal(u.unattached_files, 1);
	assert_int_equal(u.recent_bytes, (int64_t)sizeof one - 1);

	/* A refused file is named, then swept; recording it after that is refused
	 * (written again, it can be). */
	assert_int_equal(mc_store_attachment_write(f->st, s2, two, sizeof two - 1), 0);
	assert_true(file_there(f, s2));
	assert_int_equal(mc_store_upload_discard(f->st, s2, t0), 0);
	assert_int_equal(step(f, sweep, 0), 1);
	assert_false(file_there(f, s2));
	record(f, b, s2, sizeof two - 1, t0 + 100, MC_EBUSY);
	assert_int_equal(mc_store_attachment_stat(f->st, &size, NULL, 0, s2), MC_ENOTFOUND);
	assert_int_equal(mc_store_attachment_write(f->st, s2, two, sizeof two - 1), 0);
	record(f, b, s2, sizeof two - 1, t0 + 100, 0);
	/* A file recorded since it was named is not swept. */
	assert_int_equal(mc_store_upload_discard(f->st, s2, t0), 0);
	assert_int_equal(step(f, sweep, 0), 0);
	assert_true(file_there(f, s2));

	/* Held by a dossier: no longer counted, never removed. */
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	mc_dossier d = {0};
	mc_dossier_doc doc = {.seq = 1, .name = "Tờ khai", .size = (int64_t)sizeof one - 1};
	snprintf(doc.sha256, sizeof doc.sha256, "%s", s1);
	dossier_init(&d, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_SUBMITTED, 0, 0, "An");
	d.docs = &doc; /* lent for the insert */
	d.n_docs = 1;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	d.docs = NULL;
	d.n_docs = 0;
	assert_int_equal(mc_store_upload_usage(f->st, &u, a, t0 - 10), 0);
	assert_int_equal(u.unattached_files, 0);
	assert_int_equal(u.unattached_bytes, 0);
	assert_int_equal(u.recent_bytes, (int64_t)sizeof one - 1);

	/* A procedure's form template (issue 15): uploaded by an administrator, then named by
	 * a document of the procedure. */
	static const char three[] = "%PDF-1.4 form";
	char s3[65];
	assert_int_equal(mc_store_attachment_write(f->st, s3, three, sizeof three - 1), 0);
	record(f, a, s3, sizeof three - 1, t0, 0);
	mc_proc_doc tdoc = {1, "Tờ khai đăng ký kết hôn", 1, 0, "Mẫu tờ khai", true, s3, "to-khai.pdf"};
	mc_procedure tp;
	proc_init(&tp, "1.004", "Đăng ký kết hôn", "Hộ tịch", "commune", 0, 3);
	tp.docs = &tdoc;
	tp.n_docs = 1;
	assert_int_equal(mc_store_procedure_create(f->st, &tp), 0);

	/* Expiry before t0 + 50: a's rows of s1 and s3 go, the files stay (a dossier holds
	 * s1, a procedure s3). */
	assert_int_equal(step(f, mc_store_upload_expire, t0 + 50), 2);
	assert_int_equal(step(f, sweep, 0), 0);
	assert_true(file_there(f, s3));
	assert_int_equal(mc_store_attachment_stat(f->st, &size, NULL, 0, s3), 0);
	assert_true(file_there(f, s1));
	assert_int_equal(mc_store_attachment_stat(f->st, &size, NULL, 0, s1), 0);
	assert_int_equal(mc_store_upload_owned(f->st, &owned, a, s1), 0);
	assert_false(owned);
	/* Before t0 + 200: b's s2, held by no dossier, goes with its file. */
	assert_int_equal(step(f, mc_store_upload_expire, t0 + 200), 1);
	assert_int_equal(mc_store_attachment_stat(f->st, &size, NULL, 0, s2), MC_ENOTFOUND);
	assert_true(file_there(f, s2)); /* until the sweep, after the commit */
	assert_int_equal(step(f, sweep, 0), 1);
	assert_false(file_there(f, s2));
	assert_int_equal(step(f, mc_store_upload_expire, t0 + 200), 0);

	/* Temporary files of a crash: the old one goes, a fresh one stays. */
	char dir[700], old[800], fresh[800];
	int64_t removed = -1;
	struct utimbuf past = {.actime = time(NULL) - 3600, .modtime = time(NULL) - 3600};

	snprintf(dir, sizeof dir, "%s/ab", f->files);
	mkdir(f->files, 0750);
	mkdir(dir, 0750);
	snprintf(old, sizeof old, "%s/.tmp-AbCdEf", dir);
	snprintf(fresh, sizeof fresh, "%s/.tmp-GhIjKl", dir);
	fclose(fopen(old, "w"));
	fclose(fopen(fresh, "w"));
	assert_int_equal(utime(old, &past), 0);
	assert_int_equal(mc_store_files_clean_tmp(f->st, &removed, time(NULL) - 600), 0);
	assert_int_equal(removed, 1);
	assert_int_not_equal(access(old, F_OK), 0);
	assert_int_equal(access(fresh, F_OK), 0);

	/* Names for deletion that are no digest (a row written behind the
	 * server's back) name no file: they are forgotten, and no file goes,
	 * not even the one a longer name begins with. */
	char sql[400];
	snprintf(sql, sizeof sql, "INSERT INTO file_gc (sha256, at) VALUES ('../%s', 0), ('%sff', 0)", s1,
		 s1);
	assert_int_equal(raw_exec(f, sql, NULL, 0), 0);
	assert_int_equal(step(f, sweep, 0), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM file_gc"), 0);
	assert_true(file_there(f, s1));
	mc_dossier_clear(&d);
}

/* ---- audit anchors and health ------------------------------------------ */

static void append(struct fixture *f, int64_t dossier, const char *action, int from, int to, int64_t at)
{
	mc_event e = {
	    .dossier_id = dossier, .at = at, .unit_id = f->commune, .from_state = from, .to_state = to};

	e.action = (char *)action;
	assert_int_equal(mc_app_dossier_event_append(f->st, &e), 0);
}

static int64_t problems(struct fixture *f)
{
	mc_audit_report rep;
	FILE *out = fopen("/dev/null", "w");

	assert_int_equal(mc_app_audit_verify(f->st, NULL, out, &rep), 0);
	fclose(out);
	mc_audit_anchor_clear(&rep.last);
	return rep.problems;
}

/* On PostgreSQL reading a log's top locks that log (SHARE) until the
 * transaction ends, so that no event commits below the id read: the
 * anchor reads the documents' log, then the tasks' log, one after the
 * other, and each must be locked. */
static void test_audit_log_top_locks_each_log(void **state)
{
	struct fixture *f = *state;
	static const char held[] = "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
				   "WHERE c.relname = '%s' AND l.mode = 'ShareLock' AND l.granted";
	static const char *const logs[] = {"document_event", "task_event"};
	int64_t top = -1;

	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_audit_log_top(f->st, MC_AUDIT_LOG_DOCUMENTS, &top), 0);
	assert_int_equal(top, 0);
	top = -1;
	assert_int_equal(mc_store_audit_log_top(f->st, MC_AUDIT_LOG_TASKS, &top), 0);
	assert_int_equal(top, 0);
	for (size_t i = 0; use_pg && i < 2; i++) {
		char sql[256];
		snprintf(sql, sizeof sql, held, logs[i]);
		if (raw_int(f, sql) != 1)
			fail_msg("%s is not locked", logs[i]);
	}
	assert_int_equal(mc_store_rollback(f->st), 0);
}

/* The documents' log is anchored in steps of 25 events per dossier an anchor
 * may cover: a backlog (the first anchor after migration 054) is never read
 * whole under the log's lock; the next anchors take the rest. */
static void test_audit_log_steps(void **state)
{
	struct fixture *f = *state;
	mc_audit_config cfg = {0};
	mc_audit_anchor head = {0};
	mc_doc_register g = {
	    .unit_id = f->district, .box = 1, .name = "Sổ", .organ_abbr = "UBND", .created_at = 1000};
	mc_document d = {.box = 1,
			 .unit_id = f->district,
			 .drafting_unit_id = f->district,
			 .state = 1,
			 .type = "cong_van",
			 .subject = "Về việc kiểm tra",
			 .created_at = 2000,
			 .updated_at = 2000};
	int64_t covered = -1, first = 0;
	bool more = false;

	assert_int_equal(mc_store_doc_register_add(f->st, &g), 0);
	d.register_id = g.id;
	assert_int_equal(mc_store_document_add(f->st, &d), 0);
	for (int i = 0; i < 60; i++) {
		mc_document_event ev = {.document_id = d.id,
					.at = 2000 + i,
					.user_name = "Lê Văn An",
					.role = "specialist",
					.unit_id = f->district,
					.action = "edit",
					.from_state = 1,
					.to_state = 1,
					.note = ""};
		assert_int_equal(mc_app_document_event_append(f->st, &ev), 0);
		if (i == 0)
			first = ev.id;
	}
	/* an anchor for one dossier: 25 events */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_audit_anchor(f->st, &cfg, 3000, 1, &covered, &more), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_true(more);
	assert_int_equal(mc_store_audit_head(f->st, &head), 0);
	assert_int_equal(head.document_events_to, first + 24);
	mc_audit_anchor_clear(&head);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(mc_store_begin(f->st), 0);
		assert_int_equal(mc_app_audit_anchor(f->st, &cfg, 3001 + k, 1, &covered, &more), 0);
		assert_int_equal(mc_store_commit(f->st), 0);
	}
	assert_false(more);
	assert_int_equal(mc_store_audit_head(f->st, &head), 0);
	assert_int_equal(head.document_events_to, first + 59);
	assert_int_equal(head.id, 3);
	mc_audit_anchor_clear(&head);
	/* the three steps verify as one log */
	assert_int_equal(problems(f), 0);
}

static void test_audit_anchors(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	mc_audit_config cfg = {0};
	mc_audit_anchor head = {0};
	mc_dossier d[3] = {0};
	int64_t covered = -1;

	for (int i = 0; i < 3; i++) {
		char code[48];
		snprintf(code, sizeof code, "000.31.30.H56-250601-000%d", i + 1);
		dossier_init(&d[i], code, proc, f->commune, MC_ST_PROCESSING, 100, 10, "An");
		assert_int_equal(mc_store_dossier_insert(f->st, &d[i]), 0);
		append(f, d[i].id, "create", 0, MC_ST_RECEIVED, 10);
		append(f, d[i].id, "assign", MC_ST_RECEIVED, MC_ST_PROCESSING, 20);
	}
	/* The trigger moved each head. */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM dossier WHERE event_count = 2 AND anchor_id = 0"),
			 3);
	assert_int_equal(problems(f), 0);

	assert_int_equal(mc_store_begin(f->st), 0);
	bool more = false;
	assert_int_equal(mc_app_audit_anchor(f->st, &cfg, 1000, 2, &covered, &more), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(covered, 2);
	assert_true(more); /* a backlog: the server anchors the rest a second later */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_audit_anchor(f->st, &cfg, 1001, 100, &covered, &more), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(covered, 1);
	assert_false(more);
	/* Each entry recorded as read, and its dossier covered by the anchor. */
	assert_int_equal(raw_int(f,
				 "SELECT count(*) FROM audit_anchor_entry e JOIN dossier d ON d.id = "
				 "e.dossier_id AND d.anchor_id = e.anchor_id AND d.head_hash = e.head_hash "
				 "AND d.event_count = e.event_count AND d.state = e.state"),
			 3);
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_audit_anchor(f->st, &cfg, 1002, 100, &covered, NULL), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(covered, 0);
	assert_int_equal(mc_store_audit_head(f->st, &head), 0);
	assert_int_equal(head.id, 2);
	assert_int_equal(head.dossiers, 1);
	mc_audit_anchor_clear(&head);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM dossier WHERE anchor_id = 0"), 0);
	assert_int_equal(problems(f), 0);

	/* A new event makes the dossier pending again; the next anchor covers it. */
	append(f, d[0].id, "resolve", MC_ST_PROCESSING, MC_ST_RESOLVED, 30);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM dossier WHERE anchor_id = 0"), 1);
	assert_int_equal(problems(f), 1); /* its state: the row still says processing */
	d[0].state = MC_ST_RESOLVED;
	assert_int_equal(mc_store_dossier_update(f->st, &d[0], d[0].version), 0);
	assert_int_equal(problems(f), 0);
	int64_t anchors = 0;
	assert_int_equal(mc_app_audit_anchor_all(f->st, &cfg, 1003, &anchors), 0);
	assert_int_equal(anchors, 1);
	assert_int_equal(problems(f), 0);

	/* The last event of d[1] removed behind the store's back. */
	char sql[300];
	snprintf(sql, sizeof sql,
		 use_pg ? "ALTER TABLE event DISABLE TRIGGER event_no_update; DELETE FROM event WHERE id = "
			  "(SELECT max(id) FROM event WHERE dossier_id = %lld)"
			: "DROP TRIGGER event_no_delete; DELETE FROM event WHERE id = "
			  "(SELECT max(id) FROM event WHERE dossier_id = %lld)",
		 (long long)d[1].id);
	assert_int_equal(raw_exec(f, sql, NULL, 0), 0);
	/* record, state and anchor all disagree */
	assert_int_equal(problems(f), 3);
	/* The anchors refuse changes like the events. */
	char err[512];
	assert_int_not_equal(raw_exec(f, "DELETE FROM audit_anchor", err, sizeof err), 0);
	assert_non_null(strstr(err, "append-only"));
	assert_int_not_equal(raw_exec(f, "UPDATE audit_anchor_entry SET state = 9", err, sizeof err), 0);
	assert_non_null(strstr(err, "append-only"));

	/* A note made longer than an event holds, behind the store's back: the
	 * log is still read to its end, and the link of that event is broken. */
	snprintf(sql, sizeof sql,
		 use_pg ? "UPDATE event SET note = repeat('x', 5000) WHERE id = "
			  "(SELECT min(id) FROM event WHERE dossier_id = %lld)"
			: "DROP TRIGGER event_no_update; UPDATE event SET note = "
			  "replace(hex(zeroblob(2500)), '0', 'x') "
			  "WHERE id = (SELECT min(id) FROM event WHERE dossier_id = %lld)",
		 (long long)d[2].id);
	assert_int_equal(raw_exec(f, sql, NULL, 0), 0);
	assert_int_equal(problems(f), 4);
	for (int i = 0; i < 3; i++)
		mc_dossier_clear(&d[i]);
}

/* Personal data (store_personal.c): pseudonymising a dossier replaces its
 * applicant's fields and the texts of its citizen's version 2 events, leaves
 * version 1 events (written before migration 016) and officers' events as
 * they were, and the whole log, of both versions, still verifies; the
 * triggers refuse any other edit of an event. The log of reads is filtered
 * by scope and subject and purged by age. */
static void test_personal_pseudonymise(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.004", "Đăng ký kết hôn", "Hộ tịch", "commune", 0, 4);
	int64_t citizen = add_user(f->st, "cong.dan.an", MC_ROLE_CITIZEN, 0);
	int64_t officer = add_user(f->st, "can.bo.xa", MC_ROLE_DESK, f->commune);
	mc_dossier d = {0};
	mc_event e = {0};
	mc_event *list = NULL;
	size_t n = 0;
	char prev[65] = "";

	dossier_init(&d, "000.31.30.H56-250601-0009", proc, f->commune, MC_ST_WITHDRAWN, 100, 10,
		     "Nguyễn Văn An");
	d.owner_id = citizen;
	set_str(&d.applicant_phone, "0912345678");
	d.finished_at = 50;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	/* 1. an event of version 1 by the citizen, as written before migration 016 */
	e = (mc_event){.dossier_id = d.id,
		       .at = 10,
		       .actor_id = citizen,
		       .actor_name = "Nguyễn Văn An",
		       .unit_id = f->commune,
		       .action = "create",
		       .to_state = MC_ST_SUBMITTED,
		       .note = "nộp",
		       .hash_version = MC_AUDIT_V1};
	mc_audit_event_hash(e.hash, "", d.id, 10, citizen, "Nguyễn Văn An", f->commune, "create", 0,
			    MC_ST_SUBMITTED, 0, "nộp");
	assert_int_equal(mc_store_event_append(f->st, &e), 0);
	snprintf(prev, sizeof prev, "%s", e.hash);
	/* 2. the officer receives it, 3. the citizen withdraws it (version 2) */
	e = (mc_event){.dossier_id = d.id,
		       .at = 20,
		       .actor_id = officer,
		       .actor_name = "Cán bộ xã",
		       .unit_id = f->commune,
		       .action = "receive",
		       .from_state = MC_ST_SUBMITTED,
		       .to_state = MC_ST_RECEIVED,
		       .note = "đủ giấy tờ của ông An"};
	assert_int_equal(mc_app_dossier_event_append(f->st, &e), 0);
	e = (mc_event){.dossier_id = d.id,
		       .at = 50,
		       .actor_id = citizen,
		       .actor_name = "Nguyễn Văn An",
		       .unit_id = f->commune,
		       .action = "withdraw",
		       .from_state = MC_ST_RECEIVED,
		       .to_state = MC_ST_WITHDRAWN,
		       .note = "chuyển nhà về Hà Nội"};
	assert_int_equal(mc_app_dossier_event_append(f->st, &e), 0);
	int64_t withdraw_id = e.id;
	assert_int_equal(problems(f), 0);

	mc_personal_counts c = {0};
	assert_int_equal(mc_store_personal_pseudonymise(f->st, d.id, 0, 1000, &c), 0);
	assert_int_equal(c.dossiers, 1);
	assert_int_equal(c.events, 1);	  /* the withdrawal; the officer's event is not the citizen's */
	assert_int_equal(c.events_v1, 1); /* the creation, kept */
	assert_int_equal(problems(f), 0);
	/* Done once: a second pass changes nothing. */
	assert_int_equal(mc_store_personal_pseudonymise(f->st, d.id, 0, 2000, &c), 0);
	assert_int_equal(c.dossiers, 1);
	assert_int_equal(c.events, 1);

	mc_dossier got = {0};
	assert_int_equal(mc_store_dossier_get(f->st, &got, d.code, false), 0);
	assert_string_equal(got.applicant_name, MC_AUDIT_PSEUDONYM);
	assert_string_equal(got.applicant_id_number, "");
	assert_string_equal(got.applicant_phone, "");
	assert_int_equal(got.version, d.version + 1);
	mc_dossier_clear(&got);
	assert_int_equal(mc_store_event_list(f->st, &list, &n, d.id), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].actor_name, "Nguyễn Văn An");   /* version 1: kept */
	assert_string_equal(list[1].note, "đủ giấy tờ của ông An"); /* the officer's */
	assert_int_equal(list[2].id, withdraw_id);
	assert_string_equal(list[2].actor_name, MC_AUDIT_PSEUDONYM);
	assert_string_equal(list[2].note, "");
	assert_string_equal(list[2].personal_salt, "");
	assert_int_equal(list[2].pseudonymised_at, 1000);
	mc_event_free_list(list, n);

	/* The triggers: a note rewritten, even marked as a pseudonymisation, and
	 * a version 1 event pseudonymised, are refused. */
	char sql[300], err[512];
	snprintf(sql, sizeof sql, "UPDATE event SET note = 'khác' WHERE id = %lld",
		 (long long)withdraw_id - 1);
	assert_int_not_equal(raw_exec(f, sql, err, sizeof err), 0);
	assert_non_null(strstr(err, "append-only"));
	snprintf(sql, sizeof sql,
		 "UPDATE event SET note = 'khác', actor_name = '" MC_AUDIT_PSEUDONYM "', personal_salt = '', "
		 "pseudonymised_at = 5 WHERE id = %lld",
		 (long long)withdraw_id - 1);
	assert_int_not_equal(raw_exec(f, sql, err, sizeof err), 0);
	snprintf(sql, sizeof sql,
		 "UPDATE event SET note = '', actor_name = '" MC_AUDIT_PSEUDONYM "', personal_salt = '', "
		 "pseudonymised_at = 5 WHERE dossier_id = %lld AND hash_version = 1",
		 (long long)d.id);
	assert_int_not_equal(raw_exec(f, sql, err, sizeof err), 0);
	assert_int_equal(problems(f), 0);

	/* The log of reads: in scope by the dossier's units, seen by its subject. */
	mc_personal_read rd = {.at = 100,
			       .reader_id = officer,
			       .reader_role = MC_ROLE_DESK,
			       .reader_unit_id = f->commune,
			       .dossier_id = d.id,
			       .subject_id = citizen,
			       .unit_id = f->commune,
			       .receiving_unit_id = f->commune,
			       .what = "dossier",
			       .route = "/api/v1/dossiers/x"};
	assert_int_equal(mc_store_personal_read_add(f->st, &rd), 0);
	rd.at = 200;
	rd.what = "attachment";
	assert_int_equal(mc_store_personal_read_add(f->st, &rd), 0);
	mc_personal_read *rows = NULL;
	int64_t total = 0;
	mc_personal_read_query q = {.unit_id = f->district, .limit = 10};
	assert_int_equal(mc_store_personal_read_list(f->st, &rows, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].what, "attachment"); /* newest first */
	assert_string_equal(rows[0].reader_username, "can.bo.xa");
	assert_string_equal(rows[0].dossier_code, d.code);
	mc_personal_read_free_list(rows, n);
	q = (mc_personal_read_query){.unit_id = f->dept, .limit = 10};
	assert_int_equal(mc_store_personal_read_list(f->st, &rows, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_personal_read_free_list(rows, n);
	q = (mc_personal_read_query){.subject_id = officer, .limit = 10};
	assert_int_equal(mc_store_personal_read_list(f->st, &rows, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_personal_read_free_list(rows, n);
	q = (mc_personal_read_query){.subject_id = citizen, .limit = 1, .offset = 1};
	assert_int_equal(mc_store_personal_read_list(f->st, &rows, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].what, "dossier");
	mc_personal_read_free_list(rows, n);
	q.limit = 0;
	assert_int_equal(mc_store_personal_read_list(f->st, &rows, &n, &total, &q), MC_EINVAL);
	/* A list read: no dossier, the count of its rows, in scope by the unit
	 * listed (here the commune), whatever the reader's unit (here the department). */
	mc_personal_read list_read = {.at = 300,
				      .reader_id = officer,
				      .reader_role = MC_ROLE_DESK,
				      .reader_unit_id = f->dept,
				      .unit_id = f->commune,
				      .what = "list",
				      .route = "/api/v1/dossiers",
				      .records = 37};
	assert_int_equal(mc_store_personal_read_add(f->st, &list_read), 0);
	q = (mc_personal_read_query){.unit_id = f->district, .limit = 10};
	assert_int_equal(mc_store_personal_read_list(f->st, &rows, &n, &total, &q), 0);
	assert_int_equal(total, 3);
	assert_string_equal(rows[0].what, "list");
	assert_int_equal(rows[0].records, 37);
	assert_string_equal(rows[0].dossier_code, "");
	assert_int_equal(rows[1].records, 1); /* a dossier's read: one record */
	mc_personal_read_free_list(rows, n);
	q = (mc_personal_read_query){.subject_id = citizen, .limit = 10};
	assert_int_equal(mc_store_personal_read_list(f->st, &rows, &n, &total, &q), 0);
	assert_int_equal(total, 2); /* a list names no subject */
	mc_personal_read_free_list(rows, n);
	assert_int_equal(mc_store_personal_read_purge(f->st, 150, &total), 0);
	assert_int_equal(total, 1);

	/* Erasure of the account. */
	assert_int_equal(mc_store_personal_erase_account(f->st, citizen, 3000), 0);
	mc_user u = {0};
	assert_int_equal(mc_store_user_get(f->st, &u, citizen), 0);
	assert_string_equal(u.full_name, MC_AUDIT_PSEUDONYM);
	assert_false(u.active);
	mc_user_clear(&u);
	assert_int_equal(mc_store_personal_erase_account(f->st, citizen, 3000), MC_ENOTFOUND);
	assert_int_equal(mc_store_personal_erase_account(f->st, officer, 3000), MC_ENOTFOUND);
	mc_dossier_clear(&d);
}

static void test_health(void **state)
{
	struct fixture *f = *state;
	bool complete = false, writable = false;
	char problem[200] = "x";
	int version = 0, latest = -1;

	assert_int_equal(mc_store_check_integrity(f->st, &complete, problem, sizeof problem, 10000), 0);
	assert_true(complete);
	assert_string_equal(problem, "");
	assert_int_equal(mc_store_writable(f->st, &writable), 0);
	assert_true(writable);
	assert_int_equal(mc_store_schema_version(f->st, &version), 0);
	assert_int_equal(mc_store_schema_latest(f->st, &latest), 0);
	assert_int_equal(version, latest);
	assert_true(latest >= 14);
}

/* The driver's list reader: every row, or on a failure half-way nothing
 * returned and nothing kept (the strings of the rows read before it are
 * freed: LeakSanitizer in the ASan build says so). */
static void test_read_list(void **state)
{
	struct fixture *f = *state;
	struct row {
		int64_t n;
		char *name;
		char code[4];
	};
	static const mc_col cols[] = {
	    MC_COL(MC_COL_I64, struct row, n, "n"),
	    MC_COL(MC_COL_STR, struct row, name, "name"),
	    MC_COL_ARRAY(struct row, code, "code"),
	};
	static const char insert[] = "INSERT INTO read_list (n, name, code) VALUES ($1, $2, $3)";
	static const char select[] = "SELECT code, name, n FROM read_list WHERE n <= $1 ORDER BY n";
	static const char create[] = "CREATE TABLE read_list (n BIGINT, name TEXT, code TEXT)";
	struct row *list = NULL;
	size_t n = 0;
	mc_q *q = NULL;

	assert_int_equal(mc_db_sql(f->st, create, "create"), 0);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(mc_db_prepare(f->st, &q, insert), 0);
		mc_q_int(q, 1, i);
		mc_q_text(q, 2, i == 1 ? "một" : "hai");
		mc_q_text(q, 3, i == 3 ? "long" : "ab");
		assert_int_equal(mc_q_exec(q, "fill"), 0);
		mc_q_done(q);
	}
	/* The first two rows fit, read by name in any order. */
	assert_int_equal(mc_db_prepare(f->st, &q, select), 0);
	mc_q_int(q, 1, 2);
	assert_int_equal(mc_q_read_list(q, "read", cols, MC_ARRAY_LEN(cols), sizeof *list, &list, &n), 0);
	mc_q_done(q);
	assert_int_equal(n, 2);
	assert_int_equal(list[1].n, 2);
	assert_string_equal(list[0].name, "một");
	assert_string_equal(list[1].code, "ab");
	for (size_t i = 0; i < n; i++)
		free(list[i].name);
	free(list);
	/* The third's code is longer than its field. */
	assert_int_equal(mc_db_prepare(f->st, &q, select), 0);
	mc_q_int(q, 1, 3);
	assert_int_equal(mc_q_read_list(q, "read", cols, MC_ARRAY_LEN(cols), sizeof *list, &list, &n),
			 MC_ETOOBIG);
	mc_q_done(q);
	assert_null(list);
	assert_int_equal(n, 0);
	/* No row: no list. */
	assert_int_equal(mc_db_prepare(f->st, &q, select), 0);
	mc_q_int(q, 1, 0);
	assert_int_equal(mc_q_read_list(q, "read", cols, MC_ARRAY_LEN(cols), sizeof *list, &list, &n), 0);
	mc_q_done(q);
	assert_null(list);
	assert_int_equal(n, 0);
}

/* The administrators' account actions: listed newest first by account, by
 * actor and period, the operator's with no actor; the table refuses edits. */
static void test_account_actions(void **state)
{
	struct fixture *f = *state;
	mc_account_action a = {.at = 100,
			       .actor_id = 0,
			       .actor_username = "(command line)",
			       .action = "create",
			       .target_id = 7,
			       .target_username = "cv.moi",
			       .detail = "{\"role\":\"desk\"}"};
	mc_account_action *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	char err[512];

	assert_int_equal(mc_store_account_action_add(f->st, &a), 0);
	a = (mc_account_action){.at = 200,
				.actor_id = 1,
				.actor_username = "admin",
				.action = "lock",
				.target_id = 7,
				.target_username = "cv.moi"};
	assert_int_equal(mc_store_account_action_add(f->st, &a), 0);
	a.at = 300;
	a.target_id = 8;
	a.target_username = "cv.khac";
	a.action = "password_reset";
	assert_int_equal(mc_store_account_action_add(f->st, &a), 0);

	mc_account_action_query q = {.target_id = 7, .limit = 10};
	assert_int_equal(mc_store_account_action_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	assert_string_equal(list[0].action, "lock");
	assert_int_equal(list[0].actor_id, 1);
	assert_string_equal(list[1].action, "create");
	assert_int_equal(list[1].actor_id, 0);
	assert_string_equal(list[1].actor_username, "(command line)");
	assert_string_equal(list[1].detail, "{\"role\":\"desk\"}");
	assert_string_equal(list[0].detail, "");
	mc_account_action_free_list(list, n);

	q = (mc_account_action_query){.actor_id = 1, .from = 250, .limit = 1};
	assert_int_equal(mc_store_account_action_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_string_equal(list[0].target_username, "cv.khac");
	mc_account_action_free_list(list, n);

	q = (mc_account_action_query){.limit = 2, .offset = 1};
	assert_int_equal(mc_store_account_action_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 3);
	assert_string_equal(list[0].action, "lock");
	mc_account_action_free_list(list, n);
	q.limit = 0;
	assert_int_equal(mc_store_account_action_list(f->st, &list, &n, &total, &q), MC_EINVAL);

	/* Append-only, from any connection. */
	assert_int_not_equal(raw_exec(f, "UPDATE account_action SET action = 'x'", err, sizeof err), 0);
	assert_non_null(strstr(err, "append-only"));
	assert_int_not_equal(raw_exec(f, "DELETE FROM account_action", err, sizeof err), 0);
	assert_non_null(strstr(err, "append-only"));
	assert_int_equal(raw_int(f, "SELECT count(*) FROM account_action"), 3);
}

/* The national portal's queue (app/portal.h): a state change queued once
 * with its event, claimed only at the head of its dossier, retried after a
 * failure, dead after the last, retried by hand, then the next one. */
static void test_portal_sync(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.009", "Đăng ký kết hôn", "Hộ tịch", "commune", 0, 4);
	mc_dossier a = {0}, b = {0};
	mc_portal_item *got = NULL;
	size_t n = 0;
	int64_t total = 0;

	mc_portal_set_enabled(true);
	dossier_init(&a, "000.31.30.H56-250601-0101", proc, f->commune, MC_ST_RECEIVED, 100, 10, "An");
	dossier_init(&b, "000.31.30.H56-250601-0102", proc, f->commune, MC_ST_RECEIVED, 100, 10, "Bình");
	assert_int_equal(mc_store_dossier_insert(f->st, &a), 0);
	assert_int_equal(mc_store_dossier_insert(f->st, &b), 0);
	append(f, a.id, "create", 0, MC_ST_RECEIVED, 10);
	append(f, a.id, "assign", MC_ST_RECEIVED, MC_ST_PROCESSING, 20);
	append(f, a.id, "note", MC_ST_PROCESSING, MC_ST_PROCESSING, 25); /* no change of state */
	append(f, a.id, "resolve", MC_ST_PROCESSING, MC_ST_RESOLVED, 30);
	append(f, b.id, "create", 0, MC_ST_RECEIVED, 40);
	mc_portal_set_enabled(false);
	append(f, b.id, "assign", MC_ST_RECEIVED, MC_ST_PROCESSING, 50); /* the sync off: not queued */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM portal_sync"), 4);
	/* Queued once per event, whoever asks again. */
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT hash FROM event WHERE dossier_id = %lld AND action = 'create'",
		 (long long)a.id);
	char hash[65] = "";
	mc_q *q = NULL;
	assert_int_equal(mc_db_prepare(f->st, &q, sql), 0);
	assert_int_equal(mc_q_row(q, "hash"), 1);
	snprintf(hash, sizeof hash, "%s", mc_q_col_text(q, 0));
	mc_q_done(q);
	assert_int_equal(mc_store_portal_queue(f->st, a.id, hash, "create", MC_ST_RECEIVED, 10), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM portal_sync"), 4);

	/* The heads only: each dossier's oldest. */
	assert_int_equal(mc_store_portal_claim(f->st, &got, &n, 1000, 10, 600), 0);
	assert_int_equal(n, 2);
	assert_string_equal(got[0].dossier_code, a.code);
	assert_string_equal(got[0].action, "create");
	assert_int_equal(got[0].state_code, MC_ST_RECEIVED);
	assert_string_equal(got[1].dossier_code, b.code);
	int64_t a_create = got[0].id, b_create = got[1].id;
	mc_portal_item_free_list(got, n);
	/* A's fails (retry at 2000); B's is still claimed; A's next waits. */
	assert_int_equal(
	    mc_store_portal_done(f->st, a_create, false, false, "portal answered 500", 1001, 2000), 0);
	assert_int_equal(mc_store_portal_claim(f->st, &got, &n, 1500, 10, 600), 0);
	assert_int_equal(n, 0);
	mc_portal_item_free_list(got, n);
	/* Both again once due and the claim expired; A's dies. */
	assert_int_equal(mc_store_portal_claim(f->st, &got, &n, 3000, 10, 600), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].attempts, 1);
	mc_portal_item_free_list(got, n);
	assert_int_equal(mc_store_portal_done(f->st, a_create, false, true, "portal answered 503", 3001, 0),
			 0);
	assert_int_equal(mc_store_portal_done(f->st, b_create, true, false, NULL, 3002, 0), 0);
	assert_int_equal(mc_store_portal_done(f->st, b_create, true, false, NULL, 3003, 0), MC_ENOTFOUND);
	assert_int_equal(mc_store_portal_claim(f->st, &got, &n, 5000, 10, 600), 0);
	assert_int_equal(n, 0); /* A's later changes wait behind the dead one */
	mc_portal_item_free_list(got, n);
	assert_int_equal(mc_store_portal_list(f->st, &got, &n, &total, "dead", 10, 0), 0);
	assert_int_equal(total, 1);
	assert_int_equal(got[0].attempts, 2);
	assert_string_equal(got[0].last_error, "portal answered 503");
	mc_portal_item_free_list(got, n);

	/* Retried by hand: only a dead one, only one that exists. */
	assert_int_equal(mc_store_portal_retry(f->st, b_create, 6000), MC_ECONFLICT);
	assert_int_equal(mc_store_portal_retry(f->st, 999999, 6000), MC_ENOTFOUND);
	assert_int_equal(mc_store_portal_retry(f->st, a_create, 6000), 0);
	assert_int_equal(mc_store_portal_claim(f->st, &got, &n, 6000, 10, 600), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].id, a_create);
	assert_int_equal(got[0].attempts, 0);
	mc_portal_item_free_list(got, n);
	assert_int_equal(mc_store_portal_done(f->st, a_create, true, false, NULL, 6001, 0), 0);
	assert_int_equal(mc_store_portal_claim(f->st, &got, &n, 6002, 10, 600), 0);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].action, "assign");
	mc_portal_item_free_list(got, n);
	assert_int_equal(mc_store_portal_list(f->st, &got, &n, &total, "sent", 10, 0), 0);
	assert_int_equal(total, 2);
	mc_portal_item_free_list(got, n);
	assert_int_equal(mc_store_portal_list(f->st, &got, &n, &total, NULL, 0, 0), MC_EINVAL);
	mc_dossier_clear(&a);
	mc_dossier_clear(&b);
}

/* ---- units over time (docs/units.md) ----------------------------------- */

/* A unit ends once, on a day, with its successor; the links, the open
 * dossiers it holds and its users follow; plans are applied once. */
static void test_unit_periods(void **state)
{
	struct fixture *f = *state;
	int64_t proc = add_proc(f->st, "1.003", "Đăng ký khai sinh", "Hộ tịch", "commune", 0, 4);
	int64_t desk = add_user(f->st, "desk.qb", MC_ROLE_DESK, f->commune);
	int32_t day = mc_days_from_civil(2025, 7, 1);
	mc_dossier d = {0};
	mc_unit u = {0};
	mc_unit_link *links = NULL;
	char **codes = NULL;
	size_t n = 0;
	int64_t open = 0, users = 0, moved = 0;
	mc_one_stop_count counts[4];

	/* A new commune in force from the day, under the province. */
	memset(&u, 0, sizeof u);
	u.parent_id = f->province;
	u.code = "000.25.001.H56";
	u.name = "xã Quảng Bình";
	u.level = "commune";
	u.province_code = "H56";
	u.one_stop_since = day;
	u.valid_from = day;
	assert_int_equal(mc_store_unit_create(f->st, &u), 0);
	int64_t merged = u.id;
	assert_int_equal(mc_store_unit_get(f->st, &u, merged), 0);
	assert_int_equal(u.valid_from, day);
	assert_int_equal(u.valid_to, 0);
	assert_false(mc_unit_in_force(&u, day - 1));
	assert_true(mc_unit_in_force(&u, day));
	mc_unit_clear(&u);

	/* Two open dossiers and one finished at the commune. */
	dossier_init(&d, "000.31.30.H56-250601-0001", proc, f->commune, MC_ST_RECEIVED, 1750000000,
		     1749000000, "Nguyễn Văn An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	dossier_init(&d, "000.31.30.H56-250601-0002", proc, f->commune, MC_ST_PROCESSING, 1750000000,
		     1749000000, "Lê Thị Bình");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	dossier_init(&d, "000.31.30.H56-250601-0003", proc, f->commune, MC_ST_RESOLVED, 1750000000,
		     1749000000, "Trần Văn Cường");
	d.finished_at = 1749500000;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	mc_dossier_clear(&d);
	assert_int_equal(mc_store_unit_holdings(f->st, &open, &users, f->commune), 0);
	assert_int_equal(open, 2);
	assert_int_equal(users, 1);
	assert_int_equal(mc_store_unit_open_dossiers(f->st, &codes, &n, f->commune), 0);
	assert_int_equal(n, 2);
	assert_string_equal(codes[0], "000.31.30.H56-250601-0001");
	assert_string_equal(codes[1], "000.31.30.H56-250601-0002");
	mc_strv_free(codes, n);

	/* Ended once: the second time is a conflict, an unknown unit not found. */
	assert_int_equal(mc_store_unit_end(f->st, f->commune, day, merged), 0);
	assert_int_equal(mc_store_unit_end(f->st, f->commune, day, merged), MC_ECONFLICT);
	assert_int_equal(mc_store_unit_end(f->st, 99999, day, merged), MC_ENOTFOUND);
	assert_int_equal(mc_store_unit_get(f->st, &u, f->commune), 0);
	assert_int_equal(u.valid_to, day);
	assert_int_equal(u.successor_id, merged);
	assert_true(mc_unit_in_force(&u, day - 1));
	assert_false(mc_unit_in_force(&u, day));
	assert_string_equal(u.code, "000.31.30.H56"); /* its code stays with its period */
	mc_unit_clear(&u);

	assert_int_equal(mc_store_unit_link(f->st, f->commune, merged, "merge", 0), 0);
	assert_int_equal(mc_store_unit_link(f->st, f->commune, merged, "merge", 0), MC_ECONFLICT);
	assert_int_equal(mc_store_unit_link(f->st, f->commune, 99999, "merge", 0), MC_ENOTFOUND);
	assert_int_equal(mc_store_unit_links(f->st, &links, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(links[0].unit_id, f->commune);
	assert_int_equal(links[0].successor_id, merged);
	assert_string_equal(links[0].kind, "merge");
	mc_unit_link_free_list(links, n);

	/* The users move; a second unit's are deactivated and lose their sessions. */
	assert_int_equal(mc_store_unit_users_move(f->st, &moved, f->commune, merged), 0);
	assert_int_equal(moved, 1);
	mc_user usr;
	assert_int_equal(mc_store_user_get(f->st, &usr, desk), 0);
	assert_int_equal(usr.unit_id, merged);
	assert_true(usr.active);
	mc_user_clear(&usr);
	int64_t desk2 = add_user(f->st, "desk.qh", MC_ROLE_DESK, f->commune2);
	assert_int_equal(mc_store_session_create(f->st, "ab12", desk2, 1, 4000000000, NULL), 0);
	assert_int_equal(mc_store_unit_users_move(f->st, &moved, f->commune2, 0), 0);
	assert_int_equal(moved, 1);
	assert_int_equal(mc_store_user_get(f->st, &usr, desk2), 0);
	assert_false(usr.active);
	mc_user_clear(&usr);
	assert_int_equal(mc_store_session_get(f->st, NULL, NULL, "ab12"), MC_ENOTFOUND);

	/* The one-stop counts of a day count the units in force that day. */
	assert_int_equal(mc_store_unit_one_stop(f->st, counts, f->province, day - 1), 0);
	assert_int_equal(counts[3].units, 2);
	assert_int_equal(mc_store_unit_one_stop(f->st, counts, f->province, day), 0);
	assert_int_equal(counts[3].units, 2); /* Quảng Hòa still, and the new commune */
	assert_int_equal(counts[3].one_stop, 1);

	/* A plan is applied once. */
	mc_unit_plan p = {.name = "Sắp xếp 2025",
			  .effective_day = day,
			  .body = "{}",
			  .status = "draft",
			  .created_at = 1750000000};
	assert_int_equal(mc_store_unit_plan_create(f->st, &p), 0);
	assert_true(p.id > 0);
	mc_unit_plan got;
	assert_int_equal(mc_store_unit_plan_get(f->st, &got, p.id), 0);
	assert_string_equal(got.name, "Sắp xếp 2025");
	assert_string_equal(got.status, "draft");
	assert_int_equal(got.effective_day, day);
	mc_unit_plan_clear(&got);
	int64_t *due = NULL;
	p.status = "scheduled";
	assert_int_equal(mc_store_unit_plan_mark(f->st, &p), 0);
	assert_int_equal(mc_store_unit_plan_due(f->st, &due, &n, day - 1), 0);
	assert_int_equal(n, 0);
	free(due);
	assert_int_equal(mc_store_unit_plan_due(f->st, &due, &n, day), 0);
	assert_int_equal(n, 1);
	assert_int_equal(due[0], p.id);
	free(due);
	p.status = "applied";
	p.applied_at = 1751331600;
	p.moved_dossiers = 2;
	p.moved_tasks = 3;
	p.moved_documents = 4;
	assert_int_equal(mc_store_unit_plan_mark(f->st, &p), 0);
	assert_int_equal(mc_store_unit_plan_mark(f->st, &p), MC_ECONFLICT);
	p.id = 99999;
	assert_int_equal(mc_store_unit_plan_mark(f->st, &p), MC_ENOTFOUND);
	mc_unit_plan *plans = NULL;
	assert_int_equal(mc_store_unit_plan_list(f->st, &plans, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(plans[0].status, "applied");
	assert_int_equal(plans[0].moved_dossiers, 2);
	assert_int_equal(plans[0].moved_tasks, 3);
	assert_int_equal(plans[0].moved_documents, 4);
	mc_unit_plan_free_list(plans, n);

	/* The latest day a unit worked as itself (a plan's check): its own
	 * dossiers' reception, or filing online when not received yet, before
	 * the time given. */
	dossier_init(&d, "000.31.30.H56-250611-0001", proc, f->commune, MC_ST_SUBMITTED, 0, 0,
		     "Phạm Thị Dung");
	d.channel = MC_CH_ONLINE;
	d.submitted_at = 1749600000;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	mc_dossier_clear(&d);
	int64_t last = -1;
	assert_int_equal(mc_store_unit_last_received(f->st, &last, f->commune, 4000000000), 0);
	assert_int_equal(last, 1749600000);
	assert_int_equal(mc_store_unit_last_received(f->st, &last, f->commune, 1749600000), 0);
	assert_int_equal(last, 1749000000);
	assert_int_equal(mc_store_unit_last_received(f->st, &last, f->commune, 1749000000), 0);
	assert_int_equal(last, 0);
	assert_int_equal(mc_store_unit_last_received(f->st, &last, merged, 4000000000), 0);
	assert_int_equal(last, 0);
}

/* ---- edXML packages (store_exchange.h) ---------------------------------- */

/* A package recorded once per direction, organisation, local unit and
 * DocumentId (a replay is a conflict); found by sender and id, by the
 * document it carried and by what answers it; claimed once, retried, sent
 * with its signed text; failed when given up. */
static void test_exchange(void **state)
{
	struct fixture *f = *state;
	mc_doc_register out = {
	    .unit_id = f->district, .box = 1, .name = "Sổ đi", .organ_abbr = "UBND", .created_at = 1};
	assert_int_equal(mc_store_doc_register_add(f->st, &out), 0);
	mc_document d = {.box = 1,
			 .register_id = out.id,
			 .unit_id = f->district,
			 .state = 6,
			 .type = "cong_van",
			 .subject = "Về việc liên thông",
			 .created_at = 10,
			 .updated_at = 10};
	mc_document answer = d;
	assert_int_equal(mc_store_document_add(f->st, &d), 0);
	assert_int_equal(mc_store_document_add(f->st, &answer), 0);
	mc_xch_message m = {.direction = MC_XCH_OUT,
			    .kind = 1,
			    .organ_id = "000.00.00.H26",
			    .local_organ_id = "000.00.33.H56",
			    .message_id = "a,1,b,0",
			    .document_id = d.id,
			    .package = "<x/>",
			    .state = "pending",
			    .created_at = 100};
	assert_int_equal(mc_store_xch_add(f->st, &m), 0);
	mc_xch_message twice = m;
	assert_int_equal(mc_store_xch_add(f->st, &twice), MC_ECONFLICT);
	mc_xch_message ghost = m;
	ghost.message_id = "ghost";
	ghost.document_id = 999999;
	assert_int_equal(mc_store_xch_add(f->st, &ghost), MC_ENOTFOUND);
	mc_xch_message in = {.direction = MC_XCH_IN,
			     .kind = 1,
			     .organ_id = "000.00.00.H26",
			     .local_organ_id = "000.00.33.H56",
			     .message_id = "r,7,c,0",
			     .document_id = answer.id,
			     .response_for_id = d.id,
			     .package = "<y/>",
			     .state = "received",
			     .created_at = 200};
	assert_int_equal(mc_store_xch_add(f->st, &in), 0);

	mc_xch_message got = {0};
	assert_int_equal(mc_store_xch_find(f->st, &got, MC_XCH_IN, "000.00.00.H26", NULL, "r,7,c,0"), 0);
	assert_int_equal(got.document_id, answer.id);
	assert_int_equal(got.response_for_id, d.id);
	mc_xch_message_clear(&got);
	assert_int_equal(
	    mc_store_xch_find(f->st, &got, MC_XCH_IN, "000.00.00.H26", "000.00.10.H56", "r,7,c,0"),
	    MC_ENOTFOUND);
	assert_int_equal(mc_store_xch_find_sent(f->st, &got, "a,1,b,0"), 0);
	assert_int_equal(got.id, m.id);
	mc_xch_message_clear(&got);
	assert_int_equal(mc_store_xch_received_as(f->st, &got, answer.id), 0);
	assert_int_equal(got.id, in.id);
	mc_xch_message_clear(&got);
	assert_int_equal(mc_store_xch_set_state(f->st, in.id, "recalled", "Thu hồi"), 0);
	mc_xch_message *list = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_xch_of_document(f->st, &list, &n, d.id), 0);
	assert_int_equal(n, 2); /* what it carried and what answers it */
	assert_string_equal(list[1].state, "recalled");
	assert_string_equal(list[1].last_error, "Thu hồi");
	mc_xch_message_free_list(list, n);

	/* claimed once; a failure is retried later; then sent with the signed text */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 150, 10, 60), 0);
	assert_int_equal(n, 1);
	mc_xch_message_free_list(list, n);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 151, 10, 60), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mc_store_xch_done(f->st, m.id, false, "down", 152, 300, NULL), 0);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 299, 10, 60), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 300, 10, 60), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].attempts, 1);
	assert_string_equal(list[0].last_error, "down");
	mc_xch_message_free_list(list, n);
	assert_int_equal(mc_store_xch_done(f->st, m.id, true, NULL, 301, 0, "<signed/>"), 0);
	assert_int_equal(mc_store_xch_done(f->st, m.id, true, NULL, 302, 0, NULL), MC_ENOTFOUND);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(mc_store_xch_find_sent(f->st, &got, "a,1,b,0"), 0);
	assert_string_equal(got.state, "sent");
	assert_string_equal(got.package, "<signed/>");
	assert_int_equal(got.sent_at, 301);
	mc_xch_message_clear(&got);
	/* given up: failed, never claimed again */
	mc_xch_message other = m;
	other.message_id = "a,1,b,1";
	assert_int_equal(mc_store_xch_add(f->st, &other), 0);
	assert_int_equal(mc_store_xch_done(f->st, other.id, false, "refused", 400, 0, NULL), 0);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 10000, 10, 60), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mc_store_xch_find(f->st, &got, MC_XCH_OUT, "000.00.00.H26", NULL, "a,1,b,1"), 0);
	assert_string_equal(got.state, "failed");
	mc_xch_message_clear(&got);
	/* queued again by hand: pending, no attempts, the new text; only a failed one */
	assert_int_equal(mc_store_xch_requeue(f->st, other.id, "<again/>", 500), 0);
	assert_int_equal(mc_store_xch_requeue(f->st, other.id, "<again/>", 500), MC_ENOTFOUND);
	assert_int_equal(mc_store_xch_requeue(f->st, m.id, "<again/>", 500), MC_ENOTFOUND);
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 500, 10, 60), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].attempts, 0);
	assert_string_equal(list[0].package, "<again/>");
	mc_xch_message_free_list(list, n);
	assert_int_equal(mc_store_xch_done(f->st, other.id, true, NULL, 501, 0, NULL), 0);
	assert_int_equal(mc_store_commit(f->st), 0);

	/* a recall (or replacement) waits behind the package it names to the same
	 * organisation while that one is pending, though due first; not behind
	 * one to another organisation, nor one given up */
	mc_xch_message orig = m, recall = m, elsewhere = m;
	orig.message_id = "a,1,c,0";
	orig.next_at = 1100; /* its retry backed off */
	recall.message_id = "a,1,c,1";
	recall.business = 1;
	recall.ref_message_id = "a,1,c,0";
	recall.created_at = 1000;
	recall.next_at = 0;
	elsewhere = recall;
	elsewhere.organ_id = "000.00.00.H27";
	assert_int_equal(mc_store_xch_add(f->st, &orig), 0);
	assert_int_equal(mc_store_xch_add(f->st, &recall), 0);
	assert_int_equal(mc_store_xch_add(f->st, &elsewhere), 0);
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 1000, 10, 60), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, elsewhere.id);
	mc_xch_message_free_list(list, n);
	assert_int_equal(mc_store_xch_done(f->st, elsewhere.id, true, NULL, 1001, 0, NULL), 0);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 1100, 10, 60), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, orig.id);
	mc_xch_message_free_list(list, n);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 1101, 10, 60), 0);
	assert_int_equal(n, 0); /* the original is claimed, not sent yet */
	assert_int_equal(mc_store_xch_done(f->st, orig.id, true, NULL, 1102, 0, NULL), 0);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 1102, 10, 60), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, recall.id);
	mc_xch_message_free_list(list, n);
	assert_int_equal(mc_store_xch_done(f->st, recall.id, true, NULL, 1103, 0, NULL), 0);
	/* behind one given up: claimed (and refused by the peer, for the clerk to see) */
	mc_xch_message lost = m, replacement = m;
	lost.message_id = "a,1,d,0";
	replacement.message_id = "a,1,e,0";
	replacement.business = 3;
	replacement.ref_message_id = "a,1,d,0";
	replacement.created_at = 1200;
	assert_int_equal(mc_store_xch_add(f->st, &lost), 0);
	assert_int_equal(mc_store_xch_done(f->st, lost.id, false, "refused", 1150, 0, NULL), 0);
	assert_int_equal(mc_store_xch_add(f->st, &replacement), 0);
	assert_int_equal(mc_store_xch_claim(f->st, &list, &n, 1200, 10, 60), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, replacement.id);
	mc_xch_message_free_list(list, n);
	assert_int_equal(mc_store_commit(f->st), 0);
}

/* ---- work files (store_workfile.h) ------------------------------------- */

/* A document of the district in register reg, numbered n, issued at t. */
static int64_t wf_doc(mc_store *st, int64_t reg, int64_t unit, int64_t n, int64_t t)
{
	char notation[32];
	snprintf(notation, sizeof notation, "%lld/QĐ-UBND", (long long)n);
	mc_document d = {.box = 1,
			 .register_id = reg,
			 .unit_id = unit,
			 .drafting_unit_id = unit,
			 .state = 6,
			 .type = "quyet_dinh",
			 .subject = "Về việc lập hồ sơ",
			 .body = "Điều 1.",
			 .year = 2026,
			 .series = "general",
			 .number = n,
			 .notation = notation,
			 .issued_at = t,
			 .created_at = t,
			 .updated_at = t};
	assert_int_equal(mc_store_document_add(st, &d), 0);
	return d.id;
}

/* The Danh mục: a code once per unit and year, files read whole with their
 * officer's name, versions, the list's filters and count, the hourly count
 * of one account; documents in at most one file of a unit's year, taken out
 * once, listed in the order they came. */
static void test_workfiles(void **state)
{
	struct fixture *f = *state;
	int64_t clerk = add_user(f->st, "vanthu.wf", MC_ROLE_DESK, f->district);
	int64_t officer = add_user(f->st, "chuyenvien.wf", MC_ROLE_SPECIALIST, f->district);
	mc_doc_register g = {
	    .unit_id = f->district, .box = 1, .name = "Sổ", .organ_abbr = "UBND", .created_at = 1};
	char title[MC_LIMIT_WORKFILE_TITLE * 3 + 1] = {0};
	for (int i = 0; i < MC_LIMIT_WORKFILE_TITLE; i++)
		strcat(title, "ồ");
	mc_workfile a = {.unit_id = f->district,
			 .year = 2026,
			 .code = "01.VP",
			 .title = title,
			 .retention_years = 0,
			 .responsible_id = officer,
			 .note = "Ghi chú",
			 .state = 1,
			 .created_by = clerk,
			 .created_at = 5000};
	mc_workfile b = a, dup = a, next = a, other = a, got = {0};
	mc_workfile *list = NULL;
	size_t n = 0;
	int64_t total = 0, count = 0, holder = 0;

	assert_int_equal(mc_store_workfile_add(f->st, &a), 0);
	assert_true(a.id > 0);
	assert_int_equal(a.version, 1);
	b.code = "02.VP";
	b.retention_years = 10;
	b.created_at = 9000;
	assert_int_equal(mc_store_workfile_add(f->st, &b), 0);
	assert_int_equal(mc_store_workfile_add(f->st, &dup), MC_ECONFLICT);
	next.year = 2027;
	assert_int_equal(mc_store_workfile_add(f->st, &next), 0);
	other.unit_id = f->dept;
	assert_int_equal(mc_store_workfile_add(f->st, &other), 0);
	mc_workfile ghost = a;
	ghost.responsible_id = 999999;
	ghost.code = "99";
	assert_int_equal(mc_store_workfile_add(f->st, &ghost), MC_ENOTFOUND);

	assert_int_equal(mc_store_workfile_get(f->st, &got, a.id), 0);
	assert_string_equal(got.title, title);
	assert_string_equal(got.code, "01.VP");
	assert_string_equal(got.responsible_name, "Người dùng chuyenvien.wf");
	assert_int_equal(got.retention_years, 0);
	assert_int_equal(got.archived_by, 0);
	assert_int_equal(got.state, 1);
	assert_int_equal(mc_store_workfile_get(f->st, &(mc_workfile){0}, 999999), MC_ENOTFOUND);

	/* Versions: the update holds at the version read, not after. */
	got.state = 2;
	got.opened_at = 6000;
	assert_int_equal(mc_store_workfile_update(f->st, &got, 1), 0);
	assert_int_equal(mc_store_workfile_update(f->st, &got, 1), MC_ESTALE);
	mc_workfile_clear(&got);
	assert_int_equal(mc_store_workfile_get(f->st, &got, a.id), 0);
	assert_int_equal(got.version, 2);
	assert_int_equal(got.state, 2);
	assert_int_equal(got.opened_at, 6000);

	/* The list: the unit's, by year (newest first) and code; filters. */
	mc_workfile_query q = {.unit_id = f->district, .limit = 10};
	assert_int_equal(mc_store_workfile_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 3);
	assert_int_equal(total, 3);
	assert_int_equal(list[0].id, next.id);
	assert_string_equal(list[1].code, "01.VP");
	assert_string_equal(list[2].code, "02.VP");
	mc_workfile_free_list(list, n);
	q.year = 2026;
	q.state = 2;
	assert_int_equal(mc_store_workfile_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, a.id);
	mc_workfile_free_list(list, n);
	mc_workfile_query mine = {.responsible_id = officer, .limit = 1};
	assert_int_equal(mc_store_workfile_list(f->st, &list, &n, &total, &mine), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 4);
	mc_workfile_free_list(list, n);
	assert_int_equal(mc_store_workfile_count_by(f->st, &count, clerk, 5000), 0);
	assert_int_equal(count, 4);
	assert_int_equal(mc_store_workfile_count_by(f->st, &count, clerk, 5001), 0);
	assert_int_equal(count, 1);
	assert_int_equal(mc_store_workfile_count_by(f->st, &count, officer, 0), 0);
	assert_int_equal(count, 0);

	/* Documents: one file of a unit's year each. */
	assert_int_equal(mc_store_doc_register_add(f->st, &g), 0);
	int64_t d1 = wf_doc(f->st, g.id, f->district, 1, 7000);
	int64_t d2 = wf_doc(f->st, g.id, f->district, 2, 6500);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &got, d1, officer, 8000, &holder), 0);
	assert_int_equal(holder, 0);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &got, d2, officer, 8001, NULL), 0);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &got, d1, officer, 8002, &holder), MC_ECONFLICT);
	assert_int_equal(holder, a.id);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &b, d1, officer, 8003, &holder), MC_ECONFLICT);
	assert_int_equal(holder, a.id);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &next, d1, officer, 8004, &holder), 0);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &other, d1, officer, 8005, &holder), 0);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &b, 999999, officer, 8006, &holder), MC_ENOTFOUND);
	int64_t *ids = NULL;
	assert_int_equal(mc_store_workfile_doc_ids(f->st, &ids, &n, a.id), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], d1);
	assert_int_equal(ids[1], d2);
	free(ids);
	assert_int_equal(mc_store_workfile_doc_remove(f->st, a.id, d1), 0);
	assert_int_equal(mc_store_workfile_doc_remove(f->st, a.id, d1), MC_ENOTFOUND);
	/* Taken out, it may go into another file of the year. */
	assert_int_equal(mc_store_workfile_doc_add(f->st, &b, d1, officer, 8007, &holder), 0);
	assert_int_equal(mc_store_workfile_doc_ids(f->st, &ids, &n, a.id), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], d2);
	free(ids);
	assert_int_equal(mc_store_workfile_doc_ids(f->st, &ids, &n, 999999), 0);
	assert_int_equal(n, 0);
	free(ids);
	mc_workfile_clear(&got);
}

/* The end of retention and disposal (migration 044): the states after the
 * archive read back as written, the expired list by its moment (not a
 * permanent file, not a disposed one), the decision kept. */
static void test_workfile_disposal(void **state)
{
	struct fixture *f = *state;
	int64_t clerk = add_user(f->st, "vanthu.wfd", MC_ROLE_DESK, f->district);
	int64_t head = add_user(f->st, "lanhdao.wfd", MC_ROLE_LEADER, f->district);
	mc_workfile a = {.unit_id = f->district,
			 .year = 2019,
			 .code = "01.VP",
			 .title = "Hồ sơ",
			 .retention_years = 5,
			 .responsible_id = clerk,
			 .note = "",
			 .state = 1,
			 .created_by = clerk,
			 .created_at = 5000};
	mc_workfile b = a, forever = a, got = {0};
	mc_workfile *list = NULL;
	size_t n = 0;
	int64_t total = 0;

	b.code = "02.VP";
	forever.code = "03.VP";
	forever.retention_years = 0;
	assert_int_equal(mc_store_workfile_add(f->st, &a), 0);
	assert_int_equal(mc_store_workfile_add(f->st, &b), 0);
	assert_int_equal(mc_store_workfile_add(f->st, &forever), 0);
	/* Archived; a retention ending at 1000 and 2000; the permanent one 0. */
	a.state = b.state = forever.state = 4;
	a.expires_at = 1000;
	b.expires_at = 2000;
	assert_int_equal(mc_store_workfile_update(f->st, &a, 1), 0);
	assert_int_equal(mc_store_workfile_update(f->st, &b, 1), 0);
	assert_int_equal(mc_store_workfile_update(f->st, &forever, 1), 0);
	mc_workfile_query q = {.unit_id = f->district, .expired_by = 999, .limit = 10};
	assert_int_equal(mc_store_workfile_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_workfile_free_list(list, n);
	q.expired_by = 1000;
	assert_int_equal(mc_store_workfile_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, a.id);
	mc_workfile_free_list(list, n);
	q.expired_by = 1000000;
	assert_int_equal(mc_store_workfile_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	mc_workfile_free_list(list, n);

	/* Proposed (5), then disposed of (6) with the decision. */
	a.state = 5;
	a.proposed_at = 1500;
	a.proposed_by = clerk;
	assert_int_equal(mc_store_workfile_update(f->st, &a, 2), 0);
	mc_workfile_query proposed = {.unit_id = f->district, .state = 5, .limit = 10};
	assert_int_equal(mc_store_workfile_list(f->st, &list, &n, &total, &proposed), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].state, 5);
	mc_workfile_free_list(list, n);
	a.state = 6;
	a.decision = "05/QĐ-UBND";
	a.decision_date = 1600;
	a.disposed_at = 1700;
	a.disposed_by = head;
	assert_int_equal(mc_store_workfile_update(f->st, &a, 3), 0);
	assert_int_equal(mc_store_workfile_get(f->st, &got, a.id), 0);
	assert_int_equal(got.state, 6);
	assert_int_equal(got.version, 4);
	assert_int_equal(got.expires_at, 1000);
	assert_int_equal(got.proposed_at, 1500);
	assert_int_equal(got.proposed_by, clerk);
	assert_string_equal(got.decision, "05/QĐ-UBND");
	assert_int_equal(got.decision_date, 1600);
	assert_int_equal(got.disposed_at, 1700);
	assert_int_equal(got.disposed_by, head);
	mc_workfile_clear(&got);
	/* A disposed file is no longer on the expired list; archived is 4 still. */
	assert_int_equal(mc_store_workfile_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, b.id);
	assert_int_equal(list[0].state, 4);
	mc_workfile_free_list(list, n);
	mc_workfile_query archived = {.unit_id = f->district, .state = 4, .limit = 10};
	assert_int_equal(mc_store_workfile_list(f->st, &list, &n, &total, &archived), 0);
	assert_int_equal(total, 2);
	mc_workfile_free_list(list, n);
}

/* The stored files of a disposed work file (store_workfile.h, "the content
 * of disposed work files"): which digests only disposed files use, their
 * destruction (row gone, file_destroyed, named for the sweep), MC_EGONE on
 * a read, and a record of the same bytes before the sweep keeping the file. */
static int64_t wfd_doc(struct fixture *f, int64_t unit, int box, int64_t source)
{
	mc_doc_register g = {0};
	if (mc_store_doc_register_of(f->st, &g, unit, box) == MC_ENOTFOUND) {
		mc_doc_register r = {
		    .unit_id = unit, .box = box, .name = "Sổ", .organ_abbr = "UB", .created_at = 1};
		assert_int_equal(mc_store_doc_register_add(f->st, &r), 0);
		g.id = r.id;
	}
	int64_t reg = g.id;
	mc_doc_register_clear(&g);
	mc_document d = {.box = box,
			 .register_id = reg,
			 .unit_id = unit,
			 .state = 1,
			 .type = "quyet_dinh",
			 .subject = "Về việc hủy",
			 .source_id = source,
			 .created_at = 2,
			 .updated_at = 2};
	assert_int_equal(mc_store_document_add(f->st, &d), 0);
	return d.id;
}

static void test_workfile_destroy(void **state)
{
	struct fixture *f = *state;
	int64_t clerk = add_user(f->st, "vanthu.wfx", MC_ROLE_DESK, f->district);
	int64_t dept_clerk = add_user(f->st, "vanthu.wfx2", MC_ROLE_DESK, f->dept);
	static const char only[] = "%PDF-1.7 only d1", annex[] = "%PDF-1.7 annex of d1",
			  shared[] = "%PDF-1.7 shared version", copied[] = "%PDF-1.7 d2 and its copy",
			  held[] = "%PDF-1.7 a dossier upload too", both[] = "%PDF-1.7 in two files",
			  theirs[] = "%PDF-1.7 the department's own";
	char x_only[65], x_annex[65], x_shared[65], x_copied[65], x_held[65], x_both[65], x_theirs[65];
	/* d1, d2, d6 in the file w that is disposed of; d4 in no file uses d1's
	 * version; d3 (in no file) is d2's copy; d6 is in the department's file
	 * k too, which is not disposed of. */
	int64_t d1 = wfd_doc(f, f->district, 1, 0), d2 = wfd_doc(f, f->district, 1, 0);
	int64_t d3 = wfd_doc(f, f->dept, 2, d2), d4 = wfd_doc(f, f->district, 1, 0);
	int64_t d6 = wfd_doc(f, f->district, 1, 0);
	/* d7, the department's document, is in the district's file w too: the
	 * district's disposal does not destroy what is another unit's. */
	int64_t d7 = wfd_doc(f, f->dept, 1, 0);
	(void)d3;
	mc_workfile w = {.unit_id = f->district,
			 .year = 2019,
			 .code = "01.VP",
			 .title = "Hồ sơ",
			 .retention_years = 5,
			 .responsible_id = clerk,
			 .note = "",
			 .state = 2,
			 .created_by = clerk,
			 .created_at = 5000};
	mc_workfile k = w;
	k.unit_id = f->dept;
	k.responsible_id = k.created_by = dept_clerk;
	char **list = NULL;
	size_t n = 0;
	int64_t count = -1;
	int64_t size = 0;

	assert_int_equal(mc_store_workfile_add(f->st, &w), 0);
	assert_int_equal(mc_store_workfile_add(f->st, &k), 0);
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_document_file_put(f->st, d1, only, sizeof only - 1, 2, 10), 0);
	assert_int_equal(mc_store_document_file_put(f->st, d2, copied, sizeof copied - 1, 2, 10), 0);
	assert_int_equal(mc_store_document_file_put(f->st, d6, both, sizeof both - 1, 2, 10), 0);
	assert_int_equal(mc_store_document_file_put(f->st, d7, theirs, sizeof theirs - 1, 2, 10), 0);
	mc_document_attachment t = {
	    .document_id = d1, .number = 1, .filename = "pl.pdf", .size = sizeof annex - 1, .created_at = 10};
	assert_int_equal(mc_store_attachment_write(f->st, t.sha256, annex, sizeof annex - 1), 0);
	assert_int_equal(mc_store_document_attachment_add(f->st, &t), 0);
	mc_document_version v1 = {.document_id = d1,
				  .kind = "pdf",
				  .filename = "v.pdf",
				  .size = sizeof shared - 1,
				  .uploaded_by = clerk,
				  .created_at = 10};
	mc_document_version v4 = v1, v2 = v1;
	v4.document_id = d4;
	assert_int_equal(mc_store_attachment_write(f->st, v1.sha256, shared, sizeof shared - 1), 0);
	memcpy(v4.sha256, v1.sha256, sizeof v4.sha256);
	assert_int_equal(mc_store_document_version_add(f->st, &v1, "application/pdf"), 0);
	assert_int_equal(mc_store_document_version_add(f->st, &v4, "application/pdf"), 0);
	v2.document_id = d2;
	v2.size = sizeof held - 1;
	assert_int_equal(mc_store_attachment_write(f->st, v2.sha256, held, sizeof held - 1), 0);
	assert_int_equal(mc_store_document_version_add(f->st, &v2, "application/pdf"), 0);
	assert_int_equal(mc_store_upload_record(f->st, clerk, v2.sha256, v2.size, "application/pdf", 10), 0);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &w, d1, clerk, 20, NULL), 0);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &w, d2, clerk, 20, NULL), 0);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &w, d6, clerk, 20, NULL), 0);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &w, d7, clerk, 20, NULL), 0);
	assert_int_equal(mc_store_workfile_doc_add(f->st, &k, d6, dept_clerk, 20, NULL), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(mc_files_sha256(x_only, only, sizeof only - 1), 0);
	assert_int_equal(mc_files_sha256(x_annex, annex, sizeof annex - 1), 0);
	assert_int_equal(mc_files_sha256(x_shared, shared, sizeof shared - 1), 0);
	assert_int_equal(mc_files_sha256(x_copied, copied, sizeof copied - 1), 0);
	assert_int_equal(mc_files_sha256(x_held, held, sizeof held - 1), 0);
	assert_int_equal(mc_files_sha256(x_both, both, sizeof both - 1), 0);
	assert_int_equal(mc_files_sha256(x_theirs, theirs, sizeof theirs - 1), 0);

	/* Not disposed of yet: nothing is only theirs. */
	assert_int_equal(mc_store_workfile_destroyable(f->st, &list, &n, w.id), 0);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_workfile_destroy(f->st, &count, w.id, 100), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(count, 0);

	/* Disposed of: d1's own file and attachment, and nothing else. */
	w.state = 6;
	w.decision = "05/QĐ-UBND";
	w.decision_date = 1546275600; /* 01/01/2019 00:00 in Vietnam */
	w.disposed_at = 1700;
	w.disposed_by = clerk;
	assert_int_equal(mc_store_workfile_update(f->st, &w, 1), 0);
	assert_int_equal(mc_store_workfile_destroyable(f->st, &list, &n, w.id), 0);
	assert_int_equal(n, 2);
	const char *want0 = strcmp(x_only, x_annex) < 0 ? x_only : x_annex;
	const char *want1 = want0 == x_only ? x_annex : x_only;
	assert_string_equal(list[0], want0);
	assert_string_equal(list[1], want1);
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);

	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_workfile_destroy(f->st, &count, w.id, 2000), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(count, 2);
	/* Unknown to stat, which answers whoever names a digest; gone to a read. */
	assert_int_equal(mc_store_attachment_stat(f->st, &size, NULL, 0, x_only), MC_ENOTFOUND);
	int fd = -1;
	mc_err_clear();
	assert_int_equal(mc_store_attachment_open(f->st, &fd, &size, NULL, 0, x_only), MC_EGONE);
	assert_int_equal(mc_err_last()->reason, MC_REASON_CONTENT_DESTROYED);
	assert_non_null(
	    strstr(mc_err_last()->msg, "work file 01.VP (2019) on decision 05/QĐ-UBND of 01/01/2019"));
	mc_err_clear();
	void *data = NULL;
	size_t len = 0;
	assert_int_equal(mc_store_attachment_get(f->st, &data, &len, NULL, 0, x_annex), MC_EGONE);
	mc_err_clear();
	const char *kept[] = {x_shared, x_copied, x_held, x_both, x_theirs};
	for (size_t i = 0; i < MC_ARRAY_LEN(kept); i++)
		assert_int_equal(mc_store_attachment_stat(f->st, &size, NULL, 0, kept[i]), 0);
	/* A digest never stored is not found, not gone. */
	assert_int_equal(
	    mc_store_attachment_open(f->st, &fd, &size, NULL, 0,
				     "0000000000000000000000000000000000000000000000000000000000000000"),
	    MC_ENOTFOUND);
	/* Still on disk until the sweep after the commit. */
	assert_true(file_there(f, x_only));
	assert_true(file_there(f, x_annex));
	/* The same bytes as the attachment recorded elsewhere meanwhile: kept. */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(
	    mc_store_upload_record(f->st, clerk, x_annex, sizeof annex - 1, "application/pdf", 2100), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(step(f, sweep, 0), 1);
	assert_false(file_there(f, x_only));
	assert_true(file_there(f, x_annex));
	assert_int_equal(mc_store_attachment_stat(f->st, &size, NULL, 0, x_annex), 0);
	for (size_t i = 0; i < MC_ARRAY_LEN(kept); i++)
		assert_true(file_there(f, kept[i]));
	/* The rows stay: d1's file, attachment and version. */
	mc_document_file df;
	assert_int_equal(mc_store_document_file_get(f->st, d1, &df), 0);
	assert_string_equal(df.sha256, x_only);
	/* A second run finds nothing more. */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_workfile_destroy(f->st, &count, w.id, 3000), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(count, 0);
}

/* ---- official documents (store_document.h) ----------------------------- */

/* Registers, the numbers of their series (none skipped when a savepoint is
 * undone, none given twice), documents read whole, versions, the unique
 * number and notation, the list's scope and folded search, and events that
 * cannot be changed. */
static void test_documents(void **state)
{
	struct fixture *f = *state;
	mc_doc_register out = {.unit_id = f->district,
			       .box = 1,
			       .name = "Sổ đăng ký văn bản đi",
			       .organ_abbr = "UBND",
			       .created_at = 1000};
	mc_doc_register in = {.unit_id = f->district,
			      .box = 2,
			      .name = "Sổ đăng ký văn bản đến",
			      .organ_abbr = "UBND",
			      .created_at = 1000};
	mc_doc_register dept = {
	    .unit_id = f->dept, .box = 1, .name = "Sổ", .organ_abbr = "STP", .created_at = 1000};
	mc_doc_register again = out, g = {0};
	mc_doc_register *regs = NULL;
	size_t n = 0;

	assert_int_equal(mc_store_doc_register_add(f->st, &out), 0);
	assert_int_equal(mc_store_doc_register_add(f->st, &in), 0);
	assert_int_equal(mc_store_doc_register_add(f->st, &dept), 0);
	assert_int_equal(mc_store_doc_register_add(f->st, &again), MC_ECONFLICT);
	mc_doc_register ghost = {.unit_id = 99999, .box = 1, .name = "x", .organ_abbr = "X"};
	assert_int_equal(mc_store_doc_register_add(f->st, &ghost), MC_ENOTFOUND);
	assert_int_equal(mc_store_doc_register_of(f->st, &g, f->district, 2), 0);
	assert_int_equal(g.id, in.id);
	assert_string_equal(g.name, "Sổ đăng ký văn bản đến");
	assert_string_equal(g.province_code, "H56");
	mc_doc_register_clear(&g);
	assert_int_equal(mc_store_doc_register_of(f->st, &g, f->commune, 1), MC_ENOTFOUND);
	assert_int_equal(mc_store_doc_register_list(f->st, &regs, &n, f->district), 0);
	assert_int_equal(n, 2);
	mc_doc_register_free_list(regs, n);
	assert_int_equal(mc_store_doc_register_list(f->st, &regs, &n, f->province), 0);
	assert_int_equal(n, 3);
	mc_doc_register_free_list(regs, n);

	/* Numbers: from 1 per register, year and series; a savepoint undone
	 * gives its number back, so the series has no gap. */
	int64_t a = 0, b = 0;
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_doc_number_next(f->st, &a, out.id, 2026, "general"), 0);
	assert_int_equal(a, 1);
	assert_int_equal(mc_store_doc_number_next(f->st, &a, out.id, 2026, "general"), 0);
	assert_int_equal(a, 2);
	assert_int_equal(mc_store_doc_number_next(f->st, &b, out.id, 2026, "secret"), 0);
	assert_int_equal(b, 1);
	assert_int_equal(mc_store_doc_number_next(f->st, &b, out.id, 2027, "general"), 0);
	assert_int_equal(b, 1);
	assert_int_equal(mc_store_doc_number_next(f->st, &b, in.id, 2026, "incoming"), 0);
	assert_int_equal(b, 1);
	assert_int_equal(mc_store_savepoint(f->st), 0);
	assert_int_equal(mc_store_doc_number_next(f->st, &a, out.id, 2026, "general"), 0);
	assert_int_equal(a, 3);
	assert_int_equal(mc_store_savepoint_rollback(f->st), 0);
	assert_int_equal(mc_store_savepoint(f->st), 0);
	assert_int_equal(mc_store_doc_number_next(f->st, &a, out.id, 2026, "general"), 0);
	assert_int_equal(a, 3);
	assert_int_equal(mc_store_savepoint_release(f->st), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	/* A second connection goes on from the committed counter. */
	mc_store *st2 = NULL;
	assert_int_equal(mc_store_open(&st2, f->path), 0);
	assert_int_equal(mc_store_begin(st2), 0);
	assert_int_equal(mc_store_doc_number_next(st2, &a, out.id, 2026, "general"), 0);
	assert_int_equal(a, 4);
	assert_int_equal(mc_store_rollback(st2), 0);
	mc_store_close(st2);

	/* A document read whole, its long texts owned. */
	char subject[MC_LIMIT_DOCUMENT_SUBJECT * 3 + 1] = {0};
	for (int i = 0; i < MC_LIMIT_DOCUMENT_SUBJECT; i++)
		strcat(subject, "ạ");
	mc_document d = {.box = 1,
			 .register_id = out.id,
			 .unit_id = f->district,
			 .drafting_unit_id = f->district,
			 .state = 1,
			 .type = "quyet_dinh",
			 .subject = subject,
			 .body = "Điều 1.",
			 .recipient_units = "000.00.15.H56",
			 .created_at = 2000,
			 .updated_at = 2000};
	mc_document got = {0};
	assert_int_equal(mc_store_document_add(f->st, &d), 0);
	assert_true(d.id > 0);
	assert_int_equal(d.version, 1);
	assert_int_equal(mc_store_document_get(f->st, &got, d.id), 0);
	assert_string_equal(got.subject, subject);
	assert_string_equal(got.type, "quyet_dinh");
	assert_string_equal(got.notation, "");
	assert_string_equal(got.province_code, "H56");
	assert_false(got.normative);
	mc_document_clear(&got);
	assert_int_equal(mc_store_document_get(f->st, &got, 424242), MC_ENOTFOUND);

	/* Versions: a write at the wrong one is stale; the right one moves it. */
	d.state = 6;
	d.year = 2026;
	d.series = "general";
	d.number = 1;
	d.notation = "01/QĐ-UBND";
	d.issued_at = 3000;
	assert_int_equal(mc_store_document_update(f->st, &d, 7), MC_ESTALE);
	assert_int_equal(mc_store_document_update(f->st, &d, 1), 0);
	assert_int_equal(mc_store_document_get(f->st, &got, d.id), 0);
	assert_int_equal(got.version, 2);
	assert_string_equal(got.notation, "01/QĐ-UBND");
	mc_document_clear(&got);

	/* One number per series and year, one number and notation per body and
	 * year; the secret series may repeat a notation. */
	mc_document e = d;
	e.id = 0;
	e.subject = "Về việc cải cách hành chính";
	assert_int_equal(mc_store_document_add(f->st, &e), MC_ECONFLICT);
	e.series = "normative:quyet_dinh";
	assert_int_equal(mc_store_document_add(f->st, &e), MC_ECONFLICT);
	e.secrecy = 1;
	e.series = "secret";
	assert_int_equal(mc_store_document_add(f->st, &e), 0);
	mc_document other = {.box = 1,
			     .register_id = dept.id,
			     .unit_id = f->dept,
			     .drafting_unit_id = f->dept,
			     .state = 6,
			     .type = "cong_van",
			     .subject = "Cải cách thủ tục",
			     .year = 2026,
			     .series = "general",
			     .number = 1,
			     .notation = "01/STP-VP",
			     .created_at = 1,
			     .updated_at = 1};
	assert_int_equal(mc_store_document_add(f->st, &other), 0);

	/* The list: the scope's units, the folded search, the register's order. */
	mc_document *list = NULL;
	int64_t total = 0;
	mc_document_query q = {.scope_unit_id = f->district, .limit = 10};
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	assert_int_equal(list[0].id, e.id); /* newest first */
	mc_document_free_list(list, n);
	q.q = "CAI CACH hanh";
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(list[0].id, e.id);
	mc_document_free_list(list, n);
	q.q = "01/qd-ubnd";
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	mc_document_free_list(list, n);
	q.q = "100%_";
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_document_free_list(list, n);
	/* Words, not a phrase: in any order, each the start of a word, all of
	 * them; what an index's query language would read as syntax is text. */
	q.q = "hanh chinh cai";
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(list[0].id, e.id);
	mc_document_free_list(list, n);
	q.q = "cai cach karaoke";
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_document_free_list(list, n);
	static const char *const syntax[] = {"\"",  "*",  "cai AND", "NEAR(cai cach)", "a'b", "\\",
					     "-:^", "()", "OR"};
	for (size_t i = 0; i < MC_ARRAY_LEN(syntax); i++) {
		q.q = syntax[i];
		assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
		mc_document_free_list(list, n);
	}
	/* A changed subject is found by its new words and no longer by its old. */
	e.subject = "Về việc phòng chống bão lũ";
	assert_int_equal(mc_store_document_update(f->st, &e, 1), 0);
	q.q = "bao lu";
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	mc_document_free_list(list, n);
	q.q = "hanh chinh cai";
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_document_free_list(list, n);
	/* An assignment's cooperating units and task (migration 043) are kept,
	 * in a read and in a list; a task that is not there is refused. */
	char coop[64];
	snprintf(coop, sizeof coop, "%lld,%lld", (long long)f->dept, (long long)f->commune);
	e.cooperating_units = coop;
	e.task_id = 424242;
	assert_int_equal(mc_store_document_update(f->st, &e, 2), MC_ENOTFOUND);
	e.task_id = 0;
	assert_int_equal(mc_store_document_update(f->st, &e, 2), 0);
	mc_document kept = {0};
	assert_int_equal(mc_store_document_get(f->st, &kept, e.id), 0);
	assert_string_equal(kept.cooperating_units, coop);
	assert_int_equal(kept.task_id, 0);
	mc_document_clear(&kept);
	q.q = "bao lu";
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_string_equal(list[0].cooperating_units, coop);
	mc_document_free_list(list, n);
	e.cooperating_units = NULL;
	/* The count stops past its bound: the page is still the page asked for. */
	assert_int_equal(mc_store_begin(f->st), 0);
	for (int i = 0; i < MC_DOCUMENT_COUNT_MAX + 5; i++) {
		mc_document many = {.box = 1,
				    .register_id = out.id,
				    .unit_id = f->district,
				    .drafting_unit_id = f->district,
				    .state = 1,
				    .type = "cong_van",
				    .subject = "Dự thảo về lũ quét",
				    .created_at = 1,
				    .updated_at = 1};
		assert_int_equal(mc_store_document_add(f->st, &many), 0);
	}
	assert_int_equal(mc_store_commit(f->st), 0);
	q.q = "lu quet";
	q.limit = 7;
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, MC_DOCUMENT_COUNT_MAX + 1);
	assert_int_equal(n, 7);
	int64_t newest = list[0].id;
	mc_document_free_list(list, n);
	/* The same from the province's whole scope (SQLite reads its index
	 * newest first there): the same page, in the same order. */
	q.scope_unit_id = f->province;
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, MC_DOCUMENT_COUNT_MAX + 1);
	assert_int_equal(n, 7);
	assert_int_equal(list[0].id, newest);
	for (size_t i = 1; i < n; i++)
		assert_true(list[i].id < list[i - 1].id);
	mc_document_free_list(list, n);
	q.q = "bao lu";
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(list[0].id, e.id);
	mc_document_free_list(list, n);
	/* Fewer matches than the count's bound (PostgreSQL pages their ids):
	 * past the last, none; in the register's order, the same one. */
	q.offset = 1;
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(n, 0);
	mc_document_free_list(list, n);
	q.offset = 0;
	q.by_number = true;
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, e.id);
	mc_document_free_list(list, n);
	q.by_number = false;
	q.scope_unit_id = f->district;
	q.limit = 10;
	q = (mc_document_query){.scope_unit_id = f->province,
				.numbered = true,
				.by_number = true,
				.year = 2026,
				.register_id = out.id,
				.limit = 10};
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	assert_int_equal(list[0].id, d.id);
	mc_document_free_list(list, n);
	q = (mc_document_query){.scope_unit_id = f->commune, .limit = 10};
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_document_free_list(list, n);

	/* Events: appended, read in order, never changed. */
	mc_document_event ev = {.document_id = d.id,
				.at = 2000,
				.user_name = "Lê Văn An",
				.role = "specialist",
				.unit_id = f->district,
				.action = "draft",
				.to_state = 1};
	mc_document_event *evs = NULL;
	char head[65];
	/* no hash, no event: the chain would break (migration 030) */
	assert_int_equal(mc_store_document_event_add(f->st, &ev), MC_EINVAL);
	assert_int_equal(mc_store_document_event_head(f->st, d.id, head), 0);
	assert_string_equal(head, "");
	snprintf(ev.hash, sizeof ev.hash, "%064d", 1);
	assert_int_equal(mc_store_document_event_add(f->st, &ev), 0);
	ev.action = "submit";
	ev.from_state = 1;
	ev.to_state = 2;
	snprintf(ev.hash, sizeof ev.hash, "%064d", 2);
	assert_int_equal(mc_store_document_event_add(f->st, &ev), 0);
	assert_int_equal(mc_store_document_event_head(f->st, d.id, head), 0);
	assert_string_equal(head, ev.hash);
	bool more = true;
	assert_int_equal(mc_store_document_events_page(f->st, &evs, &n, &more, d.id, 0, 100), 0);
	assert_int_equal(n, 2);
	assert_false(more);
	assert_string_equal(evs[0].action, "draft");
	assert_string_equal(evs[1].action, "submit");
	assert_string_equal(evs[1].user_name, "Lê Văn An");
	assert_string_equal(evs[1].hash, ev.hash);
	int64_t draft_id = evs[0].id, submit_id = evs[1].id;
	mc_document_event_free_list(evs, n);
	/* A page: the newest one with its hash, then the older one before it. */
	assert_int_equal(mc_store_document_events_page(f->st, &evs, &n, &more, d.id, 0, 1), 0);
	assert_int_equal(n, 1);
	assert_true(more);
	assert_int_equal(evs[0].id, submit_id);
	assert_string_equal(evs[0].hash, ev.hash);
	mc_document_event_free_list(evs, n);
	assert_int_equal(mc_store_document_events_page(f->st, &evs, &n, &more, d.id, submit_id, 10), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_int_equal(evs[0].id, draft_id);
	assert_string_equal(evs[0].action, "draft");
	mc_document_event_free_list(evs, n);
	assert_int_equal(mc_store_document_events_page(f->st, &evs, &n, &more, d.id, 0, 2), 0);
	assert_int_equal(n, 2);
	assert_false(more);
	assert_int_equal(evs[0].id, draft_id);
	mc_document_event_free_list(evs, n);
	assert_int_equal(mc_store_document_events_page(f->st, &evs, &n, &more, d.id, -1, 2), MC_EINVAL);
	/* The first and the last step of an action, and none of another. */
	mc_document_event one;
	assert_int_equal(mc_store_document_event_find(f->st, &one, d.id, "submit", false), 0);
	assert_int_equal(one.id, submit_id);
	assert_string_equal(one.user_name, "Lê Văn An");
	mc_document_event_clear(&one);
	snprintf(ev.hash, sizeof ev.hash, "%064d", 3);
	assert_int_equal(mc_store_document_event_add(f->st, &ev), 0);
	assert_int_equal(mc_store_document_event_find(f->st, &one, d.id, "submit", true), 0);
	assert_int_equal(one.id, ev.id);
	mc_document_event_clear(&one);
	assert_int_equal(mc_store_document_event_find(f->st, &one, d.id, "submit", false), 0);
	assert_int_equal(one.id, submit_id);
	mc_document_event_clear(&one);
	assert_int_equal(mc_store_document_event_find(f->st, &one, d.id, "sign", true), MC_ENOTFOUND);
	mc_document_event_clear(&one);
	/* a fresh database chains from its first event */
	int64_t from = -1;
	assert_int_equal(mc_store_document_event_chained_from(f->st, &from), 0);
	assert_int_equal(from, 1);
	assert_int_not_equal(raw_exec(f, "UPDATE document_event SET note = 'x'", NULL, 0), 0);
	assert_int_not_equal(raw_exec(f, "DELETE FROM document_event", NULL, 0), 0);
}

/* The search in a unit's scope (SQLite asks its index by unit, migration
 * 039): a document is in the scope of its unit and of its drafting unit and
 * nowhere else; the words are matched in the folded text only, never in the
 * units the index also holds; each word is the start of a word at every
 * length, within and past the index's prefixes (1 to 7 characters). */
static void test_document_search_scope(void **state)
{
	struct fixture *f = *state;
	mc_doc_register reg = {.unit_id = f->district, .box = 1, .name = "Sổ", .organ_abbr = "UBND"};
	mc_doc_register dreg = {.unit_id = f->dept, .box = 1, .name = "Sổ", .organ_abbr = "STP"};
	assert_int_equal(mc_store_doc_register_add(f->st, &reg), 0);
	assert_int_equal(mc_store_doc_register_add(f->st, &dreg), 0);
	/* Registered by the district, drafted by the commune. */
	mc_document d = {.box = 1,
			 .register_id = reg.id,
			 .unit_id = f->district,
			 .drafting_unit_id = f->commune,
			 .state = 1,
			 .type = "cong_van",
			 .subject = "Về việc nghiêng đê Quảngbìnhthuận",
			 .created_at = 1,
			 .updated_at = 1};
	mc_document other = d;
	other.register_id = dreg.id;
	other.unit_id = f->dept;
	other.drafting_unit_id = f->dept;
	assert_int_equal(mc_store_document_add(f->st, &d), 0);
	assert_int_equal(mc_store_document_add(f->st, &other), 0);

	static const char *const found[] = {"n",      "ng",	 "ngh",	       "nghi",	    "nghie",
					    "nghien", "nghieng", "NGHIÊNG đê", "quangbinh", "quangbinhthuan"};
	struct {
		int64_t scope, total, id;
	} scopes[] = {
	    {f->commune, 1, d.id}, {f->dept, 1, other.id}, {f->district, 1, d.id}, {f->province, 2, 0}};
	mc_document *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	for (size_t s = 0; s < MC_ARRAY_LEN(scopes); s++) {
		mc_document_query q = {.scope_unit_id = scopes[s].scope, .limit = 10};
		for (size_t i = 0; i < MC_ARRAY_LEN(found); i++) {
			q.q = found[i];
			assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
			assert_int_equal(total, scopes[s].total);
			assert_int_equal(n, (size_t)scopes[s].total);
			if (scopes[s].id)
				assert_int_equal(list[0].id, scopes[s].id);
			mc_document_free_list(list, n);
		}
		/* Not a word of theirs: "nghiengx", a unit's token (SQLite's, PostgreSQL's),
		 * its column. */
		char unit_word[32], unit_term[32];
		snprintf(unit_word, sizeof unit_word, "u%lld", (long long)scopes[s].scope);
		snprintf(unit_term, sizeof unit_term, "#%lld", (long long)scopes[s].scope);
		const char *none[] = {"nghiengx",     unit_word,      unit_term,	 "u",
				      "search_scope", "search_terms", "quangbinhthuanx", "quangbix"};
		for (size_t i = 0; i < MC_ARRAY_LEN(none); i++) {
			q.q = none[i];
			assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
			assert_int_equal(total, 0);
			mc_document_free_list(list, n);
		}
	}
	if (use_pg)
		return;
	/* A database that reached 040 before 039 was written never ran it: its
	 * index has no units; a department's search still answers, by walking. */
	assert_int_equal(raw_exec(f,
				  "DROP TABLE document_fts; CREATE VIRTUAL TABLE document_fts USING "
				  "fts5(search_folded, content='document', content_rowid='id', "
				  "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'); INSERT INTO "
				  "document_fts(document_fts) VALUES ('rebuild')",
				  NULL, 0),
			 0);
	mc_document_query q = {.scope_unit_id = f->dept, .q = "nghieng", .limit = 10};
	assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(list[0].id, other.id);
	mc_document_free_list(list, n);
}

/* The units of scope_tree: each unit's parent, as the test knows the tree. */
#define SCOPE_UNITS 10
struct scope_tree {
	int64_t id[SCOPE_UNITS], parent[SCOPE_UNITS];
	size_t n;
};

static bool scope_holds(const struct scope_tree *t, int64_t scope, int64_t unit)
{
	for (int64_t u = unit; u;) {
		if (u == scope)
			return true;
		int64_t up = 0;
		for (size_t i = 0; i < t->n; i++)
			if (t->id[i] == u)
				up = t->parent[i];
		u = up;
	}
	return false;
}

struct scope_doc {
	int64_t id, unit, drafting;
	bool own; /* its subject has the word "riêng" */
};

/* Every unit's scope, searched for a word every document has, a word half of
 * them have, a prefix and two words: the store's page and count are the
 * plain check's (the document's unit or drafting unit in the scope's
 * subtree, as the tree stands in t), newest first. On SQLite the index
 * itself is checked too: the scope's token is on exactly those documents. */
static void check_scopes(struct fixture *f, const struct scope_tree *t, const struct scope_doc *docs,
			 size_t ndocs)
{
	static const char *const words[] = {"chung", "RIÊNG", "ch", "rieng chung"};
	for (size_t s = 0; s < t->n; s++) {
		int64_t scope = t->id[s];
		for (size_t w = 0; w < MC_ARRAY_LEN(words); w++) {
			bool own = w == 1 || w == 3;
			int64_t want[32];
			size_t nwant = 0;
			for (size_t i = ndocs; i-- > 0;)
				if ((!own || docs[i].own) &&
				    (scope_holds(t, scope, docs[i].unit) ||
				     (docs[i].drafting && scope_holds(t, scope, docs[i].drafting))))
					want[nwant++] = docs[i].id;
			mc_document_query q = {.scope_unit_id = scope, .q = words[w], .limit = 100};
			mc_document *list = NULL;
			size_t n = 0;
			int64_t total = 0;
			assert_int_equal(mc_store_document_list(f->st, &list, &n, &total, &q), 0);
			if (total != (int64_t)nwant || n != nwant)
				fail_msg("scope %lld, \"%s\": %lld found, %zu expected", (long long)scope,
					 words[w], (long long)total, nwant);
			for (size_t i = 0; i < n; i++)
				if (list[i].id != want[i])
					fail_msg("scope %lld, \"%s\": document %lld at %zu, %lld expected",
						 (long long)scope, words[w], (long long)list[i].id, i,
						 (long long)want[i]);
			mc_document_free_list(list, n);
		}
		if (use_pg)
			continue;
		int64_t count = 0, sum = 0;
		for (size_t i = 0; i < ndocs; i++)
			if (scope_holds(t, scope, docs[i].unit) ||
			    (docs[i].drafting && scope_holds(t, scope, docs[i].drafting))) {
				count++;
				sum += docs[i].id * docs[i].id;
			}
		char sql[256];
		snprintf(sql, sizeof sql,
			 "SELECT count(*) * 1000000 + coalesce(sum(rowid * rowid), 0) FROM document_fts "
			 "WHERE document_fts MATCH 'search_scope : \"u%lld\"'",
			 (long long)scope);
		if (raw_int(f, sql) != count * 1000000 + sum)
			fail_msg("scope %lld: the index's token is not on exactly its %lld documents",
				 (long long)scope, (long long)count);
	}
}

/* The search in every scope (SQLite: one token of the index per scope,
 * migration 042) against the plain check of the scope, over documents of
 * every level, drafted in their own unit, in a child, a parent, a sibling's
 * subtree or another branch of the tree; after a reorganisation (a commune
 * moved under another district: it ends, its successor is new there, its
 * documents stay its own) and after a unit moved in place, which the store
 * never does (docs/units.md) but the index follows. */
static void test_document_search_every_scope(void **state)
{
	struct fixture *f = *state;
	int64_t district2 =
	    add_unit(f->st, f->province, "000.00.31.H56", "UBND huyện Hoằng Hóa", "district", "H56");
	int64_t commune3 = add_unit(f->st, district2, "000.33.31.H56", "UBND xã Hoằng Đạo", "commune", "H56");
	struct scope_tree t = {.n = 8};
	int64_t ids[] = {f->province, f->dept,	 f->district, f->commune,
			 f->commune2, district2, commune3,    f->other_province};
	int64_t parents[] = {0,		  f->province, f->province, f->district,
			     f->district, f->province, district2,   0};
	memcpy(t.id, ids, sizeof ids);
	memcpy(t.parent, parents, sizeof parents);
	/* unit, drafting unit (0: none) */
	int64_t pairs[][2] = {{f->province, f->province},
			      {f->province, f->dept},
			      {f->dept, f->dept},
			      {f->dept, commune3},
			      {f->district, f->district},
			      {f->district, f->commune},
			      {f->commune, f->commune},
			      {f->commune2, f->commune2},
			      {f->commune2, district2},
			      {district2, 0},
			      {commune3, commune3},
			      {commune3, f->dept},
			      {f->other_province, f->other_province}};
	struct scope_doc docs[32];
	size_t ndocs = 0;
	int64_t regs[SCOPE_UNITS] = {0};

	/* One register per unit, one document per pair (two for the first). */
	for (size_t i = 0; i < t.n; i++) {
		mc_doc_register r = {.unit_id = t.id[i], .box = 1, .name = "Sổ", .organ_abbr = "UBND"};
		assert_int_equal(mc_store_doc_register_add(f->st, &r), 0);
		regs[i] = r.id;
	}
	for (size_t i = 0; i < MC_ARRAY_LEN(pairs); i++) {
		size_t u = 0;
		while (t.id[u] != pairs[i][0])
			u++;
		mc_document d = {.box = 1,
				 .register_id = regs[u],
				 .unit_id = pairs[i][0],
				 .drafting_unit_id = pairs[i][1],
				 .state = 1,
				 .type = "cong_van",
				 .subject = i % 2 ? "Về việc chung và riêng" : "Về việc chung",
				 .created_at = 1,
				 .updated_at = 1};
		assert_int_equal(mc_store_document_add(f->st, &d), 0);
		docs[ndocs++] = (struct scope_doc){d.id, pairs[i][0], pairs[i][1], i % 2};
	}
	check_scopes(f, &t, docs, ndocs);

	/* The reorganisation: commune 2 moves under district 2, as a plan does
	 * it (docs/units.md): it ends, its successor is created there. */
	int64_t moved = add_unit(f->st, district2, "000.34.31.H56", "UBND xã Quảng Hòa", "commune", "H56");
	assert_int_equal(mc_store_unit_end(f->st, f->commune2, 20250701, moved), 0);
	t.id[t.n] = moved;
	t.parent[t.n++] = district2;
	mc_doc_register r = {.unit_id = moved, .box = 1, .name = "Sổ", .organ_abbr = "UBND"};
	assert_int_equal(mc_store_doc_register_add(f->st, &r), 0);
	for (int i = 0; i < 2; i++) {
		mc_document d = {.box = 1,
				 .register_id = r.id,
				 .unit_id = moved,
				 .drafting_unit_id = i ? f->commune : moved,
				 .state = 1,
				 .type = "cong_van",
				 .subject = i ? "Về việc chung và riêng" : "Về việc chung",
				 .created_at = 1,
				 .updated_at = 1};
		assert_int_equal(mc_store_document_add(f->st, &d), 0);
		docs[ndocs++] = (struct scope_doc){d.id, moved, d.drafting_unit_id, i};
	}
	check_scopes(f, &t, docs, ndocs);

	/* Commune 1 moved in place under district 2 (its path rewritten): its
	 * documents leave district 1's scope and enter district 2's. */
	char sql[256];
	snprintf(sql, sizeof sql,
		 "UPDATE unit SET parent_id = %lld, path = (SELECT p.path FROM unit p WHERE p.id = %lld) || "
		 "'%lld/' WHERE id = %lld",
		 (long long)district2, (long long)district2, (long long)f->commune, (long long)f->commune);
	assert_int_equal(raw_exec(f, sql, NULL, 0), 0);
	for (size_t i = 0; i < t.n; i++)
		if (t.id[i] == f->commune)
			t.parent[i] = district2;
	check_scopes(f, &t, docs, ndocs);
}

/* Drafts uploaded as files (migration 034): versions numbered from 1 per
 * document, read whole and the latest, none changed or removed; the body
 * found by the search, and folded again for documents written before it
 * was (the migration's refold); an expired upload of the same bytes leaves
 * a version's file. */
/* Attachments of a document (migration 041): numbered per document, the
 * sealed copy beside its original, a peer's without an uploader, kept. */
/* A second connection to the test's database whose lock waits give up
 * after 300 ms (PostgreSQL: lock_timeout, MC_EBUSY): what one server sees
 * while another holds a lock in its open write transaction. */
static mc_store *open_impatient(struct fixture *f)
{
	char url[sizeof f->path + 64];
	mc_store *st = NULL;

	snprintf(url, sizeof url, "%s&options=-c%%20lock_timeout%%3D300", f->path);
	assert_int_equal(mc_store_open(&st, url), 0);
	return st;
}

/* A document added as a draft of unit, for the tests of its chain. */
static int64_t add_draft(struct fixture *f, int64_t unit, const char *subject)
{
	mc_doc_register g = {0};
	int64_t drafter = add_user(f->st, subject, MC_ROLE_SPECIALIST, unit);

	if (mc_store_doc_register_of(f->st, &g, unit, 1) == MC_ENOTFOUND) {
		mc_doc_register r = {
		    .unit_id = unit, .box = 1, .name = "Sổ đi", .organ_abbr = "UBND", .created_at = 1000};
		assert_int_equal(mc_store_doc_register_add(f->st, &r), 0);
		g.id = r.id;
	}
	mc_document d = {.box = 1,
			 .register_id = g.id,
			 .unit_id = unit,
			 .drafting_unit_id = unit,
			 .state = 1,
			 .type = "quyet_dinh",
			 .subject = (char *)subject,
			 .created_by = drafter,
			 .created_at = 1,
			 .updated_at = 1};
	assert_int_equal(mc_store_document_add(f->st, &d), 0);
	mc_doc_register_clear(&g);
	return d.id;
}

/* One citizen account per vouched number, also with two servers: who looks
 * for the number vouched elsewhere (an administrator about to vouch, the
 * provider's first sign-in about to make an account) holds the number until
 * the commit, so that the second looks after the first has written. */
static void test_number_vouched_waits(void **state)
{
	struct fixture *f = *state;
	mc_user u = {.username = "cong.dan.mot",
		     .full_name = "Trần Thị Hai",
		     .id_number = "038190000001",
		     .role = MC_ROLE_CITIZEN,
		     .active = true,
		     .created_at = 1700000000};
	bool elsewhere = true;
	int64_t id = 0;
	mc_store *other = NULL;

	assert_int_equal(mc_store_user_create(f->st, &u, "!"), 0);
	int64_t first = u.id;
	u.username = "cong.dan.hai";
	assert_int_equal(mc_store_user_create(f->st, &u, "!"), 0);
	int64_t second = u.id;

	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_user_number_vouched(f->st, &elsewhere, "038190000001", first), 0);
	assert_false(elsewhere);
	if (use_pg) {
		other = open_impatient(f);
		assert_int_equal(mc_store_begin(other), 0);
		assert_int_equal(mc_store_user_number_vouched(other, &elsewhere, "038190000001", second),
				 MC_EBUSY);
		assert_int_equal(mc_store_rollback(other), 0);
		assert_int_equal(mc_store_begin(other), 0);
		assert_int_equal(mc_store_identity_citizen(other, &id, "038190000001"), MC_EBUSY);
		assert_int_equal(mc_store_rollback(other), 0);
		/* another number is not held up */
		assert_int_equal(mc_store_begin(other), 0);
		assert_int_equal(mc_store_user_number_vouched(other, &elsewhere, "038190000002", second), 0);
		assert_int_equal(mc_store_rollback(other), 0);
	}
	assert_int_equal(mc_store_commit(f->st), 0);
	mc_store_close(other);
}

/* The hourly limits' counts of one account, each as the write counts it. */
static int count_document_steps(mc_store *st, int64_t *n, int64_t user_id)
{
	return mc_store_document_events_by(st, n, user_id, 0);
}

static int count_task_steps(mc_store *st, int64_t *n, int64_t user_id)
{
	return mc_store_task_events_by(st, n, user_id, 0);
}

static int count_workfiles(mc_store *st, int64_t *n, int64_t user_id)
{
	return mc_store_workfile_count_by(st, n, user_id, 0);
}

static int count_prepares(mc_store *st, int64_t *n, int64_t user_id)
{
	return mc_store_document_sign_prepares_by(st, n, user_id, 0);
}

static int count_par_lines(mc_store *st, int64_t *n, int64_t user_id)
{
	return mc_store_par_log_by(st, n, user_id, 0, false);
}

/* An hourly limit holds across servers: each count of an account's recent
 * writes is made under the account's lock, held until the write commits,
 * so that a second server counts after the first's write rather than both
 * counting 99 and both writing the 100th. Another account is not held up. */
static void test_hourly_counts_wait(void **state)
{
	struct fixture *f = *state;
	static int (*const counts[])(mc_store *, int64_t *, int64_t) = {
	    count_document_steps, count_task_steps, count_workfiles, count_prepares, count_par_lines};
	int64_t a = add_user(f->st, "chuyen.vien.dem.a", MC_ROLE_SPECIALIST, f->district);
	int64_t b = add_user(f->st, "chuyen.vien.dem.b", MC_ROLE_SPECIALIST, f->district);
	mc_store *other = use_pg ? open_impatient(f) : NULL;

	for (size_t i = 0; i < MC_ARRAY_LEN(counts); i++) {
		int64_t n = -1;

		assert_int_equal(mc_store_begin(f->st), 0);
		assert_int_equal(counts[i](f->st, &n, a), 0);
		assert_int_equal(n, 0);
		if (other) {
			assert_int_equal(mc_store_begin(other), 0);
			if (counts[i](other, &n, a) != MC_EBUSY)
				fail_msg("count %zu of an account did not wait for its other write", i);
			assert_int_equal(mc_store_rollback(other), 0);
			assert_int_equal(mc_store_begin(other), 0);
			assert_int_equal(counts[i](other, &n, b), 0);
			assert_int_equal(mc_store_rollback(other), 0);
		}
		assert_int_equal(mc_store_commit(f->st), 0);
	}
	mc_store_close(other);
}

/* A file attached to a draft on another connection, in a thread, in its own
 * transaction, by its drafter. */
struct attach_job {
	const char *url;
	int64_t document_id, drafter, unit_id;
	const char *sha256;
	int rc;
};

static void *attach_run(void *arg)
{
	struct attach_job *j = arg;
	mc_actor drafter = {.user_id = j->drafter, .role = MC_ROLE_SPECIALIST, .unit_id = j->unit_id};
	mc_doc_upload in = {
	    .kind = MC_DOC_FILE_PDF, .filename = "Phụ lục muộn.pdf", .sha256 = j->sha256, .size = 22};
	mc_document_attachment out = {0};
	mc_time_ctx *tc = NULL;
	mc_store *st = NULL;

	j->rc = mc_store_open(&st, j->url);
	if (j->rc == 0)
		j->rc = mc_time_ctx_load(&tc, st);
	if (j->rc == 0)
		j->rc = mc_store_begin(st);
	if (j->rc == 0) {
		j->rc = mc_app_document_attachment_add(st, tc, &drafter, j->document_id, &in, 3000, &out);
		if (j->rc == 0)
			j->rc = mc_store_commit(st);
		else
			mc_store_rollback(st);
	}
	mc_document_attachment_clear(&out);
	mc_time_ctx_free(tc);
	mc_store_close(st);
	return NULL;
}

/* A draft's state is read under its lock by a write that decides on it: a
 * file attached on one server while the draft is submitted on another waits
 * for the submission's commit and is then refused (state), rather than
 * reading the draft as editable and landing on the submitted document. */
static void test_document_draft_state_waits(void **state)
{
	struct fixture *f = *state;
	int64_t id = add_draft(f, f->district, "chuyen.vien.nop");
	static const char pdf[] = "%PDF-1.7 phu luc %%EOF";
	mc_document d = {0};
	char sha[65], head[65];
	struct attach_job job = {
	    .url = f->path, .document_id = id, .unit_id = f->district, .sha256 = sha, .rc = -1};
	pthread_t t;

	assert_int_equal(mc_store_attachment_write(f->st, sha, pdf, sizeof pdf - 1), 0);
	assert_int_equal(mc_store_document_get(f->st, &d, id), 0);
	job.drafter = d.created_by;
	/* the submission: its event's lock, then the draft's new state */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_document_event_head(f->st, id, head), 0);
	d.state = MC_DOC_SUBMITTED;
	d.updated_at = 2000;
	assert_int_equal(mc_store_document_update(f->st, &d, d.version), 0);
	if (use_pg) {
		assert_int_equal(pthread_create(&t, NULL, attach_run, &job), 0);
		struct timespec pause = {.tv_nsec = 300 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	assert_int_equal(mc_store_commit(f->st), 0);
	if (use_pg)
		assert_int_equal(pthread_join(t, NULL), 0);
	else
		attach_run(&job);
	assert_int_equal(job.rc, MC_ECONFLICT);
	mc_document_attachment *list = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_document_attachments(f->st, &list, &n, id), 0);
	assert_int_equal(n, 0);
	mc_document_attachment_free_list(list, n);
	mc_document_clear(&d);
}

/* A recovery code is checked one try at a time across servers: reading it in
 * a write holds the account until the commit, so that a second server reads
 * the tries the first counted (on SQLite the write already holds the
 * database), and a burst on several servers gets no more guesses than one. */
static void test_recovery_check_waits(void **state)
{
	struct fixture *f = *state;
	int64_t a = add_user(f->st, "khoi.phuc.a", MC_ROLE_DESK, f->commune);
	int64_t b = add_user(f->st, "khoi.phuc.b", MC_ROLE_DESK, f->commune);
	mc_recovery put = {.user_id = a, .created_at = 100, .expires_at = 1000}, c;
	memset(put.code_hash, 'a', 64);
	assert_int_equal(mc_store_recovery_put(f->st, &put), 0);
	put.user_id = b;
	assert_int_equal(mc_store_recovery_put(f->st, &put), 0);
	mc_store *other = NULL;

	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_recovery_get(f->st, &c, a), 0);
	assert_int_equal(mc_store_recovery_attempt(f->st, a), 0);
	if (use_pg) {
		other = open_impatient(f);
		/* a's code waits for the first's commit; b's does not */
		assert_int_equal(mc_store_begin(other), 0);
		assert_int_equal(mc_store_recovery_get(other, &c, a), MC_EBUSY);
		assert_int_equal(mc_store_rollback(other), 0);
		assert_int_equal(mc_store_begin(other), 0);
		assert_int_equal(mc_store_recovery_get(other, &c, b), 0);
		assert_int_equal(c.attempts, 0);
		assert_int_equal(mc_store_rollback(other), 0);
	}
	assert_int_equal(mc_store_commit(f->st), 0);
	if (other) {
		assert_int_equal(mc_store_begin(other), 0);
		assert_int_equal(mc_store_recovery_get(other, &c, a), 0);
		assert_int_equal(c.attempts, 1);
		assert_int_equal(mc_store_rollback(other), 0);
		mc_store_close(other);
	}
}

/* The events of one document are chained one after the other on every
 * connection: reading the head in a write transaction holds the chain until
 * the commit, so that a second writer (another server on PostgreSQL; on
 * SQLite the write transaction already holds the database) reads the first's
 * event, not the head both read before, and the chain does not fork. */
static void test_document_event_head_waits(void **state)
{
	struct fixture *f = *state;
	int64_t a = add_draft(f, f->district, "chuyen.vien.chuoi.a");
	int64_t b = add_draft(f, f->district, "chuyen.vien.chuoi.b");
	mc_document_event ev = {
	    .document_id = a, .at = 2000, .user_name = "", .role = "", .action = "detach", .note = ""};
	char head[65];
	mc_store *other = NULL;

	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_document_event_head(f->st, a, head), 0);
	assert_string_equal(head, "");
	snprintf(ev.hash, sizeof ev.hash, "%064d", 7);
	assert_int_equal(mc_store_document_event_add(f->st, &ev), 0);
	if (use_pg) {
		other = open_impatient(f);
		/* a's chain waits for the first's commit; b's does not */
		assert_int_equal(mc_store_begin(other), 0);
		assert_int_equal(mc_store_document_event_head(other, a, head), MC_EBUSY);
		assert_int_equal(mc_store_rollback(other), 0);
		assert_int_equal(mc_store_begin(other), 0);
		assert_int_equal(mc_store_document_event_head(other, b, head), 0);
		assert_string_equal(head, "");
		assert_int_equal(mc_store_rollback(other), 0);
	}
	assert_int_equal(mc_store_commit(f->st), 0);
	if (other) {
		assert_int_equal(mc_store_begin(other), 0);
		assert_int_equal(mc_store_document_event_head(other, a, head), 0);
		assert_string_equal(head, ev.hash);
		assert_int_equal(mc_store_rollback(other), 0);
		mc_store_close(other);
	}
}

static void test_document_attachments(void **state)
{
	struct fixture *f = *state;
	mc_doc_register out = {
	    .unit_id = f->district, .box = 1, .name = "Sổ đi", .organ_abbr = "UBND", .created_at = 1000};
	int64_t drafter = add_user(f->st, "chuyen.vien.a", MC_ROLE_SPECIALIST, f->district);
	assert_int_equal(mc_store_doc_register_add(f->st, &out), 0);
	mc_document d = {.box = 1,
			 .register_id = out.id,
			 .unit_id = f->district,
			 .drafting_unit_id = f->district,
			 .state = 1,
			 .type = "quyet_dinh",
			 .subject = "Về việc phụ lục",
			 .created_by = drafter,
			 .created_at = 1,
			 .updated_at = 1};
	assert_int_equal(mc_store_document_add(f->st, &d), 0);
	static const char one[] = "%PDF-1.7 phu luc %%EOF", sealed[] = "%PDF-1.7 sealed %%EOF";
	mc_document_attachment a1 = {.document_id = d.id,
				     .filename = "Phụ lục I.pdf",
				     .size = sizeof one - 1,
				     .uploaded_by = drafter,
				     .created_at = 10};
	mc_document_attachment a2 = a1, s1 = a1, peer = a1;
	assert_int_equal(mc_store_attachment_write(f->st, a1.sha256, one, sizeof one - 1), 0);
	memcpy(a2.sha256, a1.sha256, sizeof a2.sha256);
	assert_int_equal(mc_store_attachment_write(f->st, s1.sha256, sealed, sizeof sealed - 1), 0);
	s1.sealed = 1;
	s1.number = 1;
	s1.size = sizeof sealed - 1;
	memcpy(peer.sha256, a1.sha256, sizeof peer.sha256);
	peer.uploaded_by = 0;
	peer.filename = "của bên gửi.pdf";
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_document_attachment_add(f->st, &a1), 0);
	assert_int_equal(mc_store_document_attachment_add(f->st, &a2), 0);
	assert_int_equal(mc_store_document_attachment_add(f->st, &s1), 0);
	assert_int_equal(mc_store_document_attachment_add(f->st, &peer), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(a1.number, 1);
	assert_int_equal(a2.number, 2);
	assert_int_equal(s1.number, 1);
	assert_int_equal(peer.number, 3);
	/* a second sealed copy of the same attachment: refused */
	mc_document_attachment again = s1;
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_document_attachment_add(f->st, &again), MC_ECONFLICT);
	mc_store_rollback(f->st);

	mc_document_attachment *list = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_document_attachments(f->st, &list, &n, d.id), 0);
	assert_int_equal(n, 4);
	assert_int_equal(list[0].number, 1);
	assert_int_equal(list[0].sealed, 0);
	assert_string_equal(list[0].filename, "Phụ lục I.pdf");
	assert_int_equal(list[0].uploaded_by, drafter);
	assert_int_equal(list[1].number, 1);
	assert_int_equal(list[1].sealed, 1);
	assert_string_equal(list[1].sha256, s1.sha256);
	assert_int_equal(list[2].number, 2);
	assert_int_equal(list[3].number, 3);
	assert_int_equal(list[3].uploaded_by, 0);
	assert_string_equal(list[3].uploaded_by_name, "");
	mc_document_attachment_free_list(list, n);

	char err[256];
	assert_int_not_equal(raw_exec(f, "UPDATE document_attachment SET sha256 = 'forged'", err, sizeof err),
			     0);
	assert_int_not_equal(raw_exec(f, "DELETE FROM document_attachment", err, sizeof err), 0);
}

static void test_document_versions(void **state)
{
	struct fixture *f = *state;
	mc_doc_register out = {.unit_id = f->district,
			       .box = 1,
			       .name = "Sổ đăng ký văn bản đi",
			       .organ_abbr = "UBND",
			       .created_at = 1000};
	int64_t drafter = add_user(f->st, "chuyen.vien.v", MC_ROLE_SPECIALIST, f->district);
	assert_int_equal(mc_store_doc_register_add(f->st, &out), 0);
	mc_document d = {.box = 1,
			 .register_id = out.id,
			 .unit_id = f->district,
			 .drafting_unit_id = f->district,
			 .state = 1,
			 .type = "quyet_dinh",
			 .subject = "Về việc kế hoạch năm",
			 .body = "Điều 1. Giao Sở Tài chính đôn đốc quyết toán đường giao thông nông thôn.",
			 .created_by = drafter,
			 .created_at = 1,
			 .updated_at = 1};
	mc_document other = d;
	other.body = "Điều 1. Không liên quan.";
	assert_int_equal(mc_store_document_add(f->st, &d), 0);
	assert_int_equal(mc_store_document_add(f->st, &other), 0);

	/* Two versions of d, one of other: each document counts its own. */
	static const char one[] = "%PDF-1.7 one %%EOF", two[] = "%PDF-1.7 two %%EOF";
	mc_document_version v1 = {.document_id = d.id,
				  .kind = "pdf",
				  .filename = "Dự thảo.pdf",
				  .size = sizeof one - 1,
				  .uploaded_by = drafter,
				  .created_at = 10};
	mc_document_version v2 = v1, w1 = v1;
	assert_int_equal(mc_store_attachment_write(f->st, v1.sha256, one, sizeof one - 1), 0);
	assert_int_equal(mc_store_attachment_write(f->st, v2.sha256, two, sizeof two - 1), 0);
	v2.size = sizeof two - 1;
	v2.created_at = 20;
	memcpy(w1.sha256, v1.sha256, sizeof w1.sha256);
	w1.document_id = other.id;
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_document_version_add(f->st, &v1, "application/pdf"), 0);
	assert_int_equal(mc_store_document_version_add(f->st, &v2, "application/pdf"), 0);
	assert_int_equal(mc_store_document_version_add(f->st, &w1, "application/pdf"), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(v1.number, 1);
	assert_int_equal(v2.number, 2);
	assert_int_equal(w1.number, 1);

	mc_document_version *list = NULL, got;
	size_t n = 0;
	assert_int_equal(mc_store_document_versions(f->st, &list, &n, d.id), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].number, 1);
	assert_string_equal(list[0].filename, "Dự thảo.pdf");
	assert_string_equal(list[0].kind, "pdf");
	assert_string_equal(list[0].sha256, v1.sha256);
	assert_int_equal(list[0].size, sizeof one - 1);
	assert_int_equal(list[0].uploaded_by, drafter);
	assert_int_equal(list[1].number, 2);
	assert_int_equal(list[1].created_at, 20);
	mc_document_version_free_list(list, n);
	assert_int_equal(mc_store_document_version_get(f->st, &got, d.id, 0), 0);
	assert_int_equal(got.number, 2);
	assert_string_equal(got.sha256, v2.sha256);
	mc_document_version_clear(&got);
	assert_int_equal(mc_store_document_version_get(f->st, &got, d.id, 1), 0);
	assert_string_equal(got.sha256, v1.sha256);
	mc_document_version_clear(&got);
	assert_int_equal(mc_store_document_version_get(f->st, &got, d.id, 3), MC_ENOTFOUND);
	assert_int_equal(mc_store_document_version_get(f->st, &got, 999999, 0), MC_ENOTFOUND);

	/* Kept as uploaded: the database refuses a change or a removal. */
	char err[256];
	assert_int_not_equal(raw_exec(f, "UPDATE document_version SET sha256 = 'forged'", err, sizeof err),
			     0);
	assert_int_not_equal(raw_exec(f, "DELETE FROM document_version", err, sizeof err), 0);

	/* The body is searched, diacritics folded. */
	mc_document *found = NULL;
	int64_t total = 0;
	mc_document_query q = {.scope_unit_id = f->district, .q = "don doc quyet toan", .limit = 10};
	assert_int_equal(mc_store_document_list(f->st, &found, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(found[0].id, d.id);
	mc_document_free_list(found, n);
	/* The text of its uploaded file is searched too, kept through an
	 * update of the fields, and replaced by the next. */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_document_file_text(f->st, &d, "Phát triển kinh tế hợp tác xã"), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	q.q = "hop tac xa";
	assert_int_equal(mc_store_document_list(f->st, &found, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	mc_document_free_list(found, n);
	d.subject = "Về việc kế hoạch năm sau";
	assert_int_equal(mc_store_document_update(f->st, &d, 1), 0);
	assert_int_equal(mc_store_document_list(f->st, &found, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	mc_document_free_list(found, n);
	q.q = "nam sau";
	assert_int_equal(mc_store_document_list(f->st, &found, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	mc_document_free_list(found, n);
	q.q = "don doc quyet toan";
	/* A document whose search text was written before 034 (without its
	 * body) is found by its body once the migration folded it again. */
	assert_int_equal(raw_exec(f, "UPDATE document SET search_folded = 've viec ke hoach nam'", NULL, 0),
			 0);
	assert_int_equal(mc_store_document_list(f->st, &found, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_document_free_list(found, n);
	int64_t folded = 0;
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_document_search_refold(f->st, &folded), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_true(folded >= 2);
	assert_int_equal(mc_store_document_list(f->st, &found, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(found[0].id, d.id);
	mc_document_free_list(found, n);
	q.q = "hop tac xa"; /* the file's text is kept by the refold */
	assert_int_equal(mc_store_document_list(f->st, &found, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	mc_document_free_list(found, n);

	/* The same bytes uploaded as an attachment and expired: the version keeps its file. */
	int64_t citizen = add_user(f->st, "cong.dan.v", MC_ROLE_CITIZEN, 0);
	record(f, citizen, v2.sha256, sizeof two - 1, 5, 0);
	assert_int_equal(step(f, mc_store_upload_expire, 100), 1);
	assert_int_equal(step(f, sweep, 0), 0);
	assert_true(file_there(f, v2.sha256));
	int64_t size = 0;
	assert_int_equal(mc_store_attachment_stat(f->st, &size, NULL, 0, v2.sha256), 0);
}

/* A document's PDF and a signature prepared for a device (migration 023):
 * one of each per document, replaced, read back with the file in the store. */
static void test_document_files(void **state)
{
	struct fixture *f = *state;
	mc_doc_register out = {
	    .unit_id = f->district, .box = 1, .name = "Sổ", .organ_abbr = "UBND", .created_at = 1};
	assert_int_equal(mc_store_doc_register_add(f->st, &out), 0);
	mc_document d = {.box = 1,
			 .register_id = out.id,
			 .unit_id = f->district,
			 .state = 1,
			 .type = "quyet_dinh",
			 .subject = "Về việc thử",
			 .created_at = 2,
			 .updated_at = 2};
	assert_int_equal(mc_store_document_add(f->st, &d), 0);
	int64_t leader = add_user(f->st, "ky.thu", MC_ROLE_LEADER, f->district);
	mc_document_file file;
	assert_int_equal(mc_store_document_file_get(f->st, d.id, &file), MC_ENOTFOUND);
	assert_int_equal(mc_store_document_file_put(f->st, d.id, "%PDF-1.7 one", 12, 1, 10), 0);
	assert_int_equal(mc_store_document_file_put(f->st, d.id, "%PDF-1.7 two!", 13, 2, 11), 0);
	assert_int_equal(mc_store_document_file_get(f->st, d.id, &file), 0);
	assert_int_equal(file.size, 13);
	assert_int_equal(file.signatures, 2);
	assert_int_equal(file.created_at, 11);
	void *data = NULL;
	size_t len = 0;
	assert_int_equal(mc_store_attachment_get(f->st, &data, &len, NULL, 0, file.sha256), 0);
	assert_int_equal(len, 13);
	assert_memory_equal(data, "%PDF-1.7 two!", 13);
	free(data);
	assert_int_equal(mc_store_document_file_put(f->st, 99999, "%PDF-1.7 x", 10, 0, 12), MC_ENOTFOUND);

	mc_document_sign_request q;
	char first[65];
	assert_int_equal(mc_store_document_sign_request_get(f->st, d.id, &q), MC_ENOTFOUND);
	assert_int_equal(mc_store_document_sign_request_put(f->st, d.id, leader, 1, "%PDF-1.7 prep", 13,
							    "3082", "PEM1", 20),
			 0);
	assert_int_equal(mc_store_document_sign_request_get(f->st, d.id, &q), 0);
	memcpy(first, q.sha256, sizeof first);
	mc_document_sign_request_clear(&q);
	/* the same bytes again keep their file */
	assert_int_equal(mc_store_document_sign_request_put(f->st, d.id, leader, 1, "%PDF-1.7 prep", 13,
							    "3082", "PEM1", 20),
			 0);
	assert_int_equal(mc_store_attachment_stat(f->st, NULL, NULL, 0, first), 0);
	assert_int_equal(mc_store_document_sign_request_put(f->st, d.id, leader, 2, "%PDF-1.7 prep2", 14,
							    "3083", "PEM2", 21),
			 0);
	/* a replaced preparation's file is released: nothing else kept it */
	assert_int_equal(mc_store_attachment_stat(f->st, NULL, NULL, 0, first), MC_ENOTFOUND);
	assert_int_equal(mc_store_document_sign_request_get(f->st, d.id, &q), 0);
	assert_int_equal(q.user_id, leader);
	assert_int_equal(q.version, 2);
	assert_int_equal(q.size, 14);
	assert_string_equal(q.cms, "3083");
	assert_string_equal(q.certificate, "PEM2");
	assert_int_equal(q.created_at, 21);
	memcpy(first, q.sha256, sizeof first);
	mc_document_sign_request_clear(&q);
	assert_int_equal(mc_store_document_sign_request_delete(f->st, d.id, 22), 0);
	assert_int_equal(mc_store_document_sign_request_get(f->st, d.id, &q), MC_ENOTFOUND);
	assert_int_equal(mc_store_attachment_stat(f->st, NULL, NULL, 0, first), MC_ENOTFOUND);
	assert_int_equal(mc_store_document_sign_request_delete(f->st, d.id, 22), 0);
	/* bytes the document's file keeps too stay when their request ends */
	assert_int_equal(mc_store_document_sign_request_put(f->st, d.id, leader, 3, "%PDF-1.7 two!", 13,
							    "3084", "PEM3", 23),
			 0);
	assert_int_equal(mc_store_document_sign_request_delete(f->st, d.id, 24), 0);
	assert_int_equal(mc_store_attachment_stat(f->st, NULL, NULL, 0, file.sha256), 0);
}

/* ---- the reform index (store_par.h) ------------------------------------ */

/* A council's mark made on another connection, in a thread, in its own
 * transaction: it waits there for whatever lock the first holds. */
struct par_mark_job {
	const char *url;
	int64_t framework_id, unit_id;
	int rc;
};

static void *par_mark_run(void *arg)
{
	struct par_mark_job *j = arg;
	mc_actor sys = {.system = true};
	mc_par_score s = {0};
	mc_store *st = NULL;

	j->rc = mc_store_open(&st, j->url);
	if (j->rc == 0)
		j->rc = mc_store_begin(st);
	if (j->rc == 0) {
		j->rc = mc_app_par_appraise(st, &sys, j->framework_id, j->unit_id, "1.1", true, 500, false,
					    "Đủ hồ sơ", 0, 1500000100, &s);
		if (j->rc == 0)
			j->rc = mc_store_commit(st);
		else
			mc_store_rollback(st);
	}
	mc_par_score_clear(&s);
	mc_store_close(st);
	return NULL;
}

/* A first mark of a row written on another connection, in a thread, in its
 * own transaction. */
struct par_put_job {
	const char *url;
	mc_par_score s;
	int rc;
};

static void *par_put_run(void *arg)
{
	struct par_put_job *j = arg;
	mc_store *st = NULL;

	j->rc = mc_store_open(&st, j->url);
	if (j->rc == 0)
		j->rc = mc_store_begin(st);
	if (j->rc == 0) {
		j->rc = mc_store_par_score_put(st, &j->s, MC_PAR_PUT_COUNCIL, 0);
		if (j->rc == 0)
			j->rc = mc_store_commit(st);
		else
			mc_store_rollback(st);
	}
	mc_store_close(st);
	return NULL;
}

/* Two first marks of one row at once (two servers): both apply, one after
 * the other (the second as an update of the first), rather than the second
 * failing on the row the first made (duplicate). */
static void test_par_first_marks_race(void **state)
{
	struct fixture *f = *state;
	mc_par_criterion crit[] = {
	    {.code = "1", .parent = "", .name = "Công tác chỉ đạo", .max_cp = 1000},
	    {.code = "1.1", .parent = "1", .name = "Kiểm tra", .max_cp = 1000, .method = MC_PAR_APPRAISED},
	};
	int64_t units[] = {f->district};
	mc_par_framework fw = {.year = 2017, .group = 2, .created_at = 1483600000};
	mc_par_score s = {.unit_id = f->district,
			  .code = "1.1",
			  .has_council = true,
			  .council_cp = 300,
			  .reason = "Lần một",
			  .updated_at = 5};
	struct par_put_job job = {.url = f->path, .rc = -1};
	pthread_t t;

	assert_int_equal(mc_store_par_framework_add(f->st, &fw, crit, 2, units, 1), 0);
	s.framework_id = fw.id;
	job.s = s;
	job.s.council_cp = 400;
	job.s.reason = "Lần hai";
	job.s.updated_at = 6;
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_store_par_score_put(f->st, &s, MC_PAR_PUT_COUNCIL, 0), 0);
	if (use_pg) {
		/* the second starts while the first's row is not committed yet */
		assert_int_equal(pthread_create(&t, NULL, par_put_run, &job), 0);
		struct timespec pause = {.tv_nsec = 300 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	assert_int_equal(mc_store_commit(f->st), 0);
	if (use_pg)
		assert_int_equal(pthread_join(t, NULL), 0);
	else
		par_put_run(&job);
	assert_int_equal(job.rc, 0);
	assert_int_equal(job.s.version, s.version + 1);
	mc_par_score got = {0};
	assert_int_equal(mc_store_par_score_get(f->st, &got, fw.id, f->district, "1.1"), 0);
	assert_int_equal(got.council_cp, 400);
	assert_string_equal(got.reason, "Lần hai");
	mc_par_score_clear(&got);
}

/* A mark made while another server publishes the framework either commits
 * before the publication or is refused (state): on PostgreSQL both take the
 * framework's lock before reading its state, so the mark waits for the
 * publication's commit and then sees it published, rather than reading it
 * open and writing after the publication. */
static void test_par_publish_waits(void **state)
{
	struct fixture *f = *state;
	mc_par_criterion crit[] = {
	    {.code = "1", .parent = "", .name = "Công tác chỉ đạo", .max_cp = 1000},
	    {.code = "1.1", .parent = "1", .name = "Kiểm tra", .max_cp = 1000, .method = MC_PAR_APPRAISED},
	};
	int64_t units[] = {f->district};
	mc_par_framework fw = {.year = 2017, .group = 2, .created_at = 1483600000};
	mc_actor sys = {.system = true};
	struct par_mark_job job = {.url = f->path, .unit_id = f->district, .rc = -1};
	pthread_t t;

	assert_int_equal(mc_store_par_framework_add(f->st, &fw, crit, 2, units, 1), 0);
	job.framework_id = fw.id;
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_par_publish(f->st, &sys, fw.id, 0, "QĐ số 12/QĐ-UBND", 1500000000), 0);
	if (use_pg) {
		/* the mark starts while the publication is not committed yet */
		assert_int_equal(pthread_create(&t, NULL, par_mark_run, &job), 0);
		struct timespec pause = {.tv_nsec = 300 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	assert_int_equal(mc_store_commit(f->st), 0);
	if (use_pg)
		assert_int_equal(pthread_join(t, NULL), 0);
	else
		par_mark_run(&job);
	assert_int_equal(job.rc, MC_ECONFLICT);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM par_score"), 0);
}

static void test_par(void **state)
{
	struct fixture *f = *state;
	mc_par_criterion crit[] = {
	    {.code = "1", .parent = "", .name = "Chỉ đạo, điều hành", .max_cp = 1000},
	    {.code = "1.1", .parent = "1", .name = "Kế hoạch", .max_cp = 400, .method = 1},
	    {.code = "1.2",
	     .parent = "1",
	     .name = "Đúng hạn",
	     .max_cp = 600,
	     .method = 4,
	     .formula = "dossiers_on_time"},
	};
	int64_t units[] = {f->district, f->dept};
	mc_par_framework fw = {.year = 2017, .group = 2, .deadline = 1516000000, .created_at = 1483600000};
	mc_par_framework got = {0};

	assert_int_equal(mc_store_par_framework_add(f->st, &fw, crit, 3, units, 2), 0);
	assert_true(fw.id > 0);
	/* One per year and group; an unknown unit leaves nothing behind. */
	mc_par_framework dup = {.year = 2017, .group = 2, .created_at = 1};
	assert_int_equal(mc_store_par_framework_add(f->st, &dup, crit, 3, units, 2), MC_ECONFLICT);
	int64_t ghost[] = {987654};
	mc_par_framework bad = {.year = 2018, .group = 2, .created_at = 1};
	assert_int_equal(mc_store_par_framework_add(f->st, &bad, crit, 3, ghost, 1), MC_ENOTFOUND);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM par_framework"), 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM par_criterion"), 3);

	assert_int_equal(mc_store_par_framework_get(f->st, &got, fw.id), 0);
	assert_int_equal(got.year, 2017);
	assert_int_equal(got.group, 2);
	assert_int_equal(got.state, MC_PAR_OPEN);
	assert_int_equal(got.deadline, 1516000000);
	assert_string_equal(got.province_code, "H56");
	mc_par_framework_clear(&got);

	mc_par_criterion *cl = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_par_criteria(f->st, &cl, &n, fw.id), 0);
	assert_int_equal(n, 3);
	assert_string_equal(cl[2].code, "1.2");
	assert_string_equal(cl[2].parent, "1");
	assert_string_equal(cl[2].formula, "dossiers_on_time");
	assert_int_equal(cl[2].max_cp, 600);
	mc_par_criterion_free_list(cl, n);

	mc_par_unit *ul = NULL;
	assert_int_equal(mc_store_par_units(f->st, &ul, &n, fw.id, 0), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ul[0].unit_code, "000.00.15.H56"); /* by code */
	assert_int_equal(ul[0].tasks, -1);
	mc_par_unit_free_list(ul, n);

	/* A mark: made on its first write, each write moves its version; a stale one is refused. */
	mc_par_score s = {.framework_id = fw.id,
			  .unit_id = f->district,
			  .code = "1.1",
			  .has_self = true,
			  .self_cp = 350,
			  .note = "Ban hành đúng hạn",
			  .evidence = "",
			  .updated_by = 0,
			  .updated_at = 5};
	assert_int_equal(mc_store_par_score_put(f->st, &s, MC_PAR_PUT_SELF, 0), 0);
	assert_int_equal(s.version, 2);
	s.self_cp = 300;
	assert_int_equal(mc_store_par_score_put(f->st, &s, MC_PAR_PUT_SELF, 1), MC_ESTALE);
	assert_int_equal(mc_store_par_score_put(f->st, &s, MC_PAR_PUT_SELF, 2), 0);
	mc_par_score c = {.framework_id = fw.id,
			  .unit_id = f->district,
			  .code = "1.1",
			  .has_council = true,
			  .council_cp = 250,
			  .reason = "Thiếu nội dung",
			  .updated_at = 6};
	assert_int_equal(mc_store_par_score_put(f->st, &c, MC_PAR_PUT_COUNCIL, 0), 0);
	mc_par_score v = {.framework_id = fw.id,
			  .unit_id = f->district,
			  .code = "1.2",
			  .has_value = false,
			  .figures = "{\"numerator\":0,\"denominator\":0}",
			  .updated_at = 7};
	assert_int_equal(mc_store_par_score_put(f->st, &v, MC_PAR_PUT_VALUE, 0), 0);
	/* Not the framework's unit or criterion. */
	mc_par_score o = {.framework_id = fw.id, .unit_id = f->commune, .code = "1.1", .updated_at = 8};
	assert_int_equal(mc_store_par_score_put(f->st, &o, MC_PAR_PUT_SELF, 0), MC_ENOTFOUND);
	o.unit_id = f->district;
	o.code = "9";
	assert_int_equal(mc_store_par_score_put(f->st, &o, MC_PAR_PUT_SELF, 0), MC_ENOTFOUND);

	mc_par_score *sl = NULL;
	assert_int_equal(mc_store_par_scores(f->st, &sl, &n, fw.id, f->district), 0);
	assert_int_equal(n, 2);
	assert_string_equal(sl[0].code, "1.1");
	assert_true(sl[0].has_self);
	assert_int_equal(sl[0].self_cp, 300);
	assert_true(sl[0].has_council);
	assert_int_equal(sl[0].council_cp, 250);
	assert_false(sl[0].has_value);
	assert_false(sl[0].not_applicable);
	assert_int_equal(sl[0].version, 4);
	assert_false(sl[1].has_self);
	assert_false(sl[1].has_value);
	assert_string_equal(sl[1].figures, "{\"numerator\":0,\"denominator\":0}");
	mc_par_score_free_list(sl, n);

	/* Rating inputs with their version; submission. */
	mc_par_unit u = {.framework_id = fw.id,
			 .unit_id = f->district,
			 .tasks = 9500,
			 .cap = 0,
			 .decided = 2,
			 .reason = "QĐ 436"};
	assert_int_equal(mc_store_par_unit_rating(f->st, &u, 5), MC_ESTALE);
	assert_int_equal(mc_store_par_unit_rating(f->st, &u, 1), 0);
	assert_int_equal(mc_store_par_unit_submit(f->st, fw.id, f->district, 100), 0);
	assert_int_equal(mc_store_par_unit_submit(f->st, fw.id, f->commune, 100), MC_ENOTFOUND);
	assert_int_equal(mc_store_par_units(f->st, &ul, &n, fw.id, f->district), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ul[0].tasks, 9500);
	assert_int_equal(ul[0].decided, 2);
	assert_int_equal(ul[0].submitted_at, 100);
	assert_int_equal(ul[0].version, 3);
	mc_par_unit_free_list(ul, n);

	/* The log, oldest first. */
	mc_par_log l1 = {.framework_id = fw.id,
			 .unit_id = f->district,
			 .code = "1.1",
			 .what = "self",
			 .has_new = true,
			 .new_cp = 350,
			 .reason = "x",
			 .at = 5};
	mc_par_log l2 = {.framework_id = fw.id,
			 .unit_id = f->district,
			 .code = "1.1",
			 .what = "appraise",
			 .has_old = true,
			 .old_cp = 350,
			 .has_new = true,
			 .new_cp = 250,
			 .reason = "y",
			 .at = 6};
	assert_int_equal(mc_store_par_log_add(f->st, &l1), 0);
	assert_int_equal(mc_store_par_log_add(f->st, &l2), 0);
	mc_par_log *ll = NULL;
	assert_int_equal(mc_store_par_log_list(f->st, &ll, &n, fw.id, f->district), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ll[1].what, "appraise");
	assert_true(ll[1].has_old);
	assert_int_equal(ll[1].old_cp, 350);
	assert_false(ll[0].has_old);
	/* Chained: the first line to nothing, the second to the first. */
	assert_string_equal(ll[0].prev_hash, "");
	assert_int_equal(strlen(ll[0].hash), 64);
	assert_string_equal(ll[1].prev_hash, ll[0].hash);
	char want[MC_PAR_HASH_LEN];
	mc_par_log_hash(want, ll[0].hash, fw.id, f->district, "1.1", "appraise", &l2.old_cp, &l2.new_cp, "y",
			0, 6, NULL);
	assert_string_equal(ll[1].hash, want);
	mc_par_log_free_list(ll, n);
	/* A unit's log a page at a time, newest first from the bound, read
	 * oldest first; the framework's own lines (unit 0) and another unit's
	 * are not the unit's. */
	mc_par_log l3 = {.framework_id = fw.id, .unit_id = 0, .what = "compute", .user_id = 77, .at = 7};
	mc_par_log l4 = {
	    .framework_id = fw.id, .unit_id = f->commune, .what = "submit", .user_id = 77, .at = 8};
	mc_par_log l5 = {
	    .framework_id = fw.id, .unit_id = f->district, .code = "1.1", .what = "self", .at = 9};
	assert_int_equal(mc_store_par_log_add(f->st, &l3), 0);
	assert_int_equal(mc_store_par_log_add(f->st, &l4), 0);
	assert_int_equal(mc_store_par_log_add(f->st, &l5), 0);
	bool more = true;
	assert_int_equal(mc_store_par_log_page(f->st, &ll, &n, &more, fw.id, f->district, 0, 100), 0);
	assert_int_equal(n, 3);
	assert_false(more);
	assert_string_equal(ll[0].what, "self");
	assert_string_equal(ll[1].what, "appraise");
	assert_int_equal(ll[2].at, 9);
	int64_t ids[3] = {ll[0].id, ll[1].id, ll[2].id};
	assert_true(ids[0] < ids[1] && ids[1] < ids[2]);
	mc_par_log_free_list(ll, n);
	assert_int_equal(mc_store_par_log_page(f->st, &ll, &n, &more, fw.id, f->district, 0, 2), 0);
	assert_int_equal(n, 2);
	assert_true(more);
	assert_int_equal(ll[0].id, ids[1]);
	assert_int_equal(ll[1].id, ids[2]);
	mc_par_log_free_list(ll, n);
	assert_int_equal(mc_store_par_log_page(f->st, &ll, &n, &more, fw.id, f->district, ids[1], 2), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_int_equal(ll[0].id, ids[0]);
	mc_par_log_free_list(ll, n);
	assert_int_equal(mc_store_par_log_page(f->st, &ll, &n, &more, fw.id, f->district, ids[0], 5), 0);
	assert_int_equal(n, 0);
	assert_false(more);
	assert_int_equal(mc_store_par_log_page(f->st, &ll, &n, &more, fw.id, f->commune, 0, 5), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ll[0].what, "submit");
	mc_par_log_free_list(ll, n);
	assert_int_equal(mc_store_par_log_page(f->st, &ll, &n, &more, fw.id + 1000, f->district, 0, 5), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mc_store_par_log_page(f->st, &ll, &n, &more, fw.id, f->district, 0, 0), MC_EINVAL);
	assert_int_equal(mc_store_par_log_page(f->st, &ll, &n, &more, fw.id, f->district, -1, 5), MC_EINVAL);
	/* An account's lines since a time, whatever the unit. */
	int64_t count = -1;
	assert_int_equal(mc_store_par_log_by(f->st, &count, 77, 0, false), 0);
	assert_int_equal(count, 2);
	assert_int_equal(mc_store_par_log_by(f->st, &count, 77, 8, false), 0);
	assert_int_equal(count, 1);
	assert_int_equal(mc_store_par_log_by(f->st, &count, 77, 9, false), 0);
	assert_int_equal(count, 0);
	assert_int_equal(mc_store_par_log_by(f->st, &count, 78, 0, false), 0);
	assert_int_equal(count, 0);
	/* a survey's lines are counted apart */
	assert_int_equal(mc_store_par_log_by(f->st, &count, 77, 0, true), 0);
	assert_int_equal(count, 0);
	mc_par_log ls = {.framework_id = fw.id,
			 .unit_id = f->district,
			 .code = "2",
			 .what = "survey",
			 .user_id = 77,
			 .at = 9,
			 .detail = "{\"x\":1}"};
	assert_int_equal(mc_store_par_log_add(f->st, &ls), 0);
	/* A line's details are kept and hashed with it (migration 060). */
	assert_int_equal(mc_store_par_log_list(f->st, &ll, &n, fw.id, f->district), 0);
	assert_string_equal(ll[n - 1].detail, "{\"x\":1}");
	assert_string_equal(ll[0].detail, "");
	mc_par_log_hash(want, ll[n - 1].prev_hash, fw.id, f->district, "2", "survey", NULL, NULL, "", 77, 9,
			"{\"x\":1}");
	assert_string_equal(ll[n - 1].hash, want);
	mc_par_log_free_list(ll, n);
	assert_int_equal(mc_store_par_log_by(f->st, &count, 77, 0, true), 0);
	assert_int_equal(count, 1);
	assert_int_equal(mc_store_par_log_by(f->st, &count, 77, 0, false), 0);
	assert_int_equal(count, 2);

	/* Publication at the framework's version, once. */
	assert_int_equal(mc_store_par_framework_publish(f->st, fw.id, 2, "QĐ 1", 200), MC_ESTALE);
	assert_int_equal(mc_store_par_framework_publish(f->st, fw.id, 1, "QĐ 436/QĐ-UBND", 200), 0);
	assert_int_equal(mc_store_par_framework_publish(f->st, fw.id, 2, "QĐ 2", 300), MC_ESTALE);
	assert_int_equal(mc_store_par_framework_get(f->st, &got, fw.id), 0);
	assert_int_equal(got.state, MC_PAR_PUBLISHED);
	assert_string_equal(got.decision, "QĐ 436/QĐ-UBND");
	mc_par_framework_clear(&got);

	/* Rules: one row a year, written over. */
	mc_par_rules_row r = {.year = 2017, .excellent_index = 9000, .good_index = 7000, .done_index = 5000};
	mc_par_rules_row rg;
	assert_int_equal(mc_store_par_rules_get(f->st, &rg, 2017), MC_ENOTFOUND);
	assert_int_equal(mc_store_par_rules_put(f->st, &r), 0);
	r.excellent_share = 20;
	assert_int_equal(mc_store_par_rules_put(f->st, &r), 0);
	assert_int_equal(mc_store_par_rules_get(f->st, &rg, 2017), 0);
	assert_int_equal(rg.excellent_share, 20);
	assert_int_equal(rg.good_index, 7000);

	/* A public service unit is not counted among the departments. */
	mc_one_stop_count before[4], after[4];
	int64_t svc =
	    add_unit(f->st, f->province, "000.00.61.H56", "Trường Đại học Hồng Đức", "department", "H56");
	assert_int_equal(mc_store_unit_one_stop(f->st, before, f->province, 20000), 0);
	assert_int_equal(mc_store_par_public_service(f->st, svc), 0);
	assert_int_equal(mc_store_unit_one_stop(f->st, after, f->province, 20000), 0);
	assert_int_equal(after[1].units, before[1].units - 1);
	assert_int_equal(mc_store_par_public_service(f->st, 987654), MC_ENOTFOUND);
}

/* Appends each scanned task event's hash to the string payload. */
static int task_event_seen(const mc_task_event *e, void *payload)
{
	char *seen = payload;
	if (strlen(seen) + strlen(e->hash) < 16)
		strcat(seen, e->hash);
	return 0;
}

/* Tasks (store_task.h): rows read whole, versions, cooperating units, the
 * scope of the lists (given, in charge, cooperating, subtree), children and
 * the append-only events. */
/* What the reform index's computed criteria count in the documents and tasks
 * (store_par.h): each row below is in or out for one stated reason, and the
 * counts are those of the rows in. */
static void test_par_counts(void **state)
{
	struct fixture *f = *state;
	const int64_t y0 = 1483203600, y1 = 1514739600; /* 2017-01-01, 2018-01-01 at 00:00 UTC+7 */
	mc_doc_register out = {
	    .unit_id = f->district, .box = 1, .name = "Sổ", .organ_abbr = "UBND", .created_at = 1};
	mc_doc_register in = {
	    .unit_id = f->commune, .box = 2, .name = "Sổ đến", .organ_abbr = "UBND", .created_at = 1};
	mc_doc_register dept = {
	    .unit_id = f->dept, .box = 1, .name = "Sổ", .organ_abbr = "S", .created_at = 1};
	assert_int_equal(mc_store_doc_register_add(f->st, &out), 0);
	assert_int_equal(mc_store_doc_register_add(f->st, &in), 0);
	assert_int_equal(mc_store_doc_register_add(f->st, &dept), 0);
	/* signatures, delivered (0 none, 1 a local copy, 2 a package sent, 3 one pending), state, issued_at,
	 * register */
	struct {
		int sigs, sent, state;
		int64_t at, reg;
	} docs[] = {
	    {2, 1, 6, y0 + 100, out.id},  /* in: signed, copied to a unit here */
	    {1, 2, 6, y1 - 1, out.id},	  /* in: signed, taken by a peer, last second of the year */
	    {1, 3, 6, y0 + 200, out.id},  /* issued, counted; its package still pending */
	    {0, 1, 6, y0 + 300, out.id},  /* issued, counted; delivered without a signed file */
	    {1, 0, 6, y0 + 400, out.id},  /* issued, counted; signed, never sent */
	    {2, 1, 6, y0 - 1, out.id},	  /* out: issued the year before */
	    {2, 1, 6, y1, out.id},	  /* out: issued the year after */
	    {0, 0, 5, 0, out.id},	  /* out: signed, not issued */
	    {2, 1, 6, y0 + 500, dept.id}, /* out: another unit's, not in the subtree */
	};
	for (size_t i = 0; i < MC_ARRAY_LEN(docs); i++) {
		mc_document d = {.box = 1,
				 .register_id = docs[i].reg,
				 .unit_id = docs[i].reg == dept.id ? f->dept : f->district,
				 .state = docs[i].state,
				 .type = "cong_van",
				 .subject = "Về việc thử",
				 .issued_at = docs[i].at,
				 .created_at = 1,
				 .updated_at = 1};
		assert_int_equal(mc_store_document_add(f->st, &d), 0);
		if (docs[i].sigs)
			assert_int_equal(
			    mc_store_document_file_put(f->st, d.id, "%PDF-1.7 s", 10, docs[i].sigs, 2), 0);
		if (docs[i].sent == 1) {
			mc_document c = {.box = 2,
					 .register_id = in.id,
					 .unit_id = f->commune,
					 .state = 7,
					 .type = "cong_van",
					 .subject = "Về việc thử",
					 .source_id = d.id,
					 .created_at = 1,
					 .updated_at = 1};
			assert_int_equal(mc_store_document_add(f->st, &c), 0);
		} else if (docs[i].sent >= 2) {
			char id[32];
			snprintf(id, sizeof id, "m,%zu", i);
			mc_xch_message m = {.direction = MC_XCH_OUT,
					    .kind = 1,
					    .organ_id = "000.00.00.H26",
					    .message_id = id,
					    .document_id = d.id,
					    .package = "<x/>",
					    .state = docs[i].sent == 2 ? "sent" : "pending",
					    .created_at = 3};
			assert_int_equal(mc_store_xch_add(f->st, &m), 0);
		}
	}
	int64_t a = -1, b = -1;
	assert_int_equal(mc_store_par_documents_signed(f->st, &a, &b, f->district, y0, y1), 0);
	assert_int_equal(a, 5);
	assert_int_equal(b, 2);
	assert_int_equal(mc_store_par_documents_signed(f->st, &a, &b, f->province, y0, y1), 0);
	assert_int_equal(a, 6);
	assert_int_equal(b, 3);
	assert_int_equal(mc_store_par_documents_signed(f->st, &a, &b, f->commune, y0, y1), 0);
	assert_int_equal(a, 0);
	assert_int_equal(b, 0);
	assert_int_equal(mc_store_par_documents_signed(f->st, &a, &b, 424242, y0, y1), MC_ENOTFOUND);

	/* Tasks of 2017 (days 17167 .. 17531), judged as of day 17400. */
	const int32_t d0 = 17167, d1 = 17531, at = 17400;
	struct {
		int64_t unit;
		int state, kind;
		int32_t original, due, done;
	} tasks[] = {
	    {f->district, 4, 1, 17200, 17200, 17190}, /* in, on time */
	    {f->district, 4, 1, 17200, 17200, 17200}, /* in, on time: done on the day */
	    {f->district, 4, 1, 17200, 17250, 17240}, /* in, late by the original deadline though extended */
	    {f->commune, 4, 1, 17300, 17300, 17310},  /* in (the subtree), late */
	    {f->district, 2, 1, 17300, 17300, 0},     /* in, open past its original deadline */
	    {f->district, 2, 1, 17300, 17450, 0}, /* in, open, extended past `at` but the original passed */
	    {f->district, 2, 1, 17450, 17450, 0}, /* out: open, not yet due */
	    {f->district, 4, 1, 17450, 17450, 17390},	 /* in, done early though not yet due */
	    {f->district, 7, 1, 17200, 17200, 0},	 /* out: suspended */
	    {f->district, 8, 1, 17200, 17200, 0},	 /* out: cancelled */
	    {f->district, 4, 0, 0, 0, 17200},		 /* out: no deadline */
	    {f->district, 4, 1, d0 - 1, d0 - 1, d0 - 2}, /* out: due the year before */
	    {f->district, 4, 1, d1 + 1, d1 + 1, 17300},	 /* out: due the year after */
	    {f->dept, 4, 1, 17200, 17200, 17190},	 /* out: another unit's */
	};
	for (size_t i = 0; i < MC_ARRAY_LEN(tasks); i++) {
		mc_task t = {.assigner_unit_id = f->province,
			     .unit_id = tasks[i].unit,
			     .directive = "Chỉ thị 05/CT-UBND",
			     .title = "Thử",
			     .content = "Thử",
			     .product = "Báo cáo",
			     .state = tasks[i].state,
			     .due_kind = tasks[i].kind,
			     .assigned_day = 17170,
			     .original_due = tasks[i].original,
			     .due = tasks[i].due,
			     .done_day = tasks[i].done,
			     .created_at = 1,
			     .updated_at = 1};
		assert_int_equal(mc_store_task_add(f->st, &t), 0);
		if (t.done_day) {
			/* add may not write every column: the update does */
			assert_int_equal(mc_store_task_update(f->st, &t, 1), 0);
		}
	}
	assert_int_equal(mc_store_par_tasks_on_time(f->st, &a, &b, f->district, d0, d1, at), 0);
	assert_int_equal(a, 7);
	assert_int_equal(b, 3);
	assert_int_equal(mc_store_par_tasks_on_time(f->st, &a, &b, f->commune, d0, d1, at), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 0);
	/* Judged at the end of the year, the open one not yet due is counted too. */
	assert_int_equal(mc_store_par_tasks_on_time(f->st, &a, &b, f->district, d0, d1, d1 + 1), 0);
	assert_int_equal(a, 8);
	assert_int_equal(b, 3);
}

/* `procedures_published` and `online_services` (docs/par-index.md §3): the
 * procedures a unit handles in force some day of 2025, each case by hand. */
static void test_par_procedures(void **state)
{
	struct fixture *f = *state;
	const int32_t d0 = mc_days_from_civil(2025, 1, 1), d1 = mc_days_from_civil(2025, 12, 31);
	/* levels, owner (1 the department), online level, class, class since,
	 * status abolished, publication kind and day (none: ""), documents,
	 * legal basis, duration */
	struct {
		const char *levels;
		int owned, level;
		const char *klass;
		int32_t since;
		bool abolished;
		const char *pub;
		int32_t pub_day;
		bool docs;
		const char *basis;
		int hours;
	} procs[] = {
	    {"district", 0, 4, "", 0, false, "", 0, true, "Luật X", 24},	     /* in, posted, online */
	    {"district,department", 0, 2, "", 0, false, "", 0, false, "Luật X", 24}, /* in; no documents */
	    {"commune", 0, 4, "", 0, false, "", 0, true, "Luật X", 24},		     /* out: another level */
	    {"district", 1, 4, "", 0, false, "", 0, true, "Luật X", 24},	  /* out: the department's */
	    {"district", 0, 4, "", 0, true, "abolished", d0, true, "Luật X", 24}, /* out: abolished 1 Jan */
	    {"district", 0, 2, "", 0, true, "abolished", d0 + 1, true, "Luật X", 24}, /* in: until 2 Jan */
	    {"district", 0, 4, "", 0, true, "", 0, true, "Luật X", 24}, /* out: abolished, no record */
	    {"district", 0, 3, "", 0, false, "new", d1, false, "", 24}, /* in: from 31 Dec; online */
	    {"district", 0, 4, "", 0, false, "new", d1 + 1, true, "Luật X", 24}, /* out: from the next year */
	    {"district", 0, 2, "full", d1, false, "", 0, true, "Luật X",
	     24},							   /* in, posted; online by class */
	    {"district", 0, 4, "", d1, false, "", 0, false, "Luật X", 24}, /* in; class "": not online */
	    {"district", 0, 2, "partial", d1 + 1, false, "", 0, false, "Luật X", 24}, /* in; level 2 still */
	    {"district", 0, 2, "", 0, false, "", 0, true, "", 24},		      /* in; no legal basis */
	    {"district", 0, 2, "", 0, false, "", 0, true, "Luật X", 0},		      /* in; no duration */
	};
	for (size_t i = 0; i < MC_ARRAY_LEN(procs); i++) {
		char code[16];
		mc_procedure p;
		mc_proc_doc doc = {.seq = 1, .name = "Tờ khai", .originals = 1, .form = "", .required = true};
		mc_proc_pub pub = {
		    .kind = (char *)procs[i].pub, .decision = "QĐ 1/QĐ-UBND", .day = procs[i].pub_day};
		snprintf(code, sizeof code, "9.%03zu", i);
		proc_init(&p, code, code, "Thử", procs[i].levels, procs[i].owned ? f->dept : 0,
			  procs[i].level);
		p.online_class = (char *)procs[i].klass;
		p.online_class_since = procs[i].since;
		p.status = procs[i].abolished ? "abolished" : "active";
		p.legal_basis = (char *)procs[i].basis;
		p.duration_hours = procs[i].hours;
		if (procs[i].docs) {
			p.docs = &doc;
			p.n_docs = 1;
		}
		if (procs[i].pub[0]) {
			p.pubs = &pub;
			p.n_pubs = 1;
		}
		assert_int_equal(mc_store_procedure_create(f->st, &p), 0);
	}
	mc_par_proc_counts c;
	assert_int_equal(mc_store_par_procedures(f->st, &c, f->district, d0, d1), 0);
	assert_int_equal(c.handled, 9);
	assert_int_equal(c.posted, 3); /* the first, the one abolished on 2 January, the classed one */
	assert_int_equal(c.online, 3); /* level 4; level 3 from 31 December; class full from 31 December */
	assert_int_equal(mc_store_par_procedures(f->st, &c, f->dept, d0, d1), 0);
	assert_int_equal(c.handled, 2);
	assert_int_equal(c.posted, 1);
	assert_int_equal(c.online, 1);
	/* The year before: the 2025 publication not yet, the classes not yet. */
	assert_int_equal(
	    mc_store_par_procedures(f->st, &c, f->district, mc_days_from_civil(2024, 1, 1), d0 - 1), 0);
	assert_int_equal(c.handled, 9); /* the two abolished in 2025 in force, the one new in 2025 not */
	assert_int_equal(c.online, 3);	/* levels 4, 4 (abolished 1 Jan 2025) and the class "" one's 4 */
	assert_int_equal(mc_store_par_procedures(f->st, &c, f->commune, d0, d1), 0);
	assert_int_equal(c.handled, 1);
}

/* `reports_on_time` (docs/par-index.md §3): the periods of recurring tasks
 * that ended in 2017 while the task was open, and of those the ones whose
 * report of the unit in charge (period_start > 0, migration 037) came by the
 * period's reporting deadline; each case by hand, the rows read against a
 * raw count. */
static void test_par_reports(void **state)
{
	struct fixture *f = *state;
	const int32_t y2017 = 17167, at = 17400; /* 2017-01-01; judged on 2017-08-22 */
	struct {
		int64_t unit;
		int state, kind, period;
		int32_t assigned, done, stopped;
	} tasks[] = {
	    /* 0: monthly, open since 4 Jan: Jan..Jul owed (7) */
	    {f->district, 2, 2, MC_TASK_PERIOD_MONTH, 17170, 0, 0},
	    /* 1: quarterly, done on 14 May: Q1 owed */
	    {f->district, 4, 2, MC_TASK_PERIOD_QUARTER, 17170, 17300, 0},
	    /* 2: monthly, cancelled on 5 Mar: Jan, Feb owed */
	    {f->district, 8, 2, MC_TASK_PERIOD_MONTH, 17170, 0, 17230},
	    /* 3: monthly, a commune's (the subtree) since July: Jul owed */
	    {f->commune, 2, 2, MC_TASK_PERIOD_MONTH, 17350, 0, 0},
	    /* 4: another unit's */
	    {f->dept, 2, 2, MC_TASK_PERIOD_MONTH, 17170, 0, 0},
	    /* 5: yearly since 2016: its 2016 period ended the year before, 2017's not yet */
	    {f->district, 2, 2, MC_TASK_PERIOD_YEAR, 17000, 0, 0},
	    /* 6: due by a day: not recurring */
	    {f->district, 2, 1, MC_TASK_PERIOD_NONE, 17170, 0, 0},
	};
	int64_t ids[MC_ARRAY_LEN(tasks)];
	for (size_t i = 0; i < MC_ARRAY_LEN(tasks); i++) {
		int64_t updated = tasks[i].stopped ? mc_local_day_start(tasks[i].stopped) + 3600 : 1;
		mc_task t = {.assigner_unit_id = f->province,
			     .unit_id = tasks[i].unit,
			     .directive = "Chỉ thị 05/CT-UBND",
			     .title = "Báo cáo định kỳ",
			     .content = "Thử",
			     .product = "Báo cáo",
			     .state = tasks[i].state,
			     .due_kind = tasks[i].kind,
			     .period = tasks[i].period,
			     .assigned_day = tasks[i].assigned,
			     .original_due = tasks[i].kind == 1 ? 17300 : 0,
			     .due = tasks[i].kind == 1 ? 17300 : 0,
			     .done_day = tasks[i].done,
			     .created_at = 1,
			     .updated_at = updated};
		assert_int_equal(mc_store_task_add(f->st, &t), 0);
		assert_int_equal(mc_store_task_update(f->st, &t, 1), 0);
		ids[i] = t.id;
	}
	/* Reports: task, the period's first day (0: no period, a cooperating
	 * unit's), the day it came. The deadline is the period's last day here. */
	struct {
		size_t task;
		int32_t period_day, day;
	} reports[] = {
	    {0, 17170, 17190}, /* Jan, on time */
	    {0, 17170, 17250}, /* Jan again, later: the first counts */
	    {0, 17200, 17230}, /* Feb (1 Feb = 17198), came 5 Mar: late */
	    {0, 17230, 17250}, /* Mar, on time */
	    {0, 0, 17260},     /* a cooperating unit's report: no period */
	    {1, 17170, 17250}, /* Q1, on time */
	    {3, 17350, 17370}, /* Jul, on time */
	    {4, 17170, 17180}, /* another unit's */
	    {6, 17170, 17180}, /* a task due by a day: never counted */
	    {0, 17400, 17401}, /* Aug: not yet over on the day judged */
	};
	for (size_t i = 0; i < MC_ARRAY_LEN(reports); i++) {
		int32_t start = 0, end = 0;
		int period =
		    tasks[reports[i].task].period ? tasks[reports[i].task].period : MC_TASK_PERIOD_MONTH;
		if (reports[i].period_day)
			assert_int_equal(mc_task_period_bounds(&start, &end, (mc_task_period)period,
							       reports[i].period_day),
					 0);
		mc_task_event e = {.task_id = ids[reports[i].task],
				   .at = mc_local_day_start(reports[i].day) + 9 * 3600,
				   .user_name = "",
				   .role = "specialist",
				   .action = "report",
				   .from_state = 2,
				   .to_state = 2,
				   .note = "Báo cáo",
				   .hash = "x",
				   .period_start = start,
				   .period_end = end,
				   .report_due = end ? end - 1 : 0};
		assert_int_equal(mc_store_task_event_add(f->st, &e), 0);
	}
	/* The rows: one per task and period ending in 2017, the earliest report. */
	mc_par_recurring_task *rt = NULL;
	mc_par_period_report *pr = NULL;
	size_t n = 0, n_pr = 0;
	assert_int_equal(
	    mc_store_par_recurring_reports(f->st, &rt, &n, &pr, &n_pr, f->district, y2017, y2017 + 364), 0);
	assert_int_equal(n, 5); /* tasks 0, 1, 2, 3, 5 */
	assert_int_equal(
	    n_pr, (size_t)raw_int(f, "SELECT count(DISTINCT task_id * 100000 + period_start) FROM "
				     "task_event e JOIN task t ON t.id = e.task_id WHERE t.due_kind = 2 "
				     "AND e.period_start > 0 AND t.unit_id <> (SELECT id FROM unit WHERE "
				     "code = '000.00.15.H56')"));
	assert_int_equal(n_pr, 6); /* 0: Jan, Feb, Mar, Aug; 1: Q1; 3: Jul */
	free(rt);
	free(pr);

	int64_t due = 0, on_time = 0;
	assert_int_equal(mc_app_par_reports_on_time(f->st, &due, &on_time, f->district, 2017, at), 0);
	assert_int_equal(due, 7 + 1 + 2 + 1);
	assert_int_equal(on_time, 2 + 1 + 0 + 1);
	assert_int_equal(mc_app_par_reports_on_time(f->st, &due, &on_time, f->commune, 2017, at), 0);
	assert_int_equal(due, 1);
	assert_int_equal(on_time, 1);
	/* Judged once the year is over: task 0 owes Jan..Dec (Aug came on
	 * time too), task 3 Jul..Dec, task 5 the year. */
	assert_int_equal(mc_app_par_reports_on_time(f->st, &due, &on_time, f->district, 2017, y2017 + 400),
			 0);
	assert_int_equal(due, 12 + 1 + 2 + 6 + 1);
	assert_int_equal(on_time, 3 + 1 + 0 + 1 + 0);
	/* 2016: only the yearly task's period, unreported. */
	assert_int_equal(mc_app_par_reports_on_time(f->st, &due, &on_time, f->district, 2016, at), 0);
	assert_int_equal(due, 1);
	assert_int_equal(on_time, 0);
}

static void test_tasks(void **state)
{
	struct fixture *f = *state;
	mc_task t = {.assigner_unit_id = f->province,
		     .unit_id = f->district,
		     .directive = "Chỉ thị 05/CT-UBND",
		     .title = "Rà soát thủ tục hành chính",
		     .content = "Rà soát và đề xuất đơn giản hóa",
		     .product = "Báo cáo",
		     .state = 1,
		     .due_kind = 1,
		     .assigned_day = 17230,
		     .original_due = 17260,
		     .due = 17260,
		     .created_at = 1000,
		     .updated_at = 1000};
	mc_task got = {0};
	assert_int_equal(mc_store_task_add(f->st, &t), 0);
	assert_true(t.id > 0);
	assert_int_equal(t.version, 1);
	assert_int_equal(mc_store_task_get(f->st, &got, t.id), 0);
	assert_string_equal(got.title, "Rà soát thủ tục hành chính");
	assert_string_equal(got.directive, "Chỉ thị 05/CT-UBND");
	assert_string_equal(got.province_code, "H56");
	assert_int_equal(got.due, 17260);
	assert_int_equal(got.assigned_day, 17230);
	assert_int_equal(got.parent_id, 0);
	assert_int_equal(got.source_document_id, 0);
	mc_task_clear(&got);
	assert_int_equal(mc_store_task_get(f->st, &got, 424242), MC_ENOTFOUND);

	/* A reference to nothing is refused. */
	mc_task bad = t;
	bad.id = 0;
	bad.parent_id = 424242;
	assert_int_equal(mc_store_task_add(f->st, &bad), MC_ENOTFOUND);
	bad.parent_id = 0;
	bad.source_document_id = 424242;
	assert_int_equal(mc_store_task_add(f->st, &bad), MC_ENOTFOUND);

	/* Versions: a write at the wrong one is stale, twice at the same one too. */
	t.state = 2;
	t.progress = 40;
	assert_int_equal(mc_store_task_update(f->st, &t, 7), MC_ESTALE);
	assert_int_equal(mc_store_task_update(f->st, &t, 1), 0);
	assert_int_equal(mc_store_task_update(f->st, &t, 1), MC_ESTALE);
	assert_int_equal(mc_store_task_get(f->st, &got, t.id), 0);
	assert_int_equal(got.version, 2);
	assert_int_equal(got.progress, 40);
	assert_int_equal(got.state, 2);
	mc_task_clear(&got);

	/* Cooperating units, once each. */
	int64_t *units = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_task_unit_add(f->st, t.id, f->dept), 0);
	assert_int_equal(mc_store_task_unit_add(f->st, t.id, f->dept), MC_ECONFLICT);
	assert_int_equal(mc_store_task_unit_add(f->st, t.id, 424242), MC_ENOTFOUND);
	assert_int_equal(mc_store_task_units(f->st, &units, &n, t.id), 0);
	assert_int_equal(n, 1);
	assert_int_equal(units[0], f->dept);
	free(units);
	/* A re-assignment names them anew. */
	assert_int_equal(mc_store_task_units_clear(f->st, t.id), 0);
	assert_int_equal(mc_store_task_units(f->st, &units, &n, t.id), 0);
	assert_int_equal(n, 0);
	free(units);
	assert_int_equal(mc_store_task_unit_add(f->st, t.id, f->dept), 0);

	/* A part delegated to a commune. */
	mc_task c = t;
	c.id = 0;
	c.parent_id = t.id;
	c.assigner_unit_id = f->district;
	c.unit_id = f->commune;
	c.title = "Rà soát ở xã";
	c.due = c.original_due = 17250;
	assert_int_equal(mc_store_task_add(f->st, &c), 0);
	mc_task *list = NULL;
	assert_int_equal(mc_store_task_children(f->st, &list, &n, t.id), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, c.id);
	mc_task_free_list(list, n);

	/* The lists: each unit sees what it gives, is in charge of, cooperates
	 * on, and its subtree's; the earliest due first. */
	int64_t total = 0;
	mc_task_query q = {.scope_unit_id = f->province, .limit = 10};
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	assert_int_equal(list[0].id, c.id);
	mc_task_free_list(list, n);
	q.scope_unit_id = f->dept; /* cooperates on the first */
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(list[0].id, t.id);
	mc_task_free_list(list, n);
	q.relation = MC_TASK_REL_IN_CHARGE;
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_task_free_list(list, n);
	q = (mc_task_query){.scope_unit_id = f->commune2, .limit = 10};
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_task_free_list(list, n);
	q = (mc_task_query){.scope_unit_id = f->commune, .limit = 10};
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	mc_task_free_list(list, n);
	q = (mc_task_query){.scope_unit_id = f->district, .relation = MC_TASK_REL_GIVEN, .limit = 10};
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(list[0].id, c.id);
	mc_task_free_list(list, n);
	q = (mc_task_query){.scope_unit_id = f->other_province, .limit = 10};
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_task_free_list(list, n);
	/* Filters: state, due window, top level, paging. */
	q = (mc_task_query){.scope_unit_id = f->province, .state = 1, .limit = 10};
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 0);
	mc_task_free_list(list, n);
	q = (mc_task_query){.scope_unit_id = f->province, .due_from = 17255, .due_to = 17260, .limit = 10};
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(list[0].id, t.id);
	mc_task_free_list(list, n);
	q = (mc_task_query){.scope_unit_id = f->province, .parent_id = -1, .open_only = true, .limit = 10};
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 1);
	assert_int_equal(list[0].id, t.id);
	mc_task_free_list(list, n);
	q = (mc_task_query){.scope_unit_id = f->province, .limit = 1, .offset = 1};
	assert_int_equal(mc_store_task_list(f->st, &list, &n, &total, &q), 0);
	assert_int_equal(total, 2);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, t.id);
	mc_task_free_list(list, n);

	/* Reminders owed: t due soon, its part overdue; each once per deadline. */
	assert_int_equal(mc_store_task_reminders_due(f->st, &list, &n, 17255, 17260, 17248, 10), 0);
	assert_int_equal(n, 2);
	mc_task_free_list(list, n);
	assert_int_equal(mc_store_task_set_reminded(f->st, t.id, 17260, true, false), 0);
	assert_int_equal(mc_store_task_reminders_due(f->st, &list, &n, 17255, 17260, 17248, 10), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, c.id);
	mc_task_free_list(list, n);
	assert_int_equal(mc_store_task_set_reminded(f->st, c.id, 17250, true, true), 0);
	assert_int_equal(mc_store_task_reminders_due(f->st, &list, &n, 17255, 17260, 17248, 10), 0);
	assert_int_equal(n, 0);
	mc_task_free_list(list, n);
	/* The reminder is no change of the task: its version stays. */
	assert_int_equal(mc_store_task_get(f->st, &got, t.id), 0);
	assert_int_equal(got.version, 2);
	mc_task_clear(&got);
	/* Overdue later: owed again for the same deadline, once. */
	assert_int_equal(mc_store_task_reminders_due(f->st, &list, &n, 17261, 17265, 17254, 10), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, t.id);
	mc_task_free_list(list, n);
	/* Overdue for longer than the window: none owed. */
	assert_int_equal(mc_store_task_reminders_due(f->st, &list, &n, 17261, 17265, 17261, 10), 0);
	assert_int_equal(n, 0);
	mc_task_free_list(list, n);

	/* Events: appended, read in order, never changed; the last hash read back. */
	char last[MC_AUDIT_HASH_LEN];
	assert_int_equal(mc_store_task_last_hash(f->st, last, sizeof last, t.id), 0);
	assert_string_equal(last, "");
	mc_task_event ev = {.task_id = t.id,
			    .at = 2000,
			    .user_name = "Lê Văn An",
			    .role = "leader",
			    .unit_id = f->province,
			    .action = "assign",
			    .to_state = 1,
			    .hash = "aa"};
	assert_int_equal(mc_store_task_event_add(f->st, &ev), 0);
	ev.action = "report";
	ev.from_state = 1;
	ev.to_state = 2;
	ev.percent = 40;
	ev.hash = "bb";
	assert_int_equal(mc_store_task_event_add(f->st, &ev), 0);
	mc_task_event *evs = NULL;
	bool more = true;
	assert_int_equal(mc_store_task_events(f->st, &evs, &n, &more, t.id, 0, 100), 0);
	assert_int_equal(n, 2);
	assert_false(more);
	assert_string_equal(evs[0].action, "assign");
	assert_string_equal(evs[1].action, "report");
	assert_int_equal(evs[1].percent, 40);
	assert_string_equal(evs[1].user_name, "Lê Văn An");
	int64_t first_id = evs[0].id, second_id = evs[1].id;
	mc_task_event_free_list(evs, n);
	/* A page: the newest one, then the older one before it, oldest first. */
	assert_int_equal(mc_store_task_events(f->st, &evs, &n, &more, t.id, 0, 1), 0);
	assert_int_equal(n, 1);
	assert_true(more);
	assert_int_equal(evs[0].id, second_id);
	mc_task_event_free_list(evs, n);
	assert_int_equal(mc_store_task_events(f->st, &evs, &n, &more, t.id, second_id, 1), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_int_equal(evs[0].id, first_id);
	mc_task_event_free_list(evs, n);
	assert_int_equal(mc_store_task_events(f->st, &evs, &n, &more, t.id, first_id, 5), 0);
	assert_int_equal(n, 0);
	assert_false(more);
	assert_int_equal(mc_store_task_events(f->st, &evs, &n, &more, t.id, 0, 0), MC_EINVAL);
	assert_int_equal(mc_store_task_last_hash(f->st, last, sizeof last, t.id), 0);
	assert_string_equal(last, "bb");
	/* The audit's scan: by task, then oldest first, whatever the order written. */
	ev.task_id = c.id;
	ev.hash = "dd";
	assert_int_equal(mc_store_task_event_add(f->st, &ev), 0);
	ev.task_id = t.id;
	ev.hash = "cc";
	assert_int_equal(mc_store_task_event_add(f->st, &ev), 0);
	char seen[16] = "";
	assert_int_equal(mc_store_task_event_scan(f->st, task_event_seen, seen), 0);
	assert_string_equal(seen, "aabbccdd");
	assert_int_not_equal(raw_exec(f, "UPDATE task_event SET note = 'x'", NULL, 0), 0);
	assert_int_not_equal(raw_exec(f, "DELETE FROM task_event", NULL, 0), 0);
}

int main(void)
{
	const char *backend = getenv("MC_TEST_STORE");

	use_pg = backend && strcmp(backend, "pg") == 0;
	if (use_pg) {
		pg_url = getenv("MC_TEST_PG_URL");
		if (!pg_url || !*pg_url) {
			printf("test_store_contract: MC_TEST_PG_URL is not set, PostgreSQL run skipped "
			       "(scripts/pg.sh)\n");
			return 77;
		}
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_migrate_twice, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_units, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unit_periods, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_users_sessions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_accounts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_account_writes_as_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_identities, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_procedure_crud, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_procedure_search, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dossier_crud, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dossier_keeps_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dossier_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dossier_list_views, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_next_seq, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_next_seq_online, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_filings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_event_scan, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dossier_public, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dossier_long_texts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_payments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_attachments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_attachment_write_record_and_dossiers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_calendar, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_generation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apologies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apology_warnings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apology_document, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_form_numbers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_texts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_procedure_fields, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dossier_doc_kind, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ratings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_outbox_claim, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_uploads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_anchors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_log_steps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_log_top_locks_each_log, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_personal_pseudonymise, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats_long_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_documents, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_document_search_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_document_search_every_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_document_versions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_document_attachments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_document_event_head_waits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_recovery_check_waits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_document_draft_state_waits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_number_vouched_waits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hourly_counts_wait, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_document_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_workfiles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_workfile_disposal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_workfile_destroy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exchange, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_par, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_par_publish_waits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_par_first_marks_race, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_par_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_par_reports, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_par_procedures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tasks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_health, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_account_actions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_portal_sync, setup, teardown),
	};

	/* MC_TEST_FILTER: only the tests whose name matches (cmocka's pattern). */
	if (getenv("MC_TEST_FILTER"))
		cmocka_set_test_filter(getenv("MC_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
