/*
 * due.h - due times of open dossiers recomputed when the calendar changes.
 *
 * A year's official schedule of days off is often published after dossiers
 * due in that year were received (the Tết notice comes in the autumn before).
 * When an administrator stores or reverts a year, every open dossier whose
 * due time the change may affect is computed again from its reception, its
 * pauses and its procedure, with the calendar as it now is: the event log is
 * replayed as the live rules applied it (app/dossier.c: reception, pauses
 * ended by a supplement or a payment, an apology's new appointment). A
 * dossier whose due time or statutory due time moves is updated in the same
 * transaction as the calendar, gets a "due_recomputed" event with both times,
 * and its applicant is told when the appointment moves.
 */
#ifndef MC_APP_DUE_H
#define MC_APP_DUE_H

#include "app/dossier.h"

#include <stdint.h>

/* The due time and the statutory due time (0 when no apology moved the
 * appointment) that the event log gives with the time rules tc. events in
 * order; the issued apologies of the dossier in the order they were issued.
 * The procedure's rules are the dossier's own, those it was filed under
 * (mc_dossier.cutoff_min, restart_on_supplement), not the procedure's now.
 * Pure: no store access. */
void mc_app_due_replay(const mc_time_ctx *tc, const mc_dossier *d, const mc_event *events, size_t n_events,
		       const mc_apology *apologies, size_t n_apologies, int64_t *due, int64_t *statutory_due);

typedef struct {
	int64_t checked;    /* open dossiers whose due time the year may move */
	int64_t recomputed; /* of those, the ones whose due time moved */
} mc_due_recompute_result;

/*
 * Recomputes the open dossiers that the calendar of `year` may concern (received
 * before its end, due or paused within or after it), with the time rules read
 * anew from st (the calendar as stored in the running transaction). actor is
 * who changed the calendar; public_url for the applicants' messages (may be
 * NULL). Runs inside the caller's transaction.
 */
int mc_app_due_recompute_year(mc_store *st, int year, const mc_actor *actor, const char *public_url,
			      int64_t at, mc_due_recompute_result *out);

#endif
