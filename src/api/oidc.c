/*
 * /api/v1/session/oidc... - signing in through the identity provider (the
 * national identity platform) with the authorization code flow (app/oidc.h):
 * GET .../oidc sends the browser to the provider, the provider sends it back
 * to GET .../oidc/callback with a code, and the account it names gets a
 * session made exactly as a password sign-in makes it (api/session.c).
 */
#include "api/api.h"

#include "app/auth.h"
#include "app/oidc.h"
#include "core/text.h"
#include "http/limiter.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The cookie that binds a sign-in to the browser that started it: sent back
 * only to these routes, and on the provider's redirect (a top-level GET from
 * another site), hence SameSite=Lax. */
#define BINDING_COOKIE "motcua_oidc"
#define CODE_MAX 2048

/*
 * A browser that navigated here (Accept: text/html: the sign-in button, the
 * provider's redirect) is sent back to the sign-in page, which says what went
 * wrong in its own words (/dang-nhap?loi=<problem>); a program gets the
 * problem itself. What the operator must see (the provider down or
 * answering what is refused) goes to stderr as well.
 */
static void back_or(mc_req *r, mc_problem p, const char *field, const char *rule, const char *detail)
{
	const char *accept = mc_req_header(r, "Accept");
	if (p == MC_PROB_IDP_ERROR || p == MC_PROB_IDP_UNAVAILABLE)
		fprintf(stderr, "motcua: sign-in through the identity provider failed: %s\n", detail);
	if (accept && strstr(accept, "text/html")) {
		char location[1024];
		snprintf(location, sizeof location, "%s/dang-nhap?loi=%s", mc_req_public_url(r),
			 mc_problem_get(p)->slug);
		mc_reply_header(r, "Location", location);
		mc_reply_header(r, "Cache-Control", "no-store");
		mc_reply_empty(r, 303);
	} else if (field) {
		mc_reply_field_problem(r, p, field, rule, "%s", detail);
	} else {
		mc_reply_problem(r, p, "%s", detail);
	}
}

static void back_or_problem(mc_req *r, mc_problem p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void back_or_problem(mc_req *r, mc_problem p, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	back_or(r, p, NULL, NULL, detail);
}

static void back_or_field_problem(mc_req *r, mc_problem p, const char *field, const char *rule,
				  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void back_or_field_problem(mc_req *r, mc_problem p, const char *field, const char *rule,
				  const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	back_or(r, p, field, rule, detail);
}

static const mc_oidc_config *config_or_reply(mc_req *r)
{
	const mc_oidc_config *c = &mc_req_config(r)->oidc;
	if (!mc_oidc_enabled(c)) {
		back_or_problem(r, MC_PROB_IDP_OFF,
				"sign-in through the identity provider is not configured on "
				"this server (oidc_issuer is empty)");
		return NULL;
	}
	return c;
}

/* Too many sign-ins from one address are refused as password sign-ins are. */
static int flood_or_reply(mc_req *r)
{
	char key[96];
	int wait = 0;
	int64_t now = mc_now();
	mc_api_address_key(r, key, sizeof key);
	if (mc_limiter_blocked(mc_req_signins_addresses(r), key, now, &wait)) {
		char retry[16];
		snprintf(retry, sizeof retry, "%d", wait > 0 ? wait : 1);
		mc_reply_header(r, "Retry-After", retry);
		back_or_problem(r, MC_PROB_TOO_MANY_ATTEMPTS,
				"too many sign-ins from your address; try again in %s seconds", retry);
		return -1;
	}
	mc_limiter_fail(mc_req_signins_addresses(r), key, now);
	return 0;
}

static void reply_failure(mc_req *r, int rc, const char *why)
{
	switch (rc) {
	case MC_EBUSY:
		mc_reply_header(r, "Retry-After", "30");
		back_or_problem(r, MC_PROB_IDP_UNAVAILABLE, "%s", why);
		break;
	case MC_ECONFLICT:
		back_or_problem(r, MC_PROB_IDP_REFUSED, "%s", why);
		break;
	default:
		back_or_problem(r, MC_PROB_IDP_ERROR, "%s",
				why[0] ? why : "the identity provider's answer is not usable");
		break;
	}
}

static void clear_binding(mc_req *r)
{
	mc_reply_header(r, "Set-Cookie",
			BINDING_COOKIE "=; Path=/api/v1/session/oidc; Max-Age=0; HttpOnly; SameSite=Lax");
}

/* ---- GET /api/v1/session/oidc/status ------------------------------------- */

void mc_api_oidc_status(mc_req *r)
{
	mc_reply_json(r, 200, json_pack("{s:b}", "enabled", mc_oidc_enabled(&mc_req_config(r)->oidc)));
}

/* ---- GET /api/v1/session/oidc --------------------------------------------- */

typedef struct {
	const mc_oidc_config *config; /* the server's, borrowed */
	mc_oidc_attempt attempt;
	char cookie[MC_OIDC_COOKIE_MAX];
	char *url; /* the provider's authorization URL */
	char why[400];
} start;

/* On the identity provider's pool: the provider's metadata may have to be read first. */
static int start_run(void *payload)
{
	start *s = payload;
	return mc_oidc_authorize_url(s->config, &s->url, &s->attempt, s->why, sizeof s->why);
}

static void start_after(mc_req *r, int rc, void *payload)
{
	start *s = payload;
	mc_req_own(r, s->url);
	if (rc != 0) {
		reply_failure(r, rc, s->why);
		return;
	}
	char cookie[MC_OIDC_COOKIE_MAX + 160];
	snprintf(cookie, sizeof cookie,
		 BINDING_COOKIE "=%s; Path=/api/v1/session/oidc; Max-Age=%d; HttpOnly; SameSite=Lax%s",
		 s->cookie, MC_OIDC_ATTEMPT_SECONDS, mc_req_is_tls(r) ? "; Secure" : "");
	mc_reply_header(r, "Set-Cookie", cookie);
	mc_reply_header(r, "Location", s->url);
	mc_reply_header(r, "Cache-Control", "no-store");
	mc_reply_empty(r, 302);
}

void mc_api_oidc_start(mc_req *r)
{
	const mc_oidc_config *c = config_or_reply(r);
	if (!c || flood_or_reply(r) != 0)
		return;
	start *s = mc_req_own(r, mc_xcalloc(1, sizeof *s));
	s->config = c;
	mc_oidc_attempt_new(c, s->cookie, &s->attempt, mc_now());
	/* On the identity provider's own pool: a provider that does not answer
	 * holds it for up to its timeout, never the hashing of the passwords
	 * that sign everyone else in, nor the other systems' calls. */
	if (mc_req_identity(r, start_run, start_after, s) != 0) {
		mc_reply_header(r, "Retry-After", "1");
		back_or_problem(r, MC_PROB_OVERLOADED,
				"too many sign-ins are under way; try again in a second");
	}
}

/* ---- GET /api/v1/session/oidc/callback ------------------------------------ */

typedef struct {
	const mc_oidc_config *config;
	mc_oidc_attempt attempt;
	char code[CODE_MAX + 1];
	char why[400];
	mc_oidc_identity identity;
	/* the write's */
	mc_user user;
	mc_oidc_outcome outcome;
	char token[MC_TOKEN_MAX];
	char token_hash[65];
	int64_t expires_at;
	int max_sessions;
	char peer[64];
	char agent[MC_SIGNIN_DEVICE_MAX + 1];
	bool again; /* the write ran a second time after a conflict */
} callback;

/* The value of the cookie name in a Cookie header, copied into out, or "". */
static void cookie_value(const char *header, const char *name, char *out, size_t cap)
{
	size_t len = strlen(name);
	out[0] = '\0';
	for (const char *at = header; at && (at = strstr(at, name)) != NULL; at += len) {
		if ((at == header || at[-1] == ' ' || at[-1] == ';') && at[len] == '=') {
			at += len + 1;
			size_t n = strcspn(at, "; ");
			if (n < cap) {
				memcpy(out, at, n);
				out[n] = '\0';
			}
			return;
		}
	}
}

static int exchange_run(void *payload)
{
	callback *s = payload;
	return mc_oidc_exchange(s->config, &s->identity, s->code, &s->attempt, mc_now(), s->why,
				sizeof s->why);
}

static int signin_write(mc_store *st, void *payload)
{
	callback *s = payload;
	int64_t now = mc_now();
	mc_user_clear(&s->user); /* an earlier run's */
	int rc = mc_oidc_signin(st, &s->user, &s->outcome, &s->identity, now, s->peer, s->agent);
	if (rc != 0 || s->outcome != MC_OIDC_SIGNED_IN)
		return rc;
	rc = mc_store_session_create(st, s->token_hash, s->user.id, now, s->expires_at, NULL);
	if (rc == 0)
		rc = mc_store_session_trim(st, s->user.id, s->max_sessions, s->token_hash);
	if (rc == 0)
		rc = mc_store_signin_record(st, s->user.id, now, s->peer, s->agent, true);
	return rc;
}

static void signin_after(mc_req *r, int rc, void *payload)
{
	callback *s = payload;
	/* Another server made or linked the account for this identity between
	 * this write's lookup and its insert (the same person's two sign-ins
	 * at once, on servers sharing PostgreSQL): that write undone, this one
	 * runs once more and finds the account now linked. */
	if (rc == MC_ECONFLICT && !s->again) {
		s->again = true;
		mc_req_write(r, signin_write, signin_after, s);
		return;
	}
	mc_api_user_own(r, &s->user);
	mc_oidc_identity_clear(&s->identity);
	if (rc != 0) {
		mc_reply_error(r, rc, "signing in");
		return;
	}
	if (s->outcome == MC_OIDC_LOCKED) {
		back_or_problem(r, MC_PROB_ACCOUNT_LOCKED,
				"the account %s is locked; an administrator may unlock it", s->user.username);
		return;
	}
	if (s->outcome == MC_OIDC_NOT_LINKED) {
		back_or_problem(
		    r, MC_PROB_IDENTITY_NOT_LINKED,
		    "no account is linked to this identity and none may be made: the provider gave no "
		    "12-digit identity number (claim %s), or the number is an official's, whose account "
		    "an administrator links",
		    s->config->claim);
		return;
	}
	mc_api_session_cookies(r, s->token, s->expires_at);
	/* The browser lands on the citizen's dossiers (an official's work
	 * page is found from /). Answered with 303 to a page of ours: the
	 * session cookie is SameSite=Strict, and that page's own requests send it. */
	char location[1024];
	snprintf(location, sizeof location, "%s%s", mc_req_public_url(r),
		 s->user.role == MC_ROLE_CITIZEN ? "/ho-so-cua-toi" : "/");
	mc_reply_header(r, "Location", location);
	mc_reply_header(r, "Cache-Control", "no-store");
	mc_reply_empty(r, 303);
}

static void exchanged(mc_req *r, int rc, void *payload)
{
	callback *s = payload;
	if (rc != 0) {
		mc_oidc_identity_clear(&s->identity);
		reply_failure(r, rc == MC_EFORBIDDEN ? MC_ERROR : rc, s->why);
		return;
	}
	mc_auth_new_token(s->token);
	mc_auth_token_hash(s->token_hash, s->token);
	s->expires_at = mc_now() + (int64_t)mc_req_config(r)->session_hours * 3600;
	s->max_sessions = mc_req_config(r)->max_sessions > 0 ? mc_req_config(r)->max_sessions : 10;
	mc_req_write(r, signin_write, signin_after, s);
}

void mc_api_oidc_callback(mc_req *r)
{
	const mc_oidc_config *c = config_or_reply(r);
	if (!c)
		return;
	/* Whatever happens next, this sign-in's binding is spent. */
	clear_binding(r);
	if (flood_or_reply(r) != 0)
		return;
	callback *s = mc_req_own(r, mc_xcalloc(1, sizeof *s));
	s->config = c;
	char cookie[MC_OIDC_COOKIE_MAX];
	cookie_value(mc_req_header(r, "Cookie"), BINDING_COOKIE, cookie, sizeof cookie);
	if (!cookie[0]) {
		back_or_field_problem(
		    r, MC_PROB_IDP_STATE, "state", "required",
		    "this browser did not start a sign-in through the identity provider (no %s "
		    "cookie)",
		    BINDING_COOKIE);
		return;
	}
	int rc = mc_oidc_attempt_open(c, &s->attempt, cookie, mc_now());
	if (rc != 0) {
		back_or_field_problem(r, MC_PROB_IDP_STATE, "state", rc == MC_ESTALE ? "expired" : "wrong",
				      rc == MC_ESTALE
					  ? "the sign-in was started more than %d seconds ago"
					  : "the sign-in's cookie is not one this server made (%d)",
				      rc == MC_ESTALE ? MC_OIDC_ATTEMPT_SECONDS : 0);
		return;
	}
	const char *state = mc_req_query(r, "state");
	if (!state || strlen(state) != strlen(s->attempt.state) ||
	    sodium_memcmp(state, s->attempt.state, strlen(state)) != 0) {
		back_or_field_problem(r, MC_PROB_IDP_STATE, "state", state ? "wrong" : "required",
				      "the state is not the one this browser's sign-in was given");
		return;
	}
	/* RFC 9207: a provider that names itself in the redirect must be ours
	 * (a code from another provider the browser also uses is not sent on). */
	const char *iss = mc_req_query(r, "iss");
	if (iss && strcmp(iss, c->issuer) != 0) {
		char shown[128];
		mc_text_cut(shown, sizeof shown, iss);
		back_or_field_problem(r, MC_PROB_IDP_ERROR, "iss", "wrong",
				      "the redirect comes from the issuer %s, not %s", shown, c->issuer);
		return;
	}
	/* OAuth 2.0 §4.1.2.1: the provider says why it did not sign the user in. */
	const char *error = mc_req_query(r, "error");
	if (error) {
		char shown[128];
		mc_text_cut(shown, sizeof shown, error);
		back_or_problem(r, MC_PROB_IDP_REFUSED, "the identity provider answered %s", shown);
		return;
	}
	const char *code = mc_req_query(r, "code");
	if (!code || !code[0] || strlen(code) > CODE_MAX) {
		back_or_field_problem(r, MC_PROB_INVALID_QUERY, "code",
				      code && code[0] ? "too-long" : "required",
				      "the provider's code is missing or longer than %d bytes", CODE_MAX);
		return;
	}
	snprintf(s->code, sizeof s->code, "%s", code);
	snprintf(s->peer, sizeof s->peer, "%s", mc_req_peer(r));
	mc_api_user_agent(s->agent, sizeof s->agent, mc_req_header(r, "User-Agent"));
	/* On the pool of calls to other systems, as the start. */
	if (mc_req_identity(r, exchange_run, exchanged, s) != 0) {
		mc_reply_header(r, "Retry-After", "1");
		back_or_problem(r, MC_PROB_OVERLOADED,
				"too many sign-ins are under way; try again in a second");
	}
}
