/*
 * task.h - tasks (nhiệm vụ) that a directive assigns, followed until they
 * are done: the rules of Quyết định 42/2014/QĐ-TTg on following, urging and
 * checking assigned tasks, as amended by Quyết định 23/2018/QĐ-TTg, and the
 * provincial regulations modelled on it (docs/tasks.md).
 *
 * A task has an assigning unit (its leader assigns), a unit in charge (chủ
 * trì) and cooperating units (phối hợp), and a deadline that is a day, or
 * "thường xuyên" (recurring, reported each period), or none. Its life:
 * assigned → in progress → completion proposed → done (or sent back and on
 * again); a request for more time waits for the assigner, who grants it (a
 * new deadline; the original one is kept for judging) or refuses it; the
 * assigner may suspend, resume or cancel it. A task delegated down the tree
 * is never due after its parent.
 *
 * Deadlines are local day numbers (days since 1970-01-01 at UTC+7, mc.h):
 * a task due on a day is on time when done by the end of that day. Due soon
 * = at most MC_TASK_DUE_SOON_DAYS working days left (workcal.h).
 *
 * Pure rules, no I/O: which unit may act for which party is the app
 * layer's (app/task.h), the rows the store's.
 */
#ifndef MC_CORE_TASK_H
#define MC_CORE_TASK_H

#include "core/dossier.h"
#include "core/workcal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Due soon: this many working days or fewer left (the issue; docs/tasks.md §3). */
#define MC_TASK_DUE_SOON_DAYS 3

typedef enum {
	MC_TASK_ASSIGNED = 1,		 /* chưa thực hiện */
	MC_TASK_IN_PROGRESS = 2,	 /* đang thực hiện */
	MC_TASK_PROPOSED_DONE = 3,	 /* chờ xác nhận hoàn thành */
	MC_TASK_DONE = 4,		 /* đã hoàn thành */
	MC_TASK_SENT_BACK = 5,		 /* trả lại: the assigner did not accept the completion */
	MC_TASK_EXTENSION_REQUESTED = 6, /* chờ gia hạn: work goes on meanwhile */
	MC_TASK_SUSPENDED = 7,		 /* tạm dừng */
	MC_TASK_CANCELLED = 8,		 /* đã hủy */
} mc_task_state;

#define MC_TASK_STATE_MAX MC_TASK_CANCELLED

typedef enum {
	MC_TASK_ACT_START = 1,	       /* the unit in charge starts work */
	MC_TASK_ACT_REPORT,	       /* a progress report (text, percent, documents) */
	MC_TASK_ACT_REQUEST_EXTENSION, /* gia hạn: asked with a reason and a new day */
	MC_TASK_ACT_GRANT_EXTENSION,   /* the assigner grants it: the new deadline */
	MC_TASK_ACT_REFUSE_EXTENSION,  /* the assigner refuses it */
	MC_TASK_ACT_PROPOSE_DONE,      /* the unit in charge reports it done */
	MC_TASK_ACT_CONFIRM,	       /* the assigner confirms completion */
	MC_TASK_ACT_SEND_BACK,	       /* the assigner sends it back, with a reason */
	MC_TASK_ACT_SUSPEND,	       /* the assigner suspends it */
	MC_TASK_ACT_RESUME,	       /* the assigner resumes it */
	MC_TASK_ACT_CANCEL,	       /* the assigner cancels it */
	MC_TASK_ACT_DELEGATE,	       /* the unit in charge passes a part of it down (a child task) */
} mc_task_action;

#define MC_TASK_ACT_MAX MC_TASK_ACT_DELEGATE

/* "assigned", "in_progress", "proposed_done", "done", "sent_back",
 * "extension_requested", "suspended", "cancelled"; NULL outside the enum. */
const char *mc_task_state_name(mc_task_state s);
int mc_task_state_parse(mc_task_state *out, const char *s);
/* "start", "report", "request_extension", "grant_extension",
 * "refuse_extension", "propose_done", "confirm", "send_back", "suspend",
 * "resume", "cancel", "delegate"; NULL outside the enum. */
const char *mc_task_action_name(mc_task_action a);
int mc_task_action_parse(mc_task_action *out, const char *s);

/* Whether a task in s is closed for good (done, cancelled). */
bool mc_task_state_closed(mc_task_state s);
/* Whether the unit in charge is working on it (its deadline runs): assigned,
 * in progress, sent back, extension requested. */
bool mc_task_state_open(mc_task_state s);

/*
 * Where action leads from state from: 0 and *out, MC_ECONFLICT when it is
 * not allowed from there, MC_EINVAL outside the enums. A report and a
 * delegation keep the state, except that the first one of a task not yet
 * started starts it; a grant or a refusal of an extension leads back to in
 * progress.
 */
int mc_task_next_state(mc_task_state *out, mc_task_state from, mc_task_action action);

/* The sides of a task an officer may act for. */
typedef enum {
	MC_TASK_PARTY_ASSIGNER = 1,    /* the assigning unit (or one above it) */
	MC_TASK_PARTY_IN_CHARGE = 2,   /* the unit in charge (or one above it below the assigner) */
	MC_TASK_PARTY_COOPERATING = 3, /* a cooperating unit */
} mc_task_party;

/*
 * Whether a party may ever take an action: the assigner grants or refuses
 * extensions, confirms, sends back, suspends, resumes and cancels; the unit
 * in charge starts, reports, asks for more time, proposes completion and
 * delegates; a cooperating unit reports its part.
 */
bool mc_task_party_may(mc_task_party party, mc_task_action action);

/*
 * Whether a role may ever take an action: a leader anything its party may
 * (QĐ 42 art. 4: the head assigns and answers); a specialist the unit's
 * work (start, report, propose completion, ask for more time) but not a
 * decision of the assigner nor a delegation; nobody else.
 */
bool mc_task_role_may(mc_role role, mc_task_action action);

/* How a task is due. */
typedef enum {
	MC_TASK_DUE_NONE = 0,	   /* không có hạn */
	MC_TASK_DUE_DATE = 1,	   /* by a day */
	MC_TASK_DUE_RECURRING = 2, /* thường xuyên: a report each period */
} mc_task_due_kind;

/* Reporting periods of a recurring task. */
typedef enum {
	MC_TASK_PERIOD_NONE = 0,
	MC_TASK_PERIOD_WEEK = 1,
	MC_TASK_PERIOD_MONTH = 2,
	MC_TASK_PERIOD_QUARTER = 3,
	MC_TASK_PERIOD_HALF_YEAR = 4,
	MC_TASK_PERIOD_YEAR = 5,
} mc_task_period;

/* "none", "date", "recurring"; NULL outside the enum. */
const char *mc_task_due_kind_name(mc_task_due_kind k);
int mc_task_due_kind_parse(mc_task_due_kind *out, const char *s);
/* "week", "month", "quarter", "half_year", "year"; NULL otherwise. */
const char *mc_task_period_name(mc_task_period p);
int mc_task_period_parse(mc_task_period *out, const char *s);

/*
 * The period p holding local day `day`: [*start, *end) in day numbers. A
 * week starts on Monday, the others on the 1st of their first month.
 * MC_EINVAL for a period outside the enum (or none).
 */
int mc_task_period_bounds(int32_t *start, int32_t *end, mc_task_period p, int32_t day);

/*
 * The day a period's report is due: the last working day of the period
 * [start, end) (a period without one: its last day). wc as workcal.h.
 */
int32_t mc_task_period_report_due(const mc_workcal *wc, int32_t start, int32_t end);

/*
 * The day `n` working days after `from` (from itself not counted; n = 0
 * gives from): a deadline given as "within n working days" of the day of
 * assignment, on the one-stop module's calendar. n < 0 is taken as 0; n is
 * capped at 100000.
 */
int32_t mc_task_add_working_days(const mc_workcal *wc, int32_t from, int32_t n);

/*
 * Checks a deadline set on day `assigned`: MC_EINVAL for a due day before
 * it (a deadline before the assignment), for a recurring task without a
 * period or a dated one with a period. *day_off is set when the due day is
 * not a working day (the deadline stands; it is reported as such).
 */
int mc_task_due_check(const mc_workcal *wc, mc_task_due_kind kind, int32_t due, mc_task_period period,
		      int32_t assigned, bool *day_off);

/*
 * Whether a child task's deadline fits its parent's: a parent due by a day
 * (its effective deadline, extended when an extension was granted) has
 * children due by a day no later; a recurring parent children recurring at
 * the same or a shorter period, or due by a day; a parent without a
 * deadline any child. Returns 0 or MC_EINVAL.
 */
int mc_task_child_due_check(mc_task_due_kind parent_kind, int32_t parent_due, mc_task_period parent_period,
			    mc_task_due_kind child_kind, int32_t child_due, mc_task_period child_period);

/*
 * The judging of a task. A task due by a day keeps its original deadline
 * and, when an extension was granted, the extended one: finished by the
 * original day it is done on time; after it but by the extended day, done
 * within the extension; after the effective deadline, done late. While open
 * it is in time (more than MC_TASK_DUE_SOON_DAYS working days left), due
 * soon, or overdue (past the effective deadline), or without a deadline.
 * Recurring tasks are judged by their reports (mc_task_recurring_timing).
 */
typedef enum {
	MC_TASK_TIMING_NO_DEADLINE = 1, /* không có hạn */
	MC_TASK_TIMING_IN_TIME,		/* trong hạn */
	MC_TASK_TIMING_DUE_SOON,	/* sắp đến hạn */
	MC_TASK_TIMING_OVERDUE,		/* quá hạn */
	MC_TASK_TIMING_DONE_ON_TIME,	/* hoàn thành đúng hạn */
	MC_TASK_TIMING_DONE_EXTENDED,	/* hoàn thành trong thời gian gia hạn */
	MC_TASK_TIMING_DONE_LATE,	/* hoàn thành quá hạn */
} mc_task_timing;

/* "no_deadline", "in_time", "due_soon", "overdue", "done_on_time",
 * "done_extended", "done_late"; NULL outside the enum. */
const char *mc_task_timing_name(mc_task_timing t);

/* What is judged of one task. */
typedef struct {
	mc_task_state state;
	mc_task_due_kind due_kind;
	int32_t original_due; /* the deadline first set (a day) */
	int32_t due;	      /* the effective one: original_due, or the extension granted */
	int32_t done_day;     /* the day completion was confirmed (done) */
	/* Recurring: the period and the start of the first period not yet
	 * reported (the assignment's period when none was). */
	mc_task_period period;
	int32_t next_report_period;
} mc_task_facts;

/*
 * The timing of a task on local day today. Closed or suspended tasks other
 * than done are MC_TASK_TIMING_NO_DEADLINE (not judged); a completion
 * proposed is judged as open on the day it is looked at (the assigner's
 * confirmation closes it).
 */
mc_task_timing mc_task_timing_of(const mc_workcal *wc, const mc_task_facts *f, int32_t today);

/*
 * A recurring task on day today: overdue when the report of the first
 * period not yet reported was due before today, due soon when it is due
 * within MC_TASK_DUE_SOON_DAYS working days, else in time.
 */
mc_task_timing mc_task_recurring_timing(const mc_workcal *wc, mc_task_period period,
					int32_t next_report_period, int32_t today);

/*
 * What people read (the words): "Chưa thực hiện", "Đang thực hiện
 * - trong hạn", "… - sắp đến hạn", "… - quá hạn", "… - không có hạn",
 * "Chờ xác nhận hoàn thành", "Đã hoàn thành - đúng hạn", "… - quá hạn",
 * "… - trong thời gian gia hạn", "Tạm dừng", "Đã hủy"; a task sent back or
 * waiting for an extension is being worked on. Writes into buf (cap ≥ 64).
 */
void mc_task_title(char *buf, size_t cap, mc_task_state state, mc_task_timing timing);

/* One child of a task, for the parent's progress. */
typedef struct {
	mc_task_state state;
	int percent; /* its own progress, 0..100 */
} mc_task_child;

/*
 * A parent's progress seen from its children: the mean of their percents,
 * done children counting 100 and cancelled ones not at all, rounded down;
 * own when there are no children to count. Percents are clamped to 0..100.
 */
int mc_task_progress(int own, const mc_task_child *children, size_t n);

#endif
