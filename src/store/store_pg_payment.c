/*
 * store_pg_payment.c - payments of fees in the PostgreSQL store (see store.h
 * and docs/payments.md).
 */
#include "store/store_pg_int.h"

#include <stdio.h>

#define PAYMENT_COLS                                                                                         \
	"p.id, p.province_code, p.dossier_id, d.code, p.reference, p.amount, p.currency, p.state, "          \
	"p.created_at, coalesce(p.paid_at, 0), p.provider, p.provider_txn, p.receipt"

static void payment_read(mc_payment *x, const PGresult *r)
{
	memset(x, 0, sizeof(*x));
	x->id = mc_pq_get_i64(r, 0, 0);
	MC_PQ_GET_FIELD(x->province_code, r, 0, 1);
	x->dossier_id = mc_pq_get_i64(r, 0, 2);
	MC_PQ_GET_FIELD(x->dossier_code, r, 0, 3);
	MC_PQ_GET_FIELD(x->reference, r, 0, 4);
	x->amount = mc_pq_get_i64(r, 0, 5);
	MC_PQ_GET_FIELD(x->currency, r, 0, 6);
	MC_PQ_GET_FIELD(x->state, r, 0, 7);
	x->created_at = mc_pq_get_i64(r, 0, 8);
	x->paid_at = mc_pq_get_i64(r, 0, 9);
	MC_PQ_GET_FIELD(x->provider, r, 0, 10);
	MC_PQ_GET_FIELD(x->provider_txn, r, 0, 11);
	MC_PQ_GET_FIELD(x->receipt, r, 0, 12);
}

int mc_pg_payment_create(mc_pg *st, mc_payment *x)
{
	static const char sql[] =
	    "INSERT INTO payment (province_code, dossier_id, reference, amount, created_at) VALUES "
	    "(coalesce((SELECT province_code FROM dossier WHERE id = $1::bigint), ''), $1::bigint, $2::text, "
	    "$3::bigint, $4::bigint) RETURNING id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	if (x->amount <= 0 || !x->reference[0])
		return MC_EINVAL;
	mc_pq_set_int(&p, 1, x->dossier_id);
	MC_PQ_SET_FIELD(&p, 2, x->reference);
	mc_pq_set_int(&p, 3, x->amount);
	mc_pq_set_int(&p, 4, x->created_at);
	rc = mc_pq_write(st, &r, sql, &p, "record payment");
	if (rc == 0) {
		x->id = mc_pq_get_i64(r, 0, 0);
		snprintf(x->state, sizeof(x->state), "pending");
		snprintf(x->currency, sizeof(x->currency), "VND");
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

static int read_one(mc_pg *st, mc_payment *out, const char *sql, struct mc_pq_params *p, const char *what)
{
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, sql, p, what);

	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		payment_read(out, r);
	PQclear(r);
	mc_pq_params_clear(p);
	return rc;
}

int mc_pg_payment_by_reference(mc_pg *st, mc_payment *out, const char *reference)
{
	static const char sql[] =
	    "SELECT " PAYMENT_COLS
	    " FROM payment p JOIN dossier d ON d.id = p.dossier_id WHERE p.reference = $1::text";
	struct mc_pq_params p = {0};

	mc_pq_set_text(&p, 1, reference);
	return read_one(st, out, sql, &p, "read payment");
}

int mc_pg_payment_latest(mc_pg *st, mc_payment *out, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT " PAYMENT_COLS " FROM payment p JOIN dossier d ON d.id = p.dossier_id "
	    "WHERE p.dossier_id = $1::bigint ORDER BY p.id DESC LIMIT 1";
	struct mc_pq_params p = {0};

	mc_pq_set_int(&p, 1, dossier_id);
	return read_one(st, out, sql, &p, "read the dossier's payment");
}

int mc_pg_payment_settle(mc_pg *st, const mc_payment *x)
{
	static const char sql[] =
	    "UPDATE payment SET state = $2::text, paid_at = $3::bigint, provider = $4::text, "
	    "provider_txn = $5::text, receipt = $6::text WHERE id = $1::bigint AND state = 'pending'";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	if (strcmp(x->state, "paid") != 0 && strcmp(x->state, "failed") != 0 &&
	    strcmp(x->state, "cancelled") != 0)
		return MC_EINVAL;
	mc_pq_set_int(&p, 1, x->id);
	MC_PQ_SET_FIELD(&p, 2, x->state);
	mc_pq_set_int(&p, 3, x->paid_at);
	MC_PQ_SET_FIELD(&p, 4, x->provider);
	MC_PQ_SET_FIELD(&p, 5, x->provider_txn);
	MC_PQ_SET_FIELD(&p, 6, x->receipt);
	rc = mc_pq_write(st, &r, sql, &p, "settle payment");
	if (rc == 0 && mc_pq_changes(r) != 1)
		rc = MC_ECONFLICT;
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}
