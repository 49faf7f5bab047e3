/*
 * store_personal.c - personal data (Nghị định 13/2023/NĐ-CP) on either engine
 * (db.h): the log of officers' reads, the dossiers of a data subject, and the
 * pseudonymisation and erasure that retention and requests call for. What is
 * past retention and what a request may erase are app/personal.c's rules.
 */
#include "store/db.h"

#include "core/audit.h"
#include "core/dossier.h"

#include <string.h>

/* ---- reads ------------------------------------------------------------ */

#define READ_COLS                                                                                            \
	"r.id, r.at, r.reader_id, r.reader_role, coalesce(r.reader_unit_id, 0) AS reader_unit_id, "          \
	"coalesce(r.dossier_id, 0) AS dossier_id, coalesce(r.subject_id, 0) AS subject_id, "                 \
	"coalesce(r.unit_id, 0) AS unit_id, coalesce(r.receiving_unit_id, 0) AS receiving_unit_id, r.what, " \
	"r.route, coalesce(u.full_name, '') AS reader_name, coalesce(u.username, '') AS reader_username, "   \
	"coalesce(d.code, '') AS dossier_code, r.records"

static const mc_col read_cols[] = {
    MC_COL(MC_COL_I64, mc_personal_read, id, "id"),
    MC_COL(MC_COL_I64, mc_personal_read, at, "at"),
    MC_COL(MC_COL_I64, mc_personal_read, reader_id, "reader_id"),
    MC_COL(MC_COL_INT, mc_personal_read, reader_role, "reader_role"),
    MC_COL(MC_COL_I64, mc_personal_read, reader_unit_id, "reader_unit_id"),
    MC_COL(MC_COL_I64, mc_personal_read, dossier_id, "dossier_id"),
    MC_COL(MC_COL_I64, mc_personal_read, subject_id, "subject_id"),
    MC_COL(MC_COL_I64, mc_personal_read, unit_id, "unit_id"),
    MC_COL(MC_COL_I64, mc_personal_read, receiving_unit_id, "receiving_unit_id"),
    MC_COL(MC_COL_STR, mc_personal_read, what, "what"),
    MC_COL(MC_COL_STR, mc_personal_read, route, "route"),
    MC_COL(MC_COL_STR, mc_personal_read, reader_name, "reader_name"),
    MC_COL(MC_COL_STR, mc_personal_read, reader_username, "reader_username"),
    MC_COL(MC_COL_STR, mc_personal_read, dossier_code, "dossier_code"),
    MC_COL(MC_COL_INT, mc_personal_read, records, "records"),
};

void mc_personal_read_free_list(mc_personal_read *list, size_t n)
{
	mc_rows_free(read_cols, MC_ARRAY_LEN(read_cols), list, n, sizeof *list);
}

int mc_store_personal_read_add(mc_store *st, const mc_personal_read *x)
{
	static const char sql[] = "INSERT INTO personal_read (province_code, at, reader_id, reader_role, "
				  "reader_unit_id, dossier_id, "
				  "subject_id, unit_id, receiving_unit_id, what, route, records) VALUES "
				  "(coalesce((SELECT province_code FROM "
				  "dossier WHERE id = $5), (SELECT province_code FROM unit WHERE id = $4), "
				  "''), $1, $2, $3, $4, $5, "
				  "$6, $7, $8, $9, $10, $11)";
	/* records: 0 from a caller that read one record (a dossier, a file, an export). */
	return mc_db_run(st, sql, "record a read of personal data",
			 MC_ARGS(MC_I(x->at), MC_I(x->reader_id), MC_I(x->reader_role),
				 MC_REF(x->reader_unit_id), MC_REF(x->dossier_id), MC_REF(x->subject_id),
				 MC_REF(x->unit_id), MC_REF(x->receiving_unit_id),
				 MC_T(x->what ? x->what : ""), MC_T(x->route ? x->route : ""),
				 MC_I(x->records > 0 ? x->records : 1)));
}

/* The filter of a listing, shared by its rows and its count: $1/$2 the
 * scope's path range (or "" and "" for any), $3 subject, $4 dossier, $5
 * reader, $6/$7 the period. A read of a dossier is in scope by the dossier's
 * units at the time, an export by its reader's unit. */
#define READ_WHERE                                                                                           \
	" WHERE ($1 = '' OR (CASE WHEN r.dossier_id IS NULL THEN coalesce(r.unit_id, r.reader_unit_id) "     \
	"ELSE r.unit_id END) IN "                                                                            \
	"(SELECT id FROM unit WHERE path >= $1 AND path < $2) OR r.receiving_unit_id IN "                    \
	"(SELECT id FROM unit WHERE path >= $1 AND path < $2)) "                                             \
	"AND ($3 = 0 OR r.subject_id = $3 OR r.dossier_id IN (SELECT id FROM dossier WHERE owner_id = $3)) " \
	"AND ($4 = 0 OR r.dossier_id = $4) AND ($5 = 0 OR r.reader_id = $5) "                                \
	"AND ($6 = 0 OR r.at >= $6) AND ($7 = 0 OR r.at < $7)"

/* sql prepared with $1 .. $7 of READ_WHERE bound. */
static int filter_prepare(mc_store *st, mc_q **q, const char *sql, const mc_personal_read_query *f)
{
	int rc = f->unit_id ? mc_db_prepare_in_unit(st, q, sql, f->unit_id) : mc_db_prepare(st, q, sql);

	if (rc)
		return rc;
	if (!f->unit_id) {
		mc_q_text(*q, 1, "");
		mc_q_text(*q, 2, "");
	}
	mc_q_int(*q, 3, f->subject_id);
	mc_q_int(*q, 4, f->dossier_id);
	mc_q_int(*q, 5, f->reader_id);
	mc_q_int(*q, 6, f->from);
	mc_q_int(*q, 7, f->to);
	return 0;
}

int mc_store_personal_read_list(mc_store *st, mc_personal_read **out, size_t *n, int64_t *total,
				const mc_personal_read_query *f)
{
	static const char rows_sql[] =
	    "SELECT " READ_COLS " FROM personal_read r LEFT JOIN app_user u ON "
	    "u.id = r.reader_id LEFT JOIN dossier d ON d.id = r.dossier_id" READ_WHERE
	    " ORDER BY r.at DESC, r.id DESC LIMIT $8 OFFSET $9";
	static const char count_sql[] = "SELECT count(*) FROM personal_read r" READ_WHERE;
	mc_q *q = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (f->limit < 1 || f->limit > 500 || f->offset < 0)
		return MC_EINVAL;
	rc = filter_prepare(st, &q, count_sql, f);
	if (rc)
		goto cleanup;
	rc = mc_q_row(q, "count reads of personal data");
	if (rc == 1)
		*total = mc_q_col_int(q, 0);
	mc_q_done(q);
	q = NULL;
	if (rc < 0)
		goto cleanup;
	rc = filter_prepare(st, &q, rows_sql, f);
	if (rc)
		goto cleanup;
	mc_q_int(q, 8, f->limit);
	mc_q_int(q, 9, f->offset);
	rc = mc_q_read_list(q, "list reads of personal data", read_cols, MC_ARRAY_LEN(read_cols),
			    sizeof **out, out, n);
cleanup:
	mc_q_done(q);
	return rc;
}

/* Runs sql with $1 = v (and $2 = w when has_w) and counts the rows changed. */
static int change(mc_store *st, const char *sql, int64_t v, const int64_t *w, int64_t *count,
		  const char *what)
{
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc == 0) {
		mc_q_int(q, 1, v);
		if (w)
			mc_q_int(q, 2, *w);
		rc = mc_q_exec(q, what);
		if (rc == 0 && count)
			*count += mc_q_changes(q);
	}
	mc_q_done(q);
	return rc;
}

int mc_store_personal_read_purge(mc_store *st, int64_t before, int64_t *count)
{
	*count = 0;
	return change(st, "DELETE FROM personal_read WHERE at < $1", before, NULL, count,
		      "purge reads of personal data");
}

/* ---- the data of a subject ----------------------------------------------- */

int mc_store_personal_dossiers(mc_store *st, char ***out, size_t *n, int64_t owner_id, const char *id_number,
			       size_t max)
{
	static const char sql[] = "SELECT code FROM dossier WHERE ($1 != 0 AND owner_id = $1) OR "
				  "($2 != '' AND applicant_id_number = $2) ORDER BY id LIMIT $3";
	/* Each row one owned string of the array. */
	static const mc_col cols[] = {{"code", MC_COL_STR, 0, 0}};
	return mc_db_list(st, sql, "list a subject's dossiers", MC_COLS(cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(owner_id), MC_T(id_number ? id_number : ""), MC_I((int64_t)max)));
}

int mc_store_personal_open_count(mc_store *st, int64_t *out, int64_t owner_id)
{
	static const char sql[] =
	    "SELECT count(*) FROM dossier WHERE owner_id = $1 AND state NOT IN " MC_SQL_STATES_FINAL;
	return mc_db_int(st, sql, "count a citizen's open dossiers", out, MC_ARGS(MC_I(owner_id)));
}

int mc_store_personal_finished_before(mc_store *st, int64_t **out, size_t *n, int64_t before, size_t max)
{
	/* Finished: a final state; its time the latest of finishing and handing back. */
	static const char sql[] =
	    "SELECT id FROM dossier WHERE pseudonymised_at = 0 AND state IN " MC_SQL_STATES_FINAL
	    " AND finished_at > 0 AND (CASE WHEN returned_at > finished_at THEN returned_at ELSE finished_at "
	    "END) "
	    "< $1 ORDER BY id LIMIT $2";
	/* Each row one int64_t of the array. */
	static const mc_col cols[] = {{"id", MC_COL_I64, 0, 0}};
	return mc_db_list(st, sql, "list dossiers past retention", MC_COLS(cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(before), MC_I((int64_t)max)));
}

/* ---- pseudonymisation and erasure ------------------------------------- */

/* The citizen whose events are pseudonymised: $2, or when 0 the dossier's owner. */
#define SUBJECT "(CASE WHEN $2 != 0 THEN $2 ELSE (SELECT owner_id FROM dossier WHERE id = $1) END)"

int mc_store_personal_pseudonymise(mc_store *st, int64_t dossier_id, int64_t subject_id, int64_t at,
				   mc_personal_counts *c)
{
	/* The folded name is what search reads: it goes with the name. The
	 * version moves, so that cached replies and open forms see the change. */
	static const char dossier_sql[] =
	    "UPDATE dossier SET applicant_name = '" MC_AUDIT_PSEUDONYM "', applicant_name_folded = '', "
	    "applicant_id_number = '', applicant_phone = '', applicant_email = '', applicant_address = '', "
	    "pseudonymised_at = $2, version = version + 1 WHERE id = $1 AND pseudonymised_at = 0";
	static const char filing_sql[] = "UPDATE dossier_filing SET peer = '' WHERE dossier_id = $1";
	static const char outbox_sql[] =
	    "UPDATE outbox SET recipient = '', subject = '', body = '', state = CASE WHEN state = 'pending' "
	    "THEN 'failed' ELSE state END, last_error = CASE WHEN state = 'pending' THEN 'personal data "
	    "erased' ELSE last_error END WHERE dossier_id = $1 AND (recipient != '' OR body != '')";
	static const char rating_sql[] =
	    "UPDATE rating SET comment = '' WHERE dossier_id = $1 AND comment != ''";
	static const char events_sql[] =
	    "UPDATE event SET actor_name = '" MC_AUDIT_PSEUDONYM "', note = '', personal_salt = '', "
	    "pseudonymised_at = $3 WHERE dossier_id = $1 AND actor_id = " SUBJECT " AND hash_version = 2 AND "
	    "pseudonymised_at = 0";
	static const char v1_sql[] =
	    "SELECT count(*) FROM event WHERE dossier_id = $1 AND actor_id = " SUBJECT
	    " AND hash_version = 1";
	int kind = 0;
	int64_t changed = 0, v1 = 0;
	mc_q *q = NULL;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	rc = change(st, dossier_sql, dossier_id, &at, &changed, "pseudonymise a dossier");
	if (rc || changed == 0)
		goto cleanup; /* done already, or no such dossier: nothing more to do */
	c->dossiers += changed;
	rc = mc_db_run(st, filing_sql, "forget a filing's address", MC_ARGS(MC_I(dossier_id)));
	if (rc == 0)
		rc = change(st, outbox_sql, dossier_id, NULL, &c->messages, "empty a dossier's messages");
	if (rc == 0)
		rc = change(st, rating_sql, dossier_id, NULL, &c->ratings, "empty a rating's comment");
	if (rc)
		goto cleanup;
	rc = mc_db_prepare(st, &q, events_sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, dossier_id);
	mc_q_int(q, 2, subject_id);
	mc_q_int(q, 3, at);
	rc = mc_q_exec(q, "pseudonymise events");
	if (rc == 0)
		c->events += mc_q_changes(q);
	mc_q_done(q);
	q = NULL;
	if (rc == 0)
		rc = mc_db_int(st, v1_sql, "count events of version 1", &v1,
			       MC_ARGS(MC_I(dossier_id), MC_I(subject_id)));
	if (rc == 0)
		c->events_v1 += v1;
cleanup:
	mc_q_done(q);
	return mc_db_op_end(st, kind, rc);
}

int mc_store_personal_erase_account(mc_store *st, int64_t user_id, int64_t at)
{
	/* "!" is no argon2id string: no password ever verifies against it. */
	static const char user_sql[] =
	    "UPDATE app_user SET username = 'erased-' || id, full_name = '" MC_AUDIT_PSEUDONYM "', "
	    "email = '', phone = '', id_number = '', password_hash = '!', active = $3, erased_at = $2 "
	    "WHERE id = $1 AND role = 1 AND erased_at = 0";
	/* Its links to an identity provider go too: the subject names the
	 * person, and the next sign-in there must not find an erased account. */
	static const char identity_sql[] = "DELETE FROM user_identity WHERE user_id = $1";
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	rc = mc_db_change(st, user_sql, "erase an account", MC_SOME, MC_ENOTFOUND,
			  MC_ARGS(MC_I(user_id), MC_I(at), MC_B(false)));
	if (rc == 0)
		rc = mc_store_session_revoke(st, user_id, NULL);
	if (rc == 0)
		rc = mc_db_run(st, identity_sql, "unlink an erased account's identities",
			       MC_ARGS(MC_I(user_id)));
	return mc_db_op_end(st, kind, rc);
}

int mc_store_personal_outbox_purge(mc_store *st, int64_t before, int64_t *count)
{
	*count = 0;
	return change(
	    st,
	    "UPDATE outbox SET subject = '', body = '' WHERE state != 'pending' AND created_at < $1 AND "
	    "(subject != '' OR body != '')",
	    before, NULL, count, "empty old messages");
}
