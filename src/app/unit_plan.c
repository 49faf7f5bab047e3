/*
 * app/unit_plan.c - reorganisation plans of the units: checked, previewed
 * and applied (app/unit_plan.h, docs/units.md).
 */
#include "app/unit_plan.h"

#include "app/document.h"
#include "app/task.h"
#include "store/store_document.h"
#include "store/store_task.h"

#include "core/buf.h"
#include "core/code.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/mc.h"
#include "core/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPERATIONS 2000

/*
 * The first day a plan may take effect. Day 0 (1970-01-01) is the store's
 * "none" for valid_from and valid_to, so a plan dated on it would end
 * nothing; and motcua holds nothing from before 2000: a dossier's code names
 * its day as yymmdd of 2000-2099 (core/code.c). A plan dated before it is
 * a slip of the keyboard, not a reorganisation the system can record.
 */
#define PLAN_FIRST_YEAR 2000

static const char *const levels[] = {"province", "department", "district", "commune"};

/* A unit the plan creates; parent names an existing unit or one created before it. */
typedef struct {
	char *code;
	char *name;
	char *level;
	char *parent;
	char *from; /* the unit it takes over from (rename, move, split): its hours and address; NULL */
} plan_new;

/* A unit the plan ends, and where its place goes. */
typedef struct {
	char *from;
	const char *kind; /* merge | split | rename | move | end */
	char **to;	  /* successors' codes; to[0] takes the open dossiers and users */
	size_t n_to;
} plan_end;

struct mc_plan {
	char *name;
	int32_t day;
	bool deactivate_users;
	plan_new *news;
	size_t n_news, cap_news;
	plan_end *ends;
	size_t n_ends, cap_ends;
	mc_unit *units; /* every unit as it stood when checked */
	size_t n_units;
	char **texts; /* the texts read from the body, cleaned (text_member) */
	size_t n_texts, cap_texts;
};

void mc_plan_free(mc_plan *p)
{
	if (!p)
		return;
	free(p->name);
	for (size_t i = 0; i < p->n_news; i++) {
		free(p->news[i].code);
		free(p->news[i].name);
		free(p->news[i].level);
		free(p->news[i].parent);
		free(p->news[i].from);
	}
	free(p->news);
	for (size_t i = 0; i < p->n_ends; i++) {
		free(p->ends[i].from);
		mc_strv_free(p->ends[i].to, p->ends[i].n_to);
	}
	free(p->ends);
	mc_unit_free_list(p->units, p->n_units);
	mc_strv_free(p->texts, p->n_texts);
	free(p);
}

const char *mc_plan_name(const mc_plan *p)
{
	return p->name;
}

int32_t mc_plan_day(const mc_plan *p)
{
	return p->day;
}

void mc_plan_day_format(char out[11], int32_t day)
{
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	/* The bounds tell the compiler the text fits its 11 bytes. */
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

/* Records where and why the plan is refused; returns code. */
static int refuse(mc_plan_problem *pb, int code, const char *field, const char *rule, const char *msg)
{
	snprintf(pb->field, sizeof pb->field, "%s", field);
	snprintf(pb->rule, sizeof pb->rule, "%s", rule);
	return mc_err_set(code, code == MC_ENOTFOUND ? MC_REASON_UNKNOWN_UNIT : MC_REASON_INVALID_FIELD,
			  "%s: %s", field, msg);
}

static const mc_unit *unit_of(const mc_plan *p, const char *code)
{
	for (size_t i = 0; i < p->n_units; i++) {
		if (strcmp(p->units[i].code, code) == 0)
			return &p->units[i];
	}
	return NULL;
}

static const mc_unit *unit_by_id(const mc_plan *p, int64_t id)
{
	for (size_t i = 0; i < p->n_units; i++) {
		if (p->units[i].id == id)
			return &p->units[i];
	}
	return NULL;
}

static const plan_new *new_of(const mc_plan *p, const char *code, size_t before)
{
	for (size_t i = 0; i < before && i < p->n_news; i++) {
		if (strcmp(p->news[i].code, code) == 0)
			return &p->news[i];
	}
	return NULL;
}

static const plan_end *end_of(const mc_plan *p, const char *code)
{
	for (size_t i = 0; i < p->n_ends; i++) {
		if (strcmp(p->ends[i].from, code) == 0)
			return &p->ends[i];
	}
	return NULL;
}

static bool level_valid(const char *s)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(levels); i++) {
		if (strcmp(s, levels[i]) == 0)
			return true;
	}
	return false;
}

/* A text member of o, cleaned as the API cleans its fields (NFC, trimmed;
 * a name without invisible characters): *out kept by the plan, NULL when
 * absent. Refused when present and not such a text of 1..max characters. */
static int text_member(const char **out, mc_plan *p, mc_plan_problem *pb, json_t *o, const char *key,
		       const char *path, int max)
{
	char field[96];
	char *clean = NULL;
	json_t *v = json_object_get(o, key);
	mc_text_kind kind = strcmp(key, "name") == 0 ? MC_TEXT_NAME : MC_TEXT_LINE;

	*out = NULL;
	if (!v)
		return 0;
	snprintf(field, sizeof field, "%s.%s", path, key);
	if (!json_is_string(v) ||
	    mc_text_clean(&clean, json_string_value(v), json_string_length(v), (size_t)max, kind) != 0) {
		char msg[160];
		free(clean);
		snprintf(msg, sizeof msg, "must be text of 1 to %d characters%s", max,
			 kind == MC_TEXT_NAME ? ", without control, formatting or invisible characters" : "");
		return refuse(pb, MC_EINVAL, field, "format", msg);
	}
	MC_GROW(p->texts, p->n_texts, p->cap_texts);
	p->texts[p->n_texts++] = clean;
	*out = clean;
	return 0;
}

/* The unit an operation ends, read at path: it exists and is in force on the
 * plan's day, and ends once. */
static int ending_unit_or_refuse(mc_plan *p, mc_plan_problem *pb, json_t *v, const char *path,
				 const mc_unit **out)
{
	char msg[160];
	if (!json_is_string(v))
		return refuse(pb, MC_EINVAL, path, "format", "must be a unit's code");
	const char *code = json_string_value(v);
	const mc_unit *u = unit_of(p, code);
	if (!u) {
		snprintf(msg, sizeof msg, "no unit has code %.40s", code);
		return refuse(pb, MC_ENOTFOUND, path, "unknown", msg);
	}
	/* A unit ends once: one that has ended, even on a day after the
	 * plan's, is not ended again (its store row would refuse it). */
	if (u->valid_to) {
		char on[11];
		mc_plan_day_format(on, u->valid_to);
		snprintf(msg, sizeof msg, "unit %.40s has ended, on %s", code, on);
		return refuse(pb, MC_EINVAL, path, "ended", msg);
	}
	if (u->valid_from && u->valid_from >= p->day) {
		/* In force from a day the plan does not come after: it would end
		 * before (or as) it began. */
		char since[11];
		mc_plan_day_format(since, u->valid_from);
		snprintf(msg, sizeof msg,
			 "unit %.40s came into force on %s; a plan ending it takes effect after that day",
			 code, since);
		return refuse(pb, MC_EINVAL, "effective", "too-early", msg);
	}
	if (end_of(p, code)) {
		snprintf(msg, sizeof msg, "unit %.40s ends twice in the plan", code);
		return refuse(pb, MC_EINVAL, path, "twice", msg);
	}
	*out = u;
	return 0;
}

/* A unit the plan creates, read from o at path (defaults from `like`, the
 * unit it replaces, for rename and move); appended to p->news. */
static int new_unit_or_refuse(mc_plan *p, mc_plan_problem *pb, json_t *o, const char *path,
			      const mc_unit *like)
{
	const char *code, *name, *level, *parent;
	char field[96], msg[160];

	if (!json_is_object(o))
		return refuse(pb, MC_EINVAL, path, "format",
			      "must be a new unit {code, name, level, parent}");
	if (text_member(&code, p, pb, o, "code", path, MC_LIMIT_UNIT_CODE) ||
	    text_member(&name, p, pb, o, "name", path, MC_LIMIT_UNIT_NAME) ||
	    text_member(&level, p, pb, o, "level", path, MC_LIMIT_UNIT_LEVEL) ||
	    text_member(&parent, p, pb, o, "parent", path, MC_LIMIT_UNIT_CODE))
		return MC_EINVAL;
	const mc_unit *like_parent = like && like->parent_id ? unit_by_id(p, like->parent_id) : NULL;
	if (!name && like)
		name = like->name;
	if (!level && like)
		level = like->level;
	if (!parent && like_parent)
		parent = like_parent->code;
	snprintf(field, sizeof field, "%s.code", path);
	if (!code)
		return refuse(pb, MC_EINVAL, field, "required", "a new unit needs a code of its own");
	if (!mc_unit_code_valid(code))
		return refuse(pb, MC_EINVAL, field, "format", "code must be 1-24 letters, digits or dots");
	if (unit_of(p, code) || new_of(p, code, p->n_news)) {
		snprintf(msg, sizeof msg, "a unit with code %s exists already", code);
		return refuse(pb, MC_EINVAL, field, "duplicate", msg);
	}
	snprintf(field, sizeof field, "%s.name", path);
	if (!name)
		return refuse(pb, MC_EINVAL, field, "required", "a new unit needs a name");
	snprintf(field, sizeof field, "%s.level", path);
	if (!level || !level_valid(level))
		return refuse(pb, MC_EINVAL, field, "choice",
			      "level must be province, department, district or commune");
	snprintf(field, sizeof field, "%s.parent", path);
	if (!parent)
		return refuse(pb, MC_EINVAL, field, "required", "a new unit needs a parent");
	if (strcmp(parent, code) == 0)
		return refuse(pb, MC_EINVAL, field, "cycle", "a unit cannot be its own parent");
	const mc_unit *pu = unit_of(p, parent);
	if (!pu && !new_of(p, parent, p->n_news)) {
		snprintf(msg, sizeof msg, "no unit has code %.40s, nor does the plan create it before",
			 parent);
		return refuse(pb, MC_ENOTFOUND, field, "unknown", msg);
	}
	if (pu && !mc_unit_in_force(pu, p->day)) {
		snprintf(msg, sizeof msg, "unit %.40s is not in force on the plan's day", parent);
		return refuse(pb, MC_EINVAL, field, "ended", msg);
	}
	/* The tree keeps its shape, by the rule POST /api/v1/units follows
	 * (core/code.h mc_unit_parent_needed): no province under a commune. The
	 * field is the level when the body gives it, else the parent it names. */
	const plan_new *pn = pu ? NULL : new_of(p, parent, p->n_news);
	const char *parent_level = pu ? pu->level : pn->level;
	const char *need = mc_unit_parent_needed(level, parent_level);
	if (need) {
		bool level_given = json_object_get(o, "level") || !json_object_get(o, "parent");
		snprintf(field, sizeof field, "%s.%s", path, level_given ? "level" : "parent");
		if (!*need)
			snprintf(msg, sizeof msg, "a province is the root and has no parent (%.40s is a %s)",
				 parent, parent_level);
		else
			snprintf(msg, sizeof msg, "a %s sits under a %s, not under a %s (%.40s)", level, need,
				 parent_level, parent);
		return refuse(pb, MC_EINVAL, field, "level", msg);
	}
	MC_GROW(p->news, p->n_news, p->cap_news);
	plan_new *n = &p->news[p->n_news++];
	memset(n, 0, sizeof *n);
	n->code = mc_xstrdup(code);
	n->name = mc_xstrdup(name);
	n->level = mc_xstrdup(level);
	n->parent = mc_xstrdup(parent);
	n->from = like ? mc_xstrdup(like->code) : NULL;
	return 0;
}

static plan_end *end_add(mc_plan *p, const char *from, const char *kind)
{
	MC_GROW(p->ends, p->n_ends, p->cap_ends);
	plan_end *e = &p->ends[p->n_ends++];
	memset(e, 0, sizeof *e);
	e->from = mc_xstrdup(from);
	e->kind = kind;
	return e;
}

static void end_to(plan_end *e, const char *code)
{
	e->to = mc_xrealloc(e->to, (e->n_to + 1) * sizeof *e->to);
	e->to[e->n_to++] = mc_xstrdup(code);
}

static int operation_or_refuse(mc_plan *p, mc_plan_problem *pb, json_t *op, size_t index)
{
	char path[64], field[96], msg[160];
	const mc_unit *u = NULL;
	int rc;

	snprintf(path, sizeof path, "operations[%zu]", index);
	if (!json_is_object(op))
		return refuse(pb, MC_EINVAL, path, "format", "must be an object with a kind");
	const char *kind = json_string_value(json_object_get(op, "kind"));
	json_t *from = json_object_get(op, "from"), *into = json_object_get(op, "into");
	snprintf(field, sizeof field, "%s.kind", path);
	if (!kind)
		return refuse(pb, MC_EINVAL, field, "required",
			      "kind is merge, split, rename, move or end_level");
	if (strcmp(kind, "merge") == 0) {
		snprintf(field, sizeof field, "%s.from", path);
		if (!json_is_array(from) || json_array_size(from) == 0 || json_array_size(from) > 100)
			return refuse(pb, MC_EINVAL, field, "format", "from lists 1 to 100 units' codes");
		snprintf(field, sizeof field, "%s.into", path);
		const char *target;
		if (json_is_string(into)) {
			/* Into a unit in force that continues. */
			target = json_string_value(into);
			const mc_unit *t = unit_of(p, target);
			if (!t && !new_of(p, target, p->n_news)) {
				snprintf(msg, sizeof msg,
					 "no unit has code %.40s, nor does the plan create it before",
					 target);
				return refuse(pb, MC_ENOTFOUND, field, "unknown", msg);
			}
			if (t && !mc_unit_in_force(t, p->day)) {
				snprintf(msg, sizeof msg, "unit %.40s is not in force on the plan's day",
					 target);
				return refuse(pb, MC_EINVAL, field, "ended", msg);
			}
		} else {
			rc = new_unit_or_refuse(p, pb, into, field, NULL);
			if (rc)
				return rc;
			target = p->news[p->n_news - 1].code;
		}
		size_t i;
		json_t *v;
		json_array_foreach(from, i, v)
		{
			char at[96];
			snprintf(at, sizeof at, "%s.from[%zu]", path, i);
			if (json_is_string(v) && strcmp(json_string_value(v), target) == 0)
				return refuse(pb, MC_EINVAL, at, "self",
					      "a unit cannot be merged into itself");
			rc = ending_unit_or_refuse(p, pb, v, at, &u);
			if (rc)
				return rc;
			end_to(end_add(p, u->code, "merge"), target);
		}
		return 0;
	}
	if (strcmp(kind, "split") == 0 || strcmp(kind, "rename") == 0 || strcmp(kind, "move") == 0) {
		bool split = kind[0] == 's';
		snprintf(field, sizeof field, "%s.from", path);
		rc = ending_unit_or_refuse(p, pb, from, field, &u);
		if (rc)
			return rc;
		snprintf(field, sizeof field, "%s.into", path);
		if (split &&
		    (!json_is_array(into) || json_array_size(into) < 2 || json_array_size(into) > 100))
			return refuse(pb, MC_EINVAL, field, "format", "a split goes into 2 to 100 new units");
		plan_end *e = end_add(p, u->code, split ? "split" : kind[0] == 'r' ? "rename" : "move");
		size_t n = split ? json_array_size(into) : 1;
		/* e may move as p->ends grows: only news are added below. */
		for (size_t i = 0; i < n; i++) {
			char at[96];
			if (split)
				snprintf(at, sizeof at, "%s.into[%zu]", path, i);
			else
				snprintf(at, sizeof at, "%s", field);
			rc = new_unit_or_refuse(p, pb, split ? json_array_get(into, i) : into, at, u);
			if (rc)
				return rc;
			end_to(e, p->news[p->n_news - 1].code);
		}
		return 0;
	}
	if (strcmp(kind, "end_level") == 0) {
		const char *level = json_string_value(json_object_get(op, "level"));
		snprintf(field, sizeof field, "%s.level", path);
		if (!level || !level_valid(level) || strcmp(level, "province") == 0)
			return refuse(pb, MC_EINVAL, field, "choice",
				      "level must be department, district or commune");
		/* Each unit of the level in force ends into its parent. */
		for (size_t i = 0; i < p->n_units; i++) {
			const mc_unit *x = &p->units[i];
			if (strcmp(x->level, level) != 0 || !mc_unit_in_force(x, p->day) ||
			    end_of(p, x->code))
				continue;
			const mc_unit *parent = unit_by_id(p, x->parent_id);
			if (!parent) {
				snprintf(msg, sizeof msg, "unit %.40s has no parent to take its place",
					 x->code);
				return refuse(pb, MC_EINVAL, field, "orphan", msg);
			}
			end_to(end_add(p, x->code, "end"), parent->code);
		}
		return 0;
	}
	return refuse(pb, MC_EINVAL, field, "choice", "kind is merge, split, rename, move or end_level");
}

/* What no single operation can see: successors and parents that end in the
 * same plan, and children left in force under a unit that ends. */
static int whole_or_refuse(mc_plan *p, mc_plan_problem *pb)
{
	char msg[200];
	for (size_t i = 0; i < p->n_ends; i++) {
		for (size_t k = 0; k < p->ends[i].n_to; k++) {
			if (end_of(p, p->ends[i].to[k])) {
				snprintf(msg, sizeof msg,
					 "unit %.40s would go to %.40s, which ends in the same plan (a cycle "
					 "or a chain)",
					 p->ends[i].from, p->ends[i].to[k]);
				return refuse(pb, MC_EINVAL, "operations", "cycle", msg);
			}
		}
	}
	for (size_t i = 0; i < p->n_news; i++) {
		if (end_of(p, p->news[i].parent)) {
			snprintf(msg, sizeof msg,
				 "new unit %.40s would be placed under %.40s, which ends in the plan",
				 p->news[i].code, p->news[i].parent);
			return refuse(pb, MC_EINVAL, "operations", "cycle", msg);
		}
	}
	for (size_t i = 0; i < p->n_units; i++) {
		const mc_unit *c = &p->units[i];
		if (!c->parent_id || !mc_unit_in_force(c, p->day) || end_of(p, c->code))
			continue;
		const mc_unit *parent = unit_by_id(p, c->parent_id);
		if (parent && end_of(p, parent->code)) {
			snprintf(
			    msg, sizeof msg,
			    "unit %.40s ends but its child %.40s stays in force: merge, move or end it too",
			    parent->code, c->code);
			return refuse(pb, MC_EINVAL, "operations", "orphan", msg);
		}
	}
	return 0;
}

/*
 * A unit ends on a day it has not worked as itself yet: refused when it has
 * a dossier filed or received on the plan's day or after (it would have been
 * received by a unit that had ended), counting the days before the day of
 * `now`. The day of `now` is still being worked by the unit as the store has
 * it (in force until the plan applies): a plan dated today takes that day's
 * dossiers with it, and a scheduled plan checked again when the upkeep
 * applies it on its day is not refused by what came in that morning.
 */
static int dossiers_after_or_refuse(mc_plan *p, mc_plan_problem *pb, mc_store *st, int64_t now)
{
	/* A plan of today or later takes today's dossiers with it when
	 * applied (they came before it); one dated before today came after
	 * them all. */
	int32_t today = mc_local_day(now);
	int64_t before = p->day >= today ? mc_local_day_start(today) : INT64_MAX;
	char day[11], msg[200];

	for (size_t i = 0; i < p->n_ends; i++) {
		const mc_unit *u = unit_of(p, p->ends[i].from);
		int64_t last = 0;
		int rc = mc_store_unit_last_received(st, &last, u->id, before);
		if (rc)
			return rc;
		if (last && mc_local_day(last) >= p->day) {
			mc_plan_day_format(day, mc_local_day(last));
			snprintf(
			    msg, sizeof msg,
			    "unit %.40s has a dossier received on %s: a plan ending it takes effect after "
			    "that day",
			    u->code, day);
			return refuse(pb, MC_EINVAL, "effective", "too-early", msg);
		}
	}
	return 0;
}

/* mc_app_unit_plan_check, its dossiers counted as of `now`. */
static int plan_check(mc_plan **out, mc_plan_problem *pb, mc_store *st, const char *body, int64_t now)
{
	json_error_t jerr;
	json_t *root = NULL;
	mc_plan *p = mc_xcalloc(1, sizeof *p);
	const char *name, *effective, *users;
	int y, m, d;
	char tail;
	int rc;

	mc_err_clear();
	memset(pb, 0, sizeof *pb);
	*out = NULL;
	root = json_loads(body, 0, &jerr);
	if (!json_is_object(root)) {
		rc = refuse(pb, MC_EINVAL, "", "format", "a plan is a JSON object");
		goto cleanup;
	}
	rc = text_member(&name, p, pb, root, "name", "plan", 200);
	if (rc == 0)
		rc = text_member(&effective, p, pb, root, "effective", "plan", 10);
	if (rc == 0)
		rc = text_member(&users, p, pb, root, "users", "plan", 10);
	if (rc)
		goto cleanup;
	if (!name) {
		rc = refuse(pb, MC_EINVAL, "name", "required", "a plan needs a name");
		goto cleanup;
	}
	if (!effective || sscanf(effective, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 ||
	    y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) {
		rc = refuse(pb, MC_EINVAL, "effective", "format",
			    "effective is the day of the change, YYYY-MM-DD");
		goto cleanup;
	}
	p->day = mc_days_from_civil(y, m, d);
	char check[11];
	mc_plan_day_format(check, p->day);
	if (strcmp(check, effective) != 0) {
		rc = refuse(pb, MC_EINVAL, "effective", "format", "effective is not a day of the calendar");
		goto cleanup;
	}
	if (y < PLAN_FIRST_YEAR) {
		rc = refuse(pb, MC_EINVAL, "effective", "range", "effective is a day of 2000 or later");
		goto cleanup;
	}
	if (users && strcmp(users, "move") != 0 && strcmp(users, "deactivate") != 0) {
		rc = refuse(pb, MC_EINVAL, "users", "choice", "users is move or deactivate");
		goto cleanup;
	}
	p->deactivate_users = users && strcmp(users, "deactivate") == 0;
	p->name = mc_xstrdup(name);
	json_t *ops = json_object_get(root, "operations");
	if (!json_is_array(ops) || json_array_size(ops) == 0 || json_array_size(ops) > MAX_OPERATIONS) {
		rc = refuse(pb, MC_EINVAL, "operations", "format", "operations lists 1 to 2000 changes");
		goto cleanup;
	}
	rc = mc_store_unit_list(st, &p->units, &p->n_units);
	if (rc)
		goto cleanup;
	for (size_t i = 0; i < json_array_size(ops) && rc == 0; i++)
		rc = operation_or_refuse(p, pb, json_array_get(ops, i), i);
	if (rc == 0)
		rc = whole_or_refuse(p, pb);
	if (rc == 0)
		rc = dossiers_after_or_refuse(p, pb, st, now);
	if (rc == 0) {
		*out = p;
		p = NULL;
	}
cleanup:
	json_decref(root);
	mc_plan_free(p);
	return rc;
}

int mc_app_unit_plan_check(mc_plan **out, mc_plan_problem *pb, mc_store *st, const char *body)
{
	return plan_check(out, pb, st, body, mc_now());
}

int mc_app_unit_plan_preview(json_t **out, mc_store *st, const mc_plan *p)
{
	char day[11];
	json_t *creates = json_array(), *ends = json_array();
	int64_t total_open = 0, total_users = 0, total_tasks = 0, total_documents = 0;
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; i < p->n_news; i++) {
		const plan_new *n = &p->news[i];
		json_array_append_new(creates, json_pack("{s:s, s:s, s:s, s:s}", "code", n->code, "name",
							 n->name, "level", n->level, "parent", n->parent));
	}
	for (size_t i = 0; i < p->n_ends && rc == 0; i++) {
		const plan_end *e = &p->ends[i];
		const mc_unit *u = unit_of(p, e->from);
		int64_t open = 0, users = 0, *ids = NULL;
		size_t tasks = 0, documents = 0;
		rc = mc_store_unit_holdings(st, &open, &users, u->id);
		/* What move_work hands on, counted as it will find it. */
		if (rc == 0)
			rc = mc_store_unit_open_tasks(st, &ids, &tasks, u->id);
		free(ids);
		ids = NULL;
		if (rc == 0)
			rc = mc_store_unit_open_documents(st, &ids, &documents, u->id);
		free(ids);
		json_t *to = json_array();
		for (size_t k = 0; k < e->n_to; k++)
			json_array_append_new(to, json_string(e->to[k]));
		json_array_append_new(
		    ends, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:I}", "code", u->code,
				    "name", u->name, "level", u->level, "kind", e->kind, "successor",
				    e->to[0], "successors", to, "open_dossiers", (json_int_t)open,
				    "open_tasks", (json_int_t)tasks, "open_documents", (json_int_t)documents,
				    "active_users", (json_int_t)users));
		total_open += open;
		total_tasks += (int64_t)tasks;
		total_documents += (int64_t)documents;
		total_users += users;
	}
	if (rc) {
		json_decref(creates);
		json_decref(ends);
		return rc;
	}
	mc_plan_day_format(day, p->day);
	*out = json_pack("{s:s, s:s, s:s, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}}", "name", p->name,
			 "effective", day, "users", p->deactivate_users ? "deactivate" : "move", "creates",
			 creates, "ends", ends, "totals", "units_created", (json_int_t)p->n_news,
			 "units_ended", (json_int_t)p->n_ends, "open_dossiers", (json_int_t)total_open,
			 "open_tasks", (json_int_t)total_tasks, "open_documents", (json_int_t)total_documents,
			 "users_moved", (json_int_t)(p->deactivate_users ? 0 : total_users),
			 "users_deactivated", (json_int_t)(p->deactivate_users ? total_users : 0));
	return 0;
}

/* The id of a unit by code: created by this run (ids[i] of news) or existing. */
static int64_t id_of(const mc_plan *p, const int64_t *ids, const char *code)
{
	for (size_t i = 0; i < p->n_news; i++) {
		if (strcmp(p->news[i].code, code) == 0)
			return ids[i];
	}
	const mc_unit *u = unit_of(p, code);
	return u ? u->id : 0;
}

/* Moves the open dossiers of u to `to` with an event saying so; codes and
 * due times stay as they are. */
static int move_dossiers(mc_store *st, const mc_actor *actor, const mc_plan *p, const mc_unit *u, int64_t to,
			 const char *to_code, int64_t at, int64_t *moved)
{
	char **codes = NULL, day[11], note[400];
	size_t n = 0;
	int rc = mc_store_unit_open_dossiers(st, &codes, &n, u->id);

	mc_plan_day_format(day, p->day);
	snprintf(note, sizeof note, "%s: %.60s (%s) ended on %s; its dossiers go to %s", p->name, u->name,
		 u->code, day, to_code);
	for (size_t i = 0; i < n && rc == 0; i++) {
		mc_dossier d = {0};
		rc = mc_store_dossier_get(st, &d, codes[i], false);
		if (rc == 0) {
			d.current_unit_id = to;
			/* An officer deactivated with the unit holds it no more. */
			if (p->deactivate_users)
				d.handler_id = 0;
			d.updated_at = at;
			rc = mc_store_dossier_update(st, &d, d.version);
		}
		if (rc == 0)
			rc = mc_app_dossier_event(st, &d, actor, "reorganise", d.state, note, at);
		if (rc == 0)
			(*moved)++;
		mc_dossier_clear(&d);
	}
	mc_strv_free(codes, n);
	return rc;
}

/* Hands the open tasks of u and the documents it still has in hand to `to`,
 * each with a "reorganise" event on its chain: wherever u stood to them
 * (gave, in charge, cooperating; issuing, drafting, assigned), its
 * successor stands. Issued documents and closed tasks keep their units:
 * they are the record of what the unit did. */
static int move_work(mc_store *st, const mc_actor *actor, const mc_plan *p, const mc_unit *u, int64_t to,
		     const char *to_code, int64_t at, int64_t *tasks, int64_t *documents)
{
	char day[11], note[400];
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = mc_store_unit_open_tasks(st, &ids, &n, u->id);

	mc_plan_day_format(day, p->day);
	snprintf(note, sizeof note, "%s: %.60s (%s) ended on %s; its work goes to %s", p->name, u->name,
		 u->code, day, to_code);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = mc_app_task_reorganise(st, actor, ids[i], u->id, to, note, at);
		if (rc == 0)
			(*tasks)++;
	}
	free(ids);
	ids = NULL;
	n = 0;
	if (rc == 0)
		rc = mc_store_unit_open_documents(st, &ids, &n, u->id);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = mc_app_document_reorganise(st, actor, ids[i], u->id, to, p->deactivate_users, note, at);
		if (rc == 0)
			(*documents)++;
	}
	free(ids);
	return rc;
}

/* Does what the checked plan says, in the caller's transaction. */
static int carry_out(mc_store *st, const mc_actor *actor, const mc_plan *p, int64_t plan_id, int64_t at,
		     mc_unit_plan *rec)
{
	int64_t *ids = mc_xcalloc(p->n_news ? p->n_news : 1, sizeof *ids);
	int rc = 0;

	for (size_t i = 0; i < p->n_news && rc == 0; i++) {
		const plan_new *n = &p->news[i];
		const mc_unit *like = n->from ? unit_of(p, n->from) : NULL;
		int64_t parent_id = id_of(p, ids, n->parent);
		const mc_unit *parent = unit_of(p, n->parent);
		mc_unit u = {
		    .parent_id = parent_id,
		    .code = n->code,
		    .name = n->name,
		    .level = n->level,
		    .province_code = parent ? parent->province_code : "",
		    .office_hours = like ? like->office_hours : "",
		    .address = like ? like->address : "",
		    .phone = like ? like->phone : "",
		    .one_stop_since = like ? like->one_stop_since : p->day,
		    .electronic_one_stop_since = like ? like->electronic_one_stop_since : p->day,
		    .valid_from = p->day,
		};
		if (!parent) {
			/* Under a unit created earlier in the plan: its province. */
			for (size_t k = 0; k < i; k++) {
				if (ids[k] == parent_id) {
					const mc_unit *up = unit_of(p, p->news[k].parent);
					u.province_code = up ? up->province_code : "";
				}
			}
		}
		rc = mc_store_unit_create(st, &u);
		ids[i] = u.id;
	}
	for (size_t i = 0; i < p->n_ends && rc == 0; i++) {
		const plan_end *e = &p->ends[i];
		const mc_unit *u = unit_of(p, e->from);
		int64_t to = id_of(p, ids, e->to[0]), users = 0;
		rc = mc_store_unit_end(st, u->id, p->day, to);
		for (size_t k = 0; k < e->n_to && rc == 0; k++)
			rc = mc_store_unit_link(st, u->id, id_of(p, ids, e->to[k]), e->kind, plan_id);
		if (rc == 0)
			rc = move_dossiers(st, actor, p, u, to, e->to[0], at, &rec->moved_dossiers);
		if (rc == 0)
			rc = move_work(st, actor, p, u, to, e->to[0], at, &rec->moved_tasks,
				       &rec->moved_documents);
		/* Its apologies not issued yet follow: the successor's leaders issue them. */
		if (rc == 0)
			rc = mc_store_apology_move_prepared(st, u->id, to);
		if (rc == 0)
			rc = mc_store_unit_users_move(st, &users, u->id, p->deactivate_users ? 0 : to);
		if (p->deactivate_users)
			rec->deactivated_users += users;
		else
			rec->moved_users += users;
	}
	free(ids);
	return rc;
}

/* A list of borrowed strings. */
typedef struct {
	const char **items;
	size_t n, cap;
} strs;

static void strv_push(strs *v, const char *s)
{
	MC_GROW(v->items, v->n, v->cap);
	v->items[v->n++] = s;
}

static void strv_free(strs *v)
{
	free(v->items);
}

/* Appends to *codes the units' codes a stored plan's body names (from, into,
 * parent) and to *whole the levels it ends whole: read from the body as
 * written, for a plan whose check may refuse it now. */
static void body_codes(json_t *op_list, strs *codes, strs *whole)
{
	size_t i;
	json_t *op;
	json_array_foreach(op_list, i, op)
	{
		json_t *parts[2] = {json_object_get(op, "from"), json_object_get(op, "into")};
		const char *level = json_string_value(json_object_get(op, "level"));
		if (level)
			strv_push(whole, level);
		for (size_t k = 0; k < 2; k++) {
			json_t *v = parts[k];
			size_t n = json_is_array(v) ? json_array_size(v) : 1;
			for (size_t j = 0; j < n; j++) {
				json_t *x = json_is_array(v) ? json_array_get(v, j) : v;
				if (json_is_string(x))
					strv_push(codes, json_string_value(x));
				else if (json_is_object(x)) {
					const char *c = json_string_value(json_object_get(x, "code"));
					const char *pa = json_string_value(json_object_get(x, "parent"));
					if (c)
						strv_push(codes, c);
					if (pa)
						strv_push(codes, pa);
				}
			}
		}
	}
}

static bool strv_has(const strs *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++) {
		if (strcmp(v->items[i], s) == 0)
			return true;
	}
	return false;
}

/* Whether plan p touches the unit code: ends it, sends its place there,
 * creates it or places a new unit under it. */
static bool plan_touches(const mc_plan *p, const char *code)
{
	if (end_of(p, code) || new_of(p, code, p->n_news))
		return true;
	for (size_t i = 0; i < p->n_ends; i++) {
		for (size_t k = 0; k < p->ends[i].n_to; k++) {
			if (strcmp(p->ends[i].to[k], code) == 0)
				return true;
		}
	}
	for (size_t i = 0; i < p->n_news; i++) {
		if (strcmp(p->news[i].parent, code) == 0)
			return true;
	}
	return false;
}

/* Refuses plan p (stored as plan_id) when it touches a unit that another
 * scheduled plan also touches: applied first, it would leave that plan
 * unable to apply on its day (docs/units.md §3). */
static int scheduled_conflict_or_refuse(mc_store *st, const mc_plan *p, int64_t plan_id)
{
	mc_unit_plan *list = NULL;
	size_t n = 0;
	int rc = mc_store_unit_plan_list(st, &list, &n);

	for (size_t i = 0; i < n && rc == 0; i++) {
		if (list[i].id == plan_id || strcmp(list[i].status, "scheduled") != 0)
			continue;
		strs codes = {0}, whole = {0};
		json_t *root = json_loads(list[i].body, 0, NULL);
		body_codes(json_object_get(root, "operations"), &codes, &whole);
		const char *hit = NULL;
		for (size_t k = 0; k < codes.n && !hit; k++) {
			if (plan_touches(p, codes.items[k]))
				hit = codes.items[k];
		}
		/* A level the scheduled plan ends whole: any unit of it this plan touches. */
		for (size_t k = 0; k < p->n_units && !hit && whole.n; k++) {
			if (strv_has(&whole, p->units[k].level) &&
			    mc_unit_in_force(&p->units[k], list[i].effective_day) &&
			    plan_touches(p, p->units[k].code))
				hit = p->units[k].code;
		}
		for (size_t k = 0; k < p->n_news && !hit && whole.n; k++) {
			if (strv_has(&whole, p->news[k].level))
				hit = p->news[k].code;
		}
		if (hit) {
			char day[11], name[121];
			mc_plan_day_format(day, list[i].effective_day);
			/* Cut after a whole character: the detail stays UTF-8. */
			mc_text_cut(name, sizeof name, list[i].name);
			rc = mc_err_set(
			    MC_EINVAL, MC_REASON_INVALID_FIELD,
			    "unit %.40s is also changed by scheduled plan %lld \"%s\" (effective %s): "
			    "apply this plan after that day, or write both changes in one plan",
			    hit, (long long)list[i].id, name, day);
		}
		strv_free(&codes);
		strv_free(&whole);
		json_decref(root); /* codes and levels borrowed its strings */
	}
	mc_unit_plan_free_list(list, n);
	return rc;
}

/* mc_app_unit_plan_apply; with `by_hand`, refused when a scheduled plan
 * touches the same units. *refused tells a refusal of the plan's check (the
 * units changed) from a failure of the store. */
static int apply_one(mc_store *st, const mc_actor *actor, int64_t plan_id, int64_t at, bool by_hand,
		     bool *applied, bool *refused, mc_unit_plan *out)
{
	mc_plan *p = NULL;
	mc_plan_problem pb;
	int rc;

	mc_err_clear();
	*applied = false;
	*refused = false;
	rc = mc_store_unit_plan_get(st, out, plan_id);
	if (rc == MC_ENOTFOUND)
		return mc_err_set(rc, MC_REASON_NOT_FOUND, "no plan has id %lld", (long long)plan_id);
	if (rc)
		return rc;
	if (strcmp(out->status, "applied") == 0) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "plan %lld was applied already",
				(long long)plan_id);
		goto cleanup;
	}
	/* Checked again: the units may have changed since it was written. */
	rc = plan_check(&p, &pb, st, out->body, at);
	if (rc == 0 && by_hand)
		rc = scheduled_conflict_or_refuse(st, p, plan_id);
	if (rc) {
		*refused = rc == MC_EINVAL || rc == MC_ENOTFOUND;
		goto cleanup;
	}
	mc_unit_plan rec = *out;
	rec.moved_dossiers = rec.moved_tasks = rec.moved_documents = rec.moved_users = rec.deactivated_users =
	    0;
	rec.failure = "";
	if (p->day > mc_local_day(at)) {
		rec.status = "scheduled";
	} else {
		rec.status = "applied";
		rec.applied_at = at;
		rc = carry_out(st, actor, p, plan_id, at, &rec);
	}
	if (rc == 0)
		rc = mc_store_unit_plan_mark(st, &rec);
	if (rc == MC_ECONFLICT)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "plan %lld was applied already",
				(long long)plan_id);
	if (rc == 0) {
		*applied = strcmp(rec.status, "applied") == 0;
		mc_unit_plan_clear(out);
		rc = mc_store_unit_plan_get(st, out, plan_id);
	}
cleanup:
	mc_plan_free(p);
	if (rc)
		mc_unit_plan_clear(out);
	return rc;
}

int mc_app_unit_plan_apply(mc_store *st, const mc_actor *actor, int64_t plan_id, int64_t at, bool *applied,
			   mc_unit_plan *out)
{
	bool refused;
	return apply_one(st, actor, plan_id, at, true, applied, &refused, out);
}

int mc_app_unit_plan_apply_due(mc_store *st, int64_t now, int *n)
{
	int64_t *ids = NULL;
	size_t n_ids = 0;
	mc_actor system = {.user_id = 0, .role = MC_ROLE_ADMIN, .system = true};
	int rc = mc_store_unit_plan_due(st, &ids, &n_ids, mc_local_day(now));

	snprintf(system.name, sizeof system.name, "%s", "system");
	*n = 0;
	for (size_t i = 0; i < n_ids && rc == 0; i++) {
		mc_unit_plan rec;
		bool applied = false, refused = false;
		rc = apply_one(st, &system, ids[i], now, false, &applied, &refused, &rec);
		if (rc == 0 && applied)
			(*n)++;
		if (rc == 0)
			mc_unit_plan_clear(&rec);
		if (rc && refused) {
			/* The units changed since it was scheduled: nothing of it was
			 * written (its check comes first). Marked failed with the
			 * refusal, and the other plans still apply. */
			mc_err e;
			mc_unit_plan failed;
			mc_err_take(&e, rc);
			rc = mc_store_unit_plan_get(st, &failed, ids[i]);
			if (rc == 0) {
				fprintf(stderr,
					"motcua: scheduled reorganisation plan %lld \"%s\" cannot be applied "
					"and is "
					"marked failed: %s\n",
					(long long)ids[i], failed.name, e.msg);
				mc_unit_plan mark = failed;
				mark.status = "failed";
				mark.failure = e.msg;
				rc = mc_store_unit_plan_mark(st, &mark);
				mc_unit_plan_clear(&failed);
			}
		}
	}
	free(ids);
	return rc;
}
