/*
 * server.h - the HTTP server: libevent evhttp with one worker thread per core,
 * each with its own event loop and its own store connection for reads; writes
 * go through the group committer (store/group.h) and the reply is sent from
 * the worker once the batch holding the write is on disk.
 *
 * A request lives in one mc_req, which owns everything allocated for it and is
 * freed in one place after its reply. Handlers
 * read top to bottom: parse, authorise, then either reply from a read or hand
 * a write to mc_req_write and reply from its continuation.
 */
#ifndef MC_HTTP_SERVER_H
#define MC_HTTP_SERVER_H

#include "app/audit.h"
#include "app/dossier.h"
#include "app/exchange.h"
#include "app/filing.h"
#include "app/notify.h"
#include "app/oidc.h"
#include "app/portal.h"
#include "app/payment.h"
#include "http/conn.h"
#include "app/upload.h"
#include "http/problem.h"
#include "store/group.h"
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>

typedef struct mc_route mc_route; /* a route of the table the server dispatches on (below) */

typedef struct {
	const mc_route *routes; /* the route table (the API's, api/routes.c); borrowed */
	size_t n_routes;
	const char *db_url;	 /* the primary: writes, sessions, time rules */
	const char *db_read_url; /* the workers' other reads (a replica), or NULL = db_url */
	int db_read_max_lag; /* seconds the replica may lag before reads go to the primary; 0 = no bound */
	int ready_max_replica_lag; /* seconds of lag (or the replica down) that make /readyz 503; 0 = never */
	const char *listen;	   /* "HOST:PORT"; port 0 picks a free one */
	int workers;		   /* 0 = one per core */
	size_t max_body;	   /* JSON request bodies, bytes */
	size_t max_upload;	   /* attachment uploads, bytes */
	size_t max_request; /* any request body, bytes: libevent's cap before any route (>= both above) */
	size_t max_headers; /* the request line and headers, bytes (libevent answers 400 past it) */
	size_t document_draft_max; /* a draft's uploaded version, bytes (docs/documents.md §3b) */
	mc_upload_limits uploads;  /* what each account may keep uploaded (app/upload.h) */
	mc_audit_config audit;	   /* anchors of the event log (app/audit.h) */
	int session_hours;	   /* lifetime of a session */
	int group_batch;	   /* most writes in one commit */
	int group_lock_wait_ms;	   /* a write's wait for a row lock inside a batch before it is set aside */
	mc_store_limits db_limits; /* bounds on waiting of every connection (store.h) */
	bool access_log;	   /* one JSON line per request on stderr */
	const char *web_root;	   /* static files of the web application, or NULL */
	const char *public_url;	   /* how citizens reach the portal, for links and QR codes */
	mc_notify_config notify;   /* e-mail and SMS delivery of the outbox */
	int notify_interval;	   /* seconds between delivery passes */
	int reload_interval_ms; /* between checks for units and calendars edited on other servers; 0 = none */
	mc_payment_config payment;	/* online payment of fees (docs/payments.md) */
	int idle_timeout;		/* seconds a connection may stay silent */
	int shutdown_grace;		/* seconds a stop waits for the requests under way */
	mc_conn_limits conn;		/* header and body deadlines (http/conn.h) */
	const char *trusted_proxies;	/* addresses whose X-Forwarded-For is believed */
	int hash_threads;		/* threads hashing passwords, 0 = half the cores */
	int hash_queue;			/* sign-ins waiting for them before 429 */
	int login_failures;		/* failed sign-ins an account (per device) or address may make ... */
	int login_window;		/* ... per this many seconds */
	int signin_account_max;		/* successful sign-ins an account may make ... */
	int signin_address_max;		/* and sign-in attempts an address may make ... */
	int signin_window;		/* ... per this many seconds */
	int recovery_account_max;	/* recovery codes one username may be sent ... */
	int recovery_address_max;	/* and recovery requests an address may make ... */
	int recovery_window;		/* ... per this many seconds */
	int personal_export_per_day;	/* personal-data exports an account may ask for in 24 hours */
	int exchange_refusals_per_hour; /* refused exchange packages an address may send in an hour */
	int max_sessions;		/* sessions an account may hold; the oldest go first */
	const char *metrics_allow;	/* addresses that may read /metrics without a token */
	const char *metrics_token;	/* bearer token that opens /metrics, empty = none */
	size_t cache_bytes;		/* the rendered public replies kept in memory */
	size_t cache_entry_max;		/* the largest reply kept, bytes */
	int cache_max_age;    /* seconds a kept reply may be served (it says "due soon", "overdue") */
	size_t limiter_slots; /* keys each sign-in counter remembers (limiter.h) */
	int listen_backlog;
	mc_filing_limits filing; /* online filings per citizen account and client address (app/filing.h) */
	mc_oidc_config oidc;	 /* sign-in through the identity provider (app/oidc.h); issuer "" = off */
	mc_portal_config portal; /* the national portal's sync (app/portal.h); url "" = off */
	const char *sign_dir;	 /* signing keys of official documents (sign/keys.h); NULL/"" = none */
	const char *sign_trust_file; /* trust anchors the signers' certificates must chain to; "" = none */
	const char *sign_crl;	     /* CRL file or directory for verifying signatures; "" = none */
	const char *sign_demo_ca;    /* the demo CA (cli/demo_sign.c): trusted for verifying when
					sign_trust_file is empty; NULL = none */
	const mc_exchange
	    *exchange; /* edXML peers and the organisation's key (app/exchange.h), NULL = none */
} mc_server_config;

typedef struct mc_server mc_server;

/* Loads the time rules, starts the writer and opens the listening socket.
 * Prints nothing on success; the reason on stderr on failure. Caller frees
 * with mc_server_free. */
int mc_server_new(mc_server **out, const mc_server_config *cfg);
/* Serves until SIGINT or SIGTERM. Prints "motcua: listening on http://HOST:PORT"
 * on stdout once it accepts connections. */
int mc_server_run(mc_server *srv);
/* Finishes the queued writes and frees everything. NULL-safe. */
void mc_server_free(mc_server *srv);
/* The group committer the server writes through (borrowed), for jobs. */
mc_group *mc_server_group(mc_server *srv);
/* Reloads the time rules from st when the store's generation has moved since
 * they were loaded (units or calendars edited on another server); frees the
 * replaced ones no request holds any more. Thread-safe. */
int mc_server_rules_check(mc_server *srv, mc_store *st);

typedef enum {
	MC_M_GET = 1,
	MC_M_POST = 2,
	MC_M_PUT = 4,
	MC_M_DELETE = 8,
	MC_M_PATCH = 16,
	MC_M_HEAD = 32,
} mc_method;

typedef struct mc_req mc_req;

/* ---- what a handler reads (all borrowed, valid until the reply) ------- */

mc_method mc_req_method(const mc_req *r);
const char *mc_req_path(const mc_req *r);
/* The i-th {parameter} of the route pattern, percent-decoded. */
const char *mc_req_param(const mc_req *r, int i);
/* A query-string parameter or NULL. */
const char *mc_req_query(const mc_req *r, const char *name);
/* A request header or NULL. */
const char *mc_req_header(const mc_req *r, const char *name);
/* The parsed JSON body, NULL when the route takes none. */
json_t *mc_req_body(const mc_req *r);
/* The raw body (uploads). */
const unsigned char *mc_req_raw(const mc_req *r, size_t *len);
/* The signed-in user, NULL for anonymous callers. */
const mc_user *mc_req_user(const mc_req *r);
/* The caller as an actor for the app layer (anonymous → user_id 0, role 0). */
void mc_req_actor(const mc_req *r, mc_actor *out);
const char *mc_req_token_hash(const mc_req *r);
/* This worker's read connection: the replica when db_read is set, so it may
 * lag the primary by seconds (docs/scaling.md §2); the primary while the
 * replica is down or lags more than db_read_max_lag (chosen once a request). */
mc_store *mc_req_store(const mc_req *r);
/* The time rules in force when the request first asked (replaced when an
 * administrator edits a unit or a calendar, here or on another server); the
 * request keeps the same ones until it is freed. */
const mc_time_ctx *mc_req_time(const mc_req *r);
const mc_server_config *mc_req_config(const mc_req *r);
/* The portal's public address without a trailing slash ("https://dichvucong.example.vn"). */
const char *mc_req_public_url(const mc_req *r);
/* Whether the caller may read /metrics: its address is in metrics_allow, or
 * it sends the metrics_token as a bearer token. */
bool mc_req_may_read_metrics(const mc_req *r);
/* The read replica (db_read) as the server last saw it (once a second). */
typedef struct {
	bool configured;	 /* db_read is set */
	bool up;		 /* it answered the last look */
	bool standby;		 /* it is a standby (false: a primary, e.g. promoted) */
	double lag_seconds;	 /* behind the primary; -1 when not known */
	bool reads_from_primary; /* the workers read from the primary meanwhile */
	uint64_t fallbacks;	 /* times the reads moved to the primary since the start */
	int64_t checked_at;	 /* UTC seconds of the last look */
} mc_replica_status;
void mc_req_replica_status(const mc_req *r, mc_replica_status *out);
/* The server's group committer's figures (store/group.h). */
void mc_req_group_stats(const mc_req *r, mc_group_stats *out);

/* Whether the client reached us over HTTPS, as a trusted proxy says (X-Forwarded-Proto). */
bool mc_req_is_tls(const mc_req *r);

/* The cache of rendered public replies, shared by the workers. */
struct mc_cache *mc_req_cache(const mc_req *r);
/* The server's change epoch as this worker's read connection sees it now (one
 * mc_store_data_changed, no table read): it moves whenever something was
 * committed since any worker last looked, so bytes whose version was read and
 * found current in this same epoch are still current (http/cache.h). 0 when
 * the store cannot tell (PostgreSQL): read the version. */
uint64_t mc_req_change_epoch(mc_req *r);

/* Failed sign-ins counted per account (from unknown devices), per account
 * and device, and per client address; successful sign-ins per account and
 * attempts per address (limiter.h). */
struct mc_limiter *mc_req_login_accounts(const mc_req *r);
struct mc_limiter *mc_req_login_addresses(const mc_req *r);
struct mc_limiter *mc_req_login_devices(const mc_req *r);
struct mc_limiter *mc_req_signins_accounts(const mc_req *r);
struct mc_limiter *mc_req_signins_addresses(const mc_req *r);
/* Password recovery requests per username and per address. */
struct mc_limiter *mc_req_recovery_accounts(const mc_req *r);
struct mc_limiter *mc_req_recovery_addresses(const mc_req *r);
/* Personal-data exports asked for, per account (personal_export_per_day). */
struct mc_limiter *mc_req_export_accounts(const mc_req *r);
/* Exchange packages refused, per client address (exchange_refusals_per_hour). */
struct mc_limiter *mc_req_exchange_refusals(const mc_req *r);
/* The client's address as text ("203.0.113.7"): the TCP peer, or behind a
 * trusted proxy the address it forwarded for (http/conn.h). */
const char *mc_req_peer(const mc_req *r);

/* Ties an allocation to the request: freed with it (NULL-safe). Returns p. */
void *mc_req_own(mc_req *r, void *p);

/* Replaces the time rules after a calendar or office-hours edit on this
 * server (other servers reload when they see the store's generation move);
 * the old ones stay valid for requests that hold them. */
void mc_req_reload_time(mc_req *r);

/* ---- replies: each sends and frees the request ------------------------ */

void mc_reply_json(mc_req *r, int status, json_t *body); /* steals body */
void mc_reply_problem(mc_req *r, mc_problem p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * The same for a problem with one field of the request: the problem carries
 * `field` (its path in the body or its query parameter: "applicant.phone",
 * "documents[2].name", "to") and `rule` (which rule it broke, a stable word:
 * required, type, text, characters, too-short, too-long, range, too-many,
 * format, choice, unknown, order, wrong, same, self, boundary, no-desk), so
 * that a client can say what is wrong in its own language beside the field;
 * the detail stays for developers.
 */
void mc_reply_field_problem(mc_req *r, mc_problem p, const char *field, const char *rule, const char *fmt,
			    ...) __attribute__((format(printf, 5, 6)));
void mc_reply_raw(mc_req *r, int status, const char *content_type, const void *data, size_t len);
/* As mc_reply_raw without copying data: done(data, len, arg) is called once
 * the bytes have been sent or dropped (at once when no body is sent). */
void mc_reply_ref(mc_req *r, int status, const char *content_type, const void *data, size_t len,
		  void (*done)(const void *data, size_t len, void *arg), void *arg);
void mc_reply_empty(mc_req *r, int status);
/* Sends size bytes of the file fd from the start without reading it into
 * memory, and closes fd (also on failure). */
void mc_reply_file(mc_req *r, int status, const char *content_type, int fd, int64_t size);
/* Adds a header to the coming reply. */
void mc_reply_header(mc_req *r, const char *name, const char *value);
/* Replies to a failure that crossed from the app layer with the problem of
 * its reason, or of its code when it has none (http/problem.h); `what` names
 * the thing concerned in the detail of a failure without a message ("the
 * action": "could not complete the action; nothing was changed"). */
void mc_reply_err(mc_req *r, const mc_err *e, const char *what);
/* The same for a bare MC_E... code (MC_EBUSY → 503 with Retry-After ...). */
void mc_reply_error(mc_req *r, int rc, const char *what);

/* ---- writes ----------------------------------------------------------- */

/* Runs on a writer thread, in a transaction (store/group.h). It may run more
 * than once (set aside for a locked row, it runs again): each run starts from
 * nothing, freeing what an earlier run left in the payload. */
typedef int (*mc_write_fn)(mc_store *st, void *payload);
/* Runs on this request's worker after the commit; replies (rc is the job's
 * result, or the commit's failure). If the client has disconnected meanwhile
 * the reply goes nowhere, but it must still be made: it frees the request. */
typedef void (*mc_after_fn)(mc_req *r, int rc, void *payload);
void mc_req_write(mc_req *r, mc_write_fn fn, mc_after_fn after, void *payload);
/* Queues fn(st, payload) on the group committer without waiting for it: it
 * joins the next batch, and done(rc, payload) runs on the writer thread after
 * its commit or failure and frees payload. The request goes on (and may be
 * replied to) at once: for a record that must not hold a read up (a read of
 * personal data, api/personal.c). MC_EBUSY, nothing queued, once stopping. */
int mc_req_write_detached(mc_req *r, mc_group_fn fn, mc_group_done done, void *payload);
/* Runs fn(payload) on the password-hashing pool, then after(r, rc, payload)
 * on this request's worker. MC_EBUSY, with nothing started, when the pool's
 * queue is full: the caller answers 429. fn must not touch the request. */
int mc_req_offload(mc_req *r, int (*fn)(void *payload), mc_after_fn after, void *payload);
/* The same on the pool of calls to other systems (MC_OUTBOUND_THREADS
 * threads, MC_OUTBOUND_QUEUE waiting), which may wait seconds on them
 * without holding up the hashing of passwords. */
int mc_req_outbound(mc_req *r, int (*fn)(void *payload), mc_after_fn after, void *payload);
#define MC_OUTBOUND_THREADS 2
#define MC_OUTBOUND_QUEUE 16
/* The same on the identity provider's own pool (MC_IDENTITY_THREADS,
 * MC_IDENTITY_QUEUE): anyone may start a sign-in, so a provider that hangs
 * must hold up only the sign-ins through it, never the portal's look-ups or
 * the personal-data exports on the outbound pool. */
int mc_req_identity(mc_req *r, int (*fn)(void *payload), mc_after_fn after, void *payload);
#define MC_IDENTITY_THREADS 2
#define MC_IDENTITY_QUEUE 16

/* ---- routes (the table is the API's: src/api/routes.c) --------------- */

typedef void (*mc_handler)(mc_req *r);

enum {
	MC_AUTH_PUBLIC = 0,  /* anyone; a session is read when present */
	MC_AUTH_SESSION = 1, /* a signed-in user whose role is in `roles` */
};

enum {
	MC_ROUTE_JSON = 1,	    /* the body is JSON, parsed before dispatch */
	MC_ROUTE_UPLOAD = 2,	    /* the body is raw bytes up to max_upload */
	MC_ROUTE_PASSWORD_DUE = 4,  /* usable while the account must change its password */
	MC_ROUTE_JSON_OPTIONAL = 8, /* as MC_ROUTE_JSON when a body is sent; none is NULL */
	/* opens a session in the browser (its cookie): checked as a write signed
	 * in by the cookie is, from the web application's own pages only, so that
	 * a sibling site cannot sign a visitor into an account of its choosing */
	MC_ROUTE_SIGNS_IN = 16,
};

#define MC_ROLES_ALL 0x7eu
#define MC_ROLE_BIT(r) (1u << (r))
#define MC_ROLES_STAFF                                                                                       \
	(MC_ROLE_BIT(MC_ROLE_DESK) | MC_ROLE_BIT(MC_ROLE_SPECIALIST) | MC_ROLE_BIT(MC_ROLE_LEADER) |         \
	 MC_ROLE_BIT(MC_ROLE_SUPERVISOR) | MC_ROLE_BIT(MC_ROLE_ADMIN))

struct mc_route {
	int methods;
	const char *pattern; /* "/api/v1/dossiers/{code}/actions" */
	mc_handler handler;
	int auth;
	unsigned roles; /* MC_ROLE_BIT set; used with MC_AUTH_SESSION */
	int flags;
};

#endif
