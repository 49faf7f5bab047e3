#include "core/stats.h"

#include <string.h>

void mc_stats_add(mc_stats_counts *acc, const mc_stats_counts *c)
{
	acc->carried_over += c->carried_over;
	acc->received_online += c->received_online;
	acc->received_direct += c->received_direct;
	acc->received_postal += c->received_postal;
	acc->received += c->received;
	acc->resolved_early += c->resolved_early;
	acc->resolved_on_time += c->resolved_on_time;
	acc->resolved_late += c->resolved_late;
	acc->resolved += c->resolved;
	acc->in_progress_within += c->in_progress_within;
	acc->in_progress_overdue += c->in_progress_overdue;
	acc->in_progress += c->in_progress;
	acc->supplement_requested += c->supplement_requested;
	acc->withdrawn += c->withdrawn;
	acc->stopped += c->stopped;
	acc->not_accepted += c->not_accepted;
	acc->apologies += c->apologies;
}

bool mc_stats_on_time_rate(double *out, const mc_stats_counts *c)
{
	if (c->resolved <= 0)
		return false;
	*out = (double)(c->resolved_early + c->resolved_on_time) / (double)c->resolved;
	return true;
}

bool mc_stats_is_zero(const mc_stats_counts *c)
{
	static const mc_stats_counts zero;
	return memcmp(c, &zero, sizeof zero) == 0;
}
