/*
 * store_outbox.c - the outbox of messages to applicants, and the gauges for
 * /metrics, on either engine (db.h; see store.h).
 */
#include "store/db.h"

#include "core/stats.h"

#include <stdlib.h>
#include <string.h>

#define MESSAGE_COLS                                                                                         \
	"id, province_code, coalesce(dossier_id, 0) AS dossier_id, channel, recipient, subject, body, "      \
	"created_at, state, attempts, next_at, coalesce(sent_at, 0) AS sent_at, last_error, "                \
	"coalesce(claimed_until, 0) AS claimed_until"

static const mc_col message_cols[] = {
    MC_COL(MC_COL_I64, mc_message, id, "id"),
    MC_COL(MC_COL_STR, mc_message, province_code, "province_code"),
    MC_COL(MC_COL_I64, mc_message, dossier_id, "dossier_id"),
    MC_COL(MC_COL_STR, mc_message, channel, "channel"),
    MC_COL(MC_COL_STR, mc_message, recipient, "recipient"),
    MC_COL(MC_COL_STR, mc_message, subject, "subject"),
    MC_COL(MC_COL_STR, mc_message, body, "body"),
    MC_COL(MC_COL_I64, mc_message, created_at, "created_at"),
    MC_COL(MC_COL_STR, mc_message, state, "state"),
    MC_COL(MC_COL_INT, mc_message, attempts, "attempts"),
    MC_COL(MC_COL_I64, mc_message, next_at, "next_at"),
    MC_COL(MC_COL_I64, mc_message, sent_at, "sent_at"),
    MC_COL(MC_COL_STR, mc_message, last_error, "last_error"),
    MC_COL(MC_COL_I64, mc_message, claimed_until, "claimed_until"),
};

void mc_message_clear(mc_message *m)
{
	mc_row_clear(message_cols, MC_ARRAY_LEN(message_cols), m, sizeof *m);
}

void mc_message_free_list(mc_message *list, size_t n)
{
	mc_rows_free(message_cols, MC_ARRAY_LEN(message_cols), list, n, sizeof *list);
}

int mc_store_outbox_add(mc_store *st, mc_message *m)
{
	static const char sql[] = "INSERT INTO outbox (province_code, dossier_id, channel, recipient, "
				  "subject, body, created_at, next_at) "
				  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
	return mc_db_insert(st, sql, "queue message", &m->id,
			    MC_ARGS(MC_T(m->province_code ? m->province_code : ""), MC_REF(m->dossier_id),
				    MC_T(m->channel), MC_T(m->recipient), MC_T(m->subject ? m->subject : ""),
				    MC_T(m->body), MC_I(m->created_at),
				    MC_I(m->next_at ? m->next_at : m->created_at)));
}

int mc_store_outbox_due(mc_store *st, mc_message **out, size_t *n, int64_t now, int limit)
{
	static const char sql[] =
	    "SELECT " MESSAGE_COLS " FROM outbox WHERE state = 'pending' AND next_at <= $1 "
	    "ORDER BY next_at, id LIMIT $2";
	return mc_db_list(st, sql, "list due messages", MC_COLS(message_cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(now), MC_I(limit > 0 ? limit : 50)));
}

static int by_due(const void *a, const void *b)
{
	const mc_message *x = a, *y = b;

	if (x->next_at != y->next_at)
		return x->next_at < y->next_at ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/*
 * The UPDATE takes the rows it chose, so no other pass can take them between
 * the choice and the claim. How differs per engine: SQLite has one writer at
 * a time, which holds the database's write lock; PostgreSQL lets passes run
 * side by side, so the choice locks the rows it takes and skips those another
 * pass holds locked (SKIP LOCKED, which SQLite has no syntax for); a row
 * another pass claimed and committed meanwhile is re-checked against the
 * claim condition under its lock, so it is skipped too. RETURNING gives no
 * order; the rows are sorted here.
 */
#define CLAIM(lock)                                                                                          \
	"UPDATE outbox SET claimed_until = $1 + $3 WHERE id IN (SELECT id FROM outbox WHERE state = "        \
	"'pending' "                                                                                         \
	"AND next_at <= $1 AND coalesce(claimed_until, 0) < $1 ORDER BY next_at, id LIMIT $2" lock ") "      \
	"RETURNING " MESSAGE_COLS

int mc_store_outbox_claim(mc_store *st, mc_message **out, size_t *n, int64_t now, int limit,
			  int64_t lease_seconds)
{
	static const char sql_sqlite[] = CLAIM("");
	static const char sql_pg[] = CLAIM(" FOR UPDATE SKIP LOCKED");
	int rc = mc_db_list(
	    st, mc_db_is_pg(st) ? sql_pg : sql_sqlite, "claim due messages", MC_COLS(message_cols),
	    sizeof **out, out, n,
	    MC_ARGS(MC_I(now), MC_I(limit > 0 ? limit : 50), MC_I(lease_seconds > 0 ? lease_seconds : 600)));
	if (rc == 0 && *n > 1)
		qsort(*out, *n, sizeof(**out), by_due);
	return rc;
}

int mc_store_outbox_done(mc_store *st, int64_t id, bool ok, const char *error, int64_t at, int64_t next_at)
{
	static const char sql[] =
	    "UPDATE outbox SET attempts = attempts + 1, "
	    "state = CASE WHEN $2 THEN 'sent' WHEN $5 = 0 THEN 'failed' ELSE 'pending' END, "
	    "sent_at = CASE WHEN $2 THEN $4 ELSE sent_at END, last_error = $3, "
	    "next_at = CASE WHEN $2 OR $5 = 0 THEN next_at ELSE $5 END, claimed_until = NULL "
	    "WHERE id = $1 AND state = 'pending'";
	return mc_db_change(st, sql, "record delivery", MC_SOME, MC_ENOTFOUND,
			    MC_ARGS(MC_I(id), MC_B(ok), MC_T(error ? error : ""), MC_I(at), MC_I(next_at)));
}

int mc_store_outbox_of_dossier(mc_store *st, mc_message **out, size_t *n, int64_t dossier_id)
{
	static const char sql[] = "SELECT " MESSAGE_COLS " FROM outbox WHERE dossier_id = $1 ORDER BY id";
	return mc_db_read_list_by(st, sql, dossier_id, "list messages of a dossier", MC_COLS(message_cols),
				  sizeof **out, out, n);
}

int mc_store_outbox_depth(mc_store *st, int64_t *out)
{
	static const char sql[] = "SELECT count(*) FROM outbox WHERE state = 'pending'";
	return mc_db_int(st, sql, "count pending messages", out, NULL, 0);
}

int mc_store_gauges(mc_store *st, int64_t by_state[11], int64_t *overdue, int64_t now)
{
	static const char states_sql[] = "SELECT state, count(*) FROM dossier GROUP BY state";
	/* As the overdue list (mc_store_stats_overdue) counts them. */
	static const char overdue_sql[] =
	    "SELECT count(*) FROM dossier d WHERE " MC_SQL_RUNNING_OVERDUE("$1");
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, states_sql);

	memset(by_state, 0, 11 * sizeof(*by_state));
	*overdue = 0;
	while (rc == 0 && (rc = mc_q_row(q, "count dossiers by state")) == 1) {
		int64_t state = mc_q_col_int(q, 0);
		if (state >= 1 && state <= 10)
			by_state[state] = mc_q_col_int(q, 1);
		rc = 0;
	}
	mc_q_done(q);
	return rc < 0 ? rc
		      : mc_db_int(st, overdue_sql, "count overdue dossiers", overdue, MC_ARGS(MC_I(now)));
}
