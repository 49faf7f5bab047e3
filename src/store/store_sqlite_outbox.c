/*
 * store_sqlite_outbox.c - the outbox of messages to applicants in the SQLite
 * store (see store.h).
 */
#include "store/store_sqlite_int.h"

#include <stdio.h>
#include <stdlib.h>

#define MESSAGE_COLS                                                                                          \
	"id, province_code, coalesce(dossier_id, 0), channel, recipient, subject, body, created_at, state, "  \
	"attempts, next_at, coalesce(sent_at, 0), last_error, coalesce(claimed_until, 0)"

static void message_read(mc_message *m, sqlite3_stmt *s)
{
	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(s, 0);
	MC_SQ_COL_FIELD(m->province_code, s, 1);
	m->dossier_id = sqlite3_column_int64(s, 2);
	MC_SQ_COL_FIELD(m->channel, s, 3);
	MC_SQ_COL_FIELD(m->recipient, s, 4);
	MC_SQ_COL_FIELD(m->subject, s, 5);
	MC_SQ_COL_FIELD(m->body, s, 6);
	m->created_at = sqlite3_column_int64(s, 7);
	MC_SQ_COL_FIELD(m->state, s, 8);
	m->attempts = sqlite3_column_int(s, 9);
	m->next_at = sqlite3_column_int64(s, 10);
	m->sent_at = sqlite3_column_int64(s, 11);
	MC_SQ_COL_FIELD(m->last_error, s, 12);
	m->claimed_until = sqlite3_column_int64(s, 13);
}

int mc_sqlite_outbox_add(mc_sqlite *st, mc_message *m)
{
	static const char sql[] =
	    "INSERT INTO outbox (province_code, dossier_id, channel, recipient, subject, body, created_at, next_at) "
	    "VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8)";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, m->province_code);
	mc_sq_bind_int(s, 2, m->dossier_id);
	mc_sq_bind_text(s, 3, m->channel);
	mc_sq_bind_text(s, 4, m->recipient);
	mc_sq_bind_text(s, 5, m->subject);
	mc_sq_bind_text(s, 6, m->body);
	mc_sq_bind_int(s, 7, m->created_at);
	mc_sq_bind_int(s, 8, m->next_at ? m->next_at : m->created_at);
	rc = mc_sq_exec(st, s, "queue message");
	if (rc == 0) {
		m->id = sqlite3_last_insert_rowid(st->db);
		snprintf(m->state, sizeof(m->state), "pending");
	}
cleanup:
	mc_sq_done(s);
	return rc;
}

static int list(mc_sqlite *st, sqlite3_stmt *s, mc_message **out, size_t *n, const char *what)
{
	mc_message *items = NULL;
	size_t count = 0, cap = 0;
	int rc;

	while ((rc = mc_sq_row(st, s, what)) > 0) {
		if (count == cap) {
			cap = cap ? cap * 2 : 8;
			items = mc_xrealloc(items, cap * sizeof(*items));
		}
		message_read(&items[count++], s);
	}
	if (rc < 0) {
		free(items);
		return rc;
	}
	*out = items;
	*n = count;
	return 0;
}

int mc_sqlite_outbox_due(mc_sqlite *st, mc_message **out, size_t *n, int64_t now, int limit)
{
	static const char sql[] = "SELECT " MESSAGE_COLS " FROM outbox WHERE state = 'pending' AND next_at <= ?1 "
				  "ORDER BY next_at, id LIMIT ?2";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, now);
	mc_sq_bind_int(s, 2, limit > 0 ? limit : 50);
	rc = list(st, s, out, n, "list due messages");
cleanup:
	mc_sq_done(s);
	return rc;
}

static int by_due(const void *a, const void *b)
{
	const mc_message *x = a, *y = b;

	if (x->next_at != y->next_at)
		return x->next_at < y->next_at ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* One writer at a time: the UPDATE takes the rows with the database's write
 * lock, so no other pass can take them between the choice and the claim.
 * RETURNING gives no order; the rows are sorted here. */
int mc_sqlite_outbox_claim(mc_sqlite *st, mc_message **out, size_t *n, int64_t now, int limit,
			   int64_t lease_seconds)
{
	static const char sql[] =
	    "UPDATE outbox SET claimed_until = ?1 + ?3 WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' "
	    "AND next_at <= ?1 AND coalesce(claimed_until, 0) < ?1 ORDER BY next_at, id LIMIT ?2) "
	    "RETURNING " MESSAGE_COLS;
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, now);
	mc_sq_bind_int(s, 2, limit > 0 ? limit : 50);
	mc_sq_bind_int(s, 3, lease_seconds > 0 ? lease_seconds : 600);
	rc = list(st, s, out, n, "claim due messages");
	if (rc == 0 && *n > 1)
		qsort(*out, *n, sizeof(**out), by_due);
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_outbox_done(mc_sqlite *st, int64_t id, bool ok, const char *error, int64_t at, int64_t next_at)
{
	static const char sql[] =
	    "UPDATE outbox SET attempts = attempts + 1, "
	    "state = CASE WHEN ?2 THEN 'sent' WHEN ?5 = 0 THEN 'failed' ELSE 'pending' END, "
	    "sent_at = CASE WHEN ?2 THEN ?4 ELSE sent_at END, last_error = ?3, "
	    "next_at = CASE WHEN ?2 OR ?5 = 0 THEN next_at ELSE ?5 END, claimed_until = NULL "
	    "WHERE id = ?1 AND state = 'pending'";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, id);
	mc_sq_bind_int(s, 2, ok ? 1 : 0);
	mc_sq_bind_text(s, 3, error ? error : "");
	mc_sq_bind_int(s, 4, at);
	mc_sq_bind_int(s, 5, next_at);
	rc = mc_sq_exec(st, s, "record delivery");
	if (rc == 0 && sqlite3_changes(st->db) == 0)
		rc = MC_ENOTFOUND;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_outbox_of_dossier(mc_sqlite *st, mc_message **out, size_t *n, int64_t dossier_id)
{
	static const char sql[] = "SELECT " MESSAGE_COLS " FROM outbox WHERE dossier_id = ?1 ORDER BY id";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, dossier_id);
	rc = list(st, s, out, n, "list messages of a dossier");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_outbox_depth(mc_sqlite *st, int64_t *out)
{
	static const char sql[] = "SELECT count(*) FROM outbox WHERE state = 'pending'";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	rc = mc_sq_row(st, s, "count pending messages");
	if (rc > 0) {
		*out = sqlite3_column_int64(s, 0);
		rc = 0;
	}
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_gauges(mc_sqlite *st, int64_t by_state[11], int64_t *overdue, int64_t now)
{
	static const char states_sql[] = "SELECT state, count(*) FROM dossier GROUP BY state";
	static const char overdue_sql[] = "SELECT count(*) FROM dossier WHERE state IN (2, 4) AND due_at > 0 "
					  "AND due_at < ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, states_sql);

	memset(by_state, 0, 11 * sizeof(*by_state));
	*overdue = 0;
	if (rc)
		goto cleanup;
	while ((rc = mc_sq_row(st, s, "count dossiers by state")) == 1) {
		int state = sqlite3_column_int(s, 0);
		if (state >= 1 && state <= 10)
			by_state[state] = sqlite3_column_int64(s, 1);
	}
	if (rc < 0)
		goto cleanup;
	mc_sq_done(s);
	s = NULL;
	rc = mc_sq_prepare(st, &s, overdue_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, now);
	rc = mc_sq_row(st, s, "count overdue dossiers");
	if (rc > 0) {
		*overdue = sqlite3_column_int64(s, 0);
		rc = 0;
	}
cleanup:
	mc_sq_done(s);
	return rc;
}
