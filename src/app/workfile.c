/*
 * app/workfile.c - the life of a work file (app/workfile.h).
 */
#include "app/workfile.h"

#include "app/document.h"
#include "core/err.h"
#include "core/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool within(const mc_time_ctx *tc, int64_t unit_id, const mc_actor *actor)
{
	return unit_id && actor->unit_id && mc_time_ctx_within(tc, unit_id, actor->unit_id);
}

static bool officer(int role)
{
	return role == MC_ROLE_SPECIALIST || role == MC_ROLE_DESK || role == MC_ROLE_LEADER;
}

/* The file's officer, while still an officer of the file's unit or a unit
 * under it (as keeper_of chose them): one moved to another unit keeps none
 * of the files of the unit left, until the clerk or head hands them over. */
static bool keeps(const mc_time_ctx *tc, const mc_actor *actor, const mc_workfile *w)
{
	return actor->user_id && actor->user_id == w->responsible_id && officer(actor->role) &&
	       actor->unit_id && w->unit_id && mc_time_ctx_within(tc, actor->unit_id, w->unit_id);
}

bool mc_app_workfile_may_see(const mc_time_ctx *tc, const mc_actor *actor, const mc_workfile *w)
{
	if (actor->role == MC_ROLE_CITIZEN || !actor->unit_id)
		return false;
	return within(tc, w->unit_id, actor) || keeps(tc, actor, w);
}

int64_t mc_app_workfile_doc_date(int box, int64_t issued_at, int64_t received_at)
{
	if (box == MC_DOC_IN && !issued_at)
		return received_at;
	return issued_at;
}

/* Whether user id is an active officer of unit_id's subtree; *name gets
 * their full name (caller frees). MC_EINVAL (recorded) when not. */
static int keeper_of(mc_store *st, const mc_time_ctx *tc, int64_t id, int64_t unit_id, char **name)
{
	mc_user u = {0};
	int rc = mc_store_user_get(st, &u, id);
	if (rc == MC_ENOTFOUND || (rc == 0 && (!u.active || !officer(u.role) || !u.unit_id ||
					       !mc_time_ctx_within(tc, u.unit_id, unit_id))))
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"responsible must be an active officer of the unit or a unit under it");
	if (rc == 0)
		*name = mc_xstrdup(u.full_name ? u.full_name : "");
	mc_user_clear(&u);
	return rc;
}

int mc_app_workfile_create(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_wf_new *in,
			   int64_t at, mc_workfile *out)
{
	char *name = NULL;
	int64_t listed = 0;
	int rc = 0;

	mc_err_clear();
	memset(out, 0, sizeof *out);
	int64_t unit_id = in->unit_id ? in->unit_id : actor->unit_id;
	if (!mc_wf_role_may_list(actor->role)) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE,
				"only a unit's clerk or head lists its work files (art. 28)");
		goto cleanup;
	}
	if (!within(tc, unit_id, actor)) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE, "the unit lies outside your unit's scope");
		goto cleanup;
	}
	if (in->retention_years < 0 || in->retention_years > MC_LIMIT_WORKFILE_RETENTION) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"retention must be 1..%d years or vinh_vien", MC_LIMIT_WORKFILE_RETENTION);
		goto cleanup;
	}
	rc = keeper_of(st, tc, in->responsible_id, unit_id, &name);
	if (rc)
		goto cleanup;
	/* A flood of entries from one account is refused as filings are
	 * (app/filing.h): counted in the store, in this write. */
	rc = mc_store_workfile_count_by(st, &listed, actor->user_id, at - 3600);
	if (rc)
		goto cleanup;
	rc = mc_err_hourly(listed, MC_LIMIT_WORKFILE_PER_HOUR, "listed", "work files");
	if (rc)
		goto cleanup;
	out->unit_id = unit_id;
	out->year = in->year;
	out->code = mc_xstrdup(in->code);
	out->title = mc_xstrdup(in->title);
	out->retention_years = in->retention_years;
	out->responsible_id = in->responsible_id;
	out->responsible_name = name;
	name = NULL;
	out->note = mc_xstrdup(in->note ? in->note : "");
	out->state = MC_WF_LISTED;
	out->created_by = actor->user_id;
	out->created_at = at;
	rc = mc_store_workfile_add(st, out);
	if (rc == MC_ECONFLICT)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_DUPLICATE,
				"the unit's list of %d has a file %s already", in->year, in->code);
cleanup:
	if (rc)
		mc_workfile_clear(out);
	free(name);
	return rc;
}

/* The file of id as the actor may change it at if_version. */
static int file_for(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
		    int64_t if_version, mc_workfile *w)
{
	int rc = mc_store_workfile_get(st, w, id);
	if (rc == MC_ENOTFOUND)
		return mc_err_set(rc, MC_REASON_NOT_FOUND, "no work file has id %lld", (long long)id);
	if (rc)
		return rc;
	if (!mc_app_workfile_may_see(tc, actor, w))
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				  "the work file is outside your unit's scope");
	if (if_version && w->version != if_version)
		return mc_err_set(MC_ESTALE, MC_REASON_STALE,
				  "the work file is at version %lld, not %lld; reload it",
				  (long long)w->version, (long long)if_version);
	return 0;
}

static int keeper_only(const mc_time_ctx *tc, const mc_actor *actor, const mc_workfile *w, const char *what)
{
	if (keeps(tc, actor, w))
		return 0;
	return mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "only the officer who keeps the file (%s) may %s",
			  w->responsible_name, what);
}

/* The dates of the documents of w: its range and count. */
static int file_range(mc_store *st, mc_workfile *w)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = mc_store_workfile_doc_ids(st, &ids, &n, w->id);

	w->first_at = w->last_at = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		mc_document d = {0};
		rc = mc_store_document_get(st, &d, ids[i]);
		if (rc == 0) {
			int64_t t = mc_app_workfile_doc_date(d.box, d.issued_at, d.received_at);
			if (t && (!w->first_at || t < w->first_at))
				w->first_at = t;
			if (t > w->last_at)
				w->last_at = t;
		}
		mc_document_clear(&d);
	}
	if (rc == 0)
		w->doc_count = (int)n;
	free(ids);
	return rc;
}

/* Whether w's retention has ended at `at`; records why not. */
static int expired_or_fail(const mc_workfile *w, int64_t at)
{
	int y, m, d;
	if (w->retention_years == MC_WF_PERMANENT)
		return mc_err_set(
		    MC_ECONFLICT, MC_REASON_STATE,
		    "work file %s (%d) is kept permanently (vĩnh viễn) and is never disposed of", w->code,
		    w->year);
	int64_t end = mc_wf_retention_end(w->retention_years, w->closed_at);
	if (end > 0 && at >= end)
		return 0;
	/* The last day it is kept: the day before its retention ends. */
	mc_civil_from_days((int32_t)((end + MC_TZ_OFFSET) / MC_DAY_SECONDS) - 1, &y, &m, &d);
	return mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
			  "work file %s (%d) is kept until %02d/%02d/%04d; its retention has not ended",
			  w->code, w->year, d, m, y);
}

int mc_app_workfile_act(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			mc_wf_action action, int64_t if_version, const mc_wf_step *step, int64_t at,
			mc_workfile *out)
{
	mc_wf_state to;
	int rc;

	mc_err_clear();
	rc = file_for(st, tc, actor, id, if_version, out);
	if (rc)
		goto cleanup;
	if (!mc_wf_role_may(actor->role, action)) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "the role %s may not %s a work file",
				mc_role_name(actor->role) ? mc_role_name(actor->role) : "(none)",
				mc_wf_action_name(action));
		goto cleanup;
	}
	if (action != MC_WF_ACT_OPEN && action != MC_WF_ACT_CLOSE) {
		/* The unit's clerk or head hands it over and proposes it for
		 * disposal, its head decides: not the officer alone, nor the
		 * clerk or head of a unit above (the head of the agency decides
		 * the destruction of its own archive: Luật Lưu trữ art. 28). */
		if (actor->unit_id != out->unit_id) {
			rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
					"only the clerk or head of the file's unit may %s it",
					mc_wf_action_name(action));
			goto cleanup;
		}
	} else if ((rc = keeper_only(tc, actor, out, action == MC_WF_ACT_OPEN ? "open it" : "close it")) !=
		   0) {
		goto cleanup;
	}
	if (mc_wf_next((mc_wf_state)out->state, action, &to) != 0) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "cannot %s a work file that is %s",
				mc_wf_action_name(action), mc_wf_state_name((mc_wf_state)out->state));
		goto cleanup;
	}
	switch (action) {
	case MC_WF_ACT_OPEN:
		out->opened_at = at;
		break;
	case MC_WF_ACT_CLOSE:
		rc = file_range(st, out);
		if (rc)
			goto cleanup;
		if (out->doc_count == 0) {
			rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
					"a work file without documents cannot be closed");
			goto cleanup;
		}
		out->pages = step->pages;
		out->closed_at = at;
		/* Retention is not changed after closing (mc_app_workfile_edit):
		 * its end is fixed here. */
		out->expires_at = mc_wf_retention_end(out->retention_years, at);
		break;
	case MC_WF_ACT_ARCHIVE:
		out->archived_at = at;
		out->archived_by = actor->user_id;
		break;
	case MC_WF_ACT_PROPOSE:
		rc = expired_or_fail(out, at);
		if (rc)
			goto cleanup;
		out->proposed_at = at;
		out->proposed_by = actor->user_id;
		break;
	case MC_WF_ACT_KEEP:
		out->proposed_at = 0;
		out->proposed_by = 0;
		break;
	case MC_WF_ACT_DISPOSE:
		/* Checked again: the list may be old, the rule is not. */
		rc = expired_or_fail(out, at);
		if (rc)
			goto cleanup;
		if (!step->decision || !step->decision[0] || step->decision_date <= 0 ||
		    step->decision_date > at) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"disposing of a file needs the head's decision: its number and a "
					"date not in the future");
			goto cleanup;
		}
		free(out->decision);
		out->decision = mc_xstrdup(step->decision);
		out->decision_date = step->decision_date;
		out->disposed_at = at;
		out->disposed_by = actor->user_id;
		break;
	}
	out->state = to;
	rc = mc_store_workfile_update(st, out, out->version);
	if (rc == MC_ESTALE)
		rc = mc_err_set(rc, MC_REASON_STALE, "the work file changed meanwhile; reload it");
	if (rc == 0)
		out->version++;
	/* The documents' stored content goes with the decision (docs/documents.md
	 * §12): what only disposed files use, in this transaction; the disk files
	 * after it commits (mc_store_files_sweep). */
	if (rc == 0 && action == MC_WF_ACT_DISPOSE) {
		int64_t destroyed = 0;
		rc = mc_store_workfile_destroy(st, &destroyed, out->id, at);
	}
cleanup:
	if (rc)
		mc_workfile_clear(out);
	return rc;
}

int mc_app_workfile_act_many(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor,
			     const mc_wf_ref *refs, size_t n, mc_wf_action action, const mc_wf_step *step,
			     int64_t at, mc_workfile **out)
{
	int rc = 0;
	*out = mc_xcalloc(n ? n : 1, sizeof **out);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = mc_app_workfile_act(st, tc, actor, refs[i].id, action, refs[i].version, step, at,
					 &(*out)[i]);
		/* Which file of the list: the messages of a refusal about the
		 * file's state name it already; the others get its id. */
		if (rc && mc_err_last()->reason != MC_REASON_STATE) {
			char msg[MC_ERR_MSG_MAX];
			snprintf(msg, sizeof msg, "%s", mc_err_last()->msg);
			mc_err_set(rc, mc_err_last()->reason, "work file %lld: %s", (long long)refs[i].id,
				   msg);
		}
	}
	if (rc) {
		mc_workfile_free_list(*out, n);
		*out = NULL;
	}
	return rc;
}

int mc_app_workfile_document(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			     int64_t document_id, bool add, int64_t if_version, int64_t at, mc_workfile *out)
{
	mc_document d = {0};
	int64_t holder = 0;
	int rc;

	mc_err_clear();
	rc = file_for(st, tc, actor, id, if_version, out);
	if (rc)
		goto cleanup;
	/* What a closed file holds stays in it (art. 29): only an open file
	 * changes, whoever asks. */
	if (out->state != MC_WF_OPEN) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				"documents go in and out of an open file only; it is %s",
				mc_wf_state_name((mc_wf_state)out->state));
		goto cleanup;
	}
	rc = keeper_only(tc, actor, out, add ? "put documents into it" : "take documents out of it");
	if (rc)
		goto cleanup;
	if (add) {
		rc = mc_store_document_get(st, &d, document_id);
		if (rc == MC_ENOTFOUND) {
			rc = mc_err_set(rc, MC_REASON_NOT_FOUND, "no document has id %lld",
					(long long)document_id);
			goto cleanup;
		}
		if (rc)
			goto cleanup;
		/* one the officer and the file's unit may both see: the file
		 * is read by the unit's clerk and head, its handover list by
		 * the archive */
		mc_actor unit = {.role = MC_ROLE_SPECIALIST, .unit_id = out->unit_id};
		if (!mc_app_document_may_see(tc, actor, &d) || !mc_app_document_may_see(tc, &unit, &d)) {
			rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
					"the document is outside your unit's scope");
			goto cleanup;
		}
		if (d.number <= 0) {
			rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
					"only an issued or registered document goes into a work file");
			goto cleanup;
		}
		if (out->doc_count >= MC_LIMIT_WORKFILE_DOCS) {
			rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
					"a work file holds at most %d documents", MC_LIMIT_WORKFILE_DOCS);
			goto cleanup;
		}
		rc = mc_store_workfile_doc_add(st, out, document_id, actor->user_id, at, &holder);
		if (rc == MC_ECONFLICT) {
			rc = mc_err_set(rc, MC_REASON_DUPLICATE,
					holder == out->id
					    ? "the document is in this file already"
					    : "the document is in another work file of the unit's year");
			goto cleanup;
		}
		if (rc)
			goto cleanup;
		out->doc_count++;
	} else {
		rc = mc_store_workfile_doc_remove(st, out->id, document_id);
		if (rc == MC_ENOTFOUND) {
			rc = mc_err_set(rc, MC_REASON_NOT_FOUND, "the file does not hold document %lld",
					(long long)document_id);
			goto cleanup;
		}
		if (rc)
			goto cleanup;
		out->doc_count--;
	}
	rc = mc_store_workfile_update(st, out, out->version);
	if (rc == MC_ESTALE)
		rc = mc_err_set(rc, MC_REASON_STALE, "the work file changed meanwhile; reload it");
	if (rc == 0)
		out->version++;
cleanup:
	mc_document_clear(&d);
	if (rc)
		mc_workfile_clear(out);
	return rc;
}

int mc_app_workfile_edit(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			 int64_t if_version, const mc_wf_edit *in, mc_workfile *out)
{
	char *name = NULL;
	int rc;

	mc_err_clear();
	rc = file_for(st, tc, actor, id, if_version, out);
	if (rc)
		goto cleanup;
	if (!mc_wf_role_may_list(actor->role)) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE,
				"only a unit's clerk or head changes its list of work files (art. 28)");
		goto cleanup;
	}
	if (!within(tc, out->unit_id, actor)) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				"the work file's unit lies outside your scope");
		goto cleanup;
	}
	/* A closed file is what it was when closed (art. 29, 30). */
	if (out->state != MC_WF_LISTED && out->state != MC_WF_OPEN) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "a work file that is %s is not changed",
				mc_wf_state_name((mc_wf_state)out->state));
		goto cleanup;
	}
	if (in->has_retention &&
	    (in->retention_years < 0 || in->retention_years > MC_LIMIT_WORKFILE_RETENTION)) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"retention must be 1..%d years or vinh_vien", MC_LIMIT_WORKFILE_RETENTION);
		goto cleanup;
	}
	if (in->responsible_id && in->responsible_id != out->responsible_id) {
		rc = keeper_of(st, tc, in->responsible_id, out->unit_id, &name);
		if (rc)
			goto cleanup;
		out->responsible_id = in->responsible_id;
		free(out->responsible_name);
		out->responsible_name = name;
		name = NULL;
	}
	if (in->title) {
		free(out->title);
		out->title = mc_xstrdup(in->title);
	}
	if (in->note) {
		free(out->note);
		out->note = mc_xstrdup(in->note);
	}
	if (in->has_retention)
		out->retention_years = in->retention_years;
	rc = mc_store_workfile_update(st, out, out->version);
	if (rc == MC_ESTALE)
		rc = mc_err_set(rc, MC_REASON_STALE, "the work file changed meanwhile; reload it");
	if (rc == 0)
		out->version++;
cleanup:
	free(name);
	if (rc)
		mc_workfile_clear(out);
	return rc;
}
