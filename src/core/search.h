/*
 * core/search.h - how the procedure search ranks what the engines find
 * (issue 15, item 12). Pure: it reads folded text (core/text.h
 * mc_text_fold: lower case, no diacritics, words separated by one space)
 * and never touches the store. The store (store_procedure.c) asks each
 * engine for the procedures holding any word of the plan as a prefix, then
 * ranks them here, so that SQLite and PostgreSQL give the same order.
 *
 * A plan is the folded query as typed, plus a variant for each phrase of a
 * small table of common names people use for a procedure ("so do" for the
 * land-use certificate, "cmnd" for the identity card). Filler words ("cho",
 * "cua", "toi", ...) need not match unless the query has nothing else.
 *
 * A procedure matches a variant when every word of it that is not filler
 * begins a word of its name, code or field. When no procedure has them all,
 * the search is relaxed: those holding at least half of them (at least one)
 * are shown, the most words first.
 */
#ifndef MC_CORE_SEARCH_H
#define MC_CORE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MC_SEARCH_MAX_WORDS 16
#define MC_SEARCH_MAX_VARIANTS 4

typedef struct {
	char *text; /* the variant's words, each NUL-terminated, one after the other */
	const char *word[MC_SEARCH_MAX_WORDS];
	size_t len[MC_SEARCH_MAX_WORDS];
	bool filler[MC_SEARCH_MAX_WORDS];
	size_t n;	  /* words */
	size_t n_content; /* words that must match (not filler) */
	bool synonym;	  /* made by the table of common names */
} mc_search_variant;

typedef struct {
	mc_search_variant v[MC_SEARCH_MAX_VARIANTS];
	size_t n;
} mc_search_plan;

/* How one procedure answers a plan; compare with mc_search_rank_cmp. */
typedef struct {
	bool all;      /* every content word of a variant matched */
	int matched;   /* content words matched (best variant) */
	int needed;    /* content words of that variant */
	int64_t score; /* higher is better */
} mc_search_rank;

/*
 * Builds the plan of folded text (as mc_text_fold gives it; words beyond
 * MC_SEARCH_MAX_WORDS are ignored). An empty plan (n == 0) for text without
 * words. Free with mc_search_plan_clear.
 */
void mc_search_plan_make(mc_search_plan *plan, const char *folded);
void mc_search_plan_clear(mc_search_plan *plan);

/*
 * The distinct content words of every variant, separated by single spaces:
 * what the engines match as prefixes, any of them (caller frees).
 */
char *mc_search_plan_words(const mc_search_plan *plan);

/*
 * Ranks a procedure by its folded name, code and field:
 * - the query's exact code first;
 * - then the whole phrase in the name (a common name's phrase a little
 *   more, for it says what people mean);
 * - then the number of query words side by side in the name as typed;
 * - then each word found as a whole word of the name (more than as the start
 *   of one), then in the code or field.
 */
void mc_search_rank_of(mc_search_rank *out, const mc_search_plan *plan, const char *name, const char *code,
		       const char *field);

/* Whether a is kept when the search is relaxed: at least half the words
 * (and at least one) of its variant. */
bool mc_search_rank_near(const mc_search_rank *a);

/* Better first: all words before some, more words, higher score. 0 on a tie
 * (the caller breaks it by the name's length, the name, the id). */
int mc_search_rank_cmp(const mc_search_rank *a, const mc_search_rank *b);

/*
 * "Did you mean": the folded query with each content word that begins no
 * word of vocab (folded words separated by spaces, such as the names of the
 * catalogue) replaced by the nearest word of vocab (optimal string alignment
 * distance: 1 for words of up to 4 letters, 2 beyond; among equals the one
 * vocab holds most often). NULL when no word was replaced (caller frees).
 */
char *mc_search_suggest(const char *folded, const char *vocab);

#endif
