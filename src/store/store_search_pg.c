/*
 * store_search_pg.c - the procedure search on PostgreSQL (store_search.h): a
 * tsvector over the folded columns (migrations/postgresql/001_init.sql) finds
 * the candidates; their order is core/search.h's, the same on both engines.
 * Its own file because the query language is PostgreSQL's alone.
 */
#include "store/store_search.h"

/* The candidates: any folded word of $1 as a prefix (store_search.h). */
const char mc_search_pg_candidates[] =
    "SELECT " MC_SEARCH_CANDIDATE_COLS " FROM procedure p, (SELECT " MC_SEARCH_PG_TSQUERY(
	"$1", " | ") " AS tsq) q WHERE p.search @@ q.tsq" MC_PROC_FILTERS;
