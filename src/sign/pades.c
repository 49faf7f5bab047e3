/* pades.c - PAdES baseline signatures of PDF files (see pades.h). */
#include "sign/pades.h"

#include "core/buf.h"
#include "core/mc.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The incremental update is small; the limit only stops runaway input. */
#define UPDATE_MAX (MC_SIGN_CMS_MAX * 2 + 1024 * 1024)
/* The ByteRange slot: "[0 " and three numbers of up to 10 digits, padded. */
#define BYTERANGE_SLOT 36

typedef struct {
	const char *p; /* a span of the file */
	size_t n;
} span;

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_delim(char c)
{
	return is_ws(c) || strchr("()<>[]{}/%", c) != NULL;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && is_ws(*p))
		p++;
	return p;
}

/* Whitespace and comments (cairo writes "/Type /Page % 1" in page dictionaries). */
static const char *skip_ws_comments(const char *p, const char *end)
{
	for (;;) {
		p = skip_ws(p, end);
		if (p >= end || *p != '%')
			return p;
		while (p < end && *p != '\n' && *p != '\r')
			p++;
	}
}

static const char *find_last(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	if (k > n)
		return NULL;
	for (size_t i = n - k + 1; i-- > 0;)
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

/* The end of the PDF object that starts at p (a dict, array, string, name,
 * number or a reference "N G R"), or NULL when it is cut. */
static const char *value_end(const char *p, const char *end)
{
	if (p >= end)
		return NULL;
	if (*p == '(') {
		int depth = 0;
		for (; p < end; p++) {
			if (*p == '\\') {
				p++;
				continue;
			}
			if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0)
				return p + 1;
		}
		return NULL;
	}
	if (*p == '<' && p + 1 < end && p[1] != '<') {
		const char *q = memchr(p, '>', (size_t)(end - p));
		return q ? q + 1 : NULL;
	}
	if (*p == '<' || *p == '[') {
		int depth = 0;
		while (p < end) {
			if (*p == '(' || (*p == '<' && p + 1 < end && p[1] != '<')) {
				p = value_end(p, end);
				if (!p)
					return NULL;
				continue;
			}
			if (*p == '%') {
				while (p < end && *p != '\n' && *p != '\r')
					p++;
				continue;
			}
			if (*p == '<' || *p == '>') {
				if (p + 1 >= end || p[1] != *p)
					return NULL;
				depth += *p == '<' ? 1 : -1;
				p += 2;
			} else {
				if (*p == '[')
					depth++;
				else if (*p == ']')
					depth--;
				p++;
			}
			if (depth == 0)
				return p;
		}
		return NULL;
	}
	/* a name or a number; "N G R" is a reference */
	const char *q = p + 1;
	while (q < end && !is_delim(*q))
		q++;
	if (*p == '/' || !isdigit((unsigned char)*p))
		return q;
	const char *r = skip_ws(q, end);
	const char *g = r;
	while (r < end && isdigit((unsigned char)*r))
		r++;
	if (r == g)
		return q;
	r = skip_ws(r, end);
	if (r < end && *r == 'R' && (r + 1 == end || is_delim(r[1])))
		return r + 1;
	return q;
}

/* The value of key (e.g. "/Root") at the top level of dict d ("<< ... >>"),
 * and in *key_at where the key starts; false when absent. */
static bool dict_get(span d, const char *key, span *value, const char **key_at)
{
	const char *p = d.p + 2, *end = d.p + d.n - 2;
	size_t k = strlen(key);
	while (p < end) {
		p = skip_ws_comments(p, end);
		if (p >= end)
			return false;
		if (*p != '/')
			return false;
		const char *name = p;
		const char *ne = value_end(p, end);
		const char *v = skip_ws_comments(ne, end);
		const char *ve = value_end(v, end);
		if (!ve)
			return false;
		if ((size_t)(ne - name) == k && memcmp(name, key, k) == 0) {
			value->p = v;
			value->n = (size_t)(ve - v);
			if (key_at)
				*key_at = name;
			return true;
		}
		p = ve;
	}
	return false;
}

/* The dictionary of the last "num gen obj" in the file (the newest revision of
 * an object outside object streams). */
static bool find_object(span f, long num, long gen, span *dict)
{
	char head[48];
	snprintf(head, sizeof head, "%ld %ld obj", num, gen);
	size_t n = f.n;
	for (;;) {
		const char *at = find_last(f.p, n, head);
		if (!at)
			return false;
		if (at == f.p || is_ws(at[-1])) {
			const char *end = f.p + f.n;
			const char *d = skip_ws(at + strlen(head), end);
			const char *de = value_end(d, end);
			if (!de || *d != '<')
				return false;
			dict->p = d;
			dict->n = (size_t)(de - d);
			return true;
		}
		n = (size_t)(at - f.p);
	}
}

static bool parse_ref(span v, long *num, long *gen)
{
	char tmp[64], r;
	if (v.n >= sizeof tmp)
		return false;
	memcpy(tmp, v.p, v.n);
	tmp[v.n] = '\0';
	return sscanf(tmp, "%ld %ld %c", num, gen, &r) == 3 && r == 'R' && *num > 0 && *gen >= 0;
}

/* What an incremental update needs from the last trailer. */
typedef struct {
	long prev;	     /* offset of the last xref section or stream */
	long size;	     /* /Size */
	long root, root_gen; /* /Root */
	span info, id;	     /* /Info and /ID as written, n 0 when absent */
} trailer;

static int read_trailer(span f, trailer *t)
{
	memset(t, 0, sizeof *t);
	size_t tail = f.n < 2048 ? f.n : 2048;
	const char *sx = find_last(f.p + f.n - tail, tail, "startxref");
	if (!sx)
		return MC_EINVAL;
	char *endp;
	t->prev = strtol(sx + 9, &endp, 10);
	if (t->prev <= 0 || (size_t)t->prev >= f.n)
		return MC_EINVAL;
	const char *end = f.p + f.n, *at = f.p + t->prev, *d;
	if ((size_t)(end - at) > 4 && memcmp(at, "xref", 4) == 0) {
		const char *tr = NULL;
		for (const char *q = at; q + 7 <= end; q++)
			if (memcmp(q, "trailer", 7) == 0) {
				tr = q;
				break;
			}
		if (!tr)
			return MC_EINVAL;
		d = skip_ws(tr + 7, end);
	} else {
		/* an xref stream: "N G obj << ... >> stream" */
		d = memchr(at, '<', (size_t)(end - at));
		if (!d || d - at > 32)
			return MC_EINVAL;
	}
	const char *de = value_end(d, end);
	if (!de || *d != '<')
		return MC_EINVAL;
	span dict = {d, (size_t)(de - d)}, v;
	if (!dict_get(dict, "/Size", &v, NULL) || (t->size = strtol(v.p, NULL, 10)) <= 0)
		return MC_EINVAL;
	if (!dict_get(dict, "/Root", &v, NULL) || !parse_ref(v, &t->root, &t->root_gen))
		return MC_EINVAL;
	if (dict_get(dict, "/Encrypt", &v, NULL))
		return MC_EINVAL;
	dict_get(dict, "/Info", &t->info, NULL);
	dict_get(dict, "/ID", &t->id, NULL);
	return 0;
}

/* dict's inner text without the keys named (each with its value). */
static int dict_inner_without(mc_buf *out, span dict, const char *k1, const char *k2)
{
	const char *p = dict.p + 2, *end = dict.p + dict.n - 2;
	while (p < end) {
		const char *k = skip_ws_comments(p, end);
		if (k >= end)
			break;
		const char *ke = value_end(k, end);
		const char *v = ke ? skip_ws_comments(ke, end) : NULL;
		const char *ve = v ? value_end(v, end) : NULL;
		if (*k != '/' || !ve)
			return MC_EINVAL;
		size_t kn = (size_t)(ke - k);
		bool drop = (strlen(k1) == kn && memcmp(k, k1, kn) == 0) ||
			    (k2 && strlen(k2) == kn && memcmp(k, k2, kn) == 0);
		if (!drop) {
			int rc = mc_buf_add(out, " ", 1);
			if (rc == 0)
				rc = mc_buf_add(out, k, (size_t)(ve - k));
			if (rc)
				return rc;
		}
		p = ve;
	}
	return 0;
}

/* The CMS of the signed ranges, DER in *der. */
static int make_cms(const unsigned char *data, size_t n1, const unsigned char *data2, size_t n2,
		    EVP_PKEY *key, X509 *cert, STACK_OF(X509) * chain, time_t now, unsigned char **der,
		    int *der_len)
{
	const int flags = CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP | CMS_PARTIAL;
	int rc = MC_ERROR;
	CMS_ContentInfo *cms = NULL;
	ESS_SIGNING_CERT_V2 *sc = NULL;
	unsigned char *sc_der = NULL;
	BIO *in = NULL;
	ASN1_TIME *st = NULL;

	cms = CMS_sign(NULL, NULL, chain, NULL, flags);
	if (!cms)
		goto cleanup;
	CMS_SignerInfo *si = CMS_add1_signer(cms, cert, key, EVP_sha256(), flags);
	if (!si)
		goto cleanup;
	/* The signing time is /M; OpenSSL adds a CMS signing-time attribute
	 * whatever the flags, so it gets the same time rather than the clock's
	 * (ETSI EN 319 142-1 B-B would leave it out: see docs/documents.md). */
	st = ASN1_TIME_set(NULL, now);
	if (!st || !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, st->type, st, -1))
		goto cleanup;
	/* signing-certificate-v2 (RFC 5035): binds the signer's certificate */
	sc = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), cert, NULL, 0);
	if (!sc)
		goto cleanup;
	int sc_len = i2d_ESS_SIGNING_CERT_V2(sc, &sc_der);
	if (sc_len <= 0 || !CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2,
							V_ASN1_SEQUENCE, sc_der, sc_len))
		goto cleanup;
	in = BIO_new(BIO_s_mem());
	if (!in || BIO_write(in, data, (int)n1) != (int)n1 || BIO_write(in, data2, (int)n2) != (int)n2)
		goto cleanup;
	if (!CMS_final(cms, in, NULL, flags & ~CMS_PARTIAL))
		goto cleanup;
	*der = NULL;
	*der_len = i2d_CMS_ContentInfo(cms, der);
	if (*der_len <= 0)
		goto cleanup;
	rc = 0;
cleanup:
	BIO_free(in);
	ASN1_TIME_free(st);
	OPENSSL_free(sc_der);
	ESS_SIGNING_CERT_V2_free(sc);
	CMS_ContentInfo_free(cms);
	return rc;
}

/* The file with the update appended: the signature dictionary with an empty
 * /Contents of MC_SIGN_CMS_MAX bytes at contents_at (its '<') and the
 * ByteRange filled in; the signed bytes are [0, contents_at) and
 * [r2, r2 + r2len). */
typedef struct {
	mc_buf b;
	size_t contents_at, r2, r2len;
} prepared;

/* The n-th (0-based) page of a flat page tree (cairo's): its number and
 * generation and its dictionary. */
static bool find_page(span f, span catalog, int n, long *num, long *gen, span *page)
{
	span v, pages, kids;
	long pn, pg;
	if (!dict_get(catalog, "/Pages", &v, NULL) || !parse_ref(v, &pn, &pg) ||
	    !find_object(f, pn, pg, &pages) || !dict_get(pages, "/Kids", &kids, NULL) || *kids.p != '[')
		return false;
	const char *p = kids.p + 1, *end = kids.p + kids.n - 1;
	for (int i = 0; p < end; i++) {
		p = skip_ws(p, end);
		const char *e = value_end(p, end);
		if (!e)
			return false;
		if (i == n) {
			span ref = {p, (size_t)(e - p)};
			span type;
			return parse_ref(ref, num, gen) && find_object(f, *num, *gen, page) &&
			       dict_get(*page, "/Type", &type, NULL) && type.n == 5 &&
			       memcmp(type.p, "/Page", 5) == 0;
		}
		p = e;
	}
	return false;
}

int mc_sign_page_box(const unsigned char *pdf, size_t len, int page, double box[4])
{
	span f = {(const char *)pdf, len}, catalog, dict, v;
	trailer t;
	long num, gen;
	if (len < 16 || memcmp(pdf, "%PDF-", 5) != 0 || read_trailer(f, &t) != 0 ||
	    !find_object(f, t.root, t.root_gen, &catalog) || !find_page(f, catalog, page, &num, &gen, &dict))
		return MC_EINVAL;
	/* its own /MediaBox, else the page tree's (inherited) */
	if (!dict_get(dict, "/MediaBox", &v, NULL)) {
		span parent;
		long pn, pg;
		if (!dict_get(dict, "/Parent", &v, NULL) || !parse_ref(v, &pn, &pg) ||
		    !find_object(f, pn, pg, &parent) || !dict_get(parent, "/MediaBox", &v, NULL))
			return MC_EINVAL;
	}
	char s[160];
	if (v.n < 2 || v.n >= sizeof s || *v.p != '[')
		return MC_EINVAL;
	memcpy(s, v.p + 1, v.n - 1);
	s[v.n - 1] = '\0';
	if (sscanf(s, "%lf %lf %lf %lf", &box[0], &box[1], &box[2], &box[3]) != 4 || box[2] <= box[0] ||
	    box[3] <= box[1])
		return MC_EINVAL;
	return 0;
}

/* A picture as an image XObject: RGB, and its alpha as the soft mask. */
static int add_image(mc_buf *b, long num, long smask, const mc_sign_look *look, bool alpha)
{
	size_t px = (size_t)look->px_w * (size_t)look->px_h, n = alpha ? px : px * 3;
	unsigned char *raw = mc_xmalloc(n), *z = NULL;
	uLongf zlen = compressBound((uLong)n);
	int rc = MC_ERROR;
	for (size_t i = 0; i < px; i++) {
		if (alpha) {
			raw[i] = look->rgba[4 * i + 3];
		} else {
			memcpy(raw + 3 * i, look->rgba + 4 * i, 3);
		}
	}
	z = mc_xmalloc(zlen);
	if (compress2(z, &zlen, raw, (uLong)n, 9) != Z_OK)
		goto cleanup;
	if (alpha)
		rc = mc_buf_addf(
		    b,
		    "%ld 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
		    "/DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %lu >>\nstream\n",
		    num, look->px_w, look->px_h, (unsigned long)zlen);
	else
		rc = mc_buf_addf(
		    b,
		    "%ld 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
		    "/DeviceRGB /BitsPerComponent 8 /SMask %ld 0 R /Filter /FlateDecode /Length %lu "
		    ">>\nstream\n",
		    num, look->px_w, look->px_h, smask, (unsigned long)zlen);
	if (rc == 0)
		rc = mc_buf_add(b, z, zlen);
	if (rc == 0)
		rc = mc_buf_adds(b, "\nendstream\nendobj\n");
cleanup:
	free(raw);
	free(z);
	return rc;
}

typedef struct {
	long num, gen;
	size_t off;
} xref_entry;

static int cmp_xref(const void *a, const void *b)
{
	const xref_entry *x = a, *y = b;
	return x->num < y->num ? -1 : x->num > y->num;
}

static int prepare_update(const unsigned char *pdf, size_t len, time_t now, const mc_sign_look *look,
			  prepared *pp)
{
	int rc;
	trailer t;
	span f = {(const char *)pdf, len}, catalog, acro = {0}, fields = {0}, v;
	mc_buf_init(&pp->b, len + UPDATE_MAX);
	mc_buf b = pp->b;

	if (len < 16 || memcmp(pdf, "%PDF-", 5) != 0 || len > (size_t)9999999999 - UPDATE_MAX) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	if ((rc = read_trailer(f, &t)) != 0)
		goto cleanup;
	if (!find_object(f, t.root, t.root_gen, &catalog)) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	if (dict_get(catalog, "/AcroForm", &v, NULL)) {
		long an, ag;
		if (*v.p == '<')
			acro = v;
		else if (!parse_ref(v, &an, &ag) || !find_object(f, an, ag, &acro)) {
			rc = MC_EINVAL;
			goto cleanup;
		}
		if (dict_get(acro, "/Fields", &fields, NULL) && *fields.p != '[') {
			/* an indirect /Fields array: not written by anything we sign */
			rc = MC_EINVAL;
			goto cleanup;
		}
	}

	long sig_obj = t.size, field_obj = t.size + 1, size_after = t.size + 2;
	/* visible: the widget's picture [0] and the stamps, each with its page */
	const mc_sign_look *pic[1 + MC_SIGN_STAMPS_MAX];
	long pnum[1 + MC_SIGN_STAMPS_MAX], pgen[1 + MC_SIGN_STAMPS_MAX];
	span pdict[1 + MC_SIGN_STAMPS_MAX], pannots[1 + MC_SIGN_STAMPS_MAX];
	size_t np = 0;
	if (look) {
		if (look->n_stamps > MC_SIGN_STAMPS_MAX) {
			rc = MC_EINVAL;
			goto cleanup;
		}
		pic[np++] = look;
		for (size_t i = 0; i < look->n_stamps; i++)
			pic[np++] = &look->stamps[i];
		for (size_t i = 0; i < np; i++) {
			const mc_sign_look *l = pic[i];
			memset(&pannots[i], 0, sizeof pannots[i]);
			if (l->px_w <= 0 || l->px_h <= 0 || l->px_w > 4096 || l->px_h > 4096 || !l->rgba ||
			    !find_page(f, catalog, l->page, &pnum[i], &pgen[i], &pdict[i]) ||
			    (dict_get(pdict[i], "/Annots", &pannots[i], NULL) && *pannots[i].p != '[')) {
				rc = MC_EINVAL;
				goto cleanup;
			}
		}
	}
	xref_entry xr[8 + 5 * MC_SIGN_STAMPS_MAX];
	size_t nxr = 0;
	size_t off_sig, off_field, off_cat, br_at, contents_at, xref_at;
	struct tm tm;
	char when[32];
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "D:%Y%m%d%H%M%SZ", &tm);

	if ((rc = mc_buf_add(&b, pdf, len)) != 0)
		goto cleanup;
	if (pdf[len - 1] != '\n' && pdf[len - 1] != '\r' && (rc = mc_buf_adds(&b, "\n")) != 0)
		goto cleanup;

	off_sig = b.len;
	if ((rc = mc_buf_addf(&b,
			      "%ld 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter "
			      "/ETSI.CAdES.detached /M (%s)\n/ByteRange ",
			      sig_obj, when)) != 0)
		goto cleanup;
	br_at = b.len;
	if ((rc = mc_buf_addf(&b, "%-*s\n/Contents ", BYTERANGE_SLOT, "[]")) != 0)
		goto cleanup;
	contents_at = b.len;
	if ((rc = mc_buf_adds(&b, "<")) != 0)
		goto cleanup;
	for (int i = 0; i < MC_SIGN_CMS_MAX * 2 / 64; i++)
		if ((rc = mc_buf_adds(
			 &b, "0000000000000000000000000000000000000000000000000000000000000000")) != 0)
			goto cleanup;
	if ((rc = mc_buf_adds(&b, ">\n>>\nendobj\n")) != 0)
		goto cleanup;
	size_t contents_end = b.len - strlen("\n>>\nendobj\n");

	off_field = b.len;
	if (!look) {
		if ((rc = mc_buf_addf(
			 &b,
			 "%ld 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature%ld) /V %ld "
			 "0 R /F 132 /Rect [0 0 0 0] >>\nendobj\n",
			 field_obj, sig_obj, sig_obj)) != 0)
			goto cleanup;
	} else {
		/* visible: the widget and each stamp show their picture through
		 * an appearance form; the pages list them among their annotations */
		long form[1 + MC_SIGN_STAMPS_MAX], annot[1 + MC_SIGN_STAMPS_MAX], next = t.size + 2;
		for (size_t i = 0; i < np; i++) {
			form[i] = next;
			next += 3; /* the form, the image, its mask */
			annot[i] = i == 0 ? field_obj : next++;
		}
		size_after = next;
		for (size_t i = 0; i < np; i++) {
			const mc_sign_look *l = pic[i];
			size_t at = b.len;
			if (i == 0)
				rc = mc_buf_addf(
				    &b,
				    "%ld 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature%ld) "
				    "/V %ld 0 R /F 4 /P %ld %ld R /Rect [%.2f %.2f %.2f %.2f] /AP << /N %ld "
				    "0 "
				    "R >> >>\nendobj\n",
				    field_obj, sig_obj, sig_obj, pnum[i], pgen[i], l->x, l->y, l->x + l->w,
				    l->y + l->h, form[i]);
			else
				rc = mc_buf_addf(&b,
						 "%ld 0 obj\n<< /Type /Annot /Subtype /Stamp /F 4 /P %ld %ld "
						 "R /Rect [%.2f "
						 "%.2f %.2f %.2f] /AP << /N %ld 0 R >> >>\nendobj\n",
						 annot[i], pnum[i], pgen[i], l->x, l->y, l->x + l->w,
						 l->y + l->h, form[i]);
			if (rc)
				goto cleanup;
			if (i > 0)
				xr[nxr++] = (xref_entry){annot[i], 0, at};
			char ops[96];
			int on = snprintf(ops, sizeof ops, "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\n", l->w, l->h);
			xr[nxr++] = (xref_entry){form[i], 0, b.len};
			if ((rc = mc_buf_addf(
				 &b,
				 "%ld 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 %.2f %.2f] "
				 "/Resources << /XObject << /Im0 %ld 0 R >> >> /Length %d "
				 ">>\nstream\n%sendstream\nendobj\n",
				 form[i], l->w, l->h, form[i] + 1, on, ops)) != 0)
				goto cleanup;
			xr[nxr++] = (xref_entry){form[i] + 1, 0, b.len};
			if ((rc = add_image(&b, form[i] + 1, form[i] + 2, l, false)) != 0)
				goto cleanup;
			xr[nxr++] = (xref_entry){form[i] + 2, 0, b.len};
			if ((rc = add_image(&b, form[i] + 2, 0, l, true)) != 0)
				goto cleanup;
		}
		/* each page once, with the annotations put on it */
		for (size_t i = 0; i < np; i++) {
			bool seen = false;
			for (size_t k = 0; k < i; k++)
				seen = seen || pnum[k] == pnum[i];
			if (seen)
				continue;
			xr[nxr++] = (xref_entry){pnum[i], pgen[i], b.len};
			if ((rc = mc_buf_addf(&b, "%ld %ld obj\n<<", pnum[i], pgen[i])) != 0 ||
			    (rc = dict_inner_without(&b, pdict[i], "/Annots", NULL)) != 0 ||
			    (rc = mc_buf_adds(&b, " /Annots [")) != 0 ||
			    (pannots[i].n && (rc = mc_buf_add(&b, pannots[i].p + 1, pannots[i].n - 2)) != 0))
				goto cleanup;
			for (size_t k = i; k < np; k++)
				if (pnum[k] == pnum[i] && (rc = mc_buf_addf(&b, " %ld 0 R", annot[k])) != 0)
					goto cleanup;
			if ((rc = mc_buf_adds(&b, "] >>\nendobj\n")) != 0)
				goto cleanup;
		}
	}

	off_cat = b.len;
	if ((rc = mc_buf_addf(&b, "%ld %ld obj\n<<", t.root, t.root_gen)) != 0 ||
	    (rc = dict_inner_without(&b, catalog, "/AcroForm", NULL)) != 0 ||
	    (rc = mc_buf_adds(&b, " /AcroForm <<")) != 0)
		goto cleanup;
	if (acro.n && (rc = dict_inner_without(&b, acro, "/Fields", "/SigFlags")) != 0)
		goto cleanup;
	if ((rc = mc_buf_adds(&b, " /Fields [")) != 0 ||
	    (fields.n && (rc = mc_buf_add(&b, fields.p + 1, fields.n - 2)) != 0) ||
	    (rc = mc_buf_addf(&b, " %ld 0 R] /SigFlags 3 >> >>\nendobj\n", field_obj)) != 0)
		goto cleanup;

	xref_at = b.len;
	xr[nxr++] = (xref_entry){t.root, t.root_gen, off_cat};
	xr[nxr++] = (xref_entry){sig_obj, 0, off_sig};
	xr[nxr++] = (xref_entry){field_obj, 0, off_field};
	qsort(xr, nxr, sizeof *xr, cmp_xref);
	if ((rc = mc_buf_adds(&b, "xref\n")) != 0)
		goto cleanup;
	for (size_t i = 0; i < nxr; i++)
		if ((rc = mc_buf_addf(&b, "%ld 1\n%010zu %05ld n \n", xr[i].num, xr[i].off, xr[i].gen)) != 0)
			goto cleanup;
	if ((rc = mc_buf_addf(&b, "trailer\n<< /Size %ld /Root %ld %ld R /Prev %ld", size_after, t.root,
			      t.root_gen, t.prev)) != 0 ||
	    (t.info.n && (rc = mc_buf_adds(&b, " /Info ")) != 0) ||
	    (t.info.n && (rc = mc_buf_add(&b, t.info.p, t.info.n)) != 0) ||
	    (t.id.n && (rc = mc_buf_adds(&b, " /ID ")) != 0) ||
	    (t.id.n && (rc = mc_buf_add(&b, t.id.p, t.id.n)) != 0) ||
	    (rc = mc_buf_addf(&b, " >>\nstartxref\n%zu\n%%%%EOF\n", xref_at)) != 0)
		goto cleanup;

	/* the ByteRange: everything but the <...> of /Contents */
	size_t r2 = contents_end, r2len = b.len - contents_end;
	char br[BYTERANGE_SLOT + 1];
	int w = snprintf(br, sizeof br, "[0 %zu %zu %zu]", contents_at, r2, r2len);
	if (w < 0 || w > BYTERANGE_SLOT) {
		rc = MC_ETOOBIG;
		goto cleanup;
	}
	memset(b.data + br_at, ' ', BYTERANGE_SLOT);
	memcpy(b.data + br_at, br, (size_t)w);

	pp->b = b;
	pp->contents_at = contents_at;
	pp->r2 = r2;
	pp->r2len = r2len;
	return 0;
cleanup:
	mc_buf_free(&b);
	pp->b = b;
	return rc;
}

/* Writes der as the hex of /Contents. */
static int embed(prepared *pp, const unsigned char *der, size_t der_len)
{
	static const char hex[] = "0123456789ABCDEF";
	if (der_len > MC_SIGN_CMS_MAX)
		return MC_ETOOBIG;
	for (size_t i = 0; i < der_len; i++) {
		pp->b.data[pp->contents_at + 1 + 2 * i] = hex[der[i] >> 4];
		pp->b.data[pp->contents_at + 2 + 2 * i] = hex[der[i] & 15];
	}
	return 0;
}

int mc_sign_pdf(const unsigned char *pdf, size_t len, EVP_PKEY *key, X509 *cert, STACK_OF(X509) * chain,
		time_t now, unsigned char **out, size_t *out_len)
{
	return mc_sign_pdf_look(pdf, len, key, cert, chain, now, NULL, out, out_len);
}

int mc_sign_pdf_look(const unsigned char *pdf, size_t len, EVP_PKEY *key, X509 *cert, STACK_OF(X509) * chain,
		     time_t now, const mc_sign_look *look, unsigned char **out, size_t *out_len)
{
	prepared pp;
	unsigned char *der = NULL;
	int der_len = 0;
	int rc = prepare_update(pdf, len, now, look, &pp);
	*out = NULL;
	*out_len = 0;
	if (rc)
		return rc;
	rc = make_cms((unsigned char *)pp.b.data, pp.contents_at, (unsigned char *)pp.b.data + pp.r2,
		      pp.r2len, key, cert, chain, now, &der, &der_len);
	if (rc == 0)
		rc = embed(&pp, der, (size_t)der_len);
	if (rc == 0) {
		*out_len = pp.b.len;
		*out = (unsigned char *)mc_buf_steal(&pp.b);
	}
	OPENSSL_free(der);
	mc_buf_free(&pp.b);
	return rc;
}

/* ---- signing on the signer's own device ---- */

static int cmp_der(const void *a, const void *b)
{
	const ASN1_STRING *x = *(ASN1_STRING *const *)a, *y = *(ASN1_STRING *const *)b;
	int n = x->length < y->length ? x->length : y->length;
	int c = memcmp(x->data, y->data, (size_t)n);
	return c ? c : x->length - y->length;
}

/* The DER of the signer's signed attributes as they are signed: a SET OF
 * (tag 0x31) of the attributes, in the order of their encodings (X.690 11.6). */
static int signed_attrs_der(CMS_SignerInfo *si, unsigned char **out, size_t *out_len)
{
	int n = CMS_signed_get_attr_count(si), rc = MC_ERROR;
	ASN1_STRING **enc = NULL;
	size_t total = 0;
	if (n <= 0)
		return MC_ERROR;
	enc = mc_xcalloc((size_t)n, sizeof *enc);
	for (int i = 0; i < n; i++) {
		unsigned char *d = NULL;
		int len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &d);
		if (len <= 0)
			goto cleanup;
		enc[i] = ASN1_STRING_new();
		ASN1_STRING_set0(enc[i], d, len);
		total += (size_t)len;
	}
	qsort(enc, (size_t)n, sizeof *enc, cmp_der);
	unsigned char *p = *out = mc_xmalloc(total + 6);
	*p++ = 0x31;
	if (total < 128) {
		*p++ = (unsigned char)total;
	} else if (total < 256) {
		*p++ = 0x81;
		*p++ = (unsigned char)total;
	} else if (total < 65536) {
		*p++ = 0x82;
		*p++ = (unsigned char)(total >> 8);
		*p++ = (unsigned char)total;
	} else {
		free(*out);
		*out = NULL;
		goto cleanup;
	}
	for (int i = 0; i < n; i++) {
		memcpy(p, enc[i]->data, (size_t)enc[i]->length);
		p += enc[i]->length;
	}
	*out_len = (size_t)(p - *out);
	rc = 0;
cleanup:
	for (int i = 0; i < n; i++)
		ASN1_STRING_free(enc[i]);
	free(enc);
	return rc;
}

int mc_sign_prepare(const unsigned char *pdf, size_t len, X509 *cert, time_t now, const mc_sign_look *look,
		    unsigned char **out, size_t *out_len, unsigned char **cms_der, size_t *cms_len,
		    unsigned char **attrs, size_t *attrs_len)
{
	const int flags = CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP | CMS_PARTIAL;
	prepared pp;
	CMS_ContentInfo *cms = NULL;
	ESS_SIGNING_CERT_V2 *sc = NULL;
	unsigned char *sc_der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	ASN1_TIME *st = NULL;
	EVP_MD_CTX *mctx = NULL;
	int rc = prepare_update(pdf, len, now, look, &pp);
	*out = *cms_der = *attrs = NULL;
	*out_len = *cms_len = *attrs_len = 0;
	if (rc)
		return rc;
	rc = MC_ERROR;
	/* the digest of the signed bytes */
	mctx = EVP_MD_CTX_new();
	if (!mctx || !EVP_DigestInit_ex(mctx, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(mctx, pp.b.data, pp.contents_at) ||
	    !EVP_DigestUpdate(mctx, pp.b.data + pp.r2, pp.r2len) || !EVP_DigestFinal_ex(mctx, md, &md_len))
		goto cleanup;
	/* a signer with the certificate's public key: nothing is signed here */
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	CMS_SignerInfo *si =
	    cms ? CMS_add1_signer(cms, cert, X509_get0_pubkey(cert), EVP_sha256(), flags) : NULL;
	if (!si)
		goto cleanup;
	st = ASN1_TIME_set(NULL, now);
	sc = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), cert, NULL, 0);
	int sc_len = sc ? i2d_ESS_SIGNING_CERT_V2(sc, &sc_der) : 0;
	if (!st || sc_len <= 0 ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
					 OBJ_nid2obj(NID_pkcs7_data), -1) ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, st->type, st, -1) ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, md, (int)md_len) ||
	    !CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, sc_der,
					 sc_len))
		goto cleanup;
	if ((rc = signed_attrs_der(si, attrs, attrs_len)) != 0)
		goto cleanup;
	rc = MC_ERROR;
	int n = i2d_CMS_ContentInfo(cms, cms_der);
	if (n <= 0)
		goto cleanup;
	*cms_len = (size_t)n;
	*out_len = pp.b.len;
	*out = (unsigned char *)mc_buf_steal(&pp.b);
	rc = 0;
cleanup:
	if (rc) {
		free(*attrs);
		OPENSSL_free(*cms_der);
		*attrs = *cms_der = NULL;
	}
	ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	ASN1_TIME_free(st);
	OPENSSL_free(sc_der);
	ESS_SIGNING_CERT_V2_free(sc);
	CMS_ContentInfo_free(cms);
	mc_buf_free(&pp.b);
	return rc;
}

/* The last /ByteRange of the file and where its /Contents starts. */
static bool last_byterange(const unsigned char *pdf, size_t len, long br[4])
{
	const char *at = find_last((const char *)pdf, len, "/ByteRange");
	if (!at)
		return false;
	const char *end = (const char *)pdf + len, *q = skip_ws(at + 10, end);
	if (q >= end || *q != '[')
		return false;
	q++;
	for (int i = 0; i < 4; i++) {
		char *e;
		q = skip_ws(q, end);
		if (q >= end || !isdigit((unsigned char)*q))
			return false;
		br[i] = strtol(q, &e, 10);
		q = e;
	}
	return br[0] == 0 && br[1] > 0 && br[2] > br[1] + 1 && br[3] >= 0 &&
	       (size_t)br[2] + (size_t)br[3] == len;
}

int mc_sign_complete(unsigned char *pdf, size_t len, const unsigned char *cms_der, size_t cms_len,
		     const unsigned char *sig, size_t sig_len, X509 *cert, char *why, size_t cap)
{
	int rc = MC_EINVAL;
	long br[4];
	CMS_ContentInfo *cms = NULL;
	BIO *data = NULL;
	unsigned char *der = NULL;
	const unsigned char *p = cms_der;
	snprintf(why, cap, "the signature cannot be read");
	if (!last_byterange(pdf, len, br) || (size_t)(br[2] - br[1] - 2) != 2 * MC_SIGN_CMS_MAX) {
		snprintf(why, cap, "the prepared file has no empty signature to fill");
		goto cleanup;
	}
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)cms_len);
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	if (!sis || sk_CMS_SignerInfo_num(sis) != 1 || sig_len == 0 || sig_len > 4096)
		goto cleanup;
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
	X509 *prepared_for = NULL;
	CMS_set1_signers_certs(cms, NULL, 0);
	CMS_SignerInfo_get0_algs(si, NULL, &prepared_for, NULL, NULL);
	if (!prepared_for || X509_cmp(prepared_for, cert) != 0) {
		snprintf(why, cap, "the certificate is not the one the signature was prepared for");
		goto cleanup;
	}
	if (!ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)sig_len)) {
		rc = MC_ERROR;
		goto cleanup;
	}
	data = BIO_new(BIO_s_mem());
	if (!data || BIO_write(data, pdf, (int)br[1]) != (int)br[1] ||
	    BIO_write(data, pdf + br[2], (int)br[3]) != (int)br[3]) {
		rc = MC_ERROR;
		goto cleanup;
	}
	if (CMS_verify(cms, NULL, NULL, data, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
		snprintf(why, cap,
			 "the signature does not verify with the certificate over the prepared file");
		goto cleanup;
	}
	int n = i2d_CMS_ContentInfo(cms, &der);
	if (n <= 0 || n > MC_SIGN_CMS_MAX) {
		snprintf(why, cap, "the signature is too large");
		goto cleanup;
	}
	prepared pp = {.b = {.data = (char *)pdf, .len = len}, .contents_at = (size_t)br[1]};
	embed(&pp, der, (size_t)n);
	why[0] = '\0';
	rc = 0;
cleanup:
	ERR_clear_error();
	OPENSSL_free(der);
	BIO_free(data);
	CMS_ContentInfo_free(cms);
	return rc;
}

int mc_sign_load_p12(const char *path, const char *password, EVP_PKEY **key, X509 **cert,
		     STACK_OF(X509) * *chain)
{
	int rc = MC_EINVAL;
	PKCS12 *p12 = NULL;
	FILE *fp = fopen(path, "rb");
	*key = NULL;
	*cert = NULL;
	*chain = NULL;
	if (!fp)
		return MC_ENOTFOUND;
	p12 = d2i_PKCS12_fp(fp, NULL);
	if (!p12 || !PKCS12_parse(p12, password ? password : "", key, cert, chain))
		goto cleanup;
	if (!*key || !*cert) {
		EVP_PKEY_free(*key);
		X509_free(*cert);
		sk_X509_pop_free(*chain, X509_free);
		*key = NULL;
		*cert = NULL;
		*chain = NULL;
		goto cleanup;
	}
	rc = 0;
cleanup:
	ERR_clear_error();
	PKCS12_free(p12);
	fclose(fp);
	return rc;
}

int mc_sign_load_pem(const char *key_path, const char *cert_path, const char *password, EVP_PKEY **key,
		     X509 **cert, STACK_OF(X509) * *chain)
{
	int rc = MC_EINVAL;
	FILE *kf = NULL, *cf = NULL;
	X509 *more;
	*key = NULL;
	*cert = NULL;
	*chain = NULL;
	kf = fopen(key_path, "r");
	cf = fopen(cert_path, "r");
	if (!kf || !cf) {
		rc = MC_ENOTFOUND;
		goto cleanup;
	}
	*key = PEM_read_PrivateKey(kf, NULL, NULL, (void *)(password ? password : ""));
	*cert = PEM_read_X509(cf, NULL, NULL, NULL);
	if (!*key || !*cert || X509_check_private_key(*cert, *key) != 1)
		goto cleanup;
	while ((more = PEM_read_X509(cf, NULL, NULL, NULL)) != NULL) {
		if (!*chain)
			*chain = sk_X509_new_null();
		if (!*chain || !sk_X509_push(*chain, more)) {
			X509_free(more);
			goto cleanup;
		}
	}
	rc = 0;
cleanup:
	if (rc) {
		EVP_PKEY_free(*key);
		X509_free(*cert);
		sk_X509_pop_free(*chain, X509_free);
		*key = NULL;
		*cert = NULL;
		*chain = NULL;
	}
	ERR_clear_error();
	if (kf)
		fclose(kf);
	if (cf)
		fclose(cf);
	return rc;
}

int mc_sign_load_trust(const char *path, X509_STORE **store)
{
	*store = X509_STORE_new();
	if (!*store)
		return MC_ERROR;
	if (X509_STORE_load_file(*store, path) != 1) {
		ERR_clear_error();
		X509_STORE_free(*store);
		*store = NULL;
		return MC_EINVAL;
	}
	return 0;
}

/* ---- verification ---- */

static char *name_text(const X509_NAME *name)
{
	BIO *m = BIO_new(BIO_s_mem());
	char *s = NULL, *data;
	if (!m)
		return NULL;
	if (X509_NAME_print_ex(m, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		long n = BIO_get_mem_data(m, &data);
		s = mc_xmalloc((size_t)n + 1);
		memcpy(s, data, (size_t)n);
		s[n] = '\0';
	}
	BIO_free(m);
	return s;
}

static char *tm_text(const struct tm *tm)
{
	char s[32];
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", tm);
	return mc_xstrdup(s);
}

/* /M (D:YYYYMMDDHHmmSS and Z or +HH'mm') as UTC. */
static bool pdf_date(span v, struct tm *tm)
{
	char s[40];
	int Y, M = 1, D = 1, h = 0, m = 0, sec = 0, oh = 0, om = 0;
	if (v.n < 8 || v.n >= sizeof s || v.p[0] != '(')
		return false;
	memcpy(s, v.p + 1, v.n - 2);
	s[v.n - 2] = '\0';
	const char *p = strncmp(s, "D:", 2) == 0 ? s + 2 : s;
	size_t digits = strspn(p, "0123456789");
	if (digits < 4 || sscanf(p, "%4d%2d%2d%2d%2d%2d", &Y, &M, &D, &h, &m, &sec) < 1)
		return false;
	char sign = p[digits];
	if ((sign == '+' || sign == '-') && sscanf(p + digits + 1, "%2d'%2d", &oh, &om) < 1)
		return false;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = Y - 1900;
	tm->tm_mon = M - 1;
	tm->tm_mday = D;
	tm->tm_hour = h;
	tm->tm_min = m;
	tm->tm_sec = sec;
	time_t t = timegm(tm);
	if (sign == '+')
		t -= oh * 3600 + om * 60;
	else if (sign == '-')
		t += oh * 3600 + om * 60;
	return gmtime_r(&t, tm) != NULL;
}

static void set_problem(mc_sign_result *r, const char *why)
{
	if (!r->problem)
		r->problem = mc_xstrdup(why);
}

static void warn(mc_sign_result *r, const char *type, const char *field, const char *detail)
{
	if (r->n_warnings == MC_SIGN_WARNINGS_MAX)
		return;
	r->warnings[r->n_warnings++] = (mc_sign_warning){type, field, mc_xstrdup(detail)};
}

/* SHA-1 and MD5 no longer protect a signature (collisions): the 2023 Law on
 * Electronic Transactions' rules ask for SHA-256 or better. */
static bool weak_md(int md_nid)
{
	return md_nid == NID_sha1 || md_nid == NID_md5 || md_nid == NID_md5_sha1;
}

static char *asn1_time_text(const ASN1_TIME *t)
{
	struct tm tm;
	return t && ASN1_TIME_to_tm(t, &tm) == 1 ? tm_text(&tm) : NULL;
}

/* The signer's certificate against the CRLs its issuer signed (issuer: the
 * next certificate of the verified chain). */
static void check_crls(mc_sign_result *r, X509 *signer, X509 *issuer, STACK_OF(X509_CRL) * crls,
		       const struct tm *signed_tm)
{
	EVP_PKEY *ikey = issuer ? X509_get0_pubkey(issuer) : NULL;
	char detail[512];
	for (int i = 0; ikey && i < sk_X509_CRL_num(crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(crls, i);
		X509_REVOKED *rev = NULL;
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(signer)) != 0 ||
		    X509_CRL_verify(crl, ikey) != 1)
			continue;
		if (r->revocation == MC_SIGN_REVOCATION_NOT_CHECKED)
			r->revocation = MC_SIGN_REVOCATION_GOOD;
		const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
		if (next && X509_cmp_current_time(next) < 0) {
			char *when = asn1_time_text(next);
			char *issuer_name = name_text(X509_CRL_get_issuer(crl));
			snprintf(
			    detail, sizeof detail,
			    "the CRL of %s was to be replaced by %s: a revocation since then is not known",
			    issuer_name ? issuer_name : "the issuer", when ? when : "?");
			warn(r, "crl-expired", "crl", detail);
			free(issuer_name);
			free(when);
		}
		if (X509_CRL_get0_by_cert(crl, &rev, signer) != 1 ||
		    r->revocation == MC_SIGN_REVOCATION_REVOKED)
			continue;
		r->revocation = MC_SIGN_REVOCATION_REVOKED;
		const ASN1_TIME *at = X509_REVOKED_get0_revocationDate(rev);
		r->revoked_at = asn1_time_text(at);
		const char *reason = "";
		int crit = 0;
		ASN1_ENUMERATED *code = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, NULL);
		if (code) {
			static const char *const reasons[] = {
			    "unspecified",   "keyCompromise",	     "cACompromise",	"affiliationChanged",
			    "superseded",    "cessationOfOperation", "certificateHold", "",
			    "removeFromCRL", "privilegeWithdrawn",   "aACompromise"};
			long c = ASN1_ENUMERATED_get(code);
			reason = c >= 0 && c < (long)MC_ARRAY_LEN(reasons) ? reasons[c] : "";
			ASN1_ENUMERATED_free(code);
		}
		/* revoked after the signature was made: the signature stood when
		 * made (as far as its claimed time can be believed) */
		struct tm rtm;
		bool before = !signed_tm || (at && ASN1_TIME_to_tm(at, &rtm) == 1 &&
					     timegm(&rtm) <= timegm((struct tm *)signed_tm));
		snprintf(detail, sizeof detail,
			 "the signer's certificate was revoked on %s%s%s%s, %s the signature",
			 r->revoked_at ? r->revoked_at : "?", reason[0] ? " (" : "", reason,
			 reason[0] ? ")" : "", before ? "before" : "after");
		warn(r, "revoked", "certificate", detail);
		if (before) {
			r->trusted = false;
			free(r->problem);
			r->problem = mc_xstrdup(detail);
		}
	}
}

static void verify_one(span f, const long br[4], span dict, X509_STORE *trust, STACK_OF(X509_CRL) * crls,
		       mc_sign_result *r)
{
	CMS_ContentInfo *cms = NULL;
	BIO *data = NULL;
	X509_STORE_CTX *ctx = NULL;
	unsigned char *der = NULL;
	struct tm tm;
	bool have_time = false;
	span v;

	if (dict_get(dict, "/SubFilter", &v, NULL) && v.n > 1)
		r->subfilter = mc_xstrndup(v.p + 1, v.n - 1);
	if (dict_get(dict, "/M", &v, NULL) && pdf_date(v, &tm))
		have_time = true;

	size_t gap = (size_t)br[1], gap_end = (size_t)br[2];
	r->covers_whole_file = gap_end + (size_t)br[3] == f.n;
	const char *last = f.p + gap_end + br[3];
	size_t k = 0;
	while (k < 2 && last > f.p && (last[-1] == '\n' || last[-1] == '\r'))
		last--, k++;
	r->covers_revision = last - f.p >= 5 && memcmp(last - 5, "%%EOF", 5) == 0;

	/* the CMS is the hex string in the gap */
	if (f.p[gap] != '<' || f.p[gap_end - 1] != '>') {
		set_problem(r, "the byte range does not leave out exactly the signature");
		goto cleanup;
	}
	size_t hexn = gap_end - gap - 2;
	der = mc_xmalloc(hexn / 2 + 1);
	size_t dn = 0;
	for (size_t i = 0; i + 1 < hexn; i += 2) {
		char two[3] = {f.p[gap + 1 + i], f.p[gap + 2 + i], 0};
		if (!isxdigit((unsigned char)two[0]) || !isxdigit((unsigned char)two[1])) {
			set_problem(r, "the signature is not a hex string");
			goto cleanup;
		}
		der[dn++] = (unsigned char)strtoul(two, NULL, 16);
	}
	const unsigned char *p = der;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)dn);
	if (!cms) {
		set_problem(r, "the signature is not a CMS");
		goto cleanup;
	}
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	if (!sis || sk_CMS_SignerInfo_num(sis) != 1) {
		set_problem(r, "the CMS has not exactly one signer");
		goto cleanup;
	}
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
	CMS_set1_signers_certs(cms, NULL, 0);
	X509 *signer = NULL;
	X509_ALGOR *dig = NULL;
	CMS_SignerInfo_get0_algs(si, NULL, &signer, &dig, NULL);
	if (signer)
		r->signer = name_text(X509_get_subject_name(signer));
	int dig_nid = dig ? OBJ_obj2nid(dig->algorithm) : NID_undef;
	r->digest_algorithm = mc_xstrdup(dig_nid != NID_undef ? OBJ_nid2sn(dig_nid) : "unknown");
	for (char *c = r->digest_algorithm; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (weak_md(dig_nid))
		warn(r, "weak-algorithm", "digest_algorithm",
		     "the signature's digest is SHA-1 (or MD5), which no longer protects it: SHA-256 or "
		     "better "
		     "is expected");
	int cert_md = NID_undef;
	if (signer && OBJ_find_sigid_algs(X509_get_signature_nid(signer), &cert_md, NULL) && weak_md(cert_md))
		warn(r, "weak-algorithm", "certificate",
		     "the signer's certificate is signed with SHA-1 (or MD5): SHA-256 or better is expected");
	int ti = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	if (ti >= 0) {
		ASN1_TYPE *at = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, ti), 0);
		if (at && (at->type == V_ASN1_UTCTIME || at->type == V_ASN1_GENERALIZEDTIME) &&
		    ASN1_TIME_to_tm(at->value.utctime, &tm) == 1)
			have_time = true;
	}
	if (have_time)
		r->signed_at = tm_text(&tm);

	/* integrity and the CMS signature; the chain separately below, so
	 * that an untrusted signer still gets its verdict on integrity */
	data = BIO_new(BIO_s_mem());
	if (!data || BIO_write(data, f.p, (int)br[1]) != (int)br[1] ||
	    BIO_write(data, f.p + br[2], (int)br[3]) != (int)br[3])
		goto cleanup;
	if (!signer) {
		set_problem(r, "the signer's certificate is not in the CMS");
		goto cleanup;
	}
	r->valid = CMS_verify(cms, NULL, NULL, data, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
	if (!r->valid) {
		set_problem(r, "the signed bytes or the signature do not match (changed after signing)");
		goto cleanup;
	}
	if (!trust) {
		set_problem(r, "no trust anchors given");
		goto cleanup;
	}
	ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	if (!ctx || !X509_STORE_CTX_init(ctx, trust, signer, certs)) {
		sk_X509_pop_free(certs, X509_free);
		goto cleanup;
	}
	/* validity at the signing time the signer claims (no timestamp yet) */
	if (have_time)
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), timegm(&tm));
	r->trusted = X509_verify_cert(ctx) == 1;
	if (!r->trusted) {
		char why[200];
		snprintf(why, sizeof why, "the signer's certificate is not trusted: %s",
			 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		set_problem(r, why);
	} else if (crls) {
		STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
		X509 *issuer = sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : sk_X509_value(chain, 0);
		check_crls(r, signer, issuer, crls, have_time ? &tm : NULL);
	}
	sk_X509_pop_free(certs, X509_free);
cleanup:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	BIO_free(data);
	CMS_ContentInfo_free(cms);
	free(der);
}

int mc_sign_verify(const unsigned char *pdf, size_t len, X509_STORE *trust, mc_sign_result **results,
		   size_t *n)
{
	return mc_sign_verify_crl(pdf, len, trust, NULL, results, n);
}

int mc_sign_verify_crl(const unsigned char *pdf, size_t len, X509_STORE *trust, STACK_OF(X509_CRL) * crls,
		       mc_sign_result **results, size_t *n)
{
	span f = {(const char *)pdf, len};
	const char *end = f.p + len, *p = f.p;
	size_t cap = 0;
	*results = NULL;
	*n = 0;
	/* every /ByteRange in the file: a signature dictionary cannot be in a
	 * compressed object stream, since its byte range names file offsets */
	for (;;) {
		const char *at = NULL;
		for (const char *q = p; q + 10 <= end; q++)
			if (*q == '/' && memcmp(q, "/ByteRange", 10) == 0) {
				at = q;
				break;
			}
		if (!at)
			break;
		p = at + 10;
		long br[4];
		const char *q = skip_ws(p, end);
		if (q >= end || *q != '[')
			continue;
		q++;
		int got = 0;
		for (; got < 4; got++) {
			char *e;
			q = skip_ws(q, end);
			if (q >= end || !isdigit((unsigned char)*q))
				break;
			br[got] = strtol(q, &e, 10);
			q = e;
		}
		if (got != 4)
			continue;
		MC_GROW(*results, *n, cap);
		mc_sign_result *r = &(*results)[(*n)++];
		memset(r, 0, sizeof *r);
		if (br[0] != 0 || br[1] <= 0 || br[2] <= br[1] + 1 || br[3] < 0 || (size_t)br[2] > len ||
		    (size_t)br[3] > len - (size_t)br[2]) {
			set_problem(r, "the byte range is not inside the file");
			continue;
		}
		/* the signature dictionary around the /ByteRange: from the
		 * "obj" before it to the end of its dictionary */
		const char *o = find_last(f.p, (size_t)(at - f.p), " obj");
		span dict = {0};
		if (o) {
			const char *d = skip_ws(o + 4, end);
			const char *de = value_end(d, end);
			if (de && *d == '<' && de > at) {
				dict.p = d;
				dict.n = (size_t)(de - d);
			}
		}
		if (!dict.n) {
			set_problem(r, "the signature dictionary cannot be read");
			continue;
		}
		verify_one(f, br, dict, trust, crls, r);
	}
	return 0;
}

void mc_sign_results_free(mc_sign_result *results, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(results[i].signer);
		free(results[i].signed_at);
		free(results[i].subfilter);
		free(results[i].problem);
		free(results[i].digest_algorithm);
		free(results[i].revoked_at);
		for (size_t w = 0; w < results[i].n_warnings; w++)
			free(results[i].warnings[w].detail);
	}
	free(results);
}

/* The CRLs of one file into out: PEM (one or more), else one DER. */
static int load_crl_file(const char *path, STACK_OF(X509_CRL) * out)
{
	int got = 0;
	BIO *b = BIO_new_file(path, "rb");
	if (!b)
		return MC_EINVAL;
	X509_CRL *crl;
	while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL))) {
		sk_X509_CRL_push(out, crl);
		got++;
	}
	if (got == 0 && BIO_reset(b) == 0 && (crl = d2i_X509_CRL_bio(b, NULL))) {
		sk_X509_CRL_push(out, crl);
		got++;
	}
	ERR_clear_error();
	BIO_free(b);
	return got ? 0 : MC_EINVAL;
}

int mc_sign_load_crls(const char *path, STACK_OF(X509_CRL) * *out)
{
	struct stat sb;
	int rc = 0;
	*out = sk_X509_CRL_new_null();
	if (!*out)
		return MC_ERROR;
	if (stat(path, &sb) != 0) {
		rc = MC_EINVAL;
	} else if (S_ISDIR(sb.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		char file[2048];
		if (!d)
			rc = MC_EINVAL;
		while (d && rc == 0 && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(file, sizeof file, "%s/%s", path, e->d_name);
			if (stat(file, &sb) == 0 && S_ISREG(sb.st_mode))
				rc = load_crl_file(file, *out);
		}
		if (d)
			closedir(d);
	} else {
		rc = load_crl_file(path, *out);
	}
	if (rc) {
		sk_X509_CRL_pop_free(*out, X509_CRL_free);
		*out = NULL;
	}
	return rc;
}
