/*
 * api/document_files.c - an official document's PDF (api/document_files.h)
 * and GET /api/v1/documents/{id}/file.
 */
#include "api/document_files.h"

#include "app/document.h"
#include "core/err.h"
#include "core/limits.h"
#include "render/document.h"
#include "render/form.h"
#include "sign/keys.h"
#include "sign/pades.h"
#include "store/store_document_file.h"

#include <cairo.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct mc_doc_keys {
	mc_sign_key signer; /* none when the leader signed on their own device */
	mc_sign_key seal;
	bool device; /* the document's file carries the leader's signature already */
	mc_document_file file;
	char dir[512];
	char signer_user[128], signer_name[256], seal_name[96], organ[256], place[128];
};

/* The stored file of sha256 (size bytes) into *out (free with free()). */
static int read_stored(mc_store *st, const char *sha256, int64_t size, unsigned char **out)
{
	int fd = -1, rc;
	int64_t got_size = 0;
	char mime[64];
	*out = NULL;
	rc = mc_store_attachment_open(st, &fd, &got_size, mime, sizeof mime, sha256);
	if (rc)
		return rc;
	if (got_size != size || size <= 0) {
		close(fd);
		return MC_ERROR;
	}
	unsigned char *buf = mc_xmalloc((size_t)size);
	size_t done = 0;
	while (done < (size_t)size) {
		ssize_t n = read(fd, buf + done, (size_t)size - done);
		if (n <= 0) {
			free(buf);
			close(fd);
			return MC_ERROR;
		}
		done += (size_t)n;
	}
	close(fd);
	*out = buf;
	return 0;
}

void mc_api_document_keys_free(mc_doc_keys *k)
{
	if (!k)
		return;
	mc_sign_key_clear(&k->signer);
	mc_sign_key_clear(&k->seal);
	free(k);
}

/* The rendering of d, appended to pdf; box (may be NULL) gets where the
 * signatures and the number go. for_signing: not marked DỰ THẢO. */
static int render(mc_store *st, const mc_time_ctx *tc, const mc_document *d, mc_buf *pdf,
		  mc_doc_sign_box *box, bool for_signing)
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
			 .secrecy = sec,
			 .for_signing = for_signing};
	int rc = mc_render_document_pdf(pdf, &p, box);
	g_free(unit_up);
	g_free(parent_up);
	g_free(type_up);
	g_free(urg);
	g_free(sec);
	g_free(pos);
	g_free(number);
	return rc;
}

/* ---- the visible signatures (Phụ lục I) ----------------------------------- */

#define PX_PER_MM 6.0

typedef struct {
	mc_sign_look look;
	unsigned char *rgba;
} picture;

/* The surface's pixels as RGBA, not premultiplied (cairo's ARGB32 is). */
static unsigned char *surface_rgba(cairo_surface_t *s, int w, int h)
{
	cairo_surface_flush(s);
	const unsigned char *src = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	unsigned char *out = mc_xmalloc((size_t)w * (size_t)h * 4);
	for (int y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(src + (size_t)y * (size_t)stride);
		for (int x = 0; x < w; x++) {
			uint32_t v = row[x];
			unsigned a = v >> 24, r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
			unsigned char *o = out + 4 * ((size_t)y * (size_t)w + (size_t)x);
			o[0] = (unsigned char)(a ? r * 255 / a : 0);
			o[1] = (unsigned char)(a ? g * 255 / a : 0);
			o[2] = (unsigned char)(a ? b * 255 / a : 0);
			o[3] = (unsigned char)a;
		}
	}
	return out;
}

/* An image the operator put beside the key (<name>.png), scaled into
 * [x, y, w, h] of cr keeping its proportions; false when there is none. */
static bool draw_png(cairo_t *cr, const char *dir, const char *name, double x, double y, double w, double h)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s.png", dir, name);
	cairo_surface_t *img = cairo_image_surface_create_from_png(path);
	bool ok = cairo_surface_status(img) == CAIRO_STATUS_SUCCESS;
	if (ok) {
		double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
		double k = iw > 0 && ih > 0 ? (w / iw < h / ih ? w / iw : h / ih) : 1;
		cairo_save(cr);
		cairo_translate(cr, x + (w - iw * k) / 2, y + (h - ih * k) / 2);
		cairo_scale(cr, k, k);
		cairo_set_source_surface(cr, img, 0, 0);
		cairo_paint(cr);
		cairo_restore(cr);
	}
	cairo_surface_destroy(img);
	return ok;
}

/* "hh:mm:ss +07:00 dd/mm/yyyy" of t in Vietnam's time. */
static void sign_time(char *buf, size_t cap, int64_t t)
{
	int y, m, d;
	int64_t local = t + MC_TZ_OFFSET;
	int64_t days = local / 86400, sec = local % 86400;
	mc_civil_from_days((int32_t)days, &y, &m, &d);
	snprintf(buf, cap, "%02d:%02d:%02d +07:00 %02d/%02d/%04d", (int)(sec / 3600), (int)(sec / 60 % 60),
		 (int)(sec % 60), d, m, y);
}

/* The leader's signature between position and name: their signature image
 * in blue (<username>.png beside the key, else the name in blue script as a
 * stand-in), then who signed and when. */
static void picture_signer(picture *p, const char *dir, const char *username, const char *name, int64_t at)
{
	int w = (int)(p->look.w / MC_FORM_MM * PX_PER_MM), h = (int)(p->look.h / MC_FORM_MM * PX_PER_MM);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	cairo_t *cr = cairo_create(s);
	double k = PX_PER_MM / MC_FORM_MM; /* pixels per point */
	char when[40], *m;
	cairo_scale(cr, k, k);
	double pw = p->look.w, ph = p->look.h;
	cairo_set_source_rgb(cr, 0.05, 0.2, 0.75);
	if (!draw_png(cr, dir, username, 0, 0, pw, ph * 0.62)) {
		m = g_markup_printf_escaped("<i>%s</i>", name);
		mc_form_draw_text(cr, 0, ph * 0.12, pw, m, 20, MC_FORM_CENTER, true);
		g_free(m);
	}
	sign_time(when, sizeof when, at);
	cairo_set_source_rgb(cr, 0.05, 0.2, 0.75);
	m = g_markup_printf_escaped("Ký bởi: %s\nThời gian ký: %s", name, when);
	mc_form_draw_text(cr, 0, ph * 0.64, pw, m, 7.5, MC_FORM_CENTER, true);
	g_free(m);
	cairo_destroy(cr);
	p->rgba = surface_rgba(s, w, h);
	cairo_surface_destroy(s);
	p->look.px_w = w;
	p->look.px_h = h;
	p->look.rgba = p->rgba;
}

/* The organisation's seal in red (seal image beside the key, else a drawn
 * round seal with the body's name) and when it was put. */
static void picture_seal(picture *p, const char *dir, const char *key_name, const char *organ, int64_t at)
{
	int w = (int)(p->look.w / MC_FORM_MM * PX_PER_MM), h = (int)(p->look.h / MC_FORM_MM * PX_PER_MM);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	cairo_t *cr = cairo_create(s);
	double k = PX_PER_MM / MC_FORM_MM;
	double pw = p->look.w, ph = p->look.h, d = ph * 0.8, cx = pw / 2, cy = d / 2 + 1;
	char when[40], *m;
	cairo_scale(cr, k, k);
	cairo_set_source_rgba(cr, 0.85, 0.05, 0.05, 0.85);
	if (!draw_png(cr, dir, key_name, (pw - d) / 2, 1, d, d)) {
		cairo_set_line_width(cr, 1.6);
		cairo_arc(cr, cx, cy, d / 2 - 1, 0, 2 * G_PI);
		cairo_stroke(cr);
		cairo_set_line_width(cr, 0.6);
		cairo_arc(cr, cx, cy, d / 2 - 3.5, 0, 2 * G_PI);
		cairo_stroke(cr);
		cairo_arc(cr, cx, cy, d / 5, 0, 2 * G_PI);
		cairo_stroke(cr);
		m = g_markup_printf_escaped("<b>%s</b>", organ);
		mc_form_draw_text(cr, cx - d * 0.36, cy - d * 0.33, d * 0.72, m, 5.5, MC_FORM_CENTER, true);
		g_free(m);
		mc_form_draw_text(cr, cx - d * 0.36, cy + d * 0.2, d * 0.72, "<b>★</b>", 7, MC_FORM_CENTER,
				  true);
	}
	sign_time(when, sizeof when, at);
	m = g_markup_printf_escaped("%s", when);
	mc_form_draw_text(cr, 0, d + 1.5, pw, m, 6, MC_FORM_CENTER, true);
	g_free(m);
	cairo_destroy(cr);
	p->rgba = surface_rgba(s, w, h);
	cairo_surface_destroy(s);
	p->look.px_w = w;
	p->look.px_h = h;
	p->look.rgba = p->rgba;
}

/* Text on white in a w × h point rectangle: what the clerk's software writes
 * at issue over the blank number and date of a document signed before it. */
static void picture_text(picture *p, int page, double x, double y_top, double w, double h, double page_h,
			 const char *markup)
{
	int pw = (int)(w / MC_FORM_MM * PX_PER_MM), ph = (int)(h / MC_FORM_MM * PX_PER_MM);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
	cairo_t *cr = cairo_create(s);
	cairo_scale(cr, PX_PER_MM / MC_FORM_MM, PX_PER_MM / MC_FORM_MM);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	mc_form_draw_text(cr, 0, 0, w, markup, 13, MC_FORM_CENTER, true);
	cairo_destroy(cr);
	p->rgba = surface_rgba(s, pw, ph);
	cairo_surface_destroy(s);
	p->look = (mc_sign_look){.page = page,
				 .x = x,
				 .y = page_h - y_top - h,
				 .w = w,
				 .h = h,
				 .px_w = pw,
				 .px_h = ph,
				 .rgba = p->rgba};
}

/* Where the two pictures go, from the signer's box of the rendering: the
 * signature centred between position and name, the seal over its left third. */
static void place(const mc_doc_sign_box *box, mc_sign_look *signer, mc_sign_look *seal)
{
	double w = 62 * MC_FORM_MM < box->w ? 62 * MC_FORM_MM : box->w;
	signer->page = seal->page = box->page;
	signer->w = w;
	signer->h = box->h;
	signer->x = box->x + (box->w - w) / 2;
	signer->y = box->page_h - (box->y + box->h);
	seal->w = 36 * MC_FORM_MM;
	seal->h = 36 * MC_FORM_MM;
	seal->x = signer->x + signer->w / 3 - seal->w;
	seal->y = signer->y + (signer->h - seal->h) / 2;
}

/* The leader who signed d: the user of its last sign event. */
static int signer_of(mc_store *st, const mc_document *d, mc_user *u)
{
	mc_document_event e;
	int rc = mc_store_document_event_find(st, &e, d->id, "sign", true);
	int64_t who = e.user_id;
	mc_document_event_clear(&e);
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

/* The seal of unit: its own (seal-<code>) first, then the deployment's
 * (seal); name gets which. */
static int seal_load(mc_sign_key *k, const char *dir, const mc_unit *unit, char *name, size_t name_cap,
		     char *why, size_t cap)
{
	snprintf(name, name_cap, "seal-%s", unit ? unit->code : "");
	int rc = mc_sign_key_load(k, dir, name, why, cap);
	if (rc == MC_ENOTFOUND) {
		snprintf(name, name_cap, "seal");
		rc = mc_sign_key_load(k, dir, name, why, cap);
	}
	return rc;
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
	rc = mc_store_document_file_get(mc_req_store(r), d->id, &k->file);
	if (rc != 0 && rc != MC_ENOTFOUND) {
		mc_reply_error(r, rc, "the document's file");
		goto cleanup;
	}
	k->device = rc == 0 && k->file.signatures >= 1;
	if (k->device)
		goto seal_key;
	if (mc_sign_key_load(&k->signer, cfg->sign_dir, u.username, why, sizeof why) != 0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the key of the signer %s: %s", u.username, why);
		goto cleanup;
	}
	if (mc_sign_cert_check(k->signer.cert, k->signer.chain, u.full_name, time(NULL), trust, check,
			       sizeof check) != 0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the key of the signer %s: %s", u.username, check);
		goto cleanup;
	}
seal_key:
	rc = seal_load(&k->seal, cfg->sign_dir, unit, seal, sizeof seal, why, sizeof why);
	if (rc) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the organisation's seal (%s): %s", seal, why);
		goto cleanup;
	}
	if (mc_sign_cert_check(k->seal.cert, k->seal.chain, NULL, time(NULL), trust, check, sizeof check) !=
	    0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the organisation's seal (%s): %s", seal, check);
		goto cleanup;
	}
	snprintf(k->dir, sizeof k->dir, "%s", cfg->sign_dir);
	snprintf(k->signer_user, sizeof k->signer_user, "%s", u.username);
	snprintf(k->signer_name, sizeof k->signer_name, "%s", u.full_name);
	snprintf(k->seal_name, sizeof k->seal_name, "%s", seal);
	snprintf(k->organ, sizeof k->organ, "%s", unit ? unit->name : "");
	snprintf(k->place, sizeof k->place, "%s", mc_api_unit_place(mc_req_time(r), unit));
	*out = k;
	k = NULL;
	ret = 0;
cleanup:
	X509_STORE_free(trust);
	mc_user_clear(&u);
	mc_api_document_keys_free(k);
	return ret;
}

int mc_api_document_keys_load(const char *dir, const char *signer_key, const char *signer_name,
			      const mc_unit *unit, const char *place, mc_doc_keys **out, char *why,
			      size_t cap)
{
	mc_doc_keys *k = mc_xcalloc(1, sizeof *k);
	char seal[96], inner[512];
	int rc = mc_sign_key_load(&k->signer, dir, signer_key, inner, sizeof inner);
	if (rc) {
		snprintf(why, cap, "the key of the signer %s: %s", signer_key, inner);
		goto cleanup;
	}
	rc = seal_load(&k->seal, dir, unit, seal, sizeof seal, inner, sizeof inner);
	if (rc) {
		snprintf(why, cap, "the organisation's seal (%s): %s", seal, inner);
		goto cleanup;
	}
	snprintf(k->dir, sizeof k->dir, "%s", dir);
	snprintf(k->signer_user, sizeof k->signer_user, "%s", signer_key);
	snprintf(k->signer_name, sizeof k->signer_name, "%s", signer_name);
	snprintf(k->seal_name, sizeof k->seal_name, "%s", seal);
	snprintf(k->organ, sizeof k->organ, "%s", unit ? unit->name : "");
	snprintf(k->place, sizeof k->place, "%s", place ? place : "");
	*out = k;
	k = NULL;
cleanup:
	mc_api_document_keys_free(k);
	return rc;
}

/* Where the signer's block goes on an uploaded PDF, whose layout is not
 * ours: the right half of its last page's foot, above a 25 mm margin. */
#define UPLOAD_SIGN_W (70 * MC_FORM_MM)
#define UPLOAD_SIGN_H (30 * MC_FORM_MM)
#define UPLOAD_SIGN_RIGHT (20 * MC_FORM_MM)
#define UPLOAD_SIGN_BOTTOM (25 * MC_FORM_MM)
#define UPLOAD_PAGES_MAX 2000

static int upload_box(const unsigned char *pdf, size_t len, mc_doc_sign_box *box)
{
	double mb[4], last[4];
	int page = -1;
	while (page + 1 < UPLOAD_PAGES_MAX && mc_sign_page_box(pdf, len, page + 1, mb) == 0) {
		memcpy(last, mb, sizeof last);
		page++;
	}
	if (page < 0)
		return MC_EINVAL;
	memset(box, 0, sizeof *box);
	box->page = page;
	box->page_h = last[3];
	box->w = UPLOAD_SIGN_W;
	box->h = UPLOAD_SIGN_H;
	box->x = last[2] - UPLOAD_SIGN_RIGHT - UPLOAD_SIGN_W;
	box->y = last[3] - last[1] - UPLOAD_SIGN_BOTTOM - UPLOAD_SIGN_H;
	return 0;
}

/* The approved version of d (the draft's latest, no upload after an
 * approval) into *v, and, when it is a PDF, its bytes into *upload (free
 * with free(); NULL for a DOCX or no upload) and where the signer's block
 * goes on it into *box. A PDF whose last page cannot be read is MC_EINVAL
 * naming the version. */
static int approved_pdf(mc_store *st, const mc_document *d, mc_document_version *v, unsigned char **upload,
			mc_doc_sign_box *box)
{
	*upload = NULL;
	int rc = mc_store_document_version_get(st, v, d->id, 0);
	if (rc == MC_ENOTFOUND)
		return 0;
	if (rc || strcmp(v->kind, "pdf") != 0)
		return rc;
	rc = read_stored(st, v->sha256, v->size, upload);
	if (rc == 0 && upload_box(*upload, (size_t)v->size, box) != 0)
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"the approved version %d cannot be signed: its last page cannot be read "
				"(a PDF whose pages are in one flat page tree and whose catalog is not in "
				"an object stream)",
				v->number);
	if (rc) {
		free(*upload);
		*upload = NULL;
	}
	return rc;
}

/* The refusal of an approved PDF that motcua's signer could not sign. */
static int unsignable(const mc_document_version *v)
{
	return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
			  "the approved version %d cannot be signed: its structure is not one "
			  "motcua signs (a PDF whose pages are in one flat page tree and whose "
			  "catalog is not in an object stream)",
			  v->number);
}

static void sha256_hex(char out[65], const unsigned char *p, size_t n)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(p, n, md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Each attachment of d not sealed yet, sealed by the organisation at the
 * top right of its first page (§3c) and kept as its sealed copy. */
static int seal_attachments(mc_store *st, const mc_document *d, const mc_doc_keys *k, int64_t now)
{
	mc_document_attachment *list = NULL;
	size_t n = 0;
	int rc = mc_store_document_attachments(st, &list, &n, d->id);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		unsigned char *pdf = NULL, *out = NULL;
		size_t out_len = 0;
		if (list[i].sealed || (i + 1 < n && list[i + 1].number == list[i].number))
			continue;
		rc = read_stored(st, list[i].sha256, list[i].size, &pdf);
		if (rc == 0)
			rc =
			    mc_api_seal_attachment(pdf, (size_t)list[i].size, k->seal.key, k->seal.cert,
						   k->seal.chain, k->organ, d->notation, now, &out, &out_len);
		if (rc == MC_EINVAL)
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"attachment %d cannot be sealed: its first page cannot be read",
					list[i].number);
		else if (rc && rc != MC_ENOTFOUND)
			rc = mc_err_set(MC_ERROR, MC_REASON_NONE, "could not seal attachment %d",
					list[i].number);
		mc_document_attachment sealed = {.document_id = d->id,
						 .number = list[i].number,
						 .sealed = 1,
						 .filename = list[i].filename,
						 .size = (int64_t)out_len,
						 .uploaded_by = list[i].uploaded_by,
						 .created_at = now};
		if (rc == 0)
			rc = mc_store_attachment_write(st, sealed.sha256, out, out_len);
		if (rc == 0)
			rc = mc_store_document_attachment_add(st, &sealed);
		free(pdf);
		free(out);
	}
	mc_document_attachment_free_list(list, n);
	return rc;
}

int mc_api_document_seal(mc_store *st, const mc_time_ctx *tc, const mc_document *d, const mc_doc_keys *k,
			 int64_t now, char sha256[65])
{
	mc_buf pdf;
	unsigned char *one = NULL, *two = NULL, *upload = NULL;
	size_t one_len = 0, two_len = 0;
	mc_doc_sign_box box;
	mc_document_version v = {0};
	picture signer = {0}, seal = {0}, stamps[2];
	memset(stamps, 0, sizeof stamps);
	mc_sign_look stamp_looks[2];
	int rc;

	mc_buf_init(&pdf, MC_DOC_PDF_MAX);
	/* The approved version is the draft's latest (no upload after an
	 * approval): a PDF is the document as issued and signed; a DOCX is not
	 * a signed form (signatures are PAdES), so the fields are rendered. */
	rc = approved_pdf(st, d, &v, &upload, &box);
	if (rc == 0 && k->device) {
		/* the leader's device signed the file prepared for it: that upload
		 * when it starts with it, else the rendering (prepared before the
		 * upload was signed as such) */
		rc = read_stored(st, k->file.sha256, k->file.size, &one);
		one_len = (size_t)k->file.size;
		if (rc == 0 && upload &&
		    !(one_len > (size_t)v.size && memcmp(one, upload, (size_t)v.size) == 0)) {
			free(upload);
			upload = NULL;
		}
	}
	if (rc)
		goto cleanup;
	if (!upload) {
		/* the rendering with its number, and where the signer's block is */
		rc = render(st, tc, d, &pdf, &box, false);
		if (rc) {
			rc = mc_err_set(MC_ERROR, MC_REASON_NONE, "could not render the document");
			goto cleanup;
		}
	}
	place(&box, &signer.look, &seal.look);
	picture_seal(&seal, k->dir, k->seal_name, k->organ, now);
	if (k->device && !upload) {
		/* signed on the leader's device before it had a number: the
		 * seal's update writes the number and the date over the blanks */
		char date[64], *m;
		mc_form_date_words(date, sizeof date, d->issued_at);
		m = g_markup_printf_escaped("Số: %s", d->notation ? d->notation : "");
		picture_text(&stamps[0], 0, box.number_x, box.line_y, box.number_w, box.line_h + 2,
			     box.page_h, m);
		g_free(m);
		m = g_markup_printf_escaped("<i>%s, %s</i>", d->place && d->place[0] ? d->place : k->place,
					    date);
		picture_text(&stamps[1], 0, box.date_x, box.line_y, box.date_w, box.line_h + 2, box.page_h,
			     m);
		g_free(m);
		stamp_looks[0] = stamps[0].look;
		stamp_looks[1] = stamps[1].look;
		seal.look.stamps = stamp_looks;
		seal.look.n_stamps = 2;
	} else if (k->device) {
		/* an uploaded PDF signed on the device: its layout is not ours,
		 * so no number or date is written into it (as at issue, §3b) */
	} else {
		/* NĐ 30 art. 8 and Phụ lục I: the signer's signature, then the
		 * organisation's over it (the second covers the first) */
		picture_signer(&signer, k->dir, k->signer_user, k->signer_name, now);
		rc = upload
			 ? mc_sign_pdf_look(upload, (size_t)v.size, k->signer.key, k->signer.cert,
					    k->signer.chain, (time_t)now, &signer.look, &one, &one_len)
			 : mc_sign_pdf_look((unsigned char *)pdf.data, pdf.len, k->signer.key, k->signer.cert,
					    k->signer.chain, (time_t)now, &signer.look, &one, &one_len);
	}
	if (rc == 0)
		rc = mc_sign_pdf_look(one, one_len, k->seal.key, k->seal.cert, k->seal.chain, (time_t)now,
				      &seal.look, &two, &two_len);
	if (rc == MC_EINVAL && upload) {
		rc = unsignable(&v);
		goto cleanup;
	}
	if (rc) {
		rc = mc_err_set(MC_ERROR, MC_REASON_NONE, "could not sign the document");
		goto cleanup;
	}
	rc = mc_store_document_file_put(st, d->id, two, two_len, 2, now);
	if (rc == 0)
		rc = seal_attachments(st, d, k, now);
	if (rc == 0 && sha256)
		sha256_hex(sha256, two, two_len);
cleanup:
	free(upload);
	mc_document_version_clear(&v);
	free(signer.rgba);
	free(seal.rgba);
	free(stamps[0].rgba);
	free(stamps[1].rgba);
	free(one);
	free(two);
	mc_buf_free(&pdf);
	return rc;
}

/* ---- an attachment sealed (Phụ lục I: văn bản kèm theo) ------------------- */

/* "2017-05-24T09:00:00+07:00": ISO 8601 in Vietnam's time. */
static void iso_time(char *buf, size_t cap, int64_t t)
{
	int y, m, d;
	int64_t local = t + MC_TZ_OFFSET;
	int64_t days = local / 86400, sec = local % 86400;
	mc_civil_from_days((int32_t)days, &y, &m, &d);
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, m, d, (int)(sec / 3600),
		 (int)(sec / 60 % 60), (int)(sec % 60));
}

#define ATTACHMENT_W (80 * MC_FORM_MM)
#define ATTACHMENT_H (15 * MC_FORM_MM)
#define ATTACHMENT_TOP (4 * MC_FORM_MM)
#define ATTACHMENT_RIGHT (15 * MC_FORM_MM)

int mc_api_seal_attachment(const unsigned char *pdf, size_t len, EVP_PKEY *key, X509 *cert,
			   STACK_OF(X509) * chain, const char *organ, const char *notation, int64_t now,
			   unsigned char **out, size_t *out_len)
{
	double mb[4];
	char when[40];
	picture p = {0};
	*out = NULL;
	*out_len = 0;
	int rc = mc_sign_page_box(pdf, len, 0, mb);
	if (rc)
		return rc;
	/* no seal image on an attachment: the organisation's name, the
	 * document's number and the time, upright, 10 pt, black, right-aligned
	 * in the top margin at the page's top right */
	int pw = (int)(ATTACHMENT_W / MC_FORM_MM * PX_PER_MM),
	    ph = (int)(ATTACHMENT_H / MC_FORM_MM * PX_PER_MM);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
	cairo_t *cr = cairo_create(s);
	cairo_scale(cr, PX_PER_MM / MC_FORM_MM, PX_PER_MM / MC_FORM_MM);
	cairo_set_source_rgb(cr, 0, 0, 0);
	iso_time(when, sizeof when, now);
	char *m = g_markup_printf_escaped("%s\n%s\n%s", organ ? organ : "", notation ? notation : "", when);
	/* 1 mm spare on the right: a glyph's overhang is not cut by the picture's edge */
	mc_form_draw_text(cr, 0, 0, ATTACHMENT_W - MC_FORM_MM, m, 10, MC_FORM_RIGHT, true);
	g_free(m);
	cairo_destroy(cr);
	p.rgba = surface_rgba(s, pw, ph);
	cairo_surface_destroy(s);
	p.look = (mc_sign_look){.page = 0,
				.x = mb[2] - ATTACHMENT_RIGHT - ATTACHMENT_W,
				.y = mb[3] - ATTACHMENT_TOP - ATTACHMENT_H,
				.w = ATTACHMENT_W,
				.h = ATTACHMENT_H,
				.px_w = pw,
				.px_h = ph,
				.rgba = p.rgba};
	rc = mc_sign_pdf_look(pdf, len, key, cert, chain, (time_t)now, &p.look, out, out_len);
	free(p.rgba);
	return rc;
}

void mc_api_document_attachment_seal(mc_req *r)
{
	const mc_server_config *cfg = mc_req_config(r);
	const mc_time_ctx *tc = mc_req_time(r);
	const char *s = mc_req_param(r, 0);
	char *end = NULL, why[512], check[512], seal[96], disposition[96];
	mc_document d = {0};
	mc_sign_key key = {0};
	mc_actor actor;
	X509_STORE *trust = NULL;
	unsigned char *out = NULL;
	size_t len = 0, out_len = 0;

	errno = 0;
	long long id = strtoll(s, &end, 10);
	if (errno || end == s || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no document has id %s", s);
		return;
	}
	int rc = mc_store_document_get(mc_req_store(r), &d, id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the document");
		return;
	}
	mc_req_actor(r, &actor);
	/* the issuing body's clerk: its scope holds the issuing body */
	if (!mc_app_document_may_see(tc, &actor, &d) || !actor.unit_id ||
	    !mc_time_ctx_within(tc, d.unit_id, actor.unit_id)) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE,
				 "the document's issuing body is outside your unit's scope");
		goto cleanup;
	}
	if (d.box != MC_DOC_OUT || d.state != MC_DOC_ISSUED) {
		mc_reply_problem(
		    r, MC_PROB_FORBIDDEN_TRANSITION,
		    "only an issued outgoing document's attachments are sealed: they bear its number");
		goto cleanup;
	}
	const unsigned char *pdf = mc_req_raw(r, &len);
	if (!pdf || len < 16 || memcmp(pdf, "%PDF-", 5) != 0) {
		mc_reply_field_problem(r, MC_PROB_UNSUPPORTED_FILE, "body", "pdf",
				       "the attachment must be a PDF file (application/pdf)");
		goto cleanup;
	}
	if (!cfg->sign_dir || !cfg->sign_dir[0]) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "no signing keys are configured (sign_dir)");
		goto cleanup;
	}
	const mc_unit *unit = mc_time_ctx_unit(tc, d.unit_id);
	if (seal_load(&key, cfg->sign_dir, unit, seal, sizeof seal, why, sizeof why) != 0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the organisation's seal (%s): %s", seal, why);
		goto cleanup;
	}
	if (load_trust(cfg->sign_trust_file, &trust) != 0 ||
	    mc_sign_cert_check(key.cert, key.chain, NULL, time(NULL), trust, check, sizeof check) != 0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the organisation's seal (%s): %s", seal,
				 trust || !cfg->sign_trust_file[0] ? check : "cannot read sign_trust_file");
		goto cleanup;
	}
	rc = mc_api_seal_attachment(pdf, len, key.key, key.cert, key.chain, unit ? unit->name : "",
				    d.notation, mc_now(), &out, &out_len);
	if (rc == MC_EINVAL) {
		mc_reply_field_problem(
		    r, MC_PROB_UNSUPPORTED_FILE, "body", "pdf",
		    "the attachment's first page cannot be read to sign it (a PDF whose pages "
		    "are in one flat page tree and whose catalog is not in an object stream)");
		goto cleanup;
	}
	if (rc) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not sign the attachment");
		goto cleanup;
	}
	snprintf(disposition, sizeof disposition, "attachment; filename=\"phu-luc-%lld.pdf\"", id);
	mc_reply_header(r, "Content-Disposition", disposition);
	mc_reply_raw(r, 200, "application/pdf", out, out_len);
cleanup:
	free(out);
	X509_STORE_free(trust);
	mc_sign_key_clear(&key);
	mc_document_clear(&d);
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
	rc = render(mc_req_store(r), mc_req_time(r), &d, &pdf, NULL, false);
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

/* ---- GET /api/v1/documents/{id}/signatures ------------------------------ */

static const char *const revocation_names[] = {
    [MC_SIGN_REVOCATION_NOT_CHECKED] = "not-checked",
    [MC_SIGN_REVOCATION_GOOD] = "good",
    [MC_SIGN_REVOCATION_REVOKED] = "revoked",
};

json_t *mc_api_sign_results_json(const mc_sign_result *res, size_t n, const char **overall)
{
	json_t *arr = json_array();
	int worst = 0; /* 0 valid, 1 warning, 2 invalid */
	for (size_t i = 0; i < n; i++) {
		const mc_sign_result *r = &res[i];
		json_t *warnings = json_array();
		for (size_t w = 0; w < r->n_warnings; w++)
			json_array_append_new(
			    warnings, json_pack("{s:s, s:s, s:s}", "type", r->warnings[w].type, "field",
						r->warnings[w].field, "detail", r->warnings[w].detail));
		/* untrusted is said as a warning too: a reader sees one list */
		if (r->valid && !r->trusted && r->revocation != MC_SIGN_REVOCATION_REVOKED)
			json_array_append_new(warnings, json_pack("{s:s, s:s, s:s}", "type", "untrusted",
								  "field", "certificate", "detail",
								  r->problem ? r->problem : "not trusted"));
		int level = !r->valid ? 2 : json_array_size(warnings) ? 1 : 0;
		worst = level > worst ? level : worst;
		json_array_append_new(
		    arr, json_pack(
			     "{s:I, s:s, s:b, s:b, s:b, s:b, s:s?, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:o}",
			     "index", (json_int_t)i + 1, "status",
			     level == 2	  ? "invalid"
			     : level == 1 ? "warning"
					  : "valid",
			     "valid", r->valid, "trusted", r->trusted, "covers_whole_file",
			     r->covers_whole_file, "covers_revision", r->covers_revision, "signer", r->signer,
			     "signed_at", r->signed_at, "subfilter", r->subfilter, "digest_algorithm",
			     r->digest_algorithm, "revocation", revocation_names[r->revocation], "revoked_at",
			     r->revoked_at, "problem", r->problem, "warnings", warnings));
	}
	if (overall)
		*overall = n == 0 ? "none" : worst == 2 ? "invalid" : worst == 1 ? "warning" : "valid";
	return arr;
}

int mc_api_sign_checks_load(const char *trust_file, const char *crl_path, X509_STORE **trust,
			    STACK_OF(X509_CRL) * *crls, char *why, size_t cap)
{
	*trust = NULL;
	*crls = NULL;
	if (load_trust(trust_file, trust) != 0) {
		snprintf(why, cap, "cannot read the trust anchors of sign_trust_file %s", trust_file);
		return MC_EINVAL;
	}
	if (crl_path && crl_path[0] && mc_sign_load_crls(crl_path, crls) != 0) {
		X509_STORE_free(*trust);
		*trust = NULL;
		snprintf(why, cap, "cannot read the CRLs of sign_crl %s", crl_path);
		return MC_EINVAL;
	}
	return 0;
}

void mc_api_document_signatures(mc_req *r)
{
	const mc_server_config *cfg = mc_req_config(r);
	const char *s = mc_req_param(r, 0);
	char *end = NULL, why[600];
	mc_document d = {0};
	mc_document_file f = {0};
	mc_actor actor;
	unsigned char *pdf = NULL;
	X509_STORE *trust = NULL;
	STACK_OF(X509_CRL) *crls = NULL;
	mc_sign_result *res = NULL;
	size_t n = 0;
	const char *overall = "none";
	json_t *items = NULL;

	errno = 0;
	long long id = strtoll(s, &end, 10);
	if (errno || end == s || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no document has id %s", s);
		return;
	}
	int rc = mc_store_document_get(mc_req_store(r), &d, id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the document");
		return;
	}
	mc_req_actor(r, &actor);
	if (!mc_app_document_may_see(mc_req_time(r), &actor, &d)) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the document is outside your unit's scope");
		goto cleanup;
	}
	/* the file its signatures are in: its own, or the sender's for a copy */
	rc = mc_store_document_file_get(mc_req_store(r), d.id, &f);
	if (rc == MC_ENOTFOUND && d.box == MC_DOC_IN && d.source_id)
		rc = mc_store_document_file_get(mc_req_store(r), d.source_id, &f);
	if (rc == 0)
		rc = read_stored(mc_req_store(r), f.sha256, f.size, &pdf);
	if (rc != 0 && rc != MC_ENOTFOUND) {
		mc_reply_error(r, rc, "the document's file");
		goto cleanup;
	}
	/* the demo's own CA when no anchors are configured: its documents
	 * then verify as they do for a visitor who trusts it */
	const char *anchors =
	    cfg->sign_trust_file && cfg->sign_trust_file[0] ? cfg->sign_trust_file : cfg->sign_demo_ca;
	if (pdf) {
		if (mc_api_sign_checks_load(anchors, cfg->sign_crl, &trust, &crls, why, sizeof why) != 0) {
			mc_reply_problem(r, MC_PROB_INTERNAL, "%s", why);
			goto cleanup;
		}
		if (mc_sign_verify_crl(pdf, (size_t)f.size, trust, crls, &res, &n) != 0) {
			mc_reply_problem(r, MC_PROB_INTERNAL, "could not verify the document's file");
			goto cleanup;
		}
	}
	items = mc_api_sign_results_json(res, n, &overall);
	mc_reply_json(r, 200,
		      json_pack("{s:I, s:s, s:b, s:b, s:b, s:o}", "document", (json_int_t)d.id, "status",
				overall, "file", pdf != NULL, "trust_configured", anchors && anchors[0],
				"crl_configured", cfg->sign_crl && cfg->sign_crl[0], "items", items));
cleanup:
	mc_sign_results_free(res, n);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	X509_STORE_free(trust);
	free(pdf);
	mc_document_clear(&d);
}

/* ---- signing on the leader's own device ---------------------------------- */

/* The document of the path for a signature step of the caller: visible, and
 * the sign step allowed now (leader of the issuing body, approved). */
static int sign_target_or_reply(mc_req *r, mc_document *d, mc_actor *actor)
{
	const char *s = mc_req_param(r, 0);
	char *end = NULL;
	errno = 0;
	long long id = strtoll(s, &end, 10);
	if (errno || end == s || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no document has id %s", s);
		return -1;
	}
	int rc = mc_store_document_get(mc_req_store(r), d, id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the document");
		return -1;
	}
	mc_req_actor(r, actor);
	if (!mc_app_document_may_see(mc_req_time(r), actor, d)) {
		mc_document_clear(d);
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the document is outside your unit's scope");
		return -1;
	}
	rc = mc_app_document_check(mc_req_time(r), actor, d, MC_DOC_ACT_SIGN);
	if (rc) {
		mc_err e;
		mc_err_take(&e, rc);
		mc_document_clear(d);
		mc_reply_err(r, &e, "the document");
		return -1;
	}
	return 0;
}

static X509 *cert_from_pem(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	ERR_clear_error();
	return x;
}

static char *hex_of(const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *s = mc_xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = hex[p[i] >> 4];
		s[2 * i + 1] = hex[p[i] & 15];
	}
	s[2 * n] = '\0';
	return s;
}

typedef struct {
	int64_t id, user_id, version;
	mc_actor actor;
	const mc_time_ctx *tc;
	unsigned char *pdf; /* prepare: the prepared file; complete: the signed file */
	size_t pdf_len;
	char *cms_hex;
	char *cert_pem;
	unsigned char *attrs;
	size_t attrs_len;
	mc_document out;
	mc_err err;
} sign_job;

static void sign_job_free(sign_job *j)
{
	free(j->pdf);
	free(j->cms_hex);
	free(j->cert_pem);
	free(j->attrs);
	mc_document_clear(&j->out);
	j->pdf = NULL;
	j->cms_hex = j->cert_pem = NULL;
	j->attrs = NULL;
}

/* A flood of preparations from one account (each renders the document and
 * writes a file) is refused as steps on documents are (api/documents.c):
 * counted in the store; the error set. */
static int prepares_allowed(mc_store *st, int64_t user_id, int64_t now)
{
	int64_t n = 0;
	int rc;

	mc_err_clear();
	rc = mc_store_document_sign_prepares_by(st, &n, user_id, now - 3600);
	if (rc == 0)
		rc = mc_err_hourly(n, MC_LIMIT_SIGN_PREPARES_PER_HOUR, "prepared", "signatures");
	return rc;
}

static int prepare_write(mc_store *st, void *payload)
{
	sign_job *j = payload;
	int64_t now = mc_now();
	/* counted again in the write: the check before the rendering only
	 * spares it */
	int rc = prepares_allowed(st, j->user_id, now);
	if (rc == 0)
		rc = mc_store_document_sign_request_put(st, j->id, j->user_id, j->version, j->pdf, j->pdf_len,
							j->cms_hex, j->cert_pem, now);
	mc_err_take(&j->err, rc);
	return rc;
}

static void prepare_after(mc_req *r, int rc, void *payload)
{
	sign_job *j = payload;
	if (rc == 0) {
		unsigned char md[32];
		char *b64 = mc_xmalloc(4 * ((j->attrs_len + 2) / 3) + 1);
		EVP_EncodeBlock((unsigned char *)b64, j->attrs, (int)j->attrs_len);
		SHA256(j->attrs, j->attrs_len, md);
		char *digest = hex_of(md, sizeof md);
		json_t *body =
		    json_pack("{s:I, s:s, s:s, s:s, s:s}", "document", (json_int_t)j->id, "attributes", b64,
			      "digest", digest, "digest_algorithm", "sha256", "signs",
			      "the DER of attributes (SHA-256 with RSA PKCS#1 v1.5 or ECDSA)");
		free(b64);
		free(digest);
		sign_job_free(j);
		mc_reply_json(r, 200, body);
		return;
	}
	const mc_err *e = mc_err_for(&j->err, rc);
	sign_job_free(j);
	mc_reply_err(r, e, "the signature request");
}

/* sign_dir, or "" (no image beside a key then). */
static const char *cfg_dir(mc_req *r)
{
	const char *dir = mc_req_config(r)->sign_dir;
	return dir ? dir : "";
}

/* The certificate of the body, checked for the caller at now; replies 422. */
static X509 *signer_cert_or_reply(mc_req *r, const char *pem, const mc_actor *actor)
{
	const mc_server_config *cfg = mc_req_config(r);
	X509_STORE *trust = NULL;
	char why[512];
	X509 *cert = cert_from_pem(pem);
	if (!cert) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "certificate", "format",
				       "certificate must be one X.509 certificate in PEM");
		return NULL;
	}
	if (load_trust(cfg->sign_trust_file, &trust) != 0) {
		X509_free(cert);
		mc_reply_problem(r, MC_PROB_SIGNING_KEY,
				 "cannot read the trust anchors of sign_trust_file %s", cfg->sign_trust_file);
		return NULL;
	}
	int rc = mc_sign_cert_check(cert, NULL, actor->name, time(NULL), trust, why, sizeof why);
	X509_STORE_free(trust);
	if (rc) {
		X509_free(cert);
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "certificate", "signer", "%s", why);
		return NULL;
	}
	return cert;
}

/* The reply to approved_pdf's or unsignable's rc: an approved PDF that
 * cannot be signed names the version (file_version, as the approval does). */
static void approved_reply(mc_req *r, int rc)
{
	mc_err e;
	mc_err_take(&e, rc);
	if (e.reason == MC_REASON_INVALID_FIELD)
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "file_version", "signable", "%s", e.msg);
	else
		mc_reply_err(r, &e, "the approved version");
}

void mc_api_document_signature_prepare(mc_req *r)
{
	/* the request owns it once queued: a reply before frees the request */
	sign_job *j = mc_xcalloc(1, sizeof *j);
	const char *pem = NULL;
	mc_document d = {0};
	X509 *cert = NULL;
	unsigned char *cms = NULL;
	size_t cms_len = 0;
	mc_buf pdf;
	picture look = {0};
	mc_document_version v = {0};
	unsigned char *upload = NULL;
	mc_doc_sign_box box;
	mc_sign_look seal_look;
	int64_t now = mc_now();
	int rc;
	mc_field spec[] = {{"certificate", MC_F_TEXT, true, 1, 16384, &pem, 0}};
	mc_buf_init(&pdf, MC_DOC_PDF_MAX);
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		goto cleanup;
	if (sign_target_or_reply(r, &d, &j->actor) != 0)
		goto cleanup;
	if (!(cert = signer_cert_or_reply(r, pem, &j->actor)))
		goto cleanup;
	rc = prepares_allowed(mc_req_store(r), j->actor.user_id, now);
	if (rc) {
		mc_err e;
		mc_err_take(&e, rc);
		mc_reply_err(r, &e, "the signature request");
		goto cleanup;
	}
	/* What the leader signs is what will be issued (§3b): the approved
	 * version when it is a PDF, with the signature visible on its last
	 * page; else the rendering, before issue without number or date, the
	 * signature between position and name. */
	rc = approved_pdf(mc_req_store(r), &d, &v, &upload, &box);
	if (rc) {
		approved_reply(r, rc);
		goto cleanup;
	}
	if (!upload && render(mc_req_store(r), mc_req_time(r), &d, &pdf, &box, true) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not prepare the document for signing");
		goto cleanup;
	}
	place(&box, &look.look, &seal_look);
	picture_signer(&look, cfg_dir(r), "", j->actor.name, now);
	rc = !look.rgba ? MC_ERROR
	     : upload	? mc_sign_prepare(upload, (size_t)v.size, cert, (time_t)now, &look.look, &j->pdf,
					  &j->pdf_len, &cms, &cms_len, &j->attrs, &j->attrs_len)
			: mc_sign_prepare((unsigned char *)pdf.data, pdf.len, cert, (time_t)now, &look.look,
					  &j->pdf, &j->pdf_len, &cms, &cms_len, &j->attrs, &j->attrs_len);
	if (rc == MC_EINVAL && upload) {
		approved_reply(r, unsignable(&v));
		goto cleanup;
	}
	if (rc) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not prepare the document for signing");
		goto cleanup;
	}
	j->id = d.id;
	j->version = d.version;
	j->user_id = j->actor.user_id;
	j->cms_hex = hex_of(cms, cms_len);
	j->cert_pem = mc_xstrdup(pem);
	mc_req_write(r, prepare_write, prepare_after, mc_req_own(r, j));
	j = NULL;
cleanup:
	if (j) {
		sign_job_free(j);
		free(j);
	}
	free(look.rgba);
	free(upload);
	mc_document_version_clear(&v);
	OPENSSL_free(cms);
	X509_free(cert);
	mc_buf_free(&pdf);
	mc_document_clear(&d);
}

static int complete_write(mc_store *st, void *payload)
{
	sign_job *j = payload;
	mc_document_clear(&j->out);
	int rc = mc_app_document_sign(st, j->tc, &j->actor, j->id, j->version, j->pdf, j->pdf_len, mc_now(),
				      &j->out);
	mc_err_take(&j->err, rc);
	return rc;
}

static void complete_after(mc_req *r, int rc, void *payload)
{
	sign_job *j = payload;
	mc_document out = j->out;
	j->out = (mc_document){0};
	if (rc == 0) {
		sign_job_free(j);
		mc_api_document_reply(r, 200, &out);
	} else {
		const mc_err *e = mc_err_for(&j->err, rc);
		mc_err copy = *e;
		sign_job_free(j);
		mc_reply_err(r, &copy, "the document");
	}
	mc_document_clear(&out);
}

static int unhex(const char *s, unsigned char **out, size_t *n)
{
	size_t len = strlen(s);
	if (len % 2)
		return MC_EINVAL;
	*out = mc_xmalloc(len / 2 + 1);
	for (size_t i = 0; i < len / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1) {
			free(*out);
			*out = NULL;
			return MC_EINVAL;
		}
		(*out)[i] = (unsigned char)v;
	}
	*n = len / 2;
	return 0;
}

void mc_api_document_signature_complete(mc_req *r)
{
	/* the request owns it once queued: a reply before frees the request */
	sign_job *j = mc_xcalloc(1, sizeof *j);
	const char *pem = NULL, *sig64 = NULL;
	mc_document d = {0};
	mc_document_sign_request q = {0};
	mc_document_version v = {0};
	mc_doc_sign_box box;
	X509 *cert = NULL;
	unsigned char *cms = NULL, *sig = NULL, *upload = NULL;
	size_t cms_len = 0;
	mc_sign_result *res = NULL;
	size_t n_res = 0;
	char why[256];
	mc_field spec[] = {{"signature", MC_F_STRING, true, 4, 2048, &sig64, 0},
			   {"certificate", MC_F_TEXT, true, 1, 16384, &pem, 0}};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		goto cleanup;
	if (sign_target_or_reply(r, &d, &j->actor) != 0)
		goto cleanup;
	int rc = mc_store_document_sign_request_get(mc_req_store(r), d.id, &q);
	if (rc == MC_ENOTFOUND || (rc == 0 && q.user_id != j->actor.user_id)) {
		mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION,
				 "no signature of yours was prepared for this document: prepare it first");
		goto cleanup;
	}
	if (rc) {
		mc_reply_error(r, rc, "the signature request");
		goto cleanup;
	}
	if (q.version != d.version) {
		/* returned and edited since, say: what was prepared is not this text */
		mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION,
				 "the document changed since its signature was prepared: prepare it again");
		goto cleanup;
	}
	if (!(cert = signer_cert_or_reply(r, pem, &j->actor)))
		goto cleanup;
	size_t b64_len = strlen(sig64);
	sig = mc_xmalloc(b64_len);
	int sig_len = EVP_DecodeBlock(sig, (const unsigned char *)sig64, (int)b64_len);
	if (sig_len <= 0 || b64_len % 4) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "signature", "format",
				       "signature must be the signature value in base64");
		goto cleanup;
	}
	sig_len -= b64_len >= 2 && sig64[b64_len - 1] == '=' ? (sig64[b64_len - 2] == '=' ? 2 : 1) : 0;
	if (unhex(q.cms, &cms, &cms_len) != 0 ||
	    read_stored(mc_req_store(r), q.sha256, q.size, &j->pdf) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not read the prepared document");
		goto cleanup;
	}
	j->pdf_len = (size_t)q.size;
	/* what was prepared must still be the approved version: the document's
	 * version above already changes with a return, a new upload and an
	 * approval; this holds it to the file itself */
	rc = approved_pdf(mc_req_store(r), &d, &v, &upload, &box);
	if (rc == 0 && upload &&
	    !(j->pdf_len > (size_t)v.size && memcmp(j->pdf, upload, (size_t)v.size) == 0)) {
		mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION,
				 "the signature was prepared over another file than the approved version %d: "
				 "prepare it again",
				 v.number);
		goto cleanup;
	}
	if (rc) {
		approved_reply(r, rc);
		goto cleanup;
	}
	if (mc_sign_complete(j->pdf, j->pdf_len, cms, cms_len, sig, (size_t)sig_len, cert, why, sizeof why) !=
	    0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "signature", "verify", "%s", why);
		goto cleanup;
	}
	/* read back as any verifier would: the device's signature is the last
	 * (an uploaded PDF may carry signatures of its own before it) */
	if (mc_sign_verify(j->pdf, j->pdf_len, NULL, &res, &n_res) != 0 || n_res < 1 ||
	    !res[n_res - 1].valid || !res[n_res - 1].covers_whole_file) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "signature", "verify",
				       "the signed file does not verify");
		goto cleanup;
	}
	j->id = d.id;
	j->version = d.version;
	j->tc = mc_req_time(r);
	mc_req_write(r, complete_write, complete_after, mc_req_own(r, j));
	j = NULL;
cleanup:
	if (j) {
		sign_job_free(j);
		free(j);
	}
	mc_sign_results_free(res, n_res);
	free(sig);
	free(cms);
	free(upload);
	mc_document_version_clear(&v);
	X509_free(cert);
	mc_document_sign_request_clear(&q);
	mc_document_clear(&d);
}
