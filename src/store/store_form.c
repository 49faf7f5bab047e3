/*
 * store_form.c - the numbers (Số) of forms 02 and 04, on either engine
 * (db.h): a counter per kind, unit and year, and the number each act got
 * (migration 031). Which unit and year a form is numbered in is decided by
 * app/form_number.c.
 */
#include "store/db.h"

#include <stdlib.h>

int mc_store_form_number_take(mc_store *st, mc_form_number *n)
{
	/* As mc_store_doc_number_next: one statement, whose row lock orders the
	 * writers of the series until their transactions end. */
	static const char next_sql[] =
	    "INSERT INTO form_counter (kind, unit_id, year, last) VALUES ($1, $2, $3, 1) "
	    "ON CONFLICT (kind, unit_id, year) DO UPDATE SET last = form_counter.last + 1 RETURNING last";
	static const char add_sql[] =
	    "INSERT INTO form_number (kind, dossier_id, ref, unit_id, year, number) "
	    "VALUES ($1, $2, $3, $4, $5, $6)";
	/* Two acts of a dossier in the same second (ref is the act's time for
	 * form 02) are one paper: the number it has already. */
	static const char have_sql[] =
	    "SELECT number FROM form_number WHERE kind = $1 AND dossier_id = $2 AND ref = $3";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, have_sql);

	if (rc)
		goto cleanup;
	mc_q_int(q, 1, n->kind);
	mc_q_int(q, 2, n->dossier_id);
	mc_q_int(q, 3, n->ref);
	rc = mc_q_row(q, "read a form number");
	if (rc == 1) {
		n->number = mc_q_col_int(q, 0);
		rc = 0;
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	mc_q_done(q);
	q = NULL;
	rc = mc_db_prepare(st, &q, next_sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, n->kind);
	mc_q_int(q, 2, n->unit_id);
	mc_q_int(q, 3, n->year);
	rc = mc_q_insert_id(q, "take a form number", &n->number);
	mc_q_done(q);
	q = NULL;
	if (rc)
		goto cleanup;
	rc = mc_db_prepare(st, &q, add_sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, n->kind);
	mc_q_int(q, 2, n->dossier_id);
	mc_q_int(q, 3, n->ref);
	mc_q_int(q, 4, n->unit_id);
	mc_q_int(q, 5, n->year);
	mc_q_int(q, 6, n->number);
	rc = mc_q_try(q, "record a form number");
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_form_number_get(mc_store *st, mc_form_number *out, int kind, int64_t dossier_id, int64_t ref)
{
	static const char sql[] = "SELECT unit_id, year, number FROM form_number WHERE kind = $1 AND "
				  "dossier_id = $2 AND ref = $3";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	mc_q_int(q, 1, kind);
	mc_q_int(q, 2, dossier_id);
	mc_q_int(q, 3, ref);
	rc = mc_q_row(q, "read a form number");
	if (rc == 1) {
		*out = (mc_form_number){.kind = kind,
					.dossier_id = dossier_id,
					.ref = ref,
					.unit_id = mc_q_col_int(q, 0),
					.year = (int)mc_q_col_int(q, 1),
					.number = mc_q_col_int(q, 2)};
		rc = 0;
	} else if (rc == 0) {
		rc = MC_ENOTFOUND;
	}
cleanup:
	mc_q_done(q);
	return rc;
}
