/*
 * api/document_files.h - an official document's own PDF: rendered as Nghị
 * định 30/2020 Phụ lục I lays it out, signed when it is issued (the
 * leader's signature, then the organisation's as a second PAdES
 * signature), kept in the file store and served (docs/documents.md §3a).
 */
#ifndef MC_API_DOCUMENT_FILES_H
#define MC_API_DOCUMENT_FILES_H

#include "api/api.h"
#include "sign/pades.h"
#include "store/store_document.h"

#include <jansson.h>

typedef struct mc_doc_keys mc_doc_keys;

/*
 * Before an issue is queued: when signing is configured (sign_dir), loads
 * the key of the leader who signed d and the seal of its issuing body and
 * checks their certificates; *out NULL when signing is not configured.
 * Replies (503 signing-key, naming what is wrong) and returns -1 when a
 * key cannot be used: nothing is issued then.
 */
int mc_api_document_keys_or_reply(mc_req *r, const mc_document *d, mc_doc_keys **out);
void mc_api_document_keys_free(mc_doc_keys *k);

/*
 * The same keys from dir without a request (the demo's, made at init): the
 * key signer_key, whose certificate names signer_name, and the seal of unit
 * (seal-<code>, else seal); place is the unit's địa danh. Certificates are
 * not checked. 0, or MC_ENOTFOUND / MC_EINVAL with why (cap bytes) filled.
 */
int mc_api_document_keys_load(const char *dir, const char *signer_key, const char *signer_name,
			      const mc_unit *unit, const char *place, mc_doc_keys **out, char *why,
			      size_t cap);

/*
 * Inside the write that issued d: signs it with k (the signer's, then the
 * seal's) at now and keeps it as d's file; sha256 (may be NULL) gets that
 * file's SHA-256 in hex. What is signed: the draft's latest uploaded
 * version when it is a PDF (the one approved, docs/documents.md §3b), its
 * visible signatures at the bottom right of its last page; else the
 * rendering of d's fields with its number. A failure fails the write, so
 * the document is not issued (MC_EINVAL: the approved PDF cannot be signed).
 */
int mc_api_document_seal(mc_store *st, const mc_time_ctx *tc, const mc_document *d, const mc_doc_keys *k,
			 int64_t now, char sha256[65]);

/*
 * Verdicts of a file's signatures as the API and `motcua signature verify
 * --json` give them: one object per signature with its status ("valid",
 * "warning", "invalid"), its warnings ({type, field, detail}: revoked,
 * weak-algorithm, crl-expired, untrusted) and the facts; *overall (may be
 * NULL) the worst status, or "none" when n is 0.
 */
json_t *mc_api_sign_results_json(const mc_sign_result *res, size_t n, const char **overall);

/* Trust anchors (sign_trust_file) and CRLs (sign_crl) for verifying; either
 * NULL when not configured. MC_EINVAL with why when a file is unreadable. */
int mc_api_sign_checks_load(const char *trust_file, const char *crl_path, X509_STORE **trust,
			    STACK_OF(X509_CRL) * *crls, char *why, size_t cap);

/*
 * An attachment of a document (phụ lục, văn bản kèm theo; NĐ 30/2020 Phụ
 * lục I) signed by the organisation: a visible PAdES signature at the top
 * right of its first page, without the seal's image, showing organ (the
 * organisation's name), notation (the main document's number and notation)
 * and the signing time now in ISO 8601 at +07:00, upright, 10 pt, black.
 * MC_EINVAL when the PDF or its first page cannot be read.
 */
int mc_api_seal_attachment(const unsigned char *pdf, size_t len, EVP_PKEY *key, X509 *cert,
			   STACK_OF(X509) * chain, const char *organ, const char *notation, int64_t now,
			   unsigned char **out, size_t *out_len);

/* Replies with d as GET /api/v1/documents/{id} shows it (documents.c). */
void mc_api_document_reply(mc_req *r, int status, const mc_document *d);

#endif
