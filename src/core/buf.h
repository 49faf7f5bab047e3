/*
 * buf.h - the one growable byte buffer of motcua, with a limit set when it is
 * made. Text built from input (PDF and SVG writers, metrics, URLs) grows here;
 * an append that would pass the limit fails with MC_ETOOBIG and leaves the
 * buffer as it was, so the caller refuses the work instead of cutting it.
 * The contents are always NUL-terminated.
 */
#ifndef MC_CORE_BUF_H
#define MC_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define MC_MUST_CHECK __attribute__((warn_unused_result))

typedef struct {
	char *data; /* NUL-terminated; NULL until something is added */
	size_t len; /* bytes, without the NUL */
	size_t cap;
	size_t limit; /* most bytes it may hold, without the NUL */
} mc_buf;

/* An empty buffer that may grow to limit bytes. */
void mc_buf_init(mc_buf *b, size_t limit);
/* Frees the contents; the buffer is empty again (same limit). NULL-safe. */
void mc_buf_free(mc_buf *b);
/* Empties the buffer, keeping its memory. */
void mc_buf_reset(mc_buf *b);
/* Gives the contents to the caller (free with free(); "" when empty) and empties the buffer. */
char *mc_buf_steal(mc_buf *b);

MC_MUST_CHECK int mc_buf_add(mc_buf *b, const void *data, size_t len);
MC_MUST_CHECK int mc_buf_adds(mc_buf *b, const char *s);
MC_MUST_CHECK int mc_buf_addf(mc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
MC_MUST_CHECK int mc_buf_vaddf(mc_buf *b, const char *fmt, va_list ap);
/* s as a JSON string, quoted: '"' and '\\' escaped, control characters as
 * \\u00XX; other bytes as they are (s is UTF-8). For the JSON a statement
 * reads its many rows from (the roll-up's cells, an anchor's entries). */
MC_MUST_CHECK int mc_buf_add_json_string(mc_buf *b, const char *s);

/*
 * A new string of fmt, at most limit bytes without the NUL, in *out (caller
 * frees with free()). MC_ETOOBIG, and *out NULL, when it would be longer:
 * for the texts a writer keeps (labels, cells) that must not be cut.
 */
MC_MUST_CHECK int mc_buf_format(char **out, size_t limit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Makes room for one more element in the array *items of *n elements with
 * capacity *cap, doubling it (from 8) when full. Aborts on out-of-memory like
 * mc_xrealloc. Use: MC_GROW(list, n, cap); list[n++] = x;
 */
#define MC_GROW(items, n, cap)                                                                               \
	do {                                                                                                 \
		if ((n) >= (cap)) {                                                                          \
			(cap) = (cap) ? (cap)*2 : 8;                                                         \
			(items) = mc_xrealloc((items), (cap) * sizeof *(items));                             \
		}                                                                                            \
	} while (0)

#endif
