/*
 * app/oidc.h - signing in through an OpenID Connect provider (the national
 * identity platform, VNeID through the national portal's sign-in), with
 * motcua as the relying party: the authorization code flow with PKCE (S256),
 * `state` and `nonce` bound to the browser, the provider's metadata and keys
 * fetched with libcurl and kept, the code exchanged at the token endpoint
 * (client_secret_basic) and the ID token verified with OpenSSL (RS256 or
 * ES256 only; issuer, audience, authorised party, times, nonce).
 *
 * The binding to the browser is a cookie that holds 32 random bytes, an
 * expiry and an HMAC over both keyed from the client secret; the state,
 * nonce and PKCE verifier are HMACs of the same bytes. So any server of the
 * installation can finish a sign-in another started, nothing is stored
 * before the provider answers, and a value the browser did not get from us
 * is refused.
 *
 * Which account an identity opens is decided by mc_oidc_signin (the rules:
 * docs/operations.md, "Sign-in through the identity provider").
 *
 * The functions that reach the provider block for up to the timeouts below:
 * call them on a pool thread, never on an event loop.
 */
#ifndef MC_APP_OIDC_H
#define MC_APP_OIDC_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *issuer;	   /* the provider's issuer URL; "" or NULL = sign-in through it is off */
	const char *client_id;	   /* motcua's client id at the provider */
	const char *client_secret; /* its secret (client_secret_basic) */
	const char *redirect_url;  /* <public_url>/api/v1/session/oidc/callback, as registered */
	const char *claim;	   /* the claim that carries the personal identity number */
	const char *scopes;	   /* asked for, with "openid" */
} mc_oidc_config;

/* Seconds a started sign-in may take at the provider. */
#define MC_OIDC_ATTEMPT_SECONDS 600
/* Seconds of clock difference allowed with the provider for exp and iat. */
#define MC_OIDC_SKEW 60
/* The cookie's value, the state, nonce and verifier (with their NUL). */
#define MC_OIDC_COOKIE_MAX 160
#define MC_OIDC_VALUE_MAX 48
/* The longest subject kept (OpenID Connect Core §2: at most 255 ASCII characters). */
#define MC_OIDC_SUBJECT_MAX 256

/* Whether sign-in through the provider is configured. */
bool mc_oidc_enabled(const mc_oidc_config *c);

/* The values of one sign-in, derived from its cookie. */
typedef struct {
	char state[MC_OIDC_VALUE_MAX];
	char nonce[MC_OIDC_VALUE_MAX];
	char verifier[MC_OIDC_VALUE_MAX]; /* the PKCE code verifier (43 characters) */
	int64_t expires_at;
} mc_oidc_attempt;

/* A new sign-in started at now: the cookie's value in cookie, its values in *out. */
void mc_oidc_attempt_new(const mc_oidc_config *c, char cookie[MC_OIDC_COOKIE_MAX], mc_oidc_attempt *out,
			 int64_t now);
/* The sign-in the cookie's value started: 0; MC_EINVAL when the value is not
 * one of ours (forged, changed, malformed), MC_ESTALE when it has expired. */
int mc_oidc_attempt_open(const mc_oidc_config *c, mc_oidc_attempt *out, const char *cookie, int64_t now);

/*
 * The provider's authorization URL for the attempt in *out (caller frees
 * with free()), after reading the provider's metadata when it is not kept.
 * Returns 0; MC_EBUSY when the provider cannot be reached (or answers 5xx);
 * MC_ERROR when its metadata is not usable (why says what).
 */
int mc_oidc_authorize_url(const mc_oidc_config *c, char **out, const mc_oidc_attempt *a, char *why,
			  size_t why_cap);

/* Who the provider says signed in, from a verified ID token. */
typedef struct {
	char *issuer;
	char *subject;
	char *id_number; /* the identity number claim; "" when absent or not 12 digits */
	char *full_name; /* NFC, checked as a name; "" when absent or not usable */
} mc_oidc_identity;
void mc_oidc_identity_clear(mc_oidc_identity *id);

/*
 * Exchanges the code at the token endpoint with the attempt's verifier and
 * verifies the ID token it answers. Returns 0 and fills *out (clear it);
 * MC_EBUSY when the provider cannot be reached; MC_ECONFLICT when it refused
 * the code (used already, expired, not ours); MC_EFORBIDDEN when the ID token
 * is refused (signature, algorithm, key, issuer, audience, times, nonce);
 * MC_ERROR for an answer that is not usable. why says what.
 */
int mc_oidc_exchange(const mc_oidc_config *c, mc_oidc_identity *out, const char *code,
		     const mc_oidc_attempt *a, int64_t now, char *why, size_t why_cap);

/*
 * Verifies a compact JWS ID token against the keys of a JWKS (JSON text) and
 * the expected issuer, client id and nonce at now; on success *out holds its
 * claims (a JSON object as text; caller frees with free()). MC_ENOTFOUND when
 * the token names a key the set does not hold (the caller fetches the set
 * again); MC_EFORBIDDEN for anything else wrong, with why.
 */
int mc_oidc_verify(char **out, const char *token, const char *jwks, const char *issuer, const char *client_id,
		   const char *nonce, int64_t now, char *why, size_t why_cap);

/* What mc_oidc_signin decided. */
typedef enum {
	MC_OIDC_SIGNED_IN = 0, /* *user is the account; a session may be made */
	MC_OIDC_LOCKED,	       /* the account linked is locked: it stays locked */
	MC_OIDC_NOT_LINKED,    /* no account may be linked (no identity number; an official's number) */
} mc_oidc_outcome;

/*
 * Inside a write transaction: the account of the identity. A link of
 * (issuer, subject) names it; else the citizen with the identity number,
 * when someone vouched for that number (an administrator entered it, or the
 * provider claimed it before), then linked; else a new citizen account with
 * the name and number from the claims, vouched for, then linked. A
 * self-registered account holding the number is left as it is: the number
 * was only its registrant's word. Officials are only ever found by a link an
 * administrator made. *out is the account (clear it), *outcome what was
 * decided; the sign-in's attempt is recorded for a locked account.
 */
int mc_oidc_signin(mc_store *st, mc_user *out, mc_oidc_outcome *outcome, const mc_oidc_identity *id,
		   int64_t now, const char *peer, const char *agent);

#endif
