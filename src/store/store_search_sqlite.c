/*
 * store_search_sqlite.c - the procedure search on SQLite (store_search.h):
 * FTS5 over the folded columns, ranked by bm25. Its own file because the
 * query language and the ranking are SQLite's alone.
 */
#include "store/store_search.h"

#include "core/mc.h"

#include <stdlib.h>
#include <string.h>

/* Column weights: a word of the name counts most, then the code, then the field. */
#define MATCH                                                                                                \
	" FROM procedure_fts JOIN procedure p ON p.id = procedure_fts.rowid WHERE procedure_fts MATCH "      \
	"$1" MC_PROC_FILTERS

const char mc_search_sqlite_count[] = "SELECT count(*)" MATCH;
const char mc_search_sqlite_rows[] =
    "SELECT " MC_PROC_COLS MATCH " ORDER BY bm25(procedure_fts, 10.0, 5.0, 1.0), length(p.name), p.name, p.id"
    " LIMIT $7 OFFSET $8";

/*
 * The folded words, each quoted and matched as a prefix ("dang"* "ky"*), all
 * required. Quoting makes every word a plain string, so nothing the user
 * types is read as FTS5 syntax.
 */
char *mc_search_sqlite_query(const char *folded)
{
	/* Each byte becomes at most two (a doubled quote) plus "" * and a space per word. */
	char *expr = mc_xmalloc(strlen(folded) * 5 + 1);
	size_t len = 0;

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
	return expr;
}
