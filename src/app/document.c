/*
 * app/document.c - the life of an official document (app/document.h).
 */
#include "app/document.h"

#include "app/dossier.h"
#include "app/exchange.h"
#include "app/task.h"

#include "core/audit.h"
#include "core/err.h"
#include "core/limits.h"
#include "store/store_document_file.h"

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

static bool within(const mc_time_ctx *tc, int64_t unit_id, const mc_actor *actor)
{
	return unit_id && actor->unit_id && mc_time_ctx_within(tc, unit_id, actor->unit_id);
}

bool mc_app_document_may_see(const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d)
{
	if (actor->role == MC_ROLE_CITIZEN || !actor->unit_id)
		return false;
	return within(tc, d->unit_id, actor) || within(tc, d->drafting_unit_id, actor) ||
	       within(tc, d->assigned_unit_id, actor);
}

/* The unit whose scope a step is checked against: the drafting unit for the
 * head's review, the document's unit (issuing or receiving body) for the rest. */
static int64_t step_unit(const mc_document *d, mc_doc_action action)
{
	if (action == MC_DOC_ACT_APPROVE || action == MC_DOC_ACT_RETURN)
		return d->drafting_unit_id;
	return d->unit_id;
}

int mc_app_document_check(const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d,
			  mc_doc_action action)
{
	mc_doc_state next;
	mc_err_clear();
	if (!mc_doc_role_may(actor->role, action))
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "the role %s may not %s a document",
				  mc_role_name(actor->role) ? mc_role_name(actor->role) : "(none)",
				  mc_doc_action_name(action));
	if (action == MC_DOC_ACT_SUBMIT) {
		/* The drafter hands their own draft on. */
		if (d->created_by != actor->user_id)
			return mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE,
					  "only the drafter may submit this draft");
	} else if (!within(tc, step_unit(d, action), actor)) {
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				  "the document is outside your unit's scope");
	}
	if (mc_doc_next_state(&next, (mc_doc_state)d->state, action) != 0)
		return mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "cannot %s a document that is %s",
				  mc_doc_action_name(action), mc_doc_state_name((mc_doc_state)d->state));
	return 0;
}

int mc_app_document_event_append(mc_store *st, mc_document_event *e)
{
	char prev[MC_AUDIT_HASH_LEN];
	int rc = mc_store_document_event_head(st, e->document_id, prev);
	if (rc)
		return rc;
	mc_audit_document_event_hash(e->hash, prev, e->document_id, e->at, e->user_id, e->user_name, e->role,
				     e->unit_id, e->action, e->from_state, e->to_state, e->note,
				     e->file_version, e->file_sha256);
	return mc_store_document_event_add(st, e);
}

/* Sets the version of its draft e refers to: number, or the latest when 0;
 * none when the draft has no uploaded version. */
static int event_version(mc_store *st, mc_document_event *e, int number)
{
	mc_document_version v;
	int rc = mc_store_document_version_get(st, &v, e->document_id, number);
	if (rc == MC_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	e->file_version = v.number;
	memcpy(e->file_sha256, v.sha256, sizeof e->file_sha256);
	mc_document_version_clear(&v);
	return 0;
}

/* Appends the event of a step; it refers to version file_version of the
 * draft, or to its latest when 0 (migration 034); file_sha256 (may be NULL)
 * is the file issued and signed, when the issue signed one. */
static int append_event(mc_store *st, const mc_actor *actor, const mc_document *d, const char *action,
			int from, const char *note, int64_t at, int file_version, const char *file_sha256)
{
	mc_document_event e = {.document_id = d->id,
			       .at = at,
			       .user_id = actor->user_id,
			       .user_name = (char *)actor->name,
			       .role = (char *)(mc_role_name(actor->role) ? mc_role_name(actor->role) : ""),
			       .unit_id = actor->unit_id,
			       .action = (char *)action,
			       .from_state = from,
			       .to_state = d->state,
			       .note = (char *)(note ? note : "")};
	int rc = d->box == MC_DOC_OUT ? event_version(st, &e, file_version) : 0;
	if (rc)
		return rc;
	if (file_sha256 && *file_sha256)
		snprintf(e.file_sha256, sizeof e.file_sha256, "%s", file_sha256);
	return mc_app_document_event_append(st, &e);
}

/* Checks that every code of the comma-separated list names a unit in force
 * on day (an ended one is refused naming its successor) with an incoming
 * register. */
static int check_recipients(mc_store *st, const mc_time_ctx *tc, int32_t day, const char *list)
{
	int rc = 0;
	size_t count = 0;
	char *copy = mc_xstrdup(list ? list : "");
	char *save = NULL;
	for (char *code = strtok_r(copy, ",", &save); code; code = strtok_r(NULL, ",", &save)) {
		mc_unit u;
		mc_doc_register g;
		if (++count > MC_LIMIT_DOCUMENT_RECIPIENT_UNITS) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"a document goes to at most %d units",
					MC_LIMIT_DOCUMENT_RECIPIENT_UNITS);
			break;
		}
		rc = mc_store_unit_by_code(st, &u, code);
		if (rc == MC_ENOTFOUND) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_UNKNOWN_UNIT, "recipient_units names no unit %s",
					code);
			break;
		}
		if (rc)
			break;
		rc = mc_app_unit_ended_or_zero(tc, &u, day, "recipient_units");
		if (rc == 0)
			rc = mc_store_doc_register_of(st, &g, u.id, MC_DOC_IN);
		mc_unit_clear(&u);
		if (rc == MC_ENOTFOUND) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"unit %s has no incoming register to receive the document", code);
			break;
		}
		if (rc)
			break;
		mc_doc_register_clear(&g);
	}
	free(copy);
	return rc;
}

/* Checks a draft's fields and writes them into d (borrowing the strings). */
static int apply_draft(mc_store *st, const mc_time_ctx *tc, int32_t day, const mc_doc_draft *in,
		       const mc_doc_register *g, mc_document *d)
{
	const mc_doc_type *t = mc_doc_type_find(in->type);
	char series[MC_DOC_SERIES_MAX];
	if (!t)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "type names no kind of document of art. 7");
	if (mc_doc_series(series, MC_DOC_OUT, t, in->normative, in->secrecy) != 0)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "only a nghị quyết or quyết định may be a legal normative document");
	if (in->drafting_abbr && *in->drafting_abbr && !mc_doc_abbr_valid(in->drafting_abbr))
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "drafting_abbr must be letters and digits without spaces, '/' or '-'");
	if (mc_doc_type_is_letter(t) && blank(in->drafting_abbr))
		return mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
				  "a công văn's notation names the drafting unit: drafting_abbr is required");
	/* The notation the number will take must fit Phụ lục VI's limits. */
	char probe[MC_DOC_NOTATION_MAX];
	int rc = mc_doc_notation(probe, 1, 2000, t, in->normative, g->organ_abbr, in->drafting_abbr);
	if (rc)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "the notation would be longer than %d characters",
				  MC_LIMIT_DOCUMENT_NOTATION);
	rc = check_recipients(st, tc, day, in->recipient_units);
	if (rc)
		return rc;
	d->type = (char *)t->key;
	d->normative = in->normative;
	d->urgency = in->urgency;
	d->secrecy = in->secrecy;
	d->subject = (char *)in->subject;
	d->body = (char *)in->body;
	d->drafting_abbr = (char *)in->drafting_abbr;
	d->place = (char *)in->place;
	d->signer_position = (char *)in->signer_position;
	d->signer_name = (char *)in->signer_name;
	d->recipients = (char *)in->recipients;
	d->recipient_units = (char *)in->recipient_units;
	return 0;
}

int mc_app_document_draft(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_doc_draft *in,
			  int64_t at, mc_document *out)
{
	mc_doc_register g = {0};
	mc_document d = {0};
	int64_t unit_id = in->unit_id ? in->unit_id : actor->unit_id;
	int rc;

	mc_err_clear();
	memset(out, 0, sizeof *out);
	if (actor->role != MC_ROLE_SPECIALIST) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "documents are drafted by specialists");
		goto cleanup;
	}
	/* A body issues what its own units draft (art. 10). */
	if (!actor->unit_id || !mc_time_ctx_within(tc, actor->unit_id, unit_id)) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				"the issuing body must be your unit or one above it");
		goto cleanup;
	}
	rc = mc_store_doc_register_of(st, &g, unit_id, MC_DOC_OUT);
	if (rc == MC_ENOTFOUND) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"the issuing body has no outgoing register");
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	rc = apply_draft(st, tc, mc_local_day(at), in, &g, &d);
	if (rc)
		goto cleanup;
	d.box = MC_DOC_OUT;
	d.register_id = g.id;
	d.unit_id = unit_id;
	d.drafting_unit_id = actor->unit_id;
	d.state = MC_DOC_DRAFT;
	d.created_by = actor->user_id;
	d.created_at = at;
	d.updated_at = at;
	rc = mc_store_document_add(st, &d);
	if (rc == 0)
		rc = append_event(st, actor, &d, "draft", 0, NULL, at, 0, NULL);
	if (rc == 0)
		rc = mc_store_document_get(st, out, d.id);
cleanup:
	mc_doc_register_clear(&g);
	return rc;
}

/* Reads document id at version if_version (0 = any) for a step. */
/* Every write reads its document here, under the document's lock
 * (store_document.h): a draft's state is decided on as committed. */
static int load(mc_store *st, mc_document *d, int64_t id, int64_t if_version)
{
	int rc = mc_store_document_lock(st, id);
	if (rc == 0)
		rc = mc_store_document_get(st, d, id);
	if (rc == MC_ENOTFOUND)
		return mc_err_set(MC_ENOTFOUND, MC_REASON_NOT_FOUND, "no document has id %lld",
				  (long long)id);
	if (rc)
		return rc;
	if (if_version && d->version != if_version) {
		rc = mc_err_set(MC_ESTALE, MC_REASON_STALE,
				"the document is at version %lld, not %lld; reload it", (long long)d->version,
				(long long)if_version);
		mc_document_clear(d);
	}
	return rc;
}

/* Writes d over its row at version `version` and appends the event; an
 * issue that act->seal signs is signed in between, and its event records
 * the signed file. */
static int save(mc_store *st, const mc_actor *actor, mc_document *d, int64_t version, const char *action,
		int from, const char *note, int file_version, const mc_doc_act *act)
{
	char signed_sha[65] = "";
	int rc = mc_store_document_update(st, d, version);
	if (rc == MC_ESTALE)
		return mc_err_set(MC_ESTALE, MC_REASON_STALE, "the document has changed; reload it");
	if (rc == MC_ECONFLICT)
		return mc_err_set(MC_ECONFLICT, MC_REASON_DUPLICATE, "the number %s is taken this year",
				  d->notation ? d->notation : "");
	if (rc)
		return rc;
	if (act && act->action == MC_DOC_ACT_ISSUE && act->seal) {
		rc = act->seal(st, d, act->seal_ctx, signed_sha);
		if (rc)
			return rc;
	}
	return append_event(st, actor, d, action, from, note, d->updated_at, file_version, signed_sha);
}

int mc_app_document_edit(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			 int64_t if_version, const mc_doc_draft *in, int64_t at, mc_document *out)
{
	mc_document d = {0}, edited;
	mc_doc_register g = {0};
	int rc;

	(void)tc;
	mc_err_clear();
	memset(out, 0, sizeof *out);
	rc = load(st, &d, id, if_version);
	if (rc)
		goto cleanup;
	if (actor->role != MC_ROLE_SPECIALIST || d.created_by != actor->user_id) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "only the drafter may change a draft");
		goto cleanup;
	}
	if (!mc_doc_state_editable((mc_doc_state)d.state)) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "a document that is %s cannot be changed",
				mc_doc_state_name((mc_doc_state)d.state));
		goto cleanup;
	}
	rc = mc_store_doc_register_get(st, &g, d.register_id);
	if (rc)
		goto cleanup;
	/* The edited copy borrows the request's strings; d keeps its own to free. */
	edited = d;
	rc = apply_draft(st, tc, mc_local_day(at), in, &g, &edited);
	if (rc)
		goto cleanup;
	edited.updated_at = at;
	rc = save(st, actor, &edited, d.version, "edit", d.state, NULL, 0, NULL);
	if (rc == 0)
		rc = mc_store_document_get(st, out, id);
cleanup:
	mc_doc_register_clear(&g);
	mc_document_clear(&d);
	return rc;
}

/* Gives the document its number and notation and sends a copy to each
 * recipient unit's incoming box (art. 16, 17, 19). */
static int issue(mc_store *st, mc_document *d, int64_t at)
{
	mc_doc_register g = {0};
	const mc_doc_type *t = mc_doc_type_find(d->type);
	char series[MC_DOC_SERIES_MAX], notation[MC_DOC_NOTATION_MAX];
	int64_t number = 0;
	int year = mc_doc_year(at);
	int rc = mc_store_doc_register_get(st, &g, d->register_id);

	if (rc)
		goto cleanup;
	if (!t || mc_doc_series(series, MC_DOC_OUT, t, d->normative, (mc_doc_secrecy)d->secrecy) != 0) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "the document's kind cannot be numbered");
		goto cleanup;
	}
	rc = mc_store_doc_number_next(st, &number, g.id, year, series);
	if (rc)
		goto cleanup;
	rc = mc_doc_notation(notation, number, year, t, d->normative, g.organ_abbr, d->drafting_abbr);
	if (rc) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"number %lld does not fit the notation's limits", (long long)number);
		goto cleanup;
	}
	d->year = year;
	d->series = mc_xstrdup(series);
	d->number = number;
	d->notation = mc_xstrdup(notation);
	d->issued_at = at;
cleanup:
	mc_doc_register_clear(&g);
	return rc;
}

int mc_app_document_step_allowed(mc_store *st, int64_t user_id, int64_t now)
{
	int64_t steps = 0;
	int rc = mc_store_document_events_by(st, &steps, user_id, now - 3600);
	return rc ? rc
		  : mc_err_hourly(steps, MC_LIMIT_DOCUMENT_STEPS_PER_HOUR, "recorded", "steps on documents");
}

int mc_app_document_dispatch(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d)
{
	int rc = 0;
	char *copy = mc_xstrdup(d->recipient_units ? d->recipient_units : "");
	char *save_ptr = NULL;
	const mc_unit *issuer = mc_time_ctx_unit(tc, d->unit_id);
	int64_t sent[MC_LIMIT_DOCUMENT_RECIPIENT_UNITS];
	size_t n_sent = 0;
	for (char *code = strtok_r(copy, ",", &save_ptr); code && rc == 0;
	     code = strtok_r(NULL, ",", &save_ptr)) {
		mc_unit u;
		mc_doc_register g;
		bool again = false;
		rc = mc_store_unit_by_code(st, &u, code);
		if (rc)
			break;
		/* Addressed before a reorganisation ended the unit: its successor
		 * receives the copy (none: refused, as at the draft). */
		int64_t to = u.id;
		int32_t day = mc_local_day(d->issued_at);
		if (u.valid_to && day >= u.valid_to) {
			const mc_unit *heir = mc_time_ctx_heir(tc, u.id, day);
			if (heir && heir->id != u.id && mc_unit_in_force(heir, day))
				to = heir->id;
			else
				rc = mc_app_unit_ended_or_zero(tc, &u, day, "recipient_units");
		}
		/* Two units merged into one: it receives one copy. */
		for (size_t i = 0; rc == 0 && i < n_sent; i++)
			again = again || sent[i] == to;
		if (rc == 0 && !again) {
			rc = mc_store_doc_register_of(st, &g, to, MC_DOC_IN);
			if (rc == MC_ENOTFOUND)
				rc = mc_err_set(
				    MC_EINVAL, MC_REASON_INVALID_FIELD,
				    "recipient_units: the unit receiving for %s has no incoming register "
				    "to receive the document",
				    code);
		}
		if (rc == 0 && !again && n_sent < MC_LIMIT_DOCUMENT_RECIPIENT_UNITS)
			sent[n_sent++] = to;
		if (rc == 0 && !again) {
			mc_document in = {.box = MC_DOC_IN,
					  .register_id = g.id,
					  .unit_id = to,
					  .state = MC_DOC_ARRIVED,
					  .type = d->type,
					  .urgency = d->urgency,
					  .secrecy = d->secrecy,
					  .subject = d->subject,
					  .notation = d->notation,
					  .organ_name = issuer ? issuer->name : "",
					  .issued_at = d->issued_at,
					  .source_id = d->id,
					  .created_by = actor->user_id,
					  .created_at = d->issued_at,
					  .updated_at = d->issued_at};
			rc = mc_store_document_add(st, &in);
			if (rc == 0)
				rc = append_event(st, actor, &in, "arrive", 0, NULL, d->issued_at, 0, NULL);
			mc_doc_register_clear(&g);
		}
		mc_unit_clear(&u);
	}
	free(copy);
	return rc;
}

int mc_app_document_copy_end(mc_store *st, mc_document *c, mc_doc_state to_state, const char *action,
			     const char *note, int64_t at)
{
	mc_document_event e = {.document_id = c->id,
			       .at = at,
			       .user_name = "",
			       .role = "",
			       .action = (char *)action,
			       .from_state = c->state,
			       .to_state = to_state,
			       .note = (char *)note};
	c->state = to_state;
	c->updated_at = at;
	int rc = mc_store_document_update(st, c, c->version);
	return rc ? rc : mc_app_document_event_append(st, &e);
}

int mc_app_document_copies_end(mc_store *st, const mc_document *d, mc_doc_state to_state, const char *action,
			       const char *note, int64_t at, size_t *n, size_t *before)
{
	int64_t *ids = NULL;
	size_t n_ids = 0;
	int rc = mc_store_document_copy_ids(st, &ids, &n_ids, d->id);

	*n = *before = 0;
	for (size_t i = 0; i < n_ids && rc == 0; i++) {
		mc_document c = {0};
		rc = mc_store_document_get(st, &c, ids[i]);
		if (rc == 0 && (c.state == MC_DOC_RECALLED || c.state == MC_DOC_REPLACED)) {
			(*before)++;
		} else if (rc == 0) {
			rc = mc_app_document_copy_end(st, &c, to_state, action, note, at);
			if (rc == 0)
				(*n)++;
		}
		mc_document_clear(&c);
	}
	free(ids);
	return rc;
}

/* Whether document id has an event of action; *note gets that event's note
 * (caller frees) when note is not NULL. */
static int has_event(mc_store *st, int64_t id, const char *action, bool *out, char **note)
{
	mc_document_event e;
	int rc = mc_store_document_event_find(st, &e, id, action, false);
	*out = rc == 0;
	if (rc == 0 && note)
		*note = mc_xstrdup(e.note ? e.note : "");
	mc_document_event_clear(&e);
	return rc == MC_ENOTFOUND ? 0 : rc;
}

/* The checks of mc_app_document_replace; fills *old. */
static int replace_check(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d,
			 int64_t old_id, mc_document *old)
{
	bool recalled = false, replaced = false;
	char *by = NULL;
	int rc = mc_store_document_get(st, old, old_id);
	if (rc == MC_ENOTFOUND)
		return mc_err_set(MC_ENOTFOUND, MC_REASON_NOT_FOUND, "replaces: no document has id %lld",
				  (long long)old_id);
	if (rc)
		return rc;
	if (!within(tc, old->unit_id, actor))
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				  "replaces: document %lld is outside your unit's scope", (long long)old_id);
	if (old->id == d->id)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "replaces: a document cannot replace itself");
	if (old->box != MC_DOC_OUT || old->unit_id != d->unit_id)
		return mc_err_set(
		    MC_EINVAL, MC_REASON_INVALID_FIELD,
		    "replaces: document %lld is not an outgoing document of the same issuing body",
		    (long long)old_id);
	if (old->state != MC_DOC_ISSUED)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "replaces: document %lld is %s, not issued", (long long)old_id,
				  mc_doc_state_name((mc_doc_state)old->state));
	rc = has_event(st, old->id, "recall", &recalled, NULL);
	if (rc == 0 && recalled)
		return mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				  "replaces: document %s was recalled; a recalled document is not replaced",
				  old->notation);
	if (rc == 0)
		rc = has_event(st, old->id, "replaced", &replaced, &by);
	if (rc == 0 && replaced)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_DUPLICATE,
				"replaces: document %s was replaced already (%s)", old->notation, by);
	free(by);
	return rc;
}

int mc_app_document_replace(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d,
			    int64_t old_id, bool check_only, int64_t at)
{
	mc_document old = {0};
	char note[200];
	size_t n = 0, before = 0;
	int rc = replace_check(st, tc, actor, d, old_id, &old);
	if (rc || check_only)
		goto cleanup;
	/* art. 18: the copies end as replaced, each saying by which document */
	snprintf(note, sizeof note, "Được thay thế bởi văn bản số %s", d->notation ? d->notation : "");
	rc = mc_app_document_copies_end(st, &old, MC_DOC_REPLACED, "replace", note, at, &n, &before);
	if (rc == 0) {
		/* the old document stays issued, its number in the register */
		mc_document_event e = {
		    .document_id = old.id,
		    .at = at,
		    .user_id = actor->user_id,
		    .user_name = (char *)actor->name,
		    .role = (char *)(mc_role_name(actor->role) ? mc_role_name(actor->role) : ""),
		    .unit_id = actor->unit_id,
		    .action = "replaced",
		    .from_state = old.state,
		    .to_state = old.state,
		    .note = note};
		rc = mc_app_document_event_append(st, &e);
	}
cleanup:
	mc_document_clear(&old);
	return rc;
}

/* The cooperating units' ids as the document keeps them: comma-separated. */
static char *ids_text(const int64_t *ids, size_t n)
{
	size_t cap = n * 21 + 1, len = 0;
	char *out = mc_xmalloc(cap);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%lld", i ? "," : "", (long long)ids[i]);
	return out;
}

/* Whether the assignment is handed to the tasks (docs/documents.md §4): a
 * document whose task is open stays tracked by it; otherwise when asked
 * (track), or by default when it has a deadline and goes to a unit below
 * the leader's (a task goes down). */
static int tracked(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d,
		   const mc_doc_act *act, bool *out)
{
	*out = false;
	if (d->task_id) {
		mc_task t;
		int rc = mc_store_task_get(st, &t, d->task_id);
		if (rc)
			return rc;
		bool open = t.state != MC_TASK_DONE && t.state != MC_TASK_CANCELLED;
		mc_task_clear(&t);
		if (open && act->track < 0)
			return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					  "the assignment is tracked by task %lld: cancel that task to stop",
					  (long long)d->task_id);
		if (open) {
			*out = true;
			return 0;
		}
	}
	if (act->track > 0)
		*out = true;
	else if (act->track == 0)
		*out =
		    act->deadline && act->to_unit_id != actor->unit_id && within(tc, act->to_unit_id, actor);
	return 0;
}

/* The assignment (art. 23) into d; *cooperating gets the units' text d
 * borrows (free it). A tracked one creates or re-assigns its task. */
static int assign(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, mc_document *d,
		  const mc_doc_act *act, char **cooperating)
{
	bool track = false;
	int rc;

	if (!act->to_unit_id)
		return mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
				  "assign needs to_unit, the unit in charge");
	if (!mc_time_ctx_unit(tc, act->to_unit_id))
		return mc_err_set(MC_EINVAL, MC_REASON_UNKNOWN_UNIT, "to_unit names no unit");
	if (!within(tc, act->to_unit_id, actor))
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "to_unit must lie in your unit's scope");
	if (act->deadline && act->deadline <= act->at)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "deadline must be in the future");
	/* The tasks' own rule: strictly below the leader's unit, not the unit
	 * in charge, none twice. */
	rc = mc_app_task_check_cooperating(tc, actor->unit_id, act->to_unit_id, act->cooperating,
					   act->n_cooperating);
	if (rc)
		return rc;
	if (act->assignee_id) {
		mc_user u;
		rc = mc_store_user_get(st, &u, act->assignee_id);
		if (rc == MC_ENOTFOUND)
			return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "assignee names no officer");
		if (rc)
			return rc;
		bool ok = u.active && u.role != MC_ROLE_CITIZEN && u.unit_id &&
			  mc_time_ctx_within(tc, u.unit_id, act->to_unit_id);
		mc_user_clear(&u);
		if (!ok)
			return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					  "assignee must be an officer of the unit in charge");
	}
	rc = tracked(st, tc, actor, d, act, &track);
	if (rc)
		return rc;
	d->assigned_unit_id = act->to_unit_id;
	d->assignee_id = act->assignee_id;
	d->deadline = act->deadline;
	d->direction = (char *)(act->note ? act->note : "");
	d->cooperating_units = *cooperating = ids_text(act->cooperating, act->n_cooperating);
	if (track)
		rc = mc_app_task_handoff(st, tc, actor, d, act->cooperating, act->n_cooperating, act->at,
					 &d->task_id);
	return rc;
}

/* The comma-separated unit ids of list with from_unit read as to_unit, none
 * twice nor the unit in charge; NULL when from_unit is not among them. */
static char *units_moved(const char *list, int64_t from_unit, int64_t to_unit, int64_t in_charge)
{
	int64_t ids[MC_LIMIT_TASK_UNITS + 1];
	size_t n = 0;
	bool found = false;

	for (const char *p = list ? list : ""; *p && n < MC_ARRAY_LEN(ids);) {
		char *end;
		long long v = strtoll(p, &end, 10);
		if (end == p)
			break;
		int64_t u = v == from_unit ? to_unit : v;
		bool twice = u == in_charge;
		found = found || v == from_unit;
		for (size_t k = 0; k < n && !twice; k++)
			twice = ids[k] == u;
		if (!twice)
			ids[n++] = u;
		p = *end == ',' ? end + 1 : end;
	}
	return found ? ids_text(ids, n) : NULL;
}

int mc_app_document_reorganise(mc_store *st, const mc_actor *actor, int64_t id, int64_t from_unit,
			       int64_t to_unit, bool drop_assignee, const char *note, int64_t at)
{
	mc_document d = {0};
	mc_doc_register g = {0};
	char *cooperating = NULL;
	int rc = load(st, &d, id, 0);

	if (rc)
		return rc;
	mc_document next = d;
	if (d.unit_id == from_unit) {
		next.unit_id = to_unit;
		/* Not numbered yet (a draft, a copy not registered): the successor
		 * numbers it in its own register when it has one. A number given
		 * stays in the register that gave it. */
		if (d.number == 0) {
			rc = mc_store_doc_register_of(st, &g, to_unit, d.box);
			if (rc == 0)
				next.register_id = g.id;
			else if (rc == MC_ENOTFOUND)
				rc = 0;
		}
	}
	if (d.drafting_unit_id == from_unit)
		next.drafting_unit_id = to_unit;
	if (d.assigned_unit_id == from_unit) {
		next.assigned_unit_id = to_unit;
		/* An officer deactivated with the unit handles it no more. */
		if (drop_assignee)
			next.assignee_id = 0;
	}
	cooperating = units_moved(d.cooperating_units, from_unit, to_unit, next.assigned_unit_id);
	if (cooperating)
		next.cooperating_units = cooperating;
	next.updated_at = at;
	if (rc == 0)
		rc = save(st, actor, &next, d.version, "reorganise", d.state, note, 0, NULL);
	free(cooperating);
	mc_doc_register_clear(&g);
	mc_document_clear(&d);
	return rc;
}

/* The version a review names (act->file_version): one of the draft's, and
 * for an approval its latest, which is the one signed and issued (no
 * version can be uploaded after it: the draft is no longer editable). */
static int check_file_version(mc_store *st, const mc_document *d, const mc_doc_act *act)
{
	mc_document_version latest;
	int rc;

	if (!act->file_version)
		return 0;
	if (act->action != MC_DOC_ACT_APPROVE && act->action != MC_DOC_ACT_RETURN)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "file_version is named by an approval or a return only");
	rc = mc_store_document_version_get(st, &latest, d->id, 0);
	if (rc == MC_ENOTFOUND || (rc == 0 && (act->file_version < 1 || act->file_version > latest.number)))
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"file_version %d names no uploaded version of this draft", act->file_version);
	else if (rc == 0 && act->action == MC_DOC_ACT_APPROVE && act->file_version != latest.number)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				"version %d is not the latest (%d): the version approved is the one issued",
				act->file_version, latest.number);
	mc_document_version_clear(&latest); /* zeroed by the read when it failed */
	return rc;
}

int mc_app_document_act(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			const mc_doc_act *act, mc_document *out)
{
	mc_document d = {0}, next;
	char *series = NULL, *notation = NULL, *cooperating = NULL;
	mc_doc_state to;
	int rc;

	mc_err_clear();
	memset(out, 0, sizeof *out);
	rc = load(st, &d, id, act->if_version);
	if (rc)
		goto cleanup;
	rc = mc_app_document_check(tc, actor, &d, act->action);
	if (rc)
		goto cleanup;
	if (act->action == MC_DOC_ACT_RETURN && blank(act->note)) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
				"return needs a note saying what to change");
		goto cleanup;
	}
	rc = check_file_version(st, &d, act);
	if (rc)
		goto cleanup;
	if (act->replaces_id && act->action != MC_DOC_ACT_ISSUE) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "replaces goes with issue only");
		goto cleanup;
	}
	/* checked before the number is taken and the document signed */
	if (act->replaces_id) {
		rc = mc_app_document_replace(st, tc, actor, &d, act->replaces_id, true, act->at);
		if (rc)
			goto cleanup;
	}
	mc_doc_next_state(&to, (mc_doc_state)d.state, act->action);
	next = d;
	next.state = to;
	next.updated_at = act->at;
	switch (act->action) {
	case MC_DOC_ACT_RETURN:
		next.note = (char *)act->note;
		break;
	case MC_DOC_ACT_ISSUE:
		next.series = NULL;
		next.notation = NULL;
		rc = issue(st, &next, act->at);
		series = next.series;
		notation = next.notation;
		break;
	case MC_DOC_ACT_REGISTER: {
		char s[MC_DOC_SERIES_MAX];
		mc_doc_series(s, MC_DOC_IN, NULL, false, 0);
		next.year = mc_doc_year(act->at);
		rc = mc_store_doc_number_next(st, &next.number, d.register_id, next.year, s);
		next.series = series = mc_xstrdup(s);
		next.received_at = act->at;
		break;
	}
	case MC_DOC_ACT_ASSIGN:
		rc = assign(st, tc, actor, &next, act, &cooperating);
		break;
	default:
		break;
	}
	if (rc)
		goto cleanup;
	rc = save(st, actor, &next, d.version, mc_doc_action_name(act->action), d.state, act->note,
		  act->file_version, act);
	if (rc == 0 && act->action == MC_DOC_ACT_ISSUE)
		rc = mc_app_document_dispatch(st, tc, actor, &next);
	if (rc == 0 && act->replaces_id)
		rc = mc_app_document_replace(st, tc, actor, &next, act->replaces_id, false, act->at);
	/* an exchanged copy registered or assigned: its sender is told (03, 04) */
	if (rc == 0)
		rc = mc_app_exchange_on_act(st, tc, actor, &next, act->action, act->at);
	if (rc == 0)
		rc = mc_store_document_get(st, out, id);
cleanup:
	free(series);
	free(notation);
	free(cooperating);
	mc_document_clear(&d);
	return rc;
}

int mc_app_document_sign(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			 int64_t if_version, const unsigned char *signed_pdf, size_t signed_len, int64_t at,
			 mc_document *out)
{
	mc_doc_act act = {.action = MC_DOC_ACT_SIGN, .if_version = if_version, .at = at};
	int rc = mc_app_document_act(st, tc, actor, id, &act, out);
	/* The file the signer's device signed (checked by the caller against
	 * what was prepared) becomes the document's; the request is done. */
	if (rc == 0 && signed_pdf) {
		rc = mc_store_document_file_put(st, id, signed_pdf, signed_len, 1, at);
		if (rc == 0)
			rc = mc_store_document_sign_request_delete(st, id, at);
		if (rc)
			mc_document_clear(out);
	}
	return rc;
}

/* Outgoing document id into d for its drafter's own change (a version, an
 * attachment): in the caller's scope, and theirs, else MC_EFORBIDDEN saying
 * "only the drafter <what>". */
static int load_draft(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id, mc_document *d,
		      const char *what)
{
	int rc = load(st, d, id, 0);
	if (rc)
		return rc;
	if (!mc_app_document_may_see(tc, actor, d))
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				  "the document is outside your unit's scope");
	if (d->box != MC_DOC_OUT || d->created_by != actor->user_id)
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "only the drafter %s", what);
	return 0;
}

int mc_app_document_version_add(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
				const mc_doc_upload *in, int64_t at, mc_document_version *out)
{
	mc_document d = {0};
	int rc;

	mc_err_clear();
	memset(out, 0, sizeof *out);
	rc = load_draft(st, tc, actor, id, &d, "uploads versions of a draft");
	if (rc)
		goto cleanup;
	/* Art. 10-11: the draft changes while it is drafted or sent back;
	 * what was submitted, approved, signed or issued stays as it was. */
	if (!mc_doc_state_editable((mc_doc_state)d.state)) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				"a document that is %s cannot take a new version",
				mc_doc_state_name((mc_doc_state)d.state));
		goto cleanup;
	}
	out->document_id = id;
	out->kind = mc_xstrdup(mc_doc_file_kind_name(in->kind) ? mc_doc_file_kind_name(in->kind) : "");
	out->filename = mc_xstrdup(in->filename ? in->filename : "");
	snprintf(out->sha256, sizeof out->sha256, "%s", in->sha256);
	out->size = in->size;
	out->uploaded_by = actor->user_id;
	out->uploaded_by_name = mc_xstrdup(actor->name);
	out->created_at = at;
	rc = mc_store_document_version_add(st, out, mc_doc_file_kind_mime(in->kind));
	/* Numbered in the write from 1 without gaps: the number says how many
	 * the draft holds, two uploads at once included. A bound, so that one
	 * account cannot fill the file store through one draft. */
	if (rc == 0 && out->number > MC_LIMIT_DOCUMENT_VERSIONS)
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "a draft holds at most %d versions",
				MC_LIMIT_DOCUMENT_VERSIONS);
	/* The latest DOCX's text is searched with the document; a PDF's is not
	 * read (no PDF text library), so the last DOCX's stays. */
	if (rc == 0 && in->text)
		rc = mc_store_document_file_text(st, &d, in->text);
	if (rc == 0)
		rc = append_event(st, actor, &d, "upload", d.state, in->filename, at, out->number, NULL);
	if (rc)
		mc_document_version_clear(out);
cleanup:
	mc_document_clear(&d);
	return rc;
}

int mc_app_document_attachment_add(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
				   const mc_doc_upload *in, int64_t at, mc_document_attachment *out)
{
	mc_document d = {0};
	mc_document_attachment *list = NULL;
	size_t n = 0, count = 0;
	int rc;

	mc_err_clear();
	memset(out, 0, sizeof *out);
	rc = load_draft(st, tc, actor, id, &d, "attaches files to a draft");
	if (rc)
		goto cleanup;
	/* what was submitted, approved, signed or issued stays as it was */
	if (!mc_doc_state_editable((mc_doc_state)d.state)) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "a document that is %s takes no attachment",
				mc_doc_state_name((mc_doc_state)d.state));
		goto cleanup;
	}
	/* counted in the write: two uploads at once cannot both pass */
	rc = mc_store_document_attachments(st, &list, &n, id);
	if (rc)
		goto cleanup;
	for (size_t i = 0; i < n; i++)
		count += !list[i].sealed;
	if (count >= MC_LIMIT_DOCUMENT_ATTACHMENTS) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "a document holds at most %d attachments",
				MC_LIMIT_DOCUMENT_ATTACHMENTS);
		goto cleanup;
	}
	out->document_id = id;
	out->filename = mc_xstrdup(in->filename ? in->filename : "");
	snprintf(out->sha256, sizeof out->sha256, "%s", in->sha256);
	out->size = in->size;
	out->uploaded_by = actor->user_id;
	out->uploaded_by_name = mc_xstrdup(actor->name);
	out->created_at = at;
	rc = mc_store_document_attachment_add(st, out);
	if (rc == 0)
		rc = append_event(st, actor, &d, "attach", d.state, in->filename, at, 0, NULL);
	if (rc)
		mc_document_attachment_clear(out);
cleanup:
	mc_document_attachment_free_list(list, n);
	mc_document_clear(&d);
	return rc;
}

int mc_app_document_attachment_remove(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
				      int number, int64_t at)
{
	mc_document d = {0};
	mc_document_attachment *list = NULL;
	const mc_document_attachment *a = NULL;
	size_t n = 0;
	int rc;

	mc_err_clear();
	rc = load_draft(st, tc, actor, id, &d, "removes a draft's attachments");
	if (rc)
		goto cleanup;
	rc = mc_store_document_attachments(st, &list, &n, id);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (list[i].number == number && !list[i].sealed)
			a = &list[i];
	if (rc)
		goto cleanup;
	if (!a) {
		rc = mc_err_set(MC_ENOTFOUND, MC_REASON_NOT_FOUND, "document %lld has no attachment %d",
				(long long)id, number);
		goto cleanup;
	}
	/* what was submitted, approved, signed or issued stays as it was */
	if (!mc_doc_state_editable((mc_doc_state)d.state)) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "a document that is %s keeps its attachments",
				mc_doc_state_name((mc_doc_state)d.state));
		goto cleanup;
	}
	rc = mc_store_document_attachment_remove(st, id, number, actor->user_id, at);
	if (rc == MC_ECONFLICT)
		rc = mc_err_set(MC_ENOTFOUND, MC_REASON_NOT_FOUND, "attachment %d was removed already",
				number);
	if (rc == 0)
		rc = append_event(st, actor, &d, "detach", d.state, a->filename, at, 0, NULL);
cleanup:
	mc_document_attachment_free_list(list, n);
	mc_document_clear(&d);
	return rc;
}

int mc_app_document_receive(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor,
			    const mc_doc_incoming *in, int64_t at, mc_document *out)
{
	mc_doc_register g = {0};
	mc_document d = {0};
	char series[MC_DOC_SERIES_MAX];
	const mc_doc_type *t = mc_doc_type_find(in->type);
	int rc;

	(void)tc;
	mc_err_clear();
	memset(out, 0, sizeof *out);
	if (actor->role != MC_ROLE_DESK || !actor->unit_id) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE,
				"incoming documents are registered by the clerk");
		goto cleanup;
	}
	if (!t) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"type names no kind of document of art. 7");
		goto cleanup;
	}
	rc = mc_store_doc_register_of(st, &g, actor->unit_id, MC_DOC_IN);
	if (rc == MC_ENOTFOUND) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "your unit has no incoming register");
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	mc_doc_series(series, MC_DOC_IN, NULL, false, 0);
	d.box = MC_DOC_IN;
	d.register_id = g.id;
	d.unit_id = actor->unit_id;
	d.state = MC_DOC_REGISTERED;
	d.type = (char *)t->key;
	d.urgency = in->urgency;
	d.secrecy = in->secrecy;
	d.subject = (char *)in->subject;
	d.organ_name = (char *)in->organ_name;
	d.notation = (char *)in->code;
	d.issued_at = in->issued_at;
	d.note = (char *)in->note;
	d.year = mc_doc_year(at);
	d.series = series;
	d.received_at = at;
	d.created_by = actor->user_id;
	d.created_at = at;
	d.updated_at = at;
	/* Art. 22.2: số đến in the order of arrival within the year. */
	rc = mc_store_doc_number_next(st, &d.number, g.id, d.year, series);
	if (rc == 0)
		rc = mc_store_document_add(st, &d);
	if (rc == 0)
		rc = append_event(st, actor, &d, "register", 0, NULL, at, 0, NULL);
	if (rc == 0)
		rc = mc_store_document_get(st, out, d.id);
cleanup:
	mc_doc_register_clear(&g);
	return rc;
}
