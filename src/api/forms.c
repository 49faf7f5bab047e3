/* /api/v1/dossiers/{code}/forms/{form} and /api/v1/forms/register - the
 * paperwork of the one-stop office as PDF (render/form.h). */
#include "api/api.h"

#include "render/form.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

static const char DESK[] = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ";
/* The lookup link on a receipt: public_url (at most 511 bytes) and the path. */
#define LINK_MAX 2048

/* How a hand-over on form 05 stands against the due time. */
static const char *const finish_vi[] = {
    [MC_FINISH_EARLY] = "Trước hạn",
    [MC_FINISH_ON_TIME] = "Đúng hạn",
    [MC_FINISH_LATE] = "Trễ hạn",
};

/* The place name of a unit for the date line: "UBND huyện Quảng Xương" →
 * "Quảng Xương"; units that are not People's Committees (departments) date
 * their papers from the province. */
const char *mc_api_unit_place(const mc_time_ctx *tc, const mc_unit *u)
{
	static const char *const kinds[] = {"tỉnh ",   "thành phố ", "thị xã ", "huyện ", "xã ",
					    "phường ", "thị trấn ",  "TP ",	"TX "};
	for (int depth = 0; u && depth < 8; depth++) {
		if (strncmp(u->name, "UBND ", 5) == 0) {
			const char *rest = u->name + 5;
			for (size_t i = 0; i < MC_ARRAY_LEN(kinds); i++) {
				size_t n = strlen(kinds[i]);
				if (strncasecmp(rest, kinds[i], n) == 0)
					return rest + n;
			}
			return rest;
		}
		u = u->parent_id ? mc_time_ctx_unit(tc, u->parent_id) : NULL;
	}
	return "";
}

/* The unit's name and its parent's, upper case as a letterhead writes them; caller frees. */
static char *upper(const char *s)
{
	return s ? g_utf8_strup(s, -1) : NULL;
}

static int form_number(mc_req *r, int *out)
{
	const char *s = mc_req_param(r, 1);
	if (strlen(s) == 2 && s[0] == '0' && s[1] >= '1' && s[1] <= '5') {
		*out = s[1] - '0';
		return 0;
	}
	mc_reply_problem(r, MC_PROB_NOT_FOUND, "forms 01 to 05 exist for a dossier; 06 is the register");
	return -1;
}

/* The latest event with this action, or NULL. */
static const mc_event *last_event(const mc_event *ev, size_t n, const char *action)
{
	for (size_t i = n; i-- > 0;) {
		if (strcmp(ev[i].action, action) == 0)
			return &ev[i];
	}
	return NULL;
}

/* d: the dossier whose personal data the form shows (its read is logged,
 * api/personal.c), or NULL. */
static void reply_pdf(mc_req *r, const mc_form *f, const char *name, const mc_dossier *d)
{
	mc_buf pdf;
	mc_buf_init(&pdf, MC_FORM_PDF_MAX);
	int rc = mc_form_pdf(&pdf, f);
	if (rc == MC_ETOOBIG) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "the form would be larger than %zu MiB",
				 MC_FORM_PDF_MAX / (1024 * 1024));
	} else if (rc != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not render the form");
	} else {
		char disposition[160];
		snprintf(disposition, sizeof disposition, "inline; filename=\"%s.pdf\"", name);
		mc_reply_header(r, "Content-Disposition", disposition);
		if (d)
			mc_api_log_read(r, d, 0, d->id ? "form" : "register");
		mc_reply_raw(r, 200, "application/pdf", pdf.data, pdf.len);
	}
	mc_buf_free(&pdf);
}

void mc_api_dossier_form(mc_req *r)
{
	int number;
	if (form_number(r, &number) != 0)
		return;
	mc_store *st = mc_req_store(r);
	const mc_time_ctx *tc = mc_req_time(r);
	mc_dossier d = {0};
	mc_event *ev = NULL;
	size_t n_ev = 0;
	mc_form_doc *docs = NULL;
	mc_form_step *steps = NULL;
	mc_apology *apologies = NULL;
	size_t n_apologies = 0;
	char *unit_upper = NULL, *parent_upper = NULL;
	mc_buf url;
	mc_buf_init(&url, LINK_MAX);
	mc_procedure p = {0};
	int rc = mc_store_dossier_get(st, &d, mc_req_param(r, 0), true);
	if (rc != 0) {
		mc_reply_error(r, rc, "the dossier");
		return;
	}
	if (!mc_api_may_see(r, &d)) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "the dossier not found");
		goto cleanup;
	}
	rc = mc_store_event_list(st, &ev, &n_ev, d.id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the dossier's history");
		goto cleanup;
	}
	/* Without its procedure (NULL name) the form shows dots. */
	mc_store_procedure_get_id(st, &p, d.procedure_id, false);
	const mc_unit *unit = mc_time_ctx_unit(tc, d.receiving_unit_id);
	/* Received at another centre (Nghị định 118/2025/NĐ-CP): that centre
	 * issued the receipt, which names the competent unit. */
	const mc_unit *competent = NULL;
	if (number == MC_FORM_RECEIPT && d.reception_unit_id && mc_time_ctx_unit(tc, d.reception_unit_id)) {
		competent = unit;
		unit = mc_time_ctx_unit(tc, d.reception_unit_id);
	}
	const mc_unit *parent = unit && unit->parent_id ? mc_time_ctx_unit(tc, unit->parent_id) : NULL;
	unit_upper = upper(unit ? unit->name : NULL);
	parent_upper = upper(parent ? parent->name : NULL);
	/* public_url has at most 511 bytes: the link always fits. */
	if (mc_buf_addf(&url, "%s/tra-cuu/%s", mc_req_public_url(r), d.code) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "the lookup link would pass %d bytes", LINK_MAX);
		goto cleanup;
	}

	mc_form f = {0};
	f.kind = (mc_form_kind)number;
	f.parent_unit = unit_upper;
	f.issuing_unit = unit ? unit->name : NULL;
	f.desk = DESK;
	f.place = mc_api_unit_place(tc, unit);
	f.date = mc_now();
	f.code = d.code;
	f.procedure = p.name;
	f.applicant_name = d.applicant_name;
	f.applicant_address = d.applicant_address;
	f.applicant_phone = d.applicant_phone;
	f.applicant_email = d.applicant_email;
	f.duration_days = d.duration_hours / 8.0;
	f.received_at = d.received_at;
	f.due_at = d.due_at;
	f.contact = unit ? unit->phone : NULL;
	f.lookup_url = url.data;
	f.competent_unit = competent ? competent->name : NULL;
	docs = mc_xcalloc(d.n_docs ? d.n_docs : 1, sizeof *docs);
	for (size_t i = 0; i < d.n_docs; i++)
		docs[i] = (mc_form_doc){d.docs[i].name, d.docs[i].originals, d.docs[i].copies};
	f.docs = docs;
	f.n_docs = d.n_docs;

	const mc_event *e = NULL;
	switch (f.kind) {
	case MC_FORM_RECEIPT:
		if (!d.received_at) {
			mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION,
					 "the dossier has not been received yet");
			goto cleanup;
		}
		e = last_event(ev, n_ev, d.channel == MC_CH_ONLINE ? "receive" : "create");
		f.date = d.received_at;
		break;
	case MC_FORM_SUPPLEMENT:
		e = last_event(ev, n_ev, "request_supplement");
		if (!e) {
			mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION,
					 "no supplement was requested for this dossier");
			goto cleanup;
		}
		f.reason = e->note;
		f.date = e->at;
		break;
	case MC_FORM_REFUSAL:
		e = last_event(ev, n_ev, "refuse");
		if (!e) {
			mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION, "the dossier was not refused");
			goto cleanup;
		}
		f.reason = e->note;
		f.date = e->at;
		break;
	case MC_FORM_APOLOGY: {
		/* The head of the agency apologises: its letterhead is the unit under its parent. */
		int64_t now = mc_now();
		/* The latest apology prepared or issued (QĐ 876/2017) gives the
		 * reason, the new date, the apologising unit and the signer. */
		rc = mc_store_apology_list(st, &apologies, &n_apologies, d.id);
		if (rc != 0) {
			mc_reply_error(r, rc, "the dossier's apologies");
			goto cleanup;
		}
		if (n_apologies) {
			const mc_apology *a = &apologies[n_apologies - 1];
			const mc_unit *au = mc_time_ctx_unit(tc, a->unit_id);
			const mc_unit *ap = au && au->parent_id ? mc_time_ctx_unit(tc, au->parent_id) : NULL;
			g_free(unit_upper);
			g_free(parent_upper);
			unit_upper = upper(au ? au->name : NULL);
			parent_upper = upper(ap ? ap->name : NULL);
			f.issuing_unit = au ? au->name : f.issuing_unit;
			f.place = mc_api_unit_place(tc, au);
			f.reason = a->reason;
			f.due_at = a->old_due;
			f.new_due_at = a->new_due;
			f.date = a->issued_at ? a->issued_at : a->prepared_at;
			f.parent_unit = parent_upper;
			f.desk = unit_upper;
			f.officer = a->issued_by_name[0] ? a->issued_by_name : NULL;
			break;
		}
		mc_timing timing = mc_app_dossier_timing(&d);
		if (!mc_stats_late(&timing, now)) {
			mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION, "the dossier is not late");
			goto cleanup;
		}
		const char *reason = mc_req_query(r, "reason");
		const char *new_due = mc_req_query(r, "new_due");
		int64_t t = 0;
		if (new_due && mc_time_parse(&t, new_due) != 0) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY,
					 "new_due must be a local time YYYY-MM-DDTHH:MM");
			goto cleanup;
		}
		/* Without a date given: two working days from now. */
		f.new_due_at = t ? t
				 : mc_deadline_add(
				       mc_time_ctx_calendar(tc), mc_time_ctx_hours(tc, d.receiving_unit_id),
				       mc_deadline_start(mc_time_ctx_calendar(tc),
							 mc_time_ctx_hours(tc, d.receiving_unit_id), now, -1),
				       16 * 60);
		f.reason = reason;
		f.parent_unit = parent_upper;
		f.desk = unit_upper;
		f.officer = NULL;
		break;
	}
	case MC_FORM_CONTROL: {
		/* A row for each hand-over: the dossier reaching a unit or a step. */
		steps = mc_xcalloc(n_ev ? n_ev : 1, sizeof *steps);
		int64_t prev_unit = d.receiving_unit_id;
		for (size_t i = 0; i < n_ev; i++) {
			const mc_event *x = &ev[i];
			if (strcmp(x->action, "assign") != 0 && strcmp(x->action, "transfer") != 0 &&
			    strcmp(x->action, "resolve") != 0 && strcmp(x->action, "return") != 0)
				continue;
			const mc_unit *from = mc_time_ctx_unit(tc, prev_unit);
			const mc_unit *to = mc_time_ctx_unit(tc, x->unit_id);
			mc_form_step *s = &steps[f.n_steps++];
			s->from_unit = from ? from->name : "";
			s->to_unit =
			    strcmp(x->action, "return") == 0 ? "Người nộp hồ sơ" : (to ? to->name : "");
			s->at = x->at;
			s->result =
			    !d.due_at ? "" : finish_vi[mc_deadline_classify_finished(x->at, d.due_at)];
			s->note = x->actor_name;
			prev_unit = x->unit_id;
		}
		f.steps = steps;
		break;
	}
	default:
		break;
	}
	if (e && e->actor_name[0])
		f.officer = e->actor_name;
	char name[80];
	snprintf(name, sizeof name, "%s-%02d", d.code, number);
	reply_pdf(r, &f, name, &d);
cleanup:
	mc_buf_free(&url);
	g_free(unit_upper);
	g_free(parent_upper);
	mc_apology_free_list(apologies, n_apologies);
	free(steps);
	free(docs);
	mc_event_free_list(ev, n_ev);
	mc_dossier_clear(&d);
	mc_procedure_clear(&p);
}

static int by_received(const void *a, const void *b)
{
	const mc_dossier *x = a, *y = b;
	if (x->received_at != y->received_at)
		return x->received_at < y->received_at ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int date_param_or_reply(mc_req *r, const char *name, int64_t *out)
{
	const char *v = mc_req_query(r, name);
	if (!v || strlen(v) != 10 || mc_time_parse(out, v) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "%s must be a date YYYY-MM-DD", name);
		return -1;
	}
	return 0;
}

void mc_api_register_form(mc_req *r)
{
	const mc_user *me = mc_req_user(r);
	const mc_time_ctx *tc = mc_req_time(r);
	int64_t from = 0, to = 0;
	if (date_param_or_reply(r, "from", &from) != 0 || date_param_or_reply(r, "to", &to) != 0)
		return;
	if (to <= from || to - from > 366 * 86400) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "the period runs from before to, at most a year");
		return;
	}
	int64_t unit_id = me->unit_id;
	const char *unit_code = mc_req_query(r, "unit");
	if (unit_code) {
		mc_unit u;
		if (mc_store_unit_by_code(mc_req_store(r), &u, unit_code) != 0) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY, "no unit has code %s", unit_code);
			return;
		}
		unit_id = u.id;
		mc_unit_clear(&u);
	}
	if (!mc_api_in_scope(r, unit_id)) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the unit is outside your scope");
		return;
	}
	/* Every dossier received in the period, in pages of the store's largest. */
	mc_dossier *all = NULL;
	size_t n_all = 0;
	for (int offset = 0; offset < 5000; offset += 200) {
		mc_dossier *page = NULL;
		size_t n = 0;
		int64_t total = 0;
		mc_dossier_query q = {.unit_id = unit_id,
				      .received_from = from,
				      .received_to = to,
				      .limit = 200,
				      .offset = offset};
		int rc = mc_store_dossier_list(mc_req_store(r), &page, &n, &total, &q);
		if (rc != 0) {
			mc_dossier_free_list(all, n_all);
			mc_reply_error(r, rc, "the register");
			return;
		}
		all = mc_xrealloc(all, (n_all + n + 1) * sizeof *all);
		/* An empty page is NULL: memcpy must not be given it, even for 0 bytes. */
		if (n > 0)
			memcpy(all + n_all, page, n * sizeof *page);
		n_all += n;
		free(page);
		if (n < 200)
			break;
	}
	/* A register runs in the order dossiers came in. */
	qsort(all, n_all, sizeof *all, by_received);
	mc_form_row *rows = mc_xcalloc(n_all ? n_all : 1, sizeof *rows);
	mc_procedure *procs = mc_xcalloc(n_all ? n_all : 1, sizeof *procs);
	char(*notes)[64] = mc_xcalloc(n_all ? n_all : 1, sizeof *notes);
	for (size_t i = 0; i < n_all; i++) {
		const mc_dossier *d = &all[i];
		mc_store_procedure_get_id(mc_req_store(r), &procs[i], d->procedure_id, false);
		const mc_unit *cu = mc_time_ctx_unit(tc, d->current_unit_id);
		rows[i] = (mc_form_row){d->code,
					procs[i].name ? procs[i].name : "",
					d->applicant_name,
					d->applicant_address,
					cu ? cu->name : "",
					d->received_at,
					d->due_at,
					d->finished_at,
					d->returned_at,
					notes[i]};
		/* Resolved after the due time by law (core/stats.h). */
		mc_timing timing = mc_app_dossier_timing(d);
		const char *late =
		    mc_stats_timeliness(&timing, mc_now()) == MC_TIMELY_LATE ? " (trễ hạn)" : "";
		snprintf(notes[i], sizeof notes[i], "%s%s", mc_state_title_vi((mc_state)d->state), late);
	}
	const mc_unit *unit = mc_time_ctx_unit(tc, unit_id);
	const mc_unit *parent = unit && unit->parent_id ? mc_time_ctx_unit(tc, unit->parent_id) : NULL;
	char *unit_upper = upper(unit ? unit->name : NULL);
	char *parent_upper = upper(parent ? parent->name : NULL);
	mc_form f = {.kind = MC_FORM_REGISTER,
		     .parent_unit = parent_upper,
		     .issuing_unit = unit_upper,
		     .place = mc_api_unit_place(tc, unit),
		     .date = mc_now(),
		     .rows = rows,
		     .n_rows = n_all,
		     .from = from,
		     .to = to - 86400};
	char name[64];
	snprintf(name, sizeof name, "so-theo-doi-%s", unit ? unit->code : "");
	/* The register names every applicant of the period: its read is logged
	 * against the unit (no one dossier). */
	mc_dossier reg = {.current_unit_id = unit_id, .receiving_unit_id = unit_id};
	reply_pdf(r, &f, name, &reg);
	g_free(unit_upper);
	g_free(parent_upper);
	free(notes);
	mc_procedure_free_list(procs, n_all);
	free(rows);
	mc_dossier_free_list(all, n_all);
}
