#include "http/conn.h"

#include "core/buf.h"
#include "core/mc.h"
#include "http/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- trusted proxies --------------------------------------------------- */

typedef struct {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int prefix; /* bits */
} net;

struct mc_proxies {
	net *nets;
	size_t n;
};

static bool parse_addr(const char *s, int *family, unsigned char addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		/* An IPv4-mapped address is the IPv4 one. */
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(addr, mapped, 12) == 0) {
			memmove(addr, addr + 12, 4);
			memset(addr + 4, 0, 12);
			*family = AF_INET;
		} else {
			*family = AF_INET6;
		}
		return true;
	}
	return false;
}

int mc_proxies_parse(mc_proxies **out, const char *list, const char **bad)
{
	static _Thread_local char bad_entry[64];
	mc_proxies *p = mc_xcalloc(1, sizeof *p);
	size_t cap = 0;
	const char *s = list ? list : "";
	*out = NULL;
	while (*s) {
		size_t n = strcspn(s, ",");
		char item[80];
		const char *a = s, *e = s + n;
		while (a < e && (*a == ' ' || *a == '\t'))
			a++;
		while (e > a && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		s += n + (s[n] == ',');
		if (a == e)
			continue;
		if ((size_t)(e - a) >= sizeof item)
			goto invalid;
		memcpy(item, a, (size_t)(e - a));
		item[e - a] = '\0';
		net nt = {0};
		char *slash = strchr(item, '/');
		if (slash)
			*slash = '\0';
		if (!parse_addr(item, &nt.family, nt.addr))
			goto invalid;
		int max = nt.family == AF_INET ? 32 : 128;
		nt.prefix = max;
		if (slash) {
			char *end = NULL;
			long bits = strtol(slash + 1, &end, 10);
			if (!slash[1] || *end || bits < 0 || bits > max)
				goto invalid;
			nt.prefix = (int)bits;
		}
		MC_GROW(p->nets, p->n, cap);
		p->nets[p->n++] = nt;
		continue;
	invalid:
		snprintf(bad_entry, sizeof bad_entry, "%.*s", (int)(e - a), a);
		if (bad)
			*bad = bad_entry;
		mc_proxies_free(p);
		return MC_EINVAL;
	}
	*out = p;
	return 0;
}

void mc_proxies_free(mc_proxies *p)
{
	if (!p)
		return;
	free(p->nets);
	free(p);
}

static bool in_net(const net *nt, int family, const unsigned char addr[16])
{
	if (nt->family != family)
		return false;
	int full = nt->prefix / 8, rest = nt->prefix % 8;
	if (memcmp(nt->addr, addr, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (nt->addr[full] & mask) == (addr[full] & mask);
}

bool mc_proxies_trusted(const mc_proxies *p, const char *text)
{
	int family = 0;
	unsigned char addr[16];
	if (!p || !p->n || !parse_addr(text, &family, addr))
		return false;
	for (size_t i = 0; i < p->n; i++) {
		if (in_net(&p->nets[i], family, addr))
			return true;
	}
	return false;
}

void mc_proxies_client(const mc_proxies *p, const char *peer, const char *xff, char *out, size_t cap)
{
	snprintf(out, cap, "%s", peer ? peer : "");
	if (!xff || !mc_proxies_trusted(p, peer))
		return;
	/* From the right: each hop appended the address it saw; the first one
	 * that is not a proxy of ours is the client. */
	const char *end = xff + strlen(xff);
	while (end > xff) {
		const char *start = end;
		while (start > xff && start[-1] != ',')
			start--;
		const char *a = start, *e = end;
		while (a < e && (*a == ' ' || *a == '\t'))
			a++;
		while (e > a && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		char item[64];
		int family = 0;
		unsigned char addr[16];
		if (a == e || (size_t)(e - a) >= sizeof item)
			return; /* not an address: what is left of it cannot be believed */
		memcpy(item, a, (size_t)(e - a));
		item[e - a] = '\0';
		if (!parse_addr(item, &family, addr))
			return;
		snprintf(out, cap, "%s", item);
		if (!mc_proxies_trusted(p, item))
			return;
		end = start > xff ? start - 1 : xff;
	}
}

/* ---- connections ------------------------------------------------------- */

/* The listeners and their workers' sets, written before the workers start. */
static struct {
	struct evconnlistener *listener;
	mc_conns *cs;
} guarded[256];
static size_t n_guarded;

/* Where a connection is in the request it is sending. */
typedef enum {
	P_IDLE,	      /* between requests: nothing received */
	P_HEAD,	      /* the request line and headers */
	P_BODY,	      /* a body of known length */
	P_CHUNK_SIZE, /* a chunk-size line */
	P_CHUNK_DATA, /* a chunk's data */
	P_CHUNK_CRLF, /* the CRLF after a chunk's data */
	P_TRAILER,    /* trailer fields after the last chunk */
	P_RAW,	      /* framing refused: bytes go through untouched until the close */
	P_DISCARD,    /* a body refused for its size: dropped, then its head is passed on */
} phase;

/* Bodies under this size are not counted against the budget. */
#define BUDGET_MIN (64 * 1024)

/* Body bytes held at once by all workers (reserved when a body's size is
 * known, released when its reply is sent or its connection closed). */
static atomic_size_t body_bytes;

/* Requests of one connection whose bodies are counted at once: past it, a
 * client pipelining more bodies behind unanswered requests is told 429. */
#define PIPELINE_SLOTS 8

/* The longest header block followed; libevent refuses anything over its own
 * limit (max_headers, at most 64 KiB) before this matters. */
#define HEAD_MAX (64 * 1024)
#define LINE_MAX_ (4 * 1024)

typedef struct conn {
	struct conn *prev, *next;
	mc_conns *owner;
	struct bufferevent *under;
	struct bufferevent *bev; /* the filter over under, which libevent's HTTP code uses */
	struct event *flush;
	bufferevent_data_cb filter_written; /* libevent's own callback of under, with its argument */
	void *filter_arg;
	int fd; /* known once bytes have arrived */
	phase ph;
	double since;	 /* monotonic seconds: when this phase began (or the handler finished) */
	uint64_t bytes;	 /* body bytes received in this request */
	int64_t left;	 /* body or chunk bytes still to pass */
	size_t scanned;	 /* header bytes already searched for the end of the block */
	uint32_t parsed; /* header blocks completed on this connection */
	uint32_t dispatched;
	uint32_t bad_at; /* the first refused request (its number), 0 = none */
	const char *bad_why;
	int bad_status; /* 400, 413 or 429 */
	size_t cap;	/* the body cap of the request being received */
	/* Bytes of body_bytes this connection holds, by request (its number
	 * modulo the slots): a pipelined request's body arrives while an earlier
	 * one waits for its reply, and each is given back with its own reply. */
	size_t reserved[PIPELINE_SLOTS];
	uint32_t completed; /* requests whose reply has been written */
	char *held;	    /* the head of a request whose body is being dropped */
	size_t held_len;
	bool busy; /* a request of this connection is with its handler */
	bool timed_out;
} conn;

struct mc_conns {
	struct event_base *base;
	const mc_conn_limits *lim;
	conn *head;
	struct event *sweep;
	struct event *resume; /* re-enables accepting after a pause */
	struct evconnlistener *listener;
};

/* fd → its connection, for the dispatch of a request. Each descriptor belongs
 * to one worker's connection at a time, and only that worker writes its slot. */
static conn **by_fd;
static size_t by_fd_len;
static pthread_once_t by_fd_once = PTHREAD_ONCE_INIT;

static void by_fd_init(void)
{
	struct rlimit rl;
	size_t n = 65536;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		n = rl.rlim_cur;
	if (n > (1u << 20))
		n = 1u << 20;
	by_fd = mc_xcalloc(n, sizeof *by_fd);
	by_fd_len = n;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void enter(conn *c, phase ph)
{
	c->ph = ph;
	if (ph == P_HEAD || ph == P_IDLE) {
		c->since = mono();
		c->bytes = 0;
		c->scanned = 0;
	}
}

static void refuse(conn *c, const char *why)
{
	if (!c->bad_at) {
		c->bad_at = c->parsed;
		c->bad_why = why;
		c->bad_status = 400;
	}
	c->ph = P_RAW;
}

/* Counts n more body bytes against the budget; false when they do not fit. */
static bool reserve(conn *c, size_t n)
{
	size_t budget = c->owner ? c->owner->lim->body_budget : 0;
	if (!budget)
		return true;
	/* c->parsed is the request being received; those after c->completed
	 * are held, and each needs a slot of its own. */
	if (c->parsed - c->completed > PIPELINE_SLOTS)
		return false;
	size_t now = atomic_load(&body_bytes);
	do {
		if (n > budget || now > budget - n)
			return false;
	} while (!atomic_compare_exchange_weak(&body_bytes, &now, now + n));
	c->reserved[c->parsed % PIPELINE_SLOTS] += n;
	return true;
}

/* Set when a counted body is let go: the next sweep gives the memory back. */
static atomic_bool trim_due;

/* Gives back what request number `req` of the connection held. */
static void release(conn *c, uint32_t req)
{
	size_t *slot = &c->reserved[req % PIPELINE_SLOTS];
	if (*slot) {
		atomic_fetch_sub(&body_bytes, *slot);
		*slot = 0;
		atomic_store(&trim_due, true);
	}
}

/* Gives back everything the connection held (it is being freed). */
static void release_all(conn *c)
{
	for (uint32_t i = 0; i < PIPELINE_SLOTS; i++)
		release(c, i);
}

size_t mc_conns_body_bytes(void)
{
	return atomic_load(&body_bytes);
}

/* A body refused for its size (413) or for the budget (429): the request is
 * answered once it has arrived, and nothing after it is read. */
static void oversize(conn *c, int status)
{
	if (!c->bad_at) {
		c->bad_at = c->parsed;
		c->bad_why = status == 413 ? "the request body is too large for this request"
					   : "too many request bodies are being received; try again shortly";
		c->bad_status = status;
	}
}

static bool is_tchar(unsigned char ch)
{
	/* RFC 9110 5.6.2 token characters */
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool name_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* Reads the header block head[0, len) (ending with its empty line) and sets
 * the framing of the body that follows. */
static void frame(conn *c, const char *head, size_t len)
{
	const char *p = head, *end = head + len;
	int n_cl = 0, n_te = 0;
	int64_t cl = 0;
	bool chunked = false, body_allowed = true;
	c->parsed++;
	/* The request line: the method decides whether a body may follow (as libevent reads it). */
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	size_t mlen = 0;
	while (p + mlen < end && p[mlen] != ' ' && p[mlen] != '\n')
		mlen++;
	if (!eol || mlen == 0 || mlen > 16) {
		refuse(c, "malformed request line");
		return;
	}
	if ((mlen == 4 && memcmp(p, "HEAD", 4) == 0) || (mlen == 5 && memcmp(p, "TRACE", 5) == 0))
		body_allowed = false;
	const char *method = p, *target = p + mlen;
	while (target < eol && *target == ' ')
		target++;
	size_t tlen = 0;
	while (target + tlen < eol && target[tlen] != ' ' && target[tlen] != '\r')
		tlen++;
	bool credentials = false;
	size_t cl_at = 0, cl_len = 0; /* where the Content-Length value is in head */
	p = eol + 1;
	for (;;) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			break;
		size_t n = (size_t)(eol - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break; /* the end of the block */
		if (p[0] == ' ' || p[0] == '\t') {
			refuse(c, "folded header lines are not accepted");
			return;
		}
		const char *colon = memchr(p, ':', n);
		if (!colon || colon == p) {
			refuse(c, "a header line without a name");
			return;
		}
		for (const char *q = p; q < colon; q++) {
			if (!is_tchar((unsigned char)*q)) {
				refuse(c, "a header name that is not a token");
				return;
			}
		}
		size_t nlen = (size_t)(colon - p);
		const char *v = colon + 1, *ve = p + n;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (name_is(p, nlen, "content-length")) {
			n_cl++;
			if (v == ve || ve - v > 18) {
				refuse(c, "Content-Length is not a number");
				return;
			}
			cl = 0;
			cl_at = (size_t)(v - head);
			cl_len = (size_t)(ve - v);
			for (const char *q = v; q < ve; q++) {
				if (*q < '0' || *q > '9') {
					refuse(c, "Content-Length is not a number");
					return;
				}
				cl = cl * 10 + (*q - '0');
			}
		} else if (name_is(p, nlen, "authorization")) {
			credentials = true;
		} else if (name_is(p, nlen, "cookie")) {
			/* A false match only gives the route's own cap. */
			credentials =
			    credentials || memmem(v, (size_t)(ve - v), "motcua_session=", 15) != NULL;
		} else if (name_is(p, nlen, "transfer-encoding")) {
			n_te++;
			chunked = (size_t)(ve - v) == 7 && strncasecmp(v, "chunked", 7) == 0;
			if (!chunked) {
				refuse(c, "the only transfer coding accepted is chunked");
				return;
			}
		}
		p = eol + 1;
	}
	if (n_cl > 1 || n_te > 1) {
		refuse(c, "Content-Length or Transfer-Encoding is repeated");
		return;
	}
	if (n_cl && n_te) {
		refuse(c, "both Content-Length and Transfer-Encoding are given");
		return;
	}
	if (!body_allowed && (n_te || cl > 0)) {
		refuse(c, "a body on a method that has none");
		return;
	}
	/* The route is looked up only for a body larger than the smallest cap
	 * (max_body), or chunked: most requests have none or a small one. */
	const mc_conn_limits *lim = c->owner ? c->owner->lim : NULL;
	c->cap = SIZE_MAX;
	if (lim && lim->body_cap && body_allowed && (chunked || (uint64_t)cl > lim->body_floor))
		c->cap = lim->body_cap(method, mlen, target, tlen, credentials, lim->body_cap_arg);
	if (!body_allowed) {
		enter(c, P_IDLE);
	} else if (chunked) {
		c->ph = P_CHUNK_SIZE;
	} else if (cl > 0) {
		c->ph = P_BODY;
		c->left = cl;
		/* Refused before a byte of it is kept: the head waits, with a
		 * Content-Length of 0, until the body has been dropped. */
		if ((uint64_t)cl > c->cap)
			oversize(c, 413);
		else if ((uint64_t)cl >= BUDGET_MIN && !reserve(c, (size_t)cl))
			oversize(c, 429);
		if (c->bad_at == c->parsed) {
			c->ph = P_DISCARD;
			c->held = mc_xmalloc(len);
			c->held_len = len;
			memcpy(c->held, head, len);
			memset(c->held + cl_at, ' ', cl_len);
			c->held[cl_at] = '0';
		}
	} else {
		enter(c, P_IDLE);
	}
}

/* Finds the end of the header block in the first len bytes of data, starting
 * the search at from; returns the block's length with its empty line, or 0. */
static size_t head_end(const char *data, size_t len, size_t from)
{
	for (size_t i = from; i < len; i++) {
		if (data[i] != '\n')
			continue;
		if (i + 1 < len && data[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Reads one chunk-size line (RFC 9112 7.1): hex digits, then optional
 * extensions ";name[=value]" with optional whitespace, which are dropped.
 * Returns the size, or -1 when the line is not one. */
static int64_t chunk_size(const char *line, size_t n)
{
	size_t i = 0;
	int64_t size = 0;
	while (i < n && ((line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f') ||
			 (line[i] >= 'A' && line[i] <= 'F'))) {
		int d = line[i] <= '9' ? line[i] - '0' : (line[i] | 0x20) - 'a' + 10;
		if (size > (INT64_MAX >> 4))
			return -1;
		size = size * 16 + d;
		i++;
	}
	if (i == 0)
		return -1;
	/* chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-value ] ) */
	for (;;) {
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == n)
			return size;
		if (line[i] != ';')
			return -1;
		i++;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		size_t start = i;
		while (i < n && is_tchar((unsigned char)line[i]))
			i++;
		if (i == start)
			return -1;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i < n && line[i] == '=') {
			i++;
			while (i < n && (line[i] == ' ' || line[i] == '\t'))
				i++;
			if (i < n && line[i] == '"') {
				i++;
				while (i < n && line[i] != '"') {
					if (line[i] == '\\')
						i++;
					i++;
				}
				if (i >= n)
					return -1;
				i++;
			} else {
				start = i;
				while (i < n && is_tchar((unsigned char)line[i]))
					i++;
				if (i == start)
					return -1;
			}
		}
	}
}

/* A chunk the server refuses: libevent's parser is given the end of the
 * body instead, so that the request reaches the server, which answers it 400
 * (problem+json) and closes the connection; nothing after it is read. */
static void bad_chunk(conn *c, struct evbuffer *dst, const char *why)
{
	if (c->ph == P_TRAILER)
		evbuffer_add(dst, "\r\n", 2);
	else if (c->ph == P_CHUNK_CRLF)
		evbuffer_add(dst, "\r\n0\r\n\r\n", 7);
	else
		evbuffer_add(dst, "0\r\n\r\n", 5);
	refuse(c, why);
}

static enum bufferevent_filter_result input(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
					    enum bufferevent_flush_mode mode, void *arg)
{
	(void)limit;
	(void)mode;
	conn *c = arg;
	size_t moved = 0;
	if (c->fd < 0) {
		c->fd = bufferevent_getfd(c->under);
		if (c->fd >= 0 && (size_t)c->fd < by_fd_len)
			by_fd[c->fd] = c;
	}
	for (;;) {
		size_t len = evbuffer_get_length(src);
		if (len == 0)
			break;
		switch (c->ph) {
		case P_IDLE:
			enter(c, P_HEAD);
			continue;
		case P_HEAD: {
			size_t look = len < HEAD_MAX ? len : HEAD_MAX;
			const char *data = (const char *)evbuffer_pullup(src, (ev_ssize_t)look);
			size_t from = c->scanned ? c->scanned - 1 : 0;
			size_t n = head_end(data, look, from);
			if (!n) {
				c->scanned = look > 2 ? look - 2 : 0;
				if (look >= HEAD_MAX)
					refuse(c, "the header block is too large");
				else
					goto out;
				continue;
			}
			frame(c, data, n);
			if (c->ph == P_DISCARD) {
				evbuffer_drain(src, n); /* held by frame */
				continue;
			}
			evbuffer_remove_buffer(src, dst, n);
			moved += n;
			continue;
		}
		case P_DISCARD: {
			size_t n = (uint64_t)c->left < len ? (size_t)c->left : len;
			evbuffer_drain(src, n);
			c->bytes += n;
			c->left -= (int64_t)n;
			if (c->left == 0) {
				evbuffer_add(dst, c->held, c->held_len);
				moved += c->held_len;
				free(c->held);
				c->held = NULL;
				c->ph = P_RAW;
			}
			continue;
		}
		case P_BODY: {
			size_t n = (uint64_t)c->left < len ? (size_t)c->left : len;
			evbuffer_remove_buffer(src, dst, n);
			moved += n;
			c->bytes += n;
			c->left -= (int64_t)n;
			if (c->left == 0)
				enter(c, P_IDLE);
			continue;
		}
		case P_CHUNK_SIZE:
		case P_TRAILER: {
			struct evbuffer_ptr eolp = evbuffer_search_eol(src, NULL, NULL, EVBUFFER_EOL_LF);
			if (eolp.pos < 0) {
				if (len > LINE_MAX_) {
					bad_chunk(c, dst,
						  c->ph == P_CHUNK_SIZE ? "a chunk-size line is too long"
									: "a trailer line is too long");
					continue;
				}
				goto out;
			}
			size_t n = (size_t)eolp.pos + 1;
			char line[LINE_MAX_ + 2];
			if (n > sizeof line) {
				bad_chunk(c, dst,
					  c->ph == P_CHUNK_SIZE ? "a chunk-size line is too long"
								: "a trailer line is too long");
				continue;
			}
			evbuffer_remove(src, line, n);
			c->bytes += n;
			size_t ln = n - 1;
			if (ln && line[ln - 1] == '\r')
				ln--;
			if (c->ph == P_TRAILER) {
				/* Trailer fields are dropped; the empty line ends the request. */
				if (ln == 0) {
					evbuffer_add(dst, "\r\n", 2);
					moved += 2;
					enter(c, P_IDLE);
				}
				continue;
			}
			int64_t size = chunk_size(line, ln);
			if (size < 0) {
				bad_chunk(c, dst, "a chunk size that is not hexadecimal digits");
				continue;
			}
			/* Chunks are measured as they come: one past the cap or the budget
			 * ends the body there, and the request is answered at once. */
			if ((uint64_t)size > c->cap || c->bytes + (uint64_t)size > c->cap) {
				oversize(c, 413);
				bad_chunk(c, dst, NULL);
				moved++; /* the end of the body was passed on */
				continue;
			}
			if (!reserve(c, (size_t)size)) {
				oversize(c, 429);
				bad_chunk(c, dst, NULL);
				moved++;
				continue;
			}
			evbuffer_add_printf(dst, "%llx\r\n", (unsigned long long)size);
			moved += n;
			c->left = size;
			c->ph = size ? P_CHUNK_DATA : P_TRAILER;
			continue;
		}
		case P_CHUNK_DATA: {
			size_t n = (uint64_t)c->left < len ? (size_t)c->left : len;
			evbuffer_remove_buffer(src, dst, n);
			moved += n;
			c->bytes += n;
			c->left -= (int64_t)n;
			if (c->left == 0)
				c->ph = P_CHUNK_CRLF;
			continue;
		}
		case P_CHUNK_CRLF: {
			char two[2];
			if (evbuffer_copyout(src, two, 2) < 2) {
				if (two[0] == '\n') {
					evbuffer_drain(src, 1);
					evbuffer_add(dst, "\r\n", 2);
					moved += 2;
					c->ph = P_CHUNK_SIZE;
					continue;
				}
				if (two[0] != '\r') {
					bad_chunk(c, dst, "chunk data is not followed by CRLF");
					continue;
				}
				goto out;
			}
			size_t n = two[0] == '\r' && two[1] == '\n' ? 2 : two[0] == '\n' ? 1 : 0;
			if (!n) {
				bad_chunk(c, dst, "chunk data is not followed by CRLF");
				continue;
			}
			evbuffer_drain(src, n);
			evbuffer_add(dst, "\r\n", 2);
			moved += 2;
			c->ph = P_CHUNK_SIZE;
			continue;
		}
		case P_RAW:
			moved += len;
			evbuffer_add_buffer(dst, src);
			continue;
		}
	}
out:
	return moved ? BEV_OK : BEV_NEED_MORE;
}

static void unlink_conn(conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else if (c->owner->head == c)
		c->owner->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

static void conn_free(void *arg)
{
	conn *c = arg;
	release_all(c);
	free(c->held);
	if (c->fd >= 0 && (size_t)c->fd < by_fd_len && by_fd[c->fd] == c)
		by_fd[c->fd] = NULL;
	if (c->owner)
		unlink_conn(c);
	if (c->flush)
		event_free(c->flush);
	free(c);
}

static void output_added(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)buf;
	conn *c = arg;
	if (info->n_added)
		event_active(c->flush, EV_WRITE, 0);
}

/* Runs from the loop after libevent has added a reply and turned writing on:
 * the filter passes the reply to the socket and tells libevent it is
 * written, which is what lets it end or reuse the connection. */
static void flush_output(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn *c = arg;
	bufferevent_event_cb eventcb = NULL;
	/* A bufferevent that libevent has freed meanwhile has no callbacks left
	 * (its memory lasts until its finalizer, which frees this event too). */
	bufferevent_getcb(c->bev, NULL, NULL, &eventcb, NULL);
	if (eventcb)
		bufferevent_flush(c->bev, EV_WRITE, BEV_NORMAL);
}

/* The output side passes everything on at once but says it has done
 * nothing: libevent's filter would otherwise tell the HTTP code a reply was
 * written as soon as it sat in the socket's buffer, and a connection closed
 * then loses what was not yet sent. under_written tells it instead. */
static enum bufferevent_filter_result output(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
					     enum bufferevent_flush_mode mode, void *arg)
{
	(void)limit;
	(void)mode;
	(void)arg;
	evbuffer_add_buffer(dst, src);
	return BEV_NEED_MORE;
}

/* The socket has written everything it had: the reply has left. libevent
 * gives the filter as the argument (one for all of under's callbacks); the
 * connection is found by its descriptor, known since its first bytes came. */
static void under_written(struct bufferevent *under, void *arg)
{
	int fd = bufferevent_getfd(under);
	conn *c = fd >= 0 && (size_t)fd < by_fd_len ? by_fd[fd] : NULL;
	if (!c || c->under != under)
		return;
	c->filter_written(under, arg);
	if (evbuffer_get_length(bufferevent_get_output(under)) == 0 &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		bufferevent_trigger(c->bev, EV_WRITE, 0);
}

static struct bufferevent *new_bev(struct event_base *base, void *arg)
{
	mc_conns *cs = arg;
	struct bufferevent *under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!under)
		return NULL;
	conn *c = mc_xcalloc(1, sizeof *c);
	c->owner = cs;
	c->under = under;
	c->fd = -1;
	enter(c, P_IDLE);
	struct bufferevent *bev =
	    bufferevent_filter_new(under, input, output, BEV_OPT_CLOSE_ON_FREE, conn_free, c);
	if (!bev) {
		bufferevent_free(under);
		free(c);
		return NULL;
	}
	bufferevent_data_cb read_cb = NULL;
	bufferevent_event_cb event_cb = NULL;
	bufferevent_getcb(under, &read_cb, &c->filter_written, &event_cb, &c->filter_arg);
	bufferevent_setcb(under, read_cb, under_written, event_cb, c->filter_arg);
	(void)read_cb;
	/* libevent adds a reply to the filter's output before it enables
	 * writing, and enabling a filter does not look at what is waiting
	 * there: flush it once libevent is done (flush_output). */
	c->bev = bev;
	c->flush = event_new(base, -1, 0, flush_output, c);
	if (!c->flush) {
		bufferevent_free(bev);
		return NULL;
	}
	evbuffer_add_cb(bufferevent_get_output(bev), output_added, c);
	c->next = cs->head;
	if (cs->head)
		cs->head->prev = c;
	cs->head = c;
	return bev;
}

static conn *conn_of(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	int fd = bev ? bufferevent_getfd(bev) : -1;
	return fd >= 0 && (size_t)fd < by_fd_len ? by_fd[fd] : NULL;
}

static void request_done(struct evhttp_request *req, void *arg)
{
	(void)arg;
	conn *c = conn_of(req);
	if (c) {
		c->busy = false;
		c->since = mono(); /* a request already arriving gets its own time */
		/* Replies go in the order of the requests: this is the oldest. */
		c->completed++;
		release(c, c->completed);
	}
}

const char *mc_conns_dispatch(mc_conns *cs, struct evhttp_request *req, int *status, size_t *cap)
{
	(void)cs;
	*status = 0;
	*cap = 0;
	conn *c = conn_of(req);
	if (!c)
		return NULL;
	c->dispatched++;
	c->busy = true;
	evhttp_request_set_on_complete_cb(req, request_done, NULL);
	if (c->bad_at && c->dispatched >= c->bad_at) {
		*status = c->bad_status;
		*cap = c->cap;
		return c->bad_why;
	}
	return NULL;
}

/* Closes the connections sending a request too slowly: the shutdown makes
 * libevent see the end of the stream and free the connection itself. */
static void sweep(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mc_conns *cs = arg;
	double now = mono();
	const mc_conn_limits *lim = cs->lim;
	/* Large bodies come in many small pieces of the heap, which the
	 * allocator keeps once freed: after a burst of uploads (or of bodies
	 * refused) the memory goes back to the system once nothing is held. */
	if (atomic_load(&body_bytes) == 0 && atomic_exchange(&trim_due, false))
		malloc_trim(0);
	for (conn *c = cs->head; c; c = c->next) {
		if (c->busy || c->timed_out || c->fd < 0 || c->ph == P_IDLE)
			continue;
		double spent = now - c->since;
		bool late;
		if (c->ph == P_HEAD)
			late = spent > lim->header_timeout;
		else
			late = spent >
			       lim->header_timeout + lim->body_timeout +
				   (lim->body_min_rate > 0 ? (double)c->bytes / lim->body_min_rate : 1e18);
		if (!late)
			continue;
		c->timed_out = true;
		shutdown(c->fd, SHUT_RDWR);
		mc_metrics_event(MC_METRIC_SLOW_REQUESTS);
	}
}

mc_conns *mc_conns_new(struct event_base *base, struct evhttp *http, const mc_conn_limits *lim)
{
	pthread_once(&by_fd_once, by_fd_init);
	mc_conns *cs = mc_xcalloc(1, sizeof *cs);
	cs->base = base;
	cs->lim = lim;
	cs->sweep = event_new(base, -1, EV_PERSIST, sweep, cs);
	struct timeval every = {1, 0};
	if (!cs->sweep || event_add(cs->sweep, &every) != 0) {
		mc_conns_free(cs);
		return NULL;
	}
	evhttp_set_bevcb(http, new_bev, cs);
	return cs;
}

void mc_conns_free(mc_conns *cs)
{
	if (!cs)
		return;
	/* The evhttp has been freed with its connections; what the finalizers
	 * have not reached yet must not point back here. */
	for (conn *c = cs->head; c;) {
		conn *next = c->next;
		c->owner = NULL;
		c->prev = c->next = NULL;
		c = next;
	}
	for (size_t i = 0; i < n_guarded; i++) {
		if (guarded[i].cs == cs)
			guarded[i].cs = NULL;
	}
	if (cs->sweep)
		event_free(cs->sweep);
	if (cs->resume)
		event_free(cs->resume);
	free(cs);
}

/* ---- accept back-off --------------------------------------------------- */

static atomic_int reserve_fd = -1;
static _Atomic int64_t last_accept_log;
static atomic_ulong accept_failures;

void mc_conns_reserve_init(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int old = atomic_exchange(&reserve_fd, fd);
	if (old >= 0)
		close(old);
}

static void resume_accept(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mc_conns *cs = arg;
	if (cs->listener)
		evconnlistener_enable(cs->listener);
}

static void accept_failed(struct evconnlistener *listener, void *arg)
{
	(void)arg; /* the evhttp: libevent passes the listener's own argument */
	int err = errno;
	mc_conns *cs = NULL;
	for (size_t i = 0; i < n_guarded; i++) {
		if (guarded[i].listener == listener)
			cs = guarded[i].cs;
	}
	if (!cs)
		return;
	evconnlistener_disable(listener);
	mc_metrics_event(MC_METRIC_ACCEPT_PAUSES);
	atomic_fetch_add(&accept_failures, 1);
	if (err == EMFILE || err == ENFILE) {
		/* The spare descriptor takes the oldest waiting client, which is
		 * closed at once rather than left to wait for a time-out. */
		int spare = atomic_exchange(&reserve_fd, -1);
		if (spare >= 0) {
			close(spare);
			int c = accept(evconnlistener_get_fd(listener), NULL, NULL);
			if (c >= 0)
				close(c);
			mc_conns_reserve_init();
		}
	}
	int64_t now = mc_now(), last = atomic_load(&last_accept_log);
	if (now - last >= 60 && atomic_compare_exchange_strong(&last_accept_log, &last, now))
		fprintf(stderr,
			"motcua: could not accept connections: %s (%lu times since start); pausing "
			"accepting for 200 ms each time\n",
			strerror(err), atomic_load(&accept_failures));
	struct timeval pause = {0, 200000};
	event_add(cs->resume, &pause);
}

bool mc_conns_busy(const mc_conns *cs)
{
	for (const conn *c = cs->head; c; c = c->next) {
		if (c->fd >= 0 && !c->timed_out && (c->busy || c->ph != P_IDLE))
			return true;
	}
	return false;
}

void mc_conns_unguard_accept(mc_conns *cs)
{
	if (cs->resume)
		event_del(cs->resume);
	for (size_t i = 0; i < n_guarded; i++) {
		if (guarded[i].cs == cs)
			guarded[i].cs = NULL;
	}
	cs->listener = NULL;
}

void mc_conns_guard_accept(mc_conns *cs, struct evhttp_bound_socket *bound)
{
	cs->listener = evhttp_bound_socket_get_listener(bound);
	if (!cs->resume)
		cs->resume = evtimer_new(cs->base, resume_accept, cs);
	if (!cs->listener || !cs->resume || n_guarded >= MC_ARRAY_LEN(guarded))
		return;
	guarded[n_guarded].listener = cs->listener;
	guarded[n_guarded].cs = cs;
	n_guarded++;
	evconnlistener_set_error_cb(cs->listener, accept_failed);
}
