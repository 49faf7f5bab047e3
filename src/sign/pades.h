/*
 * pades.h - PAdES baseline signatures of PDF files (bytes in, bytes out).
 *
 * Signing appends an incremental update to the file: a /Sig dictionary
 * (/Filter /Adobe.PPKLite, /SubFilter /ETSI.CAdES.detached) whose /Contents
 * holds a detached CMS over the /ByteRange (the whole new file but the
 * /Contents hex string), a signature field with its widget, and the catalog
 * rewritten to list the field in /AcroForm. A second signature is a second
 * update; the first one's ByteRange still covers exactly what it covered.
 *
 * The key is an EVP_PKEY: today from a PKCS#12 or PEM file (mc_sign_load_*),
 * tomorrow from a PKCS#11 token through libp11 (an engine or provider key is
 * an EVP_PKEY too), so mc_sign_pdf does not change with where the key lives.
 *
 * The reader understands what it must to append: the last trailer (classic
 * xref table or xref stream), the catalog and an /AcroForm given inline or as
 * an object outside object streams. Cairo's PDFs (src/render) are of that kind.
 */
#ifndef MC_SIGN_PADES_H
#define MC_SIGN_PADES_H

#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Room for the CMS in /Contents, in bytes (twice as many hex digits). */
#define MC_SIGN_CMS_MAX 16384

/* The most stamps one signature's update may add. */
#define MC_SIGN_STAMPS_MAX 4

/* A visible signature: a picture (px_w × px_h pixels, RGBA, not
 * premultiplied, rows from the top) shown in the rectangle (x, y, w, h) of
 * page `page` (0-based), in PDF points from the page's bottom left; and
 * stamps, pictures put on pages by the same update as /Stamp annotations
 * (the number and date written at issue over a document signed before it
 * had them). A stamp's own stamps are not read. */
typedef struct mc_sign_look mc_sign_look;
struct mc_sign_look {
	int page;
	double x, y, w, h;
	int px_w, px_h;
	const unsigned char *rgba;
	const mc_sign_look *stamps;
	size_t n_stamps; /* at most MC_SIGN_STAMPS_MAX */
};

/*
 * Signs pdf (len bytes) with key and cert; chain (may be NULL) is put in the
 * CMS for verifiers that lack the intermediate certificates. now is the
 * signing time written as /M. On success *out (free with free()) holds the
 * signed file of *out_len bytes. MC_EINVAL when the PDF cannot be read well
 * enough to append to it, MC_ETOOBIG when the CMS does not fit, MC_ERROR when
 * OpenSSL fails.
 */
int mc_sign_pdf(const unsigned char *pdf, size_t len, EVP_PKEY *key, X509 *cert, STACK_OF(X509) * chain,
		time_t now, unsigned char **out, size_t *out_len);

/*
 * Signing on the signer's own device, step 1: pdf with the signature's
 * update appended and /Contents left empty (*out), the CMS for cert without
 * its signature value (*cms_der, free with OPENSSL_free) and the DER of its
 * signed attributes (*attrs, free with free()): what the device signs
 * (SHA-256 with RSA PKCS#1 v1.5 or ECDSA, as `openssl dgst -sha256 -sign`).
 * look (may be NULL) makes it visible, as for mc_sign_pdf_look.
 */
int mc_sign_prepare(const unsigned char *pdf, size_t len, X509 *cert, time_t now, const mc_sign_look *look,
		    unsigned char **out, size_t *out_len, unsigned char **cms_der, size_t *cms_len,
		    unsigned char **attrs, size_t *attrs_len);

/*
 * Step 2: the device's signature sig over the signed attributes goes into
 * the CMS of step 1, which goes into the prepared file's /Contents (pdf is
 * changed in place). MC_EINVAL, why filled, when cert is not the one
 * prepared for or the signature does not verify over the prepared bytes.
 */
int mc_sign_complete(unsigned char *pdf, size_t len, const unsigned char *cms_der, size_t cms_len,
		     const unsigned char *sig, size_t sig_len, X509 *cert, char *why, size_t cap);

/* mc_sign_pdf with the signature's widget visible as look shows (NULL =
 * invisible). MC_EINVAL also when the page cannot be found. */
int mc_sign_pdf_look(const unsigned char *pdf, size_t len, EVP_PKEY *key, X509 *cert, STACK_OF(X509) * chain,
		     time_t now, const mc_sign_look *look, unsigned char **out, size_t *out_len);

/* Key, certificate and the other certificates (*chain may be NULL) of a
 * PKCS#12 file. The caller frees them. MC_EINVAL on a wrong password or a
 * file without key or certificate. */
int mc_sign_load_p12(const char *path, const char *password, EVP_PKEY **key, X509 **cert,
		     STACK_OF(X509) * *chain);

/* The same from PEM files: the private key (encrypted with password, when
 * not NULL) and the certificate, followed in the same file by the others of
 * its chain (*chain NULL when none). */
int mc_sign_load_pem(const char *key_path, const char *cert_path, const char *password, EVP_PKEY **key,
		     X509 **cert, STACK_OF(X509) * *chain);

/* Trust anchors from a PEM file of one or more certificates; the caller frees
 * the store with X509_STORE_free. */
int mc_sign_load_trust(const char *path, X509_STORE **store);

/* What verification found for one signature, in file order. */
typedef struct {
	bool valid;		/* the digest of the ByteRange matches and the CMS signature verifies */
	bool trusted;		/* the signer's certificate chains to a trust anchor (at signed_at) */
	bool covers_whole_file; /* the ByteRange ends at the end of the file: nothing appended since */
	bool covers_revision;	/* the ByteRange ends at an %%EOF: a whole revision is signed */
	char *signer;		/* the signer certificate's subject (RFC 2253), NULL when unknown */
	char *signed_at;	/* YYYY-MM-DDTHH:MM:SSZ from the CMS signing time or /M, NULL when none */
	char *subfilter;	/* /SubFilter, e.g. ETSI.CAdES.detached */
	char *problem;		/* why not valid or not trusted, NULL when both */
} mc_sign_result;

/*
 * Finds and checks every signature of pdf. trust may be NULL (then nothing is
 * trusted). *results (free with mc_sign_results_free) has *n entries; a file
 * without signatures gives 0 entries and returns 0.
 */
int mc_sign_verify(const unsigned char *pdf, size_t len, X509_STORE *trust, mc_sign_result **results,
		   size_t *n);
void mc_sign_results_free(mc_sign_result *results, size_t n);

#endif
