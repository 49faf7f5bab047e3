/* POST/GET/DELETE /api/v1/session - signing in and out. */
#include "api/api.h"

#include "app/auth.h"
#include "http/limiter.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	char token_hash[65];
	int64_t user_id;
	int64_t expires_at;
	char token[MC_TOKEN_MAX];
	json_t *user_json;
	bool secure;
} session_new;

static int session_write(mc_store *st, void *payload)
{
	session_new *s = payload;
	return mc_store_session_create(st, s->token_hash, s->user_id, mc_now(), s->expires_at);
}

static void session_after(mc_req *r, int rc, void *payload)
{
	session_new *s = payload;
	if (rc != 0) {
		json_decref(s->user_json);
		mc_reply_error(r, rc, "signing in");
		return;
	}
	char cookie[256];
	int max_age = (int)(s->expires_at - mc_now());
	snprintf(cookie, sizeof cookie, "motcua_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
		 s->token, max_age, s->secure ? "; Secure" : "");
	mc_reply_header(r, "Set-Cookie", cookie);
	mc_reply_json(r, 201, json_pack("{s:s, s:o, s:o}", "token", s->token, "expires_at",
					mc_api_time(s->expires_at), "user", s->user_json));
}

void mc_api_session_create(mc_req *r)
{
	const char *username = NULL, *password = NULL;
	mc_field spec[] = {
		{"username", MC_F_STRING, true, 1, 64, &username, 0},
		{"password", MC_F_STRING, true, 1, 256, &password, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	/* Too many failures for this account or from this address: the same
	 * answer whether or not the account exists, and no password is checked. */
	char account_key[96], address_key[96];
	snprintf(account_key, sizeof account_key, "u:%s", username);
	snprintf(address_key, sizeof address_key, "a:%s", mc_req_peer(r));
	int64_t now = mc_now();
	int wait_a = 0, wait_b = 0;
	bool blocked_a = mc_limiter_blocked(mc_req_login_accounts(r), account_key, now, &wait_a);
	bool blocked_b = mc_limiter_blocked(mc_req_login_addresses(r), address_key, now, &wait_b);
	if (blocked_a || blocked_b) {
		char retry[16];
		snprintf(retry, sizeof retry, "%d", wait_a > wait_b ? wait_a : wait_b);
		mc_reply_header(r, "Retry-After", retry);
		mc_reply_problem(r, MC_PROB_TOO_MANY_ATTEMPTS, "too many failed sign-ins; try again in %s seconds", retry);
		return;
	}
	mc_user u;
	char hash[MC_PASSWORD_HASH_MAX];
	int rc = mc_store_user_by_username(mc_req_store(r), &u, hash, sizeof hash, username);
	if (rc == MC_ENOTFOUND || (rc == 0 && !u.active)) {
		/* Spend the time a real check takes, so timing does not tell which usernames exist. */
		static char dummy[MC_PASSWORD_HASH_MAX];
		if (!dummy[0])
			mc_auth_hash_password(dummy, "motcua-timing-equaliser");
		mc_auth_verify_password(dummy, password);
		mc_limiter_fail(mc_req_login_accounts(r), account_key, now);
		mc_limiter_fail(mc_req_login_addresses(r), address_key, now);
		mc_reply_problem(r, MC_PROB_BAD_CREDENTIALS, "the username or password is wrong");
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "signing in");
		return;
	}
	if (mc_auth_verify_password(hash, password) != 0) {
		mc_limiter_fail(mc_req_login_accounts(r), account_key, now);
		mc_limiter_fail(mc_req_login_addresses(r), address_key, now);
		mc_reply_problem(r, MC_PROB_BAD_CREDENTIALS, "the username or password is wrong");
		return;
	}
	/* The account's own count starts again; the address keeps its count, so
	 * one good password does not open a run of guesses at other accounts. */
	mc_limiter_reset(mc_req_login_accounts(r), account_key);
	session_new *s = mc_req_own(r, mc_xcalloc(1, sizeof *s));
	mc_auth_new_token(s->token);
	mc_auth_token_hash(s->token_hash, s->token);
	s->user_id = u.id;
	s->expires_at = mc_now() + (int64_t)mc_req_config(r)->session_hours * 3600;
	s->user_json = mc_api_user_json(mc_req_time(r), &u);
	s->secure = mc_req_is_tls(r);
	mc_req_write(r, session_write, session_after, s);
}

void mc_api_session_get(mc_req *r)
{
	mc_reply_json(r, 200, json_pack("{s:o}", "user", mc_api_user_json(mc_req_time(r), mc_req_user(r))));
}

static int session_delete_write(mc_store *st, void *payload)
{
	return mc_store_session_delete(st, payload);
}

static void session_delete_after(mc_req *r, int rc, void *payload)
{
	(void)payload;
	if (rc != 0 && rc != MC_ENOTFOUND) {
		mc_reply_error(r, rc, "signing out");
		return;
	}
	mc_reply_header(r, "Set-Cookie", "motcua_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
	mc_reply_empty(r, 204);
}

void mc_api_session_delete(mc_req *r)
{
	char *hash = mc_req_own(r, mc_xstrdup(mc_req_token_hash(r)));
	mc_req_write(r, session_delete_write, session_delete_after, hash);
}
