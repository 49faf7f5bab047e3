/*
 * timeline.h - the working time a dossier spent at each unit and step,
 * derived from its event log. Moving a dossier to another unit (liên thông)
 * or to another step is an event inside processing, so the time each used is
 * the sum of the intervals between events during which it was responsible.
 *
 * Pure rules, no I/O: the working calendar is passed in as a function.
 */
#ifndef MC_TIMELINE_H
#define MC_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/dossier.h"

/* One row of a dossier's event log, as far as time is concerned. */
typedef struct {
	int64_t at;	 /* UTC seconds */
	mc_state from;	 /* state before the event (any value for the first one) */
	mc_state to;	 /* state after the event */
	int64_t unit_id; /* unit responsible after this event */
	int step;	 /* step number after this event, 0 if none */
} mc_tl_event;

/* Working minutes a unit used in one step. */
typedef struct {
	int64_t unit_id;
	int step;
	int64_t minutes;
} mc_tl_share;

/*
 * Sums the working time between consecutive events of one dossier (ev, n_ev
 * of them, sorted by at), attributing each interval to the unit and step
 * responsible during it, that is those of the event that opens it. Only
 * intervals in received or processing count; those in a paused state
 * (supplement_requested, awaiting_payment) are added to *paused_minutes
 * instead; those in submitted (before reception), resolved or a final state
 * count for nothing. After the last event the interval runs to now, unless
 * the dossier is resolved or in a final state; a now earlier than the last
 * event adds nothing.
 *
 * worked(from, to, payload) returns the working minutes in [from, to) (the
 * caller passes its working calendar's function); it is called only with
 * from < to.
 *
 * *out receives one share per distinct (unit_id, step) that was responsible
 * during a counted interval, in order of first appearance, even when it used
 * zero minutes; *n their number. *out is NULL when *n is 0; caller frees it
 * with free(). Returns 0, or MC_EINVAL when the events are not sorted by at
 * (the outputs are then NULL and zero).
 */
int mc_timeline_shares(mc_tl_share **out, size_t *n, int64_t *total_minutes, int64_t *paused_minutes,
		       const mc_tl_event *ev, size_t n_ev, int64_t now,
		       int64_t (*worked)(int64_t from, int64_t to, void *payload), void *payload);

#endif
