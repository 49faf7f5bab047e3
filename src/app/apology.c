#include "app/apology.h"

#include "core/err.h"
#include "app/document.h"
#include "app/form_number.h"
#include "app/notify.h"
#include "core/limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
	(void)tc;
	return actor->role == MC_ROLE_LEADER && actor->unit_id && actor->unit_id == a->unit_id;
}

bool mc_app_apology_late(const mc_time_ctx *tc, const mc_apology *a)
{
	if (a->prepared_at >= a->old_due)
		return true;
	return mc_deadline_worked(mc_time_ctx_calendar(tc), mc_time_ctx_hours(tc, a->unit_id), a->prepared_at,
				  a->old_due) < MC_APOLOGY_LEAD_MINUTES;
}

bool mc_app_apology_signing_ok(const char *signed_as)
{
	return signed_as && (strcmp(signed_as, "head") == 0 || strcmp(signed_as, "deputy") == 0);
}

/* Records why t cannot be d's new appointment at now and returns MC_EINVAL;
 * 0 when it can. */
static int due_refused(const mc_time_ctx *tc, const mc_dossier *d, int64_t t, int64_t now)
{
	char due[40];
	switch (mc_app_apology_check_due(tc, d, t, now)) {
	case MC_APOLOGY_DUE_OK:
		return 0;
	case MC_APOLOGY_DUE_PAST:
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "new_due must be in the future");
	case MC_APOLOGY_DUE_NOT_LATER:
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "new_due must be after the current due time %s",
				  mc_time_format(due, sizeof due, d->due_at));
	case MC_APOLOGY_DUE_TOO_FAR:
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "new_due may be at most a year from now");
	case MC_APOLOGY_DUE_OFF_HOURS:
		break;
	}
	return mc_err_set(
	    MC_EINVAL, MC_REASON_INVALID_FIELD,
	    "new_due must fall in office hours on a working day of the receiving unit (the end of a "
	    "worked minute, e.g. 07:01-11:30 or 13:31-17:00)");
}

int mc_app_apology_check_prepare(const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier *d,
				 int64_t new_due, int64_t now)
{
	mc_err_clear();
	if (!mc_app_apology_may_prepare(tc, actor, d))
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE, "the dossier is outside your unit's scope");
	if (!mc_app_apology_state_ok(d))
		return mc_err_set(
		    MC_ECONFLICT, MC_REASON_STATE,
		    "an apology is made for a dossier being processed (received or processing), not "
		    "one that is %s",
		    mc_state_name((mc_state)d->state));
	return new_due ? due_refused(tc, d, new_due, now) : 0;
}

int mc_app_apology_check_issue(const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier *d,
			       const mc_apology *a, int64_t now)
{
	char due[40], cur[40];
	mc_err_clear();
	if (!mc_app_apology_may_issue(tc, actor, a))
		return mc_err_set(
		    MC_EFORBIDDEN, MC_REASON_SCOPE,
		    "an apology is signed by the head of the apologising unit or a deputy on their "
		    "behalf: a leader of that unit itself");
	if (a->issued_at)
		return mc_err_set(MC_ECONFLICT, MC_REASON_APOLOGY_ISSUED, "apology %lld was issued at %s",
				  (long long)a->id, mc_time_format(due, sizeof due, a->issued_at));
	if (!mc_app_apology_state_ok(d))
		return mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "the dossier is %s: it needs no apology now",
				  mc_state_name((mc_state)d->state));
	if (mc_app_apology_check_due(tc, d, a->new_due, now) != MC_APOLOGY_DUE_OK)
		return mc_err_set(MC_EINVAL, MC_REASON_APOLOGY_OUTDATED,
				  "the new date %s is not after now and the due time %s",
				  mc_time_format(due, sizeof due, a->new_due),
				  mc_time_format(cur, sizeof cur, d->due_at));
	return 0;
}

int mc_app_apology_prepare(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const char *code,
			   const char *reason, int64_t new_due, int64_t at, mc_apology *out)
{
	int rc;
	mc_dossier d = {0};
	mc_apology a = {0};

	mc_err_clear();
	rc = mc_store_dossier_get(st, &d, code, false);
	if (rc == MC_ENOTFOUND)
		rc = mc_err_set(rc, MC_REASON_NOT_FOUND, "no dossier has code %s", code);
	if (rc != 0)
		goto cleanup;
	rc = mc_app_apology_check_prepare(tc, actor, &d, 0, at);
	if (rc != 0)
		goto cleanup;
	if (blank(reason)) {
		rc =
		    mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD, "reason must say why the dossier is late");
		goto cleanup;
	}
	if (!new_due)
		new_due = mc_app_apology_default_due(tc, &d, at);
	rc = due_refused(tc, &d, new_due, at);
	if (rc != 0)
		goto cleanup;
	a.dossier_id = d.id;
	a.unit_id = d.current_unit_id;
	a.old_due = d.due_at;
	a.new_due = new_due;
	a.prepared_by = actor->user_id;
	a.prepared_at = at;
	if (!mc_limit_fits(reason, MC_LIMIT_APOLOGY_REASON)) {
		rc = mc_err_set(MC_ETOOBIG, MC_REASON_INVALID_FIELD, "reason is longer than %d characters",
				MC_LIMIT_APOLOGY_REASON);
		goto cleanup;
	}
	a.reason = mc_xstrdup(reason);
	a.prepared_by_name = mc_xstrdup(actor->name);
	a.issued_by_name = mc_xstrdup("");
	rc = mc_store_apology_add(st, &a);
	if (rc != 0)
		goto cleanup;
	/* Moved: out owns the strings now. */
	mc_apology_clear(out);
	*out = a;
	a = (mc_apology){0};
cleanup:
	mc_apology_clear(&a);
	mc_dossier_clear(&d);
	return rc;
}

/* A printf into a new string (free with free()). */
static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *out = mc_xmalloc((size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(out, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	return out;
}

/* The position the leader signs form 04 in (docs/forms.md): the head of the
 * agency, a People's Committee's chairman or a department's director, or
 * their deputy. */
static const char *signer_position(const mc_unit *u, bool deputy)
{
	bool ubnd = !u || strncmp(u->name, "UBND", 4) == 0 || strcmp(u->level, "department") != 0;
	if (ubnd)
		return deputy ? "Phó Chủ tịch" : "Chủ tịch";
	return deputy ? "Phó Giám đốc" : "Giám đốc";
}

/*
 * Issued apology a of dossier d as an outgoing document of its unit
 * (docs/forms.md, form 04): in the unit's outgoing register (g), numbered in
 * the register's series of administrative documents (NĐ 30/2020 art. 16.1)
 * with the other outgoing documents of the body, "<n>/PXL-<body>", issued
 * and registered at once with one "issue" event, and linked to the
 * apology. *document_id gets its id.
 */
static int issue_document(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_apology *a,
			  const mc_dossier *d, const mc_doc_register *g, const char *signed_as, int64_t at,
			  int64_t *document_id)
{
	const mc_doc_type *t = mc_doc_type_apology();
	const mc_unit *u = mc_time_ctx_unit(tc, a->unit_id);
	char series[MC_DOC_SERIES_MAX], notation[MC_DOC_NOTATION_MAX];
	char *subject = NULL, *recipients = NULL, *note = NULL;
	int year = mc_doc_year(at);
	int64_t number = 0;
	int rc = mc_doc_series(series, MC_DOC_OUT, t, false, MC_DOC_SECRECY_NONE);

	if (rc == 0)
		rc = mc_store_doc_number_next(st, &number, g->id, year, series);
	if (rc)
		goto cleanup;
	if (mc_doc_notation(notation, number, year, t, false, g->organ_abbr, NULL) != 0) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"number %lld does not fit the notation's limits", (long long)number);
		goto cleanup;
	}
	subject = xprintf("Xin lỗi và hẹn lại ngày trả kết quả hồ sơ %s", d->code);
	recipients = xprintf("Ông/bà %s;\nLưu: VT.", d->applicant_name ? d->applicant_name : "");
	note = xprintf("apology %lld of dossier %s", (long long)a->id, d->code);
	mc_document doc = {.box = MC_DOC_OUT,
			   .register_id = g->id,
			   .unit_id = a->unit_id,
			   .drafting_unit_id = a->unit_id,
			   .state = MC_DOC_ISSUED,
			   .type = (char *)t->key,
			   .subject = subject,
			   .body = a->reason,
			   .drafting_abbr = "",
			   .place = "",
			   .signer_position = (char *)signer_position(u, strcmp(signed_as, "head") != 0),
			   .signer_name = (char *)actor->name,
			   .recipients = recipients,
			   .recipient_units = "",
			   .year = year,
			   .series = series,
			   .number = number,
			   .notation = notation,
			   .organ_name = "",
			   .issued_at = at,
			   .direction = "",
			   .note = "",
			   .created_by = actor->user_id,
			   .created_at = at,
			   .updated_at = at};
	rc = mc_store_document_add(st, &doc);
	if (rc)
		goto cleanup;
	mc_document_event e = {.document_id = doc.id,
			       .at = at,
			       .user_id = actor->user_id,
			       .user_name = (char *)actor->name,
			       .role = (char *)(mc_role_name(actor->role) ? mc_role_name(actor->role) : ""),
			       .unit_id = actor->unit_id,
			       .action = "issue",
			       .from_state = 0,
			       .to_state = MC_DOC_ISSUED,
			       .note = note};
	rc = mc_app_document_event_append(st, &e);
	if (rc == 0)
		rc = mc_store_apology_set_document(st, a->id, doc.id);
	if (rc == 0)
		*document_id = doc.id;
cleanup:
	free(subject);
	free(recipients);
	free(note);
	return rc;
}

int mc_app_apology_issue(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const char *code,
			 int64_t id, const char *signed_as, int64_t at, mc_dossier *dossier_out,
			 mc_apology *out)
{
	int rc;
	mc_dossier d = {0};
	mc_apology a = {0};

	mc_err_clear();
	rc = mc_store_dossier_get(st, &d, code, false);
	if (rc == MC_ENOTFOUND)
		rc = mc_err_set(rc, MC_REASON_NOT_FOUND, "no dossier has code %s", code);
	if (rc != 0)
		goto cleanup;
	rc = mc_store_apology_get(st, &a, d.id, id);
	if (rc == MC_ENOTFOUND)
		rc = mc_err_set(rc, MC_REASON_NOT_FOUND, "dossier %s has no apology %lld", code,
				(long long)id);
	if (rc != 0)
		goto cleanup;
	rc = mc_app_apology_check_issue(tc, actor, &d, &a, at);
	if (rc != 0)
		goto cleanup;
	int64_t old_due = d.due_at;
	/* The law's due time stays the measure of lateness (the first apology
	 * keeps it; later ones only move the appointment). */
	if (!d.statutory_due_at)
		d.statutory_due_at = d.due_at;
	d.due_at = a.new_due;
	d.updated_at = at;
	free(d.note);
	d.note = mc_xstrdup(a.reason);
	rc = mc_store_dossier_update(st, &d, d.version);
	if (rc == MC_ECONFLICT)
		rc = mc_err_set(MC_ESTALE, MC_REASON_STALE, "the dossier has changed meanwhile; reload it");
	if (rc != 0)
		goto cleanup;
	rc = mc_app_dossier_event(st, &d, actor, "apology", d.state, a.reason, at);
	if (rc != 0)
		goto cleanup;
	if (!mc_app_apology_signing_ok(signed_as)) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "signed_as must be head or deputy");
		goto cleanup;
	}
	rc = mc_store_apology_issue(st, a.id, old_due, actor->user_id, actor->name, at);
	if (rc == 0)
		rc = mc_store_apology_sign(st, a.id, signed_as);
	/* Form 04 gets its number when issued: from the apologising unit's
	 * outgoing register when it has one (an official document of the
	 * body, numbered with its others), else from the unit's own series of
	 * form 04 (docs/forms.md, Numbers). */
	if (rc == 0) {
		mc_doc_register g = {0};
		rc = mc_store_doc_register_of(st, &g, a.unit_id, MC_DOC_OUT);
		if (rc == 0)
			rc = issue_document(st, tc, actor, &a, &d, &g, signed_as, at, &a.document_id);
		else if (rc == MC_ENOTFOUND)
			rc = mc_app_form_number_take(st, MC_FORM_NUMBER_APOLOGY, a.dossier_id, a.id,
						     a.unit_id, at);
		mc_doc_register_clear(&g);
	}
	if (rc != 0)
		goto cleanup;
	free(a.signed_as);
	a.signed_as = mc_xstrdup(signed_as);
	a.old_due = old_due;
	a.issued_by = actor->user_id;
	free(a.issued_by_name);
	a.issued_by_name = mc_xstrdup(actor->name);
	a.issued_at = at;
	rc = mc_store_dossier_get(st, dossier_out, code, true);
	if (rc != 0)
		goto cleanup;
	/* Moved: out owns the strings now. */
	mc_apology_clear(out);
	*out = a;
	a = (mc_apology){0};
cleanup:
	mc_apology_clear(&a);
	mc_dossier_clear(&d);
	return rc;
}

/* Queues the warning of w to the active leaders with an address of unit_id. */
static int warn_leaders(mc_store *st, const mc_time_ctx *tc, const mc_apology_warning *w, int64_t now,
			int *queued)
{
	mc_user *users = NULL;
	size_t n = 0;
	const mc_unit *unit = mc_time_ctx_unit(tc, w->current_unit_id);
	int rc = mc_store_user_list(st, &users, &n, w->current_unit_id);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		const mc_user *u = &users[i];
		/* The list is the subtree's: a leader of a unit below is not the unit's. */
		if (u->unit_id != w->current_unit_id || !u->active || u->role != MC_ROLE_LEADER ||
		    !u->email || !u->email[0])
			continue;
		rc = mc_notify_apology_due(st, w->province_code, u->email, w->dossier_id, w->code,
					   w->procedure_name, unit ? unit->name : "", w->due_at, now);
		if (rc == 0 && queued)
			(*queued)++;
	}
	mc_user_free_list(users, n);
	return rc;
}

int mc_app_apology_warn(mc_store *st, const mc_time_ctx *tc, int64_t now, int limit, int *queued)
{
	mc_apology_warning *list = NULL;
	size_t n = 0;
	const mc_workcal *wc = mc_time_ctx_calendar(tc);
	/* A working day ahead in the default hours, and a week more for units
	 * that work fewer hours: each dossier is then judged in its own unit's. */
	int64_t until =
	    mc_deadline_add(wc, mc_time_ctx_hours(tc, 0), now, MC_APOLOGY_LEAD_MINUTES) + 7 * 86400;
	int rc = mc_store_apology_warnings_due(st, &list, &n, now, until, limit);

	if (queued)
		*queued = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const mc_apology_warning *w = &list[i];
		if (mc_deadline_worked(wc, mc_time_ctx_hours(tc, w->current_unit_id), now, w->due_at) >
		    MC_APOLOGY_LEAD_MINUTES)
			continue;
		rc = warn_leaders(st, tc, w, now, queued);
		if (rc == 0)
			rc = mc_store_apology_warned(st, w->dossier_id, w->due_at, now);
	}
	mc_apology_warning_free_list(list, n);
	return rc;
}
