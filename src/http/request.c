/* The request context: its lifetime, what a handler reads from it, replies,
 * writes deferred to the group committer and work offloaded to the hashing
 * pool. */
#include "http/server_int.h"

#include "http/gzip.h"
#include "http/metrics.h"
#include "http/offload.h"

#include <event2/buffer.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- lifetime ---------------------------------------------------------- */

mc_req *mc_req_new_(mc_worker *w, struct evhttp_request *ev)
{
	mc_req *r = mc_xcalloc(1, sizeof *r);
	clock_gettime(CLOCK_MONOTONIC, &r->started);
	r->ev = ev;
	r->w = w;
	w->in_flight++;
	r->route_index = -1;
	snprintf(r->request_id, sizeof r->request_id, "%x-%llx", w->index, (unsigned long long)++w->seq);
	TAILQ_INIT(&r->query);
	r->query_parsed = true;
	return r;
}

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
	mc_rules_unpin_(r->tc);
	mc_rules_unpin_(r->tc_before);
	mc_user_clear(&r->user);
	r->w->in_flight--;
	free(r);
}

void *mc_req_own(mc_req *r, void *p)
{
	if (!p)
		return NULL;
	MC_GROW(r->owned, r->n_owned, r->cap_owned);
	r->owned[r->n_owned++] = p;
	return p;
}

static double elapsed_ms(const struct timespec *from)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - from->tv_sec) * 1e3 + (double)(now.tv_nsec - from->tv_nsec) / 1e6;
}

static const char *reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 202:
		return "Accepted";
	case 204:
		return "No Content";
	case 303:
		return "See Other";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 412:
		return "Precondition Failed";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
	}
}

/* ---- replies ----------------------------------------------------------- */

static void send_and_free(mc_req *r, int status, const char *content_type, struct evbuffer *buf)
{
	r->status = status;
	double ms = elapsed_ms(&r->started);
	mc_metrics_count(r->route_index, r->method, status, ms / 1000.0);
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
	/* The server is stopping: the client asks elsewhere or later. */
	if (r->w->draining && !evhttp_find_header(h, "Connection"))
		evhttp_add_header(h, "Connection", "close");
	evhttp_send_reply(r->ev, status, reason(status), buf);
	mc_access_log_add_(r->w, r, ms);
	req_free(r);
}

/* Whether a reply of the API is compressed when the client accepts gzip:
 * JSON and SVG (the dashboard's charts are a third of its weight) above
 * MC_GZIP_MIN_BYTES. The web application's files come compressed from
 * http/static.c. */
static bool api_compressible(const char *ct, size_t len)
{
	if (len < MC_GZIP_MIN_BYTES || !ct)
		return false;
	return strncmp(ct, "application/json", 16) == 0 || strncmp(ct, "application/problem+json", 24) == 0 ||
	       strncmp(ct, "image/svg+xml", 13) == 0 || strncmp(ct, "text/csv", 8) == 0;
}

void mc_reply_raw(mc_req *r, int status, const char *content_type, const void *data, size_t len)
{
	struct evbuffer *buf = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	if (api_compressible(content_type, len) && !evhttp_find_header(h, "Content-Encoding")) {
		unsigned char *z = NULL;
		size_t zlen = 0;
		mc_reply_header(r, "Vary", "Accept-Encoding");
		/* Level 6, zlib's default: most of the gain for a few milliseconds at most. */
		if (r->method != MC_M_HEAD && mc_gzip_accepted(mc_req_header(r, "Accept-Encoding")) &&
		    mc_gzip(&z, &zlen, data, len, 6) == 0 && zlen < len) {
			mc_reply_header(r, "Content-Encoding", "gzip");
			evbuffer_add(buf, z, zlen);
			len = 0;
		}
		free(z);
	}
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

void mc_reply_file(mc_req *r, int status, const char *content_type, int fd, int64_t size)
{
	struct evbuffer *buf = evbuffer_new();
	/* The file goes from the disk to the socket by sendfile: memory stays
	 * the same however large it is and however many download it at once.
	 * (The bytes are only ever moved whole to the connection and written to
	 * the socket, which is what this flag promises libevent.) */
	evbuffer_set_flags(buf, EVBUFFER_FLAG_DRAINS_TO_FD);
	if (r->method == MC_M_HEAD || size <= 0 || evbuffer_add_file(buf, fd, 0, size) != 0) {
		close(fd);
		if (r->method == MC_M_HEAD) {
			char len[24];
			snprintf(len, sizeof len, "%lld", (long long)size);
			mc_reply_header(r, "Content-Length", len);
		}
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

static void reply_problem(mc_req *r, mc_problem p, const char *field, const char *rule, const char *fmt,
			  va_list ap)
{
	const mc_problem_info *info = mc_problem_get(p);
	char detail[512] = "";
	if (fmt)
		vsnprintf(detail, sizeof detail, fmt, ap);
	char type[96];
	snprintf(type, sizeof type, "urn:motcua:problem:%s", info->slug);
	json_t *body =
	    json_pack("{s:s, s:s, s:i}", "type", type, "title", info->title, "status", info->status);
	if (detail[0])
		json_object_set_new(body, "detail", json_string(detail));
	if (field)
		json_object_set_new(body, "field", json_string(field));
	if (rule)
		json_object_set_new(body, "rule", json_string(rule));
	/* A client that reads the body alone learns the wait too, to say it in
	 * its own words ("try again in 15 minutes"). */
	const char *retry = evhttp_find_header(evhttp_request_get_output_headers(r->ev), "Retry-After");
	if (retry)
		json_object_set_new(body, "retry_after", json_integer(strtoll(retry, NULL, 10)));
	if (r->path)
		json_object_set_new(body, "instance", json_string(r->path));
	json_object_set_new(body, "request_id", json_string(r->request_id));
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (p == MC_PROB_UNAUTHENTICATED || p == MC_PROB_BAD_CREDENTIALS)
		mc_reply_header(r, "WWW-Authenticate", "Bearer realm=\"motcua\"");
	mc_reply_raw(r, info->status, "application/problem+json; charset=utf-8", text,
		     text ? strlen(text) : 0);
	free(text);
}

void mc_reply_problem(mc_req *r, mc_problem p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	reply_problem(r, p, NULL, NULL, fmt, ap);
	va_end(ap);
}

void mc_reply_field_problem(mc_req *r, mc_problem p, const char *field, const char *rule, const char *fmt,
			    ...)
{
	va_list ap;
	va_start(ap, fmt);
	reply_problem(r, p, field, rule, fmt, ap);
	va_end(ap);
}

void mc_reply_err(mc_req *r, const mc_err *e, const char *what)
{
	mc_problem_answer a;
	mc_problem_from_err(&a, e, what);
	if (a.retry_after > 0) {
		char retry[24];
		snprintf(retry, sizeof retry, "%lld", (long long)a.retry_after);
		mc_reply_header(r, "Retry-After", retry);
	}
	mc_reply_problem(r, a.problem, "%s", a.detail);
}

void mc_reply_error(mc_req *r, int rc, const char *what)
{
	mc_err e = {.code = rc};
	/* A destroyed content is said by the store that found it so (which
	 * work file, which decision): that reason, not the bare code. */
	if (rc == MC_EGONE && mc_err_last()->code == MC_EGONE)
		mc_err_take(&e, rc);
	mc_reply_err(r, &e, what);
}

/* ---- accessors --------------------------------------------------------- */

mc_method mc_req_method(const mc_req *r)
{
	return r->method;
}
const char *mc_req_path(const mc_req *r)
{
	return r->path;
}
const char *mc_req_param(const mc_req *r, int i)
{
	return i < r->n_params ? r->params[i] : NULL;
}
json_t *mc_req_body(const mc_req *r)
{
	return r->body;
}
const mc_user *mc_req_user(const mc_req *r)
{
	return r->has_user ? &r->user : NULL;
}
const char *mc_req_token_hash(const mc_req *r)
{
	return r->token_hash;
}
mc_store *mc_req_store(const mc_req *r)
{
	if (!r->read_store) {
		/* Chosen once, so that a request reads one database throughout;
		 * the request is never itself const. */
		mc_req *m = (mc_req *)r;
		m->read_store =
		    r->w->primary && mc_replica_reads_primary_(r->w->srv) ? r->w->primary : r->w->store;
	}
	return r->read_store;
}

void mc_req_replica_status(const mc_req *r, mc_replica_status *out)
{
	mc_replica_status_(r->w->srv, out);
}

void mc_req_group_stats(const mc_req *r, mc_group_stats *out)
{
	if (r->w->srv->group)
		mc_group_get_stats(r->w->srv->group, out);
	else
		memset(out, 0, sizeof *out);
}
const mc_server_config *mc_req_config(const mc_req *r)
{
	return &r->w->srv->cfg;
}
mc_cache *mc_req_cache(const mc_req *r)
{
	return r->w->srv->cache;
}
mc_limiter *mc_req_login_accounts(const mc_req *r)
{
	return r->w->srv->login_accounts;
}
mc_limiter *mc_req_login_addresses(const mc_req *r)
{
	return r->w->srv->login_addresses;
}
mc_limiter *mc_req_login_devices(const mc_req *r)
{
	return r->w->srv->login_devices;
}
mc_limiter *mc_req_signins_accounts(const mc_req *r)
{
	return r->w->srv->signins_accounts;
}
mc_limiter *mc_req_signins_addresses(const mc_req *r)
{
	return r->w->srv->signins_addresses;
}
mc_limiter *mc_req_exchange_refusals(const mc_req *r)
{
	return r->w->srv->exchange_refusals;
}

mc_limiter *mc_req_export_accounts(const mc_req *r)
{
	return r->w->srv->export_accounts;
}

mc_limiter *mc_req_recovery_accounts(const mc_req *r)
{
	return r->w->srv->recovery_accounts;
}
mc_limiter *mc_req_recovery_addresses(const mc_req *r)
{
	return r->w->srv->recovery_addresses;
}
const char *mc_req_public_url(const mc_req *r)
{
	return r->w->srv->cfg.public_url ? r->w->srv->cfg.public_url : "";
}

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

/* Every X-Forwarded-For line of the request joined in order, as one list
 * (RFC 9110 5.3), or NULL when there is none: a proxy that adds a line of
 * its own rather than extending the client's must not leave the client's
 * first line to be believed. The header limit bounds its length. */
static char *forwarded_for(const mc_req *r)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(r->ev);
	struct evkeyval *kv;
	size_t len = 0;
	char *out;

	TAILQ_FOREACH(kv, h, next)
	{
		if (strcasecmp(kv->key, "X-Forwarded-For") == 0)
			len += strlen(kv->value) + 1;
	}
	if (len == 0)
		return NULL;
	out = mc_xmalloc(len);
	out[0] = '\0';
	TAILQ_FOREACH(kv, h, next)
	{
		if (strcasecmp(kv->key, "X-Forwarded-For") != 0)
			continue;
		if (out[0])
			strcat(out, ",");
		strcat(out, kv->value);
	}
	return out;
}

const char *mc_req_peer(const mc_req *r)
{
	if (!r->peer[0]) {
		/* Worked out once; the request is never itself const. */
		mc_req *m = (mc_req *)r;
		char *host = NULL;
		ev_uint16_t port = 0;
		struct evhttp_connection *c = evhttp_request_get_connection(r->ev);
		if (c)
			evhttp_connection_get_peer(c, &host, &port);
		char *xff = forwarded_for(r);
		mc_proxies_client(r->w->srv->proxies, host ? host : "", xff, m->peer, sizeof m->peer);
		free(xff);
	}
	return r->peer;
}

bool mc_req_may_read_metrics(const mc_req *r)
{
	const char *token = r->w->srv->cfg.metrics_token;
	const char *auth = mc_req_header(r, "Authorization");
	if (token && *token && auth && strncasecmp(auth, "Bearer ", 7) == 0) {
		/* Compared in constant time: the token opens /metrics from anywhere. */
		size_t n = strlen(token);
		if (strlen(auth + 7) == n && CRYPTO_memcmp(auth + 7, token, n) == 0)
			return true;
	}
	return mc_proxies_trusted(r->w->srv->metrics_allow, mc_req_peer(r));
}

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
	/* Only a trusted proxy says how the client reached it. */
	char *host = NULL;
	ev_uint16_t port = 0;
	struct evhttp_connection *c = evhttp_request_get_connection(r->ev);
	if (c)
		evhttp_connection_get_peer(c, &host, &port);
	const char *proto = mc_req_header(r, "X-Forwarded-Proto");
	return proto && strcmp(proto, "https") == 0 &&
	       (!r->w->srv->proxies || mc_proxies_trusted(r->w->srv->proxies, host ? host : ""));
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

/* ---- deferred writes and offloaded work -------------------------------- */

static void resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mc_req *r = arg;
	event_free(r->resume_ev);
	r->resume_ev = NULL;
	/* after replies (or hands the request on), which frees r in the end. If
	 * the client has gone meanwhile, libevent has detached the request from
	 * its connection and the reply only frees it. */
	r->after(r, r->job_rc, r->payload);
}

/* Runs on the writer or pool thread: hand the result back to the request's worker. */
static void hand_back(int rc, void *arg)
{
	mc_req *r = arg;
	r->job_rc = rc;
	event_active(r->resume_ev, EV_READ, 0);
}

struct pending {
	int (*fn)(mc_store *st, void *payload);
	int (*plain)(void *payload);
	void *payload;
	mc_req *r;
};

static int pending_write(mc_store *st, void *arg)
{
	struct pending *pw = arg;
	/* Nothing an earlier job left on the writer's thread is this one's reason. */
	mc_err_clear();
	return pw->fn(st, pw->payload);
}

static int pending_plain(void *arg)
{
	struct pending *pw = arg;
	return pw->plain(pw->payload);
}

static void pending_done(int rc, void *arg)
{
	struct pending *pw = arg;
	mc_req *r = pw->r;
	free(pw);
	hand_back(rc, r);
}

static struct pending *pending_new(mc_req *r, mc_after_fn after, void *payload)
{
	r->after = after;
	r->payload = payload;
	r->resume_ev = event_new(r->w->base, -1, 0, resume_cb, r);
	struct pending *pw = mc_xcalloc(1, sizeof *pw);
	pw->payload = payload;
	pw->r = r;
	return pw;
}

void mc_req_write(mc_req *r, mc_write_fn fn, mc_after_fn after, void *payload)
{
	struct pending *pw = pending_new(r, after, payload);
	pw->fn = fn;
	/* No writer once a stop has ended it (server.c): the request is answered 503. */
	if (!r->w->srv->group || mc_group_submit(r->w->srv->group, pending_write, pending_done, pw) != 0) {
		free(pw);
		r->job_rc = MC_EBUSY;
		event_active(r->resume_ev, EV_READ, 0);
	}
}

int mc_req_write_detached(mc_req *r, mc_group_fn fn, mc_group_done done, void *payload)
{
	return r->w->srv->group ? mc_group_submit(r->w->srv->group, fn, done, payload) : MC_EBUSY;
}

static int offload_to(mc_req *r, mc_offload *pool, int (*fn)(void *payload), mc_after_fn after, void *payload)
{
	struct pending *pw = pending_new(r, after, payload);
	pw->plain = fn;
	if (!pool || mc_offload_submit(pool, pending_plain, pending_done, pw) != 0) {
		free(pw);
		event_free(r->resume_ev);
		r->resume_ev = NULL;
		mc_metrics_event(MC_METRIC_OFFLOAD_REFUSED);
		return MC_EBUSY;
	}
	return 0;
}

int mc_req_offload(mc_req *r, int (*fn)(void *payload), mc_after_fn after, void *payload)
{
	return offload_to(r, r->w->srv->offload, fn, after, payload);
}

int mc_req_outbound(mc_req *r, int (*fn)(void *payload), mc_after_fn after, void *payload)
{
	return offload_to(r, r->w->srv->outbound, fn, after, payload);
}

int mc_req_identity(mc_req *r, int (*fn)(void *payload), mc_after_fn after, void *payload)
{
	return offload_to(r, r->w->srv->identity, fn, after, payload);
}
