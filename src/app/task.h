/*
 * app/task.h - the life of a task (nhiệm vụ; docs/tasks.md): the rules of
 * core/task.h applied to the store.
 *
 * Who acts for which side of a task (core/task.h mc_task_party): an officer
 * whose unit is the assigning unit or one above it acts for the assigner; one
 * whose unit holds the unit in charge, and is not on the assigner's side,
 * for the unit in charge; one whose unit holds a cooperating unit for that
 * unit. Leaders assign; a leader of the unit in charge delegates a part of
 * the task down its subtree. Every step appends an event to the task's
 * hash-chained log (core/audit.h).
 *
 * These run inside a write transaction the caller opened (the group
 * committer's job) and never commit. A failure records its reason and
 * message (core/err.h).
 */
#ifndef MC_APP_TASK_H
#define MC_APP_TASK_H

#include "app/dossier.h"
#include "core/audit.h"
#include "core/task.h"
#include "store/store_document.h"
#include "store/store_task.h"

/* A new task. Strings are borrowed, clean (NFC, trimmed) and within
 * core/limits.h. */
typedef struct {
	int64_t assigner_unit_id;   /* 0 = the leader's unit */
	int64_t source_document_id; /* 0 = none: then directive is required */
	const char *directive;
	const char *title;
	const char *content;
	const char *product;
	int64_t unit_id; /* in charge */
	const int64_t *cooperating;
	size_t n_cooperating;
	mc_task_due_kind due_kind;
	int32_t due;	       /* a day, for MC_TASK_DUE_DATE; 0 with due_in_days */
	int32_t due_in_days;   /* or: this many working days after the day of assignment */
	mc_task_period period; /* for MC_TASK_DUE_RECURRING */
} mc_task_new;

/* The cooperating units of t (ids) with t, as the rules read a task. */
typedef struct {
	const mc_task *task;
	const int64_t *cooperating;
	size_t n_cooperating;
} mc_task_view;

/* Whether actor may see the task: an officer (not a citizen) whose scope
 * holds its assigning unit, its unit in charge or a cooperating unit. */
bool mc_app_task_may_see(const mc_time_ctx *tc, const mc_actor *actor, const mc_task_view *v);

/*
 * Whether actor may take action on the task now: 0, or the refusal
 * recorded: MC_EFORBIDDEN (role: MC_REASON_ROLE; side: MC_REASON_SCOPE),
 * MC_ECONFLICT (state). For a handler to refuse before it queues a write;
 * the write checks again.
 */
int mc_app_task_check(const mc_time_ctx *tc, const mc_actor *actor, const mc_task_view *v,
		      mc_task_action action);

/*
 * A new task assigned by actor (a leader) at `at`. MC_EFORBIDDEN (not a
 * leader; an assigning unit outside the leader's scope; a source document
 * the leader may not see), MC_EINVAL (no source nor directive; a unit in
 * charge or a cooperating unit outside the assigner's reach or repeated; a
 * deadline before the assignment or without its period), MC_ENOTFOUND (an
 * unknown source document). Fills *out (clear it).
 */
int mc_app_task_create(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_task_new *in,
		       int64_t at, mc_task *out);

/*
 * A part of task parent_id (at version if_version, 0 = any) passed down by
 * a leader of its unit in charge to a unit of that unit's subtree: a child
 * task due no later than its parent. As mc_app_task_create, and
 * MC_ENOTFOUND, MC_ECONFLICT (the parent is closed or suspended), MC_ESTALE.
 * Fills *out with the child (clear it).
 */
int mc_app_task_delegate(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t parent_id,
			 int64_t if_version, const mc_task_new *in, int64_t at, mc_task *out);

/*
 * Checks the cooperating units of a task given by unit `giver` whose unit in
 * charge is unit_id: at most MC_LIMIT_TASK_UNITS, each strictly below giver,
 * none the unit in charge, none twice. MC_EINVAL with the rule said. The
 * tasks' own check, used by a document's assignment too (app/document.c).
 */
int mc_app_task_check_cooperating(const mc_time_ctx *tc, int64_t giver, int64_t unit_id, const int64_t *units,
				  size_t n);

/*
 * The hand-off of an incoming document's assignment (art. 23 of NĐ 30) to
 * the tasks (docs/tasks.md §2): d is the document as assigned (its unit in
 * charge, deadline and direction; task_id the task that tracks it, 0 none).
 * When d has an open task, that task is re-assigned in place (unit in
 * charge, cooperating units, due day, content, title; a "reassign" event),
 * by a leader who holds its assigning unit; otherwise a new task is created
 * by actor as mc_app_task_create (source_document = d, title = its subject,
 * content = the direction, due = the deadline's day or none). *task_id gets
 * the task's id. The errors of mc_app_task_create.
 */
int mc_app_task_handoff(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d,
			const int64_t *cooperating, size_t n_cooperating, int64_t at, int64_t *task_id);

/*
 * A reorganisation ended from_unit (app/unit_plan.c): task id, open, follows
 * its successor to_unit wherever from_unit stood to it (the unit that gave
 * it, the unit in charge, a cooperating unit), written at a new version
 * with a "reorganise" event whose note is `note`. Its state, deadline and
 * history stay. In the caller's transaction.
 */
int mc_app_task_reorganise(mc_store *st, const mc_actor *actor, int64_t id, int64_t from_unit,
			   int64_t to_unit, const char *note, int64_t at);

/* A step of a task's life. */
typedef struct {
	mc_task_action action;
	int64_t if_version;  /* the version the caller saw; 0 = whatever it is */
	const char *note;    /* a report's text; the reason of an extension, a sending back, a
			      * suspension or a cancellation (required there) */
	int percent;	     /* report: 0..100, -1 = not said */
	int32_t due;	     /* request_extension: the day asked for; grant_extension: the day
			      * granted (0 = the one asked for) */
	int64_t document_id; /* report: a document attached; propose_done: the report that
			      * answers the task (kept as its closing document) */
	int64_t at;
} mc_task_act;

/*
 * Applies a step to task id and appends its event; fills *out with the task
 * after it (clear it). MC_ENOTFOUND, MC_EFORBIDDEN, MC_ECONFLICT (a step its
 * state does not allow: a report on a closed task, a second confirmation),
 * MC_EINVAL (a reason missing, a percent outside 0..100, an extension for a
 * task without a day or not after its deadline, a document the actor may
 * not see), MC_ESTALE (the version is not if_version).
 */
int mc_app_task_act(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
		    const mc_task_act *act, mc_task *out);

/*
 * Queues the reminders owed at `now` (docs/tasks.md §6): to each active
 * leader and specialist with an e-mail of the unit in charge of an open task
 * due by a day, once when it becomes due soon (MC_TASK_DUE_SOON_DAYS working
 * days or fewer) and once when it becomes overdue; to the assigning unit's
 * leaders too when overdue. Once per deadline: an extension granted owes them
 * again. A task found overdue more than MC_TASK_REMIND_LATE_DAYS days after
 * its deadline (a server that was off, a database loaded with old tasks)
 * gets none: the lists show it. At most limit tasks per call; *queued (may
 * be NULL) counts the messages. Runs inside the caller's write transaction.
 */
#define MC_TASK_REMIND_LATE_DAYS 7
int mc_app_task_remind(mc_store *st, const mc_time_ctx *tc, int64_t now, const char *public_url, int limit,
		       int *queued);

/* What core/task.h judges of t on local day today. */
void mc_app_task_facts(mc_task_facts *out, const mc_task *t);

/* The timing of the tasks of a group of the figures (store_task.h
 * mc_task_group) on local day today: one task of the group, with days that
 * compare as the group's do, judged by mc_task_timing_of. */
mc_task_timing mc_app_task_group_timing(const mc_workcal *wc, const mc_task_group *g, int32_t today);

/* The figures of tasks stood in groups: one unit's, one leader's or all. */
typedef struct {
	int64_t assigned, done_on_time, done_extended, done_late, in_progress_in_time, in_progress_overdue,
	    waiting_confirmation, suspended, no_deadline;
} mc_task_figures;

/* Counts n tasks of one timing and state into f (docs/tasks.md §5): a
 * suspended task only as such, a proposed one also as waiting. */
void mc_app_task_figures_add(mc_task_figures *f, mc_task_timing timing, mc_task_state state, int64_t n);

/* The link of a task event (e->hash aside) after prev ("" for a task's
 * first): mc_audit_event_hash over its fields, the action written with the
 * day and the document it names. Used to append and to verify (app/audit.h). */
void mc_app_task_event_hash(char out[MC_AUDIT_HASH_LEN], const char *prev, const mc_task_event *e);

#endif
