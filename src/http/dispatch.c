/* What happens to a request between its arrival and its handler: the path
 * decoded and checked, the query string checked, the route found (or the web
 * application, 404, 405), the session looked up, the role checked and the
 * body read. Every refusal is a problem reply; the handler runs only on a
 * request that passed them all. */
#include "http/server_int.h"

#include "app/auth.h"
#include "core/text.h"
#include "http/metrics.h"
#include "http/router.h"

#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the session ------------------------------------------------------- */

/* The value of the motcua_session cookie in a Cookie header, or NULL. The
 * name must be a whole cookie name: "x_motcua_session=" is another cookie. */
static const char *session_cookie(const char *header)
{
	static const char name[] = "motcua_session=";
	for (const char *at = header; at && (at = strstr(at, name)) != NULL; at += sizeof name - 1) {
		if (at == header || at[-1] == ' ' || at[-1] == ';')
			return at + sizeof name - 1;
	}
	return NULL;
}

/* Finds the signed-in user. A missing, expired or unknown token leaves the
 * request anonymous; a store error (the database away) is returned, so that
 * the caller answers 503 rather than 401: the session may well be valid.
 * *by_cookie tells whether the token came from the cookie, which the browser
 * sends by itself, rather than from an Authorization header. */
static int load_session(mc_req *r, bool *by_cookie)
{
	*by_cookie = false;
	const char *token = NULL;
	char cookie_token[MC_TOKEN_MAX];
	const char *auth = mc_req_header(r, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
		token = auth + 7;
	} else {
		const char *at = session_cookie(mc_req_header(r, "Cookie"));
		if (at) {
			size_t n = strcspn(at, "; ");
			if (n > 0 && n < sizeof cookie_token) {
				memcpy(cookie_token, at, n);
				cookie_token[n] = '\0';
				token = cookie_token;
				*by_cookie = true;
			}
		}
	}
	if (!token || !*token || strlen(token) >= MC_TOKEN_MAX)
		return 0;
	mc_auth_token_hash(r->token_hash, token);
	int64_t expires = 0;
	/* Sessions from the primary, never a replica: a new sign-in works at once, and a
	 * sign-out or a deactivated account takes effect at once. */
	mc_store *st = r->w->primary ? r->w->primary : r->w->store;
	int rc = mc_store_session_user(st, &r->user, &expires, r->token_hash);
	if (rc == 0 && (expires <= mc_now() || !r->user.active)) {
		mc_user_clear(&r->user);
		return 0;
	}
	if (rc != 0)
		return rc == MC_ENOTFOUND ? 0 : rc;
	r->has_user = true;
	return 0;
}

/* ---- the body and the query -------------------------------------------- */

static bool content_type_is_json(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	return n == strlen("application/json") && strncasecmp(ct, "application/json", n) == 0;
}

/* Reads the body for the route; replies and returns -1 on a bad one. */
static int read_body_or_reply(mc_req *r, const mc_route *route)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	size_t len = evbuffer_get_length(in);
	const mc_server_config *cfg = &r->w->srv->cfg;
	if (route->flags & MC_ROUTE_UPLOAD) {
		if (len > cfg->max_upload) {
			mc_reply_problem(r, MC_PROB_BODY_TOO_LARGE, "uploads are limited to %zu bytes",
					 cfg->max_upload);
			return -1;
		}
		r->raw = mc_xmalloc(len + 1);
		evbuffer_remove(in, r->raw, len);
		r->raw[len] = 0;
		r->raw_len = len;
		return 0;
	}
	if (!(route->flags & (MC_ROUTE_JSON | MC_ROUTE_JSON_OPTIONAL)) ||
	    !(r->method & (MC_M_POST | MC_M_PUT | MC_M_PATCH)))
		return 0;
	if (len == 0 && (route->flags & MC_ROUTE_JSON_OPTIONAL))
		return 0;
	if (len > cfg->max_body) {
		mc_reply_problem(r, MC_PROB_BODY_TOO_LARGE, "request bodies are limited to %zu bytes",
				 cfg->max_body);
		return -1;
	}
	if (len == 0) {
		mc_reply_problem(r, MC_PROB_MALFORMED_JSON,
				 "the request body is empty; a JSON object is expected");
		return -1;
	}
	if (!content_type_is_json(mc_req_header(r, "Content-Type"))) {
		mc_reply_problem(r, MC_PROB_UNSUPPORTED_MEDIA, "send Content-Type: application/json");
		return -1;
	}
	const char *data = (const char *)evbuffer_pullup(in, (ev_ssize_t)len);
	json_error_t err;
	r->body = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!r->body) {
		if (json_error_code(&err) == json_error_invalid_utf8)
			mc_reply_problem(r, MC_PROB_INVALID_UTF8, "at byte %d: %s", err.position, err.text);
		else
			mc_reply_problem(r, MC_PROB_MALFORMED_JSON, "line %d, column %d: %s", err.line,
					 err.column, err.text);
		return -1;
	}
	if (!json_is_object(r->body)) {
		mc_reply_problem(r, MC_PROB_MALFORMED_JSON, "the request body must be a JSON object");
		return -1;
	}
	return 0;
}

/* Parses the query string; refuses (replies, returns -1) one whose names or
 * values decode to a NUL byte or to bytes that are not UTF-8: libevent's
 * parser would cut a value at a %00 ("2017-01-01%00x" read as a date). */
static int read_query_or_reply(mc_req *r, const char *qs)
{
	if (!qs)
		return 0;
	for (const char *p = qs; *p;) {
		size_t n = strcspn(p, "&");
		char *part = mc_xstrndup(p, n);
		size_t len = 0;
		char *decoded = evhttp_uridecode(part, 1, &len);
		bool ok = decoded && strlen(decoded) == len && mc_text_valid_utf8(decoded, len);
		free(decoded);
		free(part);
		if (!ok) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY,
					 "a query parameter holds a NUL byte or is not valid UTF-8");
			return -1;
		}
		p += n + (p[n] == '&');
	}
	if (evhttp_parse_query_str(qs, &r->query) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "malformed query string");
		return -1;
	}
	return 0;
}

/* ---- the route --------------------------------------------------------- */

static mc_method method_of(struct evhttp_request *ev)
{
	switch (evhttp_request_get_command(ev)) {
	case EVHTTP_REQ_GET:
		return MC_M_GET;
	case EVHTTP_REQ_POST:
		return MC_M_POST;
	case EVHTTP_REQ_PUT:
		return MC_M_PUT;
	case EVHTTP_REQ_DELETE:
		return MC_M_DELETE;
	case EVHTTP_REQ_PATCH:
		return MC_M_PATCH;
	case EVHTTP_REQ_HEAD:
		return MC_M_HEAD;
	default:
		return 0; /* evhttp_set_allowed_methods lets no other through */
	}
}

/* The API's own paths, which never fall back to the web application. */
static bool is_api_path(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 || strcmp(path, "/healthz") == 0 ||
	       strcmp(path, "/readyz") == 0 || strcmp(path, "/metrics") == 0;
}

/* The reply to a path no route takes with this method: 405 with the methods
 * that would be taken, the web application's file, or 404. */
static void reply_unrouted(mc_req *r, const mc_route_match *m)
{
	const mc_static *web = r->w->srv->web;
	if (m->allowed) {
		char allow[64];
		mc_router_allow(allow, sizeof allow, m->allowed);
		mc_reply_header(r, "Allow", allow);
		mc_reply_problem(r, MC_PROB_METHOD_NOT_ALLOWED, "%s allows %s", r->path, allow);
	} else if (web && !is_api_path(r->path)) {
		/* Everything that is not the API is the web application. */
		if (r->method == MC_M_GET || r->method == MC_M_HEAD) {
			mc_static_serve(r, web);
		} else {
			mc_reply_header(r, "Allow", "GET, HEAD");
			mc_reply_problem(r, MC_PROB_METHOD_NOT_ALLOWED, "%s allows GET, HEAD", r->path);
		}
	} else {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no resource at %s", r->path);
	}
}

/* ---- requests from another site ---------------------------------------- */

/* The origin of an http:// or https:// address, in one spelling:
 * "scheme://host[:port]" in lower case, without the port when it is the
 * scheme's default. A path, query or fragment is left out when with_path,
 * and makes it none otherwise (an Origin header has none). False when it is
 * none (another scheme, "null", too long). */
static bool origin_key(char *out, size_t cap, const char *url, bool with_path)
{
	const char *scheme = NULL;
	const char *default_port = NULL;
	if (strncasecmp(url, "https://", 8) == 0) {
		scheme = "https://";
		default_port = ":443";
	} else if (strncasecmp(url, "http://", 7) == 0) {
		scheme = "http://";
		default_port = ":80";
	} else {
		return false;
	}
	const char *host = url + strlen(scheme);
	size_t n = strcspn(host, "/?#");
	if (host[n] && !with_path)
		return false;
	size_t dn = strlen(default_port);
	if (n > dn && strncmp(host + n - dn, default_port, dn) == 0)
		n -= dn;
	if (n == 0 || strlen(scheme) + n >= cap)
		return false;
	size_t len = (size_t)snprintf(out, cap, "%s%.*s", scheme, (int)n, host);
	for (size_t i = 0; i < len; i++) {
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	}
	return true;
}

/* Whether a request signed in by the session cookie, which a browser sends
 * whatever page asks, comes from the web application itself. SameSite=Strict
 * keeps the cookie from other sites, but not from a sibling host of the same
 * registrable domain (another *.gov.vn service), whose forms and scripts could
 * then write with the officer's rights. A request is from elsewhere when
 * Sec-Fetch-Site says anything but same-origin or none (typed by the user), or
 * when its Origin is neither public_url's nor the request's own as the server
 * sees it (the scheme, https when a trusted proxy says so, and the Host
 * header): the web application is reached at either. A client that sends
 * neither header (not a browser, or an old one) is not refused here. */
static bool from_elsewhere(const mc_req *r, const char **why)
{
	const char *site = mc_req_header(r, "Sec-Fetch-Site");
	if (site && strcasecmp(site, "same-origin") != 0 && strcasecmp(site, "none") != 0) {
		*why = "Sec-Fetch-Site";
		return true;
	}
	const char *origin = mc_req_header(r, "Origin");
	if (!origin)
		return false;
	*why = "Origin";
	char got[512], want[512];
	if (!origin_key(got, sizeof got, origin, false))
		return true;
	if (origin_key(want, sizeof want, mc_req_public_url(r), true) && strcmp(got, want) == 0)
		return false;
	const char *host = mc_req_header(r, "Host");
	if (!host || strlen(host) > 400)
		return true;
	char own[420];
	snprintf(own, sizeof own, "%s://%s", mc_req_is_tls(r) ? "https" : "http", host);
	return !(origin_key(want, sizeof want, own, false) && strcmp(got, want) == 0);
}

/* Whether the caller may use the route: a session when it needs one (401),
 * with a role it admits (403), a write signed in by the cookie only from the
 * web application's own pages (403). Replies and returns -1 when not. */
static int authorise_or_reply(mc_req *r, const mc_route *route)
{
	bool by_cookie = false;
	int rc = load_session(r, &by_cookie);
	if (rc != 0) {
		mc_reply_error(r, rc, "the session check");
		return -1;
	}
	const char *why = NULL;
	bool checked = (r->has_user && by_cookie) || (route->flags & MC_ROUTE_SIGNS_IN);
	if (checked && r->method != MC_M_GET && r->method != MC_M_HEAD && from_elsewhere(r, &why)) {
		mc_reply_problem(r, MC_PROB_CROSS_SITE,
				 "a %s signed in by the session cookie, or signing in, must come from "
				 "this site's own pages (%s says it does not); other clients send the "
				 "token as Authorization: Bearer",
				 mc_method_name(r->method), why);
		return -1;
	}
	if (route->auth != MC_AUTH_SESSION)
		return 0;
	if (!r->has_user) {
		mc_reply_problem(r, MC_PROB_UNAUTHENTICATED, "sign in with POST /api/v1/session");
		return -1;
	}
	if (!(route->roles & MC_ROLE_BIT(r->user.role))) {
		mc_reply_problem(r, MC_PROB_FORBIDDEN, "the role %s may not use this resource",
				 mc_role_name((mc_role)r->user.role));
		return -1;
	}
	/* An administrator asked for a new password (a reset, or by hand): until
	 * it is chosen, the session may do that and sign out, nothing else. */
	if (r->user.must_change_password && !(route->flags & MC_ROUTE_PASSWORD_DUE)) {
		mc_reply_problem(r, MC_PROB_PASSWORD_CHANGE_REQUIRED,
				 "choose a new password with PATCH /api/v1/profile first");
		return -1;
	}
	return 0;
}

/* The body cap of a request, from its request line (conn.h): a route's
 * uploads take max_upload, everything else max_body; a request naming no
 * session gets max_body except on a public upload route (the edXML
 * exchange), so that nobody unknown makes the server hold more. */
size_t mc_dispatch_body_cap_(const char *method, size_t mlen, const char *target, size_t tlen,
			     bool credentials, void *arg)
{
	const mc_server *srv = arg;
	const mc_server_config *cfg = &srv->cfg;
	size_t cap = cfg->max_body;
	size_t plen = 0;
	while (plen < tlen && target[plen] != '?' && target[plen] != '#')
		plen++;
	if (plen == 0 || target[0] != '/' || plen > 8192)
		return cap;
	char *raw = mc_xmalloc(plen + 1);
	memcpy(raw, target, plen);
	raw[plen] = '\0';
	char *path = mc_router_decode_path(raw);
	free(raw);
	mc_method m = (mlen == 4 && memcmp(method, "POST", 4) == 0)    ? MC_M_POST
		      : (mlen == 3 && memcmp(method, "PUT", 3) == 0)   ? MC_M_PUT
		      : (mlen == 5 && memcmp(method, "PATCH", 5) == 0) ? MC_M_PATCH
								       : 0;
	mc_route_match match;
	if (path && m && mc_router_find(&match, cfg->routes, cfg->n_routes, m, path) >= 0) {
		const mc_route *route = &cfg->routes[match.index];
		if ((route->flags & MC_ROUTE_UPLOAD) && (credentials || route->auth == MC_AUTH_PUBLIC))
			cap = cfg->max_upload;
	}
	free(path);
	return cap;
}

void mc_dispatch_(struct evhttp_request *ev, void *arg)
{
	mc_worker *w = arg;
	mc_req *r = mc_req_new_(w, ev);
	r->method = method_of(ev);

	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	const char *raw_path = uri ? evhttp_uri_get_path(uri) : NULL;
	if (!raw_path || !*raw_path)
		raw_path = "/";
	int refused = 0;
	size_t cap = 0;
	const char *framing = mc_conns_dispatch(w->conns, ev, &refused, &cap);
	r->path = mc_router_decode_path(raw_path);
	if (framing) {
		if (!r->path)
			r->path = mc_xstrdup("/");
		/* Nothing after this request on the connection can be trusted. */
		mc_reply_header(r, "Connection", "close");
		if (refused == 413) {
			if (cap == w->srv->cfg.max_upload)
				mc_reply_problem(r, MC_PROB_BODY_TOO_LARGE,
						 "uploads are limited to %zu bytes", cap);
			else
				mc_reply_problem(r, MC_PROB_BODY_TOO_LARGE,
						 "request bodies are limited to %zu bytes (an upload, with a "
						 "session, to max_upload)",
						 cap);
			return;
		}
		if (refused == 429) {
			mc_reply_header(r, "Retry-After", "1");
			mc_reply_problem(r, MC_PROB_OVERLOADED, "%s", framing);
			return;
		}
		mc_metrics_event(MC_METRIC_BAD_FRAMING);
		mc_reply_problem(r, MC_PROB_BAD_FRAMING, "%s", framing);
		return;
	}
	if (!r->path) {
		/* %00 or bytes that are not UTF-8 in a path: nothing legitimate has one. */
		r->path = mc_xstrdup("/");
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "malformed path");
		return;
	}
	if (read_query_or_reply(r, uri ? evhttp_uri_get_query(uri) : NULL) != 0)
		return;

	mc_route_match m;
	const mc_server_config *cfg = &r->w->srv->cfg;
	if (mc_router_find(&m, cfg->routes, cfg->n_routes, r->method, r->path) < 0) {
		reply_unrouted(r, &m);
		return;
	}
	const mc_route *route = &cfg->routes[m.index];
	r->route_index = m.index;
	r->n_params = m.n_params;
	/* The parameters: a copy of the path cut at the end of each. */
	r->param_buf = mc_xstrdup(r->path);
	for (int k = 0; k < m.n_params; k++) {
		r->params[k] = r->param_buf + m.starts[k];
		r->param_buf[m.starts[k] + m.lens[k]] = '\0';
	}
	if (authorise_or_reply(r, route) != 0 || read_body_or_reply(r, route) != 0)
		return;
	route->handler(r);
}
