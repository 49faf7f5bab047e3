/*
 * store_search_sqlite.c - the procedure search on SQLite (store_search.h):
 * FTS5 over the folded columns finds the candidates; their order is
 * core/search.h's, the same on both engines. Its own file because the query
 * language is SQLite's alone.
 */
#include "store/store_search.h"

#include "core/mc.h"

#include <stdlib.h>
#include <string.h>

const char mc_search_sqlite_candidates[] =
    "SELECT " MC_SEARCH_CANDIDATE_COLS " FROM procedure_fts JOIN procedure p ON p.id = procedure_fts.rowid "
    "WHERE procedure_fts MATCH $1" MC_PROC_FILTERS;

/*
 * The folded words, each quoted and matched as a prefix, any of them
 * ("dang"* OR "ky"*) or all of them ("dang"* AND "ky"*). Quoting makes
 * every word a plain string, so nothing the user types is read as FTS5
 * syntax.
 */
char *mc_search_sqlite_query(const char *folded, bool all)
{
	const char *op = all ? " AND " : " OR ";
	size_t op_len = strlen(op);

	/* Each byte becomes at most two (a doubled quote), plus "" * and the operator per word. */
	char *expr = mc_xmalloc(strlen(folded) * 8 + 1);
	size_t len = 0;

	for (const char *c = folded; *c;) {
		while (*c == ' ')
			c++;
		if (!*c)
			break;
		if (len) {
			memcpy(expr + len, op, op_len);
			len += op_len;
		}
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
	return expr;
}
