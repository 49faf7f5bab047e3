/* Tests for src/sign/pades.c: a PDF signed is verified valid and trusted, a
 * changed byte makes it invalid, a second signature keeps the first valid,
 * an unknown signer is valid but not trusted, and bad input is refused. The
 * keys and certificates are made here (EC P-256), none is committed. */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mc.h"
#include "sign/pades.h"

/* 2026-12-06T03:04:05Z */
#define NOW ((time_t)1796526245)

typedef struct {
	EVP_PKEY *key;
	X509 *cert;
} ident;

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(ex);
	X509_add_ext(cert, ex, -1);
	X509_EXTENSION_free(ex);
}

/* A certificate for cn, issued by issuer (self-signed when NULL), valid a
 * year around NOW. */
static ident make_ident(const char *cn, const ident *issuer)
{
	ident id;
	id.key = EVP_EC_gen("P-256");
	assert_non_null(id.key);
	id.cert = X509_new();
	X509_set_version(id.cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(id.cert), (long)(strlen(cn) + (issuer ? 100 : 1)));
	X509_time_adj_ex(X509_getm_notBefore(id.cert), -180, 0, &(time_t){NOW});
	X509_time_adj_ex(X509_getm_notAfter(id.cert), 180, 0, &(time_t){NOW});
	X509_NAME *name = X509_get_subject_name(id.cert);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"UBND tỉnh Thử", -1, -1,
				   0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(id.cert, issuer ? X509_get_subject_name(issuer->cert) : name);
	X509_set_pubkey(id.cert, id.key);
	X509 *icert = issuer ? issuer->cert : id.cert;
	add_ext(id.cert, icert, NID_basic_constraints, issuer ? "critical,CA:FALSE" : "critical,CA:TRUE");
	add_ext(id.cert, icert, NID_key_usage,
		issuer ? "critical,digitalSignature,nonRepudiation" : "critical,keyCertSign");
	add_ext(id.cert, icert, NID_subject_key_identifier, "hash");
	if (issuer)
		add_ext(id.cert, icert, NID_authority_key_identifier, "keyid");
	assert_true(X509_sign(id.cert, issuer ? issuer->key : id.key, EVP_sha256()) > 0);
	return id;
}

static void free_ident(ident *id)
{
	EVP_PKEY_free(id->key);
	X509_free(id->cert);
}

/* A minimal one-page PDF with a classic xref table. */
/* A one-page PDF whose page object is page (NULL = a plain one). */
static char *minimal_pdf_with(const char *page, size_t *len)
{
	const char *objs[] = {
	    "<< /Type /Catalog /Pages 2 0 R >>",
	    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
	    page ? page : "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
	    "<< /Length 0 >>\nstream\n\nendstream",
	};
	size_t off[4];
	mc_buf b;
	mc_buf_init(&b, 1 << 16);
	assert_int_equal(mc_buf_adds(&b, "%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"), 0);
	for (int i = 0; i < 4; i++) {
		off[i] = b.len;
		assert_int_equal(mc_buf_addf(&b, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]), 0);
	}
	size_t xref = b.len;
	assert_int_equal(mc_buf_adds(&b, "xref\n0 5\n0000000000 65535 f \n"), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(mc_buf_addf(&b, "%010zu 00000 n \n", off[i]), 0);
	assert_int_equal(
	    mc_buf_addf(&b,
			"trailer\n<< /Size 5 /Root 1 0 R /ID [<00112233445566778899AABBCCDDEEFF> "
			"<00112233445566778899AABBCCDDEEFF>] >>\nstartxref\n%zu\n%%%%EOF\n",
			xref),
	    0);
	*len = b.len;
	return mc_buf_steal(&b);
}

static char *minimal_pdf(size_t *len)
{
	return minimal_pdf_with(NULL, len);
}

typedef struct {
	ident ca, signer, other_ca, org;
	X509_STORE *trust;
	char *pdf;
	size_t len;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->ca = make_ident("Test Root CA", NULL);
	f->signer = make_ident("Nguyễn Văn Ký", &f->ca);
	f->org = make_ident("UBND tỉnh Thử", &f->ca);
	f->other_ca = make_ident("Other CA", NULL);
	f->trust = X509_STORE_new();
	X509_STORE_add_cert(f->trust, f->ca.cert);
	f->pdf = minimal_pdf(&f->len);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	free_ident(&f->ca);
	free_ident(&f->signer);
	free_ident(&f->org);
	free_ident(&f->other_ca);
	X509_STORE_free(f->trust);
	free(f->pdf);
	free(f);
	return 0;
}

static void test_sign_verify(void **state)
{
	fixture *f = *state;
	unsigned char *out;
	size_t out_len, n;
	mc_sign_result *r;
	assert_int_equal(mc_sign_pdf((unsigned char *)f->pdf, f->len, f->signer.key, f->signer.cert, NULL,
				     NOW, &out, &out_len),
			 0);
	/* an incremental update: the original bytes come first, unchanged */
	assert_true(out_len > f->len);
	assert_memory_equal(out, f->pdf, f->len);
	assert_non_null(strstr((char *)out + f->len, "/SubFilter /ETSI.CAdES.detached"));

	assert_int_equal(mc_sign_verify(out, out_len, f->trust, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_true(r[0].valid);
	assert_true(r[0].trusted);
	assert_true(r[0].covers_whole_file);
	assert_true(r[0].covers_revision);
	assert_null(r[0].problem);
	assert_string_equal(r[0].signer, "CN=Nguyễn Văn Ký,O=UBND tỉnh Thử");
	assert_string_equal(r[0].signed_at, "2026-12-06T03:04:05Z");
	assert_string_equal(r[0].subfilter, "ETSI.CAdES.detached");
	mc_sign_results_free(r, n);

	/* one byte changed inside the signed range (in the original part) */
	char *at = strstr((char *)out, "/MediaBox [0 0 595");
	assert_non_null(at);
	at[14] = '6';
	assert_int_equal(mc_sign_verify(out, out_len, f->trust, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_false(r[0].valid);
	assert_false(r[0].trusted);
	assert_non_null(r[0].problem);
	mc_sign_results_free(r, n);
	free(out);
}

static void test_two_signatures(void **state)
{
	fixture *f = *state;
	unsigned char *one, *two;
	size_t one_len, two_len, n;
	mc_sign_result *r;
	assert_int_equal(mc_sign_pdf((unsigned char *)f->pdf, f->len, f->signer.key, f->signer.cert, NULL,
				     NOW, &one, &one_len),
			 0);
	STACK_OF(X509) *chain = sk_X509_new_null();
	sk_X509_push(chain, f->ca.cert);
	assert_int_equal(mc_sign_pdf(one, one_len, f->org.key, f->org.cert, chain, NOW + 60, &two, &two_len),
			 0);
	sk_X509_free(chain);
	assert_memory_equal(two, one, one_len);
	/* the second field joins the first in /AcroForm /Fields */
	assert_non_null(strstr((char *)two + one_len, "/Fields [ 6 0 R 8 0 R]"));

	assert_int_equal(mc_sign_verify(two, two_len, f->trust, &r, &n), 0);
	assert_int_equal(n, 2);
	assert_true(r[0].valid && r[0].trusted);
	assert_false(r[0].covers_whole_file); /* the organisation's update follows */
	assert_true(r[0].covers_revision);
	assert_true(r[1].valid && r[1].trusted && r[1].covers_whole_file);
	assert_string_equal(r[1].signer, "CN=UBND tỉnh Thử,O=UBND tỉnh Thử");
	assert_string_equal(r[1].signed_at, "2026-12-06T03:05:05Z");
	mc_sign_results_free(r, n);

	/* bytes appended after the last signature: both still valid, neither
	 * covers the whole file */
	unsigned char *more = malloc(two_len + 6);
	memcpy(more, two, two_len);
	memcpy(more + two_len, "junk\n", 5);
	assert_int_equal(mc_sign_verify(more, two_len + 5, f->trust, &r, &n), 0);
	assert_int_equal(n, 2);
	assert_true(r[0].valid && r[1].valid);
	assert_false(r[1].covers_whole_file);
	mc_sign_results_free(r, n);
	free(more);
	free(one);
	free(two);
}

static void test_untrusted(void **state)
{
	fixture *f = *state;
	unsigned char *out;
	size_t out_len, n;
	mc_sign_result *r;
	X509_STORE *other = X509_STORE_new();
	X509_STORE_add_cert(other, f->other_ca.cert);
	assert_int_equal(mc_sign_pdf((unsigned char *)f->pdf, f->len, f->signer.key, f->signer.cert, NULL,
				     NOW, &out, &out_len),
			 0);
	assert_int_equal(mc_sign_verify(out, out_len, other, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_true(r[0].valid);
	assert_false(r[0].trusted);
	assert_non_null(strstr(r[0].problem, "not trusted"));
	mc_sign_results_free(r, n);
	assert_int_equal(mc_sign_verify(out, out_len, NULL, &r, &n), 0);
	assert_true(r[0].valid);
	assert_false(r[0].trusted);
	mc_sign_results_free(r, n);
	X509_STORE_free(other);
	free(out);

	/* signed a year after the certificate expired: valid bytes, not trusted */
	assert_int_equal(mc_sign_pdf((unsigned char *)f->pdf, f->len, f->signer.key, f->signer.cert, NULL,
				     NOW + 365 * 86400, &out, &out_len),
			 0);
	assert_int_equal(mc_sign_verify(out, out_len, f->trust, &r, &n), 0);
	assert_true(r[0].valid);
	assert_false(r[0].trusted);
	assert_non_null(strstr(r[0].problem, "expired"));
	mc_sign_results_free(r, n);
	free(out);
}

static void test_bad_input(void **state)
{
	fixture *f = *state;
	unsigned char *out;
	size_t out_len, n;
	mc_sign_result *r;
	const char *not_pdf = "hello, this is not a PDF at all";
	assert_int_equal(mc_sign_pdf((const unsigned char *)not_pdf, strlen(not_pdf), f->signer.key,
				     f->signer.cert, NULL, NOW, &out, &out_len),
			 MC_EINVAL);
	assert_null(out);
	/* cut before its trailer */
	assert_int_equal(mc_sign_pdf((unsigned char *)f->pdf, f->len / 2, f->signer.key, f->signer.cert, NULL,
				     NOW, &out, &out_len),
			 MC_EINVAL);
	/* an unsigned PDF has no signatures */
	assert_int_equal(mc_sign_verify((unsigned char *)f->pdf, f->len, f->trust, &r, &n), 0);
	assert_int_equal(n, 0);
	mc_sign_results_free(r, n);
	/* a byte range outside the file */
	const char *bogus =
	    "%PDF-1.5\n1 0 obj\n<< /Type /Sig /ByteRange [0 10 999999 5] /Contents <00> >>\nendobj\n";
	assert_int_equal(mc_sign_verify((const unsigned char *)bogus, strlen(bogus), f->trust, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_false(r[0].valid);
	assert_non_null(r[0].problem);
	mc_sign_results_free(r, n);
	/* every prefix of a signed file: no crash, nothing valid that should not be */
	assert_int_equal(mc_sign_pdf((unsigned char *)f->pdf, f->len, f->signer.key, f->signer.cert, NULL,
				     NOW, &out, &out_len),
			 0);
	for (size_t cut = 0; cut < out_len; cut += 97) {
		assert_int_equal(mc_sign_verify(out, cut, f->trust, &r, &n), 0);
		for (size_t i = 0; i < n; i++)
			assert_false(r[i].valid);
		mc_sign_results_free(r, n);
	}
	free(out);
}

/* A visible signature with a stamp, on a page dictionary with a comment in it
 * (as cairo writes "/Type /Page % 1"): the widget and the stamp on the page's
 * /Annots, an appearance with the picture, and the signature still valid. */
static void test_visible(void **state)
{
	fixture *f = *state;
	unsigned char rgba[2 * 2 * 4] = {255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 9, 9, 9, 255};
	size_t len, out_len, n;
	unsigned char *out = NULL;
	mc_sign_result *r;
	char *pdf =
	    minimal_pdf_with("<< /Type /Page % 1\n /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
			     "/Annots [] >>",
			     &len);
	mc_sign_look stamp = {
	    .page = 0, .x = 10, .y = 700, .w = 100, .h = 20, .px_w = 2, .px_h = 2, .rgba = rgba};
	mc_sign_look look = {.page = 0,
			     .x = 300,
			     .y = 100,
			     .w = 150,
			     .h = 70,
			     .px_w = 2,
			     .px_h = 2,
			     .rgba = rgba,
			     .stamps = &stamp,
			     .n_stamps = 1};
	assert_int_equal(mc_sign_pdf_look((unsigned char *)pdf, len, f->signer.key, f->signer.cert, NULL, NOW,
					  &look, &out, &out_len),
			 0);
	/* the update holds compressed images: searched as bytes */
	const char *upd = (const char *)out + len;
	size_t ul = out_len - len;
#define HAS(s) assert_non_null(memmem(upd, ul, s, strlen(s)))
	HAS("/F 4 /P 3 0 R /Rect [300.00 100.00 450.00 170.00] /AP << /N ");
	HAS("/Subtype /Stamp /F 4 /P 3 0 R /Rect [10.00 700.00 110.00 720.00]");
	HAS("/Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceRGB");
	HAS("/Annots [ 6 0 R 13 0 R] >>"); /* the widget, then the stamp (after its form and images) */
#undef HAS
	assert_int_equal(mc_sign_verify(out, out_len, f->trust, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_true(r[0].valid);
	assert_true(r[0].trusted);
	mc_sign_results_free(r, n);
	free(out);
	/* a page the file does not have */
	look.page = 3;
	assert_int_equal(mc_sign_pdf_look((unsigned char *)pdf, len, f->signer.key, f->signer.cert, NULL, NOW,
					  &look, &out, &out_len),
			 MC_EINVAL);
	assert_null(out);
	free(pdf);
}

/* The device's signature over the DER of the signed attributes. */
static size_t device_sign(EVP_PKEY *key, const unsigned char *attrs, size_t attrs_len, unsigned char *sig,
			  size_t cap)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	size_t n = cap;
	assert_int_equal(EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, key), 1);
	assert_int_equal(EVP_DigestSign(m, sig, &n, attrs, attrs_len), 1);
	EVP_MD_CTX_free(m);
	return n;
}

/* Two steps: the prepared file and attributes, the signature made apart
 * with the key, embedded and verified; another key or another certificate
 * is refused and leaves the file as it was. */
static void test_device(void **state)
{
	fixture *f = *state;
	unsigned char *pdf = NULL, *cms = NULL, *attrs = NULL, sig[512];
	size_t pdf_len, cms_len, attrs_len, n;
	char why[256];
	mc_sign_result *r;
	assert_int_equal(mc_sign_prepare((unsigned char *)f->pdf, f->len, f->signer.cert, NOW, NULL, &pdf,
					 &pdf_len, &cms, &cms_len, &attrs, &attrs_len),
			 0);
	assert_int_equal(attrs[0], 0x31);
	/* unsigned yet: verification finds a signature that is not a CMS */
	assert_int_equal(mc_sign_verify(pdf, pdf_len, f->trust, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_false(r[0].valid);
	mc_sign_results_free(r, n);

	size_t sl = device_sign(f->org.key, attrs, attrs_len, sig, sizeof sig);
	assert_int_equal(
	    mc_sign_complete(pdf, pdf_len, cms, cms_len, sig, sl, f->signer.cert, why, sizeof why),
	    MC_EINVAL);
	assert_non_null(strstr(why, "does not verify"));
	assert_int_equal(mc_sign_complete(pdf, pdf_len, cms, cms_len, sig, sl, f->org.cert, why, sizeof why),
			 MC_EINVAL);
	assert_non_null(strstr(why, "not the one"));

	sl = device_sign(f->signer.key, attrs, attrs_len, sig, sizeof sig);
	assert_int_equal(
	    mc_sign_complete(pdf, pdf_len, cms, cms_len, sig, sl, f->signer.cert, why, sizeof why), 0);
	assert_int_equal(mc_sign_verify(pdf, pdf_len, f->trust, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_true(r[0].valid);
	assert_true(r[0].trusted);
	assert_true(r[0].covers_whole_file);
	assert_string_equal(r[0].signed_at, "2026-12-06T03:04:05Z");
	mc_sign_results_free(r, n);
	free(pdf);
	free(attrs);
	OPENSSL_free(cms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sign_verify), cmocka_unit_test(test_two_signatures),
	    cmocka_unit_test(test_untrusted),	cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_visible),	cmocka_unit_test(test_device),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
