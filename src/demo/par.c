/*
 * par.c - the demo's administrative-reform index (data/demo/par.json;
 * docs/par-index.md §7): the 2016 cycle as report 6366/BC-UBND publishes it
 * and the open 2017 cycle, whose computed criteria count the demo's dossiers,
 * tasks and documents (seeded after them).
 * Carried out through the app layer's cycle (app/par.h) as the system.
 */
#include "demo/demo.h"

#include "app/par.h"
#include "core/embed.h"
#include "core/err.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define PAR_PATH "data/demo/par.json"

static int unit_id_of(mc_store *st, int64_t *out, const char *code)
{
	mc_unit u;
	int rc = mc_store_unit_by_code(st, &u, code);
	*out = rc == 0 ? u.id : 0;
	if (rc == 0)
		mc_unit_clear(&u);
	else
		fprintf(stderr, "demo: reform index: no unit %s (%d)\n", code, rc);
	return rc;
}

/* The criteria of the file; with all_appraised, every leaf scored by the
 * council alone (2016: scored by hand before motcua). Strings are the file's. */
static mc_par_criterion *criteria_of(const json_t *arr, size_t *n, bool all_appraised)
{
	size_t i;
	const json_t *jc;
	mc_par_criterion *c = mc_xcalloc(json_array_size(arr) + 1, sizeof *c);
	json_array_foreach(arr, i, jc)
	{
		const char *method = json_string_value(json_object_get(jc, "method"));
		const char *formula = json_string_value(json_object_get(jc, "formula"));
		const char *parent = json_string_value(json_object_get(jc, "parent"));
		c[i].code = (char *)json_string_value(json_object_get(jc, "code"));
		c[i].name = (char *)json_string_value(json_object_get(jc, "name"));
		c[i].parent = (char *)(parent ? parent : "");
		c[i].max_cp = (int32_t)json_integer_value(json_object_get(jc, "max")) * 100;
		c[i].method = method ? (all_appraised ? MC_PAR_APPRAISED : mc_par_method_parse(method)) : 0;
		c[i].formula = (char *)(formula && !all_appraised ? formula : "");
	}
	*n = json_array_size(arr);
	return c;
}

static int64_t *units_of(mc_store *st, const json_t *arr, size_t *n, int *rc)
{
	size_t i;
	const json_t *ju;
	int64_t *ids = mc_xcalloc(json_array_size(arr) + 1, sizeof *ids);
	json_array_foreach(arr, i, ju)
	{
		const char *code = json_is_string(ju) ? json_string_value(ju)
						      : json_string_value(json_object_get(ju, "code"));
		if (*rc == 0)
			*rc = unit_id_of(st, &ids[i], code ? code : "");
	}
	*n = json_array_size(arr);
	return ids;
}

/* The council's scores of a unit whose published total is total_cp: each
 * leaf its share of the total, the rounding put where it fits. */
static int appraise_total(mc_store *st, const mc_actor *a, int64_t fw, int64_t unit_id,
			  const mc_par_criterion *c, size_t n, int32_t total_cp, const char *reason,
			  int64_t at)
{
	int32_t *pts = mc_xcalloc(n + 1, sizeof *pts);
	int32_t given = 0;
	int rc = 0;
	mc_par_node *nodes = mc_xcalloc(n + 1, sizeof *nodes);
	for (size_t k = 0; k < n; k++)
		nodes[k] = (mc_par_node){c[k].code, c[k].parent, c[k].max_cp, c[k].method, c[k].formula};
	for (size_t k = 0; k < n; k++) {
		if (!mc_par_tree_is_leaf(nodes, n, k))
			continue;
		pts[k] = (int32_t)((int64_t)c[k].max_cp * total_cp / 10000);
		given += pts[k];
	}
	for (size_t k = 0; k < n && given < total_cp; k++) {
		if (!mc_par_tree_is_leaf(nodes, n, k))
			continue;
		int32_t room = c[k].max_cp - pts[k];
		int32_t add = room < total_cp - given ? room : total_cp - given;
		pts[k] += add;
		given += add;
	}
	for (size_t k = 0; rc == 0 && k < n; k++) {
		mc_par_score out = {0};
		if (!mc_par_tree_is_leaf(nodes, n, k))
			continue;
		rc = mc_app_par_appraise(st, a, fw, unit_id, c[k].code, true, pts[k], false, reason, 0, at,
					 &out);
		mc_par_score_clear(&out);
	}
	free(pts);
	free(nodes);
	return rc;
}

static int year_2016(mc_store *st, const mc_actor *a, const json_t *root, const mc_par_criterion *crit,
		     size_t n_crit, FILE *log)
{
	const json_t *y = json_object_get(root, "y2016");
	const json_t *index = json_object_get(y, "index");
	const json_t *rules = json_object_get(y, "rules");
	const char *groups[] = {"departments", "districts", "service_units"};
	const int group_of[] = {MC_PAR_GROUP_DEPARTMENT, MC_PAR_GROUP_DISTRICT, MC_PAR_GROUP_SERVICE};
	const char *reason = json_string_value(json_object_get(y, "reason"));
	const char *decision = json_string_value(json_object_get(y, "decision"));
	const char *decision_reason = json_string_value(json_object_get(y, "decision_reason"));
	int64_t published = 0, created = 0;
	int rc = 0;

	mc_time_parse(&published, json_string_value(json_object_get(y, "published")));
	mc_time_parse(&created, "2016-12-01T08:00");
	mc_par_rules_row rr = {
	    .year = 2016,
	    .excellent_index = (int32_t)json_integer_value(json_object_get(rules, "excellent_index")),
	    .good_index = (int32_t)json_integer_value(json_object_get(rules, "good_index")),
	    .done_index = (int32_t)json_integer_value(json_object_get(rules, "done_index"))};
	rc = mc_store_par_rules_put(st, &rr);
	for (size_t g = 0; rc == 0 && g < MC_ARRAY_LEN(groups); g++) {
		const json_t *arr = json_object_get(root, groups[g]);
		size_t n_units = 0;
		int64_t *ids = units_of(st, arr, &n_units, &rc);
		bool service = group_of[g] == MC_PAR_GROUP_SERVICE;
		mc_par_framework f = {.year = 2016, .group = group_of[g], .created_at = created};
		if (rc == 0)
			rc = mc_app_par_framework_create(st, &f, crit, service ? 0 : n_crit, ids, n_units);
		for (size_t i = 0; rc == 0 && i < n_units; i++) {
			const json_t *ju = json_array_get(arr, i);
			if (service) {
				int grade =
				    mc_par_grade_parse(json_string_value(json_object_get(ju, "grade_2016")));
				rc = mc_app_par_rating(st, a, f.id, ids[i], -1, 0, grade, decision_reason, 0);
			} else {
				int32_t total = 0;
				rc = mc_par_parse(
				    &total, json_string_value(json_object_get(index, json_string_value(ju))));
				if (rc == 0)
					rc = appraise_total(st, a, f.id, ids[i], crit, n_crit, total, reason,
							    published);
				/* The decision rates some units over their index (docs/par-index.md §7). */
				const char *decided = json_string_value(
				    json_object_get(json_object_get(y, "decided"), json_string_value(ju)));
				if (rc == 0 && decided)
					rc = mc_app_par_rating(st, a, f.id, ids[i], -1, 0,
							       mc_par_grade_parse(decided), decision_reason,
							       0);
			}
		}
		if (rc == 0)
			rc = mc_app_par_publish(st, a, f.id, 0, decision, published);
		free(ids);
	}
	if (rc == 0 && log)
		fprintf(log, "demo: reform index 2016 published (%s)\n", decision);
	return rc;
}

static int year_2017(mc_store *st, const mc_actor *a, const json_t *root, const mc_par_criterion *crit,
		     size_t n_crit, FILE *log)
{
	const char *groups[] = {"departments", "districts"};
	const int group_of[] = {MC_PAR_GROUP_DEPARTMENT, MC_PAR_GROUP_DISTRICT};
	int64_t deadline = 0, created = 0;
	size_t computed = 0;
	int rc = 0;

	const char *until = json_string_value(json_object_get(json_object_get(root, "y2017"), "deadline"));
	if (until && mc_time_parse(&deadline, until) == 0)
		deadline += MC_DAY_SECONDS - 1;
	mc_time_parse(&created, "2017-01-05T08:00");
	for (size_t g = 0; rc == 0 && g < MC_ARRAY_LEN(groups); g++) {
		size_t n_units = 0, count = 0;
		int64_t *ids = units_of(st, json_object_get(root, groups[g]), &n_units, &rc);
		mc_par_framework f = {
		    .year = 2017, .group = group_of[g], .deadline = deadline, .created_at = created};
		if (rc == 0)
			rc = mc_app_par_framework_create(st, &f, crit, n_crit, ids, n_units);
		if (rc == 0)
			rc = mc_app_par_compute(st, a, f.id, mc_now(), &count);
		computed += count;
		free(ids);
	}
	if (rc == 0 && log)
		fprintf(log,
			"demo: reform index 2017 open, %zu computed marks from the dossiers, tasks and "
			"documents\n",
			computed);
	return rc;
}

static int service_units(mc_store *st, const json_t *arr)
{
	size_t i;
	const json_t *ju;
	int64_t root = 0;
	int rc = unit_id_of(st, &root, "000.00.00.H56");
	json_array_foreach(arr, i, ju)
	{
		mc_unit u;
		memset(&u, 0, sizeof u);
		u.code = (char *)json_string_value(json_object_get(ju, "code"));
		u.name = (char *)json_string_value(json_object_get(ju, "name"));
		u.level = "department";
		u.province_code = "H56";
		u.address = "";
		u.phone = "";
		u.office_hours = "";
		u.parent_id = root;
		if (rc == 0)
			rc = mc_store_unit_create(st, &u);
		if (rc == 0)
			rc = mc_store_par_public_service(st, u.id);
	}
	return rc;
}

int mc_demo_par(mc_store *st, FILE *log)
{
	const struct mc_embedded *e = mc_embed_find(PAR_PATH);
	json_t *root = NULL;
	json_error_t jerr;
	mc_par_criterion *c2016 = NULL, *c2017 = NULL;
	size_t n2016 = 0, n2017 = 0, i;
	const json_t *jname;
	mc_actor system = {.user_id = 0, .role = MC_ROLE_ADMIN, .system = true};
	int rc = MC_EINVAL;

	if (!e) {
		fprintf(stderr, "demo: %s is not built into this binary\n", PAR_PATH);
		return MC_ERROR;
	}
	root = json_loadb((const char *)e->data, e->len, 0, &jerr);
	if (!root) {
		fprintf(stderr, "demo: %s:%d: %s\n", PAR_PATH, jerr.line, jerr.text);
		return MC_EINVAL;
	}
	c2016 = criteria_of(json_object_get(root, "criteria"), &n2016, true);
	c2017 = criteria_of(json_object_get(root, "criteria"), &n2017, false);
	rc = mc_store_begin(st);
	if (rc)
		goto cleanup;
	rc = service_units(st, json_object_get(root, "service_units"));
	json_array_foreach(json_object_get(root, "council"), i, jname)
	{
		mc_user u;
		if (rc == 0)
			rc = mc_store_user_by_username(st, &u, NULL, 0, json_string_value(jname));
		if (rc == 0) {
			rc = mc_store_par_council_put(st, u.id, mc_now());
			mc_user_clear(&u);
		}
	}
	if (rc == 0)
		rc = year_2016(st, &system, root, c2016, n2016, log);
	if (rc == 0)
		rc = year_2017(st, &system, root, c2017, n2017, log);
	if (rc == 0) {
		rc = mc_store_commit(st);
	} else {
		const mc_err *err = mc_err_last();
		fprintf(stderr, "demo: could not seed the reform index (%d%s%s)\n", rc,
			err->msg[0] ? ": " : "", err->msg);
		mc_store_rollback(st);
	}
cleanup:
	free(c2016);
	free(c2017);
	json_decref(root);
	return rc;
}
