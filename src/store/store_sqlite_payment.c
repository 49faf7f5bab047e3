/*
 * store_sqlite_payment.c - payments of fees in the SQLite store (see store.h
 * and docs/payments.md).
 */
#include "store/store_sqlite_int.h"

#include <stdio.h>

#define PAYMENT_COLS                                                                                         \
	"p.id, p.province_code, p.dossier_id, d.code, p.reference, p.amount, p.currency, p.state, "          \
	"p.created_at, "                                                                                     \
	"coalesce(p.paid_at, 0), p.provider, p.provider_txn, p.receipt"

static void payment_read(mc_payment *p, sqlite3_stmt *s)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(s, 0);
	MC_SQ_COL_FIELD(p->province_code, s, 1);
	p->dossier_id = sqlite3_column_int64(s, 2);
	MC_SQ_COL_FIELD(p->dossier_code, s, 3);
	MC_SQ_COL_FIELD(p->reference, s, 4);
	p->amount = sqlite3_column_int64(s, 5);
	MC_SQ_COL_FIELD(p->currency, s, 6);
	MC_SQ_COL_FIELD(p->state, s, 7);
	p->created_at = sqlite3_column_int64(s, 8);
	p->paid_at = sqlite3_column_int64(s, 9);
	MC_SQ_COL_FIELD(p->provider, s, 10);
	MC_SQ_COL_FIELD(p->provider_txn, s, 11);
	MC_SQ_COL_FIELD(p->receipt, s, 12);
}

int mc_sqlite_payment_create(mc_sqlite *st, mc_payment *p)
{
	static const char sql[] =
	    "INSERT INTO payment (province_code, dossier_id, reference, amount, created_at) "
	    "VALUES (coalesce((SELECT province_code FROM dossier WHERE id = ?1), ''), ?1, ?2, ?3, ?4)";
	sqlite3_stmt *s = NULL;
	int rc = MC_EINVAL;

	if (p->amount <= 0 || !p->reference[0])
		goto cleanup;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, p->dossier_id);
	MC_SQ_BIND_FIELD(s, 2, p->reference);
	mc_sq_bind_int(s, 3, p->amount);
	mc_sq_bind_int(s, 4, p->created_at);
	rc = mc_sq_exec(st, s, "record payment");
	if (rc == 0) {
		p->id = sqlite3_last_insert_rowid(st->db);
		snprintf(p->state, sizeof(p->state), "pending");
		snprintf(p->currency, sizeof(p->currency), "VND");
	}
cleanup:
	mc_sq_done(s);
	return rc;
}

static int read_one(mc_sqlite *st, sqlite3_stmt *s, mc_payment *out, const char *what)
{
	int rc = mc_sq_row(st, s, what);

	if (rc == 0)
		return MC_ENOTFOUND;
	if (rc < 0)
		return rc;
	payment_read(out, s);
	return 0;
}

int mc_sqlite_payment_by_reference(mc_sqlite *st, mc_payment *out, const char *reference)
{
	static const char sql[] =
	    "SELECT " PAYMENT_COLS
	    " FROM payment p JOIN dossier d ON d.id = p.dossier_id WHERE p.reference = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, reference);
	rc = read_one(st, s, out, "read payment");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_payment_latest(mc_sqlite *st, mc_payment *out, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT " PAYMENT_COLS " FROM payment p JOIN dossier d ON d.id = p.dossier_id "
	    "WHERE p.dossier_id = ?1 ORDER BY p.id DESC LIMIT 1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, dossier_id);
	rc = read_one(st, s, out, "read the dossier's payment");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_payment_settle(mc_sqlite *st, const mc_payment *p)
{
	static const char sql[] =
	    "UPDATE payment SET state = ?2, paid_at = ?3, provider = ?4, provider_txn = ?5, receipt = ?6 "
	    "WHERE id = ?1 AND state = 'pending'";
	sqlite3_stmt *s = NULL;
	int rc = MC_EINVAL;

	if (strcmp(p->state, "paid") != 0 && strcmp(p->state, "failed") != 0 &&
	    strcmp(p->state, "cancelled") != 0)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, p->id);
	MC_SQ_BIND_FIELD(s, 2, p->state);
	mc_sq_bind_int(s, 3, p->paid_at);
	MC_SQ_BIND_FIELD(s, 4, p->provider);
	MC_SQ_BIND_FIELD(s, 5, p->provider_txn);
	MC_SQ_BIND_FIELD(s, 6, p->receipt);
	rc = mc_sq_exec(st, s, "settle payment");
	if (rc == 0 && sqlite3_changes(st->db) != 1)
		rc = MC_ECONFLICT;
cleanup:
	mc_sq_done(s);
	return rc;
}
