/*
 * store_search_pg.c - the procedure search on PostgreSQL (store_search.h): a
 * tsvector over the folded columns (migrations/postgresql/001_init.sql) finds
 * the candidates; their order is core/search.h's, the same on both engines.
 * Its own file because the query language is PostgreSQL's alone.
 */
#include "store/store_search.h"

/*
 * The query: the folded words ($1) are split by the same parser that built
 * the index (to_tsvector 'simple'), and each becomes a quoted prefix term,
 * any of them: 'dang':* | 'ky':*. The user's text is only ever parsed as a
 * document, never as tsquery syntax, so quotes, operators and parentheses in
 * it are plain characters. Text with no indexable word gives a NULL query,
 * which matches nothing.
 */
const char mc_search_pg_candidates[] =
    "SELECT " MC_SEARCH_CANDIDATE_COLS
    " FROM procedure p, (SELECT (SELECT string_agg('''' || replace(replace(w, '\\', '\\\\'), '''', "
    "'''''') || ''':*', ' | ')::tsquery FROM unnest(tsvector_to_array(to_tsvector("
    "'simple'::regconfig, $1)))"
    " AS w) AS tsq) q WHERE p.search @@ q.tsq" MC_PROC_FILTERS;
