/*
 * store_search_pg.c - the procedure search on PostgreSQL (store_search.h): a
 * tsvector over the folded columns (migrations/postgresql/001_init.sql),
 * ranked by ts_rank. Its own file because the query language and the ranking
 * are PostgreSQL's alone.
 */
#include "store/store_search.h"

/*
 * The query: the folded text ($1) is split into words by the same parser that
 * built the index (to_tsvector 'simple'), and each word becomes a prefix term,
 * quoted, all required: 'dang':* & 'ky':*. The user's text is only ever
 * parsed as a document, never as tsquery syntax, so quotes, operators and
 * parentheses in it are plain characters. Text with words but no indexable
 * word gives a NULL query, which matches nothing.
 */
#define MATCH                                                                                                \
	" FROM procedure p, (SELECT (SELECT string_agg('''' || replace(replace(w, '\\', '\\\\'), '''', "     \
	"'''''') || ''':*', ' & ')::tsquery FROM unnest(tsvector_to_array(to_tsvector("                      \
	"'simple'::regconfig, $1)))"                                                                         \
	" AS w) AS tsq) q WHERE p.search @@ q.tsq" MC_PROC_FILTERS

const char mc_search_pg_count[] = "SELECT count(*)" MATCH;
/* Ranked by ts_rank over the weighted vector (name A, code B, field C),
 * divided by 1 + log(length) so that the exact short name comes before
 * longer ones that repeat the words. */
const char mc_search_pg_rows[] =
    "SELECT " MC_PROC_COLS MATCH " ORDER BY ts_rank(p.search, q.tsq, 1) DESC, length(p.name), p.name, p.id"
    " LIMIT $7 OFFSET $8";
