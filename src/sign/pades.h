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

/* The /MediaBox [x0 y0 x1 y1] of page `page` (0-based) of pdf, in points,
 * from the page or its parent; MC_EINVAL when it cannot be read. */
int mc_sign_page_box(const unsigned char *pdf, size_t len, int page, double box[4]);

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

/* The most warnings one signature's verdict carries. */
#define MC_SIGN_WARNINGS_MAX 6

/* Something that does not make a signature invalid but that its reader must
 * know: type is a short slug ("revoked", "weak-algorithm", "untrusted",
 * "crl-expired"), field what it is about ("certificate", "digest_algorithm",
 * "crl"), detail the words for a person. */
typedef struct {
	const char *type;
	const char *field;
	char *detail;
} mc_sign_warning;

/* What a CRL said of the signer's certificate. */
typedef enum {
	MC_SIGN_REVOCATION_NOT_CHECKED = 0, /* no CRL of its issuer was given */
	MC_SIGN_REVOCATION_GOOD,	    /* its issuer's CRL does not list it */
	MC_SIGN_REVOCATION_REVOKED,	    /* its issuer's CRL lists it */
} mc_sign_revocation;

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
	char *digest_algorithm; /* the CMS signer's digest: "sha256", "sha1" … */
	mc_sign_revocation revocation;
	char *revoked_at; /* YYYY-MM-DDTHH:MM:SSZ when revoked */
	mc_sign_warning warnings[MC_SIGN_WARNINGS_MAX];
	size_t n_warnings;
} mc_sign_result;

/*
 * Finds and checks every signature of pdf. trust may be NULL (then nothing is
 * trusted). *results (free with mc_sign_results_free) has *n entries; a file
 * without signatures gives 0 entries and returns 0.
 */
int mc_sign_verify(const unsigned char *pdf, size_t len, X509_STORE *trust, mc_sign_result **results,
		   size_t *n);
void mc_sign_results_free(mc_sign_result *results, size_t n);

/*
 * mc_sign_verify with certificate revocation lists (may be NULL): a trusted
 * signer's certificate is looked up in the CRLs its issuer signed; listed
 * there with a revocation at or before the signing time (or with none
 * claimed), it is not trusted. Listed, or a CRL past its nextUpdate, or
 * SHA-1 (or MD5) in the CMS digest or the certificate's signature: a
 * warning; a signature is still valid with warnings.
 */
int mc_sign_verify_crl(const unsigned char *pdf, size_t len, X509_STORE *trust, STACK_OF(X509_CRL) * crls,
		       mc_sign_result **results, size_t *n);

/* The CRLs of path: a file of one or more PEM CRLs (or one DER CRL), or a
 * directory of such files (those whose names start with "." are skipped).
 * MC_EINVAL when a file holds no CRL; the caller frees *out with
 * sk_X509_CRL_pop_free(*out, X509_CRL_free). */
int mc_sign_load_crls(const char *path, STACK_OF(X509_CRL) * *out);

#endif
