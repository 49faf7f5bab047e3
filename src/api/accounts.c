/*
 * Managing accounts: an administrator's edits, locks, resets and hand-overs
 * (/api/v1/users/{username}/...), a signed-in user's own profile
 * (/api/v1/profile) and password recovery by a one-time code
 * (/api/v1/recovery). docs/operations.md, "Accounts", says who may do what.
 */
#include "api/api.h"

#include "app/auth.h"
#include "app/oidc.h"
#include "app/notify.h"
#include "app/user.h"
#include "core/err.h"
#include "core/limits.h"
#include "http/limiter.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIGNINS_SHOWN 20
#define TEMP_PASSWORD_LEN 12

static bool is_staff_role(mc_role r)
{
	return r == MC_ROLE_DESK || r == MC_ROLE_SPECIALIST || r == MC_ROLE_LEADER ||
	       r == MC_ROLE_SUPERVISOR || r == MC_ROLE_ADMIN;
}

/* The account named in the path, if the caller administers it: a citizen's
 * or an administrator's only the root's administrator (who makes them), an
 * officer's an administrator whose scope holds its unit. Replies 404 or 403
 * and returns -1 otherwise; u's strings then belong to the request. */
static int target_or_reply(mc_req *r, mc_user *u)
{
	const char *username = mc_req_param(r, 0);
	int rc = mc_store_user_by_username(mc_req_store(r), u, NULL, 0, username);
	if (rc == MC_ENOTFOUND) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no account has username %s", username);
		return -1;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the account");
		return -1;
	}
	mc_api_user_own(r, u);
	if (u->id == mc_req_user(r)->id)
		return 0;
	if (!u->unit_id || u->role == MC_ROLE_ADMIN)
		return mc_api_root_admin_or_reply(r, "administer citizen and administrator accounts");
	return mc_api_in_scope_or_reply(r, u->unit_id);
}

void mc_api_user_get(mc_req *r)
{
	mc_user u;
	if (target_or_reply(r, &u) != 0)
		return;
	mc_reply_json(r, 200, mc_api_user_json(mc_req_time(r), &u));
}

/* ---- PATCH /api/v1/users/{username} ----------------------------------- */

#define EDIT_ACTIONS 6 /* role, unit, lock or unlock, force_password_change, id_number, profile */

typedef struct {
	mc_user u;   /* as it is to be; its strings the request's */
	mc_user was; /* as it was read; written only while still so */
	bool revoke; /* deactivated: every session ends */
	const mc_user *actor;
	int n_actions; /* recorded with the change (mc_app_account_action) */
	const char *action[EDIT_ACTIONS];
	char detail[EDIT_ACTIONS][192];
	mc_err err;
} user_edit;

static bool differs(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") != 0;
}

static int user_edit_write(mc_store *st, void *payload)
{
	user_edit *w = payload;
	int64_t now = mc_now();
	int rc = 0;
	mc_err_clear();
	/* One account per number is found, or refused, by the provider's sign-in. */
	if ((w->u.id_number_verified && !w->was.id_number_verified) ||
	    differs(w->u.id_number, w->was.id_number))
		rc = mc_app_user_number_free(st, &w->u);
	if (rc == 0)
		rc = mc_store_user_update_if(st, &w->was, &w->u);
	if (rc == 0 && w->revoke)
		rc = mc_store_session_revoke(st, w->u.id, NULL);
	for (int i = 0; rc == 0 && i < w->n_actions; i++)
		rc = mc_app_account_action(st, w->actor, w->action[i], w->u.id, w->u.username, w->detail[i],
					   now);
	/* The owner is told of a lock, and of new contacts at the old ones
	 * (app/notify.h). */
	if (rc == 0 && w->revoke)
		rc = mc_notify_account(st, &w->u, w->actor->username, MC_NOTICE_LOCK, now);
	if (rc == 0 && (differs(w->u.email, w->was.email) || differs(w->u.phone, w->was.phone)))
		rc = mc_notify_account(st, &w->was, w->actor->username, MC_NOTICE_CONTACT, now);
	mc_err_take(&w->err, rc);
	return rc;
}

/* One change of an edit, to be recorded: detail a JSON object of what
 * changed (values that are no personal data; for the profile, the names of
 * the fields only). */
static void edit_action(user_edit *w, const char *action, json_t *detail)
{
	char *text = json_dumps(detail, JSON_COMPACT);
	w->action[w->n_actions] = action;
	snprintf(w->detail[w->n_actions], sizeof w->detail[0], "%s", text ? text : "{}");
	w->n_actions++;
	free(text);
	json_decref(detail);
}

static const char *unit_code(mc_req *r, int64_t id)
{
	const mc_unit *u = id ? mc_time_ctx_unit(mc_req_time(r), id) : NULL;
	return u ? u->code : "";
}

/* What the edit changes, from the account as it was (was) to w->u. */
static void edit_actions(mc_req *r, user_edit *w, const mc_user *was)
{
	if (w->u.role != was->role)
		edit_action(w, "role",
			    json_pack("{s:s, s:s}", "from", mc_role_name((mc_role)was->role), "to",
				      mc_role_name((mc_role)w->u.role)));
	if (w->u.unit_id != was->unit_id)
		edit_action(w, "unit",
			    json_pack("{s:s, s:s}", "from", unit_code(r, was->unit_id), "to",
				      unit_code(r, w->u.unit_id)));
	if (w->u.active != was->active)
		edit_action(w, w->u.active ? "unlock" : "lock", json_object());
	if (w->u.must_change_password != was->must_change_password)
		edit_action(w, "force_password_change", json_pack("{s:b}", "on", w->u.must_change_password));
	/* The number masked (app/user.h): the record outlives an erasure. */
	bool renumbered = differs(w->u.id_number, was->id_number);
	if (renumbered || w->u.id_number_verified != was->id_number_verified) {
		json_t *d = json_object();
		if (renumbered) {
			char from[4 * MC_LIMIT_USER_ID_NUMBER + 1], to[4 * MC_LIMIT_USER_ID_NUMBER + 1];
			mc_app_user_number_masked(from, sizeof from, was->id_number);
			mc_app_user_number_masked(to, sizeof to, w->u.id_number);
			json_object_set_new(d, "from", json_string(from));
			json_object_set_new(d, "to", json_string(to));
		}
		if (w->u.id_number_verified != was->id_number_verified)
			json_object_set_new(d, "vouched", json_boolean(w->u.id_number_verified));
		edit_action(w, "id_number", d);
	}
	json_t *fields = json_array();
	if (differs(w->u.full_name, was->full_name))
		json_array_append_new(fields, json_string("full_name"));
	if (differs(w->u.email, was->email))
		json_array_append_new(fields, json_string("email"));
	if (differs(w->u.phone, was->phone))
		json_array_append_new(fields, json_string("phone"));
	if (json_array_size(fields) > 0)
		edit_action(w, "profile", json_pack("{s:o}", "fields", fields));
	else
		json_decref(fields);
}

static void user_edit_after(mc_req *r, int rc, void *payload)
{
	user_edit *w = payload;
	if (rc != 0) {
		mc_reply_err(r, mc_err_for(&w->err, rc), "the account");
		return;
	}
	mc_reply_json(r, 200, mc_api_user_json(mc_req_time(r), &w->u));
}

/* "" for a contact clears it; anything else is read by the field's rule. */
static bool clears(json_t *body, const char *name)
{
	json_t *v = json_object_get(body, name);
	return json_is_string(v) && json_string_length(v) == 0;
}

void mc_api_user_update(mc_req *r)
{
	user_edit *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	if (target_or_reply(r, &w->u) != 0)
		return;
	mc_user was = w->u; /* as it is; its strings stay the request's */
	json_t *body = mc_req_body(r);
	const char *full_name = NULL, *email = NULL, *phone = NULL, *role = NULL, *unit = NULL,
		   *id_number = NULL;
	bool active = w->u.active, must_change = w->u.must_change_password, vouched = w->u.id_number_verified;
	bool clear_email = clears(body, "email"), clear_phone = clears(body, "phone");
	bool clear_number = clears(body, "id_number");
	mc_field spec[] = {
	    {"full_name", MC_F_NAME, false, 1, MC_LIMIT_USER_FULL_NAME, &full_name, 0},
	    {"role", MC_F_STRING, false, 1, MC_LIMIT_USER_ROLE, &role, 0},
	    {"unit", MC_F_STRING, false, 1, MC_LIMIT_USER_UNIT, &unit, 0},
	    {"active", MC_F_BOOL, false, 0, 0, &active, 0},
	    {"must_change_password", MC_F_BOOL, false, 0, 0, &must_change, 0},
	    {"id_number_verified", MC_F_BOOL, false, 0, 0, &vouched, 0},
	    {"email", MC_F_EMAIL, false, 3, MC_LIMIT_USER_EMAIL, &email, 0},
	    {"phone", MC_F_PHONE, false, 1, MC_LIMIT_USER_PHONE, &phone, 0},
	    {"id_number", MC_F_ID_NUMBER, false, 1, MC_LIMIT_USER_ID_NUMBER, &id_number, 0},
	};
	size_t n = MC_ARRAY_LEN(spec) - 3;
	if (mc_fields_or_reply(r, body, NULL, spec, n) != 0)
		return;
	if (!clear_email && mc_fields_or_reply(r, body, NULL, &spec[n], 1) != 0)
		return;
	if (!clear_phone && mc_fields_or_reply(r, body, NULL, &spec[n + 1], 1) != 0)
		return;
	if (!clear_number && mc_fields_or_reply(r, body, NULL, &spec[n + 2], 1) != 0)
		return;
	bool self = w->u.id == mc_req_user(r)->id;
	mc_role rl = (mc_role)w->u.role;
	if (role && mc_role_parse(&rl, role) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "role", "choice",
				       "role must be citizen, desk, specialist, leader, supervisor or admin");
		return;
	}
	/* No one locks themselves out, or changes their own role or unit. */
	if (self && (!active || (int)rl != w->u.role || unit)) {
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD,
		    !active ? "active"
		    : role  ? "role"
			    : "unit",
		    "self",
		    "an administrator may not lock their own account or change their own role or unit");
		return;
	}
	/* As when accounts are made: administrators and citizens are the root's. */
	if ((int)rl != w->u.role && (rl == MC_ROLE_ADMIN || rl == MC_ROLE_CITIZEN) &&
	    mc_api_root_admin_or_reply(r, "grant the roles admin and citizen") != 0)
		return;
	if ((rl == MC_ROLE_CITIZEN) != (w->u.role == MC_ROLE_CITIZEN)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "role", "choice",
				       "a citizen account stays a citizen's, an officer's an officer's");
		return;
	}
	if (unit) {
		if (rl == MC_ROLE_CITIZEN) {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "unit", "choice",
					       "a citizen account belongs to no unit");
			return;
		}
		mc_unit u;
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
	}
	/* An ended unit has no officers at work: one locked with it (a plan's
	 * "users": "deactivate") is unlocked once moved to a unit in force,
	 * in this edit or before. */
	if (active && !w->u.active && w->u.unit_id) {
		const mc_unit *home = mc_time_ctx_unit(mc_req_time(r), w->u.unit_id);
		if (home && mc_api_unit_in_force_or_reply(r, home, "active") != 0)
			return;
	}
	/* The provider's sign-in of a number an official holds opens no
	 * citizen account (app/oidc.c): whoever sets an official's number
	 * decides that for the citizen it belongs to, anywhere in the province.
	 * Citizens are the root administrator's; so are their numbers, and the
	 * officials' that stand in their way. A citizen's number is the one it
	 * registered with or the provider claimed, and stays so. */
	const char *number = clear_number ? "" : id_number;
	if (number && differs(number, w->u.id_number)) {
		if (w->u.role == MC_ROLE_CITIZEN) {
			mc_reply_field_problem(
			    r, MC_PROB_INVALID_FIELD, "id_number", "choice",
			    "a citizen's identity number is the one it registered with or the "
			    "identity provider claimed; it is not changed here");
			return;
		}
		if (mc_api_root_admin_or_reply(r, "set the identity number of an official's account") != 0)
			return;
		w->u.id_number = (char *)number;
	}
	/* The desk has seen the person's identity card and vouches that the
	 * account's number is theirs: the provider's sign-in of that number
	 * then opens this account (app/oidc.c). Citizens only: an official's
	 * account is linked to its subject (PUT …/identity). */
	if (vouched != w->u.id_number_verified) {
		if (w->u.role != MC_ROLE_CITIZEN) {
			mc_reply_field_problem(
			    r, MC_PROB_INVALID_FIELD, "id_number_verified", "choice",
			    "only a citizen's identity number is vouched for; an official's "
			    "account is linked with PUT /api/v1/users/{username}/identity");
			return;
		}
		if (vouched && (!w->u.id_number || !*w->u.id_number)) {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "id_number_verified", "missing",
					       "the account has no identity number to vouch for");
			return;
		}
	}
	w->u.id_number_verified = vouched;
	w->u.role = (int)rl;
	if (full_name)
		w->u.full_name = (char *)full_name;
	if (clear_email || email)
		w->u.email = clear_email ? "" : (char *)email;
	if (clear_phone || phone)
		w->u.phone = clear_phone ? "" : (char *)phone;
	w->revoke = w->u.active && !active;
	w->u.active = active;
	w->u.must_change_password = must_change;
	w->actor = mc_req_user(r);
	w->was = was;
	edit_actions(r, w, &was);
	mc_req_write(r, user_edit_write, user_edit_after, w);
}

/* ---- POST /api/v1/users/{username}/password --------------------------- */

typedef struct {
	int64_t id;
	char password[TEMP_PASSWORD_LEN + 1];
	char hash[MC_PASSWORD_HASH_MAX];
	const char *username;
	const mc_user *actor;
} reset;

static int reset_hash(void *payload)
{
	reset *w = payload;
	return mc_auth_hash_password(w->hash, w->password);
}

static int reset_write(mc_store *st, void *payload)
{
	reset *w = payload;
	mc_user u;
	int rc = mc_store_user_get(st, &u, w->id);
	if (rc != 0)
		return rc;
	u.must_change_password = true;
	rc = mc_store_user_update(st, &u);
	mc_user_clear(&u);
	if (rc == 0)
		rc = mc_store_user_set_password(st, w->id, w->hash);
	if (rc == 0)
		rc = mc_store_session_revoke(st, w->id, NULL);
	if (rc == 0)
		rc = mc_store_recovery_delete(st, w->id);
	int64_t now = mc_now();
	if (rc == 0)
		rc = mc_app_account_action(st, w->actor, "password_reset", w->id, w->username, NULL, now);
	/* the owner is told, as of a link to an identity (app/notify.h) */
	if (rc == 0)
		rc = mc_store_user_get(st, &u, w->id);
	if (rc == 0) {
		rc = mc_notify_account(st, &u, w->actor ? w->actor->username : "(command line)",
				       MC_NOTICE_PASSWORD_RESET, now);
		mc_user_clear(&u);
	}
	return rc;
}

static void reset_after(mc_req *r, int rc, void *payload)
{
	reset *w = payload;
	if (rc != 0) {
		sodium_memzero(w->password, sizeof w->password);
		mc_reply_error(r, rc, "the account");
		return;
	}
	/* Shown once: it is stored nowhere but as its hash. The reply frees w
	 * (the request owns it): the copy is wiped before. */
	json_t *body = json_pack("{s:s, s:s, s:b}", "username", w->username, "password", w->password,
				 "must_change_password", 1);
	sodium_memzero(w->password, sizeof w->password);
	mc_reply_json(r, 200, body);
}

static void reset_hashed(mc_req *r, int rc, void *payload)
{
	if (rc != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not hash the password");
		return;
	}
	mc_req_write(r, reset_write, reset_after, payload);
}

void mc_api_user_reset_password(mc_req *r)
{
	mc_user u;
	if (target_or_reply(r, &u) != 0)
		return;
	reset *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	w->id = u.id;
	w->username = u.username;
	w->actor = mc_req_user(r);
	mc_auth_random_password(w->password, sizeof w->password, TEMP_PASSWORD_LEN);
	if (mc_req_offload(r, reset_hash, reset_hashed, w) != 0) {
		mc_reply_header(r, "Retry-After", "1");
		mc_reply_problem(r, MC_PROB_OVERLOADED,
				 "too many passwords are being hashed; try again in a second");
	}
}

/* ---- POST /api/v1/users/{username}/handover --------------------------- */

typedef struct {
	mc_actor actor;
	int64_t from, to;
	int moved;
	const char *to_name;
	const char *from_name;
	const mc_user *admin;
	mc_err err;
} handover;

static int handover_write(mc_store *st, void *payload)
{
	handover *w = payload;
	int64_t now = mc_now();
	int rc = mc_app_user_handover(st, &w->actor, w->from, w->to, now, &w->moved);
	mc_err_take(&w->err, rc);
	if (rc == 0) {
		char detail[160];
		json_t *d = json_pack("{s:s, s:i}", "to", w->to_name, "moved", w->moved);
		char *text = json_dumps(d, JSON_COMPACT);
		snprintf(detail, sizeof detail, "%s", text ? text : "{}");
		free(text);
		json_decref(d);
		rc = mc_app_account_action(st, w->admin, "handover", w->from, w->from_name, detail, now);
	}
	return rc;
}

static void handover_after(mc_req *r, int rc, void *payload)
{
	handover *w = payload;
	if (rc != 0) {
		mc_reply_err(r, mc_err_for(&w->err, rc), "the hand-over");
		return;
	}
	mc_reply_json(r, 200, json_pack("{s:i, s:s}", "moved", w->moved, "to", w->to_name));
}

void mc_api_user_handover(mc_req *r)
{
	mc_user from, to;
	if (target_or_reply(r, &from) != 0)
		return;
	const char *to_name = NULL;
	mc_field spec[] = {{"to", MC_F_STRING, true, 1, MC_LIMIT_USER_USERNAME, &to_name, 0}};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, 1) != 0)
		return;
	int rc = mc_store_user_by_username(mc_req_store(r), &to, NULL, 0, to_name);
	if (rc == MC_ENOTFOUND) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "to", "unknown",
				       "no account has username %s", to_name);
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the colleague");
		return;
	}
	mc_api_user_own(r, &to);
	if (!from.unit_id || to.unit_id != from.unit_id || to.id == from.id || !to.active ||
	    !is_staff_role((mc_role)to.role) || to.role == MC_ROLE_ADMIN || to.role == MC_ROLE_SUPERVISOR) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "to", "choice",
				       "%s is not another active officer of the unit of %s", to.username,
				       from.username);
		return;
	}
	handover *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	mc_req_actor(r, &w->actor);
	w->from = from.id;
	w->to = to.id;
	w->to_name = to.username;
	w->from_name = from.username;
	w->admin = mc_req_user(r);
	mc_req_write(r, handover_write, handover_after, w);
}

/* ---- sign-ins --------------------------------------------------------- */

static void signins_reply(mc_req *r, int64_t user_id)
{
	mc_signin *list = NULL;
	size_t n = 0;
	int rc = mc_store_signin_list(mc_req_store(r), &list, &n, user_id, SIGNINS_SHOWN);
	if (rc != 0) {
		mc_reply_error(r, rc, "the sign-ins");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:o, s:s, s:s, s:b}", "at", mc_api_time(list[i].at),
						       "address", list[i].peer, "device", list[i].device,
						       "ok", list[i].ok));
	mc_signin_free_list(list, n);
	mc_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void mc_api_user_signins(mc_req *r)
{
	mc_user u;
	if (target_or_reply(r, &u) != 0)
		return;
	signins_reply(r, u.id);
}

void mc_api_profile_signins(mc_req *r)
{
	signins_reply(r, mc_req_user(r)->id);
}

/* ---- GET /api/v1/account-actions -------------------------------------- */

/* A date YYYY-MM-DD of the query as the local midnight starting it (or, with
 * next, the one after it); 0 when absent. -1 after replying 400. */
static int day_or_reply(mc_req *r, const char *name, bool next, int64_t *out)
{
	const char *v = mc_req_query(r, name);
	*out = 0;
	if (!v)
		return 0;
	if (strlen(v) != 10 || mc_time_parse(out, v) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, name, "format",
				       "%s must be a date YYYY-MM-DD", name);
		return -1;
	}
	if (next)
		*out += 86400;
	return 0;
}

/* The id of the account named by the query's parameter; 0 when absent, -1
 * when no account has that username (nothing matches), -2 after replying. */
static int64_t account_param(mc_req *r, const char *name)
{
	const char *v = mc_req_query(r, name);
	mc_user u = {0};
	if (!v)
		return 0;
	if (strlen(v) > MC_LIMIT_USER_USERNAME * 4)
		return -1;
	int rc = mc_store_user_by_username(mc_req_store(r), &u, NULL, 0, v);
	int64_t id = u.id;
	mc_user_clear(&u);
	if (rc == MC_ENOTFOUND)
		return -1;
	if (rc != 0) {
		mc_reply_error(r, rc, "the account");
		return -2;
	}
	return id;
}

void mc_api_account_actions(mc_req *r)
{
	int64_t limit = 50, offset = 0;
	mc_account_action_query q = {0};
	mc_account_action *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = 0;

	/* The record covers every unit's accounts, administrators' included. */
	if (mc_api_root_admin_or_reply(r, "read the record of account actions") != 0)
		return;
	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 500) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 1000000) != 0 ||
	    day_or_reply(r, "from", false, &q.from) != 0 || day_or_reply(r, "to", true, &q.to) != 0)
		return;
	q.limit = (int)limit;
	q.offset = (int)offset;
	q.target_id = account_param(r, "user");
	if (q.target_id == -2)
		return;
	q.actor_id = account_param(r, "actor");
	if (q.actor_id == -2)
		return;
	/* An unknown name did nothing and had nothing done to it. */
	if (q.target_id >= 0 && q.actor_id >= 0)
		rc = mc_store_account_action_list(mc_req_store(r), &rows, &n, &total, &q);
	if (rc != 0) {
		mc_reply_error(r, rc, "the account actions");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const mc_account_action *x = &rows[i];
		json_t *detail = json_loads(x->detail, 0, NULL);
		json_array_append_new(
		    items, json_pack("{s:I, s:o, s:{s:s, s:b}, s:s, s:s, s:o}", "id", (json_int_t)x->id, "at",
				     mc_api_time(x->at), "actor", "username", x->actor_username, "operator",
				     x->actor_id == 0, "action", x->action, "user", x->target_username,
				     "detail", detail ? detail : json_object()));
	}
	mc_account_action_free_list(rows, n);
	mc_reply_json(r, 200,
		      json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "limit",
				(json_int_t)limit, "offset", (json_int_t)offset));
}

/* ---- PATCH /api/v1/profile -------------------------------------------- */

typedef struct {
	mc_user u;			    /* as it was read */
	mc_user fresh;			    /* as it is after the write */
	const char *email, *phone;	    /* the new contacts; NULL: kept */
	char hash[MC_PASSWORD_HASH_MAX];    /* the stored one, then the new one's */
	char checked[MC_PASSWORD_HASH_MAX]; /* the stored one the password was checked against */
	char current[MC_LIMIT_USER_PASSWORD * 4 + 1];
	char next[MC_LIMIT_USER_PASSWORD * 4 + 1];
	bool change;   /* a new password */
	bool wrong;    /* the current password is not it */
	bool same;     /* the new password is the current one */
	char key[32];  /* failures of this account's current password */
	char keep[65]; /* this session, which stays */
} profile;

static int profile_check(void *payload)
{
	profile *p = payload;
	int rc = mc_auth_verify_password(p->hash, p->current);
	p->wrong = rc == MC_EFORBIDDEN;
	if (rc == 0 && p->change) {
		p->same = mc_auth_verify_password(p->hash, p->next) == 0;
		rc = p->same ? 0 : mc_auth_hash_password(p->hash, p->next);
	}
	sodium_memzero(p->current, sizeof p->current);
	sodium_memzero(p->next, sizeof p->next);
	return p->wrong ? 0 : rc;
}

/* Writes only what the account's owner may change, and only while the
 * account is as checked: the password checked against is still its own,
 * and no administrator locked it nor was it erased while the password was
 * being checked (MC_ESTALE). */
static int profile_write(mc_store *st, void *payload)
{
	profile *p = payload;
	mc_user_clear(&p->fresh); /* a batch run again runs this again */
	int rc =
	    mc_store_user_own_change(st, p->u.id, p->checked, p->email, p->phone, p->change ? p->hash : NULL);
	/* A new password ends the other sessions: whoever knew the old one is out. */
	if (rc == 0 && p->change)
		rc = mc_store_session_revoke(st, p->u.id, p->keep);
	if (rc == 0)
		rc = mc_store_user_get(st, &p->fresh, p->u.id);
	return rc;
}

static void profile_after(mc_req *r, int rc, void *payload)
{
	profile *p = payload;
	/* A reply frees the request and p with it: the account is cleared first. */
	if (rc != 0) {
		mc_user_clear(&p->fresh);
		mc_reply_error(r, rc, "the profile");
		return;
	}
	json_t *j = mc_api_user_json(mc_req_time(r), &p->fresh);
	mc_user_clear(&p->fresh);
	mc_reply_json(r, 200, j);
}

static void profile_checked(mc_req *r, int rc, void *payload)
{
	profile *p = payload;
	if (rc != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not check the password");
		return;
	}
	if (p->wrong) {
		mc_limiter_fail(mc_req_login_accounts(r), p->key, mc_now());
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "current_password", "wrong",
				       "the current password is wrong");
		return;
	}
	if (p->same) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "new_password", "same",
				       "the new password must differ from the current one");
		return;
	}
	mc_limiter_reset(mc_req_login_accounts(r), p->key);
	mc_req_write(r, profile_write, profile_after, p);
}

void mc_api_profile_update(mc_req *r)
{
	json_t *body = mc_req_body(r);
	const char *current = NULL, *next = NULL, *email = NULL, *phone = NULL;
	bool clear_email = clears(body, "email"), clear_phone = clears(body, "phone");
	mc_field spec[] = {
	    {"current_password", MC_F_STRING, true, 1, MC_LIMIT_USER_PASSWORD, &current, 0},
	    {"new_password", MC_F_STRING, false, 10, MC_LIMIT_USER_PASSWORD, &next, 0},
	    {"email", MC_F_EMAIL, false, 3, MC_LIMIT_USER_EMAIL, &email, 0},
	    {"phone", MC_F_PHONE, false, 1, MC_LIMIT_USER_PHONE, &phone, 0},
	};
	if (mc_fields_or_reply(r, body, NULL, spec, 2) != 0)
		return;
	if (!clear_email && mc_fields_or_reply(r, body, NULL, &spec[2], 1) != 0)
		return;
	if (!clear_phone && mc_fields_or_reply(r, body, NULL, &spec[3], 1) != 0)
		return;
	profile *p = mc_req_own(r, mc_xcalloc(1, sizeof *p));
	const mc_user *me = mc_req_user(r);
	if (me->must_change_password && !next) {
		mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, "new_password", "required",
				       "the account must choose a new password");
		return;
	}
	int rc = mc_store_user_by_username(mc_req_store(r), &p->u, p->hash, sizeof p->hash, me->username);
	if (rc != 0) {
		mc_reply_error(r, rc, "the profile");
		return;
	}
	mc_api_user_own(r, &p->u);
	/* Guesses at the current password from a session left open count as
	 * failed sign-ins to the account. */
	int wait = 0;
	snprintf(p->key, sizeof p->key, "p:%lld", (long long)p->u.id);
	if (mc_limiter_blocked(mc_req_login_accounts(r), p->key, mc_now(), &wait)) {
		mc_api_too_many(r, wait, "too many wrong passwords");
		return;
	}
	/* Each check of the password costs the hashing pool what a sign-in
	 * costs: it counts towards the account's and the address's sign-ins
	 * (signin_account_max, signin_address_max), so that a session cannot
	 * flood the pool with its own right password and refuse everyone's
	 * sign-in (api/session.c). */
	char signin_key[32], address_key[96];
	int64_t now = mc_now();
	snprintf(signin_key, sizeof signin_key, "%lld", (long long)p->u.id);
	mc_api_address_key(r, address_key, sizeof address_key);
	if (mc_limiter_blocked(mc_req_signins_accounts(r), signin_key, now, &wait) ||
	    mc_limiter_blocked(mc_req_signins_addresses(r), address_key, now, &wait)) {
		mc_api_too_many(r, wait, "too many password checks for this account or from your address");
		return;
	}
	mc_limiter_fail(mc_req_signins_accounts(r), signin_key, now);
	mc_limiter_fail(mc_req_signins_addresses(r), address_key, now);
	p->email = clear_email ? "" : email;
	p->phone = clear_phone ? "" : phone;
	p->change = next != NULL;
	memcpy(p->checked, p->hash, sizeof p->checked);
	snprintf(p->current, sizeof p->current, "%s", current);
	if (next)
		snprintf(p->next, sizeof p->next, "%s", next);
	snprintf(p->keep, sizeof p->keep, "%s", mc_req_token_hash(r) ? mc_req_token_hash(r) : "");
	if (mc_req_offload(r, profile_check, profile_checked, p) != 0) {
		sodium_memzero(p->current, sizeof p->current);
		sodium_memzero(p->next, sizeof p->next);
		mc_reply_header(r, "Retry-After", "1");
		mc_reply_problem(r, MC_PROB_OVERLOADED,
				 "too many passwords are being checked; try again in a second");
	}
}

/* ---- password recovery ------------------------------------------------ */

typedef struct {
	const char *username;
	const char *channel;
	const char *code;
	char hash[MC_PASSWORD_HASH_MAX];
	char password[MC_LIMIT_USER_PASSWORD * 4 + 1];
	bool ok;
	char key[96];
} recovery;

static int recovery_start_write(mc_store *st, void *payload)
{
	recovery *w = payload;
	return mc_app_recovery_start(st, w->username, w->channel, mc_now());
}

static void recovery_start_after(mc_req *r, int rc, void *payload)
{
	(void)payload;
	if (rc != 0) {
		mc_reply_error(r, rc, "the recovery request");
		return;
	}
	/* The same answer whether or not the account exists or has that contact. */
	mc_reply_json(r, 202, json_pack("{s:s}", "status", "accepted"));
}

void mc_api_recovery_start(mc_req *r)
{
	recovery *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	mc_field spec[] = {
	    {"username", MC_F_STRING, true, 1, MC_LIMIT_SESSION_USERNAME, &w->username, 0},
	    {"channel", MC_F_STRING, false, 1, 8, &w->channel, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (w->channel && strcmp(w->channel, "email") != 0 && strcmp(w->channel, "sms") != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "channel", "choice",
				       "channel must be email or sms");
		return;
	}
	int64_t now = mc_now();
	int wait = 0;
	char key[96];
	/* Counted by address and by the name asked for, existing or not: a
	 * refusal tells nothing about the account. */
	mc_api_address_key(r, key, sizeof key);
	if (mc_limiter_blocked(mc_req_recovery_addresses(r), key, now, &wait)) {
		mc_api_too_many(r, wait, "too many recovery requests");
		return;
	}
	mc_limiter_fail(mc_req_recovery_addresses(r), key, now);
	snprintf(key, sizeof key, "u:%s", w->username);
	if (mc_limiter_blocked(mc_req_recovery_accounts(r), key, now, &wait)) {
		mc_api_too_many(r, wait, "too many recovery requests");
		return;
	}
	mc_limiter_fail(mc_req_recovery_accounts(r), key, now);
	mc_req_write(r, recovery_start_write, recovery_start_after, w);
}

static int recovery_hash(void *payload)
{
	recovery *w = payload;
	int rc = mc_auth_hash_password(w->hash, w->password);
	sodium_memzero(w->password, sizeof w->password);
	return rc;
}

static int recovery_finish_write(mc_store *st, void *payload)
{
	recovery *w = payload;
	return mc_app_recovery_finish(st, w->username, w->code, w->hash, mc_now(), &w->ok);
}

static void recovery_finish_after(mc_req *r, int rc, void *payload)
{
	recovery *w = payload;
	if (rc != 0) {
		mc_reply_error(r, rc, "the recovery");
		return;
	}
	if (!w->ok) {
		mc_limiter_fail(mc_req_login_addresses(r), w->key, mc_now());
		mc_reply_field_problem(r, MC_PROB_INVALID_CODE, "code", "wrong",
				       "the code is wrong, expired or used already");
		return;
	}
	mc_reply_empty(r, 204);
}

static void recovery_hashed(mc_req *r, int rc, void *payload)
{
	if (rc != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not hash the password");
		return;
	}
	mc_req_write(r, recovery_finish_write, recovery_finish_after, payload);
}

void mc_api_recovery_finish(mc_req *r)
{
	recovery *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	const char *password = NULL;
	mc_field spec[] = {
	    {"username", MC_F_STRING, true, 1, MC_LIMIT_SESSION_USERNAME, &w->username, 0},
	    {"code", MC_F_STRING, true, 1, 16, &w->code, 0},
	    {"password", MC_F_STRING, true, 10, MC_LIMIT_USER_PASSWORD, &password, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	int wait = 0;
	/* Wrong codes count as failed sign-ins from the address. */
	mc_api_address_key(r, w->key, sizeof w->key);
	if (mc_limiter_blocked(mc_req_login_addresses(r), w->key, mc_now(), &wait)) {
		mc_api_too_many(r, wait, "too many recovery requests");
		return;
	}
	snprintf(w->password, sizeof w->password, "%s", password);
	if (mc_req_offload(r, recovery_hash, recovery_hashed, w) != 0) {
		sodium_memzero(w->password, sizeof w->password);
		mc_reply_header(r, "Retry-After", "1");
		mc_reply_problem(r, MC_PROB_OVERLOADED,
				 "too many passwords are being hashed; try again in a second");
	}
}

/* ---- PUT/DELETE /api/v1/users/{username}/identity ---------------------- */

/* An official's account is opened through the identity provider only once an
 * administrator has linked it to the subject the provider names the person
 * by; a citizen's is linked at its first sign-in (app/oidc.h). */
typedef struct {
	int64_t user_id;
	const char *issuer;
	const char *subject;
	const mc_user *actor;
} identity_edit;

/* Whoever signs in as the subject acts as the account's owner: the link and
 * its removal are recorded and the owner told (app/user.h). */
static int identity_put_write(mc_store *st, void *payload)
{
	identity_edit *w = payload;
	return mc_app_identity_link(st, w->actor, w->user_id, w->issuer, w->subject, mc_now());
}

static void identity_put_after(mc_req *r, int rc, void *payload)
{
	identity_edit *w = payload;
	if (rc == MC_ECONFLICT) {
		mc_reply_field_problem(r, MC_PROB_DUPLICATE, "subject", "taken",
				       "the subject is linked to an account already");
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the link");
		return;
	}
	mc_reply_json(r, 200, json_pack("{s:s, s:s}", "issuer", w->issuer, "subject", w->subject));
}

static int identity_target_or_reply(mc_req *r, identity_edit *w)
{
	mc_user u;
	w->issuer = mc_req_config(r)->oidc.issuer;
	/* The account and the caller's scope first: an administrator elsewhere
	 * learns nothing of this deployment's sign-in from the answer. */
	if (target_or_reply(r, &u) != 0)
		return -1;
	if (!mc_oidc_enabled(&mc_req_config(r)->oidc)) {
		mc_reply_problem(r, MC_PROB_IDP_OFF,
				 "sign-in through the identity provider is not configured");
		return -1;
	}
	if (u.role == MC_ROLE_CITIZEN) {
		mc_reply_problem(
		    r, MC_PROB_FORBIDDEN,
		    "a citizen's account is linked by its owner's first sign-in, not by an administrator");
		return -1;
	}
	w->user_id = u.id;
	w->actor = mc_req_user(r);
	return 0;
}

void mc_api_user_identity_put(mc_req *r)
{
	identity_edit *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	mc_field spec[] = {
	    {"subject", MC_F_STRING, true, 1, MC_OIDC_SUBJECT_MAX - 1, &w->subject, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (identity_target_or_reply(r, w) != 0)
		return;
	mc_req_write(r, identity_put_write, identity_put_after, w);
}

static int identity_delete_write(mc_store *st, void *payload)
{
	identity_edit *w = payload;
	return mc_app_identity_unlink(st, w->actor, w->user_id, w->issuer, mc_now());
}

static void identity_delete_after(mc_req *r, int rc, void *payload)
{
	(void)payload;
	if (rc == MC_ENOTFOUND) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND,
				 "the account is not linked to an identity at the provider");
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the link");
		return;
	}
	mc_reply_empty(r, 204);
}

void mc_api_user_identity_delete(mc_req *r)
{
	identity_edit *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	if (identity_target_or_reply(r, w) != 0)
		return;
	mc_req_write(r, identity_delete_write, identity_delete_after, w);
}
