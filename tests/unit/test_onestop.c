/*
 * test_onestop.c - the one-stop rules of 2022 and 2025 (src/core/onestop.c):
 * where a desk may receive, by the day of the act, and which online service
 * is in force on a day.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/mc.h"
#include "core/onestop.h"

static void test_days(void **state)
{
	(void)state;
	assert_int_equal(MC_ONESTOP_2025_DAY, mc_days_from_civil(2025, 7, 1));
	assert_int_equal(MC_ONLINE_CLASS_DAY, mc_days_from_civil(2022, 8, 1));
}

static void test_receive(void **state)
{
	(void)state;
	int32_t before = MC_ONESTOP_2025_DAY - 1, on = MC_ONESTOP_2025_DAY;
	/* The desk's own units: always, marked or not, whatever the day. */
	assert_int_equal(mc_onestop_receive(true, false, true, before), MC_RECV_OWN);
	assert_int_equal(mc_onestop_receive(true, false, true, on), MC_RECV_OWN);
	/* Another unit of the province: only a marked procedure, from 1 July 2025. */
	assert_int_equal(mc_onestop_receive(false, true, true, before), MC_RECV_BEFORE_2025);
	assert_int_equal(mc_onestop_receive(false, true, true, on), MC_RECV_ANYWHERE);
	assert_int_equal(mc_onestop_receive(false, false, true, on), MC_RECV_NOT_MARKED);
	assert_int_equal(mc_onestop_receive(false, false, true, before), MC_RECV_BEFORE_2025);
	/* Another province: never. */
	assert_int_equal(mc_onestop_receive(false, true, false, on), MC_RECV_OTHER_PROVINCE);
	assert_int_equal(mc_onestop_receive(false, true, false, before), MC_RECV_OTHER_PROVINCE);
}

static void test_online_class(void **state)
{
	(void)state;
	int32_t since = MC_ONLINE_CLASS_DAY + 10;
	assert_int_equal(mc_online_class_parse("full"), MC_ONLINE_FULL);
	assert_int_equal(mc_online_class_parse("partial"), MC_ONLINE_PARTIAL);
	assert_int_equal(mc_online_class_parse(""), MC_ONLINE_NONE);
	assert_int_equal(mc_online_class_parse(NULL), MC_ONLINE_NONE);
	assert_int_equal(mc_online_class_parse("4"), -1);
	assert_int_equal(mc_online_class_parse("Full"), -1);
	assert_string_equal(mc_online_class_name(MC_ONLINE_FULL), "full");
	assert_string_equal(mc_online_class_name(MC_ONLINE_PARTIAL), "partial");
	assert_string_equal(mc_online_class_name(MC_ONLINE_LEVEL), "");
	/* No class given: the level, whatever the day. */
	assert_int_equal(mc_online_in_force("full", 0, since + 100), MC_ONLINE_LEVEL);
	/* Before its day the level, from it the class. */
	assert_int_equal(mc_online_in_force("partial", since, since - 1), MC_ONLINE_LEVEL);
	assert_int_equal(mc_online_in_force("partial", since, since), MC_ONLINE_PARTIAL);
	assert_int_equal(mc_online_in_force("", since, since), MC_ONLINE_NONE);
	/* Filing online: level 3 and 4 before, full and partial after. */
	assert_false(mc_online_filing_allowed(2, "full", since, since - 1));
	assert_true(mc_online_filing_allowed(3, "", since, since - 1));
	assert_true(mc_online_filing_allowed(2, "full", since, since));
	assert_true(mc_online_filing_allowed(2, "partial", since, since));
	assert_false(mc_online_filing_allowed(4, "", since, since));
	assert_true(mc_online_filing_allowed(4, NULL, 0, since));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_days),
	    cmocka_unit_test(test_receive),
	    cmocka_unit_test(test_online_class),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
