/* /api/v1/dossiers/{code}/forms/{form} and /api/v1/forms/register - the
 * paperwork of the one-stop office as PDF (render/form.h). */
#include "api/api.h"
#include "app/form_number.h"
#include "store/store_document.h"
#include "store/store_document_file.h"

#include "render/form.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

/* The desk's name on a letterhead (render/form.h) is at most this long. */
#define DESK_MAX 256
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

/* The URL's number is motcua's, the same in every set: 01-05 are Thông tư
 * 01/2018's, 07 the notice of stopping a dossier; the form prints its own
 * set's number (mc_form_model_no: Thông tư 03/2025 numbers the notice 05 and
 * the control sheet 06; docs/forms.md §3). */
static int form_number(mc_req *r, int *out)
{
	const char *s = mc_req_param(r, 1);
	if (strlen(s) == 2 && s[0] == '0' && ((s[1] >= '1' && s[1] <= '5') || s[1] == '7')) {
		*out = s[1] - '0';
		return 0;
	}
	mc_reply_problem(
	    r, MC_PROB_NOT_FOUND,
	    "forms 01 to 05 and 07 (notice of stopping) exist for a dossier; 06 is the register");
	return -1;
}

/* The province (root of u's tree) for a department's desk name. */
static const mc_unit *province_of(const mc_time_ctx *tc, const mc_unit *u)
{
	for (int depth = 0; u && u->parent_id && depth < 8; depth++)
		u = mc_time_ctx_unit(tc, u->parent_id);
	return u;
}

/* The letterhead of the desk of unit u for an act at t: the body it belongs
 * to above the desk that acted (docs/forms.md §2), and the desk as the text
 * names it ("Bộ phận tiếp nhận và trả kết quả UBND huyện …", "Trung tâm
 * Phục vụ hành chính công tỉnh …"); *sentence is allocated. */
static void desk_heading(const mc_time_ctx *tc, const mc_unit *u, int64_t t, char **parent_upper, char *desk,
			 size_t cap, char **sentence)
{
	const mc_unit *p = province_of(tc, u);
	mc_form_set set = mc_form_set_on(t);
	mc_form_desk_name(desk, cap, set, u ? u->level : NULL, u ? u->name : NULL, p ? p->name : NULL);
	/* From 1 July 2025 the centre of the province receives for its
	 * departments (and the ended districts): it is the province's. */
	const mc_unit *body = u;
	if (mc_form_set_nd118(set) && u &&
	    (strcmp(u->level, "department") == 0 || strcmp(u->level, "district") == 0))
		body = p;
	g_free(*parent_upper);
	*parent_upper = upper(body ? body->name : NULL);
	if (sentence) {
		g_free(*sentence);
		const char *name = body ? body->name : "";
		if (mc_form_set_nd118(set))
			*sentence = g_strdup_printf("Trung tâm Phục vụ hành chính công %s",
						    strncmp(name, "UBND ", 5) == 0 ? name + 5 : name);
		else
			*sentence = g_strdup_printf("Bộ phận tiếp nhận và trả kết quả %s", name);
	}
}

/* The title a leader signs an apology or a notice under: the head of the
 * agency (a People's Committee's chairman, a department's director) or a
 * deputy on their behalf (Nghị định 30/2020, art. 13). */
const char *mc_api_signer_title(const mc_unit *u, bool deputy)
{
	bool ubnd = !u || strncmp(u->name, "UBND", 4) == 0 || strcmp(u->level, "department") != 0;
	if (ubnd)
		return deputy ? "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" : "CHỦ TỊCH";
	return deputy ? "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" : "GIÁM ĐỐC";
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

/* The number of dossiers the unit received from the start of the local year
 * of t up to t: the receipt's "Số thứ tự" in the year's book ("Quyển số"). */
static long long book_seq(mc_store *st, int64_t unit_id, int64_t t, int *year)
{
	int y;
	int64_t local = t + MC_TZ_OFFSET;
	mc_civil_from_days((int32_t)(local / 86400), &y, NULL, NULL);
	*year = y;
	mc_dossier *page = NULL;
	size_t n = 0;
	int64_t total = 0;
	mc_dossier_query q = {.unit_id = unit_id,
			      .received_from = (int64_t)mc_days_from_civil(y, 1, 1) * 86400 - MC_TZ_OFFSET,
			      .received_to = t + 1,
			      .limit = 1};
	if (mc_store_dossier_list(st, &page, &n, &total, &q) != 0)
		total = 0;
	mc_dossier_free_list(page, n);
	return (long long)total;
}

/* Step seq of procedure p, or NULL. */
static const mc_proc_step *proc_step(const mc_procedure *p, int seq)
{
	for (size_t i = 0; p->steps && i < p->n_steps; i++) {
		if (p->steps[i].seq == seq)
			return &p->steps[i];
	}
	return NULL;
}

/* What a hand-over of form 05 is, in the form's words. */
static const char *step_vi(const char *action)
{
	if (strcmp(action, "assign") == 0)
		return "Phân công xử lý";
	if (strcmp(action, "transfer") == 0)
		return "Chuyển cơ quan giải quyết";
	if (strcmp(action, "resolve") == 0)
		return "Trình ký, có kết quả";
	return "Trả kết quả cho người nộp";
}

/* Who handed the dossier over at event i: the officer of the last event
 * before it in the unit it leaves, or NULL. */
static const char *giver(const mc_event *ev, size_t i, int64_t unit)
{
	while (i-- > 0) {
		if (ev[i].unit_id == unit && ev[i].actor_name && ev[i].actor_name[0])
			return ev[i].actor_name;
	}
	return NULL;
}

int mc_api_apology_form_pdf(mc_store *st, const mc_time_ctx *tc, const mc_dossier *d, const mc_apology *a,
			    mc_buf *out, mc_form_box *sign_box)
{
	const mc_unit *acting = mc_time_ctx_unit(tc, a->unit_id);
	const mc_unit *ap = acting && acting->parent_id ? mc_time_ctx_unit(tc, acting->parent_id) : NULL;
	char desk[DESK_MAX], form_no[96];
	char *parent_upper = NULL, *unit_upper = NULL, *recipients = NULL, *desk_text = NULL;
	mc_procedure p = {0};
	mc_document doc = {0};

	/* Without its procedure (NULL name) the form shows dots. */
	mc_store_procedure_get_id(st, &p, d->procedure_id, false);
	if (a->document_id && mc_store_document_get(st, &doc, a->document_id) == 0 && doc.notation)
		snprintf(form_no, sizeof form_no, "%s", doc.notation);
	else
		mc_app_form_number_text(form_no, sizeof form_no, st, MC_FORM_NUMBER_APOLOGY, d->id, a->id,
					"PXL", acting ? acting->code : "");
	int64_t date = a->issued_at ? a->issued_at : a->prepared_at;
	/* The desk that hands it over, for Nơi nhận (as GET …/forms/04). */
	desk_heading(tc, acting, date, &parent_upper, desk, sizeof desk, &desk_text);
	g_free(parent_upper);
	parent_upper = upper(ap ? ap->name : NULL);
	unit_upper = upper(acting ? acting->name : NULL);
	recipients = g_strdup_printf("- Ông/bà %s;\n- %s;\n- Lưu: VT.", d->applicant_name, desk);
	mc_form f = {.kind = MC_FORM_APOLOGY,
		     .parent_unit = parent_upper,
		     .issuing_unit = acting ? acting->name : NULL,
		     .desk = unit_upper,
		     .desk_text = desk_text,
		     .place = mc_api_unit_place(tc, acting),
		     .date = date,
		     .number = form_no,
		     .code = d->code,
		     .procedure = p.name,
		     .applicant_name = d->applicant_name,
		     .applicant_address = d->applicant_address,
		     .applicant_phone = d->applicant_phone,
		     .applicant_email = d->applicant_email,
		     .received_at = d->received_at,
		     .due_at = a->old_due,
		     .new_due_at = a->new_due,
		     .reason = a->reason,
		     .draft = !a->issued_at,
		     .signer_title =
			 mc_api_signer_title(acting, !a->signed_as || strcmp(a->signed_as, "head") != 0),
		     .addressee = d->applicant_name,
		     .recipients = recipients,
		     .officer = a->issued_by_name && a->issued_by_name[0] ? a->issued_by_name : NULL,
		     .contact = acting ? acting->phone : NULL,
		     .sign_box = sign_box};
	int rc = mc_form_pdf(out, &f);
	g_free(parent_upper);
	g_free(unit_upper);
	g_free(recipients);
	g_free(desk_text);
	mc_document_clear(&doc);
	mc_procedure_clear(&p);
	return rc;
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
	char *unit_upper = NULL, *parent_upper = NULL, *recipients = NULL, *desk_text = NULL;
	char desk[DESK_MAX], collect[600], form_no[96];
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
	/* Form 05 judges each step against its hours: the parts hold them. */
	mc_store_procedure_get_id(st, &p, d.procedure_id, number == MC_FORM_CONTROL);
	const mc_unit *unit = mc_time_ctx_unit(tc, d.receiving_unit_id);
	/* Received at another centre (Nghị định 118/2025/NĐ-CP): that centre
	 * issued the receipt, which names the competent unit. */
	const mc_unit *competent = NULL;
	if (number == MC_FORM_RECEIPT && d.reception_unit_id && mc_time_ctx_unit(tc, d.reception_unit_id)) {
		competent = unit;
		unit = mc_time_ctx_unit(tc, d.reception_unit_id);
	}
	/* public_url has at most 511 bytes: the link always fits. */
	if (mc_buf_addf(&url, "%s/tra-cuu/%s", mc_req_public_url(r), d.code) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "the lookup link would pass %d bytes", LINK_MAX);
		goto cleanup;
	}

	mc_form f = {0};
	f.kind = number == 7 ? MC_FORM_STOP : (mc_form_kind)number;
	f.issuing_unit = unit ? unit->name : NULL;
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
	/* The unit whose letterhead the form takes, and when it acted. */
	const mc_unit *acting = unit;

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
		f.book_seq = book_seq(st, d.receiving_unit_id, d.received_at, &f.book);
		break;
	case MC_FORM_SUPPLEMENT:
		e = last_event(ev, n_ev, "request_supplement");
		if (!e) {
			mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION,
					 "no supplement was requested for this dossier");
			goto cleanup;
		}
		f.request = e->note;
		f.reason = "hồ sơ chưa đầy đủ, hợp lệ theo quy định của thủ tục hành chính";
		f.date = e->at;
		/* Asked during processing: the processing unit asks, not the desk. */
		if (e->unit_id && e->unit_id != d.receiving_unit_id)
			acting = mc_time_ctx_unit(tc, e->unit_id);
		/* The number given with the request, in the asking unit's series. */
		mc_app_form_number_text(form_no, sizeof form_no, st, MC_FORM_NUMBER_SUPPLEMENT, d.id, e->at,
					"PYCBS", acting ? acting->code : "");
		f.number = form_no;
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
	case MC_FORM_STOP:
		e = last_event(ev, n_ev, "stop");
		if (!e || d.state != MC_ST_STOPPED) {
			mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION, "the dossier was not stopped");
			goto cleanup;
		}
		f.reason = e->note;
		f.date = e->at;
		acting = e->unit_id ? mc_time_ctx_unit(tc, e->unit_id) : unit;
		f.issuing_unit = acting ? acting->name : f.issuing_unit;
		f.signer_title = mc_api_signer_title(acting, true);
		break;
	case MC_FORM_APOLOGY: {
		/* Form 04 prints an apology on record (prepared or issued), the
		 * latest; none is made up from the query. */
		rc = mc_store_apology_list(st, &apologies, &n_apologies, d.id);
		if (rc != 0) {
			mc_reply_error(r, rc, "the dossier's apologies");
			goto cleanup;
		}
		if (!n_apologies) {
			mc_reply_problem(r, MC_PROB_FORBIDDEN_TRANSITION,
					 "no apology was made for this dossier: prepare one first");
			goto cleanup;
		}
		const mc_apology *a = &apologies[n_apologies - 1];
		/* Sealed when issued as a document (docs/forms.md, form 04): the
		 * signed file is the form, not a new rendering without the seal. */
		mc_document_file df;
		if (a->issued_at && a->document_id &&
		    mc_store_document_file_get(st, a->document_id, &df) == 0 && df.signatures > 0) {
			int fd = -1;
			int64_t size = 0;
			char mime[64], disposition[160];
			int orc = mc_store_attachment_open(st, &fd, &size, mime, sizeof mime, df.sha256);
			/* Destroyed with a disposed work file: said, not rendered anew. */
			if (orc == MC_EGONE) {
				mc_reply_error(r, orc, "the form");
				goto cleanup;
			}
			if (orc == 0) {
				snprintf(disposition, sizeof disposition, "inline; filename=\"%s-04.pdf\"",
					 d.code);
				mc_reply_header(r, "Content-Disposition", disposition);
				mc_api_log_read(r, &d, 0, "form");
				mc_reply_file(r, 200, "application/pdf", fd, size);
				goto cleanup;
			}
		}
		acting = mc_time_ctx_unit(tc, a->unit_id);
		f.issuing_unit = acting ? acting->name : f.issuing_unit;
		f.place = mc_api_unit_place(tc, acting);
		f.reason = a->reason;
		f.due_at = a->old_due;
		f.new_due_at = a->new_due;
		f.date = a->issued_at ? a->issued_at : a->prepared_at;
		f.draft = !a->issued_at;
		f.officer = a->issued_by_name[0] ? a->issued_by_name : NULL;
		f.signer_title =
		    mc_api_signer_title(acting, !a->signed_as || strcmp(a->signed_as, "head") != 0);
		f.addressee = d.applicant_name;
		/* Numbered when issued; a draft's number is left blank. Issued
		 * as an outgoing document: the register's number and notation. */
		mc_document doc = {0};
		if (a->document_id && mc_store_document_get(st, &doc, a->document_id) == 0 && doc.notation)
			snprintf(form_no, sizeof form_no, "%s", doc.notation);
		else
			mc_app_form_number_text(form_no, sizeof form_no, st, MC_FORM_NUMBER_APOLOGY, d.id,
						a->id, "PXL", acting ? acting->code : "");
		mc_document_clear(&doc);
		f.number = form_no;
		break;
	}
	case MC_FORM_CONTROL: {
		/* A row for each hand-over: the dossier reaching a unit or a step,
		 * judged against the due time by law, not an apology's new date. */
		int64_t due = d.statutory_due_at ? d.statutory_due_at : d.due_at;
		steps = mc_xcalloc(n_ev ? n_ev : 1, sizeof *steps);
		int64_t prev_unit = d.receiving_unit_id;
		/* The step running since the last hand-over (1 from the reception). */
		int64_t step_from = d.received_at;
		int step = 1;
		for (size_t i = 0; i < n_ev; i++) {
			const mc_event *x = &ev[i];
			if (strcmp(x->action, "assign") != 0 && strcmp(x->action, "transfer") != 0 &&
			    strcmp(x->action, "resolve") != 0 && strcmp(x->action, "return") != 0)
				continue;
			const mc_unit *from = mc_time_ctx_unit(tc, prev_unit);
			const mc_unit *to = mc_time_ctx_unit(tc, x->unit_id);
			bool back = strcmp(x->action, "return") == 0;
			mc_form_step *s = &steps[f.n_steps++];
			s->from_unit = from ? from->name : "";
			s->from_person = giver(ev, i, prev_unit);
			s->to_unit = back ? "Người nộp hồ sơ" : (to ? to->name : "");
			s->to_person = back ? d.applicant_name : (x->actor_name[0] ? x->actor_name : NULL);
			s->at = x->at;
			/* Handing the result back is not a step of the resolution. */
			s->result = back || !due ? "" : finish_vi[mc_deadline_classify_finished(x->at, due)];
			/* The step that ended here against its own hours, counted in the
			 * working time of the unit that held it from its start. */
			const mc_proc_step *ps = proc_step(&p, step);
			if (!back && ps && ps->hours > 0 && step_from > 0) {
				int64_t step_due = mc_deadline_add(mc_time_ctx_calendar(tc),
								   mc_time_ctx_hours(tc, prev_unit),
								   step_from, (int64_t)ps->hours * 60);
				s->step_result = finish_vi[mc_deadline_classify_finished(x->at, step_due)];
			}
			s->note = step_vi(x->action);
			prev_unit = x->unit_id;
			step_from = x->at;
			if (x->step > 0)
				step = x->step;
		}
		f.steps = steps;
		f.due_at = due;
		/* It goes with the receipt: the rules of the reception. */
		f.date = d.received_at ? d.received_at : f.date;
		break;
	}
	default:
		break;
	}
	desk_heading(tc, acting, f.date, &parent_upper, desk, sizeof desk, &desk_text);
	f.parent_unit = parent_upper;
	f.desk = desk;
	f.desk_text = desk_text;
	if (f.kind == MC_FORM_APOLOGY || f.kind == MC_FORM_STOP) {
		/* The agency itself apologises or stops: its letterhead under its parent. */
		const mc_unit *ap =
		    acting && acting->parent_id ? mc_time_ctx_unit(tc, acting->parent_id) : NULL;
		g_free(parent_upper);
		parent_upper = upper(ap ? ap->name : NULL);
		unit_upper = upper(acting ? acting->name : NULL);
		f.parent_unit = parent_upper;
		f.desk = unit_upper;
		/* Nơi nhận: the applicant, the desk that hands it over, the file. */
		recipients = g_strdup_printf("- Ông/bà %s;\n- %s;\n- Lưu: VT.", d.applicant_name, desk);
		f.recipients = recipients;
	}
	if (f.kind == MC_FORM_RECEIPT) {
		snprintf(collect, sizeof collect, "%s%s",
			 d.channel == MC_CH_ONLINE ? "Cổng Dịch vụ công trực tuyến hoặc " : "", desk);
		f.collect_at = collect;
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
	g_free(recipients);
	g_free(desk_text);
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
	/* An ended unit's register is read by its heir's officers too. */
	if (!mc_api_subtree_readable(r, unit_id)) {
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
		rows[i] = (mc_form_row){.code = d->code,
					.procedure = procs[i].name ? procs[i].name : "",
					.applicant = d->applicant_name,
					.address = d->applicant_address,
					.phone = d->applicant_phone,
					.sets = 1,
					.unit = cu ? cu->name : "",
					.received_at = d->received_at,
					.due_at = d->due_at,
					.finished_at = d->finished_at,
					.returned_at = d->returned_at,
					.note = notes[i]};
		/* Resolved after the due time by law (core/stats.h). */
		mc_timing timing = mc_app_dossier_timing(d);
		const char *late =
		    mc_stats_timeliness(&timing, mc_now()) == MC_TIMELY_LATE ? " (trễ hạn)" : "";
		snprintf(notes[i], sizeof notes[i], "%s%s", mc_state_title_vi((mc_state)d->state), late);
	}
	const mc_unit *unit = mc_time_ctx_unit(tc, unit_id);
	const mc_unit *parent = unit && unit->parent_id ? mc_time_ctx_unit(tc, unit->parent_id) : NULL;
	/* The register is the desk's: its letterhead under the unit (Mẫu số 06). */
	(void)parent;
	char *parent_upper = NULL, desk[DESK_MAX];
	desk_heading(tc, unit, to - 86400, &parent_upper, desk, sizeof desk, NULL);
	char *unit_upper = upper(unit ? unit->name : NULL);
	mc_form f = {.kind = MC_FORM_REGISTER,
		     .set = mc_form_set_on(to - 86400), /* the rules of the period's end */
		     .parent_unit = parent_upper,
		     .desk = desk,
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
