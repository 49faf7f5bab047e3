/*
 * app/task.c - the life of a task (app/task.h).
 */
#include "app/task.h"

#include "app/document.h"
#include "app/exchange.h"
#include "app/notify.h"
#include "core/audit.h"
#include "core/err.h"
#include "core/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	}
	return true;
}

/* Whether the actor's unit is unit_id or one above it. */
static bool holds(const mc_time_ctx *tc, const mc_actor *actor, int64_t unit_id)
{
	return unit_id && actor->unit_id && mc_time_ctx_within(tc, unit_id, actor->unit_id);
}

static bool is_assigner(const mc_time_ctx *tc, const mc_actor *actor, const mc_task *t)
{
	return holds(tc, actor, t->assigner_unit_id);
}

static bool is_in_charge(const mc_time_ctx *tc, const mc_actor *actor, const mc_task *t)
{
	return holds(tc, actor, t->unit_id) && !is_assigner(tc, actor, t);
}

static bool is_cooperating(const mc_time_ctx *tc, const mc_actor *actor, const mc_task_view *v)
{
	for (size_t i = 0; i < v->n_cooperating; i++) {
		if (holds(tc, actor, v->cooperating[i]))
			return true;
	}
	return false;
}

bool mc_app_task_may_see(const mc_time_ctx *tc, const mc_actor *actor, const mc_task_view *v)
{
	if (actor->role == MC_ROLE_CITIZEN || !actor->unit_id)
		return false;
	return holds(tc, actor, v->task->assigner_unit_id) || holds(tc, actor, v->task->unit_id) ||
	       is_cooperating(tc, actor, v);
}

/* Whether the actor acts for a side that may take action. */
static bool party_may(const mc_time_ctx *tc, const mc_actor *actor, const mc_task_view *v,
		      mc_task_action action)
{
	if (mc_task_party_may(MC_TASK_PARTY_ASSIGNER, action) && is_assigner(tc, actor, v->task))
		return true;
	if (mc_task_party_may(MC_TASK_PARTY_IN_CHARGE, action) && is_in_charge(tc, actor, v->task))
		return true;
	if (mc_task_party_may(MC_TASK_PARTY_COOPERATING, action) && !is_assigner(tc, actor, v->task) &&
	    !is_in_charge(tc, actor, v->task) && is_cooperating(tc, actor, v))
		return true;
	return false;
}

int mc_app_task_check(const mc_time_ctx *tc, const mc_actor *actor, const mc_task_view *v,
		      mc_task_action action)
{
	mc_task_state next;
	const char *role = mc_role_name(actor->role);
	mc_err_clear();
	if (!mc_task_role_may(actor->role, action))
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "the role %s may not %s a task",
				  role ? role : "(none)", mc_task_action_name(action));
	if (!party_may(tc, actor, v, action))
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				  "your unit is not the side of this task that may %s it",
				  mc_task_action_name(action));
	if (mc_task_next_state(&next, (mc_task_state)v->task->state, action) != 0)
		return mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "cannot %s a task that is %s",
				  mc_task_action_name(action),
				  mc_task_state_name((mc_task_state)v->task->state));
	return 0;
}

void mc_app_task_facts(mc_task_facts *out, const mc_task *t)
{
	*out = (mc_task_facts){.state = (mc_task_state)t->state,
			       .due_kind = (mc_task_due_kind)t->due_kind,
			       .original_due = t->original_due,
			       .due = t->due,
			       .done_day = t->done_day,
			       .period = (mc_task_period)t->period,
			       .next_report_period = t->next_report_period};
}

mc_task_timing mc_app_task_group_timing(const mc_workcal *wc, const mc_task_group *g, int32_t today)
{
	mc_task_facts f = {.state = (mc_task_state)g->state,
			   .due_kind = (mc_task_due_kind)g->due_kind,
			   .period = (mc_task_period)g->period,
			   .next_report_period = g->next_report_period};
	if (g->state == MC_TASK_DONE) {
		/* Days that compare as the group's do: done on day 1. */
		f.done_day = 1;
		f.original_due = g->done_by_original ? 1 : 0;
		f.due = g->done_by_due ? 1 : 0;
	} else if (g->due_kind == MC_TASK_DUE_DATE) {
		/* Overdue or not is all the figures tell of an open one. */
		f.due = g->due_passed ? today - 1 : today;
	}
	return mc_task_timing_of(wc, &f, today);
}

void mc_app_task_figures_add(mc_task_figures *f, mc_task_timing timing, mc_task_state state, int64_t n)
{
	f->assigned += n;
	if (state == MC_TASK_SUSPENDED) {
		f->suspended += n;
		return;
	}
	if (state == MC_TASK_PROPOSED_DONE)
		f->waiting_confirmation += n;
	switch (timing) {
	case MC_TASK_TIMING_DONE_ON_TIME:
		f->done_on_time += n;
		break;
	case MC_TASK_TIMING_DONE_EXTENDED:
		f->done_extended += n;
		break;
	case MC_TASK_TIMING_DONE_LATE:
		f->done_late += n;
		break;
	case MC_TASK_TIMING_IN_TIME:
	case MC_TASK_TIMING_DUE_SOON:
		f->in_progress_in_time += n;
		break;
	case MC_TASK_TIMING_OVERDUE:
		f->in_progress_overdue += n;
		break;
	case MC_TASK_TIMING_NO_DEADLINE:
		f->no_deadline += n;
		break;
	}
}

void mc_app_task_event_hash(char out[MC_AUDIT_HASH_LEN], const char *prev, const mc_task_event *e)
{
	char covered[160];
	int k = snprintf(covered, sizeof covered, "task:%s;due=%ld;document=%lld", e->action ? e->action : "",
			 (long)e->due, (long long)e->document_id);

	/* The period a report answers (migration 037), covered when there is
	 * one: the links of the events from before it stay as they were. */
	if (e->period_start && k > 0 && (size_t)k < sizeof covered)
		snprintf(covered + k, sizeof covered - (size_t)k, ";period=%ld-%ld;report_due=%ld",
			 (long)e->period_start, (long)e->period_end, (long)e->report_due);
	mc_audit_event_hash(out, prev, e->task_id, e->at, e->user_id, e->user_name ? e->user_name : "",
			    e->unit_id, covered, e->from_state, e->to_state, e->percent,
			    e->note ? e->note : "");
}

/* Appends an event to the task's chain: its hash covers the previous one
 * and the event's fields (mc_app_task_event_hash). */
/* The period a recurring task's report answers; zeros when none. */
typedef struct {
	int32_t start, end, due;
} report_period;

static int append_event(mc_store *st, const mc_actor *actor, const mc_task *t, const char *action, int from,
			int percent, int32_t due, int64_t document_id, const char *note, int64_t at,
			const report_period *period)
{
	char prev[MC_AUDIT_HASH_LEN], hash[MC_AUDIT_HASH_LEN];
	const char *role = mc_role_name(actor->role);
	int rc = mc_store_task_last_hash(st, prev, sizeof prev, t->id);
	if (rc)
		return rc;
	mc_task_event e = {.task_id = t->id,
			   .at = at,
			   .user_id = actor->user_id,
			   .user_name = (char *)actor->name,
			   .role = (char *)(role ? role : ""),
			   .unit_id = actor->unit_id,
			   .action = (char *)action,
			   .from_state = from,
			   .to_state = t->state,
			   .percent = percent,
			   .due = due,
			   .document_id = document_id,
			   .note = (char *)(note ? note : ""),
			   .hash = hash,
			   .period_start = period ? period->start : 0,
			   .period_end = period ? period->end : 0,
			   .report_due = period ? period->due : 0};
	mc_app_task_event_hash(hash, prev, &e);
	return mc_store_task_event_add(st, &e);
}

/* A document the actor may see, for a task to come from or to be closed by. */
static int document_visible(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			    const char *field)
{
	mc_document d = {0};
	int rc = mc_store_document_get(st, &d, id);
	if (rc == MC_ENOTFOUND)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "%s names no document", field);
	if (rc)
		return rc;
	bool ok = mc_app_document_may_see(tc, actor, &d);
	mc_document_clear(&d);
	if (!ok)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "%s names a document outside your scope", field);
	return 0;
}

int mc_app_task_check_cooperating(const mc_time_ctx *tc, int64_t giver, int64_t unit_id, const int64_t *units,
				  size_t n)
{
	if (n > MC_LIMIT_TASK_UNITS)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "a task has at most %d cooperating units", MC_LIMIT_TASK_UNITS);
	for (size_t i = 0; i < n; i++) {
		int64_t u = units[i];
		if (!mc_time_ctx_unit(tc, u))
			return mc_err_set(MC_EINVAL, MC_REASON_UNKNOWN_UNIT, "cooperating[%zu] names no unit",
					  i);
		if (u == giver || !mc_time_ctx_within(tc, u, giver))
			return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					  "cooperating[%zu] lies outside the assigning unit's reach", i);
		if (u == unit_id)
			return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					  "cooperating[%zu] is the unit in charge", i);
		for (size_t k = 0; k < i; k++) {
			if (units[k] == u)
				return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
						  "cooperating[%zu] repeats a unit", i);
		}
	}
	return 0;
}

/* Checks the units of a new task given by unit `giver`: the unit in charge
 * and each cooperating unit lie strictly below it, none twice, and none has
 * ended (422 unit-ended, naming its successor). */
static int check_units(const mc_time_ctx *tc, int64_t giver, const mc_task_new *in)
{
	if (!in->unit_id)
		return mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD, "a task needs its unit in charge");
	const mc_unit *u = mc_time_ctx_unit(tc, in->unit_id);
	int32_t today = mc_local_day(mc_now());
	int rc;
	if (!u)
		return mc_err_set(MC_EINVAL, MC_REASON_UNKNOWN_UNIT, "unit names no unit");
	if (in->unit_id == giver || !mc_time_ctx_within(tc, in->unit_id, giver))
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "the unit in charge must lie below the assigning unit");
	/* An ended unit takes no new work (docs/units.md §3): its successor does. */
	rc = mc_app_unit_ended_or_zero(tc, u, today, "unit");
	for (size_t i = 0; i < in->n_cooperating && rc == 0; i++) {
		const mc_unit *c = mc_time_ctx_unit(tc, in->cooperating[i]);
		char field[40];
		snprintf(field, sizeof field, "cooperating[%zu]", i);
		if (c)
			rc = mc_app_unit_ended_or_zero(tc, c, today, field);
	}
	if (rc)
		return rc;
	return mc_app_task_check_cooperating(tc, giver, in->unit_id, in->cooperating, in->n_cooperating);
}

/* The deadline of a new task assigned on day `today` into t. */
static int set_due(const mc_time_ctx *tc, const mc_task_new *in, int32_t today, mc_task *t)
{
	const mc_workcal *wc = mc_time_ctx_calendar(tc);
	int32_t due = in->due;
	bool day_off = false;
	if (in->due_kind == MC_TASK_DUE_DATE && !due && in->due_in_days > 0)
		due = mc_task_add_working_days(wc, today, in->due_in_days);
	if (in->due_kind == MC_TASK_DUE_DATE && !due)
		return mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
				  "a task due by a day needs its due day");
	if (in->due_kind != MC_TASK_DUE_DATE && (in->due || in->due_in_days))
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  "only a task due by a day has a due day");
	if (mc_task_due_check(wc, in->due_kind, due, in->period, today, &day_off) != 0) {
		if (in->due_kind == MC_TASK_DUE_DATE && due < today)
			return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					  "the deadline is before the day of assignment");
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				  in->due_kind == MC_TASK_DUE_RECURRING
				      ? "a recurring task needs its reporting period"
				      : "only a recurring task has a reporting period");
	}
	t->due_kind = in->due_kind;
	t->period = in->due_kind == MC_TASK_DUE_RECURRING ? in->period : MC_TASK_PERIOD_NONE;
	t->original_due = t->due = in->due_kind == MC_TASK_DUE_DATE ? due : 0;
	if (in->due_kind == MC_TASK_DUE_RECURRING) {
		int32_t start, end;
		mc_task_period_bounds(&start, &end, in->period, today);
		t->next_report_period = start;
	}
	return 0;
}

/* Records task t (filled but for its units) given by actor with its
 * cooperating units and its first event; reads it back into *out. */
static int record(mc_store *st, const mc_actor *actor, mc_task *t, const mc_task_new *in, int64_t at,
		  mc_task *out)
{
	int rc = mc_store_task_add(st, t);
	for (size_t i = 0; rc == 0 && i < in->n_cooperating; i++)
		rc = mc_store_task_unit_add(st, t->id, in->cooperating[i]);
	if (rc == 0)
		rc =
		    append_event(st, actor, t, "assign", 0, 0, t->due, t->source_document_id, NULL, at, NULL);
	if (rc == 0)
		rc = mc_store_task_get(st, out, t->id);
	return rc;
}

static int fill_new(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_task_new *in,
		    int64_t giver, int64_t at, mc_task *t)
{
	int32_t today = mc_local_day(at);
	int rc = check_units(tc, giver, in);
	if (rc)
		return rc;
	if (!in->source_document_id && blank(in->directive))
		return mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
				  "a task comes from a document or a directive typed in");
	if (blank(in->title))
		return mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD, "a task needs its title");
	if (in->source_document_id) {
		rc = document_visible(st, tc, actor, in->source_document_id, "source_document");
		if (rc)
			return rc;
	}
	rc = set_due(tc, in, today, t);
	if (rc)
		return rc;
	t->assigner_unit_id = giver;
	t->assigned_by = actor->user_id;
	t->unit_id = in->unit_id;
	t->source_document_id = in->source_document_id;
	t->directive = (char *)(in->directive ? in->directive : "");
	t->title = (char *)in->title;
	t->content = (char *)(in->content ? in->content : "");
	t->product = (char *)(in->product ? in->product : "");
	t->state = MC_TASK_ASSIGNED;
	t->assigned_day = today;
	t->created_at = at;
	t->updated_at = at;
	return 0;
}

int mc_app_task_create(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_task_new *in,
		       int64_t at, mc_task *out)
{
	mc_task t = {0};
	int64_t giver = in->assigner_unit_id ? in->assigner_unit_id : actor->unit_id;
	int rc;

	mc_err_clear();
	memset(out, 0, sizeof *out);
	if (actor->role != MC_ROLE_LEADER) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "tasks are assigned by leaders");
		goto cleanup;
	}
	if (!holds(tc, actor, giver)) {
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				"the assigning unit must be your unit or one below it");
		goto cleanup;
	}
	rc = fill_new(st, tc, actor, in, giver, at, &t);
	if (rc == 0)
		rc = record(st, actor, &t, in, at, out);
cleanup:
	return rc;
}

/* Reads task id at version if_version (0 = any) with its cooperating units. */
static int load(mc_store *st, mc_task *t, int64_t **units, size_t *n_units, int64_t id, int64_t if_version)
{
	int rc = mc_store_task_get(st, t, id);
	*units = NULL;
	*n_units = 0;
	if (rc == MC_ENOTFOUND)
		return mc_err_set(MC_ENOTFOUND, MC_REASON_NOT_FOUND, "no task has id %lld", (long long)id);
	if (rc)
		return rc;
	if (if_version && t->version != if_version) {
		rc =
		    mc_err_set(MC_ESTALE, MC_REASON_STALE, "the task is at version %lld, not %lld; reload it",
			       (long long)t->version, (long long)if_version);
		mc_task_clear(t);
		return rc;
	}
	rc = mc_store_task_units(st, units, n_units, id);
	if (rc)
		mc_task_clear(t);
	return rc;
}

/* Writes t over its row at `version`; a change in between is stale. */
static int save(mc_store *st, const mc_task *t, int64_t version)
{
	int rc = mc_store_task_update(st, t, version);
	if (rc == MC_ESTALE)
		return mc_err_set(MC_ESTALE, MC_REASON_STALE, "the task has changed; reload it");
	return rc;
}

int mc_app_task_delegate(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t parent_id,
			 int64_t if_version, const mc_task_new *in, int64_t at, mc_task *out)
{
	mc_task p = {0}, child = {0}, next;
	int64_t *units = NULL;
	size_t n_units = 0;
	mc_task_state to;
	int rc;

	mc_err_clear();
	memset(out, 0, sizeof *out);
	rc = load(st, &p, &units, &n_units, parent_id, if_version);
	if (rc)
		goto cleanup;
	mc_task_view v = {.task = &p, .cooperating = units, .n_cooperating = n_units};
	rc = mc_app_task_check(tc, actor, &v, MC_TASK_ACT_DELEGATE);
	if (rc)
		goto cleanup;
	mc_task_new sub = *in;
	/* The child comes from what its parent came from. */
	sub.source_document_id = p.source_document_id;
	sub.directive = p.directive;
	rc = fill_new(st, tc, actor, &sub, p.unit_id, at, &child);
	if (rc)
		goto cleanup;
	if (mc_task_child_due_check((mc_task_due_kind)p.due_kind, p.due, (mc_task_period)p.period,
				    (mc_task_due_kind)child.due_kind, child.due,
				    (mc_task_period)child.period) != 0) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"a part of a task cannot be due after the task itself");
		goto cleanup;
	}
	child.parent_id = p.id;
	mc_task_next_state(&to, (mc_task_state)p.state, MC_TASK_ACT_DELEGATE);
	next = p;
	next.state = to;
	next.updated_at = at;
	rc = save(st, &next, p.version);
	if (rc == 0)
		rc = record(st, actor, &child, &sub, at, out);
	if (rc == 0) {
		char note[64];
		snprintf(note, sizeof note, "task %lld", (long long)out->id);
		rc = append_event(st, actor, &next, "delegate", p.state, 0, child.due, 0, note, at, NULL);
	}
	if (rc == 0)
		rc = mc_app_exchange_on_task(st, tc, actor, &next, p.state, at);
cleanup:
	free(units);
	mc_task_clear(&p);
	return rc;
}

static bool open_state(int state)
{
	return state != MC_TASK_DONE && state != MC_TASK_CANCELLED;
}

/* The open parts delegated from parent_id (and theirs), cancelled with it:
 * the work they are part of is called off, so no unit goes on with it or is
 * reminded of it. Each gets its own cancel event naming the task. */
static int cancel_parts(mc_store *st, const mc_actor *actor, int64_t parent_id, const char *reason,
			int64_t at, int depth)
{
	mc_task *parts = NULL;
	size_t n = 0;
	char note[MC_LIMIT_TASK_NOTE * 4 + 1];
	size_t chars = 0;
	int rc = mc_store_task_children(st, &parts, &n, parent_id);

	/* The commune does not read its parent: the reason comes with it, when
	 * both fit a reason's length (the task's own reason is never cut). */
	int head = snprintf(note, sizeof note, "task %lld, which this is part of, was cancelled",
			    (long long)parent_id);
	for (const char *c = reason ? reason : ""; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	if (reason && *reason && (size_t)head + 2 + chars <= MC_LIMIT_TASK_NOTE)
		snprintf(note + head, sizeof note - (size_t)head, ": %s", reason);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const mc_task *c = &parts[i];
		if (!open_state(c->state))
			continue;
		mc_task next = *c;
		next.state = MC_TASK_CANCELLED;
		next.note = note;
		next.updated_at = at;
		rc = save(st, &next, c->version);
		if (rc == 0)
			rc = append_event(st, actor, &next, "cancel", c->state, 0, 0, 0, note, at, NULL);
		if (rc == 0 && depth < 16)
			rc = cancel_parts(st, actor, c->id, reason, at, depth + 1);
	}
	mc_task_free_list(parts, n);
	return rc;
}

/* The open task t of a document re-assigned: the new unit in charge, its
 * cooperating units, deadline and direction, in place (docs/tasks.md §2). */
static int reassign(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_task *t,
		    const mc_task_new *in, int64_t at)
{
	mc_task next = *t;
	int rc;

	if (!holds(tc, actor, t->assigner_unit_id))
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				  "the document's task %lld was given by a unit above yours: its leaders "
				  "re-assign it",
				  (long long)t->id);
	rc = check_units(tc, t->assigner_unit_id, in);
	if (rc == 0)
		rc = set_due(tc, in, mc_local_day(at), &next);
	if (rc)
		return rc;
	next.unit_id = in->unit_id;
	next.title = (char *)in->title;
	next.content = (char *)(in->content ? in->content : "");
	/* An extension asked of the old deadline is moot: the work goes on. */
	next.requested_due = 0;
	if (next.state == MC_TASK_EXTENSION_REQUESTED)
		next.state = MC_TASK_IN_PROGRESS;
	next.updated_at = at;
	rc = save(st, &next, t->version);
	if (rc == 0)
		rc = mc_store_task_units_clear(st, t->id);
	for (size_t i = 0; rc == 0 && i < in->n_cooperating; i++)
		rc = mc_store_task_unit_add(st, t->id, in->cooperating[i]);
	if (rc == 0)
		rc = append_event(st, actor, &next, "reassign", t->state, 0, next.due, in->source_document_id,
				  NULL, at, NULL);
	return rc;
}

int mc_app_task_handoff(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d,
			const int64_t *cooperating, size_t n_cooperating, int64_t at, int64_t *task_id)
{
	mc_task t = {0}, out = {0};
	mc_task_new in = {.source_document_id = d->id,
			  .title = d->subject,
			  .content = d->direction,
			  .unit_id = d->assigned_unit_id,
			  .cooperating = cooperating,
			  .n_cooperating = n_cooperating,
			  .due_kind = d->deadline ? MC_TASK_DUE_DATE : MC_TASK_DUE_NONE,
			  /* the deadline is the end of its local day */
			  .due = d->deadline ? mc_local_day(d->deadline - 1) : 0};
	int64_t linked = d->task_id; /* task_id may point into d */
	int rc = 0;

	*task_id = 0;
	if (linked) {
		rc = mc_store_task_get(st, &t, linked);
		if (rc)
			goto cleanup;
		if (open_state(t.state)) {
			rc = reassign(st, tc, actor, &t, &in, at);
			if (rc == 0)
				*task_id = t.id;
			goto cleanup;
		}
	}
	/* The first assignment, or one after the last task was closed: a new task. */
	rc = mc_app_task_create(st, tc, actor, &in, at, &out);
	if (rc == 0)
		*task_id = out.id;
cleanup:
	mc_task_clear(&out);
	mc_task_clear(&t);
	return rc;
}

int mc_app_task_reorganise(mc_store *st, const mc_actor *actor, int64_t id, int64_t from_unit,
			   int64_t to_unit, const char *note, int64_t at)
{
	mc_task t = {0};
	int64_t *units = NULL, *kept = NULL;
	size_t n_units = 0, n_kept = 0;
	bool cooperating = false;
	int rc = load(st, &t, &units, &n_units, id, 0);

	if (rc)
		return rc;
	mc_task next = t;
	if (next.unit_id == from_unit)
		next.unit_id = to_unit;
	if (next.assigner_unit_id == from_unit)
		next.assigner_unit_id = to_unit;
	/* A cooperating unit ended: its successor cooperates, once, and not
	 * when it is the unit in charge itself. */
	kept = mc_xcalloc(n_units ? n_units : 1, sizeof *kept);
	for (size_t i = 0; i < n_units; i++) {
		int64_t u = units[i] == from_unit ? to_unit : units[i];
		bool twice = u == next.unit_id;
		cooperating = cooperating || units[i] == from_unit;
		for (size_t k = 0; k < n_kept && !twice; k++)
			twice = kept[k] == u;
		if (!twice)
			kept[n_kept++] = u;
	}
	next.updated_at = at;
	rc = save(st, &next, t.version);
	if (rc == 0 && cooperating) {
		rc = mc_store_task_units_clear(st, t.id);
		for (size_t i = 0; rc == 0 && i < n_kept; i++)
			rc = mc_store_task_unit_add(st, t.id, kept[i]);
	}
	if (rc == 0)
		rc = append_event(st, actor, &next, "reorganise", t.state, 0, next.due, 0, note, at, NULL);
	free(kept);
	free(units);
	mc_task_clear(&t);
	return rc;
}

/* The checks of a step's own fields, and what it changes in next. */
/* Whether part, given the deadline day, stays within its task's. */
static int within_parent(mc_store *st, const mc_task *part, int32_t day)
{
	mc_task p = {0};
	int rc = mc_store_task_get(st, &p, part->parent_id);

	if (rc == 0 && mc_task_child_due_check((mc_task_due_kind)p.due_kind, p.due, (mc_task_period)p.period,
					       (mc_task_due_kind)part->due_kind, day,
					       (mc_task_period)part->period) != 0) {
		int y = 0, m = 0, d = 0;
		mc_civil_from_days(p.due, &y, &m, &d);
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"a part of a task cannot be due after the task itself (task %lld is due "
				"%02d/%02d/%04d); extend the task first",
				(long long)p.id, d, m, y);
	}
	mc_task_clear(&p);
	return rc;
}

static int apply(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_task_view *v,
		 const mc_task_act *act, mc_task *next, report_period *period)
{
	const mc_task *t = v->task;
	int32_t today = mc_local_day(act->at);
	int rc = 0;

	if (act->document_id) {
		rc = document_visible(st, tc, actor, act->document_id, "document");
		if (rc)
			return rc;
	}
	switch (act->action) {
	case MC_TASK_ACT_REPORT:
		if (act->percent < -1 || act->percent > 100)
			return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "percent must be 0 to 100");
		if (blank(act->note) && act->percent < 0 && !act->document_id)
			return mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
					  "a report says something: a text, a percent or a document");
		/* A cooperating unit reports its part; the task's progress is the unit in charge's. */
		if (is_in_charge(tc, actor, t)) {
			if (act->percent >= 0)
				next->progress = act->percent;
			/* A recurring task: the first period not yet reported, once it has begun. */
			if (t->due_kind == MC_TASK_DUE_RECURRING && t->next_report_period <= today) {
				int32_t start, end;
				if (mc_task_period_bounds(&start, &end, (mc_task_period)t->period,
							  t->next_report_period) == 0) {
					next->next_report_period = end;
					/* The period this report answers, kept on its event. */
					*period = (report_period){
					    start, end,
					    mc_task_period_report_due(mc_time_ctx_calendar(tc), start, end)};
				}
			}
		}
		break;
	case MC_TASK_ACT_REQUEST_EXTENSION:
		if (t->due_kind != MC_TASK_DUE_DATE)
			return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					  "only a task due by a day can be given more time");
		if (blank(act->note))
			return mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
					  "a request for more time gives its reason");
		if (act->due <= t->due)
			return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					  "the day asked for must be after the deadline");
		next->requested_due = act->due;
		next->note = (char *)act->note;
		break;
	case MC_TASK_ACT_GRANT_EXTENSION: {
		int32_t day = act->due ? act->due : t->requested_due;
		if (day <= t->due)
			return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					  "the day granted must be after the deadline");
		/* A part is never due after its task's effective deadline (§4),
		 * as at its delegation: its task is extended first. */
		if (t->parent_id && (rc = within_parent(st, t, day)) != 0)
			return rc;
		next->due = day;
		next->requested_due = 0;
		break;
	}
	case MC_TASK_ACT_REFUSE_EXTENSION:
		next->requested_due = 0;
		break;
	case MC_TASK_ACT_PROPOSE_DONE:
		if (act->document_id)
			next->closing_document_id = act->document_id;
		break;
	case MC_TASK_ACT_CONFIRM:
		next->done_day = today;
		next->progress = 100;
		break;
	case MC_TASK_ACT_SEND_BACK:
	case MC_TASK_ACT_SUSPEND:
	case MC_TASK_ACT_CANCEL:
		if (blank(act->note))
			return mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD, "%s needs its reason",
					  mc_task_action_name(act->action));
		next->note = (char *)act->note;
		break;
	case MC_TASK_ACT_DELEGATE:
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "a part is delegated as a new task");
	default:
		break;
	}
	return 0;
}

int mc_app_task_act(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
		    const mc_task_act *act, mc_task *out)
{
	mc_task t = {0}, next;
	int64_t *units = NULL;
	size_t n_units = 0;
	mc_task_state to;
	int rc;

	mc_err_clear();
	memset(out, 0, sizeof *out);
	rc = load(st, &t, &units, &n_units, id, act->if_version);
	if (rc)
		goto cleanup;
	mc_task_view v = {.task = &t, .cooperating = units, .n_cooperating = n_units};
	rc = mc_app_task_check(tc, actor, &v, act->action);
	if (rc)
		goto cleanup;
	mc_task_next_state(&to, (mc_task_state)t.state, act->action);
	/* next borrows t's strings and the request's. */
	next = t;
	next.state = to;
	next.updated_at = act->at;
	report_period period = {0};
	rc = apply(st, tc, actor, &v, act, &next, &period);
	if (rc)
		goto cleanup;
	rc = save(st, &next, t.version);
	if (rc == 0)
		rc = append_event(st, actor, &next, mc_task_action_name(act->action), t.state,
				  act->percent > 0 ? act->percent : 0, act->due, act->document_id, act->note,
				  act->at, &period);
	/* a task an exchanged document's assignment made: its sender is told (05, 06) */
	if (rc == 0)
		rc = mc_app_exchange_on_task(st, tc, actor, &next, t.state, act->at);
	if (rc == 0 && act->action == MC_TASK_ACT_CANCEL)
		rc = cancel_parts(st, actor, t.id, act->note, act->at, 0);
	if (rc == 0)
		rc = mc_store_task_get(st, out, id);
cleanup:
	free(units);
	mc_task_clear(&t);
	return rc;
}

/* Queues the reminder of t to the leaders and specialists of unit_id. */
static int remind_unit(mc_store *st, const mc_time_ctx *tc, const mc_task *t, int64_t unit_id, bool overdue,
		       bool leaders_only, const char *public_url, int64_t now, int *queued)
{
	mc_user *users = NULL;
	size_t n = 0;
	char due[16];
	int y, m, d;
	const mc_unit *in_charge = mc_time_ctx_unit(tc, t->unit_id);
	int rc = mc_store_user_list(st, &users, &n, unit_id);
	mc_civil_from_days(t->due, &y, &m, &d);
	snprintf(due, sizeof due, "%02d/%02d/%04d", d, m, y);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const mc_user *u = &users[i];
		bool officer = u->role == MC_ROLE_LEADER || (!leaders_only && u->role == MC_ROLE_SPECIALIST);
		if (u->unit_id != unit_id || !u->active || !officer || !u->email || !u->email[0])
			continue;
		rc = mc_notify_task(st, t->province_code, u->email, t->id, t->title,
				    in_charge ? in_charge->name : "", due, overdue, public_url, now);
		if (rc == 0 && queued)
			(*queued)++;
	}
	mc_user_free_list(users, n);
	return rc;
}

int mc_app_task_remind(mc_store *st, const mc_time_ctx *tc, int64_t now, const char *public_url, int limit,
		       int *queued)
{
	mc_task *list = NULL;
	size_t n = 0;
	int32_t today = mc_local_day(now);
	int32_t soon_to = mc_task_add_working_days(mc_time_ctx_calendar(tc), today, MC_TASK_DUE_SOON_DAYS);
	int rc = mc_store_task_reminders_due(st, &list, &n, today, soon_to, today - MC_TASK_REMIND_LATE_DAYS,
					     limit);

	if (queued)
		*queued = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const mc_task *t = &list[i];
		bool overdue = t->due < today;
		rc = remind_unit(st, tc, t, t->unit_id, overdue, false, public_url, now, queued);
		if (rc == 0 && overdue)
			rc = remind_unit(st, tc, t, t->assigner_unit_id, true, true, public_url, now, queued);
		/* Overdue owes no due-soon reminder any more: both are marked. */
		if (rc == 0)
			rc = mc_store_task_set_reminded(st, t->id, t->due, true, overdue);
	}
	mc_task_free_list(list, n);
	return rc;
}
