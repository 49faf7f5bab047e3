/* keys.c - the signing keys of official documents (keys.h). */
#include "sign/keys.h"

#include "core/mc.h"
#include "sign/pades.h"

#include <libp11.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool exists(const char *path)
{
	struct stat s;
	return stat(path, &s) == 0 && S_ISREG(s.st_mode);
}

/* The first line of a small file, without its end of line; NULL when none. */
static char *first_line(const char *path)
{
	char buf[512];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *s = fgets(buf, sizeof buf, f) ? mc_xstrdup(buf) : mc_xstrdup("");
	fclose(f);
	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

static int hex_bytes(const char *hex, unsigned char *out, size_t cap, size_t *n)
{
	size_t len = strlen(hex);
	if (len % 2 || len / 2 > cap)
		return MC_EINVAL;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return MC_EINVAL;
		out[i] = (unsigned char)v;
	}
	*n = len / 2;
	return 0;
}

/*
 * The PKCS#11 modules loaded, once each for the life of the process: a
 * module is initialised per process (C_Initialize), and unloading it for one
 * key (C_Finalize) would end the sessions of another key in use on another
 * thread; releasing a slot list closes every session of those slots. So the
 * context and its slots stay, and loading keys is serialised by p11_lock
 * (libp11 keeps a pool of sessions per slot for the signing itself).
 */
#define P11_LOGINS_MAX 8

typedef struct {
	PKCS11_CTX *ctx;
	PKCS11_SLOT *slots;
	unsigned int n;
	char module[256];
	/* the slots logged in, with the SHA-256 of the PIN the token took: a
	 * key loaded with another PIN is logged in again (and refused when the
	 * PIN is wrong), since C_Login on a logged-in token checks nothing */
	struct {
		PKCS11_SLOT *slot;
		unsigned char pin[32];
	} logins[P11_LOGINS_MAX];
} p11_state;

#define P11_MODULES_MAX 4
static p11_state p11_modules[P11_MODULES_MAX];
static pthread_mutex_t p11_lock = PTHREAD_MUTEX_INITIALIZER;

/* The module's context and slots, loaded on first use; NULL (why filled) on
 * failure. Called with p11_lock held. */
static p11_state *p11_module(const char *module, char *why, size_t cap)
{
	for (int i = 0; i < P11_MODULES_MAX; i++)
		if (p11_modules[i].ctx && strcmp(p11_modules[i].module, module) == 0)
			return &p11_modules[i];
	for (int i = 0; i < P11_MODULES_MAX; i++) {
		p11_state *s = &p11_modules[i];
		if (s->ctx)
			continue;
		s->ctx = PKCS11_CTX_new();
		if (!s->ctx || PKCS11_CTX_load(s->ctx, module) != 0) {
			snprintf(why, cap, "cannot load the PKCS#11 module %s", module);
			if (s->ctx)
				PKCS11_CTX_free(s->ctx);
			s->ctx = NULL;
			return NULL;
		}
		if (PKCS11_enumerate_slots(s->ctx, &s->slots, &s->n) != 0) {
			snprintf(why, cap, "the PKCS#11 module %s lists no slots", module);
			PKCS11_CTX_unload(s->ctx);
			PKCS11_CTX_free(s->ctx);
			s->ctx = NULL;
			return NULL;
		}
		snprintf(s->module, sizeof s->module, "%s", module);
		return s;
	}
	snprintf(why, cap, "more than %d PKCS#11 modules", P11_MODULES_MAX);
	return NULL;
}

/* A key on a PKCS#11 token, described by the lines of path. */
static int load_p11(mc_sign_key *k, const char *path, const char *crt, char *why, size_t cap)
{
	char module[256] = "", token[64] = "", label[128] = "", idhex[130] = "", line[512];
	char *pin = NULL;
	unsigned char id[64];
	size_t id_len = 0;
	int rc = MC_EINVAL;
	p11_state *s = NULL;
	bool locked = false;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(why, cap, "cannot read %s", path);
		return MC_EINVAL;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *eq = strchr(line, '=');
		if (!eq || line[0] == '#')
			continue;
		*eq = '\0';
		const char *v = eq + 1;
		if (strcmp(line, "module") == 0)
			snprintf(module, sizeof module, "%s", v);
		else if (strcmp(line, "token") == 0)
			snprintf(token, sizeof token, "%s", v);
		else if (strcmp(line, "label") == 0)
			snprintf(label, sizeof label, "%s", v);
		else if (strcmp(line, "id") == 0)
			snprintf(idhex, sizeof idhex, "%s", v);
		else if (strcmp(line, "pin") == 0) {
			free(pin);
			pin = mc_xstrdup(v);
		} else if (strcmp(line, "pin_file") == 0) {
			free(pin);
			pin = first_line(v);
		}
	}
	fclose(f);
	if (!module[0] || (!label[0] && !idhex[0]) ||
	    (idhex[0] && hex_bytes(idhex, id, sizeof id, &id_len))) {
		snprintf(why, cap, "%s needs module= and label= or id= (hex)", path);
		goto cleanup;
	}
	pthread_mutex_lock(&p11_lock);
	locked = true;
	if (!(s = p11_module(module, why, cap)))
		goto cleanup;
	PKCS11_SLOT *slot = NULL;
	for (unsigned i = 0; i < s->n; i++) {
		PKCS11_TOKEN *t = s->slots[i].token;
		if (t && t->initialized && (!token[0] || (t->label && strcmp(t->label, token) == 0))) {
			slot = &s->slots[i];
			break;
		}
	}
	if (!slot) {
		snprintf(why, cap, "no token labelled \"%s\" is present", token);
		goto cleanup;
	}
	if (slot->token->userPinLocked) {
		snprintf(why, cap, "the token \"%s\" is locked (too many wrong PINs)", slot->token->label);
		goto cleanup;
	}
	unsigned char pin_hash[32];
	int li = -1, logged_in = 0;
	SHA256((const unsigned char *)(pin ? pin : ""), pin ? strlen(pin) : 0, pin_hash);
	for (int i = 0; i < P11_LOGINS_MAX; i++)
		if (s->logins[i].slot == slot)
			li = i;
	if (li >= 0 && PKCS11_is_logged_in(slot, 0, &logged_in) == 0 && logged_in &&
	    CRYPTO_memcmp(s->logins[li].pin, pin_hash, sizeof pin_hash) == 0)
		goto logged_in; /* as before: the same PIN, taken already */
	if (li >= 0) {
		PKCS11_logout(slot);
		s->logins[li].slot = NULL;
	}
	if (PKCS11_open_session(slot, 0) != 0 || PKCS11_login(slot, 0, pin ? pin : "") != 0) {
		snprintf(why, cap, "the token \"%s\" refused the PIN", slot->token->label);
		goto cleanup;
	}
	for (int i = 0; i < P11_LOGINS_MAX; i++)
		if (!s->logins[i].slot) {
			s->logins[i].slot = slot;
			memcpy(s->logins[i].pin, pin_hash, sizeof pin_hash);
			break;
		}
logged_in:;
	PKCS11_KEY *keys = NULL;
	unsigned int nkeys = 0;
	PKCS11_KEY *key = NULL;
	if (PKCS11_enumerate_keys(slot->token, &keys, &nkeys) == 0) {
		for (unsigned i = 0; i < nkeys && !key; i++) {
			bool by_id =
			    id_len && keys[i].id_len == id_len && memcmp(keys[i].id, id, id_len) == 0;
			bool by_label = label[0] && keys[i].label && strcmp(keys[i].label, label) == 0;
			if (keys[i].isPrivate && (by_id || (!id_len && by_label)))
				key = &keys[i];
		}
	}
	if (!key || !(k->key = PKCS11_get_private_key(key))) {
		snprintf(why, cap, "the token \"%s\" holds no private key %s", slot->token->label,
			 label[0] ? label : idhex);
		goto cleanup;
	}
	if (exists(crt)) {
		FILE *cf = fopen(crt, "r");
		k->cert = cf ? PEM_read_X509(cf, NULL, NULL, NULL) : NULL;
		if (cf)
			fclose(cf);
	} else {
		PKCS11_CERT *certs = NULL;
		unsigned int ncerts = 0;
		if (PKCS11_enumerate_certs(slot->token, &certs, &ncerts) == 0) {
			for (unsigned i = 0; i < ncerts && !k->cert; i++) {
				if ((key->id_len && certs[i].id_len == key->id_len &&
				     memcmp(certs[i].id, key->id, key->id_len) == 0) ||
				    (!key->id_len && certs[i].label && key->label &&
				     strcmp(certs[i].label, key->label) == 0))
					k->cert = X509_dup(certs[i].x509);
			}
		}
	}
	if (!k->cert) {
		snprintf(why, cap, "no certificate for the key on the token \"%s\" (nor %s)",
			 slot->token->label, crt);
		goto cleanup;
	}
	if (X509_check_private_key(k->cert, k->key) != 1) {
		/* a token key cannot always be compared; compare the public halves */
		EVP_PKEY *pub = X509_get0_pubkey(k->cert);
		if (!pub || EVP_PKEY_eq(pub, k->key) != 1) {
			snprintf(why, cap, "the certificate is not the token key's");
			goto cleanup;
		}
	}
	rc = 0;
cleanup:
	ERR_clear_error();
	if (pin) {
		OPENSSL_cleanse(pin, strlen(pin));
		free(pin);
	}
	if (rc) {
		EVP_PKEY_free(k->key);
		X509_free(k->cert);
		k->key = NULL;
		k->cert = NULL;
	}
	if (locked)
		pthread_mutex_unlock(&p11_lock);
	return rc;
}

int mc_sign_key_load(mc_sign_key *k, const char *dir, const char *name, char *why, size_t cap)
{
	char p12[1024], key[1024], crt[1024], pass[1024], p11[1024];
	char *password = NULL;
	int rc;
	memset(k, 0, sizeof *k);
	why[0] = '\0';
	if (!dir || !*dir || !name || !*name || strchr(name, '/') || name[0] == '.') {
		snprintf(why, cap, "no key named \"%s\"", name ? name : "");
		return MC_ENOTFOUND;
	}
	snprintf(p12, sizeof p12, "%s/%s.p12", dir, name);
	snprintf(key, sizeof key, "%s/%s.key", dir, name);
	snprintf(crt, sizeof crt, "%s/%s.crt", dir, name);
	snprintf(pass, sizeof pass, "%s/%s.pass", dir, name);
	snprintf(p11, sizeof p11, "%s/%s.pkcs11", dir, name);
	if (exists(p11))
		return load_p11(k, p11, crt, why, cap);
	password = exists(pass) ? first_line(pass) : NULL;
	if (exists(p12)) {
		rc = mc_sign_load_p12(p12, password, &k->key, &k->cert, &k->chain);
		if (rc)
			snprintf(why, cap, "cannot open %s (a wrong password in %s?)", p12, pass);
	} else if (exists(key) && exists(crt)) {
		rc = mc_sign_load_pem(key, crt, password, &k->key, &k->cert, &k->chain);
		if (rc)
			snprintf(why, cap, "cannot use %s with %s (a wrong password, or not its certificate)",
				 key, crt);
	} else {
		snprintf(why, cap, "no key \"%s\" in %s (.p12, .key and .crt, or .pkcs11)", name, dir);
		rc = MC_ENOTFOUND;
	}
	if (password) {
		OPENSSL_cleanse(password, strlen(password));
		free(password);
	}
	return rc;
}

void mc_sign_key_clear(mc_sign_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->key);
	X509_free(k->cert);
	sk_X509_pop_free(k->chain, X509_free);
	memset(k, 0, sizeof *k);
}

int mc_sign_cert_check(X509 *cert, STACK_OF(X509) * chain, const char *name, time_t at, X509_STORE *trust,
		       char *why, size_t cap)
{
	int rc = MC_EINVAL;
	X509_STORE_CTX *ctx = NULL;
	if (X509_cmp_time(X509_get0_notBefore(cert), &at) >= 0) {
		snprintf(why, cap, "the certificate is not valid yet");
		goto cleanup;
	}
	if (X509_cmp_time(X509_get0_notAfter(cert), &at) <= 0) {
		snprintf(why, cap, "the certificate has expired");
		goto cleanup;
	}
	uint32_t ku = X509_get_key_usage(cert);
	if (ku != UINT32_MAX && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		snprintf(why, cap, "the certificate's key usage does not allow signing");
		goto cleanup;
	}
	if (name) {
		char cn[256] = "";
		X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
		if (strcmp(cn, name) != 0) {
			snprintf(why, cap, "the certificate is %s's, not %s's", cn, name);
			goto cleanup;
		}
	}
	if (trust) {
		ctx = X509_STORE_CTX_new();
		if (!ctx || !X509_STORE_CTX_init(ctx, trust, cert, chain)) {
			snprintf(why, cap, "cannot check the certificate's chain");
			goto cleanup;
		}
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), at);
		if (X509_verify_cert(ctx) != 1) {
			snprintf(why, cap, "the certificate is not trusted: %s",
				 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
			goto cleanup;
		}
	}
	rc = 0;
cleanup:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	return rc;
}
