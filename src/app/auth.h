/*
 * app/auth.h - passwords and session tokens.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str, interactive
 * limits). Session tokens are 32 random bytes, base64url; the store keeps only
 * their SHA-256, so a copy of the database opens no session.
 */
#ifndef MC_APP_AUTH_H
#define MC_APP_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define MC_PASSWORD_HASH_MAX 128
#define MC_TOKEN_MAX 64
#define MC_DEVICE_TOKEN_MAX 128

/* Call once before threads start (it also makes the dummy hash). */
int mc_auth_init(void);
/* A hash of no account's password, to check a password against when the
 * account does not exist, so that the time taken does not tell. Borrowed. */
const char *mc_auth_dummy_hash(void);
/* out receives the argon2id string. */
int mc_auth_hash_password(char out[MC_PASSWORD_HASH_MAX], const char *password);
/* 0 when the password matches the hash, MC_EFORBIDDEN when not. */
int mc_auth_verify_password(const char *hash, const char *password);
/* A fresh random token (base64url, NUL-terminated). */
void mc_auth_new_token(char out[MC_TOKEN_MAX]);
/* SHA-256 of the token in hex (65 bytes with NUL). */
void mc_auth_token_hash(char out[65], const char *token);
/*
 * Device tokens (a cookie kept by a browser that has signed in to an account
 * before): "<user id>.<nonce>.<check value>", the check value an HMAC keyed
 * with the account's password hash. Failed sign-ins from a known device are
 * counted for that device only, so that guesses from elsewhere cannot lock
 * the owner out (see docs/operations.md, "Sign-in limits").
 */
void mc_auth_device_token(char out[MC_DEVICE_TOKEN_MAX], int64_t user_id, const char *key);
/* 0 and the token's nonce when token is one for user_id under key; MC_EINVAL otherwise. */
int mc_auth_device_check(const char *token, int64_t user_id, const char *key, char nonce[32]);

/* A random password of n characters (n < cap) from an alphabet without look-alikes. */
void mc_auth_random_password(char *out, size_t cap, size_t n);

#endif
