/*
 * api/document_files.c - an official document's PDF (api/document_files.h)
 * and GET /api/v1/documents/{id}/file.
 */
#include "api/document_files.h"

#include "app/document.h"
#include "core/err.h"
#include "render/document.h"
#include "sign/keys.h"
#include "sign/pades.h"
#include "store/store_document_file.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mc_doc_keys {
	mc_sign_key signer;
	mc_sign_key seal;
};

void mc_api_document_keys_free(mc_doc_keys *k)
{
	if (!k)
		return;
	mc_sign_key_clear(&k->signer);
	mc_sign_key_clear(&k->seal);
	free(k);
}

/* The rendering of d, appended to pdf. */
static int render(mc_store *st, const mc_time_ctx *tc, const mc_document *d, mc_buf *pdf)
{
	const mc_unit *unit = mc_time_ctx_unit(tc, d->unit_id);
	const mc_unit *parent = unit && unit->parent_id ? mc_time_ctx_unit(tc, unit->parent_id) : NULL;
	const mc_doc_type *t = mc_doc_type_find(d->type);
	char *unit_up = unit ? g_utf8_strup(unit->name, -1) : NULL;
	char *parent_up = parent ? g_utf8_strup(parent->name, -1) : NULL;
	char *type_up = t && !mc_doc_type_is_letter(t) ? g_utf8_strup(t->name, -1) : NULL;
	char *urg = d->urgency ? g_utf8_strup(mc_doc_urgency_title((mc_doc_urgency)d->urgency), -1) : NULL;
	char *sec = d->secrecy ? g_utf8_strup(mc_doc_secrecy_title((mc_doc_secrecy)d->secrecy), -1) : NULL;
	char *pos = d->signer_position ? g_utf8_strup(d->signer_position, -1) : NULL;
	char *number = NULL;
	if (d->notation && d->notation[0]) {
		number = g_strdup(d->notation);
	} else {
		/* a draft: the number left blank, the notation as it will be */
		mc_doc_register g;
		char probe[MC_DOC_NOTATION_MAX];
		const char *slash = NULL;
		if (t && mc_store_doc_register_get(st, &g, d->register_id) == 0) {
			if (mc_doc_notation(probe, 1, mc_doc_year(mc_now()), t, d->normative, g.organ_abbr,
					    d->drafting_abbr) == 0)
				slash = strchr(probe, '/');
			mc_doc_register_clear(&g);
		}
		number = g_strdup_printf("        %s", slash ? slash : "");
	}
	mc_doc_page p = {.parent_unit = parent_up,
			 .issuing_unit = unit_up ? unit_up : "",
			 .number = number,
			 .place = d->place && d->place[0] ? d->place : mc_api_unit_place(tc, unit),
			 .date = d->issued_at,
			 .type_title = type_up,
			 .subject = d->subject,
			 .body = d->body,
			 .signer_position = pos,
			 .signer_name = d->signer_name,
			 .recipients = d->recipients,
			 .urgency = urg,
			 .secrecy = sec};
	int rc = mc_render_document_pdf(pdf, &p, NULL);
	g_free(unit_up);
	g_free(parent_up);
	g_free(type_up);
	g_free(urg);
	g_free(sec);
	g_free(pos);
	g_free(number);
	return rc;
}

/* The leader who signed d: the user of its last sign event. */
static int signer_of(mc_store *st, const mc_document *d, mc_user *u)
{
	mc_document_event *ev = NULL;
	size_t n = 0;
	int64_t who = 0;
	int rc = mc_store_document_events(st, &ev, &n, d->id);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (ev[i].action && strcmp(ev[i].action, "sign") == 0)
			who = ev[i].user_id;
	mc_document_event_free_list(ev, n);
	if (rc == 0)
		rc = who ? mc_store_user_get(st, u, who) : MC_ENOTFOUND;
	return rc;
}

static int load_trust(const char *path, X509_STORE **trust)
{
	*trust = NULL;
	if (!path || !*path)
		return 0;
	return mc_sign_load_trust(path, trust);
}

int mc_api_document_keys_or_reply(mc_req *r, const mc_document *d, mc_doc_keys **out)
{
	const mc_server_config *cfg = mc_req_config(r);
	const mc_unit *unit = mc_time_ctx_unit(mc_req_time(r), d->unit_id);
	mc_doc_keys *k = NULL;
	mc_user u = {0};
	X509_STORE *trust = NULL;
	char why[512], seal[96], check[512];
	int ret = -1;

	*out = NULL;
	if (!cfg->sign_dir || !cfg->sign_dir[0])
		return 0;
	int rc = signer_of(mc_req_store(r), d, &u);
	if (rc) {
		mc_reply_error(r, rc, "the document's signer");
		goto cleanup;
	}
	if (load_trust(cfg->sign_trust_file, &trust) != 0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY,
				 "cannot read the trust anchors of sign_trust_file %s", cfg->sign_trust_file);
		goto cleanup;
	}
	k = mc_xcalloc(1, sizeof *k);
	if (mc_sign_key_load(&k->signer, cfg->sign_dir, u.username, why, sizeof why) != 0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the key of the signer %s: %s", u.username, why);
		goto cleanup;
	}
	if (mc_sign_cert_check(k->signer.cert, k->signer.chain, u.full_name, time(NULL), trust, check,
			       sizeof check) != 0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the key of the signer %s: %s", u.username, check);
		goto cleanup;
	}
	/* the issuing body's own seal first, then the deployment's */
	snprintf(seal, sizeof seal, "seal-%s", unit ? unit->code : "");
	rc = mc_sign_key_load(&k->seal, cfg->sign_dir, seal, why, sizeof why);
	if (rc == MC_ENOTFOUND) {
		snprintf(seal, sizeof seal, "seal");
		rc = mc_sign_key_load(&k->seal, cfg->sign_dir, seal, why, sizeof why);
	}
	if (rc) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the organisation's seal (%s): %s", seal, why);
		goto cleanup;
	}
	if (mc_sign_cert_check(k->seal.cert, k->seal.chain, NULL, time(NULL), trust, check, sizeof check) !=
	    0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the organisation's seal (%s): %s", seal, check);
		goto cleanup;
	}
	*out = k;
	k = NULL;
	ret = 0;
cleanup:
	X509_STORE_free(trust);
	mc_user_clear(&u);
	mc_api_document_keys_free(k);
	return ret;
}

int mc_api_document_seal(mc_store *st, const mc_time_ctx *tc, const mc_document *d, const mc_doc_keys *k,
			 int64_t now)
{
	mc_buf pdf;
	unsigned char *one = NULL, *two = NULL;
	size_t one_len = 0, two_len = 0;
	int rc;

	mc_buf_init(&pdf, MC_DOC_PDF_MAX);
	rc = render(st, tc, d, &pdf);
	if (rc) {
		rc = mc_err_set(MC_ERROR, MC_REASON_NONE, "could not render the document");
		goto cleanup;
	}
	/* NĐ 30 art. 8 and Phụ lục I: the signer's signature, then the
	 * organisation's over it (the second covers the first) */
	rc = mc_sign_pdf((unsigned char *)pdf.data, pdf.len, k->signer.key, k->signer.cert, k->signer.chain,
			 (time_t)now, &one, &one_len);
	if (rc == 0)
		rc = mc_sign_pdf(one, one_len, k->seal.key, k->seal.cert, k->seal.chain, (time_t)now, &two,
				 &two_len);
	if (rc) {
		rc = mc_err_set(MC_ERROR, MC_REASON_NONE, "could not sign the document");
		goto cleanup;
	}
	rc = mc_store_document_file_put(st, d->id, two, two_len, 2, now);
cleanup:
	free(one);
	free(two);
	mc_buf_free(&pdf);
	return rc;
}

/* ---- GET /api/v1/documents/{id}/file ------------------------------------- */

static int send_stored(mc_req *r, const mc_document_file *f, const char *disposition)
{
	int fd = -1;
	int64_t size = 0;
	char mime[64];
	int rc = mc_store_attachment_open(mc_req_store(r), &fd, &size, mime, sizeof mime, f->sha256);
	if (rc != 0)
		return rc;
	mc_reply_header(r, "Content-Disposition", disposition);
	mc_reply_file(r, 200, "application/pdf", fd, size);
	return 0;
}

void mc_api_document_file(mc_req *r)
{
	const char *s = mc_req_param(r, 0);
	char *end = NULL, disposition[96];
	mc_document d = {0};
	mc_document_file f;
	mc_actor actor;
	int rc;

	errno = 0;
	long long id = strtoll(s, &end, 10);
	if (errno || end == s || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no document has id %s", s);
		return;
	}
	rc = mc_store_document_get(mc_req_store(r), &d, id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the document");
		return;
	}
	mc_req_actor(r, &actor);
	if (!mc_app_document_may_see(mc_req_time(r), &actor, &d)) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the document is outside your unit's scope");
		goto cleanup;
	}
	snprintf(disposition, sizeof disposition, "inline; filename=\"van-ban-%lld.pdf\"", id);
	/* its own file, or for a copy delivered here the sender's */
	rc = mc_store_document_file_get(mc_req_store(r), d.id, &f);
	if (rc == MC_ENOTFOUND && d.box == MC_DOC_IN && d.source_id)
		rc = mc_store_document_file_get(mc_req_store(r), d.source_id, &f);
	if (rc == 0) {
		rc = send_stored(r, &f, disposition);
		if (rc)
			mc_reply_error(r, rc, "the document's file");
		goto cleanup;
	}
	if (rc != MC_ENOTFOUND) {
		mc_reply_error(r, rc, "the document's file");
		goto cleanup;
	}
	if (d.box != MC_DOC_OUT) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "the document has no file");
		goto cleanup;
	}
	/* not issued with signatures: rendered as it stands */
	mc_buf pdf;
	mc_buf_init(&pdf, MC_DOC_PDF_MAX);
	rc = render(mc_req_store(r), mc_req_time(r), &d, &pdf);
	if (rc) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not render the document");
	} else {
		mc_reply_header(r, "Content-Disposition", disposition);
		mc_reply_raw(r, 200, "application/pdf", pdf.data, pdf.len);
	}
	mc_buf_free(&pdf);
cleanup:
	mc_document_clear(&d);
}
