/*
 * /api/v1/dossiers/{code}/rating and /api/v1/ratings - the applicant's
 * satisfaction with a returned dossier (khảo sát mức độ hài lòng), and the
 * satisfaction index of a unit's subtree over a period.
 */
#include "api/api.h"

#include "core/limits.h"

#include <string.h>

static const char *const overall_values[] = {"very_satisfied", "satisfied", "not_satisfied"};

typedef struct {
	mc_rating rating; /* its strings are the request's: the store only reads them */
} rating_job;

static int rate_write(mc_store *st, void *payload)
{
	rating_job *j = payload;
	j->rating.at = mc_now();
	return mc_store_rating_put(st, &j->rating);
}

static void rate_after(mc_req *r, int rc, void *payload)
{
	rating_job *j = payload;
	if (rc == MC_ECONFLICT) {
		mc_reply_problem(r, MC_PROB_DUPLICATE,
				 "this dossier has been rated already; a rating is given once");
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the rating");
		return;
	}
	mc_reply_json(r, 201, mc_api_rating_json(&j->rating));
}

void mc_api_dossier_rate(mc_req *r)
{
	rating_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	json_t *criteria = NULL;
	const char *overall = NULL, *comment = NULL;
	mc_field spec[] = {
	    {"criteria", MC_F_OBJECT, true, 0, 0, &criteria, 0},
	    {"overall", MC_F_STRING, true, 1, 15, &overall, 0},
	    {"comment", MC_F_TEXT, false, 1, MC_LIMIT_RATING_COMMENT, &comment, 0},
	};
	/* Whose dossier first: another's (or none) is 404 whatever the body. */
	mc_dossier d = {0};
	int rc = mc_store_dossier_get(mc_req_store(r), &d, mc_req_param(r, 0), false);
	const mc_user *me = mc_req_user(r);
	if (rc == 0 && (d.owner_id == 0 || d.owner_id != me->id))
		rc = MC_ENOTFOUND; /* not yours looks like nothing */
	int state = d.state;
	j->rating.dossier_id = d.id;
	j->rating.unit_id = d.receiving_unit_id;
	mc_dossier_clear(&d);
	if (rc != 0) {
		mc_reply_error(r, rc, "the dossier");
		return;
	}
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	int64_t scores[MC_RATE_COUNT_] = {0};
	mc_field each[MC_RATE_COUNT_];
	for (int i = 0; i < MC_RATE_COUNT_; i++)
		each[i] = (mc_field){mc_api_rating_criterion(i), MC_F_INT, true, 0, 2, &scores[i], 0};
	if (mc_fields_or_reply(r, criteria, "criteria.", each, MC_ARRAY_LEN(each)) != 0)
		return;
	/* A criterion not in the survey is a mistake the client should hear of. */
	const char *key;
	json_t *value;
	json_object_foreach(criteria, key, value)
	{
		bool known = false;
		for (int i = 0; i < MC_RATE_COUNT_ && !known; i++)
			known = strcmp(key, mc_api_rating_criterion(i)) == 0;
		if (!known) {
			mc_reply_problem(
			    r, MC_PROB_INVALID_FIELD,
			    "criteria.%.40s is not a criterion; they are total_time, agency_time, contacts, "
			    "agencies, reception, transparency, attitude",
			    key);
			return;
		}
	}
	bool valid = false;
	for (size_t i = 0; i < MC_ARRAY_LEN(overall_values) && !valid; i++)
		valid = strcmp(overall, overall_values[i]) == 0;
	if (!valid) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD,
				 "overall must be very_satisfied, satisfied or not_satisfied");
		return;
	}
	if (state != MC_ST_RETURNED) {
		mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION,
				 "a dossier is rated once its result has been returned; this one is %s",
				 mc_state_name((mc_state)state));
		return;
	}
	for (int i = 0; i < MC_RATE_COUNT_; i++)
		j->rating.criteria[i] = (int)scores[i];
	/* The request owns these until its reply. */
	j->rating.overall = (char *)overall;
	j->rating.comment = (char *)(comment ? comment : "");
	mc_req_write(r, rate_write, rate_after, j);
}

/* A local calendar day "YYYY-MM-DD" of a query parameter as the UTC second it
 * starts at; 0 when absent. Replies 400 and returns -1 on a bad one. */
static int query_day_or_reply(mc_req *r, const char *name, int64_t *out)
{
	const char *v = mc_req_query(r, name);
	*out = 0;
	if (!v)
		return 0;
	int64_t t = 0;
	if (strlen(v) != 10 || mc_time_parse(&t, v) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "%s must be a date YYYY-MM-DD", name);
		return -1;
	}
	*out = t;
	return 0;
}

void mc_api_ratings_summary(mc_req *r)
{
	const mc_user *me = mc_req_user(r);
	int64_t from = 0, to = 0;
	if (query_day_or_reply(r, "from", &from) != 0 || query_day_or_reply(r, "to", &to) != 0)
		return;
	if (to)
		to += 86400; /* the day `to` is included */
	if (from && to && from >= to) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "from must not be after to");
		return;
	}
	int64_t unit_id = me->unit_id;
	const char *unit = mc_req_query(r, "unit");
	if (unit) {
		mc_unit u;
		int rc = mc_store_unit_by_code(mc_req_store(r), &u, unit);
		if (rc == MC_ENOTFOUND) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY, "no unit has code %.40s", unit);
			return;
		}
		if (rc != 0) {
			mc_reply_error(r, rc, "the unit");
			return;
		}
		unit_id = u.id;
		mc_unit_clear(&u);
	}
	if (!mc_api_in_scope(r, unit_id)) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the unit is outside your unit's scope");
		return;
	}
	mc_rating_summary sum;
	int rc = mc_store_rating_summary(mc_req_store(r), &sum, unit_id, from, to);
	if (rc != 0) {
		mc_reply_error(r, rc, "the rating summary");
		return;
	}
	json_t *criteria = json_object();
	for (int i = 0; i < MC_RATE_COUNT_; i++)
		json_object_set_new(criteria, mc_api_rating_criterion(i),
				    sum.count ? json_real(sum.criteria[i]) : json_null());
	json_t *index = json_null();
	if (sum.count)
		index = json_real((double)(sum.very_satisfied + sum.satisfied) * 100.0 / (double)sum.count);
	json_t *j = json_pack("{s:o, s:s?, s:s?, s:I, s:o, s:{s:I, s:I, s:I}, s:o}", "unit",
			      mc_api_unit_ref(mc_req_time(r), unit_id), "from", mc_req_query(r, "from"), "to",
			      mc_req_query(r, "to"), "count", (json_int_t)sum.count, "criteria", criteria,
			      "overall", "very_satisfied", (json_int_t)sum.very_satisfied, "satisfied",
			      (json_int_t)sum.satisfied, "not_satisfied", (json_int_t)sum.not_satisfied,
			      "satisfaction_index", index);
	mc_reply_json(r, 200, j);
}
