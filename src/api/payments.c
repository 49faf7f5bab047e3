/*
 * /api/v1/dossiers/{code}/payments and /api/v1/payments - fees paid online
 * (level 4): starting a payment, the provider's signed callback, and the
 * in-process test provider of the demo and the tests. The protocol is in
 * docs/payments.md; the rules in app/payment.h.
 */
#include "api/api.h"

#include "app/payment.h"
#include "core/buf.h"
#include "core/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The test provider's form is a few hundred bytes. */
#define MAX_FORM 8192

json_t *mc_api_payment_json(const mc_payment *p)
{
	json_t *j =
	    json_pack("{s:s, s:s, s:I, s:s, s:s, s:o, s:o}", "reference", p->reference, "dossier",
		      p->dossier_code, "amount", (json_int_t)p->amount, "currency", p->currency, "state",
		      p->state, "created_at", mc_api_time(p->created_at), "paid_at", mc_api_time(p->paid_at));
	if (p->provider && p->provider[0])
		json_object_set_new(j, "provider", json_string(p->provider));
	if (p->provider_txn && p->provider_txn[0])
		json_object_set_new(j, "transaction_no", json_string(p->provider_txn));
	if (p->receipt && p->receipt[0]) {
		json_t *receipt = json_loads(p->receipt, 0, NULL);
		if (receipt)
			json_object_set_new(j, "receipt", receipt);
	}
	return j;
}

/* The payment settings, or NULL after replying when online payment is off
 * (neither a provider nor the test provider is configured): not a passing
 * state to retry, but how this office works, so not 503. */
static const mc_payment_config *payment_config_or_reply(mc_req *r)
{
	const mc_payment_config *pc = &mc_req_config(r)->payment;
	if (!pc->secret || !pc->secret[0] || !pc->url || !pc->url[0] || !pc->partner_code) {
		mc_reply_problem(
		    r, MC_PROB_PAYMENT_NOT_CONFIGURED,
		    "online payment is not configured on this server; the fee is paid at the desk");
		return NULL;
	}
	return pc;
}

/* The test provider's page: its text and seven fields of at most 1000
 * bytes each, escaped (at most six bytes for one). */
#define PAGE_MAX 65536
/* The address the provider sends the browser back to: public_url (at most
 * 511 bytes) and the dossier's path. */
#define RETURN_URL_MAX 2048

/* A page being written: once an append is refused, the rest are skipped
 * and rc tells why. */
typedef struct {
	mc_buf buf;
	int rc;
} page;

/* Appends s to the page, with HTML's special characters escaped when escape. */
static void put(page *p, const char *s, bool escape)
{
	while (p->rc == 0 && *s) {
		size_t plain = escape ? strcspn(s, "<>&\"") : strlen(s);
		p->rc = mc_buf_add(&p->buf, s, plain);
		s += plain;
		if (p->rc != 0 || !*s)
			break;
		p->rc = mc_buf_adds(&p->buf, *s == '<'	 ? "&lt;"
					     : *s == '>' ? "&gt;"
					     : *s == '&' ? "&amp;"
							 : "&quot;");
		s++;
	}
}

/* Replies 'status' with the page (which the request then owns), or 500 when
 * it passed its limit. */
static void reply_page(mc_req *r, int status, page *p)
{
	if (p->rc != 0) {
		mc_buf_free(&p->buf);
		mc_reply_problem(r, MC_PROB_INTERNAL, "the page would pass %d bytes", PAGE_MAX);
		return;
	}
	size_t len = p->buf.len;
	char *text = mc_req_own(r, mc_buf_steal(&p->buf));
	mc_reply_raw(r, status, "text/html; charset=utf-8", text, len);
}

/* ---- starting a payment ----------------------------------------------- */

typedef struct {
	mc_actor actor;
	const mc_time_ctx *tc;
	const char *code;
	mc_payment out;
	bool created;
	bool again; /* the write ran a second time after a conflict */
	mc_err err; /* why the write failed (core/err.h) */
} start_job;

static int start_write(mc_store *st, void *payload)
{
	start_job *j = payload;
	/* A job may run again (group.h): from nothing. */
	mc_payment_clear(&j->out);
	int rc = mc_app_payment_start(st, j->tc, &j->actor, j->code, mc_now(), &j->out, &j->created);
	mc_err_take(&j->err, rc);
	return rc;
}

static void start_after(mc_req *r, int rc, void *payload)
{
	start_job *j = payload;
	const mc_payment_config *pc = &mc_req_config(r)->payment;
	char order_info[96], time[15];
	char *url = NULL, *return_url = NULL;

	/* Another server of this database started the new attempt at the same
	 * moment (a failed payment tried again from two pages at once): this
	 * write, undone, runs once more and finds that attempt pending. */
	if (rc == MC_ECONFLICT && !j->again) {
		j->again = true;
		mc_req_write(r, start_write, start_after, j);
		return;
	}
	if (rc != 0) {
		mc_payment_clear(&j->out);
		mc_reply_err(r, mc_err_for(&j->err, rc), "the payment");
		return;
	}
	/* Gateways take order information in ASCII, without diacritics (a
	 * dossier code has at most 47 bytes). */
	snprintf(order_info, sizeof order_info, "Thanh toan le phi ho so %s", j->code);
	if (mc_buf_format(&return_url, RETURN_URL_MAX, "%s%s%s", mc_req_public_url(r),
			  j->actor.role == MC_ROLE_CITIZEN ? "/ho-so-cua-toi/" : "/can-bo/ho-so/",
			  j->code) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "the return address would pass %d bytes",
				 RETURN_URL_MAX);
		return;
	}
	mc_req_own(r, return_url);
	mc_payment_time(time, mc_now());
	mc_payment_request rq = {.partner_code = pc->partner_code,
				 .reference = j->out.reference,
				 .amount = j->out.amount,
				 .order_info = order_info,
				 .return_url = return_url,
				 .time = time};
	rc = mc_payment_request_url(&url, pc->url, &rq, pc->secret);
	if (rc == MC_ETOOBIG) {
		mc_payment_clear(&j->out);
		mc_reply_problem(r, MC_PROB_INTERNAL, "the payment request would pass 16 KiB");
		return;
	}
	if (rc != 0) {
		mc_payment_clear(&j->out);
		mc_reply_problem(r, MC_PROB_INTERNAL,
				 "could not sign the payment request (a '|' in public_url?)");
		return;
	}
	json_t *body = mc_api_payment_json(&j->out);
	mc_payment_clear(&j->out);
	json_object_set_new(body, "redirect_url", json_string(url));
	free(url);
	mc_reply_json(r, j->created ? 201 : 200, body);
}

void mc_api_payment_start(mc_req *r)
{
	start_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	mc_dossier d = {0};

	if (!payment_config_or_reply(r))
		return;
	int rc = mc_store_dossier_get(mc_req_store(r), &d, mc_req_param(r, 0), false);
	if (rc != 0) {
		mc_reply_error(r, rc, "the dossier");
		return;
	}
	mc_req_actor(r, &j->actor);
	/* An action: not by the heir's reads (mc_api_in_scope_or_heir). */
	bool visible = mc_api_may_see_in_scope(r, &d);
	mc_may may = mc_app_payment_may_start(mc_req_time(r), &j->actor, &d);
	mc_dossier_clear(&d);
	if (!visible && j->actor.role == MC_ROLE_CITIZEN) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "the dossier not found");
		return;
	}
	if (!visible || may == MC_MAY_NOT_SCOPE) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE,
				 "the dossier was received by a unit outside your scope");
		return;
	}
	/* Role and state are checked again in the transaction. */
	j->tc = mc_req_time(r);
	j->code = mc_req_param(r, 0);
	mc_req_write(r, start_write, start_after, j);
}

/* ---- the provider's confirmation -------------------------------------- */

typedef struct {
	mc_payment_callback cb;
	const char *provider;
	const mc_time_ctx *tc;
	const char *return_url; /* the test provider's: where the browser goes back; NULL for a callback */
	mc_payment out;
	bool repeat;
	mc_err err; /* why the write failed (core/err.h) */
} settle_job;

static int settle_write(mc_store *st, void *payload)
{
	settle_job *j = payload;
	/* A job may run again (group.h): from nothing. */
	mc_payment_clear(&j->out);
	int rc = mc_app_payment_settle(st, j->tc, &j->cb, j->provider, mc_now(), &j->out, &j->repeat);
	mc_err_take(&j->err, rc);
	return rc;
}

static void settle_after(mc_req *r, int rc, void *payload)
{
	settle_job *j = payload;
	if (rc != 0) {
		mc_payment_clear(&j->out);
		mc_reply_err(r, mc_err_for(&j->err, rc), "the payment");
		return;
	}
	if (j->return_url) {
		/* The test provider sends the browser back to the portal. */
		page p = {.rc = 0};
		mc_buf_init(&p.buf, PAGE_MAX);
		put(&p,
		    "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Thanh toán</title><p>",
		    false);
		put(&p,
		    strcmp(j->out.state, "paid") == 0 ? "Đã thanh toán. " : "Giao dịch không thành công. ",
		    false);
		put(&p, "<a href=\"", false);
		put(&p, j->return_url, true);
		put(&p, "\">Quay lại Cổng dịch vụ công</a></p></html>", false);
		mc_payment_clear(&j->out);
		if (p.rc == 0)
			mc_reply_header(r, "Location", j->return_url);
		reply_page(r, 303, &p);
		return;
	}
	json_t *body = mc_api_payment_json(&j->out);
	mc_payment_clear(&j->out);
	json_object_set_new(body, "repeat", json_boolean(j->repeat));
	mc_reply_json(r, 200, body);
}

/* Checks a confirmation and hands it to the writer; replies on failure. */
static void settle(mc_req *r, settle_job *j, const mc_payment_config *pc)
{
	/* The check value first: nothing else is told to whoever cannot sign. */
	if (mc_payment_callback_verify(&j->cb, pc->secret) != 0) {
		mc_reply_problem(r, MC_PROB_BAD_CHECK_VALUE,
				 "check_value is not the SHA-256 of the fields and the secret");
		return;
	}
	if (strcmp(j->cb.partner_code, pc->partner_code) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "partner_code %s is not this office's",
				 j->cb.partner_code);
		return;
	}
	if (!mc_payment_time_valid(j->cb.time)) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "time must be yyyyMMddHHmmss");
		return;
	}
	j->provider = pc->provider ? pc->provider : "gateway";
	j->tc = mc_req_time(r);
	mc_req_write(r, settle_write, settle_after, j);
}

void mc_api_payment_callback(mc_req *r)
{
	settle_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	const mc_payment_config *pc = payment_config_or_reply(r);
	if (!pc)
		return;
	mc_field spec[] = {
	    {"partner_code", MC_F_STRING, true, 1, MC_LIMIT_PAYMENT_PARTNER_CODE, &j->cb.partner_code, 0},
	    {"reference", MC_F_STRING, true, 1, MC_LIMIT_PAYMENT_REFERENCE, &j->cb.reference, 0},
	    {"amount", MC_F_INT, true, 1, INT64_C(1000000000000000), &j->cb.amount, 0},
	    {"transaction_no", MC_F_STRING, true, 1, MC_LIMIT_PAYMENT_TRANSACTION_NO, &j->cb.transaction_no,
	     0},
	    {"result_code", MC_F_STRING, true, 1, MC_LIMIT_PAYMENT_RESULT_CODE, &j->cb.result_code, 0},
	    {"time", MC_F_STRING, true, 14, 14, &j->cb.time, 0},
	    {"check_value", MC_F_STRING, true, MC_PAYMENT_CHECK_LEN, MC_PAYMENT_CHECK_LEN, &j->cb.check_value,
	     0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	/* The check value covers the bytes the provider sent, not their cleaned
	 * form: a field with a space added is not the field that was signed. */
	for (size_t i = 0; i < MC_ARRAY_LEN(spec); i++) {
		if (spec[i].type == MC_F_STRING)
			*(const char **)spec[i].out =
			    json_string_value(json_object_get(mc_req_body(r), spec[i].name));
	}
	settle(r, j, pc);
}

/* ---- the in-process test provider ------------------------------------- */

/* The test provider's settings, or NULL after replying 404 when this server
 * does not run it (payment_test_provider is off: a real provider, or none). */
static const mc_payment_config *test_provider_or_reply(mc_req *r)
{
	const mc_payment_config *pc = &mc_req_config(r)->payment;
	if (!pc->test_provider) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "this server does not run the test payment provider");
		return NULL;
	}
	return payment_config_or_reply(r);
}

/* A signed request read from name/value pairs (query or form); replies and
 * returns -1 when a field is missing or the check value is wrong. */
typedef const char *(*lookup_fn)(void *src, const char *name);

static int request_or_reply(mc_req *r, const mc_payment_config *pc, lookup_fn get, void *src,
			    mc_payment_request *rq)
{
	static const char *const names[] = {"partner_code", "reference", "amount",     "order_info",
					    "return_url",   "time",	 "check_value"};
	const char *v[MC_ARRAY_LEN(names)];
	for (size_t i = 0; i < MC_ARRAY_LEN(names); i++) {
		v[i] = get(src, names[i]);
		if (!v[i] || !v[i][0] || strlen(v[i]) > 1000) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY, "%s is missing or too long", names[i]);
			return -1;
		}
	}
	char *end = NULL;
	long long amount = strtoll(v[2], &end, 10);
	if (*end || amount <= 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "amount must be a positive integer");
		return -1;
	}
	*rq = (mc_payment_request){.partner_code = v[0],
				   .reference = v[1],
				   .amount = amount,
				   .order_info = v[3],
				   .return_url = v[4],
				   .time = v[5]};
	char expected[MC_PAYMENT_CHECK_LEN + 1];
	if (mc_payment_request_sign(expected, rq, pc->secret) != 0 ||
	    !mc_payment_check_equal(expected, v[6])) {
		mc_reply_problem(r, MC_PROB_BAD_CHECK_VALUE,
				 "the request's check_value does not match its fields");
		return -1;
	}
	if (strcmp(rq->partner_code, pc->partner_code) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "partner_code %s is unknown here",
				 rq->partner_code);
		return -1;
	}
	return 0;
}

static const char *from_query(void *src, const char *name)
{
	return mc_req_query(src, name);
}

void mc_api_payment_test_page(mc_req *r)
{
	static const char *const names[] = {"partner_code", "reference", "amount",     "order_info",
					    "return_url",   "time",	 "check_value"};
	const mc_payment_config *pc = test_provider_or_reply(r);
	mc_payment_request rq;
	if (!pc || request_or_reply(r, pc, from_query, r, &rq) != 0)
		return;
	page p = {.rc = 0};
	mc_buf_init(&p.buf, PAGE_MAX);
	put(&p,
	    "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<title>Cổng thanh toán thử nghiệm</title><h1>Cổng thanh toán thử nghiệm</h1>"
	    "<p>Chỉ dùng cho bản trình diễn và kiểm thử: không có tiền thật.</p><dl><dt>Đơn vị</dt><dd>",
	    false);
	put(&p, rq.partner_code, true);
	put(&p, "</dd><dt>Mã thanh toán</dt><dd>", false);
	put(&p, rq.reference, true);
	put(&p, "</dd><dt>Nội dung</dt><dd>", false);
	put(&p, rq.order_info, true);
	put(&p, "</dd><dt>Số tiền (VND)</dt><dd>", false);
	put(&p, mc_req_query(r, "amount"), true);
	put(&p, "</dd></dl><form method=\"post\" action=\"/api/v1/payments/test-provider/pay\">", false);
	for (size_t i = 0; i < MC_ARRAY_LEN(names); i++) {
		put(&p, "<input type=\"hidden\" name=\"", false);
		put(&p, names[i], false);
		put(&p, "\" value=\"", false);
		put(&p, mc_req_query(r, names[i]), true);
		put(&p, "\">", false);
	}
	put(&p,
	    "<button name=\"result_code\" value=\"00\">Thanh toán</button> "
	    "<button name=\"result_code\" value=\"24\">Hủy giao dịch</button></form></html>",
	    false);
	reply_page(r, 200, &p);
}

/* An application/x-www-form-urlencoded body, decoded in place into pairs. */
typedef struct {
	char *names[16];
	char *values[16];
	size_t n;
} form;

static void url_decode(char *s)
{
	char *out = s;
	for (; *s; s++) {
		if (*s == '+') {
			*out++ = ' ';
		} else if (*s == '%' && s[1] && s[2] && strchr("0123456789abcdefABCDEF", s[1]) &&
			   strchr("0123456789abcdefABCDEF", s[2])) {
			char hex[3] = {s[1], s[2], 0};
			*out++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static const char *from_form(void *src, const char *name)
{
	form *f = src;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	}
	return NULL;
}

void mc_api_payment_test_pay(mc_req *r)
{
	const mc_payment_config *pc = test_provider_or_reply(r);
	if (!pc)
		return;
	size_t raw_len = 0;
	const unsigned char *raw = mc_req_raw(r, &raw_len);
	if (raw_len > MAX_FORM) {
		mc_reply_problem(r, MC_PROB_BODY_TOO_LARGE, "the form is limited to %d bytes", MAX_FORM);
		return;
	}
	form *f = mc_req_own(r, mc_xcalloc(1, sizeof *f));
	char *body = mc_req_own(r, mc_xstrndup((const char *)raw, raw_len));
	for (char *save = NULL, *pair = strtok_r(body, "&", &save); pair && f->n < MC_ARRAY_LEN(f->names);
	     pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');
		if (!eq)
			continue;
		*eq = '\0';
		url_decode(pair);
		url_decode(eq + 1);
		f->names[f->n] = pair;
		f->values[f->n] = eq + 1;
		f->n++;
	}
	mc_payment_request rq;
	if (request_or_reply(r, pc, from_form, f, &rq) != 0)
		return;
	const char *result = from_form(f, "result_code");
	if (!result || strlen(result) != 2 || strspn(result, "0123456789") != 2) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "result_code must be two digits (00 = paid)");
		return;
	}
	/* The provider settles: a transaction number and time of its own, and a
	 * callback signed as a real provider would sign it. */
	settle_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	char *txn = mc_req_own(r, mc_xmalloc(32));
	char *time = mc_req_own(r, mc_xmalloc(15));
	char *check = mc_req_own(r, mc_xmalloc(MC_PAYMENT_CHECK_LEN + 1));
	char ref[25];
	if (mc_payment_new_reference(ref) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not make a transaction number");
		return;
	}
	snprintf(txn, 32, "TEST%.16s", ref);
	mc_payment_time(time, mc_now());
	j->cb = (mc_payment_callback){.partner_code = rq.partner_code,
				      .reference = rq.reference,
				      .amount = rq.amount,
				      .transaction_no = txn,
				      .result_code = result,
				      .time = time};
	if (mc_payment_callback_sign(check, &j->cb, pc->secret) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "a field holds '|'");
		return;
	}
	j->cb.check_value = check;
	j->return_url = rq.return_url;
	settle(r, j, pc);
}
