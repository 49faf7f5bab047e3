#include "app/auth.h"

#include "core/mc.h"

#include <openssl/sha.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dummy_hash[MC_PASSWORD_HASH_MAX];

int mc_auth_init(void)
{
	if (sodium_init() < 0)
		return MC_ERROR;
	if (!dummy_hash[0] && mc_auth_hash_password(dummy_hash, "motcua-timing-equaliser") != 0)
		return MC_ERROR;
	return 0;
}

const char *mc_auth_dummy_hash(void)
{
	return dummy_hash;
}

int mc_auth_hash_password(char out[MC_PASSWORD_HASH_MAX], const char *password)
{
	/* Interactive limits: about 64 MiB and a few tens of milliseconds per login,
	 * enough to make offline guessing expensive without slowing the desk. */
	_Static_assert(MC_PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return MC_ERROR;
	return 0;
}

int mc_auth_verify_password(const char *hash, const char *password)
{
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return MC_EFORBIDDEN;
	return 0;
}

void mc_auth_new_token(char out[MC_TOKEN_MAX])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, MC_TOKEN_MAX, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void mc_auth_token_hash(char out[65], const char *token)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)token, strlen(token), md);
	for (size_t i = 0; i < sizeof md; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void mc_auth_random_password(char *out, size_t cap, size_t n)
{
	/* No 0/O, 1/l/I: the password is read off a screen and typed. */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[n] = '\0';
}

/* The device token's check value: HMAC-SHA-256 keyed with the account's
 * password hash, which only the database knows and which changes with the
 * password. */
static void device_mac(unsigned char mac[crypto_auth_hmacsha256_BYTES], int64_t user_id, const char *nonce,
		       const char *key)
{
	char msg[128];
	int n = snprintf(msg, sizeof msg, "motcua-device:%lld:%s", (long long)user_id, nonce);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, (unsigned long long)n);
	crypto_auth_hmacsha256_final(&st, mac);
}

void mc_auth_device_token(char out[MC_DEVICE_TOKEN_MAX], int64_t user_id, const char *key)
{
	unsigned char raw[16], mac[crypto_auth_hmacsha256_BYTES];
	char nonce[32], mac64[48];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(nonce, sizeof nonce, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	device_mac(mac, user_id, nonce, key);
	sodium_bin2base64(mac64, sizeof mac64, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, MC_DEVICE_TOKEN_MAX, "%lld.%s.%s", (long long)user_id, nonce, mac64);
}

int mc_auth_device_check(const char *token, int64_t user_id, const char *key, char nonce[32])
{
	char copy[MC_DEVICE_TOKEN_MAX];
	if (!token || mc_strlcpy(copy, token, sizeof copy) != 0)
		return MC_EINVAL;
	char *dot1 = strchr(copy, '.');
	char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot1 || !dot2)
		return MC_EINVAL;
	*dot1 = *dot2 = '\0';
	char *end = NULL;
	long long id = strtoll(copy, &end, 10);
	if (end == copy || *end || id != user_id || strlen(dot1 + 1) >= 32)
		return MC_EINVAL;
	unsigned char want[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
	size_t got_len = 0;
	if (sodium_base642bin(got, sizeof got, dot2 + 1, strlen(dot2 + 1), NULL, &got_len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    got_len != sizeof got)
		return MC_EINVAL;
	device_mac(want, user_id, dot1 + 1, key);
	if (sodium_memcmp(want, got, sizeof want) != 0)
		return MC_EINVAL;
	snprintf(nonce, 32, "%s", dot1 + 1);
	return 0;
}
