/*
 * store_audit.c - the anchors of the event log (store.h, "audit anchors"),
 * on either engine (db.h). The store keeps and reads the chain; every hash
 * of it is computed outside (core/audit.h: an event's and an anchor's root;
 * app/audit.c: which dossiers an anchor covers, its signature, verifying).
 *
 * What is read here is read to be checked, as it is: the anchors and entries
 * are read whole, whatever their length, so that a row changed behind the
 * server's back fails to match its hash rather than stop the verification;
 * the events' texts too (MC_COL_CUT: a text longer than its field is cut,
 * and its hash then fails to match).
 */
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The chain of anchors, one maker at a time: taken before the head is
 * read, so that a second maker waits, then reads the head the first one
 * committed (PostgreSQL: servers sharing the database). */
#define LOCK_ANCHORS 1835230072
/* Events are read in pages, so that memory stays bounded on PostgreSQL,
 * which hands a statement's rows over all at once. */
#define EVENT_PAGE 1000

#define ANCHOR_COLS                                                                                          \
	"id, at, prev_root, root, dossiers, public_key, signature, document_events_to, document_digest, "    \
	"task_events_to, task_digest"

static const mc_col anchor_cols[] = {
    MC_COL(MC_COL_I64, mc_audit_anchor, id, "id"),
    MC_COL(MC_COL_I64, mc_audit_anchor, at, "at"),
    MC_COL(MC_COL_STR, mc_audit_anchor, prev_root, "prev_root"),
    MC_COL(MC_COL_STR, mc_audit_anchor, root, "root"),
    MC_COL(MC_COL_I64, mc_audit_anchor, dossiers, "dossiers"),
    MC_COL(MC_COL_STR, mc_audit_anchor, public_key, "public_key"),
    MC_COL(MC_COL_STR, mc_audit_anchor, signature, "signature"),
    MC_COL(MC_COL_I64, mc_audit_anchor, document_events_to, "document_events_to"),
    MC_COL(MC_COL_STR, mc_audit_anchor, document_digest, "document_digest"),
    MC_COL(MC_COL_I64, mc_audit_anchor, task_events_to, "task_events_to"),
    MC_COL(MC_COL_STR, mc_audit_anchor, task_digest, "task_digest"),
};

/* Entries and dossier rows alike; the rows' code only in entry_code_cols
 * (entries get "", so that every string of an entry is one to free). */
#define ENTRY_COLS                                                                                           \
	MC_COL(MC_COL_I64, mc_audit_entry, dossier_id, "dossier_id"),                                        \
	    MC_COL(MC_COL_I64, mc_audit_entry, anchor_id, "anchor_id"),                                      \
	    MC_COL(MC_COL_STR, mc_audit_entry, province_code, "province_code"),                              \
	    MC_COL(MC_COL_STR, mc_audit_entry, head_hash, "head_hash"),                                      \
	    MC_COL(MC_COL_I64, mc_audit_entry, event_count, "event_count"),                                  \
	    MC_COL(MC_COL_INT, mc_audit_entry, state, "state"),                                              \
	    MC_COL(MC_COL_STR, mc_audit_entry, code, "code")

static const mc_col entry_cols[] = {ENTRY_COLS};

void mc_audit_entry_free_list(mc_audit_entry *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		free(list[i].province_code);
		free(list[i].head_hash);
		free(list[i].code);
	}
	free(list);
}

void mc_audit_anchor_clear(mc_audit_anchor *a)
{
	mc_row_clear(anchor_cols, MC_ARRAY_LEN(anchor_cols), a, sizeof *a);
}

void mc_audit_anchor_free_list(mc_audit_anchor *list, size_t n)
{
	mc_rows_free(anchor_cols, MC_ARRAY_LEN(anchor_cols), list, n, sizeof *list);
}

static const mc_col event_cols[] = {
    MC_COL(MC_COL_I64, mc_event, id, "id"),
    MC_COL(MC_COL_I64, mc_event, dossier_id, "dossier_id"),
    MC_COL(MC_COL_I64, mc_event, at, "at"),
    MC_COL(MC_COL_I64, mc_event, actor_id, "actor_id"),
    MC_COL(MC_COL_STR, mc_event, actor_name, "actor_name"),
    MC_COL(MC_COL_I64, mc_event, unit_id, "unit_id"),
    MC_COL(MC_COL_STR, mc_event, action, "action"),
    MC_COL(MC_COL_INT, mc_event, from_state, "from_state"),
    MC_COL(MC_COL_INT, mc_event, to_state, "to_state"),
    MC_COL(MC_COL_INT, mc_event, step, "step"),
    MC_COL(MC_COL_STR, mc_event, note, "note"),
    MC_COL_ARRAY_CUT(mc_event, hash, "hash"),
    MC_COL(MC_COL_INT, mc_event, hash_version, "hash_version"),
    MC_COL_ARRAY_CUT(mc_event, personal_hash, "personal_hash"),
    MC_COL_ARRAY_CUT(mc_event, personal_salt, "personal_salt"),
    MC_COL(MC_COL_I64, mc_event, pseudonymised_at, "pseudonymised_at"),
};

int mc_store_audit_head(mc_store *st, mc_audit_anchor *out)
{
	static const char sql[] = "SELECT " ANCHOR_COLS " FROM audit_anchor ORDER BY id DESC LIMIT 1";
	int rc = mc_db_lock(st, LOCK_ANCHORS, "lock the anchors");

	memset(out, 0, sizeof *out);
	if (rc == 0)
		rc = mc_db_read(st, sql, "read the last anchor", MC_COLS(anchor_cols), out, NULL, 0);
	if (rc == MC_ENOTFOUND) {
		/* No anchor yet: strings all the same, as for one read. */
		out->prev_root = mc_xstrdup("");
		out->root = mc_xstrdup("");
		out->public_key = mc_xstrdup("");
		out->signature = mc_xstrdup("");
		out->document_digest = mc_xstrdup("");
		out->task_digest = mc_xstrdup("");
		rc = 0;
	}
	if (rc < 0)
		mc_audit_anchor_clear(out);
	return rc;
}

int mc_store_audit_pending(mc_store *st, mc_audit_entry **out, size_t *n, int limit)
{
	/* The partial index dossier_unanchored holds exactly these rows. */
	static const char sql[] =
	    "SELECT id AS dossier_id, anchor_id, province_code, head_hash, event_count, "
	    "state, code FROM dossier WHERE anchor_id = 0 ORDER BY id LIMIT $1";
	return mc_db_read_list_by(st, sql, limit > 0 ? limit : 1000,
				  "list dossiers changed since the last anchor", entry_cols,
				  MC_ARRAY_LEN(entry_cols), sizeof **out, out, n);
}

/* The entries as one JSON text, [[dossier_id, "province", "head_hash",
 * event_count, state], …], so that an anchor's entries and covers are two
 * statements whatever their number: an anchor runs in the writer's batch,
 * beside the filings, and two statements per dossier held them seconds. */
static int entries_json(mc_buf *b, const mc_audit_entry *e, size_t n)
{
	int rc = mc_buf_adds(b, "[");

	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *texts[2] = {e[i].province_code ? e[i].province_code : "", e[i].head_hash};

		rc = mc_buf_addf(b, "%s[%lld", i ? "," : "", (long long)e[i].dossier_id);
		for (int t = 0; t < 2 && rc == 0; t++) {
			rc = mc_buf_adds(b, ",");
			if (rc == 0)
				rc = mc_buf_add_json_string(b, texts[t]);
		}
		if (rc == 0)
			rc = mc_buf_addf(b, ",%lld,%d]", (long long)e[i].event_count, e[i].state);
	}
	return rc ? rc : mc_buf_adds(b, "]");
}

/* clang-format off */
#define ENTRIES_FROM(from) \
	"INSERT INTO audit_anchor_entry (anchor_id, dossier_id, province_code, head_hash, event_count, state) " \
	"SELECT $1, CAST(c.value ->> 0 AS BIGINT), c.value ->> 1, c.value ->> 2, " \
	"CAST(c.value ->> 3 AS BIGINT), CAST(c.value ->> 4 AS INTEGER) FROM " from
/* clang-format on */

int mc_store_audit_anchor_add(mc_store *st, const mc_audit_anchor *a, const mc_audit_entry *e, size_t n)
{
	static const char anchor_sql[] = "INSERT INTO audit_anchor (" ANCHOR_COLS
					 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
	static const char entries_sqlite[] = ENTRIES_FROM("json_each($2) AS c");
	static const char entries_pg[] = ENTRIES_FROM("jsonb_array_elements(CAST($2 AS jsonb)) AS c(value)");
	/* A dossier is covered only when it has not changed again since it was
	 * read: a server that appended an event meanwhile holds the row
	 * (PostgreSQL), and once it commits the condition is checked again
	 * against the new row. */
	static const char cover_sql[] =
	    "UPDATE dossier SET anchor_id = $1 FROM audit_anchor_entry AS e WHERE e.anchor_id = $1 "
	    "AND dossier.id = e.dossier_id AND dossier.anchor_id = 0 AND dossier.head_hash = e.head_hash "
	    "AND dossier.event_count = e.event_count AND dossier.state = e.state";
	mc_buf b;
	mc_q *q = NULL;
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	mc_buf_init(&b, (n + 1) * 512);
	rc = mc_db_run(st, anchor_sql, "record an anchor",
		       MC_ARGS(MC_I(a->id), MC_I(a->at), MC_T(a->prev_root ? a->prev_root : ""),
			       MC_T(a->root), MC_I(a->dossiers), MC_T(a->public_key ? a->public_key : ""),
			       MC_T(a->signature ? a->signature : ""), MC_I(a->document_events_to),
			       MC_T(a->document_digest ? a->document_digest : ""), MC_I(a->task_events_to),
			       MC_T(a->task_digest ? a->task_digest : "")));
	if (rc || n == 0)
		goto cleanup;
	rc = entries_json(&b, e, n);
	if (rc == 0)
		rc = mc_db_prepare(st, &q, mc_db_is_pg(st) ? entries_pg : entries_sqlite);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, a->id);
	mc_q_textn(q, 2, b.data, b.len);
	rc = mc_q_exec(q, "record an anchor's entries");
	mc_q_done(q);
	q = NULL;
	if (rc == 0)
		rc = mc_db_run(st, cover_sql, "mark the dossiers anchored", MC_ARGS(MC_I(a->id)));
cleanup:
	mc_q_done(q);
	mc_buf_free(&b);
	return mc_db_op_end(st, kind, rc);
}

int mc_store_audit_bounds(mc_store *st, int64_t *max_anchor, int64_t *max_dossier)
{
	static const char sql[] = "SELECT (SELECT coalesce(max(v), 0) FROM ("
				  "SELECT max(id) AS v FROM audit_anchor "
				  "UNION ALL SELECT max(anchor_id) FROM audit_anchor_entry "
				  "UNION ALL SELECT max(anchor_id) FROM dossier) a) AS max_anchor, "
				  "(SELECT coalesce(max(v), 0) FROM ("
				  "SELECT max(id) AS v FROM dossier "
				  "UNION ALL SELECT max(dossier_id) FROM audit_anchor_entry "
				  "UNION ALL SELECT max(dossier_id) FROM event) d) AS max_dossier";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	*max_anchor = 0;
	*max_dossier = 0;
	if (rc)
		goto cleanup;
	rc = mc_q_row(q, "read the audit bounds");
	if (rc == 1) {
		*max_anchor = mc_q_col_int(q, 0);
		*max_dossier = mc_q_col_int(q, 1);
		rc = 0;
	}
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_audit_anchors(mc_store *st, mc_audit_anchor **out, size_t *n, int64_t lo, int64_t hi)
{
	static const char sql[] =
	    "SELECT " ANCHOR_COLS " FROM audit_anchor WHERE id >= $1 AND id < $2 ORDER BY id";
	return mc_db_list(st, sql, "list anchors", MC_COLS(anchor_cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(lo), MC_I(hi)));
}

int mc_store_audit_entries(mc_store *st, mc_audit_entry **out, size_t *n, bool by_anchor, int64_t lo,
			   int64_t hi)
{
	static const char anchor_sql[] =
	    "SELECT dossier_id, anchor_id, province_code, head_hash, event_count, state, '' AS code FROM "
	    "audit_anchor_entry "
	    "WHERE anchor_id >= $1 AND anchor_id < $2 ORDER BY anchor_id, dossier_id";
	static const char dossier_sql[] =
	    "SELECT dossier_id, anchor_id, province_code, head_hash, event_count, state, '' AS code FROM "
	    "audit_anchor_entry "
	    "WHERE dossier_id >= $1 AND dossier_id < $2 ORDER BY dossier_id, event_count, anchor_id";

	return mc_db_list(st, by_anchor ? anchor_sql : dossier_sql, "list anchor entries",
			  MC_COLS(entry_cols), sizeof **out, out, n, MC_ARGS(MC_I(lo), MC_I(hi)));
}

int mc_store_audit_dossiers(mc_store *st, mc_audit_entry **out, size_t *n, int64_t lo, int64_t hi)
{
	static const char sql[] =
	    "SELECT id AS dossier_id, anchor_id, province_code, head_hash, event_count, "
	    "state, code FROM dossier WHERE id >= $1 AND id < $2 ORDER BY id";

	return mc_db_list(st, sql, "list dossier heads", MC_COLS(entry_cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(lo), MC_I(hi)));
}

int mc_store_event_scan_range(mc_store *st, int64_t lo, int64_t hi,
			      int (*cb)(const mc_event *e, void *payload), void *payload)
{
	/* Pages by (dossier_id, id), the order of the chains and of the index event_chain. */
	static const char sql[] =
	    "SELECT id, dossier_id, at, actor_id, actor_name, unit_id, action, from_state, to_state, step, "
	    "note, "
	    "hash, hash_version, personal_hash, personal_salt, pseudonymised_at FROM event WHERE "
	    "(dossier_id, id) > ($1, $2) AND dossier_id < $3 ORDER BY dossier_id, id "
	    "LIMIT $4";
	mc_event *e = mc_xcalloc(1, sizeof(*e));
	int64_t after_dossier = lo - 1;
	int64_t after_id = INT64_MAX;
	mc_q *q = NULL;
	int rows = EVENT_PAGE;
	int rc = 0;

	while (rc == 0 && rows == EVENT_PAGE) {
		rc = mc_db_prepare(st, &q, sql);
		if (rc)
			break;
		mc_q_int(q, 1, after_dossier);
		mc_q_int(q, 2, after_id);
		mc_q_int(q, 3, hi);
		mc_q_int(q, 4, EVENT_PAGE);
		rows = 0;
		while (rc == 0 && (rc = mc_q_row(q, "scan events")) == 1) {
			mc_event_clear(e); /* the previous row's strings */
			rc = mc_q_read(q, event_cols, MC_ARRAY_LEN(event_cols), e);
			if (rc)
				break;
			rows++;
			after_dossier = e->dossier_id;
			after_id = e->id;
			rc = cb(e, payload);
		}
		mc_q_done(q);
		q = NULL;
	}
	mc_event_clear(e);
	free(e);
	return rc;
}

/* ---- the official documents' and the tasks' logs (migration 054) -------- */

int mc_store_audit_log_top(mc_store *st, mc_audit_log which, int64_t *top)
{
	static const char *const sql[] = {"SELECT coalesce(max(id), 0) FROM document_event",
					  "SELECT coalesce(max(id), 0) FROM task_event"};
	/* Constant texts: a statement is kept by the address of its text
	 * (db.h), so one text built in a buffer would run the first log's lock
	 * for the second. */
	static const char *const lock[] = {"LOCK TABLE document_event IN SHARE MODE",
					   "LOCK TABLE task_event IN SHARE MODE"};
	int rc = 0;

	*top = 0;
	/* On PostgreSQL an id is taken at the insert and seen at the commit:
	 * a transaction still open may hold an id below the highest one seen.
	 * SHARE waits for every writer of the log to end and keeps new ones
	 * out until this transaction ends, so that no event can appear below
	 * the id read here once the anchor is recorded. */
	if (mc_db_is_pg(st))
		rc = mc_db_run(st, lock[which], "lock a log to anchor it", NULL, 0);
	if (rc == 0)
		rc = mc_db_int(st, sql[which], "read a log's last event id", top, NULL, 0);
	return rc;
}

int mc_store_audit_log_scan(mc_store *st, mc_audit_log which, int64_t after, int64_t upto,
			    int (*cb)(int64_t id, const char *hash, void *payload), void *payload)
{
	static const char *const sql[] = {
	    "SELECT id, hash FROM document_event WHERE id > $1 AND id <= $2 ORDER BY id LIMIT 1000",
	    "SELECT id, coalesce(hash, '') FROM task_event WHERE id > $1 AND id <= $2 ORDER BY id LIMIT "
	    "1000"};
	int rc = 0;

	for (;;) {
		mc_q *q = NULL;
		int64_t last = after;
		rc = mc_db_prepare(st, &q, sql[which]);
		if (rc == 0) {
			mc_q_int(q, 1, after);
			mc_q_int(q, 2, upto);
		}
		while (rc == 0 && (rc = mc_q_row(q, "scan a log's ids and hashes")) == 1) {
			const char *hash = mc_q_col_text(q, 1);
			last = mc_q_col_int(q, 0);
			rc = cb(last, hash ? hash : "", payload);
		}
		mc_q_done(q);
		if (rc || last == after)
			break;
		after = last;
	}
	return rc;
}
