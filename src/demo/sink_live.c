/*
 * sink_live.c - the demo's dossiers through the app layer one action at a
 * time (mc_app_dossier_create, mc_app_dossier_act), each written as it
 * happens, as the HTTP API writes them: the reference the bulk sink is held
 * to.
 */
#include "demo/sink.h"

#include "app/apology.h"

#include "core/mc.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	mc_demo_sink base;
	mc_store *st;
	const mc_time_ctx *tc;
} live_sink;

static int live_file(mc_demo_sink *sink, mc_dossier *d, const mc_actor *filer, const mc_dossier_new *in)
{
	live_sink *s = (live_sink *)sink;
	return mc_app_dossier_create(s->st, s->tc, filer, in, d);
}

static int live_act(mc_demo_sink *sink, mc_dossier *d, const mc_actor *actor, const mc_action_req *req,
		    const mc_procedure *proc)
{
	live_sink *s = (live_sink *)sink;
	mc_dossier out;
	int rc;
	(void)proc;
	memset(&out, 0, sizeof out);
	rc = mc_app_dossier_act(s->st, s->tc, actor, d->code, req, &out);
	if (rc != 0) {
		mc_dossier_clear(&out);
		return rc;
	}
	mc_dossier_clear(d);
	*d = out;
	return 0;
}

static int live_apologise(mc_demo_sink *sink, mc_dossier *d, const mc_actor *preparer, const mc_actor *leader,
			  const mc_demo_apology *a)
{
	live_sink *s = (live_sink *)sink;
	mc_apology out = {0};
	mc_dossier issued = {0};
	int rc = mc_app_apology_prepare(s->st, s->tc, preparer, d->code, a->reason, a->new_due,
					a->prepared_at, &out);
	if (rc == 0)
		rc = mc_app_apology_issue(s->st, s->tc, leader, d->code, out.id, "deputy", a->issued_at,
					  &issued, &out);
	mc_apology_clear(&out);
	if (rc != 0) {
		mc_dossier_clear(&issued);
		return rc;
	}
	mc_dossier_clear(d);
	*d = issued;
	return 0;
}

/* Everything is written already. */
static int live_end(mc_demo_sink *sink, mc_dossier *d, const mc_procedure *proc)
{
	(void)sink;
	(void)d;
	(void)proc;
	return 0;
}

static void live_free(mc_demo_sink *sink)
{
	free(sink);
}

mc_demo_sink *mc_demo_sink_live(mc_store *st, const mc_time_ctx *tc)
{
	live_sink *s = mc_xcalloc(1, sizeof *s);
	s->base.batch = 250;
	s->base.file = live_file;
	s->base.act = live_act;
	s->base.apologise = live_apologise;
	s->base.end = live_end;
	s->base.free = live_free;
	s->st = st;
	s->tc = tc;
	return &s->base;
}
