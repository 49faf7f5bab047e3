/*
 * sign_bench.c - PAdES signatures made and verified per second in one
 * process (bench/documents.sh): motcua's mc_sign_pdf / mc_sign_verify of a
 * PDF against OpenSSL's own CMS_sign / CMS_verify over the same bytes with
 * the same key (what `openssl cms -sign -binary -md sha256` and
 * `openssl cms -verify -binary -CAfile` do), so that neither pays for
 * starting a process. Prints "sign_motcua sign_openssl verify_motcua
 * verify_openssl" as operations per second over n operations each.
 *
 *   sign_bench IN.pdf KEY.pem CERT.pem CA.pem N
 */
#define _POSIX_C_SOURCE 200809L
#include "sign/pades.h"

#include <openssl/cms.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	unsigned char *b = malloc((size_t)n);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

int main(int argc, char **argv)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	X509_STORE *trust = NULL;
	size_t len = 0, signed_len = 0;
	unsigned char *signed_pdf = NULL;
	if (argc != 6)
		return 2;
	unsigned char *pdf = slurp(argv[1], &len);
	int n = atoi(argv[5]);
	if (!pdf || n <= 0 || mc_sign_load_pem(argv[2], argv[3], NULL, &key, &cert, &chain) != 0 ||
	    mc_sign_load_trust(argv[4], &trust) != 0)
		return 1;

	double t0 = now();
	for (int i = 0; i < n; i++) {
		free(signed_pdf);
		signed_pdf = NULL;
		if (mc_sign_pdf(pdf, len, key, cert, chain, time(NULL), &signed_pdf, &signed_len) != 0)
			return 1;
	}
	double sign_m = n / (now() - t0);

	/* OpenSSL: a detached CMS over the same bytes, SHA-256, DER */
	unsigned char *der = NULL;
	int der_len = 0;
	t0 = now();
	for (int i = 0; i < n; i++) {
		BIO *in = BIO_new_mem_buf(pdf, (int)len);
		CMS_ContentInfo *cms =
		    CMS_sign(NULL, NULL, NULL, NULL, CMS_BINARY | CMS_DETACHED | CMS_PARTIAL);
		if (!cms || !CMS_add1_signer(cms, cert, key, EVP_sha256(), CMS_BINARY | CMS_NOSMIMECAP) ||
		    !CMS_final(cms, in, NULL, CMS_BINARY | CMS_DETACHED))
			return 1;
		OPENSSL_free(der);
		der = NULL;
		der_len = i2d_CMS_ContentInfo(cms, &der);
		CMS_ContentInfo_free(cms);
		BIO_free(in);
	}
	double sign_o = n / (now() - t0);

	t0 = now();
	for (int i = 0; i < n; i++) {
		mc_sign_result *r = NULL;
		size_t nr = 0;
		if (mc_sign_verify(signed_pdf, signed_len, trust, &r, &nr) != 0 || nr != 1 || !r[0].valid ||
		    !r[0].trusted)
			return 1;
		mc_sign_results_free(r, nr);
	}
	double verify_m = n / (now() - t0);

	t0 = now();
	for (int i = 0; i < n; i++) {
		const unsigned char *p = der;
		CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, der_len);
		BIO *in = BIO_new_mem_buf(pdf, (int)len);
		if (!cms || CMS_verify(cms, NULL, trust, in, NULL, CMS_BINARY) != 1)
			return 1;
		CMS_ContentInfo_free(cms);
		BIO_free(in);
	}
	double verify_o = n / (now() - t0);

	printf("%.1f %.1f %.1f %.1f\n", sign_m, sign_o, verify_m, verify_o);
	free(pdf);
	free(signed_pdf);
	OPENSSL_free(der);
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_free(trust);
	return 0;
}
