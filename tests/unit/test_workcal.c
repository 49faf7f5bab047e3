/*
 * test_workcal.c - the working calendar (src/core/workcal.c) and the shipped
 * official schedules (data/calendar/vn-official.tsv).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/mc.h"
#include "core/workcal.h"

#define D(y, m, d) mc_days_from_civil((y), (m), (d))

/* The shipped schedule file, found from this source file's path. Caller frees. */
static char *read_official_tsv(size_t *len)
{
	char path[4096];
	const char *self = __FILE__;
	const char *slash = strrchr(self, '/');
	size_t dir_len = slash ? (size_t)(slash - self) : 0;
	FILE *f;
	char *text;
	long size;

	snprintf(path, sizeof(path), "%.*s%s../../data/calendar/vn-official.tsv", (int)dir_len, self,
		 slash ? "/" : "");
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("could not open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	text = malloc((size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	text[size] = '\0';
	fclose(f);
	*len = (size_t)size;
	return text;
}

struct loaded {
	mc_workcal *wc;
	int years[16];
	int nyears;
	bool all_have_source;
};

static int load_year(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	struct loaded *l = payload;
	if (l->nyears < (int)MC_ARRAY_LEN(l->years))
		l->years[l->nyears++] = year;
	if (source == NULL)
		l->all_have_source = false;
	return mc_workcal_set_year(l->wc, year, days, n);
}

static void load_official(struct loaded *l)
{
	size_t len;
	char *text = read_official_tsv(&len);
	l->nyears = 0;
	l->all_have_source = true;
	assert_int_equal(mc_workcal_parse_tsv(text, len, load_year, l), 0);
	free(text);
}

static const mc_day_entry *find_day(const mc_day_entry *days, size_t n, int32_t day)
{
	const mc_day_entry *found = NULL;
	for (size_t i = 0; i < n && found == NULL; i++) {
		if (days[i].day == day)
			found = &days[i];
	}
	return found;
}

static void test_kind_names(void **state)
{
	mc_day_kind k;
	(void)state;
	assert_string_equal(mc_day_kind_name(MC_DAY_HOLIDAY), "holiday");
	assert_string_equal(mc_day_kind_name(MC_DAY_COMPENSATORY), "compensatory");
	assert_string_equal(mc_day_kind_name(MC_DAY_WORKDAY), "workday");
	assert_null(mc_day_kind_name((mc_day_kind)0));
	assert_null(mc_day_kind_name((mc_day_kind)4));
	for (int i = MC_DAY_HOLIDAY; i <= MC_DAY_WORKDAY; i++) {
		assert_int_equal(mc_day_kind_parse(&k, mc_day_kind_name((mc_day_kind)i)), 0);
		assert_int_equal(k, i);
	}
	assert_int_equal(mc_day_kind_parse(&k, "Holiday"), MC_EINVAL);
	assert_int_equal(mc_day_kind_parse(&k, ""), MC_EINVAL);
	assert_int_equal(mc_day_kind_parse(&k, "holidays"), MC_EINVAL);
}

/* 2017 by the rule alone: 1/1 on a Sunday, Tết 27/1 (30 Chạp) to 31/1 with
 * two days on the weekend, 30/4 on a Sunday, 2/9 on a Saturday. */
static void test_rule_2017(void **state)
{
	static const struct {
		int m, d;
		mc_day_kind kind;
		const char *name;
	} want[] = {
	    {1, 1, MC_DAY_HOLIDAY, "Tết Dương lịch"},
	    {1, 2, MC_DAY_COMPENSATORY, "Nghỉ bù Tết Dương lịch"},
	    {1, 27, MC_DAY_HOLIDAY, "Tết Nguyên đán"},
	    {1, 28, MC_DAY_HOLIDAY, "Tết Nguyên đán"},
	    {1, 29, MC_DAY_HOLIDAY, "Tết Nguyên đán"},
	    {1, 30, MC_DAY_HOLIDAY, "Tết Nguyên đán"},
	    {1, 31, MC_DAY_HOLIDAY, "Tết Nguyên đán"},
	    {2, 1, MC_DAY_COMPENSATORY, "Nghỉ bù Tết Nguyên đán"},
	    {2, 2, MC_DAY_COMPENSATORY, "Nghỉ bù Tết Nguyên đán"},
	    {4, 6, MC_DAY_HOLIDAY, "Giỗ Tổ Hùng Vương"},
	    {4, 30, MC_DAY_HOLIDAY, "Ngày Chiến thắng"},
	    {5, 1, MC_DAY_HOLIDAY, "Ngày Quốc tế Lao động"},
	    {5, 2, MC_DAY_COMPENSATORY, "Nghỉ bù Ngày Chiến thắng"},
	    {9, 2, MC_DAY_HOLIDAY, "Quốc khánh"},
	    {9, 4, MC_DAY_COMPENSATORY, "Nghỉ bù Quốc khánh"},
	};
	mc_day_entry days[32];
	size_t n = 0;
	(void)state;
	assert_int_equal(mc_workcal_rule_days(days, MC_ARRAY_LEN(days), &n, 2017), 0);
	assert_int_equal(n, MC_ARRAY_LEN(want));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(days[i].day, D(2017, want[i].m, want[i].d));
		assert_int_equal(days[i].kind, want[i].kind);
		assert_string_equal(days[i].name, want[i].name);
	}
	mc_day_entries_clear(days, n);
}

static size_t count_named(const mc_day_entry *days, size_t n, const char *name)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += strcmp(days[i].name, name) == 0;
	return count;
}

static void test_rule_national_day(void **state)
{
	mc_day_entry days[32];
	size_t n;
	(void)state;
	/* Labour Code 2012: one day until 2020. */
	assert_int_equal(mc_workcal_rule_days(days, 32, &n, 2019), 0);
	assert_int_equal(count_named(days, n, "Quốc khánh"), 1);
	assert_non_null(find_day(days, n, D(2019, 9, 2)));
	assert_null(find_day(days, n, D(2019, 9, 1)));
	mc_day_entries_clear(days, n);
	assert_int_equal(mc_workcal_rule_days(days, 32, &n, 2020), 0);
	assert_int_equal(count_named(days, n, "Quốc khánh"), 1);
	mc_day_entries_clear(days, n);
	/* Labour Code 2019: two days from 2021, 1/9 taken as the adjacent day. */
	assert_int_equal(mc_workcal_rule_days(days, 32, &n, 2021), 0);
	assert_int_equal(count_named(days, n, "Quốc khánh"), 2);
	assert_non_null(find_day(days, n, D(2021, 9, 1)));
	assert_non_null(find_day(days, n, D(2021, 9, 2)));
	mc_day_entries_clear(days, n);
	/* 2024: 1/9 is a Sunday, so its compensatory day is Tuesday 3/9. */
	assert_int_equal(mc_workcal_rule_days(days, 32, &n, 2024), 0);
	assert_int_equal(find_day(days, n, D(2024, 9, 3))->kind, MC_DAY_COMPENSATORY);
	assert_string_equal(find_day(days, n, D(2024, 9, 3))->name, "Nghỉ bù Quốc khánh");
	mc_day_entries_clear(days, n);
	/* 2023: 2/9 is a Saturday: Monday 4/9. */
	assert_int_equal(mc_workcal_rule_days(days, 32, &n, 2023), 0);
	assert_int_equal(find_day(days, n, D(2023, 9, 4))->kind, MC_DAY_COMPENSATORY);
	mc_day_entries_clear(days, n);
}

static void test_rule_weekend_shift(void **state)
{
	mc_day_entry days[32];
	size_t n;
	(void)state;
	/* 2022: 30/4 Saturday and 1/5 Sunday give Monday 2/5 and Tuesday 3/5;
	 * Giỗ Tổ on Sunday 10/4 gives Monday 11/4; 1/1 on Saturday gives 3/1. */
	assert_int_equal(mc_workcal_rule_days(days, 32, &n, 2022), 0);
	assert_string_equal(find_day(days, n, D(2022, 5, 2))->name, "Nghỉ bù Ngày Chiến thắng");
	assert_string_equal(find_day(days, n, D(2022, 5, 3))->name, "Nghỉ bù Ngày Quốc tế Lao động");
	assert_string_equal(find_day(days, n, D(2022, 4, 11))->name, "Nghỉ bù Giỗ Tổ Hùng Vương");
	assert_string_equal(find_day(days, n, D(2022, 1, 3))->name, "Nghỉ bù Tết Dương lịch");
	assert_null(find_day(days, n, D(2022, 1, 2)));
	mc_day_entries_clear(days, n);
	/* 2023: Giỗ Tổ on Saturday 29/4, 30/4 on Sunday, 1/5 Monday: the
	 * compensatory days skip the holiday on Monday: 2/5 and 3/5. */
	assert_int_equal(mc_workcal_rule_days(days, 32, &n, 2023), 0);
	assert_string_equal(find_day(days, n, D(2023, 5, 2))->name, "Nghỉ bù Giỗ Tổ Hùng Vương");
	assert_string_equal(find_day(days, n, D(2023, 5, 3))->name, "Nghỉ bù Ngày Chiến thắng");
	mc_day_entries_clear(days, n);
	/* 2021: 1/5 on Saturday: Monday 3/5. */
	assert_int_equal(mc_workcal_rule_days(days, 32, &n, 2021), 0);
	assert_string_equal(find_day(days, n, D(2021, 5, 3))->name, "Nghỉ bù Ngày Quốc tế Lao động");
	mc_day_entries_clear(days, n);
	/* 2025: mùng 4 Tết on Saturday 1/2: Monday 3/2. */
	assert_int_equal(mc_workcal_rule_days(days, 32, &n, 2025), 0);
	assert_int_equal(find_day(days, n, D(2025, 2, 1))->kind, MC_DAY_HOLIDAY);
	assert_string_equal(find_day(days, n, D(2025, 2, 3))->name, "Nghỉ bù Tết Nguyên đán");
	mc_day_entries_clear(days, n);
	/* Every year's list is sorted, in its year, with each weekend holiday
	 * matched by a compensatory day on a weekday. */
	for (int y = MC_WORKCAL_FIRST_YEAR; y <= MC_WORKCAL_LAST_YEAR; y++) {
		size_t weekend_holidays = 0, compensatory = 0;
		assert_int_equal(mc_workcal_rule_days(days, 32, &n, y), 0);
		for (size_t i = 0; i < n; i++) {
			int yy, wd = mc_weekday(days[i].day);
			mc_civil_from_days(days[i].day, &yy, NULL, NULL);
			assert_int_equal(yy, y);
			if (i > 0)
				assert_true(days[i].day > days[i - 1].day);
			if (days[i].kind == MC_DAY_HOLIDAY && (wd == 0 || wd == 6))
				weekend_holidays++;
			if (days[i].kind == MC_DAY_COMPENSATORY) {
				compensatory++;
				assert_true(wd >= 1 && wd <= 5);
			}
			assert_int_not_equal(days[i].kind, MC_DAY_WORKDAY);
		}
		assert_int_equal(weekend_holidays, compensatory);
		mc_day_entries_clear(days, n);
	}
}

static void test_rule_errors(void **state)
{
	mc_day_entry days[4];
	size_t n = 0;
	(void)state;
	assert_int_equal(mc_workcal_rule_days(NULL, 0, &n, 2017), MC_ETOOBIG);
	assert_int_equal(n, 15);
	assert_int_equal(mc_workcal_rule_days(days, 4, &n, 2017), MC_ETOOBIG);
	assert_int_equal(n, 15);
	assert_int_equal(days[3].day, D(2017, 1, 28)); /* the first four are written */
	assert_string_equal(days[3].name, "Tết Nguyên đán");
	mc_day_entries_clear(days, 4);
	assert_int_equal(mc_workcal_rule_days(days, 4, &n, 1899), MC_EINVAL);
	assert_int_equal(mc_workcal_rule_days(days, 4, &n, 2101), MC_EINVAL);
	assert_int_equal(mc_workcal_rule_days(days, 4, &n, 1900), MC_ETOOBIG);
	mc_day_entries_clear(days, 4);
}

static void test_rule_calendar(void **state)
{
	mc_workcal *wc = mc_workcal_new();
	(void)state;
	/* Tết 2017 by the rule: Thursday 26/1 worked, 27/1..2/2 off, 3/2 worked. */
	assert_true(mc_workcal_is_working_day(wc, D(2017, 1, 26)));
	for (int d = 27; d <= 31; d++)
		assert_false(mc_workcal_is_working_day(wc, D(2017, 1, d)));
	assert_false(mc_workcal_is_working_day(wc, D(2017, 2, 1)));
	assert_false(mc_workcal_is_working_day(wc, D(2017, 2, 2)));
	assert_true(mc_workcal_is_working_day(wc, D(2017, 2, 3)));
	assert_false(mc_workcal_is_working_day(wc, D(2017, 2, 4))); /* Saturday */
	assert_false(mc_workcal_year_is_official(wc, 2017));
	/* Ordinary weeks; outside 1900..2100 only weekends. */
	assert_true(mc_workcal_is_working_day(wc, D(2017, 3, 6)));
	assert_false(mc_workcal_is_working_day(wc, D(2017, 3, 11)));
	assert_true(mc_workcal_is_working_day(wc, D(1899, 12, 25)));  /* Monday */
	assert_false(mc_workcal_is_working_day(wc, D(1899, 12, 31))); /* Sunday */
	assert_false(mc_workcal_is_working_day(wc, D(1900, 1, 1)));   /* Tết Dương lịch */
	assert_true(mc_workcal_is_working_day(wc, D(2101, 1, 3)));    /* Monday */
	assert_false(mc_workcal_is_working_day(wc, D(2100, 9, 2)));
	mc_workcal_free(wc);
	mc_workcal_free(NULL);
}

/* The 2017 schedule of the brief, set by hand. */
static void test_set_year_and_revert(void **state)
{
	static const struct {
		int m, d;
		mc_day_kind kind;
	} official[] = {
	    {9, 4, MC_DAY_COMPENSATORY}, /* deliberately out of order */
	    {1, 2, MC_DAY_COMPENSATORY}, {1, 26, MC_DAY_COMPENSATORY}, {1, 27, MC_DAY_HOLIDAY},
	    {1, 30, MC_DAY_HOLIDAY},	 {1, 31, MC_DAY_HOLIDAY},      {2, 1, MC_DAY_COMPENSATORY},
	    {4, 6, MC_DAY_HOLIDAY},	 {5, 1, MC_DAY_HOLIDAY},       {5, 2, MC_DAY_COMPENSATORY},
	};
	mc_day_entry days[MC_ARRAY_LEN(official)];
	char names[MC_ARRAY_LEN(official)][16];
	mc_day_entry *eff = NULL;
	size_t n = 0;
	mc_workcal *wc = mc_workcal_new();
	(void)state;
	memset(days, 0, sizeof(days));
	for (size_t i = 0; i < MC_ARRAY_LEN(official); i++) {
		days[i].day = D(2017, official[i].m, official[i].d);
		days[i].kind = official[i].kind;
		snprintf(names[i], sizeof(names[i]), "ngày %zu", i);
		days[i].name = names[i];
	}
	assert_int_equal(mc_workcal_set_year(wc, 2017, days, MC_ARRAY_LEN(days)), 0);
	assert_true(mc_workcal_year_is_official(wc, 2017));
	assert_false(mc_workcal_is_working_day(wc, D(2017, 1, 26)));
	assert_true(mc_workcal_is_working_day(wc, D(2017, 2, 2)));
	assert_true(mc_workcal_is_working_day(wc, D(2017, 2, 3)));
	assert_false(mc_workcal_is_working_day(wc, D(2017, 9, 4)));
	/* The effective list is the official one, sorted. */
	assert_int_equal(mc_workcal_year_days(wc, 2017, &eff, &n), 0);
	assert_int_equal(n, MC_ARRAY_LEN(official));
	assert_int_equal(eff[0].day, D(2017, 1, 2));
	assert_int_equal(eff[n - 1].day, D(2017, 9, 4));
	assert_string_equal(eff[n - 1].name, "ngày 0");
	/* Copies: the calendar keeps its own names. */
	assert_ptr_not_equal(eff[n - 1].name, names[0]);
	mc_day_entries_free(eff, n);
	eff = NULL;
	/* Other years keep the rule. */
	assert_false(mc_workcal_is_working_day(wc, D(2018, 1, 1)));
	assert_false(mc_workcal_year_is_official(wc, 2018));
	/* Reverting brings the rule back. */
	assert_int_equal(mc_workcal_set_year(wc, 2017, NULL, 0), 0);
	assert_false(mc_workcal_year_is_official(wc, 2017));
	assert_true(mc_workcal_is_working_day(wc, D(2017, 1, 26)));
	assert_false(mc_workcal_is_working_day(wc, D(2017, 2, 2)));
	assert_int_equal(mc_workcal_year_days(wc, 2017, &eff, &n), 0);
	assert_int_equal(n, 15);
	mc_day_entries_free(eff, n);
	assert_int_equal(mc_workcal_year_days(wc, 2101, &eff, &n), MC_EINVAL);
	mc_workcal_free(wc);
}

static void test_set_year_invalid(void **state)
{
	mc_day_entry days[2];
	mc_workcal *wc = mc_workcal_new();
	(void)state;
	memset(days, 0, sizeof(days));
	days[0] = (mc_day_entry){.day = D(2017, 3, 6), .kind = MC_DAY_HOLIDAY, .name = "a"};
	days[1] = (mc_day_entry){.day = D(2017, 3, 11), .kind = MC_DAY_WORKDAY, .name = "b"};
	/* A good one first, so that failures can be seen to change nothing. */
	assert_int_equal(mc_workcal_set_year(wc, 2017, days, 2), 0);
	assert_false(mc_workcal_is_working_day(wc, D(2017, 3, 6)));
	assert_true(mc_workcal_is_working_day(wc, D(2017, 3, 11)));

	days[1].day = D(2018, 3, 10); /* another year */
	assert_int_equal(mc_workcal_set_year(wc, 2017, days, 2), MC_EINVAL);
	days[1].day = D(2017, 3, 6); /* same day twice */
	assert_int_equal(mc_workcal_set_year(wc, 2017, days, 2), MC_EINVAL);
	days[1].day = D(2017, 3, 11);
	days[1].kind = (mc_day_kind)7;
	assert_int_equal(mc_workcal_set_year(wc, 2017, days, 2), MC_EINVAL);
	days[1].kind = MC_DAY_WORKDAY;
	days[1].name = "";
	assert_int_equal(mc_workcal_set_year(wc, 2017, days, 2), MC_EINVAL);
	days[1].name = NULL;
	assert_int_equal(mc_workcal_set_year(wc, 2017, days, 2), MC_EINVAL);
	assert_int_equal(mc_workcal_set_year(wc, 2017, NULL, 2), MC_EINVAL);
	assert_int_equal(mc_workcal_set_year(wc, 1899, days, 1), MC_EINVAL);
	assert_int_equal(mc_workcal_set_year(wc, 2101, NULL, 0), MC_EINVAL);
	/* Unchanged. */
	assert_false(mc_workcal_is_working_day(wc, D(2017, 3, 6)));
	assert_true(mc_workcal_is_working_day(wc, D(2017, 3, 11)));
	assert_true(mc_workcal_year_is_official(wc, 2017));
	mc_workcal_free(wc);
}

/* count_working against day by day counting, in and around the table. */
static void test_count_working(void **state)
{
	mc_workcal *wc = mc_workcal_new();
	int32_t ranges[][2] = {
	    {D(2017, 1, 1), D(2018, 1, 1)},   {D(2017, 1, 26), D(2017, 2, 3)},
	    {D(1899, 11, 1), D(1900, 3, 1)},  {D(2100, 11, 1), D(2101, 3, 1)},
	    {D(1890, 1, 1), D(1890, 1, 1)},   {D(1890, 1, 5), D(1890, 1, 1)},
	    {D(1899, 12, 31), D(1900, 1, 1)}, {D(2100, 12, 31), D(2101, 1, 2)},
	};
	uint32_t seed = 12345;
	(void)state;
	assert_int_equal(mc_workcal_count_working(wc, D(2017, 1, 1), D(2018, 1, 1)), 250);
	for (size_t i = 0; i < MC_ARRAY_LEN(ranges); i++) {
		int64_t want = 0;
		for (int32_t d = ranges[i][0]; d < ranges[i][1]; d++)
			want += mc_workcal_is_working_day(wc, d);
		assert_int_equal(mc_workcal_count_working(wc, ranges[i][0], ranges[i][1]), want);
	}
	for (int i = 0; i < 300; i++) {
		int32_t a, b;
		int64_t want = 0;
		seed = seed * 1103515245 + 12345;
		a = D(1895, 1, 1) + (int32_t)(seed % 75000);
		seed = seed * 1103515245 + 12345;
		b = a + (int32_t)(seed % 3000);
		for (int32_t d = a; d < b; d++)
			want += mc_workcal_is_working_day(wc, d);
		assert_int_equal(mc_workcal_count_working(wc, a, b), want);
	}
	/* The whole table and beyond, fast. */
	assert_true(mc_workcal_count_working(wc, D(1, 1, 1), D(9999, 12, 31)) > 2000000);
	mc_workcal_free(wc);
}

/* The shipped file: it parses, every year has its source, and it gives the
 * days of the notices. */
static void test_official_file(void **state)
{
	struct loaded l;
	mc_day_entry *days = NULL;
	size_t n = 0;
	(void)state;
	l.wc = mc_workcal_new();
	load_official(&l);
	assert_true(l.all_have_source);
	assert_true(l.nyears >= 9);
	for (int i = 0; i < l.nyears; i++) {
		assert_int_equal(l.years[i], 2017 + i); /* 2017..2025, in order */
		assert_true(mc_workcal_year_is_official(l.wc, l.years[i]));
	}

	/* 2017, the demo year: Tết Đinh Dậu off 26/1..1/2, 2/1 for 1/1 on a
	 * Sunday, 6/4 Giỗ Tổ, 2/5 for 30/4 on a Sunday, 4/9 for 2/9 on a Saturday. */
	assert_false(mc_workcal_is_working_day(l.wc, D(2017, 1, 2)));
	assert_true(mc_workcal_is_working_day(l.wc, D(2017, 1, 25)));
	for (int32_t d = D(2017, 1, 26); d <= D(2017, 2, 1); d++)
		assert_false(mc_workcal_is_working_day(l.wc, d));
	assert_true(mc_workcal_is_working_day(l.wc, D(2017, 2, 2)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2017, 4, 6)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2017, 5, 1)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2017, 5, 2)));
	assert_true(mc_workcal_is_working_day(l.wc, D(2017, 5, 3)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2017, 9, 4)));
	assert_int_equal(mc_workcal_count_working(l.wc, D(2017, 1, 1), D(2018, 1, 1)), 250);

	/* 2018/2019: Monday 31/12/2018 off, Saturday 5/1/2019 worked; 29/4/2019
	 * off, Saturday 4/5/2019 worked; Giỗ Tổ on Sunday 14/4 → Monday 15/4. */
	assert_false(mc_workcal_is_working_day(l.wc, D(2018, 12, 31)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2019, 1, 1)));
	assert_true(mc_workcal_is_working_day(l.wc, D(2019, 1, 5)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2019, 4, 15)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2019, 4, 29)));
	assert_true(mc_workcal_is_working_day(l.wc, D(2019, 5, 4)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2019, 5, 11))); /* an ordinary Saturday */
	/* 2021: the first two-day Quốc khánh, 2/9 and 3/9 (not the rule's 1/9). */
	assert_true(mc_workcal_is_working_day(l.wc, D(2021, 9, 1)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2021, 9, 3)));
	/* 2023: Tết 20/1..26/1, Friday 27/1 worked. */
	assert_false(mc_workcal_is_working_day(l.wc, D(2023, 1, 20)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2023, 1, 26)));
	assert_true(mc_workcal_is_working_day(l.wc, D(2023, 1, 27)));
	/* 2024: 29/4 off, Saturday 4/5 worked; Quốc khánh 2/9 and 3/9. */
	assert_false(mc_workcal_is_working_day(l.wc, D(2024, 4, 29)));
	assert_true(mc_workcal_is_working_day(l.wc, D(2024, 5, 4)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2024, 9, 3)));
	/* 2025: Tết 27/1..31/1, Monday 3/2 worked (not the rule's nghỉ bù);
	 * 2/5 off, Saturday 26/4 worked. */
	assert_false(mc_workcal_is_working_day(l.wc, D(2025, 1, 27)));
	assert_true(mc_workcal_is_working_day(l.wc, D(2025, 2, 3)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2025, 5, 2)));
	assert_true(mc_workcal_is_working_day(l.wc, D(2025, 4, 26)));
	assert_int_equal(mc_workcal_year_days(l.wc, 2025, &days, &n), 0);
	assert_int_equal(find_day(days, n, D(2025, 4, 26))->kind, MC_DAY_WORKDAY);
	mc_day_entries_free(days, n);

	/* A notice moves days off but does not change how many there are: each
	 * year has as many working days as by the rule, except the swap of
	 * 31/12/2018 made up on 5/1/2019. */
	{
		mc_workcal *rule = mc_workcal_new();
		for (int y = 2017; y <= 2026; y++) {
			int64_t official = mc_workcal_count_working(l.wc, D(y, 1, 1), D(y + 1, 1, 1));
			int64_t by_rule = mc_workcal_count_working(rule, D(y, 1, 1), D(y + 1, 1, 1));
			int64_t want = by_rule + (y == 2018 ? -1 : y == 2019 ? 1 : 0);
			if (official != want)
				fail_msg("%d: %lld working days, rule %lld", y, (long long)official,
					 (long long)by_rule);
		}
		mc_workcal_free(rule);
	}
	/* 2026 is in the file (Thông báo 9441/TB-BNV): Tết from Monday 16/2 to
	 * Friday 20/2, 2/1 off and made up on Saturday 10/1. 2027 is not: the rule. */
	assert_true(mc_workcal_year_is_official(l.wc, 2026));
	assert_false(mc_workcal_is_working_day(l.wc, D(2026, 2, 16)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2026, 2, 20)));
	assert_true(mc_workcal_is_working_day(l.wc, D(2026, 2, 23)));
	assert_false(mc_workcal_is_working_day(l.wc, D(2026, 1, 2)));
	assert_true(mc_workcal_is_working_day(l.wc, D(2026, 1, 10)));
	assert_false(mc_workcal_year_is_official(l.wc, 2027));
	mc_workcal_free(l.wc);
}

struct collected {
	int calls;
	int years[8];
	size_t counts[8];
	char sources[8][64];
	int32_t first_day[8];
	size_t name_len; /* of the first day of the first call */
	int stop_at;	 /* return MC_ECONFLICT on this call (1-based), 0: never */
};

static int collect(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	struct collected *c = payload;
	int i = c->calls++;
	if (i < 8) {
		c->years[i] = year;
		c->counts[i] = n;
		snprintf(c->sources[i], sizeof(c->sources[i]), "%s", source ? source : "(none)");
		c->first_day[i] = days[0].day;
		if (i == 0)
			c->name_len = strlen(days[0].name);
	}
	for (size_t k = 1; k < n; k++)
		assert_true(days[k].day > days[k - 1].day);
	return c->calls == c->stop_at ? MC_ECONFLICT : 0;
}

static int parse_text(const char *text, struct collected *c)
{
	memset(c, 0, sizeof(*c));
	return mc_workcal_parse_tsv(text, strlen(text), collect, c);
}

static void test_tsv_good(void **state)
{
	struct collected c;
	const char *text = "# a comment\n"
			   "\n"
			   "2021-05-03\tcompensatory\tNghỉ bù Ngày Quốc tế Lao động\r\n"
			   "# source 2021\tThông báo năm 2021\n"
			   "2020-09-02\tholiday\tQuốc khánh\n"
			   "2021-01-01\tholiday\tTết Dương lịch\n"
			   "   \t \n"
			   "# sources: a comment too\n"
			   "2019-01-05\tworkday\tLàm bù";
	(void)state;
	assert_int_equal(parse_text(text, &c), 0);
	assert_int_equal(c.calls, 3);
	assert_int_equal(c.years[0], 2019);
	assert_int_equal(c.years[1], 2020);
	assert_int_equal(c.years[2], 2021);
	assert_int_equal(c.counts[0], 1);
	assert_int_equal(c.counts[1], 1);
	assert_int_equal(c.counts[2], 2);
	assert_string_equal(c.sources[0], "(none)");
	assert_string_equal(c.sources[2], "Thông báo năm 2021");
	assert_int_equal(c.first_day[2], D(2021, 1, 1)); /* sorted within the year */
	/* Empty text: no years. */
	assert_int_equal(parse_text("", &c), 0);
	assert_int_equal(c.calls, 0);
	/* A callback's error stops the walk and is returned. */
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	assert_int_equal(mc_workcal_parse_tsv(text, strlen(text), collect, &c), MC_ECONFLICT);
	assert_int_equal(c.calls, 2);
	/* A name of MC_LIMIT_CALENDAR_DAY_NAME characters fits, however many
	 * bytes they take (3 each here); one more is refused. */
	{
		char line[32 + 3 * (MC_LIMIT_CALENDAR_DAY_NAME + 1)];
		size_t at = 19;
		memset(line, 0, sizeof(line));
		memcpy(line, "2021-01-01\tholiday\t", 19);
		for (int i = 0; i < MC_LIMIT_CALENDAR_DAY_NAME; i++, at += 3)
			memcpy(line + at, "ệ", 3);
		assert_int_equal(parse_text(line, &c), 0);
		assert_int_equal(c.calls, 1);
		assert_int_equal(c.name_len, 3 * MC_LIMIT_CALENDAR_DAY_NAME); /* whole */
		memcpy(line + at, "x", 1);
		assert_int_equal(parse_text(line, &c), MC_EINVAL);
	}
}

static void test_tsv_malformed(void **state)
{
	static const char *const bad[] = {
	    "2017-02-30\tholiday\tx\n", /* no such day */
	    "2017-13-01\tholiday\tx\n", /* no such month */
	    "1899-12-31\tholiday\tx\n", /* outside 1900..2100 */
	    "2101-01-01\tholiday\tx\n",
	    "2017-1-02\tholiday\tx\n",					    /* date not zero-padded */
	    "2017-01-02 holiday x\n",					    /* spaces, not tabs */
	    "2017-01-02\tholiday\n",					    /* no name */
	    "2017-01-02\tholiday\t\n",					    /* empty name */
	    "2017-01-02\tvacation\tx\n",				    /* unknown kind */
	    "2017-01-02\t\tx\n",					    /* empty kind */
	    "2017-01-02\tholiday\tx\ty\n",				    /* a tab in the name */
	    "2017-01-02\tholiday\tx\n2017-01-02\tcompensatory\ty\n",	    /* same day twice */
	    "# source 2017\tA\n# source 2017\tB\n2017-01-02\tholiday\tx\n", /* two sources */
	    "# source 2018\tA\n2017-01-02\tholiday\tx\n",		    /* source, no days */
	    "# source 20x7\tA\n",
	    "# source 2017 A\n2017-01-02\tholiday\tx\n",
	    "# source 2017\t\n2017-01-02\tholiday\tx\n",
	    "# source of the data\n2017-01-02\tholiday\tx\n", /* "# source " must be a source line */
	    "holiday\t2017-01-02\tx\n",
	    "2017-01-02",
	};
	struct collected c;
	(void)state;
	for (size_t i = 0; i < MC_ARRAY_LEN(bad); i++) {
		int ret = parse_text(bad[i], &c);
		if (ret != MC_EINVAL)
			fail_msg("case %zu: %d, want MC_EINVAL", i, ret);
		assert_int_equal(c.calls, 0);
	}
	/* A good year before a bad line: still no callback at all. */
	assert_int_equal(parse_text("2016-01-01\tholiday\tx\n2017-01-02\tholiday\n", &c), MC_EINVAL);
	assert_int_equal(c.calls, 0);
	/* An embedded NUL inside the given length. */
	{
		const char text[] = "2017-01-02\tholiday\tx\0y\n";
		memset(&c, 0, sizeof(c));
		assert_int_equal(mc_workcal_parse_tsv(text, sizeof(text) - 1, collect, &c), MC_EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kind_names),
	    cmocka_unit_test(test_rule_2017),
	    cmocka_unit_test(test_rule_national_day),
	    cmocka_unit_test(test_rule_weekend_shift),
	    cmocka_unit_test(test_rule_errors),
	    cmocka_unit_test(test_rule_calendar),
	    cmocka_unit_test(test_set_year_and_revert),
	    cmocka_unit_test(test_set_year_invalid),
	    cmocka_unit_test(test_count_working),
	    cmocka_unit_test(test_official_file),
	    cmocka_unit_test(test_tsv_good),
	    cmocka_unit_test(test_tsv_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
