/*
 * store_task.h - the store's operations on tasks (nhiệm vụ): the tasks, their
 * cooperating units and their append-only, hash-chained events (migration
 * 025; rules in core/task.h, their life in app/task.h). Part of the store's
 * one interface (store.h), in a header of its own.
 *
 * Structs the store fills own their strings, freed by their clear function;
 * structs handed to the store are only read. Days are local day numbers
 * (core/task.h).
 */
#ifndef MC_STORE_TASK_H
#define MC_STORE_TASK_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	int64_t id;
	char *province_code;
	int64_t parent_id;	     /* 0 = a task given by a directive */
	int64_t source_document_id;  /* 0 = a directive typed in */
	int64_t closing_document_id; /* the report that answers it; 0 = none yet */
	char *directive;	     /* the directive's number and name when there is no document */
	char *title;
	char *content;
	char *product; /* what is expected: a report, a decision, a plan */
	int64_t assigner_unit_id;
	int64_t assigned_by;
	int64_t unit_id; /* in charge (chủ trì) */
	int state;	 /* core/task.h mc_task_state */
	int64_t version;
	int due_kind; /* mc_task_due_kind */
	int period;   /* mc_task_period */
	int32_t assigned_day;
	int32_t original_due;
	int32_t due;
	int32_t requested_due; /* the day an extension asks for, while it is asked */
	int32_t next_report_period;
	int32_t done_day;
	int progress; /* 0..100, the unit's own last report */
	char *note;   /* the last reason given: an extension asked, a sending back */
	int64_t created_at;
	int64_t updated_at;
} mc_task;

void mc_task_clear(mc_task *t);
void mc_task_free_list(mc_task *list, size_t n);

/* Records a new task (version 1); sets t->id and t->version. MC_ENOTFOUND
 * for an unknown unit, parent, document or user. */
int mc_store_task_add(mc_store *st, mc_task *t);
/* MC_ENOTFOUND when no task has this id. Clear *out. */
int mc_store_task_get(mc_store *st, mc_task *out, int64_t id);
/* Writes every field of t that may change (its assigner_unit_id too, which
 * only a reorganisation changes) over the row of t->id whose
 * version is if_version and moves it to if_version + 1; MC_ESTALE when the
 * row is at another version (or gone). */
int mc_store_task_update(mc_store *st, const mc_task *t, int64_t if_version);

/* Adds a cooperating unit to a task: MC_ECONFLICT when it is one already. */
int mc_store_task_unit_add(mc_store *st, int64_t task_id, int64_t unit_id);
/* The cooperating units of a task, by id. Caller frees *out. */
int mc_store_task_units(mc_store *st, int64_t **out, size_t *n, int64_t task_id);
/* Forgets the cooperating units of a task (a re-assignment names them anew). */
int mc_store_task_units_clear(mc_store *st, int64_t task_id);

/* The ids of the tasks not closed (neither done nor cancelled) that unit_id
 * gave, is in charge of or cooperates on, by id: what a reorganisation that
 * ends the unit hands to its successor. Caller frees *out. */
int mc_store_unit_open_tasks(mc_store *st, int64_t **out, size_t *n, int64_t unit_id);

/* The tasks delegated from parent_id, oldest first. Caller frees with
 * mc_task_free_list. */
int mc_store_task_children(mc_store *st, mc_task **out, size_t *n, int64_t parent_id);

/* How the scope's units stand to a task. */
enum {
	MC_TASK_REL_ANY = 0,	     /* any of the three */
	MC_TASK_REL_GIVEN = 1,	     /* they gave it */
	MC_TASK_REL_IN_CHARGE = 2,   /* they are in charge of it */
	MC_TASK_REL_COOPERATING = 3, /* they cooperate on it */
};

typedef struct {
	int64_t scope_unit_id; /* tasks that units of its subtree give, are in charge of or cooperate on */
	int relation;	       /* MC_TASK_REL_… */
	int state;	       /* 0 = any */
	bool open_only;	       /* assigned, in progress, sent back, extension requested, proposed */
	int32_t due_from;      /* dated tasks due on or after; 0 = no bound */
	int32_t due_to;	       /* dated tasks due on or before; 0 = no bound */
	int64_t parent_id;     /* 0 = any; -1 = only tasks without a parent */
	int64_t source_document_id; /* 0 = any */
	int limit;		    /* 1..1000 */
	int offset;
} mc_task_query;

/* A page of tasks, the earliest due first (those without a day last), and
 * the count of all that match. Caller frees with mc_task_free_list. */
int mc_store_task_list(mc_store *st, mc_task **out, size_t *n, int64_t *total, const mc_task_query *q);

/*
 * Open tasks due by a day (assigned, in progress, sent back, extension
 * requested) whose reminder is owed on local day today: due soon (due in
 * [today, soon_to]) without a due-soon reminder for that deadline, or
 * overdue (due in [overdue_since, today)) without an overdue one; at most
 * limit, by id. Caller frees with mc_task_free_list.
 */
int mc_store_task_reminders_due(mc_store *st, mc_task **out, size_t *n, int32_t today, int32_t soon_to,
				int32_t overdue_since, int limit);
/* Records that the reminders of task id for the deadline `due` were queued:
 * due soon (soon) and/or overdue (overdue). Not a change of the task: its
 * version stays. */
int mc_store_task_set_reminded(mc_store *st, int64_t id, int32_t due, bool soon, bool overdue);

/* A group of the tasks counted by the figures (GET /api/v1/tasks/stats):
 * those of one unit in charge, assigning leader, state and kind of deadline
 * that stand alike to the rules of core/task.h mc_task_timing_of. The store
 * only compares days; the app judges (docs/tasks.md §5). */
typedef struct {
	int64_t unit_id;
	int64_t assigned_by; /* 0 = not recorded */
	int state;
	int due_kind;
	int period;		    /* recurring ones; 0 otherwise */
	int32_t next_report_period; /* recurring ones; 0 otherwise */
	bool done_by_original;	    /* done ones: done_day <= original_due */
	bool done_by_due;	    /* done ones: done_day <= due */
	bool due_passed;	    /* dated ones: due < today */
	int64_t n;
	int feeds; /* the figures it counts in: MC_TASK_FEEDS_UNIT (the total and by unit), _LEADER */
} mc_task_group;

#define MC_TASK_FEEDS_UNIT 1
#define MC_TASK_FEEDS_LEADER 2

/* The tasks of tq's scope and filters assigned in [from, to] (days; 0 = no
 * bound), cancelled ones left out, counted in groups (mc_task_group) as of
 * the day today, ordered by unit in charge. One grouped statement over the
 * rows, whatever their number. Caller frees *out with free. */
int mc_store_task_groups(mc_store *st, mc_task_group **out, size_t *n, const mc_task_query *tq, int32_t from,
			 int32_t to, int32_t today);

/* Whether the roll-up (core/task_rollup.h, migration 036) answers tq's
 * figures: a scope and a period, no other filter. */
bool mc_store_task_rollup_answers(const mc_task_query *tq);
/* The same groups as mc_store_task_groups, for a query the roll-up answers,
 * mostly from its cells: those of the tasks the scope's units give, each
 * counted once by unit in charge (MC_TASK_FEEDS_UNIT) and once by assigning
 * leader (MC_TASK_FEEDS_LEADER); counted live from the rows, in groups that
 * feed both: what the cells leave out (the open and proposed tasks due in
 * today's month, the open recurring ones) and, for a scope below the root of
 * its tree, the tasks given from above it. Ordered by unit in charge.
 * Caller frees *out with free. */
int mc_store_task_rollup_groups(mc_store *st, mc_task_group **out, size_t *n, const mc_task_query *tq,
				int32_t from, int32_t to, int32_t today);
/* Empties the roll-up and counts it again from the tasks (the caller's
 * transaction); *tasks (may be NULL) the tasks counted. */
int mc_store_task_rollup_rebuild(mc_store *st, int64_t *tasks);

typedef struct {
	int64_t id;
	int64_t task_id;
	int64_t at;
	int64_t user_id;
	char *user_name;
	char *role;
	int64_t unit_id;
	char *action;
	int from_state;
	int to_state;
	int percent;
	int32_t due; /* the day an extension asks for or grants */
	int64_t document_id;
	char *note;
	char *hash; /* the chain's link (core/audit.h), computed by the app layer */
	/* A report of the unit in charge on a recurring task: the period it
	 * answers, [period_start, period_end) in local days, and that period's
	 * reporting deadline; 0 otherwise (migration 037). */
	int32_t period_start;
	int32_t period_end;
	int32_t report_due;
} mc_task_event;

void mc_task_event_clear(mc_task_event *e);
void mc_task_event_free_list(mc_task_event *list, size_t n);
/* Appends an event; sets e->id. */
int mc_store_task_event_add(mc_store *st, mc_task_event *e);
/* A page of a task's events, oldest first: the last `limit` of those whose
 * id is below before_id (0: of all), and *more when older ones are left.
 * A task's log grows with every step (up to 300 an hour from one account,
 * core/limits.h), so it is read a page at a time. */
int mc_store_task_events(mc_store *st, mc_task_event **out, size_t *n, bool *more, int64_t task_id,
			 int64_t before_id, int limit);
/* How many task events user_id has recorded since `since` (the hourly
 * limit), counted under the account's lock (db.h mc_db_lock_account). */
int mc_store_task_events_by(mc_store *st, int64_t *out, int64_t user_id, int64_t since);
/* The hash of the task's last event into out ("" when it has none). */
int mc_store_task_last_hash(mc_store *st, char *out, size_t cap, int64_t task_id);
/* Calls cb with every task event, by task then oldest first, read in pages
 * so that memory stays bounded (the audit, app/audit.h); the event is the
 * callback's only during the call. Stops at cb's first non-zero return. */
int mc_store_task_event_scan(mc_store *st, int (*cb)(const mc_task_event *e, void *payload), void *payload);

#endif
