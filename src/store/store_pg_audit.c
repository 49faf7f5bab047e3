/*
 * store_pg_audit.c - the anchors of the event log (store.h, "audit anchors")
 * in the PostgreSQL store.
 */
#include "store/store_pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#define LOCK_ANCHORS 1835230072 /* the chain of anchors, one maker at a time */

/* ---- anchors ---------------------------------------------------------- */

#define ANCHOR_COLS "id, at, prev_root, root, dossiers, public_key, signature"

static void anchor_read(mc_audit_anchor *a, const PGresult *r, int row)
{
	memset(a, 0, sizeof *a);
	a->id = mc_pq_get_i64(r, row, 0);
	a->at = mc_pq_get_i64(r, row, 1);
	MC_PQ_GET_FIELD(a->prev_root, r, row, 2);
	MC_PQ_GET_FIELD(a->root, r, row, 3);
	a->dossiers = mc_pq_get_i64(r, row, 4);
	MC_PQ_GET_FIELD(a->public_key, r, row, 5);
	MC_PQ_GET_FIELD(a->signature, r, row, 6);
}

int mc_pg_audit_head(mc_pg *st, mc_audit_anchor *out)
{
	static const char lock_sql[] = "SELECT pg_advisory_xact_lock($1::bigint)";
	static const char sql[] = "SELECT " ANCHOR_COLS " FROM audit_anchor ORDER BY id DESC LIMIT 1";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc = 0;

	memset(out, 0, sizeof *out);
	/* Taken before the read: a second maker waits, then reads the head the
	 * first one committed. */
	if (st->tx_open) {
		mc_pq_set_int(&p, 1, LOCK_ANCHORS);
		rc = mc_pq_run(st, NULL, lock_sql, &p, "lock the anchors");
		mc_pq_params_clear(&p);
	}
	if (rc == 0)
		rc = mc_pq_run(st, &r, sql, NULL, "read the last anchor");
	if (rc == 0 && PQntuples(r) == 1)
		anchor_read(out, r, 0);
	PQclear(r);
	return rc;
}

static void entries_read(const PGresult *r, mc_audit_entry **out, size_t *n, bool with_code)
{
	int rows = PQntuples(r);

	*out = rows ? mc_xcalloc((size_t)rows, sizeof **out) : NULL;
	for (int i = 0; i < rows; i++) {
		mc_audit_entry *e = &(*out)[i];

		e->dossier_id = mc_pq_get_i64(r, i, 0);
		e->anchor_id = mc_pq_get_i64(r, i, 1);
		MC_PQ_GET_FIELD(e->province_code, r, i, 2);
		MC_PQ_GET_FIELD(e->head_hash, r, i, 3);
		e->event_count = mc_pq_get_i64(r, i, 4);
		e->state = (int)mc_pq_get_i64(r, i, 5);
		if (with_code)
			MC_PQ_GET_FIELD(e->code, r, i, 6);
	}
	*n = (size_t)rows;
}

int mc_pg_audit_pending(mc_pg *st, mc_audit_entry **out, size_t *n, int limit)
{
	static const char sql[] =
	    "SELECT id, anchor_id, province_code, head_hash, event_count, state FROM dossier "
	    "WHERE anchor_id = 0 ORDER BY id LIMIT $1::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	mc_pq_set_int(&p, 1, limit > 0 ? limit : 1000);
	rc = mc_pq_run(st, &r, sql, &p, "list dossiers changed since the last anchor");
	if (rc == 0)
		entries_read(r, out, n, false);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_audit_anchor_add(mc_pg *st, const mc_audit_anchor *a, const mc_audit_entry *e, size_t n)
{
	static const char anchor_sql[] =
	    "INSERT INTO audit_anchor (" ANCHOR_COLS ") VALUES ($1::bigint, $2::bigint, $3::text, $4::text, "
	    "$5::bigint, $6::text, $7::text)";
	static const char entry_sql[] =
	    "INSERT INTO audit_anchor_entry (anchor_id, dossier_id, province_code, head_hash, event_count, "
	    "state) "
	    "VALUES ($1::bigint, $2::bigint, $3::text, $4::text, $5::bigint, $6::integer)";
	/* Only when it has not changed again since it was read: a server that
	 * appended an event meanwhile holds the row, and once it commits the
	 * condition is checked again against the new row. */
	static const char cover_sql[] =
	    "UPDATE dossier SET anchor_id = $1::bigint WHERE id = $2::bigint AND anchor_id = 0 "
	    "AND head_hash = $3::text AND event_count = $4::bigint AND state = $5::integer";
	struct mc_pq_params p = {0};
	int kind = 0;
	int rc = mc_pq_op_begin(st, &kind);

	if (rc)
		return rc;
	mc_pq_set_int(&p, 1, a->id);
	mc_pq_set_int(&p, 2, a->at);
	MC_PQ_SET_FIELD(&p, 3, a->prev_root);
	MC_PQ_SET_FIELD(&p, 4, a->root);
	mc_pq_set_int(&p, 5, a->dossiers);
	MC_PQ_SET_FIELD(&p, 6, a->public_key);
	MC_PQ_SET_FIELD(&p, 7, a->signature);
	rc = mc_pq_run(st, NULL, anchor_sql, &p, "record an anchor");
	mc_pq_params_clear(&p);
	for (size_t i = 0; i < n && rc == 0; i++) {
		mc_pq_set_int(&p, 1, a->id);
		mc_pq_set_int(&p, 2, e[i].dossier_id);
		MC_PQ_SET_FIELD(&p, 3, e[i].province_code);
		MC_PQ_SET_FIELD(&p, 4, e[i].head_hash);
		mc_pq_set_int(&p, 5, e[i].event_count);
		mc_pq_set_int(&p, 6, e[i].state);
		rc = mc_pq_run(st, NULL, entry_sql, &p, "record an anchor entry");
		mc_pq_params_clear(&p);
		if (rc)
			break;
		mc_pq_set_int(&p, 1, a->id);
		mc_pq_set_int(&p, 2, e[i].dossier_id);
		MC_PQ_SET_FIELD(&p, 3, e[i].head_hash);
		mc_pq_set_int(&p, 4, e[i].event_count);
		mc_pq_set_int(&p, 5, e[i].state);
		rc = mc_pq_run(st, NULL, cover_sql, &p, "mark a dossier anchored");
		mc_pq_params_clear(&p);
	}
	return mc_pq_op_end(st, kind, rc);
}

int mc_pg_audit_bounds(mc_pg *st, int64_t *max_anchor, int64_t *max_dossier)
{
	static const char sql[] = "SELECT greatest(coalesce((SELECT max(id) FROM audit_anchor), 0), "
				  "coalesce((SELECT max(anchor_id) FROM audit_anchor_entry), 0), "
				  "coalesce((SELECT max(anchor_id) FROM dossier), 0)), "
				  "greatest(coalesce((SELECT max(id) FROM dossier), 0), "
				  "coalesce((SELECT max(dossier_id) FROM audit_anchor_entry), 0), "
				  "coalesce((SELECT max(dossier_id) FROM event), 0))";
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, sql, NULL, "read the audit bounds");

	*max_anchor = 0;
	*max_dossier = 0;
	if (rc == 0 && PQntuples(r) == 1) {
		*max_anchor = mc_pq_get_i64(r, 0, 0);
		*max_dossier = mc_pq_get_i64(r, 0, 1);
	}
	PQclear(r);
	return rc;
}

int mc_pg_audit_anchors(mc_pg *st, mc_audit_anchor **out, size_t *n, int64_t lo, int64_t hi)
{
	static const char sql[] = "SELECT " ANCHOR_COLS " FROM audit_anchor WHERE id >= $1::bigint "
				  "AND id < $2::bigint ORDER BY id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	mc_pq_set_int(&p, 1, lo);
	mc_pq_set_int(&p, 2, hi);
	rc = mc_pq_run(st, &r, sql, &p, "list anchors");
	if (rc == 0) {
		int rows = PQntuples(r);

		*out = rows ? mc_xcalloc((size_t)rows, sizeof **out) : NULL;
		for (int i = 0; i < rows; i++)
			anchor_read(&(*out)[i], r, i);
		*n = (size_t)rows;
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_audit_entries(mc_pg *st, mc_audit_entry **out, size_t *n, bool by_anchor, int64_t lo, int64_t hi)
{
	static const char anchor_sql[] =
	    "SELECT dossier_id, anchor_id, province_code, head_hash, event_count, state FROM "
	    "audit_anchor_entry "
	    "WHERE anchor_id >= $1::bigint AND anchor_id < $2::bigint ORDER BY anchor_id, dossier_id";
	static const char dossier_sql[] = "SELECT dossier_id, anchor_id, province_code, head_hash, "
					  "event_count, state FROM audit_anchor_entry "
					  "WHERE dossier_id >= $1::bigint AND dossier_id < $2::bigint ORDER "
					  "BY dossier_id, event_count, anchor_id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	mc_pq_set_int(&p, 1, lo);
	mc_pq_set_int(&p, 2, hi);
	rc = mc_pq_run(st, &r, by_anchor ? anchor_sql : dossier_sql, &p, "list anchor entries");
	if (rc == 0)
		entries_read(r, out, n, false);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_audit_dossiers(mc_pg *st, mc_audit_entry **out, size_t *n, int64_t lo, int64_t hi)
{
	static const char sql[] =
	    "SELECT id, anchor_id, province_code, head_hash, event_count, state, code FROM dossier "
	    "WHERE id >= $1::bigint AND id < $2::bigint ORDER BY id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	mc_pq_set_int(&p, 1, lo);
	mc_pq_set_int(&p, 2, hi);
	rc = mc_pq_run(st, &r, sql, &p, "list dossier heads");
	if (rc == 0)
		entries_read(r, out, n, true);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_event_scan_range(mc_pg *st, int64_t lo, int64_t hi, int (*cb)(const mc_event *e, void *payload),
			   void *payload)
{
	/* Pages by (dossier_id, id), as mc_pg_event_scan. */
	static const char sql[] =
	    "SELECT id, dossier_id, at, actor_id, actor_name, unit_id, action, from_state, to_state, step, "
	    "note, "
	    "hash FROM event WHERE (dossier_id, id) > ($1::bigint, $2::bigint) AND dossier_id < $3::bigint "
	    "ORDER BY dossier_id, id LIMIT 1000";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	mc_event *e = mc_xmalloc(sizeof(*e));
	int64_t after_dossier = lo - 1;
	int64_t after_id = INT64_MAX;
	int rc = 0;

	for (;;) {
		int rows;

		mc_pq_set_int(&p, 1, after_dossier);
		mc_pq_set_int(&p, 2, after_id);
		mc_pq_set_int(&p, 3, hi);
		rc = mc_pq_run(st, &r, sql, &p, "scan events");
		mc_pq_params_clear(&p);
		if (rc)
			break;
		rows = PQntuples(r);
		for (int i = 0; rc == 0 && i < rows; i++) {
			memset(e, 0, sizeof(*e));
			e->id = mc_pq_get_i64(r, i, 0);
			e->dossier_id = mc_pq_get_i64(r, i, 1);
			e->at = mc_pq_get_i64(r, i, 2);
			e->actor_id = mc_pq_get_i64(r, i, 3);
			MC_PQ_GET_FIELD(e->actor_name, r, i, 4);
			e->unit_id = mc_pq_get_i64(r, i, 5);
			MC_PQ_GET_FIELD(e->action, r, i, 6);
			e->from_state = (int)mc_pq_get_i64(r, i, 7);
			e->to_state = (int)mc_pq_get_i64(r, i, 8);
			e->step = (int)mc_pq_get_i64(r, i, 9);
			MC_PQ_GET_FIELD(e->note, r, i, 10);
			MC_PQ_GET_FIELD(e->hash, r, i, 11);
			after_dossier = e->dossier_id;
			after_id = e->id;
			rc = cb(e, payload);
		}
		PQclear(r);
		r = NULL;
		if (rc || rows < 1000)
			break;
	}
	PQclear(r);
	free(e);
	return rc;
}
