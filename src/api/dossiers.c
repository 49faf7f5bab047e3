/* /api/v1/dossiers - filing, the work queue, detail and actions. */
#include "api/api.h"

#include "app/notify.h"
#include "core/code.h"
#include "core/limits.h"
#include "core/text.h"
#include "http/cache.h"
#include "render/qr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOCS MC_LIMIT_DOSSIER_DOCS

/* Reads "documents": [{name, originals, copies, attachment, filename, mime}]
 * for the target dossier (the files it may take: mc_api_may_use_attachment).
 * The documents and their strings belong to the request (mc_req_own): the
 * dossier they go into takes copies. */
static int read_docs_or_reply(mc_req *r, json_t *arr, const mc_attach_target *target, mc_dossier_doc **out,
			      size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	size_t count = json_array_size(arr);
	mc_dossier_doc *docs = mc_req_own(r, mc_xcalloc(count ? count : 1, sizeof *docs));
	for (size_t i = 0; i < count; i++) {
		const char *name = NULL, *attachment = NULL, *filename = NULL;
		int64_t originals = 0, copies = 0;
		char where[48];
		snprintf(where, sizeof where, "documents[%zu].", i);
		mc_field spec[] = {
		    {"name", MC_F_STRING, true, 1, MC_LIMIT_DOSSIER_DOC_NAME, &name, 0},
		    {"originals", MC_F_INT, false, 0, 100, &originals, 0},
		    {"copies", MC_F_INT, false, 0, 100, &copies, 0},
		    {"attachment", MC_F_STRING, false, 64, 64, &attachment, 0},
		    {"filename", MC_F_STRING, false, 1, MC_LIMIT_DOSSIER_DOC_FILENAME, &filename, 0},
		};
		if (mc_fields_or_reply(r, json_array_get(arr, i), where, spec, MC_ARRAY_LEN(spec)) != 0)
			return -1;
		mc_dossier_doc *d = &docs[i];
		d->seq = (int)i + 1;
		d->name = (char *)name;
		d->originals = (int)originals;
		d->copies = (int)copies;
		if (attachment) {
			int64_t size = 0;
			bool usable = false;
			char mime[64];
			int rc =
			    mc_store_attachment_stat(mc_req_store(r), &size, mime, sizeof mime, attachment);
			/* Someone else's upload is no more known to this caller than a
			 * file never uploaded: the same answer for both. */
			if (rc == 0)
				rc = mc_api_may_use_attachment(r, &usable, attachment, target);
			if (rc == 0 && !usable)
				rc = MC_ENOTFOUND;
			if (rc == MC_ENOTFOUND || rc == MC_EINVAL) {
				char field[64];
				snprintf(field, sizeof field, "%sattachment", where);
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, field, "unknown",
						       "%s names no uploaded file; upload it first with POST "
						       "/api/v1/attachments",
						       field);
				return -1;
			}
			if (rc != 0) {
				mc_reply_error(r, rc, "the attachment");
				return -1;
			}
			/* 64 hex digits: attachment_stat refuses anything else. */
			if (mc_strlcpy(d->sha256, attachment, sizeof d->sha256) != 0) {
				mc_reply_problem(r, MC_PROB_INVALID_FIELD,
						 "%sattachment must be a SHA-256 digest", where);
				return -1;
			}
			d->mime = mc_req_own(r, mc_xstrdup(mime));
			d->size = size;
			d->filename = (char *)(filename ? filename : name);
		}
	}
	*out = docs;
	*n = count;
	return 0;
}

/* Looks a unit up by code for a request field; replies 422 when unknown. */
static int unit_by_code_or_reply(mc_req *r, mc_unit *out, const char *code, const char *field)
{
	int rc = mc_store_unit_by_code(mc_req_store(r), out, code);
	if (rc == MC_ENOTFOUND) {
		mc_reply_field_problem(r, MC_PROB_UNKNOWN_UNIT, field, "unknown", "%s: no unit has code %s",
				       field, code);
		return -1;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the unit");
		return -1;
	}
	return 0;
}

typedef struct {
	mc_actor actor;
	mc_dossier_new in;
	const mc_time_ctx *tc;
	mc_dossier out;
	const char *code;
	mc_action_req act;
	bool if_match;
	const char *public_url;
	/* Online filing by a citizen: the limits, the client address and why it must wait. */
	bool limited;
	mc_filing_limits limits;
	char peer[MC_FILING_PEER_MAX];
	mc_filing_verdict verdict;
	mc_err err;	   /* why the write failed (core/err.h) */
	mc_procedure proc; /* a filing's procedure, as read by the handler (owned) */
} dossier_job;

/* Queues what the applicant is to be told, in the transaction of the event. */
static int notify(mc_store *st, dossier_job *j, const char *action, int64_t at)
{
	mc_procedure p = {0};
	const char *proc = NULL;
	/* Nothing is queued for an applicant without an address to write to:
	 * the procedure's name would be read for nothing. */
	if ((!j->out.applicant_email || !j->out.applicant_email[0]) &&
	    (!j->out.applicant_phone || !j->out.applicant_phone[0]))
		return 0;
	if (j->proc.name && j->proc.id == j->out.procedure_id)
		proc = j->proc.name;
	else if (mc_store_procedure_get_id(st, &p, j->out.procedure_id, false) == 0)
		proc = p.name;
	const mc_unit *u = mc_time_ctx_unit(j->tc, j->out.receiving_unit_id);
	int rc = mc_notify_dossier(st, &j->out, action, proc, u ? u->name : NULL, j->public_url, at);
	mc_procedure_clear(&p);
	return rc;
}

static int create_write(mc_store *st, void *payload)
{
	dossier_job *j = payload;
	int rc = 0;

	/* A job may run again (group.h): from nothing. */
	mc_dossier_clear(&j->out);
	j->in.at = mc_now();
	/* Counted and recorded in this transaction, so that no other filing of
	 * the account or address (on any server) slips between the two. */
	if (j->limited) {
		rc = mc_app_filing_admit(st, &j->limits, j->actor.user_id, j->peer, j->in.at, &j->verdict);
		if (rc == 0 && j->verdict.limited)
			rc = mc_app_filing_refusal(&j->verdict);
		if (rc != 0)
			goto cleanup;
	}
	rc = mc_app_dossier_create(st, j->tc, &j->actor, &j->in, &j->out);
	if (rc == 0 && j->limited)
		rc = mc_store_filing_record(st, j->out.id, j->actor.user_id, j->peer, j->in.at);
	if (rc == 0)
		rc = notify(st, j, "create", j->in.at);
cleanup:
	mc_err_take(&j->err, rc);
	return rc;
}

/* 429 with the seconds until the limit reached frees a slot. */
static void reply_limited(mc_req *r, const mc_filing_verdict *v)
{
	mc_err e;
	mc_err_take(&e, mc_app_filing_refusal(v));
	mc_reply_err(r, &e, "the filing");
}

static void reply_dossier(mc_req *r, int status, const mc_dossier *d)
{
	char etag[32], location[128];
	snprintf(etag, sizeof etag, "\"%lld\"", (long long)d->version);
	mc_reply_header(r, "ETag", etag);
	if (status == 201) {
		snprintf(location, sizeof location, "/api/v1/dossiers/%s", d->code);
		mc_reply_header(r, "Location", location);
	}
	mc_reply_json(r, status, mc_api_dossier_json(r, d, true, NULL, 0));
}

/* 201 with the dossier just filed: its procedure is the one it was filed
 * with, and it has no rating or payment yet (nothing to read). */
static void reply_created(mc_req *r, const mc_dossier *d, const mc_procedure *proc)
{
	char etag[32], location[128];
	snprintf(etag, sizeof etag, "\"%lld\"", (long long)d->version);
	mc_reply_header(r, "ETag", etag);
	snprintf(location, sizeof location, "/api/v1/dossiers/%s", d->code);
	mc_reply_header(r, "Location", location);
	mc_reply_json(r, 201,
		      mc_api_dossier_json_created(r, d, proc->id == d->procedure_id ? proc->name : NULL));
}

static void create_after(mc_req *r, int rc, void *payload)
{
	dossier_job *j = payload;
	/* The reply frees the request and j with it: the dossier is taken out first. */
	mc_dossier out = j->out;
	mc_procedure proc = j->proc;
	j->out = (mc_dossier){0};
	j->proc = (mc_procedure){0};
	if (rc == 0)
		reply_created(r, &out, &proc);
	else if (j->err.reason == MC_REASON_RETURN_BOUNDARY)
		mc_reply_field_problem(r, MC_PROB_NOT_RECEIVABLE_HERE, "return_centre", "boundary", "%s",
				       j->err.msg);
	else if (j->err.reason == MC_REASON_RETURN_NO_DESK)
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "return_centre", "no-desk", "%s",
				       j->err.msg);
	else if (j->err.reason == MC_REASON_BOUNDARY)
		mc_reply_field_problem(r, MC_PROB_NOT_RECEIVABLE_HERE,
				       j->in.centre_id ? "centre"
				       : j->in.unit_id ? "unit"
						       : "procedure_code",
				       "boundary", "%s", j->err.msg);
	else
		mc_reply_err(r, mc_err_for(&j->err, rc), "filing the dossier");
	mc_dossier_clear(&out);
	mc_procedure_clear(&proc);
}

/* The rest of the filing's checks, then the write: 0 once queued (the
 * reply frees what the job holds), -1 once answered. */
static int create_queue(mc_req *r, dossier_job *j, const char *procedure, const char *unit,
			const char *centre, const char *return_centre, json_t *documents)
{
	int rc;
	/* The centre chosen to hand back the result, at the desk or online. */
	const mc_unit *known_return =
	    return_centre ? mc_time_ctx_unit_by_code(mc_req_time(r), return_centre) : NULL;
	if (known_return) {
		j->in.return_id = known_return->id;
	} else if (return_centre) {
		mc_unit u;
		if (unit_by_code_or_reply(r, &u, return_centre, "return_centre") != 0)
			return -1;
		j->in.return_id = u.id;
		mc_unit_clear(&u);
	}
	/* The centre an applicant filing online chooses (app/dossier.h): the
	 * writer judges it by the rule of the day. */
	if (centre && j->actor.role != MC_ROLE_CITIZEN) {
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "centre", "role",
		    "only an applicant filing online chooses the centre; a desk receives at "
		    "its own");
		return -1;
	}
	const mc_unit *known_centre = centre ? mc_time_ctx_unit_by_code(mc_req_time(r), centre) : NULL;
	if (known_centre) {
		j->in.centre_id = known_centre->id;
	} else if (centre) {
		mc_unit u;
		if (unit_by_code_or_reply(r, &u, centre, "centre") != 0)
			return -1;
		j->in.centre_id = u.id;
		mc_unit_clear(&u);
	}
	/* The time context knows every unit but one made a moment ago elsewhere. */
	const mc_unit *known = unit ? mc_time_ctx_unit_by_code(mc_req_time(r), unit) : NULL;
	if (known) {
		j->in.unit_id = known->id;
	} else if (unit) {
		mc_unit u;
		if (unit_by_code_or_reply(r, &u, unit, "unit") != 0)
			return -1;
		j->in.unit_id = u.id;
		mc_unit_clear(&u);
	}
	/* A desk naming a unit outside its scope: received there regardless
	 * of administrative boundary, or refused (core/onestop.h), answered
	 * before the rest of the body. The writer asks again at its instant. */
	if (unit && j->actor.role == MC_ROLE_DESK && !mc_api_in_scope(r, j->in.unit_id)) {
		const mc_unit *u = mc_time_ctx_unit(mc_req_time(r), j->in.unit_id);
		int64_t reception = 0;
		mc_err_clear();
		rc = u ? mc_app_dossier_receivable(mc_req_time(r), &j->actor, u, &j->proc, mc_now(),
						   &reception)
		       : 0;
		if (rc != 0) {
			mc_err e;
			mc_err_take(&e, rc);
			if (e.reason == MC_REASON_BOUNDARY)
				mc_reply_field_problem(r, MC_PROB_NOT_RECEIVABLE_HERE, "unit", "boundary",
						       "%s", e.msg);
			else
				mc_reply_err(r, &e, "filing the dossier");
			return -1;
		}
	}
	mc_dossier_doc *docs = NULL;
	/* A citizen's earlier papers are theirs; a desk's, those filed under
	 * the same identity number. */
	mc_attach_target target = {
	    .owner_id = j->actor.role == MC_ROLE_CITIZEN ? j->actor.user_id : 0,
	    .id_number = j->in.applicant_id_number,
	};
	if (read_docs_or_reply(r, documents, &target, &docs, &j->in.n_docs) != 0)
		return -1;
	j->in.docs = docs;
	j->in.procedure_code = procedure;
	j->in.procedure = &j->proc;
	j->tc = mc_req_time(r);
	j->public_url = mc_req_public_url(r);
	/* A citizen's filings are limited per account and address; a first
	 * count on this worker's connection turns a flood away without queueing
	 * it on the writer, which counts again under its lock (app/filing.h). */
	if (j->actor.role == MC_ROLE_CITIZEN) {
		j->limited = true;
		j->limits = mc_req_config(r)->filing;
		mc_app_filing_peer(j->peer, mc_req_peer(r));
		rc = mc_app_filing_check(mc_req_store(r), &j->limits, j->actor.user_id, j->peer, mc_now(),
					 &j->verdict);
		if (rc != 0) {
			mc_reply_error(r, rc, "counting the account's filings");
			return -1;
		}
		if (j->verdict.limited) {
			reply_limited(r, &j->verdict);
			return -1;
		}
	}
	mc_req_write(r, create_write, create_after, j);
	return 0;
}

void mc_api_dossier_create(mc_req *r)
{
	dossier_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	const char *procedure = NULL, *channel = NULL, *unit = NULL, *centre = NULL, *return_centre = NULL;
	json_t *applicant = NULL, *documents = NULL;
	mc_field spec[] = {
	    {"procedure_code", MC_F_STRING, true, 1, 31, &procedure, 0},
	    {"channel", MC_F_STRING, true, 1, 15, &channel, 0},
	    {"unit", MC_F_STRING, false, 1, 24, &unit, 0},
	    {"centre", MC_F_STRING, false, 1, 24, &centre, 0},
	    {"return_centre", MC_F_STRING, false, 1, 24, &return_centre, 0},
	    {"applicant", MC_F_OBJECT, true, 0, 0, &applicant, 0},
	    {"documents", MC_F_ARRAY, false, 0, MAX_DOCS, &documents, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	mc_field who[] = {
	    {"name", MC_F_NAME, true, 1, MC_LIMIT_DOSSIER_APPLICANT_NAME, &j->in.applicant_name, 0},
	    {"id_number", MC_F_ID_NUMBER, false, 1, MC_LIMIT_DOSSIER_APPLICANT_ID_NUMBER,
	     &j->in.applicant_id_number, 0},
	    {"phone", MC_F_PHONE, false, 1, MC_LIMIT_DOSSIER_APPLICANT_PHONE, &j->in.applicant_phone, 0},
	    {"email", MC_F_EMAIL, false, 3, MC_LIMIT_DOSSIER_APPLICANT_EMAIL, &j->in.applicant_email, 0},
	    {"address", MC_F_STRING, false, 1, MC_LIMIT_DOSSIER_APPLICANT_ADDRESS, &j->in.applicant_address,
	     0},
	};
	if (mc_fields_or_reply(r, applicant, "applicant.", who, MC_ARRAY_LEN(who)) != 0)
		return;
	if (mc_channel_parse(&j->in.channel, channel) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "channel", "choice",
				       "channel must be direct, online or postal");
		return;
	}
	mc_req_actor(r, &j->actor);
	if (j->actor.role == MC_ROLE_CITIZEN && j->in.channel != MC_CH_ONLINE) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "channel", "choice",
				       "citizens file online: channel must be online");
		return;
	}
	mc_procedure p;
	int rc = mc_store_procedure_get(mc_req_store(r), &p, procedure, false);
	if (rc == MC_ENOTFOUND) {
		mc_reply_field_problem(r, MC_PROB_UNKNOWN_PROCEDURE, "procedure_code", "unknown",
				       "no procedure has code %s", procedure);
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the procedure");
		return;
	}
	if (strcmp(p.status, "active") != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "procedure_code", "inactive",
				       "procedure %s is %s and takes no new dossiers", procedure, p.status);
		mc_procedure_clear(&p);
		return;
	}
	/* The writer files with the procedure read here (app/dossier.h), and
	 * the reply names it: it is read once. The job owns it once queued; a
	 * refusal before that has freed the request, and j with it, when it
	 * replied: the strings are freed through p, not through j. */
	j->proc = p;
	if (create_queue(r, j, procedure, unit, centre, return_centre, documents) != 0)
		mc_procedure_clear(&p);
}

void mc_api_dossiers_list(mc_req *r)
{
	const mc_user *me = mc_req_user(r);
	int64_t limit = 50, offset = 0;
	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 200) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 10000000) != 0)
		return;
	mc_dossier_query q = {.limit = (int)limit, .offset = (int)offset};
	const char *state = mc_req_query(r, "state");
	if (state) {
		mc_state s;
		if (mc_state_parse(&s, state) != 0) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY,
					 "state %s is not one of the ten dossier states", state);
			return;
		}
		q.state = (int)s;
	}
	const char *open = mc_req_query(r, "open");
	q.open_only = open && strcmp(open, "true") == 0;
	q.q = mc_req_query(r, "q");
	if (q.q && strlen(q.q) > 200) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "q is limited to 200 bytes");
		return;
	}
	const char *mine = mc_req_query(r, "mine");
	/* The centres' views (mc_dossier_query.view): a centre chosen regardless
	 * of administrative boundary finds there the dossiers it received, or
	 * hands back, that are not its unit's. */
	const char *view = mc_req_query(r, "view");
	if (view) {
		if (strcmp(view, "reception") == 0) {
			q.view = MC_DOSSIER_VIEW_RECEPTION;
		} else if (strcmp(view, "return") == 0) {
			q.view = MC_DOSSIER_VIEW_RETURN;
		} else if (strcmp(view, "unit") != 0) {
			mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "view", "choice",
					       "view must be unit, reception or return");
			return;
		}
	}
	if (me->role == MC_ROLE_CITIZEN) {
		if (q.view != MC_DOSSIER_VIEW_UNIT) {
			mc_reply_problem(
			    r, MC_PROB_FORBIDDEN,
			    "the centres' views are for officers; your dossiers are listed without "
			    "view");
			return;
		}
		q.owner_id = me->id;
	} else {
		q.unit_id = me->unit_id;
		const char *unit = mc_req_query(r, "unit");
		if (unit) {
			mc_unit u;
			int rc = mc_store_unit_by_code(mc_req_store(r), &u, unit);
			int64_t unit_id = u.id;
			mc_unit_clear(&u);
			if (rc == MC_ENOTFOUND) {
				mc_reply_problem(r, MC_PROB_INVALID_QUERY, "no unit has code %s", unit);
				return;
			}
			if (rc != 0) {
				mc_reply_error(r, rc, "the unit");
				return;
			}
			/* An ended unit's dossiers are read by its heir's officers
			 * (mc_api_subtree_readable); not those a return centre
			 * hands back, which only its own scope reads. */
			bool readable = q.view == MC_DOSSIER_VIEW_RETURN
					    ? mc_api_in_scope(r, unit_id)
					    : mc_api_subtree_readable(r, unit_id);
			if (!readable) {
				mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE,
						 "unit %s is outside your unit's scope", unit);
				return;
			}
			q.unit_id = unit_id;
		}
		if (mine && strcmp(mine, "true") == 0)
			q.handler_id = me->id;
	}
	mc_dossier *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = mc_store_dossier_list(mc_req_store(r), &list, &n, &total, &q);
	if (rc == MC_EINVAL) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "q must be valid UTF-8 text");
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the dossier list");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, mc_api_dossier_json(r, &list[i], false, NULL, 0));
	/* The applicants of the page: one record of the list, not one per row
	 * (docs/operations.md, "Log of reads"); but a search by a name or an
	 * identity number looks for someone, and each dossier it shows is a
	 * read of that applicant's data, found by their request. */
	if (q.q && q.q[0]) {
		for (size_t i = 0; i < n; i++)
			mc_api_log_read(r, &list[i], 0, "search");
	} else {
		mc_api_log_list_read(r, q.unit_id, n, "list");
	}
	mc_dossier_free_list(list, n);
	mc_reply_json(r, 200,
		      json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "limit",
				(json_int_t)limit, "offset", (json_int_t)offset));
}

/* Loads the dossier named in the path and checks the caller may see it
 * (mc_api_may_see, the heir's reads included: what an officer may then do
 * is mc_app_dossier_may's); replies 404 to a citizen (who may not know it
 * exists), 403 to an officer, on failure. */
static int load_visible_or_reply(mc_req *r, mc_dossier *d, bool with_docs)
{
	int rc = mc_store_dossier_get(mc_req_store(r), d, mc_req_param(r, 0), with_docs);
	if (rc != 0) {
		mc_reply_error(r, rc, "the dossier");
		return -1;
	}
	if (!mc_api_may_see(r, d)) {
		mc_dossier_clear(d);
		if (mc_req_user(r)->role == MC_ROLE_CITIZEN)
			mc_reply_problem(r, MC_PROB_NOT_FOUND, "the dossier not found");
		else
			mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the dossier is outside your unit's scope");
		return -1;
	}
	return 0;
}

void mc_api_dossier_get(mc_req *r)
{
	mc_dossier d = {0};
	if (load_visible_or_reply(r, &d, true) != 0)
		return;
	mc_event *ev = NULL;
	size_t n = 0;
	int rc = mc_store_event_list(mc_req_store(r), &ev, &n, d.id);
	if (rc != 0) {
		mc_dossier_clear(&d);
		mc_reply_error(r, rc, "the dossier's history");
		return;
	}
	char etag[32];
	snprintf(etag, sizeof etag, "\"%lld\"", (long long)d.version);
	mc_reply_header(r, "ETag", etag);
	json_t *j = mc_api_dossier_json(r, &d, true, ev, n);
	mc_event_free_list(ev, n);
	mc_api_log_read(r, &d, 0, "dossier");
	mc_dossier_clear(&d);
	mc_reply_json(r, 200, j);
}

static int act_write(mc_store *st, void *payload)
{
	dossier_job *j = payload;
	/* A job may run again (group.h): from nothing. */
	mc_dossier_clear(&j->out);
	j->act.at = mc_now();
	int rc = mc_app_dossier_act(st, j->tc, &j->actor, j->code, &j->act, &j->out);
	if (rc == 0)
		rc = notify(st, j, mc_action_name(j->act.action), j->act.at);
	mc_err_take(&j->err, rc);
	return rc;
}

static void act_after(mc_req *r, int rc, void *payload)
{
	dossier_job *j = payload;
	const mc_err *e = mc_err_for(&j->err, rc);
	/* The reply frees the request and j with it: the dossier is taken out first. */
	mc_dossier out = j->out;
	j->out = (mc_dossier){0};
	if (rc == 0)
		reply_dossier(r, 200, &out);
	else if (e->reason == MC_REASON_STALE && j->if_match)
		/* The version the client named is not the dossier's any more. */
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "%s", e->msg);
	else
		mc_reply_err(r, e, "the action");
	mc_dossier_clear(&out);
}

void mc_api_dossier_action(mc_req *r)
{
	dossier_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	const char *action = NULL, *to_unit = NULL, *handler = NULL, *outcome = NULL;
	json_t *documents = NULL;
	mc_field spec[] = {
	    {"action", MC_F_STRING, true, 1, 31, &action, 0},
	    {"note", MC_F_TEXT, false, 1, MC_LIMIT_DOSSIER_NOTE, &j->act.note, 0},
	    {"to_unit", MC_F_STRING, false, 1, 24, &to_unit, 0},
	    {"handler", MC_F_STRING, false, 1, 63, &handler, 0},
	    {"outcome", MC_F_STRING, false, 1, 15, &outcome, 0},
	    {"documents", MC_F_ARRAY, false, 0, MAX_DOCS, &documents, 0},
	    /* VND; at most a thousand billion, far above any fee */
	    {"amount", MC_F_INT, false, 1, INT64_C(1000000000000), &j->act.amount, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	if (mc_action_parse(&j->act.action, action) != 0) {
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "action", "choice",
		    "action must be one of receive, refuse, request_supplement, supplement, assign, "
		    "transfer, request_payment, pay, resolve, return, withdraw, stop");
		return;
	}
	int64_t if_match = mc_api_if_match_version(r);
	if (if_match < 0) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED, "If-Match must be the ETag of the dossier");
		return;
	}
	if (documents && j->act.action != MC_ACT_SUPPLEMENT && j->act.action != MC_ACT_RESOLVE) {
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "documents", "choice",
		    "documents go with supplement (what was asked for) or resolve (the result), not %s",
		    action);
		return;
	}
	if (j->act.amount && j->act.action != MC_ACT_REQUEST_PAYMENT) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "amount", "choice",
				       "amount goes with request_payment (the fee owed), not %s", action);
		return;
	}
	mc_dossier d = {0};
	if (load_visible_or_reply(r, &d, false) != 0)
		return;
	mc_req_actor(r, &j->actor);
	int64_t version = d.version;
	/* The files the action may take: the dossier's own and its applicant's. */
	mc_attach_target target = {
	    .dossier_id = d.id,
	    .owner_id = d.owner_id,
	    .id_number = d.applicant_id_number ? mc_req_own(r, mc_xstrdup(d.applicant_id_number)) : NULL,
	};
	/* The same rule as the write applies (and as the dossier's list of
	 * actions); here only the scope is answered, the rest by the write. */
	mc_may may = mc_app_dossier_may(mc_req_time(r), &j->actor, &d, j->act.action);
	mc_dossier_clear(&d);
	if (if_match && if_match != version) {
		mc_reply_problem(r, MC_PROB_PRECONDITION_FAILED,
				 "the dossier is at version %lld, not %lld; reload it", (long long)version,
				 (long long)if_match);
		return;
	}
	if (may == MC_MAY_NOT_SCOPE) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE,
				 "the dossier is at a unit outside your scope for %s", action);
		return;
	}
	/* The app layer holds the same rules; here the field is named. */
	if (may == MC_MAY && j->act.action == MC_ACT_SUPPLEMENT && json_array_size(documents) == 0) {
		mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, "documents", "required",
				       "supplement needs documents: what the request asked for");
		return;
	}
	if (may == MC_MAY && j->act.action == MC_ACT_WITHDRAW && j->actor.role != MC_ROLE_CITIZEN &&
	    !j->act.note) {
		mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, "note", "required",
				       "an officer's withdrawal needs a note: the applicant's request");
		return;
	}
	if (to_unit) {
		mc_unit u;
		if (unit_by_code_or_reply(r, &u, to_unit, "to_unit") != 0)
			return;
		j->act.to_unit_id = u.id;
		mc_unit_clear(&u);
	}
	if (handler) {
		mc_user h = {0};
		int rc = mc_store_user_by_username(mc_req_store(r), &h, NULL, 0, handler);
		mc_role handler_role = (mc_role)h.role;
		int64_t handler_id = h.id;
		mc_user_clear(&h);
		if (rc != 0 && rc != MC_ENOTFOUND) {
			mc_reply_error(r, rc, "the handler");
			return;
		}
		if (rc != 0 || handler_role == MC_ROLE_CITIZEN) {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "handler", "unknown",
					       "handler: no officer has username %s", handler);
			return;
		}
		j->act.handler_id = handler_id;
	}
	if (outcome) {
		if (strcmp(outcome, "approved") == 0) {
			j->act.outcome = 1;
		} else if (strcmp(outcome, "refused") == 0) {
			j->act.outcome = 2;
		} else {
			mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "outcome", "choice",
					       "outcome must be approved or refused");
			return;
		}
	}
	mc_dossier_doc *docs = NULL;
	if (read_docs_or_reply(r, documents, &target, &docs, &j->act.n_docs) != 0)
		return;
	j->act.docs = docs;
	/* The scope was checked on this version; the write must apply to it, or a
	 * transfer committed in between would let an officer act on a dossier that
	 * has left their unit. Without If-Match a change in between is a 409. */
	j->act.if_version = if_match ? if_match : version;
	j->if_match = if_match != 0;
	j->code = mc_req_param(r, 0);
	j->tc = mc_req_time(r);
	j->public_url = mc_req_public_url(r);
	mc_req_write(r, act_write, act_after, j);
}

/* Renders the public view of a dossier: only what may be public, with no
 * identity number, contact, notes or officers; *version is the version read.
 * New reference, NULL on a store failure (rc set). */
static json_t *public_view(mc_req *r, const char *code, int *rc, int64_t *version)
{
	mc_store *st = mc_req_store(r);
	const mc_time_ctx *tc = mc_req_time(r);
	mc_dossier d = {0};
	mc_event *ev = NULL;
	size_t n = 0;
	char *masked = NULL;
	char *proc_name = NULL;
	json_t *j = NULL;

	/* One read: the dossier, its procedure's name and its events. */
	*rc = mc_store_dossier_public(st, &d, &proc_name, &ev, &n, code);
	if (*rc != 0)
		goto cleanup;
	mc_text_mask_name(&masked, d.applicant_name);
	json_t *timeline = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(timeline,
				      json_pack("{s:o, s:s, s:s, s:i, s:o}", "at", mc_api_time(ev[i].at),
						"action", ev[i].action, "state",
						mc_state_name((mc_state)ev[i].to_state), "national_status",
						ev[i].to_state, "unit", mc_api_unit_ref(tc, ev[i].unit_id)));
	j = json_pack("{s:s, s:{s:s, s:s?}, s:o, s:o, s:s, s:i, s:s?, s:o, s:o, s:o, s:o, s:o, s:o, s:I}",
		      "code", d.code, "procedure", "code", d.procedure_code, "name", proc_name,
		      "receiving_unit", mc_api_unit_ref(tc, d.receiving_unit_id), "current_unit",
		      mc_api_unit_ref(tc, d.current_unit_id), "state", mc_state_name((mc_state)d.state),
		      "national_status", d.state, "applicant_name", masked, "submitted_at",
		      mc_api_time(d.submitted_at), "received_at", mc_api_time(d.received_at), "due_at",
		      mc_api_time(d.due_at), "finished_at", mc_api_time(d.finished_at), "returned_at",
		      mc_api_time(d.returned_at), "timeline", timeline, "version", (json_int_t)d.version);
	json_object_set_new(j, "timeliness", mc_api_timeliness(tc, &d, mc_now()));
	*version = d.version;
cleanup:
	free(masked);
	free(proc_name);
	mc_event_free_list(ev, n);
	mc_dossier_clear(&d);
	return j;
}

/* Whether an If-None-Match list names the tag (weak comparison: W/ ignored). */
static bool etag_listed(const char *list, const char *etag)
{
	if (!list)
		return false;
	const char *want = strncmp(etag, "W/", 2) == 0 ? etag + 2 : etag;
	size_t want_len = strlen(want);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		size_t n = strcspn(p, ", ");
		if (n == want_len && strncmp(p, want, n) == 0)
			return true;
		p += n;
	}
	return false;
}

/* libevent's end of a cached body sent without a copy. */
static void body_sent(const void *data, size_t len, void *body)
{
	(void)data;
	(void)len;
	mc_cache_body_release(body);
}

/* A dossier code as people type it from the paper: without spaces, with
 * ASCII hyphens for typographic dashes, in upper case ("000.00.33.h56 -
 * 170302 – 0001" is 000.00.33.H56-170302-0001). Owned by the request. */
static const char *typed_code(mc_req *r, const char *code)
{
	size_t len = strlen(code);
	/* Most codes come as printed (from the receipt's QR code, a link): then
	 * there is nothing to copy, on the lookup's hot path. */
	size_t plain = 0;
	while (plain < len && code[plain] != ' ' && code[plain] != '\t' &&
	       (unsigned char)code[plain] != 0xe2 && !(code[plain] >= 'a' && code[plain] <= 'z'))
		plain++;
	if (plain == len)
		return code;
	char *out = mc_req_own(r, mc_xmalloc(len + 1));
	char *o = out;
	for (const char *p = code; *p; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		/* U+2010..U+2015 (hyphens and dashes) and U+2212 (minus) */
		if ((unsigned char)p[0] == 0xe2 &&
		    (((unsigned char)p[1] == 0x80 && (unsigned char)p[2] >= 0x90 &&
		      (unsigned char)p[2] <= 0x95) ||
		     ((unsigned char)p[1] == 0x88 && (unsigned char)p[2] == 0x92))) {
			*o++ = '-';
			p += 2;
			continue;
		}
		*o++ = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
	}
	*o = '\0';
	return out;
}

void mc_api_public_dossier(mc_req *r)
{
	const char *code = mc_req_param(r, 0);
	/* The code as given first (a unit's code may hold lower case); when no
	 * dossier has it, the code as it was likely meant. */
	const char *typed = typed_code(r, code);
	if (typed != code && strcmp(typed, code) != 0) {
		int64_t v = 0;
		int rc = mc_code_parse(&(mc_code_parts){0}, code) == 0
			     ? mc_store_dossier_version(mc_req_store(r), &v, code)
			     : MC_ENOTFOUND;
		if (rc == MC_ENOTFOUND)
			code = typed;
		else if (rc != 0) {
			mc_reply_error(r, rc, "the dossier");
			return;
		}
	}
	mc_code_parts parts;
	if (mc_code_parse(&parts, code) != 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no dossier has this code");
		return;
	}
	/* The hot path of the public portal. When nothing has been committed
	 * since this code's version was last read and found current (same change
	 * epoch), the cached bytes are served without a read; otherwise, when
	 * bytes young enough are cached, one indexed read of the version tells
	 * whether they are still those of the dossier; else it is rendered from
	 * one read, which gives its version too. The epoch is taken before any
	 * read, so what it stamps was current in it. */
	mc_cache *cache = mc_req_cache(r);
	int64_t version = 0, now = mc_now(), made_at = now;
	uint64_t epoch = mc_req_change_epoch(r);
	bool check = false;
	mc_cache_body *cached = mc_cache_get_current(cache, code, epoch, now, &version, &made_at, &check);
	if (!cached && check) {
		int rc = mc_store_dossier_version(mc_req_store(r), &version, code);
		if (rc != 0) {
			mc_reply_error(r, rc, "the dossier");
			return;
		}
		cached = mc_cache_get(cache, code, version, epoch, now, &made_at);
	}
	char *rendered = NULL;
	const char *body;
	size_t len = 0;
	if (cached) {
		body = mc_cache_body_data(cached, &len);
	} else {
		int rc = 0;
		json_t *j = public_view(r, code, &rc, &version);
		if (!j) {
			mc_reply_error(r, rc, "the dossier");
			return;
		}
		rendered = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		if (!rendered) {
			mc_reply_problem(r, MC_PROB_INTERNAL, "could not encode the reply");
			return;
		}
		body = rendered;
		len = strlen(rendered);
		mc_cache_put(cache, code, version, epoch, now, rendered, len);
	}
	/* The reply changes with the dossier's version and, through "due soon" and
	 * "overdue", with time: the tag names the version and when these bytes were
	 * made, so a browser that has them revalidates without a body (and without
	 * a read while nothing is committed). */
	char etag[64];
	snprintf(etag, sizeof etag, "W/\"%lld.%lld\"", (long long)version, (long long)made_at);
	mc_reply_header(r, "ETag", etag);
	mc_reply_header(r, "Cache-Control", "no-cache");
	if (etag_listed(mc_req_header(r, "If-None-Match"), etag)) {
		mc_cache_body_release(cached);
		free(rendered);
		mc_reply_empty(r, 304);
		return;
	}
	if (cached) {
		mc_reply_ref(r, 200, "application/json; charset=utf-8", body, len, body_sent, cached);
	} else {
		mc_reply_raw(r, 200, "application/json; charset=utf-8", body, len);
		free(rendered);
	}
}

/*
 * GET /api/v1/public/dossiers/{code}/qr.svg: the QR code of the dossier's
 * public lookup address (public_url/tra-cuu/<code>), as the receipt prints
 * it, for the filing-success screen and the printed receipt. Only for a code
 * that names a dossier: the server is no QR maker for anything else.
 */
void mc_api_public_dossier_qr(mc_req *r)
{
	const char *code = mc_req_param(r, 0);
	mc_code_parts parts;
	int64_t version = 0;
	char url[512];
	char *svg = NULL;
	size_t len = 0;
	int rc = mc_code_parse(&parts, code) == 0 ? mc_store_dossier_version(mc_req_store(r), &version, code)
						  : MC_ENOTFOUND;
	if (rc != 0) {
		mc_reply_error(r, rc, "the dossier");
		return;
	}
	int n = snprintf(url, sizeof url, "%s/tra-cuu/%s", mc_req_public_url(r), code);
	if (n < 0 || (size_t)n >= sizeof url || mc_qr_svg(&svg, &len, url, code) != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not draw the QR code");
		return;
	}
	/* The address of a code does not change. */
	mc_reply_header(r, "Cache-Control", "public, max-age=86400");
	mc_reply_raw(r, 200, "image/svg+xml; charset=utf-8", svg, len);
	free(svg);
}
