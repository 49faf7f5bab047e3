/*
 * store_exchange.c - edXML packages sent and received, on either engine
 * (db.h; see store_exchange.h).
 */
#include "store/store_exchange.h"

#include "store/db.h"

#include <stdlib.h>
#include <string.h>

#define XCH_COLS                                                                                             \
	"id, province_code, direction, kind, organ_id, local_organ_id, message_id, "                         \
	"coalesce(document_id, 0) AS document_id, business, ref_message_id, "                                \
	"coalesce(response_for_id, 0) AS response_for_id, status_code, description, package, state, "        \
	"attempts, next_at, claimed_until, last_error, created_at, sent_at"

static const mc_col xch_cols[] = {
    MC_COL(MC_COL_I64, mc_xch_message, id, "id"),
    MC_COL(MC_COL_STR, mc_xch_message, province_code, "province_code"),
    MC_COL(MC_COL_INT, mc_xch_message, direction, "direction"),
    MC_COL(MC_COL_INT, mc_xch_message, kind, "kind"),
    MC_COL(MC_COL_STR, mc_xch_message, organ_id, "organ_id"),
    MC_COL(MC_COL_STR, mc_xch_message, local_organ_id, "local_organ_id"),
    MC_COL(MC_COL_STR, mc_xch_message, message_id, "message_id"),
    MC_COL(MC_COL_I64, mc_xch_message, document_id, "document_id"),
    MC_COL(MC_COL_INT, mc_xch_message, business, "business"),
    MC_COL(MC_COL_STR, mc_xch_message, ref_message_id, "ref_message_id"),
    MC_COL(MC_COL_I64, mc_xch_message, response_for_id, "response_for_id"),
    MC_COL(MC_COL_INT, mc_xch_message, status_code, "status_code"),
    MC_COL(MC_COL_STR, mc_xch_message, description, "description"),
    MC_COL(MC_COL_STR, mc_xch_message, package, "package"),
    MC_COL(MC_COL_STR, mc_xch_message, state, "state"),
    MC_COL(MC_COL_INT, mc_xch_message, attempts, "attempts"),
    MC_COL(MC_COL_I64, mc_xch_message, next_at, "next_at"),
    MC_COL(MC_COL_I64, mc_xch_message, claimed_until, "claimed_until"),
    MC_COL(MC_COL_STR, mc_xch_message, last_error, "last_error"),
    MC_COL(MC_COL_I64, mc_xch_message, created_at, "created_at"),
    MC_COL(MC_COL_I64, mc_xch_message, sent_at, "sent_at"),
};

void mc_xch_message_clear(mc_xch_message *m)
{
	mc_row_clear(xch_cols, MC_ARRAY_LEN(xch_cols), m, sizeof *m);
}

void mc_xch_message_free_list(mc_xch_message *list, size_t n)
{
	mc_rows_free(xch_cols, MC_ARRAY_LEN(xch_cols), list, n, sizeof *list);
}

static const char *s(const char *v)
{
	return v ? v : "";
}

int mc_store_xch_add(mc_store *st, mc_xch_message *m)
{
	static const char sql[] =
	    "INSERT INTO exchange_message (province_code, direction, kind, organ_id, local_organ_id, "
	    "message_id, document_id, business, ref_message_id, response_for_id, status_code, description, "
	    "package, state, next_at, created_at, sent_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING "
	    "id";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	mc_q_text(q, 1, s(m->province_code));
	mc_q_int(q, 2, m->direction);
	mc_q_int(q, 3, m->kind);
	mc_q_text(q, 4, s(m->organ_id));
	mc_q_text(q, 5, s(m->local_organ_id));
	mc_q_text(q, 6, s(m->message_id));
	mc_q_ref(q, 7, m->document_id);
	mc_q_int(q, 8, m->business);
	mc_q_text(q, 9, s(m->ref_message_id));
	mc_q_ref(q, 10, m->response_for_id);
	mc_q_int(q, 11, m->status_code);
	mc_q_text(q, 12, s(m->description));
	mc_q_text(q, 13, s(m->package));
	mc_q_text(q, 14, s(m->state));
	mc_q_int(q, 15, m->next_at ? m->next_at : m->created_at);
	mc_q_int(q, 16, m->created_at);
	mc_q_int(q, 17, m->sent_at);
	rc = mc_q_insert_id(q, "record an exchanged package", &m->id);
cleanup:
	mc_q_done(q);
	return rc;
}

/* The answer of a read of one package into out, cleared when it failed. */
static int one(int rc, mc_xch_message *out)
{
	if (rc)
		mc_xch_message_clear(out);
	return rc;
}

int mc_store_xch_find(mc_store *st, mc_xch_message *out, int direction, const char *organ_id,
		      const char *local_organ_id, const char *message_id)
{
	static const char sql[] = "SELECT " XCH_COLS " FROM exchange_message "
				  "WHERE direction = $1 AND organ_id = $2 AND message_id = $3 "
				  "AND ($4 = '' OR local_organ_id = $4) ORDER BY id LIMIT 1";

	memset(out, 0, sizeof *out);
	return one(
	    mc_db_read(st, sql, "find an exchanged package", MC_COLS(xch_cols), out,
		       MC_ARGS(MC_I(direction), MC_T(organ_id), MC_T(message_id), MC_T(s(local_organ_id)))),
	    out);
}

int mc_store_xch_find_sent(mc_store *st, mc_xch_message *out, const char *message_id)
{
	static const char sql[] = "SELECT " XCH_COLS " FROM exchange_message "
				  "WHERE direction = 1 AND kind = 1 AND message_id = $1 ORDER BY id LIMIT 1";

	memset(out, 0, sizeof *out);
	return one(mc_db_read_by_text(st, sql, message_id, "find a sent package", MC_COLS(xch_cols), out),
		   out);
}

int mc_store_xch_received_as(mc_store *st, mc_xch_message *out, int64_t document_id)
{
	static const char sql[] = "SELECT " XCH_COLS " FROM exchange_message "
				  "WHERE direction = 2 AND kind = 1 AND document_id = $1 ORDER BY id LIMIT 1";

	memset(out, 0, sizeof *out);
	return one(mc_db_read_by_id(st, sql, document_id, "find a received package", MC_COLS(xch_cols), out),
		   out);
}

int mc_store_xch_of_document(mc_store *st, mc_xch_message **out, size_t *n, int64_t document_id)
{
	static const char sql[] = "SELECT " XCH_COLS " FROM exchange_message "
				  "WHERE document_id = $1 OR response_for_id = $1 ORDER BY id";
	return mc_db_read_list_by(st, sql, document_id, "list exchanged packages", MC_COLS(xch_cols),
				  sizeof **out, out, n);
}

int mc_store_xch_set_state(mc_store *st, int64_t id, const char *state, const char *note)
{
	static const char sql[] = "UPDATE exchange_message SET state = $2, last_error = $3 WHERE id = $1";
	return mc_db_change(st, sql, "set an exchanged package's state", MC_SOME, MC_ENOTFOUND,
			    MC_ARGS(MC_I(id), MC_T(state), MC_T(s(note))));
}

static int by_due(const void *a, const void *b)
{
	const mc_xch_message *x = a, *y = b;
	if (x->next_at != y->next_at)
		return x->next_at < y->next_at ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* As the e-mail outbox's claim (store_outbox.c): SKIP LOCKED on PostgreSQL.
 * A package naming an earlier one of ours to the same organisation (a
 * recall or a replacement: ref_message_id; both from the same unit, whose
 * code begins the DocumentId, so the unique index finds it) waits while
 * that one is still pending, so that the peer holds the document before it
 * is told to recall or replace it; once the earlier one is sent or failed
 * for good it goes. */
#define CLAIM(lock)                                                                                          \
	"UPDATE exchange_message SET claimed_until = $1 + $3 WHERE id IN (SELECT m.id "                      \
	"FROM exchange_message m WHERE m.direction = 1 AND m.state = 'pending' AND m.next_at <= $1 "         \
	"AND m.claimed_until < $1 AND NOT EXISTS (SELECT 1 FROM exchange_message p "                         \
	"WHERE m.ref_message_id <> '' AND p.direction = 1 AND p.state = 'pending' "                          \
	"AND p.organ_id = m.organ_id AND p.local_organ_id = m.local_organ_id "                               \
	"AND p.message_id = m.ref_message_id AND p.id <> m.id) "                                             \
	"ORDER BY m.next_at, m.id LIMIT $2" lock ") RETURNING " XCH_COLS

int mc_store_xch_claim(mc_store *st, mc_xch_message **out, size_t *n, int64_t now, int limit,
		       int64_t lease_seconds)
{
	static const char sql_sqlite[] = CLAIM("");
	static const char sql_pg[] = CLAIM(" FOR UPDATE SKIP LOCKED");
	int rc = mc_db_list(
	    st, mc_db_is_pg(st) ? sql_pg : sql_sqlite, "claim due packages", MC_COLS(xch_cols), sizeof **out,
	    out, n,
	    MC_ARGS(MC_I(now), MC_I(limit > 0 ? limit : 20), MC_I(lease_seconds > 0 ? lease_seconds : 600)));

	if (rc == 0 && *n > 1)
		qsort(*out, *n, sizeof(**out), by_due);
	return rc;
}

int mc_store_xch_done(mc_store *st, int64_t id, bool ok, const char *error, int64_t at, int64_t next_at,
		      const char *signed_package)
{
	static const char sql[] =
	    "UPDATE exchange_message SET attempts = attempts + 1, "
	    "state = CASE WHEN $2 THEN 'sent' WHEN $5 = 0 THEN 'failed' ELSE 'pending' END, "
	    "sent_at = CASE WHEN $2 THEN $4 ELSE sent_at END, last_error = $3, "
	    "next_at = CASE WHEN $2 OR $5 = 0 THEN next_at ELSE $5 END, claimed_until = 0, "
	    "package = CASE WHEN $2 AND $6 <> '' THEN $6 ELSE package END "
	    "WHERE id = $1 AND direction = 1 AND state = 'pending'";
	return mc_db_change(
	    st, sql, "record a package's delivery", MC_SOME, MC_ENOTFOUND,
	    MC_ARGS(MC_I(id), MC_B(ok), MC_T(s(error)), MC_I(at), MC_I(next_at), MC_T(s(signed_package))));
}

int mc_store_xch_requeue(mc_store *st, int64_t id, const char *package, int64_t at)
{
	static const char sql[] =
	    "UPDATE exchange_message SET state = 'pending', attempts = 0, next_at = $3, "
	    "claimed_until = 0, last_error = '', package = $2 "
	    "WHERE id = $1 AND direction = 1 AND state = 'failed'";
	return mc_db_change(st, sql, "queue a package again", MC_SOME, MC_ENOTFOUND,
			    MC_ARGS(MC_I(id), MC_T(package), MC_I(at)));
}
