/* The server: the listening socket, the workers with their event loops, and
 * the server's life from its start to its stop. What happens to a request on
 * a worker is in dispatch.c (before its handler) and request.c (after). */
#include "http/server_int.h"

#include "app/auth.h"
#include "http/offload.h"

#include <assert.h>
#include <errno.h>
#include <event2/thread.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
	    getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, p, sizeof p,
			NI_NUMERICHOST | NI_NUMERICSERV) == 0)
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
	if (!w->base || !w->http)
		return MC_ERROR;
	if (read_url == cfg->db_url) {
		if (mc_server_open_store_(&w->store, read_url, cfg) != 0)
			return MC_ERROR;
	} else {
		/* A replica down at the start is read around (replica.c) and
		 * connected to once it answers. */
		if (mc_store_open_deferred(&w->store, read_url) != 0 ||
		    mc_store_set_limits(w->store, &cfg->db_limits) != 0)
			return MC_ERROR;
		if (mc_server_open_store_(&w->primary, cfg->db_url, cfg) != 0)
			return MC_ERROR;
	}
	w->conns = mc_conns_new(w->base, w->http, &srv->cfg.conn);
	if (!w->conns)
		return MC_ERROR;
	evhttp_set_gencb(w->http, mc_dispatch_, w);
	/* Caps libevent enforces before any handler runs (it answers 413 and
	 * closes); the per-route limits, answered with problem+json, are below. */
	evhttp_set_max_body_size(w->http, (ev_ssize_t)cfg->max_request);
	/* A body over the cap is read and dropped before the 413 and the close,
	 * so that the client sees the answer rather than a reset connection. */
	evhttp_set_flags(w->http, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_max_headers_size(w->http, (ev_ssize_t)cfg->max_headers);
	evhttp_set_timeout(w->http, cfg->idle_timeout > 0 ? cfg->idle_timeout : 30);
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
						EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD);
	evutil_socket_t fd = dup(srv->listen_fd);
	w->bound = fd >= 0 ? evhttp_accept_socket_with_handle(w->http, fd) : NULL;
	if (!w->bound) {
		if (fd >= 0)
			close(fd);
		return MC_ERROR;
	}
	mc_conns_guard_accept(w->conns, w->bound);
	return mc_access_log_start_(w);
}

/* A request still under way when the loop ended (the grace passed) waits
 * for a job the pools and the writer have finished or refused by now: its
 * reply is made, or its 503, and it is freed before the evhttp. The loop
 * turns without waiting, a bounded number of times. */
static void worker_settle(mc_worker *w)
{
	for (int i = 0; i < 64 && w->base && w->in_flight > 0; i++)
		event_base_loop(w->base, EVLOOP_NONBLOCK);
}

static void worker_free(mc_worker *w)
{
	if (w->grace)
		event_free(w->grace);
	if (w->idle)
		event_free(w->idle);
	if (w->http)
		evhttp_free(w->http);
	mc_access_log_stop_(w);
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
	/* The lines of the last replies, before the server is freed. */
	mc_access_log_flush_(w);
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

	/* The limits come from the settings table (cli/config.c), which gives
	 * each a default and a range. */
	assert(cfg->max_headers > 0 && cfg->max_request > 0 && cfg->cache_entry_max > 0 &&
	       cfg->cache_max_age > 0 && cfg->limiter_slots > 0);
	if (cfg->conn.body_budget && cfg->conn.body_budget < cfg->max_upload) {
		fprintf(stderr, "motcua: body_budget (%zu) must be 0 or at least max_upload (%zu)\n",
			cfg->conn.body_budget, cfg->max_upload);
		goto fail;
	}
	if (cfg->max_request < cfg->max_body || cfg->max_request < cfg->max_upload) {
		fprintf(stderr,
			"motcua: max_request (%zu) must be at least max_body (%zu) and max_upload (%zu)\n",
			cfg->max_request, cfg->max_body, cfg->max_upload);
		goto fail;
	}
	srv->cfg.conn.body_cap = mc_dispatch_body_cap_;
	srv->cfg.conn.body_cap_arg = srv;
	srv->cfg.conn.body_floor = cfg->max_body < cfg->max_upload ? cfg->max_body : cfg->max_upload;
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
	if (mc_replica_start_(srv) != 0) {
		fprintf(stderr, "motcua: could not start watching the read replica\n");
		goto fail;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int hashers = cfg->hash_threads > 0 ? cfg->hash_threads : (int)(cores > 1 ? cores / 2 : 1);
	srv->offload = mc_offload_new(hashers, cfg->hash_queue > 0 ? cfg->hash_queue : 64);
	if (!srv->offload)
		goto fail;
	/* Calls that wait on another system for seconds (the national portal's
	 * look-up, app/portal.h) get threads of their own: on the hashing pool
	 * they would keep sign-ins waiting. */
	srv->outbound = mc_offload_new(MC_OUTBOUND_THREADS, MC_OUTBOUND_QUEUE);
	srv->identity = mc_offload_new(MC_IDENTITY_THREADS, MC_IDENTITY_QUEUE);
	if (!srv->outbound || !srv->identity)
		goto fail;
	/* Rendered replies: cache_bytes of them (48 MiB holds about 37,000 lookups
	 * of 1.3 KB), each of up to cache_entry_max bytes, cache_max_age seconds old at most. */
	srv->cache = mc_cache_new(cfg->cache_bytes ? cfg->cache_bytes : 48u << 20, cfg->cache_entry_max,
				  cfg->cache_max_age);
	int window = cfg->login_window > 0 ? cfg->login_window : 900;
	int failures = cfg->login_failures > 0 ? cfg->login_failures : 5;
	int signin_window = cfg->signin_window > 0 ? cfg->signin_window : 60;
	size_t slots = cfg->limiter_slots;
	srv->login_accounts = mc_limiter_new(slots, failures, window);
	srv->login_devices = mc_limiter_new(slots, failures, window);
	srv->login_addresses = mc_limiter_new(slots, failures * 4, window);
	srv->signins_accounts =
	    mc_limiter_new(slots, cfg->signin_account_max > 0 ? cfg->signin_account_max : 10, signin_window);
	srv->signins_addresses =
	    mc_limiter_new(slots, cfg->signin_address_max > 0 ? cfg->signin_address_max : 120, signin_window);
	int recovery_window = cfg->recovery_window > 0 ? cfg->recovery_window : 3600;
	srv->recovery_accounts = mc_limiter_new(
	    slots, cfg->recovery_account_max > 0 ? cfg->recovery_account_max : 3, recovery_window);
	srv->export_accounts = mc_limiter_new(
	    slots, cfg->personal_export_per_day > 0 ? cfg->personal_export_per_day : 10, 86400);
	srv->exchange_refusals = mc_limiter_new(
	    slots, cfg->exchange_refusals_per_hour > 0 ? cfg->exchange_refusals_per_hour : 60, 3600);
	srv->recovery_addresses = mc_limiter_new(
	    slots, cfg->recovery_address_max > 0 ? cfg->recovery_address_max : 10, recovery_window);
	if (mc_static_load(&srv->web, cfg->web_root) != 0)
		goto fail;
	srv->listen_fd = open_listener(cfg->listen, cfg->listen_backlog > 0 ? cfg->listen_backlog : 1024,
				       srv->bound, sizeof srv->bound);
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

static void grace_over(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mc_worker *w = arg;
	fprintf(stderr,
		"motcua: worker %d: requests still under way after shutdown_grace (%d with a handler); "
		"stopping\n",
		w->index, w->in_flight);
	event_base_loopexit(w->base, NULL);
}

static bool under_way(const mc_worker *w)
{
	return w->in_flight > 0 || mc_conns_busy(w->conns);
}

static void idle_yet(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mc_worker *w = arg;
	if (!under_way(w))
		event_base_loopexit(w->base, NULL);
}

/* On the worker's thread: the first step of a stop. The worker closes its
 * copy of the listening socket and finishes what it has taken: requests
 * being received, with their handlers, or their replies being written (each
 * reply with Connection: close). Its loop ends when none is left, looked at
 * every 20 ms, or when the grace has passed. */
static void drain(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mc_worker *w = arg;
	if (w->draining)
		return;
	w->draining = true;
	if (w->bound) {
		mc_conns_unguard_accept(w->conns);
		evhttp_del_accept_socket(w->http, w->bound);
		w->bound = NULL;
	}
	int grace = w->srv->cfg.shutdown_grace;
	if (!under_way(w) || grace <= 0) {
		event_base_loopexit(w->base, NULL);
		return;
	}
	struct timeval tv = {grace, 0}, poll = {0, 20000};
	w->grace = evtimer_new(w->base, grace_over, w);
	w->idle = event_new(w->base, -1, EV_PERSIST, idle_yet, w);
	if (!w->grace || !w->idle || evtimer_add(w->grace, &tv) != 0 || event_add(w->idle, &poll) != 0)
		event_base_loopexit(w->base, NULL);
}

/* SIGTERM or SIGINT: the workers drain (above) and the server stops once
 * they have; a second signal stops them at once. The main socket is closed
 * with the workers' copies, so that connections are refused rather than
 * left waiting in the queue of a socket nobody accepts on. */
static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	mc_server *srv = arg;
	if (srv->stopping) {
		for (int i = 0; i < srv->n_workers; i++)
			event_base_loopexit(srv->workers[i].base, NULL);
		return;
	}
	srv->stopping = true;
	if (srv->listen_fd >= 0) {
		close(srv->listen_fd);
		srv->listen_fd = -1;
	}
	for (int i = 0; i < srv->n_workers; i++) {
		if (event_base_once(srv->workers[i].base, -1, EV_TIMEOUT, drain, &srv->workers[i], NULL) != 0)
			event_base_loopexit(srv->workers[i].base, NULL);
	}
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
		if (pthread_create(&srv->workers[started].thread, NULL, worker_main,
				   &srv->workers[started]) != 0)
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
	mc_offload_free(srv->outbound);
	mc_offload_free(srv->identity);
	mc_group_stop(srv->group);
	srv->offload = srv->outbound = srv->identity = NULL;
	srv->group = NULL;
	for (int i = 0; i < srv->n_workers; i++)
		worker_settle(&srv->workers[i]);
	for (int i = 0; i < srv->n_workers; i++)
		worker_free(&srv->workers[i]);
	free(srv->workers);
	mc_replica_stop_(srv);
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
	mc_limiter_free(srv->recovery_accounts);
	mc_limiter_free(srv->export_accounts);
	mc_limiter_free(srv->exchange_refusals);
	mc_limiter_free(srv->recovery_addresses);
	mc_proxies_free(srv->proxies);
	mc_proxies_free(srv->metrics_allow);
	mc_static_free(srv->web);
	if (atomic_load(&srv->tc) || srv->retired)
		mc_rules_free_(srv);
	free(srv);
}
