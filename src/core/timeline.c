#include "core/timeline.h"

#include "core/mc.h"

#include <stdbool.h>
#include <stdlib.h>

/* Whether the legal clock runs in state s (DESIGN.md §3 "Time"): from
 * reception until the result is ready. */
static bool clock_runs(mc_state s)
{
	return s == MC_ST_RECEIVED || s == MC_ST_PROCESSING;
}

/* Whether nothing more is counted after an event leading to s. */
static bool closed(mc_state s)
{
	return s == MC_ST_RESOLVED || mc_state_is_final(s);
}

int mc_timeline_shares(mc_tl_share **out, size_t *n, int64_t *total_minutes, int64_t *paused_minutes,
		       const mc_tl_event *ev, size_t n_ev, int64_t now,
		       int64_t (*worked)(int64_t from, int64_t to, void *payload), void *payload)
{
	mc_tl_share *shares = NULL;
	size_t n_shares = 0;
	int64_t total = 0, paused = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	*total_minutes = 0;
	*paused_minutes = 0;
	for (size_t i = 1; i < n_ev; i++) {
		if (ev[i].at < ev[i - 1].at) {
			rc = MC_EINVAL;
			goto cleanup;
		}
	}
	/* At most one share per event. */
	if (n_ev > 0)
		shares = mc_xcalloc(n_ev, sizeof(*shares));

	for (size_t i = 0; i < n_ev; i++) {
		mc_state s = ev[i].to;
		int64_t from = ev[i].at;
		int64_t to;
		int64_t minutes = 0;
		size_t k;

		if (i + 1 < n_ev)
			to = ev[i + 1].at;
		else if (!closed(s))
			to = now;
		else
			to = from;
		if (!clock_runs(s) && !mc_state_clock_paused(s))
			continue;
		if (from < to)
			minutes = worked(from, to, payload);
		if (mc_state_clock_paused(s)) {
			paused += minutes;
			continue;
		}
		for (k = 0; k < n_shares; k++) {
			if (shares[k].unit_id == ev[i].unit_id && shares[k].step == ev[i].step)
				break;
		}
		if (k == n_shares) {
			shares[k].unit_id = ev[i].unit_id;
			shares[k].step = ev[i].step;
			n_shares++;
		}
		shares[k].minutes += minutes;
		total += minutes;
	}

	if (n_shares > 0) {
		*out = shares;
		shares = NULL;
	}
	*n = n_shares;
	*total_minutes = total;
	*paused_minutes = paused;
cleanup:
	free(shares);
	return rc;
}
