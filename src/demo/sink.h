/*
 * sink.h - where the demo generator's dossiers go. The generator
 * (generate.c) decides each dossier's life: who files it, which actions
 * follow, on which days, with which notes. A sink carries that life out with
 * the app layer's rules; there are two:
 *
 * - live (sink_live.c): each filing and action through mc_app_dossier_create
 *   and mc_app_dossier_act, one by one, as the HTTP API would (`motcua init
 *   --demo`, `motcua demo --via-app`);
 * - bulk (sink_bulk.c): each decision by the same rules in memory
 *   (mc_app_dossier_build, mc_app_dossier_apply), the dossier written once
 *   when its life ends, with its events chained in order and its payments
 *   (`motcua demo --dossiers N`).
 *
 * With the same seed on the same database both write the same rows except
 * each dossier's version (1 in bulk) and the payment references (random);
 * tests/unit/test_demo_bulk.c holds them to it.
 *
 * A life is file, then act any number of times, then end. The dossier *d
 * belongs to the generator (it clears it with mc_dossier_clear); the sink
 * keeps it as it stands after each call. All calls run inside a transaction
 * the generator opened; a failure is returned as the app layer's error and
 * the generator rolls the batch back.
 */
#ifndef MC_DEMO_SINK_H
#define MC_DEMO_SINK_H

#include <stdint.h>
#include <stdio.h>

#include "app/dossier.h"
#include "store/store.h"

typedef struct mc_demo_sink mc_demo_sink;

/* An apology for a late dossier (app/apology.h), prepared and issued. */
typedef struct {
	const char *reason;
	int64_t prepared_at, issued_at;
	int64_t new_due; /* a valid new appointment at issued_at */
} mc_demo_apology;

struct mc_demo_sink {
	int batch;	    /* dossiers per transaction */
	int progress_every; /* a progress line on the log every so many dossiers; 0 = none */
	/* Files `in` by filer: fills *d as the app layer leaves a new dossier. */
	int (*file)(mc_demo_sink *sink, mc_dossier *d, const mc_actor *filer, const mc_dossier_new *in);
	/* Takes req (req->at set) by actor on *d; proc is d's procedure. */
	int (*act)(mc_demo_sink *sink, mc_dossier *d, const mc_actor *actor, const mc_action_req *req,
		   const mc_procedure *proc);
	/* preparer prepares apology a of *d (received or processing, past its
	 * due time), leader issues it: the due time moves to a->new_due, as
	 * mc_app_apology_prepare and mc_app_apology_issue do. */
	int (*apologise)(mc_demo_sink *sink, mc_dossier *d, const mc_actor *preparer, const mc_actor *leader,
			 const mc_demo_apology *a);
	/* The life of *d has ended, or stopped at the demo's present: whatever
	 * the sink kept of it is written, and d has its id. */
	int (*end)(mc_demo_sink *sink, mc_dossier *d, const mc_procedure *proc);
	void (*free)(mc_demo_sink *sink);
};

/* The sinks on st with the time rules tc (both borrowed, and must outlive the
 * sink). Caller frees with mc_demo_sink_free. */
mc_demo_sink *mc_demo_sink_live(mc_store *st, const mc_time_ctx *tc);
mc_demo_sink *mc_demo_sink_bulk(mc_store *st, const mc_time_ctx *tc);
void mc_demo_sink_free(mc_demo_sink *sink);

/*
 * Generates count dossiers filed between from and to (UTC seconds; to is the
 * demo's "now") and lives them into sink, in transactions of sink->batch
 * dossiers on st. The same seed on the same database decides the same lives
 * whatever the sink. See mc_demo_dossiers in demo.h.
 */
int mc_demo_generate(mc_demo_sink *sink, mc_store *st, const mc_time_ctx *tc, int count, uint32_t seed,
		     int64_t from, int64_t to, FILE *log);

#endif
