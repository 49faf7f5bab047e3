/*
 * conn.h - the server's connections: who the client is, how a request is
 * framed, and how long it may take to arrive.
 *
 * Every accepted connection reads through a small input filter that follows
 * the HTTP/1.1 framing of each request (RFC 9112) before libevent's parser
 * sees it:
 *  - a request whose framing is ambiguous (Content-Length or
 *    Transfer-Encoding repeated, both given, a length that is not digits, a
 *    transfer coding other than chunked, a folded line, a header name that is
 *    not a token, a length on a HEAD) is marked; the server answers it 400 and
 *    closes the connection, so no second request can hide in its body;
 *  - chunk sizes are read strictly (hex digits only) and chunk extensions,
 *    which RFC 9112 7.1.1 says a recipient ignores, are removed, so libevent's
 *    own chunk parser (which refuses extensions and accepts "0x" prefixes)
 *    sees plain sizes; trailer fields are dropped (RFC 9112 7.1.2 lets a
 *    recipient discard them) so that none is merged into the headers;
 *  - the header block must arrive within header_timeout seconds of its first
 *    byte, and a body at a minimum rate (body_timeout seconds, plus one second
 *    for every body_min_rate bytes received), else the connection is closed:
 *    a client trickling a header line every few seconds no longer holds a
 *    connection open for ever.
 * Accepting connections backs off when the process runs out of descriptors:
 * the listener pauses for a moment instead of spinning on accept(), one
 * reserved descriptor lets the oldest waiting client be closed promptly, and
 * the failure is logged once per minute.
 *
 * The client's address is the TCP peer, or, when the peer is one of the
 * configured trusted proxies, the rightmost address in X-Forwarded-For that
 * is not itself a trusted proxy.
 */
#ifndef MC_HTTP_CONN_H
#define MC_HTTP_CONN_H

#include <event2/event.h>
#include <event2/http.h>
#include <stdbool.h>
#include <stddef.h>

/* The most body bytes a request may carry, from its request line (method,
 * and target with its query) and whether it names a session (an
 * Authorization header or the session cookie). On a worker's thread. */
typedef size_t (*mc_body_cap_fn)(const char *method, size_t mlen, const char *target, size_t tlen,
				 bool credentials, void *arg);

typedef struct {
	int header_timeout; /* seconds for the request line and headers */
	int body_timeout;   /* seconds allowed for a body before the rate applies */
	int body_min_rate;  /* bytes a second a body must keep up after that */
	/* Bodies are measured before they are read: one over its cap, or one
	 * that would take the bodies held at once past body_budget, is dropped
	 * as it arrives and its request answered 413 or 429 once it has. */
	mc_body_cap_fn body_cap; /* NULL: no cap but the server's max_request */
	void *body_cap_arg;
	size_t body_floor;  /* the smallest cap body_cap gives: a body this size passes */
	size_t body_budget; /* bytes, all workers together; 0 = no budget */
} mc_conn_limits;

/* ---- trusted proxies --------------------------------------------------- */

typedef struct mc_proxies mc_proxies;

/* Parses a comma-separated list of addresses and networks ("127.0.0.1, ::1,
 * 10.0.0.0/8"); "" gives an empty list. Returns 0, or MC_EINVAL with *bad
 * pointing at the entry that is not an address (a static buffer). Caller
 * frees with mc_proxies_free. */
int mc_proxies_parse(mc_proxies **out, const char *list, const char **bad);
void mc_proxies_free(mc_proxies *p);
/* Whether addr (text) is one of the trusted proxies. */
bool mc_proxies_trusted(const mc_proxies *p, const char *addr);
/* The client's address: peer, or when peer is trusted, the rightmost address
 * of xff (may be NULL) that is not trusted (the leftmost when all are). */
void mc_proxies_client(const mc_proxies *p, const char *peer, const char *xff, char *out, size_t cap);

/* ---- connections of one worker ----------------------------------------- */

typedef struct mc_conns mc_conns;

/* Starts keeping the connections of an evhttp on base: the input filter on
 * each, and a sweep every second that closes those too slow. lim is borrowed
 * and must outlive the set. Caller frees with mc_conns_free after the evhttp. */
mc_conns *mc_conns_new(struct event_base *base, struct evhttp *http, const mc_conn_limits *lim);
void mc_conns_free(mc_conns *c);

/* Called by the server when a request is dispatched. Returns NULL when the
 * request may be served, or why it is refused, with the status to answer
 * (400: its framing; 413: its body over *cap bytes; 429: the body budget
 * full) and Connection: close. Marks the connection busy until the reply is
 * sent, so that the time its handler takes is not counted against the next
 * request already arriving. */
const char *mc_conns_dispatch(mc_conns *c, struct evhttp_request *req, int *status, size_t *cap);

/* Bytes of request bodies held at once (counted against body_budget). */
size_t mc_conns_body_bytes(void);

/* Makes accepting on the bound socket pause for a moment when accept() fails
 * (descriptors exhausted), instead of retrying at once. */
void mc_conns_guard_accept(mc_conns *c, struct evhttp_bound_socket *bound);

/* Forgets the bound socket before the server stops accepting on it (a stop):
 * no pause or resume touches it after. */
void mc_conns_unguard_accept(mc_conns *c);

/* Whether a connection is in the middle of a request: receiving it, with its
 * handler, or its reply not yet written to the socket. A stopping server
 * waits for none to be left. */
bool mc_conns_busy(const mc_conns *c);

/* Keeps one descriptor in reserve for the accept back-off; call once at start. */
void mc_conns_reserve_init(void);

#endif
