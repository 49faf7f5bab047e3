/*
 * store_search.h - the full-text search over the procedure catalogue, the one
 * part of it the two engines do differently: SQLite matches an FTS5 table
 * (procedure_fts, kept by triggers); PostgreSQL matches a generated tsvector
 * (procedure.search). Both index the folded columns the store writes
 * (name_folded, code_folded, field_folded), and both find the candidates
 * holding any word of the plan as a prefix. Which of them are shown, and in
 * which order, is core/search.h's, so both engines rank alike. Everything
 * else about procedures is written once, in store_procedure.c. Private to
 * src/store.
 */
#ifndef MC_STORE_SEARCH_H
#define MC_STORE_SEARCH_H

#include <stdbool.h>

/* The columns of a procedure "p" the store reads (store_procedure.c). */
#define MC_PROC_COLS                                                                                         \
	"p.id, p.code, p.name, p.field, p.levels, p.unit_id, p.duration_hours, p.online_duration_hours, "    \
	"p.cutoff_min, p.restart_on_supplement, p.online_level, p.status, p.target, p.result, "              \
	"p.legal_basis, p.place, p.anywhere, p.online_class, p.online_class_since"

/* Whether the comma list p.levels (spaces ignored) holds the level x as a
 * whole item. Written with replace, which both engines have (SQLite's instr
 * is PostgreSQL's strpos). */
#define MC_PROC_HAS_LEVEL(x)                                                                                 \
	"replace(',' || replace(p.levels, ' ', '') || ',', ',' || " x " || ',', '') <> "                     \
	"',' || replace(p.levels, ' ', '') || ','"

/* The filters of a search: $2 field, $3 level, $4 online level, $5 unit, $6
 * include abolished. A unit sees the procedures it owns and the unowned ones
 * open to its level. */
#define MC_PROC_LEVEL_3 MC_PROC_HAS_LEVEL("$3")
#define MC_PROC_LEVEL_OF_5 MC_PROC_HAS_LEVEL("(SELECT u.level FROM unit u WHERE u.id = $5)")
#define MC_PROC_FILTERS                                                                                      \
	" AND ($2 IS NULL OR p.field = $2)"                                                                  \
	" AND ($3 IS NULL OR " MC_PROC_LEVEL_3 ")"                                                           \
	" AND p.online_level >= $4"                                                                          \
	" AND ($5 IS NULL OR p.unit_id = $5 OR (p.unit_id IS NULL AND " MC_PROC_LEVEL_OF_5 "))"              \
	" AND ($6 OR p.status <> 'abolished')"

/* What a candidate brings to be ranked (core/search.h). */
#define MC_SEARCH_CANDIDATE_COLS                                                                             \
	"p.id AS id, p.name_folded AS name, p.code_folded AS code, p.field_folded AS field, "                \
	"length(p.name) AS name_len"

/* Each engine's statement that lists the procedures holding any word of $1
 * (folded words, or for SQLite its query) as a prefix, within
 * MC_PROC_FILTERS. */
extern const char mc_search_sqlite_candidates[];
extern const char mc_search_pg_candidates[];

/* What SQLite binds to $1 for folded words (at least one): an FTS5 query,
 * any of them, or all of them when all (caller frees). PostgreSQL binds the
 * words themselves and builds its query in SQL (MC_SEARCH_PG_TSQUERY). */
char *mc_search_sqlite_query(const char *folded, bool all);

/* PostgreSQL's query from the folded words bound as $n (a string literal
 * such as "$1"), each a quoted prefix term joined by op (" | " any, " & "
 * all): the words are split by the parser that built the index (to_tsvector
 * 'simple') and never read as tsquery syntax. NULL, which matches nothing,
 * for text with no indexable word. */
#define MC_SEARCH_PG_TSQUERY(n, op)                                                                          \
	"(SELECT string_agg('''' || replace(replace(w, '\\', '\\\\'), '''', '''''') || ''':*', '" op         \
	"')::tsquery FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, " n "))) AS w)"

#endif
