#include "api/api.h"
#include "app/dossier.h"
#include "app/filing.h"
#include "app/par.h"

#include "core/limits.h"
#include "core/onestop.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool mc_api_in_scope(mc_req *r, int64_t unit_id)
{
	const mc_user *u = mc_req_user(r);
	if (!u || !u->unit_id || !unit_id)
		return false;
	return mc_time_ctx_within(mc_req_time(r), unit_id, u->unit_id);
}

void mc_api_address_key(const mc_req *r, char *out, size_t cap)
{
	char peer[MC_FILING_PEER_MAX];
	mc_app_filing_peer(peer, mc_req_peer(r));
	snprintf(out, cap, "a:%s", peer);
}

void mc_api_too_many(mc_req *r, int wait, const char *why)
{
	char retry[16];

	snprintf(retry, sizeof retry, "%d", wait > 0 ? wait : 1);
	mc_reply_header(r, "Retry-After", retry);
	mc_reply_problem(r, MC_PROB_TOO_MANY_ATTEMPTS, "%s; try again in %s seconds", why, retry);
}

int mc_api_in_scope_or_reply(mc_req *r, int64_t unit_id)
{
	if (mc_api_in_scope(r, unit_id))
		return 0;
	const mc_unit *u = unit_id ? mc_time_ctx_unit(mc_req_time(r), unit_id) : NULL;
	if (u)
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "unit %s is outside your unit's scope", u->code);
	else
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the unit is outside your unit's scope");
	return -1;
}

int mc_api_unit_or_reply(mc_req *r, int64_t *out, const char *field, const char *code)
{
	const mc_unit *u = mc_time_ctx_unit_by_code(mc_req_time(r), code);
	if (!u) {
		mc_reply_field_problem(r, MC_PROB_UNKNOWN_UNIT, field, "unknown", "no unit has code %s",
				       code);
		return -1;
	}
	*out = u->id;
	return 0;
}

int mc_api_unit_in_force_or_reply(mc_req *r, const mc_unit *u, const char *field)
{
	int rc = mc_app_unit_ended_or_zero(mc_req_time(r), u, mc_local_day(mc_now()), field);
	if (rc != 0) {
		mc_err e;
		mc_err_take(&e, rc);
		mc_reply_err(r, &e, "the unit");
		return -1;
	}
	return 0;
}

int mc_api_scope_unit_or_reply(mc_req *r, int64_t *out)
{
	const char *code = mc_req_query(r, "unit");
	*out = mc_req_user(r)->unit_id;
	if (code) {
		const mc_unit *u = mc_time_ctx_unit_by_code(mc_req_time(r), code);
		if (!u) {
			mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "unit", "unknown",
					       "no unit has code %s", code);
			return -1;
		}
		*out = u->id;
	}
	if (!*out) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "your account holds its role in no unit");
		return -1;
	}
	return mc_api_in_scope_or_reply(r, *out);
}

bool mc_api_is_root_admin(mc_req *r)
{
	const mc_user *u = mc_req_user(r);
	if (!u || u->role != MC_ROLE_ADMIN || !u->unit_id)
		return false;
	const mc_unit *unit = mc_time_ctx_unit(mc_req_time(r), u->unit_id);
	return unit && unit->parent_id == 0;
}

int mc_api_root_admin_or_reply(mc_req *r, const char *action)
{
	if (mc_api_is_root_admin(r))
		return 0;
	mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE,
			 "only an administrator of the province (the root unit) may %s", action);
	return -1;
}

/*
 * Whether the officer may READ what is held at unit_id: the unit lies within
 * their scope, or it has ended (a reorganisation plan, docs/units.md §3) and
 * its heir today (mc_time_ctx_heir) does. A plan moves an ended unit's open
 * dossiers to its successor, but those it had finished stay with it: the
 * successor's officers (its former staff among them) read them, to answer
 * the applicant, give a copy again or handle a complaint. What they may do
 * with a dossier so seen is mc_app_dossier_may's: the desk-side actions of
 * the ended receiving unit's desk (hand back a result waiting to be
 * collected), nothing else; a payment and a file taken into another dossier
 * go by mc_api_in_scope (mc_api_may_see_in_scope).
 */
bool mc_api_in_scope_or_heir(mc_req *r, int64_t unit_id)
{
	if (mc_api_in_scope(r, unit_id))
		return true;
	if (!unit_id)
		return false;
	const mc_unit *heir = mc_time_ctx_heir(mc_req_time(r), unit_id, mc_local_day(mc_now()));
	/* The heir is the unit itself while it is in force, or once ended
	 * without a successor: then only the scope above answers. */
	return heir && heir->id != unit_id && mc_api_in_scope(r, heir->id);
}

bool mc_api_subtree_readable(mc_req *r, int64_t unit_id)
{
	if (mc_api_in_scope(r, unit_id))
		return true;
	if (!mc_api_in_scope_or_heir(r, unit_id))
		return false;
	/* A list of the unit holds the dossiers of the units under it: each of
	 * them must be read by its own heir rule, or the list would show what
	 * the dossier's detail refuses (a district ended into one commune, its
	 * communes into others). */
	const mc_time_ctx *tc = mc_req_time(r);
	size_t n = 0;
	const mc_unit *all = mc_time_ctx_units(tc, &n);
	for (size_t i = 0; i < n; i++) {
		if (all[i].id != unit_id && mc_time_ctx_within(tc, all[i].id, unit_id) &&
		    !mc_api_in_scope_or_heir(r, all[i].id))
			return false;
	}
	return true;
}

/* mc_api_may_see with `in` the test of a unit: mc_api_in_scope_or_heir for
 * reading, mc_api_in_scope for acting. */
static bool may_see_by(mc_req *r, const mc_dossier *d, bool (*in)(mc_req *, int64_t))
{
	const mc_user *u = mc_req_user(r);
	if (!u)
		return false;
	if (u->role == MC_ROLE_CITIZEN)
		return d->owner_id != 0 && d->owner_id == u->id;
	/* The centre that received it regardless of administrative boundary
	 * sees it (its receipt), and acts on it no more (mc_app_dossier_may). */
	/* The centre chosen to hand back the result sees it once the result
	 * is ready, and so does an ended centre's successor, whose desk hands
	 * it back (mc_app_dossier_may). */
	return in(r, d->current_unit_id) || in(r, d->receiving_unit_id) ||
	       (d->reception_unit_id && in(r, d->reception_unit_id)) ||
	       (d->return_unit_id && (d->state == MC_ST_RESOLVED || d->state == MC_ST_RETURNED) &&
		in(r, d->return_unit_id));
}

bool mc_api_may_see(mc_req *r, const mc_dossier *d)
{
	return may_see_by(r, d, mc_api_in_scope_or_heir);
}

bool mc_api_may_see_in_scope(mc_req *r, const mc_dossier *d)
{
	return may_see_by(r, d, mc_api_in_scope);
}

/* Whether the caller may read the reform-index sheet of a unit one of whose
 * marks holds the file as evidence: the unit's own officers, the appraisal
 * council, the province's administrator (api/par.c, unit_visible_or_reply). */
static int par_evidence_reader(mc_req *r, bool *out, const char *sha256)
{
	const mc_user *u = mc_req_user(r);
	mc_par_evidence_of *list = NULL;
	size_t n = 0;
	int rc = 0;

	*out = false;
	if (u->role == MC_ROLE_CITIZEN)
		return 0;
	rc = mc_store_par_evidence_of(mc_req_store(r), &list, &n, sha256);
	for (size_t i = 0; rc == 0 && i < n && !*out; i++)
		*out = u->unit_id != 0 && list[i].unit_id == u->unit_id;
	if (rc == 0 && n > 0 && !*out) {
		mc_actor a;
		mc_req_actor(r, &a);
		*out = mc_api_is_root_admin(r);
		if (!*out)
			rc = mc_app_par_is_council(mc_req_store(r), out, &a);
	}
	free(list);
	return rc;
}

/* Whether dossier d is the target or one of its applicant's. */
static bool same_applicant(const mc_dossier *d, const mc_attach_target *t)
{
	if (t->dossier_id && d->id == t->dossier_id)
		return true;
	if (t->owner_id && d->owner_id == t->owner_id)
		return true;
	return t->id_number && t->id_number[0] && d->applicant_id_number &&
	       strcmp(d->applicant_id_number, t->id_number) == 0;
}

/* The reads of mc_api_attachment_access; par: with the reform index's
 * evidence, which may be read, not attached elsewhere; target (when not
 * NULL): the file is to be attached to it (mc_api_may_use_attachment). */
static int attachment_access(mc_req *r, bool *out, mc_dossier *via, const char *sha256, bool par,
			     const mc_attach_target *target)
{
	const mc_user *u = mc_req_user(r);
	mc_dossier *list = NULL;
	size_t n = 0;
	int rc;

	*out = false;
	if (via)
		memset(via, 0, sizeof *via);
	if (!u)
		return 0;
	rc = mc_store_upload_owned(mc_req_store(r), out, u->id, sha256);
	if (rc != 0 || *out)
		return rc;
	rc = mc_store_dossier_by_attachment(mc_req_store(r), &list, &n, sha256);
	for (size_t i = 0; rc == 0 && i < n && !*out; i++) {
		/* Attaching it elsewhere is more than reading it: not by the
		 * heir's reads (mc_api_in_scope_or_heir). */
		bool seen = target ? mc_api_may_see_in_scope(r, &list[i]) : mc_api_may_see(r, &list[i]);
		*out = seen && (!target || same_applicant(&list[i], target));
		if (*out && via) {
			via->id = list[i].id;
			via->owner_id = list[i].owner_id;
			via->current_unit_id = list[i].current_unit_id;
			via->receiving_unit_id = list[i].receiving_unit_id;
		}
	}
	mc_dossier_free_list(list, n);
	if (rc == 0 && !*out && par)
		rc = par_evidence_reader(r, out, sha256);
	return rc;
}

int mc_api_attachment_access(mc_req *r, bool *out, mc_dossier *via, const char *sha256)
{
	return attachment_access(r, out, via, sha256, true, NULL);
}

int mc_api_may_use_attachment(mc_req *r, bool *out, const char *sha256, const mc_attach_target *t)
{
	return attachment_access(r, out, NULL, sha256, false, t);
}

json_t *mc_api_time(int64_t t)
{
	if (!t)
		return json_null();
	char buf[40];
	return json_string(mc_time_format(buf, sizeof buf, t));
}

/* A text of a struct as JSON: "" for NULL (a struct built to be written may
 * leave a field unset), or NULL for an empty one where the shape has null. */
static const char *text(const char *s)
{
	return s ? s : "";
}

static const char *text_or_null(const char *s)
{
	return s && *s ? s : NULL;
}

/* A local day as "YYYY-MM-DD", or null for 0. */
static json_t *day_json(int32_t day)
{
	int y, m, d;
	char s[16];
	if (!day)
		return json_null();
	mc_civil_from_days(day, &y, &m, &d);
	snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
	return json_string(s);
}

json_t *mc_api_unit_json(const mc_unit *u, const char *parent_code)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s?, s:s?, s:s?, s:o, s:o}", "code", text(u->code),
			 "name", text(u->name), "level", text(u->level), "parent", parent_code,
			 "province_code", text(u->province_code), "office_hours",
			 text_or_null(u->office_hours), "address", text_or_null(u->address), "phone",
			 text_or_null(u->phone), "valid_from", day_json(u->valid_from), "valid_to",
			 day_json(u->valid_to));
}

void mc_api_unit_own(mc_req *r, mc_unit *u)
{
	char *strings[] = {u->code,	    u->name,	u->level, u->province_code,
			   u->office_hours, u->address, u->phone};
	for (size_t i = 0; i < MC_ARRAY_LEN(strings); i++)
		mc_req_own(r, strings[i]);
}

void mc_api_user_own(mc_req *r, mc_user *u)
{
	char *strings[] = {u->username, u->full_name, u->email, u->phone, u->id_number};
	for (size_t i = 0; i < MC_ARRAY_LEN(strings); i++)
		mc_req_own(r, strings[i]);
}

json_t *mc_api_unit_ref(const mc_time_ctx *tc, int64_t id)
{
	const mc_unit *u = id ? mc_time_ctx_unit(tc, id) : NULL;
	if (!u)
		return json_null();
	return json_pack("{s:s, s:s}", "code", text(u->code), "name", text(u->name));
}

json_t *mc_api_user_json(const mc_time_ctx *tc, const mc_user *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s?, s:s?, s:b, s:b, s:b}", "id", (json_int_t)u->id,
			 "username", text(u->username), "full_name", text(u->full_name), "role",
			 mc_role_name((mc_role)u->role), "unit", mc_api_unit_ref(tc, u->unit_id), "email",
			 text_or_null(u->email), "phone", text_or_null(u->phone), "active", u->active,
			 "must_change_password", u->must_change_password, "id_number_verified",
			 u->id_number_verified);
}

void mc_api_user_agent(char *out, size_t cap, const char *header)
{
	size_t n = 0;
	for (const char *c = header ? header : ""; *c && n + 1 < cap; c++)
		out[n++] = *c >= 0x20 && *c < 0x7f ? *c : '?';
	out[n] = '\0';
}

json_t *mc_api_procedure_json(const mc_procedure *p, bool with_parts)
{
	json_t *j =
	    json_pack("{s:s, s:s, s:s, s:s, s:i, s:f, s:i, s:s, s:b}", "code", text(p->code), "name",
		      text(p->name), "field", text(p->field), "levels", text(p->levels), "duration_hours",
		      p->duration_hours, "duration_days", p->duration_hours / 8.0, "online_level",
		      p->online_level, "status", text(p->status), "anywhere", p->anywhere);
	/* The online service in force today: a class of Nghị định 42/2022/NĐ-CP
	 * once given, else the level (core/onestop.h). */
	int32_t today = mc_local_day(mc_now());
	mc_online_kind k = mc_online_in_force(p->online_class, p->online_class_since, today);
	if (p->online_class_since) {
		json_object_set_new(j, "online_class", json_string(text(p->online_class)));
		json_object_set_new(j, "online_class_since", day_json(p->online_class_since));
	}
	json_object_set_new(j, "online_service",
			    k == MC_ONLINE_LEVEL
				? json_pack("{s:s, s:i}", "kind", "level", "level", p->online_level)
				: json_pack("{s:s, s:s}", "kind", "class", "class", mc_online_class_name(k)));
	if (p->online_duration_hours)
		json_object_set_new(j, "online_duration_hours", json_integer(p->online_duration_hours));
	if (p->cutoff_min >= 0) {
		char buf[16];
		snprintf(buf, sizeof buf, "%02d:%02d", p->cutoff_min / 60, p->cutoff_min % 60);
		json_object_set_new(j, "cutoff", json_string(buf));
	}
	if (!with_parts)
		return j;
	json_object_set_new(j, "restart_on_supplement", json_boolean(p->restart_on_supplement));
	json_object_set_new(j, "target", json_string(text(p->target)));
	json_object_set_new(j, "result", json_string(text(p->result)));
	json_object_set_new(j, "legal_basis", json_string(text(p->legal_basis)));
	json_object_set_new(j, "place", json_string(text(p->place)));
	json_t *steps = json_array();
	for (size_t i = 0; i < p->n_steps; i++)
		json_array_append_new(
		    steps, json_pack("{s:i, s:s, s:s, s:s, s:i}", "seq", p->steps[i].seq, "name",
				     text(p->steps[i].name), "role", text(p->steps[i].role), "unit_level",
				     text(p->steps[i].unit_level), "hours", p->steps[i].hours));
	json_object_set_new(j, "steps", steps);
	json_t *docs = json_array();
	for (size_t i = 0; i < p->n_docs; i++) {
		/* The form's file, where the catalogue has one: downloaded by anyone. */
		json_t *tpl = NULL;
		if (p->docs[i].template_sha256 && p->docs[i].template_sha256[0]) {
			char url[160];
			snprintf(url, sizeof url, "/api/v1/procedures/%s/documents/%d/template",
				 text(p->code), p->docs[i].seq);
			tpl = json_pack("{s:s, s:s, s:s}", "attachment", p->docs[i].template_sha256,
					"filename", text(p->docs[i].template_filename), "url", url);
		}
		json_array_append_new(
		    docs, json_pack("{s:i, s:s, s:i, s:i, s:s?, s:b, s:o*}", "seq", p->docs[i].seq, "name",
				    text(p->docs[i].name), "originals", p->docs[i].originals, "copies",
				    p->docs[i].copies, "form", text_or_null(p->docs[i].form), "required",
				    p->docs[i].required, "template", tpl));
	}
	json_object_set_new(j, "documents", docs);
	json_t *fees = json_array();
	for (size_t i = 0; i < p->n_fees; i++)
		json_array_append_new(fees, json_pack("{s:s, s:s, s:I}", "code", text(p->fees[i].code),
						      "name", text(p->fees[i].name), "amount",
						      (json_int_t)p->fees[i].amount));
	json_object_set_new(j, "fees", fees);
	json_t *pubs = json_array();
	for (size_t i = 0; i < p->n_pubs; i++) {
		int y, m, d;
		char date[16];
		mc_civil_from_days(p->pubs[i].day, &y, &m, &d);
		snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
		json_array_append_new(pubs, json_pack("{s:s, s:s, s:s}", "kind", text(p->pubs[i].kind),
						      "decision", text(p->pubs[i].decision), "date", date));
	}
	json_object_set_new(j, "publications", pubs);
	return j;
}

json_t *mc_api_timeliness(const mc_time_ctx *tc, const mc_dossier *d, int64_t now)
{
	/* Judged as the statistics judge it (core/stats.h): against the law's
	 * due time, a paused clock at the moment it stopped. */
	mc_timing t = mc_app_dossier_timing(d);

	switch (mc_stats_timeliness(&t, now)) {
	case MC_TIMELY_EARLY:
		return json_string(mc_finish_class_name(MC_FINISH_EARLY));
	case MC_TIMELY_ON_TIME:
		return json_string(mc_finish_class_name(MC_FINISH_ON_TIME));
	case MC_TIMELY_LATE:
		return json_string(mc_finish_class_name(MC_FINISH_LATE));
	case MC_TIMELY_OVERDUE:
		return json_string(mc_open_class_name(MC_OPEN_OVERDUE));
	case MC_TIMELY_WITHIN:
		/* Within time, or due soon: a working day or less left. */
		return json_string(mc_open_class_name(mc_deadline_classify_open(
		    mc_time_ctx_calendar(tc), mc_time_ctx_hours(tc, d->receiving_unit_id),
		    mc_stats_judged_at(&t, now), mc_stats_due(&t), 8 * 60)));
	case MC_TIMELY_NONE:
		break;
	}
	return json_null();
}

static const char *const rating_criteria[MC_RATE_COUNT_] = {
    [MC_RATE_TOTAL_TIME] = "total_time", [MC_RATE_AGENCY_TIME] = "agency_time",
    [MC_RATE_CONTACTS] = "contacts",	 [MC_RATE_AGENCIES] = "agencies",
    [MC_RATE_RECEPTION] = "reception",	 [MC_RATE_TRANSPARENCY] = "transparency",
    [MC_RATE_ATTITUDE] = "attitude",
};

const char *mc_api_rating_criterion(int i)
{
	return i >= 0 && i < MC_RATE_COUNT_ ? rating_criteria[i] : NULL;
}

json_t *mc_api_rating_json(const mc_rating *rt)
{
	json_t *criteria = json_object();
	for (int i = 0; i < MC_RATE_COUNT_; i++)
		json_object_set_new(criteria, rating_criteria[i], json_integer(rt->criteria[i]));
	return json_pack("{s:o, s:s, s:s?, s:o}", "criteria", criteria, "overall", rt->overall, "comment",
			 rt->comment && rt->comment[0] ? rt->comment : NULL, "at", mc_api_time(rt->at));
}

/* Whether a supplement request is offered: a first one to the dossier's
 * officers, a further one to a leader only (app/dossier.c). An action's reply
 * has no history at hand (ev NULL), so it is read here when it decides. */
static bool supplement_listed(mc_req *r, const mc_actor *actor, const mc_dossier *d, bool fresh,
			      const mc_event *ev, size_t n_ev)
{
	if (fresh || mc_app_supplement_again_ok(actor, 1))
		return true;
	if (ev)
		return mc_app_supplement_again_ok(actor, mc_app_supplements_asked(ev, n_ev));
	mc_event *own = NULL;
	size_t n = 0;
	if (mc_store_event_list(mc_req_store(r), &own, &n, d->id) != 0)
		return true; /* the action itself still refuses */
	bool ok = mc_app_supplement_again_ok(actor, mc_app_supplements_asked(own, n));
	mc_event_free_list(own, n);
	return ok;
}

/* What only the detail of a dossier shows: the actions the caller may take
 * now, its rating, and whether the caller may rate it. fresh: a dossier
 * filed by this request, which has neither rating nor payment to read. */
static void detail_extras(mc_req *r, json_t *j, const mc_dossier *d, bool fresh, const mc_event *ev,
			  size_t n_ev)
{
	mc_actor actor;
	mc_req_actor(r, &actor);
	json_t *actions = json_array();
	int64_t now = mc_now();
	/* Seen through the heir's reads (mc_api_in_scope_or_heir), an
	 * officer takes only what mc_app_dossier_may gives the heir: the
	 * desk-side actions of an ended receiving unit's desk, as POST
	 * .../actions answers. */
	for (int a = MC_ACT_RECEIVE; a <= MC_ACT_STOP; a++) {
		if (!actor.role || mc_app_dossier_may(mc_req_time(r), &actor, d, (mc_action)a) != MC_MAY)
			continue;
		/* What the action itself would refuse (app/dossier.c), known here
		 * from the dossier and its history when the detail shows them. */
		if (a == MC_ACT_REFUSE && mc_app_refuse_past_due(d, now))
			continue;
		if (a == MC_ACT_REQUEST_SUPPLEMENT && !supplement_listed(r, &actor, d, fresh, ev, n_ev))
			continue;
		json_array_append_new(actions, json_string(mc_action_name((mc_action)a)));
	}
	json_object_set_new(j, "actions", actions);
	mc_rating rt = {0};
	int rc = fresh ? MC_ENOTFOUND : mc_store_rating_get(mc_req_store(r), &rt, d->id);
	if (rc == 0)
		json_object_set_new(j, "rating", mc_api_rating_json(&rt));
	mc_rating_clear(&rt);
	bool owner = actor.role == MC_ROLE_CITIZEN && d->owner_id != 0 && d->owner_id == actor.user_id;
	json_object_set_new(j, "can_rate",
			    json_boolean(owner && d->state == MC_ST_RETURNED && rc == MC_ENOTFOUND));
	/* The fee: the latest payment, and what is still owed while the dossier waits for it. */
	mc_payment pay = {0};
	bool has_payment = !fresh && mc_store_payment_latest(mc_req_store(r), &pay, d->id) == 0;
	json_object_set_new(j, "payment", has_payment ? mc_api_payment_json(&pay) : json_null());
	bool owed = has_payment && d->state == MC_ST_AWAITING_PAYMENT &&
		    (strcmp(pay.state, "pending") == 0 || strcmp(pay.state, "failed") == 0);
	json_object_set_new(j, "amount_owed", owed ? json_integer(pay.amount) : json_null());
	mc_payment_clear(&pay);
}

/* proc_name: the procedure's name when the caller has it (fresh: a dossier
 * just filed), else read. */
static json_t *dossier_json(mc_req *r, const mc_dossier *d, bool with_docs, const mc_event *ev, size_t n_ev,
			    const char *known_name, bool fresh)
{
	mc_store *st = mc_req_store(r);
	mc_procedure p = {0};
	const char *proc_name = known_name;
	if (!proc_name && mc_store_procedure_get_id(st, &p, d->procedure_id, false) == 0)
		proc_name = p.name;
	json_t *j = json_pack(
	    "{s:s, s:{s:s, s:s?}, s:s, s:i, s:s, s:o, s:o, s:{s:s, s:s?, s:s?, s:s?, s:s?}, s:i, s:I, s:o, "
	    "s:o, "
	    "s:o, s:o, s:o, s:o, s:o, s:i}",
	    "code", d->code, "procedure", "code", d->procedure_code, "name", proc_name, "state",
	    mc_state_name((mc_state)d->state), "national_status", d->state, "channel",
	    mc_channel_name((mc_channel)d->channel), "receiving_unit",
	    mc_api_unit_ref(mc_req_time(r), d->receiving_unit_id), "current_unit",
	    mc_api_unit_ref(mc_req_time(r), d->current_unit_id), "applicant", "name", d->applicant_name,
	    "id_number", d->applicant_id_number[0] ? d->applicant_id_number : NULL, "phone",
	    d->applicant_phone[0] ? d->applicant_phone : NULL, "email",
	    d->applicant_email[0] ? d->applicant_email : NULL, "address",
	    d->applicant_address[0] ? d->applicant_address : NULL, "duration_hours", d->duration_hours,
	    "version", (json_int_t)d->version, "submitted_at", mc_api_time(d->submitted_at), "received_at",
	    mc_api_time(d->received_at), "due_at", mc_api_time(d->due_at), "paused_at",
	    mc_api_time(d->paused_at), "finished_at", mc_api_time(d->finished_at), "returned_at",
	    mc_api_time(d->returned_at), "timeliness", mc_api_timeliness(mc_req_time(r), d, mc_now()), "step",
	    d->step);
	mc_procedure_clear(&p);
	if (d->statutory_due_at)
		json_object_set_new(j, "statutory_due_at", mc_api_time(d->statutory_due_at));
	/* How late, in working time (the receiving unit's office hours and the
	 * calendar): an open dossier until now (or its pause), a finished one
	 * until its result. The page says "quá hạn 3 ngày 2 giờ làm việc". */
	mc_timing tm = mc_app_dossier_timing(d);
	int64_t now = mc_now();
	mc_timeliness tl = mc_stats_timeliness(&tm, now);
	if (tl == MC_TIMELY_OVERDUE || tl == MC_TIMELY_LATE) {
		const mc_time_ctx *tc = mc_req_time(r);
		int64_t until = tl == MC_TIMELY_LATE ? d->finished_at : mc_stats_judged_at(&tm, now);
		int64_t minutes =
		    mc_deadline_worked(mc_time_ctx_calendar(tc), mc_time_ctx_hours(tc, d->receiving_unit_id),
				       mc_stats_due(&tm), until);
		json_object_set_new(j, "overdue_minutes", json_integer(minutes));
	}
	/* An online submission the desk has left more than a working day
	 * (app/dossier.h): the desk's list marks it. */
	if (d->state == MC_ST_SUBMITTED)
		json_object_set_new(j, "reception_overdue",
				    json_boolean(mc_app_reception_overdue(
					mc_req_time(r), d->receiving_unit_id, d->submitted_at, now)));
	if (d->handler_id)
		json_object_set_new(j, "handler_id", json_integer(d->handler_id));
	/* Received at another centre, regardless of administrative boundary. */
	if (d->reception_unit_id)
		json_object_set_new(j, "reception_unit",
				    mc_api_unit_ref(mc_req_time(r), d->reception_unit_id));
	/* The centre the applicant chose to collect the result at. */
	if (d->return_unit_id)
		json_object_set_new(j, "return_unit", mc_api_unit_ref(mc_req_time(r), d->return_unit_id));
	if (d->outcome)
		json_object_set_new(j, "outcome", json_string(d->outcome == 1 ? "approved" : "refused"));
	if (d->note[0])
		json_object_set_new(j, "note", json_string(d->note));
	if (with_docs) {
		json_t *docs = json_array();
		for (size_t i = 0; i < d->n_docs; i++) {
			const mc_dossier_doc *doc = &d->docs[i];
			json_t *dj = json_pack("{s:i, s:s, s:i, s:i, s:s}", "seq", doc->seq, "name",
					       doc->name, "originals", doc->originals, "copies", doc->copies,
					       "kind", doc->kind[0] ? doc->kind : "input");
			if (doc->sha256[0]) {
				json_object_set_new(dj, "attachment",
						    json_pack("{s:s, s:s, s:s, s:I}", "sha256", doc->sha256,
							      "filename", doc->filename, "mime", doc->mime,
							      "size", (json_int_t)doc->size));
			}
			json_array_append_new(docs, dj);
		}
		json_object_set_new(j, "documents", docs);
		detail_extras(r, j, d, fresh, ev, n_ev);
	}
	if (ev) {
		json_t *events = json_array();
		for (size_t i = 0; i < n_ev; i++) {
			json_t *e =
			    json_pack("{s:o, s:s, s:s?, s:s, s:o, s:s?, s:s?}", "at", mc_api_time(ev[i].at),
				      "action", ev[i].action, "from",
				      ev[i].from_state ? mc_state_name((mc_state)ev[i].from_state) : NULL,
				      "to", mc_state_name((mc_state)ev[i].to_state), "unit",
				      mc_api_unit_ref(mc_req_time(r), ev[i].unit_id), "actor",
				      ev[i].actor_name[0] ? ev[i].actor_name : NULL, "note",
				      ev[i].note[0] ? ev[i].note : NULL);
			json_array_append_new(events, e);
		}
		json_object_set_new(j, "events", events);
	}
	return j;
}

json_t *mc_api_dossier_json(mc_req *r, const mc_dossier *d, bool with_docs, const mc_event *ev, size_t n_ev)
{
	return dossier_json(r, d, with_docs, ev, n_ev, NULL, false);
}

json_t *mc_api_dossier_json_created(mc_req *r, const mc_dossier *d, const char *procedure_name)
{
	return dossier_json(r, d, true, NULL, 0, procedure_name, true);
}

int mc_api_query_int_or_reply(mc_req *r, const char *name, int64_t *out, int64_t min, int64_t max)
{
	const char *v = mc_req_query(r, name);
	if (!v)
		return 0;
	char *end = NULL;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (errno || end == v || *end || x < min || x > max) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, name, "range",
				       "%s must be an integer between %lld and %lld", name, (long long)min,
				       (long long)max);
		return -1;
	}
	*out = x;
	return 0;
}

int mc_api_events_page_or_reply(mc_req *r, int64_t *before, int *limit)
{
	int64_t n = MC_LIMIT_EVENTS_PAGE;
	*before = 0;
	if (mc_api_query_int_or_reply(r, "before", before, 1, INT64_MAX) != 0 ||
	    mc_api_query_int_or_reply(r, "limit", &n, 1, MC_LIMIT_EVENTS_PAGE_MAX) != 0)
		return -1;
	*limit = (int)n;
	return 0;
}

int64_t mc_api_if_match_version(mc_req *r)
{
	const char *h = mc_req_header(r, "If-Match");
	if (!h || strcmp(h, "*") == 0)
		return 0;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (*h == '"')
		h++;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(h, &end, 10);
	if (errno || end == h || v <= 0 || (*end && !(*end == '"' && end[1] == '\0')))
		return -1;
	return v;
}
