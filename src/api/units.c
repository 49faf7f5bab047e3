/* /api/v1/units - the tree of units. */
#include "api/api.h"

#include "core/code.h"
#include "core/limits.h"

#include <stdlib.h>
#include <string.h>

static const char *parent_code(const mc_unit *list, size_t n, int64_t parent_id)
{
	for (size_t i = 0; i < n; i++) {
		if (list[i].id == parent_id)
			return list[i].code;
	}
	return NULL;
}

void mc_api_units_list(mc_req *r)
{
	mc_unit *list = NULL;
	size_t n = 0;
	int rc = mc_store_unit_list(mc_req_store(r), &list, &n);
	if (rc != 0) {
		mc_reply_error(r, rc, "the unit list");
		return;
	}
	const char *level = mc_req_query(r, "level");
	const char *parent = mc_req_query(r, "parent");
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *pc = parent_code(list, n, list[i].parent_id);
		if (level && strcmp(level, list[i].level) != 0)
			continue;
		if (parent && (!pc || strcmp(parent, pc) != 0))
			continue;
		json_array_append_new(items, mc_api_unit_json(&list[i], pc));
	}
	mc_unit_free_list(list, n);
	mc_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void mc_api_unit_get(mc_req *r)
{
	mc_unit u, p;
	int rc = mc_store_unit_by_code(mc_req_store(r), &u, mc_req_param(r, 0));
	if (rc != 0) {
		mc_reply_error(r, rc, "the unit");
		return;
	}
	const char *pc = NULL;
	if (u.parent_id && mc_store_unit_get(mc_req_store(r), &p, u.parent_id) == 0)
		pc = p.code;
	json_t *j = mc_api_unit_json(&u, pc);
	if (u.parent_id)
		mc_unit_clear(&p);
	mc_unit_clear(&u);
	mc_reply_json(r, 200, j);
}

static const char *const levels[] = {"province", "department", "district", "commune"};

static bool level_valid(const char *s)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(levels); i++) {
		if (strcmp(s, levels[i]) == 0)
			return true;
	}
	return false;
}

typedef struct {
	mc_unit u;
	bool create;
} unit_write;

static int unit_write_fn(mc_store *st, void *payload)
{
	unit_write *w = payload;
	return w->create ? mc_store_unit_create(st, &w->u) : mc_store_unit_update(st, &w->u);
}

static void unit_after(mc_req *r, int rc, void *payload)
{
	unit_write *w = payload;
	if (rc == MC_ECONFLICT) {
		mc_reply_problem(r, MC_PROB_DUPLICATE, "a unit with code %s exists already", w->u.code);
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the unit");
		return;
	}
	/* Office hours feed the deadline rules. */
	mc_req_reload_time(r);
	mc_unit p = {0};
	const char *pc = NULL;
	if (w->u.parent_id && mc_store_unit_get(mc_req_store(r), &p, w->u.parent_id) == 0)
		pc = p.code;
	json_t *j = mc_api_unit_json(&w->u, pc);
	mc_unit_clear(&p);
	mc_reply_json(r, w->create ? 201 : 200, j);
}

static int fill_common_or_reply(mc_req *r, unit_write *w, bool create)
{
	const char *code = NULL, *name = NULL, *level = NULL, *parent = NULL, *hours = NULL, *address = NULL,
		   *phone = NULL;
	mc_field spec[] = {
	    {"code", MC_F_STRING, create, 1, MC_LIMIT_UNIT_CODE, &code, 0},
	    {"name", MC_F_NAME, create, 1, MC_LIMIT_UNIT_NAME, &name, 0},
	    {"level", MC_F_STRING, create, 1, MC_LIMIT_UNIT_LEVEL, &level, 0},
	    {"parent", MC_F_STRING, false, 1, MC_LIMIT_UNIT_CODE, &parent, 0},
	    {"office_hours", MC_F_STRING, false, 1, MC_LIMIT_UNIT_OFFICE_HOURS, &hours, 0},
	    {"address", MC_F_STRING, false, 1, MC_LIMIT_UNIT_ADDRESS, &address, 0},
	    {"phone", MC_F_STRING, false, 1, MC_LIMIT_UNIT_PHONE, &phone, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return -1;
	if (code && !mc_unit_code_valid(code)) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "code must be 1-24 letters, digits or dots");
		return -1;
	}
	if (level && !level_valid(level)) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "level must be province, department, district or commune");
		return -1;
	}
	mc_office_hours oh;
	if (hours && mc_office_hours_parse(&oh, hours) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD,
				 "office_hours must look like \"07:00-11:30,13:30-17:00\" (sorted, not overlapping)");
		return -1;
	}
	/* w->u points at strings the request owns (the store only reads them);
	 * "" for what the body leaves out of a new unit. */
	if (create) {
		w->u.code = (char *)code;
		w->u.level = (char *)level;
		w->u.province_code = w->u.office_hours = w->u.address = w->u.phone = "";
		if (parent) {
			mc_unit p;
			int rc = mc_store_unit_by_code(mc_req_store(r), &p, parent);
			if (rc == MC_ENOTFOUND) {
				mc_reply_problem(r, MC_PROB_UNKNOWN_UNIT, "no unit has code %s", parent);
				return -1;
			}
			if (rc != 0) {
				mc_reply_error(r, rc, "the parent unit");
				return -1;
			}
			w->u.parent_id = p.id;
			w->u.province_code = mc_req_own(r, mc_xstrdup(p.province_code));
			mc_unit_clear(&p);
		}
	}
	if (name)
		w->u.name = (char *)name;
	if (hours)
		w->u.office_hours = (char *)hours;
	if (address)
		w->u.address = (char *)address;
	if (phone)
		w->u.phone = (char *)phone;
	return 0;
}

void mc_api_unit_create(mc_req *r)
{
	unit_write *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	w->create = true;
	if (fill_common_or_reply(r, w, true) != 0)
		return;
	/* A unit goes under a unit of the administrator's subtree; a new root
	 * (another province) is for the root's administrator. */
	if (w->u.parent_id) {
		if (mc_api_in_scope_or_reply(r, w->u.parent_id) != 0)
			return;
	} else if (mc_api_root_admin_or_reply(r, "create a unit without a parent") != 0) {
		return;
	}
	if (!w->u.parent_id) {
		/* A root's organisation code ends with the province's own code
		 * ("000.00.00.H56": H56), as `motcua unit add` takes it. */
		const char *dot = strrchr(w->u.code, '.');
		w->u.province_code = (char *)(dot ? dot + 1 : w->u.code);
		if (!mc_limit_fits(w->u.province_code, MC_LIMIT_UNIT_PROVINCE_CODE)) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD,
					 "code must end with the province's code of at most %d characters",
					 MC_LIMIT_UNIT_PROVINCE_CODE);
			return;
		}
	}
	mc_req_write(r, unit_write_fn, unit_after, w);
}

void mc_api_unit_update(mc_req *r)
{
	unit_write *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	int rc = mc_store_unit_by_code(mc_req_store(r), &w->u, mc_req_param(r, 0));
	if (rc != 0) {
		mc_reply_error(r, rc, "the unit");
		return;
	}
	/* Its strings go to the request, as those of the body that replace them. */
	mc_api_unit_own(r, &w->u);
	/* Its name, office hours (which set its dossiers' due times) and
	 * address are its subtree's administrators' to change; the root
	 * unit's are the root's administrator's. */
	if (mc_api_in_scope_or_reply(r, w->u.id) != 0)
		return;
	if (fill_common_or_reply(r, w, false) != 0)
		return;
	mc_req_write(r, unit_write_fn, unit_after, w);
}
