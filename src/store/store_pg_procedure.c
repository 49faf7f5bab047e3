/*
 * store_pg_procedure.c - the procedure catalogue in the PostgreSQL store: the
 * procedures with their parts, and the diacritic-insensitive search over them
 * (a tsvector over the folded text, migrations/postgresql/001_init.sql).
 */
#include "store/store_pg_int.h"

#include <stdlib.h>

#include "core/text.h"

#define PROC_COLS                                                                                            \
	"p.id, p.code, p.name, p.field, p.levels, p.unit_id, p.duration_hours, p.online_duration_hours, "    \
	"p.cutoff_min, p.restart_on_supplement, p.online_level, p.status, p.target, p.result, "              \
	"p.legal_basis, p.place"

static void proc_read(mc_procedure *p, const PGresult *r, int row)
{
	memset(p, 0, sizeof(*p));
	p->id = mc_pq_get_i64(r, row, 0);
	MC_PQ_GET_FIELD(p->code, r, row, 1);
	MC_PQ_GET_FIELD(p->name, r, row, 2);
	MC_PQ_GET_FIELD(p->field, r, row, 3);
	MC_PQ_GET_FIELD(p->levels, r, row, 4);
	p->unit_id = mc_pq_get_i64(r, row, 5);
	p->duration_hours = (int32_t)mc_pq_get_i64(r, row, 6);
	p->online_duration_hours = (int32_t)mc_pq_get_i64(r, row, 7);
	p->cutoff_min = (int)mc_pq_get_i64(r, row, 8);
	p->restart_on_supplement = mc_pq_get_bool(r, row, 9);
	p->online_level = (int)mc_pq_get_i64(r, row, 10);
	MC_PQ_GET_FIELD(p->status, r, row, 11);
	MC_PQ_GET_FIELD(p->target, r, row, 12);
	MC_PQ_GET_FIELD(p->result, r, row, 13);
	MC_PQ_GET_FIELD(p->legal_basis, r, row, 14);
	MC_PQ_GET_FIELD(p->place, r, row, 15);
}

/* The scalar fields of x as 18 parameters from $<first> on. The folded texts
 * are stored in *folded (three strings the caller frees). */
static int proc_params(struct mc_pq_params *p, int first, char *folded[3], const mc_procedure *x)
{
	int rc = mc_text_fold(&folded[0], x->name, strnlen(x->name, sizeof(x->name)));

	if (rc == 0)
		rc = mc_text_fold(&folded[1], x->code, strnlen(x->code, sizeof(x->code)));
	if (rc == 0)
		rc = mc_text_fold(&folded[2], x->field, strnlen(x->field, sizeof(x->field)));
	if (rc)
		return rc;
	MC_PQ_SET_FIELD(p, first + 0, x->code);
	MC_PQ_SET_FIELD(p, first + 1, x->name);
	MC_PQ_SET_FIELD(p, first + 2, x->field);
	MC_PQ_SET_FIELD(p, first + 3, x->levels);
	mc_pq_set_ref(p, first + 4, x->unit_id);
	mc_pq_set_int(p, first + 5, x->duration_hours);
	mc_pq_set_int(p, first + 6, x->online_duration_hours);
	mc_pq_set_int(p, first + 7, x->cutoff_min);
	mc_pq_set_bool(p, first + 8, x->restart_on_supplement);
	mc_pq_set_int(p, first + 9, x->online_level);
	mc_pq_set_textn(p, first + 10, x->status[0] ? x->status : "active", sizeof(x->status));
	MC_PQ_SET_FIELD(p, first + 11, x->target);
	MC_PQ_SET_FIELD(p, first + 12, x->result);
	MC_PQ_SET_FIELD(p, first + 13, x->legal_basis);
	MC_PQ_SET_FIELD(p, first + 14, x->place);
	mc_pq_set_text(p, first + 15, folded[0]);
	mc_pq_set_text(p, first + 16, folded[1]);
	mc_pq_set_text(p, first + 17, folded[2]);
	return 0;
}

/* Inserts every part of x under procedure id. */
static int parts_insert(mc_pg *st, const mc_procedure *x, int64_t id)
{
	static const char step_sql[] =
	    "INSERT INTO procedure_step (procedure_id, ord, seq, name, role, unit_level, "
	    "hours) VALUES ($1::bigint, $2::integer, $3::integer, $4::text, $5::text, "
	    "$6::text, $7::integer)";
	static const char doc_sql[] =
	    "INSERT INTO procedure_document (procedure_id, ord, seq, name, originals, copies, form, "
	    "required) "
	    "VALUES ($1::bigint, $2::integer, $3::integer, $4::text, $5::integer, $6::integer, $7::text, "
	    "$8::boolean)";
	static const char fee_sql[] = "INSERT INTO procedure_fee (procedure_id, ord, code, name, amount) "
				      "VALUES ($1::bigint, $2::integer, $3::text, $4::text, $5::bigint)";
	static const char pub_sql[] =
	    "INSERT INTO procedure_publication (procedure_id, ord, kind, decision, day) "
	    "VALUES ($1::bigint, $2::integer, $3::text, $4::text, $5::integer)";
	struct mc_pq_params p = {0};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < x->n_steps; i++) {
		const mc_proc_step *s = &x->steps[i];

		mc_pq_set_int(&p, 1, id);
		mc_pq_set_int(&p, 2, (int64_t)i);
		mc_pq_set_int(&p, 3, s->seq);
		MC_PQ_SET_FIELD(&p, 4, s->name);
		MC_PQ_SET_FIELD(&p, 5, s->role);
		MC_PQ_SET_FIELD(&p, 6, s->unit_level);
		mc_pq_set_int(&p, 7, s->hours);
		rc = mc_pq_run(st, NULL, step_sql, &p, "insert procedure step");
		mc_pq_params_clear(&p);
	}
	for (size_t i = 0; rc == 0 && i < x->n_docs; i++) {
		const mc_proc_doc *d = &x->docs[i];

		mc_pq_set_int(&p, 1, id);
		mc_pq_set_int(&p, 2, (int64_t)i);
		mc_pq_set_int(&p, 3, d->seq);
		MC_PQ_SET_FIELD(&p, 4, d->name);
		mc_pq_set_int(&p, 5, d->originals);
		mc_pq_set_int(&p, 6, d->copies);
		MC_PQ_SET_FIELD(&p, 7, d->form);
		mc_pq_set_bool(&p, 8, d->required);
		rc = mc_pq_run(st, NULL, doc_sql, &p, "insert procedure document");
		mc_pq_params_clear(&p);
	}
	for (size_t i = 0; rc == 0 && i < x->n_fees; i++) {
		const mc_proc_fee *f = &x->fees[i];

		mc_pq_set_int(&p, 1, id);
		mc_pq_set_int(&p, 2, (int64_t)i);
		MC_PQ_SET_FIELD(&p, 3, f->code);
		MC_PQ_SET_FIELD(&p, 4, f->name);
		mc_pq_set_int(&p, 5, f->amount);
		rc = mc_pq_run(st, NULL, fee_sql, &p, "insert procedure fee");
		mc_pq_params_clear(&p);
	}
	for (size_t i = 0; rc == 0 && i < x->n_pubs; i++) {
		const mc_proc_pub *b = &x->pubs[i];

		mc_pq_set_int(&p, 1, id);
		mc_pq_set_int(&p, 2, (int64_t)i);
		MC_PQ_SET_FIELD(&p, 3, b->kind);
		MC_PQ_SET_FIELD(&p, 4, b->decision);
		mc_pq_set_int(&p, 5, b->day);
		rc = mc_pq_run(st, NULL, pub_sql, &p, "insert procedure publication");
		mc_pq_params_clear(&p);
	}
	return rc;
}

int mc_pg_procedure_create(mc_pg *st, mc_procedure *x)
{
	static const char sql[] =
	    "INSERT INTO procedure (code, name, field, levels, unit_id, duration_hours, "
	    "online_duration_hours, "
	    "cutoff_min, restart_on_supplement, online_level, status, target, result, legal_basis, place, "
	    "name_folded, code_folded, field_folded) VALUES ($1::text, $2::text, $3::text, $4::text, "
	    "$5::bigint, "
	    "$6::integer, $7::integer, $8::integer, $9::boolean, $10::integer, $11::text, $12::text, "
	    "$13::text, "
	    "$14::text, $15::text, $16::text, $17::text, $18::text) RETURNING id";
	struct mc_pq_params p = {0};
	char *folded[3] = {NULL, NULL, NULL};
	PGresult *r = NULL;
	int64_t id = 0;
	int kind = 0;
	int rc = mc_pq_op_begin(st, &kind);

	if (rc)
		return rc;
	rc = proc_params(&p, 1, folded, x);
	if (rc == 0)
		rc = mc_pq_run(st, &r, sql, &p, "insert procedure");
	if (rc)
		goto cleanup;
	id = mc_pq_get_i64(r, 0, 0);
	rc = parts_insert(st, x, id);
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	for (int i = 0; i < 3; i++)
		free(folded[i]);
	rc = mc_pq_op_end(st, kind, rc);
	if (rc == 0)
		x->id = id;
	return rc;
}

int mc_pg_procedure_update(mc_pg *st, mc_procedure *x)
{
	static const char find[] = "SELECT id FROM procedure WHERE code = $1::text";
	static const char upd[] =
	    "UPDATE procedure SET name = $3::text, field = $4::text, levels = $5::text, unit_id = "
	    "$6::bigint, "
	    "duration_hours = $7::integer, online_duration_hours = $8::integer, cutoff_min = $9::integer, "
	    "restart_on_supplement = $10::boolean, online_level = $11::integer, status = $12::text, "
	    "target = $13::text, result = $14::text, legal_basis = $15::text, place = $16::text, "
	    "name_folded = $17::text, code_folded = $18::text, field_folded = $19::text "
	    "WHERE id = $1::bigint AND code = $2::text";
	static const char *const del[] = {
	    "DELETE FROM procedure_step WHERE procedure_id = $1::bigint",
	    "DELETE FROM procedure_document WHERE procedure_id = $1::bigint",
	    "DELETE FROM procedure_fee WHERE procedure_id = $1::bigint",
	    "DELETE FROM procedure_publication WHERE procedure_id = $1::bigint",
	};
	struct mc_pq_params p = {0};
	char *folded[3] = {NULL, NULL, NULL};
	PGresult *r = NULL;
	int64_t id = 0;
	int kind = 0;
	int rc = mc_pq_op_begin(st, &kind);

	if (rc)
		return rc;
	MC_PQ_SET_FIELD(&p, 1, x->code);
	rc = mc_pq_run(st, &r, find, &p, "find procedure");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc)
		goto cleanup;
	id = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	r = NULL;
	mc_pq_params_clear(&p);
	rc = proc_params(&p, 2, folded, x);
	if (rc)
		goto cleanup;
	mc_pq_set_int(&p, 1, id);
	rc = mc_pq_run(st, NULL, upd, &p, "update procedure");
	mc_pq_params_clear(&p);
	for (size_t i = 0; rc == 0 && i < MC_ARRAY_LEN(del); i++) {
		mc_pq_set_int(&p, 1, id);
		rc = mc_pq_run(st, NULL, del[i], &p, "delete procedure parts");
		mc_pq_params_clear(&p);
	}
	if (rc == 0)
		rc = parts_insert(st, x, id);
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	for (int i = 0; i < 3; i++)
		free(folded[i]);
	rc = mc_pq_op_end(st, kind, rc);
	if (rc == 0)
		x->id = id;
	return rc;
}

/* Loads the four parts of x (x->id set). */
static int parts_load(mc_pg *st, mc_procedure *x)
{
	static const char step_sql[] = "SELECT seq, name, role, unit_level, hours FROM procedure_step "
				       "WHERE procedure_id = $1::bigint ORDER BY ord";
	static const char doc_sql[] =
	    "SELECT seq, name, originals, copies, form, required FROM procedure_document "
	    "WHERE procedure_id = $1::bigint ORDER BY ord";
	static const char fee_sql[] = "SELECT code, name, amount FROM procedure_fee "
				      "WHERE procedure_id = $1::bigint ORDER BY ord";
	static const char pub_sql[] = "SELECT kind, decision, day FROM procedure_publication "
				      "WHERE procedure_id = $1::bigint ORDER BY ord";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rows;
	int rc;

	mc_pq_set_int(&p, 1, x->id);
	rc = mc_pq_run(st, &r, step_sql, &p, "read procedure steps");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	if (rows) {
		x->steps = mc_xcalloc((size_t)rows, sizeof(*x->steps));
		x->n_steps = (size_t)rows;
	}
	for (int i = 0; i < rows; i++) {
		x->steps[i].seq = (int)mc_pq_get_i64(r, i, 0);
		MC_PQ_GET_FIELD(x->steps[i].name, r, i, 1);
		MC_PQ_GET_FIELD(x->steps[i].role, r, i, 2);
		MC_PQ_GET_FIELD(x->steps[i].unit_level, r, i, 3);
		x->steps[i].hours = (int32_t)mc_pq_get_i64(r, i, 4);
	}
	PQclear(r);
	r = NULL;
	rc = mc_pq_run(st, &r, doc_sql, &p, "read procedure documents");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	if (rows) {
		x->docs = mc_xcalloc((size_t)rows, sizeof(*x->docs));
		x->n_docs = (size_t)rows;
	}
	for (int i = 0; i < rows; i++) {
		x->docs[i].seq = (int)mc_pq_get_i64(r, i, 0);
		MC_PQ_GET_FIELD(x->docs[i].name, r, i, 1);
		x->docs[i].originals = (int)mc_pq_get_i64(r, i, 2);
		x->docs[i].copies = (int)mc_pq_get_i64(r, i, 3);
		MC_PQ_GET_FIELD(x->docs[i].form, r, i, 4);
		x->docs[i].required = mc_pq_get_bool(r, i, 5);
	}
	PQclear(r);
	r = NULL;
	rc = mc_pq_run(st, &r, fee_sql, &p, "read procedure fees");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	if (rows) {
		x->fees = mc_xcalloc((size_t)rows, sizeof(*x->fees));
		x->n_fees = (size_t)rows;
	}
	for (int i = 0; i < rows; i++) {
		MC_PQ_GET_FIELD(x->fees[i].code, r, i, 0);
		MC_PQ_GET_FIELD(x->fees[i].name, r, i, 1);
		x->fees[i].amount = mc_pq_get_i64(r, i, 2);
	}
	PQclear(r);
	r = NULL;
	rc = mc_pq_run(st, &r, pub_sql, &p, "read procedure publications");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	if (rows) {
		x->pubs = mc_xcalloc((size_t)rows, sizeof(*x->pubs));
		x->n_pubs = (size_t)rows;
	}
	for (int i = 0; i < rows; i++) {
		MC_PQ_GET_FIELD(x->pubs[i].kind, r, i, 0);
		MC_PQ_GET_FIELD(x->pubs[i].decision, r, i, 1);
		x->pubs[i].day = (int32_t)mc_pq_get_i64(r, i, 2);
	}
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	if (rc)
		mc_procedure_clear(x);
	return rc;
}

static int proc_get(mc_pg *st, mc_procedure *out, const char *sql, struct mc_pq_params *p, bool with_parts)
{
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, sql, p, "read procedure");

	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		proc_read(out, r, 0);
	PQclear(r);
	mc_pq_params_clear(p);
	if (rc == 0 && with_parts)
		rc = parts_load(st, out);
	return rc;
}

int mc_pg_procedure_get(mc_pg *st, mc_procedure *out, const char *code, bool with_parts)
{
	static const char sql[] = "SELECT " PROC_COLS " FROM procedure p WHERE p.code = $1::text";
	struct mc_pq_params p = {0};

	mc_pq_set_text(&p, 1, code);
	return proc_get(st, out, sql, &p, with_parts);
}

int mc_pg_procedure_get_id(mc_pg *st, mc_procedure *out, int64_t id, bool with_parts)
{
	static const char sql[] = "SELECT " PROC_COLS " FROM procedure p WHERE p.id = $1::bigint";
	struct mc_pq_params p = {0};

	mc_pq_set_int(&p, 1, id);
	return proc_get(st, out, sql, &p, with_parts);
}

/* ---- search ----------------------------------------------------------- */

/*
 * The query: the folded text ($1) is split into words by the same parser that
 * built the index (to_tsvector 'simple'), and each word becomes a prefix term,
 * quoted, all required: 'dang':* & 'ky':*. The user's text is only ever
 * parsed as a document, never as tsquery syntax, so quotes, operators and
 * parentheses in it are plain characters. Text with words but no indexable
 * word gives a NULL query, which matches nothing.
 */
#define TSQUERY                                                                                              \
	"(SELECT string_agg('''' || replace(replace(w, '\\', '\\\\'), '''', '''''') || ''':*', ' & "         \
	"')::tsquery "                                                                                       \
	"FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, $1::text))) AS w)"

/* $2 field, $3 level, $4 online level, $5 unit, $6 include abolished. A unit
 * sees the procedures it owns and the unowned ones open to its level. */
#define PROC_FILTERS                                                                                         \
	" AND ($2::text IS NULL OR p.field = $2::text)"                                                      \
	" AND ($3::text IS NULL OR strpos(',' || replace(p.levels, ' ', '') || ',', ',' || $3::text || "     \
	"',') > 0)"                                                                                          \
	" AND p.online_level >= $4::integer"                                                                 \
	" AND ($5::bigint IS NULL OR p.unit_id = $5::bigint OR (p.unit_id IS NULL"                           \
	" AND strpos(',' || replace(p.levels, ' ', '') || ',',"                                              \
	" ',' || (SELECT u.level FROM unit u WHERE u.id = $5::bigint) || ',') > 0))"                         \
	" AND ($6::boolean OR p.status <> 'abolished')"

int mc_pg_procedure_search(mc_pg *st, mc_procedure **out, size_t *n, int64_t *total, const mc_proc_query *q)
{
	/* Ranked by ts_rank over the weighted vector (name A, code B, field C),
	 * divided by 1 + log(length) so that the exact short name comes before
	 * longer ones that repeat the words. */
	static const char rows_q[] =
	    "WITH q AS (SELECT " TSQUERY " AS tsq) "
	    "SELECT " PROC_COLS " FROM procedure p, q WHERE p.search @@ q.tsq" PROC_FILTERS
	    " ORDER BY ts_rank(p.search, q.tsq, 1) DESC, length(p.name), p.name, p.id"
	    " LIMIT $7::bigint OFFSET $8::bigint";
	static const char count_q[] =
	    "WITH q AS (SELECT " TSQUERY " AS tsq) "
	    "SELECT count(*) FROM procedure p, q WHERE p.search @@ q.tsq" PROC_FILTERS;
	static const char rows_all[] =
	    "SELECT " PROC_COLS " FROM procedure p WHERE $1::text IS NULL" PROC_FILTERS
	    " ORDER BY p.field, p.name, p.id LIMIT $7::bigint OFFSET $8::bigint";
	static const char count_all[] =
	    "SELECT count(*) FROM procedure p WHERE $1::text IS NULL" PROC_FILTERS;
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char *folded = NULL;
	mc_procedure *list = NULL;
	int rows = 0;
	bool words = false;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (total)
		*total = 0;
	if (q->limit < 1 || q->limit > 200 || q->offset < 0)
		return MC_EINVAL;
	if (q->q) {
		rc = mc_text_fold(&folded, q->q, strlen(q->q));
		if (rc)
			goto cleanup;
		/* As in SQLite: text of spaces only asks for everything. */
		for (const char *c = folded; *c; c++)
			words = words || *c != ' ';
	}
	mc_pq_set_text(&p, 1, words ? folded : NULL);
	mc_pq_set_text(&p, 2, q->field);
	mc_pq_set_text(&p, 3, q->level);
	mc_pq_set_int(&p, 4, q->online_level);
	mc_pq_set_ref(&p, 5, q->unit_id);
	mc_pq_set_bool(&p, 6, q->include_abolished);
	if (total) {
		rc = mc_pq_run(st, &r, words ? count_q : count_all, &p, "count procedures");
		if (rc)
			goto cleanup;
		*total = mc_pq_get_i64(r, 0, 0);
		PQclear(r);
		r = NULL;
	}
	mc_pq_set_int(&p, 7, q->limit);
	mc_pq_set_int(&p, 8, q->offset);
	rc = mc_pq_run(st, &r, words ? rows_q : rows_all, &p, "search procedures");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	list = rows ? mc_xcalloc((size_t)rows, sizeof(*list)) : NULL;
	for (int i = 0; i < rows; i++)
		proc_read(&list[i], r, i);
	*out = list;
	*n = (size_t)rows;
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	free(folded);
	return rc;
}

/* ---- fields ----------------------------------------------------------- */

int mc_pg_procedure_fields(mc_pg *st, mc_proc_field **out, size_t *n, const char *level)
{
	static const char sql[] =
	    "SELECT p.field, count(*) FROM procedure p WHERE p.status = 'active' AND p.field <> ''"
	    " AND ($1::text IS NULL OR strpos(',' || replace(p.levels, ' ', '') || ',', ',' || $1::text || "
	    "',') > 0)"
	    " GROUP BY p.field ORDER BY count(*) DESC, p.field";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	mc_proc_field *list = NULL;
	int rows;
	int rc;

	*out = NULL;
	*n = 0;
	mc_pq_set_text(&p, 1, level);
	rc = mc_pq_run(st, &r, sql, &p, "count procedures by field");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	list = rows ? mc_xcalloc((size_t)rows, sizeof(*list)) : NULL;
	for (int i = 0; i < rows; i++) {
		MC_PQ_GET_FIELD(list[i].field, r, i, 0);
		list[i].count = mc_pq_get_i64(r, i, 1);
	}
	*out = list;
	*n = (size_t)rows;
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

/* ---- publications and procedures in force ----------------------------- */

#define PUB_SUMS                                                                                             \
	"count(DISTINCT CASE WHEN kind = 'new' THEN procedure_id END), "                                     \
	"count(DISTINCT CASE WHEN kind = 'modified' THEN procedure_id END), "                                \
	"count(DISTINCT CASE WHEN kind = 'standardised' THEN procedure_id END), "                            \
	"count(DISTINCT CASE WHEN kind = 'abolished' THEN procedure_id END)"

static void pub_counts_read(mc_pub_counts *c, const PGresult *r, int row, int col)
{
	c->published_new = mc_pq_get_i64(r, row, col);
	c->modified = mc_pq_get_i64(r, row, col + 1);
	c->standardised = mc_pq_get_i64(r, row, col + 2);
	c->abolished = mc_pq_get_i64(r, row, col + 3);
}

int mc_pg_procedure_pub_counts(mc_pg *st, mc_pub_counts *out, int32_t first_day, int32_t last_day)
{
	static const char sql[] =
	    "SELECT " PUB_SUMS " FROM procedure_publication WHERE day >= $1::integer AND day <= $2::integer";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	mc_pq_set_int(&p, 1, first_day);
	mc_pq_set_int(&p, 2, last_day);
	rc = mc_pq_run(st, &r, sql, &p, "count publications");
	if (rc == 0 && PQntuples(r) == 1)
		pub_counts_read(out, r, 0, 0);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_procedure_pub_decisions(mc_pg *st, mc_pub_decision **out, size_t *n, int32_t first_day,
				  int32_t last_day)
{
	static const char sql[] = "SELECT decision, min(day), " PUB_SUMS " FROM procedure_publication "
				  "WHERE day >= $1::integer AND day <= $2::integer GROUP BY decision "
				  "ORDER BY min(day), decision";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	mc_pub_decision *list = NULL;
	int rows;
	int rc;

	*out = NULL;
	*n = 0;
	mc_pq_set_int(&p, 1, first_day);
	mc_pq_set_int(&p, 2, last_day);
	rc = mc_pq_run(st, &r, sql, &p, "list publishing decisions");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	list = rows ? mc_xcalloc((size_t)rows, sizeof(*list)) : NULL;
	for (int i = 0; i < rows; i++) {
		MC_PQ_GET_FIELD(list[i].decision, r, i, 0);
		list[i].day = (int32_t)mc_pq_get_i64(r, i, 1);
		pub_counts_read(&list[i].c, r, i, 2);
	}
	*out = list;
	*n = (size_t)rows;
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_procedure_in_force(mc_pg *st, int64_t by_level[5], int64_t *total, int32_t day)
{
	static const char sql[] =
	    "SELECT p.online_level, count(*) FROM procedure p "
	    "WHERE NOT EXISTS (SELECT 1 FROM procedure_publication a WHERE a.procedure_id = p.id "
	    "AND a.kind = 'abolished' AND a.day <= $1::integer) "
	    "AND (p.status <> 'abolished' OR EXISTS (SELECT 1 FROM procedure_publication a "
	    "WHERE a.procedure_id = p.id AND a.kind = 'abolished')) "
	    "AND coalesce((SELECT min(f.day) FROM procedure_publication f WHERE f.procedure_id = p.id "
	    "AND f.kind IN ('new', 'standardised')), $1::integer) <= $1::integer "
	    "GROUP BY p.online_level";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	memset(by_level, 0, 5 * sizeof(*by_level));
	*total = 0;
	mc_pq_set_int(&p, 1, day);
	rc = mc_pq_run(st, &r, sql, &p, "count procedures in force");
	for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
		int64_t level = mc_pq_get_i64(r, i, 0);
		int64_t count = mc_pq_get_i64(r, i, 1);

		by_level[level >= 2 && level <= 4 ? level : 0] += count;
		*total += count;
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}
