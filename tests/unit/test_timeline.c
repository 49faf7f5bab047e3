/* Tests for src/core/timeline.c: time per unit and step from hand-built
 * event logs, with fake working calendars. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "core/mc.h"
#include "core/timeline.h"

#define MIN 60
/* Monday 2017-03-06 08:00 local time, in UTC seconds. */
#define T0 ((int64_t)mc_days_from_civil(2017, 3, 6) * 86400 + 8 * 3600 - MC_TZ_OFFSET)

struct calls {
	int count;
};

/* Every minute is a working minute; counts its calls in payload (may be NULL). */
static int64_t plain_minutes(int64_t from, int64_t to, void *payload)
{
	struct calls *calls = payload;
	assert_true(from < to);
	if (calls)
		calls->count++;
	return (to - from) / 60;
}

/* Working minutes are 08:00-17:00 local time, every day. */
static int64_t office_minutes(int64_t from, int64_t to, void *payload)
{
	int64_t minutes = 0;
	(void)payload;
	assert_true(from < to);
	for (int64_t t = from; t < to; t += 60) {
		int64_t hour = ((t + MC_TZ_OFFSET) / 3600) % 24;
		if (hour >= 8 && hour < 17)
			minutes++;
	}
	return minutes;
}

static void expect_share(const mc_tl_share *s, int64_t unit_id, int step, int64_t minutes)
{
	assert_int_equal(s->unit_id, unit_id);
	assert_int_equal(s->step, step);
	assert_int_equal(s->minutes, minutes);
}

/* Received by the district desk (unit 1), processed there, transferred to the
 * department (unit 2), resolved and returned. */
static void test_transfer_between_units(void **state)
{
	(void)state;
	const mc_tl_event ev[] = {
	    {T0, 0, MC_ST_RECEIVED, 1, 1},
	    {T0 + 60 * MIN, MC_ST_RECEIVED, MC_ST_PROCESSING, 1, 2},
	    {T0 + 180 * MIN, MC_ST_PROCESSING, MC_ST_PROCESSING, 2, 3},
	    {T0 + 300 * MIN, MC_ST_PROCESSING, MC_ST_RESOLVED, 2, 3},
	    {T0 + 400 * MIN, MC_ST_RESOLVED, MC_ST_RETURNED, 1, 0},
	};
	mc_tl_share *out = NULL;
	size_t n = 0;
	int64_t total = -1, paused = -1;
	struct calls calls = {0};

	assert_int_equal(mc_timeline_shares(&out, &n, &total, &paused, ev, MC_ARRAY_LEN(ev), T0 + 9999 * MIN,
					    plain_minutes, &calls),
			 0);
	assert_int_equal(n, 3);
	expect_share(&out[0], 1, 1, 60);
	expect_share(&out[1], 1, 2, 120);
	expect_share(&out[2], 2, 3, 120);
	assert_int_equal(total, 300);
	assert_int_equal(paused, 0);
	/* Nothing is asked of the calendar after the result is ready. */
	assert_int_equal(calls.count, 3);
	free(out);
}

/* Filed online, received, sent to unit 2, paused for a supplement, resumed. */
static void test_supplement_pause(void **state)
{
	(void)state;
	const mc_tl_event ev[] = {
	    {T0, 0, MC_ST_SUBMITTED, 1, 0},
	    {T0 + 30 * MIN, MC_ST_SUBMITTED, MC_ST_RECEIVED, 1, 0},
	    {T0 + 90 * MIN, MC_ST_RECEIVED, MC_ST_PROCESSING, 2, 1},
	    {T0 + 150 * MIN, MC_ST_PROCESSING, MC_ST_SUPPLEMENT_REQUESTED, 2, 1},
	    {T0 + 1000 * MIN, MC_ST_SUPPLEMENT_REQUESTED, MC_ST_PROCESSING, 2, 1},
	    {T0 + 1100 * MIN, MC_ST_PROCESSING, MC_ST_RESOLVED, 2, 1},
	};
	mc_tl_share *out = NULL;
	size_t n = 0;
	int64_t total = -1, paused = -1;

	assert_int_equal(mc_timeline_shares(&out, &n, &total, &paused, ev, MC_ARRAY_LEN(ev), T0 + 5000 * MIN,
					    plain_minutes, NULL),
			 0);
	assert_int_equal(n, 2);
	expect_share(&out[0], 1, 0, 60);       /* the 30 minutes before reception do not count */
	expect_share(&out[1], 2, 1, 60 + 100); /* before and after the pause */
	assert_int_equal(total, 220);
	assert_int_equal(paused, 850);
	free(out);

	/* On an 08:00-17:00 calendar, a pause over the night counts only office
	 * hours: asked at 10:30, supplemented at 09:00 the next day. */
	const mc_tl_event night[] = {
	    {T0, 0, MC_ST_RECEIVED, 1, 0},
	    {T0 + 90 * MIN, MC_ST_RECEIVED, MC_ST_PROCESSING, 2, 1},
	    {T0 + 150 * MIN, MC_ST_PROCESSING, MC_ST_SUPPLEMENT_REQUESTED, 2, 1},
	    {T0 + (24 * 60 + 60) * MIN, MC_ST_SUPPLEMENT_REQUESTED, MC_ST_PROCESSING, 2, 1},
	    {T0 + (24 * 60 + 120) * MIN, MC_ST_PROCESSING, MC_ST_RESOLVED, 2, 1},
	};
	assert_int_equal(mc_timeline_shares(&out, &n, &total, &paused, night, MC_ARRAY_LEN(night),
					    T0 + 5000 * MIN, office_minutes, NULL),
			 0);
	assert_int_equal(n, 2);
	expect_share(&out[0], 1, 0, 90);
	expect_share(&out[1], 2, 1, 60 + 60);
	assert_int_equal(total, 210);
	assert_int_equal(paused, 390 + 60); /* 10:30-17:00, then 08:00-09:00 */
	free(out);

	/* Payment pauses the clock the same way. */
	const mc_tl_event pay[] = {
	    {T0, 0, MC_ST_RECEIVED, 1, 0},
	    {T0 + 10 * MIN, MC_ST_RECEIVED, MC_ST_PROCESSING, 1, 1},
	    {T0 + 20 * MIN, MC_ST_PROCESSING, MC_ST_AWAITING_PAYMENT, 1, 1},
	    {T0 + 50 * MIN, MC_ST_AWAITING_PAYMENT, MC_ST_PROCESSING, 1, 1},
	    {T0 + 55 * MIN, MC_ST_PROCESSING, MC_ST_RESOLVED, 1, 1},
	};
	assert_int_equal(mc_timeline_shares(&out, &n, &total, &paused, pay, MC_ARRAY_LEN(pay), T0 + 60 * MIN,
					    plain_minutes, NULL),
			 0);
	assert_int_equal(n, 2);
	expect_share(&out[0], 1, 0, 10);
	expect_share(&out[1], 1, 1, 15);
	assert_int_equal(total, 25);
	assert_int_equal(paused, 30);
	free(out);
}

/* An open dossier: the last interval runs to now, counted or paused. */
static void test_still_open(void **state)
{
	(void)state;
	const mc_tl_event ev[] = {
	    {T0, 0, MC_ST_RECEIVED, 1, 0},
	    {T0 + 10 * MIN, MC_ST_RECEIVED, MC_ST_PROCESSING, 2, 0},
	    {T0 + 70 * MIN, MC_ST_PROCESSING, MC_ST_SUPPLEMENT_REQUESTED, 2, 0},
	};
	mc_tl_share *out = NULL;
	size_t n = 0;
	int64_t total = -1, paused = -1;

	/* Still processing at now. */
	assert_int_equal(
	    mc_timeline_shares(&out, &n, &total, &paused, ev, 2, T0 + 100 * MIN, plain_minutes, NULL), 0);
	assert_int_equal(n, 2);
	expect_share(&out[0], 1, 0, 10);
	expect_share(&out[1], 2, 0, 90);
	assert_int_equal(total, 100);
	assert_int_equal(paused, 0);
	free(out);

	/* Waiting for the supplement at now. */
	assert_int_equal(
	    mc_timeline_shares(&out, &n, &total, &paused, ev, 3, T0 + 100 * MIN, plain_minutes, NULL), 0);
	assert_int_equal(n, 2);
	expect_share(&out[1], 2, 0, 60);
	assert_int_equal(total, 70);
	assert_int_equal(paused, 30);
	free(out);

	/* A now before the last event (clock skew) adds nothing. */
	assert_int_equal(
	    mc_timeline_shares(&out, &n, &total, &paused, ev, 2, T0 + 5 * MIN, plain_minutes, NULL), 0);
	assert_int_equal(n, 2);
	expect_share(&out[0], 1, 0, 10);
	expect_share(&out[1], 2, 0, 0);
	assert_int_equal(total, 10);
	free(out);

	/* Submitted and not yet received: nothing runs. */
	const mc_tl_event waiting[] = {{T0, 0, MC_ST_SUBMITTED, 1, 0}};
	assert_int_equal(
	    mc_timeline_shares(&out, &n, &total, &paused, waiting, 1, T0 + 600 * MIN, plain_minutes, NULL),
	    0);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	assert_int_equal(paused, 0);
}

/* Closed without a result: nothing runs after withdrawn or stopped. */
static void test_closed(void **state)
{
	(void)state;
	static const mc_state ends[] = {MC_ST_WITHDRAWN, MC_ST_STOPPED, MC_ST_NOT_ACCEPTED, MC_ST_RESOLVED,
					MC_ST_RETURNED};
	for (size_t i = 0; i < MC_ARRAY_LEN(ends); i++) {
		const mc_tl_event ev[] = {
		    {T0, 0, MC_ST_RECEIVED, 1, 0},
		    {T0 + 45 * MIN, MC_ST_RECEIVED, ends[i], 1, 0},
		};
		mc_tl_share *out = NULL;
		size_t n = 0;
		int64_t total = -1, paused = -1;
		assert_int_equal(mc_timeline_shares(&out, &n, &total, &paused, ev, 2, T0 + 9000 * MIN,
						    plain_minutes, NULL),
				 0);
		assert_int_equal(n, 1);
		expect_share(&out[0], 1, 0, 45);
		assert_int_equal(total, 45);
		assert_int_equal(paused, 0);
		free(out);
	}
}

/* A unit that gets the dossier back adds to its first share, and the same
 * unit in another step is a share of its own. */
static void test_back_and_forth(void **state)
{
	(void)state;
	const mc_tl_event ev[] = {
	    {T0, 0, MC_ST_RECEIVED, 7, 0},
	    {T0 + 5 * MIN, MC_ST_RECEIVED, MC_ST_PROCESSING, 7, 1},
	    {T0 + 15 * MIN, MC_ST_PROCESSING, MC_ST_PROCESSING, 9, 2},
	    {T0 + 15 * MIN, MC_ST_PROCESSING, MC_ST_PROCESSING, 7, 1}, /* sent straight back */
	    {T0 + 45 * MIN, MC_ST_PROCESSING, MC_ST_PROCESSING, 9, 2},
	    {T0 + 65 * MIN, MC_ST_PROCESSING, MC_ST_PROCESSING, 7, 3},
	    {T0 + 70 * MIN, MC_ST_PROCESSING, MC_ST_RESOLVED, 7, 3},
	};
	mc_tl_share *out = NULL;
	size_t n = 0;
	int64_t total = -1, paused = -1;

	assert_int_equal(mc_timeline_shares(&out, &n, &total, &paused, ev, MC_ARRAY_LEN(ev), T0 + 100 * MIN,
					    plain_minutes, NULL),
			 0);
	assert_int_equal(n, 4);
	expect_share(&out[0], 7, 0, 5);
	expect_share(&out[1], 7, 1, 10 + 30);
	expect_share(&out[2], 9, 2, 0 + 20);
	expect_share(&out[3], 7, 3, 5);
	assert_int_equal(total, 70);
	assert_int_equal(paused, 0);
	free(out);
}

static void test_empty_and_unsorted(void **state)
{
	(void)state;
	mc_tl_share *out = (mc_tl_share *)&out;
	size_t n = 9;
	int64_t total = -1, paused = -1;

	assert_int_equal(mc_timeline_shares(&out, &n, &total, &paused, NULL, 0, T0, plain_minutes, NULL), 0);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	assert_int_equal(paused, 0);

	const mc_tl_event ev[] = {
	    {T0, 0, MC_ST_RECEIVED, 1, 0},
	    {T0 + 20 * MIN, MC_ST_RECEIVED, MC_ST_PROCESSING, 2, 0},
	    {T0 + 10 * MIN, MC_ST_PROCESSING, MC_ST_RESOLVED, 2, 0},
	};
	out = (mc_tl_share *)&out;
	n = 9;
	assert_int_equal(
	    mc_timeline_shares(&out, &n, &total, &paused, ev, MC_ARRAY_LEN(ev), T0, plain_minutes, NULL),
	    MC_EINVAL);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	assert_int_equal(paused, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_transfer_between_units),
	    cmocka_unit_test(test_supplement_pause),
	    cmocka_unit_test(test_still_open),
	    cmocka_unit_test(test_closed),
	    cmocka_unit_test(test_back_and_forth),
	    cmocka_unit_test(test_empty_and_unsorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
