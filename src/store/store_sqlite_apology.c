/*
 * store_sqlite_apology.c - apologies for late dossiers (QĐ 876/2017) in the
 * SQLite store: prepared, issued, and the public register of the issued ones.
 */
#include "store/store_sqlite_int.h"

#include <stdlib.h>

#define APOLOGY_COLS                                                                                         \
	"a.id, a.province_code, a.dossier_id, a.unit_id, a.reason, a.old_due, a.new_due, "                   \
	"coalesce(a.prepared_by, 0), a.prepared_by_name, a.prepared_at, coalesce(a.issued_by, 0), "          \
	"a.issued_by_name, a.issued_at"

static void apology_read(mc_apology *a, sqlite3_stmt *s)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	MC_SQ_COL_FIELD(a->province_code, s, 1);
	a->dossier_id = sqlite3_column_int64(s, 2);
	a->unit_id = sqlite3_column_int64(s, 3);
	MC_SQ_COL_FIELD(a->reason, s, 4);
	a->old_due = sqlite3_column_int64(s, 5);
	a->new_due = sqlite3_column_int64(s, 6);
	a->prepared_by = sqlite3_column_int64(s, 7);
	MC_SQ_COL_FIELD(a->prepared_by_name, s, 8);
	a->prepared_at = sqlite3_column_int64(s, 9);
	a->issued_by = sqlite3_column_int64(s, 10);
	MC_SQ_COL_FIELD(a->issued_by_name, s, 11);
	a->issued_at = sqlite3_column_int64(s, 12);
}

int mc_sqlite_apology_add(mc_sqlite *st, mc_apology *a)
{
	static const char sql[] =
	    "INSERT INTO apology (province_code, dossier_id, unit_id, reason, old_due, new_due, prepared_by, "
	    "prepared_by_name, prepared_at) VALUES (coalesce((SELECT province_code FROM dossier WHERE id = "
	    "?1), "
	    "''), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id, province_code";
	sqlite3_stmt *s = NULL;
	int rc = MC_EINVAL;

	if (a->new_due <= a->old_due)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, a->dossier_id);
	mc_sq_bind_int(s, 2, a->unit_id);
	MC_SQ_BIND_FIELD(s, 3, a->reason);
	mc_sq_bind_int(s, 4, a->old_due);
	mc_sq_bind_int(s, 5, a->new_due);
	mc_sq_bind_ref(s, 6, a->prepared_by);
	MC_SQ_BIND_FIELD(s, 7, a->prepared_by_name);
	mc_sq_bind_int(s, 8, a->prepared_at);
	rc = mc_sq_row(st, s, "record apology");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc < 0)
		goto cleanup;
	a->id = sqlite3_column_int64(s, 0);
	MC_SQ_COL_FIELD(a->province_code, s, 1);
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_apology_get(mc_sqlite *st, mc_apology *out, int64_t dossier_id, int64_t id)
{
	static const char sql[] =
	    "SELECT " APOLOGY_COLS " FROM apology a WHERE a.id = ?1 AND a.dossier_id = ?2";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, id);
	mc_sq_bind_int(s, 2, dossier_id);
	rc = mc_sq_row(st, s, "read apology");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	apology_read(out, s);
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_apology_issue(mc_sqlite *st, int64_t id, int64_t old_due, int64_t issued_by,
			   const char *issued_by_name, int64_t at)
{
	static const char sql[] =
	    "UPDATE apology SET old_due = ?2, issued_by = ?3, issued_by_name = ?4, issued_at = ?5 "
	    "WHERE id = ?1 AND issued_at = 0";
	static const char exists[] = "SELECT 1 FROM apology WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, id);
	mc_sq_bind_int(s, 2, old_due);
	mc_sq_bind_ref(s, 3, issued_by);
	mc_sq_bind_text(s, 4, issued_by_name ? issued_by_name : "");
	mc_sq_bind_int(s, 5, at);
	rc = mc_sq_exec(st, s, "issue apology");
	if (rc)
		goto cleanup;
	mc_sq_done(s);
	s = NULL;
	if (sqlite3_changes(st->db) == 0) {
		rc = mc_sq_prepare(st, &s, exists);
		if (rc)
			goto cleanup;
		mc_sq_bind_int(s, 1, id);
		rc = mc_sq_row(st, s, "read apology");
		if (rc >= 0)
			rc = rc ? MC_ECONFLICT : MC_ENOTFOUND;
	}
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_apology_list(mc_sqlite *st, mc_apology **out, size_t *n, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT " APOLOGY_COLS " FROM apology a WHERE a.dossier_id = ?1 ORDER BY a.id";
	sqlite3_stmt *s = NULL;
	mc_apology *list = NULL;
	size_t len = 0, cap = 0;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, dossier_id);
	while ((rc = mc_sq_row(st, s, "list apologies")) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		apology_read(&list[len++], s);
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

/* ?1, ?2 the subtree of the apologising unit; ?3, ?4 the period of issue. */
#define REGISTER_FROM " FROM apology a JOIN unit u ON u.id = a.unit_id"
#define REGISTER_WHERE                                                                                       \
	" WHERE a.issued_at > 0 AND a.issued_at >= ?3 AND a.issued_at < ?4 AND u.path >= ?1 AND u.path < ?2"

int mc_sqlite_apology_register(mc_sqlite *st, mc_apology_entry **out, size_t *n, int64_t *total,
			      int64_t unit_id, int64_t from, int64_t to, int limit, int offset)
{
	static const char count_sql[] = "SELECT count(*)" REGISTER_FROM REGISTER_WHERE;
	static const char rows_sql[] =
	    "SELECT " APOLOGY_COLS ", d.code, d.applicant_name, p.code, p.name" REGISTER_FROM
	    " JOIN dossier d ON d.id = a.dossier_id JOIN procedure p ON p.id = d.procedure_id" REGISTER_WHERE
	    " ORDER BY a.issued_at DESC, a.id DESC LIMIT ?5 OFFSET ?6";
	sqlite3_stmt *s = NULL;
	mc_apology_entry *list = NULL;
	size_t len = 0, cap = 0;
	char lo[256];
	char hi[256];
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (limit < 1 || limit > 200 || offset < 0 || from >= to) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	rc = mc_sq_unit_range(st, lo, hi, unit_id);
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, count_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, lo);
	mc_sq_bind_text(s, 2, hi);
	mc_sq_bind_int(s, 3, from);
	mc_sq_bind_int(s, 4, to);
	rc = mc_sq_row(st, s, "count apologies");
	if (rc < 0)
		goto cleanup;
	*total = rc ? sqlite3_column_int64(s, 0) : 0;
	mc_sq_done(s);
	s = NULL;
	rc = mc_sq_prepare(st, &s, rows_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, lo);
	mc_sq_bind_text(s, 2, hi);
	mc_sq_bind_int(s, 3, from);
	mc_sq_bind_int(s, 4, to);
	mc_sq_bind_int(s, 5, limit);
	mc_sq_bind_int(s, 6, offset);
	while ((rc = mc_sq_row(st, s, "list the apology register")) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		mc_apology_entry *x = &list[len++];
		memset(x, 0, sizeof(*x));
		apology_read(&x->a, s);
		MC_SQ_COL_FIELD(x->dossier_code, s, 13);
		MC_SQ_COL_FIELD(x->applicant_name, s, 14);
		MC_SQ_COL_FIELD(x->procedure_code, s, 15);
		MC_SQ_COL_FIELD(x->procedure_name, s, 16);
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
