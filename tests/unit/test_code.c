/* Tests for src/core/code.c: dossier codes and unit codes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/code.h"
#include "core/mc.h"

static void test_format(void **state)
{
	(void)state;
	char buf[MC_CODE_MAX];
	int32_t day = mc_days_from_civil(2017, 3, 2);

	assert_int_equal(mc_code_format(buf, sizeof(buf), "000.00.15.H56", day, MC_CODE_DESK, 1), 0);
	assert_string_equal(buf, "000.00.15.H56-170302-0001");
	assert_int_equal(
	    mc_code_format(buf, sizeof(buf), "H56.15", mc_days_from_civil(2000, 1, 1), MC_CODE_DESK, 9999),
	    0);
	assert_string_equal(buf, "H56.15-000101-9999");
	assert_int_equal(
	    mc_code_format(buf, sizeof(buf), "x", mc_days_from_civil(2099, 12, 31), MC_CODE_DESK, 42), 0);
	assert_string_equal(buf, "x-991231-0042");

	/* The longest unit code still fits MC_CODE_MAX. */
	const char *longest = "ABCDEFGHIJKLMNOPQRSTU.23";
	assert_int_equal(strlen(longest), 24);
	assert_int_equal(mc_code_format(buf, sizeof(buf), longest, day, MC_CODE_DESK, 7), 0);
	assert_string_equal(buf, "ABCDEFGHIJKLMNOPQRSTU.23-170302-0007");
}

static void test_format_errors(void **state)
{
	(void)state;
	char buf[MC_CODE_MAX];
	int32_t day = mc_days_from_civil(2017, 3, 2);

	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, MC_CODE_DESK, 0), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, MC_CODE_DESK, 10000), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, MC_CODE_DESK, -1), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "", day, MC_CODE_DESK, 1), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H-56", day, MC_CODE_DESK, 1), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "ABCDEFGHIJKLMNOPQRSTU.234", day, MC_CODE_DESK, 1),
			 MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), NULL, day, MC_CODE_DESK, 1), MC_EINVAL);
	assert_int_equal(
	    mc_code_format(buf, sizeof(buf), "H56", mc_days_from_civil(1999, 12, 31), MC_CODE_DESK, 1),
	    MC_EINVAL);
	assert_int_equal(
	    mc_code_format(buf, sizeof(buf), "H56", mc_days_from_civil(2100, 1, 1), MC_CODE_DESK, 1),
	    MC_EINVAL);

	/* "H56-170302-0001" is 15 bytes and needs 16. */
	char small[16];
	assert_int_equal(mc_code_format(small, 15, "H56", day, MC_CODE_DESK, 1), MC_ETOOBIG);
	assert_string_equal(small, "");
	assert_int_equal(mc_code_format(small, 16, "H56", day, MC_CODE_DESK, 1), 0);
	assert_string_equal(small, "H56-170302-0001");
	assert_int_equal(mc_code_format(NULL, 0, "H56", day, MC_CODE_DESK, 1), MC_ETOOBIG);
}

static void test_parse(void **state)
{
	(void)state;
	mc_code_parts p;

	assert_int_equal(mc_code_parse(&p, "000.00.15.H56-170302-0001"), 0);
	assert_string_equal(p.unit_code, "000.00.15.H56");
	assert_int_equal(p.year, 2017);
	assert_int_equal(p.month, 3);
	assert_int_equal(p.day, 2);
	assert_int_equal(p.space, MC_CODE_DESK);
	assert_int_equal(p.seq, 1);

	assert_int_equal(mc_code_parse(&p, "H56.15-240229-9999"), 0);
	assert_string_equal(p.unit_code, "H56.15");
	assert_int_equal(p.year, 2024);
	assert_int_equal(p.month, 2);
	assert_int_equal(p.day, 29);
	assert_int_equal(p.seq, 9999);

	assert_int_equal(mc_code_parse(&p, "ABCDEFGHIJKLMNOPQRSTU.23-000101-0010"), 0);
	assert_string_equal(p.unit_code, "ABCDEFGHIJKLMNOPQRSTU.23");
	assert_int_equal(p.seq, 10);
}

static void test_round_trip(void **state)
{
	(void)state;
	char buf[MC_CODE_MAX];
	mc_code_parts p;
	/* Every day of the century, with a sequence that varies. */
	for (int32_t day = mc_days_from_civil(2000, 1, 1); day <= mc_days_from_civil(2099, 12, 31); day++) {
		int seq = 1 + (int)(day % 9999);
		int y, m, d;
		assert_int_equal(mc_code_format(buf, sizeof(buf), "000.00.15.H56", day, MC_CODE_DESK, seq),
				 0);
		assert_int_equal(mc_code_parse(&p, buf), 0);
		mc_civil_from_days(day, &y, &m, &d);
		assert_int_equal(p.year, y);
		assert_int_equal(p.month, m);
		assert_int_equal(p.day, d);
		assert_int_equal(p.seq, seq);
		assert_string_equal(p.unit_code, "000.00.15.H56");
	}
}

static void test_parse_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "-",
	    "--",
	    "H56",
	    "H56-170302",
	    "H56-170302-",
	    "-170302-0001",	/* no unit code */
	    "H56--170302-0001", /* extra dash */
	    "H56-170302--0001",
	    "H56-170302-0001-",
	    "H-56-170302-0001", /* dash inside the unit code */
	    "H56-170302-0001-0002",
	    "H56-170230-0001", /* 30 February */
	    "H56-170229-0001", /* 2017 is not a leap year */
	    "H56-170431-0001", /* 31 April */
	    "H56-171301-0001", /* month 13 */
	    "H56-170001-0001", /* month 0 */
	    "H56-170300-0001", /* day 0 */
	    "H56-170332-0001",
	    "H56-170302-0000",	/* sequences start at 1 */
	    "H56-170302-001",	/* three digits */
	    "H56-170302-00001", /* five digits */
	    "H56-17032-0001",	/* five-digit date */
	    "H56-1703021-0001",
	    "H56-17O302-0001", /* letter O for zero */
	    "H56-170302-00a1",
	    "H56-170302-+001",
	    "H56-170302- 001",
	    " H56-170302-0001",
	    "H56-170302-0001 ",
	    "H56-170302-0001\n",
	    "H 56-170302-0001",
	    "H_56-170302-0001",
	    "Hà-170302-0001",			     /* non-ASCII unit code */
	    "ABCDEFGHIJKLMNOPQRSTU.234-170302-0001", /* unit code of 25 */
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ-170302-0001",
	    "H56_170302_0001",
	    "H56-17-03-02-0001",
	};
	for (size_t i = 0; i < MC_ARRAY_LEN(bad); i++) {
		mc_code_parts p = {.seq = 77};
		if (mc_code_parse(&p, bad[i]) != MC_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(p.seq, 77);
	}
	mc_code_parts p;
	assert_int_equal(mc_code_parse(&p, NULL), MC_EINVAL);
}

/* Online submissions number in a space of their own, six digits and more:
 * a flood of them reaches far beyond the desk's 9,999 and never touches it. */
static void test_format_online(void **state)
{
	(void)state;
	char buf[MC_CODE_MAX];
	int32_t day = mc_days_from_civil(2025, 7, 1);

	assert_int_equal(mc_code_format(buf, sizeof(buf), "000.00.33.H56", day, MC_CODE_ONLINE, 1), 0);
	assert_string_equal(buf, "000.00.33.H56-250701-000001");
	assert_int_equal(mc_code_format(buf, sizeof(buf), "000.00.33.H56", day, MC_CODE_ONLINE, 9999), 0);
	assert_string_equal(buf, "000.00.33.H56-250701-009999");
	/* The online number after the desk's last one, and on past a million. */
	assert_int_equal(
	    mc_code_format(buf, sizeof(buf), "000.00.33.H56", day, MC_CODE_ONLINE, MC_CODE_DESK_MAX + 1), 0);
	assert_string_equal(buf, "000.00.33.H56-250701-010000");
	assert_int_equal(mc_code_format(buf, sizeof(buf), "000.00.33.H56", day, MC_CODE_ONLINE, 999999), 0);
	assert_string_equal(buf, "000.00.33.H56-250701-999999");
	assert_int_equal(mc_code_format(buf, sizeof(buf), "000.00.33.H56", day, MC_CODE_ONLINE, 1000000), 0);
	assert_string_equal(buf, "000.00.33.H56-250701-1000000");
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, MC_CODE_ONLINE, MC_CODE_ONLINE_MAX), 0);
	assert_string_equal(buf, "H56-250701-999999999");

	/* The longest code of all still fits MC_CODE_MAX. */
	const char *longest = "ABCDEFGHIJKLMNOPQRSTU.23";
	assert_int_equal(mc_code_format(buf, sizeof(buf), longest, day, MC_CODE_ONLINE, MC_CODE_ONLINE_MAX),
			 0);
	assert_string_equal(buf, "ABCDEFGHIJKLMNOPQRSTU.23-250701-999999999");
	assert_true(strlen(buf) < MC_CODE_MAX);

	/* Out of the spaces. */
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, MC_CODE_ONLINE, 0), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, MC_CODE_ONLINE, MC_CODE_ONLINE_MAX + 1),
			 MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, MC_CODE_DESK, MC_CODE_DESK_MAX + 1),
			 MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, (mc_code_space)2, 1), MC_EINVAL);
	assert_string_equal(buf, "");
}

static void test_parse_online(void **state)
{
	(void)state;
	mc_code_parts p;

	assert_int_equal(mc_code_parse(&p, "000.00.33.H56-250701-000001"), 0);
	assert_string_equal(p.unit_code, "000.00.33.H56");
	assert_int_equal(p.year, 2025);
	assert_int_equal(p.month, 7);
	assert_int_equal(p.day, 1);
	assert_int_equal(p.space, MC_CODE_ONLINE);
	assert_int_equal(p.seq, 1);

	assert_int_equal(mc_code_parse(&p, "H56-250701-010000"), 0);
	assert_int_equal(p.space, MC_CODE_ONLINE);
	assert_int_equal(p.seq, 10000);
	assert_int_equal(mc_code_parse(&p, "H56-250701-1000000"), 0);
	assert_int_equal(p.seq, 1000000);
	assert_int_equal(mc_code_parse(&p, "H56-250701-999999999"), 0);
	assert_int_equal(p.seq, MC_CODE_ONLINE_MAX);

	/* The same number in the two spaces names two dossiers. */
	assert_int_equal(mc_code_parse(&p, "H56-250701-0001"), 0);
	assert_int_equal(p.space, MC_CODE_DESK);
	assert_int_equal(p.seq, 1);

	static const char *const bad[] = {
	    "H56-250701-000000",			 /* online numbers start at 1 too */
	    "H56-250701-0000001",			 /* padded beyond six digits */
	    "H56-250701-0999999",			 /* idem */
	    "H56-250701-000000001",			 /* idem, nine digits */
	    "H56-250701-1000000000",			 /* ten digits: beyond the space */
	    "H56-250701-9999999999", "H56-250701-12345", /* five digits: neither space */
	    "H56-250701-12",	     "H56-250701-00000a", "H56-250701-+00001",
	    "H56-250701-000001-",    "H56-250701--00001", "H56-250230-000001", /* 30 February */
	};
	for (size_t i = 0; i < MC_ARRAY_LEN(bad); i++) {
		mc_code_parts q = {.seq = 77};
		if (mc_code_parse(&q, bad[i]) != MC_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(q.seq, 77);
	}
}

static void test_round_trip_online(void **state)
{
	(void)state;
	char buf[MC_CODE_MAX];
	mc_code_parts p;
	int32_t day = mc_days_from_civil(2025, 7, 1);
	/* Every width of the online space, and its edges. */
	static const int seqs[] = {1,
				   9,
				   10,
				   9999,
				   10000,
				   99999,
				   100000,
				   999999,
				   1000000,
				   1234567,
				   99999999,
				   100000000,
				   MC_CODE_ONLINE_MAX};
	for (size_t i = 0; i < MC_ARRAY_LEN(seqs); i++) {
		assert_int_equal(
		    mc_code_format(buf, sizeof(buf), "000.00.33.H56", day, MC_CODE_ONLINE, seqs[i]), 0);
		assert_int_equal(mc_code_parse(&p, buf), 0);
		assert_int_equal(p.space, MC_CODE_ONLINE);
		assert_int_equal(p.seq, seqs[i]);
		char again[MC_CODE_MAX];
		assert_int_equal(mc_code_format(again, sizeof(again), p.unit_code, day, p.space, p.seq), 0);
		assert_string_equal(again, buf);
	}
}

static void test_unit_code_valid(void **state)
{
	(void)state;
	assert_true(mc_unit_code_valid("000.00.15.H56"));
	assert_true(mc_unit_code_valid("H56.15"));
	assert_true(mc_unit_code_valid("a"));
	assert_true(mc_unit_code_valid("ABCDEFGHIJKLMNOPQRSTU.23"));
	assert_false(mc_unit_code_valid(""));
	assert_false(mc_unit_code_valid(NULL));
	assert_false(mc_unit_code_valid("ABCDEFGHIJKLMNOPQRSTU.234"));
	assert_false(mc_unit_code_valid("H56-15"));
	assert_false(mc_unit_code_valid("H56 15"));
	assert_false(mc_unit_code_valid("H56/15"));
	assert_false(mc_unit_code_valid("Hà"));
	assert_false(mc_unit_code_valid("H56\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_format_errors),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_parse_malformed),
	    cmocka_unit_test(test_unit_code_valid),
	    cmocka_unit_test(test_format_online),
	    cmocka_unit_test(test_parse_online),
	    cmocka_unit_test(test_round_trip_online),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
