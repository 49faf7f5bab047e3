#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The last error recorded on each thread: a worker's, the writer's. */
static _Thread_local mc_err last;

static void vmake(mc_err *out, int code, mc_reason reason, const char *fmt, va_list ap)
{
	memset(out, 0, sizeof *out);
	out->code = code;
	out->reason = reason;
	if (fmt)
		vsnprintf(out->msg, sizeof out->msg, fmt, ap);
}

int mc_err_set(int code, mc_reason reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmake(&last, code, reason, fmt, ap);
	va_end(ap);
	return code;
}

void mc_err_retry_after(int64_t seconds)
{
	last.retry_after = seconds;
}

int mc_err_hourly(int64_t count, int limit, const char *done, const char *what)
{
	if (count < limit)
		return 0;
	int rc = mc_err_set(MC_ELIMIT, MC_REASON_NONE,
			    "you have %s %d %s in the last hour, the most one may; try again later", done,
			    limit, what);
	mc_err_retry_after(3600);
	return rc;
}

void mc_err_clear(void)
{
	memset(&last, 0, sizeof last);
}

void mc_err_take(mc_err *out, int rc)
{
	if (rc != 0 && last.code == rc) {
		*out = last;
	} else {
		memset(out, 0, sizeof *out);
		out->code = rc;
	}
	mc_err_clear();
}

const mc_err *mc_err_last(void)
{
	return &last;
}

mc_err *mc_err_for(mc_err *e, int rc)
{
	if (e->code != rc) {
		memset(e, 0, sizeof *e);
		e->code = rc;
	}
	return e;
}

void mc_err_make(mc_err *out, int code, mc_reason reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmake(out, code, reason, fmt, ap);
	va_end(ap);
}

void mc_err_prefix(mc_err *e, const char *fmt, ...)
{
	char prefix[MC_ERR_MSG_MAX];
	va_list ap;
	if (!e->msg[0])
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	/* The message moves right, its end cut when both do not fit. */
	size_t p = strlen(prefix), m = strlen(e->msg);
	if (p + m >= sizeof e->msg)
		m = sizeof e->msg - 1 - p;
	memmove(e->msg + p, e->msg, m);
	memcpy(e->msg, prefix, p);
	e->msg[p + m] = '\0';
}
