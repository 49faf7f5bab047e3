/*
 * test_deadline.c - due times in working time (src/core/deadline.c), on the
 * working calendar with the shipped official schedules loaded. Every
 * expected time is worked out by hand in the comment beside it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deadline.h"
#include "core/mc.h"
#include "core/workcal.h"

static const mc_office_hours *const OH = &MC_OFFICE_HOURS_DEFAULT;

/* Local time "YYYY-MM-DDTHH:MM[:SS]" to UTC seconds. */
static int64_t T(const char *s)
{
	int64_t t = 0;
	if (mc_time_parse(&t, s) != 0)
		fail_msg("bad time %s", s);
	return t;
}

/* Compares as text so that a failure shows both times. */
static void assert_time(int64_t got, const char *want)
{
	char buf[40];
	char expected[40];
	mc_time_format(buf, sizeof(buf), got);
	mc_time_format(expected, sizeof(expected), T(want));
	assert_string_equal(buf, expected);
}

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

static int load_year(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	(void)source;
	return mc_workcal_set_year(payload, year, days, n);
}

static int setup(void **state)
{
	size_t len;
	char *text = read_official_tsv(&len);
	mc_workcal *wc = mc_workcal_new();
	int ret = mc_workcal_parse_tsv(text, len, load_year, wc);
	free(text);
	*state = wc;
	return ret;
}

static int teardown(void **state)
{
	mc_workcal_free(*state);
	return 0;
}

static void test_start(void **state)
{
	const mc_workcal *wc = *state;
	/* Monday 2017-03-06, an ordinary week. */
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T09:15:20"), -1), "2017-03-06T09:15:20");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T07:00"), -1), "2017-03-06T07:00");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T06:59"), -1), "2017-03-06T07:00");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T00:00"), -1), "2017-03-06T07:00");
	/* Lunch: 13:30 the same day; 11:30 itself is lunch. */
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T11:29:59"), -1), "2017-03-06T11:29:59");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T11:30"), -1), "2017-03-06T13:30");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T12:00"), -1), "2017-03-06T13:30");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T13:30"), -1), "2017-03-06T13:30");
	/* Closing: 17:00 and after go to the next working morning. */
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T16:59"), -1), "2017-03-06T16:59");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T17:00"), -1), "2017-03-07T07:00");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T23:59:59"), -1), "2017-03-07T07:00");
	/* Friday evening and the weekend: Monday morning. */
	assert_time(mc_deadline_start(wc, OH, T("2017-03-10T18:00"), -1), "2017-03-13T07:00");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-11T10:00"), -1), "2017-03-13T07:00");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-12T23:00"), -1), "2017-03-13T07:00");
	/* During the official Tết 2017 break (26/1..1/2): Thursday 2/2. */
	assert_time(mc_deadline_start(wc, OH, T("2017-01-26T09:00"), -1), "2017-02-02T07:00");
	assert_time(mc_deadline_start(wc, OH, T("2017-01-25T17:30"), -1), "2017-02-02T07:00");
	/* Cut-off 15:00: at or after it the day does not count. */
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T14:59:59"), 15 * 60), "2017-03-06T14:59:59");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T15:00"), 15 * 60), "2017-03-07T07:00");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-10T15:30"), 15 * 60), "2017-03-13T07:00");
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T12:00"), 15 * 60), "2017-03-06T13:30");
	/* A cut-off before lunch ends sends a lunch-time reception to the next day. */
	assert_time(mc_deadline_start(wc, OH, T("2017-03-06T12:00"), 12 * 60), "2017-03-07T07:00");
	/* The make-up Saturday 5/1/2019 is a working day; 31/12/2018 is not. */
	assert_time(mc_deadline_start(wc, OH, T("2019-01-05T09:00"), -1), "2019-01-05T09:00");
	assert_time(mc_deadline_start(wc, OH, T("2019-01-04T17:10"), -1), "2019-01-05T07:00");
	assert_time(mc_deadline_start(wc, OH, T("2018-12-28T17:30"), -1), "2019-01-02T07:00");
}

static void test_due(void **state)
{
	const mc_workcal *wc = *state;
	/* Mid-morning Monday 09:00, 8 h: 2.5 h to 11:30, 3.5 h to 17:00, then
	 * 2 h on Tuesday from 07:00: Tuesday 09:00. 24 h: three days on, Thursday 09:00. */
	assert_time(mc_deadline_due(wc, OH, T("2017-03-06T09:00"), 8, -1), "2017-03-07T09:00");
	assert_time(mc_deadline_due(wc, OH, T("2017-03-06T09:00"), 24, -1), "2017-03-09T09:00");
	/* At lunch: from 13:30, 3.5 h Monday + 4.5 h Tuesday morning = 8 h,
	 * landing on 11:30, the end of a span: it stays at 11:30. */
	assert_time(mc_deadline_due(wc, OH, T("2017-03-06T12:15"), 8, -1), "2017-03-07T11:30");
	/* After 17:00: from Tuesday 07:00, 8 h end Tuesday 17:00 (not Wednesday 07:00). */
	assert_time(mc_deadline_due(wc, OH, T("2017-03-06T17:30"), 8, -1), "2017-03-07T17:00");
	/* Friday evening: from Monday 07:00; 16 h end Tuesday 17:00. */
	assert_time(mc_deadline_due(wc, OH, T("2017-03-10T19:00"), 16, -1), "2017-03-14T17:00");
	/* Before Tết 2017: Wednesday 25/1 15:00, 24 h. 2 h on 25/1; 26/1..1/2
	 * off; 8 h Thursday 2/2 (10 h), 8 h Friday 3/2 (18 h); Monday 6/2:
	 * 4.5 h to 11:30 (22.5 h), 1.5 h from 13:30: 15:00. */
	assert_time(mc_deadline_due(wc, OH, T("2017-01-25T15:00"), 24, -1), "2017-02-06T15:00");
	/* The same with the 15:00 cut-off: from Thursday 2/2 07:00, 24 h end
	 * Monday 6/2 17:00. */
	assert_time(mc_deadline_due(wc, OH, T("2017-01-25T15:00"), 24, 15 * 60), "2017-02-06T17:00");
	/* Received at 14:59, a minute before the 15:00 cut-off: it counts from
	 * 14:59: 2 h 01 m that day, then 5 h 59 m on Tuesday: 07:00..11:30 is
	 * 4 h 30 m, and 1 h 29 m from 13:30: 14:59. */
	assert_time(mc_deadline_due(wc, OH, T("2017-03-06T14:59"), 8, 15 * 60), "2017-03-07T14:59");
	/* Make-up Saturday: Friday 4/1/2019 15:00, 8 h: 2 h Friday, Saturday 5/1
	 * is worked: 4.5 h to 11:30 (6.5 h), 1.5 h from 13:30: Saturday 15:00. */
	assert_time(mc_deadline_due(wc, OH, T("2019-01-04T15:00"), 8, -1), "2019-01-05T15:00");
	/* And the swapped Monday 29/4/2019 is skipped: Friday 26/4 15:00, 8 h:
	 * 2 h Friday, 29/4..1/5 off, Thursday 2/5 6 h: 15:00. */
	assert_time(mc_deadline_due(wc, OH, T("2019-04-26T15:00"), 8, -1), "2019-05-02T15:00");
	/* The rule calendar (no official 2017): Tết off 27/1..2/2, so Thursday
	 * 26/1 is worked: from 09:00, 2.5 h to 11:30 and 3.5 h in the afternoon
	 * (6 h); 27/1..2/2 off; 2 h on Friday 3/2: 09:00. */
	{
		mc_workcal *rule = mc_workcal_new();
		assert_time(mc_deadline_due(rule, OH, T("2017-01-26T09:00"), 8, -1), "2017-02-03T09:00");
		mc_workcal_free(rule);
	}
	/* 0 hours: the start itself. */
	assert_time(mc_deadline_due(wc, OH, T("2017-03-06T12:15"), 0, -1), "2017-03-06T13:30");
}

static void test_add_span_ends(void **state)
{
	const mc_workcal *wc = *state;
	/* 40 h from Monday 07:00 end Friday 17:00, not the next Monday 07:00. */
	assert_time(mc_deadline_add(wc, OH, T("2017-03-06T07:00"), 40 * 60), "2017-03-10T17:00");
	/* 40 h + 1 minute: Monday 07:01. */
	assert_time(mc_deadline_add(wc, OH, T("2017-03-06T07:00"), 40 * 60 + 1), "2017-03-13T07:01");
	/* The morning span is 4.5 h: 270 min from 07:00 end at 11:30, 271 at 13:31. */
	assert_time(mc_deadline_add(wc, OH, T("2017-03-06T07:00"), 270), "2017-03-06T11:30");
	assert_time(mc_deadline_add(wc, OH, T("2017-03-06T07:00"), 271), "2017-03-06T13:31");
	assert_time(mc_deadline_add(wc, OH, T("2017-03-06T07:00"), 240), "2017-03-06T11:00");
	/* From outside office hours: counting begins at the next span. */
	assert_time(mc_deadline_add(wc, OH, T("2017-03-06T20:00"), 1), "2017-03-07T07:01");
	assert_time(mc_deadline_add(wc, OH, T("2017-03-11T10:00"), 60), "2017-03-13T08:00");
	/* Nothing to add: the time itself, even outside office hours. */
	assert_time(mc_deadline_add(wc, OH, T("2017-03-06T20:00"), 0), "2017-03-06T20:00");
	assert_time(mc_deadline_add(wc, OH, T("2017-03-06T20:00"), -5), "2017-03-06T20:00");
	/* Seconds are kept. */
	assert_time(mc_deadline_add(wc, OH, T("2017-03-06T09:00:30"), 60), "2017-03-06T10:00:30");
	/* A whole year: 2017 has 250 working days of 8 h; from 2017-01-01 the
	 * last minute of them ends on Friday 29/12/2017 at 17:00. */
	assert_time(mc_deadline_add(wc, OH, T("2017-01-01T00:00"), 250 * 480), "2017-12-29T17:00");
	/* Past the calendar's table (after 2100 only weekends are off): Friday
	 * 31/12/2100 15:00 + 8 h = 2 h Friday + 6 h Monday 3/1/2101: 15:00. */
	{
		int64_t want = (int64_t)mc_days_from_civil(2101, 1, 3) * 86400 + 15 * 3600 - MC_TZ_OFFSET;
		assert_int_equal(mc_deadline_add(wc, OH, T("2100-12-31T15:00"), 480), want);
		/* A thousand years of working time does not take long. */
		assert_true(mc_deadline_add(wc, OH, T("2017-01-01T00:00"), INT64_C(1000) * 261 * 480) >
			    T("2100-12-31T00:00"));
	}
}

static void test_worked(void **state)
{
	const mc_workcal *wc = *state;
	assert_int_equal(mc_deadline_worked(wc, OH, T("2017-03-06T09:00"), T("2017-03-06T09:00")), 0);
	assert_int_equal(mc_deadline_worked(wc, OH, T("2017-03-06T10:00"), T("2017-03-06T09:00")), 0);
	assert_int_equal(mc_deadline_worked(wc, OH, T("2017-03-06T09:00"), T("2017-03-06T10:00")), 60);
	/* Over lunch: 11:00..14:00 holds 30 + 30 minutes. */
	assert_int_equal(mc_deadline_worked(wc, OH, T("2017-03-06T11:00"), T("2017-03-06T14:00")), 60);
	/* A whole week: 40 h. */
	assert_int_equal(mc_deadline_worked(wc, OH, T("2017-03-06T00:00"), T("2017-03-13T00:00")), 40 * 60);
	/* The year 2017: 250 working days. */
	assert_int_equal(mc_deadline_worked(wc, OH, T("2017-01-01T00:00"), T("2018-01-01T00:00")), 250 * 480);
	/* The Tết break 2017 holds no working time. */
	assert_int_equal(mc_deadline_worked(wc, OH, T("2017-01-25T17:00"), T("2017-02-02T07:00")), 0);
	/* Rounded down to whole minutes. */
	assert_int_equal(mc_deadline_worked(wc, OH, T("2017-03-06T09:00"), T("2017-03-06T09:00:59")), 0);
	/* Two centuries, computed at once: equal to working days times 8 h. */
	{
		int64_t days = mc_workcal_count_working(wc, mc_days_from_civil(1900, 1, 1),
							mc_days_from_civil(2101, 1, 1));
		assert_int_equal(
		    mc_deadline_worked(wc, OH, T("1900-01-01T00:00"), T("2100-12-31T23:59:59") + 1),
		    days * 480);
	}
}

/* Brute force: working minutes in [from, to) minute by minute. */
static int64_t worked_slow(const mc_workcal *wc, const mc_office_hours *oh, int64_t from, int64_t to)
{
	int64_t total = 0;
	for (int64_t t = from; t < to; t += 60) {
		int64_t local = t + MC_TZ_OFFSET;
		int32_t day = (int32_t)(local / 86400);
		int minute = (int)(local % 86400 / 60);
		if (!mc_workcal_is_working_day(wc, day))
			continue;
		for (int i = 0; i < oh->n; i++) {
			if (minute >= oh->span[i].start && minute < oh->span[i].end)
				total++;
		}
	}
	return total;
}

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rng(void)
{
	/* xorshift64 */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* worked(from, add(from, m)) == m for random times (any second, 2016..2027,
 * the official years and the rule years around them) and periods, under the
 * default hours and odd ones; and worked agrees with a minute-by-minute count. */
static void test_random_invariants(void **state)
{
	const mc_workcal *wc = *state;
	mc_office_hours odd[3];
	int64_t lo = T("2016-01-01T00:00");
	int64_t hi = T("2027-12-31T00:00");
	(void)state;
	odd[0] = MC_OFFICE_HOURS_DEFAULT;
	assert_int_equal(mc_office_hours_parse(&odd[1], "00:00-24:00"), 0);
	assert_int_equal(mc_office_hours_parse(&odd[2], "06:15-06:16,08:00-12:00,12:00-12:59,22:00-24:00"),
			 0);
	for (int i = 0; i < 20000; i++) {
		const mc_office_hours *oh = &odd[i % 3];
		int64_t from = lo + (int64_t)(rng() % (uint64_t)(hi - lo));
		int64_t minutes = (int64_t)(rng() % (i % 10 == 0 ? 200000 : 3000));
		int64_t to = mc_deadline_add(wc, oh, from, minutes);
		assert_true(to >= from);
		if (mc_deadline_worked(wc, oh, from, to) != minutes)
			fail_msg("iteration %d: worked(add(%lld, %lld)) = %lld", i, (long long)from,
				 (long long)minutes, (long long)mc_deadline_worked(wc, oh, from, to));
		/* add gives the earliest such time: a second earlier is short. */
		if (minutes > 0)
			assert_true(mc_deadline_worked(wc, oh, from, to - 1) < minutes);
	}
	for (int i = 0; i < 300; i++) {
		const mc_office_hours *oh = &odd[i % 3];
		int64_t from = (lo + (int64_t)(rng() % (uint64_t)(hi - lo))) / 60 * 60;
		int64_t to = from + (int64_t)(rng() % (12 * 86400)) / 60 * 60;
		assert_int_equal(mc_deadline_worked(wc, oh, from, to), worked_slow(wc, oh, from, to));
	}
}

static void test_resume(void **state)
{
	const mc_workcal *wc = *state;
	int64_t due = T("2017-03-09T09:00"); /* 24 h from Monday 6/3 09:00 */
	/* Paused Tuesday 10:00, resumed Wednesday 10:00: 8 h passed while paused,
	 * so the due time moves 8 h: Friday 09:00. */
	assert_time(
	    mc_deadline_resume(wc, OH, due, T("2017-03-07T10:00"), T("2017-03-08T10:00"), false, 24, -1),
	    "2017-03-10T09:00");
	/* Paused at lunch and resumed the same lunch: nothing moves. */
	assert_time(
	    mc_deadline_resume(wc, OH, due, T("2017-03-07T11:45"), T("2017-03-07T13:15"), false, 24, -1),
	    "2017-03-09T09:00");
	/* Paused Friday 10/3 16:00, resumed Monday 13/3 08:00: 1 h + 1 h; a
	 * due time at 17:00 Friday moves to Monday 09:00. */
	assert_time(mc_deadline_resume(wc, OH, T("2017-03-10T17:00"), T("2017-03-10T16:00"),
				       T("2017-03-13T08:00"), false, 24, -1),
		    "2017-03-13T09:00");
	/* Paused over the official Tết break: only the working time counts.
	 * Paused Wednesday 25/1 16:00, resumed Thursday 2/2 08:00: 1 h + 1 h. */
	assert_time(mc_deadline_resume(wc, OH, T("2017-02-06T15:00"), T("2017-01-25T16:00"),
				       T("2017-02-02T08:00"), false, 24, -1),
		    "2017-02-06T17:00");
	/* Resumed before it was paused: unchanged. */
	assert_time(
	    mc_deadline_resume(wc, OH, due, T("2017-03-08T10:00"), T("2017-03-07T10:00"), false, 24, -1),
	    "2017-03-09T09:00");
	/* Restart: the whole 24 h again from Wednesday 8/3 10:00: Monday 13/3 10:00. */
	assert_time(
	    mc_deadline_resume(wc, OH, due, T("2017-03-07T10:00"), T("2017-03-08T10:00"), true, 24, -1),
	    "2017-03-13T10:00");
	/* Restart after hours with a cut-off: from Thursday 07:00, 8 h: Thursday 17:00. */
	assert_time(
	    mc_deadline_resume(wc, OH, due, T("2017-03-07T10:00"), T("2017-03-08T15:30"), true, 8, 15 * 60),
	    "2017-03-09T17:00");
}

static void test_classify(void **state)
{
	const mc_workcal *wc = *state;
	int64_t due = T("2017-03-09T09:00");
	/* Finished: early on a day before the due day, late after the due time. */
	assert_int_equal(mc_deadline_classify_finished(T("2017-03-08T16:59"), due), MC_FINISH_EARLY);
	assert_int_equal(mc_deadline_classify_finished(T("2017-03-08T23:59:59"), due), MC_FINISH_EARLY);
	assert_int_equal(mc_deadline_classify_finished(T("2017-03-09T00:00"), due), MC_FINISH_ON_TIME);
	assert_int_equal(mc_deadline_classify_finished(T("2017-03-09T08:59"), due), MC_FINISH_ON_TIME);
	assert_int_equal(mc_deadline_classify_finished(due, due), MC_FINISH_ON_TIME);
	assert_int_equal(mc_deadline_classify_finished(due + 1, due), MC_FINISH_LATE);
	assert_int_equal(mc_deadline_classify_finished(T("2017-03-10T08:00"), due), MC_FINISH_LATE);
	/* The local day decides, not the UTC one: 06:59 local on the due day is
	 * still the previous day in UTC, yet on time. */
	assert_int_equal(mc_deadline_classify_finished(T("2017-03-09T06:59"), due), MC_FINISH_ON_TIME);

	/* Open, due soon within 8 h of working time. */
	assert_int_equal(mc_deadline_classify_open(wc, OH, due + 1, due, 480), MC_OPEN_OVERDUE);
	assert_int_equal(mc_deadline_classify_open(wc, OH, due, due, 480), MC_OPEN_DUE_SOON);
	assert_int_equal(mc_deadline_classify_open(wc, OH, due, due, 0), MC_OPEN_DUE_SOON);
	/* Wednesday 09:00: exactly 8 h left. 08:59: 8 h 01 m. */
	assert_int_equal(mc_deadline_classify_open(wc, OH, T("2017-03-08T09:00"), due, 480),
			 MC_OPEN_DUE_SOON);
	assert_int_equal(mc_deadline_classify_open(wc, OH, T("2017-03-08T08:59"), due, 480), MC_OPEN_WITHIN);
	/* Wednesday at lunch: 3.5 h + 2 h left. */
	assert_int_equal(mc_deadline_classify_open(wc, OH, T("2017-03-08T12:00"), due, 330),
			 MC_OPEN_DUE_SOON);
	assert_int_equal(mc_deadline_classify_open(wc, OH, T("2017-03-08T12:00"), due, 329), MC_OPEN_WITHIN);
	/* The night before: only 2 h of working time left although 14 h of clock. */
	assert_int_equal(mc_deadline_classify_open(wc, OH, T("2017-03-08T19:00"), due, 120),
			 MC_OPEN_DUE_SOON);
	assert_int_equal(mc_deadline_classify_open(wc, OH, T("2017-03-08T19:00"), due, -1), MC_OPEN_WITHIN);
	assert_int_equal(mc_deadline_classify_open(wc, OH, T("2017-03-01T09:00"), due, 480), MC_OPEN_WITHIN);

	assert_string_equal(mc_finish_class_name(MC_FINISH_EARLY), "early");
	assert_string_equal(mc_finish_class_name(MC_FINISH_ON_TIME), "on_time");
	assert_string_equal(mc_finish_class_name(MC_FINISH_LATE), "late");
	assert_null(mc_finish_class_name((mc_finish_class)0));
	assert_string_equal(mc_open_class_name(MC_OPEN_WITHIN), "within_time");
	assert_string_equal(mc_open_class_name(MC_OPEN_DUE_SOON), "due_soon");
	assert_string_equal(mc_open_class_name(MC_OPEN_OVERDUE), "overdue");
	assert_null(mc_open_class_name((mc_open_class)4));
}

static void test_office_hours(void **state)
{
	mc_office_hours oh;
	char buf[64];
	static const char *const bad[] = {
	    "",
	    "07:00",
	    "07:00-",
	    "-11:30",
	    "11:30-07:00",	       /* reversed */
	    "07:00-07:00",	       /* empty */
	    "07:00-11:30,11:00-17:00", /* overlapping */
	    "13:30-17:00,07:00-11:30", /* unsorted */
	    "07:60-08:00",
	    "25:00-26:00",
	    "07:00-24:01",
	    "24:00-24:00",
	    "7-11",
	    "07:00-11:30,",
	    "07:00-11:30x",
	    "07:00-11:30;13:30-17:00",
	    "1:00-2:00,3:00-4:00,5:00-6:00,7:00-8:00,9:00-10:00", /* five spans */
	    "007:00-08:00",
	    "07:0-08:00",
	};
	(void)state;
	assert_int_equal(mc_office_hours_parse(&oh, "07:00-11:30,13:30-17:00"), 0);
	assert_int_equal(oh.n, 2);
	assert_memory_equal(oh.span, MC_OFFICE_HOURS_DEFAULT.span, 2 * sizeof(mc_span));
	mc_office_hours_format(buf, sizeof(buf), &MC_OFFICE_HOURS_DEFAULT);
	assert_string_equal(buf, "07:00-11:30,13:30-17:00");
	assert_int_equal(mc_office_hours_parse(&oh, " 7:30 - 11:30 , 13:00-16:30 "), 0);
	mc_office_hours_format(buf, sizeof(buf), &oh);
	assert_string_equal(buf, "07:30-11:30,13:00-16:30");
	assert_int_equal(mc_office_hours_parse(&oh, "00:00-24:00"), 0);
	mc_office_hours_format(buf, sizeof(buf), &oh);
	assert_string_equal(buf, "00:00-24:00");
	assert_int_equal(mc_office_hours_parse(&oh, "07:00-12:00,12:00-17:00"), 0); /* touching */
	assert_int_equal(mc_office_hours_parse(&oh, "1:00-2:00,3:00-4:00,5:00-6:00,7:00-8:00"), 0);
	assert_int_equal(oh.n, 4);
	for (size_t i = 0; i < MC_ARRAY_LEN(bad); i++) {
		if (mc_office_hours_parse(&oh, bad[i]) != MC_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	/* Formatting into a short buffer truncates and terminates. */
	mc_office_hours_format(buf, 8, &MC_OFFICE_HOURS_DEFAULT);
	assert_string_equal(buf, "07:00-1");
	mc_office_hours_format(buf, 1, &MC_OFFICE_HOURS_DEFAULT);
	assert_string_equal(buf, "");
}

/* Other office hours change the day: 07:30-11:30, 13:00-16:30 is 7.5 h. */
static void test_other_hours(void **state)
{
	const mc_workcal *wc = *state;
	mc_office_hours oh;
	assert_int_equal(mc_office_hours_parse(&oh, "07:30-11:30,13:00-16:30"), 0);
	/* Monday 16:45: after closing; from Tuesday 07:30, 8 h: 7.5 h Tuesday and
	 * 30 min Wednesday: 08:00. */
	assert_time(mc_deadline_due(wc, &oh, T("2017-03-06T16:45"), 8, -1), "2017-03-08T08:00");
	/* Monday 11:45: lunch until 13:00. */
	assert_time(mc_deadline_start(wc, &oh, T("2017-03-06T11:45"), -1), "2017-03-06T13:00");
	assert_int_equal(mc_deadline_worked(wc, &oh, T("2017-03-06T00:00"), T("2017-03-07T00:00")), 450);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_start),
	    cmocka_unit_test(test_due),
	    cmocka_unit_test(test_add_span_ends),
	    cmocka_unit_test(test_worked),
	    cmocka_unit_test(test_random_invariants),
	    cmocka_unit_test(test_resume),
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_office_hours),
	    cmocka_unit_test(test_other_hours),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
