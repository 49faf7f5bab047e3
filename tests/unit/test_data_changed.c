/*
 * test_data_changed.c - mc_store_data_changed on SQLite: after a commit by
 * another connection, by another process or by the connection itself, the
 * next look says "changed"; when nothing was committed, it says "unchanged".
 * The public lookup serves cached replies without reading the dossier's
 * version on that "unchanged" (http/cache.h), so a missed commit would be a
 * stale reply. (PostgreSQL answers "unknown": several servers share it.)
 */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"

struct fixture {
	char dir[512];
	char path[600];
	mc_store *reader; /* the connection that looks, as a worker's */
	int units;	  /* made so far, for unique codes */
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *base = getenv("MC_TEST_TMP");
	if (!base || !*base)
		base = "/tmp";
	if (mkdir(base, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/changed-XXXXXX", base);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/motcua.db", f->dir);
	if (mc_store_open(&f->reader, f->path) != 0 || mc_store_migrate(f->reader) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	mc_store_close(f->reader);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static bool changed(mc_store *st)
{
	bool ch = false, known = false;
	assert_int_equal(mc_store_data_changed(st, &ch, &known), 0);
	assert_true(known);
	return ch;
}

/* Looks until a look says "unchanged" (the first looks may not know yet). */
static void settle(mc_store *st)
{
	for (int i = 0; i < 4; i++) {
		if (!changed(st))
			return;
	}
	fail_msg("still \"changed\" after four looks with nothing committed");
}

static void make_unit(struct fixture *f, mc_store *st)
{
	mc_unit u = {0};
	char u_code[256];
	snprintf(u_code, sizeof u_code, "000.00.%02d.H56", ++f->units);
	u.code = u_code;
	char u_name[256];
	snprintf(u_name, sizeof u_name, "Unit %d", f->units);
	u.name = u_name;
	u.level = "district";
	u.province_code = "H56";
	assert_int_equal(mc_store_unit_create(st, &u), 0);
}

static void read_something(mc_store *st)
{
	mc_unit *list = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_unit_list(st, &list, &n), 0);
	mc_unit_free_list(list, n);
}

static void test_first_look_says_changed(void **state)
{
	struct fixture *f = *state;
	assert_true(changed(f->reader));
	settle(f->reader);
	/* Reads of its own move nothing. */
	read_something(f->reader);
	assert_false(changed(f->reader));
	assert_false(changed(f->reader));
}

static void test_another_connection(void **state)
{
	struct fixture *f = *state;
	mc_store *writer = NULL;
	assert_int_equal(mc_store_open(&writer, f->path), 0);
	settle(f->reader);
	for (int i = 0; i < 20; i++) {
		make_unit(f, writer);
		assert_true(changed(f->reader));
		assert_false(changed(f->reader));
		read_something(f->reader);
		assert_false(changed(f->reader));
	}
	/* A transaction of several writes: one change, seen once committed. */
	assert_int_equal(mc_store_begin(writer), 0);
	make_unit(f, writer);
	make_unit(f, writer);
	assert_int_equal(mc_store_commit(writer), 0);
	assert_true(changed(f->reader));
	assert_false(changed(f->reader));
	mc_store_close(writer);
}

static void test_own_writes(void **state)
{
	struct fixture *f = *state;
	settle(f->reader);
	make_unit(f, f->reader);
	assert_true(changed(f->reader));
	assert_false(changed(f->reader));
}

static void test_another_process(void **state)
{
	struct fixture *f = *state;
	settle(f->reader);
	for (int i = 0; i < 3; i++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			mc_store *st = NULL;
			mc_unit u = {0};
			char u_code[256];
			snprintf(u_code, sizeof u_code, "000.99.%02d.H56", i);
			u.code = u_code;
			char u_name[256];
			snprintf(u_name, sizeof u_name, "From another process %d", i);
			u.name = u_name;
			u.level = "district";
			u.province_code = "H56";
			int rc = mc_store_open(&st, f->path) != 0 || mc_store_unit_create(st, &u) != 0;
			mc_store_close(st);
			_exit(rc);
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_true(changed(f->reader));
		assert_false(changed(f->reader));
	}
}

static void test_after_checkpoint(void **state)
{
	struct fixture *f = *state;
	mc_store *writer = NULL;
	assert_int_equal(mc_store_open(&writer, f->path), 0);
	/* Enough commits for the WAL to be checkpointed and restarted: a change is
	 * seen after each, whatever the checkpoints do to the WAL index. */
	settle(f->reader);
	for (int i = 0; i < 60; i++) {
		mc_store_begin(writer);
		for (int k = 0; k < 20; k++)
			make_unit(f, writer);
		assert_int_equal(mc_store_commit(writer), 0);
		assert_true(changed(f->reader));
		read_something(f->reader);
		settle(f->reader);
	}
	mc_store_close(writer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_first_look_says_changed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_another_connection, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_own_writes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_another_process, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_after_checkpoint, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
