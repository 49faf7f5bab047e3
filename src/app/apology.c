#include "app/apology.h"

#include <string.h>

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	}
	return true;
}

int64_t mc_app_apology_default_due(const mc_time_ctx *tc, const mc_dossier *d, int64_t now)
{
	const mc_workcal *wc = mc_time_ctx_calendar(tc);
	const mc_office_hours *oh = mc_time_ctx_hours(tc, d->receiving_unit_id);
	int64_t left = mc_deadline_worked(wc, oh, now, d->due_at);
	int64_t from = d->due_at > now ? d->due_at : now;
	int64_t t =
	    mc_deadline_add(wc, oh, from, left > MC_APOLOGY_MIN_MINUTES ? left : MC_APOLOGY_MIN_MINUTES);
	/* Rounded up to the minute: it stays in working time, for the end of a
	 * span is a due time too (17:00). */
	return (t + 59) / 60 * 60;
}

mc_apology_due mc_app_apology_check_due(const mc_time_ctx *tc, const mc_dossier *d, int64_t t, int64_t now)
{
	if (t <= now)
		return MC_APOLOGY_DUE_PAST;
	if (t <= d->due_at)
		return MC_APOLOGY_DUE_NOT_LATER;
	if (t - now > MC_APOLOGY_MAX_AHEAD)
		return MC_APOLOGY_DUE_TOO_FAR;
	/* A due time is the end of a worked minute: the minute before it was
	 * worked (so 17:00 is one, 07:00 is not, as mc_deadline_add gives them). */
	if (t % 60 != 0 || mc_deadline_worked(mc_time_ctx_calendar(tc),
					      mc_time_ctx_hours(tc, d->receiving_unit_id), t - 60, t) != 1)
		return MC_APOLOGY_DUE_OFF_HOURS;
	return MC_APOLOGY_DUE_OK;
}

bool mc_app_apology_state_ok(const mc_dossier *d)
{
	return (d->state == MC_ST_RECEIVED || d->state == MC_ST_PROCESSING) && d->due_at > 0;
}

bool mc_app_apology_may_prepare(const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier *d)
{
	if (actor->role != MC_ROLE_DESK && actor->role != MC_ROLE_SPECIALIST && actor->role != MC_ROLE_LEADER)
		return false;
	if (!actor->unit_id)
		return false;
	return mc_time_ctx_within(tc, d->current_unit_id, actor->unit_id) ||
	       mc_time_ctx_within(tc, d->receiving_unit_id, actor->unit_id);
}

bool mc_app_apology_may_issue(const mc_time_ctx *tc, const mc_actor *actor, const mc_apology *a)
{
	return actor->role == MC_ROLE_LEADER && actor->unit_id &&
	       mc_time_ctx_within(tc, a->unit_id, actor->unit_id);
}

int mc_app_apology_prepare(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const char *code,
			   const char *reason, int64_t new_due, int64_t at, mc_apology *out)
{
	int rc;
	mc_dossier d = {0};
	mc_apology a = {0};

	rc = mc_store_dossier_get(st, &d, code, false);
	if (rc != 0)
		goto cleanup;
	if (!mc_app_apology_may_prepare(tc, actor, &d)) {
		rc = MC_EFORBIDDEN;
		goto cleanup;
	}
	if (!mc_app_apology_state_ok(&d)) {
		rc = MC_ECONFLICT;
		goto cleanup;
	}
	if (blank(reason)) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	if (!new_due)
		new_due = mc_app_apology_default_due(tc, &d, at);
	if (mc_app_apology_check_due(tc, &d, new_due, at) != MC_APOLOGY_DUE_OK) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	a.dossier_id = d.id;
	a.unit_id = d.current_unit_id;
	a.old_due = d.due_at;
	a.new_due = new_due;
	a.prepared_by = actor->user_id;
	a.prepared_at = at;
	if (mc_strlcpy(a.reason, reason, sizeof a.reason) != 0 ||
	    mc_strlcpy(a.prepared_by_name, actor->name, sizeof a.prepared_by_name) != 0) {
		rc = MC_ETOOBIG;
		goto cleanup;
	}
	rc = mc_store_apology_add(st, &a);
	if (rc != 0)
		goto cleanup;
	*out = a;
cleanup:
	mc_dossier_clear(&d);
	return rc;
}

int mc_app_apology_issue(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const char *code,
			 int64_t id, int64_t at, mc_dossier *dossier_out, mc_apology *out)
{
	int rc;
	mc_dossier d = {0};
	mc_apology a = {0};

	rc = mc_store_dossier_get(st, &d, code, false);
	if (rc != 0)
		goto cleanup;
	rc = mc_store_apology_get(st, &a, d.id, id);
	if (rc != 0)
		goto cleanup;
	if (!mc_app_apology_may_issue(tc, actor, &a)) {
		rc = MC_EFORBIDDEN;
		goto cleanup;
	}
	if (a.issued_at || !mc_app_apology_state_ok(&d)) {
		rc = MC_ECONFLICT;
		goto cleanup;
	}
	if (mc_app_apology_check_due(tc, &d, a.new_due, at) != MC_APOLOGY_DUE_OK) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	int64_t old_due = d.due_at;
	/* The law's due time stays the measure of lateness (the first apology
	 * keeps it; later ones only move the appointment). */
	if (!d.statutory_due_at)
		d.statutory_due_at = d.due_at;
	d.due_at = a.new_due;
	d.updated_at = at;
	if (mc_strlcpy(d.note, a.reason, sizeof d.note) != 0) {
		rc = MC_ETOOBIG;
		goto cleanup;
	}
	rc = mc_store_dossier_update(st, &d, d.version);
	if (rc == MC_ECONFLICT)
		rc = MC_ESTALE;
	if (rc != 0)
		goto cleanup;
	rc = mc_app_dossier_event(st, &d, actor, "apology", d.state, a.reason, at);
	if (rc != 0)
		goto cleanup;
	rc = mc_store_apology_issue(st, a.id, old_due, actor->user_id, actor->name, at);
	if (rc != 0)
		goto cleanup;
	a.old_due = old_due;
	a.issued_by = actor->user_id;
	mc_strlcpy(a.issued_by_name, actor->name, sizeof a.issued_by_name);
	a.issued_at = at;
	rc = mc_store_dossier_get(st, dossier_out, code, true);
	if (rc != 0)
		goto cleanup;
	*out = a;
cleanup:
	mc_dossier_clear(&d);
	return rc;
}
