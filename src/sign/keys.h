/*
 * keys.h - where the signing keys of official documents live
 * (docs/operations.md, "Signing keys").
 *
 * A key has a name (a signer's username, or "seal-<unit code>" / "seal" for
 * an organisation's seal) and lives in the directory of the sign_dir
 * setting as one of:
 *   <name>.p12               a PKCS#12 file; its password in <name>.pass
 *   <name>.key + <name>.crt  PEM key and certificate (then its chain);
 *                            the key's password, when encrypted, in <name>.pass
 *   <name>.pkcs11            a PKCS#11 token reached through libp11: lines
 *                            "module=/usr/lib/softhsm/libsofthsm2.so",
 *                            "token=<label>", "label=<key label>" or
 *                            "id=<hex>", "pin=<user PIN>" (or "pin_file=");
 *                            the certificate from the token (same id or
 *                            label) or from <name>.crt
 * The PIN and passwords stay in files readable by the server only, never in
 * the database.
 */
#ifndef MC_SIGN_KEYS_H
#define MC_SIGN_KEYS_H

#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) * chain; /* may be NULL */
} mc_sign_key;

/*
 * Loads key `name` from dir. MC_ENOTFOUND when dir holds none of its files;
 * MC_EINVAL when a file is there but unusable (a wrong password, a token
 * that refuses the PIN or has no such key, a certificate that is not the
 * key's); why (cap bytes) then says which, in words for the operator.
 */
int mc_sign_key_load(mc_sign_key *k, const char *dir, const char *name, char *why, size_t cap);
void mc_sign_key_clear(mc_sign_key *k);

/*
 * Whether cert may sign at `at` for a person named `name` (NULL = any):
 * within its validity, with digitalSignature or nonRepudiation where key
 * usage is given, its subject's commonName equal to name, and chaining to
 * trust when trust is not NULL (chain: other certificates to build with).
 * 0 or MC_EINVAL with why filled.
 */
int mc_sign_cert_check(X509 *cert, STACK_OF(X509) * chain, const char *name, time_t at, X509_STORE *trust,
		       char *why, size_t cap);

#endif
