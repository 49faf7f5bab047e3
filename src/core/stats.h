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
	int64_t apologies;	      /* apologies issued in the period (QĐ 876/2017) */
} mc_stats_counts;

/* acc += c, counter by counter. */
void mc_stats_add(mc_stats_counts *acc, const mc_stats_counts *c);

/* (early + on_time) / resolved in [0, 1]; false (and *out untouched) when
 * nothing was resolved, for the rate is then undefined, not 0. */
bool mc_stats_on_time_rate(double *out, const mc_stats_counts *c);

/* Whether every counter is 0. */
bool mc_stats_is_zero(const mc_stats_counts *c);

#endif
