/*
 * rollup.c - keeps the statistics roll-up (core/rollup.h) in step with the
 * dossiers, and answers the statistics from it.
 *
 * The public functions of the writes that change a figure call the backend,
 * then add what changed to the roll-up in the same transaction: a new dossier
 * its contribution, a changed one its new contribution less its old one (read
 * before the write), a supplement request or an issued apology one count. So
 * whatever path writes a dossier (the API, the demo generator, the CLI) keeps
 * the table exact, on both backends, with the rules written once in
 * core/rollup.c.
 *
 * Reading a period [from, to) of whole local days asks the backend for the
 * subtree's month cells up to to's month and the day cells of the two months
 * the period's ends fall in; a province-year is then a few thousand rows
 * however many dossiers it holds.
 */
#include "store/store_rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mc.h"

static int apply(mc_store *st, mc_rollup_set *s)
{
	mc_rollup_set_finish(s);
	int rc = s->len ? mc_store_rollup_add(st, s->cells, s->len) : 0;
	mc_rollup_set_free(s);
	return rc;
}

static void in_of(mc_rollup_in *in, const mc_dossier *d)
{
	memset(in, 0, sizeof(*in));
	in->dossier_id = d->id;
	memcpy(in->province_code, d->province_code, sizeof(in->province_code) - 1);
	in->unit_id = d->receiving_unit_id;
	in->state = d->state;
	in->channel = d->channel;
	in->received_at = d->received_at;
	in->finished_at = d->finished_at;
	in->due_at = d->due_at;
	in->statutory_due_at = d->statutory_due_at;
	in->paused_at = d->paused_at;
}

static int insert(mc_store *st, mc_dossier *d)
{
	int rc = mc_store_backend_dossier_insert(st, d);

	if (rc == 0 && d->receiving_unit_id) {
		mc_rollup_set s = {0};
		mc_rollup_in in;

		in_of(&in, d);
		mc_rollup_dossier(&s, &in, 1);
		rc = apply(st, &s);
	}
	return rc;
}

static int update(mc_store *st, mc_dossier *d, int64_t expected_version)
{
	mc_rollup_in old;
	int rc = mc_store_rollup_dossier(st, &old, d->id);

	if (rc == MC_ENOTFOUND)
		return mc_store_backend_dossier_update(st, d, expected_version);
	if (rc)
		return rc;
	rc = mc_store_backend_dossier_update(st, d, expected_version);
	if (rc == 0) {
		mc_rollup_set s = {0};
		mc_rollup_in now;

		in_of(&now, d);
		if (!now.province_code[0])
			memcpy(now.province_code, old.province_code, sizeof(now.province_code));
		if (old.unit_id)
			mc_rollup_dossier(&s, &old, -1);
		if (now.unit_id)
			mc_rollup_dossier(&s, &now, 1);
		rc = apply(st, &s);
	}
	return rc;
}

static int event_append(mc_store *st, mc_event *e)
{
	mc_rollup_in d = {0};
	bool supplement = strcmp(e->action, "request_supplement") == 0;
	int rc = 0;

	/* The previous request is read before this one is written. */
	if (supplement)
		rc = mc_store_rollup_dossier(st, &d, e->dossier_id);
	if (rc == 0)
		rc = mc_store_backend_event_append(st, e);
	if (rc == 0 && supplement && d.unit_id) {
		mc_rollup_set s = {0};

		mc_rollup_supplement(&s, &d, e->at);
		rc = apply(st, &s);
	}
	return rc;
}

static int apology_issue(mc_store *st, int64_t id, int64_t old_due, int64_t issued_by, const char *issued_by_name,
			 int64_t at)
{
	int rc = mc_store_backend_apology_issue(st, id, old_due, issued_by, issued_by_name, at);
	int64_t dossier_id = 0;
	mc_rollup_in d = {0};

	if (rc == 0)
		rc = mc_store_rollup_apology_dossier(st, &dossier_id, id);
	if (rc == 0)
		rc = mc_store_rollup_dossier(st, &d, dossier_id);
	if (rc == 0 && d.unit_id) {
		mc_rollup_set s = {0};

		mc_rollup_apology(&s, &d, at);
		rc = apply(st, &s);
	}
	return rc;
}

/* The public functions: the write and its cells, all or nothing, whether
 * or not the caller opened a transaction. */
int mc_store_dossier_insert(mc_store *st, mc_dossier *d)
{
	int kind = 0;
	int rc = mc_store_rollup_atomic_begin(st, &kind);

	return rc ? rc : mc_store_rollup_atomic_end(st, kind, insert(st, d));
}

int mc_store_dossier_update(mc_store *st, mc_dossier *d, int64_t expected_version)
{
	int kind = 0;
	int rc = mc_store_rollup_atomic_begin(st, &kind);

	return rc ? rc : mc_store_rollup_atomic_end(st, kind, update(st, d, expected_version));
}

int mc_store_event_append(mc_store *st, mc_event *e)
{
	int kind = 0;
	int rc;

	if (strcmp(e->action, "request_supplement") != 0) /* no cell moves */
		return mc_store_backend_event_append(st, e);
	rc = mc_store_rollup_atomic_begin(st, &kind);

	return rc ? rc : mc_store_rollup_atomic_end(st, kind, event_append(st, e));
}

int mc_store_apology_issue(mc_store *st, int64_t id, int64_t old_due, int64_t issued_by, const char *issued_by_name,
			   int64_t at)
{
	int kind = 0;
	int rc = mc_store_rollup_atomic_begin(st, &kind);

	return rc ? rc : mc_store_rollup_atomic_end(st, kind, apology_issue(st, id, old_due, issued_by, issued_by_name, at));
}

/* ---- building the table ------------------------------------------------- */

struct rebuild {
	mc_rollup_set set;
	int64_t last_dossier; /* supplement requests come by dossier, then time */
	int64_t last_at;
	int64_t n;
};

static int rebuild_one(int kind, const mc_rollup_in *d, int64_t at, void *payload)
{
	struct rebuild *b = payload;

	if (!d->unit_id)
		return 0;
	if (kind == 0) {
		mc_rollup_dossier(&b->set, d, 1);
		b->n++;
	} else if (kind == 1) {
		mc_rollup_in x = *d;
		x.last_supplement_at = d->dossier_id == b->last_dossier ? b->last_at : 0;
		mc_rollup_supplement(&b->set, &x, at);
		b->last_dossier = d->dossier_id;
		b->last_at = at;
	} else {
		mc_rollup_apology(&b->set, d, at);
	}
	return 0;
}

int mc_store_rollup_rebuild(mc_store *st)
{
	struct rebuild b = {0};
	int rc = mc_store_rollup_clear(st);

	if (rc == 0)
		rc = mc_store_rollup_scan(st, rebuild_one, &b);
	if (rc == 0) {
		mc_rollup_set_finish(&b.set);
		/* In slices, so that no statement grows without bound. */
		for (size_t i = 0; i < b.set.len && rc == 0; i += 1000) {
			size_t n = b.set.len - i < 1000 ? b.set.len - i : 1000;
			rc = mc_store_rollup_add(st, b.set.cells + i, n);
		}
	}
	if (rc == 0)
		rc = mc_store_rollup_set_built(st, true);
	if (rc == 0 && b.n > 0)
		fprintf(stderr, "motcua: statistics roll-up built from %lld dossiers (%zu cells)\n", (long long)b.n,
			b.set.len);
	mc_rollup_set_free(&b.set);
	return rc;
}

/* Migrations create the table empty; the first start after them fills it,
 * once: in PostgreSQL, rollup_built locks the state row, so a second server
 * starting at the same time waits and then finds it built. */
int mc_store_migrate(mc_store *st)
{
	bool built = false;
	int rc = mc_store_backend_migrate(st);

	if (rc)
		return rc;
	rc = mc_store_begin(st);
	if (rc)
		return rc;
	rc = mc_store_rollup_built(st, &built);
	if (rc == 0 && !built)
		rc = mc_store_rollup_rebuild(st);
	if (rc) {
		mc_store_rollback(st);
		return rc;
	}
	return mc_store_commit(st);
}

/* ---- reading it ----------------------------------------------------------- */

static bool is_midnight(int64_t t)
{
	return (t + MC_TZ_OFFSET) % 86400 == 0;
}

struct acc {
	int64_t key; /* child unit, 0 the unit itself */
	mc_stats_counts c;
};

struct accs {
	struct acc *list;
	size_t len, cap;
};

static mc_stats_counts *acc_of(struct accs *a, int64_t key)
{
	for (size_t i = 0; i < a->len; i++) {
		if (a->list[i].key == key)
			return &a->list[i].c;
	}
	if (a->len == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->list = mc_xrealloc(a->list, a->cap * sizeof(*a->list));
	}
	memset(&a->list[a->len], 0, sizeof(a->list[0]));
	a->list[a->len].key = key;
	return &a->list[a->len++].c;
}

static void add_dated(mc_stats_counts *c, const int64_t *v)
{
	c->received_online += v[MC_RU_RECV_ONLINE];
	c->received_direct += v[MC_RU_RECV_DIRECT];
	c->received_postal += v[MC_RU_RECV_POSTAL];
	c->received += v[MC_RU_RECV_TOTAL];
	c->resolved_early += v[MC_RU_RES_EARLY];
	c->resolved_on_time += v[MC_RU_RES_ON_TIME];
	c->resolved_late += v[MC_RU_RES_LATE];
	c->withdrawn += v[MC_RU_WITHDRAWN];
	c->stopped += v[MC_RU_STOPPED];
	c->not_accepted += v[MC_RU_NOT_ACCEPTED];
	c->supplement_requested += v[MC_RU_SUPPLEMENT];
	c->apologies += v[MC_RU_APOLOGIES];
}

/*
 * Folds the cells into per-key counters. A month cell counts for the dated
 * counters when the whole month lies in the period, and for the state at a
 * midnight when its last day is at or before that midnight's day; a day cell
 * counts where its month cell does not.
 */
static void fold(struct accs *a, const mc_rollup_cell *cells, size_t n, int32_t fd, int32_t td)
{
	for (size_t i = 0; i < n; i++) {
		const mc_rollup_cell *x = &cells[i];
		mc_stats_counts *c = acc_of(a, x->unit_id);

		if (x->grain == MC_ROLLUP_REPEAT) {
			c->supplement_requested += x->v[MC_RU_SUPPLEMENT];
			continue;
		}
		int32_t month = x->grain == MC_ROLLUP_MONTH ? x->period : mc_rollup_month(x->period);
		int32_t m_first = mc_rollup_month_first(month), m_last = mc_rollup_month_first(month + 1) - 1;
		bool month_in_period = m_first >= fd && m_last < td;
		if (x->grain == MC_ROLLUP_MONTH) {
			if (month_in_period)
				add_dated(c, x->v);
			if (m_last <= fd)
				c->carried_over += x->v[MC_RU_IN_PROGRESS];
			if (m_last <= td) {
				c->in_progress += x->v[MC_RU_IN_PROGRESS];
				c->in_progress_overdue += x->v[MC_RU_OVERDUE];
			}
			continue;
		}
		if (!month_in_period && x->period >= fd && x->period < td)
			add_dated(c, x->v);
		if (m_last > fd && x->period <= fd)
			c->carried_over += x->v[MC_RU_IN_PROGRESS];
		if (m_last > td && x->period <= td) {
			c->in_progress += x->v[MC_RU_IN_PROGRESS];
			c->in_progress_overdue += x->v[MC_RU_OVERDUE];
		}
	}
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp(((const mc_unit *)a)->code, ((const mc_unit *)b)->code);
}

static int stats_from_rollup(mc_store *st, mc_stats_row **out, size_t *n, const mc_stats_query *q)
{
	int32_t fd = mc_rollup_day(q->from), td = mc_rollup_day(q->to);
	int32_t mf = mc_rollup_month(fd), mt = mc_rollup_month(td);
	mc_rollup_span span = {
	    .month_end = mt + 1,
	    .day_lo = {mc_rollup_month_first(mf), mc_rollup_month_first(mt)},
	    .day_hi = {mc_rollup_month_first(mf + 1), mc_rollup_month_first(mt + 1)},
	    .rep_lo = fd,
	    .rep_hi = td,
	};
	mc_rollup_cell *cells = NULL, *open = NULL;
	size_t n_cells = 0, n_open = 0;
	mc_unit *units = NULL;
	size_t n_units = 0;
	struct accs a = {0};
	mc_stats_row *rows = NULL;
	size_t len = 0;
	bool ended = q->at >= q->to;
	int rc;

	if (mf == mt) /* one month: its day cells once */
		span.day_lo[1] = span.day_hi[1] = span.day_hi[0];
	rc = mc_store_rollup_read(st, &cells, &n_cells, q->unit_id, &span);
	if (rc == 0 && !ended)
		rc = mc_store_rollup_open_overdue(st, &open, &n_open, q->unit_id, q->at);
	if (rc == 0 && q->group == MC_STATS_BY_UNIT)
		rc = mc_store_unit_list(st, &units, &n_units);
	if (rc)
		goto cleanup;
	acc_of(&a, 0);
	fold(&a, cells, n_cells, fd, td);
	/* The current period: the open dossiers' split judged now. Those
	 * finished since can no longer be in progress at `to`, which is later. */
	if (!ended) {
		for (size_t i = 0; i < a.len; i++)
			a.list[i].c.in_progress_overdue = 0;
		for (size_t i = 0; i < n_open; i++)
			acc_of(&a, open[i].unit_id)->in_progress_overdue += open[i].v[MC_RU_OVERDUE];
	}
	for (size_t i = 0; i < a.len; i++) {
		mc_stats_counts *c = &a.list[i].c;
		c->resolved = c->resolved_early + c->resolved_on_time + c->resolved_late;
		c->in_progress_within = c->in_progress - c->in_progress_overdue;
	}
	if (q->group == MC_STATS_TOTAL) {
		rows = mc_xcalloc(1, sizeof(*rows));
		rows[0].unit_id = q->unit_id;
		for (size_t i = 0; i < a.len; i++)
			mc_stats_add(&rows[0].c, &a.list[i].c);
		len = 1;
		goto cleanup;
	}
	/* By unit: the unit's own desk first (when anything counts in it),
	 * then every direct child in code order, empty or not. */
	qsort(units, n_units, sizeof(*units), cmp_code);
	rows = mc_xcalloc(n_units + 1, sizeof(*rows));
	if (!mc_stats_is_zero(&a.list[0].c)) {
		rows[len].unit_id = q->unit_id;
		rows[len++].c = a.list[0].c;
	}
	for (size_t u = 0; u < n_units; u++) {
		if (units[u].parent_id != q->unit_id || units[u].id == q->unit_id)
			continue;
		rows[len].unit_id = units[u].id;
		for (size_t i = 1; i < a.len; i++) {
			if (a.list[i].key == units[u].id)
				rows[len].c = a.list[i].c;
		}
		len++;
	}
cleanup:
	free(cells);
	free(open);
	free(units);
	free(a.list);
	if (rc) {
		free(rows);
		return rc;
	}
	*out = rows;
	*n = len;
	return 0;
}

int mc_store_stats(mc_store *st, mc_stats_row **out, size_t *n, const mc_stats_query *q)
{
	*out = NULL;
	*n = 0;
	if (!q->live && (q->group == MC_STATS_TOTAL || q->group == MC_STATS_BY_UNIT) && q->from < q->to &&
	    is_midnight(q->from) && is_midnight(q->to) && q->at <= q->to)
		return stats_from_rollup(st, out, n, q);
	return mc_store_backend_stats(st, out, n, q);
}
