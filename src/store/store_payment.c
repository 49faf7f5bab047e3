/*
 * store_payment.c - payments of fees, on either engine (db.h; see store.h and
 * docs/payments.md). The store records; what a payment must be and what a
 * confirmation must match are app/payment.c's rules.
 */
#include "store/db.h"

#include <stdlib.h>

#define PAYMENT_COLS                                                                                         \
	"p.id, p.province_code, p.dossier_id, d.code AS dossier_code, p.reference, p.amount, p.currency, "   \
	"p.state, p.created_at, coalesce(p.paid_at, 0) AS paid_at, p.provider, p.provider_txn, p.receipt"

static const mc_col payment_cols[] = {
    MC_COL(MC_COL_I64, mc_payment, id, "id"),
    MC_COL(MC_COL_STR, mc_payment, province_code, "province_code"),
    MC_COL(MC_COL_I64, mc_payment, dossier_id, "dossier_id"),
    MC_COL(MC_COL_STR, mc_payment, dossier_code, "dossier_code"),
    MC_COL(MC_COL_STR, mc_payment, reference, "reference"),
    MC_COL(MC_COL_I64, mc_payment, amount, "amount"),
    MC_COL(MC_COL_STR, mc_payment, currency, "currency"),
    MC_COL(MC_COL_STR, mc_payment, state, "state"),
    MC_COL(MC_COL_I64, mc_payment, created_at, "created_at"),
    MC_COL(MC_COL_I64, mc_payment, paid_at, "paid_at"),
    MC_COL(MC_COL_STR, mc_payment, provider, "provider"),
    MC_COL(MC_COL_STR, mc_payment, provider_txn, "provider_txn"),
    MC_COL(MC_COL_STR, mc_payment, receipt, "receipt"),
};

void mc_payment_clear(mc_payment *p)
{
	mc_row_clear(payment_cols, MC_ARRAY_LEN(payment_cols), p, sizeof *p);
}

/* An owned copy of s, "" for NULL. */
static char *dup_or_empty(const char *s)
{
	return mc_xstrdup(s ? s : "");
}

void mc_payment_copy(mc_payment *dst, const mc_payment *src)
{
	mc_payment copy = *src;

	copy.province_code = dup_or_empty(src->province_code);
	copy.dossier_code = dup_or_empty(src->dossier_code);
	copy.reference = dup_or_empty(src->reference);
	copy.currency = dup_or_empty(src->currency);
	copy.state = dup_or_empty(src->state);
	copy.provider = dup_or_empty(src->provider);
	copy.provider_txn = dup_or_empty(src->provider_txn);
	copy.receipt = dup_or_empty(src->receipt);
	mc_payment_clear(dst);
	*dst = copy;
}

int mc_store_payment_create(mc_store *st, mc_payment *p)
{
	/* The state and currency are the table's defaults: pending, VND. */
	static const char sql[] =
	    "INSERT INTO payment (province_code, dossier_id, reference, amount, created_at) "
	    "VALUES (coalesce((SELECT province_code FROM dossier WHERE id = $1), ''), $1, $2, $3, $4) "
	    "RETURNING id, state, currency";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	mc_q_int(q, 1, p->dossier_id);
	mc_q_text(q, 2, p->reference);
	mc_q_int(q, 3, p->amount);
	mc_q_int(q, 4, p->created_at);
	/* A payment pending already, a reference taken, an unknown dossier: answers. */
	rc = mc_q_try_row(q, "record payment");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc == 1) {
		p->id = mc_q_col_int(q, 0);
		free(p->state);
		p->state = mc_q_col_dup(q, 1);
		free(p->currency);
		p->currency = mc_q_col_dup(q, 2);
		rc = 0;
	}
cleanup:
	mc_q_done(q);
	return rc;
}

/* The one payment a query with key as $1 finds; MC_ENOTFOUND when none. */
static int payment_one(mc_store *st, mc_payment *out, const char *sql, mc_arg key, const char *what)
{
	mc_payment row = {0};
	int rc = mc_db_read(st, sql, what, MC_COLS(payment_cols), &row, &key, 1);
	if (rc == 0)
		*out = row;
	else
		mc_payment_clear(&row);
	return rc;
}

int mc_store_payment_by_reference(mc_store *st, mc_payment *out, const char *reference)
{
	static const char sql[] =
	    "SELECT " PAYMENT_COLS
	    " FROM payment p JOIN dossier d ON d.id = p.dossier_id WHERE p.reference = $1";
	return payment_one(st, out, sql, MC_T(reference), "read payment");
}

int mc_store_payment_latest(mc_store *st, mc_payment *out, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT " PAYMENT_COLS " FROM payment p JOIN dossier d ON d.id = p.dossier_id "
	    "WHERE p.dossier_id = $1 ORDER BY p.id DESC LIMIT 1";
	return payment_one(st, out, sql, MC_I(dossier_id), "read the dossier's payment");
}

int mc_store_payment_list(mc_store *st, mc_payment **out, size_t *n, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT " PAYMENT_COLS " FROM payment p JOIN dossier d ON d.id = p.dossier_id "
	    "WHERE p.dossier_id = $1 ORDER BY p.id";
	return mc_db_read_list_by(st, sql, dossier_id, "list the dossier's payments", payment_cols,
				  MC_ARRAY_LEN(payment_cols), sizeof **out, out, n);
}

int mc_store_payment_settle(mc_store *st, const mc_payment *p)
{
	/* Only a pending payment is settled, once: the second of two racing
	 * confirmations changes no row. */
	static const char sql[] =
	    "UPDATE payment SET state = $2, paid_at = $3, provider = $4, provider_txn = $5, receipt = $6 "
	    "WHERE id = $1 AND state = 'pending'";
	return mc_db_change(
	    st, sql, "settle payment", MC_ONE, MC_ECONFLICT,
	    MC_ARGS(MC_I(p->id), MC_T(p->state), MC_I(p->paid_at), MC_T(p->provider ? p->provider : ""),
		    MC_T(p->provider_txn ? p->provider_txn : ""), MC_T(p->receipt ? p->receipt : "")));
}
