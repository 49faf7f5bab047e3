/*
 * par.c - the cycle of the administrative-reform index (par.h;
 * docs/par-index.md).
 */
#include "app/par.h"

#include "core/err.h"
#include "core/stats.h"
#include "core/task.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- computed criteria ------------------------------------------------- */

/* The local year [1 January, 1 January next) as UTC seconds. */
static void year_span(int year, int64_t *from, int64_t *to)
{
	*from = mc_local_day_start(mc_days_from_civil(year, 1, 1));
	*to = mc_local_day_start(mc_days_from_civil(year + 1, 1, 1));
}

static int year_counts(mc_store *st, mc_stats_counts *out, int64_t unit_id, int year)
{
	mc_stats_row *rows = NULL;
	size_t n = 0;
	mc_stats_query q = {.unit_id = unit_id, .group = MC_STATS_TOTAL};
	int rc = 0;

	memset(out, 0, sizeof *out);
	year_span(year, &q.from, &q.to);
	q.at = q.to < mc_now() ? q.to : mc_now();
	rc = mc_store_stats(st, &rows, &n, &q);
	if (rc == 0 && n > 0)
		*out = rows[0].c;
	mc_stats_row_free_list(rows, n);
	return rc;
}

static void stats_link(mc_par_figures *out, int64_t unit_id, int year)
{
	snprintf(out->link, sizeof out->link, "/api/v1/stats?unit_id=%lld&from=%d-01-01&to=%d-12-31",
		 (long long)unit_id, year, year);
}

/* Share of dossiers resolved on time or early among those resolved in the
 * year (docs/statistics.md: resolved_early + resolved_on_time over resolved). */
static int count_on_time(mc_store *st, mc_par_figures *out, int64_t unit_id, int year)
{
	mc_stats_counts c;
	int rc = year_counts(st, &c, unit_id, year);
	out->numerator = c.resolved_early + c.resolved_on_time;
	out->denominator = c.resolved;
	stats_link(out, unit_id, year);
	return rc;
}

/* Share of dossiers received online among those received in the year. */
static int count_online(mc_store *st, mc_par_figures *out, int64_t unit_id, int year)
{
	mc_stats_counts c;
	int rc = year_counts(st, &c, unit_id, year);
	out->numerator = c.received_online;
	out->denominator = c.received;
	stats_link(out, unit_id, year);
	return rc;
}

/* Apologies issued (QĐ 876/2017) for the dossiers resolved late in the year:
 * issued over late, at most 1. */
static int count_apologies(mc_store *st, mc_par_figures *out, int64_t unit_id, int year)
{
	mc_stats_counts c;
	int rc = year_counts(st, &c, unit_id, year);
	out->denominator = c.resolved_late;
	out->numerator = c.apologies < c.resolved_late ? c.apologies : c.resolved_late;
	snprintf(out->link, sizeof out->link,
		 "/api/v1/public/apologies?unit_id=%lld&from=%d-01-01&to=%d-12-31", (long long)unit_id, year,
		 year);
	return rc;
}

/* Satisfaction index: ratings "very satisfied" or "satisfied" over all ratings
 * given in the year (api/ratings.c, the same index). */
static int count_satisfaction(mc_store *st, mc_par_figures *out, int64_t unit_id, int year)
{
	mc_rating_summary s;
	int64_t from, to;
	year_span(year, &from, &to);
	int rc = mc_store_rating_summary(st, &s, unit_id, from, to);
	out->numerator = s.very_satisfied + s.satisfied;
	out->denominator = s.count;
	snprintf(out->link, sizeof out->link,
		 "/api/v1/ratings/summary?unit_id=%lld&from=%d-01-01&to=%d-12-31", (long long)unit_id, year,
		 year);
	return rc;
}

/* The unit's code for a link to another module's list, which names units by
 * code; "" when it cannot be read (the link then names the whole scope). */
static void unit_code(mc_store *st, char *out, size_t cap, int64_t unit_id)
{
	mc_unit u = {0};
	out[0] = '\0';
	if (mc_store_unit_get(st, &u, unit_id) == 0 && u.code)
		snprintf(out, cap, "%s", u.code);
	mc_unit_clear(&u);
}

/* Share of the outgoing documents issued in the year that were sent
 * electronically with a digital signature (store_par.h). */
static int count_documents_signed(mc_store *st, mc_par_figures *out, int64_t unit_id, int year)
{
	int64_t from, to;
	char code[64];
	year_span(year, &from, &to);
	int rc = mc_store_par_documents_signed(st, &out->denominator, &out->numerator, unit_id, from, to);
	unit_code(st, code, sizeof code, unit_id);
	snprintf(out->link, sizeof out->link, "/api/v1/documents?box=out&state=issued&year=%d&unit=%s", year,
		 code);
	return rc;
}

/* Share of the tasks due (by their original deadline) in the year that were
 * done on or before it, judged as of today or the end of the year. */
static int count_tasks_on_time(mc_store *st, mc_par_figures *out, int64_t unit_id, int year)
{
	int32_t first = mc_days_from_civil(year, 1, 1), next = mc_days_from_civil(year + 1, 1, 1);
	int32_t today = mc_local_day(mc_now());
	char code[64];
	int rc = mc_store_par_tasks_on_time(st, &out->denominator, &out->numerator, unit_id, first, next - 1,
					    today < next ? today : next);
	unit_code(st, code, sizeof code, unit_id);
	snprintf(out->link, sizeof out->link, "/api/v1/tasks?unit=%s&relation=in_charge&limit=200", code);
	return rc;
}

static int period_report_cmp(const void *a, const void *b)
{
	const mc_par_period_report *x = a, *y = b;
	if (x->task_id != y->task_id)
		return x->task_id < y->task_id ? -1 : 1;
	return x->period_start < y->period_start ? -1 : x->period_start > y->period_start;
}

int mc_app_par_reports_on_time(mc_store *st, int64_t *due, int64_t *on_time, int64_t unit_id, int year,
			       int32_t today)
{
	int32_t first = mc_days_from_civil(year, 1, 1), next = mc_days_from_civil(year + 1, 1, 1);
	int32_t judged_on = today < next ? today : next;
	mc_par_recurring_task *tasks = NULL;
	mc_par_period_report *reports = NULL;
	size_t n = 0, n_reports = 0;
	int rc =
	    mc_store_par_recurring_reports(st, &tasks, &n, &reports, &n_reports, unit_id, first, next - 1);

	*due = *on_time = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const mc_par_recurring_task *t = &tasks[i];
		/* A task owes the periods that ended while it was open: a done
		 * task until the day it was done, a cancelled or suspended one
		 * until it was stopped. */
		int32_t until = judged_on;
		if (t->state == MC_TASK_DONE && t->done_day < until)
			until = t->done_day;
		if ((t->state == MC_TASK_CANCELLED || t->state == MC_TASK_SUSPENDED) &&
		    mc_local_day(t->updated_at) < until)
			until = mc_local_day(t->updated_at);
		int32_t start, end, day = t->assigned_day > first ? t->assigned_day : first;
		while (mc_task_period_bounds(&start, &end, (mc_task_period)t->period, day) == 0 &&
		       end - 1 < next && end <= until) {
			mc_par_period_report key = {.task_id = t->task_id, .period_start = start};
			const mc_par_period_report *r =
			    n_reports ? bsearch(&key, reports, n_reports, sizeof *reports, period_report_cmp)
				      : NULL;
			(*due)++;
			if (r && mc_local_day(r->first_at) <= r->report_due)
				(*on_time)++;
			day = end;
		}
	}
	free(tasks);
	free(reports);
	return rc;
}

/* Share of the reports of recurring tasks due in the year (their period
 * ended in it) that came by the period's reporting deadline. */
static int count_reports_on_time(mc_store *st, mc_par_figures *out, int64_t unit_id, int year)
{
	char code[64];
	int rc = mc_app_par_reports_on_time(st, &out->denominator, &out->numerator, unit_id, year,
					    mc_local_day(mc_now()));
	unit_code(st, code, sizeof code, unit_id);
	snprintf(out->link, sizeof out->link, "/api/v1/tasks?unit=%s&relation=in_charge&limit=200", code);
	return rc;
}

/* The procedures the unit handles in force in the year (store_par.h); the
 * catalogue lists every procedure in force publicly, so "publicly posted"
 * counts those whose public page is complete. */
static int count_procedures(mc_store *st, mc_par_figures *out, int64_t unit_id, int year, bool online)
{
	int32_t first = mc_days_from_civil(year, 1, 1), next = mc_days_from_civil(year + 1, 1, 1);
	mc_par_proc_counts c;
	char code[64];
	int rc = mc_store_par_procedures(st, &c, unit_id, first, next - 1);
	out->numerator = online ? c.online : c.posted;
	out->denominator = c.handled;
	unit_code(st, code, sizeof code, unit_id);
	snprintf(out->link, sizeof out->link, "/api/v1/procedures?unit=%s&include_abolished=true&limit=200",
		 code);
	return rc;
}

static int count_procedures_published(mc_store *st, mc_par_figures *out, int64_t unit_id, int year)
{
	return count_procedures(st, out, unit_id, year, false);
}

static int count_online_services(mc_store *st, mc_par_figures *out, int64_t unit_id, int year)
{
	return count_procedures(st, out, unit_id, year, true);
}

/* The registry (docs/par-index.md §3). */
static const mc_par_formula formulas[] = {
    {"dossiers_on_time", "Tỷ lệ hồ sơ giải quyết đúng hạn", count_on_time, false},
    {"dossiers_online", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", count_online, false},
    {"apologies", "Xin lỗi tổ chức, cá nhân khi giải quyết hồ sơ quá hạn", count_apologies, true},
    {"satisfaction", "Chỉ số hài lòng về giải quyết thủ tục hành chính", count_satisfaction, false},
    {"documents_signed", "Tỷ lệ văn bản đi được gửi điện tử có chữ ký số", count_documents_signed, false},
    {"tasks_on_time", "Tỷ lệ nhiệm vụ hoàn thành đúng hạn", count_tasks_on_time, false},
    {"reports_on_time", "Tỷ lệ báo cáo định kỳ gửi đúng hạn", count_reports_on_time, false},
    {"procedures_published", "Tỷ lệ thủ tục hành chính được công bố, công khai đầy đủ",
     count_procedures_published, false},
    {"online_services", "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến", count_online_services,
     false},
};

const mc_par_formula *mc_app_par_formulas(size_t *n)
{
	*n = MC_ARRAY_LEN(formulas);
	return formulas;
}

const mc_par_formula *mc_app_par_formula(const char *key)
{
	for (size_t i = 0; key && i < MC_ARRAY_LEN(formulas); i++) {
		if (strcmp(formulas[i].key, key) == 0)
			return &formulas[i];
	}
	return NULL;
}

int32_t mc_app_par_points(int32_t max_cp, const mc_par_figures *f)
{
	if (f->denominator <= 0)
		return 0;
	int64_t num = f->numerator < f->denominator ? f->numerator : f->denominator;
	if (num < 0)
		num = 0;
	return (int32_t)((2 * (int64_t)max_cp * num + f->denominator) / (2 * f->denominator));
}

static bool registry_knows(const char *key, void *payload)
{
	(void)payload;
	return mc_app_par_formula(key) != NULL;
}

/* ---- roles ------------------------------------------------------------- */

int mc_app_par_is_council(mc_store *st, bool *out, const mc_actor *a)
{
	*out = false;
	if (a->user_id == 0)
		return 0;
	return mc_store_par_council_has(st, out, a->user_id);
}

bool mc_app_par_is_assessor(const mc_actor *a, int64_t unit_id)
{
	return a->user_id != 0 && a->unit_id == unit_id &&
	       (a->role == MC_ROLE_LEADER || a->role == MC_ROLE_SPECIALIST);
}

static int council_or_fail(mc_store *st, const mc_actor *a)
{
	bool member = false;
	int rc = 0;
	/* The system (the demo's seeding of published years) acts as the council. */
	if (a->system)
		return 0;
	rc = mc_app_par_is_council(st, &member, a);
	if (rc)
		return rc;
	if (!member)
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE,
				  "only a member of the appraisal council may do this");
	return 0;
}

/*
 * A council member does not judge their own unit (docs/par-index.md §4): the
 * appraised or rated unit may be neither the member's unit, nor a unit under
 * it (a district member and the district's communes), nor a unit above it (a
 * commune member and its district, an office and its department). The
 * province itself is rated in no framework: its officers judge every unit.
 */
static int not_own_unit_or_fail(mc_store *st, const mc_actor *a, int64_t unit_id)
{
	mc_unit home = {0};
	bool within = false;
	int rc = 0;

	if (a->system || a->unit_id == 0)
		return 0;
	rc = mc_store_unit_get(st, &home, a->unit_id);
	if (rc == MC_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	bool province = home.parent_id == 0;
	mc_unit_clear(&home);
	if (province)
		return 0;
	rc = mc_store_unit_within(st, &within, unit_id, a->unit_id);
	if (rc == 0 && !within)
		rc = mc_store_unit_within(st, &within, a->unit_id, unit_id);
	if (rc == 0 && within)
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_OWN_UNIT,
				"a council member does not appraise or rate their own unit, a unit under it "
				"or the unit it belongs to");
	return rc;
}

/* The framework, open: MC_ECONFLICT (state) once published. */
static int open_framework(mc_store *st, mc_par_framework *out, int64_t id)
{
	/* Its state is read under its lock, which the publication takes too:
	 * a write either commits before the publication or sees it. */
	int rc = mc_store_par_framework_lock(st, id);

	memset(out, 0, sizeof *out);
	if (rc == 0)
		rc = mc_store_par_framework_get(st, out, id);
	if (rc == MC_ENOTFOUND)
		return mc_err_set(rc, MC_REASON_NOT_FOUND, "no framework has id %lld", (long long)id);
	if (rc)
		return rc;
	if (out->state != MC_PAR_OPEN) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				"the %d results of this framework are published; nothing of it changes",
				out->year);
		mc_par_framework_clear(out);
	}
	return rc;
}

/* The criterion `code` of a framework, which must be a leaf. */
static int leaf_of(mc_store *st, mc_par_criterion *out, int64_t framework_id, const char *code)
{
	mc_par_criterion *list = NULL;
	size_t n = 0;
	int rc = mc_store_par_criteria(st, &list, &n, framework_id);
	ptrdiff_t found = -1;
	bool leaf = true;

	memset(out, 0, sizeof *out);
	if (rc)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(list[i].code, code) == 0)
			found = (ptrdiff_t)i;
		else if (strcmp(list[i].parent, code) == 0)
			leaf = false;
	}
	if (found < 0) {
		rc = mc_err_set(MC_ENOTFOUND, MC_REASON_NOT_FOUND, "the framework has no criterion %.40s",
				code);
		goto cleanup;
	}
	if (!leaf) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"criterion %.40s has sub-criteria: its points are their sum", code);
		goto cleanup;
	}
	*out = list[found];
	memset(&list[found], 0, sizeof list[found]);
cleanup:
	mc_par_criterion_free_list(list, n);
	return rc;
}

static void criterion_clear(mc_par_criterion *c)
{
	free(c->code);
	free(c->parent);
	free(c->name);
	free(c->formula);
	memset(c, 0, sizeof *c);
}

/* The unit's row in the framework: MC_ENOTFOUND when it is not rated there. */
static int unit_of(mc_store *st, mc_par_unit *out, int64_t framework_id, int64_t unit_id)
{
	mc_par_unit *list = NULL;
	size_t n = 0;
	int rc = mc_store_par_units(st, &list, &n, framework_id, unit_id);
	memset(out, 0, sizeof *out);
	if (rc == 0 && n != 1)
		rc = mc_err_set(MC_ENOTFOUND, MC_REASON_NOT_FOUND, "the unit is not rated in this framework");
	if (rc == 0) {
		*out = list[0];
		memset(&list[0], 0, sizeof list[0]);
	}
	mc_par_unit_free_list(list, n);
	return rc;
}

static void unit_clear(mc_par_unit *u)
{
	free(u->unit_code);
	free(u->unit_name);
	free(u->reason);
	memset(u, 0, sizeof *u);
}

static int points_in_range(const mc_par_criterion *c, int32_t points)
{
	char max[16];
	if (points < 0 || points > c->max_cp)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "points must be between 0 and %s for criterion %s",
				  mc_par_fmt(max, sizeof max, c->max_cp), c->code);
	return 0;
}

/* The mark as it is, to log its old value (an absent one reads as none). */
static int mark_of(mc_store *st, mc_par_score *out, int64_t framework_id, int64_t unit_id, const char *code)
{
	int rc = mc_store_par_score_get(st, out, framework_id, unit_id, code);
	return rc == MC_ENOTFOUND ? 0 : rc;
}

/* A comma-separated evidence list as a JSON array. */
static json_t *evidence_json(const char *list)
{
	json_t *a = json_array();
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, len));
		p = comma ? comma + 1 : p + len;
	}
	return a;
}

/* A grade by its name (null for none); a tasks share in percent (null unknown). */
static json_t *grade_json(int grade)
{
	const char *name = grade ? mc_par_grade_name(grade) : NULL;
	return name ? json_string(name) : json_null();
}

static json_t *tasks_json(int32_t tasks)
{
	return tasks < 0 ? json_null() : json_real(tasks / 100.0);
}

static int log_change(mc_store *st, int64_t framework_id, int64_t unit_id, const char *code, const char *what,
		      bool has_old, int32_t old_cp, bool has_new, int32_t new_cp, const char *reason,
		      int64_t user_id, int64_t now, const char *detail)
{
	mc_par_log l = {.framework_id = framework_id,
			.unit_id = unit_id,
			.code = (char *)code,
			.what = (char *)what,
			.has_old = has_old,
			.old_cp = old_cp,
			.has_new = has_new,
			.new_cp = new_cp,
			.reason = (char *)reason,
			.user_id = user_id,
			.at = now,
			.detail = (char *)detail};
	return mc_store_par_log_add(st, &l);
}

/* A stale version is the caller's: reason STALE. */
static int stale_or(int rc, const char *what)
{
	if (rc == MC_ESTALE)
		return mc_err_set(rc, MC_REASON_STALE, "%s changed since you read it; read it again", what);
	return rc;
}

/* ---- frameworks -------------------------------------------------------- */

int mc_app_par_framework_create(mc_store *st, mc_par_framework *f, const mc_par_criterion *crit,
				size_t n_crit, const int64_t *unit_ids, size_t n_units)
{
	mc_par_node *nodes = NULL;
	int rc = 0;

	mc_err_clear();
	if (!mc_par_group_name(f->group))
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "group is not one of the groups");
	if (n_crit > 0 || f->group != MC_PAR_GROUP_SERVICE) {
		size_t bad = 0;
		nodes = mc_xcalloc(n_crit ? n_crit : 1, sizeof *nodes);
		for (size_t i = 0; i < n_crit; i++)
			nodes[i] = (mc_par_node){crit[i].code, crit[i].parent, crit[i].max_cp, crit[i].method,
						 crit[i].formula};
		mc_par_tree_rule rule = mc_par_tree_check(nodes, n_crit, &bad, registry_knows, NULL);
		if (rule != MC_PAR_TREE_OK) {
			rc = mc_err_set(
			    MC_EINVAL, MC_REASON_INVALID_FIELD, "criteria[%zu]: %s", bad,
			    rule == MC_PAR_TREE_SUM	  ? "the parts do not add up to their parent"
			    : rule == MC_PAR_TREE_PARENT  ? "its parent is not defined before it"
			    : rule == MC_PAR_TREE_CODE	  ? "its code is empty, malformed or taken"
			    : rule == MC_PAR_TREE_DEPTH	  ? "deeper than area, criterion, sub-criterion"
			    : rule == MC_PAR_TREE_MAX	  ? "its maximum must be above 0"
			    : rule == MC_PAR_TREE_METHOD  ? "a leaf needs a method, a parent has none"
			    : rule == MC_PAR_TREE_FORMULA ? "a computed criterion needs a known formula"
			    : rule == MC_PAR_TREE_TOTAL	  ? "the areas' maxima add up to more than 1000 "
							    "points, the most a framework holds"
							  : "there must be 1 to 400 criteria");
			goto cleanup;
		}
	}
	/* Each unit must be of the framework's group: a district is not rated
	 * among the departments (docs/par-index.md §1). */
	for (size_t i = 0; i < n_units && rc == 0; i++) {
		mc_par_unit_kind k;
		rc = mc_store_par_unit_kind(st, &k, unit_ids[i]);
		if (rc == MC_ENOTFOUND) {
			rc = mc_err_set(rc, MC_REASON_UNKNOWN_UNIT, "units[%zu] does not exist", i);
		} else if (rc == 0) {
			int g = mc_par_group_of(k.level, k.public_service);
			if (g != f->group)
				rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
						"units[%zu]: %s is %s, not of the group %s", i, k.code,
						g ? mc_par_group_name(g) : "of no group (the province)",
						mc_par_group_name(f->group));
		}
		mc_par_unit_kind_clear(&k);
	}
	if (rc)
		goto cleanup;
	rc = mc_store_par_framework_add(st, f, crit, n_crit, unit_ids, n_units);
	if (rc == MC_ECONFLICT)
		rc = mc_err_set(rc, MC_REASON_DUPLICATE, "%d has a framework for the group %s already",
				f->year, mc_par_group_name(f->group));
	else if (rc == MC_ENOTFOUND)
		rc = mc_err_set(rc, MC_REASON_UNKNOWN_UNIT, "a unit named does not exist");
cleanup:
	free(nodes);
	return rc;
}

int mc_app_par_framework_copy(mc_store *st, int64_t *out_id, int64_t from_id, int to_year, int64_t deadline,
			      int64_t now)
{
	mc_par_framework from = {0}, f = {0};
	mc_par_criterion *crit = NULL;
	mc_par_unit *units = NULL;
	int64_t *ids = NULL;
	size_t n_crit = 0, n_units = 0;
	int rc = 0;

	mc_err_clear();
	*out_id = 0;
	rc = mc_store_par_framework_get(st, &from, from_id);
	if (rc == MC_ENOTFOUND)
		rc = mc_err_set(rc, MC_REASON_NOT_FOUND, "no framework has id %lld", (long long)from_id);
	if (rc == 0)
		rc = mc_store_par_criteria(st, &crit, &n_crit, from_id);
	if (rc == 0)
		rc = mc_store_par_units(st, &units, &n_units, from_id, 0);
	if (rc)
		goto cleanup;
	ids = mc_xcalloc(n_units ? n_units : 1, sizeof *ids);
	for (size_t i = 0; i < n_units; i++)
		ids[i] = units[i].unit_id;
	f.year = to_year;
	f.group = from.group;
	f.deadline = deadline;
	f.created_at = now;
	rc = mc_app_par_framework_create(st, &f, crit, n_crit, ids, n_units);
	if (rc == 0)
		*out_id = f.id;
cleanup:
	free(ids);
	mc_par_framework_clear(&from);
	mc_par_criterion_free_list(crit, n_crit);
	mc_par_unit_free_list(units, n_units);
	return rc;
}

int mc_app_par_group_units(mc_store *st, int64_t **out, size_t *n, int group, int year)
{
	*out = NULL;
	*n = 0;
	if (!mc_par_group_name(group))
		return MC_EINVAL;
	return mc_store_par_units_of_kind(
	    st, out, n, group == MC_PAR_GROUP_SERVICE ? NULL : mc_par_group_name(group),
	    group == MC_PAR_GROUP_SERVICE, mc_days_from_civil(year, 1, 1), mc_days_from_civil(year, 12, 31));
}

/* ---- the cycle --------------------------------------------------------- */

int mc_app_par_self(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t unit_id, const char *code,
		    bool has_points, int32_t points, const char *note, const char *evidence,
		    int64_t if_version, int64_t now, mc_par_score *out)
{
	mc_par_framework f = {0};
	mc_par_criterion c = {0};
	mc_par_unit u = {0};
	mc_par_score old = {0};
	int rc = 0;

	mc_err_clear();
	memset(out, 0, sizeof *out);
	if (!mc_app_par_is_assessor(a, unit_id)) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				"only the unit's own leaders and specialists assess it");
		goto cleanup;
	}
	rc = open_framework(st, &f, framework_id);
	if (rc == 0)
		rc = unit_of(st, &u, framework_id, unit_id);
	if (rc == 0)
		rc = leaf_of(st, &c, framework_id, code);
	if (rc)
		goto cleanup;
	if (c.method != MC_PAR_SELF) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "criterion %s is %s, not self-assessed",
				c.code, mc_par_method_name(c.method));
		goto cleanup;
	}
	if (f.deadline && now > f.deadline) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "the self-assessment's deadline has passed");
		goto cleanup;
	}
	if (u.submitted_at) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				"the unit's self-assessment has been submitted");
		goto cleanup;
	}
	if (has_points && (rc = points_in_range(&c, points)) != 0)
		goto cleanup;
	rc = mark_of(st, &old, framework_id, unit_id, code);
	if (rc)
		goto cleanup;
	out->framework_id = framework_id;
	out->unit_id = unit_id;
	out->code = mc_xstrdup(code);
	out->has_self = has_points;
	out->self_cp = points;
	out->note = mc_xstrdup(note ? note : "");
	out->evidence = mc_xstrdup(evidence ? evidence : "");
	out->updated_by = a->user_id;
	out->updated_at = now;
	rc = stale_or(mc_store_par_score_put(st, out, MC_PAR_PUT_SELF, if_version), "the mark");
	if (rc == 0) {
		/* The evidence before and after, so that a change of files alone
		 * is a line that says which (docs/par-index.md §4). */
		char *detail = NULL;
		if ((old.evidence && old.evidence[0]) || out->evidence[0]) {
			json_t *d = json_pack("{s:o, s:o}", "evidence", evidence_json(out->evidence),
					      "old_evidence", evidence_json(old.evidence));
			detail = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
			json_decref(d);
			if (!detail)
				rc = MC_ERROR;
		}
		if (rc == 0)
			rc = log_change(st, framework_id, unit_id, code, "self", old.has_self, old.self_cp,
					has_points, points, note, a->user_id, now, detail);
		free(detail);
	}
	if (rc == 0) {
		/* The mark as stored, every part of it, for the reply. */
		mc_par_score_clear(out);
		rc = mark_of(st, out, framework_id, unit_id, code);
	}
cleanup:
	if (rc)
		mc_par_score_clear(out);
	mc_par_score_clear(&old);
	mc_par_framework_clear(&f);
	criterion_clear(&c);
	unit_clear(&u);
	return rc;
}

int mc_app_par_submit(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t unit_id, int64_t now)
{
	mc_par_framework f = {0};
	mc_par_unit u = {0};
	int rc = 0;

	mc_err_clear();
	if (!mc_app_par_is_assessor(a, unit_id)) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				"only the unit's own leaders and specialists assess it");
		goto cleanup;
	}
	rc = open_framework(st, &f, framework_id);
	if (rc == 0)
		rc = unit_of(st, &u, framework_id, unit_id);
	if (rc)
		goto cleanup;
	if (f.deadline && now > f.deadline) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "the self-assessment's deadline has passed");
		goto cleanup;
	}
	if (u.submitted_at) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				"the unit's self-assessment has been submitted");
		goto cleanup;
	}
	rc = mc_store_par_unit_submit(st, framework_id, unit_id, now);
	if (rc == 0)
		rc = log_change(st, framework_id, unit_id, "", "submit", false, 0, false, 0, "", a->user_id,
				now, NULL);
cleanup:
	mc_par_framework_clear(&f);
	unit_clear(&u);
	return rc;
}

int mc_app_par_appraise(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t unit_id,
			const char *code, bool has_points, int32_t points, bool not_applicable,
			const char *reason, int64_t if_version, int64_t now, mc_par_score *out)
{
	mc_par_framework f = {0};
	mc_par_criterion c = {0};
	mc_par_unit u = {0};
	mc_par_score old = {0};
	int rc = 0;

	mc_err_clear();
	memset(out, 0, sizeof *out);
	rc = council_or_fail(st, a);
	if (rc == 0)
		rc = open_framework(st, &f, framework_id);
	if (rc == 0)
		rc = unit_of(st, &u, framework_id, unit_id);
	if (rc == 0)
		rc = not_own_unit_or_fail(st, a, unit_id);
	if (rc == 0)
		rc = leaf_of(st, &c, framework_id, code);
	if (rc)
		goto cleanup;
	if (has_points && c.method != MC_PAR_SELF && c.method != MC_PAR_APPRAISED) {
		rc = mc_err_set(
		    MC_EINVAL, MC_REASON_INVALID_FIELD,
		    "criterion %s is %s: the council scores only self-assessed and appraised criteria",
		    c.code, mc_par_method_name(c.method));
		goto cleanup;
	}
	if (!reason || !reason[0]) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD, "the council gives its reason");
		goto cleanup;
	}
	if (has_points && (rc = points_in_range(&c, points)) != 0)
		goto cleanup;
	rc = mark_of(st, &old, framework_id, unit_id, code);
	if (rc)
		goto cleanup;
	out->framework_id = framework_id;
	out->unit_id = unit_id;
	out->code = mc_xstrdup(code);
	out->has_council = has_points;
	out->council_cp = points;
	out->not_applicable = not_applicable;
	out->reason = mc_xstrdup(reason);
	out->updated_by = a->user_id;
	out->updated_at = now;
	rc = stale_or(mc_store_par_score_put(st, out, MC_PAR_PUT_COUNCIL, if_version), "the mark");
	if (rc == 0)
		rc = log_change(st, framework_id, unit_id, code,
				not_applicable ? "not_applicable" : "appraise", old.has_council,
				old.council_cp, has_points, points, reason, a->user_id, now, NULL);
	if (rc == 0) {
		mc_par_score_clear(out);
		rc = mark_of(st, out, framework_id, unit_id, code);
	}
cleanup:
	if (rc)
		mc_par_score_clear(out);
	mc_par_score_clear(&old);
	mc_par_framework_clear(&f);
	criterion_clear(&c);
	unit_clear(&u);
	return rc;
}

int mc_app_par_survey(mc_store *st, const mc_actor *a, int64_t framework_id, const mc_par_survey_row *rows,
		      size_t n, size_t *bad, int64_t now)
{
	mc_par_framework f = {0};
	mc_par_criterion *crit = NULL;
	mc_par_unit *units = NULL;
	size_t n_crit = 0, n_units = 0, i = 0;
	int rc = 0;

	mc_err_clear();
	*bad = 0;
	rc = council_or_fail(st, a);
	if (rc == 0)
		rc = open_framework(st, &f, framework_id);
	if (rc == 0)
		rc = mc_store_par_criteria(st, &crit, &n_crit, framework_id);
	if (rc == 0)
		rc = mc_store_par_units(st, &units, &n_units, framework_id, 0);
	for (i = 0; rc == 0 && i < n; i++) {
		const mc_par_criterion *c = NULL;
		const mc_par_unit *u = NULL;
		for (size_t k = 0; k < n_crit && !c; k++)
			c = strcmp(crit[k].code, rows[i].code) == 0 ? &crit[k] : NULL;
		for (size_t k = 0; k < n_units && !u; k++)
			u = strcmp(units[k].unit_code, rows[i].unit_code) == 0 ? &units[k] : NULL;
		if (!u) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"unit %.40s is not rated in this framework", rows[i].unit_code);
		} else if (!c || c->method != MC_PAR_SURVEY) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"criterion %.40s is not a survey criterion of this framework",
					rows[i].code);
		} else {
			rc = points_in_range(c, rows[i].points);
		}
		if (rc == 0) {
			mc_par_score s = {.framework_id = framework_id,
					  .unit_id = u->unit_id,
					  .code = (char *)c->code,
					  .has_value = true,
					  .value_cp = rows[i].points,
					  .figures = "{\"source\":\"survey\"}",
					  .updated_by = a->user_id,
					  .updated_at = now};
			/* The value it replaces (an earlier import's), for the log. */
			mc_par_score old = {0};
			rc = mark_of(st, &old, framework_id, u->unit_id, c->code);
			if (rc == 0)
				rc = mc_store_par_score_put(st, &s, MC_PAR_PUT_VALUE, 0);
			if (rc == 0)
				rc =
				    log_change(st, framework_id, u->unit_id, c->code, "survey", old.has_value,
					       old.value_cp, true, rows[i].points, "", a->user_id, now, NULL);
			mc_par_score_clear(&old);
		}
		if (rc)
			*bad = i;
	}
	mc_par_framework_clear(&f);
	mc_par_criterion_free_list(crit, n_crit);
	mc_par_unit_free_list(units, n_units);
	return rc;
}

int mc_app_par_compute(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t now, size_t *count)
{
	mc_par_framework f = {0};
	mc_par_criterion *crit = NULL;
	mc_par_unit *units = NULL;
	size_t n_crit = 0, n_units = 0;
	int rc = 0;

	mc_err_clear();
	*count = 0;
	rc = council_or_fail(st, a);
	if (rc == 0)
		rc = open_framework(st, &f, framework_id);
	if (rc == 0)
		rc = mc_store_par_criteria(st, &crit, &n_crit, framework_id);
	if (rc == 0)
		rc = mc_store_par_units(st, &units, &n_units, framework_id, 0);
	for (size_t k = 0; rc == 0 && k < n_crit; k++) {
		const mc_par_formula *fm = NULL;
		if (crit[k].method != MC_PAR_COMPUTED)
			continue;
		fm = mc_app_par_formula(crit[k].formula);
		if (!fm) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"criterion %s has an unknown formula", crit[k].code);
			break;
		}
		for (size_t i = 0; rc == 0 && i < n_units; i++) {
			mc_par_figures fig = {0};
			char figures[320];
			rc = fm->count(st, &fig, units[i].unit_id, f.year);
			if (rc)
				break;
			bool empty = fig.denominator <= 0;
			int32_t pts = empty ? (fm->empty_is_full ? crit[k].max_cp : 0)
					    : mc_app_par_points(crit[k].max_cp, &fig);
			snprintf(figures, sizeof figures,
				 "{\"formula\":\"%s\",\"numerator\":%lld,\"denominator\":%lld,\"year\":%d,"
				 "\"link\":\"%s\"}",
				 fm->key, (long long)fig.numerator, (long long)fig.denominator, f.year,
				 fig.link);
			mc_par_score s = {.framework_id = framework_id,
					  .unit_id = units[i].unit_id,
					  .code = crit[k].code,
					  .has_value = !(empty && !fm->empty_is_full),
					  .value_cp = pts,
					  .figures = figures,
					  .updated_by = a->user_id,
					  .updated_at = now};
			rc = mc_store_par_score_put(st, &s, MC_PAR_PUT_VALUE, 0);
			if (rc == 0)
				(*count)++;
		}
	}
	if (rc == 0)
		rc = log_change(st, framework_id, 0, "", "compute", false, 0, false, 0, "", a->user_id, now,
				NULL);
	mc_par_framework_clear(&f);
	mc_par_criterion_free_list(crit, n_crit);
	mc_par_unit_free_list(units, n_units);
	return rc;
}

int mc_app_par_rating(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t unit_id, int32_t tasks,
		      int cap, int decided, const char *reason, int64_t if_version)
{
	mc_par_framework f = {0};
	mc_par_unit u = {0};
	int rc = 0;

	mc_err_clear();
	rc = council_or_fail(st, a);
	if (rc == 0)
		rc = open_framework(st, &f, framework_id);
	if (rc == 0)
		rc = unit_of(st, &u, framework_id, unit_id);
	if (rc == 0)
		rc = not_own_unit_or_fail(st, a, unit_id);
	if (rc)
		goto cleanup;
	if (tasks < -1 || tasks > 10000) {
		rc =
		    mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "tasks must be a share between 0 and 100");
		goto cleanup;
	}
	if ((cap || decided) && (!reason || !reason[0])) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD, "a cap or a decision needs its reason");
		goto cleanup;
	}
	/* The line records the grades as grades, the cap and the tasks share,
	 * and what they replace, decision and reason (docs/par-index.md §4). */
	json_t *d = json_pack("{s:o, s:o, s:o, s:{s:o, s:o, s:o, s:s}}", "cap", grade_json(cap), "tasks",
			      tasks_json(tasks), "decided", grade_json(decided), "old", "cap",
			      grade_json(u.cap), "tasks", tasks_json(u.tasks), "decided",
			      grade_json(u.decided), "reason", u.reason ? u.reason : "");
	char *detail = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8)) : NULL;
	json_decref(d);
	if (!detail) {
		rc = MC_ERROR;
		goto cleanup;
	}
	u.tasks = tasks;
	u.cap = cap;
	u.decided = decided;
	free(u.reason);
	u.reason = mc_xstrdup(reason ? reason : "");
	rc = stale_or(mc_store_par_unit_rating(st, &u, if_version), "the unit's rating");
	if (rc == 0)
		rc = log_change(st, framework_id, unit_id, "", "rating", false, 0, false, 0, reason,
				a->user_id, mc_now(), detail);
	free(detail);
cleanup:
	mc_par_framework_clear(&f);
	unit_clear(&u);
	return rc;
}

int mc_app_par_publish(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t if_version,
		       const char *decision, int64_t now)
{
	mc_par_framework f = {0};
	int rc = 0;

	mc_err_clear();
	rc = council_or_fail(st, a);
	if (rc == 0)
		rc = open_framework(st, &f, framework_id);
	if (rc)
		goto cleanup;
	if (!decision || !decision[0]) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
				"the decision that announces the results is named");
		goto cleanup;
	}
	rc = stale_or(mc_store_par_framework_publish(st, framework_id, if_version ? if_version : f.version,
						     decision, now),
		      "the framework");
	if (rc == 0)
		rc = log_change(st, framework_id, 0, "", "publish", false, 0, false, 0, decision, a->user_id,
				now, NULL);
cleanup:
	mc_par_framework_clear(&f);
	return rc;
}

/* ---- results ----------------------------------------------------------- */

int mc_app_par_rules(mc_store *st, mc_par_rules *out, int year)
{
	mc_par_rules_row row;
	int rc = mc_store_par_rules_get(st, &row, year);
	/* The defaults (docs/par-index.md §5): 90 %, 70 %, 50 %, no other condition. */
	*out = (mc_par_rules){.excellent_index = 9000, .good_index = 7000, .done_index = 5000};
	if (rc == MC_ENOTFOUND)
		return 0;
	if (rc == 0)
		*out = (mc_par_rules){row.excellent_index, row.good_index, row.done_index,
				      row.excellent_tasks, row.good_tasks, row.excellent_share};
	return rc;
}

void mc_par_result_clear(mc_par_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->results && i < r->n_units; i++)
		free(r->results[i].nodes);
	free(r->results);
	mc_par_framework_clear(&r->framework);
	mc_par_criterion_free_list(r->criteria, r->n_criteria);
	mc_par_unit_free_list(r->units, r->n_units);
	memset(r, 0, sizeof *r);
}

int mc_app_par_results(mc_store *st, mc_par_result *out, int64_t framework_id)
{
	mc_par_score *scores = NULL;
	size_t n_scores = 0;
	mc_par_node *nodes = NULL;
	mc_par_mark *marks = NULL;
	mc_par_rated *rated = NULL;
	int rc = 0;

	memset(out, 0, sizeof *out);
	rc = mc_store_par_framework_get(st, &out->framework, framework_id);
	if (rc == 0)
		rc = mc_store_par_criteria(st, &out->criteria, &out->n_criteria, framework_id);
	if (rc == 0)
		rc = mc_store_par_units(st, &out->units, &out->n_units, framework_id, 0);
	if (rc == 0)
		rc = mc_store_par_scores(st, &scores, &n_scores, framework_id, 0);
	if (rc == 0)
		rc = mc_app_par_rules(st, &out->rules, out->framework.year);
	if (rc)
		goto cleanup;
	size_t nc = out->n_criteria, nu = out->n_units;
	nodes = mc_xcalloc(nc ? nc : 1, sizeof *nodes);
	marks = mc_xcalloc(nc ? nc : 1, sizeof *marks);
	rated = mc_xcalloc(nu ? nu : 1, sizeof *rated);
	out->results = mc_xcalloc(nu ? nu : 1, sizeof *out->results);
	for (size_t k = 0; k < nc; k++) {
		const mc_par_criterion *c = &out->criteria[k];
		nodes[k] = (mc_par_node){c->code, c->parent, c->max_cp, c->method, c->formula};
	}
	size_t s = 0;
	for (size_t i = 0; i < nu; i++) {
		mc_par_result_unit *ru = &out->results[i];
		mc_par_total sum = {0};
		memset(marks, 0, (nc ? nc : 1) * sizeof *marks);
		/* Scores come by unit id and the framework's order; units by code. */
		for (s = 0; s < n_scores; s++) {
			if (scores[s].unit_id != out->units[i].unit_id)
				continue;
			for (size_t k = 0; k < nc; k++) {
				if (strcmp(out->criteria[k].code, scores[s].code) == 0) {
					marks[k] =
					    (mc_par_mark){scores[s].not_applicable, scores[s].has_self,
							  scores[s].self_cp,	    scores[s].has_council,
							  scores[s].council_cp,	    scores[s].has_value,
							  scores[s].value_cp};
					break;
				}
			}
		}
		ru->unit_id = out->units[i].unit_id;
		ru->unit_code = out->units[i].unit_code;
		ru->unit_name = out->units[i].unit_name;
		ru->submitted = out->units[i].submitted_at != 0;
		ru->nodes = mc_xcalloc(nc ? nc : 1, sizeof *ru->nodes);
		ru->index = -1;
		if (nc > 0) {
			rc = mc_par_totals(ru->nodes, &sum, nodes, nc, marks);
			if (rc)
				goto cleanup;
			ru->points_cp = sum.points_cp;
			ru->max_cp = sum.applicable_cp;
			ru->index = mc_par_index(sum.points_cp, sum.applicable_cp);
		}
		rated[i] = (mc_par_rated){.index = ru->index,
					  .tasks = out->units[i].tasks,
					  .cap = out->units[i].cap,
					  .decided = out->units[i].decided};
	}
	mc_par_rate(rated, nu, &out->rules);
	for (size_t i = 0; i < nu; i++) {
		mc_par_result_unit *ru = &out->results[i];
		ru->proposed = rated[i].proposed;
		ru->grade = rated[i].grade;
		/* Rank within the group by index; ties share the better rank. */
		if (ru->index >= 0) {
			ru->rank = 1;
			for (size_t k = 0; k < nu; k++)
				ru->rank += out->results[k].index > ru->index;
		}
	}
cleanup:
	free(nodes);
	free(marks);
	free(rated);
	mc_par_score_free_list(scores, n_scores);
	if (rc)
		mc_par_result_clear(out);
	return rc;
}

int mc_app_par_log_verify(mc_store *st, bool *ok, int64_t *bad, int64_t framework_id)
{
	mc_par_log *log = NULL;
	size_t n = 0;
	const char *prev = "";
	int rc = mc_store_par_log_list(st, &log, &n, framework_id, 0);

	*ok = rc == 0;
	*bad = 0;
	for (size_t i = 0; rc == 0 && i < n && *ok; i++) {
		char hash[MC_PAR_HASH_LEN];
		const mc_par_log *l = &log[i];
		mc_par_log_hash(hash, prev, l->framework_id, l->unit_id, l->code, l->what,
				l->has_old ? &l->old_cp : NULL, l->has_new ? &l->new_cp : NULL, l->reason,
				l->user_id, l->at, l->detail);
		if (strcmp(l->prev_hash, prev) != 0 || strcmp(l->hash, hash) != 0) {
			*ok = false;
			*bad = l->id;
		}
		prev = l->hash;
	}
	mc_par_log_free_list(log, n);
	return rc;
}
