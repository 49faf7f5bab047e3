/*
 * test_task_rollup.c - the task figures read from the roll-up
 * (store_task.c mc_store_task_rollup_groups, core/task_rollup.h) equal the
 * figures of the live grouped statement (mc_store_task_groups) after random
 * writes through the store: tasks given by a province and by a district to
 * units below them, with cooperating units, in every state and kind of
 * deadline (recurring ones of every period, the period awaited anywhere),
 * then moved between states, units in charge, deadlines and days of
 * completion at random.
 *
 * Compared in total, by unit in charge and by assigning leader, for the
 * province (the root), a district, a commune that only cooperates on some
 * tasks and a department, over whole years, months, odd spans, single days
 * and no bounds, as of days (injected) inside the months that the open
 * tasks are due in, between them, and today. Then the table is emptied (the
 * figures must differ: the comparison can fail) and built again from the
 * tasks (what `motcua stats rebuild` and the first start after migration 036
 * do) and must agree again.
 *
 *   MC_TEST_STORE unset: a SQLite file in a temporary folder;
 *   MC_TEST_STORE=pg: a new database on the PostgreSQL server of
 *   MC_TEST_PG_URL, dropped afterwards (skipped, exit 77, without it)
 *   (rollup_fixture.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/task.h"
#include "core/mc.h"
#include "core/task_rollup.h"
#include "store/db.h"
#include "store/store.h"
#include "rollup_fixture.h"

#define TASKS 400
#define CHANGES 900

static struct {
	mc_store *st;
	mc_time_ctx *tc;
	int64_t province, district, commune1, commune2, department;
	int64_t leaders[3];
	int64_t *tasks;
	size_t n_tasks;
} fx;

static int64_t add_unit(int64_t parent, const char *code, const char *level)
{
	mc_unit u = {.parent_id = parent,
		     .code = (char *)code,
		     .name = (char *)code,
		     .level = (char *)level,
		     .province_code = "H56"};
	if (mc_store_unit_create(fx.st, &u) != 0)
		return 0;
	return u.id;
}

static int64_t add_leader(const char *username, int64_t unit)
{
	mc_user u = {.username = (char *)username,
		     .full_name = "Lãnh đạo",
		     .role = MC_ROLE_LEADER,
		     .unit_id = unit,
		     .active = true};
	if (mc_store_user_create(fx.st, &u, "$argon2id$not-a-real-hash") != 0)
		return 0;
	return u.id;
}

static int32_t day(int y, int m, int d)
{
	return mc_days_from_civil(y, m, d);
}

/* A state, a kind of deadline and the days that go with them, at random. */
static void randomise(mc_task *t)
{
	static const int states[] = {1, 2, 3, 4, 4, 4, 5, 6, 7, 8};
	t->state = states[mc_rollup_pick(10)];
	t->due_kind = mc_rollup_pick(6) == 0 ? 0 : mc_rollup_pick(4) == 0 ? 2 : 1;
	t->period =
	    t->due_kind == 2 ? (int)mc_rollup_pick(6) : 0; /* 0: a recurring task judged without a deadline */
	t->original_due = t->due_kind == 1 ? t->assigned_day + (int32_t)mc_rollup_pick(120) : 0;
	t->due =
	    t->original_due + (t->due_kind == 1 && mc_rollup_pick(4) == 0 ? (int32_t)mc_rollup_pick(60) : 0);
	t->next_report_period = t->due_kind == 2 ? day(2016, 12, 1) + (int32_t)mc_rollup_pick(420) : 0;
	t->done_day = t->state == 4 ? t->assigned_day + (int32_t)mc_rollup_pick(200) : 0;
}

/* A unit strictly below the giver. */
static int64_t below(int64_t giver)
{
	if (giver == fx.district)
		return mc_rollup_pick(2) ? fx.commune1 : fx.commune2;
	const int64_t all[] = {fx.district, fx.commune1, fx.commune2, fx.department};
	return all[mc_rollup_pick(4)];
}

static int group_setup(void **state)
{
	(void)state;
	if (mc_rollup_fixture_open(&fx.st, "test_task_rollup") != 0)
		return -1;
	fx.province = add_unit(0, "000.00.00.H56", "province");
	fx.district = add_unit(fx.province, "000.00.33.H56", "district");
	fx.commune1 = add_unit(fx.district, "000.01.33.H56", "commune");
	fx.commune2 = add_unit(fx.district, "000.02.33.H56", "commune");
	fx.department = add_unit(fx.province, "000.00.01.H56", "department");
	fx.leaders[0] = add_leader("chutich", fx.province);
	fx.leaders[1] = add_leader("phochutich", fx.province);
	fx.leaders[2] = add_leader("lanhdao.huyen", fx.district);
	if (!fx.department || !fx.leaders[2] || mc_time_ctx_load(&fx.tc, fx.st) != 0)
		return -1;

	/* The tasks, written as the app writes them: in transactions. */
	fx.tasks = calloc(TASKS, sizeof *fx.tasks);
	if (mc_store_begin(fx.st) != 0)
		return -1;
	for (int i = 0; i < TASKS; i++) {
		mc_task t = {.title = "Nhiệm vụ", .directive = "Chỉ thị", .created_at = 1, .updated_at = 1};
		t.assigner_unit_id = mc_rollup_pick(3) ? fx.province : fx.district;
		t.assigned_by = t.assigner_unit_id == fx.district ? (mc_rollup_pick(2) ? fx.leaders[2] : 0)
								  : fx.leaders[mc_rollup_pick(2)];
		t.unit_id = below(t.assigner_unit_id);
		t.assigned_day = day(2016, 11, 15) + (int32_t)mc_rollup_pick(460);
		randomise(&t);
		if (mc_store_task_add(fx.st, &t) != 0)
			return -1;
		fx.tasks[fx.n_tasks++] = t.id;
		/* A cooperating unit, sometimes one the unit in charge is not. */
		int64_t coop = below(t.assigner_unit_id);
		if (mc_rollup_pick(3) == 0 && coop != t.unit_id &&
		    mc_store_task_unit_add(fx.st, t.id, coop) != 0)
			return -1;
	}
	/* Then moved at random: states, units in charge, deadlines, completions. */
	for (int i = 0; i < CHANGES; i++) {
		mc_task t = {0};
		if (mc_store_task_get(fx.st, &t, fx.tasks[mc_rollup_pick((int64_t)fx.n_tasks)]) != 0)
			return -1;
		int how = (int)mc_rollup_pick(4);
		if (how == 0)
			randomise(&t);
		else if (how == 1)
			t.unit_id = below(t.assigner_unit_id);
		else if (how == 2)
			t.state = (int)(1 + mc_rollup_pick(8));
		else if (t.due_kind == 1)
			t.due += (int32_t)mc_rollup_pick(40);
		if (t.state == 4 && t.done_day == 0)
			t.done_day = t.assigned_day + (int32_t)mc_rollup_pick(150);
		int rc = mc_store_task_update(fx.st, &t, t.version);
		mc_task_clear(&t);
		if (rc != 0)
			return -1;
	}
	return mc_store_commit(fx.st) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	free(fx.tasks);
	mc_time_ctx_free(fx.tc);
	return mc_rollup_fixture_close(fx.st);
}

/* The figures of a set of groups: [0] the total, then by key. */
#define KEYS 64
typedef struct {
	mc_task_figures all;
	mc_task_figures unit[KEYS];
	mc_task_figures leader[KEYS];
} figures;

static void judge(figures *f, const mc_task_group *g, size_t n, int32_t today)
{
	const mc_workcal *wc = mc_time_ctx_calendar(fx.tc);
	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < n; i++) {
		mc_task_timing t = mc_app_task_group_timing(wc, &g[i], today);
		assert_true(g[i].unit_id >= 0 && g[i].unit_id < KEYS);
		assert_true(g[i].assigned_by >= 0 && g[i].assigned_by < KEYS);
		if (g[i].feeds & MC_TASK_FEEDS_UNIT) {
			mc_app_task_figures_add(&f->all, t, (mc_task_state)g[i].state, g[i].n);
			mc_app_task_figures_add(&f->unit[g[i].unit_id], t, (mc_task_state)g[i].state, g[i].n);
		}
		if (g[i].feeds & MC_TASK_FEEDS_LEADER)
			mc_app_task_figures_add(&f->leader[g[i].assigned_by], t, (mc_task_state)g[i].state,
						g[i].n);
	}
}

static void assert_figures_equal(const mc_task_figures *a, const mc_task_figures *b)
{
	assert_int_equal(a->assigned, b->assigned);
	assert_int_equal(a->done_on_time, b->done_on_time);
	assert_int_equal(a->done_extended, b->done_extended);
	assert_int_equal(a->done_late, b->done_late);
	assert_int_equal(a->in_progress_in_time, b->in_progress_in_time);
	assert_int_equal(a->in_progress_overdue, b->in_progress_overdue);
	assert_int_equal(a->waiting_confirmation, b->waiting_confirmation);
	assert_int_equal(a->suspended, b->suspended);
	assert_int_equal(a->no_deadline, b->no_deadline);
}

/* Both ways for one question; returns the tasks counted, and in *overdue
 * the open ones overdue (so that the caller knows what was compared). */
static int64_t compare(int64_t unit, int32_t from, int32_t to, int32_t today, int64_t *overdue)
{
	mc_task_query q = {.scope_unit_id = unit};
	mc_task_group *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	static figures fa, fb;

	assert_true(mc_store_task_rollup_answers(&q));
	assert_int_equal(mc_store_task_rollup_groups(fx.st, &a, &na, &q, from, to, today), 0);
	assert_int_equal(mc_store_task_groups(fx.st, &b, &nb, &q, from, to, today), 0);
	for (size_t i = 1; i < na; i++)
		assert_true(a[i - 1].unit_id <= a[i].unit_id);
	judge(&fa, a, na, today);
	judge(&fb, b, nb, today);
	assert_figures_equal(&fa.all, &fb.all);
	for (int k = 0; k < KEYS; k++) {
		assert_figures_equal(&fa.unit[k], &fb.unit[k]);
		assert_figures_equal(&fa.leader[k], &fb.leader[k]);
	}
	free(a);
	free(b);
	if (overdue)
		*overdue += fb.all.in_progress_overdue;
	return fb.all.assigned;
}

static int64_t compare_many(int64_t *overdue)
{
	const int64_t units[] = {fx.province, fx.district, fx.commune1, fx.department};
	const int32_t spans[][2] = {
	    {0, 0},
	    {day(2017, 1, 1), day(2017, 12, 31)},
	    {day(2016, 1, 1), day(2018, 12, 31)},
	    {day(2017, 3, 1), day(2017, 3, 31)},
	    {day(2017, 3, 5), day(2017, 11, 20)},
	    {day(2016, 12, 15), day(2018, 1, 10)},
	    {day(2017, 6, 14), day(2017, 6, 14)},
	    {day(2017, 2, 1), 0},
	    {0, day(2017, 8, 31)},
	};
	const int32_t todays[] = {day(2017, 6, 14),	 day(2017, 7, 1), day(2017, 7, 31),
				  day(2017, 12, 31),	 day(2018, 1, 1), day(2018, 3, 20),
				  mc_local_day(mc_now())};
	int64_t seen = 0;

	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
		for (size_t s = 0; s < sizeof spans / sizeof spans[0]; s++)
			for (size_t t = 0; t < sizeof todays / sizeof todays[0]; t++)
				seen += compare(units[u], spans[s][0], spans[s][1], todays[t], overdue);
	/* Random spans of days and days of the question. */
	for (int i = 0; i < 60; i++) {
		int32_t from = day(2016, 11, 1) + (int32_t)mc_rollup_pick(500);
		seen += compare(units[mc_rollup_pick(4)], from, from + (int32_t)mc_rollup_pick(400),
				day(2017, 1, 1) + (int32_t)mc_rollup_pick(420), overdue);
	}
	return seen;
}

static void test_rollup_equals_live_figures(void **state)
{
	(void)state;
	int64_t overdue = 0;
	assert_true(compare_many(&overdue) > 0);
	assert_true(overdue > 0);
}

/* The commune in charge of nothing but cooperating: its tasks come from
 * above (the district gives them), none from the cells. */
static void test_tasks_from_above_are_counted(void **state)
{
	(void)state;
	int64_t n = compare(fx.commune1, 0, 0, day(2017, 7, 1), NULL);
	assert_true(n > 0);
}

/* Emptied, the cells give other figures (the comparison above can fail);
 * built again from the tasks, the same as the live count. */
static void test_rebuilt_table_gives_the_same_figures(void **state)
{
	(void)state;
	mc_task_query q = {.scope_unit_id = fx.province};
	mc_task_group *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	int64_t n = 0;
	static figures fa, fb;

	assert_int_equal(mc_store_begin(fx.st), 0);
	assert_int_equal(mc_db_sql(fx.st, "DELETE FROM task_rollup", "empty"), 0);
	assert_int_equal(mc_store_commit(fx.st), 0);
	assert_int_equal(mc_store_task_rollup_groups(fx.st, &a, &na, &q, 0, 0, day(2017, 7, 1)), 0);
	assert_int_equal(mc_store_task_groups(fx.st, &b, &nb, &q, 0, 0, day(2017, 7, 1)), 0);
	judge(&fa, a, na, day(2017, 7, 1));
	judge(&fb, b, nb, day(2017, 7, 1));
	assert_true(fa.all.assigned < fb.all.assigned);
	free(a);
	free(b);

	/* `motcua stats rebuild`: the dossiers' roll-up and the tasks'. */
	assert_int_equal(mc_store_stats_rebuild(fx.st, &n), 0);
	int64_t overdue = 0;
	assert_true(compare_many(&overdue) > 0);
}

int main(void)
{
	if (mc_rollup_fixture_backend("test_task_rollup") != 0)
		return 77;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rollup_equals_live_figures),
	    cmocka_unit_test(test_tasks_from_above_are_counted),
	    cmocka_unit_test(test_rebuilt_table_gives_the_same_figures),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
