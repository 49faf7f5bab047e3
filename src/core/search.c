#include "core/search.h"

#include "core/mc.h"

#include <stdlib.h>
#include <string.h>

/*
 * Words that carry no meaning of their own in what people type ("khai sinh
 * cho con", "toi muon lam so do"): they need not match. Folded.
 */
static const char *const fillers[] = {
    "cho", "cua",  "va", "cac", "voi", "toi", "muon", "xin", "tai", "thi", "la",  "nhung", "nao",
    "gi",  "minh", "o",	 "ve",	"con", "em",  "ban",  "de",  "lam", "the", "nhu", "khi",
};

/*
 * Common names of procedures, folded: the phrase people type and the words of
 * the catalogue's name. A small table on purpose: what
 * the desk hears most often.
 */
static const struct {
	const char *phrase, *means;
} synonyms[] = {
    {"so do", "giay chung nhan quyen su dung dat"},
    {"so hong", "giay chung nhan quyen su dung dat"},
    {"giay khai sinh", "dang ky khai sinh"},
    {"bang lai xe", "giay phep lai xe"},
    {"bang lai", "giay phep lai xe"},
    {"cmnd", "can cuoc"},
    {"cccd", "can cuoc"},
    {"chung minh nhan dan", "can cuoc"},
    {"ho khau", "cu tru"},
    {"sao y", "chung thuc ban sao"},
    {"cong chung", "chung thuc"},
    {"giay phep kinh doanh", "dang ky kinh doanh"},
    {"doc than", "xac nhan tinh trang hon nhan"},
    {"lay vo", "dang ky ket hon"},
    {"lay chong", "dang ky ket hon"},
    {"xay nha", "giay phep xay dung"},
    {"giay chung tu", "khai tu"},
    {"nhan con nuoi", "nuoi con nuoi"},
};

static bool is_filler(const char *w, size_t len)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(fillers); i++) {
		if (strlen(fillers[i]) == len && memcmp(fillers[i], w, len) == 0)
			return true;
	}
	return false;
}

/* The words of folded text: starts and lengths, at most max. */
static size_t split(const char *s, const char **word, size_t *len, size_t max)
{
	size_t n = 0;
	while (*s && n < max) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		word[n] = s;
		while (*s && *s != ' ')
			s++;
		len[n] = (size_t)(s - word[n]);
		n++;
	}
	return n;
}

/* Makes variant v of the words w[0..n), each copied. */
static void variant_make(mc_search_variant *v, const char *const *w, const size_t *len, size_t n,
			 bool synonym)
{
	size_t total = 0, at = 0, content = 0;
	memset(v, 0, sizeof *v);
	if (n > MC_SEARCH_MAX_WORDS)
		n = MC_SEARCH_MAX_WORDS;
	for (size_t i = 0; i < n; i++)
		total += len[i] + 1;
	v->text = mc_xmalloc(total ? total : 1);
	for (size_t i = 0; i < n; i++) {
		memcpy(v->text + at, w[i], len[i]);
		v->text[at + len[i]] = '\0';
		v->word[i] = v->text + at;
		v->len[i] = len[i];
		v->filler[i] = is_filler(w[i], len[i]);
		content += !v->filler[i];
		at += len[i] + 1;
	}
	v->n = n;
	/* Nothing but fillers: then they are what was asked for. */
	if (!content) {
		for (size_t i = 0; i < n; i++)
			v->filler[i] = false;
		content = n;
	}
	v->n_content = content;
	v->synonym = synonym;
}

void mc_search_plan_make(mc_search_plan *plan, const char *folded)
{
	const char *w[MC_SEARCH_MAX_WORDS];
	size_t len[MC_SEARCH_MAX_WORDS];
	size_t n = split(folded ? folded : "", w, len, MC_SEARCH_MAX_WORDS);

	memset(plan, 0, sizeof *plan);
	if (!n)
		return;
	variant_make(&plan->v[plan->n++], w, len, n, false);
	for (size_t s = 0; s < MC_ARRAY_LEN(synonyms) && plan->n < MC_SEARCH_MAX_VARIANTS; s++) {
		const char *pw[MC_SEARCH_MAX_WORDS], *mw[MC_SEARCH_MAX_WORDS];
		size_t plen[MC_SEARCH_MAX_WORDS], mlen[MC_SEARCH_MAX_WORDS];
		size_t pn = split(synonyms[s].phrase, pw, plen, MC_SEARCH_MAX_WORDS);
		size_t mn = split(synonyms[s].means, mw, mlen, MC_SEARCH_MAX_WORDS);
		for (size_t at = 0; at + pn <= n; at++) {
			size_t k = 0;
			while (k < pn && len[at + k] == plen[k] && memcmp(w[at + k], pw[k], plen[k]) == 0)
				k++;
			if (k < pn)
				continue;
			/* The words before, the catalogue's words, the words after. */
			const char *nw[MC_SEARCH_MAX_WORDS * 3];
			size_t nlen[MC_SEARCH_MAX_WORDS * 3], nn = 0;
			for (size_t i = 0; i < at; i++, nn++) {
				nw[nn] = w[i];
				nlen[nn] = len[i];
			}
			for (size_t i = 0; i < mn; i++, nn++) {
				nw[nn] = mw[i];
				nlen[nn] = mlen[i];
			}
			for (size_t i = at + pn; i < n; i++, nn++) {
				nw[nn] = w[i];
				nlen[nn] = len[i];
			}
			variant_make(&plan->v[plan->n++], nw, nlen, nn, true);
			break;
		}
	}
}

void mc_search_plan_clear(mc_search_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		free(plan->v[i].text);
	memset(plan, 0, sizeof *plan);
}

char *mc_search_plan_words(const mc_search_plan *plan)
{
	size_t cap = 1, len = 0;
	for (size_t i = 0; i < plan->n; i++)
		for (size_t k = 0; k < plan->v[i].n; k++)
			cap += plan->v[i].len[k] + 1;
	char *out = mc_xmalloc(cap);
	out[0] = '\0';
	for (size_t i = 0; i < plan->n; i++) {
		const mc_search_variant *v = &plan->v[i];
		for (size_t k = 0; k < v->n; k++) {
			if (v->filler[k])
				continue;
			/* Once each. */
			bool seen = false;
			for (const char *s = out; *s && !seen;) {
				size_t l = strcspn(s, " ");
				seen = l == v->len[k] && memcmp(s, v->word[k], l) == 0;
				s += l;
				if (*s == ' ')
					s++;
			}
			if (seen)
				continue;
			if (len)
				out[len++] = ' ';
			memcpy(out + len, v->word[k], v->len[k]);
			len += v->len[k];
			out[len] = '\0';
		}
	}
	return out;
}

enum { NONE = 0, PREFIX = 1, WHOLE = 2 };

/* How w[0..len) is found among the words of text: as a whole word, as the
 * start of one, or not. */
static int find_word(const char *text, const char *w, size_t len)
{
	int best = NONE;
	for (const char *s = text; *s && best != WHOLE;) {
		while (*s == ' ')
			s++;
		size_t l = strcspn(s, " ");
		if (l >= len && memcmp(s, w, len) == 0)
			best = l == len ? WHOLE : PREFIX;
		s += l;
	}
	return best;
}

/* Whether the words of v from `from` on, count of them, stand side by side in
 * text (the query's last word may be the start of one). */
static bool side_by_side(const char *text, const mc_search_variant *v, size_t from, size_t count)
{
	const char *tw[64];
	size_t tl[64];
	size_t tn = split(text, tw, tl, MC_ARRAY_LEN(tw));
	for (size_t at = 0; at + count <= tn; at++) {
		size_t k = 0;
		for (; k < count; k++) {
			size_t q = from + k;
			bool last = q + 1 == v->n;
			if (tl[at + k] < v->len[q] || (!last && tl[at + k] != v->len[q]) ||
			    memcmp(tw[at + k], v->word[q], v->len[q]) != 0)
				break;
		}
		if (k == count)
			return true;
	}
	return false;
}

/* Whether v's words, spaces between, are the code. */
static bool is_code(const mc_search_variant *v, const char *code)
{
	const char *s = code;
	for (size_t i = 0; i < v->n; i++) {
		while (*s == ' ')
			s++;
		if (strncmp(s, v->word[i], v->len[i]) != 0)
			return false;
		s += v->len[i];
		if (*s && *s != ' ')
			return false;
	}
	while (*s == ' ')
		s++;
	return *s == '\0';
}

static void rank_variant(mc_search_rank *out, const mc_search_variant *v, const char *name, const char *code,
			 const char *field)
{
	int64_t score = 0;
	int matched = 0;

	for (size_t i = 0; i < v->n; i++) {
		if (v->filler[i])
			continue;
		int in_name = find_word(name, v->word[i], v->len[i]);
		if (in_name == WHOLE)
			score += 30;
		else if (in_name == PREFIX)
			score += 20;
		else if (find_word(code, v->word[i], v->len[i]) || find_word(field, v->word[i], v->len[i]))
			score += 5;
		else
			continue;
		matched++;
	}
	if (matched && is_code(v, code))
		score += 1000000;
	if (matched && side_by_side(name, v, 0, v->n))
		score += v->synonym ? 11000 : 10000;
	/* Words of meaning side by side ("khai sinh"), not a filler beside one. */
	for (size_t i = 0; matched && i + 1 < v->n; i++) {
		if (!v->filler[i] && !v->filler[i + 1] && side_by_side(name, v, i, 2))
			score += 500;
	}
	out->all = matched == (int)v->n_content;
	out->matched = matched;
	out->needed = (int)v->n_content;
	out->score = score;
}

void mc_search_rank_of(mc_search_rank *out, const mc_search_plan *plan, const char *name, const char *code,
		       const char *field)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < plan->n; i++) {
		mc_search_rank r;
		rank_variant(&r, &plan->v[i], name ? name : "", code ? code : "", field ? field : "");
		if (i == 0 || mc_search_rank_cmp(&r, out) < 0)
			*out = r;
	}
}

bool mc_search_rank_near(const mc_search_rank *a)
{
	return a->matched >= 1 && 2 * a->matched >= a->needed;
}

int mc_search_rank_cmp(const mc_search_rank *a, const mc_search_rank *b)
{
	if (a->all != b->all)
		return a->all ? -1 : 1;
	if (a->matched != b->matched)
		return a->matched > b->matched ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return 0;
}

/* Optimal string alignment distance of a and b, or max + 1 when above max. */
static size_t distance(const char *a, size_t la, const char *b, size_t lb, size_t max)
{
	size_t d[24][24];
	if (la >= 24 || lb >= 24)
		return max + 1;
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* How often vocab holds the word s[0..l). */
static size_t occurrences(const char *vocab, const char *s, size_t l)
{
	size_t count = 0;
	for (const char *t = vocab; *t;) {
		while (*t == ' ')
			t++;
		size_t tl = strcspn(t, " ");
		count += tl == l && memcmp(t, s, l) == 0;
		t += tl;
	}
	return count;
}

/*
 * The nearest word of vocab to w[0..len), or NULL: its start and length.
 * Nearest: the least distance, then the length nearest the typed word's (a
 * letter swapped rather than one dropped), then the word vocab holds most.
 */
static const char *nearest(const char *vocab, const char *w, size_t len, size_t *out_len)
{
	size_t max = len <= 4 ? 1 : 2;
	size_t best = max + 1, best_gap = 0, best_count = 0, best_len = 0;
	const char *best_word = NULL;

	for (const char *s = vocab; *s;) {
		while (*s == ' ')
			s++;
		size_t l = strcspn(s, " ");
		if (!l)
			break;
		size_t dist = distance(w, len, s, l, max);
		size_t gap = l > len ? l - len : len - l;
		bool same = best_word && best_len == l && memcmp(best_word, s, l) == 0;
		if (dist <= max && !same && (dist < best || (dist == best && gap <= best_gap))) {
			size_t count = occurrences(vocab, s, l);
			if (dist < best || gap < best_gap || count > best_count) {
				best = dist;
				best_gap = gap;
				best_word = s;
				best_len = l;
				best_count = count;
			}
		}
		s += l;
	}
	*out_len = best_len;
	return best_word;
}

char *mc_search_suggest(const char *folded, const char *vocab)
{
	const char *w[MC_SEARCH_MAX_WORDS];
	size_t len[MC_SEARCH_MAX_WORDS];
	size_t n = split(folded ? folded : "", w, len, MC_SEARCH_MAX_WORDS);
	size_t cap = 1, at = 0;
	bool changed = false;
	char *out;

	for (size_t i = 0; i < n; i++)
		cap += len[i] + 24 + 1;
	out = mc_xmalloc(cap);
	for (size_t i = 0; i < n; i++) {
		const char *use = w[i];
		size_t use_len = len[i];
		if (!is_filler(w[i], len[i]) && find_word(vocab, w[i], len[i]) == NONE) {
			size_t l = 0;
			const char *near = nearest(vocab, w[i], len[i], &l);
			if (near) {
				use = near;
				use_len = l;
				changed = true;
			}
		}
		if (at)
			out[at++] = ' ';
		memcpy(out + at, use, use_len);
		at += use_len;
	}
	out[at] = '\0';
	if (!changed) {
		free(out);
		return NULL;
	}
	return out;
}
