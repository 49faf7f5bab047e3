/*
 * test_task.c - the rules of tasks (core/task.h): their states and who takes
 * each step, deadlines in working days, recurring periods, the judging
 * against the original deadline and the extension, children's deadlines and
 * progress. Days are fixed (an injected "today"), never the clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/mc.h"
#include "core/task.h"

static mc_workcal *wc;

static int setup(void **state)
{
	(void)state;
	wc = mc_workcal_new();
	return wc ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	mc_workcal_free(wc);
	return 0;
}

#define DAY(y, m, d) mc_days_from_civil(y, m, d)

static void test_names(void **state)
{
	(void)state;
	mc_task_state s;
	mc_task_action a;
	for (int i = 1; i <= MC_TASK_STATE_MAX; i++) {
		assert_int_equal(mc_task_state_parse(&s, mc_task_state_name(i)), 0);
		assert_int_equal(s, i);
	}
	for (int i = 1; i <= MC_TASK_ACT_MAX; i++) {
		assert_int_equal(mc_task_action_parse(&a, mc_task_action_name(i)), 0);
		assert_int_equal(a, i);
	}
	assert_null(mc_task_state_name(0));
	assert_null(mc_task_state_name(9));
	assert_int_equal(mc_task_state_parse(&s, "finished"), MC_EINVAL);
	assert_int_equal(mc_task_state_parse(&s, NULL), MC_EINVAL);
	assert_int_equal(mc_task_action_parse(&a, "approve"), MC_EINVAL);
	mc_task_period p;
	mc_task_due_kind k;
	assert_int_equal(mc_task_period_parse(&p, "quarter"), 0);
	assert_int_equal(p, MC_TASK_PERIOD_QUARTER);
	assert_int_equal(mc_task_period_parse(&p, "day"), MC_EINVAL);
	assert_int_equal(mc_task_due_kind_parse(&k, "recurring"), 0);
	assert_int_equal(k, MC_TASK_DUE_RECURRING);
	assert_int_equal(mc_task_due_kind_parse(&k, "none"), 0);
	assert_int_equal(k, MC_TASK_DUE_NONE);
	assert_int_equal(mc_task_due_kind_parse(&k, "soon"), MC_EINVAL);
}

static void expect_next(mc_task_state from, mc_task_action a, mc_task_state to)
{
	mc_task_state out = 0;
	assert_int_equal(mc_task_next_state(&out, from, a), 0);
	assert_int_equal(out, to);
}

static void expect_refused(mc_task_state from, mc_task_action a)
{
	mc_task_state out = 0;
	assert_int_equal(mc_task_next_state(&out, from, a), MC_ECONFLICT);
	assert_int_equal(out, 0);
}

static void test_transitions(void **state)
{
	(void)state;
	/* The main line: assigned, started, proposed, sent back, proposed, confirmed. */
	expect_next(MC_TASK_ASSIGNED, MC_TASK_ACT_START, MC_TASK_IN_PROGRESS);
	expect_refused(MC_TASK_IN_PROGRESS, MC_TASK_ACT_START);
	expect_next(MC_TASK_IN_PROGRESS, MC_TASK_ACT_PROPOSE_DONE, MC_TASK_PROPOSED_DONE);
	expect_next(MC_TASK_PROPOSED_DONE, MC_TASK_ACT_SEND_BACK, MC_TASK_SENT_BACK);
	expect_next(MC_TASK_SENT_BACK, MC_TASK_ACT_PROPOSE_DONE, MC_TASK_PROPOSED_DONE);
	expect_next(MC_TASK_PROPOSED_DONE, MC_TASK_ACT_CONFIRM, MC_TASK_DONE);
	/* Confirm or send back only what was proposed: two confirmations cannot both pass. */
	expect_refused(MC_TASK_DONE, MC_TASK_ACT_CONFIRM);
	expect_refused(MC_TASK_IN_PROGRESS, MC_TASK_ACT_CONFIRM);
	expect_refused(MC_TASK_IN_PROGRESS, MC_TASK_ACT_SEND_BACK);
	expect_refused(MC_TASK_PROPOSED_DONE, MC_TASK_ACT_PROPOSE_DONE);
	/* A report starts a task not started, keeps any open state, and is refused when closed. */
	expect_next(MC_TASK_ASSIGNED, MC_TASK_ACT_REPORT, MC_TASK_IN_PROGRESS);
	expect_next(MC_TASK_SENT_BACK, MC_TASK_ACT_REPORT, MC_TASK_SENT_BACK);
	expect_next(MC_TASK_EXTENSION_REQUESTED, MC_TASK_ACT_REPORT, MC_TASK_EXTENSION_REQUESTED);
	expect_refused(MC_TASK_DONE, MC_TASK_ACT_REPORT);
	expect_refused(MC_TASK_CANCELLED, MC_TASK_ACT_REPORT);
	expect_refused(MC_TASK_SUSPENDED, MC_TASK_ACT_REPORT);
	expect_refused(MC_TASK_PROPOSED_DONE, MC_TASK_ACT_REPORT);
	/* Extensions: one request at a time, answered by a grant or a refusal. */
	expect_next(MC_TASK_IN_PROGRESS, MC_TASK_ACT_REQUEST_EXTENSION, MC_TASK_EXTENSION_REQUESTED);
	expect_next(MC_TASK_ASSIGNED, MC_TASK_ACT_REQUEST_EXTENSION, MC_TASK_EXTENSION_REQUESTED);
	expect_refused(MC_TASK_EXTENSION_REQUESTED, MC_TASK_ACT_REQUEST_EXTENSION);
	expect_next(MC_TASK_EXTENSION_REQUESTED, MC_TASK_ACT_GRANT_EXTENSION, MC_TASK_IN_PROGRESS);
	expect_next(MC_TASK_EXTENSION_REQUESTED, MC_TASK_ACT_REFUSE_EXTENSION, MC_TASK_IN_PROGRESS);
	expect_refused(MC_TASK_IN_PROGRESS, MC_TASK_ACT_GRANT_EXTENSION);
	expect_refused(MC_TASK_DONE, MC_TASK_ACT_REQUEST_EXTENSION);
	/* Suspension and cancellation by the assigner. */
	expect_next(MC_TASK_IN_PROGRESS, MC_TASK_ACT_SUSPEND, MC_TASK_SUSPENDED);
	expect_next(MC_TASK_PROPOSED_DONE, MC_TASK_ACT_SUSPEND, MC_TASK_SUSPENDED);
	expect_refused(MC_TASK_SUSPENDED, MC_TASK_ACT_SUSPEND);
	expect_next(MC_TASK_SUSPENDED, MC_TASK_ACT_RESUME, MC_TASK_IN_PROGRESS);
	expect_refused(MC_TASK_IN_PROGRESS, MC_TASK_ACT_RESUME);
	expect_next(MC_TASK_SUSPENDED, MC_TASK_ACT_CANCEL, MC_TASK_CANCELLED);
	expect_next(MC_TASK_ASSIGNED, MC_TASK_ACT_CANCEL, MC_TASK_CANCELLED);
	expect_refused(MC_TASK_DONE, MC_TASK_ACT_CANCEL);
	expect_refused(MC_TASK_CANCELLED, MC_TASK_ACT_CANCEL);
	expect_refused(MC_TASK_CANCELLED, MC_TASK_ACT_RESUME);
	/* Delegation keeps the parent open and starts it. */
	expect_next(MC_TASK_ASSIGNED, MC_TASK_ACT_DELEGATE, MC_TASK_IN_PROGRESS);
	expect_next(MC_TASK_IN_PROGRESS, MC_TASK_ACT_DELEGATE, MC_TASK_IN_PROGRESS);
	expect_refused(MC_TASK_SUSPENDED, MC_TASK_ACT_DELEGATE);
	mc_task_state out;
	assert_int_equal(mc_task_next_state(&out, 0, MC_TASK_ACT_START), MC_EINVAL);
	assert_int_equal(mc_task_next_state(&out, MC_TASK_ASSIGNED, 99), MC_EINVAL);
	assert_true(mc_task_state_closed(MC_TASK_DONE));
	assert_true(mc_task_state_closed(MC_TASK_CANCELLED));
	assert_false(mc_task_state_closed(MC_TASK_SUSPENDED));
	assert_false(mc_task_state_open(MC_TASK_PROPOSED_DONE));
}

static void test_parties_and_roles(void **state)
{
	(void)state;
	assert_true(mc_task_party_may(MC_TASK_PARTY_ASSIGNER, MC_TASK_ACT_CONFIRM));
	assert_false(mc_task_party_may(MC_TASK_PARTY_IN_CHARGE, MC_TASK_ACT_CONFIRM));
	assert_false(mc_task_party_may(MC_TASK_PARTY_COOPERATING, MC_TASK_ACT_CONFIRM));
	assert_true(mc_task_party_may(MC_TASK_PARTY_IN_CHARGE, MC_TASK_ACT_PROPOSE_DONE));
	assert_false(mc_task_party_may(MC_TASK_PARTY_ASSIGNER, MC_TASK_ACT_PROPOSE_DONE));
	assert_true(mc_task_party_may(MC_TASK_PARTY_COOPERATING, MC_TASK_ACT_REPORT));
	assert_false(mc_task_party_may(MC_TASK_PARTY_COOPERATING, MC_TASK_ACT_REQUEST_EXTENSION));
	assert_false(mc_task_party_may(MC_TASK_PARTY_COOPERATING, MC_TASK_ACT_DELEGATE));
	assert_true(mc_task_party_may(MC_TASK_PARTY_ASSIGNER, MC_TASK_ACT_GRANT_EXTENSION));
	assert_false(mc_task_party_may(MC_TASK_PARTY_IN_CHARGE, MC_TASK_ACT_GRANT_EXTENSION));
	assert_false(mc_task_party_may(MC_TASK_PARTY_IN_CHARGE, MC_TASK_ACT_CANCEL));
	assert_false(mc_task_party_may(MC_TASK_PARTY_ASSIGNER, 0));
	/* Leaders decide and delegate; specialists do the unit's work; others nothing. */
	for (int a = 1; a <= MC_TASK_ACT_MAX; a++) {
		assert_true(mc_task_role_may(MC_ROLE_LEADER, a));
		assert_false(mc_task_role_may(MC_ROLE_CITIZEN, a));
		assert_false(mc_task_role_may(MC_ROLE_DESK, a));
		assert_false(mc_task_role_may(MC_ROLE_SUPERVISOR, a));
		assert_false(mc_task_role_may(MC_ROLE_ADMIN, a));
	}
	assert_true(mc_task_role_may(MC_ROLE_SPECIALIST, MC_TASK_ACT_REPORT));
	assert_true(mc_task_role_may(MC_ROLE_SPECIALIST, MC_TASK_ACT_PROPOSE_DONE));
	assert_false(mc_task_role_may(MC_ROLE_SPECIALIST, MC_TASK_ACT_CONFIRM));
	assert_false(mc_task_role_may(MC_ROLE_SPECIALIST, MC_TASK_ACT_DELEGATE));
	assert_false(mc_task_role_may(MC_ROLE_SPECIALIST, MC_TASK_ACT_GRANT_EXTENSION));
}

static void test_working_days(void **state)
{
	(void)state;
	/* Friday 3 March 2017 + 3 working days = Wednesday 8 March. */
	assert_int_equal(mc_task_add_working_days(wc, DAY(2017, 3, 3), 3), DAY(2017, 3, 8));
	assert_int_equal(mc_task_add_working_days(wc, DAY(2017, 3, 3), 0), DAY(2017, 3, 3));
	assert_int_equal(mc_task_add_working_days(wc, DAY(2017, 3, 3), -5), DAY(2017, 3, 3));
	/* Tết 2017 by the rule: 27 to 31 January, and 1 and 2 February in lieu
	 * of its Saturday and Sunday: Thursday 26 January + 1 working day is
	 * Friday 3 February. */
	assert_int_equal(mc_task_add_working_days(wc, DAY(2017, 1, 26), 1), DAY(2017, 2, 3));
	/* Quốc khánh 2017 falls on a Saturday: Monday 4 September is off in lieu. */
	assert_int_equal(mc_task_add_working_days(wc, DAY(2017, 9, 1), 1), DAY(2017, 9, 5));
	/* A make-up Saturday of an official schedule counts. */
	mc_workcal *own = mc_workcal_new();
	mc_day_entry make_up = {.day = DAY(2017, 3, 4), .kind = MC_DAY_WORKDAY, .name = "Làm bù"};
	assert_int_equal(mc_workcal_set_year(own, 2017, &make_up, 1), 0);
	assert_int_equal(mc_task_add_working_days(own, DAY(2017, 3, 3), 1), DAY(2017, 3, 4));
	mc_workcal_free(own);
}

static void test_due_check(void **state)
{
	(void)state;
	bool off = true;
	int32_t assigned = DAY(2017, 3, 6);
	assert_int_equal(mc_task_due_check(wc, MC_TASK_DUE_DATE, DAY(2017, 3, 10), 0, assigned, &off), 0);
	assert_false(off);
	/* The day of the assignment itself may be the deadline; the day before may not. */
	assert_int_equal(mc_task_due_check(wc, MC_TASK_DUE_DATE, assigned, 0, assigned, &off), 0);
	assert_int_equal(mc_task_due_check(wc, MC_TASK_DUE_DATE, assigned - 1, 0, assigned, &off), MC_EINVAL);
	/* A Saturday stands, reported as a day off; so does Giỗ Tổ (6 April 2017). */
	assert_int_equal(mc_task_due_check(wc, MC_TASK_DUE_DATE, DAY(2017, 3, 11), 0, assigned, &off), 0);
	assert_true(off);
	assert_int_equal(mc_task_due_check(wc, MC_TASK_DUE_DATE, DAY(2017, 4, 6), 0, assigned, &off), 0);
	assert_true(off);
	/* A period only with a recurring task, and one is required there. */
	assert_int_equal(
	    mc_task_due_check(wc, MC_TASK_DUE_DATE, DAY(2017, 3, 10), MC_TASK_PERIOD_MONTH, assigned, &off),
	    MC_EINVAL);
	assert_int_equal(
	    mc_task_due_check(wc, MC_TASK_DUE_RECURRING, 0, MC_TASK_PERIOD_MONTH, assigned, &off), 0);
	assert_int_equal(mc_task_due_check(wc, MC_TASK_DUE_RECURRING, 0, MC_TASK_PERIOD_NONE, assigned, &off),
			 MC_EINVAL);
	assert_int_equal(mc_task_due_check(wc, MC_TASK_DUE_NONE, 0, MC_TASK_PERIOD_NONE, assigned, &off), 0);
	assert_int_equal(mc_task_due_check(wc, MC_TASK_DUE_NONE, 0, MC_TASK_PERIOD_WEEK, assigned, &off),
			 MC_EINVAL);
	assert_int_equal(mc_task_due_check(wc, 7, 0, 0, assigned, &off), MC_EINVAL);
}

static void test_periods(void **state)
{
	(void)state;
	int32_t s, e;
	/* Wednesday 8 March 2017: its week runs Monday 6 to Sunday 12. */
	assert_int_equal(mc_task_period_bounds(&s, &e, MC_TASK_PERIOD_WEEK, DAY(2017, 3, 8)), 0);
	assert_int_equal(s, DAY(2017, 3, 6));
	assert_int_equal(e, DAY(2017, 3, 13));
	assert_int_equal(mc_task_period_bounds(&s, &e, MC_TASK_PERIOD_WEEK, DAY(2017, 3, 12)), 0);
	assert_int_equal(s, DAY(2017, 3, 6));
	assert_int_equal(mc_task_period_bounds(&s, &e, MC_TASK_PERIOD_MONTH, DAY(2017, 2, 14)), 0);
	assert_int_equal(s, DAY(2017, 2, 1));
	assert_int_equal(e, DAY(2017, 3, 1));
	assert_int_equal(mc_task_period_bounds(&s, &e, MC_TASK_PERIOD_QUARTER, DAY(2017, 11, 30)), 0);
	assert_int_equal(s, DAY(2017, 10, 1));
	assert_int_equal(e, DAY(2018, 1, 1));
	assert_int_equal(mc_task_period_bounds(&s, &e, MC_TASK_PERIOD_HALF_YEAR, DAY(2017, 7, 1)), 0);
	assert_int_equal(s, DAY(2017, 7, 1));
	assert_int_equal(e, DAY(2018, 1, 1));
	assert_int_equal(mc_task_period_bounds(&s, &e, MC_TASK_PERIOD_YEAR, DAY(2017, 6, 1)), 0);
	assert_int_equal(s, DAY(2017, 1, 1));
	assert_int_equal(e, DAY(2018, 1, 1));
	assert_int_equal(mc_task_period_bounds(&s, &e, MC_TASK_PERIOD_NONE, DAY(2017, 6, 1)), MC_EINVAL);
	/* A period's report is due on its last working day: September 2017 ends
	 * on a Saturday, so Friday 29; the year 2017 on Friday 29 December. */
	assert_int_equal(mc_task_period_report_due(wc, DAY(2017, 9, 1), DAY(2017, 10, 1)), DAY(2017, 9, 29));
	assert_int_equal(mc_task_period_report_due(wc, DAY(2017, 1, 1), DAY(2018, 1, 1)), DAY(2017, 12, 29));
	/* A week of days off only (none here) falls back to its last day. */
	assert_int_equal(mc_task_period_report_due(wc, DAY(2017, 3, 11), DAY(2017, 3, 13)), DAY(2017, 3, 12));
}

static void test_child_due(void **state)
{
	(void)state;
	int32_t p = DAY(2017, 6, 30);
	assert_int_equal(mc_task_child_due_check(MC_TASK_DUE_DATE, p, 0, MC_TASK_DUE_DATE, p, 0), 0);
	assert_int_equal(mc_task_child_due_check(MC_TASK_DUE_DATE, p, 0, MC_TASK_DUE_DATE, p - 10, 0), 0);
	/* Never after the parent, nor without a day under a parent that has one. */
	assert_int_equal(mc_task_child_due_check(MC_TASK_DUE_DATE, p, 0, MC_TASK_DUE_DATE, p + 1, 0),
			 MC_EINVAL);
	assert_int_equal(mc_task_child_due_check(MC_TASK_DUE_DATE, p, 0, MC_TASK_DUE_NONE, 0, 0), MC_EINVAL);
	assert_int_equal(
	    mc_task_child_due_check(MC_TASK_DUE_DATE, p, 0, MC_TASK_DUE_RECURRING, 0, MC_TASK_PERIOD_MONTH),
	    MC_EINVAL);
	/* A parent extended to p + 20: the caller passes its effective deadline. */
	assert_int_equal(mc_task_child_due_check(MC_TASK_DUE_DATE, p + 20, 0, MC_TASK_DUE_DATE, p + 1, 0), 0);
	/* Recurring parents: children as often or more, or by a day. */
	assert_int_equal(mc_task_child_due_check(MC_TASK_DUE_RECURRING, 0, MC_TASK_PERIOD_QUARTER,
						 MC_TASK_DUE_RECURRING, 0, MC_TASK_PERIOD_MONTH),
			 0);
	assert_int_equal(mc_task_child_due_check(MC_TASK_DUE_RECURRING, 0, MC_TASK_PERIOD_MONTH,
						 MC_TASK_DUE_RECURRING, 0, MC_TASK_PERIOD_YEAR),
			 MC_EINVAL);
	assert_int_equal(
	    mc_task_child_due_check(MC_TASK_DUE_RECURRING, 0, MC_TASK_PERIOD_MONTH, MC_TASK_DUE_DATE, p, 0),
	    0);
	assert_int_equal(
	    mc_task_child_due_check(MC_TASK_DUE_RECURRING, 0, MC_TASK_PERIOD_MONTH, MC_TASK_DUE_NONE, 0, 0),
	    MC_EINVAL);
	assert_int_equal(mc_task_child_due_check(MC_TASK_DUE_NONE, 0, 0, MC_TASK_DUE_NONE, 0, 0), 0);
	assert_int_equal(mc_task_child_due_check(MC_TASK_DUE_NONE, 0, 0, MC_TASK_DUE_DATE, p + 400, 0), 0);
}

static void test_timing_open(void **state)
{
	(void)state;
	/* Due Friday 17 March 2017. */
	mc_task_facts f = {.state = MC_TASK_IN_PROGRESS,
			   .due_kind = MC_TASK_DUE_DATE,
			   .original_due = DAY(2017, 3, 17),
			   .due = DAY(2017, 3, 17)};
	/* Friday 10: five working days left; Monday 13: four; Tuesday 14: three. */
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 3, 10)), MC_TASK_TIMING_IN_TIME);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 3, 13)), MC_TASK_TIMING_IN_TIME);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 3, 14)), MC_TASK_TIMING_DUE_SOON);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 3, 17)), MC_TASK_TIMING_DUE_SOON);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 3, 18)), MC_TASK_TIMING_OVERDUE);
	/* Working days, not calendar days: Friday 10 with a due on Wednesday 15 is due soon. */
	f.due = f.original_due = DAY(2017, 3, 15);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 3, 10)), MC_TASK_TIMING_DUE_SOON);
	/* An extension granted moves the overdue day: judged on the effective deadline while open. */
	f.due = DAY(2017, 3, 31);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 3, 20)), MC_TASK_TIMING_IN_TIME);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 4, 3)), MC_TASK_TIMING_OVERDUE);
	/* Every open state is judged; waiting for confirmation too. */
	f.state = MC_TASK_SENT_BACK;
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 4, 3)), MC_TASK_TIMING_OVERDUE);
	f.state = MC_TASK_PROPOSED_DONE;
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 4, 3)), MC_TASK_TIMING_OVERDUE);
	/* Suspended and cancelled tasks are not judged. */
	f.state = MC_TASK_SUSPENDED;
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 4, 3)), MC_TASK_TIMING_NO_DEADLINE);
	f.state = MC_TASK_CANCELLED;
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 4, 3)), MC_TASK_TIMING_NO_DEADLINE);
	/* Without a deadline. */
	mc_task_facts none = {.state = MC_TASK_ASSIGNED, .due_kind = MC_TASK_DUE_NONE};
	assert_int_equal(mc_task_timing_of(wc, &none, DAY(2030, 1, 1)), MC_TASK_TIMING_NO_DEADLINE);
}

static void test_timing_done(void **state)
{
	(void)state;
	/* Original deadline Friday 17 March, extended to Friday 31 March. */
	mc_task_facts f = {.state = MC_TASK_DONE,
			   .due_kind = MC_TASK_DUE_DATE,
			   .original_due = DAY(2017, 3, 17),
			   .due = DAY(2017, 3, 31)};
	f.done_day = DAY(2017, 3, 17);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 6, 1)), MC_TASK_TIMING_DONE_ON_TIME);
	f.done_day = DAY(2017, 3, 20);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 6, 1)), MC_TASK_TIMING_DONE_EXTENDED);
	f.done_day = DAY(2017, 3, 31);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 6, 1)), MC_TASK_TIMING_DONE_EXTENDED);
	f.done_day = DAY(2017, 4, 1);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 6, 1)), MC_TASK_TIMING_DONE_LATE);
	/* Without an extension, after the original day is late. */
	f.due = f.original_due;
	f.done_day = DAY(2017, 3, 18);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 6, 1)), MC_TASK_TIMING_DONE_LATE);
	/* Done without a deadline is done on time. */
	mc_task_facts none = {.state = MC_TASK_DONE, .due_kind = MC_TASK_DUE_NONE, .done_day = 1};
	assert_int_equal(mc_task_timing_of(wc, &none, 2), MC_TASK_TIMING_DONE_ON_TIME);
}

static void test_timing_recurring(void **state)
{
	(void)state;
	/* Monthly, assigned in March 2017, nothing reported yet: March's report is due Friday 31. */
	mc_task_facts f = {.state = MC_TASK_IN_PROGRESS,
			   .due_kind = MC_TASK_DUE_RECURRING,
			   .period = MC_TASK_PERIOD_MONTH,
			   .next_report_period = DAY(2017, 3, 1)};
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 3, 10)), MC_TASK_TIMING_IN_TIME);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 3, 28)), MC_TASK_TIMING_DUE_SOON);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 4, 1)), MC_TASK_TIMING_OVERDUE);
	/* March reported: April's is next, due Friday 28 April (29 April to 1 May off). */
	f.next_report_period = DAY(2017, 4, 1);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 4, 3)), MC_TASK_TIMING_IN_TIME);
	assert_int_equal(mc_task_timing_of(wc, &f, DAY(2017, 4, 29)), MC_TASK_TIMING_OVERDUE);
	assert_int_equal(
	    mc_task_recurring_timing(wc, MC_TASK_PERIOD_MONTH, DAY(2017, 4, 1), DAY(2017, 4, 28)),
	    MC_TASK_TIMING_DUE_SOON);
	assert_int_equal(mc_task_recurring_timing(wc, MC_TASK_PERIOD_NONE, DAY(2017, 4, 1), DAY(2017, 4, 28)),
			 MC_TASK_TIMING_NO_DEADLINE);
}

static void test_titles(void **state)
{
	(void)state;
	char t[96];
	mc_task_title(t, sizeof t, MC_TASK_ASSIGNED, MC_TASK_TIMING_IN_TIME);
	assert_string_equal(t, "Chưa thực hiện");
	mc_task_title(t, sizeof t, MC_TASK_IN_PROGRESS, MC_TASK_TIMING_DUE_SOON);
	assert_string_equal(t, "Đang thực hiện - sắp đến hạn");
	mc_task_title(t, sizeof t, MC_TASK_EXTENSION_REQUESTED, MC_TASK_TIMING_OVERDUE);
	assert_string_equal(t, "Đang thực hiện - quá hạn");
	mc_task_title(t, sizeof t, MC_TASK_SENT_BACK, MC_TASK_TIMING_IN_TIME);
	assert_string_equal(t, "Đang thực hiện - trong hạn");
	mc_task_title(t, sizeof t, MC_TASK_IN_PROGRESS, MC_TASK_TIMING_NO_DEADLINE);
	assert_string_equal(t, "Đang thực hiện - không có hạn");
	mc_task_title(t, sizeof t, MC_TASK_PROPOSED_DONE, MC_TASK_TIMING_OVERDUE);
	assert_string_equal(t, "Chờ xác nhận hoàn thành");
	mc_task_title(t, sizeof t, MC_TASK_DONE, MC_TASK_TIMING_DONE_ON_TIME);
	assert_string_equal(t, "Đã hoàn thành - đúng hạn");
	mc_task_title(t, sizeof t, MC_TASK_DONE, MC_TASK_TIMING_DONE_LATE);
	assert_string_equal(t, "Đã hoàn thành - quá hạn");
	mc_task_title(t, sizeof t, MC_TASK_SUSPENDED, MC_TASK_TIMING_NO_DEADLINE);
	assert_string_equal(t, "Tạm dừng");
	mc_task_title(t, sizeof t, MC_TASK_CANCELLED, MC_TASK_TIMING_NO_DEADLINE);
	assert_string_equal(t, "Đã hủy");
	assert_string_equal(mc_task_timing_name(MC_TASK_TIMING_DONE_EXTENDED), "done_extended");
	assert_null(mc_task_timing_name(0));
}

static void test_progress(void **state)
{
	(void)state;
	mc_task_child c[] = {
	    {MC_TASK_IN_PROGRESS, 50},
	    {MC_TASK_DONE, 10}, /* done counts 100 whatever was last reported */
	    {MC_TASK_CANCELLED, 0},
	    {MC_TASK_ASSIGNED, 0},
	};
	assert_int_equal(mc_task_progress(5, c, 4), 50); /* (50 + 100 + 0) / 3 */
	assert_int_equal(mc_task_progress(40, NULL, 0), 40);
	assert_int_equal(mc_task_progress(40, &c[2], 1), 40); /* only cancelled: its own */
	mc_task_child wild[] = {{MC_TASK_IN_PROGRESS, 250}, {MC_TASK_IN_PROGRESS, -3}};
	assert_int_equal(mc_task_progress(0, wild, 2), 50);
	assert_int_equal(mc_task_progress(300, NULL, 0), 100);
	mc_task_child thirds[] = {
	    {MC_TASK_IN_PROGRESS, 33}, {MC_TASK_IN_PROGRESS, 34}, {MC_TASK_IN_PROGRESS, 34}};
	assert_int_equal(mc_task_progress(0, thirds, 3), 33);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_transitions),
	    cmocka_unit_test(test_parties_and_roles),
	    cmocka_unit_test(test_working_days),
	    cmocka_unit_test(test_due_check),
	    cmocka_unit_test(test_periods),
	    cmocka_unit_test(test_child_due),
	    cmocka_unit_test(test_timing_open),
	    cmocka_unit_test(test_timing_done),
	    cmocka_unit_test(test_timing_recurring),
	    cmocka_unit_test(test_titles),
	    cmocka_unit_test(test_progress),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
