#include "http/router.h"

#include "core/mc.h"
#include "core/text.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Matches path against pattern, segment by segment; gives where each
 * parameter starts in path and its length. Writes nothing, so the table is
 * walked without copying the path for every route tried. */
static bool match(const char *pattern, const char *path, size_t *starts, size_t *lens, int *n_params)
{
	const char *p = pattern;
	const char *s = path;
	int n = 0;
	for (;;) {
		if (*p != '/' || *s != '/')
			return false;
		p++;
		s++;
		if (p[0] == '{' && p[1] != '\0' && p[1] != '/') {
			/* A parameter: the whole segment, never empty. */
			const char *seg = s;
			while (*s != '\0' && *s != '/')
				s++;
			if (s == seg || n >= MC_ROUTER_MAX_PARAMS)
				return false;
			starts[n] = (size_t)(seg - path);
			lens[n] = (size_t)(s - seg);
			n++;
			while (*p != '\0' && *p != '/')
				p++;
		} else {
			/* A literal segment: the same bytes up to the same end. */
			while (*p != '\0' && *p != '/' && *p == *s) {
				p++;
				s++;
			}
			if ((*p != '\0' && *p != '/') || (*s != '\0' && *s != '/'))
				return false;
		}
		if (*p == '\0' || *s == '\0')
			break;
	}
	if (*p != '\0' || *s != '\0')
		return false;
	*n_params = n;
	return true;
}

int mc_router_find(mc_route_match *out, const mc_route *routes, size_t n, mc_method method, const char *path)
{
	memset(out, 0, sizeof *out);
	out->index = -1;
	int want = method == MC_M_HEAD ? MC_M_GET : (int)method;
	for (size_t i = 0; i < n; i++) {
		size_t starts[MC_ROUTER_MAX_PARAMS], lens[MC_ROUTER_MAX_PARAMS];
		int n_params = 0;
		if (!match(routes[i].pattern, path, starts, lens, &n_params))
			continue;
		out->allowed |= routes[i].methods;
		if (routes[i].methods & want) {
			out->index = (int)i;
			out->n_params = n_params;
			memcpy(out->starts, starts, sizeof starts);
			memcpy(out->lens, lens, sizeof lens);
			break;
		}
	}
	return out->index;
}

char *mc_router_decode_path(const char *raw)
{
	size_t len = 0;
	char *path = evhttp_uridecode(raw, 0, &len);
	if (!path)
		return NULL;
	if (strlen(path) != len || !mc_text_valid_utf8(path, len)) {
		free(path);
		return NULL;
	}
	return path;
}

void mc_router_allow(char *buf, size_t cap, int methods)
{
	static const struct {
		int method;
		const char *name;
	} names[] = {
	    {MC_M_GET, "GET"}, {MC_M_HEAD, "HEAD"},   {MC_M_POST, "POST"},
	    {MC_M_PUT, "PUT"}, {MC_M_PATCH, "PATCH"}, {MC_M_DELETE, "DELETE"},
	};
	size_t used = 0;
	if (methods & MC_M_GET)
		methods |= MC_M_HEAD;
	if (cap == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < MC_ARRAY_LEN(names); i++) {
		if (!(methods & names[i].method))
			continue;
		int n = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", names[i].name);
		if (n < 0 || (size_t)n >= cap - used) {
			buf[used] = '\0'; /* whole names only, never "POS" */
			break;
		}
		used += (size_t)n;
	}
}

const char *mc_method_name(mc_method m)
{
	switch (m) {
	case MC_M_GET:
		return "GET";
	case MC_M_POST:
		return "POST";
	case MC_M_PUT:
		return "PUT";
	case MC_M_DELETE:
		return "DELETE";
	case MC_M_PATCH:
		return "PATCH";
	case MC_M_HEAD:
		return "HEAD";
	}
	return "OTHER";
}
