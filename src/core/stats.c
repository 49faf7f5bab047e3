#include "core/stats.h"

#include <string.h>

#include "core/deadline.h"

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

int64_t mc_stats_due(const mc_timing *t)
{
	return t->statutory_due_at > 0 ? t->statutory_due_at : t->due_at;
}

int64_t mc_stats_judged_at(const mc_timing *t, int64_t at)
{
	return t->paused_at > 0 && t->paused_at <= at ? t->paused_at : at;
}

bool mc_stats_has_result(int state)
{
	return state == MC_ST_RESOLVED || state == MC_ST_RETURNED;
}

bool mc_stats_is_overdue(const mc_timing *t, int64_t at)
{
	return mc_stats_judged_at(t, at) > mc_stats_due(t);
}

mc_timeliness mc_stats_timeliness(const mc_timing *t, int64_t at)
{
	int64_t due = mc_stats_due(t);

	if (t->finished_at > 0) {
		if (!mc_stats_has_result(t->state))
			return MC_TIMELY_NONE;
		mc_finish_class f = mc_deadline_classify_finished(t->finished_at, due);
		return f == MC_FINISH_LATE    ? MC_TIMELY_LATE
		       : f == MC_FINISH_EARLY ? MC_TIMELY_EARLY
					      : MC_TIMELY_ON_TIME;
	}
	if (t->received_at <= 0)
		return MC_TIMELY_NONE;
	return mc_stats_is_overdue(t, at) ? MC_TIMELY_OVERDUE : MC_TIMELY_WITHIN;
}

bool mc_stats_late(const mc_timing *t, int64_t at)
{
	mc_timeliness c = mc_stats_timeliness(t, at);

	return c == MC_TIMELY_LATE || c == MC_TIMELY_OVERDUE;
}

bool mc_stats_reconcile(const mc_stats_counts *c, int64_t unreceived, int64_t *in, int64_t *out)
{
	*in = c->carried_over + c->received;
	*out = c->resolved + c->in_progress + c->withdrawn + c->stopped + c->not_accepted - unreceived;
	return *in == *out;
}
