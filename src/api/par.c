/*
 * /api/v1/par/... and /api/v1/public/par - the administrative-reform index
 * (chỉ số cải cách hành chính) and the yearly rating of units
 * (docs/par-index.md; the cycle in app/par.h, the rules in core/par_index.h).
 *
 * Who sees what: a unit's officers see their own unit's sheet and result;
 * the appraisal council and the province's administrator see every unit;
 * anyone sees the results once published.
 */
#include "api/api.h"
#include "api/par_export.h"

#include "app/par.h"
#include "core/limits.h"
#include "core/text.h"
#include "core/xlsx_read.h"
#include "render/form.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shapes ------------------------------------------------------------ */

/* A figure in hundredths as a JSON number (68.32). */
static json_t *cp_json(int32_t cp)
{
	return json_real((double)cp / 100.0);
}

static json_t *cp_text(int32_t cp)
{
	char b[24];
	return json_string(mc_par_fmt(b, sizeof b, cp));
}

static json_t *framework_json(const mc_par_framework *f)
{
	return json_pack("{s:I, s:i, s:s, s:s, s:s, s:I, s:o, s:s, s:o}", "id", (json_int_t)f->id, "year",
			 f->year, "group", mc_par_group_name(f->group), "group_label",
			 mc_par_group_label(f->group), "state",
			 f->state == MC_PAR_PUBLISHED ? "published" : "open", "version",
			 (json_int_t)f->version, "deadline", mc_api_time(f->deadline), "decision",
			 f->decision, "published_at", mc_api_time(f->published_at));
}

static json_t *criterion_json(const mc_par_criterion *c)
{
	json_t *j = json_pack("{s:s, s:s?, s:s, s:o, s:s, s:o}", "code", c->code, "parent",
			      c->parent[0] ? c->parent : NULL, "name", c->name, "max", cp_json(c->max_cp),
			      "max_text", c->max_cp ? mc_par_fmt((char[24]){0}, 24, c->max_cp) : "0",
			      "method", c->method ? json_string(mc_par_method_name(c->method)) : json_null());
	if (c->formula[0])
		json_object_set_new(j, "formula", json_string(c->formula));
	return j;
}

static json_t *score_json(const mc_par_score *s)
{
	json_t *ev = json_array();
	const char *p = s->evidence;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		json_array_append_new(ev, json_stringn(p, len));
		p = comma ? comma + 1 : p + len;
	}
	json_t *j = json_pack("{s:s, s:b, s:o, s:s, s:o, s:o, s:s, s:o, s:I, s:o}", "code", s->code,
			      "not_applicable", s->not_applicable, "self",
			      s->has_self ? cp_json(s->self_cp) : json_null(), "note", s->note, "evidence",
			      ev, "council", s->has_council ? cp_json(s->council_cp) : json_null(), "reason",
			      s->reason, "value", s->has_value ? cp_json(s->value_cp) : json_null(),
			      "version", (json_int_t)s->version, "updated_at", mc_api_time(s->updated_at));
	if (s->figures[0]) {
		json_t *fig = json_loads(s->figures, 0, NULL);
		if (fig)
			json_object_set_new(j, "figures", fig);
	}
	return j;
}

/* for_public: the public page's row (docs/par-index.md §6) leaves out what
 * only officers read: whether the unit submitted, and the decision's reason,
 * free text that may name people in a disciplinary case. */
static json_t *result_unit_json(const mc_par_result *res, size_t i, bool with_areas, bool for_public)
{
	const mc_par_result_unit *u = &res->results[i];
	char pct[24];
	json_t *j = json_pack(
	    "{s:s, s:s, s:s, s:o, s:o, s:o, s:s?, s:o, s:o, s:s?, s:s?, s:s?, s:b, s:o}", "code",
	    u->unit_code, "name", u->unit_name, "group", mc_par_group_name(res->framework.group), "points",
	    cp_json(u->points_cp), "max_points", cp_json(u->max_cp), "index",
	    u->index >= 0 ? cp_json(u->index) : json_null(), "index_text",
	    u->index >= 0 ? mc_par_fmt_percent(pct, sizeof pct, u->index) : NULL, "points_text",
	    cp_text(u->points_cp), "rank", u->rank ? json_integer(u->rank) : json_null(), "proposed",
	    mc_par_grade_name(u->proposed), "rating", mc_par_grade_name(u->grade), "rating_label",
	    u->grade ? mc_par_grade_label(u->grade) : NULL, "submitted", u->submitted, "decision_reason",
	    res->units[i].decided ? json_string(res->units[i].reason) : json_null());
	if (for_public) {
		json_object_del(j, "submitted");
		json_object_del(j, "decision_reason");
	}
	if (with_areas) {
		json_t *areas = json_array();
		for (size_t k = 0; k < res->n_criteria; k++) {
			if (res->criteria[k].parent[0])
				continue;
			json_array_append_new(
			    areas, json_pack("{s:s, s:s, s:o, s:o}", "code", res->criteria[k].code, "name",
					     res->criteria[k].name, "points", cp_json(u->nodes[k].points_cp),
					     "max_points", cp_json(u->nodes[k].applicable_cp)));
		}
		json_object_set_new(j, "areas", areas);
	}
	return j;
}

/* ---- who may see and do ------------------------------------------------ */

static bool is_council(mc_req *r)
{
	mc_actor a;
	bool member = false;
	mc_req_actor(r, &a);
	if (mc_app_par_is_council(mc_req_store(r), &member, &a) != 0)
		return false;
	return member;
}

/* The council and the province's administrator see every unit. */
static bool sees_all(mc_req *r)
{
	return mc_api_is_root_admin(r) || is_council(r);
}

static int framework_or_reply(mc_req *r, mc_par_framework *out)
{
	char *end = NULL;
	const char *p = mc_req_param(r, 0);
	errno = 0;
	long long id = strtoll(p, &end, 10);
	memset(out, 0, sizeof *out);
	if (errno || end == p || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no framework has id %.20s", p);
		return -1;
	}
	int rc = mc_store_par_framework_get(mc_req_store(r), out, id);
	if (rc == MC_ENOTFOUND) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no framework has id %lld", id);
		return -1;
	}
	if (rc) {
		mc_reply_error(r, rc, "the framework");
		return -1;
	}
	return 0;
}

static int unit_or_reply(mc_req *r, int64_t *out, const char *code)
{
	mc_unit u;
	int rc = mc_store_unit_by_code(mc_req_store(r), &u, code);
	*out = 0;
	if (rc == MC_ENOTFOUND) {
		mc_reply_problem(r, MC_PROB_UNKNOWN_UNIT, "no unit has code %.40s", code);
		return -1;
	}
	if (rc) {
		mc_reply_error(r, rc, "the unit");
		return -1;
	}
	*out = u.id;
	mc_unit_clear(&u);
	return 0;
}

/* A unit's officers see their own unit; the council and the province all. */
static int unit_visible_or_reply(mc_req *r, int64_t unit_id)
{
	const mc_user *me = mc_req_user(r);
	if (me->unit_id == unit_id || sees_all(r))
		return 0;
	mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE,
			 "a unit's index is seen by its own officers and the council");
	return -1;
}

static void etag(mc_req *r, int64_t version)
{
	char b[32];
	snprintf(b, sizeof b, "\"%lld\"", (long long)version);
	mc_reply_header(r, "ETag", b);
}

/* Points of a request: a number with at most two decimals (18.5) or such a
 * text ("18,5"); *has false for null. Replies 422 and returns -1 else. */
static int points_or_reply(mc_req *r, bool *has, int32_t *out, json_t *v, const char *field)
{
	*has = false;
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_number(v)) {
		double d = json_number_value(v) * 100.0;
		double rd = round(d);
		if (fabs(d - rd) < 1e-6 && rd >= -1e7 && rd <= 1e7) {
			*has = true;
			*out = (int32_t)rd;
			return 0;
		}
	} else if (json_is_string(v) && mc_par_parse(out, json_string_value(v)) == 0) {
		*has = true;
		return 0;
	}
	mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, field, "format",
			       "%s must be points with at most two decimals (18.5 or \"18,5\")", field);
	return -1;
}

/* ---- frameworks -------------------------------------------------------- */

void mc_api_par_frameworks_list(mc_req *r)
{
	int64_t year = 0;
	mc_par_framework *list = NULL;
	size_t n = 0;
	if (mc_api_query_int_or_reply(r, "year", &year, 2000, 2200) != 0)
		return;
	int rc = mc_store_par_framework_list(mc_req_store(r), &list, &n, (int)year);
	if (rc) {
		mc_reply_error(r, rc, "the frameworks");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, framework_json(&list[i]));
	mc_par_framework_free_list(list, n);
	mc_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

typedef struct {
	mc_par_framework f;
	mc_par_criterion *crit;
	size_t n_crit;
	int64_t *units;
	size_t n_units;
	int64_t copy_from;
	bool all_units; /* a workbook's import: every unit of the group */
	mc_err err;
} create_job;

static int create_write(mc_store *st, void *payload)
{
	create_job *j = payload;
	int rc = 0;
	j->f.created_at = mc_now();
	if (j->copy_from)
		rc = mc_app_par_framework_copy(st, &j->f.id, j->copy_from, j->f.year, j->f.deadline,
					       j->f.created_at);
	else if (j->all_units) {
		int64_t *ids = NULL;
		size_t n = 0;
		rc = mc_app_par_group_units(st, &ids, &n, j->f.group, j->f.year);
		if (rc == 0)
			rc = mc_app_par_framework_create(st, &j->f, j->crit, j->n_crit, ids, n);
		free(ids);
	} else
		rc = mc_app_par_framework_create(st, &j->f, j->crit, j->n_crit, j->units, j->n_units);
	mc_err_take(&j->err, rc);
	return rc;
}

static void create_after(mc_req *r, int rc, void *payload)
{
	create_job *j = payload;
	const mc_err *e = mc_err_for(&j->err, rc);
	if (rc) {
		mc_reply_err(r, e, "the framework");
		return;
	}
	char location[64];
	snprintf(location, sizeof location, "/api/v1/par/frameworks/%lld", (long long)j->f.id);
	mc_reply_header(r, "Location", location);
	mc_reply_json(r, 201, json_pack("{s:I, s:i}", "id", (json_int_t)j->f.id, "year", j->f.year));
}

static int deadline_or_reply(mc_req *r, int64_t *out, const char *v)
{
	*out = 0;
	if (!v)
		return 0;
	if (mc_time_parse(out, v) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "deadline", "format",
				       "deadline must be a date or time (YYYY-MM-DD[THH:MM])");
		return -1;
	}
	if (strlen(v) == 10)
		*out += MC_DAY_SECONDS - 1; /* a day: to its end */
	return 0;
}

void mc_api_par_framework_create(mc_req *r)
{
	create_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	int64_t year = 0;
	const char *group = NULL, *deadline = NULL;
	json_t *criteria = NULL, *units = NULL;
	mc_field spec[] = {
	    {"year", MC_F_INT, true, 2000, 2200, &year, 0},
	    {"group", MC_F_STRING, true, 1, 15, &group, 0},
	    {"deadline", MC_F_STRING, false, 1, 25, &deadline, 0},
	    {"criteria", MC_F_ARRAY, true, 0, MC_PAR_NODES_MAX, &criteria, 0},
	    {"units", MC_F_ARRAY, true, 0, 2000, &units, 0},
	};
	if (mc_api_root_admin_or_reply(r, "define the reform index's frameworks") != 0)
		return;
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	j->f.year = (int)year;
	j->f.group = mc_par_group_parse(group);
	if (!j->f.group) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "group", "choice",
				       "group must be department, district, commune or service");
		return;
	}
	if (deadline_or_reply(r, &j->f.deadline, deadline) != 0)
		return;
	j->n_crit = json_array_size(criteria);
	j->crit = mc_req_own(r, mc_xcalloc(j->n_crit ? j->n_crit : 1, sizeof *j->crit));
	for (size_t i = 0; i < j->n_crit; i++) {
		char where[32], field[48];
		const char *code = NULL, *parent = NULL, *name = NULL, *method = NULL, *formula = NULL;
		mc_field each[] = {
		    {"code", MC_F_STRING, true, 1, MC_LIMIT_PAR_CODE, &code, 0},
		    {"parent", MC_F_STRING, false, 1, MC_LIMIT_PAR_CODE, &parent, 0},
		    {"name", MC_F_TEXT, true, 1, MC_LIMIT_PAR_NAME, &name, 0},
		    {"method", MC_F_STRING, false, 1, 15, &method, 0},
		    {"formula", MC_F_STRING, false, 1, 63, &formula, 0},
		};
		json_t *item = json_array_get(criteria, i);
		snprintf(where, sizeof where, "criteria[%zu].", i);
		if (!json_is_object(item)) {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "criteria", "type",
					       "criteria[%zu] must be an object", i);
			return;
		}
		if (mc_fields_or_reply(r, item, where, each, MC_ARRAY_LEN(each)) != 0)
			return;
		bool has = false;
		snprintf(field, sizeof field, "criteria[%zu].max", i);
		if (points_or_reply(r, &has, &j->crit[i].max_cp, json_object_get(item, "max"), field) != 0)
			return;
		if (!has) {
			mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, field, "required", "%s is required",
					       field);
			return;
		}
		j->crit[i].code = (char *)code;
		j->crit[i].parent = (char *)(parent ? parent : "");
		j->crit[i].name = (char *)name;
		j->crit[i].formula = (char *)(formula ? formula : "");
		j->crit[i].method = method ? mc_par_method_parse(method) : 0;
		if (method && !j->crit[i].method) {
			snprintf(field, sizeof field, "criteria[%zu].method", i);
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, field, "choice",
					       "%s must be self, appraised, survey or computed", field);
			return;
		}
	}
	j->n_units = json_array_size(units);
	j->units = mc_req_own(r, mc_xcalloc(j->n_units ? j->n_units : 1, sizeof *j->units));
	for (size_t i = 0; i < j->n_units; i++) {
		json_t *u = json_array_get(units, i);
		if (!json_is_string(u) || json_string_length(u) > MC_LIMIT_UNIT_CODE) {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "units", "type",
					       "units[%zu] must be a unit code", i);
			return;
		}
		if (unit_or_reply(r, &j->units[i], json_string_value(u)) != 0)
			return;
		for (size_t k = 0; k < i; k++) {
			if (j->units[k] == j->units[i]) {
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "units", "same",
						       "units[%zu] is named twice", i);
				return;
			}
		}
	}
	mc_req_write(r, create_write, create_after, j);
}

/* ---- imports from workbooks (core/xlsx_read.h; docs/par-index.md) ----- */

static bool body_is_workbook(mc_req *r)
{
	size_t len = 0;
	const unsigned char *raw = mc_req_raw(r, &len);
	return len >= 4 && memcmp(raw, "PK\x03\x04", 4) == 0;
}

/* The request's workbook into *g; else replies 413 (over a cap: the file,
 * a member's inflated size, the entries) or 422 naming what is wrong. */
static int workbook_or_reply(mc_req *r, mc_xlsx_grid *g)
{
	size_t len = 0;
	const unsigned char *raw = mc_req_raw(r, &len);
	char why[256];
	int rc = mc_xlsx_read(g, raw, len, why, sizeof why);
	if (rc == 0)
		return 0;
	mc_xlsx_grid_clear(g);
	mc_reply_problem(r, rc == MC_ETOOBIG ? MC_PROB_BODY_TOO_LARGE : MC_PROB_INVALID_FIELD,
			 "the workbook: %s", why[0] ? why : "it cannot be read");
	return -1;
}

/* A cell's text without blanks at its ends, owned by the request; NULL when
 * empty. */
static const char *cell_text(mc_req *r, const mc_xlsx_grid *g, size_t row, size_t col)
{
	const char *s = mc_xlsx_cell(g, row, col);
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return NULL;
	char *out = mc_req_own(r, mc_xmalloc(n + 1));
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* Points in a cell: "18,5" or "18.5" typed as text, or a number as the
 * workbook stores it, which may carry binary noise ("4.4999999999999996"
 * for 4,5): taken when it is within a millionth of a point of two
 * decimals. */
static int cell_points(int32_t *out, const char *s)
{
	if (mc_par_parse(out, s) == 0)
		return 0;
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || fabs(v) >= 1e7)
		return MC_EINVAL;
	double cp = v * 100.0;
	if (fabs(cp - round(cp)) > 1e-4)
		return MC_EINVAL;
	*out = (int32_t)llround(cp);
	return 0;
}

static bool row_blank(const mc_xlsx_grid *g, size_t row)
{
	for (size_t c = 0; c < g->cols; c++) {
		const char *s = mc_xlsx_cell(g, row, c);
		if (s && s[strspn(s, " \t\r\n")])
			return false;
	}
	return true;
}

/*
 * A framework from the workbook provinces circulate (docs/par-index.md §1):
 * the first sheet, a header row, then one criterion a row: A code, B name,
 * C maximum points, and optionally D method and E formula. A criterion's
 * parent is its code without its last part ("1.2" under "1"); a leaf
 * without a method is self-assessed; a leaf with a formula and no method is
 * computed. The framework rates every unit of the group in force in the
 * year (?year=&group=&deadline=).
 */
void mc_api_par_framework_import(mc_req *r)
{
	create_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	int64_t year = 0;
	const char *group = mc_req_query(r, "group"), *deadline = mc_req_query(r, "deadline");
	mc_xlsx_grid g = {0};

	if (mc_api_root_admin_or_reply(r, "define the reform index's frameworks") != 0)
		return;
	if (mc_api_query_int_or_reply(r, "year", &year, 2000, 2200) != 0)
		return;
	if (!year) {
		mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, "year", "required", "year is required");
		return;
	}
	j->f.year = (int)year;
	j->f.group = mc_par_group_parse(group);
	if (!j->f.group) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "group", "choice",
				       "group must be department, district, commune or service");
		return;
	}
	if (deadline_or_reply(r, &j->f.deadline, deadline) != 0)
		return;
	if (!body_is_workbook(r)) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD,
				 "the workbook: the file is not a workbook (.xlsx): it is not a zip file");
		return;
	}
	if (workbook_or_reply(r, &g) != 0)
		return;
	if (g.rows > MC_PAR_NODES_MAX + 1) {
		mc_xlsx_grid_clear(&g);
		mc_reply_problem(r, MC_PROB_INVALID_FIELD,
				 "the workbook: a framework holds at most %d criteria", MC_PAR_NODES_MAX);
		return;
	}
	j->crit = mc_req_own(r, mc_xcalloc(g.rows ? g.rows : 1, sizeof *j->crit));
	char problem[300] = "";
	for (size_t i = 1; i < g.rows && !problem[0]; i++) {
		if (row_blank(&g, i))
			continue;
		const char *code = cell_text(r, &g, i, 0), *name = cell_text(r, &g, i, 1),
			   *max = cell_text(r, &g, i, 2), *method = cell_text(r, &g, i, 3),
			   *formula = cell_text(r, &g, i, 4);
		mc_par_criterion *c = &j->crit[j->n_crit];
		char *clean = NULL;
		int32_t max_cp = 0;
		if (!code || strlen(code) > MC_LIMIT_PAR_CODE)
			snprintf(problem, sizeof problem,
				 "row %zu: column A is the criterion's code (1 to %d characters)", i + 1,
				 MC_LIMIT_PAR_CODE);
		else if (!name ||
			 mc_text_clean(&clean, name, strlen(name), MC_LIMIT_PAR_NAME, MC_TEXT_LINE) != 0)
			snprintf(problem, sizeof problem,
				 "row %zu: column B is the criterion's name (one line of 1 to %d characters)",
				 i + 1, MC_LIMIT_PAR_NAME);
		else if (!max || cell_points(&max_cp, max) != 0)
			snprintf(
			    problem, sizeof problem,
			    "row %zu: column C is the maximum points (a number with at most two decimals)",
			    i + 1);
		else if (method && !mc_par_method_parse(method))
			snprintf(problem, sizeof problem,
				 "row %zu: column D, the method, must be self, appraised, survey or computed",
				 i + 1);
		else if (formula && strlen(formula) > 63)
			snprintf(problem, sizeof problem, "row %zu: column E, the formula, is not one",
				 i + 1);
		if (problem[0]) {
			free(clean);
			break;
		}
		c->code = (char *)code;
		c->name = mc_req_own(r, clean);
		c->max_cp = max_cp;
		c->method = method ? mc_par_method_parse(method) : formula ? MC_PAR_COMPUTED : 0;
		c->formula = (char *)(formula ? formula : "");
		/* The parent: the code without its last part. */
		const char *dot = strrchr(code, '.');
		c->parent = dot ? mc_req_own(r, mc_xstrndup(code, (size_t)(dot - code))) : "";
		j->n_crit++;
	}
	mc_xlsx_grid_clear(&g);
	if (!problem[0] && j->n_crit == 0)
		snprintf(problem, sizeof problem, "the workbook has no criterion under its header row");
	if (problem[0]) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "the workbook: %s", problem);
		return;
	}
	/* Leaves (no later criterion under them) are self-assessed unless the
	 * row says otherwise. */
	for (size_t i = 0; i < j->n_crit; i++) {
		bool parent = false;
		for (size_t k = i + 1; k < j->n_crit && !parent; k++)
			parent = strcmp(j->crit[k].parent, j->crit[i].code) == 0;
		if (!parent && !j->crit[i].method)
			j->crit[i].method = MC_PAR_SELF;
	}
	j->all_units = true;
	mc_req_write(r, create_write, create_after, j);
}

void mc_api_par_framework_copy(mc_req *r)
{
	create_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	mc_par_framework f;
	int64_t year = 0;
	const char *deadline = NULL;
	mc_field spec[] = {
	    {"year", MC_F_INT, true, 2000, 2200, &year, 0},
	    {"deadline", MC_F_STRING, false, 1, 25, &deadline, 0},
	};
	if (mc_api_root_admin_or_reply(r, "define the reform index's frameworks") != 0)
		return;
	if (framework_or_reply(r, &f) != 0)
		return;
	j->copy_from = f.id;
	mc_par_framework_clear(&f);
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (deadline_or_reply(r, &j->f.deadline, deadline) != 0)
		return;
	j->f.year = (int)year;
	mc_req_write(r, create_write, create_after, j);
}

void mc_api_par_framework_get(mc_req *r)
{
	mc_par_framework f;
	mc_par_criterion *crit = NULL;
	mc_par_unit *units = NULL;
	size_t n_crit = 0, n_units = 0;
	if (framework_or_reply(r, &f) != 0)
		return;
	int rc = mc_store_par_criteria(mc_req_store(r), &crit, &n_crit, f.id);
	if (rc == 0)
		rc = mc_store_par_units(mc_req_store(r), &units, &n_units, f.id, 0);
	if (rc) {
		mc_par_framework_clear(&f);
		mc_reply_error(r, rc, "the framework");
		return;
	}
	json_t *j = framework_json(&f);
	json_t *cj = json_array(), *uj = json_array();
	for (size_t i = 0; i < n_crit; i++)
		json_array_append_new(cj, criterion_json(&crit[i]));
	for (size_t i = 0; i < n_units; i++)
		json_array_append_new(
		    uj, json_pack("{s:s, s:s}", "code", units[i].unit_code, "name", units[i].unit_name));
	json_object_set_new(j, "criteria", cj);
	json_object_set_new(j, "units", uj);
	int64_t total = 0;
	for (size_t i = 0; i < n_crit; i++)
		total += crit[i].parent[0] ? 0 : crit[i].max_cp;
	json_object_set_new(j, "max", cp_json((int32_t)total));
	etag(r, f.version);
	mc_par_framework_clear(&f);
	mc_par_criterion_free_list(crit, n_crit);
	mc_par_unit_free_list(units, n_units);
	mc_reply_json(r, 200, j);
}

/* ---- results ----------------------------------------------------------- */

static json_t *results_json(const mc_par_result *res, bool all, int64_t only_unit, bool for_public)
{
	json_t *items = json_array();
	int counts[MC_PAR_GRADE_NOT_DONE + 1] = {0};
	for (size_t i = 0; i < res->n_units; i++) {
		counts[res->results[i].grade]++;
		if (all || res->results[i].unit_id == only_unit)
			json_array_append_new(items, result_unit_json(res, i, true, for_public));
	}
	json_t *j = framework_json(&res->framework);
	json_object_set_new(j, "units", items);
	if (all) {
		json_t *c = json_object();
		for (int g = MC_PAR_GRADE_EXCELLENT; g <= MC_PAR_GRADE_NOT_DONE; g++)
			json_object_set_new(c, mc_par_grade_name(g), json_integer(counts[g]));
		json_object_set_new(j, "ratings", c);
	}
	return j;
}

void mc_api_par_results(mc_req *r)
{
	mc_par_framework f;
	mc_par_result res;
	if (framework_or_reply(r, &f) != 0)
		return;
	int64_t fid = f.id;
	mc_par_framework_clear(&f);
	int rc = mc_app_par_results(mc_req_store(r), &res, fid);
	if (rc) {
		mc_reply_error(r, rc, "the results");
		return;
	}
	bool all = sees_all(r);
	json_t *j = results_json(&res, all, mc_req_user(r)->unit_id, false);
	mc_par_result_clear(&res);
	mc_reply_json(r, 200, j);
}

/* The results as a workbook (api/par_export.c): rows of the units the caller sees. */
void mc_api_par_results_xlsx(mc_req *r)
{
	mc_par_framework f;
	mc_par_result res;
	unsigned char *data = NULL;
	size_t len = 0;
	if (framework_or_reply(r, &f) != 0)
		return;
	int64_t fid = f.id;
	mc_par_framework_clear(&f);
	int rc = mc_app_par_results(mc_req_store(r), &res, fid);
	if (rc) {
		mc_reply_error(r, rc, "the results");
		return;
	}
	rc = mc_par_export_xlsx(&data, &len, &res, 1, sees_all(r), mc_req_user(r)->unit_id);
	if (rc == 0) {
		char disposition[96];
		snprintf(disposition, sizeof disposition, "attachment; filename=\"chi-so-cchc-%d-%s.xlsx\"",
			 res.framework.year, mc_par_group_name(res.framework.group));
		mc_reply_header(r, "Content-Disposition", disposition);
		mc_reply_raw(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			     data, len);
	} else {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not write the results' workbook");
	}
	free(data);
	mc_par_result_clear(&res);
}

/* The results table printed (api/par_export.c): a row per unit the caller may
 * see, as the workbook. */
void mc_api_par_results_pdf(mc_req *r)
{
	mc_par_framework f;
	mc_par_result res;
	if (framework_or_reply(r, &f) != 0)
		return;
	int64_t fid = f.id;
	mc_par_framework_clear(&f);
	int rc = mc_app_par_results(mc_req_store(r), &res, fid);
	if (rc) {
		mc_reply_error(r, rc, "the results");
		return;
	}
	char disposition[96];
	const mc_time_ctx *tc = mc_req_time(r);
	const mc_unit *root = mc_time_ctx_root(tc);
	mc_par_pdf_head head = {
	    .issuing_unit = root ? root->name : "", .place = mc_api_unit_place(tc, root), .date = mc_now()};
	mc_buf pdf;
	mc_buf_init(&pdf, MC_FORM_PDF_MAX);
	if (mc_par_export_pdf(&pdf, &res, 1, sees_all(r), mc_req_user(r)->unit_id, &head) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not render the results");
	} else {
		snprintf(disposition, sizeof disposition, "inline; filename=\"chi-so-cchc-%d-%s.pdf\"",
			 res.framework.year, mc_par_group_name(res.framework.group));
		mc_reply_header(r, "Content-Disposition", disposition);
		mc_reply_raw(r, 200, "application/pdf", pdf.data, pdf.len);
	}
	mc_buf_free(&pdf);
	mc_par_result_clear(&res);
}

void mc_api_par_public(mc_req *r)
{
	int64_t year = 0;
	mc_par_framework *list = NULL;
	size_t n = 0;
	if (mc_api_query_int_or_reply(r, "year", &year, 2000, 2200) != 0)
		return;
	int rc = mc_store_par_framework_list(mc_req_store(r), &list, &n, (int)year);
	json_t *items = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		mc_par_result res;
		if (list[i].state != MC_PAR_PUBLISHED)
			continue;
		rc = mc_app_par_results(mc_req_store(r), &res, list[i].id);
		if (rc == 0) {
			json_array_append_new(items, results_json(&res, true, 0, true));
			mc_par_result_clear(&res);
		}
	}
	mc_par_framework_free_list(list, n);
	if (rc) {
		json_decref(items);
		mc_reply_error(r, rc, "the results");
		return;
	}
	mc_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* Lines of a unit's log, oldest first. */
static json_t *log_json(const mc_par_log *log, size_t n)
{
	json_t *lj = json_array();
	for (size_t i = 0; i < n; i++) {
		const mc_par_log *l = &log[i];
		/* A rating's line carries grades, never points: lines written
		 * before their details (migration 060) kept the decision's grade
		 * in new_cp, shown here by its name. */
		bool rating = strcmp(l->what, "rating") == 0;
		json_t *detail = l->detail && l->detail[0] ? json_loads(l->detail, 0, NULL) : NULL;
		if (!detail && rating && l->has_new && mc_par_grade_name(l->new_cp))
			detail = json_pack("{s:s}", "decided", mc_par_grade_name(l->new_cp));
		json_t *j = json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:s, s:o}", "id", (json_int_t)l->id,
				      "what", l->what, "code", l->code, "old",
				      l->has_old && !rating ? cp_json(l->old_cp) : json_null(), "new",
				      l->has_new && !rating ? cp_json(l->new_cp) : json_null(), "reason",
				      l->reason, "by", l->username, "at", mc_api_time(l->at));
		if (detail)
			json_object_set_new(j, "detail", detail);
		json_array_append_new(lj, j);
	}
	return lj;
}

/* The framework and the unit of the path, the unit visible to the caller;
 * replies 404/403 otherwise. */
static int unit_page_or_reply(mc_req *r, int64_t *fid, int64_t *unit_id)
{
	mc_par_framework f;
	if (framework_or_reply(r, &f) != 0)
		return -1;
	*fid = f.id;
	mc_par_framework_clear(&f);
	if (unit_or_reply(r, unit_id, mc_req_param(r, 1)) != 0 || unit_visible_or_reply(r, *unit_id) != 0)
		return -1;
	return 0;
}

/* A unit's sheet: every criterion with its mark, the totals, the newest
 * lines of the log (older ones: mc_api_par_unit_log). */
void mc_api_par_unit_get(mc_req *r)
{
	int64_t fid = 0, unit_id = 0;
	mc_par_result res;
	mc_par_score *scores = NULL;
	mc_par_log *log = NULL;
	size_t n_scores = 0, n_log = 0;
	bool more = false;
	if (unit_page_or_reply(r, &fid, &unit_id) != 0)
		return;
	int rc = mc_app_par_results(mc_req_store(r), &res, fid);
	if (rc == 0)
		rc = mc_store_par_scores(mc_req_store(r), &scores, &n_scores, fid, unit_id);
	if (rc == 0)
		rc = mc_store_par_log_page(mc_req_store(r), &log, &n_log, &more, fid, unit_id, 0,
					   MC_LIMIT_EVENTS_PAGE);
	if (rc) {
		mc_par_score_free_list(scores, n_scores);
		mc_reply_error(r, rc, "the unit's marks");
		return;
	}
	ptrdiff_t at = -1;
	for (size_t i = 0; i < res.n_units; i++)
		at = res.results[i].unit_id == unit_id ? (ptrdiff_t)i : at;
	if (at < 0) {
		mc_par_result_clear(&res);
		mc_par_score_free_list(scores, n_scores);
		mc_par_log_free_list(log, n_log);
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "the unit is not rated in this framework");
		return;
	}
	json_t *j = result_unit_json(&res, (size_t)at, false, false);
	json_t *crit = json_array();
	for (size_t k = 0; k < res.n_criteria; k++) {
		json_t *c = criterion_json(&res.criteria[k]);
		json_object_set_new(c, "points", cp_json(res.results[at].nodes[k].points_cp));
		json_object_set_new(c, "applicable_max", cp_json(res.results[at].nodes[k].applicable_cp));
		for (size_t s = 0; s < n_scores; s++) {
			if (strcmp(scores[s].code, res.criteria[k].code) == 0)
				json_object_set_new(c, "mark", score_json(&scores[s]));
		}
		json_array_append_new(crit, c);
	}
	json_object_set_new(j, "framework", framework_json(&res.framework));
	json_object_set_new(j, "criteria", crit);
	json_object_set_new(j, "log", log_json(log, n_log));
	json_object_set_new(j, "log_more", json_boolean(more));
	bool chain_ok = false;
	int64_t broken = 0;
	if (mc_app_par_log_verify(mc_req_store(r), &chain_ok, &broken, fid) == 0)
		json_object_set_new(j, "log_verified", json_boolean(chain_ok));
	json_object_set_new(j, "rating_version", json_integer(res.units[at].version));
	json_object_set_new(j, "tasks",
			    res.units[at].tasks >= 0 ? cp_json(res.units[at].tasks) : json_null());
	mc_par_result_clear(&res);
	mc_par_score_free_list(scores, n_scores);
	mc_par_log_free_list(log, n_log);
	mc_reply_json(r, 200, j);
}

/* Older lines of a unit's log, a page at a time (?before=&limit=), to whoever
 * sees the unit's sheet. */
void mc_api_par_unit_log(mc_req *r)
{
	int64_t fid = 0, unit_id = 0, before = 0;
	int limit = 0;
	mc_par_unit *u = NULL;
	mc_par_log *log = NULL;
	size_t n_u = 0, n = 0;
	bool more = false;
	if (unit_page_or_reply(r, &fid, &unit_id) != 0)
		return;
	int rc = mc_store_par_units(mc_req_store(r), &u, &n_u, fid, unit_id);
	mc_par_unit_free_list(u, n_u);
	if (rc != 0) {
		mc_reply_error(r, rc, "the unit");
		return;
	}
	if (n_u == 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "the unit is not rated in this framework");
		return;
	}
	if (mc_api_events_page_or_reply(r, &before, &limit) != 0)
		return;
	rc = mc_store_par_log_page(mc_req_store(r), &log, &n, &more, fid, unit_id, before, limit);
	if (rc != 0) {
		mc_reply_error(r, rc, "the unit's log");
		return;
	}
	mc_reply_json(r, 200, json_pack("{s:o, s:b}", "log", log_json(log, n), "more", more));
	mc_par_log_free_list(log, n);
}

/* The council's writes: a caller who is not a member hears so before its
 * input is read (the app layer checks again in the transaction). */
static int council_or_reply(mc_req *r)
{
	if (is_council(r))
		return 0;
	mc_reply_problem(r, MC_PROB_FORBIDDEN, "only a member of the appraisal council may do this");
	return -1;
}

/* ---- marks ------------------------------------------------------------- */

enum { MARK_SELF = 1, MARK_APPRAISE, MARK_SUBMIT, MARK_RATING, MARK_PUBLISH, MARK_COMPUTE, MARK_SURVEY };

typedef struct {
	int kind;
	mc_actor actor;
	int64_t framework_id, unit_id, if_version;
	const char *code, *note, *evidence, *reason;
	bool has_points, not_applicable;
	int32_t points, tasks;
	int cap, decided;
	mc_par_survey_row *rows;
	size_t *lines; /* a workbook's: the row of each, 1-based */
	size_t n_rows, bad;
	size_t count;
	mc_par_score out;
	mc_err err;
} mark_job;

static int mark_write(mc_store *st, void *payload)
{
	mark_job *j = payload;
	int64_t now = mc_now();
	int rc = MC_EINVAL;
	int64_t lines = 0;
	mc_par_score_clear(&j->out); /* a job may run again (group.h) */
	/* A flood of log lines from one account is refused as the steps of
	 * tasks and documents are: counted in the store, in this write. */
	mc_err_clear();
	bool survey = j->kind == MARK_SURVEY;
	rc = mc_store_par_log_by(st, &lines, j->actor.user_id, now - 3600, survey);
	if (rc == 0 && survey && lines + (int64_t)j->n_rows > MC_LIMIT_PAR_SURVEY_LINES_PER_HOUR) {
		rc = mc_err_set(MC_ELIMIT, MC_REASON_NONE,
				"this import would make more than %d survey lines from you in an hour "
				"(%lld already); try again later",
				MC_LIMIT_PAR_SURVEY_LINES_PER_HOUR, (long long)lines);
		mc_err_retry_after(3600);
	} else if (rc == 0 && !survey) {
		rc = mc_err_hourly(lines, MC_LIMIT_PAR_MARKS_PER_HOUR, "written",
				   "lines to the reform index's log");
	}
	if (rc) {
		mc_err_take(&j->err, rc);
		return rc;
	}
	rc = MC_EINVAL;
	switch (j->kind) {
	case MARK_SELF:
		rc = mc_app_par_self(st, &j->actor, j->framework_id, j->unit_id, j->code, j->has_points,
				     j->points, j->note, j->evidence, j->if_version, now, &j->out);
		break;
	case MARK_APPRAISE:
		rc =
		    mc_app_par_appraise(st, &j->actor, j->framework_id, j->unit_id, j->code, j->has_points,
					j->points, j->not_applicable, j->reason, j->if_version, now, &j->out);
		break;
	case MARK_SUBMIT:
		rc = mc_app_par_submit(st, &j->actor, j->framework_id, j->unit_id, now);
		break;
	case MARK_RATING:
		rc = mc_app_par_rating(st, &j->actor, j->framework_id, j->unit_id, j->tasks, j->cap,
				       j->decided, j->reason, j->if_version);
		break;
	case MARK_PUBLISH:
		rc = mc_app_par_publish(st, &j->actor, j->framework_id, j->if_version, j->reason, now);
		break;
	case MARK_COMPUTE:
		rc = mc_app_par_compute(st, &j->actor, j->framework_id, now, &j->count);
		break;
	case MARK_SURVEY:
		rc = mc_app_par_survey(st, &j->actor, j->framework_id, j->rows, j->n_rows, &j->bad, now);
		break;
	}
	mc_err_take(&j->err, rc);
	return rc;
}

static void mark_after(mc_req *r, int rc, void *payload)
{
	mark_job *j = payload;
	const mc_err *e = mc_err_for(&j->err, rc);
	mc_par_score out = j->out;
	j->out = (mc_par_score){0};
	if (rc == 0 && (j->kind == MARK_SELF || j->kind == MARK_APPRAISE)) {
		etag(r, out.version);
		mc_reply_json(r, 200, score_json(&out));
	} else if (rc == 0 && j->kind == MARK_COMPUTE) {
		mc_reply_json(r, 200, json_pack("{s:I}", "computed", (json_int_t)j->count));
	} else if (rc == 0 && j->kind == MARK_SURVEY) {
		mc_reply_json(r, 200, json_pack("{s:I}", "imported", (json_int_t)j->n_rows));
	} else if (rc == 0) {
		mc_reply_empty(r, 204);
	} else if (e->reason == MC_REASON_STALE && j->if_version) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "%s", e->msg);
	} else if (j->kind == MARK_SURVEY && e->reason == MC_REASON_INVALID_FIELD && j->lines) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "the workbook: row %zu: %s", j->lines[j->bad],
				 e->msg);
	} else if (j->kind == MARK_SURVEY && e->reason == MC_REASON_INVALID_FIELD) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "line %zu: %s", j->bad + 1, e->msg);
	} else {
		mc_reply_err(r, e, "the mark");
	}
	mc_par_score_clear(&out);
}

/* The job of a write on (framework, unit): the unit first and, for the
 * unit's own writes, whether the caller assesses it (403 before anything of
 * the request is read); then the framework and the version of If-Match. */
static mark_job *mark_job_or_reply(mc_req *r, int kind, bool with_unit, bool assessor)
{
	mark_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	mc_par_framework f;
	j->kind = kind;
	mc_req_actor(r, &j->actor);
	if (with_unit && unit_or_reply(r, &j->unit_id, mc_req_param(r, 1)) != 0)
		return NULL;
	if (assessor && !mc_app_par_is_assessor(&j->actor, j->unit_id)) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE,
				 "only the unit's own leaders and specialists assess it");
		return NULL;
	}
	if (framework_or_reply(r, &f) != 0)
		return NULL;
	j->framework_id = f.id;
	mc_par_framework_clear(&f);
	j->if_version = mc_api_if_match_version(r);
	if (j->if_version < 0) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "If-Match must be the ETag of the mark");
		return NULL;
	}
	return j;
}

void mc_api_par_self(mc_req *r)
{
	mark_job *j = mark_job_or_reply(r, MARK_SELF, true, true);
	const char *note = NULL;
	json_t *evidence = NULL;
	mc_field spec[] = {
	    {"note", MC_F_TEXT, false, 1, MC_LIMIT_PAR_NOTE, &note, 0},
	    {"evidence", MC_F_ARRAY, false, 0, MC_LIMIT_PAR_EVIDENCE, &evidence, 0},
	};
	if (!j || mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (points_or_reply(r, &j->has_points, &j->points, json_object_get(mc_req_body(r), "points"),
			    "points") != 0)
		return;
	j->code = mc_req_param(r, 2);
	j->note = note ? note : "";
	/* Evidence: uploads the caller may use (its own, or of a dossier it sees). */
	size_t n = json_array_size(evidence);
	mc_par_score *marks = NULL;
	size_t n_marks = 0;
	const char *kept = NULL;
	if (n && j->actor.unit_id == j->unit_id &&
	    mc_store_par_scores(mc_req_store(r), &marks, &n_marks, j->framework_id, j->unit_id) == 0) {
		mc_req_own(r, marks); /* the array; its strings are handed over below */
		for (size_t i = 0; i < n_marks; i++) {
			if (strcmp(marks[i].code, j->code) == 0)
				kept = marks[i].evidence;
		}
		for (size_t i = 0; i < n_marks; i++) {
			mc_req_own(r, marks[i].code);
			mc_req_own(r, marks[i].note);
			mc_req_own(r, marks[i].evidence);
			mc_req_own(r, marks[i].reason);
			mc_req_own(r, marks[i].figures);
		}
	}
	char *joined = mc_req_own(r, mc_xcalloc(n ? n * 65 : 1, 1));
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(evidence, i);
		const char *sha = json_is_string(v) ? json_string_value(v) : "";
		bool hex = strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64;
		/* Evidence the mark holds already stays, whoever of the unit sent it. */
		bool may = hex && kept && strstr(kept, sha) != NULL;
		/* Else only the sender's own upload: the unit's officers and the
		 * council read a sheet's evidence, and a file readable through a
		 * dossier is its applicant's. */
		bool own = false;
		if (hex && !may && mc_store_upload_owned(mc_req_store(r), &own, j->actor.user_id, sha) != 0) {
			mc_reply_error(r, MC_ERROR, "the evidence");
			return;
		}
		/* One's own upload that a dossier holds (a result, a scan taken
		 * at the desk) is the applicant's too: no evidence either. */
		if (own) {
			mc_dossier *held = NULL;
			size_t n_held = 0;
			if (mc_store_dossier_by_attachment(mc_req_store(r), &held, &n_held, sha) != 0) {
				mc_reply_error(r, MC_ERROR, "the evidence");
				return;
			}
			mc_dossier_free_list(held, n_held);
			may = n_held == 0;
		}
		if (!hex || !may) {
			char field[32];
			snprintf(field, sizeof field, "evidence[%zu]", i);
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, field, "unknown",
					       "%s is not a file you uploaded or may use", field);
			return;
		}
		if (i)
			strcat(joined, ",");
		strcat(joined, sha);
	}
	j->evidence = joined;
	mc_req_write(r, mark_write, mark_after, j);
}

void mc_api_par_appraise(mc_req *r)
{
	if (council_or_reply(r) != 0)
		return;
	mark_job *j = mark_job_or_reply(r, MARK_APPRAISE, true, false);
	const char *reason = NULL;
	bool na = false;
	mc_field spec[] = {
	    {"reason", MC_F_TEXT, true, 1, MC_LIMIT_PAR_NOTE, &reason, 0},
	    {"not_applicable", MC_F_BOOL, false, 0, 0, &na, 0},
	};
	if (!j || mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (points_or_reply(r, &j->has_points, &j->points, json_object_get(mc_req_body(r), "points"),
			    "points") != 0)
		return;
	j->code = mc_req_param(r, 2);
	j->reason = reason;
	j->not_applicable = na;
	mc_req_write(r, mark_write, mark_after, j);
}

void mc_api_par_submit(mc_req *r)
{
	mark_job *j = mark_job_or_reply(r, MARK_SUBMIT, true, true);
	if (j)
		mc_req_write(r, mark_write, mark_after, j);
}

void mc_api_par_rating(mc_req *r)
{
	if (council_or_reply(r) != 0)
		return;
	mark_job *j = mark_job_or_reply(r, MARK_RATING, true, false);
	const char *cap = NULL, *decided = NULL, *reason = NULL;
	mc_field spec[] = {
	    {"cap", MC_F_STRING, false, 1, 20, &cap, 0},
	    {"decided", MC_F_STRING, false, 1, 20, &decided, 0},
	    {"reason", MC_F_TEXT, false, 1, MC_LIMIT_PAR_NOTE, &reason, 0},
	};
	if (!j || mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	bool has = false;
	if (points_or_reply(r, &has, &j->tasks, json_object_get(mc_req_body(r), "tasks"), "tasks") != 0)
		return;
	if (!has)
		j->tasks = -1;
	j->cap = cap ? mc_par_grade_parse(cap) : 0;
	j->decided = decided ? mc_par_grade_parse(decided) : 0;
	if ((cap && !j->cap) || (decided && !j->decided)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, cap && !j->cap ? "cap" : "decided", "choice",
				       "a grade is xuat_sac, tot, hoan_thanh or khong_hoan_thanh");
		return;
	}
	j->reason = reason;
	mc_req_write(r, mark_write, mark_after, j);
}

void mc_api_par_publish(mc_req *r)
{
	if (council_or_reply(r) != 0)
		return;
	mark_job *j = mark_job_or_reply(r, MARK_PUBLISH, false, false);
	const char *decision = NULL;
	mc_field spec[] = {{"decision", MC_F_STRING, true, 1, MC_LIMIT_PAR_DECISION, &decision, 0}};
	if (!j || mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	j->reason = decision;
	mc_req_write(r, mark_write, mark_after, j);
}

void mc_api_par_compute(mc_req *r)
{
	if (council_or_reply(r) != 0)
		return;
	mark_job *j = mark_job_or_reply(r, MARK_COMPUTE, false, false);
	if (j)
		mc_req_write(r, mark_write, mark_after, j);
}

/* The survey's results as a workbook: the first sheet, a header row, then A
 * the unit's code, B the criterion's code, C the points. */
static void survey_xlsx(mc_req *r, mark_job *j)
{
	mc_xlsx_grid g = {0};
	char problem[300] = "";
	if (workbook_or_reply(r, &g) != 0)
		return;
	if (g.rows > MC_LIMIT_PAR_SURVEY_LINES + 1) {
		mc_xlsx_grid_clear(&g);
		mc_reply_problem(r, MC_PROB_INVALID_FIELD,
				 "the workbook: a survey import holds at most %d rows",
				 MC_LIMIT_PAR_SURVEY_LINES);
		return;
	}
	int32_t pts = 0;
	const char *head = mc_xlsx_cell(&g, 0, 2);
	if (head && cell_points(&pts, head) == 0)
		snprintf(problem, sizeof problem,
			 "row 1 is the header (unit code, criterion code, points), not a result");
	j->rows = mc_req_own(r, mc_xcalloc(g.rows ? g.rows : 1, sizeof *j->rows));
	j->lines = mc_req_own(r, mc_xcalloc(g.rows ? g.rows : 1, sizeof *j->lines));
	for (size_t i = 1; i < g.rows && !problem[0]; i++) {
		if (row_blank(&g, i))
			continue;
		const char *u = cell_text(r, &g, i, 0), *c = cell_text(r, &g, i, 1),
			   *p = cell_text(r, &g, i, 2);
		if (!u || !c || !p || cell_points(&pts, p) != 0) {
			snprintf(problem, sizeof problem,
				 "row %zu: a row is unit code, criterion code, points (at most two decimals)",
				 i + 1);
			break;
		}
		j->lines[j->n_rows] = i + 1;
		j->rows[j->n_rows++] = (mc_par_survey_row){u, c, pts};
	}
	mc_xlsx_grid_clear(&g);
	if (!problem[0] && j->n_rows == 0)
		snprintf(problem, sizeof problem, "the survey workbook has no result row");
	if (problem[0]) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "the workbook: %s", problem);
		return;
	}
	mc_req_write(r, mark_write, mark_after, j);
}

/* The survey's results as CSV: "unit_code,criterion_code,points" a line, a
 * first line of headers allowed; points with a decimal comma quoted. */
void mc_api_par_survey(mc_req *r)
{
	if (council_or_reply(r) != 0)
		return;
	mark_job *j = mark_job_or_reply(r, MARK_SURVEY, false, false);
	/* A refusal has answered and freed the request: nothing of r after it. */
	if (!j)
		return;
	if (body_is_workbook(r)) {
		survey_xlsx(r, j);
		return;
	}
	size_t len = 0;
	const unsigned char *raw = mc_req_raw(r, &len);
	char *text = mc_req_own(r, mc_xmalloc(len + 1));
	memcpy(text, raw, len);
	text[len] = '\0';
	if (strlen(text) != len) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "the survey file holds a NUL byte: it is not CSV");
		return;
	}
	size_t cap = 1;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	/* One import is one transaction of the writer: its size is bounded. */
	if (cap > MC_LIMIT_PAR_SURVEY_LINES + 2) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "a survey import holds at most %d lines",
				 MC_LIMIT_PAR_SURVEY_LINES);
		return;
	}
	j->rows = mc_req_own(r, mc_xcalloc(cap, sizeof *j->rows));
	size_t line = 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		line++;
		size_t ll = strlen(l);
		if (ll && l[ll - 1] == '\r')
			l[--ll] = '\0';
		if (ll == 0)
			continue;
		if (line == 1 && strncmp(l, "unit", 4) == 0)
			continue; /* the header */
		char *f[3] = {0};
		int nf = 0;
		bool bad = false;
		char *p = l;
		/* Fields split at commas; a quoted one may hold a comma ("18,5"). */
		while (p && !bad) {
			char *end = NULL;
			if (nf == 3) {
				bad = true;
				break;
			}
			if (*p == '"') {
				char *close = strchr(p + 1, '"');
				if (!close) {
					bad = true;
					break;
				}
				*close = '\0';
				f[nf++] = p + 1;
				end = close + 1;
				if (*end != ',' && *end != '\0')
					bad = true;
			} else {
				f[nf++] = p;
				end = p + strcspn(p, ",");
			}
			p = *end == ',' ? end + 1 : NULL;
			*end = '\0';
		}
		int32_t pts = 0;
		if (bad || nf != 3 || !f[0][0] || !f[1][0] || mc_par_parse(&pts, f[2]) != 0) {
			mc_reply_problem(
			    r, MC_PROB_INVALID_FIELD,
			    "line %zu: a line is unit_code,criterion_code,points (\"18,5\" quoted)", line);
			return;
		}
		j->rows[j->n_rows++] = (mc_par_survey_row){f[0], f[1], pts};
	}
	if (j->n_rows == 0) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "the survey file has no result line");
		return;
	}
	mc_req_write(r, mark_write, mark_after, j);
}

/* ---- rules and council ------------------------------------------------- */

typedef struct {
	mc_par_rules_row rules;
	int64_t user_id;
	bool remove;
} admin_job;

static int rules_write(mc_store *st, void *payload)
{
	admin_job *j = payload;
	return mc_store_par_rules_put(st, &j->rules);
}

static int council_write(mc_store *st, void *payload)
{
	admin_job *j = payload;
	return j->remove ? mc_store_par_council_remove(st, j->user_id)
			 : mc_store_par_council_put(st, j->user_id, mc_now());
}

static void admin_after(mc_req *r, int rc, void *payload)
{
	(void)payload;
	if (rc) {
		mc_reply_error(r, rc, "the change");
		return;
	}
	mc_reply_empty(r, 204);
}

void mc_api_par_rules_put(mc_req *r)
{
	admin_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	json_t *body = mc_req_body(r);
	static const char *const names[] = {"excellent_index", "good_index", "done_index",
					    "excellent_tasks", "good_tasks", "excellent_share"};
	int32_t *dst[] = {&j->rules.excellent_index, &j->rules.good_index, &j->rules.done_index,
			  &j->rules.excellent_tasks, &j->rules.good_tasks, &j->rules.excellent_share};
	char *end = NULL;
	if (mc_api_root_admin_or_reply(r, "set the rating rules") != 0)
		return;
	long year = strtol(mc_req_param(r, 0), &end, 10);
	if (*end || year < 2000 || year > 2200) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "the year must be 2000 to 2200");
		return;
	}
	j->rules.year = (int)year;
	for (size_t i = 0; i < MC_ARRAY_LEN(names); i++) {
		bool has = false;
		if (points_or_reply(r, &has, dst[i], json_object_get(body, names[i]), names[i]) != 0)
			return;
		if (!has && i < 3) {
			mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, names[i], "required",
					       "%s is required", names[i]);
			return;
		}
	}
	j->rules.excellent_share /= 100; /* a whole percent */
	mc_par_rules check = {j->rules.excellent_index, j->rules.good_index, j->rules.done_index,
			      j->rules.excellent_tasks, j->rules.good_tasks, j->rules.excellent_share};
	if (!mc_par_rules_valid(&check)) {
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "excellent_index", "order",
		    "thresholds are percentages from 0 to 100, xuất sắc ≥ tốt ≥ hoàn thành");
		return;
	}
	mc_req_write(r, rules_write, admin_after, j);
}

static void council_change(mc_req *r, bool remove)
{
	admin_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	mc_user u;
	if (mc_api_root_admin_or_reply(r, "name the appraisal council") != 0)
		return;
	int rc = mc_store_user_by_username(mc_req_store(r), &u, NULL, 0, mc_req_param(r, 0));
	if (rc == MC_ENOTFOUND) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no user has this username");
		return;
	}
	if (rc) {
		mc_reply_error(r, rc, "the user");
		return;
	}
	j->user_id = u.id;
	bool staff = u.role != MC_ROLE_CITIZEN;
	mc_user_clear(&u);
	if (!staff) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "the council is made of officers, not citizens");
		return;
	}
	j->remove = remove;
	mc_req_write(r, council_write, admin_after, j);
}

void mc_api_par_council_put(mc_req *r)
{
	council_change(r, false);
}

void mc_api_par_council_delete(mc_req *r)
{
	council_change(r, true);
}
