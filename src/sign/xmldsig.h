/*
 * xmldsig.h - XML signatures (XML-DSig) of edXML packages, made and checked
 * with libxmlsec1 over OpenSSL.
 *
 * The signature is enveloped: a ds:Signature, last child of edXMLHeader (of
 * the root element when there is none), whose one Reference has URI="" and
 * the enveloped-signature transform, so it covers the whole package but
 * itself; SHA-256 digest, RSA-SHA256 (ECDSA-SHA256 for an EC key), the
 * organisation's certificate in KeyInfo/X509Data. `xmlsec1 --verify
 * --trusted-pem CA.pem` accepts such a package.
 *
 * Verification uses the key of the certificate the caller trusts for the
 * sender (a peer's, docs/operations.md), never the certificate the package
 * carries: a package signed with any other key does not verify. Only one
 * signature, only same-document references, only SHA-256/512 digests and
 * signatures, no DTD. What such a signature leaves out (comments, what
 * ds:Signature holds beside its own elements) is found by
 * mc_xmldsig_covered, for a receiver that keeps the package as it came.
 */
#ifndef MC_SIGN_XMLDSIG_H
#define MC_SIGN_XMLDSIG_H

#include <openssl/x509.h>
#include <stddef.h>
#include <time.h>

/* Initialises libxml2 and xmlsec once; the functions below call it, a
 * server calls it on its main thread before the workers start. 0 or
 * MC_ERROR when xmlsec cannot start. */
int mc_xmldsig_init(void);

/*
 * Signs the XML document xml (len bytes) with key, cert in KeyInfo. *out
 * (free with free()) holds the signed document, *out_len bytes. MC_EINVAL
 * when xml is not well-formed or already signed, MC_ERROR when xmlsec fails.
 */
int mc_xmldsig_sign(char **out, size_t *out_len, const char *xml, size_t len, EVP_PKEY *key, X509 *cert);

/*
 * Checks the signature of xml against the public key of cert, which must be
 * valid at now. 0 when it verifies; MC_EINVAL when the document is not
 * well-formed, has a DTD, has no signature or more than one, or a reference
 * other than URI=""; MC_EFORBIDDEN when the signature or a digest does not
 * verify, uses an algorithm not allowed, or cert is not valid at now. Why,
 * in problem (at least 160 bytes) when not NULL.
 */
int mc_xmldsig_verify(const char *xml, size_t len, X509 *cert, time_t now, char *problem,
		      size_t problem_size);

/*
 * Whether xml, whose one signature verifies, carries nothing that signature
 * does not cover. An enveloped Reference URI="" covers the document without
 * its comments and without the ds:Signature itself: so a comment anywhere,
 * or anything in ds:Signature but SignedInfo (covered by SignatureValue),
 * SignatureValue and KeyInfo of XML-DSig's own elements (a ds:Object, an
 * element or attribute of another namespace, text beside elements, a
 * processing instruction), would be kept and shown with the package as if
 * the sender had signed it. 0 when there is none; MC_EINVAL, with what was
 * found in problem (at least 160 bytes) when not NULL.
 */
int mc_xmldsig_covered(const char *xml, size_t len, char *problem, size_t problem_size);

/* The certificate a package carries in its KeyInfo (the first), or NULL;
 * the caller frees it with X509_free. For telling an operator which key a
 * refused package was signed with. */
X509 *mc_xmldsig_signer_cert(const char *xml, size_t len);

#endif
