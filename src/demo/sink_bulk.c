/*
 * sink_bulk.c - the demo's dossiers for large volumes (`motcua demo`): each
 * decision is the app layer's own (mc_app_dossier_build and
 * mc_app_dossier_apply: due times, codes per unit and day, states, reasons)
 * taken on the dossier in memory, and the life is written at once when it
 * ends: the dossier as it stands, its events chained in order, its payments.
 *
 * Who owns what: the dossier is the generator's and owns its strings and
 * documents (store.h). The events and payments kept until the end borrow
 * the action names (static) and hold the actors' names and the notes, which
 * the generator may have made on its stack, as copies in one text pool of
 * the sink, reused from one life to the next: no allocation per event once
 * the pool has grown. Their pointers are made when the life ends, once the
 * pool no longer moves.
 */
#include "demo/sink.h"

#include "app/apology.h"
#include "app/form_number.h"

#include "core/mc.h"

#include <stdlib.h>
#include <string.h>

/* What an action did to the fee owed, replayed once the dossier is written. */
typedef struct {
	mc_actor actor;
	mc_action action;
	int from;
	int64_t at;
	size_t note; /* in the pool; (size_t)-1 none */
} pay_op;

/* An apology of the life, written once the dossier is: texts in the pool. */
typedef struct {
	mc_actor preparer, leader; /* names unused: in the pool */
	size_t reason, preparer_name, leader_name;
	int64_t unit_id, old_due, new_due, prepared_at, issued_at;
} apology_op;

/* An event's texts in the pool, until the life ends. */
typedef struct {
	size_t actor_name, note;
} ev_text;

typedef struct {
	mc_demo_sink base;
	mc_store *st;
	const mc_time_ctx *tc;
	/* the life so far, written when it ends; the arrays are reused */
	mc_event *ev;
	ev_text *ev_text;
	size_t n_ev, cap_ev;
	pay_op pays[8];
	size_t n_pays;
	apology_op apologies[4];
	size_t n_apologies;
	char *pool; /* the texts of the life's events and payments, NUL-terminated one after the other */
	size_t pool_len, pool_cap;
} bulk_sink;

/* Copies text into the pool; its offset there. */
static size_t keep_text(bulk_sink *s, const char *text)
{
	size_t len = strlen(text ? text : "") + 1;
	size_t at = s->pool_len;

	if (s->pool_cap - s->pool_len < len) {
		while (s->pool_cap - s->pool_len < len)
			s->pool_cap = s->pool_cap ? 2 * s->pool_cap : 4096;
		s->pool = mc_xrealloc(s->pool, s->pool_cap);
	}
	memcpy(s->pool + at, text ? text : "", len);
	s->pool_len += len;
	return at;
}

/* Keeps the event the app layer would have appended now. */
static void keep_event(bulk_sink *s, const mc_dossier *d, const mc_actor *actor, const char *action, int from,
		       const char *note, int64_t at)
{
	if (s->n_ev == s->cap_ev) {
		s->cap_ev = s->cap_ev ? 2 * s->cap_ev : 16;
		s->ev = mc_xrealloc(s->ev, s->cap_ev * sizeof *s->ev);
		s->ev_text = mc_xrealloc(s->ev_text, s->cap_ev * sizeof *s->ev_text);
	}
	/* action is a static name; the rest may not outlive this call. */
	mc_app_dossier_event_make(&s->ev[s->n_ev], d, actor, action, from, NULL, at);
	s->ev[s->n_ev].actor_name = NULL;
	s->ev_text[s->n_ev].actor_name = keep_text(s, actor->name);
	s->ev_text[s->n_ev].note = keep_text(s, note);
	s->n_ev++;
}

static int bulk_file(mc_demo_sink *sink, mc_dossier *d, const mc_actor *filer, const mc_dossier_new *in)
{
	bulk_sink *s = (bulk_sink *)sink;
	int rc;
	s->n_ev = 0;
	s->n_pays = 0;
	s->n_apologies = 0;
	s->pool_len = 0;
	rc = mc_app_dossier_build(s->st, s->tc, filer, in, d);
	if (rc != 0)
		return rc;
	/* The dossier owns copies of its documents: supplements add to them. */
	d->docs = mc_xcalloc(in->n_docs ? in->n_docs : 1, sizeof *d->docs);
	for (size_t i = 0; i < in->n_docs; i++)
		mc_dossier_doc_copy(&d->docs[i], &in->docs[i]);
	d->n_docs = in->n_docs;
	d->version = 1;
	keep_event(s, d, filer, "create", 0, NULL, in->at);
	return 0;
}

/* The app layer's decision on the dossier in memory, its event and what it
 * does to the fee, kept until the life ends. */
static int bulk_act(mc_demo_sink *sink, mc_dossier *d, const mc_actor *actor, const mc_action_req *req,
		    const mc_procedure *proc)
{
	bulk_sink *s = (bulk_sink *)sink;
	int from = d->state;
	(void)proc; /* d carries the procedure's rules it was filed under */
	int rc = mc_app_dossier_apply(s->st, s->tc, actor, d, req);
	if (rc != 0)
		return rc;
	d->version++;
	keep_event(s, d, actor, mc_action_name(req->action), from, req->note, req->at);
	if (req->action == MC_ACT_REQUEST_PAYMENT || req->action == MC_ACT_PAY ||
	    req->action == MC_ACT_WITHDRAW || req->action == MC_ACT_STOP) {
		if (s->n_pays == MC_ARRAY_LEN(s->pays))
			return MC_ERROR;
		pay_op *p = &s->pays[s->n_pays++];
		p->actor = *actor;
		p->action = req->action;
		p->from = from;
		p->at = req->at;
		p->note = req->note && req->note[0] ? keep_text(s, req->note) : (size_t)-1;
	}
	return 0;
}

/* What mc_app_apology_issue does to the dossier, in memory: the due time
 * by law kept, the appointment moved, the reason as its note, the event. The
 * apology itself is written when the life ends. */
static int bulk_apologise(mc_demo_sink *sink, mc_dossier *d, const mc_actor *preparer, const mc_actor *leader,
			  const mc_demo_apology *a)
{
	bulk_sink *s = (bulk_sink *)sink;
	if (s->n_apologies == MC_ARRAY_LEN(s->apologies) || !mc_app_apology_state_ok(d) ||
	    mc_app_apology_check_due(s->tc, d, a->new_due, a->issued_at) != MC_APOLOGY_DUE_OK)
		return MC_ERROR;
	apology_op *op = &s->apologies[s->n_apologies++];
	op->preparer = *preparer;
	op->leader = *leader;
	op->reason = keep_text(s, a->reason);
	op->preparer_name = keep_text(s, preparer->name);
	op->leader_name = keep_text(s, leader->name);
	op->unit_id = d->current_unit_id;
	op->old_due = d->due_at;
	op->new_due = a->new_due;
	op->prepared_at = a->prepared_at;
	op->issued_at = a->issued_at;
	if (!d->statutory_due_at)
		d->statutory_due_at = d->due_at;
	d->due_at = a->new_due;
	d->updated_at = a->issued_at;
	free(d->note);
	d->note = mc_xstrdup(a->reason);
	d->version++;
	keep_event(s, d, leader, "apology", d->state, a->reason, a->issued_at);
	return 0;
}

/* Writes the dossier as its life left it, then its events (chained as they
 * are appended) and its payments, in that order. */
static int bulk_end(mc_demo_sink *sink, mc_dossier *d, const mc_procedure *proc)
{
	bulk_sink *s = (bulk_sink *)sink;
	mc_store *st = s->st;
	int rc = mc_store_dossier_insert(st, d);
	for (size_t i = 0; i < s->n_ev && rc == 0; i++) {
		s->ev[i].dossier_id = d->id;
		s->ev[i].actor_name = s->pool + s->ev_text[i].actor_name;
		s->ev[i].note = s->pool + s->ev_text[i].note;
		rc = mc_app_dossier_event_append(st, &s->ev[i]);
		if (rc == 0 && strcmp(s->ev[i].action, "request_supplement") == 0)
			rc = mc_app_form_number_take(st, MC_FORM_NUMBER_SUPPLEMENT, d->id, s->ev[i].at,
						     s->ev[i].unit_id, s->ev[i].at);
	}
	for (size_t i = 0; i < s->n_pays && rc == 0; i++) {
		pay_op *p = &s->pays[i];
		mc_action_req req;
		memset(&req, 0, sizeof req);
		req.action = p->action;
		req.note = p->note != (size_t)-1 ? s->pool + p->note : NULL;
		req.at = p->at;
		rc = mc_app_dossier_follow_payment(st, &p->actor, d, &req, proc, p->from, p->at);
	}
	for (size_t i = 0; i < s->n_apologies && rc == 0; i++) {
		apology_op *op = &s->apologies[i];
		mc_apology a = {0};
		a.dossier_id = d->id;
		a.unit_id = op->unit_id;
		a.old_due = op->old_due;
		a.new_due = op->new_due;
		a.prepared_by = op->preparer.user_id;
		a.prepared_at = op->prepared_at;
		/* Borrowed from the pool: a is not cleared, only its province code. */
		a.reason = s->pool + op->reason;
		a.prepared_by_name = s->pool + op->preparer_name;
		rc = mc_store_apology_add(st, &a);
		free(a.province_code);
		if (rc == 0)
			rc = mc_store_apology_issue(st, a.id, op->old_due, op->leader.user_id,
						    s->pool + op->leader_name, op->issued_at);
		/* The demo's leaders are deputies signing for the head (form 04). */
		if (rc == 0)
			rc = mc_store_apology_sign(st, a.id, "deputy");
		if (rc == 0)
			rc = mc_app_form_number_take(st, MC_FORM_NUMBER_APOLOGY, d->id, a.id, a.unit_id,
						     op->issued_at);
	}
	s->n_ev = 0;
	s->n_pays = 0;
	s->n_apologies = 0;
	s->pool_len = 0;
	return rc;
}

static void bulk_free(mc_demo_sink *sink)
{
	bulk_sink *s = (bulk_sink *)sink;
	free(s->ev);
	free(s->ev_text);
	free(s->pool);
	free(s);
}

mc_demo_sink *mc_demo_sink_bulk(mc_store *st, const mc_time_ctx *tc)
{
	bulk_sink *s = mc_xcalloc(1, sizeof *s);
	s->base.batch = 5000;
	s->base.progress_every = 200000;
	s->base.file = bulk_file;
	s->base.act = bulk_act;
	s->base.apologise = bulk_apologise;
	s->base.end = bulk_end;
	s->base.free = bulk_free;
	s->st = st;
	s->tc = tc;
	return &s->base;
}
