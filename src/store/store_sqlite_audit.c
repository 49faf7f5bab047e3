/*
 * store_sqlite_audit.c - the anchors of the event log (store.h, "audit
 * anchors") in the SQLite store.
 */
#include "store/store_sqlite_int.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- anchors ---------------------------------------------------------- */

#define ANCHOR_COLS "id, at, prev_root, root, dossiers, public_key, signature"

static void anchor_read(mc_audit_anchor *a, sqlite3_stmt *s)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(s, 0);
	a->at = sqlite3_column_int64(s, 1);
	MC_SQ_COL_FIELD(a->prev_root, s, 2);
	MC_SQ_COL_FIELD(a->root, s, 3);
	a->dossiers = sqlite3_column_int64(s, 4);
	MC_SQ_COL_FIELD(a->public_key, s, 5);
	MC_SQ_COL_FIELD(a->signature, s, 6);
}

int mc_sqlite_audit_head(mc_sqlite *st, mc_audit_anchor *out)
{
	static const char sql[] = "SELECT " ANCHOR_COLS " FROM audit_anchor ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	memset(out, 0, sizeof *out);
	if (rc)
		goto cleanup;
	rc = mc_sq_row(st, s, "read the last anchor");
	if (rc > 0)
		anchor_read(out, s);
	if (rc > 0)
		rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

/* Reads every row of s (columns: dossier_id, anchor_id, province_code,
 * head_hash, event_count, state[, code]); caller frees *out. */
static int read_entries(mc_sqlite *st, sqlite3_stmt *s, mc_audit_entry **out, size_t *n, bool with_code,
			const char *what)
{
	mc_audit_entry *list = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = mc_sq_row(st, s, what)) == 1) {
		mc_audit_entry *e;

		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			list = mc_xrealloc(list, cap * sizeof *list);
		}
		e = &list[len++];
		memset(e, 0, sizeof *e);
		e->dossier_id = sqlite3_column_int64(s, 0);
		e->anchor_id = sqlite3_column_int64(s, 1);
		MC_SQ_COL_FIELD(e->province_code, s, 2);
		MC_SQ_COL_FIELD(e->head_hash, s, 3);
		e->event_count = sqlite3_column_int64(s, 4);
		e->state = sqlite3_column_int(s, 5);
		if (with_code)
			MC_SQ_COL_FIELD(e->code, s, 6);
	}
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}

int mc_sqlite_audit_pending(mc_sqlite *st, mc_audit_entry **out, size_t *n, int limit)
{
	/* The partial index dossier_unanchored holds exactly these rows. */
	static const char sql[] =
	    "SELECT id, anchor_id, province_code, head_hash, event_count, state FROM dossier "
	    "WHERE anchor_id = 0 ORDER BY id LIMIT ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, limit > 0 ? limit : 1000);
	rc = read_entries(st, s, out, n, false, "list dossiers changed since the last anchor");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_audit_anchor_add(mc_sqlite *st, const mc_audit_anchor *a, const mc_audit_entry *e, size_t n)
{
	static const char anchor_sql[] =
	    "INSERT INTO audit_anchor (" ANCHOR_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	static const char entry_sql[] = "INSERT INTO audit_anchor_entry (anchor_id, dossier_id, "
					"province_code, head_hash, event_count, state) "
					"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	/* Only when it has not changed again since it was read. */
	static const char cover_sql[] = "UPDATE dossier SET anchor_id = ?1 WHERE id = ?2 AND anchor_id = 0 "
					"AND head_hash = ?3 AND event_count = ?4 AND state = ?5";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_op_begin(st);

	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, anchor_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, a->id);
	mc_sq_bind_int(s, 2, a->at);
	MC_SQ_BIND_FIELD(s, 3, a->prev_root);
	MC_SQ_BIND_FIELD(s, 4, a->root);
	mc_sq_bind_int(s, 5, a->dossiers);
	MC_SQ_BIND_FIELD(s, 6, a->public_key);
	MC_SQ_BIND_FIELD(s, 7, a->signature);
	rc = mc_sq_exec(st, s, "record an anchor");
	mc_sq_done(s);
	s = NULL;
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = mc_sq_prepare(st, &s, entry_sql);
		if (rc)
			break;
		mc_sq_bind_int(s, 1, a->id);
		mc_sq_bind_int(s, 2, e[i].dossier_id);
		MC_SQ_BIND_FIELD(s, 3, e[i].province_code);
		MC_SQ_BIND_FIELD(s, 4, e[i].head_hash);
		mc_sq_bind_int(s, 5, e[i].event_count);
		mc_sq_bind_int(s, 6, e[i].state);
		rc = mc_sq_exec(st, s, "record an anchor entry");
		mc_sq_done(s);
		s = NULL;
		if (rc)
			break;
		rc = mc_sq_prepare(st, &s, cover_sql);
		if (rc)
			break;
		mc_sq_bind_int(s, 1, a->id);
		mc_sq_bind_int(s, 2, e[i].dossier_id);
		MC_SQ_BIND_FIELD(s, 3, e[i].head_hash);
		mc_sq_bind_int(s, 4, e[i].event_count);
		mc_sq_bind_int(s, 5, e[i].state);
		rc = mc_sq_exec(st, s, "mark a dossier anchored");
		mc_sq_done(s);
		s = NULL;
	}
cleanup:
	mc_sq_done(s);
	return mc_sq_op_end(st, rc);
}

int mc_sqlite_audit_bounds(mc_sqlite *st, int64_t *max_anchor, int64_t *max_dossier)
{
	static const char sql[] = "SELECT max(coalesce((SELECT max(id) FROM audit_anchor), 0), "
				  "coalesce((SELECT max(anchor_id) FROM audit_anchor_entry), 0), "
				  "coalesce((SELECT max(anchor_id) FROM dossier), 0)), "
				  "max(coalesce((SELECT max(id) FROM dossier), 0), "
				  "coalesce((SELECT max(dossier_id) FROM audit_anchor_entry), 0), "
				  "coalesce((SELECT max(dossier_id) FROM event), 0))";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	*max_anchor = 0;
	*max_dossier = 0;
	if (rc)
		goto cleanup;
	rc = mc_sq_row(st, s, "read the audit bounds");
	if (rc > 0) {
		*max_anchor = sqlite3_column_int64(s, 0);
		*max_dossier = sqlite3_column_int64(s, 1);
		rc = 0;
	}
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_audit_anchors(mc_sqlite *st, mc_audit_anchor **out, size_t *n, int64_t lo, int64_t hi)
{
	static const char sql[] =
	    "SELECT " ANCHOR_COLS " FROM audit_anchor WHERE id >= ?1 AND id < ?2 ORDER BY id";
	sqlite3_stmt *s = NULL;
	mc_audit_anchor *list = NULL;
	size_t len = 0, cap = 0;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, lo);
	mc_sq_bind_int(s, 2, hi);
	while ((rc = mc_sq_row(st, s, "list anchors")) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			list = mc_xrealloc(list, cap * sizeof *list);
		}
		anchor_read(&list[len++], s);
	}
	if (rc < 0) {
		free(list);
		goto cleanup;
	}
	*out = list;
	*n = len;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_audit_entries(mc_sqlite *st, mc_audit_entry **out, size_t *n, bool by_anchor, int64_t lo,
			    int64_t hi)
{
	static const char anchor_sql[] =
	    "SELECT dossier_id, anchor_id, province_code, head_hash, event_count, state FROM "
	    "audit_anchor_entry "
	    "WHERE anchor_id >= ?1 AND anchor_id < ?2 ORDER BY anchor_id, dossier_id";
	static const char dossier_sql[] =
	    "SELECT dossier_id, anchor_id, province_code, head_hash, event_count, state FROM "
	    "audit_anchor_entry "
	    "WHERE dossier_id >= ?1 AND dossier_id < ?2 ORDER BY dossier_id, event_count, anchor_id";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, by_anchor ? anchor_sql : dossier_sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, lo);
	mc_sq_bind_int(s, 2, hi);
	rc = read_entries(st, s, out, n, false, "list anchor entries");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_audit_dossiers(mc_sqlite *st, mc_audit_entry **out, size_t *n, int64_t lo, int64_t hi)
{
	static const char sql[] =
	    "SELECT id, anchor_id, province_code, head_hash, event_count, state, code FROM dossier "
	    "WHERE id >= ?1 AND id < ?2 ORDER BY id";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, lo);
	mc_sq_bind_int(s, 2, hi);
	rc = read_entries(st, s, out, n, true, "list dossier heads");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_event_scan_range(mc_sqlite *st, int64_t lo, int64_t hi,
			       int (*cb)(const mc_event *e, void *payload), void *payload)
{
	static const char sql[] =
	    "SELECT id, dossier_id, at, coalesce(actor_id, 0), actor_name, coalesce(unit_id, 0), action, "
	    "from_state, to_state, step, note, hash FROM event WHERE dossier_id >= ?1 AND dossier_id < ?2 "
	    "ORDER BY dossier_id, id";
	sqlite3_stmt *s = NULL;
	mc_event *e = mc_xmalloc(sizeof(*e));
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, lo);
	mc_sq_bind_int(s, 2, hi);
	while ((rc = mc_sq_row(st, s, "scan events")) == 1) {
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(s, 0);
		e->dossier_id = sqlite3_column_int64(s, 1);
		e->at = sqlite3_column_int64(s, 2);
		e->actor_id = sqlite3_column_int64(s, 3);
		MC_SQ_COL_FIELD(e->actor_name, s, 4);
		e->unit_id = sqlite3_column_int64(s, 5);
		MC_SQ_COL_FIELD(e->action, s, 6);
		e->from_state = sqlite3_column_int(s, 7);
		e->to_state = sqlite3_column_int(s, 8);
		e->step = sqlite3_column_int(s, 9);
		MC_SQ_COL_FIELD(e->note, s, 10);
		MC_SQ_COL_FIELD(e->hash, s, 11);
		rc = cb(e, payload);
		if (rc != 0)
			break;
	}
cleanup:
	mc_sq_done(s);
	free(e);
	return rc;
}
