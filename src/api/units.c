/* /api/v1/units - the tree of units. */
#include "api/api.h"

#include "core/code.h"
#include "core/text.h"
#include "store/store_workload.h"
#include "core/limits.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_QUERY_WORDS 8

static const char *const levels[] = {"province", "department", "district", "commune"};

/* The rank of a level in the tree, the order units are listed in; -1 for none. */
static int level_rank(const char *s, size_t len)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(levels); i++) {
		if (strlen(levels[i]) == len && strncmp(s, levels[i], len) == 0)
			return (int)i;
	}
	return -1;
}

/* Whether word (len bytes) begins a word of key (a search key: words
 * separated by one space). */
static bool begins_word(const char *key, const char *word, size_t len)
{
	for (const char *p = key; *p;) {
		if (strncmp(p, word, len) == 0)
			return true;
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
	}
	return false;
}

/* The codes of the units that took an ended unit's place, its first
 * successor (which took its dossiers) first. */
static json_t *successors_json(const mc_time_ctx *tc, const mc_unit *u, const mc_unit_link *links, size_t n)
{
	json_t *codes = json_array();
	const mc_unit *first = u->successor_id ? mc_time_ctx_unit(tc, u->successor_id) : NULL;
	if (first)
		json_array_append_new(codes, json_string(first->code));
	for (size_t i = 0; i < n; i++) {
		if (links[i].unit_id != u->id || links[i].successor_id == u->successor_id)
			continue;
		const mc_unit *s = mc_time_ctx_unit(tc, links[i].successor_id);
		if (s)
			json_array_append_new(codes, json_string(s->code));
	}
	return codes;
}

typedef struct {
	size_t index; /* in mc_time_ctx_units */
	int score;    /* 0 the phrase begins a word of the name, 1 every word is in the name, 2 some in the
			 parent's */
	int level;
	const char *key;
} unit_hit;

static int hit_cmp(const void *a, const void *b)
{
	const unit_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score - y->score;
	if (x->level != y->level)
		return x->level - y->level;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->index > y->index) - (x->index < y->index);
}

/*
 * GET /api/v1/units: the units held in memory (the time context), in tree
 * order (level, then name without diacritics). ?level= (one or a comma list)
 * ?parent= (a unit's code: its children) and ?within= (a unit's code: it
 * and its subtree, the scope of an officer held there) filter; ?q= finds the units
 * every word of which begins a word of the name or of the parent's name,
 * typed with or without diacritics ("ba dinh thanh hoa"), or whose code
 * begins with it, the best matches first; ?limit= and ?offset= page.
 * ?at=YYYY-MM-DD keeps the units in force that day (docs/units.md); each
 * unit that has ended names its successors' codes.
 * `total` counts every match.
 */
void mc_api_units_list(mc_req *r)
{
	const mc_time_ctx *tc = mc_req_time(r);
	size_t n = 0;
	const mc_unit *all = mc_time_ctx_units(tc, &n);
	const char *level = mc_req_query(r, "level");
	const char *parent = mc_req_query(r, "parent");
	const char *q = mc_req_query(r, "q");
	const char *within = mc_req_query(r, "within");
	int64_t within_id = -1;
	int64_t limit = 0, offset = 0;
	bool want_level[MC_ARRAY_LEN(levels)] = {false};
	char *qkey = NULL;
	const char *words[MAX_QUERY_WORDS];
	size_t word_len[MAX_QUERY_WORDS], n_words = 0;
	int64_t parent_id = -1;

	const char *at = mc_req_query(r, "at");
	int32_t at_day = 0;
	mc_unit_link *links = NULL;
	size_t n_links = 0;
	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 1000) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 100000) != 0)
		return;
	if (at) {
		int64_t t = 0;
		if (strlen(at) != 10 || mc_time_parse(&t, at) != 0) {
			mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "at", "format",
					       "at must be a date YYYY-MM-DD");
			return;
		}
		at_day = mc_local_day(t);
	}
	if (level) {
		for (const char *p = level;; p++) {
			size_t len = strcspn(p, ",");
			int rank = level_rank(p, len);
			if (rank < 0) {
				mc_reply_field_problem(
				    r, MC_PROB_INVALID_QUERY, "level", "choice",
				    "level must be province, department, district or commune, or a "
				    "comma-separated list of them");
				return;
			}
			want_level[rank] = true;
			p += len;
			if (*p == '\0')
				break;
		}
	}
	if (parent) {
		/* An unknown parent (-1, no unit's id) has no children. */
		for (size_t i = 0; i < n; i++) {
			if (strcmp(all[i].code, parent) == 0)
				parent_id = all[i].id;
		}
	}
	if (within) {
		/* An unknown unit (-1, no unit's id) holds nothing. */
		for (size_t i = 0; i < n; i++) {
			if (strcmp(all[i].code, within) == 0)
				within_id = all[i].id;
		}
	}
	if (q) {
		if (strlen(q) > 200 || mc_text_fold(&qkey, q, strlen(q)) != 0) {
			free(qkey);
			mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "q", "format",
					       "q must be valid UTF-8 text of at most 200 bytes");
			return;
		}
		mc_req_own(r, qkey);
		for (char *p = qkey; *p && n_words < MAX_QUERY_WORDS;) {
			words[n_words] = p;
			word_len[n_words] = strcspn(p, " ");
			p += word_len[n_words++];
			if (*p == ' ')
				p++;
		}
	}
	unit_hit *hits = mc_req_own(r, mc_xcalloc(n ? n : 1, sizeof *hits));
	size_t n_hits = 0;
	for (size_t i = 0; i < n; i++) {
		const mc_unit *u = &all[i];
		int rank = level_rank(u->level, strlen(u->level));
		if (level && (rank < 0 || !want_level[rank]))
			continue;
		if (parent && u->parent_id != parent_id)
			continue;
		if (within && !mc_time_ctx_within(tc, u->id, within_id))
			continue;
		if (at && !mc_unit_in_force(u, at_day))
			continue;
		const char *key = mc_time_ctx_unit_key(tc, i);
		int score = 0;
		if (n_words) {
			const mc_unit *p = u->parent_id ? mc_time_ctx_unit(tc, u->parent_id) : NULL;
			const char *pkey = "";
			if (p)
				pkey = mc_time_ctx_unit_key(tc, (size_t)(p - all));
			bool in_name = true, found = true;
			for (size_t w = 0; w < n_words && found; w++) {
				if (begins_word(key, words[w], word_len[w]))
					continue;
				in_name = false;
				found = begins_word(pkey, words[w], word_len[w]);
			}
			/* Codes are typed as they are printed: "000.00.33.H56". */
			if (!found && strncasecmp(u->code, q, strlen(q)) != 0)
				continue;
			score = !found ? 1 : begins_word(key, qkey, strlen(qkey)) ? 0 : in_name ? 1 : 2;
		}
		hits[n_hits++] =
		    (unit_hit){.index = i, .score = score, .level = rank < 0 ? 9 : rank, .key = key};
	}
	qsort(hits, n_hits, sizeof *hits, hit_cmp);
	int rc = mc_store_unit_links(mc_req_store(r), &links, &n_links);
	if (rc != 0) {
		mc_reply_error(r, rc, "the units' successors");
		return;
	}
	json_t *items = json_array();
	size_t end = limit ? (size_t)(offset + limit) : n_hits;
	for (size_t h = (size_t)offset; h < n_hits && h < end; h++) {
		const mc_unit *u = &all[hits[h].index];
		const mc_unit *p = u->parent_id ? mc_time_ctx_unit(tc, u->parent_id) : NULL;
		json_t *j = mc_api_unit_json(u, p ? p->code : NULL);
		json_object_set_new(j, "parent_name", p ? json_string(p->name) : json_null());
		if (u->valid_to)
			json_object_set_new(j, "successors", successors_json(tc, u, links, n_links));
		json_array_append_new(items, j);
	}
	mc_unit_link_free_list(links, n_links);
	mc_reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)n_hits));
}

void mc_api_unit_get(mc_req *r)
{
	mc_unit u, p = {0};
	int rc = mc_store_unit_by_code(mc_req_store(r), &u, mc_req_param(r, 0));
	if (rc != 0) {
		mc_reply_error(r, rc, "the unit");
		return;
	}
	const char *pc = NULL;
	if (u.parent_id && mc_store_unit_get(mc_req_store(r), &p, u.parent_id) == 0)
		pc = p.code;
	json_t *j = mc_api_unit_json(&u, pc);
	if (u.valid_to) {
		mc_unit_link *links = NULL;
		size_t n_links = 0;
		if (mc_store_unit_links(mc_req_store(r), &links, &n_links) == 0)
			json_object_set_new(j, "successors",
					    successors_json(mc_req_time(r), &u, links, n_links));
		mc_unit_link_free_list(links, n_links);
	}
	if (u.parent_id)
		mc_unit_clear(&p);
	mc_unit_clear(&u);
	mc_reply_json(r, 200, j);
}

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
	const char *parent_level; /* the parent's level on creation (request-owned), or NULL */
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
	mc_unit now = {0}, p = {0};
	const mc_unit *u = &w->u;
	/* An update wrote only some fields: the unit as it is now. */
	if (!w->create) {
		rc = mc_store_unit_get(mc_req_store(r), &now, w->u.id);
		if (rc != 0) {
			mc_reply_error(r, rc, "the unit");
			return;
		}
		u = &now;
	}
	const char *pc = NULL;
	if (u->parent_id && mc_store_unit_get(mc_req_store(r), &p, u->parent_id) == 0)
		pc = p.code;
	json_t *j = mc_api_unit_json(u, pc);
	mc_unit_clear(&p);
	mc_unit_clear(&now);
	mc_reply_json(r, w->create ? 201 : 200, j);
}

/* A unit keeps its level and its place in the tree (its dossiers' codes,
 * its procedures and its officers' scope hang on them): an update that
 * names them names the ones it has. */
static int unmoved_or_reply(mc_req *r, const unit_write *w, const char *level, const char *parent)
{
	if (level && strcmp(level, w->u.level) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "level", "immutable",
				       "level of unit %s is %s and does not change", w->u.code, w->u.level);
		return -1;
	}
	if (!parent)
		return 0;
	mc_unit p = {0};
	int rc = mc_store_unit_by_code(mc_req_store(r), &p, parent);
	bool same = rc == 0 && p.id == w->u.parent_id;
	mc_unit_clear(&p);
	if (rc != 0 && rc != MC_ENOTFOUND) {
		mc_reply_error(r, rc, "the parent unit");
		return -1;
	}
	if (!same) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "parent", "immutable",
				       "the parent of unit %s does not change", w->u.code);
		return -1;
	}
	return 0;
}

/*
 * The tree keeps its shape (core/code.h mc_unit_parent_needed): one root,
 * the province; departments and districts under a province; communes under
 * a district or the province. A commune without a parent would be a second
 * root, shown to citizens as a province of its own.
 */
static int tree_shape_or_reply(mc_req *r, const unit_write *w)
{
	const mc_unit *root = mc_time_ctx_root(mc_req_time(r));
	const char *need = mc_unit_parent_needed(w->u.level, w->u.parent_id ? w->parent_level : NULL);

	if (!w->u.parent_id && need) {
		mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, "parent", "required",
				       "parent is required: a %s sits under a %s", w->u.level, need);
		return -1;
	}
	if (!w->u.parent_id && root) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "parent", "single-root",
				       "there is a root unit already (%s); a new unit goes under it",
				       root->code);
		return -1;
	}
	if (need) {
		if (!*need)
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "parent", "parent-level",
					       "a province is the root and has no parent");
		else
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "parent", "parent-level",
					       "a %s sits under a %s, not under a %s", w->u.level, need,
					       w->parent_level);
		return -1;
	}
	return 0;
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
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "code", "format",
				       "code must be 1-24 letters, digits or dots");
		return -1;
	}
	if (level && !level_valid(level)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "level", "choice",
				       "level must be province, department, district or commune");
		return -1;
	}
	mc_office_hours oh;
	if (hours && mc_office_hours_parse(&oh, hours) != 0) {
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "office_hours", "format",
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
				mc_reply_field_problem(r, MC_PROB_UNKNOWN_UNIT, "parent", "unknown",
						       "no unit has code %s", parent);
				return -1;
			}
			if (rc != 0) {
				mc_reply_error(r, rc, "the parent unit");
				return -1;
			}
			if (!mc_unit_in_force(&p, mc_local_day(mc_now()))) {
				const mc_unit *heir =
				    mc_time_ctx_heir(mc_req_time(r), p.id, mc_local_day(mc_now()));
				mc_reply_field_problem(r, MC_PROB_UNIT_ENDED, "parent", "ended",
						       "unit %s has ended; its successor is %s", parent,
						       heir && heir->id != p.id ? heir->code : "none");
				mc_unit_clear(&p);
				return -1;
			}
			w->u.parent_id = p.id;
			w->u.province_code = mc_req_own(r, mc_xstrdup(p.province_code));
			w->parent_level = mc_req_own(r, mc_xstrdup(p.level));
			mc_unit_clear(&p);
		}
	} else if (unmoved_or_reply(r, w, level, parent) != 0) {
		return -1;
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
	if (tree_shape_or_reply(r, w) != 0)
		return;
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
	/* An ended unit is kept as it stood (docs/units.md §3): its successor
	 * is the one to change. */
	rc = mc_app_unit_ended_or_zero(mc_req_time(r), &w->u, mc_local_day(mc_now()), "code");
	if (rc != 0) {
		mc_err e;
		mc_err_take(&e, rc);
		mc_reply_err(r, &e, "the unit");
		return;
	}
	/* Only what the body names is written (NULL: kept as stored), so that
	 * two administrators editing different fields at once both keep theirs;
	 * the reply reads the unit back. */
	w->u.name = w->u.office_hours = w->u.address = w->u.phone = NULL;
	if (fill_common_or_reply(r, w, false) != 0)
		return;
	mc_req_write(r, unit_write_fn, unit_after, w);
}

static int officer_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t ox = json_integer_value(json_object_get(x, "open_dossiers"));
	json_int_t oy = json_integer_value(json_object_get(y, "open_dossiers"));
	if (ox != oy)
		return ox < oy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "full_name")),
		      json_string_value(json_object_get(y, "full_name")));
}

/*
 * GET /api/v1/units/{code}/officers: the active officers whose role is held
 * in the unit, each with the dossiers in hand it handles, the least loaded
 * first; for choosing whom to hand a dossier over to. Officers of the unit's
 * scope only (403 out-of-scope otherwise).
 */
void mc_api_unit_officers(mc_req *r)
{
	const mc_time_ctx *tc = mc_req_time(r);
	mc_unit u = {0};
	mc_user *users = NULL;
	mc_workload *load = NULL;
	size_t n_users = 0, n_load = 0;
	int rc = mc_store_unit_by_code(mc_req_store(r), &u, mc_req_param(r, 0));
	if (rc != 0) {
		mc_reply_error(r, rc, "the unit");
		return;
	}
	int64_t unit_id = u.id;
	mc_unit_clear(&u);
	if (mc_api_in_scope_or_reply(r, unit_id) != 0)
		return;
	rc = mc_store_user_list(mc_req_store(r), &users, &n_users, unit_id);
	if (rc == 0)
		rc = mc_store_unit_workload(mc_req_store(r), &load, &n_load, unit_id);
	if (rc != 0) {
		mc_user_free_list(users, n_users);
		free(load);
		mc_reply_error(r, rc, "the unit's officers");
		return;
	}
	json_t **rows = mc_req_own(r, mc_xcalloc(n_users ? n_users : 1, sizeof *rows));
	size_t n = 0;
	for (size_t i = 0; i < n_users; i++) {
		const mc_user *x = &users[i];
		if (x->unit_id != unit_id || !x->active || x->role == MC_ROLE_CITIZEN)
			continue;
		int64_t open = 0;
		for (size_t k = 0; k < n_load; k++) {
			if (load[k].user_id == x->id)
				open = load[k].open;
		}
		rows[n++] =
		    json_pack("{s:s, s:s, s:s, s:I}", "username", x->username, "full_name", x->full_name,
			      "role", mc_role_name((mc_role)x->role), "open_dossiers", (json_int_t)open);
	}
	mc_user_free_list(users, n_users);
	free(load);
	qsort(rows, n, sizeof *rows, officer_cmp);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, rows[i]);
	mc_reply_json(r, 200, json_pack("{s:o, s:o}", "unit", mc_api_unit_ref(tc, unit_id), "items", items));
}
