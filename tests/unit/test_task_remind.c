/*
 * test_task_remind.c - the reminders of tasks (app/task.h
 * mc_app_task_remind) through the outbox, with an injected clock: once the
 * day a task becomes due soon, once the day it becomes overdue (the
 * assigning unit's leaders too), again after an extension, never for a
 * closed task, and only to the leaders and specialists of the unit.
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

#include "app/task.h"
#include "core/mc.h"

struct fixture {
	char dir[512];
	char path[600];
	mc_store *st;
	mc_time_ctx *tc;
	int64_t province, district;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int64_t add_unit(mc_store *st, int64_t parent, const char *code, const char *name, const char *level)
{
	mc_unit u = {.parent_id = parent,
		     .code = (char *)code,
		     .name = (char *)name,
		     .level = (char *)level,
		     .province_code = "H56"};
	assert_int_equal(mc_store_unit_create(st, &u), 0);
	return u.id;
}

static void add_user(mc_store *st, const char *username, mc_role role, int64_t unit, const char *email)
{
	mc_user u = {.username = (char *)username,
		     .full_name = "Cán bộ",
		     .email = (char *)email,
		     .role = role,
		     .unit_id = unit,
		     .active = true};
	assert_int_equal(mc_store_user_create(st, &u, "$argon2id$not-a-real-hash"), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *base = getenv("MC_TEST_TMP");
	if (!base || !*base)
		base = "/tmp";
	if (mkdir(base, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/remind-XXXXXX", base);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/motcua.db", f->dir);
	if (mc_store_open(&f->st, f->path) != 0 || mc_store_migrate(f->st) != 0)
		return -1;
	f->province = add_unit(f->st, 0, "000.00.00.H56", "UBND tỉnh Thanh Hóa", "province");
	f->district = add_unit(f->st, f->province, "000.00.33.H56", "UBND huyện Quảng Xương", "district");
	int64_t commune = add_unit(f->st, f->district, "000.01.33.H56", "UBND xã Quảng Bình", "commune");
	add_user(f->st, "lanhdao.tinh", MC_ROLE_LEADER, f->province, "lanhdao.tinh@example.vn");
	add_user(f->st, "chuyenvien.tinh", MC_ROLE_SPECIALIST, f->province, "chuyenvien.tinh@example.vn");
	add_user(f->st, "lanhdao", MC_ROLE_LEADER, f->district, "lanhdao@example.vn");
	add_user(f->st, "chuyenvien", MC_ROLE_SPECIALIST, f->district, "chuyenvien@example.vn");
	add_user(f->st, "khongthu", MC_ROLE_SPECIALIST, f->district, ""); /* no address */
	add_user(f->st, "tiepnhan", MC_ROLE_DESK, f->district, "tiepnhan@example.vn");
	add_user(f->st, "xa", MC_ROLE_LEADER, commune, "xa@example.vn"); /* below: not the unit */
	if (mc_time_ctx_load(&f->tc, f->st) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	mc_time_ctx_free(f->tc);
	mc_store_close(f->st);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* 10:00 local time on a day of 2017. */
static int64_t at(int m, int d)
{
	return mc_local_day_start(mc_days_from_civil(2017, m, d)) + 10 * 3600;
}

static int remind(struct fixture *f, int64_t now)
{
	int queued = -1;
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_task_remind(f->st, f->tc, now, "https://motcua.example.vn", 100, &queued), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	return queued;
}

/* The messages queued so far, whose subject holds `word`, to `to` (NULL any). */
static size_t messages(struct fixture *f, const char *word, const char *to)
{
	mc_message *list = NULL;
	size_t n = 0, count = 0;
	assert_int_equal(mc_store_outbox_due(f->st, &list, &n, at(12, 31), 1000), 0);
	for (size_t i = 0; i < n; i++) {
		if (strstr(list[i].subject, word) && (!to || strcmp(list[i].recipient, to) == 0))
			count++;
	}
	mc_message_free_list(list, n);
	return count;
}

static void test_remind_once(void **state)
{
	struct fixture *f = *state;
	mc_actor leader = {
	    .user_id = 1, .role = MC_ROLE_LEADER, .unit_id = f->province, .name = "Lãnh đạo tỉnh"};
	mc_task t = {0};
	/* Assigned Monday 6 March 2017, due Friday 17 March. */
	mc_task_new in = {.directive = "Chỉ thị 05/CT-UBND",
			  .title = "Rà soát thủ tục",
			  .unit_id = f->district,
			  .due_kind = MC_TASK_DUE_DATE,
			  .due = mc_days_from_civil(2017, 3, 17)};
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_task_create(f->st, f->tc, &leader, &in, at(3, 6), &t), 0);
	assert_int_equal(mc_store_commit(f->st), 0);

	/* Nothing while more than 3 working days are left (Monday 13: 4 left). */
	assert_int_equal(remind(f, at(3, 6)), 0);
	assert_int_equal(remind(f, at(3, 13)), 0);
	/* Tuesday 14: 3 working days left, due soon: the district's leader and
	 * specialist with an address, once. */
	assert_int_equal(remind(f, at(3, 14)), 2);
	assert_int_equal(messages(f, "sắp đến hạn", "lanhdao@example.vn"), 1);
	assert_int_equal(messages(f, "sắp đến hạn", "chuyenvien@example.vn"), 1);
	assert_int_equal(messages(f, "sắp đến hạn", "tiepnhan@example.vn"), 0);
	assert_int_equal(messages(f, "sắp đến hạn", "xa@example.vn"), 0);
	assert_int_equal(remind(f, at(3, 14)), 0);
	assert_int_equal(remind(f, at(3, 17)), 0);
	/* The message names the task and links it on the portal. */
	{
		mc_message *list = NULL;
		size_t n = 0;
		char link[96];
		snprintf(link, sizeof link, "https://motcua.example.vn/nhiem-vu/%lld\n", (long long)t.id);
		assert_int_equal(mc_store_outbox_due(f->st, &list, &n, at(12, 31), 10), 0);
		assert_true(n > 0);
		assert_non_null(strstr(list[0].body, link));
		assert_non_null(strstr(list[0].body, "Rà soát thủ tục"));
		assert_non_null(strstr(list[0].body, "17/03/2017"));
		assert_string_equal(list[0].channel, "email");
		mc_message_free_list(list, n);
	}
	/* Saturday 18: overdue, the assigner's leader told too, once. */
	assert_int_equal(remind(f, at(3, 18)), 3);
	assert_int_equal(messages(f, "quá hạn", "lanhdao.tinh@example.vn"), 1);
	assert_int_equal(messages(f, "quá hạn", "chuyenvien.tinh@example.vn"), 0);
	assert_int_equal(remind(f, at(3, 20)), 0);

	/* An extension to Friday 31 March owes both again. */
	mc_task cur = {0};
	assert_int_equal(mc_store_task_get(f->st, &cur, t.id), 0);
	cur.due = mc_days_from_civil(2017, 3, 31);
	assert_int_equal(mc_store_task_update(f->st, &cur, cur.version), 0);
	assert_int_equal(remind(f, at(3, 21)), 0);
	assert_int_equal(remind(f, at(3, 28)), 2);
	assert_int_equal(messages(f, "sắp đến hạn", "lanhdao@example.vn"), 2);

	/* Closed: nothing more, overdue or not. */
	cur.state = MC_TASK_DONE;
	assert_int_equal(mc_store_task_update(f->st, &cur, cur.version + 1), 0);
	assert_int_equal(remind(f, at(4, 10)), 0);
	assert_int_equal(messages(f, "quá hạn", NULL), 3);
	mc_task_clear(&cur);
	mc_task_clear(&t);
}

/* A task found overdue without a due-soon reminder (a server that was off):
 * one overdue reminder, no due-soon one after. */
static void test_overdue_first(void **state)
{
	struct fixture *f = *state;
	mc_actor leader = {
	    .user_id = 1, .role = MC_ROLE_LEADER, .unit_id = f->province, .name = "Lãnh đạo tỉnh"};
	mc_task t = {0};
	mc_task_new in = {.directive = "Kết luận 12/TB-UBND",
			  .title = "Báo cáo tiến độ",
			  .unit_id = f->district,
			  .due_kind = MC_TASK_DUE_DATE,
			  .due = mc_days_from_civil(2017, 3, 8)};
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_task_create(f->st, f->tc, &leader, &in, at(3, 6), &t), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(remind(f, at(3, 10)), 3);
	assert_int_equal(messages(f, "sắp đến hạn", NULL), 0);
	assert_int_equal(remind(f, at(3, 13)), 0);
	/* One found more than a week after its deadline (a database of old
	 * tasks, a server off for long): none, the lists show it. */
	mc_task_clear(&t);
	in.due = mc_days_from_civil(2017, 3, 9);
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_task_create(f->st, f->tc, &leader, &in, at(3, 6), &t), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(remind(f, at(3, 17)), 0);
	assert_int_equal(remind(f, at(3, 16)), 3);
	/* Tasks without a deadline owe nothing. */
	in.due_kind = MC_TASK_DUE_NONE;
	in.due = 0;
	mc_task_clear(&t);
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_task_create(f->st, f->tc, &leader, &in, at(3, 6), &t), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_int_equal(remind(f, at(9, 1)), 0);
	mc_task_clear(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_remind_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overdue_first, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
