/*
 * store_document.c - official documents on either engine (db.h): registers,
 * their numbers, documents and their events (store_document.h).
 */
#include "store/store_document.h"

#include "core/text.h"
#include "store/db.h"
#include "store/store_search.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- registers ---------------------------------------------------------- */

static const mc_col register_cols[] = {
    MC_COL(MC_COL_I64, mc_doc_register, id, "id"),
    MC_COL(MC_COL_STR, mc_doc_register, province_code, "province_code"),
    MC_COL(MC_COL_I64, mc_doc_register, unit_id, "unit_id"),
    MC_COL(MC_COL_INT, mc_doc_register, box, "box"),
    MC_COL(MC_COL_STR, mc_doc_register, name, "name"),
    MC_COL(MC_COL_STR, mc_doc_register, organ_abbr, "organ_abbr"),
    MC_COL(MC_COL_I64, mc_doc_register, created_at, "created_at"),
};

#define REGISTER_COLS "r.id, r.province_code, r.unit_id, r.box, r.name, r.organ_abbr, r.created_at"

void mc_doc_register_clear(mc_doc_register *g)
{
	mc_row_clear(register_cols, MC_ARRAY_LEN(register_cols), g, sizeof *g);
}

void mc_doc_register_free_list(mc_doc_register *list, size_t n)
{
	mc_rows_free(register_cols, MC_ARRAY_LEN(register_cols), list, n, sizeof *list);
}

int mc_store_doc_register_add(mc_store *st, mc_doc_register *g)
{
	static const char sql[] =
	    "INSERT INTO doc_register (province_code, unit_id, box, name, organ_abbr, created_at) VALUES "
	    "(coalesce((SELECT province_code FROM unit WHERE id = $1), ''), $1, $2, $3, $4, $5) RETURNING id";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	mc_q_int(q, 1, g->unit_id);
	mc_q_int(q, 2, g->box);
	mc_q_text(q, 3, g->name ? g->name : "");
	mc_q_text(q, 4, g->organ_abbr ? g->organ_abbr : "");
	mc_q_int(q, 5, g->created_at);
	rc = mc_q_insert_id(q, "record document register", &g->id);
cleanup:
	mc_q_done(q);
	return rc;
}

static int register_one(mc_store *st, mc_doc_register *out, const char *sql, const mc_arg *a, size_t n)
{
	int rc;

	memset(out, 0, sizeof *out);
	rc = mc_db_read(st, sql, "read document register", MC_COLS(register_cols), out, a, n);
	if (rc)
		mc_doc_register_clear(out);
	return rc;
}

int mc_store_doc_register_get(mc_store *st, mc_doc_register *out, int64_t id)
{
	static const char sql[] = "SELECT " REGISTER_COLS " FROM doc_register r WHERE r.id = $1";
	return register_one(st, out, sql, MC_ARGS(MC_I(id)));
}

int mc_store_doc_register_of(mc_store *st, mc_doc_register *out, int64_t unit_id, int box)
{
	static const char sql[] =
	    "SELECT " REGISTER_COLS " FROM doc_register r WHERE r.unit_id = $1 AND r.box = $2";
	return register_one(st, out, sql, MC_ARGS(MC_I(unit_id), MC_I(box)));
}

int mc_store_doc_register_list(mc_store *st, mc_doc_register **out, size_t *n, int64_t unit_id)
{
	static const char sql[] =
	    "SELECT " REGISTER_COLS " FROM doc_register r JOIN unit u ON u.id = r.unit_id "
	    "WHERE u.path >= $1 AND u.path < $2 ORDER BY u.path, r.box";
	mc_q *q = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = mc_db_prepare_in_unit(st, &q, sql, unit_id);
	if (rc)
		goto cleanup;
	rc = mc_q_read_list(q, "list document registers", register_cols, MC_ARRAY_LEN(register_cols),
			    sizeof **out, out, n);
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_doc_number_next(mc_store *st, int64_t *out, int64_t register_id, int year, const char *series)
{
	/* One statement on both engines: the row's lock orders every writer of
	 * the series until its transaction ends; a rolled-back savepoint undoes
	 * the step with the document that used it. */
	static const char sql[] =
	    "INSERT INTO doc_counter (register_id, year, series, last) VALUES ($1, $2, $3, 1) "
	    "ON CONFLICT (register_id, year, series) DO UPDATE SET last = doc_counter.last + 1 "
	    "RETURNING last";
	return mc_db_insert(st, sql, "take a document number", out,
			    MC_ARGS(MC_I(register_id), MC_I(year), MC_T(series)));
}

/* ---- documents ---------------------------------------------------------- */

static const mc_col document_cols[] = {
    MC_COL(MC_COL_I64, mc_document, id, "id"),
    MC_COL(MC_COL_STR, mc_document, province_code, "province_code"),
    MC_COL(MC_COL_INT, mc_document, box, "box"),
    MC_COL(MC_COL_I64, mc_document, register_id, "register_id"),
    MC_COL(MC_COL_I64, mc_document, unit_id, "unit_id"),
    MC_COL(MC_COL_I64, mc_document, drafting_unit_id, "drafting_unit_id"),
    MC_COL(MC_COL_INT, mc_document, state, "state"),
    MC_COL(MC_COL_I64, mc_document, version, "version"),
    MC_COL(MC_COL_STR, mc_document, type, "type"),
    MC_COL(MC_COL_BOOL, mc_document, normative, "normative"),
    MC_COL(MC_COL_INT, mc_document, urgency, "urgency"),
    MC_COL(MC_COL_INT, mc_document, secrecy, "secrecy"),
    MC_COL(MC_COL_STR, mc_document, subject, "subject"),
    MC_COL(MC_COL_STR, mc_document, body, "body"),
    MC_COL(MC_COL_STR, mc_document, drafting_abbr, "drafting_abbr"),
    MC_COL(MC_COL_STR, mc_document, place, "place"),
    MC_COL(MC_COL_STR, mc_document, signer_position, "signer_position"),
    MC_COL(MC_COL_STR, mc_document, signer_name, "signer_name"),
    MC_COL(MC_COL_STR, mc_document, recipients, "recipients"),
    MC_COL(MC_COL_STR, mc_document, recipient_units, "recipient_units"),
    MC_COL(MC_COL_INT, mc_document, year, "year"),
    MC_COL(MC_COL_STR, mc_document, series, "series"),
    MC_COL(MC_COL_I64, mc_document, number, "number"),
    MC_COL(MC_COL_STR, mc_document, notation, "notation"),
    MC_COL(MC_COL_STR, mc_document, organ_name, "organ_name"),
    MC_COL(MC_COL_I64, mc_document, issued_at, "issued_at"),
    MC_COL(MC_COL_I64, mc_document, received_at, "received_at"),
    MC_COL(MC_COL_I64, mc_document, source_id, "source_id"),
    MC_COL(MC_COL_I64, mc_document, assigned_unit_id, "assigned_unit_id"),
    MC_COL(MC_COL_I64, mc_document, assignee_id, "assignee_id"),
    MC_COL(MC_COL_I64, mc_document, deadline, "deadline"),
    MC_COL(MC_COL_STR, mc_document, direction, "direction"),
    MC_COL(MC_COL_STR, mc_document, note, "note"),
    MC_COL(MC_COL_I64, mc_document, created_by, "created_by"),
    MC_COL(MC_COL_I64, mc_document, created_at, "created_at"),
    MC_COL(MC_COL_I64, mc_document, updated_at, "updated_at"),
    MC_COL(MC_COL_STR, mc_document, cooperating_units, "cooperating_units"),
    MC_COL(MC_COL_I64, mc_document, task_id, "task_id"),
};

#define DOCUMENT_COLS                                                                                        \
	"d.id, d.province_code, d.box, d.register_id, d.unit_id, d.drafting_unit_id, d.state, d.version, "   \
	"d.type, d.normative, d.urgency, d.secrecy, d.subject, d.body, d.drafting_abbr, d.place, "           \
	"d.signer_position, d.signer_name, d.recipients, d.recipient_units, d.year, d.series, d.number, "    \
	"d.notation, d.organ_name, d.issued_at, d.received_at, d.source_id, d.assigned_unit_id, "            \
	"d.assignee_id, d.deadline, d.direction, d.note, d.created_by, d.created_at, d.updated_at, "         \
	"d.cooperating_units, coalesce(d.task_id, 0) AS task_id"

void mc_document_clear(mc_document *d)
{
	mc_row_clear(document_cols, MC_ARRAY_LEN(document_cols), d, sizeof *d);
}

void mc_document_free_list(mc_document *list, size_t n)
{
	mc_rows_free(document_cols, MC_ARRAY_LEN(document_cols), list, n, sizeof *list);
}

static const char *s_or_empty(const char *s)
{
	return s ? s : "";
}

/* The folded text the registers are searched in: number and notation,
 * subject, sender, and the body (migration 034). */
static int search_text(char **out, const mc_document *d)
{
	size_t len = strlen(s_or_empty(d->notation)) + strlen(s_or_empty(d->subject)) +
		     strlen(s_or_empty(d->organ_name)) + strlen(s_or_empty(d->body)) + 4;
	char *all = mc_xmalloc(len);
	snprintf(all, len, "%s %s %s %s", s_or_empty(d->notation), s_or_empty(d->subject),
		 s_or_empty(d->organ_name), s_or_empty(d->body));
	int rc = mc_text_fold(out, all, strlen(all));
	free(all);
	return rc;
}

/* Binds the columns that change over a document's life, $first on, in the
 * order of MUTABLE_COLS. */
#define MUTABLE_COLS                                                                                         \
	"state, type, normative, urgency, secrecy, subject, body, drafting_abbr, place, signer_position, "   \
	"signer_name, recipients, recipient_units, year, series, number, notation, organ_name, issued_at, "  \
	"received_at, assigned_unit_id, assignee_id, deadline, direction, note, search_folded, updated_at, " \
	"cooperating_units, task_id"
#define N_MUTABLE 29

static void bind_mutable(mc_q *q, int i, const mc_document *d, const char *folded)
{
	mc_q_int(q, i++, d->state);
	mc_q_text(q, i++, s_or_empty(d->type));
	mc_q_bool(q, i++, d->normative);
	mc_q_int(q, i++, d->urgency);
	mc_q_int(q, i++, d->secrecy);
	mc_q_text(q, i++, s_or_empty(d->subject));
	mc_q_text(q, i++, s_or_empty(d->body));
	mc_q_text(q, i++, s_or_empty(d->drafting_abbr));
	mc_q_text(q, i++, s_or_empty(d->place));
	mc_q_text(q, i++, s_or_empty(d->signer_position));
	mc_q_text(q, i++, s_or_empty(d->signer_name));
	mc_q_text(q, i++, s_or_empty(d->recipients));
	mc_q_text(q, i++, s_or_empty(d->recipient_units));
	mc_q_int(q, i++, d->year);
	mc_q_text(q, i++, s_or_empty(d->series));
	mc_q_int(q, i++, d->number);
	mc_q_text(q, i++, s_or_empty(d->notation));
	mc_q_text(q, i++, s_or_empty(d->organ_name));
	mc_q_int(q, i++, d->issued_at);
	mc_q_int(q, i++, d->received_at);
	mc_q_ref(q, i++, d->assigned_unit_id);
	mc_q_ref(q, i++, d->assignee_id);
	mc_q_int(q, i++, d->deadline);
	mc_q_text(q, i++, s_or_empty(d->direction));
	mc_q_text(q, i++, s_or_empty(d->note));
	mc_q_text(q, i++, folded);
	mc_q_int(q, i++, d->updated_at);
	mc_q_text(q, i++, s_or_empty(d->cooperating_units));
	mc_q_ref(q, i++, d->task_id);
}

int mc_store_document_add(mc_store *st, mc_document *d)
{
	static const char sql[] =
	    "INSERT INTO document (province_code, box, register_id, unit_id, drafting_unit_id, source_id, "
	    "created_by, created_at, version, " MUTABLE_COLS
	    ") VALUES (coalesce((SELECT province_code FROM unit "
	    "WHERE id = $2), ''), $1, $3, $2, $4, $5, $6, $7, 1, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
	    "$17, "
	    "$18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36) "
	    "RETURNING "
	    "id";
	char *folded = NULL;
	mc_q *q = NULL;
	int rc = search_text(&folded, d);

	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, d->box);
	mc_q_int(q, 2, d->unit_id);
	mc_q_int(q, 3, d->register_id);
	mc_q_ref(q, 4, d->drafting_unit_id);
	mc_q_ref(q, 5, d->source_id);
	mc_q_ref(q, 6, d->created_by);
	mc_q_int(q, 7, d->created_at);
	bind_mutable(q, 8, d, folded);
	rc = mc_q_insert_id(q, "record document", &d->id);
	if (rc == 0)
		d->version = 1;
cleanup:
	mc_q_done(q);
	free(folded);
	return rc;
}
_Static_assert(N_MUTABLE + 7 == 36, "the insert's parameters");

int mc_store_document_get(mc_store *st, mc_document *out, int64_t id)
{
	static const char sql[] = "SELECT " DOCUMENT_COLS " FROM document d WHERE d.id = $1";
	memset(out, 0, sizeof *out);
	int rc = mc_db_read_by_id(st, sql, id, "read document", MC_COLS(document_cols), out);
	if (rc)
		mc_document_clear(out);
	return rc;
}

int mc_store_document_update(mc_store *st, const mc_document *d, int64_t if_version)
{
	static const char sql[] =
	    "UPDATE document SET version = version + 1, (" MUTABLE_COLS
	    ") = ($3, $4, $5, $6, $7, $8, $9, $10, "
	    "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, "
	    "$28 || file_folded, $29, $30, $31), register_id = $32, unit_id = $33, drafting_unit_id = $34 "
	    "WHERE id = $1 AND version = $2";
	char *folded = NULL;
	mc_q *q = NULL;
	int rc = search_text(&folded, d);

	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, d->id);
	mc_q_int(q, 2, if_version);
	bind_mutable(q, 3, d, folded);
	/* Changed only by a reorganisation (app/unit_plan.c): the unit ended,
	 * its successor handles what it still had in hand. */
	mc_q_int(q, 3 + N_MUTABLE, d->register_id);
	mc_q_int(q, 4 + N_MUTABLE, d->unit_id);
	mc_q_ref(q, 5 + N_MUTABLE, d->drafting_unit_id);
	/* A number or notation taken is an answer (MC_ECONFLICT). */
	rc = mc_q_try(q, "update document");
	if (rc == 0 && mc_q_changes(q) != 1)
		rc = MC_ESTALE;
cleanup:
	mc_q_done(q);
	free(folded);
	return rc;
}
_Static_assert(N_MUTABLE + 5 == 34, "the update's parameters");

/* $1, $2 the scope's path range; $3 register; $4 box; $5 year; $6 state;
 * $7 numbered; $8 the words searched (LIST_MATCH) or ''; $9 limit, $10
 * offset. */
#define LIST_COND                                                                                            \
	" (d.unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2) "                               \
	"OR d.drafting_unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2)) "                    \
	"AND ($3 = 0 OR d.register_id = $3) AND ($4 = 0 OR d.box = $4) AND ($5 = 0 OR d.year = $5) "         \
	"AND ($6 = 0 OR d.state = $6) AND ($7 = 0 OR d.number > 0)"
#define LIST_FROM " FROM document d WHERE"

/*
 * The search, each engine's own (store_search.h): every folded word of $8
 * as a prefix, found through the engine's full-text index (migration 028)
 * rather than by reading every row. Without words, $8 is ''.
 *
 * SQLite reads its index newest first and stops at the page, each match
 * kept when LIST_COND holds (LIST_FROM_FTS). In the province's scope every
 * match is in scope, so the page and the bounded count are the first matches.
 * Any narrower scope (a district and its communes, a department, a commune)
 * is asked of the index with the words: each document is indexed under
 * every unit on the paths of its unit and drafting unit (column
 * search_scope, migration 042), so a scope is one token and the index hands
 * over only the matches in it, instead of a walk through every match of a
 * word common in the province (a district's p99 91-106 ms over 1,000,000
 * documents, docs/performance.md). The page is still checked by LIST_COND;
 * the count of such a scope with no other filter is the index's alone, so
 * the index must be exact (test_document_search_every_scope in
 * tests/unit/test_store_contract.c).
 *
 * PostgreSQL's index (migration 047) holds each word's prefixes of 1 to 7
 * characters and the scope's units, so the words and the scope are exact
 * terms of one GIN index (document_search_query), a word longer than 7
 * characters then checked as a prefix on the rows found. Whether to read
 * the matches in the index or the table newest first depends on how many
 * there are: the statements are planned for their values at every run
 * (mc_q_plan_each_run), the terms' frequencies read by the planner.
 */
#define LIST_NO_MATCH " AND $8 = ''"
#define LIST_FROM_FTS                                                                                        \
	" FROM document_fts f JOIN document d ON d.id = f.rowid WHERE f.document_fts MATCH $8 AND"
#define LIST_MATCH_PG                                                                                        \
	" AND d.search_terms @@ document_search_query($8, $1) AND (document_search_long($8) IS NULL "        \
	"OR d.search @@ document_search_long($8))"

#define LIST_SQL(from, match, newest)                                                                        \
	{                                                                                                    \
		"SELECT count(*) FROM (SELECT 1" from LIST_COND match                                        \
		" LIMIT " MC_STR(MC_DOCUMENT_COUNT_MAX) " + 1) c",                                           \
		    "SELECT " DOCUMENT_COLS from LIST_COND match " ORDER BY " newest                         \
		    " DESC LIMIT $9 OFFSET $10",                                                             \
		    "SELECT " DOCUMENT_COLS from LIST_COND match                                             \
		    " ORDER BY d.year, d.number, d.id LIMIT $9 OFFSET $10"                                   \
	}

static void list_bind(mc_q *q, const char *lo, const char *hi, const mc_document_query *dq, const char *words)
{
	mc_q_text(q, 1, lo);
	mc_q_text(q, 2, hi);
	mc_q_int(q, 3, dq->register_id);
	mc_q_int(q, 4, dq->box);
	mc_q_int(q, 5, dq->year);
	mc_q_int(q, 6, dq->state);
	mc_q_int(q, 7, dq->numbered ? 1 : 0);
	mc_q_text(q, 8, words);
}

/* What $8 is: the folded words of text as the engine's query (SQLite's FTS5
 * expression; PostgreSQL's words, made a tsquery in SQL), or "" when text
 * has none. */
static int search_words(mc_store *st, char **out, const char *text)
{
	/* SQLite's words are those of the text column, not unit tokens. */
	static const char col[] = "search_folded : (";
	char *folded = NULL;
	int rc;

	*out = NULL;
	if (!text || !*text) {
		*out = mc_xstrdup("");
		return 0;
	}
	rc = mc_text_fold(&folded, text, strlen(text));
	if (rc)
		return rc;
	if (!folded[strspn(folded, " ")])
		*out = mc_xstrdup("");
	else if (mc_db_is_pg(st))
		*out = mc_xstrdup(folded);
	else {
		char *expr = mc_search_sqlite_query(folded, true);
		size_t len = strlen(col) + strlen(expr) + 2;

		*out = mc_xmalloc(len);
		snprintf(*out, len, "%s%s)", col, expr);
		free(expr);
	}
	free(folded);
	return 0;
}

/* SQLite: adds to the query words the scope of unit_id as the index's token
 * (migration 042: "u" and the id of every unit on the paths of a document's
 * unit and drafting unit, so the token of X is on exactly the documents of
 * X's subtree, as LIST_COND says). */
static int scope_words(mc_store *st, char **words, bool *added, int64_t unit_id)
{
	/* Whether the index has the scopes (migration 042): an index made
	 * otherwise has none, and a narrower scope then walks, as the
	 * province's does (test_document_search_scope). */
	static const char sql[] =
	    "SELECT count(*) FROM pragma_table_info('document_fts') WHERE name = 'search_scope'";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	rc = mc_q_row(q, "search scope");
	if (rc != 1) {
		if (rc == 0)
			rc = MC_ERROR;
		goto cleanup;
	}
	rc = 0;
	if (mc_q_col_int(q, 0) != 1)
		goto cleanup;
	size_t len = strlen(*words) + 64;
	char *both = mc_xmalloc(len);
	snprintf(both, len, "%s AND search_scope : \"u%" PRId64 "\"", *words, unit_id);
	free(*words);
	*words = both;
	*added = true;
cleanup:
	mc_q_done(q);
	return rc;
}

static int id_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y) - (x > y);
}

/*
 * PostgreSQL's search with words (migration 047). One read of the index
 * gives the matches' ids, up to MC_DOCUMENT_COUNT_MAX + 1: the count. When
 * that is all of them, the page is those ids' rows, which spares a second
 * read of the index (20-40 ms for frequent terms over 1,000,000 documents
 * on a loaded machine, docs/performance.md); otherwise the words are common
 * and the page statement walks the table newest first. scoped: the scope's
 * term alone is the scope, no other filter (store_document.c's LIST_COND
 * then not needed); which: the PostgreSQL statements of LIST_SQL.
 */
static int pg_list(mc_store *st, mc_document **out, size_t *n, int64_t *total, const mc_document_query *dq,
		   const char *lo, const char *hi, const char *words, bool scoped, const char *const *which)
{
	/* $1 the scope's path, $2 the words. */
	static const char ids_scoped[] =
	    "SELECT d.id FROM document d WHERE d.search_terms @@ document_search_query($2, $1) "
	    "AND (document_search_long($2) IS NULL OR d.search @@ document_search_long($2)) "
	    "LIMIT " MC_STR(MC_DOCUMENT_COUNT_MAX) " + 1";
	static const char ids_cond[] =
	    "SELECT d.id" LIST_FROM LIST_COND LIST_MATCH_PG " LIMIT " MC_STR(MC_DOCUMENT_COUNT_MAX) " + 1";
	/* $1 the ids. */
	static const char by_ids[] =
	    "SELECT " DOCUMENT_COLS " FROM document d WHERE d.id = ANY($1::bigint[]) ORDER BY d.id DESC";
	static const char by_ids_number[] =
	    "SELECT " DOCUMENT_COLS " FROM document d WHERE d.id = ANY($1::bigint[]) "
	    "ORDER BY d.year, d.number, d.id LIMIT $2 OFFSET $3";
	int64_t ids[MC_DOCUMENT_COUNT_MAX + 1];
	size_t k = 0;
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, scoped ? ids_scoped : ids_cond);

	if (rc)
		goto cleanup;
	mc_q_plan_each_run(q);
	if (scoped) {
		mc_q_text(q, 1, lo);
		mc_q_text(q, 2, words);
	} else
		list_bind(q, lo, hi, dq, words);
	while ((rc = mc_q_row(q, "find documents")) == 1 && k < MC_ARRAY_LEN(ids))
		ids[k++] = mc_q_col_int(q, 0);
	if (rc < 0)
		goto cleanup;
	rc = 0;
	mc_q_done(q);
	q = NULL;
	*total = (int64_t)k;
	if (k > MC_DOCUMENT_COUNT_MAX) {
		rc = mc_db_prepare(st, &q, which[dq->by_number ? 2 : 1]);
		if (rc)
			goto cleanup;
		mc_q_plan_each_run(q);
		list_bind(q, lo, hi, dq, words);
		mc_q_int(q, 9, dq->limit);
		mc_q_int(q, 10, dq->offset);
	} else {
		/* Newest first: the page's ids alone; the register's order needs
		 * the rows' year and number. */
		size_t from = 0, to = k;
		if (!dq->by_number) {
			qsort(ids, k, sizeof *ids, id_desc);
			size_t off = dq->offset > 0 ? (size_t)dq->offset : 0;
			size_t lim = dq->limit > 0 ? (size_t)dq->limit : 0;
			from = off < k ? off : k;
			to = lim < k - from ? from + lim : k;
		}
		if (from == to) {
			rc = 0;
			goto cleanup;
		}
		/* "{id,id,…}": at most 20 characters and a comma each. */
		size_t size = (to - from) * 21 + 3, len = 1;
		char *list = mc_xmalloc(size);
		list[0] = '{';
		for (size_t i = from; i < to; i++)
			len += (size_t)snprintf(list + len, size - len, "%s%" PRId64, i > from ? "," : "",
						ids[i]);
		snprintf(list + len, size - len, "}");
		rc = mc_db_prepare(st, &q, dq->by_number ? by_ids_number : by_ids);
		if (rc == 0) {
			mc_q_text(q, 1, list);
			if (dq->by_number) {
				mc_q_int(q, 2, dq->limit);
				mc_q_int(q, 3, dq->offset);
			}
		}
		free(list);
		if (rc)
			goto cleanup;
	}
	rc = mc_q_read_list(q, "list documents", document_cols, MC_ARRAY_LEN(document_cols), sizeof **out,
			    out, n);
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_document_list(mc_store *st, mc_document **out, size_t *n, int64_t *total,
			   const mc_document_query *dq)
{
	static const char *const sql[3][3] = {
	    LIST_SQL(LIST_FROM, LIST_NO_MATCH, "d.id"),
	    LIST_SQL(LIST_FROM_FTS, "", "f.rowid"),
	    LIST_SQL(LIST_FROM, LIST_MATCH_PG, "d.id"),
	};
	/* The count of a scope asked of SQLite's index, with no other filter:
	 * the index's token is the scope (scope_words), so the count needs no
	 * document row (up to 1,001 read otherwise). */
	static const char index_count[] =
	    "SELECT count(*) FROM (SELECT 1 FROM document_fts WHERE document_fts "
	    "MATCH $8 LIMIT " MC_STR(MC_DOCUMENT_COUNT_MAX) " + 1) c";
	bool scoped = false;
	char lo[256], hi[256];
	char *words = NULL;
	const char *const *which;
	mc_q *q = NULL;
	int rc = mc_db_unit_range(st, lo, hi, dq->scope_unit_id);

	*out = NULL;
	*n = 0;
	*total = 0;
	if (rc == 0)
		rc = search_words(st, &words, dq->q);
	if (rc)
		goto cleanup;
	/* A province's scope: its path is "/<id>/", one step from the root. */
	bool whole = strchr(lo + 1, '/') == lo + strlen(lo) - 1;
	if (words[0] && !whole && !mc_db_is_pg(st)) {
		rc = scope_words(st, &words, &scoped, dq->scope_unit_id);
		if (rc)
			goto cleanup;
	}
	which = !words[0] ? sql[0] : mc_db_is_pg(st) ? sql[2] : sql[1];
	bool filtered = dq->register_id || dq->box || dq->year || dq->state || dq->numbered;
	if (words[0] && mc_db_is_pg(st)) {
		rc = pg_list(st, out, n, total, dq, lo, hi, words, !whole && !filtered, which);
		goto cleanup;
	}
	rc = mc_db_prepare(st, &q, scoped && !filtered ? index_count : which[0]);
	if (rc)
		goto cleanup;
	list_bind(q, lo, hi, dq, words);
	rc = mc_q_row(q, "count documents");
	if (rc != 1) {
		if (rc == 0)
			rc = MC_ERROR;
		goto cleanup;
	}
	*total = mc_q_col_int(q, 0);
	mc_q_done(q);
	q = NULL;
	rc = mc_db_prepare(st, &q, which[dq->by_number ? 2 : 1]);
	if (rc)
		goto cleanup;
	list_bind(q, lo, hi, dq, words);
	mc_q_int(q, 9, dq->limit);
	mc_q_int(q, 10, dq->offset);
	rc = mc_q_read_list(q, "list documents", document_cols, MC_ARRAY_LEN(document_cols), sizeof **out,
			    out, n);
cleanup:
	mc_q_done(q);
	free(words);
	return rc;
}

/* ---- events ------------------------------------------------------------- */

static const mc_col event_cols[] = {
    MC_COL(MC_COL_I64, mc_document_event, id, "id"),
    MC_COL(MC_COL_I64, mc_document_event, document_id, "document_id"),
    MC_COL(MC_COL_I64, mc_document_event, at, "at"),
    MC_COL(MC_COL_I64, mc_document_event, user_id, "user_id"),
    MC_COL(MC_COL_STR, mc_document_event, user_name, "user_name"),
    MC_COL(MC_COL_STR, mc_document_event, role, "role"),
    MC_COL(MC_COL_I64, mc_document_event, unit_id, "unit_id"),
    MC_COL(MC_COL_STR, mc_document_event, action, "action"),
    MC_COL(MC_COL_INT, mc_document_event, from_state, "from_state"),
    MC_COL(MC_COL_INT, mc_document_event, to_state, "to_state"),
    MC_COL(MC_COL_STR, mc_document_event, note, "note"),
    MC_COL_ARRAY(mc_document_event, hash, "hash"),
    MC_COL(MC_COL_INT, mc_document_event, file_version, "file_version"),
    MC_COL_ARRAY(mc_document_event, file_sha256, "file_sha256"),
};

void mc_document_event_clear(mc_document_event *e)
{
	mc_row_clear(event_cols, MC_ARRAY_LEN(event_cols), e, sizeof *e);
}

void mc_document_event_free_list(mc_document_event *list, size_t n)
{
	mc_rows_free(event_cols, MC_ARRAY_LEN(event_cols), list, n, sizeof *list);
}

int mc_store_document_event_add(mc_store *st, mc_document_event *e)
{
	static const char sql[] =
	    "INSERT INTO document_event (document_id, at, user_id, user_name, role, unit_id, action, "
	    "from_state, "
	    "to_state, note, hash, file_version, file_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    "$10, $11, $12, $13) RETURNING id";

	/* The hash links the event to its document's log (core/audit.h). */
	if (!e->hash[0])
		return MC_EINVAL;
	return mc_db_insert(st, sql, "record document event", &e->id,
			    MC_ARGS(MC_I(e->document_id), MC_I(e->at), MC_REF(e->user_id),
				    MC_T(s_or_empty(e->user_name)), MC_T(s_or_empty(e->role)),
				    MC_REF(e->unit_id), MC_T(s_or_empty(e->action)), MC_I(e->from_state),
				    MC_I(e->to_state), MC_T(s_or_empty(e->note)), MC_T(e->hash),
				    MC_I(e->file_version), MC_T(e->file_sha256)));
}

int mc_store_document_event_find(mc_store *st, mc_document_event *out, int64_t document_id,
				 const char *action, bool last)
{
	static const char *const sql[] = {
	    "SELECT id, document_id, at, user_id, user_name, role, unit_id, action, from_state, to_state, "
	    "note, hash, file_version, file_sha256 FROM document_event WHERE document_id = $1 AND action = "
	    "$2 "
	    "ORDER BY id LIMIT 1",
	    "SELECT id, document_id, at, user_id, user_name, role, unit_id, action, from_state, to_state, "
	    "note, hash, file_version, file_sha256 FROM document_event WHERE document_id = $1 AND action = "
	    "$2 "
	    "ORDER BY id DESC LIMIT 1"};

	memset(out, 0, sizeof *out);
	return mc_db_read(st, sql[last], "find a document event", MC_COLS(event_cols), out,
			  MC_ARGS(MC_I(document_id), MC_T(action)));
}

int mc_store_document_events_page(mc_store *st, mc_document_event **out, size_t *n, bool *more,
				  int64_t document_id, int64_t before_id, int limit)
{
	/* Newest first by the index document_event_doc (document_id, id). */
	static const char sql[] = "SELECT id, document_id, at, user_id, user_name, role, unit_id, action, "
				  "from_state, to_state, note, hash, file_version, file_sha256 FROM "
				  "document_event WHERE document_id = $1 AND ($2 = 0 OR id < $2) "
				  "ORDER BY id DESC LIMIT $3";

	return mc_db_list_page(st, sql, "list document events", MC_COLS(event_cols), sizeof **out, out, n,
			       more, document_id, before_id, limit);
}

typedef struct {
	int64_t id;
} copy_row;

int mc_store_unit_open_documents(mc_store *st, int64_t **out, size_t *n, int64_t unit_id)
{
	static const mc_col cols[] = {MC_COL(MC_COL_I64, copy_row, id, "id")};
	static const char sql[] = "SELECT id FROM document WHERE state NOT IN (6, 10, 11) AND (unit_id = $1 "
				  "OR drafting_unit_id = $1 "
				  "OR assigned_unit_id = $1) ORDER BY id";
	copy_row *rows = NULL;
	int rc = mc_db_read_list_by(st, sql, unit_id, "list a unit's documents in hand", cols, 1,
				    sizeof *rows, &rows, n);

	/* copy_row is one int64_t: the array is the list of ids. */
	*out = (int64_t *)rows;
	return rc;
}

int mc_store_document_copy_ids(mc_store *st, int64_t **out, size_t *n, int64_t source_id)
{
	static const mc_col cols[] = {MC_COL(MC_COL_I64, copy_row, id, "id")};
	static const char sql[] = "SELECT id FROM document WHERE source_id = $1 ORDER BY id";
	copy_row *rows = NULL;
	int rc = mc_db_read_list_by(st, sql, source_id, "list a document's copies", cols, 1, sizeof *rows,
				    &rows, n);

	/* copy_row is one int64_t: the array is the list of ids. */
	*out = (int64_t *)rows;
	return rc;
}

int mc_store_document_events_by(mc_store *st, int64_t *out, int64_t user_id, int64_t since)
{
	static const char sql[] = "SELECT count(*) FROM document_event WHERE user_id = $1 AND at >= $2";
	int rc = mc_db_lock_account(st, user_id, "lock an account's steps on documents");

	*out = 0;
	return rc ? rc
		  : mc_db_int(st, sql, "count document events of an account", out,
			      MC_ARGS(MC_I(user_id), MC_I(since)));
}

/* The space of the documents' chain locks (db.h mc_db_lock), by document id. */
#define LOCK_DOCUMENT_CHAIN INT64_C(1835230081)

int mc_store_document_lock(mc_store *st, int64_t document_id)
{
	return mc_db_lock(st, (LOCK_DOCUMENT_CHAIN << 32) | (document_id & 0xffffffff),
			  "lock a document's events");
}

int mc_store_document_event_head(mc_store *st, int64_t document_id, char out[65])
{
	static const char sql[] =
	    "SELECT hash FROM document_event WHERE document_id = $1 ORDER BY id DESC LIMIT 1";
	mc_q *q = NULL;
	/* Every event of a document is chained after reading this head: on
	 * PostgreSQL two servers appending to one document (a detach, an
	 * upload, an exchange status, none of which writes the document's
	 * row) would both read the same head and fork the chain. The lock is
	 * held until the commit, so the second reads the first's event. */
	int rc = mc_store_document_lock(st, document_id);

	out[0] = '\0';
	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, document_id);
		rc = mc_q_row(q, "read a document's last event");
		if (rc == 1) {
			const char *h = mc_q_col_text(q, 0);
			snprintf(out, 65, "%s", h ? h : "");
			rc = 0;
		}
	}
	mc_q_done(q);
	return rc;
}

int mc_store_document_event_scan(mc_store *st, int (*cb)(const mc_document_event *e, void *payload),
				 void *payload)
{
	/* Pages by (document_id, id), the order of the chains and of the index
	 * document_event_doc: a log of millions is never held at once. */
	static const char sql[] =
	    "SELECT id, document_id, at, user_id, user_name, role, unit_id, action, "
	    "from_state, to_state, note, hash, file_version, file_sha256 FROM document_event "
	    "WHERE (document_id, id) > ($1, $2) ORDER BY document_id, id LIMIT 1000";
	mc_document_event *page = NULL;
	size_t n = 0;
	int64_t after_doc = 0, after_id = 0;
	int rc = 0;

	for (;;) {
		rc = mc_db_list(st, sql, "scan document events", MC_COLS(event_cols), sizeof *page, &page, &n,
				MC_ARGS(MC_I(after_doc), MC_I(after_id)));
		if (rc || n == 0)
			break;
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = cb(&page[i], payload);
		after_doc = page[n - 1].document_id;
		after_id = page[n - 1].id;
		mc_document_event_free_list(page, n);
		page = NULL;
		if (rc || n < 1000)
			break;
	}
	mc_document_event_free_list(page, n);
	return rc;
}

int mc_store_document_event_chained_from(mc_store *st, int64_t *id)
{
	static const char sql[] = "SELECT chained_from FROM document_event_chain";
	return mc_db_int(st, sql, "read where the document events' chain starts", id, NULL, 0);
}

/* ---- the search text folded again (migration 034) ----------------------- */

int mc_store_document_file_text(mc_store *st, const mc_document *d, const char *text)
{
	static const char sql[] =
	    "UPDATE document SET file_folded = $2, search_folded = $3 || $2 WHERE id = $1";
	char *fields = NULL, *folded = NULL, *spaced = NULL;
	int rc = search_text(&fields, d);

	if (rc == 0)
		rc = mc_text_fold(&folded, text ? text : "", strlen(text ? text : ""));
	if (rc == 0) {
		/* after the fields' words, a space between */
		size_t n = strlen(folded) + 2;
		spaced = mc_xmalloc(n);
		snprintf(spaced, n, " %s", folded);
		rc = mc_db_run(st, sql, "record the text of a document's file",
			       MC_ARGS(MC_I(d->id), MC_T(folded[0] ? spaced : ""), MC_T(fields)));
	}
	free(fields);
	free(folded);
	free(spaced);
	return rc;
}

static const mc_col refold_cols[] = {
    MC_COL(MC_COL_I64, mc_document, id, "id"),
    MC_COL(MC_COL_STR, mc_document, notation, "notation"),
    MC_COL(MC_COL_STR, mc_document, subject, "subject"),
    MC_COL(MC_COL_STR, mc_document, organ_name, "organ_name"),
    MC_COL(MC_COL_STR, mc_document, body, "body"),
};

static int refold_one(mc_store *st, const mc_document *d)
{
	static const char sql[] = "UPDATE document SET search_folded = $2 || file_folded WHERE id = $1";
	char *folded = NULL;
	int rc = search_text(&folded, d);

	if (rc == 0)
		rc = mc_db_run(st, sql, "fold a document's search text again",
			       MC_ARGS(MC_I(d->id), MC_T(folded)));
	free(folded);
	return rc;
}

int mc_store_document_search_refold(mc_store *st, int64_t *count)
{
	/* A page at a time by id, no statement open while rows are written:
	 * a register of millions is never held at once. */
	static const char sql[] =
	    "SELECT id, notation, subject, organ_name, body FROM document WHERE id > $1 "
	    "ORDER BY id LIMIT 500";
	mc_document *page = NULL;
	size_t n = 0;
	int64_t after = 0;
	int rc = 0;

	*count = 0;
	for (;;) {
		rc = mc_db_read_list_by(st, sql, after, "read documents to fold", MC_COLS(refold_cols),
					sizeof *page, &page, &n);
		if (rc || n == 0)
			break;
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = refold_one(st, &page[i]);
		*count += (int64_t)n;
		after = page[n - 1].id;
		mc_document_free_list(page, n);
		page = NULL;
		if (rc || n < 500)
			break;
	}
	mc_document_free_list(page, n);
	return rc;
}
