#include "app/payment.h"

#include "core/buf.h"
#include "core/err.h"

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields of a message and the secret: a few hundred bytes (the test
 * provider takes fields of at most 1000 bytes, the secret is at most 255). */
#define SIGNED_MAX 16384
/* The provider's URL (511 bytes) with a request's query string. */
#define URL_MAX 16384

int mc_payment_check_value(char out[MC_PAYMENT_CHECK_LEN + 1], const char *const *fields, size_t n,
			   const char *secret)
{
	int rc = 0;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	mc_buf text;

	out[0] = '\0';
	mc_buf_init(&text, SIGNED_MAX);
	/* docs/payments.md §2: the provider wants the plain SHA-256 of
	 * "f1|f2|...|fn|" + secret (not an HMAC), so the text is made whole and
	 * hashed in one call. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (strchr(fields[i], '|'))
			rc = MC_EINVAL;
		else
			rc = mc_buf_addf(&text, "%s|", fields[i]);
	}
	if (rc == 0)
		rc = mc_buf_adds(&text, secret);
	if (rc != 0)
		goto cleanup;
	if (EVP_Digest(text.data, text.len, md, &md_len, EVP_sha256(), NULL) != 1 ||
	    md_len * 2 != MC_PAYMENT_CHECK_LEN) {
		rc = MC_ERROR;
		goto cleanup;
	}
	for (unsigned int i = 0; i < md_len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
cleanup:
	/* The text holds the secret. */
	if (text.data)
		OPENSSL_cleanse(text.data, text.cap);
	mc_buf_free(&text);
	OPENSSL_cleanse(md, sizeof md);
	return rc;
}

bool mc_payment_check_equal(const char *a, const char *b)
{
	/* Both are compared over the full length of a check value whatever they
	 * hold, so the time taken says nothing about the right value. */
	char x[MC_PAYMENT_CHECK_LEN] = {0}, y[MC_PAYMENT_CHECK_LEN] = {0};
	size_t la = strlen(a), lb = strlen(b);
	memcpy(x, a, la < sizeof x ? la : sizeof x);
	memcpy(y, b, lb < sizeof y ? lb : sizeof y);
	return (CRYPTO_memcmp(x, y, sizeof x) == 0) & (la == MC_PAYMENT_CHECK_LEN) &
	       (lb == MC_PAYMENT_CHECK_LEN);
}

void mc_payment_time(char out[15], int64_t t)
{
	int64_t local = t + MC_TZ_OFFSET;
	int64_t days = local / 86400, secs = local % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	int y, m, d;
	mc_civil_from_days((int32_t)days, &y, &m, &d);
	char buf[64];
	snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", y, m, d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
	memcpy(out, buf, 14);
	out[14] = '\0';
}

bool mc_payment_time_valid(const char *s)
{
	if (strlen(s) != 14)
		return false;
	int v[6] = {0};
	static const int width[6] = {4, 2, 2, 2, 2, 2};
	for (int i = 0, pos = 0; i < 6; i++) {
		for (int k = 0; k < width[i]; k++, pos++) {
			if (s[pos] < '0' || s[pos] > '9')
				return false;
			v[i] = v[i] * 10 + (s[pos] - '0');
		}
	}
	return v[0] >= 2000 && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 && v[2] <= 31 && v[3] <= 23 &&
	       v[4] <= 59 && v[5] <= 59;
}

int mc_payment_new_reference(char out[25])
{
	unsigned char raw[12];
	if (RAND_bytes(raw, sizeof raw) != 1) {
		out[0] = '\0';
		return MC_ERROR;
	}
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(out + 2 * i, 3, "%02X", raw[i]);
	return 0;
}

int mc_payment_request_sign(char out[MC_PAYMENT_CHECK_LEN + 1], const mc_payment_request *rq,
			    const char *secret)
{
	char amount[24];
	snprintf(amount, sizeof amount, "%lld", (long long)rq->amount);
	const char *fields[] = {rq->partner_code, rq->reference,  amount,
				rq->order_info,	  rq->return_url, rq->time};
	return mc_payment_check_value(out, fields, MC_ARRAY_LEN(fields), secret);
}

/* Appends "&name=value" (the '&' only after the first) to b, the value
 * percent-encoded by libcurl: RFC 3986 unreserved characters kept, every
 * other byte as %XX. */
static int query_add(mc_buf *b, const char *name, const char *value)
{
	char *escaped = curl_easy_escape(NULL, value, 0);
	int rc = escaped ? mc_buf_addf(b, "%s%s=%s", b->len ? "&" : "", name, escaped) : MC_ERROR;
	curl_free(escaped);
	return rc;
}

int mc_payment_request_url(char **out, const char *url, const mc_payment_request *rq, const char *secret)
{
	char check[MC_PAYMENT_CHECK_LEN + 1], amount[24];
	mc_buf query, whole;
	int rc = mc_payment_request_sign(check, rq, secret);

	*out = NULL;
	mc_buf_init(&query, URL_MAX);
	mc_buf_init(&whole, URL_MAX);
	if (rc != 0)
		goto cleanup;
	snprintf(amount, sizeof amount, "%lld", (long long)rq->amount);
	rc = query_add(&query, "partner_code", rq->partner_code);
	if (rc == 0)
		rc = query_add(&query, "reference", rq->reference);
	if (rc == 0)
		rc = query_add(&query, "amount", amount);
	if (rc == 0)
		rc = query_add(&query, "order_info", rq->order_info);
	if (rc == 0)
		rc = query_add(&query, "return_url", rq->return_url);
	if (rc == 0)
		rc = query_add(&query, "time", rq->time);
	if (rc == 0)
		rc = query_add(&query, "check_value", check);
	if (rc == 0)
		rc = mc_buf_addf(&whole, "%s%c%s", url, strchr(url, '?') ? '&' : '?', query.data);
	if (rc == 0)
		*out = mc_buf_steal(&whole);
cleanup:
	mc_buf_free(&query);
	mc_buf_free(&whole);
	return rc;
}

int mc_payment_callback_sign(char out[MC_PAYMENT_CHECK_LEN + 1], const mc_payment_callback *cb,
			     const char *secret)
{
	char amount[24];
	snprintf(amount, sizeof amount, "%lld", (long long)cb->amount);
	const char *fields[] = {cb->partner_code,   cb->reference,   amount,
				cb->transaction_no, cb->result_code, cb->time};
	return mc_payment_check_value(out, fields, MC_ARRAY_LEN(fields), secret);
}

int mc_payment_callback_verify(const mc_payment_callback *cb, const char *secret)
{
	char expected[MC_PAYMENT_CHECK_LEN + 1];
	if (!secret || !secret[0] || !cb->check_value)
		return MC_EFORBIDDEN;
	if (mc_payment_callback_sign(expected, cb, secret) != 0)
		return MC_EFORBIDDEN;
	return mc_payment_check_equal(expected, cb->check_value) ? 0 : MC_EFORBIDDEN;
}

int mc_app_payment_owe(mc_store *st, int64_t dossier_id, int64_t amount, int64_t at)
{
	mc_payment p = {0};
	char reference[25];
	int rc;

	/* Only an amount is owed; the store records what it is given. */
	if (amount <= 0)
		return MC_EINVAL;
	rc = mc_payment_new_reference(reference);
	if (rc != 0)
		return rc;
	p.reference = mc_xstrdup(reference);
	p.dossier_id = dossier_id;
	p.amount = amount;
	p.created_at = at;
	rc = mc_store_payment_create(st, &p);
	if (rc == MC_ECONFLICT)
		rc = mc_err_set(rc, MC_REASON_STATE, "a payment of the dossier is pending already");
	mc_payment_clear(&p);
	return rc;
}

/* Replaces the owned string *field with a copy of v. */
static void set_str(char **field, const char *v)
{
	free(*field);
	*field = mc_xstrdup(v);
}

/* Makes the JSON text of j (stolen) the receipt, whole. */
static int set_receipt(mc_payment *p, json_t *j)
{
	int rc = MC_ERROR;
	char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	if (text) {
		free(p->receipt);
		p->receipt = text;
		rc = 0;
	}
	json_decref(j);
	return rc;
}

int mc_app_payment_close(mc_store *st, const mc_actor *actor, int64_t dossier_id, const char *state,
			 const char *note, int64_t at)
{
	mc_payment p = {0};
	int rc;

	/* By hand, a payment is only ever taken or called off; failing is the
	 * provider's word (mc_app_payment_settle). */
	if (strcmp(state, "paid") != 0 && strcmp(state, "cancelled") != 0)
		return MC_EINVAL;
	rc = mc_store_payment_latest(st, &p, dossier_id);
	if (rc == MC_ENOTFOUND || (rc == 0 && strcmp(p.state, "pending") != 0)) {
		rc = 0;
		goto cleanup;
	}
	if (rc != 0)
		goto cleanup;
	set_str(&p.state, state);
	p.paid_at = at;
	if (strcmp(state, "paid") == 0) {
		set_str(&p.provider, "manual");
		rc = set_receipt(&p, json_pack("{s:s, s:s?, s:s?}", "recorded_by", actor->name, "role",
					       mc_role_name(actor->role), "note", note));
		if (rc != 0)
			goto cleanup;
	}
	rc = mc_store_payment_settle(st, &p);
cleanup:
	mc_payment_clear(&p);
	return rc;
}

mc_may mc_app_payment_may_start(const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier *d)
{
	/* Paying is not confirming: the owner (online) or the receiving desk (for
	 * a walk-in) starts a payment; only the platform's callback, or the desk
	 * taking the money at the counter, settles it (the pay action). */
	if (actor->role == MC_ROLE_CITIZEN) {
		if (d->owner_id == 0 || d->owner_id != actor->user_id)
			return MC_MAY_NOT_OWNER;
	} else if (actor->role == MC_ROLE_DESK) {
		if (!actor->unit_id || !mc_time_ctx_within(tc, d->receiving_unit_id, actor->unit_id))
			return MC_MAY_NOT_SCOPE;
	} else {
		return MC_MAY_NOT_ROLE;
	}
	return d->state == MC_ST_AWAITING_PAYMENT ? MC_MAY : MC_MAY_NOT_STATE;
}

int mc_app_payment_start(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const char *code,
			 int64_t at, mc_payment *out, bool *created)
{
	mc_dossier d = {0};
	int rc;

	mc_err_clear();
	*created = false;
	rc = mc_store_dossier_get(st, &d, code, false);
	if (rc == MC_ENOTFOUND)
		rc = mc_err_set(rc, MC_REASON_NOT_FOUND, "no dossier has code %s", code);
	if (rc != 0)
		goto cleanup;
	switch (mc_app_payment_may_start(tc, actor, &d)) {
	case MC_MAY:
		break;
	case MC_MAY_NOT_STATE:
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "the dossier is not awaiting payment");
		goto cleanup;
	case MC_MAY_NOT_SCOPE:
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				"the dossier was received by a unit outside your scope");
		goto cleanup;
	case MC_MAY_NOT_OWNER:
	case MC_MAY_NOT_ROLE:
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "your role may not pay this dossier");
		goto cleanup;
	}
	mc_payment_clear(out);
	rc = mc_store_payment_latest(st, out, d.id);
	if (rc != 0 && rc != MC_ENOTFOUND)
		goto cleanup;
	if (rc == 0 && strcmp(out->state, "pending") == 0)
		goto cleanup;
	/* No amount was stated, or it was settled: only a failed attempt is
	 * tried again; a cancelled or paid amount is not owed any more. */
	if (rc == MC_ENOTFOUND || strcmp(out->state, "failed") != 0) {
		rc = mc_err_set(
		    MC_EINVAL, MC_REASON_NOTHING_OWED,
		    "no amount is owed online for this dossier; the fee is paid as the office says");
		goto cleanup;
	}
	rc = mc_app_payment_owe(st, d.id, out->amount, at);
	mc_payment_clear(out);
	if (rc == 0)
		rc = mc_store_payment_latest(st, out, d.id);
	*created = rc == 0;
cleanup:
	mc_dossier_clear(&d);
	return rc;
}

/* The answer to a confirmation for a payment that is no longer pending. The
 * provider repeats a confirmation until it hears that it was taken: the same
 * one again (same result, provider and transaction) is answered as before,
 * with *repeat set; anything else is MC_ECONFLICT. */
static int settled_answer(const mc_payment *p, const mc_payment_callback *cb, const char *provider,
			  mc_payment *out, bool *repeat)
{
	bool paid = strcmp(cb->result_code, MC_PAYMENT_RESULT_OK) == 0;

	if (strcmp(p->state, paid ? "paid" : "failed") != 0 || strcmp(p->provider, provider) != 0 ||
	    strcmp(p->provider_txn, cb->transaction_no) != 0)
		return mc_err_set(
		    MC_ECONFLICT, MC_REASON_PAYMENT_CLOSED,
		    "payment %s was settled or closed already, otherwise than this confirmation says",
		    cb->reference);
	*repeat = true;
	mc_payment_copy(out, p);
	return 0;
}

int mc_app_payment_settle(mc_store *st, const mc_time_ctx *tc, const mc_payment_callback *cb,
			  const char *provider, int64_t at, mc_payment *out, bool *repeat)
{
	mc_payment p = {0};
	mc_dossier d = {0};
	bool paid = strcmp(cb->result_code, MC_PAYMENT_RESULT_OK) == 0;
	int rc;

	mc_err_clear();
	*repeat = false;
	rc = mc_store_payment_by_reference(st, &p, cb->reference);
	if (rc == MC_ENOTFOUND)
		rc = mc_err_set(rc, MC_REASON_UNKNOWN_PAYMENT, "no payment has reference %s", cb->reference);
	if (rc != 0)
		goto cleanup;
	if (p.amount != cb->amount) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_AMOUNT_MISMATCH, "payment %s is for %lld VND, not %lld",
				cb->reference, (long long)p.amount, (long long)cb->amount);
		goto cleanup;
	}
	if (strcmp(p.state, "pending") != 0) {
		rc = settled_answer(&p, cb, provider, out, repeat);
		goto cleanup;
	}
	set_str(&p.state, paid ? "paid" : "failed");
	p.paid_at = at;
	set_str(&p.provider, provider);
	set_str(&p.provider_txn, cb->transaction_no);
	rc =
	    set_receipt(&p, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "partner_code", cb->partner_code,
				      "reference", cb->reference, "amount", (json_int_t)cb->amount,
				      "transaction_no", cb->transaction_no, "result_code", cb->result_code,
				      "time", cb->time, "check_value", cb->check_value));
	if (rc != 0)
		goto cleanup;
	rc = mc_store_payment_settle(st, &p);
	if (rc == MC_ECONFLICT) {
		/* It was pending when read, and is not now: another server (or
		 * this one's other connection) settled it in between, typically
		 * with this same confirmation, which a provider or a load balancer
		 * may deliver twice at once. Answer from what was committed: the
		 * same confirmation is a repeat, not a conflict, since a conflict
		 * tells the provider to give the money back. */
		mc_payment now = {0};
		rc = mc_store_payment_by_reference(st, &now, cb->reference);
		if (rc == 0)
			rc = strcmp(now.state, "pending") == 0
				 ? MC_EBUSY
				 : settled_answer(&now, cb, provider, out, repeat);
		mc_payment_clear(&now);
		goto cleanup;
	}
	if (rc != 0 || !paid)
		goto cleanup;

	/* The platform has the money: the dossier goes back to where it paused,
	 * in this same transaction, so a paid fee never leaves it waiting. */
	mc_actor system = {.system = true};
	snprintf(system.name, sizeof system.name, "Cổng thanh toán (%.64s)", provider);
	char note[160];
	snprintf(note, sizeof note, "Đã thanh toán trực tuyến %lld đồng, mã giao dịch %.64s",
		 (long long)p.amount, cb->transaction_no);
	mc_action_req req = {.action = MC_ACT_PAY, .note = note, .at = at};
	rc = mc_app_dossier_act(st, tc, &system, p.dossier_code, &req, &d);
	/* The dossier cannot take it (withdrawn, stopped, changed meanwhile): a
	 * conflict, which tells the provider to give the money back. */
	if (rc == MC_EFORBIDDEN || rc == MC_ESTALE || rc == MC_ECONFLICT) {
		char why[MC_ERR_MSG_MAX];
		snprintf(why, sizeof why, "%s", mc_err_last()->msg);
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_PAYMENT_CLOSED,
				"dossier %s cannot take payment %s: %s", p.dossier_code, cb->reference, why);
	}
cleanup:
	if (rc == 0 && !*repeat) {
		/* Moved: out owns the strings now. */
		mc_payment_clear(out);
		*out = p;
		p = (mc_payment){0};
	}
	mc_payment_clear(&p);
	mc_dossier_clear(&d);
	return rc;
}
