/*
 * test_rollup.c - the statistics roll-up (src/core/rollup.c) against the
 * rules of docs/statistics.md applied directly to each dossier.
 *
 * Random dossiers (received or not, open or finished in every final state,
 * paused or not, with and without an apology's statutory time, instants on
 * and off midnight) are counted both ways for random periods of local days:
 * once by the rules, dossier by dossier, the way the live SQL counts, and once
 * by summing the roll-up's cells. Every counter must agree. Changing a
 * dossier by taking its old contribution away and adding the new one must
 * give the cells of the new dossier alone; a month's cell must be the sum of
 * its days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/mc.h"
#include "core/rollup.h"
#include "core/stats.h"
#include "stats_assert.h"

#define DAY 86400
/* 2017-03-01 00:00 local */
#define BASE ((int64_t)mc_days_from_civil(2017, 3, 1) * DAY - MC_TZ_OFFSET)
#define SPAN_DAYS 75

static uint64_t rng_state = 0x2545F4914F6CDD1Du;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int64_t pick(int64_t lo, int64_t hi) /* [lo, hi] */
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* An instant of the window: a third of them exactly on a local midnight. */
static int64_t instant(int64_t lo_day, int64_t hi_day)
{
	int64_t day = pick(lo_day, hi_day);

	return BASE + day * DAY + (rnd() % 3 == 0 ? 0 : pick(1, DAY - 1));
}

struct dossier {
	mc_rollup_in in;
	int64_t supplements[3];
	int n_supplements;
};

static void make(struct dossier *x)
{
	mc_rollup_in *d = &x->in;
	int64_t start = pick(0, SPAN_DAYS - 20);

	memset(x, 0, sizeof(*x));
	d->province_code = "H56";
	d->unit_id = pick(1, 3);
	d->channel = (int)pick(1, 3);
	if (rnd() % 8 != 0) {
		d->received_at = instant(start, start);
		d->due_at = d->received_at + pick(-DAY, 12 * DAY); /* sometimes already due */
		if (rnd() % 6 == 0) {
			d->statutory_due_at = d->due_at;
			d->due_at += pick(1, 5 * DAY);
		}
	}
	int64_t from = d->received_at ? d->received_at : BASE + start * DAY;
	bool finished = rnd() % 3 != 0;
	if (finished) {
		d->finished_at = from + pick(0, 15 * DAY);
		if (rnd() % 5 == 0)
			d->finished_at =
			    (d->finished_at + MC_TZ_OFFSET) / DAY * DAY - MC_TZ_OFFSET; /* a midnight */
		if (d->received_at && rnd() % 6 == 0) /* exactly at the due time */
			d->finished_at = d->statutory_due_at ? d->statutory_due_at : d->due_at;
		if (d->finished_at < from)
			d->finished_at = from;
		static const int finals[] = {MC_ST_RESOLVED, MC_ST_RETURNED, MC_ST_WITHDRAWN, MC_ST_STOPPED,
					     MC_ST_NOT_ACCEPTED};
		d->state =
		    d->received_at ? finals[rnd() % 5] : (rnd() % 2 ? MC_ST_NOT_ACCEPTED : MC_ST_WITHDRAWN);
	} else {
		static const int open[] = {MC_ST_RECEIVED, MC_ST_PROCESSING, MC_ST_SUPPLEMENT_REQUESTED,
					   MC_ST_AWAITING_PAYMENT};
		d->state = d->received_at ? open[rnd() % 4] : MC_ST_SUBMITTED;
	}
	/* Paused: open dossiers waiting for documents or a fee, and now and
	 * then a dossier withdrawn or stopped while it waited. */
	if (d->received_at && (rnd() % 4 == 0)) {
		int64_t hi = d->finished_at ? d->finished_at : d->received_at + 20 * DAY;
		d->paused_at = pick(d->received_at, hi);
		if (rnd() % 4 == 0)
			d->paused_at = (d->paused_at + MC_TZ_OFFSET) / DAY * DAY - MC_TZ_OFFSET + DAY;
		if (d->finished_at && d->paused_at > d->finished_at)
			d->paused_at = d->finished_at;
	}
	x->n_supplements = (int)pick(0, 3);
	int64_t t = from;
	for (int i = 0; i < x->n_supplements; i++) {
		t += pick(0, 6 * DAY);
		x->supplements[i] = t;
	}
}

/* docs/statistics.md §4, dossier by dossier. */
static void count_by_rules(mc_stats_counts *c, const struct dossier *x, int64_t from, int64_t to, int64_t at)
{
	const mc_rollup_in *d = &x->in;
	int64_t due = d->statutory_due_at > 0 ? d->statutory_due_at : d->due_at;
	int64_t r = d->received_at, f = d->finished_at;
	bool fin_in = f > 0 && f >= from && f < to;

	if (r > 0 && r < from && (f == 0 || f >= from))
		c->carried_over++;
	if (r >= from && r < to) {
		c->received++;
		c->received_online += d->channel == MC_CH_ONLINE;
		c->received_direct += d->channel == MC_CH_DIRECT;
		c->received_postal += d->channel == MC_CH_POSTAL;
	}
	if (fin_in && (d->state == MC_ST_RESOLVED || d->state == MC_ST_RETURNED)) {
		c->resolved++;
		if (f > due)
			c->resolved_late++;
		else if ((f + MC_TZ_OFFSET) / DAY < (due + MC_TZ_OFFSET) / DAY)
			c->resolved_early++;
		else
			c->resolved_on_time++;
	}
	if (r > 0 && r < to && (f == 0 || f >= to)) {
		int64_t judged = d->paused_at > 0 && d->paused_at <= at ? d->paused_at : at;
		c->in_progress++;
		if (judged > due)
			c->in_progress_overdue++;
		else
			c->in_progress_within++;
	}
	c->withdrawn += fin_in && d->state == MC_ST_WITHDRAWN;
	c->stopped += fin_in && d->state == MC_ST_STOPPED;
	c->not_accepted += fin_in && d->state == MC_ST_NOT_ACCEPTED;
	for (int i = 0; i < x->n_supplements; i++) {
		if (x->supplements[i] >= from && x->supplements[i] < to) {
			c->supplement_requested++;
			break;
		}
	}
}

/* The same figures from the cells: dated counters summed over the period's
 * days, states summed over every day up to the midnight asked. */
static void count_by_cells(mc_stats_counts *c, const mc_rollup_set *s, int64_t unit_id, int32_t fd,
			   int32_t td)
{
	for (size_t i = 0; i < s->len; i++) {
		const mc_rollup_cell *x = &s->cells[i];
		if (x->unit_id != unit_id)
			continue;
		if (x->grain == MC_ROLLUP_REPEAT) {
			if (x->period >= fd && x->period < td && x->aux < fd)
				c->supplement_requested += x->v[MC_RU_SUPPLEMENT];
			continue;
		}
		if (x->grain != MC_ROLLUP_DAY)
			continue;
		if (x->period >= fd && x->period < td) {
			c->received_online += x->v[MC_RU_RECV_ONLINE];
			c->received_direct += x->v[MC_RU_RECV_DIRECT];
			c->received_postal += x->v[MC_RU_RECV_POSTAL];
			c->received += x->v[MC_RU_RECV_TOTAL];
			c->resolved_early += x->v[MC_RU_RES_EARLY];
			c->resolved_on_time += x->v[MC_RU_RES_ON_TIME];
			c->resolved_late += x->v[MC_RU_RES_LATE];
			c->withdrawn += x->v[MC_RU_WITHDRAWN];
			c->stopped += x->v[MC_RU_STOPPED];
			c->not_accepted += x->v[MC_RU_NOT_ACCEPTED];
			c->supplement_requested += x->v[MC_RU_SUPPLEMENT];
		}
		if (x->period <= fd)
			c->carried_over += x->v[MC_RU_IN_PROGRESS];
		if (x->period <= td) {
			c->in_progress += x->v[MC_RU_IN_PROGRESS];
			c->in_progress_overdue += x->v[MC_RU_OVERDUE];
		}
	}
	c->resolved = c->resolved_early + c->resolved_on_time + c->resolved_late;
	c->in_progress_within = c->in_progress - c->in_progress_overdue;
}

static void add_dossier(mc_rollup_set *s, const struct dossier *x)
{
	mc_rollup_in d = x->in;

	mc_rollup_dossier(s, &d, 1);
	d.last_supplement_at = 0;
	for (int i = 0; i < x->n_supplements; i++) {
		mc_rollup_supplement(s, &d, x->supplements[i]);
		d.last_supplement_at = x->supplements[i];
	}
}

#define N_DOSSIERS 3000

static void test_cells_count_as_the_rules_for_ended_periods(void **state)
{
	(void)state;
	struct dossier *xs = calloc(N_DOSSIERS, sizeof(*xs));
	mc_rollup_set s = {0};

	for (int i = 0; i < N_DOSSIERS; i++) {
		make(&xs[i]);
		add_dossier(&s, &xs[i]);
	}
	for (int round = 0; round < 300; round++) {
		int32_t base_day = mc_rollup_day(BASE);
		int32_t fd = base_day + (int32_t)pick(-3, SPAN_DAYS);
		int32_t td = fd + (int32_t)pick(1, 40);
		int64_t from = (int64_t)fd * DAY - MC_TZ_OFFSET, to = (int64_t)td * DAY - MC_TZ_OFFSET;
		int64_t unit = pick(1, 3);
		mc_stats_counts want = {0}, got = {0};

		for (int i = 0; i < N_DOSSIERS; i++) {
			if (xs[i].in.unit_id == unit)
				count_by_rules(&want, &xs[i], from, to, to);
		}
		count_by_cells(&got, &s, unit, fd, td);
		assert_stats_counts_equal(&want, &got);
	}
	mc_rollup_set_free(&s);
	free(xs);
}

/* A month's cell holds the sum of its days' cells. */
static void test_month_cells_sum_their_days(void **state)
{
	(void)state;
	mc_rollup_set s = {0};
	struct dossier x;

	for (int i = 0; i < 500; i++) {
		make(&x);
		add_dossier(&s, &x);
	}
	for (size_t i = 0; i < s.len; i++) {
		const mc_rollup_cell *m = &s.cells[i];
		int64_t sum[MC_ROLLUP_N] = {0};
		if (m->grain != MC_ROLLUP_MONTH)
			continue;
		for (size_t j = 0; j < s.len; j++) {
			const mc_rollup_cell *d = &s.cells[j];
			if (d->grain == MC_ROLLUP_DAY && d->unit_id == m->unit_id &&
			    mc_rollup_month(d->period) == m->period) {
				for (int k = 0; k < MC_ROLLUP_N; k++)
					sum[k] += d->v[k];
			}
		}
		for (int k = 0; k < MC_ROLLUP_N; k++)
			assert_int_equal(sum[k], m->v[k]);
	}
	mc_rollup_set_free(&s);
}

/* Taking the old columns away and adding the new ones leaves exactly the
 * cells of the new dossier: what the store does on every update. */
static void test_change_is_old_out_new_in(void **state)
{
	(void)state;
	for (int i = 0; i < 2000; i++) {
		struct dossier a, b;
		mc_rollup_set diff = {0}, alone = {0};

		make(&a);
		make(&b);
		b.in.unit_id = a.in.unit_id;
		mc_rollup_dossier(&diff, &a.in, 1);
		mc_rollup_dossier(&diff, &a.in, -1);
		mc_rollup_dossier(&diff, &b.in, 1);
		mc_rollup_dossier(&alone, &b.in, 1);
		mc_rollup_set_finish(&diff);
		mc_rollup_set_finish(&alone);
		assert_int_equal(diff.len, alone.len);
		for (size_t k = 0; k < diff.len; k++) {
			assert_int_equal(diff.cells[k].period, alone.cells[k].period);
			assert_int_equal(diff.cells[k].grain, alone.cells[k].grain);
			assert_memory_equal(diff.cells[k].v, alone.cells[k].v, sizeof(diff.cells[k].v));
		}
		/* The same dossier out and in again changes nothing. */
		mc_rollup_set none = {0};
		mc_rollup_dossier(&none, &b.in, -1);
		mc_rollup_dossier(&none, &b.in, 1);
		mc_rollup_set_finish(&none);
		assert_int_equal(none.len, 0);
		mc_rollup_set_free(&diff);
		mc_rollup_set_free(&alone);
		mc_rollup_set_free(&none);
	}
}

/* The tree of test_tree_cells_sum_the_subtree: 1 the root, 2 and 3 its
 * children, 4 and 5 under 2, 6 under 3; the paths of units 1 … 6. */
static const char *const tree_paths[] = {"", "/1/", "/1/2/", "/1/3/", "/1/2/4/", "/1/2/5/", "/1/3/6/"};

static bool tree_under(int64_t unit, int64_t root)
{
	char ids[8];

	snprintf(ids, sizeof ids, "/%lld/", (long long)root);
	return strstr(tree_paths[unit], ids) != NULL;
}

/* In a set by procedure, a unit's tree cell of a month holds the sum of the
 * month cells of its subtree's units, and its year cell the sum of its
 * months: what a subtree's question reads (migration 045). A dossier written
 * without its path (n_tree 0) adds to no tree cell, so the sums would miss
 * it. */
static void test_tree_cells_sum_the_subtree(void **state)
{
	(void)state;
	mc_rollup_set s = {.by_procedure = true};
	struct dossier x;

	for (int i = 0; i < 600; i++) {
		make(&x);
		x.in.unit_id = pick(1, 6);
		x.in.procedure_id = pick(1, 4);
		/* Now and then a long one, across the turn of the year. */
		if (x.in.finished_at && rnd() % 10 == 0)
			x.in.finished_at += pick(200, 400) * DAY;
		assert_int_equal(mc_rollup_tree_of_path(&x.in, tree_paths[x.in.unit_id]), 0);
		add_dossier(&s, &x);
	}
	int checked = 0;
	for (size_t i = 0; i < s.len; i++) {
		const mc_rollup_cell *t = &s.cells[i];
		int64_t sum[MC_ROLLUP_N] = {0};
		if (t->grain != MC_ROLLUP_TREE_MONTH && t->grain != MC_ROLLUP_TREE_YEAR)
			continue;
		for (size_t j = 0; j < s.len; j++) {
			const mc_rollup_cell *m = &s.cells[j];
			int32_t period = t->grain == MC_ROLLUP_TREE_YEAR ? m->period / 12 : m->period;
			if (m->grain == MC_ROLLUP_MONTH && m->procedure_id == t->procedure_id &&
			    period == t->period && tree_under(m->unit_id, t->unit_id)) {
				for (int k = 0; k < MC_ROLLUP_N; k++)
					sum[k] += m->v[k];
			}
		}
		for (int k = 0; k < MC_ROLLUP_N; k++)
			assert_int_equal(sum[k], t->v[k]);
		checked++;
	}
	/* Every unit's month cell is under the root's, so the root has one per
	 * (procedure, month) with a month cell; and every year has its cell. */
	size_t len = s.len;
	for (size_t j = 0; j < len; j++) {
		mc_rollup_cell m = s.cells[j];
		if (m.grain != MC_ROLLUP_MONTH)
			continue;
		for (int64_t u = 1; u <= 6; u++) {
			if (!tree_under(m.unit_id, u))
				continue;
			/* Found, not added. */
			mc_rollup_cell_at_proc(&s, u, m.procedure_id, NULL, MC_ROLLUP_TREE_MONTH, m.period,
					       0);
			mc_rollup_cell_at_proc(&s, u, m.procedure_id, NULL, MC_ROLLUP_TREE_YEAR,
					       m.period / 12, 0);
			assert_int_equal(s.len, len);
		}
	}
	assert_true(checked > 100);
	/* A set by unit has no tree cells. */
	mc_rollup_set by_unit = {0};
	add_dossier(&by_unit, &x);
	for (size_t i = 0; i < by_unit.len; i++)
		assert_true(by_unit.cells[i].grain <= MC_ROLLUP_REPEAT);
	mc_rollup_set_free(&by_unit);
	mc_rollup_set_free(&s);
}

static void test_tree_of_path(void **state)
{
	(void)state;
	mc_rollup_in in = {0};

	assert_int_equal(mc_rollup_tree_of_path(&in, "/1/25/301/"), 0);
	assert_int_equal(in.n_tree, 3);
	assert_true(in.tree[0] == 1 && in.tree[1] == 25 && in.tree[2] == 301);
	assert_int_equal(mc_rollup_tree_of_path(&in, "/7/"), 0);
	assert_int_equal(in.n_tree, 1);
	const char *bad[] = {"", "1/2/", "/1/2", "/1//2/", "/1/x/", "/-1/", NULL};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(mc_rollup_tree_of_path(&in, bad[i]), MC_EINVAL);
		assert_int_equal(in.n_tree, 0);
	}
	assert_int_equal(mc_rollup_tree_of_path(&in, NULL), MC_EINVAL);
	/* Deeper than MC_ROLLUP_TREE_MAX: refused, not cut. */
	char deep[4 * (MC_ROLLUP_TREE_MAX + 2)] = "/";
	for (int i = 0; i <= MC_ROLLUP_TREE_MAX; i++)
		strcat(deep, "9/");
	assert_int_equal(mc_rollup_tree_of_path(&in, deep), MC_EINVAL);
	deep[strlen(deep) - 2] = '\0';
	assert_int_equal(mc_rollup_tree_of_path(&in, deep), 0);
	assert_int_equal(in.n_tree, MC_ROLLUP_TREE_MAX);
}

static void test_days_and_months(void **state)
{
	(void)state;
	/* 2017-01-01 00:00 local is 2016-12-31 17:00 UTC. */
	int64_t t = (int64_t)mc_days_from_civil(2017, 1, 1) * DAY - MC_TZ_OFFSET;
	assert_int_equal(mc_rollup_day(t), mc_days_from_civil(2017, 1, 1));
	assert_int_equal(mc_rollup_day(t - 1), mc_days_from_civil(2016, 12, 31));
	assert_int_equal(mc_rollup_month(mc_days_from_civil(2017, 1, 1)), 2017 * 12);
	assert_int_equal(mc_rollup_month(mc_days_from_civil(2017, 12, 31)), 2017 * 12 + 11);
	assert_int_equal(mc_rollup_month_first(2017 * 12 + 1), mc_days_from_civil(2017, 2, 1));
	assert_int_equal(mc_rollup_day(-MC_TZ_OFFSET - 1), -1); /* before 1970 rounds down */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_days_and_months),
	    cmocka_unit_test(test_cells_count_as_the_rules_for_ended_periods),
	    cmocka_unit_test(test_month_cells_sum_their_days),
	    cmocka_unit_test(test_change_is_old_out_new_in),
	    cmocka_unit_test(test_tree_cells_sum_the_subtree),
	    cmocka_unit_test(test_tree_of_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
