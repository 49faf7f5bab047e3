/* /api/v1/users and /api/v1/citizens - accounts. */
#include "api/api.h"

#include "app/auth.h"
#include "app/user.h"
#include "core/limits.h"
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

/* Whether the folded needle occurs in s folded. */
static bool folded_has(const char *s, const char *needle)
{
	char *f = NULL;
	if (mc_text_fold(&f, s ? s : "", strlen(s ? s : "")) != 0)
		return false;
	bool has = strstr(f, needle) != NULL;
	free(f);
	return has;
}

/* GET /api/v1/users?q=&unit=&limit=&offset=: the accounts the caller sees,
 * by username; q matches the username or the full name, without regard to
 * case or diacritics; unit keeps the accounts of a unit's subtree. The
 * accounts of a province are a few thousand: they are filtered here rather
 * than by a folded column of their own. */
void mc_api_users_list(mc_req *r)
{
	const mc_user *me = mc_req_user(r);
	mc_user *list = NULL;
	size_t n = 0;
	int64_t limit = 200, offset = 0;
	char *needle = NULL;
	const char *q = mc_req_query(r, "q"), *unit = mc_req_query(r, "unit");
	int64_t unit_id = 0;

	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 1000) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 1000000) != 0)
		return;
	if (q && (strlen(q) > 4 * MC_LIMIT_USER_FULL_NAME || mc_text_fold(&needle, q, strlen(q)) != 0)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "q", "too-long", "q is too long");
		return;
	}
	mc_req_own(r, needle);
	if (unit && *unit) {
		const mc_unit *u = NULL;
		size_t nu = 0;
		const mc_unit *all = mc_time_ctx_units(mc_req_time(r), &nu);
		for (size_t i = 0; i < nu && !u; i++)
			if (strcmp(all[i].code, unit) == 0)
				u = &all[i];
		if (!u) {
			mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "unit", "unknown",
					       "no unit has code %s", unit);
			return;
		}
		unit_id = u->id;
		if (!mc_api_is_root_admin(r) && mc_api_in_scope_or_reply(r, unit_id) != 0)
			return;
	}
	/* The root's administrators see everyone (citizens included); other
	 * administrators, leaders and supervisors the accounts of their subtree. */
	int64_t root = mc_api_is_root_admin(r) ? 0 : me->unit_id;
	int rc = mc_store_user_list(mc_req_store(r), &list, &n, unit_id ? unit_id : root);
	if (rc != 0) {
		mc_reply_error(r, rc, "the user list");
		return;
	}
	json_t *items = json_array();
	int64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (needle && *needle && !folded_has(list[i].username, needle) &&
		    !folded_has(list[i].full_name, needle))
			continue;
		if (total >= offset && total < offset + limit)
			json_array_append_new(items, mc_api_user_json(mc_req_time(r), &list[i]));
		total++;
	}
	mc_user_free_list(list, n);
	mc_reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));
}

typedef struct {
	mc_user u;	      /* its strings are the request's (the store only reads them) */
	const char *password; /* the request's, until hashed */
	char hash[MC_PASSWORD_HASH_MAX];
	mc_write_fn write; /* what runs once the password is hashed */
	mc_after_fn after;
	mc_err err;	      /* why the write failed (core/err.h) */
	const mc_user *admin; /* who makes it (recorded with it), the request's */
	const char *unit;     /* its unit's code, NULL for none */
} user_new;

static int user_write(mc_store *st, void *payload)
{
	user_new *w = payload;
	int rc = mc_app_user_create(st, &w->u, w->hash);
	mc_err_take(&w->err, rc);
	if (rc == 0) {
		/* The number masked (app/user.h): the record outlives an erasure. */
		char number[4 * MC_LIMIT_USER_ID_NUMBER + 1];
		mc_app_user_number_masked(number, sizeof number, w->u.id_number);
		json_t *d =
		    json_pack("{s:s, s:s?}", "role", mc_role_name((mc_role)w->u.role), "unit", w->unit);
		if (number[0])
			json_object_set_new(d, "id_number", json_string(number));
		char *detail = json_dumps(d, JSON_COMPACT);
		rc = mc_app_account_action(st, w->admin, "create", w->u.id, w->u.username, detail, mc_now());
		free(detail);
		json_decref(d);
	}
	return rc;
}

static void user_after(mc_req *r, int rc, void *payload)
{
	user_new *w = payload;
	if (rc != 0) {
		mc_reply_err(r, mc_err_for(&w->err, rc), "the account");
		return;
	}
	mc_reply_json(r, 201, mc_api_user_json(mc_req_time(r), &w->u));
}

static bool username_valid(const char *s)
{
	for (const char *c = s; *c; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' ||
		      *c == '-'))
			return false;
	}
	return *s != '\0';
}

/* Reads the fields every account has; replies and returns -1 on bad input. */
static int read_account_or_reply(mc_req *r, user_new *w, const char **role, const char **unit)
{
	const char *username = NULL, *password = NULL, *full_name = NULL, *email = NULL, *phone = NULL,
		   *id_number = NULL;
	mc_field spec[] = {
	    {"username", MC_F_STRING, true, 3, MC_LIMIT_USER_USERNAME, &username, 0},
	    {"password", MC_F_STRING, true, 10, MC_LIMIT_USER_PASSWORD, &password, 0},
	    {"full_name", MC_F_NAME, true, 1, MC_LIMIT_USER_FULL_NAME, &full_name, 0},
	    {"email", MC_F_EMAIL, false, 3, MC_LIMIT_USER_EMAIL, &email, 0},
	    {"phone", MC_F_PHONE, false, 1, MC_LIMIT_USER_PHONE, &phone, 0},
	    {"id_number", MC_F_ID_NUMBER, false, 1, MC_LIMIT_USER_ID_NUMBER, &id_number, 0},
	    {"role", MC_F_STRING, role != NULL, 1, MC_LIMIT_USER_ROLE, role, 0},
	    {"unit", MC_F_STRING, false, 1, MC_LIMIT_USER_UNIT, unit, 0},
	};
	size_t n = role ? MC_ARRAY_LEN(spec) : MC_ARRAY_LEN(spec) - 2;
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, n) != 0)
		return -1;
	if (!username_valid(username)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "username", "format",
				       "username may hold only a-z, 0-9, '.', '_' and '-'");
		return -1;
	}
	w->u.username = (char *)username;
	w->u.full_name = (char *)full_name;
	w->u.email = (char *)email;
	w->u.phone = (char *)phone;
	w->u.id_number = (char *)id_number;
	w->u.active = true;
	w->u.created_at = mc_now();
	w->password = password;
	return 0;
}

/* On the hashing pool: argon2id takes tens of milliseconds and 64 MiB on
 * purpose, which must not hold up a worker's other connections. */
static int hash_password(void *payload)
{
	user_new *w = payload;
	return mc_auth_hash_password(w->hash, w->password);
}

static void hashed(mc_req *r, int rc, void *payload)
{
	user_new *w = payload;
	if (rc != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not hash the password");
		return;
	}
	mc_req_write(r, w->write, w->after, w);
}

/* Hashes the password, then writes. Hashing comes after every check of the
 * caller and the body, so a refused request costs little; when the pool's
 * queue is full the request is refused at once (429). */
static void hash_then_write(mc_req *r, user_new *w, mc_write_fn write, mc_after_fn after)
{
	w->write = write;
	w->after = after;
	if (mc_req_offload(r, hash_password, hashed, w) != 0) {
		mc_reply_header(r, "Retry-After", "1");
		mc_reply_problem(r, MC_PROB_OVERLOADED,
				 "too many passwords are being hashed; try again in a second");
	}
}

void mc_api_user_create(mc_req *r)
{
	user_new *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	const char *role = NULL, *unit = NULL;
	if (read_account_or_reply(r, w, &role, &unit) != 0)
		return;
	mc_role rl;
	if (mc_role_parse(&rl, role) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "role", "choice",
				       "role must be citizen, desk, specialist, leader, supervisor or admin");
		return;
	}
	w->u.role = (int)rl;
	/* No one grants a role above or outside their own: an administrator
	 * makes accounts in its subtree; administrators (who could then grant
	 * anything there) and citizens (who belong to no unit) are made by the
	 * root's administrator only. */
	if (rl == MC_ROLE_ADMIN && mc_api_root_admin_or_reply(r, "create administrator accounts") != 0)
		return;
	if (rl == MC_ROLE_CITIZEN && mc_api_root_admin_or_reply(r, "create citizen accounts") != 0)
		return;
	/* The provider's sign-in of a number an official holds opens no citizen
	 * account: an official's number is set by the root's administrator,
	 * whose citizens they all are (api/accounts.c, the edit). */
	if (w->u.id_number && w->u.id_number[0] &&
	    mc_api_root_admin_or_reply(r, "set the identity number of an official's account") != 0)
		return;
	if (rl != MC_ROLE_CITIZEN) {
		mc_unit u;
		if (!unit) {
			mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, "unit", "required",
					       "unit is required for the role %s", role);
			return;
		}
		int rc = mc_store_unit_by_code(mc_req_store(r), &u, unit);
		if (rc == MC_ENOTFOUND) {
			mc_reply_field_problem(r, MC_PROB_UNKNOWN_UNIT, "unit", "unknown",
					       "no unit has code %s", unit);
			return;
		}
		if (rc != 0) {
			mc_reply_error(r, rc, "the unit");
			return;
		}
		/* An ended unit gets no new officer: its successor serves. */
		bool moved = w->u.unit_id != u.id;
		w->u.unit_id = u.id;
		int refused = mc_api_in_scope_or_reply(r, w->u.unit_id);
		if (refused == 0 && moved)
			refused = mc_api_unit_in_force_or_reply(r, &u, "unit");
		mc_unit_clear(&u);
		if (refused != 0)
			return;
		w->unit = unit;
	}
	w->admin = mc_req_user(r);
	hash_then_write(r, w, user_write, user_after);
}

/* A registration whose username is taken stores nothing and answers as one
 * that made the account (app/user.h). */
static int register_write(mc_store *st, void *payload)
{
	user_new *w = payload;
	int rc = mc_app_user_register(st, &w->u, w->hash);
	mc_err_take(&w->err, rc);
	return rc;
}

static void register_after(mc_req *r, int rc, void *payload)
{
	user_new *w = payload;
	if (rc != 0) {
		mc_reply_err(r, mc_err_for(&w->err, rc), "the account");
		return;
	}
	mc_reply_json(r, 202, json_pack("{s:s, s:s}", "status", "accepted", "username", w->u.username));
}

void mc_api_citizen_register(mc_req *r)
{
	user_new *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	if (read_account_or_reply(r, w, NULL, NULL) != 0)
		return;
	w->u.role = MC_ROLE_CITIZEN;
	/* Hashed whether or not the name is free, so that an existing name is
	 * not answered faster. */
	hash_then_write(r, w, register_write, register_after);
}
