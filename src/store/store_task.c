/*
 * store_task.c - tasks on either engine (db.h): the tasks, their cooperating
 * units and their events (store_task.h).
 */
#include "store/store_task.h"

#include "core/buf.h"
#include "core/mc.h"
#include "core/task.h"
#include "core/task_rollup.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_or_empty(const char *s)
{
	return s ? s : "";
}

/* ---- tasks -------------------------------------------------------------- */

static const mc_col task_cols[] = {
    MC_COL(MC_COL_I64, mc_task, id, "id"),
    MC_COL(MC_COL_STR, mc_task, province_code, "province_code"),
    MC_COL(MC_COL_I64, mc_task, parent_id, "parent_id"),
    MC_COL(MC_COL_I64, mc_task, source_document_id, "source_document_id"),
    MC_COL(MC_COL_I64, mc_task, closing_document_id, "closing_document_id"),
    MC_COL(MC_COL_STR, mc_task, directive, "directive"),
    MC_COL(MC_COL_STR, mc_task, title, "title"),
    MC_COL(MC_COL_STR, mc_task, content, "content"),
    MC_COL(MC_COL_STR, mc_task, product, "product"),
    MC_COL(MC_COL_I64, mc_task, assigner_unit_id, "assigner_unit_id"),
    MC_COL(MC_COL_I64, mc_task, assigned_by, "assigned_by"),
    MC_COL(MC_COL_I64, mc_task, unit_id, "unit_id"),
    MC_COL(MC_COL_INT, mc_task, state, "state"),
    MC_COL(MC_COL_I64, mc_task, version, "version"),
    MC_COL(MC_COL_INT, mc_task, due_kind, "due_kind"),
    MC_COL(MC_COL_INT, mc_task, period, "period"),
    MC_COL(MC_COL_I32, mc_task, assigned_day, "assigned_day"),
    MC_COL(MC_COL_I32, mc_task, original_due, "original_due"),
    MC_COL(MC_COL_I32, mc_task, due, "due"),
    MC_COL(MC_COL_I32, mc_task, requested_due, "requested_due"),
    MC_COL(MC_COL_I32, mc_task, next_report_period, "next_report_period"),
    MC_COL(MC_COL_I32, mc_task, done_day, "done_day"),
    MC_COL(MC_COL_INT, mc_task, progress, "progress"),
    MC_COL(MC_COL_STR, mc_task, note, "note"),
    MC_COL(MC_COL_I64, mc_task, created_at, "created_at"),
    MC_COL(MC_COL_I64, mc_task, updated_at, "updated_at"),
};

#define TASK_COLS                                                                                            \
	"t.id, t.province_code, t.parent_id, t.source_document_id, t.closing_document_id, t.directive, "     \
	"t.title, t.content, t.product, t.assigner_unit_id, t.assigned_by, t.unit_id, t.state, t.version, "  \
	"t.due_kind, t.period, t.assigned_day, t.original_due, t.due, t.requested_due, "                     \
	"t.next_report_period, t.done_day, t.progress, t.note, t.created_at, t.updated_at"

void mc_task_clear(mc_task *t)
{
	mc_row_clear(task_cols, MC_ARRAY_LEN(task_cols), t, sizeof *t);
}

void mc_task_free_list(mc_task *list, size_t n)
{
	mc_rows_free(task_cols, MC_ARRAY_LEN(task_cols), list, n, sizeof *list);
}

static void rollup_in_of(mc_task_rollup_in *in, const mc_task *t);
static int rollup_apply(mc_store *st, const mc_task_rollup_in *old, const mc_task_rollup_in *new_);
static int rollup_old(mc_store *st, mc_task_rollup_in *old, int64_t id);

/* The columns that change over a task's life, bound from $first on in this order. */
#define MUTABLE_COLS                                                                                         \
	"closing_document_id, title, content, product, unit_id, state, due_kind, period, original_due, "     \
	"due, "                                                                                              \
	"requested_due, next_report_period, done_day, progress, note, updated_at"
#define N_MUTABLE 16

static void bind_mutable(mc_q *q, int i, const mc_task *t)
{
	mc_q_ref(q, i++, t->closing_document_id);
	mc_q_text(q, i++, s_or_empty(t->title));
	mc_q_text(q, i++, s_or_empty(t->content));
	mc_q_text(q, i++, s_or_empty(t->product));
	mc_q_int(q, i++, t->unit_id);
	mc_q_int(q, i++, t->state);
	mc_q_int(q, i++, t->due_kind);
	mc_q_int(q, i++, t->period);
	mc_q_int(q, i++, t->original_due);
	mc_q_int(q, i++, t->due);
	mc_q_int(q, i++, t->requested_due);
	mc_q_int(q, i++, t->next_report_period);
	mc_q_int(q, i++, t->done_day);
	mc_q_int(q, i++, t->progress);
	mc_q_text(q, i++, s_or_empty(t->note));
	mc_q_int(q, i++, t->updated_at);
}

int mc_store_task_add(mc_store *st, mc_task *t)
{
	static const char sql[] =
	    "INSERT INTO task (province_code, assigner_unit_id, parent_id, source_document_id, directive, "
	    "assigned_by, assigned_day, created_at, version, " MUTABLE_COLS
	    ") VALUES (coalesce((SELECT province_code FROM unit WHERE id = $1), ''), $1, $2, $3, $4, $5, "
	    "$6, $7, 1, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) "
	    "RETURNING id";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	mc_q_int(q, 1, t->assigner_unit_id);
	mc_q_ref(q, 2, t->parent_id);
	mc_q_ref(q, 3, t->source_document_id);
	mc_q_text(q, 4, s_or_empty(t->directive));
	mc_q_ref(q, 5, t->assigned_by);
	mc_q_int(q, 6, t->assigned_day);
	mc_q_int(q, 7, t->created_at);
	bind_mutable(q, 8, t);
	rc = mc_q_insert_id(q, "record task", &t->id);
	if (rc == 0) {
		mc_task_rollup_in in;
		t->version = 1;
		rollup_in_of(&in, t);
		rc = rollup_apply(st, NULL, &in);
	}
cleanup:
	mc_q_done(q);
	return rc;
}
_Static_assert(N_MUTABLE + 7 == 23, "the insert's parameters");

int mc_store_task_get(mc_store *st, mc_task *out, int64_t id)
{
	static const char sql[] = "SELECT " TASK_COLS " FROM task t WHERE t.id = $1";
	memset(out, 0, sizeof *out);
	int rc = mc_db_read_by_id(st, sql, id, "read task", MC_COLS(task_cols), out);
	if (rc)
		mc_task_clear(out);
	return rc;
}

int mc_store_task_update(mc_store *st, const mc_task *t, int64_t if_version)
{
	static const char sql[] =
	    "UPDATE task SET version = version + 1, (" MUTABLE_COLS
	    ", assigner_unit_id) = ($3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
	    "$19) WHERE id = $1 AND version = $2";
	mc_task_rollup_in old, in;
	mc_q *q = NULL;
	/* What the task counted in the roll-up before: the columns as stored. */
	int rc = rollup_old(st, &old, t->id);

	if (rc == MC_ENOTFOUND)
		rc = MC_ESTALE;
	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, t->id);
	mc_q_int(q, 2, if_version);
	bind_mutable(q, 3, t);
	/* Changed only by a reorganisation (app/unit_plan.c): the unit that
	 * gave it ended, its successor follows it. */
	mc_q_int(q, 3 + N_MUTABLE, t->assigner_unit_id);
	rc = mc_q_try(q, "update task");
	if (rc == 0 && mc_q_changes(q) != 1)
		rc = MC_ESTALE;
	if (rc)
		goto cleanup;
	/* What it counts now: the stored columns that do not change, the rest as written. */
	in = old;
	in.assigner_unit_id = t->assigner_unit_id;
	in.unit_id = t->unit_id;
	in.state = t->state;
	in.due_kind = t->due_kind;
	in.original_due = t->original_due;
	in.due = t->due;
	in.done_day = t->done_day;
	in.period = t->period;
	in.next_report_period = t->next_report_period;
	rc = rollup_apply(st, &old, &in);
cleanup:
	mc_q_done(q);
	return rc;
}
_Static_assert(N_MUTABLE + 3 == 19, "the update's parameters");

int mc_store_task_unit_add(mc_store *st, int64_t task_id, int64_t unit_id)
{
	static const char sql[] = "INSERT INTO task_unit (task_id, unit_id) VALUES ($1, $2)";
	return mc_db_try(st, sql, "record cooperating unit", MC_ARGS(MC_I(task_id), MC_I(unit_id)));
}

int mc_store_task_units_clear(mc_store *st, int64_t task_id)
{
	static const char sql[] = "DELETE FROM task_unit WHERE task_id = $1";
	return mc_db_try(st, sql, "forget cooperating units", MC_ARGS(MC_I(task_id)));
}

int mc_store_task_units(mc_store *st, int64_t **out, size_t *n, int64_t task_id)
{
	static const char sql[] = "SELECT unit_id FROM task_unit WHERE task_id = $1 ORDER BY unit_id";
	/* Each row one int64_t of the array. */
	static const mc_col cols[] = {{"unit_id", MC_COL_I64, 0, 0}};
	return mc_db_read_list_by(st, sql, task_id, "list cooperating units", MC_COLS(cols), sizeof **out,
				  out, n);
}

int mc_store_unit_open_tasks(mc_store *st, int64_t **out, size_t *n, int64_t unit_id)
{
	static const char sql[] =
	    "SELECT id FROM task t WHERE t.state NOT IN (4, 8) AND (t.unit_id = $1 OR t.assigner_unit_id = "
	    "$1 "
	    "OR EXISTS (SELECT 1 FROM task_unit tu WHERE tu.task_id = t.id AND tu.unit_id = $1)) ORDER BY id";
	/* Each row one int64_t of the array. */
	static const mc_col cols[] = {{"id", MC_COL_I64, 0, 0}};
	return mc_db_read_list_by(st, sql, unit_id, "list a unit's open tasks", MC_COLS(cols), sizeof **out,
				  out, n);
}

int mc_store_task_children(mc_store *st, mc_task **out, size_t *n, int64_t parent_id)
{
	static const char sql[] = "SELECT " TASK_COLS " FROM task t WHERE t.parent_id = $1 ORDER BY t.id";
	return mc_db_read_list_by(st, sql, parent_id, "list child tasks", MC_COLS(task_cols), sizeof **out,
				  out, n);
}

/* $1, $2 the scope's path range; $3 relation; $4 state; $5 open only; $6
 * due from; $7 due to; $8 parent (-1 none); $9 source document; $10, $11
 * limit and offset. The open states are core/task.h's and the proposed one. */
#define LIST_WHERE                                                                                           \
	" FROM task t WHERE (($3 = 0 OR $3 = 1) AND t.assigner_unit_id IN "                                  \
	"(SELECT id FROM unit WHERE path >= $1 AND path < $2) "                                              \
	"OR ($3 = 0 OR $3 = 2) AND t.unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2) "       \
	"OR ($3 = 0 OR $3 = 3) AND EXISTS (SELECT 1 FROM task_unit tu JOIN unit u ON u.id = tu.unit_id "     \
	"WHERE tu.task_id = t.id AND u.path >= $1 AND u.path < $2)) "                                        \
	"AND ($4 = 0 OR t.state = $4) AND ($5 = 0 OR t.state IN (1, 2, 3, 5, 6)) "                           \
	"AND ($6 = 0 OR t.due_kind = 1 AND t.due >= $6) AND ($7 = 0 OR t.due_kind = 1 AND t.due <= $7) "     \
	"AND ($8 = 0 OR $8 = -1 AND t.parent_id IS NULL OR t.parent_id = $8) "                               \
	"AND ($9 = 0 OR t.source_document_id = $9)"

/* The filters of LIST_WHERE from $3 on ($1, $2: the scope's path range). */
static void list_bind(mc_q *q, const mc_task_query *tq)
{
	mc_q_int(q, 3, tq->relation);
	mc_q_int(q, 4, tq->state);
	mc_q_int(q, 5, tq->open_only ? 1 : 0);
	mc_q_int(q, 6, tq->due_from);
	mc_q_int(q, 7, tq->due_to);
	mc_q_int(q, 8, tq->parent_id);
	mc_q_int(q, 9, tq->source_document_id);
}

int mc_store_task_list(mc_store *st, mc_task **out, size_t *n, int64_t *total, const mc_task_query *tq)
{
	static const char sql_count[] = "SELECT count(*)" LIST_WHERE;
	static const char sql_page[] =
	    "SELECT " TASK_COLS LIST_WHERE
	    " ORDER BY CASE WHEN t.due_kind = 1 THEN 0 ELSE 1 END, t.due, t.id LIMIT $10 OFFSET $11";
	mc_q *q = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	rc = mc_db_prepare_in_unit(st, &q, sql_count, tq->scope_unit_id);
	if (rc)
		goto cleanup;
	list_bind(q, tq);
	rc = mc_q_row(q, "count tasks");
	if (rc != 1) {
		if (rc == 0)
			rc = MC_ERROR;
		goto cleanup;
	}
	*total = mc_q_col_int(q, 0);
	mc_q_done(q);
	q = NULL;
	rc = mc_db_prepare_in_unit(st, &q, sql_page, tq->scope_unit_id);
	if (rc)
		goto cleanup;
	list_bind(q, tq);
	mc_q_int(q, 10, tq->limit);
	mc_q_int(q, 11, tq->offset);
	rc = mc_q_read_list(q, "list tasks", task_cols, MC_ARRAY_LEN(task_cols), sizeof **out, out, n);
cleanup:
	mc_q_done(q);
	return rc;
}

/* The groups' columns (group_cols), with `today` the parameter of the day
 * of the question. */
#define GROUP_SELECT(today)                                                                                  \
	"SELECT t.unit_id, coalesce(t.assigned_by, 0) AS assigned_by, t.state, t.due_kind, "                 \
	"CASE WHEN t.due_kind = 2 THEN t.period ELSE 0 END AS period, "                                      \
	"CASE WHEN t.due_kind = 2 THEN t.next_report_period ELSE 0 END AS next_report_period, "              \
	"CASE WHEN t.state = 4 AND t.done_day <= t.original_due THEN 1 ELSE 0 END AS done_by_original, "     \
	"CASE WHEN t.state = 4 AND t.done_day <= t.due THEN 1 ELSE 0 END AS done_by_due, "                   \
	"CASE WHEN t.due_kind = 1 AND t.due < " today " THEN 1 ELSE 0 END AS due_passed, count(*) AS n"
/* After LIST_WHERE: not cancelled, assigned in [$10, $11] (0 = no bound). */
#define GROUPS_OF_PERIOD                                                                                     \
	" AND t.state <> 8 AND ($10 = 0 OR t.assigned_day >= $10) AND ($11 = 0 OR t.assigned_day <= $11)"    \
	" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2"

static const mc_col group_cols[] = {
    MC_COL(MC_COL_I64, mc_task_group, unit_id, "unit_id"),
    MC_COL(MC_COL_I64, mc_task_group, assigned_by, "assigned_by"),
    MC_COL(MC_COL_INT, mc_task_group, state, "state"),
    MC_COL(MC_COL_INT, mc_task_group, due_kind, "due_kind"),
    MC_COL(MC_COL_INT, mc_task_group, period, "period"),
    MC_COL(MC_COL_I32, mc_task_group, next_report_period, "next_report_period"),
    MC_COL(MC_COL_BOOL, mc_task_group, done_by_original, "done_by_original"),
    MC_COL(MC_COL_BOOL, mc_task_group, done_by_due, "done_by_due"),
    MC_COL(MC_COL_BOOL, mc_task_group, due_passed, "due_passed"),
    MC_COL(MC_COL_I64, mc_task_group, n, "n"),
};

int mc_store_task_groups(mc_store *st, mc_task_group **out, size_t *n, const mc_task_query *tq, int32_t from,
			 int32_t to, int32_t today)
{
	/* Only the columns a task's timing reads for its state and kind of
	 * deadline are grouped by, so that the groups stay few (units x
	 * leaders x states); the state 8 (cancelled) is not counted. */
	static const char sql[] = GROUP_SELECT("$12") LIST_WHERE GROUPS_OF_PERIOD;
	mc_q *q = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = mc_db_prepare_in_unit(st, &q, sql, tq->scope_unit_id);
	if (rc)
		goto cleanup;
	list_bind(q, tq);
	mc_q_int(q, 10, from);
	mc_q_int(q, 11, to);
	mc_q_int(q, 12, today);
	rc = mc_q_read_list(q, "count tasks by group", group_cols, MC_ARRAY_LEN(group_cols), sizeof **out,
			    out, n);
	for (size_t i = 0; rc == 0 && i < *n; i++)
		(*out)[i].feeds = MC_TASK_FEEDS_UNIT | MC_TASK_FEEDS_LEADER;
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_task_reminders_due(mc_store *st, mc_task **out, size_t *n, int32_t today, int32_t soon_to,
				int32_t overdue_since, int limit)
{
	static const char sql[] =
	    "SELECT " TASK_COLS " FROM task t WHERE t.due_kind = 1 AND t.state IN (1, 2, 5, 6) AND "
	    "(t.due >= $1 AND t.due <= $2 AND t.reminded_soon <> t.due OR "
	    "t.due < $1 AND t.due >= $4 AND t.reminded_overdue <> t.due) ORDER BY t.id LIMIT $3";
	return mc_db_list(st, sql, "list task reminders", MC_COLS(task_cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(today), MC_I(soon_to), MC_I(limit), MC_I(overdue_since)));
}

int mc_store_task_set_reminded(mc_store *st, int64_t id, int32_t due, bool soon, bool overdue)
{
	static const char sql[] =
	    "UPDATE task SET reminded_soon = CASE WHEN $3 = 1 THEN $2 ELSE reminded_soon END, "
	    "reminded_overdue = CASE WHEN $4 = 1 THEN $2 ELSE reminded_overdue END WHERE id = $1";
	return mc_db_run(st, sql, "record task reminder",
			 MC_ARGS(MC_I(id), MC_I(due), MC_I(soon ? 1 : 0), MC_I(overdue ? 1 : 0)));
}

/* ---- the roll-up (core/task_rollup.h) ------------------------------------ */

static const mc_col rollup_in_cols[] = {
    MC_COL(MC_COL_I64, mc_task_rollup_in, assigner_unit_id, "assigner_unit_id"),
    MC_COL(MC_COL_I64, mc_task_rollup_in, unit_id, "unit_id"),
    MC_COL(MC_COL_I64, mc_task_rollup_in, assigned_by, "assigned_by"),
    MC_COL(MC_COL_INT, mc_task_rollup_in, state, "state"),
    MC_COL(MC_COL_INT, mc_task_rollup_in, due_kind, "due_kind"),
    MC_COL(MC_COL_I32, mc_task_rollup_in, assigned_day, "assigned_day"),
    MC_COL(MC_COL_I32, mc_task_rollup_in, original_due, "original_due"),
    MC_COL(MC_COL_I32, mc_task_rollup_in, due, "due"),
    MC_COL(MC_COL_I32, mc_task_rollup_in, done_day, "done_day"),
    MC_COL(MC_COL_INT, mc_task_rollup_in, period, "period"),
    MC_COL(MC_COL_I32, mc_task_rollup_in, next_report_period, "next_report_period"),
};

#define ROLLUP_IN_COLS                                                                                       \
	"assigner_unit_id, unit_id, coalesce(assigned_by, 0) AS assigned_by, state, due_kind, "              \
	"assigned_day, original_due, due, done_day, period, next_report_period"

static void rollup_in_of(mc_task_rollup_in *in, const mc_task *t)
{
	*in = (mc_task_rollup_in){.assigner_unit_id = t->assigner_unit_id,
				  .unit_id = t->unit_id,
				  .assigned_by = t->assigned_by,
				  .state = t->state,
				  .due_kind = t->due_kind,
				  .assigned_day = t->assigned_day,
				  .original_due = t->original_due,
				  .due = t->due,
				  .done_day = t->done_day,
				  .period = t->period,
				  .next_report_period = t->next_report_period};
}

static int rollup_old(mc_store *st, mc_task_rollup_in *old, int64_t id)
{
	static const char sql[] = "SELECT " ROLLUP_IN_COLS " FROM task WHERE id = $1";

	memset(old, 0, sizeof *old);
	return mc_db_read_by_id(st, sql, id, "read task for the roll-up", MC_COLS(rollup_in_cols), old);
}

#define RU_COLS                                                                                              \
	"done_on_time, done_extended, done_late, suspended, open_none, proposed_none, open_dated, "          \
	"proposed_dated"
#define RU_ADD(c) c " = task_rollup." c " + excluded." c

/* Adds one cell's counters to the table. */
static int rollup_add(mc_store *st, const mc_task_rollup_cell *c)
{
	/* clang-format off */
	static const char sql[] =
	    "INSERT INTO task_rollup (grain, period, assigner_unit_id, dim, key_id, due_month, due_from_month, "
	    RU_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
	    "ON CONFLICT (grain, period, assigner_unit_id, dim, key_id, due_month, due_from_month) DO UPDATE SET "
	    RU_ADD("done_on_time") ", " RU_ADD("done_extended") ", " RU_ADD("done_late") ", "
	    RU_ADD("suspended") ", " RU_ADD("open_none") ", " RU_ADD("proposed_none") ", "
	    RU_ADD("open_dated") ", " RU_ADD("proposed_dated");
	/* clang-format on */
	return mc_db_run(st, sql, "add to the tasks' roll-up",
			 MC_ARGS(MC_I(c->grain), MC_I(c->period), MC_I(c->assigner_unit_id), MC_I(c->dim),
				 MC_I(c->key_id), MC_I(c->due_month), MC_I(c->due_from_month), MC_I(c->v[0]),
				 MC_I(c->v[1]), MC_I(c->v[2]), MC_I(c->v[3]), MC_I(c->v[4]), MC_I(c->v[5]),
				 MC_I(c->v[6]), MC_I(c->v[7])));
}
_Static_assert(MC_TR_N == 8, "the roll-up's counters");

/* Takes what old counted off the cells and adds what new counts, in key
 * order; a change within one cell writes nothing. */
static int rollup_apply(mc_store *st, const mc_task_rollup_in *old, const mc_task_rollup_in *new_)
{
	mc_task_rollup_cell cells[2 * MC_TASK_ROLLUP_CELLS];
	size_t n = 0;
	int rc = 0;

	if (old)
		n += mc_task_rollup_cells(cells, old, -1);
	if (new_)
		n += mc_task_rollup_cells(cells + n, new_, 1);
	n = mc_task_rollup_merge(cells, n);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = rollup_add(st, &cells[i]);
	return rc;
}

bool mc_store_task_rollup_answers(const mc_task_query *tq)
{
	return tq->relation == 0 && tq->state == 0 && !tq->open_only && tq->due_from == 0 &&
	       tq->due_to == 0 && tq->parent_id == 0 && tq->source_document_id == 0;
}

/* The cells of a span, summed by key and by bucket: 0 the counters that do
 * not depend on the day, 1 the open ones whose deadline falls before
 * today's month (overdue), 2 those whose deadline falls after it. */
struct rollup_row {
	int dim;
	int64_t key_id;
	int bucket;
	int64_t v[MC_TR_N];
};

static const mc_col rollup_row_cols[] = {
    MC_COL(MC_COL_INT, struct rollup_row, dim, "dim"),
    MC_COL(MC_COL_I64, struct rollup_row, key_id, "key_id"),
    MC_COL(MC_COL_INT, struct rollup_row, bucket, "bucket"),
    MC_COL(MC_COL_I64, struct rollup_row, v[0], "done_on_time"),
    MC_COL(MC_COL_I64, struct rollup_row, v[1], "done_extended"),
    MC_COL(MC_COL_I64, struct rollup_row, v[2], "done_late"),
    MC_COL(MC_COL_I64, struct rollup_row, v[3], "suspended"),
    MC_COL(MC_COL_I64, struct rollup_row, v[4], "open_none"),
    MC_COL(MC_COL_I64, struct rollup_row, v[5], "proposed_none"),
    MC_COL(MC_COL_I64, struct rollup_row, v[6], "open_dated"),
    MC_COL(MC_COL_I64, struct rollup_row, v[7], "proposed_dated"),
};

#define RU_SUM(c) "sum(c." c ") AS " c

/* A group that stands as the cell's counter does to mc_task_timing_of. */
static void push(mc_task_group **out, size_t *n, size_t *cap, const struct rollup_row *r, int state,
		 int due_kind, bool by_original, bool by_due, bool passed, int64_t count)
{
	if (count == 0)
		return;
	MC_GROW(*out, *n, *cap);
	(*out)[(*n)++] = (mc_task_group){
	    .unit_id = r->dim == MC_TR_BY_UNIT ? r->key_id : 0,
	    .assigned_by = r->dim == MC_TR_BY_LEADER ? r->key_id : 0,
	    .state = state,
	    .due_kind = due_kind,
	    .done_by_original = by_original,
	    .done_by_due = by_due,
	    .due_passed = passed,
	    .n = count,
	    .feeds = r->dim == MC_TR_BY_UNIT ? MC_TASK_FEEDS_UNIT : MC_TASK_FEEDS_LEADER,
	};
}

static int rollup_cells_read(mc_store *st, mc_task_group **out, size_t *n, size_t *cap, const char *lo,
			     const char *hi, const mc_task_rollup_span *sp, int32_t month)
{
	/* clang-format off */
	static const char sql[] =
	    "SELECT c.dim, c.key_id, CASE WHEN c.due_month = 0 THEN 0 WHEN c.due_month < $13 THEN 1 ELSE 2 "
	    "END AS bucket, " RU_SUM("done_on_time") ", " RU_SUM("done_extended") ", " RU_SUM("done_late") ", "
	    RU_SUM("suspended") ", " RU_SUM("open_none") ", " RU_SUM("proposed_none") ", "
	    RU_SUM("open_dated") ", " RU_SUM("proposed_dated") " FROM task_rollup c "
	    "WHERE (c.grain = 0 AND c.period >= $3 AND c.period <= $4 "
	    "OR c.grain = 0 AND c.period >= $5 AND c.period <= $6 "
	    "OR c.grain = 1 AND c.period >= $7 AND c.period <= $8 "
	    "OR c.grain = 1 AND c.period >= $9 AND c.period <= $10 "
	    "OR c.grain = 2 AND c.period >= $11 AND c.period <= $12) "
	    "AND NOT (c.due_month <> 0 AND c.due_from_month <= $13 AND c.due_month >= $13) "
	    "AND c.assigner_unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2) "
	    "GROUP BY 1, 2, 3";
	/* clang-format on */
	struct rollup_row *rows = NULL;
	size_t n_rows = 0;
	int rc = mc_db_list(
	    st, sql, "sum the tasks' roll-up", MC_COLS(rollup_row_cols), sizeof *rows, &rows, &n_rows,
	    MC_ARGS(MC_T(lo), MC_T(hi), MC_I(sp->day[0].lo), MC_I(sp->day[0].hi), MC_I(sp->day[1].lo),
		    MC_I(sp->day[1].hi), MC_I(sp->month[0].lo), MC_I(sp->month[0].hi), MC_I(sp->month[1].lo),
		    MC_I(sp->month[1].hi), MC_I(sp->year.lo), MC_I(sp->year.hi), MC_I(month)));

	for (size_t i = 0; rc == 0 && i < n_rows; i++) {
		const struct rollup_row *r = &rows[i];
		bool passed = r->bucket == 1;
		push(out, n, cap, r, 4, 1, true, true, false, r->v[MC_TR_DONE_ON_TIME]);
		push(out, n, cap, r, 4, 1, false, true, false, r->v[MC_TR_DONE_EXTENDED]);
		push(out, n, cap, r, 4, 1, false, false, false, r->v[MC_TR_DONE_LATE]);
		push(out, n, cap, r, 7, 0, false, false, false, r->v[MC_TR_SUSPENDED]);
		push(out, n, cap, r, 2, 0, false, false, false, r->v[MC_TR_OPEN_NONE]);
		push(out, n, cap, r, 3, 0, false, false, false, r->v[MC_TR_PROPOSED_NONE]);
		push(out, n, cap, r, 2, 1, false, false, passed, r->v[MC_TR_OPEN_DATED]);
		push(out, n, cap, r, 3, 1, false, false, passed, r->v[MC_TR_PROPOSED_DATED]);
	}
	free(rows);
	return rc;
}

/* Appends the groups of a live statement (bound by the caller) to *out. */
static int live_read(mc_q *q, mc_task_group **out, size_t *n, size_t *cap)
{
	mc_task_group *g = NULL;
	size_t k = 0;
	int rc = mc_q_read_list(q, "count tasks by group", group_cols, MC_ARRAY_LEN(group_cols), sizeof *g,
				&g, &k);

	for (size_t i = 0; rc == 0 && i < k; i++) {
		MC_GROW(*out, *n, *cap);
		(*out)[*n] = g[i];
		(*out)[(*n)++].feeds = MC_TASK_FEEDS_UNIT | MC_TASK_FEEDS_LEADER;
	}
	free(g);
	return rc;
}

static int group_cmp(const void *a, const void *b)
{
	const mc_task_group *x = a, *y = b;
	return (x->unit_id > y->unit_id) - (x->unit_id < y->unit_id);
}

int mc_store_task_rollup_groups(mc_store *st, mc_task_group **out, size_t *n, const mc_task_query *tq,
				int32_t from, int32_t to, int32_t today)
{
	/* What the cells leave out of the tasks the scope's units give: the
	 * open and proposed ones due by a day in [$3, $4) (today's month), and
	 * the recurring ones whose awaited period overlaps it (by its kind,
	 * next_report_period in [$3, $4), [$8, $9), … [$14, $15)), over the
	 * partial indexes task_open_due and task_open_recurring ("+" keeps the
	 * planner off the giver's index). */
	/* clang-format off */
	static const char sql_dated[] = GROUP_SELECT("$7")
	    " FROM task t WHERE t.due_kind = 1 AND t.state IN (1, 2, 3, 5, 6) AND t.due >= $3 AND t.due < $4"
	    " AND +t.assigner_unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2)"
	    " AND t.assigned_day >= $5 AND t.assigned_day <= $6 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9";
	static const char sql_recurring[] = GROUP_SELECT("$7")
	    " FROM task t WHERE t.due_kind = 2 AND t.state IN (1, 2, 3, 5, 6)"
	    " AND (t.period = 1 AND t.next_report_period >= $3 AND t.next_report_period < $4"
	    " OR t.period = 2 AND t.next_report_period >= $8 AND t.next_report_period < $9"
	    " OR t.period = 3 AND t.next_report_period >= $10 AND t.next_report_period < $11"
	    " OR t.period = 4 AND t.next_report_period >= $12 AND t.next_report_period < $13"
	    " OR t.period = 5 AND t.next_report_period >= $14 AND t.next_report_period < $15)"
	    " AND +t.assigner_unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2)"
	    " AND t.assigned_day >= $5 AND t.assigned_day <= $6 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9";
	/* The tasks of the scope given from above it: their givers' cells are
	 * not the scope's. */
	static const char sql_above[] = GROUP_SELECT("$12") LIST_WHERE
	    " AND t.assigner_unit_id NOT IN (SELECT id FROM unit WHERE path >= $1 AND path < $2)"
	    GROUPS_OF_PERIOD;
	/* clang-format on */
	static const char sql_parent[] = "SELECT coalesce(parent_id, 0) FROM unit WHERE id = $1";
	char lo[256], hi[256];
	mc_task_rollup_span sp;
	size_t cap = 0;
	int64_t parent = 0;
	int y, m, d;
	mc_q *q = NULL;
	int rc = mc_db_unit_range(st, lo, hi, tq->scope_unit_id);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	if (to == 0)
		to = mc_days_from_civil(9999, 12, 31);
	if (to < from)
		goto cleanup;
	mc_task_rollup_span_of(&sp, from, to);
	mc_civil_from_days(today, &y, &m, &d);
	int32_t month_start = mc_days_from_civil(y, m, 1);
	int32_t month_end = m == 12 ? mc_days_from_civil(y + 1, 1, 1) : mc_days_from_civil(y, m + 1, 1);
	rc = rollup_cells_read(st, out, n, &cap, lo, hi, &sp, y * 12 + m - 1);
	for (int k = 0; k < 2 && rc == 0; k++) {
		rc = mc_db_prepare(st, &q, k == 0 ? sql_dated : sql_recurring);
		if (rc)
			break;
		mc_q_text(q, 1, lo);
		mc_q_text(q, 2, hi);
		mc_q_int(q, 5, from);
		mc_q_int(q, 6, to);
		mc_q_int(q, 7, today);
		if (k == 0) {
			mc_q_int(q, 3, month_start);
			mc_q_int(q, 4, month_end);
		}
		/* The periods of each kind that overlap today's month. */
		for (int p = MC_TASK_PERIOD_WEEK; k == 1 && p <= MC_TASK_PERIOD_YEAR; p++) {
			int32_t lo_start = 0, lo_end = 0, hi_start = 0, hi_end = 0;
			mc_task_period_bounds(&lo_start, &lo_end, (mc_task_period)p, month_start);
			mc_task_period_bounds(&hi_start, &hi_end, (mc_task_period)p, month_end - 1);
			int at = p == MC_TASK_PERIOD_WEEK ? 3 : 4 + 2 * p;
			mc_q_int(q, at, lo_start);
			mc_q_int(q, at + 1, hi_end);
		}
		rc = live_read(q, out, n, &cap);
		mc_q_done(q);
		q = NULL;
	}
	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql_parent);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, tq->scope_unit_id);
	rc = mc_q_row(q, "read a unit's parent");
	if (rc == 1) {
		parent = mc_q_col_int(q, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = MC_ENOTFOUND;
	}
	mc_q_done(q);
	q = NULL;
	/* A unit at the root of its tree gives (or is above the giver of)
	 * every task of its units: none comes from above. */
	if (rc || parent == 0)
		goto cleanup;
	rc = mc_db_prepare(st, &q, sql_above);
	if (rc)
		goto cleanup;
	mc_q_text(q, 1, lo);
	mc_q_text(q, 2, hi);
	list_bind(q, tq);
	mc_q_int(q, 10, from);
	mc_q_int(q, 11, to);
	mc_q_int(q, 12, today);
	rc = live_read(q, out, n, &cap);
cleanup:
	mc_q_done(q);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	} else if (*n > 1) {
		qsort(*out, *n, sizeof **out, group_cmp);
	}
	return rc;
}

/* Every task not cancelled, a page at a time by id. */
struct scanned_task {
	int64_t id;
	mc_task_rollup_in in;
};

static const mc_col scan_cols[] = {
    MC_COL(MC_COL_I64, struct scanned_task, id, "id"),
    MC_COL(MC_COL_I64, struct scanned_task, in.assigner_unit_id, "assigner_unit_id"),
    MC_COL(MC_COL_I64, struct scanned_task, in.unit_id, "unit_id"),
    MC_COL(MC_COL_I64, struct scanned_task, in.assigned_by, "assigned_by"),
    MC_COL(MC_COL_INT, struct scanned_task, in.state, "state"),
    MC_COL(MC_COL_INT, struct scanned_task, in.due_kind, "due_kind"),
    MC_COL(MC_COL_I32, struct scanned_task, in.assigned_day, "assigned_day"),
    MC_COL(MC_COL_I32, struct scanned_task, in.original_due, "original_due"),
    MC_COL(MC_COL_I32, struct scanned_task, in.due, "due"),
    MC_COL(MC_COL_I32, struct scanned_task, in.done_day, "done_day"),
    MC_COL(MC_COL_INT, struct scanned_task, in.period, "period"),
    MC_COL(MC_COL_I32, struct scanned_task, in.next_report_period, "next_report_period"),
};

int mc_store_task_rollup_rebuild(mc_store *st, int64_t *tasks)
{
	static const char sql[] = "SELECT id, " ROLLUP_IN_COLS " FROM task WHERE id > $1 AND state <> 8 "
				  "ORDER BY id LIMIT 10000";
	mc_task_rollup_cell *cells = NULL;
	size_t len = 0, cap = 0, rows = 10000, merge_at = 1 << 18;
	int64_t last = 0, count = 0;
	int rc = mc_db_sql(st, "DELETE FROM task_rollup", "empty the tasks' roll-up");

	while (rc == 0 && rows == 10000) {
		struct scanned_task *page = NULL;

		rc = mc_db_read_list_by(st, sql, last, "scan tasks", MC_COLS(scan_cols), sizeof *page, &page,
					&rows);
		for (size_t i = 0; rc == 0 && i < rows; i++) {
			while (len + MC_TASK_ROLLUP_CELLS > cap) {
				cap = cap ? cap * 2 : 4096;
				cells = mc_xrealloc(cells, cap * sizeof *cells);
			}
			len += mc_task_rollup_cells(cells + len, &page[i].in, 1);
			last = page[i].id;
			count++;
		}
		free(page);
		/* Merged as it goes, so that memory follows the cells, not the tasks. */
		if (len >= merge_at) {
			len = mc_task_rollup_merge(cells, len);
			if (len * 2 > merge_at)
				merge_at = len * 2;
		}
	}
	len = mc_task_rollup_merge(cells, len);
	for (size_t i = 0; rc == 0 && i < len; i++)
		rc = rollup_add(st, &cells[i]);
	free(cells);
	if (rc == 0 && count > 0)
		fprintf(stderr, "motcua: tasks' roll-up built from %lld tasks (%zu cells)\n",
			(long long)count, len);
	if (tasks)
		*tasks = count;
	return rc;
}

/* ---- events ------------------------------------------------------------- */

static const mc_col event_cols[] = {
    MC_COL(MC_COL_I64, mc_task_event, id, "id"),
    MC_COL(MC_COL_I64, mc_task_event, task_id, "task_id"),
    MC_COL(MC_COL_I64, mc_task_event, at, "at"),
    MC_COL(MC_COL_I64, mc_task_event, user_id, "user_id"),
    MC_COL(MC_COL_STR, mc_task_event, user_name, "user_name"),
    MC_COL(MC_COL_STR, mc_task_event, role, "role"),
    MC_COL(MC_COL_I64, mc_task_event, unit_id, "unit_id"),
    MC_COL(MC_COL_STR, mc_task_event, action, "action"),
    MC_COL(MC_COL_INT, mc_task_event, from_state, "from_state"),
    MC_COL(MC_COL_INT, mc_task_event, to_state, "to_state"),
    MC_COL(MC_COL_INT, mc_task_event, percent, "percent"),
    MC_COL(MC_COL_I32, mc_task_event, due, "due"),
    MC_COL(MC_COL_I64, mc_task_event, document_id, "document_id"),
    MC_COL(MC_COL_STR, mc_task_event, note, "note"),
    MC_COL(MC_COL_STR, mc_task_event, hash, "hash"),
    MC_COL(MC_COL_I32, mc_task_event, period_start, "period_start"),
    MC_COL(MC_COL_I32, mc_task_event, period_end, "period_end"),
    MC_COL(MC_COL_I32, mc_task_event, report_due, "report_due"),
};

void mc_task_event_clear(mc_task_event *e)
{
	mc_row_clear(event_cols, MC_ARRAY_LEN(event_cols), e, sizeof *e);
}

void mc_task_event_free_list(mc_task_event *list, size_t n)
{
	mc_rows_free(event_cols, MC_ARRAY_LEN(event_cols), list, n, sizeof *list);
}

int mc_store_task_event_add(mc_store *st, mc_task_event *e)
{
	static const char sql[] =
	    "INSERT INTO task_event (task_id, at, user_id, user_name, role, unit_id, action, from_state, "
	    "to_state, percent, due, document_id, note, hash, period_start, period_end, report_due) VALUES "
	    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id";
	return mc_db_insert(st, sql, "record task event", &e->id,
			    MC_ARGS(MC_I(e->task_id), MC_I(e->at), MC_REF(e->user_id),
				    MC_T(s_or_empty(e->user_name)), MC_T(s_or_empty(e->role)),
				    MC_REF(e->unit_id), MC_T(s_or_empty(e->action)), MC_I(e->from_state),
				    MC_I(e->to_state), MC_I(e->percent), MC_I(e->due), MC_REF(e->document_id),
				    MC_T(s_or_empty(e->note)), MC_T(s_or_empty(e->hash)),
				    MC_I(e->period_start), MC_I(e->period_end), MC_I(e->report_due)));
}

int mc_store_task_events(mc_store *st, mc_task_event **out, size_t *n, bool *more, int64_t task_id,
			 int64_t before_id, int limit)
{
	/* Newest first by the index task_event_task (task_id, id). */
	static const char sql[] =
	    "SELECT id, task_id, at, user_id, user_name, role, unit_id, action, from_state, to_state, "
	    "percent, due, document_id, note, hash, period_start, period_end, report_due FROM task_event "
	    "WHERE task_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3";

	return mc_db_list_page(st, sql, "list task events", MC_COLS(event_cols), sizeof **out, out, n, more,
			       task_id, before_id, limit);
}

int mc_store_task_events_by(mc_store *st, int64_t *out, int64_t user_id, int64_t since)
{
	static const char sql[] = "SELECT count(*) FROM task_event WHERE user_id = $1 AND at >= $2";
	int rc = mc_db_lock_account(st, user_id, "lock an account's steps on tasks");

	*out = 0;
	return rc ? rc
		  : mc_db_int(st, sql, "count task events of an account", out,
			      MC_ARGS(MC_I(user_id), MC_I(since)));
}

int mc_store_task_last_hash(mc_store *st, char *out, size_t cap, int64_t task_id)
{
	static const char sql[] = "SELECT hash FROM task_event WHERE task_id = $1 ORDER BY id DESC LIMIT 1";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	out[0] = '\0';
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, task_id);
	rc = mc_q_row(q, "read last task event");
	if (rc == 1)
		rc = mc_strlcpy(out, mc_q_col_text(q, 0), cap);
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_task_event_scan(mc_store *st, int (*cb)(const mc_task_event *e, void *payload), void *payload)
{
	/* Pages by (task_id, id), the order of the chains and of the index task_event_task. */
	static const char sql[] =
	    "SELECT id, task_id, at, user_id, user_name, role, unit_id, action, from_state, to_state, "
	    "percent, due, document_id, note, hash, period_start, period_end, report_due FROM task_event "
	    "WHERE (task_id, id) > ($1, $2) "
	    "ORDER BY task_id, id LIMIT $3";
	enum { PAGE = 1000 };
	mc_task_event e = {0};
	int64_t after_task = 0, after_id = 0;
	int rows = PAGE;
	mc_q *q = NULL;
	int rc = 0;

	while (rc == 0 && rows == PAGE) {
		rc = mc_db_prepare(st, &q, sql);
		if (rc)
			break;
		mc_q_int(q, 1, after_task);
		mc_q_int(q, 2, after_id);
		mc_q_int(q, 3, PAGE);
		rows = 0;
		while (rc == 0 && (rc = mc_q_row(q, "scan task events")) == 1) {
			mc_task_event_clear(&e); /* the previous row's strings */
			rc = mc_q_read(q, event_cols, MC_ARRAY_LEN(event_cols), &e);
			if (rc)
				break;
			rows++;
			after_task = e.task_id;
			after_id = e.id;
			rc = cb(&e, payload);
		}
		mc_q_done(q);
		q = NULL;
	}
	mc_task_event_clear(&e);
	return rc;
}
