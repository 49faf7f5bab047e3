/*
 * store_apology.c - apologies for late dossiers (QĐ 876/2017), on either
 * engine (db.h): prepared, issued, and the public register of the issued
 * ones. When an apology is due and which new appointment it may give are
 * decided by app/apology.c; the store keeps them.
 */
#include "store/db.h"

#include "core/stats.h"
#include "store/store_rollup.h"

#include <stdlib.h>
#include <string.h>

#define APOLOGY_COLS                                                                                         \
	"a.id, a.province_code, a.dossier_id, a.unit_id, a.reason, a.old_due, a.new_due, "                   \
	"coalesce(a.prepared_by, 0) AS prepared_by, a.prepared_by_name, a.prepared_at, "                     \
	"coalesce(a.issued_by, 0) AS issued_by, a.issued_by_name, a.issued_at, a.signed_as, "                \
	"coalesce(a.document_id, 0) AS document_id"

#define APOLOGY_READ(st_, a_)                                                                                \
	MC_COL(MC_COL_I64, st_, a_ id, "id"), MC_COL(MC_COL_STR, st_, a_ province_code, "province_code"),    \
	    MC_COL(MC_COL_I64, st_, a_ dossier_id, "dossier_id"),                                            \
	    MC_COL(MC_COL_I64, st_, a_ unit_id, "unit_id"), MC_COL(MC_COL_STR, st_, a_ reason, "reason"),    \
	    MC_COL(MC_COL_I64, st_, a_ old_due, "old_due"), MC_COL(MC_COL_I64, st_, a_ new_due, "new_due"),  \
	    MC_COL(MC_COL_I64, st_, a_ prepared_by, "prepared_by"),                                          \
	    MC_COL(MC_COL_STR, st_, a_ prepared_by_name, "prepared_by_name"),                                \
	    MC_COL(MC_COL_I64, st_, a_ prepared_at, "prepared_at"),                                          \
	    MC_COL(MC_COL_I64, st_, a_ issued_by, "issued_by"),                                              \
	    MC_COL(MC_COL_STR, st_, a_ issued_by_name, "issued_by_name"),                                    \
	    MC_COL(MC_COL_I64, st_, a_ issued_at, "issued_at"),                                              \
	    MC_COL(MC_COL_STR, st_, a_ signed_as, "signed_as"),                                              \
	    MC_COL(MC_COL_I64, st_, a_ document_id, "document_id")

static const mc_col apology_cols[] = {APOLOGY_READ(mc_apology, )};

void mc_apology_clear(mc_apology *a)
{
	mc_row_clear(apology_cols, MC_ARRAY_LEN(apology_cols), a, sizeof *a);
}

void mc_apology_free_list(mc_apology *list, size_t n)
{
	mc_rows_free(apology_cols, MC_ARRAY_LEN(apology_cols), list, n, sizeof *list);
}

void mc_apology_entry_free_list(mc_apology_entry *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		mc_apology_clear(&list[i].a);
		free(list[i].dossier_code);
		free(list[i].applicant_name);
		free(list[i].procedure_code);
		free(list[i].procedure_name);
	}
	free(list);
}

/* The issued_at of an apology not yet issued (migration 005). */
#define NOT_ISSUED "0"

int mc_store_apology_add(mc_store *st, mc_apology *a)
{
	static const char sql[] =
	    "INSERT INTO apology (province_code, dossier_id, unit_id, reason, old_due, new_due, prepared_by, "
	    "prepared_by_name, prepared_at) VALUES (coalesce((SELECT province_code FROM dossier WHERE id = "
	    "$1), "
	    "''), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, province_code";
	mc_q *q = NULL;
	int rc = MC_EINVAL;

	/* The table's CHECK says so too; this answers before any write. */
	if (a->new_due <= a->old_due)
		goto cleanup;
	rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, a->dossier_id);
	mc_q_int(q, 2, a->unit_id);
	mc_q_text(q, 3, a->reason ? a->reason : "");
	mc_q_int(q, 4, a->old_due);
	mc_q_int(q, 5, a->new_due);
	mc_q_ref(q, 6, a->prepared_by);
	mc_q_text(q, 7, a->prepared_by_name ? a->prepared_by_name : "");
	mc_q_int(q, 8, a->prepared_at);
	/* An unknown dossier, unit or officer is an answer, not a failure of the transaction. */
	rc = mc_q_try_row(q, "record apology");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc == 1) {
		a->id = mc_q_col_int(q, 0);
		free(a->province_code);
		a->province_code = mc_q_col_dup(q, 1);
		rc = 0;
	}
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_apology_sign(mc_store *st, int64_t id, const char *signed_as)
{
	static const char sql[] = "UPDATE apology SET signed_as = $2 WHERE id = $1";
	return mc_db_change(st, sql, "sign apology", MC_SOME, MC_ENOTFOUND,
			    MC_ARGS(MC_I(id), MC_T(signed_as ? signed_as : "")));
}

int mc_store_apology_move_prepared(mc_store *st, int64_t from_unit, int64_t to_unit)
{
	static const char sql[] = "UPDATE apology SET unit_id = $2 WHERE unit_id = $1 AND issued_at = 0";
	return mc_db_run(st, sql, "move prepared apologies", MC_ARGS(MC_I(from_unit), MC_I(to_unit)));
}

int mc_store_apology_set_document(mc_store *st, int64_t id, int64_t document_id)
{
	static const char sql[] = "UPDATE apology SET document_id = $2 WHERE id = $1 AND document_id IS NULL";
	return mc_db_change(st, sql, "link apology to document", MC_SOME, MC_ECONFLICT,
			    MC_ARGS(MC_I(id), MC_REF(document_id)));
}

int mc_store_apology_of_document(mc_store *st, mc_apology *out, char **dossier_code, int64_t document_id)
{
	static const char sql[] = "SELECT " APOLOGY_COLS ", d.code AS dossier_code FROM apology a JOIN "
				  "dossier d ON d.id = a.dossier_id WHERE a.document_id = $1";
	static const mc_col cols[] = {APOLOGY_READ(mc_apology_entry, a.),
				      MC_COL(MC_COL_STR, mc_apology_entry, dossier_code, "dossier_code")};
	mc_apology_entry e = {0};
	int rc = mc_db_read_by_id(st, sql, document_id, "read apology of document", MC_COLS(cols), &e);

	*dossier_code = NULL;
	if (rc == 0) {
		/* Moved: the caller owns the strings now. */
		memset(out, 0, sizeof *out);
		*out = e.a;
		*dossier_code = e.dossier_code;
		e.a = (mc_apology){0};
		e.dossier_code = NULL;
	}
	mc_apology_clear(&e.a);
	free(e.dossier_code);
	return rc;
}

int mc_store_apology_get(mc_store *st, mc_apology *out, int64_t dossier_id, int64_t id)
{
	static const char sql[] =
	    "SELECT " APOLOGY_COLS " FROM apology a WHERE a.id = $1 AND a.dossier_id = $2";
	mc_apology row = {0};
	int rc = mc_db_read(st, sql, "read apology", MC_COLS(apology_cols), &row,
			    MC_ARGS(MC_I(id), MC_I(dossier_id)));
	if (rc == 0)
		*out = row;
	else
		mc_apology_clear(&row);
	return rc;
}

/* Reached through rollup.c, which keeps the statistics in step. */
int mc_store_backend_apology_issue(mc_store *st, int64_t id, int64_t old_due, int64_t issued_by,
				   const char *issued_by_name, int64_t at)
{
	static const char sql[] = "UPDATE apology SET old_due = $2, issued_by = $3, issued_by_name = $4, "
				  "issued_at = $5 WHERE id = $1 AND issued_at = " NOT_ISSUED;
	static const char exists[] = "SELECT 1 FROM apology WHERE id = $1";
	int64_t found = 0;
	/* The write changes no unique column: MC_ECONFLICT is its changing no row. */
	int rc = mc_db_change(st, sql, "issue apology", MC_SOME, MC_ECONFLICT,
			      MC_ARGS(MC_I(id), MC_I(old_due), MC_REF(issued_by),
				      MC_T(issued_by_name ? issued_by_name : ""), MC_I(at)));
	if (rc != MC_ECONFLICT)
		return rc;
	/* Nothing changed: issued already, or no such apology. */
	rc = mc_db_int(st, exists, "read apology", &found, MC_ARGS(MC_I(id)));
	if (rc == 0)
		rc = found ? MC_ECONFLICT : MC_ENOTFOUND;
	return rc;
}

int mc_store_apology_list(mc_store *st, mc_apology **out, size_t *n, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT " APOLOGY_COLS " FROM apology a WHERE a.dossier_id = $1 ORDER BY a.id";
	return mc_db_read_list_by(st, sql, dossier_id, "list apologies", apology_cols,
				  MC_ARRAY_LEN(apology_cols), sizeof **out, out, n);
}

/* $1, $2 the subtree of the apologising unit; $3, $4 the period of issue.
 * The literal keeps the partial index apology_issued usable. */
#define REGISTER_FROM " FROM apology a JOIN unit u ON u.id = a.unit_id"
#define REGISTER_WHERE                                                                                       \
	" WHERE a.issued_at > " NOT_ISSUED " AND a.issued_at >= $3 AND a.issued_at < $4 AND u.path >= $1"    \
	" AND u.path < $2"

int mc_store_apology_register(mc_store *st, mc_apology_entry **out, size_t *n, int64_t *total,
			      int64_t unit_id, int64_t from, int64_t to, int limit, int offset)
{
	static const char count_sql[] = "SELECT count(*)" REGISTER_FROM REGISTER_WHERE;
	static const char rows_sql[] =
	    "SELECT " APOLOGY_COLS ", d.code AS dossier_code, d.applicant_name, p.code AS procedure_code, "
	    "p.name AS procedure_name" REGISTER_FROM " JOIN dossier d ON d.id = a.dossier_id "
	    "JOIN procedure p ON p.id = d.procedure_id" REGISTER_WHERE
	    " ORDER BY a.issued_at DESC, a.id DESC LIMIT $5 OFFSET $6";
	static const mc_col cols[] = {
	    APOLOGY_READ(mc_apology_entry, a.),
	    MC_COL(MC_COL_STR, mc_apology_entry, dossier_code, "dossier_code"),
	    MC_COL(MC_COL_STR, mc_apology_entry, applicant_name, "applicant_name"),
	    MC_COL(MC_COL_STR, mc_apology_entry, procedure_code, "procedure_code"),
	    MC_COL(MC_COL_STR, mc_apology_entry, procedure_name, "procedure_name"),
	};
	mc_q *q = NULL;
	int rc = MC_EINVAL;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (limit < 1 || limit > 200 || offset < 0 || from >= to)
		goto cleanup;
	rc = 0;
	for (int pass = 0; rc == 0 && pass < 2; pass++) {
		rc = mc_db_prepare_in_unit(st, &q, pass == 0 ? count_sql : rows_sql, unit_id);
		if (rc)
			break;
		mc_q_int(q, 3, from);
		mc_q_int(q, 4, to);
		if (pass == 0) {
			rc = mc_q_row(q, "count apologies");
			if (rc == 1) {
				*total = mc_q_col_int(q, 0);
				rc = 0;
			}
			mc_q_done(q);
			continue;
		}
		mc_q_int(q, 5, limit);
		mc_q_int(q, 6, offset);
		rc = mc_q_read_list(q, "list the apology register", cols, MC_ARRAY_LEN(cols), sizeof **out,
				    out, n);
	}
cleanup:
	mc_q_done(q);
	return rc;
}

/* ---- the leaders warned of an apology due (migration 031) -------------- */

int mc_store_apology_warnings_due(mc_store *st, mc_apology_warning **out, size_t *n, int64_t now,
				  int64_t until, int limit)
{
	static const char sql[] =
	    "SELECT d.id AS dossier_id, d.code AS code, d.province_code AS province_code, p.name AS "
	    "procedure_name, d.receiving_unit_id AS receiving_unit_id, d.current_unit_id AS current_unit_id, "
	    "d.due_at AS due_at FROM dossier d JOIN procedure p ON p.id = d.procedure_id "
	    "WHERE " MC_SQL_RUNNING
	    " AND d.due_at > $1 AND d.due_at <= $2 AND NOT EXISTS (SELECT 1 FROM apology a WHERE "
	    "a.dossier_id = d.id) AND NOT EXISTS (SELECT 1 FROM apology_warning w WHERE w.dossier_id = "
	    "d.id) ORDER BY d.due_at, d.id LIMIT $3";
	static const mc_col cols[] = {
	    MC_COL(MC_COL_I64, mc_apology_warning, dossier_id, "dossier_id"),
	    MC_COL(MC_COL_STR, mc_apology_warning, code, "code"),
	    MC_COL(MC_COL_STR, mc_apology_warning, province_code, "province_code"),
	    MC_COL(MC_COL_STR, mc_apology_warning, procedure_name, "procedure_name"),
	    MC_COL(MC_COL_I64, mc_apology_warning, receiving_unit_id, "receiving_unit_id"),
	    MC_COL(MC_COL_I64, mc_apology_warning, current_unit_id, "current_unit_id"),
	    MC_COL(MC_COL_I64, mc_apology_warning, due_at, "due_at"),
	};
	*out = NULL;
	*n = 0;
	if (limit < 1 || limit > 10000)
		return MC_EINVAL;
	return mc_db_list(st, sql, "list the dossiers owing an apology warning", MC_COLS(cols), sizeof **out,
			  out, n, MC_ARGS(MC_I(now), MC_I(until), MC_I(limit)));
}

int mc_store_apology_warned(mc_store *st, int64_t dossier_id, int64_t due_at, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO apology_warning (dossier_id, due_at, warned_at) VALUES ($1, $2, $3)";
	return mc_db_try(st, sql, "record an apology warning",
			 MC_ARGS(MC_I(dossier_id), MC_I(due_at), MC_I(at)));
}

void mc_apology_warning_free_list(mc_apology_warning *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		free(list[i].code);
		free(list[i].province_code);
		free(list[i].procedure_name);
	}
	free(list);
}
