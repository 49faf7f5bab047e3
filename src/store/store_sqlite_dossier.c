/*
 * store_sqlite_dossier.c - dossiers, their documents, code sequences and the
 * append-only event log in the SQLite store.
 */
#include "store/store_sqlite_int.h"

#include "core/audit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

/* Final states (core/dossier.h mc_state_is_final): not_accepted, withdrawn,
 * stopped, returned. Kept in SQL so the work queue sorts in the database. */
#define FINAL_STATES "(3, 7, 8, 10)"

#define DOSSIER_COLS                                                                                         \
	"d.id, d.code, d.province_code, d.procedure_id, p.code, d.receiving_unit_id, d.current_unit_id, "    \
	"d.handler_id, d.step, d.channel, d.state, d.resume_state, d.outcome, d.applicant_name, "            \
	"d.applicant_id_number, d.applicant_phone, d.applicant_email, d.applicant_address, d.owner_id, "     \
	"d.duration_hours, d.submitted_at, d.received_at, d.due_at, d.paused_at, d.finished_at, "            \
	"d.returned_at, d.updated_at, d.version, d.note, d.statutory_due_at"

void mc_dossier_clear(mc_dossier *d)
{
	if (!d)
		return;
	free(d->docs);
	d->docs = NULL;
	d->n_docs = 0;
}

void mc_dossier_free_list(mc_dossier *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		mc_dossier_clear(&list[i]);
	free(list);
}

static void dossier_read(mc_dossier *d, sqlite3_stmt *s)
{
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(s, 0);
	MC_SQ_COL_FIELD(d->code, s, 1);
	MC_SQ_COL_FIELD(d->province_code, s, 2);
	d->procedure_id = sqlite3_column_int64(s, 3);
	MC_SQ_COL_FIELD(d->procedure_code, s, 4);
	d->receiving_unit_id = sqlite3_column_int64(s, 5);
	d->current_unit_id = sqlite3_column_int64(s, 6);
	d->handler_id = sqlite3_column_int64(s, 7);
	d->step = sqlite3_column_int(s, 8);
	d->channel = sqlite3_column_int(s, 9);
	d->state = sqlite3_column_int(s, 10);
	d->resume_state = sqlite3_column_int(s, 11);
	d->outcome = sqlite3_column_int(s, 12);
	MC_SQ_COL_FIELD(d->applicant_name, s, 13);
	MC_SQ_COL_FIELD(d->applicant_id_number, s, 14);
	MC_SQ_COL_FIELD(d->applicant_phone, s, 15);
	MC_SQ_COL_FIELD(d->applicant_email, s, 16);
	MC_SQ_COL_FIELD(d->applicant_address, s, 17);
	d->owner_id = sqlite3_column_int64(s, 18);
	d->duration_hours = sqlite3_column_int(s, 19);
	d->submitted_at = sqlite3_column_int64(s, 20);
	d->received_at = sqlite3_column_int64(s, 21);
	d->due_at = sqlite3_column_int64(s, 22);
	d->paused_at = sqlite3_column_int64(s, 23);
	d->finished_at = sqlite3_column_int64(s, 24);
	d->returned_at = sqlite3_column_int64(s, 25);
	d->updated_at = sqlite3_column_int64(s, 26);
	d->version = sqlite3_column_int64(s, 27);
	MC_SQ_COL_FIELD(d->note, s, 28);
	d->statutory_due_at = sqlite3_column_int64(s, 29);
}

/* ---- sequence numbers ------------------------------------------------- */

/*
 * The row in dossier_seq only grows, but a ROLLBACK TO of the savepoint that
 * took a number puts it back, and a later request in the same transaction
 * would be handed the same number again: a code already printed on a receipt
 * or returned to a client that then failed. So the connection also remembers
 * the highest number it has handed out per (unit, day) and never goes below
 * it; the new value is written back, so the row catches up on commit. Writes
 * go through one connection (the group committer), so this covers every
 * savepoint; numbers taken by a connection whose whole transaction rolled
 * back were never committed and so never used by a stored dossier.
 */
int mc_sqlite_dossier_next_seq(mc_sqlite *st, int *out, int64_t unit_id, int32_t local_day,
			       mc_code_space space)
{
	static const char desk_sql[] =
	    "INSERT INTO dossier_seq (unit_id, day, province_code, last) "
	    "VALUES (?1, ?2, coalesce((SELECT province_code FROM unit WHERE id = ?1), ''), ?3) "
	    "ON CONFLICT (unit_id, day) DO UPDATE SET last = max(dossier_seq.last + 1, ?3) RETURNING last";
	/* Online submissions number apart (core/code.h), so that they never use up the desk's numbers. */
	static const char online_sql[] =
	    "INSERT INTO dossier_online_seq (unit_id, day, province_code, last) "
	    "VALUES (?1, ?2, coalesce((SELECT province_code FROM unit WHERE id = ?1), ''), ?3) "
	    "ON CONFLICT (unit_id, day) DO UPDATE SET last = max(dossier_online_seq.last + 1, ?3) RETURNING "
	    "last";
	struct mc_seq_mark *mark = mc_seq_marks_get(&st->marks, unit_id, local_day, (int)space);
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, space == MC_CODE_ONLINE ? online_sql : desk_sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, unit_id);
	mc_sq_bind_int(s, 2, local_day);
	mc_sq_bind_int(s, 3, (int64_t)mark->last + 1);
	rc = mc_sq_row(st, s, "take dossier number");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc < 0)
		goto cleanup;
	*out = sqlite3_column_int(s, 0);
	mark->last = *out;
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

/* ---- dossiers --------------------------------------------------------- */

/* Replaces the documents of dossier id with d's. */
static int docs_write(mc_sqlite *st, int64_t id, const mc_dossier *d)
{
	static const char del[] = "DELETE FROM dossier_document WHERE dossier_id = ?1";
	static const char ins[] =
	    "INSERT INTO dossier_document (dossier_id, ord, province_code, seq, name, "
	    "originals, copies, sha256, filename, mime, size, kind) VALUES (?1, ?2, "
	    "(SELECT province_code FROM dossier WHERE id = ?1), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, del);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, id);
	rc = mc_sq_exec(st, s, "delete dossier documents");
	mc_sq_done(s);
	s = NULL;
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, ins);
	for (size_t i = 0; rc == 0 && i < d->n_docs; i++) {
		const mc_dossier_doc *x = &d->docs[i];

		mc_sq_bind_int(s, 1, id);
		mc_sq_bind_int(s, 2, (int64_t)i);
		mc_sq_bind_int(s, 3, x->seq);
		MC_SQ_BIND_FIELD(s, 4, x->name);
		mc_sq_bind_int(s, 5, x->originals);
		mc_sq_bind_int(s, 6, x->copies);
		/* Paper only: no attachment to refer to. */
		if (x->sha256[0])
			MC_SQ_BIND_FIELD(s, 7, x->sha256);
		else
			mc_sq_bind_null(s, 7);
		MC_SQ_BIND_FIELD(s, 8, x->filename);
		MC_SQ_BIND_FIELD(s, 9, x->mime);
		mc_sq_bind_int(s, 10, x->size);
		if (x->kind[0])
			MC_SQ_BIND_FIELD(s, 11, x->kind);
		else
			mc_sq_bind_text(s, 11, "input");
		rc = mc_sq_exec(st, s, "insert dossier document");
		mc_sq_done(s);
	}
cleanup:
	mc_sq_done(s);
	return rc;
}

static int docs_load(mc_sqlite *st, mc_dossier *d)
{
	static const char sql[] = "SELECT seq, name, originals, copies, sha256, filename, mime, size, kind "
				  "FROM dossier_document WHERE dossier_id = ?1 ORDER BY ord";
	sqlite3_stmt *s = NULL;
	size_t cap = 0;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, d->id);
	for (;;) {
		mc_dossier_doc *x;

		rc = mc_sq_row(st, s, "read dossier documents");
		if (rc != 1)
			break;
		if (d->n_docs == cap) {
			cap = cap ? cap * 2 : 8;
			d->docs = mc_xrealloc(d->docs, cap * sizeof(*d->docs));
		}
		x = &d->docs[d->n_docs++];
		memset(x, 0, sizeof(*x));
		x->seq = sqlite3_column_int(s, 0);
		MC_SQ_COL_FIELD(x->name, s, 1);
		x->originals = sqlite3_column_int(s, 2);
		x->copies = sqlite3_column_int(s, 3);
		MC_SQ_COL_FIELD(x->sha256, s, 4);
		MC_SQ_COL_FIELD(x->filename, s, 5);
		MC_SQ_COL_FIELD(x->mime, s, 6);
		x->size = sqlite3_column_int64(s, 7);
		MC_SQ_COL_FIELD(x->kind, s, 8);
	}
cleanup:
	mc_sq_done(s);
	if (rc < 0) {
		mc_dossier_clear(d);
		return rc;
	}
	return 0;
}

/* Binds the mutable fields of d to ?3..?26 and ?29, as both insert and update use them. */
static int dossier_bind_mutable(sqlite3_stmt *s, const mc_dossier *d)
{
	char *folded = NULL;
	int rc =
	    mc_sq_fold(&folded, d->applicant_name, strnlen(d->applicant_name, sizeof(d->applicant_name)));

	if (rc)
		goto cleanup;
	mc_sq_bind_ref(s, 3, d->receiving_unit_id);
	mc_sq_bind_ref(s, 4, d->current_unit_id);
	mc_sq_bind_ref(s, 5, d->handler_id);
	mc_sq_bind_int(s, 6, d->step);
	mc_sq_bind_int(s, 7, d->channel);
	mc_sq_bind_int(s, 8, d->state);
	mc_sq_bind_int(s, 9, d->resume_state);
	mc_sq_bind_int(s, 10, d->outcome);
	MC_SQ_BIND_FIELD(s, 11, d->applicant_name);
	mc_sq_bind_text(s, 12, folded);
	MC_SQ_BIND_FIELD(s, 13, d->applicant_id_number);
	MC_SQ_BIND_FIELD(s, 14, d->applicant_phone);
	MC_SQ_BIND_FIELD(s, 15, d->applicant_email);
	MC_SQ_BIND_FIELD(s, 16, d->applicant_address);
	mc_sq_bind_ref(s, 17, d->owner_id);
	mc_sq_bind_int(s, 18, d->duration_hours);
	mc_sq_bind_int(s, 19, d->submitted_at);
	mc_sq_bind_int(s, 20, d->received_at);
	mc_sq_bind_int(s, 21, d->due_at);
	mc_sq_bind_int(s, 22, d->paused_at);
	mc_sq_bind_int(s, 23, d->finished_at);
	mc_sq_bind_int(s, 24, d->returned_at);
	mc_sq_bind_int(s, 25, d->updated_at);
	MC_SQ_BIND_FIELD(s, 26, d->note);
	mc_sq_bind_int(s, 29, d->statutory_due_at);
cleanup:
	free(folded);
	return rc;
}

int mc_sqlite_dossier_insert(mc_sqlite *st, mc_dossier *d)
{
	/* The province defaults to the receiving unit's; the procedure may be
	 * named by code alone. */
	static const char sql[] =
	    "INSERT INTO dossier (code, province_code, procedure_id, receiving_unit_id, current_unit_id, "
	    "handler_id, step, channel, state, resume_state, outcome, applicant_name, applicant_name_folded, "
	    "applicant_id_number, applicant_phone, applicant_email, applicant_address, owner_id, "
	    "duration_hours, submitted_at, received_at, due_at, paused_at, finished_at, returned_at, "
	    "updated_at, note, statutory_due_at, version) VALUES (?1, coalesce(nullif(?2, ''), (SELECT province_code FROM unit "
	    "WHERE id = ?3), ''), coalesce(?27, (SELECT id FROM procedure WHERE code = ?28)), ?3, ?4, ?5, "
	    "?6, "
	    "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, "
	    "?26, ?29, 1) "
	    "RETURNING id, province_code, procedure_id, (SELECT code FROM procedure WHERE id = procedure_id)";
	sqlite3_stmt *s = NULL;
	int64_t id = 0;
	int rc = mc_sq_op_begin(st);

	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	MC_SQ_BIND_FIELD(s, 1, d->code);
	MC_SQ_BIND_FIELD(s, 2, d->province_code);
	rc = dossier_bind_mutable(s, d);
	if (rc)
		goto cleanup;
	mc_sq_bind_ref(s, 27, d->procedure_id);
	MC_SQ_BIND_FIELD(s, 28, d->procedure_code);
	rc = mc_sq_row(st, s, "insert dossier");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc < 0)
		goto cleanup;
	id = sqlite3_column_int64(s, 0);
	MC_SQ_COL_FIELD(d->province_code, s, 1);
	d->procedure_id = sqlite3_column_int64(s, 2);
	MC_SQ_COL_FIELD(d->procedure_code, s, 3);
	rc = 0;
	mc_sq_done(s);
	s = NULL;
	if (d->n_docs)
		rc = docs_write(st, id, d);
cleanup:
	mc_sq_done(s);
	rc = mc_sq_op_end(st, rc);
	if (rc == 0) {
		d->id = id;
		d->version = 1;
	}
	return rc;
}

int mc_sqlite_dossier_get(mc_sqlite *st, mc_dossier *out, const char *code, bool with_docs)
{
	static const char sql[] =
	    "SELECT " DOSSIER_COLS " FROM dossier d JOIN procedure p ON p.id = d.procedure_id "
	    "WHERE d.code = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, code);
	rc = mc_sq_row(st, s, "read dossier");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	dossier_read(out, s);
	rc = 0;
	mc_sq_done(s);
	s = NULL;
	if (with_docs)
		rc = docs_load(st, out);
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_dossier_version(mc_sqlite *st, int64_t *out, const char *code)
{
	static const char sql[] = "SELECT version FROM dossier WHERE code = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, code);
	rc = mc_sq_row(st, s, "read dossier version");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	*out = sqlite3_column_int64(s, 0);
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_dossier_by_attachment(mc_sqlite *st, mc_dossier **out, size_t *n, const char *sha256)
{
	static const char sql[] =
	    "SELECT " DOSSIER_COLS " FROM dossier d JOIN procedure p ON p.id = d.procedure_id "
	    "WHERE d.id IN (SELECT dossier_id FROM dossier_document WHERE sha256 = ?1) ORDER BY d.id LIMIT 50";
	sqlite3_stmt *s = NULL;
	mc_dossier *list = NULL;
	size_t count = 0, cap = 0;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, sha256);
	while ((rc = mc_sq_row(st, s, "list dossiers of an attachment")) > 0) {
		if (count == cap) {
			cap = cap ? cap * 2 : 4;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		dossier_read(&list[count++], s);
	}
	if (rc < 0)
		goto cleanup;
	*out = list;
	*n = count;
	list = NULL;
	rc = 0;
cleanup:
	mc_dossier_free_list(list, count);
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_dossier_update(mc_sqlite *st, mc_dossier *d, int64_t expected_version)
{
	static const char upd[] =
	    "UPDATE dossier SET receiving_unit_id = ?3, current_unit_id = ?4, handler_id = ?5, step = ?6, "
	    "channel = ?7, state = ?8, resume_state = ?9, outcome = ?10, applicant_name = ?11, "
	    "applicant_name_folded = ?12, applicant_id_number = ?13, applicant_phone = ?14, "
	    "applicant_email = ?15, applicant_address = ?16, owner_id = ?17, duration_hours = ?18, "
	    "submitted_at = ?19, received_at = ?20, due_at = ?21, paused_at = ?22, finished_at = ?23, "
	    "returned_at = ?24, updated_at = ?25, note = ?26, statutory_due_at = ?29, version = version + 1 "
	    "WHERE id = ?1 AND version = ?2";
	static const char exists[] = "SELECT 1 FROM dossier WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_op_begin(st);

	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, upd);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, d->id);
	mc_sq_bind_int(s, 2, expected_version);
	rc = dossier_bind_mutable(s, d);
	if (rc)
		goto cleanup;
	rc = mc_sq_exec(st, s, "update dossier");
	if (rc)
		goto cleanup;
	mc_sq_done(s);
	s = NULL;
	if (sqlite3_changes(st->db) == 0) {
		/* Either someone else moved the version, or there is no such dossier. */
		rc = mc_sq_prepare(st, &s, exists);
		if (rc)
			goto cleanup;
		mc_sq_bind_int(s, 1, d->id);
		rc = mc_sq_row(st, s, "read dossier");
		if (rc >= 0)
			rc = rc ? MC_ECONFLICT : MC_ENOTFOUND;
		goto cleanup;
	}
	if (d->docs)
		rc = docs_write(st, d->id, d);
cleanup:
	mc_sq_done(s);
	rc = mc_sq_op_end(st, rc);
	if (rc == 0)
		d->version = expected_version + 1;
	return rc;
}

/* ---- the dossier list ------------------------------------------------- */

/*
 * The list's WHERE clause depends on which filters are set, so it is put
 * together from the constant fragments below and cached per combination:
 * each combination gets a plan that uses its own index, which one statement
 * with "(? IS NULL OR ...)" for every filter would not.
 */
enum {
	F_UNIT = 1 << 0,
	F_OWNER = 1 << 1,
	F_HANDLER = 1 << 2,
	F_STATE = 1 << 3,
	F_OPEN = 1 << 4,
	F_Q = 1 << 5,
	F_FROM = 1 << 6,
	F_TO = 1 << 7,
	F_ROWS = 1 << 8, /* the page of rows rather than the count */
};

static const char *const list_filters[] = {
    /* F_UNIT: ?1, ?2 the subtree's path range */
    " AND (d.current_unit_id IN (SELECT id FROM unit WHERE path >= ?1 AND path < ?2)"
    " OR d.receiving_unit_id IN (SELECT id FROM unit WHERE path >= ?1 AND path < ?2))",
    " AND d.owner_id = ?3",
    " AND d.handler_id = ?4",
    " AND d.state = ?5",
    " AND d.state NOT IN " FINAL_STATES,
    /* F_Q: ?6 code prefix (upper case), ?7 LIKE pattern of the folded name, ?8 id number */
    " AND (substr(d.code, 1, length(?6)) = ?6 OR d.applicant_name_folded LIKE ?7 ESCAPE '\\'"
    " OR d.applicant_id_number = ?8)",
    " AND d.received_at >= ?9",
    " AND d.received_at > 0 AND d.received_at < ?10",
};

/* Open dossiers first, most urgent first, those without a due time last among
 * them; then the closed ones, newest first. */
static const char list_order[] = " ORDER BY d.state IN " FINAL_STATES ","
				 " CASE WHEN d.state NOT IN " FINAL_STATES " THEN d.due_at = 0 END,"
				 " CASE WHEN d.state NOT IN " FINAL_STATES " THEN d.due_at END,"
				 " CASE WHEN d.state IN " FINAL_STATES " THEN d.received_at END DESC, d.id"
				 " LIMIT ?11 OFFSET ?12";

static const char list_key; /* its address keys the cached list statements */

static int list_stmt(mc_sqlite *st, sqlite3_stmt **out, unsigned mask)
{
	char sql[2048];
	size_t len;
	int rc = 0;

	*out = mc_sq_cached(st, &list_key, mask);
	if (*out)
		goto cleanup;
	if (mask & F_ROWS)
		len = (size_t)snprintf(sql, sizeof(sql),
				       "SELECT " DOSSIER_COLS
				       " FROM dossier d JOIN procedure p ON p.id = d.procedure_id WHERE 1");
	else
		len = (size_t)snprintf(sql, sizeof(sql), "SELECT count(*) FROM dossier d WHERE 1");
	for (size_t i = 0; i < MC_ARRAY_LEN(list_filters); i++) {
		if (mask & (1u << i))
			len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s", list_filters[i]);
	}
	if (mask & F_ROWS)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s", list_order);
	/* The fragments are ours and fixed; overflowing means the buffer is too small. */
	if (len >= sizeof(sql)) {
		fprintf(stderr, "could not build dossier list query: too long\n");
		rc = MC_ERROR;
		goto cleanup;
	}
	rc = mc_sq_prepare_as(st, out, &list_key, mask, sql);
cleanup:
	return rc;
}

/* The q filter's three parameters, from the text the user typed. */
struct list_q {
	char *code;    /* trimmed, ASCII upper case */
	char *pattern; /* "%<folded, LIKE-escaped>%", NULL when nothing to match */
	char *raw;     /* trimmed */
};

static void list_q_free(struct list_q *lq)
{
	free(lq->code);
	free(lq->pattern);
	free(lq->raw);
}

static int list_q_make(struct list_q *lq, const char *q)
{
	const char *start = q;
	const char *end = q + strlen(q);
	char *folded = NULL;
	size_t len = 0;
	int rc;

	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	lq->raw = mc_xstrndup(start, (size_t)(end - start));
	lq->code = mc_xstrndup(start, (size_t)(end - start));
	for (char *c = lq->code; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	rc = mc_sq_fold(&folded, lq->raw, strlen(lq->raw));
	if (rc)
		goto cleanup;
	if (!folded[0])
		goto cleanup;
	lq->pattern = mc_xmalloc(strlen(folded) * 2 + 3);
	lq->pattern[len++] = '%';
	for (const char *c = folded; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			lq->pattern[len++] = '\\';
		lq->pattern[len++] = *c;
	}
	lq->pattern[len++] = '%';
	lq->pattern[len] = '\0';
cleanup:
	free(folded);
	return rc;
}

int mc_sqlite_dossier_list(mc_sqlite *st, mc_dossier **out, size_t *n, int64_t *total,
			  const mc_dossier_query *q)
{
	struct list_q lq = {0};
	char lo[256];
	char hi[256];
	sqlite3_stmt *s = NULL;
	mc_dossier *list = NULL;
	size_t len = 0;
	size_t cap = 0;
	unsigned mask = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (total)
		*total = 0;
	if (q->limit < 1 || q->limit > 200 || q->offset < 0) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	if (q->unit_id) {
		rc = mc_sq_unit_range(st, lo, hi, q->unit_id);
		if (rc == MC_ENOTFOUND) {
			/* An unknown unit has an empty subtree. */
			rc = 0;
			goto cleanup;
		}
		if (rc)
			goto cleanup;
		mask |= F_UNIT;
	}
	if (q->owner_id)
		mask |= F_OWNER;
	if (q->handler_id)
		mask |= F_HANDLER;
	if (q->state)
		mask |= F_STATE;
	if (q->open_only)
		mask |= F_OPEN;
	if (q->q) {
		rc = list_q_make(&lq, q->q);
		if (rc)
			goto cleanup;
		if (lq.raw[0])
			mask |= F_Q;
	}
	if (q->received_from)
		mask |= F_FROM;
	if (q->received_to)
		mask |= F_TO;

	for (int pass = 0; pass < 2; pass++) {
		unsigned m = pass == 0 ? mask : mask | F_ROWS;

		if (pass == 0 && !total)
			continue;
		rc = list_stmt(st, &s, m);
		if (rc)
			goto cleanup;
		if (m & F_UNIT) {
			mc_sq_bind_text(s, 1, lo);
			mc_sq_bind_text(s, 2, hi);
		}
		if (m & F_OWNER)
			mc_sq_bind_int(s, 3, q->owner_id);
		if (m & F_HANDLER)
			mc_sq_bind_int(s, 4, q->handler_id);
		if (m & F_STATE)
			mc_sq_bind_int(s, 5, q->state);
		if (m & F_Q) {
			mc_sq_bind_text(s, 6, lq.code);
			mc_sq_bind_text(s, 7, lq.pattern);
			mc_sq_bind_text(s, 8, lq.raw);
		}
		if (m & F_FROM)
			mc_sq_bind_int(s, 9, q->received_from);
		if (m & F_TO)
			mc_sq_bind_int(s, 10, q->received_to);
		if (pass == 0) {
			rc = mc_sq_row(st, s, "count dossiers");
			if (rc < 0)
				goto cleanup;
			*total = rc ? sqlite3_column_int64(s, 0) : 0;
			mc_sq_done(s);
			s = NULL;
			continue;
		}
		mc_sq_bind_int(s, 11, q->limit);
		mc_sq_bind_int(s, 12, q->offset);
		for (;;) {
			rc = mc_sq_row(st, s, "list dossiers");
			if (rc != 1)
				break;
			if (len == cap) {
				cap = cap ? cap * 2 : 16;
				list = mc_xrealloc(list, cap * sizeof(*list));
			}
			dossier_read(&list[len++], s);
		}
	}
cleanup:
	mc_sq_done(s);
	list_q_free(&lq);
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}

/* ---- events ----------------------------------------------------------- */

int mc_sqlite_event_append(mc_sqlite *st, mc_event *e)
{
	static const char prev_sql[] = "SELECT hash FROM event WHERE dossier_id = ?1 ORDER BY id DESC LIMIT 1";
	static const char sql[] =
	    "INSERT INTO event (dossier_id, province_code, at, actor_id, actor_name, unit_id, "
	    "action, from_state, to_state, step, note, hash) VALUES (?1, coalesce((SELECT "
	    "province_code FROM dossier WHERE id = ?1), ''), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	sqlite3_stmt *s = NULL;
	char prev[65] = "";
	int rc = mc_sq_prepare(st, &s, prev_sql);

	if (rc)
		goto cleanup;
	/* The chain: this event's hash covers the hash of the one before it. */
	mc_sq_bind_int(s, 1, e->dossier_id);
	rc = mc_sq_row(st, s, "read the previous event");
	if (rc < 0)
		goto cleanup;
	if (rc > 0)
		MC_SQ_COL_FIELD(prev, s, 0);
	mc_sq_done(s);
	s = NULL;
	mc_audit_event_hash(e->hash, prev, e->dossier_id, e->at, e->actor_id, e->actor_name, e->unit_id, e->action,
			    e->from_state, e->to_state, e->step, e->note);
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, e->dossier_id);
	mc_sq_bind_int(s, 2, e->at);
	mc_sq_bind_ref(s, 3, e->actor_id);
	MC_SQ_BIND_FIELD(s, 4, e->actor_name);
	mc_sq_bind_ref(s, 5, e->unit_id);
	MC_SQ_BIND_FIELD(s, 6, e->action);
	mc_sq_bind_int(s, 7, e->from_state);
	mc_sq_bind_int(s, 8, e->to_state);
	mc_sq_bind_int(s, 9, e->step);
	MC_SQ_BIND_FIELD(s, 10, e->note);
	MC_SQ_BIND_FIELD(s, 11, e->hash);
	rc = mc_sq_exec(st, s, "append event");
	if (rc == 0)
		e->id = sqlite3_last_insert_rowid(st->db);
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_event_scan(mc_sqlite *st, int (*cb)(const mc_event *e, void *payload), void *payload)
{
	static const char sql[] =
	    "SELECT id, dossier_id, at, coalesce(actor_id, 0), actor_name, coalesce(unit_id, 0), action, "
	    "from_state, to_state, step, note, hash FROM event ORDER BY dossier_id, id";
	sqlite3_stmt *s = NULL;
	mc_event *e = mc_xmalloc(sizeof(*e));
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	while ((rc = mc_sq_row(st, s, "scan events")) == 1) {
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(s, 0);
		e->dossier_id = sqlite3_column_int64(s, 1);
		e->at = sqlite3_column_int64(s, 2);
		e->actor_id = sqlite3_column_int64(s, 3);
		MC_SQ_COL_FIELD(e->actor_name, s, 4);
		e->unit_id = sqlite3_column_int64(s, 5);
		MC_SQ_COL_FIELD(e->action, s, 6);
		e->from_state = sqlite3_column_int(s, 7);
		e->to_state = sqlite3_column_int(s, 8);
		e->step = sqlite3_column_int(s, 9);
		MC_SQ_COL_FIELD(e->note, s, 10);
		MC_SQ_COL_FIELD(e->hash, s, 11);
		rc = cb(e, payload);
		if (rc != 0)
			break;
	}
cleanup:
	mc_sq_done(s);
	free(e);
	return rc;
}

int mc_sqlite_event_list(mc_sqlite *st, mc_event **out, size_t *n, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT id, dossier_id, at, actor_id, actor_name, unit_id, action, from_state, "
	    "to_state, step, note, hash FROM event WHERE dossier_id = ?1 ORDER BY at, id";
	sqlite3_stmt *s = NULL;
	mc_event *list = NULL;
	size_t len = 0;
	size_t cap = 0;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, dossier_id);
	for (;;) {
		mc_event *e;

		rc = mc_sq_row(st, s, "list events");
		if (rc != 1)
			break;
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		e = &list[len++];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(s, 0);
		e->dossier_id = sqlite3_column_int64(s, 1);
		e->at = sqlite3_column_int64(s, 2);
		e->actor_id = sqlite3_column_int64(s, 3);
		MC_SQ_COL_FIELD(e->actor_name, s, 4);
		e->unit_id = sqlite3_column_int64(s, 5);
		MC_SQ_COL_FIELD(e->action, s, 6);
		e->from_state = sqlite3_column_int(s, 7);
		e->to_state = sqlite3_column_int(s, 8);
		e->step = sqlite3_column_int(s, 9);
		MC_SQ_COL_FIELD(e->note, s, 10);
		MC_SQ_COL_FIELD(e->hash, s, 11);
	}
cleanup:
	mc_sq_done(s);
	if (rc < 0) {
		free(list);
		list = NULL;
		len = 0;
	}
	*out = list;
	*n = len;
	return rc < 0 ? rc : 0;
}

/* One statement for the public lookup's miss: the dossier and its
 * procedure's name on every row, with one event per row (none: one row with
 * a NULL event), in the order of event_dossier. */
int mc_sqlite_dossier_public(mc_sqlite *st, mc_dossier *out, char *procedure_name, size_t name_cap,
			     mc_event **events, size_t *n, const char *code)
{
	static const char sql[] =
	    "SELECT " DOSSIER_COLS ", p.name, e.id, e.at, e.unit_id, e.action, e.from_state, e.to_state, e.step"
	    " FROM dossier d JOIN procedure p ON p.id = d.procedure_id"
	    " LEFT JOIN event e ON e.dossier_id = d.id WHERE d.code = ?1 ORDER BY e.at, e.id";
	sqlite3_stmt *s = NULL;
	mc_event *list = NULL;
	size_t len = 0;
	size_t cap = 0;
	bool found = false;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, code);
	for (;;) {
		mc_event *e;

		rc = mc_sq_row(st, s, "read public dossier");
		if (rc != 1)
			break;
		if (!found) {
			dossier_read(out, s);
			mc_sq_col_text(procedure_name, name_cap, s, 30);
			found = true;
		}
		if (sqlite3_column_type(s, 31) == SQLITE_NULL)
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		e = &list[len++];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(s, 31);
		e->dossier_id = out->id;
		e->at = sqlite3_column_int64(s, 32);
		e->unit_id = sqlite3_column_int64(s, 33);
		MC_SQ_COL_FIELD(e->action, s, 34);
		e->from_state = sqlite3_column_int(s, 35);
		e->to_state = sqlite3_column_int(s, 36);
		e->step = sqlite3_column_int(s, 37);
	}
	if (rc == 0 && !found)
		rc = MC_ENOTFOUND;
cleanup:
	mc_sq_done(s);
	if (rc < 0) {
		free(list);
		list = NULL;
		len = 0;
	}
	*events = list;
	*n = len;
	return rc < 0 ? rc : 0;
}

void mc_event_free_list(mc_event *list)
{
	free(list);
}
