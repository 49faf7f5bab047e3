#include "http/server.h"

#include "app/auth.h"
#include "http/cache.h"
#include "http/limiter.h"
#include "http/static.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PARAMS 4
/* A hard cap libevent enforces before any handler runs; per-route limits,
 * answered with problem+json, are below it. */
#define HARD_BODY_MAX (64u * 1024 * 1024)

/* A set of time rules (calendar and units) with the requests that read it. A
 * request pins the set it first reads (mc_req_time) until it is freed, so its
 * handler and the write it hands to the writer thread see one set; a set
 * replaced by a reload is freed once no request pins it. */
typedef struct tc_slot {
	mc_time_ctx *tc;
	atomic_long pins;
	struct tc_slot *next; /* in the list of replaced sets */
} tc_slot;

typedef struct {
	mc_server_config cfg;
	mc_group *group;
	_Atomic(tc_slot *) tc;         /* the time rules in force */
	atomic_long tc_entering;       /* requests between reading tc and pinning it */
	_Atomic int64_t tc_generation; /* the store's generation they were loaded at */
	pthread_mutex_t tc_lock;       /* one reload at a time; guards retired */
	tc_slot *retired;              /* replaced sets not freed yet */
	evutil_socket_t listen_fd;
	mc_cache *cache;
	_Atomic uint64_t change_epoch; /* see mc_req_change_epoch */
	mc_static *web;   /* the web application's files, NULL when there is none */
	mc_limiter *login_accounts;
	mc_limiter *login_addresses;
} server_state;

/* Opens a connection of the server: with the bounds on waiting of the
 * settings (db_*_timeout_ms), so that a locked row or a slow statement makes a
 * 503, not a request that hangs. */
static int open_store(mc_store **out, const char *url, const mc_server_config *cfg)
{
	int rc = mc_store_open(out, url);
	if (rc == 0)
		rc = mc_store_set_limits(*out, &cfg->db_limits);
	if (rc != 0) {
		mc_store_close(*out);
		*out = NULL;
	}
	return rc;
}

typedef struct {
	int index;
	server_state *srv;
	struct event_base *base;
	struct evhttp *http;
	mc_store *store;   /* reads: the replica when db_read is set */
	mc_store *primary; /* sessions and time rules when db_read is set, else NULL (= store) */
	pthread_t thread;
	uint64_t seq;
} worker;

struct mc_req {
	struct evhttp_request *ev;
	worker *w;
	mc_method method;
	char *path;
	char *param_buf;
	const char *params[MAX_PARAMS];
	int n_params;
	struct evkeyvalq query;
	bool query_parsed;
	json_t *body;
	unsigned char *raw;
	size_t raw_len;
	mc_user user;
	bool has_user;
	char token_hash[65];
	char request_id[24];
	struct timespec started;
	/* deferred write */
	struct event *resume_ev;
	mc_after_fn after;
	void *payload;
	int job_rc;
	int status;
	void **owned;
	size_t n_owned;
	int route_index; /* into mc_routes, -1 when no route matched */
	tc_slot *tc;        /* the time rules pinned by mc_req_time, NULL until then */
	tc_slot *tc_before; /* those pinned before mc_req_reload_time, still held */
};

static void tc_unpin(tc_slot *s)
{
	if (s)
		atomic_fetch_sub(&s->pins, 1);
}

/* ---- request lifetime -------------------------------------------------- */

static void req_free(mc_req *r)
{
	if (!r)
		return;
	if (r->query_parsed)
		evhttp_clear_headers(&r->query);
	json_decref(r->body);
	free(r->raw);
	free(r->path);
	free(r->param_buf);
	for (size_t i = 0; i < r->n_owned; i++)
		free(r->owned[i]);
	free(r->owned);
	tc_unpin(r->tc);
	tc_unpin(r->tc_before);
	free(r);
}

void *mc_req_own(mc_req *r, void *p)
{
	if (!p)
		return NULL;
	r->owned = mc_xrealloc(r->owned, (r->n_owned + 1) * sizeof *r->owned);
	r->owned[r->n_owned++] = p;
	return p;
}

static double elapsed_ms(const struct timespec *from)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - from->tv_sec) * 1e3 + (double)(now.tv_nsec - from->tv_nsec) / 1e6;
}

static const char *method_name(mc_method m)
{
	switch (m) {
	case MC_M_GET: return "GET";
	case MC_M_POST: return "POST";
	case MC_M_PUT: return "PUT";
	case MC_M_DELETE: return "DELETE";
	case MC_M_PATCH: return "PATCH";
	case MC_M_HEAD: return "HEAD";
	}
	return "OTHER";
}

static void access_log(const mc_req *r)
{
	if (!r->w->srv->cfg.access_log)
		return;
	json_t *line = json_pack("{s:s, s:s, s:s, s:i, s:f}", "id", r->request_id, "method", method_name(r->method),
				 "path", r->path ? r->path : "", "status", r->status, "ms", elapsed_ms(&r->started));
	char ts[32];
	json_object_set_new(line, "ts", json_string(mc_time_format(ts, sizeof ts, mc_now())));
	char *text = json_dumps(line, JSON_COMPACT);
	if (text)
		fprintf(stderr, "%s\n", text);
	free(text);
	json_decref(line);
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

/* ---- metrics ------------------------------------------------------------- */

/* Requests by route (the last slot: everything else, static files included)
 * and status class, and latency histograms; counters only ever grow. */
#define METRIC_ROUTES 128
static const double latency_bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define N_BOUNDS (sizeof latency_bounds / sizeof latency_bounds[0])
static _Atomic uint64_t metric_requests[METRIC_ROUTES + 1][6];
static _Atomic uint64_t metric_latency[METRIC_ROUTES + 1][N_BOUNDS + 1];
static _Atomic uint64_t metric_latency_us[METRIC_ROUTES + 1];

static void count_request(const mc_req *r)
{
	size_t slot = r->route_index >= 0 && r->route_index < METRIC_ROUTES ? (size_t)r->route_index : METRIC_ROUTES;
	int cls = r->status / 100;
	atomic_fetch_add_explicit(&metric_requests[slot][cls >= 1 && cls <= 5 ? cls : 0], 1, memory_order_relaxed);
	double seconds = elapsed_ms(&r->started) / 1000.0;
	size_t b = 0;
	while (b < N_BOUNDS && seconds > latency_bounds[b])
		b++;
	atomic_fetch_add_explicit(&metric_latency[slot][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&metric_latency_us[slot], (uint64_t)(seconds * 1e6), memory_order_relaxed);
}

char *mc_server_metrics(void)
{
	size_t cap = 65536, len = 0;
	char *out = mc_xmalloc(cap);
#define EMIT(...)                                                                                    \
	do {                                                                                         \
		int n_ = snprintf(out + len, cap - len, __VA_ARGS__);                                \
		if (n_ > 0 && (size_t)n_ >= cap - len) {                                             \
			cap = cap * 2 + (size_t)n_;                                                  \
			out = mc_xrealloc(out, cap);                                                 \
			n_ = snprintf(out + len, cap - len, __VA_ARGS__);                            \
		}                                                                                    \
		if (n_ > 0)                                                                          \
			len += (size_t)n_;                                                           \
	} while (0)
	EMIT("# HELP motcua_http_requests_total HTTP requests by route and status class.\n"
	     "# TYPE motcua_http_requests_total counter\n");
	size_t n_routes = mc_routes_count < METRIC_ROUTES ? mc_routes_count : METRIC_ROUTES;
	for (size_t i = 0; i <= n_routes; i++) {
		size_t slot = i < n_routes ? i : METRIC_ROUTES;
		const char *route = i < n_routes ? mc_routes[i].pattern : "other";
		for (int c = 1; c <= 5; c++) {
			uint64_t v = atomic_load(&metric_requests[slot][c]);
			if (v)
				EMIT("motcua_http_requests_total{route=\"%s\",status=\"%dxx\"} %llu\n", route, c,
				     (unsigned long long)v);
		}
	}
	EMIT("# HELP motcua_http_request_duration_seconds Time from request to reply.\n"
	     "# TYPE motcua_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= n_routes; i++) {
		size_t slot = i < n_routes ? i : METRIC_ROUTES;
		const char *route = i < n_routes ? mc_routes[i].pattern : "other";
		uint64_t total = 0;
		for (size_t b = 0; b <= N_BOUNDS; b++)
			total += atomic_load(&metric_latency[slot][b]);
		if (!total)
			continue;
		uint64_t cum = 0;
		for (size_t b = 0; b < N_BOUNDS; b++) {
			cum += atomic_load(&metric_latency[slot][b]);
			EMIT("motcua_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n", route,
			     latency_bounds[b], (unsigned long long)cum);
		}
		EMIT("motcua_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n", route,
		     (unsigned long long)total);
		EMIT("motcua_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route,
		     (double)atomic_load(&metric_latency_us[slot]) / 1e6);
		EMIT("motcua_http_request_duration_seconds_count{route=\"%s\"} %llu\n", route,
		     (unsigned long long)total);
	}
#undef EMIT
	return out;
}

static void send_and_free(mc_req *r, int status, const char *content_type, struct evbuffer *buf)
{
	r->status = status;
	count_request(r);
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	if (content_type)
		evhttp_add_header(h, "Content-Type", content_type);
	evhttp_add_header(h, "X-Request-Id", r->request_id);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	if (!evhttp_find_header(h, "Cache-Control"))
		evhttp_add_header(h, "Cache-Control", "no-store");
	if (!evhttp_find_header(h, "Content-Security-Policy"))
		evhttp_add_header(h, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
	evhttp_send_reply(r->ev, status, reason(status), buf);
	access_log(r);
	req_free(r);
}

void mc_reply_raw(mc_req *r, int status, const char *content_type, const void *data, size_t len)
{
	struct evbuffer *buf = evbuffer_new();
	if (r->method != MC_M_HEAD && len)
		evbuffer_add(buf, data, len);
	send_and_free(r, status, content_type, buf);
	evbuffer_free(buf);
}

void mc_reply_ref(mc_req *r, int status, const char *content_type, const void *data, size_t len,
		  void (*done)(const void *data, size_t len, void *arg), void *arg)
{
	struct evbuffer *buf = evbuffer_new();
	/* The bytes go from data to the socket; libevent calls done when it has
	 * drained or freed them, whatever becomes of the connection. */
	if (r->method == MC_M_HEAD || !len || evbuffer_add_reference(buf, data, len, done, arg) != 0) {
		if (r->method != MC_M_HEAD && len)
			evbuffer_add(buf, data, len);
		done(data, len, arg);
	}
	send_and_free(r, status, content_type, buf);
	evbuffer_free(buf);
}

void mc_reply_json(mc_req *r, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not encode the reply");
		return;
	}
	mc_reply_raw(r, status, "application/json; charset=utf-8", text, strlen(text));
	free(text);
}

void mc_reply_empty(mc_req *r, int status)
{
	send_and_free(r, status, NULL, NULL);
}

void mc_reply_header(mc_req *r, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), name, value);
}

void mc_reply_problem(mc_req *r, mc_problem p, const char *fmt, ...)
{
	const mc_problem_info *info = mc_problem_get(p);
	char detail[512] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	char type[96];
	snprintf(type, sizeof type, "urn:motcua:problem:%s", info->slug);
	json_t *body = json_pack("{s:s, s:s, s:i}", "type", type, "title", info->title, "status", info->status);
	if (detail[0])
		json_object_set_new(body, "detail", json_string(detail));
	if (r->path)
		json_object_set_new(body, "instance", json_string(r->path));
	json_object_set_new(body, "request_id", json_string(r->request_id));
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (p == MC_PROB_UNAUTHENTICATED || p == MC_PROB_BAD_CREDENTIALS)
		mc_reply_header(r, "WWW-Authenticate", "Bearer realm=\"motcua\"");
	mc_reply_raw(r, info->status, "application/problem+json; charset=utf-8", text, text ? strlen(text) : 0);
	free(text);
}

void mc_reply_error(mc_req *r, int rc, const char *what)
{
	switch (rc) {
	case MC_ENOTFOUND:
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "%s not found", what);
		break;
	case MC_ECONFLICT:
		mc_reply_problem(r, MC_PROB_DUPLICATE, "%s conflicts with existing data", what);
		break;
	case MC_EINVAL:
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%s is invalid", what);
		break;
	case MC_EFORBIDDEN:
		mc_reply_problem(r, MC_PROB_FORBIDDEN, "your role does not allow %s", what);
		break;
	case MC_ETOOBIG:
		mc_reply_problem(r, MC_PROB_BODY_TOO_LARGE, "%s is too large", what);
		break;
	case MC_EBUSY:
		mc_reply_header(r, "Retry-After", "1");
		mc_reply_problem(r, MC_PROB_UNAVAILABLE, "the database is busy; nothing was changed, try again");
		break;
	default:
		mc_reply_header(r, "Retry-After", "5");
		mc_reply_problem(r, MC_PROB_UNAVAILABLE, "could not complete %s; nothing was changed", what);
		break;
	}
}

/* ---- accessors --------------------------------------------------------- */

mc_method mc_req_method(const mc_req *r) { return r->method; }
const char *mc_req_path(const mc_req *r) { return r->path; }
const char *mc_req_param(const mc_req *r, int i) { return i < r->n_params ? r->params[i] : NULL; }
json_t *mc_req_body(const mc_req *r) { return r->body; }
const mc_user *mc_req_user(const mc_req *r) { return r->has_user ? &r->user : NULL; }
const char *mc_req_token_hash(const mc_req *r) { return r->token_hash; }
mc_store *mc_req_store(const mc_req *r) { return r->w->store; }
const mc_server_config *mc_req_config(const mc_req *r) { return &r->w->srv->cfg; }
mc_cache *mc_req_cache(const mc_req *r) { return r->w->srv->cache; }

uint64_t mc_req_change_epoch(mc_req *r)
{
	/* A commit that ended before this look is seen by this connection now or
	 * at an earlier look, and the look that first sees it moves the epoch: so
	 * the epoch returned is newer than any taken before that commit. */
	bool changed = true, known = false;
	if (mc_store_data_changed(r->w->store, &changed, &known) != 0 || !known)
		return 0;
	if (changed)
		return atomic_fetch_add(&r->w->srv->change_epoch, 1) + 1;
	return atomic_load(&r->w->srv->change_epoch);
}
mc_limiter *mc_req_login_accounts(const mc_req *r) { return r->w->srv->login_accounts; }
mc_limiter *mc_req_login_addresses(const mc_req *r) { return r->w->srv->login_addresses; }

const char *mc_req_peer(const mc_req *r)
{
	char *host = NULL;
	ev_uint16_t port = 0;
	struct evhttp_connection *c = evhttp_request_get_connection(r->ev);
	if (c)
		evhttp_connection_get_peer(c, &host, &port);
	return host ? host : "";
}
const char *mc_req_public_url(const mc_req *r) { return r->w->srv->cfg.public_url ? r->w->srv->cfg.public_url : ""; }

const unsigned char *mc_req_raw(const mc_req *r, size_t *len)
{
	*len = r->raw_len;
	return r->raw;
}

const char *mc_req_query(const mc_req *r, const char *name)
{
	return r->query_parsed ? evhttp_find_header(&r->query, name) : NULL;
}

const char *mc_req_header(const mc_req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->ev), name);
}

bool mc_req_is_tls(const mc_req *r)
{
	const char *proto = mc_req_header(r, "X-Forwarded-Proto");
	return proto && strcmp(proto, "https") == 0;
}

void mc_req_actor(const mc_req *r, mc_actor *out)
{
	memset(out, 0, sizeof *out);
	if (r->has_user) {
		out->user_id = r->user.id;
		out->role = (mc_role)r->user.role;
		out->unit_id = r->user.unit_id;
		mc_strlcpy(out->name, r->user.full_name, sizeof out->name);
	}
}

/* ---- the time rules in force ------------------------------------------ */

/* Pins the time rules in force. Lock-free: a reload may replace them between
 * the read and the pin, which is why tc_sweep frees nothing while a request
 * is between the two (tc_entering). */
static tc_slot *tc_pin(server_state *srv)
{
	atomic_fetch_add(&srv->tc_entering, 1);
	tc_slot *s = atomic_load(&srv->tc);
	atomic_fetch_add(&s->pins, 1);
	atomic_fetch_sub(&srv->tc_entering, 1);
	return s;
}

/* Frees the replaced time rules that no request pins any more; under tc_lock.
 * A request that read srv->tc before it was replaced has pinned what it read
 * once tc_entering is back to 0 (every step is sequentially consistent), so
 * a set seen then with no pin will never get one. */
static void tc_sweep(server_state *srv)
{
	if (atomic_load(&srv->tc_entering) != 0)
		return; /* the next sweep tries again */
	for (tc_slot **p = &srv->retired; *p;) {
		tc_slot *s = *p;
		if (atomic_load(&s->pins) != 0) {
			p = &s->next;
			continue;
		}
		*p = s->next;
		mc_time_ctx_free(s->tc);
		free(s);
	}
}

/* Loads the time rules from st and puts them in force; when only_if_moved,
 * only if the store's generation differs from theirs. Under the lock, so that
 * two reloads at once cannot leave the older load in force. */
static int tc_reload(server_state *srv, mc_store *st, bool only_if_moved)
{
	int rc = 0;
	mc_time_ctx *fresh = NULL;
	pthread_mutex_lock(&srv->tc_lock);
	if (only_if_moved) {
		int64_t g = 0;
		rc = mc_store_generation(st, &g);
		if (rc != 0 || g == atomic_load(&srv->tc_generation))
			goto done;
	}
	rc = mc_time_ctx_load(&fresh, st);
	if (rc != 0)
		goto done;
	tc_slot *slot = mc_xcalloc(1, sizeof *slot);
	slot->tc = fresh;
	tc_slot *old = atomic_exchange(&srv->tc, slot);
	atomic_store(&srv->tc_generation, mc_time_ctx_generation(fresh));
	old->next = srv->retired;
	srv->retired = old;
done:
	tc_sweep(srv);
	pthread_mutex_unlock(&srv->tc_lock);
	return rc;
}

const mc_time_ctx *mc_req_time(const mc_req *r)
{
	/* Pinning on first use changes nothing a caller can see of the request,
	 * which is never itself const: the cast is sound. */
	mc_req *m = (mc_req *)r;
	if (!m->tc)
		m->tc = tc_pin(r->w->srv);
	return m->tc->tc;
}

void mc_req_reload_time(mc_req *r)
{
	/* From the primary: the edit has just committed there, a replica may not have it yet. */
	if (tc_reload(r->w->srv, r->w->primary ? r->w->primary : r->w->store, false) != 0) {
		fprintf(stderr, "motcua: could not reload the calendar and units; the previous ones stay in force\n");
		return;
	}
	/* The request reads the new rules from here on; the old ones stay pinned
	 * until it is freed, for what it handed out while it held them. */
	if (r->tc) {
		tc_unpin(r->tc_before);
		r->tc_before = r->tc;
		r->tc = NULL;
	}
}

/* ---- deferred writes --------------------------------------------------- */

static void resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mc_req *r = arg;
	event_free(r->resume_ev);
	r->resume_ev = NULL;
	/* after replies, which frees r. If the client has gone meanwhile, libevent
	 * has detached the request from its connection and the reply only frees it. */
	r->after(r, r->job_rc, r->payload);
}

/* Runs on the writer thread: hand the result back to the request's worker. */
static void write_done(int rc, void *payload)
{
	mc_req *r = payload;
	r->job_rc = rc;
	event_active(r->resume_ev, EV_READ, 0);
}

struct pending_write {
	mc_write_fn fn;
	void *payload;
	mc_req *r;
};

static int pending_run(mc_store *st, void *arg)
{
	struct pending_write *pw = arg;
	return pw->fn(st, pw->payload);
}

static void pending_done(int rc, void *arg)
{
	struct pending_write *pw = arg;
	mc_req *r = pw->r;
	free(pw);
	write_done(rc, r);
}

void mc_req_write(mc_req *r, mc_write_fn fn, mc_after_fn after, void *payload)
{
	r->after = after;
	r->payload = payload;
	r->resume_ev = event_new(r->w->base, -1, 0, resume_cb, r);
	struct pending_write *pw = mc_xmalloc(sizeof *pw);
	pw->fn = fn;
	pw->payload = payload;
	pw->r = r;
	if (mc_group_submit(r->w->srv->group, pending_run, pending_done, pw) != 0) {
		free(pw);
		r->job_rc = MC_EBUSY;
		event_active(r->resume_ev, EV_READ, 0);
	}
}

/* ---- routing ----------------------------------------------------------- */

/* Matches path against pattern, segment by segment; gives where each
 * parameter starts in path and its length. Writes nothing, so the table is
 * walked without copying the path for every route tried. */
static bool route_match(const char *pattern, const char *path, size_t *starts, size_t *lens, int *n_params)
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
			if (s == seg || n >= MAX_PARAMS)
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

static mc_method method_of(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return MC_M_GET;
	case EVHTTP_REQ_POST: return MC_M_POST;
	case EVHTTP_REQ_PUT: return MC_M_PUT;
	case EVHTTP_REQ_DELETE: return MC_M_DELETE;
	case EVHTTP_REQ_PATCH: return MC_M_PATCH;
	case EVHTTP_REQ_HEAD: return MC_M_HEAD;
	default: return 0;
	}
}

/* The methods a resource allows, for the Allow header that RFC 9110 (15.5.6)
 * requires on a 405; HEAD goes with GET. */
static void allow_list(char *buf, size_t cap, int methods)
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
	buf[0] = '\0';
	for (size_t i = 0; i < MC_ARRAY_LEN(names); i++) {
		if (!(methods & names[i].method))
			continue;
		int n = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", names[i].name);
		if (n < 0 || (size_t)n >= cap - used)
			break;
		used += (size_t)n;
	}
}

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

/* The API's own paths, which never fall back to the web application. */
static bool is_api_path(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 || strcmp(path, "/healthz") == 0;
}

static void handle(struct evhttp_request *ev, void *arg)
{
	worker *w = arg;
	mc_req *r = mc_xcalloc(1, sizeof *r);
	clock_gettime(CLOCK_MONOTONIC, &r->started);
	r->ev = ev;
	r->w = w;
	r->route_index = -1;
	snprintf(r->request_id, sizeof r->request_id, "%x-%llx", w->index, (unsigned long long)++w->seq);
	r->method = method_of(evhttp_request_get_command(ev));

	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	const char *raw_path = uri ? evhttp_uri_get_path(uri) : NULL;
	if (!raw_path || !*raw_path)
		raw_path = "/";
	size_t decoded_len = 0;
	r->path = evhttp_uridecode(raw_path, 0, &decoded_len);
	if (!r->path || strlen(r->path) != decoded_len) {
		/* %00 in a path: nothing legitimate has one. */
		free(r->path);
		r->path = mc_xstrdup("/");
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "malformed path");
		return;
	}
	const char *qs = uri ? evhttp_uri_get_query(uri) : NULL;
	TAILQ_INIT(&r->query);
	r->query_parsed = true;
	if (qs && evhttp_parse_query_str(qs, &r->query) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "malformed query string");
		return;
	}

	const mc_route *route = NULL;
	size_t starts[MAX_PARAMS], lens[MAX_PARAMS];
	int allowed = 0; /* methods of the routes matching the path */
	for (size_t i = 0; i < mc_routes_count; i++) {
		int n = 0;
		if (!route_match(mc_routes[i].pattern, r->path, starts, lens, &n))
			continue;
		allowed |= mc_routes[i].methods;
		int want = r->method == MC_M_HEAD ? MC_M_GET : r->method;
		if (mc_routes[i].methods & want) {
			route = &mc_routes[i];
			r->route_index = (int)i;
			r->n_params = n;
			/* The parameters: a copy of the path cut at the end of each. */
			size_t path_len = strlen(r->path);
			r->param_buf = mc_xmalloc(path_len + 1);
			memcpy(r->param_buf, r->path, path_len + 1);
			for (int k = 0; k < n; k++) {
				r->params[k] = r->param_buf + starts[k];
				r->param_buf[starts[k] + lens[k]] = '\0';
			}
			break;
		}
	}
	if (!route) {
		if (allowed) {
			char allow[64];
			allow_list(allow, sizeof allow, allowed);
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

/* ---- workers and listening --------------------------------------------- */

static void *worker_main(void *arg)
{
	worker *w = arg;
	event_base_dispatch(w->base);
	return NULL;
}

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

static evutil_socket_t open_listener(const char *spec, char *bound, size_t cap)
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
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0)
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

/* ---- background jobs ---------------------------------------------------- */

static int purge_sessions(mc_store *st, void *payload)
{
	(void)payload;
	return mc_store_session_purge(st, mc_now());
}

static void purge_done(int rc, void *payload)
{
	(void)payload;
	if (rc != 0)
		fprintf(stderr, "motcua: could not purge expired sessions (%d)\n", rc);
}

/* Expired sessions are useless and keep a token hash: drop them hourly. */
static void purge_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	server_state *srv = arg;
	mc_group_submit(srv->group, purge_sessions, purge_done, NULL);
}

/* The delivery of the outbox runs on a thread of its own: sending waits on the
 * network, which must hold up neither requests nor the writer. */
typedef struct {
	server_state *srv;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	bool started;
} notifier;

static void *notifier_main(void *arg)
{
	notifier *n = arg;
	mc_store *st = NULL;
	if (open_store(&st, n->srv->cfg.db_url, &n->srv->cfg) != 0) {
		fprintf(stderr, "motcua: the message delivery could not open the database\n");
		return NULL;
	}
	int interval = n->srv->cfg.notify_interval > 0 ? n->srv->cfg.notify_interval : 5;
	pthread_mutex_lock(&n->lock);
	while (!n->stopping) {
		pthread_mutex_unlock(&n->lock);
		mc_notify_deliver(st, n->srv->group, &n->srv->cfg.notify, mc_now(), NULL, NULL);
		pthread_mutex_lock(&n->lock);
		if (n->stopping)
			break;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += interval;
		pthread_cond_timedwait(&n->wake, &n->lock, &until);
	}
	pthread_mutex_unlock(&n->lock);
	mc_store_close(st);
	return NULL;
}

/* Units and calendars are edited on any server of the database, and each
 * keeps them in memory as its time rules. The watcher reads the store's
 * generation every reload_interval_ms on a connection of its own and reloads
 * the rules when it has moved; it runs on a thread of its own, so that
 * neither requests nor the handling of signals wait on the database. */
typedef struct {
	server_state *srv;
	mc_store *st;
	struct event_base *base;
	struct event *tick;
	struct event *stop; /* made active to end the loop, even before it has started */
	pthread_t thread;
	bool started;
	bool failing; /* the last check failed: said once, not at every tick */
} watcher;

static void watch_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	watcher *w = arg;
	server_state *srv = w->srv;
	int64_t g = 0;
	int rc = mc_store_generation(w->st, &g);
	if (rc == 0 && g != atomic_load(&srv->tc_generation)) {
		rc = tc_reload(srv, w->st, true);
	} else if (rc == 0) {
		/* Replaced rules whose last request has gone are freed here too. */
		pthread_mutex_lock(&srv->tc_lock);
		tc_sweep(srv);
		pthread_mutex_unlock(&srv->tc_lock);
	}
	if (rc != 0 && !w->failing)
		fprintf(stderr, "motcua: could not check the units and calendar for edits on other servers (%d); "
				"the rules in force stay until it works again\n", rc);
	else if (rc == 0 && w->failing)
		fprintf(stderr, "motcua: checking the units and calendar for edits works again\n");
	w->failing = rc != 0;
}

static void watch_stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	watcher *w = arg;
	event_base_loopbreak(w->base);
}

static void *watcher_main(void *arg)
{
	watcher *w = arg;
	event_base_dispatch(w->base);
	return NULL;
}

static int watcher_start(watcher *w, server_state *srv)
{
	int ms = srv->cfg.reload_interval_ms;
	w->srv = srv;
	if (ms <= 0)
		return 0; /* off: only the server that makes an edit reloads */
	if (open_store(&w->st, srv->cfg.db_url, &srv->cfg) != 0)
		return MC_ERROR;
	w->base = event_base_new();
	if (!w->base)
		return MC_ERROR;
	w->tick = event_new(w->base, -1, EV_PERSIST, watch_tick, w);
	w->stop = event_new(w->base, -1, 0, watch_stop, w);
	struct timeval every = {ms / 1000, (ms % 1000) * 1000};
	if (!w->tick || !w->stop || event_add(w->tick, &every) != 0)
		return MC_ERROR;
	w->started = pthread_create(&w->thread, NULL, watcher_main, w) == 0;
	return w->started ? 0 : MC_ERROR;
}

static void watcher_stop(watcher *w)
{
	if (w->started) {
		/* A loop break asked before the loop starts would be forgotten; an
		 * active event waits for it. */
		event_active(w->stop, EV_READ, 0);
		pthread_join(w->thread, NULL);
	}
	if (w->tick)
		event_free(w->tick);
	if (w->stop)
		event_free(w->stop);
	if (w->base)
		event_base_free(w->base);
	mc_store_close(w->st);
}

static struct event_base **all_bases;
static int all_bases_n;

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	struct event_base *main_base = arg;
	for (int i = 0; i < all_bases_n; i++)
		event_base_loopexit(all_bases[i], NULL);
	event_base_loopexit(main_base, NULL);
}

int mc_server_run(const mc_server_config *cfg)
{
	int rc = MC_ERROR;
	server_state srv = {.cfg = *cfg, .listen_fd = -1};
	worker *workers = NULL;
	struct event_base *main_base = NULL;
	struct event *sigint = NULL, *sigterm = NULL, *purge = NULL;
	notifier notify = {0};
	watcher watch = {0};
	int n = cfg->workers > 0 ? cfg->workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	char bound[300];

	signal(SIGPIPE, SIG_IGN);
	evthread_use_pthreads();
	pthread_mutex_init(&srv.tc_lock, NULL);
	if (mc_auth_init() != 0)
		goto cleanup;
	{
		mc_store *st = NULL;
		if (open_store(&st, cfg->db_url, cfg) != 0)
			goto cleanup;
		mc_time_ctx *tc = NULL;
		int lrc = mc_time_ctx_load(&tc, st);
		mc_store_close(st);
		if (lrc != 0) {
			fprintf(stderr, "motcua: could not load the calendar and units from %s\n", cfg->db_url);
			goto cleanup;
		}
		tc_slot *slot = mc_xcalloc(1, sizeof *slot);
		slot->tc = tc;
		atomic_store(&srv.tc, slot);
		atomic_store(&srv.tc_generation, mc_time_ctx_generation(tc));
	}
	if (watcher_start(&watch, &srv) != 0) {
		fprintf(stderr, "motcua: could not start watching the units and calendar for edits\n");
		goto cleanup;
	}
	mc_group_options group = {
	    .max_batch = cfg->group_batch, .limits = cfg->db_limits, .lock_wait_ms = cfg->group_lock_wait_ms};
	if (mc_group_start(&srv.group, cfg->db_url, &group) != 0)
		goto cleanup;
	if (mc_notify_global_init() != 0)
		goto cleanup;
	pthread_mutex_init(&notify.lock, NULL);
	pthread_cond_init(&notify.wake, NULL);
	notify.srv = &srv;
	notify.started = pthread_create(&notify.thread, NULL, notifier_main, &notify) == 0;
	/* Rendered replies: 48 MiB of them (about 37,000 lookups of 1.3 KB) and
	 * 6 MiB of slots, each of up to 64 KiB, 60 s at most. */
	srv.cache = mc_cache_new(48u << 20, 64u << 10, 60);
	/* Guessing passwords: 5 failures an account, 20 an address, per 15 minutes. */
	srv.login_accounts = mc_limiter_new(4096, 5, 900);
	srv.login_addresses = mc_limiter_new(4096, 20, 900);
	if (mc_static_load(&srv.web, cfg->web_root) != 0)
		goto cleanup;
	srv.listen_fd = open_listener(cfg->listen, bound, sizeof bound);
	if (srv.listen_fd < 0)
		goto cleanup;

	workers = mc_xcalloc((size_t)n, sizeof *workers);
	all_bases = mc_xcalloc((size_t)n, sizeof *all_bases);
	for (int i = 0; i < n; i++) {
		worker *w = &workers[i];
		w->index = i;
		w->srv = &srv;
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
		w->http = evhttp_new(w->base);
		const char *read_url = cfg->db_read_url && *cfg->db_read_url ? cfg->db_read_url : cfg->db_url;
		if (!w->base || !w->http || open_store(&w->store, read_url, cfg) != 0)
			goto cleanup;
		if (read_url != cfg->db_url && open_store(&w->primary, cfg->db_url, cfg) != 0)
			goto cleanup;
		evhttp_set_gencb(w->http, handle, w);
		evhttp_set_max_body_size(w->http, HARD_BODY_MAX);
		evhttp_set_max_headers_size(w->http, 16 * 1024);
		evhttp_set_timeout(w->http, 30);
		evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
							    EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD);
		evutil_socket_t fd = dup(srv.listen_fd);
		if (fd < 0 || !evhttp_accept_socket_with_handle(w->http, fd))
			goto cleanup;
		all_bases[i] = w->base;
		all_bases_n = i + 1;
	}
	main_base = event_base_new();
	sigint = evsignal_new(main_base, SIGINT, on_signal, main_base);
	sigterm = evsignal_new(main_base, SIGTERM, on_signal, main_base);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	purge = event_new(main_base, -1, EV_PERSIST, purge_tick, &srv);
	struct timeval hourly = {3600, 0};
	event_add(purge, &hourly);
	purge_tick(-1, 0, &srv);
	for (int i = 0; i < n; i++)
		pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
	printf("motcua: listening on http://%s (%d workers)\n", bound, n);
	fflush(stdout);
	event_base_dispatch(main_base);
	for (int i = 0; i < n; i++)
		pthread_join(workers[i].thread, NULL);
	rc = 0;

cleanup:
	watcher_stop(&watch);
	if (notify.started) {
		pthread_mutex_lock(&notify.lock);
		notify.stopping = true;
		pthread_cond_signal(&notify.wake);
		pthread_mutex_unlock(&notify.lock);
		pthread_join(notify.thread, NULL);
		pthread_mutex_destroy(&notify.lock);
		pthread_cond_destroy(&notify.wake);
	}
	/* The writer finishes its queue first: a reply may be lost, a commit never half-done. */
	mc_group_stop(srv.group);
	if (workers) {
		for (int i = 0; i < n; i++) {
			if (workers[i].http)
				evhttp_free(workers[i].http);
			if (workers[i].base)
				event_base_free(workers[i].base);
			mc_store_close(workers[i].store);
			mc_store_close(workers[i].primary);
		}
	}
	free(workers);
	free(all_bases);
	all_bases = NULL;
	all_bases_n = 0;
	if (sigint)
		event_free(sigint);
	if (sigterm)
		event_free(sigterm);
	if (purge)
		event_free(purge);
	if (main_base)
		event_base_free(main_base);
	if (srv.listen_fd >= 0)
		close(srv.listen_fd);
	mc_cache_free(srv.cache);
	mc_limiter_free(srv.login_accounts);
	mc_limiter_free(srv.login_addresses);
	mc_static_free(srv.web);
	/* Every thread has stopped: no pin matters any more. */
	tc_slot *current = atomic_load(&srv.tc);
	if (current) {
		current->next = srv.retired;
		srv.retired = current;
	}
	while (srv.retired) {
		tc_slot *next = srv.retired->next;
		mc_time_ctx_free(srv.retired->tc);
		free(srv.retired);
		srv.retired = next;
	}
	pthread_mutex_destroy(&srv.tc_lock);
	return rc;
}
