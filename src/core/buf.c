#include "core/buf.h"

#include "core/mc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mc_buf_init(mc_buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
}

void mc_buf_free(mc_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void mc_buf_reset(mc_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *mc_buf_steal(mc_buf *b)
{
	char *out = b->data ? b->data : mc_xstrdup("");
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return out;
}

/* Room for len more bytes and the NUL. */
static int reserve(mc_buf *b, size_t len)
{
	if (len > b->limit || b->len > b->limit - len)
		return MC_ETOOBIG;
	size_t need = b->len + len + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->limit + 1)
		cap = b->limit + 1;
	b->data = mc_xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

int mc_buf_add(mc_buf *b, const void *data, size_t len)
{
	int rc = reserve(b, len);
	if (rc != 0)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int mc_buf_adds(mc_buf *b, const char *s)
{
	return mc_buf_add(b, s, strlen(s));
}

int mc_buf_vaddf(mc_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	int rc = MC_EINVAL;
	if (n < 0)
		goto done;
	if ((size_t)n < sizeof small) {
		rc = mc_buf_add(b, small, (size_t)n);
		goto done;
	}
	rc = reserve(b, (size_t)n);
	if (rc != 0)
		goto done;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
	b->len += (size_t)n;
done:
	va_end(again);
	return rc;
}

int mc_buf_addf(mc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = mc_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int mc_buf_add_json_string(mc_buf *b, const char *s)
{
	int rc = mc_buf_adds(b, "\"");

	for (const char *p = s; rc == 0 && *p; p++) {
		if ((unsigned char)*p < 0x20)
			rc = mc_buf_addf(b, "\\u%04x", (unsigned)*p);
		else
			rc = mc_buf_addf(b, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
	}
	return rc ? rc : mc_buf_adds(b, "\"");
}

int mc_buf_format(char **out, size_t limit, const char *fmt, ...)
{
	mc_buf b;
	va_list ap;
	mc_buf_init(&b, limit);
	va_start(ap, fmt);
	int rc = mc_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (rc != 0) {
		mc_buf_free(&b);
		*out = NULL;
		return rc;
	}
	*out = mc_buf_steal(&b);
	return 0;
}
