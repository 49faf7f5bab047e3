/*
 * store_unit_plan.c - reorganisation plans of the units (app/unit_plan.h), on
 * either engine (db.h).
 */
#include "store/db.h"

#include <stdlib.h>
#include <string.h>

#define PLAN_COLS                                                                                            \
	"id, name, effective_day, body, status, created_by, created_at, applied_at, moved_dossiers, "        \
	"moved_users, deactivated_users, failure, moved_tasks, moved_documents"

static const mc_col plan_cols[] = {
    MC_COL(MC_COL_I64, mc_unit_plan, id, "id"),
    MC_COL(MC_COL_STR, mc_unit_plan, name, "name"),
    MC_COL(MC_COL_I32, mc_unit_plan, effective_day, "effective_day"),
    MC_COL(MC_COL_STR, mc_unit_plan, body, "body"),
    MC_COL(MC_COL_STR, mc_unit_plan, status, "status"),
    MC_COL(MC_COL_I64, mc_unit_plan, created_by, "created_by"),
    MC_COL(MC_COL_I64, mc_unit_plan, created_at, "created_at"),
    MC_COL(MC_COL_I64, mc_unit_plan, applied_at, "applied_at"),
    MC_COL(MC_COL_I64, mc_unit_plan, moved_dossiers, "moved_dossiers"),
    MC_COL(MC_COL_I64, mc_unit_plan, moved_users, "moved_users"),
    MC_COL(MC_COL_I64, mc_unit_plan, deactivated_users, "deactivated_users"),
    MC_COL(MC_COL_STR, mc_unit_plan, failure, "failure"),
    MC_COL(MC_COL_I64, mc_unit_plan, moved_tasks, "moved_tasks"),
    MC_COL(MC_COL_I64, mc_unit_plan, moved_documents, "moved_documents"),
};

void mc_unit_plan_clear(mc_unit_plan *p)
{
	mc_row_clear(plan_cols, MC_ARRAY_LEN(plan_cols), p, sizeof *p);
}

void mc_unit_plan_free_list(mc_unit_plan *list, size_t n)
{
	mc_rows_free(plan_cols, MC_ARRAY_LEN(plan_cols), list, n, sizeof *list);
}

int mc_store_unit_plan_create(mc_store *st, mc_unit_plan *p)
{
	static const char sql[] = "INSERT INTO unit_plan (name, effective_day, body, status, created_by, "
				  "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
	return mc_db_insert(st, sql, "insert unit plan", &p->id,
			    MC_ARGS(MC_T(p->name ? p->name : ""), MC_I(p->effective_day),
				    MC_T(p->body ? p->body : ""), MC_T(p->status ? p->status : "draft"),
				    MC_REF(p->created_by), MC_I(p->created_at)));
}

int mc_store_unit_plan_get(mc_store *st, mc_unit_plan *out, int64_t id)
{
	static const char sql[] = "SELECT " PLAN_COLS " FROM unit_plan WHERE id = $1";
	int rc;

	memset(out, 0, sizeof *out);
	rc = mc_db_read(st, sql, "read unit plan", MC_COLS(plan_cols), out, MC_ARGS(MC_I(id)));
	if (rc)
		mc_unit_plan_clear(out);
	return rc;
}

int mc_store_unit_plan_list(mc_store *st, mc_unit_plan **out, size_t *n)
{
	static const char sql[] = "SELECT " PLAN_COLS " FROM unit_plan ORDER BY id DESC";
	return mc_db_list(st, sql, "list unit plans", MC_COLS(plan_cols), sizeof **out, out, n, NULL, 0);
}

int mc_store_unit_plan_mark(mc_store *st, const mc_unit_plan *p)
{
	static const char sql[] =
	    "UPDATE unit_plan SET status = $2, applied_at = $3, moved_dossiers = $4, moved_users = $5, "
	    "deactivated_users = $6, failure = $7, moved_tasks = $8, moved_documents = $9 "
	    "WHERE id = $1 AND status <> 'applied'";
	static const char exists[] = "SELECT 1 FROM unit_plan WHERE id = $1";
	int64_t found = 0;
	int rc = mc_db_change(st, sql, "mark unit plan", MC_SOME, MC_ENOTFOUND,
			      MC_ARGS(MC_I(p->id), MC_T(p->status), MC_I(p->applied_at),
				      MC_I(p->moved_dossiers), MC_I(p->moved_users),
				      MC_I(p->deactivated_users), MC_T(p->failure ? p->failure : ""),
				      MC_I(p->moved_tasks), MC_I(p->moved_documents)));

	if (rc != MC_ENOTFOUND)
		return rc;
	/* Nothing changed: unknown, or applied already. */
	rc = mc_db_int(st, exists, "read unit plan", &found, MC_ARGS(MC_I(p->id)));
	return rc ? rc : found ? MC_ECONFLICT : MC_ENOTFOUND;
}

int mc_store_unit_plan_due(mc_store *st, int64_t **out, size_t *n, int32_t day)
{
	static const char sql[] = "SELECT id FROM unit_plan WHERE status = 'scheduled' AND effective_day <= "
				  "$1 ORDER BY effective_day, id";
	/* Each row one int64_t of the array. */
	static const mc_col cols[] = {{"id", MC_COL_I64, 0, 0}};
	return mc_db_read_list_by(st, sql, day, "list due unit plans", cols, MC_ARRAY_LEN(cols), sizeof **out,
				  out, n);
}
