/*
 * signature.c - `motcua signature sign|verify`: PAdES signatures of PDF files
 * (src/sign/pades.h) from the command line.
 */
#include "cli/cli.h"

#include "core/mc.h"
#include "api/document_files.h"
#include "sign/pades.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE                                                                                                \
	"usage: motcua signature sign IN.pdf OUT.pdf (--p12 FILE | --key KEY.pem --cert CERT.pem)\n"         \
	"                                            [--password-file F]\n"                                  \
	"       motcua signature verify FILE.pdf [--trust CA.pem] [--crl CRL|DIR] [--json]\n"

/* The largest PDF read, as the largest upload. */
#define PDF_MAX ((size_t)64 * 1024 * 1024)

static int read_file(const char *path, unsigned char **data, size_t *len, size_t max)
{
	int rc = MC_ERROR;
	FILE *fp = fopen(path, "rb");
	*data = NULL;
	*len = 0;
	if (!fp)
		return MC_ENOTFOUND;
	size_t cap = 0;
	for (;;) {
		if (*len == cap) {
			if (cap >= max) {
				rc = MC_ETOOBIG;
				goto cleanup;
			}
			cap = cap ? cap * 2 : 65536;
			*data = mc_xrealloc(*data, cap);
		}
		size_t got = fread(*data + *len, 1, cap - *len, fp);
		if (got == 0)
			break;
		*len += got;
	}
	rc = ferror(fp) ? MC_ERROR : 0;
cleanup:
	if (rc) {
		free(*data);
		*data = NULL;
	}
	fclose(fp);
	return rc;
}

static int cmd_sign(int argc, char **argv)
{
	static const char *const known[] = {"--p12", "--key", "--cert", "--password-file", NULL};
	const char *p12 = mc_cli_opt(argc, argv, "--p12", true);
	const char *key_pem = mc_cli_opt(argc, argv, "--key", true);
	const char *cert_pem = mc_cli_opt(argc, argv, "--cert", true);
	const char *pwfile = mc_cli_opt(argc, argv, "--password-file", true);
	unsigned char *in = NULL, *out = NULL, *pw = NULL;
	size_t in_len = 0, out_len = 0, pw_len = 0;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	int status = 1;
	if (argc < 2 || argv[0][0] == '-' || argv[1][0] == '-' || !p12 == !(key_pem && cert_pem) ||
	    (p12 && (key_pem || cert_pem)) || mc_cli_check_opts(argc, argv, known, 2)) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (pwfile) {
		if (read_file(pwfile, &pw, &pw_len, 4096) != 0) {
			fprintf(stderr, "signature: cannot read the password file %s\n", pwfile);
			goto cleanup;
		}
		while (pw_len > 0 && (pw[pw_len - 1] == '\n' || pw[pw_len - 1] == '\r'))
			pw_len--;
		pw = mc_xrealloc(pw, pw_len + 1);
		pw[pw_len] = '\0';
	}
	if (p12 ? mc_sign_load_p12(p12, pw ? (char *)pw : "", &key, &cert, &chain) != 0
		: mc_sign_load_pem(key_pem, cert_pem, pw ? (char *)pw : NULL, &key, &cert, &chain) != 0) {
		fprintf(stderr,
			"signature: cannot read a key and its certificate from %s (wrong password?)\n",
			p12 ? p12 : key_pem);
		goto cleanup;
	}
	if (read_file(argv[0], &in, &in_len, PDF_MAX) != 0) {
		fprintf(stderr, "signature: cannot read %s\n", argv[0]);
		goto cleanup;
	}
	int rc = mc_sign_pdf(in, in_len, key, cert, chain, time(NULL), &out, &out_len);
	if (rc) {
		fprintf(stderr, "signature: cannot sign %s: %s\n", argv[0],
			rc == MC_EINVAL ? "not a PDF whose trailer and catalog can be read"
					: "signing failed");
		goto cleanup;
	}
	FILE *fp = fopen(argv[1], "wb");
	if (!fp || fwrite(out, 1, out_len, fp) != out_len || fclose(fp) != 0) {
		fprintf(stderr, "signature: cannot write %s\n", argv[1]);
		goto cleanup;
	}
	status = 0;
cleanup:
	if (pw)
		OPENSSL_cleanse(pw, pw_len);
	free(pw);
	free(in);
	free(out);
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	return status;
}

static int cmd_verify(int argc, char **argv)
{
	static const char *const known[] = {"--trust", "--crl", "--json", NULL};
	const char *trust_file = mc_cli_opt(argc, argv, "--trust", true);
	const char *crl_path = mc_cli_opt(argc, argv, "--crl", true);
	STACK_OF(X509_CRL) *crls = NULL;
	bool json = mc_cli_opt(argc, argv, "--json", false) != NULL;
	unsigned char *in = NULL;
	size_t in_len = 0, n = 0;
	X509_STORE *trust = NULL;
	mc_sign_result *res = NULL;
	int status = 1;
	if (argc < 1 || argv[0][0] == '-' || mc_cli_check_opts(argc, argv, known, 1)) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (trust_file && mc_sign_load_trust(trust_file, &trust) != 0) {
		fprintf(stderr, "signature: cannot read trust anchors from %s\n", trust_file);
		goto cleanup;
	}
	if (crl_path && mc_sign_load_crls(crl_path, &crls) != 0) {
		fprintf(stderr, "signature: cannot read CRLs from %s\n", crl_path);
		goto cleanup;
	}
	if (read_file(argv[0], &in, &in_len, PDF_MAX) != 0) {
		fprintf(stderr, "signature: cannot read %s\n", argv[0]);
		goto cleanup;
	}
	if (mc_sign_verify_crl(in, in_len, trust, crls, &res, &n) != 0) {
		fprintf(stderr, "signature: cannot verify %s\n", argv[0]);
		goto cleanup;
	}
	bool all_valid = n > 0;
	for (size_t i = 0; i < n; i++)
		all_valid = all_valid && res[i].valid;
	if (json) {
		json_t *arr = mc_api_sign_results_json(res, n, NULL);
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
	} else {
		if (n == 0)
			printf("no signatures\n");
		for (size_t i = 0; i < n; i++) {
			mc_sign_result *r = &res[i];
			printf("signature %zu: %s, %s%s\n  signer: %s\n  signed at: %s\n", i + 1,
			       r->valid ? "valid" : "INVALID", r->trusted ? "trusted" : "not trusted",
			       r->covers_whole_file ? ", covers the whole file"
						    : ", the file was changed or extended after it",
			       r->signer ? r->signer : "(unknown)",
			       r->signed_at ? r->signed_at : "(unknown)");
			if (r->problem)
				printf("  problem: %s\n", r->problem);
			for (size_t w = 0; w < r->n_warnings; w++)
				printf("  warning (%s, %s): %s\n", r->warnings[w].type, r->warnings[w].field,
				       r->warnings[w].detail);
		}
	}
	/* exit 0 only when there are signatures and every one is intact */
	status = all_valid ? 0 : 1;
cleanup:
	mc_sign_results_free(res, n);
	X509_STORE_free(trust);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	free(in);
	return status;
}

int mc_cli_signature(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "sign") == 0)
		return cmd_sign(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	fputs(USAGE, stderr);
	return 2;
}
