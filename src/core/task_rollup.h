/*
 * task_rollup.h - the tasks' roll-up: what one task adds to the counters of
 * the figures (GET /api/v1/tasks/stats, docs/tasks.md §5), per assigning
 * unit, unit in charge or assigning leader, and local day, month and year of
 * assignment, so that a province-year is a sum over a few thousand cells
 * instead of a count over every task.
 *
 * A cell counts what does not move with the day it is read on: done on time,
 * within the extension and late (judged by the original deadline, as
 * mc_task_timing_of does), suspended, open or proposed without a deadline.
 * An open or proposed task with a deadline is counted in a cell of its own
 * keyed by the months its deadline may fall in (a bucket): the month of its
 * day, or for a recurring task the months of the period whose report is
 * awaited (the report is due on the period's last working day). Read on day
 * T, the buckets that end before T's month are overdue, those that begin
 * after it in time (or due soon), and those that hold T's month are counted
 * live from the rows (their tasks are few). Cancelled tasks are not counted.
 *
 * Arithmetic on the task's columns only; the store applies the differences
 * in the transaction that writes the task (src/store/store_task.c).
 */
#ifndef MC_CORE_TASK_ROLLUP_H
#define MC_CORE_TASK_ROLLUP_H

#include <stddef.h>
#include <stdint.h>

/* The counters of a cell, in the table's column order. */
enum {
	MC_TR_DONE_ON_TIME,
	MC_TR_DONE_EXTENDED,
	MC_TR_DONE_LATE,
	MC_TR_SUSPENDED,
	MC_TR_OPEN_NONE,      /* assigned, in progress, sent back, extension asked: no deadline */
	MC_TR_PROPOSED_NONE,  /* completion proposed, no deadline */
	MC_TR_OPEN_DATED,     /* open, due by a day: bucket cells (due_month) only */
	MC_TR_PROPOSED_DATED, /* proposed, due by a day: bucket cells only */
	MC_TR_N
};

/* Grains of the day of assignment: the day (days since 1970-01-01), the
 * month (year * 12 + month - 1), the year. */
enum { MC_TR_DAY = 0, MC_TR_MONTH = 1, MC_TR_YEAR = 2 };

/* What a cell is keyed by besides the period: the unit in charge, or the
 * assigning leader (0 = not recorded). */
enum { MC_TR_BY_UNIT = 0, MC_TR_BY_LEADER = 1 };

typedef struct {
	int32_t grain;
	int32_t period;
	int64_t assigner_unit_id;
	int32_t dim;
	int64_t key_id;
	int32_t due_month;	/* the last month the deadline may fall in (year * 12 + month - 1); 0: none */
	int32_t due_from_month; /* the first one (due_month for a day) */
	int64_t v[MC_TR_N];
} mc_task_rollup_cell;

/* The columns of a task the cells read. */
typedef struct {
	int64_t assigner_unit_id;
	int64_t unit_id;
	int64_t assigned_by; /* 0 = not recorded */
	int state;	     /* mc_task_state */
	int due_kind;	     /* mc_task_due_kind */
	int32_t assigned_day;
	int32_t original_due;
	int32_t due;
	int32_t done_day;
	int period;		    /* recurring: mc_task_period */
	int32_t next_report_period; /* recurring: a day of the period whose report is awaited */
} mc_task_rollup_in;

#define MC_TASK_ROLLUP_CELLS 6

/* The cells a task adds 1 to (each with one counter set to `sign`): one per
 * grain and key, MC_TASK_ROLLUP_CELLS, or none for a task outside the
 * roll-up (cancelled, or outside the enums). Returns how many. */
size_t mc_task_rollup_cells(mc_task_rollup_cell out[MC_TASK_ROLLUP_CELLS], const mc_task_rollup_in *in,
			    int sign);

/* Orders cells by key (grain, period, assigner, dim, key, due months). */
int mc_task_rollup_cmp(const void *a, const void *b);

/* Sorts cells by key and adds up those of one key; drops those left at
 * zero. Returns the new count. */
size_t mc_task_rollup_merge(mc_task_rollup_cell *cells, size_t n);

/* year * 12 + month - 1 of a local day number. */
int32_t mc_task_rollup_month(int32_t day);

/* The cells that cover the days [from, to] exactly: at most two ranges of
 * days, two of months and one of years (periods as the grains; an empty
 * range has lo > hi). from <= to. */
typedef struct {
	int32_t lo, hi;
} mc_task_rollup_range;

typedef struct {
	mc_task_rollup_range day[2], month[2], year;
} mc_task_rollup_span;

void mc_task_rollup_span_of(mc_task_rollup_span *out, int32_t from, int32_t to);

#endif
