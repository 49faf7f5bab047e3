/*
 * app/upkeep.h - the server's housekeeping, run on its group committer:
 * anchors of the event log every audit_anchor_seconds (app/audit.h), and,
 * every minute, the deletion of files that no row names any more and, every
 * hour, the expiry of uploads that no dossier holds a day after they were
 * sent (app/upload.h); every minute, the reorganisation plans whose day has
 * come (app/unit_plan.h); every hour, the reminders of tasks that became due
 * soon or overdue (app/task.h), and the warnings of the leaders whose dossiers
 * came within a working day of their due time with no apology (app/apology.h),
 * through the outbox.
 *
 * Each kind of job is queued only when the previous one of its kind has
 * finished, so that a sweep never shares a transaction with the expiry that
 * named its files: a file is deleted only once the removal of its row has
 * been committed.
 */
#ifndef MC_APP_UPKEEP_H
#define MC_APP_UPKEEP_H

#include "app/audit.h"
#include "store/group.h"

typedef struct mc_upkeep mc_upkeep;

/* Borrows g and audit, which must outlive it. Caller frees with mc_upkeep_free. */
mc_upkeep *mc_upkeep_new(mc_group *g, const mc_audit_config *audit);
/* The portal's address for the links of the tasks' reminders (borrowed; it
 * must outlive u); without one they are relative. */
void mc_upkeep_set_public_url(mc_upkeep *u, const char *public_url);
/* Seconds between two calls of mc_upkeep_tick. */
int mc_upkeep_interval(const mc_upkeep *u);
/* Queues what is due at now. Call from one thread. */
void mc_upkeep_tick(mc_upkeep *u, int64_t now);
/* Anchors what changed since the last anchor and waits for it: at shutdown,
 * before the group committer stops. NULL-safe. */
void mc_upkeep_finish(mc_upkeep *u);
/* After the group committer has stopped (its jobs hold u). NULL-safe. */
void mc_upkeep_free(mc_upkeep *u);

#endif
