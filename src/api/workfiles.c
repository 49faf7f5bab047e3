/*
 * /api/v1/workfiles - work files (hồ sơ công việc, Nghị định 30/2020/NĐ-CP
 * chương IV; docs/documents.md §12): a unit's yearly list of files (Danh mục
 * hồ sơ), each file with its documents, opened, closed and handed to the
 * unit's archive, and the handover list (mục lục hồ sơ, tài liệu nộp lưu)
 * as PDF and XLSX. Rules in core/workfile.h, their life in app/workfile.h.
 */
#include "api/api.h"

#include "app/document.h"
#include "app/workfile.h"
#include "core/limits.h"
#include "render/form.h"
#include "render/xlsx.h"

#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define DAY 86400
#define PERMANENT_NAME "vinh_vien"
/* The most files a printed list holds: a unit's year, generously. */
#define HANDOVER_MAX 5000
#define HANDOVER_XLSX_MAX ((size_t)16 * 1024 * 1024)

/* A new string of fmt (caller frees). */
static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	char buf[64];
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	return mc_xstrdup(buf);
}

static void day_text(char *out, size_t cap, int64_t t, bool iso)
{
	int y, m, d;
	if (!t) {
		snprintf(out, cap, "%s", "");
		return;
	}
	mc_civil_from_days((int32_t)((t + MC_TZ_OFFSET) / DAY), &y, &m, &d);
	if (iso)
		snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
	else
		snprintf(out, cap, "%02d/%02d/%04d", d, m, y);
}

static json_t *day_json(int64_t t)
{
	char buf[16];
	if (!t)
		return json_null();
	day_text(buf, sizeof buf, t, true);
	return json_string(buf);
}

static json_t *retention_json(int years)
{
	return years == MC_WF_PERMANENT ? json_string(PERMANENT_NAME) : json_integer(years);
}

/* A file as officers see it, with its documents when docs is not NULL. New reference. */
static json_t *workfile_json(mc_req *r, const mc_workfile *w, json_t *docs)
{
	const mc_time_ctx *tc = mc_req_time(r);
	char retention[32];
	mc_wf_retention_title(retention, sizeof retention, w->retention_years);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(w->id));
	json_object_set_new(j, "unit", mc_api_unit_ref(tc, w->unit_id));
	json_object_set_new(j, "year", json_integer(w->year));
	json_object_set_new(j, "code", json_string(w->code));
	json_object_set_new(j, "title", json_string(w->title));
	json_object_set_new(j, "retention", retention_json(w->retention_years));
	json_object_set_new(j, "retention_title", json_string(retention));
	json_object_set_new(j, "responsible",
			    json_pack("{s:I, s:s}", "id", (json_int_t)w->responsible_id, "name",
				      w->responsible_name ? w->responsible_name : ""));
	json_object_set_new(j, "note", json_string(w->note ? w->note : ""));
	json_object_set_new(j, "state", json_string(mc_wf_state_name((mc_wf_state)w->state)));
	json_object_set_new(j, "state_title", json_string(mc_wf_state_title((mc_wf_state)w->state)));
	json_object_set_new(j, "version", json_integer(w->version));
	json_object_set_new(j, "documents_count", json_integer(w->doc_count));
	json_object_set_new(j, "from", day_json(w->first_at));
	json_object_set_new(j, "to", day_json(w->last_at));
	json_object_set_new(j, "pages", w->pages ? json_integer(w->pages) : json_null());
	json_object_set_new(j, "created_at", mc_api_time(w->created_at));
	json_object_set_new(j, "opened_at", mc_api_time(w->opened_at));
	json_object_set_new(j, "closed_at", mc_api_time(w->closed_at));
	json_object_set_new(j, "archived_at", mc_api_time(w->archived_at));
	/* The last day it is kept (null: vĩnh viễn, or not closed yet). */
	json_object_set_new(j, "retention_end", w->expires_at ? day_json(w->expires_at - DAY) : json_null());
	json_object_set_new(j, "expired",
			    json_boolean(mc_wf_expired(w->retention_years, w->closed_at, mc_now())));
	if (w->proposed_at || w->disposed_at)
		json_object_set_new(
		    j, "disposal",
		    json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "proposed_at", mc_api_time(w->proposed_at),
			      "proposed_by", w->proposed_by ? json_integer(w->proposed_by) : json_null(),
			      "decision",
			      w->decision && w->decision[0] ? json_string(w->decision) : json_null(),
			      "decision_date", day_json(w->decision_date), "disposed_at",
			      mc_api_time(w->disposed_at), "disposed_by",
			      w->disposed_by ? json_integer(w->disposed_by) : json_null()));
	else
		json_object_set_new(j, "disposal", json_null());
	if (docs)
		json_object_set_new(j, "documents", docs);
	return j;
}

static void set_etag(mc_req *r, int64_t version)
{
	char etag[32];
	snprintf(etag, sizeof etag, "\"%lld\"", (long long)version);
	mc_reply_header(r, "ETag", etag);
}

/* The documents of file id, as the file shows them. New reference, or NULL
 * after replying. */
static json_t *documents_or_reply(mc_req *r, int64_t id)
{
	mc_store *st = mc_req_store(r);
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = mc_store_workfile_doc_ids(st, &ids, &n, id);
	json_t *a = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		mc_document d = {0};
		rc = mc_store_document_get(st, &d, ids[i]);
		if (rc == 0)
			json_array_append_new(
			    a, json_pack(
				   "{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)d.id, "box",
				   d.box == MC_DOC_IN ? "in" : "out", "number", d.notation ? d.notation : "",
				   "subject", d.subject ? d.subject : "", "date",
				   day_json(mc_app_workfile_doc_date(d.box, d.issued_at, d.received_at))));
		mc_document_clear(&d);
	}
	free(ids);
	if (rc != 0) {
		json_decref(a);
		mc_reply_error(r, rc, "the file's documents");
		return NULL;
	}
	return a;
}

static int id_param_or_reply(mc_req *r, int i, int64_t *out, const char *what)
{
	const char *s = mc_req_param(r, i);
	char *end = NULL;
	errno = 0;
	long long id = strtoll(s, &end, 10);
	if (errno || end == s || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no %s has id %s", what, s);
		return -1;
	}
	*out = id;
	return 0;
}

/* The file of the path when the caller may see it; replies 404/403
 * otherwise. Before the body: who may touch a file comes before what they
 * ask of it. The write checks again, in its transaction. */
static int visible_or_reply(mc_req *r, int64_t *id)
{
	mc_workfile w = {0};
	mc_actor actor;
	if (id_param_or_reply(r, 0, id, "work file") != 0)
		return -1;
	int rc = mc_store_workfile_get(mc_req_store(r), &w, *id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the work file");
		return -1;
	}
	mc_req_actor(r, &actor);
	bool may = mc_app_workfile_may_see(mc_req_time(r), &actor, &w);
	mc_workfile_clear(&w);
	if (!may) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the work file is outside your unit's scope");
		return -1;
	}
	return 0;
}

/* ---- writes ------------------------------------------------------------- */

enum { JOB_CREATE = 1, JOB_EDIT, JOB_ACT, JOB_ADD, JOB_REMOVE, JOB_MANY };
/* The most files one step of the disposal list takes at once. */
#define DISPOSAL_MAX 500

typedef struct {
	int kind;
	mc_actor actor;
	const mc_time_ctx *tc;
	int64_t id;
	int64_t document_id;
	int64_t if_version;
	mc_wf_new in;
	mc_wf_edit edit;
	mc_wf_action action;
	mc_wf_step step;
	mc_workfile out;
	mc_wf_ref *refs; /* JOB_MANY: the files, owned by the request */
	size_t n_refs;
	mc_workfile *many; /* JOB_MANY: the files after the step */
	bool swept;	   /* a disposal's files were deleted from disk (wf_sweep) */
	mc_err err;
} wf_job;

static int wf_write(mc_store *st, void *payload)
{
	wf_job *j = payload;
	int64_t now = mc_now();
	int rc = MC_EINVAL;
	/* A job may run again (group.h): from nothing. */
	mc_workfile_clear(&j->out);
	mc_workfile_free_list(j->many, j->many ? j->n_refs : 0);
	j->many = NULL;
	switch (j->kind) {
	case JOB_MANY:
		rc = mc_app_workfile_act_many(st, j->tc, &j->actor, j->refs, j->n_refs, j->action, &j->step,
					      now, &j->many);
		break;
	case JOB_CREATE:
		rc = mc_app_workfile_create(st, j->tc, &j->actor, &j->in, now, &j->out);
		break;
	case JOB_EDIT:
		rc = mc_app_workfile_edit(st, j->tc, &j->actor, j->id, j->if_version, &j->edit, &j->out);
		break;
	case JOB_ACT:
		rc = mc_app_workfile_act(st, j->tc, &j->actor, j->id, j->action, j->if_version, &j->step, now,
					 &j->out);
		break;
	case JOB_ADD:
	case JOB_REMOVE:
		rc = mc_app_workfile_document(st, j->tc, &j->actor, j->id, j->document_id, j->kind == JOB_ADD,
					      j->if_version, now, &j->out);
		break;
	}
	mc_err_take(&j->err, rc);
	return rc;
}

/* The most files deleted from disk right after a disposal; the upkeep's
 * sweep deletes the rest, and tries again any it could not delete. */
#define SWEEP_MAX 1000

/* After a disposal committed: the disk files of its destroyed content,
 * each checked again under its lock (mc_store_files_sweep). A failure
 * leaves them named for the upkeep and is said; the disposal stands. */
static int wf_sweep(mc_store *st, void *payload)
{
	(void)payload;
	int64_t removed = 0;
	int rc = mc_store_files_sweep(st, &removed, SWEEP_MAX);
	if (rc)
		fprintf(stderr,
			"motcua: could not delete the stored files of a disposed work file now (%d); "
			"the upkeep tries again\n",
			rc);
	return 0;
}

static void wf_after(mc_req *r, int rc, void *payload)
{
	wf_job *j = payload;
	if (rc == 0 && !j->swept && j->action == MC_WF_ACT_DISPOSE &&
	    (j->kind == JOB_ACT || j->kind == JOB_MANY)) {
		j->swept = true;
		mc_req_write(r, wf_sweep, wf_after, j);
		return;
	}
	const mc_err *e = mc_err_for(&j->err, rc);
	/* The reply frees the request and j with it: the file is taken out first. */
	mc_workfile out = j->out;
	j->out = (mc_workfile){0};
	if (j->kind == JOB_MANY) {
		mc_workfile *many = j->many;
		size_t n = j->n_refs;
		j->many = NULL;
		if (rc == 0) {
			json_t *items = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(items, workfile_json(r, &many[i], NULL));
			mc_reply_json(r, 200, json_pack("{s:o}", "items", items));
		} else if (e->reason == MC_REASON_STALE) {
			mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "%s", e->msg);
		} else {
			mc_reply_err(r, e, "the work files");
		}
		mc_workfile_free_list(many, many ? n : 0);
		return;
	}
	if (rc == 0) {
		if (j->kind == JOB_CREATE) {
			char location[64];
			snprintf(location, sizeof location, "/api/v1/workfiles/%lld", (long long)out.id);
			mc_reply_header(r, "Location", location);
		}
		set_etag(r, out.version);
		mc_reply_json(r, j->kind == JOB_CREATE ? 201 : 200, workfile_json(r, &out, NULL));
	} else if (e->reason == MC_REASON_STALE && j->if_version) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "%s", e->msg);
	} else {
		mc_reply_err(r, e, "the work file");
	}
	mc_workfile_clear(&out);
}

/* If-Match into j->if_version; replies 412 on a malformed one. */
static int if_match_or_reply(mc_req *r, wf_job *j)
{
	int64_t v = mc_api_if_match_version(r);
	if (v < 0) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED,
				 "If-Match must be the ETag of the work file");
		return -1;
	}
	j->if_version = v;
	return 0;
}

static wf_job *job_new(mc_req *r, int kind)
{
	wf_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	j->kind = kind;
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	return j;
}

/* The retention of body (a number of years, or "vinh_vien"): 1 when given,
 * 0 when absent and not required, -1 after replying. */
static int retention_or_reply(mc_req *r, json_t *body, bool required, int *out)
{
	json_t *v = json_object_get(body, "retention");
	if (!v && !required)
		return 0;
	if (json_is_string(v) && strcmp(json_string_value(v), PERMANENT_NAME) == 0) {
		*out = MC_WF_PERMANENT;
		return 1;
	}
	if (json_is_integer(v) && json_integer_value(v) >= 1 &&
	    json_integer_value(v) <= MC_LIMIT_WORKFILE_RETENTION) {
		*out = (int)json_integer_value(v);
		return 1;
	}
	mc_reply_field_problem(r, v ? MC_PROB_INVALID_FIELD : MC_PROB_MISSING_FIELD, "retention",
			       v ? "choice" : "required",
			       "retention must be a number of years (1..%d) or \"%s\"",
			       MC_LIMIT_WORKFILE_RETENTION, PERMANENT_NAME);
	return -1;
}

/* The officer of body: a user id, or a username (as the unit's officers
 * are listed), into *out (0 when absent and not required); -1 after
 * replying. Whether they may keep the file is the write's. */
static int responsible_or_reply(mc_req *r, json_t *body, bool required, int64_t *out)
{
	json_t *who = json_object_get(body, "responsible");
	*out = 0;
	if (!who && !required)
		return 0;
	if (json_is_integer(who) && json_integer_value(who) > 0) {
		*out = json_integer_value(who);
	} else if (json_is_string(who) && json_string_length(who) <= MC_LIMIT_USER_USERNAME) {
		mc_user u = {0};
		int rc = mc_store_user_by_username(mc_req_store(r), &u, NULL, 0, json_string_value(who));
		*out = u.id;
		mc_user_clear(&u);
		if (rc != 0 && rc != MC_ENOTFOUND) {
			mc_reply_error(r, rc, "the officer");
			return -1;
		}
	}
	if (*out <= 0) {
		mc_reply_field_problem(r, who ? MC_PROB_INVALID_FIELD : MC_PROB_MISSING_FIELD, "responsible",
				       who ? "unknown" : "required",
				       "responsible must name an officer: a user id or a username");
		return -1;
	}
	return 0;
}

void mc_api_workfile_create(mc_req *r)
{
	wf_job *j = job_new(r, JOB_CREATE);
	const char *unit = NULL;
	int64_t year = 0;
	mc_field spec[] = {
	    {"unit", MC_F_STRING, false, 1, MC_LIMIT_UNIT_CODE, &unit, 0},
	    {"year", MC_F_INT, true, 2000, 2999, &year, 0},
	    {"code", MC_F_NAME, true, 1, MC_LIMIT_WORKFILE_CODE, &j->in.code, 0},
	    {"title", MC_F_TEXT, true, 1, MC_LIMIT_WORKFILE_TITLE, &j->in.title, 0},
	    {"note", MC_F_TEXT, false, 0, MC_LIMIT_WORKFILE_NOTE, &j->in.note, 0},
	};
	json_t *body = mc_req_body(r);
	if (mc_fields_or_reply(r, body, NULL, spec, MC_ARRAY_LEN(spec)) != 0 ||
	    retention_or_reply(r, body, true, &j->in.retention_years) < 0)
		return;
	if (unit && mc_api_unit_or_reply(r, &j->in.unit_id, "unit", unit) != 0)
		return;
	if (responsible_or_reply(r, body, true, &j->in.responsible_id) != 0)
		return;
	j->in.year = (int)year;
	mc_req_write(r, wf_write, wf_after, j);
}

void mc_api_workfile_update(mc_req *r)
{
	wf_job *j = job_new(r, JOB_EDIT);
	mc_field spec[] = {
	    {"title", MC_F_TEXT, false, 1, MC_LIMIT_WORKFILE_TITLE, &j->edit.title, 0},
	    {"note", MC_F_TEXT, false, 0, MC_LIMIT_WORKFILE_NOTE, &j->edit.note, 0},
	};
	json_t *body = mc_req_body(r);
	if (visible_or_reply(r, &j->id) != 0 || if_match_or_reply(r, j) != 0)
		return;
	if (mc_fields_or_reply(r, body, NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	/* A title given blank is refused, not read as "unchanged". */
	if (json_object_get(body, "title") && (!j->edit.title || !j->edit.title[0])) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "title", "length",
				       "title must not be empty");
		return;
	}
	int has = retention_or_reply(r, body, false, &j->edit.retention_years);
	if (has < 0 || responsible_or_reply(r, body, false, &j->edit.responsible_id) != 0)
		return;
	j->edit.has_retention = has == 1;
	mc_req_write(r, wf_write, wf_after, j);
}

/* The head's decision (quyết định hủy) a disposal names: its number in
 * j->step.decision already, its date from `date`. -1 after replying 422. */
static int decision_or_reply(mc_req *r, wf_job *j, const char *date)
{
	if (!j->step.decision) {
		mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, "decision", "required",
				       "decision (the number of the head's decision) is required");
		return -1;
	}
	if (!date) {
		mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, "decision_date", "required",
				       "decision_date is required");
		return -1;
	}
	if (strlen(date) != 10 || mc_time_parse(&j->step.decision_date, date) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "decision_date", "format",
				       "decision_date must be a date YYYY-MM-DD");
		return -1;
	}
	if (j->step.decision_date > mc_now()) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "decision_date", "not-future",
				       "decision_date must not be in the future");
		return -1;
	}
	return 0;
}

/* POST /api/v1/workfiles/disposal: one step of the disposal on a list of
 * files at once, all or none: {action: propose_disposal | keep | dispose,
 * files: [{id, version}], decision, decision_date}. */
void mc_api_workfiles_disposal(mc_req *r)
{
	wf_job *j = job_new(r, JOB_MANY);
	const char *action = NULL, *date = NULL;
	json_t *files = NULL;
	mc_field spec[] = {
	    {"action", MC_F_STRING, true, 1, 20, &action, 0},
	    {"files", MC_F_ARRAY, true, 1, DISPOSAL_MAX, &files, 0},
	    {"decision", MC_F_STRING, false, 1, MC_LIMIT_WORKFILE_DECISION, &j->step.decision, 0},
	    {"decision_date", MC_F_STRING, false, 1, 10, &date, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (mc_wf_action_parse(&j->action, action) != 0 ||
	    (j->action != MC_WF_ACT_PROPOSE && j->action != MC_WF_ACT_KEEP &&
	     j->action != MC_WF_ACT_DISPOSE)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "action", "choice",
				       "action must be propose_disposal, keep or dispose");
		return;
	}
	if (json_array_size(files) == 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "files", "length",
				       "files must name a file at least");
		return;
	}
	if (j->action == MC_WF_ACT_DISPOSE && decision_or_reply(r, j, date) != 0)
		return;
	j->n_refs = json_array_size(files);
	j->refs = mc_req_own(r, mc_xcalloc(j->n_refs, sizeof *j->refs));
	for (size_t i = 0; i < j->n_refs; i++) {
		json_t *f = json_array_get(files, i);
		json_t *id = json_object_get(f, "id"), *version = json_object_get(f, "version");
		if (!json_is_integer(id) || json_integer_value(id) <= 0 || !json_is_integer(version) ||
		    json_integer_value(version) <= 0) {
			mc_reply_field_problem(
			    r, MC_PROB_INVALID_FIELD, "files", "item",
			    "files[%zu] must be {\"id\": a work file's id, \"version\": its version}", i);
			return;
		}
		j->refs[i].id = json_integer_value(id);
		j->refs[i].version = json_integer_value(version);
		for (size_t k = 0; k < i; k++) {
			if (j->refs[k].id == j->refs[i].id) {
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "files", "unique",
						       "work file %lld is named twice",
						       (long long)j->refs[i].id);
				return;
			}
		}
	}
	mc_req_write(r, wf_write, wf_after, j);
}

void mc_api_workfile_action(mc_req *r)
{
	wf_job *j = job_new(r, JOB_ACT);
	const char *action = NULL, *date = NULL;
	int64_t pages = 0;
	mc_field spec[] = {
	    {"action", MC_F_STRING, true, 1, 20, &action, 0},
	    {"pages", MC_F_INT, false, 0, MC_LIMIT_WORKFILE_PAGES, &pages, 0},
	    {"decision", MC_F_STRING, false, 1, MC_LIMIT_WORKFILE_DECISION, &j->step.decision, 0},
	    {"decision_date", MC_F_STRING, false, 1, 10, &date, 0},
	};
	if (visible_or_reply(r, &j->id) != 0 || if_match_or_reply(r, j) != 0)
		return;
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (mc_wf_action_parse(&j->action, action) != 0) {
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "action", "choice",
		    "action must be open, close, archive, propose_disposal, keep or dispose");
		return;
	}
	if (j->action == MC_WF_ACT_DISPOSE && decision_or_reply(r, j, date) != 0)
		return;
	j->step.pages = (int)pages;
	mc_req_write(r, wf_write, wf_after, j);
}

static void document_change(mc_req *r, int kind)
{
	wf_job *j = job_new(r, kind);
	if (visible_or_reply(r, &j->id) != 0 || id_param_or_reply(r, 1, &j->document_id, "document") != 0 ||
	    if_match_or_reply(r, j) != 0)
		return;
	mc_req_write(r, wf_write, wf_after, j);
}

void mc_api_workfile_document_put(mc_req *r)
{
	document_change(r, JOB_ADD);
}

void mc_api_workfile_document_delete(mc_req *r)
{
	document_change(r, JOB_REMOVE);
}

/* ---- reads -------------------------------------------------------------- */

void mc_api_workfile_get(mc_req *r)
{
	mc_workfile w = {0};
	int64_t id = 0;
	mc_actor actor;
	if (id_param_or_reply(r, 0, &id, "work file") != 0)
		return;
	int rc = mc_store_workfile_get(mc_req_store(r), &w, id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the work file");
		return;
	}
	mc_req_actor(r, &actor);
	if (!mc_app_workfile_may_see(mc_req_time(r), &actor, &w)) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the work file is outside your unit's scope");
	} else {
		json_t *docs = documents_or_reply(r, w.id);
		if (docs) {
			set_etag(r, w.version);
			mc_reply_json(r, 200, workfile_json(r, &w, docs));
		}
	}
	mc_workfile_clear(&w);
}

/* ?state= into *out (0 when absent); replies 400 on a bad one. */
static int state_query_or_reply(mc_req *r, int *out)
{
	const char *s = mc_req_query(r, "state");
	*out = 0;
	for (int i = MC_WF_LISTED; s && i <= MC_WF_DISPOSED; i++) {
		if (strcmp(s, mc_wf_state_name((mc_wf_state)i)) == 0)
			*out = i;
	}
	if (s && !*out) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "state", "choice",
				       "state must be listed, open, closed, archived, proposed or disposed");
		return -1;
	}
	return 0;
}

/* ?expired=true[&on=YYYY-MM-DD] into *out: the last moment of that day
 * (default: now), by which a file's retention ended; 0 without it. Replies
 * 400 on a bad one. */
static int expired_query_or_reply(mc_req *r, int64_t *out)
{
	const char *expired = mc_req_query(r, "expired"), *on = mc_req_query(r, "on");
	*out = 0;
	if (expired && strcmp(expired, "true") != 0 && strcmp(expired, "false") != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "expired", "choice",
				       "expired must be true or false");
		return -1;
	}
	if (on && (strlen(on) != 10 || mc_time_parse(out, on) != 0)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "on", "format",
				       "on must be a date YYYY-MM-DD");
		return -1;
	}
	if (!expired || strcmp(expired, "true") != 0) {
		*out = 0;
		return 0;
	}
	*out = on ? *out + DAY - 1 : mc_now();
	return 0;
}

void mc_api_workfiles_list(mc_req *r)
{
	mc_workfile_query q = {.limit = 100};
	int64_t year = 0, limit = 100, offset = 0;
	mc_workfile *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	const char *mine = mc_req_query(r, "mine");
	if (expired_query_or_reply(r, &q.expired_by) != 0 ||
	    mc_api_query_int_or_reply(r, "year", &year, 2000, 2999) != 0 ||
	    mc_api_query_int_or_reply(r, "limit", &limit, 1, 1000) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 1000000) != 0 ||
	    state_query_or_reply(r, &q.state) != 0)
		return;
	if (mine && strcmp(mine, "true") == 0) {
		/* The caller's own files, wherever listed. */
		q.responsible_id = mc_req_user(r)->id;
		if (mc_req_query(r, "unit") && mc_api_scope_unit_or_reply(r, &q.unit_id) != 0)
			return;
	} else if (mc_api_scope_unit_or_reply(r, &q.unit_id) != 0) {
		return;
	}
	q.year = (int)year;
	q.limit = (int)limit;
	q.offset = (int)offset;
	int rc = mc_store_workfile_list(mc_req_store(r), &list, &n, &total, &q);
	if (rc != 0) {
		mc_reply_error(r, rc, "the work files");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, workfile_json(r, &list[i], NULL));
	mc_workfile_free_list(list, n);
	mc_reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));
}

/* ---- printed lists: the Danh mục hồ sơ, the handover list, the disposal list */

enum { LIST_HANDOVER, LIST_CATALOGUE, LIST_DISPOSAL };

/* The handover list (mục lục hồ sơ, tài liệu nộp lưu). */
static const char *const handover_heads[] = {"STT",
					     "Số, ký hiệu hồ sơ",
					     "Tiêu đề hồ sơ",
					     "Thời gian tài liệu",
					     "Thời hạn bảo quản",
					     "Số văn bản",
					     "Số tờ",
					     "Ghi chú"};
static const double handover_frac[] = {0.05, 0.12, 0.33, 0.15, 0.1, 0.07, 0.06, 0.12};
/* The year's list (Danh mục hồ sơ, Phụ lục V). */
static const char *const catalogue_heads[] = {"Số và ký hiệu hồ sơ", "Tên đề mục và tiêu đề hồ sơ",
					      "Thời hạn bảo quản", "Đơn vị/người lập hồ sơ", "Ghi chú"};
static const double catalogue_frac[] = {0.14, 0.42, 0.12, 0.18, 0.14};
/* The files whose value has expired (danh mục tài liệu hết giá trị): those
 * proposed for disposal, or disposed of with the head's decision. */
static const char *const disposal_heads[] = {"STT",
					     "Số, ký hiệu hồ sơ",
					     "Tiêu đề hồ sơ",
					     "Thời gian tài liệu",
					     "Thời hạn bảo quản",
					     "Hết hạn bảo quản",
					     "Số văn bản",
					     "Số tờ",
					     "Quyết định hủy"};
static const double disposal_frac[] = {0.05, 0.1, 0.29, 0.14, 0.08, 0.09, 0.06, 0.05, 0.14};

typedef struct {
	int kind; /* LIST_… */
	int64_t unit_id;
	int year;
	int state;
	mc_workfile *list;
	size_t n;
	size_t n_cols;
	const char *const *heads;
	const double *frac;
	char **cells; /* n * n_cols, owned */
	char title[160];
	char subtitle[320];
	char file[64]; /* the download's name without its extension */
} printed;

static void printed_free(printed *p)
{
	for (size_t i = 0; p->cells && i < p->n * p->n_cols; i++)
		free(p->cells[i]);
	free(p->cells);
	mc_workfile_free_list(p->list, p->n);
}

static void handover_row(char **c, size_t i, const mc_workfile *w)
{
	char from[16], to[16], retention[32];
	day_text(from, sizeof from, w->first_at, false);
	day_text(to, sizeof to, w->last_at, false);
	mc_wf_retention_title(retention, sizeof retention, w->retention_years);
	c[0] = fmt("%zu", i + 1);
	c[1] = mc_xstrdup(w->code);
	c[2] = mc_xstrdup(w->title);
	c[3] = fmt("%s - %s", from, to);
	c[4] = mc_xstrdup(retention);
	c[5] = fmt("%d", w->doc_count);
	c[6] = w->pages ? fmt("%d", w->pages) : mc_xstrdup("");
	c[7] = mc_xstrdup(w->note ? w->note : "");
}

static void disposal_row(char **c, size_t i, const mc_workfile *w)
{
	char from[16], to[16], retention[32], end[16], decided[16];
	day_text(from, sizeof from, w->first_at, false);
	day_text(to, sizeof to, w->last_at, false);
	day_text(end, sizeof end, w->expires_at ? w->expires_at - DAY : 0, false);
	day_text(decided, sizeof decided, w->decision_date, false);
	mc_wf_retention_title(retention, sizeof retention, w->retention_years);
	c[0] = fmt("%zu", i + 1);
	c[1] = fmt("%s (%d)", w->code, w->year);
	c[2] = mc_xstrdup(w->title);
	c[3] = fmt("%s - %s", from, to);
	c[4] = mc_xstrdup(retention);
	c[5] = mc_xstrdup(end);
	c[6] = fmt("%d", w->doc_count);
	c[7] = w->pages ? fmt("%d", w->pages) : mc_xstrdup("");
	if (w->decision && w->decision[0]) {
		char *cell = g_strdup_printf("%s ngày %s", w->decision, decided);
		c[8] = mc_xstrdup(cell);
		g_free(cell);
	} else {
		c[8] = mc_xstrdup("");
	}
}

static void catalogue_row(char **c, const mc_workfile *w)
{
	char retention[32];
	mc_wf_retention_title(retention, sizeof retention, w->retention_years);
	c[0] = mc_xstrdup(w->code);
	c[1] = mc_xstrdup(w->title);
	c[2] = mc_xstrdup(retention);
	c[3] = mc_xstrdup(w->responsible_name ? w->responsible_name : "");
	c[4] = mc_xstrdup(w->note ? w->note : "");
}

static int printed_or_reply(mc_req *r, printed *p, int kind)
{
	int64_t year = 0, total = 0;
	bool catalogue = kind == LIST_CATALOGUE;
	memset(p, 0, sizeof *p);
	p->kind = kind;
	if (mc_api_scope_unit_or_reply(r, &p->unit_id) != 0 ||
	    mc_api_query_int_or_reply(r, "year", &year, 2000, 2999) != 0 ||
	    state_query_or_reply(r, &p->state) != 0)
		return -1;
	if (!year && kind != LIST_DISPOSAL) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "year", "required", "year is required");
		return -1;
	}
	if (kind == LIST_DISPOSAL && !p->state)
		p->state = MC_WF_PROPOSED;
	if (kind == LIST_DISPOSAL && p->state != MC_WF_PROPOSED && p->state != MC_WF_DISPOSED) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "state", "choice",
				       "a disposal list holds proposed or disposed files");
		return -1;
	}
	if (kind == LIST_HANDOVER && !p->state)
		p->state = MC_WF_ARCHIVED;
	if (kind == LIST_HANDOVER && p->state != MC_WF_ARCHIVED && p->state != MC_WF_CLOSED) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "state", "choice",
				       "a handover list holds closed or archived files");
		return -1;
	}
	p->year = (int)year;
	mc_workfile_query q = {
	    .unit_id = p->unit_id, .year = p->year, .state = p->state, .limit = HANDOVER_MAX};
	int rc = mc_store_workfile_list(mc_req_store(r), &p->list, &p->n, &total, &q);
	if (rc != 0) {
		mc_reply_error(r, rc, "the work files");
		return -1;
	}
	p->n_cols = catalogue		    ? MC_ARRAY_LEN(catalogue_heads)
		    : kind == LIST_DISPOSAL ? MC_ARRAY_LEN(disposal_heads)
					    : MC_ARRAY_LEN(handover_heads);
	p->heads = catalogue ? catalogue_heads : kind == LIST_DISPOSAL ? disposal_heads : handover_heads;
	p->frac = catalogue ? catalogue_frac : kind == LIST_DISPOSAL ? disposal_frac : handover_frac;
	p->cells = mc_xcalloc(p->n * p->n_cols + 1, sizeof *p->cells);
	for (size_t i = 0; i < p->n; i++) {
		if (catalogue)
			catalogue_row(&p->cells[i * p->n_cols], &p->list[i]);
		else if (kind == LIST_DISPOSAL)
			disposal_row(&p->cells[i * p->n_cols], i, &p->list[i]);
		else
			handover_row(&p->cells[i * p->n_cols], i, &p->list[i]);
	}
	const mc_unit *unit = mc_time_ctx_unit(mc_req_time(r), p->unit_id);
	if (catalogue) {
		snprintf(p->title, sizeof p->title, "DANH MỤC HỒ SƠ NĂM %d", p->year);
		snprintf(p->subtitle, sizeof p->subtitle, "%s", unit ? unit->name : "");
		snprintf(p->file, sizeof p->file, "danh-muc-ho-so-%d", p->year);
	} else if (kind == LIST_DISPOSAL) {
		snprintf(p->title, sizeof p->title, "DANH MỤC TÀI LIỆU HẾT GIÁ TRỊ");
		if (p->year)
			snprintf(p->subtitle, sizeof p->subtitle, "%s - hồ sơ năm %d (%s)",
				 unit ? unit->name : "", p->year,
				 p->state == MC_WF_DISPOSED ? "đã hủy" : "đề nghị hủy");
		else
			snprintf(p->subtitle, sizeof p->subtitle, "%s (%s)", unit ? unit->name : "",
				 p->state == MC_WF_DISPOSED ? "đã hủy" : "đề nghị hủy");
		snprintf(p->file, sizeof p->file, "danh-muc-tai-lieu-het-gia-tri");
	} else {
		snprintf(p->title, sizeof p->title, "MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU");
		snprintf(p->subtitle, sizeof p->subtitle, "%s - năm %d (%s)", unit ? unit->name : "", p->year,
			 p->state == MC_WF_ARCHIVED ? "đã nộp lưu" : "đã kết thúc, chờ nộp lưu");
		snprintf(p->file, sizeof p->file, "muc-luc-ho-so-%d", p->year);
	}
	return 0;
}

static void reply_pdf(mc_req *r, int kind)
{
	printed p;
	if (printed_or_reply(r, &p, kind) != 0)
		return;
	const mc_time_ctx *tc = mc_req_time(r);
	const mc_unit *unit = mc_time_ctx_unit(tc, p.unit_id);
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
		     .col_frac = p.frac,
		     .col_head = p.heads,
		     .cells = (const char *const *)p.cells,
		     .n_rows = p.n};
	mc_buf pdf;
	mc_buf_init(&pdf, MC_FORM_PDF_MAX);
	if (mc_form_pdf(&pdf, &f) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not render the list");
	} else {
		char disposition[128];
		snprintf(disposition, sizeof disposition, "inline; filename=\"%s.pdf\"", p.file);
		mc_reply_header(r, "Content-Disposition", disposition);
		mc_reply_raw(r, 200, "application/pdf", pdf.data, pdf.len);
	}
	mc_buf_free(&pdf);
	g_free(unit_upper);
	g_free(parent_upper);
	printed_free(&p);
}

static int printed_xlsx(unsigned char **out, size_t *len, const printed *p)
{
	mc_xlsx x;
	int rc = mc_xlsx_new(&x);

	if (rc)
		return rc;
	lxw_workbook *wb = x.wb;
	mc_xlsx_table t;
	mc_xlsx_table_formats(&x, &t);
	lxw_format *title = t.title, *head = t.head, *cell = t.cell;
	lxw_worksheet *ws = workbook_add_worksheet(wb, p->kind == LIST_CATALOGUE ? "Danh mục hồ sơ"
						       : p->kind == LIST_DISPOSAL ? "Tài liệu hết giá trị"
										  : "Mục lục hồ sơ");
	if (!ws) {
		mc_xlsx_discard(&x);
		return MC_ERROR;
	}
	lxw_col_t last = (lxw_col_t)(p->n_cols - 1);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_merge_range(ws, 0, 0, 0, last, p->title, title);
	worksheet_merge_range(ws, 1, 0, 1, last, p->subtitle, NULL);
	for (size_t c = 0; c < p->n_cols; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, p->frac[c] * 160, NULL);
		worksheet_write_string(ws, 3, (lxw_col_t)c, p->heads[c], head);
	}
	for (size_t i = 0; i < p->n; i++) {
		for (size_t c = 0; c < p->n_cols; c++)
			worksheet_write_string(ws, (lxw_row_t)(4 + i), (lxw_col_t)c,
					       p->cells[i * p->n_cols + c], cell);
	}
	return mc_xlsx_finish(&x, HANDOVER_XLSX_MAX, out, len);
}

static void reply_xlsx(mc_req *r, int kind)
{
	printed p;
	unsigned char *data = NULL;
	size_t len = 0;
	if (printed_or_reply(r, &p, kind) != 0)
		return;
	if (printed_xlsx(&data, &len, &p) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not write the list's workbook");
	} else {
		char disposition[128];
		snprintf(disposition, sizeof disposition, "attachment; filename=\"%s.xlsx\"", p.file);
		mc_reply_header(r, "Content-Disposition", disposition);
		mc_reply_raw(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			     data, len);
	}
	free(data);
	printed_free(&p);
}

void mc_api_workfiles_handover_pdf(mc_req *r)
{
	reply_pdf(r, LIST_HANDOVER);
}

void mc_api_workfiles_handover_xlsx(mc_req *r)
{
	reply_xlsx(r, LIST_HANDOVER);
}

void mc_api_workfiles_catalogue_pdf(mc_req *r)
{
	reply_pdf(r, LIST_CATALOGUE);
}

void mc_api_workfiles_catalogue_xlsx(mc_req *r)
{
	reply_xlsx(r, LIST_CATALOGUE);
}

void mc_api_workfiles_disposal_pdf(mc_req *r)
{
	reply_pdf(r, LIST_DISPOSAL);
}

void mc_api_workfiles_disposal_xlsx(mc_req *r)
{
	reply_xlsx(r, LIST_DISPOSAL);
}
