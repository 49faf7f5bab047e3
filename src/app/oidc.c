/*
 * oidc.c - signing in through an OpenID Connect provider (app/oidc.h).
 */
#include "app/oidc.h"

#include "core/buf.h"
#include "core/dossier.h"
#include "core/limits.h"
#include "core/mc.h"
#include "core/text.h"

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replies of the provider larger than this are refused, not read on. */
#define REPLY_MAX (256 * 1024)
#define TOKEN_MAX (16 * 1024)
#define CONNECT_TIMEOUT 5L
#define TIMEOUT 10L
/* The metadata is read again after an hour; the keys when a token names one
 * they lack, but not more often than this (a flood of tokens with made-up
 * key ids must not become a flood of requests to the provider). */
#define DISCOVERY_KEEP 3600
#define JWKS_REFETCH_MIN 30

static void say(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (!why || cap == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
}

bool mc_oidc_enabled(const mc_oidc_config *c)
{
	return c && c->issuer && c->issuer[0];
}

/* ---- the binding to the browser ---------------------------------------- */

static void b64url(char *out, size_t cap, const unsigned char *bin, size_t len)
{
	sodium_bin2base64(out, cap, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* HMAC-SHA256 of "<label>:<text>" under a key made from the client secret,
 * base64url into out (43 characters). */
static void derive(char out[MC_OIDC_VALUE_MAX], const mc_oidc_config *c, const char *label, const char *text)
{
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_hash_sha256_state h;
	crypto_auth_hmacsha256_state st;
	static const char purpose[] = "motcua oidc binding";

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)purpose, sizeof purpose);
	crypto_hash_sha256_update(&h, (const unsigned char *)c->client_secret, strlen(c->client_secret));
	crypto_hash_sha256_final(&h, key);
	crypto_auth_hmacsha256_init(&st, key, sizeof key);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)label, strlen(label));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)":", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, strlen(text));
	crypto_auth_hmacsha256_final(&st, mac);
	b64url(out, MC_OIDC_VALUE_MAX, mac, sizeof mac);
	sodium_memzero(key, sizeof key);
}

static void attempt_values(const mc_oidc_config *c, mc_oidc_attempt *out, const char *body,
			   int64_t expires_at)
{
	derive(out->state, c, "state", body);
	derive(out->nonce, c, "nonce", body);
	derive(out->verifier, c, "verifier", body);
	out->expires_at = expires_at;
}

void mc_oidc_attempt_new(const mc_oidc_config *c, char cookie[MC_OIDC_COOKIE_MAX], mc_oidc_attempt *out,
			 int64_t now)
{
	unsigned char random[32];
	char body[96], id[MC_OIDC_VALUE_MAX], mac[MC_OIDC_VALUE_MAX];
	int64_t expires_at = now + MC_OIDC_ATTEMPT_SECONDS;

	randombytes_buf(random, sizeof random);
	b64url(id, sizeof id, random, sizeof random);
	snprintf(body, sizeof body, "%s.%lld", id, (long long)expires_at);
	derive(mac, c, "cookie", body);
	snprintf(cookie, MC_OIDC_COOKIE_MAX, "%s.%s", body, mac);
	attempt_values(c, out, body, expires_at);
}

int mc_oidc_attempt_open(const mc_oidc_config *c, mc_oidc_attempt *out, const char *cookie, int64_t now)
{
	char body[MC_OIDC_COOKIE_MAX], mac[MC_OIDC_VALUE_MAX];
	const char *dot = cookie ? strrchr(cookie, '.') : NULL;
	size_t n = dot ? (size_t)(dot - cookie) : 0;

	memset(out, 0, sizeof *out);
	if (!dot || n == 0 || n >= sizeof body || strlen(dot + 1) != 43)
		return MC_EINVAL;
	memcpy(body, cookie, n);
	body[n] = '\0';
	derive(mac, c, "cookie", body);
	if (sodium_memcmp(mac, dot + 1, 43) != 0)
		return MC_EINVAL;
	const char *exp = strchr(body, '.');
	if (!exp)
		return MC_EINVAL;
	long long expires_at = strtoll(exp + 1, NULL, 10);
	if (expires_at < now)
		return MC_ESTALE;
	attempt_values(c, out, body, expires_at);
	return 0;
}

/* ---- talking to the provider -------------------------------------------- */

static size_t collect(char *data, size_t size, size_t n, void *payload)
{
	mc_buf *b = payload;
	/* Over the limit: a short count makes curl stop with CURLE_WRITE_ERROR. */
	return mc_buf_add(b, data, size * n) == 0 ? size * n : 0;
}

/*
 * GET url (form NULL) or POST the form to it, with basic authentication
 * when user is set; the JSON object of a 2xx reply in *out. MC_EBUSY when
 * the provider cannot be reached or answers 5xx; MC_ECONFLICT for a 4xx
 * (*out then holds its JSON error when it sent one); MC_ERROR for a reply
 * that is not a JSON object.
 */
static int http_json(json_t **out, const char *url, const char *form, const char *user, const char *password,
		     char *why, size_t cap)
{
	CURL *h = curl_easy_init();
	struct curl_slist *headers = NULL;
	mc_buf body;
	long status = 0;
	int rc = 0;

	*out = NULL;
	mc_buf_init(&body, REPLY_MAX);
	if (!h) {
		say(why, cap, "could not start a request to the identity provider");
		rc = MC_ERROR;
		goto cleanup;
	}
	headers = curl_slist_append(headers, "Accept: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, TIMEOUT);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	if (form)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
	if (user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, password);
	}
	CURLcode cc = curl_easy_perform(h);
	if (cc == CURLE_WRITE_ERROR) {
		say(why, cap, "the identity provider's answer at %s is larger than %d bytes", url, REPLY_MAX);
		rc = MC_ERROR;
		goto cleanup;
	}
	if (cc != CURLE_OK) {
		say(why, cap, "the identity provider cannot be reached at %s: %s", url,
		    curl_easy_strerror(cc));
		rc = MC_EBUSY;
		goto cleanup;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 500) {
		say(why, cap, "the identity provider answered %ld at %s", status, url);
		rc = MC_EBUSY;
		goto cleanup;
	}
	json_t *doc = body.data ? json_loadb(body.data, body.len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (!json_is_object(doc)) {
		json_decref(doc);
		say(why, cap, "the identity provider answered %ld at %s without a JSON object", status, url);
		rc = status >= 400 ? MC_ECONFLICT : MC_ERROR;
		goto cleanup;
	}
	*out = doc;
	if (status < 200 || status >= 300) {
		say(why, cap, "the identity provider answered %ld at %s", status, url);
		rc = status >= 400 ? MC_ECONFLICT : MC_ERROR;
	}
cleanup:
	curl_slist_free_all(headers);
	if (h)
		curl_easy_cleanup(h);
	mc_buf_free(&body);
	return rc;
}

/* What is kept of the provider, for every thread: its metadata and keys. */
static struct {
	pthread_mutex_t lock;
	char *issuer; /* the configured issuer the rest belongs to */
	char *authorization_endpoint;
	char *token_endpoint;
	char *jwks_uri;
	int64_t discovered_at;
	char *jwks; /* the key set as JSON text */
	int64_t jwks_at;
} kept = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void forget_locked(void)
{
	free(kept.issuer);
	free(kept.authorization_endpoint);
	free(kept.token_endpoint);
	free(kept.jwks_uri);
	free(kept.jwks);
	kept.issuer = kept.authorization_endpoint = kept.token_endpoint = kept.jwks_uri = kept.jwks = NULL;
	kept.discovered_at = kept.jwks_at = 0;
}

static const char *endpoint(json_t *doc, const char *name)
{
	const char *v = json_string_value(json_object_get(doc, name));
	if (!v || (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0))
		return NULL;
	return v;
}

/* Reads the metadata when it is not kept (or is old). Call with the lock held. */
static int discover_locked(const mc_oidc_config *c, int64_t now, char *why, size_t cap)
{
	json_t *doc = NULL;
	char *url = NULL;
	int rc = 0;

	if (kept.issuer && strcmp(kept.issuer, c->issuer) == 0 && now - kept.discovered_at < DISCOVERY_KEEP)
		return 0;
	size_t n = strlen(c->issuer);
	while (n > 0 && c->issuer[n - 1] == '/')
		n--;
	rc = mc_buf_format(&url, 4096, "%.*s/.well-known/openid-configuration", (int)n, c->issuer);
	if (rc)
		goto cleanup;
	rc = http_json(&doc, url, NULL, NULL, NULL, why, cap);
	if (rc == MC_ECONFLICT)
		rc = MC_ERROR;
	if (rc)
		goto cleanup;
	/* OpenID Connect Discovery §4.3: the issuer in the document must be the
	 * one we asked, exactly; else another provider could speak for it. */
	const char *issuer = json_string_value(json_object_get(doc, "issuer"));
	const char *authz = endpoint(doc, "authorization_endpoint");
	const char *token = endpoint(doc, "token_endpoint");
	const char *jwks = endpoint(doc, "jwks_uri");
	if (!issuer || strcmp(issuer, c->issuer) != 0) {
		say(why, cap, "the identity provider's metadata names the issuer \"%s\", not \"%s\"",
		    issuer ? issuer : "", c->issuer);
		rc = MC_ERROR;
		goto cleanup;
	}
	if (!authz || !token || !jwks) {
		say(why, cap,
		    "the identity provider's metadata lacks an authorization, token or jwks_uri address");
		rc = MC_ERROR;
		goto cleanup;
	}
	forget_locked();
	kept.issuer = mc_xstrdup(c->issuer);
	kept.authorization_endpoint = mc_xstrdup(authz);
	kept.token_endpoint = mc_xstrdup(token);
	kept.jwks_uri = mc_xstrdup(jwks);
	kept.discovered_at = now;
cleanup:
	free(url);
	json_decref(doc);
	return rc;
}

/* Reads the key set again. Call with the lock held, after discover_locked. */
static int fetch_jwks_locked(int64_t now, char *why, size_t cap)
{
	json_t *doc = NULL;
	int rc = http_json(&doc, kept.jwks_uri, NULL, NULL, NULL, why, cap);
	if (rc == MC_ECONFLICT)
		rc = MC_ERROR;
	if (rc == 0 && !json_is_array(json_object_get(doc, "keys"))) {
		say(why, cap, "the identity provider's key set has no keys");
		rc = MC_ERROR;
	}
	if (rc == 0) {
		free(kept.jwks);
		kept.jwks = json_dumps(doc, JSON_COMPACT);
		kept.jwks_at = now;
		if (!kept.jwks)
			rc = MC_ERROR;
	}
	json_decref(doc);
	return rc;
}

static void add_param(mc_buf *b, int *rc, const char *name, const char *value)
{
	char *esc = curl_easy_escape(NULL, value, 0);
	if (*rc == 0)
		*rc = esc ? mc_buf_addf(b, "%s%s=%s", b->len ? "&" : "", name, esc) : MC_ERROR;
	curl_free(esc);
}

int mc_oidc_authorize_url(const mc_oidc_config *c, char **out, const mc_oidc_attempt *a, char *why,
			  size_t why_cap)
{
	mc_buf query, url;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char challenge[MC_OIDC_VALUE_MAX], *scope = NULL;
	int rc;

	*out = NULL;
	mc_buf_init(&query, 8192);
	mc_buf_init(&url, 16384);
	pthread_mutex_lock(&kept.lock);
	rc = discover_locked(c, mc_now(), why, why_cap);
	if (rc == 0)
		rc = mc_buf_adds(&url, kept.authorization_endpoint);
	pthread_mutex_unlock(&kept.lock);
	if (rc)
		goto cleanup;
	/* RFC 7636 §4.2: S256, the challenge the SHA-256 of the verifier. */
	crypto_hash_sha256(digest, (const unsigned char *)a->verifier, strlen(a->verifier));
	b64url(challenge, sizeof challenge, digest, sizeof digest);
	rc = strstr(c->scopes ? c->scopes : "", "openid")
		 ? mc_buf_format(&scope, 1024, "%s", c->scopes)
		 : mc_buf_format(&scope, 1024, "openid %s", c->scopes);
	add_param(&query, &rc, "response_type", "code");
	add_param(&query, &rc, "client_id", c->client_id);
	add_param(&query, &rc, "redirect_uri", c->redirect_url);
	add_param(&query, &rc, "scope", scope ? scope : "openid");
	add_param(&query, &rc, "state", a->state);
	add_param(&query, &rc, "nonce", a->nonce);
	add_param(&query, &rc, "code_challenge", challenge);
	add_param(&query, &rc, "code_challenge_method", "S256");
	if (rc == 0)
		rc = mc_buf_addf(&url, "%c%s", strchr(url.data, '?') ? '&' : '?', query.data);
	if (rc == 0)
		*out = mc_buf_steal(&url);
cleanup:
	free(scope);
	mc_buf_free(&query);
	mc_buf_free(&url);
	return rc;
}

/* ---- the ID token -------------------------------------------------------- */

/* The base64url text of len bytes at s decoded into a new buffer (NUL
 * added, *n its length), or NULL. */
static unsigned char *unb64(const char *s, size_t len, size_t *n)
{
	unsigned char *bin = mc_xmalloc(len + 1);
	if (sodium_base642bin(bin, len, s, len, NULL, n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) !=
	    0) {
		free(bin);
		return NULL;
	}
	bin[*n] = '\0';
	return bin;
}

static BIGNUM *jwk_bn(json_t *key, const char *name, size_t *bytes)
{
	const char *v = json_string_value(json_object_get(key, name));
	size_t n = 0;
	unsigned char *bin = v ? unb64(v, strlen(v), &n) : NULL;
	BIGNUM *bn = bin && n > 0 ? BN_bin2bn(bin, (int)n, NULL) : NULL;
	if (bytes)
		*bytes = n;
	free(bin);
	return bn;
}

/* The public key of a JWK of the kind alg needs, or NULL. */
static EVP_PKEY *jwk_key(json_t *key, bool ec)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *a = NULL, *b = NULL;
	unsigned char point[65];
	size_t na = 0, nb = 0;

	if (!bld)
		goto cleanup;
	if (!ec) {
		a = jwk_bn(key, "n", NULL);
		b = jwk_bn(key, "e", NULL);
		if (!a || !b || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, a) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, b))
			goto cleanup;
	} else {
		a = jwk_bn(key, "x", &na);
		b = jwk_bn(key, "y", &nb);
		const char *crv = json_string_value(json_object_get(key, "crv"));
		/* The uncompressed point 04 || x || y, each 32 bytes on P-256. */
		if (!a || !b || na != 32 || nb != 32 || !crv || strcmp(crv, "P-256") != 0)
			goto cleanup;
		point[0] = 4;
		if (BN_bn2binpad(a, point + 1, 32) != 32 || BN_bn2binpad(b, point + 33, 32) != 32)
			goto cleanup;
		if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
		    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point))
			goto cleanup;
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, ec ? "EC" : "RSA", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		pkey = NULL;
		goto cleanup;
	}
	/* Keys shorter than 2048 bits are refused (NIST SP 800-131A). */
	if (!ec && EVP_PKEY_get_bits(pkey) < 2048) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
cleanup:
	BN_free(a);
	BN_free(b);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* The key of the set that the header names: its kid, else the only key of
 * the right kind. NULL when there is none. */
static json_t *find_key(json_t *keys, const char *kid, bool ec)
{
	json_t *found = NULL, *k;
	size_t i, matching = 0;

	json_array_foreach(keys, i, k)
	{
		const char *kty = json_string_value(json_object_get(k, "kty"));
		const char *use = json_string_value(json_object_get(k, "use"));
		const char *alg = json_string_value(json_object_get(k, "alg"));
		const char *id = json_string_value(json_object_get(k, "kid"));
		if (!kty || strcmp(kty, ec ? "EC" : "RSA") != 0)
			continue;
		if (use && strcmp(use, "sig") != 0)
			continue;
		if (alg && strcmp(alg, ec ? "ES256" : "RS256") != 0)
			continue;
		if (kid && (!id || strcmp(id, kid) != 0))
			continue;
		found = k;
		matching++;
	}
	return matching == 1 || (kid && found) ? found : NULL;
}

static bool signature_ok(EVP_PKEY *pkey, bool ec, const unsigned char *sig, size_t sig_len, const char *data,
			 size_t len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ECDSA_SIG *es = NULL;
	unsigned char *der = NULL;
	bool ok = false;

	if (!md)
		goto cleanup;
	if (ec) {
		/* RFC 7518 §3.4: R || S, 32 bytes each; OpenSSL wants DER. */
		if (sig_len != 64)
			goto cleanup;
		es = ECDSA_SIG_new();
		BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
		if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
			BN_free(r);
			BN_free(s);
			goto cleanup;
		}
		int n = i2d_ECDSA_SIG(es, &der);
		if (n <= 0)
			goto cleanup;
		sig = der;
		sig_len = (size_t)n;
	}
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
	     EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)data, len) == 1;
cleanup:
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	return ok;
}

/* Whether the audience holds the client, and the authorised party is it
 * when there are several (OpenID Connect Core §3.1.3.7, 3-5). */
static bool audience_ok(json_t *claims, const char *client_id, char *why, size_t cap)
{
	json_t *aud = json_object_get(claims, "aud");
	const char *azp = json_string_value(json_object_get(claims, "azp"));
	size_t n = 0, i;
	bool ours = false;

	if (json_is_string(aud)) {
		n = 1;
		ours = strcmp(json_string_value(aud), client_id) == 0;
	} else if (json_is_array(aud)) {
		json_t *v;
		n = json_array_size(aud);
		json_array_foreach(aud, i, v) if (json_is_string(v) &&
						  strcmp(json_string_value(v), client_id) == 0) ours = true;
	}
	if (!ours) {
		say(why, cap, "the ID token is not meant for this client (aud)");
		return false;
	}
	if ((n > 1 || json_object_get(claims, "azp")) && (!azp || strcmp(azp, client_id) != 0)) {
		say(why, cap, "the ID token was issued to another party (azp)");
		return false;
	}
	return true;
}

static bool claims_ok(json_t *claims, const char *issuer, const char *client_id, const char *nonce,
		      int64_t now, char *why, size_t cap)
{
	const char *iss = json_string_value(json_object_get(claims, "iss"));
	const char *sub = json_string_value(json_object_get(claims, "sub"));
	const char *got_nonce = json_string_value(json_object_get(claims, "nonce"));
	json_t *exp = json_object_get(claims, "exp"), *iat = json_object_get(claims, "iat");
	json_t *nbf = json_object_get(claims, "nbf");

	if (!iss || strcmp(iss, issuer) != 0) {
		say(why, cap, "the ID token's issuer \"%s\" is not \"%s\"", iss ? iss : "", issuer);
		return false;
	}
	if (!sub || !sub[0] || strlen(sub) >= MC_OIDC_SUBJECT_MAX) {
		say(why, cap, "the ID token has no usable subject (sub)");
		return false;
	}
	if (!audience_ok(claims, client_id, why, cap))
		return false;
	if (!json_is_number(exp) || json_number_value(exp) + MC_OIDC_SKEW < (double)now) {
		say(why, cap, "the ID token has expired (exp)");
		return false;
	}
	if (!json_is_number(iat) || json_number_value(iat) - MC_OIDC_SKEW > (double)now) {
		say(why, cap, "the ID token was issued in the future (iat)");
		return false;
	}
	if (nbf && (!json_is_number(nbf) || json_number_value(nbf) - MC_OIDC_SKEW > (double)now)) {
		say(why, cap, "the ID token is not valid yet (nbf)");
		return false;
	}
	if (!got_nonce || strlen(got_nonce) != strlen(nonce) ||
	    sodium_memcmp(got_nonce, nonce, strlen(nonce)) != 0) {
		say(why, cap, "the ID token's nonce is not this sign-in's");
		return false;
	}
	return true;
}

int mc_oidc_verify(char **out, const char *token, const char *jwks, const char *issuer, const char *client_id,
		   const char *nonce, int64_t now, char *why, size_t why_cap)
{
	const char *dot1 = strchr(token, '.');
	const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	unsigned char *head_bin = NULL, *body_bin = NULL, *sig = NULL;
	json_t *head = NULL, *claims = NULL, *set = NULL;
	EVP_PKEY *pkey = NULL;
	size_t n = 0, sig_len = 0;
	int rc = MC_EFORBIDDEN;

	*out = NULL;
	if (strlen(token) > TOKEN_MAX || !dot1 || !dot2 || strchr(dot2 + 1, '.')) {
		say(why, why_cap, "the ID token is not a signed JWT in compact form");
		goto cleanup;
	}
	head_bin = unb64(token, (size_t)(dot1 - token), &n);
	head = head_bin ? json_loadb((const char *)head_bin, n, JSON_REJECT_DUPLICATES, NULL) : NULL;
	body_bin = unb64(dot1 + 1, (size_t)(dot2 - dot1 - 1), &n);
	claims = body_bin ? json_loadb((const char *)body_bin, n, JSON_REJECT_DUPLICATES, NULL) : NULL;
	sig = unb64(dot2 + 1, strlen(dot2 + 1), &sig_len);
	if (!json_is_object(head) || !json_is_object(claims) || !sig) {
		say(why, why_cap, "the ID token is not a signed JWT in compact form");
		goto cleanup;
	}
	/* Only the asymmetric algorithms: "none" signs nothing, and HS256 would
	 * take the provider's public key (which anyone has) as its secret. */
	const char *alg = json_string_value(json_object_get(head, "alg"));
	const char *kid = json_string_value(json_object_get(head, "kid"));
	bool ec = alg && strcmp(alg, "ES256") == 0;
	if (!alg || (!ec && strcmp(alg, "RS256") != 0)) {
		say(why, why_cap, "the ID token's algorithm \"%s\" is not accepted (RS256 or ES256 only)",
		    alg ? alg : "");
		goto cleanup;
	}
	if (json_object_get(head, "crit")) {
		say(why, why_cap, "the ID token has critical header parameters this server does not know");
		goto cleanup;
	}
	set = json_loads(jwks, 0, NULL);
	json_t *key = find_key(json_object_get(set, "keys"), kid, ec);
	if (!key) {
		say(why, why_cap, "the ID token names a key (kid \"%s\") the provider does not publish",
		    kid ? kid : "");
		rc = MC_ENOTFOUND;
		goto cleanup;
	}
	pkey = jwk_key(key, ec);
	if (!pkey) {
		say(why, why_cap, "the provider's key \"%s\" is not a usable %s key", kid ? kid : "",
		    ec ? "P-256" : "RSA (2048 bits or more)");
		goto cleanup;
	}
	if (!signature_ok(pkey, ec, sig, sig_len, token, (size_t)(dot2 - token))) {
		say(why, why_cap, "the ID token's signature does not verify");
		goto cleanup;
	}
	if (!claims_ok(claims, issuer, client_id, nonce, now, why, why_cap))
		goto cleanup;
	*out = json_dumps(claims, JSON_COMPACT);
	rc = *out ? 0 : MC_ERROR;
cleanup:
	EVP_PKEY_free(pkey);
	json_decref(set);
	json_decref(head);
	json_decref(claims);
	free(head_bin);
	free(body_bin);
	free(sig);
	return rc;
}

void mc_oidc_identity_clear(mc_oidc_identity *id)
{
	if (!id)
		return;
	free(id->issuer);
	free(id->subject);
	free(id->id_number);
	free(id->full_name);
	memset(id, 0, sizeof *id);
}

/* The personal identity number (số định danh cá nhân): 12 digits. */
static bool id_number_ok(const char *v)
{
	if (!v || strlen(v) != 12)
		return false;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
	}
	return true;
}

static void identity_from(mc_oidc_identity *out, json_t *claims, const mc_oidc_config *c)
{
	const char *number =
	    c->claim && c->claim[0] ? json_string_value(json_object_get(claims, c->claim)) : NULL;
	const char *name = json_string_value(json_object_get(claims, "name"));
	char *joined = NULL, *clean = NULL;

	out->issuer = mc_xstrdup(c->issuer);
	out->subject = mc_xstrdup(json_string_value(json_object_get(claims, "sub")));
	out->id_number = mc_xstrdup(id_number_ok(number) ? number : "");
	if (!name) {
		const char *family = json_string_value(json_object_get(claims, "family_name"));
		const char *given = json_string_value(json_object_get(claims, "given_name"));
		if (family && given && mc_buf_format(&joined, 1024, "%s %s", family, given) == 0)
			name = joined;
	}
	/* A name the provider gives that motcua could not store (too long, an
	 * invisible character) is left out, not cut: the citizen adds it. */
	if (name && mc_text_clean(&clean, name, strlen(name), MC_LIMIT_USER_FULL_NAME, MC_TEXT_NAME) != 0)
		clean = NULL;
	out->full_name = clean ? clean : mc_xstrdup("");
	free(joined);
}

int mc_oidc_exchange(const mc_oidc_config *c, mc_oidc_identity *out, const char *code,
		     const mc_oidc_attempt *a, int64_t now, char *why, size_t why_cap)
{
	mc_buf form;
	json_t *reply = NULL, *claims = NULL;
	char *token_endpoint = NULL, *jwks = NULL, *claims_text = NULL;
	char *user = NULL, *password = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	mc_buf_init(&form, 16384);
	pthread_mutex_lock(&kept.lock);
	rc = discover_locked(c, now, why, why_cap);
	if (rc == 0)
		token_endpoint = mc_xstrdup(kept.token_endpoint);
	pthread_mutex_unlock(&kept.lock);
	if (rc)
		goto cleanup;
	add_param(&form, &rc, "grant_type", "authorization_code");
	add_param(&form, &rc, "code", code);
	add_param(&form, &rc, "redirect_uri", c->redirect_url);
	add_param(&form, &rc, "code_verifier", a->verifier);
	if (rc)
		goto cleanup;
	/* RFC 6749 §2.3.1: the id and secret are form-encoded before they go
	 * into the Basic credentials. */
	user = curl_easy_escape(NULL, c->client_id, 0);
	password = curl_easy_escape(NULL, c->client_secret, 0);
	if (!user || !password) {
		rc = MC_ERROR;
		goto cleanup;
	}
	rc = http_json(&reply, token_endpoint, form.data, user, password, why, why_cap);
	if (rc == MC_ECONFLICT) {
		const char *err = json_string_value(json_object_get(reply, "error"));
		const char *desc = json_string_value(json_object_get(reply, "error_description"));
		if (err)
			say(why, why_cap, "the identity provider refused the code: %s%s%s", err,
			    desc ? ": " : "", desc ? desc : "");
	}
	if (rc)
		goto cleanup;
	const char *id_token = json_string_value(json_object_get(reply, "id_token"));
	if (!id_token) {
		say(why, why_cap, "the identity provider's token answer has no id_token");
		rc = MC_ERROR;
		goto cleanup;
	}
	for (int round = 0; round < 2; round++) {
		pthread_mutex_lock(&kept.lock);
		rc = 0;
		/* The keys are read when none are kept, and again once when the
		 * token names one they lack (the provider rolled its keys). */
		if (!kept.jwks || (round == 1 && now - kept.jwks_at >= JWKS_REFETCH_MIN))
			rc = fetch_jwks_locked(now, why, why_cap);
		else if (round == 1)
			rc = MC_ENOTFOUND;
		free(jwks);
		jwks = rc == 0 ? mc_xstrdup(kept.jwks) : NULL;
		pthread_mutex_unlock(&kept.lock);
		if (rc == MC_ENOTFOUND) {
			rc = MC_EFORBIDDEN; /* why is the first round's */
			break;
		}
		if (rc)
			break;
		rc = mc_oidc_verify(&claims_text, id_token, jwks, c->issuer, c->client_id, a->nonce, now, why,
				    why_cap);
		if (rc != MC_ENOTFOUND)
			break;
		rc = MC_EFORBIDDEN;
	}
	if (rc)
		goto cleanup;
	claims = json_loads(claims_text, 0, NULL);
	if (!claims) {
		rc = MC_ERROR;
		goto cleanup;
	}
	identity_from(out, claims, c);
cleanup:
	curl_free(user);
	curl_free(password);
	free(token_endpoint);
	free(jwks);
	free(claims_text);
	json_decref(claims);
	json_decref(reply);
	mc_buf_free(&form);
	return rc;
}

/* ---- which account ------------------------------------------------------- */

/* A new citizen account for the identity: its username is the identity
 * number, or that number with a suffix when someone took it as a name. */
static int create_citizen(mc_store *st, int64_t *out, const mc_oidc_identity *id, int64_t now)
{
	char username[MC_LIMIT_USER_USERNAME + 1];
	mc_user u = {0};
	int rc = MC_ECONFLICT;

	u.full_name = id->full_name;
	u.id_number = id->id_number;
	u.id_number_verified = true; /* the provider's claim */
	u.role = MC_ROLE_CITIZEN;
	u.active = true;
	u.created_at = now;
	u.username = username;
	for (int i = 1; i <= 9 && rc == MC_ECONFLICT; i++) {
		if (i == 1)
			snprintf(username, sizeof username, "%s", id->id_number);
		else
			snprintf(username, sizeof username, "%s.%d", id->id_number, i);
		/* "!" is no argon2id string: no password opens the account until
		 * its owner sets one through recovery. */
		rc = mc_store_user_create(st, &u, "!");
	}
	*out = u.id;
	return rc;
}

int mc_oidc_signin(mc_store *st, mc_user *out, mc_oidc_outcome *outcome, const mc_oidc_identity *id,
		   int64_t now, const char *peer, const char *agent)
{
	int64_t user_id = 0;
	int rc;

	memset(out, 0, sizeof *out);
	*outcome = MC_OIDC_NOT_LINKED;
	rc = mc_store_identity_user(st, &user_id, id->issuer, id->subject);
	if (rc == MC_ENOTFOUND) {
		if (!id->id_number[0])
			return 0;
		rc = mc_store_identity_citizen(st, &user_id, id->id_number);
		if (rc == MC_EFORBIDDEN)
			return 0; /* an official: an administrator links the account */
		if (rc == MC_ENOTFOUND)
			rc = create_citizen(st, &user_id, id, now);
		if (rc == 0)
			rc = mc_store_identity_link(st, id->issuer, id->subject, user_id, now);
	}
	if (rc == 0)
		rc = mc_store_user_get(st, out, user_id);
	if (rc)
		return rc;
	if (!out->active) {
		*outcome = MC_OIDC_LOCKED;
		return mc_store_signin_record(st, out->id, now, peer, agent, false);
	}
	*outcome = MC_OIDC_SIGNED_IN;
	return 0;
}
