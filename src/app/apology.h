/*
 * app/apology.h - apologising for a late dossier (QĐ 876/2017 of the province
 * on public apologies; form 04 of Thông tư 01/2018/TT-VPCP).
 *
 * When a dossier is overdue, or an officer sees that it will be, an officer
 * (desk, specialist or leader whose scope holds the dossier) prepares an
 * apology with the reason and a new appointment in working time. A leader
 * whose scope holds the apologising unit issues it: the dossier's due_at moves
 * to the new appointment (an "apology" event, a new version), the statutory
 * due time is kept in statutory_due_at so the statistics still count the
 * dossier late, and the applicant is told (outbox). Issued apologies make the
 * public register.
 *
 * Like app/dossier.h these run inside a write transaction the caller opened,
 * and never commit. A failure records its reason and message (core/err.h).
 */
#ifndef MC_APP_APOLOGY_H
#define MC_APP_APOLOGY_H

#include "app/dossier.h"

/* The longest a new appointment may lie ahead of now: a year. */
#define MC_APOLOGY_MAX_AHEAD ((int64_t)366 * 86400)
/* The lead an apology needs (Nghị định 61/2018, art. 19; docs/forms.md):
 * made at least one working day before the due time it replaces. */
#define MC_APOLOGY_LEAD_MINUTES (8 * 60)
/* The least extension of the default rule: two working days. */
#define MC_APOLOGY_MIN_MINUTES (16 * 60)

/*
 * The default new appointment of a dossier apologised for at `now`: the
 * working time still left before its due time is added again after it, and at
 * least two working days (MC_APOLOGY_MIN_MINUTES) are given:
 *   new_due = add(max(now, due_at), max(worked(now, due_at), 16 h)),
 * in the receiving unit's office hours, rounded up to the minute. For an
 * overdue dossier nothing is left, so it is two working days from now.
 */
int64_t mc_app_apology_default_due(const mc_time_ctx *tc, const mc_dossier *d, int64_t now);

/* Why a new appointment is refused (mc_app_apology_check_due). */
typedef enum {
	MC_APOLOGY_DUE_OK = 0,
	MC_APOLOGY_DUE_PAST,	  /* not after now */
	MC_APOLOGY_DUE_NOT_LATER, /* not after the current due time */
	MC_APOLOGY_DUE_TOO_FAR,	  /* more than MC_APOLOGY_MAX_AHEAD after now */
	MC_APOLOGY_DUE_OFF_HOURS, /* not the end of a worked minute at the receiving unit */
} mc_apology_due;

/*
 * Whether t may be the new appointment of d at `now`: a whole minute, after
 * now and after the current due time, within a year, and in working time at
 * the receiving unit — the end of a worked minute (07:01..11:30 and
 * 13:31..17:00 with the default hours on a working day), as mc_deadline_add
 * gives them.
 */
mc_apology_due mc_app_apology_check_due(const mc_time_ctx *tc, const mc_dossier *d, int64_t t, int64_t now);

/* Whether the dossier's state lets it be apologised for: the clock runs
 * (received, processing) and it has a due time. */
bool mc_app_apology_state_ok(const mc_dossier *d);

/* Whether actor may prepare an apology for d: a desk officer, specialist or
 * leader whose scope holds its current or receiving unit. */
bool mc_app_apology_may_prepare(const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier *d);
/* Whether actor may issue apology a: a leader of a's unit itself, the
 * agency that apologises (its head, or a deputy signing on the head's
 * behalf); not a leader of a unit above or beside it. */
bool mc_app_apology_may_issue(const mc_time_ctx *tc, const mc_actor *actor, const mc_apology *a);

/* Whether apology a was made late: prepared less than one working day
 * (MC_APOLOGY_LEAD_MINUTES of the apologising unit's working time) before
 * the due time it replaces. Late apologies are kept, and said to be late. */
bool mc_app_apology_late(const mc_time_ctx *tc, const mc_apology *a);

/* Whether "head" or "deputy" names how a leader signs (form 04). */
bool mc_app_apology_signing_ok(const char *signed_as);

/*
 * Whether actor may prepare an apology for d at now: 0, or the refusal
 * recorded (core/err.h) - MC_EFORBIDDEN (scope, mc_app_apology_may_prepare),
 * MC_ECONFLICT (the state), MC_EINVAL (new_due, unless 0, refused by
 * mc_app_apology_check_due). What mc_app_apology_prepare checks first, for
 * a handler to refuse before it queues a write.
 */
int mc_app_apology_check_prepare(const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier *d,
				 int64_t new_due, int64_t now);
/*
 * Whether actor may issue apology a of d at now: 0, or the refusal recorded
 * - MC_EFORBIDDEN (mc_app_apology_may_issue), MC_ECONFLICT (issued already,
 * or the dossier's state), MC_EINVAL (the new date no longer fits).
 */
int mc_app_apology_check_issue(const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier *d,
			       const mc_apology *a, int64_t now);

/*
 * Prepares an apology for the dossier with this code at `at`: reason (clean,
 * not blank) and new_due (0 = mc_app_apology_default_due). Fills *out.
 * MC_ENOTFOUND, MC_EFORBIDDEN (mc_app_apology_may_prepare), MC_ECONFLICT (the
 * state, mc_app_apology_state_ok), MC_EINVAL (blank reason, or a new_due that
 * mc_app_apology_check_due refuses), MC_ETOOBIG (reason longer than
 * MC_LIMIT_APOLOGY_REASON characters). *out (zeroed, or holding an earlier
 * apology, which is cleared) owns its strings: mc_apology_clear.
 */
int mc_app_apology_prepare(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const char *code,
			   const char *reason, int64_t new_due, int64_t at, mc_apology *out);

/*
 * Issues apology `id` of the dossier with this code at `at`, signed by actor
 * as signed_as ("head" or "deputy", mc_app_apology_signing_ok): moves the
 * dossier's due time to the apology's new_due (keeping the statutory one),
 * appends the "apology" event with the reason, and records the issue with the
 * due time it replaced. Fills *dossier_out (caller clears it) and *out (as
 * mc_app_apology_prepare fills it).
 * MC_ENOTFOUND (dossier or apology), MC_EFORBIDDEN (mc_app_apology_may_issue),
 * MC_ECONFLICT (issued already, or the dossier's state no longer allows it),
 * MC_EINVAL (new_due is no longer after now and the current due time),
 * MC_ESTALE (the dossier changed while this ran).
 */
int mc_app_apology_issue(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const char *code,
			 int64_t id, const char *signed_as, int64_t at, mc_dossier *dossier_out,
			 mc_apology *out);

/*
 * Warns the leaders in time (docs/forms.md, form 04): each dossier open with
 * the clock running that has come within one working day
 * (MC_APOLOGY_LEAD_MINUTES of its current unit's working time) of its due
 * time at `now`, with no apology prepared or issued, gets one e-mail through
 * the outbox to each active leader with an address of the unit holding it,
 * once per dossier (mc_store_apology_warned, even when the unit has no
 * leader to write to). At most limit dossiers per call; *queued (may be
 * NULL) counts the messages. Runs inside the caller's write transaction.
 */
int mc_app_apology_warn(mc_store *st, const mc_time_ctx *tc, int64_t now, int limit, int *queued);

#endif
