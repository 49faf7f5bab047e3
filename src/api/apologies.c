/*
 * /api/v1/dossiers/{code}/apologies and /api/v1/public/apologies - apologies
 * for late dossiers (QĐ 876/2017 on public apologies; form 04): prepared by an
 * officer, issued by a leader (the due time moves, the applicant is told), and
 * published in the public apology register. Rules in app/apology.h.
 */
#include "api/api.h"

#include "app/apology.h"
#include "core/limits.h"
#include "core/buf.h"
#include "render/form.h"
#include "sign/keys.h"
#include "sign/pades.h"
#include "store/store_document.h"
#include "store/store_document_file.h"
#include "core/text.h"

#include <cairo.h>
#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

/* The outgoing document an issued apology was registered as (docs/forms.md,
 * form 04): its id and number, or null. New reference. */
static json_t *document_ref(mc_store *st, const mc_apology *a)
{
	mc_document doc = {0};
	if (!a->document_id || mc_store_document_get(st, &doc, a->document_id) != 0)
		return json_null();
	json_t *o = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)doc.id, "number",
			      doc.notation ? doc.notation : "", "register", (json_int_t)doc.register_id);
	mc_document_clear(&doc);
	return o;
}

/* An apology as officers see it. New reference. */
static json_t *apology_json(mc_store *st, const mc_time_ctx *tc, const mc_apology *a,
			    const char *dossier_code)
{
	json_t *o =
	    json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:s?, s:o, s:s?, s:o}", "id", (json_int_t)a->id,
		      "dossier", dossier_code, "state", a->issued_at ? "issued" : "prepared", "unit",
		      mc_api_unit_ref(tc, a->unit_id), "reason", a->reason, "old_due",
		      mc_api_time(a->old_due), "new_due", mc_api_time(a->new_due), "prepared_by",
		      a->prepared_by_name && a->prepared_by_name[0] ? a->prepared_by_name : NULL,
		      "prepared_at", mc_api_time(a->prepared_at), "issued_by",
		      a->issued_by_name && a->issued_by_name[0] ? a->issued_by_name : NULL, "issued_at",
		      mc_api_time(a->issued_at));
	/* Made less than a working day before the due time it replaces
	 * (NĐ 61/2018 art. 19; docs/forms.md): kept, and said to be late. */
	json_object_set_new(o, "late", json_boolean(mc_app_apology_late(tc, a)));
	json_object_set_new(o, "signed_as",
			    a->signed_as && a->signed_as[0] ? json_string(a->signed_as) : json_null());
	json_object_set_new(o, "document", document_ref(st, a));
	return o;
}

/* Loads the dossier of the path; replies 404 when unknown. */
static int dossier_or_reply(mc_req *r, mc_dossier *d)
{
	int rc = mc_store_dossier_get(mc_req_store(r), d, mc_req_param(r, 0), false);
	if (rc != 0) {
		mc_reply_error(r, rc, "the dossier");
		return -1;
	}
	return 0;
}

/* "YYYY-MM-DDTHH:MM", local time, into UTC seconds. */
static int parse_minute(int64_t *out, const char *s)
{
	if (strlen(s) != 16 || s[10] != 'T' || mc_time_parse(out, s) != 0)
		return MC_EINVAL;
	return 0;
}

/* Replies with the refusal an app-layer check returned (rc), when it did. */
static int refused_or_reply(mc_req *r, int rc)
{
	mc_err e;
	if (rc == 0)
		return 0;
	mc_err_take(&e, rc);
	mc_reply_err(r, &e, "the apology");
	return -1;
}

typedef struct {
	mc_actor actor;
	const mc_time_ctx *tc;
	const char *code;
	const char *reason;
	int64_t new_due;
	int64_t id;
	const char *public_url;
	const char *signed_as;
	mc_apology out;
	mc_dossier dossier;
	mc_sign_key *seal; /* issue: the organisation's seal, when the unit's register and a key exist */
	mc_err err;	   /* why the write failed (core/err.h) */
} apology_job;

static int prepare_write(mc_store *st, void *payload)
{
	apology_job *j = payload;
	/* A job may run again (group.h): from nothing. */
	mc_apology_clear(&j->out);
	int rc =
	    mc_app_apology_prepare(st, j->tc, &j->actor, j->code, j->reason, j->new_due, mc_now(), &j->out);
	mc_err_take(&j->err, rc);
	return rc;
}

/* A failure of the write: the checks before it passed, so the dossier
 * changed in between (its state, its unit, its due time); the app layer
 * says how. */
static void prepare_after(mc_req *r, int rc, void *payload)
{
	apology_job *j = payload;
	if (rc != 0) {
		mc_apology_clear(&j->out);
		mc_reply_err(r, mc_err_for(&j->err, rc), "preparing the apology");
		return;
	}
	char location[160];
	snprintf(location, sizeof location, "/api/v1/dossiers/%s/apologies/%lld", j->code,
		 (long long)j->out.id);
	mc_reply_header(r, "Location", location);
	json_t *body = apology_json(mc_req_store(r), j->tc, &j->out, j->code);
	mc_apology_clear(&j->out);
	mc_reply_json(r, 201, body);
}

void mc_api_apology_create(mc_req *r)
{
	apology_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	const char *new_due = NULL;
	mc_field spec[] = {
	    {"reason", MC_F_TEXT, true, 1, MC_LIMIT_APOLOGY_REASON, &j->reason, 0},
	    {"new_due", MC_F_STRING, false, 16, 16, &new_due, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (new_due && parse_minute(&j->new_due, new_due) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "new_due must be a local time YYYY-MM-DDTHH:MM");
		return;
	}
	mc_dossier d = {0};
	if (dossier_or_reply(r, &d) != 0)
		return;
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	/* The write checks the same again, on the dossier as it is then. */
	int rc = mc_app_apology_check_prepare(j->tc, &j->actor, &d, j->new_due, mc_now());
	mc_dossier_clear(&d);
	if (refused_or_reply(r, rc) != 0)
		return;
	j->code = mc_req_param(r, 0);
	mc_req_write(r, prepare_write, prepare_after, j);
}

void mc_api_apologies_list(mc_req *r)
{
	mc_dossier d = {0};
	mc_apology *list = NULL;
	size_t n = 0;
	if (dossier_or_reply(r, &d) != 0)
		return;
	bool visible = mc_api_may_see(r, &d);
	if (!visible) {
		mc_dossier_clear(&d);
		if (mc_req_user(r)->role == MC_ROLE_CITIZEN)
			mc_reply_problem(r, MC_PROB_NOT_FOUND, "the dossier not found");
		else
			mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the dossier is outside your unit's scope");
		return;
	}
	int rc = mc_store_apology_list(mc_req_store(r), &list, &n, d.id);
	if (rc != 0) {
		mc_dossier_clear(&d);
		mc_reply_error(r, rc, "the apologies");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, apology_json(mc_req_store(r), mc_req_time(r), &list[i], d.code));
	mc_apology_free_list(list, n);
	/* The new appointment the rules propose now (the default of a prepare
	 * without new_due), while the dossier may be apologised for. */
	json_t *proposed = json_null();
	if (mc_app_apology_state_ok(&d))
		proposed = mc_api_time(mc_app_apology_default_due(mc_req_time(r), &d, mc_now()));
	mc_dossier_clear(&d);
	mc_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "proposed_new_due", proposed));
}

/* Queues the applicant's message in the transaction of the event. */
static int notify_apology(mc_store *st, apology_job *j)
{
	mc_procedure p;
	const char *proc = NULL;
	if (mc_store_procedure_get_id(st, &p, j->dossier.procedure_id, false) == 0)
		proc = p.name;
	const mc_unit *u = mc_time_ctx_unit(j->tc, j->out.unit_id);
	int rc = mc_notify_dossier(st, &j->dossier, "apology", proc, u ? u->name : NULL, j->public_url,
				   j->out.issued_at);
	mc_procedure_clear(&p);
	return rc;
}

/* The seal's picture, PX_PER_MM pixels a millimetre. */
#define PX_PER_MM 6.0
#define SEAL_MM 32.0

/* The seal's picture for form 04 (NĐ 30/2020 Phụ lục I: red, over the left
 * third of the signature): a round seal with the body's name and a star,
 * and the time of signing under it, as RGBA not premultiplied (w × h
 * pixels; free with free()). */
static unsigned char *seal_picture(const char *organ, int64_t at, int *w_out, int *h_out)
{
	int w = (int)(SEAL_MM * PX_PER_MM), h = w;
	double k = PX_PER_MM / MC_FORM_MM, pw = SEAL_MM * MC_FORM_MM, d = pw * 0.8, cx = pw / 2,
	       cy = d / 2 + 1;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	cairo_t *cr = cairo_create(s);
	char when[48], *m;
	int y, mo, day;
	int64_t local = at + MC_TZ_OFFSET;

	cairo_scale(cr, k, k);
	cairo_set_source_rgba(cr, 0.85, 0.05, 0.05, 0.85);
	cairo_set_line_width(cr, 1.6);
	cairo_arc(cr, cx, cy, d / 2 - 1, 0, 2 * G_PI);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.6);
	cairo_arc(cr, cx, cy, d / 2 - 3.5, 0, 2 * G_PI);
	cairo_stroke(cr);
	m = g_markup_printf_escaped("<b>%s</b>", organ ? organ : "");
	mc_form_draw_text(cr, cx - d * 0.36, cy - d * 0.3, d * 0.72, m, 5.5, MC_FORM_CENTER, true);
	g_free(m);
	mc_form_draw_text(cr, cx - d * 0.36, cy + d * 0.15, d * 0.72, "<b>★</b>", 8, MC_FORM_CENTER, true);
	mc_civil_from_days((int32_t)(local / 86400), &y, &mo, &day);
	snprintf(when, sizeof when, "%02d:%02d:%02d +07:00 %02d/%02d/%04d", (int)(local % 86400 / 3600),
		 (int)(local % 3600 / 60), (int)(local % 60), day, mo, y);
	mc_form_draw_text(cr, 0, d + 1.5, pw, when, 6, MC_FORM_CENTER, true);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	const unsigned char *src = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	unsigned char *out = mc_xmalloc((size_t)w * (size_t)h * 4);
	for (int r = 0; r < h; r++) {
		const uint32_t *row = (const uint32_t *)(src + (size_t)r * (size_t)stride);
		for (int c = 0; c < w; c++) {
			uint32_t v = row[c];
			unsigned a = v >> 24, red = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
			unsigned char *o = out + 4 * ((size_t)r * (size_t)w + (size_t)c);
			o[0] = (unsigned char)(a ? red * 255 / a : 0);
			o[1] = (unsigned char)(a ? g * 255 / a : 0);
			o[2] = (unsigned char)(a ? b * 255 / a : 0);
			o[3] = (unsigned char)a;
		}
	}
	cairo_surface_destroy(s);
	*w_out = w;
	*h_out = h;
	return out;
}

/*
 * Form 04 of the issued apology, rendered with its number and the signer's
 * block and signed with the organisation's seal (PAdES, sign/pades.h), kept
 * as the file of the document it was issued as (GET
 * /api/v1/documents/{id}/file). In the write that issues it: a signature
 * that fails issues nothing.
 */
static int seal_form(mc_store *st, apology_job *j)
{
	mc_buf pdf;
	unsigned char *signed_pdf = NULL;
	size_t signed_len = 0;
	mc_form_box box = {0};
	mc_sign_look look = {0};
	unsigned char *rgba = NULL;
	mc_buf_init(&pdf, MC_FORM_PDF_MAX);
	int rc = mc_api_apology_form_pdf(st, j->tc, &j->dossier, &j->out, &pdf, &box);
	if (rc) {
		rc = mc_err_set(MC_ERROR, MC_REASON_NONE, "could not render form 04");
		goto cleanup;
	}
	/* The seal over the left part of the signer's block, between the
	 * title and the name (the leader signs on paper, or not at all). */
	const mc_unit *u = mc_time_ctx_unit(j->tc, j->out.unit_id);
	rgba = seal_picture(u ? u->name : "", j->out.issued_at, &look.px_w, &look.px_h);
	look.rgba = rgba;
	look.page = box.page;
	look.w = look.h = SEAL_MM * MC_FORM_MM;
	look.x = box.x + box.w / 2 - look.w * 0.8;
	look.y = box.page_h - (box.y + box.h / 2) - look.h / 2;
	rc = mc_sign_pdf_look((const unsigned char *)pdf.data, pdf.len, j->seal->key, j->seal->cert,
			      j->seal->chain, (time_t)j->out.issued_at, &look, &signed_pdf, &signed_len);
	if (rc) {
		rc = mc_err_set(MC_ERROR, MC_REASON_NONE, "could not sign form 04");
		goto cleanup;
	}
	rc = mc_store_document_file_put(st, j->out.document_id, signed_pdf, signed_len, 1, j->out.issued_at);
cleanup:
	free(rgba);
	free(signed_pdf);
	mc_buf_free(&pdf);
	return rc;
}

static int issue_write(mc_store *st, void *payload)
{
	apology_job *j = payload;
	/* A job may run again (group.h): from nothing. */
	mc_dossier_clear(&j->dossier);
	mc_apology_clear(&j->out);
	int rc = mc_app_apology_issue(st, j->tc, &j->actor, j->code, j->id, j->signed_as, mc_now(),
				      &j->dossier, &j->out);
	if (rc == 0)
		rc = notify_apology(st, j);
	if (rc == 0 && j->out.document_id && j->seal)
		rc = seal_form(st, j);
	mc_err_take(&j->err, rc);
	return rc;
}

static void issue_after(mc_req *r, int rc, void *payload)
{
	apology_job *j = payload;
	mc_dossier d = j->dossier;
	j->dossier = (mc_dossier){0};
	mc_sign_key_clear(j->seal);
	free(j->seal);
	j->seal = NULL;
	if (rc != 0) {
		mc_dossier_clear(&d);
		mc_apology_clear(&j->out);
		mc_reply_err(r, mc_err_for(&j->err, rc), "issuing the apology");
		return;
	}
	char etag[32];
	snprintf(etag, sizeof etag, "\"%lld\"", (long long)d.version);
	mc_reply_header(r, "ETag", etag);
	json_t *body = apology_json(mc_req_store(r), j->tc, &j->out, j->code);
	mc_apology_clear(&j->out);
	json_object_set_new(body, "dossier", mc_api_dossier_json(r, &d, false, NULL, 0));
	mc_dossier_clear(&d);
	mc_reply_json(r, 200, body);
}

/*
 * The seal form 04 of an apology of unit_id is signed with, into *out (NULL
 * when none): when signing is configured (sign_dir), the unit has an
 * outgoing register (the apology becomes a document) and the directory
 * holds the unit's seal ("seal-<unit code>") or the deployment's ("seal"),
 * as for the documents' issue (docs/documents.md §3a). A seal that is there
 * but cannot be used is 503 signing-key, and nothing is issued.
 */
static int seal_or_reply(mc_req *r, int64_t unit_id, mc_sign_key **out)
{
	const mc_server_config *cfg = mc_req_config(r);
	const mc_unit *unit = mc_time_ctx_unit(mc_req_time(r), unit_id);
	mc_doc_register g = {0};
	mc_sign_key *k = NULL;
	X509_STORE *trust = NULL;
	char name[96], why[512];
	int ret = -1;

	*out = NULL;
	if (!cfg->sign_dir || !cfg->sign_dir[0] || !unit)
		return 0;
	int rc = mc_store_doc_register_of(mc_req_store(r), &g, unit_id, MC_DOC_OUT);
	mc_doc_register_clear(&g);
	if (rc == MC_ENOTFOUND)
		return 0;
	if (rc) {
		mc_reply_error(r, rc, "the unit's outgoing register");
		return -1;
	}
	k = mc_xcalloc(1, sizeof *k);
	snprintf(name, sizeof name, "seal-%s", unit->code);
	rc = mc_sign_key_load(k, cfg->sign_dir, name, why, sizeof why);
	if (rc == MC_ENOTFOUND) {
		snprintf(name, sizeof name, "seal");
		rc = mc_sign_key_load(k, cfg->sign_dir, name, why, sizeof why);
	}
	if (rc == MC_ENOTFOUND) {
		/* No seal for the unit: issued unsigned, as without sign_dir. */
		ret = 0;
		goto cleanup;
	}
	if (rc) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the organisation's seal (%s): %s", name, why);
		goto cleanup;
	}
	if (cfg->sign_trust_file && cfg->sign_trust_file[0] &&
	    mc_sign_load_trust(cfg->sign_trust_file, &trust) != 0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY,
				 "cannot read the trust anchors of sign_trust_file %s", cfg->sign_trust_file);
		goto cleanup;
	}
	if (mc_sign_cert_check(k->cert, k->chain, NULL, time(NULL), trust, why, sizeof why) != 0) {
		mc_reply_problem(r, MC_PROB_SIGNING_KEY, "the organisation's seal (%s): %s", name, why);
		goto cleanup;
	}
	*out = k;
	k = NULL;
	ret = 0;
cleanup:
	X509_STORE_free(trust);
	if (k) {
		mc_sign_key_clear(k);
		free(k);
	}
	return ret;
}

void mc_api_apology_issue(mc_req *r)
{
	apology_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	const char *id = mc_req_param(r, 1);
	char *end = NULL;
	errno = 0;
	long long v = strtoll(id, &end, 10);
	if (errno || end == id || *end || v <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no apology has id %s", id);
		return;
	}
	j->id = v;
	/* How the leader signs: the head, or a deputy for the head (the
	 * default, as KT. CHỦ TỊCH / PHÓ CHỦ TỊCH). */
	j->signed_as = "deputy";
	json_t *req_body = mc_req_body(r);
	if (req_body) {
		mc_field spec[] = {{"signed_as", MC_F_STRING, false, 4, 6, &j->signed_as, 0}};
		if (mc_fields_or_reply(r, req_body, NULL, spec, MC_ARRAY_LEN(spec)) != 0)
			return;
		if (!mc_app_apology_signing_ok(j->signed_as)) {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "signed_as", "enum",
					       "signed_as must be head or deputy");
			return;
		}
	}
	mc_dossier d = {0};
	if (dossier_or_reply(r, &d) != 0)
		return;
	mc_apology a = {0};
	int rc = mc_store_apology_get(mc_req_store(r), &a, d.id, j->id);
	if (rc != 0) {
		mc_dossier_clear(&d);
		mc_reply_error(r, rc, "the apology");
		return;
	}
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	rc = mc_app_apology_check_issue(j->tc, &j->actor, &d, &a, mc_now());
	int64_t unit_id = a.unit_id;
	mc_apology_clear(&a);
	mc_dossier_clear(&d);
	if (refused_or_reply(r, rc) != 0)
		return;
	/* The seal is opened before the write is queued (a key that cannot
	 * sign refuses the issue); the write signs with it. */
	if (seal_or_reply(r, unit_id, &j->seal) != 0)
		return;
	j->code = mc_req_param(r, 0);
	j->public_url = mc_req_public_url(r);
	mc_req_write(r, issue_write, issue_after, j);
}

/* ---- the public register ------------------------------------------------ */

/* A local date "YYYY-MM-DD" into its day number. */
static int parse_day(int32_t *out, const char *s)
{
	int64_t t = 0;
	if (strlen(s) != 10 || mc_time_parse(&t, s) != 0)
		return MC_EINVAL;
	*out = (int32_t)((t + MC_TZ_OFFSET) / DAY);
	return 0;
}

static json_t *day_json(int32_t day)
{
	int y, m, d;
	char buf[16];
	mc_civil_from_days(day, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	return json_string(buf);
}

/* The unit of ?unit= (default: the root), for the public registers. */
static int public_unit_or_reply(mc_req *r, const mc_unit **out)
{
	const char *code = mc_req_query(r, "unit");
	const mc_time_ctx *tc = mc_req_time(r);
	if (!code) {
		*out = mc_time_ctx_root(tc);
		if (!*out) {
			mc_reply_problem(r, MC_PROB_NOT_FOUND, "there are no units yet");
			return -1;
		}
		return 0;
	}
	mc_unit u;
	int rc = mc_store_unit_by_code(mc_req_store(r), &u, code);
	int64_t id = u.id;
	mc_unit_clear(&u);
	if (rc == MC_ENOTFOUND) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "no unit has code %s", code);
		return -1;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the unit");
		return -1;
	}
	*out = mc_time_ctx_unit(tc, id);
	if (!*out) {
		mc_reply_error(r, MC_EBUSY, "the unit");
		return -1;
	}
	return 0;
}

void mc_api_public_apologies(mc_req *r)
{
	const mc_unit *unit = NULL;
	const char *from = mc_req_query(r, "from");
	const char *to = mc_req_query(r, "to");
	int64_t limit = 50, offset = 0;
	int32_t from_day, to_day, today = (int32_t)((mc_now() + MC_TZ_OFFSET) / DAY);
	int y;

	if (public_unit_or_reply(r, &unit) != 0)
		return;
	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 200) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 10000000) != 0)
		return;
	/* Default: this year up to and including today. */
	mc_civil_from_days(today, &y, NULL, NULL);
	from_day = mc_days_from_civil(y, 1, 1);
	to_day = today + 1;
	if (from && parse_day(&from_day, from) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "from must be a date YYYY-MM-DD");
		return;
	}
	if (to && parse_day(&to_day, to) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "to must be a date YYYY-MM-DD");
		return;
	}
	if (from_day >= to_day) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY,
				 "from must be before to (the period is [from, to))");
		return;
	}
	if (to_day - from_day > 5 * 366) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "the period may cover at most 5 years");
		return;
	}
	mc_apology_entry *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = mc_store_apology_register(mc_req_store(r), &list, &n, &total, unit->id,
					   (int64_t)from_day * DAY - MC_TZ_OFFSET,
					   (int64_t)to_day * DAY - MC_TZ_OFFSET, (int)limit, (int)offset);
	if (rc != 0) {
		mc_reply_error(r, rc, "the apology register");
		return;
	}
	const mc_time_ctx *tc = mc_req_time(r);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const mc_apology_entry *x = &list[i];
		char *masked = NULL;
		/* As in the public lookup: the applicant's name masked, nothing else of them. */
		mc_text_mask_name(&masked, x->applicant_name);
		json_array_append_new(items, json_pack("{s:s, s:s?, s:o, s:{s:s, s:s}, s:o, s:o, s:s, s:o}",
						       "code", x->dossier_code, "applicant_name", masked,
						       "unit", mc_api_unit_ref(tc, x->a.unit_id), "procedure",
						       "code", x->procedure_code, "name", x->procedure_name,
						       "old_due", mc_api_time(x->a.old_due), "new_due",
						       mc_api_time(x->a.new_due), "reason", x->a.reason,
						       "issued_at", mc_api_time(x->a.issued_at)));
		free(masked);
	}
	mc_apology_entry_free_list(list, n);
	mc_reply_header(r, "Cache-Control", "public, max-age=60");
	mc_reply_json(r, 200,
		      json_pack("{s:{s:s, s:s}, s:o, s:o, s:I, s:I, s:I, s:o}", "unit", "code", unit->code,
				"name", unit->name, "from", day_json(from_day), "to", day_json(to_day),
				"total", (json_int_t)total, "limit", (json_int_t)limit, "offset",
				(json_int_t)offset, "items", items));
}
