/*
 * sink_bulk.c - the demo's dossiers for large volumes (`motcua demo`): each
 * decision is the app layer's own (mc_app_dossier_build and
 * mc_app_dossier_apply: due times, codes per unit and day, states, reasons)
 * taken on the dossier in memory, and the life is written at once when it
 * ends: the dossier as it stands, its events chained in order, its payments.
 */
#include "demo/sink.h"

#include "core/mc.h"

#include <stdlib.h>
#include <string.h>

/* What an action did to the fee owed, replayed once the dossier is written. */
typedef struct {
	mc_actor actor;
	mc_action action;
	int from;
	int64_t at;
	char note[512];
} pay_op;

typedef struct {
	mc_demo_sink base;
	mc_store *st;
	const mc_time_ctx *tc;
	/* the life so far, written when it ends; the arrays are reused */
	mc_event *ev;
	size_t n_ev, cap_ev;
	pay_op pays[8];
	size_t n_pays;
} bulk_sink;

/* Keeps the event the app layer would have appended now. */
static int keep_event(bulk_sink *s, const mc_dossier *d, const mc_actor *actor, const char *action, int from,
		      const char *note, int64_t at)
{
	if (s->n_ev == s->cap_ev) {
		s->cap_ev = s->cap_ev ? 2 * s->cap_ev : 16;
		s->ev = mc_xrealloc(s->ev, s->cap_ev * sizeof *s->ev);
	}
	return mc_app_dossier_event_make(&s->ev[s->n_ev++], d, actor, action, from, note, at);
}

static int bulk_file(mc_demo_sink *sink, mc_dossier *d, const mc_actor *filer, const mc_dossier_new *in)
{
	bulk_sink *s = (bulk_sink *)sink;
	int rc;
	s->n_ev = 0;
	s->n_pays = 0;
	rc = mc_app_dossier_build(s->st, s->tc, filer, in, d);
	if (rc != 0)
		return rc;
	/* The dossier owns its documents: supplements add to them. */
	d->docs = mc_xcalloc(in->n_docs ? in->n_docs : 1, sizeof *d->docs);
	memcpy(d->docs, in->docs, in->n_docs * sizeof *d->docs);
	d->version = 1;
	return keep_event(s, d, filer, "create", 0, NULL, in->at);
}

/* The app layer's decision on the dossier in memory, its event and what it
 * does to the fee, kept until the life ends. */
static int bulk_act(mc_demo_sink *sink, mc_dossier *d, const mc_actor *actor, const mc_action_req *req,
		    const mc_procedure *proc)
{
	bulk_sink *s = (bulk_sink *)sink;
	int from = d->state;
	int rc = mc_app_dossier_apply(s->st, s->tc, actor, d, proc, req);
	if (rc != 0)
		return rc;
	d->version++;
	rc = keep_event(s, d, actor, mc_action_name(req->action), from, req->note, req->at);
	if (rc == 0 && (req->action == MC_ACT_REQUEST_PAYMENT || req->action == MC_ACT_PAY ||
			req->action == MC_ACT_WITHDRAW || req->action == MC_ACT_STOP)) {
		if (s->n_pays == MC_ARRAY_LEN(s->pays))
			return MC_ERROR;
		pay_op *p = &s->pays[s->n_pays++];
		p->actor = *actor;
		p->action = req->action;
		p->from = from;
		p->at = req->at;
		mc_strlcpy(p->note, req->note ? req->note : "", sizeof p->note);
	}
	return rc;
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
		rc = mc_app_dossier_event_append(st, &s->ev[i]);
	}
	for (size_t i = 0; i < s->n_pays && rc == 0; i++) {
		pay_op *p = &s->pays[i];
		mc_action_req req;
		memset(&req, 0, sizeof req);
		req.action = p->action;
		req.note = p->note[0] ? p->note : NULL;
		req.at = p->at;
		rc = mc_app_dossier_follow_payment(st, &p->actor, d, &req, proc, p->from, p->at);
	}
	s->n_ev = 0;
	s->n_pays = 0;
	return rc;
}

static void bulk_free(mc_demo_sink *sink)
{
	bulk_sink *s = (bulk_sink *)sink;
	free(s->ev);
	free(s);
}

mc_demo_sink *mc_demo_sink_bulk(mc_store *st, const mc_time_ctx *tc)
{
	bulk_sink *s = mc_xcalloc(1, sizeof *s);
	s->base.batch = 5000;
	s->base.progress_every = 200000;
	s->base.file = bulk_file;
	s->base.act = bulk_act;
	s->base.end = bulk_end;
	s->base.free = bulk_free;
	s->st = st;
	s->tc = tc;
	return &s->base;
}
