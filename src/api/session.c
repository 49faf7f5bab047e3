/* POST/GET/DELETE /api/v1/session - signing in and out. */
#include "api/api.h"

#include "app/auth.h"
#include "core/limits.h"
#include "http/limiter.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	/* what the pool thread checks */
	char hash[MC_PASSWORD_HASH_MAX];
	char checked_hash[MC_PASSWORD_HASH_MAX];	  /* the hash the password matched, for the write */
	char password[MC_LIMIT_SESSION_PASSWORD * 4 + 1]; /* characters of up to 4 bytes */
	bool account_ok;				  /* the account exists and is active */
	/* what the reply needs */
	mc_user user;	      /* its strings are the request's */
	char account_key[96]; /* failures from unknown devices */
	char device_key[48];  /* failures from this known device, "" = not one */
	char address_key[96];
	char token_hash[65];
	int64_t expires_at;
	int max_sessions;
	char token[MC_TOKEN_MAX];
	char device[MC_DEVICE_TOKEN_MAX]; /* a new device token to set, "" = none */
	json_t *user_json;
	bool secure;
	char peer[64];			      /* recorded with the attempt */
	char agent[MC_SIGNIN_DEVICE_MAX + 1]; /* the User-Agent, printable ASCII */
} signin;

static int session_write(mc_store *st, void *payload)
{
	signin *s = payload;
	int64_t now = mc_now();
	int rc = mc_store_session_create(st, s->token_hash, s->user.id, now, s->expires_at, s->checked_hash);
	if (rc == 0)
		rc = mc_store_session_trim(st, s->user.id, s->max_sessions, s->token_hash);
	if (rc == 0)
		rc = mc_store_signin_record(st, s->user.id, now, s->peer, s->agent, true);
	return rc;
}

/* A wrong password for an existing account is kept in its sign-ins, which
 * the owner and its administrators can read. */
static int failure_write(mc_store *st, void *payload)
{
	signin *s = payload;
	return mc_store_signin_record(st, s->user.id, mc_now(), s->peer, s->agent, false);
}

static void failure_after(mc_req *r, int rc, void *payload)
{
	(void)rc; /* the answer is the same whether or not the attempt was recorded */
	(void)payload;
	mc_reply_problem(r, MC_PROB_BAD_CREDENTIALS, "the username or password is wrong");
}

void mc_api_session_cookies(mc_req *r, const char *token, int64_t expires_at)
{
	char cookie[256];
	int max_age = (int)(expires_at - mc_now());
	bool secure = mc_req_is_tls(r);
	snprintf(cookie, sizeof cookie, "motcua_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
		 token, max_age, secure ? "; Secure" : "");
	mc_reply_header(r, "Set-Cookie", cookie);
	/* What the page may read (the session cookie it may not): whether to ask
	 * GET /api/v1/session at all, so that a visitor who never signed in
	 * causes no 401. It holds nothing secret; the session cookie decides. */
	snprintf(cookie, sizeof cookie, "motcua_signed_in=1; Path=/; Max-Age=%d; SameSite=Strict%s", max_age,
		 secure ? "; Secure" : "");
	mc_reply_header(r, "Set-Cookie", cookie);
}

static void session_after(mc_req *r, int rc, void *payload)
{
	signin *s = payload;
	sodium_memzero(s->checked_hash, sizeof s->checked_hash);
	if (rc == MC_ESTALE) {
		/* The password was changed, or the account locked or erased, while
		 * it was being checked: the old password opens nothing. */
		json_decref(s->user_json);
		mc_reply_problem(r, MC_PROB_BAD_CREDENTIALS, "the username or password is wrong");
		return;
	}
	if (rc != 0) {
		json_decref(s->user_json);
		mc_reply_error(r, rc, "signing in");
		return;
	}
	mc_api_session_cookies(r, s->token, s->expires_at);
	if (s->device[0]) {
		/* Sent back only to the sign-in route; a year, renewed at each new device token. */
		char device[MC_DEVICE_TOKEN_MAX + 128];
		snprintf(
		    device, sizeof device,
		    "motcua_device=%s; Path=/api/v1/session; Max-Age=31536000; HttpOnly; SameSite=Strict%s",
		    s->device, s->secure ? "; Secure" : "");
		mc_reply_header(r, "Set-Cookie", device);
	}
	mc_reply_json(r, 201,
		      json_pack("{s:s, s:o, s:o}", "token", s->token, "expires_at",
				mc_api_time(s->expires_at), "user", s->user_json));
}

/* Runs on the hashing pool: argon2id costs tens of milliseconds and 64 MiB. */
static int check_password(void *payload)
{
	signin *s = payload;
	/* An unknown or inactive account is checked against a dummy hash, so
	 * that the time taken does not tell which usernames exist. */
	int rc = mc_auth_verify_password(s->account_ok ? s->hash : mc_auth_dummy_hash(), s->password);
	sodium_memzero(s->password, sizeof s->password);
	return s->account_ok ? rc : MC_EFORBIDDEN;
}

static void checked(mc_req *r, int rc, void *payload)
{
	signin *s = payload;
	int64_t now = mc_now();
	if (rc != 0) {
		/* A wrong password counts against the device it came from when that
		 * is one the account has signed in from, else against the account:
		 * guesses from elsewhere never lock the owner's own browser out. */
		if (s->device_key[0])
			mc_limiter_fail(mc_req_login_devices(r), s->device_key, now);
		else
			mc_limiter_fail(mc_req_login_accounts(r), s->account_key, now);
		mc_limiter_fail(mc_req_login_addresses(r), s->address_key, now);
		if (s->account_ok)
			mc_req_write(r, failure_write, failure_after, s);
		else
			mc_reply_problem(r, MC_PROB_BAD_CREDENTIALS, "the username or password is wrong");
		return;
	}
	/* The right password: a flood of sign-ins to one account is still refused. */
	char signin_key[32];
	int wait = 0;
	snprintf(signin_key, sizeof signin_key, "%lld", (long long)s->user.id);
	if (mc_limiter_blocked(mc_req_signins_accounts(r), signin_key, now, &wait)) {
		mc_api_too_many(r, wait, "too many sign-ins to this account");
		return;
	}
	mc_limiter_fail(mc_req_signins_accounts(r), signin_key, now);
	mc_limiter_reset(s->device_key[0] ? mc_req_login_devices(r) : mc_req_login_accounts(r),
			 s->device_key[0] ? s->device_key : s->account_key);
	if (!s->device_key[0])
		mc_auth_device_token(s->device, s->user.id, s->hash);
	memcpy(s->checked_hash, s->hash, sizeof s->checked_hash);
	sodium_memzero(s->hash, sizeof s->hash);
	mc_auth_new_token(s->token);
	mc_auth_token_hash(s->token_hash, s->token);
	s->expires_at = now + (int64_t)mc_req_config(r)->session_hours * 3600;
	s->max_sessions = mc_req_config(r)->max_sessions > 0 ? mc_req_config(r)->max_sessions : 10;
	s->user_json = mc_api_user_json(mc_req_time(r), &s->user);
	s->secure = mc_req_is_tls(r);
	mc_req_write(r, session_write, session_after, s);
}

/* The motcua_device cookie's value, copied into out, or "". */
static void device_cookie(const char *header, char *out, size_t cap)
{
	static const char name[] = "motcua_device=";
	out[0] = '\0';
	for (const char *at = header; at && (at = strstr(at, name)) != NULL; at += sizeof name - 1) {
		if (at == header || at[-1] == ' ' || at[-1] == ';') {
			at += sizeof name - 1;
			size_t n = strcspn(at, "; ");
			if (n < cap) {
				memcpy(out, at, n);
				out[n] = '\0';
			}
			return;
		}
	}
}

void mc_api_session_create(mc_req *r)
{
	const char *username = NULL, *password = NULL;
	mc_field spec[] = {
	    {"username", MC_F_STRING, true, 1, MC_LIMIT_SESSION_USERNAME, &username, 0},
	    {"password", MC_F_STRING, true, 1, MC_LIMIT_SESSION_PASSWORD, &password, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	signin *s = mc_req_own(r, mc_xcalloc(1, sizeof *s));
	snprintf(s->account_key, sizeof s->account_key, "u:%s", username);
	mc_api_address_key(r, s->address_key, sizeof s->address_key);
	snprintf(s->peer, sizeof s->peer, "%s", mc_req_peer(r));
	mc_api_user_agent(s->agent, sizeof s->agent, mc_req_header(r, "User-Agent"));
	int64_t now = mc_now();
	int wait = 0;
	/* Every attempt from an address counts towards its rate; failures too
	 * towards its own limit. Refused before any password is checked, with
	 * the same answer whether or not the account exists. */
	if (mc_limiter_blocked(mc_req_signins_addresses(r), s->address_key, now, &wait)) {
		mc_api_too_many(r, wait, "too many sign-ins from your address");
		return;
	}
	mc_limiter_fail(mc_req_signins_addresses(r), s->address_key, now);
	if (mc_limiter_blocked(mc_req_login_addresses(r), s->address_key, now, &wait)) {
		mc_api_too_many(r, wait, "too many failed sign-ins from your address");
		return;
	}
	int rc = mc_store_user_by_username(mc_req_store(r), &s->user, s->hash, sizeof s->hash, username);
	mc_api_user_own(r, &s->user);
	if (rc != 0 && rc != MC_ENOTFOUND) {
		mc_reply_error(r, rc, "signing in");
		return;
	}
	s->account_ok = rc == 0 && s->user.active;
	char token[MC_DEVICE_TOKEN_MAX], nonce[32];
	device_cookie(mc_req_header(r, "Cookie"), token, sizeof token);
	if (s->account_ok && token[0] && mc_auth_device_check(token, s->user.id, s->hash, nonce) == 0) {
		snprintf(s->device_key, sizeof s->device_key, "d:%s", nonce);
		if (mc_limiter_blocked(mc_req_login_devices(r), s->device_key, now, &wait)) {
			mc_api_too_many(r, wait, "too many failed sign-ins from this browser");
			return;
		}
	} else if (mc_limiter_blocked(mc_req_login_accounts(r), s->account_key, now, &wait)) {
		mc_api_too_many(r, wait, "too many failed sign-ins to this account from new devices");
		return;
	}
	snprintf(s->password, sizeof s->password, "%s", password);
	if (mc_req_offload(r, check_password, checked, s) != 0) {
		sodium_memzero(s->password, sizeof s->password);
		mc_reply_header(r, "Retry-After", "1");
		mc_reply_problem(r, MC_PROB_OVERLOADED,
				 "too many sign-ins are being checked; try again in a second");
	}
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
	mc_reply_header(r, "Set-Cookie", "motcua_signed_in=; Path=/; Max-Age=0; SameSite=Strict");
	mc_reply_empty(r, 204);
}

void mc_api_session_delete(mc_req *r)
{
	char *hash = mc_req_own(r, mc_xstrdup(mc_req_token_hash(r)));
	mc_req_write(r, session_delete_write, session_delete_after, hash);
}
