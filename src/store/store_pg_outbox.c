/*
 * store_pg_outbox.c - the outbox of messages to applicants, and the gauges
 * for /metrics, in the PostgreSQL store (see store.h).
 */
#include "store/store_pg_int.h"

#include <stdio.h>
#include <stdlib.h>

#define MESSAGE_COLS                                                                                         \
	"id, province_code, coalesce(dossier_id, 0), channel, recipient, subject, body, created_at, state, " \
	"attempts, next_at, coalesce(sent_at, 0), last_error, coalesce(claimed_until, 0)"

static void message_read(mc_message *m, const PGresult *r, int row)
{
	memset(m, 0, sizeof(*m));
	m->id = mc_pq_get_i64(r, row, 0);
	MC_PQ_GET_FIELD(m->province_code, r, row, 1);
	m->dossier_id = mc_pq_get_i64(r, row, 2);
	MC_PQ_GET_FIELD(m->channel, r, row, 3);
	MC_PQ_GET_FIELD(m->recipient, r, row, 4);
	MC_PQ_GET_FIELD(m->subject, r, row, 5);
	MC_PQ_GET_FIELD(m->body, r, row, 6);
	m->created_at = mc_pq_get_i64(r, row, 7);
	MC_PQ_GET_FIELD(m->state, r, row, 8);
	m->attempts = (int)mc_pq_get_i64(r, row, 9);
	m->next_at = mc_pq_get_i64(r, row, 10);
	m->sent_at = mc_pq_get_i64(r, row, 11);
	MC_PQ_GET_FIELD(m->last_error, r, row, 12);
	m->claimed_until = mc_pq_get_i64(r, row, 13);
}

int mc_pg_outbox_add(mc_pg *st, mc_message *m)
{
	static const char sql[] =
	    "INSERT INTO outbox (province_code, dossier_id, channel, recipient, subject, body, created_at, "
	    "next_at) "
	    "VALUES ($1::text, nullif($2::bigint, 0), $3::text, $4::text, $5::text, $6::text, $7::bigint, "
	    "$8::bigint) RETURNING id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	MC_PQ_SET_FIELD(&p, 1, m->province_code);
	mc_pq_set_int(&p, 2, m->dossier_id);
	MC_PQ_SET_FIELD(&p, 3, m->channel);
	MC_PQ_SET_FIELD(&p, 4, m->recipient);
	MC_PQ_SET_FIELD(&p, 5, m->subject);
	MC_PQ_SET_FIELD(&p, 6, m->body);
	mc_pq_set_int(&p, 7, m->created_at);
	mc_pq_set_int(&p, 8, m->next_at ? m->next_at : m->created_at);
	rc = mc_pq_write(st, &r, sql, &p, "queue message");
	if (rc == 0) {
		m->id = mc_pq_get_i64(r, 0, 0);
		snprintf(m->state, sizeof(m->state), "pending");
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

static int list(mc_pg *st, mc_message **out, size_t *n, const char *sql, struct mc_pq_params *p,
		const char *what)
{
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, sql, p, what);

	*out = NULL;
	*n = 0;
	if (rc == 0) {
		int rows = PQntuples(r);

		*out = rows ? mc_xcalloc((size_t)rows, sizeof(**out)) : NULL;
		for (int i = 0; i < rows; i++)
			message_read(&(*out)[i], r, i);
		*n = (size_t)rows;
	}
	PQclear(r);
	mc_pq_params_clear(p);
	return rc;
}

int mc_pg_outbox_due(mc_pg *st, mc_message **out, size_t *n, int64_t now, int limit)
{
	static const char sql[] =
	    "SELECT " MESSAGE_COLS " FROM outbox WHERE state = 'pending' AND next_at <= $1::bigint "
	    "ORDER BY next_at, id LIMIT $2::bigint";
	struct mc_pq_params p = {0};

	mc_pq_set_int(&p, 1, now);
	mc_pq_set_int(&p, 2, limit > 0 ? limit : 50);
	return list(st, out, n, sql, &p, "list due messages");
}

/* The subquery locks the rows it takes and skips those another pass holds
 * locked; a row another pass claimed and committed meanwhile is re-checked
 * against the claim condition under its lock, so it is skipped too. */
int mc_pg_outbox_claim(mc_pg *st, mc_message **out, size_t *n, int64_t now, int limit, int64_t lease_seconds)
{
	static const char sql[] =
	    "WITH taken AS (UPDATE outbox SET claimed_until = $1::bigint + $3::bigint "
	    "WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_at <= $1::bigint "
	    "AND coalesce(claimed_until, 0) < $1::bigint ORDER BY next_at, id LIMIT $2::bigint "
	    "FOR UPDATE SKIP LOCKED) RETURNING " MESSAGE_COLS ") "
	    "SELECT * FROM taken ORDER BY next_at, id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	mc_pq_set_int(&p, 1, now);
	mc_pq_set_int(&p, 2, limit > 0 ? limit : 50);
	mc_pq_set_int(&p, 3, lease_seconds > 0 ? lease_seconds : 600);
	rc = mc_pq_write(st, &r, sql, &p, "claim due messages");
	if (rc == 0) {
		int rows = PQntuples(r);

		*out = rows ? mc_xcalloc((size_t)rows, sizeof(**out)) : NULL;
		for (int i = 0; i < rows; i++)
			message_read(&(*out)[i], r, i);
		*n = (size_t)rows;
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_outbox_done(mc_pg *st, int64_t id, bool ok, const char *error, int64_t at, int64_t next_at)
{
	static const char sql[] =
	    "UPDATE outbox SET attempts = attempts + 1, "
	    "state = CASE WHEN $2::boolean THEN 'sent' WHEN $5::bigint = 0 THEN 'failed' ELSE 'pending' END, "
	    "sent_at = CASE WHEN $2::boolean THEN $4::bigint ELSE sent_at END, last_error = $3::text, "
	    "next_at = CASE WHEN $2::boolean OR $5::bigint = 0 THEN next_at ELSE $5::bigint END, "
	    "claimed_until = NULL "
	    "WHERE id = $1::bigint AND state = 'pending'";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_int(&p, 1, id);
	mc_pq_set_bool(&p, 2, ok);
	mc_pq_set_text(&p, 3, error ? error : "");
	mc_pq_set_int(&p, 4, at);
	mc_pq_set_int(&p, 5, next_at);
	rc = mc_pq_write(st, &r, sql, &p, "record delivery");
	if (rc == 0 && mc_pq_changes(r) == 0)
		rc = MC_ENOTFOUND;
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_outbox_of_dossier(mc_pg *st, mc_message **out, size_t *n, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT " MESSAGE_COLS " FROM outbox WHERE dossier_id = $1::bigint ORDER BY id";
	struct mc_pq_params p = {0};

	mc_pq_set_int(&p, 1, dossier_id);
	return list(st, out, n, sql, &p, "list messages of a dossier");
}

int mc_pg_outbox_depth(mc_pg *st, int64_t *out)
{
	static const char sql[] = "SELECT count(*) FROM outbox WHERE state = 'pending'";
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, sql, NULL, "count pending messages");

	if (rc == 0)
		*out = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	return rc;
}

int mc_pg_gauges(mc_pg *st, int64_t by_state[11], int64_t *overdue, int64_t now)
{
	static const char states_sql[] = "SELECT state, count(*) FROM dossier GROUP BY state";
	static const char overdue_sql[] = "SELECT count(*) FROM dossier WHERE state IN (2, 4) AND due_at > 0 "
					  "AND due_at < $1::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, states_sql, NULL, "count dossiers by state");

	memset(by_state, 0, 11 * sizeof(*by_state));
	*overdue = 0;
	for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
		int64_t state = mc_pq_get_i64(r, i, 0);

		if (state >= 1 && state <= 10)
			by_state[state] = mc_pq_get_i64(r, i, 1);
	}
	PQclear(r);
	r = NULL;
	if (rc)
		return rc;
	mc_pq_set_int(&p, 1, now);
	rc = mc_pq_run(st, &r, overdue_sql, &p, "count overdue dossiers");
	if (rc == 0)
		*overdue = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}
