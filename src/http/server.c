/* The server: the listening socket, the workers, and what happens to a
 * request between its arrival and its handler. */
#include "http/server_int.h"

#include "app/auth.h"
#include "core/text.h"
#include "http/metrics.h"
#include "http/offload.h"
#include "http/router.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/thread.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* A hard cap libevent enforces before any handler runs; per-route limits,
 * answered with problem+json, are below it. */
#define HARD_BODY_MAX (64u * 1024 * 1024)
#define HEADERS_MAX (16 * 1024)

/* ---- before the handler ------------------------------------------------ */

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
 * the caller answers 503 rather than 401: the session may well be valid. */
static int load_session(mc_req *r)
{
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
			}
		}
	}
	if (!token || !*token || strlen(token) >= MC_TOKEN_MAX)
		return 0;
	mc_auth_token_hash(r->token_hash, token);
	int64_t user_id = 0, expires = 0;
	/* Sessions from the primary, never a replica: a new sign-in works at once, and a
	 * sign-out or a deactivated account takes effect at once. */
	mc_store *st = r->w->primary ? r->w->primary : r->w->store;
	int rc = mc_store_session_get(st, &user_id, &expires, r->token_hash);
	if (rc != 0 || expires <= mc_now())
		return rc == MC_ENOTFOUND ? 0 : rc;
	rc = mc_store_user_get(st, &r->user, user_id);
	if (rc != 0 || !r->user.active)
		return rc == MC_ENOTFOUND ? 0 : rc;
	r->has_user = true;
	return 0;
}

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
			mc_reply_problem(r, MC_PROB_BODY_TOO_LARGE, "uploads are limited to %zu bytes", cfg->max_upload);
			return -1;
		}
		r->raw = mc_xmalloc(len + 1);
		evbuffer_remove(in, r->raw, len);
		r->raw[len] = 0;
		r->raw_len = len;
		return 0;
	}
	if (!(route->flags & MC_ROUTE_JSON) || !(r->method & (MC_M_POST | MC_M_PUT | MC_M_PATCH)))
		return 0;
	if (len > cfg->max_body) {
		mc_reply_problem(r, MC_PROB_BODY_TOO_LARGE, "request bodies are limited to %zu bytes", cfg->max_body);
		return -1;
	}
	if (len == 0) {
		mc_reply_problem(r, MC_PROB_MALFORMED_JSON, "the request body is empty; a JSON object is expected");
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
			mc_reply_problem(r, MC_PROB_MALFORMED_JSON, "line %d, column %d: %s", err.line, err.column,
					 err.text);
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

/* The API's own paths, which never fall back to the web application. */
static bool is_api_path(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 || strcmp(path, "/healthz") == 0 ||
	       strcmp(path, "/readyz") == 0 || strcmp(path, "/metrics") == 0;
}

static void handle(struct evhttp_request *ev, void *arg)
{
	mc_worker *w = arg;
	mc_req *r = mc_req_new_(w, ev);
	r->method = 0;
	switch (evhttp_request_get_command(ev)) {
	case EVHTTP_REQ_GET: r->method = MC_M_GET; break;
	case EVHTTP_REQ_POST: r->method = MC_M_POST; break;
	case EVHTTP_REQ_PUT: r->method = MC_M_PUT; break;
	case EVHTTP_REQ_DELETE: r->method = MC_M_DELETE; break;
	case EVHTTP_REQ_PATCH: r->method = MC_M_PATCH; break;
	case EVHTTP_REQ_HEAD: r->method = MC_M_HEAD; break;
	default: break;
	}

	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	const char *raw_path = uri ? evhttp_uri_get_path(uri) : NULL;
	if (!raw_path || !*raw_path)
		raw_path = "/";
	const char *framing = mc_conns_dispatch(w->conns, ev);
	r->path = mc_router_decode_path(raw_path);
	if (framing) {
		if (!r->path)
			r->path = mc_xstrdup("/");
		/* Nothing after this request on the connection can be trusted. */
		mc_metrics_event(MC_METRIC_BAD_FRAMING);
		mc_reply_header(r, "Connection", "close");
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
	const mc_server_config *cfg = &w->srv->cfg;
	if (mc_router_find(&m, cfg->routes, cfg->n_routes, r->method, r->path) < 0) {
		if (m.allowed) {
			char allow[64];
			mc_router_allow(allow, sizeof allow, m.allowed);
			mc_reply_header(r, "Allow", allow);
			mc_reply_problem(r, MC_PROB_METHOD_NOT_ALLOWED, "%s allows %s", r->path, allow);
		} else if (w->srv->web && !is_api_path(r->path)) {
			/* Everything that is not the API is the web application. */
			if (r->method == MC_M_GET || r->method == MC_M_HEAD) {
				mc_static_serve(r, w->srv->web);
			} else {
				mc_reply_header(r, "Allow", "GET, HEAD");
				mc_reply_problem(r, MC_PROB_METHOD_NOT_ALLOWED, "%s allows GET, HEAD", r->path);
			}
		} else {
			mc_reply_problem(r, MC_PROB_NOT_FOUND, "no resource at %s", r->path);
		}
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
	int src = load_session(r);
	if (src != 0) {
		mc_reply_error(r, src, "the session check");
		return;
	}
	if (route->auth == MC_AUTH_SESSION) {
		if (!r->has_user) {
			mc_reply_problem(r, MC_PROB_UNAUTHENTICATED, "sign in with POST /api/v1/session");
			return;
		}
		if (!(route->roles & MC_ROLE_BIT(r->user.role))) {
			mc_reply_problem(r, MC_PROB_FORBIDDEN, "the role %s may not use this resource",
					 mc_role_name((mc_role)r->user.role));
			return;
		}
	}
	if (read_body_or_reply(r, route) != 0)
		return;
	route->handler(r);
}

/* ---- the store --------------------------------------------------------- */

int mc_server_open_store_(mc_store **out, const char *url, const mc_server_config *cfg)
{
	/* With the bounds on waiting of the settings (db_*_timeout_ms), so that a
	 * locked row or a slow statement makes a 503, not a request that hangs. */
	int rc = mc_store_open(out, url);
	if (rc == 0)
		rc = mc_store_set_limits(*out, &cfg->db_limits);
	if (rc != 0) {
		mc_store_close(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- listening --------------------------------------------------------- */

static int parse_listen(const char *spec, char *host, size_t cap, char *port, size_t pcap)
{
	const char *colon = strrchr(spec, ':');
	if (!colon || (size_t)(colon - spec) >= cap || strlen(colon + 1) >= pcap || !colon[1])
		return MC_EINVAL;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

static evutil_socket_t open_listener(const char *spec, int backlog, char *bound, size_t cap)
{
	char host[256], port[16];
	if (parse_listen(spec, host, sizeof host, port, sizeof port) != 0) {
		fprintf(stderr, "motcua: --listen must be HOST:PORT, not %s\n", spec);
		return -1;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res = NULL;
	int gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (gai != 0) {
		fprintf(stderr, "motcua: could not resolve %s: %s\n", spec, gai_strerror(gai));
		return -1;
	}
	evutil_socket_t fd = -1;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr, "motcua: could not listen on %s: %s\n", spec, strerror(errno));
		return -1;
	}
	evutil_make_socket_nonblocking(fd);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char h[NI_MAXHOST], p[NI_MAXSERV];
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, p, sizeof p, NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(bound, cap, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h, p);
	else
		snprintf(bound, cap, "%s", spec);
	return fd;
}

/* ---- workers ----------------------------------------------------------- */

static int worker_init(mc_worker *w, mc_server *srv, int index)
{
	const mc_server_config *cfg = &srv->cfg;
	w->index = index;
	w->srv = srv;
	/* epoll changes batched per turn of the loop: evhttp turns reading and
	 * writing off and on several times a request, and most of that cancels
	 * out before the loop waits again. libevent warns against it when an fd
	 * in the loop is a dup() that gets closed while another copy stays
	 * open; the only dup()s here are the listening socket's, one per
	 * worker, closed only after the loops have stopped. */
	struct event_config *ec = event_config_new();
	if (ec && event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) == 0)
		w->base = event_base_new_with_config(ec);
	else
		w->base = event_base_new();
	if (ec)
		event_config_free(ec);
	w->http = w->base ? evhttp_new(w->base) : NULL;
	const char *read_url = cfg->db_read_url && *cfg->db_read_url ? cfg->db_read_url : cfg->db_url;
	if (!w->base || !w->http || mc_server_open_store_(&w->store, read_url, cfg) != 0)
		return MC_ERROR;
	if (read_url != cfg->db_url && mc_server_open_store_(&w->primary, cfg->db_url, cfg) != 0)
		return MC_ERROR;
	w->conns = mc_conns_new(w->base, w->http, &srv->cfg.conn);
	if (!w->conns)
		return MC_ERROR;
	evhttp_set_gencb(w->http, handle, w);
	evhttp_set_max_body_size(w->http, HARD_BODY_MAX);
	evhttp_set_max_headers_size(w->http, HEADERS_MAX);
	evhttp_set_timeout(w->http, cfg->idle_timeout > 0 ? cfg->idle_timeout : 30);
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
						    EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD);
	evutil_socket_t fd = dup(srv->listen_fd);
	struct evhttp_bound_socket *bound = fd >= 0 ? evhttp_accept_socket_with_handle(w->http, fd) : NULL;
	if (!bound) {
		if (fd >= 0)
			close(fd);
		return MC_ERROR;
	}
	mc_conns_guard_accept(w->conns, bound);
	return 0;
}

static void worker_free(mc_worker *w)
{
	if (w->http)
		evhttp_free(w->http);
	mc_conns_free(w->conns);
	if (w->base)
		event_base_free(w->base);
	mc_store_close(w->store);
	mc_store_close(w->primary);
}

static void *worker_main(void *arg)
{
	mc_worker *w = arg;
	event_base_dispatch(w->base);
	return NULL;
}

/* ---- the server -------------------------------------------------------- */

int mc_server_new(mc_server **out, const mc_server_config *cfg)
{
	int rc = MC_ERROR;
	const char *bad = NULL;
	mc_server *srv = mc_xcalloc(1, sizeof *srv);
	srv->cfg = *cfg;
	srv->listen_fd = -1;
	*out = NULL;

	signal(SIGPIPE, SIG_IGN);
	evthread_use_pthreads();
	mc_conns_reserve_init();
	if (mc_auth_init() != 0 || mc_rules_init_(srv) != 0)
		goto fail;
	if (mc_proxies_parse(&srv->proxies, cfg->trusted_proxies, &bad) != 0) {
		fprintf(stderr, "motcua: trusted_proxies: \"%s\" is not an address or network\n", bad);
		goto fail;
	}
	if (mc_proxies_parse(&srv->metrics_allow, cfg->metrics_allow, &bad) != 0) {
		fprintf(stderr, "motcua: metrics_allow: \"%s\" is not an address or network\n", bad);
		goto fail;
	}
	mc_group_options group = {
	    .max_batch = cfg->group_batch, .limits = cfg->db_limits, .lock_wait_ms = cfg->group_lock_wait_ms};
	if (mc_group_start(&srv->group, cfg->db_url, &group) != 0)
		goto fail;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int hashers = cfg->hash_threads > 0 ? cfg->hash_threads : (int)(cores > 1 ? cores / 2 : 1);
	srv->offload = mc_offload_new(hashers, cfg->hash_queue > 0 ? cfg->hash_queue : 64);
	if (!srv->offload)
		goto fail;
	/* Rendered replies: cache_bytes of them (48 MiB holds about 37,000 lookups
	 * of 1.3 KB), each of up to 64 KiB, 60 s at most. */
	srv->cache = mc_cache_new(cfg->cache_bytes ? cfg->cache_bytes : 48u << 20, 64u << 10, 60);
	int window = cfg->login_window > 0 ? cfg->login_window : 900;
	int failures = cfg->login_failures > 0 ? cfg->login_failures : 5;
	int signin_window = cfg->signin_window > 0 ? cfg->signin_window : 60;
	srv->login_accounts = mc_limiter_new(4096, failures, window);
	srv->login_devices = mc_limiter_new(4096, failures, window);
	srv->login_addresses = mc_limiter_new(4096, failures * 4, window);
	srv->signins_accounts =
	    mc_limiter_new(4096, cfg->signin_account_max > 0 ? cfg->signin_account_max : 10, signin_window);
	srv->signins_addresses =
	    mc_limiter_new(4096, cfg->signin_address_max > 0 ? cfg->signin_address_max : 120, signin_window);
	if (mc_static_load(&srv->web, cfg->web_root) != 0)
		goto fail;
	srv->listen_fd = open_listener(cfg->listen, cfg->listen_backlog > 0 ? cfg->listen_backlog : 1024, srv->bound,
				       sizeof srv->bound);
	if (srv->listen_fd < 0)
		goto fail;
	*out = srv;
	return 0;
fail:
	mc_server_free(srv);
	return rc;
}

mc_group *mc_server_group(mc_server *srv)
{
	return srv->group;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	mc_server *srv = arg;
	for (int i = 0; i < srv->n_workers; i++)
		event_base_loopexit(srv->workers[i].base, NULL);
	event_base_loopexit(srv->main_base, NULL);
}

int mc_server_run(mc_server *srv)
{
	int rc = MC_ERROR;
	struct event *sigint = NULL, *sigterm = NULL;
	int n = srv->cfg.workers > 0 ? srv->cfg.workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	srv->workers = mc_xcalloc((size_t)n, sizeof *srv->workers);
	for (int i = 0; i < n; i++) {
		srv->n_workers = i + 1;
		if (worker_init(&srv->workers[i], srv, i) != 0) {
			fprintf(stderr, "motcua: could not start worker %d\n", i);
			goto cleanup;
		}
	}
	srv->main_base = event_base_new();
	if (!srv->main_base)
		goto cleanup;
	sigint = evsignal_new(srv->main_base, SIGINT, on_signal, srv);
	sigterm = evsignal_new(srv->main_base, SIGTERM, on_signal, srv);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	int started = 0;
	for (; started < n; started++) {
		if (pthread_create(&srv->workers[started].thread, NULL, worker_main, &srv->workers[started]) != 0)
			break;
	}
	if (started == n) {
		printf("motcua: listening on http://%s (%d workers)\n", srv->bound, n);
		fflush(stdout);
		event_base_dispatch(srv->main_base);
		rc = 0;
	} else {
		on_signal(0, 0, srv);
	}
	for (int i = 0; i < started; i++)
		pthread_join(srv->workers[i].thread, NULL);

cleanup:
	if (sigint)
		event_free(sigint);
	if (sigterm)
		event_free(sigterm);
	return rc;
}

void mc_server_free(mc_server *srv)
{
	if (!srv)
		return;
	/* The writer finishes its queue first: a reply may be lost, a commit never half-done. */
	mc_offload_free(srv->offload);
	mc_group_stop(srv->group);
	for (int i = 0; i < srv->n_workers; i++)
		worker_free(&srv->workers[i]);
	free(srv->workers);
	if (srv->main_base)
		event_base_free(srv->main_base);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	mc_cache_free(srv->cache);
	mc_limiter_free(srv->login_accounts);
	mc_limiter_free(srv->login_addresses);
	mc_limiter_free(srv->login_devices);
	mc_limiter_free(srv->signins_accounts);
	mc_limiter_free(srv->signins_addresses);
	mc_proxies_free(srv->proxies);
	mc_proxies_free(srv->metrics_allow);
	mc_static_free(srv->web);
	if (atomic_load(&srv->tc) || srv->retired)
		mc_rules_free_(srv);
	free(srv);
}
