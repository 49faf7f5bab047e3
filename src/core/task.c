/*
 * task.c - the rules of tasks (core/task.h; docs/tasks.md).
 */
#include "core/task.h"

#include "core/mc.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {
    NULL,	 "assigned",  "in_progress", "proposed_done", "done", "sent_back", "extension_requested",
    "suspended", "cancelled",
};

static const char *const action_names[] = {
    NULL,	    "start",   "report",    "request_extension", "grant_extension", "refuse_extension",
    "propose_done", "confirm", "send_back", "suspend",		 "resume",	    "cancel",
    "delegate",
};

static int parse_name(int *out, const char *const *names, int max, const char *s)
{
	if (!s)
		return MC_EINVAL;
	for (int i = 1; i <= max; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return 0;
		}
	}
	return MC_EINVAL;
}

const char *mc_task_state_name(mc_task_state s)
{
	return s >= 1 && s <= MC_TASK_STATE_MAX ? state_names[s] : NULL;
}

int mc_task_state_parse(mc_task_state *out, const char *s)
{
	int v = 0;
	int rc = parse_name(&v, state_names, MC_TASK_STATE_MAX, s);
	if (rc == 0)
		*out = (mc_task_state)v;
	return rc;
}

const char *mc_task_action_name(mc_task_action a)
{
	return a >= 1 && a <= MC_TASK_ACT_MAX ? action_names[a] : NULL;
}

int mc_task_action_parse(mc_task_action *out, const char *s)
{
	int v = 0;
	int rc = parse_name(&v, action_names, MC_TASK_ACT_MAX, s);
	if (rc == 0)
		*out = (mc_task_action)v;
	return rc;
}

bool mc_task_state_closed(mc_task_state s)
{
	return s == MC_TASK_DONE || s == MC_TASK_CANCELLED;
}

bool mc_task_state_open(mc_task_state s)
{
	return s == MC_TASK_ASSIGNED || s == MC_TASK_IN_PROGRESS || s == MC_TASK_SENT_BACK ||
	       s == MC_TASK_EXTENSION_REQUESTED;
}

int mc_task_next_state(mc_task_state *out, mc_task_state from, mc_task_action action)
{
	mc_task_state to = 0;
	if (!mc_task_state_name(from) || !mc_task_action_name(action))
		return MC_EINVAL;
	switch (action) {
	case MC_TASK_ACT_START:
		if (from == MC_TASK_ASSIGNED)
			to = MC_TASK_IN_PROGRESS;
		break;
	case MC_TASK_ACT_REPORT:
	case MC_TASK_ACT_DELEGATE:
		/* Work on it shows it started; anything else keeps its state. */
		if (from == MC_TASK_ASSIGNED)
			to = MC_TASK_IN_PROGRESS;
		else if (mc_task_state_open(from))
			to = from;
		break;
	case MC_TASK_ACT_REQUEST_EXTENSION:
		/* One request at a time. */
		if (mc_task_state_open(from) && from != MC_TASK_EXTENSION_REQUESTED)
			to = MC_TASK_EXTENSION_REQUESTED;
		break;
	case MC_TASK_ACT_GRANT_EXTENSION:
	case MC_TASK_ACT_REFUSE_EXTENSION:
		if (from == MC_TASK_EXTENSION_REQUESTED)
			to = MC_TASK_IN_PROGRESS;
		break;
	case MC_TASK_ACT_PROPOSE_DONE:
		if (mc_task_state_open(from))
			to = MC_TASK_PROPOSED_DONE;
		break;
	case MC_TASK_ACT_CONFIRM:
		if (from == MC_TASK_PROPOSED_DONE)
			to = MC_TASK_DONE;
		break;
	case MC_TASK_ACT_SEND_BACK:
		if (from == MC_TASK_PROPOSED_DONE)
			to = MC_TASK_SENT_BACK;
		break;
	case MC_TASK_ACT_SUSPEND:
		if (mc_task_state_open(from) || from == MC_TASK_PROPOSED_DONE)
			to = MC_TASK_SUSPENDED;
		break;
	case MC_TASK_ACT_RESUME:
		if (from == MC_TASK_SUSPENDED)
			to = MC_TASK_IN_PROGRESS;
		break;
	case MC_TASK_ACT_CANCEL:
		if (!mc_task_state_closed(from))
			to = MC_TASK_CANCELLED;
		break;
	}
	if (!to)
		return MC_ECONFLICT;
	*out = to;
	return 0;
}

bool mc_task_party_may(mc_task_party party, mc_task_action action)
{
	switch (action) {
	case MC_TASK_ACT_START:
	case MC_TASK_ACT_REQUEST_EXTENSION:
	case MC_TASK_ACT_PROPOSE_DONE:
	case MC_TASK_ACT_DELEGATE:
		return party == MC_TASK_PARTY_IN_CHARGE;
	case MC_TASK_ACT_REPORT:
		return party == MC_TASK_PARTY_IN_CHARGE || party == MC_TASK_PARTY_COOPERATING;
	case MC_TASK_ACT_GRANT_EXTENSION:
	case MC_TASK_ACT_REFUSE_EXTENSION:
	case MC_TASK_ACT_CONFIRM:
	case MC_TASK_ACT_SEND_BACK:
	case MC_TASK_ACT_SUSPEND:
	case MC_TASK_ACT_RESUME:
	case MC_TASK_ACT_CANCEL:
		return party == MC_TASK_PARTY_ASSIGNER;
	}
	return false;
}

bool mc_task_role_may(mc_role role, mc_task_action action)
{
	if (role == MC_ROLE_LEADER)
		return mc_task_action_name(action) != NULL;
	if (role == MC_ROLE_SPECIALIST)
		return action == MC_TASK_ACT_START || action == MC_TASK_ACT_REPORT ||
		       action == MC_TASK_ACT_REQUEST_EXTENSION || action == MC_TASK_ACT_PROPOSE_DONE;
	return false;
}

static const char *const due_kind_names[] = {"none", "date", "recurring"};
static const char *const period_names[] = {NULL, "week", "month", "quarter", "half_year", "year"};

const char *mc_task_due_kind_name(mc_task_due_kind k)
{
	return k >= MC_TASK_DUE_NONE && k <= MC_TASK_DUE_RECURRING ? due_kind_names[k] : NULL;
}

int mc_task_due_kind_parse(mc_task_due_kind *out, const char *s)
{
	for (int i = 0; s && i <= MC_TASK_DUE_RECURRING; i++) {
		if (strcmp(due_kind_names[i], s) == 0) {
			*out = (mc_task_due_kind)i;
			return 0;
		}
	}
	return MC_EINVAL;
}

const char *mc_task_period_name(mc_task_period p)
{
	return p >= MC_TASK_PERIOD_WEEK && p <= MC_TASK_PERIOD_YEAR ? period_names[p] : NULL;
}

int mc_task_period_parse(mc_task_period *out, const char *s)
{
	int v = 0;
	int rc = parse_name(&v, period_names, MC_TASK_PERIOD_YEAR, s);
	if (rc == 0)
		*out = (mc_task_period)v;
	return rc;
}

int mc_task_period_bounds(int32_t *start, int32_t *end, mc_task_period p, int32_t day)
{
	int y, m, d, months;
	switch (p) {
	case MC_TASK_PERIOD_WEEK: {
		/* mc_weekday: 0 = Sunday; weeks run Monday to Sunday. */
		int back = (mc_weekday(day) + 6) % 7;
		*start = day - back;
		*end = *start + 7;
		return 0;
	}
	case MC_TASK_PERIOD_MONTH:
		months = 1;
		break;
	case MC_TASK_PERIOD_QUARTER:
		months = 3;
		break;
	case MC_TASK_PERIOD_HALF_YEAR:
		months = 6;
		break;
	case MC_TASK_PERIOD_YEAR:
		months = 12;
		break;
	default:
		return MC_EINVAL;
	}
	mc_civil_from_days(day, &y, &m, &d);
	int first = ((m - 1) / months) * months + 1;
	int next = first + months;
	*start = mc_days_from_civil(y, first, 1);
	*end = next > 12 ? mc_days_from_civil(y + 1, next - 12, 1) : mc_days_from_civil(y, next, 1);
	return 0;
}

int32_t mc_task_period_report_due(const mc_workcal *wc, int32_t start, int32_t end)
{
	for (int32_t day = end - 1; day >= start; day--) {
		if (mc_workcal_is_working_day(wc, day))
			return day;
	}
	return end - 1;
}

int32_t mc_task_add_working_days(const mc_workcal *wc, int32_t from, int32_t n)
{
	int32_t day = from;
	if (n < 0)
		n = 0;
	if (n > 100000)
		n = 100000;
	while (n > 0) {
		day++;
		if (mc_workcal_is_working_day(wc, day))
			n--;
	}
	return day;
}

int mc_task_due_check(const mc_workcal *wc, mc_task_due_kind kind, int32_t due, mc_task_period period,
		      int32_t assigned, bool *day_off)
{
	*day_off = false;
	switch (kind) {
	case MC_TASK_DUE_NONE:
		return period == MC_TASK_PERIOD_NONE ? 0 : MC_EINVAL;
	case MC_TASK_DUE_DATE:
		if (period != MC_TASK_PERIOD_NONE || due < assigned)
			return MC_EINVAL;
		*day_off = !mc_workcal_is_working_day(wc, due);
		return 0;
	case MC_TASK_DUE_RECURRING:
		return mc_task_period_name(period) ? 0 : MC_EINVAL;
	}
	return MC_EINVAL;
}

int mc_task_child_due_check(mc_task_due_kind parent_kind, int32_t parent_due, mc_task_period parent_period,
			    mc_task_due_kind child_kind, int32_t child_due, mc_task_period child_period)
{
	switch (parent_kind) {
	case MC_TASK_DUE_NONE:
		return 0;
	case MC_TASK_DUE_DATE:
		return child_kind == MC_TASK_DUE_DATE && child_due <= parent_due ? 0 : MC_EINVAL;
	case MC_TASK_DUE_RECURRING:
		if (child_kind == MC_TASK_DUE_DATE)
			return 0;
		/* The periods are ordered by length: a child reports as often or more. */
		return child_kind == MC_TASK_DUE_RECURRING && child_period != MC_TASK_PERIOD_NONE &&
			       child_period <= parent_period
			   ? 0
			   : MC_EINVAL;
	}
	return MC_EINVAL;
}

static const char *const timing_names[] = {
    NULL, "no_deadline", "in_time", "due_soon", "overdue", "done_on_time", "done_extended", "done_late",
};

const char *mc_task_timing_name(mc_task_timing t)
{
	return t >= MC_TASK_TIMING_NO_DEADLINE && t <= MC_TASK_TIMING_DONE_LATE ? timing_names[t] : NULL;
}

/* In time, due soon or overdue for a report or a task due on day `due`. */
static mc_task_timing open_timing(const mc_workcal *wc, int32_t due, int32_t today)
{
	if (today > due)
		return MC_TASK_TIMING_OVERDUE;
	/* Working days left after today, up to and including the due day. */
	int64_t left = mc_workcal_count_working(wc, today + 1, due + 1);
	return left <= MC_TASK_DUE_SOON_DAYS ? MC_TASK_TIMING_DUE_SOON : MC_TASK_TIMING_IN_TIME;
}

mc_task_timing mc_task_recurring_timing(const mc_workcal *wc, mc_task_period period,
					int32_t next_report_period, int32_t today)
{
	int32_t start, end;
	if (mc_task_period_bounds(&start, &end, period, next_report_period) != 0)
		return MC_TASK_TIMING_NO_DEADLINE;
	return open_timing(wc, mc_task_period_report_due(wc, start, end), today);
}

mc_task_timing mc_task_timing_of(const mc_workcal *wc, const mc_task_facts *f, int32_t today)
{
	if (f->state == MC_TASK_DONE) {
		if (f->due_kind != MC_TASK_DUE_DATE)
			return MC_TASK_TIMING_DONE_ON_TIME;
		if (f->done_day <= f->original_due)
			return MC_TASK_TIMING_DONE_ON_TIME;
		if (f->done_day <= f->due)
			return MC_TASK_TIMING_DONE_EXTENDED;
		return MC_TASK_TIMING_DONE_LATE;
	}
	if (!mc_task_state_open(f->state) && f->state != MC_TASK_PROPOSED_DONE)
		return MC_TASK_TIMING_NO_DEADLINE;
	switch (f->due_kind) {
	case MC_TASK_DUE_DATE:
		return open_timing(wc, f->due, today);
	case MC_TASK_DUE_RECURRING:
		return mc_task_recurring_timing(wc, f->period, f->next_report_period, today);
	default:
		return MC_TASK_TIMING_NO_DEADLINE;
	}
}

void mc_task_title(char *buf, size_t cap, mc_task_state state, mc_task_timing timing)
{
	const char *base = "", *tail = NULL;
	switch (state) {
	case MC_TASK_ASSIGNED:
		base = "Chưa thực hiện";
		break;
	case MC_TASK_IN_PROGRESS:
	case MC_TASK_SENT_BACK:
	case MC_TASK_EXTENSION_REQUESTED:
		base = "Đang thực hiện";
		tail = timing == MC_TASK_TIMING_OVERDUE	   ? "quá hạn"
		       : timing == MC_TASK_TIMING_DUE_SOON ? "sắp đến hạn"
		       : timing == MC_TASK_TIMING_IN_TIME  ? "trong hạn"
							   : "không có hạn";
		break;
	case MC_TASK_PROPOSED_DONE:
		base = "Chờ xác nhận hoàn thành";
		break;
	case MC_TASK_DONE:
		base = "Đã hoàn thành";
		tail = timing == MC_TASK_TIMING_DONE_LATE	? "quá hạn"
		       : timing == MC_TASK_TIMING_DONE_EXTENDED ? "trong thời gian gia hạn"
								: "đúng hạn";
		break;
	case MC_TASK_SUSPENDED:
		base = "Tạm dừng";
		break;
	case MC_TASK_CANCELLED:
		base = "Đã hủy";
		break;
	}
	if (tail)
		snprintf(buf, cap, "%s - %s", base, tail);
	else
		snprintf(buf, cap, "%s", base);
}

int mc_task_progress(int own, const mc_task_child *children, size_t n)
{
	int64_t sum = 0;
	size_t counted = 0;
	for (size_t i = 0; i < n; i++) {
		int p = children[i].percent;
		if (children[i].state == MC_TASK_CANCELLED)
			continue;
		if (children[i].state == MC_TASK_DONE)
			p = 100;
		sum += p < 0 ? 0 : p > 100 ? 100 : p;
		counted++;
	}
	if (!counted)
		return own < 0 ? 0 : own > 100 ? 100 : own;
	return (int)(sum / (int64_t)counted);
}
