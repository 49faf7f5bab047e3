/*
 * /api/v1/documents, /api/v1/document-registers, /api/v1/document-types -
 * official documents (Nghị định 30/2020/NĐ-CP; docs/documents.md): drafts,
 * their review, signature and issue, incoming documents and their
 * assignment, the registers on screen and printed (Phụ lục IV, PDF and
 * XLSX). Rules in core/document.h, their life in app/document.h.
 */
#include "api/api.h"
#include "api/document_files.h"

#include "app/document.h"
#include "core/limits.h"
#include "render/form.h"
#include "render/xlsx.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define DAY 86400
/* The most rows a printed register holds: a year of a busy body. */
#define REGISTER_PRINT_MAX 20000
#define REGISTER_XLSX_MAX ((size_t)64 * 1024 * 1024)

static const char *box_name(int box)
{
	return box == MC_DOC_IN ? "in" : "out";
}

static json_t *day_json(int64_t t)
{
	char buf[16];
	int y, m, d;
	if (!t)
		return json_null();
	mc_civil_from_days((int32_t)((t + MC_TZ_OFFSET) / DAY), &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	return json_string(buf);
}

static json_t *type_json(const char *key)
{
	const mc_doc_type *t = mc_doc_type_of(key);
	if (!t)
		return json_pack("{s:s}", "key", key ? key : "");
	return json_pack("{s:s, s:s, s:s}", "key", t->key, "name", t->name, "abbr", t->abbr);
}

/* The comma-separated unit codes as an array. New reference. */
static json_t *codes_json(const char *list)
{
	json_t *a = json_array();
	char *copy = mc_xstrdup(list ? list : "");
	char *save = NULL;
	for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(c));
	free(copy);
	return a;
}

/* The cooperating units of an assignment (ids, comma-separated) as unit
 * references. New reference. */
static json_t *units_json(const mc_time_ctx *tc, const char *ids)
{
	json_t *a = json_array();
	for (const char *p = ids; p && *p;) {
		char *end = NULL;
		long long id = strtoll(p, &end, 10);
		if (end == p)
			break;
		json_array_append_new(a, mc_api_unit_ref(tc, (int64_t)id));
		p = *end == ',' ? end + 1 : end;
	}
	return a;
}

static const char *or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

/* A document's events as the API shows them, each with the uploaded version
 * of the draft it refers to (§3b) and the signed file an issue kept when
 * that is not the version. New reference. */
static json_t *events_json(mc_req *r, int64_t document_id, const mc_document_event *ev, size_t n_ev)
{
	const mc_time_ctx *tc = mc_req_time(r);
	mc_document_version *ver = NULL;
	size_t n_ver = 0;
	if (mc_store_document_versions(mc_req_store(r), &ver, &n_ver, document_id) != 0) {
		ver = NULL;
		n_ver = 0;
	}
	json_t *events = json_array();
	for (size_t i = 0; i < n_ev; i++) {
		const mc_document_event *e = &ev[i];
		json_t *o =
		    json_pack("{s:I, s:s, s:o, s:s?, s:s?, s:o, s:s?, s:s, s:s?}", "id", (json_int_t)e->id,
			      "action", e->action, "at", mc_api_time(e->at), "by", or_null(e->user_name),
			      "role", or_null(e->role), "unit", mc_api_unit_ref(tc, e->unit_id), "from",
			      e->from_state ? mc_doc_state_name((mc_doc_state)e->from_state) : NULL, "to",
			      mc_doc_state_name((mc_doc_state)e->to_state), "note", or_null(e->note));
		const char *vsha = NULL;
		for (size_t k = 0; k < n_ver; k++)
			if (ver[k].number == e->file_version)
				vsha = ver[k].sha256;
		if (e->file_version > 0)
			json_object_set_new(o, "file_version",
					    json_pack("{s:i, s:s}", "number", e->file_version, "sha256",
						      vsha ? vsha : e->file_sha256));
		if (e->file_sha256[0] && (!vsha || strcmp(vsha, e->file_sha256) != 0))
			json_object_set_new(o, "signed_file", json_pack("{s:s}", "sha256", e->file_sha256));
		json_array_append_new(events, o);
	}
	mc_document_version_free_list(ver, n_ver);
	return events;
}

/* A document as officers see it. New reference. */
static json_t *document_json(mc_req *r, const mc_document *d, json_t *events)
{
	const mc_time_ctx *tc = mc_req_time(r);
	bool out = d->box == MC_DOC_OUT;
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(d->id));
	json_object_set_new(j, "box", json_string(box_name(d->box)));
	json_object_set_new(j, "state", json_string(mc_doc_state_name((mc_doc_state)d->state)));
	json_object_set_new(j, "state_title", json_string(mc_doc_state_title((mc_doc_state)d->state)));
	json_object_set_new(j, "version", json_integer(d->version));
	json_object_set_new(j, "register", json_integer(d->register_id));
	json_object_set_new(j, "unit", mc_api_unit_ref(tc, d->unit_id));
	json_object_set_new(j, "type", type_json(d->type));
	json_object_set_new(j, "normative", json_boolean(d->normative));
	json_object_set_new(j, "urgency", json_string(mc_doc_urgency_name((mc_doc_urgency)d->urgency)));
	json_object_set_new(j, "secrecy", json_string(mc_doc_secrecy_name((mc_doc_secrecy)d->secrecy)));
	json_object_set_new(j, "subject", json_string(d->subject));
	/* For an outgoing document: its number and notation once issued; for an
	 * incoming one, the sender's, and the số đến as arrival_number. */
	json_object_set_new(j, "number", or_null(d->notation) ? json_string(d->notation) : json_null());
	json_object_set_new(j, "year", d->year ? json_integer(d->year) : json_null());
	if (out) {
		json_object_set_new(j, "serial", d->number ? json_integer(d->number) : json_null());
		json_object_set_new(j, "drafting_unit", mc_api_unit_ref(tc, d->drafting_unit_id));
		json_object_set_new(j, "body", json_string(d->body));
		json_object_set_new(j, "drafting_abbr", json_string(d->drafting_abbr));
		json_object_set_new(j, "place", json_string(d->place));
		json_object_set_new(j, "signer_position", json_string(d->signer_position));
		json_object_set_new(j, "signer_name", json_string(d->signer_name));
		json_object_set_new(j, "recipients", json_string(d->recipients));
		json_object_set_new(j, "recipient_units", codes_json(d->recipient_units));
		json_object_set_new(j, "note", or_null(d->note) ? json_string(d->note) : json_null());
	} else {
		json_object_set_new(j, "arrival_number", d->number ? json_integer(d->number) : json_null());
		json_object_set_new(j, "organ_name", json_string(d->organ_name));
		json_object_set_new(j, "received_at", mc_api_time(d->received_at));
		json_object_set_new(j, "source", d->source_id ? json_integer(d->source_id) : json_null());
		json_object_set_new(j, "assigned_unit", mc_api_unit_ref(tc, d->assigned_unit_id));
		json_object_set_new(j, "assignee",
				    d->assignee_id ? json_integer(d->assignee_id) : json_null());
		json_object_set_new(j, "deadline", day_json(d->deadline ? d->deadline - 1 : 0));
		json_object_set_new(j, "direction",
				    or_null(d->direction) ? json_string(d->direction) : json_null());
		json_object_set_new(j, "cooperating", units_json(tc, d->cooperating_units));
		json_object_set_new(j, "task", d->task_id ? json_integer(d->task_id) : json_null());
		json_object_set_new(j, "note", or_null(d->note) ? json_string(d->note) : json_null());
	}
	json_object_set_new(j, "issued_at", mc_api_time(d->issued_at));
	/* Form 04 issued as this document: the apology and its dossier. */
	json_t *apology = json_null();
	if (out && d->type && strcmp(d->type, MC_DOC_TYPE_APOLOGY) == 0) {
		mc_apology a = {0};
		char *code = NULL;
		if (mc_store_apology_of_document(mc_req_store(r), &a, &code, d->id) == 0)
			apology = json_pack("{s:I, s:s}", "id", (json_int_t)a.id, "dossier", code);
		mc_apology_clear(&a);
		free(code);
	}
	json_object_set_new(j, "apology", apology);
	json_object_set_new(j, "created_at", mc_api_time(d->created_at));
	json_object_set_new(j, "updated_at", mc_api_time(d->updated_at));
	if (events)
		json_object_set_new(j, "events", events);
	return j;
}

static void reply_document(mc_req *r, int status, const mc_document *d, bool with_events)
{
	mc_document_event *ev = NULL;
	size_t n = 0;
	bool more = false;
	if (with_events) {
		int rc = mc_store_document_events_page(mc_req_store(r), &ev, &n, &more, d->id, 0,
						       MC_LIMIT_EVENTS_PAGE);
		if (rc != 0) {
			mc_reply_error(r, rc, "the document's events");
			return;
		}
	}
	char etag[32];
	snprintf(etag, sizeof etag, "\"%lld\"", (long long)d->version);
	mc_reply_header(r, "ETag", etag);
	json_t *body = document_json(r, d, with_events ? events_json(r, d->id, ev, n) : NULL);
	if (with_events)
		json_object_set_new(body, "events_more", json_boolean(more));
	mc_document_event_free_list(ev, n);
	mc_reply_json(r, status, body);
}

void mc_api_document_reply(mc_req *r, int status, const mc_document *d)
{
	reply_document(r, status, d, false);
}

/* The document of the path, visible to the caller; replies 404/403 otherwise. */
static int document_or_reply(mc_req *r, mc_document *d, int64_t *id_out)
{
	const char *s = mc_req_param(r, 0);
	char *end = NULL;
	errno = 0;
	long long id = strtoll(s, &end, 10);
	if (errno || end == s || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no document has id %s", s);
		return -1;
	}
	int rc = mc_store_document_get(mc_req_store(r), d, id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the document");
		return -1;
	}
	mc_actor actor;
	mc_req_actor(r, &actor);
	if (!mc_app_document_may_see(mc_req_time(r), &actor, d)) {
		mc_document_clear(d);
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the document is outside your unit's scope");
		return -1;
	}
	*id_out = id;
	return 0;
}

/* ---- writes ------------------------------------------------------------- */

enum { JOB_DRAFT = 1, JOB_EDIT, JOB_ACT, JOB_RECEIVE };

typedef struct {
	int kind;
	mc_actor actor;
	const mc_time_ctx *tc;
	int64_t id;
	int64_t if_version;
	bool if_match;
	mc_doc_draft draft;
	mc_doc_act act;
	mc_doc_incoming incoming;
	mc_document out;
	mc_err err;
	mc_doc_keys *keys; /* issue: the signer's and the seal's, when signing is configured */
} doc_job;

/* Numbered, then signed in the same write before the issue event (which
 * records the signed file): a signature that fails leaves it unissued. */
static int seal_hook(mc_store *st, const mc_document *d, void *ctx, char sha256[65])
{
	doc_job *j = ctx;
	return mc_api_document_seal(st, j->tc, d, j->keys, j->act.at, sha256);
}

static int doc_write(mc_store *st, void *payload)
{
	doc_job *j = payload;
	int64_t now = mc_now();
	int rc = MC_EINVAL;
	/* A job may run again (group.h): from nothing. */
	mc_document_clear(&j->out);
	/* A flood of steps from one account is refused as work files are
	 * (app/workfile.c). */
	mc_err_clear();
	rc = mc_app_document_step_allowed(st, j->actor.user_id, now);
	if (rc) {
		mc_err_take(&j->err, rc);
		return rc;
	}
	rc = MC_EINVAL;
	switch (j->kind) {
	case JOB_DRAFT:
		rc = mc_app_document_draft(st, j->tc, &j->actor, &j->draft, now, &j->out);
		break;
	case JOB_EDIT:
		rc =
		    mc_app_document_edit(st, j->tc, &j->actor, j->id, j->if_version, &j->draft, now, &j->out);
		break;
	case JOB_ACT:
		j->act.at = now;
		j->act.if_version = j->if_version;
		j->act.seal = j->keys ? seal_hook : NULL;
		j->act.seal_ctx = j;
		if (j->act.action == MC_DOC_ACT_SIGN)
			rc = mc_app_document_sign(st, j->tc, &j->actor, j->id, j->if_version, NULL, 0, now,
						  &j->out);
		else
			rc = mc_app_document_act(st, j->tc, &j->actor, j->id, &j->act, &j->out);
		break;
	case JOB_RECEIVE:
		rc = mc_app_document_receive(st, j->tc, &j->actor, &j->incoming, now, &j->out);
		break;
	}
	mc_err_take(&j->err, rc);
	return rc;
}

static void doc_after(mc_req *r, int rc, void *payload)
{
	doc_job *j = payload;
	const mc_err *e = mc_err_for(&j->err, rc);
	mc_api_document_keys_free(j->keys);
	j->keys = NULL;
	/* The reply frees the request and j with it: the document is taken out first. */
	mc_document out = j->out;
	j->out = (mc_document){0};
	if (rc == 0) {
		bool created = j->kind == JOB_DRAFT || j->kind == JOB_RECEIVE;
		if (created) {
			char location[64];
			snprintf(location, sizeof location, "/api/v1/documents/%lld", (long long)out.id);
			mc_reply_header(r, "Location", location);
		}
		reply_document(r, created ? 201 : 200, &out, false);
	} else if (e->reason == MC_REASON_STALE && j->if_match) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "%s", e->msg);
	} else {
		mc_reply_err(r, e, "the document");
	}
	mc_document_clear(&out);
}

/* Replies with the refusal an app-layer check returned (rc), when it did. */
static int refused_or_reply(mc_req *r, int rc)
{
	mc_err e;
	if (rc == 0)
		return 0;
	mc_err_take(&e, rc);
	mc_reply_err(r, &e, "the document");
	return -1;
}

/* Reads the fields of a draft into j->draft; replies 422 on a bad one. */
static int draft_fields_or_reply(mc_req *r, doc_job *j)
{
	const char *unit = NULL, *urgency = NULL, *secrecy = NULL;
	json_t *units = NULL;
	mc_doc_draft *d = &j->draft;
	mc_field spec[] = {
	    {"unit", MC_F_STRING, false, 1, MC_LIMIT_UNIT_CODE, &unit, 0},
	    {"type", MC_F_STRING, true, 1, MC_LIMIT_DOCUMENT_TYPE, &d->type, 0},
	    {"normative", MC_F_BOOL, false, 0, 0, &d->normative, 0},
	    {"urgency", MC_F_STRING, false, 1, 15, &urgency, 0},
	    {"secrecy", MC_F_STRING, false, 1, 15, &secrecy, 0},
	    {"subject", MC_F_STRING, true, 1, MC_LIMIT_DOCUMENT_SUBJECT, &d->subject, 0},
	    {"body", MC_F_TEXT, false, 0, MC_LIMIT_DOCUMENT_BODY, &d->body, 0},
	    {"drafting_abbr", MC_F_NAME, false, 0, MC_LIMIT_DOCUMENT_ABBR, &d->drafting_abbr, 0},
	    {"place", MC_F_NAME, false, 0, MC_LIMIT_DOCUMENT_PLACE, &d->place, 0},
	    {"signer_position", MC_F_STRING, false, 0, MC_LIMIT_DOCUMENT_SIGNER_POSITION, &d->signer_position,
	     0},
	    {"signer_name", MC_F_NAME, false, 0, MC_LIMIT_DOCUMENT_SIGNER_NAME, &d->signer_name, 0},
	    {"recipients", MC_F_TEXT, false, 0, MC_LIMIT_DOCUMENT_RECIPIENTS, &d->recipients, 0},
	    {"recipient_units", MC_F_ARRAY, false, 0, MC_LIMIT_DOCUMENT_RECIPIENT_UNITS, &units, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return -1;
	/* Who may draft for which body comes before what the draft says. A body
	 * issues what its own units draft: the drafter's unit or one above it. */
	if (unit) {
		const mc_user *me = mc_req_user(r);
		if (mc_api_unit_or_reply(r, &d->unit_id, "unit", unit) != 0)
			return -1;
		if (!me->unit_id || !mc_time_ctx_within(mc_req_time(r), me->unit_id, d->unit_id)) {
			mc_reply_problem(
			    r, MC_PROB_OUT_OF_SCOPE,
			    "unit %s does not hold your unit: a body issues what its own units draft", unit);
			return -1;
		}
	}
	if (!mc_doc_type_find(d->type)) {
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "type", "choice",
		    "type must be one of the 29 kinds of art. 7 (GET /api/v1/document-types)");
		return -1;
	}
	if (urgency && mc_doc_urgency_parse(&d->urgency, urgency) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "urgency", "choice",
				       "urgency must be none, khan, thuong_khan or hoa_toc");
		return -1;
	}
	if (secrecy && mc_doc_secrecy_parse(&d->secrecy, secrecy) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "secrecy", "choice",
				       "secrecy must be none, mat, toi_mat or tuyet_mat");
		return -1;
	}
	/* The recipient units as "code,code": each a known code, once. */
	size_t cap = json_array_size(units) * (MC_LIMIT_UNIT_CODE + 1) + 1;
	char *list = mc_req_own(r, mc_xcalloc(1, cap));
	for (size_t i = 0; i < json_array_size(units); i++) {
		const char *code = json_string_value(json_array_get(units, i));
		char field[40];
		snprintf(field, sizeof field, "recipient_units[%zu]", i);
		if (!code || !*code || strlen(code) > MC_LIMIT_UNIT_CODE || strchr(code, ',')) {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, field, "format",
					       "%s must be a unit code", field);
			return -1;
		}
		for (size_t k = 0; k < i; k++) {
			if (strcmp(code, json_string_value(json_array_get(units, k))) == 0) {
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, field, "format",
						       "%s repeats unit %s", field, code);
				return -1;
			}
		}
		if (i)
			strcat(list, ",");
		strcat(list, code);
	}
	d->recipient_units = list;
	return 0;
}

void mc_api_document_create(mc_req *r)
{
	doc_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	if (draft_fields_or_reply(r, j) != 0)
		return;
	j->kind = JOB_DRAFT;
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	mc_req_write(r, doc_write, doc_after, j);
}

void mc_api_document_update(mc_req *r)
{
	doc_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	mc_document d = {0};
	int64_t if_match = mc_api_if_match_version(r);
	if (if_match < 0) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "If-Match must be the ETag of the document");
		return;
	}
	if (document_or_reply(r, &d, &j->id) != 0)
		return;
	int64_t version = d.version;
	mc_document_clear(&d);
	if (if_match && if_match != version) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED,
				 "the document is at version %lld, not %lld; reload it", (long long)version,
				 (long long)if_match);
		return;
	}
	if (draft_fields_or_reply(r, j) != 0)
		return;
	j->kind = JOB_EDIT;
	j->if_version = if_match ? if_match : version;
	j->if_match = if_match != 0;
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	mc_req_write(r, doc_write, doc_after, j);
}

/* "YYYY-MM-DD", local, into the last second of that day (UTC seconds + 1:
 * the deadline is the end of the day). */
static int parse_deadline(int64_t *out, const char *s)
{
	int64_t t = 0;
	if (strlen(s) != 10 || mc_time_parse(&t, s) != 0)
		return MC_EINVAL;
	*out = t + DAY;
	return 0;
}

void mc_api_document_action(mc_req *r)
{
	doc_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	const char *action = NULL, *to_unit = NULL, *assignee = NULL, *deadline = NULL;
	int64_t file_version = 0;
	json_t *cooperating = NULL;
	bool track = false;
	mc_field spec[] = {
	    {"action", MC_F_STRING, true, 1, 31, &action, 0},
	    {"note", MC_F_TEXT, false, 1, MC_LIMIT_DOCUMENT_DIRECTION, &j->act.note, 0},
	    {"to_unit", MC_F_STRING, false, 1, MC_LIMIT_UNIT_CODE, &to_unit, 0},
	    {"assignee", MC_F_STRING, false, 1, MC_LIMIT_USER_USERNAME, &assignee, 0},
	    {"deadline", MC_F_STRING, false, 10, 10, &deadline, 0},
	    {"file_version", MC_F_INT, false, 1, 1000000, &file_version, 0},
	    {"cooperating", MC_F_ARRAY, false, 0, MC_LIMIT_TASK_UNITS, &cooperating, 0},
	    {"track", MC_F_BOOL, false, 0, 0, &track, 0},
	    {"replaces", MC_F_INT, false, 1, INT64_MAX, &j->act.replaces_id, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	j->act.file_version = (int)file_version;
	/* track absent: by default (docs/documents.md §4) */
	if (json_object_get(mc_req_body(r), "track"))
		j->act.track = track ? 1 : -1;
	if (deadline && parse_deadline(&j->act.deadline, deadline) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "deadline", "format",
				       "deadline must be a date YYYY-MM-DD");
		return;
	}
	int64_t if_match = mc_api_if_match_version(r);
	if (if_match < 0) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "If-Match must be the ETag of the document");
		return;
	}
	/* The document and its scope first: out of scope is 403 whatever the body says. */
	mc_document d = {0};
	if (document_or_reply(r, &d, &j->id) != 0)
		return;
	int64_t version = d.version;
	if (mc_doc_action_parse(&j->act.action, action) != 0) {
		mc_document_clear(&d);
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "action", "choice",
		    "action must be one of submit, approve, return, sign, issue, register, assign");
		return;
	}
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	/* The write checks the same again, on the document as it is then. */
	int rc = mc_app_document_check(j->tc, &j->actor, &d, j->act.action);
	mc_document signed_doc = {.id = d.id, .unit_id = d.unit_id};
	mc_document_clear(&d);
	if (refused_or_reply(r, rc) != 0)
		return;
	if (j->act.replaces_id && j->act.action != MC_DOC_ACT_ISSUE) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "replaces", "issue-only",
				       "replaces goes with issue only");
		return;
	}
	if (j->act.action == MC_DOC_ACT_RETURN && j->act.note &&
	    mc_limit_chars(j->act.note) > MC_LIMIT_DOCUMENT_NOTE) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "note", "too-long",
				       "a return's note holds at most %d characters", MC_LIMIT_DOCUMENT_NOTE);
		return;
	}
	if (to_unit && mc_api_unit_or_reply(r, &j->act.to_unit_id, "to_unit", to_unit) != 0)
		return;
	if (cooperating) {
		int64_t *ids = NULL;
		if (mc_api_cooperating_or_reply(r, cooperating, &ids, &j->act.n_cooperating) != 0)
			return;
		j->act.cooperating = ids;
	}
	if (assignee) {
		mc_user u;
		rc = mc_store_user_by_username(mc_req_store(r), &u, NULL, 0, assignee);
		if (rc == MC_ENOTFOUND) {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "assignee", "unknown",
					       "no officer has username %s", assignee);
			return;
		}
		if (rc != 0) {
			mc_reply_error(r, rc, "the assignee");
			return;
		}
		j->act.assignee_id = u.id;
		mc_user_clear(&u);
	}
	if (if_match && if_match != version) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED,
				 "the document is at version %lld, not %lld; reload it", (long long)version,
				 (long long)if_match);
		return;
	}
	/* Issuing signs: the keys are opened before the write is queued, so
	 * that a key that cannot be used (a wrong PIN) issues nothing. */
	if (j->act.action == MC_DOC_ACT_ISSUE && mc_api_document_keys_or_reply(r, &signed_doc, &j->keys) != 0)
		return;
	j->kind = JOB_ACT;
	j->if_version = if_match ? if_match : version;
	j->if_match = if_match != 0;
	mc_req_write(r, doc_write, doc_after, j);
}

void mc_api_document_receive(mc_req *r)
{
	doc_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	const char *urgency = NULL, *secrecy = NULL, *date = NULL;
	mc_doc_incoming *in = &j->incoming;
	mc_field spec[] = {
	    {"type", MC_F_STRING, true, 1, MC_LIMIT_DOCUMENT_TYPE, &in->type, 0},
	    {"urgency", MC_F_STRING, false, 1, 15, &urgency, 0},
	    {"secrecy", MC_F_STRING, false, 1, 15, &secrecy, 0},
	    {"subject", MC_F_STRING, true, 1, MC_LIMIT_DOCUMENT_SUBJECT, &in->subject, 0},
	    {"organ_name", MC_F_NAME, true, 1, MC_LIMIT_DOCUMENT_ORGAN_NAME, &in->organ_name, 0},
	    {"number", MC_F_NAME, false, 1, MC_LIMIT_DOCUMENT_CODE, &in->code, 0},
	    {"date", MC_F_STRING, false, 10, 10, &date, 0},
	    {"note", MC_F_TEXT, false, 1, MC_LIMIT_DOCUMENT_NOTE, &in->note, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (!mc_doc_type_find(in->type)) {
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "type", "choice",
		    "type must be one of the 29 kinds of art. 7 (GET /api/v1/document-types)");
		return;
	}
	if (urgency && mc_doc_urgency_parse(&in->urgency, urgency) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "urgency", "choice",
				       "urgency must be none, khan, thuong_khan or hoa_toc");
		return;
	}
	if (secrecy && mc_doc_secrecy_parse(&in->secrecy, secrecy) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "secrecy", "choice",
				       "secrecy must be none, mat, toi_mat or tuyet_mat");
		return;
	}
	if (date && (strlen(date) != 10 || mc_time_parse(&in->issued_at, date) != 0)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "date", "format",
				       "date must be a date YYYY-MM-DD");
		return;
	}
	j->kind = JOB_RECEIVE;
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	mc_req_write(r, doc_write, doc_after, j);
}

/* ---- reads -------------------------------------------------------------- */

void mc_api_document_get(mc_req *r)
{
	mc_document d = {0};
	int64_t id = 0;
	if (document_or_reply(r, &d, &id) != 0)
		return;
	reply_document(r, 200, &d, true);
	mc_document_clear(&d);
}

/* Older events of a document than `before` (an event id), a page at a time:
 * {"events": [oldest first], "more": older ones are left}. */
void mc_api_document_events(mc_req *r)
{
	mc_document d = {0};
	int64_t id = 0, before = 0;
	int limit = 0;
	mc_document_event *ev = NULL;
	size_t n = 0;
	bool more = false;
	if (document_or_reply(r, &d, &id) != 0)
		return;
	mc_document_clear(&d);
	if (mc_api_events_page_or_reply(r, &before, &limit) != 0)
		return;
	int rc = mc_store_document_events_page(mc_req_store(r), &ev, &n, &more, id, before, limit);
	if (rc != 0) {
		mc_reply_error(r, rc, "the document's events");
		return;
	}
	mc_reply_json(r, 200, json_pack("{s:o, s:b}", "events", events_json(r, id, ev, n), "more", more));
	mc_document_event_free_list(ev, n);
}

/* The list's filters from the query; replies 400 on a bad one. */
static int query_or_reply(mc_req *r, mc_document_query *q)
{
	const char *box = mc_req_query(r, "box");
	const char *state = mc_req_query(r, "state");
	const char *text = mc_req_query(r, "q");
	int64_t year = 0, reg = 0, limit = 50, offset = 0;
	if (mc_api_scope_unit_or_reply(r, &q->scope_unit_id) != 0)
		return -1;
	if (box) {
		if (strcmp(box, "out") == 0) {
			q->box = MC_DOC_OUT;
		} else if (strcmp(box, "in") == 0) {
			q->box = MC_DOC_IN;
		} else {
			mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "box", "choice",
					       "box must be out or in");
			return -1;
		}
	}
	if (state) {
		mc_doc_state s;
		if (mc_doc_state_parse(&s, state) != 0) {
			mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "state", "choice",
					       "state names no state");
			return -1;
		}
		q->state = s;
	}
	if (text && !mc_limit_fits(text, MC_LIMIT_DOCUMENT_QUERY)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "q", "too-long",
				       "q holds at most %d characters", MC_LIMIT_DOCUMENT_QUERY);
		return -1;
	}
	if (text && !g_utf8_validate(text, -1, NULL)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "q", "text", "q must be UTF-8");
		return -1;
	}
	if (mc_api_query_int_or_reply(r, "year", &year, 1900, 9999) != 0 ||
	    mc_api_query_int_or_reply(r, "register", &reg, 1, INT64_MAX) != 0 ||
	    mc_api_query_int_or_reply(r, "limit", &limit, 1, 200) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 10000000) != 0)
		return -1;
	q->year = (int)year;
	q->register_id = reg;
	q->q = text;
	q->limit = (int)limit;
	q->offset = (int)offset;
	return 0;
}

void mc_api_documents_list(mc_req *r)
{
	mc_document_query q = {0};
	mc_document *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	if (query_or_reply(r, &q) != 0)
		return;
	int rc = mc_store_document_list(mc_req_store(r), &list, &n, &total, &q);
	if (rc != 0) {
		mc_reply_error(r, rc, "the documents");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, document_json(r, &list[i], NULL));
	mc_document_free_list(list, n);
	/* Past the count's bound the total is the bound, said to be a floor. */
	bool exact = total <= MC_DOCUMENT_COUNT_MAX;
	mc_reply_json(r, 200,
		      json_pack("{s:I, s:b, s:I, s:I, s:o}", "total",
				(json_int_t)(exact ? total : MC_DOCUMENT_COUNT_MAX), "total_exact", exact,
				"limit", (json_int_t)q.limit, "offset", (json_int_t)q.offset, "items",
				items));
}

void mc_api_document_types(mc_req *r)
{
	size_t n = 0;
	const mc_doc_type *t = mc_doc_types(&n);
	json_t *types = json_array(), *urgencies = json_array(), *secrecies = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(types,
				      json_pack("{s:s, s:s, s:s, s:b}", "key", t[i].key, "name", t[i].name,
						"abbr", t[i].abbr, "normative", t[i].normative));
	for (int i = MC_DOC_URGENCY_NONE; i <= MC_DOC_URGENCY_HOA_TOC; i++)
		json_array_append_new(urgencies, json_pack("{s:s, s:s}", "key", mc_doc_urgency_name(i),
							   "name", mc_doc_urgency_title(i)));
	for (int i = MC_DOC_SECRECY_NONE; i <= MC_DOC_SECRECY_TUYET_MAT; i++)
		json_array_append_new(secrecies, json_pack("{s:s, s:s}", "key", mc_doc_secrecy_name(i),
							   "name", mc_doc_secrecy_title(i)));
	mc_reply_header(r, "Cache-Control", "private, max-age=3600");
	mc_reply_json(
	    r, 200,
	    json_pack("{s:o, s:o, s:o}", "types", types, "urgencies", urgencies, "secrecies", secrecies));
}

/* ---- registers ---------------------------------------------------------- */

static json_t *register_json(mc_req *r, const mc_doc_register *g)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:o}", "id", (json_int_t)g->id, "unit",
			 mc_api_unit_ref(mc_req_time(r), g->unit_id), "box", box_name(g->box), "name",
			 g->name, "organ_abbr", g->organ_abbr, "created_at", mc_api_time(g->created_at));
}

void mc_api_document_registers_list(mc_req *r)
{
	int64_t unit_id = 0;
	mc_doc_register *list = NULL;
	size_t n = 0;
	if (mc_api_scope_unit_or_reply(r, &unit_id) != 0)
		return;
	int rc = mc_store_doc_register_list(mc_req_store(r), &list, &n, unit_id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the registers");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, register_json(r, &list[i]));
	mc_doc_register_free_list(list, n);
	mc_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

typedef struct {
	mc_doc_register g;
	mc_err err;
} register_job;

static int register_write(mc_store *st, void *payload)
{
	register_job *j = payload;
	j->g.created_at = mc_now();
	int rc = mc_store_doc_register_add(st, &j->g);
	if (rc == MC_ECONFLICT)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_DUPLICATE,
				"the unit has a register of that box already");
	mc_err_take(&j->err, rc);
	return rc;
}

static void register_after(mc_req *r, int rc, void *payload)
{
	register_job *j = payload;
	if (rc != 0) {
		mc_reply_err(r, mc_err_for(&j->err, rc), "the register");
		return;
	}
	mc_reply_json(r, 201, register_json(r, &j->g));
}

void mc_api_document_register_create(mc_req *r)
{
	register_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	const char *unit = NULL, *box = NULL, *name = NULL, *abbr = NULL;
	mc_field spec[] = {
	    {"unit", MC_F_STRING, true, 1, MC_LIMIT_UNIT_CODE, &unit, 0},
	    {"box", MC_F_STRING, true, 1, 3, &box, 0},
	    {"name", MC_F_NAME, false, 1, MC_LIMIT_DOCUMENT_REGISTER_NAME, &name, 0},
	    {"organ_abbr", MC_F_NAME, true, 1, MC_LIMIT_DOCUMENT_ABBR, &abbr, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (mc_api_unit_or_reply(r, &j->g.unit_id, "unit", unit) != 0)
		return;
	if (mc_api_in_scope_or_reply(r, j->g.unit_id) != 0)
		return;
	/* An ended unit opens no register (docs/units.md §3): its successor does. */
	int rc = mc_app_unit_ended_or_zero(mc_req_time(r), mc_time_ctx_unit(mc_req_time(r), j->g.unit_id),
					   mc_local_day(mc_now()), "unit");
	if (rc != 0) {
		mc_err e;
		mc_err_take(&e, rc);
		mc_reply_err(r, &e, "the register");
		return;
	}
	if (strcmp(box, "out") == 0) {
		j->g.box = MC_DOC_OUT;
	} else if (strcmp(box, "in") == 0) {
		j->g.box = MC_DOC_IN;
	} else {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "box", "choice", "box must be out or in");
		return;
	}
	if (!mc_doc_abbr_valid(abbr)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "organ_abbr", "format",
				       "organ_abbr must be letters and digits without spaces, '/' or '-'");
		return;
	}
	j->g.name = (char *)(name		      ? name
			     : j->g.box == MC_DOC_OUT ? "Sổ đăng ký văn bản đi"
						      : "Sổ đăng ký văn bản đến");
	j->g.organ_abbr = (char *)abbr;
	mc_req_write(r, register_write, register_after, j);
}

/* The register of the path, in the caller's scope, and the year of ?year=
 * (default: this year). Replies 404/403/400 otherwise. */
static int print_params_or_reply(mc_req *r, mc_doc_register *g, int *year)
{
	const char *s = mc_req_param(r, 0);
	char *end = NULL;
	int64_t y = mc_doc_year(mc_now());
	errno = 0;
	long long id = strtoll(s, &end, 10);
	if (errno || end == s || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no register has id %s", s);
		return -1;
	}
	if (mc_api_query_int_or_reply(r, "year", &y, 1900, 9999) != 0)
		return -1;
	int rc = mc_store_doc_register_get(mc_req_store(r), g, id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the register");
		return -1;
	}
	if (mc_api_in_scope_or_reply(r, g->unit_id) != 0) {
		mc_doc_register_clear(g);
		return -1;
	}
	*year = (int)y;
	return 0;
}

/* The numbered documents of a register in a year, in its order. */
static int register_rows(mc_req *r, const mc_doc_register *g, int year, mc_document **out, size_t *n)
{
	int64_t total = 0;
	mc_document_query q = {.scope_unit_id = g->unit_id,
			       .register_id = g->id,
			       .year = year,
			       .numbered = true,
			       .by_number = true,
			       .limit = REGISTER_PRINT_MAX};
	return mc_store_document_list(mc_req_store(r), out, n, &total, &q);
}

#define OUT_COLS 8
#define IN_COLS 9

/* The cells of row i of the register, Phụ lục IV's columns; texts made
 * here are kept in *own (g_free each). */
static void register_cells(const mc_time_ctx *tc, const mc_doc_register *g, const mc_document *d,
			   const char **c, char **own)
{
	char date[16];
	int y, m, dd;
	const mc_doc_type *t = mc_doc_type_of(d->type);
	const char *marks = mc_doc_secrecy_title((mc_doc_secrecy)d->secrecy);
	const char *urgency = mc_doc_urgency_title((mc_doc_urgency)d->urgency);
	own[0] = g_strdup_printf("%s %s", t ? t->name : d->type, d->subject);
	own[1] = g_strdup_printf("%s%s%s", marks, marks[0] && urgency[0] ? ", " : "", urgency);
	if (g->box == MC_DOC_OUT) {
		const mc_unit *du = mc_time_ctx_unit(tc, d->drafting_unit_id);
		mc_civil_from_days((int32_t)((d->issued_at + MC_TZ_OFFSET) / DAY), &y, &m, &dd);
		snprintf(date, sizeof date, "%02d/%02d/%04d", dd, m, y);
		own[2] = g_strdup(date);
		own[3] = NULL;
		c[0] = d->notation;
		c[1] = own[2];
		c[2] = own[0];
		c[3] = d->signer_name;
		c[4] = d->recipients;
		c[5] = du ? du->name : "";
		c[6] = "";
		c[7] = own[1];
	} else {
		const mc_unit *au = mc_time_ctx_unit(tc, d->assigned_unit_id);
		mc_civil_from_days((int32_t)((d->received_at + MC_TZ_OFFSET) / DAY), &y, &m, &dd);
		snprintf(date, sizeof date, "%02d/%02d/%04d", dd, m, y);
		own[2] = g_strdup(date);
		own[3] = g_strdup_printf("%lld", (long long)d->number);
		if (d->issued_at) {
			mc_civil_from_days((int32_t)((d->issued_at + MC_TZ_OFFSET) / DAY), &y, &m, &dd);
			snprintf(date, sizeof date, "%02d/%02d/%04d", dd, m, y);
		} else {
			date[0] = '\0';
		}
		own[4] = g_strdup(date);
		c[0] = own[2];
		c[1] = own[3];
		c[2] = d->organ_name;
		c[3] = d->notation;
		c[4] = own[4];
		c[5] = own[0];
		c[6] = au ? au->name : "";
		c[7] = "";
		c[8] = own[1];
	}
}

static const char *const out_heads[OUT_COLS] = {"Số, ký hiệu văn bản",
						"Ngày tháng văn bản",
						"Tên loại và trích yếu nội dung văn bản",
						"Người ký",
						"Nơi nhận văn bản",
						"Đơn vị, người nhận bản lưu",
						"Số lượng bản",
						"Ghi chú"};
static const double out_frac[OUT_COLS] = {0.11, 0.09, 0.28, 0.11, 0.15, 0.12, 0.06, 0.08};
static const char *const in_heads[IN_COLS] = {"Ngày đến",
					      "Số đến",
					      "Tác giả",
					      "Số, ký hiệu văn bản",
					      "Ngày tháng văn bản",
					      "Tên loại và trích yếu nội dung văn bản",
					      "Đơn vị hoặc người nhận",
					      "Ký nhận",
					      "Ghi chú"};
static const double in_frac[IN_COLS] = {0.08, 0.06, 0.14, 0.11, 0.08, 0.25, 0.13, 0.07, 0.08};

#define OWN_PER_ROW 5

typedef struct {
	mc_doc_register g;
	int year;
	mc_document *docs;
	size_t n;
	size_t n_cols;
	const char **cells;
	char **own;
	char *title;
	char *subtitle;
} printed;

static void printed_free(printed *p)
{
	for (size_t i = 0; p->own && i < p->n * OWN_PER_ROW; i++)
		g_free(p->own[i]);
	free(p->own);
	free(p->cells);
	g_free(p->title);
	g_free(p->subtitle);
	mc_document_free_list(p->docs, p->n);
	mc_doc_register_clear(&p->g);
}

static int printed_or_reply(mc_req *r, printed *p)
{
	memset(p, 0, sizeof *p);
	if (print_params_or_reply(r, &p->g, &p->year) != 0)
		return -1;
	int rc = register_rows(r, &p->g, p->year, &p->docs, &p->n);
	if (rc != 0) {
		printed_free(p);
		mc_reply_error(r, rc, "the register");
		return -1;
	}
	p->n_cols = p->g.box == MC_DOC_OUT ? OUT_COLS : IN_COLS;
	p->cells = mc_xcalloc(p->n ? p->n * p->n_cols : 1, sizeof *p->cells);
	p->own = mc_xcalloc(p->n ? p->n * OWN_PER_ROW : 1, sizeof *p->own);
	for (size_t i = 0; i < p->n; i++)
		register_cells(mc_req_time(r), &p->g, &p->docs[i], p->cells + i * p->n_cols,
			       p->own + i * OWN_PER_ROW);
	const mc_unit *u = mc_time_ctx_unit(mc_req_time(r), p->g.unit_id);
	p->title =
	    g_utf8_strup(p->g.box == MC_DOC_OUT ? "Sổ đăng ký văn bản đi" : "Sổ đăng ký văn bản đến", -1);
	p->subtitle = g_strdup_printf("%s — năm %d", u ? u->name : "", p->year);
	return 0;
}

void mc_api_document_register_pdf(mc_req *r)
{
	printed p;
	if (printed_or_reply(r, &p) != 0)
		return;
	const mc_time_ctx *tc = mc_req_time(r);
	const mc_unit *unit = mc_time_ctx_unit(tc, p.g.unit_id);
	const mc_unit *parent = unit && unit->parent_id ? mc_time_ctx_unit(tc, unit->parent_id) : NULL;
	char *unit_upper = unit ? g_utf8_strup(unit->name, -1) : NULL;
	char *parent_upper = parent ? g_utf8_strup(parent->name, -1) : NULL;
	mc_form f = {.kind = MC_FORM_TABLE,
		     .parent_unit = parent_upper,
		     .issuing_unit = unit_upper,
		     .place = mc_api_unit_place(tc, unit),
		     .date = mc_now(),
		     .title = p.title,
		     .subtitle = p.subtitle,
		     .n_cols = p.n_cols,
		     .col_frac = p.g.box == MC_DOC_OUT ? out_frac : in_frac,
		     .col_head = p.g.box == MC_DOC_OUT ? out_heads : in_heads,
		     .cells = p.cells,
		     .n_rows = p.n};
	mc_buf pdf;
	mc_buf_init(&pdf, MC_FORM_PDF_MAX);
	int rc = mc_form_pdf(&pdf, &f);
	if (rc == MC_ETOOBIG) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "the register would be larger than %zu MiB",
				 MC_FORM_PDF_MAX / (1024 * 1024));
	} else if (rc != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not render the register");
	} else {
		char disposition[160];
		snprintf(disposition, sizeof disposition, "inline; filename=\"so-van-ban-%s-%lld-%d.pdf\"",
			 box_name(p.g.box), (long long)p.g.id, p.year);
		mc_reply_header(r, "Content-Disposition", disposition);
		mc_reply_raw(r, 200, "application/pdf", pdf.data, pdf.len);
	}
	mc_buf_free(&pdf);
	g_free(unit_upper);
	g_free(parent_upper);
	printed_free(&p);
}

/* The register as a workbook (render/xlsx.c). Caller frees *out. */
static int register_xlsx(unsigned char **out, size_t *len, const printed *p)
{
	const char *const *heads = p->g.box == MC_DOC_OUT ? out_heads : in_heads;
	const double *frac = p->g.box == MC_DOC_OUT ? out_frac : in_frac;
	mc_xlsx x;
	int rc = mc_xlsx_new(&x);

	if (rc)
		return rc;
	lxw_workbook *wb = x.wb;
	mc_xlsx_table t;
	mc_xlsx_table_formats(&x, &t);
	lxw_format *title = t.title, *head = t.head, *cell = t.cell;
	lxw_worksheet *ws = workbook_add_worksheet(wb, p->g.box == MC_DOC_OUT ? "Văn bản đi" : "Văn bản đến");
	if (!ws) {
		mc_xlsx_discard(&x);
		return MC_ERROR;
	}
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_merge_range(ws, 0, 0, 0, (lxw_col_t)(p->n_cols - 1), p->title, title);
	worksheet_merge_range(ws, 1, 0, 1, (lxw_col_t)(p->n_cols - 1), p->subtitle, NULL);
	for (size_t c = 0; c < p->n_cols; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, frac[c] * 160, NULL);
		worksheet_write_string(ws, 3, (lxw_col_t)c, heads[c], head);
	}
	for (size_t i = 0; i < p->n; i++) {
		for (size_t c = 0; c < p->n_cols; c++) {
			const char *v = p->cells[i * p->n_cols + c];
			worksheet_write_string(ws, (lxw_row_t)(4 + i), (lxw_col_t)c, v ? v : "", cell);
		}
	}
	return mc_xlsx_finish(&x, REGISTER_XLSX_MAX, out, len);
}

void mc_api_document_register_xlsx(mc_req *r)
{
	printed p;
	unsigned char *data = NULL;
	size_t len = 0;
	if (printed_or_reply(r, &p) != 0)
		return;
	int rc = register_xlsx(&data, &len, &p);
	if (rc != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not write the register's workbook");
	} else {
		char disposition[160];
		snprintf(disposition, sizeof disposition,
			 "attachment; filename=\"so-van-ban-%s-%lld-%d.xlsx\"", box_name(p.g.box),
			 (long long)p.g.id, p.year);
		mc_reply_header(r, "Content-Disposition", disposition);
		mc_reply_raw(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			     data, len);
	}
	free(data);
	printed_free(&p);
}
