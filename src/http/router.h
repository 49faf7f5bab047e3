/*
 * router.h - matching a request's path and method against a route table.
 *
 * Patterns are matched segment by segment: a literal segment matches the same
 * bytes, a "{name}" segment matches any non-empty segment (at most
 * MC_ROUTER_MAX_PARAMS of them). The first route whose pattern matches and
 * whose methods include the request's wins; HEAD is served by a GET route. A
 * path that only matches routes of other methods gets their methods, for the
 * 405's Allow header (RFC 9110 15.5.6).
 */
#ifndef MC_HTTP_ROUTER_H
#define MC_HTTP_ROUTER_H

#include "http/server.h"

#include <stddef.h>

#define MC_ROUTER_MAX_PARAMS 4

typedef struct {
	int index;   /* into the table, -1 when no route takes the method */
	int allowed; /* methods of every route whose pattern matches the path */
	int n_params;
	size_t starts[MC_ROUTER_MAX_PARAMS]; /* where each parameter starts in the path */
	size_t lens[MC_ROUTER_MAX_PARAMS];
} mc_route_match;

/* Finds the route for method and path (decoded, starting with '/'). Fills out
 * and returns out->index. */
int mc_router_find(mc_route_match *out, const mc_route *routes, size_t n, mc_method method, const char *path);

/* Percent-decodes a request path. Returns a string the caller frees, or NULL
 * for a path that decodes to a NUL byte or to bytes that are not UTF-8
 * (nothing legitimate has one). "+" stays "+" in a path. */
char *mc_router_decode_path(const char *raw);

/* The methods as an Allow header value ("GET, HEAD, POST"); HEAD goes with GET.
 * A name that does not fit in cap is left out, with those after it. */
void mc_router_allow(char *buf, size_t cap, int methods);

/* "GET", "POST"...; "OTHER" for anything else. */
const char *mc_method_name(mc_method m);

#endif
