/*
 * demo_ca.h - the demo's certificate authority (docs/operations.md §14,
 * "The demo CA"): made by `motcua init --demo` with OpenSSL, never committed.
 *
 * A root "motcua demo CA" and, for each subject, a P-256 key and a
 * certificate it issues (keyUsage digitalSignature and nonRepudiation), in
 * a directory laid out as sign_dir expects (sign/keys.h):
 *   ca.crt                 the root's certificate, to trust (0644)
 *   ca.key                 the root's key (0600)
 *   <name>.key             the subject's key, PEM PKCS#8 (0600)
 *   <name>.crt             its certificate followed by the root's (0644)
 */
#ifndef MC_SIGN_DEMO_CA_H
#define MC_SIGN_DEMO_CA_H

#include <stddef.h>
#include <stdint.h>

#define MC_SIGN_DEMO_CA_NAME "motcua demo CA"

typedef struct {
	const char *name; /* the key's name in the directory: a username, seal-<unit code> */
	const char *cn;	  /* commonName: the person's full name, or the body's name for a seal */
	const char *org;  /* organizationName: the body */
} mc_sign_demo_subject;

/*
 * Makes dir (0700, and its parents) and writes the root and the n subjects'
 * keys and certificates into it, each valid from not_before to not_after
 * (Unix seconds), replacing files of the same names. 0, or MC_ERROR with why
 * (cap bytes) saying what failed.
 */
int mc_sign_demo_ca(const char *dir, const mc_sign_demo_subject *subjects, size_t n, int64_t not_before,
		    int64_t not_after, char *why, size_t cap);

#endif
