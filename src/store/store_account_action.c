/*
 * store_account_action.c - the administrators' account actions on either
 * engine (db.h): an append-only record (the table's triggers refuse UPDATE
 * and DELETE), written in the transaction of the change it records, and
 * listed for the root's administrator (api/accounts.c).
 */
#include "store/db.h"

#include <stdlib.h>

static const mc_col cols[] = {
    MC_COL(MC_COL_I64, mc_account_action, id, "id"),
    MC_COL(MC_COL_I64, mc_account_action, at, "at"),
    MC_COL(MC_COL_I64, mc_account_action, actor_id, "actor_id"),
    MC_COL(MC_COL_STR, mc_account_action, actor_username, "actor_username"),
    MC_COL(MC_COL_STR, mc_account_action, action, "action"),
    MC_COL(MC_COL_I64, mc_account_action, target_id, "target_id"),
    MC_COL(MC_COL_STR, mc_account_action, target_username, "target_username"),
    MC_COL(MC_COL_STR, mc_account_action, detail, "detail"),
};

void mc_account_action_free_list(mc_account_action *list, size_t n)
{
	mc_rows_free(cols, MC_ARRAY_LEN(cols), list, n, sizeof *list);
}

int mc_store_account_action_add(mc_store *st, const mc_account_action *x)
{
	static const char sql[] =
	    "INSERT INTO account_action (at, actor_id, actor_username, action, target_id, "
	    "target_username, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)";
	return mc_db_run(
	    st, sql, "record an account action",
	    MC_ARGS(MC_I(x->at), MC_REF(x->actor_id), MC_T(x->actor_username ? x->actor_username : ""),
		    MC_T(x->action ? x->action : ""), MC_I(x->target_id),
		    MC_T(x->target_username ? x->target_username : ""), MC_T(x->detail ? x->detail : "")));
}

/* The filter of a listing, shared by its rows and its count. */
#define WHERE                                                                                                \
	" WHERE ($1 = 0 OR target_id = $1) AND ($2 = 0 OR actor_id = $2) AND ($3 = 0 OR at >= $3) AND "      \
	"($4 = 0 OR at < $4)"

int mc_store_account_action_list(mc_store *st, mc_account_action **out, size_t *n, int64_t *total,
				 const mc_account_action_query *f)
{
	static const char rows_sql[] =
	    "SELECT id, at, coalesce(actor_id, 0) AS actor_id, actor_username, action, "
	    "target_id, target_username, detail FROM account_action" WHERE
	    " ORDER BY at DESC, id DESC LIMIT $5 OFFSET $6";
	static const char count_sql[] = "SELECT count(*) FROM account_action" WHERE;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (f->limit < 1 || f->limit > 500 || f->offset < 0)
		return MC_EINVAL;
	int rc = mc_db_int(st, count_sql, "count account actions", total,
			   MC_ARGS(MC_I(f->target_id), MC_I(f->actor_id), MC_I(f->from), MC_I(f->to)));
	if (rc)
		return rc;
	return mc_db_list(st, rows_sql, "list account actions", MC_COLS(cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(f->target_id), MC_I(f->actor_id), MC_I(f->from), MC_I(f->to),
				  MC_I(f->limit), MC_I(f->offset)));
}
