/*
 * deadline.c - due times in working time.
 *
 * Internally everything is counted in seconds, so that a reception at
 * 07:00:30 keeps its seconds; the public functions speak minutes. A time is
 * split into its local day number (days since 1970-01-01 at UTC+7) and the
 * second of that local day.
 */
#include "core/deadline.h"

#include "core/mc.h"

#include <assert.h>
#include <stdio.h>

#define DAY_SECONDS MC_DAY_SECONDS
/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: beyond them no calendar
 * question makes sense, and clamping keeps every day number in an int32_t. */
#define TIME_MIN INT64_C(-62135596800)
#define TIME_MAX INT64_C(253402300799)
#define MINUTES_MAX INT64_C(1000000000)

const mc_office_hours MC_OFFICE_HOURS_DEFAULT = {
    .n = 2,
    .span = {{7 * 60, 11 * 60 + 30}, {13 * 60 + 30, 17 * 60}},
};

static bool office_hours_valid(const mc_office_hours *oh)
{
	bool ok = oh->n >= 1 && oh->n <= 4;
	for (int i = 0; ok && i < oh->n; i++) {
		ok = oh->span[i].start >= 0 && oh->span[i].start < oh->span[i].end &&
		     oh->span[i].end <= 1440 && (i == 0 || oh->span[i].start >= oh->span[i - 1].end);
	}
	return ok;
}

static int64_t clamp_time(int64_t t)
{
	return t < TIME_MIN ? TIME_MIN : t > TIME_MAX ? TIME_MAX : t;
}

/* Seconds since local midnight of day `day` (t within that day). */
static int64_t local_second(int64_t t, int32_t day)
{
	return t + MC_TZ_OFFSET - (int64_t)day * DAY_SECONDS;
}

static int64_t span_start(const mc_office_hours *oh, int i)
{
	return (int64_t)oh->span[i].start * 60;
}

static int64_t span_end(const mc_office_hours *oh, int i)
{
	return (int64_t)oh->span[i].end * 60;
}

/* Working seconds of a full working day. */
static int64_t day_work(const mc_office_hours *oh)
{
	int64_t total = 0;
	for (int i = 0; i < oh->n; i++)
		total += span_end(oh, i) - span_start(oh, i);
	return total;
}

/* Office seconds within [a, b) of one working day (seconds since midnight). */
static int64_t office_overlap(const mc_office_hours *oh, int64_t a, int64_t b)
{
	int64_t total = 0;
	for (int i = 0; i < oh->n; i++) {
		int64_t lo = a > span_start(oh, i) ? a : span_start(oh, i);
		int64_t hi = b < span_end(oh, i) ? b : span_end(oh, i);
		if (lo < hi)
			total += hi - lo;
	}
	return total;
}

static int32_t next_working_day(const mc_workcal *wc, int32_t day)
{
	do
		day++;
	while (!mc_workcal_is_working_day(wc, day));
	return day;
}

int64_t mc_deadline_start(const mc_workcal *wc, const mc_office_hours *oh, int64_t t, int cutoff_min)
{
	int64_t result = 0;
	bool found = false;
	int32_t day;
	int64_t sec;

	assert(office_hours_valid(oh));
	t = clamp_time(t);
	day = mc_local_day(t);
	sec = local_second(t, day);
	if (mc_workcal_is_working_day(wc, day) && !(cutoff_min >= 0 && sec >= (int64_t)cutoff_min * 60)) {
		for (int i = 0; i < oh->n && !found; i++) {
			if (sec < span_start(oh, i)) {
				/* before opening, at lunch */
				result = mc_local_day_start(day) + span_start(oh, i);
				found = true;
			} else if (sec < span_end(oh, i)) {
				result = t;
				found = true;
			}
		}
	}
	if (!found)
		result = mc_local_day_start(next_working_day(wc, day)) + span_start(oh, 0);
	return result;
}

/* The earliest time at which `amount` seconds of working time have passed
 * since from. */
static int64_t add_seconds(const mc_workcal *wc, const mc_office_hours *oh, int64_t from, int64_t amount)
{
	const int32_t table_first = mc_days_from_civil(MC_WORKCAL_FIRST_YEAR, 1, 1);
	const int32_t table_last = mc_days_from_civil(MC_WORKCAL_LAST_YEAR, 12, 31);
	const int64_t per_day = day_work(oh);
	int64_t result;
	int32_t day;
	int64_t sec;

	from = clamp_time(from);
	result = from;
	if (amount <= 0)
		goto done;
	day = mc_local_day(from);
	sec = local_second(from, day);
	for (;;) {
		/* Outside the calendar's table any 7 days hold exactly 5 working
		 * days: skip whole weeks, leaving the last part to the loop. */
		if (sec == 0 && (day > table_last || (int64_t)day + 7 <= table_first)) {
			int64_t weeks = (amount - 1) / (5 * per_day);
			if (day < table_first && weeks > (table_first - day) / 7)
				weeks = (table_first - day) / 7;
			day += (int32_t)(7 * weeks);
			amount -= weeks * 5 * per_day;
		}
		if (mc_workcal_is_working_day(wc, day)) {
			if (sec == 0 && amount > per_day) {
				amount -= per_day;
			} else {
				for (int i = 0; i < oh->n; i++) {
					int64_t a = sec > span_start(oh, i) ? sec : span_start(oh, i);
					int64_t b = span_end(oh, i);
					if (a >= b)
						continue;
					if (amount <= b - a) {
						/* "<=": a period ending on a span's end ends there. */
						result = mc_local_day_start(day) + a + amount;
						goto done;
					}
					amount -= b - a;
				}
			}
		}
		day++;
		sec = 0;
	}
done:
	return result;
}

/* Working seconds in [from, to). */
static int64_t worked_seconds(const mc_workcal *wc, const mc_office_hours *oh, int64_t from, int64_t to)
{
	int64_t total = 0;
	int32_t from_day, to_day;
	int64_t from_sec, to_sec;

	from = clamp_time(from);
	to = clamp_time(to);
	if (to <= from)
		goto done;
	from_day = mc_local_day(from);
	to_day = mc_local_day(to);
	from_sec = local_second(from, from_day);
	to_sec = local_second(to, to_day);
	if (from_day == to_day) {
		if (mc_workcal_is_working_day(wc, from_day))
			total = office_overlap(oh, from_sec, to_sec);
		goto done;
	}
	if (mc_workcal_is_working_day(wc, from_day))
		total += office_overlap(oh, from_sec, DAY_SECONDS);
	total += mc_workcal_count_working(wc, from_day + 1, to_day) * day_work(oh);
	if (mc_workcal_is_working_day(wc, to_day))
		total += office_overlap(oh, 0, to_sec);
done:
	return total;
}

int64_t mc_deadline_add(const mc_workcal *wc, const mc_office_hours *oh, int64_t from, int64_t minutes)
{
	assert(office_hours_valid(oh));
	if (minutes > MINUTES_MAX)
		minutes = MINUTES_MAX;
	return add_seconds(wc, oh, from, minutes * 60);
}

int64_t mc_deadline_due(const mc_workcal *wc, const mc_office_hours *oh, int64_t received, int32_t hours,
			int cutoff_min)
{
	int64_t start = mc_deadline_start(wc, oh, received, cutoff_min);
	return mc_deadline_add(wc, oh, start, (int64_t)hours * 60);
}

int64_t mc_deadline_worked(const mc_workcal *wc, const mc_office_hours *oh, int64_t from, int64_t to)
{
	assert(office_hours_valid(oh));
	return worked_seconds(wc, oh, from, to) / 60;
}

int64_t mc_deadline_resume(const mc_workcal *wc, const mc_office_hours *oh, int64_t due, int64_t paused_at,
			   int64_t resumed_at, bool restart, int32_t hours, int cutoff_min)
{
	int64_t result;
	assert(office_hours_valid(oh));
	if (restart)
		result = mc_deadline_due(wc, oh, resumed_at, hours, cutoff_min);
	else
		result = add_seconds(wc, oh, due, worked_seconds(wc, oh, paused_at, resumed_at));
	return result;
}

mc_finish_class mc_deadline_classify_finished(int64_t finished, int64_t due)
{
	mc_finish_class c = MC_FINISH_ON_TIME;
	finished = clamp_time(finished);
	due = clamp_time(due);
	if (finished > due)
		c = MC_FINISH_LATE;
	else if (mc_local_day(finished) < mc_local_day(due))
		c = MC_FINISH_EARLY;
	return c;
}

mc_open_class mc_deadline_classify_open(const mc_workcal *wc, const mc_office_hours *oh, int64_t now,
					int64_t due, int64_t soon_minutes)
{
	mc_open_class c = MC_OPEN_WITHIN;
	assert(office_hours_valid(oh));
	if (now > due) {
		c = MC_OPEN_OVERDUE;
	} else if (soon_minutes >= 0) {
		int64_t left = worked_seconds(wc, oh, now, due);
		if (soon_minutes > MINUTES_MAX || left <= soon_minutes * 60)
			c = MC_OPEN_DUE_SOON;
	}
	return c;
}

const char *mc_finish_class_name(mc_finish_class c)
{
	static const char *const names[] = {
	    [MC_FINISH_EARLY] = "early",
	    [MC_FINISH_ON_TIME] = "on_time",
	    [MC_FINISH_LATE] = "late",
	};
	return c >= MC_FINISH_EARLY && c <= MC_FINISH_LATE ? names[c] : NULL;
}

const char *mc_open_class_name(mc_open_class c)
{
	static const char *const names[] = {
	    [MC_OPEN_WITHIN] = "within_time",
	    [MC_OPEN_DUE_SOON] = "due_soon",
	    [MC_OPEN_OVERDUE] = "overdue",
	};
	return c >= MC_OPEN_WITHIN && c <= MC_OPEN_OVERDUE ? names[c] : NULL;
}

/* ---- office hours ---- */

static void skip_spaces(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

/* "H:MM" or "HH:MM", 00:00..24:00, into minutes. */
static int parse_clock(const char **p, int *out)
{
	const char *s = *p;
	int h = 0;
	int digits = 0;
	int ret = MC_EINVAL;

	while (digits < 2 && s[digits] >= '0' && s[digits] <= '9') {
		h = h * 10 + (s[digits] - '0');
		digits++;
	}
	if (digits == 0 || s[digits] != ':')
		goto cleanup;
	s += digits + 1;
	if (s[0] < '0' || s[0] > '5' || s[1] < '0' || s[1] > '9')
		goto cleanup;
	*out = h * 60 + (s[0] - '0') * 10 + (s[1] - '0');
	if (h > 24 || *out > 1440)
		goto cleanup;
	*p = s + 2;
	ret = 0;
cleanup:
	return ret;
}

int mc_office_hours_parse(mc_office_hours *out, const char *s)
{
	mc_office_hours oh = {.n = 0};
	const char *p = s;
	int ret = MC_EINVAL;

	for (;;) {
		int start, end;
		skip_spaces(&p);
		if (oh.n == 4 || parse_clock(&p, &start) < 0)
			goto cleanup;
		skip_spaces(&p);
		if (*p != '-')
			goto cleanup;
		p++;
		skip_spaces(&p);
		if (parse_clock(&p, &end) < 0)
			goto cleanup;
		oh.span[oh.n].start = (int16_t)start;
		oh.span[oh.n].end = (int16_t)end;
		oh.n++;
		skip_spaces(&p);
		if (*p != ',')
			break;
		p++;
	}
	if (*p != '\0' || !office_hours_valid(&oh))
		goto cleanup;
	*out = oh;
	ret = 0;
cleanup:
	return ret;
}

void mc_office_hours_format(char *buf, size_t cap, const mc_office_hours *oh)
{
	size_t used = 0;
	assert(cap > 0);
	buf[0] = '\0';
	for (int i = 0; i < oh->n && used < cap; i++) {
		int n = snprintf(buf + used, cap - used, "%s%02d:%02d-%02d:%02d", i ? "," : "",
				 oh->span[i].start / 60, oh->span[i].start % 60, oh->span[i].end / 60,
				 oh->span[i].end % 60);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
