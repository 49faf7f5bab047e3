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
	static const mc_col have_cols[] = {MC_COL(MC_COL_I64, mc_form_number, number, "number")};
	mc_q *q = NULL;
	int rc = mc_db_read(st, have_sql, "read a form number", MC_COLS(have_cols), n,
			    MC_ARGS(MC_I(n->kind), MC_I(n->dossier_id), MC_I(n->ref)));

	if (rc != MC_ENOTFOUND)
		return rc;
	rc = mc_db_prepare(st, &q, next_sql);
	if (rc == 0) {
		mc_q_int(q, 1, n->kind);
		mc_q_int(q, 2, n->unit_id);
		mc_q_int(q, 3, n->year);
		rc = mc_q_insert_id(q, "take a form number", &n->number);
	}
	mc_q_done(q);
	if (rc)
		return rc;
	return mc_db_try(st, add_sql, "record a form number",
			 MC_ARGS(MC_I(n->kind), MC_I(n->dossier_id), MC_I(n->ref), MC_I(n->unit_id),
				 MC_I(n->year), MC_I(n->number)));
}

static const mc_col form_number_cols[] = {
    MC_COL(MC_COL_I64, mc_form_number, unit_id, "unit_id"),
    MC_COL(MC_COL_INT, mc_form_number, year, "year"),
    MC_COL(MC_COL_I64, mc_form_number, number, "number"),
};

int mc_store_form_number_get(mc_store *st, mc_form_number *out, int kind, int64_t dossier_id, int64_t ref)
{
	static const char sql[] = "SELECT unit_id, year, number FROM form_number WHERE kind = $1 AND "
				  "dossier_id = $2 AND ref = $3";
	mc_form_number row = {.kind = kind, .dossier_id = dossier_id, .ref = ref};
	int rc = mc_db_read(st, sql, "read a form number", MC_COLS(form_number_cols), &row,
			    MC_ARGS(MC_I(kind), MC_I(dossier_id), MC_I(ref)));

	if (rc == 0)
		*out = row;
	return rc;
}
