/*
 * store_portal.c - the queue of dossier changes for the national
 * public-service portal (app/portal.h) on either engine (db.h): queued in the
 * event's transaction, claimed in order per dossier, recorded, listed and
 * retried by an administrator.
 */
#include "store/db.h"

#include <stdlib.h>
#include <string.h>

#define ITEM_COLS                                                                                            \
	"id, dossier_id, dossier_code, event_id, action, state_code, created_at, status, attempts, "         \
	"next_at, "                                                                                          \
	"sent_at, last_error"

static const mc_col cols[] = {
    MC_COL(MC_COL_I64, mc_portal_item, id, "id"),
    MC_COL(MC_COL_I64, mc_portal_item, dossier_id, "dossier_id"),
    MC_COL(MC_COL_STR, mc_portal_item, dossier_code, "dossier_code"),
    MC_COL(MC_COL_I64, mc_portal_item, event_id, "event_id"),
    MC_COL(MC_COL_STR, mc_portal_item, action, "action"),
    MC_COL(MC_COL_INT, mc_portal_item, state_code, "state_code"),
    MC_COL(MC_COL_I64, mc_portal_item, created_at, "created_at"),
    MC_COL(MC_COL_STR, mc_portal_item, status, "status"),
    MC_COL(MC_COL_INT, mc_portal_item, attempts, "attempts"),
    MC_COL(MC_COL_I64, mc_portal_item, next_at, "next_at"),
    MC_COL(MC_COL_I64, mc_portal_item, sent_at, "sent_at"),
    MC_COL(MC_COL_STR, mc_portal_item, last_error, "last_error"),
};

void mc_portal_item_free_list(mc_portal_item *list, size_t n)
{
	mc_rows_free(cols, MC_ARRAY_LEN(cols), list, n, sizeof *list);
}

int mc_store_portal_queue(mc_store *st, int64_t dossier_id, const char *event_hash, const char *action,
			  int state_code, int64_t at)
{
	/* The event by its hash, not its id: on PostgreSQL a group commit's
	 * first run sends the event's INSERT without waiting for its id
	 * (mc_q_exec_later); this statement runs after it on the same
	 * connection, so it finds the row. */
	static const char sql[] =
	    "INSERT INTO portal_sync (dossier_id, dossier_code, event_id, action, state_code, "
	    "created_at, next_at) SELECT d.id, d.code, e.id, $3, $4, $5, $5 FROM event e JOIN "
	    "dossier d ON d.id = e.dossier_id WHERE e.dossier_id = $1 AND e.hash = $2 "
	    "ON CONFLICT (dossier_code, event_id) DO NOTHING";
	return mc_db_run(st, sql, "queue a change for the national portal",
			 MC_ARGS(MC_I(dossier_id), MC_T(event_hash), MC_T(action ? action : ""),
				 MC_I(state_code), MC_I(at)));
}

static int by_id(const void *a, const void *b)
{
	const mc_portal_item *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* As the outbox's claim (store_outbox.c): the UPDATE takes the rows it chose;
 * on PostgreSQL the choice skips rows another pass holds. An item whose
 * dossier has an older item not sent (pending, claimed or dead) is not due:
 * that is what keeps each dossier's changes in order, across passes and
 * servers. */
#define CLAIM(lock)                                                                                          \
	"UPDATE portal_sync SET claimed_until = $1 + $3 WHERE id IN (SELECT p.id FROM portal_sync p WHERE "  \
	"p.status = 'pending' AND p.next_at <= $1 AND p.claimed_until < $1 AND NOT EXISTS (SELECT 1 FROM "   \
	"portal_sync o WHERE o.dossier_id = p.dossier_id AND o.id < p.id AND o.status <> 'sent') ORDER BY "  \
	"p.id LIMIT $2" lock ") RETURNING " ITEM_COLS

int mc_store_portal_claim(mc_store *st, mc_portal_item **out, size_t *n, int64_t now, int limit,
			  int64_t lease)
{
	static const char sql_sqlite[] = CLAIM("");
	static const char sql_pg[] = CLAIM(" FOR UPDATE SKIP LOCKED");
	int rc = mc_db_list(st, mc_db_is_pg(st) ? sql_pg : sql_sqlite,
			    "claim changes for the national portal", MC_COLS(cols), sizeof **out, out, n,
			    MC_ARGS(MC_I(now), MC_I(limit > 0 ? limit : 10), MC_I(lease > 0 ? lease : 600)));

	if (rc == 0 && *n > 1)
		qsort(*out, *n, sizeof **out, by_id);
	return rc;
}

int mc_store_portal_done(mc_store *st, int64_t id, bool ok, bool dead, const char *error, int64_t at,
			 int64_t next_at)
{
	static const char sql[] =
	    "UPDATE portal_sync SET attempts = attempts + 1, status = CASE WHEN $2 THEN "
	    "'sent' WHEN $3 THEN 'dead' ELSE 'pending' END, sent_at = CASE WHEN $2 THEN $5 "
	    "ELSE sent_at END, last_error = $4, next_at = CASE WHEN $2 OR $3 THEN next_at "
	    "ELSE $6 END, claimed_until = 0 WHERE id = $1 AND status = 'pending'";
	return mc_db_change(st, sql, "record a delivery to the national portal", MC_SOME, MC_ENOTFOUND,
			    MC_ARGS(MC_I(id), MC_B(ok), MC_B(!ok && dead),
				    MC_T(ok	 ? ""
					 : error ? error
						 : ""),
				    MC_I(at), MC_I(next_at)));
}

int mc_store_portal_list(mc_store *st, mc_portal_item **out, size_t *n, int64_t *total, const char *status,
			 int limit, int offset)
{
	static const char rows_sql[] = "SELECT " ITEM_COLS " FROM portal_sync WHERE ($1 = '' OR status = $1) "
				       "ORDER BY id DESC LIMIT $2 OFFSET $3";
	static const char count_sql[] = "SELECT count(*) FROM portal_sync WHERE ($1 = '' OR status = $1)";
	const char *s = status ? status : "";
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (limit < 1 || limit > 500 || offset < 0)
		return MC_EINVAL;
	rc = mc_db_int(st, count_sql, "count changes for the national portal", total, MC_ARGS(MC_T(s)));
	if (rc)
		return rc;
	return mc_db_list(st, rows_sql, "list changes for the national portal", MC_COLS(cols), sizeof **out,
			  out, n, MC_ARGS(MC_T(s), MC_I(limit), MC_I(offset)));
}

int mc_store_portal_retry(mc_store *st, int64_t id, int64_t now)
{
	static const char sql[] = "UPDATE portal_sync SET status = 'pending', attempts = 0, next_at = $2, "
				  "claimed_until = 0 WHERE id = $1 AND status = 'dead'";
	static const char exists_sql[] = "SELECT count(*) FROM portal_sync WHERE id = $1";
	int64_t found = 0;
	int rc = mc_db_change(st, sql, "retry a change for the national portal", MC_SOME, MC_ENOTFOUND,
			      MC_ARGS(MC_I(id), MC_I(now)));

	if (rc != MC_ENOTFOUND)
		return rc;
	rc = mc_db_int(st, exists_sql, "find a change for the national portal", &found, MC_ARGS(MC_I(id)));
	return rc ? rc : found > 0 ? MC_ECONFLICT : MC_ENOTFOUND;
}
