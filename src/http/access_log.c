/* The access log: one JSON line per reply on stderr, written by each worker
 * from a buffer of its own. A line is formatted by hand into the buffer (a
 * fprintf of a built JSON object per request cost 5-9 us), and the buffer
 * goes to stderr when the next line would not fit, once a second from a
 * timer on the worker's loop, and when the worker stops: a process killed
 * outright loses at most its last second of lines. */
#include "http/server_int.h"

#include "http/router.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG_BUFFER (64 * 1024)
/* A line without its path: the names, the request id, the method, the
 * status, the milliseconds and the time. */
#define LINE_FIXED 160

/* Workers write whole buffers, one at a time: a write to a pipe of more than
 * PIPE_BUF bytes may otherwise be interleaved with another worker's. */
static pthread_mutex_t stderr_lock = PTHREAD_MUTEX_INITIALIZER;

static void write_stderr(const char *data, size_t len)
{
	pthread_mutex_lock(&stderr_lock);
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* stderr closed or full for good: the lines are dropped */
		data += n;
		len -= (size_t)n;
	}
	pthread_mutex_unlock(&stderr_lock);
}

static void tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mc_access_log_flush_(arg);
}

int mc_access_log_start_(mc_worker *w)
{
	static const struct timeval second = {1, 0};
	mc_access_log *log = &w->log;
	if (!w->srv->cfg.access_log)
		return 0;
	log->tick = event_new(w->base, -1, EV_PERSIST, tick, w);
	if (!log->tick || event_add(log->tick, &second) != 0)
		return MC_ERROR;
	log->buf = mc_xmalloc(LOG_BUFFER);
	log->cap = LOG_BUFFER;
	return 0;
}

void mc_access_log_flush_(mc_worker *w)
{
	mc_access_log *log = &w->log;
	if (log->len > 0)
		write_stderr(log->buf, log->len);
	log->len = 0;
}

void mc_access_log_stop_(mc_worker *w)
{
	mc_access_log *log = &w->log;
	mc_access_log_flush_(w);
	if (log->tick)
		event_free(log->tick);
	free(log->buf);
	memset(log, 0, sizeof *log);
}

/* ---- formatting -------------------------------------------------------- */

static char *put(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

static char *put_uint(char *p, uint64_t v, int min_digits)
{
	char digits[24];
	int n = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 || n < min_digits);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

/* s as the inside of a JSON string (RFC 8259 7): '"', '\' and the control
 * characters escaped, the rest as it is. Paths are valid UTF-8 without NUL
 * (dispatch.c refuses others), so nothing else needs escaping. At most 6
 * bytes out per byte in. */
static char *put_escaped(char *p, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	for (const unsigned char *c = (const unsigned char *)s; c < (const unsigned char *)s + len; c++) {
		switch (*c) {
		case '"':
			p = put(p, "\\\"");
			break;
		case '\\':
			p = put(p, "\\\\");
			break;
		case '\n':
			p = put(p, "\\n");
			break;
		case '\r':
			p = put(p, "\\r");
			break;
		case '\t':
			p = put(p, "\\t");
			break;
		case '\b':
			p = put(p, "\\b");
			break;
		case '\f':
			p = put(p, "\\f");
			break;
		default:
			if (*c < 0x20) {
				p = put(p, "\\u00");
				*p++ = hex[*c >> 4];
				*p++ = hex[*c & 15];
			} else {
				*p++ = (char)*c;
			}
			break;
		}
	}
	return p;
}

/* The path as put_escaped writes it, but a segment of 9 or more digits and
 * nothing else (an identity number: 9 for the old card, 12 for the citizen
 * identity card, as GET /api/v1/citizens/{key}/export takes it) keeps only
 * its last 3 digits: the log is read by more people than personal data may
 * be. Dossier codes and record ids have dots, dashes or fewer digits. */
static char *put_path(char *p, const char *path)
{
	for (const char *s = path; *s;) {
		size_t n = strcspn(s, "/");
		if (n >= 9 && strspn(s, "0123456789") == n) {
			memset(p, '*', n - 3);
			memcpy(p + n - 3, s + n - 3, 3);
			p += n;
		} else {
			p = put_escaped(p, s, n);
		}
		s += n;
		if (*s == '/')
			*p++ = *s++;
	}
	return p;
}

/* The line of r into out (room for LINE_FIXED + 6 bytes per byte of the
 * path); returns its end. */
static char *format_line(char *out, mc_access_log *log, const mc_req *r, double ms)
{
	int64_t now = mc_now();
	if (now != log->ts_second || !log->ts[0]) {
		mc_time_format(log->ts, sizeof log->ts, now);
		log->ts_second = now;
	}
	uint64_t us = ms > 0 ? (uint64_t)(ms * 1000.0 + 0.5) : 0;
	char *p = out;
	p = put(p, "{\"id\":\"");
	p = put(p, r->request_id);
	p = put(p, "\",\"method\":\"");
	p = put(p, mc_method_name(r->method));
	p = put(p, "\",\"path\":\"");
	p = put_path(p, r->path ? r->path : "");
	p = put(p, "\",\"status\":");
	p = put_uint(p, (uint64_t)(r->status > 0 ? r->status : 0), 1);
	p = put(p, ",\"ms\":");
	p = put_uint(p, us / 1000, 1);
	*p++ = '.';
	p = put_uint(p, us % 1000, 3);
	p = put(p, ",\"ts\":\"");
	p = put(p, log->ts);
	p = put(p, "\"}\n");
	return p;
}

void mc_access_log_add_(mc_worker *w, const mc_req *r, double ms)
{
	mc_access_log *log = &w->log;
	if (!log->buf)
		return;
	size_t need = LINE_FIXED + 6 * (r->path ? strlen(r->path) : 0);
	if (need > log->cap - log->len)
		mc_access_log_flush_(w);
	if (need <= log->cap) {
		log->len = (size_t)(format_line(log->buf + log->len, log, r, ms) - log->buf);
		return;
	}
	/* A path longer than the buffer can hold (up to max_headers bytes):
	 * its line goes out on its own. */
	char *line = mc_xmalloc(need);
	write_stderr(line, (size_t)(format_line(line, log, r, ms) - line));
	free(line);
}
