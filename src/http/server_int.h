/*
 * server_int.h - what the pieces of the HTTP server share and nothing outside
 * src/http sees: the server's state, a worker, the request context, and the
 * functions the pieces call on each other.
 *
 *   server.c     listening, the workers and their event loops, start and stop
 *   dispatch.c   a request from its arrival to its handler: path, query,
 *                route, session, role, body
 *   request.c    the request context: its lifetime, accessors, replies,
 *                deferred writes and offloaded work
 *   access_log.c the access log: a buffer of JSON lines per worker
 *   router.c     matching a path against the route table (router.h)
 *   rules.c      the time rules in force (calendar and units) and their reload
 *   conn.c       connections: framing checks, header and body deadlines,
 *                accept back-off when descriptors run out (conn.h)
 *   metrics.c    request counters and latency histograms (metrics.h)
 *   offload.c    the pools that hash passwords and call other systems (offload.h)
 *   replica.c    the read replica watched; reads go to the primary while it
 *                is down or lags
 */
#ifndef MC_HTTP_SERVER_INT_H
#define MC_HTTP_SERVER_INT_H

#include "http/cache.h"
#include "http/conn.h"
#include "http/limiter.h"
#include "http/offload.h"
#include "http/server.h"
#include "http/static.h"

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <pthread.h>
#include <sys/queue.h>
#include <stdatomic.h>
#include <time.h>

#define MC_MAX_PARAMS 4

/* A set of time rules (calendar and units) with the requests that read it. A
 * request pins the set it first reads (mc_req_time) until it is freed, so its
 * handler and the write it hands to the writer thread see one set; a set
 * replaced by a reload is freed once no request pins it. */
typedef struct tc_slot {
	mc_time_ctx *tc;
	atomic_long pins;
	struct tc_slot *next; /* in the list of replaced sets */
} tc_slot;

struct mc_server {
	mc_server_config cfg;
	mc_group *group;
	_Atomic(tc_slot *) tc;	       /* the time rules in force */
	atomic_long tc_entering;       /* requests between reading tc and pinning it */
	_Atomic int64_t tc_generation; /* the store's generation they were loaded at */
	pthread_mutex_t tc_lock;       /* one reload at a time; guards retired */
	tc_slot *retired;	       /* replaced sets not freed yet */
	evutil_socket_t listen_fd;     /* -1 once a stop has closed it */
	bool stopping;		       /* a signal has come (main thread only) */
	char bound[300];	       /* the address listened on, "127.0.0.1:8080" */
	mc_cache *cache;
	_Atomic uint64_t change_epoch; /* see mc_req_change_epoch */
	mc_static *web;		       /* the web application's files, NULL when there is none */
	mc_limiter *login_accounts;
	mc_limiter *login_addresses;
	mc_limiter *login_devices;
	mc_limiter *signins_accounts;
	mc_limiter *signins_addresses;
	mc_limiter *recovery_accounts;
	mc_limiter *export_accounts;
	mc_limiter *exchange_refusals;
	mc_limiter *recovery_addresses;
	mc_proxies *proxies;	   /* trusted reverse proxies (X-Forwarded-For) */
	mc_proxies *metrics_allow; /* addresses that may read /metrics */
	mc_offload *offload;	   /* password hashing off the workers */
	mc_offload *outbound;	   /* calls to other systems (the national portal) off the workers */
	mc_offload *identity;	   /* calls to the identity provider, apart from the others */
	struct mc_worker *workers;
	int n_workers;
	struct event_base *main_base;
	struct mc_replica *replica; /* watches db_read (replica.c), NULL without one */
};

/* One worker's access log: whole lines waiting to be written to stderr. */
typedef struct {
	char *buf; /* NULL when the access log is off */
	size_t len, cap;
	struct event *tick; /* writes what is waiting once a second */
	int64_t ts_second;  /* the second ts was formatted for */
	char ts[32];
} mc_access_log;

typedef struct mc_worker {
	int index;
	mc_server *srv;
	struct event_base *base;
	struct evhttp *http;
	mc_store *store;   /* reads: the replica when db_read is set */
	mc_store *primary; /* sessions and time rules when db_read is set, else NULL (= store) */
	mc_conns *conns;   /* this worker's connections (conn.h) */
	pthread_t thread;
	uint64_t seq;
	mc_access_log log;
	struct evhttp_bound_socket *bound; /* NULL once a stop has closed it */
	/* A stop (server.c): no new connection is taken, and the loop ends when
	 * the requests under way have been answered or the grace has passed. */
	int in_flight;	     /* requests dispatched and not yet answered */
	bool draining;	     /* set once, on the worker's thread */
	struct event *grace; /* ends the loop when shutdown_grace has passed */
	struct event *idle;  /* ends it once nothing is under way (polled) */
} mc_worker;

struct mc_req {
	struct evhttp_request *ev;
	mc_worker *w;
	mc_method method;
	char *path;
	char *param_buf;
	const char *params[MC_MAX_PARAMS];
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
	char peer[64]; /* the client's address, once worked out (mc_req_peer) */
	struct timespec started;
	/* deferred write or offloaded work */
	struct event *resume_ev;
	mc_after_fn after;
	void *payload;
	int job_rc;
	int status;
	void **owned;
	size_t n_owned, cap_owned;
	int route_index;      /* into the server's route table, -1 when no route matched */
	mc_store *read_store; /* chosen by mc_req_store at its first call: replica or primary */
	tc_slot *tc;	      /* the time rules pinned by mc_req_time, NULL until then */
	tc_slot *tc_before;   /* those pinned before mc_req_reload_time, still held */
};

/* server.c: a connection with the server's bounds on waiting (db_limits). */
int mc_server_open_store_(mc_store **out, const char *url, const mc_server_config *cfg);

/* dispatch.c: evhttp's callback for every request of a worker (arg). */
void mc_dispatch_(struct evhttp_request *ev, void *arg);

/* dispatch.c: the body cap of a request (mc_body_cap_fn; arg: the server). */
size_t mc_dispatch_body_cap_(const char *method, size_t mlen, const char *target, size_t tlen,
			     bool credentials, void *arg);

/* request.c */
mc_req *mc_req_new_(mc_worker *w, struct evhttp_request *ev);

/* access_log.c: with the access log on, start gives the worker its buffer and
 * the timer that writes it each second (on w->base); add appends the line of
 * a reply, writing the buffer first when the line would not fit; flush writes
 * what is waiting; stop writes it and frees the buffer. Each worker uses its
 * own from its own thread; stop runs after the worker's loop has ended. */
int mc_access_log_start_(mc_worker *w);
void mc_access_log_add_(mc_worker *w, const mc_req *r, double ms);
void mc_access_log_flush_(mc_worker *w);
void mc_access_log_stop_(mc_worker *w);

/* replica.c: with db_read set (PostgreSQL), start looks at the replica once
 * and then every second on a thread of its own; reads_primary says whether
 * the workers read from the primary meanwhile (the replica down, or lagging
 * more than db_read_max_lag). stop is NULL-safe, after the workers. */
typedef struct mc_replica mc_replica;
int mc_replica_start_(mc_server *srv);
void mc_replica_stop_(mc_server *srv);
bool mc_replica_reads_primary_(const mc_server *srv);
void mc_replica_status_(const mc_server *srv, mc_replica_status *out);

/* rules.c */
int mc_rules_init_(mc_server *srv);
void mc_rules_free_(mc_server *srv);
tc_slot *mc_rules_pin_(mc_server *srv);
void mc_rules_unpin_(tc_slot *s);
int mc_rules_reload_(mc_server *srv, mc_store *st, bool only_if_moved);

#endif
