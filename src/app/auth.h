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

#define MC_PASSWORD_HASH_MAX 128
#define MC_TOKEN_MAX 64

/* Call once before threads start. */
int mc_auth_init(void);
/* out receives the argon2id string. */
int mc_auth_hash_password(char out[MC_PASSWORD_HASH_MAX], const char *password);
/* 0 when the password matches the hash, MC_EFORBIDDEN when not. */
int mc_auth_verify_password(const char *hash, const char *password);
/* A fresh random token (base64url, NUL-terminated). */
void mc_auth_new_token(char out[MC_TOKEN_MAX]);
/* SHA-256 of the token in hex (65 bytes with NUL). */
void mc_auth_token_hash(char out[65], const char *token);
/* A random password of n characters (n < cap) from an alphabet without look-alikes. */
void mc_auth_random_password(char *out, size_t cap, size_t n);

#endif
