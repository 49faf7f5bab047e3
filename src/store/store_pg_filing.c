/*
 * store_pg_filing.c - who filed each online submission and from where,
 * counted for the filing limits (app/filing.h), and the desk's view of the
 * submissions waiting for it, in the PostgreSQL store.
 */
#include "store/store_pg_int.h"

#include <stdlib.h>

/* The address as the column holds it: at most 63 bytes, cut at a character
 * boundary (the app layer passes plain ASCII; this only keeps the text valid). */
static void peer_copy(char out[64], const char *peer)
{
	size_t n = strlen(peer);
	if (n > 63) {
		n = 63;
		while (n > 0 && ((unsigned char)peer[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, peer, n);
	out[n] = '\0';
}

int mc_pg_filing_record(mc_pg *st, int64_t dossier_id, int64_t user_id, const char *peer, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO dossier_filing (dossier_id, province_code, user_id, peer, at) VALUES ($1::bigint, "
	    "coalesce((SELECT province_code FROM dossier WHERE id = $1::bigint), ''), $2::bigint, $3::text, "
	    "$4::bigint)";
	struct mc_pq_params p = {0};
	char addr[64];
	int rc;

	peer_copy(addr, peer ? peer : "");
	mc_pq_set_int(&p, 1, dossier_id);
	mc_pq_set_int(&p, 2, user_id);
	mc_pq_set_text(&p, 3, addr);
	mc_pq_set_int(&p, 4, at);
	rc = mc_pq_write(st, NULL, sql, &p, "record filing");
	mc_pq_params_clear(&p);
	return rc;
}

/*
 * Servers sharing the database each run their own write transaction: without
 * a lock two of them could both count 49 filings of one account and both
 * file the 50th. Transaction-level advisory locks on the account and on the
 * address (keys hashed from "filing:u:<id>" and "filing:a:<address>"; a
 * collision only makes two subjects wait for each other) are held until the
 * commit, so the second server counts after the first has recorded. Two
 * batches that take them in opposite orders deadlock; PostgreSQL then fails
 * one statement (40P01, MC_EBUSY: that request answers 503 and may retry).
 */
int mc_pg_filing_lock(mc_pg *st, int64_t user_id, const char *peer)
{
	static const char sql[] =
	    "SELECT pg_advisory_xact_lock(hashtextextended('filing:u:' || $1::bigint, 0)), "
	    "pg_advisory_xact_lock(hashtextextended('filing:a:' || $2::text, 0))";
	struct mc_pq_params p = {0};
	char addr[64];
	int rc;

	peer_copy(addr, peer ? peer : "");
	mc_pq_set_int(&p, 1, user_id);
	mc_pq_set_text(&p, 2, addr);
	rc = mc_pq_write(st, NULL, sql, &p, "lock filing counts");
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_filing_nth(mc_pg *st, int64_t *out, int64_t user_id, const char *peer, int64_t since, int n)
{
	static const char by_user[] =
	    "SELECT at FROM dossier_filing WHERE user_id = $1::bigint AND at >= $2::bigint "
	    "ORDER BY at DESC LIMIT 1 OFFSET $3::integer";
	static const char by_peer[] =
	    "SELECT at FROM dossier_filing WHERE peer = $1::text AND at >= $2::bigint "
	    "ORDER BY at DESC LIMIT 1 OFFSET $3::integer";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char addr[64];
	int rc;

	if (n < 1 || (peer == NULL) == (user_id == 0))
		return MC_EINVAL;
	if (peer) {
		peer_copy(addr, peer);
		mc_pq_set_text(&p, 1, addr);
	} else {
		mc_pq_set_int(&p, 1, user_id);
	}
	mc_pq_set_int(&p, 2, since);
	mc_pq_set_int(&p, 3, n - 1);
	rc = mc_pq_run(st, &r, peer ? by_peer : by_user, &p, "count filings");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		*out = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

/* As in store_sqlite_filing.c: $1, $2 the receiving unit's subtree, $3 the
 * account (0 any), $4 the address (NULL any), $5 and $6 the period. */
#define SUBMISSION_FROM                                                                                      \
	" FROM dossier d LEFT JOIN app_user u ON u.id = d.owner_id"                                          \
	" LEFT JOIN dossier_filing f ON f.dossier_id = d.id"                                                 \
	" WHERE d.state = 1 AND d.receiving_unit_id IN (SELECT id FROM unit WHERE path >= $1::text"          \
	" AND path < $2::text) AND ($3::bigint = 0 OR d.owner_id = $3::bigint)"                              \
	" AND ($4::text IS NULL OR f.peer = $4::text)"                                                       \
	" AND ($5::bigint = 0 OR d.submitted_at >= $5::bigint) AND ($6::bigint = 0 OR d.submitted_at < "     \
	"$6::bigint)"

static void submission_params(struct mc_pq_params *p, const char *lo, const char *hi,
			      const mc_submission_query *q, char addr[64])
{
	mc_pq_set_text(p, 1, lo);
	mc_pq_set_text(p, 2, hi);
	mc_pq_set_int(p, 3, q->owner_id);
	if (q->peer) {
		peer_copy(addr, q->peer);
		mc_pq_set_text(p, 4, addr);
	} else {
		mc_pq_set_null(p, 4);
	}
	mc_pq_set_int(p, 5, q->from);
	mc_pq_set_int(p, 6, q->to);
}

int mc_pg_submission_list(mc_pg *st, mc_submission **out, size_t *n, int64_t *total,
			  const mc_submission_query *q)
{
	static const char count_sql[] = "SELECT count(*)" SUBMISSION_FROM;
	static const char sql[] =
	    "SELECT d.code, (SELECT code FROM procedure WHERE id = d.procedure_id), "
	    "d.applicant_name, d.submitted_at, d.receiving_unit_id, d.version, "
	    "coalesce(d.owner_id, 0), coalesce(u.username, ''), coalesce(f.peer, '')" SUBMISSION_FROM
	    " ORDER BY d.submitted_at, d.id LIMIT $7::integer";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char lo[256], hi[256], addr[64];
	mc_submission *list = NULL;
	int rows = 0;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (q->limit < 1 || q->limit > MC_SUBMISSION_LIST_MAX)
		return MC_EINVAL;
	rc = mc_pq_unit_range(st, lo, hi, q->unit_id);
	if (rc == MC_ENOTFOUND)
		return 0; /* an unknown unit has an empty subtree */
	if (rc)
		return rc;
	submission_params(&p, lo, hi, q, addr);
	rc = mc_pq_run(st, &r, count_sql, &p, "count submissions");
	if (rc)
		goto cleanup;
	*total = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	r = NULL;
	mc_pq_set_int(&p, 7, q->limit);
	rc = mc_pq_run(st, &r, sql, &p, "list submissions");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	list = mc_xcalloc(rows ? (size_t)rows : 1, sizeof *list);
	for (int i = 0; i < rows; i++) {
		mc_submission *x = &list[i];
		MC_PQ_GET_FIELD(x->code, r, i, 0);
		MC_PQ_GET_FIELD(x->procedure_code, r, i, 1);
		MC_PQ_GET_FIELD(x->applicant_name, r, i, 2);
		x->submitted_at = mc_pq_get_i64(r, i, 3);
		x->receiving_unit_id = mc_pq_get_i64(r, i, 4);
		x->version = mc_pq_get_i64(r, i, 5);
		x->owner_id = mc_pq_get_i64(r, i, 6);
		MC_PQ_GET_FIELD(x->account, r, i, 7);
		MC_PQ_GET_FIELD(x->peer, r, i, 8);
	}
	*out = list;
	*n = (size_t)rows;
	list = NULL;
cleanup:
	free(list);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_submission_groups(mc_pg *st, mc_submission_group **out, size_t *n, const mc_submission_query *q,
			    bool by_peer, int limit)
{
	static const char by_account_sql[] =
	    "SELECT coalesce(u.username, ''), count(*), min(d.submitted_at), "
	    "max(d.submitted_at)" SUBMISSION_FROM
	    " GROUP BY d.owner_id, u.username ORDER BY count(*) DESC, min(d.submitted_at) LIMIT $7::integer";
	static const char by_peer_sql[] =
	    "SELECT coalesce(f.peer, ''), count(*), min(d.submitted_at), max(d.submitted_at)" SUBMISSION_FROM
	    " GROUP BY f.peer ORDER BY count(*) DESC, min(d.submitted_at) LIMIT $7::integer";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char lo[256], hi[256], addr[64];
	int rows = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit < 1 || limit > 100)
		return MC_EINVAL;
	rc = mc_pq_unit_range(st, lo, hi, q->unit_id);
	if (rc == MC_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	submission_params(&p, lo, hi, q, addr);
	mc_pq_set_int(&p, 7, limit);
	rc = mc_pq_run(st, &r, by_peer ? by_peer_sql : by_account_sql, &p, "count submissions");
	if (rc == 0) {
		rows = PQntuples(r);
		mc_submission_group *list = mc_xcalloc(rows ? (size_t)rows : 1, sizeof *list);
		for (int i = 0; i < rows; i++) {
			MC_PQ_GET_FIELD(list[i].key, r, i, 0);
			list[i].count = mc_pq_get_i64(r, i, 1);
			list[i].first_at = mc_pq_get_i64(r, i, 2);
			list[i].last_at = mc_pq_get_i64(r, i, 3);
		}
		*out = list;
		*n = (size_t)rows;
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}
