/*
 * store_sqlite_procedure.c - the procedure catalogue in the SQLite store: the
 * procedures with their steps, documents, fees and publication history, and
 * the diacritic-insensitive search over them (FTS5 on folded text).
 */
#include "store/store_sqlite_int.h"

#include <stdlib.h>

#define PROC_COLS                                                                                            \
	"p.id, p.code, p.name, p.field, p.levels, p.unit_id, p.duration_hours, p.online_duration_hours, "    \
	"p.cutoff_min, p.restart_on_supplement, p.online_level, p.status, p.target, p.result, "              \
	"p.legal_basis, p.place"

void mc_procedure_clear(mc_procedure *p)
{
	if (!p)
		return;
	free(p->steps);
	free(p->docs);
	free(p->fees);
	free(p->pubs);
	p->steps = NULL;
	p->docs = NULL;
	p->fees = NULL;
	p->pubs = NULL;
	p->n_steps = 0;
	p->n_docs = 0;
	p->n_fees = 0;
	p->n_pubs = 0;
}

void mc_procedure_free_list(mc_procedure *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		mc_procedure_clear(&list[i]);
	free(list);
}

static void proc_read(mc_procedure *p, sqlite3_stmt *s)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(s, 0);
	MC_SQ_COL_FIELD(p->code, s, 1);
	MC_SQ_COL_FIELD(p->name, s, 2);
	MC_SQ_COL_FIELD(p->field, s, 3);
	MC_SQ_COL_FIELD(p->levels, s, 4);
	p->unit_id = sqlite3_column_int64(s, 5);
	p->duration_hours = sqlite3_column_int(s, 6);
	p->online_duration_hours = sqlite3_column_int(s, 7);
	p->cutoff_min = sqlite3_column_int(s, 8);
	p->restart_on_supplement = sqlite3_column_int(s, 9) != 0;
	p->online_level = sqlite3_column_int(s, 10);
	MC_SQ_COL_FIELD(p->status, s, 11);
	MC_SQ_COL_FIELD(p->target, s, 12);
	MC_SQ_COL_FIELD(p->result, s, 13);
	MC_SQ_COL_FIELD(p->legal_basis, s, 14);
	MC_SQ_COL_FIELD(p->place, s, 15);
}

/* Binds the scalar fields of p to ?2..?19 (?1 is left to the caller). */
static int proc_bind(sqlite3_stmt *s, const mc_procedure *p)
{
	char *name = NULL;
	char *code = NULL;
	char *field = NULL;
	int rc = mc_sq_fold(&name, p->name, strnlen(p->name, sizeof(p->name)));

	if (rc == 0)
		rc = mc_sq_fold(&code, p->code, strnlen(p->code, sizeof(p->code)));
	if (rc == 0)
		rc = mc_sq_fold(&field, p->field, strnlen(p->field, sizeof(p->field)));
	if (rc)
		goto cleanup;
	MC_SQ_BIND_FIELD(s, 2, p->code);
	MC_SQ_BIND_FIELD(s, 3, p->name);
	MC_SQ_BIND_FIELD(s, 4, p->field);
	MC_SQ_BIND_FIELD(s, 5, p->levels);
	mc_sq_bind_ref(s, 6, p->unit_id);
	mc_sq_bind_int(s, 7, p->duration_hours);
	mc_sq_bind_int(s, 8, p->online_duration_hours);
	mc_sq_bind_int(s, 9, p->cutoff_min);
	mc_sq_bind_int(s, 10, p->restart_on_supplement ? 1 : 0);
	mc_sq_bind_int(s, 11, p->online_level);
	mc_sq_bind_textn(s, 12, p->status[0] ? p->status : "active", sizeof(p->status));
	MC_SQ_BIND_FIELD(s, 13, p->target);
	MC_SQ_BIND_FIELD(s, 14, p->result);
	MC_SQ_BIND_FIELD(s, 15, p->legal_basis);
	MC_SQ_BIND_FIELD(s, 16, p->place);
	mc_sq_bind_text(s, 17, name);
	mc_sq_bind_text(s, 18, code);
	mc_sq_bind_text(s, 19, field);
cleanup:
	free(name);
	free(code);
	free(field);
	return rc;
}

/* Inserts every part of p under procedure id. */
static int parts_insert(mc_sqlite *st, const mc_procedure *p, int64_t id)
{
	static const char step_sql[] =
	    "INSERT INTO procedure_step (procedure_id, ord, seq, name, role, unit_level, "
	    "hours) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	static const char doc_sql[] =
	    "INSERT INTO procedure_document (procedure_id, ord, seq, name, originals, "
	    "copies, form, required) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	static const char fee_sql[] = "INSERT INTO procedure_fee (procedure_id, ord, code, name, amount) "
				      "VALUES (?1, ?2, ?3, ?4, ?5)";
	static const char pub_sql[] =
	    "INSERT INTO procedure_publication (procedure_id, ord, kind, decision, day) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, step_sql);

	for (size_t i = 0; rc == 0 && i < p->n_steps; i++) {
		const mc_proc_step *x = &p->steps[i];

		mc_sq_bind_int(s, 1, id);
		mc_sq_bind_int(s, 2, (int64_t)i);
		mc_sq_bind_int(s, 3, x->seq);
		MC_SQ_BIND_FIELD(s, 4, x->name);
		MC_SQ_BIND_FIELD(s, 5, x->role);
		MC_SQ_BIND_FIELD(s, 6, x->unit_level);
		mc_sq_bind_int(s, 7, x->hours);
		rc = mc_sq_exec(st, s, "insert procedure step");
		mc_sq_done(s);
	}
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, doc_sql);
	for (size_t i = 0; rc == 0 && i < p->n_docs; i++) {
		const mc_proc_doc *x = &p->docs[i];

		mc_sq_bind_int(s, 1, id);
		mc_sq_bind_int(s, 2, (int64_t)i);
		mc_sq_bind_int(s, 3, x->seq);
		MC_SQ_BIND_FIELD(s, 4, x->name);
		mc_sq_bind_int(s, 5, x->originals);
		mc_sq_bind_int(s, 6, x->copies);
		MC_SQ_BIND_FIELD(s, 7, x->form);
		mc_sq_bind_int(s, 8, x->required ? 1 : 0);
		rc = mc_sq_exec(st, s, "insert procedure document");
		mc_sq_done(s);
	}
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, fee_sql);
	for (size_t i = 0; rc == 0 && i < p->n_fees; i++) {
		const mc_proc_fee *x = &p->fees[i];

		mc_sq_bind_int(s, 1, id);
		mc_sq_bind_int(s, 2, (int64_t)i);
		MC_SQ_BIND_FIELD(s, 3, x->code);
		MC_SQ_BIND_FIELD(s, 4, x->name);
		mc_sq_bind_int(s, 5, x->amount);
		rc = mc_sq_exec(st, s, "insert procedure fee");
		mc_sq_done(s);
	}
	if (rc)
		goto cleanup;
	rc = mc_sq_prepare(st, &s, pub_sql);
	for (size_t i = 0; rc == 0 && i < p->n_pubs; i++) {
		const mc_proc_pub *x = &p->pubs[i];

		mc_sq_bind_int(s, 1, id);
		mc_sq_bind_int(s, 2, (int64_t)i);
		MC_SQ_BIND_FIELD(s, 3, x->kind);
		MC_SQ_BIND_FIELD(s, 4, x->decision);
		mc_sq_bind_int(s, 5, x->day);
		rc = mc_sq_exec(st, s, "insert procedure publication");
		mc_sq_done(s);
	}
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_procedure_create(mc_sqlite *st, mc_procedure *p)
{
	static const char sql[] =
	    "INSERT INTO procedure (code, name, field, levels, unit_id, duration_hours, "
	    "online_duration_hours, "
	    "cutoff_min, restart_on_supplement, online_level, status, target, result, legal_basis, place, "
	    "name_folded, code_folded, field_folded) "
	    "VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";
	sqlite3_stmt *s = NULL;
	int64_t id = 0;
	int rc = mc_sq_op_begin(st);

	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	rc = proc_bind(s, p);
	if (rc)
		goto cleanup;
	rc = mc_sq_exec(st, s, "insert procedure");
	if (rc)
		goto cleanup;
	id = sqlite3_last_insert_rowid(st->db);
	rc = parts_insert(st, p, id);
cleanup:
	mc_sq_done(s);
	rc = mc_sq_op_end(st, rc);
	if (rc == 0)
		p->id = id;
	return rc;
}

int mc_sqlite_procedure_update(mc_sqlite *st, mc_procedure *p)
{
	static const char find[] = "SELECT id FROM procedure WHERE code = ?1";
	static const char upd[] =
	    "UPDATE procedure SET name = ?3, field = ?4, levels = ?5, unit_id = ?6, duration_hours = ?7, "
	    "online_duration_hours = ?8, cutoff_min = ?9, restart_on_supplement = ?10, online_level = ?11, "
	    "status = ?12, target = ?13, result = ?14, legal_basis = ?15, place = ?16, name_folded = ?17, "
	    "code_folded = ?18, field_folded = ?19 WHERE id = ?1 AND code = ?2";
	static const char *const del[] = {
	    "DELETE FROM procedure_step WHERE procedure_id = ?1",
	    "DELETE FROM procedure_document WHERE procedure_id = ?1",
	    "DELETE FROM procedure_fee WHERE procedure_id = ?1",
	    "DELETE FROM procedure_publication WHERE procedure_id = ?1",
	};
	sqlite3_stmt *s = NULL;
	int64_t id = 0;
	int rc = mc_sq_op_begin(st);

	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, find);
	if (rc)
		goto cleanup;
	MC_SQ_BIND_FIELD(s, 1, p->code);
	rc = mc_sq_row(st, s, "find procedure");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	id = sqlite3_column_int64(s, 0);
	mc_sq_done(s);
	s = NULL;

	rc = mc_sq_prepare(st, &s, upd);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, id);
	rc = proc_bind(s, p);
	if (rc)
		goto cleanup;
	rc = mc_sq_exec(st, s, "update procedure");
	mc_sq_done(s);
	s = NULL;
	for (size_t i = 0; rc == 0 && i < MC_ARRAY_LEN(del); i++) {
		rc = mc_sq_prepare(st, &s, del[i]);
		if (rc)
			break;
		mc_sq_bind_int(s, 1, id);
		rc = mc_sq_exec(st, s, "delete procedure parts");
		mc_sq_done(s);
		s = NULL;
	}
	if (rc)
		goto cleanup;
	rc = parts_insert(st, p, id);
cleanup:
	mc_sq_done(s);
	rc = mc_sq_op_end(st, rc);
	if (rc == 0)
		p->id = id;
	return rc;
}

/* Loads the four parts of p (p->id set). */
static int parts_load(mc_sqlite *st, mc_procedure *p)
{
	static const char step_sql[] = "SELECT seq, name, role, unit_level, hours FROM procedure_step "
				       "WHERE procedure_id = ?1 ORDER BY ord";
	static const char doc_sql[] =
	    "SELECT seq, name, originals, copies, form, required FROM procedure_document "
	    "WHERE procedure_id = ?1 ORDER BY ord";
	static const char fee_sql[] = "SELECT code, name, amount FROM procedure_fee "
				      "WHERE procedure_id = ?1 ORDER BY ord";
	static const char pub_sql[] = "SELECT kind, decision, day FROM procedure_publication "
				      "WHERE procedure_id = ?1 ORDER BY ord";
	sqlite3_stmt *s = NULL;
	size_t cap = 0;
	int rc = mc_sq_prepare(st, &s, step_sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, p->id);
	for (;;) {
		mc_proc_step *x;

		rc = mc_sq_row(st, s, "read procedure steps");
		if (rc != 1)
			break;
		if (p->n_steps == cap) {
			cap = cap ? cap * 2 : 8;
			p->steps = mc_xrealloc(p->steps, cap * sizeof(*p->steps));
		}
		x = &p->steps[p->n_steps++];
		memset(x, 0, sizeof(*x));
		x->seq = sqlite3_column_int(s, 0);
		MC_SQ_COL_FIELD(x->name, s, 1);
		MC_SQ_COL_FIELD(x->role, s, 2);
		MC_SQ_COL_FIELD(x->unit_level, s, 3);
		x->hours = sqlite3_column_int(s, 4);
	}
	mc_sq_done(s);
	s = NULL;
	if (rc < 0)
		goto cleanup;

	cap = 0;
	rc = mc_sq_prepare(st, &s, doc_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, p->id);
	for (;;) {
		mc_proc_doc *x;

		rc = mc_sq_row(st, s, "read procedure documents");
		if (rc != 1)
			break;
		if (p->n_docs == cap) {
			cap = cap ? cap * 2 : 8;
			p->docs = mc_xrealloc(p->docs, cap * sizeof(*p->docs));
		}
		x = &p->docs[p->n_docs++];
		memset(x, 0, sizeof(*x));
		x->seq = sqlite3_column_int(s, 0);
		MC_SQ_COL_FIELD(x->name, s, 1);
		x->originals = sqlite3_column_int(s, 2);
		x->copies = sqlite3_column_int(s, 3);
		MC_SQ_COL_FIELD(x->form, s, 4);
		x->required = sqlite3_column_int(s, 5) != 0;
	}
	mc_sq_done(s);
	s = NULL;
	if (rc < 0)
		goto cleanup;

	cap = 0;
	rc = mc_sq_prepare(st, &s, fee_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, p->id);
	for (;;) {
		mc_proc_fee *x;

		rc = mc_sq_row(st, s, "read procedure fees");
		if (rc != 1)
			break;
		if (p->n_fees == cap) {
			cap = cap ? cap * 2 : 4;
			p->fees = mc_xrealloc(p->fees, cap * sizeof(*p->fees));
		}
		x = &p->fees[p->n_fees++];
		memset(x, 0, sizeof(*x));
		MC_SQ_COL_FIELD(x->code, s, 0);
		MC_SQ_COL_FIELD(x->name, s, 1);
		x->amount = sqlite3_column_int64(s, 2);
	}
	mc_sq_done(s);
	s = NULL;
	if (rc < 0)
		goto cleanup;

	cap = 0;
	rc = mc_sq_prepare(st, &s, pub_sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, p->id);
	for (;;) {
		mc_proc_pub *x;

		rc = mc_sq_row(st, s, "read procedure publications");
		if (rc != 1)
			break;
		if (p->n_pubs == cap) {
			cap = cap ? cap * 2 : 4;
			p->pubs = mc_xrealloc(p->pubs, cap * sizeof(*p->pubs));
		}
		x = &p->pubs[p->n_pubs++];
		memset(x, 0, sizeof(*x));
		MC_SQ_COL_FIELD(x->kind, s, 0);
		MC_SQ_COL_FIELD(x->decision, s, 1);
		x->day = sqlite3_column_int(s, 2);
	}
cleanup:
	mc_sq_done(s);
	if (rc < 0) {
		mc_procedure_clear(p);
		return rc;
	}
	return 0;
}

/* Reads the one procedure a prepared, bound query selects. */
static int proc_get(mc_sqlite *st, mc_procedure *out, sqlite3_stmt *s, bool with_parts)
{
	int rc = mc_sq_row(st, s, "read procedure");

	if (rc == 0)
		return MC_ENOTFOUND;
	if (rc < 0)
		return rc;
	proc_read(out, s);
	mc_sq_done(s);
	if (with_parts)
		return parts_load(st, out);
	return 0;
}

int mc_sqlite_procedure_get(mc_sqlite *st, mc_procedure *out, const char *code, bool with_parts)
{
	static const char sql[] = "SELECT " PROC_COLS " FROM procedure p WHERE p.code = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, code);
	rc = proc_get(st, out, s, with_parts);
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_procedure_get_id(mc_sqlite *st, mc_procedure *out, int64_t id, bool with_parts)
{
	static const char sql[] = "SELECT " PROC_COLS " FROM procedure p WHERE p.id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, id);
	rc = proc_get(st, out, s, with_parts);
cleanup:
	mc_sq_done(s);
	return rc;
}

/* ---- search ----------------------------------------------------------- */

/*
 * The FTS5 query for free text: the folded words, each quoted and matched as
 * a prefix ("dang"* "ky"*), all required. Quoting makes every word a plain
 * string, so nothing the user types is read as FTS5 syntax. *out is NULL when
 * the text holds no word. Caller frees *out.
 */
static int match_expr(char **out, const char *q)
{
	char *folded = NULL;
	char *expr = NULL;
	size_t len = 0;
	int rc = mc_sq_fold(&folded, q, strlen(q));

	*out = NULL;
	if (rc)
		goto cleanup;
	/* Each byte becomes at most two (a doubled quote) plus "" * and a space per word. */
	expr = mc_xmalloc(strlen(folded) * 5 + 1);
	for (const char *c = folded; *c;) {
		while (*c == ' ')
			c++;
		if (!*c)
			break;
		if (len)
			expr[len++] = ' ';
		expr[len++] = '"';
		for (; *c && *c != ' '; c++) {
			if (*c == '"')
				expr[len++] = '"';
			expr[len++] = *c;
		}
		expr[len++] = '"';
		expr[len++] = '*';
	}
	expr[len] = '\0';
	if (len) {
		*out = expr;
		expr = NULL;
	}
cleanup:
	free(expr);
	free(folded);
	return rc;
}

/* ?2 field, ?3 level, ?4 online level, ?5 unit, ?6 include abolished. A unit
 * sees the procedures it owns and the unowned ones open to its level. */
#define PROC_FILTERS                                                                                         \
	" AND (?2 IS NULL OR p.field = ?2)"                                                                  \
	" AND (?3 IS NULL OR instr(',' || replace(p.levels, ' ', '') || ',', ',' || ?3 || ',') > 0)"         \
	" AND p.online_level >= ?4"                                                                          \
	" AND (?5 IS NULL OR p.unit_id = ?5 OR (p.unit_id IS NULL"                                           \
	" AND instr(',' || replace(p.levels, ' ', '') || ',',"                                               \
	" ',' || (SELECT u.level FROM unit u WHERE u.id = ?5) || ',') > 0))"                                 \
	" AND (?6 OR p.status <> 'abolished')"

int mc_sqlite_procedure_search(mc_sqlite *st, mc_procedure **out, size_t *n, int64_t *total,
			      const mc_proc_query *q)
{
	/* Column weights: a word of the name counts most, then the code, then the field. */
	static const char rows_q[] =
	    "SELECT " PROC_COLS " FROM procedure_fts JOIN procedure p ON p.id = "
	    "procedure_fts.rowid WHERE procedure_fts MATCH ?1" PROC_FILTERS
	    " ORDER BY bm25(procedure_fts, 10.0, 5.0, 1.0), length(p.name), p.name, p.id"
	    " LIMIT ?7 OFFSET ?8";
	static const char count_q[] = "SELECT count(*) FROM procedure_fts JOIN procedure p ON p.id = "
				      "procedure_fts.rowid WHERE procedure_fts MATCH ?1" PROC_FILTERS;
	static const char rows_all[] = "SELECT " PROC_COLS " FROM procedure p WHERE ?1 IS NULL" PROC_FILTERS
				       " ORDER BY p.field, p.name, p.id LIMIT ?7 OFFSET ?8";
	static const char count_all[] = "SELECT count(*) FROM procedure p WHERE ?1 IS NULL" PROC_FILTERS;
	sqlite3_stmt *s = NULL;
	char *expr = NULL;
	mc_procedure *list = NULL;
	size_t len = 0;
	size_t cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (total)
		*total = 0;
	if (q->limit < 1 || q->limit > 200 || q->offset < 0) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	if (q->q) {
		rc = match_expr(&expr, q->q);
		if (rc)
			goto cleanup;
	}
	for (int pass = 0; pass < 2; pass++) {
		const char *sql = pass == 0 ? (expr ? count_q : count_all) : (expr ? rows_q : rows_all);

		if (pass == 0 && !total)
			continue;
		rc = mc_sq_prepare(st, &s, sql);
		if (rc)
			goto cleanup;
		mc_sq_bind_text(s, 1, expr);
		mc_sq_bind_text(s, 2, q->field);
		mc_sq_bind_text(s, 3, q->level);
		mc_sq_bind_int(s, 4, q->online_level);
		mc_sq_bind_ref(s, 5, q->unit_id);
		mc_sq_bind_int(s, 6, q->include_abolished ? 1 : 0);
		if (pass == 0) {
			rc = mc_sq_row(st, s, "count procedures");
			if (rc < 0)
				goto cleanup;
			*total = rc ? sqlite3_column_int64(s, 0) : 0;
			mc_sq_done(s);
			s = NULL;
			continue;
		}
		mc_sq_bind_int(s, 7, q->limit);
		mc_sq_bind_int(s, 8, q->offset);
		for (;;) {
			rc = mc_sq_row(st, s, "search procedures");
			if (rc != 1)
				break;
			if (len == cap) {
				cap = cap ? cap * 2 : 16;
				list = mc_xrealloc(list, cap * sizeof(*list));
			}
			proc_read(&list[len++], s);
		}
	}
cleanup:
	mc_sq_done(s);
	free(expr);
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}

/* ---- fields ----------------------------------------------------------- */

int mc_sqlite_procedure_fields(mc_sqlite *st, mc_proc_field **out, size_t *n, const char *level)
{
	static const char sql[] =
	    "SELECT p.field, count(*) FROM procedure p WHERE p.status = 'active' AND p.field <> ''"
	    " AND (?1 IS NULL OR instr(',' || replace(p.levels, ' ', '') || ',', ',' || ?1 || ',') > 0)"
	    " GROUP BY p.field ORDER BY count(*) DESC, p.field";
	sqlite3_stmt *s = NULL;
	mc_proc_field *list = NULL;
	size_t len = 0;
	size_t cap = 0;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, level);
	for (;;) {
		mc_proc_field *x;

		rc = mc_sq_row(st, s, "count procedures by field");
		if (rc != 1)
			break;
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		x = &list[len++];
		MC_SQ_COL_FIELD(x->field, s, 0);
		x->count = sqlite3_column_int64(s, 1);
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

/* ---- publications and procedures in force (the reform report) ---------- */

#define PUB_SUMS                                                                                             \
	"count(DISTINCT CASE WHEN kind = 'new' THEN procedure_id END), "                                     \
	"count(DISTINCT CASE WHEN kind = 'modified' THEN procedure_id END), "                                \
	"count(DISTINCT CASE WHEN kind = 'standardised' THEN procedure_id END), "                            \
	"count(DISTINCT CASE WHEN kind = 'abolished' THEN procedure_id END)"

static void pub_counts_read(mc_pub_counts *c, sqlite3_stmt *s, int col)
{
	c->published_new = sqlite3_column_int64(s, col);
	c->modified = sqlite3_column_int64(s, col + 1);
	c->standardised = sqlite3_column_int64(s, col + 2);
	c->abolished = sqlite3_column_int64(s, col + 3);
}

int mc_sqlite_procedure_pub_counts(mc_sqlite *st, mc_pub_counts *out, int32_t first_day, int32_t last_day)
{
	static const char sql[] =
	    "SELECT " PUB_SUMS " FROM procedure_publication WHERE day >= ?1 AND day <= ?2";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	memset(out, 0, sizeof(*out));
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, first_day);
	mc_sq_bind_int(s, 2, last_day);
	rc = mc_sq_row(st, s, "count publications");
	if (rc == 1)
		pub_counts_read(out, s, 0);
cleanup:
	mc_sq_done(s);
	return rc < 0 ? rc : 0;
}

int mc_sqlite_procedure_pub_decisions(mc_sqlite *st, mc_pub_decision **out, size_t *n, int32_t first_day,
				     int32_t last_day)
{
	static const char sql[] =
	    "SELECT decision, min(day), " PUB_SUMS " FROM procedure_publication "
	    "WHERE day >= ?1 AND day <= ?2 GROUP BY decision ORDER BY min(day), decision";
	sqlite3_stmt *s = NULL;
	mc_pub_decision *list = NULL;
	size_t len = 0;
	size_t cap = 0;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, first_day);
	mc_sq_bind_int(s, 2, last_day);
	for (;;) {
		mc_pub_decision *x;

		rc = mc_sq_row(st, s, "list publishing decisions");
		if (rc != 1)
			break;
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		x = &list[len++];
		memset(x, 0, sizeof(*x));
		MC_SQ_COL_FIELD(x->decision, s, 0);
		x->day = sqlite3_column_int(s, 1);
		pub_counts_read(&x->c, s, 2);
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

int mc_sqlite_procedure_in_force(mc_sqlite *st, int64_t by_level[5], int64_t *total, int32_t day)
{
	static const char sql[] =
	    "SELECT p.online_level, count(*) FROM procedure p "
	    "WHERE NOT EXISTS (SELECT 1 FROM procedure_publication a WHERE a.procedure_id = p.id "
	    "AND a.kind = 'abolished' AND a.day <= ?1) "
	    "AND (p.status <> 'abolished' OR EXISTS (SELECT 1 FROM procedure_publication a "
	    "WHERE a.procedure_id = p.id AND a.kind = 'abolished')) "
	    "AND coalesce((SELECT min(f.day) FROM procedure_publication f WHERE f.procedure_id = p.id "
	    "AND f.kind IN ('new', 'standardised')), ?1) "
	    "<= ?1 "
	    "GROUP BY p.online_level";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	memset(by_level, 0, 5 * sizeof(*by_level));
	*total = 0;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, day);
	for (;;) {
		int level;
		int64_t count;

		rc = mc_sq_row(st, s, "count procedures in force");
		if (rc != 1)
			break;
		level = sqlite3_column_int(s, 0);
		count = sqlite3_column_int64(s, 1);
		by_level[level >= 2 && level <= 4 ? level : 0] += count;
		*total += count;
	}
cleanup:
	mc_sq_done(s);
	return rc < 0 ? rc : 0;
}
