/* redact.c - secrets taken out of URLs and connection strings before they
 * are shown (redact.h). */
#include "core/redact.h"

#include "core/mc.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define HIDDEN "***"

/* Query parameters and libpq keywords whose value is a secret. */
static bool secret_name(const char *name, size_t n)
{
	static const char *const names[] = {"password", "sslpassword",	"passwd",  "pass",   "secret",
					    "token",	"access_token", "api_key", "apikey", "key",
					    "auth",	"signature",	"sig"};

	for (size_t i = 0; i < MC_ARRAY_LEN(names); i++) {
		if (strlen(names[i]) == n && strncasecmp(names[i], name, n) == 0)
			return true;
	}
	return false;
}

typedef struct {
	char *p;
	size_t len;
} out_text;

static void put(out_text *o, const char *s, size_t n)
{
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

/* The query string q (after '?', up to a '#' or the end) with the values of
 * secret parameters hidden. */
static void put_query(out_text *o, const char *q, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t end = i;
		while (end < n && q[end] != '&' && q[end] != ';')
			end++;
		const char *eq = memchr(q + i, '=', end - i);
		if (eq && secret_name(q + i, (size_t)(eq - (q + i)))) {
			put(o, q + i, (size_t)(eq - (q + i)) + 1);
			put(o, HIDDEN, strlen(HIDDEN));
		} else {
			put(o, q + i, end - i);
		}
		if (end < n)
			put(o, q + end, 1);
		i = end + 1;
	}
}

static void redact_url(out_text *o, const char *s, const char *scheme_end)
{
	const char *auth = scheme_end + 3;
	size_t query_at = strcspn(auth, "?#");
	size_t host_end = strcspn(auth, "/?#");
	const char *at = NULL;

	/* The user information ends at the last '@' of the authority. A
	 * password written with an unencoded '/' ends the authority early by
	 * the book; an '@' before the query then still marks its end, so that
	 * such a password is hidden too rather than shown. */
	for (size_t i = 0; i < host_end; i++) {
		if (auth[i] == '@')
			at = auth + i;
	}
	if (!at) {
		for (size_t i = 0; i < query_at; i++) {
			if (auth[i] == '@')
				at = auth + i;
		}
	}
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon) {
		put(o, s, (size_t)(colon + 1 - s));
		put(o, HIDDEN, strlen(HIDDEN));
		put(o, at, (size_t)(auth + query_at - at));
	} else {
		put(o, s, (size_t)(auth + query_at - s));
	}
	const char *rest = auth + query_at;
	if (*rest == '?') {
		size_t qlen = strcspn(rest + 1, "#");
		put(o, "?", 1);
		put_query(o, rest + 1, qlen);
		rest += 1 + qlen;
	}
	put(o, rest, strlen(rest));
}

/* libpq's keyword = value form: password and sslpassword hidden, quoted
 * ('…', with backslash escapes) or not. */
static void redact_keywords(out_text *o, const char *s)
{
	size_t i = 0, n = strlen(s);

	while (i < n) {
		bool token_start = i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\n';
		size_t k = i;
		while (k < n && s[k] != '=' && s[k] != ' ' && s[k] != '\t' && s[k] != '\n')
			k++;
		size_t e = k;
		while (e < n && (s[e] == ' ' || s[e] == '\t'))
			e++;
		size_t kl = k - i;
		bool secret = (kl == 8 && memcmp(s + i, "password", kl) == 0) ||
			      (kl == 11 && memcmp(s + i, "sslpassword", kl) == 0);
		if (!token_start || !secret || e >= n || s[e] != '=') {
			put(o, s + i, 1);
			i++;
			continue;
		}
		e++;
		while (e < n && (s[e] == ' ' || s[e] == '\t'))
			e++;
		put(o, s + i, e - i);
		size_t v = e;
		if (v < n && s[v] == '\'') {
			v++;
			while (v < n && s[v] != '\'') {
				if (s[v] == '\\' && v + 1 < n)
					v++;
				v++;
			}
			if (v < n)
				v++;
		} else {
			while (v < n && s[v] != ' ' && s[v] != '\t' && s[v] != '\n')
				v++;
		}
		put(o, HIDDEN, strlen(HIDDEN));
		i = v;
	}
}

char *mc_redact_url(const char *s)
{
	if (!s)
		return mc_xstrdup("");
	size_t n = strlen(s);
	/* Each hidden value may be replaced by more than it was: at most one
	 * per byte of the input, each three bytes. */
	out_text o = {.p = mc_xmalloc(4 * n + 4), .len = 0};
	o.p[0] = '\0';
	const char *scheme_end = strstr(s, "://");
	if (scheme_end)
		redact_url(&o, s, scheme_end);
	else
		redact_keywords(&o, s);
	return o.p;
}
