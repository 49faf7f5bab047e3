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

	assert_int_equal(mc_code_format(buf, sizeof(buf), "000.00.15.H56", day, 1), 0);
	assert_string_equal(buf, "000.00.15.H56-170302-0001");
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56.15", mc_days_from_civil(2000, 1, 1), 9999), 0);
	assert_string_equal(buf, "H56.15-000101-9999");
	assert_int_equal(mc_code_format(buf, sizeof(buf), "x", mc_days_from_civil(2099, 12, 31), 42), 0);
	assert_string_equal(buf, "x-991231-0042");

	/* The longest unit code still fits MC_CODE_MAX. */
	const char *longest = "ABCDEFGHIJKLMNOPQRSTU.23";
	assert_int_equal(strlen(longest), 24);
	assert_int_equal(mc_code_format(buf, sizeof(buf), longest, day, 7), 0);
	assert_string_equal(buf, "ABCDEFGHIJKLMNOPQRSTU.23-170302-0007");
}

static void test_format_errors(void **state)
{
	(void)state;
	char buf[MC_CODE_MAX];
	int32_t day = mc_days_from_civil(2017, 3, 2);

	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, 0), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, 10000), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", day, -1), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "", day, 1), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H-56", day, 1), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "ABCDEFGHIJKLMNOPQRSTU.234", day, 1), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), NULL, day, 1), MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", mc_days_from_civil(1999, 12, 31), 1),
			 MC_EINVAL);
	assert_int_equal(mc_code_format(buf, sizeof(buf), "H56", mc_days_from_civil(2100, 1, 1), 1),
			 MC_EINVAL);

	/* "H56-170302-0001" is 15 bytes and needs 16. */
	char small[16];
	assert_int_equal(mc_code_format(small, 15, "H56", day, 1), MC_ETOOBIG);
	assert_string_equal(small, "");
	assert_int_equal(mc_code_format(small, 16, "H56", day, 1), 0);
	assert_string_equal(small, "H56-170302-0001");
	assert_int_equal(mc_code_format(NULL, 0, "H56", day, 1), MC_ETOOBIG);
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
		assert_int_equal(mc_code_format(buf, sizeof(buf), "000.00.15.H56", day, seq), 0);
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
	    cmocka_unit_test(test_format),	    cmocka_unit_test(test_format_errors),
	    cmocka_unit_test(test_parse),	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_parse_malformed), cmocka_unit_test(test_unit_code_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
