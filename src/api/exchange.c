/*
 * /api/v1/edxml and /api/v1/documents/{id}/send|recall|exchange-status|
 * exchange|edxml - official documents exchanged with peers as edXML
 * packages (QCVN 102:2016/BTTTT; docs/documents.md §9). The rules in
 * app/exchange.h.
 *
 * POST /api/v1/edxml is the inbox of peers: no session, the package's XML
 * signature against the sender's configured certificate is the
 * authentication, checked on the worker before anything is written.
 */
#include "api/api.h"

#include "app/exchange.h"
#include "core/limits.h"
#include "http/limiter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const mc_exchange *exchange_or_reply(mc_req *r)
{
	const mc_exchange *x = mc_req_config(r)->exchange;
	if (!x)
		mc_reply_problem(r, MC_PROB_EXCHANGE_NOT_CONFIGURED,
				 "exchange_peers is not set: this server exchanges no documents");
	return x;
}

/* ---- the peers' inbox ---- */

typedef struct {
	const mc_time_ctx *tc;
	mc_edxml_message msg;
	const char *xml;
	size_t len;
	mc_xch_receipt receipt;
	mc_err err;
	bool again; /* the write ran a second time after a conflict */
} receive_job;

static int receive_write(mc_store *st, void *payload)
{
	receive_job *j = payload;
	int rc = mc_app_exchange_receive(st, j->tc, &j->msg, j->xml, j->len, mc_now(), &j->receipt);
	mc_err_take(&j->err, rc);
	return rc;
}

static void receive_after(mc_req *r, int rc, void *payload)
{
	receive_job *j = payload;
	/* The same package received at the same moment by another server of
	 * this database (a sender's retry after a timeout): this write, undone,
	 * runs once more and finds it received, a repeat (200). A 409 would
	 * tell the sender that the package was refused. */
	if (rc == MC_ECONFLICT && !j->again) {
		j->again = true;
		mc_req_write(r, receive_write, receive_after, j);
		return;
	}
	const mc_err *e = mc_err_for(&j->err, rc);
	/* The reply frees the request and j with it: what it needs is taken first. */
	json_t *body = NULL;
	if (rc == 0) {
		json_t *docs = json_array();
		for (size_t i = 0; i < j->receipt.n_documents; i++)
			json_array_append_new(docs, json_integer(j->receipt.documents[i]));
		body = json_pack("{s:s, s:s, s:b, s:o}", "kind",
				 j->msg.kind == MC_EDXML_STATUS ? "status" : "document", "document_id",
				 j->msg.document_id, "replayed", j->receipt.replayed, "documents", docs);
	}
	bool replayed = j->receipt.replayed;
	mc_edxml_message_clear(&j->msg);
	if (rc == 0)
		mc_reply_json(r, replayed ? 200 : 201, body);
	else if (e->reason == MC_REASON_INVALID_FIELD)
		mc_reply_problem(r, MC_PROB_INVALID_PACKAGE, "%s", e->msg);
	else
		mc_reply_err(r, e, "the package");
}

void mc_api_edxml_receive(mc_req *r)
{
	const mc_exchange *x = exchange_or_reply(r);
	if (!x)
		return;
	/* The inbox takes packages from anyone and checks each whole (parse,
	 * signature); an address whose packages keep being refused is refused
	 * at once for a while, its next packages not parsed. */
	mc_limiter *refused = mc_req_exchange_refusals(r);
	char key[96];
	int64_t now = mc_now();
	int wait = 0;
	mc_api_address_key(r, key, sizeof key);
	if (mc_limiter_blocked(refused, key, now, &wait)) {
		mc_api_too_many(r, wait, "too many refused packages from this address");
		return;
	}
	size_t len = 0;
	const unsigned char *raw = mc_req_raw(r, &len);
	receive_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	mc_xch_refusal why = 0;
	char problem[400];
	int rc = mc_exchange_check(x, (const char *)raw, len, mc_req_config(r)->max_upload, now, &j->msg,
				   &why, problem, sizeof problem);
	if (rc) {
		mc_limiter_fail(refused, key, now);
		mc_reply_problem(r,
				 why == MC_XCH_UNKNOWN_SENDER  ? MC_PROB_UNKNOWN_SENDER
				 : why == MC_XCH_BAD_SIGNATURE ? MC_PROB_BAD_SIGNATURE
							       : MC_PROB_INVALID_PACKAGE,
				 "%s", problem);
		return;
	}
	j->tc = mc_req_time(r);
	j->xml = (const char *)raw;
	j->len = len;
	mc_req_write(r, receive_write, receive_after, j);
}

/* ---- a document's exchange ---- */

/* The document of the path, visible to the caller; replies 404/403 otherwise. */
static int document_or_reply(mc_req *r, mc_document *d)
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
	mc_actor actor;
	mc_req_actor(r, &actor);
	if (!mc_app_document_may_see(mc_req_time(r), &actor, d)) {
		mc_document_clear(d);
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the document is outside your unit's scope");
		return -1;
	}
	return 0;
}

enum { JOB_SEND = 1, JOB_RECALL, JOB_STATUS };

typedef struct {
	int kind;
	mc_actor actor;
	const mc_time_ctx *tc;
	const mc_exchange *x;
	int64_t id;
	const char **to;
	mc_xch_send send;
	const char *text; /* recall: reason; status: description */
	int code;
	mc_err err;
} act_job;

static int act_write(mc_store *st, void *payload)
{
	act_job *j = payload;
	int64_t now = mc_now();
	int rc;
	/* A send, a recall and a status told by hand are each a step on the
	 * document (an event) and a package to a peer: a flood from one account
	 * is refused as the other steps are. */
	mc_err_clear();
	rc = mc_app_document_step_allowed(st, j->actor.user_id, now);
	if (rc) {
		mc_err_take(&j->err, rc);
		return rc;
	}
	rc = MC_EINVAL;
	switch (j->kind) {
	case JOB_SEND:
		rc = mc_app_exchange_send(st, j->tc, j->x, &j->actor, j->id, &j->send, now);
		break;
	case JOB_RECALL:
		rc = mc_app_exchange_recall(st, j->tc, &j->actor, j->id, j->text, now);
		break;
	case JOB_STATUS:
		rc = mc_app_exchange_status(st, j->tc, &j->actor, j->id, j->code, j->text, now);
		break;
	}
	mc_err_take(&j->err, rc);
	return rc;
}

static void reply_exchange(mc_req *r, int status, int64_t id);

static void act_after(mc_req *r, int rc, void *payload)
{
	act_job *j = payload;
	if (rc) {
		mc_reply_err(r, mc_err_for(&j->err, rc), "the document");
		return;
	}
	reply_exchange(r, 202, j->id);
}

/* A job for the document of the path, which the caller may see. */
static act_job *job_or_reply(mc_req *r, int kind)
{
	mc_document d = {0};
	if (document_or_reply(r, &d) != 0)
		return NULL;
	act_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	j->kind = kind;
	j->id = d.id;
	j->tc = mc_req_time(r);
	mc_req_actor(r, &j->actor);
	mc_document_clear(&d);
	return j;
}

/* An optional document id field; replies 422 when it is not a positive integer. */
static int id_field_or_reply(mc_req *r, int64_t *out, const char *field)
{
	json_t *v = json_object_get(mc_req_body(r), field);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, field, "type", "%s must be a document id",
				       field);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

void mc_api_document_send(mc_req *r)
{
	json_t *to = NULL;
	const char *reason = NULL;
	/* the document's scope first: out of scope is 403 whatever else is wrong */
	act_job *j = job_or_reply(r, JOB_SEND);
	if (!j)
		return;
	/* A refusal frees the request's memory, j with it: nothing is written
	 * into j until exchange_or_reply has answered that it will not reply. */
	const mc_exchange *x = exchange_or_reply(r);
	if (!x)
		return;
	j->x = x;
	mc_field spec[] = {
	    {"to", MC_F_ARRAY, true, 1, 100, &to, 0},
	    {"reason", MC_F_TEXT, false, 1, MC_LIMIT_DOCUMENT_NOTE, &reason, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	int64_t response_for = 0, replaces = 0;
	if (id_field_or_reply(r, &response_for, "response_for") != 0 ||
	    id_field_or_reply(r, &replaces, "replaces") != 0)
		return;
	size_t n = json_array_size(to);
	const char **codes = mc_req_own(r, mc_xcalloc(n ? n : 1, sizeof *codes));
	for (size_t i = 0; i < n; i++) {
		const char *c = json_string_value(json_array_get(to, i));
		if (!c || !mc_edxml_organ_id_valid(c)) {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "to", "organ-id",
					       "to[%zu] must be an organisation code like 000.00.00.H56", i);
			return;
		}
		codes[i] = c;
	}
	j->send = (mc_xch_send){.to = codes,
				.n_to = n,
				.response_for_id = response_for,
				.replaces_id = replaces,
				.reason = reason};
	mc_req_write(r, act_write, act_after, j);
}

void mc_api_document_recall(mc_req *r)
{
	const char *reason = NULL;
	/* Without exchange_peers too: the copies inside the deployment. */
	act_job *j = job_or_reply(r, JOB_RECALL);
	if (!j)
		return;
	mc_field spec[] = {
	    {"reason", MC_F_TEXT, true, 1, MC_LIMIT_DOCUMENT_NOTE, &reason, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	j->text = reason;
	mc_req_write(r, act_write, act_after, j);
}

void mc_api_document_exchange_status(mc_req *r)
{
	const char *status = NULL, *description = NULL;
	act_job *j = job_or_reply(r, JOB_STATUS);
	if (!j || !exchange_or_reply(r))
		return;
	mc_field spec[] = {
	    {"status", MC_F_STRING, true, 1, 20, &status, 0},
	    {"description", MC_F_TEXT, false, 1, MC_LIMIT_DOCUMENT_NOTE, &description, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	int code = 0;
	for (int c = 1; c <= 6; c++)
		if (strcmp(status, mc_edxml_status_name(c)) == 0)
			code = c;
	/* arrived, accepted and assigned are told by arrival, registration and
	 * assignment themselves */
	if (code != MC_EDXML_STATUS_REFUSED && code != MC_EDXML_STATUS_PROCESSING &&
	    code != MC_EDXML_STATUS_DONE) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "status", "choice",
				       "status must be refused, processing or done");
		return;
	}
	j->code = code;
	j->text = description;
	mc_req_write(r, act_write, act_after, j);
}

static const char *direction_name(int d)
{
	return d == MC_XCH_OUT ? "out" : "in";
}

static const char *business_name(int b)
{
	switch (b) {
	case MC_EDXML_BUSINESS_RECALL:
		return "recall";
	case MC_EDXML_BUSINESS_UPDATE:
		return "update";
	case MC_EDXML_BUSINESS_REPLACE:
		return "replace";
	default:
		return "new";
	}
}

static json_t *or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* The packages of document id: sent, received, statuses, answers. */
static void reply_exchange(mc_req *r, int status, int64_t id)
{
	mc_xch_message *list = NULL;
	size_t n = 0;
	int rc = mc_store_xch_of_document(mc_req_store(r), &list, &n, id);
	if (rc) {
		mc_reply_error(r, rc, "the document's packages");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const mc_xch_message *m = &list[i];
		json_t *o = json_object();
		bool answer = m->document_id != id;
		json_object_set_new(o, "id", json_integer(m->id));
		json_object_set_new(o, "direction", json_string(direction_name(m->direction)));
		json_object_set_new(o, "kind",
				    json_string(m->kind == MC_EDXML_STATUS ? "status" : "document"));
		json_object_set_new(o, "organ_id", json_string(m->organ_id));
		json_object_set_new(o, "local_organ_id", or_null(m->local_organ_id));
		json_object_set_new(o, "message_id", json_string(m->message_id));
		json_object_set_new(o, "business", json_string(business_name(m->business)));
		json_object_set_new(o, "ref_message_id", or_null(m->ref_message_id));
		json_object_set_new(o, "answer", answer ? json_integer(m->document_id) : json_null());
		json_object_set_new(o, "response_for",
				    m->response_for_id ? json_integer(m->response_for_id) : json_null());
		if (m->kind == MC_EDXML_STATUS) {
			char code[4];
			snprintf(code, sizeof code, "%02d", m->status_code);
			json_object_set_new(o, "status_code", json_string(code));
			json_object_set_new(o, "status", json_string(mc_edxml_status_name(m->status_code)));
			json_object_set_new(o, "status_title",
					    json_string(mc_edxml_status_title(m->status_code)));
		}
		json_object_set_new(o, "description", or_null(m->description));
		json_object_set_new(o, "state", json_string(m->state));
		if (m->direction == MC_XCH_OUT) {
			json_object_set_new(o, "attempts", json_integer(m->attempts));
			json_object_set_new(o, "last_error", or_null(m->last_error));
			json_object_set_new(o, "sent_at", mc_api_time(m->sent_at));
		} else if (*m->last_error) {
			json_object_set_new(o, "note", json_string(m->last_error));
		}
		json_object_set_new(o, "created_at", mc_api_time(m->created_at));
		json_array_append_new(items, o);
	}
	mc_xch_message_free_list(list, n);
	mc_reply_json(r, status, json_pack("{s:I, s:o}", "document", (json_int_t)id, "items", items));
}

void mc_api_document_exchange(mc_req *r)
{
	mc_document d = {0};
	if (document_or_reply(r, &d) != 0)
		return;
	int64_t id = d.id;
	mc_document_clear(&d);
	reply_exchange(r, 200, id);
}

void mc_api_document_edxml(mc_req *r)
{
	mc_document d = {0};
	mc_xch_message *list = NULL;
	size_t n = 0;
	if (document_or_reply(r, &d) != 0)
		return;
	int rc = mc_store_xch_of_document(mc_req_store(r), &list, &n, d.id);
	const mc_xch_message *pick = NULL;
	/* the package that carried the document: the copy's as received, or
	 * the first sent (as signed and posted once delivered) */
	for (size_t i = 0; rc == 0 && i < n && !pick; i++)
		if (list[i].kind == MC_EDXML_DOCUMENT && list[i].document_id == d.id &&
		    list[i].business != MC_EDXML_BUSINESS_RECALL)
			pick = &list[i];
	if (rc)
		mc_reply_error(r, rc, "the document's packages");
	else if (!pick)
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "document %lld was not exchanged as edXML",
				 (long long)d.id);
	else
		mc_reply_raw(r, 200, "application/xml; charset=utf-8", pick->package, strlen(pick->package));
	mc_xch_message_free_list(list, n);
	mc_document_clear(&d);
}
