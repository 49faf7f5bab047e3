/*
 * due.c - due times of open dossiers recomputed when the calendar changes
 * (due.h).
 */
#include "app/due.h"

#include "app/notify.h"
#include "core/buf.h"
#include "core/mc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ids of the open dossiers a page of the list gives, gathered first: the
 * updates below must not move the pages under the reading. */
#define PAGE 200

void mc_app_due_replay(const mc_time_ctx *tc, const mc_dossier *d, const mc_event *events, size_t n_events,
		       const mc_apology *apologies, size_t n_apologies, int64_t *due, int64_t *statutory_due)
{
	const mc_workcal *wc = mc_time_ctx_calendar(tc);
	const mc_office_hours *oh = mc_time_ctx_hours(tc, d->receiving_unit_id);
	int64_t at_due = 0, statutory = 0, paused = 0;
	size_t next_apology = 0;

	if (d->received_at)
		at_due = mc_deadline_due(wc, oh, d->received_at, d->duration_hours, d->cutoff_min);
	/* As app/dossier.c applies each action, in the order they happened. */
	for (size_t i = 0; i < n_events && d->received_at; i++) {
		const mc_event *e = &events[i];
		bool supplement = strcmp(e->action, "supplement") == 0;

		if (strcmp(e->action, "request_supplement") == 0 ||
		    strcmp(e->action, "request_payment") == 0) {
			/* Before reception the clock has not started: nothing to pause. */
			paused = e->at >= d->received_at ? e->at : 0;
		} else if (supplement || strcmp(e->action, "pay") == 0) {
			if (paused) {
				bool restart = supplement && d->restart_on_supplement;
				at_due = mc_deadline_resume(wc, oh, at_due, paused, e->at, restart,
							    d->duration_hours, d->cutoff_min);
				if (statutory)
					statutory =
					    restart
						? 0
						: mc_deadline_resume(wc, oh, statutory, paused, e->at, false,
								     d->duration_hours, d->cutoff_min);
			}
			paused = 0;
		} else if (strcmp(e->action, "apology") == 0 && next_apology < n_apologies) {
			/* The law's due time stays the measure of lateness; the
			 * appointment is the apology's, a date promised to the applicant. */
			if (!statutory)
				statutory = at_due;
			at_due = apologies[next_apology++].new_due;
		}
	}
	*due = at_due;
	*statutory_due = statutory;
}

static int issued_cmp(const void *a, const void *b)
{
	const mc_apology *x = a, *y = b;
	return (x->issued_at > y->issued_at) - (x->issued_at < y->issued_at);
}

/* One dossier: replayed, and updated when its due times moved. *moved is set
 * when they did. */
static int recompute_one(mc_store *st, const mc_time_ctx *tc, const char *code, int year,
			 const mc_actor *actor, const char *public_url, int64_t at, bool *moved)
{
	mc_dossier d = {0};
	mc_procedure p = {0};
	mc_event *events = NULL;
	mc_apology *apologies = NULL;
	size_t n_events = 0, n_apologies = 0, n_issued = 0;
	int64_t due = 0, statutory = 0;
	char before[40], after[40], note[400];
	int rc;

	*moved = false;
	rc = mc_store_dossier_get(st, &d, code, false);
	if (rc == 0)
		rc = mc_store_procedure_get_id(st, &p, d.procedure_id, false);
	if (rc == 0)
		rc = mc_store_event_list(st, &events, &n_events, d.id);
	if (rc == 0)
		rc = mc_store_apology_list(st, &apologies, &n_apologies, d.id);
	if (rc != 0)
		goto cleanup;
	/* The issued ones, in the order they were issued (the "apology" events). */
	for (size_t i = 0; i < n_apologies; i++) {
		if (apologies[i].issued_at) {
			mc_apology tmp = apologies[n_issued];
			apologies[n_issued++] = apologies[i];
			apologies[i] = tmp;
		}
	}
	if (n_issued > 1)
		qsort(apologies, n_issued, sizeof *apologies, issued_cmp);
	mc_app_due_replay(tc, &d, events, n_events, apologies, n_issued, &due, &statutory);
	if (due == d.due_at && statutory == d.statutory_due_at)
		goto cleanup;
	int64_t old_due = d.due_at;
	d.due_at = due;
	d.statutory_due_at = statutory;
	d.updated_at = at;
	rc = mc_store_dossier_update(st, &d, d.version);
	if (rc != 0)
		goto cleanup;
	mc_time_format(before, sizeof before, old_due);
	mc_time_format(after, sizeof after, due);
	snprintf(note, sizeof note, "Hạn giải quyết tính lại theo lịch ngày nghỉ năm %d: %.16s → %.16s", year,
		 before, after);
	rc = mc_app_dossier_event(st, &d, actor, "due_recomputed", d.state, note, at);
	if (rc == 0 && due != old_due) {
		const mc_unit *u = mc_time_ctx_unit(tc, d.receiving_unit_id);
		rc = mc_notify_dossier(st, &d, "due_recomputed", p.name, u ? u->name : NULL, public_url, at);
	}
	*moved = rc == 0;
cleanup:
	mc_dossier_clear(&d);
	mc_procedure_clear(&p);
	mc_event_free_list(events, n_events);
	mc_apology_free_list(apologies, n_apologies);
	return rc;
}

int mc_app_due_recompute_year(mc_store *st, int year, const mc_actor *actor, const char *public_url,
			      int64_t at, mc_due_recompute_result *out)
{
	mc_time_ctx *tc = NULL;
	char **codes = NULL;
	size_t n_codes = 0, cap = 0;
	int64_t year_start = mc_local_day_start(mc_days_from_civil(year, 1, 1));
	int64_t year_end = mc_local_day_start(mc_days_from_civil(year + 1, 1, 1));
	int rc;

	memset(out, 0, sizeof *out);
	/* The time rules as stored now, this transaction's calendar included. */
	rc = mc_time_ctx_load(&tc, st);
	for (int offset = 0; rc == 0;) {
		mc_dossier *list = NULL;
		size_t n = 0;
		int64_t total = 0;
		mc_dossier_query q = {
		    .open_only = true, .received_to = year_end, .limit = PAGE, .offset = offset};
		rc = mc_store_dossier_list(st, &list, &n, &total, &q);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			const mc_dossier *d = &list[i];
			/* Received, and due (or paused, its due time still to move) on a
			 * day the year may have changed. */
			if (!d->received_at || d->finished_at)
				continue;
			if (d->due_at < year_start && d->statutory_due_at < year_start && !d->paused_at)
				continue;
			MC_GROW(codes, n_codes, cap);
			codes[n_codes++] = mc_xstrdup(d->code);
		}
		mc_dossier_free_list(list, n);
		if (n < PAGE)
			break;
		offset += PAGE;
	}
	for (size_t i = 0; rc == 0 && i < n_codes; i++) {
		bool moved = false;
		rc = recompute_one(st, tc, codes[i], year, actor, public_url, at, &moved);
		out->checked++;
		out->recomputed += moved;
	}
	for (size_t i = 0; i < n_codes; i++)
		free(codes[i]);
	free(codes);
	mc_time_ctx_free(tc);
	return rc;
}
