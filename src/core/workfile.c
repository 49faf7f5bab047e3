/*
 * workfile.c - the rules of work files that need no data (core/workfile.h).
 */
#include "core/workfile.h"

#include "core/err.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {NULL,	      "listed",	  "open",    "closed",
					  "archived", "proposed", "disposed"};
static const char *const state_titles[] = {NULL,	 "Trong danh mục", "Đang lập", "Đã kết thúc",
					   "Đã nộp lưu", "Đề nghị hủy",	   "Đã hủy"};
static const char *const action_names[] = {NULL,   "open",   "close", "archive", "propose_disposal",
					   "keep", "dispose"};

const char *mc_wf_state_name(mc_wf_state s)
{
	return s >= MC_WF_LISTED && s <= MC_WF_DISPOSED ? state_names[s] : NULL;
}

const char *mc_wf_state_title(mc_wf_state s)
{
	return s >= MC_WF_LISTED && s <= MC_WF_DISPOSED ? state_titles[s] : NULL;
}

const char *mc_wf_action_name(mc_wf_action a)
{
	return a >= MC_WF_ACT_OPEN && a <= MC_WF_ACT_DISPOSE ? action_names[a] : NULL;
}

int mc_wf_action_parse(mc_wf_action *out, const char *s)
{
	for (int a = MC_WF_ACT_OPEN; s && a <= MC_WF_ACT_DISPOSE; a++) {
		if (strcmp(s, action_names[a]) == 0) {
			*out = (mc_wf_action)a;
			return 0;
		}
	}
	return MC_EINVAL;
}

int mc_wf_next(mc_wf_state from, mc_wf_action action, mc_wf_state *to)
{
	static const mc_wf_state need[] = {
	    0, MC_WF_LISTED, MC_WF_OPEN, MC_WF_CLOSED, MC_WF_ARCHIVED, MC_WF_PROPOSED, MC_WF_PROPOSED};
	static const mc_wf_state next[] = {
	    0, MC_WF_OPEN, MC_WF_CLOSED, MC_WF_ARCHIVED, MC_WF_PROPOSED, MC_WF_ARCHIVED, MC_WF_DISPOSED};
	if (action < MC_WF_ACT_OPEN || action > MC_WF_ACT_DISPOSE || from != need[action])
		return MC_ECONFLICT;
	*to = next[action];
	return 0;
}

bool mc_wf_role_may(mc_role role, mc_wf_action action)
{
	switch (action) {
	case MC_WF_ACT_OPEN:
	case MC_WF_ACT_CLOSE:
		/* Every officer who handles work keeps its file (art. 29). */
		return role == MC_ROLE_SPECIALIST || role == MC_ROLE_DESK || role == MC_ROLE_LEADER;
	case MC_WF_ACT_ARCHIVE:
	case MC_WF_ACT_PROPOSE:
	case MC_WF_ACT_KEEP:
		return role == MC_ROLE_DESK || role == MC_ROLE_LEADER;
	case MC_WF_ACT_DISPOSE:
		return role == MC_ROLE_LEADER;
	}
	return false;
}

bool mc_wf_role_may_list(mc_role role)
{
	return role == MC_ROLE_DESK || role == MC_ROLE_LEADER;
}

void mc_wf_retention_title(char *out, size_t cap, int years)
{
	if (years == MC_WF_PERMANENT)
		snprintf(out, cap, "Vĩnh viễn");
	else
		snprintf(out, cap, "%d năm", years);
}

int64_t mc_wf_retention_end(int years, int64_t closed_at)
{
	int y, m, d;
	if (years <= MC_WF_PERMANENT || closed_at <= 0)
		return 0;
	/* The year the work ended, in Vietnam's time; the years run from the
	 * next one, and the last of them ends on its 31 December. */
	mc_civil_from_days((int32_t)((closed_at + MC_TZ_OFFSET) / MC_DAY_SECONDS), &y, &m, &d);
	return (int64_t)mc_days_from_civil(y + years + 1, 1, 1) * MC_DAY_SECONDS - MC_TZ_OFFSET;
}

bool mc_wf_expired(int years, int64_t closed_at, int64_t at)
{
	int64_t end = mc_wf_retention_end(years, closed_at);
	return end > 0 && at >= end;
}
