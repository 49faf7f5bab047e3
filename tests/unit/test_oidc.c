/* Unit tests for app/oidc.c: the ID token's verification (algorithms, keys,
 * claims, the edges of the clock skew) and the binding of a sign-in to its
 * browser. The flow against a real provider is tests/api/oidc.test.mjs. */
#include "app/oidc.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ISSUER "https://dinhdanh.example.vn"
#define CLIENT "motcua"
#define NONCE "nonce-cua-lan-dang-nhap-nay"
#define NOW 1780000000LL

static EVP_PKEY *rsa_key, *rsa_small, *ec_key, *other_rsa;
static char jwks[8192];

static void b64(char *out, size_t cap, const unsigned char *bin, size_t len)
{
	sodium_bin2base64(out, cap, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void bn_b64(char *out, size_t cap, EVP_PKEY *k, const char *name, int pad)
{
	BIGNUM *bn = NULL;
	unsigned char bin[1024];
	assert_int_equal(EVP_PKEY_get_bn_param(k, name, &bn), 1);
	int n = pad ? BN_bn2binpad(bn, bin, pad) : BN_bn2bin(bn, bin);
	b64(out, cap, bin, (size_t)n);
	BN_free(bn);
}

static void rsa_jwk(char *out, size_t cap, EVP_PKEY *k, const char *kid)
{
	char n[700], e[16];
	bn_b64(n, sizeof n, k, OSSL_PKEY_PARAM_RSA_N, 0);
	bn_b64(e, sizeof e, k, OSSL_PKEY_PARAM_RSA_E, 0);
	snprintf(
	    out, cap,
	    "{\"kty\":\"RSA\",\"kid\":\"%s\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\"%s\",\"e\":\"%s\"}",
	    kid, n, e);
}

static int setup(void **state)
{
	(void)state;
	char rsa[1200], small[1200], x[64], y[64];
	assert_true(sodium_init() >= 0);
	rsa_key = EVP_RSA_gen(2048);
	rsa_small = EVP_RSA_gen(1024);
	other_rsa = EVP_RSA_gen(2048);
	ec_key = EVP_EC_gen("P-256");
	assert_non_null(rsa_key);
	assert_non_null(ec_key);
	rsa_jwk(rsa, sizeof rsa, rsa_key, "rsa-1");
	rsa_jwk(small, sizeof small, rsa_small, "rsa-nho");
	bn_b64(x, sizeof x, ec_key, OSSL_PKEY_PARAM_EC_PUB_X, 32);
	bn_b64(y, sizeof y, ec_key, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
	snprintf(jwks, sizeof jwks,
		 "{\"keys\":[%s,%s,{\"kty\":\"EC\",\"kid\":\"ec-1\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%"
		 "s\"}]}",
		 rsa, small, x, y);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(rsa_small);
	EVP_PKEY_free(other_rsa);
	EVP_PKEY_free(ec_key);
	return 0;
}

/* A compact token of header and claims (JSON text) signed with key as alg
 * says ("RS256", "ES256", "HS256" keyed with hmac_key, "none"). */
static char *make(const char *header, const char *claims, EVP_PKEY *key, const char *hmac_key)
{
	char h[1024], c[2048], sig[1024] = "";
	static char token[4400];
	unsigned char raw[512];
	size_t raw_len = sizeof raw;

	b64(h, sizeof h, (const unsigned char *)header, strlen(header));
	b64(c, sizeof c, (const unsigned char *)claims, strlen(claims));
	char input[3200];
	snprintf(input, sizeof input, "%s.%s", h, c);
	if (hmac_key) {
		unsigned int n = 0;
		HMAC(EVP_sha256(), hmac_key, (int)strlen(hmac_key), (const unsigned char *)input,
		     strlen(input), raw, &n);
		raw_len = n;
		b64(sig, sizeof sig, raw, raw_len);
	} else if (key) {
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
		assert_int_equal(
		    EVP_DigestSign(md, raw, &raw_len, (const unsigned char *)input, strlen(input)), 1);
		EVP_MD_CTX_free(md);
		if (EVP_PKEY_is_a(key, "EC")) {
			/* DER to R || S (RFC 7518 §3.4) */
			const unsigned char *p = raw;
			ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)raw_len);
			unsigned char rs[64];
			BN_bn2binpad(ECDSA_SIG_get0_r(es), rs, 32);
			BN_bn2binpad(ECDSA_SIG_get0_s(es), rs + 32, 32);
			ECDSA_SIG_free(es);
			b64(sig, sizeof sig, rs, sizeof rs);
		} else {
			b64(sig, sizeof sig, raw, raw_len);
		}
	}
	snprintf(token, sizeof token, "%s.%s", input, sig);
	return token;
}

static char claims_buf[2048];
/* Claims with the defaults changed by the extra members (JSON, after a comma, or ""). */
static const char *claims(const char *aud, long long iat, long long exp, const char *nonce, const char *extra)
{
	snprintf(claims_buf, sizeof claims_buf,
		 "{\"iss\":\"" ISSUER "\",\"sub\":\"cong-dan-1\",\"aud\":%s,\"iat\":%lld,\"exp\":%lld,"
		 "\"nonce\":\"%s\"%s}",
		 aud, iat, exp, nonce, extra);
	return claims_buf;
}

static int verify(const char *token, char *why, size_t cap)
{
	char *out = NULL;
	int rc = mc_oidc_verify(&out, token, jwks, ISSUER, CLIENT, NONCE, NOW, why, cap);
	if (rc == 0) {
		assert_non_null(strstr(out, "cong-dan-1"));
		free(out);
	} else {
		assert_null(out);
	}
	return rc;
}

#define GOOD claims("\"" CLIENT "\"", NOW - 5, NOW + 300, NONCE, "")

static void test_rs256_and_es256_verify(void **state)
{
	(void)state;
	char why[400] = "";
	assert_int_equal(
	    verify(make("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", GOOD, rsa_key, NULL), why, sizeof why), 0);
	assert_int_equal(
	    verify(make("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", GOOD, ec_key, NULL), why, sizeof why), 0);
	/* without a kid: the only key of its kind answers (one EC key in the set) */
	assert_int_equal(verify(make("{\"alg\":\"ES256\"}", GOOD, ec_key, NULL), why, sizeof why), 0);
}

static void test_algorithms_refused(void **state)
{
	(void)state;
	char why[400] = "";
	assert_int_equal(verify(make("{\"alg\":\"none\"}", GOOD, NULL, NULL), why, sizeof why),
			 MC_EFORBIDDEN);
	assert_non_null(strstr(why, "\"none\""));
	/* HS256 keyed with what anyone has: refused whatever the key */
	assert_int_equal(
	    verify(make("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}", GOOD, NULL, jwks), why, sizeof why),
	    MC_EFORBIDDEN);
	assert_non_null(strstr(why, "HS256"));
	assert_int_equal(
	    verify(make("{\"alg\":\"RS512\",\"kid\":\"rsa-1\"}", GOOD, rsa_key, NULL), why, sizeof why),
	    MC_EFORBIDDEN);
	/* an RS256 header on an EC signature, and an ES256 one naming the RSA key */
	assert_int_equal(
	    verify(make("{\"alg\":\"RS256\",\"kid\":\"ec-1\"}", GOOD, ec_key, NULL), why, sizeof why),
	    MC_ENOTFOUND);
	assert_int_equal(
	    verify(make("{\"alg\":\"ES256\",\"kid\":\"rsa-1\"}", GOOD, rsa_key, NULL), why, sizeof why),
	    MC_ENOTFOUND);
	/* a critical extension it does not know */
	assert_int_equal(
	    verify(make("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"crit\":[\"x\"]}", GOOD, rsa_key, NULL), why,
		   sizeof why),
	    MC_EFORBIDDEN);
}

static void test_keys(void **state)
{
	(void)state;
	char why[400] = "";
	/* a key id the set lacks: the caller fetches the set again */
	assert_int_equal(
	    verify(make("{\"alg\":\"RS256\",\"kid\":\"khoa-la\"}", GOOD, other_rsa, NULL), why, sizeof why),
	    MC_ENOTFOUND);
	/* a key of the set's id, signed with another key */
	assert_int_equal(
	    verify(make("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", GOOD, other_rsa, NULL), why, sizeof why),
	    MC_EFORBIDDEN);
	assert_non_null(strstr(why, "signature"));
	/* an RSA key under 2048 bits, though in the set and signing right */
	assert_int_equal(
	    verify(make("{\"alg\":\"RS256\",\"kid\":\"rsa-nho\"}", GOOD, rsa_small, NULL), why, sizeof why),
	    MC_EFORBIDDEN);
	/* two RSA keys and no kid: which one is not guessed */
	assert_int_equal(verify(make("{\"alg\":\"RS256\"}", GOOD, rsa_key, NULL), why, sizeof why),
			 MC_ENOTFOUND);
}

static void test_claims(void **state)
{
	(void)state;
	char why[400] = "";
	const char *h = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}";
	/* the skew: 60 seconds each way, not one more */
	assert_int_equal(
	    verify(make(h, claims("\"" CLIENT "\"", NOW - 500, NOW - 60, NONCE, ""), rsa_key, NULL), why,
		   sizeof why),
	    0);
	assert_int_equal(
	    verify(make(h, claims("\"" CLIENT "\"", NOW - 500, NOW - 61, NONCE, ""), rsa_key, NULL), why,
		   sizeof why),
	    MC_EFORBIDDEN);
	assert_non_null(strstr(why, "exp"));
	assert_int_equal(
	    verify(make(h, claims("\"" CLIENT "\"", NOW + 60, NOW + 500, NONCE, ""), rsa_key, NULL), why,
		   sizeof why),
	    0);
	assert_int_equal(
	    verify(make(h, claims("\"" CLIENT "\"", NOW + 61, NOW + 500, NONCE, ""), rsa_key, NULL), why,
		   sizeof why),
	    MC_EFORBIDDEN);
	assert_non_null(strstr(why, "iat"));
	/* audiences */
	assert_int_equal(
	    verify(make(h, claims("\"khac\"", NOW, NOW + 300, NONCE, ""), rsa_key, NULL), why, sizeof why),
	    MC_EFORBIDDEN);
	assert_int_equal(verify(make(h, claims("[\"" CLIENT "\"]", NOW, NOW + 300, NONCE, ""), rsa_key, NULL),
				why, sizeof why),
			 0);
	assert_int_equal(
	    verify(make(h, claims("[\"" CLIENT "\",\"khac\"]", NOW, NOW + 300, NONCE, ""), rsa_key, NULL),
		   why, sizeof why),
	    MC_EFORBIDDEN);
	assert_non_null(strstr(why, "azp"));
	assert_int_equal(
	    verify(make(h,
			claims("[\"" CLIENT "\",\"khac\"]", NOW, NOW + 300, NONCE, ",\"azp\":\"" CLIENT "\""),
			rsa_key, NULL),
		   why, sizeof why),
	    0);
	/* nonce, issuer, subject */
	assert_int_equal(verify(make(h, claims("\"" CLIENT "\"", NOW, NOW + 300, "khac", ""), rsa_key, NULL),
				why, sizeof why),
			 MC_EFORBIDDEN);
	assert_non_null(strstr(why, "nonce"));
	char other[512];
	snprintf(other, sizeof other,
		 "{\"iss\":\"https://gia-mao.example\",\"sub\":\"x\",\"aud\":\"" CLIENT
		 "\",\"iat\":%lld,\"exp\":%lld,"
		 "\"nonce\":\"" NONCE "\"}",
		 NOW, NOW + 300);
	assert_int_equal(verify(make(h, other, rsa_key, NULL), why, sizeof why), MC_EFORBIDDEN);
	assert_non_null(strstr(why, "issuer"));
	/* not a token */
	assert_int_equal(verify("a.b", why, sizeof why), MC_EFORBIDDEN);
	assert_int_equal(verify("a.b.c.d", why, sizeof why), MC_EFORBIDDEN);
	assert_int_equal(verify("..", why, sizeof why), MC_EFORBIDDEN);
}

static void test_binding(void **state)
{
	(void)state;
	mc_oidc_config c = {.issuer = ISSUER, .client_id = CLIENT, .client_secret = "bi-mat"};
	mc_oidc_config other = c;
	other.client_secret = "bi-mat-khac";
	char cookie[MC_OIDC_COOKIE_MAX];
	mc_oidc_attempt a, b;

	mc_oidc_attempt_new(&c, cookie, &a, NOW);
	assert_int_equal(strlen(a.verifier), 43);
	assert_string_not_equal(a.state, a.nonce);
	assert_string_not_equal(a.state, a.verifier);
	assert_int_equal(mc_oidc_attempt_open(&c, &b, cookie, NOW + MC_OIDC_ATTEMPT_SECONDS), 0);
	assert_string_equal(a.state, b.state);
	assert_string_equal(a.nonce, b.nonce);
	assert_string_equal(a.verifier, b.verifier);
	assert_int_equal(mc_oidc_attempt_open(&c, &b, cookie, NOW + MC_OIDC_ATTEMPT_SECONDS + 1), MC_ESTALE);
	/* another installation's secret, a changed byte, a changed expiry, nothing */
	assert_int_equal(mc_oidc_attempt_open(&other, &b, cookie, NOW), MC_EINVAL);
	char changed[MC_OIDC_COOKIE_MAX];
	snprintf(changed, sizeof changed, "%s", cookie);
	changed[3] = changed[3] == 'A' ? 'B' : 'A';
	assert_int_equal(mc_oidc_attempt_open(&c, &b, changed, NOW), MC_EINVAL);
	char *dot = strchr(cookie, '.');
	snprintf(changed, sizeof changed, "%.*s.%lld%s", (int)(dot - cookie), cookie,
		 (long long)NOW + 10 * MC_OIDC_ATTEMPT_SECONDS, strrchr(cookie, '.'));
	assert_int_equal(mc_oidc_attempt_open(&c, &b, changed, NOW), MC_EINVAL);
	assert_int_equal(mc_oidc_attempt_open(&c, &b, "", NOW), MC_EINVAL);
	assert_int_equal(mc_oidc_attempt_open(&c, &b, "....", NOW), MC_EINVAL);
	/* two attempts are two different sign-ins */
	mc_oidc_attempt_new(&c, cookie, &b, NOW);
	assert_string_not_equal(a.state, b.state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rs256_and_es256_verify),
	    cmocka_unit_test(test_algorithms_refused),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_claims),
	    cmocka_unit_test(test_binding),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
