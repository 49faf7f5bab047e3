/*
 * stats_assert.h - for the statistics tests: two sets of figures
 * (core/stats.h) equal counter by counter, so that a failure names the
 * counter. Include after cmocka.h.
 */
#ifndef MC_TEST_STATS_ASSERT_H
#define MC_TEST_STATS_ASSERT_H

#include "core/stats.h"

static inline void assert_stats_counts_equal(const mc_stats_counts *a, const mc_stats_counts *b)
{
	assert_int_equal(a->carried_over, b->carried_over);
	assert_int_equal(a->received_online, b->received_online);
	assert_int_equal(a->received_direct, b->received_direct);
	assert_int_equal(a->received_postal, b->received_postal);
	assert_int_equal(a->received, b->received);
	assert_int_equal(a->resolved_early, b->resolved_early);
	assert_int_equal(a->resolved_on_time, b->resolved_on_time);
	assert_int_equal(a->resolved_late, b->resolved_late);
	assert_int_equal(a->resolved, b->resolved);
	assert_int_equal(a->in_progress_within, b->in_progress_within);
	assert_int_equal(a->in_progress_overdue, b->in_progress_overdue);
	assert_int_equal(a->in_progress, b->in_progress);
	assert_int_equal(a->supplement_requested, b->supplement_requested);
	assert_int_equal(a->withdrawn, b->withdrawn);
	assert_int_equal(a->stopped, b->stopped);
	assert_int_equal(a->not_accepted, b->not_accepted);
	assert_int_equal(a->apologies, b->apologies);
}

#endif
