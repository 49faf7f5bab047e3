/*
 * store_pg_dossier.c - dossiers, their documents, code sequences and the
 * append-only event log in the PostgreSQL store.
 */
#include "store/store_pg_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/audit.h"
#include "core/text.h"

/* Final states (core/dossier.h mc_state_is_final): not_accepted, withdrawn,
 * stopped, returned. */
#define FINAL_STATES "(3, 7, 8, 10)"

#define DOSSIER_COLS                                                                                         \
	"d.id, d.code, d.province_code, d.procedure_id, p.code, d.receiving_unit_id, d.current_unit_id, "    \
	"d.handler_id, d.step, d.channel, d.state, d.resume_state, d.outcome, d.applicant_name, "            \
	"d.applicant_id_number, d.applicant_phone, d.applicant_email, d.applicant_address, d.owner_id, "     \
	"d.duration_hours, d.submitted_at, d.received_at, d.due_at, d.paused_at, d.finished_at, "            \
	"d.returned_at, d.updated_at, d.version, d.note, d.statutory_due_at"

static void dossier_read(mc_dossier *d, const PGresult *r, int row)
{
	memset(d, 0, sizeof(*d));
	d->id = mc_pq_get_i64(r, row, 0);
	MC_PQ_GET_FIELD(d->code, r, row, 1);
	MC_PQ_GET_FIELD(d->province_code, r, row, 2);
	d->procedure_id = mc_pq_get_i64(r, row, 3);
	MC_PQ_GET_FIELD(d->procedure_code, r, row, 4);
	d->receiving_unit_id = mc_pq_get_i64(r, row, 5);
	d->current_unit_id = mc_pq_get_i64(r, row, 6);
	d->handler_id = mc_pq_get_i64(r, row, 7);
	d->step = (int)mc_pq_get_i64(r, row, 8);
	d->channel = (int)mc_pq_get_i64(r, row, 9);
	d->state = (int)mc_pq_get_i64(r, row, 10);
	d->resume_state = (int)mc_pq_get_i64(r, row, 11);
	d->outcome = (int)mc_pq_get_i64(r, row, 12);
	MC_PQ_GET_FIELD(d->applicant_name, r, row, 13);
	MC_PQ_GET_FIELD(d->applicant_id_number, r, row, 14);
	MC_PQ_GET_FIELD(d->applicant_phone, r, row, 15);
	MC_PQ_GET_FIELD(d->applicant_email, r, row, 16);
	MC_PQ_GET_FIELD(d->applicant_address, r, row, 17);
	d->owner_id = mc_pq_get_i64(r, row, 18);
	d->duration_hours = (int32_t)mc_pq_get_i64(r, row, 19);
	d->submitted_at = mc_pq_get_i64(r, row, 20);
	d->received_at = mc_pq_get_i64(r, row, 21);
	d->due_at = mc_pq_get_i64(r, row, 22);
	d->paused_at = mc_pq_get_i64(r, row, 23);
	d->finished_at = mc_pq_get_i64(r, row, 24);
	d->returned_at = mc_pq_get_i64(r, row, 25);
	d->updated_at = mc_pq_get_i64(r, row, 26);
	d->version = mc_pq_get_i64(r, row, 27);
	MC_PQ_GET_FIELD(d->note, r, row, 28);
	d->statutory_due_at = mc_pq_get_i64(r, row, 29);
}

static mc_dossier *dossiers_read(const PGresult *r, size_t *n)
{
	int rows = PQntuples(r);
	mc_dossier *list = rows ? mc_xcalloc((size_t)rows, sizeof(*list)) : NULL;

	for (int i = 0; i < rows; i++)
		dossier_read(&list[i], r, i);
	*n = (size_t)rows;
	return list;
}

/* ---- sequence numbers ------------------------------------------------- */

/*
 * One upsert takes the next number: the row lock it holds until the
 * transaction ends makes every other server that wants a number of the same
 * unit and day wait, then see the new value (read committed re-reads the row),
 * so numbers are unique across processes. The connection also keeps the
 * highest number it handed out, as the SQLite store does, so that a savepoint
 * rolled back by the group committer does not hand the same number out again.
 */
int mc_pg_dossier_next_seq(mc_pg *st, int *out, int64_t unit_id, int32_t local_day, mc_code_space space)
{
	static const char desk_sql[] =
	    "INSERT INTO dossier_seq (unit_id, day, province_code, last) VALUES ($1::bigint, $2::integer, "
	    "coalesce((SELECT province_code FROM unit WHERE id = $1::bigint), ''), $3::integer) "
	    "ON CONFLICT (unit_id, day) DO UPDATE SET last = greatest(dossier_seq.last + 1, $3::integer) "
	    "RETURNING last";
	/* Online submissions number apart (core/code.h), so that they never use up the desk's numbers. */
	static const char online_sql[] =
	    "INSERT INTO dossier_online_seq (unit_id, day, province_code, last) VALUES ($1::bigint, "
	    "$2::integer, "
	    "coalesce((SELECT province_code FROM unit WHERE id = $1::bigint), ''), $3::integer) "
	    "ON CONFLICT (unit_id, day) DO UPDATE SET last = greatest(dossier_online_seq.last + 1, "
	    "$3::integer) "
	    "RETURNING last";
	struct mc_seq_mark *mark = mc_seq_marks_get(&st->marks, unit_id, local_day, (int)space);
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_int(&p, 1, unit_id);
	mc_pq_set_int(&p, 2, local_day);
	mc_pq_set_int(&p, 3, (int64_t)mark->last + 1);
	rc = mc_pq_write(st, &r, space == MC_CODE_ONLINE ? online_sql : desk_sql, &p, "take dossier number");
	if (rc == 0) {
		*out = (int)mc_pq_get_i64(r, 0, 0);
		mark->last = *out;
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

/* ---- dossiers --------------------------------------------------------- */

/* Replaces the documents of dossier id with d's. */
static int docs_write(mc_pg *st, int64_t id, const mc_dossier *d)
{
	static const char del[] = "DELETE FROM dossier_document WHERE dossier_id = $1::bigint";
	static const char ins[] =
	    "INSERT INTO dossier_document (dossier_id, ord, province_code, seq, name, originals, copies, "
	    "sha256, "
	    "filename, mime, size, kind) VALUES ($1::bigint, $2::integer, "
	    "(SELECT province_code FROM dossier WHERE id = $1::bigint), $3::integer, $4::text, $5::integer, "
	    "$6::integer, $7::text, $8::text, $9::text, $10::bigint, $11::text)";
	struct mc_pq_params p = {0};
	int rc;

	mc_pq_set_int(&p, 1, id);
	rc = mc_pq_run(st, NULL, del, &p, "delete dossier documents");
	mc_pq_params_clear(&p);
	for (size_t i = 0; rc == 0 && i < d->n_docs; i++) {
		const mc_dossier_doc *x = &d->docs[i];

		mc_pq_set_int(&p, 1, id);
		mc_pq_set_int(&p, 2, (int64_t)i);
		mc_pq_set_int(&p, 3, x->seq);
		MC_PQ_SET_FIELD(&p, 4, x->name);
		mc_pq_set_int(&p, 5, x->originals);
		mc_pq_set_int(&p, 6, x->copies);
		/* Paper only: no attachment to refer to. */
		if (x->sha256[0])
			MC_PQ_SET_FIELD(&p, 7, x->sha256);
		else
			mc_pq_set_null(&p, 7);
		MC_PQ_SET_FIELD(&p, 8, x->filename);
		MC_PQ_SET_FIELD(&p, 9, x->mime);
		mc_pq_set_int(&p, 10, x->size);
		if (x->kind[0])
			MC_PQ_SET_FIELD(&p, 11, x->kind);
		else
			mc_pq_set_text(&p, 11, "input");
		rc = mc_pq_run(st, NULL, ins, &p, "insert dossier document");
		mc_pq_params_clear(&p);
	}
	return rc;
}

static int docs_load(mc_pg *st, mc_dossier *d)
{
	static const char sql[] = "SELECT seq, name, originals, copies, sha256, filename, mime, size, kind "
				  "FROM dossier_document WHERE dossier_id = $1::bigint ORDER BY ord";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rows;
	int rc;

	mc_pq_set_int(&p, 1, d->id);
	rc = mc_pq_run(st, &r, sql, &p, "read dossier documents");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	if (rows) {
		d->docs = mc_xcalloc((size_t)rows, sizeof(*d->docs));
		d->n_docs = (size_t)rows;
	}
	for (int i = 0; i < rows; i++) {
		mc_dossier_doc *x = &d->docs[i];

		x->seq = (int)mc_pq_get_i64(r, i, 0);
		MC_PQ_GET_FIELD(x->name, r, i, 1);
		x->originals = (int)mc_pq_get_i64(r, i, 2);
		x->copies = (int)mc_pq_get_i64(r, i, 3);
		MC_PQ_GET_FIELD(x->sha256, r, i, 4);
		MC_PQ_GET_FIELD(x->filename, r, i, 5);
		MC_PQ_GET_FIELD(x->mime, r, i, 6);
		x->size = mc_pq_get_i64(r, i, 7);
		MC_PQ_GET_FIELD(x->kind, r, i, 8);
	}
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

/* The mutable fields of d as $3..$26 and $29, as insert and update use them.
 * *folded receives the folded applicant name (caller frees). */
static int dossier_params(struct mc_pq_params *p, char **folded, const mc_dossier *d)
{
	int rc =
	    mc_text_fold(folded, d->applicant_name, strnlen(d->applicant_name, sizeof(d->applicant_name)));

	if (rc)
		return rc;
	mc_pq_set_ref(p, 3, d->receiving_unit_id);
	mc_pq_set_ref(p, 4, d->current_unit_id);
	mc_pq_set_ref(p, 5, d->handler_id);
	mc_pq_set_int(p, 6, d->step);
	mc_pq_set_int(p, 7, d->channel);
	mc_pq_set_int(p, 8, d->state);
	mc_pq_set_int(p, 9, d->resume_state);
	mc_pq_set_int(p, 10, d->outcome);
	MC_PQ_SET_FIELD(p, 11, d->applicant_name);
	mc_pq_set_text(p, 12, *folded);
	MC_PQ_SET_FIELD(p, 13, d->applicant_id_number);
	MC_PQ_SET_FIELD(p, 14, d->applicant_phone);
	MC_PQ_SET_FIELD(p, 15, d->applicant_email);
	MC_PQ_SET_FIELD(p, 16, d->applicant_address);
	mc_pq_set_ref(p, 17, d->owner_id);
	mc_pq_set_int(p, 18, d->duration_hours);
	mc_pq_set_int(p, 19, d->submitted_at);
	mc_pq_set_int(p, 20, d->received_at);
	mc_pq_set_int(p, 21, d->due_at);
	mc_pq_set_int(p, 22, d->paused_at);
	mc_pq_set_int(p, 23, d->finished_at);
	mc_pq_set_int(p, 24, d->returned_at);
	mc_pq_set_int(p, 25, d->updated_at);
	MC_PQ_SET_FIELD(p, 26, d->note);
	mc_pq_set_int(p, 29, d->statutory_due_at);
	return 0;
}

int mc_pg_dossier_insert(mc_pg *st, mc_dossier *d)
{
	/* The province defaults to the receiving unit's; the procedure may be
	 * named by code alone. */
	static const char sql[] =
	    "INSERT INTO dossier (code, province_code, procedure_id, receiving_unit_id, current_unit_id, "
	    "handler_id, step, channel, state, resume_state, outcome, applicant_name, applicant_name_folded, "
	    "applicant_id_number, applicant_phone, applicant_email, applicant_address, owner_id, "
	    "duration_hours, submitted_at, received_at, due_at, paused_at, finished_at, returned_at, "
	    "updated_at, note, statutory_due_at, version) VALUES ($1::text, coalesce(nullif($2::text, ''), "
	    "(SELECT province_code FROM unit WHERE id = $3::bigint), ''), "
	    "coalesce($27::bigint, (SELECT id FROM procedure WHERE code = $28::text)), $3::bigint, "
	    "$4::bigint, "
	    "$5::bigint, $6::integer, $7::integer, $8::integer, $9::integer, $10::integer, $11::text, "
	    "$12::text, "
	    "$13::text, $14::text, $15::text, $16::text, $17::bigint, $18::integer, $19::bigint, "
	    "$20::bigint, "
	    "$21::bigint, $22::bigint, $23::bigint, $24::bigint, $25::bigint, $26::text, $29::bigint, 1) "
	    "RETURNING id, province_code, procedure_id, (SELECT code FROM procedure WHERE id = procedure_id)";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char *folded = NULL;
	int64_t id = 0;
	int kind = 0;
	int rc = mc_pq_op_begin(st, &kind);

	if (rc)
		return rc;
	MC_PQ_SET_FIELD(&p, 1, d->code);
	MC_PQ_SET_FIELD(&p, 2, d->province_code);
	rc = dossier_params(&p, &folded, d);
	if (rc)
		goto cleanup;
	mc_pq_set_ref(&p, 27, d->procedure_id);
	MC_PQ_SET_FIELD(&p, 28, d->procedure_code);
	rc = mc_pq_run(st, &r, sql, &p, "insert dossier");
	/* An unknown procedure code leaves procedure_id NULL. */
	if (rc == MC_EINVAL)
		rc = MC_ENOTFOUND;
	if (rc)
		goto cleanup;
	id = mc_pq_get_i64(r, 0, 0);
	MC_PQ_GET_FIELD(d->province_code, r, 0, 1);
	d->procedure_id = mc_pq_get_i64(r, 0, 2);
	MC_PQ_GET_FIELD(d->procedure_code, r, 0, 3);
	if (d->n_docs)
		rc = docs_write(st, id, d);
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	free(folded);
	rc = mc_pq_op_end(st, kind, rc);
	if (rc == 0) {
		d->id = id;
		d->version = 1;
	}
	return rc;
}

int mc_pg_dossier_get(mc_pg *st, mc_dossier *out, const char *code, bool with_docs)
{
	static const char sql[] =
	    "SELECT " DOSSIER_COLS " FROM dossier d JOIN procedure p ON p.id = d.procedure_id "
	    "WHERE d.code = $1::text";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_text(&p, 1, code);
	rc = mc_pq_run(st, &r, sql, &p, "read dossier");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0) {
		dossier_read(out, r, 0);
		if (with_docs)
			rc = docs_load(st, out);
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_dossier_version(mc_pg *st, int64_t *out, const char *code)
{
	static const char sql[] = "SELECT version FROM dossier WHERE code = $1::text";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_text(&p, 1, code);
	rc = mc_pq_run(st, &r, sql, &p, "read dossier version");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		*out = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_dossier_by_attachment(mc_pg *st, mc_dossier **out, size_t *n, const char *sha256)
{
	static const char sql[] =
	    "SELECT " DOSSIER_COLS " FROM dossier d JOIN procedure p ON p.id = d.procedure_id "
	    "WHERE d.id IN (SELECT dossier_id FROM dossier_document WHERE sha256 = $1::text) "
	    "ORDER BY d.id LIMIT 50";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	mc_pq_set_text(&p, 1, sha256);
	rc = mc_pq_run(st, &r, sql, &p, "list dossiers of an attachment");
	if (rc == 0)
		*out = dossiers_read(r, n);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_dossier_update(mc_pg *st, mc_dossier *d, int64_t expected_version)
{
	static const char upd[] =
	    "UPDATE dossier SET receiving_unit_id = $3::bigint, current_unit_id = $4::bigint, "
	    "handler_id = $5::bigint, step = $6::integer, channel = $7::integer, state = $8::integer, "
	    "resume_state = $9::integer, outcome = $10::integer, applicant_name = $11::text, "
	    "applicant_name_folded = $12::text, applicant_id_number = $13::text, applicant_phone = "
	    "$14::text, "
	    "applicant_email = $15::text, applicant_address = $16::text, owner_id = $17::bigint, "
	    "duration_hours = $18::integer, submitted_at = $19::bigint, received_at = $20::bigint, "
	    "due_at = $21::bigint, paused_at = $22::bigint, finished_at = $23::bigint, returned_at = "
	    "$24::bigint, "
	    "updated_at = $25::bigint, note = $26::text, statutory_due_at = $29::bigint, version = version + "
	    "1 "
	    "WHERE id = $1::bigint AND version = $2::bigint";
	static const char exists[] = "SELECT 1 FROM dossier WHERE id = $1::bigint";
	static const Oid update_types[29] = {
	    MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT4, MC_PQ_INT4, MC_PQ_INT4,
	    MC_PQ_INT4, MC_PQ_INT4, MC_PQ_TEXT, MC_PQ_TEXT, MC_PQ_TEXT, MC_PQ_TEXT, MC_PQ_TEXT, MC_PQ_TEXT,
	    MC_PQ_INT8, MC_PQ_INT4, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT8,
	    MC_PQ_INT8, MC_PQ_TEXT, MC_PQ_INT8, MC_PQ_TEXT, MC_PQ_INT8};
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char *folded = NULL;
	int kind = 0;
	int rc = mc_pq_op_begin(st, &kind);

	if (rc)
		return rc;
	mc_pq_set_int(&p, 1, d->id);
	mc_pq_set_int(&p, 2, expected_version);
	rc = dossier_params(&p, &folded, d);
	/* $27 and $28 are the insert's; the update does not use them, so their
	 * types are given (and all 29 values sent). */
	mc_pq_set_null(&p, 27);
	mc_pq_set_null(&p, 28);
	if (rc == 0)
		rc = mc_pq_run_typed(st, &r, upd, 0, upd, MC_ARRAY_LEN(update_types), update_types, &p,
				     "update dossier");
	if (rc)
		goto cleanup;
	mc_pq_params_clear(&p);
	if (mc_pq_changes(r) == 0) {
		/* Either someone else moved the version, or there is no such dossier. */
		PQclear(r);
		r = NULL;
		mc_pq_set_int(&p, 1, d->id);
		rc = mc_pq_run(st, &r, exists, &p, "read dossier");
		if (rc == 0)
			rc = PQntuples(r) ? MC_ECONFLICT : MC_ENOTFOUND;
		goto cleanup;
	}
	if (d->docs)
		rc = docs_write(st, d->id, d);
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	free(folded);
	rc = mc_pq_op_end(st, kind, rc);
	if (rc == 0)
		d->version = expected_version + 1;
	return rc;
}

/* ---- the dossier list ------------------------------------------------- */

/* As in the SQLite store: the WHERE clause is put together from constant
 * fragments by the filters that are set, and each combination is prepared
 * once. */
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
    " AND (d.current_unit_id IN (SELECT id FROM unit WHERE path >= $1::text AND path < $2::text)"
    " OR d.receiving_unit_id IN (SELECT id FROM unit WHERE path >= $1::text AND path < $2::text))",
    " AND d.owner_id = $3::bigint",
    " AND d.handler_id = $4::bigint",
    " AND d.state = $5::integer",
    " AND d.state NOT IN " FINAL_STATES,
    " AND (left(d.code, length($6::text)) = $6::text OR d.applicant_name_folded LIKE $7::text ESCAPE '\\'"
    " OR d.applicant_id_number = $8::text)",
    " AND d.received_at >= $9::bigint",
    " AND d.received_at > 0 AND d.received_at < $10::bigint",
};

static const char list_order[] = " ORDER BY d.state IN " FINAL_STATES ","
				 " CASE WHEN d.state NOT IN " FINAL_STATES " THEN d.due_at = 0 END,"
				 " CASE WHEN d.state NOT IN " FINAL_STATES " THEN d.due_at END,"
				 " CASE WHEN d.state IN " FINAL_STATES " THEN d.received_at END DESC, d.id"
				 " LIMIT $11::bigint OFFSET $12::bigint";

static const char list_key; /* its address keys the cached list statements */

static const Oid list_types[12] = {MC_PQ_TEXT, MC_PQ_TEXT, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT4, MC_PQ_TEXT,
				   MC_PQ_TEXT, MC_PQ_TEXT, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT8, MC_PQ_INT8};

static int list_sql(char *sql, size_t cap, unsigned mask)
{
	size_t len;

	if (mask & F_ROWS)
		len = (size_t)snprintf(sql, cap,
				       "SELECT " DOSSIER_COLS
				       " FROM dossier d JOIN procedure p ON p.id = d.procedure_id "
				       "WHERE true");
	else
		len = (size_t)snprintf(sql, cap, "SELECT count(*) FROM dossier d WHERE true");
	for (size_t i = 0; i < MC_ARRAY_LEN(list_filters); i++) {
		if ((mask & (1u << i)) && len < cap)
			len += (size_t)snprintf(sql + len, cap - len, "%s", list_filters[i]);
	}
	if ((mask & F_ROWS) && len < cap)
		len += (size_t)snprintf(sql + len, cap - len, "%s", list_order);
	if (len >= cap) {
		fprintf(stderr, "could not build dossier list query: too long\n");
		return MC_ERROR;
	}
	return 0;
}

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
	rc = mc_text_fold(&folded, lq->raw, strlen(lq->raw));
	if (rc || !folded[0])
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

int mc_pg_dossier_list(mc_pg *st, mc_dossier **out, size_t *n, int64_t *total, const mc_dossier_query *q)
{
	struct list_q lq = {0};
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char lo[256];
	char hi[256];
	char sql[3072];
	unsigned mask = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (total)
		*total = 0;
	if (q->limit < 1 || q->limit > 200 || q->offset < 0)
		return MC_EINVAL;
	if (q->unit_id) {
		rc = mc_pq_unit_range(st, lo, hi, q->unit_id);
		if (rc == MC_ENOTFOUND) {
			/* An unknown unit has an empty subtree. */
			return 0;
		}
		if (rc)
			return rc;
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

	/* A statement names only the parameters of its filters; all twelve are
	 * sent, the others NULL, with their types given. */
	for (int pass = 0; pass < 2; pass++) {
		unsigned m = pass == 0 ? mask : mask | F_ROWS;

		if (pass == 0 && !total)
			continue;
		mc_pq_params_clear(&p);
		mc_pq_set_null(&p, 12);
		if (m & F_UNIT) {
			mc_pq_set_text(&p, 1, lo);
			mc_pq_set_text(&p, 2, hi);
		}
		if (m & F_OWNER) {
			mc_pq_set_int(&p, 3, q->owner_id);
		}
		if (m & F_HANDLER) {
			mc_pq_set_int(&p, 4, q->handler_id);
		}
		if (m & F_STATE) {
			mc_pq_set_int(&p, 5, q->state);
		}
		if (m & F_Q) {
			mc_pq_set_text(&p, 6, lq.code);
			mc_pq_set_text(&p, 7, lq.pattern);
			mc_pq_set_text(&p, 8, lq.raw);
		}
		if (m & F_FROM) {
			mc_pq_set_int(&p, 9, q->received_from);
		}
		if (m & F_TO) {
			mc_pq_set_int(&p, 10, q->received_to);
		}
		if (m & F_ROWS) {
			mc_pq_set_int(&p, 11, q->limit);
			mc_pq_set_int(&p, 12, q->offset);
		}
		rc = list_sql(sql, sizeof(sql), m);
		if (rc)
			goto cleanup;
		rc = mc_pq_run_typed(st, &r, &list_key, m, sql, MC_ARRAY_LEN(list_types), list_types, &p,
				     pass == 0 ? "count dossiers" : "list dossiers");
		if (rc)
			goto cleanup;
		if (pass == 0)
			*total = mc_pq_get_i64(r, 0, 0);
		else
			*out = dossiers_read(r, n);
		PQclear(r);
		r = NULL;
	}
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	list_q_free(&lq);
	return rc;
}

/* ---- events ----------------------------------------------------------- */

int mc_pg_event_append(mc_pg *st, mc_event *e)
{
	static const char prev_sql[] =
	    "SELECT hash FROM event WHERE dossier_id = $1::bigint ORDER BY id DESC LIMIT 1";
	static const char sql[] =
	    "INSERT INTO event (dossier_id, province_code, at, actor_id, actor_name, unit_id, action, "
	    "from_state, "
	    "to_state, step, note, hash) VALUES ($1::bigint, coalesce((SELECT province_code FROM dossier "
	    "WHERE "
	    "id = $1::bigint), ''), $2::bigint, $3::bigint, $4::text, $5::bigint, $6::text, $7::integer, "
	    "$8::integer, $9::integer, $10::text, $11::text) RETURNING id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char prev[65] = "";
	int rc;

	/* The chain: this event's hash covers the hash of the one before it. */
	mc_pq_set_int(&p, 1, e->dossier_id);
	rc = mc_pq_run(st, &r, prev_sql, &p, "read the previous event");
	if (rc)
		goto cleanup;
	if (PQntuples(r) > 0)
		MC_PQ_GET_FIELD(prev, r, 0, 0);
	PQclear(r);
	r = NULL;
	mc_audit_event_hash(e->hash, prev, e->dossier_id, e->at, e->actor_id, e->actor_name, e->unit_id,
			    e->action, e->from_state, e->to_state, e->step, e->note);
	mc_pq_set_int(&p, 2, e->at);
	mc_pq_set_ref(&p, 3, e->actor_id);
	MC_PQ_SET_FIELD(&p, 4, e->actor_name);
	mc_pq_set_ref(&p, 5, e->unit_id);
	MC_PQ_SET_FIELD(&p, 6, e->action);
	mc_pq_set_int(&p, 7, e->from_state);
	mc_pq_set_int(&p, 8, e->to_state);
	mc_pq_set_int(&p, 9, e->step);
	MC_PQ_SET_FIELD(&p, 10, e->note);
	MC_PQ_SET_FIELD(&p, 11, e->hash);
	rc = mc_pq_write(st, &r, sql, &p, "append event");
	if (rc == 0)
		e->id = mc_pq_get_i64(r, 0, 0);
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

static void event_read(mc_event *e, const PGresult *r, int row)
{
	memset(e, 0, sizeof(*e));
	e->id = mc_pq_get_i64(r, row, 0);
	e->dossier_id = mc_pq_get_i64(r, row, 1);
	e->at = mc_pq_get_i64(r, row, 2);
	e->actor_id = mc_pq_get_i64(r, row, 3);
	MC_PQ_GET_FIELD(e->actor_name, r, row, 4);
	e->unit_id = mc_pq_get_i64(r, row, 5);
	MC_PQ_GET_FIELD(e->action, r, row, 6);
	e->from_state = (int)mc_pq_get_i64(r, row, 7);
	e->to_state = (int)mc_pq_get_i64(r, row, 8);
	e->step = (int)mc_pq_get_i64(r, row, 9);
	MC_PQ_GET_FIELD(e->note, r, row, 10);
	MC_PQ_GET_FIELD(e->hash, r, row, 11);
}

#define EVENT_COLS                                                                                           \
	"id, dossier_id, at, actor_id, actor_name, unit_id, action, from_state, to_state, step, note, hash"

int mc_pg_event_scan(mc_pg *st, int (*cb)(const mc_event *e, void *payload), void *payload)
{
	/* Pages by (dossier_id, id), so that a log of millions of events is never
	 * held in memory at once. */
	static const char sql[] =
	    "SELECT " EVENT_COLS " FROM event WHERE (dossier_id, id) > ($1::bigint, $2::bigint) "
	    "ORDER BY dossier_id, id LIMIT 1000";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	mc_event *e = mc_xmalloc(sizeof(*e));
	int64_t after_dossier = 0;
	int64_t after_id = 0;
	int rc = 0;

	for (;;) {
		int rows;

		mc_pq_set_int(&p, 1, after_dossier);
		mc_pq_set_int(&p, 2, after_id);
		rc = mc_pq_run(st, &r, sql, &p, "scan events");
		if (rc)
			break;
		rows = PQntuples(r);
		for (int i = 0; rc == 0 && i < rows; i++) {
			event_read(e, r, i);
			after_dossier = e->dossier_id;
			after_id = e->id;
			rc = cb(e, payload);
		}
		PQclear(r);
		r = NULL;
		if (rc || rows < 1000)
			break;
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	free(e);
	return rc;
}

/* The public lookup's reads, composed: the dossier, its procedure, its events. */
int mc_pg_dossier_public(mc_pg *st, mc_dossier *out, char *procedure_name, size_t name_cap, mc_event **events,
			 size_t *n, const char *code)
{
	mc_procedure *p = NULL;
	int rc;

	*events = NULL;
	*n = 0;
	rc = mc_pg_dossier_get(st, out, code, false);
	if (rc)
		goto cleanup;
	p = mc_xcalloc(1, sizeof(*p));
	if (mc_store_procedure_get_id(&st->base, p, out->procedure_id, false) == 0)
		mc_strlcpy(procedure_name, p->name, name_cap);
	rc = mc_pg_event_list(st, events, n, out->id);
cleanup:
	free(p);
	return rc;
}

int mc_pg_event_list(mc_pg *st, mc_event **out, size_t *n, int64_t dossier_id)
{
	static const char sql[] =
	    "SELECT " EVENT_COLS " FROM event WHERE dossier_id = $1::bigint ORDER BY at, id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	mc_event *list = NULL;
	int rows;
	int rc;

	*out = NULL;
	*n = 0;
	mc_pq_set_int(&p, 1, dossier_id);
	rc = mc_pq_run(st, &r, sql, &p, "list events");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	if (rows) {
		list = mc_xcalloc((size_t)rows, sizeof(*list));
		for (int i = 0; i < rows; i++)
			event_read(&list[i], r, i);
	}
	*out = list;
	*n = (size_t)rows;
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}
