#include "render/qr.h"

#include "core/buf.h"
#include "core/mc.h"

#include <qrencode.h>
#include <string.h>

/* Text inside an XML element, escaped. */
static int add_escaped(mc_buf *b, const char *s)
{
	int rc = 0;
	for (; *s && rc == 0; s++) {
		if (*s == '<')
			rc = mc_buf_adds(b, "&lt;");
		else if (*s == '>')
			rc = mc_buf_adds(b, "&gt;");
		else if (*s == '&')
			rc = mc_buf_adds(b, "&amp;");
		else
			rc = mc_buf_add(b, s, 1);
	}
	return rc;
}

int mc_qr_svg(char **out, size_t *len, const char *text, const char *title)
{
	int rc = MC_ERROR;
	QRcode *q = NULL;
	mc_buf b;
	mc_buf_init(&b, 256 * 1024);

	*out = NULL;
	*len = 0;
	if (!text || !*text || strlen(text) > 512 || strchr(text, '\n'))
		return MC_EINVAL;
	q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		goto cleanup;
	int size = q->width + 8; /* a quiet zone of four modules each side */
	if (mc_buf_addf(
		&b,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		"shape-rendering=\"crispEdges\" role=\"img\">",
		size, size, size * 4, size * 4) != 0)
		goto cleanup;
	if (title && (mc_buf_adds(&b, "<title>") != 0 || add_escaped(&b, title) != 0 ||
		      mc_buf_adds(&b, "</title>") != 0))
		goto cleanup;
	if (mc_buf_addf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size,
			size) != 0)
		goto cleanup;
	/* One subpath per run of dark modules in a row. */
	for (int r = 0; r < q->width; r++) {
		for (int c = 0; c < q->width;) {
			if (!(q->data[r * q->width + c] & 1)) {
				c++;
				continue;
			}
			int run = 1;
			while (c + run < q->width && (q->data[r * q->width + c + run] & 1))
				run++;
			if (mc_buf_addf(&b, "M%d %dh%dv1h-%dz", c + 4, r + 4, run, run) != 0)
				goto cleanup;
			c += run;
		}
	}
	if (mc_buf_adds(&b, "\"/></svg>\n") != 0)
		goto cleanup;
	*len = b.len;
	*out = mc_buf_steal(&b);
	rc = 0;
cleanup:
	QRcode_free(q);
	mc_buf_free(&b);
	return rc;
}
