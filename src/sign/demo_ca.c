/* demo_ca.c - the demo's certificate authority (demo_ca.h). */
#include "sign/demo_ca.h"

#include "core/mc.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p, the last level with mode. */
static int make_dirs(const char *dir, mode_t mode)
{
	char path[1024];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
		return MC_EINVAL;
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return MC_ERROR;
		*p = '/';
	}
	if (mkdir(path, mode) != 0 && errno != EEXIST)
		return MC_ERROR;
	/* an older directory of the demo keeps its keys to the service too */
	return chmod(path, mode) == 0 ? 0 : MC_ERROR;
}

/* Opens dir/name for writing with mode, whatever the file's mode was. */
static FILE *create(const char *dir, const char *name, const char *ext, mode_t mode)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return NULL;
	if (fchmod(fd, mode) != 0) {
		close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	int ok = ext && X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : MC_ERROR;
}

static X509_NAME *name_of(const char *cn, const char *org)
{
	X509_NAME *n = X509_NAME_new();
	if (n &&
	    (!X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"VN", -1, -1, 0) ||
	     !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)org, -1, -1, 0) ||
	     !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0))) {
		X509_NAME_free(n);
		n = NULL;
	}
	return n;
}

/* A certificate for key named (cn, org), issued by issuer (NULL: itself)
 * with issuer_key. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, const char *org, X509 *issuer, EVP_PKEY *issuer_key,
		       int64_t not_before, int64_t not_after)
{
	X509 *x = X509_new();
	X509_NAME *subject = name_of(cn, org);
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	bool ca = issuer == NULL;
	int ok = x && subject && RAND_bytes(serial, sizeof serial) == 1;
	if (ok) {
		serial[0] &= 0x7f; /* a positive serial */
		bn = BN_bin2bn(serial, sizeof serial, NULL);
		ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) && X509_set_version(x, 2) &&
		     X509_set_subject_name(x, subject) &&
		     X509_set_issuer_name(x, ca ? subject : X509_get_subject_name(issuer)) &&
		     ASN1_TIME_set(X509_getm_notBefore(x), (time_t)not_before) &&
		     ASN1_TIME_set(X509_getm_notAfter(x), (time_t)not_after) && X509_set_pubkey(x, key);
	}
	if (ok)
		ok = add_ext(x, ca ? x : issuer, NID_basic_constraints,
			     ca ? "critical,CA:TRUE" : "critical,CA:FALSE") == 0 &&
		     add_ext(x, ca ? x : issuer, NID_key_usage,
			     ca ? "critical,keyCertSign,cRLSign"
				: "critical,digitalSignature,nonRepudiation") == 0 &&
		     add_ext(x, ca ? x : issuer, NID_subject_key_identifier, "hash") == 0 &&
		     (ca || add_ext(x, issuer, NID_authority_key_identifier, "keyid:always") == 0);
	if (ok)
		ok = X509_sign(x, ca ? key : issuer_key, EVP_sha256()) > 0;
	BN_free(bn);
	X509_NAME_free(subject);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* key (0600) and cert (then chain_ca, when given) as dir/name.key, .crt */
static int write_pair(const char *dir, const char *name, EVP_PKEY *key, X509 *cert, X509 *chain_ca)
{
	int rc = MC_ERROR;
	FILE *k = create(dir, name, "key", 0600), *c = NULL;
	if (!k || !PEM_write_PrivateKey(k, key, NULL, NULL, 0, NULL, NULL))
		goto cleanup;
	c = create(dir, name, "crt", 0644);
	if (!c || !PEM_write_X509(c, cert) || (chain_ca && !PEM_write_X509(c, chain_ca)))
		goto cleanup;
	rc = 0;
cleanup:
	if (k && fclose(k) != 0)
		rc = MC_ERROR;
	if (c && fclose(c) != 0)
		rc = MC_ERROR;
	return rc;
}

int mc_sign_demo_ca(const char *dir, const mc_sign_demo_subject *subjects, size_t n, int64_t not_before,
		    int64_t not_after, char *why, size_t cap)
{
	EVP_PKEY *ca_key = NULL, *key = NULL;
	X509 *ca = NULL, *cert = NULL;
	int rc = make_dirs(dir, 0700);
	if (rc) {
		snprintf(why, cap, "could not make the directory %s: %s", dir, strerror(errno));
		goto cleanup;
	}
	rc = MC_ERROR;
	ca_key = EVP_EC_gen("P-256");
	ca = ca_key
		 ? make_cert(ca_key, MC_SIGN_DEMO_CA_NAME, "motcua demo", NULL, NULL, not_before, not_after)
		 : NULL;
	if (!ca || write_pair(dir, "ca", ca_key, ca, NULL) != 0) {
		snprintf(why, cap, "could not make the demo CA in %s", dir);
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		key = EVP_EC_gen("P-256");
		cert =
		    key ? make_cert(key, subjects[i].cn, subjects[i].org, ca, ca_key, not_before, not_after)
			: NULL;
		if (!cert || write_pair(dir, subjects[i].name, key, cert, ca) != 0) {
			snprintf(why, cap, "could not make the demo key %s in %s", subjects[i].name, dir);
			goto cleanup;
		}
		EVP_PKEY_free(key);
		X509_free(cert);
		key = NULL;
		cert = NULL;
	}
	rc = 0;
cleanup:
	ERR_clear_error();
	EVP_PKEY_free(key);
	X509_free(cert);
	EVP_PKEY_free(ca_key);
	X509_free(ca);
	return rc;
}
