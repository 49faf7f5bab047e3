/*
 * gzip.h - compressing replies for clients that accept gzip (RFC 9110 8.4,
 * 12.5.3). Static files are compressed once when they are loaded
 * (http/static.c); API replies of a compressible type above
 * MC_GZIP_MIN_BYTES when they are sent (http/request.c). zlib comes with
 * cairo already (render/); motcua links it itself.
 */
#ifndef MC_HTTP_GZIP_H
#define MC_HTTP_GZIP_H

#include "core/mc.h"

#include <stdbool.h>
#include <stddef.h>

/* Replies smaller than this are sent as they are: a few hundred bytes gain
 * little and the header costs some of it. */
#define MC_GZIP_MIN_BYTES 1024

/* Whether an Accept-Encoding header accepts gzip: "gzip" or "*" listed
 * without q=0. NULL (no header) accepts none. */
bool mc_gzip_accepted(const char *accept_encoding);

/* Whether a reply of this Content-Type is worth compressing (text, JSON,
 * SVG, JavaScript, CSS, HTML); images, PDF and zip files are compressed
 * already. */
bool mc_gzip_type(const char *content_type);

/*
 * The gzip stream of len bytes of data at level (1-9) in *out (caller
 * frees). Returns 0, or MC_ERROR (zlib failed; nothing in *out).
 */
int mc_gzip(unsigned char **out, size_t *out_len, const void *data, size_t len, int level);

#endif
