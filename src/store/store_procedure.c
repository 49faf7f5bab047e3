/*
 * store_procedure.c - the procedure catalogue, on either engine (db.h): the
 * procedures with their steps, documents, fees and publication history, the
 * fields, the reform report's counts, and the search, whose matching and
 * ranking are each engine's own (store_search.h).
 */
#include "store/db.h"

#include "core/buf.h"
#include "core/search.h"
#include "core/text.h"
#include "store/store_search.h"

#include <stdlib.h>
#include <string.h>

/* A string of a struct handed in, NULL stored as "" (the columns are NOT NULL). */
static const char *str(const char *s)
{
	return s ? s : "";
}

void mc_procedure_clear(mc_procedure *p)
{
	if (!p)
		return;
	for (size_t i = 0; p->steps && i < p->n_steps; i++) {
		free(p->steps[i].name);
		free(p->steps[i].role);
		free(p->steps[i].unit_level);
	}
	for (size_t i = 0; p->docs && i < p->n_docs; i++) {
		free(p->docs[i].name);
		free(p->docs[i].form);
		free(p->docs[i].template_sha256);
		free(p->docs[i].template_filename);
	}
	for (size_t i = 0; p->fees && i < p->n_fees; i++) {
		free(p->fees[i].code);
		free(p->fees[i].name);
	}
	for (size_t i = 0; p->pubs && i < p->n_pubs; i++) {
		free(p->pubs[i].kind);
		free(p->pubs[i].decision);
	}
	free(p->steps);
	free(p->docs);
	free(p->fees);
	free(p->pubs);
	free(p->code);
	free(p->name);
	free(p->field);
	free(p->levels);
	free(p->status);
	free(p->target);
	free(p->result);
	free(p->legal_basis);
	free(p->place);
	free(p->online_class);
	memset(p, 0, sizeof *p);
}

void mc_procedure_free_list(mc_procedure *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		mc_procedure_clear(&list[i]);
	free(list);
}

static const mc_col proc_cols[] = {
    MC_COL(MC_COL_I64, mc_procedure, id, "id"),
    MC_COL(MC_COL_STR, mc_procedure, code, "code"),
    MC_COL(MC_COL_STR, mc_procedure, name, "name"),
    MC_COL(MC_COL_STR, mc_procedure, field, "field"),
    MC_COL(MC_COL_STR, mc_procedure, levels, "levels"),
    MC_COL(MC_COL_I64, mc_procedure, unit_id, "unit_id"),
    MC_COL(MC_COL_I32, mc_procedure, duration_hours, "duration_hours"),
    MC_COL(MC_COL_I32, mc_procedure, online_duration_hours, "online_duration_hours"),
    MC_COL(MC_COL_INT, mc_procedure, cutoff_min, "cutoff_min"),
    MC_COL(MC_COL_BOOL, mc_procedure, restart_on_supplement, "restart_on_supplement"),
    MC_COL(MC_COL_INT, mc_procedure, online_level, "online_level"),
    MC_COL(MC_COL_STR, mc_procedure, status, "status"),
    MC_COL(MC_COL_STR, mc_procedure, target, "target"),
    MC_COL(MC_COL_STR, mc_procedure, result, "result"),
    MC_COL(MC_COL_STR, mc_procedure, legal_basis, "legal_basis"),
    MC_COL(MC_COL_STR, mc_procedure, place, "place"),
    MC_COL(MC_COL_BOOL, mc_procedure, anywhere, "anywhere"),
    MC_COL(MC_COL_STR, mc_procedure, online_class, "online_class"),
    MC_COL(MC_COL_I32, mc_procedure, online_class_since, "online_class_since"),
};

/* ---- create and update ------------------------------------------------ */

/* The scalar fields of p as $1 (code) … $21, with the folded texts the
 * search indexes (store_search.h). */
static int proc_bind(mc_q *q, const mc_procedure *p)
{
	const char *name = str(p->name), *code = str(p->code), *field = str(p->field);
	char *folded[3] = {NULL, NULL, NULL};
	int rc = mc_text_fold(&folded[0], name, strlen(name));

	if (rc == 0)
		rc = mc_text_fold(&folded[1], code, strlen(code));
	if (rc == 0)
		rc = mc_text_fold(&folded[2], field, strlen(field));
	if (rc)
		goto cleanup;
	mc_q_text(q, 1, code);
	mc_q_text(q, 2, name);
	mc_q_text(q, 3, field);
	mc_q_text(q, 4, str(p->levels));
	mc_q_ref(q, 5, p->unit_id);
	mc_q_int(q, 6, p->duration_hours);
	mc_q_int(q, 7, p->online_duration_hours);
	mc_q_int(q, 8, p->cutoff_min);
	mc_q_bool(q, 9, p->restart_on_supplement);
	mc_q_int(q, 10, p->online_level);
	mc_q_text(q, 11, p->status && p->status[0] ? p->status : "active");
	mc_q_text(q, 12, str(p->target));
	mc_q_text(q, 13, str(p->result));
	mc_q_text(q, 14, str(p->legal_basis));
	mc_q_text(q, 15, str(p->place));
	for (int i = 0; i < 3; i++)
		mc_q_text(q, 16 + i, folded[i]);
	mc_q_bool(q, 19, p->anywhere);
	mc_q_text(q, 20, str(p->online_class));
	mc_q_int(q, 21, p->online_class_since);
cleanup:
	for (int i = 0; i < 3; i++)
		free(folded[i]);
	return rc;
}

/* Inserts every part of p under procedure id. */
static int parts_insert(mc_store *st, const mc_procedure *p, int64_t id)
{
	static const char step_sql[] =
	    "INSERT INTO procedure_step (procedure_id, ord, seq, name, role, unit_level, "
	    "hours) VALUES ($1, $2, $3, $4, $5, $6, $7)";
	static const char doc_sql[] =
	    "INSERT INTO procedure_document (procedure_id, ord, seq, name, originals, "
	    "copies, form, required, template_sha256, template_filename) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
	static const char fee_sql[] = "INSERT INTO procedure_fee (procedure_id, ord, code, name, amount) "
				      "VALUES ($1, $2, $3, $4, $5)";
	static const char pub_sql[] =
	    "INSERT INTO procedure_publication (procedure_id, ord, kind, decision, day) "
	    "VALUES ($1, $2, $3, $4, $5)";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, step_sql);

	for (size_t i = 0; rc == 0 && i < p->n_steps; i++) {
		const mc_proc_step *x = &p->steps[i];

		mc_q_int(q, 1, id);
		mc_q_int(q, 2, (int64_t)i);
		mc_q_int(q, 3, x->seq);
		mc_q_text(q, 4, str(x->name));
		mc_q_text(q, 5, str(x->role));
		mc_q_text(q, 6, str(x->unit_level));
		mc_q_int(q, 7, x->hours);
		rc = mc_q_exec(q, "insert procedure step");
		mc_q_done(q);
	}
	if (rc == 0)
		rc = mc_db_prepare(st, &q, doc_sql);
	for (size_t i = 0; rc == 0 && i < p->n_docs; i++) {
		const mc_proc_doc *x = &p->docs[i];

		mc_q_int(q, 1, id);
		mc_q_int(q, 2, (int64_t)i);
		mc_q_int(q, 3, x->seq);
		mc_q_text(q, 4, str(x->name));
		mc_q_int(q, 5, x->originals);
		mc_q_int(q, 6, x->copies);
		mc_q_text(q, 7, str(x->form));
		mc_q_bool(q, 8, x->required);
		mc_q_text(q, 9, str(x->template_sha256));
		mc_q_text(q, 10, str(x->template_filename));
		rc = mc_q_exec(q, "insert procedure document");
		mc_q_done(q);
	}
	if (rc == 0)
		rc = mc_db_prepare(st, &q, fee_sql);
	for (size_t i = 0; rc == 0 && i < p->n_fees; i++) {
		const mc_proc_fee *x = &p->fees[i];

		mc_q_int(q, 1, id);
		mc_q_int(q, 2, (int64_t)i);
		mc_q_text(q, 3, str(x->code));
		mc_q_text(q, 4, str(x->name));
		mc_q_int(q, 5, x->amount);
		rc = mc_q_exec(q, "insert procedure fee");
		mc_q_done(q);
	}
	if (rc == 0)
		rc = mc_db_prepare(st, &q, pub_sql);
	for (size_t i = 0; rc == 0 && i < p->n_pubs; i++) {
		const mc_proc_pub *x = &p->pubs[i];

		mc_q_int(q, 1, id);
		mc_q_int(q, 2, (int64_t)i);
		mc_q_text(q, 3, str(x->kind));
		mc_q_text(q, 4, str(x->decision));
		mc_q_int(q, 5, x->day);
		rc = mc_q_exec(q, "insert procedure publication");
		mc_q_done(q);
	}
	mc_q_done(q);
	return rc;
}

/* Writes the scalar fields of p with sql ($1 … $18, RETURNING id) and its
 * parts, all or nothing; sets p->id. MC_ENOTFOUND when sql finds no row. */
static int proc_write(mc_store *st, mc_procedure *p, const char *sql, bool replace_parts, const char *what)
{
	static const char *const del[] = {
	    "DELETE FROM procedure_step WHERE procedure_id = $1",
	    "DELETE FROM procedure_document WHERE procedure_id = $1",
	    "DELETE FROM procedure_fee WHERE procedure_id = $1",
	    "DELETE FROM procedure_publication WHERE procedure_id = $1",
	};
	mc_q *q = NULL;
	int64_t id = 0;
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	rc = mc_db_prepare(st, &q, sql);
	if (rc == 0)
		rc = proc_bind(q, p);
	if (rc == 0)
		rc = mc_q_row(q, what);
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc == 1) {
		id = mc_q_col_int(q, 0);
		rc = 0;
	}
	mc_q_done(q);
	for (size_t i = 0; rc == 0 && replace_parts && i < MC_ARRAY_LEN(del); i++) {
		rc = mc_db_prepare(st, &q, del[i]);
		if (rc)
			break;
		mc_q_int(q, 1, id);
		rc = mc_q_exec(q, "delete procedure parts");
		mc_q_done(q);
	}
	if (rc == 0)
		rc = parts_insert(st, p, id);
	rc = mc_db_op_end(st, kind, rc);
	if (rc == 0)
		p->id = id;
	return rc;
}

int mc_store_procedure_create(mc_store *st, mc_procedure *p)
{
	static const char sql[] =
	    "INSERT INTO procedure (code, name, field, levels, unit_id, duration_hours, "
	    "online_duration_hours, cutoff_min, restart_on_supplement, online_level, status, "
	    "target, result, legal_basis, place, name_folded, code_folded, field_folded, anywhere, "
	    "online_class, online_class_since) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
	    "$17, $18, $19, $20, $21) RETURNING id";
	return proc_write(st, p, sql, false, "insert procedure");
}

int mc_store_procedure_update(mc_store *st, mc_procedure *p)
{
	static const char sql[] =
	    "UPDATE procedure SET name = $2, field = $3, levels = $4, unit_id = $5, duration_hours = $6, "
	    "online_duration_hours = $7, cutoff_min = $8, restart_on_supplement = $9, online_level = $10, "
	    "status = $11, target = $12, result = $13, legal_basis = $14, place = $15, name_folded = $16, "
	    "code_folded = $17, field_folded = $18, anywhere = $19, online_class = $20, "
	    "online_class_since = $21 WHERE code = $1 RETURNING id";
	return proc_write(st, p, sql, true, "update procedure");
}

/* ---- reading ---------------------------------------------------------- */

static const mc_col step_cols[] = {
    MC_COL(MC_COL_INT, mc_proc_step, seq, "seq"),
    MC_COL(MC_COL_STR, mc_proc_step, name, "name"),
    MC_COL(MC_COL_STR, mc_proc_step, role, "role"),
    MC_COL(MC_COL_STR, mc_proc_step, unit_level, "unit_level"),
    MC_COL(MC_COL_I32, mc_proc_step, hours, "hours"),
};

static const mc_col doc_cols[] = {
    MC_COL(MC_COL_INT, mc_proc_doc, seq, "seq"),
    MC_COL(MC_COL_STR, mc_proc_doc, name, "name"),
    MC_COL(MC_COL_INT, mc_proc_doc, originals, "originals"),
    MC_COL(MC_COL_INT, mc_proc_doc, copies, "copies"),
    MC_COL(MC_COL_STR, mc_proc_doc, form, "form"),
    MC_COL(MC_COL_BOOL, mc_proc_doc, required, "required"),
    MC_COL(MC_COL_STR, mc_proc_doc, template_sha256, "template_sha256"),
    MC_COL(MC_COL_STR, mc_proc_doc, template_filename, "template_filename"),
};

static const mc_col fee_cols[] = {
    MC_COL(MC_COL_STR, mc_proc_fee, code, "code"),
    MC_COL(MC_COL_STR, mc_proc_fee, name, "name"),
    MC_COL(MC_COL_I64, mc_proc_fee, amount, "amount"),
};

static const mc_col pub_cols[] = {
    MC_COL(MC_COL_STR, mc_proc_pub, kind, "kind"),
    MC_COL(MC_COL_STR, mc_proc_pub, decision, "decision"),
    MC_COL(MC_COL_I32, mc_proc_pub, day, "day"),
};

/* The rows of one part of procedure id, in their order, into *list (T **). */
static int part_load(mc_store *st, const char *sql, int64_t id, const mc_col *cols, size_t n_cols,
		     size_t elem, void *list, size_t *n, const char *what)
{
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc == 0) {
		mc_q_int(q, 1, id);
		rc = mc_q_read_list(q, what, cols, n_cols, elem, list, n);
	}
	mc_q_done(q);
	return rc;
}

/* Loads the four parts of p (p->id set). */
static int parts_load(mc_store *st, mc_procedure *p)
{
	static const char step_sql[] = "SELECT seq, name, role, unit_level, hours FROM procedure_step "
				       "WHERE procedure_id = $1 ORDER BY ord";
	static const char doc_sql[] =
	    "SELECT seq, name, originals, copies, form, required, template_sha256, template_filename "
	    "FROM procedure_document "
	    "WHERE procedure_id = $1 ORDER BY ord";
	static const char fee_sql[] = "SELECT code, name, amount FROM procedure_fee WHERE procedure_id = $1 "
				      "ORDER BY ord";
	static const char pub_sql[] = "SELECT kind, decision, day FROM procedure_publication "
				      "WHERE procedure_id = $1 ORDER BY ord";
	int rc = part_load(st, step_sql, p->id, step_cols, MC_ARRAY_LEN(step_cols), sizeof *p->steps,
			   &p->steps, &p->n_steps, "read procedure steps");

	if (rc == 0)
		rc = part_load(st, doc_sql, p->id, doc_cols, MC_ARRAY_LEN(doc_cols), sizeof *p->docs,
			       &p->docs, &p->n_docs, "read procedure documents");
	if (rc == 0)
		rc = part_load(st, fee_sql, p->id, fee_cols, MC_ARRAY_LEN(fee_cols), sizeof *p->fees,
			       &p->fees, &p->n_fees, "read procedure fees");
	if (rc == 0)
		rc = part_load(st, pub_sql, p->id, pub_cols, MC_ARRAY_LEN(pub_cols), sizeof *p->pubs,
			       &p->pubs, &p->n_pubs, "read procedure publications");
	return rc;
}

/* The one procedure sql finds by $1 (an id, or code when not NULL). */
static int proc_one(mc_store *st, mc_procedure *out, const char *sql, int64_t id, const char *code,
		    bool with_parts)
{
	mc_q *q = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	if (code)
		mc_q_text(q, 1, code);
	else
		mc_q_int(q, 1, id);
	rc = mc_q_read_one(q, "read procedure", proc_cols, MC_ARRAY_LEN(proc_cols), out);
cleanup:
	mc_q_done(q);
	/* After mc_q_done: the parts are read with statements of their own. */
	if (rc == 0 && with_parts)
		rc = parts_load(st, out);
	if (rc)
		mc_procedure_clear(out);
	return rc;
}

int mc_store_procedure_get(mc_store *st, mc_procedure *out, const char *code, bool with_parts)
{
	static const char sql[] = "SELECT " MC_PROC_COLS " FROM procedure p WHERE p.code = $1";
	return proc_one(st, out, sql, 0, code, with_parts);
}

int mc_store_procedure_get_id(mc_store *st, mc_procedure *out, int64_t id, bool with_parts)
{
	static const char sql[] = "SELECT " MC_PROC_COLS " FROM procedure p WHERE p.id = $1";
	return proc_one(st, out, sql, id, NULL, with_parts);
}

/* ---- search ----------------------------------------------------------- */

static void search_bind(mc_q *q, const char *match, const mc_proc_query *pq)
{
	mc_q_text(q, 1, match);
	mc_q_text(q, 2, pq->field);
	mc_q_text(q, 3, pq->level);
	mc_q_int(q, 4, pq->online_level);
	mc_q_ref(q, 5, pq->unit_id);
	mc_q_bool(q, 6, pq->include_abolished);
}

/* A procedure an engine found, to be ranked (core/search.h). */
typedef struct {
	int64_t id;
	char *name, *code, *field; /* folded */
	int64_t name_len;
	mc_search_rank rank;
} candidate;

static void candidates_free(candidate *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].name);
		free(c[i].code);
		free(c[i].field);
	}
	free(c);
}

/* Best first; ties by the shorter name, then the folded name and the id,
 * which both engines hold alike. */
static int candidate_cmp(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	int c = mc_search_rank_cmp(&x->rank, &y->rank);
	if (c)
		return c;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (x->id > y->id) - (x->id < y->id);
}

/* The words of every procedure name in force, for "did you mean". */
static int catalogue_words(mc_store *st, char **out)
{
	static const char sql[] = "SELECT p.name_folded FROM procedure p WHERE p.status <> 'abolished'";
	mc_buf b;
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	*out = NULL;
	/* About 2,000 names of a hundred bytes: 16 MB is far beyond any catalogue. */
	mc_buf_init(&b, (size_t)16 << 20);
	while (rc == 0 && (rc = mc_q_row(q, "the catalogue's words")) > 0) {
		const char *name = mc_q_col_text(q, 0);
		rc = mc_buf_adds(&b, name ? name : "");
		if (rc == 0)
			rc = mc_buf_adds(&b, " ");
	}
	mc_q_done(q);
	if (rc < 0) {
		mc_buf_free(&b);
		return rc;
	}
	*out = mc_buf_steal(&b);
	return 0;
}

/*
 * With q: each engine finds the procedures holding any word of the plan;
 * core/search.h ranks them and says which are shown (every word, or when none
 * has them all, most of them); the page is read by id.
 */
static int search_ranked(mc_store *st, mc_procedure **out, size_t *n, mc_proc_found *found,
			 const mc_proc_query *pq, const char *folded)
{
	static const mc_col cols[] = {
	    MC_COL(MC_COL_I64, candidate, id, "id"),
	    MC_COL(MC_COL_STR, candidate, name, "name"),
	    MC_COL(MC_COL_STR, candidate, code, "code"),
	    MC_COL(MC_COL_STR, candidate, field, "field"),
	    MC_COL(MC_COL_I64, candidate, name_len, "name_len"),
	};
	bool pg = mc_db_is_pg(st);
	mc_search_plan plan;
	candidate *c = NULL;
	size_t nc = 0, kept = 0;
	char *words = NULL, *match = NULL, *vocab = NULL;
	mc_q *q = NULL;
	int rc;

	mc_search_plan_make(&plan, folded);
	words = mc_search_plan_words(&plan);
	match = pg ? mc_xstrdup(words) : mc_search_sqlite_query(words, false);
	rc = mc_db_prepare(st, &q, pg ? mc_search_pg_candidates : mc_search_sqlite_candidates);
	if (rc)
		goto cleanup;
	search_bind(q, match, pq);
	rc = mc_q_read_list(q, "search procedures", cols, MC_ARRAY_LEN(cols), sizeof *c, &c, &nc);
	mc_q_done(q);
	q = NULL;
	if (rc)
		goto cleanup;
	bool any_all = false;
	for (size_t i = 0; i < nc; i++) {
		mc_search_rank_of(&c[i].rank, &plan, c[i].name, c[i].code, c[i].field);
		any_all = any_all || c[i].rank.all;
	}
	/* Every word when some have them all; else the nearest. */
	for (size_t i = 0; i < nc; i++) {
		if (any_all ? c[i].rank.all : mc_search_rank_near(&c[i].rank)) {
			if (kept != i) {
				candidate t = c[kept];
				c[kept] = c[i];
				c[i] = t;
			}
			kept++;
		}
	}
	if (kept > 1)
		qsort(c, kept, sizeof *c, candidate_cmp);
	found->total = (int64_t)kept;
	found->relaxed = !any_all && kept > 0;
	if (!any_all) {
		rc = catalogue_words(st, &vocab);
		if (rc)
			goto cleanup;
		found->did_you_mean = mc_search_suggest(folded, vocab);
	}
	if ((size_t)pq->offset < kept) {
		size_t m = kept - (size_t)pq->offset;
		if (m > (size_t)pq->limit)
			m = (size_t)pq->limit;
		*out = mc_xcalloc(m, sizeof **out);
		for (size_t i = 0; i < m && rc == 0; i++) {
			rc = mc_store_procedure_get_id(st, &(*out)[i], c[(size_t)pq->offset + i].id, false);
			if (rc == 0)
				*n = i + 1;
		}
		if (rc) {
			mc_procedure_free_list(*out, *n);
			*out = NULL;
			*n = 0;
		}
	}
cleanup:
	mc_q_done(q);
	candidates_free(c, nc);
	mc_search_plan_clear(&plan);
	free(words);
	free(match);
	free(vocab);
	return rc;
}

void mc_proc_found_clear(mc_proc_found *found)
{
	if (!found)
		return;
	free(found->did_you_mean);
	memset(found, 0, sizeof *found);
}

int mc_store_procedure_find(mc_store *st, mc_procedure **out, size_t *n, mc_proc_found *found,
			    const mc_proc_query *pq)
{
	static const char count_all[] = "SELECT count(*) FROM procedure p WHERE $1 IS NULL" MC_PROC_FILTERS;
	static const char rows_all[] =
	    "SELECT " MC_PROC_COLS " FROM procedure p WHERE $1 IS NULL" MC_PROC_FILTERS
	    " ORDER BY p.field, p.name, p.id LIMIT $7 OFFSET $8";
	char *folded = NULL;
	mc_q *q = NULL;
	int rc = 0;

	*out = NULL;
	*n = 0;
	memset(found, 0, sizeof *found);
	if (pq->limit < 1 || pq->limit > 200 || pq->offset < 0)
		return MC_EINVAL;
	if (pq->q) {
		rc = mc_text_fold(&folded, pq->q, strlen(pq->q));
		if (rc)
			goto cleanup;
	}
	/* Text of spaces only asks for everything. */
	if (folded && folded[strspn(folded, " ")]) {
		rc = search_ranked(st, out, n, found, pq, folded);
		goto cleanup;
	}
	rc = mc_db_prepare(st, &q, count_all);
	if (rc)
		goto cleanup;
	search_bind(q, NULL, pq);
	rc = mc_q_row(q, "count procedures");
	if (rc < 0)
		goto cleanup;
	found->total = rc ? mc_q_col_int(q, 0) : 0;
	mc_q_done(q);
	q = NULL;
	rc = mc_db_prepare(st, &q, rows_all);
	if (rc)
		goto cleanup;
	search_bind(q, NULL, pq);
	mc_q_int(q, 7, pq->limit);
	mc_q_int(q, 8, pq->offset);
	rc = mc_q_read_list(q, "search procedures", proc_cols, MC_ARRAY_LEN(proc_cols), sizeof **out, out, n);
cleanup:
	mc_q_done(q);
	free(folded);
	return rc < 0 ? rc : 0;
}

int mc_store_procedure_search(mc_store *st, mc_procedure **out, size_t *n, int64_t *total,
			      const mc_proc_query *pq)
{
	mc_proc_found found;
	int rc = mc_store_procedure_find(st, out, n, &found, pq);
	if (total)
		*total = found.total;
	mc_proc_found_clear(&found);
	return rc;
}

/* ---- fields ----------------------------------------------------------- */

/* The fields of the active procedures open to the level $1 (all when NULL). */
#define LEVEL_1 MC_PROC_HAS_LEVEL("$1")

int mc_store_procedure_fields(mc_store *st, mc_proc_field **out, size_t *n, const char *level)
{
	static const char sql[] =
	    "SELECT p.field AS field, count(*) AS n FROM procedure p WHERE p.status = 'active' "
	    "AND p.field <> '' AND ($1 IS NULL OR " LEVEL_1 ") "
	    "GROUP BY p.field ORDER BY count(*) DESC, p.field";
	static const mc_col cols[] = {
	    MC_COL(MC_COL_STR, mc_proc_field, field, "field"),
	    MC_COL(MC_COL_I64, mc_proc_field, count, "n"),
	};
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	*out = NULL;
	*n = 0;
	if (rc == 0) {
		mc_q_text(q, 1, level);
		rc = mc_q_read_list(q, "count procedures by field", cols, MC_ARRAY_LEN(cols), sizeof **out,
				    out, n);
	}
	mc_q_done(q);
	return rc;
}

void mc_proc_field_free_list(mc_proc_field *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		free(list[i].field);
	free(list);
}

/* ---- publications and procedures in force (the reform report) ---------- */

#define PUB_SUMS                                                                                             \
	"count(DISTINCT CASE WHEN kind = 'new' THEN procedure_id END) AS n_new, "                            \
	"count(DISTINCT CASE WHEN kind = 'modified' THEN procedure_id END) AS n_modified, "                  \
	"count(DISTINCT CASE WHEN kind = 'standardised' THEN procedure_id END) AS n_standardised, "          \
	"count(DISTINCT CASE WHEN kind = 'abolished' THEN procedure_id END) AS n_abolished"

#define PUB_COLS(st_, c_)                                                                                    \
	MC_COL(MC_COL_I64, st_, c_ published_new, "n_new"),                                                  \
	    MC_COL(MC_COL_I64, st_, c_ modified, "n_modified"),                                              \
	    MC_COL(MC_COL_I64, st_, c_ standardised, "n_standardised"),                                      \
	    MC_COL(MC_COL_I64, st_, c_ abolished, "n_abolished")

int mc_store_procedure_pub_counts(mc_store *st, mc_pub_counts *out, int32_t first_day, int32_t last_day)
{
	static const char sql[] =
	    "SELECT " PUB_SUMS " FROM procedure_publication WHERE day >= $1 AND day <= $2";
	static const mc_col cols[] = {PUB_COLS(mc_pub_counts, )};
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	memset(out, 0, sizeof *out);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, first_day);
	mc_q_int(q, 2, last_day);
	rc = mc_q_row(q, "count publications");
	if (rc == 1)
		rc = mc_q_read(q, cols, MC_ARRAY_LEN(cols), out);
cleanup:
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

int mc_store_procedure_pub_decisions(mc_store *st, mc_pub_decision **out, size_t *n, int32_t first_day,
				     int32_t last_day)
{
	static const char sql[] =
	    "SELECT decision, min(day) AS day, " PUB_SUMS " FROM procedure_publication "
	    "WHERE day >= $1 AND day <= $2 GROUP BY decision ORDER BY min(day), decision";
	static const mc_col cols[] = {
	    MC_COL(MC_COL_STR, mc_pub_decision, decision, "decision"),
	    MC_COL(MC_COL_I32, mc_pub_decision, day, "day"),
	    PUB_COLS(mc_pub_decision, c.),
	};
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	*out = NULL;
	*n = 0;
	if (rc == 0) {
		mc_q_int(q, 1, first_day);
		mc_q_int(q, 2, last_day);
		rc = mc_q_read_list(q, "list publishing decisions", cols, MC_ARRAY_LEN(cols), sizeof **out,
				    out, n);
	}
	mc_q_done(q);
	return rc;
}

void mc_pub_decision_free_list(mc_pub_decision *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		free(list[i].decision);
	free(list);
}

int mc_store_procedure_in_force(mc_store *st, int64_t by_level[5], int64_t *total, int32_t day)
{
	static const char sql[] =
	    "SELECT p.online_level, count(*) FROM procedure p "
	    "WHERE NOT EXISTS (SELECT 1 FROM procedure_publication a WHERE a.procedure_id = p.id "
	    "AND a.kind = 'abolished' AND a.day <= $1) "
	    "AND (p.status <> 'abolished' OR EXISTS (SELECT 1 FROM procedure_publication a "
	    "WHERE a.procedure_id = p.id AND a.kind = 'abolished')) "
	    "AND coalesce((SELECT min(f.day) FROM procedure_publication f WHERE f.procedure_id = p.id "
	    "AND f.kind IN ('new', 'standardised')), $1) <= $1 "
	    "GROUP BY p.online_level";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	memset(by_level, 0, 5 * sizeof *by_level);
	*total = 0;
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, day);
	while ((rc = mc_q_row(q, "count procedures in force")) == 1) {
		int64_t level = mc_q_col_int(q, 0);
		int64_t count = mc_q_col_int(q, 1);

		by_level[level >= 2 && level <= 4 ? level : 0] += count;
		*total += count;
	}
cleanup:
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}
