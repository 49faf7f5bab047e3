#include "app/auth.h"

#include "core/mc.h"

#include <openssl/sha.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

int mc_auth_init(void)
{
	return sodium_init() < 0 ? MC_ERROR : 0;
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
