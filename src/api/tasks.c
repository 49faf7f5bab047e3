/*
 * /api/v1/tasks - tasks (nhiệm vụ) that directives assign, followed down the
 * unit tree (docs/tasks.md; QĐ 42/2014/QĐ-TTg as amended): assignment from
 * a document or a directive typed in, delegation, progress reports,
 * extensions, completion, suspension and cancellation, the lists of a unit
 * and the figures of a period. Rules in core/task.h, their life in
 * app/task.h.
 */
#include "api/api.h"

#include "app/task.h"
#include "core/limits.h"
#include "render/form.h"
#include "render/xlsx.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

static json_t *day_json(int32_t day)
{
	char buf[16];
	int y, m, d;
	if (!day)
		return json_null();
	mc_civil_from_days(day, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	return json_string(buf);
}

/* "YYYY-MM-DD" into a local day number. */
static int parse_day(int32_t *out, const char *s)
{
	int64_t t = 0;
	if (!s || strlen(s) != 10 || mc_time_parse(&t, s) != 0)
		return MC_EINVAL;
	*out = mc_local_day(t);
	return 0;
}

static const char *or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

static int32_t today(void)
{
	return mc_local_day(mc_now());
}

/* A task as officers see it. New reference. */
static json_t *task_json(mc_req *r, const mc_task *t, const int64_t *units, size_t n_units)
{
	const mc_time_ctx *tc = mc_req_time(r);
	const mc_workcal *wc = mc_time_ctx_calendar(tc);
	mc_task_facts f;
	char title[128];
	mc_app_task_facts(&f, t);
	mc_task_timing timing = mc_task_timing_of(wc, &f, today());
	mc_task_title(title, sizeof title, (mc_task_state)t->state, timing);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(t->id));
	json_object_set_new(j, "version", json_integer(t->version));
	json_object_set_new(j, "title", json_string(t->title));
	json_object_set_new(j, "content", json_string(t->content));
	json_object_set_new(j, "product", json_string(t->product));
	json_object_set_new(j, "directive", or_null(t->directive) ? json_string(t->directive) : json_null());
	json_object_set_new(j, "source_document",
			    t->source_document_id ? json_integer(t->source_document_id) : json_null());
	json_object_set_new(j, "closing_document",
			    t->closing_document_id ? json_integer(t->closing_document_id) : json_null());
	json_object_set_new(j, "parent", t->parent_id ? json_integer(t->parent_id) : json_null());
	json_object_set_new(j, "assigner_unit", mc_api_unit_ref(tc, t->assigner_unit_id));
	json_object_set_new(j, "unit", mc_api_unit_ref(tc, t->unit_id));
	if (units) {
		json_t *a = json_array();
		for (size_t i = 0; i < n_units; i++)
			json_array_append_new(a, mc_api_unit_ref(tc, units[i]));
		json_object_set_new(j, "cooperating", a);
	}
	json_object_set_new(j, "state", json_string(mc_task_state_name((mc_task_state)t->state)));
	json_object_set_new(j, "timing", json_string(mc_task_timing_name(timing)));
	json_object_set_new(j, "state_title", json_string(title));
	json_object_set_new(j, "due_kind", json_string(mc_task_due_kind_name((mc_task_due_kind)t->due_kind)));
	json_object_set_new(j, "period",
			    mc_task_period_name((mc_task_period)t->period)
				? json_string(mc_task_period_name((mc_task_period)t->period))
				: json_null());
	json_object_set_new(j, "assigned_on", day_json(t->assigned_day));
	json_object_set_new(j, "original_due", day_json(t->original_due));
	json_object_set_new(j, "due", day_json(t->due));
	json_object_set_new(j, "due_is_day_off",
			    json_boolean(t->due_kind == MC_TASK_DUE_DATE && t->due &&
					 !mc_workcal_is_working_day(wc, t->due)));
	json_object_set_new(j, "extended", json_boolean(t->due != t->original_due));
	json_object_set_new(j, "requested_due", day_json(t->requested_due));
	if (t->due_kind == MC_TASK_DUE_RECURRING) {
		int32_t start, end;
		if (mc_task_period_bounds(&start, &end, (mc_task_period)t->period, t->next_report_period) ==
		    0)
			json_object_set_new(j, "next_report_due",
					    day_json(mc_task_period_report_due(wc, start, end)));
	}
	json_object_set_new(j, "done_on", day_json(t->done_day));
	json_object_set_new(j, "progress", json_integer(t->progress));
	json_object_set_new(j, "note", or_null(t->note) ? json_string(t->note) : json_null());
	json_object_set_new(j, "created_at", mc_api_time(t->created_at));
	json_object_set_new(j, "updated_at", mc_api_time(t->updated_at));
	return j;
}

static json_t *events_json(mc_req *r, const mc_task_event *ev, size_t n)
{
	const mc_time_ctx *tc = mc_req_time(r);
	json_t *events = json_array();
	for (size_t i = 0; i < n; i++) {
		const mc_task_event *e = &ev[i];
		json_t *o = json_pack("{s:I, s:s, s:o, s:s?, s:s?, s:o, s:s?, s:s, s:s?, s:s}", "id",
				      (json_int_t)e->id, "action", e->action, "at", mc_api_time(e->at), "by",
				      or_null(e->user_name), "role", or_null(e->role), "unit",
				      mc_api_unit_ref(tc, e->unit_id), "from",
				      e->from_state ? mc_task_state_name((mc_task_state)e->from_state) : NULL,
				      "to", mc_task_state_name((mc_task_state)e->to_state), "note",
				      or_null(e->note), "hash", e->hash);
		if (strcmp(e->action, "report") == 0)
			json_object_set_new(o, "percent", json_integer(e->percent));
		if (e->due)
			json_object_set_new(o, "due", day_json(e->due));
		if (e->document_id)
			json_object_set_new(o, "document", json_integer(e->document_id));
		/* The period a recurring task's report answers (its first and last
		 * day) and its reporting deadline. */
		if (e->period_start)
			json_object_set_new(
			    o, "period",
			    json_pack("{s:o, s:o, s:o}", "first_day", day_json(e->period_start), "last_day",
				      day_json(e->period_end - 1), "report_due", day_json(e->report_due)));
		json_array_append_new(events, o);
	}
	return events;
}

/* The task with its units, children, progress and (with_events) its log. */
static void reply_task(mc_req *r, int status, const mc_task *t, bool with_events)
{
	mc_store *st = mc_req_store(r);
	int64_t *units = NULL;
	size_t n_units = 0, n_children = 0, n_ev = 0;
	mc_task *children = NULL;
	mc_task_event *ev = NULL;
	bool more = false;
	int rc = mc_store_task_units(st, &units, &n_units, t->id);
	if (rc == 0)
		rc = mc_store_task_children(st, &children, &n_children, t->id);
	if (rc == 0 && with_events)
		rc = mc_store_task_events(st, &ev, &n_ev, &more, t->id, 0, MC_LIMIT_EVENTS_PAGE);
	if (rc != 0) {
		mc_reply_error(r, rc, "the task");
		goto cleanup;
	}
	char etag[32];
	snprintf(etag, sizeof etag, "\"%lld\"", (long long)t->version);
	mc_reply_header(r, "ETag", etag);
	json_t *body = task_json(r, t, units, n_units);
	json_t *kids = json_array();
	mc_task_child *c = mc_xcalloc(n_children ? n_children : 1, sizeof *c);
	for (size_t i = 0; i < n_children; i++) {
		json_array_append_new(kids, task_json(r, &children[i], NULL, 0));
		c[i] = (mc_task_child){(mc_task_state)children[i].state, children[i].progress};
	}
	json_object_set_new(body, "children", kids);
	json_object_set_new(body, "progress_overall",
			    json_integer(mc_task_progress(t->progress, c, n_children)));
	free(c);
	if (with_events) {
		/* The steps the caller may take now, for the pages' buttons (the write checks again). */
		mc_actor actor;
		mc_task_view v = {.task = t, .cooperating = units, .n_cooperating = n_units};
		json_t *may = json_array();
		mc_req_actor(r, &actor);
		for (int a = 1; a <= MC_TASK_ACT_MAX; a++) {
			if (mc_app_task_check(mc_req_time(r), &actor, &v, (mc_task_action)a) == 0)
				json_array_append_new(may,
						      json_string(mc_task_action_name((mc_task_action)a)));
		}
		mc_err_clear();
		json_object_set_new(body, "may", may);
		json_object_set_new(body, "events", events_json(r, ev, n_ev));
		json_object_set_new(body, "events_more", json_boolean(more));
	}
	mc_reply_json(r, status, body);
cleanup:
	free(units);
	mc_task_free_list(children, n_children);
	mc_task_event_free_list(ev, n_ev);
}

/* The task of the path, visible to the caller; replies 404/403 otherwise. */
static int task_or_reply(mc_req *r, mc_task *t, int64_t *id_out)
{
	const char *s = mc_req_param(r, 0);
	char *end = NULL;
	int64_t *units = NULL;
	size_t n_units = 0;
	mc_actor actor;
	errno = 0;
	long long id = strtoll(s, &end, 10);
	if (errno || end == s || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no task has id %s", s);
		return -1;
	}
	int rc = mc_store_task_get(mc_req_store(r), t, id);
	if (rc == 0)
		rc = mc_store_task_units(mc_req_store(r), &units, &n_units, id);
	if (rc != 0) {
		mc_task_clear(t);
		mc_reply_error(r, rc, "the task");
		return -1;
	}
	mc_req_actor(r, &actor);
	mc_task_view v = {.task = t, .cooperating = units, .n_cooperating = n_units};
	bool ok = mc_app_task_may_see(mc_req_time(r), &actor, &v);
	free(units);
	if (!ok) {
		mc_task_clear(t);
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the task is outside your unit's scope");
		return -1;
	}
	*id_out = id;
	return 0;
}

/* ---- writes ------------------------------------------------------------- */

enum { JOB_CREATE = 1, JOB_DELEGATE, JOB_ACT };

typedef struct {
	int kind;
	mc_actor actor;
	const mc_time_ctx *tc;
	int64_t id;
	int64_t if_version;
	bool if_match;
	mc_task_new in;
	int64_t *cooperating;
	mc_task_act act;
	mc_task out;
	mc_err err;
} task_job;

static int task_write(mc_store *st, void *payload)
{
	task_job *j = payload;
	int64_t now = mc_now();
	int rc = MC_EINVAL;
	int64_t steps = 0;
	/* A job may run again (group.h): from nothing. */
	mc_task_clear(&j->out);
	/* A flood of steps from one account is refused as work files are
	 * (app/workfile.c): counted in the store, in this write. */
	mc_err_clear();
	rc = mc_store_task_events_by(st, &steps, j->actor.user_id, now - 3600);
	if (rc == 0)
		rc = mc_err_hourly(steps, MC_LIMIT_TASK_STEPS_PER_HOUR, "recorded", "steps on tasks");
	if (rc) {
		mc_err_take(&j->err, rc);
		return rc;
	}
	rc = MC_EINVAL;
	switch (j->kind) {
	case JOB_CREATE:
		rc = mc_app_task_create(st, j->tc, &j->actor, &j->in, now, &j->out);
		break;
	case JOB_DELEGATE:
		rc = mc_app_task_delegate(st, j->tc, &j->actor, j->id, j->if_version, &j->in, now, &j->out);
		break;
	case JOB_ACT:
		j->act.at = now;
		j->act.if_version = j->if_version;
		rc = mc_app_task_act(st, j->tc, &j->actor, j->id, &j->act, &j->out);
		break;
	}
	mc_err_take(&j->err, rc);
	return rc;
}

static void task_after(mc_req *r, int rc, void *payload)
{
	task_job *j = payload;
	const mc_err *e = mc_err_for(&j->err, rc);
	/* The reply frees the request and j with it: the task is taken out first. */
	mc_task out = j->out;
	j->out = (mc_task){0};
	if (rc == 0) {
		bool created = j->kind != JOB_ACT;
		if (created) {
			char location[64];
			snprintf(location, sizeof location, "/api/v1/tasks/%lld", (long long)out.id);
			mc_reply_header(r, "Location", location);
		}
		reply_task(r, created ? 201 : 200, &out, false);
	} else if (e->reason == MC_REASON_STALE && j->if_match) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "%s", e->msg);
	} else {
		mc_reply_err(r, e, "the task");
	}
	mc_task_clear(&out);
}

/* Reads the fields of a new task into j->in; replies 422 on a bad one. */
static int new_fields_or_reply(mc_req *r, task_job *j, bool delegated)
{
	const char *assigner = NULL, *unit = NULL, *due_kind = NULL, *due = NULL, *period = NULL;
	int64_t doc = 0, in_days = 0;
	json_t *units = NULL;
	mc_task_new *in = &j->in;
	mc_field spec[] = {
	    {"title", MC_F_STRING, true, 1, MC_LIMIT_TASK_TITLE, &in->title, 0},
	    {"content", MC_F_TEXT, false, 0, MC_LIMIT_TASK_CONTENT, &in->content, 0},
	    {"product", MC_F_STRING, false, 0, MC_LIMIT_TASK_PRODUCT, &in->product, 0},
	    {"unit", MC_F_STRING, true, 1, MC_LIMIT_UNIT_CODE, &unit, 0},
	    {"cooperating", MC_F_ARRAY, false, 0, MC_LIMIT_TASK_UNITS, &units, 0},
	    {"due_kind", MC_F_STRING, false, 1, 15, &due_kind, 0},
	    {"due", MC_F_STRING, false, 10, 10, &due, 0},
	    {"due_in_working_days", MC_F_INT, false, 1, 3650, &in_days, 0},
	    {"period", MC_F_STRING, false, 1, 15, &period, 0},
	    /* Only a task given directly (the last three): a part delegated is
	     * given by its parent's unit in charge and comes from its source. */
	    {"assigner_unit", MC_F_STRING, false, 1, MC_LIMIT_UNIT_CODE, &assigner, 0},
	    {"source_document", MC_F_INT, false, 1, INT64_MAX, &doc, 0},
	    {"directive", MC_F_STRING, false, 1, MC_LIMIT_TASK_DIRECTIVE, &in->directive, 0},
	};
	size_t n_spec = MC_ARRAY_LEN(spec) - (delegated ? 3 : 0);
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, n_spec) != 0)
		return -1;
	if (assigner && mc_api_unit_or_reply(r, &in->assigner_unit_id, "assigner_unit", assigner) != 0)
		return -1;
	if (mc_api_unit_or_reply(r, &in->unit_id, "unit", unit) != 0)
		return -1;
	in->source_document_id = doc;
	in->due_kind = MC_TASK_DUE_DATE;
	if (due_kind && mc_task_due_kind_parse(&in->due_kind, due_kind) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "due_kind", "choice",
				       "due_kind must be date, recurring or none");
		return -1;
	}
	if (due && parse_day(&in->due, due) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "due", "format",
				       "due must be a date YYYY-MM-DD");
		return -1;
	}
	if (due && in_days) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "due_in_working_days", "exclusive",
				       "give due or due_in_working_days, not both");
		return -1;
	}
	in->due_in_days = (int32_t)in_days;
	if (period && mc_task_period_parse(&in->period, period) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "period", "choice",
				       "period must be week, month, quarter, half_year or year");
		return -1;
	}
	if (mc_api_cooperating_or_reply(r, units, &j->cooperating, &in->n_cooperating) != 0)
		return -1;
	in->cooperating = j->cooperating;
	return 0;
}

int mc_api_cooperating_or_reply(mc_req *r, json_t *units, int64_t **out, size_t *n)
{
	*n = json_array_size(units);
	*out = mc_req_own(r, mc_xcalloc(*n ? *n : 1, sizeof **out));
	for (size_t i = 0; i < *n; i++) {
		const char *code = json_string_value(json_array_get(units, i));
		char field[40];
		snprintf(field, sizeof field, "cooperating[%zu]", i);
		if (!code || !*code || strlen(code) > MC_LIMIT_UNIT_CODE) {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, field, "format",
					       "%s must be a unit code", field);
			return -1;
		}
		if (mc_api_unit_or_reply(r, &(*out)[i], field, code) != 0)
			return -1;
	}
	return 0;
}

void mc_api_task_create(mc_req *r)
{
	task_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	const char *assigner = NULL;
	int64_t giver = 0;
	mc_field spec[] = {{"assigner_unit", MC_F_STRING, false, 1, MC_LIMIT_UNIT_CODE, &assigner, 0}};
	/* Who may assign for which unit comes before what the task says. */
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, 1) != 0)
		return;
	if (assigner && mc_api_unit_or_reply(r, &giver, "assigner_unit", assigner) != 0)
		return;
	if (mc_api_in_scope_or_reply(r, giver ? giver : mc_req_user(r)->unit_id) != 0)
		return;
	if (new_fields_or_reply(r, j, false) != 0)
		return;
	j->kind = JOB_CREATE;
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	mc_req_write(r, task_write, task_after, j);
}

/* The task of the path at the If-Match version: fills j->id and the versions. */
static int target_or_reply(mc_req *r, task_job *j, mc_task_action action)
{
	int64_t if_match = mc_api_if_match_version(r);
	mc_task t = {0};
	int64_t *units = NULL;
	size_t n_units = 0;
	if (if_match < 0) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "If-Match must be the ETag of the task");
		return -1;
	}
	/* The task and its scope first: out of scope is 403 whatever the body says. */
	if (task_or_reply(r, &t, &j->id) != 0)
		return -1;
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	/* A stale If-Match first: 412 is the answer to a caller who saw another version. */
	if (if_match && if_match != t.version) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED,
				 "the task is at version %lld, not %lld; reload it", (long long)t.version,
				 (long long)if_match);
		mc_task_clear(&t);
		return -1;
	}
	int rc = mc_store_task_units(mc_req_store(r), &units, &n_units, j->id);
	if (rc == 0) {
		mc_task_view v = {.task = &t, .cooperating = units, .n_cooperating = n_units};
		/* The write checks the same again, on the task as it is then. */
		rc = mc_app_task_check(j->tc, &j->actor, &v, action);
	}
	free(units);
	mc_task_clear(&t);
	if (rc != 0) {
		mc_err e;
		mc_err_take(&e, rc);
		mc_reply_err(r, &e, "the task");
		return -1;
	}
	/* Without If-Match a step applies to the task as the write finds it,
	 * checked again there (reports of one unit do not refuse each other). */
	j->if_version = if_match;
	j->if_match = if_match != 0;
	return 0;
}

void mc_api_task_delegate(mc_req *r)
{
	task_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	if (target_or_reply(r, j, MC_TASK_ACT_DELEGATE) != 0)
		return;
	if (new_fields_or_reply(r, j, true) != 0)
		return;
	j->kind = JOB_DELEGATE;
	mc_req_write(r, task_write, task_after, j);
}

void mc_api_task_action(mc_req *r)
{
	task_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	const char *action = NULL, *due = NULL;
	int64_t percent = -1, doc = 0;
	mc_field spec[] = {
	    {"action", MC_F_STRING, true, 1, 31, &action, 0},
	    {"note", MC_F_TEXT, false, 1, MC_LIMIT_TASK_NOTE, &j->act.note, 0},
	    {"percent", MC_F_INT, false, 0, 100, &percent, 0},
	    {"due", MC_F_STRING, false, 10, 10, &due, 0},
	    {"document", MC_F_INT, false, 1, INT64_MAX, &doc, 0},
	};
	/* The task and its scope first: out of scope is 403 whatever the body says. */
	mc_task seen = {0};
	if (task_or_reply(r, &seen, &j->id) != 0)
		return;
	mc_task_clear(&seen);
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (mc_task_action_parse(&j->act.action, action) != 0 || j->act.action == MC_TASK_ACT_DELEGATE) {
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "action", "choice",
		    "action must be one of start, report, request_extension, grant_extension, "
		    "refuse_extension, propose_done, confirm, send_back, suspend, resume, "
		    "cancel");
		return;
	}
	if (due && parse_day(&j->act.due, due) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "due", "format",
				       "due must be a date YYYY-MM-DD");
		return;
	}
	j->act.percent = (int)percent;
	j->act.document_id = doc;
	if (target_or_reply(r, j, j->act.action) != 0)
		return;
	j->kind = JOB_ACT;
	mc_req_write(r, task_write, task_after, j);
}

/* ---- reads -------------------------------------------------------------- */

void mc_api_task_get(mc_req *r)
{
	mc_task t = {0};
	int64_t id = 0;
	if (task_or_reply(r, &t, &id) != 0)
		return;
	reply_task(r, 200, &t, true);
	mc_task_clear(&t);
}

/* Older events of a task than `before` (an event id), a page at a time:
 * {"events": [oldest first], "more": older ones are left}. */
void mc_api_task_events(mc_req *r)
{
	mc_task t = {0};
	int64_t id = 0, before = 0;
	int limit = 0;
	mc_task_event *ev = NULL;
	size_t n = 0;
	bool more = false;
	if (task_or_reply(r, &t, &id) != 0)
		return;
	mc_task_clear(&t);
	if (mc_api_events_page_or_reply(r, &before, &limit) != 0)
		return;
	int rc = mc_store_task_events(mc_req_store(r), &ev, &n, &more, id, before, limit);
	if (rc != 0) {
		mc_reply_error(r, rc, "the task's events");
		return;
	}
	mc_reply_json(r, 200, json_pack("{s:o, s:b}", "events", events_json(r, ev, n), "more", more));
	mc_task_event_free_list(ev, n);
}

static int day_query_or_reply(mc_req *r, const char *name, int32_t *out)
{
	const char *s = mc_req_query(r, name);
	if (s && parse_day(out, s) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, name, "format",
				       "%s must be a date YYYY-MM-DD", name);
		return -1;
	}
	return 0;
}

/* The list's filters from the query; replies 400 on a bad one. */
static int query_or_reply(mc_req *r, mc_task_query *q, const char **timing)
{
	const char *state = mc_req_query(r, "state");
	const char *relation = mc_req_query(r, "relation");
	int64_t limit = 50, offset = 0, parent = 0, doc = 0;
	*timing = mc_req_query(r, "timing");
	if (mc_api_scope_unit_or_reply(r, &q->scope_unit_id) != 0)
		return -1;
	if (relation) {
		static const char *const names[] = {"any", "given", "in_charge", "cooperating"};
		q->relation = -1;
		for (int i = 0; i < 4; i++) {
			if (strcmp(relation, names[i]) == 0)
				q->relation = i;
		}
		if (q->relation < 0) {
			mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "relation", "choice",
					       "relation must be any, given, in_charge or cooperating");
			return -1;
		}
	}
	if (state) {
		mc_task_state s;
		if (mc_task_state_parse(&s, state) != 0) {
			mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "state", "choice",
					       "state names no state");
			return -1;
		}
		q->state = s;
	}
	int32_t now = today();
	if (*timing) {
		/* Overdue and due soon are of open tasks due by a day; the rest is read from the rows. */
		if (strcmp(*timing, "overdue") == 0) {
			q->open_only = true;
			q->due_to = now - 1;
			q->due_from = 1;
		} else if (strcmp(*timing, "due_soon") == 0) {
			q->open_only = true;
			q->due_from = now;
			q->due_to = mc_task_add_working_days(mc_time_ctx_calendar(mc_req_time(r)), now,
							     MC_TASK_DUE_SOON_DAYS);
		} else if (strcmp(*timing, "open") == 0) {
			q->open_only = true;
		} else {
			mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "timing", "choice",
					       "timing must be overdue, due_soon or open");
			return -1;
		}
	}
	if (day_query_or_reply(r, "due_from", &q->due_from) != 0 ||
	    day_query_or_reply(r, "due_to", &q->due_to) != 0)
		return -1;
	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 200) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 10000000) != 0 ||
	    mc_api_query_int_or_reply(r, "parent", &parent, 1, INT64_MAX) != 0 ||
	    mc_api_query_int_or_reply(r, "source_document", &doc, 1, INT64_MAX) != 0)
		return -1;
	const char *top = mc_req_query(r, "top");
	if (top && strcmp(top, "true") == 0)
		parent = -1;
	q->parent_id = parent;
	q->source_document_id = doc;
	q->limit = (int)limit;
	q->offset = (int)offset;
	return 0;
}

void mc_api_tasks_list(mc_req *r)
{
	mc_task_query q = {0};
	mc_task *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	const char *timing = NULL;
	if (query_or_reply(r, &q, &timing) != 0)
		return;
	int rc = mc_store_task_list(mc_req_store(r), &list, &n, &total, &q);
	if (rc != 0) {
		mc_reply_error(r, rc, "the tasks");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, task_json(r, &list[i], NULL, 0));
	mc_task_free_list(list, n);
	mc_reply_json(r, 200,
		      json_pack("{s:I, s:I, s:I, s:o}", "total", (json_int_t)total, "limit",
				(json_int_t)q.limit, "offset", (json_int_t)q.offset, "items", items));
}

/* ---- figures ------------------------------------------------------------ */

/* The figures of one unit, leader (unit_id holds the user's id) or all:
 * the names (docs/tasks.md §5). */
typedef struct {
	int64_t unit_id;
	mc_task_figures c;
} task_figures;

static json_t *figures_json(const task_figures *t)
{
	const mc_task_figures *f = &t->c;
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "assigned", (json_int_t)f->assigned,
			 "done_on_time", (json_int_t)f->done_on_time, "done_extended",
			 (json_int_t)f->done_extended, "done_late", (json_int_t)f->done_late,
			 "in_progress_in_time", (json_int_t)f->in_progress_in_time, "in_progress_overdue",
			 (json_int_t)f->in_progress_overdue, "waiting_confirmation",
			 (json_int_t)f->waiting_confirmation, "suspended", (json_int_t)f->suspended,
			 "no_deadline", (json_int_t)f->no_deadline);
}

static int by_unit_cmp(const void *a, const void *b)
{
	const task_figures *x = a, *y = b;
	return (x->unit_id > y->unit_id) - (x->unit_id < y->unit_id);
}

/* The figures of a request: the whole and by unit in charge, in unit order. */
typedef struct {
	mc_task_query q;
	int32_t from, to;
	task_figures all;
	task_figures *rows; /* by unit in charge (unit_id) */
	size_t n_rows;
	task_figures *leaders; /* by assigning leader (unit_id holds the user's id; 0 = not recorded) */
	size_t n_leaders;
} task_stats;

/* The row of key in *rows (added when missing). */
static task_figures *row_of(task_figures **rows, size_t *n, size_t *cap, int64_t key)
{
	for (size_t k = 0; k < *n; k++) {
		if ((*rows)[k].unit_id == key)
			return &(*rows)[k];
	}
	MC_GROW(*rows, *n, *cap);
	(*rows)[*n] = (task_figures){.unit_id = key};
	return &(*rows)[(*n)++];
}

/* Reads the period and counts; replies 400/403/5xx and returns -1 on failure. */
static int stats_or_reply(mc_req *r, task_stats *out)
{
	const mc_workcal *wc = mc_time_ctx_calendar(mc_req_time(r));
	const char *timing = NULL;
	int32_t now = today();
	size_t cap = 0, cap_leaders = 0;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (query_or_reply(r, &out->q, &timing) != 0)
		return -1;
	if (day_query_or_reply(r, "from", &out->from) != 0 || day_query_or_reply(r, "to", &out->to) != 0)
		return -1;
	if (out->from && out->to && out->to < out->from) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "to", "order", "to must not be before from");
		return -1;
	}
	/* The tasks assigned in [from, to], as they stand today; cancelled ones
	 * are not counted. The store counts them in groups that stand alike to
	 * mc_task_timing_of, from the roll-up when it answers the question;
	 * each group is judged once, as a task of its group. */
	mc_task_group *g = NULL;
	size_t n = 0;
	task_figures *unit_row = NULL;
	if (mc_store_task_rollup_answers(&out->q))
		rc = mc_store_task_rollup_groups(mc_req_store(r), &g, &n, &out->q, out->from, out->to, now);
	else
		rc = mc_store_task_groups(mc_req_store(r), &g, &n, &out->q, out->from, out->to, now);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		mc_task_timing timing_of = mc_app_task_group_timing(wc, &g[i], now);
		mc_task_state state = (mc_task_state)g[i].state;
		if (g[i].feeds & MC_TASK_FEEDS_UNIT) {
			/* The groups come by unit in charge: its row is the last one's or a new one. */
			if (!unit_row || unit_row->unit_id != g[i].unit_id)
				unit_row = row_of(&out->rows, &out->n_rows, &cap, g[i].unit_id);
			mc_app_task_figures_add(&out->all.c, timing_of, state, g[i].n);
			mc_app_task_figures_add(&unit_row->c, timing_of, state, g[i].n);
		}
		if (g[i].feeds & MC_TASK_FEEDS_LEADER)
			mc_app_task_figures_add(
			    &row_of(&out->leaders, &out->n_leaders, &cap_leaders, g[i].assigned_by)->c,
			    timing_of, state, g[i].n);
	}
	free(g);
	if (rc != 0) {
		free(out->rows);
		free(out->leaders);
		out->rows = out->leaders = NULL;
		mc_reply_error(r, rc, "the tasks");
		return -1;
	}
	if (out->n_rows)
		qsort(out->rows, out->n_rows, sizeof *out->rows, by_unit_cmp);
	if (out->n_leaders)
		qsort(out->leaders, out->n_leaders, sizeof *out->leaders, by_unit_cmp);
	return 0;
}

void mc_api_tasks_stats(mc_req *r)
{
	task_stats s;
	if (stats_or_reply(r, &s) != 0)
		return;
	json_t *body = figures_json(&s.all);
	json_t *by_unit = json_array();
	for (size_t i = 0; i < s.n_rows; i++) {
		json_t *row = figures_json(&s.rows[i]);
		json_object_set_new(row, "unit", mc_api_unit_ref(mc_req_time(r), s.rows[i].unit_id));
		json_array_append_new(by_unit, row);
	}
	json_t *by_leader = json_array();
	for (size_t i = 0; i < s.n_leaders; i++) {
		json_t *row = figures_json(&s.leaders[i]);
		mc_user u = {0};
		json_t *who = json_null();
		if (s.leaders[i].unit_id &&
		    mc_store_user_get(mc_req_store(r), &u, s.leaders[i].unit_id) == 0) {
			who = json_pack("{s:s, s:s}", "username", u.username, "name", u.full_name);
			mc_user_clear(&u);
		}
		json_object_set_new(row, "leader", who);
		json_array_append_new(by_leader, row);
	}
	free(s.rows);
	free(s.leaders);
	json_object_set_new(body, "by_leader", by_leader);
	json_object_set_new(body, "unit", mc_api_unit_ref(mc_req_time(r), s.q.scope_unit_id));
	json_object_set_new(body, "from", day_json(s.from));
	json_object_set_new(body, "to", day_json(s.to));
	json_object_set_new(body, "by_unit", by_unit);
	mc_reply_json(r, 200, body);
}

/* ---- the figures printed (PDF) and as a workbook (XLSX) ------------------ */

#define FIG_COLS 9
static const char *const fig_heads[FIG_COLS] = {"Đơn vị chủ trì",
						"Được giao",
						"Hoàn thành đúng hạn",
						"Hoàn thành trong thời gian gia hạn",
						"Hoàn thành quá hạn",
						"Đang thực hiện trong hạn",
						"Đang thực hiện quá hạn",
						"Chờ xác nhận",
						"Tạm dừng"};
static const double fig_frac[FIG_COLS] = {0.24, 0.09, 0.1, 0.11, 0.1, 0.1, 0.1, 0.08, 0.08};

static int64_t fig_value(const task_figures *t, size_t c)
{
	const mc_task_figures *f = &t->c;
	const int64_t v[FIG_COLS] = {0,
				     f->assigned,
				     f->done_on_time,
				     f->done_extended,
				     f->done_late,
				     f->in_progress_in_time,
				     f->in_progress_overdue,
				     f->waiting_confirmation,
				     f->suspended};
	return v[c];
}

/* The table's texts: one row per unit and the total; *own holds what was made (free each). */
typedef struct {
	task_stats s;
	size_t n_rows;
	const char **cells;
	char **own;
	char *subtitle;
} fig_table;

static void fig_table_free(fig_table *t)
{
	for (size_t i = 0; t->own && i < t->n_rows * FIG_COLS; i++)
		free(t->own[i]);
	free(t->own);
	free(t->cells);
	free(t->subtitle);
	free(t->s.rows);
	free(t->s.leaders);
}

static int fig_table_or_reply(mc_req *r, fig_table *t)
{
	const mc_time_ctx *tc = mc_req_time(r);
	char from[16] = "", to[16] = "";
	memset(t, 0, sizeof *t);
	if (stats_or_reply(r, &t->s) != 0)
		return -1;
	t->n_rows = t->s.n_rows + 1;
	t->cells = mc_xcalloc(t->n_rows * FIG_COLS, sizeof *t->cells);
	t->own = mc_xcalloc(t->n_rows * FIG_COLS, sizeof *t->own);
	for (size_t i = 0; i < t->n_rows; i++) {
		const task_figures *f = i < t->s.n_rows ? &t->s.rows[i] : &t->s.all;
		const mc_unit *u = i < t->s.n_rows ? mc_time_ctx_unit(tc, f->unit_id) : NULL;
		t->cells[i * FIG_COLS] = i < t->s.n_rows ? (u ? u->name : "") : "Tổng cộng";
		for (size_t c = 1; c < FIG_COLS; c++) {
			char buf[24];
			snprintf(buf, sizeof buf, "%lld", (long long)fig_value(f, c));
			t->own[i * FIG_COLS + c] = mc_xstrdup(buf);
			t->cells[i * FIG_COLS + c] = t->own[i * FIG_COLS + c];
		}
	}
	if (t->s.from) {
		int y, m, d;
		mc_civil_from_days(t->s.from, &y, &m, &d);
		snprintf(from, sizeof from, "%02d/%02d/%04d", d, m, y);
	}
	if (t->s.to) {
		int y, m, d;
		mc_civil_from_days(t->s.to, &y, &m, &d);
		snprintf(to, sizeof to, "%02d/%02d/%04d", d, m, y);
	}
	const mc_unit *scope = mc_time_ctx_unit(tc, t->s.q.scope_unit_id);
	size_t len = strlen(scope ? scope->name : "") + 96;
	t->subtitle = mc_xmalloc(len);
	snprintf(t->subtitle, len, "%s — nhiệm vụ giao từ ngày %s đến ngày %s", scope ? scope->name : "",
		 from[0] ? from : "…", to[0] ? to : "…");
	return 0;
}

void mc_api_tasks_stats_pdf(mc_req *r)
{
	fig_table t;
	if (fig_table_or_reply(r, &t) != 0)
		return;
	const mc_time_ctx *tc = mc_req_time(r);
	const mc_unit *unit = mc_time_ctx_unit(tc, t.s.q.scope_unit_id);
	mc_form f = {.kind = MC_FORM_TABLE,
		     .issuing_unit = unit ? unit->name : "",
		     .place = mc_api_unit_place(tc, unit),
		     .date = mc_now(),
		     .title = "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ ĐƯỢC GIAO",
		     .subtitle = t.subtitle,
		     .n_cols = FIG_COLS,
		     .col_frac = fig_frac,
		     .col_head = fig_heads,
		     .cells = t.cells,
		     .n_rows = t.n_rows};
	mc_buf pdf;
	mc_buf_init(&pdf, MC_FORM_PDF_MAX);
	if (mc_form_pdf(&pdf, &f) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not render the figures");
	} else {
		mc_reply_header(r, "Content-Disposition", "inline; filename=\"nhiem-vu.pdf\"");
		mc_reply_raw(r, 200, "application/pdf", pdf.data, pdf.len);
	}
	mc_buf_free(&pdf);
	fig_table_free(&t);
}

/* The most bytes the figures' workbook may take (a row per unit). */
#define FIG_XLSX_MAX (8u << 20)

/* The figures as a workbook (render/xlsx.c). Caller frees *out. */
static int fig_xlsx(unsigned char **out, size_t *len, const fig_table *t)
{
	mc_xlsx x;
	int rc = mc_xlsx_new(&x);

	if (rc)
		return rc;
	lxw_workbook *wb = x.wb;
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_text_wrap(bold);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Nhiệm vụ");
	if (!ws) {
		mc_xlsx_discard(&x);
		return MC_ERROR;
	}
	worksheet_write_string(ws, 0, 0, "Báo cáo tình hình thực hiện nhiệm vụ được giao", bold);
	worksheet_write_string(ws, 1, 0, t->subtitle, NULL);
	worksheet_set_column(ws, 0, 0, 40, NULL);
	worksheet_set_column(ws, 1, FIG_COLS - 1, 14, NULL);
	for (size_t c = 0; c < FIG_COLS; c++)
		worksheet_write_string(ws, 3, (lxw_col_t)c, fig_heads[c], bold);
	for (size_t i = 0; i < t->n_rows; i++) {
		const task_figures *fr = i < t->s.n_rows ? &t->s.rows[i] : &t->s.all;
		worksheet_write_string(ws, (lxw_row_t)(4 + i), 0, t->cells[i * FIG_COLS],
				       i < t->s.n_rows ? NULL : bold);
		for (size_t c = 1; c < FIG_COLS; c++)
			worksheet_write_number(ws, (lxw_row_t)(4 + i), (lxw_col_t)c, (double)fig_value(fr, c),
					       NULL);
	}
	return mc_xlsx_finish(&x, FIG_XLSX_MAX, out, len);
}

void mc_api_tasks_stats_xlsx(mc_req *r)
{
	fig_table t;
	unsigned char *data = NULL;
	size_t len = 0;
	if (fig_table_or_reply(r, &t) != 0)
		return;
	if (fig_xlsx(&data, &len, &t) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not write the figures' workbook");
	} else {
		mc_reply_header(r, "Content-Disposition", "attachment; filename=\"nhiem-vu.xlsx\"");
		mc_reply_raw(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			     data, len);
	}
	free(data);
	fig_table_free(&t);
}
