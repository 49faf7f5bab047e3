/* Tests for src/report/reform.c: the numbers, percentages and periods in the
 * words of a Vietnamese administrative report. The report on the demo data is
 * tested end to end in tests/api/reform.test.mjs, its figures in test_demo.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mc.h"
#include "report/reform.h"

static void test_count(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(mc_reform_count(buf, sizeof buf, 0), "0");
	/* Counts below ten take a leading zero: "08 thủ tục", "07/21 đơn vị". */
	assert_string_equal(mc_reform_count(buf, sizeof buf, 8), "08");
	assert_string_equal(mc_reform_count(buf, sizeof buf, 39), "39");
	assert_string_equal(mc_reform_count(buf, sizeof buf, 635), "635");
	/* The thousands separator is a dot. */
	assert_string_equal(mc_reform_count(buf, sizeof buf, 1816), "1.816");
	assert_string_equal(mc_reform_count(buf, sizeof buf, 1234567), "1.234.567");
	assert_string_equal(mc_reform_count(buf, sizeof buf, 100000), "100.000");
}

static void test_percent(void **state)
{
	(void)state;
	char buf[16];
	assert_string_equal(mc_reform_percent(buf, sizeof buf, 29, 29), "100%");
	/* The decimal mark is a comma; a count short of the whole never reads 100%. */
	assert_string_equal(mc_reform_percent(buf, sizeof buf, 633, 635), "99,7%");
	assert_string_equal(mc_reform_percent(buf, sizeof buf, 20, 27), "74,1%");
	assert_string_equal(mc_reform_percent(buf, sizeof buf, 1999, 2000), "99,9%");
	assert_string_equal(mc_reform_percent(buf, sizeof buf, 19999, 20000), "99,9%");
	assert_string_equal(mc_reform_percent(buf, sizeof buf, 46, 50), "92%");
	assert_string_equal(mc_reform_percent(buf, sizeof buf, 0, 7), "0%");
	assert_string_equal(mc_reform_percent(buf, sizeof buf, 0, 0), "-");
}

static void test_period(void **state)
{
	(void)state;
	char buf[96];
#define D(y, m, d) mc_days_from_civil((y), (m), (d))
	assert_string_equal(mc_reform_period_words(buf, sizeof buf, D(2017, 1, 1), D(2017, 6, 30)),
			    "6 tháng đầu năm 2017");
	assert_string_equal(mc_reform_period_words(buf, sizeof buf, D(2017, 7, 1), D(2017, 12, 31)),
			    "6 tháng cuối năm 2017");
	assert_string_equal(mc_reform_period_words(buf, sizeof buf, D(2017, 1, 1), D(2017, 12, 31)),
			    "năm 2017");
	assert_string_equal(mc_reform_period_words(buf, sizeof buf, D(2017, 4, 1), D(2017, 6, 30)),
			    "quý II năm 2017");
	assert_string_equal(mc_reform_period_words(buf, sizeof buf, D(2016, 2, 1), D(2016, 2, 29)),
			    "tháng 2 năm 2016");
	assert_string_equal(mc_reform_period_words(buf, sizeof buf, D(2017, 1, 1), D(2017, 3, 15)),
			    "từ ngày 01/1/2017 đến ngày 15/3/2017");
	assert_string_equal(mc_reform_period_words(buf, sizeof buf, D(2016, 12, 1), D(2017, 1, 31)),
			    "từ ngày 01/12/2016 đến ngày 31/1/2017");
#undef D
}

/* A report of a unit with a few figures, made by hand (no store). */
static mc_reform sample(void)
{
	mc_reform r = {.unit = {.name = "UBND tỉnh Thanh Hóa"}, .first_day = 17167, .last_day = 17347};
	r.pubs.standardised = 12;
	r.in_force = 1816;
	r.dossiers.received = 635;
	r.dossiers.resolved = 633;
	r.dossiers.resolved_on_time = 633;
	return r;
}

/* Both writers write into the buffer they are given, within its limit: a
 * report that would pass it is refused (MC_ETOOBIG), not cut; with room it
 * comes whole. */
static void test_writers_limit(void **state)
{
	(void)state;
	mc_reform r = sample();
	mc_buf md, pdf;

	mc_buf_init(&md, MC_REFORM_MAX);
	assert_int_equal(mc_reform_markdown(&md, &r, 1499212800), 0);
	assert_non_null(strstr(md.data, "# BÁO CÁO"));
	assert_non_null(strstr(md.data, "THANH HÓA"));
	assert_non_null(strstr(md.data, "**CHỦ TỊCH**"));
	size_t whole = md.len;
	mc_buf_free(&md);
	mc_buf_init(&md, whole - 1);
	assert_int_equal(mc_reform_markdown(&md, &r, 1499212800), MC_ETOOBIG);
	mc_buf_free(&md);
	mc_buf_init(&md, whole);
	assert_int_equal(mc_reform_markdown(&md, &r, 1499212800), 0);
	assert_int_equal(md.len, whole);
	mc_buf_free(&md);

	mc_buf_init(&pdf, MC_REFORM_MAX);
	assert_int_equal(mc_reform_pdf(&pdf, &r, 1499212800), 0);
	assert_true(pdf.len > 1000);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	mc_buf_free(&pdf);
	mc_buf_init(&pdf, 4096);
	assert_int_equal(mc_reform_pdf(&pdf, &r, 1499212800), MC_ETOOBIG);
	mc_buf_free(&pdf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_percent),
	    cmocka_unit_test(test_period),
	    cmocka_unit_test(test_writers_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
