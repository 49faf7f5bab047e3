/*
 * store_workfile.c - work files on either engine (db.h; store_workfile.h).
 */
#include "store/store_workfile.h"

#include "store/db.h"

/* The highest state the column `state` holds (migration 044). */
#define MC_WF_STORED_MAX 4

#include <stdlib.h>
#include <string.h>

static const mc_col cols[] = {
    MC_COL(MC_COL_I64, mc_workfile, id, "id"),
    MC_COL(MC_COL_I64, mc_workfile, unit_id, "unit_id"),
    MC_COL(MC_COL_INT, mc_workfile, year, "year"),
    MC_COL(MC_COL_STR, mc_workfile, code, "code"),
    MC_COL(MC_COL_STR, mc_workfile, title, "title"),
    MC_COL(MC_COL_INT, mc_workfile, retention_years, "retention_years"),
    MC_COL(MC_COL_I64, mc_workfile, responsible_id, "responsible_id"),
    MC_COL(MC_COL_STR, mc_workfile, responsible_name, "responsible_name"),
    MC_COL(MC_COL_STR, mc_workfile, note, "note"),
    MC_COL(MC_COL_INT, mc_workfile, state, "state"),
    MC_COL(MC_COL_I64, mc_workfile, version, "version"),
    MC_COL(MC_COL_I64, mc_workfile, first_at, "first_at"),
    MC_COL(MC_COL_I64, mc_workfile, last_at, "last_at"),
    MC_COL(MC_COL_INT, mc_workfile, doc_count, "doc_count"),
    MC_COL(MC_COL_INT, mc_workfile, pages, "pages"),
    MC_COL(MC_COL_I64, mc_workfile, created_by, "created_by"),
    MC_COL(MC_COL_I64, mc_workfile, created_at, "created_at"),
    MC_COL(MC_COL_I64, mc_workfile, opened_at, "opened_at"),
    MC_COL(MC_COL_I64, mc_workfile, closed_at, "closed_at"),
    MC_COL(MC_COL_I64, mc_workfile, archived_at, "archived_at"),
    MC_COL(MC_COL_I64, mc_workfile, archived_by, "archived_by"),
    MC_COL(MC_COL_I64, mc_workfile, expires_at, "expires_at"),
    MC_COL(MC_COL_I64, mc_workfile, proposed_at, "proposed_at"),
    MC_COL(MC_COL_I64, mc_workfile, proposed_by, "proposed_by"),
    MC_COL(MC_COL_STR, mc_workfile, decision, "decision"),
    MC_COL(MC_COL_I64, mc_workfile, decision_date, "decision_date"),
    MC_COL(MC_COL_I64, mc_workfile, disposed_at, "disposed_at"),
    MC_COL(MC_COL_I64, mc_workfile, disposed_by, "disposed_by"),
};

/* The state as core/workfile.h has it: `state` holds 1..4 and `disposal`
 * what came after the archive (migration 044 says why). */
#define STATE "(CASE WHEN w.disposal > 0 THEN 4 + w.disposal ELSE w.state END)"

#define COLS                                                                                                 \
	"w.id, w.unit_id, w.year, w.code, w.title, w.retention_years, w.responsible_id, "                    \
	"coalesce(u.full_name, '') AS responsible_name, w.note, " STATE " AS state, w.version, w.first_at, " \
	"w.last_at, "                                                                                        \
	"w.doc_count, w.pages, w.created_by, w.created_at, w.opened_at, w.closed_at, w.archived_at, "        \
	"coalesce(w.archived_by, 0) AS archived_by, w.expires_at, w.proposed_at, "                           \
	"coalesce(w.proposed_by, 0) AS proposed_by, w.decision, w.decision_date, w.disposed_at, "            \
	"coalesce(w.disposed_by, 0) AS disposed_by"
#define FROM " FROM workfile w LEFT JOIN app_user u ON u.id = w.responsible_id"

void mc_workfile_clear(mc_workfile *w)
{
	mc_row_clear(cols, MC_ARRAY_LEN(cols), w, sizeof *w);
}

void mc_workfile_free_list(mc_workfile *list, size_t n)
{
	mc_rows_free(cols, MC_ARRAY_LEN(cols), list, n, sizeof *list);
}

int mc_store_workfile_add(mc_store *st, mc_workfile *w)
{
	static const char sql[] =
	    "INSERT INTO workfile (unit_id, year, code, title, retention_years, responsible_id, note, state, "
	    "version, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10) RETURNING "
	    "id";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	mc_q_int(q, 1, w->unit_id);
	mc_q_int(q, 2, w->year);
	mc_q_text(q, 3, w->code ? w->code : "");
	mc_q_text(q, 4, w->title ? w->title : "");
	mc_q_int(q, 5, w->retention_years);
	mc_q_int(q, 6, w->responsible_id);
	mc_q_text(q, 7, w->note ? w->note : "");
	mc_q_int(q, 8, w->state);
	mc_q_int(q, 9, w->created_by);
	mc_q_int(q, 10, w->created_at);
	/* A code taken in the year's list is an answer (MC_ECONFLICT). */
	rc = mc_q_insert_id(q, "record work file", &w->id);
	if (rc == 0)
		w->version = 1;
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_workfile_get(mc_store *st, mc_workfile *out, int64_t id)
{
	static const char sql[] = "SELECT " COLS FROM " WHERE w.id = $1";
	memset(out, 0, sizeof *out);
	int rc = mc_db_read_by_id(st, sql, id, "read work file", MC_COLS(cols), out);
	if (rc)
		mc_workfile_clear(out);
	return rc;
}

int mc_store_workfile_update(mc_store *st, const mc_workfile *w, int64_t if_version)
{
	static const char sql[] =
	    "UPDATE workfile SET version = version + 1, title = $3, retention_years = $4, responsible_id = "
	    "$5, "
	    "note = $6, state = $7, first_at = $8, last_at = $9, doc_count = $10, pages = $11, "
	    "opened_at = $12, closed_at = $13, archived_at = $14, archived_by = $15, expires_at = $16, "
	    "disposal = $17, proposed_at = $18, proposed_by = $19, decision = $20, decision_date = $21, "
	    "disposed_at = $22, disposed_by = $23 WHERE id = $1 AND version = $2";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	mc_q_int(q, 1, w->id);
	mc_q_int(q, 2, if_version);
	mc_q_text(q, 3, w->title ? w->title : "");
	mc_q_int(q, 4, w->retention_years);
	mc_q_int(q, 5, w->responsible_id);
	mc_q_text(q, 6, w->note ? w->note : "");
	mc_q_int(q, 7, w->state > MC_WF_STORED_MAX ? MC_WF_STORED_MAX : w->state);
	mc_q_int(q, 8, w->first_at);
	mc_q_int(q, 9, w->last_at);
	mc_q_int(q, 10, w->doc_count);
	mc_q_int(q, 11, w->pages);
	mc_q_int(q, 12, w->opened_at);
	mc_q_int(q, 13, w->closed_at);
	mc_q_int(q, 14, w->archived_at);
	mc_q_ref(q, 15, w->archived_by);
	mc_q_int(q, 16, w->expires_at);
	mc_q_int(q, 17, w->state > MC_WF_STORED_MAX ? w->state - MC_WF_STORED_MAX : 0);
	mc_q_int(q, 18, w->proposed_at);
	mc_q_ref(q, 19, w->proposed_by);
	mc_q_text(q, 20, w->decision ? w->decision : "");
	mc_q_int(q, 21, w->decision_date);
	mc_q_int(q, 22, w->disposed_at);
	mc_q_ref(q, 23, w->disposed_by);
	rc = mc_q_try(q, "update work file");
	if (rc == 0 && mc_q_changes(q) != 1)
		rc = MC_ESTALE;
cleanup:
	mc_q_done(q);
	return rc;
}

#define LIST_COND                                                                                            \
	" WHERE ($1 = 0 OR w.unit_id = $1) AND ($2 = 0 OR w.year = $2) AND ($3 = 0 OR " STATE " = $3) "      \
	"AND ($4 = 0 OR w.responsible_id = $4) "                                                             \
	"AND ($5 = 0 OR (w.expires_at > 0 AND w.expires_at <= $5 AND w.disposal < 2))"

int mc_store_workfile_list(mc_store *st, mc_workfile **out, size_t *n, int64_t *total,
			   const mc_workfile_query *wq)
{
	static const char count_sql[] = "SELECT count(*) FROM workfile w" LIST_COND;
	static const char sql[] =
	    "SELECT " COLS FROM LIST_COND " ORDER BY w.year DESC, w.code, w.id LIMIT $6 OFFSET $7";
	int rc;

	*out = NULL;
	*n = 0;
	rc = mc_db_int(st, count_sql, "count work files", total,
		       MC_ARGS(MC_I(wq->unit_id), MC_I(wq->year), MC_I(wq->state), MC_I(wq->responsible_id),
			       MC_I(wq->expired_by)));
	if (rc)
		return rc;
	return mc_db_list(st, sql, "list work files", MC_COLS(cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(wq->unit_id), MC_I(wq->year), MC_I(wq->state),
				  MC_I(wq->responsible_id), MC_I(wq->expired_by), MC_I(wq->limit),
				  MC_I(wq->offset)));
}

int mc_store_workfile_count_by(mc_store *st, int64_t *out, int64_t user_id, int64_t since)
{
	static const char sql[] = "SELECT count(*) FROM workfile WHERE created_by = $1 AND created_at >= $2";
	int rc = mc_db_lock_account(st, user_id, "lock an account's work files");

	*out = 0;
	return rc ? rc
		  : mc_db_int(st, sql, "count work files listed", out, MC_ARGS(MC_I(user_id), MC_I(since)));
}

int mc_store_workfile_doc_add(mc_store *st, const mc_workfile *w, int64_t document_id, int64_t user_id,
			      int64_t at, int64_t *holder)
{
	static const char find_sql[] =
	    "SELECT workfile_id FROM workfile_doc WHERE unit_id = $1 AND year = $2 AND document_id = $3";
	static const char sql[] =
	    "INSERT INTO workfile_doc (workfile_id, document_id, unit_id, year, added_by, "
	    "added_at) VALUES ($1, $2, $3, $4, $5, $6)";
	static const mc_col find_cols[] = {{"workfile_id", MC_COL_I64, 0, 0}};
	int64_t found = 0;
	/* Looked up first to name the file that holds it; the unique index
	 * still decides between two writers of one moment. */
	int rc = mc_db_read(st, find_sql, "find the file of a document", MC_COLS(find_cols), &found,
			    MC_ARGS(MC_I(w->unit_id), MC_I(w->year), MC_I(document_id)));

	if (holder)
		*holder = rc == 0 ? found : 0;
	if (rc == 0)
		return MC_ECONFLICT;
	if (rc != MC_ENOTFOUND)
		return rc;
	return mc_db_try(st, sql, "put a document into a work file",
			 MC_ARGS(MC_I(w->id), MC_I(document_id), MC_I(w->unit_id), MC_I(w->year),
				 MC_I(user_id), MC_I(at)));
}

int mc_store_workfile_doc_remove(mc_store *st, int64_t workfile_id, int64_t document_id)
{
	static const char sql[] = "DELETE FROM workfile_doc WHERE workfile_id = $1 AND document_id = $2";
	return mc_db_change(st, sql, "take a document out of a work file", MC_ONE, MC_ENOTFOUND,
			    MC_ARGS(MC_I(workfile_id), MC_I(document_id)));
}

typedef struct {
	int64_t id;
} id_row;

int mc_store_workfile_doc_ids(mc_store *st, int64_t **out, size_t *n, int64_t workfile_id)
{
	static const mc_col id_cols[] = {MC_COL(MC_COL_I64, id_row, id, "document_id")};
	static const char sql[] = "SELECT document_id FROM workfile_doc WHERE workfile_id = $1 "
				  "ORDER BY added_at, document_id";
	id_row *rows = NULL;
	int rc = mc_db_read_list_by(st, sql, workfile_id, "list the documents of a work file", id_cols, 1,
				    sizeof *rows, &rows, n);

	/* id_row is one int64_t: the array is the list of ids. */
	*out = (int64_t *)rows;
	return rc;
}
