/*
 * store_filing.c - who filed each online submission and from where, counted
 * for the filing limits (app/filing.h), and the desk's view of the
 * submissions waiting for it, on either engine (db.h).
 */
#include "store/db.h"

#include "core/dossier.h"
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

/* The address as the column holds it: at most 63 bytes, cut at a character
 * boundary (the app layer passes plain ASCII; this only keeps the text
 * valid). Recorded and counted the same way. */
static void peer_copy(char out[64], const char *peer)
{
	mc_text_cut(out, 64, peer);
}

int mc_store_filing_record(mc_store *st, int64_t dossier_id, int64_t user_id, const char *peer, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO dossier_filing (dossier_id, province_code, user_id, peer, at) "
	    "VALUES ($1, coalesce((SELECT province_code FROM dossier WHERE id = $1), ''), "
	    "$2, $3, $4)";
	char addr[64];

	peer_copy(addr, peer ? peer : "");
	/* A second record or an unknown account is an answer. */
	return mc_db_try(st, sql, "record filing",
			 MC_ARGS(MC_I(dossier_id), MC_I(user_id), MC_T(addr), MC_I(at)));
}

/*
 * Per engine. SQLite: nothing to do, the write transaction (BEGIN IMMEDIATE)
 * holds the whole database until the commit, for every process on the file.
 * PostgreSQL: servers sharing the database each run their own write
 * transaction, and without a lock two of them could both count 49 filings of
 * one account and both file the 50th. Transaction-level advisory locks on the
 * account and on the address (keys hashed from "filing:u:<id>" and
 * "filing:a:<address>"; a collision only makes two subjects wait for each
 * other) are held until the commit, so the second server counts after the
 * first has recorded. Two batches that take them in opposite orders
 * deadlock; PostgreSQL then fails one statement (40P01, MC_EBUSY: that
 * request answers 503 and may retry).
 */
int mc_store_filing_lock(mc_store *st, int64_t user_id, const char *peer)
{
	static const char sql_pg[] =
	    "SELECT pg_advisory_xact_lock(hashtextextended('filing:u:' || CAST($1 AS TEXT), 0)), "
	    "pg_advisory_xact_lock(hashtextextended('filing:a:' || $2, 0))";
	char addr[64];

	if (!mc_db_is_pg(st))
		return 0;
	peer_copy(addr, peer ? peer : "");
	return mc_db_run(st, sql_pg, "lock filing counts", MC_ARGS(MC_I(user_id), MC_T(addr)));
}

int mc_store_filing_nth(mc_store *st, int64_t *out, int64_t user_id, const char *peer, int64_t since, int n)
{
	static const char by_user[] = "SELECT at FROM dossier_filing WHERE user_id = $1 AND at >= $2 "
				      "ORDER BY at DESC LIMIT 1 OFFSET $3";
	static const char by_peer[] = "SELECT at FROM dossier_filing WHERE peer = $1 AND at >= $2 "
				      "ORDER BY at DESC LIMIT 1 OFFSET $3";
	char addr[64];
	mc_q *q = NULL;
	int rc;

	if (n < 1 || (peer == NULL) == (user_id == 0))
		return MC_EINVAL;
	rc = mc_db_prepare(st, &q, peer ? by_peer : by_user);
	if (rc)
		goto cleanup;
	if (peer) {
		peer_copy(addr, peer);
		mc_q_text(q, 1, addr);
	} else {
		mc_q_int(q, 1, user_id);
	}
	mc_q_int(q, 2, since);
	mc_q_int(q, 3, n - 1);
	rc = mc_q_row(q, "count filings");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc == 1) {
		*out = mc_q_col_int(q, 0);
		rc = 0;
	}
cleanup:
	mc_q_done(q);
	return rc;
}

/* The submissions of a query: $1, $2 the subtree's path range (receiving
 * unit), $3 the account (0 any), $4 the address (NULL any), $5 and $6 the
 * period of submission (0 unbounded). Driven by the receiving unit and the
 * state, as the desk's queue is (index dossier_receiving). */
/* clang-format off */
#define SUBMISSION_FROM \
	" FROM dossier d LEFT JOIN app_user u ON u.id = d.owner_id" \
	" LEFT JOIN dossier_filing f ON f.dossier_id = d.id" \
	" WHERE d.state = " MC_SQL_STATE(SUBMITTED) \
	" AND d.receiving_unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2)" \
	" AND ($3 = 0 OR d.owner_id = $3) AND ($4 IS NULL OR f.peer = $4)" \
	" AND ($5 = 0 OR d.submitted_at >= $5) AND ($6 = 0 OR d.submitted_at < $6)"
/* clang-format on */

/* $1 .. $6 of SUBMISSION_FROM bound; MC_ENOTFOUND for an unknown unit. */
static int submission_prepare(mc_store *st, mc_q **q, const char *sql, const mc_submission_query *sq)
{
	char addr[64];
	int rc = mc_db_prepare_in_unit(st, q, sql, sq->unit_id);

	if (rc)
		return rc;
	mc_q_int(*q, 3, sq->owner_id);
	if (sq->peer)
		peer_copy(addr, sq->peer);
	mc_q_text(*q, 4, sq->peer ? addr : NULL);
	mc_q_int(*q, 5, sq->from);
	mc_q_int(*q, 6, sq->to);
	return 0;
}

void mc_submission_free_list(mc_submission *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++) {
		free(list[i].code);
		free(list[i].procedure_code);
		free(list[i].applicant_name);
		free(list[i].account);
		free(list[i].peer);
	}
	free(list);
}

void mc_submission_group_free_list(mc_submission_group *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		free(list[i].key);
	free(list);
}

int mc_store_submission_list(mc_store *st, mc_submission **out, size_t *n, int64_t *total,
			     const mc_submission_query *sq)
{
	static const char count_sql[] = "SELECT count(*)" SUBMISSION_FROM;
	static const char sql[] =
	    "SELECT d.code, (SELECT code FROM procedure WHERE id = d.procedure_id) AS procedure_code, "
	    "d.applicant_name, d.submitted_at, d.receiving_unit_id, d.version, "
	    "coalesce(d.owner_id, 0) AS owner_id, coalesce(u.username, '') AS account, "
	    "coalesce(f.peer, '') AS peer" SUBMISSION_FROM " ORDER BY d.submitted_at, d.id LIMIT $7";
	static const mc_col cols[] = {
	    MC_COL(MC_COL_STR, mc_submission, code, "code"),
	    MC_COL(MC_COL_STR, mc_submission, procedure_code, "procedure_code"),
	    MC_COL(MC_COL_STR, mc_submission, applicant_name, "applicant_name"),
	    MC_COL(MC_COL_I64, mc_submission, submitted_at, "submitted_at"),
	    MC_COL(MC_COL_I64, mc_submission, receiving_unit_id, "receiving_unit_id"),
	    MC_COL(MC_COL_I64, mc_submission, version, "version"),
	    MC_COL(MC_COL_I64, mc_submission, owner_id, "owner_id"),
	    MC_COL(MC_COL_STR, mc_submission, account, "account"),
	    MC_COL(MC_COL_STR, mc_submission, peer, "peer"),
	};
	mc_q *q = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (sq->limit < 1 || sq->limit > MC_SUBMISSION_LIST_MAX)
		return MC_EINVAL;
	rc = submission_prepare(st, &q, count_sql, sq);
	if (rc)
		goto cleanup;
	rc = mc_q_row(q, "count submissions");
	if (rc < 0)
		goto cleanup;
	*total = rc ? mc_q_col_int(q, 0) : 0;
	mc_q_done(q);
	q = NULL;
	rc = submission_prepare(st, &q, sql, sq);
	if (rc)
		goto cleanup;
	mc_q_int(q, 7, sq->limit);
	rc = mc_q_read_list(q, "list submissions", cols, MC_ARRAY_LEN(cols), sizeof **out, out, n);
cleanup:
	mc_q_done(q);
	if (rc == MC_ENOTFOUND)
		rc = 0; /* an unknown unit has an empty subtree */
	return rc < 0 ? rc : 0;
}

int mc_store_submission_groups(mc_store *st, mc_submission_group **out, size_t *n,
			       const mc_submission_query *sq, bool by_peer, int limit)
{
	static const char by_account_sql[] =
	    "SELECT coalesce(u.username, '') AS group_key, count(*) AS group_count, "
	    "min(d.submitted_at) AS first_at, max(d.submitted_at) AS last_at" SUBMISSION_FROM
	    " GROUP BY d.owner_id, u.username ORDER BY count(*) DESC, min(d.submitted_at) LIMIT $7";
	static const char by_peer_sql[] =
	    "SELECT coalesce(f.peer, '') AS group_key, count(*) AS group_count, "
	    "min(d.submitted_at) AS first_at, max(d.submitted_at) AS last_at" SUBMISSION_FROM
	    " GROUP BY f.peer ORDER BY count(*) DESC, min(d.submitted_at) LIMIT $7";
	static const mc_col cols[] = {
	    MC_COL(MC_COL_STR, mc_submission_group, key, "group_key"),
	    MC_COL(MC_COL_I64, mc_submission_group, count, "group_count"),
	    MC_COL(MC_COL_I64, mc_submission_group, first_at, "first_at"),
	    MC_COL(MC_COL_I64, mc_submission_group, last_at, "last_at"),
	};
	mc_q *q = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit < 1 || limit > 100)
		return MC_EINVAL;
	rc = submission_prepare(st, &q, by_peer ? by_peer_sql : by_account_sql, sq);
	if (rc)
		goto cleanup;
	mc_q_int(q, 7, limit);
	rc = mc_q_read_list(q, "count submissions", cols, MC_ARRAY_LEN(cols), sizeof **out, out, n);
cleanup:
	mc_q_done(q);
	if (rc == MC_ENOTFOUND)
		rc = 0;
	return rc < 0 ? rc : 0;
}
