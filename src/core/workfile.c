/*
 * workfile.c - the rules of work files that need no data (core/workfile.h).
 */
#include "core/workfile.h"

#include "core/err.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {NULL, "listed", "open", "closed", "archived"};
static const char *const state_titles[] = {NULL, "Trong danh mục", "Đang lập", "Đã kết thúc", "Đã nộp lưu"};
static const char *const action_names[] = {NULL, "open", "close", "archive"};

const char *mc_wf_state_name(mc_wf_state s)
{
	return s >= MC_WF_LISTED && s <= MC_WF_ARCHIVED ? state_names[s] : NULL;
}

const char *mc_wf_state_title(mc_wf_state s)
{
	return s >= MC_WF_LISTED && s <= MC_WF_ARCHIVED ? state_titles[s] : NULL;
}

const char *mc_wf_action_name(mc_wf_action a)
{
	return a >= MC_WF_ACT_OPEN && a <= MC_WF_ACT_ARCHIVE ? action_names[a] : NULL;
}

int mc_wf_action_parse(mc_wf_action *out, const char *s)
{
	for (int a = MC_WF_ACT_OPEN; s && a <= MC_WF_ACT_ARCHIVE; a++) {
		if (strcmp(s, action_names[a]) == 0) {
			*out = (mc_wf_action)a;
			return 0;
		}
	}
	return MC_EINVAL;
}

int mc_wf_next(mc_wf_state from, mc_wf_action action, mc_wf_state *to)
{
	static const mc_wf_state need[] = {0, MC_WF_LISTED, MC_WF_OPEN, MC_WF_CLOSED};
	if (action < MC_WF_ACT_OPEN || action > MC_WF_ACT_ARCHIVE || from != need[action])
		return MC_ECONFLICT;
	*to = (mc_wf_state)(from + 1);
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
		return role == MC_ROLE_DESK || role == MC_ROLE_LEADER;
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
