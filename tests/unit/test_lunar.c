/*
 * test_lunar.c - the Vietnamese lunar calendar (src/core/lunar.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "core/lunar.h"
#include "core/mc.h"

struct ymd {
	int y, m, d;
};

/* Solar date of lunar d/m/year (leap flag), asserting that it exists. */
static struct ymd lunar_to_ymd(int year, int month, int day, bool leap)
{
	mc_lunar_date l = {.day = day, .month = month, .year = year, .leap = leap};
	int32_t days = 0;
	struct ymd r;
	assert_int_equal(mc_lunar_to_solar(&days, &l), 0);
	mc_civil_from_days(days, &r.y, &r.m, &r.d);
	return r;
}

static void assert_ymd(struct ymd got, int y, int m, int d)
{
	char want[16], have[16];
	snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
	snprintf(have, sizeof(have), "%04d-%02d-%02d", got.y, got.m, got.d);
	assert_string_equal(have, want);
}

/* Tết (1/1 lunar) of the Vietnamese calendar (UTC+7). Where China's date
 * (UTC+8) differs, it is in the comment. */
static void test_tet_dates(void **state)
{
	static const struct ymd tet[] = {
	    {1900, 1, 31},
	    {1901, 2, 19},
	    {1902, 2, 8},
	    {1910, 2, 10},
	    {1912, 2, 18},
	    {1920, 2, 20},
	    {1924, 2, 5},
	    {1930, 1, 30},
	    {1940, 2, 8},
	    {1945, 2, 13},
	    {1950, 2, 17},
	    {1954, 2, 3},
	    {1960, 1, 28},
	    {1966, 1, 21},
	    {1967, 2, 9},
	    /* 1968: the North's calendar had just moved to UTC+7 (Tết Mậu Thân
	     * on 29 January); China and the South kept UTC+8: 30 January. */
	    {1968, 1, 29},
	    {1970, 2, 6},
	    {1972, 2, 15},
	    {1975, 2, 11},
	    {1976, 1, 31},
	    {1979, 1, 28},
	    {1980, 2, 16},
	    {1984, 2, 2},
	    {1985, 1, 21}, /* China: 1985-02-20 (China has a leap 10th month in 1984) */
	    {1986, 2, 9},
	    {1990, 1, 27},
	    {1991, 2, 15},
	    {1992, 2, 4},
	    {1993, 1, 23},
	    {1994, 2, 10},
	    {1995, 1, 31},
	    {1996, 2, 19},
	    {1997, 2, 7},
	    {1998, 1, 28},
	    {1999, 2, 16},
	    {2000, 2, 5},
	    {2001, 1, 24},
	    {2002, 2, 12},
	    {2003, 2, 1},
	    {2004, 1, 22},
	    {2005, 2, 9},
	    {2006, 1, 29},
	    {2007, 2, 17}, /* China: 2007-02-18 */
	    {2008, 2, 7},
	    {2009, 1, 26},
	    {2010, 2, 14},
	    {2011, 2, 3},
	    {2012, 1, 23},
	    {2013, 2, 10},
	    {2014, 1, 31},
	    {2015, 2, 19},
	    {2016, 2, 8},
	    {2017, 1, 28},
	    {2018, 2, 16},
	    {2019, 2, 5},
	    {2020, 1, 25},
	    {2021, 2, 12},
	    {2022, 2, 1},
	    {2023, 1, 22},
	    {2024, 2, 10},
	    {2025, 1, 29},
	    {2026, 2, 17},
	    {2027, 2, 6},
	    {2028, 1, 26},
	    {2029, 2, 13},
	    {2030, 2, 2}, /* China: 2030-02-03 */
	    {2031, 1, 23},
	    {2032, 2, 11},
	    {2033, 1, 31},
	    {2040, 2, 12},
	    {2050, 1, 23},
	    {2100, 2, 9},
	};
	(void)state;
	for (size_t i = 0; i < MC_ARRAY_LEN(tet); i++) {
		mc_lunar_date l;
		assert_ymd(lunar_to_ymd(tet[i].y, 1, 1, false), tet[i].y, tet[i].m, tet[i].d);
		assert_int_equal(mc_lunar_from_solar(&l, tet[i].y, tet[i].m, tet[i].d), 0);
		assert_int_equal(l.day, 1);
		assert_int_equal(l.month, 1);
		assert_int_equal(l.year, tet[i].y);
		assert_false(l.leap);
	}
}

/* The leap month of a year: the only month number for which a leap month
 * exists; 0 when the year has none. */
static int leap_month_of(int year)
{
	int found = 0;
	for (int m = 1; m <= 12; m++) {
		int len;
		if (mc_lunar_month_length(&len, year, m, true) == 0) {
			assert_int_equal(found, 0);
			found = m;
		}
	}
	return found;
}

static void test_leap_months(void **state)
{
	static const struct {
		int year, leap;
	} years[] = {
	    {1985, 2}, /* Vietnam only; China has leap 10 in 1984 instead */
	    {1984, 0}, {1995, 8}, {2001, 4}, {2004, 2}, {2006, 7}, {2009, 5}, {2012, 4},  {2014, 9},
	    {2015, 0}, {2016, 0}, {2017, 6}, {2018, 0}, {2019, 0}, {2020, 4}, {2021, 0},  {2022, 0},
	    {2023, 2}, {2024, 0}, {2025, 6}, {2026, 0}, {2028, 5}, {2031, 3}, {2033, 11}, /* the rare leap
											     11th month */
	};
	(void)state;
	for (size_t i = 0; i < MC_ARRAY_LEN(years); i++) {
		int got = leap_month_of(years[i].year);
		if (got != years[i].leap)
			fail_msg("year %d: leap month %d, want %d", years[i].year, got, years[i].leap);
	}
	/* First days of some leap months. */
	assert_ymd(lunar_to_ymd(2017, 6, 1, true), 2017, 7, 23);
	assert_ymd(lunar_to_ymd(2020, 4, 1, true), 2020, 5, 23);
	assert_ymd(lunar_to_ymd(2023, 2, 1, true), 2023, 3, 22);
	assert_ymd(lunar_to_ymd(2025, 6, 1, true), 2025, 7, 25);
	/* The leap month follows the month it repeats. */
	{
		mc_lunar_date l;
		assert_int_equal(mc_lunar_from_solar(&l, 2023, 3, 21), 0);
		assert_int_equal(l.month, 2);
		assert_false(l.leap);
		assert_int_equal(mc_lunar_from_solar(&l, 2023, 3, 22), 0);
		assert_int_equal(l.month, 2);
		assert_true(l.leap);
		assert_int_equal(l.day, 1);
		assert_int_equal(mc_lunar_from_solar(&l, 2023, 4, 20), 0);
		assert_int_equal(l.month, 3);
		assert_false(l.leap);
		assert_int_equal(l.day, 1);
	}
}

static void test_known_days(void **state)
{
	static const struct ymd gio_to[] = {
	    {2017, 4, 6},  {2018, 4, 25}, {2019, 4, 14}, {2020, 4, 2}, {2021, 4, 21},
	    {2022, 4, 10}, {2023, 4, 29}, {2024, 4, 18}, {2025, 4, 7}, {2026, 4, 26},
	};
	mc_lunar_date l;
	(void)state;
	/* Giỗ Tổ Hùng Vương, 10/3 lunar. */
	for (size_t i = 0; i < MC_ARRAY_LEN(gio_to); i++)
		assert_ymd(lunar_to_ymd(gio_to[i].y, 3, 10, false), gio_to[i].y, gio_to[i].m, gio_to[i].d);
	/* Tết Trung thu, 15/8 lunar. */
	assert_ymd(lunar_to_ymd(2023, 8, 15, false), 2023, 9, 29);
	assert_ymd(lunar_to_ymd(2024, 8, 15, false), 2024, 9, 17);
	assert_ymd(lunar_to_ymd(2025, 8, 15, false), 2025, 10, 6);
	/* The eve of Tết: 2024 had a "30 Tết", 2025 and 2026 did not. */
	assert_int_equal(mc_lunar_from_solar(&l, 2024, 2, 9), 0);
	assert_int_equal(l.day, 30);
	assert_int_equal(l.month, 12);
	assert_int_equal(l.year, 2023);
	assert_int_equal(mc_lunar_from_solar(&l, 2025, 1, 28), 0);
	assert_int_equal(l.day, 29);
	assert_int_equal(l.month, 12);
	assert_int_equal(l.year, 2024);
	assert_int_equal(mc_lunar_from_solar(&l, 2026, 2, 16), 0);
	assert_int_equal(l.day, 29);
	assert_int_equal(l.year, 2025);
	/* A leap 11th month lies in the lunar year before Tết: 2033. */
	assert_int_equal(mc_lunar_from_solar(&l, 2033, 12, 22), 0);
	assert_int_equal(l.month, 11);
	assert_int_equal(l.year, 2033);
	assert_true(l.leap);
	/* The first and the last supported days. */
	assert_int_equal(mc_lunar_from_solar(&l, 1900, 1, 31), 0);
	assert_int_equal(l.day, 1);
	assert_int_equal(l.month, 1);
	assert_int_equal(l.year, 1900);
	assert_int_equal(mc_lunar_from_solar(&l, 2100, 12, 31), 0);
	assert_int_equal(l.year, 2100);
	assert_true(l.month >= 11);
}

/* Every day 1900-01-31..2100-12-31: solar -> lunar -> solar gives the day
 * back, and consecutive days step by one lunar day or start a new month
 * after a full 29- or 30-day month. */
static void test_round_trip_every_day(void **state)
{
	int32_t first = mc_days_from_civil(1900, 1, 31);
	int32_t last = mc_days_from_civil(2100, 12, 31);
	mc_lunar_date prev = {0};
	int months = 0;
	(void)state;
	for (int32_t day = first; day <= last; day++) {
		int y, m, d;
		mc_lunar_date l;
		int32_t back = 0;
		mc_civil_from_days(day, &y, &m, &d);
		if (mc_lunar_from_solar(&l, y, m, d) != 0)
			fail_msg("from_solar %04d-%02d-%02d failed", y, m, d);
		if (mc_lunar_to_solar(&back, &l) != 0 || back != day)
			fail_msg("round trip of %04d-%02d-%02d failed", y, m, d);
		if (day > first) {
			if (l.day == 1) {
				int len = 0;
				assert_int_equal(
				    mc_lunar_month_length(&len, prev.year, prev.month, prev.leap), 0);
				assert_int_equal(prev.day, len);
				assert_true(len == 29 || len == 30);
				months++;
			} else {
				assert_int_equal(l.day, prev.day + 1);
				assert_int_equal(l.month, prev.month);
				assert_int_equal(l.year, prev.year);
				assert_int_equal(l.leap, prev.leap);
			}
		}
		prev = l;
	}
	/* 201 years hold about 201 * 12.37 lunations. */
	assert_in_range(months, 2480, 2490);
}

static void test_month_lengths(void **state)
{
	int len;
	(void)state;
	/* Month 12 of lunar 2023 has 30 days, of 2024 29 (Tết 2025 after 29 Tết). */
	assert_int_equal(mc_lunar_month_length(&len, 2023, 12, false), 0);
	assert_int_equal(len, 30);
	assert_int_equal(mc_lunar_month_length(&len, 2024, 12, false), 0);
	assert_int_equal(len, 29);
	/* A year's months add up to the days from its Tết to the next. */
	for (int year = 1900; year < 2100; year++) {
		int total = 0;
		int32_t tet, next_tet;
		mc_lunar_date a = {.day = 1, .month = 1, .year = year};
		mc_lunar_date b = {.day = 1, .month = 1, .year = year + 1};
		for (int m = 1; m <= 12; m++) {
			assert_int_equal(mc_lunar_month_length(&len, year, m, false), 0);
			total += len;
			if (mc_lunar_month_length(&len, year, m, true) == 0)
				total += len;
		}
		assert_int_equal(mc_lunar_to_solar(&tet, &a), 0);
		assert_int_equal(mc_lunar_to_solar(&next_tet, &b), 0);
		assert_int_equal(total, next_tet - tet);
	}
}

static void test_invalid(void **state)
{
	mc_lunar_date l;
	int32_t days;
	int len;
	(void)state;
	/* Solar dates that do not exist or lie outside the range. */
	assert_int_equal(mc_lunar_from_solar(&l, 1900, 1, 30), MC_EINVAL);
	assert_int_equal(mc_lunar_from_solar(&l, 1899, 12, 31), MC_EINVAL);
	assert_int_equal(mc_lunar_from_solar(&l, 2101, 1, 1), MC_EINVAL);
	assert_int_equal(mc_lunar_from_solar(&l, 2023, 2, 29), MC_EINVAL);
	assert_int_equal(mc_lunar_from_solar(&l, 2024, 2, 30), MC_EINVAL);
	assert_int_equal(mc_lunar_from_solar(&l, 2024, 4, 31), MC_EINVAL);
	assert_int_equal(mc_lunar_from_solar(&l, 2024, 13, 1), MC_EINVAL);
	assert_int_equal(mc_lunar_from_solar(&l, 2024, 0, 1), MC_EINVAL);
	assert_int_equal(mc_lunar_from_solar(&l, 2024, 1, 0), MC_EINVAL);
	assert_int_equal(mc_lunar_from_solar(&l, 2024, 2, 29), 0); /* a leap day */

	/* Lunar dates that do not exist. */
	l = (mc_lunar_date){.day = 1, .month = 5, .year = 2024, .leap = true}; /* 2024 has no leap month */
	assert_int_equal(mc_lunar_to_solar(&days, &l), MC_EINVAL);
	l = (mc_lunar_date){.day = 1, .month = 5, .year = 2025, .leap = true}; /* 2025's leap month is 6 */
	assert_int_equal(mc_lunar_to_solar(&days, &l), MC_EINVAL);
	l = (mc_lunar_date){.day = 30, .month = 12, .year = 2024, .leap = false}; /* 29-day month */
	assert_int_equal(mc_lunar_to_solar(&days, &l), MC_EINVAL);
	l = (mc_lunar_date){.day = 29, .month = 12, .year = 2024, .leap = false};
	assert_int_equal(mc_lunar_to_solar(&days, &l), 0);
	assert_int_equal(days, mc_days_from_civil(2025, 1, 28));
	l = (mc_lunar_date){.day = 31, .month = 1, .year = 2024};
	assert_int_equal(mc_lunar_to_solar(&days, &l), MC_EINVAL);
	l = (mc_lunar_date){.day = 0, .month = 1, .year = 2024};
	assert_int_equal(mc_lunar_to_solar(&days, &l), MC_EINVAL);
	l = (mc_lunar_date){.day = 1, .month = 0, .year = 2024};
	assert_int_equal(mc_lunar_to_solar(&days, &l), MC_EINVAL);
	l = (mc_lunar_date){.day = 1, .month = 13, .year = 2024};
	assert_int_equal(mc_lunar_to_solar(&days, &l), MC_EINVAL);
	/* Before 1900-01-31 and after 2100-12-31. */
	l = (mc_lunar_date){.day = 1, .month = 12, .year = 1899};
	assert_int_equal(mc_lunar_to_solar(&days, &l), MC_EINVAL);
	l = (mc_lunar_date){.day = 1, .month = 1, .year = 2101};
	assert_int_equal(mc_lunar_to_solar(&days, &l), MC_EINVAL);
	{
		mc_lunar_date last;
		assert_int_equal(mc_lunar_from_solar(&last, 2100, 12, 31), 0);
		assert_int_equal(mc_lunar_to_solar(&days, &last), 0);
		assert_int_equal(days, mc_days_from_civil(2100, 12, 31));
		/* The next lunar day is 2101-01-01. */
		if (last.day < 29) {
			last.day++;
			assert_int_equal(mc_lunar_to_solar(&days, &last), MC_EINVAL);
		}
	}
	assert_int_equal(mc_lunar_month_length(&len, 2024, 6, true), MC_EINVAL);
	assert_int_equal(mc_lunar_month_length(&len, 2024, 13, false), MC_EINVAL);
	assert_int_equal(mc_lunar_month_length(&len, 1899, 1, false), MC_EINVAL);
	assert_int_equal(mc_lunar_month_length(&len, 2101, 1, false), MC_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tet_dates),	  cmocka_unit_test(test_leap_months),
	    cmocka_unit_test(test_known_days),	  cmocka_unit_test(test_round_trip_every_day),
	    cmocka_unit_test(test_month_lengths), cmocka_unit_test(test_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
