/*
 * test_workfile.c - the rules of work files that need no data
 * (core/workfile.h): the steps of a file and who takes them.
 */
#include "core/err.h"
#include "core/workfile.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* listed → open → closed → archived, and nothing else: no step back, none skipped. */
static void test_steps(void **state)
{
	(void)state;
	mc_wf_state to = 0;
	assert_int_equal(mc_wf_next(MC_WF_LISTED, MC_WF_ACT_OPEN, &to), 0);
	assert_int_equal(to, MC_WF_OPEN);
	assert_int_equal(mc_wf_next(MC_WF_OPEN, MC_WF_ACT_CLOSE, &to), 0);
	assert_int_equal(to, MC_WF_CLOSED);
	assert_int_equal(mc_wf_next(MC_WF_CLOSED, MC_WF_ACT_ARCHIVE, &to), 0);
	assert_int_equal(to, MC_WF_ARCHIVED);
	for (int s = MC_WF_LISTED; s <= MC_WF_ARCHIVED; s++) {
		for (int a = MC_WF_ACT_OPEN; a <= MC_WF_ACT_ARCHIVE; a++) {
			if (a == s)
				continue; /* the allowed step of each state, above */
			to = 0;
			assert_int_equal(mc_wf_next((mc_wf_state)s, (mc_wf_action)a, &to), MC_ECONFLICT);
			assert_int_equal(to, 0);
		}
	}
	assert_int_equal(mc_wf_next(MC_WF_LISTED, (mc_wf_action)0, &to), MC_ECONFLICT);
	assert_int_equal(mc_wf_next(MC_WF_LISTED, (mc_wf_action)9, &to), MC_ECONFLICT);
}

/* archived → proposed → disposed, or back to archived when kept; a disposed
 * file is final, and nothing before the archive is proposed. */
static void test_disposal_steps(void **state)
{
	(void)state;
	mc_wf_state to = 0;
	assert_int_equal(mc_wf_next(MC_WF_ARCHIVED, MC_WF_ACT_PROPOSE, &to), 0);
	assert_int_equal(to, MC_WF_PROPOSED);
	assert_int_equal(mc_wf_next(MC_WF_PROPOSED, MC_WF_ACT_KEEP, &to), 0);
	assert_int_equal(to, MC_WF_ARCHIVED);
	assert_int_equal(mc_wf_next(MC_WF_PROPOSED, MC_WF_ACT_DISPOSE, &to), 0);
	assert_int_equal(to, MC_WF_DISPOSED);
	for (int a = MC_WF_ACT_OPEN; a <= MC_WF_ACT_DISPOSE; a++)
		assert_int_equal(mc_wf_next(MC_WF_DISPOSED, (mc_wf_action)a, &to), MC_ECONFLICT);
	for (int s = MC_WF_LISTED; s <= MC_WF_CLOSED; s++) {
		assert_int_equal(mc_wf_next((mc_wf_state)s, MC_WF_ACT_PROPOSE, &to), MC_ECONFLICT);
		assert_int_equal(mc_wf_next((mc_wf_state)s, MC_WF_ACT_DISPOSE, &to), MC_ECONFLICT);
	}
	/* Disposed only from the list: never straight from the archive. */
	assert_int_equal(mc_wf_next(MC_WF_ARCHIVED, MC_WF_ACT_DISPOSE, &to), MC_ECONFLICT);
	assert_int_equal(mc_wf_next(MC_WF_PROPOSED, MC_WF_ACT_PROPOSE, &to), MC_ECONFLICT);
	/* The clerk proposes, only the head decides. */
	assert_true(mc_wf_role_may(MC_ROLE_DESK, MC_WF_ACT_PROPOSE));
	assert_true(mc_wf_role_may(MC_ROLE_DESK, MC_WF_ACT_KEEP));
	assert_false(mc_wf_role_may(MC_ROLE_DESK, MC_WF_ACT_DISPOSE));
	assert_true(mc_wf_role_may(MC_ROLE_LEADER, MC_WF_ACT_DISPOSE));
	assert_false(mc_wf_role_may(MC_ROLE_SPECIALIST, MC_WF_ACT_PROPOSE));
	assert_false(mc_wf_role_may(MC_ROLE_SPECIALIST, MC_WF_ACT_DISPOSE));
	assert_false(mc_wf_role_may(MC_ROLE_CITIZEN, MC_WF_ACT_DISPOSE));
	assert_false(mc_wf_role_may(MC_ROLE_ADMIN, MC_WF_ACT_DISPOSE));
}

/* 00:00 on y-m-d in Vietnam (UTC+7), as Unix time. */
static int64_t vn(int y, int m, int d)
{
	return (int64_t)mc_days_from_civil(y, m, d) * MC_DAY_SECONDS - MC_TZ_OFFSET;
}

/* The years run from the year after the work ended: closed in 2020, five
 * years are 2021..2025, and the file may go from 1 January 2026 (UTC+7). */
static void test_retention_end(void **state)
{
	(void)state;
	int64_t closed = vn(2020, 6, 15) + 10 * 3600;
	assert_int_equal(mc_wf_retention_end(5, closed), vn(2026, 1, 1));
	/* Any day of the year gives the same end, the first and the last. */
	assert_int_equal(mc_wf_retention_end(5, vn(2020, 1, 1)), vn(2026, 1, 1));
	assert_int_equal(mc_wf_retention_end(5, vn(2021, 1, 1) - 1), vn(2026, 1, 1));
	/* 23:30 on 31 December 2020 in UTC is 06:30 on 1 January 2021 in
	 * Vietnam: the work ended in 2021. */
	assert_int_equal(mc_wf_retention_end(5, vn(2021, 1, 1) + 3600), vn(2027, 1, 1));
	assert_int_equal(mc_wf_retention_end(1, closed), vn(2022, 1, 1));
	assert_int_equal(mc_wf_retention_end(99, closed), vn(2120, 1, 1));
	assert_false(mc_wf_expired(5, closed, vn(2026, 1, 1) - 1));
	assert_true(mc_wf_expired(5, closed, vn(2026, 1, 1)));
	assert_true(mc_wf_expired(5, closed, vn(2040, 3, 3)));
	/* Vĩnh viễn never ends; an open file has not started. */
	assert_int_equal(mc_wf_retention_end(MC_WF_PERMANENT, closed), 0);
	assert_false(mc_wf_expired(MC_WF_PERMANENT, closed, vn(2999, 12, 31)));
	assert_int_equal(mc_wf_retention_end(5, 0), 0);
	assert_false(mc_wf_expired(5, 0, vn(2999, 12, 31)));
}

static void test_roles(void **state)
{
	(void)state;
	assert_true(mc_wf_role_may_list(MC_ROLE_DESK));
	assert_true(mc_wf_role_may_list(MC_ROLE_LEADER));
	assert_false(mc_wf_role_may_list(MC_ROLE_SPECIALIST));
	assert_false(mc_wf_role_may_list(MC_ROLE_CITIZEN));
	assert_false(mc_wf_role_may_list(MC_ROLE_SUPERVISOR));
	assert_false(mc_wf_role_may_list(MC_ROLE_ADMIN));
	assert_true(mc_wf_role_may(MC_ROLE_SPECIALIST, MC_WF_ACT_OPEN));
	assert_true(mc_wf_role_may(MC_ROLE_SPECIALIST, MC_WF_ACT_CLOSE));
	assert_false(mc_wf_role_may(MC_ROLE_SPECIALIST, MC_WF_ACT_ARCHIVE));
	assert_true(mc_wf_role_may(MC_ROLE_DESK, MC_WF_ACT_ARCHIVE));
	assert_true(mc_wf_role_may(MC_ROLE_LEADER, MC_WF_ACT_ARCHIVE));
	for (int a = MC_WF_ACT_OPEN; a <= MC_WF_ACT_ARCHIVE; a++) {
		assert_false(mc_wf_role_may(MC_ROLE_CITIZEN, (mc_wf_action)a));
		assert_false(mc_wf_role_may(MC_ROLE_SUPERVISOR, (mc_wf_action)a));
		assert_false(mc_wf_role_may(MC_ROLE_ADMIN, (mc_wf_action)a));
	}
}

static void test_names(void **state)
{
	(void)state;
	mc_wf_action a = 0;
	char buf[32];
	assert_string_equal(mc_wf_state_name(MC_WF_ARCHIVED), "archived");
	assert_string_equal(mc_wf_state_title(MC_WF_OPEN), "Đang lập");
	assert_null(mc_wf_state_name((mc_wf_state)0));
	assert_string_equal(mc_wf_state_name(MC_WF_PROPOSED), "proposed");
	assert_string_equal(mc_wf_state_title(MC_WF_DISPOSED), "Đã hủy");
	assert_null(mc_wf_state_name((mc_wf_state)7));
	assert_int_equal(mc_wf_action_parse(&a, "propose_disposal"), 0);
	assert_int_equal(a, MC_WF_ACT_PROPOSE);
	assert_int_equal(mc_wf_action_parse(&a, "dispose"), 0);
	assert_int_equal(a, MC_WF_ACT_DISPOSE);
	assert_int_equal(mc_wf_action_parse(&a, "close"), 0);
	assert_int_equal(a, MC_WF_ACT_CLOSE);
	assert_int_equal(mc_wf_action_parse(&a, "Close"), MC_EINVAL);
	assert_int_equal(mc_wf_action_parse(&a, ""), MC_EINVAL);
	assert_int_equal(mc_wf_action_parse(&a, NULL), MC_EINVAL);
	mc_wf_retention_title(buf, sizeof buf, MC_WF_PERMANENT);
	assert_string_equal(buf, "Vĩnh viễn");
	mc_wf_retention_title(buf, sizeof buf, 70);
	assert_string_equal(buf, "70 năm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_steps),	  cmocka_unit_test(test_disposal_steps),
	    cmocka_unit_test(test_retention_end), cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
