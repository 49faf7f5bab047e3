/*
 * task_rollup.c - what a task adds to the tasks' roll-up (task_rollup.h).
 */
#include "core/task_rollup.h"

#include "core/mc.h"
#include "core/task.h"

#include <stdlib.h>
#include <string.h>

int32_t mc_task_rollup_month(int32_t day)
{
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	return y * 12 + m - 1;
}

size_t mc_task_rollup_cells(mc_task_rollup_cell out[MC_TASK_ROLLUP_CELLS], const mc_task_rollup_in *in,
			    int sign)
{
	int col = -1;
	int32_t due_month = 0, due_from = 0;
	int y, m, d;

	if (in->state == MC_TASK_DONE) {
		/* Judged as the list judges it: by the original deadline. */
		mc_task_facts f = {.state = MC_TASK_DONE,
				   .due_kind = (mc_task_due_kind)in->due_kind,
				   .original_due = in->original_due,
				   .due = in->due,
				   .done_day = in->done_day};
		mc_task_timing t = mc_task_timing_of(NULL, &f, 0);
		col = t == MC_TASK_TIMING_DONE_LATE	  ? MC_TR_DONE_LATE
		      : t == MC_TASK_TIMING_DONE_EXTENDED ? MC_TR_DONE_EXTENDED
							  : MC_TR_DONE_ON_TIME;
	} else if (in->state == MC_TASK_SUSPENDED) {
		col = MC_TR_SUSPENDED;
	} else if (mc_task_state_open((mc_task_state)in->state) || in->state == MC_TASK_PROPOSED_DONE) {
		bool proposed = in->state == MC_TASK_PROPOSED_DONE;
		int32_t start, end;
		col = proposed ? MC_TR_PROPOSED_NONE : MC_TR_OPEN_NONE;
		if (in->due_kind == MC_TASK_DUE_DATE) {
			col = proposed ? MC_TR_PROPOSED_DATED : MC_TR_OPEN_DATED;
			due_month = due_from = mc_task_rollup_month(in->due);
		} else if (in->due_kind == MC_TASK_DUE_RECURRING &&
			   mc_task_period_bounds(&start, &end, (mc_task_period)in->period,
						 in->next_report_period) == 0) {
			/* The report awaited is due on a day of [start, end). */
			col = proposed ? MC_TR_PROPOSED_DATED : MC_TR_OPEN_DATED;
			due_from = mc_task_rollup_month(start);
			due_month = mc_task_rollup_month(end - 1);
		}
		/* A recurring task without a valid period is judged without a
		 * deadline (mc_task_recurring_timing), as one of none. */
	}
	if (col < 0)
		return 0; /* cancelled, or outside the enums */
	mc_civil_from_days(in->assigned_day, &y, &m, &d);
	const int32_t periods[3] = {in->assigned_day, y * 12 + m - 1, y};
	size_t n = 0;
	for (int g = MC_TR_DAY; g <= MC_TR_YEAR; g++) {
		for (int dim = MC_TR_BY_UNIT; dim <= MC_TR_BY_LEADER; dim++) {
			mc_task_rollup_cell *c = &out[n++];
			memset(c, 0, sizeof *c);
			c->grain = g;
			c->period = periods[g];
			c->assigner_unit_id = in->assigner_unit_id;
			c->dim = dim;
			c->key_id = dim == MC_TR_BY_UNIT ? in->unit_id : in->assigned_by;
			c->due_month = due_month;
			c->due_from_month = due_from;
			c->v[col] = sign;
		}
	}
	return n;
}

#define CMP(a, b)                                                                                            \
	do {                                                                                                 \
		if ((a) != (b))                                                                              \
			return (a) < (b) ? -1 : 1;                                                           \
	} while (0)

int mc_task_rollup_cmp(const void *a, const void *b)
{
	const mc_task_rollup_cell *x = a, *y = b;
	CMP(x->grain, y->grain);
	CMP(x->period, y->period);
	CMP(x->assigner_unit_id, y->assigner_unit_id);
	CMP(x->dim, y->dim);
	CMP(x->key_id, y->key_id);
	CMP(x->due_month, y->due_month);
	CMP(x->due_from_month, y->due_from_month);
	return 0;
}

size_t mc_task_rollup_merge(mc_task_rollup_cell *cells, size_t n)
{
	size_t out = 0;

	if (n == 0)
		return 0;
	qsort(cells, n, sizeof *cells, mc_task_rollup_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && mc_task_rollup_cmp(&cells[out - 1], &cells[i]) == 0) {
			for (int k = 0; k < MC_TR_N; k++)
				cells[out - 1].v[k] += cells[i].v[k];
		} else {
			cells[out++] = cells[i];
		}
	}
	/* A change that moves a task within one cell leaves nothing to write. */
	size_t kept = 0;
	for (size_t i = 0; i < out; i++) {
		bool zero = true;
		for (int k = 0; k < MC_TR_N && zero; k++)
			zero = cells[i].v[k] == 0;
		if (!zero)
			cells[kept++] = cells[i];
	}
	return kept;
}

static int32_t month_first(int32_t day)
{
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	return mc_days_from_civil(y, m, 1);
}

static int32_t month_next(int32_t day)
{
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	return m == 12 ? mc_days_from_civil(y + 1, 1, 1) : mc_days_from_civil(y, m + 1, 1);
}

static int32_t year_next(int32_t day)
{
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	return mc_days_from_civil(y + 1, 1, 1);
}

static bool jan1(int32_t day)
{
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	return m == 1 && d == 1;
}

static void widen(mc_task_rollup_range *r, int32_t p)
{
	if (r->lo > r->hi)
		r->lo = p;
	r->hi = p;
}

void mc_task_rollup_span_of(mc_task_rollup_span *out, int32_t from, int32_t to)
{
	const mc_task_rollup_range empty = {1, 0};
	int32_t d = from;

	out->day[0] = out->day[1] = out->month[0] = out->month[1] = out->year = empty;
	/* Leading days, up to the first month wholly inside. */
	if (d <= to && (d != month_first(d) || month_next(d) - 1 > to)) {
		int32_t end = month_next(d) - 1 < to ? month_next(d) - 1 : to;
		out->day[0] = (mc_task_rollup_range){d, end};
		d = end + 1;
	}
	/* Leading months, up to the first year wholly inside. */
	while (d <= to && month_next(d) - 1 <= to && !(jan1(d) && year_next(d) - 1 <= to)) {
		widen(&out->month[0], mc_task_rollup_month(d));
		d = month_next(d);
	}
	while (d <= to && jan1(d) && year_next(d) - 1 <= to) {
		int y, m, dd;
		mc_civil_from_days(d, &y, &m, &dd);
		widen(&out->year, y);
		d = year_next(d);
	}
	while (d <= to && month_next(d) - 1 <= to) {
		widen(&out->month[1], mc_task_rollup_month(d));
		d = month_next(d);
	}
	if (d <= to)
		out->day[1] = (mc_task_rollup_range){d, to};
}
