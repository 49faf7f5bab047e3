/*
 * store_sqlite_filing.c - who filed each online submission and from where,
 * counted for the filing limits (app/filing.h), and the desk's view of the
 * submissions waiting for it, in the SQLite store.
 */
#include "store/store_sqlite_int.h"

#include <stdlib.h>

int mc_sqlite_filing_record(mc_sqlite *st, int64_t dossier_id, int64_t user_id, const char *peer, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO dossier_filing (dossier_id, province_code, user_id, peer, at) "
	    "VALUES (?1, coalesce((SELECT province_code FROM dossier WHERE id = ?1), ''), ?2, ?3, ?4)";
	char addr[64];
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_copy(addr, sizeof addr, peer ? peer : "");
	mc_sq_bind_int(s, 1, dossier_id);
	mc_sq_bind_int(s, 2, user_id);
	mc_sq_bind_text(s, 3, addr);
	mc_sq_bind_int(s, 4, at);
	rc = mc_sq_exec(st, s, "record filing");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_filing_lock(mc_sqlite *st, int64_t user_id, const char *peer)
{
	/* BEGIN IMMEDIATE holds the database's write lock until the commit, for
	 * every process on the file: the counts and the record are one step. */
	(void)st;
	(void)user_id;
	(void)peer;
	return 0;
}

int mc_sqlite_filing_nth(mc_sqlite *st, int64_t *out, int64_t user_id, const char *peer, int64_t since, int n)
{
	static const char by_user[] = "SELECT at FROM dossier_filing WHERE user_id = ?1 AND at >= ?2 "
				      "ORDER BY at DESC LIMIT 1 OFFSET ?3";
	static const char by_peer[] = "SELECT at FROM dossier_filing WHERE peer = ?1 AND at >= ?2 "
				      "ORDER BY at DESC LIMIT 1 OFFSET ?3";
	char addr[64];
	sqlite3_stmt *s = NULL;
	int rc = 0;

	if (n < 1 || (peer == NULL) == (user_id == 0)) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_sq_prepare(st, &s, peer ? by_peer : by_user);
	if (rc)
		goto cleanup;
	if (peer) {
		/* Recorded cut to the column's 63 bytes, so counted the same way. */
		mc_sq_copy(addr, sizeof addr, peer);
		mc_sq_bind_text(s, 1, addr);
	} else {
		mc_sq_bind_int(s, 1, user_id);
	}
	mc_sq_bind_int(s, 2, since);
	mc_sq_bind_int(s, 3, n - 1);
	rc = mc_sq_row(st, s, "count filings");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	*out = sqlite3_column_int64(s, 0);
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

/* The submissions of a query: ?1, ?2 the subtree's path range (receiving
 * unit), ?3 the account (0 any), ?4 the address (NULL any), ?5 and ?6 the
 * period of submission (0 unbounded). Driven by the receiving unit and the
 * state, as the desk's queue is (index dossier_receiving). */
#define SUBMISSION_FROM                                                                                      \
	" FROM dossier d LEFT JOIN app_user u ON u.id = d.owner_id"                                          \
	" LEFT JOIN dossier_filing f ON f.dossier_id = d.id"                                                 \
	" WHERE d.state = 1 AND d.receiving_unit_id IN (SELECT id FROM unit WHERE path >= ?1 AND path < ?2)" \
	" AND (?3 = 0 OR d.owner_id = ?3) AND (?4 IS NULL OR f.peer = ?4)"                                   \
	" AND (?5 = 0 OR d.submitted_at >= ?5) AND (?6 = 0 OR d.submitted_at < ?6)"

static void submission_bind(sqlite3_stmt *s, const char *lo, const char *hi, const mc_submission_query *q,
			    char addr[64])
{
	mc_sq_bind_text(s, 1, lo);
	mc_sq_bind_text(s, 2, hi);
	mc_sq_bind_int(s, 3, q->owner_id);
	if (q->peer) {
		mc_sq_copy(addr, 64, q->peer);
		mc_sq_bind_text(s, 4, addr);
	} else {
		mc_sq_bind_null(s, 4);
	}
	mc_sq_bind_int(s, 5, q->from);
	mc_sq_bind_int(s, 6, q->to);
}

int mc_sqlite_submission_list(mc_sqlite *st, mc_submission **out, size_t *n, int64_t *total,
			      const mc_submission_query *q)
{
	static const char count_sql[] = "SELECT count(*)" SUBMISSION_FROM;
	static const char sql[] =
	    "SELECT d.code, (SELECT code FROM procedure WHERE id = d.procedure_id), "
	    "d.applicant_name, d.submitted_at, d.receiving_unit_id, d.version, "
	    "coalesce(d.owner_id, 0), coalesce(u.username, ''), coalesce(f.peer, '')" SUBMISSION_FROM
	    " ORDER BY d.submitted_at, d.id LIMIT ?7";
	char lo[256], hi[256], addr[64];
	sqlite3_stmt *s = NULL;
	mc_submission *list = NULL;
	size_t len = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (q->limit < 1 || q->limit > MC_SUBMISSION_LIST_MAX) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_sq_unit_range(st, lo, hi, q->unit_id);
	if (rc == MC_ENOTFOUND) {
		rc = 0; /* an unknown unit has an empty subtree */
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, count_sql);
	if (rc)
		goto cleanup;
	submission_bind(s, lo, hi, q, addr);
	rc = mc_sq_row(st, s, "count submissions");
	if (rc < 0)
		goto cleanup;
	*total = rc ? sqlite3_column_int64(s, 0) : 0;
	mc_sq_done(s);
	s = NULL;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	submission_bind(s, lo, hi, q, addr);
	mc_sq_bind_int(s, 7, q->limit);
	list = mc_xcalloc((size_t)q->limit, sizeof *list);
	for (;;) {
		rc = mc_sq_row(st, s, "list submissions");
		if (rc != 1)
			break;
		mc_submission *x = &list[len++];
		MC_SQ_COL_FIELD(x->code, s, 0);
		MC_SQ_COL_FIELD(x->procedure_code, s, 1);
		MC_SQ_COL_FIELD(x->applicant_name, s, 2);
		x->submitted_at = sqlite3_column_int64(s, 3);
		x->receiving_unit_id = sqlite3_column_int64(s, 4);
		x->version = sqlite3_column_int64(s, 5);
		x->owner_id = sqlite3_column_int64(s, 6);
		MC_SQ_COL_FIELD(x->account, s, 7);
		MC_SQ_COL_FIELD(x->peer, s, 8);
	}
cleanup:
	mc_sq_done(s);
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}

int mc_sqlite_submission_groups(mc_sqlite *st, mc_submission_group **out, size_t *n,
				const mc_submission_query *q, bool by_peer, int limit)
{
	static const char by_account_sql[] =
	    "SELECT coalesce(u.username, ''), count(*), min(d.submitted_at), "
	    "max(d.submitted_at)" SUBMISSION_FROM
	    " GROUP BY d.owner_id ORDER BY count(*) DESC, min(d.submitted_at) LIMIT ?7";
	static const char by_peer_sql[] =
	    "SELECT coalesce(f.peer, ''), count(*), min(d.submitted_at), max(d.submitted_at)" SUBMISSION_FROM
	    " GROUP BY f.peer ORDER BY count(*) DESC, min(d.submitted_at) LIMIT ?7";
	char lo[256], hi[256], addr[64];
	sqlite3_stmt *s = NULL;
	mc_submission_group *list = NULL;
	size_t len = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (limit < 1 || limit > 100) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_sq_unit_range(st, lo, hi, q->unit_id);
	if (rc == MC_ENOTFOUND) {
		rc = 0;
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, by_peer ? by_peer_sql : by_account_sql);
	if (rc)
		goto cleanup;
	submission_bind(s, lo, hi, q, addr);
	mc_sq_bind_int(s, 7, limit);
	list = mc_xcalloc((size_t)limit, sizeof *list);
	for (;;) {
		rc = mc_sq_row(st, s, "count submissions");
		if (rc != 1)
			break;
		mc_submission_group *g = &list[len++];
		MC_SQ_COL_FIELD(g->key, s, 0);
		g->count = sqlite3_column_int64(s, 1);
		g->first_at = sqlite3_column_int64(s, 2);
		g->last_at = sqlite3_column_int64(s, 3);
	}
cleanup:
	mc_sq_done(s);
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}
