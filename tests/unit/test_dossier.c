/* Tests for src/core/dossier.c: names, the full state x action matrix and the
 * role x action matrix, written out here independently of the module's table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/mc.h"

#define NO 0   /* forbidden */
#define RES -1 /* returns to resume_to */

/* expected[state][action]: the target state, NO, or RES. Columns in action
 * order: receive refuse req_supp supplement assign transfer req_pay pay
 * resolve return withdraw stop. */
static const int expected[11][13] = {
    [MC_ST_SUBMITTED] = {0, 2, 3, 5, NO, NO, NO, NO, NO, NO, NO, 7, NO},
    [MC_ST_RECEIVED] = {0, NO, 3, 5, NO, 4, NO, NO, NO, NO, NO, 7, 8},
    [MC_ST_NOT_ACCEPTED] = {0, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [MC_ST_PROCESSING] = {0, NO, NO, 5, NO, 4, 4, 6, NO, 9, NO, 7, 8},
    [MC_ST_SUPPLEMENT_REQUESTED] = {0, NO, NO, NO, RES, NO, NO, NO, NO, NO, NO, 7, 8},
    [MC_ST_AWAITING_PAYMENT] = {0, NO, NO, NO, NO, NO, NO, NO, RES, NO, NO, 7, 8},
    [MC_ST_WITHDRAWN] = {0, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [MC_ST_STOPPED] = {0, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [MC_ST_RESOLVED] = {0, NO, NO, NO, NO, NO, NO, NO, NO, NO, 10, NO, NO},
    [MC_ST_RETURNED] = {0, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
};

/* may[role][action], same column order. */
static const int may[7][13] = {
    [MC_ROLE_CITIZEN] = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0},
    [MC_ROLE_DESK] = {0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0},
    [MC_ROLE_SPECIALIST] = {0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0},
    [MC_ROLE_LEADER] = {0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 1},
    [MC_ROLE_SUPERVISOR] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    [MC_ROLE_ADMIN] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};

static void test_state_names(void **state)
{
	(void)state;
	static const char *const names[] = {NULL,
					    "submitted",
					    "received",
					    "not_accepted",
					    "processing",
					    "supplement_requested",
					    "awaiting_payment",
					    "withdrawn",
					    "stopped",
					    "resolved",
					    "returned"};
	for (int s = 1; s <= 10; s++) {
		mc_state parsed = 0;
		assert_string_equal(mc_state_name((mc_state)s), names[s]);
		assert_int_equal(mc_state_parse(&parsed, names[s]), 0);
		assert_int_equal(parsed, s);
	}
	assert_null(mc_state_name(0));
	assert_null(mc_state_name(11));
	mc_state out = MC_ST_RECEIVED;
	assert_int_equal(mc_state_parse(&out, "Submitted"), MC_EINVAL);
	assert_int_equal(mc_state_parse(&out, ""), MC_EINVAL);
	assert_int_equal(mc_state_parse(&out, "submitted "), MC_EINVAL);
	assert_int_equal(mc_state_parse(&out, NULL), MC_EINVAL);
	assert_int_equal(out, MC_ST_RECEIVED);
	/* The values are the national portal's status codes. */
	assert_int_equal(MC_ST_SUBMITTED, 1);
	assert_int_equal(MC_ST_PROCESSING, 4);
	assert_int_equal(MC_ST_RETURNED, 10);
	/* Every state has its Vietnamese title for paperwork. */
	for (int s = 1; s <= 10; s++)
		assert_non_null(mc_state_title_vi((mc_state)s));
	assert_string_equal(mc_state_title_vi(MC_ST_PROCESSING), "Đang giải quyết");
	assert_string_equal(mc_state_title_vi(MC_ST_RETURNED), "Đã trả kết quả");
	assert_null(mc_state_title_vi(0));
	assert_null(mc_state_title_vi(11));
}

static void test_other_names(void **state)
{
	(void)state;
	static const char *const roles[] = {NULL,     "citizen",    "desk", "specialist",
					    "leader", "supervisor", "admin"};
	static const char *const actions[] = {NULL,	    "receive", "refuse",   "request_supplement",
					      "supplement", "assign",  "transfer", "request_payment",
					      "pay",	    "resolve", "return",   "withdraw",
					      "stop"};
	static const char *const channels[] = {NULL, "direct", "online", "postal"};

	for (int i = 1; i <= 6; i++) {
		mc_role r = 0;
		assert_string_equal(mc_role_name((mc_role)i), roles[i]);
		assert_int_equal(mc_role_parse(&r, roles[i]), 0);
		assert_int_equal(r, i);
	}
	for (int i = 1; i <= 12; i++) {
		mc_action a = 0;
		assert_string_equal(mc_action_name((mc_action)i), actions[i]);
		assert_int_equal(mc_action_parse(&a, actions[i]), 0);
		assert_int_equal(a, i);
	}
	for (int i = 1; i <= 3; i++) {
		mc_channel c = 0;
		assert_string_equal(mc_channel_name((mc_channel)i), channels[i]);
		assert_int_equal(mc_channel_parse(&c, channels[i]), 0);
		assert_int_equal(c, i);
	}
	mc_role r;
	mc_action a;
	mc_channel c;
	assert_null(mc_role_name(0));
	assert_null(mc_role_name(7));
	assert_null(mc_action_name(0));
	assert_null(mc_action_name(13));
	assert_null(mc_channel_name(0));
	assert_null(mc_channel_name(4));
	assert_int_equal(mc_role_parse(&r, "root"), MC_EINVAL);
	assert_int_equal(mc_action_parse(&a, "approve"), MC_EINVAL);
	assert_int_equal(mc_channel_parse(&c, "email"), MC_EINVAL);
	assert_int_equal(mc_channel_parse(&c, NULL), MC_EINVAL);
}

static void test_state_classes(void **state)
{
	(void)state;
	for (int s = 1; s <= 10; s++) {
		bool final = s == MC_ST_NOT_ACCEPTED || s == MC_ST_WITHDRAWN || s == MC_ST_STOPPED ||
			     s == MC_ST_RETURNED;
		bool paused = s == MC_ST_SUPPLEMENT_REQUESTED || s == MC_ST_AWAITING_PAYMENT;
		assert_int_equal(mc_state_is_final((mc_state)s), final);
		assert_int_equal(mc_state_clock_paused((mc_state)s), paused);
		/* A final state admits no action at all. */
		if (final) {
			for (int a = 1; a <= 12; a++)
				assert_int_equal(expected[s][a], NO);
		}
	}
}

/* The store's SQL names states through these macros: each must be its
 * state's value, and the final list exactly the final states. */
static void test_state_sql(void **state)
{
	(void)state;
	static const struct {
		const char *sql;
		mc_state s;
	} names[] = {
	    {MC_SQL_STATE(SUBMITTED), MC_ST_SUBMITTED},
	    {MC_SQL_STATE(RECEIVED), MC_ST_RECEIVED},
	    {MC_SQL_STATE(NOT_ACCEPTED), MC_ST_NOT_ACCEPTED},
	    {MC_SQL_STATE(PROCESSING), MC_ST_PROCESSING},
	    {MC_SQL_STATE(SUPPLEMENT_REQUESTED), MC_ST_SUPPLEMENT_REQUESTED},
	    {MC_SQL_STATE(AWAITING_PAYMENT), MC_ST_AWAITING_PAYMENT},
	    {MC_SQL_STATE(WITHDRAWN), MC_ST_WITHDRAWN},
	    {MC_SQL_STATE(STOPPED), MC_ST_STOPPED},
	    {MC_SQL_STATE(RESOLVED), MC_ST_RESOLVED},
	    {MC_SQL_STATE(RETURNED), MC_ST_RETURNED},
	};
	for (size_t i = 0; i < MC_ARRAY_LEN(names); i++)
		assert_int_equal(strtol(names[i].sql, NULL, 10), names[i].s);

	/* "(3, 7, 8, 10)": the numbers in the list, each once. */
	bool listed[11] = {false};
	const char *p = MC_SQL_STATES_FINAL;
	assert_int_equal(*p++, '(');
	for (;;) {
		char *end = NULL;
		long v = strtol(p, &end, 10);
		assert_true(end > p && v >= 1 && v <= 10 && !listed[v]);
		listed[v] = true;
		p = end;
		if (*p == ')')
			break;
		assert_int_equal(*p++, ',');
		assert_int_equal(*p++, ' ');
	}
	assert_int_equal(p[1], '\0');
	for (int s = 1; s <= 10; s++)
		assert_int_equal(listed[s], mc_state_is_final((mc_state)s));
}

static void test_initial_state(void **state)
{
	(void)state;
	assert_int_equal(mc_dossier_initial_state(MC_CH_ONLINE), MC_ST_SUBMITTED);
	assert_int_equal(mc_dossier_initial_state(MC_CH_DIRECT), MC_ST_RECEIVED);
	assert_int_equal(mc_dossier_initial_state(MC_CH_POSTAL), MC_ST_RECEIVED);
}

/* Every state x action pair, with each resume_to that could be passed. */
static void test_transition_matrix(void **state)
{
	(void)state;
	int allowed = 0, forbidden = 0;
	for (int s = 1; s <= 10; s++) {
		for (int a = 1; a <= 12; a++) {
			for (int resume = 1; resume <= 10; resume++) {
				mc_state out = 0;
				int rc =
				    mc_dossier_next_state(&out, (mc_state)s, (mc_action)a, (mc_state)resume);
				int want = expected[s][a];
				if (want == NO) {
					assert_int_equal(rc, MC_ECONFLICT);
					assert_int_equal(out, 0);
				} else if (want == RES) {
					bool ok = resume == MC_ST_RECEIVED || resume == MC_ST_PROCESSING ||
						  (a == MC_ACT_SUPPLEMENT && resume == MC_ST_SUBMITTED);
					if (ok) {
						assert_int_equal(rc, 0);
						assert_int_equal(out, resume);
					} else {
						assert_int_equal(rc, MC_EINVAL);
						assert_int_equal(out, 0);
					}
				} else {
					assert_int_equal(rc, 0);
					assert_int_equal(out, want);
				}
			}
			if (expected[s][a] == NO)
				forbidden++;
			else
				allowed++;
		}
	}
	/* 4 + 5 + 7 + 3 + 3 + 1 pairs (submitted, received, processing, the two
	 * pauses, resolved) are allowed. */
	assert_int_equal(allowed, 23);
	assert_int_equal(forbidden, 120 - 23);
}

static void test_transition_bad_values(void **state)
{
	(void)state;
	mc_state out = 0;
	assert_int_equal(mc_dossier_next_state(&out, 0, MC_ACT_RECEIVE, 0), MC_EINVAL);
	assert_int_equal(mc_dossier_next_state(&out, 11, MC_ACT_RECEIVE, 0), MC_EINVAL);
	assert_int_equal(mc_dossier_next_state(&out, MC_ST_SUBMITTED, 0, 0), MC_EINVAL);
	assert_int_equal(mc_dossier_next_state(&out, MC_ST_SUBMITTED, 13, 0), MC_EINVAL);
	assert_int_equal(mc_dossier_next_state(&out, MC_ST_SUPPLEMENT_REQUESTED, MC_ACT_SUPPLEMENT, 0),
			 MC_EINVAL);
	assert_int_equal(mc_dossier_next_state(&out, MC_ST_AWAITING_PAYMENT, MC_ACT_PAY, 42), MC_EINVAL);
	assert_int_equal(out, 0);
}

static void test_role_matrix(void **state)
{
	(void)state;
	for (int r = 1; r <= 6; r++) {
		for (int a = 1; a <= 12; a++)
			assert_int_equal(mc_dossier_role_may((mc_role)r, (mc_action)a), may[r][a]);
		assert_false(mc_dossier_role_may((mc_role)r, 0));
		assert_false(mc_dossier_role_may((mc_role)r, 13));
	}
	for (int a = 0; a <= 13; a++) {
		assert_false(mc_dossier_role_may(0, (mc_action)a));
		assert_false(mc_dossier_role_may(7, (mc_action)a));
	}
}

/* An online dossier through a supplement, a transfer and a payment to its return. */
static void test_life_of_a_dossier(void **state)
{
	(void)state;
	static const struct {
		mc_action action;
		mc_role role;
		mc_state resume_to;
		mc_state to;
	} steps[] = {
	    {MC_ACT_RECEIVE, MC_ROLE_DESK, 0, MC_ST_RECEIVED},
	    {MC_ACT_ASSIGN, MC_ROLE_DESK, 0, MC_ST_PROCESSING},
	    {MC_ACT_REQUEST_SUPPLEMENT, MC_ROLE_SPECIALIST, 0, MC_ST_SUPPLEMENT_REQUESTED},
	    {MC_ACT_SUPPLEMENT, MC_ROLE_CITIZEN, MC_ST_PROCESSING, MC_ST_PROCESSING},
	    {MC_ACT_TRANSFER, MC_ROLE_LEADER, 0, MC_ST_PROCESSING},
	    {MC_ACT_ASSIGN, MC_ROLE_LEADER, 0, MC_ST_PROCESSING},
	    {MC_ACT_REQUEST_PAYMENT, MC_ROLE_SPECIALIST, 0, MC_ST_AWAITING_PAYMENT},
	    {MC_ACT_PAY, MC_ROLE_DESK, MC_ST_PROCESSING, MC_ST_PROCESSING},
	    {MC_ACT_RESOLVE, MC_ROLE_LEADER, 0, MC_ST_RESOLVED},
	    {MC_ACT_RETURN, MC_ROLE_DESK, 0, MC_ST_RETURNED},
	};
	mc_state cur = mc_dossier_initial_state(MC_CH_ONLINE);
	for (size_t i = 0; i < MC_ARRAY_LEN(steps); i++) {
		mc_state next = 0;
		assert_true(mc_dossier_role_may(steps[i].role, steps[i].action));
		assert_int_equal(mc_dossier_next_state(&next, cur, steps[i].action, steps[i].resume_to), 0);
		assert_int_equal(next, steps[i].to);
		cur = next;
	}
	assert_true(mc_state_is_final(cur));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state_names),		  cmocka_unit_test(test_other_names),
	    cmocka_unit_test(test_state_classes),	  cmocka_unit_test(test_state_sql),
	    cmocka_unit_test(test_initial_state),	  cmocka_unit_test(test_transition_matrix),
	    cmocka_unit_test(test_transition_bad_values), cmocka_unit_test(test_role_matrix),
	    cmocka_unit_test(test_life_of_a_dossier),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
