/*
 * xmldsig.c - enveloped XML signatures with libxmlsec1 (see xmldsig.h).
 */
#include "sign/xmldsig.h"

#include "core/edxml.h"
#include "core/mc.h"
#include "core/text.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>
#include <xmlsec/xmltree.h>

#define EDXML_NS "http://www.e-doc.vn/Schema/"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc = MC_ERROR;
/* The last thing xmlsec complained of on this thread, for the problem text. */
static _Thread_local char last_error[200];

static void on_error(const char *file, int line, const char *func, const char *object, const char *subject,
		     int reason, const char *msg)
{
	(void)file;
	(void)line;
	(void)object;
	(void)reason;
	snprintf(last_error, sizeof last_error, "%s%s%s%s%s", func ? func : "", subject ? " " : "",
		 subject ? subject : "", msg ? ": " : "", msg ? msg : "");
}

static void init(void)
{
	mc_edxml_init(); /* libxml2's one initialisation, shared with core/edxml.c */
	if (xmlSecInit() < 0 || xmlSecCheckVersion() != 1 || xmlSecCryptoAppInit(NULL) < 0 ||
	    xmlSecCryptoInit() < 0)
		return;
	/* after xmlSecInit, which sets its own that prints to stderr */
	xmlSecErrorsSetCallback(on_error);
	init_rc = 0;
}

int mc_xmldsig_init(void)
{
	pthread_once(&once, init);
	return init_rc;
}

static void say(char *problem, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *problem, size_t size, const char *fmt, ...)
{
	if (!problem || !size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(problem, size, fmt, ap);
	va_end(ap);
}

static bool has(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, n) == 0)
			return true;
	return false;
}

/* The document, or NULL when it is not well-formed or has a DTD. */
static xmlDocPtr read_doc(const char *xml, size_t len)
{
	if (len > INT32_MAX || has(xml, len, "<!DOCTYPE") || has(xml, len, "<!ENTITY"))
		return NULL;
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "edxml.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc && (doc->intSubset || doc->extSubset)) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

static int dump(char **out, size_t *out_len, xmlDocPtr doc)
{
	xmlChar *mem = NULL;
	int n = 0;
	xmlDocDumpMemoryEnc(doc, &mem, &n, "UTF-8");
	if (!mem || n <= 0) {
		xmlFree(mem);
		return MC_ERROR;
	}
	*out = mc_xmalloc((size_t)n + 1);
	memcpy(*out, mem, (size_t)n);
	(*out)[n] = '\0';
	*out_len = (size_t)n;
	xmlFree(mem);
	return 0;
}

/* Every ds:Signature under node, counted; *first the first. */
static size_t signatures(xmlNodePtr node, xmlNodePtr *first)
{
	size_t n = 0;
	for (xmlNodePtr c = node; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlSecCheckNodeName(c, xmlSecNodeSignature, xmlSecDSigNs)) {
			if (!*first)
				*first = c;
			n++;
		}
		n += signatures(c->children, first);
	}
	return n;
}

/* Where the signature goes: edXMLHeader, else the root. */
static xmlNodePtr signature_parent(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr h = root ? xmlSecFindChild(root, BAD_CAST "edXMLHeader", BAD_CAST EDXML_NS) : NULL;
	return h ? h : root;
}

/* An xmlsec key holding pkey (a reference taken), and cert when given. */
static xmlSecKeyPtr make_key(EVP_PKEY *pkey, X509 *cert)
{
	xmlSecKeyPtr key = xmlSecKeyCreate();
	if (!key)
		return NULL;
	EVP_PKEY_up_ref(pkey);
	xmlSecKeyDataPtr value = xmlSecOpenSSLEvpKeyAdopt(pkey);
	if (!value) {
		EVP_PKEY_free(pkey);
		goto fail;
	}
	if (xmlSecKeySetValue(key, value) < 0) {
		xmlSecKeyDataDestroy(value);
		goto fail;
	}
	if (cert) {
		xmlSecKeyDataPtr x = xmlSecKeyDataCreate(xmlSecOpenSSLKeyDataX509Id);
		if (!x)
			goto fail;
		X509 *copy = X509_dup(cert);
		if (!copy || xmlSecOpenSSLKeyDataX509AdoptCert(x, copy) < 0) {
			X509_free(copy);
			xmlSecKeyDataDestroy(x);
			goto fail;
		}
		if (xmlSecKeyAdoptData(key, x) < 0) {
			xmlSecKeyDataDestroy(x);
			goto fail;
		}
	}
	return key;
fail:
	xmlSecKeyDestroy(key);
	return NULL;
}

int mc_xmldsig_sign(char **out, size_t *out_len, const char *xml, size_t len, EVP_PKEY *key, X509 *cert)
{
	int rc = MC_ERROR;
	xmlDocPtr doc = NULL;
	xmlSecDSigCtxPtr ctx = NULL;
	*out = NULL;
	*out_len = 0;
	pthread_once(&once, init);
	if (init_rc)
		goto cleanup;
	doc = read_doc(xml, len);
	if (!doc) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	xmlNodePtr first = NULL;
	if (signatures(xmlDocGetRootElement(doc), &first)) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	xmlSecTransformId method =
	    EVP_PKEY_base_id(key) == EVP_PKEY_EC ? xmlSecTransformEcdsaSha256Id : xmlSecTransformRsaSha256Id;
	xmlNodePtr sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId, method, NULL);
	if (!sig)
		goto cleanup;
	xmlAddChild(signature_parent(doc), sig);
	xmlNodePtr ref =
	    xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL, BAD_CAST "", NULL);
	if (!ref || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId))
		goto cleanup;
	xmlNodePtr ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	xmlNodePtr x509 = ki ? xmlSecTmplKeyInfoAddX509Data(ki) : NULL;
	if (!x509 || !xmlSecTmplX509DataAddSubjectName(x509) || !xmlSecTmplX509DataAddCertificate(x509))
		goto cleanup;
	ctx = xmlSecDSigCtxCreate(NULL);
	if (!ctx)
		goto cleanup;
	ctx->signKey = make_key(key, cert);
	if (!ctx->signKey || xmlSecDSigCtxSign(ctx, sig) < 0)
		goto cleanup;
	rc = dump(out, out_len, doc);
cleanup:
	if (ctx)
		xmlSecDSigCtxDestroy(ctx);
	xmlFreeDoc(doc);
	return rc;
}

int mc_xmldsig_verify(const char *xml, size_t len, X509 *cert, time_t now, char *problem, size_t problem_size)
{
	int rc = MC_EINVAL;
	xmlDocPtr doc = NULL;
	xmlSecDSigCtxPtr ctx = NULL;
	EVP_PKEY *pub = NULL;
	say(problem, problem_size, "%s", "");
	pthread_once(&once, init);
	if (init_rc) {
		say(problem, problem_size, "xmlsec could not start");
		rc = MC_ERROR;
		goto cleanup;
	}
	doc = read_doc(xml, len);
	if (!doc) {
		say(problem, problem_size, "the package is not well-formed XML without a DTD");
		goto cleanup;
	}
	xmlNodePtr sig = NULL;
	size_t n = signatures(xmlDocGetRootElement(doc), &sig);
	if (n != 1) {
		if (n)
			say(problem, problem_size, "the package has %zu signatures; edXML has one", n);
		else
			say(problem, problem_size, "the package is not signed");
		goto cleanup;
	}
	if (sig->parent != signature_parent(doc)) {
		say(problem, problem_size, "the signature is not where edXML puts it (in edXMLHeader)");
		goto cleanup;
	}
	rc = MC_EFORBIDDEN;
	if (X509_cmp_time(X509_get0_notBefore(cert), &now) > 0 ||
	    X509_cmp_time(X509_get0_notAfter(cert), &now) < 0) {
		say(problem, problem_size, "the sender's trusted certificate is not valid at this time");
		goto cleanup;
	}
	pub = X509_get_pubkey(cert);
	ctx = xmlSecDSigCtxCreate(NULL);
	if (!pub || !ctx) {
		rc = MC_ERROR;
		goto cleanup;
	}
	/* the trusted key only, never KeyInfo's; same-document references only */
	ctx->signKey = make_key(pub, NULL);
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
	if (!ctx->signKey || xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformExclC14NId) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformInclC14NId) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformRsaSha256Id) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformRsaSha512Id) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformEcdsaSha256Id) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformEnvelopedId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformExclC14NId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformInclC14NId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformSha256Id) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformSha512Id) < 0) {
		rc = MC_ERROR;
		goto cleanup;
	}
	last_error[0] = '\0';
	if (xmlSecDSigCtxVerify(ctx, sig) < 0) {
		say(problem, problem_size, "the signature could not be checked%s%s",
		    last_error[0] ? ": " : "", last_error);
		goto cleanup;
	}
	if (ctx->status != xmlSecDSigStatusSucceeded) {
		say(problem, problem_size,
		    "the signature does not verify with the sender's trusted certificate");
		goto cleanup;
	}
	/* one reference, to the whole document: nothing outside the signature */
	if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1) {
		say(problem, problem_size, "the signature must have exactly one reference");
		goto cleanup;
	}
	xmlSecDSigReferenceCtxPtr ref = xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0);
	if (!ref || !ref->uri || ref->uri[0] != '\0') {
		say(problem, problem_size, "the signature's reference is not the whole package (URI=\"\")");
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (ctx)
		xmlSecDSigCtxDestroy(ctx);
	EVP_PKEY_free(pub);
	xmlFreeDoc(doc);
	return rc;
}

/* XML-DSig 1.1's namespace (ECKeyValue, X509Digest in KeyInfo). */
#define DSIG11_NS "http://www.w3.org/2009/xmldsig11#"

static bool blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (!isspace(*s))
			return false;
	return true;
}

/* A sender's element or attribute name for a problem: at most 40 bytes,
 * cut at a whole character, so that the problem fits and stays UTF-8. */
typedef struct {
	char s[41];
} shown_name;

static shown_name shown(const xmlChar *name)
{
	shown_name n;
	mc_text_cut(n.s, sizeof n.s, name ? (const char *)name : "");
	return n;
}

static bool has_element_child(xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

/* The first comment in the document, prolog and epilog included. */
static xmlNodePtr comment_in(xmlNodePtr node)
{
	for (xmlNodePtr c = node; c; c = c->next) {
		if (c->type == XML_COMMENT_NODE)
			return c;
		if (c->type == XML_ELEMENT_NODE) {
			xmlNodePtr found = comment_in(c->children);
			if (found)
				return found;
		}
	}
	return NULL;
}

/* Whether what node (SignatureValue, KeyInfo or below) holds is XML-DSig's
 * own: its elements in the XML-DSig namespaces, no attribute of another
 * namespace, no text beside elements, no processing instruction, no
 * comment. Why not, in problem. */
static bool dsig_only(xmlNodePtr node, char *problem, size_t problem_size)
{
	for (xmlAttrPtr a = node->properties; a; a = a->next) {
		if (a->ns) {
			say(problem, problem_size,
			    "ds:%s has the attribute %s:%s, which the signature does not cover",
			    shown(node->name).s, shown(a->ns->prefix).s, shown(a->name).s);
			return false;
		}
	}
	bool mixed = has_element_child(node);
	for (xmlNodePtr c = node->children; c; c = c->next) {
		switch (c->type) {
		case XML_ELEMENT_NODE:
			if (!c->ns || !(xmlStrEqual(c->ns->href, xmlSecDSigNs) ||
					xmlStrEqual(c->ns->href, BAD_CAST DSIG11_NS))) {
				say(problem, problem_size,
				    "ds:%s holds the element %s, not of XML-DSig, which the signature "
				    "does not cover",
				    shown(node->name).s, shown(c->name).s);
				return false;
			}
			if (!dsig_only(c, problem, problem_size))
				return false;
			break;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (mixed && !blank(c->content)) {
				say(problem, problem_size,
				    "ds:%s holds text beside its elements, which the signature does "
				    "not cover",
				    shown(node->name).s);
				return false;
			}
			break;
		default:
			say(problem, problem_size, "ds:%s holds a %s, which the signature does not cover",
			    shown(node->name).s,
			    c->type == XML_PI_NODE ? "processing instruction"
						   : "node that is not XML-DSig's");
			return false;
		}
	}
	return true;
}

int mc_xmldsig_covered(const char *xml, size_t len, char *problem, size_t problem_size)
{
	int rc = MC_EINVAL;
	say(problem, problem_size, "%s", "");
	pthread_once(&once, init);
	xmlDocPtr doc = read_doc(xml, len);
	if (!doc) {
		say(problem, problem_size, "the package is not well-formed XML without a DTD");
		goto cleanup;
	}
	xmlNodePtr sig = NULL;
	if (signatures(xmlDocGetRootElement(doc), &sig) != 1) {
		say(problem, problem_size, "the package has not one signature");
		goto cleanup;
	}
	/* Reference URI="" is the document without its comments (XML-DSig
	 * §4.4.3.3): a comment anywhere, inside a signed element's text too,
	 * is outside what the signature covers. */
	if (comment_in(doc->children)) {
		say(problem, problem_size,
		    "the package holds an XML comment, which its signature does not cover "
		    "(Reference URI=\"\" leaves comments out); edXML packages carry none");
		goto cleanup;
	}
	/* The enveloped-signature transform leaves ds:Signature out whole.
	 * SignedInfo is covered by SignatureValue; SignatureValue and KeyInfo
	 * are the signature's own (the key is the peer's certificate, never
	 * KeyInfo's). Anything else there, a ds:Object above all, is content
	 * nobody signed that the stored package would carry. */
	for (xmlAttrPtr a = sig->properties; a; a = a->next) {
		if (a->ns) {
			say(problem, problem_size,
			    "ds:Signature has the attribute %s:%s, which the signature does not cover",
			    shown(a->ns->prefix).s, shown(a->name).s);
			goto cleanup;
		}
	}
	for (xmlNodePtr c = sig->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && blank(c->content))
			continue;
		if (c->type != XML_ELEMENT_NODE || !c->ns || !xmlStrEqual(c->ns->href, xmlSecDSigNs) ||
		    !(xmlStrEqual(c->name, xmlSecNodeSignedInfo) ||
		      xmlStrEqual(c->name, xmlSecNodeSignatureValue) ||
		      xmlStrEqual(c->name, xmlSecNodeKeyInfo))) {
			say(problem, problem_size,
			    "ds:Signature holds %s%s, which the signature does not cover; it may hold "
			    "SignedInfo, SignatureValue and KeyInfo only",
			    c->type == XML_ELEMENT_NODE ? "the element " : "text or a processing instruction",
			    c->type == XML_ELEMENT_NODE ? shown(c->name).s : "");
			goto cleanup;
		}
		if (!xmlStrEqual(c->name, xmlSecNodeSignedInfo) && !dsig_only(c, problem, problem_size))
			goto cleanup;
	}
	rc = 0;
cleanup:
	xmlFreeDoc(doc);
	return rc;
}

X509 *mc_xmldsig_signer_cert(const char *xml, size_t len)
{
	X509 *cert = NULL;
	xmlChar *b64 = NULL;
	pthread_once(&once, init);
	xmlDocPtr doc = read_doc(xml, len);
	if (!doc)
		return NULL;
	xmlNodePtr sig = NULL;
	signatures(xmlDocGetRootElement(doc), &sig);
	xmlNodePtr ki = sig ? xmlSecFindChild(sig, xmlSecNodeKeyInfo, xmlSecDSigNs) : NULL;
	xmlNodePtr xd = ki ? xmlSecFindChild(ki, xmlSecNodeX509Data, xmlSecDSigNs) : NULL;
	xmlNodePtr xc = xd ? xmlSecFindChild(xd, xmlSecNodeX509Certificate, xmlSecDSigNs) : NULL;
	b64 = xc ? xmlNodeGetContent(xc) : NULL;
	if (b64) {
		/* base64 without its line breaks, then DER */
		size_t n = 0, len64 = strlen((const char *)b64);
		unsigned char *clean = mc_xmalloc(len64 + 1), *der = mc_xmalloc(len64 + 1);
		for (size_t i = 0; i < len64; i++)
			if (!isspace(b64[i]))
				clean[n++] = b64[i];
		int got = n % 4 == 0 && n < INT32_MAX ? EVP_DecodeBlock(der, clean, (int)n) : -1;
		const unsigned char *p = der;
		if (got > 0)
			cert = d2i_X509(NULL, &p, got);
		free(clean);
		free(der);
	}
	xmlFree(b64);
	xmlFreeDoc(doc);
	return cert;
}
