/*
 * rollup.c - what a dossier adds to the statistics roll-up (rollup.h), with
 * the rules of docs/statistics.md §4 turned into per-day changes.
 */
#include "core/rollup.h"

#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/mc.h"
#include "core/stats.h"

int32_t mc_rollup_day(int64_t t)
{
	return mc_local_day(t);
}

int32_t mc_rollup_month(int32_t day)
{
	int y, m, d;

	mc_civil_from_days(day, &y, &m, &d);
	return y * 12 + m - 1;
}

int32_t mc_rollup_month_first(int32_t month)
{
	return mc_days_from_civil(month / 12, month % 12 + 1, 1);
}

/* ---- the set: cells in an array, found through an open-addressing index ---- */

static uint64_t key_hash(int64_t unit_id, int64_t procedure_id, int32_t grain, int32_t period, int32_t aux)
{
	uint64_t h = (uint64_t)unit_id * 0x9E3779B97F4A7C15u ^ (uint64_t)procedure_id * 0xD6E8FEB86659FD93u;

	h ^= ((uint64_t)(uint32_t)period << 20) ^ ((uint64_t)(uint32_t)aux << 3) ^ (uint64_t)(uint32_t)grain;
	h *= 0xBF58476D1CE4E5B9u;
	return h ^ (h >> 31);
}

static bool same_key(const mc_rollup_cell *c, int64_t unit_id, int64_t procedure_id, int32_t grain,
		     int32_t period, int32_t aux)
{
	return c->unit_id == unit_id && c->procedure_id == procedure_id && c->grain == grain &&
	       c->period == period && c->aux == aux;
}

static void index_put(mc_rollup_set *s, size_t pos)
{
	const mc_rollup_cell *c = &s->cells[pos];
	size_t i = key_hash(c->unit_id, c->procedure_id, c->grain, c->period, c->aux) & (s->n_slots - 1);

	while (s->slots[i])
		i = (i + 1) & (s->n_slots - 1);
	s->slots[i] = pos + 1;
}

static void grow(mc_rollup_set *s)
{
	s->cap = s->cap ? s->cap * 2 : 16;
	s->cells = mc_xrealloc(s->cells, s->cap * sizeof(*s->cells));
	free(s->slots);
	s->n_slots = s->cap * 2;
	s->slots = mc_xcalloc(s->n_slots, sizeof(*s->slots));
	for (size_t i = 0; i < s->len; i++)
		index_put(s, i);
}

void mc_rollup_set_free(mc_rollup_set *s)
{
	for (size_t i = 0; i < s->len; i++)
		free(s->cells[i].province_code);
	free(s->slots);
	free(s->cells);
	memset(s, 0, sizeof(*s));
}

mc_rollup_cell *mc_rollup_cell_at(mc_rollup_set *s, int64_t unit_id, const char *province_code, int32_t grain,
				  int32_t period, int32_t aux)
{
	return mc_rollup_cell_at_proc(s, unit_id, 0, province_code, grain, period, aux);
}

mc_rollup_cell *mc_rollup_cell_at_proc(mc_rollup_set *s, int64_t unit_id, int64_t procedure_id,
				       const char *province_code, int32_t grain, int32_t period, int32_t aux)
{
	if (s->n_slots) {
		size_t i = key_hash(unit_id, procedure_id, grain, period, aux) & (s->n_slots - 1);

		for (; s->slots[i]; i = (i + 1) & (s->n_slots - 1)) {
			mc_rollup_cell *c = &s->cells[s->slots[i] - 1];
			if (same_key(c, unit_id, procedure_id, grain, period, aux))
				return c;
		}
	}
	if (s->len == s->cap)
		grow(s);
	mc_rollup_cell *c = &s->cells[s->len];
	memset(c, 0, sizeof(*c));
	c->unit_id = unit_id;
	c->procedure_id = procedure_id;
	c->grain = grain;
	c->period = period;
	c->aux = aux;
	c->province_code = mc_xstrdup(province_code ? province_code : "");
	index_put(s, s->len);
	s->len++;
	return c;
}

static int cmp_cell(const void *a, const void *b)
{
	const mc_rollup_cell *x = a, *y = b;

	if (x->unit_id != y->unit_id)
		return x->unit_id < y->unit_id ? -1 : 1;
	if (x->procedure_id != y->procedure_id)
		return x->procedure_id < y->procedure_id ? -1 : 1;
	if (x->grain != y->grain)
		return x->grain < y->grain ? -1 : 1;
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	return (x->aux > y->aux) - (x->aux < y->aux);
}

void mc_rollup_set_finish(mc_rollup_set *s)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->len; i++) {
		bool zero = true;
		for (int k = 0; k < MC_ROLLUP_N && zero; k++)
			zero = s->cells[i].v[k] == 0;
		if (!zero)
			s->cells[kept++] = s->cells[i]; /* moved, string and all */
		else
			free(s->cells[i].province_code);
	}
	s->len = kept;
	if (s->len > 1)
		qsort(s->cells, s->len, sizeof(*s->cells), cmp_cell);
	/* The index no longer matches the positions: rebuild it. */
	if (s->n_slots) {
		memset(s->slots, 0, s->n_slots * sizeof(*s->slots));
		for (size_t i = 0; i < s->len; i++)
			index_put(s, i);
	}
}

/* ---- contributions ------------------------------------------------------ */

int mc_rollup_tree_of_path(mc_rollup_in *in, const char *path)
{
	const char *p = path;

	in->n_tree = 0;
	if (!p || *p != '/')
		return MC_EINVAL;
	for (p++; *p; p++) {
		int64_t id = 0;

		if (*p < '0' || *p > '9' || in->n_tree == MC_ROLLUP_TREE_MAX)
			goto bad;
		for (; *p >= '0' && *p <= '9'; p++)
			id = id * 10 + (*p - '0');
		if (*p != '/')
			goto bad;
		in->tree[in->n_tree++] = id;
	}
	return 0;
bad:
	in->n_tree = 0;
	return MC_EINVAL;
}

/* Adds v to counter k on a day, in its day cell and its month cell, and in a
 * set by procedure to the month and year cells of the units on the path. */
static void add(mc_rollup_set *s, const mc_rollup_in *d, int32_t day, int k, int64_t v)
{
	int64_t proc = s->by_procedure ? d->procedure_id : 0;
	int32_t month = mc_rollup_month(day);

	mc_rollup_cell_at_proc(s, d->unit_id, proc, d->province_code, MC_ROLLUP_DAY, day, 0)->v[k] += v;
	mc_rollup_cell_at_proc(s, d->unit_id, proc, d->province_code, MC_ROLLUP_MONTH, month, 0)->v[k] += v;
	for (int i = 0; s->by_procedure && i < d->n_tree; i++) {
		mc_rollup_cell_at_proc(s, d->tree[i], proc, d->province_code, MC_ROLLUP_TREE_MONTH, month, 0)
		    ->v[k] += v;
		mc_rollup_cell_at_proc(s, d->tree[i], proc, d->province_code, MC_ROLLUP_TREE_YEAR, month / 12,
				       0)
		    ->v[k] += v;
	}
}

#define NEVER INT32_MAX

/* Counter k holds at the midnights of days lo..hi (hi NEVER: ever after). */
static void add_span(mc_rollup_set *s, const mc_rollup_in *d, int32_t lo, int32_t hi, int k, int sign)
{
	if (lo > hi)
		return;
	add(s, d, lo, k, sign);
	if (hi != NEVER)
		add(s, d, hi + 1, k, -sign);
}

static bool is_midnight(int64_t t)
{
	return mc_local_day_start(mc_local_day(t)) == t;
}

static int32_t max32(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

static int32_t min32(int32_t a, int32_t b)
{
	return a < b ? a : b;
}

/*
 * Writing T for a midnight and t for its day (T = midnight of t), every test
 * of docs/statistics.md on an instant x against T becomes one on days:
 * x < T exactly when day(x) < t, and x <= T exactly when day(x) < t, or x is
 * itself the midnight of t.
 */
void mc_rollup_dossier(mc_rollup_set *s, const mc_rollup_in *d, int sign)
{
	mc_timing t = {.state = d->state,
		       .received_at = d->received_at,
		       .finished_at = d->finished_at,
		       .due_at = d->due_at,
		       .statutory_due_at = d->statutory_due_at,
		       .paused_at = d->paused_at};
	int64_t due = mc_stats_due(&t);

	if (d->received_at > 0) {
		int32_t rd = mc_rollup_day(d->received_at);
		int32_t end = d->finished_at > 0 ? mc_rollup_day(d->finished_at) : NEVER;
		int32_t dd = mc_rollup_day(due);
		/* From this day on, T is at or after the start of the pause
		 * and the dossier is judged at that start. */
		int32_t pause_from = NEVER;

		if (d->paused_at > 0)
			pause_from = mc_rollup_day(d->paused_at) + (is_midnight(d->paused_at) ? 0 : 1);
		if (d->channel == MC_CH_ONLINE)
			add(s, d, rd, MC_RU_RECV_ONLINE, sign);
		else if (d->channel == MC_CH_DIRECT)
			add(s, d, rd, MC_RU_RECV_DIRECT, sign);
		else if (d->channel == MC_CH_POSTAL)
			add(s, d, rd, MC_RU_RECV_POSTAL, sign);
		add(s, d, rd, MC_RU_RECV_TOTAL, sign);
		/* In progress at T: received before T, not finished before T. */
		add_span(s, d, rd + 1, end, MC_RU_IN_PROGRESS, sign);
		/* Overdue at T (mc_stats_is_overdue at T): judged at T before
		 * the pause, so from the day after the due day. */
		add_span(s, d, max32(rd + 1, dd + 1), pause_from == NEVER ? end : min32(end, pause_from - 1),
			 MC_RU_OVERDUE, sign);
		/* Judged at the start of the pause from then on. */
		if (pause_from != NEVER && mc_stats_is_overdue(&t, d->paused_at))
			add_span(s, d, max32(rd + 1, pause_from), end, MC_RU_OVERDUE, sign);
	}
	if (d->finished_at > 0) {
		int32_t fd = mc_rollup_day(d->finished_at);

		switch (d->state) {
		case MC_ST_RESOLVED:
		case MC_ST_RETURNED: {
			mc_timeliness c = mc_stats_timeliness(&t, d->finished_at);
			add(s, d, fd,
			    c == MC_TIMELY_LATE	   ? MC_RU_RES_LATE
			    : c == MC_TIMELY_EARLY ? MC_RU_RES_EARLY
						   : MC_RU_RES_ON_TIME,
			    sign);
			break;
		}
		case MC_ST_WITHDRAWN:
			add(s, d, fd, MC_RU_WITHDRAWN, sign);
			break;
		case MC_ST_STOPPED:
			add(s, d, fd, MC_RU_STOPPED, sign);
			break;
		case MC_ST_NOT_ACCEPTED:
			add(s, d, fd, MC_RU_NOT_ACCEPTED, sign);
			break;
		default:
			break;
		}
	}
}

void mc_rollup_supplement(mc_rollup_set *s, const mc_rollup_in *d, int64_t at)
{
	int32_t day = mc_rollup_day(at);

	if (d->last_supplement_at <= 0) {
		add(s, d, day, MC_RU_SUPPLEMENT, 1);
		return;
	}
	int32_t prev = mc_rollup_day(d->last_supplement_at);
	/* A second request on the day of the previous one never counts again. */
	if (prev < day)
		mc_rollup_cell_at_proc(s, d->unit_id, s->by_procedure ? d->procedure_id : 0, d->province_code,
				       MC_ROLLUP_REPEAT, day, prev)
		    ->v[MC_RU_SUPPLEMENT]++;
}

void mc_rollup_apology(mc_rollup_set *s, const mc_rollup_in *d, int64_t at)
{
	add(s, d, mc_rollup_day(at), MC_RU_APOLOGIES, 1);
}
