/*
 * deadline.h - due times counted in working time.
 *
 * A procedure's processing time is a number of working hours (a day is 8);
 * the clock runs only during office hours on working days (workcal.h). A
 * dossier received after closing starts the next working morning, one received
 * at lunch starts at 13:30, and a procedure may set a cut-off hour after which
 * the day does not count. A supplement request pauses the clock.
 *
 * All times in and out are UTC seconds (mc.h); office hours are local time,
 * UTC+7 (Vietnam has no daylight saving). Times are meaningful from year 1 to
 * year 9999 and are clamped to that span. Pure functions: safe from any
 * thread on a shared, immutable mc_workcal.
 */
#ifndef MC_DEADLINE_H
#define MC_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/workcal.h"

typedef struct {
	int16_t start, end; /* minutes after local midnight, 0 <= start < end <= 1440 */
} mc_span;

typedef struct {
	uint8_t n;	 /* 1..4 */
	mc_span span[4]; /* sorted, non-overlapping; worked on working days */
} mc_office_hours;

/* 07:00-11:30 and 13:30-17:00: 8 working hours a day. */
extern const mc_office_hours MC_OFFICE_HOURS_DEFAULT;

/* Parses "07:00-11:30,13:30-17:00" (1 to 4 spans "HH:MM-HH:MM", comma
 * separated, spaces allowed around them; "24:00" as an end) into *out.
 * Returns 0, or MC_EINVAL for bad syntax, an empty or reversed span, spans
 * out of order or overlapping (touching is allowed), or more than 4. */
int mc_office_hours_parse(mc_office_hours *out, const char *s);

/* Writes oh as mc_office_hours_parse reads it ("07:00-11:30,13:30-17:00")
 * into buf of size cap, truncating and always terminating (cap > 0). */
void mc_office_hours_format(char *buf, size_t cap, const mc_office_hours *oh);

/*
 * Start of counting for a dossier received at t: t itself inside office
 * hours; the start of the next span when t is before it on the same working
 * day (before opening, at lunch: 13:30); the next working morning's opening
 * after closing or on a day off. If cutoff_min >= 0 (minutes after local
 * midnight) and t's local time of day is at or after it on a working day, the
 * day does not count: the next working morning's opening.
 */
int64_t mc_deadline_start(const mc_workcal *wc, const mc_office_hours *oh, int64_t t, int cutoff_min);

/*
 * The earliest time at which `minutes` of working time have passed since
 * `from` (any time, in office hours or not). A result that lands exactly on
 * the end of a span stays there: a 40-hour period from Monday 07:00 ends on
 * Friday 17:00, not on the next Monday 07:00. minutes <= 0 gives from;
 * minutes are capped at 10^9 (thousands of years of working time).
 */
int64_t mc_deadline_add(const mc_workcal *wc, const mc_office_hours *oh, int64_t from, int64_t minutes);

/* Due time of a period of `hours` working hours for a dossier received at
 * `received`: mc_deadline_add(mc_deadline_start(received, cutoff_min), hours * 60). */
int64_t mc_deadline_due(const mc_workcal *wc, const mc_office_hours *oh, int64_t received, int32_t hours,
			int cutoff_min);

/* Working minutes in [from, to), rounded down; 0 when to <= from.
 * Fast over long ranges: whole days are counted from the calendar's bits.
 * For any from and m >= 0: worked(from, add(from, m)) == m. */
int64_t mc_deadline_worked(const mc_workcal *wc, const mc_office_hours *oh, int64_t from, int64_t to);

/*
 * New due time of a dossier whose clock was paused at paused_at (supplement
 * requested, awaiting payment) and resumes at resumed_at. Without restart the
 * due time moves by the working time that passed while paused: add(due,
 * worked(paused_at, resumed_at)). With restart the whole period starts again
 * from the resumption: due(resumed_at, hours, cutoff_min).
 */
int64_t mc_deadline_resume(const mc_workcal *wc, const mc_office_hours *oh, int64_t due, int64_t paused_at,
			   int64_t resumed_at, bool restart, int32_t hours, int cutoff_min);

typedef enum {
	MC_FINISH_EARLY = 1, /* trước hạn */
	MC_FINISH_ON_TIME,   /* đúng hạn */
	MC_FINISH_LATE,	     /* trễ hạn: the result came after the due time */
} mc_finish_class;

/* Late when finished > due; early when finished falls on a local calendar day
 * before the due day; otherwise on time. */
mc_finish_class mc_deadline_classify_finished(int64_t finished, int64_t due);

typedef enum {
	MC_OPEN_WITHIN = 1, /* trong hạn */
	MC_OPEN_DUE_SOON,   /* sắp đến hạn */
	MC_OPEN_OVERDUE,    /* quá hạn: still open past the due time */
} mc_open_class;

/* Overdue when now > due; due soon when at most soon_minutes of working time
 * are left (now == due is due soon); otherwise within time. */
mc_open_class mc_deadline_classify_open(const mc_workcal *wc, const mc_office_hours *oh, int64_t now,
					int64_t due, int64_t soon_minutes);

/* "early", "on_time", "late"; NULL outside the enum. Static string. */
const char *mc_finish_class_name(mc_finish_class c);

/* "within_time", "due_soon", "overdue"; NULL outside the enum. Static string. */
const char *mc_open_class_name(mc_open_class c);

#endif
