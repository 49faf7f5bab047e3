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
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < p->n_steps; i++) {
		const mc_proc_step *x = &p->steps[i];

		rc = mc_db_run(st, step_sql, "insert procedure step",
			       MC_ARGS(MC_I(id), MC_I((int64_t)i), MC_I(x->seq), MC_T(str(x->name)),
				       MC_T(str(x->role)), MC_T(str(x->unit_level)), MC_I(x->hours)));
	}
	for (size_t i = 0; rc == 0 && i < p->n_docs; i++) {
		const mc_proc_doc *x = &p->docs[i];

		rc = mc_db_run(st, doc_sql, "insert procedure document",
			       MC_ARGS(MC_I(id), MC_I((int64_t)i), MC_I(x->seq), MC_T(str(x->name)),
				       MC_I(x->originals), MC_I(x->copies), MC_T(str(x->form)),
				       MC_B(x->required), MC_T(str(x->template_sha256)),
				       MC_T(str(x->template_filename))));
	}
	for (size_t i = 0; rc == 0 && i < p->n_fees; i++) {
		const mc_proc_fee *x = &p->fees[i];

		rc = mc_db_run(st, fee_sql, "insert procedure fee",
			       MC_ARGS(MC_I(id), MC_I((int64_t)i), MC_T(str(x->code)), MC_T(str(x->name)),
				       MC_I(x->amount)));
	}
	for (size_t i = 0; rc == 0 && i < p->n_pubs; i++) {
		const mc_proc_pub *x = &p->pubs[i];

		rc = mc_db_run(st, pub_sql, "insert procedure publication",
			       MC_ARGS(MC_I(id), MC_I((int64_t)i), MC_T(str(x->kind)), MC_T(str(x->decision)),
				       MC_I(x->day)));
	}
	return rc;
}

/* Writes the scalar fields of p with sql ($1 (code) … $21, with the folded
 * texts the search indexes (store_search.h); RETURNING id) and its parts,
 * all or nothing; sets p->id. MC_ENOTFOUND when sql finds no row. */
static int proc_write(mc_store *st, mc_procedure *p, const char *sql, bool replace_parts, const char *what)
{
	static const char *const del[] = {
	    "DELETE FROM procedure_step WHERE procedure_id = $1",
	    "DELETE FROM procedure_document WHERE procedure_id = $1",
	    "DELETE FROM procedure_fee WHERE procedure_id = $1",
	    "DELETE FROM procedure_publication WHERE procedure_id = $1",
	};
	const char *name = str(p->name), *code = str(p->code), *field = str(p->field);
	char *folded[3] = {NULL, NULL, NULL};
	int64_t id = 0;
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	rc = mc_text_fold(&folded[0], name, strlen(name));
	if (rc == 0)
		rc = mc_text_fold(&folded[1], code, strlen(code));
	if (rc == 0)
		rc = mc_text_fold(&folded[2], field, strlen(field));
	if (rc == 0)
		rc = mc_db_int(
		    st, sql, what, &id,
		    MC_ARGS(MC_T(code), MC_T(name), MC_T(field), MC_T(str(p->levels)), MC_REF(p->unit_id),
			    MC_I(p->duration_hours), MC_I(p->online_duration_hours), MC_I(p->cutoff_min),
			    MC_B(p->restart_on_supplement), MC_I(p->online_level),
			    MC_T(p->status && p->status[0] ? p->status : "active"), MC_T(str(p->target)),
			    MC_T(str(p->result)), MC_T(str(p->legal_basis)), MC_T(str(p->place)),
			    MC_T(folded[0]), MC_T(folded[1]), MC_T(folded[2]), MC_B(p->anywhere),
			    MC_T(str(p->online_class)), MC_I(p->online_class_since)));
	for (int i = 0; i < 3; i++)
		free(folded[i]);
	/* Ids start at 1: none came back. */
	if (rc == 0 && id == 0)
		rc = MC_ENOTFOUND;
	for (size_t i = 0; rc == 0 && replace_parts && i < MC_ARRAY_LEN(del); i++)
		rc = mc_db_run(st, del[i], "delete procedure parts", MC_ARGS(MC_I(id)));
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
	int rc = mc_db_read_list_by(st, step_sql, p->id, "read procedure steps", MC_COLS(step_cols),
				    sizeof *p->steps, &p->steps, &p->n_steps);

	if (rc == 0)
		rc = mc_db_read_list_by(st, doc_sql, p->id, "read procedure documents", MC_COLS(doc_cols),
					sizeof *p->docs, &p->docs, &p->n_docs);
	if (rc == 0)
		rc = mc_db_read_list_by(st, fee_sql, p->id, "read procedure fees", MC_COLS(fee_cols),
					sizeof *p->fees, &p->fees, &p->n_fees);
	if (rc == 0)
		rc = mc_db_read_list_by(st, pub_sql, p->id, "read procedure publications", MC_COLS(pub_cols),
					sizeof *p->pubs, &p->pubs, &p->n_pubs);
	return rc;
}

/* The one procedure sql finds by key as $1 (an id, or a code). */
static int proc_one(mc_store *st, mc_procedure *out, const char *sql, mc_arg key, bool with_parts)
{
	memset(out, 0, sizeof *out);
	int rc = mc_db_read(st, sql, "read procedure", MC_COLS(proc_cols), out, &key, 1);
	if (rc == 0 && with_parts)
		rc = parts_load(st, out);
	if (rc)
		mc_procedure_clear(out);
	return rc;
}

int mc_store_procedure_get(mc_store *st, mc_procedure *out, const char *code, bool with_parts)
{
	static const char sql[] = "SELECT " MC_PROC_COLS " FROM procedure p WHERE p.code = $1";
	return proc_one(st, out, sql, MC_T(code), with_parts);
}

int mc_store_procedure_get_id(mc_store *st, mc_procedure *out, int64_t id, bool with_parts)
{
	static const char sql[] = "SELECT " MC_PROC_COLS " FROM procedure p WHERE p.id = $1";
	return proc_one(st, out, sql, MC_I(id), with_parts);
}

/* ---- search ----------------------------------------------------------- */

/* The values of a search's $1 … $6. */
#define SEARCH_ARGS(match, pq)                                                                               \
	MC_T(match), MC_T((pq)->field), MC_T((pq)->level), MC_I((pq)->online_level), MC_REF((pq)->unit_id),  \
	    MC_B((pq)->include_abolished)

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
	int rc;

	mc_search_plan_make(&plan, folded);
	words = mc_search_plan_words(&plan);
	match = pg ? mc_xstrdup(words) : mc_search_sqlite_query(words, false);
	rc = mc_db_list(st, pg ? mc_search_pg_candidates : mc_search_sqlite_candidates, "search procedures",
			MC_COLS(cols), sizeof *c, &c, &nc, MC_ARGS(SEARCH_ARGS(match, pq)));
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
	rc = mc_db_int(st, count_all, "count procedures", &found->total, MC_ARGS(SEARCH_ARGS(NULL, pq)));
	if (rc == 0)
		rc = mc_db_list(st, rows_all, "search procedures", MC_COLS(proc_cols), sizeof **out, out, n,
				MC_ARGS(SEARCH_ARGS(NULL, pq), MC_I(pq->limit), MC_I(pq->offset)));
cleanup:
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

	return mc_db_list(st, sql, "count procedures by field", MC_COLS(cols), sizeof **out, out, n,
			  MC_ARGS(MC_T(level)));
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

	memset(out, 0, sizeof *out);
	int rc = mc_db_read(st, sql, "count publications", MC_COLS(cols), out,
			    MC_ARGS(MC_I(first_day), MC_I(last_day)));
	return rc < 0 && rc != MC_ENOTFOUND ? rc : 0;
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

	return mc_db_list(st, sql, "list publishing decisions", MC_COLS(cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(first_day), MC_I(last_day)));
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
