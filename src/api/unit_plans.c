/*
 * /api/v1/unit-plans - reorganisation plans of the units (app/unit_plan.h,
 * docs/units.md): written and previewed, then applied on their day. The
 * whole tree changes, so every route is for the root's administrator.
 */
#include "api/api.h"

#include "app/unit_plan.h"

#include <stdlib.h>
#include <string.h>

static json_t *plan_json(const mc_unit_plan *p, json_t *preview)
{
	char day[11];
	json_t *body = json_loads(p->body, 0, NULL);
	mc_plan_day_format(day, p->effective_day);
	json_t *failure = p->failure && p->failure[0] ? json_string(p->failure) : json_null();
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:o?}", "id",
			 (json_int_t)p->id, "name", p->name, "effective", day, "status", p->status, "failure",
			 failure ? failure : json_null(), "created_at", mc_api_time(p->created_at),
			 "applied_at", mc_api_time(p->applied_at), "plan", body ? body : json_null(),
			 "applied", "moved_dossiers", (json_int_t)p->moved_dossiers, "moved_tasks",
			 (json_int_t)p->moved_tasks, "moved_documents", (json_int_t)p->moved_documents,
			 "moved_users", (json_int_t)p->moved_users, "deactivated_users",
			 (json_int_t)p->deactivated_users, "preview", preview);
}

/* Replies the refusal of a plan: the field and the rule it broke. */
static void refuse_plan(mc_req *r, int rc, const mc_plan_problem *pb)
{
	mc_err e;
	mc_err_take(&e, rc);
	if (pb->rule[0] && (rc == MC_EINVAL || rc == MC_ENOTFOUND)) {
		mc_reply_field_problem(r, rc == MC_ENOTFOUND ? MC_PROB_UNKNOWN_UNIT : MC_PROB_INVALID_FIELD,
				       pb->field, pb->rule, "%s", e.msg);
		return;
	}
	mc_reply_err(r, &e, "the plan");
}

typedef struct {
	mc_unit_plan plan;
	char *body;
	mc_actor actor;
	mc_err err;
	bool applied;
	int64_t id; /* the plan applied */
} plan_job;

static int create_write(mc_store *st, void *payload)
{
	plan_job *j = payload;
	mc_plan *p = NULL;
	mc_plan_problem pb;
	/* Checked again in the transaction: a unit may have changed meanwhile. */
	int rc = mc_app_unit_plan_check(&p, &pb, st, j->body);
	if (rc == 0) {
		j->plan.id = 0;
		rc = mc_store_unit_plan_create(st, &j->plan);
	}
	mc_plan_free(p);
	mc_err_take(&j->err, rc);
	return rc;
}

static void create_after(mc_req *r, int rc, void *payload)
{
	plan_job *j = payload;
	mc_unit_plan stored = {0};
	json_t *preview = NULL;
	mc_plan *p = NULL;
	mc_plan_problem pb;
	if (rc != 0) {
		mc_reply_err(r, mc_err_for(&j->err, rc), "the plan");
		return;
	}
	rc = mc_store_unit_plan_get(mc_req_store(r), &stored, j->plan.id);
	if (rc == 0)
		rc = mc_app_unit_plan_check(&p, &pb, mc_req_store(r), stored.body);
	if (rc == 0)
		rc = mc_app_unit_plan_preview(&preview, mc_req_store(r), p);
	mc_plan_free(p);
	if (rc != 0) {
		mc_unit_plan_clear(&stored);
		mc_reply_error(r, rc, "the plan");
		return;
	}
	char location[64];
	snprintf(location, sizeof location, "/api/v1/unit-plans/%lld", (long long)stored.id);
	mc_reply_header(r, "Location", location);
	json_t *body = plan_json(&stored, preview);
	mc_unit_plan_clear(&stored);
	mc_reply_json(r, 201, body);
}

/* POST /api/v1/unit-plans: checks a plan, stores it as a draft and answers
 * with its preview. */
void mc_api_unit_plan_create(mc_req *r)
{
	if (mc_api_root_admin_or_reply(r, "reorganise the units") != 0)
		return;
	plan_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	mc_plan *p = NULL;
	mc_plan_problem pb;
	j->body = mc_req_own(r, json_dumps(mc_req_body(r), JSON_COMPACT));
	int rc = j->body ? mc_app_unit_plan_check(&p, &pb, mc_req_store(r), j->body) : MC_ERROR;
	if (rc != 0) {
		refuse_plan(r, rc, &pb);
		return;
	}
	j->plan.name = mc_req_own(r, mc_xstrdup(mc_plan_name(p)));
	j->plan.effective_day = mc_plan_day(p);
	j->plan.body = j->body;
	j->plan.status = "draft";
	j->plan.created_by = mc_req_user(r)->id;
	j->plan.created_at = mc_now();
	mc_plan_free(p);
	mc_req_write(r, create_write, create_after, j);
}

static int plan_id_or_reply(mc_req *r, int64_t *out)
{
	const char *s = mc_req_param(r, 0);
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v <= 0 || strlen(s) > 18) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no plan has id %.20s", s);
		return -1;
	}
	*out = v;
	return 0;
}

/* GET /api/v1/unit-plans/{id}: the plan, and for one not applied yet what it
 * would do now (the preview). */
void mc_api_unit_plan_get(mc_req *r)
{
	mc_unit_plan stored = {0};
	json_t *preview = NULL;
	mc_plan *p = NULL;
	mc_plan_problem pb;
	int64_t id;
	if (mc_api_root_admin_or_reply(r, "see the reorganisation plans") != 0 ||
	    plan_id_or_reply(r, &id) != 0)
		return;
	int rc = mc_store_unit_plan_get(mc_req_store(r), &stored, id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the plan");
		return;
	}
	if (strcmp(stored.status, "applied") != 0) {
		/* A plan the units have moved away from says why, as its preview. */
		rc = mc_app_unit_plan_check(&p, &pb, mc_req_store(r), stored.body);
		if (rc == 0)
			rc = mc_app_unit_plan_preview(&preview, mc_req_store(r), p);
		mc_plan_free(p);
		if (rc != 0) {
			mc_err e;
			mc_err_take(&e, rc);
			preview = json_pack("{s:s, s:s, s:s}", "refused", e.msg, "field", pb.field, "rule",
					    pb.rule);
		}
	}
	json_t *body = plan_json(&stored, preview);
	mc_unit_plan_clear(&stored);
	mc_reply_json(r, 200, body);
}

/* GET /api/v1/unit-plans: every plan, newest first. */
void mc_api_unit_plans_list(mc_req *r)
{
	mc_unit_plan *list = NULL;
	size_t n = 0;
	if (mc_api_root_admin_or_reply(r, "see the reorganisation plans") != 0)
		return;
	int rc = mc_store_unit_plan_list(mc_req_store(r), &list, &n);
	if (rc != 0) {
		mc_reply_error(r, rc, "the plans");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, plan_json(&list[i], NULL));
	mc_unit_plan_free_list(list, n);
	mc_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int apply_write(mc_store *st, void *payload)
{
	plan_job *j = payload;
	/* A job may run again (group.h): from nothing. */
	mc_unit_plan_clear(&j->plan);
	int rc = mc_app_unit_plan_apply(st, &j->actor, j->id, mc_now(), &j->applied, &j->plan);
	mc_err_take(&j->err, rc);
	return rc;
}

static void apply_after(mc_req *r, int rc, void *payload)
{
	plan_job *j = payload;
	if (rc != 0) {
		mc_err *e = mc_err_for(&j->err, rc);
		if (e->code == MC_ECONFLICT && e->reason == MC_REASON_STATE)
			mc_reply_problem(r, MC_PROB_PLAN_APPLIED, "%s", e->msg);
		else if (e->code == MC_EINVAL || e->code == MC_ENOTFOUND)
			mc_reply_problem(
			    r, e->reason == MC_REASON_NOT_FOUND ? MC_PROB_NOT_FOUND : MC_PROB_INVALID_FIELD,
			    "%s", e->msg);
		else
			mc_reply_err(r, e, "applying the plan");
		return;
	}
	/* The units changed: this server sees them at once. */
	mc_req_reload_time(r);
	json_t *body = plan_json(&j->plan, NULL);
	mc_unit_plan_clear(&j->plan);
	mc_reply_json(r, j->applied ? 200 : 202, body);
}

/* POST /api/v1/unit-plans/{id}/apply: applies the plan now when its day has
 * come (200), else schedules it for its day (202); 409 plan-applied the
 * second time; 422 invalid-field when the units changed since it was written
 * or a scheduled plan changes one of its units too (naming that plan). */
void mc_api_unit_plan_apply(mc_req *r)
{
	int64_t id;
	if (mc_api_root_admin_or_reply(r, "reorganise the units") != 0 || plan_id_or_reply(r, &id) != 0)
		return;
	plan_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	j->id = id;
	mc_req_actor(r, &j->actor);
	mc_req_write(r, apply_write, apply_after, j);
}
