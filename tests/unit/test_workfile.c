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
	assert_null(mc_wf_state_name((mc_wf_state)5));
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
	    cmocka_unit_test(test_steps),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
