#include "http/gzip.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* Whether the parameters of a coding (after its name) say q=0. */
static bool q_zero(const char *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if ((p[i] == 'q' || p[i] == 'Q') && p[i + 1] == '=') {
			const char *v = p + i + 2;
			size_t n = len - i - 2;
			/* "0", "0.", "0.0", "0.00", "0.000" */
			if (n == 0 || v[0] != '0')
				return false;
			for (size_t k = 1; k < n; k++) {
				if (v[k] != '.' && v[k] != '0' && v[k] != ' ' && v[k] != '\t')
					return false;
			}
			return true;
		}
	}
	return false;
}

bool mc_gzip_accepted(const char *h)
{
	while (h && *h) {
		while (*h == ' ' || *h == '\t' || *h == ',')
			h++;
		size_t len = strcspn(h, ",");
		size_t name = strcspn(h, ";, \t");
		if (name > len)
			name = len;
		if ((name == 4 && strncasecmp(h, "gzip", 4) == 0) || (name == 1 && h[0] == '*'))
			return !q_zero(h + name, len - name);
		h += len;
	}
	return false;
}

bool mc_gzip_type(const char *ct)
{
	if (!ct)
		return false;
	static const char *const types[] = {"text/",
					    "application/json",
					    "application/problem+json",
					    "application/javascript",
					    "image/svg+xml",
					    "application/manifest+json",
					    "application/xml"};
	for (size_t i = 0; i < MC_ARRAY_LEN(types); i++) {
		if (strncasecmp(ct, types[i], strlen(types[i])) == 0)
			return true;
	}
	return false;
}

int mc_gzip(unsigned char **out, size_t *out_len, const void *data, size_t len, int level)
{
	int rc = MC_ERROR;
	z_stream z;
	unsigned char *buf = NULL;

	*out = NULL;
	*out_len = 0;
	memset(&z, 0, sizeof z);
	/* 15 bits of window, +16 for the gzip wrapper; memory level 8 is zlib's default. */
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return MC_ERROR;
	uLong cap = deflateBound(&z, (uLong)len);
	buf = mc_xmalloc(cap);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	/* deflateBound is enough for one call with Z_FINISH. */
	if (len > UINT32_MAX || deflate(&z, Z_FINISH) != Z_STREAM_END)
		goto cleanup;
	*out = buf;
	*out_len = cap - z.avail_out;
	buf = NULL;
	rc = 0;
cleanup:
	deflateEnd(&z);
	free(buf);
	return rc;
}
