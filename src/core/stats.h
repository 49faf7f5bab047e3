/*
 * stats.h - the dossier figures of a unit and period (DESIGN.md §3, counted as
 * docs/statistics.md says): carried over, received by channel, resolved early /
 * on time / late, in progress within time / overdue, supplement requested,
 * withdrawn, stopped, not accepted, apologies issued, and the on-time rate.
 *
 * Only the counters and their arithmetic live here; the store counts them
 * (mc_store_stats) and the API, the charts and the reports show them.
 */
#ifndef MC_STATS_H
#define MC_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/dossier.h"
#include "core/mc.h"

typedef struct {
	int64_t carried_over;	 /* received before the period, not finished before it */
	int64_t received_online; /* received in the period, by channel */
	int64_t received_direct;
	int64_t received_postal;
	int64_t received;	/* the three above */
	int64_t resolved_early; /* finished in the period as resolved (or since returned) */
	int64_t resolved_on_time;
	int64_t resolved_late;
	int64_t resolved;	    /* the three above */
	int64_t in_progress_within; /* received before the end, not finished before it */
	int64_t in_progress_overdue;
	int64_t in_progress;	      /* the two above */
	int64_t supplement_requested; /* dossiers with a supplement request in the period */
	int64_t withdrawn;	      /* finished in the period in that state */
	int64_t stopped;
	int64_t not_accepted;
	int64_t apologies; /* apologies issued in the period (QĐ 876/2017) */
} mc_stats_counts;

/* acc += c, counter by counter. */
void mc_stats_add(mc_stats_counts *acc, const mc_stats_counts *c);

/* (early + on_time) / resolved in [0, 1]; false (and *out untouched) when
 * nothing was resolved, for the rate is then undefined, not 0. */
bool mc_stats_on_time_rate(double *out, const mc_stats_counts *c);

/*
 * The reconciliation of a period (docs/forms.md §4): what came in, the
 * dossiers carried over plus those received, against what became of them,
 * resolved, still in progress at the end, withdrawn, stopped or refused
 * (not accepted) in the period, less `unreceived` of those withdrawn or
 * refused before they were ever received (mc_store_stats_unreceived), which
 * never came in. *in and *out get the two sums; true when they agree.
 */
bool mc_stats_reconcile(const mc_stats_counts *c, int64_t unreceived, int64_t *in, int64_t *out);

/* Whether every counter is 0. */
bool mc_stats_is_zero(const mc_stats_counts *c);

/*
 * ---- timeliness: early, on time, late, within time, overdue ---------------
 *
 * Whether a dossier is late is decided here, once (docs/statistics.md §3-4):
 * in C for one dossier (the dossier API's timeliness, the forms, the demo's
 * tally, the roll-up's cells in core/rollup.c), and beside each rule as SQL
 * over a dossier row named d, for the store's statements that classify
 * dossiers in bulk (src/store/store_stats.c, store_rollup.c, store_outbox.c).
 * tests/unit/test_stats.c runs each SQL form against its C twin.
 */

/* The columns of a dossier its timeliness reads. */
typedef struct {
	int state;		  /* mc_state */
	int64_t received_at;	  /* 0: not received, the clock never ran */
	int64_t finished_at;	  /* 0 while open */
	int64_t due_at;		  /* the appointment; every received dossier has one */
	int64_t statutory_due_at; /* 0, or the due time by law once an apology moved due_at */
	int64_t paused_at;	  /* 0 unless the clock is paused */
} mc_timing;

typedef enum {
	MC_TIMELY_NONE = 0, /* not judged: never received, or finished without a result */
	MC_TIMELY_EARLY,    /* finished with a result on a local day before the due day */
	MC_TIMELY_ON_TIME,  /* finished with a result by the due time, on the due day */
	MC_TIMELY_LATE,	    /* finished with a result after the due time */
	MC_TIMELY_WITHIN,   /* open, judged at or before the due time */
	MC_TIMELY_OVERDUE,  /* open, judged after the due time */
} mc_timeliness;

/* The due time lateness is judged against: the statutory one. An apology
 * (QĐ 876/2017) moves the appointment, not the law's due time. */
int64_t mc_stats_due(const mc_timing *t);
#define MC_SQL_DUE "(CASE WHEN d.statutory_due_at > 0 THEN d.statutory_due_at ELSE d.due_at END)"

/* The instant an open dossier asked about at `at` is judged at: the start of
 * its pause when paused at or before at (a paused clock does not run late),
 * else at. In SQL, at is an SQL expression (a parameter). */
int64_t mc_stats_judged_at(const mc_timing *t, int64_t at);
#define MC_SQL_JUDGED_AT(at)                                                                                 \
	"(CASE WHEN d.paused_at > 0 AND d.paused_at <= " at " THEN d.paused_at ELSE " at " END)"

/* Whether a finished dossier finished with a result (resolved, or resolved
 * and since returned): only those are early, on time or late. */
bool mc_stats_has_result(int state);
#define MC_SQL_HAS_RESULT "d.state IN (" MC_SQL_STATE(RESOLVED) ", " MC_SQL_STATE(RETURNED) ")"

/* A finished dossier with a result: late when finished after the due time;
 * early when not late and finished on a local day before the due day; else
 * on time (mc_deadline_classify_finished). */
#define MC_SQL_FINISHED_LATE "(d.finished_at > " MC_SQL_DUE ")"
#define MC_SQL_EARLIER_DAY "(" MC_SQL_LOCAL_DAY("d.finished_at") " < " MC_SQL_LOCAL_DAY(MC_SQL_DUE) ")"
#define MC_SQL_FINISHED_EARLY "(NOT " MC_SQL_FINISHED_LATE " AND " MC_SQL_EARLIER_DAY ")"
#define MC_SQL_FINISHED_ON_TIME "(NOT " MC_SQL_FINISHED_LATE " AND NOT " MC_SQL_EARLIER_DAY ")"

/* Whether a received dossier, open at `at`, is overdue then: judged after its
 * due time (else it is within time). */
bool mc_stats_is_overdue(const mc_timing *t, int64_t at);
#define MC_SQL_OVERDUE(at) "(" MC_SQL_JUDGED_AT(at) " > " MC_SQL_DUE ")"
/* Open with the clock running (received or processing, not paused) and
 * overdue at `at`: the dossiers to chase (mc_store_stats_overdue) and the
 * /metrics gauge. */
#define MC_SQL_RUNNING                                                                                       \
	"d.state IN (" MC_SQL_STATE(RECEIVED) ", " MC_SQL_STATE(PROCESSING) ") AND d.paused_at = 0"
#define MC_SQL_RUNNING_OVERDUE(at) "(" MC_SQL_RUNNING " AND d.due_at > 0 AND " MC_SQL_OVERDUE(at) ")"

/* The timeliness of a dossier asked about at `at` (now, or the end of a
 * period): a finished dossier by its finishing time, an open received one by
 * the instant it is judged at. */
mc_timeliness mc_stats_timeliness(const mc_timing *t, int64_t at);
/* Whether it is late or overdue at `at`. */
bool mc_stats_late(const mc_timing *t, int64_t at);

#endif
