/* test_router.c - matching paths and methods against a route table, the
 * decoding of paths and the Allow header (src/http/router.c), and the order
 * of the real table (src/api/routes.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mc.h"
#include "api/api.h"
#include "http/router.h"

/* The handlers are never called: the router only gives an index. */
static void handler(mc_req *r)
{
	(void)r;
}

#define ROUTE(m, p)                                                                                          \
	{                                                                                                    \
		(m), (p), handler, MC_AUTH_PUBLIC, 0, 0                                                      \
	}

static const mc_route table[] = {
    ROUTE(MC_M_GET, "/healthz"),			     /* 0 */
    ROUTE(MC_M_GET, "/api/v1/units"),			     /* 1 */
    ROUTE(MC_M_POST, "/api/v1/units"),			     /* 2 */
    ROUTE(MC_M_GET, "/api/v1/units/{code}"),		     /* 3 */
    ROUTE(MC_M_PATCH, "/api/v1/units/{code}"),		     /* 4 */
    ROUTE(MC_M_GET, "/api/v1/calendar/due"),		     /* 5: before {year} */
    ROUTE(MC_M_GET | MC_M_PUT, "/api/v1/calendar/{year}"),   /* 6 */
    ROUTE(MC_M_DELETE, "/api/v1/calendar/{year}"),	     /* 7 */
    ROUTE(MC_M_GET, "/api/v1/dossiers/{code}/forms/{form}"), /* 8 */
    ROUTE(MC_M_POST, "/api/v1/dossiers/{code}/actions"),     /* 9 */
    ROUTE(MC_M_GET, "/a/{p1}/{p2}/{p3}/{p4}"),		     /* 10: the most parameters */
    ROUTE(MC_M_GET, "/b/{p1}/{p2}/{p3}/{p4}/{p5}"),	     /* 11: one too many: never matches */
    ROUTE(MC_M_GET, "/"),				     /* 12 */
};

/* The route found for method and path, its parameters in params (copies the
 * caller frees), or -1 with the methods allowed in *allowed. */
static int find(const char *path, mc_method method, char **params, int *n_params, int *allowed)
{
	mc_route_match m;
	int index = mc_router_find(&m, table, MC_ARRAY_LEN(table), method, path);
	assert_int_equal(index, m.index);
	if (allowed)
		*allowed = m.allowed;
	if (n_params)
		*n_params = m.n_params;
	for (int i = 0; params && i < m.n_params; i++)
		params[i] = mc_xstrndup(path + m.starts[i], m.lens[i]);
	return index;
}

static int route_of(const char *path, mc_method method)
{
	return find(path, method, NULL, NULL, NULL);
}

static void test_literal_paths_match_whole_segments(void **state)
{
	(void)state;
	assert_int_equal(route_of("/healthz", MC_M_GET), 0);
	assert_int_equal(route_of("/api/v1/units", MC_M_GET), 1);
	assert_int_equal(route_of("/", MC_M_GET), 12);
	/* No prefix, no longer segment, no extra segment, no missing slash. */
	assert_int_equal(route_of("/healthzz", MC_M_GET), -1);
	assert_int_equal(route_of("/health", MC_M_GET), -1);
	assert_int_equal(route_of("/api/v1/unit", MC_M_GET), -1);
	assert_int_equal(route_of("/api/v1/unitsx", MC_M_GET), -1);
	assert_int_equal(route_of("/api/v1", MC_M_GET), -1);
	assert_int_equal(route_of("/api/v1/calendar/due/x", MC_M_GET), -1);
	assert_int_equal(route_of("healthz", MC_M_GET), -1);
	assert_int_equal(route_of("", MC_M_GET), -1);
	/* Bytes compare as they are: no case folding. */
	assert_int_equal(route_of("/HEALTHZ", MC_M_GET), -1);
}

static void test_parameters_are_whole_segments(void **state)
{
	(void)state;
	char *p[MC_ROUTER_MAX_PARAMS] = {0};
	int n = 0;

	assert_int_equal(find("/api/v1/units/000.00.33.H56", MC_M_GET, p, &n, NULL), 3);
	assert_int_equal(n, 1);
	assert_string_equal(p[0], "000.00.33.H56");
	free(p[0]);

	assert_int_equal(find("/api/v1/dossiers/H56-170301-0001/forms/receipt", MC_M_GET, p, &n, NULL), 8);
	assert_int_equal(n, 2);
	assert_string_equal(p[0], "H56-170301-0001");
	assert_string_equal(p[1], "receipt");
	free(p[0]);
	free(p[1]);

	/* A parameter is any non-empty segment, decoded text included. */
	assert_int_equal(find("/api/v1/units/Hà Nội {x}", MC_M_GET, p, &n, NULL), 3);
	assert_string_equal(p[0], "Hà Nội {x}");
	free(p[0]);

	/* Four parameters is the most; a pattern with five never matches. */
	assert_int_equal(find("/a/1/2/3/4", MC_M_GET, p, &n, NULL), 10);
	assert_int_equal(n, 4);
	assert_string_equal(p[0], "1");
	assert_string_equal(p[3], "4");
	for (int i = 0; i < 4; i++)
		free(p[i]);
	assert_int_equal(route_of("/b/1/2/3/4/5", MC_M_GET), -1);
	assert_int_equal(route_of("/a/1/2/3/4/5", MC_M_GET), -1);
	assert_int_equal(route_of("/a/1/2/3", MC_M_GET), -1);
}

static void test_empty_segments_and_trailing_slashes_do_not_match(void **state)
{
	(void)state;
	int allowed = -1;
	/* A parameter is never empty. */
	assert_int_equal(find("/api/v1/units/", MC_M_GET, NULL, NULL, &allowed), -1);
	assert_int_equal(allowed, 0);
	assert_int_equal(route_of("/api/v1/dossiers//actions", MC_M_POST), -1);
	assert_int_equal(route_of("/api/v1/dossiers/X/forms/", MC_M_GET), -1);
	assert_int_equal(route_of("/a/1//3/4", MC_M_GET), -1);
	/* A trailing slash is another path. */
	assert_int_equal(route_of("/healthz/", MC_M_GET), -1);
	assert_int_equal(route_of("/api/v1/units/X/", MC_M_GET), -1);
	/* Empty segments elsewhere. */
	assert_int_equal(route_of("//healthz", MC_M_GET), -1);
	assert_int_equal(route_of("/api//v1/units", MC_M_GET), -1);
	assert_int_equal(route_of("//", MC_M_GET), -1);
}

static void test_methods_head_is_served_by_get(void **state)
{
	(void)state;
	/* The same pattern under several entries: each method finds its own. */
	assert_int_equal(route_of("/api/v1/units", MC_M_POST), 2);
	assert_int_equal(route_of("/api/v1/units/X", MC_M_PATCH), 4);
	assert_int_equal(route_of("/api/v1/calendar/2025", MC_M_PUT), 6);
	assert_int_equal(route_of("/api/v1/calendar/2025", MC_M_DELETE), 7);
	/* HEAD takes the GET route; it never takes a route without GET. */
	assert_int_equal(route_of("/healthz", MC_M_HEAD), 0);
	assert_int_equal(route_of("/api/v1/units/X", MC_M_HEAD), 3);
	assert_int_equal(route_of("/api/v1/dossiers/X/actions", MC_M_HEAD), -1);
	assert_int_equal(route_of("/api/v1/dossiers/X/actions", MC_M_GET), -1);
}

static void test_other_methods_give_the_allow_list(void **state)
{
	(void)state;
	int allowed = 0;
	char allow[64];

	assert_int_equal(find("/healthz", MC_M_POST, NULL, NULL, &allowed), -1);
	assert_int_equal(allowed, MC_M_GET);
	mc_router_allow(allow, sizeof allow, allowed);
	assert_string_equal(allow, "GET, HEAD");

	/* The methods of every entry whose pattern matches, in a fixed order. */
	assert_int_equal(find("/api/v1/units", MC_M_DELETE, NULL, NULL, &allowed), -1);
	assert_int_equal(allowed, MC_M_GET | MC_M_POST);
	mc_router_allow(allow, sizeof allow, allowed);
	assert_string_equal(allow, "GET, HEAD, POST");

	assert_int_equal(find("/api/v1/calendar/2025", MC_M_POST, NULL, NULL, &allowed), -1);
	assert_int_equal(allowed, MC_M_GET | MC_M_PUT | MC_M_DELETE);
	mc_router_allow(allow, sizeof allow, allowed);
	assert_string_equal(allow, "GET, HEAD, PUT, DELETE");

	/* "due" matches both the literal and the {year} pattern: both count. */
	assert_int_equal(find("/api/v1/calendar/due", MC_M_POST, NULL, NULL, &allowed), -1);
	assert_int_equal(allowed, MC_M_GET | MC_M_PUT | MC_M_DELETE);

	assert_int_equal(find("/api/v1/dossiers/X/actions", MC_M_GET, NULL, NULL, &allowed), -1);
	mc_router_allow(allow, sizeof allow, allowed);
	assert_string_equal(allow, "POST");

	/* No pattern matches: nothing is allowed (404, not 405). */
	assert_int_equal(find("/nowhere", MC_M_GET, NULL, NULL, &allowed), -1);
	assert_int_equal(allowed, 0);
	mc_router_allow(allow, sizeof allow, 0);
	assert_string_equal(allow, "");

	/* Every method; a short buffer ends at a whole name. */
	mc_router_allow(allow, sizeof allow, MC_M_GET | MC_M_POST | MC_M_PUT | MC_M_PATCH | MC_M_DELETE);
	assert_string_equal(allow, "GET, HEAD, POST, PUT, PATCH, DELETE");
	mc_router_allow(allow, 16, MC_M_GET | MC_M_POST | MC_M_PUT);
	assert_string_equal(allow, "GET, HEAD, POST");
	mc_router_allow(allow, 15, MC_M_GET | MC_M_POST | MC_M_PUT);
	assert_string_equal(allow, "GET, HEAD");
}

static void test_the_first_matching_route_wins(void **state)
{
	(void)state;
	char *p[MC_ROUTER_MAX_PARAMS] = {0};
	int n = 0;
	assert_int_equal(find("/api/v1/calendar/due", MC_M_GET, p, &n, NULL), 5);
	assert_int_equal(n, 0);
	assert_int_equal(find("/api/v1/calendar/2025", MC_M_GET, p, &n, NULL), 6);
	assert_int_equal(n, 1);
	assert_string_equal(p[0], "2025");
	free(p[0]);

	/* Listed the other way round, "due" would be read as a year. */
	static const mc_route reversed[] = {
	    ROUTE(MC_M_GET, "/api/v1/calendar/{year}"),
	    ROUTE(MC_M_GET, "/api/v1/calendar/due"),
	};
	mc_route_match m;
	assert_int_equal(
	    mc_router_find(&m, reversed, MC_ARRAY_LEN(reversed), MC_M_GET, "/api/v1/calendar/due"), 0);
	assert_int_equal(m.n_params, 1);
}

/* ---- decoding ---------------------------------------------------------- */

static void assert_decodes(const char *raw, const char *want)
{
	char *got = mc_router_decode_path(raw);
	if (!want) {
		if (got)
			fail_msg("%s decoded to \"%s\", expected a refusal", raw, got);
		return;
	}
	if (!got)
		fail_msg("%s was refused, expected \"%s\"", raw, want);
	assert_string_equal(got, want);
	free(got);
}

static void test_paths_are_percent_decoded(void **state)
{
	(void)state;
	assert_decodes("/api/v1/units", "/api/v1/units");
	assert_decodes("/api/v1/units/000.00.33.H56", "/api/v1/units/000.00.33.H56");
	assert_decodes("/tra-c%E1%BB%A9u/H%C3%A0%20N%E1%BB%99i", "/tra-cứu/Hà Nội");
	assert_decodes("/a%2Fb", "/a/b"); /* decoded before matching: a slash is a slash */
	assert_decodes("/a%2fb", "/a/b");
	assert_decodes("/a+b", "/a+b"); /* '+' is a space only in a query */
	assert_decodes("/a%2Bb", "/a+b");
	assert_decodes("/%25", "/%");
	assert_decodes("/100%", "/100%"); /* a '%' without two hex digits stays */
	assert_decodes("/%zz", "/%zz");
	assert_decodes("/%4", "/%4");
	assert_decodes("/%22%5C%0A", "/\"\\\n");
}

static void test_nul_and_invalid_utf8_are_refused(void **state)
{
	(void)state;
	assert_decodes("/a%00", NULL);
	assert_decodes("/%00/api/v1/units", NULL);
	assert_decodes("/a%FF", NULL);		/* never in UTF-8 */
	assert_decodes("/a%C3", NULL);		/* a sequence cut short */
	assert_decodes("/a%C3%28", NULL);	/* a continuation byte missing */
	assert_decodes("/a%80", NULL);		/* a continuation byte alone */
	assert_decodes("/a%C0%AF", NULL);	/* an overlong '/' */
	assert_decodes("/a%ED%A0%80", NULL);	/* a surrogate */
	assert_decodes("/a%F4%90%80%80", NULL); /* past U+10FFFF */
	/* The same bytes raw are refused as well. */
	assert_decodes("/a\xff", NULL);
	assert_decodes("/a\xc3", NULL);
}

/* ---- the real table ---------------------------------------------------- */

/* Writes pattern with each {parameter} replaced by a sample value. */
static void sample_path(char *out, size_t cap, const char *pattern)
{
	size_t n = 0;
	for (const char *p = pattern; *p && n + 4 < cap;) {
		if (*p == '{') {
			memcpy(out + n, "zz9", 3);
			n += 3;
			while (*p && *p != '/')
				p++;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
}

/* Every route of src/api/routes.c can be reached: for each of its methods,
 * its own path (its parameters given a sample value) finds it, so no route
 * listed before it takes its path - a literal such as /calendar/due must come
 * before /calendar/{year}. */
static void test_every_route_of_the_api_is_reachable(void **state)
{
	(void)state;
	static const mc_method methods[] = {MC_M_GET, MC_M_POST, MC_M_PUT, MC_M_PATCH, MC_M_DELETE};
	size_t checked = 0;
	for (size_t i = 0; i < mc_routes_count; i++) {
		const mc_route *r = &mc_routes[i];
		char path[512];
		assert_true(r->pattern[0] == '/');
		sample_path(path, sizeof path, r->pattern);
		for (size_t k = 0; k < MC_ARRAY_LEN(methods); k++) {
			if (!(r->methods & methods[k]))
				continue;
			mc_route_match m;
			int found = mc_router_find(&m, mc_routes, mc_routes_count, methods[k], path);
			if (found != (int)i)
				fail_msg("%s %s finds route %d (%s), not %zu", mc_method_name(methods[k]),
					 path, found, found >= 0 ? mc_routes[found].pattern : "none", i);
			checked++;
		}
	}
	assert_true(checked >= mc_routes_count);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal_paths_match_whole_segments),
	    cmocka_unit_test(test_parameters_are_whole_segments),
	    cmocka_unit_test(test_empty_segments_and_trailing_slashes_do_not_match),
	    cmocka_unit_test(test_methods_head_is_served_by_get),
	    cmocka_unit_test(test_other_methods_give_the_allow_list),
	    cmocka_unit_test(test_the_first_matching_route_wins),
	    cmocka_unit_test(test_paths_are_percent_decoded),
	    cmocka_unit_test(test_nul_and_invalid_utf8_are_refused),
	    cmocka_unit_test(test_every_route_of_the_api_is_reachable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
