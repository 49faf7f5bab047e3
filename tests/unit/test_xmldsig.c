/* Tests for src/sign/xmldsig.c: an edXML package signed by motcua verifies
 * with the organisation's certificate, and `xmlsec1 --verify` (Debian's
 * xmlsec1) accepts it with the test CA trusted; a changed character makes
 * both refuse it; another key, a second signature, a reference to part of
 * the package, an expired certificate and an unsigned package are refused.
 * The CA and the keys (RSA 2048) are made here, none is committed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/edxml.h"
#include "core/mc.h"
#include "sign/xmldsig.h"

typedef struct {
	EVP_PKEY *key;
	X509 *cert;
} ident;

static ident ca, org, other;
static char dir[512];

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

/* cn's certificate issued by issuer (self-signed when NULL), valid from
 * days_from to days_to around now. */
static ident make_ident(const char *cn, const ident *issuer, long serial, int days_from, int days_to)
{
	ident id;
	id.key = EVP_RSA_gen(2048);
	assert_non_null(id.key);
	id.cert = X509_new();
	X509_set_version(id.cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(id.cert), serial);
	X509_gmtime_adj(X509_getm_notBefore(id.cert), (long)days_from * 86400);
	X509_gmtime_adj(X509_getm_notAfter(id.cert), (long)days_to * 86400);
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
	assert_true(X509_sign(id.cert, issuer ? issuer->key : id.key, EVP_sha256()) > 0);
	return id;
}

static void free_ident(ident *id)
{
	EVP_PKEY_free(id->key);
	X509_free(id->cert);
}

static int setup(void **state)
{
	(void)state;
	ca = make_ident("Test Root CA", NULL, 1, -30, 365);
	org = make_ident("000.00.00.H56", &ca, 2, -30, 365);
	other = make_ident("Kẻ giả mạo", &ca, 3, -30, 365);
	const char *base = getenv("MC_TEST_TMP");
	if (!base)
		base = "/tmp";
	mkdir(base, 0700);
	snprintf(dir, sizeof dir, "%s/xmldsig.XXXXXX", base);
	assert_non_null(mkdtemp(dir));
	char path[600];
	snprintf(path, sizeof path, "%s/ca.pem", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	PEM_write_X509(f, ca.cert);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free_ident(&ca);
	free_ident(&org);
	free_ident(&other);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *package(size_t *len)
{
	mc_edxml_organ to = {.organ_id = "000.00.00.H26", .organ_name = "UBND tỉnh Thử Hai"};
	mc_edxml_message m = {
	    .kind = MC_EDXML_DOCUMENT,
	    .document_id = "000.00.00.H56,2017/05/24,6366",
	    .from = {.organ_id = "000.00.00.H56", .organ_name = "UBND tỉnh Thanh Hóa"},
	    .to = &to,
	    .n_to = 1,
	    .code_number = "6366",
	    .code_notation = "BC-UBND",
	    .promulgation_date = "2017-05-24",
	    .subject = "Kết quả thực hiện công tác cải cách hành chính",
	};
	char *xml = NULL, problem[200];
	assert_int_equal(mc_edxml_build(&xml, len, &m, problem, sizeof problem), 0);
	return xml;
}

/* xmlsec1 --verify of xml with the test CA trusted: its exit status. */
static int xmlsec1_verify(const char *xml, size_t len)
{
	char path[600], cmd[2400];
	snprintf(path, sizeof path, "%s/msg.xml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(xml, 1, len, f), len);
	fclose(f);
	snprintf(
	    cmd, sizeof cmd,
	    "xmlsec1 --verify --enabled-reference-uris empty --trusted-pem '%s/ca.pem' '%s' >'%s/out' 2>&1",
	    dir, path, dir);
	return system(cmd);
}

static void signed_verifies_here_and_with_xmlsec1(void **state)
{
	(void)state;
	size_t len = 0, slen = 0;
	char *xml = package(&len), *signed_xml = NULL, problem[200];
	assert_int_equal(mc_xmldsig_sign(&signed_xml, &slen, xml, len, org.key, org.cert), 0);
	assert_non_null(strstr(signed_xml, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"));
	assert_non_null(strstr(signed_xml, "<X509Certificate>"));
	/* the signature sits in edXMLHeader */
	assert_true(strstr(signed_xml, "<Signature") < strstr(signed_xml, "</edXML:edXMLHeader>"));
	assert_int_equal(mc_xmldsig_verify(signed_xml, slen, org.cert, time(NULL), problem, sizeof problem),
			 0);
	assert_int_equal(xmlsec1_verify(signed_xml, slen), 0);
	/* and it is still an edXML package */
	mc_edxml_message m = {0};
	assert_int_equal(mc_edxml_parse(&m, signed_xml, slen, 0, problem, sizeof problem), 0);
	assert_string_equal(m.code_number, "6366");
	mc_edxml_message_clear(&m);
	X509 *carried = mc_xmldsig_signer_cert(signed_xml, slen);
	assert_non_null(carried);
	assert_int_equal(X509_cmp(carried, org.cert), 0);
	X509_free(carried);
	/* signed twice: refused */
	char *twice = NULL;
	size_t tlen = 0;
	assert_int_equal(mc_xmldsig_sign(&twice, &tlen, signed_xml, slen, org.key, org.cert), MC_EINVAL);
	free(signed_xml);
	free(xml);
}

static void tampered_is_refused_by_both(void **state)
{
	(void)state;
	size_t len = 0, slen = 0;
	char *xml = package(&len), *signed_xml = NULL, problem[200];
	assert_int_equal(mc_xmldsig_sign(&signed_xml, &slen, xml, len, org.key, org.cert), 0);
	char *at = strstr(signed_xml, "<edXML:CodeNumber>6366");
	assert_non_null(at);
	at[strlen("<edXML:CodeNumber>")] = '9'; /* 9366 */
	assert_int_equal(mc_xmldsig_verify(signed_xml, slen, org.cert, time(NULL), problem, sizeof problem),
			 MC_EFORBIDDEN);
	assert_string_equal(problem, "the signature does not verify with the sender's trusted certificate");
	assert_int_not_equal(xmlsec1_verify(signed_xml, slen), 0);
	free(signed_xml);
	free(xml);
}

static void other_key_and_expired_are_refused(void **state)
{
	(void)state;
	size_t len = 0, slen = 0;
	char *xml = package(&len), *signed_xml = NULL, problem[200];
	/* signed by another key of the same CA: xmlsec1 would accept its chain,
	 * motcua checks the key of the peer's own certificate */
	assert_int_equal(mc_xmldsig_sign(&signed_xml, &slen, xml, len, other.key, other.cert), 0);
	assert_int_equal(mc_xmldsig_verify(signed_xml, slen, org.cert, time(NULL), problem, sizeof problem),
			 MC_EFORBIDDEN);
	free(signed_xml);
	assert_int_equal(mc_xmldsig_sign(&signed_xml, &slen, xml, len, org.key, org.cert), 0);
	assert_int_equal(
	    mc_xmldsig_verify(signed_xml, slen, org.cert, time(NULL) + 400L * 86400, problem, sizeof problem),
	    MC_EFORBIDDEN);
	assert_string_equal(problem, "the sender's trusted certificate is not valid at this time");
	free(signed_xml);
	free(xml);
}

/* Swaps the first occurrence of from for to. */
static char *replace(const char *xml, const char *from, const char *to)
{
	const char *at = strstr(xml, from);
	assert_non_null(at);
	char *out = malloc(strlen(xml) - strlen(from) + strlen(to) + 1);
	size_t head = (size_t)(at - xml);
	memcpy(out, xml, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	return out;
}

static void malformed_signatures_are_refused(void **state)
{
	(void)state;
	size_t len = 0, slen = 0;
	char *xml = package(&len), *signed_xml = NULL, problem[200];
	assert_int_equal(mc_xmldsig_verify(xml, len, org.cert, time(NULL), problem, sizeof problem),
			 MC_EINVAL);
	assert_string_equal(problem, "the package is not signed");
	assert_int_equal(mc_xmldsig_sign(&signed_xml, &slen, xml, len, org.key, org.cert), 0);
	/* a reference to an element only (a wrapping attack's first step) */
	char *part = replace(signed_xml, "URI=\"\"", "URI=\"#x\"");
	assert_int_equal(mc_xmldsig_verify(part, strlen(part), org.cert, time(NULL), problem, sizeof problem),
			 MC_EFORBIDDEN);
	free(part);
	/* a second signature, copied into the body */
	const char *s = strstr(signed_xml, "<Signature");
	const char *e = strstr(signed_xml, "</Signature>") + strlen("</Signature>");
	char *sig = strndup(s, (size_t)(e - s));
	char *body = malloc(strlen(sig) + 64);
	sprintf(body, "<edXML:edXMLBody>%s</edXML:edXMLBody>", sig);
	char *two = replace(signed_xml, "<edXML:edXMLBody/>", body);
	assert_int_equal(mc_xmldsig_verify(two, strlen(two), org.cert, time(NULL), problem, sizeof problem),
			 MC_EINVAL);
	assert_string_equal(problem, "the package has 2 signatures; edXML has one");
	free(two);
	free(body);
	free(sig);
	/* a DTD */
	char *dtd = replace(signed_xml, "<edXML:edXMLEnvelope",
			    "<!DOCTYPE e [<!ENTITY a \"b\">]><edXML:edXMLEnvelope");
	assert_int_equal(mc_xmldsig_verify(dtd, strlen(dtd), org.cert, time(NULL), problem, sizeof problem),
			 MC_EINVAL);
	free(dtd);
	free(signed_xml);
	free(xml);
}

/* xml signed by org with `xmlsec1 --sign` from motcua's own signed package
 * made a template again: another signer's output, as a peer's system
 * makes it. */
static char *xmlsec1_signed(const char *signed_xml)
{
	char *t1 = NULL, *t2 = NULL, path[600], cmd[4096];
	const char *s = strstr(signed_xml, "<SignatureValue>");
	const char *e = strstr(signed_xml, "</SignatureValue>");
	assert_true(s && e);
	char *value = strndup(s, (size_t)(e - s) + strlen("</SignatureValue>"));
	t1 = replace(signed_xml, value, "<SignatureValue/>");
	free(value);
	s = strstr(t1, "<DigestValue>");
	e = strstr(t1, "</DigestValue>");
	value = strndup(s, (size_t)(e - s) + strlen("</DigestValue>"));
	t2 = replace(t1, value, "<DigestValue/>");
	free(value);
	free(t1);
	s = strstr(t2, "<KeyInfo>");
	e = strstr(t2, "</KeyInfo>");
	value = strndup(s, (size_t)(e - s) + strlen("</KeyInfo>"));
	t1 = replace(t2, value, "<KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo>");
	free(value);
	free(t2);
	snprintf(path, sizeof path, "%s/tmpl.xml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(t1, f);
	fclose(f);
	free(t1);
	for (const char *what = "key"; what; what = strcmp(what, "key") == 0 ? "pem" : NULL) {
		snprintf(path, sizeof path, "%s/org.%s", dir, what);
		f = fopen(path, "w");
		assert_non_null(f);
		if (strcmp(what, "key") == 0)
			PEM_write_PrivateKey(f, org.key, NULL, NULL, 0, NULL, NULL);
		else
			PEM_write_X509(f, org.cert);
		fclose(f);
	}
	snprintf(cmd, sizeof cmd,
		 "xmlsec1 --sign --privkey-pem '%s/org.key,%s/org.pem' --output '%s/peer.xml' '%s/tmpl.xml' "
		 ">'%s/out' 2>&1",
		 dir, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/peer.xml", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	char *out = calloc(1, 1 << 20);
	size_t n = fread(out, 1, (1 << 20) - 1, f);
	fclose(f);
	out[n] = '\0';
	return out;
}

/* An enveloped URI="" signature covers neither comments nor what
 * ds:Signature holds: a signed package carrying a ds:Object, a comment, or
 * another namespace's element or attribute in KeyInfo is refused by
 * mc_xmldsig_covered; motcua's own package and one xmlsec1 signed are not. */
static void uncovered_content_is_refused(void **state)
{
	(void)state;
	size_t len = 0, slen = 0;
	char *xml = package(&len), *signed_xml = NULL, problem[200];
	assert_int_equal(mc_xmldsig_sign(&signed_xml, &slen, xml, len, org.key, org.cert), 0);
	assert_int_equal(mc_xmldsig_covered(signed_xml, slen, problem, sizeof problem), 0);
	char *peer = xmlsec1_signed(signed_xml);
	assert_int_equal(mc_xmldsig_verify(peer, strlen(peer), org.cert, time(NULL), problem, sizeof problem),
			 0);
	assert_int_equal(mc_xmldsig_covered(peer, strlen(peer), problem, sizeof problem), 0);
	free(peer);

	static const struct {
		const char *from, *to, *problem;
	} cases[] = {
	    {"</KeyInfo>",
	     "</KeyInfo><Object><edXML:MessageHeader xmlns:edXML=\"http://www.e-doc.vn/Schema/\">"
	     "<edXML:Subject>EVIL</edXML:Subject></edXML:MessageHeader></Object>",
	     "ds:Signature holds the element Object, which the signature does not cover; it may hold "
	     "SignedInfo, SignatureValue and KeyInfo only"},
	    {"<edXML:Subject>Kết quả", "<edXML:Subject>Kết<!-- không --> quả",
	     "the package holds an XML comment, which its signature does not cover (Reference URI=\"\" "
	     "leaves comments out); edXML packages carry none"},
	    {"<edXML:edXMLEnvelope", "<!-- ghi chú --><edXML:edXMLEnvelope",
	     "the package holds an XML comment, which its signature does not cover (Reference URI=\"\" "
	     "leaves comments out); edXML packages carry none"},
	    {"</KeyInfo>",
	     "<edXML:Subject xmlns:edXML=\"http://www.e-doc.vn/Schema/\">EVIL</edXML:Subject></KeyInfo>",
	     "ds:KeyInfo holds the element Subject, not of XML-DSig, which the signature does not cover"},
	    {"<KeyInfo>", "<KeyInfo xmlns:e=\"urn:x\" e:subject=\"EVIL\">",
	     "ds:KeyInfo has the attribute e:subject, which the signature does not cover"},
	    {"<KeyInfo>", "<KeyInfo>EVIL",
	     "ds:KeyInfo holds text beside its elements, which the signature does not cover"},
	    {"</KeyInfo>", "</KeyInfo><?edxml EVIL?>",
	     "ds:Signature holds text or a processing instruction, which the signature does not cover; it "
	     "may "
	     "hold SignedInfo, SignatureValue and KeyInfo only"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *bad = replace(signed_xml, cases[i].from, cases[i].to);
		/* the signature itself still verifies: this is what it leaves out */
		assert_int_equal(
		    mc_xmldsig_verify(bad, strlen(bad), org.cert, time(NULL), problem, sizeof problem), 0);
		assert_int_equal(mc_xmldsig_covered(bad, strlen(bad), problem, sizeof problem), MC_EINVAL);
		assert_string_equal(problem, cases[i].problem);
		free(bad);
	}
	free(signed_xml);
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(signed_verifies_here_and_with_xmlsec1),
	    cmocka_unit_test(tampered_is_refused_by_both),
	    cmocka_unit_test(other_key_and_expired_are_refused),
	    cmocka_unit_test(malformed_signatures_are_refused),
	    cmocka_unit_test(uncovered_content_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
